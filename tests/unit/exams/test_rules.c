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

static verdict quiz(const policy *p, int grade, bool paper, int others)
{
    ex_plan x = {.grade = grade, .kind = EX_QUIZ, .paper = paper, .others = others};
    return exams_check_plan(p, &x);
}

static const char *str(const verdict *v, const char *key)
{
    const verdict_arg *a = verdict_get(v, key);
    assert_non_null(a);
    return a->s;
}

static void test_exams_check_plan__paper_quiz_refused(void **state)
{
    (void)state;
    policy *p = national();
    /* a grade-wide paper quiz (月测, 周测...) is an exam EX-3 bans: nationally none a term */
    verdict v = quiz(p, 5, true, 0);
    assert_false(verdict_is_ok(&v));
    assert_int_equal(v.err, SJ_ERR_RULE);
    assert_string_equal(v.code, "exam_not_allowed");
    assert_string_equal(v.rule, "EX-3");
    assert_string_equal(v.msg, "EX-3.paper_quiz");
    assert_int_equal(num(&v, "limit"), 0);
    assert_int_equal(num(&v, "existing"), 0);
    assert_int_equal(num(&v, "finals_per_term"), 1);
    assert_int_equal(num(&v, "midterms_per_term"), 0);
    assert_string_equal(str(&v, "kind"), "quiz");
    v = quiz(p, 8, true, 0);
    assert_int_equal(num(&v, "midterms_per_term"), 1);
    /* graduating grades too: EX-3's scope exception is for regional exams, not monthly ones */
    assert_false(ok(quiz(p, 9, true, 0)));
    /* an oral or practical check is not a paper exam */
    assert_true(ok(quiz(p, 5, false, 0)));
    assert_true(ok(quiz(p, 5, false, 7)));
    assert_true(ok(plan(p, 5, EX_QUIZ, false, 0, 1, 1)));
    policy_free(p);
}

static void test_exams_check_plan__paper_quiz_district_number(void **state)
{
    (void)state;
    policy *p = district("{\"EX-3\": {\"other_paper_tests_per_term\": 2}}");
    assert_true(ok(quiz(p, 5, true, 0)));
    assert_true(ok(quiz(p, 5, true, 1))); /* the second: at the limit */
    verdict v = quiz(p, 5, true, 2);      /* the third: one over */
    assert_false(verdict_is_ok(&v));
    assert_string_equal(v.rule, "EX-3");
    assert_int_equal(num(&v, "limit"), 2);
    assert_int_equal(num(&v, "existing"), 2);
    /* grades 1-2 still have no paper exam at all (EX-1 first) */
    v = quiz(p, 2, true, 0);
    assert_string_equal(v.rule, "EX-1");
    policy_free(p);
}

static void test_exams_check_plan__no_midterm_words(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = plan(p, 5, EX_MIDTERM, true, 0, 0, 0);
    assert_string_equal(v.msg, "EX-2.no_midterm");
    char buf[512];
    assert_non_null(strstr(verdict_message(&v, 0, buf, sizeof buf), "不安排期中考试"));
    policy_free(p);
    /* a district that gives its junior grades no midterm: the words say so, not "primary only" */
    p = district("{\"EX-2\": {\"midterms_per_term_grades_7_9\": 0}}");
    v = plan(p, 8, EX_MIDTERM, true, 0, 0, 0);
    assert_false(verdict_is_ok(&v));
    assert_string_equal(v.rule, "EX-2");
    assert_string_equal(v.msg, "EX-2.no_midterm_district");
    assert_int_equal(num(&v, "limit"), 0);
    assert_non_null(strstr(verdict_message(&v, 0, buf, sizeof buf), "不安排期中考试"));
    assert_null(strstr(buf, "仅限初中"));
    policy_free(p);
}

static void test_exams_check_scores_date__from_the_exam_day(void **state)
{
    (void)state;
    assert_true(ok(exams_check_scores_date("2026-12-09", "2026-12-09"))); /* the day itself */
    assert_true(ok(exams_check_scores_date("2026-12-09", "2026-12-10")));
    assert_true(ok(exams_check_scores_date("2026-12-31", "2027-01-01")));
    verdict v = exams_check_scores_date("2026-12-09", "2026-12-08"); /* the day before */
    assert_false(verdict_is_ok(&v));
    assert_int_equal(v.err, SJ_ERR_CONFLICT);
    assert_string_equal(v.code, "exam_not_held");
    assert_string_equal(str(&v, "exam_date"), "2026-12-09");
    assert_string_equal(str(&v, "today"), "2026-12-08");
    assert_false(ok(exams_check_scores_date("2027-01-01", "2026-12-31")));
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
        assert_false(ok(plan(p, 5, EX_QUIZ, false, scope, 0, 0))); /* regional, paper or not */
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

static void test_exams_default_name__says_the_term(void **state)
{
    (void)state;
    char b[200];
    exams_default_name("2026-autumn", "数学", EX_FINAL, b, sizeof b);
    assert_string_equal(b, "2026 年秋季学期数学期末");
    exams_default_name("2027-spring", "", EX_MIDTERM, b, sizeof b);
    assert_string_equal(b, "2027 年春季学期期中");
    exams_default_name("2027-spring", NULL, EX_QUIZ, b, sizeof b);
    assert_string_equal(b, "2027 年春季学期测验");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exams_check_plan__grades_1_2_no_paper),
        cmocka_unit_test(test_exams_check_plan__one_final_a_term),
        cmocka_unit_test(test_exams_check_plan__midterm_only_junior),
        cmocka_unit_test(test_exams_check_plan__paper_quiz_refused),
        cmocka_unit_test(test_exams_check_plan__paper_quiz_district_number),
        cmocka_unit_test(test_exams_check_plan__no_midterm_words),
        cmocka_unit_test(test_exams_check_scores_date__from_the_exam_day),
        cmocka_unit_test(test_exams_check_plan__regional_only_graduating),
        cmocka_unit_test(test_exams_kind_refused__monthly),
        cmocka_unit_test(test_exams_band__thresholds),
        cmocka_unit_test(test_exams_band__district_bands),
        cmocka_unit_test(test_exams_lock_key__negative_and_distinct),
        cmocka_unit_test(test_exams_default_name__says_the_term),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
