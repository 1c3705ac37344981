"""ftpd as an administrator meets it: flags and config file, the ready
line, --hash-password, logs (session lines and xferlog), SIGHUP reloading
the users file, SIGTERM draining running transfers, and bad input to the
program itself."""
import ftplib
import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402


def login(srv, user='alice', host='127.0.0.1'):
    ftp = ftplib.FTP()
    ftp.connect(host, srv.port, timeout=20)
    ftp.login(user, H.PASSWORD)
    return ftp


class HashPassword(unittest.TestCase):
    def run_hash(self, args, stdin):
        return subprocess.run([H.FTPD, '--hash-password'] + args, input=stdin,
                              capture_output=True, text=True, timeout=30)

    def test_yescrypt_default(self):
        r = self.run_hash([], 'pw1\n')
        self.assertEqual(r.returncode, 0, r.stderr)
        h = r.stdout.strip()
        self.assertTrue(h.startswith('$y$'), h)
        import crypt
        self.assertEqual(crypt.crypt('pw1', h), h)
        self.assertNotEqual(crypt.crypt('pw2', h), h)

    def test_sha512(self):
        r = self.run_hash(['--hash-method', 'sha512'], 'pw\n')
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith('$6$'))

    def test_empty_password_refused(self):
        r = self.run_hash([], '\n')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('empty password', r.stderr)


class BadStartup(unittest.TestCase):
    def start(self, args, run_as=True):
        extra = H.run_as_args() if run_as else []
        return subprocess.run([H.FTPD, '--foreground'] + extra + args,
                              capture_output=True, text=True, timeout=10)

    def test_missing_root(self):
        r = self.start(['--port', '0', '--listen', '127.0.0.1',
                        '--root', '/nonexistent/x', '--anonymous'])
        self.assertEqual(r.returncode, 1)
        self.assertIn('/nonexistent/x', r.stderr)

    def test_no_way_to_log_in(self):
        r = self.start(['--port', '0', '--root', '/tmp'])
        self.assertEqual(r.returncode, 2)
        self.assertIn('nobody could log in', r.stderr)

    def test_bad_flag_value(self):
        r = self.start(['--port', '70000', '--root', '/tmp', '--anonymous'])
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad value '70000' for port", r.stderr)

    def test_bad_users_file(self):
        with tempfile.NamedTemporaryFile('w', suffix='.users') as f:
            f.write('alice:plaintext:/alice:rw\n')
            f.flush()
            r = self.start(['--port', '0', '--listen', '127.0.0.1',
                            '--root', '/tmp', '--users', f.name])
        self.assertEqual(r.returncode, 1)
        self.assertIn(':1: the hash must be a crypt(3) hash', r.stderr)

    def test_bad_config_line(self):
        with tempfile.NamedTemporaryFile('w', suffix='.conf') as f:
            f.write('# comment\n\nport = 0\nnonsense here\n')
            f.flush()
            r = self.start(['--config', f.name])
        self.assertEqual(r.returncode, 2)
        self.assertIn(':4: expected key = value', r.stderr)

    def test_root_without_run_as_refused(self):
        if os.geteuid() != 0:
            self.skipTest('needs root')
        r = self.start(['--port', '0', '--listen', '127.0.0.1',
                        '--root', '/tmp', '--anonymous'], run_as=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn('refusing to run as root', r.stderr)
        self.assertNotIn('ready on', r.stderr)

    def test_run_as_unknown_user(self):
        if os.geteuid() != 0:
            self.skipTest('needs root')
        r = self.start(['--port', '0', '--listen', '127.0.0.1', '--run-as',
                        'no-such-user-x', '--root', '/tmp', '--anonymous'],
                       run_as=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no user 'no-such-user-x'", r.stderr)

    def test_listen_not_numeric(self):
        r = self.start(['--port', '0', '--listen', 'example.invalid',
                        '--root', '/tmp', '--anonymous',
                        '--set', 'anonymous_home=/'])
        self.assertEqual(r.returncode, 1)
        self.assertIn('not a numeric IP address', r.stderr)


class ConfigFile(unittest.TestCase):
    def test_config_file_then_flags_override(self):
        srv = H.Server()
        conf = os.path.join(srv.dir, 'ftpd.conf')
        with open(conf, 'w') as f:
            f.write('banner = Hello from the config file\n'
                    'anonymous = yes\nanonymous_home = /bob\n'
                    'anonymous_sees_homes = yes  # bob shares his home\n'
                    'port = 21\n')
        srv.extra = ['--config', conf]  # --port 0 from the harness wins
        srv.start()
        try:
            ftp = ftplib.FTP()
            ftp.connect('127.0.0.1', srv.port, timeout=10)
            self.assertIn('Hello from the config file', ftp.getwelcome())
            srv.write('bob/anon.txt', b'anon')
            ftp.login()  # anonymous
            self.assertEqual(ftp.nlst(), ['anon.txt'])
            with self.assertRaises(ftplib.error_perm):
                ftp.storbinary('STOR x', io.BytesIO(b'x'))
            ftp.quit()
        finally:
            srv.cleanup()


class Logs(unittest.TestCase):
    def test_session_and_xferlog_lines(self):
        srv = H.Server()
        xlog = os.path.join(srv.dir, 'xferlog')
        slog = os.path.join(srv.dir, 'session.log')
        srv.extra = ['--log', slog, '--xferlog', xlog]
        srv.start()
        try:
            srv.write('alice/f.bin', b'z' * 1000)
            ftp = login(srv)
            ftp.retrbinary('RETR f.bin', lambda b: None)
            ftp.storbinary('STOR up.bin', io.BytesIO(b'u' * 77))
            ftp.quit()
            bad = ftplib.FTP()
            bad.connect('127.0.0.1', srv.port, timeout=10)
            with self.assertRaises(ftplib.error_perm):
                bad.login('alice', 'wrong')
            bad.close()
            time.sleep(0.3)
        finally:
            srv.stop()
        with open(slog) as f:
            s = f.read()
        for needle in ('127.0.0.1 -: connect', 'alice: login',
                       'alice: quit', 'login failed for alice: wrong password',
                       'disconnect'):
            self.assertIn(needle, s)
        with open(xlog) as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), 2, lines)
        down = lines[0].split()
        # wu-ftpd xferlog: date(5) secs host bytes name type _ dir mode user ...
        self.assertEqual(down[6:9], ['127.0.0.1', '1000', '/f.bin'])
        self.assertEqual(down[9:14], ['b', '_', 'o', 'r', 'alice'])
        self.assertEqual(down[-1], 'c')
        up = lines[1].split()
        self.assertEqual(up[7:9], ['77', '/up.bin'])
        self.assertEqual(up[11], 'i')
        srv.cleanup()


class PassiveSettings(unittest.TestCase):
    def test_port_range_and_advertised_address(self):
        # Behind NAT the server advertises another address; the client
        # (ftplib trusts the reply here) would go there, so we only read
        # the reply, then check the range with EPSV.
        srv = H.Server(extra=['--pasv-ports', '61000-61002',  # above the ephemeral range
                              '--pasv-address', '203.0.113.7'])
        srv.start()
        try:
            ftp = login(srv)
            resp = ftp.sendcmd('PASV')
            self.assertRegex(resp, r'^227 .*\(203,0,113,7,(\d+),(\d+)\)')
            p1, p2 = [int(x) for x in resp.split('(')[1].rstrip(').').split(',')[4:6]]
            self.assertIn(p1 * 256 + p2, range(61000, 61003))
            # Three sessions hold the three ports; a fourth gets a clear 425.
            held = [ftp, login(srv), login(srv)]
            ports = {int(h.sendcmd('EPSV').split('|||')[1].split('|')[0])
                     for h in held}
            self.assertEqual(ports, set(range(61000, 61003)))
            fourth = login(srv)
            with self.assertRaises(ftplib.error_temp) as cm:
                fourth.sendcmd('EPSV')
            self.assertTrue(str(cm.exception).startswith('425'))
            fourth.close()
            for h in held[1:]:
                h.close()
            ftp.quit()
        finally:
            srv.cleanup()


class Descriptors(unittest.TestCase):
    def test_idle_session_holds_one_descriptor(self):
        # Sessions of one user share its home's descriptor, so an idle
        # session costs exactly its control socket.
        srv = H.start_ftpd()
        try:
            def nfds():
                return len(os.listdir('/proc/%d/fd' % srv.proc.pid))
            first = login(srv)
            base = nfds()
            more = [login(srv) for _ in range(20)]
            time.sleep(0.2)
            self.assertEqual(nfds() - base, 20)
            for f in more + [first]:
                f.quit()
            time.sleep(0.3)
            self.assertEqual(nfds(), base - 2)  # socket and home gone
        finally:
            srv.cleanup()


class Privileges(unittest.TestCase):
    def test_server_runs_unprivileged(self):
        if os.geteuid() != 0:
            self.skipTest('needs root')
        srv = H.start_ftpd()
        try:
            with open('/proc/%d/status' % srv.proc.pid) as f:
                ids = dict(l.split(':', 1) for l in f if l.startswith(('Uid', 'Gid', 'Groups')))
            nobody = H.pwd.getpwnam('nobody')
            self.assertEqual(ids['Uid'].split(), [str(nobody.pw_uid)] * 4)
            self.assertEqual(ids['Gid'].split(), [str(nobody.pw_gid)] * 4)
            # Only the user's own groups (/etc/group), none of root's:
            # group ssl-cert is how Debian hands out private keys.
            self.assertEqual(sorted(int(g) for g in ids['Groups'].split()),
                             sorted(set(os.getgrouplist('nobody',
                                                        nobody.pw_gid))))
            # Files it creates belong to that user.
            ftp = login(srv)
            ftp.storbinary('STOR mine.txt', io.BytesIO(b'x'))
            ftp.quit()
            self.assertEqual(os.stat(srv.path('alice/mine.txt')).st_uid,
                             nobody.pw_uid)
        finally:
            srv.cleanup()


class SlowHash(unittest.TestCase):
    def test_slow_hash_stalls_no_other_session(self):
        # One event loop, one hashing thread: a login whose hash takes
        # about a second must not delay another session's commands.
        srv = H.Server(extra=['--workers', '1', '--set', 'auth_threads=1'])
        slow = H.crypt.crypt('slowpw', '$6$rounds=6000000$slowsalt$')
        with open(srv.users, 'a') as f:
            f.write('slow:%s:/alice:ro\n' % slow)
        srv.start()
        try:
            result = {}

            def slow_login():
                t0 = time.monotonic()
                f = ftplib.FTP()
                f.connect('127.0.0.1', srv.port, timeout=30)
                f.login('slow', 'slowpw')
                result['login'] = time.monotonic() - t0
                f.quit()
            t = threading.Thread(target=slow_login)
            other = login(srv)
            t.start()
            time.sleep(0.2)  # the slow check is running now
            worst = 0
            for _ in range(5):
                t0 = time.monotonic()
                other.voidcmd('NOOP')
                worst = max(worst, time.monotonic() - t0)
            still_running = t.is_alive()
            t.join(60)
            other.quit()
            self.assertTrue(still_running, 'the slow hash was too fast to show anything')
            # Relative, not absolute: a loaded machine slows both alike,
            # but a blocked loop would make each NOOP wait for the hash.
            self.assertLess(worst, result['login'] / 4, (worst, result))
        finally:
            srv.cleanup()


class Signals(unittest.TestCase):
    def test_sighup_reloads_users(self):
        srv = H.start_ftpd()
        try:
            with self.assertRaises(ftplib.error_perm):
                login(srv, 'carol')
            with open(srv.users, 'a') as f:
                f.write('carol:%s:/alice:ro\n' % H.crypt.crypt(H.PASSWORD, '$6$carol$'))
            srv.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 5
            while True:
                try:
                    ftp = login(srv, 'carol')
                    break
                except ftplib.error_perm:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            ftp.quit()
            # A broken file is refused and the old table stays.
            with open(srv.users, 'a') as f:
                f.write('broken line\n')
            srv.proc.send_signal(signal.SIGHUP)
            time.sleep(0.3)
            login(srv, 'carol').quit()
        finally:
            srv.cleanup()

    def test_sigterm_lets_transfer_finish(self):
        srv = H.Server()
        srv.start()
        try:
            data = os.urandom(8 << 20)
            srv.write('alice/big.bin', data)
            ftp = login(srv)
            idle = login(srv)
            got = bytearray()
            started = threading.Event()

            def slow_reader(block):
                got.extend(block)
                started.set()
                time.sleep(0.002)  # keep the transfer running a while
            t = threading.Thread(target=lambda: ftp.retrbinary(
                'RETR big.bin', slow_reader, blocksize=65536))
            t.start()
            self.assertTrue(started.wait(10))
            srv.proc.send_signal(signal.SIGTERM)
            t.join(30)
            self.assertFalse(t.is_alive())
            self.assertEqual(H.sha256(bytes(got)), H.sha256(data))
            # The idle session was told 421; new connections are refused.
            with self.assertRaises((ftplib.error_temp, EOFError, OSError)):
                idle.voidcmd('NOOP')
            self.assertEqual(srv.proc.wait(timeout=10), 0)
            with self.assertRaises(OSError):
                ftplib.FTP().connect('127.0.0.1', srv.port, timeout=3)
        finally:
            srv.cleanup()


def ftpd_run(args, stdin=None, timeout=20):
    """Runs ftpd to completion (a refusal, a check); returns the result."""
    return subprocess.run([H.FTPD] + args, capture_output=True, text=True,
                          timeout=timeout, input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL)


def server_args(srv):
    return ['--foreground', '--listen', '127.0.0.1', '--port', '0',
            '--root', srv.root, '--users', srv.users] + H.run_as_args()


def add_users(srv, text):
    with open(srv.users, 'a') as f:
        f.write(text)


class CheckConfig(unittest.TestCase):
    """ftpd --check-config: exit 0, or every problem named with file:line."""

    def test_good_setup_passes(self):
        srv = H.Server()
        try:
            r = ftpd_run(server_args(srv) + ['--check-config'])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn('configuration OK', r.stdout)
        finally:
            srv.cleanup()

    def test_each_problem_named(self):
        srv = H.Server()
        conf = os.path.join(srv.dir, 'ftpd.conf')
        with open(conf, 'w') as f:
            f.write('# a config with problems\nbanner = hi\n'
                    'idle_timeout = forever   # line 3\n'
                    'no_such_key = 1\n'
                    'tls = required\ntls_cert = %s/none.pem\n'
                    'tls_key = %s/none.pem\n'
                    'anonymous = yes\nanonymous_home = /   # line 9\n'
                    % (srv.dir, srv.dir))
        add_users(srv, 'carol:*:/carol:rw\n')
        try:
            r = ftpd_run(['--config', conf] + server_args(srv) +
                         ['--check-config', '--log', srv.dir + '/no/dir/log'])
            self.assertEqual(r.returncode, 1, r.stderr)
            for want in ('%s:3: bad value \'forever\' for idle_timeout' % conf,
                         '%s:4: unknown setting \'no_such_key\'' % conf,
                         '%s:3: home /carol of user carol: No such file' % srv.users,
                         'cannot open log_file %s/no/dir/log' % srv.dir,
                         'tls_cert %s/none.pem' % srv.dir,
                         '%s:9: anonymous_home / holds the home /alice of '
                         'user alice (%s:1)' % (conf, srv.users),
                         '8 problems found'):
                self.assertIn(want, r.stderr)
        finally:
            srv.cleanup()


class UsersFileProblems(unittest.TestCase):
    """Refused at load with file:line; a missing home is named in the log."""

    def refused(self, users, want):
        srv = H.Server()
        add_users(srv, users)
        try:
            r = ftpd_run(server_args(srv))
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn(want % srv.users, r.stderr)
            self.assertNotIn('ready on', r.stderr)
        finally:
            srv.cleanup()

    def test_home_outside_root_refused(self):
        self.refused('eve:*:../etc:rw\n', '%s:3: the home is outside the root')

    def test_duplicate_user_refused(self):
        self.refused('alice:*:/bob:rw\n',
                     "%s:3: duplicate user 'alice' (first on line 1)")

    def test_missing_home_named_at_start_and_login(self):
        srv = H.Server()
        with open(srv.users) as f:
            h = f.read().split(':')[1]
        add_users(srv, 'carol:%s:/carol:rw\n' % h)
        srv.start()
        try:
            ftp = ftplib.FTP()
            ftp.connect('127.0.0.1', srv.port, timeout=10)
            with self.assertRaises(ftplib.error_perm):
                ftp.login('carol', H.PASSWORD)
            ftp.close()
            with open(srv.log) as f:
                log = f.read()
            self.assertIn('warning: %s:3: home /carol of user carol: '
                          'No such file or directory' % srv.users, log)
            self.assertIn('login failed for carol: home /carol: No such file',
                          log)
        finally:
            srv.cleanup()


class HashPasswordTerminal(unittest.TestCase):
    """On a terminal: two prompts, no echo; the hash goes to stdout."""

    def run_on_pty(self, first, second):
        import pty
        master, slave = pty.openpty()
        proc = subprocess.Popen([H.FTPD, '--hash-password'], stdin=slave,
                                stdout=subprocess.PIPE, stderr=slave,
                                close_fds=True)
        os.close(slave)
        term = H.PtyReader(master)
        try:
            self.assertTrue(term.until(b'Password: '), term.seen)
            os.write(master, first.encode() + b'\n')
            self.assertTrue(term.until(b'Again: '), term.seen)
            os.write(master, second.encode() + b'\n')
            out = proc.stdout.read()
            rc = proc.wait(timeout=30)
            term.until(None, timeout=5)    # the rest, up to its close
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            os.close(master)
        return rc, out.decode(), term.seen.decode(errors='replace')

    def test_prompts_twice_without_echo(self):
        rc, out, term = self.run_on_pty('tty-secret-1', 'tty-secret-1')
        self.assertEqual(rc, 0, term)
        self.assertNotIn('tty-secret-1', term)
        h = out.strip()
        self.assertTrue(h.startswith('$y$'), out)
        import crypt
        self.assertEqual(crypt.crypt('tty-secret-1', h), h)

    def test_different_answers_refused(self):
        rc, out, term = self.run_on_pty('tty-secret-1', 'tty-secret-2')
        self.assertEqual(rc, 1)
        self.assertEqual(out, '')
        self.assertIn('differ', term)
        self.assertNotIn('tty-secret', term)


class StartupMessages(unittest.TestCase):
    """Each startup message once, naming the file it is about."""

    def test_ready_once_and_no_max_sessions_note(self):
        srv = H.start_ftpd()
        try:
            srv.stop()
            with open(srv.log) as f:
                log = f.read()
            self.assertEqual(log.count('ready on '), 1, log)
            self.assertNotIn('max_sessions lowered', log)
        finally:
            srv.cleanup()

    def test_missing_files_named(self):
        srv = H.Server()
        nope = os.path.join(srv.dir, 'nope')
        try:
            cases = [
                (['--log', nope + '/ftpd.log'],
                 'cannot open log_file %s/ftpd.log: No such file' % nope),
                (['--xferlog', nope + '/xfer.log'],
                 'cannot open xferlog_file %s/xfer.log: No such file' % nope),
                (['--users', nope], 'users file %s: No such file' % nope),
                (['--config', nope], 'config file %s: No such file' % nope),
                (['--root', nope], 'root %s: No such file' % nope),
            ]
            for args, want in cases:
                r = ftpd_run(server_args(srv) + args)
                self.assertNotEqual(r.returncode, 0, args)
                self.assertIn(want, r.stderr)
        finally:
            srv.cleanup()

    def test_tls_cert_with_tls_off_refused(self):
        srv = H.Server()
        try:
            r = ftpd_run(server_args(srv) + ['--tls-cert', srv.users])
            self.assertEqual(r.returncode, 2)
            self.assertIn('tls is off', r.stderr)
            self.assertNotIn('ready on', r.stderr)
        finally:
            srv.cleanup()

    def test_example_config_loads(self):
        example = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               '..', '..', 'docs', 'ftpd.conf.example')
        srv = H.Server()
        srv.extra = ['--config', example]  # root, users, port from flags
        srv.start()
        try:
            ftp = login(srv)
            self.assertIn('ftpd ready.', ftp.getwelcome())
            ftp.quit()
        finally:
            srv.cleanup()


if __name__ == '__main__':
    H.run_suite('test_lifecycle')
