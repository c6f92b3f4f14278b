/*
 * demo.c: the notices of the demo district (`shuangjian demo`) and a term's evaluations of its
 * after-school programs, so the inbox, the receipts, the public page and the evaluation views
 * have something to show.
 *
 * API: notices_demo_fill (demo.h), called by src/app/demo.c inside its one write transaction
 * after the after-school service and homework are written.
 *
 * What it writes, every notice through notices_audience_resolve and notices_send_in_tx (the
 * audience checked against its sender's scope as the API does), every reading through
 * notices_mark_read_in_tx, the reminder through notices_remind_in_tx, every evaluation through
 * notices_evaluate_in_tx:
 *   - the district's public policy explanation (public only, no recipients), six days ago;
 *   - the district's 校外培训风险提示 to every guardian of the district, public, five days ago,
 *     with FU-2's numbers of the policy; read by about 60% of school1's families (parent1 too);
 *   - school1's 四年级家长会通知 to grade 4's families three days ago, read by about half,
 *     reminded yesterday;
 *   - school1's 课后服务排班调整 to its teachers two days ago, read by most (not teacher1);
 *   - teacher1's note to the families of their classes yesterday, read by one in three, not
 *     parent1 (the header's badge), not reminded yet (the button works today);
 *   - school1's 课后服务收费公示 to its families today, public, read by nobody yet;
 *   - the term's evaluations: up to EVALS_PER_PROGRAM families of each program, mostly 4 and 5;
 *     the first of school1's programs with enough families scores low, so NT-2 flags it.
 * At city scale the district's notice is a million rows, written by the one statement the API
 * uses. Numbers come from the module's own seeded stream (demo_stream).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "notices/demo.h"
#include "notices/notices_int.h"

#define NT_DEMO_SALT      0x4E07D3C0u
#define EVALS_PER_PROGRAM 12

typedef struct {
    db_conn *c;
    const app *a;
    demo_ctx *x;
    uint64_t r;
    int64_t notices, recipients, reads, reminders, publics, evaluations;
    char flagged[160];
} nt_demo;

static int64_t at_day(const char *today, int days_ago, int minutes)
{
    char d[11];
    date_add_days(today, -days_ago, d);
    return demo_unix(d, minutes);
}

static user sender(int64_t id, int64_t district, role ro)
{
    user u = {.id = id, .district_id = district, .nroles = 1};
    u.roles[0] = ro;
    return u;
}

/* One notice from `who` to the audience, as the API would send it. OUT: id. */
static int send(nt_demo *d, const user *who, nt_audience *aud, const char *audience_json,
                const char *title, const char *body, int64_t at, int64_t *id)
{
    nt_class taught[NT_MAX_TAUGHT];
    size_t ntaught = 0;
    if (who->roles[0].kind == ROLE_TEACHER &&
        nt_store_taught(d->c, who->id, taught, NT_MAX_TAUGHT, &ntaught) != DB_DONE)
        return DB_ERROR;
    nt_target *targets = malloc(notices_targets_cap(aud->nschools) * sizeof *targets);
    if (!targets)
        abort();
    nt_resolved res = {.targets = targets, .cap = notices_targets_cap(aud->nschools)};
    verdict v = notices_audience_resolve(who, aud, taught, ntaught, &res);
    int64_t n = 0;
    if (verdict_is_ok(&v)) {
        nt_send_in in = {.district_id = d->x->district_id,
                         .sender_id = who->id,
                         .title = title,
                         .body = body,
                         .audience_json = audience_json,
                         .aud = &res,
                         .public_ = aud->public_,
                         .at = at};
        v = notices_send_in_tx(d->c, &in, id, &n);
    }
    free(targets);
    if (!verdict_is_ok(&v)) {
        fprintf(stderr, "shuangjian: demo: notice %s refused (%s)\n", title, v.msg ? v.msg : "");
        return DB_ERROR;
    }
    d->notices++;
    d->recipients += n;
    d->publics += aud->public_;
    return DB_DONE;
}

/* The reader opens it a few hours after it came. */
static int read_by(nt_demo *d, int64_t notice, int64_t user_id, int64_t sent_at)
{
    int64_t at = sent_at + 3600 + (int64_t)demo_below(&d->r, 10 * 3600);
    verdict v = notices_mark_read_in_tx(d->c, notice, user_id, at);
    d->reads += verdict_is_ok(&v);
    return verdict_is_ok(&v) ? DB_DONE : DB_ERROR;
}

/* Each guardian of school1's pupils (grade 0: all grades) reads with `percent` chance; parent1
 * reads when parent1_reads. */
static int school1_families_read(nt_demo *d, int64_t notice, int64_t sent_at, int grade,
                                 int percent, bool parent1_reads)
{
    const demo_school *s = &d->x->schools[0];
    int rc = DB_DONE;
    for (size_t i = s->pupil0; rc == DB_DONE && i < s->pupil0 + s->npupils; i++) {
        const demo_pupil *p = &d->x->pupils[i];
        if (grade && p->grade != grade)
            continue;
        bool is_parent1 = p->guardian_id == d->x->parent1_id;
        bool reads = is_parent1 ? parent1_reads : (int)demo_below(&d->r, 100) < percent;
        /* a guardian with two children reads once: the second call finds it read */
        if (reads)
            rc = read_by(d, notice, p->guardian_id, sent_at);
    }
    return rc;
}

static const char *const comments[] = {
    "孩子很喜欢,每天回家都会讲课上的事",
    "老师很负责,作业在学校就能写完一部分",
    "希望活动内容再丰富一些",
    "时间安排合理,接孩子方便多了",
    "",
    "",
};
static const char *const low_comments[] = {
    "看管比较松散,孩子说经常自己玩手机",
    "内容重复,孩子不太愿意去",
    "",
};

typedef struct {
    int64_t program, pupil, guardian, school;
} nt_demo_family;

typedef struct {
    nt_demo_family *v;
    size_t n, cap;
    int64_t last_program;
    int in_program;
} nt_demo_families;

static void keep_family(void *arg, int64_t program, int64_t pupil, int64_t guardian, int64_t school)
{
    nt_demo_families *f = arg;
    if (program != f->last_program) {
        f->last_program = program;
        f->in_program = 0;
    }
    if (f->in_program++ >= EVALS_PER_PROGRAM)
        return;
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 1024;
        f->v = realloc(f->v, f->cap * sizeof *f->v);
        if (!f->v)
            abort();
    }
    f->v[f->n++] = (nt_demo_family){program, pupil, guardian, school};
}

static int evaluations(nt_demo *d)
{
    char term[16];
    term_of_date(d->x->today, term);
    nt_demo_families f = {0};
    int rc = nt_store_demo_enrolments(d->c, d->x->district_id, term, keep_family, &f);
    /* the first program of school1 with enough families is the one families are unhappy with */
    int64_t low = 0;
    for (size_t i = 0, n = 0; rc == DB_DONE && i < f.n && !low; i++) {
        n = i > 0 && f.v[i - 1].program == f.v[i].program ? n + 1 : 1;
        if (f.v[i].school == d->x->school1_id &&
            (int64_t)n >= policy_v(d->a->base_pol)->nt2_flag_min_evaluations)
            low = f.v[i].program;
    }
    for (size_t i = 0; rc == DB_DONE && i < f.n; i++) {
        const nt_demo_family *x = &f.v[i];
        int draw = (int)demo_below(&d->r, 100);
        int64_t score = x->program == low ? 1 + (draw % 3) /* 1..3 */
                        : draw < 45       ? 5
                        : draw < 80       ? 4
                        : draw < 95       ? 3
                                          : 2;
        const char *text =
            x->program == low ? low_comments[demo_below(&d->r, 3)] : comments[demo_below(&d->r, 6)];
        nt_eval_in in = {.district_id = d->x->district_id,
                         .school_id = x->school,
                         .program_id = x->program,
                         .student_id = x->pupil,
                         .guardian_id = x->guardian,
                         .score = score,
                         .term = term,
                         .text = text[0] ? text : NULL,
                         .at = at_day(d->x->today, (int)demo_below(&d->r, 10), 20 * 60)};
        int64_t id = 0;
        verdict v = notices_evaluate_in_tx(d->c, d->a->base_pol, &in, &id);
        if (!verdict_is_ok(&v))
            rc = DB_ERROR;
        d->evaluations++;
    }
    if (rc == DB_DONE && low) {
        nt_program p;
        if (nt_store_program(d->c, low, &p) == DB_ROW)
            snprintf(d->flagged, sizeof d->flagged, "%s", p.name);
    }
    free(f.v);
    return rc;
}

int notices_demo_fill(db_conn *c, const app *a, demo_ctx *x, char *summary, size_t len)
{
    nt_demo d = {.c = c, .a = a, .x = x, .r = demo_stream(x, NT_DEMO_SALT)};
    const policy_values *pv = policy_v(a->base_pol);
    const char *today = x->today;
    int64_t district = x->district_id, school1 = x->school1_id;
    user admin = sender(x->admin_id, district, (role){.kind = ROLE_DISTRICT_ADMIN});
    user school_admin = sender(x->schools[0].admin_id, district,
                               (role){.kind = ROLE_SCHOOL_ADMIN, .school_id = school1});
    user teacher1 =
        sender(x->teacher1_id, district, (role){.kind = ROLE_TEACHER, .school_id = school1});
    int64_t id = 0, at;
    char body[1024];

    /* the district's policy explanation: the public page only */
    nt_audience pub = {.public_ = true};
    int rc = send(&d, &admin, &pub, "{\"roles\":[]}", "“双减”政策解读:作业、课后服务与考试",
                  "各位家长、同学们:\n"
                  "一、二年级不布置家庭书面作业;三至六年级每天书面作业平均完成时间不超过 60 分钟,"
                  "初中不超过 90 分钟。\n"
                  "学校每个上学日都提供课后服务,家长自愿申请,结束时间不早于当地正常下班时间。\n"
                  "考试结果实行等级评价,不排名、不公布。\n"
                  "如发现违规情况,可通过本页面的举报渠道反映。",
                  at_day(today, 6, 9 * 60), &id);

    /* the risk notice: every family of the district, and the public page */
    nt_audience all = {.roles = NT_TO_GUARDIAN, .public_ = true};
    snprintf(body, sizeof body,
             "各位家长:\n"
             "请选择区教体局公布的白名单机构,不参加无证机构和黑名单机构的培训。\n"
             "签约前请确认机构的办学许可证和课程信息,预付费一次不超过 %lld 个月或 %lld 课时,"
             "费用全部进入监管账户,按课消费。\n"
             "警惕“一对一家教”“研学营”“家政服务”等隐形变异培训,发现请及时举报。",
             (long long)pv->fu2_max_months, (long long)pv->fu2_max_class_hours);
    at = at_day(today, 5, 10 * 60);
    if (rc == DB_DONE)
        rc =
            send(&d, &admin, &all, "{\"roles\":[\"guardian\"]}", "校外培训风险提示", body, at, &id);
    if (rc == DB_DONE)
        rc = school1_families_read(&d, id, at, 0, 60, true);

    /* school1's grade 4 parents' meeting: half read, reminded yesterday */
    nt_audience g4 = {.grades = 1u << 4, .roles = NT_TO_GUARDIAN};
    at = at_day(today, 3, 16 * 60);
    if (rc == DB_DONE)
        rc = send(
            &d, &school_admin, &g4, "{\"grade\":4,\"roles\":[\"guardian\"]}", "四年级家长会通知",
            "各位家长:\n本周五下午 4:00 在各班教室召开家长会,内容为本学期作业安排和课后服务情况。"
            "请准时参加,如不能到会请提前告知班主任。",
            at, &id);
    if (rc == DB_DONE)
        rc = school1_families_read(&d, id, at, 4, 50, true);
    if (rc == DB_DONE) {
        char yesterday[11];
        int64_t unread = 0;
        date_add_days(today, -1, yesterday);
        verdict v = notices_remind_in_tx(c, a->base_pol, id, school_admin.id, yesterday,
                                         at_day(today, 1, 9 * 60), &unread);
        rc = verdict_is_ok(&v) ? DB_DONE : DB_ERROR;
        d.reminders += rc == DB_DONE;
    }

    /* school1's staff notice: most teachers read it, teacher1 has not yet */
    nt_audience staff = {.roles = NT_TO_TEACHER | NT_TO_GRADE_LEADER};
    at = at_day(today, 2, 12 * 60);
    if (rc == DB_DONE)
        rc = send(&d, &school_admin, &staff, "{\"roles\":[\"teacher\",\"grade_leader\"]}",
                  "课后服务排班调整",
                  "各位老师:\n下周起课后服务 A 岗、B 岗排班按新表执行,请在教师端查看本人排班,"
                  "值班时长计入时间银行。",
                  at, &id);
    const demo_school *s1 = &x->schools[0];
    for (size_t i = s1->teacher0; rc == DB_DONE && i < s1->teacher0 + s1->nteachers; i++)
        if (x->teachers[i].id != x->teacher1_id && demo_below(&d.r, 100) < 85)
            rc = read_by(&d, id, x->teachers[i].id, at);

    /* teacher1's note to the families of their classes: one in three read, parent1 not */
    nt_audience mine = {.roles = NT_TO_GUARDIAN};
    at = at_day(today, 1, 17 * 60);
    if (rc == DB_DONE)
        rc = send(&d, &teacher1, &mine, "{\"roles\":[\"guardian\"]}", "数学练习与作业时间说明",
                  "各位家长:\n本周数学书面作业每天约 20 分钟,以课堂练习巩固为主,不需要家长批改。"
                  "孩子如到就寝时间仍未完成,请让孩子按时睡觉,第二天告诉我即可。",
                  at, &id);
    if (rc == DB_DONE)
        rc = school1_families_read(&d, id, at, 4, 33, false);

    /* school1's fee notice: public, sent today, read by nobody yet */
    nt_audience fees = {.roles = NT_TO_GUARDIAN, .public_ = true};
    if (rc == DB_DONE)
        rc = send(&d, &school_admin, &fees, "{\"roles\":[\"guardian\"]}", "课后服务收费公示",
                  "各位家长:\n本学期课后服务收费标准已经区教体局核定:基本托管每小时 2 元,"
                  "兴趣课程按核定标准收取,家庭经济困难学生免收。费用按学期收取,"
                  "中途退出按未参加天数退费。",
                  0, &id);

    if (rc == DB_DONE)
        rc = evaluations(&d);
    snprintf(summary, len,
             "notices: %lld notices (%lld public) to %lld recipients, %lld readings, %lld "
             "reminded; %lld evaluations, flagged: %s",
             (long long)d.notices, (long long)d.publics, (long long)d.recipients,
             (long long)d.reads, (long long)d.reminders, (long long)d.evaluations,
             d.flagged[0] ? d.flagged : "none");
    return rc;
}
