/*
 * cmd_host.c: HOST (RFC 7151), and the same choice of virtual host made
 * by TLS Server Name Indication.
 *
 * A session starts on the default host (the global part of the config).
 * Before USER, HOST names the host the client wants: a name with a
 * [host NAME] section selects that host; an IP literal ("[192.0.2.1]")
 * selects the default host, since sections are named by DNS names only;
 * a name without a section gets 504 when sections exist, and the default
 * host when there are none (a server without virtual hosts serves every
 * name the same, as if it had no HOST). HOST after USER or after login is
 * a bad sequence (503), as RFC 7151 says; REIN forgets the user but keeps
 * the host, so a client may send HOST again after it.
 *
 * With TLS, the host's certificate must be chosen before the handshake:
 * HOST before AUTH TLS makes AUTH present that host's certificate, and on
 * the implicit-TLS port the name the client sends by SNI chooses the host
 * (an unknown name keeps the default host's certificate). Once the
 * control connection is encrypted, HOST may only confirm the host its
 * certificate belongs to (503 otherwise). SNI follows HOST's rule: once
 * USER has named a user (or one is logged in), the session's host is
 * fixed, and AUTH TLS presents its certificate whatever name the client
 * sends; else a user of one host, logged in in the clear, would move to
 * another host's settings (foreign data, rates, TLS reuse) by SNI.
 */
#include <stdio.h>

#include "cmds.h"
#include "config.h"
#include "hostarg.h"
#include "reply.h"
#include "session.h"
#include "tls.h"
#include "vhost.h"

/* Whether the session may still choose its host (RFC 7151: before USER). */
static int
host_open(const struct session *s)
{
	return s->login == LOGIN_NEED_USER;
}

/* The host arg names in base's table (see above); NULL: 504. */
static const struct config *
lookup(const struct config *base, enum hostarg_kind kind, const char *name)
{
	if (kind == HOSTARG_LITERAL || base->nhosts == 0)
		return base;
	return config_host(base, name);
}

void
cmd_host(struct session *s, char *arg)
{
	char name[HOSTARG_NAME_MAX + 1];
	const struct config *h;
	enum hostarg_kind kind;

	if (!host_open(s)) {
		session_reply(s, R_503_BAD_SEQUENCE, "HOST must come before "
		    "USER and login (RFC 7151).");
		return;
	}
	if ((kind = hostarg_parse(arg, name, sizeof(name))) == HOSTARG_BAD) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR, "HOST needs a host name "
		    "or an IP address in brackets.");
		return;
	}
	if ((h = lookup(s->base, kind, name)) == NULL) {
		session_log(s, "HOST %s refused: no such host", name);
		session_reply(s, R_504_NOT_IMPLEMENTED_FOR_ARG,
		    "Unknown host %s.", name);
		return;
	}
	if (s->tls_active && h != s->cfg) {
		session_reply(s, R_503_BAD_SEQUENCE, "HOST must come before "
		    "AUTH TLS: this connection's certificate is another "
		    "host's.");
		return;
	}
	s->cfg = h;
	s->host_given = 1;
	session_idle_timeout(s, 1);	/* the host's idle_timeout */
	session_log(s, "host %s%s", kind == HOSTARG_LITERAL ? "address " : "",
	    name);
	session_reply_text(s, R_220_READY, h->banner);
}

struct tls_server *
cmd_host_sni(void *owner, const char *servername)
{
	char name[HOSTARG_NAME_MAX + 1];
	struct session *s = owner;
	const struct config *h;

	/*
	 * HOST chose already, or USER came: AUTH presents the session's
	 * host's certificate.
	 */
	if (s->host_given || !host_open(s) ||
	    hostarg_parse(servername, name, sizeof(name)) != HOSTARG_NAME ||
	    (h = config_host(s->base, name)) == NULL ||
	    vhost_tls(h->vhost) == NULL)
		return NULL;
	s->cfg = h;
	s->host_given = 1;
	session_log(s, "host %s (TLS server name)", name);
	return vhost_tls(h->vhost);
}
