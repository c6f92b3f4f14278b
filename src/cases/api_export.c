/*
 * api_export.c: the ledger (台账, RP-2) of a period's cases, inspections and rectifications as
 * one workbook through core's XLSX pipeline (core/xlsx.h): three sheets with Chinese headers,
 * numbers and money as numbers, dates as dates.
 *
 *   GET /api/v1/cases/ledger.xlsx?from=D&to=D    district staff; the export is audited
 *
 * The words in the cells (categories, states, outcomes) are the message table's (messages.c,
 * keys cases.category.*, cases.status.*, cases.outcome.*, cases.source.*, cases.rect.*).
 */
#include <stdio.h>
#include <string.h>

#include "cases/cases_int.h"
#include "core/calendar.h"
#include "core/messages.h"
#include "core/xlsx.h"

typedef struct {
    req *r;
    xlsx_book *b;
    lxw_worksheet *cases, *inspections, *rects;
    lxw_row_t ncases, ninspections, nrects;
} ledger;

/* The word for a value of a kind ("category", "status" ...), or the value itself. */
static const char *word(req *r, const char *kind, const char *value)
{
    if (!value || !*value)
        return "";
    const char *key = req_printf(r, "cases.%s.%s", kind, value);
    const char *t = msg_template(key, r->english);
    return t ? t : value;
}

static const char *institution_name(ledger *l, db_stmt *s, int col)
{
    if (db_col_isnull(s, col))
        return "";
    cs_institution in;
    return cs_ext_institution(l->r->db, db_col_int64(s, col), &in) == DB_ROW
               ? req_strdup(l->r, in.name)
               : "";
}

static void text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s)
{
    if (s && *s)
        worksheet_write_string(ws, row, col, s, NULL);
}

static void case_row(void *ctx, db_stmt *s)
{
    ledger *l = ctx;
    lxw_row_t row = ++l->ncases;
    lxw_worksheet *ws = l->cases;
    req *r = l->r;
    xlsx_int(l->b, ws, row, 0, db_col_int64(s, 0));
    xlsx_date(l->b, ws, row, 1, db_col_text(s, 1));
    text(ws, row, 2, word(r, "source", db_col_text(s, 2)));
    text(ws, row, 3, word(r, "category", db_col_text(s, 3)));
    text(ws, row, 4, db_col_text(s, 4));
    text(ws, row, 5, institution_name(l, s, 5));
    text(ws, row, 6, db_col_text(s, 6));
    text(ws, row, 7, db_col_text(s, 14));
    text(ws, row, 8, word(r, "status", db_col_text(s, 7)));
    xlsx_date(l->b, ws, row, 9, db_col_text(s, 8));
    if (!db_col_isnull(s, 9))
        xlsx_date(l->b, ws, row, 10, db_col_text(s, 9));
    text(ws, row, 11, word(r, "outcome", db_col_text(s, 10)));
    text(ws, row, 12, db_col_int64(s, 11) ? word(r, "xlsx", "yes") : word(r, "xlsx", "no"));
    xlsx_int(l->b, ws, row, 13, db_col_int64(s, 12));
    xlsx_money(l->b, ws, row, 14, db_col_int64(s, 13));
}

static void inspection_row(void *ctx, db_stmt *s)
{
    ledger *l = ctx;
    lxw_row_t row = ++l->ninspections;
    lxw_worksheet *ws = l->inspections;
    xlsx_int(l->b, ws, row, 0, db_col_int64(s, 0));
    xlsx_date(l->b, ws, row, 1, db_col_text(s, 1));
    text(ws, row, 2, db_col_isnull(s, 2) ? institution_name(l, s, 3) : db_col_text(s, 2));
    text(ws, row, 3,
         db_col_isnull(s, 2) ? word(l->r, "xlsx", "institution") : word(l->r, "xlsx", "school"));
    text(ws, row, 4, db_col_text(s, 4));
    xlsx_int(l->b, ws, row, 5, db_col_int64(s, 5));
    xlsx_int(l->b, ws, row, 6, db_col_int64(s, 6));
    xlsx_int(l->b, ws, row, 7, db_col_int64(s, 5) - db_col_int64(s, 6));
}

static void rect_row(void *ctx, db_stmt *s)
{
    ledger *l = ctx;
    lxw_row_t row = ++l->nrects;
    lxw_worksheet *ws = l->rects;
    xlsx_int(l->b, ws, row, 0, db_col_int64(s, 0));
    xlsx_int(l->b, ws, row, 1, db_col_int64(s, 1));
    text(ws, row, 2, db_col_isnull(s, 2) ? institution_name(l, s, 3) : db_col_text(s, 2));
    text(ws, row, 3, db_col_text(s, 4));
    text(ws, row, 4, db_col_text(s, 5));
    xlsx_date(l->b, ws, row, 5, db_col_text(s, 6));
    text(ws, row, 6, word(l->r, "rect", db_col_text(s, 7)));
    xlsx_int(l->b, ws, row, 7, db_col_int64(s, 8));
    text(ws, row, 8, db_col_int64(s, 9) ? word(l->r, "xlsx", "yes") : word(l->r, "xlsx", "no"));
}

void cs_h_ledger_xlsx(req *r)
{
    const char *from = req_query(r, "from"), *to = req_query(r, "to");
    if (!valid_date(from) || !valid_date(to) || strcmp(from, to) > 0 ||
        date_days(to) - date_days(from) > 400) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, !valid_date(from) ? "from" : "to");
        return;
    }
    static const char *const case_heads[] = {"编号",     "受理日期",   "来源",        "类别",
                                             "涉及学校", "涉及机构",   "地点",        "承办学校",
                                             "状态",     "办结期限",   "办结日期",    "办理结果",
                                             "是否超期", "公开答复数", "罚款金额(元)"};
    static const char *const inspection_heads[] = {"编号", "督查日期", "督查对象",   "对象类型",
                                                   "说明", "问题数",   "已通过复核", "未完成整改"};
    static const char *const rect_heads[] = {"编号",     "督查编号", "整改对象", "依据条款", "问题",
                                             "整改期限", "状态",     "退回次数", "是否超期"};
    xlsx_book b;
    if (!xlsx_open_or_reply(r, &b, "cases-ledger"))
        return;
    ledger l = {.r = r, .b = &b};
    l.cases = workbook_add_worksheet(b.wb, "投诉举报");
    l.inspections = workbook_add_worksheet(b.wb, "督查检查");
    l.rects = workbook_add_worksheet(b.wb, "整改");
    xlsx_header_row(&b, l.cases, case_heads, (int)(sizeof case_heads / sizeof case_heads[0]));
    xlsx_header_row(&b, l.inspections, inspection_heads,
                    (int)(sizeof inspection_heads / sizeof inspection_heads[0]));
    xlsx_header_row(&b, l.rects, rect_heads, (int)(sizeof rect_heads / sizeof rect_heads[0]));
    worksheet_set_column(l.cases, 1, 1, 12, NULL);
    worksheet_set_column(l.cases, 3, 7, 18, NULL);
    worksheet_set_column(l.cases, 9, 10, 12, NULL);
    worksheet_set_column(l.inspections, 1, 4, 18, NULL);
    worksheet_set_column(l.rects, 2, 5, 18, NULL);
    char today[11];
    today_local(today);
    int rc = cs_store_ledger(r->db, r->user->district_id, from, to, today, case_row, inspection_row,
                             rect_row, &l);
    if (rc != DB_OK) {
        xlsx_discard(&b);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    if (!xlsx_finish_or_reply(r, &b))
        return;
    audit_record(r, "export cases ledger", "district", r->user->district_id,
                 req_printf(r, "%s..%s", from, to));
    xlsx_reply(r, &b, req_printf(r, "cases-ledger-%s-%s.xlsx", from, to),
               req_printf(r, "投诉举报与督查台账-%s至%s.xlsx", from, to));
}
