/*
 * api_account.c: passwords and personal numbers of an account.
 *
 *   PUT  /api/v1/me/password            the caller changes their own (old password required)
 *   POST /api/v1/users/{id}/password    an admin sets one (imported guardians and teachers
 *                                       start without a password); the user's sessions end
 *   GET  /api/v1/users/{id}/phone       reveals a phone number in clear; every reveal is
 *                                       written to the audit log (PIPL)
 *
 * Who may (both routes, auth_manages_user_or_reply in auth.c): the district admin for any
 * account of the district (district staff too for the phone); a school admin only when every
 * role of the account is at a school they administer and every pupil it is a guardian of is
 * at one: a guardian with a child at another school, a teacher who also works at another
 * school or holds a district role is the district's to manage. Setting someone's password is
 * a way into their account; this is the rule that keeps a school admin inside their school.
 *   GET  /api/v1/health (public)        for load balancers: the store answers; the clock
 *                                       (api_clock.c), test_clock true on the test clock
 */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "core.h"
#include "pii.h"
#include "session_cache.h"

static bool password_ok_or_reply(req *r, const char *field, const char *pw)
{
    if (strlen(pw) >= 8)
        return true;
    json_t *extra = json_pack("{s:s,s:s}", "field", field, "message",
                              r->english ? "The password needs at least 8 characters" : "密码至少 8 位");
    reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
    return false;
}

/* Sets the hash and ends every session of the user, in one transaction. */
static void set_password(req *r, int64_t uid, const char *pw, int status)
{
    char hash[crypto_pwhash_STRBYTES];
    if (!auth_password_hash(pw, hash)) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    int rc = db_begin_write(r->db) == DB_OK ? DB_DONE : DB_ERROR;
    if (rc == DB_DONE)
        rc = db_run(r->db, "UPDATE users SET password_hash = $1 WHERE id = $2", hash, uid);
    if (rc == DB_DONE)
        rc = db_run(r->db, "DELETE FROM sessions WHERE user_id = $1", uid);
    if (rc == DB_DONE)
        rc = db_commit(r->db) == DB_OK ? DB_DONE : DB_ERROR;
    else
        db_rollback(r->db);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    session_cache_drop_user(r->app->sessions, uid);
    r->audit_target = uid;
    reply_empty(r, status);
}

static void h_my_password(req *r)
{
    const char *old_pw, *new_pw;
    if (!body_require_object_or_reply(r) ||
        !body_str_or_reply(r, "old_password", 128, true, &old_pw) ||
        !body_str_or_reply(r, "new_password", 128, true, &new_pw) ||
        !password_ok_or_reply(r, "new_password", new_pw))
        return;
    db_stmt *s = db_query(r->db, "SELECT password_hash FROM users WHERE id = $1", r->user->id);
    char *hash = NULL;
    if (s && db_step(s) == DB_ROW)
        hash = req_strdup(r, db_col_text(s, 0));
    db_finalize(s);
    if (!hash || !auth_password_verify(hash, old_pw)) {
        reply_err_field(r, SJ_ERR_BAD_CREDENTIALS, "old_password");
        return;
    }
    set_password(r, r->user->id, new_pw, 204);
}

static void h_user_password(req *r)
{
    int64_t uid = r->params[0];
    const char *pw;
    /* the account and the caller's scope over it first: a body error must not tell another
     * school's admin anything */
    if (!auth_manages_user_or_reply(r, uid, false))
        return;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "password", 128, true, &pw) ||
        !password_ok_or_reply(r, "password", pw))
        return;
    set_password(r, uid, pw, 204);
}

static void h_user_phone(req *r)
{
    int64_t uid = r->params[0];
    if (!auth_manages_user_or_reply(r, uid, true))
        return;
    db_stmt *s = db_query(r->db, "SELECT phone_enc FROM users WHERE id = $1", uid);
    char *phone = NULL;
    if (s && db_step(s) == DB_ROW && !db_col_isnull(s, 0))
        phone = pii_open(r->app->data_key, db_col_text(s, 0));
    db_finalize(s);
    if (!phone) {
        reply_err(r, SJ_ERR_NOT_FOUND);
        return;
    }
    audit_record(r, "reveal phone", "user", uid, NULL);
    reply_json(r, 200, json_pack("{s:I,s:s}", "user_id", (json_int_t)uid, "phone", phone));
    free(phone);
}

static void h_health(req *r)
{
    int64_t one = 0;
    int rc = db_query_int64(r->db, &one, "SELECT 1");
    if (rc != DB_ROW) {
        reply_err(r, SJ_ERR_UNAVAILABLE);
        return;
    }
    json_t *o = json_pack("{s:b,s:s,s:s}", "ok", 1, "version", SJ_VERSION, "store",
                          db_kind(r->db) == DB_SQLITE ? "sqlite" : "postgresql");
    clock_fields_add(o); /* a monitor sees a server on the test clock */
    reply_json(r, 200, o);
}

static const route routes[] = {
    {"PUT", "/api/v1/me/password", h_my_password, PERM_USER, 0, 0},
    {"POST", "/api/v1/users/{id}/password", h_user_password, "core:user:password",
     ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_SCHOOL_ADMIN), 0},
    {"GET", "/api/v1/users/{id}/phone", h_user_phone, "core:user:reveal",
     ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_SCHOOL_ADMIN), 0},
    {"GET", "/api/v1/health", h_health, PERM_PUBLIC, 0, 0},
};

const route *account_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
