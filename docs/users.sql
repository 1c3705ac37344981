-- The users table of ftpd's PostgreSQL backend (`users = postgresql://...`
-- in ftpd.conf; see ftpd.conf(5)). Load it with
--   psql -v ON_ERROR_STOP=1 -d DBNAME -f docs/users.sql
-- ftpd reads one row per login (SELECT ... WHERE name = $1), so rows added,
-- changed or locked here take effect at the next login on every node,
-- without SIGHUP. The role ftpd connects as needs only SELECT on this table.
--
-- The rules are those of the users file (ftpd.conf(5), "Users"); ftpd
-- checks them again on every row it reads, and refuses a user whose row
-- breaks them (the log names the user and the column), so a table made
-- without these constraints is safe, merely less helpful.
CREATE TABLE ftpd_users (
    -- The login name (letters, digits, '.', '_', '-', '@'; at most 64).
    name        text PRIMARY KEY
                CONSTRAINT ftpd_users_name_ok
                CHECK (name ~ '^[A-Za-z0-9._@-]{1,64}$'),
    -- A crypt(3) hash from `ftpd --hash-password` (yescrypt or
    -- sha512-crypt). A hash starting with '!' (or just '*') locks the
    -- account, as in the users file.
    hash        text NOT NULL
                CONSTRAINT ftpd_users_hash_ok
                CHECK (hash ~ '^[$!*]'),
    -- The user's home: a virtual path beneath the server root (the root
    -- is the same folder on every node), never with a ".." component.
    home        text NOT NULL
                CONSTRAINT ftpd_users_home_ok
                CHECK (home <> '' AND home !~ '(^|/)\.\.(/|$)'),
    -- 'rw' (may upload, delete, rename) or 'ro'.
    permissions text NOT NULL DEFAULT 'ro'
                CONSTRAINT ftpd_users_permissions_ok
                CHECK (permissions IN ('rw', 'ro')),
    -- true: the account may not log in (like a '!' hash).
    locked      boolean NOT NULL DEFAULT false,
    -- The user's own limits, as the users file's fifth field: bytes per
    -- second for the rates, bytes and files for the quotas. NULL (or 0):
    -- no limit of the user's own; the server-wide settings still apply.
    rate_down   bigint CONSTRAINT ftpd_users_rate_down_ok CHECK (rate_down >= 0),
    rate_up     bigint CONSTRAINT ftpd_users_rate_up_ok CHECK (rate_up >= 0),
    quota_bytes bigint CONSTRAINT ftpd_users_quota_bytes_ok CHECK (quota_bytes >= 0),
    quota_files bigint CONSTRAINT ftpd_users_quota_files_ok CHECK (quota_files >= 0)
);

-- Example:
--   INSERT INTO ftpd_users (name, hash, home, permissions, quota_bytes)
--   VALUES ('alice', '$y$j9T$...', '/alice', 'rw', 5368709120);
