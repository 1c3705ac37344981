"""Interop suite: the real lftp binary against the real ftpd.

lftp runs as a user would run it, `lftp -c "...; open -u alice,secret
ftp://127.0.0.1:PORT; ..."`, with no special settings beyond bounded
timeouts and retries (so a failure ends the run instead of retrying for
minutes). Each test works in its own local folder and its own remote names
and checks the files on both sides by SHA-256. lftp's own defaults are kept:
it will ask for AUTH TLS (refused), use FEAT, EPSV/PASV, MLSD, REST, MFMT
and SITE CHMOD as it sees fit.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftpharness import PASSWORD, run_suite, sha256, sha256_file  # noqa: E402
from servercase import ServerCase, mkdirs  # noqa: E402

LFTP = shutil.which('lftp') or '/usr/bin/lftp'
RUN_TIMEOUT = 120
SETTINGS = 'set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 10'



def tree_hashes(top):
    """{relative path: sha256} of every file under top, '/'-separated."""
    out = {}
    for dirpath, _dirs, files in os.walk(top):
        for name in files:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, top).replace(os.sep, '/')
            out[rel] = sha256_file(full)
    return out


def tree_dirs(top):
    out = set()
    for dirpath, dirs, _files in os.walk(top):
        for name in dirs:
            out.add(os.path.relpath(os.path.join(dirpath, name), top))
    return out


@unittest.skipUnless(os.path.exists(LFTP), 'lftp is not installed')
class LftpCase(ServerCase):
    def setUp(self):
        self.local = tempfile.mkdtemp(prefix='lftp-test.')
        # A private HOME: no user ~/.lftprc, and history files stay here.
        self.home = os.path.join(self.local, '.home')
        os.makedirs(self.home)
        self.work = os.path.join(self.local, 'work')
        os.makedirs(self.work)

    def tearDown(self):
        super().tearDown()
        shutil.rmtree(self.local, ignore_errors=True)

    def url(self):
        host = '[%s]' % self.HOST if ':' in self.HOST else self.HOST
        return 'ftp://%s:%d' % (host, self.srv.port)

    def lftp(self, commands, user='alice', password=PASSWORD, ok=True,
             settings=''):
        """Runs one lftp -c script in the work folder; returns the result."""
        script = '%s; %sopen -u %s,%s %s; %s' % (
            SETTINGS, settings, user, password, self.url(), commands)
        env = dict(os.environ, HOME=self.home, LANG='C.UTF-8',
                   LC_ALL='C.UTF-8')
        env.pop('LFTP_HOME', None)
        try:
            r = subprocess.run([LFTP, '-c', script], cwd=self.work, env=env,
                               stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            self.fail('lftp timed out after %d s: %s\nstdout: %r\nstderr: %r'
                      % (RUN_TIMEOUT, commands, e.stdout, e.stderr))
        r.out = r.stdout.decode('utf-8', 'replace')
        r.err = r.stderr.decode('utf-8', 'replace')
        if ok and r.returncode != 0:
            self.fail('lftp failed (exit %d): %s\nstdout: %s\nstderr: %s'
                      % (r.returncode, commands, r.out, r.err))
        if not ok and r.returncode == 0:
            self.fail('lftp succeeded but should not have: %s\nstdout: %s'
                      % (commands, r.out))
        return r

    def lpath(self, rel):
        return os.path.join(self.work, rel)

    def lwrite(self, rel, data):
        p = self.lpath(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'wb') as f:
            f.write(data)

    def lread(self, rel):
        with open(self.lpath(rel), 'rb') as f:
            return f.read()


class LoginTest(LftpCase):
    def test_login_and_pwd(self):
        # cd makes lftp log in and send CWD; pwd then shows lftp's URL.
        r = self.lftp('cd /; pwd')
        self.assertTrue(r.out.rstrip('\n').endswith(
            '@127.0.0.1:%d/' % self.srv.port), r.out)

    def test_bad_password(self):
        r = self.lftp('ls', password='wrong', ok=False)
        self.assertIn('530', r.err)

    def test_unknown_user(self):
        r = self.lftp('ls', user='mallory', ok=False)
        self.assertIn('530', r.err)


class ListTest(LftpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.srv.write('alice/ls/one.txt', b'1' * 11)
        cls.srv.write('alice/ls/two.bin', b'2' * 2222)
        cls.srv.write('alice/ls/with space.txt', b's')
        cls.srv.write('alice/ls/ünï €.txt', b'u')
        mkdirs(cls.srv, 'alice/ls/subdir')

    def test_ls(self):
        r = self.lftp('ls ls')
        lines = [line for line in r.out.splitlines() if line.strip()]
        names = {line.split(None, 8)[-1] for line in lines}
        self.assertEqual(names, {'one.txt', 'two.bin', 'with space.txt',
                                 'ünï €.txt', 'subdir'})
        two = [line for line in lines if line.endswith(' two.bin')][0]
        self.assertEqual(two.split()[4], '2222')
        sub = [line for line in lines if line.endswith(' subdir')][0]
        self.assertTrue(sub.startswith('d'), sub)

    def test_cls_uses_parsed_listing(self):
        # cls shows lftp's own parse of the listing (MLSD here).
        r = self.lftp('cls -1 ls/')
        names = set(r.out.split('\n')) - {''}
        self.assertEqual(names, {'ls/one.txt', 'ls/two.bin',
                                 'ls/with space.txt', 'ls/ünï €.txt',
                                 'ls/subdir/'})
        r = self.lftp('cls -s --block-size=1 ls/two.bin')
        self.assertIn('2222', r.out)

    def test_nlist_and_cat(self):
        r = self.lftp('cd ls; nlist')
        self.assertEqual(sorted(r.out.split('\n')[:-1]),
                         sorted(['one.txt', 'two.bin', 'with space.txt',
                                 'ünï €.txt', 'subdir']))
        r = self.lftp('cat ls/one.txt')
        self.assertEqual(r.stdout, b'1' * 11)

    def test_glob(self):
        r = self.lftp('cd ls; glob echo *.txt')
        self.assertEqual(sorted(r.out.split()), ['one.txt', 'space.txt',
                                                 'with', 'ünï', '€.txt'])


class TransferTest(LftpCase):
    def test_get(self):
        data = os.urandom(3 * 1024 * 1024 + 5)
        self.srv.write('alice/get.bin', data)
        self.lftp('get get.bin -o got.bin')
        self.assertEqual(sha256_file(self.lpath('got.bin')), sha256(data))

    def test_get_keeps_name_and_mtime(self):
        data = os.urandom(1234)
        self.srv.write('alice/dated.bin', data)
        os.utime(self.srv.path('alice/dated.bin'), (1500000000, 1500000000))
        self.lftp('get dated.bin')
        self.assertEqual(self.lread('dated.bin'), data)
        self.assertEqual(int(os.stat(self.lpath('dated.bin')).st_mtime),
                         1500000000)

    def test_put(self):
        data = os.urandom(2 * 1024 * 1024 + 3)
        self.lwrite('up.bin', data)
        self.lftp('put up.bin -o put.bin')
        self.assertEqual(sha256(self.srv.read('alice/put.bin')), sha256(data))

    def test_put_20mib(self):
        data = os.urandom(20 * 1024 * 1024)
        self.lwrite('big.bin', data)
        self.lftp('put big.bin -o big20.bin; get big20.bin -o back.bin')
        self.assertEqual(sha256(self.srv.read('alice/big20.bin')),
                         sha256(data))
        self.assertEqual(sha256_file(self.lpath('back.bin')), sha256(data))

    def test_reget(self):
        data = os.urandom(1024 * 1024)
        self.srv.write('alice/reget.bin', data)
        # A local head that differs from the server's: if lftp resumed (REST)
        # rather than fetching it all again, the head survives.
        head = b'H' * 300000
        self.lwrite('reget.bin', head)
        self.lftp('get -c reget.bin')
        got = self.lread('reget.bin')
        self.assertEqual(len(got), len(data))
        self.assertEqual(sha256(got), sha256(head + data[len(head):]))
        # And reget of a complete file changes nothing.
        self.lwrite('full.bin', data)
        self.lftp('reget reget.bin -o full.bin')
        self.assertEqual(sha256_file(self.lpath('full.bin')), sha256(data))

    def test_reput(self):
        data = os.urandom(1024 * 1024)
        self.lwrite('reput.bin', data)
        head = b'R' * 400000
        self.srv.write('alice/reput.bin', head)
        self.lftp('put -c reput.bin')
        on_disk = self.srv.read('alice/reput.bin')
        self.assertEqual(sha256(on_disk), sha256(head + data[len(head):]))

    def test_mput_mget(self):
        files = {'m%d.dat' % i: os.urandom(1000 * (i + 1)) for i in range(4)}
        for name, data in files.items():
            self.lwrite('out/' + name, data)
        self.lftp('mkdir mm; cd mm; lcd out; mput *.dat')
        for name, data in files.items():
            self.assertEqual(sha256(self.srv.read('alice/mm/' + name)),
                             sha256(data))
        os.makedirs(self.lpath('in'))
        self.lftp('cd mm; lcd in; mget m*.dat')
        for name, data in files.items():
            self.assertEqual(sha256_file(self.lpath('in/' + name)),
                             sha256(data))

    def test_names_with_spaces_and_utf8(self):
        data = os.urandom(4321)
        name = 'a file ünï €.bin'
        self.lwrite(name, data)
        self.lftp('put "%s"' % name)
        self.assertEqual(sha256(self.srv.read('alice/' + name)), sha256(data))
        self.lftp('get "%s" -o back.bin' % name)
        self.assertEqual(sha256_file(self.lpath('back.bin')), sha256(data))

    def test_get_missing_fails(self):
        r = self.lftp('get no-such-file', ok=False)
        self.assertIn('550', r.err)


class FileOpsTest(LftpCase):
    def test_mkdir_mv_rm_rmdir(self):
        self.srv.write('alice/ops.txt', b'ops')
        self.lftp('mkdir opsdir; mkdir -p opsdir/a/b; mv ops.txt opsdir/a/moved.txt')
        self.assertFalse(os.path.exists(self.srv.path('alice/ops.txt')))
        self.assertEqual(self.srv.read('alice/opsdir/a/moved.txt'), b'ops')
        self.assertTrue(os.path.isdir(self.srv.path('alice/opsdir/a/b')))
        self.lftp('rm opsdir/a/moved.txt; rmdir opsdir/a/b')
        self.assertEqual(os.listdir(self.srv.path('alice/opsdir/a')), [])
        self.lftp('rm -r opsdir')
        self.assertFalse(os.path.exists(self.srv.path('alice/opsdir')))

    def test_rm_missing_fails(self):
        r = self.lftp('rm never-there', ok=False)
        self.assertIn('550', r.err)

    def test_chmod(self):
        self.srv.write('alice/mode.txt', b'm')
        self.lftp('chmod 640 mode.txt')
        self.assertEqual(os.stat(self.srv.path('alice/mode.txt')).st_mode
                         & 0o777, 0o640)


class MirrorTest(LftpCase):
    def make_remote_tree(self, top):
        files = {
            'a.txt': b'alpha\n' * 100,
            'b.bin': os.urandom(700000),
            'empty': b'',
            'sub/c.dat': os.urandom(12345),
            'sub/deeper/d with space.txt': b'deep',
            'ünï/€.bin': os.urandom(99),
        }
        for rel, data in files.items():
            self.srv.write('alice/%s/%s' % (top, rel), data)
        mkdirs(self.srv, 'alice/%s/emptydir' % top)
        return files

    def test_mirror(self):
        files = self.make_remote_tree('mirror-src')
        self.lftp('mirror mirror-src copy')
        got = tree_hashes(self.lpath('copy'))
        self.assertEqual(got, {rel: sha256(d) for rel, d in files.items()})
        self.assertIn('emptydir', tree_dirs(self.lpath('copy')))
        # A second run transfers nothing and changes nothing.
        self.lftp('mirror mirror-src copy')
        self.assertEqual(tree_hashes(self.lpath('copy')), got)

    def test_mirror_reverse(self):
        files = {
            'r1.txt': b'reverse\n',
            'r2.bin': os.urandom(1500000),
            'nested/r3.bin': os.urandom(4096),
            'nested/more/r 4.txt': b'space',
            'ünï/ç.bin': os.urandom(77),
        }
        for rel, data in files.items():
            self.lwrite('src/' + rel, data)
        os.makedirs(self.lpath('src/emptydir'))
        self.lftp('mirror -R src mirrored')
        top = self.srv.path('alice/mirrored')
        self.assertEqual(tree_hashes(top),
                         {rel: sha256(d) for rel, d in files.items()})
        self.assertIn('emptydir', tree_dirs(top))
        # Changes propagate: one file changed, one deleted with --delete.
        self.lwrite('src/r1.txt', b'changed content\n')
        os.remove(self.lpath('src/nested/r3.bin'))
        self.lftp('mirror -R --delete src mirrored')
        self.assertEqual(self.srv.read('alice/mirrored/r1.txt'),
                         b'changed content\n')
        self.assertFalse(os.path.exists(os.path.join(top, 'nested/r3.bin')))

    def test_mirror_readonly_user(self):
        self.srv.write('bob/pub/p.txt', b'public')
        self.lftp('mirror pub pubcopy', user='bob')
        self.assertEqual(self.lread('pubcopy/p.txt'), b'public')
        self.lwrite('src/x.txt', b'x')
        r = self.lftp('mirror -R src up', user='bob', ok=False)
        self.assertIn('550', r.err)
        self.assertFalse(os.path.exists(self.srv.path('bob/up')))


class ReadOnlyTest(LftpCase):
    def test_writes_denied(self):
        self.srv.write('bob/keep.txt', b'keep')
        self.lwrite('x.txt', b'x')
        for cmd in ('put x.txt', 'rm keep.txt', 'mkdir d', 'mv keep.txt k2',
                    'chmod 777 keep.txt'):
            r = self.lftp(cmd, user='bob', ok=False)
            self.assertIn('550', r.err, cmd)
        self.assertEqual(sorted(os.listdir(self.srv.path('bob'))),
                         ['keep.txt'])
        self.assertEqual(self.srv.read('bob/keep.txt'), b'keep')
        self.lftp('get keep.txt', user='bob')
        self.assertEqual(self.lread('keep.txt'), b'keep')


class EscapeTest(LftpCase):
    def test_cannot_leave_home(self):
        self.srv.write('bob/secret.txt', b'bob only')
        os.symlink('../bob', self.srv.path('alice/to-bob'))
        for cmd in ('get ../bob/secret.txt', 'get /../bob/secret.txt',
                    'get to-bob/secret.txt', 'cd to-bob'):
            r = self.lftp(cmd, ok=False)
            self.assertIn('550', r.err, cmd)
        self.assertFalse(os.path.exists(self.lpath('secret.txt')))
        # Climbing above the home lands in the home itself.
        self.srv.write('alice/home-marker', b'm')
        r = self.lftp('cd ../../..; cls -1')
        self.assertIn('home-marker', r.out.split())
        self.assertNotIn('bob', r.out.split())


class ActiveModeTest(LftpCase):
    """The one non-default setting: lftp's PORT mode, for active transfers."""

    def test_active_get_put_ls(self):
        data = os.urandom(500000)
        self.lwrite('act.bin', data)
        self.lftp('put act.bin -o act.bin; get act.bin -o back.bin; ls',
                  settings='set ftp:passive-mode off; ')
        self.assertEqual(sha256(self.srv.read('alice/act.bin')), sha256(data))
        self.assertEqual(sha256_file(self.lpath('back.bin')), sha256(data))


class IPv6Test(LftpCase):
    HOST = '::1'

    def test_ipv6_transfer(self):
        data = os.urandom(800000)
        self.lwrite('v6.bin', data)
        self.lftp('put v6.bin; get v6.bin -o back.bin; ls; mkdir v6dir; '
                  'mirror -R . v6dir')
        self.assertEqual(sha256(self.srv.read('alice/v6.bin')), sha256(data))
        self.assertEqual(sha256_file(self.lpath('back.bin')), sha256(data))
        self.assertEqual(sha256(self.srv.read('alice/v6dir/v6.bin')),
                         sha256(data))

    def test_ipv6_active(self):
        self.srv.write('alice/v6a.bin', b'active six')
        self.lftp('get v6a.bin', settings='set ftp:passive-mode off; ')
        self.assertEqual(self.lread('v6a.bin'), b'active six')


if __name__ == '__main__':
    run_suite('test_lftp')
