/* Unit tests for src/core/policy.c: the typed policy, its table of keys and its validation
 * (unknown rules and keys, wrong kinds refused with the rule and key named). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "core/policy.h"

static policy *with(const char *rules_json, char *err, size_t errlen)
{
    json_error_t je;
    json_t *rules = json_loads(rules_json, 0, &je);
    assert_non_null(rules);
    json_t *over = json_pack("{s:s,s:o}", "version", "test", "rules", rules);
    policy *p = policy_new(over, err, errlen);
    json_decref(over);
    return p;
}

static void test_policy_new__national_values_typed(void **state)
{
    (void)state;
    char err[256];
    policy *p = policy_new(NULL, err, sizeof err);
    assert_non_null(p);
    const policy_values *v = policy_v(p);
    assert_int_equal(v->hw2_written_minutes_per_day, 60);
    assert_int_equal(v->hw3_written_minutes_per_day, 90);
    assert_true(policy_grade_in(v->hw1_grades, 2));
    assert_false(policy_grade_in(v->hw1_grades, 3));
    assert_int_equal(v->hw4_vacation_total_minutes, POLICY_UNSET);
    assert_int_equal(v->hw10_bedtime_primary, 21 * 60 + 20);
    assert_int_equal(v->as2_summer_from, 501);
    assert_int_equal(v->as2_summer_to, 930);
    assert_true(policy_strs_has(&v->tr1_subject, "数学"));
    assert_false(policy_strs_has(&v->tr1_subject, "体育"));
    assert_int_equal(v->ex4_bands.n, 4);
    assert_int_equal(v->ex4_bands.v[3].min, 0);
    assert_string_equal(policy_version(p), "national-2021");
    policy_free(p);
}

static void test_policy_new__override_replaces_one_key(void **state)
{
    (void)state;
    char err[256];
    policy *p = with("{\"HW-2\": {\"written_minutes_per_day\": 50}, \"HW-4\": "
                     "{\"vacation_total_minutes\": 600}}",
                     err, sizeof err);
    assert_non_null(p);
    assert_int_equal(policy_v(p)->hw2_written_minutes_per_day, 50);
    assert_true(policy_grade_in(policy_v(p)->hw2_grades, 4)); /* the other key kept */
    assert_int_equal(policy_v(p)->hw4_vacation_total_minutes, 600);
    assert_string_equal(policy_version(p), "test");
    policy_free(p);
}

static void test_policy_new__refusals_name_rule_and_key(void **state)
{
    (void)state;
    static const struct {
        const char *json, *says;
    } bad[] = {
        {"{\"HW-99\": {\"x\": 1}}", "unknown rule HW-99"},
        {"{\"HW-2\": {\"written_minutes\": 50}}", "HW-2: unknown key written_minutes"},
        {"{\"HW-2\": {\"written_minutes_per_day\": \"50\"}}", "HW-2.written_minutes_per_day"},
        {"{\"HW-2\": {\"written_minutes_per_day\": -1}}", "HW-2.written_minutes_per_day"},
        {"{\"HW-2\": {\"written_minutes_per_day\": null}}", "HW-2.written_minutes_per_day"},
        {"{\"HW-2\": {\"written_minutes_per_day\": 1.5}}", "HW-2.written_minutes_per_day"},
        {"{\"HW-2\": {\"grades\": [3, 10]}}", "HW-2.grades"},
        {"{\"HW-10\": {\"bedtime_primary\": \"24:00\"}}", "HW-10.bedtime_primary"},
        {"{\"AS-2\": {\"summer_from\": \"02-30\"}}", "AS-2.summer_from"},
        {"{\"HW-11\": {\"enabled\": 1}}", "HW-11.enabled"},
        {"{\"EX-4\": {\"bands\": [{\"band\": \"A\", \"min\": 60}, {\"band\": \"B\", \"min\": "
         "70}]}}",
         "EX-4.bands"},
        {"{\"EX-4\": {\"bands\": [{\"band\": \"A\", \"min\": 60}]}}", "EX-4.bands"},
        {"{\"TR-1\": {\"subject\": [\"数学\", 3]}}", "TR-1.subject"},
        {"{\"HW-2\": 60}", "HW-2: an object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[256] = "";
        policy *p = with(bad[i].json, err, sizeof err);
        if (p)
            fail_msg("accepted: %s", bad[i].json);
        if (!strstr(err, bad[i].says))
            fail_msg("%s: said \"%s\", expected \"%s\"", bad[i].json, err, bad[i].says);
    }
}

static void test_policy_check_rules__out_params(void **state)
{
    (void)state;
    json_error_t je;
    json_t *rules = json_loads("{\"FU-2\": {\"max_months\": 3, \"max_hours\": 60}}", 0, &je);
    const char *rule, *key;
    char why[200];
    assert_false(policy_check_rules(rules, &rule, &key, why, sizeof why));
    assert_string_equal(rule, "FU-2");
    assert_string_equal(key, "max_hours");
    json_decref(rules);
    rules = json_loads("{\"FU-2\": {\"max_months\": 2}}", 0, &je);
    assert_true(policy_check_rules(rules, &rule, &key, why, sizeof why));
    assert_null(rule);
    json_decref(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_new__national_values_typed),
        cmocka_unit_test(test_policy_new__override_replaces_one_key),
        cmocka_unit_test(test_policy_new__refusals_name_rule_and_key),
        cmocka_unit_test(test_policy_check_rules__out_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
