/*
 * api_session.c: logging in and out, and who the caller is.
 *
 * Lock-out: a username with `login_max_failures` failed logins inside `login_window_s`
 * seconds is answered 429 (even with the right password) until the window has passed.
 * The window is counted from the first failure; a successful login clears it.
 */
#include <string.h>

#include "auth.h"
#include "core.h"
#include "session_cache.h"

static void h_login(req *r)
{
    const char *username, *password;
    if (!body_require_object_or_reply(r) ||
        !body_str_or_reply(r, "username", 64, true, &username) ||
        !body_str_or_reply(r, "password", 128, true, &password))
        return;
    const app *a = r->app;
    int64_t now = now_unix();
    int64_t failures = 0;
    db_stmt *s = db_query(r->db, "SELECT failures, first_at FROM login_failures WHERE username = $1", username);
    if (!s) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    if (db_step(s) == DB_ROW && db_col_int64(s, 1) > now - a->login_window_s)
        failures = db_col_int64(s, 0);
    db_finalize(s);
    if (failures >= a->login_max_failures) {
        json_t *extra = json_pack("{s:i}", "retry_after_s", a->login_window_s);
        reply_err_detail(r, SJ_ERR_LOCKED_OUT, extra);
        return;
    }

    int64_t uid = 0;
    char hash[256] = "";
    s = db_query(r->db, "SELECT id, password_hash FROM users WHERE username = $1", username);
    if (!s) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    if (db_step(s) == DB_ROW) {
        uid = db_col_int64(s, 0);
        snprintf(hash, sizeof hash, "%s", db_col_text(s, 1));
    }
    db_finalize(s);

    if (!uid || !auth_password_verify(hash, password)) {
        /* count the failure: a new window when the old one has passed */
        db_begin_write(r->db);
        db_run(r->db,
               "INSERT INTO login_failures (username, failures, first_at) VALUES ($1, 1, $2)"
               " ON CONFLICT (username) DO UPDATE SET"
               " failures = CASE WHEN login_failures.first_at > $3 THEN login_failures.failures + 1 ELSE 1 END,"
               " first_at = CASE WHEN login_failures.first_at > $3 THEN login_failures.first_at ELSE $2 END", username, now, now - a->login_window_s);
        db_commit(r->db);
        audit_insert(r, "login failed", "user", uid, 401, username);
        reply_err(r, SJ_ERR_BAD_CREDENTIALS);
        return;
    }

    char token[AUTH_TOKEN_LEN + 1], th[AUTH_HASH_HEX];
    auth_token_new(token, th);
    user u;
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_run(r->db, "DELETE FROM login_failures WHERE username = $1", username);
    if (rc == DB_DONE)
        rc = db_run(r->db, "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2",
                    uid, now);
    if (rc == DB_DONE)
        rc = db_run(r->db,
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                    " VALUES ($1, $2, $3, $4)", th, uid, now, now + a->session_ttl_s);
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
    json_object_set_new(uj, "permissions", core_permissions_json(r->app, &u));
    reply_json(r, 200, json_pack("{s:s,s:s,s:o}", "token", token, "expires_at", exp, "user", uj));
}

static void h_logout(req *r)
{
    const char *authz = req_header(r, "Authorization");
    char th[AUTH_HASH_HEX];
    auth_token_hash(authz + 7, th);
    session_cache_drop(r->app->sessions, th);
    if (db_run(r->db, "DELETE FROM sessions WHERE token_hash = $1", th) != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_empty(r, 204);
}

static void h_me(req *r)
{
    json_t *u = auth_user_json(r->user);
    json_object_set_new(u, "permissions", core_permissions_json(r->app, r->user));
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
