"""Shared helpers for the Python test suites.

start_ftpd() runs the real ftpd binary on loopback port 0 with a fresh
temporary root and users file, reads the port from its ready line, and
returns a Server whose stop() ends it by its own pid (TERM, then KILL).
run_suite() runs a unittest suite and prints "<name>: N passed, M failed"
(", K skipped" follows when a test was skipped).
"""
import crypt
import ftplib
import hashlib
import os
import pwd
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import unittest

FTPD = os.environ.get('FTPD_BIN', os.path.abspath('build/ftpd/ftpd'))
FTPC = os.environ.get('FTPC_BIN', os.path.abspath('build/ftpc/ftpc'))
PASSWORD = 'secret'
# As root (as CI runs) the server gets --run-as nobody and the test tree
# belongs to nobody, so that permission checks are real ones.
RUN_AS = 'nobody'


def give(path):
    """Hands path to the run-as user when we are root."""
    if os.geteuid() == 0:
        pw = pwd.getpwnam(RUN_AS)
        os.lchown(path, pw.pw_uid, pw.pw_gid)


def run_as_args():
    return ['--run-as', RUN_AS] if os.geteuid() == 0 else []


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def sha256_file(path):
    with open(path, 'rb') as f:
        return sha256(f.read())


class Server:
    """A running ftpd. root/alice (rw) and root/bob (ro), password 'secret'."""

    def __init__(self, host='127.0.0.1', extra=()):
        self.host = host
        self.dir = tempfile.mkdtemp(prefix='ftpd-test.')
        self.root = os.path.join(self.dir, 'root')
        self.users = os.path.join(self.dir, 'users')
        self.log = os.path.join(self.dir, 'ftpd.log')
        os.makedirs(self.root)
        give(self.root)
        for home in ('alice', 'bob'):
            os.makedirs(os.path.join(self.root, home))
            give(os.path.join(self.root, home))
        h = crypt.crypt(PASSWORD, '$6$pyharness$')
        with open(self.users, 'w') as f:
            f.write('alice:%s:/alice:rw\nbob:%s:/bob:ro\n' % (h, h))
        if os.geteuid() == 0:
            # As an administrator would: root-owned, readable by the
            # run-as user's group, so that SIGHUP can reload it.
            os.chmod(self.dir, 0o711)
            os.chown(self.users, 0, pwd.getpwnam(RUN_AS).pw_gid)
            os.chmod(self.users, 0o640)
        self.extra = list(extra)
        self.nofile = None  # set to cap the server's descriptor limit
        self.wrapper = []   # a program that runs ftpd (socket activation)
        self.env = None     # the server's environment, when not ours
        self.proc = None
        self.port = None

    def start(self, timeout=10):
        argv = self.wrapper + [FTPD, '--foreground', '--listen', self.host, '--port', '0',
                '--root', self.root, '--users', self.users,
                '--pasv-ports', '40000-49999',
                # `ftpd who`'s socket stays in the test's folder.
                '--set', 'admin_socket=' + os.path.join(self.dir, 'admin.sock'),
                ] + run_as_args() + self.extra
        self.logf = open(self.log, 'ab')
        def limit():
            if self.nofile is not None:
                import resource
                resource.setrlimit(resource.RLIMIT_NOFILE,
                                   (self.nofile, self.nofile))
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=self.logf, preexec_fn=limit,
                                     env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log, 'r', errors='replace') as f:
                for line in f:
                    if 'ready on ' in line and ' port ' in line:
                        self.port = int(line.rsplit(' port ', 1)[1].split()[0])
                        return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.dump_log()
        self.cleanup()
        raise RuntimeError('ftpd did not become ready')

    def path(self, rel):
        return os.path.join(self.root, rel)

    def makedirs(self, rel):
        """Creates root-relative folders, owned by the run-as user."""
        p = self.root
        for part in rel.split('/'):
            if not part:
                continue
            p = os.path.join(p, part)
            if not os.path.isdir(p):
                os.mkdir(p)
                give(p)
        return p

    def write(self, rel, data):
        p = self.path(rel)
        self.makedirs(os.path.dirname(rel))
        with open(p, 'wb') as f:
            f.write(data)
        give(p)

    def read(self, rel):
        with open(self.path(rel), 'rb') as f:
            return f.read()

    def url(self, user='alice', path=''):
        host = '[%s]' % self.host if ':' in self.host else self.host
        cred = '%s:%s@' % (user, PASSWORD) if user else ''
        return 'ftp://%s%s:%d/%s' % (cred, host, self.port, path)

    def dump_log(self):
        try:
            with open(self.log, 'r', errors='replace') as f:
                sys.stdout.write('---- ftpd log ----\n' + f.read()[-8000:] +
                                 '---- end of log ----\n')
        except OSError:
            pass

    def stop(self):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()
        rc = self.proc.returncode
        self.proc = None
        return rc

    def cleanup(self):
        self.stop()
        if not os.environ.get('KEEP_TEST_DIRS'):
            shutil.rmtree(self.dir, ignore_errors=True)


def wait_for(cond, timeout=10.0, what='condition'):
    """cond()'s first true value, polled until timeout (then it fails)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.02)
    raise AssertionError('timed out waiting for ' + what)


class ReusingFTP_TLS(ftplib.FTP_TLS):
    """ftplib.FTP_TLS that resumes the control session on data
    connections, as curl, lftp and ftpc do."""

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host,
                                            session=self.sock.session)
        return conn, size


def failed_login_medians(conns, users, samples=20):
    """Times samples wrong-password 530s per kind of user, interleaved in
    a rotating order (load on the machine hits every kind alike; the
    first round only warms caches up). conns and users map a kind to a
    logged-out control connection (with cmd(line) -> (code, text)) and a
    user name. Returns the median of each kind in ms."""
    times = {kind: [] for kind in users}
    kinds = list(users)
    for i in range(samples + 1):
        order = kinds[i % len(kinds):] + kinds[:i % len(kinds)]
        for kind in order:
            r = conns[kind]
            code, text = r.cmd('USER ' + users[kind])
            if code != '331':
                raise AssertionError('USER %s: %s %s' % (users[kind], code, text))
            start = time.monotonic()
            code, text = r.cmd('PASS wrong-password')
            took = time.monotonic() - start
            if code != '530':
                raise AssertionError('PASS for %s: %s %s' % (users[kind], code, text))
            if i > 0:
                times[kind].append(took)
    return {k: statistics.median(v) * 1000 for k, v in times.items()}


def replace_config(path, text):
    """Writes text over the config file path at once (a reload never reads
    half of it), root's and readable by the run_as group as installed."""
    tmp = path + '.new'
    with open(tmp, 'w') as f:
        f.write(text)
    if os.geteuid() == 0:
        os.chown(tmp, 0, pwd.getpwnam(RUN_AS).pw_gid)
        os.chmod(tmp, 0o640)
    os.rename(tmp, path)


class PtyReader:
    """What a child wrote to a pseudo-terminal, read from its master side
    with a deadline (no fixed sleeps)."""

    def __init__(self, master):
        self.master = master
        self.seen = b''

    def until(self, marker=None, timeout=10):
        """Reads until marker has come (None: until the terminal closes,
        the child having exited) or timeout seconds pass; whether it came."""
        deadline = time.monotonic() + timeout
        while marker is None or marker not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.master], [], [],
                                              left)[0]:
                break
            try:
                chunk = os.read(self.master, 1024)
            except OSError:     # EIO: the child side has closed
                break
            if not chunk:
                break
            self.seen += chunk
        return marker is None or marker in self.seen


def start_ftpd(host='127.0.0.1', extra=()):
    return Server(host, extra).start()


def run_suite(name, module_name='__main__'):
    """Runs every TestCase in the module; prints the summary line; exits."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(
        sys.modules[module_name])
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    line = '%s: %d passed, %d failed' % (name, passed, failed)
    if skipped:
        line += ', %d skipped' % skipped
    print(line, flush=True)
    sys.exit(1 if failed else 0)
