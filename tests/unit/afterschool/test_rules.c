/*
 * test_rules.c: unit tests for src/afterschool/rules.c, at every boundary of every rule:
 * ending exactly at the off-work time passes and a minute earlier fails; a fee exactly at the
 * cap passes and one fen over fails; credits exactly enough pass and one minute short fails.
 * Policies are the national defaults or a district's overrides built here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afterschool/afterschool.h"
#include "core/calendar.h"

static policy *national(void)
{
    char err[256];
    policy *p = policy_new(NULL, err, sizeof err);
    assert_non_null(p);
    return p;
}

/* A district file: {"rules": {RULE: {...}}} as JSON text. */
static policy *district(const char *rules_json)
{
    char err[256], text[1024];
    snprintf(text, sizeof text, "{\"version\":\"test\",\"rules\":%s}", rules_json);
    json_error_t je;
    json_t *o = json_loads(text, 0, &je);
    assert_non_null(o);
    policy *p = policy_new(o, err, sizeof err);
    json_decref(o);
    assert_non_null(p);
    return p;
}

static as_program prog(int64_t id, as_kind kind, unsigned weekdays, const char *start,
                       const char *end, int64_t fee, const char *first, const char *last)
{
    as_program p = {.id = id, .kind = kind, .weekdays = weekdays, .fee_per_hour_fen = fee};
    p.start_min = hhmm_minutes(start);
    p.end_min = hhmm_minutes(end);
    snprintf(p.first_day, sizeof p.first_day, "%s", first);
    snprintf(p.last_day, sizeof p.last_day, "%s", last);
    return p;
}

#define WD(d) (1u << (d))

static bool ok(verdict v)
{
    return verdict_is_ok(&v);
}
static int64_t num(const verdict *v, const char *key)
{
    const verdict_arg *a = verdict_get(v, key);
    assert_non_null(a);
    assert_false(a->is_str);
    return a->n;
}
static const char *str(const verdict *v, const char *key)
{
    const verdict_arg *a = verdict_get(v, key);
    assert_non_null(a);
    assert_true(a->is_str);
    return a->s;
}

/* The school days (Mon-Fri) from first to last, skipping the listed holidays. */
static size_t school_days(const char *first, const char *last, const char *const *holidays,
                          as_day *out, size_t max)
{
    size_t n = 0;
    for (int64_t d = date_days(first); d <= date_days(last) && n < max; d++) {
        char date[11];
        days_date(d, date);
        int wd = date_weekday(date);
        bool hol = false;
        for (size_t h = 0; holidays && holidays[h]; h++)
            hol |= strcmp(holidays[h], date) == 0;
        if (wd >= 6 || hol)
            continue;
        snprintf(out[n].date, sizeof out[n].date, "%s", date);
        out[n].weekday = wd;
        n++;
    }
    return n;
}

/* ---------- AS-2 ---------- */

static void test_afterschool_off_work__season_edges(void **state)
{
    (void)state;
    policy *p = national();
    bool summer = false;
    assert_int_equal(afterschool_off_work(p, "2026-09-30", &summer), 18 * 60);
    assert_true(summer);
    assert_int_equal(afterschool_off_work(p, "2026-10-01", &summer), 17 * 60 + 30);
    assert_false(summer);
    assert_int_equal(afterschool_off_work(p, "2026-04-30", &summer), 17 * 60 + 30);
    assert_false(summer);
    assert_int_equal(afterschool_off_work(p, "2026-05-01", &summer), 18 * 60);
    assert_true(summer);
    assert_int_equal(afterschool_off_work(p, "2027-01-05", NULL), 17 * 60 + 30);
    policy_free(p);
}

static void test_afterschool_check_off_work__exactly_at_off_work_passes(void **state)
{
    (void)state;
    policy *p = national();
    char dates[2][AS_DATE_LEN] = {"2026-09-30", "2026-10-08"};
    assert_true(ok(afterschool_check_off_work(p, dates, 2, hhmm_minutes("18:00"))));
    /* winter only: 17:30 is enough */
    assert_true(ok(afterschool_check_off_work(p, dates + 1, 1, hhmm_minutes("17:30"))));
    policy_free(p);
}

static void test_afterschool_check_off_work__a_minute_earlier_fails(void **state)
{
    (void)state;
    policy *p = national();
    char dates[3][AS_DATE_LEN] = {"2026-09-29", "2026-09-30", "2026-10-08"};
    verdict v = afterschool_check_off_work(p, dates, 3, hhmm_minutes("17:59"));
    assert_int_equal(v.err, SJ_ERR_RULE);
    assert_string_equal(v.code, "ends_before_off_work");
    assert_string_equal(v.rule, "AS-2");
    assert_string_equal(v.msg, "AS-2.summer");
    assert_string_equal(str(&v, "date"), "2026-09-29");
    assert_string_equal(str(&v, "off_work"), "18:00");
    assert_string_equal(str(&v, "end"), "17:59");
    assert_string_equal(str(&v, "season"), "summer");
    v = afterschool_check_off_work(p, dates + 2, 1, hhmm_minutes("17:29"));
    assert_string_equal(str(&v, "date"), "2026-10-08");
    assert_string_equal(str(&v, "off_work"), "17:30");
    assert_string_equal(str(&v, "season"), "winter");
    assert_string_equal(v.msg, "AS-2.winter");
    char text[256];
    assert_non_null(strstr(verdict_message(&v, 0, text, sizeof text), "冬季下班时间 17:30"));
    assert_non_null(strstr(verdict_message(&v, 1, text, sizeof text), "off-work time 17:30"));
    policy_free(p);
}

static void test_afterschool_check_off_work__district_sets_seasons(void **state)
{
    (void)state;
    policy *p = district("{\"AS-2\":{\"summer_from\":\"06-01\",\"summer_to\":\"08-31\","
                         "\"summer_off_work\":\"18:30\",\"winter_off_work\":\"17:00\"}}");
    char d1[1][AS_DATE_LEN] = {"2026-05-20"}, d2[1][AS_DATE_LEN] = {"2026-06-01"};
    assert_true(ok(afterschool_check_off_work(p, d1, 1, hhmm_minutes("17:00"))));
    assert_false(ok(afterschool_check_off_work(p, d1, 1, hhmm_minutes("16:59"))));
    assert_true(ok(afterschool_check_off_work(p, d2, 1, hhmm_minutes("18:30"))));
    verdict v = afterschool_check_off_work(p, d2, 1, hhmm_minutes("18:29"));
    assert_false(verdict_is_ok(&v));
    assert_string_equal(str(&v, "off_work"), "18:30");
    policy_free(p);
}

/* ---------- AS-6 ---------- */

static void test_afterschool_fee_cap__national_caps(void **state)
{
    (void)state;
    policy *p = national();
    assert_int_equal(afterschool_fee_cap(p, AS_CARE, false), 200);
    assert_int_equal(afterschool_fee_cap(p, AS_COURSE, false), 350);
    assert_int_equal(afterschool_fee_cap(p, AS_COURSE, true), 300);
    assert_int_equal(afterschool_fee_cap(p, AS_CARE, true), 200); /* the lower of 200 and 300 */
    policy_free(p);
}

static void test_afterschool_check_fee__at_the_cap_passes_one_fen_over_fails(void **state)
{
    (void)state;
    policy *p = national();
    assert_true(ok(afterschool_check_fee(p, AS_COURSE, false, 350)));
    verdict v = afterschool_check_fee(p, AS_COURSE, false, 351);
    assert_int_equal(v.err, SJ_ERR_RULE);
    assert_string_equal(v.code, "fee_over_cap");
    assert_string_equal(v.rule, "AS-6");
    assert_int_equal(num(&v, "fee_per_hour_fen"), 351);
    assert_int_equal(num(&v, "cap_fen"), 350);
    assert_string_equal(str(&v, "kind"), "course");
    assert_true(verdict_get(&v, "rural")->is_bool);
    assert_int_equal(verdict_get(&v, "rural")->n, 0);
    /* a rural school's course: 300 */
    assert_true(ok(afterschool_check_fee(p, AS_COURSE, true, 300)));
    v = afterschool_check_fee(p, AS_COURSE, true, 301);
    assert_int_equal(num(&v, "cap_fen"), 300);
    assert_int_equal(verdict_get(&v, "rural")->n, 1);
    char text[256];
    assert_non_null(strstr(verdict_message(&v, 0, text, sizeof text), "3.01 元"));
    policy_free(p);
}

static void test_afterschool_fee_cap__district_override(void **state)
{
    (void)state;
    policy *p =
        district("{\"AS-6\":{\"care_fee_per_hour_fen\":250,\"rural_fee_per_hour_fen\":150}}");
    assert_int_equal(afterschool_fee_cap(p, AS_CARE, false), 250);
    assert_int_equal(afterschool_fee_cap(p, AS_CARE, true), 150);
    assert_int_equal(afterschool_fee_cap(p, AS_COURSE, true), 150);
    policy_free(p);
}

/* ---------- AS-4 ---------- */

static void test_afterschool_vendor_check__each_verdict(void **state)
{
    (void)state;
    as_vendor v = {.found = true,
                   .active = true,
                   .vetted_from = "2026-09-01",
                   .vetted_to = "2027-01-20",
                   .fee_per_hour_fen = 300};
    assert_true(ok(afterschool_vendor_check(&v, "2026-09-01", "2027-01-20", 300)));
    verdict x = afterschool_vendor_check(&v, "2026-09-01", "2027-01-20", 301);
    assert_string_equal(x.code, "fee_over_vendor_standard");
    assert_string_equal(x.rule, "AS-4");
    assert_int_equal(num(&x, "fee_per_hour_fen"), 301);
    assert_int_equal(num(&x, "standard_fen"), 300);
    x = afterschool_vendor_check(&v, "2026-08-31", "2027-01-20", 300);
    assert_string_equal(x.code, "provider_not_vetted");
    assert_string_equal(str(&x, "reason"), "out_of_period");
    assert_string_equal(str(&x, "vetted_from"), "2026-09-01");
    assert_string_equal(str(&x, "vetted_to"), "2027-01-20");
    x = afterschool_vendor_check(&v, "2026-09-01", "2027-01-21", 300);
    assert_string_equal(str(&x, "reason"), "out_of_period");
    v.active = false;
    x = afterschool_vendor_check(&v, "2026-09-01", "2027-01-20", 300);
    assert_string_equal(str(&x, "reason"), "exited");
    v.found = false;
    x = afterschool_vendor_check(&v, "2026-09-01", "2027-01-20", 300);
    assert_string_equal(str(&x, "reason"), "not_listed");
    x = afterschool_vendor_check(NULL, "2026-09-01", "2027-01-20", 0);
    assert_string_equal(x.code, "provider_not_vetted");
    assert_string_equal(str(&x, "reason"), "not_listed");
}

/* ---------- clash ---------- */

static void test_afterschool_clash__same_kind_overlapping(void **state)
{
    (void)state;
    as_program a =
        prog(1, AS_COURSE, WD(1) | WD(3), "16:00", "17:00", 0, "2026-09-01", "2027-01-20");
    as_program b = prog(2, AS_COURSE, WD(3), "16:59", "18:00", 0, "2026-09-01", "2027-01-20");
    assert_true(afterschool_clash(&a, &b));
    assert_true(afterschool_clash(&b, &a));
}

static void test_afterschool_clash__touching_times_do_not_clash(void **state)
{
    (void)state;
    as_program a = prog(1, AS_COURSE, WD(3), "16:00", "17:00", 0, "2026-09-01", "2027-01-20");
    as_program b = prog(2, AS_COURSE, WD(3), "17:00", "18:00", 0, "2026-09-01", "2027-01-20");
    assert_false(afterschool_clash(&a, &b));
}

static void test_afterschool_clash__other_days_kinds_or_dates(void **state)
{
    (void)state;
    as_program a = prog(1, AS_COURSE, WD(1), "16:00", "17:00", 0, "2026-09-01", "2026-10-31");
    as_program b = prog(2, AS_COURSE, WD(2), "16:00", "17:00", 0, "2026-09-01", "2026-10-31");
    assert_false(afterschool_clash(&a, &b));
    as_program care = prog(3, AS_CARE, WD(1), "15:30", "18:00", 0, "2026-09-01", "2026-10-31");
    assert_false(afterschool_clash(&a, &care)); /* care + course: AS-7 bills it once */
    as_program later = prog(4, AS_COURSE, WD(1), "16:00", "17:00", 0, "2026-11-01", "2027-01-20");
    assert_false(afterschool_clash(&a, &later));
    memcpy(later.first_day, "2026-10-30", 11);
    assert_true(afterschool_clash(&a, &later));
}

static void test_afterschool_weekdays_text__mask(void **state)
{
    (void)state;
    char t[16];
    afterschool_weekdays_text(WD(1) | WD(3) | WD(5), t);
    assert_string_equal(t, "1,3,5");
    afterschool_weekdays_text(AS_WEEKDAYS_ALL, t);
    assert_string_equal(t, "1,2,3,4,5");
    afterschool_weekdays_text(0, t);
    assert_string_equal(t, "");
}

/* ---------- AS-1 ---------- */

static void test_afterschool_coverage__two_hours_every_day_passes(void **state)
{
    (void)state;
    policy *p = national();
    as_program ps[1] = {
        prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "17:30", 0, "2026-09-01", "2027-01-20")};
    as_coverage c;
    afterschool_coverage(p, ps, 1, &c);
    assert_true(c.ok);
    assert_int_equal(c.days_ok, 5);
    assert_int_equal(c.minutes[3], 120);
    policy_free(p);
}

static void test_afterschool_coverage__a_minute_short_fails(void **state)
{
    (void)state;
    policy *p = national();
    as_program ps[2] = {
        prog(1, AS_CARE, WD(1) | WD(2) | WD(3) | WD(4), "15:30", "17:30", 0, "2026-09-01",
             "2027-01-20"),
        prog(2, AS_CARE, WD(5), "15:31", "17:30", 0, "2026-09-01", "2027-01-20"),
    };
    as_coverage c;
    afterschool_coverage(p, ps, 2, &c);
    assert_false(c.ok);
    assert_int_equal(c.days_ok, 4);
    assert_false(c.day_ok[5]);
    assert_int_equal(c.minutes[5], 119);
    policy_free(p);
}

static void test_afterschool_coverage__overlapping_programs_count_once(void **state)
{
    (void)state;
    policy *p = national();
    as_program ps[3] = {
        prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "16:30", 0, "2026-09-01", "2027-01-20"),
        prog(2, AS_COURSE, AS_WEEKDAYS_ALL, "16:00", "17:00", 0, "2026-09-01", "2027-01-20"),
        prog(3, AS_COURSE, WD(2), "16:10", "16:50", 0, "2026-09-01", "2027-01-20"),
    };
    as_coverage c;
    afterschool_coverage(p, ps, 3, &c);
    assert_int_equal(c.minutes[1], 90); /* 15:30-17:00, not 60 + 60 */
    assert_int_equal(c.minutes[2], 90);
    assert_false(c.ok);
    ps[1].end_min = hhmm_minutes("17:30");
    afterschool_coverage(p, ps, 3, &c);
    assert_true(c.ok);
    policy_free(p);
}

/* ---------- bills ---------- */

/* September 2026: Tue 1 .. Wed 30, 22 weekdays. */
#define SEP_FIRST "2026-09-01"
#define SEP_LAST  "2026-09-30"

static as_bill_item item(as_program p, const char *seat_from, const char *left_on)
{
    as_bill_item it = {.prog = p};
    snprintf(it.seat_from, sizeof it.seat_from, "%s", seat_from);
    snprintf(it.left_on, sizeof it.left_on, "%s", left_on ? left_on : "");
    return it;
}

static void test_afterschool_bill_compute__care_only(void **state)
{
    (void)state;
    policy *p = national();
    as_day days[40];
    size_t nd = school_days(SEP_FIRST, SEP_LAST, NULL, days, 40);
    assert_int_equal(nd, 22);
    as_bill_item it[1] = {
        item(prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "17:30", 200, SEP_FIRST, SEP_LAST),
             SEP_FIRST, NULL)};
    as_bill_line lines[1];
    as_bill b;
    afterschool_bill_compute(p, NULL, 0, days, nd, it, 1, false, &b, lines);
    assert_int_equal(lines[0].sessions, 22);
    assert_int_equal(lines[0].minutes, 22 * 120);
    assert_int_equal(lines[0].amount, 22 * 2 * 200); /* 8,800 fen */
    assert_int_equal(b.gross_fen, 8800);
    assert_int_equal(b.total_fen, 8800);
    assert_int_equal(b.term_cap_fen, -1);
    assert_false(b.waived);
    policy_free(p);
}

static void test_afterschool_bill_compute__holidays_are_not_billed(void **state)
{
    (void)state;
    policy *p = national();
    const char *hol[] = {"2026-09-25", NULL}; /* a Friday */
    as_day days[40];
    size_t nd = school_days(SEP_FIRST, SEP_LAST, hol, days, 40);
    as_bill_item it[1] = {item(
        prog(1, AS_COURSE, WD(5), "16:00", "17:00", 300, SEP_FIRST, SEP_LAST), SEP_FIRST, NULL)};
    as_bill_line lines[1];
    as_bill b;
    afterschool_bill_compute(p, NULL, 0, days, nd, it, 1, false, &b, lines);
    assert_int_equal(lines[0].sessions, 3); /* Fridays 4, 11, 18 (25 is a holiday) */
    assert_int_equal(b.total_fen, 900);
    policy_free(p);
}

static void test_afterschool_bill_compute__care_and_course_overlap_charged_once(void **state)
{
    (void)state;
    policy *p = national();
    as_day days[40];
    size_t nd = school_days(SEP_FIRST, SEP_LAST, NULL, days, 40);
    /* care every day 15:30-17:30 at 200; a course on Wednesdays 16:30-18:00 at 350 */
    as_bill_item it[2] = {
        item(prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "17:30", 200, SEP_FIRST, SEP_LAST),
             SEP_FIRST, NULL),
        item(prog(2, AS_COURSE, WD(3), "16:30", "18:00", 350, SEP_FIRST, SEP_LAST), SEP_FIRST,
             NULL),
    };
    as_bill_line lines[2];
    as_bill b;
    afterschool_bill_compute(p, NULL, 0, days, nd, it, 2, false, &b, lines);
    /* Wednesdays in Sep 2026: 2, 9, 16, 23, 30 */
    assert_int_equal(lines[1].sessions, 5);
    assert_int_equal(lines[1].amount, 5 * 90 * 350 / 60); /* 2,625 */
    assert_int_equal(lines[0].overlap, 5 * 60);
    assert_int_equal(lines[0].amount, (22 * 120 - 300) * 200 / 60); /* 7,800 */
    assert_int_equal(b.total_fen, 2625 + 7800);
    char text[512];
    afterschool_bill_line_explain(&lines[0], "托管", false, text, sizeof text);
    assert_non_null(strstr(text, "22 次 × 120 分钟 = 2640 分钟"));
    assert_non_null(strstr(text, "300 分钟与课程重叠"));
    assert_non_null(strstr(text, "AS-7"));
    assert_non_null(strstr(text, "= 78.00 元"));
    afterschool_bill_line_explain(&lines[0], "care", true, text, sizeof text);
    assert_non_null(strstr(text, "charged once"));
    policy_free(p);
}

static void test_afterschool_bill_compute__double_charge_when_district_allows(void **state)
{
    (void)state;
    policy *p = district("{\"AS-7\":{\"no_double_charge\":false}}");
    as_day days[40];
    size_t nd = school_days(SEP_FIRST, SEP_LAST, NULL, days, 40);
    as_bill_item it[2] = {
        item(prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "17:30", 200, SEP_FIRST, SEP_LAST),
             SEP_FIRST, NULL),
        item(prog(2, AS_COURSE, WD(3), "16:30", "18:00", 350, SEP_FIRST, SEP_LAST), SEP_FIRST,
             NULL),
    };
    as_bill_line lines[2];
    as_bill b;
    afterschool_bill_compute(p, NULL, 0, days, nd, it, 2, false, &b, lines);
    assert_int_equal(lines[0].overlap, 0);
    assert_int_equal(b.total_fen, 8800 + 2625);
    policy_free(p);
}

static void test_afterschool_bill_compute__hardship_waiver(void **state)
{
    (void)state;
    policy *p = national();
    as_day days[40];
    size_t nd = school_days(SEP_FIRST, SEP_LAST, NULL, days, 40);
    as_bill_item it[1] = {
        item(prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "17:30", 200, SEP_FIRST, SEP_LAST),
             SEP_FIRST, NULL)};
    as_bill_line lines[1];
    as_bill b;
    afterschool_bill_compute(p, NULL, 0, days, nd, it, 1, true, &b, lines);
    assert_true(b.waived);
    assert_int_equal(b.gross_fen, 8800);
    assert_int_equal(b.waiver_fen, 8800);
    assert_int_equal(b.total_fen, 0);
    policy_free(p);
}

static void test_afterschool_bill_compute__leaving_mid_term_refunds_pro_rata(void **state)
{
    (void)state;
    policy *p = national();
    as_day days[40];
    size_t nd = school_days(SEP_FIRST, SEP_LAST, NULL, days, 40);
    /* leaves on Mon 14 Sep: billed Sep 1-11, 9 school days */
    as_bill_item it[1] = {
        item(prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "17:30", 200, SEP_FIRST, SEP_LAST),
             SEP_FIRST, "2026-09-14")};
    as_bill_line lines[1];
    as_bill b;
    afterschool_bill_compute(p, NULL, 0, days, nd, it, 1, false, &b, lines);
    assert_int_equal(lines[0].sessions, 9);
    assert_int_equal(lines[0].sessions_full, 22);
    assert_int_equal(lines[0].amount, 9 * 400);
    assert_int_equal(lines[0].amount_full, 8800);
    assert_int_equal(lines[0].refund, 8800 - 3600);
    assert_int_equal(b.total_fen, 3600);
    char text[512];
    afterschool_bill_line_explain(&lines[0], "托管", false, text, sizeof text);
    assert_non_null(strstr(text, "未上的 13 次按比例退还 52.00 元"));
    policy_free(p);
}

static void test_afterschool_bill_compute__leaving_ends_the_overlap_too(void **state)
{
    (void)state;
    policy *p = national();
    as_day days[40];
    size_t nd = school_days(SEP_FIRST, SEP_LAST, NULL, days, 40);
    /* the course is left on Sep 14: from then on care is billed in full again */
    as_bill_item it[2] = {
        item(prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "17:30", 200, SEP_FIRST, SEP_LAST),
             SEP_FIRST, NULL),
        item(prog(2, AS_COURSE, WD(3), "16:30", "18:00", 350, SEP_FIRST, SEP_LAST), SEP_FIRST,
             "2026-09-14"),
    };
    as_bill_line lines[2];
    as_bill b;
    afterschool_bill_compute(p, NULL, 0, days, nd, it, 2, false, &b, lines);
    assert_int_equal(lines[1].sessions, 2); /* Sep 2 and 9 */
    assert_int_equal(lines[0].overlap, 2 * 60);
    assert_int_equal(lines[1].refund, 5 * 90 * 350 / 60 - 2 * 90 * 350 / 60);
    policy_free(p);
}

static void test_afterschool_bill_compute__seat_given_late_bills_from_then(void **state)
{
    (void)state;
    policy *p = national();
    as_day days[40];
    size_t nd = school_days(SEP_FIRST, SEP_LAST, NULL, days, 40);
    as_bill_item it[1] = {
        item(prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "17:30", 200, SEP_FIRST, SEP_LAST),
             "2026-09-28", NULL)};
    as_bill_line lines[1];
    as_bill b;
    afterschool_bill_compute(p, NULL, 0, days, nd, it, 1, false, &b, lines);
    assert_int_equal(lines[0].sessions, 3);
    assert_int_equal(lines[0].refund, 0);
    assert_int_equal(b.total_fen, 1200);
    policy_free(p);
}

/* AS-6 pro rata over the policy's days (here 10): leaving after 9 sessions refunds a tenth,
 * after 10 (exactly the days) nothing, after 11 nothing either and never a negative refund. */
static void test_afterschool_bill_compute__pro_rata_days_edge(void **state)
{
    (void)state;
    policy *p = district("{\"AS-6\": {\"refund_pro_rata_days\": 10}}");
    as_day days[40];
    size_t nd = school_days(SEP_FIRST, SEP_LAST, NULL, days, 40);
    /* Sep 2026: the 10th school day is Mon 14, the 11th Tue 15, the 12th Wed 16 */
    const char *left[3] = {"2026-09-14", "2026-09-15", "2026-09-16"};
    const int64_t paid[3] = {8800 * 9 / 10, 8800, 8800};
    for (int k = 0; k < 3; k++) {
        as_bill_item it[1] = {
            item(prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "17:30", 200, SEP_FIRST, SEP_LAST),
                 SEP_FIRST, left[k])};
        as_bill_line lines[1];
        as_bill b;
        afterschool_bill_compute(p, NULL, 0, days, nd, it, 1, false, &b, lines);
        assert_int_equal(lines[0].sessions, 9 + k);
        assert_int_equal(lines[0].amount_full, 8800);
        assert_int_equal(lines[0].pro_rata_days, 10);
        assert_int_equal(lines[0].pro_rata_used, k == 0 ? 9 : 10);
        assert_int_equal(lines[0].amount, paid[k]);
        assert_int_equal(lines[0].refund, 8800 - paid[k]);
        assert_int_equal(b.total_fen, paid[k]);
        if (k == 0) {
            char text[512];
            afterschool_bill_line_explain(&lines[0], "托管", false, text, sizeof text);
            assert_non_null(strstr(text, "按 10 天折算(AS-6),已上 9 天"));
            assert_non_null(strstr(text, "退还 8.80 元"));
        }
    }
    policy_free(p);
}

/* With the national 100 days a term of fewer sessions is refunded session by session. */
static void test_afterschool_pro_rata__short_term_by_sessions_and_rounding(void **state)
{
    (void)state;
    policy *p = national();
    as_bill_line l = {.sessions = 1, .sessions_full = 3, .amount_full = 1001};
    afterschool_pro_rata(p, &l);
    assert_int_equal(l.pro_rata_days, 3);
    assert_int_equal(l.amount, 333); /* rounded down: the family keeps the odd fen */
    assert_int_equal(l.refund, 668);
    as_bill_line none = {.sessions = 0, .sessions_full = 120, .amount_full = 24000};
    afterschool_pro_rata(p, &none);
    assert_int_equal(none.pro_rata_days, 100);
    assert_int_equal(none.refund, 24000);
    as_bill_line day99 = {.sessions = 99, .sessions_full = 120, .amount_full = 24000};
    afterschool_pro_rata(p, &day99);
    assert_int_equal(day99.refund, 240);
    as_bill_line day100 = {.sessions = 100, .sessions_full = 120, .amount_full = 24000};
    afterschool_pro_rata(p, &day100);
    assert_int_equal(day100.refund, 0);
    assert_int_equal(day100.amount, 24000);
    policy_free(p);
}

/* AS-10: cost = subsidies + third-party fees; the gap never goes below 0 */
static void test_afterschool_rural_gap__cost_minus_fees(void **state)
{
    (void)state;
    assert_int_equal(afterschool_rural_gap(16666, 4500, 3000), 18166);
    assert_int_equal(afterschool_rural_gap(1000, 0, 1000), 0);
    assert_int_equal(afterschool_rural_gap(1000, 500, 5000), 0);
    assert_int_equal(afterschool_rural_gap(0, 700, 0), 700);
}

/* AS-10: a top-up of exactly the remaining gap passes, a fen more is refused with the numbers */
static void test_afterschool_topup_check__edge(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = afterschool_topup_check(p, true, 10000, 0, 10000);
    assert_true(verdict_is_ok(&v));
    v = afterschool_topup_check(p, true, 10000, 4000, 6000);
    assert_true(verdict_is_ok(&v));
    v = afterschool_topup_check(p, true, 10000, 4000, 6001);
    assert_string_equal(v.code, "topup_over_gap");
    assert_string_equal(v.rule, "AS-10");
    assert_int_equal(v.err, SJ_ERR_RULE);
    assert_int_equal(num(&v, "gap_fen"), 10000);
    assert_int_equal(num(&v, "topped_up_fen"), 4000);
    assert_int_equal(num(&v, "remaining_fen"), 6000);
    assert_int_equal(num(&v, "amount_fen"), 6001);
    v = afterschool_topup_check(p, true, 0, 0, 1);
    assert_string_equal(v.code, "topup_over_gap");
    v = afterschool_topup_check(p, false, 10000, 0, 1);
    assert_string_equal(v.code, "topup_not_rural");
    policy_free(p);
    p = district("{\"AS-10\": {\"rural_gap_filled_by_district\": false}}");
    v = afterschool_topup_check(p, true, 10000, 0, 1);
    assert_string_equal(v.code, "topup_not_allowed");
    assert_string_equal(v.rule, "AS-10");
    policy_free(p);
}

static void test_afterschool_bill_compute__term_cap_exactly_and_over(void **state)
{
    (void)state;
    as_day days[40];
    size_t nd = school_days(SEP_FIRST, SEP_LAST, NULL, days, 40);
    as_bill_item it[1] = {
        item(prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "17:30", 200, SEP_FIRST, SEP_LAST),
             SEP_FIRST, NULL)};
    as_bill_line lines[1];
    as_bill b;
    policy *at = district("{\"AS-6\":{\"term_cap_fen\":8800}}");
    afterschool_bill_compute(at, NULL, 0, days, nd, it, 1, false, &b, lines);
    assert_int_equal(b.term_cap_fen, 8800);
    assert_int_equal(b.cap_reduction_fen, 0);
    assert_int_equal(b.total_fen, 8800);
    policy_free(at);
    policy *under = district("{\"AS-6\":{\"term_cap_fen\":8799}}");
    afterschool_bill_compute(under, NULL, 0, days, nd, it, 1, false, &b, lines);
    assert_int_equal(b.cap_reduction_fen, 1);
    assert_int_equal(b.total_fen, 8799);
    policy_free(under);
}

/* The care cap lowered from September 15 (a Tuesday): the 14th at the old fee, the 15th at the
 * new cap, one period per version, each rounded down by itself; the rural cap is lower still. */
static void test_afterschool_bill_compute__each_day_by_the_version_in_force(void **state)
{
    (void)state;
    as_day days[40];
    size_t nd = school_days(SEP_FIRST, SEP_LAST, NULL, days, 40);
    policy *old = national();
    policy *neu =
        district("{\"AS-6\":{\"care_fee_per_hour_fen\":150,\"rural_fee_per_hour_fen\":120}}");
    policy_period per[2] = {{SEP_FIRST, old}, {"2026-09-15", neu}};
    as_bill_item it[1] = {
        item(prog(1, AS_CARE, AS_WEEKDAYS_ALL, "15:30", "17:30", 200, SEP_FIRST, SEP_LAST),
             SEP_FIRST, NULL)};
    as_bill_line lines[1];
    as_bill b;
    afterschool_bill_compute(old, per, 2, days, nd, it, 1, false, &b, lines);
    int before = 0, from = 0;
    for (size_t k = 0; k < nd; k++)
        if (strcmp(days[k].date, "2026-09-15") < 0)
            before++;
        else
            from++;
    assert_int_equal(lines[0].nperiods, 2);
    assert_string_equal(lines[0].periods[0].last, "2026-09-14");
    assert_string_equal(lines[0].periods[1].first, "2026-09-15");
    assert_int_equal(lines[0].periods[0].rate_fen, 200);
    assert_int_equal(lines[0].periods[1].rate_fen, 150);
    assert_int_equal(lines[0].periods[0].sessions, before);
    assert_int_equal(lines[0].periods[1].sessions, from);
    assert_int_equal(lines[0].amount, 200 * 120 * before / 60 + 150 * 120 * from / 60);
    assert_int_equal(b.total_fen, lines[0].amount);
    char text[1024];
    afterschool_bill_line_explain(&lines[0], "托管", false, text, sizeof text);
    assert_non_null(strstr(text, "2026-09-15 至 2026-09-30 按政策版本 test"));
    assert_non_null(strstr(text, "合计"));
    /* a rural school: the lower rural cap from the 15th */
    it[0].prog.rural = true;
    afterschool_bill_compute(old, per, 2, days, nd, it, 1, false, &b, lines);
    assert_int_equal(lines[0].periods[1].rate_fen, 120);
    /* one version only: the explanation is the usual one sentence */
    afterschool_bill_compute(old, per, 1, days, nd, it, 1, false, &b, lines);
    assert_int_equal(lines[0].nperiods, 1);
    afterschool_bill_line_explain(&lines[0], "托管", false, text, sizeof text);
    assert_null(strstr(text, "政策版本"));
    policy_free(old);
    policy_free(neu);
}

static void test_afterschool_bill_compute__amounts_round_down(void **state)
{
    (void)state;
    policy *p = national();
    as_day days[1] = {{"2026-09-02", 3}};
    /* 50 minutes at 350 fen/hour = 291.67 fen: the family pays 291 */
    as_bill_item it[1] = {item(
        prog(1, AS_COURSE, WD(3), "16:00", "16:50", 350, SEP_FIRST, SEP_LAST), SEP_FIRST, NULL)};
    as_bill_line lines[1];
    as_bill b;
    afterschool_bill_compute(p, NULL, 0, days, 1, it, 1, false, &b, lines);
    assert_int_equal(b.total_fen, 291);
    policy_free(p);
}

static void test_afterschool_fen_text__formats(void **state)
{
    (void)state;
    char t[32];
    afterschool_fen_text(0, t);
    assert_string_equal(t, "0.00");
    afterschool_fen_text(5, t);
    assert_string_equal(t, "0.05");
    afterschool_fen_text(123456, t);
    assert_string_equal(t, "1234.56");
    afterschool_fen_text(-250, t);
    assert_string_equal(t, "-2.50");
}

/* ---------- AS-8 ---------- */

static void test_afterschool_subsidy__per_class_hour(void **state)
{
    (void)state;
    policy *p = national();
    as_subsidy s;
    afterschool_subsidy(p, 45, &s);
    assert_int_equal(s.rate_fen, 5000);
    assert_int_equal(s.class_hour_minutes, 45);
    assert_int_equal(s.amount_fen, 5000);
    afterschool_subsidy(p, 120, &s);
    assert_int_equal(s.amount_fen, 120 * 5000 / 45); /* 13,333 */
    afterschool_subsidy(p, 0, &s);
    assert_int_equal(s.amount_fen, 0);
    policy_free(p);
}

static void test_afterschool_subsidy__floor_and_cap(void **state)
{
    (void)state;
    as_subsidy s;
    policy *low = district("{\"AS-8\":{\"subsidy_per_hour_fen\":3000}}");
    afterschool_subsidy(low, 45, &s);
    assert_int_equal(s.rate_fen, 5000); /* the floor */
    policy_free(low);
    policy *high =
        district("{\"AS-8\":{\"subsidy_per_hour_fen\":9000,\"subsidy_per_hour_fen_max\":8000}}");
    afterschool_subsidy(high, 45, &s);
    assert_int_equal(s.rate_fen, 8000);
    policy_free(high);
}

/* ---------- AS-9 ---------- */

static void test_afterschool_leave_check__exact_credits_pass(void **state)
{
    (void)state;
    policy *p = national();
    as_leave_terms t;
    assert_true(ok(afterschool_leave_check(p, 240, 0, &t)));
    assert_int_equal(t.minutes_required, 240);
    assert_int_equal(t.week_max, 1);
    policy_free(p);
}

static void test_afterschool_leave_check__a_minute_short_fails(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = afterschool_leave_check(p, 239, 0, NULL);
    assert_string_equal(v.code, "insufficient_credits");
    assert_string_equal(v.rule, "AS-9");
    assert_int_equal(num(&v, "minutes"), 239);
    assert_int_equal(num(&v, "required"), 240);
    policy_free(p);
}

static void test_afterschool_leave_check__weekly_limit(void **state)
{
    (void)state;
    policy *p = national();
    verdict v = afterschool_leave_check(p, 1000, 1, NULL);
    assert_string_equal(v.code, "leave_over_weekly_limit");
    assert_int_equal(num(&v, "limit"), 1);
    assert_int_equal(num(&v, "used"), 1);
    policy *two =
        district("{\"AS-9\":{\"half_days_per_week_max\":2,\"minutes_per_half_day\":180}}");
    assert_true(ok(afterschool_leave_check(two, 180, 1, NULL)));
    v = afterschool_leave_check(two, 180, 2, NULL);
    assert_string_equal(v.code, "leave_over_weekly_limit");
    v = afterschool_leave_check(two, 179, 0, NULL);
    assert_string_equal(v.code, "insufficient_credits");
    assert_int_equal(num(&v, "required"), 180);
    policy_free(two);
    policy_free(p);
}

static void test_afterschool_week_start__monday(void **state)
{
    (void)state;
    char out[AS_DATE_LEN];
    afterschool_week_start("2026-11-22", out); /* Sunday */
    assert_string_equal(out, "2026-11-16");
    afterschool_week_start("2026-11-16", out);
    assert_string_equal(out, "2026-11-16");
    afterschool_week_start("2027-01-01", out); /* Friday, across the year */
    assert_string_equal(out, "2026-12-28");
}

/* ---------- one duty at a time (AS-9) ---------- */

static void test_afterschool_duty_overlap__ending_as_the_next_starts_passes(void **state)
{
    (void)state;
    as_duty_span held[] = {{.id = 7, .program_id = 1, .start_min = 16 * 60, .end_min = 18 * 60},
                           {.id = 8, .program_id = 2, .start_min = 19 * 60, .end_min = 20 * 60}};
    int shared = -1;
    /* 18:00-19:00 touches both ends and overlaps neither */
    assert_int_equal(afterschool_duty_overlap(18 * 60, 19 * 60, held, 2, &shared), -1);
    assert_int_equal(shared, 0);
    /* 15:00-16:00 ends as the first starts */
    assert_int_equal(afterschool_duty_overlap(15 * 60, 16 * 60, held, 2, NULL), -1);
    assert_int_equal(afterschool_duty_overlap(15 * 60, 16 * 60, held, 0, NULL), -1);
}

static void test_afterschool_duty_overlap__one_minute_fails(void **state)
{
    (void)state;
    as_duty_span held[] = {{.id = 7, .program_id = 1, .start_min = 16 * 60, .end_min = 18 * 60},
                           {.id = 8, .program_id = 2, .start_min = 19 * 60, .end_min = 20 * 60}};
    int shared = 0;
    assert_int_equal(afterschool_duty_overlap(18 * 60 - 1, 19 * 60, held, 2, &shared), 0);
    assert_int_equal(shared, 1);
    assert_int_equal(afterschool_duty_overlap(18 * 60, 19 * 60 + 1, held, 2, &shared), 1);
    assert_int_equal(shared, 1);
    /* the same hours, and one inside the other */
    assert_int_equal(afterschool_duty_overlap(16 * 60, 18 * 60, held, 2, &shared), 0);
    assert_int_equal(shared, 120);
    assert_int_equal(afterschool_duty_overlap(19 * 60 + 10, 19 * 60 + 20, held, 2, &shared), 1);
    assert_int_equal(shared, 10);
}

static void test_afterschool_check_duty__overlap_and_same_session(void **state)
{
    (void)state;
    as_duty_span held[2] = {{.id = 7, .program_id = 70, .start_min = 16 * 60, .end_min = 18 * 60},
                            {.id = 8, .program_id = 80, .start_min = 18 * 60, .end_min = 19 * 60}};
    /* ending as the next starts passes */
    assert_true(ok(afterschool_check_duty(90, 19 * 60, 20 * 60, held, 2)));
    /* one minute inside 16:00-18:00 */
    verdict v = afterschool_check_duty(90, 17 * 60 + 59, 19 * 60 + 30, held, 2);
    assert_int_equal(v.err, SJ_ERR_RULE);
    assert_string_equal(v.code, "duty_overlap");
    assert_string_equal(v.rule, "AS-9");
    assert_int_equal(num(&v, "overlap_minutes"), 1);
    assert_int_equal(num(&v, "duty_id"), 7);
    assert_int_equal(num(&v, "program_id"), 70);
    assert_string_equal(str(&v, "start"), "17:59");
    assert_string_equal(str(&v, "end"), "19:30");
    assert_string_equal(str(&v, "other_start"), "16:00");
    assert_string_equal(str(&v, "other_end"), "18:00");
    /* the same program again is the same session recorded twice: 409, not AS-9 */
    v = afterschool_check_duty(80, 18 * 60, 19 * 60, held, 2);
    assert_int_equal(v.err, SJ_ERR_CONFLICT);
    assert_null(v.rule);
    assert_int_equal(num(&v, "duty_id"), 8);
    assert_true(ok(afterschool_check_duty(90, 8 * 60, 9 * 60, held, 0)));
}

/* ---------- allocation ---------- */

static void test_afterschool_allocate__never_over_capacity(void **state)
{
    (void)state;
    enum { NP = 200, NPROG = 4 };
    as_alloc_pupil pupils[NP];
    for (int i = 0; i < NP; i++) {
        pupils[i].nchoices = 3;
        for (int c = 0; c < 3; c++)
            pupils[i].choice[c] = (i + c) % NPROG;
    }
    int64_t seats[NPROG] = {30, 20, 10, 0};
    int assign[NP];
    size_t order[NP];
    afterschool_allocate(pupils, NP, seats, NPROG, 42, assign, order);
    int count[NPROG] = {0}, placed = 0;
    for (int i = 0; i < NP; i++)
        if (assign[i] >= 0) {
            count[assign[i]]++;
            placed++;
        }
    assert_int_equal(count[0], 30);
    assert_int_equal(count[1], 20);
    assert_int_equal(count[2], 10);
    assert_int_equal(count[3], 0);
    assert_int_equal(placed, 60);
    for (int p = 0; p < NPROG; p++)
        assert_int_equal(seats[p], 0);
    /* the lottery order is a permutation */
    unsigned char seen[NP] = {0};
    for (int k = 0; k < NP; k++) {
        assert_true(order[k] < NP);
        assert_false(seen[order[k]]);
        seen[order[k]] = 1;
    }
}

static void test_afterschool_allocate__best_free_choice_in_lottery_order(void **state)
{
    (void)state;
    enum { NP = 50, NPROG = 3 };
    as_alloc_pupil pupils[NP];
    for (int i = 0; i < NP; i++) {
        pupils[i].nchoices = 2;
        pupils[i].choice[0] = i % 2;
        pupils[i].choice[1] = 2;
    }
    int64_t seats[NPROG] = {5, 5, 10}, left[NPROG] = {5, 5, 10};
    int assign[NP];
    size_t order[NP];
    afterschool_allocate(pupils, NP, seats, NPROG, 7, assign, order);
    /* replay: each pupil in turn got the first of their choices with a seat left */
    for (int k = 0; k < NP; k++) {
        size_t i = order[k];
        int want = -1;
        for (int c = 0; c < pupils[i].nchoices; c++)
            if (left[pupils[i].choice[c]] > 0) {
                want = pupils[i].choice[c];
                break;
            }
        assert_int_equal(assign[i], want);
        if (want >= 0)
            left[want]--;
    }
}

static void test_afterschool_allocate__same_seed_same_result(void **state)
{
    (void)state;
    enum { NP = 30 };
    as_alloc_pupil pupils[NP];
    for (int i = 0; i < NP; i++) {
        pupils[i].nchoices = 1;
        pupils[i].choice[0] = 0;
    }
    int64_t s1[1] = {10}, s2[1] = {10}, s3[1] = {10};
    int a1[NP], a2[NP], a3[NP];
    size_t o1[NP], o2[NP], o3[NP];
    afterschool_allocate(pupils, NP, s1, 1, 99, a1, o1);
    afterschool_allocate(pupils, NP, s2, 1, 99, a2, o2);
    afterschool_allocate(pupils, NP, s3, 1, 100, a3, o3);
    assert_memory_equal(a1, a2, sizeof a1);
    assert_memory_equal(o1, o2, sizeof o1);
    assert_memory_not_equal(o1, o3, sizeof o1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_afterschool_off_work__season_edges),
        cmocka_unit_test(test_afterschool_check_off_work__exactly_at_off_work_passes),
        cmocka_unit_test(test_afterschool_check_off_work__a_minute_earlier_fails),
        cmocka_unit_test(test_afterschool_check_off_work__district_sets_seasons),
        cmocka_unit_test(test_afterschool_fee_cap__national_caps),
        cmocka_unit_test(test_afterschool_fee_cap__district_override),
        cmocka_unit_test(test_afterschool_vendor_check__each_verdict),
        cmocka_unit_test(test_afterschool_check_fee__at_the_cap_passes_one_fen_over_fails),
        cmocka_unit_test(test_afterschool_clash__same_kind_overlapping),
        cmocka_unit_test(test_afterschool_clash__touching_times_do_not_clash),
        cmocka_unit_test(test_afterschool_clash__other_days_kinds_or_dates),
        cmocka_unit_test(test_afterschool_weekdays_text__mask),
        cmocka_unit_test(test_afterschool_coverage__two_hours_every_day_passes),
        cmocka_unit_test(test_afterschool_coverage__a_minute_short_fails),
        cmocka_unit_test(test_afterschool_coverage__overlapping_programs_count_once),
        cmocka_unit_test(test_afterschool_bill_compute__care_only),
        cmocka_unit_test(test_afterschool_bill_compute__holidays_are_not_billed),
        cmocka_unit_test(test_afterschool_bill_compute__care_and_course_overlap_charged_once),
        cmocka_unit_test(test_afterschool_bill_compute__double_charge_when_district_allows),
        cmocka_unit_test(test_afterschool_bill_compute__hardship_waiver),
        cmocka_unit_test(test_afterschool_bill_compute__leaving_mid_term_refunds_pro_rata),
        cmocka_unit_test(test_afterschool_bill_compute__leaving_ends_the_overlap_too),
        cmocka_unit_test(test_afterschool_bill_compute__seat_given_late_bills_from_then),
        cmocka_unit_test(test_afterschool_bill_compute__pro_rata_days_edge),
        cmocka_unit_test(test_afterschool_pro_rata__short_term_by_sessions_and_rounding),
        cmocka_unit_test(test_afterschool_rural_gap__cost_minus_fees),
        cmocka_unit_test(test_afterschool_topup_check__edge),
        cmocka_unit_test(test_afterschool_bill_compute__term_cap_exactly_and_over),
        cmocka_unit_test(test_afterschool_bill_compute__each_day_by_the_version_in_force),
        cmocka_unit_test(test_afterschool_bill_compute__amounts_round_down),
        cmocka_unit_test(test_afterschool_fen_text__formats),
        cmocka_unit_test(test_afterschool_subsidy__per_class_hour),
        cmocka_unit_test(test_afterschool_subsidy__floor_and_cap),
        cmocka_unit_test(test_afterschool_leave_check__exact_credits_pass),
        cmocka_unit_test(test_afterschool_leave_check__a_minute_short_fails),
        cmocka_unit_test(test_afterschool_leave_check__weekly_limit),
        cmocka_unit_test(test_afterschool_week_start__monday),
        cmocka_unit_test(test_afterschool_duty_overlap__ending_as_the_next_starts_passes),
        cmocka_unit_test(test_afterschool_duty_overlap__one_minute_fails),
        cmocka_unit_test(test_afterschool_check_duty__overlap_and_same_session),
        cmocka_unit_test(test_afterschool_allocate__never_over_capacity),
        cmocka_unit_test(test_afterschool_allocate__best_free_choice_in_lottery_order),
        cmocka_unit_test(test_afterschool_allocate__same_seed_same_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
