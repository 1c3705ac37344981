/*
 * cmd_tls.c: FTPS commands (RFC 4217): AUTH, PBSZ, PROT, CCC. Their
 * order (AUTH, then PBSZ, then PROT) is the dispatcher's to enforce.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "cmds.h"
#include "config.h"
#include "reply.h"
#include "session.h"

void
cmd_auth(struct session *s, char *arg)
{
	int implies_private;

	if (strcasecmp(arg, "TLS") == 0 || strcasecmp(arg, "TLS-C") == 0)
		implies_private = 0;
	else if (strcasecmp(arg, "SSL") == 0 || strcasecmp(arg, "TLS-P") == 0)
		implies_private = 1;	/* the old drafts' meaning */
	else {
		session_reply(s, R_504_NOT_IMPLEMENTED_FOR_ARG,
		    "AUTH type not supported: use AUTH TLS.");
		return;
	}
	session_reply(s, R_234_AUTH_OK, "Proceed with negotiation.");
	if (session_start_tls(s) < 0)
		return;
	s->prot_private = implies_private;
	s->pbsz_done = implies_private;
}

void
cmd_pbsz(struct session *s, char *arg)
{
	const char *p;

	for (p = arg; *p; p++)
		if (!isdigit((unsigned char)*p)) {
			session_reply(s, R_501_ARG_SYNTAX_ERROR, "PBSZ needs a number.");
			return;
		}
	/* TLS is a stream: the buffer size is always 0. */
	s->pbsz_done = 1;
	session_reply(s, R_200_OK, "PBSZ=0");
}

void
cmd_prot(struct session *s, char *arg)
{
	if (strcasecmp(arg, "P") == 0) {
		s->prot_private = 1;
		session_reply(s, R_200_OK, "PROT now Private.");
	} else if (strcasecmp(arg, "C") == 0) {
		if (config_tls_mode(s->cfg) == TLS_REQUIRED) {
			session_reply(s, R_534_POLICY_DENIED_REQUEST,
			    "This server requires encrypted data connections (PROT P).");
			return;
		}
		s->prot_private = 0;
		session_reply(s, R_200_OK, "PROT now Clear.");
	} else if (strcasecmp(arg, "S") == 0 || strcasecmp(arg, "E") == 0) {
		session_reply(s, R_536_PROT_NOT_SUPPORTED,
		    "PROT %s not supported by TLS: use C or P.", arg);
	} else {
		session_reply(s, R_504_NOT_IMPLEMENTED_FOR_ARG, "Unknown PROT level.");
	}
}

void
cmd_ccc(struct session *s, char *arg)
{
	(void)arg;
	/* Clearing the control channel would expose every later command. */
	session_reply(s, R_533_POLICY_DENIED, "CCC refused: the control connection stays encrypted.");
}
