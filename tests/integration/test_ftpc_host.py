"""ftpc and virtual hosts (RFC 7151 HOST, issue 12).

ftpc asks FEAT right after the greeting (RFC 2389 allows it before
login) and, when the server announces HOST, names the URL's host before
AUTH and USER, so that a server with virtual hosts can pick that host's
certificate and users. An IP address goes in brackets (RFC 7151's
IP-literal). The server here is the scripted one of test_ftpc_hostile,
which records every command line it receives.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness  # noqa: E402
from ftpc_cases import ftpc  # noqa: E402
from test_ftpc_hostile import HostileServer, TOOLS  # noqa: E402

FEAT_HOST = b'211-Features:\r\n SIZE\r\n HOST\r\n211 End\r\n'
FEAT_PLAIN = b'211-Features:\r\n SIZE\r\n211 End\r\n'


class FtpcHost(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpc-host.')
        self.server = None

    def tearDown(self):
        if self.server is not None:
            self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, **kw):
        self.server = HostileServer({'f.txt': b'hello\n'}, **kw)
        return self.server

    def run_ftpc(self, host, args=(), script='pwd\n'):
        url = 'ftp://alice:secret@%s:%d/' % (host, self.server.port)
        return ftpc(list(args) + ['-b', '-', url], self.tmp, stdin=script)

    def order(self):
        return [ln.decode('latin-1') for ln in self.server.lines]

    def test_host_name_sent_after_feat_before_user(self):
        self.start(feat=FEAT_HOST, host_reply=b'220 host ok\r\n')
        r = self.run_ftpc('localhost')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = self.order()
        self.assertEqual(lines[:3], ['FEAT', 'HOST localhost', 'USER alice'],
                         lines)
        # Features were learnt before login: FEAT is not asked again.
        self.assertEqual(lines.count('FEAT'), 1, lines)

    def test_ip_literal_host_sent_in_brackets(self):
        self.start(feat=FEAT_HOST, host_reply=b'220 host ok\r\n')
        r = self.run_ftpc('127.0.0.1')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('HOST [127.0.0.1]', self.order())

    def test_no_host_when_not_announced(self):
        self.start(feat=FEAT_PLAIN)
        r = self.run_ftpc('localhost')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = self.order()
        self.assertEqual(lines[:2], ['FEAT', 'USER alice'], lines)
        self.assertFalse([ln for ln in lines if ln.startswith('HOST')])

    def test_refused_host_still_logs_in(self):
        # 504: the server does not know this name; like a server without
        # HOST, the session goes on with its default host.
        self.start(feat=FEAT_HOST, host_reply=b'504 unknown host\r\n')
        r = self.run_ftpc('localhost', script='get f.txt\n')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(os.path.join(self.tmp, 'f.txt'), 'rb') as f:
            self.assertEqual(f.read(), b'hello\n')
        self.assertIn('USER alice', self.order())

    def test_feat_refused_before_login_is_asked_after(self):
        self.start(feat=b'530 log in first\r\n')
        r = self.run_ftpc('localhost')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = self.order()
        self.assertEqual(lines[0], 'FEAT', lines)
        user = lines.index('USER alice')
        self.assertIn('FEAT', lines[user:], lines)

    def test_421_to_feat_fails_the_connection(self):
        self.start(feat=b'421 go away\r\n')
        r = self.run_ftpc('localhost')
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('go away', r.stderr)
        self.assertNotIn('USER alice', self.order())


class FtpcHostTls(unittest.TestCase):
    """Explicit FTPS: HOST goes before AUTH TLS (so that the server can
    pick the certificate), and the features read in the clear are asked
    again over TLS after login."""

    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix='ftpc-host-certs.')
        subprocess.run([os.path.join(TOOLS, 'make-cert'), cls.certs],
                       check=True, capture_output=True, timeout=60)
        cls.cert = os.path.join(cls.certs, 'cert.pem')
        cls.key = os.path.join(cls.certs, 'key.pem')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpc-host.')
        self.server = HostileServer({}, tls=(self.cert, self.key),
                                    feat=FEAT_HOST,
                                    host_reply=b'220 host ok\r\n')

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_host_before_auth_tls_and_feat_again_over_tls(self):
        url = 'ftp://alice:secret@localhost:%d/' % self.server.port
        r = ftpc(['--tls', '--cacert', self.cert, '-b', '-', url],
                 self.tmp, stdin='pwd\n')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = [ln.decode('latin-1') for ln in self.server.lines]
        self.assertEqual(lines[:4], ['FEAT', 'HOST localhost', 'AUTH TLS',
                                     'USER alice'], lines)
        self.assertIn('FEAT', lines[4:], lines)


if __name__ == '__main__':
    ftpharness.run_suite('test_ftpc_host')
