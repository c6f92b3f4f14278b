/*
 * routes.c: every route table of the program, core first, then one line per module.
 * A module adds its table here and nowhere else; the server (core/http.c) and the
 * permission lists of GET /me (core/perms.c) read them through app.route_tables.
 *
 * app_routes_json() lists the whole table (method, pattern, permission, the roles its gate
 * admits) for `shuangjian routes`, which the generated authorisation test
 * (tests/api/authz.test.mjs) reads so that a new route is tested without anyone writing its
 * test.
 */
#include <stdio.h>

#include "app/routes.h"
#include "core/calendar.h"
#include "core/auth.h"
#include "core/core.h"
#include "core/policy_store.h"
#include "homework/homework.h"
#include "afterschool/afterschool.h"
#include "cases/cases.h"
#include "exams/exams.h"
#include "funds/funds.h"
#include "notices/notices.h"
#include "training/training.h"
#include "reports/reports.h"

static const route *no_routes(size_t *n)
{
    *n = 0;
    return NULL;
}

const routes_fn app_route_tables[] = {
    session_routes,  people_routes,  calendar_routes, clock_routes,       import_routes,
    policy_routes,   account_routes, homework_routes, afterschool_routes, exams_routes,
    training_routes, funds_routes,   cases_routes,    notices_routes,     reports_routes,
    no_routes,       NULL,
};

json_t *app_routes_json(void)
{
    json_t *all = json_array();
    for (const routes_fn *f = app_route_tables; *f; f++) {
        size_t nr = 0;
        const route *tab = (*f)(&nr);
        for (size_t i = 0; i < nr; i++) {
            json_t *roles = json_array();
            for (int k = ROLE_DISTRICT_ADMIN; k <= ROLE_INSTITUTION_ADMIN; k++)
                if (tab[i].roles & ROLE_BIT(k))
                    json_array_append_new(roles, json_string(role_name((role_kind)k)));
            json_array_append_new(all, json_pack("{s:s,s:s,s:s,s:o,s:b}", "method", tab[i].method,
                                                 "pattern", tab[i].pattern, "perm",
                                                 tab[i].perm ? tab[i].perm : "", "roles", roles,
                                                 "raw_body", (tab[i].flags & ROUTE_RAW_BODY) != 0));
        }
    }
    return all;
}

int app_routes_print(void)
{
    json_t *all = app_routes_json();
    int rc = json_dumpf(all, stdout, JSON_INDENT(1)) == 0 && fputc('\n', stdout) != EOF ? 0 : 1;
    json_decref(all);
    return rc;
}
