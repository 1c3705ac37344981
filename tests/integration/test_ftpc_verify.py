"""Verified transfers in ftpc (issue 12): binary get, put, reget, reput,
pget and mirror compare the server's HASH with the bytes they moved.

- Against ftpd (which offers HASH): every kind of transfer says
  ", verified SHA-256"; a resume hashes its local prefix (a corrupt one
  is caught); mirror --verify re-sends a same-size, same-time file whose
  content differs; hash prints the server's digest; ASCII and
  --no-verify are not verified; a HASH refused for hash_max_bytes leaves
  the transfer unverified, or fails it under --verify.
- Against a scripted server whose file changes between the transfer and
  HASH (it answers HASH for the changed bytes): the mismatch is exit 6,
  the download stays in its part file and never reaches the target.
- Against pyftpdlib (no HASH): transfers still work unverified; --verify
  fails with exit 6 and "server offers no HASH" and leaves no file.
"""
import hashlib
import os
import shutil
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402
from ftpc_cases import ftpc, blob, sha, sha_file, EXIT_XFER  # noqa: E402
from test_ftpc_hostile import HostileServer, receive_all  # noqa: E402
from test_ftpc_pyftpdlib import PyftpdlibBase  # noqa: E402
from test_security import ServerCase  # noqa: E402

PART = '.ftpc-part'


def exists(path):
    return os.path.lexists(path)


class FtpdBase(ServerCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='local.', dir=self.srv.dir)
        H.give(self.tmp)

    def url(self, path=''):
        return self.srv.url(path=path)

    def local(self, name):
        return os.path.join(self.tmp, name)

    def write_local(self, name, data):
        with open(self.local(name), 'wb') as f:
            f.write(data)

    def run_ftpc(self, *args, stdin=None):
        return ftpc(list(args), self.tmp, stdin=stdin)

    def script(self, text, *opts):
        return ftpc(list(opts) + ['-b', '-', self.url()], self.tmp, stdin=text)


class WithFtpd(FtpdBase):
    def test_get_is_verified_and_says_so(self):
        data = blob(700001, 1)
        self.srv.write('alice/g.bin', data)
        p = self.run_ftpc('get', self.url('g.bin'))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r'^g\.bin: 700001 bytes received in .*'
                         r', verified SHA-256\n$')
        self.assertEqual(sha_file(self.local('g.bin')), sha(data))

    def test_put_is_verified_and_says_so(self):
        data = blob(300000, 2)
        self.write_local('p.bin', data)
        p = self.run_ftpc('put', 'p.bin', self.url('p.bin'))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r'p\.bin: 300000 bytes sent in .*'
                         r', verified SHA-256\n$')
        self.assertEqual(sha(self.srv.read('alice/p.bin')), sha(data))

    def test_reget_hashes_the_local_prefix_too(self):
        data = blob(500000, 3)
        self.srv.write('alice/r.bin', data)
        self.write_local('r.bin' + PART, data[:200000])
        p = self.script('reget r.bin\n')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('r.bin: 300000 bytes received', p.stdout)
        self.assertIn(', verified SHA-256', p.stdout)
        self.assertEqual(sha_file(self.local('r.bin')), sha(data))

    def test_reget_onto_a_corrupt_prefix_fails_and_keeps_the_part(self):
        data = blob(500000, 4)
        self.srv.write('alice/c.bin', data)
        bad = bytearray(data[:200000])
        bad[1000] ^= 0xff
        self.write_local('c.bin' + PART, bytes(bad))
        p = self.script('reget c.bin\n')
        self.assertEqual(p.returncode, EXIT_XFER, p.stdout + p.stderr)
        self.assertIn('SHA-256 mismatch', p.stderr)
        self.assertIn('kept in', p.stderr)
        self.assertFalse(exists(self.local('c.bin')))
        self.assertEqual(sha_file(self.local('c.bin' + PART)),
                         sha(bytes(bad) + data[200000:]))

    def test_reput_hashes_the_local_prefix_too(self):
        data = blob(400000, 5)
        self.srv.write('alice/u.bin', data[:150000])
        self.write_local('u.bin', data)
        p = self.script('reput u.bin\n')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('u.bin: 250000 bytes sent', p.stdout)
        self.assertIn(', verified SHA-256', p.stdout)
        self.assertEqual(sha(self.srv.read('alice/u.bin')), sha(data))

    def test_reput_onto_a_different_remote_prefix_is_caught(self):
        data = blob(400000, 6)
        self.srv.write('alice/w.bin', b'\0' * 150000)
        self.write_local('w.bin', data)
        p = self.script('reput w.bin\n')
        self.assertEqual(p.returncode, EXIT_XFER, p.stdout + p.stderr)
        self.assertIn('SHA-256 mismatch', p.stderr)

    def test_pget_verifies_each_segment(self):
        data = blob(1 << 20, 7)
        self.srv.write('alice/pg.bin', data)
        p = self.script('pget -n 4 pg.bin\n')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(', verified SHA-256 (4 parts)', p.stdout)
        self.assertEqual(sha_file(self.local('pg.bin')), sha(data))

    def test_mirror_both_ways_is_verified(self):
        tree = {'m/a.bin': blob(100000, 8), 'm/sub/b.bin': blob(5000, 9)}
        for rel, data in tree.items():
            self.srv.write('alice/' + rel, data)
        p = self.script('mirror m m-down\n', '-v')
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotIn('not verified', p.stdout)
        for rel, data in tree.items():
            self.assertEqual(sha_file(self.local(rel.replace('m/', 'm-down/'))),
                             sha(data))
        p = self.script('mirror -R --verify m-down m-up\n')
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        for rel, data in tree.items():
            self.assertEqual(sha(self.srv.read('alice/' + rel.replace(
                'm/', 'm-up/'))), sha(data))

    def test_mirror_verify_resends_same_size_same_time_files(self):
        good = blob(20000, 10)
        self.srv.write('alice/mv/f.bin', good)
        p = self.script('mirror mv mv\n')
        self.assertEqual(p.returncode, 0, p.stderr)
        # Same size and time, other bytes: plain mirror cannot tell.
        path = self.local('mv/f.bin')
        st = os.stat(path)
        with open(path, 'r+b') as f:
            f.write(b'X' * 10)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        p = self.script('mirror mv mv\n')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotEqual(sha_file(path), sha(good))
        p = self.script('mirror --verify mv mv\n')
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(sha_file(path), sha(good))

    def test_hash_command_prints_the_servers_hash(self):
        data = blob(12345, 11)
        self.srv.write('alice/h.bin', data)
        p = self.script('hash h.bin\nhash h.bin md5\nhash h.bin SHA-512\n')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.splitlines(), [
            '%s  h.bin (SHA-256)' % hashlib.sha256(data).hexdigest(),
            '%s  h.bin (MD5)' % hashlib.md5(data).hexdigest(),
            '%s  h.bin (SHA-512)' % hashlib.sha512(data).hexdigest()])
        p = self.script('hash h.bin CRC32\n')
        self.assertEqual(p.returncode, 2, p.stderr)
        p = self.script('hash nosuch.bin\n')
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn('550', p.stderr)

    def test_status_shows_hash_and_the_verify_mode(self):
        p = self.script('status\n', '--verify')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('verify: required', p.stdout)
        self.assertRegex(p.stdout, r'Server features:[^\n]* HASH\n')
        p = self.script('status\n')
        self.assertIn('verify: when offered', p.stdout)

    def test_ascii_transfers_are_not_verified_and_v_says_why(self):
        self.srv.write('alice/t.txt', b'one\ntwo\n')
        p = self.script('ascii\nget t.txt\n', '-v')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('t.txt: not verified: ASCII', p.stdout)
        self.assertNotIn('verified SHA', p.stdout)
        p = self.script('ascii\nget t.txt t2.txt\n', '--verify')
        self.assertEqual(p.returncode, EXIT_XFER, p.stderr)
        self.assertFalse(exists(self.local('t2.txt')))

    def test_no_verify_turns_it_off(self):
        self.srv.write('alice/n.bin', blob(1000, 12))
        p = self.run_ftpc('-v', '--no-verify', 'get', self.url('n.bin'))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn('HASH', p.stdout.split('226 ', 1)[1])
        self.assertNotIn('verified', p.stdout)


class HashRefused(FtpdBase):
    """hash_max_bytes makes ftpd refuse HASH of bigger files (556)."""
    extra = ('--set', 'hash_max_bytes=1000')

    def test_refused_hash_leaves_the_transfer_unverified(self):
        data = blob(5000, 13)
        self.srv.write('alice/big.bin', data)
        p = self.run_ftpc('-v', 'get', self.url('big.bin'))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('big.bin: not verified: HASH refused: 556', p.stdout)
        self.assertNotIn('verified SHA', p.stdout)
        self.assertEqual(sha_file(self.local('big.bin')), sha(data))

    def test_refused_hash_fails_under_verify_and_leaves_no_final_file(self):
        self.srv.write('alice/big2.bin', blob(5000, 14))
        p = self.run_ftpc('--verify', 'get', self.url('big2.bin'))
        self.assertEqual(p.returncode, EXIT_XFER, p.stderr)
        self.assertIn('HASH refused: 556', p.stderr)
        self.assertFalse(exists(self.local('big2.bin')))


class ChangingServer(HostileServer):
    """A scripted server that offers HASH, serves RETR, stores STOR, and
    answers HASH for the file as it is after a change made between the
    transfer and the HASH (flip the first byte): what a file corrupted on
    the server side looks like. EPSV only (no bait)."""

    @staticmethod
    def changed(data):
        return bytes([data[0] ^ 1]) + data[1:] if data else b'x'

    def session(self, conn):
        f = conn.makefile('rb')
        send = conn.sendall
        send(b'220 changing ready\r\n')
        listener = None
        while True:
            raw = f.readline()
            if not raw:
                break
            verb, _, arg = raw.rstrip(b'\r\n').decode('latin-1').partition(' ')
            verb = verb.upper()
            if verb == 'USER':
                send(b'331 password\r\n')
            elif verb == 'PASS':
                send(b'230 in\r\n')
            elif verb == 'FEAT':
                send(b'211-Features:\r\n SIZE\r\n HASH SHA-256*;MD5\r\n'
                     b'211 End\r\n')
            elif verb == 'PWD':
                send(b'257 "/" here\r\n')
            elif verb in ('TYPE', 'OPTS'):
                send(b'200 ok\r\n')
            elif verb == 'SIZE' and arg in self.files:
                send(b'213 %d\r\n' % len(self.files[arg]))
            elif verb == 'EPSV':
                listener = socket.socket()
                listener.bind(('127.0.0.1', 0))
                listener.listen(1)
                send(b'229 Entering Extended Passive Mode (|||%d|)\r\n'
                     % listener.getsockname()[1])
            elif verb == 'RETR' and listener is not None:
                if arg not in self.files:
                    send(b'550 no such file\r\n')
                    continue
                send(b'150 here it comes\r\n')
                c = self.data(listener)
                listener = None
                c.sendall(self.files[arg])
                c.close()
                send(b'226 done\r\n')
                self.files[arg] = self.changed(self.files[arg])
            elif verb == 'STOR' and listener is not None:
                send(b'150 send it\r\n')
                self.files[arg] = self.changed(receive_all(listener))
                listener = None
                send(b'226 stored\r\n')
            elif verb == 'HASH' and arg in self.files:
                d = self.files[arg]
                send(('213 SHA-256 0-%d %s %s\r\n' % (
                    max(len(d) - 1, 0), sha(d), arg)).encode())
            elif verb == 'QUIT':
                send(b'221 bye\r\n')
                break
            else:
                send(b'502 not here\r\n')


class ChangedOnServer(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpc-verify.')
        self.data = blob(200000, 15)
        self.server = ChangingServer({'f.bin': self.data})

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def url(self, path=''):
        return 'ftp://alice:secret@127.0.0.1:%d/%s' % (self.server.port, path)

    def test_download_changed_before_hash_fails_and_keeps_the_part(self):
        p = ftpc(['get', self.url('f.bin')], self.tmp)
        self.assertEqual(p.returncode, EXIT_XFER, p.stdout + p.stderr)
        self.assertIn('SHA-256 mismatch', p.stderr)
        self.assertIn('kept in f.bin' + PART, p.stderr)
        # Never renamed over the target; kept for inspection, as received.
        self.assertFalse(exists(os.path.join(self.tmp, 'f.bin')))
        self.assertEqual(sha_file(os.path.join(self.tmp, 'f.bin' + PART)),
                         sha(self.data))

    def test_download_over_an_existing_file_leaves_it_alone(self):
        old = os.path.join(self.tmp, 'f.bin')
        with open(old, 'wb') as f:
            f.write(b'the old copy')
        p = ftpc(['get', self.url('f.bin')], self.tmp)
        self.assertEqual(p.returncode, EXIT_XFER, p.stdout + p.stderr)
        with open(old, 'rb') as f:
            self.assertEqual(f.read(), b'the old copy')

    def test_upload_changed_before_hash_fails(self):
        with open(os.path.join(self.tmp, 'up.bin'), 'wb') as f:
            f.write(self.data)
        p = ftpc(['put', 'up.bin', self.url('up.bin')], self.tmp)
        self.assertEqual(p.returncode, EXIT_XFER, p.stdout + p.stderr)
        self.assertIn('SHA-256 mismatch', p.stderr)


class WithoutHash(PyftpdlibBase):
    """pyftpdlib offers no HASH."""

    def setUp(self):
        super().setUp()
        self.data = blob(100000, 16)
        with open(self.rpath('f.bin'), 'wb') as f:
            f.write(self.data)

    def test_transfers_still_work_unverified_and_v_says_why(self):
        p = ftpc(['-v', 'get', self.url('f.bin')], self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('f.bin: not verified: server offers no HASH', p.stdout)
        self.assertRegex(p.stdout, r'f\.bin: 100000 bytes received in '
                         r'[^\n]*MiB/s\)\n')
        self.assertEqual(sha_file(os.path.join(self.tmp, 'f.bin')),
                         sha(self.data))
        p = ftpc(['-b', '-', self.url()], self.tmp,
                 stdin='put f.bin back.bin\npget f.bin p.bin\n')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn('verified', p.stdout)
        self.assertEqual(sha_file(os.path.join(self.root, 'back.bin')),
                         sha(self.data))

    def test_verify_fails_clearly_and_leaves_no_file(self):
        p = ftpc(['--verify', 'get', self.url('f.bin'), 'v.bin'],
                 self.tmp)
        self.assertEqual(p.returncode, EXIT_XFER, p.stderr)
        self.assertIn('server offers no HASH', p.stderr)
        self.assertEqual(os.listdir(self.tmp), [])
        p = ftpc(['--verify', '-b', '-', self.url()], self.tmp,
                 stdin='pget f.bin p.bin\n')
        self.assertEqual(p.returncode, EXIT_XFER, p.stderr)
        self.assertIn('server offers no HASH', p.stderr)
        self.assertEqual(os.listdir(self.tmp), [])

    def test_verify_refuses_an_upload_before_sending(self):
        with open(os.path.join(self.tmp, 'u.bin'), 'wb') as f:
            f.write(self.data)
        p = ftpc(['--verify', 'put', 'u.bin', self.url('u.bin')],
                 self.tmp)
        self.assertEqual(p.returncode, EXIT_XFER, p.stderr)
        self.assertIn('server offers no HASH', p.stderr)
        self.assertFalse(exists(os.path.join(self.root, 'u.bin')))


if __name__ == '__main__':
    H.run_suite('test_ftpc_verify')
