/*
 * demo.c: a realistic synthetic district for trying and benchmarking shuangjian.
 *
 * Scales: small (3 schools, about 1,100 pupils), district (60 schools, about 60,000 pupils),
 * city (500 schools, about 1,000,000 pupils). Names are Chinese, drawn from a fixed seed so
 * that two runs give the same district. Everything is written in one transaction. Schools,
 * classes, staff accounts and teaching rows go through the writes the API uses (core.h:
 * core_school_create, core_class_create, core_user_create, core_teaching_add), each a savepoint
 * inside it (db.h). Pupils, their guardians' accounts and the links (two rows in three of the
 * district, a million pupils at city scale) go through those writes' row writers
 * (core_student_insert, core_user_insert, core_guardianship_insert: the same INSERTs) without a
 * savepoint and checks per row: per row, the whole writes made `demo --scale district` a fifth
 * slower on SQLite (bench/README.md). All demo accounts share one password hash (computed
 * once: Argon2id per account would take hours at city scale).
 *
 * The demo accounts (printed by `demo-logins`) are fixed: admin, inspector, school1, leader1,
 * teacher1, parent1, org1, all with the password DEMO_PASSWORD.
 *
 * After the people, the modules add theirs in the same transaction, reading the roster this
 * file keeps in memory as it writes (demo.h): training_demo_fill (institutions, courses, org1),
 * afterschool_demo_fill (the current term's after-school service, rolls, duty, bills) and
 * funds_demo_fill (contracts, payments, lessons, refunds, a suspension: the escrow ledger),
 * homework_demo_fill (this week's homework of every class, family feedback, the roll-ups) and
 * cases_demo_fill (complaints and tip-offs in every state, joint enforcement with a PN-1
 * penalty, inspections with rectifications), notices_demo_fill (notices in each state, the
 * term's evaluations of after-school programs) and, last, reports_demo_fill (past half-monthly
 * reports submitted, the current one in draft, typical cases).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afterschool/demo.h"
#include "app/cli.h"
#include "cases/demo.h"
#include "app/demo.h"
#include "core/auth.h"
#include "core/core.h"
#include "core/demo.h"
#include "funds/demo.h"
#include "homework/demo.h"
#include "notices/demo.h"
#include "reports/demo.h"
#include "training/demo.h"

#define DEMO_PASSWORD "shuangjian2026"

typedef struct {
    uint64_t s;
} rng;

static uint64_t rnd(rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                       "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
                                       "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"};
static const char *const given[] = {"子涵", "欣怡", "浩然", "梓萱", "宇轩", "诗涵", "俊杰", "雨桐",
                                    "一诺", "思远", "佳怡", "明轩", "若曦", "天佑", "可馨", "博文",
                                    "语嫣", "嘉懿", "晨阳", "静怡", "泽宇", "梦琪", "子墨", "安然",
                                    "文博", "心怡", "皓轩", "紫涵", "铭",   "悦",   "磊",   "婷"};
static const char *const parent_given[] = {"建国", "丽华", "伟",   "芳",   "军",   "敏",
                                           "强",   "静",   "海燕", "志刚", "秀英", "国强",
                                           "红梅", "勇",   "艳",   "杰"};
static const char *const towns[] = {"城关", "东湖", "西山", "南岭", "北辰", "青石", "桃源", "河口",
                                    "云溪", "枫林", "柳营", "金沙", "凤鸣", "龙潭", "白沙", "石门"};
static const char *const subjects_primary[] = {"语文", "数学", "英语", "科学", "道德与法治"};
static const char *const subjects_junior[] = {"语文", "数学", "英语", "物理", "化学", "道德与法治"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void person_name(rng *r, char *out, size_t n, const char *const *pool, size_t npool)
{
    snprintf(out, n, "%s%s", surnames[rnd(r) % N(surnames)], pool[rnd(r) % npool]);
}

typedef struct {
    app *a;
    db_conn *c;
    rng r;
    int64_t district;
    const char *hash;
    long students, guardians, teachers, classes;
    demo_ctx ctx; /* the roster handed to the modules */
    size_t school_cap, pupil_cap, teacher_cap;
} demo;

/* The roster grows as the people are written; a failed allocation aborts (demo.h). */
static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return p;
    *cap = *cap ? *cap * 2 : 1024;
    p = realloc(p, *cap * size);
    if (!p)
        abort();
    return p;
}

static void roster_pupil(demo *d, int64_t id, int64_t guardian, int grade)
{
    demo_ctx *x = &d->ctx;
    x->pupils = grow(x->pupils, &d->pupil_cap, x->npupils, sizeof *x->pupils);
    x->pupils[x->npupils++] = (demo_pupil){id, guardian, (int32_t)(x->nschools - 1), grade};
}

static void roster_teacher(demo *d, int64_t id, int grade)
{
    demo_ctx *x = &d->ctx;
    x->teachers = grow(x->teachers, &d->teacher_cap, x->nteachers, sizeof *x->teachers);
    x->teachers[x->nteachers++] = (demo_teacher){id, grade};
}

/* One demo account with one role (core_user_create, as the API makes them); 0 on failure. */
static int64_t add_user(demo *d, const char *username, const char *name, const char *phone,
                        role_kind kind, int64_t school_id, int grade)
{
    role ro = {.kind = kind, .school_id = school_id, .grade = grade};
    core_user_in in = {.district_id = d->district,
                       .username = username,
                       .password_hash = d->hash,
                       .name = name,
                       .phone = phone,
                       .roles = &ro,
                       .nroles = 1};
    int64_t id = 0;
    verdict v = core_user_create(d->c, d->a, NULL, &in, &id, NULL);
    return verdict_is_ok(&v) ? id : 0;
}

static int add_school(demo *d, int idx, const char *kind, int classes_per_grade, int pupils,
                      int first_school)
{
    int64_t sid = 0;
    char name[128];
    const char *town = towns[idx % N(towns)];
    const char *label = strcmp(kind, "primary") == 0  ? "小学"
                        : strcmp(kind, "junior") == 0 ? "中学"
                                                      : "学校";
    if (idx < (int)N(towns))
        snprintf(name, sizeof name, "%s%s", town, label);
    else
        snprintf(name, sizeof name, "%s第%d%s", town, idx / (int)N(towns) + 1, label);
    int rural = idx % 4 == 3 ||
                (first_school == 0 && idx == 2); /* the small demo has one rural school too */
    verdict v = core_school_create(d->c, NULL, d->district, name, kind, rural, &sid);
    if (!verdict_is_ok(&v))
        return -1;
    int g0 = strcmp(kind, "junior") == 0 ? 7 : 1, g1 = strcmp(kind, "primary") == 0 ? 6 : 9;
    char uname[128], pname[64], phone[24], sno[64];
    /* staff: an admin, a grade leader per grade, and teachers per class and subject */
    snprintf(uname, sizeof uname, first_school ? "school1" : "s%lld_admin", (long long)sid);
    person_name(&d->r, pname, sizeof pname, parent_given, N(parent_given));
    int64_t admin = add_user(d, uname, pname, NULL, ROLE_SCHOOL_ADMIN, sid, 0);
    if (!admin)
        return -1;
    demo_ctx *x = &d->ctx;
    x->schools = grow(x->schools, &d->school_cap, x->nschools, sizeof *x->schools);
    demo_school *roster = &x->schools[x->nschools++];
    *roster = (demo_school){sid, admin, rural != 0, x->npupils, 0, x->nteachers, 0};
    if (first_school)
        x->school1_id = sid;
    for (int g = g0; g <= g1; g++) {
        snprintf(uname, sizeof uname, first_school && g == 4 ? "leader1" : "s%lld_g%d",
                 (long long)sid, g);
        person_name(&d->r, pname, sizeof pname, parent_given, N(parent_given));
        if (!add_user(d, uname, pname, NULL, ROLE_GRADE_LEADER, sid, g))
            return -1;
        const char *const *subj = g <= 6 ? subjects_primary : subjects_junior;
        size_t nsubj = g <= 6 ? N(subjects_primary) : N(subjects_junior);
        /* one teacher per subject per grade teaches every class of the grade */
        int64_t tids[8];
        for (size_t k = 0; k < nsubj; k++) {
            bool first = first_school && g == 4 && k == 1; /* 四年级数学 */
            snprintf(uname, sizeof uname, first ? "teacher1" : "s%lld_g%d_t%zu", (long long)sid, g,
                     k);
            person_name(&d->r, pname, sizeof pname, parent_given, N(parent_given));
            tids[k] = add_user(d, uname, pname, NULL, ROLE_TEACHER, sid, 0);
            if (!tids[k])
                return -1;
            d->teachers++;
            roster_teacher(d, tids[k], g);
            if (first)
                x->teacher1_id = tids[k];
        }
        for (int c = 1; c <= classes_per_grade; c++) {
            char cname[32];
            snprintf(cname, sizeof cname, "%d班", c);
            int64_t cid = 0;
            v = core_class_create(d->c, NULL, d->district, sid, g, cname, &cid);
            if (!verdict_is_ok(&v))
                return -1;
            d->classes++;
            for (size_t k = 0; k < nsubj; k++) {
                int64_t tid = 0;
                v = core_teaching_add(d->c, NULL, cid, sid, tids[k], subj[k], &tid);
                if (!verdict_is_ok(&v))
                    return -1;
            }
            for (int p = 1; p <= pupils; p++) {
                char sname[64];
                person_name(&d->r, sname, sizeof sname, given, N(given));
                snprintf(sno, sizeof sno, "G%04lld%02d%02d%03d", (long long)sid, g, c, p);
                /* the bulk path: the row writers of core_student_create, core_user_create
                 * and core_guardian_link, without a savepoint and checks per row */
                core_student_in in = {.district_id = d->district,
                                      .school_id = sid,
                                      .class_id = cid,
                                      .name = sname,
                                      .student_no = sno,
                                      .gender = rnd(&d->r) % 2 ? "男" : "女"};
                int64_t stid = 0;
                if (core_student_insert(d->c, d->a, &in, &stid) != DB_DONE)
                    return -1;
                d->students++;
                bool first = first_school && g == 4 && c == 1 && p == 1;
                snprintf(uname, sizeof uname, first ? "parent1" : "p%s", sno);
                snprintf(phone, sizeof phone, "1%d%09llu", 3 + (int)(rnd(&d->r) % 7),
                         (unsigned long long)(rnd(&d->r) % 1000000000ull));
                char gname[64];
                snprintf(gname, sizeof gname, "%.*s%s", (int)strlen(surnames[0]), sname,
                         parent_given[rnd(&d->r) % N(parent_given)]);
                role guardian = {.kind = ROLE_GUARDIAN};
                core_user_in gin = {.district_id = d->district,
                                    .username = uname,
                                    .password_hash = d->hash,
                                    .name = gname,
                                    .phone = phone,
                                    .roles = &guardian,
                                    .nroles = 1};
                int64_t gid = 0;
                if (core_user_insert(d->c, d->a, &gin, &gid) != DB_DONE)
                    return -1;
                d->guardians++;
                if (core_guardianship_insert(d->c, stid, gid, rnd(&d->r) % 2 ? "母亲" : "父亲") !=
                    DB_DONE)
                    return -1;
                if (first) {
                    x->parent1_id = gid;
                    x->parent1_pupil = x->npupils;
                }
                roster_pupil(d, stid, gid, g);
            }
        }
    }
    roster = &x->schools[x->nschools - 1];
    roster->npupils = x->npupils - roster->pupil0;
    roster->nteachers = x->nteachers - roster->teacher0;
    return 0;
}

/* The modules' demo data, in the order each needs the one before. */
static int modules_fill(demo *d, const char *scale, int nschools)
{
    demo_ctx *x = &d->ctx;
    x->district_id = d->district;
    x->scale = strcmp(scale, "city") == 0       ? DEMO_CITY
               : strcmp(scale, "district") == 0 ? DEMO_DISTRICT
                                                : DEMO_SMALL;
    x->seed = 0x5eed5eedULL;
    x->password_hash = d->hash;
    today_local(x->today);
    training_demo_course *courses = NULL;
    size_t ncourses = 0;
    char notes[7][320] = {"", "", "", "", "", "", ""};
    bool loud = nschools > 3;
    if (loud)
        fprintf(stderr, "shuangjian: demo: institutions and courses ...\n");
    int rc = training_demo_fill(d->c, d->a, x, &courses, &ncourses, notes[0], sizeof notes[0]);
    if (rc == DB_DONE && loud)
        fprintf(stderr, "shuangjian: demo: after-school service ...\n");
    if (rc == DB_DONE)
        rc = afterschool_demo_fill(d->c, d->a, x, notes[1], sizeof notes[1]);
    if (rc == DB_DONE && loud)
        fprintf(stderr, "shuangjian: demo: contracts and the escrow ledger ...\n");
    if (rc == DB_DONE)
        rc = funds_demo_fill(d->c, d->a, x, courses, ncourses, notes[2], sizeof notes[2]);
    if (rc == DB_DONE && loud)
        fprintf(stderr, "shuangjian: demo: homework ...\n");
    if (rc == DB_DONE)
        rc = homework_demo_fill(d->c, d->a, x, notes[3], sizeof notes[3]);
    if (rc == DB_DONE && loud)
        fprintf(stderr, "shuangjian: demo: complaints, tip-offs and inspections ...\n");
    if (rc == DB_DONE)
        rc = cases_demo_fill(d->c, d->a, x, courses, ncourses, notes[4], sizeof notes[4]);
    if (rc == DB_DONE && loud)
        fprintf(stderr, "shuangjian: demo: notices and evaluations ...\n");
    if (rc == DB_DONE)
        rc = notices_demo_fill(d->c, d->a, x, notes[5], sizeof notes[5]);
    if (rc == DB_DONE && loud)
        fprintf(stderr, "shuangjian: demo: half-monthly reports and typical cases ...\n");
    if (rc == DB_DONE)
        rc = reports_demo_fill(d->c, d->a, x, notes[6], sizeof notes[6]);
    free(courses);
    if (rc == DB_DONE)
        for (int i = 0; i < 7; i++)
            fprintf(stderr, "shuangjian: demo %s\n", notes[i]);
    return rc == DB_DONE ? 0 : -1;
}

int demo_fill(app *a, const char *scale)
{
    int nschools = 3, per_grade = 2, pupils = 40;
    if (strcmp(scale, "district") == 0)
        nschools = 60, per_grade = 4, pupils = 42;
    else if (strcmp(scale, "city") == 0)
        nschools = 500, per_grade = 8, pupils = 42;
    char hash[crypto_pwhash_STRBYTES];
    if (!auth_password_hash(DEMO_PASSWORD, hash))
        return CLI_FAIL;
    demo d = {.a = a, .r = {0x5eed5eedULL}, .hash = hash};
    d.c = db_acquire(a->pool);
    int rc = CLI_FAIL;
    int64_t existing = 0;
    if (db_query_int64(d.c, &existing, "SELECT COUNT(*) FROM schools") != DB_ROW) {
        fprintf(stderr, "shuangjian: demo: %s\n", db_errmsg(d.c));
        goto out;
    }
    if (existing > 0) {
        fprintf(stderr, "shuangjian: demo: the database already has schools; use a new database\n");
        goto out;
    }
    if (db_begin_write(d.c) != DB_OK || !(d.district = cli_district(d.c)))
        goto fail;
    d.ctx.admin_id = add_user(&d, "admin", "区教体局管理员", NULL, ROLE_DISTRICT_ADMIN, 0, 0);
    d.ctx.inspector_id = add_user(&d, "inspector", "督查员", NULL, ROLE_INSPECTOR, 0, 0);
    if (!d.ctx.admin_id || !d.ctx.inspector_id)
        goto fail;
    static const char *const kinds[] = {"primary", "junior", "nine_year", "primary"};
    for (int i = 0; i < nschools; i++) {
        const char *kind = nschools == 3 ? kinds[i] : kinds[i % 4];
        if (add_school(&d, i, kind, per_grade, pupils, i == 0) != 0)
            goto fail;
        if (nschools > 3 && (i + 1) % 10 == 0)
            fprintf(stderr, "\rshuangjian: demo: %d / %d schools, %ld pupils", i + 1, nschools,
                    d.students);
    }
    if (nschools > 3)
        fputc('\n', stderr);
    if (modules_fill(&d, scale, nschools) != 0 || db_commit(d.c) != DB_OK)
        goto fail;
    fprintf(
        stderr,
        "shuangjian: demo %s: %d schools, %ld classes, %ld pupils, %ld guardians, %ld teachers\n",
        scale, nschools, d.classes, d.students, d.guardians, d.teachers);
    rc = CLI_OK;
    goto out;
fail:
    fprintf(stderr, "shuangjian: demo failed: %s\n", db_errmsg(d.c));
    db_rollback(d.c);
out:
    db_release(d.c);
    free(d.ctx.schools);
    free(d.ctx.pupils);
    free(d.ctx.teachers);
    return rc;
}

int cmd_demo(const cli_opts *o)
{
    const char *scale = o->scale ? o->scale : "small";
    if (strcmp(scale, "small") != 0 && strcmp(scale, "district") != 0 && strcmp(scale, "city") != 0)
        return fprintf(stderr, "shuangjian: --scale is small, district or city\n"), CLI_USAGE;
    app a;
    int rc = cli_open(o, &a, 1);
    if (rc != CLI_OK)
        return rc;
    rc = demo_fill(&a, scale);
    cli_close(&a);
    if (rc == CLI_OK)
        return cmd_demo_logins(o);
    return rc;
}

int cmd_demo_logins(const cli_opts *o)
{
    (void)o;
    printf("演示账号 (密码均为 %s):\n"
           "  admin      区教体局管理员 (district_admin)\n"
           "  inspector  督查员 (inspector)\n"
           "  school1    第一所学校的教务 (school_admin)\n"
           "  leader1    四年级年级组长 (grade_leader)\n"
           "  teacher1   四年级数学老师 (teacher)\n"
           "  parent1    四年级1班一名学生的家长 (guardian)\n"
           "  org1       启明星学科培训学校的管理员 (institution_admin)\n",
           DEMO_PASSWORD);
    return CLI_OK;
}
