"""Virtual hosts (RFC 7151 HOST, issue 12) against the real ftpd.

One server, three hosts: the default host (the global part of the
config: root A, user alice, certificate A), [host localhost] (root B,
user carol, certificate B, its own banner) and [host other.example]
(root C, user dave; it inherits certificate A). A scripted client sends
HOST before AUTH TLS and checks which certificate it got (by its SHA-256
fingerprint), who may log in, and whose files it sees. On the implicit-TLS
port the host comes from SNI, checked with Python's ssl and with
`openssl s_client -servername`. ftpc sends HOST with its URL's host name:
`localhost` selects the section of that name, `127.0.0.1` (an IP literal)
the default host. --check-config names the host in each problem, and a
reload can add a host (or is refused when the new host is broken). Users
of the same name on two hosts are two users (quota usage apart), and one
host may take its users from PostgreSQL while another reads a file.
"""
import crypt
import ftplib
import hashlib
import json
import os
import pwd
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster  # noqa: E402
import ftpharness as H  # noqa: E402
from ftpc_cases import ftpc  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                    'docs')
TOOLS = os.environ.get('TOOLS', os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tools'))


def make_cert(folder):
    subprocess.run([os.path.join(TOOLS, 'make-cert'), folder], check=True,
                   capture_output=True, timeout=60)
    return os.path.join(folder, 'cert.pem'), os.path.join(folder, 'key.pem')


def pem_fingerprint(path):
    with open(path) as f:
        pem = f.read()
    block = re.search(r'-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----',
                      pem, re.S).group(0)
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(block)).hexdigest()


def der_fingerprint(der):
    return hashlib.sha256(der).hexdigest()


def no_verify():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def users_line(name, home):
    h = crypt.crypt(H.PASSWORD, '$6$vhosttest$')
    return '%s:%s:%s:rw\n' % (name, h, home)


def login_on(srv, host, user):
    """A plain session of user, on host (None: no HOST)."""
    f = ftplib.FTP()
    f.connect('127.0.0.1', srv.port, timeout=20)
    if host:
        f.sendcmd('HOST ' + host)
    f.login(user, H.PASSWORD)
    return f


class VhostServer(H.Server):
    """A Server with [host] sections written into a config file."""

    def __init__(self, tls=True, hosts=('localhost', 'other.example'),
                 extra=()):
        super().__init__(extra=['--config', 'CONFIG'] + list(extra))
        self.config = os.path.join(self.dir, 'ftpd.conf')
        self.extra[1] = self.config
        self.tls = tls
        self.certs = {}
        if tls:
            self.certs['default'] = make_cert(os.path.join(self.dir, 'certA'))
            self.certs['localhost'] = make_cert(os.path.join(self.dir, 'certB'))
        self.write('alice/who.txt', b'default host\n')
        self.host_dirs = {}
        for name, user in (('localhost', 'carol'), ('other.example', 'dave')):
            self.add_host_files(name, user)
        self.write_config(hosts)

    def add_host_files(self, name, user):
        top = os.path.join(self.dir, 'root-' + name)
        home = os.path.join(top, user)
        os.makedirs(home)
        H.give(top)
        H.give(home)
        with open(os.path.join(home, 'who.txt'), 'wb') as f:
            f.write(('host %s\n' % name).encode())
        H.give(os.path.join(home, 'who.txt'))
        users = os.path.join(self.dir, 'users-' + name)
        with open(users, 'w') as f:
            f.write(users_line(user, '/' + user))
        if os.geteuid() == 0:
            os.chown(users, 0, pwd.getpwnam(H.RUN_AS).pw_gid)
            os.chmod(users, 0o640)
        self.host_dirs[name] = (top, users)

    def section(self, name):
        top, users = self.host_dirs[name]
        lines = ['[host %s]' % name, 'root = ' + top, 'users = ' + users,
                 'banner = "welcome to %s"' % name]
        if name in self.certs:
            cert, key = self.certs[name]
            lines += ['tls_cert = ' + cert, 'tls_key = ' + key]
        return '\n'.join(lines) + '\n'

    def write_config(self, hosts, more=''):
        text = ''
        if self.tls:
            cert, key = self.certs['default']
            text += ('tls = optional\ntls_cert = %s\ntls_key = %s\n'
                     'implicit_tls_port = 0\n' % (cert, key))
        for name in hosts:
            text += self.section(name)
        H.replace_config(self.config, text + more)

    def implicit_port(self):
        with open(self.log, errors='replace') as f:
            for line in f:
                if 'implicit TLS' in line and 'ready on' in line:
                    return int(line.rsplit(' port ', 1)[1].split()[0])
        raise AssertionError('no implicit TLS ready line')

    def log_text(self):
        with open(self.log, errors='replace') as f:
            return f.read()

    def fingerprint(self, host):
        return pem_fingerprint(self.certs[host][0])


class Base(unittest.TestCase):
    TLS = True

    @classmethod
    def setUpClass(cls):
        cls.srv = VhostServer(tls=cls.TLS).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result else 0
        r = super().run(result)
        if result and len(result.failures) + len(result.errors) > before:
            self.srv.dump_log()
        return r

    def ftps(self):
        f = H.ReusingFTP_TLS(context=no_verify())
        f.connect('127.0.0.1', self.srv.port, timeout=20)
        return f

    def retr(self, f, path):
        chunks = []
        f.retrbinary('RETR ' + path, chunks.append)
        return b''.join(chunks)


class HostCommand(Base):
    def test_feat_lists_host(self):
        f = ftplib.FTP()
        f.connect('127.0.0.1', self.srv.port, timeout=20)
        self.assertIn('\n HOST', f.sendcmd('FEAT'))
        f.close()

    def test_host_before_auth_gets_hosts_certificate_users_and_root(self):
        f = self.ftps()
        reply = f.sendcmd('HOST localhost')
        self.assertTrue(reply.startswith('220'), reply)
        self.assertIn('welcome to localhost', reply)
        f.auth()
        self.assertEqual(der_fingerprint(f.sock.getpeercert(True)),
                         self.srv.fingerprint('localhost'))
        with self.assertRaises(ftplib.error_perm):
            f.login('alice', H.PASSWORD)    # the default host's user
        f.login('carol', H.PASSWORD)
        f.prot_p()
        self.assertEqual(self.retr(f, 'who.txt'), b'host localhost\n')
        self.assertEqual(f.nlst(), ['who.txt'])
        f.quit()
        self.assertIn('login on host localhost', self.srv.log_text())

    def test_sni_on_auth_tls_without_host_chooses_the_host(self):
        f = self.ftps()
        f.host = 'localhost'            # Python sends SNI for names only
        f.auth()
        self.assertEqual(der_fingerprint(f.sock.getpeercert(True)),
                         self.srv.fingerprint('localhost'))
        f.login('carol', H.PASSWORD)
        f.prot_p()
        self.assertEqual(self.retr(f, 'who.txt'), b'host localhost\n')
        f.quit()
        self.assertIn('host localhost (TLS server name)',
                      self.srv.log_text())

    def test_host_before_auth_wins_over_sni(self):
        f = self.ftps()
        f.sendcmd('HOST other.example')
        f.host = 'localhost'
        f.auth()
        self.assertEqual(der_fingerprint(f.sock.getpeercert(True)),
                         self.srv.fingerprint('default'))
        f.login('dave', H.PASSWORD)
        f.prot_p()
        self.assertEqual(self.retr(f, 'who.txt'), b'host other.example\n')
        f.quit()

    def test_sni_after_login_keeps_the_sessions_host(self):
        # alice logged in on the default host in the clear; AUTH TLS
        # naming another host by SNI must not move her session there (its
        # settings: foreign data, rates, TLS reuse...), as HOST may not.
        f = self.ftps()
        f.login('alice', H.PASSWORD, secure=False)
        f.host = 'localhost'
        f.auth()
        self.assertEqual(der_fingerprint(f.sock.getpeercert(True)),
                         self.srv.fingerprint('default'))
        f.prot_p()
        self.assertEqual(self.retr(f, 'who.txt'), b'default host\n')
        # REIN keeps the host: still the default one, whose users these are.
        f.sendcmd('REIN')
        with self.assertRaises(ftplib.error_perm):
            f.login('carol', H.PASSWORD)
        f.login('alice', H.PASSWORD)
        f.quit()
        self.assertNotIn('host localhost (TLS server name)',
                         self.srv.log_text())

    def test_sni_after_user_keeps_the_sessions_host(self):
        # USER named a user of the default host: the password is checked
        # there, not on the host SNI names afterwards.
        f = self.ftps()
        f.sendcmd('USER alice')
        f.host = 'localhost'
        f.auth()
        self.assertEqual(der_fingerprint(f.sock.getpeercert(True)),
                         self.srv.fingerprint('default'))
        self.assertTrue(f.sendcmd('PASS ' + H.PASSWORD).startswith('230'))
        f.prot_p()
        self.assertEqual(self.retr(f, 'who.txt'), b'default host\n')
        f.quit()

    def test_host_names_match_without_case(self):
        f = self.ftps()
        self.assertTrue(f.sendcmd('HOST LocalHost.').startswith('220'))
        f.auth()
        self.assertEqual(der_fingerprint(f.sock.getpeercert(True)),
                         self.srv.fingerprint('localhost'))
        f.close()

    def test_no_host_is_the_default_host(self):
        f = self.ftps()
        f.auth()
        self.assertEqual(der_fingerprint(f.sock.getpeercert(True)),
                         self.srv.fingerprint('default'))
        with self.assertRaises(ftplib.error_perm):
            f.login('carol', H.PASSWORD)
        f.login('alice', H.PASSWORD)
        f.prot_p()
        self.assertEqual(self.retr(f, 'who.txt'), b'default host\n')
        f.quit()

    def test_ip_literal_selects_the_default_host(self):
        f = self.ftps()
        self.assertTrue(f.sendcmd('HOST [127.0.0.1]').startswith('220'))
        f.login('alice', H.PASSWORD)
        self.assertEqual(der_fingerprint(f.sock.getpeercert(True)),
                         self.srv.fingerprint('default'))
        f.prot_p()
        self.assertEqual(self.retr(f, 'who.txt'), b'default host\n')
        f.quit()

    def test_section_without_certificate_inherits_the_global_one(self):
        f = self.ftps()
        f.sendcmd('HOST other.example')
        f.login('dave', H.PASSWORD)
        self.assertEqual(der_fingerprint(f.sock.getpeercert(True)),
                         self.srv.fingerprint('default'))
        f.prot_p()
        self.assertEqual(self.retr(f, 'who.txt'), b'host other.example\n')
        f.quit()

    def expect(self, f, cmd, code):
        with self.assertRaises(ftplib.all_errors) as e:
            f.sendcmd(cmd)
        self.assertTrue(str(e.exception).startswith(code), str(e.exception))

    def test_replies_501_504_503(self):
        f = ftplib.FTP()
        f.connect('127.0.0.1', self.srv.port, timeout=20)
        self.expect(f, 'HOST', '501')
        self.expect(f, 'HOST bad_name!', '501')
        self.expect(f, 'HOST [not.an.address]', '501')
        self.expect(f, 'HOST -leading.hyphen', '501')
        self.expect(f, 'HOST unknown.example', '504')
        f.sendcmd('USER alice')
        self.expect(f, 'HOST localhost', '503')    # after USER
        f.sendcmd('PASS ' + H.PASSWORD)
        self.expect(f, 'HOST localhost', '503')    # after login
        f.sendcmd('REIN')
        # REIN forgets the user: HOST may come again.
        self.assertTrue(f.sendcmd('HOST localhost').startswith('220'))
        f.close()

    def test_host_after_auth_cannot_change_the_certificate(self):
        f = self.ftps()
        f.auth()
        self.expect(f, 'HOST localhost', '503')
        self.assertTrue(f.sendcmd('HOST [127.0.0.1]').startswith('220'))
        f.close()


class Who(Base):
    """`ftpd who` names each session's host: the one HOST or SNI chose,
    `-` (JSON null) for the default host."""

    def who(self, *args):
        r = subprocess.run([H.FTPD, 'who', '--admin-socket',
                            os.path.join(self.srv.dir, 'admin.sock')] +
                           list(args), capture_output=True, text=True,
                           timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_who_shows_each_sessions_host(self):
        # Each session's last command tells it apart from any other.
        by_host = login_on(self.srv, 'localhost', 'carol')
        by_host.sendcmd('SIZE who.txt')
        default = login_on(self.srv, None, 'alice')
        default.sendcmd('MDTM who.txt')
        by_sni = self.ftps()
        by_sni.host = 'localhost'       # SNI only, no HOST
        by_sni.auth()
        by_sni.login('carol', H.PASSWORD)
        by_sni.sendcmd('TYPE A')
        try:
            got = {e['command']: e for e in
                   json.loads(self.who('--json'))['sessions']}
            self.assertEqual(got['SIZE who.txt']['host'], 'localhost')
            self.assertEqual(got['SIZE who.txt']['user'], 'carol')
            self.assertIsNone(got['MDTM who.txt']['host'])
            self.assertEqual(got['MDTM who.txt']['user'], 'alice')
            self.assertEqual(got['TYPE A']['host'], 'localhost')
            rows = self.who().splitlines()
            self.assertEqual(rows[0].split()[:3], ['ID', 'USER', 'HOST'])
            text = {r.split(None, 7)[-1]: r.split()[:3] for r in rows[1:]}
            for cmd in ('SIZE who.txt', 'MDTM who.txt', 'TYPE A'):
                self.assertEqual(text[cmd][0], 's%d' % got[cmd]['id'])
            self.assertEqual(text['SIZE who.txt'][1:], ['carol', 'localhost'])
            self.assertEqual(text['MDTM who.txt'][1:], ['alice', '-'])
            self.assertEqual(text['TYPE A'][1:], ['carol', 'localhost'])
        finally:
            for f in (by_host, default, by_sni):
                f.quit()


class Sni(Base):
    def handshake(self, server_hostname):
        raw = socket.create_connection(('127.0.0.1', self.srv.implicit_port()),
                                       timeout=20)
        s = no_verify().wrap_socket(raw, server_hostname=server_hostname)
        return s

    def test_sni_chooses_the_certificate(self):
        for name, host in (('localhost', 'localhost'),
                           ('LOCALHOST', 'localhost'),
                           ('unknown.example', 'default'),
                           (None, 'default')):
            s = self.handshake(name)
            self.assertEqual(der_fingerprint(s.getpeercert(True)),
                             self.srv.fingerprint(host), name)
            s.close()

    def test_sni_chooses_users_root_and_data_tls_resumes_its_session(self):
        # The data connection must resume the control session although SNI
        # switched the control to another context (tls_require_reuse is on).
        f = H.ReusingFTP_TLS(context=no_verify())
        # Implicit FTPS: wrap before the greeting, naming the host.
        raw = socket.create_connection(('127.0.0.1', self.srv.implicit_port()),
                                       timeout=20)
        f.host, f.port = 'localhost', self.srv.implicit_port()
        f.sock = f.context.wrap_socket(raw, server_hostname='localhost')
        f.af = f.sock.family
        f.file = f.sock.makefile('r', encoding=f.encoding)
        f.welcome = f.getresp()
        self.assertIn('welcome to localhost', f.welcome)  # the host's
        f._prot_p = True
        with self.assertRaises(ftplib.error_perm):
            f.login('alice', H.PASSWORD)
        f.login('carol', H.PASSWORD)
        self.assertEqual(self.retr(f, 'who.txt'), b'host localhost\n')
        f.quit()

    def s_client(self, name):
        argv = ['openssl', 's_client', '-connect',
                '127.0.0.1:%d' % self.srv.implicit_port()]
        if name is not None:
            argv += ['-servername', name]
        r = subprocess.run(argv, input=b'', capture_output=True, timeout=30)
        m = re.search(rb'-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----',
                      r.stdout, re.S)
        self.assertIsNotNone(m, r.stdout + r.stderr)
        return der_fingerprint(ssl.PEM_cert_to_DER_cert(m.group(0).decode()))

    def test_openssl_s_client_servername(self):
        self.assertEqual(self.s_client('localhost'),
                         self.srv.fingerprint('localhost'))
        self.assertEqual(self.s_client('unknown.example'),
                         self.srv.fingerprint('default'))


class Ftpc(Base):
    TLS = False

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpc-vhost.')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def get(self, user, host):
        url = 'ftp://%s:%s@%s:%d/' % (user, H.PASSWORD, host, self.srv.port)
        r = ftpc(['-b', '-', url], self.tmp, stdin='get who.txt\n')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(os.path.join(self.tmp, 'who.txt'), 'rb') as f:
            data = f.read()
        os.unlink(os.path.join(self.tmp, 'who.txt'))
        return data

    def test_ftpc_sends_the_url_host(self):
        self.assertEqual(self.get('carol', 'localhost'), b'host localhost\n')
        self.assertEqual(self.get('alice', '127.0.0.1'), b'default host\n')


class SameNameOnTwoHosts(unittest.TestCase):
    """alice on the default host and alice on [host localhost] are two
    users: their own homes, and quota usage counted apart (per host, at
    startup)."""

    def setUp(self):
        self.srv = VhostServer(tls=False, hosts=('localhost',))
        _, users = self.srv.host_dirs['localhost']
        with open(users, 'w') as f:
            f.write(users_line('alice', '/carol').rstrip('\n') +
                    ':quota_files=1\n')
        self.srv.start()

    def tearDown(self):
        self.srv.cleanup()

    def login(self, host):
        return login_on(self.srv, host, 'alice')

    def test_quota_usage_is_per_host(self):
        H.wait_for(lambda: 'quota: usage of localhost/alice counted: 15 '
                   'bytes, 1 files' in self.srv.log_text(),
                   what='the per-host count')
        import io
        f = self.login('localhost')
        self.assertEqual(f.nlst(), ['who.txt'])  # the host's home
        with self.assertRaises(ftplib.error_perm) as e:
            f.storbinary('STOR two.txt', io.BytesIO(b'x'))
        self.assertTrue(str(e.exception).startswith('552'), e.exception)
        f.quit()
        # The default host's alice has no quota and her own home.
        f = self.login(None)
        for i in range(3):
            f.storbinary('STOR f%d.txt' % i, io.BytesIO(b'x'))
        self.assertIn('who.txt', f.nlst())
        f.quit()
        self.assertTrue(os.path.exists(self.srv.path('alice/f2.txt')))


class SectionSharingTheAccounts(unittest.TestCase):
    """[host localhost] sets only a banner: it inherits the global root and
    users, so alice through it is the same account, in the same home, as
    the default host's alice, and must not get a second quota."""

    def setUp(self):
        self.srv = VhostServer(tls=False, hosts=())
        # other.example (its own root and users) is counted last.
        self.srv.write_config([], more='[host localhost]\nbanner = "B"\n' +
                              self.srv.section('other.example'))
        with open(self.srv.users, 'w') as f:
            f.write(users_line('alice', '/alice').rstrip('\n') +
                    ':quota_files=2\n')
        _, users = self.srv.host_dirs['other.example']
        with open(users, 'w') as f:
            f.write(users_line('dave', '/dave').rstrip('\n') +
                    ':quota_files=5\n')
        self.srv.start()

    def tearDown(self):
        self.srv.cleanup()

    def login(self, host):
        return login_on(self.srv, host, 'alice')

    def stor(self, f, name):
        import io
        try:
            return f.storbinary('STOR ' + name, io.BytesIO(b'x'))
        except ftplib.error_perm as e:
            return str(e)

    def test_one_quota_whichever_host_name_is_used(self):
        H.wait_for(lambda: 'quota: usage of alice counted' in
                   self.srv.log_text(), what='the count')
        f = self.login(None)
        self.assertTrue(self.stor(f, 'a.txt').startswith('226'))  # 2 files
        self.assertTrue(self.stor(f, 'b.txt').startswith('552'))
        f.quit()
        f = self.login('localhost')
        self.assertEqual(sorted(f.nlst()), ['a.txt', 'who.txt'])
        self.assertTrue(self.stor(f, 'c.txt').startswith('552'))
        f.quit()
        self.assertFalse(os.path.exists(self.srv.path('alice/c.txt')))
        self.assertNotIn('usage of localhost/alice', self.srv.log_text())

    def test_shared_accounts_are_counted_once(self):
        # Hosts are counted in order: once other.example's dave is done,
        # every host before it is; alice's home was walked once, not once
        # per host name.
        H.wait_for(lambda: 'quota: usage of other.example/dave counted' in
                   self.srv.log_text(), what="the last host's count")
        self.assertEqual(self.srv.log_text().count(
            'quota: usage of alice counted'), 1)


@unittest.skipIf(cluster.available(), 'missing: %s' % cluster.available())
class DatabaseHost(unittest.TestCase):
    """One host's users in PostgreSQL, the default host's in a file."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='ftpd-vhost-pg.')
        cls.db = cluster.Postgres(cls.tmp).start()
        cls.db.load_users_schema(DOCS)
        cls.db.add_user('erin', cluster.ftpd_hash(H.FTPD, H.PASSWORD),
                        '/dave', 'rw')
        cls.srv = VhostServer(tls=False, hosts=())
        top, _ = cls.srv.host_dirs['other.example']
        cls.srv.host_dirs['other.example'] = (top, cls.db.url())
        cls.srv.write_config(['other.example'])
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()
        cls.db.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def login(self, host, user):
        return login_on(self.srv, host, user)

    def test_each_host_asks_its_own_backend(self):
        f = self.login('other.example', 'erin')
        chunks = []
        f.retrbinary('RETR who.txt', chunks.append)
        self.assertEqual(b''.join(chunks), b'host other.example\n')
        f.quit()
        with self.assertRaises(ftplib.error_perm):
            self.login(None, 'erin')        # not a user of the default host
        with self.assertRaises(ftplib.error_perm):
            self.login('other.example', 'alice')
        self.login(None, 'alice').quit()


class CheckConfig(unittest.TestCase):
    def setUp(self):
        self.srv = VhostServer(tls=False)

    def tearDown(self):
        self.srv.cleanup()

    def check(self):
        argv = [H.FTPD, '--check-config', '--config', self.srv.config,
                '--root', self.srv.root, '--users', self.srv.users
                ] + H.run_as_args()
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=60)

    def test_good_config_passes(self):
        r = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_each_host_is_checked_and_named(self):
        shutil.rmtree(self.srv.host_dirs['other.example'][0])
        r = self.check()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn('host other.example: root ', r.stderr)
        self.assertNotIn('host localhost:', r.stderr)

    def test_bad_users_file_is_named_with_its_host(self):
        with open(self.srv.host_dirs['localhost'][1], 'a') as f:
            f.write('broken line\n')
        r = self.check()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r'host localhost: .*users-localhost:2:')

    def test_process_wide_key_in_a_section_is_refused(self):
        self.srv.write_config(['localhost'], more='port = 2121\n')
        r = self.check()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r'ftpd\.conf:\d+: port cannot be set '
                         r'inside \[host localhost\]')

    def test_duplicate_section_is_refused(self):
        self.srv.write_config(['localhost'], more='[host LOCALHOST]\n')
        r = self.check()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r'ftpd\.conf:\d+: duplicate \[host '
                         r'localhost\] \(first at .*ftpd\.conf:\d+\)')


class Reload(unittest.TestCase):
    def setUp(self):
        self.srv = VhostServer(tls=False, hosts=()).start()

    def tearDown(self):
        self.srv.cleanup()

    def reload(self):
        before = len([ln for ln in self.srv.log_text().splitlines()
                      if 'SIGHUP: ' in ln])
        self.srv.proc.send_signal(1)

        def done():
            lines = [ln for ln in self.srv.log_text().splitlines()
                     if 'SIGHUP: ' in ln][before:]
            for ln in lines:
                if ('settings reloaded' in ln or
                        'keeping the old settings' in ln):
                    return ln
            return None
        return H.wait_for(done, what='the reload')

    def host_reply(self, name):
        f = ftplib.FTP()
        f.connect('127.0.0.1', self.srv.port, timeout=20)
        try:
            return f.sendcmd('HOST ' + name)
        except ftplib.all_errors as e:
            return str(e)
        finally:
            f.close()

    def test_reload_adds_a_host(self):
        # No sections: any name is the default host.
        self.assertTrue(self.host_reply('localhost').startswith('220'))
        self.srv.write_config(['localhost'])
        self.assertIn('settings reloaded', self.reload())
        self.assertTrue(self.host_reply('localhost').startswith('220'))
        self.assertTrue(self.host_reply('other.example').startswith('504'))
        f = ftplib.FTP()
        f.connect('127.0.0.1', self.srv.port, timeout=20)
        f.sendcmd('HOST localhost')
        f.login('carol', H.PASSWORD)
        chunks = []
        f.retrbinary('RETR who.txt', chunks.append)
        self.assertEqual(b''.join(chunks), b'host localhost\n')
        f.quit()

    def test_restart_only_setting_kept_for_the_hosts_too(self):
        # tls is restart-only: the reload keeps it off for the default
        # host, and the hosts (built from the global part) must agree.
        self.srv.write_config(['localhost'])
        self.assertIn('settings reloaded', self.reload())
        cert, key = make_cert(os.path.join(self.srv.dir, 'late-cert'))
        self.srv.write_config(['localhost'], more='')
        with open(self.srv.config) as f:
            text = f.read()
        with open(self.srv.config, 'w') as f:
            f.write('tls = required\ntls_cert = %s\ntls_key = %s\n' %
                    (cert, key) + text)
        self.assertIn('settings reloaded', self.reload())
        self.assertIn('tls turned on; it takes a restart',
                      self.srv.log_text())
        f = ftplib.FTP()
        f.connect('127.0.0.1', self.srv.port, timeout=20)
        f.sendcmd('HOST localhost')
        self.assertTrue(f.sendcmd('USER carol').startswith('331'))
        f.sendcmd('PASS ' + H.PASSWORD)
        f.quit()

    def test_reload_with_a_broken_new_host_is_refused(self):
        shutil.rmtree(self.srv.host_dirs['other.example'][0])
        self.srv.write_config(['other.example'])
        self.assertIn('keeping the old settings', self.reload())
        self.assertIn('host other.example: root ', self.srv.log_text())
        # Still no sections: the name is the default host's.
        self.assertTrue(self.host_reply('other.example').startswith('220'))


if __name__ == '__main__':
    H.run_suite('test_vhost')
