"""Regression tests for defects found in the audit of the new server code
(the PROXY protocol's waiting connections at shutdown, the admin
socket's clients that leave before their answer). Under
`scons asan=1 test` a use after free makes the server exit non-zero with
an AddressSanitizer report in its log."""
import os
import resource
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness as H  # noqa: E402


def sanitizer_report(log):
    with open(log, errors='replace') as f:
        text = f.read()
    for mark in ('ERROR: AddressSanitizer', 'runtime error:'):
        i = text.find(mark)
        if i >= 0:
            return text[i:i + 2000]
    return None


class ProxyShutdown(unittest.TestCase):
    def test_shutdown_with_proxy_headers_pending_on_many_workers(self):
        # Every worker drops its own waiting connections as it ends, all
        # at once: walking the shared list must never step on an entry
        # that another worker frees meanwhile.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < 2048 and hard >= 2048:
            resource.setrlimit(resource.RLIMIT_NOFILE, (2048, hard))
        for _ in range(3):
            srv = H.Server(extra=['--set', 'proxy_protocol=v1',
                                  '--set', 'proxy_from=127.0.0.1',
                                  '--set', 'workers=4'])
            srv.start()
            socks = []
            try:
                for _ in range(600):
                    s = socket.create_connection(('127.0.0.1', srv.port))
                    s.sendall(b'PROXY TCP4 ')   # a header that never ends
                    socks.append(s)
                # Wait until the server has taken them all (bounded).
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    n = len(os.listdir('/proc/%d/fd' % srv.proc.pid))
                    if n >= 600:
                        break
                    time.sleep(0.02)
                rc = srv.stop()
                report = sanitizer_report(srv.log)
                self.assertIsNone(report, report)
                self.assertIn(rc, (0, -15), 'ftpd exited %s' % rc)
            finally:
                for s in socks:
                    s.close()
                srv.cleanup()


class AdminSocket(unittest.TestCase):
    def test_clients_gone_before_the_answer_leave_no_descriptor(self):
        # A client (a timed-out `ftpd who`, a health check) that closes
        # before its answer is written: the write fails, and the server
        # must free the connection rather than keep its descriptor.
        srv = H.start_ftpd()
        try:
            path = os.path.join(srv.dir, 'admin.sock')
            fds = '/proc/%d/fd' % srv.proc.pid
            before = len(os.listdir(fds))
            for _ in range(40):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                s.sendall(b'no such request\n')
                s.close()
            # One more that waits for its answer: the server got them all.
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect(path)
            s.sendall(b'bogus\n')
            self.assertTrue(s.recv(200).startswith(b'error:'))
            s.close()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                now = len(os.listdir(fds))
                if now <= before + 2:
                    break
                time.sleep(0.05)
            self.assertLessEqual(now, before + 2,
                                 '%d descriptors leaked' % (now - before))
        finally:
            srv.cleanup()


if __name__ == '__main__':
    H.run_suite('test_audit')
