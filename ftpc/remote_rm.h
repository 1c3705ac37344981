/*
 * remote_rm: removing remote files and folders, for rm and mirror --delete.
 */
#ifndef FTPC_REMOTE_RM_H
#define FTPC_REMOTE_RM_H

#include "client.h"

/*
 * Whether remote path names a folder, found in the listing of its parent
 * (no CWD, so the session's directory never moves). Returns 1, 0 (a file,
 * a link, or not there), or -1 when the parent cannot be listed.
 */
int remote_is_dir(struct client *c, const char *path);

/*
 * Removes remote path: a file or a link with DELE; a folder (is_dir)
 * that refuses DELE with everything in it, depth first, then RMD. Every
 * folder is offered DELE before it is entered, so that a symlink listed
 * as a folder is removed, never followed. Goes on past a failure so that
 * as much as possible goes; returns FC_OK, or the status of the last
 * failure with its reason in c->s.err.
 */
enum fc_status remote_rm_tree(struct client *c, const char *path, int is_dir);

#endif
