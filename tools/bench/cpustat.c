/*
 * cpustat.c: CPU time of client and server; see cpustat.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cpustat.h"

double
cpustat_self(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return -1;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

struct proc {
	pid_t pid, ppid;
	unsigned long long ticks;	/* utime + stime + cutime + cstime */
};

/* Reads pid, ppid and the four time fields of /proc/<name>/stat. */
static int
read_stat(const char *name, struct proc *p)
{
	char path[64], line[1024], *rp;
	unsigned long long f[4];
	int ppid;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%s/stat", name);
	fp = fopen(path, "re");
	if (fp == NULL)
		return -1;
	rp = fgets(line, sizeof(line), fp);
	fclose(fp);
	/* The command name may hold spaces and parentheses: skip to the last ')'. */
	if (rp == NULL || (rp = strrchr(line, ')')) == NULL)
		return -1;
	if (sscanf(rp + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu %llu %llu", &ppid, &f[0], &f[1], &f[2], &f[3]) != 5)
		return -1;
	p->pid = (pid_t)atoi(name);
	p->ppid = ppid;
	p->ticks = f[0] + f[1] + f[2] + f[3];
	return 0;
}

static int
by_pid(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static double
tree_seconds(pid_t root)
{
	struct proc *ps = NULL;
	size_t n = 0, cap = 0, i;
	unsigned long long ticks = 0;
	char *in;
	int grew = 1;
	struct dirent *de;
	DIR *d = opendir("/proc");

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (n == cap) {
			struct proc *np = realloc(ps, (cap = cap ? cap * 2 : 1024) *
			    sizeof(*ps));
			if (np == NULL)
				break;
			ps = np;
		}
		if (read_stat(de->d_name, &ps[n]) == 0)
			n++;
	}
	closedir(d);
	/*
	 * Mark the tree: sorted by pid, each process finds its parent by
	 * binary search, and passes repeat until no process joins (a
	 * server's tree is two or three levels deep).
	 */
	qsort(ps, n, sizeof(*ps), by_pid);
	in = calloc(n ? n : 1, 1);
	for (i = 0; i < n && in != NULL; i++)
		in[i] = ps[i].pid == root;
	while (grew && in != NULL) {
		grew = 0;
		for (i = 0; i < n; i++) {
			struct proc key = { .pid = ps[i].ppid }, *par;

			if (in[i])
				continue;
			par = bsearch(&key, ps, n, sizeof(*ps), by_pid);
			if (par != NULL && in[par - ps])
				in[i] = grew = 1;
		}
	}
	for (i = 0; i < n && in != NULL; i++)
		if (in[i])
			ticks += ps[i].ticks;
	free(in);
	free(ps);
	return (double)ticks / (double)sysconf(_SC_CLK_TCK);
}

double
cpustat_server(const char *cg_usage, pid_t pid)
{
	if (cg_usage != NULL && cg_usage[0] != '\0') {
		unsigned long long ns;
		FILE *fp = fopen(cg_usage, "re");
		int ok;

		if (fp != NULL) {
			ok = fscanf(fp, "%llu", &ns) == 1;
			fclose(fp);
			if (ok)
				return (double)ns / 1e9;
		}
	}
	if (pid > 0)
		return tree_seconds(pid);
	return -1;
}
