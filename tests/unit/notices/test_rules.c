/*
 * test_rules.c: unit tests for src/notices/rules.c: who may reach whom (the district anywhere,
 * a school admin inside their school, a grade leader inside their grade, a teacher to the
 * guardians of the classes they teach, a user with several roles by the broadest that covers
 * the audience), the targets each audience becomes, NT-1's reminders a day at the limit and one
 * over, NT-2's score range and low-score flag at their edges, an attachment's type by content.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "notices/notices.h"

enum { S1 = 11, S2 = 12, C41 = 411, C42 = 412, C51 = 511, C2 = 921 };

static const nt_class classes[] = {
    {C41, S1, 4},
    {C42, S1, 4},
    {C51, S1, 5},
    {C2, S2, 4},
};

static nt_class cls(int64_t id)
{
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (classes[i].class_id == id)
            return classes[i];
    return (nt_class){0};
}

static user with_roles(int n, const role *roles)
{
    user u = {.id = 1, .district_id = 1, .nroles = n};
    memcpy(u.roles, roles, (size_t)n * sizeof *roles);
    return u;
}

static const role district_admin = {.kind = ROLE_DISTRICT_ADMIN};
static const role admin_s1 = {.kind = ROLE_SCHOOL_ADMIN, .school_id = S1};
static const role leader_s1_g4 = {.kind = ROLE_GRADE_LEADER, .school_id = S1, .grade = 4};
static const role teacher_s1 = {.kind = ROLE_TEACHER, .school_id = S1};
static const role guardian = {.kind = ROLE_GUARDIAN};
static const role inspector = {.kind = ROLE_INSPECTOR};

static nt_target targets[256];

static verdict resolve(const user *u, const nt_audience *a, const nt_class *taught, size_t ntaught,
                       nt_resolved *out)
{
    *out = (nt_resolved){.targets = targets, .cap = 256};
    return notices_audience_resolve(u, a, taught, ntaught, out);
}

static void assert_refused(verdict v, sj_err e, const char *msg)
{
    assert_int_equal(v.err, e);
    assert_string_equal(v.msg, msg);
}

/* ---------- the district ---------- */

static void test_notices_audience_resolve__district_anywhere(void **state)
{
    (void)state;
    user u = with_roles(1, &district_admin);
    nt_resolved out;
    nt_audience whole = {.roles = NT_TO_GUARDIAN};
    verdict v0 = resolve(&u, &whole, NULL, 0, &out);
    assert_true(verdict_is_ok(&v0));
    assert_int_equal(out.ntargets, 1);
    assert_int_equal(out.targets[0].school_id, 0);
    assert_int_equal(out.targets[0].grade, 0);
    assert_int_equal(out.school_id, 0);
    assert_int_equal(out.as, ROLE_DISTRICT_ADMIN);

    int64_t two[] = {S1, S2};
    nt_audience cross = {.schools = two,
                         .nschools = 2,
                         .grades = (1u << 4) | (1u << 6),
                         .roles = NT_TO_GUARDIAN | NT_TO_TEACHER};
    verdict v = resolve(&u, &cross, NULL, 0, &out);
    assert_true(verdict_is_ok(&v));
    assert_int_equal(out.ntargets, 4); /* 2 schools x 2 grades */
    assert_int_equal(out.targets[0].school_id, S1);
    assert_int_equal(out.targets[0].grade, 4);
    assert_int_equal(out.targets[3].school_id, S2);
    assert_int_equal(out.targets[3].grade, 6);
    assert_int_equal(out.school_id, 0); /* several schools: the district's own notice */

    nt_audience one = {.schools = two, .nschools = 1, .roles = NT_TO_SCHOOL_ADMIN};
    v = resolve(&u, &one, NULL, 0, &out);
    assert_true(verdict_is_ok(&v));
    assert_int_equal(out.school_id, S1); /* one school: its admins follow it too */

    nt_audience pub = {.roles = 0, .public_ = true};
    v = resolve(&u, &pub, NULL, 0, &out);
    assert_true(verdict_is_ok(&v));
}

static void test_notices_audience_resolve__class_is_one_target(void **state)
{
    (void)state;
    user u = with_roles(1, &district_admin);
    nt_resolved out;
    nt_audience a = {.cls = cls(C42), .grades = 1u << 4, .roles = NT_TO_GUARDIAN};
    verdict v = resolve(&u, &a, NULL, 0, &out);
    assert_true(verdict_is_ok(&v));
    assert_int_equal(out.ntargets, 1);
    assert_int_equal(out.targets[0].class_id, C42);
    assert_int_equal(out.targets[0].school_id, S1);
    assert_int_equal(out.school_id, S1);
}

static void test_notices_audience_resolve__class_outside_what_is_named(void **state)
{
    (void)state;
    user u = with_roles(1, &district_admin);
    nt_resolved out;
    nt_audience wrong_grade = {.cls = cls(C41), .grades = 1u << 5, .roles = NT_TO_GUARDIAN};
    verdict v = resolve(&u, &wrong_grade, NULL, 0, &out);
    assert_refused(v, SJ_ERR_BAD_FIELD, "notices.class_mismatch");
    int64_t s2[] = {S2};
    nt_audience wrong_school = {
        .schools = s2, .nschools = 1, .cls = cls(C41), .roles = NT_TO_GUARDIAN};
    v = resolve(&u, &wrong_school, NULL, 0, &out);
    assert_refused(v, SJ_ERR_BAD_FIELD, "notices.class_mismatch");
    assert_string_equal(verdict_get(&v, "field")->s, "audience");
}

/* ---------- a school admin ---------- */

static void test_notices_audience_resolve__school_admin_own_school(void **state)
{
    (void)state;
    user u = with_roles(1, &admin_s1);
    nt_resolved out;
    nt_audience grade4 = {.grades = 1u << 4, .roles = NT_TO_GUARDIAN};
    verdict v = resolve(&u, &grade4, NULL, 0, &out);
    assert_true(verdict_is_ok(&v));
    assert_int_equal(out.ntargets, 1);
    assert_int_equal(out.targets[0].school_id, S1); /* "no school" means their own */
    assert_int_equal(out.targets[0].grade, 4);
    assert_int_equal(out.school_id, S1);

    int64_t s1[] = {S1, S1};
    nt_audience named = {.schools = s1, .nschools = 2, .roles = NT_TO_ALL, .public_ = true};
    v = resolve(&u, &named, NULL, 0, &out);
    assert_true(verdict_is_ok(&v));
}

static void test_notices_audience_resolve__school_admin_other_school_refused(void **state)
{
    (void)state;
    user u = with_roles(1, &admin_s1);
    nt_resolved out;
    int64_t s2[] = {S2}, both[] = {S1, S2};
    nt_audience other = {.schools = s2, .nschools = 1, .roles = NT_TO_GUARDIAN};
    assert_refused(resolve(&u, &other, NULL, 0, &out), SJ_ERR_FORBIDDEN, "notices.scope.school");
    nt_audience mixed = {.schools = both, .nschools = 2, .roles = NT_TO_GUARDIAN};
    assert_refused(resolve(&u, &mixed, NULL, 0, &out), SJ_ERR_FORBIDDEN, "notices.scope.school");
    nt_audience cls2 = {.cls = cls(C2), .roles = NT_TO_GUARDIAN};
    assert_refused(resolve(&u, &cls2, NULL, 0, &out), SJ_ERR_FORBIDDEN, "notices.scope.school");
    assert_int_equal(out.ntargets, 0);
}

/* ---------- a grade leader ---------- */

static void test_notices_audience_resolve__grade_leader_own_grade(void **state)
{
    (void)state;
    user u = with_roles(1, &leader_s1_g4);
    nt_resolved out;
    nt_audience grade = {.roles = NT_TO_GUARDIAN | NT_TO_TEACHER};
    verdict v = resolve(&u, &grade, NULL, 0, &out);
    assert_true(verdict_is_ok(&v));
    assert_int_equal(out.ntargets, 1);
    assert_int_equal(out.targets[0].school_id, S1);
    assert_int_equal(out.targets[0].grade, 4);
    nt_audience one = {.cls = cls(C42), .grades = 1u << 4, .roles = NT_TO_GUARDIAN};
    v = resolve(&u, &one, NULL, 0, &out);
    assert_true(verdict_is_ok(&v));
    assert_int_equal(out.targets[0].class_id, C42);
}

static void test_notices_audience_resolve__grade_leader_beyond_grade_refused(void **state)
{
    (void)state;
    user u = with_roles(1, &leader_s1_g4);
    nt_resolved out;
    nt_audience other_grade = {.grades = 1u << 5, .roles = NT_TO_GUARDIAN};
    assert_refused(resolve(&u, &other_grade, NULL, 0, &out), SJ_ERR_FORBIDDEN,
                   "notices.scope.grade");
    nt_audience two_grades = {.grades = (1u << 4) | (1u << 5), .roles = NT_TO_GUARDIAN};
    assert_refused(resolve(&u, &two_grades, NULL, 0, &out), SJ_ERR_FORBIDDEN,
                   "notices.scope.grade");
    nt_audience other_class = {.cls = cls(C51), .roles = NT_TO_GUARDIAN};
    assert_refused(resolve(&u, &other_class, NULL, 0, &out), SJ_ERR_FORBIDDEN,
                   "notices.scope.grade");
    nt_audience admins = {.roles = NT_TO_SCHOOL_ADMIN};
    assert_refused(resolve(&u, &admins, NULL, 0, &out), SJ_ERR_FORBIDDEN, "notices.scope.grade");
    nt_audience pub = {.roles = NT_TO_GUARDIAN, .public_ = true};
    assert_refused(resolve(&u, &pub, NULL, 0, &out), SJ_ERR_FORBIDDEN, "notices.scope.public");
}

/* ---------- a teacher ---------- */

static void test_notices_audience_resolve__teacher_own_classes(void **state)
{
    (void)state;
    user u = with_roles(1, &teacher_s1);
    nt_class taught[] = {cls(C41), cls(C51)};
    nt_resolved out;
    nt_audience all = {.roles = NT_TO_GUARDIAN};
    verdict v = resolve(&u, &all, taught, 2, &out);
    assert_true(verdict_is_ok(&v));
    assert_int_equal(out.ntargets, 2);
    assert_int_equal(out.targets[0].class_id, C41);
    assert_int_equal(out.targets[1].class_id, C51);
    nt_audience g5 = {.grades = 1u << 5, .roles = NT_TO_GUARDIAN};
    v = resolve(&u, &g5, taught, 2, &out);
    assert_true(verdict_is_ok(&v));
    assert_int_equal(out.ntargets, 1);
    assert_int_equal(out.targets[0].class_id, C51);
    nt_audience one = {.cls = cls(C41), .roles = NT_TO_GUARDIAN};
    v = resolve(&u, &one, taught, 2, &out);
    assert_true(verdict_is_ok(&v));
    assert_int_equal(out.ntargets, 1);
}

static void test_notices_audience_resolve__teacher_beyond_classes_refused(void **state)
{
    (void)state;
    user u = with_roles(1, &teacher_s1);
    nt_class taught[] = {cls(C41)};
    nt_resolved out;
    nt_audience not_taught = {.cls = cls(C42), .roles = NT_TO_GUARDIAN};
    assert_refused(resolve(&u, &not_taught, taught, 1, &out), SJ_ERR_FORBIDDEN,
                   "notices.scope.teacher");
    nt_audience staff = {.cls = cls(C41), .roles = NT_TO_GUARDIAN | NT_TO_TEACHER};
    assert_refused(resolve(&u, &staff, taught, 1, &out), SJ_ERR_FORBIDDEN, "notices.scope.teacher");
    nt_audience g5 = {.grades = 1u << 5, .roles = NT_TO_GUARDIAN};
    assert_refused(resolve(&u, &g5, taught, 1, &out), SJ_ERR_FORBIDDEN, "notices.scope.teacher");
    nt_audience nothing_taught = {.roles = NT_TO_GUARDIAN};
    assert_refused(resolve(&u, &nothing_taught, NULL, 0, &out), SJ_ERR_FORBIDDEN,
                   "notices.scope.teacher");
    /* a class of another school taught by the same person does not count at S1's role */
    nt_class elsewhere[] = {cls(C2)};
    assert_refused(resolve(&u, &nothing_taught, elsewhere, 1, &out), SJ_ERR_FORBIDDEN,
                   "notices.scope.teacher");
}

/* ---------- several roles, none ---------- */

static void test_notices_audience_resolve__broadest_role_wins(void **state)
{
    (void)state;
    role both[] = {teacher_s1, admin_s1};
    user u = with_roles(2, both);
    nt_class taught[] = {cls(C41)};
    nt_resolved out;
    nt_audience school = {.roles = NT_TO_TEACHER};
    verdict v = resolve(&u, &school, taught, 1, &out);
    assert_true(verdict_is_ok(&v));
    assert_int_equal(out.as, ROLE_SCHOOL_ADMIN);
    /* refused by both: the narrowest scope's words say why */
    role lt[] = {teacher_s1, leader_s1_g4};
    user u2 = with_roles(2, lt);
    nt_audience g5 = {.grades = 1u << 5, .roles = NT_TO_GUARDIAN};
    assert_refused(resolve(&u2, &g5, taught, 1, &out), SJ_ERR_FORBIDDEN, "notices.scope.grade");
}

static void test_notices_audience_resolve__no_sending_role(void **state)
{
    (void)state;
    role rs[] = {guardian, inspector};
    user u = with_roles(2, rs);
    nt_resolved out;
    nt_audience a = {.roles = NT_TO_GUARDIAN};
    assert_refused(resolve(&u, &a, NULL, 0, &out), SJ_ERR_FORBIDDEN, "notices.scope.none");
}

static void test_notices_audience_resolve__targets_never_overflow(void **state)
{
    (void)state;
    user u = with_roles(1, &district_admin);
    int64_t many[100];
    for (int i = 0; i < 100; i++)
        many[i] = 1000 + i;
    nt_target small[10];
    nt_resolved out = {.targets = small, .cap = 10};
    nt_audience a = {.schools = many, .nschools = 100, .grades = 0x3FE, .roles = NT_TO_GUARDIAN};
    verdict v = notices_audience_resolve(&u, &a, NULL, 0, &out);
    assert_false(verdict_is_ok(&v));
    assert_true(out.ntargets <= 10);
    assert_true(notices_targets_cap(100) >= 900);
}

/* ---------- NT-1, NT-2 ---------- */

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
    json_t *rules = json_loads(rules_json, 0, NULL);
    assert_non_null(rules);
    json_t *over = json_pack("{s:s,s:o}", "version", "test-district", "rules", rules);
    policy *p = policy_new(over, err, sizeof err);
    json_decref(over);
    assert_non_null(p);
    return p;
}

static void test_notices_check_remind__once_a_day(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = notices_check_remind(p, 0);
    assert_true(verdict_is_ok(&v));
    v = notices_check_remind(p, 1);
    assert_int_equal(v.err, SJ_ERR_RULE);
    assert_string_equal(v.rule, "NT-1");
    assert_string_equal(v.code, "reminded_today");
    assert_int_equal(verdict_get(&v, "reminders_per_day")->n, 1);
    assert_int_equal(verdict_get(&v, "reminders_today")->n, 1);
    policy_free(p);
    p = district("{\"NT-1\": {\"reminders_per_day\": 2}}");
    v = notices_check_remind(p, 1);
    assert_true(verdict_is_ok(&v));
    v = notices_check_remind(p, 2);
    assert_false(verdict_is_ok(&v));
    policy_free(p);
}

static void test_notices_check_score__edges(void **state)
{
    (void)state;
    policy *p = national();
    for (int s = 1; s <= 5; s++) {
        verdict v = notices_check_score(p, s);
        assert_true(verdict_is_ok(&v));
    }
    int64_t bad[] = {0, 6, -1, 100};
    for (size_t i = 0; i < 4; i++) {
        verdict v = notices_check_score(p, bad[i]);
        assert_int_equal(v.err, SJ_ERR_BAD_FIELD);
        assert_string_equal(v.rule, "NT-2");
        assert_int_equal(verdict_get(&v, "min")->n, 1);
        assert_int_equal(verdict_get(&v, "max")->n, 5);
    }
    policy_free(p);
}

static void test_notices_eval_flagged__edges(void **state)
{
    (void)state;
    policy *p = national();
    assert_true(notices_eval_flagged(p, 5, 14));  /* 2.8 from 5 */
    assert_false(notices_eval_flagged(p, 5, 15)); /* exactly 3.0: not under 3 */
    assert_false(notices_eval_flagged(p, 4, 4));  /* 1.0, but only 4 evaluations */
    assert_true(notices_eval_flagged(p, 6, 17));
    assert_false(notices_eval_flagged(p, 0, 0));
    policy_free(p);
    p = district("{\"NT-2\": {\"flag_min_evaluations\": 3, \"flag_average_below\": 4}}");
    assert_true(notices_eval_flagged(p, 3, 11));
    assert_false(notices_eval_flagged(p, 3, 12));
    assert_false(notices_eval_flagged(p, 2, 2));
    policy_free(p);
}

static void test_notices_attachment_type__by_content(void **state)
{
    (void)state;
    assert_string_equal(notices_attachment_type("%PDF-1.7\n", 9), "application/pdf");
    assert_string_equal(notices_attachment_type("\x89PNG\r\n\x1a\nxxxx", 12), "image/png");
    assert_string_equal(notices_attachment_type("\xFF\xD8\xFF\xE0xx", 6), "image/jpeg");
    assert_null(notices_attachment_type("%PDF", 4));
    assert_null(notices_attachment_type("GIF89a", 6));
    assert_null(notices_attachment_type("<html>", 6));
    assert_null(notices_attachment_type("", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notices_audience_resolve__district_anywhere),
        cmocka_unit_test(test_notices_audience_resolve__class_is_one_target),
        cmocka_unit_test(test_notices_audience_resolve__class_outside_what_is_named),
        cmocka_unit_test(test_notices_audience_resolve__school_admin_own_school),
        cmocka_unit_test(test_notices_audience_resolve__school_admin_other_school_refused),
        cmocka_unit_test(test_notices_audience_resolve__grade_leader_own_grade),
        cmocka_unit_test(test_notices_audience_resolve__grade_leader_beyond_grade_refused),
        cmocka_unit_test(test_notices_audience_resolve__teacher_own_classes),
        cmocka_unit_test(test_notices_audience_resolve__teacher_beyond_classes_refused),
        cmocka_unit_test(test_notices_audience_resolve__broadest_role_wins),
        cmocka_unit_test(test_notices_audience_resolve__no_sending_role),
        cmocka_unit_test(test_notices_audience_resolve__targets_never_overflow),
        cmocka_unit_test(test_notices_check_remind__once_a_day),
        cmocka_unit_test(test_notices_check_score__edges),
        cmocka_unit_test(test_notices_eval_flagged__edges),
        cmocka_unit_test(test_notices_attachment_type__by_content),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
