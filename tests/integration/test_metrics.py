"""metrics_listen: the Prometheus text format on /metrics, checked by
promtool (Debian's prometheus package), and counters that move as a
scripted session runs: sessions, logins by result, commands by verb,
bytes, transfers by kind and result, TLS handshakes, limit rejections."""
import ftplib
import io
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402

TOOLS = os.environ.get('TOOLS', os.path.join(os.path.dirname(__file__), '..',
                                             '..', 'tools'))
PROMTOOL = shutil.which('promtool') or '/usr/bin/promtool'
SERIES = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\S+)$')


class Metrics(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = H.Server(extra=['--set', 'metrics_listen=127.0.0.1:0',
                                  '--set', 'max_sessions_per_ip=3'])
        cls.srv.start()
        with open(cls.srv.log, errors='replace') as f:
            m = re.search(r'^ftpd: metrics on 127\.0\.0\.1 port (\d+)$',
                          f.read(), re.M)
        if m is None:
            cls.srv.dump_log()
            cls.srv.cleanup()
            raise RuntimeError('no metrics line')
        cls.url = 'http://127.0.0.1:%s/metrics' % m.group(1)

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def scrape(self):
        with urllib.request.urlopen(self.url, timeout=10) as r:
            self.assertEqual(r.status, 200)
            self.assertTrue(r.headers['Content-Type'].startswith(
                'text/plain; version=0.0.4'))
            return r.read().decode()

    def values(self):
        out = {}
        for line in self.scrape().splitlines():
            if line.startswith('#') or not line:
                continue
            m = SERIES.match(line)
            self.assertIsNotNone(m, line)
            out[m.group(1) + (m.group(2) or '')] = float(m.group(3))
        return out

    def settled(self):
        """The values once every session has gone (QUIT is asynchronous)."""
        deadline = time.monotonic() + 10
        while True:
            v = self.values()
            if v['ftpd_sessions'] == 0 or time.monotonic() > deadline:
                return v
            time.sleep(0.02)

    @unittest.skipUnless(os.path.exists(PROMTOOL), 'promtool missing')
    def test_promtool_accepts_the_exposition(self):
        text = self.scrape()
        r = subprocess.run([PROMTOOL, 'check', 'metrics'], input=text,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual((r.stdout + r.stderr).strip(), '',
                         r.stdout + r.stderr)

    def test_only_metrics_is_served(self):
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(self.url.replace('/metrics', '/'),
                                   timeout=10)
        self.assertEqual(cm.exception.code, 404)

    def rss_kb(self):
        with open('/proc/%d/status' % self.srv.proc.pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
        return 0

    def test_pipelined_requests_without_reading_stay_bounded(self):
        # A client that sends requests and never reads the answers: the
        # server must stop reading it, not buffer all it sends.
        port = int(self.url.split(':')[2].split('/')[0])
        before = self.rss_kb()
        s = socket.create_connection(('127.0.0.1', port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.setblocking(False)
        chunk = b'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n' * 1000
        sent = 0
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and sent < 256 * 1024 * 1024:
            try:
                sent += s.send(chunk)
            except BlockingIOError:
                time.sleep(0.01)
        grown = self.rss_kb() - before
        s.close()
        self.assertLess(sent, 64 * 1024 * 1024,
                        'the server read %d bytes it could not answer' % sent)
        self.assertLess(grown, 32 * 1024, 'server grew by %d KB' % grown)
        self.scrape()   # and still answers

    def test_counters_move_with_a_session(self):
        before = self.values()
        ftp = ftplib.FTP()
        ftp.connect('127.0.0.1', self.srv.port, timeout=10)
        with self.assertRaises(ftplib.error_perm):
            ftp.login('alice', 'wrong')
        ftp.close()
        ftp = ftplib.FTP()
        ftp.connect('127.0.0.1', self.srv.port, timeout=10)
        ftp.login('alice', H.PASSWORD)
        self.assertEqual(self.values()['ftpd_sessions'], 1)
        ftp.storbinary('STOR up.bin', io.BytesIO(b'u' * 1000))
        got = []
        ftp.retrbinary('RETR up.bin', got.append)
        with self.assertRaises(ftplib.error_perm):
            ftp.retrbinary('RETR missing.bin', got.append)
        ftp.nlst()
        ftp.voidcmd('NOOP')
        ftp.voidcmd('NOOP')
        with self.assertRaises(ftplib.error_perm):
            ftp.sendcmd('FROB')
        ftp.quit()
        after = self.settled()

        def delta(name):
            return after.get(name, 0) - before.get(name, 0)
        self.assertEqual(delta('ftpd_sessions_total'), 2)
        self.assertEqual(delta('ftpd_logins_total{result="ok"}'), 1)
        self.assertEqual(delta('ftpd_logins_total{result="failed"}'), 1)
        self.assertEqual(delta('ftpd_commands_total{verb="NOOP"}'), 2)
        self.assertEqual(delta('ftpd_commands_total{verb="other"}'), 1)
        self.assertEqual(delta('ftpd_commands_total{verb="PASS"}'), 2)
        self.assertEqual(after['ftpd_auth_queue_length'], 0)
        self.assertEqual(delta(
            'ftpd_transfers_total{kind="download",result="failed"}'), 0)
        self.assertEqual(delta('ftpd_commands_total{verb="STOR"}'), 1)
        self.assertEqual(delta('ftpd_commands_total{verb="RETR"}'), 2)
        self.assertEqual(delta(
            'ftpd_transfers_total{kind="upload",result="ok"}'), 1)
        self.assertEqual(delta(
            'ftpd_transfers_total{kind="download",result="ok"}'), 1)
        self.assertEqual(delta(
            'ftpd_transfers_total{kind="listing",result="ok"}'), 1)
        self.assertEqual(delta('ftpd_bytes_total{direction="in"}'), 1000)
        self.assertGreaterEqual(delta('ftpd_bytes_total{direction="out"}'),
                                1000)

    def test_limit_rejections_counted(self):
        before = self.values()
        held = []
        try:
            for _ in range(4):
                f = ftplib.FTP()
                try:
                    f.connect('127.0.0.1', self.srv.port, timeout=10)
                    held.append(f)
                except ftplib.error_temp:
                    pass
        finally:
            for f in held:
                f.close()
        after = self.settled()
        self.assertEqual(
            after['ftpd_limit_rejections_total{kind="max_sessions_per_ip"}'] -
            before['ftpd_limit_rejections_total{kind="max_sessions_per_ip"}'],
            1)



def scrape_values(url):
    out = {}
    with urllib.request.urlopen(url, timeout=10) as r:
        for line in r.read().decode().splitlines():
            m = SERIES.match(line)
            if m and not line.startswith('#'):
                out[m.group(1) + (m.group(2) or '')] = float(m.group(3))
    return out


class TlsHandshakes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix='ftpd-certs.')
        subprocess.run([os.path.join(TOOLS, 'make-cert'), cls.certs],
                       check=True, capture_output=True, timeout=60)
        cert = os.path.join(cls.certs, 'cert.pem')
        cls.srv = H.Server(extra=[
            '--set', 'metrics_listen=127.0.0.1:0', '--tls', 'optional',
            '--tls-cert', cert, '--tls-key', os.path.join(cls.certs, 'key.pem')])
        cls.srv.start()
        with open(cls.srv.log, errors='replace') as f:
            port = re.search(r'^ftpd: metrics on 127\.0\.0\.1 port (\d+)$',
                             f.read(), re.M).group(1)
        cls.url = 'http://127.0.0.1:%s/metrics' % port
        cls.ctx = ssl.create_default_context(cafile=cert)
        cls.ctx.check_hostname = False

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()
        shutil.rmtree(cls.certs, ignore_errors=True)

    def settled(self):
        deadline = time.monotonic() + 10
        while True:
            v = scrape_values(self.url)
            if v['ftpd_sessions'] == 0 or time.monotonic() > deadline:
                return v
            time.sleep(0.02)

    def ftps(self, cls):
        f = cls(context=self.ctx)
        f.connect('127.0.0.1', self.srv.port, timeout=10)
        f.login('alice', H.PASSWORD)
        f.prot_p()
        return f

    def test_handshakes_and_reuse_failures_counted(self):
        before = self.settled()
        f = self.ftps(H.ReusingFTP_TLS)
        f.nlst()
        f.quit()
        # Stock ftplib does not resume the session: 522 after a handshake.
        f = self.ftps(ftplib.FTP_TLS)
        with self.assertRaises(ftplib.error_perm) as cm:
            f.nlst()
        self.assertTrue(str(cm.exception).startswith('522'))
        f.quit()
        # A control handshake that fails: plaintext after 234.
        s = socket.create_connection(('127.0.0.1', self.srv.port), timeout=10)
        s.recv(1024)
        s.sendall(b'AUTH TLS\r\n')
        self.assertTrue(s.recv(1024).startswith(b'234'))
        s.sendall(b'this is not a ClientHello\r\n' * 4)
        s.settimeout(10)
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass
        s.close()
        after = self.settled()

        def delta(name):
            return after.get(name, 0) - before.get(name, 0)
        self.assertEqual(delta(
            'ftpd_tls_handshakes_total{channel="control",result="ok"}'), 2)
        self.assertEqual(delta(
            'ftpd_tls_handshakes_total{channel="control",result="failed"}'), 1)
        self.assertEqual(delta(
            'ftpd_tls_handshakes_total{channel="data",result="ok"}'), 2)
        self.assertEqual(delta(
            'ftpd_tls_handshakes_total{channel="data",result="failed"}'), 0)
        self.assertEqual(delta('ftpd_tls_reuse_failures_total'), 1)
        self.assertEqual(delta(
            'ftpd_transfers_total{kind="listing",result="ok"}'), 1)
        self.assertEqual(delta(
            'ftpd_transfers_total{kind="listing",result="failed"}'), 1)


H.run_suite('test_metrics')
