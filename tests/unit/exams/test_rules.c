/*
 * test_rules.c: unit tests for src/exams/rules.c: EX-1 (grades 1-2, paper), EX-2 (finals and
 * midterms per term, at the limit and one over), EX-3 (monthly, regional, cross-school; the
 * graduating grades), EX-4 (bands at each threshold, full marks other than 100).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "exams/exams.h"

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

static verdict plan(const policy *p, int grade, ex_kind kind, bool paper, int scope, int finals,
                    int midterms)
{
    ex_plan x = {.grade = grade,
                 .kind = kind,
                 .paper = paper,
                 .scope = scope,
                 .finals = finals,
                 .midterms = midterms};
    return exams_check_plan(p, &x);
}

static void test_exams_check_plan__grades_1_2_no_paper(void **state)
{
    (void)state;
    policy *p = national();
    for (int g = 1; g <= 2; g++) {
        verdict v = plan(p, g, EX_FINAL, true, 0, 0, 0);
        assert_false(verdict_is_ok(&v));
        assert_string_equal(v.rule, "EX-1");
        assert_false(ok(plan(p, g, EX_QUIZ, true, 0, 0, 0)));
        /* a non-paper assessment (游园式测评) is fine */
        assert_true(ok(plan(p, g, EX_FINAL, false, 0, 0, 0)));
    }
    assert_true(ok(plan(p, 3, EX_FINAL, true, 0, 0, 0)));
    policy_free(p);
}

static void test_exams_check_plan__one_final_a_term(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = plan(p, 4, EX_FINAL, true, 0, 0, 0);
    assert_true(verdict_is_ok(&v));
    v = plan(p, 4, EX_FINAL, true, 0, 1, 0);
    assert_false(verdict_is_ok(&v));
    assert_string_equal(v.rule, "EX-2");
    assert_int_equal(num(&v, "limit"), 1);
    assert_int_equal(num(&v, "existing"), 1);
    /* grades 1-2: a second non-paper final is still a second final */
    assert_false(ok(plan(p, 1, EX_FINAL, false, 0, 1, 0)));
    policy_free(p);
}

static void test_exams_check_plan__midterm_only_junior(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = plan(p, 6, EX_MIDTERM, true, 0, 0, 0);
    assert_false(verdict_is_ok(&v));
    assert_string_equal(v.rule, "EX-2");
    assert_int_equal(num(&v, "limit"), 0);
    assert_true(ok(plan(p, 7, EX_MIDTERM, true, 0, 0, 0)));
    assert_true(ok(plan(p, 9, EX_MIDTERM, true, 0, 1, 0))); /* a final does not use the midterm */
    v = plan(p, 8, EX_MIDTERM, true, 0, 0, 1);
    assert_false(verdict_is_ok(&v));
    assert_int_equal(num(&v, "limit"), 1);
    assert_int_equal(num(&v, "existing"), 1);
    policy_free(p);
}

static void test_exams_check_plan__quiz_not_a_term_exam(void **state)
{
    (void)state;
    policy *p = national();
    assert_true(ok(plan(p, 5, EX_QUIZ, true, 0, 1, 1)));
    policy_free(p);
}

static void test_exams_check_plan__regional_only_graduating(void **state)
{
    (void)state;
    policy *p = national();
    for (int scope = 1; scope <= 2; scope++) {
        verdict v = plan(p, 8, EX_FINAL, true, scope, 0, 0);
        assert_false(verdict_is_ok(&v));
        assert_string_equal(v.rule, "EX-3");
        assert_true(ok(plan(p, 9, EX_FINAL, true, scope, 0, 0)));
        assert_true(ok(plan(p, 6, EX_FINAL, true, scope, 0, 0)));
        assert_false(ok(plan(p, 5, EX_QUIZ, true, scope, 0, 0)));
    }
    policy_free(p);
}

static void test_exams_kind_refused__monthly(void **state)
{
    (void)state;
    policy *p = national();
    assert_true(exams_kind_refused(p, "monthly"));
    assert_true(exams_kind_refused(p, "regional"));
    assert_false(exams_kind_refused(p, "final"));
    assert_false(exams_kind_refused(p, NULL));
    policy_free(p);
}

static void test_exams_band__thresholds(void **state)
{
    (void)state;
    policy *p = national();
    assert_string_equal(exams_band(p, 1000, 100), "A");
    assert_string_equal(exams_band(p, 850, 100), "A"); /* exactly 85 */
    assert_string_equal(exams_band(p, 849, 100), "B"); /* 84.9 */
    assert_string_equal(exams_band(p, 700, 100), "B");
    assert_string_equal(exams_band(p, 699, 100), "C");
    assert_string_equal(exams_band(p, 600, 100), "C");
    assert_string_equal(exams_band(p, 599, 100), "D");
    assert_string_equal(exams_band(p, 0, 100), "D");
    /* out of 120: 85% is 102 */
    assert_string_equal(exams_band(p, 1020, 120), "A");
    assert_string_equal(exams_band(p, 1019, 120), "B");
    assert_string_equal(exams_band(p, 1500, 150), "A");
    policy_free(p);
}

static void test_exams_band__district_bands(void **state)
{
    (void)state;
    policy *p = district("{\"EX-4\": {\"bands\": [{\"band\": \"优秀\", \"min\": 90},"
                         " {\"band\": \"良好\", \"min\": 75}, {\"band\": \"合格\", \"min\": 60},"
                         " {\"band\": \"待合格\", \"min\": 0}]}}");
    assert_string_equal(exams_band(p, 900, 100), "优秀");
    assert_string_equal(exams_band(p, 899, 100), "良好");
    assert_string_equal(exams_band(p, 10, 100), "待合格");
    policy_free(p);
}

static void test_exams_lock_key__negative_and_distinct(void **state)
{
    (void)state;
    int64_t a = exams_lock_key(1, 4, "2026-autumn"), b = exams_lock_key(1, 4, "2027-spring"),
            c = exams_lock_key(1, 5, "2026-autumn"), d = exams_lock_key(2, 4, "2026-autumn"),
            e = exams_lock_key(1, 4, "2026-spring");
    assert_true(a < 0 && b < 0 && c < 0 && d < 0 && e < 0);
    int64_t all[] = {a, b, c, d, e};
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            assert_true(all[i] != all[j]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exams_check_plan__grades_1_2_no_paper),
        cmocka_unit_test(test_exams_check_plan__one_final_a_term),
        cmocka_unit_test(test_exams_check_plan__midterm_only_junior),
        cmocka_unit_test(test_exams_check_plan__quiz_not_a_term_exam),
        cmocka_unit_test(test_exams_check_plan__regional_only_graduating),
        cmocka_unit_test(test_exams_kind_refused__monthly),
        cmocka_unit_test(test_exams_band__thresholds),
        cmocka_unit_test(test_exams_band__district_bands),
        cmocka_unit_test(test_exams_lock_key__negative_and_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
