/*
 * hashpw.c: --hash-password; see hashpw.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hashpw.h"
#include "users.h"

static struct termios saved_tty;
static volatile sig_atomic_t tty_saved;

/* Ctrl-C at the prompt must not leave the terminal without echo. */
static void
restore_tty_and_exit(int sig)
{
	if (tty_saved)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Reads one line from stdin into line, without its end. -1 at EOF. */
static int
read_line(char *line, size_t size)
{
	if (fgets(line, (int)size, stdin) == NULL)
		return -1;
	line[strcspn(line, "\r\n")] = '\0';
	return 0;
}

/*
 * On a terminal: prompts twice without echo (as mkpasswd and htpasswd
 * do) and insists on the same answer. Returns 0 with the password in
 * line, or -1 (message printed).
 */
static int
prompt_password(char *line, size_t size)
{
	struct termios quiet;
	char again[1024];
	int rc = -1;

	if (tcgetattr(STDIN_FILENO, &saved_tty) < 0) {
		fprintf(stderr, "ftpd: terminal: %s\n", strerror(errno));
		return -1;
	}
	tty_saved = 1;
	signal(SIGINT, restore_tty_and_exit);
	signal(SIGTERM, restore_tty_and_exit);
	signal(SIGHUP, restore_tty_and_exit);
	quiet = saved_tty;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) < 0) {
		fprintf(stderr, "ftpd: terminal: %s\n", strerror(errno));
		return -1;
	}
	fprintf(stderr, "Password: ");
	fflush(stderr);
	if (read_line(line, size) == 0) {
		fprintf(stderr, "Again: ");
		fflush(stderr);
		if (read_line(again, sizeof(again)) < 0)
			fprintf(stderr, "ftpd: no password\n");
		else if (strcmp(line, again) != 0)
			fprintf(stderr, "ftpd: the passwords differ; nothing hashed\n");
		else
			rc = 0;
	} else {
		fprintf(stderr, "ftpd: no password\n");
	}
	users_wipe(again, sizeof(again));
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	tty_saved = 0;
	return rc;
}

int
hashpw_read(char *line, size_t size)
{
	if (isatty(STDIN_FILENO)) {
		if (prompt_password(line, size) < 0) {
			users_wipe(line, size);
			return -1;
		}
	} else if (read_line(line, size) < 0) {
		fprintf(stderr, "ftpd: no password on stdin\n");
		return -1;
	}
	if (line[0] == '\0') {
		fprintf(stderr, "ftpd: empty password\n");
		return -1;
	}
	return 0;
}

int
hashpw_run(const char *method)
{
	char line[1024], hash[512];

	if (hashpw_read(line, sizeof(line)) < 0)
		return 1;
	if (users_hash_password(line, method, hash, sizeof(hash)) < 0) {
		users_wipe(line, sizeof(line));
		fprintf(stderr, "ftpd: could not hash the password\n");
		return 1;
	}
	users_wipe(line, sizeof(line));
	printf("%s\n", hash);
	return 0;
}
