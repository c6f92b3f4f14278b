/*
 * core_int.h: what core's stores give core's own handlers (the writes the demo and the command
 * line share are in core.h). Reads run on the caller's connection; pages are {"items","total"}
 * or NULL on a store error (reply_page answers 500 then). Every write owns its transaction and
 * returns a verdict, as core.h says.
 *
 *   store_people.c   the organisation tree and its people (api_people.c, api_account.c)
 *   store_session.c  the log-in guard, sessions, passwords (api_session.c, api_account.c)
 *   store_import.c   the roster imports (import_api.c)
 *   calendar.c       the district's calendar (api_calendar.c)
 *   policy_store.c   the district's policy versions (api_policy.c)
 *   audit.c          the audit log (api_people.c's search; audit.h)
 */
#ifndef SJ_CORE_INT_H
#define SJ_CORE_INT_H

#include "core.h"
#include "roster.h"

/* Ends a store write's transaction: commits when rc is DB_DONE, else rolls back; the verdict
 * of what happened (ok, or the store failure: verdict_db). */
verdict core_tx_end(db_conn *c, int rc);
/* The caches' messages (cache_bus.h) of core's writes, inside their transactions: an account's
 * sessions ("u <id>"), a district's calendar ('c') or policy ('p'). DB_DONE or an error. */
int core_notify_user(db_conn *c, int64_t user_id);
int core_notify_district(db_conn *c, char kind, int64_t district_id);
/* Rolls back and returns v (a refusal decided inside the transaction). */
verdict core_tx_refuse(db_conn *c, verdict v);
/* A refusal naming one body field: {"field": field} with the words of msg (NULL: err's own). */
verdict core_field_verdict(sj_err e, const char *field, const char *msg);

/* ---------- the organisation tree and its people (store_people.c) ---------- */

/* Schools the caller sees: every school of the district (district_wide), else those where
 * user_id holds a role. */
json_t *core_schools_page(db_conn *c, bool district_wide, int64_t district_id, int64_t user_id,
                          int64_t limit, int64_t offset);
/* One school, or a class with its school's name (only in `district_id`): DB_ROW with *out,
 * DB_DONE when there is none, or an error. */
int core_school_json(db_conn *c, int64_t school_id, json_t **out);
int core_class_json(db_conn *c, int64_t class_id, int64_t district_id, json_t **out);
/* The district of a school: DB_ROW, DB_DONE when there is no such school, or an error. */
int core_school_district(db_conn *c, int64_t school_id, int64_t *district_id);
json_t *core_school_classes_page(db_conn *c, int64_t school_id, int64_t limit, int64_t offset);
/* Accounts with their roles: a school's (school_id > 0), else the district's; role "" = any. */
json_t *core_users_page(db_conn *c, int64_t district_id, int64_t school_id, const char *role,
                        int64_t limit, int64_t offset);
json_t *core_class_teachers_page(db_conn *c, int64_t class_id, int64_t limit, int64_t offset);
/* A pupil's class, school and district: DB_ROW, DB_DONE when none, or an error. */
int core_student_place(db_conn *c, int64_t student_id, int64_t *class_id, int64_t *school_id,
                       int64_t *district_id);
/* A pupil with class, school and guardians (phones masked): DB_ROW, DB_DONE, or an error. */
int core_student_json(db_conn *c, int64_t student_id, json_t **out);
json_t *core_class_students_page(db_conn *c, int64_t class_id, int64_t limit, int64_t offset);
json_t *core_children_page(db_conn *c, int64_t guardian_id, int64_t limit, int64_t offset);
json_t *core_my_classes_page(db_conn *c, int64_t teacher_id, int64_t limit, int64_t offset);
/* An account's phone in clear (malloc'd, the caller frees): DB_ROW, DB_DONE when the account
 * has none, or an error. */
int core_user_phone(db_conn *c, const app *a, int64_t user_id, char **phone);
/* The store answers: DB_ROW, or an error. */
int core_store_ping(db_conn *c);

/* ---------- log-ins, sessions, passwords (store_session.c) ---------- */

/* Reserves one log-in attempt of `username` from `addr` (api_session.c's guard): ok, or
 * 429 too_many_attempts with "retry_after_s" (and "minutes" for the words) when a limit of
 * the window is reached; the refused attempt counts nowhere. */
verdict core_login_reserve(db_conn *c, const app *a, const char *username, const char *addr,
                           int64_t now);
/* The account a log-in names: DB_ROW with id and password hash ("" when none is set yet),
 * DB_DONE when there is no such username, or an error. */
int core_login_account(db_conn *c, const char *username, int64_t *user_id, char *hash,
                       size_t hashlen);
/* A session of user_id after a right password: gives back the address's reservation, clears
 * the (username, address) failures, ends the user's expired sessions, stores the session,
 * reads the user back (out) and writes the audit row "login", all in one transaction. */
verdict core_session_create(db_conn *c, const app *a, audit_who *who, const char *username,
                            const char *addr, int64_t user_id, const char *token_hash, int64_t now,
                            user *out);
/* Ends the session of a token hash. */
verdict core_session_end(db_conn *c, audit_who *who, const char *token_hash);
/* The password hash of an account: DB_ROW ("" when none is set), DB_DONE, or an error. */
int core_password_hash_of(db_conn *c, int64_t user_id, char *hash, size_t hashlen);

/* ---------- roster imports (store_import.c) ---------- */

/* The row errors of an import, in row order: roster.c's own, the file's, and the store's
 * (messages.c "core.import_*"), each in both languages until the answer picks one. */
typedef struct {
    roster_error *rows;
    size_t n, cap;
    size_t total;      /* every error found, >= n (at most ROSTER_MAX_ERRORS are kept) */
    struct arena *mem; /* the words */
} core_import_errors;

void core_import_errors_init(core_import_errors *e);
void core_import_errors_free(core_import_errors *e);
/* One error; message_en may be NULL (the zh words are then used for both). */
void core_import_error_add(core_import_errors *e, size_t row, const char *column, const char *zh,
                           const char *en);
/* The rows as the answer's {"rows":[{"row","column","message"}]} in the request's language. */
json_t *core_import_errors_json(const core_import_errors *e, int english);

typedef struct {
    int64_t classes_created, students_created, guardians_created;
    int64_t teachers_created, teachers_linked, assignments_created;
} core_import_counts;

/* A checked roster of pupils stored all or nothing: classes found or made, pupils, guardians
 * found among the district's family accounts or made. 422 import_rejected with
 * "errors_total" (and the rows in errs) when the roster or the store finds any error. */
verdict core_roster_import(db_conn *c, const app *a, audit_who *who, int64_t district_id,
                           int64_t school_id, const roster *ro, core_import_errors *errs,
                           core_import_counts *out);
/* A checked roster of teachers: accounts found by phone at the school or made, staff
 * profiles, teaching rows for the classes named. As core_roster_import. */
verdict core_teacher_import(db_conn *c, const app *a, audit_who *who, int64_t district_id,
                            int64_t school_id, const roster *ro, core_import_errors *errs,
                            core_import_counts *out);

/* ---------- the district's calendar (calendar.c) ---------- */

verdict core_term_put(db_conn *c, audit_who *who, int64_t district_id, const char *term,
                      const char *first_day, const char *last_day);
/* kind "holiday" or "workday" (a make-up school day: 400 invalid_field "date" with
 * "core.workday_outside_term" unless inside a term). */
verdict core_day_put(db_conn *c, audit_who *who, int64_t district_id, const char *date,
                     const char *kind, const char *name);
/* 404 when the date has no entry. */
verdict core_day_delete(db_conn *c, audit_who *who, int64_t district_id, const char *date);
json_t *core_terms_page(db_conn *c, int64_t district_id, int64_t limit, int64_t offset);

/* ---------- the district's policy versions (policy_store.c) ---------- */

/* Stores a version of the district's overrides from `effective_from`, built on the version in
 * force on that date (read inside the same transaction). `rules` is checked by the caller
 * (policy_check_rules). OUT: id. */
verdict core_policy_put(db_conn *c, audit_who *who, int64_t district_id, const char *effective_from,
                        const json_t *rules, int64_t actor, int64_t *id);
json_t *core_policy_versions_page(db_conn *c, int64_t district_id, int64_t limit, int64_t offset);

/* ---------- the audit log (audit.c) ---------- */

/* The district's rows, newest first: user_id 0 = anyone, at in [from, to], action a
 * substring ("" = any). Each item has "at" in +08:00 besides "at_unix". */
json_t *audit_page(db_conn *c, int64_t district_id, int64_t user_id, int64_t from, int64_t to,
                   const char *action, int64_t limit, int64_t offset);

#endif
