"""Logs operators can use: a session id on every session line (two
sessions of one address told apart), failures and refusals logged with
their reason, log_commands (PASS masked), log_format = json parsed line
by line, and syslog when ftpd detaches without a log file (run in a
private mount namespace whose /dev holds our own /dev/log socket and
/dev/null; the real /dev is never touched), with pid_file naming the
detached process."""
import ftplib
import io
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402

SESSION_LINE = re.compile(r'^\S+ ftpd\[\d+\]: \[s(\d+)\] (\S+) (\S+): (.*)$')
# The fields ftpd.conf(5) documents for log_format = json.
JSON_FIELDS = {'time', 'pid', 'session', 'client', 'user', 'msg', 'xferlog'}


def read(path):
    with open(path, errors='replace') as f:
        return f.read()


def session_lines(text):
    """(id, client, user, message) of every text session line."""
    out = []
    for line in text.splitlines():
        m = SESSION_LINE.match(line)
        if m:
            out.append((int(m.group(1)), m.group(2), m.group(3), m.group(4)))
    return out


def login(srv, user='alice', password=H.PASSWORD):
    f = ftplib.FTP()
    f.connect('127.0.0.1', srv.port, timeout=10)
    f.login(user, password)
    return f


class SessionIds(unittest.TestCase):
    def test_two_sessions_of_one_address_have_their_own_id(self):
        srv = H.start_ftpd()
        try:
            a = login(srv, 'alice')
            b = login(srv, 'bob')
            a.voidcmd('NOOP')
            b.pwd()
            a.quit()
            b.quit()
            H.wait_for(lambda: read(srv.log).count(': disconnect') == 2,
                       what='two disconnect lines')
            lines = session_lines(read(srv.log))
            ids = {}
            for sid, client, user, msg in lines:
                self.assertEqual(client, '127.0.0.1')
                ids.setdefault(sid, []).append((user, msg))
            self.assertEqual(len(ids), 2, lines)
            for sid, entries in ids.items():
                msgs = [m for _, m in entries]
                self.assertEqual(msgs[0], 'connect', entries)
                self.assertTrue(msgs[-1].startswith('disconnect'), entries)
                self.assertEqual(msgs.count('connect'), 1, entries)
                users = {u for u, _ in entries} - {'-'}
                self.assertEqual(len(users), 1, entries)
            by_user = {next(u for u, _ in e if u != '-'): sid
                       for sid, e in ids.items()}
            self.assertNotEqual(by_user['alice'], by_user['bob'])
        finally:
            srv.cleanup()


class Failures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = H.start_ftpd(extra=['--set', 'login_delay_ms=0'])

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def line_for(self, user, needle):
        """The session line of user holding needle (waits for it)."""
        def find():
            for sid, _, u, msg in session_lines(read(self.srv.log)):
                if u == user and needle in msg:
                    return msg
            return None
        return H.wait_for(find, what=repr(needle))

    def test_dele_of_a_missing_file(self):
        f = login(self.srv)
        with self.assertRaises(ftplib.error_perm):
            f.delete('no-such-file.txt')
        f.quit()
        self.assertEqual(self.line_for('alice', 'DELE no-such-file.txt'),
                         'DELE no-such-file.txt failed: '
                         'No such file or directory')

    def test_upload_and_mkdir_into_a_read_only_account(self):
        f = login(self.srv, 'bob')
        with self.assertRaises(ftplib.error_perm):
            f.storbinary('STOR up.bin', io.BytesIO(b'x' * 10))
        with self.assertRaises(ftplib.error_perm):
            f.mkd('newdir')
        f.quit()
        self.assertEqual(self.line_for('bob', 'STOR'),
                         'STOR up.bin refused: read-only account')
        self.assertEqual(self.line_for('bob', 'MKD'),
                         'MKD newdir refused: read-only account')
        self.assertFalse(os.path.exists(self.srv.path('bob/up.bin')))

    def test_transfer_of_a_folder_and_chmod_by_a_read_only_account(self):
        self.srv.makedirs('alice/folder')
        f = login(self.srv)
        with self.assertRaises(ftplib.error_perm):
            f.retrbinary('RETR folder', lambda b: None)
        f.quit()
        self.assertEqual(self.line_for('alice', 'RETR folder'),
                         'RETR folder refused: Not a plain file')
        f = login(self.srv, 'bob')
        with self.assertRaises(ftplib.error_perm):
            f.sendcmd('SITE CHMOD 600 x')
        f.quit()
        self.assertEqual(self.line_for('bob', 'SITE CHMOD'),
                         'SITE CHMOD 600 x refused: read-only account')

    def test_abort_is_logged_as_an_abort_not_a_failure(self):
        self.srv.write('alice/abort.bin', b'a' * (8 << 20))
        f = login(self.srv)
        conn = f.transfercmd('RETR abort.bin')
        conn.recv(1024)
        f.abort()
        conn.close()
        f.quit()
        self.assertEqual(self.line_for('alice', 'abort.bin'),
                         'RETR /abort.bin aborted by client')
        H.wait_for(lambda: ': disconnect' in read(self.srv.log).split(
            'abort.bin aborted by client')[1], what='disconnect')
        self.assertNotIn('abort.bin failed', read(self.srv.log))

    def test_rename_of_a_missing_file(self):
        f = login(self.srv)
        with self.assertRaises(ftplib.error_perm):
            f.rename('ghost.txt', 'other.txt')
        f.quit()
        self.assertEqual(self.line_for('alice', 'RNFR ghost.txt'),
                         'RNFR ghost.txt failed: No such file or directory')

    def test_login_failures_say_why(self):
        for user, password in (('alice', 'wrong'), ('nosuchuser', 'x')):
            f = ftplib.FTP()
            f.connect('127.0.0.1', self.srv.port, timeout=10)
            with self.assertRaises(ftplib.error_perm):
                f.login(user, password)
            f.close()
        self.line_for('-', 'login failed for alice: wrong password')
        self.line_for('-', 'login failed for nosuchuser: no such user')
        self.assertNotIn('wrong\n', read(self.srv.log).replace(
            'wrong password', ''))

    def test_download_cut_by_the_client_is_logged(self):
        self.srv.write('alice/big.bin', b'b' * (8 << 20))
        f = login(self.srv)
        conn = f.transfercmd('RETR big.bin')
        conn.recv(1024)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        b'\x01\x00\x00\x00\x00\x00\x00\x00')
        conn.close()  # RST: the server sees its send fail
        with self.assertRaises(ftplib.error_temp):
            f.voidresp()
        f.quit()
        msg = self.line_for('alice', 'RETR /big.bin failed')
        self.assertRegex(msg, r'^RETR /big\.bin failed: 426 ')


class LogCommands(unittest.TestCase):
    def run_session(self, extra):
        srv = H.start_ftpd(extra=extra)
        try:
            f = login(srv)
            f.voidcmd('NOOP')
            f.quit()
            H.wait_for(lambda: ': disconnect' in read(srv.log),
                       what='disconnect')
            return read(srv.log)
        finally:
            srv.cleanup()

    def test_commands_and_replies_with_the_password_masked(self):
        log = self.run_session(['--set', 'log_commands=yes'])
        msgs = [m for _, _, _, m in session_lines(log)]
        for want in ('reply: 220 ftpd ready.', 'command: USER alice',
                     'reply: 331 Please specify the password.',
                     'command: PASS ****', 'reply: 230 Login successful.',
                     'command: NOOP', 'command: QUIT', 'reply: 221 Goodbye.'):
            self.assertIn(want, msgs)
        self.assertEqual(msgs.index('command: PASS ****') + 2,
                         msgs.index('reply: 230 Login successful.'), msgs)
        self.assertNotIn(H.PASSWORD, log)

    def test_off_by_default(self):
        log = self.run_session([])
        self.assertNotIn('command:', log)
        self.assertNotIn('reply:', log)

    def test_a_line_that_is_not_a_command_is_not_logged_as_sent(self):
        srv = H.start_ftpd(extra=['--set', 'log_commands=yes'])
        try:
            s = socket.create_connection(('127.0.0.1', srv.port), timeout=10)
            s.recv(1024)
            s.sendall(b'pass\tsecret-typo\r\nQUIT\r\n')
            H.wait_for(lambda: ': disconnect' in read(srv.log),
                       what='disconnect')
            s.close()
            log = read(srv.log)
            self.assertIn('command: (not a command line)', log)
            self.assertNotIn('secret-typo', log)
        finally:
            srv.cleanup()


class Json(unittest.TestCase):
    def test_every_line_parses_with_the_documented_fields(self):
        srv = H.Server(extra=['--set', 'log_format=json',
                              '--set', 'log_commands=yes',
                              '--set', 'login_delay_ms=0'])
        logfile = os.path.join(srv.dir, 'json.log')
        srv.extra += ['--log', logfile]
        srv.start()
        try:
            f = ftplib.FTP()
            f.connect('127.0.0.1', srv.port, timeout=10)
            with self.assertRaises(ftplib.error_perm):
                f.login('alice', 'wrong')
            f.close()
            f = ftplib.FTP(encoding='latin-1')
            f.connect('127.0.0.1', srv.port, timeout=10)
            f.login('alice', H.PASSWORD)
            # A name with a byte that is not UTF-8, a quote and a backslash.
            name = 'caf\xe9 "q" \\b.txt'
            f.storbinary('STOR ' + name, io.BytesIO(b'data'))
            f.retrbinary('RETR ' + name, lambda b: None)
            f.nlst()
            with self.assertRaises(ftplib.error_perm):
                f.delete('missing')
            # Escaped, this name outgrows a log line: the line is cut,
            # and still closes its object.
            with self.assertRaises(ftplib.error_perm):
                f.delete('\xff' * 1000)
            f.quit()
            H.wait_for(lambda: read(logfile).count('"disconnect') == 2,
                       what='two disconnect lines')
            with open(logfile, 'rb') as fh:
                raw = fh.read().splitlines()
            objs = [json.loads(line) for line in raw]
            sessions = set()
            for o in objs:
                self.assertLessEqual(set(o), JSON_FIELDS, o)
                self.assertRegex(o['time'],
                                 r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
                self.assertIsInstance(o['pid'], int)
                self.assertEqual(len({'msg', 'xferlog'} & set(o)), 1, o)
                if 'session' in o:
                    self.assertIsInstance(o['session'], int)
                    self.assertEqual(o['client'], '127.0.0.1')
                    sessions.add(o['session'])
                else:
                    self.assertNotIn('client', o)
                    self.assertNotIn('user', o)
            self.assertEqual(len(sessions), 2)
            msgs = [o.get('msg') for o in objs]
            self.assertIn('login failed for alice: wrong password', msgs)
            self.assertIn('command: PASS ****', msgs)
            self.assertIn('DELE missing failed: No such file or directory',
                          msgs)
            # The byte 0xe9 comes back as \u00e9: U+00E9.
            self.assertIn('command: STOR caf\xe9 "q" \\b.txt', msgs)
            self.assertIn(b'STOR caf\\u00e9 \\"q\\" \\\\b.txt', b'\n'.join(raw))
            cut = [m for m in msgs if m and m.startswith('command: DELE \xff')]
            self.assertEqual(len(cut), 1)
            self.assertGreater(len(cut[0]), 300)  # 6 bytes each, escaped
            self.assertLess(len(cut[0]), 1000 + len("command: DELE "))
            self.assertTrue(all(len(line) <= 2049 for line in raw))
            users = {o.get('user') for o in objs if 'session' in o}
            self.assertEqual(users, {None, 'alice'})
            self.assertTrue(any('xferlog' in o for o in objs))
            self.assertNotIn(b'secret', b'\n'.join(raw))
        finally:
            srv.cleanup()


@unittest.skipUnless(os.geteuid() == 0, 'needs root (mount namespace)')
class Syslog(unittest.TestCase):
    """Detached without --log: the lines go to syslog(3), here a socket of
    ours that a private mount namespace shows as /dev/log."""

    def setUp(self):
        self.srv = H.Server()
        self.dev = os.path.join(self.srv.dir, 'dev')
        os.mkdir(self.dev)
        os.chmod(self.dev, 0o755)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(os.path.join(self.dev, 'log'))
        # ftpd opens syslog after it became nobody.
        os.chmod(os.path.join(self.dev, 'log'), 0o666)
        null = os.path.join(self.dev, 'null')
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.chmod(null, 0o666)
        self.pidfile = os.path.join(self.srv.dir, 'ftpd.pid')
        self.pid = None

    def tearDown(self):
        if self.pid is not None and alive(self.pid):
            os.kill(self.pid, signal.SIGKILL)
        self.sock.close()
        self.srv.cleanup()

    def syslog_lines(self, until, timeout=10):
        lines = []
        deadline = time.monotonic() + timeout
        while not any(until in l for l in lines):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError('no %r in syslog: %r' % (until, lines))
            self.sock.settimeout(left)
            lines.append(self.sock.recv(65536).decode(errors='replace'))
        return lines

    def test_detached_server_logs_to_syslog_and_writes_its_pid(self):
        srv = self.srv
        argv = [H.FTPD, '--listen', '127.0.0.1', '--port', '0',
                '--root', srv.root, '--users', srv.users,
                '--set', 'admin_socket=' + os.path.join(srv.dir, 'a.sock'),
                '--set', 'pid_file=' + self.pidfile] + H.run_as_args()
        errlog = os.path.join(srv.dir, 'stderr')
        with open(errlog, 'wb') as err:
            # The namespace is private: the bind mount never leaves it.
            r = subprocess.run(
                ['unshare', '-m', '--propagation', 'private', 'sh', '-c',
                 'mount --bind "$0" /dev && exec "$@"', self.dev] + argv,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err, timeout=20)
        text = read(errlog)
        self.assertEqual(r.returncode, 0, text)
        port = int(re.search(r'ready on 127\.0\.0\.1 port (\d+)',
                             text).group(1))
        self.pid = int(H.wait_for(lambda: read(self.pidfile).strip(),
                                  what='the pid file'))
        self.assertTrue(alive(self.pid))
        with open('/proc/%d/cmdline' % self.pid, 'rb') as f:
            self.assertEqual(f.read().split(b'\0')[0], H.FTPD.encode())
        srv.port = port
        f = login(srv)
        # `ftpd who` still answers from the detached process.
        r = subprocess.run([H.FTPD, 'who', '--json', '--admin-socket',
                            os.path.join(srv.dir, 'a.sock')],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([e['user'] for e in json.loads(r.stdout)['sessions']],
                         ['alice'])
        f.quit()
        lines = self.syslog_lines(': disconnect')
        tag = 'ftpd[%d]: ' % self.pid
        for want in ('[s1] 127.0.0.1 -: connect', '[s1] 127.0.0.1 alice: login',
                     '[s1] 127.0.0.1 alice: disconnect'):
            hits = [l for l in lines if want in l]
            self.assertEqual(len(hits), 1, (want, lines))
            self.assertIn(tag, hits[0])
            # facility LOG_FTP (11), severity info (6): <94>
            self.assertTrue(hits[0].startswith('<94>'), hits[0])
        os.kill(self.pid, signal.SIGTERM)
        H.wait_for(lambda: not alive(self.pid), what='the daemon to stop')
        self.pid = None
        # nobody may not remove it from a root folder: emptied instead.
        self.assertFalse(os.path.exists(self.pidfile) and
                         read(self.pidfile) != '')


class PidFile(unittest.TestCase):
    def test_foreground_pid_and_removal(self):
        srv = H.Server()
        piddir = os.path.join(srv.dir, 'run')
        os.mkdir(piddir)
        H.give(piddir)  # the run_as user may remove it here
        pidfile = os.path.join(piddir, 'ftpd.pid')
        srv.extra = ['--set', 'pid_file=' + pidfile]
        srv.start()
        try:
            self.assertEqual(read(pidfile), '%d\n' % srv.proc.pid)
            st = os.stat(pidfile)
            self.assertEqual(st.st_uid, 0 if os.geteuid() == 0 else
                             os.geteuid())
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o644)
            self.assertEqual(srv.stop(), 0)
            self.assertFalse(os.path.exists(pidfile))
        finally:
            srv.cleanup()

    def test_symlink_refused(self):
        srv = H.Server()
        target = os.path.join(srv.dir, 'target')
        link = os.path.join(srv.dir, 'ftpd.pid')
        os.symlink(target, link)
        srv.extra = ['--set', 'pid_file=' + link]
        try:
            with self.assertRaises(RuntimeError):
                srv.start(timeout=5)
            self.assertFalse(os.path.exists(target))
        finally:
            srv.cleanup()

    def test_second_server_with_the_same_pid_file_refused(self):
        first, second = H.Server(), H.Server()
        pidfile = os.path.join(first.dir, 'ftpd.pid')
        first.extra = ['--set', 'pid_file=' + pidfile]
        second.extra = ['--set', 'pid_file=' + pidfile]
        try:
            first.start()
            with self.assertRaises(RuntimeError):
                second.start(timeout=5)
            # The running server's pid is still there, untouched.
            self.assertEqual(read(pidfile), '%d\n' % first.proc.pid)
        finally:
            second.cleanup()
            first.cleanup()

    def test_hard_linked_pid_file_refused(self):
        # The server's folder goes when its start fails: keep the other
        # name in a folder of the test's own, on the same file system.
        mine = tempfile.mkdtemp(prefix='ftpd-pidlink.')
        self.addCleanup(shutil.rmtree, mine, True)
        srv = H.Server()
        other = os.path.join(mine, 'precious')
        pidfile = os.path.join(mine, 'ftpd.pid')
        with open(other, 'w') as f:
            f.write('keep me\n')
        os.link(other, pidfile)
        srv.extra = ['--set', 'pid_file=' + pidfile]
        try:
            with self.assertRaises(RuntimeError):
                srv.start(timeout=5)
            self.assertEqual(read(other), 'keep me\n')
        finally:
            srv.cleanup()


def alive(pid):
    """Whether pid runs (a zombie nobody reaps counts as gone)."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


H.run_suite('test_logs')
