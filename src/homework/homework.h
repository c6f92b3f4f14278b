/*
 * homework.h: the homework module's contract: daily written-minute caps (HW-1..HW-4), the kinds
 * and targets the rules forbid (HW-6, HW-9), subjects per day (HW-11), bedtime (HW-10), and the
 * HTTP routes (publish, withdraw, board, feedback, marking, grade matrix, adjustments, reports).
 *
 * Rules (rules.c) are pure: policy and numbers in, verdict out; unit-tested alone.
 * Store (store.c) keeps the roll-ups of migrations/0100_homework.sql equal to the sums of the
 * items they summarise. Every write to an item runs in one write transaction that first takes
 * the class-day lock (DB_LOCK_CLASS_DAY, homework_lock_key) and, for a vacation date, the
 * class-vacation lock before it; vacation keys are always taken before day keys and day keys in
 * ascending order, so two writers never wait on each other in a cycle.
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
extern const char *const homework_tiers[];       /* "required", "optional" */
extern const char *const homework_day_kinds[];   /* indexed by day_kind: "", "school", ... */

/* The cap on written minutes for one class on one date. */
typedef struct {
    bool allowed;       /* false: no written homework may be set (HW-1 grades, or vacation
                           without a vacation total) */
    bool vacation;      /* the cap is a total over the whole vacation, not per day */
    int limit_minutes;  /* the cap (0 when !allowed) */
    const char *rule;   /* "HW-1" | "HW-2" | "HW-3" | "HW-4" */
} hw_cap;

hw_cap homework_cap(const policy *pol, int grade, day_kind day);
/* HW-4's reading of the calendar's facts: vacation first (see rules.c). */
day_kind homework_day_kind(cal_day d);

/* One request to set an item, with what the period already holds. */
typedef struct {
    int grade;
    day_kind day;
    hw_kind kind;
    int minutes;            /* the item's estimate */
    int written_minutes;    /* written minutes already in the period (day, or vacation) */
    int written_subjects;   /* distinct subjects with written homework that day */
    bool subject_is_new;    /* the item's subject has no written homework that day yet */
} hw_request;

typedef enum {
    HW_OK = 0,
    HW_NOT_ALLOWED,     /* written_homework_not_allowed (HW-1) */
    HW_VACATION,        /* date_outside_term (HW-4) */
    HW_OVER_LIMIT,      /* homework_over_limit (HW-2/3/4) */
    HW_TOO_MANY_SUBJECTS/* too_many_subjects (HW-11) */
} hw_verdict_code;

typedef struct {
    hw_verdict_code code;
    const char *error;      /* the API error code, NULL when HW_OK */
    hw_cap cap;
    int written_minutes;    /* as in the request */
    int requested_minutes;
    int limit_subjects;     /* HW-11 */
    int subjects;           /* HW-11: subjects with written homework if this one were added */
    const char *rule;       /* the rule that decided (HW-11 for subjects, else cap.rule) */
} hw_verdict;

hw_verdict homework_check(const policy *pol, const hw_request *q);

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

/* The HTTP routes. */
const route *homework_routes(size_t *n);

#endif
