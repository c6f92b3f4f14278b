/*
 * afterschool_int.h: what the module's own files share: the store's reads for the handlers,
 * the steps of the writes that run inside a caller's transaction (for the demo), and the
 * handlers' declarations. Nothing outside src/afterschool includes this; other modules use
 * afterschool.h.
 */
#ifndef SJ_AFTERSCHOOL_INT_H
#define SJ_AFTERSCHOOL_INT_H

#include "afterschool.h"
#include "core/calendar.h"

#define AS_MAX_DAYS 400 /* a term is at most 200 days (calendar.c); room to spare */
#define AS_MAX_LIST 500 /* ids in one request body */

/* Role sets for the route table. */
#define AS_STAFF_ROLES                                                                             \
    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_SCHOOL_ADMIN) |      \
     ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_TEACHER))
#define AS_ADMIN_ROLES (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_SCHOOL_ADMIN))
#define AS_TEACHING_ROLES                                                                          \
    (ROLE_BIT(ROLE_SCHOOL_ADMIN) | ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_TEACHER))

/* A program as stored, with its school's rural flag. */
typedef struct {
    int64_t district_id, school_id, vendor_id, institution_id, staff_a, staff_b;
    int64_t capacity;
    bool rural, open;
    char term[16], provider[16], start[6], end[6];
    char name[256], category[96], place[256];
    as_program p; /* id, kind, weekdays, minutes, fee, first and last day */
} as_program_row;

/* ---------- store.c: shared reads ---------- */

/* The columns as_program_read reads and the FROM clause they need:
 * "SELECT " AS_PROGRAM_FIELDS ", more" AS_PROGRAM_FROM " WHERE ...". */
#define AS_PROGRAM_FIELDS                                                                          \
    "p.id, p.district_id, p.school_id, p.term, p.name, p.kind, p.category, p.provider,"            \
    " p.vendor_id, p.institution_id, p.capacity, p.weekdays, p.start_time, p.end_time,"            \
    " p.start_min, p.end_min, p.fee_per_hour_fen, p.first_day, p.last_day, p.place,"               \
    " p.staff_a, p.staff_b, p.status, s.rural"
#define AS_PROGRAM_FROM " FROM afterschool_programs p JOIN schools s ON s.id = p.school_id"
/* Reads AS_PROGRAM_FIELDS from *row on; the cursor moves past them. */
void as_program_read(db_row *row, as_program_row *out);
/* DB_ROW with *out, DB_DONE when there is no such program, or an error. */
int as_program_load(db_conn *c, int64_t id, as_program_row *out);
/* The same, answering 404/500 itself (and 404 for another district's); false after replying. */
bool as_program_load_or_reply(req *r, int64_t id, as_program_row *out);
/* The program as the API shows it. */
json_t *as_program_json(const as_program_row *p);

/* The school days (DAY_SCHOOL) from first to last, in order. OUT: days, *n. DB_OK or error. */
int as_school_days(db_conn *c, int64_t district_id, const char *first, const char *last,
                   as_day *days, size_t max, size_t *n);
/* The program's session days among `days`. Returns how many were written to out. */
size_t as_sessions(const as_program *p, const as_day *days, size_t nd, char (*out)[AS_DATE_LEN],
                   size_t max);
/* Does the program run on `date`? 1 yes, 0 no, negative on a store error. */
int as_is_session_day(db_conn *c, const as_program_row *p, const char *date);

/* The pupil's school and district. DB_ROW, DB_DONE or an error. */
int as_student_place(db_conn *c, int64_t student_id, int64_t *school_id, int64_t *district_id);
/* false after replying 404/500 */
bool as_student_place_or_reply(req *r, int64_t student_id, int64_t *school_id);
/* The same, and the caller must be staff of the pupil's school or the pupil's guardian (403). */
bool as_student_reader_or_reply(req *r, int64_t student_id, int64_t *school_id);
/* The school's staff or a family with a pupil there (the fee table is public to them);
 * false after replying 404/403. */
bool as_school_reader_or_reply(req *r, int64_t school_id);

/* Is the user staff (teacher, grade leader or school admin) of the school? */
bool as_user_is_staff_of(db_conn *c, int64_t user_id, int64_t school_id);
/* The time bank of a teacher. DB_OK or an error. */
int as_bank_read(db_conn *c, int64_t user_id, as_bank *out);

/* max(a, b) of two dates into out */
void as_date_max(const char *a, const char *b, char out[AS_DATE_LEN]);
/* Ends a write: commits an OK verdict (a failed commit becomes the store's verdict), rolls back
 * anything else; returns the verdict. */
verdict as_finish(db_conn *c, verdict v);

/* ---------- store_programs.c ---------- */

/* Pages of {"items","total"}; NULL on a store error. `mine`: only programs where that user
 * holds the A or B post (0: all). Each item adds the counts and names a list shows. */
json_t *as_store_programs(db_conn *c, int64_t school_id, const char *term, int64_t mine,
                          int64_t limit, int64_t offset);
/* One program with the same counts and names. DB_ROW with *out, DB_DONE, or an error. */
int as_store_program_view(db_conn *c, int64_t id, json_t **out);
/* The school's open programs of the term, in id order, at most max. DB_OK or an error. */
int as_store_open_programs(db_conn *c, int64_t school_id, const char *term, as_program_row *out,
                           size_t max, size_t *n);
json_t *as_store_vendors(db_conn *c, int64_t district_id, const char *status, int64_t limit,
                         int64_t offset);
/* DB_ROW when the provider is on the district's list, DB_DONE when not, or an error. */
int as_store_vendor_find(db_conn *c, int64_t vendor_id, int64_t district_id);

/* The steps inside the caller's write transaction (the demo's). */
verdict as_program_create_tx(db_conn *c, const policy *pol, const as_program_in *in,
                             as_program_made *out);
verdict as_vendor_add_tx(db_conn *c, const as_vendor_in *in, int64_t *id);

/* ---------- store_enrol.c ---------- */

typedef struct {
    int64_t id, program_id, student_id, school_id, district_id;
} as_enrolment_ref;

/* An active (enrolled or waitlisted) enrolment. DB_ROW, DB_DONE or an error. */
int as_store_enrolment(db_conn *c, int64_t id, as_enrolment_ref *out);
json_t *as_store_program_enrolments(db_conn *c, int64_t program_id, int64_t limit, int64_t offset);
json_t *as_store_student_enrolments(db_conn *c, int64_t student_id, const char *term, int64_t limit,
                                    int64_t offset);
json_t *as_store_choices(db_conn *c, int64_t student_id, const char *term, int64_t limit,
                         int64_t offset);

/* One enrolment row as every writer inserts it (the enrol route, the allocation, the demo's
 * families): seat_from NULL on the wait list. OUT: *id (may be NULL). DB_DONE or an error. */
typedef struct {
    int64_t district_id, school_id, program_id, student_id, actor, at;
    bool seat;
    const char *seat_from, *source; /* source: "guardian" or "allocation" */
} as_enrolment_row;
int as_enrolment_insert(db_conn *c, const as_enrolment_row *e, int64_t *id);

/* ---------- store_rolls.c ---------- */

/* The roll of a session as the API shows it (taken or not, every seated pupil, corrections).
 * NULL on a store error. */
json_t *as_store_roll_view(db_conn *c, const as_program_row *p, const char *date,
                           const char *today);
verdict as_roll_take_tx(db_conn *c, const as_roll_in *in, int64_t *roll_id, int64_t *strangers,
                        size_t *nstrangers);

/* ---------- store_money.c ---------- */

/* A pupil's bill for a term, computed now, every line explained in the caller's language.
 * pol: the version in force today; ps (NULL: pol on every day): the district's versions, each
 * day charged by the one in force that day (afterschool_bill_compute). NULL on a store error. */
json_t *as_store_bill(db_conn *c, const policy *pol, policy_store *ps, int64_t district_id,
                      int64_t student_id, const char *term, bool english);
/* The bills run inside the caller's write transaction (the route's, or the demo's), pol and ps
 * as for as_store_bill. Returns DB_DONE or an error. */
int as_bills_store(db_conn *c, const policy *pol, policy_store *ps, int64_t district,
                   const char *term, int64_t school_id, as_bills_totals *out);
json_t *as_store_waivers(db_conn *c, int64_t school_id, int64_t limit, int64_t offset);
verdict as_waiver_set_tx(db_conn *c, const as_waiver_in *in);
/* AS-8 per teacher of the school's term, each line explained. NULL on a store error. */
json_t *as_store_subsidies(db_conn *c, const policy *pol, int64_t school_id, const char *term,
                           bool english);
/* RP-3 with AS-1 and AS-10, per school of the district (or one) and for the district. NULL on
 * a store error. */
json_t *as_store_report(db_conn *c, const policy *pol, int64_t district_id, const char *term,
                        int64_t school_id);

/* AS-10 top-ups of the district (school_id 0: every school; term NULL: every term), newest
 * first. NULL on a store error. */
json_t *as_store_topups(db_conn *c, int64_t district_id, int64_t school_id, const char *term,
                        int64_t limit, int64_t offset);

/* ---------- store_staff.c ---------- */

/* DB_ROW with *district, DB_DONE when there is no such user, or an error. */
int as_store_user_district(db_conn *c, int64_t user_id, int64_t *district);
/* Is `admin` the school admin of a school where `teacher` works? */
bool as_store_admin_of(db_conn *c, int64_t admin, int64_t teacher);
json_t *as_store_duties(db_conn *c, int64_t user_id, int64_t limit, int64_t offset);
/* school_id 0: the user's own requests. */
json_t *as_store_leave(db_conn *c, int64_t school_id, int64_t user_id, const char *status,
                       int64_t limit, int64_t offset);
/* DB_ROW with the request's school and teacher, DB_DONE, or an error. */
int as_store_leave_owner(db_conn *c, int64_t leave_id, int64_t *school_id, int64_t *user_id);
/* The A/B roster of the school's sessions on `date`. NULL on a store error. */
json_t *as_store_roster(db_conn *c, int64_t district_id, int64_t school_id, const char *date);
verdict as_duty_record_tx(db_conn *c, const as_duty_in *in, as_duty_out *out);

/* ---------- handlers (api.c, api_money.c, api_staff.c) ---------- */

void afterschool_h_create_program(req *r);
void afterschool_h_list_programs(req *r);
void afterschool_h_get_program(req *r);
void afterschool_h_close_program(req *r);
void afterschool_h_get_coverage(req *r);
void afterschool_h_create_vendor(req *r);
void afterschool_h_list_vendors(req *r);
void afterschool_h_exit_vendor(req *r);
void afterschool_h_create_enrolment(req *r);
void afterschool_h_delete_enrolment(req *r);
void afterschool_h_list_program_enrolments(req *r);
void afterschool_h_list_student_enrolments(req *r);
void afterschool_h_put_choices(req *r);
void afterschool_h_get_choices(req *r);
void afterschool_h_run_allocation(req *r);
void afterschool_h_take_roll(req *r);
void afterschool_h_get_roll(req *r);
void afterschool_h_correct_roll(req *r);

void afterschool_h_get_bill(req *r);
void afterschool_h_run_bills(req *r);
void afterschool_h_set_waiver(req *r);
void afterschool_h_delete_waiver(req *r);
void afterschool_h_list_waivers(req *r);
void afterschool_h_get_subsidies(req *r);
void afterschool_h_get_report(req *r);
void afterschool_h_export_report(req *r);
void afterschool_h_create_topup(req *r);
void afterschool_h_list_topups(req *r);

void afterschool_h_create_duty(req *r);
void afterschool_h_list_duties(req *r);
void afterschool_h_get_credits(req *r);
void afterschool_h_create_leave(req *r);
void afterschool_h_list_leave(req *r);
void afterschool_h_decide_leave(req *r);
void afterschool_h_get_roster(req *r);

#endif
