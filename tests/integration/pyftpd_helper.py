"""Runs pyftpdlib on loopback for ftpc's interop tests.

As a script: `pyftpd_helper.py ROOT [--no-mlsd] [--no-epsv]
[--tls CERT KEY [--tls12]]` serves ROOT for alice/secret (read-write) and anonymous
(read-only) on 127.0.0.1, an ephemeral port, and prints "PORT n" on
stdout once it listens. With --tls it is pyftpdlib's TLS_FTPHandler
(explicit FTPS, pyOpenSSL), requiring TLS on control and data
connections; --tls12 holds it to TLS 1.2 (session IDs rather than TLS
1.3 tickets).
As a module: start(root, ...) runs that script and returns a PyFtpd whose
stop() ends it by its own pid.
"""
import os
import signal
import subprocess
import sys
import time

PASSWORD = 'secret'


def serve(root, no_mlsd=False, no_epsv=False, tls=None, tls12=False):
    import logging
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer
    base = FTPHandler
    if tls is not None:
        from pyftpdlib.handlers import TLS_FTPHandler as base

    logging.basicConfig(level=logging.WARNING)
    auth = DummyAuthorizer()
    auth.add_user('alice', PASSWORD, root, perm='elradfmwMT')
    auth.add_anonymous(root)

    class Handler(base):
        authorizer = auth
        passive_ports = None
        proto_cmds = dict(base.proto_cmds)
        if tls is not None:
            certfile, keyfile = tls
            tls_control_required = True
            tls_data_required = True
            if tls12:
                from OpenSSL import SSL
                ssl_protocol = SSL.TLSv1_2_METHOD
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
    tls = None
    if '--tls' in args:
        i = args.index('--tls')
        tls = (args[i + 1], args[i + 2])
    serve(args[0], '--no-mlsd' in args, '--no-epsv' in args, tls,
          '--tls12' in args)
