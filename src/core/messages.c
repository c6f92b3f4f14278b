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
    {"TR-1", "非学科类培训机构不得开展学科类培训(“{subject}”属学科类)(TR-1)",
     "A non-subject institution may not teach a subject-based course ({subject} is one) (TR-1)"},
    {"TR-2.weekend", "学科类培训不得在周末开展:{weekday:weekday} {start}-{end} 的时段须调整(TR-2)",
     "Subject-based training may not take place at weekends: the slot on {weekday:weekday}"
     " {start}-{end} (TR-2)"},
    {"TR-2.weekend_day", "学科类培训不得在周末开展:{date} 是周末(TR-2)",
     "Subject-based training may not take place at weekends: {date} is a weekend day (TR-2)"},
    {"TR-2.holiday", "学科类培训不得在法定节假日开展:{date} 是节假日(TR-2)",
     "Subject-based training may not take place on public holidays: {date} is one (TR-2)"},
    {"TR-2.vacation", "学科类培训不得在寒暑假开展:{date} 在假期内(TR-2)",
     "Subject-based training may not take place in the school vacations: {date} is in one"
     " (TR-2)"},
    {"TR-3.lesson_minutes", "线上培训每课时不得超过 {limit_minutes} 分钟,本课程每课时 {lesson_minutes} 分钟(TR-3)",
     "An online lesson may last at most {limit_minutes} minutes; this course's last"
     " {lesson_minutes} (TR-3)"},
    {"TR-3.slot_too_short", "{weekday:weekday} {start}-{end} 的时段容不下所排课时(每课时 {lesson_minutes} 分钟)(TR-3)",
     "The slot on {weekday:weekday} {start}-{end} is too short for its lessons of"
     " {lesson_minutes} minutes (TR-3)"},
    {"TR-3.end_by", "线上培训结束时间不得晚于 {end_by}:{weekday:weekday} {start}-{end} 的时段须提前(TR-3)",
     "Online training ends by {end_by}: the slot on {weekday:weekday} {start}-{end} ends later"
     " (TR-3)"},
    {"TR-3.gap", "线上培训课次间隔不得少于 {gap_min_minutes} 分钟:{weekday:weekday} {start}-{end} 的 {lessons} 课时之间仅隔 {gap_minutes} 分钟(TR-3)",
     "Online lessons need {gap_min_minutes} minutes between them: the {lessons} lessons on"
     " {weekday:weekday} {start}-{end} leave {gap_minutes} (TR-3)"},
    {"TR-4", "线下培训结束时间不得晚于 {end_by}:{weekday:weekday} {start}-{end} 的时段须提前(TR-4)",
     "Offline training ends by {end_by}: the slot on {weekday:weekday} {start}-{end} ends later"
     " (TR-4)"},
    {"TR-6.blacklisted", "该人员在本区培训机构从业人员黑名单中,不得聘用(TR-6)",
     "This person is on the district's staff black list and may not be employed (TR-6)"},
    {"TR-6.in_service", "在职中小学教师不得从事学科类校外培训(TR-6)",
     "Serving school teachers may not teach subject-based training (TR-6)"},
    {"TR-6.certificate_required", "从事学科类培训的教师须持有相应的教师资格证(TR-6)",
     "Subject-based teachers need a teacher qualification certificate (TR-6)"},
    {"TR-6.certificate_type", "该教师资格证类别不适用于义务教育阶段(TR-6)",
     "The certificate's type does not cover grades 1-9 (TR-6)"},
    {"TR-7.blacklisted", "该机构已列入黑名单,不得开设新课程或签订新合同(TR-7)",
     "The institution is on the black list: no new courses or contracts (TR-7)"},
    {"FU-1", "课时价格 {price_per_lesson_fen:yuan} 超过政府指导价上浮上限 {limit_fen:yuan}(基准价 {base_price_fen:yuan},上浮不超过 {float_max_percent}%)(FU-1)",
     "The price per lesson, {price_per_lesson_fen:yuan}, is above the guided price's ceiling of"
     " {limit_fen:yuan} (base {base_price_fen:yuan}, at most {float_max_percent}% above) (FU-1)"},
    {"FU-2.class_hours", "预收费不得超过 {limit_class_hours} 课时:该学生在本机构的未结合同已有 {used_class_hours} 课时,本次又预收 {requested_class_hours} 课时(FU-2)",
     "Prepayment may cover at most {limit_class_hours} class-hours: the pupil's open contracts"
     " with this institution hold {used_class_hours}, this one asks {requested_class_hours}"
     " (FU-2)"},
    {"FU-2.months", "预收费时间跨度不得超过 {limit_months} 个月:自 {start_date} 起,结束日期最晚为 {latest_end_date}(FU-2)",
     "Prepayment may span at most {limit_months} months: from {start_date}, the latest end date"
     " is {latest_end_date} (FU-2)"},
    {"FU-3", "非学科类培训一次收费不得超过 {limit_fen:yuan},本次合同金额 {amount_fen:yuan}(FU-3)",
     "A non-subject charge may be at most {limit_fen:yuan}; this contract comes to"
     " {amount_fen:yuan} (FU-3)"},
    {"funds.contract_closed", "合同已终止,不能再付款、消课或退费",
     "The contract is closed: no more payments, lessons or refunds"},
    {"funds.end_before_start", "结束日期早于开始日期", "The end date comes before the start date"},
    {"funds.institution_closed", "该机构已停业,办学状态不能再变更",
     "The institution is closed; its state can no longer change"},
    {"funds.insufficient_escrow", "监管账户余额 {escrow_fen:yuan} 不足一课时费用 {price_per_lesson_fen:yuan}",
     "The escrow holds {escrow_fen:yuan}, less than one lesson's price of"
     " {price_per_lesson_fen:yuan}"},
    {"funds.no_lessons_left", "合同的 {lessons} 课时已全部消课",
     "All {lessons} lessons of the contract are delivered"},
    {"funds.overpayment", "付款超过合同金额:本次付款 {requested_fen:yuan},合同尚欠 {owed_fen:yuan}(合同金额 {amount_fen:yuan},已付 {paid_fen:yuan})",
     "The payment exceeds what is owed: {requested_fen:yuan} paid, {owed_fen:yuan} still owed"
     " (contract {amount_fen:yuan}, paid {paid_fen:yuan})"},
    {"training.cert_no_invalid", "教师资格证书编号应为 17 位数字(旧版 15 位)",
     "A teacher certificate number is 17 digits (or the older 15)"},
    {"training.id_no_invalid", "居民身份证号码校验不通过", "The identity card number is not valid"},
    {"training.inspection_twice", "该机构 {year} 年度的年检已经登记",
     "The institution's inspection of {year} is recorded already"},
    {"training.institution_closed", "该机构已停业,不得开设新课程或签订新合同",
     "The institution is closed: no new courses or contracts"},
    {"training.institution_suspended", "该机构已被暂停办学,不得开设新课程或签订新合同",
     "The institution is suspended: no new courses or contracts"},
    {"training.schedule_slot", "每个上课时段需要星期(1-7)和开始、结束时间(HH:MM,开始早于结束)",
     "Each slot needs a weekday 1-7 and a start before its end (HH:MM)"},
    {"training.uscc_invalid", "统一社会信用代码校验不通过", "The unified social credit code is not valid"},

    /* ---------- cases (CS-*, PN-*) ---------- */

    /* ---------- reports (RP-*) ---------- */

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
