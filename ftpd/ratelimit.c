/*
 * ratelimit.c: token buckets; see ratelimit.h.
 */
#include <time.h>

#include "ratelimit.h"

#define NS_PER_S 1000000000ULL

uint64_t
rl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/*
 * One second's worth, as a token count; capped far below LLONG_MAX so
 * that a debt of as much again never overflows (such rates are no limit
 * in practice).
 */
static long long
capacity(unsigned long long rate)
{
	return rate > (unsigned long long)INT64_MAX / 4 ? INT64_MAX / 4 :
	    (long long)rate;
}

void
rl_init(struct rl_bucket *b, unsigned long long rate, uint64_t now)
{
	b->rate = rate;
	b->tokens = capacity(rate);
	b->last_ns = now;
}

void
rl_set_rate(struct rl_bucket *b, unsigned long long rate, uint64_t now)
{
	if (b->rate == rate)
		return;
	if (b->rate == 0) {
		rl_init(b, rate, now);
		return;
	}
	(void)rl_refill(b, now);
	b->rate = rate;
	if (b->tokens > capacity(rate))
		b->tokens = capacity(rate);
}

long long
rl_refill(struct rl_bucket *b, uint64_t now)
{
	unsigned __int128 add;
	uint64_t dt;
	long long cap = capacity(b->rate);

	if (now <= b->last_ns)
		return b->tokens;
	dt = now - b->last_ns;
	/* More than two seconds fill any debt and the bucket. */
	if (dt > 2 * NS_PER_S)
		dt = 2 * NS_PER_S;
	add = (unsigned __int128)b->rate * dt / NS_PER_S;
	if (add == 0)
		return b->tokens;	/* keep last_ns: the fraction adds up */
	b->last_ns = now;
	if (add >= (unsigned __int128)(cap - b->tokens))
		b->tokens = cap;
	else
		b->tokens += (long long)add;
	return b->tokens;
}

void
rl_take(struct rl_bucket *b, unsigned long long n)
{
	long long cap = capacity(b->rate);

	/* The debt is bounded by a second's worth: n is one I/O. */
	if (n > (unsigned long long)cap)
		n = (unsigned long long)cap;
	b->tokens -= (long long)n;
	if (b->tokens < -cap)
		b->tokens = -cap;
}

unsigned long long
rl_quantum(unsigned long long rate)
{
	unsigned long long q = rate / 16;

	if (q > 256 * 1024)
		q = 256 * 1024;
	return q > 0 ? q : 1;
}

/* Wait before b holds a quantum, given its tokens now. */
static uint64_t
wait_for(const struct rl_bucket *b, long long tokens)
{
	unsigned long long need = rl_quantum(b->rate);
	unsigned __int128 ns;

	if (tokens >= (long long)need)
		return 0;
	ns = (unsigned __int128)(unsigned long long)((long long)need - tokens) *
	    NS_PER_S / b->rate;
	return ns > 10 * NS_PER_S ? 10 * NS_PER_S : (uint64_t)ns + 1;
}

void
rl_shared_init(struct rl_shared *s, unsigned long long rate)
{
	pthread_mutex_init(&s->lock, NULL);
	rl_init(&s->b, rate, rl_now_ns());
}

void
rl_shared_set_rate(struct rl_shared *s, unsigned long long rate)
{
	pthread_mutex_lock(&s->lock);
	rl_set_rate(&s->b, rate, rl_now_ns());
	pthread_mutex_unlock(&s->lock);
}

void
rl_shared_destroy(struct rl_shared *s)
{
	pthread_mutex_destroy(&s->lock);
}

void
rl_gate_init(struct rl_gate *g)
{
	g->nown = g->nshared = 0;
}

void
rl_gate_add(struct rl_gate *g, struct rl_bucket *b)
{
	if (b->rate > 0 && g->nown < RL_GATE_MAX)
		g->own[g->nown++] = b;
}

void
rl_gate_add_shared(struct rl_gate *g, struct rl_shared *s)
{
	/* The rate is read unlocked: a reload changing it races harmlessly. */
	if (__atomic_load_n(&s->b.rate, __ATOMIC_RELAXED) > 0 &&
	    g->nshared < RL_GATE_MAX)
		g->shared[g->nshared++] = s;
}

int
rl_gate_active(const struct rl_gate *g)
{
	return g->nown + g->nshared > 0;
}

/* Folds bucket b's tokens into the allowance and the wait. */
static void
consider(const struct rl_bucket *b, long long tokens, long long *least,
    uint64_t *wait)
{
	uint64_t w;

	if (b->rate == 0)
		return;		/* the limit was lifted meanwhile */
	if (tokens < *least)
		*least = tokens;
	w = wait_for(b, tokens);
	if (w > *wait)
		*wait = w;
}

size_t
rl_gate_allow(struct rl_gate *g, size_t want, uint64_t now, uint64_t *wait_ns)
{
	long long least = INT64_MAX;
	uint64_t wait = 0;
	unsigned i;

	for (i = 0; i < g->nown; i++)
		consider(g->own[i], rl_refill(g->own[i], now), &least, &wait);
	for (i = 0; i < g->nshared; i++) {
		struct rl_shared *s = g->shared[i];

		pthread_mutex_lock(&s->lock);
		consider(&s->b, rl_refill(&s->b, now), &least, &wait);
		pthread_mutex_unlock(&s->lock);
	}
	*wait_ns = wait;
	/* Below a quantum: wait for more rather than trickle. */
	if (wait > 0 || least <= 0)
		return 0;
	return (unsigned long long)least < want ? (size_t)least : want;
}

void
rl_gate_used(struct rl_gate *g, unsigned long long n)
{
	unsigned i;

	for (i = 0; i < g->nown; i++)
		rl_take(g->own[i], n);
	for (i = 0; i < g->nshared; i++) {
		pthread_mutex_lock(&g->shared[i]->lock);
		rl_take(&g->shared[i]->b, n);
		pthread_mutex_unlock(&g->shared[i]->lock);
	}
}
