"""ftpc over FTPS (RFC 4217): --tls (AUTH TLS, PBSZ 0, PROT P),
--tls-implicit and ftps:// URLs, certificate checks (--cacert, the
system store, the name or address the user gave, --insecure).

Against the real ftpd, which by default requires a data connection to
resume its control connection's TLS session: every shared case of
FtpcCases (get, put, globs, mirror, pget on parallel sessions, resume,
ASCII, active mode) runs again over TLS, plus implicit TLS, the
tls=required policy and the certificate failures with their exit status.

Against pyftpdlib's TLS_FTPHandler, which resets a data connection whose
TLS handshake begins before its 150 reply (shown here with a bare client
that does just that): ftpc's transfers there, passive and active, prove
that ftpc starts the handshake after the 1xx reply; with TLS 1.3 tickets
and with TLS 1.2 session IDs, ftpc's debug output shows the data
connection resuming the control session.
"""
import ftplib
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpc_cases  # noqa: E402
import ftpharness  # noqa: E402
import pyftpd_helper  # noqa: E402
from ftpc_cases import (FtpcCases, ftpc, blob, sha_file,  # noqa: E402
                        EXIT_USAGE, EXIT_CONNECT, EXIT_LOGIN)
from test_ftpc_e2e import FtpdBase  # noqa: E402
from test_ftpc_pyftpdlib import PyftpdlibBase  # noqa: E402

TOOLS = os.environ.get('TOOLS', os.path.join(os.path.dirname(
    os.path.abspath(__file__)), '..', '..', 'tools'))
CERTS = tempfile.mkdtemp(prefix='ftpc-tls-certs.')
subprocess.run([os.path.join(TOOLS, 'make-cert'), CERTS], check=True,
               capture_output=True, timeout=60)
CERT = os.path.join(CERTS, 'cert.pem')
KEY = os.path.join(CERTS, 'key.pem')
# A pair that is trusted (with --cacert) but names another host.
OTHER_CERT = os.path.join(CERTS, 'other-cert.pem')
OTHER_KEY = os.path.join(CERTS, 'other-key.pem')
subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30',
                '-subj', '/CN=other.example', '-addext',
                'subjectAltName=DNS:other.example', '-keyout', OTHER_KEY,
                '-out', OTHER_CERT], check=True, capture_output=True,
               timeout=60)

TLS = ['--tls', '--cacert', CERT]


def ftpd_tls(mode='optional', cert=CERT, key=KEY, *more):
    return ['--tls', mode, '--tls-cert', cert, '--tls-key', key] + list(more)


def assert_handshake_after_1xx(test, out):
    """In ftpc -d output: the data TLS handshake follows RETR's 1xx."""
    retr = out.index('---> RETR')
    m = re.compile(r'^1(25|50) ', re.M).search(out, retr)
    test.assertIsNotNone(m, out)
    test.assertLess(m.start(), out.index('data TLS:', retr))


def implicit_port(server):
    """The port of ftpd's second ready line, "... (implicit TLS)"."""
    with open(server.log) as f:
        for line in f:
            if 'ready on' in line and 'implicit TLS' in line:
                return int(line.split(' port ')[1].split()[0])
    raise AssertionError('ftpd printed no implicit TLS ready line')


class TlsFtpdBase(FtpdBase):
    """ftpd with TLS optional, an implicit TLS port, reuse required."""
    extra = ftpd_tls('optional', CERT, KEY, '--implicit-tls-port', '0')

    @classmethod
    def setUpClass(cls):
        cls.server = ftpharness.start_ftpd(cls.host, extra=cls.extra)
        cls.dir = tempfile.mkdtemp(prefix='ftpc-tls.')


class SharedCasesOverTls(TlsFtpdBase, FtpcCases):
    """Every shared case, each ftpc run given --tls --cacert CERT."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ftpc_cases.OPTIONS[:] = TLS

    @classmethod
    def tearDownClass(cls):
        ftpc_cases.OPTIONS[:] = []
        super().tearDownClass()


class FtpdTls(TlsFtpdBase):
    def setUp(self):
        super().setUp()
        self.data = blob(2 * 1024 * 1024 + 5, 41)
        self.put_remote('blob.bin', self.data)

    def check_get_put_ls(self, opts, url, up):
        r = ftpc(opts + ['get', url('blob.bin'), 'got.bin'], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sha_file(os.path.join(self.tmp, 'got.bin')),
                         ftpharness.sha256(self.data))
        r = ftpc(opts + ['put', 'got.bin', url(up)], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sha_file(self.rpath(up)), ftpharness.sha256(self.data))
        r = ftpc(opts + ['ls', url('')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('blob.bin', r.stdout)
        self.assertIn(up, r.stdout)

    def test_explicit_passive_and_active(self):
        self.check_get_put_ls(TLS, self.url, 'up-passive.bin')
        self.check_get_put_ls(TLS + ['--active'], self.url, 'up-active.bin')

    def test_debug_shows_auth_prot_and_resumed_data_session(self):
        r = ftpc(TLS + ['-d', 'get', self.url('blob.bin'), 'd.bin'], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout
        # AUTH TLS before USER; PBSZ 0 and PROT P before any data command.
        self.assertLess(out.index('---> AUTH TLS'), out.index('---> USER'))
        self.assertIn('---> PBSZ 0', out)
        self.assertLess(out.index('---> PROT P'), out.index('---> RETR'))
        self.assertIn('session resumed', out)
        assert_handshake_after_1xx(self, out)
        self.assertNotIn('new session', out)

    def test_implicit_url_and_option(self):
        port = implicit_port(self.server)
        self.check_get_put_ls(
            ['--cacert', CERT],
            lambda p: 'ftps://alice:secret@127.0.0.1:%d/%s' % (port, p),
            'up-implicit.bin')
        path = os.path.join(self.tmp, 'script')
        with open(path, 'w') as f:
            f.write('status\nget blob.bin via-option.bin\n')
        r = ftpc(['--tls-implicit', '--cacert', CERT, '-u', 'alice:secret',
                  '-b', path, '127.0.0.1', str(port)], self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('TLS: implicit, TLSv1.', r.stdout)
        self.assertEqual(sha_file(os.path.join(self.tmp, 'via-option.bin')),
                         ftpharness.sha256(self.data))
        # Plain FTP on the implicit port is not FTP at all.
        r = ftpc(['-t', '2', 'ls', 'ftp://alice:secret@127.0.0.1:%d/' % port],
                 self.tmp)
        self.assertEqual(r.returncode, EXIT_CONNECT, r.stderr)

    def test_status_shows_tls(self):
        path = os.path.join(self.tmp, 'script')
        with open(path, 'w') as f:
            f.write('status\nclose\nstatus\n')
        r = ftpc(TLS + ['-b', path, self.url()], self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r'TLS: explicit \(AUTH TLS\), TLSv1\.[23], '
                         r'\S+; certificate verified; data connections '
                         r'protected \(PROT P\)')
        self.assertIn('TLS: explicit (AUTH TLS), when connecting', r.stdout)
        r = ftpc(['-b', path, self.url()], self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('TLS: off', r.stdout)

    def test_unverified_certificate_is_a_connect_error(self):
        # Self-signed, and not in the system's store.
        for args in (['--tls', 'ls', self.url()],
                     ['ls', 'ftps://alice:secret@127.0.0.1:%d/'
                      % implicit_port(self.server)]):
            r = ftpc(args, self.tmp)
            self.assertEqual(r.returncode, EXIT_CONNECT, r.stderr)
            self.assertIn('certificate', r.stderr)
            self.assertIn('self-signed', r.stderr)
        r = ftpc(['--tls', 'get', self.url('blob.bin')], self.tmp)
        self.assertEqual(r.returncode, EXIT_CONNECT, r.stderr)
        self.assertEqual(os.listdir(self.tmp), [])

    def test_insecure(self):
        r = ftpc(['--tls', '--insecure', 'get', self.url('blob.bin')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('warning', r.stderr)
        self.assertIn('not checked', r.stderr)
        self.assertEqual(sha_file(os.path.join(self.tmp, 'blob.bin')),
                         ftpharness.sha256(self.data))
        r = ftpc(['-q', '--tls', '--insecure', 'ls', self.url()], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, '')
        path = os.path.join(self.tmp, 'script')
        with open(path, 'w') as f:
            f.write('status\n')
        r = ftpc(['--tls', '--insecure', '-b', path, self.url()], self.tmp)
        self.assertIn('certificate NOT verified (--insecure)', r.stdout)

    def test_bad_cacert_is_a_usage_error(self):
        r = ftpc(['--tls', '--cacert', '/nonexistent/ca.pem', 'ls', self.url()],
                 self.tmp)
        self.assertEqual(r.returncode, EXIT_USAGE, r.stderr)
        self.assertIn('--cacert', r.stderr)
        notpem = os.path.join(self.tmp, 'not.pem')
        with open(notpem, 'w') as f:
            f.write('not a certificate\n')
        r = ftpc(['--tls', '--cacert', notpem, 'ls', self.url()], self.tmp)
        self.assertEqual(r.returncode, EXIT_USAGE, r.stderr)

    def test_auth_tls_refused_by_a_plain_server(self):
        plain = ftpharness.start_ftpd()
        try:
            r = ftpc(TLS + ['ls', plain.url()], self.tmp)
            self.assertEqual(r.returncode, EXIT_CONNECT, r.stderr)
            self.assertIn('AUTH TLS', r.stderr)
        finally:
            plain.cleanup()


class FtpdTlsRequired(TlsFtpdBase):
    extra = ftpd_tls('required')

    def test_plain_refused_tls_works(self):
        self.put_remote('r.bin', blob(300000, 42))
        r = ftpc(['get', self.url('r.bin')], self.tmp)
        self.assertEqual(r.returncode, EXIT_LOGIN, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'r.bin')))
        r = ftpc(TLS + ['get', self.url('r.bin')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sha_file(os.path.join(self.tmp, 'r.bin')),
                         sha_file(self.rpath('r.bin')))
        path = os.path.join(self.tmp, 'script')
        with open(path, 'w') as f:
            f.write('mkdir m\nput r.bin m/r.bin\npget -n 3 m/r.bin p.bin\n'
                    'mirror --parallel 2 m mcopy\n')
        r = ftpc(TLS + ['-b', path, self.url()], self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for local in ('p.bin', 'mcopy/r.bin'):
            self.assertEqual(sha_file(os.path.join(self.tmp, local)),
                             sha_file(self.rpath('r.bin')))


class FtpdWrongName(TlsFtpdBase):
    """A trusted certificate for other.example: the name must match."""
    extra = ftpd_tls('optional', OTHER_CERT, OTHER_KEY)

    def test_name_and_address_are_checked(self):
        opts = ['--tls', '--cacert', OTHER_CERT]
        r = ftpc(opts + ['ls', self.url()], self.tmp)
        self.assertEqual(r.returncode, EXIT_CONNECT, r.stderr)
        self.assertIn('IP address mismatch', r.stderr)
        r = ftpc(opts + ['ls', 'ftp://alice:secret@localhost:%d/'
                         % self.server.port], self.tmp)
        self.assertEqual(r.returncode, EXIT_CONNECT, r.stderr)
        self.assertIn('hostname mismatch', r.stderr)
        r = ftpc(opts + ['--insecure', '-q', 'ls', self.url()], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)


class PyftpdlibTls(PyftpdlibBase):
    flags = ('--tls', CERT, KEY)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = blob(3 * 1024 * 1024 + 7, 43)
        with open(os.path.join(cls.root, 'blob.bin'), 'wb') as f:
            f.write(cls.data)

    def transfer_both_ways(self, opts):
        r = ftpc(TLS + ['-d'] + opts + ['get', self.url('blob.bin'), 'g.bin'],
                 self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(sha_file(os.path.join(self.tmp, 'g.bin')),
                         ftpharness.sha256(self.data))
        out = r.stdout
        assert_handshake_after_1xx(self, out)
        self.assertIn('session resumed', out)
        name = 'up%s.bin' % ''.join(opts).replace('-', '_')
        r = ftpc(TLS + opts + ['put', 'g.bin', self.url(name)], self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(sha_file(os.path.join(self.root, name)),
                         ftpharness.sha256(self.data))
        r = ftpc(TLS + opts + ['ls', self.url()], self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(name, r.stdout)
        return out

    def test_passive(self):
        out = self.transfer_both_ways([])
        self.assertIn('TLS: TLSv1.3', out)

    def test_active(self):
        self.transfer_both_ways(['--active'])

    def test_plain_client_refused(self):
        r = ftpc(['ls', self.url()], self.tmp)
        self.assertEqual(r.returncode, EXIT_LOGIN, r.stderr)

    def test_early_handshake_is_reset(self):
        """The control experiment: a client that starts the data
        connection's handshake before the 150 reply (as curl does) is
        reset by this server, so ftpc's passing transfers above show its
        handshake comes after the reply."""
        ctx = ssl.create_default_context(cafile=CERT)
        ctx.check_hostname = False
        f = ftplib.FTP_TLS(context=ctx)
        f.connect('127.0.0.1', self.server.port, timeout=10)
        try:
            f.login('alice', pyftpd_helper.PASSWORD)
            f.prot_p()
            f.voidcmd('TYPE I')
            port = int(f.sendcmd('EPSV').split('|')[3])
            raw = socket.create_connection(('127.0.0.1', port), timeout=10)
            result = {}

            def handshake():
                try:
                    result['conn'] = ctx.wrap_socket(
                        raw, server_hostname='127.0.0.1',
                        session=f.sock.session)
                except (OSError, ssl.SSLError) as e:
                    result['error'] = e

            t = threading.Thread(target=handshake)
            t.start()
            t.join(3)
            f.putcmd('RETR blob.bin')
            t.join(10)
            self.assertIn('error', result, 'an early handshake succeeded')
            raw.close()
        finally:
            f.close()


class PyftpdlibTls12(PyftpdlibTls):
    """TLS 1.2: the data connection resumes by session ID or ticket."""
    flags = ('--tls', CERT, KEY, '--tls12')

    def test_passive(self):
        out = self.transfer_both_ways([])
        self.assertIn('TLS: TLSv1.2', out)

    test_plain_client_refused = None
    test_early_handshake_is_reset = None


if __name__ == '__main__':
    try:
        ftpharness.run_suite('test_ftpc_tls')
    finally:
        shutil.rmtree(CERTS, ignore_errors=True)
