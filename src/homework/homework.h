/*
 * homework.h: the homework module's contract: daily written-minute caps (HW-1..HW-4), the kinds
 * and targets the rules forbid (HW-6, HW-9), subjects per day (HW-11), bedtime (HW-10), the
 * writes (publish, withdraw, feedback, mark, adjust, a change read) and the HTTP routes.
 *
 * The module's parts:
 *   rules.c        pure: policy and numbers in, verdict out; unit-tested alone;
 *   store.c        the items' SQL: classes, items, periods, and every write below, each one
 *                  homework_<action>() that owns its transaction and returns a verdict;
 *   store_lists.c  the item lists (one item, a class's or teacher's, unmarked, changes);
 *   store_board.c  the class board's one statement, read into a hw_board;
 *   store_report.c the reports' and the grade matrix's statements;
 *   api.c, board.c, report.c  the handlers: parse, authorise, call the store, reply;
 *   demo.c         the demo district's homework, through homework_publish and homework_mark.
 * Every write to an item runs in one write transaction that first takes the class-day lock
 * (DB_LOCK_CLASS_DAY, homework_lock_key) and, for a vacation date, the class-vacation lock before
 * it; vacation keys are always taken before day keys and day keys in ascending order, so two
 * writers never wait on each other in a cycle. The roll-ups of migrations/0100_homework.sql stay
 * equal to the sums of the items they summarise (store.c says how).
 */
#ifndef SJ_HOMEWORK_H
#define SJ_HOMEWORK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/app.h"
#include "core/calendar.h"
#include "core/policy.h"

typedef enum { HW_WRITTEN = 0, HW_ORAL, HW_READING, HW_PRACTICAL } hw_kind;

/* "written", "oral", ...; NULL-terminated, indexed by hw_kind. */
extern const char *const homework_kinds[];
extern const char *const homework_tiers[];     /* "required", "optional" */
extern const char *const homework_day_kinds[]; /* indexed by day_kind: "", "school", ... */

/* The cap on written minutes for one class on one date. */
typedef struct {
    bool allowed;      /* false: no written homework may be set (HW-1 grades, or vacation
                          without a vacation total) */
    bool vacation;     /* the cap is a total over the whole vacation, not per day */
    int limit_minutes; /* the cap (0 when !allowed) */
    const char *rule;  /* "HW-1" | "HW-2" | "HW-3" | "HW-4" */
} hw_cap;

hw_cap homework_cap(const policy *pol, int grade, day_kind day);
/* HW-4's reading of the calendar's facts: vacation first (see rules.c). */
day_kind homework_day_kind(cal_day d);

/* One request to set an item, with what the period already holds. */
typedef struct {
    int grade;
    day_kind day;
    hw_kind kind;
    int minutes;          /* the item's estimate */
    int written_minutes;  /* written minutes already in the period (day, or vacation) */
    int written_subjects; /* distinct subjects with written homework that day */
    bool subject_is_new;  /* the item's subject has no written homework that day yet */
    int all_minutes;      /* minutes of every kind already set on the date */
} hw_request;

/* HW-1..HW-4 and HW-11 for one item. A refusal carries its code, its rule (HW-11 for subjects,
 * else the cap's) and, under its key in messages.c ("HW-2", "HW-4.weekend", "HW-4.vacation",
 * "HW-4.vacation_none", ...), the numbers: limit_minutes, written_minutes, requested_minutes,
 * remaining_minutes, grade, day_kind, and for HW-11 limit_subjects and subjects:
 *   written_homework_not_allowed  HW-1 (grades 1-2);
 *   date_outside_term             HW-4 on a vacation date without a vacation total;
 *   homework_over_limit           HW-2/HW-3/HW-4: the period's written minutes plus this item
 *                                 pass the cap (exactly at the cap passes);
 *   too_many_subjects             HW-11: a new subject beyond the day's limit. */
verdict homework_check(const policy *pol, const hw_request *q);

/* HW-5's all-kinds daily cap of the grade's band (HW-5.all_kinds_minutes_grades_1_2, _3_6,
 * _7_9), or POLICY_UNSET when the district set none (the national default: off). */
int64_t homework_all_kinds_cap(const policy *pol, int grade);
/* HW-5 for an item of any kind: OK when no cap is set or all_minutes + minutes is at most the
 * cap; else daily_total_over_limit (HW-5) with limit_minutes, all_minutes, requested_minutes,
 * remaining_minutes, grade and kind. homework_check calls it after the written caps pass. */
verdict homework_check_all_kinds(const policy *pol, const hw_request *q);

/* HW-5: a class-day whose families' reported time (reported_minutes, every kind, the mean per
 * reported item) passes its written estimate (written_minutes) by more than
 * HW-5.relabel_excess_minutes may be written work set under another kind. Exactly that many
 * minutes more is not flagged. */
bool homework_relabel_suspect(const policy *pol, int64_t written_minutes, int64_t reported_minutes);

/* HW-9 and HW-6 as verdicts: homework_kind_not_allowed {kind}, homework_target_not_allowed
 * {target}. A parent_check item is refused by HW-6 whatever its target. */
verdict homework_check_kind(const policy *pol, const char *kind);
verdict homework_check_target(const policy *pol, const char *target, bool parent_check);

/* HW-9 and HW-6: a kind or target the policy lists as refused. */
bool homework_kind_refused(const policy *pol, const char *kind);
bool homework_target_refused(const policy *pol, const char *target);

/* HW-10: "21:20" for grades 1-6, "22:00" for 7-9 (borrowed from the policy). */
const char *homework_bedtime(const policy *pol, int grade, char out[6]); /* HH:MM; returns out */

/* The mean reported time of one item, rounded half up; the estimate when nobody reported. */
int homework_reported_minutes(int estimate, int64_t fb_count, int64_t fb_minutes);

/* A matrix cell: "none" (no items), "ok", "near" (at least 80% of the cap), "over". */
const char *homework_cell_status(int items, int written_minutes, int limit_minutes);

/* A teacher's estimates run short when, over at least min_items reported items, the reported
 * time is at least ratio_pct percent of the estimate. */
bool homework_estimates_short(int64_t estimate_sum, int64_t reported_sum, int64_t items,
                              int ratio_pct, int min_items);

/* The lock key of a class-day (or a class-vacation: pass the vacation's first day). */
int64_t homework_lock_key(int64_t class_id, int64_t days);

/* ---------- the objects the writes take ---------- */

typedef struct {
    int64_t id, district_id, school_id;
    int grade;
    char name[160];
} hw_class;

typedef struct {
    int64_t id, district_id, school_id, class_id, teacher_id;
    int grade;
    char date[11];
    char subject[64];
    char title[320];
    hw_kind kind;
    int minutes;
    int64_t fb_count, fb_minutes;
    bool withdrawn;
    int64_t marked_at;
} hw_item;

/* The cap that governs a class on a date, and the period it covers. */
typedef struct {
    day_kind day;
    hw_cap cap;
    char from[11], to[11];              /* the date itself, or the whole vacation */
    char term_first[11], term_last[11]; /* the term the date lies in, or next to */
} hw_period;

/* Who writes: the user, and the audit row the write leaves inside its own transaction (so an
 * answered write costs one durable commit; the routes are ROUTE_NO_AUDIT). audit NULL: no row
 * (the demo). */
typedef struct {
    int64_t user_id;
    void (*audit)(void *ctx, const char *action, int64_t homework_id, const char *detail);
    void *ctx;
} hw_actor;

/* ---------- writes (store.c): each owns its transaction and returns a verdict ---------- */

typedef struct {
    const hw_class *cl;
    const hw_period *p; /* the period of date (hw_store_class_day, hw_store_period) */
    const char *date, *subject, *title, *content; /* content may be NULL */
    hw_kind kind;
    int tier; /* index in homework_tiers */
    int minutes;
    int64_t created_at; /* 0: now */
    /* The demo's: its families' reports, written in bulk after the item, already summed into
     * the item (and so into the roll-ups); 0 for an item published through the API. */
    int64_t fb_count, fb_minutes, fb_unfinished;
    /* The caller holds one write transaction that nobody else sees (the demo's): no begin,
     * lock or commit here; on a refusal the caller rolls back. false for the API. */
    bool caller_tx;
} hw_publish_in;

typedef struct {
    int64_t id;
    int written_after; /* the period's written minutes with this item */
    json_t *items;     /* on homework_over_limit or too_many_subjects: the period's written
                          items (what uses the minutes); the caller owns it; else NULL */
} hw_published;

/* One item, after HW-1..HW-4 and HW-11 under the class-day lock (and the class-vacation lock
 * for a vacation date): the item, its class-day's and the district's roll-ups and its audit row
 * in one transaction. A refusal (homework_check's verdict with date, day_kind and, for a
 * vacation, period_from/period_to/term_first_day/term_last_day) writes nothing. */
verdict homework_publish(db_conn *c, const policy *pol, const hw_publish_in *in, const hw_actor *by,
                         hw_published *out);

/* Withdraws `seen` (read before, outside the transaction): 404 when it was withdrawn meanwhile;
 * its minutes return to the day. */
verdict homework_withdraw(db_conn *c, const hw_item *seen, const hw_class *cl, const hw_actor *by);

typedef struct {
    int64_t student_id, minutes_spent;
    bool completed, bedtime;
} hw_feedback_in;

/* A family's reported time for one pupil, new or replacing their earlier report; the item's
 * sums and the roll-ups move with it. OUT: *updated (an earlier report was replaced). */
verdict homework_feedback(db_conn *c, const hw_item *seen, const hw_class *cl,
                          const hw_feedback_in *in, const hw_actor *by, bool *updated);

/* HW-8: the whole class's work marked at once (a class-wide 面批) by `by_user` at `at`;
 * marking twice keeps the first. */
verdict homework_mark(db_conn *c, int64_t homework_id, int64_t by_user, int64_t at);

typedef struct {
    int64_t pupils;        /* pupils of the class */
    int64_t marked_pupils; /* of them, those with a mark */
    bool class_wide;       /* the item was marked for the whole class */
    bool complete;         /* marked: class-wide, or every pupil */
} hw_marks;

typedef struct {
    const int64_t *student_ids; /* pupils of the item's class */
    size_t n;
    bool face;       /* marked face to face (面批), else in writing */
    bool class_wide; /* the whole class at once, face to face (student_ids unused) */
} hw_marks_in;

/* HW-8 per pupil: each of student_ids (pupils of the item's class, else 400 student_ids with
 * student_id) marked in writing or face to face; a pupil marked before keeps the first mark.
 * Once every pupil of the class has a mark the item is marked (marked_mode "pupils"); a
 * class-wide 面批 marks it at once (marked_mode "class"). Under the class-day lock; 404 when
 * the item was withdrawn. OUT: *out. */
verdict homework_mark_pupils(db_conn *c, const hw_item *seen, const hw_marks_in *in,
                             int64_t by_user, int64_t at, hw_marks *out);

typedef struct {
    int64_t change_id;
    int written_after; /* the new period's written minutes after the change */
    json_t *items;     /* on a refusal of the new date: as hw_published.items */
} hw_adjusted;

/* A grade leader moves `seen` to new_date (its period p) and/or shortens it to new_minutes,
 * with a reason the teacher reads (homework_changes). 404 when it was withdrawn meanwhile, 409
 * when its date or minutes changed since the leader saw it; a move is checked against the new
 * date's cap like a publish. */
verdict homework_adjust(db_conn *c, const policy *pol, const hw_item *seen, const hw_class *cl,
                        const hw_period *p, const char *new_date, int new_minutes,
                        const char *reason, const hw_actor *by, hw_adjusted *out);

/* The teacher read the reason of one change: 404 unless it is a change of theirs. */
verdict homework_change_read(db_conn *c, int64_t change_id, int64_t teacher_id);

/* The class boards' cache (board_cache.c): registers its handlers on the cache bus; once,
 * before serving. */
void homework_board_cache_init(void);

/* The HTTP routes. */
const route *homework_routes(size_t *n);

#endif
