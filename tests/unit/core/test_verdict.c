/* Unit tests for src/core/verdict.c and src/core/messages.c: verdicts, placeholders, and the
 * message table itself (every row renders; keys unique; both languages present). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/messages.h"
#include "core/verdict.h"

static void test_verdict_rule__carries_rule_code_and_numbers(void **state)
{
    (void)state;
    verdict v = verdict_rule("homework_over_limit", "HW-2", NULL);
    verdict_num(&v, "limit_minutes", 60);
    verdict_num(&v, "written_minutes", 50);
    verdict_num(&v, "limit_minutes", 90); /* set twice: replaced, not added */
    assert_int_equal(v.err, SJ_ERR_RULE);
    assert_string_equal(v.rule, "HW-2");
    assert_string_equal(v.msg, "HW-2");
    assert_int_equal(v.nargs, 2);
    assert_int_equal(verdict_get(&v, "limit_minutes")->n, 90);
    assert_null(verdict_get(&v, "nothing"));
    assert_false(verdict_is_ok(&v));
    verdict ok = verdict_ok();
    assert_true(verdict_is_ok(&ok));
}

static void test_verdict_str__cut_at_a_character_boundary(void **state)
{
    (void)state;
    char long_zh[400] = "";
    for (int i = 0; i < 60; i++)
        strcat(long_zh, "校"); /* 3 bytes each: 180 bytes, longer than a verdict keeps */
    verdict v = verdict_err(SJ_ERR_BAD_FIELD, NULL);
    verdict_str(&v, "name", long_zh);
    size_t n = strlen(verdict_get(&v, "name")->s);
    assert_true(n < VERDICT_STR_MAX);
    assert_int_equal(n % 3, 0);
}

static void test_verdict_db__maps_store_results(void **state)
{
    (void)state;
    assert_int_equal(verdict_db(-2).err, SJ_ERR_CONFLICT);
    assert_int_equal(verdict_db(-3).err, SJ_ERR_UNAVAILABLE);
    assert_int_equal(verdict_db(-1).err, SJ_ERR_INTERNAL);
}

static void test_verdict_message__falls_back_to_the_error_table(void **state)
{
    (void)state;
    char out[256];
    verdict v = verdict_err(SJ_ERR_FORBIDDEN, NULL);
    assert_string_equal(verdict_message(&v, 0, out, sizeof out), "没有权限执行此操作");
    assert_string_equal(verdict_message(&v, 1, out, sizeof out), "You are not allowed to do this");
    v = verdict_err(SJ_ERR_BAD_FIELD, "core.password_short");
    assert_string_equal(verdict_message(&v, 0, out, sizeof out), "密码至少 8 位");
}

static void test_msg_format__placeholders(void **state)
{
    (void)state;
    verdict v = verdict_ok();
    verdict_num(&v, "fee_fen", 123456);
    verdict_num(&v, "grade", 4);
    verdict_num(&v, "weekday", 7);
    verdict_str(&v, "school", "第一小学");
    char out[256];
    const char *t = "{school}{grade:grade}{weekday:weekday}收费 {fee_fen:yuan},{missing} 项";
    assert_string_equal(msg_render(t, 0, v.args, v.nargs, out, sizeof out),
                        "第一小学四年级周日收费 1234.56 元,missing 项");
    assert_string_equal(msg_render("{grade:grade} {weekday:weekday} {fee_fen:yuan}", 1, v.args,
                                   v.nargs, out, sizeof out),
                        "grade 4 Sunday ¥1234.56");
    verdict_num(&v, "fee_fen", -5);
    assert_string_equal(msg_render("{fee_fen:yuan}", 0, v.args, v.nargs, out, sizeof out),
                        "-0.05 元");
    assert_string_equal(msg_render("unclosed {fee_fen", 0, v.args, v.nargs, out, sizeof out),
                        "unclosed {fee_fen");
    assert_string_equal(msg_format("no.such.key", 0, v.args, v.nargs, out, sizeof out),
                        "no.such.key");
    assert_null(msg_template("no.such.key", 0));
    /* a tiny buffer is cut, never overrun */
    char tiny[4];
    msg_format("core.password_short", 1, v.args, v.nargs, tiny, sizeof tiny);
    assert_string_equal(tiny, "The");
}

static void test_msg_table__every_row_renders(void **state)
{
    (void)state;
    const char *key, *zh, *en;
    char prev[128] = "";
    for (size_t i = 0; msg_row(i, &key, &zh, &en); i++) {
        assert_true(strcmp(prev, key) < 0); /* sorted and unique */
        snprintf(prev, sizeof prev, "%s", key);
        assert_non_null(zh);
        assert_non_null(en);
        assert_true(*zh && *en);
        /* every placeholder is closed and named */
        for (const char *t = zh; (t = strchr(t, '{')); t++)
            assert_non_null(strchr(t, '}'));
        for (const char *t = en; (t = strchr(t, '{')); t++)
            assert_non_null(strchr(t, '}'));
        /* the zh-CN text is Chinese: at least one byte outside ASCII */
        int wide = 0;
        for (const unsigned char *p = (const unsigned char *)zh; *p; p++)
            wide |= *p >= 0x80;
        assert_true(wide);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_rule__carries_rule_code_and_numbers),
        cmocka_unit_test(test_verdict_str__cut_at_a_character_boundary),
        cmocka_unit_test(test_verdict_db__maps_store_results),
        cmocka_unit_test(test_verdict_message__falls_back_to_the_error_table),
        cmocka_unit_test(test_msg_format__placeholders),
        cmocka_unit_test(test_msg_table__every_row_renders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
