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
 *
 * Handlers only; the SQL is in store_session.c (core_login_reserve, core_session_create...).
 * A log-in's session, the guard's give-back, the user read back for the answer and the audit
 * row "login" are one transaction: an answered 500 never leaves a session behind.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "core_int.h"

static void h_login(req *r)
{
    const char *username, *password;
    if (!body_require_object_or_reply(r) ||
        !body_str_or_reply(r, "username", 64, true, &username) ||
        !body_str_or_reply(r, "password", 128, true, &password))
        return;
    const app *a = r->app;
    int64_t now = now_unix();
    char addr[CLIENT_ADDR_LEN];
    client_addr_key(r->ip, addr);
    verdict v = core_login_reserve(r->db, a, username, addr, now);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }

    /* No transaction from here to the end of the check: Argon2id runs on its own. */
    int64_t uid = 0;
    char hash[256] = "";
    int rc = core_login_account(r->db, username, &uid, hash, sizeof hash);
    if (rc != DB_ROW && rc != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
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
    v = core_session_create(r->db, a, req_audit(r, 200), username, addr, uid, th, now, &u);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
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
    /* the store's write drops the session from every server's cache before it returns */
    verdict v = core_session_end(r->db, req_audit(r, 204), th);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_empty(r, 204);
}

/* The answer of GET /me depends on the caller alone: the account, its roles, and what those
 * roles open (fixed at start, perms.c). It is kept per account and served only to a caller
 * equal in every field to the one it was made for, so it needs no invalidation of its own:
 * a changed account (read afresh by the session cache after its "u" message) misses. */
#define ME_SLOTS   4096
#define ME_STRIPES 64
static struct {
    pthread_mutex_t mu[ME_STRIPES];
    struct {
        user u;
        char *body;
        size_t len;
    } slot[ME_SLOTS];
} me_cache;
static pthread_once_t me_once = PTHREAD_ONCE_INIT;

static void me_init(void)
{
    for (int i = 0; i < ME_STRIPES; i++)
        pthread_mutex_init(&me_cache.mu[i], NULL);
}

static bool same_user(const user *a, const user *b)
{
    if (a->id != b->id || a->district_id != b->district_id || a->nroles != b->nroles ||
        strcmp(a->username, b->username) != 0 || strcmp(a->name, b->name) != 0)
        return false;
    for (int i = 0; i < a->nroles; i++)
        if (a->roles[i].kind != b->roles[i].kind ||
            a->roles[i].school_id != b->roles[i].school_id ||
            a->roles[i].grade != b->roles[i].grade ||
            a->roles[i].institution_id != b->roles[i].institution_id)
            return false;
    return true;
}

static void h_me(req *r)
{
    pthread_once(&me_once, me_init);
    size_t i = (size_t)r->user->id % ME_SLOTS;
    pthread_mutex_t *mu = &me_cache.mu[i % ME_STRIPES];
    pthread_mutex_lock(mu);
    if (me_cache.slot[i].body && same_user(&me_cache.slot[i].u, r->user)) {
        reply_raw(r, 200, "application/json; charset=utf-8", me_cache.slot[i].body,
                  me_cache.slot[i].len);
        pthread_mutex_unlock(mu);
        return;
    }
    pthread_mutex_unlock(mu);
    json_t *u = auth_user_json(r->user);
    json_object_set_new(u, "permissions", core_permissions_json(r->app, r->user));
    reply_json(r, 200, u);
    char *body = malloc(r->resp_len + 1);
    if (!body)
        abort();
    memcpy(body, r->resp_body, r->resp_len + 1);
    pthread_mutex_lock(mu);
    char *old = me_cache.slot[i].body;
    me_cache.slot[i].u = *r->user;
    me_cache.slot[i].body = body;
    me_cache.slot[i].len = r->resp_len;
    pthread_mutex_unlock(mu);
    free(old);
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
