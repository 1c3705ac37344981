/*
 * xferlimits: what bandwidth limits and quotas mean for one transfer.
 *
 * At the start of a transfer, xferlimits_setup gathers the buckets that
 * apply (the session's, the user's, the server's: ratelimit.h) into the
 * transfer's gate. Each I/O callback then moves at most xfer_allow bytes
 * and reports them with xfer_used; xfer_allow 0 means pause until
 * x->wait_ns passes (xfer.c arms the data connection's timer). Without
 * any limit both are a single branch.
 *
 * Uploads of a user with a quota (usage.h) charge the bytes they write as
 * they go (xferlimits_charge) and settle the exact difference when they
 * end (xferlimits_settle): a replaced file gives back its size, a dropped
 * temporary file gives back everything.
 */
#ifndef FTPD_XFERLIMITS_H
#define FTPD_XFERLIMITS_H

#include <stddef.h>

#include "xfer.h"

struct session;

/* Fills x->gate and x->limited for s (listings are never limited). */
void xferlimits_setup(struct session *s, struct xfer *x);

/* The gate's answer for want bytes (see ratelimit.h); sets x->wait_ns. */
size_t xferlimits_allow(struct xfer *x, size_t want);

static inline size_t
xfer_allow(struct xfer *x, size_t want)
{
	return x->limited ? xferlimits_allow(x, want) : want;
}

static inline void
xfer_used(struct xfer *x, size_t n)
{
	if (x->limited)
		rl_gate_used(&x->gate, n);
}

/* With a quota: the two below. */
size_t xferlimits_quota_recv_size(struct xfer *x, size_t want);
size_t xferlimits_quota_charge(struct xfer *x, size_t n);

/*
 * How many bytes an upload should ask the socket for (at most want): one
 * more than the quota leaves, so that passing it shows.
 */
static inline size_t
xfer_recv_size(struct xfer *x, size_t want)
{
	return x->usage != NULL ? xferlimits_quota_recv_size(x, want) : want;
}

/*
 * Charges n written bytes to the quota; returns how many fit (all of
 * them without a quota). Fewer than n: the upload passes the quota.
 */
static inline size_t
xfer_charge(struct xfer *x, size_t n)
{
	return x->usage != NULL ? xferlimits_quota_charge(x, n) : n;
}

/* Settles an upload's usage as it ends (complete or not). */
void xferlimits_settle(struct xfer *x, int complete);

#endif
