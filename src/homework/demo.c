/*
 * demo.c: the homework of the demo district (`shuangjian demo`), so the class board, the grade
 * matrix, the family's page and the district's reports and dashboard have something to show.
 *
 * API: homework_demo_fill (demo.h), called by src/app/demo.c inside its one write transaction
 * after the people are written.
 *
 * What it writes, for every class of grades 1-9:
 *   - on every school day from Monday of last week up to tomorrow (the dashboard opens on last
 *     week), 2-4 items from the subjects the class's teachers teach (the `teaching` rows), each set
 *     by the teacher of that subject; weekends, holidays and vacation days are left out, by the
 *     module's own period logic (hw_store_period), make-up workdays count as school days;
 *   - written items within the grade's cap (grades 1-2: only oral, reading and practical work,
 *     HW-1), chosen with homework_check so that they fit, then published through
 *     homework_publish, which checks them again as it does for the API;
 *   - now and then an optional-tier item (HW-7), past items mostly marked (HW-8);
 *   - family feedback on past days from a few guardians per class (parent1 always among them):
 *     times around the estimates, some longer, and one "未完成,已按时睡觉" (HW-10) from parent1;
 *   - for the dashboard and reports: the classes of school1's grade 5 exactly at the cap on the
 *     last two past school days, and school1's 四年级2班 reported over the cap by its families on
 *     the last past school day (its estimates within it); last week, class-days reported over
 *     the cap (the estimates were short): one in each of the first two schools, and in the
 *     third two days in half of its classes of grades 3-9, so one school is visibly worse;
 *   - parent1's child's class and teacher1's class also get items for today and tomorrow,
 *     whatever kind of day they are (a weekend has HW-4's cap; a vacation day only unwritten
 *     work).
 *
 * Every item goes through homework_publish (store.c), the function POST /api/v1/homework calls:
 * the same check, the same INSERT, the same roll-ups (migrations/0100, 0103), in the demo's
 * transaction (caller_tx: no begin, lock or commit of its own; the demo writes a new database
 * that nobody else sees, and at city scale 150,000 advisory locks would overflow PostgreSQL's
 * lock table). Its marking goes through homework_mark. The families' reports are the one bulk
 * path left: their sums go into the item as it is published (so its roll-ups count them), and
 * their rows follow FB_BATCH to an INSERT, because homework_feedback takes nine statements a
 * report: some 780,000 at district scale against 1,350 batches (counted, not run; what
 * publishing item by item costs against the bulk insert it replaced is measured in
 * bench/README.md, "Homework in the one shape").
 *
 * Numbers come from the module's own seeded stream (demo_stream), one per class, so two runs on
 * the same day write the same items.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "homework/demo.h"
#include "core/demo.h"
#include "homework/homework_int.h"

#define HW_DEMO_SALT     0x4857DE30u
#define MAX_DATES        16 /* school days of up to two weeks, plus today and tomorrow */
#define MAX_ITEMS        4  /* items of one class-day */
#define MAX_SUBJ         8  /* teaching rows of one class that are used */
#define MAX_REPORTERS    4  /* families reporting per class-day */
#define MAX_SUBJECT_KEYS 16 /* distinct subjects of the district */
#define FB_BATCH         64 /* feedback rows written by one INSERT */
#define FB_COLS          8

typedef struct {
    const char *pre, *post; /* the title: pre, or pre N post */
    hw_kind kind;
    int lo, hi; /* minutes */
} item_tpl;

typedef struct {
    const char *subject;
    item_tpl t[5];
} subject_tpl;

static const subject_tpl subject_tpls[] = {
    {"语文",
     {{"生字词抄写", NULL, HW_WRITTEN, 10, 20},
      {"《同步练习》第", "页", HW_WRITTEN, 15, 25},
      {"朗读课文第", "课", HW_ORAL, 10, 15},
      {"课外阅读,摘抄好词好句", NULL, HW_READING, 20, 30}}},
    {"数学",
     {{"口算练习第", "组", HW_WRITTEN, 10, 15},
      {"练习册第", "页", HW_WRITTEN, 15, 25},
      {"给家人讲一道错题", NULL, HW_ORAL, 5, 10},
      {"量一量家里物品的长度并记录", NULL, HW_PRACTICAL, 15, 20}}},
    {"英语",
     {{"单词抄写 Unit ", NULL, HW_WRITTEN, 10, 15},
      {"练习册 Unit ", NULL, HW_WRITTEN, 15, 20},
      {"跟读课文 Unit ", NULL, HW_ORAL, 10, 15},
      {"英语绘本阅读", NULL, HW_READING, 15, 20}}},
    {"科学",
     {{"填写观察记录单", NULL, HW_WRITTEN, 10, 15},
      {"观察一种植物并画下来", NULL, HW_PRACTICAL, 15, 20},
      {"阅读科普短文", NULL, HW_READING, 10, 15}}},
    {"道德与法治",
     {{"课后练习", NULL, HW_WRITTEN, 10, 10},
      {"和家人聊聊节约用水", NULL, HW_ORAL, 10, 10},
      {"整理自己的书桌", NULL, HW_PRACTICAL, 10, 15}}},
    {"物理",
     {{"课后练习第", "题", HW_WRITTEN, 15, 25},
      {"家庭小实验:测量步行速度", NULL, HW_PRACTICAL, 20, 20},
      {"预习下一节", NULL, HW_READING, 10, 15}}},
    {"化学",
     {{"化学方程式书写练习", NULL, HW_WRITTEN, 15, 25},
      {"阅读:身边的化学", NULL, HW_READING, 15, 15}}},
};
static const subject_tpl other_tpl = {
    "", {{"课后练习", NULL, HW_WRITTEN, 10, 20}, {"预习下一课", NULL, HW_READING, 10, 15}}};

typedef struct {
    int64_t user;
    const char *subject; /* interned: subjects[] of hw_demo */
} teach_row;

typedef struct {
    int64_t id, school_id;
    int grade, school; /* school: index into ctx->schools, -1 when not found */
    int ord;           /* its place among its school's classes of the grade (0 = 1班) */
    size_t t0, nt;     /* teaching rows */
    size_t p0, np;     /* its pupils in ctx->pupils; np = 0 when unknown */
} demo_class;

typedef struct {
    char date[11];
    hw_period p[10]; /* by grade 1..9 */
    bool school;     /* a school day */
} demo_date;

typedef struct {
    const item_tpl *t;
    const teach_row *by;
    char title[160];
    int minutes;
    bool optional;
    int64_t fb_count, fb_minutes, fb_unfinished;
    int64_t marked_at;
} demo_item;

typedef struct {
    db_conn *c;
    const app *a;
    demo_ctx *ctx;
    int64_t now;
    demo_class *classes;
    size_t nclasses;
    teach_row *teach;
    size_t nteach;
    const char *subjects[MAX_SUBJECT_KEYS];
    size_t nsubjects;
    demo_date dates[MAX_DATES];
    size_t ndates;
    int last_past, prev_past; /* the last two school days before today (-1: none) */
    char monday[11];          /* this week's */
    size_t featured[2];
    size_t nfeatured;
    db_stmt *ins_fb, *ins_fb1;
    int64_t fb[FB_BATCH * FB_COLS];
    size_t nfb;
    long items, written, optional, marked, reports, class_days, at_cap, reported_over;
} hw_demo;

static int step_done(db_stmt *s)
{
    int rc = db_step(s);
    while (rc == DB_ROW)
        rc = db_step(s);
    return rc;
}

static const char *intern(hw_demo *d, const char *subject)
{
    for (size_t i = 0; i < d->nsubjects; i++)
        if (strcmp(d->subjects[i], subject) == 0)
            return d->subjects[i];
    if (d->nsubjects == MAX_SUBJECT_KEYS)
        return NULL;
    char *copy = malloc(strlen(subject) + 1);
    if (!copy)
        abort();
    memcpy(copy, subject, strlen(subject) + 1);
    d->subjects[d->nsubjects++] = copy;
    return copy;
}

static const subject_tpl *tpl_of(const char *subject)
{
    for (size_t i = 0; i < sizeof subject_tpls / sizeof subject_tpls[0]; i++)
        if (strcmp(subject_tpls[i].subject, subject) == 0)
            return &subject_tpls[i];
    return &other_tpl;
}

static int by_id(const void *x, const void *y)
{
    int64_t a = ((const demo_class *)x)->id, b = ((const demo_class *)y)->id;
    return (a > b) - (a < b);
}

static demo_class *class_find(hw_demo *d, int64_t id)
{
    demo_class key = {.id = id};
    return bsearch(&key, d->classes, d->nclasses, sizeof *d->classes, by_id);
}

static int school_find(const demo_ctx *x, int64_t id)
{
    size_t lo = 0, hi = x->nschools;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->schools[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->nschools && x->schools[lo].id == id ? (int)lo : -1;
}

static size_t pupil_find(const demo_ctx *x, int64_t id)
{
    size_t lo = 0, hi = x->npupils;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->pupils[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int by_subject(const void *x, const void *y)
{
    return strcmp(((const teach_row *)x)->subject, ((const teach_row *)y)->subject);
}

/* The district's classes, their teaching rows and the slice of the roster holding their pupils
 * (a class's pupils were written one after another, so their ids form a range). */
static int load_classes(hw_demo *d)
{
    demo_ctx *x = d->ctx;
    db_stmt *s =
        db_query(d->c, "SELECT COUNT(*) FROM classes WHERE district_id = $1", x->district_id);
    int rc = s ? db_step(s) : DB_ERROR;
    size_t n = rc == DB_ROW ? (size_t)db_col_int64(s, 0) : 0;
    db_finalize(s);
    if (rc != DB_ROW)
        return DB_ERROR;
    d->classes = calloc(n + 1, sizeof *d->classes);
    d->teach = calloc(n * MAX_SUBJ + 1, sizeof *d->teach);
    if (!d->classes || !d->teach)
        abort();
    s = db_query(d->c,
                 "SELECT id, school_id, grade FROM classes WHERE district_id = $1 ORDER BY id",
                 x->district_id);
    while (s && (rc = db_step(s)) == DB_ROW && d->nclasses < n) {
        demo_class *k = &d->classes[d->nclasses++];
        k->id = db_col_int64(s, 0);
        k->school_id = db_col_int64(s, 1);
        k->grade = (int)db_col_int64(s, 2);
        k->school = school_find(x, k->school_id);
        const demo_class *prev = d->nclasses > 1 ? k - 1 : NULL;
        k->ord =
            prev && prev->school_id == k->school_id && prev->grade == k->grade ? prev->ord + 1 : 0;
    }
    db_finalize(s);
    if (!s || rc != DB_DONE)
        return DB_ERROR;
    /* teaching rows, by class; the subjects sorted in C, so both backends draw alike */
    s = db_query(d->c,
                 "SELECT t.class_id, t.user_id, t.subject FROM teaching t"
                 " JOIN classes c ON c.id = t.class_id WHERE c.district_id = $1"
                 " ORDER BY t.class_id",
                 x->district_id);
    demo_class *cur = NULL;
    while (s && (rc = db_step(s)) == DB_ROW) {
        int64_t cid = db_col_int64(s, 0);
        if (!cur || cur->id != cid) {
            cur = class_find(d, cid);
            if (cur)
                cur->t0 = d->nteach;
        }
        const char *subject = intern(d, db_col_text(s, 2));
        if (!cur || !subject || cur->nt == MAX_SUBJ || d->nteach == n * MAX_SUBJ)
            continue;
        d->teach[d->nteach++] = (teach_row){db_col_int64(s, 1), subject};
        cur->nt++;
    }
    db_finalize(s);
    if (!s || rc != DB_DONE)
        return DB_ERROR;
    for (size_t i = 0; i < d->nclasses; i++)
        if (d->classes[i].nt > 1)
            qsort(d->teach + d->classes[i].t0, d->classes[i].nt, sizeof *d->teach, by_subject);
    s = db_query(d->c,
                 "SELECT class_id, MIN(id), MAX(id), COUNT(*) FROM students"
                 " WHERE district_id = $1 GROUP BY class_id",
                 x->district_id);
    while (s && (rc = db_step(s)) == DB_ROW) {
        demo_class *k = class_find(d, db_col_int64(s, 0));
        int64_t lo = db_col_int64(s, 1), hi = db_col_int64(s, 2), cnt = db_col_int64(s, 3);
        size_t p0 = pupil_find(x, lo);
        /* every id of the range is a pupil of the class, and the roster holds them in order */
        if (k && cnt == hi - lo + 1 && p0 + (size_t)cnt <= x->npupils && x->pupils[p0].id == lo &&
            x->pupils[p0 + (size_t)cnt - 1].id == hi) {
            k->p0 = p0;
            k->np = (size_t)cnt;
        }
    }
    db_finalize(s);
    return s && rc == DB_DONE ? DB_OK : DB_ERROR;
}

/* The dates: Monday of last week up to tomorrow, with each grade's period (the dashboard opens
 * on last week, the grade leader on this one); this week's Monday; the last two school days
 * before today; today and tomorrow always, for the featured classes. */
static int load_dates(hw_demo *d)
{
    const demo_ctx *x = d->ctx;
    char tomorrow[11], start[11];
    date_add_days(x->today, 1, tomorrow);
    date_add_days(x->today, -(date_weekday(x->today) - 1), d->monday);
    date_add_days(d->monday, -7, start);
    d->ndates = 0;
    for (char day[11] = ""; d->ndates < MAX_DATES;) {
        date_add_days(start, (int64_t)d->ndates, day);
        if (strcmp(day, tomorrow) > 0)
            break;
        demo_date *dd = &d->dates[d->ndates++];
        memcpy(dd->date, day, sizeof dd->date);
        for (int g = 1; g <= 9; g++) {
            int rc = hw_store_period(d->c, d->a->base_pol, x->district_id, g, day, &dd->p[g]);
            if (rc != DB_ROW)
                return rc;
        }
        dd->school = dd->p[1].day == DAY_SCHOOL;
    }
    d->last_past = d->prev_past = -1;
    for (size_t i = 0; i < d->ndates; i++)
        if (d->dates[i].school && strcmp(d->dates[i].date, x->today) < 0) {
            d->prev_past = d->last_past;
            d->last_past = (int)i;
        }
    return DB_OK;
}

static bool featured(const hw_demo *d, size_t k)
{
    for (size_t i = 0; i < d->nfeatured; i++)
        if (d->featured[i] == k)
            return true;
    return false;
}

/* parent1's child's class and the first class teacher1 teaches. */
static void find_featured(hw_demo *d)
{
    const demo_ctx *x = d->ctx;
    int64_t child = x->parent1_pupil < x->npupils ? x->pupils[x->parent1_pupil].id : 0;
    size_t t1 = SIZE_MAX;
    for (size_t k = 0; k < d->nclasses; k++) {
        const demo_class *cl = &d->classes[k];
        if (cl->np && child >= x->pupils[cl->p0].id && child <= x->pupils[cl->p0 + cl->np - 1].id)
            d->featured[d->nfeatured++] = k;
        for (size_t j = 0; t1 == SIZE_MAX && j < cl->nt; j++)
            if (d->teach[cl->t0 + j].user == x->teacher1_id)
                t1 = k;
    }
    if (t1 != SIZE_MAX && !featured(d, t1) && d->nfeatured < 2)
        d->featured[d->nfeatured++] = t1;
}

static int fb_flush(hw_demo *d)
{
    if (d->nfb == 0)
        return DB_DONE;
    db_stmt *s = d->nfb == FB_BATCH ? d->ins_fb : d->ins_fb1;
    int rc = DB_DONE;
    size_t rows = d->nfb == FB_BATCH ? 1 : d->nfb;
    for (size_t r = 0; r < rows && rc == DB_DONE; r++) {
        size_t per = d->nfb == FB_BATCH ? FB_BATCH * FB_COLS : FB_COLS;
        db_reset(s);
        for (size_t i = 0; i < per; i++)
            db_bind_int64(s, (int)i + 1, d->fb[r * FB_COLS + i]);
        rc = step_done(s);
    }
    d->nfb = 0;
    return rc;
}

static int fb_add(hw_demo *d, int64_t item, int64_t student, int64_t user, int64_t spent,
                  bool completed, bool bedtime, int64_t at)
{
    int64_t *row = &d->fb[d->nfb * FB_COLS];
    row[0] = item, row[1] = student, row[2] = user, row[3] = spent;
    row[4] = completed, row[5] = bedtime, row[6] = at, row[7] = at;
    d->reports++;
    return ++d->nfb == FB_BATCH ? fb_flush(d) : DB_DONE;
}

static int round5(int m)
{
    return m < 5 ? 5 : (m + 2) / 5 * 5;
}

static int pick(uint64_t *r, int lo, int hi)
{
    return lo + (int)demo_below(r, (uint64_t)(hi - lo + 1));
}

/* The unwritten template of a subject at random, or NULL when it has none. */
static const item_tpl *pick_kind(uint64_t *r, const subject_tpl *st, bool written)
{
    const item_tpl *c[5];
    int n = 0;
    for (int i = 0; i < 5 && st->t[i].pre; i++)
        if ((st->t[i].kind == HW_WRITTEN) == written)
            c[n++] = &st->t[i];
    return n ? c[demo_below(r, (uint64_t)n)] : NULL;
}

enum { DAY_PLAIN = 0, DAY_AT_CAP, DAY_REPORTED_OVER };

/* One class-day: the items, their feedback, the class-day's roll-up. */
static int class_day(hw_demo *d, size_t k, size_t di, int special, uint64_t *r)
{
    const demo_ctx *x = d->ctx;
    const demo_class *cl = &d->classes[k];
    const demo_date *dd = &d->dates[di];
    const hw_period *p = &dd->p[cl->grade];
    const policy *pol = d->a->base_pol;
    bool past = strcmp(dd->date, x->today) < 0;
    if (cl->nt == 0)
        return DB_DONE;

    /* the subjects: a shuffle of the class's teaching rows; teacher1's first in the featured */
    const teach_row *rows[MAX_SUBJ];
    size_t nt = cl->nt;
    for (size_t i = 0; i < nt; i++)
        rows[i] = &d->teach[cl->t0 + i];
    for (size_t i = nt - 1; i > 0; i--) {
        size_t j = (size_t)demo_below(r, i + 1);
        const teach_row *t = rows[i];
        rows[i] = rows[j], rows[j] = t;
    }
    if (featured(d, k))
        for (size_t i = 1; i < nt; i++)
            if (rows[i]->user == x->teacher1_id) {
                const teach_row *t = rows[0];
                rows[0] = rows[i], rows[i] = t;
            }
    size_t n = 2 + (size_t)demo_below(r, 3);
    if (n > nt)
        n = nt;
    if (special != DAY_PLAIN && n < 2)
        special = DAY_PLAIN;

    /* the items, each checked as the publish path checks it */
    demo_item items[MAX_ITEMS];
    int cap = p->cap.limit_minutes, target = cap * (45 + pick(r, 0, 40)) / 100;
    int used = 0, wsubj = 0;
    for (size_t i = 0; i < n; i++) {
        demo_item *it = &items[i];
        memset(it, 0, sizeof *it);
        it->by = rows[i];
        const subject_tpl *st = tpl_of(it->by->subject);
        bool want_written =
            p->cap.allowed && (special != DAY_PLAIN ? i < 2 : i < 2 || demo_below(r, 3) == 0);
        const item_tpl *t = want_written ? pick_kind(r, st, true) : NULL;
        int m = t ? round5(pick(r, t->lo, t->hi)) : 0;
        if (t && special == DAY_AT_CAP)
            m = i == 0 ? cap - cap / 2 : cap / 2;
        else if (t && special == DAY_REPORTED_OVER)
            m = cap * 5 / 12;
        else if (t && used + m > target)
            m = (target - used) / 5 * 5;
        if (t) {
            hw_request q = {.grade = cl->grade,
                            .day = p->day,
                            .kind = HW_WRITTEN,
                            .minutes = m,
                            .written_minutes = used,
                            .written_subjects = wsubj,
                            .subject_is_new = true};
            verdict v = homework_check(pol, &q);
            if (m < 5 || !verdict_is_ok(&v))
                t = NULL;
        }
        if (!t) {
            t = pick_kind(r, st, false);
            if (!t)
                t = &other_tpl.t[1];
            m = round5(pick(r, t->lo, t->hi));
        } else {
            used += m;
            wsubj++;
        }
        it->t = t;
        it->minutes = m;
        it->optional = t->kind != HW_WRITTEN && demo_below(r, 8) == 0;
        if (t->post || (t->pre[strlen(t->pre) - 1] == ' '))
            snprintf(it->title, sizeof it->title, "%s%d%s", t->pre, pick(r, 1, t->post ? 60 : 8),
                     t->post ? t->post : "");
        else
            snprintf(it->title, sizeof it->title, "%s", t->pre);
        if (past && (t->kind == HW_WRITTEN ? demo_below(r, 100) < 85 : demo_below(r, 100) < 30)) {
            char next[11];
            date_add_days(dd->date, 1, next);
            it->marked_at = demo_unix(next, 8 * 60 + pick(r, 0, 240));
            if (it->marked_at > d->now)
                it->marked_at = d->now;
        }
    }
    if (special == DAY_AT_CAP && used != cap)
        special = DAY_PLAIN;

    /* the families' reports, on past days: a few pupils of the class (parent1's child first) */
    int64_t spent[MAX_REPORTERS][MAX_ITEMS];
    bool unfinished[MAX_REPORTERS][MAX_ITEMS];
    size_t who[MAX_REPORTERS], nrep = 0;
    memset(unfinished, 0, sizeof unfinished);
    if (past && cl->np) {
        size_t want = x->scale == DEMO_CITY ? 2 : MAX_REPORTERS;
        if (x->parent1_pupil >= cl->p0 && x->parent1_pupil < cl->p0 + cl->np)
            who[nrep++] = x->parent1_pupil;
        for (int tries = 0; nrep < want && nrep < cl->np && tries < 32; tries++) {
            size_t pi = cl->p0 + (size_t)demo_below(r, cl->np);
            bool dup = false;
            for (size_t j = 0; j < nrep; j++)
                dup |= who[j] == pi;
            if (!dup)
                who[nrep++] = pi;
        }
        for (size_t j = 0; j < nrep; j++)
            for (size_t i = 0; i < n; i++) {
                int pct = special == DAY_REPORTED_OVER && items[i].t->kind == HW_WRITTEN
                              ? pick(r, 150, 170)
                              : pick(r, 80, 135);
                spent[j][i] = round5(items[i].minutes * pct / 100);
            }
        /* a family's reports run long only where the day stays within the cap, except on the
         * one day chosen to show families reporting over it */
        if (special != DAY_REPORTED_OVER && p->cap.allowed) {
            int64_t rep = 0;
            for (size_t i = 0; i < n; i++) {
                if (items[i].t->kind != HW_WRITTEN)
                    continue;
                int64_t sum = 0;
                for (size_t j = 0; j < nrep; j++)
                    sum += spent[j][i];
                rep += homework_reported_minutes(items[i].minutes, (int64_t)nrep, sum);
            }
            if (rep > cap)
                for (size_t j = 0; j < nrep; j++)
                    for (size_t i = 0; i < n; i++)
                        if (spent[j][i] > items[i].minutes)
                            spent[j][i] = items[i].minutes;
        }
        /* parent1's child stopped at bedtime once: the last past school day's first item */
        if (nrep && who[0] == x->parent1_pupil && (int)di == d->last_past) {
            unfinished[0][0] = true;
            spent[0][0] = items[0].minutes / 2 > 5 ? items[0].minutes / 2 : 5;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < nrep; j++) {
                items[i].fb_count++;
                items[i].fb_minutes += spent[j][i];
                items[i].fb_unfinished += unfinished[j][i];
            }
    }

    /* the rows: each item through homework_publish, as the API publishes one, its marking
     * through homework_mark; the families' reports are summed into the item as it is published
     * and their rows follow in batches */
    int64_t created = demo_unix(dd->date, 12 * 60 + pick(r, 0, 300));
    if (created > d->now)
        created = d->now - (int64_t)demo_below(r, 3600);
    hw_class hc = {.id = cl->id,
                   .district_id = x->district_id,
                   .school_id = cl->school_id,
                   .grade = cl->grade};
    for (size_t i = 0; i < n; i++) {
        const demo_item *it = &items[i];
        bool w = it->t->kind == HW_WRITTEN;
        hw_publish_in in = {.cl = &hc,
                            .p = p,
                            .date = dd->date,
                            .subject = it->by->subject,
                            .title = it->title,
                            .kind = it->t->kind,
                            .tier = it->optional ? 1 : 0,
                            .minutes = it->minutes,
                            .created_at = created + (int64_t)i * 60,
                            .fb_count = it->fb_count,
                            .fb_minutes = it->fb_minutes,
                            .fb_unfinished = it->fb_unfinished,
                            .caller_tx = true};
        hw_actor by = {.user_id = it->by->user};
        hw_published out;
        verdict v = homework_publish(d->c, pol, &in, &by, &out);
        json_decref(out.items);
        if (verdict_is_ok(&v) && it->marked_at)
            v = homework_mark(d->c, out.id, it->by->user, it->marked_at);
        if (!verdict_is_ok(&v)) {
            fprintf(stderr, "shuangjian: demo homework: class %lld on %s refused (%s)\n",
                    (long long)cl->id, dd->date, v.rule ? v.rule : sj_err_code(v.err));
            return DB_ERROR;
        }
        d->items++;
        d->written += w;
        d->optional += it->optional;
        d->marked += it->marked_at != 0;
        int64_t at = demo_unix(dd->date, 19 * 60 + (int)(i * 15));
        for (size_t j = 0; j < nrep; j++) {
            const demo_pupil *pu = &x->pupils[who[j]];
            int rc = fb_add(d, out.id, pu->id, pu->guardian_id, spent[j][i], !unfinished[j][i],
                            unfinished[j][i], at + (int64_t)j * 7);
            if (rc != DB_DONE)
                return rc;
        }
    }
    d->class_days++;
    d->at_cap += special == DAY_AT_CAP;
    d->reported_over += special == DAY_REPORTED_OVER;
    return DB_DONE;
}

static db_stmt *prepare_fb(db_conn *c, size_t rows)
{
    char sql[160 + FB_BATCH * FB_COLS * 6];
    size_t used =
        (size_t)snprintf(sql, sizeof sql,
                         "INSERT INTO homework_feedback (homework_id, student_id, user_id,"
                         " minutes_spent, completed, bedtime, created_at, updated_at) VALUES ");
    for (size_t r = 0; r < rows && used < sizeof sql; r++)
        for (size_t i = 0; i < FB_COLS && used < sizeof sql; i++)
            used += (size_t)snprintf(sql + used, sizeof sql - used, "%s$%zu%s",
                                     i   ? ","
                                     : r ? ",("
                                         : "(",
                                     r * FB_COLS + i + 1, i == FB_COLS - 1 ? ")" : "");
    return used < sizeof sql ? db_prepare(c, sql) : NULL;
}

int homework_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, char *summary, size_t len)
{
    hw_demo *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->c = c, d->a = a, d->ctx = ctx, d->now = now_unix();
    int rc = load_classes(d);
    if (rc == DB_OK)
        rc = load_dates(d);
    if (rc != DB_OK)
        goto out;
    find_featured(d);
    d->ins_fb = prepare_fb(c, FB_BATCH);
    d->ins_fb1 = prepare_fb(c, 1);
    rc = d->ins_fb && d->ins_fb1 ? DB_DONE : DB_ERROR;
    char tomorrow[11];
    date_add_days(ctx->today, 1, tomorrow);
    for (size_t k = 0; rc == DB_DONE && k < d->nclasses; k++) {
        const demo_class *cl = &d->classes[k];
        if (cl->grade < 1 || cl->grade > 9)
            continue;
        uint64_t r = demo_stream(ctx, HW_DEMO_SALT + k);
        bool school1 = cl->school == 0;
        bool feat = featured(d, k);
        for (size_t di = 0; rc == DB_DONE && di < d->ndates; di++) {
            const char *date = d->dates[di].date;
            bool near = strcmp(date, ctx->today) == 0 || strcmp(date, tomorrow) == 0;
            if (!d->dates[di].school && !(feat && near))
                continue;
            int special = DAY_PLAIN;
            if (school1 && cl->grade == 5 && ((int)di == d->last_past || (int)di == d->prev_past))
                special = DAY_AT_CAP;
            if (school1 && cl->grade == 4 && cl->ord == 1 && (int)di == d->last_past)
                special = DAY_REPORTED_OVER;
            /* last week, families reported more than the estimates on a few class-days: once
             * in each of the first two schools, and in the third on Wednesday and Thursday in
             * half of the classes of grades 3-9 (the school the dashboard shows worst) */
            if (strcmp(date, d->monday) < 0 && cl->grade >= 3 && d->dates[di].school) {
                int wd = date_weekday(date);
                if ((cl->school == 0 && cl->grade == 6 && cl->ord == 0 && wd == 2) ||
                    (cl->school == 1 && cl->grade == 8 && cl->ord == 1 && wd == 4) ||
                    (cl->school == 2 && (cl->ord + cl->grade) % 2 == 0 && (wd == 3 || wd == 4)))
                    special = DAY_REPORTED_OVER;
            }
            rc = class_day(d, k, di, special, &r);
        }
    }
    if (rc == DB_DONE)
        rc = fb_flush(d);
    if (rc == DB_DONE)
        snprintf(
            summary, len,
            "homework: %ld items (%ld written, %ld optional, %ld marked) on %ld class-days"
            " from %s to %s, %ld family reports; %ld class-days at the cap, %ld reported over it",
            d->items, d->written, d->optional, d->marked, d->class_days,
            d->ndates ? d->dates[0].date : "-", d->ndates ? d->dates[d->ndates - 1].date : "-",
            d->reports, d->at_cap, d->reported_over);
out:
    db_finalize(d->ins_fb);
    db_finalize(d->ins_fb1);
    for (size_t i = 0; i < d->nsubjects; i++)
        free((void *)d->subjects[i]);
    free(d->classes);
    free(d->teach);
    free(d);
    return rc == DB_OK ? DB_ERROR : rc;
}
