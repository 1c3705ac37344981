"""SIGHUP reloads the config file, the users and the TLS certificate and
key without a restart: new sessions see the new settings while sessions
that started before keep theirs (and their transfers); settings that need
a restart are named in the log and kept; a broken or unreadable config
keeps the old settings; command-line settings still win after a reload;
a renewed certificate is served to new handshakes."""
import ftplib
import hashlib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402

TOOLS = os.environ.get('TOOLS', os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tools'))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class ReloadServer(H.Server):
    """A Server whose settings come from a config file it rewrites."""

    def __init__(self, settings, extra=()):
        super().__init__(extra=['--config', 'CONFIG'] + list(extra))
        self.config = os.path.join(self.dir, 'ftpd.conf')
        self.extra[1] = self.config
        self.write_config(settings)

    def write_config(self, settings):
        H.replace_config(self.config, ''.join(
            '%s = %s\n' % kv for kv in settings.items()))

    def log_text(self):
        with open(self.log, errors='replace') as f:
            return f.read()

    def reload(self):
        """SIGHUP, then waits for the reload's summary line; returns it."""
        before = self.log_text().count('SIGHUP: ')
        n = before
        self.proc.send_signal(signal.SIGHUP)

        def done():
            text = self.log_text()
            lines = [l for l in text.splitlines() if 'SIGHUP: ' in l]
            for l in lines[n:]:
                if 'settings reloaded' in l or 'keeping the old settings' in l:
                    return l
            return None
        return H.wait_for(done, what='the reload')


def banner(srv, port=None):
    f = ftplib.FTP()
    f.connect('127.0.0.1', port or srv.port, timeout=10)
    w = f.getwelcome()
    f.close()
    return w


class Settings(unittest.TestCase):
    def setUp(self):
        self.srv = None

    def tearDown(self):
        if self.srv is not None:
            if self._outcome.result is not None and any(
                    t is self for t, _ in self._outcome.result.failures +
                    self._outcome.result.errors):
                self.srv.dump_log()
            self.srv.cleanup()

    def start(self, settings, extra=()):
        self.srv = ReloadServer(settings, extra).start()
        return self.srv

    def test_new_sessions_get_new_banner_and_idle_timeout_old_keep_theirs(self):
        srv = self.start({'banner': 'first banner', 'idle_timeout': '300'})
        data = os.urandom(24 << 20)
        srv.write('alice/big.bin', data)
        self.assertIn('first banner', banner(srv))
        old = ftplib.FTP()
        old.connect('127.0.0.1', srv.port, timeout=20)
        old.login('alice', H.PASSWORD)
        old.voidcmd('TYPE I')
        conn = old.transfercmd('RETR big.bin')
        got = [conn.recv(65536)]
        srv.write_config({'banner': 'second banner', 'idle_timeout': '1'})
        self.assertIn('settings reloaded', srv.reload())
        self.assertIn('second banner', banner(srv))
        # A new session that says nothing is closed after 1 s.
        new = ftplib.FTP()
        new.connect('127.0.0.1', srv.port, timeout=20)
        new.login('alice', H.PASSWORD)
        start = time.monotonic()
        with self.assertRaises((EOFError, ftplib.error_temp, OSError)):
            new.sock.settimeout(20)
            while True:
                new.getline() or (_ for _ in ()).throw(EOFError())
        self.assertLess(time.monotonic() - start, 15)
        # The transfer that was running goes on to the last byte.
        while True:
            b = conn.recv(1 << 16)
            if not b:
                break
            got.append(b)
        conn.close()
        old.voidresp()
        self.assertEqual(H.sha256(b''.join(got)), H.sha256(data))
        # And it keeps its own idle timeout (300 s) past the new one.
        time.sleep(1.5)
        old.voidcmd('NOOP')
        old.quit()

    def test_restart_only_settings_are_named_and_kept(self):
        port = free_port()
        srv = self.start({'workers': '2'})
        srv.write_config({'workers': '3', 'listen': '127.0.0.2',
                          'port': str(port), 'banner': 'after'})
        self.assertIn('settings reloaded', srv.reload())
        log = srv.log_text()
        self.assertIn('SIGHUP: workers changed; it takes a restart', log)
        # The command line sets listen and port: the file cannot move
        # them, and the server answers where it did.
        self.assertIn('after', banner(srv))

    def test_changed_port_in_config_is_named_and_kept(self):
        srv = ReloadServer({'banner': 'x'})
        # Here listen and port come from the file alone.
        srv.start = lambda: None
        self.srv = srv
        srv.write_config({'listen': '127.0.0.1', 'port': '0',
                          'root': srv.root, 'users': srv.users,
                          'admin_socket': os.path.join(srv.dir, 'a.sock')})
        argv = [H.FTPD, '--foreground', '--config', srv.config] + \
            H.run_as_args()
        srv.logf = open(srv.log, 'ab')
        srv.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL,
                                    stderr=srv.logf)
        line = H.wait_for(lambda: next((l for l in srv.log_text().splitlines()
                                        if 'ready on' in l), None),
                          what='ready line')
        srv.port = int(line.rsplit(' port ', 1)[1].split()[0])
        other = free_port()
        srv.write_config({'listen': '127.0.0.1', 'port': str(other),
                          'root': srv.root, 'users': srv.users,
                          'admin_socket': os.path.join(srv.dir, 'a.sock'),
                          'banner': 'moved?'})
        self.assertIn('settings reloaded', srv.reload())
        self.assertIn('SIGHUP: port changed; it takes a restart, keeping '
                      'the old value', srv.log_text())
        self.assertIn('moved?', banner(srv))
        with self.assertRaises(OSError):
            socket.create_connection(('127.0.0.1', other), timeout=5).close()

    def test_broken_config_keeps_old_settings(self):
        srv = self.start({'banner': 'good banner'})
        srv.write_config({'banner': 'bad banner', 'idle_timeout': 'soon'})
        line = srv.reload()
        self.assertIn('keeping the old settings: 1 problem', line)
        self.assertRegex(srv.log_text(),
                         r"SIGHUP: .*ftpd.conf:2: bad value 'soon' for "
                         r"idle_timeout")
        self.assertIn('good banner', banner(srv))

    @unittest.skipUnless(os.geteuid() == 0, 'needs a run_as user')
    def test_config_the_run_as_user_cannot_read_keeps_old_settings(self):
        srv = self.start({'banner': 'readable banner'})
        srv.write_config({'banner': 'secret banner'})
        os.chmod(srv.config, 0o600)
        line = srv.reload()
        self.assertIn('keeping the old settings', line)
        self.assertIn('Permission denied', srv.log_text())
        self.assertIn('readable banner', banner(srv))

    def test_command_line_settings_survive_a_reload(self):
        srv = self.start({'banner': 'from the file'},
                         extra=['--set', 'banner=from the flag'])
        self.assertIn('from the flag', banner(srv))
        srv.write_config({'banner': 'the file again', 'idle_timeout': '9'})
        self.assertIn('settings reloaded', srv.reload())
        self.assertIn('from the flag', banner(srv))


class LogFiles(unittest.TestCase):
    @unittest.skipUnless(os.geteuid() == 0, 'needs a run_as user')
    def test_log_files_ftpd_creates_belong_to_run_as(self):
        srv = H.Server()
        logdir = os.path.join(srv.dir, 'logs')
        os.mkdir(logdir)
        log = os.path.join(logdir, 'ftpd.log')
        xfer = os.path.join(logdir, 'xferlog')
        srv.extra = ['--log', log, '--xferlog', xfer]
        try:
            srv.start()
            nobody = pwd.getpwnam(H.RUN_AS)
            for p in (log, xfer):
                st = os.stat(p)
                self.assertEqual((st.st_uid, st.st_gid),
                                 (nobody.pw_uid, nobody.pw_gid), p)
            # So that after logrotate moved them, SIGUSR1 as run_as can
            # make them again... when the folder lets it (logrotate's
            # `create` makes them otherwise).
            os.rename(log, log + '.1')
            shutil.chown(logdir, nobody.pw_uid)
            srv.proc.send_signal(signal.SIGUSR1)
            H.wait_for(lambda: os.path.exists(log), what='new log')
            self.assertEqual(os.stat(log).st_uid, nobody.pw_uid)
        finally:
            srv.cleanup()


def make_cert(d):
    subprocess.run([os.path.join(TOOLS, 'make-cert'), d], check=True,
                   capture_output=True, timeout=60)
    with open(os.path.join(d, 'cert.pem')) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


class Certificate(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpd-reload-certs.')
        self.a = make_cert(os.path.join(self.tmp, 'a'))
        self.b = make_cert(os.path.join(self.tmp, 'b'))
        self.live = os.path.join(self.tmp, 'live')
        os.mkdir(self.live)
        os.chmod(self.tmp, 0o755)
        self.install('a')
        self.srv = ReloadServer({
            'tls': 'optional',
            'tls_cert': os.path.join(self.live, 'cert.pem'),
            'tls_key': os.path.join(self.live, 'key.pem')}).start()

    def tearDown(self):
        self.srv.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def install(self, which):
        """Puts cert `which` in place the way certbot's hooks do."""
        for name in ('cert.pem', 'key.pem'):
            src = os.path.join(self.tmp, which, name)
            dst = os.path.join(self.live, name)
            shutil.copyfile(src, dst + '.new')
            if os.geteuid() == 0 and name == 'key.pem':
                # Debian: 0640 root:ssl-cert with run_as in that group.
                os.chown(dst + '.new', 0, pwd.getpwnam(H.RUN_AS).pw_gid)
            os.chmod(dst + '.new', 0o640 if name == 'key.pem' else 0o644)
            os.rename(dst + '.new', dst)

    def session(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        f = H.ReusingFTP_TLS(context=ctx)
        f.connect('127.0.0.1', self.srv.port, timeout=20)
        f.login('alice', H.PASSWORD)
        f.prot_p()
        return f

    def fingerprint(self, f):
        return hashlib.sha256(f.sock.getpeercert(binary_form=True)).hexdigest()

    def test_renewed_certificate_served_to_new_sessions_old_session_goes_on(self):
        self.srv.write('alice/f.txt', b'hello')
        old = self.session()
        self.assertEqual(self.fingerprint(old), hashlib.sha256(self.a).hexdigest())
        self.install('b')
        self.assertIn('settings reloaded', self.srv.reload())
        new = self.session()
        self.assertEqual(self.fingerprint(new), hashlib.sha256(self.b).hexdigest())
        # The old session's data connections still resume its TLS session
        # (tls_require_reuse is on by default).
        self.assertEqual(old.nlst(), ['f.txt'])
        self.assertEqual(new.nlst(), ['f.txt'])
        old.quit()
        new.quit()

    def test_broken_certificate_keeps_the_old_one(self):
        with open(os.path.join(self.live, 'key.pem'), 'w') as f:
            f.write('not a key\n')
        self.srv.reload()
        self.assertIn('SIGHUP: keeping the old TLS certificate and key',
                      self.srv.log_text())
        new = self.session()
        self.assertEqual(self.fingerprint(new), hashlib.sha256(self.a).hexdigest())
        self.assertEqual(new.nlst(), [])
        new.quit()


if __name__ == '__main__':
    H.run_suite('test_reload')
