/*
 * perms.c: the permission strings a user's roles open (route perms whose role gate admits
 * them), for the web app's menus (GET /me, log-in). The route tables are the program's
 * (app.route_tables); they never change while it runs, so each single role's list is made once
 * when the program's context is made (core_permissions_prepare, before any thread starts) and
 * kept in the context: nothing here is written while requests run.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The permission strings of the routes whose role gate admits any of `mask`, sorted and
 * unique. The route tables never change, so each mask's list is the same for the life of
 * the program; /me and login are frequent, so the lists for single roles are made once. */
static json_t *perms_for_mask(const routes_fn *tables, unsigned mask)
{
    size_t n = 0, cap = 256;
    const char **all = malloc(cap * sizeof *all);
    if (!all)
        abort();
    for (const routes_fn *f = tables; *f; f++) {
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

void core_permissions_prepare(app *a)
{
    for (int k = ROLE_DISTRICT_ADMIN; k <= ROLE_INSTITUTION_ADMIN; k++)
        a->role_perms[k] = perms_for_mask(a->route_tables, ROLE_BIT(k));
}

void core_permissions_free(app *a)
{
    for (int k = 0; k < APP_ROLE_SLOTS; k++) {
        json_decref(a->role_perms[k]);
        a->role_perms[k] = NULL;
    }
}

json_t *core_permissions_json(const app *a, const user *u)
{
    unsigned mask = 0;
    for (int k = 0; k < u->nroles; k++)
        mask |= ROLE_BIT(u->roles[k].kind);
    for (int k = ROLE_DISTRICT_ADMIN; k <= ROLE_INSTITUTION_ADMIN; k++)
        if (mask == ROLE_BIT(k) && a->role_perms[k])
            return json_copy(a->role_perms[k]);
    return perms_for_mask(a->route_tables, mask);
}
