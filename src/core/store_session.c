/*
 * store_session.c: the SQL of logging in and out: the log-in guard's counters, sessions, and
 * the password hash a log-in or a password change checks. The guard's design (two counters,
 * an attempt reserved before Argon2id runs, a refused attempt counting nowhere, rows pruned
 * without waiting for locks) is explained at the top of api_session.c.
 *
 * Lock order: the address's row, then the (username, address) row, in both transactions that
 * touch them (the reservation and the session's creation).
 */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "core_int.h"

/* One more attempt from `addr`, all usernames together: the new count, or none at the limit. */
static const char sql_reserve_addr[] =
    "INSERT INTO login_guard_addr (addr, attempts, first_at) VALUES ($1, 1, $2)"
    " ON CONFLICT (addr) DO UPDATE SET"
    " attempts = CASE WHEN login_guard_addr.first_at <= $3 THEN 1"
    "                 ELSE login_guard_addr.attempts + 1 END,"
    " first_at = CASE WHEN login_guard_addr.first_at <= $3 THEN $2"
    "                 ELSE login_guard_addr.first_at END"
    " WHERE login_guard_addr.first_at <= $3 OR login_guard_addr.attempts < $4"
    " RETURNING attempts";

/* The same for (username, addr). */
static const char sql_reserve_account[] =
    "INSERT INTO login_guard_account (username, addr, attempts, first_at) VALUES ($1, $2, 1, $3)"
    " ON CONFLICT (username, addr) DO UPDATE SET"
    " attempts = CASE WHEN login_guard_account.first_at <= $4 THEN 1"
    "                 ELSE login_guard_account.attempts + 1 END,"
    " first_at = CASE WHEN login_guard_account.first_at <= $4 THEN $3"
    "                 ELSE login_guard_account.first_at END"
    " WHERE login_guard_account.first_at <= $4 OR login_guard_account.attempts < $5"
    " RETURNING attempts";

/* Deletes the rows whose window has passed. On PostgreSQL rows another transaction holds are
 * skipped, never waited for: this runs after the reservation's own row locks are taken, and a
 * wait here could close a cycle with a transaction waiting for those (a deadlock). SQLite runs
 * one write transaction at a time, so nothing waits there. */
static int guard_prune(db_conn *c, int64_t cut)
{
    int rc;
    if (db_kind(c) == DB_PG) {
        rc = db_run(c,
                    "DELETE FROM login_guard_addr WHERE addr IN (SELECT addr FROM login_guard_addr"
                    " WHERE first_at <= $1 FOR UPDATE SKIP LOCKED)",
                    cut);
        if (rc == DB_DONE)
            rc = db_run(c,
                        "DELETE FROM login_guard_account WHERE (username, addr) IN"
                        " (SELECT username, addr FROM login_guard_account WHERE first_at <= $1"
                        " FOR UPDATE SKIP LOCKED)",
                        cut);
        return rc;
    }
    rc = db_run(c, "DELETE FROM login_guard_addr WHERE first_at <= $1", cut);
    if (rc == DB_DONE)
        rc = db_run(c, "DELETE FROM login_guard_account WHERE first_at <= $1", cut);
    return rc;
}

/* 429 with the seconds until the window that refused has passed (first_at its start). */
static verdict locked_out(const app *a, int64_t first_at, int64_t now)
{
    int64_t retry_s = first_at + a->login_window_s - now;
    if (retry_s < 1)
        retry_s = 1;
    if (retry_s > a->login_window_s)
        retry_s = a->login_window_s;
    int64_t minutes = (retry_s + 59) / 60;
    verdict v = verdict_err(SJ_ERR_LOCKED_OUT,
                            minutes == 1 ? "core.locked_out.one_minute" : "core.locked_out");
    verdict_num(&v, "retry_after_s", retry_s);
    verdict_num(&v, "minutes", minutes);
    return v;
}

verdict core_login_reserve(db_conn *c, const app *a, const char *username, const char *addr,
                           int64_t now)
{
    int64_t cut = now - a->login_window_s, n = 0, first_at = now;
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = db_query_int64(c, &n, sql_reserve_addr, addr, now, cut,
                        (int64_t)a->login_max_failures_addr);
    if (rc == DB_DONE) { /* the address is at its limit */
        rc = db_query_int64(c, &first_at, "SELECT first_at FROM login_guard_addr WHERE addr = $1",
                            addr);
    } else if (rc == DB_ROW) {
        rc = db_query_int64(c, &n, sql_reserve_account, username, addr, now, cut,
                            (int64_t)a->login_max_failures);
        if (rc == DB_DONE) /* this username from this address is at its limit */
            rc = db_query_int64(c, &first_at,
                                "SELECT first_at FROM login_guard_account"
                                " WHERE username = $1 AND addr = $2",
                                username, addr);
        else if (rc == DB_ROW)
            return core_tx_end(c, guard_prune(c, cut)); /* reserved */
    }
    /* refused (or failed): the reservation is rolled back, so it counts nowhere */
    if (rc == DB_ROW)
        return core_tx_refuse(c, locked_out(a, first_at, now));
    return core_tx_end(c, rc == DB_DONE ? DB_ERROR : rc);
}

int core_login_account(db_conn *c, const char *username, int64_t *user_id, char *hash,
                       size_t hashlen)
{
    *user_id = 0;
    hash[0] = 0;
    db_stmt *s = db_query(c, "SELECT id, password_hash FROM users WHERE username = $1", username);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        *user_id = db_next_int64(&row);
        db_next_text(&row, hash, hashlen);
    }
    db_finalize(s);
    return rc;
}

verdict core_session_create(db_conn *c, const app *a, audit_who *who, const char *username,
                            const char *addr, int64_t user_id, const char *token_hash, int64_t now,
                            user *out)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    /* the address's row first, as core_login_reserve locks them */
    rc = db_run(c,
                "UPDATE login_guard_addr SET attempts = attempts - 1"
                " WHERE addr = $1 AND attempts > 0 AND first_at > $2",
                addr, now - a->login_window_s);
    if (rc == DB_DONE)
        rc = db_run(c, "DELETE FROM login_guard_account WHERE username = $1 AND addr = $2",
                    username, addr);
    if (rc == DB_DONE)
        rc =
            db_run(c, "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2", user_id, now);
    if (rc == DB_DONE)
        rc = db_run(c,
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                    " VALUES ($1, $2, $3, $4)",
                    token_hash, user_id, now, now + a->session_ttl_s);
    /* what the answer says is read inside the transaction: a failure to read it ends the
     * session before anyone holds its token (issue 8) */
    if (rc == DB_DONE)
        rc = auth_load_user(c, user_id, out) == DB_ROW ? DB_DONE : DB_ERROR;
    if (rc == DB_DONE && who) { /* the row names who logged in */
        who->district_id = out->district_id;
        who->user_id = out->id;
        who->username = out->username;
        who->action = "login";
        who->target_kind = "user";
        who->detail = NULL;
        rc = audit_tx(c, who, user_id);
    }
    return core_tx_end(c, rc);
}

verdict core_session_end(db_conn *c, audit_who *who, const char *token_hash)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = db_run(c, "DELETE FROM sessions WHERE token_hash = $1", token_hash);
    char msg[8 + AUTH_HASH_HEX];
    snprintf(msg, sizeof msg, "s %s", token_hash);
    if (rc == DB_DONE) /* every server's cache drops it before the answer (cache_bus.h) */
        rc = db_notify(c, msg);
    if (rc == DB_DONE)
        rc = audit_tx(c, who, 0);
    return core_tx_end(c, rc);
}

int core_password_hash_of(db_conn *c, int64_t user_id, char *hash, size_t hashlen)
{
    hash[0] = 0;
    db_stmt *s = db_query(c, "SELECT password_hash FROM users WHERE id = $1", user_id);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW)
        db_col_copy(s, 0, hash, hashlen);
    db_finalize(s);
    return rc;
}
