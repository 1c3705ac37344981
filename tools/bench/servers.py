"""The benchmark's workspace and the servers it measures.

The workspace is a tmpfs mounted at /tmp/ftpd-bench (or a folder under
/dev/shm when mounting is not allowed) holding the server root, the
users files and the logs; it is removed at the end. Each server runs in
a cgroup (v1 cpuacct) of its own when the machine offers one, so that
its CPU time counts every process it forks, including ones that exited;
otherwise the live process tree is summed. Servers are started and
stopped by their own pid; session processes a forking server leaves
behind are killed by pid as well, never by name.
"""
import errno
import fcntl
import glob
import os
import pwd
import resource
import shutil
import signal
import socket
import subprocess
import time

PASSWORD = 'benchpw'
PASV_PORTS = (10000, 32000)     # below the ephemeral range 32768-60999
MOUNT = '/tmp/ftpd-bench'
LOCK = '/tmp/ftpd-bench.lock'
CGROUP = '/sys/fs/cgroup/cpuacct/ftpd-bench'
PAM_SERVICE = 'ftpd-bench'
SYSTEM_USER = 'benchuser'
USER_MARK = 'ftpd benchmark'    # GECOS field of the user we create
NOFILE = 1 << 20                # asked for; the hard limit may cap it


class BenchError(Exception):
    """A server or client failed; the message says why, briefly."""


def run_quiet(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors='replace', **kw)


def tail(path, lines=3):
    try:
        with open(path, errors='replace') as f:
            return ' / '.join(l.strip() for l in f.read().splitlines()[-lines:])
    except OSError:
        return ''


def raise_nofile():
    """Raises RLIMIT_NOFILE as far as the hard limit (or CAP_SYS_RESOURCE) lets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Workspace:
    """The tmpfs with root/bench/{big.bin,ten.bin,small/,up/<server>/}."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.lockf = None
        self.mounted = False
        self.dir = None

    def open(self):
        self.lockf = open(LOCK, 'w')
        try:
            fcntl.flock(self.lockf, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BenchError('another benchmark holds %s' % LOCK)
        # big.bin, one upload of it (removed after each STOR), ten.bin,
        # the small files and their uploads, logs.
        size_mib = 2 * self.cfg.big_mib + self.cfg.multi_mib + 512
        os.makedirs(MOUNT, exist_ok=True)
        if os.path.ismount(MOUNT):
            run_quiet(['umount', MOUNT])     # left over by a killed run
        r = run_quiet(['mount', '-t', 'tmpfs', '-o', 'size=%dm,mode=0755' % size_mib,
                       'ftpd-bench', MOUNT])
        if r.returncode == 0:
            self.mounted = True
            self.dir = MOUNT
        else:
            self.dir = '/dev/shm/ftpd-bench.%d' % os.getpid()
            os.makedirs(self.dir)
        self.root = os.path.join(self.dir, 'root')
        self.home = os.path.join(self.root, 'bench')
        self.logs = os.path.join(self.dir, 'logs')
        self.etc = os.path.join(self.dir, 'etc')
        for d in (self.root, self.home, self.logs, self.etc):
            os.makedirs(d, exist_ok=True)
        os.chmod(self.root, 0o755)
        os.chmod(self.home, 0o755)
        self.big = os.path.join(self.home, 'big.bin')
        self.write_file(self.big, self.cfg.big_mib << 20)
        self.write_file(os.path.join(self.home, 'ten.bin'), self.cfg.multi_mib << 20)
        small = os.path.join(self.home, 'small')
        os.makedirs(small)
        for i in range(self.cfg.small_files):
            with open(os.path.join(small, 'f%04u' % i), 'wb') as f:
                f.write(os.urandom(4096))
        os.makedirs(os.path.join(self.home, 'up'))
        self.certs = make_certs(self.etc)

    @staticmethod
    def write_file(path, size):
        block = os.urandom(1 << 20)
        with open(path, 'wb') as f:
            for _ in range(size >> 20):
                f.write(block)
            f.write(block[:size & ((1 << 20) - 1)])

    def upload_dir(self, name, owner):
        """root/bench/up/<name>, owned by the account the server writes as."""
        d = os.path.join(self.home, 'up', name)
        os.makedirs(d, exist_ok=True)
        pw = pwd.getpwnam(owner)
        os.chown(d, pw.pw_uid, pw.pw_gid)
        return d

    def close(self):
        if self.dir is not None:
            if self.mounted:
                r = run_quiet(['umount', self.dir])
                if r.returncode != 0:
                    run_quiet(['umount', '-l', self.dir])
            else:
                shutil.rmtree(self.dir, ignore_errors=True)
            if self.dir == MOUNT:
                try:
                    os.rmdir(MOUNT)
                except OSError:
                    pass
            self.dir = None
        if self.lockf is not None:
            self.lockf.close()
            self.lockf = None


# The FTPS certificates: one self-signed pair per key type, for all servers.
KEYS = {'rsa': ['-newkey', 'rsa:2048'],
        'ecdsa': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']}


def make_certs(etc):
    """{key type: (cert path, key path)}, made with openssl in etc."""
    certs = {}
    for kind, newkey in KEYS.items():
        cert = os.path.join(etc, 'tls-%s.crt' % kind)
        key = os.path.join(etc, 'tls-%s.key' % kind)
        r = run_quiet(['openssl', 'req', '-x509', '-nodes', '-days', '7', '-subj',
                       '/CN=127.0.0.1', '-keyout', key, '-out', cert] + newkey)
        if r.returncode != 0:
            raise BenchError('openssl req (%s): %s' % (kind, r.stdout.strip()))
        certs[kind] = (cert, key)
    return certs


class TlsSetup:
    """One FTPS combination: the TLS version the client offers, the key type."""

    def __init__(self, combo, certs):
        version, kind = combo.split('-')
        if version not in ('12', '13') or kind not in certs:
            raise BenchError('BENCH_TLS: %s is not VERSION-KEY (12|13)-(rsa|ecdsa)'
                             % combo)
        self.combo = combo
        self.version = int(version)
        self.kind = kind
        self.cert, self.key = certs[kind]

    @property
    def label(self):
        return 'TLS 1.%d, %s' % (self.version % 10, 'RSA-2048' if self.kind == 'rsa'
                                 else 'ECDSA P-256')


class Cgroups:
    """One cpuacct cgroup per server run, or None when there is no cgroup v1."""

    def __init__(self):
        self.ok = False
        self.n = 0
        try:
            os.makedirs(CGROUP, exist_ok=True)
            self.ok = os.path.exists(os.path.join(CGROUP, 'cpuacct.usage'))
        except OSError:
            pass

    def create(self, name):
        if not self.ok:
            return None
        self.n += 1
        path = os.path.join(CGROUP, '%s-%d-%d' % (name, os.getpid(), self.n))
        os.makedirs(path, exist_ok=True)
        return path

    @staticmethod
    def pids(path):
        try:
            with open(os.path.join(path, 'cgroup.procs')) as f:
                return [int(x) for x in f.read().split()]
        except OSError:
            return []

    def remove(self, path):
        for _ in range(50):
            try:
                os.rmdir(path)
                return
            except OSError as e:
                if e.errno != errno.EBUSY:
                    return
                time.sleep(0.1)

    def close(self):
        if self.ok:
            for d in glob.glob(os.path.join(CGROUP, '*-%d-*' % os.getpid())):
                self.remove(d)
            try:
                os.rmdir(CGROUP)
            except OSError:
                pass


def proc_tree(root):
    """Pids of root and all its descendants, from /proc."""
    parent = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open('/proc/%s/stat' % d) as f:
                    s = f.read()
                parent[int(d)] = int(s[s.rindex(')') + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    tree, grew = {root}, True
    while grew:
        grew = False
        for p, pp in parent.items():
            if pp in tree and p not in tree:
                tree.add(p)
                grew = True
    return [p for p in tree if p in parent]


def free_port():
    """A free port for a server that cannot bind port 0 and report it."""
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def greeting(port, timeout=0.5):
    """Whether a 220 greeting comes from 127.0.0.1:port."""
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=timeout) as s:
            return s.recv(512).startswith(b'220')
    except OSError:
        return False


class Server:
    """A server under test. Subclasses say how to prepare and start it."""
    name = '?'
    user = 'bench'
    version = ''
    session_log = None          # the server's own log file, if it has one

    def __init__(self, ws, cgroups):
        self.ws = ws
        self.cg = cgroups
        self.why = None         # set when it cannot run at all
        self.proc = None
        self.cgpath = None
        self.port = None
        self.tls = None         # a TlsSetup while an FTPS test runs

    def prepare(self):
        """Once per run; sets self.why when the server cannot be used."""

    def cleanup(self):
        """Once at the end: undo what prepare did outside the workspace."""

    def argv(self, port):
        raise NotImplementedError

    def env(self):
        return None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    @property
    def cpu_file(self):
        return os.path.join(self.cgpath, 'cpuacct.usage') if self.cgpath else ''

    def pids(self):
        if self.cgpath:
            return Cgroups.pids(self.cgpath)
        return proc_tree(self.proc.pid) if self.proc else []

    def pss_kib(self):
        """PSS of the whole server (all its processes), in KiB."""
        total = 0
        for p in self.pids():
            try:
                with open('/proc/%d/smaps_rollup' % p) as f:
                    for line in f:
                        if line.startswith('Pss:'):
                            total += int(line.split()[1])
                            break
            except OSError:
                pass
        return total

    def start(self, tls=None):
        """Starts the server afresh; with tls (a TlsSetup), FTPS is required."""
        self.tls = tls
        self.cgpath = self.cg.create(self.name)
        self.log = os.path.join(self.ws.logs, '%s.stderr' % self.name)
        port = self.fixed_port()
        cgprocs = os.path.join(self.cgpath, 'cgroup.procs') if self.cgpath else None

        def child_setup():
            os.setsid()
            raise_nofile()
            if cgprocs:
                with open(cgprocs, 'w') as f:
                    f.write(str(os.getpid()))

        with open(self.log, 'w') as err:
            self.proc = subprocess.Popen(self.argv(port), stdin=subprocess.DEVNULL,
                                         stdout=err, stderr=err, env=self.env(),
                                         preexec_fn=child_setup, close_fds=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                why = tail(self.log) or 'exit status %s' % self.proc.returncode
                self.stop()
                raise BenchError('%s did not start: %s' % (self.name, why))
            self.port = self.ready_port(port)
            if self.port:
                return
            time.sleep(0.05)
        self.stop()
        raise BenchError('%s not ready within 10 s: %s' % (
            self.name, tail(self.log) or 'nothing on its stderr'))

    def fixed_port(self):
        return free_port()

    def ready_port(self, port):
        return port if greeting(port) else None

    def stop(self):
        if self.proc is None:
            return
        try:
            os.kill(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # Session processes of a forking server, each by its own pid.
        for _ in range(100):
            left = [p for p in self.pids() if p != self.proc.pid]
            if not left:
                break
            for p in left:
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        self.proc = None
        if self.cgpath:
            self.cg.remove(self.cgpath)
            self.cgpath = None


class Ftpd(Server):
    name = 'ftpd'
    user = 'bench'

    def __init__(self, ws, cgroups, binary):
        super().__init__(ws, cgroups)
        self.binary = binary

    def prepare(self):
        r = subprocess.run([self.binary, '--hash-password', '--hash-method', 'sha512'],
                           input=PASSWORD + '\n', capture_output=True, text=True)
        if r.returncode != 0 or not r.stdout.startswith('$6$'):
            self.why = 'ftpd --hash-password failed: %s' % r.stderr.strip()
            return
        self.hash = r.stdout.strip()
        self.users = os.path.join(self.ws.etc, 'ftpd.users')
        with open(self.users, 'w') as f:
            f.write('%s:%s:/bench:rw\n' % (self.user, self.hash))
        self.upload = 'up/%s' % self.name
        self.ws.upload_dir(self.name, 'nobody')

    def fixed_port(self):
        return 0

    def ready_port(self, port):
        try:
            with open(self.log) as f:
                for line in f:
                    if 'ready on 127.0.0.1 port' in line:
                        return int(line.split()[-1])
        except (OSError, ValueError):
            pass
        return None

    @property
    def session_log(self):
        return os.path.join(self.ws.logs, 'ftpd.log')

    def argv(self, port):
        return [self.binary, '--foreground', '--listen', '127.0.0.1', '--port', '0',
                '--root', self.ws.root, '--users', self.users,
                '--pasv-ports', '%d-%d' % PASV_PORTS, '--workers', '2',
                '--run-as', 'nobody', '--log', self.session_log,
                '--set', 'max_sessions_per_ip=20000', '--set', 'max_sessions=30000',
                '--set', 'login_delay_ms=0', '--set', 'idle_timeout=3600'] + (
                    ['--tls', 'required', '--tls-cert', self.tls.cert,
                     '--tls-key', self.tls.key] if self.tls else [])
