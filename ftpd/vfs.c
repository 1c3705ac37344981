/*
 * vfs.c: confined path resolution with openat2; see vfs.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uploadtmp.h"
#include "vfs.h"
#include "vpath.h"

static int
openat2_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(flags | O_CLOEXEC);
	/*
	 * openat2 refuses a mode without O_CREAT or O_TMPFILE, and O_TMPFILE
	 * includes the O_DIRECTORY bit: test for all of its bits.
	 */
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		how.mode = mode;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	do
		fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	return (int)fd;
}

int
vfs_reserved(const char *vpath)
{
	const char *p = vpath;

	while (p != NULL && *p != '\0') {
		while (*p == '/')
			p++;
		if (uploadtmp_is_name(p))
			return 1;
		p = strchr(p, '/');
	}
	return 0;
}

int
vfs_open(int rootfd, const char *vpath, int flags, mode_t mode)
{
	if (vfs_reserved(vpath)) {
		errno = ENOENT;
		return -1;
	}
	/* openat2 refuses O_PATH with any flag it ignores. */
	if (!(flags & O_PATH))
		flags |= O_NONBLOCK;
	return openat2_beneath(rootfd, vpath_relative(vpath), flags, mode);
}

int
vfs_open_parent(int rootfd, const char *vpath, const char **name)
{
	char parent[VPATH_MAX];
	const char *slash = strrchr(vpath, '/');
	size_t n;

	if (slash == NULL || slash[1] == '\0') {
		errno = EPERM;
		return -1;
	}
	if (vfs_reserved(vpath)) {
		errno = ENOENT;
		return -1;
	}
	n = (size_t)(slash - vpath);
	if (n >= sizeof(parent)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(parent, vpath, n);
	parent[n] = '\0';
	*name = slash + 1;
	return openat2_beneath(rootfd, vpath_relative(parent),
	    O_PATH | O_DIRECTORY, 0);
}

int
vfs_stat(int rootfd, const char *vpath, struct stat *st)
{
	int fd = vfs_open(rootfd, vpath, O_PATH, 0);
	int rc, saved;

	if (fd < 0)
		return -1;
	rc = fstat(fd, st);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
vfs_available(void)
{
	int fd = openat2_beneath(AT_FDCWD, ".", O_PATH, 0);

	if (fd < 0)
		return errno != ENOSYS;
	close(fd);
	return 1;
}
