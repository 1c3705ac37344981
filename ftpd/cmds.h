/*
 * cmds.h: the command handlers, grouped by area in cmd_*.c. Each takes
 * the session and its argument (NULL when none; the dispatcher has already
 * checked the argument shape, login and permissions).
 */
#ifndef FTPD_CMDS_H
#define FTPD_CMDS_H

#include "compat.h"

struct session;

/* cmd_auth.c */
void cmd_user(struct session *s, char *arg);
void cmd_pass(struct session *s, char *arg);
void cmd_quit(struct session *s, char *arg);
void cmd_rein(struct session *s, char *arg);

/* cmd_host.c */
void cmd_host(struct session *s, char *arg);

/*
 * The TLS SNI hook (tls_set_sni_hook): owner is the session; picks the
 * host named servername, or NULL to keep the default host.
 */
struct tls_server;
struct tls_server *cmd_host_sni(void *owner, const char *servername);

/* cmd_tls.c */
void cmd_auth(struct session *s, char *arg);
void cmd_pbsz(struct session *s, char *arg);
void cmd_prot(struct session *s, char *arg);
void cmd_ccc(struct session *s, char *arg);

/* cmd_nav.c */
void cmd_pwd(struct session *s, char *arg);
void cmd_cwd(struct session *s, char *arg);
void cmd_cdup(struct session *s, char *arg);
void cmd_mkd(struct session *s, char *arg);
void cmd_rmd(struct session *s, char *arg);
void cmd_dele(struct session *s, char *arg);
void cmd_rnfr(struct session *s, char *arg);
void cmd_rnto(struct session *s, char *arg);
void cmd_mfmt(struct session *s, char *arg);
void cmd_site(struct session *s, char *arg);

/* cmd_xfer.c */
void cmd_type(struct session *s, char *arg);
void cmd_mode(struct session *s, char *arg);
void cmd_stru(struct session *s, char *arg);
void cmd_rest(struct session *s, char *arg);
void cmd_allo(struct session *s, char *arg);
void cmd_retr(struct session *s, char *arg);
void cmd_stor(struct session *s, char *arg);
void cmd_stou(struct session *s, char *arg);
void cmd_appe(struct session *s, char *arg);
void cmd_abor(struct session *s, char *arg);
void cmd_list(struct session *s, char *arg);
void cmd_nlst(struct session *s, char *arg);
void cmd_mlsd(struct session *s, char *arg);

struct listing;
struct listing_opts;
/*
 * Builds the listing of arg (a directory, a file, or a pattern in the last
 * component) into a listing; path receives the resolved path (VPATH_MAX).
 * Returns NULL after replying an error.
 */
struct listing *cmd_make_listing(struct session *s, const char *arg,
    struct listing_opts *o, char *path);

/* cmd_data.c */
void cmd_pasv(struct session *s, char *arg);
void cmd_epsv(struct session *s, char *arg);
void cmd_port(struct session *s, char *arg);
void cmd_eprt(struct session *s, char *arg);

/* cmd_hash.c */
void cmd_hash(struct session *s, char *arg);
void cmd_rang(struct session *s, char *arg);
void cmd_xsha256(struct session *s, char *arg);
void cmd_xsha1(struct session *s, char *arg);
void cmd_xmd5(struct session *s, char *arg);
/* OPTS HASH [algo]: value is NULL to ask for the current choice. */
void cmd_opts_hash(struct session *s, const char *value);
struct buf;
/* Appends " SHA-256*;SHA-512;SHA-1;MD5" (the session's choice starred). */
int cmd_hash_feat(struct buf *t, const struct session *s) WARN_UNUSED;
/* Cancels a hash in flight and frees the session's hash state. */
void cmd_hash_end(struct session *s);

/* cmd_info.c */
void cmd_noop(struct session *s, char *arg);
void cmd_syst(struct session *s, char *arg);
void cmd_feat(struct session *s, char *arg);
void cmd_opts(struct session *s, char *arg);
void cmd_stat(struct session *s, char *arg);
void cmd_help(struct session *s, char *arg);
void cmd_size(struct session *s, char *arg);
void cmd_mdtm(struct session *s, char *arg);
void cmd_mlst(struct session *s, char *arg);

#endif
