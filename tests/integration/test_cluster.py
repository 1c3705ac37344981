"""Several ftpd nodes behind HAProxy with the PROXY protocol, on distinct
loopback addresses so that every hop can be told apart:

  clients 127.0.0.5 (and .6) -> HAProxy 127.0.0.2 (control port and both
  passive ranges) -> from 127.0.0.3 with send-proxy-v2 -> node A
  127.0.0.10 / node B 127.0.0.11, sharing one root folder and one users
  table in PostgreSQL (127.0.0.4).

Checks: logins and transfers through the balancer (upload on one node,
download on the other, by hash), listings from both, the nodes' logs and
per-address limits see the client (127.0.0.5), never the balancer; a
connection straight to a node from elsewhere, or from the balancer
without a header, gets no greeting; health checks (LOCAL headers) leave
no session behind; one node stopped mid-run: the other's sessions go on
and new logins land on the survivor; a user added to the database logs
in on both nodes without restarting anything."""
import ftplib
import hashlib
import io
import os
import re
import shutil
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster  # noqa: E402
import ftpharness as H  # noqa: E402

BALANCER = '127.0.0.2'
BALANCER_SOURCE = '127.0.0.3'
CLIENT = '127.0.0.5'
OTHER_CLIENT = '127.0.0.6'
NODES = ('127.0.0.10', '127.0.0.11')
PASV = ((41000, 41009), (41010, 41019))
MISSING = cluster.available()
DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                    'docs')


def haproxy_config(ctrl_port, node_ports):
    lines = ['global', '    maxconn 500', '',
             'defaults', '    mode tcp', '    timeout connect 5s',
             '    timeout client 60s', '    timeout server 60s',
             '    retries 2', '    option redispatch', '',
             'frontend ftp', '    bind %s:%d' % (BALANCER, ctrl_port),
             '    default_backend nodes', '',
             'backend nodes', '    balance roundrobin',
             '    option tcp-check', '    tcp-check expect string 220']
    for name, host, port in zip('ab', NODES, node_ports):
        lines.append('    server %s %s:%d send-proxy-v2 source %s check '
                     'check-send-proxy inter 200 fall 1 rise 1'
                     % (name, host, port, BALANCER_SOURCE))
    for name, host, (lo, hi) in zip('ab', NODES, PASV):
        lines += ['', 'frontend pasv_%s' % name,
                  '    bind %s:%d-%d' % (BALANCER, lo, hi),
                  '    default_backend pasv_%s' % name, '',
                  'backend pasv_%s' % name,
                  # No port: the one the client connected to.
                  '    server %s %s send-proxy-v2 source %s'
                  % (name, host, BALANCER_SOURCE)]
    return '\n'.join(lines) + '\n'


def login(port, source=CLIENT, user='alice'):
    ftp = ftplib.FTP(source_address=(source, 0))
    ftp.connect(BALANCER, port, timeout=20)
    ftp.login(user, H.PASSWORD)
    return ftp


@unittest.skipIf(MISSING, 'missing: %s' % MISSING)
class Cluster(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpd-cluster.')
        # The users: one table both nodes read (docs/users.sql).
        self.db = cluster.Postgres(self.tmp).start()
        self.db.load_users_schema(DOCS)
        self.hash = cluster.ftpd_hash(H.FTPD, H.PASSWORD, 'sha512')
        self.db.add_user('alice', self.hash,
                         '/alice', 'rw')
        self.haproxy = None
        common = ['--set', 'proxy_protocol=v2',
                  '--set', 'proxy_from=%s/32' % BALANCER_SOURCE,
                  '--pasv-address', BALANCER,
                  '--set', 'max_sessions_per_ip=3']
        self.nodes = []
        a = H.Server(host=NODES[0], extra=common + [
            '--pasv-ports', '%d-%d' % PASV[0], '--set', 'banner=node 0 ready.',
            '--users', self.db.url()])
        self.nodes.append(a)
        b = H.Server(host=NODES[1], extra=common + [
            '--pasv-ports', '%d-%d' % PASV[1], '--set', 'banner=node 1 ready.',
            '--root', a.root, '--users', self.db.url()])
        self.nodes.append(b)
        for n in self.nodes:
            n.start()
        self.ctrl = cluster.free_port(BALANCER)
        self.haproxy = cluster.HAProxy(self.tmp, haproxy_config(
            self.ctrl, [n.port for n in self.nodes]))
        self.haproxy.start(wait_for=[(BALANCER, self.ctrl)])
        self.wait_both_up()

    def tearDown(self):
        if self.haproxy is not None:
            self.haproxy.stop()
        for n in self.nodes:
            n.cleanup()
        self.db.stop()
        if not os.environ.get('KEEP_TEST_DIRS'):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def wait_both_up(self):
        """Both nodes answered a health check (a greeting each)."""
        deadline = time.monotonic() + 20
        seen = set()
        while time.monotonic() < deadline and len(seen) < 2:
            try:
                ftp = login(self.ctrl)
                seen.add(self.serving_node(ftp))
                ftp.quit()
            except (OSError, ftplib.Error):
                time.sleep(0.1)
        self.assertEqual(len(seen), 2, 'both nodes reachable through HAProxy')

    @staticmethod
    def wait_relayed(host, port):
        """Waits until HAProxy's relay of a connection to host:port is
        established (in the node's backlog): /proc/net/tcp, state 01."""
        want = '%s:%04X' % (''.join('%02X' % int(b) for b in
                                    reversed(host.split('.'))), port)
        src = ''.join('%02X' % int(b) for b in
                      reversed(BALANCER_SOURCE.split('.')))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open('/proc/net/tcp') as f:
                for line in f.readlines()[1:]:
                    local, remote, state = line.split()[1:4]
                    if local == want and remote.startswith(src) and \
                            state == '01':
                        return
            time.sleep(0.01)
        raise AssertionError('HAProxy did not relay to %s:%d' % (host, port))

    @staticmethod
    def serving_node(ftp):
        """The index of the node that greeted this session (banners)."""
        m = re.match(r'220 node (\d) ready', ftp.getwelcome())
        if m is None:
            raise AssertionError('greeting names no node: %r' %
                                 ftp.getwelcome())
        return int(m.group(1))

    def test_transfers_through_the_balancer_on_both_nodes(self):
        data = os.urandom(300000)
        up = login(self.ctrl)
        down = login(self.ctrl)
        na, nb = self.serving_node(up), self.serving_node(down)
        self.assertNotEqual(na, nb, 'round robin puts them on two nodes')
        up.storbinary('STOR shared.bin', io.BytesIO(data))
        got = io.BytesIO()
        down.retrbinary('RETR shared.bin', got.write)
        self.assertEqual(hashlib.sha256(got.getvalue()).hexdigest(),
                         hashlib.sha256(data).hexdigest())
        # Listings from both nodes (ftplib: EPSV on IPv4? no: PASV, whose
        # 227 names the balancer, pasv_address).
        self.assertIn('shared.bin', up.nlst())
        self.assertIn('shared.bin', down.nlst())
        up.quit()
        down.quit()
        for n in self.nodes:
            with open(n.log, errors='replace') as f:
                log = f.read()
            self.assertIn(CLIENT, log)
            self.assertNotIn(BALANCER_SOURCE, log)

    def test_relayed_data_connection_of_another_client_is_turned_away(self):
        self.nodes[0].write('alice/secret.txt', b'for alice only')
        ftp = login(self.ctrl)
        node = self.nodes[self.serving_node(ftp)]
        ftp.voidcmd('TYPE I')
        host, port = ftplib.parse227(ftp.sendcmd('PASV'))
        self.assertEqual(host, BALANCER)
        # Another client races to the passive port through the balancer;
        # its connection waits in the backlog until the transfer command.
        thief = socket.create_connection((BALANCER, port), timeout=10,
                                         source_address=(OTHER_CLIENT, 0))
        self.wait_relayed(node.host, port)
        self.assertTrue(ftp.sendcmd('RETR secret.txt').startswith('150'))
        # The listener listens on: the client's own connection works.
        data = socket.create_connection((BALANCER, port), timeout=10,
                                        source_address=(CLIENT, 0))
        got = b''
        while True:
            chunk = data.recv(65536)
            if not chunk:
                break
            got += chunk
        data.close()
        self.assertTrue(ftp.voidresp().startswith('226'))
        self.assertEqual(got, b'for alice only')
        thief.settimeout(10)
        try:
            self.assertEqual(thief.recv(100), b'')
        except ConnectionResetError:
            pass
        thief.close()
        with open(node.log, errors='replace') as f:
            self.assertIn('refused relayed data connection: it names '
                          'another client', f.read())
        ftp.quit()

    def test_per_address_limit_counts_the_client(self):
        held = []
        try:
            # max_sessions_per_ip=3 on each node: 3 + 3 from one client
            # fill both; the seventh is refused, another client is not.
            for _ in range(6):
                held.append(login(self.ctrl))
            with self.assertRaises(ftplib.error_temp) as cm:
                login(self.ctrl)
            self.assertTrue(str(cm.exception).startswith('421'))
            other = login(self.ctrl, source=OTHER_CLIENT)
            other.quit()
        finally:
            for f in held:
                f.close()

    def test_no_greeting_without_a_header_or_from_elsewhere(self):
        for source, node in ((CLIENT, self.nodes[0]),
                             (BALANCER_SOURCE, self.nodes[1])):
            s = socket.create_connection((node.host, node.port), timeout=10,
                                         source_address=(source, 0))
            if source == BALANCER_SOURCE:
                s.sendall(b'USER alice\r\n')
            s.settimeout(15)
            try:
                got = s.recv(100)
            except ConnectionResetError:
                got = b''      # closed with our bytes unread: a reset
            self.assertEqual(got, b'', 'no greeting')
            s.close()
        with open(self.nodes[0].log, errors='replace') as f:
            self.assertIn('not from a proxy_from address', f.read())
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with open(self.nodes[1].log, errors='replace') as f:
                if 'malformed PROXY header' in f.read():
                    break
            time.sleep(0.05)
        else:
            self.fail('node B did not log the missing header')

    def test_a_node_stops_the_other_serves_on(self):
        s1, s2 = login(self.ctrl), login(self.ctrl)
        victim, survivor_ftp = (s1, s2) if self.serving_node(s1) == 0 \
            else (s2, s1)
        self.nodes[0].stop()
        # The survivor's session goes on.
        survivor_ftp.storbinary('STOR after.txt', io.BytesIO(b'still here'))
        got = io.BytesIO()
        survivor_ftp.retrbinary('RETR after.txt', got.write)
        self.assertEqual(got.getvalue(), b'still here')
        survivor_ftp.quit()
        victim.close()
        # New logins land on the survivor.
        for _ in range(4):
            ftp = login(self.ctrl)
            self.assertEqual(self.serving_node(ftp), 1)
            ftp.quit()

    def test_user_added_to_the_database_logs_in_on_both_nodes(self):
        with self.assertRaises(ftplib.error_perm):
            login(self.ctrl, user='carol')
        self.db.add_user('carol', self.hash,
                         '/bob', 'ro')
        # Round robin: successive logins alternate between the nodes.
        seen = set()
        for _ in range(6):
            ftp = login(self.ctrl, user='carol')
            seen.add(self.serving_node(ftp))
            self.assertEqual(ftp.pwd(), '/')
            ftp.quit()
            if len(seen) == 2:
                break
        self.assertEqual(seen, {0, 1}, 'carol logged in on both nodes')
        for n in self.nodes:
            with open(n.log) as f:
                log = f.read()
            self.assertIn('%s carol: login' % CLIENT, log)


H.run_suite('test_cluster')
