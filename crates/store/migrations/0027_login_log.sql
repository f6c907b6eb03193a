-- Every log-in attempt, with its client address and result: the administrator's log-in log, and what
-- the throttle counts (by login and address, and by address across logins). Replaces the failures
-- table, which kept whatever login name was sent, of any length.
CREATE TABLE login_attempts (
    id {ID},
    at TEXT NOT NULL,
    login TEXT NOT NULL,
    address TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE INDEX login_attempts_login ON login_attempts(login, address, id);
CREATE INDEX login_attempts_address ON login_attempts(address, at);
CREATE INDEX login_attempts_at ON login_attempts(at);
DROP TABLE login_failures;

-- A password set by an administrator is changed by its user at the next log-in.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
-- Logins are unique regardless of case (they are ASCII, so lower() agrees on both engines).
CREATE UNIQUE INDEX users_login_ci ON users(lower(login));

-- Sessions end after a time without use (idle_until, moved on at most once a minute: last_seen) as
-- well as at the end of their lifetime (expires_at).
ALTER TABLE sessions ADD COLUMN last_seen TEXT;
ALTER TABLE sessions ADD COLUMN idle_until TEXT NOT NULL DEFAULT '9999-12-31';
