/*
 * cmdtab: the command table and the dispatcher.
 *
 * One row per command says everything the dispatcher needs: the handler,
 * the argument shape, whether login or write permission is required,
 * whether it may run while a transfer is in flight, the FEAT line and the
 * HELP text. The dispatcher, not the handlers, answers 500/502 (unknown),
 * 501 (argument shape), 503 (sequence), 530 (login) and 550 (read-only),
 * and HELP and FEAT are generated from the table.
 */
#ifndef FTPD_CMDTAB_H
#define FTPD_CMDTAB_H

#include <stddef.h>

struct session;

typedef void (*cmd_handler)(struct session *s, char *arg);

enum cmd_flags {
	CMD_NEEDS_LOGIN = 1 << 0,	/* 530 before login */
	CMD_ARG_REQUIRED = 1 << 1,	/* 501 without an argument */
	CMD_ARG_NONE = 1 << 2,		/* 501 with an argument */
	CMD_WRITES = 1 << 3,		/* 550 for read-only users */
	CMD_DURING_XFER = 1 << 4,	/* runs at once even mid-transfer */
	CMD_AFTER_USER = 1 << 5,	/* 503 unless USER came just before */
	CMD_AFTER_RNFR = 1 << 6,	/* 503 unless RNFR came just before */
	CMD_UNIMPLEMENTED = 1 << 7,	/* 502: known but not offered */
	CMD_NEEDS_TLS = 1 << 8,		/* 502 (and no FEAT line) without TLS */
	CMD_BEFORE_AUTH = 1 << 9,	/* 503 once the control is encrypted */
	CMD_AFTER_AUTH = 1 << 10,	/* 503 until AUTH TLS */
	CMD_AFTER_PBSZ = 1 << 11,	/* 503 until AUTH TLS and PBSZ */
	CMD_NOT_EPSV_ALL = 1 << 12,	/* 503 after EPSV ALL (RFC 2428) */
	CMD_LOGIN_WITH_ARG = 1 << 13,	/* 530 before login, with an argument */
	CMD_DATA = 1 << 14,		/* 425 without PORT/PASV; 521 without
					   PROT P where it is required */
};

struct command {
	const char *name;
	cmd_handler handler;
	unsigned flags;
	const char *feat;	/* FEAT line, or NULL */
	const char *help;	/* argument syntax for HELP */
};

extern const struct command cmdtab[];
extern const size_t cmdtab_len;

/* Finds a command by its (upper-case) name; NULL if unknown. */
const struct command *cmdtab_find(const char *name);

/*
 * Splits a command line in place into an upper-cased verb and its argument
 * (everything after the first space, kept verbatim: file names may hold
 * spaces). *arg is NULL when there is none. A verb is a letter, then
 * letters or digits (XSHA256). Returns 0, or -1 for a line with no verb,
 * another character in it, or a verb longer than 8.
 */
int cmd_split(char *line, char **verb, char **arg);

/* Whether the line's verb may run while a transfer is in flight. */
int cmd_runs_during_transfer(const char *line);

/*
 * The read-only rule (CMD_WRITES) for commands that choose a subcommand
 * (SITE CHMOD): logs and replies 550 for a read-only account and returns
 * -1, else 0. name and arg are for the log line.
 */
int cmd_refuse_read_only(struct session *s, const char *name, const char *arg) WARN_UNUSED;

/* Runs one command line for s, applying the table's rules. */
void cmd_dispatch(struct session *s, char *line);

#endif
