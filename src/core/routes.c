/*
 * routes.c: every route table of the program, core first, then one line per module.
 * A module adds its table here and nowhere else.
 */
#include <string.h>

#include "calendar.h"
#include "core.h"
#include "http.h"
#include "policy_store.h"
#include "homework/homework.h"
#include "afterschool/afterschool.h"
#include "exams/exams.h"
#include "funds/funds.h"
#include "training/training.h"

static const route *no_routes(size_t *n)
{
    *n = 0;
    return NULL;
}

const routes_fn all_route_tables[] = {
    session_routes,
    people_routes,
    calendar_routes,
    import_routes,
    policy_routes,
    account_routes,
    homework_routes,
    afterschool_routes,
    exams_routes,
    training_routes,
    funds_routes,
    no_routes,
    NULL,
};

json_t *core_permissions_json(const user *u)
{
    json_t *perms = json_array();
    for (const routes_fn *f = all_route_tables; *f; f++) {
        size_t n = 0;
        const route *tab = (*f)(&n);
        for (size_t i = 0; i < n; i++) {
            const route *rt = &tab[i];
            if (!rt->roles)
                continue;
            bool ok = false;
            for (int k = 0; k < u->nroles; k++)
                ok |= (rt->roles & ROLE_BIT(u->roles[k].kind)) != 0;
            bool seen = false;
            for (size_t j = 0; ok && j < json_array_size(perms); j++)
                seen |= strcmp(json_string_value(json_array_get(perms, j)), rt->perm) == 0;
            if (ok && !seen)
                json_array_append_new(perms, json_string(rt->perm));
        }
    }
    return perms;
}
