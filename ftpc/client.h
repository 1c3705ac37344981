/*
 * client: what one ftpc process knows between commands — the session,
 * the user's settings, the remote directory and the listings cached for
 * completion — and the helpers that the command handlers share.
 */
#ifndef FTPC_CLIENT_H
#define FTPC_CLIENT_H

#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "compat.h"
#include "listparse.h"
#include "proto.h"
#include "status.h"
#include "url.h"
#include "verify.h"

#define CLIENT_PATH_MAX 4096
#define CLIENT_CACHE_DIRS 16

struct dircache {
	char dir[CLIENT_PATH_MAX];	/* absolute remote path */
	struct lp_list list;
	int used;
};

enum progress_mode { PROGRESS_AUTO, PROGRESS_ON, PROGRESS_OFF };

struct client {
	struct proto s;
	int ascii;			/* transfer in TYPE A */
	int passive;
	enum progress_mode progress;
	int verbose;			/* echo server replies */
	int debug;			/* also commands and states */
	int quiet;			/* no informational messages */
	int interactive;		/* a person types at a terminal */
	int keep_going;			/* scripts: go on past failures */
	enum verify_mode verify;	/* --verify, --no-verify; auto */
	int timeout_ms;
	long rate_limit;
	const char *netrc_path;		/* NULL: $NETRC or ~/.netrc */
	enum proto_tls tls;		/* --tls, --tls-implicit */
	const char *cacert;		/* --cacert; NULL: the system's CAs */
	int insecure;			/* --insecure: no certificate check */
	SSL_CTX *tls_ctx;		/* made when TLS is first needed */
	char rcwd[CLIENT_PATH_MAX];	/* remote directory, "" if unknown */
	char home[CLIENT_PATH_MAX];	/* directory after login (cd alone) */
	struct dircache cache[CLIENT_CACHE_DIRS];
	unsigned cache_next;
	int quit;			/* bye was given */
};

/* Sets defaults; nothing connected. */
void client_init(struct client *c);
void client_free(struct client *c);

/*
 * Connects and logs in, with TLS as tls says (see proto.h). user/pass
 * may be NULL: then ~/.netrc, a prompt (interactive only) or anonymous
 * supply them. Then FEAT and PWD. After a refused login (FC_LOGIN) the
 * connection stays open, so that user can try again; callers that give up
 * close it.
 */
enum fc_status client_open(struct client *c, const char *host, unsigned port,
    enum proto_tls tls, const char *user, const char *pass);

/*
 * The TLS context for --cacert and --insecure, made on first use.
 * Returns it, or NULL after printing why (the caller's status: FC_USAGE).
 */
SSL_CTX *client_tls_ctx(struct client *c);

/*
 * Where a URL leads: ftps:// is implicit TLS, ftp:// what the command
 * line asked for; the port is the URL's, else 990 for implicit TLS and
 * 21 otherwise.
 */
void client_url_target(const struct client *c, const struct ftp_url *u,
    enum proto_tls *tls, unsigned *port);

/* The default port for a TLS mode: 990 for implicit TLS, else 21. */
unsigned client_default_port(enum proto_tls tls);

/* Prints "ftpc: what: why" on stderr; returns st. */
enum fc_status client_fail(struct client *c, enum fc_status st,
    const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Prints an informational line on stdout unless quiet. */
void client_note(struct client *c, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Where notes on unverified transfers go: stdout with -v, else NULL. */
FILE *client_notes(const struct client *c);

/* Whether transfers draw a progress bar now. */
int client_progress_on(const struct client *c);

/* Refreshes c->rcwd with PWD. */
void client_update_cwd(struct client *c);

/* Forgets every cached listing (after anything that changes the server). */
void client_cache_clear(struct client *c);

/*
 * Lists remote directory dir ("" for the current one) with MLSD when the
 * server offers it, else LIST, into out (appending). Uses session s (the
 * client's own when NULL). Returns FC_OK or the failure.
 */
enum fc_status client_list(struct client *c, struct proto *s, const char *dir,
    struct lp_list *out);

/*
 * The cached listing of remote dir, fetching it when absent; NULL on
 * failure. The pointer stays valid until the cache is cleared.
 */
const struct lp_list *client_cached_list(struct client *c, const char *dir);

/*
 * Whether remote directory dir exists, asked on session s (the client's
 * own when NULL): by MLST where the server offers it, else by CWD into
 * it and back. Never by LIST: vsftpd answers LIST of a missing folder
 * with 150, 226 and an empty listing. Returns 1 (a directory), 0 (not
 * one, or missing), -1 when the session failed (s->err says why).
 */
int client_remote_dir_exists(struct client *c, struct proto *s,
    const char *dir);

/* dir + "/" + name, or name alone when dir is "" or "."; -1 if too long. */
int client_join(char *out, size_t outsz, const char *dir, const char *name) WARN_UNUSED;

/* The last path component ("a/b/c" -> "c"; "a/b/" -> "b"). */
const char *client_basename(const char *path, char *tmp, size_t tmpsz);

/*
 * Expands a remote glob into the matching plain files (directories left
 * out unless want_dirs). A pattern without glob characters is returned as
 * it is. Returns FC_OK with *names (free each and the array) or a failure.
 */
enum fc_status client_remote_glob(struct client *c, const char *pattern,
    int want_dirs, char ***names, size_t *n);

void client_free_names(char **names, size_t n);

/* Reads a line from the terminal without echo; -1 without a terminal. */
int client_read_secret(const char *prompt, char *out, size_t outsz) WARN_UNUSED;

#endif
