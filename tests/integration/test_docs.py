"""Docs suite: the manual pages in man/ are valid mdoc and cover the code.

Each page must pass `mandoc -T lint -W warning` with no output (style notes,
such as references to pages this machine lacks, do not count). The tables
the programs are built from are read from the sources under the repo root:
every key of ftpd/config.c's options[] must be an item of ftpd.conf(5),
every long option of ftpd/main.c and ftpc/main.c an item of ftpd(8) and
ftpc(1), and every command of ftpc/cmdtable.c an item of ftpc(1). A key,
option or command added to the code without its page fails here, naming
what is missing.
"""
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftpharness import run_suite  # noqa: E402

# tests/integration/test_docs.py -> the repo root.
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAN = os.path.join(TOP, 'man')
PAGES = ('ftpd.8', 'ftpd.conf.5', 'ftpc.1')

# Rows of the C tables, as they are written in the sources.
CONFIG_ROW = re.compile(r'\{\s*"([^"]+)"\s*,\s*K_[A-Z_]+\s*,')
LONGOPT_ROW = re.compile(r'\{\s*"([^"]+)"\s*,\s*(?:no|required|optional)_argument\s*,')
FTPC_CMD_ROW = re.compile(r'\{\s*"([^"]+)"\s*,\s*ftpc_cmd_\w+\s*,')


def read(*parts):
    with open(os.path.join(TOP, *parts), encoding='utf-8') as f:
        return f.read()


def table_names(pattern, *parts):
    """The first string of every row of a C table, in source order."""
    return pattern.findall(read(*parts))


def mdoc_words(text):
    """Splits an mdoc line into words, dropping the \\& zero-width escape."""
    return [w.replace('\\&', '') for w in text.split()]


def page_items(page):
    """What the .It lines of a page name: (Cm/Ic words, Fl words).

    `.It Cm key Ar type` names key; `.It Ic mirror ...` names mirror;
    `.It Fl c Ar file , Fl -config Ar file` names flags c and -config.
    """
    names, flags = set(), set()
    for line in read('man', page).splitlines():
        if not line.startswith('.It '):
            continue
        words = mdoc_words(line[4:])
        for i, w in enumerate(words[:-1]):
            if w in ('Cm', 'Ic'):
                names.add(words[i + 1])
            elif w == 'Fl':
                flags.add(words[i + 1])
    return names, flags


def mandoc_lint(stdin_text=None, path=None):
    """Runs mandoc -T lint -W warning; returns (exit status, its output)."""
    mandoc = shutil.which('mandoc')
    if mandoc is None:
        raise unittest.SkipTest('mandoc is not installed (tools/install-deps)')
    argv = [mandoc, '-T', 'lint', '-W', 'warning'] + ([path] if path else [])
    proc = subprocess.run(argv, input=stdin_text if stdin_text else '',
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


# A page that is right but for what each test adds to its end.
PAGE_HEAD = ('.Dd December 4, 2026\n.Dt BROKEN 1\n.Os\n.Sh NAME\n'
             '.Nm broken\n.Nd a page for the lint test\n.Sh DESCRIPTION\nText.\n')


class LintTest(unittest.TestCase):
    """mandoc finds no warning and no error in any page."""

    def lint(self, page):
        path = os.path.join(MAN, page)
        self.assertTrue(os.path.isfile(path), '%s is missing' % path)
        rc, out = mandoc_lint(path=path)
        self.assertEqual(out, '', 'mandoc -T lint %s:\n%s' % (page, out))
        self.assertEqual(rc, 0, 'mandoc -T lint %s exited %d' % (page, rc))

    def test_ftpd_8_passes_mandoc_lint(self):
        self.lint('ftpd.8')

    def test_ftpd_conf_5_passes_mandoc_lint(self):
        self.lint('ftpd.conf.5')

    def test_ftpc_1_passes_mandoc_lint(self):
        self.lint('ftpc.1')

    # The checks above must be able to fail: a page with only a warning,
    # and one with errors, are both reported with a non-zero status.
    def test_lint_reports_a_warning(self):
        rc, out = mandoc_lint(PAGE_HEAD + '.Sh SEE ALSO\n.Xr b 8 ,\n.Xr a 1\n')
        self.assertNotEqual(rc, 0)
        self.assertIn('WARNING', out)
        rc, out = mandoc_lint(PAGE_HEAD)
        self.assertEqual((rc, out), (0, ''), 'the head alone must be clean')

    def test_lint_reports_an_error(self):
        rc, out = mandoc_lint(PAGE_HEAD + '.Bl -tag -width Ds\n.It Fl x\n.Xyzzy\n')
        self.assertNotEqual(rc, 0)
        self.assertIn('ERROR', out)


class CoverageTest(unittest.TestCase):
    """Every key, option and command in the code has its item."""

    def assert_covered(self, wanted, have, page, source, what, hint):
        missing = [w for w in wanted if w not in have]
        if missing:
            self.fail('man/%s lacks an item for these %s of %s (%d): %s\n'
                      '(add %s for each, then rerun SUITES=test_docs scons test)'
                      % (page, what, source, len(missing),
                         ', '.join(missing), hint))

    def check_table(self, row, source, at_least, page, what, hint, flags=False):
        """Every name of a C table is an item of page (a flag item: --name)."""
        names = table_names(row, *source.split('/'))
        # The parser must find the table, or these tests could not fail.
        self.assertGreaterEqual(len(names), at_least, 'no table found in ' + source)
        words, fls = page_items(page)
        have = {f[1:] for f in fls if f.startswith('-')} if flags else words
        self.assert_covered(names, have, page, source, what, hint)

    def test_every_config_key_is_an_item_in_ftpd_conf_5(self):
        self.check_table(CONFIG_ROW, 'ftpd/config.c', 30, 'ftpd.conf.5', 'keys',
                         '".It Cm KEY Ar type" with its default, range and meaning')

    def test_every_ftpd_long_option_is_an_item_in_ftpd_8(self):
        self.check_table(LONGOPT_ROW, 'ftpd/main.c', 20, 'ftpd.8', 'long options',
                         '".It Fl -OPTION" (after the short one, if any)', flags=True)

    def test_every_ftpc_long_option_is_an_item_in_ftpc_1(self):
        self.check_table(LONGOPT_ROW, 'ftpc/main.c', 15, 'ftpc.1', 'long options',
                         '".It Fl -OPTION" (after the short one, if any)', flags=True)

    def test_every_ftpc_command_is_an_item_in_ftpc_1(self):
        self.check_table(FTPC_CMD_ROW, 'ftpc/cmdtable.c', 40, 'ftpc.1', 'commands',
                         '".It Ic NAME Ar arguments" under SHELL COMMANDS')

    def test_coverage_check_names_what_is_missing(self):
        # The check reports each missing name, so the lead can add them.
        with self.assertRaises(AssertionError) as cm:
            self.assert_covered(['port', 'no_such_key'], {'port'}, 'ftpd.conf.5',
                                'ftpd/config.c', 'keys', '".It Cm KEY"')
        self.assertIn('no_such_key', str(cm.exception))
        self.assertNotIn('port,', str(cm.exception))

    def test_readme_points_to_the_manual_pages(self):
        readme = read('README.md')
        for page in PAGES:
            self.assertIn('man/' + page, readme)


if __name__ == '__main__':
    run_suite('test_docs')
