int ftpd_placeholder_unused(void); int ftpd_placeholder_unused(void) { return 0; }
