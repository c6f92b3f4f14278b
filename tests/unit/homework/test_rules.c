/*
 * test_rules.c: unit tests for src/homework/rules.c, at every boundary of HW-1..HW-4, HW-6,
 * HW-9, HW-10, HW-11: exactly at the cap passes, one minute over fails, with the numbers.
 * Policies are the national defaults (policy/national.json) or a district override built here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "core/messages.h"
#include "homework/homework.h"

static policy *national(void)
{
    char err[256];
    policy *p = policy_new(NULL, err, sizeof err);
    assert_non_null(p);
    return p;
}

/* A district policy from a JSON text of rule overrides: {"HW-4": {...}}. */
static policy *district(const char *rules_json)
{
    char err[256];
    json_error_t je;
    json_t *rules = json_loads(rules_json, 0, &je);
    assert_non_null(rules);
    json_t *over = json_pack("{s:s,s:s,s:o}", "version", "test-district-1", "effective_from",
                             "2026-09-01", "rules", rules);
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
static const char *str(const verdict *v, const char *key)
{
    const verdict_arg *a = verdict_get(v, key);
    assert_non_null(a);
    assert_true(a->is_str);
    return a->s;
}

static verdict check(const policy *p, int grade, day_kind day, hw_kind kind, int used, int minutes)
{
    hw_request q = {.grade = grade,
                    .day = day,
                    .kind = kind,
                    .minutes = minutes,
                    .written_minutes = used,
                    .written_subjects = 0,
                    .subject_is_new = true};
    return homework_check(p, &q);
}

/* ---- homework_cap ---- */

static void test_homework_cap__grades_1_2_no_written(void **state)
{
    (void)state;
    policy *p = national();
    for (int g = 1; g <= 2; g++) {
        hw_cap c = homework_cap(p, g, DAY_SCHOOL);
        assert_false(c.allowed);
        assert_int_equal(c.limit_minutes, 0);
        assert_string_equal(c.rule, "HW-1");
        c = homework_cap(p, g, DAY_WEEKEND);
        assert_false(c.allowed);
        assert_string_equal(c.rule, "HW-1");
        c = homework_cap(p, g, DAY_VACATION);
        assert_false(c.allowed);
        assert_string_equal(c.rule, "HW-1");
    }
    policy_free(p);
}

static void test_homework_cap__primary_60_junior_90(void **state)
{
    (void)state;
    policy *p = national();
    for (int g = 3; g <= 6; g++) {
        hw_cap c = homework_cap(p, g, DAY_SCHOOL);
        assert_true(c.allowed);
        assert_false(c.vacation);
        assert_int_equal(c.limit_minutes, 60);
        assert_string_equal(c.rule, "HW-2");
    }
    for (int g = 7; g <= 9; g++) {
        hw_cap c = homework_cap(p, g, DAY_SCHOOL);
        assert_int_equal(c.limit_minutes, 90);
        assert_string_equal(c.rule, "HW-3");
    }
    policy_free(p);
}

static void test_homework_cap__weekend_holiday_default_weekday_cap(void **state)
{
    (void)state;
    policy *p = national();
    hw_cap c = homework_cap(p, 4, DAY_WEEKEND);
    assert_true(c.allowed);
    assert_int_equal(c.limit_minutes, 60);
    assert_string_equal(c.rule, "HW-4");
    c = homework_cap(p, 8, DAY_HOLIDAY);
    assert_int_equal(c.limit_minutes, 90);
    assert_string_equal(c.rule, "HW-4");
    assert_false(c.vacation);
    policy_free(p);
}

static void test_homework_cap__weekend_holiday_district_numbers(void **state)
{
    (void)state;
    policy *p =
        district("{\"HW-4\": {\"weekend_day_same_as_weekday\": false,"
                 " \"weekend_minutes_grades_3_6\": 30, \"weekend_minutes_grades_7_9\": 45,"
                 " \"holiday_minutes_grades_3_6\": 20, \"holiday_minutes_grades_7_9\": 0}}");
    assert_int_equal(homework_cap(p, 5, DAY_WEEKEND).limit_minutes, 30);
    assert_int_equal(homework_cap(p, 9, DAY_WEEKEND).limit_minutes, 45);
    assert_int_equal(homework_cap(p, 3, DAY_HOLIDAY).limit_minutes, 20);
    hw_cap c = homework_cap(p, 7, DAY_HOLIDAY);
    assert_int_equal(c.limit_minutes, 0);
    assert_false(c.allowed);
    /* school days keep HW-2/HW-3 */
    assert_int_equal(homework_cap(p, 5, DAY_SCHOOL).limit_minutes, 60);
    assert_string_equal(homework_cap(p, 5, DAY_SCHOOL).rule, "HW-2");
    policy_free(p);
}

static void test_homework_cap__vacation_unset_refused(void **state)
{
    (void)state;
    policy *p = national();
    hw_cap c = homework_cap(p, 4, DAY_VACATION);
    assert_false(c.allowed);
    assert_true(c.vacation);
    assert_string_equal(c.rule, "HW-4");
    policy_free(p);
}

static void test_homework_cap__vacation_total(void **state)
{
    (void)state;
    policy *p = district("{\"HW-4\": {\"vacation_total_minutes\": 600}}");
    hw_cap c = homework_cap(p, 4, DAY_VACATION);
    assert_true(c.allowed);
    assert_true(c.vacation);
    assert_int_equal(c.limit_minutes, 600);
    policy_free(p);
}

static void test_homework_cap__district_grade_lists(void **state)
{
    (void)state;
    /* a district that treats grade 6 as junior-high cap (hypothetical) */
    policy *p = district("{\"HW-2\": {\"grades\": [3,4,5]}, \"HW-3\": {\"grades\": [6,7,8,9]}}");
    assert_string_equal(homework_cap(p, 6, DAY_SCHOOL).rule, "HW-3");
    assert_int_equal(homework_cap(p, 6, DAY_SCHOOL).limit_minutes, 90);
    policy_free(p);
}

/* ---- homework_check ---- */

static void test_homework_check__exactly_at_cap_accepted(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = check(p, 4, DAY_SCHOOL, HW_WRITTEN, 40, 20);
    assert_true(verdict_is_ok(&v));
    assert_null(v.code);
    v = check(p, 4, DAY_SCHOOL, HW_WRITTEN, 0, 60);
    assert_true(verdict_is_ok(&v));
    v = check(p, 8, DAY_SCHOOL, HW_WRITTEN, 60, 30);
    assert_true(verdict_is_ok(&v));
    policy_free(p);
}

static void test_homework_check__one_minute_over_refused(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = check(p, 4, DAY_SCHOOL, HW_WRITTEN, 40, 21);
    assert_string_equal(v.code, "homework_over_limit");
    assert_string_equal(v.rule, "HW-2");
    assert_int_equal(num(&v, "limit_minutes"), 60);
    assert_int_equal(num(&v, "written_minutes"), 40);
    assert_int_equal(num(&v, "requested_minutes"), 21);
    assert_int_equal(num(&v, "remaining_minutes"), 20);
    assert_int_equal(num(&v, "grade"), 4);
    assert_string_equal(str(&v, "day_kind"), "school");
    assert_string_equal(v.msg, "HW-2");
    assert_int_equal(v.err, SJ_ERR_RULE);
    v = check(p, 4, DAY_SCHOOL, HW_WRITTEN, 0, 61);
    assert_string_equal(v.code, "homework_over_limit");
    v = check(p, 8, DAY_SCHOOL, HW_WRITTEN, 60, 31);
    assert_string_equal(v.code, "homework_over_limit");
    assert_string_equal(v.rule, "HW-3");
    assert_int_equal(num(&v, "limit_minutes"), 90);
    policy_free(p);
}

static void test_homework_check__weekend_over_cites_hw4(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = check(p, 5, DAY_WEEKEND, HW_WRITTEN, 60, 0 + 1);
    assert_string_equal(v.code, "homework_over_limit");
    assert_string_equal(v.rule, "HW-4");
    assert_string_equal(v.msg, "HW-4.weekend");
    assert_string_equal(str(&v, "day_kind"), "weekend");
    assert_int_equal(num(&v, "remaining_minutes"), 0);
    assert_string_equal(check(p, 5, DAY_HOLIDAY, HW_WRITTEN, 60, 1).msg, "HW-4.holiday");
    assert_int_equal(num(&v, "limit_minutes"), 60);
    assert_true(ok(check(p, 5, DAY_WEEKEND, HW_WRITTEN, 59, 1)));
    policy_free(p);

    p = district("{\"HW-4\": {\"weekend_minutes_grades_3_6\": 0}}");
    v = check(p, 5, DAY_WEEKEND, HW_WRITTEN, 0, 1);
    assert_string_equal(v.code, "homework_over_limit");
    assert_string_equal(v.rule, "HW-4");
    assert_int_equal(num(&v, "limit_minutes"), 0);
    policy_free(p);
}

static void test_homework_check__grade_2_written_refused_oral_accepted(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = check(p, 2, DAY_SCHOOL, HW_WRITTEN, 0, 1);
    assert_string_equal(v.code, "written_homework_not_allowed");
    assert_string_equal(v.rule, "HW-1");
    assert_int_equal(num(&v, "limit_minutes"), 0);
    assert_string_equal(check(p, 1, DAY_SCHOOL, HW_WRITTEN, 0, 5).code,
                        "written_homework_not_allowed");
    assert_true(ok(check(p, 2, DAY_SCHOOL, HW_ORAL, 0, 15)));
    assert_true(ok(check(p, 2, DAY_SCHOOL, HW_READING, 0, 30)));
    assert_true(ok(check(p, 1, DAY_WEEKEND, HW_PRACTICAL, 0, 30)));
    policy_free(p);
}

static void test_homework_check__non_written_not_counted(void **state)
{
    (void)state;
    policy *p = national();
    /* a full day of written homework leaves room for reading */
    assert_true(ok(check(p, 4, DAY_SCHOOL, HW_READING, 60, 30)));
    assert_true(ok(check(p, 4, DAY_SCHOOL, HW_ORAL, 60, 20)));
    policy_free(p);
}

/* HW-5's all-kinds daily cap: off nationally (a grade-2 class takes 180 + 180 minutes of
 * reading and practical work); a district's number holds for every kind, at the cap passes,
 * a minute over is refused citing HW-5 with the numbers. */
static verdict check_all(const policy *p, int grade, hw_kind kind, int written, int all,
                         int minutes)
{
    hw_request q = {.grade = grade,
                    .day = DAY_SCHOOL,
                    .kind = kind,
                    .minutes = minutes,
                    .written_minutes = written,
                    .all_minutes = all};
    return homework_check(p, &q);
}

static void test_homework_check__all_kinds_cap_off_by_default(void **state)
{
    (void)state;
    policy *p = national();
    assert_int_equal(homework_all_kinds_cap(p, 2), POLICY_UNSET);
    assert_true(ok(check_all(p, 2, HW_PRACTICAL, 0, 180, 180)));
    assert_true(ok(check_all(p, 8, HW_READING, 90, 400, 200)));
    policy_free(p);
}

static void test_homework_check__all_kinds_cap_edge(void **state)
{
    (void)state;
    policy *p = district("{\"HW-5\": {\"all_kinds_minutes_grades_1_2\": 60,"
                         " \"all_kinds_minutes_grades_3_6\": 90}}");
    assert_int_equal(homework_all_kinds_cap(p, 1), 60);
    assert_int_equal(homework_all_kinds_cap(p, 6), 90);
    assert_int_equal(homework_all_kinds_cap(p, 7), POLICY_UNSET);
    assert_true(ok(check_all(p, 2, HW_READING, 0, 40, 20)));
    verdict v = check_all(p, 2, HW_READING, 0, 40, 21);
    assert_string_equal(v.code, "daily_total_over_limit");
    assert_string_equal(v.rule, "HW-5");
    assert_string_equal(v.msg, "HW-5.all_kinds");
    assert_int_equal(v.err, SJ_ERR_RULE);
    assert_int_equal(num(&v, "limit_minutes"), 60);
    assert_int_equal(num(&v, "all_minutes"), 40);
    assert_int_equal(num(&v, "requested_minutes"), 21);
    assert_int_equal(num(&v, "remaining_minutes"), 20);
    assert_string_equal(str(&v, "kind"), "reading");
    /* written work counts in the total too, after its own cap passes */
    assert_true(ok(check_all(p, 4, HW_WRITTEN, 30, 70, 20)));
    v = check_all(p, 4, HW_WRITTEN, 30, 70, 21);
    assert_string_equal(v.code, "daily_total_over_limit");
    /* the written cap speaks first when both are passed */
    assert_string_equal(check_all(p, 4, HW_WRITTEN, 50, 89, 11).rule, "HW-2");
    /* grades 7-9 have no number here: no cap */
    assert_true(ok(check_all(p, 8, HW_ORAL, 0, 300, 100)));
    char text[256];
    v = check_all(p, 2, HW_PRACTICAL, 0, 60, 1);
    msg_format(v.msg, 0, v.args, v.nargs, text, sizeof text);
    assert_non_null(strstr(text, "各类作业合计 60 分钟上限(HW-5)"));
    policy_free(p);
}

static void test_homework_relabel_suspect__edge(void **state)
{
    (void)state;
    policy *p = national(); /* HW-5.relabel_excess_minutes 60 */
    assert_false(homework_relabel_suspect(p, 0, 60));
    assert_true(homework_relabel_suspect(p, 0, 61));
    assert_false(homework_relabel_suspect(p, 30, 90));
    assert_true(homework_relabel_suspect(p, 30, 91));
    assert_false(homework_relabel_suspect(p, 60, 20));
    policy_free(p);
    p = district("{\"HW-5\": {\"relabel_excess_minutes\": 0}}");
    assert_false(homework_relabel_suspect(p, 30, 30));
    assert_true(homework_relabel_suspect(p, 30, 31));
    policy_free(p);
}

static void test_homework_check__vacation(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = check(p, 4, DAY_VACATION, HW_WRITTEN, 0, 10);
    assert_string_equal(v.code, "date_outside_term");
    assert_string_equal(v.rule, "HW-4");
    assert_string_equal(v.msg, "HW-4.vacation_none");
    assert_int_equal(num(&v, "limit_minutes"), 0);
    /* reading in a vacation is not capped */
    assert_true(ok(check(p, 4, DAY_VACATION, HW_READING, 0, 30)));
    policy_free(p);

    p = district("{\"HW-4\": {\"vacation_total_minutes\": 600}}");
    assert_true(ok(check(p, 4, DAY_VACATION, HW_WRITTEN, 540, 60)));
    v = check(p, 4, DAY_VACATION, HW_WRITTEN, 541, 60);
    assert_string_equal(v.code, "homework_over_limit");
    assert_string_equal(v.rule, "HW-4");
    assert_string_equal(v.msg, "HW-4.vacation");
    assert_int_equal(num(&v, "limit_minutes"), 600);
    /* grades 1-2 stay under HW-1 in a vacation too */
    assert_string_equal(check(p, 2, DAY_VACATION, HW_WRITTEN, 0, 10).code,
                        "written_homework_not_allowed");
    policy_free(p);
}

static void test_homework_check__subjects_off_by_default(void **state)
{
    (void)state;
    policy *p = national();
    hw_request q = {.grade = 4,
                    .day = DAY_SCHOOL,
                    .kind = HW_WRITTEN,
                    .minutes = 5,
                    .written_minutes = 40,
                    .written_subjects = 5,
                    .subject_is_new = true};
    assert_true(ok(homework_check(p, &q)));
    policy_free(p);
}

static void test_homework_check__subjects_hw11(void **state)
{
    (void)state;
    policy *p = district("{\"HW-11\": {\"enabled\": true}}");
    hw_request q = {.grade = 4,
                    .day = DAY_SCHOOL,
                    .kind = HW_WRITTEN,
                    .minutes = 5,
                    .written_minutes = 30,
                    .written_subjects = 2,
                    .subject_is_new = true};
    assert_true(ok(homework_check(p, &q))); /* third subject: at the limit */
    q.written_subjects = 3;
    verdict v = homework_check(p, &q); /* fourth subject: over */
    assert_string_equal(v.code, "too_many_subjects");
    assert_string_equal(v.rule, "HW-11");
    assert_int_equal(num(&v, "limit_subjects"), 3);
    assert_int_equal(num(&v, "subjects"), 4);
    q.subject_is_new = false; /* a subject already there */
    assert_true(ok(homework_check(p, &q)));
    q.grade = 8; /* junior: 4 */
    q.subject_is_new = true;
    assert_true(ok(homework_check(p, &q)));
    q.written_subjects = 4;
    v = homework_check(p, &q);
    assert_string_equal(v.code, "too_many_subjects");
    assert_int_equal(num(&v, "limit_subjects"), 4);
    /* the minutes cap is checked first */
    q.written_minutes = 88;
    assert_string_equal(homework_check(p, &q).code, "homework_over_limit");
    /* non-written items do not count as subjects */
    q.kind = HW_ORAL;
    assert_true(ok(homework_check(p, &q)));
    policy_free(p);
}

/* The words of a refusal come from messages.c under the verdict's key, its numbers filled in. */
static void test_homework_check__refusal_words(void **state)
{
    (void)state;
    char out[512];
    policy *p = national();
    verdict v = check(p, 4, DAY_SCHOOL, HW_WRITTEN, 40, 30);
    assert_string_equal(verdict_message(&v, 0, out, sizeof out),
                        "超出四年级每日书面作业 60 分钟上限(HW-2):当天已布置 40 分钟,本次 30 分钟");
    assert_non_null(strstr(verdict_message(&v, 1, out, sizeof out), "60-minute daily cap"));
    v = check(p, 5, DAY_WEEKEND, HW_WRITTEN, 50, 20);
    assert_non_null(strstr(verdict_message(&v, 0, out, sizeof out),
                           "超出五年级周末每日书面作业 60 分钟上限(HW-4)"));
    v = check(p, 2, DAY_SCHOOL, HW_WRITTEN, 0, 10);
    assert_string_equal(verdict_message(&v, 0, out, sizeof out),
                        "二年级不布置书面家庭作业(HW-1),可布置口头、阅读或实践作业");
    policy_free(p);
}

static void test_homework_check_kind_target__hw9_hw6(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = homework_check_kind(p, "app");
    assert_string_equal(v.code, "homework_kind_not_allowed");
    assert_string_equal(v.rule, "HW-9");
    assert_string_equal(str(&v, "kind"), "app");
    assert_true(ok(homework_check_kind(p, "written")));
    v = homework_check_target(p, "parent", false);
    assert_string_equal(v.code, "homework_target_not_allowed");
    assert_string_equal(v.rule, "HW-6");
    assert_string_equal(str(&v, "target"), "parent");
    /* a parent asked to check is refused whatever the target */
    v = homework_check_target(p, NULL, true);
    assert_string_equal(v.rule, "HW-6");
    assert_string_equal(str(&v, "target"), "parent");
    assert_string_equal(homework_check_target(p, "student", true).rule, "HW-6");
    assert_true(ok(homework_check_target(p, "student", false)));
    assert_true(ok(homework_check_target(p, NULL, false)));
    policy_free(p);
}

/* ---- kinds, targets, bedtime ---- */

static void test_homework_kind_refused__app(void **state)
{
    (void)state;
    policy *p = national();
    assert_true(homework_kind_refused(p, "app"));
    assert_false(homework_kind_refused(p, "written"));
    assert_false(homework_kind_refused(p, "oral"));
    assert_false(homework_kind_refused(p, NULL));
    policy_free(p);
    p = district("{\"HW-9\": {\"refused_kinds\": [\"app\", \"online\"]}}");
    assert_true(homework_kind_refused(p, "online"));
    policy_free(p);
}

static void test_homework_target_refused__parent(void **state)
{
    (void)state;
    policy *p = national();
    assert_true(homework_target_refused(p, "parent"));
    assert_false(homework_target_refused(p, "student"));
    assert_false(homework_target_refused(p, NULL));
    policy_free(p);
}

static void test_homework_bedtime__primary_junior(void **state)
{
    char buf[6];
    (void)state;
    policy *p = national();
    assert_string_equal(homework_bedtime(p, 1, buf), "21:20");
    assert_string_equal(homework_bedtime(p, 6, buf), "21:20");
    assert_string_equal(homework_bedtime(p, 7, buf), "22:00");
    assert_string_equal(homework_bedtime(p, 9, buf), "22:00");
    policy_free(p);
}

/* ---- reported time, matrix cells, estimates ---- */

static void test_homework_reported_minutes__mean_rounded(void **state)
{
    (void)state;
    assert_int_equal(homework_reported_minutes(20, 0, 0), 20);
    assert_int_equal(homework_reported_minutes(20, 1, 25), 25);
    assert_int_equal(homework_reported_minutes(20, 2, 51), 26); /* 25.5 rounds up */
    assert_int_equal(homework_reported_minutes(20, 3, 76), 25); /* 25.33 */
    assert_int_equal(homework_reported_minutes(20, 2, 0), 0);
}

static void test_homework_cell_status__thresholds(void **state)
{
    (void)state;
    assert_string_equal(homework_cell_status(0, 0, 60), "none");
    assert_string_equal(homework_cell_status(2, 47, 60), "ok");
    assert_string_equal(homework_cell_status(2, 48, 60), "near"); /* 80% */
    assert_string_equal(homework_cell_status(3, 60, 60), "near");
    assert_string_equal(homework_cell_status(3, 61, 60), "over");
    assert_string_equal(homework_cell_status(1, 0, 60), "ok");   /* reading only */
    assert_string_equal(homework_cell_status(1, 10, 0), "over"); /* grades 1-2 */
    assert_string_equal(homework_cell_status(1, 500, -1), "ok"); /* vacation */
}

static void test_homework_estimates_short__ratio_and_minimum(void **state)
{
    (void)state;
    assert_true(homework_estimates_short(100, 125, 5, 125, 5));
    assert_false(homework_estimates_short(100, 124, 5, 125, 5));
    assert_false(homework_estimates_short(100, 200, 4, 125, 5)); /* too few items */
    assert_false(homework_estimates_short(0, 200, 9, 125, 5));
}

static void test_homework_lock_key__distinct(void **state)
{
    (void)state;
    assert_true(homework_lock_key(1, 20000) != homework_lock_key(2, 20000));
    assert_true(homework_lock_key(1, 20000) != homework_lock_key(1, 20001));
    assert_true(homework_lock_key(1, 99999) < homework_lock_key(2, 0));
}

static void test_homework_day_kind__vacation_before_holiday(void **state)
{
    (void)state;
    /* HW-4 caps a vacation as a whole: the Spring Festival in the winter vacation is vacation */
    cal_day d = calendar_classify("2027-02-06", "2027-02-20", "2027-07-10", "holiday");
    assert_int_equal(homework_day_kind(d), DAY_VACATION);
    /* inside the term the calendar's order holds: holiday, make-up school day, weekend */
    assert_int_equal(
        homework_day_kind(calendar_classify("2026-10-01", "2026-09-01", "2027-01-20", "holiday")),
        DAY_HOLIDAY);
    assert_int_equal(
        homework_day_kind(calendar_classify("2026-10-11", "2026-09-01", "2027-01-20", "workday")),
        DAY_SCHOOL);
    assert_int_equal(
        homework_day_kind(calendar_classify("2026-10-10", "2026-09-01", "2027-01-20", "")),
        DAY_WEEKEND);
    assert_int_equal(
        homework_day_kind(calendar_classify("2026-08-31", "2026-09-01", "2027-01-20", "")),
        DAY_VACATION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_homework_cap__grades_1_2_no_written),
        cmocka_unit_test(test_homework_cap__primary_60_junior_90),
        cmocka_unit_test(test_homework_cap__weekend_holiday_default_weekday_cap),
        cmocka_unit_test(test_homework_cap__weekend_holiday_district_numbers),
        cmocka_unit_test(test_homework_cap__vacation_unset_refused),
        cmocka_unit_test(test_homework_cap__vacation_total),
        cmocka_unit_test(test_homework_cap__district_grade_lists),
        cmocka_unit_test(test_homework_check__exactly_at_cap_accepted),
        cmocka_unit_test(test_homework_check__one_minute_over_refused),
        cmocka_unit_test(test_homework_check__weekend_over_cites_hw4),
        cmocka_unit_test(test_homework_check__grade_2_written_refused_oral_accepted),
        cmocka_unit_test(test_homework_check__non_written_not_counted),
        cmocka_unit_test(test_homework_check__all_kinds_cap_off_by_default),
        cmocka_unit_test(test_homework_check__all_kinds_cap_edge),
        cmocka_unit_test(test_homework_relabel_suspect__edge),
        cmocka_unit_test(test_homework_check__vacation),
        cmocka_unit_test(test_homework_check__subjects_off_by_default),
        cmocka_unit_test(test_homework_check__subjects_hw11),
        cmocka_unit_test(test_homework_check__refusal_words),
        cmocka_unit_test(test_homework_check_kind_target__hw9_hw6),
        cmocka_unit_test(test_homework_kind_refused__app),
        cmocka_unit_test(test_homework_target_refused__parent),
        cmocka_unit_test(test_homework_bedtime__primary_junior),
        cmocka_unit_test(test_homework_day_kind__vacation_before_holiday),
        cmocka_unit_test(test_homework_reported_minutes__mean_rounded),
        cmocka_unit_test(test_homework_cell_status__thresholds),
        cmocka_unit_test(test_homework_estimates_short__ratio_and_minimum),
        cmocka_unit_test(test_homework_lock_key__distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
