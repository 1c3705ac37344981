/*
 * xfer: data connections and the transfers that run over them.
 *
 * Passive mode tries EPSV and falls back to PASV; active mode offers EPRT
 * and falls back to PORT. A passive data connection always goes to the
 * control connection's peer, whatever address a 227 reply names, so a
 * server cannot point the client at a third host. In active mode only a
 * connection from that same peer is accepted.
 */
#ifndef FTPC_XFER_H
#define FTPC_XFER_H

#include <sys/types.h>

#include "buf.h"
#include "progress.h"
#include "proto.h"
#include "status.h"

struct xfer_io {
	/* Download: takes n bytes (already converted for TYPE A). 0 or -1. */
	int (*sink)(void *ctx, const char *p, size_t n);
	/* Upload: fills up to n bytes; 0 at the end, -1 on error. */
	ssize_t (*source)(void *ctx, char *p, size_t n);
	void *ctx;
	struct progress *prog;	/* NULL for none */
	off_t limit;		/* download: stop after this many; -1 none */
	off_t done;		/* bytes moved, as they left or reached disk */
};

/*
 * Runs one data command: TYPE, REST rest when rest > 0, the data
 * connection, "cmd arg" (arg may be NULL), the bytes, and the final reply.
 * upload selects source or sink. A download with a limit ends the session
 * once the limit is reached (the server is not waited for).
 * A transfer that fails or is interrupted (transport_interrupt, checked
 * before every chunk) is aborted: ABOR first, then a reset of the data
 * connection (never a clean close, which would complete an upload), then
 * proto_abort_replies, which may reconnect; s->err then ends with
 * "(reconnected)".
 * Returns FC_OK or the failure's status, with the reason in s->err.
 */
enum fc_status xfer_run(struct proto *s, int ascii, off_t rest,
    const char *cmd, const char *arg, int upload, struct xfer_io *io);

/*
 * Fetches a listing ("LIST", "NLST" or "MLSD") of path (NULL: the current
 * directory) into out, which keeps its own cap.
 */
enum fc_status xfer_list(struct proto *s, const char *cmd, const char *path,
    struct buf *out);

#endif
