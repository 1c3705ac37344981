"""Users in PostgreSQL (`users = postgresql://...`): a throwaway cluster
(cluster.Postgres) with the table from docs/users.sql.

Checks: users from the table log in with their homes and permissions, a
wrong password gets 530; an unknown user's 530 takes as long as a known
user's (medians); a user added to the table logs in without a restart or
SIGHUP; rows that break the rules are refused with a log line naming the
user; --check-config connects and names a missing column; with the
database down a login gets 421 at PASS and the log says why, sessions
already logged in go on, and after the database comes back (same port)
logins work again."""
import ftplib
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster  # noqa: E402
import ftpharness as H  # noqa: E402
from test_security import Raw  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                    'docs')
MISSING = cluster.available()


def hash_password(pw):
    """A yescrypt hash as ftpd makes them (the decoy's method and cost)."""
    return cluster.ftpd_hash(H.FTPD, pw)


def wait_log(srv, text, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(srv.log, errors='replace') as f:
            log = f.read()
        if text in log:
            return log
        time.sleep(0.05)
    srv.dump_log()
    raise AssertionError('not in the log: %r' % text)


def start_db(tmp):
    db = cluster.Postgres(tmp).start()
    db.load_users_schema(DOCS)
    return db


def assert_names_take_as_long(test, srv, samples):
    """A wrong password for alice, for an unknown name and for a locked
    row all take as long (medians within 2 ms or 10 %, a slow hash being
    tens of ms): a leak shows in every run, a load spike in one, so up to
    three runs, one within the margin passes."""
    users = {'known': 'alice', 'unknown': 'nosuchuser', 'locked': 'locked'}
    conns = {}
    for kind in users:
        conns[kind] = Raw(srv.port)
        test.assertEqual(conns[kind].reply()[0], '220')
    try:
        for attempt in range(3):
            med = H.failed_login_medians(conns, users, samples)
            print('medians (ms), run %d: %s' % (attempt + 1, ', '.join(
                '%s %.2f' % kv for kv in med.items())))
            far = [k for k in med if abs(med[k] - med['known']) >=
                   max(2.0, med['known'] * 0.1)]
            if not far:
                break
        test.assertEqual(far, [], 'medians (ms) %r' % med)
    finally:
        for r in conns.values():
            r.close()


def pg_server(db, extra=()):
    """An ftpd whose users come from db (the harness's file is ignored)."""
    return H.Server(extra=['--users', db.url()] + list(extra)).start()


@unittest.skipIf(MISSING, 'missing: %s' % MISSING)
class TableUsers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='ftpd-pgusers.')
        cls.db = start_db(cls.tmp)
        cls.hash = hash_password(H.PASSWORD)
        cls.db.add_user('alice', cls.hash, '/alice', 'rw')
        cls.db.add_user('bob', cls.hash, '/bob', 'ro', rate_down=1048576)
        cls.db.add_user('locked', cls.hash, '/alice', 'rw', locked=True)
        cls.srv = pg_server(cls.db, ['--set', 'login_delay_ms=0',
                                     '--set', 'max_login_failures=1000',
                                     '--set', 'max_ip_failures=1000000',
                                     '--set', 'auth_threads=1'])

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()
        cls.db.stop()
        if not os.environ.get('KEEP_TEST_DIRS'):
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def login(self, user, password=H.PASSWORD):
        ftp = ftplib.FTP()
        ftp.connect('127.0.0.1', self.srv.port, timeout=20)
        ftp.login(user, password)
        return ftp

    def test_users_from_the_table_log_in_with_their_rights(self):
        data = os.urandom(100000)
        ftp = self.login('alice')
        ftp.storbinary('STOR from-table.bin', io.BytesIO(data))
        ftp.quit()
        self.assertEqual(H.sha256(self.srv.read('alice/from-table.bin')),
                         H.sha256(data))
        ftp = self.login('bob')
        with self.assertRaises(ftplib.error_perm) as e:
            ftp.storbinary('STOR nope.bin', io.BytesIO(b'x'))
        self.assertTrue(str(e.exception).startswith('550'), str(e.exception))
        ftp.quit()
        self.assertFalse(os.path.exists(self.srv.path('bob/nope.bin')))

    def assert_refused_552(self, ftp, cmd, data):
        """cmd sending data is stopped at the quota with 552 (the server
        stops reading there: the rest may meet a reset)."""
        ftp.voidcmd('TYPE I')
        conn = ftp.transfercmd(cmd)
        try:
            conn.sendall(data)
        except OSError:
            pass
        conn.close()
        with self.assertRaises(ftplib.error_perm) as e:
            ftp.voidresp()
        self.assertTrue(str(e.exception).startswith('552'), str(e.exception))

    def test_quota_of_a_table_user_is_counted_and_enforced(self):
        # The database cannot list its users: the first login counts the
        # user's home, and from then on the quota holds.
        self.srv.makedirs('quotaed')
        self.srv.write('quotaed/old.bin', b'o' * 50000)
        self.db.add_user('quotaed', self.hash, '/quotaed', 'rw',
                         quota_bytes=100 * 1024)
        ftp = self.login('quotaed')
        wait_log(self.srv, 'quota: usage of quotaed counted: 50000 bytes')
        self.assert_refused_552(ftp, 'STOR big.bin', b'x' * 200000)
        ftp.quit()
        self.assertFalse(os.path.exists(self.srv.path('quotaed/big.bin')))

    def recount(self, *args):
        return subprocess.run([H.FTPD, 'user', 'recount'] + list(args) +
                              ['--root', self.srv.root, '--users',
                               self.db.url()],
                              capture_output=True, text=True, timeout=30)

    def test_user_recount_counts_a_table_user(self):
        self.srv.write('counted/one.bin', b'1' * 1000)
        self.srv.write('counted/sub/two.bin', b'2' * 2345)
        self.db.add_user('counted', self.hash, '/counted', 'rw',
                         quota_bytes=5 * 1024 * 1024, quota_files=10)
        out = self.recount('counted')
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), 'counted: 3345 bytes, 2 files '
                         '(quota_bytes=5242880,quota_files=10)')
        out = self.recount('nobody-here')
        self.assertEqual(out.returncode, 1)
        self.assertIn("no user 'nobody-here' in the users database",
                      out.stderr)
        # A database cannot list its users: recount needs a name.
        out = self.recount()
        self.assertEqual(out.returncode, 2)
        self.assertIn('the users database cannot list its users: name one',
                      out.stderr)

    def test_sighup_recounts_a_table_user_that_logged_in(self):
        self.srv.write('rehup/old.bin', b'o' * 1000)
        self.db.add_user('rehup', self.hash, '/rehup', 'rw',
                         quota_bytes=100 * 1024)
        ftp = self.login('rehup')
        wait_log(self.srv, 'quota: usage of rehup counted: 1000 bytes')
        self.srv.write('rehup/behind.bin', b'b' * 99000)
        self.srv.proc.send_signal(signal.SIGHUP)
        wait_log(self.srv, 'quota: usage of rehup counted: 100000 bytes')
        self.assert_refused_552(ftp, 'STOR more.bin', b'x' * 10000)
        ftp.quit()

    def test_wrong_password_and_locked_row_get_530(self):
        for user, why in (('alice', 'wrong password'),
                          ('locked', 'account locked')):
            with self.assertRaises(ftplib.error_perm) as e:
                self.login(user, 'not-the-password' if user == 'alice'
                           else H.PASSWORD)
            self.assertTrue(str(e.exception).startswith('530'))
            wait_log(self.srv, 'login failed for %s: %s' % (user, why))

    def test_user_added_to_the_table_logs_in_without_a_restart(self):
        with self.assertRaises(ftplib.error_perm):
            self.login('newcomer')
        self.db.add_user('newcomer', self.hash, '/bob', 'ro')
        ftp = self.login('newcomer')
        self.assertEqual(ftp.pwd(), '/')
        ftp.quit()
        # SIGHUP has nothing to reload, and changes nothing.
        self.srv.proc.send_signal(signal.SIGHUP)
        wait_log(self.srv, 'SIGHUP: the users database is read at each '
                 'login: nothing to reload')
        self.login('newcomer').quit()

    def test_bad_rows_are_refused_with_a_log_line(self):
        # The schema's constraints refuse such rows; ftpd must not rely
        # on them (a table made by hand), so they go for this test.
        with self.assertRaises(RuntimeError):
            self.db.add_user('dotdot0', self.hash, '/alice/../bob')
        self.db.psql(
            'ALTER TABLE ftpd_users ALTER COLUMN hash DROP NOT NULL;'
            'ALTER TABLE ftpd_users DROP CONSTRAINT ftpd_users_home_ok;'
            'ALTER TABLE ftpd_users DROP CONSTRAINT ftpd_users_permissions_ok;'
            'ALTER TABLE ftpd_users DROP CONSTRAINT ftpd_users_quota_bytes_ok;'
            'ALTER TABLE ftpd_users DROP CONSTRAINT ftpd_users_hash_ok;')
        bad = {'dotdot': dict(home='/alice/../bob'),
               'badperms': dict(perms='rwx'),
               'nullhash': dict(hash=None),
               'plainhash': dict(hash='secret'),
               'neglimit': dict(quota_bytes=-5)}
        for name, change in bad.items():
            row = dict(hash=self.hash, home='/alice', perms='rw')
            row.update(change)
            self.db.add_user(name, row.pop('hash'), row.pop('home'),
                             row.pop('perms'), **row)
        for name, change in bad.items():
            with self.assertRaises(ftplib.error_perm) as e:
                self.login(name)
            self.assertTrue(str(e.exception).startswith('530'))
            col = {'dotdot': 'home', 'badperms': 'permissions',
                   'nullhash': 'hash', 'plainhash': 'hash',
                   'neglimit': 'quota_bytes'}[name]
            wait_log(self.srv, 'login failed for %s: bad entry in the users '
                     'database: column %s' % (name, col))

    def test_unknown_user_takes_as_long_as_a_known_one(self):
        assert_names_take_as_long(self, self.srv, 20)
        wait_log(self.srv, 'login failed for nosuchuser: no such user')

    def test_check_config_connects_and_checks_the_columns(self):
        args = [H.FTPD, '--check-config', '--root', self.srv.root,
                '--users', self.db.url()] + H.run_as_args()
        r = subprocess.run(args, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # A database without the table, and one that is not there.
        r = subprocess.run(args[:4] + ['--users', self.db.url('template1')] +
                           H.run_as_args(),
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn('table ftpd_users does not match', r.stderr)
        down = 'postgresql://ftpd@127.0.0.1:%d/postgres' % \
            cluster.free_port()
        r = subprocess.run(args[:4] + ['--users', down] + H.run_as_args(),
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn('users database: cannot connect', r.stderr)

    def test_anonymous_home_root_refused_with_a_database(self):
        # The database cannot list its users, so ftpd cannot prove that
        # no home lies inside "/".
        args = [H.FTPD, '--check-config', '--root', self.srv.root,
                '--users', self.db.url(), '--anonymous',
                '--set', 'anonymous_home=/'] + H.run_as_args()
        r = subprocess.run(args, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn('cannot list them', r.stderr)
        r = subprocess.run(args + ['--set', 'anonymous_sees_homes=yes'],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)


@unittest.skipIf(MISSING, 'missing: %s' % MISSING)
class TableOfAnotherMethod(unittest.TestCase):
    """A table whose users' hashes are not the default decoy's method or
    cost (sha512-crypt with many rounds here, a slower hash than the
    yescrypt decoy): once a user was found, unknown and locked users are
    hashed at that cost too, or the 530 would tell names apart."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpd-pgusers.')
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.db = start_db(self.tmp)
        self.addCleanup(self.db.stop)
        slow = H.crypt.crypt(H.PASSWORD, '$6$rounds=150000$pgdecoytest$')
        self.db.add_user('alice', slow, '/alice', 'rw')
        self.db.add_user('locked', slow, '/alice', 'rw', locked=True)
        self.srv = pg_server(self.db, ['--set', 'login_delay_ms=0',
                                       '--set', 'max_login_failures=1000',
                                       '--set', 'max_ip_failures=1000000',
                                       '--set', 'auth_threads=1'])
        self.addCleanup(self.srv.cleanup)

    def test_unknown_user_takes_as_long_as_a_known_one(self):
        assert_names_take_as_long(self, self.srv, 15)


@unittest.skipIf(MISSING, 'missing: %s' % MISSING)
class DatabaseDown(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpd-pgdown.')
        self.db = start_db(self.tmp)
        self.db.add_user('alice', hash_password(H.PASSWORD), '/alice', 'rw')
        self.srv = pg_server(self.db)

    def tearDown(self):
        self.srv.cleanup()
        self.db.stop()
        if not os.environ.get('KEEP_TEST_DIRS'):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def test_down_gives_421_sessions_go_on_and_logins_come_back(self):
        ftp = ftplib.FTP()
        ftp.connect('127.0.0.1', self.srv.port, timeout=20)
        ftp.login('alice', H.PASSWORD)
        self.db.stop()
        # A new login: USER needs nothing, PASS needs the database.
        r = Raw(self.srv.port)
        self.assertEqual(r.reply()[0], '220')
        self.assertEqual(r.cmd('USER alice')[0], '331')
        code, text = r.cmd('PASS ' + H.PASSWORD)
        self.assertEqual(code, '421', text)
        self.assertIn('Service not available', text)
        r.close()
        wait_log(self.srv, 'login refused for alice: users database')
        wait_log(self.srv, 'users database: ')
        # The session logged in before goes on.
        ftp.storbinary('STOR during-outage.txt', io.BytesIO(b'still here'))
        self.assertEqual(self.srv.read('alice/during-outage.txt'),
                         b'still here')
        self.assertIn('during-outage.txt', ftp.nlst())
        # The database comes back on the same port: logins work again
        # once the backoff lets the next attempt through.
        self.db.start_again()
        deadline = time.monotonic() + 40
        while True:
            other = ftplib.FTP()
            other.connect('127.0.0.1', self.srv.port, timeout=20)
            try:
                other.login('alice', H.PASSWORD)
                break
            except ftplib.error_temp as e:
                self.assertTrue(str(e).startswith('421'), str(e))
                other.close()
                self.assertLess(time.monotonic(), deadline,
                                'no login after the database came back')
                time.sleep(0.2)
        self.assertEqual(other.pwd(), '/')
        other.quit()
        ftp.quit()
        wait_log(self.srv, 'users database: connected again')


if __name__ == '__main__':
    H.run_suite('test_pgusers')
