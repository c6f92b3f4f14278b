/* Unit tests for the pure date arithmetic of src/core/calendar.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "core/calendar.h"

static void test_date_weekday__known_days(void **state)
{
    (void)state;
    assert_int_equal(date_weekday("1970-01-01"), 4);
    assert_int_equal(date_weekday("2026-11-22"), 7); /* a Sunday */
    assert_int_equal(date_weekday("2026-11-23"), 1);
    assert_int_equal(date_weekday("2024-02-29"), 4);
}

static void test_days_date__round_trip(void **state)
{
    (void)state;
    char out[11];
    const char *dates[] = {"1999-12-31", "2000-02-29", "2026-01-01", "2100-03-01", "2026-12-31"};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        days_date(date_days(dates[i]), out);
        assert_string_equal(out, dates[i]);
    }
    date_add_days("2026-12-31", 1, out);
    assert_string_equal(out, "2027-01-01");
    date_add_days("2024-03-01", -1, out);
    assert_string_equal(out, "2024-02-29");
}

static void test_date_add_months__fu2_examples(void **state)
{
    (void)state;
    char out[11];
    date_add_months("2026-09-01", 3, out);
    assert_string_equal(out, "2026-12-01"); /* → 2026-11-30 passes, 2026-12-01 does not */
    date_add_months("2026-11-30", 3, out);
    assert_string_equal(out, "2027-02-28"); /* the month's last day stands in */
    date_add_months("2027-11-30", 3, out);
    assert_string_equal(out, "2028-02-29");
    date_add_months("2026-10-31", 1, out);
    assert_string_equal(out, "2026-11-30");
    date_add_months("2026-12-15", 1, out);
    assert_string_equal(out, "2027-01-15");
}

static void test_term_of_date__boundaries(void **state)
{
    (void)state;
    char t[16], first[11], last[11];
    term_of_date("2026-09-01", t);
    assert_string_equal(t, "2026-autumn");
    term_of_date("2027-01-20", t);
    assert_string_equal(t, "2026-autumn");
    term_of_date("2027-02-20", t);
    assert_string_equal(t, "2027-spring");
    term_default_bounds("2026-autumn", first, last);
    assert_string_equal(first, "2026-09-01");
    assert_string_equal(last, "2027-01-20");
    assert_true(term_valid("2026-spring"));
    assert_false(term_valid("2026-summer"));
    assert_false(term_valid("26-autumn"));
    assert_false(term_valid(NULL));
}

static void test_calendar_classify__facts_apart_and_the_calendars_order(void **state)
{
    (void)state;
    /* 2026-10-01 (Thursday, 国庆) marked a holiday inside the autumn term */
    cal_day d = calendar_classify("2026-10-01", "2026-09-01", "2027-01-20", "holiday");
    assert_true(d.in_term && d.holiday && !d.makeup && !d.weekend);
    assert_int_equal(calendar_kind_of(d), DAY_HOLIDAY);
    /* a Sunday made a school day (调休) */
    d = calendar_classify("2026-10-11", "2026-09-01", "2027-01-20", "workday");
    assert_true(d.weekend && d.makeup);
    assert_int_equal(calendar_kind_of(d), DAY_SCHOOL);
    /* a plain Saturday, a plain Monday */
    assert_int_equal(
        calendar_kind_of(calendar_classify("2026-10-10", "2026-09-01", "2027-01-20", "")),
        DAY_WEEKEND);
    assert_int_equal(
        calendar_kind_of(calendar_classify("2026-10-12", "2026-09-01", "2027-01-20", NULL)),
        DAY_SCHOOL);
    /* the term's first and last days are in it; the days either side are not */
    assert_int_equal(
        calendar_kind_of(calendar_classify("2026-09-01", "2026-09-01", "2027-01-20", "")),
        DAY_SCHOOL);
    assert_int_equal(
        calendar_kind_of(calendar_classify("2026-08-31", "2026-09-01", "2027-01-20", "")),
        DAY_VACATION);
    assert_int_equal(
        calendar_kind_of(calendar_classify("2027-01-21", "2026-09-01", "2027-01-20", "")),
        DAY_VACATION);
    /* the Spring Festival in the winter vacation: the calendar says holiday */
    d = calendar_classify("2027-02-06", "2027-02-20", "2027-07-10", "holiday");
    assert_false(d.in_term);
    assert_int_equal(calendar_kind_of(d), DAY_HOLIDAY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_weekday__known_days),
        cmocka_unit_test(test_days_date__round_trip),
        cmocka_unit_test(test_date_add_months__fu2_examples),
        cmocka_unit_test(test_term_of_date__boundaries),
        cmocka_unit_test(test_calendar_classify__facts_apart_and_the_calendars_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
