"""The peers: vsftpd and pure-ftpd from Debian, configured like ftpd.

They conflict with each other as installed packages, so they are never
installed: `apt-get download` fetches them (and libwrap0, which vsftpd
needs and a build machine may lack) into .cache/bench/debs, and
`dpkg -x` unpacks them into .cache/bench/root. Both are set up as ftpd
is: loopback only, the same root on tmpfs, the same sha512-crypt hash of
the same password, passive ports 10000-32000, no session limits, idle
timeout an hour, a transfer log on the tmpfs.

- vsftpd authenticates through PAM, so it needs a real account: the run
  creates the system user `benchuser` (home: the tmpfs folder, shell
  nologin, password: ftpd's hash given to `chpasswd -e`) and the PAM
  service /etc/pam.d/ftpd-bench (pam_unix only), and removes both at the
  end.
- pure-ftpd uses its own puredb with one virtual user `bench` (the same
  hash) mapped to the account nobody, as ftpd runs as nobody.
"""
import glob
import os
import pwd
import subprocess

from servers import (BenchError, PAM_SERVICE, PASSWORD, PASV_PORTS, Server,
                     SYSTEM_USER, USER_MARK, run_quiet)

PACKAGES = ['vsftpd', 'pure-ftpd', 'libwrap0']


def fetch(cache):
    """Unpacks the peer packages once; returns (root, {package: version})."""
    debs = os.path.join(cache, 'debs')
    root = os.path.join(cache, 'root')
    os.makedirs(debs, exist_ok=True)

    def have():
        found = {}
        for p in PACKAGES:
            hits = sorted(glob.glob(os.path.join(debs, '%s_*.deb' % p)))
            if hits:
                found[p] = os.path.basename(hits[-1]).split('_')[1].replace('%3a', ':')
        return found

    if len(have()) < len(PACKAGES):
        argv = ['apt-get', 'download', '-o', 'APT::Sandbox::User=root'] + PACKAGES
        r = run_quiet(argv, cwd=debs)
        if r.returncode != 0:
            run_quiet(['apt-get', 'update', '-qq'])
            r = run_quiet(argv, cwd=debs)
        if r.returncode != 0:
            raise BenchError('apt-get download failed: %s' %
                             r.stdout.strip().splitlines()[-1:])
    versions = have()
    stamp = os.path.join(root, '.unpacked')
    if not os.path.exists(stamp):
        for deb in glob.glob(os.path.join(debs, '*.deb')):
            r = run_quiet(['dpkg', '-x', deb, root])
            if r.returncode != 0:
                raise BenchError('dpkg -x %s: %s' % (deb, r.stdout.strip()))
        open(stamp, 'w').close()
    return root, versions


class Peer(Server):
    package = '?'

    def __init__(self, ws, cgroups, cache, hash_):
        super().__init__(ws, cgroups)
        self.cache = cache
        self.hash = hash_

    def prepare(self):
        try:
            self.pkgroot, versions = fetch(self.cache)
        except BenchError as e:
            self.why = str(e)
            return
        self.version = versions.get(self.package, '')
        self.binary = os.path.join(self.pkgroot, 'usr/sbin', self.package)
        if not os.path.exists(self.binary):
            self.why = '%s missing after unpacking' % self.binary
            return
        try:
            self.setup()
        except (BenchError, OSError, KeyError) as e:
            self.why = str(e)


class Vsftpd(Peer):
    name = 'vsftpd'
    package = 'vsftpd'
    user = SYSTEM_USER

    def setup(self):
        try:
            pw = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            pw = None
        if pw is not None and pw.pw_gecos != USER_MARK:
            raise BenchError('a user %s exists that the benchmark did not make'
                             % SYSTEM_USER)
        if pw is None:
            r = run_quiet(['useradd', '-M', '-d', self.ws.home, '-s',
                           '/usr/sbin/nologin', '-c', USER_MARK, SYSTEM_USER])
        else:
            r = run_quiet(['usermod', '-d', self.ws.home, SYSTEM_USER])
        if r.returncode != 0:
            raise BenchError('cannot create user %s: %s' % (SYSTEM_USER, r.stdout.strip()))
        self.made_user = True
        r = subprocess.run(['chpasswd', '-e'], input='%s:%s\n' % (SYSTEM_USER, self.hash),
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise BenchError('chpasswd: %s' % r.stderr.strip())
        with open('/etc/pam.d/%s' % PAM_SERVICE, 'w') as f:
            f.write('# Written by tools/bench for the vsftpd peer; removed after the run.\n'
                    'auth\trequired\tpam_unix.so\n'
                    'account\trequired\tpam_unix.so\n'
                    'session\trequired\tpam_permit.so\n')
        self.empty = os.path.join(self.ws.etc, 'vsftpd-empty')
        os.makedirs(self.empty, exist_ok=True)
        self.ws.upload_dir(self.name, SYSTEM_USER)
        self.upload = 'up/%s' % self.name

    @property
    def session_log(self):
        return os.path.join(self.ws.logs, 'vsftpd.log')

    def cleanup(self):
        if getattr(self, 'made_user', False):
            run_quiet(['userdel', SYSTEM_USER])
        try:
            os.unlink('/etc/pam.d/%s' % PAM_SERVICE)
        except OSError:
            pass

    def env(self):
        e = dict(os.environ)
        e['LD_LIBRARY_PATH'] = ':'.join(os.path.join(self.pkgroot, d) for d in
                                        ('usr/lib/x86_64-linux-gnu', 'lib/x86_64-linux-gnu'))
        return e

    def argv(self, port):
        conf = os.path.join(self.ws.etc, 'vsftpd.conf')
        settings = {
            'listen': 'YES', 'listen_ipv6': 'NO', 'listen_address': '127.0.0.1',
            'listen_port': port, 'background': 'NO',
            'anonymous_enable': 'NO', 'local_enable': 'YES', 'write_enable': 'YES',
            'local_umask': '022', 'chroot_local_user': 'YES',
            'allow_writeable_chroot': 'YES', 'pam_service_name': PAM_SERVICE,
            'secure_chroot_dir': self.empty, 'nopriv_user': 'nobody',
            'pasv_enable': 'YES', 'pasv_min_port': PASV_PORTS[0],
            'pasv_max_port': PASV_PORTS[1], 'idle_session_timeout': 3600,
            'data_connection_timeout': 300, 'max_clients': 0, 'max_per_ip': 0,
            'xferlog_enable': 'YES',
            'vsftpd_log_file': self.session_log,
            'userlist_enable': 'NO', 'tcp_wrappers': 'NO', 'ssl_enable': 'NO',
            # Debian's default; vsftpd 3.0.3's seccomp list predates some
            # syscalls of newer glibc and kernels.
            'seccomp_sandbox': 'NO',
        }
        if self.tls:
            # FTPS required for logins and data, data sessions must reuse
            # the control's (the default); the cipher list is Debian's
            # default widened to HIGH so that ECDSA certificates work too.
            settings.update({
                'ssl_enable': 'YES', 'rsa_cert_file': self.tls.cert,
                'rsa_private_key_file': self.tls.key, 'ssl_ciphers': 'HIGH',
                'force_local_logins_ssl': 'YES', 'force_local_data_ssl': 'YES',
                'require_ssl_reuse': 'YES', 'ssl_sslv2': 'NO', 'ssl_sslv3': 'NO'})
        with open(conf, 'w') as f:
            for k, v in settings.items():
                f.write('%s=%s\n' % (k, v))
        return [self.binary, conf]


class PureFtpd(Peer):
    name = 'pure-ftpd'
    package = 'pure-ftpd'
    user = 'bench'

    def setup(self):
        nobody = pwd.getpwnam('nobody')
        passwd = os.path.join(self.ws.etc, 'pure.passwd')
        self.pdb = os.path.join(self.ws.etc, 'pure.pdb')
        with open(passwd, 'w') as f:
            f.write('%s:%s:%d:%d::%s/./::::::::::::\n' % (
                self.user, self.hash, nobody.pw_uid, nobody.pw_gid, self.ws.home))
        pure_pw = os.path.join(self.pkgroot, 'usr/bin/pure-pw')
        r = run_quiet([pure_pw, 'mkdb', self.pdb, '-f', passwd])
        if r.returncode != 0:
            raise BenchError('pure-pw mkdb: %s' % r.stdout.strip())
        self.ws.upload_dir(self.name, 'nobody')
        self.upload = 'up/%s' % self.name

    def argv(self, port):
        return [self.binary, '-S', '127.0.0.1,%d' % port, '-l', 'puredb:%s' % self.pdb,
                '-c', '30000', '-C', '20000', '-E', '-A', '-H',
                '-p', '%d:%d' % PASV_PORTS, '-I', '60', '-f', 'none',
                '-O', 'clf:%s' % os.path.join(self.ws.logs, 'pure-ftpd.xferlog')] + (
                    # -Y 2: TLS required; -2 CERT,KEY: the certificate in
                    # the workspace, not /etc/ssl/private/pure-ftpd.pem.
                    ['-Y', '2', '-2', '%s,%s' % (self.tls.cert, self.tls.key)]
                    if self.tls else [])


__all__ = ['Vsftpd', 'PureFtpd', 'fetch', 'PASSWORD']
