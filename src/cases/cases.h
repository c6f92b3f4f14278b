/*
 * cases.h: the cases module's contract: complaints and tip-offs followed to the end (CS-1,
 * CS-2), joint enforcement (CS-4), penalties on institutions (PN-1, PN-2) and inspections of
 * schools and institutions with their rectifications (CS-3).
 *
 * A case is a guardian's complaint (投诉), anyone's tip-off (举报, no login) or one an inspector
 * opens. Its states (API.md):
 *
 *     open --assign--> assigned --public reply--> answered --close--> closed
 *       \________________ public reply ___________/                     |
 *     reopen (closed or answered) -> assigned (or open when nobody is assigned) <----+
 *
 * Routing when it arrives: homework, after-school and exam categories go to the named school's
 * admin (assigned at once); every other category, or one without a school, waits for the
 * inspectors (open). Every case has CS-1's due date: `working_days` working days of the
 * district's calendar after the day it arrives (that day not counted; weekends and holidays
 * skipped, make-up workdays counted); a case not closed after its due date is overdue.
 *
 * CS-2: the tipster's name and phone are sealed with the data key, shown masked to district
 * staff only, and revealed in clear only through an audited route. A tip's tracking code and
 * secret (the secret kept only as a keyed hash) let its tipster read the status and the public
 * replies; an unknown code and a wrong secret answer alike. One address or phone may file at
 * most `tips_per_hour` tips an hour; the address is kept only as a keyed hash and dropped after
 * `address_keep_days`.
 *
 * The module's parts: rules.c (pure: CS-1 working days, PN-1/PN-2 bounds, reopening, rewards,
 * the rule IDs an inspection may cite, masks), photo.c (pure: JPEG/PNG by content, metadata
 * removed), store.c / store_enforce.c / store_inspect.c (all SQL; each write one cases_<action>()
 * owning its transaction), api.c / api_tips.c / api_inspect.c / api_export.c (handlers), demo.c.
 */
#ifndef SJ_CASES_H
#define SJ_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/policy.h"

/* ---------- the figures the reports module reads (RP-1) ---------- */

typedef struct {
    int64_t tips_received;                /* tips and complaints that arrived in [from, to] */
    int64_t tips_substantiated;           /* cases closed "substantiated" in [from, to] */
    int64_t cases_overdue;                /* cases not closed whose due date is before as_of */
    int64_t penalties_pn1, penalties_pn2; /* penalties decided in [from, to] */
} cases_figures;
/* DB_OK with *out filled, or a DB_ error. school_id 0 = the whole district. */
int cases_period_figures(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                         const char *to, const char *as_of, cases_figures *out);

/* ---------- words of the API ---------- */

extern const char *const cases_categories[]; /* API.md's ten, NULL-terminated */
extern const char *const cases_statuses[];   /* open, assigned, answered, closed */
extern const char *const cases_outcomes[];   /* substantiated, unsubstantiated, referred */
extern const char *const cases_measures[];   /* warning, rectify, stop, refund, blacklist */

/* Where a case of this category goes when it arrives: the named school's admin (homework,
 * after-school and exam categories) or the inspectors (everything else). */
typedef enum { CASES_TO_INSPECTORS = 0, CASES_TO_SCHOOL } cases_route;
cases_route cases_route_of(const char *category);

/* ---------- CS-1: working days (pure) ---------- */

/* One date the district marked: kind "holiday" or "workday" (a make-up workday, 调休). */
typedef struct {
    char date[11];
    char kind[8];
} cases_cal_day;

/* A working day of the bureau: a make-up workday, or a weekday that is not a holiday. row_kind
 * is the district's mark for the date ("holiday", "workday", or ""/NULL for none). */
bool cases_working_day(const char *date, const char *row_kind);
/* The date `n` working days after `arrived` (arrived itself never counts). days: the district's
 * marks, in any order (dates outside the span are ignored). n 0 gives arrived. OUT: out. */
void cases_due_date(const char *arrived, int64_t n, const cases_cal_day *days, size_t ndays,
                    char out[11]);

/* ---------- CS-1: reopening; CS-2: rewards; PN-1/PN-2: penalties (pure) ---------- */

typedef struct {
    bool by_filer;           /* the guardian who filed it (else district staff) */
    const char *status;      /* the case's status now */
    int64_t reopened;        /* times the filer reopened it already */
    const char *answered_on; /* the day of its closing, or of its last answer ("" none) */
    const char *today;
} cases_reopen_in;
/* District staff reopen an answered or closed case; the filer reopens it at most
 * reopen_times, within reopen_within_days of the answer (the day itself counts as day 0, so
 * exactly reopen_within_days days later passes, one more fails): reopen_not_allowed (CS-1)
 * with "reopened", "reopen_times", "days", "reopen_within_days". An open or assigned case:
 * 409 case_not_answered. */
verdict cases_reopen_check(const policy *pol, const cases_reopen_in *x);

/* CS-2: a reward goes to a tip (not a complaint) closed substantiated, between reward_min_fen
 * and reward_max_fen (both included): reward_not_allowed / reward_out_of_range (CS-2). */
verdict cases_reward_check(const policy *pol, const char *source, const char *status,
                           const char *outcome, int64_t amount_fen);

typedef struct {
    bool pn2;     /* PN-2 (else PN-1) */
    bool serious; /* PN-2: a serious case (情节严重) */
    int64_t illegal_income_fen;
    int64_t fine_fen;
} cases_penalty;
/* PN-1: fine_multiple_min x income <= fine <= fine_multiple_max x income. PN-2: fine at most
 * fine_max_fen, or for a serious case serious_fine_min_fen..serious_fine_max_fen. Refusal:
 * fine_out_of_range with the rule, "fine_fen", "min_fen", "max_fen" (and "illegal_income_fen"
 * for PN-1). Amounts negative: the same refusal. */
verdict cases_penalty_check(const policy *pol, const cases_penalty *p);

/* CS-3: the rule IDs of POLICY.md an inspection finding may cite (HW-1 ... RP-3). */
bool cases_rule_known(const char *rule);
extern const char *const cases_rule_ids[]; /* NULL-terminated, POLICY.md's order */

/* ---------- masks (pure) ---------- */

/* A name shown masked: its first character and '*' for the rest ("张**"); "" for "". */
void cases_name_mask(const char *name, char *out, size_t n);
/* A free place as a key for "same place": without blanks and punctuation, ASCII lower-cased. */
void cases_place_key(const char *place, char *out, size_t n);

/* ---------- photos (photo.c, pure) ---------- */

typedef enum { CASES_PHOTO_BAD = 0, CASES_PHOTO_JPEG, CASES_PHOTO_PNG } cases_photo_kind;
/* What the bytes are, by their content (the signature and a well-formed structure), whatever
 * name or type the client gave them. */
cases_photo_kind cases_photo_sniff(const unsigned char *p, size_t n);
/* The image without its metadata: a JPEG loses every APP1..APP15 segment (EXIF with its GPS
 * location, XMP, ...) and its comments, a PNG its eXIf, tEXt, zTXt, iTXt and tIME chunks; the
 * picture itself is copied as it is. out has room for n bytes. Returns the new length, or 0
 * when the image is malformed (then nothing is stored). */
size_t cases_photo_strip(const unsigned char *in, size_t n, unsigned char *out);

/* ---------- writes (store*.c): each owns its transaction and returns a verdict ---------- */

/* Who acts: a user (id, and the role they act in, for the history) or the public (id 0). */
typedef struct {
    int64_t id;
    const char *role; /* "public", "guardian", "inspector", "district_admin", "school_admin",
                         "institution_admin" */
    int64_t at;       /* when they act, Unix seconds; 0: now (the demo and the benchmark
                         write the past: a case's day is then at's day in +08:00) */
} cases_actor;

typedef struct {
    int64_t district_id, school_id, institution_id, contract_id, student_id;
    const char *source; /* "tip", "complaint" or "inspector" */
    const char *category, *text, *place;
    cases_actor by; /* the guardian or inspector; id 0 for a tip */
    /* a tip only */
    bool anonymous;
    const char *name, *phone; /* sealed with data_key; phone normalised (11 digits) */
    const unsigned char *data_key;
    const char *rate_keys[2]; /* keyed hashes of the address and the phone (NULL: none) */
} cases_new;

typedef struct {
    int64_t id;
    char status[10];
    char due_date[11];
    char tracking_code[13]; /* a tip's: 12 digits */
    char secret[17];        /* a tip's: shown once, kept only as a hash */
    int64_t assigned_school_id;
} cases_created;

/* Files a case: routing, CS-1's due date; for a tip the CS-2 rate limit (429 too_many_tips with
 * retry_after_s, serialised per key), the sealed tipster, a new code and secret. */
verdict cases_file(db_conn *c, const policy *pol, const cases_new *in, cases_created *out);

/* To a school (its admin answers) or to one inspector / district admin (user_id). Refused on a
 * closed case (409 case_closed). */
verdict cases_assign(db_conn *c, int64_t case_id, int64_t school_id, int64_t user_id,
                     const cases_actor *by);
/* A reply: a public one answers the case (status answered); an internal note does not. A
 * closed case takes internal notes only (409 case_closed). OUT: reply_id. */
verdict cases_reply(db_conn *c, int64_t case_id, const char *text, bool public,
                    const cases_actor *by, int64_t *reply_id);
/* Closes with an outcome (409 case_closed the second time). */
verdict cases_close(db_conn *c, int64_t case_id, const char *outcome, const char *text,
                    const cases_actor *by);
/* Reopens (cases_reopen_check); the case gets a new CS-1 due date from today. */
verdict cases_reopen(db_conn *c, const policy *pol, int64_t case_id, const char *text,
                     bool by_filer, const cases_actor *by);
/* A reward for a substantiated tip (cases_reward_check); one a case (409 the second time). */
verdict cases_reward(db_conn *c, const policy *pol, int64_t case_id, int64_t amount_fen,
                     const char *text, const cases_actor *by, int64_t *reward_id);
/* Records in the history that the tipster's identity was revealed to `by` (CS-2). */
verdict cases_tipster_revealed(db_conn *c, int64_t case_id, const cases_actor *by);

typedef struct {
    int64_t case_id, institution_id; /* institution_id 0: an unregistered party */
    const char *party;               /* its name then */
    cases_penalty p;
    unsigned measures; /* bit i: cases_measures[i] */
    const char *text;
    cases_actor by;
} cases_penalty_in;

typedef struct {
    int64_t id;
    int64_t contracts_refunded, refund_fen;
    char institution_state[16], institution_list[8];
} cases_penalty_out;

#define CASES_MEASURE(i) (1u << (i))
enum { CASES_WARNING = 0, CASES_RECTIFY, CASES_STOP, CASES_REFUND, CASES_BLACKLIST };

/* Decides a penalty (cases_penalty_check) and applies its measures in the same transaction:
 * `stop` suspends the institution (no new contracts, no lessons), `refund` returns every open
 * contract's escrow to its guardian through the funds ledger, `blacklist` puts it on the black
 * list (TR-7). All or nothing. */
verdict cases_penalty_decide(db_conn *c, const policy *pol, const cases_penalty_in *in,
                             cases_penalty_out *out);

typedef struct {
    const char *department, *task, *answer; /* answer may be NULL (not yet) */
} cases_dept_in;

/* A joint enforcement action (CS-4): every department on CS-4's list, none twice. OUT: id. */
verdict cases_enforcement_add(db_conn *c, const policy *pol, int64_t case_id, const char *date,
                              const char *place, const char *findings, const cases_dept_in *d,
                              size_t nd, const cases_actor *by, int64_t *id);
/* One department's answer to its task. */
verdict cases_enforcement_answer(db_conn *c, int64_t enforcement_id, const char *department,
                                 const char *answer, const cases_actor *by);

/* A photo of a case (rect_id 0) or of a rectification's report (case_id 0): already checked
 * and stripped; at most `max` a case or rectification (422 too_many_photos). OUT: id. */
verdict cases_photo_add(db_conn *c, int64_t district_id, int64_t case_id, int64_t rect_id,
                        const char *mime, const unsigned char *data, size_t len, int max,
                        const cases_actor *by, int64_t *id);

typedef struct {
    const char *rule, *text, *rectify_by;
} cases_finding_in;

/* An inspection (CS-3) with its findings, each a rectification due on its date. OUT: id, and
 * rect_ids[nf] the rectifications' ids in the findings' order (rect_ids may be NULL). */
verdict cases_inspection_create(db_conn *c, int64_t district_id, int64_t school_id,
                                int64_t institution_id, const char *date, const char *note,
                                const cases_finding_in *f, size_t nf, const cases_actor *by,
                                int64_t *id, int64_t *rect_ids);
/* The school or institution reports what it did: open -> submitted (409 otherwise). */
verdict cases_rectification_report(db_conn *c, int64_t rect_id, const char *text,
                                   const cases_actor *by);
/* The inspector's review: submitted -> passed, or back to open (409 unless submitted). */
verdict cases_rectification_review(db_conn *c, int64_t rect_id, bool passed, const char *text,
                                   const cases_actor *by);

const route *cases_routes(size_t *n);

#endif
