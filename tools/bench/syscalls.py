"""BENCH_STRACE=1: system calls per file of each server (issue 13).

After the timed small-files rows, each server is started once more and
`strace -c -f -p PID` attaches to it (and, with -f, to its threads and
every session process it forks); ftpbench then downloads and uploads the
small files as in the timed rows. strace is stopped with SIGINT (it
detaches and writes its summary), and the row is the total number of
calls / files, with the most frequent calls. The run is untimed: strace
slows every call down, and none of this touches the timed figures.
The count includes the one login and the session's end (a few dozen
calls, under 0.1 per file at 2,000 files).
"""
import os
import re
import signal
import subprocess
import time

from servers import BenchError

TOP = 6     # calls named per row


def parse(path):
    """{syscall: calls} from a strace -c summary."""
    calls = {}
    try:
        with open(path) as f:
            for line in f:
                m = re.match(r'\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$', line)
                if m and m.group(2) != 'total':
                    calls[m.group(2)] = calls.get(m.group(2), 0) + int(m.group(1))
    except OSError:
        pass
    return calls


def attach(server, out):
    """Starts strace on the server; returns it once it has attached (strace
    says "Process N attached", with all threads when there are several)."""
    p = subprocess.Popen(['strace', '-c', '-f', '-o', out, '-p', str(server.pid)],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    line = p.stderr.readline()
    if 'attached' not in line:
        p.kill()
        p.wait()
        raise BenchError('strace did not attach: %s' % line.strip())
    return p


def one(bench, server, fn, test):
    out = os.path.join(bench.ws.logs, 'strace-%s-%s.txt' % (test, server.name))
    server.start()
    try:
        st = attach(server, out)
        try:
            r = fn(server)
            time.sleep(0.3)         # let a forked session process end
        finally:
            st.send_signal(signal.SIGINT)
            st.wait(timeout=30)
    finally:
        server.stop()
    calls = parse(out)
    files = r['files']
    top = sorted(calls.items(), key=lambda kv: -kv[1])[:TOP]
    return {'files': files, 'calls': sum(calls.values()),
            'calls_per_file': sum(calls.values()) / files,
            'top': [[k, v / files] for k, v in top]}


def run(bench):
    """One strace row per small-files test and server, into bench.results."""
    if subprocess.run(['which', 'strace'], capture_output=True).returncode != 0:
        print('  strace: not installed; no calls-per-file rows', flush=True)
        return
    for test, fn in (('small_get', bench.t_small_get), ('small_put', bench.t_small_put)):
        for s in bench.servers:
            if s.why:
                continue
            try:
                v = one(bench, s, fn, test)
            except BenchError as e:
                v = str(e)
            bench.record('strace_' + test, s.name, v)
            print('  %-10s %-9s %s' % ('strace_' + test, s.name,
                                        v if isinstance(v, str) else
                                        'calls/file=%.1f' % v['calls_per_file']), flush=True)
