/*
 * demo.c: the demo district's complaints, tip-offs, enforcement and inspections
 * (`shuangjian demo`), for the pages of JOURNEYS.md 1.1 and 7 and the cases module's own.
 *
 * API: cases_demo_fill (demo.h). Everything goes through the module's store functions
 * (cases_file, cases_reply, cases_close, cases_reopen, cases_reward, cases_enforcement_add,
 * cases_penalty_decide, cases_inspection_create, cases_rectification_report/_review) with the
 * actor's moment set in the past (cases_actor.at), so every row is what the routes would have
 * written on that day, history included. Each store function opens a savepoint inside the
 * demo's one transaction (db.h).
 *
 * The story, relative to today (D-n is n days ago):
 *   A  a named tip-off about homework at school 1, D-3: assigned to the school, fresh
 *   B  parent1's complaint about an exam ranking, D-12, answered by the school on D-8
 *   C  a school-2 family's complaint about after-school fees, D-30: assigned, past due
 *   D  an anonymous tip-off about homework at school 1, D-28: an internal note only, past due
 *   E  a tip-off about training at banned hours at the risky institution, D-25: open, past due
 *   F  a tip-off that the risky institution refuses a refund, D-2: open
 *   G  parent1's complaint, D-40: answered, closed unsubstantiated, reopened by parent1 on
 *      D-20, answered again and closed substantiated (reopened once: no more)
 *   H, I, J  two tip-offs about a flat (金沙路8号华庭小区3栋, typed two ways) and the
 *      inspector's own case there: a joint enforcement action with 教体, 公安 and 市场监管 on
 *      D-15, a PN-1 penalty on the unlicensed operator (stop; fine twice the illegal income),
 *      all closed substantiated, a reward for the first tipster
 *   K  a tip-off referred to another department, closed
 *   an inspection of school 1 (D-20): HW-2 open, AS-2 open and past due, HW-8 submitted,
 *      EX-3 sent back once and then passed; one of org1's institution (D-10): TR-6 open, FU-2
 *      submitted
 *   district and city scales: a homework tip-off for every other school, one in four past due.
 */
#include <stdio.h>
#include <string.h>

#include "cases/demo.h"
#include "core/calendar.h"

typedef struct {
    db_conn *c;
    const app *a;
    const policy *pol;
    demo_ctx *x;
    int64_t inspector, admin;
    long cases, overdue, inspections;
    int rc; /* the first failure: DB_ERROR */
} cd_demo;

/* The actor at D-days, at hh:mm. */
static cases_actor at(int64_t id, const char *role, const demo_ctx *x, int days, int hh, int mm)
{
    char d[11];
    date_add_days(x->today, -days, d);
    return (cases_actor){.id = id, .role = role, .at = demo_unix(d, hh * 60 + mm)};
}

static bool ok(cd_demo *d, verdict v)
{
    if (!verdict_is_ok(&v) && d->rc == DB_DONE) {
        char msg[256];
        fprintf(stderr, "shuangjian: demo: cases: %s\n", verdict_message(&v, 0, msg, sizeof msg));
        d->rc = DB_ERROR;
    }
    return verdict_is_ok(&v);
}

static int64_t file(cd_demo *d, cases_new in)
{
    cases_created out = {0};
    in.district_id = d->x->district_id;
    in.data_key = d->a->data_key;
    if (!in.source)
        in.source = in.by.id ? "complaint" : "tip";
    if (!ok(d, cases_file(d->c, d->pol, &in, &out)))
        return 0;
    d->cases++;
    return out.id;
}

static void reply(cd_demo *d, int64_t id, const char *text, bool public, cases_actor by)
{
    int64_t rid = 0;
    if (id)
        ok(d, cases_reply(d->c, id, text, public, &by, &rid));
}

static void close_case(cd_demo *d, int64_t id, const char *outcome, const char *text,
                       cases_actor by)
{
    if (id)
        ok(d, cases_close(d->c, id, outcome, text, &by));
}

/* The story of the small demo (the header comment above). */
static void story(cd_demo *d, const training_demo_course *courses, size_t ncourses)
{
    demo_ctx *x = d->x;
    const demo_school *s1 = &x->schools[0], *s2 = &x->schools[x->nschools > 1 ? 1 : 0];
    int64_t s2_parent = x->pupils[s2->pupil0].guardian_id;
    int64_t s2_pupil = x->pupils[s2->pupil0].id;
    int64_t p1_pupil = x->pupils[x->parent1_pupil].id;
    int64_t risky = 0, org1 = ncourses ? courses[0].institution_id : 0;
    for (size_t i = 0; i < ncourses && !risky; i++)
        if (courses[i].plan == TRAINING_DEMO_RISKY)
            risky = courses[i].institution_id;
    /* A */
    file(d, (cases_new){
                .school_id = s1->id,
                .category = "homework_overload",
                .text = "四年级每天书面作业要写到晚上九点半以后,孩子睡眠严重不足,希望学校核查。",
                .by = at(0, "public", x, 3, 21, 40),
                .name = "王丽华",
                .phone = "13800138000"});
    /* B */
    int64_t b = file(d, (cases_new){.school_id = s1->id,
                                    .student_id = p1_pupil,
                                    .category = "exam_ranking",
                                    .text = "期中测验后班级群里公布了全班成绩排名,孩子压力很大。",
                                    .by = at(x->parent1_id, "guardian", x, 12, 20, 15)});
    reply(d, b,
          "已核实:该班班主任在家长群发布了成绩排名,学校已责令撤回并向家长致歉,"
          "今后考试结果一律以等级方式告知本人家长。",
          true, at(s1->admin_id, "school_admin", x, 8, 10, 30));
    /* C */
    file(d, (cases_new){.school_id = s2->id,
                        .student_id = s2_pupil,
                        .category = "afterschool_fee",
                        .text = "课后服务每学期收费 600 元,没有公示收费标准,也没有征求家长意见。",
                        .by = at(s2_parent, "guardian", x, 30, 19, 5)});
    /* D */
    int64_t dd = file(d, (cases_new){.school_id = s1->id,
                                     .category = "homework_overload",
                                     .text = "六年级周末作业有五张试卷,家长还要批改签字。",
                                     .anonymous = true,
                                     .by = at(0, "public", x, 28, 22, 10)});
    reply(d, dd, "已电话询问六年级组长,正在统计各班周末作业量。", false,
          at(s1->admin_id, "school_admin", x, 27, 9, 0));
    /* E, F */
    if (risky) {
        file(d, (cases_new){.institution_id = risky,
                            .category = "off_hours_training",
                            .text = "该机构周六上午仍在上初中数学课,教室在二楼。",
                            .anonymous = true,
                            .by = at(0, "public", x, 25, 12, 0)});
        file(d, (cases_new){.institution_id = risky,
                            .category = "refund_refused",
                            .text = "孩子不想学了,申请退剩余 18 次课的费用,机构一直拖着不退。",
                            .by = at(0, "public", x, 2, 18, 20),
                            .name = "陈建国",
                            .phone = "13912345678"});
    }
    /* G: answered, closed, reopened by parent1, answered and closed again */
    int64_t g = file(d, (cases_new){.school_id = s1->id,
                                    .student_id = p1_pupil,
                                    .category = "homework_overload",
                                    .text = "数学老师每天布置两页口算加一张试卷,远超一小时。",
                                    .by = at(x->parent1_id, "guardian", x, 40, 21, 0)});
    reply(d, g, "经核查,四年级数学作业平均 35 分钟,符合规定。", true,
          at(s1->admin_id, "school_admin", x, 35, 16, 0));
    close_case(d, g, "unsubstantiated", "作业时长在规定范围内。",
               at(d->inspector, "inspector", x, 34, 10, 0));
    if (g) {
        cases_actor by = at(x->parent1_id, "guardian", x, 20, 20, 30);
        ok(d, cases_reopen(d->c, d->pol, g, "孩子每天仍要写到九点以后,答复与实际不符,请再次核查。",
                           true, &by));
    }
    reply(d, g, "年级组抽查了一周作业记录,确有两天超时,已要求数学组分层布置并每日公示。", true,
          at(s1->admin_id, "school_admin", x, 15, 17, 0));
    close_case(d, g, "substantiated", "复查属实,已整改。",
               at(d->inspector, "inspector", x, 14, 9, 30));
    /* H, I, J: the flat, the joint action, the penalty */
    int64_t h = file(
        d,
        (cases_new){.category = "disguised_training",
                    .place = "金沙路8号华庭小区3栋502",
                    .text = "小区住宅里每天晚上有十几个初中生进出,像是在补课,门口贴着“家政服务”。",
                    .anonymous = false,
                    .name = "刘敏",
                    .phone = "13698765432",
                    .by = at(0, "public", x, 21, 20, 45)});
    int64_t i2 =
        file(d, (cases_new){.category = "unlicensed_training",
                            .place = "金沙路 8 号华庭小区 3 栋 502",
                            .text = "华庭小区有人以“托管”名义办数学、物理补习班,周末全天上课。",
                            .anonymous = true,
                            .by = at(0, "public", x, 19, 13, 10)});
    int64_t j = file(
        d, (cases_new){
               .source = "inspector",
               .category = "unlicensed_training",
               .place = "金沙路8号华庭小区3栋502",
               .text = "接举报两起,同一地点疑似无证开展学科类培训,拟会同公安、市场监管联合检查。",
               .by = at(d->inspector, "inspector", x, 18, 9, 0)});
    if (j) {
        cases_dept_in depts[] = {
            {"教体", "认定培训性质,核查办学许可",
             "现场 14 名初中生,使用初二数学、物理教材,属学科类培训,无办学许可证"},
            {"公安", "现场秩序维护,核实人员身份", "核实授课人员 2 名,均非在职教师"},
            {"市场监管", "核查经营主体和收费",
             "以“家政服务”名义登记,无培训经营范围,收取费用 8600 元"},
        };
        int64_t eid = 0;
        cases_actor by = at(d->inspector, "inspector", x, 15, 19, 30);
        char day[11];
        date_add_days(x->today, -15, day);
        ok(d, cases_enforcement_add(
                  d->c, d->pol, j, day, "金沙路8号华庭小区3栋502",
                  "住宅内设 2 间教室,在场学生 14 名、授课人员 2 名;以家政服务名义收取"
                  "补课费,属隐形变异的无证学科类培训。",
                  depts, sizeof depts / sizeof depts[0], &by, &eid));
        cases_penalty_in pen = {
            .case_id = j,
            .party = "金沙路8号华庭小区无证学科培训点",
            .p = {.pn2 = false, .illegal_income_fen = 860000, .fine_fen = 1720000},
            .measures = CASES_MEASURE(CASES_STOP),
            .text = "责令立即停止无证培训,没收违法所得,并处违法所得二倍罚款。",
            .by = at(d->inspector, "inspector", x, 12, 15, 0)};
        cases_penalty_out out;
        ok(d, cases_penalty_decide(d->c, d->pol, &pen, &out));
        close_case(d, j, "substantiated", "联合执法查实,已处罚并责令停止。",
                   at(d->inspector, "inspector", x, 10, 11, 0));
    }
    close_case(d, h, "substantiated", "经联合执法查实,已依法处理。",
               at(d->inspector, "inspector", x, 10, 11, 10));
    close_case(d, i2, "substantiated", "与前一举报为同一地点,已一并查处。",
               at(d->inspector, "inspector", x, 10, 11, 20));
    if (h) {
        int64_t rid = 0;
        cases_actor by = at(d->inspector, "inspector", x, 9, 10, 0);
        ok(d, cases_reward(d->c, d->pol, h, 50000, "举报属实,按区举报奖励办法奖励 500 元。", &by,
                           &rid));
    }
    /* K: referred */
    int64_t k =
        file(d, (cases_new){.category = "other",
                            .place = "河口镇文化站",
                            .text = "文化站租给一家机构办暑期夏令营,收费很高,不知道是否合规。",
                            .anonymous = true,
                            .by = at(0, "public", x, 9, 9, 40)});
    close_case(d, k, "referred", "属文旅部门职责,已转区文旅局办理。",
               at(d->inspector, "inspector", x, 6, 14, 0));

    /* the inspection of school 1 */
    char due[4][11], on[11];
    date_add_days(x->today, 10, due[0]);
    date_add_days(x->today, -5, due[1]);
    date_add_days(x->today, 5, due[2]);
    date_add_days(x->today, -10, due[3]);
    date_add_days(x->today, -20, on);
    cases_finding_in f[] = {
        {"HW-2", "四年级(2)班连续三天书面作业超过 60 分钟", due[0]},
        {"AS-2", "课后服务周三下午 17:00 结束,早于当地下班时间", due[1]},
        {"HW-8", "抽查六年级作业本,部分作业未批改", due[2]},
        {"EX-3", "组织了三年级月考", due[3]},
    };
    int64_t iid = 0, r[4] = {0};
    cases_actor by = at(d->inspector, "inspector", x, 20, 9, 30);
    if (ok(d, cases_inspection_create(d->c, x->district_id, s1->id, 0, on, "“双减”落实情况专项督查",
                                      f, 4, &by, &iid, r))) {
        d->inspections++;
        cases_actor sa = at(s1->admin_id, "school_admin", x, 3, 16, 0);
        ok(d,
           cases_rectification_report(d->c, r[2], "已组织各班作业全批全改,教务处每周抽查。", &sa));
        sa = at(s1->admin_id, "school_admin", x, 15, 16, 0);
        ok(d, cases_rectification_report(d->c, r[3], "已取消月考安排。", &sa));
        cases_actor ins = at(d->inspector, "inspector", x, 13, 10, 0);
        ok(d, cases_rectification_review(d->c, r[3], false,
                                         "请提供取消月考的书面通知和家长告知材料。", &ins));
        sa = at(s1->admin_id, "school_admin", x, 12, 16, 0);
        ok(d, cases_rectification_report(d->c, r[3], "已补充书面通知及家长告知书。", &sa));
        ins = at(d->inspector, "inspector", x, 11, 10, 0);
        ok(d, cases_rectification_review(d->c, r[3], true, "整改到位。", &ins));
    }
    /* and of org1's institution */
    if (org1) {
        char due2[11], on2[11];
        date_add_days(x->today, 20, due2);
        date_add_days(x->today, -10, on2);
        cases_finding_in g2[] = {
            {"TR-6", "一名数学教师未取得教师资格证", due2},
            {"FU-2", "个别合同一次收取超过 60 课时费用", due2},
        };
        by = at(d->inspector, "inspector", x, 10, 14, 0);
        if (ok(d, cases_inspection_create(d->c, x->district_id, 0, org1, on2, "年度检查", g2, 2,
                                          &by, &iid, r))) {
            d->inspections++;
            cases_actor ia = at(courses[0].admin_id, "institution_admin", x, 2, 11, 0);
            ok(d, cases_rectification_report(d->c, r[1], "已与家长协商,将超出部分退回并改签合同。",
                                             &ia));
        }
    }
}

int cases_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, const training_demo_course *courses,
                    size_t ncourses, char *summary, size_t len)
{
    cd_demo d = {.c = c,
                 .a = a,
                 .pol = a->base_pol,
                 .x = ctx,
                 .inspector = ctx->inspector_id,
                 .admin = ctx->admin_id,
                 .rc = DB_DONE};
    if (ctx->nschools == 0)
        return DB_DONE;
    story(&d, courses, ncourses);
    /* the larger scales: a tip-off for every other school, one in four long past its date */
    static const char *const texts[] = {
        "周末作业量太大,孩子写到晚上十点。", "书面作业每天超过一个半小时。",
        "老师要求家长在群里打卡批改作业。", "布置需要用手机 APP 完成的作业。"};
    uint64_t rs = demo_stream(ctx, 0xCA5E5);
    for (size_t i = 3; d.rc == DB_DONE && ctx->scale != DEMO_SMALL && i < ctx->nschools; i++) {
        int days = (int)demo_below(&rs, 10) + ((i % 4) == 0 ? 25 : 0);
        file(&d, (cases_new){.school_id = ctx->schools[i].id,
                             .category = "homework_overload",
                             .text = texts[i % 4],
                             .anonymous = true,
                             .by = at(0, "public", ctx, days, 20, 0)});
    }
    /* what the dashboard will show: the figures of the reports' contract, as of today */
    cases_figures fig;
    if (d.rc == DB_DONE && cases_period_figures(c, ctx->district_id, 0, ctx->today, ctx->today,
                                                ctx->today, &fig) == DB_OK)
        d.overdue = fig.cases_overdue;
    snprintf(summary, len,
             "cases: %ld tip-offs and complaints (%ld past their due date), %ld inspections, a "
             "joint enforcement action with a PN-1 penalty",
             d.cases, d.overdue, d.inspections);
    return d.rc;
}
