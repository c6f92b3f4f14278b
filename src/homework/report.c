/*
 * report.c: homework reports for schools and the district, their XLSX export, and the
 * estimate-versus-reported analysis.
 *
 * Entry points (routes in api.c):
 *   GET /api/v1/reports/homework?school_id=S&from=D&to=D[&grade=G][&group=class|school]
 *       school_id given: one row per class (API.md's shape), with the school's totals, by grade
 *       and by subject; without school_id (district staff): one row per school, with the
 *       district's totals, by grade and by subject.
 *   GET /api/v1/reports/homework.xlsx?...  the same as a workbook, one sheet per topic.
 *   GET /api/v1/reports/homework/analysis?school_id=S&from&to[&ratio_pct=125&min_items=5]
 *       estimates against family-reported time per class, teacher and subject, with flags.
 *
 * The district's figures read the roll-ups (homework_days, homework_school_days,
 * homework_subject_totals), never the items; a school's read its class-days and, by subject and
 * in the analysis, its own items (one school's term is some 20,000). The definitions, stated
 * once:
 *   days_with_homework  class-days with at least one item;
 *   days_over_limit     class-days whose estimated written minutes pass the cap stored for
 *                       that day (possible after a policy tightened, or for imported data);
 *   days_reported_over_limit  class-days whose family-reported written time passes the cap;
 *   avg_written_minutes  written minutes per class-day with homework;
 *   avg_reported_minutes reported written minutes per class-day with any report (items
 *                        without a report count at their estimate), null without reports;
 *   a class is within the cap when none of its days in the range is over the limit.
 * No figure ranks pupils; schools and classes come in a fixed order (id, grade, name).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xlsx.h"
#include "homework/homework_int.h"

typedef struct {
    int64_t school_id;   /* 0: the whole district */
    int64_t district_id;
    int64_t grade;       /* 0: every grade */
    char from[11], to[11];
} scope;

/* A mean with one decimal, or null without a denominator. */
static json_t *mean_json(int64_t sum, int64_t n)
{
    if (n <= 0)
        return json_null();
    int64_t tenths = (sum * 20 + n) / (2 * n);
    return json_real((double)tenths / 10.0);
}

static json_t *share_json(int64_t part, int64_t whole)
{
    if (whole <= 0)
        return json_null();
    int64_t permille = (part * 2000 + whole) / (2 * whole);
    return json_real((double)permille / 1000.0);
}

/* Reads school_id, grade, from, to and checks the caller may see them; false after replying. */
static bool scope_or_reply(req *r, scope *sc)
{
    char today[11], week_ago[11];
    today_local(today);
    date_add_days(today, -6, week_ago);
    memset(sc, 0, sizeof *sc);
    sc->district_id = r->user->district_id;
    if (!req_query_int64_or_reply(r, "school_id", 0, &sc->school_id) ||
        !req_query_int64_or_reply(r, "grade", 0, &sc->grade))
        return false;
    const char *f = req_query(r, "from"), *t = req_query(r, "to");
    snprintf(sc->from, sizeof sc->from, "%s", f ? f : week_ago);
    snprintf(sc->to, sizeof sc->to, "%s", t ? t : today);
    if (!valid_date(sc->from) || !valid_date(sc->to)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, !valid_date(sc->from) ? "from" : "to");
        return false;
    }
    if (strcmp(sc->from, sc->to) > 0 || date_days(sc->to) - date_days(sc->from) > 400) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "to");
        return false;
    }
    if (sc->grade < 0 || sc->grade > 9) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "grade");
        return false;
    }
    if (sc->school_id < 0) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "school_id");
        return false;
    }
    if (sc->school_id == 0) {
        if (!auth_district_staff(r->user)) {
            reply_err(r, SJ_ERR_FORBIDDEN);
            return false;
        }
        return true;
    }
    int64_t district = 0;
    int rc = db_query_int64(r->db, &district, "SELECT district_id FROM schools WHERE id = $1",
                            sc->school_id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    bool leader = auth_school_admin(r->user, sc->school_id);
    for (int i = 0; !leader && i < r->user->nroles; i++)
        leader = r->user->roles[i].kind == ROLE_GRADE_LEADER &&
                 r->user->roles[i].school_id == sc->school_id;
    if (district != r->user->district_id || (!leader && !auth_district_staff(r->user))) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
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
    json_object_set_new(o, "avg_written_minutes", mean_json(d->written_sum, d->class_days));
    json_object_set_new(o, "avg_reported_minutes", mean_json(d->reported_sum, d->reported_days));
}

static void sums_read(db_stmt *s, int col, day_sums *d)
{
    d->class_days = db_col_int64(s, col);
    d->over_days = db_col_int64(s, col + 1);
    d->written_sum = db_col_int64(s, col + 2);
    d->reported_days = db_col_int64(s, col + 3);
    d->reported_sum = db_col_int64(s, col + 4);
    d->reported_over_days = db_col_int64(s, col + 5);
}

/* The scope's condition on a roll-up table: $1 the school or district, $2..$3 the dates, $4 the
 * grade. */
static const char *where_of(const scope *sc)
{
    return sc->school_id ? " school_id = $1 AND date >= $2 AND date <= $3 AND ($4 = 0 OR grade = $4)"
                         : " district_id = $1 AND date >= $2 AND date <= $3 AND ($4 = 0 OR grade = $4)";
}

static int64_t scope_key(const scope *sc) { return sc->school_id ? sc->school_id : sc->district_id; }

/* One row per class of the school. */
static json_t *class_rows(req *r, const scope *sc, int64_t limit, int64_t offset)
{
    db_stmt *s = db_query(r->db,
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
                          " LIMIT $5 OFFSET $6", sc->school_id, sc->from, sc->to, sc->grade, limit, offset);
    if (!s)
        return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        day_sums d;
        sums_read(s, 3, &d);
        json_t *o = json_pack("{s:I,s:s,s:I,s:b}", "class_id", (json_int_t)db_col_int64(s, 0),
                              "class_name", db_col_text(s, 1), "grade", (json_int_t)db_col_int64(s, 2),
                              "within_limit", d.over_days == 0);
        sums_set(o, &d);
        json_array_append_new(arr, o);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* One row per school of the district. */
static json_t *school_rows(req *r, const scope *sc, int64_t limit, int64_t offset)
{
    db_stmt *s = db_query(r->db,
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
                          "  WHERE district_id = $1 AND date >= $2 AND date <= $3 AND over_cap = 1"
                          "  AND ($4 = 0 OR grade = $4) GROUP BY school_id) o ON o.school_id = s.id"
                          " LEFT JOIN (SELECT school_id, COUNT(DISTINCT class_id) AS n FROM homework_days"
                          "  WHERE district_id = $1 AND date >= $2 AND date <= $3"
                          "  AND reported_over_cap = 1 AND ($4 = 0 OR grade = $4) GROUP BY school_id) q"
                          " ON q.school_id = s.id"
                          " WHERE s.district_id = $1 ORDER BY s.id LIMIT $5 OFFSET $6", sc->district_id, sc->from, sc->to, sc->grade, limit, offset);
    if (!s)
        return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        day_sums d;
        int64_t classes = db_col_int64(s, 2), over = db_col_int64(s, 9), rover = db_col_int64(s, 10);
        sums_read(s, 3, &d);
        json_t *o = json_pack("{s:I,s:s,s:I,s:I,s:I}", "school_id", (json_int_t)db_col_int64(s, 0),
                              "school_name", db_col_text(s, 1), "classes", (json_int_t)classes,
                              "classes_within", (json_int_t)(classes - over),
                              "classes_reported_over", (json_int_t)rover);
        json_object_set_new(o, "share_within", share_json(classes - over, classes));
        sums_set(o, &d);
        json_array_append_new(arr, o);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* Totals and the rows by grade, from homework_school_days. */
static json_t *by_grade(req *r, const scope *sc, day_sums *total)
{
    memset(total, 0, sizeof *total);
    db_stmt *s = db_query(r->db,
                          req_printf(r, "SELECT grade, SUM(class_days), SUM(over_days), SUM(written_sum),"
                                        " SUM(reported_days), SUM(reported_sum), SUM(reported_over_days)"
                                        " FROM homework_school_days WHERE%s GROUP BY grade ORDER BY grade",
                                     where_of(sc)), scope_key(sc), sc->from, sc->to, sc->grade);
    if (!s)
        return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        day_sums d;
        sums_read(s, 1, &d);
        total->class_days += d.class_days;
        total->over_days += d.over_days;
        total->written_sum += d.written_sum;
        total->reported_days += d.reported_days;
        total->reported_sum += d.reported_sum;
        total->reported_over_days += d.reported_over_days;
        json_t *o = json_pack("{s:I}", "grade", (json_int_t)db_col_int64(s, 0));
        sums_set(o, &d);
        json_array_append_new(arr, o);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* By subject: a school's from its own items, the district's from homework_subject_totals. */
static json_t *by_subject(req *r, const scope *sc)
{
    db_stmt *s = sc->school_id
        ? db_query(r->db,
                   "SELECT subject, COUNT(*), SUM(minutes), SUM(CASE WHEN kind = 'written' THEN 1 ELSE 0 END),"
                   " SUM(CASE WHEN kind = 'written' THEN minutes ELSE 0 END), SUM(fb_count),"
                   " SUM(fb_minutes), SUM(fb_count * minutes) FROM homework"
                   " WHERE class_id IN (SELECT id FROM classes WHERE school_id = $1"
                   "  AND ($4 = 0 OR grade = $4))"
                   " AND date >= $2 AND date <= $3 AND withdrawn_at IS NULL"
                   " GROUP BY subject ORDER BY subject", sc->school_id, sc->from, sc->to, sc->grade)
        : db_query(r->db,
                   "SELECT subject, SUM(items), SUM(minutes), SUM(written_items), SUM(written_minutes),"
                   " SUM(fb_count), SUM(fb_minutes), SUM(fb_estimate) FROM homework_subject_totals"
                   " WHERE district_id = $1 AND date >= $2 AND date <= $3 AND ($4 = 0 OR grade = $4)"
                   " GROUP BY subject ORDER BY subject", sc->district_id, sc->from, sc->to, sc->grade);
    if (!s)
        return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t items = db_col_int64(s, 1), minutes = db_col_int64(s, 2), witems = db_col_int64(s, 3),
                wmin = db_col_int64(s, 4), fbc = db_col_int64(s, 5), fbm = db_col_int64(s, 6),
                fbe = db_col_int64(s, 7);
        if (items == 0)
            continue; /* every item of the subject in the range was withdrawn */
        json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "subject", db_col_text(s, 0), "items",
                              (json_int_t)items, "written_items", (json_int_t)witems,
                              "written_minutes", (json_int_t)wmin, "minutes", (json_int_t)minutes,
                              "reports", (json_int_t)fbc);
        json_object_set_new(o, "avg_estimated_minutes", mean_json(minutes, items));
        json_object_set_new(o, "avg_reported_minutes", mean_json(fbm, fbc));
        json_object_set_new(o, "avg_estimate_of_reported", mean_json(fbe, fbc));
        json_object_set_new(o, "reported_to_estimate", share_json(fbm, fbe));
        json_array_append_new(arr, o);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* Classes in scope, and those with a day over the limit (estimated, reported). */
static int class_counts(req *r, const scope *sc, int64_t *classes, int64_t *over, int64_t *rover)
{
    int rc = sc->school_id
                 ? db_query_int64(r->db, classes,
                                  "SELECT COUNT(*) FROM classes WHERE school_id = $1 AND ($2 = 0 OR grade = $2)", sc->school_id, sc->grade)
                 : db_query_int64(r->db, classes,
                                  "SELECT COUNT(*) FROM classes WHERE district_id = $1 AND ($2 = 0 OR grade = $2)", sc->district_id, sc->grade);
    /* the partial indexes on over_cap = 1 and reported_over_cap = 1 keep these small; a
     * school's rows are a subset of its district's */
    const char *flags[2] = {"over_cap", "reported_over_cap"};
    int64_t *outs[2] = {over, rover};
    for (int k = 0; k < 2 && rc == DB_ROW; k++)
        rc = db_query_int64(r->db, outs[k],
                            req_printf(r, "SELECT COUNT(DISTINCT class_id) FROM homework_days"
                                          " WHERE district_id = $1 AND date >= $2 AND date <= $3"
                                          " AND %s = 1 AND ($4 = 0 OR grade = $4)"
                                          " AND ($5 = 0 OR school_id = $5)", flags[k]), sc->district_id, sc->from, sc->to, sc->grade, sc->school_id);
    return rc;
}

/* The whole report as JSON; NULL after replying. limit < 0: every row (the export). */
static json_t *report_or_reply(req *r, const scope *sc, bool per_class, int64_t limit, int64_t offset)
{
    int64_t classes = 0, over = 0, rover = 0, total_rows = 0;
    day_sums t;
    int rc = class_counts(r, sc, &classes, &over, &rover);
    if (rc == DB_ROW)
        rc = per_class ? db_query_int64(r->db, &total_rows,
                                        "SELECT COUNT(*) FROM classes WHERE school_id = $1"
                                        " AND ($2 = 0 OR grade = $2)", sc->school_id, sc->grade)
                       : db_query_int64(r->db, &total_rows,
                                        "SELECT COUNT(*) FROM schools WHERE district_id = $1",
                                        sc->district_id);
    if (rc != DB_ROW) {
        reply_db(r, rc);
        return NULL;
    }
    if (limit < 0) {
        limit = total_rows + 1;
        offset = 0;
    }
    json_t *items = per_class ? class_rows(r, sc, limit, offset) : school_rows(r, sc, limit, offset);
    json_t *grades = by_grade(r, sc, &t);
    json_t *subjects = by_subject(r, sc);
    if (!items || !grades || !subjects) {
        json_decref(items);
        json_decref(grades);
        json_decref(subjects);
        reply_err(r, SJ_ERR_INTERNAL);
        return NULL;
    }
    json_t *totals = json_pack("{s:I,s:I,s:I}", "classes", (json_int_t)classes, "classes_within",
                               (json_int_t)(classes - over), "classes_reported_over",
                               (json_int_t)rover);
    json_object_set_new(totals, "share_within", share_json(classes - over, classes));
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
    return o;
}

/* group=class needs a school; the default is per class for a school, per school otherwise. */
static bool group_or_reply(req *r, const scope *sc, bool *per_class)
{
    const char *g = req_query(r, "group");
    *per_class = sc->school_id != 0;
    if (!g)
        return true;
    if (strcmp(g, "class") == 0 && sc->school_id) {
        *per_class = true;
        return true;
    }
    if (strcmp(g, "school") == 0 && !sc->school_id) {
        *per_class = false;
        return true;
    }
    reply_err_field(r, SJ_ERR_BAD_FIELD, "group");
    return false;
}

void homework_h_get_report(req *r)
{
    scope sc;
    bool per_class;
    int64_t limit, offset;
    if (!scope_or_reply(r, &sc) || !group_or_reply(r, &sc, &per_class) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    json_t *o = report_or_reply(r, &sc, per_class, limit, offset);
    if (o)
        reply_json(r, 200, o);
}

/* ---------- XLSX ---------- */

static void xl_num_or_blank(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const json_t *v)
{
    if (json_is_number(v))
        worksheet_write_number(ws, row, col, json_number_value(v), NULL);
}

static const char *const grade_zh[] = {"", "一年级", "二年级", "三年级", "四年级", "五年级",
                                       "六年级", "七年级", "八年级", "九年级"};

static void xl_sums_sheet(const xlsx_book *b, const char *name, const char *first_header,
                          const char *key_name, json_t *rows, bool with_classes)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    const char *heads[] = {first_header, "有作业的班级天数", "超上限天数", "家长反馈超上限天数",
                           "平均书面作业(分钟)", "平均家长反馈(分钟)", "班级数", "未超上限班级数",
                           "未超上限班级占比"};
    int nh = with_classes ? 9 : 6;
    xlsx_header_row(b, ws, heads, nh);
    worksheet_set_column(ws, 0, 0, 24, NULL);
    worksheet_set_column(ws, 1, (lxw_col_t)(nh - 1), 14, NULL);
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        lxw_row_t row = (lxw_row_t)(i + 1);
        const json_t *k = json_object_get(o, key_name);
        if (json_is_string(k))
            worksheet_write_string(ws, row, 0, json_string_value(k), NULL);
        else if (json_is_integer(k) && json_integer_value(k) >= 1 && json_integer_value(k) <= 9)
            worksheet_write_string(ws, row, 0, grade_zh[json_integer_value(k)], NULL);
        xl_num_or_blank(ws, row, 1, json_object_get(o, "days_with_homework"));
        xl_num_or_blank(ws, row, 2, json_object_get(o, "days_over_limit"));
        xl_num_or_blank(ws, row, 3, json_object_get(o, "days_reported_over_limit"));
        xl_num_or_blank(ws, row, 4, json_object_get(o, "avg_written_minutes"));
        xl_num_or_blank(ws, row, 5, json_object_get(o, "avg_reported_minutes"));
        if (with_classes) {
            xl_num_or_blank(ws, row, 6, json_object_get(o, "classes"));
            xl_num_or_blank(ws, row, 7, json_object_get(o, "classes_within"));
            xl_num_or_blank(ws, row, 8, json_object_get(o, "share_within"));
        }
    }
}

static void xl_subject_sheet(const xlsx_book *b, json_t *rows)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "学科");
    const char *heads[] = {"学科", "作业条数", "书面作业条数", "书面作业分钟合计", "平均预计用时(分钟)",
                           "家长反馈条数", "平均反馈用时(分钟)", "被反馈作业的平均预计用时(分钟)",
                           "反馈/预计"};
    xlsx_header_row(b, ws, heads, 9);
    worksheet_set_column(ws, 0, 8, 16, NULL);
    const char *keys[] = {"items", "written_items", "written_minutes", "avg_estimated_minutes",
                          "reports", "avg_reported_minutes", "avg_estimate_of_reported",
                          "reported_to_estimate"};
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, row, 0, json_string_value(json_object_get(o, "subject")), NULL);
        for (int k = 0; k < 8; k++)
            xl_num_or_blank(ws, row, (lxw_col_t)(k + 1), json_object_get(o, keys[k]));
    }
}

void homework_h_get_report_xlsx(req *r)
{
    scope sc;
    bool per_class;
    if (!scope_or_reply(r, &sc) || !group_or_reply(r, &sc, &per_class))
        return;
    json_t *rep = report_or_reply(r, &sc, per_class, -1, 0);
    if (!rep)
        return;
    xlsx_book b;
    if (!xlsx_open_or_reply(r, &b, "homework")) {
        json_decref(rep);
        return;
    }
    json_t *items = json_object_get(rep, "items");
    if (per_class)
        xl_sums_sheet(&b, "班级", "班级", "class_name", items, false);
    else
        xl_sums_sheet(&b, "学校", "学校", "school_name", items, true);
    xl_sums_sheet(&b, "年级", "年级", "grade", json_object_get(rep, "by_grade"), false);
    xl_subject_sheet(&b, json_object_get(rep, "by_subject"));
    json_decref(rep);
    if (!xlsx_finish_or_reply(r, &b))
        return;
    audit_record(r, "export homework report", sc.school_id ? "school" : "district",
                 sc.school_id ? sc.school_id : sc.district_id,
                 req_printf(r, "%s..%s grade %lld", sc.from, sc.to, (long long)sc.grade));
    xlsx_reply(r, &b, req_printf(r, "homework-%s-%s.xlsx", sc.from, sc.to), NULL);
}

/* ---------- estimate against reported time ---------- */

typedef struct {
    int64_t id;
    char name[128];
    int64_t items, estimate, reported, longer;
} agg;

typedef struct {
    agg *v;
    size_t n, cap;
} agg_list;

static agg *agg_find(req *r, agg_list *l, int64_t id, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].id == id && (id != 0 || strcmp(l->v[i].name, name) == 0))
            return &l->v[i];
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        agg *nv = req_alloc(r, cap * sizeof *nv);
        if (l->n)
            memcpy(nv, l->v, l->n * sizeof *nv);
        l->v = nv;
        l->cap = cap;
    }
    agg *a = &l->v[l->n++];
    memset(a, 0, sizeof *a);
    a->id = id;
    snprintf(a->name, sizeof a->name, "%s", name);
    return a;
}

static int agg_cmp(const void *a, const void *b)
{
    const agg *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return strcmp(x->name, y->name);
}

static json_t *agg_json(agg_list *l, const char *id_key, const char *name_key, int ratio,
                        int min_items, bool flag)
{
    json_t *arr = json_array();
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, agg_cmp);
    for (size_t i = 0; i < l->n; i++) {
        const agg *a = &l->v[i];
        json_t *o = json_pack("{s:s,s:I,s:I}", name_key, a->name, "reported_items", (json_int_t)a->items,
                              "items_longer", (json_int_t)a->longer);
        if (id_key)
            json_object_set_new(o, id_key, json_integer(a->id));
        json_object_set_new(o, "avg_estimated_minutes", mean_json(a->estimate, a->items));
        json_object_set_new(o, "avg_reported_minutes", mean_json(a->reported, a->items));
        json_object_set_new(o, "reported_to_estimate", share_json(a->reported, a->estimate));
        if (flag)
            json_object_set_new(o, "estimates_short",
                                json_boolean(homework_estimates_short(a->estimate, a->reported,
                                                                      a->items, ratio, min_items)));
        json_array_append_new(arr, o);
    }
    return arr;
}

void homework_h_get_analysis(req *r)
{
    scope sc;
    int64_t ratio, min_items;
    if (!scope_or_reply(r, &sc) || !req_query_int64_or_reply(r, "ratio_pct", 125, &ratio) ||
        !req_query_int64_or_reply(r, "min_items", 5, &min_items))
        return;
    if (!sc.school_id) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "school_id");
        return;
    }
    if (ratio < 100 || ratio > 1000 || min_items < 1 || min_items > 10000) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, ratio < 100 || ratio > 1000 ? "ratio_pct" : "min_items");
        return;
    }
    /* per class: days the families' time passed the cap while the estimates fitted */
    db_stmt *s = db_query(r->db,
                          "SELECT c.id, c.name, c.grade,"
                          " COALESCE(SUM(CASE WHEN d.reported_over_cap = 1 AND d.over_cap = 0 THEN 1 ELSE 0 END), 0),"
                          " COALESCE(SUM(d.reported), 0)"
                          " FROM classes c LEFT JOIN homework_days d ON d.class_id = c.id"
                          " AND d.date >= $2 AND d.date <= $3"
                          " WHERE c.school_id = $1 AND ($4 = 0 OR c.grade = $4)"
                          " GROUP BY c.id, c.name, c.grade ORDER BY c.grade, c.name, c.id", sc.school_id, sc.from, sc.to, sc.grade);
    json_t *classes = s ? json_array() : NULL;
    int rc = s ? DB_ROW : DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        int64_t hidden = db_col_int64(s, 3);
        json_array_append_new(classes, json_pack("{s:I,s:s,s:I,s:I,s:I,s:b}", "class_id",
                                                 (json_int_t)db_col_int64(s, 0), "class_name",
                                                 db_col_text(s, 1), "grade",
                                                 (json_int_t)db_col_int64(s, 2), "reported_days",
                                                 (json_int_t)db_col_int64(s, 4),
                                                 "days_reported_over_estimate_within", (json_int_t)hidden,
                                                 "flagged", hidden > 0));
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(classes);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    /* per teacher and subject, over the items families reported on */
    agg_list teachers = {0}, subjects = {0};
    s = db_query(r->db,
                 "SELECT h.teacher_id, u.name, h.subject, h.minutes, h.fb_count, h.fb_minutes"
                 " FROM homework h JOIN users u ON u.id = h.teacher_id"
                 " WHERE h.class_id IN (SELECT c.id FROM classes c WHERE c.school_id = $1"
                 "  AND ($4 = 0 OR c.grade = $4)) AND h.date >= $2 AND h.date <= $3"
                 " AND h.withdrawn_at IS NULL AND h.fb_count > 0", sc.school_id, sc.from, sc.to, sc.grade);
    rc = s ? DB_ROW : DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        int est = (int)db_col_int64(s, 3);
        int rep = homework_reported_minutes(est, db_col_int64(s, 4), db_col_int64(s, 5));
        agg *targets[2] = {agg_find(r, &teachers, db_col_int64(s, 0), db_col_text(s, 1)),
                           agg_find(r, &subjects, 0, db_col_text(s, 2))};
        for (int k = 0; k < 2; k++) {
            targets[k]->items++;
            targets[k]->estimate += est;
            targets[k]->reported += rep;
            targets[k]->longer += (int64_t)rep * 100 >= (int64_t)est * ratio;
        }
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(classes);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = json_pack("{s:I,s:s,s:s,s:I,s:I,s:o}", "school_id", (json_int_t)sc.school_id, "from",
                          sc.from, "to", sc.to, "ratio_pct", (json_int_t)ratio, "min_items",
                          (json_int_t)min_items, "classes", classes);
    json_object_set_new(o, "teachers", agg_json(&teachers, "teacher_id", "teacher_name", (int)ratio,
                                                (int)min_items, true));
    json_object_set_new(o, "subjects", agg_json(&subjects, NULL, "subject", (int)ratio,
                                                (int)min_items, false));
    reply_json(r, 200, o);
}
