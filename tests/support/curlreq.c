/*
 * curlreq.c: libcurl requests with a captured transcript; see curlreq.h.
 */
#include <CUnit/CUnit.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "curlreq.h"

/* Appends n bytes to a malloc'd, NUL-terminated buffer; aborts on ENOMEM. */
static void
grow_append(char **data, size_t *len, const void *p, size_t n)
{
	char *d = realloc(*data, *len + n + 1);

	if (d == NULL)
		abort();
	memcpy(d + *len, p, n);
	*len += n;
	d[*len] = '\0';
	*data = d;
}

static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct curlreq *r = arg;

	grow_append(&r->body, &r->body_len, p, size * n);
	return size * n;
}

static size_t
read_cb(char *p, size_t size, size_t n, void *arg)
{
	struct curlreq *r = arg;
	size_t left = r->up_len - r->up_pos, want = size * n;

	if (want > left)
		want = left;
	memcpy(p, r->up + r->up_pos, want);
	r->up_pos += want;
	return want;
}

/* Records command and reply lines, one "> " or "< " line each. */
static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct curlreq *r = arg;
	const char *mark;
	size_t i, start = 0;

	(void)h;
	if (type == CURLINFO_HEADER_OUT)
		mark = "> ";
	else if (type == CURLINFO_HEADER_IN)
		mark = "< ";
	else
		return 0;
	for (i = 0; i <= size; i++) {
		size_t n;

		if (i < size && data[i] != '\n')
			continue;
		n = i - start;
		if (n > 0 && data[start + n - 1] == '\r')
			n--;
		if (n > 0 || i < size) {
			grow_append(&r->log, &r->log_len, mark, 2);
			grow_append(&r->log, &r->log_len, data + start, n);
			grow_append(&r->log, &r->log_len, "\n", 1);
		}
		start = i + 1;
	}
	return 0;
}

/*
 * URL-encodes path segment by segment; "." and ".." are encoded too, so
 * that curl passes them on instead of removing them from the URL.
 */
static void
encode_path(const char *path, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	const char *p, *seg = path;

	for (p = path; *p != '\0' && o + 4 < outsz; p++) {
		unsigned char c = (unsigned char)*p;
		int dots_only = 1;
		const char *q;

		if (c == '/') {
			/* A leading '/' becomes "%2F": an absolute path. */
			if (p == path) {
				memcpy(out + o, "%2F", 3);
				o += 3;
			} else
				out[o++] = '/';
			seg = p + 1;
			continue;
		}
		for (q = seg; *q != '\0' && *q != '/'; q++)
			if (*q != '.')
				dots_only = 0;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '~' || (c == '.' && !dots_only)) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
}

CURL *
curlreq_open(const struct server *srv, const char *user, const char *path,
    struct curlreq *r)
{
	char url[4096], enc[3 * 1024];
	int v6 = strchr(srv->host, ':') != NULL;
	CURL *h;

	memset(r, 0, sizeof(*r));
	r->failures_before = CU_get_number_of_failures();
	r->length = -1;
	r->filetime = -1;
	if ((h = curl_easy_init()) == NULL)
		abort();
	encode_path(path, enc, sizeof(enc));
	snprintf(url, sizeof(url), "ftp://%s%s%s:%u/%s", v6 ? "[" : "",
	    srv->host, v6 ? "]" : "", srv->port, enc);
	curl_easy_setopt(h, CURLOPT_URL, url);
	if (user != NULL) {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, "secret");
	}
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)CURLREQ_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, 15L);
	curl_easy_setopt(h, CURLOPT_ACCEPTTIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	/* Close at the end of the request, with this handle: QUIT is seen. */
	curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, r);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->error);
	return h;
}

/* Lets curl skip what the server already has (resumed uploads). */
static int
seek_cb(void *arg, curl_off_t offset, int origin)
{
	struct curlreq *r = arg;

	if (origin != SEEK_SET || offset < 0 || (size_t)offset > r->up_len)
		return CURL_SEEKFUNC_FAIL;
	r->up_pos = (size_t)offset;
	return CURL_SEEKFUNC_OK;
}

void
curlreq_upload(CURL *h, struct curlreq *r, const void *data, size_t len)
{
	r->up = data;
	r->up_len = len;
	r->up_pos = 0;
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, r);
	curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_cb);
	curl_easy_setopt(h, CURLOPT_SEEKDATA, r);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
}

/* Makes a curl list of the NULL-terminated strings; aborts on ENOMEM. */
static struct curl_slist *
make_list(const char *first, va_list ap)
{
	struct curl_slist *l = NULL, *t;
	const char *cmd;

	for (cmd = first; cmd != NULL; cmd = va_arg(ap, const char *)) {
		if ((t = curl_slist_append(l, cmd)) == NULL)
			abort();
		l = t;
	}
	return l;
}

void
curlreq_quote(CURL *h, struct curlreq *r, CURLoption which, const char *first,
    ...)
{
	int slot = which == CURLOPT_QUOTE ? 0 : which == CURLOPT_PREQUOTE ? 1 : 2;
	va_list ap;

	va_start(ap, first);
	curl_slist_free_all(r->lists[slot]);
	r->lists[slot] = make_list(first, ap);
	va_end(ap);
	curl_easy_setopt(h, which, r->lists[slot]);
}

CURLcode
curlreq_commands(const struct server *srv, const char *user, struct curlreq *r,
    const char *first, ...)
{
	CURL *h = curlreq_open(srv, user, "", r);
	va_list ap;

	va_start(ap, first);
	r->lists[0] = make_list(first, ap);
	va_end(ap);
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(h, CURLOPT_QUOTE, r->lists[0]);
	return curlreq_run(h, r);
}

CURLcode
curlreq_run(CURL *h, struct curlreq *r)
{
	size_t i;

	r->rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->code);
	curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &r->length);
	curl_easy_getinfo(h, CURLINFO_FILETIME_T, &r->filetime);
	curl_easy_cleanup(h);
	for (i = 0; i < 3; i++) {
		curl_slist_free_all(r->lists[i]);
		r->lists[i] = NULL;
	}
	if (r->body == NULL)
		grow_append(&r->body, &r->body_len, "", 0);
	if (r->log == NULL)
		grow_append(&r->log, &r->log_len, "", 0);
	return r->rc;
}

void
curlreq_done(struct curlreq *r)
{
	size_t i;

	/* CURLREQ_DUMP=1 shows every transcript, to see what a test does. */
	if (CU_get_number_of_failures() > r->failures_before ||
	    getenv("CURLREQ_DUMP") != NULL)
		curlreq_dump(r);
	for (i = 0; i < 3; i++)
		curl_slist_free_all(r->lists[i]);
	free(r->body);
	free(r->log);
	memset(r, 0, sizeof(*r));
}

/*
 * Whether line (after its "> " mark) starts with cmd; when cmd ends in a
 * letter or digit, a whole word ("PWD" is not "PWDX").
 */
static int
is_command(const char *line, const char *cmd)
{
	size_t n = strlen(cmd);

	if (strncmp(line, "> ", 2) != 0 || strncasecmp(line + 2, cmd, n) != 0)
		return 0;
	return n == 0 || !isalnum((unsigned char)cmd[n - 1]) ||
	    line[2 + n] == ' ' || line[2 + n] == '\n';
}

int
curlreq_reply(const struct curlreq *r, const char *cmd, unsigned n,
    char *text, size_t textsz)
{
	const char *line = r->log, *nl;

	for (; line != NULL && *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			return -1;
		if (!is_command(line, cmd) || n-- > 0)
			continue;
		/* The reply is the next received line, before any command. */
		for (line = nl + 1; *line != '\0'; line = nl + 1) {
			nl = strchr(line, '\n');
			if (nl == NULL || line[0] == '>')
				return -1;
			if (nl - line < 5)
				continue;
			if (text != NULL)
				snprintf(text, textsz, "%.*s", (int)(nl - line - 2),
				    line + 2);
			return atoi(line + 2);
		}
		return -1;
	}
	return -1;
}

int
curlreq_code(const struct curlreq *r, const char *cmd)
{
	return curlreq_reply(r, cmd, 0, NULL, 0);
}

int
curlreq_saw(const struct curlreq *r, const char *text)
{
	const char *line = r->log, *nl;
	size_t n = strlen(text);

	for (; line != NULL && *line != '\0'; line = nl + 1) {
		const char *hit;

		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		if (line[0] != '<')
			continue;
		hit = strstr(line, text);
		if (hit != NULL && hit + n <= nl)
			return 1;
	}
	return 0;
}

int
curlreq_line(const struct curlreq *r, const char *text)
{
	const char *line = r->log, *nl;
	size_t n = strlen(text);

	for (; line != NULL && *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		if (line[0] == '<' && (size_t)(nl - line) == n + 2 &&
		    memcmp(line + 2, text, n) == 0)
			return 1;
	}
	return 0;
}

int
curlreq_body_equals(const struct curlreq *r, const void *data, size_t len)
{
	char want[65], got[65];

	harness_sha256(data, len, want);
	harness_sha256(r->body, r->body_len, got);
	return r->body_len == len && strcmp(want, got) == 0;
}

int
curlreq_body_line(const struct curlreq *r, const char *text)
{
	const char *line = r->body, *nl;
	size_t n = strlen(text);

	for (; line != NULL && *line != '\0'; line = nl + 1) {
		size_t len;

		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line) - 1;
		len = (size_t)(nl - line) + (*nl != '\n');
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == n && memcmp(line, text, n) == 0)
			return 1;
	}
	return 0;
}

int
curlreq_sent(const struct curlreq *r, const char *prefix)
{
	const char *line = r->log, *nl;

	for (; line != NULL && *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		if (line[0] == '>' && strncmp(line + 2, prefix, strlen(prefix)) == 0)
			return 1;
	}
	return 0;
}

/*
 * The code of the reply to the first command after *pos that is exactly
 * cmd; *pos moves past it. -1 when there is none.
 */
static int
next_reply(const char **pos, const char *cmd)
{
	const char *line = *pos, *nl;
	size_t n = strlen(cmd);

	for (; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			return -1;
		if (line[0] != '>' || (size_t)(nl - line) != n + 2 ||
		    memcmp(line + 2, cmd, n) != 0)
			continue;
		for (line = nl + 1; *line == '<'; line = nl + 1) {
			if ((nl = strchr(line, '\n')) == NULL)
				return -1;
			if (nl - line >= 5) {
				*pos = nl + 1;
				return atoi(line + 2);
			}
		}
		return -1;
	}
	return -1;
}

void
curlreq_check_replies(const struct server *srv, const char *user,
    const struct curlreq_case *cases, size_t n)
{
	struct curl_slist *l = NULL, *t;
	struct curlreq r;
	const char *pos;
	char cmd[1024];
	size_t i;
	CURL *h = curlreq_open(srv, user, "", &r);

	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	for (i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd), "*%s", cases[i].cmd);
		if ((t = curl_slist_append(l, cmd)) == NULL)
			abort();
		l = t;
	}
	r.lists[0] = l;
	curl_easy_setopt(h, CURLOPT_QUOTE, l);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	pos = r.log;
	for (i = 0; i < n; i++) {
		int code = next_reply(&pos, cases[i].cmd);

		if (code != cases[i].code) {
			printf("\n%s: got %d, expected %d", cases[i].cmd, code,
			    cases[i].code);
			CU_FAIL("reply code");
		}
	}
	curlreq_done(&r);
}

void
curlreq_dump(const struct curlreq *r)
{
	printf("---- curl: rc %d (%s), last reply %ld ----\n%s---- end ----\n",
	    (int)r->rc, r->error[0] ? r->error : curl_easy_strerror(r->rc),
	    r->code, r->log != NULL ? r->log : "");
}
