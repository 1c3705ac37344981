"""What ftpd does with the files and folders themselves: TYPE A uploads
whose CRs straddle buffers, FIFOs where a file is expected, the temporary
files of uploads (hidden, untouchable, swept when stale), a root or home
replaced while the server runs, listings of huge folders streamed in
bounded memory, and STAT of a folder too big for one reply."""
import fcntl
import ftplib
import os
import re
import shutil
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402
from test_security import Raw, ServerCase, still_serves  # noqa: E402


class Case(ServerCase):
    def login(self, user='alice'):
        """A raw session, greeted and logged in as user."""
        r = self.raw()
        self.assertEqual(r.login(user)[0], '230')
        return r

    def transfer_in(self, r, command):
        """Runs a download command; returns (final code, text, bytes)."""
        d = r.data_conn()
        code, text = r.cmd(command)
        if code != '150':
            d.close()
            return code, text, b''
        chunks = []
        while True:
            b = d.recv(1 << 16)
            if not b:
                break
            chunks.append(b)
        d.close()
        code, text = r.reply()
        return code, text, b''.join(chunks)

    def listing(self, r, command):
        code, text, data = self.transfer_in(r, command)
        self.assertEqual(code, '226', text)
        return data.decode('utf-8', 'replace').split('\r\n')[:-1]


def wait_for(cond, timeout=10.0, what='condition'):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.02)
    raise AssertionError('timed out waiting for ' + what)


class AsciiUpload(Case):
    def test_type_a_upload_of_cr_blocks_is_stored_intact(self):
        # Each 128 KiB block of CRs ends with a CR held over into the next
        # read, which then produced one byte more than the read: a heap
        # overflow by one byte (seen under ASan).
        block = 128 * 1024
        data = b''.join((b'\r' if i % 2 == 0 else b'A') * block
                        for i in range(16))
        r = self.login()
        self.assertEqual(r.cmd('TYPE A')[0], '200')
        d = r.data_conn()
        self.assertEqual(r.cmd('STOR crblocks.txt')[0], '150')
        d.sendall(data)
        d.close()
        code, text = r.reply()
        self.assertEqual(code, '226', text)
        # No CRLF pairs in it: the stored bytes are the sent bytes.
        self.assertEqual(H.sha256_file(self.srv.path('alice/crblocks.txt')),
                         H.sha256(data))
        self.assertEqual(r.cmd('NOOP')[0], '200')
        r.close()


if __name__ == '__main__':
    H.run_suite('test_files')
