"""The everyday shell (issue 9, section 3): what lftp users reach for.

ShellCases run the real ftpc on scripts against ftpd (ShellOnFtpd) and
pyftpdlib (ShellOnPyftpdlib): ls/dir with options and a path, cd alone,
cat/more, !cmd and lls, mv, rm and rm -r, open host:port and a second try
after a wrong password, mirror --dry-run/--exclude/--include, the default
mirror target and progress names below the mirror root, the no-match
messages of mget and mput, put of a folder. They check this issue's own
output lines, not transfer summaries or progress bars, whose format is
another part of the issue.

TerminalShell drives ftpc on a pty for what needs a person: the question
of rm -r, the pager of more, history, a wrong password typed at open, and
help wrapped to the window. Local commands (!, lls, the pager) only touch
the test's own temporary folder.
"""
import fcntl
import os
import re
import shutil
import struct
import sys
import tempfile
import termios
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ftpharness  # noqa: E402
from ftpc_cases import (FtpcCases, ftpc, blob, sha_file,  # noqa: E402
                        EXIT_USAGE, EXIT_LOGIN, EXIT_REMOTE, EXIT_LOCAL)
from test_ftpc_e2e import FtpdBase  # noqa: E402
from test_ftpc_pyftpdlib import PyftpdlibBase  # noqa: E402
from test_ftpc_pty import Terminal  # noqa: E402

EXIT_FAIL = 1


def names_in_listing(text):
    """The last word of each line of a long listing."""
    return {line.split()[-1] for line in text.splitlines() if line.strip()}


class ShellCases:
    """Mixed into a suite that provides url(), rpath() and tmp."""

    # The helpers of the shared cases, without their tests.
    put_remote = FtpcCases.put_remote
    put_local = FtpcCases.put_local

    def run_script(self, text, *extra, url=None):
        path = os.path.join(self.tmp, 'script.ftpc')
        with open(path, 'w') as f:
            f.write(text)
        return ftpc(list(extra) + ['-b', path, url or self.url()], self.tmp)

    def assertOk(self, r):
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def assertErrorLine(self, r, line):
        """line is on stderr exactly once."""
        self.assertEqual(r.stderr.splitlines().count(line), 1,
                         'want %r once in %r' % (line, r.stderr))

    def put_tree(self, top):
        files = {top + '/a.txt': b'a\n', top + '/b.log': b'log\n',
                 top + '/sub/deep.txt': blob(5000, 60),
                 top + '/sub/c.log': b'c\n', top + '/sub/skip/x.txt': b'x\n'}
        for rel, data in files.items():
            self.put_remote(rel, data)
        return files

    def local_files(self, top):
        out = set()
        for d, _, files in os.walk(os.path.join(self.tmp, top)):
            for f in files:
                out.add(os.path.relpath(os.path.join(d, f),
                                        os.path.join(self.tmp, top)))
        return out

    # --- ls, dir, cd ---------------------------------------------------------

    def test_ls_and_dir_take_options_with_a_path(self):
        self.put_remote('docs/a.txt', b'a')
        self.put_remote('docs/.hidden', b'h')
        self.put_remote('docs/sub/x', b'x')
        r = self.run_script('ls -l docs\n')
        self.assertOk(r)
        self.assertTrue({'a.txt', 'sub'} <= names_in_listing(r.stdout), r.stdout)
        r = self.run_script('dir -a docs\n')
        self.assertOk(r)
        self.assertTrue({'a.txt', 'sub', '.hidden'} <= names_in_listing(r.stdout),
                        r.stdout)
        # A URL's path is never read as options.
        self.put_remote('-dash/in-dash.txt', b'd')
        r = ftpc(['ls', self.url('-dash/')], self.tmp)
        self.assertOk(r)
        self.assertIn('in-dash.txt', names_in_listing(r.stdout))
        r = self.run_script('ls -z docs\n')
        self.assertEqual(r.returncode, EXIT_USAGE)
        self.assertErrorLine(r, 'ftpc: ls: unknown option -z')

    def test_cd_alone_goes_to_the_login_directory(self):
        self.put_remote('deep/er/f', b'f')
        r = self.run_script('pwd\ncd deep/er\npwd\ncd\npwd\n')
        self.assertOk(r)
        dirs = [l for l in r.stdout.splitlines()
                if l.startswith('Remote directory: ')]
        self.assertEqual(len(dirs), 3, r.stdout)
        self.assertTrue(dirs[1].endswith('/deep/er'), dirs)
        self.assertEqual(dirs[2], dirs[0])

    # --- local commands --------------------------------------------------------

    def test_bang_and_lls_run_in_the_local_folder(self):
        self.put_local('marker-for-lls.txt', b'm')
        r = self.run_script('!echo made by bang > bang.txt\nlls\n'
                            '! ls marker-for-lls.txt\n')
        self.assertOk(r)
        with open(os.path.join(self.tmp, 'bang.txt')) as f:
            self.assertEqual(f.read(), 'made by bang\n')
        self.assertIn('marker-for-lls.txt', r.stdout.splitlines())
        self.assertIn('bang.txt', r.stdout.splitlines())
        r = self.run_script('!exit 3\n')
        self.assertEqual(r.returncode, EXIT_FAIL)
        self.assertErrorLine(r, 'ftpc: !: exit status 3')

    # --- cat, more, mv, rm -----------------------------------------------------

    def test_cat_and_more_print_a_remote_file(self):
        text = b'first line\nsecond line\n'
        self.put_remote('show.txt', text)
        for cmd in ('cat', 'more'):
            r = self.run_script('%s show.txt\n' % cmd)
            self.assertOk(r)
            self.assertEqual(r.stdout.encode(), text, cmd)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'show.txt')))

    def test_mv_renames(self):
        self.put_remote('old-name.txt', b'moving')
        self.assertOk(self.run_script('mv old-name.txt new-name.txt\n'))
        self.assertFalse(os.path.exists(self.rpath('old-name.txt')))
        with open(self.rpath('new-name.txt'), 'rb') as f:
            self.assertEqual(f.read(), b'moving')

    def test_rm_of_a_folder_hints_instead_of_rmdir(self):
        self.put_remote('keep/inner.txt', b'i')
        self.put_remote('empty-dir/.placeholder', b'')
        os.unlink(self.rpath('empty-dir/.placeholder'))
        r = self.run_script('rm keep\n')
        self.assertEqual(r.returncode, EXIT_REMOTE)
        self.assertErrorLine(r, 'ftpc: rm: keep is a folder (rmdir keep '
                             'removes it when empty, rm -r keep with '
                             'everything in it)')
        self.assertTrue(os.path.exists(self.rpath('keep/inner.txt')))
        # Even an empty folder: rm never quietly runs rmdir.
        r = self.run_script('rm empty-dir\n')
        self.assertEqual(r.returncode, EXIT_REMOTE)
        self.assertTrue(os.path.isdir(self.rpath('empty-dir')))

    def test_rm_r_removes_a_tree_in_scripts_without_asking(self):
        self.put_tree('doomed')
        self.put_remote('doomed/.dotfile', b'.')
        self.put_remote('loose-1.txt', b'1')
        self.put_remote('loose-2.txt', b'2')
        self.put_remote('stays.dat', b's')
        r = self.run_script('rm -r doomed\nrm loose-*.txt\n')
        self.assertOk(r)
        self.assertFalse(os.path.exists(self.rpath('doomed')))
        self.assertFalse(os.path.exists(self.rpath('loose-1.txt')))
        self.assertFalse(os.path.exists(self.rpath('loose-2.txt')))
        self.assertTrue(os.path.exists(self.rpath('stays.dat')))
        r = self.run_script('rm nothing-*.txt\n')
        self.assertEqual(r.returncode, EXIT_REMOTE)
        self.assertErrorLine(r, 'ftpc: rm: no match for nothing-*.txt')

    def test_rm_r_removes_a_link_to_a_folder_not_what_it_points_to(self):
        self.put_remote('precious/keep.txt', b'keep me')
        self.put_remote('with-link/own.txt', b'o')
        os.symlink('../precious', self.rpath('with-link/link'))
        r = self.run_script('rm -r with-link\n')
        self.assertOk(r)
        with open(self.rpath('precious/keep.txt'), 'rb') as f:
            self.assertEqual(f.read(), b'keep me')
        self.assertFalse(os.path.lexists(self.rpath('with-link')))

    def test_mirror_delete_removes_a_link_not_what_it_points_to(self):
        self.put_remote('kept/keep.txt', b'keep me too')
        self.put_remote('site/page.html', b'p')
        os.symlink('../kept', self.rpath('site/old-link'))
        self.put_local('src/page.html', b'p')
        r = self.run_script('mirror -R --delete src site\n')
        self.assertOk(r)
        with open(self.rpath('kept/keep.txt'), 'rb') as f:
            self.assertEqual(f.read(), b'keep me too')
        self.assertFalse(os.path.lexists(self.rpath('site/old-link')))

    # --- open host:port, a second login -----------------------------------------

    def host_port(self):
        m = re.match(r'ftp://(?:[^@]*@)?([^/]+)/', self.url())
        return m.group(1)

    def test_open_host_port_and_user_after_a_wrong_password(self):
        with open(os.path.join(self.tmp, '.netrc'), 'w') as f:
            f.write('machine 127.0.0.1 login alice password wrong\n')
        path = os.path.join(self.tmp, 'script.ftpc')
        with open(path, 'w') as f:
            f.write('open %s\nuser alice secret\npwd\n' % self.host_port())
        r = ftpc(['-k', '-b', path], self.tmp)
        # The refused login is the first failure; what follows works.
        self.assertEqual(r.returncode, EXIT_LOGIN, r.stdout + r.stderr)
        self.assertIn('Still connected to 127.0.0.1: "user NAME" logs in.',
                      r.stdout.splitlines())
        self.assertIn('Remote directory: /', r.stdout.splitlines())

    def test_ftpc_host_port_form(self):
        self.put_remote('hp.txt', b'host and port')
        path = os.path.join(self.tmp, 'script.ftpc')
        with open(path, 'w') as f:
            f.write('get hp.txt\n')
        r = ftpc(['-u', 'alice:secret', '-b', path, self.host_port()],
                 self.tmp)
        self.assertOk(r)
        self.assertEqual(sha_file(os.path.join(self.tmp, 'hp.txt')),
                         sha_file(self.rpath('hp.txt')))

    # --- mirror ------------------------------------------------------------------

    def test_mirror_dry_run_changes_nothing(self):
        self.put_tree('dry')
        r = self.run_script('mirror --dry-run dry copy\n')
        self.assertOk(r)
        self.assertEqual(sorted(l for l in r.stdout.splitlines()
                                if l.startswith('would ')),
                         ['would download a.txt', 'would download b.log',
                          'would download sub/c.log',
                          'would download sub/deep.txt',
                          'would download sub/skip/x.txt'])
        self.assertIn('mirror (dry run): 5 to transfer, 0 up to date, '
                      '0 to remove', r.stdout.splitlines())
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'copy')))
        # Up, with --delete: nothing created, nothing removed remotely.
        self.put_local('up/new.txt', b'n')
        self.put_remote('dry/gone.txt', b'g')
        r = self.run_script('mirror -R --dry-run --delete up dry\n'
                            'mirror -R --dry-run up not-there\n')
        self.assertOk(r)
        lines = r.stdout.splitlines()
        self.assertIn('would upload new.txt', lines)
        self.assertIn('would remove dry/gone.txt', lines)
        self.assertIn('would create not-there', lines)
        self.assertTrue(os.path.exists(self.rpath('dry/gone.txt')))
        self.assertFalse(os.path.exists(self.rpath('dry/new.txt')))
        self.assertFalse(os.path.exists(self.rpath('not-there')))

    def test_mirror_exclude_and_include(self):
        self.put_tree('sel')
        r = self.run_script('mirror --exclude *.log --exclude skip sel ex\n'
                            'mirror --include sub/*.txt sel in\n'
                            'mirror --include=*.log --exclude=sub/c.log '
                            'sel both\n')
        self.assertOk(r)
        self.assertEqual(self.local_files('ex'), {'a.txt', 'sub/deep.txt'})
        self.assertEqual(self.local_files('in'), {'sub/deep.txt'})
        self.assertEqual(self.local_files('both'), {'b.log'})
        self.assertEqual(sha_file(os.path.join(self.tmp, 'ex/sub/deep.txt')),
                         sha_file(self.rpath('sel/sub/deep.txt')))
        # Up: an excluded local file stays home.
        r = self.run_script('mirror -R --exclude *.log ex sel-up\n')
        self.assertOk(r)
        self.assertTrue(os.path.exists(self.rpath('sel-up/sub/deep.txt')))
        r = self.run_script('mirror --exclude\n')
        self.assertEqual(r.returncode, EXIT_USAGE)

    def test_mirror_default_target_is_the_source_name(self):
        self.put_tree('pub/named')
        r = self.run_script('mirror pub/named\n')
        self.assertOk(r)
        self.assertEqual(self.local_files('named'),
                         {'a.txt', 'b.log', 'sub/deep.txt', 'sub/c.log',
                          'sub/skip/x.txt'})
        r = ftpc(['mirror', self.url('pub/named/')],
                 os.path.join(self.tmp, 'named', 'sub'))
        self.assertOk(r)
        self.assertTrue(os.path.exists(
            os.path.join(self.tmp, 'named/sub/named/sub/deep.txt')))
        # Up: the remote target is the local folder's name.
        shutil.rmtree(os.path.join(self.tmp, 'named/sub/named'))
        self.assertOk(self.run_script('mirror -R named/\n'))
        self.assertEqual(sha_file(self.rpath('named/sub/deep.txt')),
                         sha_file(self.rpath('pub/named/sub/deep.txt')))

    def test_mirror_progress_names_paths_below_the_root(self):
        self.put_tree('prog')
        r = self.run_script('mirror prog local-copy\n', '--progress')
        self.assertOk(r)
        self.assertIn('sub/deep.txt', r.stderr)
        self.assertNotIn('local-copy/sub/deep.txt', r.stderr)
        self.assertNotIn('prog/sub/deep.txt', r.stderr)

    # --- mget, mput, put ----------------------------------------------------------

    def test_mget_and_mput_without_a_match_say_so_once(self):
        r = self.run_script('mget *.nomatch\n')
        self.assertEqual(r.returncode, EXIT_REMOTE)
        self.assertErrorLine(r, 'ftpc: mget: no match for *.nomatch')
        self.assertEqual(r.stderr.count('no match'), 1, r.stderr)
        self.assertNotIn('failed', r.stderr)
        r = self.run_script('mput *.zzz\n')
        self.assertEqual(r.returncode, EXIT_LOCAL)
        self.assertErrorLine(r, 'ftpc: mput: no match for *.zzz')
        self.assertEqual(r.stderr.count('no match'), 1, r.stderr)

    def test_put_of_a_folder_points_to_mirror(self):
        self.put_local('fold/x.txt', b'x')
        r = self.run_script('put fold\n')
        self.assertEqual(r.returncode, EXIT_LOCAL)
        self.assertErrorLine(r, 'ftpc: put fold: is a folder (mirror -R fold '
                             'uploads it with everything in it)')
        self.assertFalse(os.path.exists(self.rpath('fold')))


class ShellOnFtpd(FtpdBase, ShellCases):
    pass


class ShellOnPyftpdlib(PyftpdlibBase, ShellCases):
    pass


class CommandLine(unittest.TestCase):
    """What needs no server."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ftpc-cmdline.')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_unknown_option_is_one_line_with_a_hint(self):
        r = ftpc(['--nope'], self.tmp)
        self.assertEqual(r.returncode, EXIT_USAGE)
        self.assertEqual(r.stderr,
                         'ftpc: unknown option --nope (ftpc --help lists them)\n')
        r = ftpc(['-Z', 'host'], self.tmp)
        self.assertEqual(r.stderr,
                         'ftpc: unknown option -Z (ftpc --help lists them)\n')
        r = ftpc(['--timeout'], self.tmp)
        self.assertEqual(r.returncode, EXIT_USAGE)
        self.assertEqual(r.stderr, 'ftpc: missing value for option --timeout '
                         '(ftpc --help lists them)\n')
        r = ftpc(['h', '21', 'extra'], self.tmp)
        self.assertEqual(r.returncode, EXIT_USAGE)
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)

    def test_docs_and_help_describe_every_command(self):
        r = ftpc(['help'], self.tmp)
        listed = r.stdout.split('Commands (')[1].split('\n', 1)[1].split()
        self.assertIn('rm', listed)
        self.assertIn('!', listed)
        doc = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           '..', '..', 'docs', 'ftpc.md')
        with open(doc) as f:
            rows = [l for l in f.read().splitlines() if l.startswith('| `')]
        for name in listed:
            self.assertTrue(any(re.match(r'\| `%s[` ]' % re.escape(name), l)
                                for l in rows), name)
            r = ftpc(['help', name], self.tmp)
            self.assertEqual(r.returncode, 0, name)
            self.assertTrue(r.stdout.startswith('usage: %s' % name), r.stdout)
            self.assertGreater(len(r.stdout.splitlines()), 1, name)

    def test_help_wraps_to_columns(self):
        for args in (['help'], ['help', 'mirror'], ['help', 'rm']):
            r = ftpc(args, self.tmp, env={'COLUMNS': '44'})
            self.assertEqual(r.returncode, 0)
            # The command lines, not the fixed usage text before them.
            text = r.stdout.split('Commands (')[-1]
            for line in text.splitlines():
                self.assertLessEqual(len(line), 43, line)


class TerminalShell(PyftpdlibBase):
    """ftpc on a pty against pyftpdlib, as a person types; its working
    folder and $HOME are the test's own temporary folder."""

    put_remote = FtpcCases.put_remote

    def setUp(self):
        super().setUp()
        self.cwd = self.tmp
        self.term = None

    def tearDown(self):
        if self.term is not None:
            if self.term.proc.poll() is None:
                self.term.type('bye\r')
            self.term.close()

    def start(self, args=None, env=None):
        saved = dict(os.environ)
        os.environ.update(env or {})
        try:
            self.term = Terminal(args if args is not None
                                 else [self.server.url()], self.cwd, self.cwd)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        if args is None:
            self.term.expect(r'alice@127\.0\.0\.1:/> ')

    def test_rm_r_asks_once_on_a_terminal(self):
        self.put_remote('victim/a/b.txt', b'b')
        self.put_remote('victim/c.txt', b'c')
        self.put_remote('victim2/d.txt', b'd')
        self.start()
        self.term.type('rm -r victim\r')
        self.term.expect(r'Remove victim and everything in it\? \[y/N\] ')
        self.term.type('n\r')
        self.term.expect(r'Nothing removed\.')
        self.term.expect(r'/> ')
        self.assertTrue(os.path.exists(os.path.join(self.root, 'victim/a/b.txt')))
        self.term.type('rm -r victim\r')
        self.term.expect(r'\[y/N\] ')
        self.term.type('y\r')
        self.term.expect(r'/> ')
        self.assertFalse(os.path.exists(os.path.join(self.root, 'victim')))
        # -f: no question at all.
        self.term.type('rm -rf victim2\r')
        self.term.expect(r'/> ')
        self.assertFalse(os.path.exists(os.path.join(self.root, 'victim2')))
        self.assertNotIn('[y/N]', self.term.screen)

    def test_more_pages_through_pager(self):
        self.put_remote('paged.txt', b'quiet words\n')
        # The "pager" upper-cases what it gets: proof it was in the way.
        self.start(env={'PAGER': 'tr a-z A-Z'})
        self.term.type('more paged.txt\r')
        self.term.expect(r'QUIET WORDS')
        self.term.expect(r'/> ')

    def test_bang_lls_and_history(self):
        with open(os.path.join(self.cwd, 'seen-by-lls.txt'), 'w') as f:
            f.write('x')
        self.start()
        self.term.type('!echo hello from the shell\r')
        self.term.expect(r'\nhello from the shell\n')
        self.term.expect(r'/> ')
        self.term.type('lls\r')
        self.term.expect(r'seen-by-lls\.txt')
        self.term.expect(r'/> ')
        self.term.type('history\r')
        self.term.expect(r'\d+  !echo hello from the shell\n\s*\d+  lls\n'
                         r'\s*\d+  history\n')
        self.term.expect(r'/> ')

    def test_wrong_password_at_open_keeps_the_connection(self):
        self.start(args=[])
        self.term.expect(r'ftpc> ')
        self.term.type('open 127.0.0.1:%d\r' % self.server.port)
        self.term.expect(r'Name \(127\.0\.0\.1:[^)]*\): ')
        self.term.type('alice\r')
        self.term.expect(r'Password:')
        self.term.type('wrong\r')
        self.term.expect(r'Still connected to 127\.0\.0\.1: "user NAME" '
                         r'logs in\.')
        self.term.expect(r'127\.0\.0\.1 \(not logged in\)> ')
        self.term.type('user alice secret\r')
        self.term.expect(r'alice@127\.0\.0\.1:/> ')
        self.term.type('pwd\r')
        self.term.expect(r'Remote directory: /\n')

    def test_help_wraps_to_the_window(self):
        self.start()
        fcntl.ioctl(self.term.master, termios.TIOCSWINSZ,
                    struct.pack('HHHH', 30, 50, 0, 0))
        self.term.type('help mirror\r')
        m = self.term.expect(r'usage: mirror (.|\n)*?/> ')
        lines = m.group(0).splitlines()[:-1]
        self.assertGreater(len(lines), 5)
        for line in lines:
            self.assertLessEqual(len(line), 49, line)


if __name__ == '__main__':
    ftpharness.run_suite('test_ftpc_shellcmds')
