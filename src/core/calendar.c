/*
 * calendar.c: date arithmetic and the district's school calendar: the pure date functions, the
 * classifier, and the calendar's store (the reads of calendar.h; the writes a district admin
 * makes, core_int.h: each owns its transaction and returns a verdict). The routes are in
 * api_calendar.c. See calendar.h.
 *
 * How a date is classified, in this order: a `holiday` row → DAY_HOLIDAY; outside the term
 * that would hold it → DAY_VACATION; a `workday` row (调休) → DAY_SCHOOL; Saturday or Sunday
 * → DAY_WEEKEND; otherwise DAY_SCHOOL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "core_int.h"

/* Writes YYYY-MM-DD; the ranges are clamped so the output always fits its 11 bytes. */
static void fmt_date(char out[11], int64_t y, int m, int d)
{
    unsigned uy = (unsigned)(y < 0 ? 0 : y > 9999 ? 9999 : y);
    unsigned um = (unsigned)(m < 1    ? 1
                             : m > 12 ? 12
                                      : m),
             ud = (unsigned)(d < 1    ? 1
                             : d > 31 ? 31
                                      : d);
    snprintf(out, 11, "%04u-%02u-%02u", uy, um, ud);
}

/* Days from civil date (proleptic Gregorian), after H. Hinnant's public-domain algorithm. */
static int64_t civil_days(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int64_t date_days(const char *date)
{
    int64_t y = strtol(date, NULL, 10);
    unsigned m = (unsigned)strtol(date + 5, NULL, 10), d = (unsigned)strtol(date + 8, NULL, 10);
    return civil_days(y, m, d);
}

void days_date(int64_t z, char out[11])
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    fmt_date(out, y, (int)m, (int)d);
}

int date_weekday(const char *date)
{
    int64_t z = date_days(date);       /* 1970-01-01 was a Thursday (4) */
    int64_t w = ((z % 7) + 7 + 3) % 7; /* 0 = Monday */
    return (int)w + 1;
}

void date_add_days(const char *date, int64_t n, char out[11])
{
    days_date(date_days(date) + n, out);
}

static int month_len(int y, int m)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return len[m - 1] + (m == 2 && leap);
}

void date_add_months(const char *date, int months, char out[11])
{
    int y = (int)strtol(date, NULL, 10), m = (int)strtol(date + 5, NULL, 10),
        d = (int)strtol(date + 8, NULL, 10);
    int total = y * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    if (d > month_len(y, m))
        d = month_len(y, m); /* the month's last day stands in for a missing day */
    fmt_date(out, y, m, d);
}

bool term_valid(const char *term)
{
    if (!term || strlen(term) < 11)
        return false;
    for (int i = 0; i < 4; i++)
        if (term[i] < '0' || term[i] > '9')
            return false;
    return strcmp(term + 4, "-autumn") == 0 || strcmp(term + 4, "-spring") == 0;
}

void term_of_date(const char *date, char out[16])
{
    unsigned y = (unsigned)strtol(date, NULL, 10) % 10000, m = (unsigned)strtol(date + 5, NULL, 10);
    if (m >= 8)
        snprintf(out, 16, "%04u-autumn", y);
    else if (m == 1)
        snprintf(out, 16, "%04u-autumn", (y + 9999) % 10000);
    else
        snprintf(out, 16, "%04u-spring", y);
}

void term_default_bounds(const char *term, char first[11], char last[11])
{
    int y = (int)strtol(term, NULL, 10);
    if (strcmp(term + 4, "-autumn") == 0) {
        fmt_date(first, y, 9, 1);
        fmt_date(last, y + 1, 1, 20);
    } else {
        fmt_date(first, y, 2, 20);
        fmt_date(last, y, 7, 10);
    }
}

int calendar_term_bounds(db_conn *c, int64_t district_id, const char *term, char first[11],
                         char last[11])
{
    db_stmt *s =
        db_query(c, "SELECT first_day, last_day FROM terms WHERE district_id = $1 AND term = $2",
                 district_id, term);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        db_next_text(&row, first, 11);
        db_next_text(&row, last, 11);
    }
    db_finalize(s);
    if (rc == DB_DONE) {
        term_default_bounds(term, first, last);
        rc = DB_ROW;
    }
    return rc;
}

int calendar_day_kind(db_conn *c, int64_t district_id, const char *date, char *name, size_t namelen)
{
    char kind[16] = "";
    if (name && namelen)
        name[0] = 0;
    db_stmt *s =
        db_query(c, "SELECT kind, name FROM calendar_days WHERE district_id = $1 AND date = $2",
                 district_id, date);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        DB_NEXT_TEXT(&row, kind);
        if (name && namelen)
            db_next_text(&row, name, namelen);
    }
    db_finalize(s);
    if (rc != DB_ROW && rc != DB_DONE)
        return rc;
    char term[16], first[11], last[11];
    term_of_date(date, term);
    rc = calendar_term_bounds(c, district_id, term, first, last);
    if (rc != DB_ROW)
        return rc;
    return calendar_kind_of(calendar_classify(date, first, last, kind));
}

cal_day calendar_classify(const char *date, const char *term_first, const char *term_last,
                          const char *row_kind)
{
    const char *k = row_kind ? row_kind : "";
    return (cal_day){
        .in_term = strcmp(date, term_first) >= 0 && strcmp(date, term_last) <= 0,
        .holiday = strcmp(k, "holiday") == 0,
        .makeup = strcmp(k, "workday") == 0,
        .weekend = date_weekday(date) >= 6,
    };
}

day_kind calendar_kind_of(cal_day d)
{
    if (d.holiday)
        return DAY_HOLIDAY;
    if (!d.in_term)
        return DAY_VACATION;
    if (d.makeup)
        return DAY_SCHOOL;
    return d.weekend ? DAY_WEEKEND : DAY_SCHOOL;
}

/* ---------- the district's calendar: writes (core_int.h) ---------- */

verdict core_term_put(db_conn *c, audit_who *who, int64_t district_id, const char *term,
                      const char *first_day, const char *last_day)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = db_run(c,
                "INSERT INTO terms (district_id, term, first_day, last_day) VALUES ($1,$2,$3,$4)"
                " ON CONFLICT (district_id, term) DO UPDATE SET first_day = $3, last_day = $4",
                district_id, term, first_day, last_day);
    if (rc == DB_DONE) /* every board of the district (cache_bus.h) */
        rc = core_notify_district(c, 'c', district_id);
    if (rc == DB_DONE)
        rc = audit_tx(c, who, 0);
    return core_tx_end(c, rc);
}

verdict core_day_put(db_conn *c, audit_who *who, int64_t district_id, const char *date,
                     const char *kind, const char *name)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    if (strcmp(kind, "workday") == 0) { /* a make-up workday is a school day only inside a term */
        char term[16], first[11], last[11];
        term_of_date(date, term);
        rc = calendar_term_bounds(c, district_id, term, first, last);
        if (rc != DB_ROW)
            return core_tx_end(c, rc == DB_DONE ? DB_ERROR : rc);
        if (strcmp(date, first) < 0 || strcmp(date, last) > 0)
            return core_tx_refuse(
                c, core_field_verdict(SJ_ERR_BAD_FIELD, "date", "core.workday_outside_term"));
    }
    rc = db_run(c,
                "INSERT INTO calendar_days (district_id, date, kind, name) VALUES ($1,$2,$3,$4)"
                " ON CONFLICT (district_id, date) DO UPDATE SET kind = $3, name = $4",
                district_id, date, kind, name);
    if (rc == DB_DONE) /* every board of the district (cache_bus.h) */
        rc = core_notify_district(c, 'c', district_id);
    if (rc == DB_DONE)
        rc = audit_tx(c, who, 0);
    return core_tx_end(c, rc);
}

verdict core_day_delete(db_conn *c, audit_who *who, int64_t district_id, const char *date)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    int64_t one = 0;
    rc = db_query_int64(c, &one, "SELECT 1 FROM calendar_days WHERE district_id = $1 AND date = $2",
                        district_id, date);
    if (rc == DB_DONE)
        return core_tx_refuse(c, verdict_err(SJ_ERR_NOT_FOUND, NULL));
    if (rc == DB_ROW)
        rc = db_run(c, "DELETE FROM calendar_days WHERE district_id = $1 AND date = $2",
                    district_id, date);
    if (rc == DB_DONE) /* every board of the district (cache_bus.h) */
        rc = core_notify_district(c, 'c', district_id);
    if (rc == DB_DONE)
        rc = audit_tx(c, who, 0);
    return core_tx_end(c, rc);
}

json_t *core_terms_page(db_conn *c, int64_t district_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT term, first_day, last_day FROM terms WHERE district_id = $1"
                        " ORDER BY first_day",
                        "SELECT COUNT(*) FROM terms WHERE district_id = $1",
                        "term:s,first_day:s,last_day:s", limit, offset, district_id);
}

int core_notify_district(db_conn *c, char kind, int64_t district_id)
{
    char msg[32];
    snprintf(msg, sizeof msg, "%c %lld", kind, (long long)district_id);
    return db_notify(c, msg);
}
