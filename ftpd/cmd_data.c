/*
 * cmd_data.c: choosing the data connection: PASV, EPSV, PORT, EPRT.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "addr.h"
#include "cmds.h"
#include "reply.h"
#include "session.h"
#include "xfer.h"

/* After EPSV ALL the client promised to use nothing else (RFC 2428). */
static int
refuse_after_epsv_all(struct session *s, const char *verb)
{
	if (!s->epsv_all)
		return 0;
	session_reply(s, R_503_BAD_SEQUENCE, "%s not allowed after EPSV ALL.", verb);
	return 1;
}

void
cmd_pasv(struct session *s, char *arg)
{
	(void)arg;
	if (refuse_after_epsv_all(s, "PASV"))
		return;
	data_passive(s, 0, 0);
}

void
cmd_epsv(struct session *s, char *arg)
{
	if (arg == NULL) {
		data_passive(s, 1, 0);
	} else if (strcasecmp(arg, "ALL") == 0) {
		s->epsv_all = 1;
		session_reply(s, R_200_OK, "EPSV ALL ok.");
	} else if (strcmp(arg, "1") == 0) {
		data_passive(s, 1, AF_INET);
	} else if (strcmp(arg, "2") == 0) {
		data_passive(s, 1, AF_INET6);
	} else {
		session_reply(s, R_522_PROTOCOL_NOT_SUPPORTED,
		    "Network protocol not supported, use (1,2)");
	}
}

void
cmd_port(struct session *s, char *arg)
{
	struct sockaddr_storage ss;

	if (refuse_after_epsv_all(s, "PORT"))
		return;
	if (addr_parse_port(arg, &ss) < 0) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR,
		    "Bad PORT argument: expected h1,h2,h3,h4,p1,p2.");
		return;
	}
	data_active(s, &ss);
}

void
cmd_eprt(struct session *s, char *arg)
{
	struct sockaddr_storage ss;

	if (refuse_after_epsv_all(s, "EPRT"))
		return;
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
	data_active(s, &ss);
}
