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
 * The handlers check the scope and who may see it, ask the store (store_report.c: the district's
 * figures from the roll-ups, a school's from its class-days and items) and answer; the XLSX and
 * the analysis's sums per teacher and subject are made here. The definitions, stated once:
 *   days_with_homework  class-days with at least one item;
 *   days_over_limit     class-days whose estimated written minutes pass the cap stored for
 *                       that day (possible after a policy tightened, or for imported data);
 *   days_reported_over_limit  class-days whose family-reported written time passes the cap;
 *   avg_written_minutes  written minutes per class-day with homework;
 *   avg_reported_minutes reported written minutes per class-day with any report (items
 *                        without a report count at their estimate), null without reports;
 *   a class is within the cap when none of its days in the range is over the limit, by the
 *   estimate or by the families' reports (classes_within, share_within, within_limit).
 * No figure ranks pupils; schools and classes come in a fixed order (id, grade, name).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xlsx.h"
#include "homework/homework_int.h"

/* Reads school_id, grade, from, to and checks the caller may see them; false after replying. */
static bool scope_or_reply(req *r, hw_scope *sc)
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
    int rc = hw_store_school_district(r->db, sc->school_id, &district);
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

/* The whole report as JSON; NULL after replying. limit < 0: every row (the export). */
static json_t *report_or_reply(req *r, const hw_scope *sc, bool per_class, int64_t limit,
                               int64_t offset)
{
    json_t *o = NULL;
    int rc = hw_store_report(r->db, sc, per_class, limit, offset, &o);
    if (rc != DB_ROW) {
        reply_db(r, rc);
        return NULL;
    }
    return o;
}

/* group=class needs a school; the default is per class for a school, per school otherwise. */
static bool group_or_reply(req *r, const hw_scope *sc, bool *per_class)
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
    hw_scope sc;
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

static const char *const grade_zh[] = {"",       "一年级", "二年级", "三年级", "四年级",
                                       "五年级", "六年级", "七年级", "八年级", "九年级"};

static void xl_sums_sheet(const xlsx_book *b, const char *name, const char *first_header,
                          const char *key_name, json_t *rows, bool with_classes)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    const char *heads[] = {
        first_header,         "有作业的班级天数",   "超上限天数", "家长反馈超上限天数",
        "平均书面作业(分钟)", "平均家长反馈(分钟)", "班级数",     "未超上限班级数",
        "未超上限班级占比"};
    int nh = with_classes ? 9 : 6;
    xlsx_header_row(b, ws, heads, nh);
    worksheet_set_column(ws, 0, 0, 24, NULL);
    worksheet_set_column(ws, 1, (lxw_col_t)(nh - 1), 14, NULL);
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
    {
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
    const char *heads[] = {"学科",
                           "作业条数",
                           "书面作业条数",
                           "书面作业分钟合计",
                           "平均预计用时(分钟)",
                           "家长反馈条数",
                           "平均反馈用时(分钟)",
                           "被反馈作业的平均预计用时(分钟)",
                           "反馈/预计"};
    xlsx_header_row(b, ws, heads, 9);
    worksheet_set_column(ws, 0, 8, 16, NULL);
    const char *keys[] = {
        "items",   "written_items",        "written_minutes",          "avg_estimated_minutes",
        "reports", "avg_reported_minutes", "avg_estimate_of_reported", "reported_to_estimate"};
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o)
    {
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, row, 0, json_string_value(json_object_get(o, "subject")), NULL);
        for (int k = 0; k < 8; k++)
            xl_num_or_blank(ws, row, (lxw_col_t)(k + 1), json_object_get(o, keys[k]));
    }
}

void homework_h_get_report_xlsx(req *r)
{
    hw_scope sc;
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
        json_t *o = json_pack("{s:s,s:I,s:I}", name_key, a->name, "reported_items",
                              (json_int_t)a->items, "items_longer", (json_int_t)a->longer);
        if (id_key)
            json_object_set_new(o, id_key, json_integer(a->id));
        json_object_set_new(o, "avg_estimated_minutes", hw_mean_json(a->estimate, a->items));
        json_object_set_new(o, "avg_reported_minutes", hw_mean_json(a->reported, a->items));
        json_object_set_new(o, "reported_to_estimate", hw_share_json(a->reported, a->estimate));
        if (flag)
            json_object_set_new(o, "estimates_short",
                                json_boolean(homework_estimates_short(a->estimate, a->reported,
                                                                      a->items, ratio, min_items)));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* One reported item into the sums of its teacher and its subject. */
typedef struct {
    req *r;
    agg_list teachers, subjects;
    int64_t ratio;
} analysis;

static void analysis_add(void *ctx, const hw_reported_item *x)
{
    analysis *an = ctx;
    int rep = homework_reported_minutes(x->minutes, x->fb_count, x->fb_minutes);
    agg *targets[2] = {agg_find(an->r, &an->teachers, x->teacher_id, x->teacher_name),
                       agg_find(an->r, &an->subjects, 0, x->subject)};
    for (int k = 0; k < 2; k++) {
        targets[k]->items++;
        targets[k]->estimate += x->minutes;
        targets[k]->reported += rep;
        targets[k]->longer += (int64_t)rep * 100 >= (int64_t)x->minutes * an->ratio;
    }
}

void homework_h_get_analysis(req *r)
{
    hw_scope sc;
    int64_t ratio, min_items;
    if (!scope_or_reply(r, &sc) || !req_query_int64_or_reply(r, "ratio_pct", 125, &ratio) ||
        !req_query_int64_or_reply(r, "min_items", 5, &min_items))
        return;
    if (!sc.school_id) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "school_id");
        return;
    }
    if (ratio < 100 || ratio > 1000 || min_items < 1 || min_items > 10000) {
        reply_err_field(r, SJ_ERR_BAD_FIELD,
                        ratio < 100 || ratio > 1000 ? "ratio_pct" : "min_items");
        return;
    }
    /* per class: days the families' time passed the cap while the estimates fitted */
    json_t *classes = hw_store_analysis_classes(r->db, &sc);
    /* per teacher and subject, over the items families reported on */
    analysis an = {.r = r, .ratio = ratio};
    if (!classes || hw_store_reported_items(r->db, &sc, analysis_add, &an) != DB_DONE) {
        json_decref(classes);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = json_pack("{s:I,s:s,s:s,s:I,s:I,s:o}", "school_id", (json_int_t)sc.school_id,
                          "from", sc.from, "to", sc.to, "ratio_pct", (json_int_t)ratio, "min_items",
                          (json_int_t)min_items, "classes", classes);
    json_object_set_new(
        o, "teachers",
        agg_json(&an.teachers, "teacher_id", "teacher_name", (int)ratio, (int)min_items, true));
    json_object_set_new(o, "subjects",
                        agg_json(&an.subjects, NULL, "subject", (int)ratio, (int)min_items, false));
    reply_json(r, 200, o);
}
