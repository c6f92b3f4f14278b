/*
 * rules.c: the homework rules as pure functions (no I/O): policy and numbers in, verdict out.
 *
 * Entry points: homework_cap, homework_day_kind, homework_check, homework_check_kind,
 * homework_check_target, homework_check_all_kinds, homework_all_kinds_cap,
 * homework_relabel_suspect, homework_kind_refused, homework_target_refused, homework_bedtime,
 * homework_reported_minutes, homework_cell_status, homework_estimates_short, homework_lock_key.
 * Every number comes from the typed policy (policy_v; POLICY.md HW-1..HW-11). A refusal is a
 * verdict whose words are the rows of messages.c's homework section, keyed by rule ID.
 *
 * The cap of a date (homework_cap):
 *   grades of HW-1 (1-2): no written homework at all, on any day;
 *   a school day: HW-2 (grades 3-6) or HW-3 (grades 7-9) per day;
 *   a weekend day or a holiday in term: HW-4's number for that day and grade band when the
 *     district set one, else the school-day cap (the national default: "weekend day = weekday
 *     cap"); the rule reported is HW-4;
 *   a vacation day (outside the term): HW-4's vacation_total_minutes, a total over the whole
 *     vacation; when unset (the national default), no written homework may be set for a
 *     vacation date.
 * Every written item counts against the cap, required or optional (HW-7): a tier does not
 * make a pupil's evening shorter.
 *
 * HW-5, the class's daily total of every kind (homework_check_all_kinds): when the district
 * sets HW-5.all_kinds_minutes_grades_* for the grade's band (null nationally: off), an item of
 * any kind is refused once the day's minutes of all kinds would pass it. A class-day whose
 * families report far more time than its written estimate (by more than
 * HW-5.relabel_excess_minutes) is flagged: written work may be set as reading or practical
 * work to escape the written cap (homework_relabel_suspect).
 */
#include <stdio.h>
#include <string.h>

#include "homework/homework.h"

const char *const homework_kinds[] = {"written", "oral", "reading", "practical", NULL};
const char *const homework_tiers[] = {"required", "optional", NULL};
const char *const homework_day_kinds[] = {"", "school", "weekend", "holiday", "vacation", NULL};

/* The share of the cap from which a matrix cell shows "near": a display threshold. */
#define NEAR_PERCENT 80

/* HW-1 grades, HW-3 grades (junior), or else HW-2. */
static const char *grade_rule(const policy *pol, int grade)
{
    if (policy_grade_in(policy_v(pol)->hw1_grades, grade))
        return "HW-1";
    if (policy_grade_in(policy_v(pol)->hw3_grades, grade))
        return "HW-3";
    return "HW-2";
}

static int weekday_cap(const policy *pol, const char *rule)
{
    if (strcmp(rule, "HW-1") == 0)
        return (int)policy_v(pol)->hw1_written_minutes_per_day;
    if (strcmp(rule, "HW-3") == 0)
        return (int)policy_v(pol)->hw3_written_minutes_per_day;
    return (int)policy_v(pol)->hw2_written_minutes_per_day;
}

/* HW-4's precedence: a date outside the term is vacation even when it is also a holiday (the
 * Spring Festival falls in the winter vacation), because HW-4 caps a vacation as a whole; it
 * differs from the calendar's own order (calendar_kind_of) in that one place. Inside the term:
 * a holiday, then a make-up school day (调休), then a weekend, else a school day. */
day_kind homework_day_kind(cal_day d)
{
    if (!d.in_term)
        return DAY_VACATION;
    if (d.holiday)
        return DAY_HOLIDAY;
    if (d.makeup)
        return DAY_SCHOOL;
    return d.weekend ? DAY_WEEKEND : DAY_SCHOOL;
}

hw_cap homework_cap(const policy *pol, int grade, day_kind day)
{
    hw_cap c = {.allowed = true, .vacation = false, .limit_minutes = 0, .rule = NULL};
    const char *rule = grade_rule(pol, grade);
    c.rule = rule;
    c.limit_minutes = weekday_cap(pol, rule);
    if (strcmp(rule, "HW-1") == 0) {
        /* HW-1 holds on every day of the year, vacation included */
        c.allowed = c.limit_minutes > 0;
        if (!c.allowed)
            c.limit_minutes = 0;
        return c;
    }
    bool junior = strcmp(rule, "HW-3") == 0;
    if (day == DAY_WEEKEND || day == DAY_HOLIDAY) {
        const policy_values *pv = policy_v(pol);
        int64_t v = day == DAY_WEEKEND ? (junior ? pv->hw4_weekend_minutes_grades_7_9
                                                 : pv->hw4_weekend_minutes_grades_3_6)
                                       : (junior ? pv->hw4_holiday_minutes_grades_7_9
                                                 : pv->hw4_holiday_minutes_grades_3_6);
        if (v >= 0)
            c.limit_minutes = (int)v;
        c.rule = "HW-4";
        c.allowed = c.limit_minutes > 0;
        return c;
    }
    if (day == DAY_VACATION) {
        int64_t v = policy_v(pol)->hw4_vacation_total_minutes;
        c.rule = "HW-4";
        c.vacation = true;
        c.allowed = v > 0;
        c.limit_minutes = v > 0 ? (int)v : 0;
        return c;
    }
    c.allowed = c.limit_minutes > 0;
    return c;
}

/* The refusal's words: the rule, and for HW-4 the kind of day (messages.c, homework section). */
static const char *over_msg(const hw_cap *cap, day_kind day)
{
    if (strcmp(cap->rule, "HW-4") != 0)
        return cap->rule;
    return day == DAY_VACATION  ? "HW-4.vacation"
           : day == DAY_HOLIDAY ? "HW-4.holiday"
                                : "HW-4.weekend";
}

int64_t homework_all_kinds_cap(const policy *pol, int grade)
{
    const char *rule = grade_rule(pol, grade);
    const policy_values *pv = policy_v(pol);
    if (strcmp(rule, "HW-1") == 0)
        return pv->hw5_all_kinds_minutes_grades_1_2;
    if (strcmp(rule, "HW-3") == 0)
        return pv->hw5_all_kinds_minutes_grades_7_9;
    return pv->hw5_all_kinds_minutes_grades_3_6;
}

verdict homework_check_all_kinds(const policy *pol, const hw_request *q)
{
    int64_t cap = homework_all_kinds_cap(pol, q->grade);
    if (cap == POLICY_UNSET || (int64_t)q->all_minutes + q->minutes <= cap)
        return verdict_ok();
    verdict v = verdict_rule("daily_total_over_limit", "HW-5", "HW-5.all_kinds");
    int64_t remaining = cap - q->all_minutes;
    verdict_num(&v, "limit_minutes", cap);
    verdict_num(&v, "all_minutes", q->all_minutes);
    verdict_num(&v, "requested_minutes", q->minutes);
    verdict_num(&v, "remaining_minutes", remaining > 0 ? remaining : 0);
    verdict_num(&v, "grade", q->grade);
    verdict_str(&v, "kind", homework_kinds[q->kind]);
    return v;
}

bool homework_relabel_suspect(const policy *pol, int64_t written_minutes, int64_t reported_minutes)
{
    return reported_minutes - written_minutes > policy_v(pol)->hw5_relabel_excess_minutes;
}

verdict homework_check(const policy *pol, const hw_request *q)
{
    if (q->kind != HW_WRITTEN) /* only written homework counts against the written caps */
        return homework_check_all_kinds(pol, q);
    hw_cap cap = homework_cap(pol, q->grade, q->day);
    verdict v = verdict_ok();
    if (!cap.allowed) {
        bool vacation = q->day == DAY_VACATION && strcmp(cap.rule, "HW-4") == 0;
        if (vacation)
            v = verdict_rule("date_outside_term", "HW-4", "HW-4.vacation_none");
        else if (strcmp(cap.rule, "HW-4") == 0)
            /* a weekend or holiday whose district cap is 0 is "over the limit" of HW-4 */
            v = verdict_rule("homework_over_limit", "HW-4", over_msg(&cap, q->day));
        else
            v = verdict_rule("written_homework_not_allowed", cap.rule, NULL);
    } else if ((int64_t)q->written_minutes + q->minutes > cap.limit_minutes) {
        v = verdict_rule("homework_over_limit", cap.rule, over_msg(&cap, q->day));
    } else if (policy_v(pol)->hw11_enabled) {
        bool junior = strcmp(grade_rule(pol, q->grade), "HW-3") == 0;
        int max = (int)(junior ? policy_v(pol)->hw11_max_subjects_junior
                               : policy_v(pol)->hw11_max_subjects_primary);
        int subjects = q->written_subjects + (q->subject_is_new ? 1 : 0);
        if (subjects <= max)
            return homework_check_all_kinds(pol, q);
        v = verdict_rule("too_many_subjects", "HW-11", NULL);
        verdict_num(&v, "limit_subjects", max);
        verdict_num(&v, "subjects", subjects);
    } else {
        return homework_check_all_kinds(pol, q);
    }
    int remaining = cap.limit_minutes - q->written_minutes;
    verdict_num(&v, "limit_minutes", cap.limit_minutes);
    verdict_num(&v, "written_minutes", q->written_minutes);
    verdict_num(&v, "requested_minutes", q->minutes);
    verdict_num(&v, "remaining_minutes", remaining > 0 ? remaining : 0);
    verdict_num(&v, "grade", q->grade);
    verdict_str(&v, "day_kind", homework_day_kinds[q->day]);
    return v;
}

verdict homework_check_kind(const policy *pol, const char *kind)
{
    if (!homework_kind_refused(pol, kind))
        return verdict_ok();
    verdict v = verdict_rule("homework_kind_not_allowed", "HW-9", NULL);
    verdict_str(&v, "kind", kind);
    return v;
}

verdict homework_check_target(const policy *pol, const char *target, bool parent_check)
{
    if (!homework_target_refused(pol, target) && !parent_check)
        return verdict_ok();
    verdict v = verdict_rule("homework_target_not_allowed", "HW-6", NULL);
    verdict_str(&v, "target", target ? target : "parent");
    return v;
}

bool homework_kind_refused(const policy *pol, const char *kind)
{
    return policy_strs_has(&policy_v(pol)->hw9_refused_kinds, kind);
}

bool homework_target_refused(const policy *pol, const char *target)
{
    return policy_strs_has(&policy_v(pol)->hw6_refused_targets, target);
}

const char *homework_bedtime(const policy *pol, int grade, char out[6])
{
    unsigned m = (unsigned)(grade >= 7 ? policy_v(pol)->hw10_bedtime_junior
                                       : policy_v(pol)->hw10_bedtime_primary) %
                 (24 * 60);
    out[0] = (char)('0' + m / 600);
    out[1] = (char)('0' + m / 60 % 10);
    out[2] = ':';
    out[3] = (char)('0' + m % 60 / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = 0;
    return out;
}

int homework_reported_minutes(int estimate, int64_t fb_count, int64_t fb_minutes)
{
    if (fb_count <= 0)
        return estimate;
    return (int)((2 * fb_minutes + fb_count) / (2 * fb_count));
}

const char *homework_cell_status(int items, int written_minutes, int limit_minutes)
{
    if (items <= 0)
        return "none";
    if (limit_minutes < 0)
        return "ok"; /* vacation: no daily cap */
    if (written_minutes > limit_minutes)
        return "over";
    if (written_minutes > 0 &&
        (int64_t)written_minutes * 100 >= (int64_t)limit_minutes * NEAR_PERCENT)
        return "near";
    return "ok";
}

bool homework_estimates_short(int64_t estimate_sum, int64_t reported_sum, int64_t items,
                              int ratio_pct, int min_items)
{
    if (items < min_items || items <= 0 || estimate_sum <= 0)
        return false;
    return reported_sum * 100 >= estimate_sum * ratio_pct;
}

int64_t homework_lock_key(int64_t class_id, int64_t days)
{
    return class_id * 100000 + days;
}
