/*
 * homes.c: homes resolved at each login, shared by folder; see homes.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "homes.h"
#include "log.h"
#include "vfs.h"

struct home {
	struct home *next;
	dev_t dev;
	ino_t ino;
	int fd;
	unsigned long refs;
};

/* One host's root; see homes.h. */
struct homes {
	char *root_path;
	int startup_root_fd;	/* only for a root the run_as user cannot reach */
	int warned;
};

/* The shared descriptors, by folder, for every host. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct home *homes;

struct homes *
homes_new(const char *root, char *err, size_t errsz)
{
	struct homes *h = calloc(1, sizeof(*h));
	char cwd[4096];

	if (h == NULL) {
		snprintf(err, errsz, "root %s: %s", root, strerror(errno));
		return NULL;
	}
	h->startup_root_fd = -1;
	if (root[0] == '/')
		h->root_path = strdup(root);
	else if (getcwd(cwd, sizeof(cwd)) != NULL &&
	    asprintf(&h->root_path, "%s/%s", cwd, root) < 0)
		h->root_path = NULL;
	if (h->root_path == NULL) {
		snprintf(err, errsz, "root %s: %s", root, strerror(errno));
		free(h);
		return NULL;
	}
	h->startup_root_fd = open(h->root_path, O_PATH | O_DIRECTORY |
	    O_CLOEXEC);
	if (h->startup_root_fd < 0) {
		snprintf(err, errsz, "root %s: %s", h->root_path,
		    strerror(errno));
		homes_free(h);
		return NULL;
	}
	return h;
}

void
homes_free(struct homes *h)
{
	if (h == NULL)
		return;
	free(h->root_path);
	if (h->startup_root_fd >= 0)
		close(h->startup_root_fd);
	free(h);
}

int
homes_root(const struct homes *h)
{
	return h != NULL ? h->startup_root_fd : -1;
}

/* Opens home beneath the root as the root's path names it right now. */
static int
open_fresh(struct homes *h, const char *home)
{
	int rootfd, fd, err;

	if (h == NULL || h->root_path == NULL) {
		errno = ENOENT;
		return -1;
	}
	rootfd = open(h->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 && errno == EACCES && h->startup_root_fd >= 0) {
		/*
		 * A folder above the root is closed to the run_as user: keep
		 * serving the root opened at startup rather than nothing.
		 */
		if (!__atomic_exchange_n(&h->warned, 1, __ATOMIC_RELAXED))
			log_msg("root %s: %s after dropping root; serving the "
			    "folder opened at startup, so a replaced root is "
			    "seen only after a restart", h->root_path,
			    strerror(EACCES));
		return vfs_open(h->startup_root_fd, home, O_PATH |
		    O_DIRECTORY, 0);
	}
	if (rootfd < 0)
		return -1;
	fd = vfs_open(rootfd, home, O_PATH | O_DIRECTORY, 0);
	err = errno;
	close(rootfd);
	errno = err;
	return fd;
}

int
homes_enter(struct homes *hs, const char *path)
{
	struct home *h;
	struct stat st;
	int fd = open_fresh(hs, path);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	/*
	 * A held descriptor keeps its inode alive, so the same device and
	 * inode means the same folder, never a reused number.
	 */
	pthread_mutex_lock(&lock);
	for (h = homes; h != NULL; h = h->next)
		if (h->dev == st.st_dev && h->ino == st.st_ino)
			break;
	if (h != NULL) {
		h->refs++;
		close(fd);
		fd = h->fd;
	} else if ((h = calloc(1, sizeof(*h))) == NULL) {
		close(fd);
		fd = -1;
		errno = ENOMEM;
	} else {
		h->dev = st.st_dev;
		h->ino = st.st_ino;
		h->fd = fd;
		h->refs = 1;
		h->next = homes;
		homes = h;
	}
	pthread_mutex_unlock(&lock);
	return fd;
}

void
homes_release(int fd)
{
	struct home **pp, *h;

	pthread_mutex_lock(&lock);
	for (pp = &homes; (h = *pp) != NULL; pp = &h->next) {
		if (h->fd != fd)
			continue;
		if (--h->refs == 0) {
			*pp = h->next;
			close(h->fd);
			free(h);
		}
		break;
	}
	pthread_mutex_unlock(&lock);
}
