/*
 * routes.c: every route table of the program, core first, then one line per module.
 * A module adds its table here and nowhere else.
 *
 * core_routes_json() lists the whole table (method, pattern, permission, the roles its gate
 * admits) for `shuangjian routes`, which the generated authorisation test
 * (tests/api/authz.test.mjs) reads so that a new route is tested without anyone writing its
 * test.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
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
    clock_routes,
    homework_routes,
    afterschool_routes,
    exams_routes,
    training_routes,
    funds_routes,
    no_routes,
    NULL,
};

int core_institution_district(db_conn *c, int64_t institution_id, int64_t *district_id)
{
    training_institution in;
    int rc = training_institution_get(c, institution_id, &in);
    if (rc == DB_ROW)
        *district_id = in.district_id;
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The permission strings of the routes whose role gate admits any of `mask`, sorted and
 * unique. The route tables never change, so each mask's list is the same for the life of
 * the program; /me and login are frequent, so the lists for single roles are made once. */
static json_t *perms_for_mask(unsigned mask)
{
    size_t n = 0, cap = 256;
    const char **all = malloc(cap * sizeof *all);
    if (!all)
        abort();
    for (const routes_fn *f = all_route_tables; *f; f++) {
        size_t nr = 0;
        const route *tab = (*f)(&nr);
        for (size_t i = 0; i < nr; i++) {
            if (!tab[i].roles || !(tab[i].roles & mask))
                continue;
            if (n == cap) {
                cap *= 2;
                all = realloc(all, cap * sizeof *all);
                if (!all)
                    abort();
            }
            all[n++] = tab[i].perm;
        }
    }
    qsort(all, n, sizeof *all, cmp_str);
    json_t *perms = json_array();
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(all[i], all[i - 1]) != 0)
            json_array_append_new(perms, json_string(all[i]));
    free(all);
    return perms;
}

static json_t *single_role_perms[ROLE_INSTITUTION_ADMIN + 1];
static pthread_once_t single_role_once = PTHREAD_ONCE_INIT;

static void single_role_init(void)
{
    for (int k = ROLE_DISTRICT_ADMIN; k <= ROLE_INSTITUTION_ADMIN; k++)
        single_role_perms[k] = perms_for_mask(ROLE_BIT(k));
}

json_t *core_permissions_json(const user *u)
{
    unsigned mask = 0;
    for (int k = 0; k < u->nroles; k++)
        mask |= ROLE_BIT(u->roles[k].kind);
    for (int k = ROLE_DISTRICT_ADMIN; k <= ROLE_INSTITUTION_ADMIN; k++)
        if (mask == ROLE_BIT(k)) {
            pthread_once(&single_role_once, single_role_init);
            return json_copy(single_role_perms[k]);
        }
    return perms_for_mask(mask);
}

json_t *core_routes_json(void)
{
    json_t *all = json_array();
    for (const routes_fn *f = all_route_tables; *f; f++) {
        size_t nr = 0;
        const route *tab = (*f)(&nr);
        for (size_t i = 0; i < nr; i++) {
            json_t *roles = json_array();
            for (int k = ROLE_DISTRICT_ADMIN; k <= ROLE_INSTITUTION_ADMIN; k++)
                if (tab[i].roles & ROLE_BIT(k))
                    json_array_append_new(roles, json_string(role_name((role_kind)k)));
            json_array_append_new(
                all, json_pack("{s:s,s:s,s:s,s:o,s:b}", "method", tab[i].method, "pattern",
                               tab[i].pattern, "perm", tab[i].perm ? tab[i].perm : "", "roles",
                               roles, "raw_body", (tab[i].flags & ROUTE_RAW_BODY) != 0));
        }
    }
    return all;
}

int core_routes_print(void)
{
    json_t *all = core_routes_json();
    int rc = json_dumpf(all, stdout, JSON_INDENT(1)) == 0 && fputc('\n', stdout) != EOF ? 0 : 1;
    json_decref(all);
    return rc;
}
