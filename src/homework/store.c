/*
 * store.c: the homework items' SQL: the reads of homework_int.h (classes, items, periods, what a
 * period uses) and every write of homework.h, each one homework_<action>() that owns its
 * transaction: begin, lock, read again under the lock, check by calling the pure rule, write
 * the item, its roll-ups and its audit row, commit; on any refusal or failure it rolls back and
 * returns the verdict, and nothing is half-written. The item lists are in store_lists.c, the
 * class board's statement in store_board.c, the reports' in store_report.c.
 *
 * The roll-ups (migrations/0100_homework.sql, 0103) are kept by recomputing the one class-day
 * an item write touched (day_refresh) and adding the difference of that row to its
 * school-grade-day, and by adding deltas to the district's day, grade and subject
 * (subject_add). Both run in the write's transaction after the class-day lock, so two writers
 * never recompute the same class-day from different snapshots; the school and district rows
 * take additive updates (ON CONFLICT ... DO UPDATE SET x = x + delta), which are safe between
 * different class-days: on PostgreSQL the row lock orders them. The families' rows per
 * class-day (homework_family_days, for the half-monthly report's median) are kept by triggers
 * (migrations/0110_homework_family_days_keep.*), which recompute them from the raw rows in the
 * same statement's transaction: nothing here writes them.
 *
 * Locks (lock): the class-vacation key first for a vacation date, then the class-day keys in
 * ascending order; homework.h states why.
 */
#include <stdio.h>
#include <string.h>

#include "homework/homework_int.h"

/* ---------- rows ---------- */

static hw_kind kind_parse(const char *k)
{
    for (int i = 0; homework_kinds[i]; i++)
        if (strcmp(homework_kinds[i], k) == 0)
            return (hw_kind)i;
    return HW_WRITTEN;
}

/* The class columns id, district_id, school_id, grade, name. */
static void class_row(db_row *row, hw_class *cl)
{
    cl->id = db_next_int64(row);
    cl->district_id = db_next_int64(row);
    cl->school_id = db_next_int64(row);
    cl->grade = (int)db_next_int64(row);
    DB_NEXT_TEXT(row, cl->name);
}

int hw_store_class(db_conn *c, int64_t class_id, hw_class *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, school_id, grade, name FROM classes"
                          " WHERE id = $1",
                          class_id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        class_row(&row, out);
    }
    db_finalize(s);
    return rc;
}

int hw_store_item(db_conn *c, int64_t id, hw_item *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, school_id, class_id, teacher_id, grade, date,"
                          " subject, title, kind, minutes, fb_count, fb_minutes, withdrawn_at,"
                          " marked_at FROM homework WHERE id = $1",
                          id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        out->id = db_next_int64(&row);
        out->district_id = db_next_int64(&row);
        out->school_id = db_next_int64(&row);
        out->class_id = db_next_int64(&row);
        out->teacher_id = db_next_int64(&row);
        out->grade = (int)db_next_int64(&row);
        DB_NEXT_TEXT(&row, out->date);
        DB_NEXT_TEXT(&row, out->subject);
        DB_NEXT_TEXT(&row, out->title);
        out->kind = kind_parse(db_next_text_ref(&row));
        out->minutes = (int)db_next_int64(&row);
        out->fb_count = db_next_int64(&row);
        out->fb_minutes = db_next_int64(&row);
        out->withdrawn = !db_next_isnull(&row);
        db_next_skip(&row);
        out->marked_at = db_next_int64(&row); /* NULL reads 0: not marked */
    }
    db_finalize(s);
    return rc;
}

int hw_store_student_class(db_conn *c, int64_t student_id, int64_t *class_id)
{
    return db_query_int64(c, class_id, "SELECT class_id FROM students WHERE id = $1", student_id);
}

/* ---------- periods ---------- */

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

int hw_store_period_of(db_conn *c, const policy *pol, int64_t district_id, int grade,
                       const hw_day_head *h, hw_period *out)
{
    out->day = homework_day_kind(calendar_classify(h->date, h->first, h->last, h->kind));
    snprintf(out->term_first, sizeof out->term_first, "%s", h->first);
    snprintf(out->term_last, sizeof out->term_last, "%s", h->last);
    snprintf(out->from, sizeof out->from, "%s", h->date);
    snprintf(out->to, sizeof out->to, "%s", h->date);
    if (out->day == DAY_VACATION) {
        /* a vacation: from the day after the term before to the day before the term after */
        char other[16], of[11], ol[11];
        bool before = strcmp(h->date, h->first) < 0;
        term_step(h->term, before ? -1 : 1, other);
        int rc = calendar_term_bounds(c, district_id, other, of, ol);
        if (rc != DB_ROW)
            return rc;
        if (before) {
            date_add_days(ol, 1, out->from);
            date_add_days(h->first, -1, out->to);
        } else {
            date_add_days(h->last, 1, out->from);
            date_add_days(of, -1, out->to);
        }
        if (strcmp(out->from, h->date) > 0)
            snprintf(out->from, sizeof out->from, "%s", h->date);
        if (strcmp(out->to, h->date) < 0)
            snprintf(out->to, sizeof out->to, "%s", h->date);
    }
    out->cap = homework_cap(pol, grade, out->day);
    return DB_ROW;
}

void hw_day_head_init(hw_day_head *h, const char *date)
{
    memset(h, 0, sizeof *h);
    snprintf(h->date, sizeof h->date, "%s", date);
    term_of_date(date, h->term);
}

void hw_day_head_row(db_row *row, hw_day_head *h)
{
    if (db_next_isnull(row) || db_col_isnull(row->s, row->col + 1)) {
        term_default_bounds(h->term, h->first, h->last); /* the district entered none */
        db_next_skip(row);
        db_next_skip(row);
    } else {
        DB_NEXT_TEXT(row, h->first);
        DB_NEXT_TEXT(row, h->last);
    }
    DB_NEXT_TEXT(row, h->kind);
}

void hw_class_row(db_row *row, hw_class *cl)
{
    class_row(row, cl);
}

int hw_store_period(db_conn *c, const policy *pol, int64_t district_id, int grade, const char *date,
                    hw_period *out)
{
    hw_day_head h;
    hw_day_head_init(&h, date);
    db_stmt *s =
        db_query(c,
                 "SELECT (SELECT first_day FROM terms WHERE district_id = $1 AND term = $2),"
                 " (SELECT last_day FROM terms WHERE district_id = $1 AND term = $2),"
                 " (SELECT kind FROM calendar_days WHERE district_id = $1 AND date = $3)",
                 district_id, h.term, date);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        hw_day_head_row(&row, &h);
    }
    db_finalize(s);
    if (rc != DB_ROW)
        return rc == DB_DONE ? DB_ERROR : rc;
    return hw_store_period_of(c, pol, district_id, grade, &h, out);
}

int hw_store_class_day(db_conn *c, const policy *pol, int64_t class_id, const char *date,
                       hw_class *cl, hw_period *out)
{
    hw_day_head h;
    hw_day_head_init(&h, date);
    db_stmt *s = db_query(c,
                          "SELECT c.id, c.district_id, c.school_id, c.grade, c.name,"
                          " (SELECT first_day FROM terms t WHERE t.district_id = c.district_id"
                          "  AND t.term = $2),"
                          " (SELECT last_day FROM terms t WHERE t.district_id = c.district_id"
                          "  AND t.term = $2),"
                          " (SELECT kind FROM calendar_days d WHERE d.district_id = c.district_id"
                          "  AND d.date = $3)"
                          " FROM classes c WHERE c.id = $1",
                          class_id, h.term, date);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        class_row(&row, cl);
        hw_day_head_row(&row, &h);
    }
    db_finalize(s);
    if (rc != DB_ROW)
        return rc;
    return hw_store_period_of(c, pol, cl->district_id, cl->grade, &h, out);
}

/* ---------- what a period uses ---------- */

int hw_store_use(db_conn *c, int64_t class_id, const char *from, const char *to, const char *date,
                 const char *subject, int64_t except_id, hw_use *out)
{
    memset(out, 0, sizeof *out);
    db_stmt *s =
        db_query(c,
                 "SELECT COALESCE(SUM(CASE WHEN kind = 'written' THEN minutes END), 0),"
                 " COUNT(DISTINCT CASE WHEN date = $4 AND kind = 'written' THEN subject END),"
                 " COALESCE(MAX(CASE WHEN date = $4 AND subject = $5 AND kind = 'written'"
                 " THEN 1 ELSE 0 END), 0),"
                 " COALESCE(SUM(CASE WHEN date = $4 THEN minutes END), 0)"
                 " FROM homework WHERE class_id = $1 AND date >= $2 AND date <= $3"
                 " AND withdrawn_at IS NULL AND id <> $6",
                 class_id, from, to, date, subject ? subject : "", except_id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        out->written_minutes = (int)db_next_int64(&row);
        out->written_subjects = (int)db_next_int64(&row);
        out->subject_seen = db_next_int64(&row) != 0;
        out->all_minutes = (int)db_next_int64(&row);
    }
    db_finalize(s);
    return rc == DB_DONE ? DB_ERROR : rc;
}

/* The written items of a class in [from, to]: what uses the minutes a refusal names. */
static json_t *written_items(db_conn *c, int64_t class_id, const char *from, const char *to)
{
    db_stmt *s =
        db_query(c,
                 "SELECT h.id, h.date, h.subject, h.title, h.minutes, u.name FROM homework h"
                 " JOIN users u ON u.id = h.teacher_id WHERE h.class_id = $1 AND h.date >= $2"
                 " AND h.date <= $3 AND h.kind = 'written' AND h.withdrawn_at IS NULL"
                 " ORDER BY h.date, h.id",
                 class_id, from, to);
    return db_rows_json(s, "id:i,date:s,subject:s,title:s,minutes:i,teacher_name:s");
}

/* ---------- the roll-ups, inside a write transaction ---------- */

/* Keep the class-day's stored cap (day_refresh). */
#define KEEP_LIMIT (-1000)

typedef struct {
    int limit, items, written_items, written_minutes, written_subjects, reported, reported_minutes,
        over, rover;
    bool exists;
} day_row;

/* The class-day's sums from its active items (n) and the row stored for it (o), in one query.
 * A written item counts at the mean of its reports, rounded half up, or at its estimate when
 * nobody reported (homework_reported_minutes; integer division on purpose). */
static int day_read(db_conn *c, int64_t class_id, const char *date, day_row *n, day_row *o)
{
    memset(n, 0, sizeof *n);
    memset(o, 0, sizeof *o);
    db_stmt *s = db_query(
        c,
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
        " LEFT JOIN homework_days d ON d.class_id = $1 AND d.date = $2",
        class_id, date);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        int *nf[] = {&n->items,    &n->written_items,   &n->written_minutes, &n->written_subjects,
                     &n->reported, &n->reported_minutes};
        for (int i = 0; i < 6; i++)
            *nf[i] = (int)db_next_int64(&row);
        o->exists = !db_col_isnull(s, 15);
        int *of[] = {&o->limit,
                     &o->items,
                     &o->written_items,
                     &o->written_minutes,
                     &o->written_subjects,
                     &o->reported,
                     &o->reported_minutes,
                     &o->over,
                     &o->rover};
        for (int i = 0; o->exists && i < 9; i++)
            *of[i] = (int)db_next_int64(&row);
    }
    db_finalize(s);
    return rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
}

/* Recomputes homework_days for (class, date) from its items and carries the change into
 * homework_school_days. limit: the cap to store, or KEEP_LIMIT. */
static int day_refresh(db_conn *c, const hw_class *cl, const char *date, int limit)
{
    day_row o, n;
    int rc = day_read(c, cl->id, date, &n, &o);
    if (rc != DB_OK)
        return rc;
    n.limit = limit != KEEP_LIMIT ? limit : o.exists ? o.limit : -1;
    n.over = n.limit >= 0 && n.written_minutes > n.limit;
    n.rover = n.reported && n.limit >= 0 && n.reported_minutes > n.limit;
    rc = db_run(c,
                "INSERT INTO homework_days (class_id, date, district_id, school_id, grade,"
                " limit_minutes, items, written_items, written_minutes, written_subjects, reported,"
                " reported_minutes, over_cap, reported_over_cap)"
                " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)"
                " ON CONFLICT (class_id, date) DO UPDATE SET limit_minutes = $6, items = $7,"
                " written_items = $8, written_minutes = $9, written_subjects = $10, reported = $11,"
                " reported_minutes = $12, over_cap = $13, reported_over_cap = $14",
                cl->id, date, cl->district_id, cl->school_id, cl->grade, n.limit, n.items,
                n.written_items, n.written_minutes, n.written_subjects, n.reported,
                n.reported_minutes, n.over, n.rover);
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
    return db_run(
        c,
        "INSERT INTO homework_school_days (school_id, date, grade, district_id, class_days,"
        " written_sum, over_days, reported_days, reported_sum, reported_over_days)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (school_id, date, grade)"
        " DO UPDATE SET class_days = homework_school_days.class_days + $5,"
        " written_sum = homework_school_days.written_sum + $6,"
        " over_days = homework_school_days.over_days + $7,"
        " reported_days = homework_school_days.reported_days + $8,"
        " reported_sum = homework_school_days.reported_sum + $9,"
        " reported_over_days = homework_school_days.reported_over_days + $10",
        cl->school_id, date, cl->grade, cl->district_id, d_days, d_written, d_over, d_rdays, d_rsum,
        d_rover);
}

/* Deltas to homework_subject_totals (the district's day, grade and subject). */
typedef struct {
    int64_t items, minutes, written_items, written_minutes, fb_count, fb_minutes, fb_estimate;
} subject_delta;

static int subject_add(db_conn *c, const hw_class *cl, const char *date, const char *subject,
                       const subject_delta *d)
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
                  " fb_estimate = homework_subject_totals.fb_estimate + $11",
                  cl->district_id, date, cl->grade, subject, d->items, d->minutes, d->written_items,
                  d->written_minutes, d->fb_count, d->fb_minutes, d->fb_estimate);
}

/* What an item adds to (sign 1) or takes from (sign -1) its subject's totals. */
static subject_delta item_delta(const hw_item *it, int sign)
{
    bool w = it->kind == HW_WRITTEN;
    return (subject_delta){.items = sign,
                           .minutes = sign * it->minutes,
                           .written_items = sign * w,
                           .written_minutes = w ? sign * it->minutes : 0,
                           .fb_count = sign * it->fb_count,
                           .fb_minutes = sign * it->fb_minutes,
                           .fb_estimate = sign * it->fb_count * it->minutes};
}

/* The locks of a write: the class-vacation lock first when `p` is a vacation period, then the
 * class-day locks of date1 and date2 (NULL or equal: one) in ascending order. */
static int lock(db_conn *c, int64_t class_id, const hw_period *p, const char *date1,
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

/* ---------- writes ---------- */

/* Rolls back (unless the caller holds the transaction) and hands on the verdict: every refusal
 * or failure of a write ends here. */
static verdict undo(db_conn *c, bool caller_tx, verdict v)
{
    if (!caller_tx)
        db_rollback(c);
    return v;
}

/* Commits: DB_DONE, or the store's error (db_commit has rolled back). */
static int commit(db_conn *c)
{
    int rc = db_commit(c);
    return rc == DB_OK ? DB_DONE : rc;
}

/* A store result that ends a write: DB_DONE/DB_OK/DB_ROW pass, anything else refuses. */
static verdict failed(int rc)
{
    return verdict_db(rc == DB_DONE || rc == DB_OK || rc == DB_ROW ? DB_ERROR : rc);
}

/* The date and, for a vacation, the period of a refusal by homework_check. */
static void period_numbers(verdict *v, const hw_period *p, const char *date)
{
    verdict_str(v, "date", date);
    if (p->day != DAY_VACATION)
        return;
    verdict_str(v, "period_from", p->from);
    verdict_str(v, "period_to", p->to);
    verdict_str(v, "term_first_day", p->term_first);
    verdict_str(v, "term_last_day", p->term_last);
}

/* A refusal by the minutes or the subjects names the items that use them. */
static bool names_items(const verdict *v)
{
    return v->code && (strcmp(v->code, "homework_over_limit") == 0 ||
                       strcmp(v->code, "too_many_subjects") == 0);
}

static void audit(const hw_actor *by, const char *action, int64_t id, const char *detail)
{
    if (by->audit)
        by->audit(by->ctx, action, id, detail);
}

verdict homework_publish(db_conn *c, const policy *pol, const hw_publish_in *in, const hw_actor *by,
                         hw_published *out)
{
    const hw_class *cl = in->cl;
    const hw_period *p = in->p;
    bool own = !in->caller_tx;
    hw_use use;
    memset(out, 0, sizeof *out);
    /* the check and the insert: one transaction that serialises on the class-day */
    int rc = own ? db_begin_write(c) : DB_OK;
    if (rc == DB_OK && own)
        rc = lock(c, cl->id, p, in->date, NULL);
    if (rc == DB_OK)
        rc = hw_store_use(c, cl->id, p->from, p->to, in->date, in->subject, 0, &use);
    if (rc != DB_ROW)
        return undo(c, !own, verdict_db(rc));
    hw_request q = {.grade = cl->grade,
                    .day = p->day,
                    .kind = in->kind,
                    .minutes = in->minutes,
                    .written_minutes = use.written_minutes,
                    .written_subjects = use.written_subjects,
                    .subject_is_new = !use.subject_seen,
                    .all_minutes = use.all_minutes};
    verdict v = homework_check(pol, &q);
    if (!verdict_is_ok(&v)) {
        if (names_items(&v))
            out->items = written_items(c, cl->id, p->from, p->to);
        period_numbers(&v, p, in->date);
        return undo(c, !own, v);
    }
    int limit = p->day == DAY_VACATION ? -1 : p->cap.limit_minutes;
    int64_t at = in->created_at ? in->created_at : now_unix();
    rc = db_insert_id(c, &out->id,
                      "INSERT INTO homework (district_id, school_id, class_id, grade, date,"
                      " day_kind, subject, title, content, kind, tier, minutes, teacher_id,"
                      " limit_minutes, rule, policy_version, fb_count, fb_minutes, fb_unfinished,"
                      " created_at)"
                      " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,"
                      "$19,$20) RETURNING id",
                      cl->district_id, cl->school_id, cl->id, cl->grade, in->date,
                      homework_day_kinds[p->day], in->subject, in->title, in->content,
                      homework_kinds[in->kind], homework_tiers[in->tier], in->minutes, by->user_id,
                      limit, p->cap.rule, policy_version(pol), in->fb_count, in->fb_minutes,
                      in->fb_unfinished, at);
    if (rc == DB_DONE)
        rc = day_refresh(c, cl, in->date, limit);
    if (rc == DB_DONE) {
        hw_item it = {.kind = in->kind,
                      .minutes = in->minutes,
                      .fb_count = in->fb_count,
                      .fb_minutes = in->fb_minutes};
        subject_delta d = item_delta(&it, 1);
        rc = subject_add(c, cl, in->date, in->subject, &d);
    }
    if (rc == DB_DONE) /* its board, in every server's cache (board_cache.c) */
        rc = hw_notify_board(c, cl->id, in->date);
    if (rc == DB_DONE && by->audit) {
        char detail[96];
        snprintf(detail, sizeof detail, "class %lld %s %s %d min", (long long)cl->id, in->date,
                 homework_kinds[in->kind], in->minutes);
        audit(by, "POST /api/v1/homework", out->id, detail);
    }
    if (rc == DB_DONE && own)
        rc = commit(c);
    if (rc != DB_DONE)
        return undo(c, !own, failed(rc));
    out->written_after = use.written_minutes + (in->kind == HW_WRITTEN ? in->minutes : 0);
    return verdict_ok();
}

/* Reads the item again under the lock: 404 when it was withdrawn meanwhile, 409 when it moved
 * to another date since the caller saw it (the lock held is the old date's). */
static verdict reread(db_conn *c, const hw_item *seen, hw_item *now)
{
    int rc = hw_store_item(c, seen->id, now);
    if (rc != DB_ROW)
        return rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL) : verdict_db(rc);
    if (now->withdrawn)
        return verdict_err(SJ_ERR_NOT_FOUND, NULL);
    if (strcmp(now->date, seen->date) != 0)
        return verdict_err(SJ_ERR_CONFLICT, NULL);
    return verdict_ok();
}

verdict homework_withdraw(db_conn *c, const hw_item *seen, const hw_class *cl, const hw_actor *by)
{
    hw_item it;
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = lock(c, seen->class_id, NULL, seen->date, NULL);
    if (rc != DB_OK)
        return undo(c, false, verdict_db(rc));
    verdict v = reread(c, seen, &it);
    if (!verdict_is_ok(&v))
        return undo(c, false, v);
    rc = db_run(c, "UPDATE homework SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3",
                now_unix(), by->user_id, it.id);
    if (rc == DB_DONE)
        rc = day_refresh(c, cl, it.date, KEEP_LIMIT);
    if (rc == DB_DONE) {
        subject_delta d = item_delta(&it, -1);
        rc = subject_add(c, cl, it.date, it.subject, &d);
    }
    if (rc == DB_DONE)
        rc = hw_notify_board(c, cl->id, it.date);
    if (rc == DB_DONE) {
        audit(by, "DELETE /api/v1/homework/{id}", it.id, "withdrawn");
        rc = commit(c);
    }
    return rc == DB_DONE ? verdict_ok() : undo(c, false, failed(rc));
}

verdict homework_feedback(db_conn *c, const hw_item *seen, const hw_class *cl,
                          const hw_feedback_in *in, const hw_actor *by, bool *updated)
{
    hw_item it;
    int64_t old_spent = 0, had = 0, old_unfinished = 0;
    *updated = false;
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = lock(c, seen->class_id, NULL, seen->date, NULL);
    if (rc != DB_OK)
        return undo(c, false, verdict_db(rc));
    verdict v = reread(c, seen, &it);
    if (!verdict_is_ok(&v))
        return undo(c, false, v);
    db_stmt *s = db_query(c,
                          "SELECT minutes_spent, completed FROM homework_feedback"
                          " WHERE homework_id = $1 AND student_id = $2",
                          it.id, in->student_id);
    rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        had = 1;
        old_spent = db_next_int64(&row);
        old_unfinished = db_next_int64(&row) == 0;
    }
    db_finalize(s);
    rc = rc == DB_ROW || rc == DB_DONE ? DB_DONE : rc;
    int64_t now = now_unix();
    if (rc == DB_DONE)
        rc = db_run(
            c,
            "INSERT INTO homework_feedback (homework_id, student_id, user_id, minutes_spent,"
            " completed, bedtime, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$7)"
            " ON CONFLICT (homework_id, student_id) DO UPDATE SET user_id = $3,"
            " minutes_spent = $4, completed = $5, bedtime = $6, updated_at = $7",
            it.id, in->student_id, by->user_id, in->minutes_spent, in->completed, in->bedtime, now);
    if (rc == DB_DONE)
        rc = db_run(c,
                    "UPDATE homework SET fb_count = fb_count + $1, fb_minutes = fb_minutes + $2,"
                    " fb_unfinished = fb_unfinished + $3 WHERE id = $4",
                    1 - had, in->minutes_spent - old_spent,
                    (int64_t)!in->completed - old_unfinished, it.id);
    if (rc == DB_DONE)
        rc = day_refresh(c, cl, it.date, KEEP_LIMIT);
    if (rc == DB_DONE) {
        subject_delta d = {.fb_count = 1 - had,
                           .fb_minutes = in->minutes_spent - old_spent,
                           .fb_estimate = had ? 0 : it.minutes};
        rc = subject_add(c, cl, it.date, it.subject, &d);
    }
    /* the class board shows the families' reports (how many, their mean time) */
    if (rc == DB_DONE)
        rc = hw_notify_board(c, cl->id, it.date);
    if (rc == DB_DONE) {
        char detail[96];
        snprintf(detail, sizeof detail, "student %lld: %lld min%s", (long long)in->student_id,
                 (long long)in->minutes_spent, in->completed ? "" : ", unfinished");
        audit(by, "POST /api/v1/homework/{id}/feedback", it.id, detail);
        rc = commit(c);
    }
    if (rc != DB_DONE)
        return undo(c, false, failed(rc));
    *updated = had != 0;
    return verdict_ok();
}

verdict homework_mark(db_conn *c, int64_t homework_id, int64_t by_user, int64_t at)
{
    /* marking does not move a roll-up, but it shows on the board: the statement and the
     * board's message in one transaction (the demo's own when it holds one) */
    bool own = !db_in_tx(c);
    int rc = own ? db_begin_write(c) : DB_OK;
    int64_t class_id = 0;
    char date[11] = "";
    if (rc == DB_OK) {
        db_stmt *s =
            db_query(c,
                     "UPDATE homework SET marked_at = $1, marked_by = $2, marked_mode = 'class'"
                     " WHERE id = $3 AND marked_at IS NULL RETURNING class_id, date",
                     at, by_user, homework_id);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) {
            db_row row = db_row_at(s, 0);
            class_id = db_next_int64(&row);
            DB_NEXT_TEXT(&row, date);
            rc = db_step(s) == DB_DONE ? DB_ROW : DB_ERROR;
        }
        db_finalize(s);
    }
    if (rc == DB_ROW) /* marked now (DB_DONE: it was already) */
        rc = hw_notify_board(c, class_id, date);
    if (rc == DB_DONE && own)
        rc = commit(c);
    if (rc != DB_DONE)
        return undo(c, !own, failed(rc));
    return verdict_ok();
}

verdict homework_mark_pupils(db_conn *c, const hw_item *seen, const hw_marks_in *in,
                             int64_t by_user, int64_t at, hw_marks *out)
{
    const int64_t *student_ids = in->student_ids;
    size_t n = in->class_wide ? 0 : in->n;
    hw_item it;
    memset(out, 0, sizeof *out);
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = lock(c, seen->class_id, NULL, seen->date, NULL);
    if (rc != DB_OK)
        return undo(c, false, verdict_db(rc));
    verdict v = reread(c, seen, &it);
    if (!verdict_is_ok(&v))
        return undo(c, false, v);
    for (size_t i = 0; i < n; i++) {
        int64_t class_id = 0;
        rc = db_query_int64(c, &class_id, "SELECT class_id FROM students WHERE id = $1",
                            student_ids[i]);
        if (rc != DB_ROW && rc != DB_DONE)
            return undo(c, false, verdict_db(rc));
        if (rc == DB_DONE || class_id != it.class_id) {
            v = verdict_err(SJ_ERR_BAD_FIELD, "homework.not_in_class");
            verdict_str(&v, "field", "student_ids");
            verdict_num(&v, "student_id", student_ids[i]);
            return undo(c, false, v);
        }
        /* marking a pupil twice keeps the first mark */
        rc = db_run(c,
                    "INSERT INTO homework_marks (homework_id, student_id, mode, by_user, at)"
                    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (homework_id, student_id) DO NOTHING",
                    it.id, student_ids[i], in->face ? "face" : "written", by_user, at);
        if (rc != DB_DONE)
            return undo(c, false, failed(rc));
    }
    if (in->class_wide && !it.marked_at) {
        rc = db_run(c,
                    "UPDATE homework SET marked_at = $1, marked_by = $2, marked_mode = 'class'"
                    " WHERE id = $3 AND marked_at IS NULL",
                    at, by_user, it.id);
        if (rc != DB_DONE)
            return undo(c, false, failed(rc));
        it.marked_at = at;
    }
    rc = db_query_int64(c, &out->pupils, "SELECT COUNT(*) FROM students WHERE class_id = $1",
                        it.class_id);
    if (rc == DB_ROW)
        rc = db_query_int64(c, &out->marked_pupils,
                            "SELECT COUNT(*) FROM homework_marks m JOIN students s"
                            " ON s.id = m.student_id AND s.class_id = $2 WHERE m.homework_id = $1",
                            it.id, it.class_id);
    if (rc != DB_ROW)
        return undo(c, false, failed(rc));
    out->class_wide = it.marked_at != 0;
    out->complete = out->class_wide || (out->pupils > 0 && out->marked_pupils >= out->pupils);
    if (out->complete && !it.marked_at) {
        rc = db_run(c,
                    "UPDATE homework SET marked_at = $1, marked_by = $2, marked_mode = 'pupils'"
                    " WHERE id = $3 AND marked_at IS NULL",
                    at, by_user, it.id);
        if (rc != DB_DONE)
            return undo(c, false, failed(rc));
    }
    /* the board shows whether an item is marked: its cached copy goes with this commit */
    rc = hw_notify_board(c, it.class_id, it.date);
    if (rc != DB_DONE)
        return undo(c, false, failed(rc));
    rc = commit(c);
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

verdict homework_adjust(db_conn *c, const policy *pol, const hw_item *seen, const hw_class *cl,
                        const hw_period *p, const char *new_date, int new_minutes,
                        const char *reason, const hw_actor *by, hw_adjusted *out)
{
    bool moved = strcmp(new_date, seen->date) != 0;
    hw_item old;
    memset(out, 0, sizeof *out);
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = lock(c, seen->class_id, moved ? p : NULL, seen->date, new_date);
    if (rc == DB_OK)
        rc = hw_store_item(c, seen->id, &old);
    if (rc != DB_ROW)
        return undo(c, false, rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL) : verdict_db(rc));
    if (old.withdrawn || strcmp(old.date, seen->date) != 0 || old.minutes != seen->minutes)
        /* changed meanwhile: the leader decided on what they saw */
        return undo(c, false,
                    verdict_err(old.withdrawn ? SJ_ERR_NOT_FOUND : SJ_ERR_CONFLICT, NULL));
    if (moved) {
        hw_use use;
        rc = hw_store_use(c, old.class_id, p->from, p->to, new_date, old.subject, old.id, &use);
        if (rc != DB_ROW)
            return undo(c, false, verdict_db(rc));
        hw_request q = {.grade = cl->grade,
                        .day = p->day,
                        .kind = old.kind,
                        .minutes = new_minutes,
                        .written_minutes = use.written_minutes,
                        .written_subjects = use.written_subjects,
                        .subject_is_new = !use.subject_seen,
                        .all_minutes = use.all_minutes};
        verdict v = homework_check(pol, &q);
        if (!verdict_is_ok(&v)) {
            out->items = written_items(c, old.class_id, p->from, p->to);
            period_numbers(&v, p, new_date);
            return undo(c, false, v);
        }
    }
    int limit = p->day == DAY_VACATION ? -1 : p->cap.limit_minutes;
    rc = db_run(c,
                "UPDATE homework SET date = $1, minutes = $2, day_kind = $3, limit_minutes = $4,"
                " rule = $5, policy_version = $6 WHERE id = $7",
                new_date, new_minutes, homework_day_kinds[p->day], limit, p->cap.rule,
                policy_version(pol), old.id);
    /* refresh the earlier day first: the same order as the locks */
    const char *d1 = strcmp(old.date, new_date) <= 0 ? old.date : new_date;
    const char *d2 = d1 == old.date ? new_date : old.date;
    if (rc == DB_DONE)
        rc = day_refresh(c, cl, d1, d1 == new_date ? limit : KEEP_LIMIT);
    if (rc == DB_DONE && moved)
        rc = day_refresh(c, cl, d2, d2 == new_date ? limit : KEEP_LIMIT);
    if (rc == DB_DONE) {
        subject_delta minus = item_delta(&old, -1);
        rc = subject_add(c, cl, old.date, old.subject, &minus);
    }
    if (rc == DB_DONE) {
        hw_item now = old;
        now.minutes = new_minutes;
        subject_delta plus = item_delta(&now, 1);
        rc = subject_add(c, cl, new_date, old.subject, &plus);
    }
    if (rc == DB_DONE)
        rc = db_insert_id(
            c, &out->change_id,
            "INSERT INTO homework_changes (homework_id, teacher_id, by_user, from_date,"
            " to_date, from_minutes, to_minutes, reason, policy_version, created_at)"
            " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
            old.id, old.teacher_id, by->user_id, old.date, new_date, old.minutes, new_minutes,
            reason, policy_version(pol), now_unix());
    if (rc == DB_DONE) /* the boards of both days */
        rc = hw_notify_board(c, cl->id, old.date);
    if (rc == DB_DONE && moved)
        rc = hw_notify_board(c, cl->id, new_date);
    hw_use after;
    if (rc == DB_DONE)
        rc = hw_store_use(c, old.class_id, p->from, p->to, new_date, NULL, 0, &after);
    if (rc == DB_ROW) {
        char detail[96];
        snprintf(detail, sizeof detail, "%s %d min -> %s %d min", old.date, old.minutes, new_date,
                 new_minutes);
        audit(by, "POST /api/v1/homework/{id}/adjust", old.id, detail);
        rc = commit(c);
    }
    if (rc != DB_DONE)
        return undo(c, false, failed(rc));
    out->written_after = after.written_minutes;
    return verdict_ok();
}

verdict homework_change_read(db_conn *c, int64_t change_id, int64_t teacher_id)
{
    int64_t teacher = 0;
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_query_int64(c, &teacher, "SELECT teacher_id FROM homework_changes WHERE id = $1",
                            change_id);
    if (rc == DB_DONE || (rc == DB_ROW && teacher != teacher_id))
        return undo(c, false, verdict_err(SJ_ERR_NOT_FOUND, NULL));
    if (rc == DB_ROW)
        rc = db_run(c, "UPDATE homework_changes SET read_at = $1 WHERE id = $2 AND read_at IS NULL",
                    now_unix(), change_id);
    if (rc == DB_DONE)
        rc = commit(c);
    return rc == DB_DONE ? verdict_ok() : undo(c, false, failed(rc));
}
