"""HASH in ftpd (draft-bryan-ftpext-hash-02): each algorithm against
hashlib, OPTS HASH, the FEAT line, RANG (draft-bryan-ftp-range-08) for
HASH only, the older XSHA256/XSHA1/XMD5, clear errors for what cannot be
hashed, hash_max_bytes, and the bounded hash pool: a full queue gets 450
while the server goes on serving everyone else."""
import hashlib
import os
import select
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402
from test_security import Raw, ServerCase  # noqa: E402

ALGOS = (('SHA-256', hashlib.sha256), ('SHA-512', hashlib.sha512),
         ('SHA-1', hashlib.sha1), ('MD5', hashlib.md5))
# Over one read chunk of the server (256 KiB) and not a multiple of it.
DATA = os.urandom(300007)


def hash_reply(text):
    """Splits '213 ALGO START-END HEX PATH' into its four fields."""
    code, algo, rng, hexd, path = text.split(' ', 4)
    assert code == '213', text
    return algo, rng, hexd, path


class Case(ServerCase):
    def setUp(self):
        self.srv.write('alice/data.bin', DATA)

    def login(self, user='alice'):
        r = self.raw()
        self.assertEqual(r.login(user)[0], '230')
        return r


class Hash(Case):
    def test_hash_of_each_algorithm_matches_hashlib(self):
        r = self.login()
        for name, fn in ALGOS:
            self.assertEqual(r.cmd('OPTS HASH ' + name), ('200', '200 ' + name))
            code, text = r.cmd('HASH data.bin')
            self.assertEqual(code, '213', text)
            self.assertEqual(hash_reply(text),
                             (name, '0-%d' % (len(DATA) - 1),
                              fn(DATA).hexdigest(), 'data.bin'))
        r.close()

    def test_hash_default_is_sha256_and_opts_hash_alone_reports_it(self):
        r = self.login()
        self.assertEqual(r.cmd('OPTS HASH'), ('200', '200 SHA-256'))
        code, text = r.cmd('HASH /data.bin')
        self.assertEqual(hash_reply(text)[:3],
                         ('SHA-256', '0-%d' % (len(DATA) - 1),
                          hashlib.sha256(DATA).hexdigest()))
        r.close()

    def test_opts_hash_unknown_algorithm_is_refused_and_keeps_choice(self):
        r = self.login()
        r.cmd('OPTS HASH md5')
        code, text = r.cmd('OPTS HASH CRC-37')
        self.assertEqual(code, '501', text)
        self.assertEqual(r.cmd('OPTS HASH'), ('200', '200 MD5'))
        r.close()

    def test_rein_resets_the_hash_algorithm(self):
        r = self.login()
        r.cmd('OPTS HASH SHA-512')
        self.assertEqual(r.cmd('REIN')[0], '220')
        self.assertEqual(r.cmd('OPTS HASH'), ('200', '200 SHA-256'))
        r.close()

    def test_feat_announces_hash_with_the_selected_algorithm_starred(self):
        r = self.login()
        code, text = r.cmd('FEAT')
        self.assertIn('\n HASH SHA-256*;SHA-512;SHA-1;MD5\n', text)
        # RETR and STOR do not honour RANG: it must not be announced.
        self.assertNotIn('RANG', text)
        r.cmd('OPTS HASH SHA-1')
        code, text = r.cmd('FEAT')
        self.assertIn('\n HASH SHA-256;SHA-512;SHA-1*;MD5\n', text)
        r.close()

    def test_hash_of_an_empty_file(self):
        self.srv.write('alice/empty', b'')
        r = self.login()
        code, text = r.cmd('HASH empty')
        self.assertEqual(hash_reply(text)[2], hashlib.sha256(b'').hexdigest())
        r.close()

    def test_hash_needs_login_and_a_path(self):
        r = self.raw()
        self.assertEqual(r.cmd('HASH data.bin')[0], '530')
        r.login()
        self.assertEqual(r.cmd('HASH')[0], '501')
        r.close()

    def test_xsha256_xsha1_xmd5_answer_250_with_the_digest(self):
        r = self.login()
        for cmd, fn in (('XSHA256', hashlib.sha256), ('XSHA1', hashlib.sha1),
                        ('XMD5', hashlib.md5)):
            self.assertEqual(r.cmd(cmd + ' data.bin'),
                             ('250', '250 ' + fn(DATA).hexdigest().upper()))
        # They leave the session's HASH algorithm alone.
        self.assertEqual(r.cmd('OPTS HASH'), ('200', '200 SHA-256'))
        r.close()

    def test_commands_pipelined_behind_a_hash_run_in_order(self):
        r = self.login()
        r.send('HASH data.bin\r\nNOOP\r\nXMD5 data.bin\r\nPWD\r\n')
        self.assertEqual(r.reply()[0], '213')
        self.assertEqual(r.reply()[0], '200')
        self.assertEqual(r.reply(), ('250', '250 ' +
                                     hashlib.md5(DATA).hexdigest().upper()))
        self.assertEqual(r.reply()[0], '257')
        r.close()


class Rang(Case):
    def test_rang_selects_the_bytes_of_the_next_hash(self):
        r = self.login()
        code, text = r.cmd('RANG 10 99')
        self.assertEqual(code, '350', text)
        code, text = r.cmd('HASH data.bin')
        self.assertEqual(hash_reply(text)[:3],
                         ('SHA-256', '10-99',
                          hashlib.sha256(DATA[10:100]).hexdigest()))
        # Used up: the next HASH covers the whole file again.
        code, text = r.cmd('HASH data.bin')
        self.assertEqual(hash_reply(text)[2], hashlib.sha256(DATA).hexdigest())
        r.close()

    def test_rang_segments_with_sha512(self):
        r = self.login()
        r.cmd('OPTS HASH SHA-512')
        for a, b in ((0, 0), (0, 262143), (262144, len(DATA) - 1),
                     (1000, 299999)):
            self.assertEqual(r.cmd('RANG %d %d' % (a, b))[0], '350')
            code, text = r.cmd('HASH data.bin')
            self.assertEqual(hash_reply(text)[:3],
                             ('SHA-512', '%d-%d' % (a, b),
                              hashlib.sha512(DATA[a:b + 1]).hexdigest()))
        r.close()

    def test_rang_end_past_the_file_hashes_to_its_end(self):
        r = self.login()
        r.cmd('RANG 5 99999999')
        code, text = r.cmd('HASH data.bin')
        self.assertEqual(hash_reply(text)[:3],
                         ('SHA-256', '5-%d' % (len(DATA) - 1),
                          hashlib.sha256(DATA[5:]).hexdigest()))
        r.close()

    def test_rang_start_past_the_file_gets_554(self):
        r = self.login()
        r.cmd('RANG %d %d' % (len(DATA), len(DATA) + 10))
        code, text = r.cmd('HASH data.bin')
        self.assertEqual(code, '554', text)
        r.close()

    def test_rang_applies_only_to_the_command_right_after_it(self):
        r = self.login()
        r.cmd('RANG 0 9')
        self.assertEqual(r.cmd('NOOP')[0], '200')
        code, text = r.cmd('HASH data.bin')
        self.assertEqual(hash_reply(text)[2], hashlib.sha256(DATA).hexdigest())
        r.close()

    def test_rang_1_0_resets_and_bad_ranges_get_501(self):
        r = self.login()
        self.assertEqual(r.cmd('RANG 1 0')[0], '350')
        code, text = r.cmd('HASH data.bin')
        self.assertEqual(hash_reply(text)[1], '0-%d' % (len(DATA) - 1))
        for bad in ('RANG 9 3', 'RANG 1', 'RANG a b', 'RANG 1 2 3',
                    'RANG -1 5', 'RANG 99999999999999999999 1'):
            self.assertEqual(r.cmd(bad)[0], '501', bad)
        # A refused RANG leaves no range behind.
        r.cmd('RANG 9 3')
        code, text = r.cmd('HASH data.bin')
        self.assertEqual(hash_reply(text)[1], '0-%d' % (len(DATA) - 1))
        r.close()

    def test_rang_leaves_retr_whole(self):
        # Transfers take REST, not RANG: a RETR after RANG sends the file.
        r = self.login()
        r.cmd('TYPE I')
        r.cmd('RANG 0 9')
        d = r.data_conn()
        code, text = r.cmd('RETR data.bin')
        self.assertEqual(code, '150', text)
        got = b''
        while True:
            b = d.recv(65536)
            if not b:
                break
            got += b
        d.close()
        self.assertEqual(r.reply()[0], '226')
        self.assertEqual(got, DATA)
        r.close()


class Errors(Case):
    def test_missing_file_gets_550(self):
        r = self.login()
        code, text = r.cmd('HASH nosuch')
        self.assertEqual(code, '550', text)
        self.assertIn('No such file', text)
        r.close()

    def test_folder_gets_553_not_a_regular_file(self):
        self.srv.makedirs('alice/sub')
        r = self.login()
        code, text = r.cmd('HASH sub')
        self.assertEqual(code, '553', text)
        self.assertIn('Not a regular file', text)
        self.assertEqual(r.cmd('XSHA1 sub')[0], '550')
        r.close()

    def test_fifo_gets_553_without_blocking(self):
        p = self.srv.path('alice/pipe')
        if not os.path.exists(p):
            os.mkfifo(p)
            H.give(p)
        r = self.login()
        code, text = r.cmd('HASH pipe')
        self.assertEqual(code, '553', text)
        self.assertEqual(r.cmd('NOOP')[0], '200')
        r.close()

    def test_path_outside_the_home_is_refused(self):
        link = self.srv.path('alice/escape')
        if not os.path.lexists(link):
            os.symlink('/etc/passwd', link)
        r = self.login()
        code, text = r.cmd('HASH escape')
        self.assertEqual(code, '550', text)
        self.assertIn('outside your home', text)
        # ".." cannot climb out either: it stays at the home's root.
        code, text = r.cmd('HASH ../bob/x')
        self.assertEqual(code, '550', text)
        r.close()

    def test_upload_temp_files_do_not_exist_for_hash(self):
        self.srv.write('alice/.ftpd-upload.0123456789abcdef.x', b'partial')
        r = self.login()
        code, text = r.cmd('HASH .ftpd-upload.0123456789abcdef.x')
        self.assertEqual(code, '550', text)
        self.assertIn('No such file', text)
        r.close()


class MaxBytes(Case):
    extra = ('--set', 'hash_max_bytes=1000')

    def test_hash_over_hash_max_bytes_is_refused_before_hashing(self):
        self.srv.write('alice/small', b'x' * 1000)
        r = self.login()
        code, text = r.cmd('HASH data.bin')
        self.assertEqual(code, '556', text)
        self.assertIn('hash_max_bytes', text)
        self.assertEqual(r.cmd('XMD5 data.bin')[0], '556')
        code, text = r.cmd('HASH small')
        self.assertEqual(hash_reply(text)[2],
                         hashlib.sha256(b'x' * 1000).hexdigest())
        # A range within the limit of a big file is fine.
        r.cmd('RANG 0 999')
        code, text = r.cmd('HASH data.bin')
        self.assertEqual(hash_reply(text)[2],
                         hashlib.sha256(DATA[:1000]).hexdigest())
        r.close()


def wait_reply(r, timeout):
    """The next reply within timeout seconds, or None (one reply each:
    nothing waits in the reader's buffer)."""
    ready, _, _ = select.select([r.sock], [], [], timeout)
    return r.reply() if ready else None


class Busy(Case):
    # One hash thread and a queue of 4 (HASHPOOL_QUEUE_PER_THREAD).
    extra = ('--set', 'hash_jobs=1')

    def test_full_hash_queue_gets_450_and_the_server_keeps_serving(self):
        # A sparse file big enough to keep the one thread busy while we
        # look; the server stops it early when it stops.
        big = self.srv.path('alice/huge.img')
        with open(big, 'wb') as f:
            f.truncate(64 << 30)
        H.give(big)
        sessions = [self.login() for _ in range(8)]
        for r in sessions:
            r.send('HASH huge.img\r\n')
        replies = [wait_reply(r, 3.0) for r in sessions]
        busy = [x for x in replies if x is not None and x[0] == '450']
        waiting = [x for x in replies if x is None]
        self.assertTrue(all(x is None or x[0] == '450' for x in replies),
                        replies)
        # One running and four waiting at most; the rest were turned away.
        self.assertGreaterEqual(len(busy), 3, replies)
        self.assertGreaterEqual(len(waiting), 1, replies)
        self.assertIn('busy', busy[0][1])
        # Meanwhile others log in and are served at once.
        t0 = time.monotonic()
        other = self.login()
        self.assertEqual(other.cmd('NOOP')[0], '200')
        self.assertEqual(other.cmd('SIZE data.bin'), ('213', '213 300007'))
        self.assertLess(time.monotonic() - t0, 5)
        # A session turned away may ask again later and is still usable.
        turned = [r for r, x in zip(sessions, replies) if x is not None]
        self.assertEqual(turned[0].cmd('NOOP')[0], '200')
        other.close()
        # Stopping ends the running hash early instead of reading 64 GiB.
        t0 = time.monotonic()
        rc = self.srv.stop()
        self.assertLess(time.monotonic() - t0, 5)
        self.assertEqual(rc, 0)
        for r in sessions:
            r.close()



class Hangup(Case):
    # One hash thread: a hash left running by a gone client blocks all.
    extra = ('--set', 'hash_jobs=1')

    def test_hangup_during_hash_cancels_it_and_frees_the_thread(self):
        big = self.srv.path('alice/huge.img')
        with open(big, 'wb') as f:
            f.truncate(64 << 30)    # sparse: tens of seconds of hashing
        H.give(big)
        gone = self.login()
        gone.send('HASH huge.img\r\n')
        self.assertIsNone(wait_reply(gone, 1.0))    # it is hashing
        gone.close()
        # The thread is free again well before 64 GiB could be hashed.
        r = self.login()
        r.send('HASH data.bin\r\n')
        reply = wait_reply(r, 10.0)
        self.assertIsNotNone(reply, 'the hash thread is still busy')
        self.assertEqual(hash_reply(reply[1])[2],
                         hashlib.sha256(DATA).hexdigest())
        r.close()
        with open(self.srv.log) as f:
            self.assertIn('hung up while waiting', f.read())

if __name__ == '__main__':
    H.run_suite('test_hash')
