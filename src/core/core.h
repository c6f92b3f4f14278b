/*
 * core.h: core's contract with the program's wiring (src/app/: routes, command line, demo):
 * the core's route tables, and the writes of the organisation tree and its people that the
 * handlers, the demo and the command line share.
 *
 * Every write below is one core_<action>() that owns its transaction: begin, check, write,
 * write its audit row, read back what the caller answers, commit; on any refusal or failure it
 * rolls back and returns the verdict, and nothing is written. Called inside a caller's open
 * transaction (the demo's one transaction, an import's) its transaction is a savepoint (db.h):
 * a refusal undoes only its own part. `who` is the request's audit row (req_audit in app.h;
 * audit.h), NULL for the demo and the command line.
 * The SQL is in store_people.c; the handlers are api_people.c.
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
/* Makes (and frees) each single role's list in a, once, before the server's threads start. */
void core_permissions_prepare(app *a);
void core_permissions_free(app *a);

/* ---------- writes (store_people.c) ---------- */

/* A school of the district. OUT: id. */
verdict core_school_create(db_conn *c, audit_who *who, int64_t district_id, const char *name,
                           const char *kind, bool rural, int64_t *id);

/* A class of a school: 400 invalid_field "grade" ("core.grade_not_in_school") when the school's
 * kind has no such grade (primary 1-6, junior 7-9, nine_year 1-9). OUT: id. */
verdict core_class_create(db_conn *c, audit_who *who, int64_t district_id, int64_t school_id,
                          int grade, const char *name, int64_t *id);

typedef struct {
    int64_t district_id;
    const char *username;
    const char *password_hash; /* NULL: no log-in until a password is set */
    const char *name;
    const char *phone; /* NULL, or 11 digits: sealed, hashed for look-up, masked */
    char id_type;      /* IDENT_IDTYPE_* of id_no, 0 when none */
    const char *id_no; /* NULL or "": none; else sealed, hashed, masked */
    const role *roles; /* checked by the caller (scope, district) */
    int nroles;
} core_user_in;

/* An account with its roles: 409 username_taken ("field": "username") when the name is taken.
 * OUT: id; out (may be NULL) the account as stored, read inside the transaction, so a failure
 * to read it rolls the account back instead of answering 500 for an account that exists. */
verdict core_user_create(db_conn *c, const app *a, audit_who *who, const core_user_in *in,
                         int64_t *id, user *out);

/* A teaching row: 400 invalid_field "user_id" ("core.not_school_teacher") unless the user holds
 * a staff role at the school (a teaching row opens the class's pupils); 409 when it exists.
 * OUT: id. */
verdict core_teaching_add(db_conn *c, audit_who *who, int64_t class_id, int64_t school_id,
                          int64_t user_id, const char *subject, int64_t *id);

typedef struct {
    int64_t district_id, school_id, class_id;
    const char *name, *student_no;
    const char *gender; /* "男" / "女" / NULL */
    char id_type;       /* as in core_user_in */
    const char *id_no;
} core_student_in;

/* A pupil: 409 student_no_taken ("field": "student_no") when the district has the number.
 * OUT: id. */
verdict core_student_create(db_conn *c, const app *a, audit_who *who, const core_student_in *in,
                            int64_t *id);

/* Links a family account to a pupil. 400 invalid_field "user_id" when the account is not one
 * of the district's; 409 not_a_guardian_account unless it holds the guardian role and no
 * other (the school's admin manages its pupils' family accounts: api_account.c); 409
 * already_linked. The roles are read inside the transaction that links. */
verdict core_guardian_link(db_conn *c, audit_who *who, int64_t district_id, int64_t student_id,
                           int64_t user_id, const char *relation);

/* ---------- row writers (store_people.c) ----------
 * The INSERTs of the writes above, inside the caller's open write transaction, without checks,
 * savepoint or audit row, returning DB_DONE or the store's error (DB_CONSTRAINT: a key taken).
 * For the bulk paths only, which check what they need themselves and write tens of thousands
 * of rows in one transaction: the roster import's pupils and families (store_import.c) and the
 * demo's (src/app/demo.c). Per row, the savepoint and the checks of the writes cost a 50,000-
 * pupil import about a third more time (bench/README.md, "Core's writes"). */
int core_user_insert(db_conn *c, const app *a, const core_user_in *in, int64_t *id);
int core_student_insert(db_conn *c, const app *a, const core_student_in *in, int64_t *id);
int core_guardianship_insert(db_conn *c, int64_t student_id, int64_t user_id, const char *relation);

/* Sets an account's password hash and ends every session of the account. */
verdict core_password_set(db_conn *c, audit_who *who, int64_t user_id, const char *hash);

#endif
