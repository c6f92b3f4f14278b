/*
 * policy_store.c: which policy is in force now, and the district's policy versions.
 *
 * The base policy is the national defaults with the optional --policy file on top. A district
 * admin stores a new version (PUT /api/v1/policy: changed numbers by rule ID, and the date
 * from which they apply). A version builds on the one in force on its date: it stores that
 * version's overrides with the changes laid over them, so every stored row is complete by
 * itself. From its date on, every request sees base + that version. Decisions store the
 * version string (district-<date>.<id>, unique) they were made under, so past decisions keep
 * theirs.
 *
 * Each district has its own versions: a request's policy is its caller's district's, chosen
 * after authentication (http.c).
 *
 * State: the store caches each district's version in force for one second (so several servers
 * sharing a database agree within a second) and keeps every version it has parsed until it is
 * freed at exit: a request may still hold an older one. A mutex guards the cache.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "policy.h"
#include "policy_store.h"

typedef struct loaded {
    struct loaded *next;
    int64_t id;
    policy *pol;
} loaded;

/* The version in force for one district, as last looked up. */
typedef struct current {
    struct current *next;
    int64_t district_id;
    const policy *pol;
    int64_t checked_at;
} current;

struct policy_store {
    const policy *base;
    pthread_mutex_t mu;
    loaded *all;
    current *districts;
};

policy_store *policy_store_new(const policy *base)
{
    policy_store *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base = base;
    pthread_mutex_init(&s->mu, NULL);
    return s;
}

void policy_store_free(policy_store *s)
{
    if (!s)
        return;
    for (loaded *l = s->all, *next; l; l = next) {
        next = l->next;
        policy_free(l->pol);
        free(l);
    }
    for (current *d = s->districts, *next; d; d = next) {
        next = d->next;
        free(d);
    }
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* Lays `top`'s rules over a copy of `base`'s rules, key by key. Returns a new object. */
static json_t *merge_rules(const json_t *base, const json_t *top)
{
    json_t *out = json_deep_copy(json_is_object(base) ? base : NULL);
    if (!out)
        out = json_object();
    const char *rule;
    json_t *vals;
    json_object_foreach((json_t *)top, rule, vals) {
        json_t *cur = json_object_get(out, rule);
        if (json_is_object(cur))
            json_object_update(cur, vals);
        else
            json_object_set_new(out, rule, json_deep_copy(vals));
    }
    return out;
}

/* A stored version's policy: base overrides, then the version's. NULL when it does not parse. */
static policy *version_policy(const policy *base, int64_t id, const char *eff, const char *body)
{
    json_error_t je;
    json_t *stored = json_loads(body, 0, &je);
    if (!stored)
        return NULL;
    json_t *rules = merge_rules(json_object_get(policy_overrides(base), "rules"),
                                json_object_get(stored, "rules"));
    char version[64];
    snprintf(version, sizeof version, "district-%s.%lld", eff, (long long)id);
    json_t *over = json_pack("{s:s,s:s,s:o}", "version", version, "effective_from", eff, "rules", rules);
    char err[256];
    policy *p = policy_new(over, err, sizeof err);
    json_decref(over);
    json_decref(stored);
    return p;
}

/* The version in force today: the newest whose effective date has come. */
static const policy *lookup(policy_store *s, db_conn *c, int64_t district_id, const policy *was)
{
    char today[11];
    today_local(today);
    db_stmt *st = db_query(c,
                           "SELECT id, body, effective_from FROM policy_versions WHERE district_id = $1"
                           " AND effective_from <= $2 ORDER BY effective_from DESC, id DESC LIMIT 1", district_id, today);
    if (!st)
        return was;
    const policy *found = s->base;
    if (db_step(st) == DB_ROW) {
        int64_t id = db_col_int64(st, 0);
        loaded *l = s->all;
        while (l && l->id != id)
            l = l->next;
        if (!l) {
            policy *p = version_policy(s->base, id, db_col_text(st, 2), db_col_text(st, 1));
            if (p) {
                l = calloc(1, sizeof *l);
                if (!l)
                    abort();
                l->id = id;
                l->pol = p;
                l->next = s->all;
                s->all = l;
            }
        }
        if (l)
            found = l->pol;
    }
    db_finalize(st);
    return found;
}

const policy *policy_store_current(policy_store *s, db_conn *c, int64_t district_id)
{
    int64_t now = now_unix();
    pthread_mutex_lock(&s->mu);
    current *d = s->districts;
    while (d && d->district_id != district_id)
        d = d->next;
    if (!d) {
        d = calloc(1, sizeof *d);
        if (!d)
            abort();
        d->district_id = district_id;
        d->pol = s->base;
        d->next = s->districts;
        s->districts = d;
    }
    if (d->checked_at != now) {
        d->pol = lookup(s, c, district_id, d->pol);
        d->checked_at = now;
    }
    const policy *p = d->pol;
    pthread_mutex_unlock(&s->mu);
    return p;
}

void policy_store_invalidate(policy_store *s)
{
    pthread_mutex_lock(&s->mu);
    for (current *d = s->districts; d; d = d->next)
        d->checked_at = 0;
    pthread_mutex_unlock(&s->mu);
}

/* ---------- routes ---------- */

static void h_policy_get(req *r)
{
    reply_json(r, 200, json_deep_copy(policy_json(r->pol)));
}

static void h_policy_put(req *r)
{
    const char *eff;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "effective_from", true, &eff))
        return;
    char today[11];
    today_local(today);
    if (strcmp(eff, today) < 0) {
        json_t *extra = json_pack("{s:s,s:s}", "field", "effective_from", "message",
                                  r->english ? "A policy version cannot take effect in the past"
                                             : "政策生效日期不能早于今天(已作出的决定保持原版本)");
        reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
        return;
    }
    json_t *rules = json_object_get(r->body, "rules");
    if (!json_is_object(rules) || json_object_size(rules) == 0) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "rules");
        return;
    }
    /* every override must name a known rule and key and hold a value of its kind (policy.h) */
    const char *bad_rule, *bad_key;
    char why[200];
    if (!policy_check_rules(rules, &bad_rule, &bad_key, why, sizeof why)) {
        json_t *extra = json_pack("{s:s,s:s}", "field", "rules", "reason", why);
        if (bad_rule)
            json_object_set_new(extra, "rule", json_string(bad_rule));
        if (bad_key)
            json_object_set_new(extra, "key", json_string(bad_key));
        reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
        return;
    }
    /* build on the version in force on that date */
    json_t *prev = NULL;
    db_stmt *q = db_query(r->db,
                          "SELECT body FROM policy_versions WHERE district_id = $1 AND"
                          " effective_from <= $2 ORDER BY effective_from DESC, id DESC LIMIT 1", r->user->district_id, eff);
    if (q && db_step(q) == DB_ROW) {
        json_error_t je;
        prev = json_loads(db_col_text(q, 0), 0, &je);
    }
    db_finalize(q);
    json_t *merged = merge_rules(json_object_get(prev, "rules"), rules);
    json_decref(prev);
    int64_t id = 0;
    json_t *doc = json_pack("{s:s,s:o}", "effective_from", eff, "rules", merged);
    char *body = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    int rc = db_insert_id(r->db, &id,
                          "INSERT INTO policy_versions (district_id, effective_from, body, created_at,"
                          " created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id", r->user->district_id, eff, body, now_unix(), r->user->id);
    free(body);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    policy_store_invalidate(r->app->policies);
    r->audit_target = id;
    char *version = req_printf(r, "district-%s.%lld", eff, (long long)id);
    reply_json(r, 201, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "version", version,
                                 "effective_from", eff));
}

static void h_policy_versions(req *r)
{
    reply_list(r,
               "SELECT id, effective_from, body, created_at FROM policy_versions"
               " WHERE district_id = $1 ORDER BY effective_from DESC, id DESC",
               "SELECT COUNT(*) FROM policy_versions WHERE district_id = $1",
               "id:i,effective_from:s,overrides:s,created_at:i", r->user->district_id);
}

static const route routes[] = {
    {"GET", "/api/v1/policy", h_policy_get, PERM_USER, 0, 0},
    {"PUT", "/api/v1/policy", h_policy_put, "core:policy:edit", ROLE_BIT(ROLE_DISTRICT_ADMIN), 0},
    {"GET", "/api/v1/policy/versions", h_policy_versions, "core:policy:list",
     ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR), 0},
};

const route *policy_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
