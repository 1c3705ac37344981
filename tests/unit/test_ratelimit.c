/*
 * test_ratelimit.c: token buckets and gates with an injected clock: a
 * full second to start, the rate after it, debt paid back, the least
 * bucket of a gate wins, waits long enough and never busy, and a
 * simulated transfer that stays within 10 % of the rate over every
 * two-second window after the first second.
 */
#include <string.h>

#include "ratelimit.h"
#include "testutil.h"

#define MS 1000000ULL
#define S 1000000000ULL

static void
test_bucket_starts_full_and_refills_at_rate(void)
{
	struct rl_bucket b;

	rl_init(&b, 1000, 5 * S);
	CU_ASSERT_EQUAL(rl_refill(&b, 5 * S), 1000);
	rl_take(&b, 1000);
	CU_ASSERT_EQUAL(rl_refill(&b, 5 * S), 0);
	CU_ASSERT_EQUAL(rl_refill(&b, 5 * S + 500 * MS), 500);
	/* Never more than one second's worth. */
	CU_ASSERT_EQUAL(rl_refill(&b, 60 * S), 1000);
}

static void
test_bucket_fractions_add_up(void)
{
	struct rl_bucket b;
	uint64_t t;

	rl_init(&b, 10, 0);
	rl_take(&b, 10);
	/* 10 B/s polled every 10 ms: each poll alone adds 0.1 byte. */
	for (t = 10 * MS; t <= S; t += 10 * MS)
		(void)rl_refill(&b, t);
	CU_ASSERT_EQUAL(rl_refill(&b, S), 10);
}

static void
test_bucket_debt_is_paid_back(void)
{
	struct rl_bucket b;

	rl_init(&b, 1000, 0);
	rl_take(&b, 1000);
	rl_take(&b, 600);	/* two users saw the same tokens */
	CU_ASSERT_EQUAL(rl_refill(&b, 0), -600);
	CU_ASSERT_EQUAL(rl_refill(&b, 500 * MS), -100);
	CU_ASSERT_EQUAL(rl_refill(&b, 700 * MS), 100);
}

static void
test_set_rate_caps_tokens(void)
{
	struct rl_bucket b;

	memset(&b, 0, sizeof(b));
	rl_set_rate(&b, 4000, 0);	/* from none: full */
	CU_ASSERT_EQUAL(rl_refill(&b, 0), 4000);
	rl_set_rate(&b, 1000, 0);
	CU_ASSERT_EQUAL(rl_refill(&b, 0), 1000);
}

/* A rate near 2^64 (16777215T parses) must not overflow (UBSan checks). */
static void
test_huge_rate_does_not_overflow(void)
{
	struct rl_bucket b;
	uint64_t w;
	struct rl_gate g;

	rl_init(&b, ~0ULL, 0);
	rl_take(&b, ~0ULL);
	rl_take(&b, ~0ULL);
	CU_ASSERT_TRUE(rl_refill(&b, 0) < 0);
	CU_ASSERT_TRUE(rl_refill(&b, 3 * S) > 0);
	rl_gate_init(&g);
	rl_gate_add(&g, &b);
	CU_ASSERT_EQUAL(rl_gate_allow(&g, 1 << 20, 3 * S, &w), 1 << 20);
}

static void
test_gate_without_buckets_is_inactive(void)
{
	struct rl_gate g;
	struct rl_bucket none;
	uint64_t w = 99;

	memset(&none, 0, sizeof(none));
	rl_gate_init(&g);
	rl_gate_add(&g, &none);		/* rate 0: skipped */
	CU_ASSERT_FALSE(rl_gate_active(&g));
	CU_ASSERT_EQUAL(rl_gate_allow(&g, 12345, 0, &w), 12345);
	CU_ASSERT_EQUAL(w, 0);
}

static void
test_gate_least_bucket_wins_and_waits(void)
{
	struct rl_gate g;
	struct rl_bucket sess;
	struct rl_shared user;
	uint64_t w;
	size_t n;

	rl_init(&sess, 1 << 20, 0);
	rl_shared_init(&user, 64 * 1024);
	rl_init(&user.b, 64 * 1024, 0);
	rl_gate_init(&g);
	rl_gate_add(&g, &sess);
	rl_gate_add_shared(&g, &user);
	CU_ASSERT_TRUE(rl_gate_active(&g));
	n = rl_gate_allow(&g, 1 << 20, 0, &w);
	CU_ASSERT_EQUAL(n, 64 * 1024);
	rl_gate_used(&g, n);
	CU_ASSERT_EQUAL(rl_gate_allow(&g, 1 << 20, 0, &w), 0);
	/* A quantum (4 KiB of 64 KiB/s) takes 62.5 ms. */
	CU_ASSERT_TRUE(w >= 62 * MS && w <= 63 * MS);
	CU_ASSERT_TRUE(rl_gate_allow(&g, 1 << 20, w, &w) >= 4096);
	/* The session bucket refilled meanwhile, to its cap. */
	CU_ASSERT_EQUAL(sess.tokens, 1 << 20);
	rl_shared_destroy(&user);
}

/*
 * A sender that moves what the gate allows whenever it wakes up (at the
 * wait it was told, plus up to 5 ms late): the bytes moved in any 2 s
 * window starting after the first second stay within 2 s of rate + 10 %.
 */
static void
test_simulated_transfer_keeps_rate(void)
{
	enum { STEPS = 20000 };
	static uint64_t when[STEPS];
	static unsigned long long total[STEPS];
	const unsigned long long rate = 2 << 20;
	unsigned long long moved = 0;
	struct rl_bucket b;
	struct rl_gate g;
	uint64_t t = 0, w;
	size_t i, j, n = 0;

	rl_init(&b, rate, 0);
	rl_gate_init(&g);
	rl_gate_add(&g, &b);
	while (t < 10 * S && n < STEPS) {
		size_t k = rl_gate_allow(&g, 1 << 20, t, &w);

		if (k > 0) {
			rl_gate_used(&g, k);
			moved += k;
			when[n] = t;
			total[n++] = moved;
			w = 1 * MS;	/* the socket takes a moment */
		}
		CU_ASSERT_TRUE_FATAL(k > 0 || w > 0);	/* no busy loop */
		t += w + (t % 5) * MS;
	}
	for (i = 0; i < n; i++) {
		if (when[i] < S)
			continue;
		for (j = i; j < n && when[j] <= when[i] + 2 * S; j++)
			;
		CU_ASSERT_TRUE(total[j - 1] - total[i] <= rate * 2 * 11 / 10);
	}
	/* And not far below it: 9 s after the first. */
	CU_ASSERT_TRUE(moved >= rate * 9);
}

void
suite_register(void)
{
	CU_pSuite s = CU_add_suite("ratelimit", NULL, NULL);

	CU_add_test(s, "bucket_starts_full_and_refills_at_rate",
	    test_bucket_starts_full_and_refills_at_rate);
	CU_add_test(s, "bucket_fractions_add_up", test_bucket_fractions_add_up);
	CU_add_test(s, "bucket_debt_is_paid_back", test_bucket_debt_is_paid_back);
	CU_add_test(s, "set_rate_caps_tokens", test_set_rate_caps_tokens);
	CU_add_test(s, "huge_rate_does_not_overflow",
	    test_huge_rate_does_not_overflow);
	CU_add_test(s, "gate_without_buckets_is_inactive",
	    test_gate_without_buckets_is_inactive);
	CU_add_test(s, "gate_least_bucket_wins_and_waits",
	    test_gate_least_bucket_wins_and_waits);
	CU_add_test(s, "simulated_transfer_keeps_rate",
	    test_simulated_transfer_keeps_rate);
}
