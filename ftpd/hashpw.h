/*
 * hashpw: `ftpd --hash-password`, which makes a users-file hash.
 *
 * On a terminal it prompts twice without echo (as mkpasswd and htpasswd
 * do) and refuses two different answers; otherwise it reads the first
 * line of stdin, so that scripts can pipe a password in. The hash goes
 * to stdout, prompts and errors to stderr.
 */
#ifndef FTPD_HASHPW_H
#define FTPD_HASHPW_H

#include <stddef.h>

/*
 * Reads a password into line as described above (also for `ftpd user`):
 * 0, or -1 (no password, two different ones, an empty one: message
 * printed; line wiped).
 */
int hashpw_read(char *line, size_t size);

/*
 * Reads a password, prints its hash with method ("yescrypt", the default
 * for NULL, or "sha512"). Returns the exit code: 0, or 1 (message
 * printed). The password is wiped from memory.
 */
int hashpw_run(const char *method);

#endif
