#!/usr/bin/python3
"""The small-files row with Python's ftplib, as a scripting user runs it.

  pyclient.py get|put --port P --user U --pass W --name FMT --count N
              [--size BYTES] [--server-cg FILE]

One session logs in, sends TYPE I, then RETRs (into a discarding
callback) or STORs (from one 4 KiB buffer) the files NAME % i, each over
its own passive data connection, as ftplib does. Prints one JSON line
like ftpbench's: the timed window runs from after TYPE I to the last
226, with this process's CPU and the server's (its cgroup's counter).
"""
import argparse
import ftplib
import io
import json
import resource
import time


def cpu_self():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def cpu_server(path):
    if not path:
        return -1.0
    with open(path) as f:
        return int(f.read()) / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=('get', 'put'))
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--user', required=True)
    ap.add_argument('--pass', dest='password', required=True)
    ap.add_argument('--name', required=True)
    ap.add_argument('--count', type=int, required=True)
    ap.add_argument('--size', type=int, default=4096)
    ap.add_argument('--server-cg', default='')
    a = ap.parse_args()
    ftp = ftplib.FTP()
    ftp.connect(a.host, a.port, timeout=60)
    ftp.login(a.user, a.password)
    ftp.voidcmd('TYPE I')
    block = b'x' * a.size
    got = 0

    def sink(data):
        nonlocal got
        got += len(data)

    t0, c0, s0 = time.monotonic(), cpu_self(), cpu_server(a.server_cg)
    for i in range(a.count):
        name = a.name % i
        if a.mode == 'get':
            ftp.retrbinary('RETR ' + name, sink, blocksize=65536)
        else:
            ftp.storbinary('STOR ' + name, io.BytesIO(block), blocksize=65536)
    t1, c1, s1 = time.monotonic(), cpu_self(), cpu_server(a.server_cg)
    ftp.quit()
    if a.mode == 'get' and got != a.count * a.size:
        raise SystemExit('pyclient: got %d bytes, expected %d' % (got, a.count * a.size))
    print(json.dumps({'mode': a.mode, 'client': 'ftplib', 'files': a.count,
                      'bytes': a.count * a.size, 'files_per_s': a.count / (t1 - t0),
                      'seconds': t1 - t0, 'client_cpu': c1 - c0,
                      'server_cpu': s1 - s0 if s0 >= 0 else -1.0}))


if __name__ == '__main__':
    main()
