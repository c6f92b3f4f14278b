/*
 * messages.c: the one table of what the server says, and its placeholders. See messages.h.
 *
 * Rows are grouped by module below (a module's rows stay together so that two people adding
 * sentences to two modules never touch the same lines); the order inside the file does not
 * matter: the table is sorted by key once, on first use, and a duplicate key aborts then.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"

typedef struct {
    const char *key, *zh, *en;
} msg;

static msg table[] = {
    /* ---------- core ---------- */
    {"core.password_short", "密码至少 8 位", "The password needs at least 8 characters"},

    /* ---------- homework (HW-*) ---------- */

    /* ---------- exams (EX-*) ---------- */
    {"EX-1", "一、二年级不进行纸笔考试(EX-1)", "No paper-and-pencil exams in grades 1-2 (EX-1)"},
    {"EX-2.final", "本学期该年级已有 {existing} 次期末考试,至多 {limit} 次(EX-2)",
     "This grade already has {existing} final exam(s) this term; at most {limit} (EX-2)"},
    {"EX-2.midterm", "本学期该年级已有 {existing} 次期中考试,至多 {limit} 次(EX-2)",
     "This grade already has {existing} midterm exam(s) this term; at most {limit} (EX-2)"},
    {"EX-2.no_midterm", "{grade:grade}不安排期中考试,每学期只进行一次期末考试;期中考试仅限初中年级(EX-2)",
     "No midterm exam in {grade:grade}: one final a term; a midterm only in grades 7-9 (EX-2)"},
    {"EX-3", "不得组织月考等考试,不得组织非毕业年级的区域性或跨校考试(EX-3)",
     "No monthly exams, and no regional or cross-school exams for non-graduating grades (EX-3)"},
    {"EX-3.scope", "非毕业年级不得组织区域性或跨校考试(EX-3)",
     "No regional or cross-school exams for non-graduating grades (EX-3)"},
    {"exams.cancel_scored", "已录入成绩的考试不能取消", "A plan with scores cannot be cancelled"},
    {"exams.date_outside_term", "考试日期不在该学期内({term_first_day} 至 {term_last_day})",
     "The date is not inside the term ({term_first_day} to {term_last_day})"},
    {"exams.no_student", "缺少学生编号", "student_id is missing"},
    {"exams.not_in_grade", "该学生不是本次考试年级的学生", "This pupil is not in the exam's grade"},
    {"exams.not_teaching", "你没有在该学生的班级任教", "You do not teach this pupil's class"},
    {"exams.score_range", "成绩须是 0 到 {full_marks} 之间的数,至多一位小数",
     "A score is a number from 0 to {full_marks} with at most one decimal"},
    {"exams.twice", "同一学生出现了两次", "The same pupil appears twice"},

    /* ---------- after-school (AS-*) ---------- */

    /* ---------- training and funds (TR-*, FU-*) ---------- */

    /* ---------- cases (CS-*, PN-*) ---------- */
    {"CS-1.reopen_late", "答复已超过 {reopen_within_days} 天(已 {days} 天),不能再申请重新办理(CS-1)",
     "More than {reopen_within_days} days have passed since the answer ({days}); it can no "
     "longer be reopened (CS-1)"},
    {"CS-1.reopen_times", "该投诉已申请重新办理 {reopened} 次,至多 {reopen_times} 次(CS-1)",
     "This complaint was reopened {reopened} times already; at most {reopen_times} (CS-1)"},
    {"CS-2.reward_not_allowed", "只有经查属实并已办结的举报才能给予奖励(CS-2)",
     "Only a tip-off closed as substantiated may be rewarded (CS-2)"},
    {"CS-2.reward_range", "举报奖励金额须在 {min_fen:yuan} 至 {max_fen:yuan} 之间(CS-2)",
     "A reward is between {min_fen:yuan} and {max_fen:yuan} (CS-2)"},
    {"CS-2.too_many", "提交过于频繁:同一网络或手机号每小时至多举报 {limit} 次,请 {retry_after_s} 秒后再试(CS-2)",
     "Too many tip-offs: at most {limit} an hour from one address or phone; try again in "
     "{retry_after_s} seconds (CS-2)"},
    {"CS-3.not_open", "该整改事项当前不是待整改状态,不能提交整改报告(CS-3)",
     "This rectification is not open; no report can be sent now (CS-3)"},
    {"CS-3.not_submitted", "该整改事项尚未提交整改报告,不能复核(CS-3)",
     "No report has been sent for this rectification; it cannot be reviewed (CS-3)"},
    {"CS-3.passed", "该整改事项已复核通过,不能再上传材料(CS-3)",
     "This rectification has passed review; nothing more can be added (CS-3)"},
    {"CS-3.unknown_rule", "第 {index} 条问题引用的条款 {cited} 不存在,请引用政策规定中的条款编号(CS-3)",
     "Finding {index} cites {cited}, which is not a rule of the policy (CS-3)"},
    {"CS-4.unknown", "联合执法部门“{department}”不在本区的部门名单中(CS-4)",
     "\"{department}\" is not one of the district's joint enforcement departments (CS-4)"},
    {"PN-1", "罚款金额应为违法所得的 {multiple_min} 至 {multiple_max} 倍,即 {min_fen:yuan} 至 {max_fen:yuan}(PN-1)",
     "The fine is {multiple_min} to {multiple_max} times the illegal income: {min_fen:yuan} to "
     "{max_fen:yuan} (PN-1)"},
    {"PN-2", "隐形变异培训一般情节罚款不得超过 {max_fen:yuan};情节严重的请按严重情节处理(PN-2)",
     "A fine for disguised training is at most {max_fen:yuan}; mark a serious case as serious "
     "(PN-2)"},
    {"PN-2.serious", "情节严重的罚款应在 {min_fen:yuan} 至 {max_fen:yuan} 之间(PN-2)",
     "A fine for a serious case is between {min_fen:yuan} and {max_fen:yuan} (PN-2)"},
    {"cases.anonymous", "该举报为匿名举报,没有举报人信息", "This tip-off is anonymous"},
    {"cases.assign_one", "请指定承办学校(school_id)或承办人(user_id)其中之一",
     "Give either school_id or user_id"},
    {"cases.assign_user", "承办人须是本区的督查人员或教体局管理员",
     "The user must be an inspector or district admin of this district"},
    {"cases.category.afterschool_fee", "课后服务乱收费", "After-school fees"},
    {"cases.category.disguised_training", "隐形变异培训", "Disguised training"},
    {"cases.category.exam_ranking", "考试排名或违规考试", "Exam ranking or banned exams"},
    {"cases.category.homework_overload", "作业负担过重", "Homework overload"},
    {"cases.category.off_hours_training", "违规时间培训", "Training at banned times"},
    {"cases.category.other", "其他", "Other"},
    {"cases.category.prepaid_over_limit", "超期超额预收费", "Prepaid fees over the limit"},
    {"cases.category.refund_refused", "拒不退费", "Refund refused"},
    {"cases.category.unlicensed_training", "无证办学培训", "Unlicensed training"},
    {"cases.category.wage_arrears", "培训机构拖欠教师工资", "Teachers' wages unpaid"},
    {"cases.closed", "该事项已办结;如需继续办理请先重新办理",
     "The case is closed; reopen it first"},
    {"cases.contract_institution", "所选合同不是该机构的合同",
     "The contract is not with that institution"},
    {"cases.department_bad", "第 {index} 个部门的名称、任务或答复填写有误",
     "Department {index}: its name, task or answer is invalid"},
    {"cases.department_not_in_action", "部门“{department}”未参加本次联合执法",
     "\"{department}\" did not take part in this action"},
    {"cases.department_twice", "部门“{department}”重复填写", "\"{department}\" is listed twice"},
    {"cases.finding_bad", "第 {index} 条问题的 {field} 填写有误", "Finding {index}: {field} is invalid"},
    {"cases.inspect_one", "请指定被督查的学校(school_id)或机构(institution_id)其中之一",
     "Give either school_id or institution_id"},
    {"cases.measure_institution", "退还预收费和列入黑名单须指定登记在册的培训机构",
     "Refunds and the black list need a registered institution"},
    {"cases.no_institution", "本区没有该培训机构", "No such institution in this district"},
    {"cases.no_school", "本区没有该学校", "No such school in this district"},
    {"cases.not_answered", "该事项尚未答复,不需要重新办理",
     "The case has not been answered; there is nothing to reopen"},
    {"cases.outcome.referred", "已转办", "Referred"},
    {"cases.outcome.substantiated", "属实", "Substantiated"},
    {"cases.outcome.unsubstantiated", "不属实", "Unsubstantiated"},
    {"cases.penalty_party", "请指定被处罚的机构(institution_id)或当事人名称(party)",
     "Give the institution_id or the party's name"},
    {"cases.phone", "手机号码格式不正确", "The mobile phone number is not valid"},
    {"cases.photo_broken", "图片文件已损坏或格式不完整", "The picture is damaged or incomplete"},
    {"cases.photo_kind", "只能上传 JPEG 或 PNG 格式的照片", "Only JPEG or PNG photos"},
    {"cases.photo_too_large", "照片不能超过 5 MB", "A photo may not exceed 5 MB"},
    {"cases.rect.open", "待整改", "Open"},
    {"cases.rect.passed", "已通过复核", "Passed"},
    {"cases.rect.submitted", "已提交整改", "Submitted"},
    {"cases.rectify_by", "第 {index} 条问题的整改期限不能早于督查日期",
     "Finding {index}: the deadline is before the inspection"},
    {"cases.reward_exists", "该举报已发放过奖励", "This tip-off was rewarded already"},
    {"cases.source.complaint", "家长投诉", "Complaint"},
    {"cases.source.inspector", "督查发现", "Inspection"},
    {"cases.source.tip", "群众举报", "Tip-off"},
    {"cases.status.answered", "已答复", "Answered"},
    {"cases.status.assigned", "办理中", "Assigned"},
    {"cases.status.closed", "已办结", "Closed"},
    {"cases.status.open", "待分派", "Open"},
    {"cases.tip_districts", "所选学校、机构不在同一个区", "The school and institution are in different districts"},
    {"cases.tip_where", "请选择涉及的学校、培训机构,或填写地点", "Name a school or institution, or a place"},
    {"cases.too_many_photos", "每件最多上传 {limit} 张照片", "At most {limit} photos"},
    {"cases.xlsx.institution", "培训机构", "Institution"},
    {"cases.xlsx.no", "否", "No"},
    {"cases.xlsx.school", "学校", "School"},
    {"cases.xlsx.yes", "是", "Yes"},

    /* ---------- reports (RP-*) ---------- */
    {"reports.bad_period", "报送期格式应为 年-月-1(1日至15日)或 年-月-2(16日至月末),例如 2026-11-2",
     "A period is YYYY-MM-1 (the 1st to the 15th) or YYYY-MM-2 (the 16th to the month's end), e.g. 2026-11-2"},
    {"reports.period_not_started", "报送期 {period} 尚未开始({first_day} 起),不能统计或报送(RP-1)",
     "The period {period} has not begun (it starts on {first_day}) (RP-1)"},
    {"reports.period_before_district", "报送期 {period} 早于本区开始报送的日期 {since},没有可报送的数据(RP-1)",
     "The period {period} ends before the district began reporting on {since} (RP-1)"},
    {"reports.already_submitted", "报送期 {period} 已报送(第 {revision} 版);如需更正,请填写修订原因后重新报送(RP-1)",
     "The period {period} has been submitted (revision {revision}); give revision_reason to submit a revision (RP-1)"},
    {"reports.revision_race", "另一位同事刚刚报送了该期修订版,请刷新后再试",
     "Someone else has just submitted a revision of this period; reload and try again"},
    {"reports.no_revision", "该报送期没有这一版报送记录", "This period has no such revision"},
    {"reports.since_future", "开始报送日期不能晚于今天", "The first reporting day cannot be in the future"},
    {"reports.baseline_needs_date", "填写基准日机构数时须同时填写基准日期",
     "A baseline count needs its baseline date"},
    {"reports.case_locked_school", "案例已被区教体局选用,学校不能再修改(当前状态:{status})",
     "The district has taken this case up; the school can no longer change it (status: {status})"},
    {"reports.case_published", "案例已发布,不能再修改(RP-2)", "The case is published and can no longer change (RP-2)"},
    {"reports.case_not_submitted", "只有待审核的案例可以选用(当前状态:{status})",
     "Only a submitted case can be selected (status: {status})"},
    {"reports.case_not_selected", "只有已选用的案例可以发布或退回(当前状态:{status})",
     "Only a selected case can be published or sent back (status: {status})"},
    {"reports.too_many_photos", "每个案例至多 {max} 张照片", "A case has at most {max} photos"},
    {"reports.photo_size", "照片不能为空,且不超过 {max_bytes} 字节", "A photo is not empty and at most {max_bytes} bytes"},
    {"reports.photo_type", "照片须为 JPEG 或 PNG 图片", "A photo is a JPEG or PNG image"},

    /* ---------- notices (NT-*) ---------- */
};

#define NROWS (sizeof table / sizeof table[0])

static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int cmp_msg(const void *a, const void *b)
{
    return strcmp(((const msg *)a)->key, ((const msg *)b)->key);
}

static void sort_table(void)
{
    qsort(table, NROWS, sizeof table[0], cmp_msg);
    for (size_t i = 1; i < NROWS; i++)
        if (strcmp(table[i - 1].key, table[i].key) == 0) {
            fprintf(stderr, "messages.c: the key %s is in the table twice\n", table[i].key);
            abort();
        }
}

static const msg *find(const char *key)
{
    pthread_once(&sorted_once, sort_table);
    msg probe = {key, NULL, NULL};
    return key ? bsearch(&probe, table, NROWS, sizeof table[0], cmp_msg) : NULL;
}

const char *msg_template(const char *key, int english)
{
    const msg *m = find(key);
    return m ? (english ? m->en : m->zh) : NULL;
}

int msg_row(size_t i, const char **key, const char **zh, const char **en)
{
    pthread_once(&sorted_once, sort_table);
    if (i >= NROWS)
        return 0;
    *key = table[i].key;
    *zh = table[i].zh;
    *en = table[i].en;
    return 1;
}

/* Appends to out[*len..n) what fits, always NUL-terminated. */
static void put(char *out, size_t n, size_t *len, const char *s, size_t slen)
{
    if (*len + 1 >= n)
        return;
    size_t room = n - 1 - *len;
    if (slen > room)
        slen = room;
    memcpy(out + *len, s, slen);
    *len += slen;
    out[*len] = 0;
}

static const char *const grades_zh[] = {"", "一年级", "二年级", "三年级", "四年级", "五年级",
                                        "六年级", "七年级", "八年级", "九年级"};
static const char *const weekdays_zh[] = {"", "周一", "周二", "周三", "周四", "周五", "周六", "周日"};
static const char *const weekdays_en[] = {"",         "Monday", "Tuesday",  "Wednesday",
                                          "Thursday", "Friday", "Saturday", "Sunday"};

/* One placeholder's text into buf. */
static void render(const verdict_arg *a, const char *fmt, size_t fmtlen, int english, char *buf,
                   size_t n)
{
    if (a->is_str) {
        snprintf(buf, n, "%s", a->s);
        return;
    }
    int64_t v = a->n;
    if (fmtlen == 4 && memcmp(fmt, "yuan", 4) == 0) {
        const char *sign = v < 0 ? "-" : "";
        int64_t m = v < 0 ? -v : v;
        if (english)
            snprintf(buf, n, "%s¥%lld.%02lld", sign, (long long)(m / 100), (long long)(m % 100));
        else
            snprintf(buf, n, "%s%lld.%02lld 元", sign, (long long)(m / 100), (long long)(m % 100));
    } else if (fmtlen == 5 && memcmp(fmt, "grade", 5) == 0 && v >= 1 && v <= 9) {
        if (english)
            snprintf(buf, n, "grade %lld", (long long)v);
        else
            snprintf(buf, n, "%s", grades_zh[v]);
    } else if (fmtlen == 7 && memcmp(fmt, "weekday", 7) == 0 && v >= 1 && v <= 7) {
        snprintf(buf, n, "%s", english ? weekdays_en[v] : weekdays_zh[v]);
    } else {
        snprintf(buf, n, "%lld", (long long)v);
    }
}

char *msg_format(const char *key, int english, const verdict_arg *args, int nargs, char *out,
                 size_t n)
{
    const char *t = msg_template(key, english);
    return msg_render(t ? t : key ? key : "", english, args, nargs, out, n);
}

char *msg_render(const char *t, int english, const verdict_arg *args, int nargs, char *out,
                 size_t n)
{
    if (n == 0)
        return out;
    out[0] = 0;
    size_t len = 0;
    while (*t) {
        const char *open = strchr(t, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            put(out, n, &len, t, strlen(t));
            break;
        }
        put(out, n, &len, t, (size_t)(open - t));
        const char *name = open + 1;
        const char *colon = memchr(name, ':', (size_t)(close - name));
        size_t namelen = (size_t)((colon ? colon : close) - name);
        const verdict_arg *a = NULL;
        for (int i = 0; i < nargs && !a; i++)
            if (strlen(args[i].key) == namelen && memcmp(args[i].key, name, namelen) == 0)
                a = &args[i];
        if (a) {
            char buf[VERDICT_STR_MAX + 32];
            render(a, colon ? colon + 1 : "", colon ? (size_t)(close - colon - 1) : 0, english,
                   buf, sizeof buf);
            put(out, n, &len, buf, strlen(buf));
        } else {
            put(out, n, &len, name, namelen); /* a missing number shows its name, not garbage */
        }
        t = close + 1;
    }
    return out;
}
