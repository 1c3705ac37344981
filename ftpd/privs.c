/*
 * privs.c: dropping root; see privs.h.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "privs.h"

int
privs_check_startup(const char *run_as, char *err, size_t errsz)
{
	struct passwd *pw;

	if (geteuid() == 0) {
		if (run_as == NULL) {
			snprintf(err, errsz,
			    "refusing to run as root: name an unprivileged user "
			    "with --run-as USER (config run_as); ftpd binds its "
			    "ports and reads its keys as root, then becomes that user");
			return -1;
		}
		if ((pw = getpwnam(run_as)) == NULL) {
			snprintf(err, errsz, "run_as: no user '%s'", run_as);
			return -1;
		}
		if (pw->pw_uid == 0) {
			snprintf(err, errsz, "run_as: '%s' is root", run_as);
			return -1;
		}
		return 0;
	}
	if (run_as != NULL && ((pw = getpwnam(run_as)) == NULL ||
	    pw->pw_uid != geteuid())) {
		snprintf(err, errsz,
		    "run_as %s: only root can change to another user", run_as);
		return -1;
	}
	return 0;
}

int
privs_drop(const char *user, char *err, size_t errsz)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0)
		return 0;	/* nothing to give up (checked at startup) */
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errsz, "run_as: no user '%s'", user);
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	/*
	 * The user's own groups and no others of root's: Debian gives a
	 * service its private key through group ssl-cert (0640 root:ssl-cert),
	 * which SIGHUP must still read after the drop.
	 */
	if (initgroups(user, gid) < 0) {
		snprintf(err, errsz, "initgroups: %s", strerror(errno));
		return -1;
	}
	if (setresgid(gid, gid, gid) < 0) {
		snprintf(err, errsz, "setgid(%u): %s", (unsigned)gid, strerror(errno));
		return -1;
	}
	if (setresuid(uid, uid, uid) < 0) {
		snprintf(err, errsz, "setuid(%u): %s", (unsigned)uid, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || geteuid() == 0) {
		snprintf(err, errsz, "could regain root after dropping it");
		return -1;
	}
	/* Become dumpable again is not wanted: keep core dumps off. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return 0;
}

int
privs_give(const char *path, const char *user)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	return lchown(path, pw->pw_uid, pw->pw_gid);
}
