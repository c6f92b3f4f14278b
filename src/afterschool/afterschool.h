/*
 * afterschool.h: the after-school service (课后服务): programs, enrolment with wait lists and
 * ranked-choice allocation, attendance, bills, teachers' duty and time bank, coverage.
 *
 * This header is the module's contract. Three layers sit behind it:
 *   rules.c     pure decisions (policy + data in, verdict out; no I/O), unit-tested alone:
 *               AS-2 off-work time by season, AS-6 fee caps, AS-4 vetted providers, AS-1
 *               coverage, AS-7/AS-5/AS-6 bills with pro-rata refunds, AS-8 subsidies, AS-9
 *               leave and the one-duty-at-a-time rule of the time bank, the fair allocation of
 *               ranked choices, the clash of two programs' times.
 *   store*.c    all of its SQL (tables afterschool_* of migrations/0200_afterschool.sql):
 *               store.c the shared reads, store_programs.c programs and the vetted providers,
 *               store_enrol.c enrolment, wait lists, choices and the allocation, store_rolls.c
 *               the roll, store_money.c bills, waivers, subsidies and the coverage report,
 *               store_staff.c duty, time bank, leave and the A/B roster. Each write is one
 *               afterschool_<action>() below that owns its transaction (begin, lock, check by
 *               calling the pure rule, write, commit; on any refusal or failure roll back and
 *               return the verdict: nothing half-written).
 *   api*.c      its HTTP handlers (parse, authorise, call the store, reply) and route table
 *               (afterschool_routes).
 * Every refusal is a verdict (core/verdict.h); its words are rows of core/messages.c keyed by
 * rule ID ("AS-2.summer") or "afterschool.<what>".
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
#define AS_DATE_LEN     11

/* ---------- AS-2: off-work time by season ---------- */

/* The local off-work time (minutes) on `date`; OUT: *summer says which season holds it. The
 * summer season runs from AS-2.summer_from to AS-2.summer_to (MM-DD, both included). */
int afterschool_off_work(const policy *pol, const char *date, bool *summer);

/* OK when a session ending at end_min meets the off-work time on every one of the dates;
 * otherwise ends_before_off_work (AS-2) with the first offending "date", the session's "end"
 * and the "off_work" time (HH:MM) and the "season" ("summer" / "winter") that hold that day. */
verdict afterschool_check_off_work(const policy *pol, const char (*dates)[AS_DATE_LEN], size_t n,
                                   int end_min);

/* ---------- AS-6: fee caps ---------- */

/* The per-hour cap for a program of this kind at a rural or urban school (fen per pupil-hour):
 * care AS-6.care_fee_per_hour_fen; course AS-6.course_fee_per_hour_fen, or
 * AS-6.rural_fee_per_hour_fen at a rural school; a rural school's care is capped by the lower
 * of the care and rural caps. */
int64_t afterschool_fee_cap(const policy *pol, as_kind kind, bool rural);
/* OK when fee_per_hour_fen is at most that cap; else fee_over_cap (AS-6) with
 * "fee_per_hour_fen", "cap_fen", "kind" and "rural". */
verdict afterschool_check_fee(const policy *pol, as_kind kind, bool rural,
                              int64_t fee_per_hour_fen);

/* ---------- AS-4: the district's vetted third parties ---------- */

typedef struct {
    bool found;  /* on the district's list at all */
    bool active; /* not exited */
    char vetted_from[AS_DATE_LEN], vetted_to[AS_DATE_LEN];
    int64_t fee_per_hour_fen; /* the fee standard the district approved */
} as_vendor;

/* AS-4 for a program from first_day to last_day at fee_per_hour_fen by the provider v (NULL:
 * none found). Refusals: provider_not_vetted with "reason" "not_listed" (not on the district's
 * list), "exited" (was on it, has left) or "out_of_period" (the program's days are outside
 * "vetted_from".."vetted_to"); fee_over_vendor_standard with "fee_per_hour_fen" and
 * "standard_fen" (above the fee standard the district approved). */
verdict afterschool_vendor_check(const as_vendor *v, const char *first_day, const char *last_day,
                                 int64_t fee_per_hour_fen);

/* ---------- programs' times ---------- */

typedef struct {
    int64_t id;
    as_kind kind;
    unsigned weekdays;      /* AS_WEEKDAYS_ALL bits */
    int start_min, end_min; /* start < end */
    int64_t fee_per_hour_fen;
    char first_day[AS_DATE_LEN], last_day[AS_DATE_LEN];
    bool rural; /* the program's school is rural (bills: AS-6's rural cap) */
} as_program;

/* Two programs clash for one pupil when they share a weekday, their times overlap and their
 * date ranges overlap, and they are of the same kind. A care program and a course may
 * overlap: the pupil goes to the course from care, and AS-7 bills the overlap once. */
bool afterschool_clash(const as_program *a, const as_program *b);

/* The mask as text, "1,3,5". */
void afterschool_weekdays_text(unsigned mask, char out[16]);

/* ---------- AS-1: the school's offer covers five days of two hours ---------- */

typedef struct {
    int minutes[8]; /* [1..5]: minutes covered by the union of the programs' times */
    bool day_ok[8];
    int days_required, min_minutes, days_ok;
    bool ok;
} as_coverage;

void afterschool_coverage(const policy *pol, const as_program *progs, size_t n, as_coverage *out);

/* ---------- bills: AS-6 caps, AS-7 no double charge, AS-5 waiver, pro-rata refund ---------- */

typedef struct {
    char date[AS_DATE_LEN];
    int weekday;
} as_day; /* a school day of the term (calendar_day_kind = DAY_SCHOOL) */

typedef struct {
    as_program prog;
    char seat_from[AS_DATE_LEN]; /* first day the pupil holds the seat */
    char left_on[AS_DATE_LEN];   /* "" when still enrolled; else the first day not billed */
} as_bill_item;

/* The part of a line under one policy version (AS-6 lowered from a date: each day is charged
 * at the program's fee, or the cap in force that day when it is lower). */
#define AS_MAX_PERIODS 8
typedef struct {
    const char *version;                        /* the policy's version string (borrowed) */
    char first[AS_DATE_LEN], last[AS_DATE_LEN]; /* the line's first and last session in it */
    int64_t rate_fen;                           /* per hour: min(fee, the version's cap) */
    int sessions, sessions_full;
    int64_t minutes, overlap, amount, minutes_full, overlap_full, amount_full;
} as_bill_period;

typedef struct {
    int64_t program_id;
    as_kind kind;
    int64_t rate_fen; /* per hour; with several periods, the first period's */
    int session_minutes;
    /* the term as enrolled: from seat_from to the program's last day */
    int sessions_full;
    int64_t minutes_full, overlap_full, amount_full;
    /* what is billed: up to the day before left_on */
    int sessions;
    int64_t minutes, overlap, amount;
    int64_t refund; /* amount_full - amount, when the pupil left */
    /* AS-6 pro rata, when the pupil left: the days the term counts as (the policy's
     * refund_pro_rata_days, or the sessions when fewer) and those used */
    int64_t pro_rata_days, pro_rata_used;
    int nperiods; /* the policy versions the line's sessions fall under, in date order */
    as_bill_period periods[AS_MAX_PERIODS];
} as_bill_line;

typedef struct {
    as_bill_line *lines; /* one per item, in the items' order (caller's storage) */
    size_t n;
    int64_t gross_fen;    /* sum of lines' amounts */
    int64_t term_cap_fen; /* -1 when the policy sets none */
    int64_t cap_reduction_fen;
    bool waived;
    int64_t waiver_fen;
    int64_t total_fen; /* what the family pays */
} as_bill;

/* Computes a pupil's bill for a term. days: the term's school days in date order. lines must
 * hold n items. periods (np of them, date order; NULL: pol on every day): the policy versions
 * in force over the term; each day is charged at min(program fee, AS-6 cap of the version in
 * force that day). pol (the version in force today) gives AS-5, AS-6's term cap and AS-7.
 * Pure; a line's amount is the sum over its periods of floor(rate * minutes / 60). */
void afterschool_bill_compute(const policy *pol, const policy_period *periods, size_t np,
                              const as_day *days, size_t ndays, const as_bill_item *items, size_t n,
                              bool waived, as_bill *out, as_bill_line *lines);

/* AS-6 pro rata for a line whose pupil left before its last session: base =
 * min(AS-6.refund_pro_rata_days, sessions_full); amount = floor(amount_full * min(sessions,
 * base) / base); refund = amount_full - amount. Sets pro_rata_days and pro_rata_used. */
void afterschool_pro_rata(const policy *pol, as_bill_line *l);

/* How a line was computed, in words (zh-CN, or English: the sentences are rows
 * "afterschool.bill.*" of core/messages.c). Writes at most outlen bytes. */
void afterschool_bill_line_explain(const as_bill_line *l, const char *name, bool english, char *out,
                                   size_t outlen);

/* Money as "12.34" (yuan with two decimals; negative with a minus sign). */
void afterschool_fen_text(int64_t fen, char out[32]);

/* ---------- AS-8: teachers' subsidy ---------- */

typedef struct {
    int64_t rate_fen; /* per class-hour, after the district's floor and cap */
    int class_hour_minutes;
    int64_t amount_fen; /* floor(minutes * rate / class_hour_minutes) */
} as_subsidy;

void afterschool_subsidy(const policy *pol, int64_t duty_minutes, as_subsidy *out);

/* ---------- AS-10: the rural small-school gap ---------- */

/* cost = subsidies (AS-8, at the district's rate) + third-party fees (what the vetted providers
 * are owed for their programs' billed sessions); gap = cost - fees collected, never negative. */
int64_t afterschool_rural_gap(int64_t subsidies_fen, int64_t third_party_fen, int64_t fees_fen);

/* A district top-up of amount_fen for a school whose gap is gap_fen and topped up so far
 * topped_up_fen. Refusals (AS-10, 422): topup_not_allowed when the policy does not fill the
 * gap from the district's budget (AS-10.rural_gap_filled_by_district), topup_not_rural for an
 * urban school, topup_over_gap when amount_fen passes the remaining gap ("gap_fen",
 * "topped_up_fen", "remaining_fen", "amount_fen"); exactly the remaining gap passes. */
verdict afterschool_topup_check(const policy *pol, bool rural, int64_t gap_fen,
                                int64_t topped_up_fen, int64_t amount_fen);

/* ---------- AS-9: time bank and half-day leave ---------- */

typedef struct {
    int64_t minutes_required; /* AS-9.minutes_per_half_day */
    int64_t week_max;         /* AS-9.half_days_per_week_max */
} as_leave_terms;

void afterschool_leave_terms(const policy *pol, as_leave_terms *terms);

/* balance: credits left (earned minus spent or held); used_this_week: half-days already asked
 * for or granted in the same Monday-to-Sunday week. Refusals (AS-9): insufficient_credits with
 * "minutes" (the balance) and "required"; leave_over_weekly_limit with "limit" and "used".
 * OUT: *terms (may be NULL). */
verdict afterschool_leave_check(const policy *pol, int64_t balance, int64_t used_this_week,
                                as_leave_terms *terms);

/* A teacher is on one duty at a time: a duty takes its program's session, [start, end) in
 * minutes, so a duty ending at 17:30 and one starting at 17:30 do not overlap. */
typedef struct {
    int64_t id; /* the duty */
    int64_t program_id;
    int start_min, end_min;
} as_duty_span;

/* The first of the teacher's duties that day (held[0..n)) sharing at least one minute with
 * [start_min, end_min), or -1 when none does. OUT: *shared, the minutes in common (may be NULL). */
int afterschool_duty_overlap(int start_min, int end_min, const as_duty_span *held, size_t n,
                             int *shared);

/* A new duty on program_id, session [start_min, end_min), against the teacher's duties of the
 * day (held, in the order they should be named). The first held duty that is on the same
 * program refuses with 409 conflict ("afterschool.duty_twice", "duty_id"); the first that
 * shares a minute with duty_overlap (AS-9) with "overlap_minutes", its "duty_id" and
 * "program_id", "start"/"end" (the new session) and "other_start"/"other_end" (HH:MM). */
verdict afterschool_check_duty(int64_t program_id, int start_min, int end_min,
                               const as_duty_span *held, size_t n);

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

/* ---------- writes (store_*.c): each owns its transaction and returns a verdict ----------
 * `actor` is the user who acts, `at` the time of the act (now_unix() in a request), `today`
 * the local date it happens on (today_local()): the demo writes a term's history with the
 * same functions and gives them the days it happened. */

typedef struct {
    int64_t district_id, school_id, vendor_id, institution_id, capacity, fee_per_hour_fen;
    int64_t staff_a, staff_b, actor, at; /* 0: none */
    as_kind kind;
    bool third_party; /* provider "third_party" (else "school") */
    unsigned weekdays;
    const char *term, *name, *category, *place;     /* category and place may be NULL */
    const char *start, *end, *first_day, *last_day; /* HH:MM, HH:MM, dates; checked by the caller */
    /* The school days covering first_day..last_day when the caller has them already (the
     * demo: the term's); NULL to read them from the calendar. */
    const as_day *days;
    size_t ndays;
} as_program_in;

typedef struct {
    int64_t id;
    size_t sessions;     /* the program's session days */
    int64_t fee_cap_fen; /* AS-6's cap that applied */
} as_program_made;

/* A program, after its days lie inside the term (400 first_day/last_day with term_first_day,
 * term_last_day), its posts are teachers of the school (400 staff_a/staff_b), AS-4 (a third
 * party), AS-6, a session day at all (400 first_day) and AS-2 on every session day. */
verdict afterschool_program_create(db_conn *c, const policy *pol, const as_program_in *in,
                                   as_program_made *out);
verdict afterschool_program_close(db_conn *c, int64_t program_id);

typedef struct {
    int64_t district_id, institution_id, fee_per_hour_fen, actor, at; /* institution 0: none */
    const char *name, *credit_code; /* the code normalised (ident_uscc_valid) */
    const char *service_items;      /* a JSON array of names, as text */
    const char *vetted_from, *vetted_to;
} as_vendor_in;

/* A provider on the district's vetted list; 409 (field credit_code) when its code is listed. */
verdict afterschool_vendor_add(db_conn *c, const as_vendor_in *in, int64_t *id);
/* The provider leaves the list on `date`. OUT: *open_programs, its open programs that run
 * past that day. */
verdict afterschool_vendor_exit(db_conn *c, int64_t vendor_id, const char *date, const char *reason,
                                int64_t *open_programs);

typedef struct {
    int64_t district_id, program_id, student_id, actor, at;
    const char *today;
} as_enrol_in;

typedef struct {
    int64_t id, position; /* position on the wait list, 0 with a seat */
    bool seat;
    char seat_from[AS_DATE_LEN];
    char clash_name[256]; /* the program that clashed (time_clash) */
} as_enrol_out;

/* A seat while the program has one, else the end of its wait list. Locks the pupil, then the
 * program. Refusals: 409 program_closed, already_enrolled ("enrolment_id"), time_clash
 * ("program_id", "program_name"); 404 when the program is gone. */
verdict afterschool_enrol(db_conn *c, const as_enrol_in *in, as_enrol_out *out);
/* The pupil leaves on left_on (a seat held since before then ends as "left", else the
 * enrolment is "cancelled"); the freed seat goes to the wait list in order. 404 when the
 * enrolment is no longer active. */
verdict afterschool_withdraw(db_conn *c, int64_t enrolment_id, const char *left_on,
                             const char *today, int64_t at);

typedef struct {
    int64_t district_id, school_id, student_id, actor, at;
    const char *term;
    const int64_t *program_ids; /* best first, distinct */
    size_t n;                   /* 0..AS_MAX_CHOICES; 0 clears the choices */
} as_choices_in;

/* The pupil's ranked choices for the term, in place of earlier ones; each must be an open
 * program of the pupil's school in that term (400 program_ids with its index). OUT: names[i],
 * each program's name. */
verdict afterschool_choices_put(db_conn *c, const as_choices_in *in, char (*names)[256]);

typedef struct {
    int64_t district_id, school_id, actor, at;
    const char *term, *today;
} as_alloc_in;

typedef struct {
    int64_t id, pupils, placed, waitlisted;
    uint64_t seed;
} as_alloc_out;

/* The lottery allocation of the school's ranked choices for the term (store_enrol.c). */
verdict afterschool_allocation_run(db_conn *c, const as_alloc_in *in, as_alloc_out *out);

typedef struct {
    int64_t program_id, actor, at;
    const char *date, *today, *reason; /* reason: NULL, or why a past roll is entered late */
    const int64_t *present;            /* the pupils there, distinct */
    size_t npresent;
} as_roll_in;

/* The roll of one session: every pupil holding a seat that day marked present or absent.
 * Refusals: 409 roll_not_open (a day to come), 422 no_session ("date"), 422 not_enrolled
 * ("date"; OUT: strangers[0..*nstrangers), the ids of `present` holding no seat, room for
 * npresent), 409 roll_locked ("date", "taken": after its day a roll is locked; one never
 * taken may be entered late with a reason). OUT: *roll_id. */
verdict afterschool_roll_take(db_conn *c, const as_roll_in *in, int64_t *roll_id,
                              int64_t *strangers, size_t *nstrangers);

typedef struct {
    int64_t program_id, student_id, actor, at;
    bool present;
    const char *date, *reason;
} as_correction_in;

/* A correction of a taken roll, kept with its reason. 404 when the day has no roll; 422
 * not_enrolled when the pupil is not on it. OUT: *id, *before (the mark it replaced). */
verdict afterschool_roll_correct(db_conn *c, const as_correction_in *in, int64_t *id, bool *before);

/* What a bills run computed and stored. */
typedef struct {
    int64_t students, seats, programs, gross_fen, cap_reduction_fen, waiver_fen, total_fen;
    size_t school_days;
} as_bills_totals;

/* Every bill of the term, for the district's schools (school_id 0) or one school, stored in
 * place of the ones stored before. OUT: *out. */
verdict afterschool_bills_run(db_conn *c, const policy *pol, policy_store *ps, int64_t district_id,
                              const char *term, int64_t school_id, as_bills_totals *out);

typedef struct {
    int64_t district_id, school_id, student_id, actor, at;
    const char *reason;
} as_waiver_in;

/* AS-5: the pupil's family is in hardship (set again: the reason is replaced). */
verdict afterschool_waiver_set(db_conn *c, const as_waiver_in *in);
/* 404 when the pupil has no waiver. */
verdict afterschool_waiver_clear(db_conn *c, int64_t student_id);

/* A teacher's time bank: earned by duty, held by pending leave, spent by approved leave. */
typedef struct {
    int64_t earned, held, spent;
} as_bank;

typedef struct {
    int64_t user_id, program_id, minutes, actor, at;
    const char *date, *today;
} as_duty_in;

typedef struct {
    int64_t id, covering_for; /* covering_for: the A post the B post stands in for, or 0 */
    as_bank bank;             /* after the duty */
    char clash_name[256];     /* the program of the duty it overlapped (duty_overlap) */
} as_duty_out;

/* A duty on a session of the program, into the teacher's time bank. Locks the teacher.
 * Refusals: 400 date (a day to come), 400 minutes ("max": longer than the session), 422
 * no_session, 409 conflict (the session is recorded), 422 duty_overlap (AS-9). */
verdict afterschool_duty_record(db_conn *c, const as_duty_in *in, as_duty_out *out);

typedef struct {
    int64_t district_id, user_id, at;
    const char *date, *half, *today; /* half: "am" or "pm" */
} as_leave_in;

typedef struct {
    int64_t id, minutes;
    char week_start[AS_DATE_LEN];
    as_bank bank; /* after the request */
} as_leave_out;

/* Half a day of leave paid with credits (AS-9), pending the school's decision. Locks the
 * teacher. Refusals: 403 (not a teacher anywhere), 400 date (past, or not a working day), 409
 * (the half-day is asked for), 422 insufficient_credits, 422 leave_over_weekly_limit. */
verdict afterschool_leave_ask(db_conn *c, const policy *pol, const as_leave_in *in,
                              as_leave_out *out);
/* The school's decision on a pending request (409 "status" when decided already). Locks the
 * teacher (user_id). OUT: *bank after it. */
verdict afterschool_leave_decide(db_conn *c, int64_t leave_id, int64_t user_id, bool approve,
                                 const char *note, int64_t actor, int64_t at, as_bank *bank);

typedef struct {
    int64_t district_id, school_id, amount_fen, actor, at;
    const char *term, *note; /* note may be NULL */
} as_topup_in;

typedef struct {
    int64_t id, gap_fen, topped_up_fen, remaining_fen; /* after the top-up */
} as_topup_out;

/* AS-10: the district's top-up of a rural school's gap for a term, checked against the gap as
 * the coverage report computes it now, under a lock on the school. 404 for a school of another
 * district. */
verdict afterschool_topup(db_conn *c, const policy *pol, const as_topup_in *in, as_topup_out *out);

/* ---------- routes ---------- */

const route *afterschool_routes(size_t *n);

#endif
