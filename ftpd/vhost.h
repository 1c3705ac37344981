/*
 * vhost: a virtual host's run-time objects (RFC 7151 HOST).
 *
 * The settings of a host are a struct config (config.h: the global part
 * is the default host, each [host NAME] section another); what a host
 * needs beyond its settings lives here: its users backend, its root with
 * the homes beneath it, and its TLS context. A host's objects are made
 * once, when the host first appears (startup, or a reload that adds it),
 * and are kept by name across reloads: a reload reads the users file and
 * the certificate again into the same objects, like the single-host
 * server always did, while its settings come with the new snapshot. A
 * host dropped from the config keeps its objects until exit (sessions
 * that started on it may still use them).
 *
 * Each host's struct config points at its objects (cfg->vhost); a
 * session reaches them through s->cfg, the host it chose.
 *
 * Everything here runs on the main thread, except the accessors and the
 * SNI lookup (any thread; the objects are never freed before exit).
 */
#ifndef FTPD_VHOST_H
#define FTPD_VHOST_H

#include "compat.h"
#include "preflight.h"

struct config;
struct homes;
struct tls_server;
struct userdb;
struct vhost;

/*
 * Startup: makes the objects of cfg's default host and of each host in
 * cfg->hosts (their roots, users backends and, with TLS on, contexts),
 * runs the preflight checks of each, and attaches them. Each problem goes
 * to report, naming the host ("host NAME: ..."). With check_only, a users
 * database is also contacted (--check-config). Returns the number of
 * problems; when not checking, it stops at the first.
 */
unsigned vhost_setup(struct config *cfg, int check_only,
    preflight_report_fn *report, void *arg);

/*
 * Checks that every user's home of each host exists (preflight_homes),
 * reporting each problem with its host. Returns how many.
 */
unsigned vhost_check_homes(struct config *cfg, preflight_report_fn *report,
    void *arg);

/*
 * SIGHUP: attaches the objects to the new settings cfg (built and
 * validated). A new host's objects are made now; a new host whose root,
 * users or certificate cannot be opened refuses the reload (-1, nothing
 * changed, each problem logged). A known host keeps its root and users
 * backend (changing them takes a restart: logged, the old value kept in
 * cfg) and reads its users file and certificate again (a failure is
 * logged and keeps the old contents: *partial is set). 0 when attached.
 */
int vhost_reload(struct config *cfg, int *partial);

/*
 * A refused config: the users files and certificates of the hosts of
 * live (the settings in force) are read again anyway.
 */
void vhost_reload_files(const struct config *live);

/* The host's objects (v: cfg->vhost). */
struct userdb *vhost_userdb(const struct vhost *v);
struct homes *vhost_homes(const struct vhost *v);
struct tls_server *vhost_tls(const struct vhost *v);	/* NULL: TLS off */

/*
 * Whose accounts the host's users are: hosts with the same root and users
 * (a section that only sets a banner or a certificate, say) share them:
 * alice through either name is one user in one home, with one quota and
 * one rate. The realm is the name of the first such host made ("" for the
 * default host), fixed for the life of the process as the root and users
 * are. NULL for NULL.
 */
const char *vhost_realm(const struct vhost *v);

/* Frees every host's objects (at exit, after the sessions). */
void vhost_shutdown(void);

#endif
