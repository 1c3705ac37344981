"""ftpc test cases shared by the interop (pyftpdlib) and end-to-end (ftpd)
suites. A suite's TestCase mixes in FtpcCases and provides:

  self.url(path='', user='alice')  an ftp:// URL on its server
  self.rpath(rel)                  the server-side file of a remote path
  self.tmp                         a fresh local working directory

and may override put_remote/mkdir_remote (ftpd's files must belong to
the user it runs as).

Every case runs the real ftpc binary and checks files by sha256.
"""
import hashlib
import os
import random
import select
import stat
import subprocess
import threading
import time

FTPC = os.environ.get('FTPC_BIN', os.path.abspath('build/ftpc/ftpc'))

EXIT_USAGE, EXIT_CONNECT, EXIT_LOGIN, EXIT_REMOTE, EXIT_XFER, EXIT_LOCAL = \
    2, 3, 4, 5, 6, 7

# Options given to every ftpc run before the test's own (a suite that
# runs the cases over TLS sets ['--tls', '--cacert', CERT] here).
OPTIONS = []


def sha(data):
    return hashlib.sha256(data).hexdigest()


def sha_file(path):
    with open(path, 'rb') as f:
        return sha(f.read())


def blob(n, seed):
    return random.Random(seed).randbytes(n)


def ftpc(args, cwd, stdin=None, timeout=60, env=None):
    """Runs ftpc; returns the CompletedProcess (text output)."""
    e = dict(os.environ)
    e['HOME'] = cwd            # no ~/.netrc or history from the real home
    if env:
        e.update(env)
    return subprocess.run([FTPC] + OPTIONS + list(args), cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=timeout,
                          env=e)


class FifoReader:
    """Drains a FIFO in a thread and hashes what came through it.

    The read end is opened without blocking, so the thread never hangs on
    a FIFO that nobody opens (the bug replaces it with a regular file);
    on Linux, poll reports the hang-up only after a writer came and went.
    """

    def __init__(self, path, timeout=60):
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.data = bytearray()
        self.deadline = time.monotonic() + timeout
        self.thread = threading.Thread(target=self.drain, daemon=True)
        self.thread.start()

    def drain(self):
        p = select.poll()
        p.register(self.fd, select.POLLIN | select.POLLHUP)
        while True:
            left = self.deadline - time.monotonic()
            if left <= 0 or not p.poll(left * 1000):
                break
            b = os.read(self.fd, 65536)
            if not b:
                break
            self.data += b

    def sha(self, timeout=60):
        self.thread.join(timeout)
        os.close(self.fd)
        return sha(bytes(self.data))


class FtpcCases:
    """The cases; see the module docstring for what a suite provides."""

    def put_remote(self, rel, data):
        p = self.rpath(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'wb') as f:
            f.write(data)

    def mkdir_remote(self, rel):
        os.makedirs(self.rpath(rel), exist_ok=True)

    def put_local(self, rel, data):
        p = os.path.join(self.tmp, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'wb') as f:
            f.write(data)
        return p

    def script(self, text, *extra, url=None, check=True):
        path = os.path.join(self.tmp, 'script.ftpc')
        with open(path, 'w') as f:
            f.write(text)
        r = ftpc(list(extra) + ['-b', path, url or self.url()], self.tmp)
        if check:
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def assertSameFile(self, local, remote_rel):
        self.assertEqual(sha_file(os.path.join(self.tmp, local)),
                         sha_file(self.rpath(remote_rel)))

    # --- one-shot forms ----------------------------------------------------

    def test_get_file_url(self):
        self.put_remote('big.bin', blob(3 * 1024 * 1024 + 17, 1))
        r = ftpc([self.url('big.bin')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertSameFile('big.bin', 'big.bin')
        self.assertFalse(os.path.exists(os.path.join(self.tmp,
                                                     'big.bin.ftpc-part')))

    def test_get_verb_and_stdout(self):
        self.put_remote('d/x.bin', blob(1000, 2))
        r = ftpc(['get', self.url('d/x.bin'), 'y.bin'], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertSameFile('y.bin', 'd/x.bin')
        r = subprocess.run([FTPC] + OPTIONS + ['get', self.url('d/x.bin'), '-'],
                           cwd=self.tmp, capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sha(r.stdout), sha_file(self.rpath('d/x.bin')))

    def test_put_into_directory_url(self):
        self.mkdir_remote('up')
        self.put_local('local.bin', blob(70000, 3))
        r = ftpc(['put', 'local.bin', self.url('up/')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertSameFile('local.bin', 'up/local.bin')
        r = ftpc(['put', 'local.bin', self.url('up/renamed.bin')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertSameFile('local.bin', 'up/renamed.bin')

    def test_directory_url_lists(self):
        self.put_remote('lst/one.txt', b'1')
        self.put_remote('lst/two.txt', b'22')
        for args in ([self.url('lst/')], ['ls', self.url('lst/')]):
            r = ftpc(args, self.tmp)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn('one.txt', r.stdout)
            self.assertIn('two.txt', r.stdout)

    def test_user_option_and_netrc(self):
        self.put_remote('n.txt', b'netrc')
        host = self.url(user=None)
        r = ftpc(['-u', 'alice:secret', 'get', self.url('n.txt', user=None)],
                 self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        os.unlink(os.path.join(self.tmp, 'n.txt'))
        with open(os.path.join(self.tmp, '.netrc'), 'w') as f:
            f.write('machine 127.0.0.1\n  login alice\n  password secret\n')
        r = ftpc(['get', self.url('n.txt', user=None)], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertSameFile('n.txt', 'n.txt')
        self.assertTrue(host.startswith('ftp://127.0.0.1:'))

    # --- targets that are not regular files (issue 9, 1a) ------------------

    def test_get_into_fifo_writes_through(self):
        data = blob(300000, 70)
        self.put_remote('fifo-src.bin', data)
        fifo = os.path.join(self.tmp, 'pipe')
        os.mkfifo(fifo)
        reader = FifoReader(fifo)
        r = ftpc(['get', self.url('fifo-src.bin'), 'pipe'], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(reader.sha(), sha(data))
        self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode))
        self.assertFalse(os.path.exists(fifo + '.ftpc-part'))

    def test_pget_into_fifo_falls_back_to_one_stream(self):
        data = blob(1024 * 1024, 71)
        self.put_remote('fifo-pg.bin', data)
        fifo = os.path.join(self.tmp, 'pgpipe')
        os.mkfifo(fifo)
        reader = FifoReader(fifo)
        self.script('pget -n 4 fifo-pg.bin pgpipe\n')
        self.assertEqual(reader.sha(), sha(data))
        self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode))

    def test_get_into_symlink_writes_what_it_points_to(self):
        data = blob(100000, 72)
        self.put_remote('ln-src.bin', data)
        os.makedirs(os.path.join(self.tmp, 'real'))
        self.put_local('real/file.bin', b'old contents')
        link = os.path.join(self.tmp, 'link.bin')
        os.symlink('real/file.bin', link)
        r = ftpc(['get', self.url('ln-src.bin'), 'link.bin'], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.islink(link), 'the symlink was replaced')
        self.assertEqual(os.readlink(link), 'real/file.bin')
        self.assertEqual(sha_file(os.path.join(self.tmp, 'real/file.bin')),
                         sha(data))
        # pget through the same link: segments, then the same rule.
        big = blob(1024 * 1024, 73)
        self.put_remote('ln-big.bin', big)
        self.script('pget -n 3 ln-big.bin link.bin\n')
        self.assertTrue(os.path.islink(link))
        self.assertEqual(sha_file(os.path.join(self.tmp, 'real/file.bin')),
                         sha(big))
        self.assertEqual(sorted(os.listdir(os.path.join(self.tmp, 'real'))),
                         ['file.bin'])

    def test_get_into_char_device_keeps_the_device(self):
        if os.geteuid() != 0:
            self.skipTest('mknod needs root')
        self.put_remote('dev-src.bin', blob(50000, 74))
        # A null device of our own, inside the test's temp folder.
        dev = os.path.join(self.tmp, 'null')
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        r = ftpc(['-q', 'get', self.url('dev-src.bin'), dev], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        st = os.lstat(dev)
        self.assertTrue(stat.S_ISCHR(st.st_mode), 'the device was replaced')
        self.assertEqual(st.st_rdev, os.makedev(1, 3))
        self.assertFalse(os.path.exists(dev + '.ftpc-part'))

    # --- what is printed (issue 9, section 2) --------------------------------

    # A server that offers HASH (ftpd) adds ", verified SHA-256" (pget:
    # " (N parts)" after it); one without (pyftpdlib) nothing.
    VERIFIED = r'(, verified SHA-256( \(\d+ parts?\))?)?'
    SUMMARY = (r'^%s: %d bytes %s in \d+\.\d s \(\d+\.\d\d '
               r'(B|KiB|MiB|GiB|TiB)/s\)' + VERIFIED + '$')

    def test_default_output_lines(self):
        self.put_remote('out.bin', blob(200000, 77))
        self.put_local('up.bin', blob(3000, 78))
        r = self.script('get out.bin\nput up.bin\ndelete nosuch\n'
                        'pget -n 2 out.bin pg.bin\n', '-k', check=False)
        self.assertEqual(r.returncode, EXIT_REMOTE, r.stderr)
        out = r.stdout.splitlines()
        self.assertEqual(len(out), 3, r.stdout)
        self.assertRegex(out[0], self.SUMMARY % ('out\\.bin', 200000,
                                                 'received'))
        self.assertRegex(out[1], self.SUMMARY % ('up\\.bin', 3000, 'sent'))
        self.assertRegex(out[2], self.SUMMARY % ('pg\\.bin', 200000,
                                                 'received'))
        # The error once, on stderr; no reply echoed on stdout.
        err = r.stderr.splitlines()
        self.assertEqual(len(err), 1, r.stderr)
        self.assertTrue(err[0].startswith('ftpc: delete nosuch: 550 '), err)
        r = self.script('get out.bin\n', '-q')
        self.assertEqual(r.stdout, '')
        # Nothing left to move still ends with the one line.
        r = self.script('reput up.bin\nreget out.bin\n')
        out = r.stdout.splitlines()
        self.assertEqual(len(out), 2, r.stdout)
        self.assertRegex(out[0], r'^up\.bin: 0 bytes sent in 0\.0 s '
                         r'\(0\.00 B/s\)' + self.VERIFIED + '$')
        self.assertRegex(out[1], r'^out\.bin: 0 bytes received in 0\.0 s '
                         r'\(0\.00 B/s\)' + self.VERIFIED + '$')

    # --- scripts -------------------------------------------------------------

    def test_script_mget_mput_globs(self):
        for i in range(4):
            self.put_remote('g/f%d.dat' % i, blob(5000 + i, 10 + i))
        self.put_remote('g/skip.txt', b'no')
        for i in range(3):
            self.put_local('m/u%d.dat' % i, blob(3000 + i, 20 + i))
        self.put_local('m/other.txt', b'no')
        self.mkdir_remote('mp')
        self.script('cd g\nmget f*.dat\ncd ..\ncd mp\nlcd m\nmput u?.dat\n')
        for i in range(4):
            self.assertSameFile('f%d.dat' % i, 'g/f%d.dat' % i)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'skip.txt')))
        for i in range(3):
            self.assertSameFile('m/u%d.dat' % i, 'mp/u%d.dat' % i)
        self.assertFalse(os.path.exists(self.rpath('mp/other.txt')))

    def test_mget_goes_on_past_a_failure(self):
        self.put_remote('k/a.dat', b'a')
        self.put_remote('k/b.dat', b'b')
        r = self.script('mget k/a.dat k/missing.dat k/b.dat\n', check=False)
        self.assertEqual(r.returncode, EXIT_REMOTE, r.stderr)
        self.assertIn('1 of 3 files failed', r.stderr)
        self.assertSameFile('a.dat', 'k/a.dat')
        self.assertSameFile('b.dat', 'k/b.dat')

    def test_script_stops_at_first_failure_unless_told(self):
        self.put_remote('s/ok.txt', b'ok')
        r = self.script('get nosuch.txt\nget s/ok.txt\n', check=False)
        self.assertEqual(r.returncode, EXIT_REMOTE)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'ok.txt')))
        r = self.script('get nosuch.txt\nget s/ok.txt\n', '-k', check=False)
        self.assertEqual(r.returncode, EXIT_REMOTE)
        self.assertTrue(os.path.exists(os.path.join(self.tmp, 'ok.txt')))
        os.unlink(os.path.join(self.tmp, 'ok.txt'))
        r = self.script('-get nosuch.txt\nget s/ok.txt\n')
        self.assertTrue(os.path.exists(os.path.join(self.tmp, 'ok.txt')))

    def test_commands_on_stdin(self):
        self.put_remote('stdin.txt', b'piped')
        r = ftpc([self.url()], self.tmp, stdin='get stdin.txt\nbye\n')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertSameFile('stdin.txt', 'stdin.txt')

    def test_remote_management(self):
        self.put_local('r.txt', b'remote management')
        self.script('mkdir rm\ncd rm\nput r.txt\nrename r.txt s.txt\n'
                    'size s.txt\nmodtime s.txt\npwd\ncdup\n')
        self.assertEqual(open(self.rpath('rm/s.txt'), 'rb').read(),
                         b'remote management')
        r = self.script('size rm/s.txt\n')
        self.assertIn('17', r.stdout)
        self.script('delete rm/s.txt\nrmdir rm\n')
        self.assertFalse(os.path.exists(self.rpath('rm')))

    def test_quote_and_status(self):
        r = self.script('quote SYST\nstatus\n', '-q')
        self.assertIn('215', r.stdout)
        self.assertIn('Connected to', r.stdout)

    # --- transfers -----------------------------------------------------------

    def test_active_mode(self):
        self.put_remote('act.bin', blob(200000, 4))
        self.put_local('actup.bin', blob(150000, 5))
        r = ftpc(['--active', 'get', self.url('act.bin')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertSameFile('act.bin', 'act.bin')
        self.script('put actup.bin\nls\n', '--active')
        self.assertSameFile('actup.bin', 'actup.bin')

    def test_ascii_both_ways(self):
        text = b'line one\nline two\n\nlast line\n'
        self.put_remote('t.txt', text)
        self.put_local('u.txt', text)
        self.script('ascii\nget t.txt t-got.txt\nput u.txt\nbinary\n'
                    'get t.txt t-bin.txt\n')
        self.assertEqual(open(os.path.join(self.tmp, 't-got.txt'), 'rb').read(),
                         text)
        self.assertEqual(open(self.rpath('u.txt'), 'rb').read(), text)
        self.assertSameFile('t-bin.txt', 't.txt')

    def test_resume_after_interrupted_download(self):
        data = blob(4 * 1024 * 1024, 6)
        self.put_remote('resume.bin', data)
        # A real interruption: kill ftpc in the middle of a slow download.
        p = subprocess.Popen([FTPC, '--limit-rate', '1m', 'get',
                              self.url('resume.bin')], cwd=self.tmp,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        part = os.path.join(self.tmp, 'resume.bin.ftpc-part')
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if os.path.exists(part) and os.path.getsize(part) > 300000:
                break
            time.sleep(0.05)
        p.kill()
        p.wait()
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'resume.bin')),
                         'an interrupted download left the real name')
        got = os.path.getsize(part)
        self.assertTrue(0 < got < len(data), got)
        self.script('reget resume.bin\n')
        self.assertSameFile('resume.bin', 'resume.bin')
        self.assertFalse(os.path.exists(part))

    def test_reput_continues_upload(self):
        data = blob(300000, 7)
        self.put_local('rp.bin', data)
        self.put_remote('rp.bin', data[:123457])
        self.script('reput rp.bin\n')
        self.assertSameFile('rp.bin', 'rp.bin')

    def test_pget(self):
        self.put_remote('pg.bin', blob(5 * 1024 * 1024 + 3, 8))
        r = self.script('pget -n 4 pg.bin\npget -n 3 pg.bin pg2.bin\n')
        self.assertSameFile('pg.bin', 'pg.bin')
        self.assertSameFile('pg2.bin', 'pg.bin')

    def test_mirror_down_and_up(self):
        files = {'tree/a.bin': blob(10000, 30), 'tree/sub/b.bin': blob(20000, 31),
                 'tree/sub/deeper/c.txt': b'c\n', 'tree/empty/.keep': b''}
        for rel, data in files.items():
            self.put_remote(rel, data)
        self.script('mirror tree local-tree\n')
        for rel in files:
            self.assertSameFile('local-' + rel, rel)
        # Only newer: nothing changes, so nothing is fetched again.
        r = self.script('mirror --only-newer tree local-tree\n')
        self.assertIn('0 transferred', r.stdout)
        # Up again with -R, in parallel, into a new remote tree.
        self.script('mirror -R --parallel 3 local-tree tree-copy\n')
        for rel in files:
            self.assertSameFile('local-' + rel, rel.replace('tree/', 'tree-copy/'))
        # --delete removes what the source no longer has.
        os.unlink(os.path.join(self.tmp, 'local-tree/sub/b.bin'))
        self.script('mirror -R --delete local-tree tree-copy\n')
        self.assertFalse(os.path.exists(self.rpath('tree-copy/sub/b.bin')))
        self.assertTrue(os.path.exists(self.rpath('tree-copy/a.bin')))
        os.unlink(self.rpath('tree/a.bin'))
        self.script('mirror --delete --parallel 2 tree local-tree\n')
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'local-tree/a.bin')))

    def test_mirror_one_shot(self):
        self.put_remote('os/x.bin', blob(1234, 40))
        r = ftpc(['mirror', self.url('os/'), 'os-local'], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertSameFile('os-local/x.bin', 'os/x.bin')
        r = ftpc(['mirror', '-R', 'os-local', self.url('os-up')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertSameFile('os-local/x.bin', 'os-up/x.bin')

    # --- failures and exit codes ---------------------------------------------

    def test_exit_codes(self):
        r = ftpc(['get', self.url('nosuch.bin')], self.tmp)
        self.assertEqual(r.returncode, EXIT_REMOTE, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp,
                                                     'nosuch.bin.ftpc-part')))
        bad = self.url('x').replace('secret', 'wrong')
        r = ftpc(['get', bad], self.tmp)
        self.assertEqual(r.returncode, EXIT_LOGIN, r.stderr)
        r = ftpc(['put', 'no-such-local', self.url('')], self.tmp)
        self.assertEqual(r.returncode, EXIT_LOCAL, r.stderr)
        r = ftpc(['--bogus'], self.tmp)
        self.assertEqual(r.returncode, EXIT_USAGE)
        r = ftpc(['get', 'ftp://127.0.0.1:1/x'], self.tmp)
        self.assertEqual(r.returncode, EXIT_CONNECT, r.stderr)
        # No CR/LF can ride in on a URL.
        r = ftpc(['get', self.url('a%0d%0aDELE%20x')], self.tmp)
        self.assertEqual(r.returncode, EXIT_USAGE, r.stderr)

    def test_help(self):
        r = ftpc(['help'], self.tmp)
        self.assertEqual(r.returncode, 0)
        for word in ('mirror', 'pget', 'reget', 'exit status'):
            self.assertIn(word, r.stdout)
        r = ftpc(['help', 'mirror'], self.tmp)
        self.assertIn('--only-newer', r.stdout)
