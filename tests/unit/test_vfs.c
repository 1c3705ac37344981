/*
 * test_vfs.c: confinement by the kernel. A temporary tree holds a home
 * with symlinks that stay inside and symlinks that lead out (absolute,
 * relative through "..", to a file and to a folder); vfs_open,
 * vfs_open_parent and vfs_stat must refuse every way out, even for paths
 * that never went through vpath_resolve, and allow the links inside.
 *
 *   BASE/outside.txt         "outside"
 *   BASE/outdir/             a folder outside the home
 *   BASE/home/               the home (rootfd)
 *     file.txt               "inside"
 *     dir/inner.txt          "inner"
 *     dir/sub/
 *     in-file -> file.txt    relative, inside
 *     in-dir -> dir          relative, inside
 *     dir/up-in -> ../file.txt   climbs, but stays inside
 *     abs-dir -> /etc        absolute
 *     abs-file -> /etc/passwd
 *     abs-self -> BASE/home/file.txt   absolute, even though inside
 *     out-file -> ../outside.txt
 *     out-dir -> ../outdir
 *     dir/out-deep -> ../../outside.txt
 *     dotdot -> ..
 *     loop -> loop
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "tmptree.h"
#include "vfs.h"

static char base[64];
static int rootfd = -1;

static int
setup(void)
{
	char abs_self[TMPTREE_PATH_MAX];

	tmptree_create(base, sizeof(base), "ftpd-vfs-test");
	tmptree_put(base, "outside.txt", "outside");
	tmptree_mkdir(base, "outdir");
	tmptree_mkdir(base, "home");
	tmptree_put(base, "home/file.txt", "inside");
	tmptree_mkdir(base, "home/dir");
	tmptree_put(base, "home/dir/inner.txt", "inner");
	tmptree_mkdir(base, "home/dir/sub");
	tmptree_symlink(base, "file.txt", "home/in-file");
	tmptree_symlink(base, "dir", "home/in-dir");
	tmptree_symlink(base, "../file.txt", "home/dir/up-in");
	tmptree_symlink(base, "/etc", "home/abs-dir");
	tmptree_symlink(base, "/etc/passwd", "home/abs-file");
	snprintf(abs_self, sizeof(abs_self), "%s",
	    tmptree_path(base, "home/file.txt"));
	tmptree_symlink(base, abs_self, "home/abs-self");
	tmptree_symlink(base, "../outside.txt", "home/out-file");
	tmptree_symlink(base, "../outdir", "home/out-dir");
	tmptree_symlink(base, "../../outside.txt", "home/dir/out-deep");
	tmptree_symlink(base, "..", "home/dotdot");
	tmptree_symlink(base, "loop", "home/loop");
	rootfd = open(tmptree_path(base, "home"), O_PATH | O_DIRECTORY |
	    O_CLOEXEC);
	return rootfd >= 0 ? 0 : -1;
}

static int
teardown(void)
{
	if (rootfd >= 0)
		close(rootfd);
	tmptree_remove(base);
	return 0;
}

/* Opens vpath for reading and returns what the file holds ("" on error). */
static const char *
read_via(const char *vpath)
{
	static char text[64];
	int fd = vfs_open(rootfd, vpath, O_RDONLY, 0);
	ssize_t n;

	text[0] = '\0';
	CU_ASSERT(fd >= 0);
	if (fd < 0) {
		fprintf(stderr, "\n  vfs_open(%s): %s\n", vpath, strerror(errno));
		return text;
	}
	n = read(fd, text, sizeof(text) - 1);
	text[n > 0 ? n : 0] = '\0';
	close(fd);
	return text;
}

/* Expects vfs_open(vpath, flags) to fail with one of the escape errors. */
static void
refused(const char *vpath, int flags)
{
	int fd;

	errno = 0;
	fd = vfs_open(rootfd, vpath, flags, 0644);
	CU_ASSERT_EQUAL(fd, -1);
	if (fd >= 0) {
		fprintf(stderr, "\n  vfs_open(%s) was allowed\n", vpath);
		close(fd);
		return;
	}
	/* EXDEV: resolution left the home; ELOOP: a loop or a magic link. */
	CU_ASSERT_TRUE(errno == EXDEV || errno == ELOOP);
	if (errno != EXDEV && errno != ELOOP)
		fprintf(stderr, "\n  vfs_open(%s): %s, want EXDEV\n", vpath,
		    strerror(errno));
}

static void
test_available(void)
{
	/* Debian 12 runs Linux 6.1: openat2 is there. */
	CU_ASSERT_TRUE(vfs_available());
}

static void
test_plain_paths(void)
{
	struct stat st;
	int fd;

	CU_ASSERT_STRING_EQUAL(read_via("/file.txt"), "inside");
	CU_ASSERT_STRING_EQUAL(read_via("/dir/inner.txt"), "inner");
	fd = vfs_open(rootfd, "/", O_RDONLY | O_DIRECTORY, 0);
	CU_ASSERT(fd >= 0);
	if (fd >= 0) {
		CU_ASSERT_EQUAL(fstat(fd, &st), 0);
		CU_ASSERT_TRUE(S_ISDIR(st.st_mode));
		close(fd);
	}
	/* A mode is ignored without O_CREAT (O_DIRECTORY is part of O_TMPFILE). */
	fd = vfs_open(rootfd, "/dir", O_RDONLY | O_DIRECTORY, 0755);
	CU_ASSERT(fd >= 0);
	if (fd >= 0)
		close(fd);
	errno = 0;
	CU_ASSERT_EQUAL(vfs_open(rootfd, "/missing", O_RDONLY, 0), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	/* The descriptor is close-on-exec. */
	fd = vfs_open(rootfd, "/file.txt", O_RDONLY, 0);
	CU_ASSERT(fd >= 0);
	if (fd >= 0) {
		CU_ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	}
}

static void
test_dotdot_refused(void)
{
	/* Not canonical: vpath_resolve would never produce these. */
	refused("/../outside.txt", O_RDONLY);
	refused("../outside.txt", O_RDONLY);
	refused("/dir/../../outside.txt", O_RDONLY);
	refused("/dir/sub/../../../outside.txt", O_RDONLY);
	refused("/..", O_RDONLY | O_DIRECTORY);
	refused("/../home/file.txt", O_RDONLY);
}

static void
test_absolute_symlinks_refused(void)
{
	refused("/abs-dir", O_PATH);
	refused("/abs-dir/passwd", O_RDONLY);
	refused("/abs-file", O_RDONLY);
	/* Absolute means outside, even when the target is in the home. */
	refused("/abs-self", O_RDONLY);
}

static void
test_relative_symlinks_out_refused(void)
{
	refused("/out-file", O_RDONLY);
	refused("/out-dir", O_RDONLY | O_DIRECTORY);
	refused("/dir/out-deep", O_RDONLY);
	refused("/dotdot", O_PATH);
	refused("/dotdot/outside.txt", O_RDONLY);
	refused("/dotdot/home/file.txt", O_RDONLY);
	refused("/in-dir/out-deep", O_RDONLY);
}

static void
test_create_through_link_refused(void)
{
	refused("/out-dir/planted", O_WRONLY | O_CREAT | O_EXCL);
	refused("/dotdot/planted", O_WRONLY | O_CREAT);
	refused("/out-file", O_WRONLY | O_TRUNC);
	refused("/out-file", O_WRONLY | O_APPEND);
	CU_ASSERT_EQUAL(access(tmptree_path(base, "outdir/planted"), F_OK), -1);
	CU_ASSERT_EQUAL(access(tmptree_path(base, "planted"), F_OK), -1);
	/* outside.txt kept its bytes. */
	{
		char text[16] = "";
		FILE *f;

		f = fopen(tmptree_path(base, "outside.txt"), "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_PTR_NOT_NULL(fgets(text, sizeof(text), f));
		fclose(f);
		CU_ASSERT_STRING_EQUAL(text, "outside");
	}
}

static void
test_loop(void)
{
	errno = 0;
	CU_ASSERT_EQUAL(vfs_open(rootfd, "/loop", O_RDONLY, 0), -1);
	CU_ASSERT_EQUAL(errno, ELOOP);
}

static void
test_inside_symlinks_allowed(void)
{
	CU_ASSERT_STRING_EQUAL(read_via("/in-file"), "inside");
	CU_ASSERT_STRING_EQUAL(read_via("/in-dir/inner.txt"), "inner");
	CU_ASSERT_STRING_EQUAL(read_via("/dir/up-in"), "inside");
	CU_ASSERT_STRING_EQUAL(read_via("/in-dir/up-in"), "inside");
}

static void
test_open_parent(void)
{
	const char *name = NULL;
	struct stat st;
	int fd;

	fd = vfs_open_parent(rootfd, "/dir/inner.txt", &name);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_STRING_EQUAL(name, "inner.txt");
	CU_ASSERT_EQUAL(fstatat(fd, name, &st, 0), 0);
	CU_ASSERT_EQUAL(st.st_size, 5);
	close(fd);
	/* A top-level name: the parent is the home itself. */
	fd = vfs_open_parent(rootfd, "/file.txt", &name);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_STRING_EQUAL(name, "file.txt");
	CU_ASSERT_EQUAL(fstatat(fd, "dir/inner.txt", &st, 0), 0);
	close(fd);
	/* The last component may be a new name. */
	fd = vfs_open_parent(rootfd, "/dir/sub/new-file", &name);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_STRING_EQUAL(name, "new-file");
	close(fd);
	/* Through a link inside. */
	fd = vfs_open_parent(rootfd, "/in-dir/inner.txt", &name);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(fstatat(fd, name, &st, 0), 0);
	close(fd);
}

static void
test_open_parent_refused(void)
{
	const char *name;

	errno = 0;
	CU_ASSERT_EQUAL(vfs_open_parent(rootfd, "/", &name), -1);
	CU_ASSERT_EQUAL(errno, EPERM);
	static const char *out[] = {
		"/abs-dir/passwd", "/out-dir/planted", "/dotdot/outside.txt",
		"/../outside.txt", "/dir/../../outside.txt", "/abs-dir/x/y",
	};
	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		int fd;

		errno = 0;
		fd = vfs_open_parent(rootfd, out[i], &name);
		CU_ASSERT_EQUAL(fd, -1);
		if (fd >= 0) {
			fprintf(stderr, "\n  vfs_open_parent(%s) was allowed\n",
			    out[i]);
			close(fd);
		} else
			CU_ASSERT_EQUAL(errno, EXDEV);
	}
	errno = 0;
	CU_ASSERT_EQUAL(vfs_open_parent(rootfd, "/missing/x", &name), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
}

static void
test_open_parent_of_outward_link(void)
{
	const char *name;
	struct stat st;
	int fd;

	/*
	 * A link that leads out is itself inside: its parent opens, and *at()
	 * calls without following (DELE, RNFR) act on the link, not the target.
	 */
	fd = vfs_open_parent(rootfd, "/out-file", &name);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_STRING_EQUAL(name, "out-file");
	CU_ASSERT_EQUAL(fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
	CU_ASSERT_TRUE(S_ISLNK(st.st_mode));
	close(fd);
}

static void
test_stat(void)
{
	struct stat st;

	CU_ASSERT_EQUAL(vfs_stat(rootfd, "/file.txt", &st), 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
	CU_ASSERT_EQUAL(st.st_size, 6);
	CU_ASSERT_EQUAL(vfs_stat(rootfd, "/", &st), 0);
	CU_ASSERT_TRUE(S_ISDIR(st.st_mode));
	/* Links inside are followed. */
	CU_ASSERT_EQUAL(vfs_stat(rootfd, "/in-file", &st), 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
	CU_ASSERT_EQUAL(st.st_size, 6);
	CU_ASSERT_EQUAL(vfs_stat(rootfd, "/in-dir", &st), 0);
	CU_ASSERT_TRUE(S_ISDIR(st.st_mode));
	CU_ASSERT_EQUAL(vfs_stat(rootfd, "/dir/up-in", &st), 0);
	CU_ASSERT_EQUAL(st.st_size, 6);
	errno = 0;
	CU_ASSERT_EQUAL(vfs_stat(rootfd, "/missing", &st), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
}

static void
test_stat_refused(void)
{
	static const char *out[] = {
		"/abs-dir", "/abs-dir/passwd", "/abs-file", "/abs-self",
		"/out-file", "/out-dir", "/dir/out-deep", "/dotdot",
		"/../outside.txt", "/dir/../../outside.txt",
	};
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		errno = 0;
		CU_ASSERT_EQUAL(vfs_stat(rootfd, out[i], &st), -1);
		CU_ASSERT_EQUAL(errno, EXDEV);
		if (errno != EXDEV)
			fprintf(stderr, "\n  vfs_stat(%s): %s\n", out[i],
			    strerror(errno));
	}
}

static void
test_proc_magic_link(void)
{
	int fd;

	/* A link into /proc: absolute, so refused before magic comes in. */
	tmptree_symlink(base, "/proc/self/root", "home/proc-root");
	refused("/proc-root", O_PATH);
	refused("/proc-root/etc/passwd", O_RDONLY);
	/* And a home that is a /proc fd directory cannot be walked out of. */
	fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		char rel[32];
		int got;

		snprintf(rel, sizeof(rel), "/%d", rootfd);
		got = vfs_open(fd, rel, O_PATH, 0);
		CU_ASSERT_EQUAL(got, -1);
		if (got >= 0)
			close(got);
		close(fd);
	}
	unlink(tmptree_path(base, "home/proc-root"));
}

void
suite_register(void)
{
	ADD_SUITE("vfs", setup, teardown,
	    TEST(test_available),
	    TEST(test_plain_paths),
	    TEST(test_dotdot_refused),
	    TEST(test_absolute_symlinks_refused),
	    TEST(test_relative_symlinks_out_refused),
	    TEST(test_create_through_link_refused),
	    TEST(test_loop),
	    TEST(test_inside_symlinks_allowed),
	    TEST(test_open_parent),
	    TEST(test_open_parent_refused),
	    TEST(test_open_parent_of_outward_link),
	    TEST(test_stat),
	    TEST(test_stat_refused),
	    TEST(test_proc_magic_link));
}
