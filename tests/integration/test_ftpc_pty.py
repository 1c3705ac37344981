"""The interactive shell, driven for real through a pseudo-terminal.

ftpc runs on the slave side of a pty (stdin, stdout and stderr are a
terminal, as for a person), against pyftpdlib on loopback. The test types
keys, tab included, and reads the screen: command and path completion
(remote from the cached listing, local from the disk), the prompt with
user@host:cwd, the progress bar on a terminal, history in ~/.ftpc_history.
"""
import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness  # noqa: E402
import pyftpd_helper  # noqa: E402
from ftpc_cases import FTPC, blob, sha_file  # noqa: E402

ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]')


def summary(name, size, verb='received', verified=''):
    """The one line every transfer ends with (docs/ftpc.md); verified is
    its ending when the server offers HASH (", verified SHA-256")."""
    return re.compile(r'%s: %d bytes %s in \d+\.\d s \(\d+\.\d\d '
                      r'(B|KiB|MiB|GiB|TiB)/s\)%s$' % (
                          re.escape(name), size, verb, re.escape(verified)))


class Terminal:
    """ftpc on a pty; type() sends keys, expect() waits for screen text."""

    def __init__(self, args, cwd, home):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 120, 0, 0))
        env = dict(os.environ, HOME=home, TERM='xterm')
        # A session of its own with the pty as its controlling terminal,
        # so that ^C reaches ftpc as SIGINT, as from a real terminal.
        self.proc = subprocess.Popen(
            [FTPC] + args, cwd=cwd, stdin=slave, stdout=slave, stderr=slave,
            env=env, start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.screen = ''
        self.transcript = ''    # every byte ftpc wrote, as it came

    def type(self, keys):
        os.write(self.master, keys.encode())

    def expect(self, pattern, timeout=15):
        """Waits until pattern appears in the output since the last match."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            clean = ANSI.sub('', self.screen).replace('\r', '')
            m = rx.search(clean)
            if m:
                self.screen = clean[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError('timed out waiting for %r; screen: %r'
                                     % (pattern, clean[-1500:]))
            r, _, _ = select.select([self.master], [], [], left)
            if r:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    data = b''
                if not data:
                    raise AssertionError('ftpc ended; screen: %r' % clean[-1500:])
                text = data.decode('utf-8', 'replace')
                self.screen += text
                self.transcript += text

    def output_of(self, command, prompt=r'> $'):
        """Runs command; returns the lines it printed before the prompt
        (the bar's erased redraws removed: what a person sees)."""
        start = len(self.transcript)
        self.type(command + '\r')
        self.expect(prompt)
        raw = self.last_raw = self.transcript[start:]
        # A bar is "\r", the bar, then an erase to the end of the line;
        # each one is wiped by the next draw or by the final "\r\x1b[K".
        raw = re.sub(r'\r[^\r\n\x1b]*\x1b\[K', '', raw)
        lines = ANSI.sub('', raw).replace('\r', '').split('\n')
        # Up to the command's echo is the line editor's (which may draw
        # the line more than once); the last line is the next prompt.
        first = max(i for i, ln in enumerate(lines[:-1])
                    if ln.endswith(command))
        return [ln.rstrip() for ln in lines[first + 1:-1] if ln.strip()]

    def close(self):
        if self.master < 0:
            return self.proc.returncode
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait()
        os.close(self.master)
        self.master = -1
        return self.proc.returncode


class Shell(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix='ftpc-pty.')
        cls.root = os.path.join(cls.dir, 'root')
        os.makedirs(os.path.join(cls.root, 'subdir'))
        with open(os.path.join(cls.root, 'completion-target.bin'), 'wb') as f:
            f.write(blob(3 * 1024 * 1024, 1))
        for name in ('alpha.txt', 'apple.txt'):
            with open(os.path.join(cls.root, name), 'w') as f:
                f.write(name)
        with open(os.path.join(cls.root, 'subdir', 'inner.txt'), 'w') as f:
            f.write('inner')
        cls.server = pyftpd_helper.start(cls.root)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.cwd = tempfile.mkdtemp(prefix='cwd.', dir=self.dir)
        os.makedirs(os.path.join(self.cwd, 'localdir'))
        self.term = Terminal([self.server.url()], self.cwd, self.cwd)
        self.term.expect(r'alice@127\.0\.0\.1:/> ')

    def tearDown(self):
        if self.term.proc.poll() is None:
            self.term.type('bye\r')
        self.term.close()

    def test_command_completion_and_help(self):
        self.term.type('mkd\t')
        self.term.expect(r'mkdir ')
        self.term.type('\x15')          # ^U: kill the line
        self.term.type('hel\tmirror\r')
        self.term.expect(r'usage: mirror .*--only-newer')
        self.term.expect(r'alice@127\.0\.0\.1:/> ')

    def test_remote_completion_and_progress_bar(self):
        self.term.type('get compl\t')
        self.term.expect(r'get completion-target\.bin ')
        self.term.type('\r')
        # The bar (name, bar, percent, size, rate), erased at the end,
        # then the summary line.
        # Non-greedy: when the bar and the summary arrive in one read, the
        # bar's pattern must stop at the bar's own rate.
        self.term.expect(r'completion-target\.bin.*?\[[#> ]+\].*?%.*?/s')
        self.term.expect(r'completion-target\.bin: 3145728 bytes received in '
                         r'\d+\.\d s \(\d+\.\d\d [KMG]?i?B/s\)\n')
        self.term.expect(r'alice@127\.0\.0\.1:/> ')
        self.assertEqual(sha_file(os.path.join(self.cwd, 'completion-target.bin')),
                         sha_file(os.path.join(self.root, 'completion-target.bin')))

    def test_ambiguous_remote_lists_candidates(self):
        self.term.type('get a\t')
        self.term.expect(r'alpha\.txt.*apple\.txt|apple\.txt.*alpha\.txt')
        self.term.type('\x15bye\r')
        self.assertEqual(self.term.close(), 0)

    def test_directory_completion_and_prompt(self):
        self.term.type('cd sub\t')
        self.term.expect(r'cd subdir/')
        self.term.type('\r')
        self.term.expect(r'alice@127\.0\.0\.1:/subdir> ')
        self.term.type('get in\t')
        self.term.expect(r'get inner\.txt ')
        self.term.type('\r')
        self.term.expect(r'/subdir> ')
        self.assertTrue(os.path.exists(os.path.join(self.cwd, 'inner.txt')))

    def test_ctrl_c_interrupts_transfer_then_reget(self):
        self.term.type('bye\r')
        self.term.close()
        self.term = Terminal(['--limit-rate', '1m', self.server.url()],
                             self.cwd, self.cwd)
        self.term.expect(r'/> ')
        self.term.type('get completion-target.bin slow.bin\r')
        part = os.path.join(self.cwd, 'slow.bin.ftpc-part')
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
                not os.path.exists(part) or os.path.getsize(part) < 200000):
            time.sleep(0.05)
        self.term.type('\x03')
        self.term.expect(r'interrupted')
        self.term.expect(r'alice@127\.0\.0\.1:/> ')
        self.assertFalse(os.path.exists(os.path.join(self.cwd, 'slow.bin')))
        size = os.path.getsize(part)
        self.assertTrue(0 < size < 3 * 1024 * 1024, size)
        self.term.type('reget completion-target.bin slow.bin\r')
        self.term.expect(r'alice@127\.0\.0\.1:/> ', timeout=30)
        self.assertEqual(sha_file(os.path.join(self.cwd, 'slow.bin')),
                         sha_file(os.path.join(self.root, 'completion-target.bin')))

    def test_default_output_lines(self):
        # Connecting: one line; no FEAT list, no replies.
        connect = ANSI.sub('', self.term.transcript).replace('\r', '')
        self.assertEqual(connect.split('\n')[:-1], ['Connected to 127.0.0.1.'])
        out = self.term.output_of('get alpha.txt')
        self.assertEqual(len(out), 1, out)
        self.assertRegex(out[0], summary('alpha.txt', 9))
        with open(os.path.join(self.cwd, 'up.txt'), 'wb') as f:
            f.write(b'12345')
        out = self.term.output_of('put up.txt')
        self.assertEqual(len(out), 1, out)
        self.assertRegex(out[0], summary('up.txt', 5, 'sent'))
        # Each error once, with no reply echoed before it.
        out = self.term.output_of('delete nosuch')
        self.assertEqual(len(out), 1, out)
        self.assertTrue(out[0].startswith('ftpc: delete nosuch: 550 '), out)
        # A missing file: the error alone, no progress bar drawn at all.
        out = self.term.output_of('get nosuch.bin')
        self.assertEqual(len(out), 1, out)
        self.assertTrue(out[0].startswith('ftpc: get nosuch.bin: 550 '), out)
        self.assertNotIn('\x1b[K', self.term.last_raw)
        self.assertEqual(self.term.output_of('pwd'), ['Remote directory: /'])

    def test_ctrl_c_during_put_then_commands(self):
        self.term.type('bye\r')
        self.term.close()
        self.term = Terminal(['--limit-rate', '1m', self.server.url()],
                             self.cwd, self.cwd)
        self.term.expect(r'/> ')
        with open(os.path.join(self.cwd, 'big-up.bin'), 'wb') as f:
            f.write(blob(16 * 1024 * 1024, 94))
        leftover = os.path.join(self.root, 'big-up.bin')
        self.addCleanup(lambda: os.path.exists(leftover) and os.unlink(leftover))
        self.term.type('put big-up.bin\r')
        self.term.expect(r'/s ')
        time.sleep(0.5)
        self.term.type('\x03')
        self.term.expect(r'interrupted')
        self.term.expect(r'alice@127\.0\.0\.1:/> ')
        # pyftpdlib keeps what arrived; the session must stay in step.
        self.assertEqual(self.term.output_of('size alpha.txt'),
                         ['alpha.txt\t9'])
        self.assertEqual(self.term.output_of('pwd'), ['Remote directory: /'])
        self.term.type('bye\r')
        self.assertEqual(self.term.close(), 0)

    def test_local_completion_and_history(self):
        self.term.type('lcd loc\t')
        self.term.expect(r'lcd localdir/')
        self.term.type('\r')
        self.term.expect(r'Local directory now .*localdir')
        self.term.expect(r'> ')
        self.term.type('bye\r')
        self.assertEqual(self.term.close(), 0)
        with open(os.path.join(self.cwd, '.ftpc_history')) as f:
            # libedit stores lines vis(3)-encoded: a space is \040.
            self.assertIn('lcd\\040localdir/', f.read())


class AbortAgainstFtpd(unittest.TestCase):
    """^C during put and get against ftpd, then commands whose replies
    are checked: the session must stay in step (issue 9, 1b and 1c)."""

    PROMPT = r'alice@127\.0\.0\.1:/> '
    ftpc_opts = []

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix='ftpc-pty-ftpd.')
        cls.server = ftpharness.start_ftpd(extra=cls.server_args(cls.dir))

    @classmethod
    def server_args(cls, tmp):
        return []

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.cwd = tempfile.mkdtemp(prefix='cwd.', dir=self.dir)
        self.term = Terminal(['--limit-rate', '1m'] + self.ftpc_opts +
                             [self.server.url()], self.cwd, self.cwd)
        self.term.expect(self.PROMPT)

    def tearDown(self):
        if self.term.proc.poll() is None:
            self.term.type('bye\r')
        self.term.close()

    def interrupt_when_moving(self):
        # The bar shows a rate once bytes move; then a second of them.
        self.term.expect(r'/s ')
        time.sleep(1)
        self.term.type('\x03')
        self.term.expect(r'interrupted')
        self.term.expect(self.PROMPT)

    def check_in_step(self):
        self.term.type('size old.txt\r')
        self.term.expect(r'old\.txt\s+11\r?\n')
        self.term.expect(self.PROMPT)
        self.term.type('ls\r')
        self.term.expect(r'old\.txt')
        self.term.expect(self.PROMPT)
        self.term.type('pwd\r')
        self.term.expect(r'Remote directory: /\r?\n')
        self.term.expect(self.PROMPT)

    def test_ctrl_c_during_put_keeps_the_old_file(self):
        old = blob(100000, 90)
        self.server.write('alice/up.bin', old)
        self.server.write('alice/old.txt', b'old content')
        with open(os.path.join(self.cwd, 'big.bin'), 'wb') as f:
            f.write(blob(16 * 1024 * 1024, 91))
        self.term.type('put big.bin up.bin\r')
        self.interrupt_when_moving()
        # ABOR first, then a reset: ftpd never sees an end of file, so
        # its atomic upload keeps the old content.
        self.assertEqual(ftpharness.sha256(self.server.read('alice/up.bin')),
                         ftpharness.sha256(old))
        self.term.type('size up.bin\r')
        self.term.expect(r'up\.bin\s+100000\r?\n')
        self.term.expect(self.PROMPT)
        self.check_in_step()

    def test_default_output_lines_and_verbose_wire(self):
        self.server.write('alice/o.bin', blob(300000, 93))
        out = self.term.output_of('get o.bin')
        self.assertEqual(len(out), 1, out)
        self.assertRegex(out[0], summary('o.bin', 300000,
                                          verified=', verified SHA-256'))
        out = self.term.output_of('delete nosuch')
        self.assertEqual(out, ['ftpc: delete nosuch: 550 nosuch: No such '
                               'file or directory.'])
        # -v shows the wire: the replies, each on its own line, the bar
        # never inside one.
        self.term.output_of('verbose on')
        out = self.term.output_of('get o.bin')
        self.assertIn('150', ' '.join(ln[:3] for ln in out))
        self.assertRegex(out[-1], summary('o.bin', 300000,
                                          verified=', verified SHA-256'))
        # The transfer's 226, then the HASH reply it is checked with.
        self.assertTrue(out[-3].startswith('226 '), out)
        self.assertTrue(out[-2].startswith('213 SHA-256 0-299999 '), out)
        for ln in out[:-1]:
            self.assertRegex(ln, r'^\d{3}[ -]', out)

    def test_ctrl_c_during_get_then_commands(self):
        self.server.write('alice/big.bin', blob(16 * 1024 * 1024, 92))
        self.server.write('alice/old.txt', b'old content')
        self.term.type('get big.bin\r')
        self.interrupt_when_moving()
        self.assertFalse(os.path.exists(os.path.join(self.cwd, 'big.bin')))
        self.check_in_step()


class AbortAgainstFtpdTls(AbortAgainstFtpd):
    """The same over TLS (PROT P): ABOR goes in band, the data connection
    is reset without a close_notify, and the old file still stays."""

    @classmethod
    def server_args(cls, tmp):
        tools = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             '..', '..', 'tools')
        subprocess.run([os.path.join(tools, 'make-cert'), tmp], check=True,
                       capture_output=True, timeout=60)
        cls.ftpc_opts = ['--tls', '--cacert', os.path.join(tmp, 'cert.pem')]
        return ['--tls', 'optional', '--tls-cert', os.path.join(tmp, 'cert.pem'),
                '--tls-key', os.path.join(tmp, 'key.pem')]


if __name__ == '__main__':
    ftpharness.run_suite('test_ftpc_pty')
