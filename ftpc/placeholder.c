int ftpc_placeholder_unused(void); int ftpc_placeholder_unused(void) { return 0; }
