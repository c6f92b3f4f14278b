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
json_t *core_permissions_json(const app *a, const user *u);

/* Creates a user with roles inside the caller's transaction. password may be NULL (no login
 * until set); phone may be NULL. OUT: id. Returns DB_DONE, DB_CONSTRAINT (username taken) or
 * an error. */
int core_user_create(db_conn *c, const app *a, int64_t district_id, const char *username,
                     const char *password_hash, const char *name, const char *phone,
                     const role *roles, int nroles, int64_t *id);

#endif
