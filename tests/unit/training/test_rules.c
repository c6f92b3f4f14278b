/*
 * test_rules.c: unit tests for src/training/rules.c (TR-1..TR-4, TR-6, TR-7, FU-1), at every
 * boundary: exactly at a limit passes, one over fails. The policy is the national default
 * unless a test builds a district override.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "core/messages.h"
#include "training/training.h"

static policy *national(void)
{
    char err[200];
    policy *p = policy_new(NULL, err, sizeof err);
    assert_non_null(p);
    return p;
}

static policy *with_override(const char *json)
{
    char err[200];
    json_t *o = json_loads(json, 0, NULL);
    assert_non_null(o);
    policy *p = policy_new(o, err, sizeof err);
    json_decref(o);
    assert_non_null(p);
    return p;
}

static int64_t num(const verdict *v, const char *key)
{
    const verdict_arg *a = verdict_get(v, key);
    if (!a || a->is_str)
        fail_msg("verdict has no number %s", key);
    return a ? a->n : -1;
}

static const char *str(const verdict *v, const char *key)
{
    const verdict_arg *a = verdict_get(v, key);
    if (!a || !a->is_str)
        fail_msg("verdict has no string %s", key);
    return a ? a->s : "";
}

/* A refusal's words: a row of messages.c in both languages, each placeholder one of the
 * verdict's numbers. */
static void assert_words(const verdict *v)
{
    for (int en = 0; en < 2; en++) {
        const char *t = msg_template(v->msg, en);
        if (!t)
            fail_msg("no message %s", v->msg ? v->msg : "(none)");
        for (const char *o = strchr(t, '{'); o; o = strchr(o + 1, '{')) {
            const char *c = strchr(o, '}');
            const char *colon = memchr(o, ':', (size_t)(c - o));
            char name[64];
            size_t n = (size_t)((colon ? colon : c) - o - 1);
            snprintf(name, sizeof name, "%.*s", (int)n, o + 1);
            if (!verdict_get(v, name))
                fail_msg("%s: the verdict has no %s", v->msg, name);
        }
    }
}

/* True for a refusal (whose words are then checked), false when allowed. */
static bool refused(const verdict *v)
{
    if (verdict_is_ok(v))
        return false;
    assert_words(v);
    return true;
}

static training_slot slot(int weekday, const char *start, const char *end, int lessons)
{
    return (training_slot){weekday, hhmm_minutes(start), hhmm_minutes(end), lessons};
}

/* Checks a one-slot course; returns the verdict's code or NULL. */
static const char *check1(const policy *p, bool subject, bool online, int minutes, int64_t price,
                          training_slot s, verdict *v)
{
    training_course c = {subject, online, minutes, price, &s, 1};
    *v = training_course_check(p, &c);
    return refused(v) ? v->code : NULL;
}

/* ---------- TR-1 ---------- */

static void test_training_subject_kind__lists(void **st)
{
    (void)st;
    policy *p = national();
    assert_int_equal(training_subject_kind(p, "数学"), TRAINING_SUBJECT_BASED);
    assert_int_equal(training_subject_kind(p, "道德与法治"), TRAINING_SUBJECT_BASED);
    assert_int_equal(training_subject_kind(p, "体育"), TRAINING_NON_SUBJECT);
    assert_int_equal(training_subject_kind(p, "钢琴"), TRAINING_SUBJECT_UNKNOWN);
    assert_int_equal(training_subject_kind(p, NULL), TRAINING_SUBJECT_UNKNOWN);
    policy_free(p);
}

static void test_training_course_category__non_subject_institution_refuses_maths(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    bool sb = false;
    v = training_course_category(p, "数学", false, &sb);
    assert_true(refused(&v));
    assert_string_equal(v.code, "subject_course_not_allowed");
    assert_string_equal(v.rule, "TR-1");
    assert_string_equal(str(&v, "subject"), "数学");
    policy_free(p);
}

static void test_training_course_category__unlisted_takes_institution_category(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    bool sb = false;
    v = training_course_category(p, "奥数", true, &sb);
    assert_false(refused(&v));
    assert_true(sb);
    v = training_course_category(p, "钢琴", false, &sb);
    assert_false(refused(&v));
    assert_false(sb);
    /* a listed non-subject subject stays non-subject in a subject institution */
    v = training_course_category(p, "体育", true, &sb);
    assert_false(refused(&v));
    assert_false(sb);
    v = training_course_category(p, "数学", true, &sb);
    assert_false(refused(&v));
    assert_true(sb);
    assert_null(v.code);
    policy_free(p);
}

/* ---------- FU-1 ---------- */

static void test_training_price_cap_fen__standard_lessons(void **st)
{
    (void)st;
    policy *p = national();
    assert_int_equal(training_price_cap_fen(p, true, 30), 3300);  /* 3000 + 10% */
    assert_int_equal(training_price_cap_fen(p, false, 45), 4950); /* 4500 + 10% */
    assert_int_equal(training_price_cap_fen(p, true, 20), 2200);  /* pro rata */
    assert_int_equal(training_price_cap_fen(p, false, 90), 9900);
    policy_free(p);
}

static void test_training_price_cap_fen__rounds_down(void **st)
{
    (void)st;
    policy *p = with_override(
        "{\"version\":\"d1\",\"rules\":{\"FU-1\":{\"base_price_offline_fen\":4000}}}");
    /* 4000 * 50 / 45 * 1.10 = 4888.88... → 4888 */
    assert_int_equal(training_price_cap_fen(p, false, 50), 4888);
    policy_free(p);
}

static void test_training_course_check__price_at_cap_passes(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_null(check1(p, true, true, 30, 3300, slot(3, "19:00", "19:30", 0), &v));
    assert_null(check1(p, true, false, 45, 4950, slot(3, "18:00", "18:45", 0), &v));
    policy_free(p);
}

static void test_training_course_check__price_one_fen_over_fails(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_string_equal(check1(p, true, true, 30, 3301, slot(3, "19:00", "19:30", 0), &v),
                        "price_over_cap");
    assert_string_equal(v.rule, "FU-1");
    assert_int_equal(num(&v, "limit_fen"), 3300);
    assert_int_equal(num(&v, "price_per_lesson_fen"), 3301);
    assert_string_equal(check1(p, true, false, 45, 4951, slot(3, "18:00", "18:45", 0), &v),
                        "price_over_cap");
    policy_free(p);
}

static void test_training_course_check__non_subject_price_unbounded(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_null(check1(p, false, false, 60, 20000, slot(6, "10:00", "11:00", 0), &v));
    policy_free(p);
}

/* ---------- TR-3 ---------- */

static void test_training_course_check__online_30_minutes_passes(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_null(check1(p, true, true, 30, 3000, slot(2, "19:00", "19:30", 0), &v));
    policy_free(p);
}

static void test_training_course_check__online_31_minutes_fails(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_string_equal(check1(p, true, true, 31, 3000, slot(2, "19:00", "19:31", 0), &v),
                        "online_lesson_too_long");
    assert_string_equal(v.rule, "TR-3");
    assert_int_equal(num(&v, "limit_minutes"), 30);
    assert_int_equal(num(&v, "lesson_minutes"), 31);
    /* non-subject online training is bound too */
    assert_string_equal(check1(p, false, true, 31, 3000, slot(2, "19:00", "19:31", 0), &v),
                        "online_lesson_too_long");
    policy_free(p);
}

static void test_training_course_check__online_ending_2100_passes(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_null(check1(p, true, true, 30, 3000, slot(1, "20:30", "21:00", 0), &v));
    policy_free(p);
}

static void test_training_course_check__online_ending_2101_fails(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_string_equal(check1(p, true, true, 30, 3000, slot(1, "20:31", "21:01", 0), &v),
                        "online_ends_too_late");
    assert_string_equal(v.rule, "TR-3");
    assert_string_equal(str(&v, "end_by"), "21:00");
    assert_string_equal(str(&v, "end"), "21:01");
    assert_int_equal(num(&v, "slot"), 0);
    policy_free(p);
}

static void test_training_course_check__online_gap_10_passes(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    /* two 30-minute lessons and a 10-minute break */
    assert_null(check1(p, true, true, 30, 3000, slot(1, "19:00", "20:10", 0), &v));
    /* three lessons and two breaks of 10 */
    assert_null(check1(p, true, true, 30, 3000, slot(1, "18:00", "19:50", 3), &v));
    policy_free(p);
}

static void test_training_course_check__online_gap_9_fails(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_string_equal(check1(p, true, true, 30, 3000, slot(1, "19:00", "20:09", 0), &v),
                        "online_gap_too_short");
    assert_int_equal(num(&v, "gap_min_minutes"), 10);
    assert_int_equal(num(&v, "gap_minutes"), 9);
    assert_int_equal(num(&v, "lessons"), 2);
    /* back to back */
    assert_string_equal(check1(p, true, true, 30, 3000, slot(1, "19:00", "20:00", 0), &v),
                        "online_gap_too_short");
    assert_string_equal(check1(p, true, true, 30, 3000, slot(1, "18:00", "19:49", 3), &v),
                        "online_gap_too_short");
    policy_free(p);
}

static void test_training_course_check__one_declared_lesson_in_a_long_slot(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_null(check1(p, true, true, 30, 3000, slot(1, "19:00", "20:00", 1), &v));
    policy_free(p);
}

static void test_training_course_check__slot_too_short(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_string_equal(check1(p, true, true, 30, 3000, slot(1, "19:00", "19:29", 0), &v),
                        "slot_too_short");
    assert_string_equal(check1(p, true, false, 45, 3000, slot(1, "18:00", "19:00", 2), &v),
                        "slot_too_short");
    policy_free(p);
}

/* ---------- TR-4 ---------- */

static void test_training_course_check__offline_ending_2030_passes(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_null(check1(p, true, false, 45, 4500, slot(4, "19:45", "20:30", 0), &v));
    policy_free(p);
}

static void test_training_course_check__offline_ending_2031_fails(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_string_equal(check1(p, true, false, 45, 4500, slot(4, "19:46", "20:31", 0), &v),
                        "offline_ends_too_late");
    assert_string_equal(v.rule, "TR-4");
    assert_string_equal(str(&v, "end_by"), "20:30");
    /* non-subject too */
    assert_string_equal(check1(p, false, false, 60, 4500, slot(6, "19:31", "20:31", 0), &v),
                        "offline_ends_too_late");
    policy_free(p);
}

/* ---------- TR-2 ---------- */

static void test_training_course_check__subject_on_saturday_fails(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_null(check1(p, true, false, 45, 4500, slot(5, "18:00", "18:45", 0), &v));
    assert_string_equal(check1(p, true, false, 45, 4500, slot(6, "10:00", "10:45", 0), &v),
                        "subject_on_weekend");
    assert_string_equal(v.rule, "TR-2");
    assert_int_equal(num(&v, "weekday"), 6);
    assert_string_equal(check1(p, true, true, 30, 3000, slot(7, "10:00", "10:30", 0), &v),
                        "subject_on_weekend");
    policy_free(p);
}

static void test_training_course_check__non_subject_on_weekend_passes(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_null(check1(p, false, false, 60, 8000, slot(6, "09:00", "10:00", 0), &v));
    assert_null(check1(p, false, false, 60, 8000, slot(7, "09:00", "10:00", 0), &v));
    policy_free(p);
}

static void test_training_course_check__reports_the_offending_slot(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    training_slot s[3] = {slot(1, "18:00", "18:45", 0), slot(3, "18:00", "18:45", 0),
                          slot(6, "09:00", "09:45", 0)};
    training_course c = {true, false, 45, 4500, s, 3};
    v = training_course_check(p, &c);
    assert_true(refused(&v));
    assert_int_equal(num(&v, "slot"), 2);
    policy_free(p);
}

static void test_training_lesson_day_check__calendar(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    v = training_lesson_day_check(p, true, DAY_SCHOOL, "2026-09-02");
    assert_false(refused(&v));
    v = training_lesson_day_check(p, true, DAY_WEEKEND, "2026-09-05");
    assert_true(refused(&v));
    assert_string_equal(v.code, "lesson_on_banned_day");
    assert_string_equal(v.rule, "TR-2");
    assert_string_equal(str(&v, "day_kind"), "weekend");
    v = training_lesson_day_check(p, true, DAY_HOLIDAY, "2026-10-01");
    assert_true(refused(&v));
    assert_string_equal(str(&v, "day_kind"), "holiday");
    assert_string_equal(v.msg, "TR-2.holiday");
    v = training_lesson_day_check(p, true, DAY_VACATION, "2026-08-01");
    assert_true(refused(&v));
    v = training_lesson_day_check(p, false, DAY_HOLIDAY, "2026-10-01");
    assert_false(refused(&v));
    v = training_lesson_day_check(p, false, DAY_VACATION, "2026-08-01");
    assert_false(refused(&v));
    policy_free(p);
}

/* ---------- TR-6 ---------- */

static void test_training_staff_check__rules(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    training_staff s = {true, "20211100121000001", false, false}; /* type 2: 小学 */
    v = training_staff_check(p, &s);
    assert_false(refused(&v));
    s.cert_no = NULL;
    v = training_staff_check(p, &s);
    assert_true(refused(&v));
    assert_string_equal(v.code, "certificate_required");
    assert_string_equal(v.rule, "TR-6");
    s.cert_no = "20211100111000001"; /* type 1: 幼儿园 */
    v = training_staff_check(p, &s);
    assert_true(refused(&v));
    assert_string_equal(v.code, "certificate_wrong_type");
    s.cert_no = "202111001210000"; /* the older 15-digit form */
    v = training_staff_check(p, &s);
    assert_false(refused(&v));
    s.in_service_teacher = true;
    v = training_staff_check(p, &s);
    assert_true(refused(&v));
    assert_string_equal(v.code, "in_service_teacher_barred");
    training_staff art = {false, NULL, true, false}; /* non-subject: no certificate needed */
    v = training_staff_check(p, &art);
    assert_false(refused(&v));
    art.blacklisted = true;
    v = training_staff_check(p, &art);
    assert_true(refused(&v));
    assert_string_equal(v.code, "staff_blacklisted");
    policy_free(p);
}

/* ---------- TR-7 ---------- */

static void test_training_institution_open__black_list_then_state(void **st)
{
    (void)st;
    training_institution in = {.id = 7, .state = "active", .list = "white"};
    verdict v = training_institution_open(&in);
    assert_false(refused(&v));
    snprintf(in.list, sizeof in.list, "black");
    v = training_institution_open(&in);
    assert_true(refused(&v));
    assert_int_equal(v.err, SJ_ERR_RULE);
    assert_string_equal(v.code, "institution_blacklisted");
    assert_string_equal(v.rule, "TR-7");
    assert_int_equal(num(&v, "institution_id"), 7);
    /* the black list is said first, even when the institution is also suspended */
    snprintf(in.state, sizeof in.state, "suspended");
    v = training_institution_open(&in);
    assert_string_equal(v.code, "institution_blacklisted");
    snprintf(in.list, sizeof in.list, "none");
    v = training_institution_open(&in);
    assert_true(refused(&v));
    assert_int_equal(v.err, SJ_ERR_INSTITUTION_INACTIVE);
    assert_null(v.rule);
    assert_string_equal(str(&v, "state"), "suspended");
    assert_string_equal(v.msg, "training.institution_suspended");
    snprintf(in.state, sizeof in.state, "closed");
    v = training_institution_open(&in);
    assert_string_equal(v.msg, "training.institution_closed");
}

static void test_training_inspection_overdue__twelve_months(void **st)
{
    (void)st;
    policy *p = national();
    assert_false(training_inspection_overdue(p, "2025-11-22", "2020-01-01", "2026-11-22"));
    assert_true(training_inspection_overdue(p, "2025-11-22", "2020-01-01", "2026-11-23"));
    /* never inspected: counted from registration */
    assert_false(training_inspection_overdue(p, NULL, "2026-03-01", "2026-11-22"));
    assert_true(training_inspection_overdue(p, NULL, "2025-03-01", "2026-11-22"));
    policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_training_subject_kind__lists),
        cmocka_unit_test(test_training_course_category__non_subject_institution_refuses_maths),
        cmocka_unit_test(test_training_course_category__unlisted_takes_institution_category),
        cmocka_unit_test(test_training_price_cap_fen__standard_lessons),
        cmocka_unit_test(test_training_price_cap_fen__rounds_down),
        cmocka_unit_test(test_training_course_check__price_at_cap_passes),
        cmocka_unit_test(test_training_course_check__price_one_fen_over_fails),
        cmocka_unit_test(test_training_course_check__non_subject_price_unbounded),
        cmocka_unit_test(test_training_course_check__online_30_minutes_passes),
        cmocka_unit_test(test_training_course_check__online_31_minutes_fails),
        cmocka_unit_test(test_training_course_check__online_ending_2100_passes),
        cmocka_unit_test(test_training_course_check__online_ending_2101_fails),
        cmocka_unit_test(test_training_course_check__online_gap_10_passes),
        cmocka_unit_test(test_training_course_check__online_gap_9_fails),
        cmocka_unit_test(test_training_course_check__one_declared_lesson_in_a_long_slot),
        cmocka_unit_test(test_training_course_check__slot_too_short),
        cmocka_unit_test(test_training_course_check__offline_ending_2030_passes),
        cmocka_unit_test(test_training_course_check__offline_ending_2031_fails),
        cmocka_unit_test(test_training_course_check__subject_on_saturday_fails),
        cmocka_unit_test(test_training_course_check__non_subject_on_weekend_passes),
        cmocka_unit_test(test_training_course_check__reports_the_offending_slot),
        cmocka_unit_test(test_training_lesson_day_check__calendar),
        cmocka_unit_test(test_training_staff_check__rules),
        cmocka_unit_test(test_training_institution_open__black_list_then_state),
        cmocka_unit_test(test_training_inspection_overdue__twelve_months),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
