/*
 * ratelimit: token buckets for bandwidth limits.
 *
 * A bucket fills at rate bytes per second and holds at most one second
 * of it, so after a quiet spell a transfer may burst one second's worth,
 * and from then on it moves rate bytes a second. A transfer passes
 * through a gate: up to RL_GATE_MAX buckets (its session's, its user's,
 * the server's) that all must have tokens. Before an I/O the caller asks
 * the gate how much it may move (the least any bucket holds); after it,
 * it tells the gate what it moved, which is taken from every bucket. A
 * bucket may go below zero (two threads saw the same tokens, or the I/O
 * moved a little more): the debt is paid back before it allows more, so
 * the long-run rate holds.
 *
 * Buckets a gate shares with other threads (per user, per server) carry
 * a mutex: rl_shared. A session's own bucket is touched by its worker
 * only and has none. Times are CLOCK_MONOTONIC nanoseconds passed in by
 * the caller (rl_now_ns), so unit tests drive the clock.
 */
#ifndef FTPD_RATELIMIT_H
#define FTPD_RATELIMIT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "compat.h"

struct rl_bucket {
	unsigned long long rate;	/* bytes per second; 0: no limit */
	long long tokens;		/* bytes that may go now (< 0: debt) */
	uint64_t last_ns;		/* when tokens was last refilled */
};

/* A bucket several threads use. */
struct rl_shared {
	pthread_mutex_t lock;
	struct rl_bucket b;
};

#define RL_GATE_MAX 3

struct rl_gate {
	struct rl_bucket *own[RL_GATE_MAX];	/* unshared buckets */
	struct rl_shared *shared[RL_GATE_MAX];
	unsigned nown, nshared;
};

/* CLOCK_MONOTONIC now, in nanoseconds. */
uint64_t rl_now_ns(void);

/* Sets b to rate (0: none), full (one second's worth) at now. */
void rl_init(struct rl_bucket *b, unsigned long long rate, uint64_t now);

/*
 * Changes b's rate, keeping its tokens (capped to the new second's
 * worth); a bucket that had no limit starts full.
 */
void rl_set_rate(struct rl_bucket *b, unsigned long long rate, uint64_t now);

/* Refills b up to now; returns the tokens (may be negative). */
long long rl_refill(struct rl_bucket *b, uint64_t now);

/* Takes n bytes from b (it may go below zero). */
void rl_take(struct rl_bucket *b, unsigned long long n);

/*
 * The smallest amount worth waking up for: a sixteenth of a second's
 * worth (fewer, larger I/Os), at least 1 byte, at most 256 KiB.
 */
unsigned long long rl_quantum(unsigned long long rate);

/* Shared buckets: the same under the bucket's mutex. */
void rl_shared_init(struct rl_shared *s, unsigned long long rate);
void rl_shared_set_rate(struct rl_shared *s, unsigned long long rate);
void rl_shared_destroy(struct rl_shared *s);

/* An empty gate; then add the buckets that have a rate (others are skipped). */
void rl_gate_init(struct rl_gate *g);
void rl_gate_add(struct rl_gate *g, struct rl_bucket *b);
void rl_gate_add_shared(struct rl_gate *g, struct rl_shared *s);

/* Whether any bucket of g limits (else callers skip the gate). */
int rl_gate_active(const struct rl_gate *g);

/*
 * How many bytes (at most want) may move now. 0 means wait: *wait_ns
 * says how long until every bucket holds a quantum again.
 */
size_t rl_gate_allow(struct rl_gate *g, size_t want, uint64_t now,
    uint64_t *wait_ns);

/* Takes n bytes that moved from every bucket of g. */
void rl_gate_used(struct rl_gate *g, unsigned long long n);

#endif
