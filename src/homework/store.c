/*
 * store.c: the homework module's SQL (see homework_int.h).
 *
 * The roll-ups (migrations/0100_homework.sql, 0103) are kept by recomputing the one class-day
 * an item write touched (hw_store_day_refresh) and adding the difference of that row to its
 * school-grade-day, and by adding deltas to the district's day, grade and subject
 * (hw_store_subject_add). Both run in the caller's write transaction after the class-day lock,
 * so two writers never recompute the same class-day from different snapshots; the school and
 * district rows take additive updates (ON CONFLICT ... DO UPDATE SET x = x + delta), which are
 * safe between different class-days: on PostgreSQL the row lock orders them.
 */
#include <stdio.h>
#include <string.h>

#include "homework/homework_int.h"

int hw_store_class(db_conn *c, int64_t class_id, hw_class *out)
{
    db_stmt *s = db_query(c, "SELECT id, district_id, school_id, grade, name FROM classes WHERE id = $1", class_id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->id = db_col_int64(s, 0);
        out->district_id = db_col_int64(s, 1);
        out->school_id = db_col_int64(s, 2);
        out->grade = (int)db_col_int64(s, 3);
        snprintf(out->name, sizeof out->name, "%s", db_col_text(s, 4));
    }
    db_finalize(s);
    return rc;
}

static hw_kind kind_parse(const char *k)
{
    for (int i = 0; homework_kinds[i]; i++)
        if (strcmp(homework_kinds[i], k) == 0)
            return (hw_kind)i;
    return HW_WRITTEN;
}

int hw_store_item(db_conn *c, int64_t id, hw_item *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, school_id, class_id, teacher_id, grade, date, subject,"
                          " title, kind, minutes, fb_count, fb_minutes, withdrawn_at, marked_at"
                          " FROM homework WHERE id = $1", id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->id = db_col_int64(s, 0);
        out->district_id = db_col_int64(s, 1);
        out->school_id = db_col_int64(s, 2);
        out->class_id = db_col_int64(s, 3);
        out->teacher_id = db_col_int64(s, 4);
        out->grade = (int)db_col_int64(s, 5);
        snprintf(out->date, sizeof out->date, "%s", db_col_text(s, 6));
        snprintf(out->subject, sizeof out->subject, "%s", db_col_text(s, 7));
        snprintf(out->title, sizeof out->title, "%s", db_col_text(s, 8));
        out->kind = kind_parse(db_col_text(s, 9));
        out->minutes = (int)db_col_int64(s, 10);
        out->fb_count = db_col_int64(s, 11);
        out->fb_minutes = db_col_int64(s, 12);
        out->withdrawn = !db_col_isnull(s, 13);
        out->marked_at = db_col_isnull(s, 14) ? 0 : db_col_int64(s, 14);
    }
    db_finalize(s);
    return rc;
}

/* Terms follow each other: ..., Y-autumn, (Y+1)-spring, (Y+1)-autumn, ... */
static void term_step(const char *term, int dir, char out[16])
{
    int y = 0;
    for (int i = 0; i < 4; i++)
        y = y * 10 + (term[i] - '0');
    bool autumn = strcmp(term + 4, "-autumn") == 0;
    if (dir > 0)
        snprintf(out, 16, "%04d-%s", autumn ? y + 1 : y, autumn ? "spring" : "autumn");
    else
        snprintf(out, 16, "%04d-%s", autumn ? y : y - 1, autumn ? "spring" : "autumn");
}

/* The period of `date` given its term's bounds and its calendar_days row ("holiday", "workday"
 * or ""): the calendar's facts (calendar_classify) weighed by HW-4's precedence
 * (homework_day_kind, rules.c). */
static int period_from(db_conn *c, const policy *pol, int64_t district_id, int grade,
                       const char *date, const char *term, const char *first, const char *last,
                       const char *day_row, hw_period *out)
{
    int rc;
    out->day = homework_day_kind(calendar_classify(date, first, last, day_row));
    snprintf(out->term_first, sizeof out->term_first, "%s", first);
    snprintf(out->term_last, sizeof out->term_last, "%s", last);
    snprintf(out->from, sizeof out->from, "%s", date);
    snprintf(out->to, sizeof out->to, "%s", date);
    if (out->day == DAY_VACATION) {
        /* a vacation: from the day after the term before to the day before the term after */
        char other[16], of[11], ol[11];
        bool before = strcmp(date, first) < 0;
        term_step(term, before ? -1 : 1, other);
        rc = calendar_term_bounds(c, district_id, other, of, ol);
        if (rc != DB_ROW)
            return rc;
        if (before) {
            date_add_days(ol, 1, out->from);
            date_add_days(first, -1, out->to);
        } else {
            date_add_days(last, 1, out->from);
            date_add_days(of, -1, out->to);
        }
        if (strcmp(out->from, date) > 0)
            snprintf(out->from, sizeof out->from, "%s", date);
        if (strcmp(out->to, date) < 0)
            snprintf(out->to, sizeof out->to, "%s", date);
    }
    out->cap = homework_cap(pol, grade, out->day);
    return DB_ROW;
}

/* The term bounds (defaults when the district entered none) and the calendar row of a date,
 * as selected by the queries below: columns first, last, kind from `col` on. */
static void head_cols(db_stmt *s, int col, const char *term, char first[11], char last[11],
                      char kind[16])
{
    if (db_col_isnull(s, col) || db_col_isnull(s, col + 1)) {
        term_default_bounds(term, first, last);
    } else {
        snprintf(first, 11, "%s", db_col_text(s, col));
        snprintf(last, 11, "%s", db_col_text(s, col + 1));
    }
    snprintf(kind, 16, "%s", db_col_text(s, col + 2));
}

int hw_store_period(db_conn *c, const policy *pol, int64_t district_id, int grade,
                    const char *date, hw_period *out)
{
    char term[16], first[11], last[11], kind[16];
    term_of_date(date, term);
    db_stmt *s = db_query(c,
                          "SELECT (SELECT first_day FROM terms WHERE district_id = $1 AND term = $2),"
                          " (SELECT last_day FROM terms WHERE district_id = $1 AND term = $2),"
                          " (SELECT kind FROM calendar_days WHERE district_id = $1 AND date = $3)", district_id, term, date);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW)
        head_cols(s, 0, term, first, last, kind);
    db_finalize(s);
    if (rc != DB_ROW)
        return rc == DB_DONE ? DB_ERROR : rc;
    return period_from(c, pol, district_id, grade, date, term, first, last, kind, out);
}

/* The class row of `s` (id, district_id, school_id, grade, name). */
static void class_cols(db_stmt *s, hw_class *cl)
{
    cl->id = db_col_int64(s, 0);
    cl->district_id = db_col_int64(s, 1);
    cl->school_id = db_col_int64(s, 2);
    cl->grade = (int)db_col_int64(s, 3);
    snprintf(cl->name, sizeof cl->name, "%s", db_col_text(s, 4));
}

int hw_store_class_day(db_conn *c, const policy *pol, int64_t class_id, const char *date,
                       hw_class *cl, hw_period *out)
{
    char term[16], first[11], last[11], kind[16];
    term_of_date(date, term);
    db_stmt *s = db_query(c,
                          "SELECT c.id, c.district_id, c.school_id, c.grade, c.name,"
                          " (SELECT first_day FROM terms t WHERE t.district_id = c.district_id"
                          "  AND t.term = $2),"
                          " (SELECT last_day FROM terms t WHERE t.district_id = c.district_id"
                          "  AND t.term = $2),"
                          " (SELECT kind FROM calendar_days d WHERE d.district_id = c.district_id"
                          "  AND d.date = $3)"
                          " FROM classes c WHERE c.id = $1", class_id, term, date);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        class_cols(s, cl);
        head_cols(s, 5, term, first, last, kind);
    }
    db_finalize(s);
    if (rc != DB_ROW)
        return rc;
    return period_from(c, pol, cl->district_id, cl->grade, date, term, first, last, kind, out);
}

db_stmt *hw_store_board_open(db_conn *c, int64_t class_id, const char *date, hw_board_head *h)
{
    memset(h, 0, sizeof *h);
    snprintf(h->date, sizeof h->date, "%s", date);
    term_of_date(date, h->term);
    /* classes by its key, terms and calendar_days by their unique keys, the items through
     * homework_class_day: one row per item in id order, or one row with NULL items */
    return db_query(c,
                    "SELECT c.id, c.district_id, c.school_id, c.grade, c.name,"
                    " t.first_day, t.last_day, d.kind,"
                    " h.id, h.subject, h.title, h.content, h.kind, h.tier, h.minutes, u.name,"
                    " h.marked_at"
                    " FROM classes c"
                    " LEFT JOIN terms t ON t.district_id = c.district_id AND t.term = $2"
                    " LEFT JOIN calendar_days d ON d.district_id = c.district_id AND d.date = $3"
                    " LEFT JOIN homework h ON h.class_id = c.id AND h.date = $3"
                    "  AND h.withdrawn_at IS NULL"
                    " LEFT JOIN users u ON u.id = h.teacher_id"
                    " WHERE c.id = $1 ORDER BY h.id", class_id, h->term, date);
}

void hw_store_board_head(db_stmt *s, hw_class *cl, hw_board_head *h)
{
    class_cols(s, cl);
    head_cols(s, 5, h->term, h->first, h->last, h->kind);
}

int hw_store_board_period(db_conn *c, const policy *pol, const hw_class *cl,
                          const hw_board_head *h, hw_period *out)
{
    return period_from(c, pol, cl->district_id, cl->grade, h->date, h->term, h->first, h->last,
                       h->kind, out);
}

int hw_store_use(db_conn *c, int64_t class_id, const char *from, const char *to, const char *date,
                 const char *subject, int64_t except_id, hw_use *out)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_query(c,
                          "SELECT COALESCE(SUM(minutes), 0),"
                          " COUNT(DISTINCT CASE WHEN date = $4 THEN subject END),"
                          " COALESCE(MAX(CASE WHEN date = $4 AND subject = $5 THEN 1 ELSE 0 END), 0)"
                          " FROM homework WHERE class_id = $1 AND date >= $2 AND date <= $3"
                          " AND kind = 'written' AND withdrawn_at IS NULL AND id <> $6", class_id, from, to, date, subject ? subject : "", except_id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->written_minutes = (int)db_col_int64(s, 0);
        out->written_subjects = (int)db_col_int64(s, 1);
        out->subject_seen = db_col_int64(s, 2) != 0;
    }
    db_finalize(s);
    return rc == DB_DONE ? DB_ERROR : rc;
}

json_t *hw_store_written_items(db_conn *c, int64_t class_id, const char *from, const char *to)
{
    db_stmt *s = db_query(c,
                          "SELECT h.id, h.date, h.subject, h.title, h.minutes, u.name FROM homework h"
                          " JOIN users u ON u.id = h.teacher_id WHERE h.class_id = $1 AND h.date >= $2"
                          " AND h.date <= $3 AND h.kind = 'written' AND h.withdrawn_at IS NULL"
                          " ORDER BY h.date, h.id", class_id, from, to);
    return db_rows_json(s, "id:i,date:s,subject:s,title:s,minutes:i,teacher_name:s");
}

typedef struct {
    int limit, items, written_items, written_minutes, written_subjects, reported,
        reported_minutes, over, rover;
    bool exists;
} day_row;

/* The class-day's sums from its active items (n) and the row stored for it (o), in one query.
 * A written item counts at the mean of its reports, rounded half up, or at its estimate when
 * nobody reported (homework_reported_minutes; integer division on purpose). */
static int day_read(db_conn *c, int64_t class_id, const char *date, day_row *n, day_row *o)
{
    memset(n, 0, sizeof *n);
    memset(o, 0, sizeof *o);
    db_stmt *s = db_query(c,
                          "SELECT x.items, x.witems, x.wmin, x.wsubj, x.rep, x.rmin,"
                          " d.limit_minutes, d.items, d.written_items, d.written_minutes,"
                          " d.written_subjects, d.reported, d.reported_minutes, d.over_cap,"
                          " d.reported_over_cap, d.class_id"
                          " FROM (SELECT COUNT(*) AS items,"
                          "  COALESCE(SUM(CASE WHEN kind = 'written' THEN 1 ELSE 0 END), 0) AS witems,"
                          "  COALESCE(SUM(CASE WHEN kind = 'written' THEN minutes ELSE 0 END), 0) AS wmin,"
                          "  COUNT(DISTINCT CASE WHEN kind = 'written' THEN subject END) AS wsubj,"
                          "  COALESCE(MAX(CASE WHEN kind = 'written' AND fb_count > 0 THEN 1 ELSE 0 END), 0)"
                          "   AS rep,"
                          "  COALESCE(SUM(CASE WHEN kind <> 'written' THEN 0 WHEN fb_count > 0"
                          "   THEN (2 * fb_minutes + fb_count) / (2 * fb_count) ELSE minutes END), 0) AS rmin"
                          "  FROM homework WHERE class_id = $1 AND date = $2 AND withdrawn_at IS NULL) x"
                          " LEFT JOIN homework_days d ON d.class_id = $1 AND d.date = $2", class_id, date);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        int *nf[] = {&n->items, &n->written_items, &n->written_minutes, &n->written_subjects,
                     &n->reported, &n->reported_minutes};
        for (int i = 0; i < 6; i++)
            *nf[i] = (int)db_col_int64(s, i);
        o->exists = !db_col_isnull(s, 15);
        int *of[] = {&o->limit, &o->items, &o->written_items, &o->written_minutes,
                     &o->written_subjects, &o->reported, &o->reported_minutes, &o->over, &o->rover};
        for (int i = 0; o->exists && i < 9; i++)
            *of[i] = (int)db_col_int64(s, 6 + i);
    }
    db_finalize(s);
    return rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
}

int hw_store_day_refresh(db_conn *c, const hw_class *cl, const char *date, int limit)
{
    day_row o, n;
    int rc = day_read(c, cl->id, date, &n, &o);
    if (rc != DB_OK)
        return rc;
    n.limit = limit != HW_KEEP_LIMIT ? limit : o.exists ? o.limit : -1;
    n.over = n.limit >= 0 && n.written_minutes > n.limit;
    n.rover = n.reported && n.limit >= 0 && n.reported_minutes > n.limit;
    rc = db_run(c,
                "INSERT INTO homework_days (class_id, date, district_id, school_id, grade,"
                " limit_minutes, items, written_items, written_minutes, written_subjects, reported,"
                " reported_minutes, over_cap, reported_over_cap)"
                " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)"
                " ON CONFLICT (class_id, date) DO UPDATE SET limit_minutes = $6, items = $7,"
                " written_items = $8, written_minutes = $9, written_subjects = $10, reported = $11,"
                " reported_minutes = $12, over_cap = $13, reported_over_cap = $14", cl->id, date, cl->district_id, cl->school_id, (int64_t)cl->grade,
                (int64_t)n.limit, (int64_t)n.items, (int64_t)n.written_items,
                (int64_t)n.written_minutes, (int64_t)n.written_subjects, (int64_t)n.reported,
                (int64_t)n.reported_minutes, (int64_t)n.over, (int64_t)n.rover);
    if (rc != DB_DONE)
        return rc;
    /* the school-grade-day moves by the difference of this class-day */
    int64_t d_days = (n.items > 0) - (o.items > 0);
    int64_t d_written = n.written_minutes - o.written_minutes;
    int64_t d_over = n.over - o.over;
    int64_t d_rdays = n.reported - o.reported;
    int64_t d_rsum = (n.reported ? n.reported_minutes : 0) - (o.reported ? o.reported_minutes : 0);
    int64_t d_rover = n.rover - o.rover;
    if (!d_days && !d_written && !d_over && !d_rdays && !d_rsum && !d_rover)
        return DB_DONE;
    return db_run(c,
                  "INSERT INTO homework_school_days (school_id, date, grade, district_id, class_days,"
                  " written_sum, over_days, reported_days, reported_sum, reported_over_days)"
                  " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (school_id, date, grade)"
                  " DO UPDATE SET class_days = homework_school_days.class_days + $5,"
                  " written_sum = homework_school_days.written_sum + $6,"
                  " over_days = homework_school_days.over_days + $7,"
                  " reported_days = homework_school_days.reported_days + $8,"
                  " reported_sum = homework_school_days.reported_sum + $9,"
                  " reported_over_days = homework_school_days.reported_over_days + $10", cl->school_id, date, (int64_t)cl->grade, cl->district_id, d_days,
                  d_written, d_over, d_rdays, d_rsum, d_rover);
}

int hw_store_subject_add(db_conn *c, const hw_class *cl, const char *date, const char *subject,
                         const hw_subject_delta *d)
{
    return db_run(c,
                  "INSERT INTO homework_subject_totals (district_id, date, grade, subject, items,"
                  " minutes, written_items, written_minutes, fb_count, fb_minutes, fb_estimate)"
                  " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"
                  " ON CONFLICT (district_id, date, grade, subject) DO UPDATE SET"
                  " items = homework_subject_totals.items + $5,"
                  " minutes = homework_subject_totals.minutes + $6,"
                  " written_items = homework_subject_totals.written_items + $7,"
                  " written_minutes = homework_subject_totals.written_minutes + $8,"
                  " fb_count = homework_subject_totals.fb_count + $9,"
                  " fb_minutes = homework_subject_totals.fb_minutes + $10,"
                  " fb_estimate = homework_subject_totals.fb_estimate + $11", cl->district_id, date, (int64_t)cl->grade, subject, d->items,
                  d->minutes, d->written_items, d->written_minutes, d->fb_count, d->fb_minutes,
                  d->fb_estimate);
}

int hw_store_lock(db_conn *c, int64_t class_id, const hw_period *p, const char *date1,
                  const char *date2)
{
    int rc = DB_OK;
    /* a class-vacation key lies above every class-day key of the class (days < 50000 until
     * the year 2106), so it never equals a day's key */
    if (p && p->day == DAY_VACATION)
        rc = db_lock(c, DB_LOCK_CLASS_DAY, homework_lock_key(class_id, 50000 + date_days(p->from)));
    int64_t a = date_days(date1), b = date2 ? date_days(date2) : a;
    if (a > b) {
        int64_t t = a;
        a = b;
        b = t;
    }
    if (rc == DB_OK)
        rc = db_lock(c, DB_LOCK_CLASS_DAY, homework_lock_key(class_id, a));
    if (rc == DB_OK && b != a)
        rc = db_lock(c, DB_LOCK_CLASS_DAY, homework_lock_key(class_id, b));
    return rc;
}
