/*
 * mirror.c: copy a directory tree down (remote to local) or up (-R).
 *
 * First a plan is made by walking both trees: which files to send, which
 * directories to create, what to delete. Then the transfers run, on the
 * client's own session or, with --parallel N, on N sessions of their own
 * in N threads. A failed file does not stop the others; the summary
 * counts it and the status reports it.
 *
 * Names come from the server's listing, so a name holding '/' or being
 * "." or ".." is refused: a hostile listing must not write outside the
 * local target.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cmdtable.h"
#include "getput.h"
#include "remote_rm.h"

#define MIRROR_DEPTH_MAX 64
#define MIRROR_PARALLEL_MAX 16
#define MIRROR_GLOBS_MAX 32

struct job {
	char *src;
	char *dst;
	char *rel;		/* the path below the mirror's root, shown */
	off_t size;
	time_t mtime;
	enum fc_status st;
};

struct mirror {
	struct client *c;
	int upload;
	int only_newer;
	int delete;
	int parallel;
	int dry_run;		/* say what would be done, change nothing */
	enum verify_mode verify; /* --verify here or on the command line */
	const char *include[MIRROR_GLOBS_MAX], *exclude[MIRROR_GLOBS_MAX];
	int ninclude, nexclude;
	struct job *jobs;
	size_t njobs, cap;
	size_t transferred, skipped, deleted, failed;
	enum fc_status worst;
	size_t next;		/* next job for a worker: atomic */
};

static void
note_failure(struct mirror *m, enum fc_status st)
{
	m->failed++;
	m->worst = st;
}

static int
add_job(struct mirror *m, const char *src, const char *dst, const char *rel,
    off_t size, time_t mtime)
{
	struct job *nv;

	if (m->njobs == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 32;
		nv = realloc(m->jobs, m->cap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		m->jobs = nv;
	}
	nv = &m->jobs[m->njobs];
	nv->src = strdup(src);
	nv->dst = strdup(dst);
	nv->rel = strdup(rel);
	nv->size = size;
	nv->mtime = mtime;
	nv->st = FC_OK;
	if (nv->src == NULL || nv->dst == NULL || nv->rel == NULL) {
		free(nv->src);
		free(nv->dst);
		free(nv->rel);
		return -1;
	}
	m->njobs++;
	return 0;
}

static int
safe_name(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/*
 * Whether a glob matches an entry: a pattern with a '/' is matched
 * against the path below the root ("sub/deep.txt"), one without against
 * the name alone ("*.log" at any depth).
 */
static int
glob_hits(const char *const *globs, int n, const char *rel)
{
	const char *base = strrchr(rel, '/');
	int i;

	base = base != NULL ? base + 1 : rel;
	for (i = 0; i < n; i++)
		if (strchr(globs[i], '/') != NULL ?
		    fnmatch(globs[i], rel, FNM_PATHNAME) == 0 :
		    fnmatch(globs[i], base, 0) == 0)
			return 1;
	return 0;
}

/*
 * Whether the entry at rel takes part: not excluded, and, when there are
 * --include globs, a folder or a file that one of them matches.
 */
static int
wanted(const struct mirror *m, const char *rel, int is_dir)
{
	if (glob_hits(m->exclude, m->nexclude, rel))
		return 0;
	return is_dir || m->ninclude == 0 ||
	    glob_hits(m->include, m->ninclude, rel);
}

/* Removes a local file or tree. */
static int
remove_local(const char *path)
{
	char sub[CLIENT_PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if (lstat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!safe_name(de->d_name))
			continue;
		if (client_join(sub, sizeof(sub), path, de->d_name) < 0 ||
		    remove_local(sub) < 0)
			rc = -1;
	}
	closedir(d);
	return rc == 0 ? rmdir(path) : -1;
}

/*
 * mirror --verify: a file that looks unchanged (same size and time) is
 * still sent when its hash differs from the server's, or cannot be
 * compared.
 */
static int
same_content(const struct mirror *m, const char *remote, const char *local)
{
	if (m->verify != VERIFY_REQUIRED || m->c->ascii)
		return 1;
	return verify_same_file(&m->c->s, remote, local) == 1;
}

/* Whether the local copy (st) must be replaced by the remote entry e. */
static int
download_needed(const struct mirror *m, const struct lp_entry *e,
    const struct stat *st)
{
	if (m->only_newer) {
		if (e->mtime >= 0)
			return e->mtime > st->st_mtime;
		return e->size >= 0 && e->size != st->st_size;
	}
	if (e->size >= 0 && e->size != st->st_size)
		return 1;
	return e->mtime >= 0 && e->mtime != st->st_mtime;
}

static void
delete_extra_local(struct mirror *m, const char *ldir, const char *rdir_rel,
    const struct lp_list *l)
{
	char lpath[CLIENT_PATH_MAX], rel[CLIENT_PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(ldir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!safe_name(de->d_name) || listparse_find(l, de->d_name))
			continue;
		if (client_join(lpath, sizeof(lpath), ldir, de->d_name) < 0 ||
		    client_join(rel, sizeof(rel), rdir_rel, de->d_name) < 0 ||
		    !wanted(m, rel, de->d_type == DT_DIR))
			continue;
		if (m->dry_run) {
			m->deleted++;
			client_note(m->c, "would remove %s", lpath);
		} else if (remove_local(lpath) == 0) {
			m->deleted++;
			client_note(m->c, "removed %s", lpath);
		} else {
			client_fail(m->c, FC_LOCAL, "mirror: cannot remove %s: %s",
			    lpath, strerror(errno));
			note_failure(m, FC_LOCAL);
		}
	}
	closedir(d);
}

/* rel: where rdir and ldir are below the roots ("" at the top). */
static void
walk_remote(struct mirror *m, const char *rdir, const char *ldir,
    const char *rel, int depth)
{
	char rpath[CLIENT_PATH_MAX], lpath[CLIENT_PATH_MAX];
	char erel[CLIENT_PATH_MAX];
	struct lp_list l = { NULL, 0, 0 };
	const struct lp_entry *e;
	enum fc_status st;
	struct stat sb;
	size_t i;

	if (!m->dry_run && mkdir(ldir, 0777) < 0 && errno != EEXIST) {
		client_fail(m->c, FC_LOCAL, "mirror: mkdir %s: %s", ldir,
		    strerror(errno));
		note_failure(m, FC_LOCAL);
		return;
	}
	st = client_list(m->c, NULL, rdir, &l);
	if (st != FC_OK) {
		client_fail(m->c, st, "mirror: list %s: %s", rdir, m->c->s.err);
		note_failure(m, st);
		return;
	}
	for (i = 0; i < l.n; i++) {
		e = &l.v[i];
		if (!safe_name(e->name) ||
		    client_join(rpath, sizeof(rpath), rdir, e->name) < 0 ||
		    client_join(lpath, sizeof(lpath), ldir, e->name) < 0 ||
		    client_join(erel, sizeof(erel), rel, e->name) < 0 ||
		    !wanted(m, erel, e->type == LP_DIR))
			continue;
		if (e->type == LP_DIR) {
			if (depth < MIRROR_DEPTH_MAX)
				walk_remote(m, rpath, lpath, erel, depth + 1);
		} else if (e->type == LP_FILE) {
			if (stat(lpath, &sb) == 0 && !download_needed(m, e, &sb) &&
			    same_content(m, rpath, lpath))
				m->skipped++;
			else if (add_job(m, rpath, lpath, erel, e->size,
			    e->mtime) < 0)
				note_failure(m, FC_LOCAL);
		}
	}
	if (m->delete)
		delete_extra_local(m, ldir, rel, &l);
	listparse_free(&l);
}

static void
delete_extra_remote(struct mirror *m, const char *ldir, const char *rdir,
    const char *rel, const struct lp_list *l)
{
	char lpath[CLIENT_PATH_MAX], rpath[CLIENT_PATH_MAX];
	char erel[CLIENT_PATH_MAX];
	enum fc_status st;
	struct stat sb;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (!safe_name(l->v[i].name) ||
		    client_join(lpath, sizeof(lpath), ldir, l->v[i].name) < 0 ||
		    client_join(rpath, sizeof(rpath), rdir, l->v[i].name) < 0 ||
		    client_join(erel, sizeof(erel), rel, l->v[i].name) < 0 ||
		    !wanted(m, erel, l->v[i].type == LP_DIR) ||
		    lstat(lpath, &sb) == 0)
			continue;
		if (m->dry_run) {
			m->deleted++;
			client_note(m->c, "would remove %s", rpath);
			continue;
		}
		st = remote_rm_tree(m->c, rpath, l->v[i].type == LP_DIR);
		if (st == FC_OK) {
			m->deleted++;
			client_note(m->c, "removed %s", rpath);
		} else {
			client_fail(m->c, st, "mirror: cannot remove %s: %s",
			    rpath, m->c->s.err);
			note_failure(m, st);
		}
	}
}

static int
upload_needed(const struct mirror *m, const struct lp_entry *e,
    const struct stat *st)
{
	if (e == NULL)
		return 1;
	if (m->only_newer && e->mtime >= 0)
		return st->st_mtime > e->mtime;
	return e->size < 0 || e->size != st->st_size;
}

static void
walk_local(struct mirror *m, const char *ldir, const char *rdir,
    const char *rel, int depth)
{
	char rpath[CLIENT_PATH_MAX], lpath[CLIENT_PATH_MAX];
	char erel[CLIENT_PATH_MAX];
	struct lp_list l = { NULL, 0, 0 };
	const struct lp_entry *e;
	struct dirent *de;
	struct stat sb;
	enum fc_status st;
	DIR *d;
	int code;

	/* Whether the folder exists is asked, never read from a LIST. */
	code = client_remote_dir_exists(m->c, NULL, rdir);
	if (code > 0 && client_list(m->c, NULL, rdir, &l) != FC_OK) {
		st = proto_status_of(m->c->s.code);
		client_fail(m->c, st, "mirror: list %s: %s", rdir, m->c->s.err);
		note_failure(m, st);
		listparse_free(&l);
		return;
	}
	if (code <= 0) {
		/* --dry-run says what it would create and creates nothing. */
		if (code == 0 && m->dry_run) {
			client_note(m->c, "would create %s", rdir);
			code = R_257_PATH_CREATED;
		} else {
			code = code < 0 ? -1 : proto_cmd(&m->c->s, "MKD %s", rdir);
		}
		if (code != R_257_PATH_CREATED) {
			st = proto_fail(&m->c->s, code);
			client_fail(m->c, st, "mirror: mkdir %s: %s", rdir,
			    m->c->s.err);
			note_failure(m, st);
			return;
		}
	}
	d = opendir(ldir);
	if (d == NULL) {
		client_fail(m->c, FC_LOCAL, "mirror: %s: %s", ldir, strerror(errno));
		note_failure(m, FC_LOCAL);
		listparse_free(&l);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!safe_name(de->d_name) ||
		    client_join(lpath, sizeof(lpath), ldir, de->d_name) < 0 ||
		    client_join(rpath, sizeof(rpath), rdir, de->d_name) < 0 ||
		    client_join(erel, sizeof(erel), rel, de->d_name) < 0 ||
		    stat(lpath, &sb) < 0 || !wanted(m, erel, S_ISDIR(sb.st_mode)))
			continue;
		e = listparse_find(&l, de->d_name);
		if (S_ISDIR(sb.st_mode)) {
			if (depth < MIRROR_DEPTH_MAX)
				walk_local(m, lpath, rpath, erel, depth + 1);
		} else if (S_ISREG(sb.st_mode)) {
			if (!upload_needed(m, e, &sb) &&
			    same_content(m, rpath, lpath))
				m->skipped++;
			else if (add_job(m, lpath, rpath, erel, sb.st_size,
			    sb.st_mtime) < 0)
				note_failure(m, FC_LOCAL);
		}
	}
	closedir(d);
	if (m->delete)
		delete_extra_remote(m, ldir, rdir, rel, &l);
	listparse_free(&l);
}

/* Runs one job on session s; prints its failure. */
static void
run_job(struct mirror *m, struct proto *s, struct job *j, int progress)
{
	struct getput_opts o;
	struct tm tm;
	char when[32];

	getput_defaults(&o);
	o.ascii = m->c->ascii;
	o.progress = progress;
	o.label = j->rel;
	o.verify = m->verify;
	o.notes = client_notes(m->c);
	if (m->upload) {
		j->st = getput_upload(s, j->src, j->dst, &o);
		if (j->st == FC_OK && (s->feat & PF_MFMT) &&
		    gmtime_r(&j->mtime, &tm) != NULL &&
		    strftime(when, sizeof(when), "%Y%m%d%H%M%S", &tm) > 0)
			(void)proto_cmd(s, "MFMT %s %s", when, j->dst);
	} else {
		o.size = m->c->ascii ? -1 : j->size;
		o.mtime = j->mtime;
		j->st = getput_download(s, j->src, j->dst, &o);
	}
	if (j->st != FC_OK)
		client_fail(m->c, j->st, "mirror: %s: %s", j->rel, s->err);
	else if (!progress && !m->c->quiet && m->c->verbose)
		client_note(m->c, "%s -> %s", j->src, j->dst);
}

static void *
worker(void *arg)
{
	struct mirror *m = arg;
	struct proto s;
	size_t i;

	if (proto_clone(&s, &m->c->s) != FC_OK) {
		client_fail(m->c, FC_CONNECT, "mirror: extra connection: %s",
		    s.err);
		proto_free(&s);
		return NULL;	/* the other workers take the jobs */
	}
	while ((i = __atomic_fetch_add(&m->next, 1, __ATOMIC_RELAXED)) < m->njobs)
		run_job(m, &s, &m->jobs[i], 0);
	proto_quit(&s);
	proto_free(&s);
	return NULL;
}

static void
run_jobs(struct mirror *m)
{
	pthread_t th[MIRROR_PARALLEL_MAX];
	int i, started = 0, n = m->parallel;
	size_t k;

	if ((size_t)n > m->njobs)
		n = (int)m->njobs;
	for (i = 0; n > 1 && i < n; i++)
		if (pthread_create(&th[started], NULL, worker, m) == 0)
			started++;
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	/* Whatever no worker took (or all of it, without --parallel). */
	while ((k = m->next++) < m->njobs)
		run_job(m, &m->c->s, &m->jobs[k], client_progress_on(m->c));
	for (k = 0; k < m->njobs; k++) {
		if (m->jobs[k].st != FC_OK)
			note_failure(m, m->jobs[k].st);
		else
			m->transferred++;
	}
}

static void
free_jobs(struct mirror *m)
{
	size_t i;

	for (i = 0; i < m->njobs; i++) {
		free(m->jobs[i].src);
		free(m->jobs[i].dst);
		free(m->jobs[i].rel);
	}
	free(m->jobs);
}

/* Adds a glob to list (at most MIRROR_GLOBS_MAX); -1 when full. */
static int
add_glob(const char **list, int *n, const char *glob)
{
	if (*n == MIRROR_GLOBS_MAX)
		return -1;
	list[(*n)++] = glob;
	return 0;
}

/* Parses --parallel's value; -1 when it is not 1..MIRROR_PARALLEL_MAX. */
static int
parse_parallel(struct mirror *m, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end != '\0' || n < 1 || n > MIRROR_PARALLEL_MAX)
		return -1;
	m->parallel = (int)n;
	return 0;
}

/*
 * An option with a value, as "--name VALUE" or "--name=VALUE"; short_ is
 * its one-letter form or NULL. Returns the value (advancing *a past it),
 * "" when the value is missing, or NULL when argv[*a] is another option.
 */
static const char *
opt_value(int argc, char **argv, int *a, const char *name, const char *short_)
{
	size_t n = strlen(name);

	if (strncmp(argv[*a], name, n) == 0 && argv[*a][n] == '=')
		return argv[*a] + n + 1;
	if (strcmp(argv[*a], name) != 0 &&
	    (short_ == NULL || strcmp(argv[*a], short_) != 0))
		return NULL;
	return *a + 1 < argc ? argv[++*a] : "";
}

/*
 * Parses the options; returns the index of SOURCE (one or two operands
 * follow), or -1 after writing why into err.
 */
static int
parse_options(struct mirror *m, int argc, char **argv, char *err,
    size_t errsz)
{
	const char *v;
	int a;

	for (a = 1; a < argc && argv[a][0] == '-' && argv[a][1] != '\0'; a++) {
		if (strcmp(argv[a], "--") == 0) {
			a++;
			break;
		}
		if (strcmp(argv[a], "-R") == 0 || strcmp(argv[a], "--reverse") == 0)
			m->upload = 1;
		else if (strcmp(argv[a], "--only-newer") == 0 ||
		    strcmp(argv[a], "-n") == 0)
			m->only_newer = 1;
		else if (strcmp(argv[a], "--delete") == 0 || strcmp(argv[a], "-e") == 0)
			m->delete = 1;
		else if (strcmp(argv[a], "--dry-run") == 0)
			m->dry_run = 1;
		else if (strcmp(argv[a], "--verify") == 0)
			m->verify = VERIFY_REQUIRED;
		else if ((v = opt_value(argc, argv, &a, "--parallel", "-P")) != NULL) {
			if (*v == '\0' || parse_parallel(m, v) < 0) {
				fc_errf(err, errsz, "mirror: --parallel takes "
				    "1 to %d", MIRROR_PARALLEL_MAX);
				return -1;
			}
		} else if ((v = opt_value(argc, argv, &a, "--exclude", "-X")) != NULL) {
			if (*v == '\0' ||
			    add_glob(m->exclude, &m->nexclude, v) < 0)
				goto bad_glob;
		} else if ((v = opt_value(argc, argv, &a, "--include", "-I")) != NULL) {
			if (*v == '\0' ||
			    add_glob(m->include, &m->ninclude, v) < 0)
				goto bad_glob;
		} else {
			fc_errf(err, errsz, "mirror: unknown option %s (help "
			    "mirror lists them)", argv[a]);
			return -1;
		}
	}
	if (argc - a < 1 || argc - a > 2) {
		fc_errf(err, errsz, "usage: mirror [options] SOURCE [TARGET]");
		return -1;
	}
	return a;
bad_glob:
	fc_errf(err, errsz, "mirror: --include and --exclude take a glob "
	    "each, %d at most", MIRROR_GLOBS_MAX);
	return -1;
}

/* Lists the planned transfers instead of running them (--dry-run). */
static void
show_jobs(const struct mirror *m)
{
	size_t i;

	for (i = 0; i < m->njobs; i++)
		client_note(m->c, "would %s %s", m->upload ? "upload" :
		    "download", m->jobs[i].rel);
}

/*
 * The target when none is given: the source folder's own name, as in
 * lftp ("mirror pub/docs" fills ./docs). A source without one ("/",
 * ".") needs the target named.
 */
static const char *
default_target(const char *src, char *tmp, size_t tmpsz)
{
	const char *base = client_basename(src, tmp, tmpsz);

	if (strcmp(base, "/") == 0 || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0 || *base == '\0')
		return NULL;
	return base;
}

enum fc_status
ftpc_cmd_mirror(struct client *c, int argc, char **argv)
{
	char err[160], tmp[CLIENT_PATH_MAX];
	struct mirror m;
	const char *src, *dst;
	int a;

	memset(&m, 0, sizeof(m));
	m.c = c;
	m.verify = c->verify;
	m.parallel = 1;
	a = parse_options(&m, argc, argv, err, sizeof(err));
	if (a < 0)
		return client_fail(c, FC_USAGE, "%s", err);
	src = argv[a];
	dst = a + 1 < argc ? argv[a + 1] : default_target(src, tmp, sizeof(tmp));
	if (dst == NULL)
		return client_fail(c, FC_USAGE, "mirror: %s has no folder name "
		    "to mirror into: name the target", src);
	if (m.upload)
		walk_local(&m, src, dst, "", 0);
	else
		walk_remote(&m, src, dst, "", 0);
	if (m.dry_run) {
		show_jobs(&m);
		free_jobs(&m);
		client_note(c, "mirror (dry run): %zu to transfer, %zu up to "
		    "date, %zu to remove", m.njobs, m.skipped, m.deleted);
		return m.failed > 0 ? m.worst : FC_OK;
	}
	run_jobs(&m);
	free_jobs(&m);
	if (!c->quiet)
		client_note(c, "mirror: %zu transferred, %zu up to date, "
		    "%zu removed, %zu failed", m.transferred, m.skipped,
		    m.deleted, m.failed);
	return m.failed > 0 ? m.worst : FC_OK;
}
