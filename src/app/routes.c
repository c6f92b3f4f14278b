/*
 * routes.c: every route table of the program, core first, then one line per module.
 * A module adds its table here and nowhere else; the server (core/http.c) and the
 * permission lists of GET /me (core/perms.c) read them through app.route_tables.
 */
#include <stddef.h>

#include "app/routes.h"
#include "core/calendar.h"
#include "core/core.h"
#include "core/policy_store.h"
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

const routes_fn app_route_tables[] = {
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
