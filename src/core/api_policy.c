/*
 * api_policy.c: the district's policy (docs/api/core.md, "Policy"):
 *   GET /api/v1/policy            the policy in force today in the caller's district
 *   PUT /api/v1/policy            a new version from a date on (district_admin): the changed
 *                                 numbers by rule ID, checked against policy.h's table
 *   GET /api/v1/policy/versions   the district's versions
 * Handlers only; the store is policy_store.c (core_policy_put, the versions page).
 */
#include <string.h>

#include "core_int.h"
#include "policy.h"
#include "policy_store.h"

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
    if (strcmp(eff, today) < 0) { /* decisions already made keep their version */
        reply_field(r, SJ_ERR_BAD_FIELD, "effective_from", "core.policy_in_past");
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
    int64_t id = 0;
    verdict v = core_policy_put(r->db, req_audit(r, 201), r->user->district_id, eff, rules,
                                r->user->id, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    policy_store_invalidate(r->app->policies);
    char *version = req_printf(r, "district-%s.%lld", eff, (long long)id);
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "version", version,
                         "effective_from", eff));
}

static void h_policy_versions(req *r)
{
    int64_t limit, offset;
    if (req_paging_or_reply(r, &limit, &offset))
        reply_page(r, core_policy_versions_page(r->db, r->user->district_id, limit, offset));
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
