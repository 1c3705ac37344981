/*
 * cmds_conn.c: connection and settings commands.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cmdtable.h"
#include "url.h"

/* Parses "on"/"off" into *flag, or toggles it without an argument. */
static enum fc_status
onoff(struct client *c, int argc, char **argv, int *flag)
{
	if (argc < 2)
		*flag = !*flag;
	else if (strcasecmp(argv[1], "on") == 0)
		*flag = 1;
	else if (strcasecmp(argv[1], "off") == 0)
		*flag = 0;
	else
		return client_fail(c, FC_USAGE, "usage: %s [on|off]", argv[0]);
	return FC_OK;
}

/*
 * After a refused login the connection stays open (as in lftp and BSD
 * ftp), so that user can try again without a new connection.
 */
static enum fc_status
login_refused_hint(struct client *c, enum fc_status st, const char *host)
{
	if (st == FC_LOGIN && c->s.state == PS_CONNECTED)
		client_note(c, "Still connected to %s: \"user NAME\" logs in.",
		    host);
	return st;
}

enum fc_status
ftpc_cmd_open(struct client *c, int argc, char **argv)
{
	struct ftp_url u;
	char err[256];
	enum proto_tls tls;
	unsigned uport;
	enum fc_status st;

	if (c->s.state != PS_DISCONNECTED)
		proto_quit(&c->s);
	if (url_is_url(argv[1])) {
		if (url_parse(argv[1], &u, err, sizeof(err)) < 0)
			return client_fail(c, FC_USAGE, "open: %s", err);
		client_url_target(c, &u, &tls, &uport);
		st = client_open(c, u.host, uport, tls,
		    u.has_user ? u.user : NULL, u.has_pass ? u.pass : NULL);
		if (st == FC_OK && u.path[0] != '\0') {
			if (!proto_ok(proto_cmd(&c->s, "CWD %s", u.path)))
				st = client_fail(c, proto_fail(&c->s, c->s.code),
				    "cd %s: %s", u.path, c->s.err);
			client_update_cwd(c);
		}
		url_clear(&u);
		return login_refused_hint(c, st, u.host);
	}
	if (url_parse_host(argv[1], argc > 2 ? argv[2] : NULL, &u, err,
	    sizeof(err)) < 0)
		return client_fail(c, FC_USAGE, "open %s: %s", argv[1], err);
	uport = u.has_port ? u.port : client_default_port(c->tls);
	st = client_open(c, u.host, uport, c->tls, NULL, NULL);
	return login_refused_hint(c, st, u.host);
}

enum fc_status
ftpc_cmd_close(struct client *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	proto_quit(&c->s);
	c->rcwd[0] = '\0';
	client_cache_clear(c);
	return FC_OK;
}

enum fc_status
ftpc_cmd_user(struct client *c, int argc, char **argv)
{
	char pass[PROTO_CRED_MAX];
	enum fc_status st;

	if (c->s.state == PS_DISCONNECTED)
		return client_fail(c, FC_CONNECT, "user: not connected");
	if (argc > 2) {
		if (xstrlcpy(pass, argv[2], sizeof(pass)) < 0)
			return client_fail(c, FC_USAGE, "user: password too long");
	} else if (client_read_secret("Password:", pass, sizeof(pass)) < 0) {
		pass[0] = '\0';
	}
	st = proto_login(&c->s, argv[1], pass);
	explicit_bzero(pass, sizeof(pass));
	if (st != FC_OK)
		return client_fail(c, st, "%s", c->s.err);
	client_cache_clear(c);
	/* FEAT refused before login, or asked in the clear before AUTH. */
	if (!(c->s.feat & PF_FEAT))
		proto_feat(&c->s);
	client_update_cwd(c);
	memcpy(c->home, c->rcwd, sizeof(c->home));
	return FC_OK;
}

enum fc_status
ftpc_cmd_bye(struct client *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	proto_quit(&c->s);
	c->quit = 1;
	return FC_OK;
}

static const char *
yesno(int v)
{
	return v ? "on" : "off";
}

enum fc_status
ftpc_cmd_status(struct client *c, int argc, char **argv)
{
	static const char *const pmode[] = { "auto", "on", "off" };
	unsigned f = c->s.feat;
	char tls[256];

	(void)argc;
	(void)argv;
	if (c->s.state == PS_DISCONNECTED)
		printf("Not connected.\n");
	else
		printf("Connected to %s port %u as %s (%s).\n", c->s.host,
		    c->s.port, c->s.user, proto_state_name(c->s.state));
	if (c->rcwd[0] != '\0')
		printf("Remote directory: %s\n", c->rcwd);
	printf("Mode: %s; type: %s; verbose: %s; debug: %s; progress: %s; "
	    "verify: %s\n",
	    c->passive ? "passive" : "active", c->ascii ? "ascii" : "binary",
	    yesno(c->verbose), yesno(c->debug), pmode[c->progress],
	    c->verify == VERIFY_REQUIRED ? "required" :
	    c->verify == VERIFY_OFF ? "off" : "when offered");
	if (c->s.state == PS_DISCONNECTED)
		printf("TLS: %s%s\n", proto_tls_mode_name(c->tls),
		    c->tls != PT_NONE ? ", when connecting" : "");
	else {
		proto_tls_describe(&c->s, tls, sizeof(tls));
		printf("TLS: %s\n", tls);
	}
	if (c->s.state != PS_DISCONNECTED)
		printf("Server features:%s%s%s%s%s%s%s%s\n",
		    f & PF_MLSD ? " MLSD" : "", f & PF_SIZE ? " SIZE" : "",
		    f & PF_MDTM ? " MDTM" : "", f & PF_REST ? " REST" : "",
		    f & PF_EPSV ? " EPSV" : "", f & PF_UTF8 ? " UTF8" : "",
		    f & PF_MFMT ? " MFMT" : "", f & PF_HASH ? " HASH" : "");
	return FC_OK;
}

enum fc_status
ftpc_cmd_verbose(struct client *c, int argc, char **argv)
{
	enum fc_status st = onoff(c, argc, argv, &c->verbose);

	c->s.verbose = c->verbose || c->debug;
	if (st == FC_OK)
		printf("Verbose mode %s.\n", yesno(c->verbose));
	return st;
}

enum fc_status
ftpc_cmd_debug(struct client *c, int argc, char **argv)
{
	enum fc_status st = onoff(c, argc, argv, &c->debug);

	c->s.debug = c->debug;
	c->s.verbose = c->verbose || c->debug;
	if (st == FC_OK)
		printf("Debugging %s.\n", yesno(c->debug));
	return st;
}

enum fc_status
ftpc_cmd_progress(struct client *c, int argc, char **argv)
{
	if (argc < 2)
		c->progress = client_progress_on(c) ? PROGRESS_OFF : PROGRESS_ON;
	else if (strcasecmp(argv[1], "on") == 0)
		c->progress = PROGRESS_ON;
	else if (strcasecmp(argv[1], "off") == 0)
		c->progress = PROGRESS_OFF;
	else if (strcasecmp(argv[1], "auto") == 0)
		c->progress = PROGRESS_AUTO;
	else
		return client_fail(c, FC_USAGE, "usage: progress [on|off|auto]");
	printf("Progress bar %s.\n", yesno(client_progress_on(c)));
	return FC_OK;
}

enum fc_status
ftpc_cmd_passive(struct client *c, int argc, char **argv)
{
	enum fc_status st = onoff(c, argc, argv, &c->passive);

	c->s.passive = c->passive;
	if (st == FC_OK)
		printf("Passive mode %s.\n", yesno(c->passive));
	return st;
}

enum fc_status
ftpc_cmd_active(struct client *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	c->passive = c->s.passive = 0;
	printf("Passive mode off.\n");
	return FC_OK;
}

enum fc_status
ftpc_cmd_binary(struct client *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	c->ascii = 0;
	return FC_OK;
}

enum fc_status
ftpc_cmd_ascii(struct client *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	c->ascii = 1;
	return FC_OK;
}

enum fc_status
ftpc_cmd_type(struct client *c, int argc, char **argv)
{
	if (argc > 1) {
		if (strcasecmp(argv[1], "ascii") == 0 || strcasecmp(argv[1], "a") == 0)
			c->ascii = 1;
		else if (strcasecmp(argv[1], "binary") == 0 ||
		    strcasecmp(argv[1], "image") == 0 || strcasecmp(argv[1], "i") == 0)
			c->ascii = 0;
		else
			return client_fail(c, FC_USAGE, "usage: type [ascii|binary]");
	}
	printf("Using %s mode to transfer files.\n", c->ascii ? "ascii" : "binary");
	return FC_OK;
}

/* Joins argv[from..] with spaces and sends it, printing the whole reply. */
static enum fc_status
raw_command(struct client *c, const char *prefix, int argc, char **argv)
{
	struct buf line;
	int i, code, rc = 0;

	if (c->s.state == PS_DISCONNECTED)
		return client_fail(c, FC_CONNECT, "%s: not connected", argv[0]);
	buf_init(&line, 4000);
	if (prefix != NULL)
		rc = buf_puts(&line, prefix);
	for (i = 1; i < argc && rc == 0; i++)
		rc = buf_printf(&line, "%s%s", line.len ? " " : "", argv[i]);
	if (rc < 0) {
		buf_free(&line);
		return client_fail(c, FC_USAGE, "%s: command too long", argv[0]);
	}
	code = proto_cmd(&c->s, "%s", buf_cstr(&line));
	while (code >= 100 && code < 200) {
		if (!c->s.verbose)
			printf("%s\n", proto_reply_text(&c->s));
		code = proto_read_reply(&c->s);
	}
	buf_free(&line);
	if (code < 0)
		return client_fail(c, FC_CONNECT, "%s: %s", argv[0], c->s.err);
	if (!c->s.verbose)
		printf("%s\n", proto_reply_text(&c->s));
	fflush(stdout);
	return code >= 400 ? proto_status_of(code) : FC_OK;
}

enum fc_status
ftpc_cmd_quote(struct client *c, int argc, char **argv)
{
	return raw_command(c, NULL, argc, argv);
}

enum fc_status
ftpc_cmd_site(struct client *c, int argc, char **argv)
{
	return raw_command(c, "SITE", argc, argv);
}
