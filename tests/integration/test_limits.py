"""Bandwidth limits and quotas (issue 10, "Bandwidth and quotas"):
downloads and uploads held to rate_down/rate_up, a user's limit shared by
the user's sessions, the server's limit shared by every user, full speed
when no limit is set; quotas on bytes and files (STOR refused with 552
keeping the old file, APPE stopped at the quota keeping what came before,
DELE giving space back), the usage counted at startup and by
`ftpd user recount`, and the users file's optional fifth field."""
import ftplib
import io
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import tempfile
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402
from test_files import wait_for  # noqa: E402

MB = 1 << 20
KB = 1 << 10
RATE = 2 * MB


def payload(n, seed=1):
    """n bytes that differ from one block to the next (hashes mean something)."""
    block = bytes((i * 7 + seed) & 0xFF for i in range(4096))
    out = bytearray()
    i = 0
    while len(out) < n:
        out += block[i % 251:] + block[:i % 251]
        i += 1
    return bytes(out[:n])


def server(extra=(), users=None):
    """A started ftpd; users replaces the users file lines (name: fifth)."""
    srv = H.Server(extra=list(extra))
    if users is not None:
        h = H.crypt.crypt(H.PASSWORD, '$6$pyharness$')
        with open(srv.users, 'w') as f:
            for name, rest in users:
                f.write('%s:%s:/%s:%s\n' % (name, h, name, rest))
    return srv.start()


def connect(srv, user='alice', tls=False):
    if tls:
        f = ftplib.FTP_TLS(context=ssl._create_unverified_context())
    else:
        f = ftplib.FTP()
    f.connect('127.0.0.1', srv.port, timeout=30)
    f.login(user, H.PASSWORD)
    if tls:
        f.prot_p()
    f.voidcmd('TYPE I')
    return f


def log_has(srv, text):
    with open(srv.log, errors='replace') as f:
        return text in f.read()


def download(srv, user, name, events, lock, tls=False):
    """RETR name, appending (clock before, clock after, bytes) per recv
    to events."""
    f = connect(srv, user, tls)
    conn = f.transfercmd('RETR ' + name)
    got = 0
    while True:
        before = time.monotonic()
        b = conn.recv(1 << 16)
        if not b:
            break
        got += len(b)
        with lock:
            events.append((before, time.monotonic(), len(b)))
    if tls:
        conn.unwrap()
    conn.close()
    f.voidresp()
    f.quit()
    return got


def timed_upload(srv, data, tls=False):
    """STOR up.bin as alice, sampling what reached the disk as the server
    wrote it (the socket buffers hide the rate from the client's side).
    Returns the (clock before, clock after, bytes) events."""
    home = srv.path('alice')
    events = []
    done = threading.Event()

    def up():
        try:
            f = connect(srv, tls=tls)
            f.storbinary('STOR up.bin', io.BytesIO(data), blocksize=1 << 16)
            f.quit()
        finally:
            done.set()
    t = threading.Thread(target=up)
    t.start()
    last = 0
    while not done.is_set():
        before = time.monotonic()
        size = sum(e.stat().st_size for e in os.scandir(home) if e.is_file())
        if size != last:
            events.append((before, time.monotonic(), size - last))
            last = size
        time.sleep(0.01)
    t.join()
    before = time.monotonic()
    size = os.path.getsize(os.path.join(home, 'up.bin'))
    if size != last:
        events.append((before, time.monotonic(), size - last))
    assert H.sha256_file(os.path.join(home, 'up.bin')) == H.sha256(data)
    return events


def concurrent_downloads(srv, jobs):
    """Runs the (user, name) downloads at once; returns their events."""
    events, lock = [], threading.Lock()
    threads = [threading.Thread(target=download, args=(
        srv, user, name, events, lock)) for user, name in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return events


def cpu_seconds(pid):
    """User plus system CPU time a process has used so far."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def rate_after_first_second(events):
    """Bytes per second from one second after the first byte to the end,
    and the most bytes in any whole 2-second window after that second.

    An event (lo, hi, n) says n bytes were seen at some moment between lo
    and hi (the clock read before and after the recv or the scan): a
    window from event a to event b is timed from a's lo to b's hi, so a
    test thread the scheduler held up between reading the bytes and the
    clock makes a window look slower, never faster than the limit."""
    events = sorted(events)
    t0 = events[0][0]
    los, his, totals, total = [], [], [], 0
    for lo, hi, n in events:
        total += n
        los.append(lo - t0)
        his.append(hi - t0)
        totals.append(total)
    i = next(k for k, t in enumerate(los) if t >= 1.0)
    rate = (totals[-1] - totals[i]) / (his[-1] - los[i])
    worst = 0
    for a in range(i, len(los)):
        b = a
        while b < len(his) and his[b] - los[a] < 2.0:
            b += 1
        if b == len(his):
            break
        worst = max(worst, (totals[b] - totals[a]) / (his[b] - los[a]))
    return rate, worst


class Limits(unittest.TestCase):
    def tearDown(self):
        outcome = getattr(self, '_outcome', None)
        if outcome is not None and not getattr(outcome, 'success', True) \
                and getattr(self, 'srv', None) is not None:
            self.srv.dump_log()
        if getattr(self, 'srv', None) is not None:
            self.srv.cleanup()

    def check_rate(self, events, limit, what):
        rate, worst = rate_after_first_second(events)
        print('  %s: %.2f MiB/s after the first second (limit %.2f), '
              'worst 2 s window %s' % (
                  what, rate / MB, limit / MB, '%.2f MiB/s' % (worst / MB)
                  if worst else 'n/a (less than 2 s left)'))
        self.assertLessEqual(rate, limit * 1.10)
        self.assertLessEqual(worst, limit * 1.10)
        self.assertGreater(rate, limit * 0.70)


class RateLimits(Limits):
    def test_download_held_to_rate_down(self):
        self.srv = server(['--set', 'rate_down=2M'])
        data = payload(8 * MB)
        self.srv.write('alice/big.bin', data)
        events, lock = [], threading.Lock()
        cpu = cpu_seconds(self.srv.proc.pid)
        self.assertEqual(download(self.srv, 'alice', 'big.bin', events,
                                  lock), len(data))
        self.check_rate(events, RATE, 'RETR at rate_down=2M')
        # Waiting for tokens sleeps in the event loop's timer: a busy loop
        # would burn the ~3 s of the transfer.
        cpu = cpu_seconds(self.srv.proc.pid) - cpu
        print('  server CPU during the limited RETR: %.2f s' % cpu)
        self.assertLess(cpu, 0.5)

    def test_upload_held_to_rate_up(self):
        self.srv = server(['--set', 'rate_up=2M'])
        events = timed_upload(self.srv, payload(8 * MB, seed=3))
        self.check_rate(events, RATE, 'STOR at rate_up=2M')

    def test_user_limit_shared_by_two_sessions(self):
        self.srv = server(users=[('alice', 'rw:rate_down=2M'),
                                 ('bob', 'ro')])
        data = payload(6 * MB, seed=5)
        self.srv.write('alice/a.bin', data)
        events = concurrent_downloads(self.srv, [('alice', 'a.bin')] * 2)
        self.assertEqual(sum(e[-1] for e in events), 2 * len(data))
        self.check_rate(events, RATE, 'two sessions of a user at rate_down=2M')

    def test_server_limit_shared_by_two_users(self):
        self.srv = server(['--set', 'server_rate_down=2M'])
        data = payload(6 * MB, seed=7)
        self.srv.write('alice/a.bin', data)
        self.srv.write('bob/b.bin', data)
        events = concurrent_downloads(self.srv, [('alice', 'a.bin'),
                                                 ('bob', 'b.bin')])
        self.assertEqual(sum(e[-1] for e in events), 2 * len(data))
        self.check_rate(events, RATE, 'two users at server_rate_down=2M')

    def test_no_limit_runs_at_full_speed(self):
        self.srv = server()
        data = payload(32 * MB, seed=9)
        self.srv.write('alice/fast.bin', data)
        events, lock = [], threading.Lock()
        start = time.monotonic()
        download(self.srv, 'alice', 'fast.bin', events, lock)
        rate = len(data) / (time.monotonic() - start)
        print('  no limit: %.0f MiB/s' % (rate / MB))
        self.assertGreater(rate, 20 * MB)


class TlsRateLimits(Limits):
    """Through TLS the bytes go through buffers (no sendfile or splice)."""

    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix='ftpd-certs.')
        tools = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             '..', '..', 'tools')
        subprocess.run([os.path.join(tools, 'make-cert'), cls.certs],
                       check=True, capture_output=True, timeout=60)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs, ignore_errors=True)

    def tls_server(self, limit):
        return server(['--tls', 'optional', '--tls-cert',
                       os.path.join(self.certs, 'cert.pem'), '--tls-key',
                       os.path.join(self.certs, 'key.pem'), '--set',
                       'tls_require_reuse=no', '--set', limit])

    def test_tls_download_held_to_rate_down(self):
        self.srv = self.tls_server('rate_down=2M')
        data = payload(8 * MB, seed=17)
        self.srv.write('alice/big.bin', data)
        events, lock = [], threading.Lock()
        self.assertEqual(download(self.srv, 'alice', 'big.bin', events, lock,
                                  tls=True), len(data))
        self.check_rate(events, RATE, 'RETR over TLS at rate_down=2M')

    def test_tls_upload_held_to_rate_up(self):
        self.srv = self.tls_server('rate_up=2M')
        events = timed_upload(self.srv, payload(8 * MB, seed=19), tls=True)
        self.check_rate(events, RATE, 'STOR over TLS at rate_up=2M')


def store(f, cmd, data):
    """Sends data for cmd; returns the final reply's text (5xx included)."""
    conn = f.transfercmd(cmd)
    try:
        conn.sendall(data)
    except OSError:
        pass            # the server stopped reading: the reply says why
    conn.close()
    try:
        return f.voidresp()
    except ftplib.error_perm as e:
        return str(e)


class Quotas(Limits):
    def start(self, fifth='rw:quota_bytes=100K', extra=()):
        self.srv = server(extra, users=[('alice', fifth), ('bob', 'ro')])
        wait_for(lambda: log_has(self.srv, 'quota: usage of alice counted'),
                 what='the startup count')
        return connect(self.srv)

    def temp_files(self):
        return [n for n in os.listdir(self.srv.path('alice'))
                if n.startswith('.ftpd-upload.')]

    def test_stor_over_quota_gets_552_and_keeps_old_file(self):
        f = self.start()
        old = payload(30 * KB, seed=11)
        self.assertTrue(store(f, 'STOR keep.bin', old).startswith('226'))
        reply = store(f, 'STOR keep.bin', payload(200 * KB, seed=12))
        self.assertTrue(reply.startswith('552'), reply)
        self.assertEqual(H.sha256(self.srv.read('alice/keep.bin')),
                         H.sha256(old))
        self.assertEqual(self.temp_files(), [])
        # The space the failed upload took is given back: 70K still fit.
        self.assertTrue(store(f, 'STOR more.bin',
                              payload(70 * KB)).startswith('226'))
        f.quit()

    def test_stor_replacing_a_file_counts_the_difference(self):
        f = self.start()
        self.assertTrue(store(f, 'STOR a.bin', payload(90 * KB)).startswith('226'))
        # 90K used; replacing it with 95K needs only 5K more.
        self.assertTrue(store(f, 'STOR a.bin', payload(95 * KB)).startswith('226'))
        reply = store(f, 'STOR b.bin', payload(10 * KB))
        self.assertTrue(reply.startswith('552'), reply)
        f.quit()

    def test_appe_stops_at_quota_and_keeps_bytes_before(self):
        f = self.start()
        self.assertTrue(store(f, 'STOR first.bin',
                              payload(30 * KB)).startswith('226'))
        data = payload(200 * KB, seed=13)
        reply = store(f, 'APPE log.bin', data)
        self.assertTrue(reply.startswith('552'), reply)
        kept = self.srv.read('alice/log.bin')
        self.assertEqual(len(kept), 70 * KB)
        self.assertEqual(H.sha256(kept), H.sha256(data[:70 * KB]))
        f.quit()

    def test_rest_stor_stops_at_quota_and_keeps_bytes_before(self):
        f = self.start()
        head = payload(40 * KB, seed=14)
        self.assertTrue(store(f, 'STOR part.bin', head).startswith('226'))
        f.sendcmd('REST %d' % len(head))
        data = payload(200 * KB, seed=15)
        reply = store(f, 'STOR part.bin', data)
        self.assertTrue(reply.startswith('552'), reply)
        kept = self.srv.read('alice/part.bin')
        self.assertEqual(len(kept), 100 * KB)
        self.assertEqual(H.sha256(kept), H.sha256(head + data[:60 * KB]))
        f.quit()

    def test_upload_reset_midway_gives_its_bytes_back(self):
        f = self.start()
        conn = f.transfercmd('STOR a.bin')
        conn.sendall(payload(60 * KB))
        wait_for(lambda: any(os.path.getsize(os.path.join(
            self.srv.path('alice'), n)) == 60 * KB for n in self.temp_files()),
            what='the temporary file to hold what was sent')
        # A reset, not an end: the upload fails and its temp file goes.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack('ii', 1, 0))
        conn.close()
        with self.assertRaises(ftplib.error_temp):
            f.voidresp()
        self.assertEqual(self.temp_files(), [])
        self.assertFalse(os.path.exists(self.srv.path('alice/a.bin')))
        self.assertTrue(store(f, 'STOR b.bin',
                              payload(90 * KB)).startswith('226'))
        f.quit()

    def test_quota_files_refuses_one_more_file(self):
        f = self.start('rw:quota_files=3')
        for name in ('a', 'b', 'c'):
            self.assertTrue(store(f, 'STOR ' + name, b'x').startswith('226'))
        with self.assertRaises(ftplib.error_perm) as cm:
            f.transfercmd('STOR d')
        self.assertTrue(str(cm.exception).startswith('552'))
        self.assertFalse(os.path.exists(self.srv.path('alice/d')))
        # Replacing a file makes none.
        self.assertTrue(store(f, 'STOR a', b'yy').startswith('226'))
        f.quit()

    def test_dele_frees_usage(self):
        f = self.start()
        self.assertTrue(store(f, 'STOR a.bin', payload(80 * KB)).startswith('226'))
        reply = store(f, 'STOR b.bin', payload(80 * KB))
        self.assertTrue(reply.startswith('552'), reply)
        f.delete('a.bin')
        self.assertTrue(store(f, 'STOR b.bin', payload(80 * KB)).startswith('226'))
        f.quit()

    def test_startup_count_includes_existing_files(self):
        srv = H.Server()
        self.srv = srv
        srv.write('alice/old.bin', payload(90 * KB))
        h = H.crypt.crypt(H.PASSWORD, '$6$pyharness$')
        with open(srv.users, 'w') as fh:
            fh.write('alice:%s:/alice:rw:quota_bytes=100K\n' % h)
        srv.start()
        wait_for(lambda: log_has(srv, 'quota: usage of alice counted: '
                                 '92160 bytes, 1 files'), what='the count')
        f = connect(srv)
        reply = store(f, 'STOR new.bin', payload(20 * KB))
        self.assertTrue(reply.startswith('552'), reply)
        f.quit()

    def test_sighup_recounts_files_changed_behind_the_server(self):
        f = self.start()
        self.srv.write('alice/dropped.bin', payload(95 * KB))
        self.srv.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: log_has(self.srv, 'quota: usage of alice counted: '
                                 '97280 bytes, 1 files'), what='the recount')
        reply = store(f, 'STOR new.bin', payload(10 * KB))
        self.assertTrue(reply.startswith('552'), reply)
        f.quit()

    def recount_now(self):
        """SIGHUP, then waits for the recount of alice it starts."""
        def counts():
            with open(self.srv.log, errors='replace') as fh:
                return fh.read().count('quota: usage of alice counted')
        before = counts()
        self.srv.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: counts() > before, what='the recount')

    def upload_across_recount(self, f, cmd, first, rest, on_disk):
        """cmd sends first, is held open while the usage is recounted, then
        sends rest; on_disk() is the bytes the held upload has written."""
        conn = f.transfercmd(cmd)
        conn.sendall(first)
        wait_for(lambda: on_disk() >= len(first),
                 what='the upload to reach the disk')
        self.recount_now()
        conn.sendall(rest)
        conn.close()
        self.assertTrue(f.voidresp().startswith('226'))

    def assert_usage_is(self, f, used, quota=100 * KB):
        """The usage is exactly used: quota - used more bytes fit, and not
        one more (neither lost nor counted twice)."""
        self.assertTrue(store(f, 'STOR fits.bin',
                              payload(quota - used, seed=3)).startswith('226'))
        reply = store(f, 'STOR over.bin', b'x')
        self.assertTrue(reply.startswith('552'), reply)

    def test_recount_during_upload_keeps_its_charge(self):
        f = self.start()
        home = self.srv.path('alice')

        def temp_size():
            return sum(os.path.getsize(os.path.join(home, n))
                       for n in self.temp_files())
        self.upload_across_recount(f, 'STOR held.bin', payload(60 * KB),
                                   payload(30 * KB, seed=2), temp_size)
        self.assertEqual(os.path.getsize(os.path.join(home, 'held.bin')),
                         90 * KB)
        self.assert_usage_is(f, 90 * KB)
        f.quit()

    def test_recount_during_in_place_upload_keeps_its_charge(self):
        f = self.start(extra=['--set', 'upload_in_place=yes'])
        self.assertTrue(store(f, 'STOR held.bin',
                              payload(30 * KB)).startswith('226'))
        path = self.srv.path('alice/held.bin')
        # Written over in place: the old 30K go, 60K come.
        self.upload_across_recount(f, 'STOR held.bin', payload(40 * KB),
                                   payload(20 * KB, seed=2),
                                   lambda: os.path.getsize(path))
        self.assertEqual(os.path.getsize(path), 60 * KB)
        self.assert_usage_is(f, 60 * KB)
        f.quit()

    def test_user_not_counted_at_startup_is_counted_at_login(self):
        # The home is missing at startup (as a user a database backend
        # cannot list would be): the login counts it.
        srv = H.Server()
        self.srv = srv
        os.rmdir(srv.path('alice'))
        h = H.crypt.crypt(H.PASSWORD, '$6$pyharness$')
        with open(srv.users, 'w') as fh:
            fh.write('alice:%s:/alice:rw:quota_bytes=100K\n' % h)
        srv.start()
        wait_for(lambda: log_has(srv, 'quota: cannot count the home /alice'),
                 what='the failed startup count')
        srv.write('alice/old.bin', payload(95 * KB))
        f = connect(srv)
        wait_for(lambda: log_has(srv, 'quota: usage of alice counted: '
                                 '97280 bytes, 1 files'), what='the count')
        reply = store(f, 'STOR new.bin', payload(10 * KB))
        self.assertTrue(reply.startswith('552'), reply)
        f.quit()

    def test_user_recount_prints_usage(self):
        srv = H.Server()
        self.srv = srv
        srv.write('alice/one.bin', payload(1000))
        srv.write('alice/sub/two.bin', payload(2345))
        os.symlink('/etc/passwd', srv.path('alice/link'))
        h = H.crypt.crypt(H.PASSWORD, '$6$pyharness$')
        with open(srv.users, 'w') as fh:
            fh.write('alice:%s:/alice:rw:quota_bytes=5M,quota_files=10\n' % h)
        out = subprocess.run([H.FTPD, 'user', 'recount', 'alice', '--root',
                              srv.root, '--users', srv.users],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), 'alice: 3345 bytes, 2 files '
                         '(quota_bytes=5242880,quota_files=10)')
        out = subprocess.run([H.FTPD, 'user', 'recount', 'nobody-here',
                              '--root', srv.root, '--users', srv.users],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 1)
        self.assertIn("no user 'nobody-here'", out.stderr)


class UsersFile(Limits):
    def test_four_and_five_field_lines_both_log_in(self):
        self.srv = server(users=[('alice', 'rw:rate_down=10M'), ('bob', 'ro')])
        for user in ('alice', 'bob'):
            connect(self.srv, user).quit()

    def test_bad_fifth_field_is_refused_with_file_and_line(self):
        srv = H.Server()
        self.srv = srv
        h = H.crypt.crypt(H.PASSWORD, '$6$pyharness$')
        with open(srv.users, 'w') as fh:
            fh.write('# users\nalice:%s:/alice:rw\nbob:%s:/bob:ro:'
                     'quota_bytes=lots\n' % (h, h))
        out = subprocess.run([H.FTPD, '--foreground', '--listen', '127.0.0.1',
                              '--port', '0', '--root', srv.root, '--users',
                              srv.users] + H.run_as_args(),
                             capture_output=True, text=True, timeout=30)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("%s:3: quota_bytes: 'lots' is not a size" % srv.users,
                      out.stderr)

if __name__ == '__main__':
    H.run_suite('test_limits')
