"""The small-files rows with the clients users run: Python's ftplib and curl.

ftpbench drives its sessions from one epoll loop and drops downloads in
the kernel, so it costs the machine little and the rows measure the
server. A user's client costs more per file (a Python interpreter, a
curl transfer with its own setup), and on a machine with two cores that
cost competes with the server for CPU and adds to each round trip.
These rows show the rate such a user sees, beside the server's CPU per
file (tools/bench/README.md, "Small files and the client").

- ftplib (BENCH_TESTS=clients, in the default set): pyclient.py, one
  session, TYPE I + PASV + RETR/STOR per file as ftplib sends them
  (timed after login, like ftpbench).
- curl (BENCH_TESTS=curl, only by name): one curl process for all files,
  with a URL range (`ftp://.../small/f[0000-1999]`, `-T 'f[0000-1999]'`),
  which reuses one control connection; timed over the whole process,
  login included. Debian 12's curl 7.88.1 sometimes waits a second
  after EPSV when the reply came in before it polled, which a fast
  server triggers more often: the row measures that more than the server.
"""
import json
import os
import resource
import subprocess
import sys
import time

from servers import BenchError, PASSWORD

HERE = os.path.dirname(os.path.abspath(__file__))


def server_cpu(server):
    if not server.cpu_file:
        return -1.0
    with open(server.cpu_file) as f:
        return int(f.read()) / 1e9


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def clear(s, prefix):
    """Removes the server's earlier uploads of that name, so the count is this run's."""
    up = os.path.join(s.ws.home, s.upload)
    for f in os.listdir(up):
        if f.startswith(prefix):
            os.unlink(os.path.join(up, f))


def ftplib_run(bench, s, mode):
    n = bench.cfg.small_files
    name = 'small/f%04u' if mode == 'get' else '%s/p%%04u' % s.upload
    argv = [sys.executable, os.path.join(HERE, 'pyclient.py'), mode, '--port', str(s.port),
            '--user', s.user, '--pass', PASSWORD, '--name', name, '--count', str(n),
            '--server-cg', s.cpu_file or '']
    if mode == 'put':
        clear(s, 'p')
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise BenchError('ftplib client timed out' + bench.died(s))
    if r.returncode != 0:
        raise BenchError('ftplib: %s%s' % ((r.stderr.strip().splitlines() or ['failed'])[-1],
                                           bench.died(s)))
    return json.loads(r.stdout.strip().splitlines()[-1])


def curl_run(bench, s, mode):
    n = bench.cfg.small_files
    last = '%04u' % (n - 1)
    base = 'ftp://%s:%s@127.0.0.1:%d/' % (s.user, PASSWORD, s.port)
    if mode == 'get':
        argv = ['curl', '-sS', base + 'small/f[0000-%s]' % last]
    else:
        clear(s, 'f')
        src = os.path.join(bench.ws.home, 'small', 'f[0000-%s]' % last)
        argv = ['curl', '-sS', '-T', src, base + s.upload + '/']
    c0, s0, t0 = children_cpu(), server_cpu(s), time.monotonic()
    try:
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise BenchError('curl timed out' + bench.died(s))
    t1, s1, c1 = time.monotonic(), server_cpu(s), children_cpu()
    if r.returncode != 0:
        raise BenchError('curl exit %d: %s%s' % (r.returncode, r.stderr.strip()[:200],
                                                  bench.died(s)))
    if mode == 'put':
        up = os.path.join(s.ws.home, s.upload)
        got = len([f for f in os.listdir(up) if f.startswith('f')])
        if got < n:
            raise BenchError('curl stored %d of %d files' % (got, n))
    return {'mode': mode, 'client': 'curl', 'files': n, 'bytes': n * 4096,
            'files_per_s': n / (t1 - t0), 'seconds': t1 - t0, 'client_cpu': c1 - c0,
            'server_cpu': s1 - s0 if s0 >= 0 else -1.0}


def tests(bench, wanted):
    """(test name, function) of the rows wanted ('clients': ftplib,
    'curl': curl), in running order."""
    rows = []
    if 'clients' in wanted:
        rows += [('small_get_ftplib', lambda s: ftplib_run(bench, s, 'get')),
                 ('small_put_ftplib', lambda s: ftplib_run(bench, s, 'put'))]
    if 'curl' in wanted:
        rows += [('small_get_curl', lambda s: curl_run(bench, s, 'get')),
                 ('small_put_curl', lambda s: curl_run(bench, s, 'put'))]
    return rows
