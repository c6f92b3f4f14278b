/*
 * reports_int.h: inside the reports module: the facts the store gathers for the report
 * (store_facts.c), the submissions and settings (store.c), the ledgers (store_ledger.c) and
 * typical cases (store_cases.c), the report's assembly (compute.c) and its workbook (sheets.c).
 * Other modules and src/app/ include reports.h.
 *
 * Every read of another module's data goes through the rp_* views of migrations/0500_reports.sql.
 * Arrays a store function returns through `**out` are malloc'd: the caller frees them.
 */
#ifndef SJ_REPORTS_INT_H
#define SJ_REPORTS_INT_H

#include "reports/reports.h"

#define RP_DRAFT      (-1) /* reports_half_monthly: the live figures, even when submitted */
#define RP_MAX_OVER   20   /* over-cap class-days listed per school (all are counted) */
#define RP_REASON_MAX 500  /* a revision's reason, in characters */

/* ---------- the report's facts (store_facts.c) ---------- */

typedef struct {
    int64_t id;
    char name[128];
} rp_school_row;

/* The district's schools (one when school_id != 0), in id order. */
int rp_store_schools(db_conn *c, int64_t district_id, int64_t school_id, rp_school_row **out,
                     size_t *n);

/* One class-day of the period with homework on its board (homework_days). */
typedef struct {
    int64_t school_id, class_id;
    char date[11];
    int limit, written, items, written_items;
    bool reported;
} rp_hw_day_row;

typedef int (*rp_hw_day_fn)(void *ctx, const rp_hw_day_row *d); /* DB_OK to go on */
int rp_store_hw_days(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                     const char *to, rp_hw_day_fn fn, void *ctx);

/* The families' reported time of a class-day, as the median of what each family's total
 * differs from the teacher's estimates (a family's total = the day's written minutes + its
 * excess). Sorted by (class_id, day). */
typedef struct {
    int64_t class_id, day; /* day: date_days(date) */
    int families;
    int64_t excess2; /* twice the median excess */
} rp_hw_median;

int rp_store_hw_medians(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                        const char *to, rp_hw_median **out, size_t *n);

/* An over-cap class-day's detail: its class, and the cap as stored with the day's latest item
 * (limit_minutes, rule, policy version). */
typedef struct {
    char class_name[64];
    int grade, items, limit;
    char rule[16], policy_version[128];
} rp_hw_day_detail;

int rp_store_hw_day_detail(db_conn *c, int64_t class_id, const char *date, rp_hw_day_detail *out);

/* The school days of [from, to] that after-school service must cover: Monday to Friday in term
 * and not a holiday (the district's calendar); at most cap of them. */
int rp_store_school_days(db_conn *c, int64_t district_id, const char *from, const char *to,
                         char (*days)[11], size_t cap, size_t *n);

/* Open after-school programs that run in [from, to], by school then id. */
typedef struct {
    int64_t school_id;
    rp_as_program p;
    char name[128], kind[8], end[6];
} rp_as_row;

int rp_store_as_programs(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                         const char *to, rp_as_row **out, size_t *n);

/* A count per school. */
typedef struct {
    int64_t school_id, n;
} rp_count;

/* Pupils on the roll; pupils with a seat in a program running in [from, to]; teachers; teachers
 * who held after-school duty in [from, to] or are a program's A or B post then (RP-3). */
int rp_store_pupils(db_conn *c, int64_t district_id, int64_t school_id, rp_count **out, size_t *n);
int rp_store_pupils_served(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                           const char *to, rp_count **out, size_t *n);
int rp_store_teachers(db_conn *c, int64_t district_id, int64_t school_id, rp_count **out,
                      size_t *n);
int rp_store_teachers_served(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                             const char *to, rp_count **out, size_t *n);

/* The registry with each institution's escrow at `until` (Unix seconds, exclusive), and the
 * district's escrow then, from the ledger alone: the sum of every escrow entry before it. */
typedef struct {
    int64_t id, escrow_fen;
    char name[160], category[16], state[16], license_valid_until[11], created[11];
} rp_inst_row;

int rp_store_institutions(db_conn *c, int64_t district_id, int64_t until, rp_inst_row **out,
                          size_t *n, int64_t *escrow_fen);

/* The cases module's figures (cases.h: cases_period_figures), for the district or a school. */
typedef struct {
    bool available;
    int64_t tips_received, tips_substantiated, cases_overdue, pn1, pn2;
} rp_cases;

int rp_store_cases(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                   const char *to, const char *as_of, rp_cases *out);

/* ---------- assembly (compute.c) ---------- */

/* The figures of [from, to] for the district (school_id 0) or one school: indicators,
 * per-school breakdown, institutions, the rule numbers used. as_of: the day cases count as
 * overdue against. In a read transaction of its own, or the caller's (caller_tx). DB_OK or an
 * error. */
int rp_compute(db_conn *c, const policy *pol, int64_t district_id, int64_t school_id,
               const char *from, const char *to, const char *as_of, bool caller_tx, json_t **out);

/* ---------- settings and submissions (store.c) ---------- */

int rp_store_settings(db_conn *c, int64_t district_id, rp_settings *out, char since[11]);
verdict reports_settings_put(db_conn *c, int64_t district_id, const rp_settings *in, int64_t actor);

typedef struct {
    int64_t id, submitted_by, submitted_at;
    int revision;
    char period[16], digest[65], submitted_by_name[128], reason[2048];
    char *figures; /* malloc'd canonical JSON */
} rp_submission;

/* The latest revision (revision 0) or that revision. DB_ROW, DB_DONE or an error. */
int rp_store_submission(db_conn *c, int64_t district_id, const char *period, int revision,
                        rp_submission *out);
void rp_submission_cleanup(rp_submission *s);

typedef struct {
    int64_t district_id, actor;
    const char *period, *figures, *digest, *actor_name;
    const char *reason;   /* NULL for a first submission */
    int64_t submitted_at; /* 0: now (the demo back-dates the past periods it submits) */
} rp_submit_in;

/* Stores the figures (canonical JSON) as the next revision of the period: 409
 * already_submitted when one exists and reason is NULL; OUT: the revision's number and time. */
verdict reports_submit(db_conn *c, const rp_submit_in *in, int *revision, int64_t *submitted_at);

/* {"items":[{"revision","submitted_at","submitted_by":{"id","name"},"digest","revision_reason"}],
 * "total"} newest first; NULL on a store error. */
json_t *rp_store_revisions(db_conn *c, int64_t district_id, const char *period, int64_t limit,
                           int64_t offset);

/* The latest revision of every submitted period in [first, last] (period ids compare as text
 * within a year; callers pass ids of the same shape): {"PERIOD": {"revision","submitted_at",
 * "digest"}}; NULL on a store error. */
json_t *rp_store_submitted(db_conn *c, int64_t district_id, const char *first, const char *last);

/* The canonical text (sorted keys, compact) and its SHA-256 in hex. text is malloc'd. */
char *rp_canonical(const json_t *figures, char digest[65]);

/* The figures a submission stores: the draft computed now with its period, due date and the
 * moment it was computed (no status). DB_OK or an error. */
int rp_draft_figures(db_conn *c, const policy *pol, int64_t district_id, const rp_period *p,
                     const char *today, bool caller_tx, json_t **out);

/* ---------- RP-2 (store_ledger.c, store_cases.c; ledger.c assembles) ---------- */

/* A school's after-school rolls and duty by day over [from, to]: {"DATE": {"rolls","marked",
 * "present","teachers_on_duty"}}; NULL on a store error. */
json_t *rp_store_as_days(db_conn *c, int64_t school_id, const char *from, const char *to);
/* Inspections with their findings and rectifications, and complaints, of a school over
 * [from, to] (the cases module's); json null while that module is not there. NULL on error. */
json_t *rp_store_inspections(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                             const char *to);
json_t *rp_store_complaints(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                            const char *to);
/* Notices the school's staff sent or received over [from, to] (the notices module's); json null
 * while that module is not there. */
json_t *rp_store_notices(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                         const char *to);

/* The work ledger (工作台账) of one school over [from, to] (at most a term): {"school_id",
 * "name","from","to","homework":[by day],"afterschool":[by school day],"inspections",
 * "complaints","notices"}. DB_OK, DB_DONE (no such school) or an error. */
int rp_ledger(db_conn *c, const policy *pol, int64_t district_id, int64_t school_id,
              const char *from, const char *to, json_t **out);

/* The term compilation (成果汇编): the term's half-monthly figures as submitted, period by
 * period, and its selected and published typical cases. DB_OK or an error. */
int rp_compilation(db_conn *c, const policy *pol, int64_t district_id, const char *term,
                   const char *from, const char *to, const char *today, json_t **out);

extern const char *const reports_case_topics[]; /* NULL-terminated */
extern const char *const reports_case_statuses[];

typedef struct {
    int64_t id, district_id, school_id;
    char term[16], topic[24], status[16], title[256];
} rp_case_head;

int rp_store_case(db_conn *c, int64_t id, rp_case_head *out); /* DB_ROW / DB_DONE */
/* The case with its body and photo ids; NULL on error. */
json_t *rp_store_case_json(db_conn *c, int64_t id);
json_t *rp_store_cases_page(db_conn *c, int64_t district_id, int64_t school_id, const char *term,
                            const char *status, int64_t limit, int64_t offset);

typedef struct {
    int64_t district_id, school_id, actor;
    const char *term, *topic, *title, *body;
} rp_case_in;

verdict reports_case_submit(db_conn *c, const rp_case_in *in, int64_t *id);
/* Edits title, body and topic (any may be NULL: unchanged). by_school: only while submitted. */
verdict reports_case_edit(db_conn *c, int64_t id, const char *title, const char *body,
                          const char *topic, bool by_school, int64_t actor);
/* submitted -> selected -> published; select false sends a selected case back to submitted. */
verdict reports_case_select(db_conn *c, int64_t id, bool select, int64_t actor);
verdict reports_case_publish(db_conn *c, int64_t id, int64_t actor);

#define RP_PHOTOS_MAX      6
#define RP_PHOTO_BYTES_MAX (2 * 1024 * 1024)
verdict reports_case_photo_add(db_conn *c, int64_t case_id, int64_t district_id, const char *mime,
                               const unsigned char *data, size_t len, int64_t actor, int64_t *id);
verdict reports_case_photo_delete(db_conn *c, int64_t case_id, int64_t photo_id);
/* The photo's bytes (malloc'd) and type. DB_ROW, DB_DONE or an error. */
int rp_store_photo(db_conn *c, int64_t case_id, int64_t photo_id, char mime[16],
                   unsigned char **data, size_t *len);

/* The term's selected and published cases, for the compilation; NULL on error. */
json_t *rp_store_term_cases(db_conn *c, int64_t district_id, const char *term);

/* ---------- the workbooks (sheets.c) ---------- */

void rp_ledger_sheets(const xlsx_book *b, const json_t *ledger, const char *school_name);

#endif
