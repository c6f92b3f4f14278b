/*
 * routes.h: the route tables of the whole program (routes.c), NULL-terminated: what
 * cli.c hands the server in app.route_tables, and the fuzz target hands the router.
 */
#ifndef SJ_APP_ROUTES_H
#define SJ_APP_ROUTES_H

#include "core/app.h"

extern const routes_fn app_route_tables[];

/* The whole table as JSON, for `shuangjian routes` (the generated authorisation test). */
json_t *app_routes_json(void);
int app_routes_print(void); /* to standard output; 0 when written */

#endif
