"""`ftpd who` and `ftpd who --json`: the live sessions (id, user, host,
address, since, command, bytes, rate) asked of the running server over
its admin socket, which is root's (mode 0600) and refuses anyone else."""
import ftplib
import json
import os
import pwd
import re
import socket
import stat
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402

BIG = 32 << 20


def as_nobody():
    pw = pwd.getpwnam(H.RUN_AS)
    os.setgroups([])
    os.setgid(pw.pw_gid)
    os.setuid(pw.pw_uid)


class Who(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = H.start_ftpd()
        cls.srv.write('alice/big.bin', b'z' * BIG)
        cls.sock = os.path.join(cls.srv.dir, 'admin.sock')

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def who(self, *args, preexec=None):
        return subprocess.run([H.FTPD, 'who', '--admin-socket', self.sock] +
                              list(args), capture_output=True, text=True,
                              timeout=20, preexec_fn=preexec)

    def login(self, user):
        f = ftplib.FTP()
        f.connect('127.0.0.1', self.srv.port, timeout=20)
        f.login(user, H.PASSWORD)
        return f

    def snapshot(self):
        r = self.who('--json')
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)['sessions']

    def test_lists_sessions_mid_transfer_and_idle(self):
        alice = self.login('alice')
        alice.voidcmd('TYPE I')
        # A slow reader: the download stalls once the socket buffers fill.
        data = alice.transfercmd('RETR big.bin')
        data.recv(4096)
        bob = self.login('bob')
        bob.pwd()
        try:
            def moving():
                s = self.snapshot()
                a = [e for e in s if e['user'] == 'alice']
                return s if a and a[0]['bytes'] > 0 else None
            deadline = time.monotonic() + 10
            while (s := moving()) is None:
                self.assertLess(time.monotonic(), deadline, 'no bytes')
                time.sleep(0.05)
            self.assertEqual(len(s), 2, s)
            by = {e['user']: e for e in s}
            self.assertEqual(set(by), {'alice', 'bob'})
            a, b = by['alice'], by['bob']
            self.assertEqual(a['command'], 'RETR big.bin')
            self.assertGreater(a['bytes'], 0)
            self.assertLess(a['bytes'], BIG)
            self.assertGreater(a['rate'], 0)
            self.assertEqual(b['command'], 'PWD')
            self.assertEqual(b['bytes'], 0)
            self.assertEqual(b['rate'], 0)
            for e in s:
                self.assertIsNone(e['host'])    # the default host
                self.assertEqual(e['address'], '127.0.0.1')
                self.assertRegex(e['since'],
                                 r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
                self.assertIsInstance(e['id'], int)
            self.assertLess(a['id'], b['id'])  # sorted by id
            text = self.who()
            self.assertEqual(text.returncode, 0, text.stderr)
            rows = text.stdout.splitlines()
            self.assertEqual(rows[0].split(), ['ID', 'USER', 'HOST',
                             'ADDRESS', 'SINCE', 'BYTES', 'RATE', 'COMMAND'])
            self.assertEqual(len(rows), 3, rows)
            self.assertRegex(rows[1], r'^s%d +alice +- +127\.0\.0\.1 .* '
                             r'[\d.]+ [KMG]?B/s +RETR big\.bin$' % a['id'])
            self.assertRegex(rows[2], r'^s%d +bob +- +127\.0\.0\.1 .* 0 +- '
                             r'+PWD$' % b['id'])
        finally:
            data.close()
            alice.close()
            bob.quit()

    def test_session_before_login_and_password_masked(self):
        f = ftplib.FTP()
        f.connect('127.0.0.1', self.srv.port, timeout=20)
        f.sendcmd('USER alice')
        try:
            mine = [e for e in self.snapshot() if e['command'] == 'USER alice']
            self.assertEqual(len(mine), 1)
            self.assertIsNone(mine[0]['user'])
            f.sendcmd('PASS ' + H.PASSWORD)
            s = self.snapshot()
            self.assertIn('PASS ****', [e['command'] for e in s])
            self.assertNotIn(H.PASSWORD, json.dumps(s))
        finally:
            f.quit()

    def test_socket_belongs_to_root_only(self):
        st = os.lstat(self.sock)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(st.st_uid, os.geteuid())

    @unittest.skipUnless(os.geteuid() == 0, 'needs root')
    def test_other_users_are_refused(self):
        r = self.who('--json', preexec=as_nobody)
        self.assertEqual(r.returncode, 1)
        self.assertIn('Permission denied', r.stderr)
        self.assertEqual(r.stdout, '')

    @unittest.skipUnless(os.geteuid() == 0, 'needs root')
    def test_server_checks_the_peer_even_if_the_mode_is_opened(self):
        os.chmod(self.sock, 0o666)
        try:
            r = self.who('--json', preexec=as_nobody)
        finally:
            os.chmod(self.sock, 0o600)
        self.assertEqual(r.stdout, '')
        self.assertEqual(r.returncode, 1)
        with open(self.srv.log) as f:
            self.assertIn('admin socket: refused a client that is not root',
                          f.read())

    def raw(self, payload):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(20)
        s.connect(self.sock)
        out = b''
        try:
            s.sendall(payload)
            while chunk := s.recv(4096):
                out += chunk
        except (ConnectionResetError, BrokenPipeError):
            pass  # closed with our bytes unread
        s.close()
        return out

    def test_unknown_request_and_endless_line(self):
        self.assertTrue(self.raw(b'reboot\n').startswith(
            b'error: unknown request'))
        self.assertEqual(self.raw(b'w' * 10000), b'')
        # Still serving.
        self.assertEqual(self.who('--json').returncode, 0)

    def test_config_file_names_the_socket(self):
        conf = os.path.join(self.srv.dir, 'who.conf')
        with open(conf, 'w') as f:
            f.write('admin_socket = %s\n' % self.sock)
        r = subprocess.run([H.FTPD, 'who', '--json', '--config', conf],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('sessions', json.loads(r.stdout))

    def test_no_server(self):
        r = subprocess.run([H.FTPD, 'who', '--admin-socket',
                            os.path.join(self.srv.dir, 'none.sock')],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r'cannot connect to .*none\.sock: .*'
                         r'\(is ftpd running\?\)')

    def test_usage(self):
        r = subprocess.run([H.FTPD, 'who', '--bogus'], capture_output=True,
                           text=True, timeout=20)
        self.assertEqual(r.returncode, 2)
        self.assertIn('usage: ftpd who', r.stderr)


class Stale(unittest.TestCase):
    def test_socket_removed_at_exit_after_the_privilege_drop(self):
        first = H.Server()
        sock = os.path.join(first.dir, 'admin.sock')
        # Each run a server of its own (its own log) on the same socket.
        later = [H.Server(extra=['--set', 'admin_socket=' + sock])
                 for _ in range(2)]
        try:
            first.start()
            self.assertTrue(stat.S_ISSOCK(os.lstat(sock).st_mode))
            first.stop()    # SIGTERM; the server runs as run_as
            H.wait_for(lambda: not os.path.lexists(sock),
                       what='the socket to be removed at exit')
            # Killed, it cannot clean up: the next start still serves.
            later[0].start()
            self.assertTrue(stat.S_ISSOCK(os.lstat(sock).st_mode))
            later[0].proc.kill()
            later[0].proc.wait()
            later[1].start()
            r = subprocess.run([H.FTPD, 'who', '--json', '--admin-socket',
                                sock], capture_output=True, text=True,
                               timeout=20)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout), {'sessions': []})
            later[1].stop()
            H.wait_for(lambda: not os.path.lexists(sock),
                       what='the socket to be removed at exit')
        finally:
            for srv in later + [first]:
                srv.cleanup()

    def test_stale_socket_replaced_live_one_and_other_files_kept(self):
        srv = H.Server()
        sock = os.path.join(srv.dir, 'admin.sock')
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(sock)
        stale.close()
        try:
            srv.start()
            r = subprocess.run([H.FTPD, 'who', '--json', '--admin-socket',
                                sock], capture_output=True, text=True,
                               timeout=20)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout), {'sessions': []})
        finally:
            srv.cleanup()
        # A second server never takes a live socket from the first.
        first = H.start_ftpd()
        second = H.Server(extra=['--set', 'admin_socket=' +
                                 os.path.join(first.dir, 'admin.sock')])
        try:
            second.start()
            with open(second.log) as f:
                self.assertRegex(f.read(), r'admin_socket .*: in use by a '
                                 r'running server; `ftpd who` will not work')
            r = subprocess.run([H.FTPD, 'who', '--json', '--admin-socket',
                                os.path.join(first.dir, 'admin.sock')],
                               capture_output=True, text=True, timeout=20)
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            second.cleanup()
            first.cleanup()
        srv = H.Server()
        regular = os.path.join(srv.dir, 'admin.sock')
        with open(regular, 'w') as f:
            f.write('keep me')
        try:
            srv.start()  # serves FTP without the socket
            with open(srv.log) as f:
                self.assertRegex(f.read(), r'admin_socket .*: exists and is '
                                 r'not a socket; `ftpd who` will not work')
            with open(regular) as f:
                self.assertEqual(f.read(), 'keep me')
        finally:
            srv.cleanup()


if __name__ == '__main__':
    H.run_suite('test_who')
