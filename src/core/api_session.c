/*
 * api_session.c: logging in and out, and who the caller is.
 *
 * The log-in guard (API.md: 429 with Retry-After after 5 failed attempts for one account from
 * one address within 15 minutes). Two counters, each a window counted from its first failure:
 *   - (username as typed, client address): `login_max_failures` failures inside
 *     `login_window_s` lock that username for that address (429, even with the right
 *     password) until the window has passed. Other addresses still log in: a storm from one
 *     address cannot lock an account for everyone.
 *   - client address, all usernames together: `login_max_failures_addr` failures in the same
 *     window, then every log-in from that address is 429 (password spraying, and the bound on
 *     the rows one address can make).
 * The client address is r->ip (client_addr.h: the peer, or behind a trusted proxy the
 * X-Forwarded-For hop it vouches for), an IPv6 client counted by its /64 network.
 *
 * DESIGN: an attempt is reserved before the password is checked. One short write transaction
 * increments both counters with an upsert that changes a row only while it is below its limit
 * (or its window has passed) and RETURNs the new count; no row back means the limit was
 * reached, and the transaction is rolled back, so a refused attempt counts nowhere. A reserved
 * attempt also deletes the rows whose window has passed. The transaction commits before
 * Argon2id runs: no write lock is held while hashing, and parallel guesses cannot all pass one
 * check. A wrong password keeps its reservation (that is the failure); the right one deletes
 * the (username, address) row and gives the address's reservation back, in the transaction
 * that creates the session. An attempt in flight counts until it is answered, so at most as
 * many log-ins from one address can be checked at once as its limit allows.
 *
 * Unknown usernames: counted exactly like known ones (a lock-out does not tell which names
 * exist), and the password is checked against `login_dummy_hash`, made at start with the
 * parameters of real hashes, so an unknown name costs the same time as a known one.
 * Rows: one per (username, address) and one per address, deleted once their window has passed
 * (by the next reserved attempt from anyone); inside a window an address holds at most
 * `login_max_failures_addr` rows.
 */
#include <string.h>

#include "auth.h"
#include "core.h"
#include "session_cache.h"

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
                    "i", cut);
        if (rc == DB_DONE)
            rc = db_run(c,
                        "DELETE FROM login_guard_account WHERE (username, addr) IN"
                        " (SELECT username, addr FROM login_guard_account WHERE first_at <= $1"
                        " FOR UPDATE SKIP LOCKED)",
                        "i", cut);
        return rc;
    }
    rc = db_run(c, "DELETE FROM login_guard_addr WHERE first_at <= $1", "i", cut);
    if (rc == DB_DONE)
        rc = db_run(c, "DELETE FROM login_guard_account WHERE first_at <= $1", "i", cut);
    return rc;
}

/* Reserves one attempt of `username` from `addr` (see the top of the file). Returns DB_DONE
 * when reserved, DB_ROW when a limit was reached (OUT: *retry_s, the seconds until that
 * window has passed), or a store error. Row locks are always taken in the same order: the
 * address's row, then the (username, address) row (the log-in's own transaction too). */
static int guard_reserve(req *r, const char *username, const char *addr, int64_t now,
                         int64_t *retry_s)
{
    const app *a = r->app;
    int64_t cut = now - a->login_window_s, n = 0, first_at = now;
    int rc = db_begin_write(r->db);
    if (rc != DB_OK)
        return rc;
    rc = db_query_int64(r->db, &n, sql_reserve_addr, "siii", addr, now, cut,
                        (int64_t)a->login_max_failures_addr);
    if (rc == DB_DONE) /* the address is at its limit */
        rc = db_query_int64(r->db, &first_at,
                            "SELECT first_at FROM login_guard_addr WHERE addr = $1", "s", addr);
    else if (rc == DB_ROW) {
        rc = db_query_int64(r->db, &n, sql_reserve_account, "ssiii", username, addr, now, cut,
                            (int64_t)a->login_max_failures);
        if (rc == DB_DONE) /* this username from this address is at its limit */
            rc = db_query_int64(r->db, &first_at,
                                "SELECT first_at FROM login_guard_account"
                                " WHERE username = $1 AND addr = $2",
                                "ss", username, addr);
        else if (rc == DB_ROW) {
            rc = guard_prune(r->db, cut);
            if (rc == DB_DONE)
                return db_commit(r->db) == DB_OK ? DB_DONE : DB_ERROR;
            db_rollback(r->db);
            return rc;
        }
    }
    db_rollback(r->db);
    if (rc != DB_ROW)
        return rc == DB_DONE ? DB_ERROR : rc;
    *retry_s = first_at + a->login_window_s - now;
    if (*retry_s < 1)
        *retry_s = 1;
    if (*retry_s > a->login_window_s)
        *retry_s = a->login_window_s;
    return DB_ROW;
}

static void reply_locked(req *r, int64_t retry_s)
{
    int64_t minutes = (retry_s + 59) / 60;
    const char *msg =
        r->english ? req_printf(r, "Too many failed logins; try again in %lld minute%s",
                                (long long)minutes, minutes == 1 ? "" : "s")
                   : req_printf(r, "登录失败次数过多,请 %lld 分钟后再试", (long long)minutes);
    reply_err_detail(r, SJ_ERR_LOCKED_OUT,
                     json_pack("{s:I,s:s}", "retry_after_s", (json_int_t)retry_s, "message", msg));
}

static void h_login(req *r)
{
    const char *username, *password;
    if (!body_require_object_or_reply(r) ||
        !body_str_or_reply(r, "username", 64, true, &username) ||
        !body_str_or_reply(r, "password", 128, true, &password))
        return;
    const app *a = r->app;
    int64_t now = now_unix(), retry_s = 0;
    char addr[CLIENT_ADDR_LEN];
    client_addr_key(r->ip, addr);
    int rc = guard_reserve(r, username, addr, now, &retry_s);
    if (rc == DB_ROW) {
        reply_locked(r, retry_s);
        return;
    }
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }

    /* No transaction from here to the end of the check: Argon2id runs on its own. */
    int64_t uid = 0;
    char hash[256] = "";
    db_stmt *s = db_query(r->db, "SELECT id, password_hash FROM users WHERE username = $1", "s",
                          username);
    if (!s) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    if (db_step(s) == DB_ROW) {
        uid = db_col_int64(s, 0);
        snprintf(hash, sizeof hash, "%s", db_col_text(s, 1));
    }
    db_finalize(s);
    /* an unknown name, or an account without a password yet, costs one Argon2id all the same */
    bool real = uid && hash[0];
    bool ok = auth_password_verify(real ? hash : a->login_dummy_hash, password) && real;
    if (!ok) {
        audit_insert(r, "login failed", "user", uid, 401, username);
        reply_err(r, SJ_ERR_BAD_CREDENTIALS);
        return;
    }

    char token[AUTH_TOKEN_LEN + 1], th[AUTH_HASH_HEX];
    auth_token_new(token, th);
    user u;
    rc = db_begin_write(r->db);
    if (rc == DB_OK) /* the address's row first, as guard_reserve locks them */
        rc = db_run(r->db,
                    "UPDATE login_guard_addr SET attempts = attempts - 1"
                    " WHERE addr = $1 AND attempts > 0 AND first_at > $2",
                    "si", addr, now - a->login_window_s);
    if (rc == DB_DONE)
        rc = db_run(r->db, "DELETE FROM login_guard_account WHERE username = $1 AND addr = $2",
                    "ss", username, addr);
    if (rc == DB_DONE)
        rc = db_run(r->db, "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2", "ii",
                    uid, now);
    if (rc == DB_DONE)
        rc = db_run(r->db,
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                    " VALUES ($1, $2, $3, $4)",
                    "siii", th, uid, now, now + a->session_ttl_s);
    if (rc == DB_DONE)
        rc = db_commit(r->db) == DB_OK ? DB_DONE : DB_ERROR;
    if (rc != DB_DONE || auth_load_user(r->db, uid, &u) != DB_ROW) {
        db_rollback(r->db);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    r->user = &u; /* the audit row names who logged in; u does not outlive this handler */
    audit_insert(r, "login", "user", uid, 200, NULL);
    r->user = NULL;
    char exp[32];
    unix_rfc3339(now + a->session_ttl_s, exp);
    json_t *uj = auth_user_json(&u);
    json_object_set_new(uj, "permissions", core_permissions_json(&u));
    reply_json(r, 200, json_pack("{s:s,s:s,s:o}", "token", token, "expires_at", exp, "user", uj));
}

static void h_logout(req *r)
{
    const char *authz = req_header(r, "Authorization");
    char th[AUTH_HASH_HEX];
    auth_token_hash(authz + 7, th);
    session_cache_drop(r->app->sessions, th);
    if (db_run(r->db, "DELETE FROM sessions WHERE token_hash = $1", "s", th) != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_empty(r, 204);
}

static void h_me(req *r)
{
    json_t *u = auth_user_json(r->user);
    json_object_set_new(u, "permissions", core_permissions_json(r->user));
    reply_json(r, 200, u);
}

static const route routes[] = {
    {"POST", "/api/v1/session", h_login, PERM_PUBLIC, 0, ROUTE_NO_AUDIT},
    {"DELETE", "/api/v1/session", h_logout, PERM_USER, 0, 0},
    {"GET", "/api/v1/me", h_me, PERM_USER, 0, 0},
};

const route *session_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
