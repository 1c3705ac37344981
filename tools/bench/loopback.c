/*
 * loopback: the loopback ceiling for the RETR row (tools/bench/README.md).
 *
 *   loopback --file PATH [--sendfile] [--buf BYTES]
 *
 * A sender process streams the file over a 127.0.0.1 TCP connection with
 * plain read(2)/write(2) through one buffer (or with sendfile(2)), and the
 * receiver drops the bytes exactly as ftpbench does (recv with MSG_TRUNC).
 * Prints one JSON line: bytes, seconds from accept to end of stream, and
 * the CPU seconds of sender ("server_cpu") and receiver ("client_cpu").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpustat.h"
#include "engine.h"

static int
sender(const struct sockaddr_in *a, const char *path, int use_sendfile,
    size_t bufsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char *buf = malloc(bufsz);
	struct stat st;

	if (fd < 0 || s < 0 || buf == NULL || fstat(fd, &st) < 0 ||
	    connect(s, (const struct sockaddr *)a, sizeof(*a)) < 0) {
		perror("loopback: sender");
		return 1;
	}
	if (use_sendfile) {
		off_t off = 0;

		while (off < st.st_size)
			if (sendfile(s, fd, &off, (size_t)(st.st_size - off)) <= 0) {
				perror("loopback: sendfile");
				return 1;
			}
	} else {
		ssize_t n;

		while ((n = read(fd, buf, bufsz)) > 0) {
			char *p = buf;

			while (n > 0) {
				ssize_t w = write(s, p, (size_t)n);

				if (w <= 0) {
					perror("loopback: write");
					return 1;
				}
				p += w;
				n -= w;
			}
		}
		if (n < 0) {
			perror("loopback: read");
			return 1;
		}
	}
	close(s);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "sendfile", no_argument, NULL, 's' },
		{ "buf", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	int use_sendfile = 0, c, lfd, cfd, status;
	size_t bufsz = 128 * 1024;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	unsigned long long bytes = 0;
	double t0, t1, c0, c1, sender_cpu;
	struct rusage ru;
	pid_t pid;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': path = optarg; break;
		case 's': use_sendfile = 1; break;
		case 'b': bufsz = strtoul(optarg, NULL, 10); break;
		default: path = NULL; argc = 0; break;
		}
	}
	if (path == NULL || bufsz == 0) {
		fprintf(stderr, "usage: loopback --file PATH [--sendfile] [--buf BYTES]\n");
		return 2;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) < 0) {
		perror("loopback: listen");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("loopback: fork");
		return 1;
	}
	if (pid == 0)
		_exit(sender(&a, path, use_sendfile, bufsz));
	cfd = accept(lfd, NULL, NULL);
	if (cfd < 0) {
		perror("loopback: accept");
		kill(pid, SIGTERM);
		return 1;
	}
	t0 = now_s();
	c0 = cpustat_self();
	for (;;) {
		ssize_t n = recv(cfd, NULL, 1 << 30, MSG_TRUNC);

		if (n > 0) {
			bytes += (unsigned long long)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			perror("loopback: recv");
		break;
	}
	t1 = now_s();
	c1 = cpustat_self();
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "loopback: the sender failed\n");
		return 1;
	}
	sender_cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("{\"mode\":\"loopback\",\"sender\":\"%s\",\"buf\":%zu,"
	    "\"bytes\":%llu,\"mbps\":%.3f,\"seconds\":%.6f,\"client_cpu\":%.4f,"
	    "\"server_cpu\":%.4f}\n", use_sendfile ? "sendfile" : "read/write",
	    bufsz, bytes, (double)bytes / (t1 - t0) / 1e6, t1 - t0, c1 - c0,
	    sender_cpu);
	return 0;
}
