"""Interop suite: Python's stdlib ftplib against the real ftpd.

Each test drives ftpd the way a scripting user would, through ftplib's own
API (login, storbinary, retrlines, mlsd, abort, ...), and checks the bytes
received and the bytes on disk by SHA-256. One server per test class, on
loopback port 0; each test uses its own file names and its own FTP object.
Run with Debian's /usr/bin/python3 (scons test does); FTPD_BIN names the
binary.
"""
import ftplib
import io
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftpharness import PASSWORD, run_suite, sha256  # noqa: E402
from servercase import ServerCase as BaseCase, mkdirs  # noqa: E402

TIMEOUT = 20



def recv_all(conn):
    """Reads a data connection to its end."""
    parts = []
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            return b''.join(parts)
        parts.append(chunk)


def collect(ftp, cmd, rest=None, blocksize=8192):
    """retrbinary into memory; returns the bytes."""
    parts = []
    ftp.retrbinary(cmd, parts.append, blocksize=blocksize, rest=rest)
    return b''.join(parts)


class ServerCase(BaseCase):
    """One ftpd per class; connect() opens an FTP object, logged in."""

    def setUp(self):
        self.clients = []

    def tearDown(self):
        for ftp in self.clients:
            try:
                ftp.quit()
            except ftplib.all_errors + (AttributeError,):
                ftp.close()  # never connected, or the server hung up
        super().tearDown()

    def connect(self, user='alice', passive=True):
        ftp = ftplib.FTP(timeout=TIMEOUT)
        self.clients.append(ftp)
        ftp.connect(self.HOST, self.srv.port)
        if user is not None:
            ftp.login(user, PASSWORD)
        ftp.set_pasv(passive)
        return ftp

    def assert_error(self, code, func, *args, **kwargs):
        """Expects func to fail with an error reply that starts with code."""
        with self.assertRaises(ftplib.error_perm) as cm:
            func(*args, **kwargs)
        self.assertTrue(str(cm.exception).startswith(code), str(cm.exception))


class LoginTest(ServerCase):
    def test_login_ok_and_welcome(self):
        ftp = self.connect(user=None)
        self.assertTrue(ftp.getwelcome().startswith('220'))
        resp = ftp.login('alice', PASSWORD)
        self.assertTrue(resp.startswith('230'), resp)

    def test_bad_password(self):
        ftp = self.connect(user=None)
        self.assert_error('530', ftp.login, 'alice', 'wrong')
        # The session stays usable: a correct login now works.
        self.assertTrue(ftp.login('alice', PASSWORD).startswith('230'))

    def test_unknown_user(self):
        ftp = self.connect(user=None)
        self.assert_error('530', ftp.login, 'mallory', PASSWORD)

    def test_commands_need_login(self):
        ftp = self.connect(user=None)
        self.assert_error('530', ftp.pwd)
        self.assert_error('530', ftp.nlst)

    def test_quit(self):
        ftp = self.connect()
        self.assertTrue(ftp.quit().startswith('221'))
        self.clients.remove(ftp)


class NavigationTest(ServerCase):
    def test_pwd_cwd_mkd_rmd(self):
        ftp = self.connect()
        self.assertEqual(ftp.pwd(), '/')
        self.assertEqual(ftp.mkd('nav1'), '/nav1')
        self.assertTrue(os.path.isdir(self.srv.path('alice/nav1')))
        ftp.cwd('nav1')
        self.assertEqual(ftp.pwd(), '/nav1')
        self.assertEqual(ftp.mkd('sub'), '/nav1/sub')
        ftp.cwd('sub')
        self.assertEqual(ftp.pwd(), '/nav1/sub')
        ftp.cwd('..')
        self.assertEqual(ftp.pwd(), '/nav1')
        ftp.sendcmd('CDUP')
        self.assertEqual(ftp.pwd(), '/')
        ftp.cwd('/nav1/sub')
        self.assertEqual(ftp.pwd(), '/nav1/sub')
        ftp.cwd('/')
        # A directory that is not empty cannot go.
        self.assert_error('550', ftp.rmd, 'nav1')
        ftp.rmd('nav1/sub')
        ftp.rmd('nav1')
        self.assertFalse(os.path.exists(self.srv.path('alice/nav1')))

    def test_cwd_missing_and_file(self):
        self.srv.write('alice/navfile', b'x')
        ftp = self.connect()
        for target in ('no-such-dir', 'navfile'):
            self.assert_error('550', ftp.cwd, target)
        self.assertEqual(ftp.pwd(), '/')

    def test_mkd_existing(self):
        ftp = self.connect()
        ftp.mkd('twice')
        self.assert_error('550', ftp.mkd, 'twice')
        ftp.rmd('twice')

    def test_delete(self):
        self.srv.write('alice/del.txt', b'bye')
        ftp = self.connect()
        self.assertTrue(ftp.delete('del.txt').startswith('250'))
        self.assertFalse(os.path.exists(self.srv.path('alice/del.txt')))
        self.assert_error('550', ftp.delete, 'del.txt')

    def test_rename(self):
        data = os.urandom(5000)
        self.srv.write('alice/ren-a', data)
        ftp = self.connect()
        ftp.mkd('rendir')
        self.assertTrue(ftp.rename('ren-a', 'rendir/ren-b').startswith('250'))
        self.assertFalse(os.path.exists(self.srv.path('alice/ren-a')))
        self.assertEqual(sha256(self.srv.read('alice/rendir/ren-b')),
                         sha256(data))
        # A directory renames too.
        ftp.rename('rendir', 'rendir2')
        self.assertTrue(os.path.isfile(self.srv.path('alice/rendir2/ren-b')))
        # A missing source fails at RNFR.
        self.assert_error('550', ftp.rename, 'no-such', 'x')

    def test_rnto_without_rnfr(self):
        ftp = self.connect()
        self.assert_error('503', ftp.sendcmd, 'RNTO x')


class TransferTest(ServerCase):
    def roundtrip(self, ftp, name, data):
        resp = ftp.storbinary('STOR ' + name, io.BytesIO(data))
        self.assertTrue(resp.startswith('226'), resp)
        self.assertEqual(sha256(self.srv.read('alice/' + name)), sha256(data))
        got = collect(ftp, 'RETR ' + name)
        self.assertEqual(len(got), len(data))
        self.assertEqual(sha256(got), sha256(data))

    def test_binary_small_and_empty(self):
        ftp = self.connect()
        self.roundtrip(ftp, 'small.bin', os.urandom(1000))
        self.roundtrip(ftp, 'empty.bin', b'')
        # Every byte value, including CR, LF and NUL, passes untouched.
        self.roundtrip(ftp, 'bytes.bin', bytes(range(256)) * 64 + b'\r\n\r')

    def test_binary_20mib(self):
        data = os.urandom(20 * 1024 * 1024)
        ftp = self.connect()
        resp = ftp.storbinary('STOR big20.bin', io.BytesIO(data),
                              blocksize=256 * 1024)
        self.assertTrue(resp.startswith('226'), resp)
        self.assertEqual(sha256(self.srv.read('alice/big20.bin')),
                         sha256(data))
        self.assertEqual(ftp.size('big20.bin'), len(data))
        got = collect(ftp, 'RETR big20.bin', blocksize=256 * 1024)
        self.assertEqual(sha256(got), sha256(data))
        ftp.delete('big20.bin')

    def test_overwrite_replaces(self):
        ftp = self.connect()
        self.roundtrip(ftp, 'over.bin', os.urandom(10000))
        self.roundtrip(ftp, 'over.bin', b'short')

    def test_retr_missing_and_directory(self):
        ftp = self.connect()
        ftp.mkd('adir')
        for name in ('no-such-file', 'adir'):
            self.assert_error('550', collect, ftp, 'RETR ' + name)
        # The session goes on.
        ftp.voidcmd('NOOP')
        ftp.rmd('adir')

    def test_storlines_converts_crlf(self):
        ftp = self.connect()
        text = b'first line\nsecond line\r\n\nlast line\n'
        resp = ftp.storlines('STOR lines.txt', io.BytesIO(text))
        self.assertTrue(resp.startswith('226'), resp)
        # ftplib sends CRLF; the server stores Unix line ends.
        self.assertEqual(self.srv.read('alice/lines.txt'),
                         b'first line\nsecond line\n\nlast line\n')

    def test_retrlines_converts_lf(self):
        self.srv.write('alice/unix.txt', b'alpha\nbeta\n\ngamma\n')
        ftp = self.connect()
        lines = []
        resp = ftp.retrlines('RETR unix.txt', lines.append)
        self.assertTrue(resp.startswith('226'), resp)
        self.assertEqual(lines, ['alpha', 'beta', '', 'gamma'])
        # On the wire, TYPE A turns every LF into CRLF.
        ftp.voidcmd('TYPE A')
        with ftp.transfercmd('RETR unix.txt') as conn:
            raw = recv_all(conn)
        ftp.voidresp()
        self.assertEqual(raw, b'alpha\r\nbeta\r\n\r\ngamma\r\n')
        # And binary leaves them alone.
        self.assertEqual(collect(ftp, 'RETR unix.txt'),
                         b'alpha\nbeta\n\ngamma\n')

    def test_retrbinary_rest(self):
        data = os.urandom(300000)
        self.srv.write('alice/resume.bin', data)
        ftp = self.connect()
        for offset in (0, 1, 4096, 123457, len(data) - 1, len(data)):
            got = collect(ftp, 'RETR resume.bin', rest=offset)
            self.assertEqual(sha256(got), sha256(data[offset:]), offset)
        # An offset past the end is refused; the next transfer still works.
        self.assert_error('554', collect, ftp, 'RETR resume.bin',
                          rest=len(data) + 10)
        self.assertEqual(sha256(collect(ftp, 'RETR resume.bin')),
                         sha256(data))

    def test_storbinary_rest(self):
        data = os.urandom(200000)
        half = 77777
        ftp = self.connect()
        ftp.storbinary('STOR partial.bin', io.BytesIO(data[:half]))
        self.assertEqual(len(self.srv.read('alice/partial.bin')), half)
        resp = ftp.storbinary('STOR partial.bin', io.BytesIO(data[half:]),
                              rest=half)
        self.assertTrue(resp.startswith('226'), resp)
        self.assertEqual(sha256(self.srv.read('alice/partial.bin')),
                         sha256(data))
        # REST into the middle of a longer file cuts off the old tail.
        resp = ftp.storbinary('STOR partial.bin', io.BytesIO(b'END'),
                              rest=10)
        self.assertEqual(self.srv.read('alice/partial.bin'),
                         data[:10] + b'END')

    def test_append(self):
        ftp = self.connect()
        ftp.storbinary('STOR app.bin', io.BytesIO(b'hello '))
        ftp.storbinary('APPE app.bin', io.BytesIO(b'world'))
        self.assertEqual(self.srv.read('alice/app.bin'), b'hello world')

    def test_stou(self):
        ftp = self.connect()
        ftp.storbinary('STOR uniq', io.BytesIO(b'one'))
        resp = ftp.storbinary('STOU uniq', io.BytesIO(b'two'))
        self.assertTrue(resp.startswith('226'), resp)
        names = ftp.nlst()
        self.assertIn('uniq', names)
        extra = [n for n in names if n.startswith('uniq.')]
        self.assertEqual(len(extra), 1, names)
        self.assertEqual(self.srv.read('alice/' + extra[0]), b'two')
        self.assertEqual(self.srv.read('alice/uniq'), b'one')


class ListingTest(ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.srv.write('alice/lst/a.txt', b'a' * 10)
        cls.srv.write('alice/lst/b.bin', b'b' * 2000)
        cls.srv.write('alice/lst/.hidden', b'h')
        mkdirs(cls.srv, 'alice/lst/sub')
        cls.mtime = 1600000000  # 2020-09-13 12:26:40 UTC
        os.utime(cls.srv.path('alice/lst/a.txt'), (cls.mtime, cls.mtime))

    def test_mlsd_facts(self):
        ftp = self.connect()
        entries = dict(ftp.mlsd('lst'))
        self.assertEqual(set(entries), {'.', 'a.txt', 'b.bin', '.hidden',
                                        'sub'})
        self.assertEqual(entries['.']['type'], 'cdir')
        a = entries['a.txt']
        self.assertEqual(a['type'], 'file')
        self.assertEqual(a['size'], '10')
        self.assertEqual(a['modify'], '20200913122640')
        self.assertIn('r', a['perm'])
        self.assertIn('w', a['perm'])
        self.assertRegex(a['unix.mode'], r'^0?[0-7]{3,4}$')
        self.assertTrue(a['unique'])
        self.assertEqual(entries['b.bin']['size'], '2000')
        self.assertEqual(entries['sub']['type'], 'dir')
        self.assertNotEqual(entries['sub']['unique'], a['unique'])

    def test_mlsd_chosen_facts(self):
        ftp = self.connect()
        entries = dict(ftp.mlsd('lst', facts=['type', 'size']))
        self.assertEqual(set(entries['a.txt']), {'type', 'size'})
        self.assertEqual(entries['a.txt']['size'], '10')

    def test_mlsd_cwd_and_readonly_perm(self):
        self.srv.write('bob/ro.txt', b'ro')
        ftp = self.connect('bob')
        entries = dict(ftp.mlsd())
        self.assertEqual(entries['ro.txt']['type'], 'file')
        self.assertNotIn('w', entries['ro.txt']['perm'])

    def test_mlst(self):
        ftp = self.connect()
        resp = ftp.sendcmd('MLST lst/a.txt')
        self.assertTrue(resp.startswith('250'), resp)
        self.assertIn('size=10;', resp)
        self.assertIn('type=file;', resp)

    def test_nlst(self):
        ftp = self.connect()
        self.assertEqual(ftp.nlst('lst'), ['lst/a.txt', 'lst/b.bin',
                                           'lst/sub'])
        # Names come back usable as they are, the scripting idiom:
        for name in ftp.nlst('lst'):
            if name != 'lst/sub':
                collect(ftp, 'RETR ' + name)
        self.assertEqual(ftp.nlst('lst/*.txt'), ['lst/a.txt'])
        self.assertEqual(ftp.nlst('lst/b.bin'), ['lst/b.bin'])
        ftp.cwd('lst')
        self.assertEqual(ftp.nlst(), ['a.txt', 'b.bin', 'sub'])
        self.assertEqual(ftp.nlst('*.txt'), ['a.txt'])
        self.assertEqual(ftp.nlst('*.none'), [])

    def test_dir_list(self):
        ftp = self.connect()
        lines = []
        ftp.dir('lst', lines.append)
        self.assertEqual(len(lines), 3, lines)
        byname = {line.split()[-1]: line for line in lines}
        self.assertEqual(set(byname), {'a.txt', 'b.bin', 'sub'})
        self.assertRegex(byname['a.txt'], r'^-rw')
        self.assertEqual(byname['b.bin'].split()[4], '2000')
        self.assertTrue(byname['sub'].startswith('d'))
        # Old dates show the year, as ls -l does.
        self.assertIn('Sep 13  2020', byname['a.txt'])
        # LIST -a shows dot files.
        lines = []
        ftp.dir('-a', 'lst', lines.append)
        self.assertIn('.hidden', [line.split()[-1] for line in lines])

    def test_list_single_file(self):
        ftp = self.connect()
        lines = []
        ftp.dir('lst/b.bin', lines.append)
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0].split()[4], '2000')

    def test_size(self):
        ftp = self.connect()
        self.assertEqual(ftp.size('lst/b.bin'), 2000)
        ftp.voidcmd('TYPE I')
        self.assertEqual(ftp.size('/lst/a.txt'), 10)
        self.assert_error('550', ftp.size, 'lst/nope')
        self.assert_error('550', ftp.size, 'lst/sub')

    def test_mdtm(self):
        ftp = self.connect()
        self.assertEqual(ftp.sendcmd('MDTM lst/a.txt'), '213 20200913122640')
        self.assert_error('550', ftp.sendcmd, 'MDTM lst/nope')

    def test_mfmt(self):
        self.srv.write('alice/touch.txt', b't')
        ftp = self.connect()
        resp = ftp.sendcmd('MFMT 20010203040506 touch.txt')
        self.assertTrue(resp.startswith('213'), resp)
        self.assertEqual(ftp.sendcmd('MDTM touch.txt'), '213 20010203040506')
        mtime = os.stat(self.srv.path('alice/touch.txt')).st_mtime
        self.assertEqual(int(mtime), 981173106)


class InfoTest(ServerCase):
    def test_noop_syst_type(self):
        ftp = self.connect()
        self.assertTrue(ftp.voidcmd('NOOP').startswith('200'))
        self.assertTrue(ftp.sendcmd('SYST').startswith('215 UNIX'))
        ftp.voidcmd('TYPE A')
        ftp.voidcmd('TYPE I')
        self.assert_error('504', ftp.voidcmd, 'TYPE E')
        ftp.voidcmd('MODE S')
        ftp.voidcmd('STRU F')

    def test_feat(self):
        ftp = self.connect(user=None)
        resp = ftp.sendcmd('FEAT')
        lines = resp.splitlines()
        self.assertTrue(lines[0].startswith('211-'), resp)
        self.assertTrue(lines[-1].startswith('211 '), resp)
        feats = {line.strip().split(' ')[0] for line in lines[1:-1]}
        for f in ('EPRT', 'EPSV', 'MDTM', 'MLST', 'REST', 'SIZE', 'UTF8',
                  'MFMT', 'TVFS'):
            self.assertIn(f, feats)
        self.assertIn(' REST STREAM', lines)
        mlst = [line for line in lines if line.startswith(' MLST ')][0]
        self.assertIn('type*;', mlst)
        self.assertIn('size*;', mlst)

    def test_opts_utf8(self):
        ftp = self.connect(user=None)
        self.assertTrue(ftp.sendcmd('OPTS UTF8 ON').startswith('200'))

    def test_help(self):
        ftp = self.connect(user=None)
        resp = ftp.sendcmd('HELP')
        self.assertTrue(resp.startswith('214-'), resp)
        self.assertTrue(resp.splitlines()[-1].startswith('214 '))
        for verb in ('RETR', 'STOR', 'MLSD', 'EPSV', 'ABOR'):
            self.assertIn(verb, resp)
        self.assertTrue(ftp.sendcmd('HELP retr').startswith('214'))
        self.assert_error('502', ftp.sendcmd, 'HELP NOSUCH')

    def test_stat(self):
        self.srv.write('alice/statdir/f1.txt', b'123')
        ftp = self.connect()
        resp = ftp.sendcmd('STAT')
        self.assertTrue(resp.startswith('211-'), resp)
        self.assertIn('alice', resp)
        self.assertTrue(resp.splitlines()[-1].startswith('211 '))
        resp = ftp.sendcmd('STAT statdir')
        self.assertTrue(resp.startswith('213-'), resp)
        self.assertIn('f1.txt', resp)
        self.assertTrue(resp.splitlines()[-1].startswith('213 '))

    def test_unknown_command(self):
        ftp = self.connect()
        self.assert_error('500', ftp.sendcmd, 'XYZZY')
        self.assert_error('502', ftp.sendcmd, 'ACCT x')
        ftp.voidcmd('NOOP')

    def test_site(self):
        self.srv.write('alice/chm.txt', b'c')
        ftp = self.connect()
        self.assertTrue(ftp.sendcmd('SITE HELP').startswith('214'))
        ftp.voidcmd('SITE CHMOD 600 chm.txt')
        self.assertEqual(os.stat(self.srv.path('alice/chm.txt')).st_mode
                         & 0o777, 0o600)


class ModesTest(ServerCase):
    """Passive (PASV) and active (PORT) data connections over IPv4."""

    def exercise(self, ftp, tag):
        data = os.urandom(1024 * 1024 + 17)
        name = 'mode-%s.bin' % tag
        ftp.storbinary('STOR ' + name, io.BytesIO(data))
        self.assertEqual(sha256(self.srv.read('alice/' + name)), sha256(data))
        self.assertEqual(sha256(collect(ftp, 'RETR ' + name)), sha256(data))
        self.assertIn(name, ftp.nlst())
        lines = []
        ftp.retrlines('LIST', lines.append)
        self.assertTrue(any(line.endswith(name) for line in lines))
        self.assertIn(name, dict(ftp.mlsd()))

    def test_passive(self):
        ftp = self.connect(passive=True)
        self.assertTrue(ftp.sendcmd('PASV').startswith('227'))
        self.exercise(ftp, 'pasv')

    def test_active(self):
        ftp = self.connect(passive=False)
        self.exercise(ftp, 'port')

    def test_port_to_other_host_refused(self):
        ftp = self.connect()
        self.assert_error('500', ftp.sendport, '10.1.2.3', 40000)

    def test_epsv_and_eprt_over_ipv4(self):
        ftp = self.connect()
        resp = ftp.sendcmd('EPSV')
        self.assertTrue(resp.startswith('229'), resp)
        host, port = ftplib.parse229(resp, ftp.sock.getpeername())
        with socket.create_connection((host, port), timeout=TIMEOUT) as conn:
            ftp.sendcmd('NLST')
            got = recv_all(conn)
        ftp.voidresp()
        self.assertIsInstance(got, bytes)
        # EPRT with af 1: ftplib's sendeprt.
        with socket.create_server(('127.0.0.1', 0)) as lsock:
            lsock.settimeout(TIMEOUT)
            resp = ftp.sendeprt('127.0.0.1', lsock.getsockname()[1])
            self.assertTrue(resp.startswith('200'), resp)
            ftp.sendcmd('NLST')
            conn, _ = lsock.accept()
            with conn:
                recv_all(conn)
        ftp.voidresp()


class IPv6Test(ServerCase):
    """The same over ::1: ftplib picks EPSV and EPRT by itself."""

    HOST = '::1'

    def exercise(self, ftp, tag):
        self.assertEqual(ftp.af, socket.AF_INET6)
        data = os.urandom(500000)
        name = 'v6-%s.bin' % tag
        ftp.storbinary('STOR ' + name, io.BytesIO(data))
        self.assertEqual(sha256(self.srv.read('alice/' + name)), sha256(data))
        self.assertEqual(sha256(collect(ftp, 'RETR ' + name, rest=1000)),
                         sha256(data[1000:]))
        self.assertIn(name, dict(ftp.mlsd()))

    def test_epsv(self):
        ftp = self.connect(passive=True)
        resp = ftp.sendcmd('EPSV')
        self.assertTrue(resp.startswith('229'), resp)
        self.exercise(ftp, 'epsv')

    def test_eprt(self):
        ftp = self.connect(passive=False)
        self.exercise(ftp, 'eprt')

    def test_eprt_unspecified_address(self):
        # lftp sends "EPRT |2|::|port|" on ::1: it means the client itself.
        ftp = self.connect()
        self.srv.write('alice/v6-unspec.txt', b'unspecified')
        with socket.create_server(('::1', 0), family=socket.AF_INET6) as ls:
            ls.settimeout(TIMEOUT)
            resp = ftp.sendcmd('EPRT |2|::|%d|' % ls.getsockname()[1])
            self.assertTrue(resp.startswith('200'), resp)
            ftp.sendcmd('RETR v6-unspec.txt')
            conn, peer = ls.accept()
            with conn:
                got = recv_all(conn)
        ftp.voidresp()
        self.assertEqual(got, b'unspecified')
        self.assertEqual(peer[0], '::1')

    def test_pasv_refused(self):
        ftp = self.connect()
        self.assert_error('522', ftp.sendcmd, 'PASV')


class Stop(Exception):
    pass


class AbortTest(ServerCase):
    """ftp.abort() in the middle of a retrbinary."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Larger than every socket buffer on the way, so the server is
        # still sending when ABOR arrives. Sparse: cheap to make.
        with open(cls.srv.path('alice/huge.bin'), 'wb') as f:
            f.truncate(256 * 1024 * 1024)
        cls.srv.write('alice/after.bin', b'still here' * 100)

    def run_abort(self, ftp):
        seen = []

        def callback(chunk):
            seen.append(len(chunk))
            if sum(seen) >= 1024 * 1024:
                raise Stop(ftp.abort())

        with self.assertRaises(Stop) as cm:
            ftp.retrbinary('RETR huge.bin', callback, blocksize=65536)
        first = cm.exception.args[0]
        # RFC 959: 426 for the aborted transfer, then 226 for the ABOR.
        self.assertTrue(first.startswith('426'), first)
        second = ftp.getresp()
        self.assertTrue(second.startswith('226'), second)
        self.assertLess(sum(seen), 256 * 1024 * 1024)

    def check_usable(self, ftp):
        self.assertTrue(ftp.voidcmd('NOOP').startswith('200'))
        self.assertEqual(ftp.pwd(), '/')
        self.assertEqual(collect(ftp, 'RETR after.bin'), b'still here' * 100)

    def test_abort_passive(self):
        ftp = self.connect(passive=True)
        self.run_abort(ftp)
        self.check_usable(ftp)

    def test_abort_active(self):
        ftp = self.connect(passive=False)
        self.run_abort(ftp)
        self.check_usable(ftp)

    def test_abort_idle(self):
        ftp = self.connect()
        # No transfer: 225 (or 226), and nothing else queued.
        resp = ftp.abort()
        self.assertIn(resp[:3], ('225', '226'))
        self.check_usable(ftp)


class ReadOnlyTest(ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.srv.write('bob/keep.txt', b'keep me')
        mkdirs(cls.srv, 'bob/keepdir')

    def test_reads_allowed(self):
        ftp = self.connect('bob')
        self.assertEqual(collect(ftp, 'RETR keep.txt'), b'keep me')
        self.assertEqual(sorted(ftp.nlst()), ['keep.txt', 'keepdir'])
        ftp.cwd('keepdir')
        self.assertEqual(ftp.pwd(), '/keepdir')

    def test_writes_denied(self):
        ftp = self.connect('bob')
        x = io.BytesIO(b'x\n')
        self.assert_error('550', ftp.storbinary, 'STOR new.txt', x)
        self.assert_error('550', ftp.storbinary, 'APPE keep.txt', x)
        self.assert_error('550', ftp.storbinary, 'STOU', x)
        self.assert_error('550', ftp.storlines, 'STOR new.txt', x)
        self.assert_error('550', ftp.mkd, 'newdir')
        self.assert_error('550', ftp.rmd, 'keepdir')
        self.assert_error('550', ftp.delete, 'keep.txt')
        self.assert_error('550', ftp.rename, 'keep.txt', 'moved.txt')
        self.assert_error('550', ftp.sendcmd, 'SITE CHMOD 777 keep.txt')
        self.assert_error('550', ftp.sendcmd, 'MFMT 20010101000000 keep.txt')
        self.assertEqual(self.srv.read('bob/keep.txt'), b'keep me')
        self.assertEqual(sorted(os.listdir(self.srv.path('bob'))),
                         ['keep.txt', 'keepdir'])
        # Denials do not end the session.
        ftp.voidcmd('NOOP')


class EscapeTest(ServerCase):
    """Nothing outside the user's home can be reached."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        srv.write('bob/secret.txt', b'bob only')
        with open(os.path.join(srv.dir, 'outside.txt'), 'wb') as f:
            f.write(b'outside the root')
        home = srv.path('alice')
        mkdirs(srv, 'alice/esc')
        os.symlink('/etc', os.path.join(home, 'esc/abs-dir'))
        os.symlink('/etc/passwd', os.path.join(home, 'esc/abs-file'))
        os.symlink('../../bob', os.path.join(home, 'esc/rel-dir'))
        os.symlink('../../bob/secret.txt', os.path.join(home, 'esc/rel-file'))
        os.symlink('../../../outside.txt', os.path.join(home, 'esc/rel-out'))
        srv.write('alice/esc/inner/ok.txt', b'inside')
        os.symlink('inner/ok.txt', os.path.join(home, 'esc/in-file'))
        os.symlink('inner', os.path.join(home, 'esc/in-dir'))

    def test_dotdot_stays_home(self):
        ftp = self.connect()
        for target in ('..', '../..', '/..', '/../../..', 'esc/../../..'):
            ftp.cwd('/')
            ftp.cwd(target)
            self.assertEqual(ftp.pwd(), '/', target)
        # "../bob/secret.txt" is "/bob/secret.txt" inside alice's home.
        for path in ('../bob/secret.txt', '../../bob/secret.txt',
                     '/../bob/secret.txt', '../outside.txt',
                     '../../outside.txt', '/etc/passwd'):
            self.assert_error('550', collect, ftp, 'RETR ' + path)
        self.assert_error('550', ftp.cwd, '../bob')

    def test_symlinks_out_refused(self):
        ftp = self.connect()
        for link in ('abs-dir', 'rel-dir'):
            self.assert_error('550', ftp.cwd, 'esc/' + link)
            self.assert_error('550', ftp.nlst, 'esc/' + link)
            self.assert_error('550', ftp.size, 'esc/' + link + '/passwd')
        for link in ('abs-file', 'rel-file', 'rel-out'):
            self.assert_error('550', collect, ftp, 'RETR esc/' + link)
            self.assert_error('550', ftp.size, 'esc/' + link)
            self.assert_error('550', ftp.sendcmd, 'MDTM esc/' + link)
        # Writing through a link that leads out is refused as well.
        self.assert_error('550', ftp.storbinary,
                          'STOR esc/rel-dir/planted.txt', io.BytesIO(b'x'))
        self.assert_error('550', ftp.storbinary, 'APPE esc/rel-file',
                          io.BytesIO(b'x'))
        self.assert_error('550', ftp.mkd, 'esc/abs-dir/x')
        self.assertFalse(os.path.exists(self.srv.path('bob/planted.txt')))
        self.assertEqual(self.srv.read('bob/secret.txt'), b'bob only')
        ftp.voidcmd('NOOP')

    def test_symlinks_inside_allowed(self):
        ftp = self.connect()
        self.assertEqual(collect(ftp, 'RETR esc/in-file'), b'inside')
        ftp.cwd('esc/in-dir')
        self.assertEqual(ftp.nlst(), ['ok.txt'])

    def test_bob_cannot_see_alice(self):
        self.srv.write('alice/mine.txt', b'alice')
        ftp = self.connect('bob')
        self.assert_error('550', collect, ftp, 'RETR ../alice/mine.txt')
        self.assert_error('550', ftp.cwd, '/alice')


class NamesTest(ServerCase):
    """File names with spaces and UTF-8 (ftplib's default encoding)."""

    NAMES = ['with space.txt', '  leading and trailing  ', 'ünïcødé €.txt',
             '日本語 ファイル.bin', 'quote"and\'apostrophe']

    def test_names_roundtrip(self):
        ftp = self.connect()
        self.assertEqual(ftp.encoding, 'utf-8')
        for i, name in enumerate(self.NAMES):
            data = os.urandom(1000 + i)
            ftp.storbinary('STOR ' + name, io.BytesIO(data))
            self.assertEqual(sha256(self.srv.read('alice/' + name)),
                             sha256(data), name)
            self.assertEqual(sha256(collect(ftp, 'RETR ' + name)),
                             sha256(data), name)
            self.assertEqual(ftp.size(name), len(data))
        listed = ftp.nlst()
        for name in self.NAMES:
            self.assertIn(name, listed)
        facts = dict(ftp.mlsd())
        for name in self.NAMES:
            self.assertIn(name, facts)
        lines = []
        ftp.dir(lines.append)
        self.assertTrue(any(line.endswith(' with space.txt')
                            for line in lines))

    def test_dirs_and_rename_with_names(self):
        ftp = self.connect()
        self.assertEqual(ftp.mkd('dir with space'), '/dir with space')
        ftp.cwd('dir with space')
        self.assertEqual(ftp.pwd(), '/dir with space')
        ftp.mkd('ünï dir')
        ftp.cwd('ünï dir')
        self.assertEqual(ftp.pwd(), '/dir with space/ünï dir')
        ftp.storbinary('STOR a b.txt', io.BytesIO(b'ab'))
        ftp.rename('a b.txt', 'c d €.txt')
        self.assertEqual(self.srv.read('alice/dir with space/ünï dir/c d €.txt'),
                         b'ab')
        ftp.delete('c d €.txt')
        ftp.cwd('/')
        ftp.rmd('dir with space/ünï dir')
        ftp.rmd('dir with space')

    def test_quote_in_pwd(self):
        ftp = self.connect()
        # RFC 959: a '"' in a 257 path is doubled; ftplib undoes that.
        self.assertEqual(ftp.mkd('say "hi"'), '/say "hi"')
        ftp.cwd('say "hi"')
        self.assertEqual(ftp.pwd(), '/say "hi"')


if __name__ == '__main__':
    run_suite('test_ftplib')
