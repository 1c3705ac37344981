/*
 * uploadtmp.c: temporary upload files; see uploadtmp.h.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "uploadtmp.h"

int
uploadtmp_is_name(const char *name)
{
	return strncmp(name, UPLOADTMP_PREFIX, sizeof(UPLOADTMP_PREFIX) - 1) == 0;
}

/*
 * A per-thread generator for temporary names, seeded once from the
 * kernel (a getrandom call per upload was one system call in thirty of
 * a small upload). The name need not be secret: O_EXCL | O_NOFOLLOW
 * refuse a name someone planted, and the caller then tries another.
 */
static uint64_t
name_random(void)
{
	static __thread uint64_t state;
	uint64_t z;

	if (state == 0 && getrandom(&state, sizeof(state), 0) != sizeof(state))
		state = (uint64_t)getpid() ^ (uint64_t)(uintptr_t)&state;
	state += 0x9E3779B97F4A7C15ull;	/* splitmix64 */
	z = state;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* A hidden, unique name beside the target. */
static char *
make_name(const char *target)
{
	uint64_t r = name_random();
	char *name;

	if (asprintf(&name, UPLOADTMP_PREFIX "%016" PRIx64 ".%.64s", r,
	    target) < 0)
		return NULL;
	return name;
}

int
uploadtmp_create(int dirfd, const char *target, mode_t mode, char **name)
{
	struct stat st;
	int fd, tries, err;

	for (tries = 0; tries < 8; tries++) {
		if ((*name = make_name(target)) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		/* O_EXCL makes a new regular file: it cannot block (a
		 * FIFO), so no O_NONBLOCK to take off afterwards. */
		fd = openat(dirfd, *name, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd < 0)
			goto fail;
		/*
		 * Between the create and the lock a starting server's sweep
		 * may lock and remove the new file: then it has no link left,
		 * and we start over with another name.
		 */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 &&
		    st.st_nlink > 0)
			return fd;
		close(fd);
		(void)unlinkat(dirfd, *name, 0);
		free(*name);
		*name = NULL;
	}
	errno = EAGAIN;
	return -1;
fail:
	err = errno;
	free(*name);
	*name = NULL;
	errno = err;
	return -1;
}

/*
 * Removes dir's entry name if it is a regular file no one has locked and
 * the name still leads to the file we locked. Returns 1 if removed.
 */
static int
sweep_one(int dirfd, const char *name)
{
	struct stat st, again;
	int fd, removed = 0;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    fstatat(dirfd, name, &again, AT_SYMLINK_NOFOLLOW) == 0 &&
	    again.st_dev == st.st_dev && again.st_ino == st.st_ino &&
	    unlinkat(dirfd, name, 0) == 0)
		removed = 1;
	close(fd);	/* and with it the lock */
	return removed;
}

static unsigned long
sweep_dir(int fd0, const char *path, unsigned depth)
{
	unsigned long removed = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	if ((d = fdopendir(fd0)) == NULL) {
		close(fd0);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (uploadtmp_is_name(de->d_name)) {
			if (sweep_one(dirfd(d), de->d_name)) {
				log_msg("removed stale upload %s/%s", path,
				    de->d_name);
				removed++;
			}
			continue;
		}
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (depth >= UPLOADTMP_SWEEP_DEPTH)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0) {
			char sub[4096];

			if (snprintf(sub, sizeof(sub), "%s/%s", path,
			    de->d_name) >= (int)sizeof(sub))
				snprintf(sub, sizeof(sub), "%s/...", path);
			removed += sweep_dir(fd, sub, depth + 1);
		}
	}
	closedir(d);
	return removed;
}

unsigned long
uploadtmp_sweep(const char *root)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		log_msg("stale uploads: cannot open %s: %s", root,
		    strerror(errno));
		return 0;
	}
	return sweep_dir(fd, root, 0);
}

struct sweep_arg {
	int fd;
	char *root;
};

static void *
sweep_main(void *p)
{
	struct sweep_arg *a = p;
	unsigned long n = sweep_dir(a->fd, a->root, 0);

	log_msg("stale uploads: sweep of %s done, %lu removed", a->root, n);
	free(a->root);
	free(a);
	return NULL;
}

int
uploadtmp_sweep_start(const char *root)
{
	struct sweep_arg *a = calloc(1, sizeof(*a));
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	if (a == NULL || (a->root = strdup(root)) == NULL) {
		free(a);
		return -1;
	}
	if ((a->fd = open(root, O_RDONLY | O_DIRECTORY | O_NONBLOCK |
	    O_CLOEXEC)) < 0) {
		log_msg("stale uploads: cannot open %s: %s", root,
		    strerror(errno));
		free(a->root);
		free(a);
		return -1;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, sweep_main, a);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		/* No thread: sweep now rather than never. */
		(void)sweep_main(a);
	}
	return 0;
}
