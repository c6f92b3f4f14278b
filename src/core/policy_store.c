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
 * The district admin's routes (GET/PUT /api/v1/policy, the versions) are in api_policy.c; the
 * version's write is core_policy_put below (one transaction, a verdict).
 *
 * State: the store caches each district's version in force for one second (the date turns),
 * and a new version ("p <district>" on the cache bus, cache_bus.h) makes every server look
 * again at once and keeps every version it has parsed until it is
 * freed at exit: a request may still hold an older one. A mutex guards the cache.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cache_bus.h"
#include "policy.h"
#include "core_int.h"
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

static void on_policy_msg(void *ctx, const char *msg)
{
    (void)msg;
    policy_store_invalidate(ctx);
}

policy_store *policy_store_new(const policy *base)
{
    policy_store *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base = base;
    pthread_mutex_init(&s->mu, NULL);
    cache_bus_on('p', on_policy_msg, s); /* a new version, here or in another server */
    return s;
}

void policy_store_free(policy_store *s)
{
    if (s)
        cache_bus_off(s);
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
    json_object_foreach((json_t *)top, rule, vals)
    {
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
    json_t *over =
        json_pack("{s:s,s:s,s:o}", "version", version, "effective_from", eff, "rules", rules);
    char err[256];
    policy *p = policy_new(over, err, sizeof err);
    json_decref(over);
    json_decref(stored);
    return p;
}

/* The policy of stored version `id`, parsed once and kept until exit; NULL when it does not
 * parse. The caller holds s->mu. */
static const policy *loaded_get(policy_store *s, int64_t id, const char *eff, const char *body)
{
    loaded *l = s->all;
    while (l && l->id != id)
        l = l->next;
    if (!l) {
        policy *p = version_policy(s->base, id, eff, body);
        if (!p)
            return NULL;
        l = calloc(1, sizeof *l);
        if (!l)
            abort();
        l->id = id;
        l->pol = p;
        l->next = s->all;
        s->all = l;
    }
    return l->pol;
}

/* The version in force today: the newest whose effective date has come. */
static const policy *lookup(policy_store *s, db_conn *c, int64_t district_id, const policy *was)
{
    char today[11];
    today_local(today);
    db_stmt *st =
        db_query(c,
                 "SELECT id, body, effective_from FROM policy_versions WHERE district_id = $1"
                 " AND effective_from <= $2 ORDER BY effective_from DESC, id DESC LIMIT 1",
                 district_id, today);
    if (!st)
        return was;
    const policy *found = s->base;
    if (db_step(st) == DB_ROW) {
        db_row row = db_row_at(st, 0);
        int64_t id = db_next_int64(&row);
        const char *body = db_next_text_ref(&row), *eff = db_next_text_ref(&row);
        const policy *p = loaded_get(s, id, eff, body);
        if (p)
            found = p;
    }
    db_finalize(st);
    return found;
}

int policy_store_periods(policy_store *s, db_conn *c, int64_t district_id, const char *from,
                         const char *to, policy_period *out, int max)
{
    if (max < 1)
        return 0;
    db_stmt *st =
        db_query(c,
                 "SELECT id, body, effective_from FROM policy_versions WHERE district_id = $1"
                 " AND effective_from <= $2 ORDER BY effective_from, id",
                 district_id, to);
    if (!st)
        return -1;
    int n = 1, rc;
    snprintf(out[0].from, sizeof out[0].from, "%s", from);
    out[0].pol = s->base;
    pthread_mutex_lock(&s->mu);
    while ((rc = db_step(st)) == DB_ROW) {
        db_row row = db_row_at(st, 0);
        int64_t id = db_next_int64(&row);
        const char *body = db_next_text_ref(&row), *eff = db_next_text_ref(&row);
        const policy *p = loaded_get(s, id, eff, body);
        if (!p)
            continue;
        if (strcmp(eff, from) <= 0 || strcmp(eff, out[n - 1].from) == 0 || n == max) {
            out[n - 1].pol = p; /* in force on the same first day, and newer */
            continue;
        }
        snprintf(out[n].from, sizeof out[n].from, "%s", eff);
        out[n].pol = p;
        n++;
    }
    pthread_mutex_unlock(&s->mu);
    db_finalize(st);
    return rc == DB_DONE ? n : -1;
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

/* ---------- versions: the writes and reads of api_policy.c (core_int.h) ---------- */

verdict core_policy_put(db_conn *c, audit_who *who, int64_t district_id, const char *effective_from,
                        const json_t *rules, int64_t actor, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    /* build on the version in force on that date, read in the transaction that stores */
    json_t *prev = NULL;
    db_stmt *q = db_query(c,
                          "SELECT body FROM policy_versions WHERE district_id = $1 AND"
                          " effective_from <= $2 ORDER BY effective_from DESC, id DESC LIMIT 1",
                          district_id, effective_from);
    rc = q ? db_step(q) : DB_ERROR;
    if (rc == DB_ROW) {
        json_error_t je;
        prev = json_loads(db_col_text(q, 0), 0, &je);
    }
    db_finalize(q);
    if (rc != DB_ROW && rc != DB_DONE)
        return core_tx_end(c, rc);
    json_t *merged = merge_rules(json_object_get(prev, "rules"), rules);
    json_decref(prev);
    json_t *doc = json_pack("{s:s,s:o}", "effective_from", effective_from, "rules", merged);
    char *body = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    rc = db_insert_id(c, id,
                      "INSERT INTO policy_versions (district_id, effective_from, body, created_at,"
                      " created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                      district_id, effective_from, body, now_unix(), actor);
    free(body);
    if (rc == DB_DONE) /* every server looks the version in force up again (cache_bus.h) */
        rc = core_notify_district(c, 'p', district_id);
    if (rc == DB_DONE)
        rc = audit_tx(c, who, *id);
    return core_tx_end(c, rc);
}

json_t *core_policy_versions_page(db_conn *c, int64_t district_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT id, effective_from, body, created_at FROM policy_versions"
                        " WHERE district_id = $1 ORDER BY effective_from DESC, id DESC",
                        "SELECT COUNT(*) FROM policy_versions WHERE district_id = $1",
                        "id:i,effective_from:s,overrides:s,created_at:i", limit, offset,
                        district_id);
}
