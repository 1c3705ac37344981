/*
 * proto.c: the control connection; see proto.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "digest.h"
#include "proto.h"
#include "tlsconn.h"

#define PROTO_LINE_MAX 8192
#define PROTO_CMD_MAX 4096

static const char *const state_names[] = {
	[PS_DISCONNECTED] = "DISCONNECTED",
	[PS_CONNECTED] = "CONNECTED",
	[PS_USER_SENT] = "USER_SENT",
	[PS_LOGGED_IN] = "LOGGED_IN",
	[PS_TRANSFER] = "TRANSFER",
};

const char *
proto_state_name(enum proto_state st)
{
	if ((size_t)st >= ARRAY_LEN(state_names))
		return "?";
	return state_names[st];
}

void
proto_set_state(struct proto *s, enum proto_state st)
{
	if (s->debug && s->state != st && s->echo != NULL)
		fprintf(s->echo, "state: %s -> %s\n",
		    proto_state_name(s->state), proto_state_name(st));
	s->state = st;
}

void
proto_init(struct proto *s, int timeout_ms)
{
	memset(s, 0, sizeof(*s));
	transport_init(&s->ctrl, timeout_ms);
	ctrl_reader_init(&s->rd, PROTO_LINE_MAX, 0);
	reply_parser_init(&s->rp);
	s->state = PS_DISCONNECTED;
	s->code = -1;
	s->passive = 1;
	s->type_ascii = -1;
	s->hash_sel = -1;
	s->timeout_ms = timeout_ms;
	s->echo = stdout;
}

static void
wipe_credentials(struct proto *s)
{
	explicit_bzero(s->pass, sizeof(s->pass));
}

/* Forgets whatever was read but not yet parsed as a reply. */
static void
drop_input(struct proto *s)
{
	s->in_len = s->in_pos = 0;
	ctrl_reader_free(&s->rd);
	ctrl_reader_init(&s->rd, PROTO_LINE_MAX, 0);
	reply_parser_reset(&s->rp);
}

/* Forgets the features FEAT announced (asked again later). */
static void
forget_feat(struct proto *s)
{
	s->feat = 0;
	s->hash_algos = 0;
	s->hash_sel = -1;
}

void
proto_close(struct proto *s)
{
	transport_close(&s->ctrl);
	drop_input(s);
	forget_feat(s);
	s->prot_p = 0;
	s->epsv_bad = s->eprt_bad = 0;
	s->type_ascii = -1;
	proto_set_state(s, PS_DISCONNECTED);
}

void
proto_free(struct proto *s)
{
	proto_close(s);
	wipe_credentials(s);
	ctrl_reader_free(&s->rd);
	reply_parser_free(&s->rp);
}

/* The TLS handshake on the control connection; -1 with s->err set. */
static int
start_tls(struct proto *s)
{
	char what[128];

	BUG_ON(s->tls_ctx == NULL);
	if (tlsconn_start(&s->ctrl, s->tls_ctx, s->host, NULL, s->err,
	    sizeof(s->err)) < 0)
		return -1;
	/*
	 * Bytes that came before the handshake were not protected: a man in
	 * the middle could have queued a forged reply behind the 234.
	 */
	drop_input(s);
	if (s->debug && s->echo != NULL) {
		tlsconn_describe(&s->ctrl, what, sizeof(what));
		fprintf(s->echo, "TLS: %s\n", what);
	}
	return 0;
}

/* AUTH TLS, then the handshake; FC_OK or FC_CONNECT with s->err set. */
static enum fc_status
auth_tls(struct proto *s)
{
	int code = proto_cmd(s, "AUTH TLS");

	if (code != R_234_AUTH_OK) {
		if (code >= 0)
			fc_errf(s->err, sizeof(s->err), "server refused AUTH TLS: %d %s",
			    code, proto_reply_last(s));
		return FC_CONNECT;
	}
	return start_tls(s) < 0 ? FC_CONNECT : FC_OK;
}

/*
 * RFC 7151: names the virtual host we mean, when the server announces
 * HOST. The RFC's IP-literal puts an address in brackets. Any answer but
 * a lost connection (or 421) goes on: a refused HOST leaves the default
 * host, as on a server without HOST (-v shows the reply). 0, or -1 with
 * the reason in s->err.
 */
static int
select_host(struct proto *s)
{
	unsigned char addr[sizeof(struct in6_addr)];
	int literal, code;

	proto_feat(s);
	if (s->ctrl.fd < 0)		/* lost, or 421: s->err says why */
		return -1;
	if (!(s->feat & PF_HOST))
		return 0;
	literal = inet_pton(AF_INET, s->host, addr) == 1 ||
	    inet_pton(AF_INET6, s->host, addr) == 1;
	code = proto_cmd(s, literal ? "HOST [%s]" : "HOST %s", s->host);
	return code < 0 || code == R_421_SERVICE_UNAVAILABLE ? -1 : 0;
}

enum fc_status
proto_connect(struct proto *s, const char *host, unsigned port)
{
	socklen_t len;
	int code;

	if (s->state != PS_DISCONNECTED)
		proto_close(s);
	if (xstrlcpy(s->host, host, sizeof(s->host)) < 0) {
		fc_errf(s->err, sizeof(s->err), "host name too long");
		return FC_USAGE;
	}
	s->port = port;
	if (transport_connect(&s->ctrl, host, port, s->err, sizeof(s->err)) < 0)
		return FC_CONNECT;
	len = sizeof(s->peer);
	if (getpeername(s->ctrl.fd, (struct sockaddr *)&s->peer, &len) < 0)
		memset(&s->peer, 0, sizeof(s->peer));
	len = sizeof(s->local);
	if (getsockname(s->ctrl.fd, (struct sockaddr *)&s->local, &len) < 0)
		memset(&s->local, 0, sizeof(s->local));
	addr_unmap(&s->peer);
	addr_unmap(&s->local);
	if (s->tls == PT_IMPLICIT && start_tls(s) < 0) {
		proto_close(s);
		return FC_CONNECT;
	}
	proto_set_state(s, PS_CONNECTED);
	/* 120 means "ready in a while": wait for the real greeting. */
	do {
		code = proto_read_reply(s);
	} while (code == R_120_READY_SOON);
	if (code != R_220_READY) {
		if (code >= 0)
			fc_errf(s->err, sizeof(s->err), "server refused the connection: %s",
			    proto_reply_text(s));
		proto_close(s);
		return FC_CONNECT;
	}
	if (select_host(s) < 0) {
		proto_close(s);
		return FC_CONNECT;
	}
	if (s->tls == PT_EXPLICIT) {
		if (auth_tls(s) != FC_OK) {
			proto_close(s);
			return FC_CONNECT;
		}
		forget_feat(s);
	}
	return FC_OK;
}

/*
 * PBSZ 0 and PROT P (RFC 4217): from now on data connections are TLS.
 * A server that refuses gets no data in the clear: the session ends.
 */
static enum fc_status
protect_data(struct proto *s)
{
	int code = proto_cmd(s, "PBSZ 0");

	if (proto_ok(code))
		code = proto_cmd(s, "PROT P");
	if (!proto_ok(code)) {
		if (code >= 0)
			fc_errf(s->err, sizeof(s->err), "server refused to protect "
			    "data connections: %d %s", code, proto_reply_last(s));
		proto_quit(s);
		return FC_CONNECT;
	}
	s->prot_p = 1;
	return FC_OK;
}

enum fc_status
proto_login(struct proto *s, const char *user, const char *pass)
{
	int code;

	if (xstrlcpy(s->user, user, sizeof(s->user)) < 0 ||
	    xstrlcpy(s->pass, pass, sizeof(s->pass)) < 0) {
		fc_errf(s->err, sizeof(s->err), "user name or password too long");
		return FC_LOGIN;
	}
	code = proto_cmd(s, "USER %s", user);
	if (code == R_331_NEED_PASSWORD) {
		proto_set_state(s, PS_USER_SENT);
		code = proto_cmd(s, "PASS %s", pass);
	}
	if (code < 0 || code == R_421_SERVICE_UNAVAILABLE)
		return FC_CONNECT;
	if (code != R_230_LOGGED_IN && code != R_202_NOT_IMPLEMENTED_SUPERFLUOUS) {
		fc_errf(s->err, sizeof(s->err), "login failed: %s", proto_reply_last(s));
		proto_set_state(s, PS_CONNECTED);
		return FC_LOGIN;
	}
	proto_set_state(s, PS_LOGGED_IN);
	if (tlsconn_active(&s->ctrl))
		return protect_data(s);
	return FC_OK;
}

/*
 * The HASH line's algorithms: " SHA-256*;SHA-512;MD5", the current one
 * starred. Unknown names are skipped.
 */
static void
feat_hash(struct proto *s, const char *p)
{
	char name[32];
	enum digest_algo a;
	size_t n;

	p += strspn(p, " ");
	while (*p != '\0' && *p != '\n') {
		n = strcspn(p, ";\n");
		if (n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
			while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\r'))
				name[--n] = '\0';
			if (n > 0 && name[n - 1] == '*') {
				name[n - 1] = '\0';
				if (digest_lookup(name, &a) == 0)
					s->hash_sel = (int)a;
			}
			if (digest_lookup(name, &a) == 0)
				s->hash_algos |= 1u << a;
		}
		p += n;
		if (*p == ';')
			p++;
	}
}

void
proto_feat(struct proto *s)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "MLSD", PF_MLSD }, { "MLST", PF_MLSD }, { "SIZE", PF_SIZE },
		{ "MDTM", PF_MDTM }, { "REST", PF_REST }, { "EPSV", PF_EPSV },
		{ "UTF8", PF_UTF8 }, { "MFMT", PF_MFMT }, { "HASH", PF_HASH },
		{ "HOST", PF_HOST },
	};
	const char *line, *nl;
	size_t i, n;
	int code = proto_cmd(s, "FEAT");

	forget_feat(s);
	if (code != R_211_SYSTEM_STATUS)
		return;
	s->feat = PF_FEAT;
	for (line = proto_reply_text(s); line != NULL;
	    line = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (*line != ' ')
			continue;
		while (*line == ' ')
			line++;
		n = strcspn(line, " \n");
		for (i = 0; i < ARRAY_LEN(names); i++)
			if (strlen(names[i].name) == n &&
			    strncasecmp(line, names[i].name, n) == 0)
				s->feat |= names[i].bit;
		if (n == 4 && strncasecmp(line, "HASH", 4) == 0)
			feat_hash(s, line + 4);
	}
	if (s->feat & PF_UTF8)
		(void)proto_cmd(s, "OPTS UTF8 ON");
}

int
proto_send(struct proto *s, const char *fmt, ...)
{
	char line[PROTO_CMD_MAX + 2];
	va_list ap;
	int n;

	if (s->ctrl.fd < 0) {
		fc_errf(s->err, sizeof(s->err), "not connected");
		return -1;
	}
	va_start(ap, fmt);
	n = vsnprintf(line, PROTO_CMD_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PROTO_CMD_MAX) {
		fc_errf(s->err, sizeof(s->err), "command too long");
		return -1;
	}
	if (strpbrk(line, "\r\n") != NULL || strlen(line) != (size_t)n) {
		fc_errf(s->err, sizeof(s->err), "refusing to send CR, LF or NUL inside a command");
		return -1;
	}
	if (s->debug && s->echo != NULL) {
		if (strncasecmp(line, "PASS ", 5) == 0)
			fprintf(s->echo, "---> PASS XXXX\n");
		else
			fprintf(s->echo, "---> %s\n", line);
	}
	line[n] = '\r';
	line[n + 1] = '\n';
	if (transport_write_all(&s->ctrl, line, (size_t)n + 2) < 0) {
		fc_errf(s->err, sizeof(s->err), "control connection: %s", strerror(errno));
		explicit_bzero(line, sizeof(line));
		proto_close(s);
		return -1;
	}
	explicit_bzero(line, sizeof(line));
	return 0;
}

/* Feeds one line to the parser; 1 when the reply is complete. */
static int
take_line(struct proto *s, enum ctrl_result r)
{
	int rc;

	if (r != CTRL_LINE)
		return 0;	/* a mangled line: ignore it */
	if (s->verbose && s->echo != NULL)
		fprintf(s->echo, "%s\n", buf_cstr(&s->rd.line));
	rc = reply_parser_feed(&s->rp, buf_cstr(&s->rd.line), s->rd.line.len);
	if (rc < 0) {
		/* Not a reply line outside a reply: skip it. */
		reply_parser_reset(&s->rp);
		return 0;
	}
	return rc;
}

int
proto_read_reply(struct proto *s)
{
	enum ctrl_result r;
	size_t used;
	ssize_t n;

	reply_parser_reset(&s->rp);
	s->code = -1;
	for (;;) {
		while (s->in_pos < s->in_len) {
			r = ctrl_feed(&s->rd, s->in + s->in_pos,
			    s->in_len - s->in_pos, &used);
			s->in_pos += used;
			if (r != CTRL_NEED_MORE && take_line(s, r) == 1) {
				s->code = s->rp.code;
				if (s->code == R_421_SERVICE_UNAVAILABLE) {
					fc_errf(s->err, sizeof(s->err), "server closed the session: %s",
					    proto_reply_last(s));
					transport_close(&s->ctrl);
					proto_set_state(s, PS_DISCONNECTED);
				}
				return s->code;
			}
		}
		if (s->ctrl.fd < 0) {
			fc_errf(s->err, sizeof(s->err), "not connected");
			return -1;
		}
		n = transport_read(&s->ctrl, s->in, sizeof(s->in));
		if (n <= 0) {
			fc_errf(s->err, sizeof(s->err), "control connection %s",
			    n == 0 ? "closed by the server" : strerror(errno));
			proto_close(s);
			return -1;
		}
		s->in_len = (size_t)n;
		s->in_pos = 0;
	}
}

int
proto_cmd(struct proto *s, const char *fmt, ...)
{
	char line[PROTO_CMD_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		fc_errf(s->err, sizeof(s->err), "command too long");
		return -1;
	}
	n = proto_send(s, "%s", line);
	explicit_bzero(line, sizeof(line));
	if (n < 0)
		return -1;
	return proto_read_reply(s);
}

const char *
proto_reply_text(const struct proto *s)
{
	return buf_cstr(&s->rp.text);
}

const char *
proto_reply_last(const struct proto *s)
{
	return reply_last_line(&s->rp);
}

enum fc_status
proto_status_of(int code)
{
	if (code < 0 || code == R_421_SERVICE_UNAVAILABLE)
		return FC_CONNECT;
	if (code == R_530_NOT_LOGGED_IN)
		return FC_LOGIN;
	if (code >= 500)
		return FC_REMOTE;
	if (code >= 400)
		return FC_XFER;
	return FC_OK;
}

enum fc_status
proto_fail(struct proto *s, int code)
{
	if (code >= 0)
		fc_errf(s->err, sizeof(s->err), "%d %s", code, proto_reply_last(s));
	return proto_status_of(code);
}

enum fc_status
proto_type(struct proto *s, int ascii)
{
	int code;

	if (s->type_ascii == ascii)
		return FC_OK;
	code = proto_cmd(s, "TYPE %s", ascii ? "A" : "I");
	if (!proto_ok(code))
		return proto_fail(s, code);
	s->type_ascii = ascii;
	return FC_OK;
}

enum fc_status
proto_pwd(struct proto *s, char *out, size_t outsz)
{
	const char *t, *q;
	size_t n = 0;
	int code = proto_cmd(s, "PWD");

	if (code != R_257_PATH_CREATED)
		return proto_fail(s, code);
	/* RFC 959: the name is quoted, and a '"' inside is doubled. */
	t = proto_reply_last(s);
	q = strchr(t, '"');
	if (q == NULL)
		return proto_fail(s, code);
	for (q++; *q != '\0'; q++) {
		if (*q == '"') {
			if (q[1] != '"')
				break;
			q++;
		}
		if (n + 1 >= outsz)
			return FC_FAIL;
		out[n++] = *q;
	}
	out[n] = '\0';
	/* Where a reconnect returns to (a failed copy just leaves none). */
	if (xstrlcpy(s->cwd, out, sizeof(s->cwd)) < 0)
		s->cwd[0] = '\0';
	return FC_OK;
}

enum fc_status
proto_size(struct proto *s, const char *path, off_t *size)
{
	char *end;
	long long v;
	int code;

	*size = -1;
	/* RFC 3659: SIZE counts the bytes of the current TYPE; we want octets. */
	if (proto_type(s, 0) != FC_OK)
		return proto_status_of(s->code);
	code = proto_cmd(s, "SIZE %s", path);
	if (code != R_213_FILE_STATUS)
		return proto_fail(s, code);
	errno = 0;
	v = strtoll(proto_reply_last(s), &end, 10);
	if (errno != 0 || v < 0 || end == proto_reply_last(s))
		return proto_fail(s, code);
	*size = (off_t)v;
	return FC_OK;
}

int
proto_parse_time(const char *p, time_t *when)
{
	struct tm tm;
	int i;

	for (i = 0; i < 14; i++)
		if (!isdigit((unsigned char)p[i]))
			return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 +
	    (p[2] - '0') * 10 + (p[3] - '0') - 1900;
	tm.tm_mon = (p[4] - '0') * 10 + (p[5] - '0') - 1;
	tm.tm_mday = (p[6] - '0') * 10 + (p[7] - '0');
	tm.tm_hour = (p[8] - '0') * 10 + (p[9] - '0');
	tm.tm_min = (p[10] - '0') * 10 + (p[11] - '0');
	tm.tm_sec = (p[12] - '0') * 10 + (p[13] - '0');
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	*when = timegm(&tm);
	return 0;
}

enum fc_status
proto_mdtm(struct proto *s, const char *path, time_t *when)
{
	int code = proto_cmd(s, "MDTM %s", path);

	if (code != R_213_FILE_STATUS)
		return proto_fail(s, code);
	if (proto_parse_time(proto_reply_last(s), when) < 0)
		return proto_fail(s, code);
	return FC_OK;
}

int
proto_send_abor(struct proto *s)
{
	int rc;

	if (s->ctrl.fd < 0)
		return -1;
	rc = transport_send_synch(&s->ctrl);
	if (rc < 0) {
		fc_errf(s->err, sizeof(s->err), "control connection: %s",
		    strerror(errno));
		proto_close(s);
		return -1;
	}
	if (s->debug && s->echo != NULL)
		fprintf(s->echo, "%s\n", rc == 0 ? "---> IAC IP, IAC DM (urgent)" :
		    "---> (TLS: no urgent data, ABOR in band)");
	return proto_send(s, "ABOR");
}

/* Whether code is a reply that an aborted transfer or ABOR may bring. */
static int
abort_reply(int code)
{
	return code == R_225_DATA_OPEN_NO_XFER || code == R_226_CLOSING_DATA ||
	    (code >= 400 && code < 500 && code != R_421_SERVICE_UNAVAILABLE);
}

/* Reads ABOR's replies; 0 when they fit RFC 959, -1 when they do not. */
static int
read_abor_replies(struct proto *s)
{
	int code, n;

	for (n = 0; n < 3; n++) {
		code = proto_read_reply(s);
		if (code < 0 || code == R_421_SERVICE_UNAVAILABLE)
			return -1;
		if (code == R_225_DATA_OPEN_NO_XFER)
			return 0;	/* ABOR's own reply: nothing follows */
		if (code == R_226_CLOSING_DATA)
			return 0;	/* maybe a 225 still follows: NOOP tells */
		if (code >= 500)
			return 0;	/* ABOR refused: its reply all the same */
		if (code < 400)
			return -1;	/* 1xx, 2xx, 3xx: not an answer to ABOR */
		/* 426/451: the transfer's reply; ABOR's comes next. */
	}
	return -1;
}

/* NOOP, skipping late abort replies; 0 once NOOP's own reply is in. */
static int
noop_in_step(struct proto *s)
{
	int code, n;

	if (proto_send(s, "NOOP") < 0)
		return -1;
	for (n = 0; n < 4; n++) {
		code = proto_read_reply(s);
		if (code < 0 || code == R_421_SERVICE_UNAVAILABLE)
			return -1;
		if (!abort_reply(code))
			return 0;
	}
	return -1;
}

int
proto_abort_replies(struct proto *s, int wait_ms)
{
	int in_step;

	s->ctrl.timeout_ms = s->timeout_ms < wait_ms ? s->timeout_ms : wait_ms;
	in_step = s->ctrl.fd >= 0 && read_abor_replies(s) == 0 &&
	    noop_in_step(s) == 0;
	s->ctrl.timeout_ms = s->timeout_ms;
	if (in_step)
		return 0;
	return proto_reconnect(s) == FC_OK ? 1 : -1;
}

enum fc_status
proto_reconnect(struct proto *s)
{
	char host[PROTO_HOST_MAX], cwd[sizeof(s->cwd)];
	char user[PROTO_CRED_MAX], pass[PROTO_CRED_MAX];
	enum fc_status st;

	if (s->debug && s->echo != NULL)
		fprintf(s->echo, "session out of step: reconnecting\n");
	memcpy(host, s->host, sizeof(host));
	memcpy(cwd, s->cwd, sizeof(cwd));
	memcpy(user, s->user, sizeof(user));
	memcpy(pass, s->pass, sizeof(pass));
	proto_close(s);
	st = proto_connect(s, host, s->port);
	if (st == FC_OK)
		st = proto_login(s, user, pass);
	explicit_bzero(pass, sizeof(pass));
	if (st != FC_OK) {
		proto_close(s);
		return st;
	}
	if (!(s->feat & PF_FEAT))
		proto_feat(s);
	if (cwd[0] != '\0' && !proto_ok(proto_cmd(s, "CWD %s", cwd))) {
		fc_errf(s->err, sizeof(s->err), "reconnected, but cannot return to %s",
		    cwd);
		return FC_REMOTE;
	}
	memcpy(s->cwd, cwd, sizeof(s->cwd));
	return FC_OK;
}

void
proto_quit(struct proto *s)
{
	if (s->ctrl.fd >= 0) {
		s->ctrl.timeout_ms = s->timeout_ms < 3000 ? s->timeout_ms : 3000;
		(void)proto_cmd(s, "QUIT");
		s->ctrl.timeout_ms = s->timeout_ms;
	}
	proto_close(s);
}

enum fc_status
proto_clone(struct proto *dst, const struct proto *src)
{
	enum fc_status st;

	proto_init(dst, src->timeout_ms);
	dst->passive = src->passive;
	dst->rate_limit = src->rate_limit;
	dst->tls = src->tls;
	dst->tls_ctx = src->tls_ctx;
	dst->echo = NULL;
	st = proto_connect(dst, src->host, src->port);
	if (st != FC_OK)
		return st;
	st = proto_login(dst, src->user, src->pass);
	if (st != FC_OK)
		return st;
	dst->feat = src->feat;
	dst->hash_algos = src->hash_algos;
	dst->hash_sel = -1;	/* a new session: OPTS HASH is asked again */
	return FC_OK;
}

const char *
proto_tls_mode_name(enum proto_tls tls)
{
	return tls == PT_NONE ? "off" : tls == PT_IMPLICIT ? "implicit" :
	    "explicit (AUTH TLS)";
}

void
proto_tls_describe(const struct proto *s, char *out, size_t outsz)
{
	const char *mode = proto_tls_mode_name(s->tls);
	char what[128];

	if (s->tls == PT_NONE || !tlsconn_active(&s->ctrl)) {
		fc_errf(out, outsz, "%s%s", mode, s->tls == PT_NONE ? "" :
		    ", not connected");
		return;
	}
	tlsconn_describe(&s->ctrl, what, sizeof(what));
	fc_errf(out, outsz, "%s, %s; certificate %s; data connections %s", mode,
	    what, tlsconn_ctx_verifies(s->tls_ctx) ? "verified" :
	    "NOT verified (--insecure)", s->prot_p ? "protected (PROT P)" :
	    "not protected");
}
