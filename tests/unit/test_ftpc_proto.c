/*
 * test_ftpc_proto.c: how the client reads replies and sends commands,
 * over a socketpair standing in for the server.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto.h"
#include "testutil.h"

static struct proto s;
static int peer = -1;

/* A session "connected" through a socketpair; the test plays the server. */
static void
setup(void)
{
	int sv[2];

	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	proto_init(&s, 2000);
	s.echo = NULL;
	transport_attach(&s.ctrl, sv[0]);
	proto_set_state(&s, PS_LOGGED_IN);
	peer = sv[1];
}

static void
teardown(void)
{
	proto_free(&s);
	if (peer >= 0)
		close(peer);
	peer = -1;
}

static void
serve(const char *text)
{
	CU_ASSERT_EQUAL(write(peer, text, strlen(text)), (ssize_t)strlen(text));
}

/* What the client sent so far. */
static void
sent(char *out, size_t outsz)
{
	ssize_t n = recv(peer, out, outsz - 1, MSG_DONTWAIT);

	out[n > 0 ? n : 0] = '\0';
}

static void
test_single_and_pipelined(void)
{
	setup();
	serve("220 ready\r\n150 opening\r\n226 done\r\n");
	CU_ASSERT_EQUAL(proto_read_reply(&s), 220);
	CU_ASSERT_STRING_EQUAL(proto_reply_last(&s), "ready");
	CU_ASSERT_EQUAL(proto_read_reply(&s), 150);
	CU_ASSERT_EQUAL(proto_read_reply(&s), 226);
	CU_ASSERT_STRING_EQUAL(proto_reply_text(&s), "226 done");
	teardown();
}

static void
test_multiline(void)
{
	setup();
	serve("230-Welcome\r\n230-second\r\n123 not the end\r\n 230 indented\r\n"
	    "230 done\r\n");
	CU_ASSERT_EQUAL(proto_read_reply(&s), 230);
	CU_ASSERT_STRING_EQUAL(proto_reply_last(&s), "done");
	CU_ASSERT_PTR_NOT_NULL(strstr(proto_reply_text(&s), "123 not the end"));
	teardown();
}

static void
test_bare_lf_and_ff_bytes(void)
{
	setup();
	/* 0xFF is text to a client: only a server strips TELNET IAC. */
	serve("257 \"/caf\xff\xff\" is cwd\n");
	CU_ASSERT_EQUAL(proto_read_reply(&s), 257);
	CU_ASSERT_PTR_NOT_NULL(strstr(proto_reply_last(&s), "\xff\xff"));
	teardown();
}

static void
test_garbage_skipped(void)
{
	setup();
	serve("hello there\r\n\r\n200 ok\r\n");
	CU_ASSERT_EQUAL(proto_read_reply(&s), 200);
	teardown();
}

static void
test_421_disconnects(void)
{
	setup();
	serve("421 shutting down\r\n");
	CU_ASSERT_EQUAL(proto_read_reply(&s), 421);
	CU_ASSERT_EQUAL(s.state, PS_DISCONNECTED);
	CU_ASSERT_EQUAL(proto_status_of(421), FC_CONNECT);
	teardown();
}

static void
test_eof_and_timeout(void)
{
	setup();
	serve("200 partial line without end");
	close(peer);
	peer = -1;
	CU_ASSERT_EQUAL(proto_read_reply(&s), -1);
	CU_ASSERT_EQUAL(s.state, PS_DISCONNECTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(s.err, "closed"));
	teardown();

	setup();
	s.ctrl.timeout_ms = 50;
	CU_ASSERT_EQUAL(proto_read_reply(&s), -1);
	CU_ASSERT_EQUAL(s.state, PS_DISCONNECTED);
	teardown();
}

static void
test_send_refuses_crlf(void)
{
	char buf[256];

	setup();
	CU_ASSERT_EQUAL(proto_send(&s, "CWD %s", "a\r\nDELE b"), -1);
	CU_ASSERT_EQUAL(proto_send(&s, "CWD %s", "a\nb"), -1);
	sent(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(proto_send(&s, "CWD %s", "dir with space"), 0);
	sent(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "CWD dir with space\r\n");
	teardown();
}

static void
test_feat_and_pwd(void)
{
	char buf[256], cwd[64];

	setup();
	serve("211-Features:\r\n MDTM\r\n MLST type*;size*;\r\n REST STREAM\r\n"
	    " SIZE\r\n UTF8\r\n EPSV\r\n211 End\r\n200 UTF8 on\r\n");
	proto_feat(&s);
	CU_ASSERT_EQUAL(s.feat & (PF_MDTM | PF_MLSD | PF_REST | PF_SIZE |
	    PF_UTF8 | PF_EPSV | PF_FEAT), PF_MDTM | PF_MLSD | PF_REST |
	    PF_SIZE | PF_UTF8 | PF_EPSV | PF_FEAT);
	CU_ASSERT_FALSE(s.feat & PF_MFMT);
	sent(buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "FEAT\r\nOPTS UTF8 ON\r\n");
	serve("257 \"/a \"\"q\"\" dir\" is the current directory\r\n");
	CU_ASSERT_EQUAL(proto_pwd(&s, cwd, sizeof(cwd)), FC_OK);
	CU_ASSERT_STRING_EQUAL(cwd, "/a \"q\" dir");
	serve("257 \"/0123456789012345678901234567890123456789012345678901234567890123456789\"\r\n");
	CU_ASSERT_NOT_EQUAL(proto_pwd(&s, cwd, sizeof(cwd)), FC_OK);
	teardown();
}

static void
test_size_mdtm(void)
{
	off_t size;
	time_t t;

	setup();
	/* SIZE first sets TYPE I, as RFC 3659 wants octets counted. */
	serve("200 binary\r\n213 123456789012\r\n213 20261125150000\r\n"
	    "550 no such file\r\n");
	CU_ASSERT_EQUAL(proto_size(&s, "f", &size), FC_OK);
	CU_ASSERT_EQUAL(size, (off_t)123456789012LL);
	CU_ASSERT_EQUAL(proto_mdtm(&s, "f", &t), FC_OK);
	CU_ASSERT_EQUAL(t, (time_t)1795618800);
	CU_ASSERT_EQUAL(proto_size(&s, "g", &size), FC_REMOTE);
	CU_ASSERT_EQUAL(size, -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(s.err, "550"));
	teardown();
}

static void
test_parse_time(void)
{
	time_t t;

	CU_ASSERT_EQUAL(proto_parse_time("19700101000001", &t), 0);
	CU_ASSERT_EQUAL(t, 1);
	CU_ASSERT_EQUAL(proto_parse_time("20261125150000.123", &t), 0);
	CU_ASSERT_EQUAL(t, (time_t)1795618800);
	CU_ASSERT_EQUAL(proto_parse_time("2026112515000", &t), -1);
	CU_ASSERT_EQUAL(proto_parse_time("20261325150000", &t), -1);
	CU_ASSERT_EQUAL(proto_parse_time("2026112515000x", &t), -1);
}

static void
test_status_codes(void)
{
	CU_ASSERT_EQUAL(proto_status_of(-1), FC_CONNECT);
	CU_ASSERT_EQUAL(proto_status_of(530), FC_LOGIN);
	CU_ASSERT_EQUAL(proto_status_of(550), FC_REMOTE);
	CU_ASSERT_EQUAL(proto_status_of(425), FC_XFER);
	CU_ASSERT_EQUAL(proto_status_of(226), FC_OK);
	CU_ASSERT_STRING_EQUAL(proto_state_name(PS_LOGGED_IN), "LOGGED_IN");
}

/*
 * After ABOR the client reads exactly the replies sent for it, whatever
 * RFC 959 shape they take, and NOOP proves the session in step: the next
 * command (SIZE) gets its own reply, never a leftover 225 or 226.
 */
static void
check_abort_sequence(const char *replies)
{
	char out[256];

	setup();
	serve(replies);
	serve("200 NOOP ok\r\n213 42\r\n");
	CU_ASSERT_EQUAL(proto_abort_replies(&s, 1000), 0);
	sent(out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "NOOP\r\n");
	CU_ASSERT_EQUAL(proto_cmd(&s, "SIZE a"), 213);
	CU_ASSERT_STRING_EQUAL(proto_reply_last(&s), "42");
	teardown();
}

static void
test_abort_426_then_226(void)
{
	check_abort_sequence("426 aborted\r\n226 ABOR ok\r\n");
}

static void
test_abort_426_then_225(void)
{
	check_abort_sequence("426 aborted\r\n225 ABOR ok\r\n");
}

static void
test_abort_226_then_225(void)
{
	check_abort_sequence("226 complete\r\n225 no transfer to abort\r\n");
}

static void
test_abort_226_alone(void)
{
	check_abort_sequence("226 ABOR ok\r\n");
}

static void
test_abort_225_alone(void)
{
	check_abort_sequence("225 no transfer\r\n");
}

/* No answer to ABOR: the session cannot be trusted, so it is dropped. */
static void
test_abort_silence_drops_session(void)
{
	setup();
	s.host[0] = '\0';	/* the reconnect fails at once */
	CU_ASSERT_EQUAL(proto_abort_replies(&s, 200), -1);
	CU_ASSERT_EQUAL(s.state, PS_DISCONNECTED);
	teardown();
}

/* A reply that answers neither ABOR nor NOOP in time: also dropped. */
static void
test_abort_wrong_reply_drops_session(void)
{
	setup();
	s.host[0] = '\0';
	serve("150 here is more data\r\n");
	CU_ASSERT_EQUAL(proto_abort_replies(&s, 200), -1);
	CU_ASSERT_EQUAL(s.state, PS_DISCONNECTED);
	teardown();
}

void
suite_register(void)
{
	ADD_SUITE("ftpc_replies", NULL, NULL, TEST(test_single_and_pipelined),
	    TEST(test_multiline), TEST(test_bare_lf_and_ff_bytes),
	    TEST(test_garbage_skipped), TEST(test_421_disconnects),
	    TEST(test_eof_and_timeout));
	ADD_SUITE("ftpc_commands", NULL, NULL, TEST(test_send_refuses_crlf),
	    TEST(test_feat_and_pwd), TEST(test_size_mdtm), TEST(test_parse_time),
	    TEST(test_status_codes));
	ADD_SUITE("ftpc_abort", NULL, NULL, TEST(test_abort_426_then_226),
	    TEST(test_abort_426_then_225), TEST(test_abort_226_then_225),
	    TEST(test_abort_226_alone), TEST(test_abort_225_alone),
	    TEST(test_abort_silence_drops_session),
	    TEST(test_abort_wrong_reply_drops_session));
}
