"""The benchmark's tables (markdown) and its JSON file.

Every figure is the median of the repetitions with their min-max in
parentheses, beside the CPU it cost the server and the client per GiB,
file or login; targets (issues 5 and 13) compare the medians of one run.
"""
import json
import statistics


def fmt_num(v, unit):
    if v is None:
        return '?'
    if unit in ('MB/s', 'files/s'):
        return '%.0f' % v
    if unit == 'logins/s':
        return '%.0f' % v if v >= 100 else '%.1f' % v
    if unit == 'KiB':
        return '%.0f' % v if v >= 100 else '%.1f' % v
    if unit == 's':
        return '%.3f' % v
    return '%.2f' % v


def summary(reps, field):
    """(median, min, max, count) of field over successful repetitions."""
    vals = [r[field] for r in reps if isinstance(r, dict) and r.get(field) is not None
            and r[field] >= 0]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals), len(vals)


def errors(reps):
    return [r for r in reps if isinstance(r, str)]


# What each test's cost is counted per: (field suffix, unit, scale, quantity).
COSTS = {
    'bytes': ('ms_per_gib', 'ms/GiB', 1e3, lambda r: r.get('bytes', 0) / (1 << 30)),
    'files': ('us_per_file', 'µs/file', 1e6, lambda r: r.get('files', 0)),
    'logins': ('ms_per_login', 'ms/login', 1e3,
               lambda r: r.get('logins', r.get('sessions', 0))),
}


def kind(test):
    """'bytes', 'files' or 'logins': what a test's CPU is counted per."""
    base = test.split('.')[0]
    if 'small' in base:
        return 'files'
    if 'login' in base or 'idle' in base:
        return 'logins'
    return 'bytes'


def add_costs(test, rep):
    """Adds server_/client_ CPU per GiB, file or login to one run's figures."""
    suffix, _, scale, qty = COSTS[kind(test)]
    q = qty(rep)
    if not q:
        return
    for who in ('server', 'client'):
        v = rep.get(who + '_cpu')
        if isinstance(v, (int, float)) and v >= 0:
            rep['%s_%s' % (who, suffix)] = v * scale / q


def metrics(cfg):
    """(test id, field, label, unit) for each line of the main table."""
    def size(mib):
        return '1 GiB' if mib == 1024 else '%d MiB' % mib
    big = size(cfg.big_mib)
    nf = format(cfg.small_files, ',')
    m = [
        ('ceiling', 'mbps', 'Loopback ceiling (no FTP): read/write sender, %s' % big, 'MB/s'),
        ('ceiling_sendfile', 'mbps', 'Loopback (no FTP): sendfile sender, for reference', 'MB/s'),
        ('retr', 'mbps', 'RETR %s, one stream' % big, 'MB/s'),
        ('stor', 'mbps', 'STOR %s, one stream' % big, 'MB/s'),
        ('small_get', 'files_per_s', '%s × 4 KiB files, one session: downloads' % nf,
         'files/s'),
        ('small_put', 'files_per_s', '%s × 4 KiB files, one session: uploads' % nf, 'files/s'),
    ]
    for client in ('ftplib', 'curl'):
        for d, what in (('get', 'downloads'), ('put', 'uploads')):
            m.append(('small_%s_%s' % (d, client), 'files_per_s',
                      '%s × 4 KiB files, %s client: %s' % (nf, client, what), 'files/s'))
    m += [
        ('login_seq', 'per_s', 'Logins (sha512-crypt), sequential', 'logins/s'),
        ('login_conc', 'per_s', 'Logins, %d concurrent clients' % cfg.login_clients,
         'logins/s'),
        ('login_conc', 'noop_p99_ms', 'NOOP p99 on a logged-in session during those logins',
         'ms'),
    ]
    for n in cfg.idle:
        m.append(('idle_%d' % n, 'kib_per_session',
                  '%s idle sessions: server PSS per session' % format(n, ','), 'KiB'))
        m.append(('idle_%d' % n, 'probe_ms',
                  '%s idle sessions: fresh login + LIST (median of 5)' % format(n, ','), 'ms'))
    mm = '%d × %d MiB concurrent downloads' % (cfg.multi_clients, cfg.multi_mib)
    m += [
        ('multi', 'mbps', mm + ': aggregate', 'MB/s'),
        ('multi', 'p50_s', mm + ': p50 completion', 's'),
        ('multi', 'p99_s', mm + ': p99 completion', 's'),
    ]
    combos = [(c, tls_label(c)) for c in cfg.tls]
    for c, label in combos:
        m.append(('ftps_retr.' + c, 'mbps', 'FTPS RETR %s (%s)' % (big, label), 'MB/s'))
        m.append(('ftps_stor.' + c, 'mbps', 'FTPS STOR %s (%s)' % (big, label), 'MB/s'))
    for c, label in combos:
        m.append(('ftps_login_seq.' + c, 'per_s', 'FTPS logins, sequential (%s)' % label,
                  'logins/s'))
        m.append(('ftps_login_conc.' + c, 'per_s', 'FTPS logins, %d concurrent clients (%s)'
                  % (cfg.login_clients, label), 'logins/s'))
    c, label = cfg.tls_main, tls_label(cfg.tls_main)
    n = max(cfg.idle)
    m += [
        ('ftps_small_get.' + c, 'files_per_s', 'FTPS %s × 4 KiB files: downloads (%s)'
         % (nf, label), 'files/s'),
        ('ftps_small_put.' + c, 'files_per_s', 'FTPS %s × 4 KiB files: uploads (%s)'
         % (nf, label), 'files/s'),
        ('ftps_multi.' + c, 'mbps', 'FTPS %s: aggregate (%s)' % (mm, label), 'MB/s'),
        ('ftps_multi.' + c, 'p50_s', 'FTPS %s: p50 completion' % mm, 's'),
        ('ftps_multi.' + c, 'p99_s', 'FTPS %s: p99 completion' % mm, 's'),
        ('ftps_idle_%d.%s' % (n, c), 'kib_per_session', '%s idle sessions, TLS control '
         '(%s): server PSS per session' % (format(n, ','), label), 'KiB'),
        ('ftps_idle_%d.%s' % (n, c), 'probe_ms', '%s idle sessions, TLS control: fresh '
         'login + LIST (median of 5)' % format(n, ','), 'ms'),
    ]
    return m


def tls_label(combo):
    version, key = combo.split('-')
    return 'TLS 1.%s, %s' % (version[1:], 'RSA-2048' if key == 'rsa' else 'ECDSA P-256')


def idle_n(test):
    """The N an idle test asks for, or None."""
    base = test.split('.')[0]
    for prefix in ('idle_', 'ftps_idle_'):
        if base.startswith(prefix):
            return int(base[len(prefix):])
    return None


def cell(results, test, server, field, unit):
    reps = results.get(test, {}).get(server)
    if reps is None:
        return ''
    skipped = [r['skipped'] for r in reps if isinstance(r, dict) and 'skipped' in r]
    if skipped:
        return 'not run: %s' % skipped[0]
    s = summary(reps, field)
    errs = errors(reps)
    if s is None:
        return 'failed: %s' % (errs[0] if errs else 'no data')
    med_, lo, hi, n = s
    text = '%s (%s–%s)' % (fmt_num(med_, unit), fmt_num(lo, unit), fmt_num(hi, unit))
    ns = {r.get('n') for r in reps if isinstance(r, dict) and r.get('n')}
    want = idle_n(test)
    if want and ns and ns != {want}:
        text += ' at N=%s' % format(min(ns), ',')
    if errs:
        text += ' (%d of %d runs failed: %s)' % (len(errs), len(reps), errs[0])
    return text


def cost_cell(results, test, server):
    """Median server / client CPU per GiB, file or login of a test."""
    suffix, unit, _, _ = COSTS[kind(test)]
    reps = results.get(test, {}).get(server, [])
    sv = summary(reps, 'server_' + suffix)
    cl = summary(reps, 'client_' + suffix)
    if sv is None and cl is None:
        return ''

    def f(x):
        if x is None:
            return '?'
        return '%.0f' % x[0] if x[0] >= 100 else '%.1f' % x[0] if x[0] >= 1 else '%.2f' % x[0]
    return '%s / %s %s' % (f(sv), f(cl), unit)


def med(results, test, server, field):
    s = summary(results.get(test, {}).get(server, []), field)
    return s[0] if s else None


def peers_of(results, test):
    return [srv for srv in results.get(test, {}) if srv not in ('ftpd', 'loopback')]


def verdict(ok):
    return 'met' if ok else '**not met**'


def ratio_target(results, test, field, other, want, label, srv_other=None):
    a = med(results, test, 'ftpd', field)
    b = med(results, test, srv_other or other, field)
    if a is None or b is None or b == 0:
        return '%s: n/a (%s missing)' % (label, 'ftpd' if a is None else other)
    r = a / b
    return '%s: %.2f× %s' % (label, r, verdict(r >= want))


def best_peer(results, test, field, lowest=False):
    """(peer, median) of the best peer at field: the highest, or the lowest."""
    vals = [(srv, med(results, test, srv, field)) for srv in peers_of(results, test)]
    vals = [(s, v) for s, v in vals if v]
    if not vals:
        return None, None
    return (min if lowest else max)(vals, key=lambda sv: sv[1])


def peer_target(results, test, field, want, label, lowest=False):
    """ftpd against the best peer (highest field, or lowest when lowest):
    at least want× it, or with lowest at most want× it."""
    a = med(results, test, 'ftpd', field)
    peer, b = best_peer(results, test, field, lowest)
    if a is None or b is None:
        return '%s: n/a' % label
    r = a / b
    return '%s: %.2f× (%s) %s' % (label, r, peer, verdict(r <= want if lowest else r >= want))


def cpu_target(results, test, want, label, peer=None):
    """ftpd's server CPU per unit at most want× the cheapest peer's (or peer's)."""
    field = 'server_' + COSTS[kind(test)][0]
    if peer is None:
        return peer_target(results, test, field, want, label, lowest=True)
    a, b = med(results, test, 'ftpd', field), med(results, test, peer, field)
    if a is None or b is None or b == 0:
        return '%s: n/a' % label
    return '%s: %.2f× %s' % (label, a / b, verdict(a / b <= want))


def spread_target(results, test, t):
    p50 = med(results, test, 'ftpd', 'p50_s')
    p99 = med(results, test, 'ftpd', 'p99_s')
    if p50 and p99:
        t[(test, 'p99_s')] = 'p99 ≤ 1.3× p50: %.2f× %s' % (p99 / p50,
                                                          verdict(p99 <= 1.3 * p50))


def targets(cfg, results):
    """Target column text for (test, field): issue 5's, then issue 13's."""
    t = {}
    a = med(results, 'retr', 'ftpd', 'mbps')
    c = med(results, 'ceiling', 'loopback', 'mbps')
    cheap = 'CPU/GiB ≤ 0.64× cheapest peer'
    if a and c:
        t[('retr', 'mbps')] = '≥ 95%% of ceiling: %.0f%% %s; %s' % (
            100 * a / c, verdict(a >= 0.95 * c), cpu_target(results, 'retr', 0.64, cheap))
    t[('stor', 'mbps')] = '%s; %s' % (
        ratio_target(results, 'stor', 'mbps', 'vsftpd', 1.3, '≥ 1.3× vsftpd'),
        cpu_target(results, 'stor', 0.64, cheap))
    for test in ('small_get', 'small_put', 'small_get_ftplib', 'small_put_ftplib'):
        t[(test, 'files_per_s')] = '%s; %s' % (
            ratio_target(results, test, 'files_per_s', 'pure-ftpd', 1.0, '≥ pure-ftpd'),
            cpu_target(results, test, 0.75, 'CPU/file ≤ 0.75× pure-ftpd', 'pure-ftpd'))
    t[('login_conc', 'per_s')] = ratio_target(results, 'login_conc', 'per_s', 'vsftpd', 3,
                                              '≥ 3× vsftpd')
    t[('login_conc', 'noop_p99_ms')] = 'no stall (evidence: should stay near idle)'
    big = 'idle_%d' % max(cfg.idle)
    kib = med(results, big, 'ftpd', 'kib_per_session')
    if kib is not None:
        t[(big, 'kib_per_session')] = '≤ 8 KiB: %s' % verdict(kib <= 8)
    ms = med(results, big, 'ftpd', 'probe_ms')
    if ms is not None:
        t[(big, 'probe_ms')] = '< 5 ms: %s' % verdict(ms < 5)
    for test in ['multi'] + ['ftps_multi.' + cfg.tls_main]:
        t[(test, 'mbps')] = ratio_target(results, test, 'mbps', 'vsftpd', 1.2,
                                         '≥ 1.2× vsftpd')
        spread_target(results, test, t)
    for combo in cfg.tls:
        for test in ('ftps_retr.' + combo, 'ftps_stor.' + combo):
            t[(test, 'mbps')] = '%s; %s' % (
                peer_target(results, test, 'mbps', 1.15, '≥ 1.15× best peer'),
                cpu_target(results, test, 0.8, 'CPU/GiB ≤ 0.8× cheapest peer'))
        test = 'ftps_login_conc.' + combo
        t[(test, 'per_s')] = peer_target(results, test, 'per_s', 2.5, '≥ 2.5× best peer')
    big = 'ftps_idle_%d.%s' % (max(cfg.idle), cfg.tls_main)
    kib = med(results, big, 'ftpd', 'kib_per_session')
    if kib is not None:
        t[(big, 'kib_per_session')] = '≤ 24 KiB: %s' % verdict(kib <= 24)
    return t


def table(cfg, servers, results):
    """The main table: per server the figure and its CPU cost (server /
    client, per GiB, file or login), then the target."""
    names = [s.name for s in servers]
    tg = targets(cfg, results)
    head = ''.join(' %s | %s CPU server / client |' % (n, n) for n in names)
    out = ['| row |' + head + ' target (ftpd) |',
           '|---|' + '---|---|' * len(names) + '---|']
    seen = set()
    for test, field, label, unit in metrics(cfg):
        if test not in results:
            continue
        first = test not in seen
        seen.add(test)
        cells = []
        keys = ['loopback'] + [None] * (len(names) - 1) if test.startswith('ceiling') \
            else names
        for s, k in zip(servers, keys):
            if k is None:
                cells += ['', '']
            elif s.why and k != 'loopback':
                cells += ['not run: %s' % s.why, '']
            else:
                cells += [cell(results, test, k, field, unit),
                          cost_cell(results, test, k) if first else '']
        out.append('| %s (%s) | %s | %s |' % (label, unit, ' | '.join(cells),
                                              tg.get((test, field), '')))
    return '\n'.join(out)


def cpu_table(cfg, servers, results):
    """Server and client CPU, in % of one core (200% = both cores)."""
    names = [s.name for s in servers]
    out = ['| row: server % / client % | ' + ' | '.join(names) + ' |',
           '|---|' + '---|' * len(names)]
    seen = {}
    for test, _, label, _ in metrics(cfg):
        if test in results and test not in seen:
            seen[test] = short(test, label)
    for test, label in seen.items():
        cells = []
        keys = ['loopback'] + [''] * (len(names) - 1) if test.startswith('ceiling') else names
        for k in keys:
            reps = [r for r in results[test].get(k, []) if isinstance(r, dict)]
            sv = [r['server_cpu'] / r['seconds'] * 100 for r in reps
                  if r.get('server_cpu', -1) >= 0 and r.get('seconds')]
            cl = [r['client_cpu'] / r['seconds'] * 100 for r in reps if r.get('seconds')]
            text = ''
            if sv and cl:
                text = '%.0f%% / %.0f%%' % (statistics.median(sv), statistics.median(cl))
                if statistics.median(cl) >= 90:
                    text += ' (client-bound?)'
            cells.append(text)
        out.append('| %s | %s |' % (label, ' | '.join(cells)))
    return '\n'.join(out)


def short(test, label):
    """A row's label without the figure it names, for the per-test tables."""
    return label.rsplit(': ', 1)[0] if 'multi' in test or 'idle' in test else label


def tls_table(cfg, servers, results):
    """What each FTPS row negotiated, and how many TLS sessions were resumed."""
    names = [s.name for s in servers]
    out = ['| FTPS row: version, cipher; resumed | ' + ' | '.join(names) + ' |',
           '|---|' + '---|' * len(names)]
    rows = 0
    for test, _, label, _ in metrics(cfg):
        if not test.startswith('ftps_') or test not in results:
            continue
        if label.endswith('completion') or 'fresh login' in label:
            continue
        cells = []
        for n in names:
            reps = [r for r in results[test].get(n, []) if isinstance(r, dict) and r.get('tls')]
            if not reps:
                cells.append('')
                continue
            r = reps[-1]
            parts = ['%s %s' % (r['tls'], r['cipher'])]
            if r.get('data_tls'):
                parts.append('data %d/%d' % (r['data_resumed'], r['data_tls']))
            if 'login' in test and r.get('ctrl_tls'):
                parts.append('control %d/%d' % (r['ctrl_resumed'], r['ctrl_tls']))
            cells.append('; '.join(parts))
        out.append('| %s | %s |' % (short(test, label), ' | '.join(cells)))
        rows += 1
    return '\n'.join(out) if rows else ''


def strace_table(servers, results):
    """BENCH_STRACE=1: system calls per file, with the most frequent ones."""
    names = [s.name for s in servers]
    out = ['| system calls per file (strace -c -f, untimed) | ' + ' | '.join(names) + ' |',
           '|---|' + '---|' * len(names)]
    rows = 0
    for test, label in (('strace_small_get', 'small files: downloads'),
                        ('strace_small_put', 'small files: uploads')):
        if test not in results:
            continue
        cells = []
        for n in names:
            v = (results[test].get(n) or [''])[-1]
            if isinstance(v, str):
                cells.append(('failed: ' + v) if v else '')
            else:
                cells.append('%.1f (%s)' % (v['calls_per_file'], ', '.join(
                    '%s %.1f' % (k, c) for k, c in v['top'])))
        out.append('| %s | %s |' % (label, ' | '.join(cells)))
        rows += 1
    return '\n'.join(out) if rows else ''


def write_json(path, doc):
    with open(path, 'w') as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write('\n')
