"""ftpc against a hostile server: the client-side checks of issue 4.

A small scripted FTP server (threads, loopback, ephemeral ports) that
records every command line it receives:

- A 227 reply naming another address (127.0.0.2, where a bait listener
  waits on the same port): ftpc must connect to the control connection's
  peer, never to the address the server names (the PASV-redirect class
  that hit curl and Python's ftplib), and must still get the file.
- CR or LF in anything ftpc would send (a listing's file name, a local
  file name, a user name, a script line, a URL): ftpc refuses, and no
  second command ever reaches the server.
- After AUTH TLS and PROT P, a data connection that carries plain bytes
  instead of TLS (a downgrade): ftpc takes none of them as the file, the
  transfer fails (exit 6), and the session stays in step for the next
  command.
"""
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness  # noqa: E402
from ftpc_cases import ftpc, blob, sha, sha_file  # noqa: E402
from test_ftpc_pty import Terminal  # noqa: E402

BAIT_HOST = '127.0.0.2'
TOOLS = os.environ.get('TOOLS', os.path.join(os.path.dirname(
    os.path.abspath(__file__)), '..', '..', 'tools'))


def listen_pair():
    """A data listener on 127.0.0.1 and a bait on BAIT_HOST, same port."""
    for _ in range(50):
        real = socket.socket()
        real.bind(('127.0.0.1', 0))
        port = real.getsockname()[1]
        bait = socket.socket()
        try:
            bait.bind((BAIT_HOST, port))
        except OSError:
            real.close()
            bait.close()
            continue
        real.listen(1)
        bait.listen(1)
        return real, bait, port
    raise RuntimeError('no port free on both addresses')


def accept_data(listener):
    """The one data connection a listener takes (then closed)."""
    listener.settimeout(10)
    c, _ = listener.accept()
    listener.close()
    return c


def receive_all(listener):
    """Accepts the data connection of an upload and reads it to its end."""
    c = accept_data(listener)
    got = bytearray()
    while True:
        b = c.recv(65536)
        if not b:
            break
        got += b
    c.close()
    return bytes(got)


class HostileServer:
    """Answers one session at a time; see the module docstring."""

    def __init__(self, files, listing=b'', tls=None,
                 feat=b'211-Features:\r\n SIZE\r\n211 End\r\n',
                 host_reply=None):
        self.files = dict(files)         # name -> bytes, for SIZE and RETR
        self.listing = listing           # the LIST body, sent as it is
        self.tls = tls                   # (cert, key): AUTH TLS is offered
        self.feat = feat                 # the whole FEAT reply
        self.host_reply = host_reply     # the HOST reply line, or 502
        self.lines = []                  # every command line received
        self.stored = {}                 # STOR name -> bytes
        self.bait_hits = 0
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def stop(self):
        self.stopping = True
        try:
            socket.create_connection(('127.0.0.1', self.port), timeout=2).close()
        except OSError:
            pass
        self.thread.join(5)
        self.sock.close()

    def serve(self):
        while not self.stopping:
            conn, _ = self.sock.accept()
            if self.stopping:
                conn.close()
                break
            try:
                self.session(conn)
            except OSError:
                pass
            finally:
                conn.close()

    def watch_bait(self, bait, done):
        bait.settimeout(0.2)
        while not done.is_set():
            try:
                c, _ = bait.accept()
            except (socket.timeout, OSError):
                continue
            self.bait_hits += 1
            c.close()

    def data(self, listener):
        return accept_data(listener)

    def start_tls(self, conn):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*self.tls)
        return ctx.wrap_socket(conn, server_side=True)

    def session(self, conn):
        f = conn.makefile('rb')
        send = conn.sendall
        send(b'220 hostile ready\r\n')
        listener = None
        while True:
            raw = f.readline()
            if not raw:
                break
            line = raw.rstrip(b'\r\n')
            self.lines.append(line)
            verb, _, arg = line.decode('latin-1').partition(' ')
            verb = verb.upper()
            if verb == 'USER':
                send(b'331 password\r\n')
            elif verb == 'PASS':
                send(b'230 in\r\n')
            elif verb == 'AUTH' and self.tls is not None:
                send(b'234 go ahead\r\n')
                conn = self.start_tls(conn)
                f = conn.makefile('rb')
                send = conn.sendall
            elif verb in ('PBSZ', 'PROT') and self.tls is not None:
                send(b'200 ok\r\n')
            elif verb == 'FEAT':
                send(self.feat)
            elif verb == 'HOST' and self.host_reply is not None:
                send(self.host_reply)
            elif verb == 'PWD':
                send(b'257 "/" here\r\n')
            elif verb == 'TYPE':
                send(b'200 ok\r\n')
            elif verb == 'SIZE' and arg in self.files:
                send(b'213 %d\r\n' % len(self.files[arg]))
            elif verb == 'PASV':
                self.end_bait()
                listener, bait, port = listen_pair()
                done = threading.Event()
                t = threading.Thread(target=self.watch_bait,
                                     args=(bait, done), daemon=True)
                t.start()
                self.bait = (bait, t, done)
                send(b'227 Entering Passive Mode (127,0,0,2,%d,%d)\r\n'
                     % (port >> 8, port & 255))
            elif verb in ('RETR', 'LIST') and listener is not None:
                body = self.listing if verb == 'LIST' else self.files.get(arg)
                if body is None:
                    send(b'550 no such file\r\n')
                    continue
                send(b'150 here it comes\r\n')
                c = self.data(listener)
                c.sendall(body)
                c.close()
                listener = None
                send(b'226 done\r\n')
            elif verb == 'STOR' and listener is not None:
                send(b'150 send it\r\n')
                self.stored[arg] = receive_all(listener)
                listener = None
                send(b'226 stored\r\n')
            elif verb == 'QUIT':
                send(b'221 bye\r\n')
                break
            else:
                send(b'502 not here\r\n')
        self.end_bait()

    def end_bait(self):
        if getattr(self, 'bait', None) is not None:
            bait, t, done = self.bait
            done.set()
            t.join(2)
            bait.close()
            self.bait = None

    def commands(self):
        return [ln.split(b' ', 1)[0].upper() for ln in self.lines]


class Hostile(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpc-hostile.')
        self.data = blob(200000, 61)
        listing = (b'-rw-r--r-- 1 u g 5 Jan  1  2020 plain.txt\r\n'
                   b'-rw-r--r-- 1 u g 5 Jan  1  2020 evil\rDELE victim\r\n'
                   b'-rw-r--r-- 1 u g 5 Jan  1  2020 evil2\nDELE victim\r\n')
        self.server = HostileServer({'file.bin': self.data,
                                     'plain.txt': b'plain'}, listing)

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def url(self, path='', user='alice:secret@'):
        return 'ftp://%s127.0.0.1:%d/%s' % (user, self.server.port, path)

    def assertNoInjection(self):
        for line in self.server.lines:
            self.assertNotIn(b'\r', line)
            self.assertFalse(line.upper().startswith(b'DELE'), line)
            self.assertNotIn(b'DELE', line.upper(), line)

    def test_pasv_reply_cannot_redirect_the_data_connection(self):
        r = ftpc(['get', self.url('file.bin')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(b'PASV', self.server.commands())
        self.assertEqual(sha_file(os.path.join(self.tmp, 'file.bin')),
                         sha(self.data))
        self.assertEqual(self.server.bait_hits, 0)
        self.put('up.bin', self.data[:5000])
        r = ftpc(['put', 'up.bin', self.url('up.bin')], self.tmp)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.server.stored.get('up.bin'), self.data[:5000])
        self.assertEqual(self.server.bait_hits, 0)

    def put(self, name, data):
        with open(os.path.join(self.tmp, name), 'wb') as f:
            f.write(data)

    def test_listing_names_cannot_inject(self):
        r = ftpc(['-b', '-', self.url()], self.tmp, stdin='mget *\n')
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('CR, LF', r.stderr)
        self.assertEqual(open(os.path.join(self.tmp, 'plain.txt'), 'rb').read(),
                         b'plain')
        self.assertNoInjection()

    def test_local_names_cannot_inject(self):
        self.put('ok.bin', b'ok')
        self.put('bad\nDELE victim', b'bad')
        r = ftpc(['-b', '-', self.url()], self.tmp, stdin='mput *\n')
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.server.stored.get('ok.bin'), b'ok')
        self.assertEqual(list(self.server.stored), ['ok.bin'])
        self.assertNoInjection()

    def test_arguments_cannot_inject(self):
        for args in (['-u', 'alice\r\nDELE victim:secret', 'ls',
                      self.url(user='')],
                     ['-u', 'alice:secret\r\nDELE victim', 'ls',
                      self.url(user='')],
                     ['get', self.url('a%0d%0aDELE%20victim')],
                     ['get', self.url('a%0aDELE%20victim')],
                     ['get', 'ftp://alice%0d%0aDELE%20victim:secret@'
                      '127.0.0.1:' + str(self.server.port) + '/x']):
            r = ftpc(args, self.tmp)
            self.assertNotEqual(r.returncode, 0, args)
        # A script line ends at its CR: the rest never becomes a command.
        r = ftpc(['-b', '-', self.url()], self.tmp,
                 stdin='quote "NOOP\rDELE victim"\n')
        self.assertNotEqual(r.returncode, 0)
        self.assertNoInjection()


class AbortServer:
    """Drips a download until ABOR, then answers ABOR with the replies it
    was given (the RFC 959 shapes, or none at all). One thread per
    connection, so that a reconnect is served while the first session
    still hangs. Urgent data stays in line (SO_OOBINLINE), so the bytes
    before ABOR can be checked."""

    def __init__(self, abor_replies):
        self.abor_replies = abor_replies
        self.lines = []
        self.sessions = 0
        self.stop_drip = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        threading.Thread(target=self.serve, daemon=True).start()

    def stop(self):
        self.stop_drip.set()
        self.sock.close()
        for c in self.conns:
            c.close()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            self.sessions += 1
            threading.Thread(target=self.session, args=(conn,),
                             daemon=True).start()

    def drip(self, c):
        try:
            while not self.stop_drip.is_set():
                c.sendall(b'x' * 4096)
                time.sleep(0.01)
        except OSError:
            pass

    def session(self, conn):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
        f = conn.makefile('rb')
        send = conn.sendall
        listener = data = None
        try:
            send(b'220 abort test\r\n')
            for raw in f:
                line = raw.rstrip(b'\r\n')
                self.lines.append(line)
                verb, _, arg = line.lstrip(b'\xff\xf4\xf2').decode(
                    'latin-1').partition(' ')
                verb = verb.upper()
                if verb == 'USER':
                    send(b'331 password\r\n')
                elif verb == 'PASS':
                    send(b'230 in\r\n')
                elif verb == 'PWD':
                    send(b'257 "/" here\r\n')
                elif verb in ('TYPE', 'NOOP'):
                    send(b'200 ok\r\n')
                elif verb == 'CWD':
                    send(b'250 ok\r\n')
                elif verb == 'SIZE' and arg == 'old.txt':
                    send(b'213 11\r\n')
                elif verb == 'PASV':
                    listener = socket.socket()
                    listener.bind(('127.0.0.1', 0))
                    listener.listen(1)
                    port = listener.getsockname()[1]
                    send(b'227 Entering Passive Mode (127,0,0,1,%d,%d)\r\n'
                         % (port >> 8, port & 255))
                elif verb == 'RETR' and listener is not None:
                    send(b'150 here it comes, slowly\r\n')
                    listener.settimeout(10)
                    data, _ = listener.accept()
                    listener.close()
                    listener = None
                    threading.Thread(target=self.drip, args=(data,),
                                     daemon=True).start()
                elif verb == 'ABOR':
                    self.stop_drip.set()
                    for r in self.abor_replies:
                        send(r + b'\r\n')
                elif verb == 'QUIT':
                    send(b'221 bye\r\n')
                    break
                else:
                    send(b'502 not here\r\n')
        except OSError:
            pass
        finally:
            if data is not None:
                data.close()
            conn.close()


class AbortReplies(unittest.TestCase):
    """^C during a download, then the server answers ABOR in each of RFC
    959's shapes (or not at all): ftpc reads exactly those replies, checks
    with NOOP, and the next command gets its own reply (issue 9, 1b)."""

    PROMPT = r'alice@127\.0\.0\.1:/> '

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpc-abort.')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_abort(self, replies, extra=()):
        server = AbortServer(replies)
        term = Terminal(list(extra) + ['ftp://alice:secret@127.0.0.1:%d/'
                                       % server.port], self.tmp, self.tmp)
        try:
            term.expect(self.PROMPT)
            term.type('get slow.bin\r')
            term.expect(r'/s ')
            term.type('\x03')
            term.expect(r'interrupted')
            term.expect(self.PROMPT)
            term.type('size old.txt\r')
            term.expect(r'old\.txt\s+11\r?\n')
            term.expect(self.PROMPT)
            term.type('bye\r')
            self.assertEqual(term.close(), 0)
        finally:
            term.close()
            server.stop()
        abor = [ln for ln in server.lines if ln.endswith(b'ABOR')]
        self.assertEqual(len(abor), 1, server.lines)
        # BSD ftp's way: TELNET IP, then Synch (IAC DM as urgent data).
        self.assertEqual(abor[0], b'\xff\xf4\xff\xf2ABOR')
        after = server.lines[server.lines.index(abor[0]) + 1:]
        return server, after

    def test_426_then_226(self):
        _, after = self.run_abort([b'426 aborted', b'226 ABOR ok'])
        self.assertEqual(after[0], b'NOOP')

    def test_426_then_225(self):
        _, after = self.run_abort([b'426 aborted', b'225 ABOR ok'])
        self.assertEqual(after[0], b'NOOP')

    def test_226_then_225(self):
        _, after = self.run_abort([b'226 transfer complete',
                                   b'225 no transfer to abort'])
        self.assertEqual(after[0], b'NOOP')

    def test_226_alone(self):
        _, after = self.run_abort([b'226 ABOR ok'])
        self.assertEqual(after[0], b'NOOP')

    def test_225_alone(self):
        _, after = self.run_abort([b'225 ABOR ok'])
        self.assertEqual(after[0], b'NOOP')

    def test_no_answer_reconnects(self):
        server, _ = self.run_abort([], extra=['--timeout', '2'])
        self.assertEqual(server.sessions, 2)
        self.assertIn(b'SIZE old.txt', server.lines)

class VsftpdLike:
    """vsftpd's odd answers, scripted: LIST of a missing folder is 150,
    226 and an empty listing; CWD of it is 550; STOR into it is 553; no
    MLST in FEAT. One session at a time, on its own thread."""

    def __init__(self):
        self.dirs = {'/'}
        self.stored = {}
        self.lines = []
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def stop(self):
        self.sock.close()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                self.session(conn)
            except OSError:
                pass
            finally:
                conn.close()

    @staticmethod
    def resolve(cwd, arg):
        return os.path.normpath(os.path.join(cwd, arg)).replace('//', '/')

    def session(self, conn):
        f = conn.makefile('rb')
        send = conn.sendall
        cwd, listener = '/', None
        send(b'220 (vsFTPd 3.0.3)\r\n')
        for raw in f:
            line = raw.rstrip(b'\r\n')
            self.lines.append(line)
            verb, _, arg = line.decode('latin-1').partition(' ')
            verb = verb.upper()
            path = self.resolve(cwd, arg) if arg else cwd
            if verb == 'USER':
                send(b'331 Please specify the password.\r\n')
            elif verb == 'PASS':
                send(b'230 Login successful.\r\n')
            elif verb == 'FEAT':
                send(b'211-Features:\r\n EPSV\r\n MDTM\r\n PASV\r\n'
                     b' REST STREAM\r\n SIZE\r\n TVFS\r\n211 End\r\n')
            elif verb == 'PWD':
                send(b'257 "%s" is the current directory\r\n'
                     % cwd.encode())
            elif verb == 'CWD':
                if path in self.dirs:
                    cwd = path
                    send(b'250 Directory successfully changed.\r\n')
                else:
                    send(b'550 Failed to change directory.\r\n')
            elif verb == 'MKD':
                if os.path.dirname(path) in self.dirs and path not in self.dirs:
                    self.dirs.add(path)
                    send(b'257 "%s" created\r\n' % path.encode())
                else:
                    send(b'550 Create directory operation failed.\r\n')
            elif verb == 'TYPE':
                send(b'200 Switching to Binary mode.\r\n')
            elif verb == 'PASV':
                listener = socket.socket()
                listener.bind(('127.0.0.1', 0))
                listener.listen(1)
                port = listener.getsockname()[1]
                send(b'227 Entering Passive Mode (127,0,0,1,%d,%d).\r\n'
                     % (port >> 8, port & 255))
            elif verb == 'LIST' and listener is not None:
                # The odd part: a missing folder lists as empty.
                send(b'150 Here comes the directory listing.\r\n')
                listener.settimeout(10)
                c, _ = listener.accept()
                listener.close()
                listener = None
                body = b''
                for name in sorted(self.stored):
                    if os.path.dirname(name) == path:
                        body += (b'-rw-r--r--    1 1000     1000     %8d '
                                 b'Jan 01  2020 %s\r\n' % (
                                     len(self.stored[name]),
                                     os.path.basename(name).encode()))
                c.sendall(body)
                c.close()
                send(b'226 Directory send OK.\r\n')
            elif verb == 'STOR' and listener is not None:
                if os.path.dirname(path) not in self.dirs:
                    listener.close()
                    listener = None
                    send(b'553 Could not create file.\r\n')
                    continue
                send(b'150 Ok to send data.\r\n')
                self.stored[path] = receive_all(listener)
                listener = None
                send(b'226 Transfer complete.\r\n')
            elif verb == 'QUIT':
                send(b'221 Goodbye.\r\n')
                break
            else:
                send(b'500 Unknown command.\r\n')


class MirrorUpToVsftpd(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpc-vsftpd.')
        self.server = VsftpdLike()

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_mirror_up_creates_folders_an_empty_list_does_not_prove(self):
        files = {'tree/a.bin': blob(5000, 80), 'tree/sub/b.bin': blob(7000, 81),
                 'tree/sub/deep/c.txt': b'c\n'}
        for rel, data in files.items():
            p = os.path.join(self.tmp, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, 'wb') as f:
                f.write(data)
        url = 'ftp://alice:secret@127.0.0.1:%d/' % self.server.port
        r = ftpc(['-b', '-', url], self.tmp, stdin='mirror -R tree up\n')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.server.dirs,
                         {'/', '/up', '/up/sub', '/up/sub/deep'})
        for rel, data in files.items():
            self.assertEqual(self.server.stored.get(
                '/' + rel.replace('tree/', 'up/', 1)), data, rel)
        # A second run finds the folders by CWD and creates none again.
        before = [ln for ln in self.server.lines if ln.startswith(b'MKD')]
        r = ftpc(['-b', '-', url], self.tmp, stdin='mirror -R tree up\n')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        after = [ln for ln in self.server.lines if ln.startswith(b'MKD')]
        self.assertEqual(before, after)


class PlainDataAfterProtP(unittest.TestCase):
    """The server accepts PROT P, then talks plain on the data channel."""

    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix='ftpc-hostile-certs.')
        subprocess.run([os.path.join(TOOLS, 'make-cert'), cls.certs],
                       check=True, capture_output=True, timeout=60)
        cls.cert = os.path.join(cls.certs, 'cert.pem')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpc-hostile.')
        self.server = HostileServer(
            {'file.bin': b'not encrypted at all\n' * 1000},
            tls=(self.cert, os.path.join(self.certs, 'key.pem')))

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_plain_data_refused(self):
        url = 'ftp://alice:secret@127.0.0.1:%d/' % self.server.port
        r = ftpc(['--tls', '--cacert', self.cert, '-k', '-b', '-', url],
                 self.tmp, stdin='get file.bin\npwd\n')
        self.assertEqual(r.returncode, 6, r.stdout + r.stderr)
        self.assertIn('data connection', r.stderr)
        self.assertIn(b'PROT P', self.server.lines)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'file.bin')))
        part = os.path.join(self.tmp, 'file.bin.ftpc-part')
        self.assertFalse(os.path.exists(part) and os.path.getsize(part))
        # pwd got its own reply: the session is still in step.
        self.assertIn('/', r.stdout)
        self.assertEqual(self.server.commands()[-2:], [b'PWD', b'QUIT'])


if __name__ == '__main__':
    ftpharness.run_suite('test_ftpc_hostile')
