/*
 * perms.c: the permission strings a user's roles open (route perms whose role gate admits
 * them), for the web app's menus (GET /me, log-in). The route tables are the program's
 * (app.route_tables); they never change while it runs, so each single role's list is made once.
 */
#include <pthread.h>
#include <stdatomic.h>
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

/* The lists for single roles, made once per program: the program has one set of tables. */
static json_t *single_role_perms[ROLE_INSTITUTION_ADMIN + 1];
/* Handed to single_role_init, which pthread_once calls without arguments. Every request stores
 * the same value, atomically: threads that store it at once do not race (ThreadSanitizer saw
 * two first single-role requests do so under load). */
static _Atomic(const routes_fn *) single_role_tables;
static pthread_once_t single_role_once = PTHREAD_ONCE_INIT;

static void single_role_init(void)
{
    for (int k = ROLE_DISTRICT_ADMIN; k <= ROLE_INSTITUTION_ADMIN; k++)
        single_role_perms[k] = perms_for_mask(atomic_load(&single_role_tables), ROLE_BIT(k));
}

json_t *core_permissions_json(const app *a, const user *u)
{
    unsigned mask = 0;
    for (int k = 0; k < u->nroles; k++)
        mask |= ROLE_BIT(u->roles[k].kind);
    for (int k = ROLE_DISTRICT_ADMIN; k <= ROLE_INSTITUTION_ADMIN; k++)
        if (mask == ROLE_BIT(k)) {
            atomic_store(&single_role_tables, a->route_tables); /* read inside pthread_once */
            pthread_once(&single_role_once, single_role_init);
            return json_copy(single_role_perms[k]);
        }
    return perms_for_mask(a->route_tables, mask);
}
