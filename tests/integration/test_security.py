"""Attacks on ftpd, each of which must be refused with the right reply,
after which the server must still serve a normal client: cross-protocol
(ALPACA) requests, session floods (in all and per address), slow logins,
password guessing (growing delay, per-session limit; the per-address
tarpit is in test_login),
idle and stalled connections, FTP bounce (PORT/EPRT to a third host or a
privileged port), PASV port theft, over-long lines split across TCP
segments, exponential globs, listing caps, and uploads that die midway."""
import ftplib
import io
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402


class Raw:
    """A bare control connection: send lines, read whole replies."""

    def __init__(self, port, host='127.0.0.1', source=None, timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout,
                                             source_address=source)
        self.f = self.sock.makefile('rb')

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def reply(self):
        """Returns (code, text) of one reply; ('', '') at EOF."""
        line = self.f.readline()
        if not line:
            return '', ''
        text = [line.decode(errors='replace').rstrip('\r\n')]
        code = text[0][:3]
        if text[0][3:4] == '-':
            while True:
                line = self.f.readline()
                if not line:
                    break
                t = line.decode(errors='replace').rstrip('\r\n')
                text.append(t)
                if t[:3] == code and t[3:4] == ' ':
                    break
        return code, '\n'.join(text)

    def cmd(self, line):
        self.send(line + '\r\n')
        return self.reply()

    def login(self, user='alice'):
        self.cmd('USER ' + user)
        return self.cmd('PASS ' + H.PASSWORD)

    def epsv_port(self):
        """Sends EPSV and returns the port of its 229 reply."""
        code, text = self.cmd('EPSV')
        assert code == '229', text
        return int(text.split('|||')[1].split('|')[0])

    def data_conn(self):
        """EPSV, then a connected data socket."""
        return socket.create_connection(('127.0.0.1', self.epsv_port()),
                                        timeout=10)

    def closed(self, wait=5):
        """Whether the server closed the connection (EOF) within wait s."""
        self.sock.settimeout(wait)
        try:
            return self.sock.recv(4096) == b''
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.f.close()
        self.sock.close()


def still_serves(test, srv):
    """A normal client can log in and list after the attack."""
    ftp = ftplib.FTP()
    ftp.connect('127.0.0.1', srv.port, timeout=10)
    ftp.login('alice', H.PASSWORD)
    test.assertIsInstance(ftp.nlst(), list)
    ftp.quit()


class ServerCase(unittest.TestCase):
    extra = ()

    @classmethod
    def setUpClass(cls):
        cls.srv = H.start_ftpd(extra=list(cls.extra))

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def raw(self, **kw):
        r = Raw(self.srv.port, **kw)
        code, _ = r.reply()
        self.assertEqual(code, '220')
        return r

    def tearDown(self):
        # Python 3.11's outcome has success, no longer a list of errors.
        outcome = getattr(self, '_outcome', None)
        if outcome is not None and not getattr(outcome, 'success', True):
            self.srv.dump_log()


class CrossProtocol(ServerCase):
    def test_http_get_first_closes(self):
        r = self.raw()
        r.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
        self.assertTrue(r.closed())
        r.close()
        still_serves(self, self.srv)

    def test_http_post_connect_closes(self):
        for verb in ('POST /x HTTP/1.1', 'CONNECT a:443 HTTP/1.1', 'put / HTTP/1.0'):
            r = self.raw()
            r.send(verb + '\r\n')
            self.assertTrue(r.closed(), verb)
            r.close()

    def test_http_verb_later_is_just_unknown(self):
        r = self.raw()
        self.assertEqual(r.cmd('NOOP')[0], '200')
        self.assertEqual(r.cmd('GET / HTTP/1.1')[0], '500')
        self.assertEqual(r.cmd('NOOP')[0], '200')
        r.close()


class LongLines(ServerCase):
    def test_tail_in_second_segment_never_runs(self):
        self.srv.write('alice/victim.txt', b'keep me')
        r = self.raw()
        r.login()
        r.send('NOOP ' + 'x' * 5000)
        time.sleep(0.3)  # a separate TCP segment
        r.send('\r\n')
        r.send('STAT ' + 'y' * 4100)
        time.sleep(0.3)
        r.send('DELE victim.txt\r\n')  # still the same long line...
        code1, text1 = r.reply()
        code2, text2 = r.reply()
        self.assertEqual((code1, code2), ('500', '500'), (text1, text2))
        self.assertIn('too long', text1)
        # ...so only NOOP answers next, and the file is untouched.
        self.assertEqual(r.cmd('NOOP')[0], '200')
        self.assertEqual(self.srv.read('alice/victim.txt'), b'keep me')
        r.close()

    def test_tail_after_split_crlf(self):
        r = self.raw()
        r.send('NOOP ' + 'x' * 4200 + '\r')
        time.sleep(0.2)
        r.send('\nNOOP\r\n')
        self.assertEqual(r.reply()[0], '500')
        self.assertEqual(r.reply()[0], '200')
        r.close()

    def test_nul_byte_refused(self):
        r = self.raw()
        r.send(b'NOOP\x00DELE x\r\n')
        self.assertEqual(r.reply()[0], '500')
        self.assertEqual(r.cmd('NOOP')[0], '200')
        r.close()


class Bounce(ServerCase):
    def test_port_to_other_host_refused(self):
        r = self.raw()
        r.login()
        code, text = r.cmd('PORT 127,0,0,2,200,10')
        self.assertEqual(code, '500', text)
        code, text = r.cmd('EPRT |1|10.0.0.1|2000|')
        self.assertEqual(code, '500', text)
        # A transfer now has no data connection at all.
        self.assertEqual(r.cmd('LIST')[0], '425')
        r.close()

    def test_port_to_privileged_port_refused(self):
        r = self.raw()
        r.login()
        self.assertEqual(r.cmd('PORT 127,0,0,1,0,25')[0], '500')
        self.assertEqual(r.cmd('EPRT |1|127.0.0.1|21|')[0], '500')
        r.close()

    def test_malformed_port(self):
        r = self.raw()
        r.login()
        for arg in ('1,2,3', '256,0,0,1,4,1', '127,0,0,1,4,1,9', 'abc'):
            self.assertEqual(r.cmd('PORT ' + arg)[0], '501', arg)
        self.assertEqual(r.cmd('EPRT |3|x|1|')[0], '522')
        self.assertEqual(r.cmd('EPRT |1|127.0.0.1|99999|')[0], '501')
        r.close()


class PasvTheft(ServerCase):
    def test_thief_gets_nothing_and_client_gets_all(self):
        data = os.urandom(300000)
        self.srv.write('alice/secret.bin', data)
        r = self.raw()
        r.login()
        r.cmd('TYPE I')
        port = r.epsv_port()
        # The thief comes from another address and races the client.
        thief = socket.create_connection(('127.0.0.1', port), timeout=5,
                                         source_address=('127.0.0.2', 0))
        thief.settimeout(2)
        time.sleep(0.2)
        data_sock = socket.create_connection(('127.0.0.1', port), timeout=10)
        r.send('RETR secret.bin\r\n')
        self.assertEqual(r.reply()[0], '150')
        got = bytearray()
        while True:
            b = data_sock.recv(65536)
            if not b:
                break
            got.extend(b)
        self.assertEqual(r.reply()[0], '226')
        self.assertEqual(H.sha256(bytes(got)), H.sha256(data))
        try:
            stolen = thief.recv(65536)
        except (ConnectionResetError, socket.timeout):
            stolen = b''
        self.assertEqual(stolen, b'')
        thief.close()
        data_sock.close()
        r.close()

    def test_listener_closes_after_one_connection(self):
        self.srv.write('alice/one.txt', b'one')
        r = self.raw()
        r.login()
        port = r.epsv_port()
        first = socket.create_connection(('127.0.0.1', port), timeout=5)
        self.assertEqual(r.cmd('RETR one.txt')[0], '150')
        self.assertEqual(first.recv(10), b'one')
        self.assertEqual(r.reply()[0], '226')
        # The port took its one connection: nobody gets another.
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(('127.0.0.1', port), timeout=2)
        first.close()
        r.close()

    def test_listener_closes_with_its_session(self):
        r = Raw(self.srv.port)
        r.reply()
        r.login()
        r.cmd('SITE HELP')
        port = r.epsv_port()
        r.close()
        # The session is gone: so is its listener.
        time.sleep(0.3)
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(('127.0.0.1', port), timeout=2)


class Globs(ServerCase):
    extra = ['--set', 'max_list_entries=10']

    def test_exponential_glob_is_fast(self):
        self.srv.write('alice/g/' + 'a' * 200, b'')
        r = self.raw()
        r.login()
        d = r.data_conn()
        start = time.monotonic()
        r.send('NLST g/' + '*a' * 60 + '*b\r\n')
        code, _ = r.reply()
        if code == '150':
            while d.recv(65536):
                pass
            code, _ = r.reply()
        self.assertLess(time.monotonic() - start, 2.0)
        self.assertIn(code, ('226', '550'))
        d.close()
        r.close()

    def test_listing_is_capped(self):
        for i in range(25):
            self.srv.write('alice/many/f%02d' % i, b'')
        ftp = ftplib.FTP()
        ftp.connect('127.0.0.1', self.srv.port, timeout=10)
        ftp.login('alice', H.PASSWORD)
        names = []
        resp = ftp.retrlines('NLST many', names.append)
        self.assertEqual(len(names), 10)
        self.assertTrue(resp.startswith('226'), resp)
        self.assertIn('cut at 10 entries', resp)
        ftp.quit()

    def test_newline_in_name_cannot_forge_entries(self):
        self.srv.write('alice/nl/evil\r\n-rw-r--r-- 1 0 0 1 Jan 1 2020 forged', b'x')
        ftp = ftplib.FTP()
        ftp.connect('127.0.0.1', self.srv.port, timeout=10)
        ftp.login('alice', H.PASSWORD)
        lines = []
        ftp.retrlines('LIST nl', lines.append)
        self.assertEqual(len(lines), 1, lines)
        self.assertIn('evil??-rw-r--r--', lines[0])
        names = []
        ftp.retrlines('MLSD nl', names.append)
        self.assertEqual(len([n for n in names if 'type=file' in n]), 1, names)
        ftp.quit()

    def test_list_dash_r_does_not_recurse(self):
        self.srv.write('alice/tree/sub/deep/file', b'x')
        ftp = ftplib.FTP()
        ftp.connect('127.0.0.1', self.srv.port, timeout=10)
        ftp.login('alice', H.PASSWORD)
        lines = []
        ftp.retrlines('LIST -R tree', lines.append)
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].endswith(' sub'), lines)
        ftp.quit()


class SessionLimits(ServerCase):
    extra = ['--set', 'max_sessions_per_ip=3', '--set', 'max_sessions=5']

    def test_per_ip_limit_says_421(self):
        held = [self.raw() for _ in range(3)]
        extra = Raw(self.srv.port)
        code, text = extra.reply()
        self.assertEqual(code, '421', text)
        self.assertIn('Too many connections from your address', text)
        self.assertTrue(extra.closed())
        extra.close()
        # Another address still gets in, up to the server-wide cap.
        other = Raw(self.srv.port, source=('127.0.0.3', 0))
        self.assertEqual(other.reply()[0], '220')
        other2 = Raw(self.srv.port, source=('127.0.0.4', 0))
        self.assertEqual(other2.reply()[0], '220')
        full = Raw(self.srv.port, source=('127.0.0.5', 0))
        code, text = full.reply()
        self.assertEqual(code, '421')
        self.assertIn('server full', text)
        for r in held + [other, other2, full]:
            r.close()
        time.sleep(0.3)
        still_serves(self, self.srv)


class DescriptorLimit(unittest.TestCase):
    def test_cap_follows_fd_limit_so_refusals_are_421(self):
        # A configured max_sessions (the default 0 follows the limit).
        srv = H.Server(extra=['--set', 'max_sessions=1000'])
        srv.nofile = 100  # room for 24 sessions
        srv.start()
        try:
            with open(srv.log) as f:
                self.assertIn('max_sessions lowered to 24', f.read())
            conns = [Raw(srv.port) for _ in range(30)]
            codes = [c.reply()[0] for c in conns]
            self.assertEqual(codes.count("220"), 24, codes)
            self.assertEqual(codes.count("421"), 6, codes)
            for c in conns:
                c.close()
            time.sleep(0.3)
            still_serves(self, srv)
        finally:
            srv.cleanup()


class Timeouts(ServerCase):
    extra = ['--set', 'login_timeout=1', '--set', 'idle_timeout=2',
             '--set', 'data_timeout=1']

    def test_login_timeout(self):
        r = self.raw()
        start = time.monotonic()
        code, text = r.reply()
        self.assertEqual(code, '421', text)
        self.assertIn('Login timeout', text)
        self.assertLess(time.monotonic() - start, 5)
        self.assertTrue(r.closed())
        r.close()

    def test_idle_timeout_after_login(self):
        r = self.raw()
        self.assertEqual(r.login()[0], '230')
        time.sleep(1.5)  # past the login timeout: logged in, so no effect
        self.assertEqual(r.cmd('NOOP')[0], '200')
        code, text = r.reply()  # then idle for 2 s
        self.assertEqual(code, '421', text)
        r.close()

    def test_data_connection_never_made(self):
        self.srv.write('alice/f.txt', b'data')
        r = self.raw()
        r.login()
        self.assertEqual(r.cmd('EPSV')[0], '229')
        self.assertEqual(r.cmd('RETR f.txt')[0], '150')
        code, text = r.reply()
        self.assertEqual(code, '425', text)
        self.assertEqual(r.cmd('NOOP')[0], '200')
        r.close()

    def test_unused_passive_listener_closes(self):
        r = self.raw()
        r.login()
        port = r.epsv_port()
        time.sleep(1.5)  # data_timeout is 1 s
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(('127.0.0.1', port), timeout=2)
        self.assertEqual(r.cmd('LIST')[0], '425')
        r.close()

    def test_stalled_upload(self):
        self.srv.write('alice/keep.txt', b'original')
        r = self.raw()
        r.login()
        d = r.data_conn()
        self.assertEqual(r.cmd('STOR keep.txt')[0], '150')
        d.sendall(b'partial')
        code, text = r.reply()  # nothing more arrives: stalled
        self.assertEqual(code, '426', text)
        self.assertEqual(self.srv.read('alice/keep.txt'), b'original')
        left = [n for n in os.listdir(self.srv.path('alice')) if n.startswith('.ftpd-upload')]
        self.assertEqual(left, [])
        d.close()
        r.close()


class PasswordGuessing(ServerCase):
    extra = ['--set', 'login_delay_ms=200', '--set', 'max_ip_failures=5',
             '--set', 'ip_failure_window=3']

    def test_delay_grows_then_421(self):
        r = self.raw(source=('127.0.0.6', 0))
        times = []
        for _ in range(2):
            r.cmd('USER alice')
            start = time.monotonic()
            code, _ = r.cmd('PASS wrong')
            times.append(time.monotonic() - start)
            self.assertEqual(code, '530')
        self.assertGreaterEqual(times[0], 0.18)
        self.assertGreaterEqual(times[1], 0.38)
        r.cmd('USER alice')
        code, text = r.cmd('PASS wrong')
        self.assertEqual(code, '421', text)
        self.assertTrue(r.closed())
        r.close()

    def test_commands_during_delay_wait(self):
        r = self.raw(source=('127.0.0.7', 0))
        r.cmd('USER alice')
        r.send('PASS wrong\r\nUSER alice\r\nPASS %s\r\n' % H.PASSWORD)
        self.assertEqual(r.reply()[0], '530')
        self.assertEqual(r.reply()[0], '331')
        self.assertEqual(r.reply()[0], '230')
        r.close()

    def test_unknown_user_indistinguishable(self):
        r = self.raw(source=('127.0.0.9', 0))
        self.assertEqual(r.cmd('USER nosuchuser')[0], '331')
        self.assertEqual(r.cmd('PASS x')[0], '530')
        r.close()


class Confinement(ServerCase):
    """Every command that names a path, with every way out of the home:
    "..", absolute paths, and symlinks inside the home that point out."""

    ESCAPES = ('../bob/secret.txt', '/../bob/secret.txt', '../../etc/passwd',
               'out/secret.txt', 'abs/secret.txt', 'dir/../../bob/secret.txt')

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.srv.write('bob/secret.txt', b'bob only')
        cls.srv.write('alice/mine.txt', b'alice')
        os.symlink('../bob', cls.srv.path('alice/out'))
        os.symlink(cls.srv.path('bob'), cls.srv.path('alice/abs'))
        os.symlink('mine.txt', cls.srv.path('alice/inside-link'))
        cls.srv.makedirs('alice/dir')

    def session(self):
        r = self.raw()
        self.assertEqual(r.login()[0], '230')
        return r

    def test_reads_stay_inside(self):
        r = self.session()
        for path in self.ESCAPES:
            for cmd in ('SIZE', 'MDTM', 'MLST', 'RETR'):
                code, text = r.cmd('%s %s' % (cmd, path))
                self.assertNotIn(code, ('213', '250', '150'), (cmd, path, text))
                self.assertNotIn('bob only', text)
            code, text = r.cmd('STAT ' + path)
            self.assertNotIn('secret.txt', text.replace(path, ''), (path, text))
            code, text = r.cmd('CWD ' + path.rsplit('/', 1)[0] or '/')
            if code == '250':
                # ".." at the root stays at the root.
                self.assertEqual(r.cmd('PWD')[1].split('"')[1], '/')
                r.cmd('CWD /')
        r.close()

    def test_writes_stay_inside(self):
        r = self.session()
        for path in self.ESCAPES:
            for cmd in ('DELE %s', 'RNFR %s', 'SITE CHMOD 777 %s', 'MFMT 20200101000000 %s'):
                code, text = r.cmd(cmd % path)
                self.assertEqual(code[0], '5', (cmd, path, text))
            code, text = r.cmd('MKD %s.d' % path)
            self.assertEqual(code[0], '5', (path, text))
        # A rename target outside is refused too.
        self.assertEqual(r.cmd('RNFR mine.txt')[0], '350')
        self.assertEqual(r.cmd('RNTO out/stolen.txt')[0], '550')
        self.assertEqual(r.cmd('RNFR mine.txt')[0], '350')
        self.assertEqual(r.cmd('RNTO ../bob/stolen.txt')[0], '550')
        r.close()
        self.assertEqual(self.srv.read('bob/secret.txt'), b'bob only')
        self.assertFalse(os.path.exists(self.srv.path('bob/stolen.txt')))
        self.assertEqual(os.stat(self.srv.path('bob/secret.txt')).st_mode & 0o777, 0o644)

    def test_uploads_stay_inside(self):
        r = self.session()
        for path in ('out/new.txt', 'abs/new.txt', '../bob/new.txt'):
            code, text = r.cmd('EPSV')
            self.assertEqual(code, '229')
            code, text = r.cmd('STOR ' + path)
            self.assertEqual(code, '550', (path, text))
        self.assertEqual(sorted(os.listdir(self.srv.path('bob'))), ['secret.txt'])
        r.close()

    def test_symlink_inside_home_works(self):
        r = self.session()
        self.assertEqual(r.cmd('SIZE inside-link'), ('213', '213 5'))
        r.close()


class DuringTransfer(ServerCase):
    def test_abor_after_queued_commands_is_seen(self):
        self.srv.write('alice/huge.bin', os.urandom(1 << 20) * 64)
        r = self.raw()
        r.login()
        d = r.data_conn()
        d.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.assertEqual(r.cmd('RETR huge.bin')[0], '150')
        d.recv(1000)  # the transfer is running; we read slowly
        # PWD and TYPE wait for the transfer; ABOR must not wait behind them.
        r.send('PWD\r\nTYPE I\r\nABOR\r\n')
        codes = [r.reply()[0] for _ in range(4)]
        self.assertEqual(codes, ['426', '226', '257', '200'])
        self.assertEqual(r.cmd('NOOP')[0], '200')
        d.close()
        r.close()

    def test_flood_during_transfer_is_bounded(self):
        self.srv.write('alice/big2.bin', os.urandom(1 << 20) * 16)
        r = self.raw()
        r.login()
        d = r.data_conn()
        self.assertEqual(r.cmd('RETR big2.bin')[0], '150')
        # Far more than the queue holds: TCP pushes back, nothing is lost.
        r.send('PWD\r\n' * 2000)
        got = 0
        while True:
            b = d.recv(1 << 20)
            if not b:
                break
            got += len(b)
        self.assertEqual(got, 16 << 20)
        codes = [r.reply()[0] for _ in range(2001)]
        self.assertEqual(codes[0], '226')
        self.assertEqual(set(codes[1:]), {'257'})
        d.close()
        r.close()


class SafeUploads(ServerCase):
    def test_abor_midway_keeps_old_file(self):
        self.srv.write('alice/doc.bin', b'complete old content')
        r = self.raw()
        r.login()
        d = r.data_conn()
        self.assertEqual(r.cmd('STOR doc.bin')[0], '150')
        d.sendall(b'half of the new')
        time.sleep(0.2)
        r.send(b'\xff\xf4\xff\xf2ABOR\r\n')  # IAC IP IAC DM ABOR
        codes = [r.reply()[0], r.reply()[0]]
        self.assertEqual(codes, ['426', '226'])
        self.assertEqual(self.srv.read('alice/doc.bin'), b'complete old content')
        self.assertEqual(r.cmd('NOOP')[0], '200')
        d.close()
        r.close()

    def test_reset_midway_keeps_old_file(self):
        self.srv.write('alice/doc2.bin', b'old')
        r = self.raw()
        r.login()
        d = r.data_conn()
        self.assertEqual(r.cmd('STOR doc2.bin')[0], '150')
        d.sendall(b'new bytes')
        time.sleep(0.1)
        # An abortive close (RST) is a failed upload, not an end of file.
        d.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\x01\x00\x00\x00\x00\x00\x00\x00')
        d.close()
        code, text = r.reply()
        self.assertEqual(code, '426', text)
        self.assertEqual(self.srv.read('alice/doc2.bin'), b'old')
        r.close()

    def test_complete_upload_replaces(self):
        self.srv.write('alice/doc3.bin', b'old')
        ftp = ftplib.FTP()
        ftp.connect('127.0.0.1', self.srv.port, timeout=10)
        ftp.login('alice', H.PASSWORD)
        ftp.storbinary('STOR doc3.bin', io.BytesIO(b'new complete'))
        ftp.quit()
        self.assertEqual(self.srv.read('alice/doc3.bin'), b'new complete')


if __name__ == '__main__':
    H.run_suite('test_security')
