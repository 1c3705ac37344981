"""What ftpd does with the files and folders themselves: TYPE A uploads
whose CRs straddle buffers, FIFOs where a file is expected, the temporary
files of uploads (hidden, untouchable, swept when stale), a root or home
replaced while the server runs, listings of huge folders streamed in
bounded memory, and STAT of a folder too big for one reply."""
import fcntl
import ftplib
import os
import re
import shutil
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402
from test_security import Raw, ServerCase, still_serves  # noqa: E402


class Case(ServerCase):
    def login(self, user='alice'):
        """A raw session, greeted and logged in as user."""
        r = self.raw()
        self.assertEqual(r.login(user)[0], '230')
        return r

    def transfer_in(self, r, command):
        """Runs a download command; returns (final code, text, bytes)."""
        d = r.data_conn()
        code, text = r.cmd(command)
        if code != '150':
            d.close()
            return code, text, b''
        chunks = []
        while True:
            b = d.recv(1 << 16)
            if not b:
                break
            chunks.append(b)
        d.close()
        code, text = r.reply()
        return code, text, b''.join(chunks)

    def transfer_out(self, r, command, data):
        """Runs an upload command with data; returns (final code, text)."""
        d = r.data_conn()
        code, text = r.cmd(command)
        if code != '150':
            d.close()
            return code, text
        d.sendall(data)
        d.close()
        return r.reply()

    def listing(self, r, command):
        code, text, data = self.transfer_in(r, command)
        self.assertEqual(code, '226', text)
        return data.decode('utf-8', 'replace').split('\r\n')[:-1]


wait_for = H.wait_for


class AsciiUpload(Case):
    def test_type_a_upload_of_cr_blocks_is_stored_intact(self):
        # Each 128 KiB block of CRs ends with a CR held over into the next
        # read, which then produced one byte more than the read: a heap
        # overflow by one byte (seen under ASan).
        block = 128 * 1024
        data = b''.join((b'\r' if i % 2 == 0 else b'A') * block
                        for i in range(16))
        r = self.login()
        self.assertEqual(r.cmd('TYPE A')[0], '200')
        d = r.data_conn()
        self.assertEqual(r.cmd('STOR crblocks.txt')[0], '150')
        d.sendall(data)
        d.close()
        code, text = r.reply()
        self.assertEqual(code, '226', text)
        # No CRLF pairs in it: the stored bytes are the sent bytes.
        self.assertEqual(H.sha256_file(self.srv.path('alice/crblocks.txt')),
                         H.sha256(data))
        self.assertEqual(r.cmd('NOOP')[0], '200')
        r.close()


class Fifos(Case):
    def setUp(self):
        self.fifo = self.srv.path('alice/pipe')
        if not os.path.exists(self.fifo):
            os.mkfifo(self.fifo)
            H.give(self.fifo)

    def test_transfers_on_a_fifo_get_550_promptly(self):
        r = self.login()
        r.sock.settimeout(5)
        for cmds in (['RETR pipe'], ['STOR pipe'], ['APPE pipe'],
                     ['REST 5', 'STOR pipe'], ['REST 5', 'RETR pipe']):
            d = r.data_conn()
            for c in cmds[:-1]:
                self.assertEqual(r.cmd(c)[0], '350', c)
            start = time.monotonic()
            code, text = r.cmd(cmds[-1])
            self.assertEqual(code, '550', (cmds, text))
            self.assertLess(time.monotonic() - start, 2.0, cmds)
            d.close()
        # The FIFO is still a FIFO (STOR did not replace it either).
        import stat
        self.assertTrue(stat.S_ISFIFO(os.lstat(self.fifo).st_mode))
        self.assertEqual(r.cmd('NOOP')[0], '200')
        r.close()
        still_serves(self, self.srv)

    def test_other_sessions_served_while_fifo_refused(self):
        r = self.login()
        r.sock.settimeout(5)
        d = r.data_conn()
        self.assertEqual(r.cmd('APPE pipe')[0], '550')
        d.close()
        other = self.login('bob')
        self.assertEqual(other.cmd('NOOP')[0], '200')
        other.close()
        r.close()


TEMP = '.ftpd-upload.0123456789abcdef.doc.txt'


class TempFiles(Case):
    def setUp(self):
        self.srv.write('alice/' + TEMP, b'partial upload')
        self.srv.write('alice/.profile', b'dot file')
        self.srv.makedirs('alice/.ftpd-upload.feedfacefeedface.dir')

    def test_hidden_from_every_listing(self):
        r = self.login()
        for cmd in ('LIST -a', 'NLST -a', 'MLSD', 'LIST -a .*',
                    'NLST .ftpd*'):
            text = '\n'.join(self.listing(r, cmd))
            self.assertNotIn('ftpd-upload', text, cmd)
            if cmd != 'NLST .ftpd*':
                self.assertIn('.profile', text, cmd)
        # A pattern that could only match them names no file at all.
        code, text, _ = self.transfer_in(r, 'NLST .ftpd-upload.*')
        self.assertEqual(code, '550', text)
        code, text = r.cmd('STAT .')
        self.assertEqual(code, '213', text)
        self.assertIn('.profile', text)
        self.assertNotIn('ftpd-upload', text)
        r.close()

    def test_every_command_on_one_is_refused(self):
        r = self.login()
        d = '.ftpd-upload.feedfacefeedface.dir'
        for cmd in ('SIZE ' + TEMP, 'MDTM ' + TEMP, 'MLST ' + TEMP,
                    'STAT ' + TEMP, 'DELE ' + TEMP, 'RNFR ' + TEMP,
                    'CWD ' + d, 'RMD ' + d, 'MKD %s/x' % d,
                    'MFMT 20200101000000 ' + TEMP,
                    'SITE CHMOD 600 ' + TEMP):
            code, text = r.cmd(cmd)
            self.assertEqual(code, '550', (cmd, text))
            self.assertIn('No such file', text, cmd)
        for cmd in ('LIST ' + TEMP, 'NLST ' + d, 'MLSD ' + d,
                    'RETR ' + TEMP, 'STOR ' + TEMP, 'APPE ' + TEMP):
            code, text, _ = self.transfer_in(r, cmd)
            self.assertEqual(code, '550', (cmd, text))
        self.assertEqual(r.cmd('RNFR .profile')[0], '350')
        self.assertEqual(r.cmd('RNTO ' + TEMP)[0], '550')
        self.assertEqual(self.srv.read('alice/' + TEMP), b'partial upload')
        self.assertEqual(self.srv.read('alice/.profile'), b'dot file')
        r.close()

    def test_upload_in_progress_is_locked_hidden_and_safe(self):
        r = self.login()
        d = r.data_conn()
        self.assertEqual(r.cmd('STOR live.bin')[0], '150')
        d.sendall(b'first half ')
        home = self.srv.path('alice')
        temp = wait_for(lambda: [n for n in os.listdir(home)
                                 if n.startswith('.ftpd-upload.') and
                                 n.endswith('.live.bin')],
                        what='the temporary file')[0]
        # Locked by the upload, so that no starting server sweeps it.
        with open(os.path.join(home, temp), 'rb') as f:
            with self.assertRaises(BlockingIOError):
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        other = self.login()
        self.assertNotIn(temp, '\n'.join(self.listing(other, 'NLST -a')))
        self.assertEqual(other.cmd('DELE ' + temp)[0], '550')
        self.assertEqual(other.cmd('RNFR ' + temp)[0], '550')
        other.close()
        d.sendall(b'second half')
        d.close()
        self.assertEqual(r.reply()[0], '226')
        self.assertEqual(self.srv.read('alice/live.bin'),
                         b'first half second half')
        self.assertFalse(os.path.exists(os.path.join(home, temp)))
        r.close()

    def test_replaced_file_keeps_its_permissions(self):
        # Written beside and renamed over, a file made private must not
        # come back readable by all (file_mode is for new files).
        self.srv.write('alice/private.txt', b'old secret')
        r = self.login()
        self.assertEqual(r.cmd('SITE CHMOD 600 private.txt')[0], '200')
        code, text = self.transfer_out(r, 'STOR private.txt', b'new secret')
        self.assertEqual(code, '226', text)
        p = self.srv.path('alice/private.txt')
        self.assertEqual(self.srv.read('alice/private.txt'), b'new secret')
        self.assertEqual(os.stat(p).st_mode & 0o777, 0o600)
        # A new file still gets file_mode.
        code, text = self.transfer_out(r, 'STOR fresh.txt', b'x')
        self.assertEqual(code, '226', text)
        self.assertEqual(os.stat(self.srv.path('alice/fresh.txt')).st_mode
                         & 0o777, 0o644)
        r.close()


class TransferWithoutDataConnection(Case):
    """A transfer command with no PORT/PASV before it gets 425 before
    anything is opened: writing in place, STOR must not truncate the old
    file, make an empty one or use up a file of the quota."""
    extra = ('--set', 'upload_in_place=yes')

    def test_425_before_any_file_is_touched(self):
        self.srv.write('alice/keep.bin', b'complete old file')
        r = self.login()
        for cmd in ('STOR keep.bin', 'APPE keep.bin', 'STOR new.bin',
                    'STOU', 'RETR keep.bin', 'RETR missing.bin',
                    'LIST', 'NLST', 'MLSD'):
            code, text = r.cmd(cmd)
            self.assertEqual(code, '425', (cmd, text))
        self.assertEqual(self.srv.read('alice/keep.bin'),
                         b'complete old file')
        self.assertEqual(sorted(os.listdir(self.srv.path('alice'))),
                         ['keep.bin'])
        # The session is still in step: a real transfer works.
        self.assertEqual(self.transfer_out(r, 'STOR new.bin', b'new')[0],
                         '226')
        self.assertEqual(self.srv.read('alice/new.bin'), b'new')
        r.close()


class QuotaFilesWithoutDataConnection(unittest.TestCase):
    def test_refused_transfers_use_up_no_file_of_the_quota(self):
        srv = H.Server()
        self.addCleanup(srv.cleanup)
        h = H.crypt.crypt(H.PASSWORD, '$6$pyharness$')
        with open(srv.users, 'w') as fh:
            fh.write('alice:%s:/alice:rw:quota_files=2\n' % h)
        srv.start()
        r = Raw(srv.port)
        self.assertEqual(r.reply()[0], '220')
        self.assertEqual(r.login('alice')[0], '230')
        for _ in range(3):
            self.assertEqual(r.cmd('STOR lost.bin')[0], '425')
        for name in ('a.bin', 'b.bin'):
            d = r.data_conn()
            code, text = r.cmd('STOR ' + name)
            self.assertEqual(code, '150', text)
            d.sendall(b'x')
            d.close()
            self.assertEqual(r.reply()[0], '226', name)
        r.close()


class StaleTempFiles(unittest.TestCase):
    def test_stale_ones_swept_at_start_locked_ones_kept(self):
        srv = H.Server()
        try:
            srv.write('alice/.ftpd-upload.1111111111111111.a', b'stale')
            srv.write('alice/deep/er/.ftpd-upload.2222222222222222.b', b'x')
            srv.write('alice/.ftpd-upload.3333333333333333.c', b'live')
            srv.write('alice/keep.txt', b'keep')
            os.mkfifo(srv.path('alice/.ftpd-upload.4444444444444444.p'))
            # Another server on the same root writing into this one.
            held = open(srv.path('alice/.ftpd-upload.3333333333333333.c'),
                        'rb')
            fcntl.flock(held, fcntl.LOCK_EX)
            srv.start()
            wait_for(lambda: 'sweep of' in open(srv.log, errors='replace')
                     .read(), what='the end of the sweep')
            held.close()
            self.assertFalse(os.path.exists(
                srv.path('alice/.ftpd-upload.1111111111111111.a')))
            self.assertFalse(os.path.exists(
                srv.path('alice/deep/er/.ftpd-upload.2222222222222222.b')))
            self.assertTrue(os.path.exists(
                srv.path('alice/.ftpd-upload.3333333333333333.c')))
            self.assertTrue(os.path.exists(
                srv.path('alice/.ftpd-upload.4444444444444444.p')))
            self.assertEqual(srv.read('alice/keep.txt'), b'keep')
            with open(srv.log, errors='replace') as f:
                self.assertIn('removed stale upload', f.read())
        finally:
            srv.cleanup()

    def test_upload_killed_by_sigkill_is_swept_at_restart(self):
        srv = H.start_ftpd()
        try:
            r = Raw(srv.port)
            r.reply()
            r.login()
            d = r.data_conn()
            self.assertEqual(r.cmd('STOR big.bin')[0], '150')
            d.sendall(b'x' * 100000)
            home = srv.path('alice')
            wait_for(lambda: [n for n in os.listdir(home)
                              if n.startswith('.ftpd-upload.')],
                     what='the temporary file')
            srv.proc.kill()
            srv.proc.wait()
            srv.proc = None
            srv.logf.close()
            d.close()
            r.close()
            # start() waits for a ready line: not the old server's.
            os.rename(srv.log, srv.log + '.1')
            srv.start()
            wait_for(lambda: 'sweep of' in open(srv.log, errors='replace')
                     .read(), what='the end of the sweep')
            self.assertEqual([n for n in os.listdir(home)
                              if n.startswith('.ftpd-upload.')], [])
            self.assertFalse(os.path.exists(srv.path('alice/big.bin')))
        finally:
            srv.cleanup()


class RootPerLogin(unittest.TestCase):
    """The root is a symlink (releases/current) or a folder that is
    replaced; each login must see what the path names now, while a
    session that logged in before keeps working in its old folder."""

    def setUp(self):
        self.srv = H.Server()
        self.v1 = self.srv.root + '.v1'
        os.rename(self.srv.root, self.v1)
        os.symlink(self.v1, self.srv.root)
        self.srv.write('alice/one.txt', b'1')

    def tearDown(self):
        self.srv.cleanup()
        shutil.rmtree(self.v1, ignore_errors=True)
        shutil.rmtree(self.srv.root + '.v2', ignore_errors=True)

    def nlst(self, r):
        code, text, data = Case.transfer_in(self, r, 'NLST')
        self.assertEqual(code, '226', text)
        return sorted(data.decode().split('\r\n')[:-1])

    def login(self):
        r = Raw(self.srv.port)
        self.assertEqual(r.reply()[0], '220')
        self.assertEqual(r.login()[0], '230')
        return r

    def make_tree(self, top, name):
        os.mkdir(top)
        H.give(top)
        os.mkdir(os.path.join(top, 'alice'))
        H.give(os.path.join(top, 'alice'))
        os.mkdir(os.path.join(top, 'bob'))
        H.give(os.path.join(top, 'bob'))
        with open(os.path.join(top, 'alice', name), 'wb') as f:
            f.write(b'2')

    def test_symlink_switch_seen_at_next_login(self):
        self.srv.start()
        old = self.login()
        self.assertEqual(self.nlst(old), ['one.txt'])
        v2 = self.srv.root + '.v2'
        self.make_tree(v2, 'two.txt')
        tmp = self.srv.root + '.new'
        os.symlink(v2, tmp)
        os.replace(tmp, self.srv.root)
        new = self.login()
        self.assertEqual(self.nlst(new), ['two.txt'])
        # The session from before still has its folder, and shares nothing.
        self.assertEqual(self.nlst(old), ['one.txt'])
        old.close()
        new.close()

    def test_recreated_root_seen_at_next_login(self):
        os.unlink(self.srv.root)
        os.rename(self.v1, self.srv.root)
        self.srv.start()
        old = self.login()
        self.assertEqual(self.nlst(old), ['one.txt'])
        shutil.rmtree(self.srv.root)
        self.make_tree(self.srv.root, 'two.txt')
        new = self.login()
        self.assertEqual(self.nlst(new), ['two.txt'])
        self.assertEqual(old.cmd('NOOP')[0], '200')
        old.close()
        new.close()

    def test_replaced_home_seen_while_old_session_open(self):
        self.srv.start()
        old = self.login()
        home = self.srv.path('alice')
        os.rename(home, home + '.old')
        os.mkdir(home)
        H.give(home)
        self.srv.write('alice/fresh.txt', b'f')
        new = self.login()
        self.assertEqual(self.nlst(new), ['fresh.txt'])
        self.assertEqual(self.nlst(old), ['one.txt'])
        # Two sessions of the new home share it: both see a new file.
        third = self.login()
        self.srv.write('alice/more.txt', b'm')
        self.assertEqual(self.nlst(third), ['fresh.txt', 'more.txt'])
        self.assertEqual(self.nlst(new), ['fresh.txt', 'more.txt'])
        for r in (old, new, third):
            r.close()


class UnreachableRootPath(unittest.TestCase):
    def test_root_closed_to_run_as_user_falls_back_with_a_warning(self):
        if os.geteuid() != 0:
            self.skipTest('needs root (the server drops to nobody)')
        srv = H.Server()
        try:
            os.chmod(srv.dir, 0o700)   # nobody cannot reach the root
            srv.write('alice/a.txt', b'a')
            srv.start()
            r = Raw(srv.port)
            r.reply()
            self.assertEqual(r.login()[0], '230')
            code, _, data = Case.transfer_in(self, r, 'NLST')
            self.assertEqual((code, data), ('226', b'a.txt\r\n'))
            r.close()
            with open(srv.log, errors='replace') as f:
                self.assertIn('serving the folder opened at startup',
                              f.read())
        finally:
            srv.cleanup()


def make_many(folder, n):
    os.makedirs(folder, exist_ok=True)
    H.give(folder)
    for i in range(n):
        os.close(os.open(os.path.join(folder, 'f%06d' % i),
                         os.O_CREAT | os.O_WRONLY, 0o644))
    return ['f%06d' % i for i in range(n)]


def vmrss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    raise AssertionError('no VmRSS')


class HugeFolders(Case):
    N = 100000

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.names = make_many(cls.srv.path('alice/huge'), cls.N)
        make_many(cls.srv.path('alice/small'), 500)
        make_many(cls.srv.path('alice/mid'), 20000)

    def test_huge_folder_listed_completely(self):
        r = self.login()
        r.sock.settimeout(60)
        for cmd, name_of in (('NLST huge', lambda l: l[len('huge/'):]),
                             ('LIST huge', lambda l: l.split()[-1]),
                             ('MLSD huge', lambda l: l.split(' ', 1)[1])):
            lines = [name_of(l) for l in self.listing(r, cmd)
                     if not l.startswith('type=cdir')]
            self.assertEqual(len(lines), self.N, cmd)
            self.assertEqual(set(lines), set(self.names), cmd)
        r.close()

    def test_small_folder_still_sorted(self):
        r = self.login()
        got = self.listing(r, 'NLST small')
        self.assertEqual(got, ['small/f%06d' % i for i in range(500)])
        r.close()

    def test_stalled_listings_hold_bounded_memory(self):
        pid = self.srv.proc.pid
        # One listing first, so that one-time allocations are counted in
        # the baseline.
        warm = self.login()
        self.listing(warm, 'LIST huge')
        before = vmrss_kib(pid)
        stalled = []
        for _ in range(10):
            r = self.login()
            # A small window set before connecting, and LIST (6 MB of
            # text) rather than NLST: more than the kernel's socket
            # buffers take, so the listing really waits in the server.
            d = socket.socket()
            d.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            d.settimeout(30)
            d.connect(('127.0.0.1', r.epsv_port()))
            self.assertEqual(r.cmd('LIST huge')[0], '150')
            stalled.append((r, d))
        # Until the server stops growing: the socket buffers are full.
        last, steady_since = vmrss_kib(pid), time.monotonic()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and \
                time.monotonic() - steady_since < 1.0:
            time.sleep(0.1)
            now = vmrss_kib(pid)
            if now != last:
                last, steady_since = now, time.monotonic()
        growth = vmrss_kib(pid) - before
        print('10 stalled LISTs of %d entries: VmRSS grew %d KiB'
              % (self.N, growth))
        self.assertLess(growth, 20 * 1024)
        # And each one still completes when read.
        for r, d in stalled:
            n = 0
            while True:
                b = d.recv(1 << 16)
                if not b:
                    break
                n += b.count(b'\r\n')
            d.close()
            self.assertEqual(r.reply()[0], '226')
            self.assertEqual(n, self.N)
            r.close()
        warm.close()

    def test_stat_of_big_folder_is_cut_and_says_so(self):
        r = self.login()
        code, text = r.cmd('STAT mid')
        self.assertEqual(code, '213', text[:200])
        lines = text.split('\n')
        self.assertTrue(lines[-1].startswith('213 '), lines[-1])
        m = re.search(r'Listing cut at (\d+) entries', lines[-2])
        self.assertIsNotNone(m, lines[-2])
        entries = [l for l in lines[1:-2] if re.search(r' f\d{6}$', l)]
        self.assertEqual(len(entries), int(m.group(1)))
        self.assertGreater(len(entries), 1000)
        self.assertLess(len(entries), 20000)
        # A folder that fits is listed whole, sorted, with no cut line.
        code, text = r.cmd('STAT small')
        self.assertEqual(code, '213')
        self.assertNotIn('cut at', text)
        names = re.findall(r' (f\d{6})\r?$', text, re.M)
        self.assertEqual(names, ['f%06d' % i for i in range(500)])
        r.close()


class ListCap(Case):
    extra = ['--set', 'max_list_entries=1000']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_many(cls.srv.path('alice/huge'), 30000)

    def test_cut_at_max_entries_in_a_streamed_listing(self):
        r = self.login()
        for cmd in ('NLST huge', 'LIST huge', 'MLSD huge'):
            code, text, data = self.transfer_in(r, cmd)
            self.assertEqual(code, '226', text)
            self.assertIn('cut at 1000 entries', text)
            lines = [l for l in data.split(b'\r\n')[:-1]
                     if not l.startswith(b'type=cdir')]
            self.assertEqual(len(lines), 1000, cmd)
        code, text = r.cmd('STAT huge')
        self.assertEqual(code, '213')
        self.assertIn('Listing cut at 1000 entries', text)
        r.close()


if __name__ == '__main__':
    H.run_suite('test_files')
