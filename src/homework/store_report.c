/*
 * store_report.c: the SQL of the homework reports, their analysis and the grade matrix (the
 * handlers are in report.c and api.c; report.c's file comment defines every figure).
 *
 * The district's figures read the roll-ups (homework_days, homework_school_days,
 * homework_subject_totals), never the items; a school's read its class-days and, by subject and
 * in the analysis, its own items (one school's term is some 20,000). Each statement is whole:
 * where a school's report and the district's differ, both are written out.
 */
#include <string.h>

#include "homework/homework_int.h"

json_t *hw_mean_json(int64_t sum, int64_t n)
{
    if (n <= 0)
        return json_null();
    int64_t tenths = (sum * 20 + n) / (2 * n);
    return json_real((double)tenths / 10.0);
}

json_t *hw_share_json(int64_t part, int64_t whole)
{
    if (whole <= 0)
        return json_null();
    int64_t permille = (part * 2000 + whole) / (2 * whole);
    return json_real((double)permille / 1000.0);
}

int hw_store_school_district(db_conn *c, int64_t school_id, int64_t *district_id)
{
    return db_query_int64(c, district_id, "SELECT district_id FROM schools WHERE id = $1",
                          school_id);
}

/* ---------- the figures ---------- */

typedef struct {
    int64_t class_days, over_days, written_sum, reported_days, reported_sum, reported_over_days;
} day_sums;

static void sums_set(json_t *o, const day_sums *d)
{
    json_object_set_new(o, "days_with_homework", json_integer(d->class_days));
    json_object_set_new(o, "days_over_limit", json_integer(d->over_days));
    json_object_set_new(o, "days_reported_over_limit", json_integer(d->reported_over_days));
    json_object_set_new(o, "reported_days", json_integer(d->reported_days));
    json_object_set_new(o, "avg_written_minutes", hw_mean_json(d->written_sum, d->class_days));
    json_object_set_new(o, "avg_reported_minutes", hw_mean_json(d->reported_sum, d->reported_days));
}

/* class_days, over_days, written_sum, reported_days, reported_sum, reported_over_days */
static void sums_row(db_row *row, day_sums *d)
{
    d->class_days = db_next_int64(row);
    d->over_days = db_next_int64(row);
    d->written_sum = db_next_int64(row);
    d->reported_days = db_next_int64(row);
    d->reported_sum = db_next_int64(row);
    d->reported_over_days = db_next_int64(row);
}

/* Steps s to its end, each row made into JSON by row_fn (which may skip it by returning NULL);
 * finalizes s. NULL on a store error. */
static json_t *rows_array(db_stmt *s, json_t *(*row_fn)(db_stmt *s, void *ctx), void *ctx)
{
    if (!s)
        return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        json_t *o = row_fn(s, ctx);
        if (o)
            json_array_append_new(arr, o);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static json_t *class_row(db_stmt *s, void *ctx)
{
    (void)ctx;
    db_row row = db_row_at(s, 0);
    day_sums d;
    json_int_t id = db_next_int64(&row);
    const char *name = db_next_text_ref(&row);
    json_int_t grade = db_next_int64(&row);
    sums_row(&row, &d);
    json_t *o = json_pack("{s:I,s:s,s:I,s:b}", "class_id", id, "class_name", name, "grade", grade,
                          "within_limit", d.over_days == 0 && d.reported_over_days == 0);
    sums_set(o, &d);
    return o;
}

/* One row per class of the school. */
static json_t *class_rows(db_conn *c, const hw_scope *sc, int64_t limit, int64_t offset)
{
    return rows_array(
        db_query(c,
                 "SELECT c.id, c.name, c.grade,"
                 " COALESCE(SUM(CASE WHEN d.items > 0 THEN 1 ELSE 0 END), 0),"
                 " COALESCE(SUM(d.over_cap), 0), COALESCE(SUM(d.written_minutes), 0),"
                 " COALESCE(SUM(d.reported), 0),"
                 " COALESCE(SUM(CASE WHEN d.reported = 1 THEN d.reported_minutes ELSE 0 END), 0),"
                 " COALESCE(SUM(d.reported_over_cap), 0)"
                 " FROM classes c LEFT JOIN homework_days d ON d.class_id = c.id"
                 " AND d.date >= $2 AND d.date <= $3"
                 " WHERE c.school_id = $1 AND ($4 = 0 OR c.grade = $4)"
                 " GROUP BY c.id, c.name, c.grade ORDER BY c.grade, c.name, c.id"
                 " LIMIT $5 OFFSET $6",
                 sc->school_id, sc->from, sc->to, sc->grade, limit, offset),
        class_row, NULL);
}

static json_t *school_row(db_stmt *s, void *ctx)
{
    (void)ctx;
    db_row row = db_row_at(s, 0);
    day_sums d;
    json_int_t id = db_next_int64(&row);
    const char *name = db_next_text_ref(&row);
    int64_t classes = db_next_int64(&row);
    sums_row(&row, &d);
    int64_t over = db_next_int64(&row), rover = db_next_int64(&row);
    json_t *o = json_pack("{s:I,s:s,s:I,s:I,s:I}", "school_id", id, "school_name", name, "classes",
                          (json_int_t)classes, "classes_within", (json_int_t)(classes - over),
                          "classes_reported_over", (json_int_t)rover);
    json_object_set_new(o, "share_within", hw_share_json(classes - over, classes));
    sums_set(o, &d);
    return o;
}

/* One row per school of the district. */
static json_t *school_rows(db_conn *c, const hw_scope *sc, int64_t limit, int64_t offset)
{
    return rows_array(
        db_query(c,
                 "SELECT s.id, s.name,"
                 " (SELECT COUNT(*) FROM classes c WHERE c.school_id = s.id"
                 "  AND ($4 = 0 OR c.grade = $4)),"
                 " COALESCE(x.cd, 0), COALESCE(x.od, 0), COALESCE(x.ws, 0), COALESCE(x.rd, 0),"
                 " COALESCE(x.rs, 0), COALESCE(x.rod, 0), COALESCE(o.n, 0), COALESCE(q.n, 0)"
                 " FROM schools s LEFT JOIN (SELECT school_id, SUM(class_days) AS cd,"
                 "  SUM(over_days) AS od, SUM(written_sum) AS ws, SUM(reported_days) AS rd,"
                 "  SUM(reported_sum) AS rs, SUM(reported_over_days) AS rod"
                 "  FROM homework_school_days WHERE district_id = $1 AND date >= $2"
                 "  AND date <= $3 AND ($4 = 0 OR grade = $4) GROUP BY school_id) x"
                 " ON x.school_id = s.id"
                 " LEFT JOIN (SELECT school_id, COUNT(DISTINCT class_id) AS n FROM homework_days"
                 "  WHERE district_id = $1 AND date >= $2 AND date <= $3"
                 "  AND (over_cap = 1 OR reported_over_cap = 1)"
                 "  AND ($4 = 0 OR grade = $4) GROUP BY school_id) o ON o.school_id = s.id"
                 " LEFT JOIN (SELECT school_id, COUNT(DISTINCT class_id) AS n FROM homework_days"
                 "  WHERE district_id = $1 AND date >= $2 AND date <= $3"
                 "  AND reported_over_cap = 1 AND ($4 = 0 OR grade = $4) GROUP BY school_id) q"
                 " ON q.school_id = s.id"
                 " WHERE s.district_id = $1 ORDER BY s.id LIMIT $5 OFFSET $6",
                 sc->district_id, sc->from, sc->to, sc->grade, limit, offset),
        school_row, NULL);
}

static json_t *grade_row(db_stmt *s, void *ctx)
{
    day_sums *total = ctx, d;
    db_row row = db_row_at(s, 0);
    json_int_t grade = db_next_int64(&row);
    sums_row(&row, &d);
    total->class_days += d.class_days;
    total->over_days += d.over_days;
    total->written_sum += d.written_sum;
    total->reported_days += d.reported_days;
    total->reported_sum += d.reported_sum;
    total->reported_over_days += d.reported_over_days;
    json_t *o = json_pack("{s:I}", "grade", grade);
    sums_set(o, &d);
    return o;
}

/* Totals and the rows by grade, from homework_school_days. */
static json_t *by_grade(db_conn *c, const hw_scope *sc, day_sums *total)
{
    memset(total, 0, sizeof *total);
    db_stmt *s =
        sc->school_id
            ? db_query(c,
                       "SELECT grade, SUM(class_days), SUM(over_days), SUM(written_sum),"
                       " SUM(reported_days), SUM(reported_sum), SUM(reported_over_days)"
                       " FROM homework_school_days WHERE school_id = $1 AND date >= $2"
                       " AND date <= $3 AND ($4 = 0 OR grade = $4) GROUP BY grade ORDER BY grade",
                       sc->school_id, sc->from, sc->to, sc->grade)
            : db_query(c,
                       "SELECT grade, SUM(class_days), SUM(over_days), SUM(written_sum),"
                       " SUM(reported_days), SUM(reported_sum), SUM(reported_over_days)"
                       " FROM homework_school_days WHERE district_id = $1 AND date >= $2"
                       " AND date <= $3 AND ($4 = 0 OR grade = $4) GROUP BY grade ORDER BY grade",
                       sc->district_id, sc->from, sc->to, sc->grade);
    return rows_array(s, grade_row, total);
}

static json_t *subject_row(db_stmt *s, void *ctx)
{
    (void)ctx;
    db_row row = db_row_at(s, 0);
    const char *subject = db_next_text_ref(&row);
    int64_t items = db_next_int64(&row), minutes = db_next_int64(&row),
            witems = db_next_int64(&row), wmin = db_next_int64(&row), fbc = db_next_int64(&row),
            fbm = db_next_int64(&row), fbe = db_next_int64(&row);
    if (items == 0)
        return NULL; /* every item of the subject in the range was withdrawn */
    json_t *o =
        json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "subject", subject, "items", (json_int_t)items,
                  "written_items", (json_int_t)witems, "written_minutes", (json_int_t)wmin,
                  "minutes", (json_int_t)minutes, "reports", (json_int_t)fbc);
    json_object_set_new(o, "avg_estimated_minutes", hw_mean_json(minutes, items));
    json_object_set_new(o, "avg_reported_minutes", hw_mean_json(fbm, fbc));
    json_object_set_new(o, "avg_estimate_of_reported", hw_mean_json(fbe, fbc));
    json_object_set_new(o, "reported_to_estimate", hw_share_json(fbm, fbe));
    return o;
}

/* By subject: a school's from its own items, the district's from homework_subject_totals. */
static json_t *by_subject(db_conn *c, const hw_scope *sc)
{
    db_stmt *s =
        sc->school_id
            ? db_query(c,
                       "SELECT subject, COUNT(*), SUM(minutes),"
                       " SUM(CASE WHEN kind = 'written' THEN 1 ELSE 0 END),"
                       " SUM(CASE WHEN kind = 'written' THEN minutes ELSE 0 END), SUM(fb_count),"
                       " SUM(fb_minutes), SUM(fb_count * minutes) FROM homework"
                       " WHERE class_id IN (SELECT id FROM classes WHERE school_id = $1"
                       "  AND ($4 = 0 OR grade = $4))"
                       " AND date >= $2 AND date <= $3 AND withdrawn_at IS NULL"
                       " GROUP BY subject ORDER BY subject",
                       sc->school_id, sc->from, sc->to, sc->grade)
            : db_query(c,
                       "SELECT subject, SUM(items), SUM(minutes), SUM(written_items),"
                       " SUM(written_minutes), SUM(fb_count), SUM(fb_minutes), SUM(fb_estimate)"
                       " FROM homework_subject_totals WHERE district_id = $1 AND date >= $2"
                       " AND date <= $3 AND ($4 = 0 OR grade = $4)"
                       " GROUP BY subject ORDER BY subject",
                       sc->district_id, sc->from, sc->to, sc->grade);
    return rows_array(s, subject_row, NULL);
}

/* Classes in scope, and those with a day over the limit (estimated, reported). */
static int class_counts(db_conn *c, const hw_scope *sc, int64_t *classes, int64_t *over,
                        int64_t *rover)
{
    int rc = sc->school_id ? db_query_int64(c, classes,
                                            "SELECT COUNT(*) FROM classes WHERE school_id = $1"
                                            " AND ($2 = 0 OR grade = $2)",
                                            sc->school_id, sc->grade)
                           : db_query_int64(c, classes,
                                            "SELECT COUNT(*) FROM classes WHERE district_id = $1"
                                            " AND ($2 = 0 OR grade = $2)",
                                            sc->district_id, sc->grade);
    /* over: classes with a day over the cap by the estimate or by the families' reports (not
     * within it); rover: by the reports. The partial indexes on over_cap = 1 and
     * reported_over_cap = 1 keep these small; a school's rows are a subset of its district's */
    if (rc == DB_ROW)
        rc = db_query_int64(c, over,
                            "SELECT COUNT(DISTINCT class_id) FROM homework_days"
                            " WHERE district_id = $1 AND date >= $2 AND date <= $3"
                            " AND (over_cap = 1 OR reported_over_cap = 1)"
                            " AND ($4 = 0 OR grade = $4) AND ($5 = 0 OR school_id = $5)",
                            sc->district_id, sc->from, sc->to, sc->grade, sc->school_id);
    if (rc == DB_ROW)
        rc = db_query_int64(c, rover,
                            "SELECT COUNT(DISTINCT class_id) FROM homework_days"
                            " WHERE district_id = $1 AND date >= $2 AND date <= $3"
                            " AND reported_over_cap = 1 AND ($4 = 0 OR grade = $4)"
                            " AND ($5 = 0 OR school_id = $5)",
                            sc->district_id, sc->from, sc->to, sc->grade, sc->school_id);
    return rc;
}

int hw_store_report(db_conn *c, const hw_scope *sc, bool per_class, int64_t limit, int64_t offset,
                    json_t **out)
{
    int64_t classes = 0, over = 0, rover = 0, total_rows = 0;
    day_sums t;
    *out = NULL;
    int rc = class_counts(c, sc, &classes, &over, &rover);
    if (rc == DB_ROW)
        rc = per_class ? db_query_int64(c, &total_rows,
                                        "SELECT COUNT(*) FROM classes WHERE school_id = $1"
                                        " AND ($2 = 0 OR grade = $2)",
                                        sc->school_id, sc->grade)
                       : db_query_int64(c, &total_rows,
                                        "SELECT COUNT(*) FROM schools WHERE district_id = $1",
                                        sc->district_id);
    if (rc != DB_ROW)
        return rc == DB_DONE ? DB_ERROR : rc;
    if (limit < 0) {
        limit = total_rows + 1;
        offset = 0;
    }
    json_t *items =
        per_class ? class_rows(c, sc, limit, offset) : school_rows(c, sc, limit, offset);
    json_t *grades = by_grade(c, sc, &t);
    json_t *subjects = by_subject(c, sc);
    if (!items || !grades || !subjects) {
        json_decref(items);
        json_decref(grades);
        json_decref(subjects);
        return DB_ERROR;
    }
    json_t *totals =
        json_pack("{s:I,s:I,s:I}", "classes", (json_int_t)classes, "classes_within",
                  (json_int_t)(classes - over), "classes_reported_over", (json_int_t)rover);
    json_object_set_new(totals, "share_within", hw_share_json(classes - over, classes));
    sums_set(totals, &t);
    json_t *o = list_json(items, total_rows);
    json_object_set_new(o, "group", json_string(per_class ? "class" : "school"));
    if (sc->school_id)
        json_object_set_new(o, "school_id", json_integer(sc->school_id));
    json_object_set_new(o, "from", json_string(sc->from));
    json_object_set_new(o, "to", json_string(sc->to));
    json_object_set_new(o, "totals", totals);
    json_object_set_new(o, "by_grade", grades);
    json_object_set_new(o, "by_subject", subjects);
    *out = o;
    return DB_ROW;
}

/* ---------- the analysis ---------- */

static json_t *analysis_class_row(db_stmt *s, void *ctx)
{
    (void)ctx;
    db_row row = db_row_at(s, 0);
    json_int_t id = db_next_int64(&row);
    const char *name = db_next_text_ref(&row);
    json_int_t grade = db_next_int64(&row), hidden = db_next_int64(&row),
               reported = db_next_int64(&row);
    return json_pack("{s:I,s:s,s:I,s:I,s:I,s:b}", "class_id", id, "class_name", name, "grade",
                     grade, "reported_days", reported, "days_reported_over_estimate_within", hidden,
                     "flagged", hidden > 0);
}

json_t *hw_store_analysis_classes(db_conn *c, const hw_scope *sc)
{
    return rows_array(db_query(c,
                               "SELECT c.id, c.name, c.grade,"
                               " COALESCE(SUM(CASE WHEN d.reported_over_cap = 1 AND d.over_cap = 0 "
                               "THEN 1 ELSE 0 END), 0),"
                               " COALESCE(SUM(d.reported), 0)"
                               " FROM classes c LEFT JOIN homework_days d ON d.class_id = c.id"
                               " AND d.date >= $2 AND d.date <= $3"
                               " WHERE c.school_id = $1 AND ($4 = 0 OR c.grade = $4)"
                               " GROUP BY c.id, c.name, c.grade ORDER BY c.grade, c.name, c.id",
                               sc->school_id, sc->from, sc->to, sc->grade),
                      analysis_class_row, NULL);
}

int hw_store_reported_items(db_conn *c, const hw_scope *sc,
                            void (*each)(void *ctx, const hw_reported_item *x), void *ctx)
{
    db_stmt *s =
        db_query(c,
                 "SELECT h.teacher_id, u.name, h.subject, h.minutes, h.fb_count, h.fb_minutes"
                 " FROM homework h JOIN users u ON u.id = h.teacher_id"
                 " WHERE h.class_id IN (SELECT c.id FROM classes c WHERE c.school_id = $1"
                 "  AND ($4 = 0 OR c.grade = $4)) AND h.date >= $2 AND h.date <= $3"
                 " AND h.withdrawn_at IS NULL AND h.fb_count > 0",
                 sc->school_id, sc->from, sc->to, sc->grade);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        hw_reported_item x;
        x.teacher_id = db_next_int64(&row);
        x.teacher_name = db_next_text_ref(&row);
        x.subject = db_next_text_ref(&row);
        x.minutes = (int)db_next_int64(&row);
        x.fb_count = db_next_int64(&row);
        x.fb_minutes = db_next_int64(&row);
        each(ctx, &x);
    }
    db_finalize(s);
    return rc;
}

/* ---------- the grade matrix (年级组统筹, HW-5) ---------- */

json_t *hw_store_matrix(db_conn *c, int64_t school_id, int grade, const char dates[7][11],
                        const int limits[7])
{
    db_stmt *s = db_query(c,
                          "SELECT c.id, c.name, d.date, d.items, d.written_minutes,"
                          " d.written_subjects, d.reported, d.reported_minutes,"
                          " d.reported_over_cap FROM classes c"
                          " LEFT JOIN homework_days d ON d.class_id = c.id AND d.date >= $3"
                          " AND d.date <= $4 WHERE c.school_id = $1 AND c.grade = $2"
                          " ORDER BY c.name, c.id, d.date",
                          school_id, grade, dates[0], dates[6]);
    if (!s)
        return NULL;
    json_t *classes = json_array(), *cells = NULL;
    int64_t cur = 0, monday = date_days(dates[0]);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        int64_t cid = db_next_int64(&row);
        const char *name = db_next_text_ref(&row);
        if (cid != cur) {
            cur = cid;
            cells = json_array();
            for (int i = 0; i < 7; i++)
                json_array_append_new(
                    cells,
                    json_pack("{s:s,s:i,s:i,s:i,s:i,s:s,s:n}", "date", dates[i], "items", 0,
                              "written_minutes", 0, "subjects", 0, "limit_minutes", limits[i],
                              "status", homework_cell_status(0, 0, limits[i]), "reported_minutes"));
            for (int i = 0; i < 7; i++)
                json_object_set_new(json_array_get(cells, (size_t)i), "reported_over",
                                    json_false());
            json_array_append_new(classes, json_pack("{s:I,s:s,s:o}", "class_id", (json_int_t)cid,
                                                     "name", name, "cells", cells));
        }
        if (db_next_isnull(&row))
            continue; /* a class without a day of homework in the week */
        int64_t idx = date_days(db_next_text_ref(&row)) - monday;
        if (idx < 0 || idx > 6)
            continue;
        int items = (int)db_next_int64(&row), wm = (int)db_next_int64(&row);
        json_t *cell = json_array_get(cells, (size_t)idx);
        json_object_set_new(cell, "items", json_integer(items));
        json_object_set_new(cell, "written_minutes", json_integer(wm));
        json_object_set_new(cell, "subjects", json_integer(db_next_int64(&row)));
        json_object_set_new(cell, "status",
                            json_string(homework_cell_status(items, wm, limits[idx])));
        int64_t reported = db_next_int64(&row), reported_minutes = db_next_int64(&row);
        if (reported)
            json_object_set_new(cell, "reported_minutes", json_integer(reported_minutes));
        json_object_set_new(cell, "reported_over", json_boolean(db_next_int64(&row) == 1));
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(classes);
        return NULL;
    }
    return classes;
}
