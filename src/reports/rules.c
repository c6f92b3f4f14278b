/*
 * rules.c: the reports module's pure decisions (reports.h): half-monthly periods and their due
 * dates (RP-1), and one function per indicator, each over the facts of one school, class-day or
 * institution. No I/O: the store (store.c) gathers the facts, compute.c adds the verdicts up.
 * Every number comes from the policy:
 *
 *   RP-1 due dates              RP-1.due_days ([day of period 1, day of period 2], or "last")
 *   RP-1 families' median       RP-1.median_tolerance_minutes
 *   AS-1 a served school day    AS-1.min_minutes_per_day
 *   AS-2 off-work time          AS-2.summer_from, summer_to (MM-DD), summer_off_work,
 * winter_off_work
 *
 * docs/guide/reports.md says the same in words; tests/unit/reports/test_rules.c holds each edge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "reports/reports.h"

/* ---------- periods ---------- */

static int month_days(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* The n decimal digits at s (already checked to be digits). */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static void period_fill(rp_period *p, int year, int month, int half)
{
    memset(p, 0, sizeof *p);
    p->year = year;
    p->month = month;
    p->half = half;
    snprintf(p->id, sizeof p->id, "%04d-%02d-%d", year, month, half);
    snprintf(p->from, sizeof p->from, "%04d-%02d-%02d", year, month, half == 1 ? 1 : 16);
    snprintf(p->to, sizeof p->to, "%04d-%02d-%02d", year, month,
             half == 1 ? 15 : month_days(year, month));
    snprintf(p->due, sizeof p->due, "%s", p->to);
}

bool reports_period_parse(const char *s, rp_period *out)
{
    /* exactly YYYY-MM-H: ten bytes, digits where digits go */
    if (!s || strlen(s) != 9 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 9; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int year = digits(s, 4), month = digits(s + 5, 2), half = s[8] - '0';
    if (year < 2000 || year > 2999 || month < 1 || month > 12 || (half != 1 && half != 2))
        return false;
    period_fill(out, year, month, half);
    return true;
}

void reports_period_of(const char *date, rp_period *out)
{
    int year = digits(date, 4), month = digits(date + 5, 2), day = digits(date + 8, 2);
    period_fill(out, year, month, day <= 15 ? 1 : 2);
}

void reports_period_prev(const rp_period *p, rp_period *out)
{
    if (p->half == 2)
        period_fill(out, p->year, p->month, 1);
    else if (p->month > 1)
        period_fill(out, p->year, p->month - 1, 2);
    else
        period_fill(out, p->year - 1, 12, 2);
}

void reports_period_next(const rp_period *p, rp_period *out)
{
    if (p->half == 1)
        period_fill(out, p->year, p->month, 2);
    else if (p->month < 12)
        period_fill(out, p->year, p->month + 1, 1);
    else
        period_fill(out, p->year + 1, 1, 1);
}

void reports_period_due(const policy *pol, rp_period *p)
{
    const json_t *days = policy_v(pol)->rp1_due_days;
    const json_t *d = json_is_array(days) ? json_array_get(days, (size_t)(p->half - 1)) : NULL;
    int last = month_days(p->year, p->month), day = last;
    if (json_is_integer(d) && json_integer_value(d) >= 1)
        day = json_integer_value(d) < last ? (int)json_integer_value(d) : last;
    snprintf(p->due, sizeof p->due, "%04d-%02d-%02d", p->year, p->month, day);
}

verdict reports_period_check(const rp_period *p, const char *today, const char *since)
{
    if (strcmp(p->from, today) > 0) {
        verdict v = verdict_rule("period_not_started", "RP-1", "reports.period_not_started");
        verdict_str(&v, "period", p->id);
        verdict_str(&v, "first_day", p->from);
        verdict_str(&v, "today", today);
        return v;
    }
    if (since && since[0] && strcmp(p->to, since) < 0) {
        verdict v =
            verdict_rule("period_before_district", "RP-1", "reports.period_before_district");
        verdict_str(&v, "period", p->id);
        verdict_str(&v, "last_day", p->to);
        verdict_str(&v, "since", since);
        return v;
    }
    return verdict_ok();
}

bool reports_period_late(const rp_period *p, const char *today, bool submitted)
{
    return !submitted && strcmp(today, p->due) > 0;
}

/* ---------- homework ---------- */

rp_hw_verdict reports_hw_day(const rp_hw_day *d, int tolerance)
{
    if (d->limit < 0)
        return RP_HW_WITHIN; /* no daily cap: a vacation's total is not a day's */
    if (d->written > d->limit)
        return RP_HW_OVER_WRITTEN;
    /* median > limit + tolerance, in halves so that an even count's median stays exact */
    if (d->families > 0 && d->median2 > 2 * ((int64_t)d->limit + tolerance))
        return RP_HW_OVER_REPORTED;
    return RP_HW_WITHIN;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t reports_median2(int64_t *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_i64);
    return n % 2 ? 2 * v[n / 2] : v[n / 2 - 1] + v[n / 2];
}

/* ---------- after-school ---------- */

int reports_off_work(const policy *pol, const char *date)
{
    const policy_values *pv = policy_v(pol);
    int md = digits(date + 5, 2) * 100 + digits(date + 8, 2);
    int from = pv->as2_summer_from, to = pv->as2_summer_to;
    bool summer = from <= to ? md >= from && md <= to : md >= from || md <= to;
    return summer ? pv->as2_summer_off_work : pv->as2_winter_off_work;
}

static bool runs_on(const rp_as_program *p, const char *date)
{
    return (p->weekdays & (1u << date_weekday(date))) && strcmp(date, p->first_day) >= 0 &&
           strcmp(date, p->last_day) <= 0;
}

void reports_as_school(const policy *pol, const char (*days)[11], size_t ndays,
                       const rp_as_program *progs, size_t n, rp_as_school *out, bool *early)
{
    int need = (int)policy_v(pol)->as1_min_minutes_per_day;
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < ndays && k < RP_MAX_DAYS; k++) {
        const char *date = days[k];
        /* the union of the day's service, minute by minute (a day has 1,440) */
        unsigned char covered[1440] = {0};
        for (size_t i = 0; i < n; i++) {
            if (!runs_on(&progs[i], date))
                continue;
            for (int m = progs[i].start_min < 0 ? 0 : progs[i].start_min;
                 m < progs[i].end_min && m < 1440; m++)
                covered[m] = 1;
        }
        int total = 0;
        for (int m = 0; m < 1440; m++)
            total += covered[m];
        out->school_days++;
        if (total >= need) {
            out->served_days++;
        } else {
            snprintf(out->missing[out->nmissing], sizeof out->missing[0], "%s", date);
            out->missing_minutes[out->nmissing++] = total;
        }
    }
    /* a program is early when it ends before the off-work time of any school day it runs on */
    for (size_t i = 0; i < n; i++) {
        bool is_early = false;
        for (size_t k = 0; k < ndays && k < RP_MAX_DAYS && !is_early; k++)
            is_early =
                runs_on(&progs[i], days[k]) && progs[i].end_min < reports_off_work(pol, days[k]);
        if (early)
            early[i] = is_early;
        out->early_programs += is_early;
    }
    out->compliant = out->served_days == out->school_days && out->early_programs == 0;
}

int64_t reports_share_bp(int64_t part, int64_t whole)
{
    if (whole <= 0)
        return -1;
    return (part * 20000 + whole) / (2 * whole);
}

/* ---------- institutions ---------- */

rp_inst_verdict reports_institution(const rp_institution *in, const char *day)
{
    rp_inst_verdict v = {0};
    v.counted = strcmp(in->created, day) <= 0;
    if (!v.counted)
        return v;
    bool licensed = !in->license_valid_until[0] || strcmp(in->license_valid_until, day) >= 0;
    v.subject_active = in->subject && licensed && strcmp(in->state, "closed") != 0;
    v.suspended = strcmp(in->state, "suspended") == 0;
    return v;
}

int64_t reports_reduction_bp(int64_t baseline, int64_t now)
{
    if (baseline <= 0)
        return -1;
    int64_t cut = baseline - now;
    /* rounded half away from zero, in basis points of the baseline */
    int64_t bp = (cut * 20000 + (cut >= 0 ? baseline : -baseline)) / (2 * baseline);
    return bp;
}
