"""FTPS (RFC 4217) against the real ftpd: curl (--ssl-reqd and implicit
ftps://), Python's ftplib.FTP_TLS with and without session reuse, lftp,
the tls=required policy, the data-connection session-reuse check (a data
connection may resume only its own control connection's session), the
STARTTLS command-injection class, CCC, and old protocol versions."""
import ftplib
import io
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402

TOOLS = os.environ.get('TOOLS', os.path.join(os.path.dirname(__file__), '..', '..', 'tools'))
CERTS = tempfile.mkdtemp(prefix='ftpd-certs.')
subprocess.run([os.path.join(TOOLS, 'make-cert'), CERTS], check=True,
               capture_output=True, timeout=60)
CERT = os.path.join(CERTS, 'cert.pem')
KEY = os.path.join(CERTS, 'key.pem')


def tls_args(mode='optional', *more):
    return ['--tls', mode, '--tls-cert', CERT, '--tls-key', KEY] + list(more)


def make_context():
    ctx = ssl.create_default_context(cafile=CERT)
    ctx.check_hostname = False  # we connect by address
    return ctx


# One context for all: Python resumes sessions only within a context.
CTX = make_context()


def client_context():
    return CTX


ReusingFTP_TLS = H.ReusingFTP_TLS


class ResumingFTP_TLS(ReusingFTP_TLS):
    """ReusingFTP_TLS whose control connection offers a saved session."""

    def __init__(self, *args, resume=None, **kw):
        super().__init__(*args, **kw)
        self.resume = resume

    def auth(self):
        resp = self.voidcmd('AUTH TLS')
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.host,
                                             session=self.resume)
        self.file = self.sock.makefile(mode='r', encoding=self.encoding)
        return resp


def ftps(srv, cls=ftplib.FTP_TLS, prot_p=True):
    f = cls(context=client_context())
    f.connect('127.0.0.1', srv.port, timeout=20)
    f.login('alice', H.PASSWORD)
    if prot_p:
        f.prot_p()
    return f


def implicit_port(srv):
    with open(srv.log) as f:
        for line in f:
            if 'implicit TLS' in line and 'ready on' in line:
                return int(line.split(' port ')[1].split()[0])
    raise AssertionError('no implicit TLS ready line')


class Server:
    def __init__(self, *extra):
        self.srv = H.start_ftpd(extra=list(extra))

    def __enter__(self):
        return self.srv

    def __exit__(self, *exc):
        if exc[0] is not None:
            self.srv.dump_log()
        self.srv.cleanup()


class Optional(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = H.start_ftpd(extra=tls_args('optional', '--implicit-tls-port', '0'))
        cls.data = os.urandom(3 << 20)
        cls.srv.write('alice/blob.bin', cls.data)

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def curl(self, *args):
        return subprocess.run(['curl', '-sS', '--cacert', CERT, '--max-time', '30'] + list(args),
                              capture_output=True, timeout=60)

    def test_feat_offers_tls(self):
        f = ftplib.FTP()
        f.connect('127.0.0.1', self.srv.port, timeout=10)
        feat = f.sendcmd('FEAT')
        for line in (' AUTH TLS', ' PBSZ', ' PROT'):
            self.assertIn(line, feat)
        f.close()

    def test_curl_ssl_reqd_download_upload_list(self):
        url = 'ftp://alice:%s@localhost:%d/' % (H.PASSWORD, self.srv.port)
        r = self.curl('--ssl-reqd', url + 'blob.bin')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(H.sha256(r.stdout), H.sha256(self.data))
        with tempfile.NamedTemporaryFile() as t:
            t.write(self.data[:100000])
            t.flush()
            r = self.curl('--ssl-reqd', '-T', t.name, url + 'up-curl.bin')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.srv.read('alice/up-curl.bin'), self.data[:100000])
        r = self.curl('--ssl-reqd', url)
        self.assertIn(b'blob.bin', r.stdout)

    def test_curl_implicit(self):
        url = 'ftps://alice:%s@localhost:%d/blob.bin' % (H.PASSWORD, implicit_port(self.srv))
        r = self.curl(url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(H.sha256(r.stdout), H.sha256(self.data))

    def test_ftplib_without_reuse_gets_522(self):
        f = ftps(self.srv)
        with self.assertRaises(ftplib.error_perm) as cm:
            f.nlst()
        self.assertTrue(str(cm.exception).startswith('522'), cm.exception)
        # The session goes on.
        self.assertTrue(f.voidcmd('NOOP').startswith('200'))
        f.close()

    def test_ftplib_with_reuse(self):
        f = ftps(self.srv, ReusingFTP_TLS)
        got = bytearray()
        f.retrbinary('RETR blob.bin', got.extend)
        self.assertEqual(H.sha256(bytes(got)), H.sha256(self.data))
        f.storbinary('STOR up-ftplib.bin', io.BytesIO(self.data))
        self.assertEqual(H.sha256(self.srv.read('alice/up-ftplib.bin')), H.sha256(self.data))
        lines = []
        f.retrlines('LIST', lines.append)
        self.assertTrue(any(l.endswith(' blob.bin') for l in lines), lines)
        f.voidcmd('TYPE A')
        f.storlines('STOR text.txt', io.BytesIO(b'a\nb\n'))
        self.assertEqual(self.srv.read('alice/text.txt'), b'a\nb\n')
        f.quit()

    def test_data_cannot_resume_another_sessions_tls(self):
        a = ftps(self.srv, ReusingFTP_TLS)
        b = ftps(self.srv)
        # b's data connection offers a's session: it must not resume.
        b.voidcmd('TYPE I')
        host, port = ftplib.parse229(b.sendcmd('EPSV'), b.sock.getpeername())
        raw = socket.create_connection((host, port), timeout=10)
        b.putcmd('NLST')
        self.assertTrue(b.getresp().startswith('150'))
        try:
            tls = client_context().wrap_socket(raw, session=a.sock.session)
            self.assertFalse(tls.session_reused)
            tls.recv(100)
            tls.close()
        except (ssl.SSLError, OSError):
            pass
        with self.assertRaises(ftplib.error_perm) as cm:
            b.voidresp()
        self.assertTrue(str(cm.exception).startswith('522'), cm.exception)
        a.close()
        b.close()

    def test_control_connection_resumes_on_reconnect(self):
        # A client that comes back with its session (ticket) skips the
        # full handshake, and its data connections resume in turn.
        for version in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
            ctx = make_context()
            ctx.maximum_version = version
            first = ResumingFTP_TLS(context=ctx)
            first.connect('127.0.0.1', self.srv.port, timeout=20)
            first.login('alice', H.PASSWORD)
            self.assertFalse(first.sock.session_reused)
            first.prot_p()
            got = bytearray()
            first.retrbinary('RETR blob.bin', got.extend)
            self.assertEqual(H.sha256(bytes(got)), H.sha256(self.data))
            saved = first.sock.session
            first.quit()
            again = ResumingFTP_TLS(context=ctx, resume=saved)
            again.connect('127.0.0.1', self.srv.port, timeout=20)
            again.login('alice', H.PASSWORD)
            self.assertTrue(again.sock.session_reused, version)
            again.prot_p()
            got = bytearray()
            again.retrbinary('RETR blob.bin', got.extend)
            self.assertEqual(H.sha256(bytes(got)), H.sha256(self.data), version)
            again.storbinary('STOR resumed.bin', io.BytesIO(self.data))
            self.assertEqual(H.sha256(self.srv.read('alice/resumed.bin')),
                             H.sha256(self.data), version)
            again.quit()

    def test_data_handshake_completed_before_the_command(self):
        # Some clients finish the data TLS handshake, then send RETR.
        f = ftps(self.srv, ReusingFTP_TLS)
        f.voidcmd('TYPE I')
        host, port = ftplib.parse229(f.sendcmd('EPSV'), f.sock.getpeername())
        raw = socket.create_connection((host, port), timeout=10)
        tls = client_context().wrap_socket(raw, session=f.sock.session)
        self.assertTrue(tls.session_reused)
        f.putcmd('RETR blob.bin')
        self.assertTrue(f.getresp().startswith('150'))
        got = bytearray()
        while True:
            b = tls.recv(1 << 16)
            if not b:
                break
            got.extend(b)
        tls.close()
        self.assertTrue(f.voidresp().startswith('226'))
        self.assertEqual(H.sha256(bytes(got)), H.sha256(self.data))
        # And for an upload.
        host, port = ftplib.parse229(f.sendcmd('EPSV'), f.sock.getpeername())
        tls = client_context().wrap_socket(
            socket.create_connection((host, port), timeout=10),
            session=f.sock.session)
        f.putcmd('STOR early.bin')
        self.assertTrue(f.getresp().startswith('150'))
        tls.sendall(self.data[:70000])
        tls.unwrap().close()
        self.assertTrue(f.voidresp().startswith('226'))
        self.assertEqual(self.srv.read('alice/early.bin'), self.data[:70000])
        f.quit()

    def test_plain_session_still_allowed(self):
        f = ftplib.FTP()
        f.connect('127.0.0.1', self.srv.port, timeout=10)
        f.login('alice', H.PASSWORD)
        self.assertIn('blob.bin', f.nlst())
        f.quit()

    def test_commands_after_auth_in_same_packet_are_discarded(self):
        s = socket.create_connection(('127.0.0.1', self.srv.port), timeout=10)
        fr = s.makefile('rb')
        self.assertTrue(fr.readline().startswith(b'220'))
        s.sendall(b'AUTH TLS\r\nUSER alice\r\nPASS secret\r\n')
        self.assertTrue(fr.readline().startswith(b'234'))
        tls = client_context().wrap_socket(s)
        tf = tls.makefile('rb')
        tls.sendall(b'PWD\r\n')
        # Had the injected USER/PASS run, PWD would answer 257.
        self.assertTrue(tf.readline().startswith(b'530'))
        tls.close()

    def test_ccc_refused_and_sequence_rules(self):
        f = ftplib.FTP()
        f.connect('127.0.0.1', self.srv.port, timeout=10)
        with self.assertRaises(ftplib.error_perm) as cm:
            f.sendcmd('PBSZ 0')
        self.assertTrue(str(cm.exception).startswith('503'))
        with self.assertRaises(ftplib.error_perm) as cm:
            f.sendcmd('AUTH KERBEROS')
        self.assertTrue(str(cm.exception).startswith('504'))
        f.close()
        f = ftps(self.srv, ReusingFTP_TLS, prot_p=False)
        with self.assertRaises(ftplib.error_perm) as cm:
            f.sendcmd('CCC')
        self.assertTrue(str(cm.exception).startswith('533'))
        f.sendcmd('PBSZ 0')
        with self.assertRaises(ftplib.error_perm) as cm:
            f.sendcmd('PROT S')
        self.assertTrue(str(cm.exception).startswith('536'))
        with self.assertRaises(ftplib.error_perm) as cm:
            f.sendcmd('AUTH TLS')
        self.assertTrue(str(cm.exception).startswith('503'))
        f.quit()

    def test_old_tls_versions_refused(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        try:
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
            ctx.set_ciphers('ALL:@SECLEVEL=0')
        except (ValueError, ssl.SSLError):
            self.skipTest('this OpenSSL cannot even offer TLS 1.1')
        s = socket.create_connection(('127.0.0.1', self.srv.port), timeout=10)
        fr = s.makefile('rb')
        fr.readline()
        s.sendall(b'AUTH TLS\r\n')
        self.assertTrue(fr.readline().startswith(b'234'))
        with self.assertRaises((ssl.SSLError, OSError)):
            ctx.wrap_socket(s).sendall(b'NOOP\r\n')
        s.close()

    def test_lftp(self):
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run(
                ['lftp', '-c',
                 'set ssl:ca-file %s; set ssl:check-hostname no; '
                 'set ftp:ssl-force yes; set ftp:ssl-protect-data yes; '
                 'set net:max-retries 1; set net:timeout 10; '
                 'open -u alice,%s -p %d 127.0.0.1; get blob.bin -o %s/b; '
                 'put %s/b -o lftp-up.bin'
                 % (CERT, H.PASSWORD, self.srv.port, d, d)],
                capture_output=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(d, 'b'), 'rb') as f:
                self.assertEqual(H.sha256(f.read()), H.sha256(self.data))
        self.assertEqual(H.sha256(self.srv.read('alice/lftp-up.bin')), H.sha256(self.data))


class NoReuseRequired(unittest.TestCase):
    def test_stock_ftplib_works_when_reuse_is_off(self):
        with Server(*tls_args('optional', '--set', 'tls_require_reuse=no')) as srv:
            data = os.urandom(500000)
            srv.write('alice/x.bin', data)
            f = ftps(srv)
            got = bytearray()
            f.retrbinary('RETR x.bin', got.extend)
            self.assertEqual(bytes(got), data)
            f.storbinary('STOR y.bin', io.BytesIO(data))
            self.assertEqual(srv.read('alice/y.bin'), data)
            f.quit()


class Required(unittest.TestCase):
    def test_policy(self):
        with Server(*tls_args('required')) as srv:
            f = ftplib.FTP()
            f.connect('127.0.0.1', srv.port, timeout=10)
            with self.assertRaises(ftplib.error_perm) as cm:
                f.login('alice', H.PASSWORD)
            self.assertTrue(str(cm.exception).startswith('530'))
            f.close()
            f = ftps(srv, ReusingFTP_TLS, prot_p=False)
            with self.assertRaises(ftplib.error_perm) as cm:
                f.nlst()  # PROT C: no data transfer
            self.assertTrue(str(cm.exception).startswith('521'))
            f.sendcmd('PBSZ 0')
            with self.assertRaises(ftplib.error_perm) as cm:
                f.sendcmd('PROT C')
            self.assertTrue(str(cm.exception).startswith('534'))
            f.prot_p()
            self.assertEqual(f.nlst(), [])
            f.quit()

    def test_tls_off_hides_commands(self):
        with Server() as srv:
            f = ftplib.FTP()
            f.connect('127.0.0.1', srv.port, timeout=10)
            self.assertNotIn('AUTH', f.sendcmd('FEAT'))
            with self.assertRaises(ftplib.error_perm) as cm:
                f.sendcmd('AUTH TLS')
            self.assertTrue(str(cm.exception).startswith('502'))
            f.close()


class Startup(unittest.TestCase):
    def test_tls_without_cert_refused(self):
        r = subprocess.run([H.FTPD, '--foreground', '--port', '0', '--root', '/tmp',
                            '--anonymous', '--tls', 'optional'] + H.run_as_args(),
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        self.assertIn('needs a certificate', r.stderr)

    def test_bad_key_refused(self):
        r = subprocess.run([H.FTPD, '--foreground', '--port', '0', '--listen', '127.0.0.1',
                            '--root', '/tmp', '--anonymous', '--tls', 'optional',
                            '--tls-cert', CERT, '--tls-key', CERT] + H.run_as_args(),
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 1)
        self.assertIn('tls_key', r.stderr)


if __name__ == '__main__':
    try:
        H.run_suite('test_ftps')
    finally:
        import shutil
        shutil.rmtree(CERTS, ignore_errors=True)
