/*
 * remote_rm.c: see remote_rm.h.
 */
#include <string.h>

#include "remote_rm.h"

#define REMOTE_RM_DEPTH_MAX 64

/* Names from a listing that could step out of the folder are refused. */
static int
safe_name(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

int
remote_is_dir(struct client *c, const char *path)
{
	char tmp[CLIENT_PATH_MAX], parent[CLIENT_PATH_MAX];
	struct lp_list l = { NULL, 0, 0 };
	const struct lp_entry *e;
	const char *base = client_basename(path, tmp, sizeof(tmp));
	size_t n = (size_t)(base - tmp);
	int rc;

	/* tmp is path without trailing slashes; base points into it. */
	if (strcmp(base, "/") == 0)
		return 1;
	if (n >= sizeof(parent))
		return -1;
	memcpy(parent, tmp, n);
	parent[n] = '\0';
	if (client_list(c, NULL, parent, &l) != FC_OK) {
		listparse_free(&l);
		return -1;
	}
	e = listparse_find(&l, base);
	rc = e != NULL && e->type == LP_DIR;
	listparse_free(&l);
	return rc;
}

static enum fc_status
rm_tree(struct client *c, const char *path, int is_dir, int depth)
{
	struct lp_list l = { NULL, 0, 0 };
	char sub[CLIENT_PATH_MAX];
	struct proto *s = &c->s;
	enum fc_status st, worst = FC_OK;
	size_t i;
	int code;

	/*
	 * DELE first, folders too: many servers (pyftpdlib) list a symlink
	 * to a folder as type=dir, and entering it would delete what it
	 * points to. DELE removes such a link and nothing else; a real
	 * folder refuses DELE and is emptied below.
	 */
	code = proto_cmd(s, "DELE %s", path);
	if (proto_ok(code))
		return FC_OK;
	if (!is_dir || s->state != PS_LOGGED_IN)
		return proto_fail(s, code);
	if (depth >= REMOTE_RM_DEPTH_MAX) {
		fc_errf(s->err, sizeof(s->err), "%s: folders nested too deep",
		    path);
		return FC_REMOTE;
	}
	st = client_list(c, NULL, path, &l);
	for (i = 0; st == FC_OK && i < l.n; i++) {
		if (!safe_name(l.v[i].name) ||
		    client_join(sub, sizeof(sub), path, l.v[i].name) < 0)
			continue;
		if (rm_tree(c, sub, l.v[i].type == LP_DIR, depth + 1) != FC_OK)
			worst = FC_REMOTE;
		if (s->state != PS_LOGGED_IN) {
			st = FC_CONNECT;
			break;
		}
	}
	listparse_free(&l);
	if (st != FC_OK)
		return st;
	code = proto_cmd(s, "RMD %s", path);
	if (!proto_ok(code))
		return proto_fail(s, code);
	return worst;
}

enum fc_status
remote_rm_tree(struct client *c, const char *path, int is_dir)
{
	return rm_tree(c, path, is_dir, 0);
}
