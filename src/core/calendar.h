/*
 * calendar.h: dates and the district's school calendar (terms, holidays, make-up workdays).
 *
 * Pure date arithmetic (no I/O): date_days, days_date, date_weekday, date_add_days,
 * date_add_months (FU-2's "same day of the month N months later", the month's last day
 * standing in for a missing day), term_of_date.
 * Store-backed: calendar_day_kind tells whether a date is a school day, weekend, holiday or
 * vacation for a district; calendar_term_bounds gives a term's first and last day. When the
 * district has not entered a term, the default dates apply (autumn: Sep 1 to Jan 20 of the
 * next year; spring: Feb 20 to Jul 10; winter and summer vacations lie outside them).
 */
#ifndef SJ_CALENDAR_H
#define SJ_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>
#include "app.h"

typedef enum { DAY_SCHOOL = 1, DAY_WEEKEND, DAY_HOLIDAY, DAY_VACATION } day_kind;

int64_t date_days(const char *date); /* days since 1970-01-01; valid_date first */
void days_date(int64_t days, char out[11]);
int date_weekday(const char *date); /* 1 Monday .. 7 Sunday */
void date_add_days(const char *date, int64_t n, char out[11]);
void date_add_months(const char *date, int months, char out[11]);
bool term_valid(const char *term); /* YYYY-autumn | YYYY-spring */
void term_of_date(const char *date, char out[16]);
void term_default_bounds(const char *term, char first[11], char last[11]);

/* What the calendar says of one date, every fact apart; a rule decides which fact wins. */
typedef struct {
    bool in_term; /* between its term's first and last day (else a vacation) */
    bool holiday; /* the district marked it a holiday (calendar_days kind "holiday") */
    bool makeup;  /* a make-up school day (调休, calendar_days kind "workday") */
    bool weekend; /* Saturday or Sunday */
} cal_day;

/* The one classifier (pure): date against its term's bounds and its calendar_days row
 * ("holiday", "workday" or "" when the district entered nothing for it). */
cal_day calendar_classify(const char *date, const char *term_first, const char *term_last,
                          const char *row_kind);
/* The calendar's own precedence, for everything but HW-4: a holiday, then a vacation, then a
 * make-up school day, then a weekend, else a school day. */
day_kind calendar_kind_of(cal_day d);

/* DB_ROW with OUT values, or an error. */
int calendar_term_bounds(db_conn *c, int64_t district_id, const char *term, char first[11],
                         char last[11]);
/* DAY_* or a negative DB_ error. OUT: holiday name (may be NULL). */
int calendar_day_kind(db_conn *c, int64_t district_id, const char *date, char *name,
                      size_t namelen);

const route *calendar_routes(size_t *n);

#endif
