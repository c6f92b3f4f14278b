/*
 * reports.h: the reports module's contract: the half-monthly report upward (RP-1) with the
 * participation figures of RP-3, the work ledgers, typical cases and term compilations of RP-2,
 * and the HTTP routes.
 *
 * The module owns no figure of its own: it reads what the other modules recorded, through their
 * contract headers (cases.h) or through the read-only views of migrations/0500_reports.sql, and
 * decides each indicator with a pure function below (rules.c), unit-tested at its edges
 * (tests/unit/reports/test_rules.c). docs/guide/reports.md defines every indicator in words;
 * the two say the same thing.
 *
 * Periods (RP-1): `YYYY-MM-1` is the 1st to the 15th, `YYYY-MM-2` the 16th to the month's last
 * day. Each has a due date from the policy (RP-1.due_days: [day of period 1, day of period 2],
 * a day of the month or "last"). A period may be computed and submitted from its first day
 * on; one that has not begun, or that ended before the district began reporting (its `since`,
 * a district setting; else the day the district was created), is refused.
 *
 * A draft is computed from live data at every GET. Submitting stores the report's canonical
 * JSON (sorted keys, compact) with its SHA-256 and who and when: that is revision 1; a later
 * submission with a reason stores revision 2, and so on (every revision kept). A submitted
 * period answers its latest revision's figures exactly as they were stored.
 */
#ifndef SJ_REPORTS_H
#define SJ_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/policy.h"
#include "core/xlsx.h"

/* ---------- periods (RP-1) ---------- */

typedef struct {
    char id[16]; /* "2026-12-1" */
    int year, month, half;
    char from[11], to[11];
    char due[11]; /* from the policy: reports_period_due */
} rp_period;

/* A period from its id; false for anything but YYYY-MM-1 / YYYY-MM-2 (years 2000..2999). */
bool reports_period_parse(const char *s, rp_period *out /* OUT */);
/* The period holding date (YYYY-MM-DD, valid). */
void reports_period_of(const char *date, rp_period *out /* OUT */);
/* The period before / after p. */
void reports_period_prev(const rp_period *p, rp_period *out /* OUT */);
void reports_period_next(const rp_period *p, rp_period *out /* OUT */);
/* Fills p->due from RP-1.due_days: element half-1 is a day of the month (capped at the month's
 * last day) or "last"; anything else reads as the period's last day. */
void reports_period_due(const policy *pol, rp_period *p);
/* Whether p may be reported on `today` by a district reporting since `since` (YYYY-MM-DD):
 * 422 period_not_started (RP-1) before its first day, 422 period_before_district (RP-1) when
 * it ended before `since`; each with the dates. */
verdict reports_period_check(const rp_period *p, const char *today, const char *since);
/* Late: not submitted and its due date has passed. */
bool reports_period_late(const rp_period *p, const char *today, bool submitted);

/* ---------- indicators (rules.c): one pure function each ---------- */

/* schools_homework_within_limits: one class-day's facts. The cap is the one stored with the
 * day's homework when it was published (the homework rows' limit_minutes, with its rule and
 * policy version); -1 = no daily cap (a vacation total). */
typedef struct {
    int limit;       /* the cap in force that day */
    int written;     /* written minutes of the day's active items */
    int families;    /* families who reported time on the day's written items */
    int64_t median2; /* twice the median of those families' totals (0 when none) */
} rp_hw_day;

typedef enum { RP_HW_WITHIN = 0, RP_HW_OVER_WRITTEN, RP_HW_OVER_REPORTED } rp_hw_verdict;

/* Over when the written minutes pass the cap, or when the families' median passes it by more
 * than tolerance minutes (RP-1.median_tolerance_minutes): at cap + tolerance it is within. */
rp_hw_verdict reports_hw_day(const rp_hw_day *d, int tolerance);
/* Twice the median of v[0..n) (sorted in place): integers stay exact; 0 when n == 0. */
int64_t reports_median2(int64_t *v, size_t n);

/* schools_afterschool_compliant: one program of the school (afterschool_programs). */
typedef struct {
    int64_t id;
    unsigned weekdays; /* bit d = weekday d (1 Monday .. 7 Sunday) */
    int start_min, end_min;
    char first_day[11], last_day[11];
} rp_as_program;

#define RP_MAX_DAYS 16 /* a half month */

typedef struct {
    int school_days; /* school days of the period (the district's calendar) */
    int served_days; /* of them, days with at least AS-1's minutes of service */
    int nmissing;
    char missing[RP_MAX_DAYS][11];    /* the school days without enough service */
    int missing_minutes[RP_MAX_DAYS]; /* the minutes they had */
    int early_programs; /* programs that end before the off-work time on a day they run */
    bool compliant;     /* every school day served and no program early */
} rp_as_school;

/* AS-1 and AS-2 over the period: days are the school days (YYYY-MM-DD, at most RP_MAX_DAYS).
 * A day is served when the union of its running programs' times covers at least
 * AS-1.min_minutes_per_day; a program is early when it runs on one of the days and ends before
 * that day's off-work time (AS-2's season). early[i] (may be NULL) is set for program i. */
void reports_as_school(const policy *pol, const char (*days)[11], size_t ndays,
                       const rp_as_program *progs, size_t n, rp_as_school *out /* OUT */,
                       bool *early /* OUT, n entries, or NULL */);

/* AS-2: the off-work time (minutes since midnight) of the season date falls in. */
int reports_off_work(const policy *pol, const char *date);

/* pupils/teachers_afterschool_share (RP-3): part of whole in basis points (1/10000), rounded
 * half up; -1 when whole is 0 (no share). */
int64_t reports_share_bp(int64_t part, int64_t whole);

/* institutions_subject / institutions_suspended: one institution of the registry. */
typedef struct {
    bool subject;                    /* category subject */
    const char *state;               /* active | suspended | closed */
    const char *license_valid_until; /* "" = no end date */
    const char *created;             /* the day it was registered */
} rp_institution;

typedef struct {
    bool counted;        /* registered by the day */
    bool subject_active; /* licensed on the day, subject-based, not closed */
    bool suspended;      /* suspended (any category) */
} rp_inst_verdict;

rp_inst_verdict reports_institution(const rp_institution *in, const char *day);

/* The reduction of subject institutions against the baseline (baseline - now, negative when
 * they grew) as a share of the baseline in basis points; -1 without a baseline (<= 0). */
int64_t reports_reduction_bp(int64_t baseline, int64_t now);

/* ---------- the report (store.c / compute.c) ---------- */

/* The district's report settings (PUT /api/v1/reports/settings). */
typedef struct {
    char since[11];         /* reports from this day; "" = the day the district was created */
    char baseline_date[11]; /* the reduction's baseline day; "" = none set */
    int64_t baseline_subject_institutions; /* -1 = count from the registry */
} rp_settings;

/* The report of period p for the district as a new JSON object: a draft computed now, or the
 * latest submitted revision (revision 0) or revision `revision`. DB_OK, DB_DONE (no such
 * revision) or an error. today: YYYY-MM-DD. */
int reports_half_monthly(db_conn *c, const policy *pol, int64_t district_id, const rp_period *p,
                         const char *today, int revision, json_t **out /* OUT */);

/* The district's settings and the first day it reports for. DB_OK or an error. */
int reports_settings_get(db_conn *c, int64_t district_id, rp_settings *out /* OUT */,
                         char since_effective[11] /* OUT */);

/* The workbook of a report (as reports_half_monthly answers it) into an open book: a sheet per
 * topic and a chart sheet. */
void reports_half_monthly_sheets(const xlsx_book *b, const json_t *report);

/* The HTTP routes. */
const route *reports_routes(size_t *n);

#endif
