/*
 * reload: SIGHUP (and the admin socket's "reload"). Builds the settings
 * again the way startup did (the config files named on the command line,
 * then the command-line settings over them), checks them, keeps the
 * settings only a restart can change (naming each changed one in the
 * log), reloads the TLS certificate and key and the users file, and
 * publishes the new settings for sessions that start from then on.
 *
 * Snapshots: a session reads the settings it started with (s->cfg) for
 * its whole life, so an old struct config is never freed before exit.
 * Every reload keeps one (a few KB); counting references on every session
 * start and end would buy back nothing an admin would notice.
 *
 * Everything here runs on the main thread.
 */
#ifndef FTPD_RELOAD_H
#define FTPD_RELOAD_H

#include <stddef.h>

#include "compat.h"

struct config;

/* A config file named on the command line (in order). 0, or -1 (ENOMEM). */
int reload_remember_file(const char *path) WARN_UNUSED;

/* A setting made on the command line (in order). 0, or -1 (ENOMEM). */
int reload_remember_setting(const char *key, const char *value) WARN_UNUSED;

/*
 * Publishes the startup settings (the caller's, alive until after
 * reload_free) for new sessions.
 */
void reload_start(const struct config *startup);

/*
 * Reloads. Returns 0 when the new settings are in force (a failed users
 * file or certificate is logged and keeps the old one, and the summary in
 * msg says so), or -1 when the config was refused and the old settings
 * stay; msg gets a one-line summary either way.
 */
int reload_run(char *msg, size_t msgsz);

/* Frees every snapshot but the startup one (at exit). */
void reload_free(void);

#endif
