"""ftpd under a service manager and in an installed tree: --version,
sd_notify readiness/reload/stop messages, socket activation with named
sockets (systemd-socket-activate), SIGUSR1 reopening the logs after
logrotate moved them, and `scons install` / `scons uninstall` into a
staging folder with the units checked by systemd-analyze verify."""
import ftplib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
ACTIVATE = shutil.which('systemd-socket-activate') or \
    '/usr/bin/systemd-socket-activate'
ANALYZE = shutil.which('systemd-analyze') or '/usr/bin/systemd-analyze'
TOOLS = os.environ.get('TOOLS', os.path.join(TOP, 'tools'))


def wait_for(pred, timeout=10, what='condition'):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.02)
    raise AssertionError('timed out waiting for %s' % what)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Version(unittest.TestCase):
    def test_version_matches_version_file(self):
        with open(os.path.join(TOP, 'VERSION')) as f:
            want = f.read().strip()
        for prog, name in ((H.FTPD, 'ftpd'), (H.FTPC, 'ftpc')):
            r = subprocess.run([prog, '--version'], capture_output=True,
                               text=True, timeout=10)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.strip(), '%s %s' % (name, want))


class Notify(unittest.TestCase):
    """Type=notify: READY=1 once serving, RELOADING=1 then READY=1 around
    SIGHUP, STOPPING=1 on SIGTERM, each on $NOTIFY_SOCKET."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpd-notify.')
        os.chmod(self.tmp, 0o755)
        self.path = os.path.join(self.tmp, 'notify')
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        # ftpd sends READY after dropping to the run-as user.
        os.chmod(self.path, 0o777)
        self.sock.settimeout(10)
        self.srv = H.Server()
        self.srv.env = dict(os.environ, NOTIFY_SOCKET=self.path)

    def tearDown(self):
        self.srv.cleanup()
        self.sock.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def next_message(self):
        return self.sock.recv(4096).decode()

    def test_ready_reload_stopping(self):
        self.srv.start()
        msg = self.next_message()
        self.assertIn('READY=1', msg.split('\n'))
        self.assertIn('MAINPID=%d' % self.srv.proc.pid, msg.split('\n'))
        # The server really serves once it said so.
        ftp = ftplib.FTP()
        ftp.connect('127.0.0.1', self.srv.port, timeout=10)
        ftp.login('alice', H.PASSWORD)
        ftp.quit()
        self.srv.proc.send_signal(signal.SIGHUP)
        self.assertEqual(self.next_message(), 'RELOADING=1')
        self.assertIn('READY=1', self.next_message().split('\n'))
        self.srv.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.next_message(), 'STOPPING=1')
        self.assertEqual(self.srv.proc.wait(timeout=10), 0)


@unittest.skipUnless(os.path.exists(ACTIVATE), 'systemd-socket-activate missing')
class SocketActivation(unittest.TestCase):
    def tearDown(self):
        self.srv.cleanup()

    def start(self, names, ports, extra=()):
        """systemd-socket-activate starts ftpd at the first connection:
        make one to the first socket (self.first) and wait for ready."""
        self.srv = H.Server(extra=list(extra))
        self.srv.wrapper = [ACTIVATE]
        for port in ports:
            self.srv.wrapper += ['-l', '127.0.0.1:%d' % port]
        self.srv.wrapper += ['--fdname=' + ':'.join(names)]
        self.first = None
        done = threading.Event()

        def knock():
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not done.is_set():
                try:
                    self.first = socket.create_connection(
                        ('127.0.0.1', ports[0]), timeout=10)
                    return
                except OSError:
                    time.sleep(0.02)
        t = threading.Thread(target=knock)
        t.start()
        try:
            return self.srv.start()
        finally:
            done.set()
            t.join()
            if self.first is not None:
                self.addCleanup(self.first.close)

    def ready_lines(self):
        with open(self.srv.log, errors='replace') as f:
            return [l for l in f if 'ready on' in l and 'ftpd:' in l
                    and l.startswith('ftpd:')]

    def test_serves_the_handed_socket_and_binds_none(self):
        port = free_port()
        self.start(['ftp'], [port])
        # --port 0 was given too: ftpd must not have bound a port of its own.
        self.assertEqual(self.srv.port, port)
        self.assertEqual(len(self.ready_lines()), 1, self.ready_lines())
        # The connection that woke ftpd up is served too.
        self.first.settimeout(10)
        self.assertTrue(self.first.recv(100).startswith(b'220 '))
        ftp = ftplib.FTP()
        ftp.connect('127.0.0.1', port, timeout=10)
        ftp.login('alice', H.PASSWORD)
        ftp.storbinary('STOR a.txt', __import__('io').BytesIO(b'activated\n'))
        ftp.quit()
        self.assertEqual(self.srv.read('alice/a.txt'), b'activated\n')

    def test_named_implicit_tls_socket(self):
        certs = tempfile.mkdtemp(prefix='ftpd-certs.')
        self.addCleanup(shutil.rmtree, certs, True)
        subprocess.run([os.path.join(TOOLS, 'make-cert'), certs], check=True,
                       capture_output=True, timeout=60)
        plain, implicit = free_port(), free_port()
        self.start(['ftp', 'ftps-implicit'], [plain, implicit],
                   ['--tls', 'optional',
                    '--tls-cert', os.path.join(certs, 'cert.pem'),
                    '--tls-key', os.path.join(certs, 'key.pem')])
        lines = self.ready_lines()
        self.assertEqual(len(lines), 2, lines)
        self.assertIn('port %d (implicit TLS)' % implicit, ''.join(lines))
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ftp = ftplib.FTP_TLS(context=ctx)
        ftp.sock = ctx.wrap_socket(socket.create_connection(
            ('127.0.0.1', implicit), timeout=10))
        ftp.af = socket.AF_INET
        ftp.file = ftp.sock.makefile('r', encoding='latin-1')
        self.assertTrue(ftp.getresp().startswith('220'))
        ftp.login('alice', H.PASSWORD)
        ftp.quit()

    def test_unknown_socket_name_refused(self):
        port = free_port()
        self.srv = H.Server()
        proc = subprocess.Popen(
            [ACTIVATE, '-l', '127.0.0.1:%d' % port, '--fdname=metricz',
             H.FTPD, '--foreground', '--root', self.srv.root,
             '--users', self.srv.users] + H.run_as_args(),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        try:
            conn = wait_for(lambda: self.try_connect(port), what='the socket')
            conn.close()
            _, err = proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("socket 3 is named 'metricz'", err)

    @staticmethod
    def try_connect(port):
        try:
            return socket.create_connection(('127.0.0.1', port), timeout=10)
        except OSError:
            return None


class LogReopen(unittest.TestCase):
    def test_sigusr1_reopens_moved_logs(self):
        srv = H.Server()
        logdir = os.path.join(srv.dir, 'logs')
        os.mkdir(logdir)
        H.give(logdir)
        log = os.path.join(logdir, 'ftpd.log')
        xfer = os.path.join(logdir, 'xferlog')
        srv.extra = ['--log', log, '--xferlog', xfer]
        try:
            srv.start()
            srv.write('alice/f.txt', b'x' * 10)
            os.rename(log, log + '.1')
            os.rename(xfer, xfer + '.1')
            srv.proc.send_signal(signal.SIGUSR1)
            wait_for(lambda: os.path.exists(log) and
                     'log files reopened' in open(log).read(),
                     what='the reopened session log')
            ftp = ftplib.FTP()
            ftp.connect('127.0.0.1', srv.port, timeout=10)
            ftp.login('alice', H.PASSWORD)
            ftp.retrbinary('RETR f.txt', lambda b: None)
            ftp.quit()
            wait_for(lambda: os.path.exists(xfer) and
                     '/alice/f.txt' in open(xfer).read() or
                     'f.txt' in open(xfer).read(),
                     what='the transfer in the new xferlog')
            self.assertIn('connect', open(log).read())
            self.assertNotIn('f.txt', open(xfer + '.1').read())
        finally:
            srv.cleanup()


class Install(unittest.TestCase):
    """scons install into a staging folder, as a package build does."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpd-install.')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def scons(self, *args):
        # A build folder of its own: the outer `scons test` owns build/.
        r = subprocess.run(['scons', '-Q', '-C', TOP,
                            'builddir=' + os.path.join(self.tmp, 'b')] +
                           list(args), capture_output=True, text=True,
                           timeout=600, env=dict(os.environ, CI=''))
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
        return r

    def test_install_tree_units_and_uninstall(self):
        dest = os.path.join(self.tmp, 'dest')
        self.scons('install', 'DESTDIR=' + dest, 'PREFIX=/usr')
        want = ['usr/sbin/ftpd', 'usr/bin/ftpc',
                'usr/share/doc/ftpd/ftpd.conf.example',
                'usr/lib/systemd/system/ftpd.service',
                'usr/lib/systemd/system/ftpd.socket',
                'etc/logrotate.d/ftpd']
        for page in os.listdir(os.path.join(TOP, 'man')) \
                if os.path.isdir(os.path.join(TOP, 'man')) else []:
            want.append('usr/share/man/man%s/%s' % (page.rsplit('.', 1)[1], page))
        for rel in want:
            self.assertTrue(os.path.isfile(os.path.join(dest, rel)), rel)
        for rel in ('usr/sbin/ftpd', 'usr/bin/ftpc'):
            self.assertTrue(os.access(os.path.join(dest, rel), os.X_OK))
        r = subprocess.run([os.path.join(dest, 'usr/sbin/ftpd'), '--version'],
                           capture_output=True, text=True, timeout=10)
        self.assertTrue(r.stdout.startswith('ftpd '), r.stdout)
        with open(os.path.join(dest, 'usr/lib/systemd/system/ftpd.service')) as f:
            unit = f.read()
        self.assertIn('ExecStart=/usr/sbin/ftpd --config /etc/ftpd/ftpd.conf',
                      unit)
        self.assertIn('Type=notify', unit)
        self.assertIn('ExecReload=/bin/kill -HUP $MAINPID', unit)
        self.assertNotIn('@', unit.replace('$MAINPID', ''))
        self.scons('uninstall', 'DESTDIR=' + dest, 'PREFIX=/usr')
        for rel in want:
            self.assertFalse(os.path.exists(os.path.join(dest, rel)), rel)

    @unittest.skipUnless(os.path.exists(ANALYZE), 'systemd-analyze missing')
    def test_units_pass_systemd_analyze_verify(self):
        # Installed under a real prefix (inside the temp folder) so that
        # the ExecStart= programs exist for verify to check.
        prefix = os.path.join(self.tmp, 'prefix')
        self.scons('install', 'PREFIX=' + prefix,
                   'LOGROTATEDIR=' + os.path.join(self.tmp, 'logrotate.d'))
        unitdir = os.path.join(prefix, 'lib/systemd/system')
        r = subprocess.run([ANALYZE, 'verify', '--man=no',
                            os.path.join(unitdir, 'ftpd.service'),
                            os.path.join(unitdir, 'ftpd.socket')],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stderr.strip(), '', r.stderr)


H.run_suite('test_service')
