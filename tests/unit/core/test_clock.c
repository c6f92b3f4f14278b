/* Unit tests for src/core/clock.c: China Standard Time days and stamps, and the test clock's
 * settings (refused when half set, on when both are given). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"

static void test_unix_date__turns_at_cst_midnight(void **state)
{
    (void)state;
    char d[11];
    unix_date(0, d);
    assert_string_equal(d, "1970-01-01");
    unix_date(1796486399, d); /* 2026-12-05T15:59:59Z */
    assert_string_equal(d, "2026-12-05");
    unix_date(1796486400, d); /* 2026-12-05T16:00:00Z: midnight in Beijing */
    assert_string_equal(d, "2026-12-06");
    unix_date(1796515800, d); /* 2026-12-06T00:10:00Z */
    assert_string_equal(d, "2026-12-06");
    unix_date(-8 * 3600 - 1, d); /* before 1970: the day before, not rounded toward zero */
    assert_string_equal(d, "1969-12-31");
}

static void test_unix_rfc3339__plus_eight(void **state)
{
    (void)state;
    char s[32];
    unix_rfc3339(1796486400, s);
    assert_string_equal(s, "2026-12-06T00:00:00+08:00");
    unix_rfc3339(1796547599, s); /* 2026-12-06T08:59:59Z */
    assert_string_equal(s, "2026-12-06T16:59:59+08:00");
}

static void test_date_unix__inverse_of_unix_date(void **state)
{
    (void)state;
    assert_int_equal(date_unix("2026-12-06", 0), 1796486400);
    assert_int_equal(date_unix("2026-12-06", 10 * 60), 1796486400 + 36000);
    assert_int_equal(date_unix("2026-12-07", 0) - date_unix("2026-12-06", 0), 86400);
    char d[11];
    unix_date(date_unix("2028-02-29", 23 * 60 + 59), d);
    assert_string_equal(d, "2028-02-29");
}

static int init_with(const char *on, const char *day, const char *at, char *err, size_t n)
{
    on ? setenv("SJ_TEST_CLOCK", on, 1) : unsetenv("SJ_TEST_CLOCK");
    day ? setenv("SJ_TODAY", day, 1) : unsetenv("SJ_TODAY");
    at ? setenv("SJ_TODAY_TIME", at, 1) : unsetenv("SJ_TODAY_TIME");
    err[0] = '\0';
    return clock_init(err, n);
}

/* Runs first: every refusal leaves the real clock as it was. */
static void test_clock_init__half_set_is_refused(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(init_with(NULL, NULL, NULL, err, sizeof err), 0);
    assert_false(clock_is_test());
    assert_int_equal(init_with(NULL, "2026-12-09", NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "SJ_TEST_CLOCK=1"));
    assert_int_equal(init_with("true", "2026-12-09", NULL, err, sizeof err), -1);
    assert_int_equal(init_with(NULL, NULL, "10:00", err, sizeof err), -1);
    assert_int_equal(init_with("1", NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "SJ_TODAY"));
    assert_int_equal(init_with("1", "2026-13-01", NULL, err, sizeof err), -1);
    assert_int_equal(init_with("1", "2026-12-09", "25:00", err, sizeof err), -1);
    assert_int_equal(init_with("1", "2026-12-09", "1000", err, sizeof err), -1);
    assert_false(clock_is_test());
    int64_t real = (int64_t)time(NULL);
    assert_true(now_unix() >= real && now_unix() <= real + 2);
}

/* Runs last: turns the test clock on for the rest of the process. */
static void test_clock_init__both_settings_start_the_clock_there(void **state)
{
    (void)state;
    char err[256], today[11], now[32];
    assert_int_equal(init_with("1", "2026-12-13", "23:50", err, sizeof err), 0);
    assert_true(clock_is_test());
    today_local(today);
    assert_string_equal(today, "2026-12-13");
    now_rfc3339(now);
    assert_memory_equal(now, "2026-12-13T23:5", 15);
    int64_t t = now_unix();
    assert_true(t >= date_unix("2026-12-13", 23 * 60 + 50) &&
                t <= date_unix("2026-12-13", 23 * 60 + 52));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unix_date__turns_at_cst_midnight),
        cmocka_unit_test(test_unix_rfc3339__plus_eight),
        cmocka_unit_test(test_date_unix__inverse_of_unix_date),
        cmocka_unit_test(test_clock_init__half_set_is_refused),
        cmocka_unit_test(test_clock_init__both_settings_start_the_clock_there),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
