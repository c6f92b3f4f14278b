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
