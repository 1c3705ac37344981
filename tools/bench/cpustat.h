/*
 * cpustat: CPU time of the benchmark client itself and of the server
 * under test, so that every row can show who used how much CPU.
 */
#ifndef BENCH_CPUSTAT_H
#define BENCH_CPUSTAT_H

#include <sys/types.h>

/* User plus system seconds of this process (all its threads). */
double cpustat_self(void);

/*
 * User plus system seconds of the server. With cg_usage (a cgroup v1
 * cpuacct.usage file holding only the server) that counter is read, which
 * also counts session processes that have exited; otherwise the live
 * process tree under pid is summed, each process with its reaped
 * children. Returns -1 when neither can be read.
 */
double cpustat_server(const char *cg_usage, pid_t pid);

#endif
