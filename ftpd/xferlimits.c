/*
 * xferlimits.c: limits and quotas of one transfer; see xferlimits.h.
 */
#include <sys/stat.h>

#include "config.h"
#include "session.h"
#include "usage.h"
#include "xferlimits.h"

void
xferlimits_setup(struct session *s, struct xfer *x)
{
	int up = x->kind == XFER_RECV_FILE;
	struct rl_bucket *own = up ? &s->rl_up : &s->rl_down;

	rl_gate_init(&x->gate);
	x->limited = 0;
	if (x->kind == XFER_SEND_LIST)
		return;
	/* The session's bucket lives across its transfers. */
	rl_set_rate(own, up ? s->cfg->rate_up : s->cfg->rate_down, rl_now_ns());
	rl_gate_add(&x->gate, own);
	if (s->usage != NULL)
		rl_gate_add_shared(&x->gate, usage_user_bucket(s->usage, up));
	rl_gate_add_shared(&x->gate, usage_server_bucket(up));
	x->limited = rl_gate_active(&x->gate);
}

size_t
xferlimits_allow(struct xfer *x, size_t want)
{
	return rl_gate_allow(&x->gate, want, rl_now_ns(), &x->wait_ns);
}

size_t
xferlimits_quota_recv_size(struct xfer *x, size_t want)
{
	unsigned long long room;

	room = usage_room(x->usage, x->quota_credit, want);
	return room < want ? (size_t)room + 1 : want;
}

size_t
xferlimits_quota_charge(struct xfer *x, size_t n)
{
	unsigned long long fit;

	fit = usage_charge_bytes(x->usage, n, x->quota_credit);
	x->charged += fit;
	return (size_t)fit;
}

void
xferlimits_settle(struct xfer *x, int complete)
{
	struct stat st;
	long long delta;

	(void)complete;
	if (x->usage == NULL)
		return;
	if (x->via_temp && x->temp_name != NULL) {
		/* The temporary file is dropped: nothing of it stays. */
		usage_adjust(x->usage, -(long long)x->charged,
		    x->new_file ? -1 : 0);
		return;
	}
	if (x->final_size < 0 && x->file_fd >= 0 && fstat(x->file_fd, &st) == 0)
		x->final_size = st.st_size;
	if (x->final_size < 0)
		return;		/* unknown: the next recount will tell */
	/* What the file grew by, less what the upload charged on the way. */
	delta = (long long)(x->final_size - x->old_size) - (long long)x->charged;
	usage_adjust(x->usage, delta, 0);
}
