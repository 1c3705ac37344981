/*
 * usertool: `ftpd user add|passwd|del|lock|unlock|list`, which edits the
 * users file (users.h) the way pure-pw edits pure-ftpd's.
 *
 * An edit takes an exclusive lock on FILE.lock beside the file (so that
 * two edits never lose each other's lines), reads the file, changes only
 * the one line it is about (comments, blank lines, other users and any
 * fields after the fourth stay byte for byte), writes a temporary file in
 * the same folder with the old file's mode and owner, fsyncs it, checks
 * that it loads (users_load), and renames it over the file. Then it asks
 * the running server to reload over the admin socket ("reload", admin.h),
 * or says that it must be sent SIGHUP.
 *
 * Passwords are asked twice without echo on a terminal, read from the
 * first line of stdin otherwise (hashpw.h), and hashed before the lock is
 * taken. A locked account's hash starts with '!' (users.h): lock adds it,
 * unlock removes it, passwd keeps it.
 */
#ifndef FTPD_USERTOOL_H
#define FTPD_USERTOOL_H

/*
 * Runs `ftpd user ...`; argv[0] is "user". Returns the exit status: 0,
 * 1 (nothing changed: the reason is printed), 2 (usage).
 */
int usertool_main(int argc, char **argv);

#endif
