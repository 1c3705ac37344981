"""Real components for the multi-node tests: a throwaway PostgreSQL
cluster and HAProxy, each started by its own pid and stopped by it.

Postgres: initdb and pg_ctl refuse to run as root, so the cluster runs as
an unprivileged user (the postgres user Debian's package makes, else
nobody) that owns the data folder and the socket folder, both inside the
test's temporary folder. It listens on TCP at the address it is given
(a loopback address of its own, so every hop can be told apart).

HAProxy: runs in the foreground (-db) with the configuration text given,
written into the temporary folder."""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

PG_BIN = sorted(glob.glob('/usr/lib/postgresql/*/bin'))
PG_BIN = PG_BIN[-1] if PG_BIN else None
HAPROXY = shutil.which('haproxy') or '/usr/sbin/haproxy'


def available():
    """None when every component is installed, else what is missing."""
    if PG_BIN is None or not os.path.exists(os.path.join(PG_BIN, 'initdb')):
        return 'PostgreSQL server binaries (package postgresql)'
    if not os.path.exists(HAPROXY):
        return 'haproxy'
    return None


def free_port(host='127.0.0.1'):
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_port(host, port, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def _pg_user():
    for name in ('postgres', 'nobody'):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError('no unprivileged user for PostgreSQL')


def ftpd_hash(ftpd, password, method=None):
    """A crypt(3) hash made by `ftpd --hash-password` (yescrypt unless
    method is 'sha512'), for rows of the users table."""
    argv = [ftpd, '--hash-password']
    if method:
        argv += ['--hash-method', method]
    r = subprocess.run(argv, input=password + '\n', capture_output=True,
                       text=True, timeout=30, check=True)
    return r.stdout.strip()


def _sql(v):
    """A literal for psql: NULL, a number, or a quoted string."""
    if v is None:
        return 'NULL'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


class Postgres:
    """A cluster in dir, listening on host:port, with a superuser 'ftpd'
    (trust authentication on that address only)."""

    def __init__(self, dir, host='127.0.0.4', port=None):
        self.dir = dir
        self.host = host
        self.port = port or free_port(host)
        self.data = os.path.join(dir, 'pgdata')
        self.sockdir = os.path.join(dir, 'pgsock')
        self.log = os.path.join(dir, 'postgres.log')
        self.pw = _pg_user() if os.geteuid() == 0 else pwd.getpwuid(os.getuid())
        self.proc = None

    def _as_user(self):
        uid, gid = self.pw.pw_uid, self.pw.pw_gid

        def drop():
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)
        return drop

    def _run(self, argv, **kw):
        return subprocess.run(argv, preexec_fn=self._as_user(),
                              capture_output=True, text=True, timeout=120,
                              cwd=self.dir, **kw)

    def start(self):
        for d in (self.data, self.sockdir):
            os.makedirs(d)
            os.chown(d, self.pw.pw_uid, self.pw.pw_gid)
        os.chmod(self.dir, 0o755)
        r = self._run([os.path.join(PG_BIN, 'initdb'), '-D', self.data,
                       '-U', 'ftpd', '--auth=trust', '-E', 'UTF8',
                       '--locale=C'])
        if r.returncode != 0:
            raise RuntimeError('initdb: ' + r.stdout + r.stderr)
        return self.start_again()

    def start_again(self):
        """Starts the postmaster on the existing data folder, same port
        (after stop(): a database that comes back)."""
        # The postmaster in the foreground, so that we hold its pid.
        self.logf = open(self.log, 'ab')
        self.proc = subprocess.Popen(
            [os.path.join(PG_BIN, 'postgres'), '-D', self.data,
             '-h', self.host, '-p', str(self.port), '-k', self.sockdir,
             '-c', 'fsync=off', '-c', 'full_page_writes=off'],
            preexec_fn=self._as_user(), stdin=subprocess.DEVNULL,
            stdout=self.logf, stderr=self.logf, cwd=self.dir)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            r = self._run([os.path.join(PG_BIN, 'pg_isready'), '-h',
                           self.host, '-p', str(self.port)])
            if r.returncode == 0:
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError('postgres did not start:\n' + open(self.log).read())

    def url(self, dbname='postgres'):
        """The libpq URI ftpd's `users` setting takes."""
        return 'postgresql://ftpd@%s:%d/%s' % (self.host, self.port, dbname)

    def load_users_schema(self, docs_dir):
        """Creates the users table from docs/users.sql."""
        with open(os.path.join(docs_dir, 'users.sql')) as f:
            self.psql(f.read())

    def add_user(self, name, hash, home, perms='rw', **cols):
        """Inserts a row into ftpd_users (extra columns as keywords)."""
        names = ['name', 'hash', 'home', 'permissions'] + list(cols)
        vals = [name, hash, home, perms] + list(cols.values())
        self.psql('INSERT INTO ftpd_users (%s) VALUES (%s);' % (
            ', '.join(names), ', '.join(_sql(v) for v in vals)))

    def conninfo(self, dbname='postgres'):
        return 'host=%s port=%d user=ftpd dbname=%s' % (self.host, self.port,
                                                         dbname)

    def psql(self, sql, dbname='postgres'):
        r = self._run([os.path.join(PG_BIN, 'psql'), '-v', 'ON_ERROR_STOP=1',
                       '-X', '-q', '-A', '-t', '-h', self.host, '-p',
                       str(self.port), '-U', 'ftpd', '-d', dbname],
                      input=sql)
        if r.returncode != 0:
            raise RuntimeError('psql: ' + r.stderr)
        return r.stdout

    def stop(self):
        """Fast shutdown (SIGINT), then SIGKILL, by our own pid."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(2)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()
        self.proc = None


class HAProxy:
    def __init__(self, dir, config):
        self.dir = dir
        self.cfg = os.path.join(dir, 'haproxy.cfg')
        self.log = os.path.join(dir, 'haproxy.log')
        with open(self.cfg, 'w') as f:
            f.write(config)
        self.proc = None

    def start(self, wait_for=()):
        r = subprocess.run([HAPROXY, '-c', '-f', self.cfg],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise RuntimeError('haproxy -c: ' + r.stdout + r.stderr)
        self.logf = open(self.log, 'ab')
        self.proc = subprocess.Popen([HAPROXY, '-db', '-f', self.cfg],
                                     stdin=subprocess.DEVNULL,
                                     stdout=self.logf, stderr=self.logf)
        for host, port in wait_for:
            if not wait_port(host, port):
                raise RuntimeError('haproxy did not listen on %s:%d:\n%s' % (
                    host, port, open(self.log).read()))
        return self

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()
        self.proc = None
