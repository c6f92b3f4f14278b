/*
 * core.h: core-internal entry points: the core's route tables and the command-line commands.
 */
#ifndef SJ_CORE_H
#define SJ_CORE_H

#include "app.h"

const route *session_routes(size_t *n);
const route *people_routes(size_t *n);
const route *import_routes(size_t *n);
const route *account_routes(size_t *n);
const route *clock_routes(size_t *n);

/* Adds the server's clock to an answer: today, now, unix, utc_offset, time_zone, test_clock
 * (api_clock.c). */
void clock_fields_add(json_t *o);

/* The permission strings (route perms) the user's roles open, for the web app's menus. */
json_t *core_permissions_json(const user *u);

/* The route table as JSON: [{"method","pattern","perm","roles":[role names],"raw_body"}]
 * (roles empty: any caller past the permission); core_routes_print writes it to standard
 * output for `shuangjian routes` and returns 0, or 1 when it could not. */
json_t *core_routes_json(void);
int core_routes_print(void);

/* The district of an institution (the training module's, wired in routes.c, so that core
 * imports no module): DB_ROW with *district_id set, DB_DONE when there is no such one. */
int core_institution_district(db_conn *c, int64_t institution_id, int64_t *district_id);

/* Creates a user with roles inside the caller's transaction. password may be NULL (no login
 * until set); phone may be NULL. OUT: id. Returns DB_DONE, DB_CONSTRAINT (username taken) or
 * an error. */
int core_user_create(db_conn *c, const app *a, int64_t district_id, const char *username,
                     const char *password_hash, const char *name, const char *phone,
                     const role *roles, int nroles, int64_t *id);

#endif
