/*
 * test_rules.c: unit tests for src/reports/rules.c, each rule at its edges: periods (parsing,
 * bounds, February, neighbours, due dates from RP-1.due_days, a period not begun and one before
 * the district), the homework indicator (a class-day exactly at the cap is within, one minute
 * over is not; the families' median at cap + tolerance is within, one minute past is not; an
 * even count's median; no daily cap), the after-school indicator (every school day served, one
 * day missing, a day short of AS-1's minutes, a program ending a minute before the off-work
 * time, summer and winter), shares, institutions, the reduction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "reports/reports.h"

static policy *national(void)
{
    char err[256];
    policy *p = policy_new(NULL, err, sizeof err);
    assert_non_null(p);
    return p;
}

static policy *district(const char *rules_json)
{
    char err[256];
    json_error_t je;
    json_t *rules = json_loads(rules_json, 0, &je);
    assert_non_null(rules);
    json_t *over = json_pack("{s:s,s:o}", "version", "test-district", "rules", rules);
    policy *p = policy_new(over, err, sizeof err);
    json_decref(over);
    assert_non_null(p);
    return p;
}

/* ---------- periods ---------- */

static void test_reports_period_parse__halves(void **state)
{
    (void)state;
    rp_period p;
    assert_true(reports_period_parse("2026-11-1", &p));
    assert_string_equal(p.from, "2026-11-01");
    assert_string_equal(p.to, "2026-11-15");
    assert_true(reports_period_parse("2026-11-2", &p));
    assert_string_equal(p.from, "2026-11-16");
    assert_string_equal(p.to, "2026-11-30");
    assert_true(reports_period_parse("2026-12-2", &p));
    assert_string_equal(p.to, "2026-12-31");
}

static void test_reports_period_parse__february(void **state)
{
    (void)state;
    rp_period p;
    assert_true(reports_period_parse("2027-02-2", &p));
    assert_string_equal(p.to, "2027-02-28");
    assert_true(reports_period_parse("2028-02-2", &p)); /* leap year */
    assert_string_equal(p.to, "2028-02-29");
    assert_true(reports_period_parse("2100-02-2", &p)); /* not a leap year */
    assert_string_equal(p.to, "2100-02-28");
}

static void test_reports_period_parse__refuses(void **state)
{
    (void)state;
    rp_period p;
    const char *bad[] = {"",          "2026-11",   "2026-11-3",  "2026-11-0",  "2026-13-1",
                         "2026-00-1", "2026-1-1",  "26-11-1",    "2026-11-1x", "2026/11/1",
                         "1999-12-2", "abcd-11-1", "2026-11-01", "2026-11--1", NULL};
    for (int i = 0; bad[i]; i++)
        assert_false(reports_period_parse(bad[i], &p));
    assert_false(reports_period_parse(NULL, &p));
}

static void test_reports_period_of__boundaries(void **state)
{
    (void)state;
    rp_period p;
    reports_period_of("2026-11-15", &p);
    assert_string_equal(p.id, "2026-11-1");
    reports_period_of("2026-11-16", &p);
    assert_string_equal(p.id, "2026-11-2");
    reports_period_of("2026-11-01", &p);
    assert_string_equal(p.id, "2026-11-1");
}

static void test_reports_period_prev_next__years(void **state)
{
    (void)state;
    rp_period p, q;
    reports_period_parse("2027-01-1", &p);
    reports_period_prev(&p, &q);
    assert_string_equal(q.id, "2026-12-2");
    reports_period_next(&q, &p);
    assert_string_equal(p.id, "2027-01-1");
    reports_period_next(&p, &q);
    assert_string_equal(q.id, "2027-01-2");
}

static void test_reports_period_due__national_and_district(void **state)
{
    (void)state;
    policy *n = national();
    rp_period p;
    reports_period_parse("2026-11-1", &p);
    reports_period_due(n, &p);
    assert_string_equal(p.due, "2026-11-15");
    reports_period_parse("2026-11-2", &p);
    reports_period_due(n, &p);
    assert_string_equal(p.due, "2026-11-30");
    reports_period_parse("2027-02-2", &p);
    reports_period_due(n, &p);
    assert_string_equal(p.due, "2027-02-28");
    /* a district that wants the second half by the 31st gets the month's last day */
    policy *d = district("{\"RP-1\": {\"due_days\": [14, 31]}}");
    reports_period_parse("2026-11-1", &p);
    reports_period_due(d, &p);
    assert_string_equal(p.due, "2026-11-14");
    reports_period_parse("2026-11-2", &p);
    reports_period_due(d, &p);
    assert_string_equal(p.due, "2026-11-30");
    policy_free(n);
    policy_free(d);
}

static void test_reports_period_check__first_day_and_since(void **state)
{
    (void)state;
    rp_period p;
    reports_period_parse("2026-12-1", &p);
    /* a period may be reported from its first day on */
    verdict v = reports_period_check(&p, "2026-12-01", "2026-09-01");
    assert_true(verdict_is_ok(&v));
    v = reports_period_check(&p, "2026-11-30", "2026-09-01");
    assert_false(verdict_is_ok(&v));
    assert_string_equal(v.code, "period_not_started");
    assert_string_equal(v.rule, "RP-1");
    assert_int_equal(v.err, SJ_ERR_RULE);
    /* before the district: a period that ended the day before `since` is refused; one that
     * holds `since` is not */
    reports_period_parse("2026-08-2", &p);
    v = reports_period_check(&p, "2026-12-01", "2026-09-01");
    assert_string_equal(v.code, "period_before_district");
    assert_string_equal(verdict_get(&v, "since")->s, "2026-09-01");
    reports_period_parse("2026-09-1", &p);
    v = reports_period_check(&p, "2026-12-01", "2026-09-15");
    assert_true(verdict_is_ok(&v));
}

static void test_reports_period_late__due_day(void **state)
{
    (void)state;
    policy *n = national();
    rp_period p;
    reports_period_parse("2026-11-2", &p);
    reports_period_due(n, &p);
    assert_false(reports_period_late(&p, "2026-11-30", false)); /* the due day itself */
    assert_true(reports_period_late(&p, "2026-12-01", false));
    assert_false(reports_period_late(&p, "2026-12-01", true));
    policy_free(n);
}

/* ---------- homework ---------- */

static void test_reports_hw_day__written_at_cap_and_one_over(void **state)
{
    (void)state;
    rp_hw_day d = {.limit = 60, .written = 60};
    assert_int_equal(reports_hw_day(&d, 15), RP_HW_WITHIN);
    d.written = 61;
    assert_int_equal(reports_hw_day(&d, 15), RP_HW_OVER_WRITTEN);
}

static void test_reports_hw_day__median_at_tolerance_and_one_past(void **state)
{
    (void)state;
    /* cap 60, tolerance 15: a median of 75 is within, 76 is over */
    rp_hw_day d = {.limit = 60, .written = 60, .families = 3, .median2 = 2 * 75};
    assert_int_equal(reports_hw_day(&d, 15), RP_HW_WITHIN);
    d.median2 = 2 * 76;
    assert_int_equal(reports_hw_day(&d, 15), RP_HW_OVER_REPORTED);
    /* an even count's median is the mean of the middle two: 75.5 is over */
    d.median2 = 75 + 76;
    assert_int_equal(reports_hw_day(&d, 15), RP_HW_OVER_REPORTED);
    /* no family reported: the median does not count */
    d = (rp_hw_day){.limit = 60, .written = 40, .families = 0, .median2 = 1000};
    assert_int_equal(reports_hw_day(&d, 15), RP_HW_WITHIN);
    /* a tolerance of 0: one minute past the cap is over */
    d = (rp_hw_day){.limit = 60, .written = 40, .families = 1, .median2 = 2 * 61};
    assert_int_equal(reports_hw_day(&d, 0), RP_HW_OVER_REPORTED);
    d.median2 = 2 * 60;
    assert_int_equal(reports_hw_day(&d, 0), RP_HW_WITHIN);
}

static void test_reports_hw_day__no_daily_cap(void **state)
{
    (void)state;
    rp_hw_day d = {.limit = -1, .written = 500, .families = 2, .median2 = 2000};
    assert_int_equal(reports_hw_day(&d, 15), RP_HW_WITHIN);
    /* grades 1-2: a cap of 0 and one written minute is over */
    d = (rp_hw_day){.limit = 0, .written = 1};
    assert_int_equal(reports_hw_day(&d, 15), RP_HW_OVER_WRITTEN);
}

static void test_reports_median2__odd_even_empty(void **state)
{
    (void)state;
    int64_t a[] = {30, 10, 20};
    assert_int_equal(reports_median2(a, 3), 40);
    int64_t b[] = {40, 10, 30, 20};
    assert_int_equal(reports_median2(b, 4), 50); /* (20 + 30) */
    int64_t c[] = {-5};
    assert_int_equal(reports_median2(c, 1), -10);
    assert_int_equal(reports_median2(NULL, 0), 0);
}

/* ---------- after-school ---------- */

static rp_as_program prog(unsigned weekdays, const char *start, const char *end)
{
    rp_as_program p = {.id = 1,
                       .weekdays = weekdays,
                       .start_min = hhmm_minutes(start),
                       .end_min = hhmm_minutes(end)};
    snprintf(p.first_day, sizeof p.first_day, "2026-09-01");
    snprintf(p.last_day, sizeof p.last_day, "2027-01-20");
    return p;
}

#define MON_FRI 0x3Eu /* bits 1..5 */

static void test_reports_as_school__every_day_served(void **state)
{
    (void)state;
    policy *n = national();
    /* 2026-11-16 (Monday) .. 2026-11-20 (Friday): winter, off-work 17:30 */
    const char days[5][11] = {"2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"};
    rp_as_program p[] = {prog(MON_FRI, "15:30", "17:30")}; /* 120 min, ends at off-work */
    rp_as_school out;
    reports_as_school(n, days, 5, p, 1, &out, NULL);
    assert_int_equal(out.school_days, 5);
    assert_int_equal(out.served_days, 5);
    assert_int_equal(out.early_programs, 0);
    assert_true(out.compliant);
    policy_free(n);
}

static void test_reports_as_school__one_day_missing(void **state)
{
    (void)state;
    policy *n = national();
    const char days[5][11] = {"2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"};
    /* no Wednesday (bit 3) */
    rp_as_program p[] = {prog(MON_FRI & ~(1u << 3), "15:30", "17:30")};
    rp_as_school out;
    reports_as_school(n, days, 5, p, 1, &out, NULL);
    assert_int_equal(out.served_days, 4);
    assert_int_equal(out.nmissing, 1);
    assert_string_equal(out.missing[0], "2026-11-18");
    assert_int_equal(out.missing_minutes[0], 0);
    assert_false(out.compliant);
    /* the program's last day ends the service too */
    rp_as_program q[] = {prog(MON_FRI, "15:30", "17:30")};
    snprintf(q[0].last_day, sizeof q[0].last_day, "2026-11-19");
    reports_as_school(n, days, 5, q, 1, &out, NULL);
    assert_int_equal(out.nmissing, 1);
    assert_string_equal(out.missing[0], "2026-11-20");
    assert_false(out.compliant);
    policy_free(n);
}

static void test_reports_as_school__minutes_at_edge(void **state)
{
    (void)state;
    policy *n = national();
    const char days[1][11] = {"2026-11-16"};
    /* 119 minutes is short of AS-1's 120, even when two programs overlap */
    rp_as_program a[] = {prog(MON_FRI, "15:31", "17:30"), prog(MON_FRI, "16:00", "17:30")};
    rp_as_school out;
    reports_as_school(n, days, 1, a, 2, &out, NULL);
    assert_int_equal(out.served_days, 0);
    assert_int_equal(out.missing_minutes[0], 119);
    assert_false(out.compliant);
    /* overlapping programs count their time once: 90 + 60 minutes over the same hour is 90 */
    rp_as_program b[] = {prog(MON_FRI, "16:00", "17:30"), prog(MON_FRI, "16:30", "17:30")};
    reports_as_school(n, days, 1, b, 2, &out, NULL);
    assert_int_equal(out.missing_minutes[0], 90);
    assert_false(out.compliant);
    /* exactly 120 minutes serves the day */
    rp_as_program c[] = {prog(MON_FRI, "15:30", "17:30")};
    reports_as_school(n, days, 1, c, 1, &out, NULL);
    assert_int_equal(out.served_days, 1);
    assert_true(out.compliant);
    policy_free(n);
}

static void test_reports_as_school__off_work_edge_and_season(void **state)
{
    (void)state;
    policy *n = national();
    bool early[1];
    rp_as_school out;
    /* winter (November): 17:30; ending at 17:29 is early */
    const char winter[1][11] = {"2026-11-16"};
    rp_as_program p[] = {prog(MON_FRI, "15:00", "17:29")};
    reports_as_school(n, winter, 1, p, 1, &out, early);
    assert_true(early[0]);
    assert_int_equal(out.early_programs, 1);
    assert_false(out.compliant);
    /* summer (September 30 is the last summer day): 18:00; 17:30 is early then ... */
    const char summer[1][11] = {"2026-09-30"};
    p[0] = prog(MON_FRI, "15:30", "17:30");
    reports_as_school(n, summer, 1, p, 1, &out, early);
    assert_true(early[0]);
    /* ... and on time on October 1st's side (a Thursday, winter) */
    const char october[1][11] = {"2026-10-01"};
    reports_as_school(n, october, 1, p, 1, &out, early);
    assert_false(early[0]);
    assert_true(out.compliant);
    /* a program that does not run on the period's days is never early */
    const char saturday_free[1][11] = {"2026-11-16"};
    rp_as_program fri[] = {prog(1u << 5, "15:00", "16:00"), prog(MON_FRI, "15:30", "17:30")};
    bool e2[2];
    reports_as_school(n, saturday_free, 1, fri, 2, &out, e2);
    assert_false(e2[0]);
    assert_true(out.compliant);
    policy_free(n);
}

static void test_reports_as_school__no_school_day(void **state)
{
    (void)state;
    policy *n = national();
    rp_as_school out;
    reports_as_school(n, NULL, 0, NULL, 0, &out, NULL);
    assert_int_equal(out.school_days, 0);
    assert_true(out.compliant); /* nothing was owed */
    policy_free(n);
}

static void test_reports_as_school__district_off_work(void **state)
{
    (void)state;
    policy *d = district("{\"AS-2\": {\"winter_off_work\": \"17:00\"}}");
    const char days[1][11] = {"2026-11-16"};
    rp_as_program p[] = {prog(MON_FRI, "15:00", "17:00")};
    rp_as_school out;
    reports_as_school(d, days, 1, p, 1, &out, NULL);
    assert_true(out.compliant);
    policy_free(d);
}

/* ---------- shares, institutions, reduction ---------- */

static void test_reports_share_bp__rounding(void **state)
{
    (void)state;
    assert_int_equal(reports_share_bp(1, 3), 3333);
    assert_int_equal(reports_share_bp(2, 3), 6667);
    assert_int_equal(reports_share_bp(0, 5), 0);
    assert_int_equal(reports_share_bp(5, 5), 10000);
    assert_int_equal(reports_share_bp(1, 0), -1);
}

static void test_reports_institution__licensed_subject_not_closed(void **state)
{
    (void)state;
    rp_institution in = {.subject = true,
                         .state = "active",
                         .license_valid_until = "2026-11-30",
                         .created = "2026-01-01"};
    rp_inst_verdict v = reports_institution(&in, "2026-11-30"); /* valid through its last day */
    assert_true(v.counted);
    assert_true(v.subject_active);
    v = reports_institution(&in, "2026-12-01");
    assert_false(v.subject_active);
    in.license_valid_until = "";
    in.state = "suspended";
    v = reports_institution(&in, "2026-12-01");
    assert_true(v.subject_active); /* suspended is still on the register */
    assert_true(v.suspended);
    in.state = "closed";
    v = reports_institution(&in, "2026-12-01");
    assert_false(v.subject_active);
    in.state = "active";
    in.subject = false;
    v = reports_institution(&in, "2026-12-01");
    assert_false(v.subject_active);
    /* registered after the day: not counted at all */
    in.subject = true;
    in.created = "2026-12-02";
    v = reports_institution(&in, "2026-12-01");
    assert_false(v.counted);
    assert_false(v.subject_active);
}

static void test_reports_reduction_bp__cuts_and_growth(void **state)
{
    (void)state;
    assert_int_equal(reports_reduction_bp(120, 30), 7500);
    assert_int_equal(reports_reduction_bp(3, 2), 3333);
    assert_int_equal(reports_reduction_bp(10, 12), -2000);
    assert_int_equal(reports_reduction_bp(0, 5), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reports_period_parse__halves),
        cmocka_unit_test(test_reports_period_parse__february),
        cmocka_unit_test(test_reports_period_parse__refuses),
        cmocka_unit_test(test_reports_period_of__boundaries),
        cmocka_unit_test(test_reports_period_prev_next__years),
        cmocka_unit_test(test_reports_period_due__national_and_district),
        cmocka_unit_test(test_reports_period_check__first_day_and_since),
        cmocka_unit_test(test_reports_period_late__due_day),
        cmocka_unit_test(test_reports_hw_day__written_at_cap_and_one_over),
        cmocka_unit_test(test_reports_hw_day__median_at_tolerance_and_one_past),
        cmocka_unit_test(test_reports_hw_day__no_daily_cap),
        cmocka_unit_test(test_reports_median2__odd_even_empty),
        cmocka_unit_test(test_reports_as_school__every_day_served),
        cmocka_unit_test(test_reports_as_school__one_day_missing),
        cmocka_unit_test(test_reports_as_school__minutes_at_edge),
        cmocka_unit_test(test_reports_as_school__off_work_edge_and_season),
        cmocka_unit_test(test_reports_as_school__no_school_day),
        cmocka_unit_test(test_reports_as_school__district_off_work),
        cmocka_unit_test(test_reports_share_bp__rounding),
        cmocka_unit_test(test_reports_institution__licensed_subject_not_closed),
        cmocka_unit_test(test_reports_reduction_bp__cuts_and_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
