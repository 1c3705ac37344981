"""ftpc against pyftpdlib, a server nobody here wrote (interop).

The server runs on 127.0.0.1, an ephemeral port, in its own process
(pyftpd_helper.py), and is stopped by its pid. Every case of FtpcCases
runs against it; a second server without MLSD checks the LIST fallback.
"""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpc_cases  # noqa: E402
import pyftpd_helper  # noqa: E402
from ftpc_cases import FtpcCases, ftpc, blob, sha_file  # noqa: E402


class PyftpdlibBase(unittest.TestCase):
    flags = ()

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix='ftpc-pyftpd.')
        cls.root = os.path.join(cls.dir, 'root')
        os.makedirs(cls.root)
        cls.server = pyftpd_helper.start(cls.root, *cls.flags)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='local.', dir=self.dir)

    def url(self, path='', user='alice'):
        return self.server.url(path, user)

    def rpath(self, rel):
        return os.path.join(self.root, rel)


class Interop(PyftpdlibBase, FtpcCases):
    pass


class ListFallback(PyftpdlibBase):
    """No MLSD and no EPSV: LIST parsing and PASV must carry the load."""
    flags = ('--no-mlsd', '--no-epsv')

    def test_globs_and_mirror_through_list(self):
        os.makedirs(os.path.join(self.root, 'lf/sub'), exist_ok=True)
        for name, seed in (('lf/a.bin', 1), ('lf/b.bin', 2),
                           ('lf/sub/c.bin', 3), ('lf/name with space.bin', 4)):
            with open(self.rpath(name), 'wb') as f:
                f.write(blob(9000 + seed, seed))
        path = os.path.join(self.tmp, 's')
        with open(path, 'w') as f:
            f.write('status\nmget lf/*.bin\nmirror lf lf-copy\n')
        r = ftpc(['-b', path, self.url()], self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn('MLSD', r.stdout.split('Server features:')[1].split('\n')[0])
        for name in ('a.bin', 'b.bin', 'name with space.bin'):
            self.assertEqual(sha_file(os.path.join(self.tmp, name)),
                             sha_file(self.rpath('lf/' + name)))
        self.assertEqual(sha_file(os.path.join(self.tmp, 'lf-copy/sub/c.bin')),
                         sha_file(self.rpath('lf/sub/c.bin')))

    def test_anonymous_login(self):
        with open(self.rpath('pub.txt'), 'wb') as f:
            f.write(b'public')
        r = ftpc(['get', self.url('pub.txt', user=None)], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(open(os.path.join(self.tmp, 'pub.txt'), 'rb').read(),
                         b'public')


if __name__ == '__main__':
    import ftpharness
    if not os.path.exists(ftpc_cases.FTPC):
        print('ftpc binary missing: %s' % ftpc_cases.FTPC)
    ftpharness.run_suite('test_ftpc_pyftpdlib')
