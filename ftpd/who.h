/*
 * who: the `ftpd who` command: asks the running server, over its admin
 * socket (admin.h), for the live sessions and prints them.
 */
#ifndef FTPD_WHO_H
#define FTPD_WHO_H

/*
 * Runs `ftpd who [--json] [--admin-socket PATH] [--config FILE]`; argv[0]
 * is "who". Returns the exit status: 0, 1 (no answer), 2 (usage).
 */
int who_main(int argc, char **argv);

/*
 * Connects to the admin socket at path (also for `ftpd user`'s reload),
 * with 10-second send and receive timeouts. Returns the descriptor, or -1
 * after a message on stderr prefixed with prog.
 */
int who_connect(const char *path, const char *prog);

#endif
