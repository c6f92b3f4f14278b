-- 0004_login_guard.sql: the log-in guard (src/core/api_session.c). Failed log-ins are counted
-- per (username as typed, client address) for the lock-out, and per client address over all
-- usernames; an attempt is reserved before its password is checked. A row whose window has
-- passed is deleted by the next attempt. login_failures (one count per username, for every
-- address) gives way to these two.
DROP TABLE login_failures;

CREATE TABLE login_guard_account (
    username TEXT NOT NULL,
    addr TEXT NOT NULL,          -- client_addr_key(): IPv4, or an IPv6 /64
    attempts INTEGER NOT NULL,   -- failures, and attempts being checked right now
    first_at BIGINT NOT NULL,    -- unix seconds of the window's first attempt
    PRIMARY KEY (username, addr)
);
CREATE INDEX login_guard_account_first_at ON login_guard_account (first_at);

CREATE TABLE login_guard_addr (
    addr TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    first_at BIGINT NOT NULL
);
CREATE INDEX login_guard_addr_first_at ON login_guard_addr (first_at);
