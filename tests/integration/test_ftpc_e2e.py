"""End to end: the real ftpc against the real ftpd, both on loopback.

Every case of FtpcCases (get, put, mget/mput globs, mirror both ways,
pget, resume after an interrupted download, ASCII, active mode, exit
codes) runs against ftpd started by ftpharness.start_ftpd(), plus cases
that need ftpd's users (a read-only bob) or IPv6. A case that fails here
but passes in test_ftpc_pyftpdlib points at the server.
"""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness  # noqa: E402
from ftpc_cases import (FtpcCases, ftpc, blob, sha_file,  # noqa: E402
                        EXIT_REMOTE, EXIT_LOGIN)


class FtpdBase(unittest.TestCase):
    host = '127.0.0.1'

    @classmethod
    def setUpClass(cls):
        cls.server = ftpharness.start_ftpd(cls.host)
        cls.dir = tempfile.mkdtemp(prefix='ftpc-e2e.')

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        failed = getattr(cls, 'failed', False)
        if failed:
            cls.server.dump_log()
        cls.server.cleanup()
        shutil.rmtree(cls.dir, ignore_errors=True)
        if rc not in (0, None, -15):
            print('ftpd exited with %s' % rc)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='local.', dir=self.dir)

    def tearDown(self):
        outcome = getattr(self, '_outcome', None)
        if outcome is not None and not getattr(outcome, 'success', True):
            type(self).failed = True

    def url(self, path='', user='alice'):
        return self.server.url(user, path)

    def rpath(self, rel):
        return self.server.path(os.path.join('alice', rel))

    def put_remote(self, rel, data):
        self.server.write(os.path.join('alice', rel), data)

    def mkdir_remote(self, rel):
        self.server.makedirs(os.path.join('alice', rel))


class EndToEnd(FtpdBase, FtpcCases):
    def test_read_only_user(self):
        self.server.write('bob/readme.txt', b'for bob')
        self.put_local('up.txt', b'nope')
        r = ftpc(['get', self.url('readme.txt', user='bob')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(open(os.path.join(self.tmp, 'readme.txt'), 'rb').read(),
                         b'for bob')
        r = ftpc(['put', 'up.txt', self.url('', user='bob')], self.tmp)
        self.assertEqual(r.returncode, EXIT_REMOTE, r.stderr)
        self.assertFalse(os.path.exists(self.server.path('bob/up.txt')))

    def test_cannot_escape_home(self):
        self.server.write('bob/secret.txt', b'bob only')
        r = ftpc(['get', self.url('../bob/secret.txt')], self.tmp)
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'secret.txt')))

    def test_failed_reget_of_a_different_file_keeps_the_local_file(self):
        # The local file is longer than the remote one, so it is no prefix
        # of it; the RETR then fails (unreadable, while SIZE still works).
        local = blob(5000, 51)
        self.put_local('keep.bin', local)
        self.put_remote('keep.bin', b'short')
        os.chmod(self.rpath('keep.bin'), 0)
        try:
            r = self.script('reget keep.bin\n', check=False)
        finally:
            os.chmod(self.rpath('keep.bin'), 0o644)
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        p = os.path.join(self.tmp, 'keep.bin')
        self.assertTrue(os.path.exists(p), 'the local file was destroyed')
        with open(p, 'rb') as f:
            self.assertEqual(f.read(), local)

    def test_wrong_user(self):
        r = ftpc(['ls', 'ftp://mallory:secret@127.0.0.1:%d/' % self.server.port],
                 self.tmp)
        self.assertEqual(r.returncode, EXIT_LOGIN, r.stderr)


class EndToEndIPv6(FtpdBase):
    host = '::1'

    @classmethod
    def setUpClass(cls):
        try:
            super().setUpClass()
        except Exception as e:  # no IPv6 loopback here
            raise unittest.SkipTest('ftpd on ::1: %s' % e)

    def test_get_put_over_ipv6(self):
        data = blob(100000, 50)
        self.server.write('alice/six.bin', data)
        r = ftpc(['get', self.url('six.bin')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sha_file(os.path.join(self.tmp, 'six.bin')),
                         sha_file(self.rpath('six.bin')))
        r = ftpc(['--active', 'put', 'six.bin', self.url('six-up.bin')],
                 self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sha_file(self.rpath('six-up.bin')),
                         sha_file(self.rpath('six.bin')))


if __name__ == '__main__':
    if not os.path.exists(ftpharness.FTPD):
        print('ftpd binary missing: %s' % ftpharness.FTPD)
    ftpharness.run_suite('test_ftpc_e2e')
