/*
 * sheets.c: the reports module's workbooks, through the one XLSX pipeline (core/xlsx.h).
 *
 * The half-monthly report (Journey 1.3): one workbook, a sheet per topic (总表, 作业, 课后服务,
 * 校外培训, 投诉举报与处罚) and a chart sheet (图表). Headers in Chinese in the first row of
 * every sheet (frozen), numbers as numbers (counts as integers, shares as fractions in a
 * percent format, money as 元 from integer fen), column widths fitted to their headers. It is
 * written from the report as GET answers it, so the file and the JSON never disagree.
 *
 * The school's work ledger (RP-2): 作业公示, 课后服务, 督查整改, 投诉举报, 通知.
 */
#include <stdio.h>
#include <string.h>

#include "reports/reports_int.h"

static int64_t jint(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}
static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

typedef struct {
    const xlsx_book *b;
    lxw_format *percent, *wrap;
} sheets;

/* A sheet with its header row (frozen) and its columns' widths. */
static lxw_worksheet *sheet(const sheets *x, const char *name, const char *const *heads,
                            const double *widths, int n)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->b->wb, name);
    xlsx_header_row(x->b, ws, heads, n);
    for (int i = 0; i < n; i++)
        worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
}

/* A share (a JSON number 0..1, or null) in the percent format; empty for null. */
static void share(const sheets *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const json_t *v)
{
    if (json_is_number(v))
        worksheet_write_number(ws, row, col, json_number_value(v), x->percent);
}

static void yes_no(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, bool v)
{
    worksheet_write_string(ws, row, col, v ? "是" : "否", NULL);
}

/* ---------- the half-monthly report ---------- */

static const char *period_words(const json_t *rep, char *out, size_t n)
{
    const char *id = jstr(rep, "period");
    int y = 0, m = 0, h = 0;
    if (sscanf(id, "%d-%d-%d", &y, &m, &h) == 3)
        snprintf(out, n, "%d年%d月%s", y, m, h == 1 ? "上半月" : "下半月");
    else
        snprintf(out, n, "%s", id);
    return out;
}

/* 总表: the indicators; rows 1..3 are the ones the chart sheet draws. */
static void summary_sheet(const sheets *x, const json_t *rep)
{
    static const char *const heads[] = {"指标", "数值", "单位", "说明"};
    static const double widths[] = {34, 16, 8, 70};
    lxw_worksheet *ws = sheet(x, "总表", heads, widths, 4);
    const json_t *ind = json_object_get(rep, "indicators");
    const xlsx_book *b = x->b;
    lxw_row_t r = 1;
    struct {
        const char *name, *key, *unit, *note;
    } counts[] = {
        {"学校总数", "schools_total", "所", "本区义务教育阶段学校"},
        {"作业总量达标学校数", "schools_homework_within_limits", "所",
         "报送期内没有任何一个班级日的书面作业超出当日上限，且家长反馈用时中位数超出上限不超过容"
         "差"},
        {"课后服务达标学校数", "schools_afterschool_compliant", "所",
         "报送期内每个上课日都提供不少于规定时长的课后服务，且所有项目结束时间不早于当地下班时间"},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++, r++) {
        worksheet_write_string(ws, r, 0, counts[i].name, NULL);
        xlsx_int(b, ws, r, 1, jint(ind, counts[i].key));
        worksheet_write_string(ws, r, 2, counts[i].unit, NULL);
        worksheet_write_string(ws, r, 3, counts[i].note, x->wrap);
    }
    struct {
        const char *name, *key, *note;
    } shares[] = {
        {"参加课后服务学生比例", "pupils_afterschool_share",
         "报送期内在课后服务项目中有学位的学生占在册学生的比例"},
        {"参加课后服务教师比例", "teachers_afterschool_share",
         "报送期内值守课后服务或担任项目岗位的教师占教师总数的比例"},
    };
    for (size_t i = 0; i < 2; i++, r++) {
        worksheet_write_string(ws, r, 0, shares[i].name, NULL);
        share(x, ws, r, 1, json_object_get(ind, shares[i].key));
        worksheet_write_string(ws, r, 2, "%", NULL);
        worksheet_write_string(ws, r, 3, shares[i].note, x->wrap);
    }
    struct {
        const char *name, *key, *unit, *note;
    } more[] = {
        {"在册学生数", "pupils_total", "人", ""},
        {"参加课后服务学生数", "pupils_afterschool", "人", ""},
        {"教师数", "teachers_total", "人", ""},
        {"参加课后服务教师数", "teachers_afterschool", "人", ""},
        {"学科类校外培训机构数", "institutions_subject", "家",
         "持有效办学许可证、学科类、未注销的机构（报送期末）"},
        {"暂停（停业整顿）机构数", "institutions_suspended", "家",
         "报送期末处于暂停状态的机构，不分类别"},
        {"基准日学科类机构数", "institutions_subject_baseline", "家", "区设置的基准日在册数"},
        {"较基准日压减学科类机构数", "institutions_subject_reduction", "家",
         "基准日数减报送期末数"},
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++, r++) {
        worksheet_write_string(ws, r, 0, more[i].name, NULL);
        if (json_is_integer(json_object_get(ind, more[i].key)))
            xlsx_int(b, ws, r, 1, jint(ind, more[i].key));
        worksheet_write_string(ws, r, 2, more[i].unit, NULL);
        worksheet_write_string(ws, r, 3, more[i].note, x->wrap);
    }
    worksheet_write_string(ws, r, 0, "学科类机构压减率", NULL);
    share(x, ws, r, 1, json_object_get(ind, "institutions_subject_reduction_share"));
    worksheet_write_string(ws, r, 2, "%", NULL);
    worksheet_write_string(ws, r++, 3, "压减数占基准日数的比例", x->wrap);
    worksheet_write_string(ws, r, 0, "预收费监管资金余额", NULL);
    xlsx_money(b, ws, r, 1, jint(ind, "escrow_fen"));
    worksheet_write_string(ws, r, 2, "元", NULL);
    worksheet_write_string(ws, r++, 3, "资金监管账本中各合同监管账户余额之和（报送期末）", x->wrap);
    struct {
        const char *name, *key;
    } cases[] = {{"接到投诉举报件数", "tips_received"},
                 {"查实件数", "tips_substantiated"},
                 {"逾期未办结件数", "cases_overdue"}};
    for (size_t i = 0; i < 3; i++, r++) {
        worksheet_write_string(ws, r, 0, cases[i].name, NULL);
        xlsx_int(b, ws, r, 1, jint(ind, cases[i].key));
        worksheet_write_string(ws, r, 2, "件", NULL);
    }
    const json_t *pen = json_object_get(ind, "penalties");
    worksheet_write_string(ws, r, 0, "行政处罚（无证培训，PN-1）", NULL);
    xlsx_int(b, ws, r, 1, jint(pen, "PN-1"));
    worksheet_write_string(ws, r++, 2, "件", NULL);
    worksheet_write_string(ws, r, 0, "行政处罚（隐形变异培训，PN-2）", NULL);
    xlsx_int(b, ws, r, 1, jint(pen, "PN-2"));
    worksheet_write_string(ws, r++, 2, "件", NULL);
    /* the period and its state, after the figures */
    char words[64];
    r++;
    struct {
        const char *name, *value;
    } info[] = {
        {"报送期", period_words(rep, words, sizeof words)},
        {"统计起止", NULL},
        {"报送截止日", jstr(rep, "due_date")},
        {"状态", strcmp(jstr(rep, "status"), "submitted") == 0 ? "已报送" : "草稿（实时数据）"},
        {"报送时间", jstr(rep, "submitted_at")},
        {"报送人", jstr(json_object_get(rep, "submitted_by"), "name")},
        {"修订版本", NULL},
        {"数据摘要（SHA-256）", jstr(rep, "digest")},
        {"政策版本", jstr(rep, "policy_version")},
    };
    for (size_t i = 0; i < sizeof info / sizeof info[0]; i++, r++) {
        worksheet_write_string(ws, r, 0, info[i].name, x->b->header);
        if (i == 1) {
            char span[32];
            snprintf(span, sizeof span, "%s 至 %s", jstr(rep, "from"), jstr(rep, "to"));
            worksheet_write_string(ws, r, 1, span, NULL);
        } else if (i == 6) {
            if (jint(rep, "revision") > 0)
                xlsx_int(b, ws, r, 1, jint(rep, "revision"));
        } else {
            worksheet_write_string(ws, r, 1, info[i].value, NULL);
        }
    }
}

/* 作业: per school, then every listed over-cap class-day. */
static void homework_sheet(const sheets *x, const json_t *rep)
{
    static const char *const heads[] = {"学校",
                                        "有作业的班级日",
                                        "超出上限的班级日",
                                        "其中书面作业时长超限",
                                        "其中家长反馈用时超限",
                                        "是否达标",
                                        "班级",
                                        "日期",
                                        "当日上限（分钟）",
                                        "书面作业（分钟）",
                                        "家长反馈中位数（分钟）",
                                        "反馈家庭数",
                                        "原因",
                                        "规则",
                                        "政策版本"};
    static const double widths[] = {22, 14, 16, 20, 20, 10, 12, 12, 16, 16, 20, 12, 18, 8, 22};
    lxw_worksheet *ws = sheet(x, "作业", heads, widths, 15);
    lxw_row_t r = 1;
    const json_t *s;
    size_t i;
    json_array_foreach(json_object_get(rep, "schools"), i, s)
    {
        const json_t *hw = json_object_get(s, "homework");
        worksheet_write_string(ws, r, 0, jstr(s, "name"), NULL);
        xlsx_int(x->b, ws, r, 1, jint(hw, "class_days"));
        xlsx_int(x->b, ws, r, 2, jint(hw, "over_days"));
        xlsx_int(x->b, ws, r, 3, jint(hw, "over_written"));
        xlsx_int(x->b, ws, r, 4, jint(hw, "over_reported"));
        yes_no(ws, r, 5, json_is_true(json_object_get(hw, "within")));
        r++;
        const json_t *o;
        size_t k;
        json_array_foreach(json_object_get(hw, "over"), k, o)
        {
            worksheet_write_string(ws, r, 0, jstr(s, "name"), NULL);
            char cls[80];
            snprintf(cls, sizeof cls, "%d年级%s", (int)jint(o, "grade"), jstr(o, "class_name"));
            worksheet_write_string(ws, r, 6, cls, NULL);
            xlsx_date(x->b, ws, r, 7, jstr(o, "date"));
            xlsx_int(x->b, ws, r, 8, jint(o, "limit_minutes"));
            xlsx_int(x->b, ws, r, 9, jint(o, "written_minutes"));
            const json_t *med = json_object_get(o, "median_minutes");
            if (json_is_number(med))
                worksheet_write_number(ws, r, 10, json_number_value(med), NULL);
            xlsx_int(x->b, ws, r, 11, jint(o, "families"));
            worksheet_write_string(ws, r, 12,
                                   strcmp(jstr(o, "reason"), "written") == 0 ? "书面作业时长超限"
                                                                             : "家长反馈用时超限",
                                   NULL);
            worksheet_write_string(ws, r, 13, jstr(o, "rule"), NULL);
            worksheet_write_string(ws, r, 14, jstr(o, "policy_version"), NULL);
            r++;
        }
    }
}

/* 课后服务: AS-1, AS-2 and participation (RP-3) per school. */
static void afterschool_sheet(const sheets *x, const json_t *rep)
{
    static const char *const heads[] = {
        "学校",       "应提供服务的上课日", "达标天数",   "未达标日期", "早于下班时间结束的项目",
        "是否达标",   "在册学生数",         "参加学生数", "学生参与率", "教师数",
        "参加教师数", "教师参与率"};
    static const double widths[] = {22, 18, 10, 30, 30, 10, 12, 12, 12, 10, 12, 12};
    lxw_worksheet *ws = sheet(x, "课后服务", heads, widths, 12);
    lxw_row_t r = 1;
    const json_t *s;
    size_t i;
    json_array_foreach(json_object_get(rep, "schools"), i, s)
    {
        const json_t *as = json_object_get(s, "afterschool");
        worksheet_write_string(ws, r, 0, jstr(s, "name"), NULL);
        xlsx_int(x->b, ws, r, 1, jint(as, "school_days"));
        xlsx_int(x->b, ws, r, 2, jint(as, "served_days"));
        char text[512] = "";
        size_t len = 0, k;
        const json_t *d;
        json_array_foreach(json_object_get(as, "missing_days"), k, d)
        {
            int n = snprintf(text + len, sizeof text - len, "%s%s", k ? "、" : "", jstr(d, "date"));
            if (n < 0 || (size_t)n >= sizeof text - len)
                break;
            len += (size_t)n;
        }
        worksheet_write_string(ws, r, 3, text, NULL);
        text[0] = 0;
        len = 0;
        json_array_foreach(json_object_get(as, "early_programs"), k, d)
        {
            int n = snprintf(text + len, sizeof text - len, "%s%s（%s 结束，下班 %s）",
                             k ? "；" : "", jstr(d, "name"), jstr(d, "end"), jstr(d, "off_work"));
            if (n < 0 || (size_t)n >= sizeof text - len)
                break;
            len += (size_t)n;
        }
        worksheet_write_string(ws, r, 4, text, NULL);
        yes_no(ws, r, 5, json_is_true(json_object_get(as, "compliant")));
        xlsx_int(x->b, ws, r, 6, jint(s, "pupils_total"));
        xlsx_int(x->b, ws, r, 7, jint(s, "pupils_afterschool"));
        share(x, ws, r, 8, json_object_get(s, "pupils_afterschool_share"));
        xlsx_int(x->b, ws, r, 9, jint(s, "teachers_total"));
        xlsx_int(x->b, ws, r, 10, jint(s, "teachers_afterschool"));
        share(x, ws, r, 11, json_object_get(s, "teachers_afterschool_share"));
        r++;
    }
}

static const char *state_words(const char *s)
{
    return strcmp(s, "active") == 0 ? "正常" : strcmp(s, "suspended") == 0 ? "暂停" : "注销";
}

/* 校外培训: the registry at the period's end and each institution's escrow. */
static void training_sheet(const sheets *x, const json_t *rep)
{
    static const char *const heads[] = {
        "机构名称",          "类别", "状态", "许可证有效期至", "计入学科类在册数", "暂停",
        "监管资金余额（元）"};
    static const double widths[] = {30, 10, 8, 16, 16, 8, 18};
    lxw_worksheet *ws = sheet(x, "校外培训", heads, widths, 7);
    lxw_row_t r = 1;
    const json_t *it;
    size_t i;
    json_array_foreach(json_object_get(rep, "institutions"), i, it)
    {
        worksheet_write_string(ws, r, 0, jstr(it, "name"), NULL);
        worksheet_write_string(
            ws, r, 1, strcmp(jstr(it, "category"), "subject") == 0 ? "学科类" : "非学科类", NULL);
        worksheet_write_string(ws, r, 2, state_words(jstr(it, "state")), NULL);
        if (jstr(it, "license_valid_until")[0])
            xlsx_date(x->b, ws, r, 3, jstr(it, "license_valid_until"));
        yes_no(ws, r, 4, json_is_true(json_object_get(it, "subject_active")));
        yes_no(ws, r, 5, json_is_true(json_object_get(it, "suspended")));
        xlsx_money(x->b, ws, r, 6, jint(it, "escrow_fen"));
        r++;
    }
    worksheet_write_string(ws, r, 0, "合计", x->b->header);
    xlsx_money(x->b, ws, r, 6, jint(json_object_get(rep, "indicators"), "escrow_fen"));
}

/* 投诉举报与处罚: the cases module's figures. */
static void cases_sheet(const sheets *x, const json_t *rep)
{
    static const char *const heads[] = {"项目", "件数", "说明"};
    static const double widths[] = {30, 10, 60};
    lxw_worksheet *ws = sheet(x, "投诉举报与处罚", heads, widths, 3);
    const json_t *ind = json_object_get(rep, "indicators"),
                 *pen = json_object_get(ind, "penalties");
    struct {
        const char *name;
        int64_t n;
        const char *note;
    } rows[] = {
        {"接到投诉举报", jint(ind, "tips_received"), "报送期内收到的举报和家长投诉"},
        {"查实", jint(ind, "tips_substantiated"), "报送期内办结且结论为查实的件数"},
        {"逾期未办结", jint(ind, "cases_overdue"), "截至报送期末（或今天）超过办理期限仍未办结"},
        {"行政处罚：无证培训（PN-1）", jint(pen, "PN-1"), "报送期内作出的处罚决定"},
        {"行政处罚：隐形变异培训（PN-2）", jint(pen, "PN-2"), "报送期内作出的处罚决定"},
    };
    lxw_row_t r = 1;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++, r++) {
        worksheet_write_string(ws, r, 0, rows[i].name, NULL);
        xlsx_int(x->b, ws, r, 1, rows[i].n);
        worksheet_write_string(ws, r, 2, rows[i].note, x->wrap);
    }
    if (!json_is_true(json_object_get(rep, "cases_available")))
        worksheet_write_string(ws, r + 1, 0, "投诉举报模块尚未启用，以上件数为 0", NULL);
}

/* 图表: schools meeting the homework and after-school rules against all schools (总表 B2:B4),
 * and the participation shares (总表 B5:B6). */
static void chart_sheet(const sheets *x)
{
    lxw_chart *chart = workbook_add_chart(x->b->wb, LXW_CHART_COLUMN);
    lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
    chart_series_set_categories(s, "总表", 1, 0, 3, 0);
    chart_series_set_values(s, "总表", 1, 1, 3, 1);
    chart_series_set_name(s, "学校数");
    chart_series_set_labels(s);
    chart_title_set_name(chart, "学校达标情况");
    chart_axis_set_name(chart->y_axis, "学校数（所）");
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    lxw_chartsheet *cs = workbook_add_chartsheet(x->b->wb, "图表");
    chartsheet_set_chart(cs, chart);
}

void reports_half_monthly_sheets(const xlsx_book *b, const json_t *report)
{
    sheets x = {.b = b};
    x.percent = workbook_add_format(b->wb);
    format_set_num_format(x.percent, "0.0%");
    x.wrap = workbook_add_format(b->wb);
    format_set_text_wrap(x.wrap);
    summary_sheet(&x, report);
    homework_sheet(&x, report);
    afterschool_sheet(&x, report);
    training_sheet(&x, report);
    cases_sheet(&x, report);
    chart_sheet(&x);
}

/* ---------- the school's work ledger (RP-2) ---------- */

/* API.md's case categories and states, in the words of a school office. */
static const char *case_words(const char *k)
{
    static const char *const words[][2] = {
        {"homework_overload", "作业负担过重"},
        {"afterschool_fee", "课后服务收费"},
        {"exam_ranking", "考试排名"},
        {"unlicensed_training", "无证培训"},
        {"disguised_training", "隐形变异培训"},
        {"off_hours_training", "违规时段培训"},
        {"prepaid_over_limit", "超期超额预收费"},
        {"refund_refused", "拒不退费"},
        {"wage_arrears", "拖欠工资"},
        {"other", "其他"},
        {"open", "待分办"},
        {"assigned", "办理中"},
        {"answered", "已答复"},
        {"closed", "已办结"},
        {"submitted", "已报告整改"},
        {"passed", "已通过复核"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i][0], k) == 0)
            return words[i][1];
    return k;
}

void rp_ledger_sheets(const xlsx_book *b, const json_t *ledger, const char *school_name)
{
    sheets x = {.b = b};
    (void)school_name;
    {
        static const char *const heads[] = {
            "日期",         "公示班级数",           "作业条目",
            "书面作业条目", "书面作业平均（分钟）", "超出上限的班级"};
        static const double widths[] = {12, 12, 10, 14, 20, 16};
        lxw_worksheet *ws = sheet(&x, "作业公示", heads, widths, 6);
        const json_t *d;
        size_t i;
        json_array_foreach(json_object_get(ledger, "homework"), i, d)
        {
            lxw_row_t r = (lxw_row_t)i + 1;
            xlsx_date(b, ws, r, 0, jstr(d, "date"));
            xlsx_int(b, ws, r, 1, jint(d, "classes"));
            xlsx_int(b, ws, r, 2, jint(d, "items"));
            xlsx_int(b, ws, r, 3, jint(d, "written_items"));
            const json_t *avg = json_object_get(d, "avg_written_minutes");
            if (json_is_number(avg))
                worksheet_write_number(ws, r, 4, json_number_value(avg), NULL);
            xlsx_int(b, ws, r, 5, jint(d, "over_classes"));
        }
    }
    {
        static const char *const heads[] = {"日期",     "开设项目", "已点名项目",
                                            "应到人次", "实到人次", "值守教师"};
        static const double widths[] = {12, 10, 12, 10, 10, 10};
        lxw_worksheet *ws = sheet(&x, "课后服务", heads, widths, 6);
        const json_t *d;
        size_t i;
        json_array_foreach(json_object_get(ledger, "afterschool"), i, d)
        {
            lxw_row_t r = (lxw_row_t)i + 1;
            xlsx_date(b, ws, r, 0, jstr(d, "date"));
            xlsx_int(b, ws, r, 1, jint(d, "programs"));
            xlsx_int(b, ws, r, 2, jint(d, "rolls"));
            xlsx_int(b, ws, r, 3, jint(d, "marked"));
            xlsx_int(b, ws, r, 4, jint(d, "present"));
            xlsx_int(b, ws, r, 5, jint(d, "teachers_on_duty"));
        }
    }
    {
        static const char *const heads[] = {"日期", "事项", "规则", "状态", "整改期限"};
        static const double widths[] = {12, 50, 8, 10, 12};
        lxw_worksheet *ws = sheet(&x, "督查整改", heads, widths, 5);
        const json_t *d;
        size_t i;
        json_array_foreach(json_object_get(ledger, "inspections"), i, d)
        {
            lxw_row_t r = (lxw_row_t)i + 1;
            xlsx_date(b, ws, r, 0, jstr(d, "date"));
            worksheet_write_string(ws, r, 1, jstr(d, "text"), NULL);
            worksheet_write_string(ws, r, 2, jstr(d, "rule"), NULL);
            worksheet_write_string(
                ws, r, 3,
                strcmp(jstr(d, "status"), "open") == 0 ? "待整改" : case_words(jstr(d, "status")),
                NULL);
            xlsx_date(b, ws, r, 4, jstr(d, "due_date"));
        }
        if (json_is_null(json_object_get(ledger, "inspections")))
            worksheet_write_string(ws, 1, 1, "督查整改记录待投诉督查模块启用后汇入", NULL);
    }
    {
        static const char *const heads[] = {"日期", "类别", "状态", "办理期限", "是否逾期"};
        static const double widths[] = {12, 20, 10, 12, 10};
        lxw_worksheet *ws = sheet(&x, "投诉举报", heads, widths, 5);
        const json_t *d;
        size_t i;
        json_array_foreach(json_object_get(ledger, "complaints"), i, d)
        {
            lxw_row_t r = (lxw_row_t)i + 1;
            xlsx_date(b, ws, r, 0, jstr(d, "date"));
            worksheet_write_string(ws, r, 1, case_words(jstr(d, "category")), NULL);
            worksheet_write_string(ws, r, 2, case_words(jstr(d, "status")), NULL);
            xlsx_date(b, ws, r, 3, jstr(d, "due_date"));
            yes_no(ws, r, 4, json_is_true(json_object_get(d, "overdue")));
        }
        if (json_is_null(json_object_get(ledger, "complaints")))
            worksheet_write_string(ws, 1, 1, "投诉举报记录待投诉督查模块启用后汇入", NULL);
    }
    {
        static const char *const heads[] = {"日期", "标题", "对象", "已读", "未读"};
        static const double widths[] = {12, 40, 16, 8, 8};
        lxw_worksheet *ws = sheet(&x, "通知", heads, widths, 5);
        const json_t *d;
        size_t i;
        json_array_foreach(json_object_get(ledger, "notices"), i, d)
        {
            lxw_row_t r = (lxw_row_t)i + 1;
            xlsx_date(b, ws, r, 0, jstr(d, "date"));
            worksheet_write_string(ws, r, 1, jstr(d, "title"), NULL);
            worksheet_write_string(ws, r, 2, jstr(d, "audience"), NULL);
            xlsx_int(b, ws, r, 3, jint(d, "read"));
            xlsx_int(b, ws, r, 4, jint(d, "unread"));
        }
        if (json_is_null(json_object_get(ledger, "notices")))
            worksheet_write_string(ws, 1, 1, "通知记录待通知模块启用后汇入", NULL);
    }
}
