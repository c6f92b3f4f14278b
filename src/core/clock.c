/*
 * clock.c: the district's one clock, China Standard Time, and the test clock (clock.h).
 *
 * The only place the program reads the system clock for a date (scripts/lint.sh refuses
 * time(), gettimeofday(), localtime() and gmtime() anywhere else). Dates are computed with the
 * calendar's own arithmetic on CST days, never with the C library's time zone, so TZ and the
 * machine's zone do not matter.
 *
 * State: `clk` below, the one file-scope variable that is not const. clock_init writes it once,
 * in main, before the server or any other thread starts; from then on it is only read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "calendar.h"
#include "clock.h"

#define TEST_CLOCK_DEFAULT_MINUTES (10 * 60) /* SJ_TODAY without SJ_TODAY_TIME starts at 10:00 */

static struct {
    bool test;        /* the test clock is on */
    int64_t offset_s; /* added to the machine's time */
    char start[24];   /* "YYYY-MM-DD HH:MM", where the test clock started */
} clk;

static const char *env_value(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

int clock_init(char *err, size_t errlen)
{
    const char *on = env_value("SJ_TEST_CLOCK"), *day = env_value("SJ_TODAY"),
               *at = env_value("SJ_TODAY_TIME");
    if (!on && !day && !at)
        return 0;
    if (!on || strcmp(on, "1") != 0) {
        snprintf(err, errlen,
                 "SJ_TODAY or SJ_TODAY_TIME is set without SJ_TEST_CLOCK=1: a test clock needs "
                 "both, and a production server needs neither (unset SJ_TODAY)");
        return -1;
    }
    if (!day) {
        snprintf(err, errlen, "SJ_TEST_CLOCK=1 needs SJ_TODAY=YYYY-MM-DD (the test day)");
        return -1;
    }
    if (!valid_date(day)) {
        snprintf(err, errlen, "SJ_TODAY must be a date YYYY-MM-DD, not \"%.20s\"", day);
        return -1;
    }
    if (at && !valid_hhmm(at)) {
        snprintf(err, errlen,
                 "SJ_TODAY_TIME must be a time HH:MM (China Standard Time), not "
                 "\"%.20s\"",
                 at);
        return -1;
    }
    int minutes = at ? hhmm_minutes(at) : TEST_CLOCK_DEFAULT_MINUTES;
    clk.offset_s = date_unix(day, minutes) - (int64_t)time(NULL);
    clk.test = true;
    snprintf(clk.start, sizeof clk.start, "%s %02d:%02d", day, minutes / 60, minutes % 60);
    return 0;
}

bool clock_is_test(void)
{
    return clk.test;
}

void clock_banner(void)
{
    if (!clk.test)
        return;
    char now[32];
    now_rfc3339(now);
    fprintf(stderr,
            "shuangjian: ************************************************************\n"
            "shuangjian: TEST CLOCK ON (SJ_TEST_CLOCK=1, SJ_TODAY): the clock started at\n"
            "shuangjian: %s " CLOCK_UTC_OFFSET ", now %s.\n"
            "shuangjian: Every date is made up. Never run a real district like this.\n"
            "shuangjian: ************************************************************\n",
            clk.start, now);
}

int64_t now_unix(void)
{
    return (int64_t)time(NULL) + clk.offset_s;
}

/* Floor division, so that moments before 1970 fall on the right day too. */
static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

void unix_date(int64_t t, char out[11])
{
    days_date(floor_div(t + CLOCK_UTC_OFFSET_S, 86400), out);
}

void unix_rfc3339(int64_t t, char out[32])
{
    int64_t local = t + CLOCK_UTC_OFFSET_S;
    int64_t secs = local - floor_div(local, 86400) * 86400;
    char day[11];
    unix_date(t, day);
    snprintf(out, 32, "%sT%02d:%02d:%02d" CLOCK_UTC_OFFSET, day, (int)(secs / 3600),
             (int)(secs / 60 % 60), (int)(secs % 60));
}

void now_rfc3339(char out[32])
{
    unix_rfc3339(now_unix(), out);
}

void today_local(char out[11])
{
    unix_date(now_unix(), out);
}

int64_t date_unix(const char *date, int minutes)
{
    return date_days(date) * 86400 + (int64_t)minutes * 60 - CLOCK_UTC_OFFSET_S;
}
