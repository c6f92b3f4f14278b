/*
 * api_money.c: the after-school service's money and figures: a pupil's bill (every line says
 * how it was computed), the term's bills run for a school or the district, hardship waivers
 * (AS-5), teachers' subsidies (AS-8), and the coverage report (RP-3 两个全覆盖, with the rural
 * gap AS-10) as JSON and as an XLSX workbook.
 *
 * The handlers parse, authorise, call the store (store_money.c: the bills, their run, the
 * waivers, the subsidies and the report) and reply. The workbook's words (sheets, headers,
 * yes/no, the total's label, the download name) are the tables of sheet_col below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "afterschool_int.h"
#include "core/xlsx.h"

/* ---------- a pupil's bill ---------- */

void afterschool_h_get_bill(req *r)
{
    int64_t student_id, school_id = 0;
    const char *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "student_id", 0, &student_id))
        return;
    if (student_id <= 0) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "student_id");
        return;
    }
    if (!term || !term_valid(term)) {
        reply_err_field(r, term ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "term");
        return;
    }
    if (!as_student_reader_or_reply(r, student_id, &school_id))
        return;
    json_t *bill = as_store_bill(r->db, r->pol, r->user->district_id, student_id, term, r->english);
    if (!bill) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, bill);
}

/* ---------- the term's bills, stored ---------- */

void afterschool_h_run_bills(req *r)
{
    int64_t school_id = 0;
    const char *term;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "term", 11, true, &term) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, false, &school_id))
        return;
    if (!term_valid(term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    if (school_id ? !auth_school_admin_or_reply(r, school_id) : !auth_district(r->user)) {
        if (!school_id)
            reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    as_bills_totals t;
    verdict v = afterschool_bills_run(r->db, r->pol, r->user->district_id, term, school_id, &t);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    json_t *o = json_pack(
        "{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i,s:f,s:s}", "term", term, "students",
        (json_int_t)t.students, "seats", (json_int_t)t.seats, "programs", (json_int_t)t.programs,
        "gross_fen", (json_int_t)t.gross_fen, "cap_reduction_fen", (json_int_t)t.cap_reduction_fen,
        "waiver_fen", (json_int_t)t.waiver_fen, "total_fen", (json_int_t)t.total_fen, "school_days",
        (int)t.school_days, "ms", ms, "policy_version", policy_version(r->pol));
    json_object_set_new(o, "school_id", school_id ? json_integer(school_id) : json_null());
    reply_json(r, 201, o);
}

/* ---------- AS-5 waivers ---------- */

void afterschool_h_set_waiver(req *r)
{
    as_waiver_in in = {.district_id = r->user->district_id, .actor = r->user->id};
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &in.student_id) ||
        !body_str_or_reply(r, "reason", 200, true, &in.reason))
        return;
    if (!as_student_place_or_reply(r, in.student_id, &in.school_id) ||
        !auth_school_admin_or_reply(r, in.school_id))
        return;
    in.at = now_unix();
    verdict v = afterschool_waiver_set(r->db, &in);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = in.student_id;
    reply_json(r, 201,
               json_pack("{s:I,s:b,s:s}", "student_id", (json_int_t)in.student_id, "waived", 1,
                         "reason", in.reason));
}

void afterschool_h_delete_waiver(req *r)
{
    int64_t student_id = r->params[0], school_id = 0;
    if (!as_student_place_or_reply(r, student_id, &school_id) ||
        !auth_school_admin_or_reply(r, school_id))
        return;
    verdict v = afterschool_waiver_clear(r->db, student_id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_empty(r, 204);
}

void afterschool_h_list_waivers(req *r)
{
    int64_t school_id, limit, offset;
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id) ||
        !auth_school_admin_or_reply(r, school_id) || !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, as_store_waivers(r->db, school_id, limit, offset));
}

/* ---------- AS-8 subsidies ---------- */

void afterschool_h_get_subsidies(req *r)
{
    int64_t school_id;
    const char *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id))
        return;
    if (!term || !term_valid(term)) {
        reply_err_field(r, term ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "term");
        return;
    }
    if (!auth_school_exists_or_reply(r, school_id))
        return;
    if (!auth_district_staff(r->user) && !auth_school_admin_or_reply(r, school_id))
        return;
    json_t *o = as_store_subsidies(r->db, r->pol, school_id, term, r->english);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, o);
}

/* ---------- RP-3 coverage report, AS-10 rural gap ---------- */

/* The caller's scope for the report; false after replying. */
static bool report_scope_or_reply(req *r, const char **term, int64_t *school_id)
{
    *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "school_id", 0, school_id))
        return false;
    if (!*term || !term_valid(*term)) {
        reply_err_field(r, *term ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "term");
        return false;
    }
    if (*school_id && !auth_school_exists_or_reply(r, *school_id))
        return false;
    if (auth_district_staff(r->user))
        return true;
    if (!*school_id) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "school_id");
        return false;
    }
    return auth_school_admin_or_reply(r, *school_id);
}

void afterschool_h_get_report(req *r)
{
    const char *term;
    int64_t school_id;
    if (!report_scope_or_reply(r, &term, &school_id))
        return;
    json_t *o = as_store_report(r->db, r->pol, r->user->district_id, term, school_id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, o);
}

/* The workbook's words: each sheet's name, then its columns (the report's keys) with their
 * headers; the last rows are the district's total and the download name. */
typedef struct {
    const char *key, *zh, *en;
} sheet_col;

static const sheet_col part_cols[] = {
    {NULL, "参与情况", "Participation"},
    {"name", "学校", "School"},
    {"rural", "农村学校", "Rural"},
    {"pupils", "学生数", "Pupils"},
    {"pupils_enrolled", "参加学生数", "Pupils enrolled"},
    {"pupil_share", "学生参与率(%)", "Pupil share (%)"},
    {"teachers", "教师数", "Teachers"},
    {"teachers_on_duty", "参与教师数", "Teachers on duty"},
    {"teacher_share", "教师参与率(%)", "Teacher share (%)"},
    {"programs", "项目数", "Programs"},
    {"offers_service", "5+2 全覆盖(AS-1)", "5+2 covered (AS-1)"},
    {"school_days", "上课日", "School days"},
    {"days_run", "开展天数", "Days run"},
    {"asked", "申请人数", "Asked"},
    {"placed", "已安排人数", "Placed"},
    {"unmet", "未安排人数", "Unmet"},
};
static const sheet_col money_cols[] = {
    {NULL, "费用与补助", "Fees and subsidies"},
    {"name", "学校", "School"},
    {"rural", "农村学校", "Rural"},
    {"bills", "账单数", "Bills"},
    {"fees_billed_fen", "应收费用(元)", "Fees billed (yuan)"},
    {"waived_fen", "困难减免(元)", "Waived (yuan)"},
    {"subsidies_due_fen", "应发补助(元,AS-8)", "Subsidies due (yuan, AS-8)"},
    {"cost_fen", "成本(元)", "Cost (yuan)"},
    {"gap_fen", "财政补足缺口(元,AS-10)", "Gap the district fills (yuan, AS-10)"},
};
static const sheet_col total_name = {"name", "全区合计", "District"};
static const sheet_col yes_no[2] = {{NULL, "否", "No"}, {NULL, "是", "Yes"}};
static const sheet_col download = {NULL, "课后服务.xlsx", "afterschool.xlsx"};

static const char *word(const sheet_col *c, bool english)
{
    return english ? c->en : c->zh;
}

static void xlsx_row(const xlsx_book *b, lxw_worksheet *ws, int row, json_t *o,
                     const char *const *keys, int nkeys, bool english)
{
    for (int c = 0; c < nkeys; c++) {
        json_t *v = json_object_get(o, keys[c]);
        bool fen = strstr(keys[c], "_fen") != NULL;
        if (json_is_string(v))
            worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c, json_string_value(v), NULL);
        else if (json_is_boolean(v))
            worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c,
                                   word(&yes_no[json_is_true(v)], english), NULL);
        else if (fen && json_is_integer(v))
            xlsx_money(b, ws, (lxw_row_t)row, (lxw_col_t)c, json_integer_value(v));
        else if (json_is_number(v))
            worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)c, json_number_value(v), NULL);
    }
}

static void xlsx_sheet(req *r, const xlsx_book *b, json_t *report, const sheet_col *cols, int ncols)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, word(&cols[0], r->english));
    const char *keys[16], *hdr[16];
    for (int c = 1; c < ncols; c++) {
        keys[c - 1] = cols[c].key;
        hdr[c - 1] = word(&cols[c], r->english);
    }
    int n = ncols - 1;
    xlsx_header_row(b, ws, hdr, n);
    worksheet_set_column(ws, 0, 0, 28, NULL);
    worksheet_set_column(ws, 1, (lxw_col_t)(n - 1), 14, NULL);
    json_t *items = json_object_get(report, "items"), *it;
    size_t i;
    json_array_foreach(items, i, it) xlsx_row(b, ws, (int)i + 1, it, keys, n, r->english);
    json_t *tot = json_deep_copy(json_object_get(report, "district"));
    json_object_set_new(tot, total_name.key, json_string(word(&total_name, r->english)));
    json_object_set_new(tot, "gap_fen",
                        json_integer(json_integer_value(json_object_get(tot, "rural_gap_fen"))));
    json_object_set_new(tot, "programs", json_null());
    xlsx_row(b, ws, (int)json_array_size(items) + 1, tot, keys, n, r->english);
    json_decref(tot);
}

void afterschool_h_export_report(req *r)
{
    const char *term;
    int64_t school_id;
    if (!report_scope_or_reply(r, &term, &school_id))
        return;
    json_t *o = as_store_report(r->db, r->pol, r->user->district_id, term, school_id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    xlsx_book b;
    if (!xlsx_open_or_reply(r, &b, "afterschool")) {
        json_decref(o);
        return;
    }
    xlsx_sheet(r, &b, o, part_cols, (int)(sizeof part_cols / sizeof part_cols[0]));
    xlsx_sheet(r, &b, o, money_cols, (int)(sizeof money_cols / sizeof money_cols[0]));
    json_decref(o);
    if (!xlsx_finish_or_reply(r, &b))
        return;
    audit_record(r, "export afterschool coverage", "term", school_id, term);
    xlsx_reply(r, &b, req_printf(r, "afterschool-%s.xlsx", term), word(&download, r->english));
}
