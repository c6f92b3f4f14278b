/*
 * afterschool.h: the after-school service (课后服务): programs, enrolment with wait lists and
 * ranked-choice allocation, attendance, bills, teachers' duty and time bank, coverage.
 *
 * This header is the module's contract. Three layers sit behind it:
 *   rules.c  pure decisions (policy + data in, verdict out; no I/O), unit-tested alone:
 *            AS-2 off-work time by season, AS-6 fee caps, AS-4 vetted providers, AS-1 coverage,
 *            AS-7/AS-5/AS-6 bills with pro-rata refunds, AS-8 subsidies, AS-9 leave and
 *            the one-duty-at-a-time rule of the time bank,
 *            the fair allocation of ranked choices, the clash of two programs' times.
 *   store.c  its SQL (tables afterschool_* of migrations/0200_afterschool.sql).
 *   api.c    its HTTP handlers and route table (afterschool_routes).
 *
 * Units: money is integer fen; times of day are minutes since midnight; weekdays are a bit
 * mask (bit d set = runs on weekday d, 1 Monday .. 5 Friday); dates are YYYY-MM-DD strings,
 * which compare in calendar order with strcmp.
 */
#ifndef SJ_AFTERSCHOOL_H
#define SJ_AFTERSCHOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/policy.h"

typedef enum { AS_CARE = 0, AS_COURSE = 1 } as_kind;

#define AS_WEEKDAYS_ALL 0x3Eu /* bits 1..5 */
#define AS_DATE_LEN 11

/* ---------- AS-2: off-work time by season ---------- */

/* The local off-work time (minutes) on `date`; OUT: *summer says which season holds it. The
 * summer season runs from AS-2.summer_from to AS-2.summer_to (MM-DD, both included). */
int afterschool_off_work(const policy *pol, const char *date, bool *summer);

typedef struct {
    char date[AS_DATE_LEN]; /* the first session date that ends too early */
    int off_work;           /* minutes */
    bool summer;
} as_off_work_fail;

/* True when a session ending at end_min meets the off-work time on every one of the dates;
 * otherwise false with the first offending date in *fail. */
bool afterschool_check_off_work(const policy *pol, const char (*dates)[AS_DATE_LEN], size_t n,
                                int end_min, as_off_work_fail *fail);

/* ---------- AS-6: fee caps ---------- */

/* The per-hour cap for a program of this kind at a rural or urban school (fen per pupil-hour):
 * care AS-6.care_fee_per_hour_fen; course AS-6.course_fee_per_hour_fen, or
 * AS-6.rural_fee_per_hour_fen at a rural school; a rural school's care is capped by the lower
 * of the care and rural caps. */
int64_t afterschool_fee_cap(const policy *pol, as_kind kind, bool rural);

/* ---------- AS-4: the district's vetted third parties ---------- */

typedef struct {
    bool found;              /* on the district's list at all */
    bool active;             /* not exited */
    char vetted_from[AS_DATE_LEN], vetted_to[AS_DATE_LEN];
    int64_t fee_per_hour_fen; /* the fee standard the district approved */
} as_vendor;

typedef enum {
    AS_VENDOR_OK = 0,
    AS_VENDOR_NOT_LISTED,     /* not on the district's list */
    AS_VENDOR_EXITED,         /* was on it, has exited */
    AS_VENDOR_OUT_OF_PERIOD,  /* the program's days are outside the vetted period */
    AS_VENDOR_FEE_OVER,       /* charges above the approved fee standard */
} as_vendor_verdict;

as_vendor_verdict afterschool_vendor_check(const as_vendor *v, const char *first_day,
                                           const char *last_day, int64_t fee_per_hour_fen);

/* ---------- programs' times ---------- */

typedef struct {
    int64_t id;
    as_kind kind;
    unsigned weekdays;       /* AS_WEEKDAYS_ALL bits */
    int start_min, end_min;  /* start < end */
    int64_t fee_per_hour_fen;
    char first_day[AS_DATE_LEN], last_day[AS_DATE_LEN];
} as_program;

/* Two programs clash for one pupil when they share a weekday, their times overlap and their
 * date ranges overlap, and they are of the same kind. A care program and a course may
 * overlap: the pupil goes to the course from care, and AS-7 bills the overlap once. */
bool afterschool_clash(const as_program *a, const as_program *b);

/* The mask as text, "1,3,5". */
void afterschool_weekdays_text(unsigned mask, char out[16]);

/* ---------- AS-1: the school's offer covers five days of two hours ---------- */

typedef struct {
    int minutes[8];          /* [1..5]: minutes covered by the union of the programs' times */
    bool day_ok[8];
    int days_required, min_minutes, days_ok;
    bool ok;
} as_coverage;

void afterschool_coverage(const policy *pol, const as_program *progs, size_t n, as_coverage *out);

/* ---------- bills: AS-6 caps, AS-7 no double charge, AS-5 waiver, pro-rata refund ---------- */

typedef struct {
    char date[AS_DATE_LEN];
    int weekday;
} as_day;                    /* a school day of the term (calendar_day_kind = DAY_SCHOOL) */

typedef struct {
    as_program prog;
    char seat_from[AS_DATE_LEN];   /* first day the pupil holds the seat */
    char left_on[AS_DATE_LEN];     /* "" when still enrolled; else the first day not billed */
} as_bill_item;

typedef struct {
    int64_t program_id;
    as_kind kind;
    int64_t rate_fen;         /* per hour */
    int session_minutes;
    /* the term as enrolled: from seat_from to the program's last day */
    int sessions_full;
    int64_t minutes_full, overlap_full, amount_full;
    /* what is billed: up to the day before left_on */
    int sessions;
    int64_t minutes, overlap, amount;
    int64_t refund;           /* amount_full - amount, when the pupil left */
} as_bill_line;

typedef struct {
    as_bill_line *lines;      /* one per item, in the items' order (caller's storage) */
    size_t n;
    int64_t gross_fen;        /* sum of lines' amounts */
    int64_t term_cap_fen;     /* -1 when the policy sets none */
    int64_t cap_reduction_fen;
    bool waived;
    int64_t waiver_fen;
    int64_t total_fen;        /* what the family pays */
} as_bill;

/* Computes a pupil's bill for a term. days: the term's school days in date order. lines must
 * hold n items. Pure; amounts are floor(rate * minutes / 60) per line. */
void afterschool_bill_compute(const policy *pol, const as_day *days, size_t ndays,
                              const as_bill_item *items, size_t n, bool waived, as_bill *out,
                              as_bill_line *lines);

/* How a line was computed, in words (zh-CN, or English). Writes at most outlen bytes. */
void afterschool_bill_line_explain(const as_bill_line *l, const char *name, bool english,
                                   char *out, size_t outlen);

/* Money as "12.34" (yuan with two decimals; negative with a minus sign). */
void afterschool_fen_text(int64_t fen, char out[32]);

/* ---------- AS-8: teachers' subsidy ---------- */

typedef struct {
    int64_t rate_fen;          /* per class-hour, after the district's floor and cap */
    int class_hour_minutes;
    int64_t amount_fen;        /* floor(minutes * rate / class_hour_minutes) */
} as_subsidy;

void afterschool_subsidy(const policy *pol, int64_t duty_minutes, as_subsidy *out);

/* ---------- AS-9: time bank and half-day leave ---------- */

typedef enum { AS_LEAVE_OK = 0, AS_LEAVE_INSUFFICIENT, AS_LEAVE_WEEK_FULL } as_leave_verdict;

typedef struct {
    int64_t minutes_required;  /* AS-9.minutes_per_half_day */
    int64_t week_max;          /* AS-9.half_days_per_week_max */
} as_leave_terms;

/* balance: credits left (earned minus spent or held); used_this_week: half-days already asked
 * for or granted in the same Monday-to-Sunday week. */
as_leave_verdict afterschool_leave_check(const policy *pol, int64_t balance,
                                         int64_t used_this_week, as_leave_terms *terms);

/* A teacher is on one duty at a time: a duty takes its program's session, [start, end) in
 * minutes, so a duty ending at 17:30 and one starting at 17:30 do not overlap. */
typedef struct {
    int64_t id;              /* the duty */
    int64_t program_id;
    int start_min, end_min;
} as_duty_span;

/* The first of the teacher's duties that day (held[0..n)) sharing at least one minute with
 * [start_min, end_min), or -1 when none does. OUT: *shared, the minutes in common (may be NULL). */
int afterschool_duty_overlap(int start_min, int end_min, const as_duty_span *held, size_t n,
                             int *shared);

/* The Monday of date's week. */
void afterschool_week_start(const char *date, char out[AS_DATE_LEN]);

/* ---------- fair allocation of ranked choices ---------- */

#define AS_MAX_CHOICES 5

typedef struct {
    int nchoices;
    int choice[AS_MAX_CHOICES]; /* program indexes, best first */
} as_alloc_pupil;

/* Random serial dictatorship: the pupils are put in a random order drawn from `seed` (a
 * lottery, so nobody gains by applying first); in that order each pupil gets the best-ranked
 * program that still has a seat. seats[p] is decremented. OUT: assign[i] = program index or -1;
 * order[k] = the k-th pupil of the lottery. Pure and reproducible from the seed. */
void afterschool_allocate(const as_alloc_pupil *pupils, size_t np, int64_t *seats, size_t nprog,
                          uint64_t seed, int *assign, size_t *order);

/* ---------- routes ---------- */

const route *afterschool_routes(size_t *n);

#endif
