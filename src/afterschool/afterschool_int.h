/*
 * afterschool_int.h: what the module's own files share (store.c and the api*.c handlers).
 * Nothing outside src/afterschool includes this; other modules use afterschool.h.
 */
#ifndef SJ_AFTERSCHOOL_INT_H
#define SJ_AFTERSCHOOL_INT_H

#include "afterschool.h"
#include "core/calendar.h"

#define AS_MAX_DAYS 400       /* a term is at most 200 days (calendar.c); room to spare */
#define AS_MAX_LIST 500       /* ids in one request body */

/* Role sets for the route table. */
#define AS_STAFF_ROLES                                                                        \
    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_SCHOOL_ADMIN) | \
     ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_TEACHER))
#define AS_ADMIN_ROLES (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_SCHOOL_ADMIN))
#define AS_TEACHING_ROLES \
    (ROLE_BIT(ROLE_SCHOOL_ADMIN) | ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_TEACHER))

/* A program as stored, with its school's rural flag. */
typedef struct {
    int64_t district_id, school_id, vendor_id, institution_id, staff_a, staff_b;
    int64_t capacity;
    bool rural, open;
    char term[16], provider[16], start[6], end[6];
    char name[256], category[96], place[256];
    as_program p;             /* id, kind, weekdays, minutes, fee, first and last day */
} as_program_row;

/* ---------- store.c ---------- */

/* The columns as_program_read reads (0..23) and the FROM clause they need:
 * "SELECT " AS_PROGRAM_FIELDS ", more" AS_PROGRAM_FROM " WHERE ...". */
#define AS_PROGRAM_FIELDS                                                                      \
    "p.id, p.district_id, p.school_id, p.term, p.name, p.kind, p.category, p.provider,"       \
    " p.vendor_id, p.institution_id, p.capacity, p.weekdays, p.start_time, p.end_time,"       \
    " p.start_min, p.end_min, p.fee_per_hour_fen, p.first_day, p.last_day, p.place,"          \
    " p.staff_a, p.staff_b, p.status, s.rural"
#define AS_PROGRAM_FROM " FROM afterschool_programs p JOIN schools s ON s.id = p.school_id"
#define AS_PROGRAM_NCOLS 24
void as_program_read(db_stmt *s, as_program_row *out);
/* DB_ROW with *out, DB_DONE when there is no such program, or an error. */
int as_program_load(db_conn *c, int64_t id, as_program_row *out);
/* The same, answering 404/500 itself; false after replying. */
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

/* The pupil's school and class. DB_ROW, DB_DONE or an error. */
int as_student_place(db_conn *c, int64_t student_id, int64_t *school_id, int64_t *class_id,
                     int64_t *district_id);
/* false after replying 404/500 */
bool as_student_place_or_reply(req *r, int64_t student_id, int64_t *school_id);
/* The same, and the caller must be staff of the pupil's school or the pupil's guardian (403). */
bool as_student_reader_or_reply(req *r, int64_t student_id, int64_t *school_id);

/* The time bank of a teacher: earned by duty, held by pending leave, spent by approved leave. */
int as_credits(db_conn *c, int64_t user_id, int64_t *earned, int64_t *held, int64_t *spent);

/* A duty of the teacher that day whose session overlaps [start_min, end_min) (AS-9). */
typedef struct {
    as_duty_span span;
    char name[256], start[6], end[6];
    int shared;               /* minutes in common */
    bool same_program;        /* the same program: a second entry for one session */
} as_duty_clash;

/* Inside the caller's write transaction, after DB_LOCK_USER(user_id): looks for a duty of the
 * user on `date` on the same program, or on another whose session shares a minute with
 * [start_min, end_min). DB_ROW with *out when there is one, DB_DONE when none, or an error. */
int as_duty_clash_find(db_conn *c, int64_t user_id, const char *date, int64_t program_id,
                       int start_min, int end_min, as_duty_clash *out);

/* Is the user staff (teacher, grade leader or school admin) of the school? */
bool as_user_is_staff_of(db_conn *c, int64_t user_id, int64_t school_id);

/* A pupil's bill for a term, computed now, as the API answers it. NULL on a store error. */
json_t *as_bill_json(req *r, int64_t student_id, const char *term);

/* What a bills run computed and stored (api_money.c). */
typedef struct {
    int64_t students, seats, programs, gross_fen, cap_reduction_fen, waiver_fen, total_fen;
    size_t school_days;
} as_bills_totals;

/* Computes every bill of the term, for the district's schools (school_id 0) or one school, and
 * stores them in place of the ones stored before, inside the caller's write transaction (the
 * bills route, and the demo). OUT: *out. Returns DB_DONE or an error (the caller rolls back). */
int as_bills_store(db_conn *c, const policy *pol, int64_t district, const char *term,
                   int64_t school_id, as_bills_totals *out);

/* max(a, b) of two dates into out */
void as_date_max(const char *a, const char *b, char out[AS_DATE_LEN]);

/* A 400 naming the field, with a sentence saying what is wrong. */
void as_bad_field(req *r, const char *field, const char *zh, const char *en);

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

void afterschool_h_create_duty(req *r);
void afterschool_h_list_duties(req *r);
void afterschool_h_get_credits(req *r);
void afterschool_h_create_leave(req *r);
void afterschool_h_list_leave(req *r);
void afterschool_h_decide_leave(req *r);
void afterschool_h_get_roster(req *r);

#endif
