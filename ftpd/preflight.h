/*
 * preflight: startup checks of the settings against the disk and the
 * users file, shared by a normal start and `ftpd --check-config`:
 *
 *  - the anonymous home exists and holds no user's home (anonymous users
 *    would read, and with anonymous_write change, other users' files),
 *    unless anonymous_sees_homes = yes; with a users backend that cannot
 *    list its users at startup, anonymous_home = / is refused outright;
 *  - every user's home exists beneath the root.
 *
 * Each problem goes to report(arg, msg), msg naming the setting or the
 * users file's path:line.
 */
#ifndef FTPD_PREFLIGHT_H
#define FTPD_PREFLIGHT_H

struct config;
struct userdb;

typedef void preflight_report_fn(void *arg, const char *msg);

/*
 * Checks the anonymous home (only when anonymous logins are on) beneath
 * root_fd, against db's users (NULL: none). Returns the number of problems
 * reported; ftpd does not start with any.
 */
int preflight_anonymous(const struct config *cfg, struct userdb *db,
    int root_fd,
    preflight_report_fn *report, void *arg);

/*
 * Checks that every user of db has a folder beneath root_fd as home. Returns the
 * number of problems reported (a missing home is only a warning at
 * startup: the admin may create it later).
 */
int preflight_homes(struct userdb *db, int root_fd,
    preflight_report_fn *report, void *arg);

#endif
