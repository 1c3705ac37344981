/*
 * reply: FTP reply codes by name, the server's reply writer and the
 * client's reply parser (RFC 959 section 4.2).
 */
#ifndef FTP_REPLY_H
#define FTP_REPLY_H

#include <stddef.h>

#include "buf.h"

enum reply_code {
	R_110_RESTART_MARKER = 110,
	R_120_READY_SOON = 120,
	R_125_DATA_OPEN_STARTING = 125,
	R_150_OPENING_DATA = 150,
	R_200_OK = 200,
	R_202_NOT_IMPLEMENTED_SUPERFLUOUS = 202,
	R_211_SYSTEM_STATUS = 211,
	R_212_DIR_STATUS = 212,
	R_213_FILE_STATUS = 213,
	R_214_HELP = 214,
	R_215_SYSTEM_TYPE = 215,
	R_220_READY = 220,
	R_221_GOODBYE = 221,
	R_225_DATA_OPEN_NO_XFER = 225,
	R_226_CLOSING_DATA = 226,
	R_227_PASSIVE = 227,
	R_229_EXTENDED_PASSIVE = 229,
	R_230_LOGGED_IN = 230,
	R_234_AUTH_OK = 234,
	R_250_FILE_ACTION_OK = 250,
	R_257_PATH_CREATED = 257,
	R_331_NEED_PASSWORD = 331,
	R_332_NEED_ACCOUNT = 332,
	R_350_PENDING = 350,
	R_421_SERVICE_UNAVAILABLE = 421,
	R_425_CANT_OPEN_DATA = 425,
	R_426_TRANSFER_ABORTED = 426,
	R_450_FILE_UNAVAILABLE = 450,
	R_451_LOCAL_ERROR = 451,
	R_452_INSUFFICIENT_STORAGE = 452,
	R_500_SYNTAX_ERROR = 500,
	R_501_ARG_SYNTAX_ERROR = 501,
	R_502_NOT_IMPLEMENTED = 502,
	R_503_BAD_SEQUENCE = 503,
	R_504_NOT_IMPLEMENTED_FOR_ARG = 504,
	R_521_PROT_REQUIRED = 521,
	R_522_PROTOCOL_NOT_SUPPORTED = 522,
	R_530_NOT_LOGGED_IN = 530,
	R_532_NEED_ACCOUNT = 532,
	R_533_POLICY_DENIED = 533,
	R_534_POLICY_DENIED_REQUEST = 534,
	R_536_PROT_NOT_SUPPORTED = 536,
	R_550_FILE_UNAVAILABLE = 550,
	R_551_PAGE_TYPE_UNKNOWN = 551,
	R_552_EXCEEDED_STORAGE = 552,
	R_553_NAME_NOT_ALLOWED = 553,
	R_554_INVALID_REST = 554,
	R_556_HASH_TOO_BIG = 556,	/* HASH refused by the server's limit */
};

/*
 * Appends a complete reply to out. text may hold several lines separated by
 * '\n'; then the reply is multi-line ("code-first", " middle", "code last"),
 * each middle line indented by a space so that it can never be mistaken for
 * the closing line. CR and LF inside a line never reach the wire raw.
 * Returns 0, or -1 if out would exceed its cap.
 */
int reply_format(struct buf *out, int code, const char *text) WARN_UNUSED;

/*
 * Client side: collects the lines of one reply. Feed every control line
 * (without its CRLF) to reply_parser_feed until it returns 1.
 */
struct reply_parser {
	int code;		/* the reply's code once complete (or while multi) */
	int multi;		/* inside a multi-line reply */
	struct buf text;	/* all lines, '\n' separated, codes included */
};

void reply_parser_init(struct reply_parser *p);
void reply_parser_free(struct reply_parser *p);
/* Forgets the previous reply; the parser is ready for the next one. */
void reply_parser_reset(struct reply_parser *p);

/*
 * Returns 1 when the reply is complete (p->code is then set), 0 when more
 * lines are needed, -1 on a line that cannot start a reply or when the text
 * exceeds its cap.
 */
int reply_parser_feed(struct reply_parser *p, const char *line, size_t len) WARN_UNUSED;

/* The text of the reply's last line after "ddd ", or "" . */
const char *reply_last_line(const struct reply_parser *p);

#endif
