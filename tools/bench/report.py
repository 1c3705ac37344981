"""The benchmark's tables (markdown) and its JSON file.

Every figure is the median of the repetitions with their min-max in
parentheses; targets (issue 5) compare the medians of one run.
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


def metrics(cfg):
    """(test id, field, label, unit) for each line of the main table."""
    big = '%s' % ('1 GiB' if cfg.big_mib == 1024 else '%d MiB' % cfg.big_mib)
    m = [
        ('ceiling', 'mbps', 'Loopback ceiling (no FTP): read/write sender, %s' % big, 'MB/s'),
        ('ceiling_sendfile', 'mbps', 'Loopback (no FTP): sendfile sender, for reference', 'MB/s'),
        ('retr', 'mbps', 'RETR %s, one stream' % big, 'MB/s'),
        ('stor', 'mbps', 'STOR %s, one stream' % big, 'MB/s'),
        ('small_get', 'files_per_s', '%s × 4 KiB files, one session: downloads'
         % format(cfg.small_files, ','), 'files/s'),
        ('small_put', 'files_per_s', '%s × 4 KiB files, one session: uploads'
         % format(cfg.small_files, ','), 'files/s'),
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
    return m


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
    med, lo, hi, n = s
    text = '%s (%s–%s)' % (fmt_num(med, unit), fmt_num(lo, unit), fmt_num(hi, unit))
    ns = {r.get('n') for r in reps if isinstance(r, dict) and r.get('n')}
    want = test.split('_')[1] if test.startswith('idle_') else None
    if want and ns and ns != {int(want)}:
        text += ' at N=%s' % format(min(ns), ',')
    if errs:
        text += ' (%d of %d runs failed: %s)' % (len(errs), len(reps), errs[0])
    return text


def med(results, test, server, field):
    s = summary(results.get(test, {}).get(server, []), field)
    return s[0] if s else None


def ratio_target(results, test, field, other, want, label, srv_other=None):
    a = med(results, test, 'ftpd', field)
    b = med(results, test, srv_other or other, field)
    if a is None or b is None or b == 0:
        return '%s: n/a (%s missing)' % (label, 'ftpd' if a is None else other)
    r = a / b
    return '%s: %.2f× %s' % (label, r, 'met' if r >= want else '**not met**')


def targets(cfg, results):
    """Target column text for (test, field)."""
    t = {}
    a = med(results, 'retr', 'ftpd', 'mbps')
    c = med(results, 'ceiling', 'loopback', 'mbps')
    if a and c:
        t[('retr', 'mbps')] = '≥ 95%% of ceiling: %.0f%% %s' % (
            100 * a / c, 'met' if a >= 0.95 * c else '**not met**')
    t[('stor', 'mbps')] = ratio_target(results, 'stor', 'mbps', 'vsftpd', 1.3,
                                       '≥ 1.3× vsftpd')
    for test in ('small_get', 'small_put'):
        t[(test, 'files_per_s')] = ratio_target(results, test, 'files_per_s',
                                                'pure-ftpd', 1.5, '≥ 1.5× pure-ftpd')
    t[('login_conc', 'per_s')] = ratio_target(results, 'login_conc', 'per_s', 'vsftpd', 3,
                                              '≥ 3× vsftpd')
    t[('login_conc', 'noop_p99_ms')] = 'no stall (evidence: should stay near idle)'
    big = 'idle_%d' % max(cfg.idle)
    kib = med(results, big, 'ftpd', 'kib_per_session')
    if kib is not None:
        t[(big, 'kib_per_session')] = '< 8 KiB: %s' % ('met' if kib < 8 else '**not met**')
    ms = med(results, big, 'ftpd', 'probe_ms')
    if ms is not None:
        t[(big, 'probe_ms')] = '< 5 ms: %s' % ('met' if ms < 5 else '**not met**')
    t[('multi', 'mbps')] = ratio_target(results, 'multi', 'mbps', 'vsftpd', 1.2,
                                        '≥ 1.2× vsftpd')
    p50 = med(results, 'multi', 'ftpd', 'p50_s')
    p99 = med(results, 'multi', 'ftpd', 'p99_s')
    if p50 and p99:
        t[('multi', 'p99_s')] = 'p99 < 1.3× p50: %.2f× %s' % (
            p99 / p50, 'met' if p99 < 1.3 * p50 else '**not met**')
    return t


def table(cfg, servers, results):
    names = [s.name for s in servers]
    tg = targets(cfg, results)
    out = ['| row | ' + ' | '.join(names) + ' | target (ftpd) |',
           '|---|' + '---|' * len(names) + '---|']
    for test, field, label, unit in metrics(cfg):
        if test not in results:
            continue
        if test.startswith('ceiling'):
            cells = [cell(results, test, 'loopback', field, unit)] + [''] * (len(names) - 1)
        else:
            cells = []
            for s in servers:
                cells.append(('not run: %s' % s.why) if s.why else
                             cell(results, test, s.name, field, unit))
        out.append('| %s (%s) | %s | %s |' % (label, unit, ' | '.join(cells),
                                              tg.get((test, field), '')))
    return '\n'.join(out)


CPU_ROWS = [('ceiling', 'loopback ceiling (sender / receiver)'),
            ('retr', 'RETR'), ('stor', 'STOR'), ('small_get', 'small files: downloads'),
            ('small_put', 'small files: uploads'), ('login_seq', 'logins, sequential'),
            ('login_conc', 'logins, concurrent')]


def cpu_table(cfg, servers, results):
    """Server and client CPU, in % of one core (200% = both cores)."""
    names = [s.name for s in servers]
    rows = CPU_ROWS + [('idle_%d' % n, '%s idle sessions (while logging in)' %
                        format(n, ',')) for n in cfg.idle] + [('multi', 'concurrent downloads')]
    out = ['| row: server % / client % | ' + ' | '.join(names) + ' |',
           '|---|' + '---|' * len(names)]
    for test, label in rows:
        if test not in results:
            continue
        cells = []
        keys = ['loopback'] + [''] * (len(names) - 1) if test == 'ceiling' else names
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


def write_json(path, doc):
    with open(path, 'w') as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write('\n')
