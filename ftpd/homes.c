/*
 * homes.c: shared home descriptors; see homes.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "homes.h"
#include "vfs.h"
#include "worker.h"

struct home {
	struct home *next;
	char *path;
	int fd;
	unsigned long refs;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct home *homes;

int
homes_open(const char *path)
{
	struct home *h;
	int fd = -1;

	pthread_mutex_lock(&lock);
	for (h = homes; h != NULL; h = h->next)
		if (strcmp(h->path, path) == 0)
			break;
	if (h != NULL) {
		h->refs++;
		fd = h->fd;
		goto out;
	}
	fd = vfs_open(server_root_fd, path, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		goto out;
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->path = strdup(path)) == NULL) {
		free(h);
		close(fd);
		fd = -1;
		errno = ENOMEM;
		goto out;
	}
	h->fd = fd;
	h->refs = 1;
	h->next = homes;
	homes = h;
out:
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
			free(h->path);
			free(h);
		}
		break;
	}
	pthread_mutex_unlock(&lock);
}
