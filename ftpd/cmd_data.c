/*
 * cmd_data.c: choosing the data connection: PASV, EPSV, PORT, EPRT.
 * The checks and replies live here; the connection itself is dataconn's.
 */
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "addr.h"
#include "cmds.h"
#include "config.h"
#include "dataconn.h"
#include "reply.h"
#include "session.h"

/*
 * PASV (extended = 0) or EPSV (1), for family 0 (the control
 * connection's) or the AF_ the client named: listens, replies 227/229.
 */
static void
passive(struct session *s, int extended, int family)
{
	struct sockaddr_storage ss, adv;
	char text[128];

	if (!extended && s->local.ss_family != AF_INET) {
		dc_close(s->dc);
		session_reply(s, R_522_PROTOCOL_NOT_SUPPORTED,
		    "PASV is IPv4 only; use EPSV.");
		return;
	}
	if (dc_passive(s->dc, family, &ss) < 0) {
		if (errno == EAFNOSUPPORT)
			session_reply(s, R_522_PROTOCOL_NOT_SUPPORTED,
			    "Network protocol not supported, use (%d)",
			    s->local.ss_family == AF_INET ? 1 : 2);
		else
			session_reply(s, R_425_CANT_OPEN_DATA,
			    "Cannot open passive connection.");
		return;
	}
	if (extended) {
		session_reply(s, R_229_EXTENDED_PASSIVE,
		    "Entering Extended Passive Mode (|||%u|)", addr_port(&ss));
		return;
	}
	adv = ss;
	if (s->cfg->pasv_address != NULL &&
	    addr_pton(s->cfg->pasv_address, addr_port(&ss), &adv) < 0)
		adv = ss;
	if (addr_format_port(&adv, text, sizeof(text)) < 0) {
		dc_close(s->dc);
		session_reply(s, R_425_CANT_OPEN_DATA, "Cannot format address.");
		return;
	}
	session_reply(s, R_227_PASSIVE, "Entering Passive Mode (%s).", text);
}

/* Whether ss holds the unspecified address, 0.0.0.0 or "::". */
static int
is_unspecified(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
		    htonl(INADDR_ANY);
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(
		    &((const struct sockaddr_in6 *)ss)->sin6_addr);
	return 0;
}

/* PORT/EPRT: checks the address (no FTP bounce), stores it, replies. */
static void
active(struct session *s, const struct sockaddr_storage *ss)
{
	struct sockaddr_storage to = *ss;

	dc_close(s->dc);
	addr_unmap(&to);
	/*
	 * lftp sends "EPRT |2|::|port|" when its data socket listens on the
	 * wildcard (it does on ::1). The only sensible reading is "my own
	 * address", the one address we connect to anyway.
	 */
	if (is_unspecified(&to) && to.ss_family == s->peer.ss_family) {
		unsigned port = addr_port(&to);

		to = s->peer;
		addr_set_port(&to, port);
	}
	if (!s->cfg->allow_foreign_data && !addr_same_host(&to, &s->peer)) {
		session_reply(s, R_500_SYNTAX_ERROR,
		    "Illegal PORT command: data connections go only to your own address.");
		return;
	}
	if (addr_port(&to) < 1024) {
		session_reply(s, R_500_SYNTAX_ERROR,
		    "Illegal PORT command: privileged port.");
		return;
	}
	dc_active(s->dc, &to);
	session_reply(s, R_200_OK, "PORT command successful. Consider using EPSV.");
}

void
cmd_pasv(struct session *s, char *arg)
{
	(void)arg;
	passive(s, 0, 0);
}

void
cmd_epsv(struct session *s, char *arg)
{
	if (arg == NULL) {
		passive(s, 1, 0);
	} else if (strcasecmp(arg, "ALL") == 0) {
		s->epsv_all = 1;
		session_reply(s, R_200_OK, "EPSV ALL ok.");
	} else if (strcmp(arg, "1") == 0) {
		passive(s, 1, AF_INET);
	} else if (strcmp(arg, "2") == 0) {
		passive(s, 1, AF_INET6);
	} else {
		session_reply(s, R_522_PROTOCOL_NOT_SUPPORTED,
		    "Network protocol not supported, use (1,2)");
	}
}

void
cmd_port(struct session *s, char *arg)
{
	struct sockaddr_storage ss;

	if (addr_parse_port(arg, &ss) < 0) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR,
		    "Bad PORT argument: expected h1,h2,h3,h4,p1,p2.");
		return;
	}
	active(s, &ss);
}

void
cmd_eprt(struct session *s, char *arg)
{
	struct sockaddr_storage ss;

	if (addr_parse_eprt(arg, &ss) < 0) {
		/* Only an unknown protocol number deserves 522. */
		if (strlen(arg) > 2 && isdigit((unsigned char)arg[1]) &&
		    arg[1] != '1' && arg[1] != '2')
			session_reply(s, R_522_PROTOCOL_NOT_SUPPORTED,
			    "Network protocol not supported, use (1,2)");
		else
			session_reply(s, R_501_ARG_SYNTAX_ERROR,
			    "Bad EPRT argument: expected |af|address|port|.");
		return;
	}
	active(s, &ss);
}
