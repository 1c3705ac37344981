/*
 * engine_int.h: what the engine's two files share (engine.c: sessions,
 * control connections and the loop; enginedata.c: data connections,
 * plain and TLS). Not for the engine's users: they have engine.h.
 */
#ifndef BENCH_ENGINE_INT_H
#define BENCH_ENGINE_INT_H

#include <stdint.h>
#include <sys/types.h>
#include <openssl/ssl.h>

#include "engine.h"

enum phase {
	P_FREE, P_CONNECT, P_BANNER, P_AUTH, P_HANDSHAKE, P_USER, P_PASS,
	P_PBSZ, P_PROT, P_TYPE, P_READY, P_BARRIER, P_PASV, P_START, P_XFER,
	P_QUIT, P_NOOP, P_DONE,
};


struct sess {
	enum job job;
	enum phase phase;
	int ctrl, data;
	uint32_t ctrl_gen, data_gen;
	uint32_t ctrl_ev, data_ev;	/* events now asked of epoll */
	SSL *cssl, *dssl;		/* FTPS: control and data TLS */
	SSL_SESSION *tls_sess;		/* the control's, for data and reconnects */
	int prot;			/* PBSZ 0 and PROT P done */
	int data_hs;			/* data TLS handshake under way */
	int draining;			/* upload ended: waiting for the server's close */
	size_t wpend;			/* length of an SSL_write to retry */
	int logged;		/* counted in engine.logged_in */
	int done;		/* counted in engine.done */
	char in[8192];		/* control bytes not yet taken as a reply */
	size_t inlen;
	char cmd[64];		/* the last command, for messages */
	int got_final;		/* 226 seen for the current transfer */
	int data_over;		/* data end seen (GET) or all sent (PUT) */
	uint64_t xfer_bytes;	/* of the current file */
	off_t src_off;
	unsigned file;
	double noop_sent, noop_lat;
	struct sess_result r;
};

struct engine {
	struct engine_cfg cfg;
	int ep;
	struct sockaddr_in addr;
	struct sess *s;
	unsigned max, n;
	unsigned logged_in, done, logins;
	int stop_logins, go, failed;
	SSL_CTX *ctx;		/* FTPS only */
	struct engine_tls_stats tls;
	char block[65536];	/* upload data when there is no source file */
	char sink[65536];	/* decrypted downloads, dropped */
};

#define KIND_DATA ((uint64_t)1 << 32)
#define EXTRA_TAG UINT64_MAX

/* Reports the first failure of a run (with session, phase and command) and stops it. */
void eng_fail(struct engine *e, const struct sess *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds (op EPOLL_CTL_ADD) or changes a socket's epoll events; 0 or -1 (failed). */
int eng_watch(struct engine *e, struct sess *s, int data, uint32_t events, int op);

/* Changes a watched socket's events when they differ; 0 or -1 (failed). */
int eng_want(struct engine *e, struct sess *s, int data, uint32_t events);

/* Closes the data connection and its TLS, if any. */
void eng_close_data(struct sess *s);

/* The data and the 226 of a file are both in: checks it, starts the next. */
void eng_file_done(struct engine *e, struct sess *s);

/*
 * Opens the data connection the 227 reply text names (with FTPS, its TLS
 * handshake starts at once); 0, or -1 after eng_fail.
 */
int data_open(struct engine *e, struct sess *s, const char *text);

/* The 150 came: an upload whose connection is ready starts sending. */
void data_start(struct engine *e, struct sess *s);

/* Epoll reported events on s's data connection. */
void data_event(struct engine *e, struct sess *s, uint32_t events);

#endif
