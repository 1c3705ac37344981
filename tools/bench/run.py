#!/usr/bin/python3
"""`scons bench`: measures ftpd (and vsftpd, pure-ftpd) on loopback.

Usage (scons passes the paths):
  run.py --ftpd BIN --ftpbench BIN --loopback BIN --out FILE [--peers 0|1]

Environment (see tools/bench/README.md):
  BENCH_QUICK=1           smaller sizes and counts, about 1-2 minutes
  BENCH_REPS=N            repetitions per figure (default 3)
  BENCH_BIG_MIB, BENCH_SMALL_FILES, BENCH_LOGIN_SECONDS, BENCH_IDLE (list),
  BENCH_PEER_IDLE_MAX, BENCH_MULTI_CLIENTS, BENCH_MULTI_MIB
  BENCH_SERVERS=ftpd,vsftpd  only these servers
  BENCH_TESTS=retr,idle   only these tests (see TESTS below; `plain` and
                          `ftps` name the two groups)
  BENCH_TLS=13-rsa,12-ecdsa  FTPS combinations (TLS version-key type) of
                          the 1 GiB and login rows; BENCH_TLS_MAIN: the
                          one of the other FTPS rows
  BENCH_STRACE=1          one more, untimed small-files run per server
                          under strace -c -f: system calls per file

For each test, each repetition runs every server once, in rotated order
(A B C, B C A, ...), each on a freshly started server, so that drift of
a shared machine hits all of them; the table gives the median and the
min-max of the repetitions.
"""
import argparse
import datetime
import json
import os
import platform
import re
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import report                                    # noqa: E402
import otherclients                              # noqa: E402
import syscalls                                  # noqa: E402
from peers import PureFtpd, Vsftpd               # noqa: E402
from servers import (BenchError, Cgroups, Ftpd, PASSWORD,  # noqa: E402
                     TlsSetup, Workspace, raise_nofile, tail)

def last_error(path):
    """The last log line that reports a failure, without its time stamp."""
    found = ''
    try:
        with open(path, errors='replace') as f:
            for line in f:
                if re.search(r'fail|error|refus|too many|denied|cannot', line, re.I):
                    found = line.strip()
    except OSError:
        pass
    return found.split(': ', 1)[-1] if found else ''


PLAIN = ['ceiling', 'retr', 'stor', 'small', 'clients', 'logins', 'idle', 'multi']
FTPS = ['ftps_retr', 'ftps_stor', 'ftps_small', 'ftps_logins', 'ftps_idle', 'ftps_multi']
TESTS = PLAIN + FTPS
# Asked for by name only: Debian 12's curl stalls for a second on some
# files at random (tools/bench/README.md, "Small files and the client").
EXTRA = ['curl']
GROUPS = {'plain': PLAIN, 'ftps': FTPS}


class Config:
    def __init__(self, env, peers):
        quick = env.get('BENCH_QUICK', '') not in ('', '0')

        def num(key, full, short, kind=int):
            return kind(env.get(key, short if quick else full))

        self.quick = quick
        self.reps = num('BENCH_REPS', 3, 3)
        self.big_mib = num('BENCH_BIG_MIB', 1024, 256)
        self.small_files = num('BENCH_SMALL_FILES', 2000, 500)
        self.login_seconds = num('BENCH_LOGIN_SECONDS', 3, 1, float)
        self.login_clients = 20
        self.idle = [int(x) for x in
                     env.get('BENCH_IDLE', '200,1000' if quick else '1000,10000').split(',')]
        # Forking servers log in at some 30/s on this kind of machine: 10,000
        # sessions would take minutes per run, and their cost per session
        # does not depend on N. Peers stop at this N.
        self.peer_idle_max = num('BENCH_PEER_IDLE_MAX', 1000, 200)
        self.multi_clients = num('BENCH_MULTI_CLIENTS', 100, 50)
        self.multi_mib = num('BENCH_MULTI_MIB', 10, 4)
        self.servers = env.get('BENCH_SERVERS', '').split(',') if env.get('BENCH_SERVERS') \
            else None
        self.tests = []
        for t in env.get('BENCH_TESTS', '').split(',') if env.get('BENCH_TESTS') else TESTS:
            self.tests += GROUPS.get(t, [t])
        unknown = [t for t in self.tests if t not in TESTS + EXTRA]
        if unknown:
            raise BenchError('BENCH_TESTS: unknown %s (known: %s, plain, ftps)'
                             % (','.join(unknown), ' '.join(TESTS + EXTRA)))
        # The 1 GiB and login rows run in every combination; the others,
        # whose cost is per file or per session, in the main one.
        self.tls = env.get('BENCH_TLS', '13-rsa,12-ecdsa' if quick else
                           '13-rsa,13-ecdsa,12-rsa,12-ecdsa').split(',')
        self.tls_main = env.get('BENCH_TLS_MAIN', '13-rsa')
        self.strace = env.get('BENCH_STRACE', '') not in ('', '0')
        self.peers = peers

    def as_dict(self):
        return {k: v for k, v in vars(self).items()}


class Bench:
    def __init__(self, args, cfg):
        self.args = args
        self.cfg = cfg
        self.results = {}           # test -> server -> [rep dict or error text]
        self.log = []

    # -- clients -------------------------------------------------------------

    def client_argv(self, server, mode, *extra):
        argv = [self.args.ftpbench, mode, '--port', str(server.port), '--user',
                server.user, '--pass', PASSWORD]
        argv += ['--server-cg', server.cpu_file] if server.cpu_file else \
            ['--server-pid', str(server.pid)]
        if server.tls:
            argv += ['--tls', str(server.tls.version)]
        return argv + [str(x) for x in extra]

    def died(self, server):
        """Why the server may have failed a client: its exit, its last log line."""
        if server.proc is not None and server.proc.poll() is not None:
            return ' (%s exited with status %s: %s)' % (
                server.name, server.proc.returncode, tail(server.log, 2))
        last = last_error(server.session_log) if server.session_log else ''
        return ' (%s log: %s)' % (server.name, last) if last else ''

    def client(self, server, mode, *extra, timeout=300):
        argv = self.client_argv(server, mode, *extra, '--timeout', timeout)
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout + 30)
        except subprocess.TimeoutExpired:
            raise BenchError('client timed out' + self.died(server))
        lines = [l for l in r.stdout.splitlines() if l.startswith('{')]
        if r.returncode != 0 or not lines:
            why = (r.stderr.strip().splitlines() or ['exit %d' % r.returncode])[0]
            raise BenchError(why.replace('ftpbench: ', '') + self.died(server))
        return json.loads(lines[-1])

    # -- tests ---------------------------------------------------------------

    def t_retr(self, s):
        return self.client(s, 'get', '--name', 'big.bin', '--size', self.cfg.big_mib << 20)

    def t_stor(self, s):
        size = self.cfg.big_mib << 20
        r = self.client(s, 'put', '--name', '%s/big.bin' % s.upload, '--size', size,
                        '--src', s.ws.big)
        path = os.path.join(s.ws.home, s.upload, 'big.bin')
        got = os.path.getsize(path)
        os.unlink(path)                 # the tmpfs holds one upload at a time
        if got != size:
            raise BenchError('the stored file has %d bytes, not %d' % (got, size))
        return r

    def t_small_get(self, s):
        return self.client(s, 'get', '--name', 'small/f%04u', '--count',
                           self.cfg.small_files, '--size', 4096)

    def t_small_put(self, s):
        return self.client(s, 'put', '--name', '%s/s%%04u' % s.upload, '--count',
                           self.cfg.small_files, '--size', 4096)

    def t_login_seq(self, s):
        return self.client(s, 'logins', '--clients', 1, '--seconds', self.cfg.login_seconds,
                           *self.resume(s))

    def t_login_conc(self, s):
        return self.client(s, 'logins', '--clients', self.cfg.login_clients,
                           '--seconds', self.cfg.login_seconds, *self.resume(s))

    @staticmethod
    def resume(s):
        """FTPS logins: each client offers its last session, as a client that
        reconnects does (the row shows how many the server resumed)."""
        return ['--tls-resume'] if s.tls else []

    def t_multi(self, s):
        return self.client(s, 'get', '--name', 'ten.bin', '--clients',
                           self.cfg.multi_clients, '--size', self.cfg.multi_mib << 20)

    def t_idle(self, s, n):
        """Holds n logged-in sessions; PSS of the server, then 5 probes."""
        if s.name != 'ftpd':
            n = min(n, self.cfg.peer_idle_max)
        time.sleep(0.2)
        base = s.pss_kib()
        argv = self.client_argv(s, 'idle', '--sessions', n, '--inflight', 16,
                                '--timeout', 600)
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            ready = self.read_json(p, s, 660)
            time.sleep(1)               # let the last logins settle
            pss = s.pss_kib()
            nprocs = len(s.pids())
            p.stdin.write('probe 5\n')
            p.stdin.flush()
            probe = self.read_json(p, s, 60)
            p.stdin.write('quit\n')
            p.stdin.flush()
            if p.wait(timeout=60) != 0:
                raise BenchError(p.stderr.read().strip() or 'client failed')
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        ready.update({'n': n, 'kib_per_session': (pss - base) / n, 'pss_kib': pss,
                      'base_kib': base, 'processes': nprocs, 'probe_ms': probe['p50_ms'],
                      'probe_max_ms': probe['max_ms'], 'probes': probe['ms'],
                      'logins_per_s': ready['per_s']})
        return ready

    def read_json(self, p, server, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([p.stdout], [], [], 1)
            if ready:
                line = p.stdout.readline()
                if line.startswith('{'):
                    return json.loads(line)
                if line == '':
                    break
            if p.poll() is not None:
                break
        err = p.stderr.read().strip() if p.poll() is not None else 'timed out'
        raise BenchError((err.splitlines() or ['client failed'])[0]
                         .replace('ftpbench: ', '') + self.died(server))

    def loopback(self, *extra):
        r = subprocess.run([self.args.loopback, '--file', self.ws.big] + list(extra),
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise BenchError(r.stderr.strip() or 'loopback failed')
        return json.loads(r.stdout.strip().splitlines()[-1])

    # -- running -------------------------------------------------------------

    def record(self, test, server, value):
        self.results.setdefault(test, {}).setdefault(server, []).append(value)

    def measure(self, test, server, fn, tls=None):
        if server.why:
            return
        if test.startswith('idle_') and server.name != 'ftpd':
            n, cap = int(test[5:]), self.cfg.peer_idle_max
            if n > cap and cap in self.cfg.idle:
                self.record(test, server.name, {'skipped': 'peers stop at N=%s (see that row)'
                                                % format(cap, ',')})
                return
        t0 = time.monotonic()
        try:
            server.start(tls)
            try:
                value = fn(server)
            finally:
                server.stop()
        except BenchError as e:
            value = str(e)
        if isinstance(value, dict):
            report.add_costs(test, value)
        self.record(test, server.name, value)
        brief = value if isinstance(value, str) else ', '.join(
            '%s=%.4g' % (k, value[k]) for k in ('mbps', 'files_per_s', 'per_s',
                                                 'kib_per_session', 'probe_ms', 'p99_s')
            if isinstance(value.get(k), (int, float)))
        print('  %-10s %-9s %s  [%.1f s]' % (test, server.name, brief,
                                            time.monotonic() - t0), flush=True)

    def run_test(self, test, fn, before_rep=None, tls=None):
        servers = [s for s in self.servers if not s.why]
        for rep in range(self.cfg.reps):
            if before_rep:
                before_rep()
            k = rep % len(servers) if servers else 0
            for s in servers[k:] + servers[:k]:
                self.measure(test, s, fn, tls)

    def t_ftps_idle(self, s):
        """The largest idle N with TLS control connections (peers: capped)."""
        return self.t_idle(s, max(self.cfg.idle))

    def run_ftps(self, tests):
        combos = [TlsSetup(c, self.ws.certs) for c in self.cfg.tls]
        main = TlsSetup(self.cfg.tls_main, self.ws.certs)
        for tls in combos:
            if 'ftps_retr' in tests:
                self.run_test('ftps_retr.' + tls.combo, self.t_retr, tls=tls)
            if 'ftps_stor' in tests:
                self.run_test('ftps_stor.' + tls.combo, self.t_stor, tls=tls)
        for tls in combos:
            if 'ftps_logins' in tests:
                self.run_test('ftps_login_seq.' + tls.combo, self.t_login_seq, tls=tls)
                self.run_test('ftps_login_conc.' + tls.combo, self.t_login_conc, tls=tls)
        per_main = [('ftps_small', 'ftps_small_get', self.t_small_get),
                    ('ftps_small', 'ftps_small_put', self.t_small_put),
                    ('ftps_multi', 'ftps_multi', self.t_multi),
                    ('ftps_idle', 'ftps_idle_%d' % max(self.cfg.idle), self.t_ftps_idle)]
        for group, test, fn in per_main:
            if group in tests:
                self.run_test('%s.%s' % (test, main.combo), fn, tls=main)

    def ceiling(self):
        for name, extra in (('ceiling', []), ('ceiling_sendfile', ['--sendfile'])):
            try:
                v = self.loopback(*extra)
            except (BenchError, subprocess.TimeoutExpired) as e:
                v = str(e)
            if isinstance(v, dict):
                report.add_costs(name, v)
            self.record(name, 'loopback', v)
            print('  %-10s %-9s %s' % (name, '-', v if isinstance(v, str) else
                                        'mbps=%.4g' % v['mbps']), flush=True)

    def run(self):
        tests = self.cfg.tests
        if 'retr' in tests or 'ceiling' in tests:
            self.run_test('retr', self.t_retr,
                          before_rep=self.ceiling if 'ceiling' in tests else None)
            if 'retr' not in tests:
                self.results.pop('retr', None)
        if 'stor' in tests:
            self.run_test('stor', self.t_stor)
        if 'small' in tests:
            self.run_test('small_get', self.t_small_get)
            self.run_test('small_put', self.t_small_put)
        for name, fn in otherclients.tests(self, tests):
            self.run_test(name, fn)
        if self.cfg.strace and ('small' in tests or 'clients' in tests):
            syscalls.run(self)
        if 'logins' in tests:
            self.run_test('login_seq', self.t_login_seq)
            self.run_test('login_conc', self.t_login_conc)
        if 'idle' in tests:
            for n in self.cfg.idle:
                self.run_test('idle_%d' % n, lambda s, n=n: self.t_idle(s, n))
        if 'multi' in tests:
            self.run_test('multi', self.t_multi)
        self.run_ftps(tests)


def machine():
    info = {'kernel': platform.release(), 'nproc': os.cpu_count()}
    try:
        with open('/proc/cpuinfo') as f:
            info['cpu'] = next(l.split(':', 1)[1].strip() for l in f
                               if l.startswith('model name'))
        with open('/proc/meminfo') as f:
            info['mem_gib'] = round(int(f.readline().split()[1]) / (1 << 20), 1)
        with open('/etc/debian_version') as f:
            info['debian'] = f.read().strip()
    except (OSError, StopIteration):
        pass
    return info


def git_version():
    r = subprocess.run(['git', 'describe', '--always', '--dirty'], capture_output=True,
                       text=True)
    return r.stdout.strip() or 'unknown'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ftpd', required=True)
    ap.add_argument('--ftpbench', required=True)
    ap.add_argument('--loopback', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--peers', default='1')
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit('bench: run as root (tmpfs mount, --run-as, the peers\' user)')
    # A TERM (scons interrupted, a timeout) still unmounts and removes the user.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit('bench: terminated'))
    try:
        cfg = Config(os.environ, args.peers not in ('0', 'no', 'false'))
    except BenchError as e:
        sys.exit('bench: %s' % e)
    nofile = raise_nofile()
    started = datetime.datetime.now(datetime.timezone.utc)
    load0 = os.getloadavg()
    ws = Workspace(cfg)
    cg = Cgroups()
    bench = Bench(args, cfg)
    bench.servers = []
    servers = []                    # every server prepared, for the cleanup
    try:
        print('bench: preparing the tmpfs workspace (%d MiB file, %d small files)'
              % (cfg.big_mib, cfg.small_files), flush=True)
        ws.open()
        bench.ws = ws
        ftpd = Ftpd(ws, cg, os.path.abspath(args.ftpd))
        servers.append(ftpd)
        ftpd.prepare()
        ftpd.version = git_version()
        if ftpd.why:
            sys.exit('bench: %s' % ftpd.why)
        if cfg.peers:
            cache = os.path.join(os.getcwd(), '.cache', 'bench')
            for cls in (Vsftpd, PureFtpd):
                if cfg.servers and cls.name not in cfg.servers:
                    continue        # nor its user and PAM file
                peer = cls(ws, cg, cache, ftpd.hash)
                servers.append(peer)
                peer.prepare()
        # ftpd makes the hash for all, so it is prepared even when left out.
        bench.servers = [s for s in servers if not cfg.servers or s.name in cfg.servers]
        for s in bench.servers:
            print('bench: %s %s%s' % (s.name, s.version, (': not run: ' + s.why)
                                      if s.why else ''), flush=True)
        bench.run()
    except BenchError as e:
        sys.exit('bench: %s' % e)
    finally:
        for s in servers:
            s.stop()
            s.cleanup()
        cg.close()
        ws.close()
    ended = datetime.datetime.now(datetime.timezone.utc)
    load1 = os.getloadavg()
    mach = machine()
    head = ('## ftpd benchmark, %s (%.0f s)\n\n'
            'Machine: %s, %s cores, %s GiB, Linux %s, Debian %s; ftpd %s; '
            'load average %.2f before, %.2f after (other work on the machine adds noise).\n'
            'Median of %d runs (min–max); MB = 10^6 bytes; downloads are dropped by the '
            'client with recv(MSG_TRUNC); server CPU from %s; RLIMIT_NOFILE %d.\n'
            % (started.strftime('%Y-%m-%d %H:%M UTC'), (ended - started).total_seconds(),
               mach.get('cpu', '?'), mach.get('nproc'), mach.get('mem_gib'),
               mach.get('kernel'), mach.get('debian', '?'), git_version(), load0[0],
               load1[0], cfg.reps, 'a cpuacct cgroup per server' if cg.ok
               else 'the process tree', nofile))
    shown = bench.servers
    out = [head, report.table(cfg, shown, bench.results), '',
           'CPU use during each timed window, in % of one core (200% = both cores):', '',
           report.cpu_table(cfg, shown, bench.results)]
    for title, text in (
            ('What the FTPS rows negotiated; data (and, for logins, control) '
             'connections that resumed a TLS session, of all:',
             report.tls_table(cfg, shown, bench.results)),
            ('System calls per file (BENCH_STRACE=1), with the most frequent:',
             report.strace_table(shown, bench.results))):
        if text:
            out += ['', title, '', text]
    print('\n' + '\n'.join(out))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    report.write_json(args.out, {
        'date': started.isoformat(), 'seconds': (ended - started).total_seconds(),
        'machine': mach, 'ftpd_version': git_version(), 'loadavg': [load0, load1],
        'config': cfg.as_dict(), 'rlimit_nofile': nofile,
        'servers': {s.name: {'version': s.version, 'not_run': s.why} for s in shown},
        'results': bench.results,
        'summary': {t: {srv: {f: report.summary(reps, f) for f in
                              sorted({k for r in reps if isinstance(r, dict) for k in r
                                      if isinstance(r[k], (int, float))})}
                        for srv, reps in per.items()} for t, per in bench.results.items()},
        'targets': {'%s.%s' % k: v for k, v in report.targets(cfg, bench.results).items()},
        'markdown': '\n'.join(out)})
    print('\nbench: wrote %s' % args.out)


if __name__ == '__main__':
    main()
