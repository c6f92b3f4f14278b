/*
 * test_rules.c: unit tests for src/cases/rules.c: CS-1's working days (a plain week, a weekend
 * arrival, a holiday in the way, a make-up workday, filed on a holiday, a database without
 * holidays), the filer's reopening at its edges, CS-2's rewards at their edges, PN-1 and PN-2's
 * fines at their exact edges (and a district's own numbers), routing by category, the rule IDs
 * an inspection may cite, and the masks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "cases/cases.h"

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

static bool ok(verdict v)
{
    return verdict_is_ok(&v);
}

static int64_t num(const verdict *v, const char *key)
{
    const verdict_arg *a = verdict_get(v, key);
    assert_non_null(a);
    return a->n;
}

static void due(const char *arrived, int64_t n, const cases_cal_day *d, size_t nd, const char *want)
{
    char out[11];
    cases_due_date(arrived, n, d, nd, out);
    assert_string_equal(out, want);
}

/* National Day 2026 as a district would enter it: 10-01..10-07 off, Sunday 09-27 and Saturday
 * 10-10 worked instead (调休). */
static const cases_cal_day national_day[] = {
    {"2026-10-01", "holiday"}, {"2026-10-02", "holiday"}, {"2026-10-03", "holiday"},
    {"2026-10-04", "holiday"}, {"2026-10-05", "holiday"}, {"2026-10-06", "holiday"},
    {"2026-10-07", "holiday"}, {"2026-09-27", "workday"}, {"2026-10-10", "workday"},
};
#define ND (sizeof national_day / sizeof national_day[0])

static void test_cases_due_date__no_holidays_monday_to_friday(void **state)
{
    (void)state;
    /* a database made by init marks nothing: working days are Monday to Friday */
    due("2026-03-02", 15, NULL, 0, "2026-03-23"); /* Monday + 15 working days = 3 weeks */
    due("2026-03-02", 1, NULL, 0, "2026-03-03");  /* the day it arrives is not counted */
    due("2026-03-02", 0, NULL, 0, "2026-03-02");
    due("2026-03-06", 1, NULL, 0, "2026-03-09"); /* Friday -> Monday */
    due("2026-03-06", 5, NULL, 0, "2026-03-13");
}

static void test_cases_due_date__arrives_on_a_weekend(void **state)
{
    (void)state;
    due("2026-03-07", 1, NULL, 0, "2026-03-09"); /* Saturday: Monday is the first working day */
    due("2026-03-08", 1, NULL, 0, "2026-03-09"); /* Sunday */
    due("2026-03-07", 15, NULL, 0, "2026-03-27");
}

static void test_cases_due_date__holiday_skipped(void **state)
{
    (void)state;
    due("2026-09-30", 1, national_day, ND, "2026-10-08"); /* the whole week off lies between */
    due("2026-09-29", 2, national_day, ND, "2026-10-08");
    /* the holidays change nothing for a case that ends before them */
    due("2026-09-14", 5, national_day, ND, "2026-09-21");
}

static void test_cases_due_date__makeup_workday_counted(void **state)
{
    (void)state;
    due("2026-09-25", 1, national_day, ND, "2026-09-27"); /* Friday -> the worked Sunday */
    due("2026-10-08", 2, national_day, ND, "2026-10-10"); /* Thursday -> the worked Saturday */
    /* the whole span: 09-27(1) 28 29 30(4) 10-08(5) 09 10(7) 12..16(12) 19 20 21(15) */
    due("2026-09-25", 15, national_day, ND, "2026-10-21");
}

static void test_cases_due_date__filed_on_a_holiday(void **state)
{
    (void)state;
    due("2026-10-01", 1, national_day, ND, "2026-10-08"); /* filed on the first day off */
    due("2026-10-03", 3, national_day, ND, "2026-10-10"); /* Saturday of the holiday week */
    due("2026-10-07", 15, national_day, ND, "2026-10-27");
}

static void test_cases_working_day__facts(void **state)
{
    (void)state;
    assert_true(cases_working_day("2026-03-02", ""));
    assert_true(cases_working_day("2026-03-02", NULL));
    assert_false(cases_working_day("2026-03-07", ""));        /* Saturday */
    assert_false(cases_working_day("2026-10-01", "holiday")); /* a weekday off */
    assert_true(cases_working_day("2026-10-10", "workday"));  /* a Saturday worked */
    assert_true(cases_working_day("2026-07-20", ""));         /* the pupils' vacation: the
                                                                  bureau still works */
}

static cases_reopen_in reopen(bool filer, const char *status, int64_t times, const char *on,
                              const char *today)
{
    return (cases_reopen_in){
        .by_filer = filer, .status = status, .reopened = times, .answered_on = on, .today = today};
}

static void test_cases_reopen_check__filer_within_30_days(void **state)
{
    (void)state;
    policy *p = national();
    cases_reopen_in x = reopen(true, "closed", 0, "2026-03-01", "2026-03-31"); /* day 30 */
    verdict v = cases_reopen_check(p, &x);
    assert_true(verdict_is_ok(&v));
    x.today = "2026-04-01"; /* day 31 */
    v = cases_reopen_check(p, &x);
    assert_false(verdict_is_ok(&v));
    assert_string_equal(v.code, "reopen_not_allowed");
    assert_string_equal(v.rule, "CS-1");
    assert_int_equal(num(&v, "days"), 31);
    assert_int_equal(num(&v, "reopen_within_days"), 30);
    /* answered but not yet closed: the filer may reopen it too */
    x = reopen(true, "answered", 0, "2026-03-01", "2026-03-01");
    v = cases_reopen_check(p, &x);
    assert_true(verdict_is_ok(&v));
    policy_free(p);
}

static void test_cases_reopen_check__filer_once(void **state)
{
    (void)state;
    policy *p = national();
    cases_reopen_in x = reopen(true, "closed", 1, "2026-03-01", "2026-03-02");
    verdict v = cases_reopen_check(p, &x);
    assert_false(verdict_is_ok(&v));
    assert_string_equal(v.rule, "CS-1");
    assert_int_equal(num(&v, "reopened"), 1);
    assert_int_equal(num(&v, "reopen_times"), 1);
    /* district staff reopen whenever they need to */
    x = reopen(false, "closed", 3, "2025-01-01", "2026-03-02");
    v = cases_reopen_check(p, &x);
    assert_true(verdict_is_ok(&v));
    policy_free(p);
}

static void test_cases_reopen_check__not_answered(void **state)
{
    (void)state;
    policy *p = national();
    for (int i = 0; i < 2; i++) {
        cases_reopen_in x = reopen(i == 0, i == 0 ? "open" : "assigned", 0, "", "2026-03-02");
        verdict v = cases_reopen_check(p, &x);
        assert_false(verdict_is_ok(&v));
        assert_int_equal(v.err, SJ_ERR_CONFLICT);
        assert_string_equal(v.code, "case_not_answered");
    }
    policy_free(p);
}

static void test_cases_reward_check__edges(void **state)
{
    (void)state;
    policy *p = national();
    int64_t lo = policy_v(p)->cs2_reward_min_fen, hi = policy_v(p)->cs2_reward_max_fen;
    verdict v = cases_reward_check(p, "tip", "closed", "substantiated", lo);
    assert_true(verdict_is_ok(&v));
    v = cases_reward_check(p, "tip", "closed", "substantiated", hi);
    assert_true(verdict_is_ok(&v));
    v = cases_reward_check(p, "tip", "closed", "substantiated", lo - 1);
    assert_string_equal(v.code, "reward_out_of_range");
    assert_string_equal(v.rule, "CS-2");
    assert_int_equal(num(&v, "min_fen"), lo);
    v = cases_reward_check(p, "tip", "closed", "substantiated", hi + 1);
    assert_string_equal(v.code, "reward_out_of_range");
    assert_int_equal(num(&v, "max_fen"), hi);
    v = cases_reward_check(p, "complaint", "closed", "substantiated", lo);
    assert_string_equal(v.code, "reward_not_allowed");
    v = cases_reward_check(p, "tip", "closed", "unsubstantiated", lo);
    assert_string_equal(v.code, "reward_not_allowed");
    v = cases_reward_check(p, "tip", "answered", NULL, lo);
    assert_string_equal(v.code, "reward_not_allowed");
    policy_free(p);
}

static verdict pen(const policy *p, bool pn2, bool serious, int64_t income, int64_t fine)
{
    cases_penalty x = {
        .pn2 = pn2, .serious = serious, .illegal_income_fen = income, .fine_fen = fine};
    return cases_penalty_check(p, &x);
}

static void test_cases_penalty_check__pn1_one_to_five_times(void **state)
{
    (void)state;
    policy *p = national();
    assert_true(ok(pen(p, false, false, 100000, 100000))); /* 1x */
    assert_true(ok(pen(p, false, false, 100000, 500000))); /* 5x */
    assert_true(ok(pen(p, false, false, 100000, 250000)));
    verdict v = pen(p, false, false, 100000, 99999);
    assert_false(verdict_is_ok(&v));
    assert_string_equal(v.code, "fine_out_of_range");
    assert_string_equal(v.rule, "PN-1");
    assert_int_equal(v.err, SJ_ERR_RULE);
    assert_int_equal(num(&v, "min_fen"), 100000);
    assert_int_equal(num(&v, "max_fen"), 500000);
    assert_int_equal(num(&v, "illegal_income_fen"), 100000);
    v = pen(p, false, false, 100000, 500001);
    assert_string_equal(v.code, "fine_out_of_range");
    assert_int_equal(num(&v, "fine_fen"), 500001);
    /* no illegal income: no fine under PN-1 */
    assert_true(ok(pen(p, false, false, 0, 0)));
    v = pen(p, false, false, 0, 1);
    assert_string_equal(v.code, "fine_out_of_range");
    v = pen(p, false, false, -1, 0);
    assert_string_equal(v.code, "fine_out_of_range");
    /* a huge income cannot wrap the bound around */
    v = pen(p, false, false, INT64_MAX / 2, 1);
    assert_string_equal(v.code, "fine_out_of_range");
    policy_free(p);
}

static void test_cases_penalty_check__pn2_caps(void **state)
{
    (void)state;
    policy *p = national();
    assert_true(ok(pen(p, true, false, 0, 0)));       /* a warning */
    assert_true(ok(pen(p, true, false, 0, 5000000))); /* 5万 */
    verdict v = pen(p, true, false, 0, 5000001);
    assert_string_equal(v.code, "fine_out_of_range");
    assert_string_equal(v.rule, "PN-2");
    assert_int_equal(num(&v, "max_fen"), 5000000);
    v = pen(p, true, false, 0, -1);
    assert_string_equal(v.code, "fine_out_of_range");
    /* serious: 5万 to 10万, both included */
    assert_true(ok(pen(p, true, true, 0, 5000000)));
    assert_true(ok(pen(p, true, true, 0, 10000000)));
    v = pen(p, true, true, 0, 4999999);
    assert_string_equal(v.code, "fine_out_of_range");
    assert_int_equal(num(&v, "min_fen"), 5000000);
    v = pen(p, true, true, 0, 10000001);
    assert_string_equal(v.code, "fine_out_of_range");
    assert_int_equal(num(&v, "max_fen"), 10000000);
    policy_free(p);
}

static void test_cases_penalty_check__district_numbers(void **state)
{
    (void)state;
    policy *p =
        district("{\"PN-1\": {\"fine_multiple_max\": 3}, \"PN-2\": {\"fine_max_fen\": 3000000}}");
    assert_true(ok(pen(p, false, false, 100000, 300000)));
    verdict v = pen(p, false, false, 100000, 300001);
    assert_int_equal(num(&v, "max_fen"), 300000);
    v = pen(p, true, false, 0, 3000001);
    assert_string_equal(v.code, "fine_out_of_range");
    policy_free(p);
}

static void test_cases_route_of__categories(void **state)
{
    (void)state;
    assert_int_equal(cases_route_of("homework_overload"), CASES_TO_SCHOOL);
    assert_int_equal(cases_route_of("afterschool_fee"), CASES_TO_SCHOOL);
    assert_int_equal(cases_route_of("exam_ranking"), CASES_TO_SCHOOL);
    for (int i = 3; cases_categories[i]; i++)
        assert_int_equal(cases_route_of(cases_categories[i]), CASES_TO_INSPECTORS);
    int n = 0;
    while (cases_categories[n])
        n++;
    assert_int_equal(n, 10);
}

static void test_cases_rule_known__policy_ids(void **state)
{
    (void)state;
    const char *yes[] = {"HW-1", "HW-11", "EX-4", "AS-10", "TR-7",
                         "FU-6", "PN-2",  "CS-4", "NT-2",  "RP-3"};
    const char *no[] = {"HW-12", "HW-0", "hw-2", "XX-1", "", "CS-5", "HW-2 ", "AS-1O"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(cases_rule_known(yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(cases_rule_known(no[i]));
    assert_false(cases_rule_known(NULL));
}

static void test_cases_name_mask__first_character(void **state)
{
    (void)state;
    char out[64];
    cases_name_mask("张三", out, sizeof out);
    assert_string_equal(out, "张*");
    cases_name_mask("欧阳修文", out, sizeof out);
    assert_string_equal(out, "欧***");
    cases_name_mask("李", out, sizeof out);
    assert_string_equal(out, "李*");
    cases_name_mask("", out, sizeof out);
    assert_string_equal(out, "");
    char small[4];
    cases_name_mask("张三丰", small, sizeof small); /* the first character fits, no star */
    assert_string_equal(small, "张");
}

static void test_cases_place_key__same_place(void **state)
{
    (void)state;
    char a[128], b[128];
    cases_place_key("城关镇 文化路 1号,3栋", a, sizeof a);
    cases_place_key("城关镇文化路1号3栋", b, sizeof b);
    assert_string_equal(a, b);
    cases_place_key("Room 3-A (Hotel)", a, sizeof a);
    assert_string_equal(a, "room3ahotel");
    cases_place_key(NULL, a, sizeof a);
    assert_string_equal(a, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_due_date__no_holidays_monday_to_friday),
        cmocka_unit_test(test_cases_due_date__arrives_on_a_weekend),
        cmocka_unit_test(test_cases_due_date__holiday_skipped),
        cmocka_unit_test(test_cases_due_date__makeup_workday_counted),
        cmocka_unit_test(test_cases_due_date__filed_on_a_holiday),
        cmocka_unit_test(test_cases_working_day__facts),
        cmocka_unit_test(test_cases_reopen_check__filer_within_30_days),
        cmocka_unit_test(test_cases_reopen_check__filer_once),
        cmocka_unit_test(test_cases_reopen_check__not_answered),
        cmocka_unit_test(test_cases_reward_check__edges),
        cmocka_unit_test(test_cases_penalty_check__pn1_one_to_five_times),
        cmocka_unit_test(test_cases_penalty_check__pn2_caps),
        cmocka_unit_test(test_cases_penalty_check__district_numbers),
        cmocka_unit_test(test_cases_route_of__categories),
        cmocka_unit_test(test_cases_rule_known__policy_ids),
        cmocka_unit_test(test_cases_name_mask__first_character),
        cmocka_unit_test(test_cases_place_key__same_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
