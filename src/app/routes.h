/*
 * routes.h: the route tables of the whole program (routes.c), NULL-terminated: what
 * cli.c hands the server in app.route_tables, and the fuzz target hands the router.
 */
#ifndef SJ_APP_ROUTES_H
#define SJ_APP_ROUTES_H

#include "core/app.h"

extern const routes_fn app_route_tables[];

#endif
