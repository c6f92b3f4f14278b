/*
 * cases_int.h: what the cases module's store gives its handlers (other modules include
 * cases.h; the writes are there). Reads answer DB_ROW / DB_DONE or a DB_ error; pages are
 * {"items","total"} or NULL on a store error.
 *
 * store_ext.c is the one file that calls the training and funds modules (their contract
 * headers only): cs_ext_institution, cs_ext_contract and the measures of a penalty.
 */
#ifndef SJ_CASES_INT_H
#define SJ_CASES_INT_H

#include "cases/cases.h"

typedef struct {
    int64_t id, district_id, school_id, institution_id, contract_id, student_id;
    int64_t assigned_school_id, assigned_user_id, filed_by, created_at, reopened;
    bool anonymous;
    char category[24], source[12], status[10], outcome[16];
    char arrived_on[11], due_date[11], answered_on[11], closed_on[11];
    char tracking_code[13];
    char secret_hash[40];
} cs_case;

int cs_store_case(db_conn *c, int64_t id, cs_case *out);
int cs_store_case_by_code(db_conn *c, const char *code, cs_case *out);
/* A tip's secret against its stored hash (constant time). */
bool cs_secret_matches(const unsigned char key[32], const cs_case *k, const char *secret);

/* ---------- the store's shared steps (store.c) ---------- */

/* When an actor acts: by->at, or now; and that moment's day in +08:00 (today_local for now). */
int64_t cs_at(const cases_actor *by);
void cs_day(const cases_actor *by, char out[11]);

/* Rolls back and hands on the verdict; a store result as a verdict after rolling back. */
verdict cs_undo(db_conn *c, verdict v);
verdict cs_undo_rc(db_conn *c, int rc);
/* Commits, or rolls back with a 5xx verdict. */
verdict cs_commit(db_conn *c);
/* Begins a write, locks the case (DB_LOCK_CASE) and reads it again under the lock. DB_OK. */
int cs_begin_case(db_conn *c, int64_t case_id, cs_case *k);
/* One row of the case's history in the caller's transaction; detail is stolen. DB_DONE. */
int cs_history(db_conn *c, int64_t district_id, int64_t case_id, const cases_actor *by,
               const char *action, const char *status, json_t *detail);

/* The case page: the case with its text, history, replies (internal notes only when
 * `internal`), photos (ids), enforcements, penalties, reward, and the tipster masked when
 * `tipster` (district staff only, CS-2). */
json_t *cs_store_case_json(db_conn *c, const cs_case *k, const char *today, bool internal,
                           bool tipster);
/* What the tipster or the guardian sees: status, due date, public replies. */
json_t *cs_store_case_public(db_conn *c, const cs_case *k, const char *today);
/* The tipster's name and phone in clear (caller frees both); DB_ROW, DB_DONE (anonymous). */
int cs_store_tipster(db_conn *c, const unsigned char key[32], int64_t case_id, char **name,
                     char **phone);

typedef struct {
    int64_t district_id;
    int64_t assigned_school_id; /* a school admin's view: only cases assigned to it; else 0 */
    int64_t school_id, institution_id, filed_by;
    const char *status;   /* NULL: any */
    const char *category; /* NULL: any */
    bool overdue;         /* only cases past their due date, not closed */
    const char *today;
} cs_filter;
json_t *cs_store_list(db_conn *c, const cs_filter *f, int64_t limit, int64_t offset);
/* Other cases about the same institution or the same place (CS-4: clusters stand out). */
json_t *cs_store_related(db_conn *c, const cs_case *k, const char *today, int64_t limit,
                         int64_t offset);
/* Per school: cases not closed past their due date (the dashboard's card). */
json_t *cs_store_overdue_by_school(db_conn *c, int64_t district_id, const char *today);
/* The schools of a district by name, for the public tip page (id and name only). */
json_t *cs_store_school_search(db_conn *c, int64_t district_id, const char *q, int64_t limit);

/* A user of the district with one of the district roles (district_admin, inspector)? */
bool cs_store_district_staff_user(db_conn *c, int64_t district_id, int64_t user_id);
/* The first district (the public's, when a tip names no school or institution); 0 on error. */
int64_t cs_store_first_district(db_conn *c);
/* DB_ROW with the school's district, DB_DONE when none. */
int cs_store_school_district(db_conn *c, int64_t school_id, int64_t *district_id);
/* A pupil's school and district: DB_ROW / DB_DONE. */
int cs_store_student(db_conn *c, int64_t student_id, int64_t *school_id, int64_t *district_id);

/* The case of a joint enforcement action: DB_ROW / DB_DONE. */
int cs_store_enforcement_case(db_conn *c, int64_t enforcement_id, int64_t *case_id);
/* The penalties decided on an institution, for the public (行政处罚公示). */
json_t *cs_store_institution_penalties(db_conn *c, int64_t institution_id, int64_t limit,
                                       int64_t offset);

/* ---------- photos ---------- */

typedef struct {
    int64_t id, district_id, case_id, rectification_id;
    char mime[16];
    char *data; /* base64, malloc'd: cs_photo_cleanup */
} cs_photo;
int cs_store_photo(db_conn *c, int64_t id, cs_photo *out);
void cs_photo_cleanup(cs_photo *p);

/* ---------- inspections (store_inspect.c) ---------- */

typedef struct {
    int64_t id, district_id, inspection_id, school_id, institution_id, returned;
    char rule[8], status[10], due_date[11];
} cs_rect;
int cs_store_rect(db_conn *c, int64_t id, cs_rect *out);
json_t *cs_store_rect_json(db_conn *c, int64_t id, const char *today);

typedef struct {
    int64_t id, district_id, school_id, institution_id;
} cs_inspection;
int cs_store_inspection(db_conn *c, int64_t id, cs_inspection *out);
json_t *cs_store_inspection_json(db_conn *c, int64_t id, const char *today);
json_t *cs_store_inspections(db_conn *c, int64_t district_id, int64_t school_id,
                             int64_t institution_id, int64_t limit, int64_t offset);

typedef struct {
    int64_t district_id, school_id, institution_id;
    const char *status; /* NULL: any */
    bool overdue;
    const char *today;
} cs_rect_filter;
json_t *cs_store_rects(db_conn *c, const cs_rect_filter *f, int64_t limit, int64_t offset);

/* ---------- the ledger (台账) for a period: rows for the XLSX (api_export.c) ---------- */

typedef void (*cs_row_fn)(void *ctx, db_stmt *s);
/* Calls fn for every case arrived in [from, to] (columns: id, arrived_on, source, category,
 * school name, institution name, place, status, due_date, closed_on, outcome, overdue 0/1,
 * replies, penalties' fines in fen), every inspection in it (id, date, school or institution,
 * findings, passed, open/submitted) and every rectification of those (id, inspection id, the
 * inspected, rule, finding, due_date, status, returned, overdue 0/1). DB_OK or an error. */
int cs_store_ledger(db_conn *c, int64_t district_id, const char *from, const char *to,
                    const char *today, cs_row_fn cases, cs_row_fn inspections, cs_row_fn rects,
                    void *ctx);

/* ---------- the handlers' shared parts (api.c) and the other api files' handlers ---------- */

/* The caller as an actor of a case's history. */
cases_actor cs_actor(req *r);
/* Checks an uploaded photo by its content and removes its metadata; false after replying.
 * OUT: the type, the clean bytes (request memory) and their length. */
bool cs_photo_or_reply(req *r, const char **mime, unsigned char **clean, size_t *len);
/* Answers a stored photo's bytes with its type. */
void cs_reply_photo(req *r, const cs_photo *p);

void cs_h_tip_file(req *r); /* api_tips.c */
void cs_h_tip_status(req *r);
void cs_h_tip_photo(req *r);
void cs_h_public_schools(req *r);
void cs_h_public_penalties(req *r);
void cs_h_inspection_create(req *r); /* api_inspect.c */
void cs_h_inspections(req *r);
void cs_h_inspection_rules(req *r);
void cs_h_inspection_get(req *r);
void cs_h_rects(req *r);
void cs_h_rect_get(req *r);
void cs_h_rect_report(req *r);
void cs_h_rect_review(req *r);
void cs_h_rect_photo_add(req *r);
void cs_h_rect_photo_get(req *r);
void cs_h_ledger_xlsx(req *r); /* api_export.c */

/* ---------- training and funds (store_ext.c, the one file that calls them) ---------- */

typedef struct {
    int64_t id, district_id;
    char name[256], state[16], list[8];
} cs_institution;
int cs_ext_institution(db_conn *c, int64_t id, cs_institution *out);

typedef struct {
    int64_t id, district_id, institution_id, student_id, guardian_id;
} cs_contract;
int cs_ext_contract(db_conn *c, int64_t id, cs_contract *out);

/* The measures of a penalty, inside the caller's write transaction (after the institution's
 * lock): stop, refund, blacklist. OUT: the contracts refunded and the sum. A refusal or an
 * error as a verdict; the caller rolls back. */
verdict cases_apply_measures(db_conn *c, const policy *pol, int64_t institution_id,
                             unsigned measures, int64_t actor, const char *reason,
                             int64_t *contracts_refunded, int64_t *refund_fen);

#endif
