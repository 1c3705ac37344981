"""A unittest base class for the interop suites (ftplib, lftp).

ServerCase starts one ftpd per test class on loopback port 0 (skipping the
class when HOST is IPv6 and ::1 is unavailable), stops it after the class,
and prints the server's log after any test that failed.
"""
import os
import socket
import unittest

from ftpharness import start_ftpd


def ipv6_available():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(('::1', 0))
        return True
    except OSError:
        return False


def mkdirs(srv, rel):
    """Makes root-relative folders as the harness makes its own (owned by
    the user the server runs as, when the harness has that notion)."""
    if hasattr(srv, 'makedirs'):
        return srv.makedirs(rel)
    os.makedirs(srv.path(rel), exist_ok=True)
    return srv.path(rel)


class ServerCase(unittest.TestCase):
    HOST = '127.0.0.1'

    @classmethod
    def setUpClass(cls):
        if ':' in cls.HOST and not ipv6_available():
            raise unittest.SkipTest('no IPv6 loopback')
        cls.srv = start_ftpd(cls.HOST)

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def failed(self):
        """Whether the running test has failed so far."""
        outcome = getattr(self, '_outcome', None)
        return outcome is not None and not getattr(outcome, 'success', True)

    def tearDown(self):
        if self.failed():
            self.srv.dump_log()
