/*
 * api_account.c: passwords and personal numbers of an account.
 *
 *   PUT  /api/v1/me/password            the caller changes their own (old password required)
 *   POST /api/v1/users/{id}/password    an admin sets one (imported guardians and teachers
 *                                       start without a password); the user's sessions end
 *   GET  /api/v1/users/{id}/phone       reveals a phone number in clear; every reveal is
 *                                       written to the audit log (PIPL): when its row cannot be
 *                                       written, 500 and nothing is revealed
 *
 * Who may (both routes, auth_manages_user_or_reply in auth.c): the district admin for any
 * account of the district (district staff too for the phone); a school admin only when every
 * role of the account is at a school they administer and every pupil it is a guardian of is
 * at one: a guardian with a child at another school, a teacher who also works at another
 * school or holds a district role is the district's to manage. Setting someone's password is
 * a way into their account; this is the rule that keeps a school admin inside their school.
 *   GET  /api/v1/health (public)        for load balancers: the store answers; the clock
 *                                       (api_clock.c), test_clock true on the test clock
 * Handlers only; the SQL is in store_people.c and store_session.c (core_int.h).
 */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "core_int.h"

static bool password_ok_or_reply(req *r, const char *field, const char *pw)
{
    if (strlen(pw) >= 8)
        return true;
    reply_field(r, SJ_ERR_BAD_FIELD, field, "core.password_short");
    return false;
}

/* Sets the hash and ends every session of the user, in one transaction (core_password_set),
 * which drops them from every server's cache before it returns. */
static void set_password(req *r, int64_t uid, const char *pw)
{
    char hash[crypto_pwhash_STRBYTES];
    if (!auth_password_hash(pw, hash)) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    verdict v = core_password_set(r->db, req_audit(r, 204), uid, hash);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_empty(r, 204);
}

static void h_my_password(req *r)
{
    const char *old_pw, *new_pw;
    if (!body_require_object_or_reply(r) ||
        !body_str_or_reply(r, "old_password", 128, true, &old_pw) ||
        !body_str_or_reply(r, "new_password", 128, true, &new_pw) ||
        !password_ok_or_reply(r, "new_password", new_pw))
        return;
    char hash[256] = "";
    int rc = core_password_hash_of(r->db, r->user->id, hash, sizeof hash);
    if (rc != DB_ROW && rc != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    if (!hash[0] || !auth_password_verify(hash, old_pw)) {
        reply_err_field(r, SJ_ERR_BAD_CREDENTIALS, "old_password");
        return;
    }
    set_password(r, r->user->id, new_pw);
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
    set_password(r, uid, pw);
}

static void h_user_phone(req *r)
{
    int64_t uid = r->params[0];
    if (!auth_manages_user_or_reply(r, uid, true))
        return;
    char *phone = NULL;
    int rc = core_user_phone(r->db, r->app, uid, &phone);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    /* no reveal without its audit row (PIPL) */
    if (audit_insert(r, "reveal phone", "user", uid, 200, NULL) != DB_DONE)
        reply_err(r, SJ_ERR_INTERNAL);
    else
        reply_json(r, 200, json_pack("{s:I,s:s}", "user_id", (json_int_t)uid, "phone", phone));
    free(phone);
}

static void h_health(req *r)
{
    if (core_store_ping(r->db) != DB_ROW) {
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
