/*
 * demo.c: the reports module's demo data (demo.h), written through the module's own functions:
 * reports_settings_put, rp_draft_figures + reports_submit for each past period (the figures a
 * district admin would have submitted, computed from the demo's data as it stands, stamped on
 * the period's due date at 16:30), reports_case_submit / _select / _publish for the typical
 * cases. Runs inside the demo's write transaction: the writes nest as savepoints (db.h) and the
 * figures are read in that same transaction (caller_tx).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "reports/demo.h"
#include "reports/reports_int.h"

/* The subject institutions the demo district had on 24 July 2021, beyond today's register. */
static const int64_t baseline_extra[] = {[DEMO_SMALL] = 9, [DEMO_DISTRICT] = 48, [DEMO_CITY] = 380};

static int submit(db_conn *c, const policy *pol, demo_ctx *ctx, const rp_period *p,
                  const char *reason, int64_t at)
{
    json_t *fig = NULL;
    int rc = rp_draft_figures(c, pol, ctx->district_id, p, ctx->today, true, &fig);
    if (rc != DB_OK)
        return rc;
    char digest[65];
    char *text = rp_canonical(fig, digest);
    json_decref(fig);
    rp_submit_in in = {.district_id = ctx->district_id,
                       .actor = ctx->admin_id,
                       .period = p->id,
                       .figures = text,
                       .digest = digest,
                       .actor_name = "区教体局管理员",
                       .reason = reason,
                       .submitted_at = at};
    int revision = 0;
    int64_t stamp = 0;
    verdict v = reports_submit(c, &in, &revision, &stamp);
    free(text);
    return verdict_is_ok(&v) ? DB_OK : DB_ERROR;
}

typedef struct {
    size_t school; /* index into ctx->schools */
    const char *topic, *title, *body, *status;
} demo_case;

static const demo_case cases[] = {
    {0, "homework", "作业公示“一日一表”,家长一看就明白",
     "学校各班每天 16:00 "
     "前在教室门口公示栏和班级群同步公布当日作业、预计用时和分层要求,年级组长当天审核;"
     "家长晚上在系统里反馈实际用时,超出预计 15 分钟以上的条目第二天在年级组会上调整。实施一学期来,"
     "书面作业平均用时由 68 分钟降到 52 分钟。",
     "published"},
    {1, "afterschool", "课后服务“菜单式”选课,学生自主选择",
     "在基础托管之外开设围棋、合唱、科创等 12 "
     "门兴趣课程,由家长和学生按意愿报名;引入区教体局遴选的第三方机构,"
     "收费严格执行备案标准,困难家庭学生全部免费。",
     "selected"},
    {2, "family", "每周一次家校沟通,作业用时看得见",
     "班主任每周五汇总本周作业用时反馈,与家长交流孩子的睡眠和作业情况,"
     "发现持续超时的学生及时与任课教师沟通。",
     "submitted"},
};

int reports_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, char *summary, size_t len)
{
    const policy *pol = a->base_pol;
    char term[16], first[11], last[11];
    term_of_date(ctx->today, term);
    int rc = calendar_term_bounds(c, ctx->district_id, term, first, last);
    if (rc != DB_ROW)
        return rc;
    /* reporting since the term began; at least three past periods when the term is young */
    rp_period cur, p;
    reports_period_of(ctx->today, &cur);
    p = cur;
    for (int i = 0; i < 3; i++)
        reports_period_prev(&p, &p);
    rp_settings set = {.baseline_subject_institutions = -1};
    snprintf(set.since, sizeof set.since, "%s", strcmp(first, p.from) < 0 ? first : p.from);
    snprintf(set.baseline_date, sizeof set.baseline_date, "2021-07-24");
    rp_inst_row *inst = NULL;
    size_t ninst = 0;
    int64_t escrow = 0;
    rc = rp_store_institutions(c, ctx->district_id, date_unix(ctx->today, 24 * 60), &inst, &ninst,
                               &escrow);
    if (rc != DB_OK)
        return rc;
    int64_t subject = 0;
    for (size_t i = 0; i < ninst; i++)
        subject += strcmp(inst[i].category, "subject") == 0 && strcmp(inst[i].state, "closed") != 0;
    free(inst);
    set.baseline_subject_institutions = subject + baseline_extra[ctx->scale];
    verdict v = reports_settings_put(c, ctx->district_id, &set, ctx->admin_id);
    if (!verdict_is_ok(&v))
        return DB_ERROR;

    /* every past period submitted on its due day; the latest one revised the next morning */
    int submitted = 0;
    reports_period_of(set.since, &p);
    rp_period latest = {0};
    while (strcmp(p.id, cur.id) != 0 && strcmp(p.from, cur.from) < 0) {
        reports_period_due(pol, &p);
        rc = submit(c, pol, ctx, &p, NULL, date_unix(p.due, 16 * 60 + 30));
        if (rc != DB_OK)
            return rc;
        submitted++;
        latest = p;
        reports_period_next(&p, &p);
    }
    if (submitted) {
        char next[11];
        date_add_days(latest.due, 1, next);
        rc = submit(c, pol, ctx, &latest,
                    "东湖中学补录期末两天的课后服务点名记录,更正参加课后服务学生数",
                    date_unix(next, 9 * 60 + 10));
        if (rc != DB_OK)
            return rc;
    }

    /* typical cases from the first schools, one in each state */
    int ncases = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].school >= ctx->nschools)
            continue;
        const demo_school *sc = &ctx->schools[cases[i].school];
        rp_case_in in = {.district_id = ctx->district_id,
                         .school_id = sc->id,
                         .actor = sc->admin_id,
                         .term = term,
                         .topic = cases[i].topic,
                         .title = cases[i].title,
                         .body = cases[i].body};
        int64_t id = 0;
        v = reports_case_submit(c, &in, &id);
        if (verdict_is_ok(&v) && strcmp(cases[i].status, "submitted") != 0)
            v = reports_case_select(c, id, true, ctx->admin_id);
        if (verdict_is_ok(&v) && strcmp(cases[i].status, "published") == 0)
            v = reports_case_publish(c, id, ctx->admin_id);
        if (!verdict_is_ok(&v))
            return DB_ERROR;
        ncases++;
    }
    snprintf(summary, len,
             "reports: since %s, %d half-monthly reports submitted (%s revised once), %s in draft;"
             " %d typical cases",
             set.since, submitted, submitted ? latest.id : "none", cur.id, ncases);
    return DB_DONE;
}
