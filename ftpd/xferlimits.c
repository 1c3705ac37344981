/*
 * xferlimits.c: limits and quotas of one transfer; see xferlimits.h.
 */
#include <sys/stat.h>

#include "config.h"
#include "session.h"
#include "usage.h"
#include "xferlimits.h"

/*
 * Registers an upload with a quota as in progress (usage.h), with what a
 * count of the home would not see of it: a file written in place is
 * skipped by a count, so it holds its old size and its place as a file;
 * a temporary file holds only the new file it made.
 */
static void
quota_begin(struct xfer *x)
{
	struct stat st;

	if (!x->via_temp && x->file_fd >= 0 && fstat(x->file_fd, &st) == 0)
		usage_upload_begin(x->usage, &x->inflight, st.st_dev,
		    st.st_ino, (long long)x->old_size, 1);
	else
		usage_upload_begin(x->usage, &x->inflight, 0, 0, 0,
		    x->new_file ? 1 : 0);
}

void
xferlimits_setup(struct session *s, struct xfer *x)
{
	int up = x->kind == XFER_RECV_FILE;
	struct rl_bucket *own = up ? &s->rl_up : &s->rl_down;

	rl_gate_init(&x->gate);
	x->limited = 0;
	if (x->kind == XFER_SEND_LIST)
		return;
	if (up && x->usage != NULL)
		quota_begin(x);
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

	fit = usage_charge_bytes(x->usage, &x->inflight, n, x->quota_credit);
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
		usage_upload_end(x->usage, &x->inflight,
		    -(long long)x->charged, x->new_file ? -1 : 0);
		return;
	}
	if (x->final_size < 0 && x->file_fd >= 0 && fstat(x->file_fd, &st) == 0)
		x->final_size = st.st_size;
	/* Unknown: the next recount will tell. Else what the file grew by,
	 * less what the upload charged on the way. */
	delta = x->final_size < 0 ? 0 :
	    (long long)(x->final_size - x->old_size) - (long long)x->charged;
	usage_upload_end(x->usage, &x->inflight, delta, 0);
}
