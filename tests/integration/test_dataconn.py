"""The data connection and the session's input loop, against the real ftpd.

- FTPS data connections with TLS 1.2 and 1.3 and session reuse required:
  Debian's curl 7.88 and lftp, 1, 5 and 10 serial downloads and uploads on
  one control connection, every byte checked by hash (issue 8, 2j).
- Pipelined transfer commands after a passive transfer: each gets
  "425 Use PORT or PASV first.", in order, and the server survives, over
  AUTH TLS and over plain TCP under a small stack (issue 8, 2a).
- A client that sends commands without reading replies: the server's
  memory stays bounded over plain TCP, AUTH TLS and implicit TLS (2c).
"""
import atexit
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402

TOOLS = os.environ.get('TOOLS', os.path.join(os.path.dirname(__file__), '..', '..', 'tools'))
CERTS = tempfile.mkdtemp(prefix='ftpd-certs.')
atexit.register(shutil.rmtree, CERTS, True)
subprocess.run([os.path.join(TOOLS, 'make-cert'), CERTS], check=True,
               capture_output=True, timeout=60)
CERT = os.path.join(CERTS, 'cert.pem')
KEY = os.path.join(CERTS, 'key.pem')
CURL = '/usr/bin/curl'


def tls_args(*more):
    return ['--tls', 'optional', '--tls-cert', CERT, '--tls-key', KEY,
            '--set', 'tls_require_reuse=yes'] + list(more)


def implicit_port(srv):
    with open(srv.log) as f:
        for line in f:
            if 'implicit TLS' in line and 'ready on' in line:
                return int(line.split(' port ')[1].split()[0])
    raise AssertionError('no implicit TLS ready line')


def log_size(srv):
    return os.path.getsize(srv.log)


def log_since(srv, offset):
    """The server's log from offset on."""
    with open(srv.log, 'rb') as f:
        f.seek(offset)
        return f.read().decode(errors='replace')


class TLSReuse(unittest.TestCase):
    """Serial FTPS transfers on one control connection, reuse required."""

    @classmethod
    def setUpClass(cls):
        cls.srv = H.start_ftpd(extra=tls_args('--implicit-tls-port', '0'))
        cls.files = {}
        for i in range(10):
            data = os.urandom(150000 + 4099 * i)
            cls.files['f%d' % i] = data
            cls.srv.write('alice/f%d' % i, data)

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def tearDown(self):
        outcome = getattr(self, '_outcome', None)
        if outcome is not None and not getattr(outcome, 'success', True):
            self.srv.dump_log()

    def url(self, path):
        return 'ftp://alice:%s@127.0.0.1:%d/%s' % (H.PASSWORD, self.srv.port, path)

    def check_file(self, what, run, path, data):
        """path holds exactly data (a lost transfer leaves no file)."""
        self.assertTrue(os.path.exists(path), '%s: %s missing; client said %r'
                        % (what, os.path.basename(path), run.stderr))
        self.assertEqual(H.sha256_file(path), H.sha256(data),
                         '%s: %s differs' % (what, os.path.basename(path)))

    def check_one_connection(self, before, what):
        """One control connection served it all, every data connection
        resumed: a client that got 522 would retry on a new one."""
        log = log_since(self.srv, before)
        connects = sum(1 for l in log.splitlines() if l.endswith(': connect'))
        self.assertEqual(connects, 1, '%s: %d control connections' % (what, connects))
        self.assertNotIn('did not reuse', log, what)

    def curl(self, tls, n, upload):
        version = ['--tls-max', '1.2'] if tls == '1.2' else ['--tlsv1.3']
        argv = [CURL, '-sS', '--ssl-reqd', '-k', '--max-time', '60'] + version
        what = 'curl TLS %s %s x%d' % (tls, 'up' if upload else 'down', n)
        before = log_size(self.srv)
        with tempfile.TemporaryDirectory() as d:
            names = ['f%d' % i for i in range(n)]
            for name in names:
                if upload:
                    src = os.path.join(d, name)
                    with open(src, 'wb') as f:
                        f.write(self.files[name])
                    argv += ['-T', src, self.url('up-curl-%s-%d-%s' % (tls, n, name))]
                else:
                    argv += [self.url(name), '-o', os.path.join(d, name)]
            r = subprocess.run(argv, capture_output=True, timeout=120)
            # curl exits with the last transfer's status: check every file.
            self.assertEqual(r.returncode, 0, '%s: %s' % (what, r.stderr))
            for name in names:
                self.check_file(what, r, os.path.join(d, name) if not upload else
                                self.srv.path('alice/up-curl-%s-%d-%s' % (tls, n, name)),
                                self.files[name])
        self.check_one_connection(before, what)

    def lftp(self, tls, n, upload):
        prio = 'set ssl:priority "NORMAL:-VERS-ALL:+VERS-TLS%s"; ' % tls
        what = 'lftp TLS %s %s x%d' % (tls, 'up' if upload else 'down', n)
        before = log_size(self.srv)
        with tempfile.TemporaryDirectory() as d:
            names = ['f%d' % i for i in range(n)]
            cmds = []
            for name in names:
                local = os.path.join(d, name)
                if upload:
                    with open(local, 'wb') as f:
                        f.write(self.files[name])
                    cmds.append('put %s -o up-lftp-%s-%d-%s' % (local, tls, n, name))
                else:
                    cmds.append('get %s -o %s' % (name, local))
            script = (prio + 'set ftp:ssl-force true; set ftp:ssl-protect-data true; '
                      'set ssl:verify-certificate no; set net:max-retries 1; '
                      'set net:timeout 20; set ftp:passive-mode true; '
                      'open -u alice,%s -p %d 127.0.0.1; %s'
                      % (H.PASSWORD, self.srv.port, '; '.join(cmds)))
            r = subprocess.run(['lftp', '-c', script], capture_output=True,
                               timeout=180)
            self.assertEqual(r.returncode, 0, '%s: %s' % (what, r.stderr))
            for name in names:
                self.check_file(what, r, os.path.join(d, name) if not upload else
                                self.srv.path('alice/up-lftp-%s-%d-%s' % (tls, n, name)),
                                self.files[name])
        self.check_one_connection(before, what)

    def test_curl_serial_downloads_reuse_the_control_session(self):
        for tls in ('1.3', '1.2'):
            for n in (1, 5, 10):
                self.curl(tls, n, upload=False)

    def test_curl_serial_uploads_reuse_the_control_session(self):
        for tls in ('1.3', '1.2'):
            for n in (1, 5, 10):
                self.curl(tls, n, upload=True)

    def test_curl_big_tls_transfers_cross_the_send_budget(self):
        # Larger than one callback's budget (4 MiB): the transfer must
        # wait for the right direction after the handshake.
        data = os.urandom(12 << 20)
        self.srv.write('alice/big.bin', data)
        for tls in ('1.3', '1.2'):
            version = ['--tls-max', '1.2'] if tls == '1.2' else ['--tlsv1.3']
            with tempfile.TemporaryDirectory() as d:
                out = os.path.join(d, 'big')
                r = subprocess.run([CURL, '-sS', '--ssl-reqd', '-k', '--max-time', '60']
                                   + version + [self.url('big.bin'), '-o', out],
                                   capture_output=True, timeout=120)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(H.sha256_file(out), H.sha256(data))
                r = subprocess.run([CURL, '-sS', '--ssl-reqd', '-k', '--max-time', '60']
                                   + version + ['-T', out, self.url('big-up-%s' % tls)],
                                   capture_output=True, timeout=120)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(H.sha256(self.srv.read('alice/big-up-%s' % tls)),
                                 H.sha256(data))

    def test_curl_implicit_tls_serial_downloads_reuse_the_control_session(self):
        port = implicit_port(self.srv)
        for tls in ('1.3', '1.2'):
            version = ['--tls-max', '1.2'] if tls == '1.2' else ['--tlsv1.3']
            before = log_size(self.srv)
            with tempfile.TemporaryDirectory() as d:
                argv = [CURL, '-sS', '-k', '--max-time', '60'] + version
                for i in range(5):
                    argv += ['ftps://alice:%s@127.0.0.1:%d/f%d' % (H.PASSWORD, port, i),
                             '-o', os.path.join(d, 'f%d' % i)]
                r = subprocess.run(argv, capture_output=True, timeout=120)
                self.assertEqual(r.returncode, 0, r.stderr)
                for i in range(5):
                    self.check_file('curl implicit TLS %s x5' % tls, r,
                                    os.path.join(d, 'f%d' % i), self.files['f%d' % i])
            self.check_one_connection(before, 'curl implicit TLS %s x5' % tls)

    def test_lftp_serial_downloads_reuse_the_control_session(self):
        for tls in ('1.3', '1.2'):
            for n in (1, 5, 10):
                self.lftp(tls, n, upload=False)

    def test_lftp_serial_uploads_reuse_the_control_session(self):
        for tls in ('1.3', '1.2'):
            for n in (1, 5, 10):
                self.lftp(tls, n, upload=True)


def client_tls():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def recv_all(sock):
    """Every byte until the peer closes, then closes sock."""
    got = bytearray()
    while True:
        b = sock.recv(65536)
        if not b:
            break
        got.extend(b)
    sock.close()
    return bytes(got)


class TLSDataPath(unittest.TestCase):
    """How TLS data leaves (issue 13): kernel TLS where the kernel has
    the "tls" ULP, else OpenSSL in user space; the server says which,
    once, with the cipher, which is AES-128-GCM (the cheapest per byte on
    a CPU with AES instructions) when the client offers it."""

    def test_tls_data_path_is_logged_once_with_an_aes128_gcm_cipher(self):
        srv = H.start_ftpd(extra=tls_args())
        try:
            data = os.urandom(300000)
            srv.write('alice/d.bin', data)
            url = 'ftp://alice:%s@127.0.0.1:%d/' % (H.PASSWORD, srv.port)
            with tempfile.TemporaryDirectory() as d:
                for tls in (['--tlsv1.3'], ['--tls-max', '1.2']):
                    out = os.path.join(d, 'd.bin')
                    r = subprocess.run([CURL, '-sS', '--ssl-reqd', '-k', '--max-time', '60']
                                       + tls + [url + 'd.bin', url + 'd.bin', '-o', out,
                                                '-o', out + '2'],
                                       capture_output=True, timeout=120)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertEqual(H.sha256_file(out), H.sha256(data))
                    self.assertEqual(H.sha256_file(out + '2'), H.sha256(data))
            lines = [l for l in log_since(srv, 0).splitlines()
                     if 'TLS data connections:' in l]
            self.assertEqual(len(lines), 1, lines)
            self.assertRegex(lines[0], r'TLS data connections: (kernel TLS \(sendfile|'
                             r'OpenSSL in user space, kernel TLS not available)')
            self.assertRegex(lines[0], r'AES_128_GCM|AES128-GCM')
        except BaseException:
            srv.dump_log()
            raise
        finally:
            srv.cleanup()


class Control:
    """A bare control connection: lines in, replies out, nothing hidden."""

    def __init__(self, port, implicit=False, timeout=30):
        self.sock = socket.create_connection(('127.0.0.1', port), timeout=timeout)
        if implicit:
            self.sock = client_tls().wrap_socket(self.sock)
        self.f = self.sock.makefile('rb')
        self.expect('220')

    def line(self):
        line = self.f.readline()
        if not line:
            raise EOFError('control connection closed')
        return line.decode('utf-8', 'replace').rstrip('\r\n')

    def reply(self):
        """One whole reply (multi-line ones too): its last line."""
        first = self.line()
        if len(first) > 3 and first[3] == '-':
            while True:
                last = self.line()
                if last[:3] == first[:3] and last[3:4] == ' ':
                    return last
        return first

    def expect(self, code):
        r = self.reply()
        if not r.startswith(code):
            raise AssertionError('expected %s, got %r' % (code, r))
        return r

    def cmd(self, line, code):
        self.sock.sendall(line.encode() + b'\r\n')
        return self.expect(code)

    def auth_tls(self):
        self.cmd('AUTH TLS', '234')
        self.sock = client_tls().wrap_socket(self.sock)
        self.f = self.sock.makefile('rb')

    def login(self, user='alice'):
        self.cmd('USER ' + user, '331')
        self.cmd('PASS ' + H.PASSWORD, '230')

    def pasv_transfer(self, command):
        """PASV, then command over a plain data connection; its bytes."""
        r = self.cmd('PASV', '227')
        nums = [int(n) for n in re.search(r'\((\d+(?:,\d+){5})\)', r).group(1).split(',')]
        data = socket.create_connection(('127.0.0.1', nums[4] * 256 + nums[5]), timeout=30)
        self.cmd(command, '150')
        got = recv_all(data)
        self.expect('226')
        return got

    def close(self):
        self.sock.close()


def port_transfer(c, command):
    """PORT to a socket of ours, then command; the bytes received."""
    lsock = socket.socket()
    lsock.bind(('127.0.0.1', 0))
    lsock.listen(1)
    port = lsock.getsockname()[1]
    c.cmd('PORT 127,0,0,1,%d,%d' % (port >> 8, port & 255), '200')
    c.cmd(command, '150')
    lsock.settimeout(30)
    data, _ = lsock.accept()
    lsock.close()
    got = recv_all(data)
    c.expect('226')
    return got


def stack_limited_ftpd(dirname, kib):
    """A wrapper that runs ftpd under a small stack (threads get it too)."""
    path = os.path.join(dirname, 'ftpd-small-stack')
    with open(path, 'w') as f:
        f.write('#!/bin/sh\nulimit -s %d || exit 1\nexec %s "$@"\n' % (kib, H.FTPD))
    os.chmod(path, 0o755)
    return path


class PipelinedAfterTransfer(unittest.TestCase):
    """After a passive transfer the session is out of passive mode: every
    further transfer command gets 425 at once, in order, and no failure
    path re-enters command processing (one stack level per command)."""

    N = 3000

    def run_pipeline(self, srv, tls):
        srv.write('alice/a.txt', b'x')
        c = Control(srv.port)
        if tls:
            c.auth_tls()
        c.login()
        self.assertIn(b'a.txt', c.pasv_transfer('NLST'))
        c.sock.sendall(b'NLST\r\n' * self.N)
        for i in range(self.N):
            r = c.reply()
            self.assertEqual(r, '425 Use PORT or PASV first.', 'reply %d' % i)
        c.cmd('NOOP', '200')
        c.close()
        self.assertIsNone(srv.proc.poll(), 'ftpd died')
        # The server still serves a new session.
        c = Control(srv.port)
        c.login()
        self.assertIn(b'a.txt', c.pasv_transfer('NLST'))
        c.close()

    def test_port_serves_one_transfer(self):
        srv = H.start_ftpd()
        try:
            srv.write('alice/a.txt', b'x')
            c = Control(srv.port)
            c.login()
            self.assertIn(b'a.txt', port_transfer(c, 'NLST'))
            c.sock.sendall(b'NLST\r\nRETR a.txt\r\nNOOP\r\n')
            self.assertEqual(c.reply(), '425 Use PORT or PASV first.')
            self.assertEqual(c.reply(), '425 Use PORT or PASV first.')
            self.assertTrue(c.reply().startswith('200'))
            # A new PORT works again.
            self.assertEqual(port_transfer(c, 'RETR a.txt'), b'x')
            c.close()
        except BaseException:
            srv.dump_log()
            raise
        finally:
            srv.cleanup()

    def test_pipelined_nlst_after_pasv_transfer_over_auth_tls(self):
        srv = H.start_ftpd(extra=tls_args())
        try:
            self.run_pipeline(srv, tls=True)
        except BaseException:
            srv.dump_log()
            raise
        finally:
            srv.cleanup()

    def test_pipelined_nlst_after_pasv_transfer_plain_small_stack(self):
        srv = H.Server()
        saved = H.FTPD
        H.FTPD = stack_limited_ftpd(srv.dir, 512)
        try:
            srv.start()
        finally:
            H.FTPD = saved
        try:
            self.run_pipeline(srv, tls=False)
        except BaseException:
            srv.dump_log()
            raise
        finally:
            srv.cleanup()


def rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    raise AssertionError('no VmRSS')


class UnreadReplies(unittest.TestCase):
    """A client that sends commands and never reads the replies: every
    control transport stops reading while its output is backed up, so the
    server's memory stays bounded and it keeps serving others."""

    MB = 16
    LIMIT_KIB = 64 * 1024

    @classmethod
    def setUpClass(cls):
        # Under ASan, freed memory waits in a quarantine (256 MB) instead
        # of being reused, so RSS would measure churn, not what is held.
        saved = os.environ.get('ASAN_OPTIONS')
        if saved is not None:
            os.environ['ASAN_OPTIONS'] = saved + ':quarantine_size_mb=1'
        try:
            cls.srv = H.start_ftpd(extra=tls_args('--implicit-tls-port', '0'))
        finally:
            if saved is not None:
                os.environ['ASAN_OPTIONS'] = saved

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def flood(self, mode):
        port = implicit_port(self.srv) if mode == 'implicit' else self.srv.port
        c = Control(port, implicit=(mode == 'implicit'))
        if mode == 'auth':
            c.auth_tls()
        before = rss_kib(self.srv.proc.pid)
        chunk = b'HELP\r\n' * 10000
        sent = 0
        c.sock.settimeout(0.5)
        deadline = time.monotonic() + 60
        # Send until the server stops taking bytes (TCP pushes back) or
        # the whole flood is in; either way it must stay small.
        stalled = 0
        while sent < self.MB << 20 and time.monotonic() < deadline:
            try:
                c.sock.sendall(chunk)
                sent += len(chunk)
                stalled = 0
            except (socket.timeout, ssl.SSLWantWriteError):
                stalled += 1
                if stalled >= 6:
                    break
        grown = rss_kib(self.srv.proc.pid) - before
        self.assertLess(grown, self.LIMIT_KIB,
                        '%s: RSS grew by %d KiB after %d bytes sent' % (mode, grown, sent))
        # Others are still served meanwhile.
        other = Control(self.srv.port, timeout=10)
        other.login()
        other.cmd('NOOP', '200')
        other.close()
        c.close()
        self.assertIsNone(self.srv.proc.poll(), 'ftpd died')

    def test_unread_replies_bounded_plain(self):
        self.flood('plain')

    def test_unread_replies_bounded_auth_tls(self):
        self.flood('auth')

    def test_unread_replies_bounded_implicit_tls(self):
        self.flood('implicit')


class SequenceRules(unittest.TestCase):
    """The dispatcher, not the handlers, answers 503 for commands out of
    order: PBSZ before AUTH TLS, PROT before PBSZ, AUTH TLS twice, and
    PASV/PORT/EPRT after EPSV ALL."""

    def test_dispatcher_answers_503_for_sequence_rules(self):
        srv = H.start_ftpd(extra=tls_args())
        try:
            c = Control(srv.port)
            self.assertEqual(c.cmd('PBSZ 0', '503'), '503 PBSZ needs AUTH TLS first.')
            c.auth_tls()
            self.assertEqual(c.cmd('PROT P', '503'),
                             '503 PROT needs AUTH TLS and PBSZ first.')
            self.assertEqual(c.cmd('AUTH TLS', '503'), '503 Already using TLS.')
            c.cmd('PBSZ 0', '200')
            c.cmd('PROT P', '200')
            c.login()
            c.cmd('EPSV ALL', '200')
            for verb in ('PASV', 'PORT 127,0,0,1,200,10', 'EPRT |1|127.0.0.1|51210|'):
                self.assertEqual(c.cmd(verb, '503'),
                                 '503 %s not allowed after EPSV ALL.' % verb.split()[0])
            c.close()
        except BaseException:
            srv.dump_log()
            raise
        finally:
            srv.cleanup()

    def test_dispatcher_answers_530_for_stat_path_and_550_for_site_chmod(self):
        srv = H.start_ftpd()
        try:
            srv.write('bob/f.txt', b'x')
            c = Control(srv.port)
            # STAT alone works before login; STAT with a path needs one.
            self.assertTrue(c.cmd('STAT', '211').startswith('211 End'))
            self.assertEqual(c.cmd('STAT /', '530'),
                             '530 Please login with USER and PASS.')
            c.login('bob')      # read-only
            self.assertEqual(c.cmd('SITE CHMOD 600 f.txt', '550'),
                             '550 Permission denied.')
            self.assertTrue(c.cmd('SITE HELP', '214').startswith('214 Help OK'))
            c.close()
            with open(srv.log, errors='replace') as f:
                self.assertIn('SITE CHMOD 600 f.txt refused: read-only '
                              'account', f.read())
        except BaseException:
            srv.dump_log()
            raise
        finally:
            srv.cleanup()


class SmallTransfers(unittest.TestCase):
    """A download that ends at once sends its 150 with its 226 (one write,
    one wake-up of the client; issue 13): every other path must still
    send the 150 before it waits for the client."""

    @classmethod
    def setUpClass(cls):
        cls.srv = H.start_ftpd()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def pasv_port(self, c):
        r = c.cmd('PASV', '227')
        nums = [int(n) for n in re.search(r'\((\d+(?:,\d+){5})\)', r).group(1).split(',')]
        return nums[4] * 256 + nums[5]

    def test_client_that_connects_after_the_150_gets_its_file(self):
        data = os.urandom(5000)
        self.srv.write('alice/late.bin', data)
        c = Control(self.srv.port)
        c.login()
        c.cmd('TYPE I', '200')
        port = self.pasv_port(c)
        # The server cannot hold the 150 back for the 226 here.
        c.cmd('RETR late.bin', '150')
        d = socket.create_connection(('127.0.0.1', port), timeout=30)
        got = recv_all(d)
        c.expect('226')
        self.assertEqual(H.sha256(got), H.sha256(data))
        c.close()

    def test_many_small_downloads_and_uploads_on_one_session(self):
        files = {'s%03d' % i: os.urandom(4096 + i) for i in range(50)}
        for name, data in files.items():
            self.srv.write('alice/' + name, data)
        c = Control(self.srv.port)
        c.login()
        c.cmd('TYPE I', '200')
        for name, data in files.items():
            self.assertEqual(H.sha256(c.pasv_transfer('RETR ' + name)), H.sha256(data))
        for name, data in files.items():
            port = self.pasv_port(c)
            d = socket.create_connection(('127.0.0.1', port), timeout=30)
            c.cmd('STOR up-' + name, '150')
            d.sendall(data)
            d.close()
            c.expect('226')
            self.assertEqual(self.srv.read('alice/up-' + name), data)
        c.close()

    def test_download_ends_at_the_size_its_150_announced(self):
        # A file that grows during its download: the client gets the
        # bytes the 150 announced, no more.
        # Larger than the socket buffers hold: the server is still at it
        # when the file grows, since nothing is read before.
        data = os.urandom(32 << 20)
        self.srv.write('alice/grows.bin', data)
        c = Control(self.srv.port)
        c.login()
        c.cmd('TYPE I', '200')
        port = self.pasv_port(c)
        d = socket.create_connection(('127.0.0.1', port), timeout=30)
        r = c.cmd('RETR grows.bin', '150')
        self.assertIn('(%d bytes)' % len(data), r)
        with open(self.srv.path('alice/grows.bin'), 'ab') as f:
            f.write(b'x' * (1 << 20))
        got = recv_all(d)
        c.expect('226')
        self.assertEqual(len(got), len(data))
        self.assertEqual(H.sha256(got), H.sha256(data))
        c.close()


if __name__ == '__main__':
    H.run_suite('test_dataconn')
