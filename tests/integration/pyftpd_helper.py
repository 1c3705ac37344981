"""Runs pyftpdlib on loopback for ftpc's interop tests.

As a script: `pyftpd_helper.py ROOT [--no-mlsd] [--no-epsv]` serves ROOT
for alice/secret (read-write) and anonymous (read-only) on 127.0.0.1,
an ephemeral port, and prints "PORT n" on stdout once it listens.
As a module: start(root, ...) runs that script and returns a PyFtpd whose
stop() ends it by its own pid.
"""
import os
import signal
import subprocess
import sys
import time

PASSWORD = 'secret'


def serve(root, no_mlsd=False, no_epsv=False):
    import logging
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer

    logging.basicConfig(level=logging.WARNING)
    auth = DummyAuthorizer()
    auth.add_user('alice', PASSWORD, root, perm='elradfmwMT')
    auth.add_anonymous(root)

    class Handler(FTPHandler):
        authorizer = auth
        passive_ports = None
        proto_cmds = dict(FTPHandler.proto_cmds)
        if no_mlsd:
            proto_cmds.pop('MLSD', None)
            proto_cmds.pop('MLST', None)
        if no_epsv:
            proto_cmds.pop('EPSV', None)
            proto_cmds.pop('EPRT', None)

    server = FTPServer(('127.0.0.1', 0), Handler)
    print('PORT %d' % server.address[1], flush=True)
    server.serve_forever(timeout=0.5)


class PyFtpd:
    def __init__(self, root, *flags):
        self.root = root
        argv = [sys.executable, os.path.abspath(__file__), root] + list(flags)
        self.log = open(os.path.join(os.path.dirname(root), 'pyftpd.log'), 'wb')
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=self.log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        self.port = None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline().decode()
            if line.startswith('PORT '):
                self.port = int(line.split()[1])
                return
            if not line and self.proc.poll() is not None:
                break
        self.stop()
        raise RuntimeError('pyftpdlib did not start')

    def url(self, path='', user='alice'):
        cred = '%s:%s@' % (user, PASSWORD) if user else ''
        return 'ftp://%s127.0.0.1:%d/%s' % (cred, self.port, path)

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.log.close()
        self.proc = None


def start(root, *flags):
    return PyFtpd(root, *flags)


if __name__ == '__main__':
    args = sys.argv[1:]
    serve(args[0], '--no-mlsd' in args, '--no-epsv' in args)
