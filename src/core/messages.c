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
    /* failover (db_pg.c, http.c) */
    {"core.db_unavailable", "数据库正在切换或暂时无法连接,本次操作未生效,请 {retry_after_s} 秒后重试",
     "The database is failing over or out of reach; nothing was done. Try again in "
     "{retry_after_s} seconds"},
    {"core.outcome_unknown", "保存时与数据库的连接中断,无法确认本次操作是否已生效;请先查看结果,再决定是否重新提交",
     "The connection to the database broke while saving: it is not known whether this was "
     "done. Look before you send it again"},

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
