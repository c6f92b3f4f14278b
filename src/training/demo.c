/*
 * demo.c: the demo district's registry of tutoring institutions (`shuangjian demo`): the
 * institutions with licences, annual inspections, staff and courses, for the pages of
 * JOURNEYS.md 5.4, 6 and 7.
 *
 * API: training_demo_fill (training/demo.h), called by src/app/demo.c inside its transaction;
 * it hands the courses to funds_demo_fill, which signs the contracts, and names the vetted
 * after-school provider in ctx for afterschool_demo_fill. Every row goes through the store's
 * own writes (their _in_tx twins: training.h), so the demo's institutions, staff and courses
 * pass the same rules and take the same shape as the API's.
 *
 * Ten kinds of institution, written once at small scale and once per ten schools beyond (a
 * 校区 of each, so the mix stays the same as the district grows):
 *   subject-based (学科类, registered as non-profits, USCC 52...) and non-subject ones (体育,
 *   艺术, 科技: enterprises, USCC 91...); most on the district's white list; one online; one
 *   black-listed with a failed inspection and its course rejected; one the inspector will
 *   suspend (funds_demo_fill does it: suspension refunds every open contract); one whose
 *   families keep paying while its lessons stop (the risk warning of JOURNEYS.md 7.1); and the
 *   sports club the district vetted for after-school service (AS-4).
 * Every institution has an admin account (the first one is `org1`), two staff checked by TR-6,
 * and courses checked by TR-1..TR-4 and FU-1, reviewed (TR-5) and then put on its list (a
 * black-listed institution takes no new course). Names, licences and codes are drawn from a
 * fixed seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "training/demo.h"
#include "core/core.h"
#include "core/demo.h"
#include "core/ident.h"
#include "training.h"

typedef struct {
    const char *subject, *name;
    bool online;
    int minutes;
    int64_t price;
    int grade_lo, grade_hi;
    struct {
        int weekday, start;
    } slots[3];
} course_tpl;

typedef struct {
    const char *name;
    bool subject, online;
    const char *list, *list_reason;
    int plan;
    bool vendor;
    const char *inspection, *inspection_note, *review, *review_note;
    course_tpl courses[2];
} inst_tpl;

#define H(h, m) ((h)*60 + (m))

/* the table as the demo district reads: one institution a row or two */
// clang-format off
static const inst_tpl kinds[] = {
    {"启明星学科培训学校", true, false, "white", "年检合格,预收费全部纳入资金监管", TRAINING_DEMO_NORMAL,
     false, "pass", NULL, "approved", NULL,
     {{"数学", "小学数学思维训练", false, 45, 4500, 3, 6, {{2, H(18, 30)}, {4, H(18, 30)}}},
      {"物理", "初中物理同步辅导", false, 45, 4800, 8, 9, {{1, H(19, 0)}, {3, H(19, 0)}}}}},
    {"博雅艺术培训中心", false, false, "white", "年检合格", TRAINING_DEMO_NORMAL, false, "pass", NULL,
     "approved", NULL,
     {{"钢琴", "少儿钢琴", false, 45, 15000, 1, 9, {{6, H(9, 0)}, {7, H(9, 0)}}},
      {"艺术", "创意美术", false, 90, 9000, 1, 6, {{6, H(14, 0)}, {7, H(14, 0)}}}}},
    {"飞扬体育俱乐部", false, false, "white", "年检合格,课后服务遴选机构", TRAINING_DEMO_NORMAL, true,
     "pass", NULL, "approved", NULL,
     {{"体育", "青少年篮球", false, 90, 8000, 3, 9, {{3, H(18, 0)}, {6, H(9, 0)}}},
      {"体育", "少儿游泳", false, 60, 10000, 1, 6, {{6, H(15, 0)}, {7, H(15, 0)}}}}},
    {"智慧树科技教育", false, false, "white", "年检合格", TRAINING_DEMO_NORMAL, false, "pass", NULL,
     "approved", NULL,
     {{"编程", "机器人编程", false, 90, 12000, 3, 8, {{6, H(10, 0)}, {7, H(10, 0)}}}}},
    {"知行学科辅导中心", true, false, "white", "年检合格", TRAINING_DEMO_RISKY, false, "pass", NULL,
     "approved", NULL,
     {{"数学", "初中数学提高班", false, 45, 4800, 7, 9, {{2, H(19, 0)}, {4, H(19, 0)}}},
      {"英语", "小学英语阅读", false, 45, 4500, 3, 6, {{1, H(18, 30)}, {3, H(18, 30)}}}}},
    {"墨香书法艺术学校", false, false, "white", "年检合格", TRAINING_DEMO_NORMAL, false, "pass", NULL,
     "approved", NULL,
     {{"书法", "软笔书法", false, 60, 6000, 2, 9, {{6, H(9, 0)}, {7, H(15, 0)}}}}},
    {"乐韵音乐学校", false, false, "white", "年检合格", TRAINING_DEMO_NORMAL, false, "pass", NULL,
     "approved", NULL,
     {{"艺术", "少儿声乐", false, 60, 8000, 1, 6, {{3, H(18, 0)}, {6, H(10, 0)}}}}},
    {"优学在线教育", true, true, "none", NULL, TRAINING_DEMO_FEW, false, "pass", NULL, "approved",
     NULL,
     {{"语文", "小学语文阅读(线上)", true, 30, 3000, 3, 6,
       {{1, H(19, 0)}, {3, H(19, 0)}, {5, H(19, 0)}}}}},
    {"金榜补习社", true, false, "black", "违规开展超前培训、虚假宣传,年检不合格", TRAINING_DEMO_NONE,
     false, "fail", "超出国家课程标准开展超前培训;宣传材料夸大效果", "rejected",
     "教学内容超出国家课程标准(超前培训)",
     {{"数学", "初三数学冲刺班", false, 45, 4900, 9, 9, {{2, H(19, 0)}, {4, H(19, 0)}}}}},
    {"星辰英语培训学校", true, false, "none", NULL, TRAINING_DEMO_SUSPEND, false, "rectify",
     "收费未全部进入监管账户,限期整改", "approved", NULL,
     {{"英语", "少儿英语口语", false, 45, 4200, 1, 6, {{2, H(18, 30)}, {5, H(18, 30)}}}}},
};
// clang-format on
#define NKINDS (sizeof kinds / sizeof kinds[0])

static const char *const campuses[] = {"城关", "东湖", "西山", "南岭", "北辰", "青石",
                                       "桃源", "河口", "云溪", "枫林", "柳营", "金沙",
                                       "凤鸣", "龙潭", "白沙", "石门"};
static const char *const streets[] = {"文化路", "人民路", "解放路", "建设路",
                                      "学府路", "中山路", "新华路", "和平路"};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵",
                                       "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"};
static const char *const given[] = {"晓燕", "志明", "丽娟", "海涛", "静", "俊",
                                    "雪梅", "建华", "文静", "宏伟", "慧", "鹏"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    db_conn *c;
    const app *a;
    demo_ctx *ctx;
    uint64_t r;
    training_demo_course *courses;
    size_t ncourses, cap;
    long institutions, staff, inspections;
} tr_demo;

/* A 统一社会信用代码 with its GB 32100 check character: `head` (2), area (6), then 9. */
static void uscc_make(const char *head, unsigned seq, char out[IDENT_USCC_LEN + 1])
{
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    snprintf(out, IDENT_USCC_LEN + 1, "%.2s330106MA%07u0", head, seq % 10000000u);
    for (size_t i = 0; i < sizeof alphabet - 1; i++) {
        out[17] = alphabet[i];
        if (ident_uscc_valid(out, NULL))
            return;
    }
}

/* 教师资格证书编号, 17 digits: year, province, authority, type (2 小学, 3 初级中学), sex, sequence
 */
static void cert_make(unsigned type, unsigned seq, char out[18])
{
    snprintf(out, 18, "201633%03u%1u%1u%06u", seq % 1000u, type % 10u, 1u + seq % 2u,
             seq % 1000000u);
}

static int staff_add(tr_demo *d, int64_t inst, const inst_tpl *k, const course_tpl *ct,
                     unsigned seq, int64_t at)
{
    char name[64], cert[18];
    snprintf(name, sizeof name, "%s%s", surnames[demo_below(&d->r, N(surnames))],
             given[demo_below(&d->r, N(given))]);
    bool teaches = k->subject;
    if (teaches)
        cert_make(ct->grade_hi >= 7 ? 3u : 2u, seq, cert);
    training_staff_in in = {.district_id = d->ctx->district_id,
                            .institution_id = inst,
                            .name = name,
                            .subjects = ct->subject,
                            .cert_no = teaches ? cert : NULL,
                            .teaches_subject = teaches,
                            .at = at};
    int64_t id = 0;
    verdict v = training_staff_add_in_tx(d->c, d->a->base_pol, &in, &id);
    if (!verdict_is_ok(&v)) {
        fprintf(stderr, "shuangjian: demo: staff refused (%s)\n", v.rule ? v.rule : "store");
        return DB_ERROR;
    }
    d->staff++;
    return DB_DONE;
}

static int course_add(tr_demo *d, int64_t inst, int64_t admin, const inst_tpl *k,
                      const course_tpl *ct, int64_t at)
{
    const policy *pol = d->a->base_pol;
    training_slot slots[3];
    size_t n = 0;
    json_t *sched = json_array();
    for (size_t i = 0; i < 3 && ct->slots[i].weekday; i++) {
        int s = ct->slots[i].start, e = s + ct->minutes;
        slots[n++] = (training_slot){ct->slots[i].weekday, s, e, 1};
        char st[8], en[8];
        snprintf(st, sizeof st, "%02u:%02u", (unsigned)(s / 60) % 24u, (unsigned)s % 60u);
        snprintf(en, sizeof en, "%02u:%02u", (unsigned)(e / 60) % 24u, (unsigned)e % 60u);
        json_array_append_new(sched, json_pack("{s:i,s:s,s:s,s:i}", "weekday", ct->slots[i].weekday,
                                               "start", st, "end", en, "lessons", 1));
    }
    char *text = json_dumps(sched, JSON_COMPACT);
    json_decref(sched);
    training_course_in in = {.institution_id = inst,
                             .name = ct->name,
                             .subject = ct->subject,
                             .online = ct->online,
                             .lesson_minutes = ct->minutes,
                             .price_per_lesson_fen = ct->price,
                             .slots = slots,
                             .nslots = n,
                             .schedule_json = text,
                             .at = at};
    int64_t id = 0;
    verdict v = training_course_add_in_tx(d->c, pol, &in, &id);
    free(text);
    if (verdict_is_ok(&v))
        v = training_course_review_in_tx(d->c, id, k->review, k->review_note);
    if (!verdict_is_ok(&v)) {
        fprintf(stderr, "shuangjian: demo: course %s refused (%s %s)\n", ct->name,
                v.rule ? v.rule : "store", v.code ? v.code : "");
        return DB_ERROR;
    }
    training_course_row row;
    int rc = training_course_get(d->c, id, &row);
    if (rc != DB_ROW)
        return rc == DB_DONE ? DB_ERROR : rc;
    if (d->ncourses == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->courses = realloc(d->courses, d->cap * sizeof *d->courses);
        if (!d->courses)
            abort();
    }
    training_demo_course *x = &d->courses[d->ncourses++];
    memset(x, 0, sizeof *x);
    x->id = id;
    x->institution_id = inst;
    x->admin_id = admin;
    x->plan = k->plan;
    x->subject_based = row.subject_based;
    x->online = ct->online;
    x->lesson_minutes = ct->minutes;
    x->price_per_lesson_fen = ct->price;
    x->grade_lo = ct->grade_lo;
    x->grade_hi = ct->grade_hi;
    for (int w = 0; w < 8; w++)
        x->slot_start[w] = -1;
    for (size_t i = 0; i < n; i++)
        x->slot_start[slots[i].weekday] = slots[i].start;
    return DB_DONE;
}

static int institution_add(tr_demo *d, size_t round, size_t ki)
{
    demo_ctx *ctx = d->ctx;
    const inst_tpl *k = &kinds[ki];
    unsigned seq = (unsigned)(round * NKINDS + ki + 1);
    char name[160], license[16], uscc[IDENT_USCC_LEN + 1], address[160], valid[11], reg[11];
    if (round == 0)
        snprintf(name, sizeof name, "%s", k->name);
    else if (round <= N(campuses))
        snprintf(name, sizeof name, "%s(%s校区)", k->name, campuses[round - 1]);
    else
        snprintf(name, sizeof name, "%s(%s第%zu校区)", k->name, campuses[(round - 1) % N(campuses)],
                 (round - 1) / N(campuses) + 1);
    snprintf(license, sizeof license, "3301067%06u", seq % 1000000u);
    uscc_make(k->subject ? "52" : "91", seq * 7919u, uscc);
    snprintf(address, sizeof address, "%s镇%s%u号", campuses[(round + ki) % N(campuses)],
             streets[demo_below(&d->r, N(streets))], 1 + (unsigned)demo_below(&d->r, 300));
    date_add_days(ctx->today, 365 + (int64_t)demo_below(&d->r, 3 * 365), valid);
    date_add_days(ctx->today, -(400 + 37 * (int64_t)ki + 11 * (int64_t)(round % 30)), reg);
    int64_t registered = demo_unix(reg, 10 * 60), id = 0;
    training_institution_in in = {.district_id = ctx->district_id,
                                  .name = name,
                                  .license_no = license,
                                  .address = address,
                                  .subject_based = k->subject,
                                  .online = k->online,
                                  .non_profit = k->subject,
                                  .license_valid_until = valid,
                                  .uscc = uscc,
                                  .contact = "联系人:办公室 0571-86000000",
                                  .at = registered};
    verdict v = training_institution_register_in_tx(d->c, &in, &id);
    if (!verdict_is_ok(&v))
        return DB_ERROR;
    d->institutions++;
    /* annual inspections (TR-7): last year's and the latest, within twelve months */
    char last[11], before[11];
    date_add_days(ctx->today, -(30 + 23 * (int64_t)ki + (int64_t)demo_below(&d->r, 20)), last);
    date_add_months(last, -12, before);
    for (int i = 0; verdict_is_ok(&v) && i < 2; i++) {
        const char *date = i ? last : before;
        training_inspection_in x = {.institution_id = id,
                                    .year = strtol(date, NULL, 10),
                                    .inspector_id = ctx->inspector_id,
                                    .date = date,
                                    .result = i ? k->inspection : "pass",
                                    .note = i ? k->inspection_note : NULL,
                                    .at = demo_unix(date, 16 * 60)};
        int64_t xid = 0;
        v = training_inspection_add_in_tx(d->c, &x, &xid);
        d->inspections += verdict_is_ok(&v);
    }
    int rc = verdict_is_ok(&v) ? DB_DONE : DB_ERROR;
    /* its admin account: org1 for the first */
    char username[64], aname[200];
    if (round == 0 && ki == 0)
        snprintf(username, sizeof username, "org1");
    else
        snprintf(username, sizeof username, "i%lld_admin", (long long)id);
    snprintf(aname, sizeof aname, "%s管理员", name);
    role ro = {.kind = ROLE_INSTITUTION_ADMIN, .institution_id = id};
    int64_t admin = 0;
    if (rc == DB_DONE) {
        core_user_in in = {.district_id = ctx->district_id,
                           .username = username,
                           .password_hash = ctx->password_hash,
                           .name = aname,
                           .roles = &ro,
                           .nroles = 1};
        verdict v = core_user_create(d->c, d->a, NULL, &in, &admin, NULL);
        rc = verdict_is_ok(&v) ? DB_DONE : DB_ERROR;
    }
    for (size_t i = 0; rc == DB_DONE && i < 2 && k->courses[i].name; i++)
        rc = course_add(d, id, admin, k, &k->courses[i], registered + 30 * 86400);
    for (unsigned i = 0; rc == DB_DONE && i < 2; i++)
        rc = staff_add(d, id, k, &k->courses[k->courses[1].name ? i : 0], seq * 2 + i,
                       registered + 20 * 86400);
    /* the lists last: a black-listed institution takes no new course (TR-7) */
    if (rc == DB_DONE && strcmp(k->list, "none") != 0) {
        v = training_institution_list_set_in_tx(d->c, id, k->list, k->list_reason,
                                                registered + 200 * 86400);
        rc = verdict_is_ok(&v) ? DB_DONE : DB_ERROR;
    }
    if (rc == DB_DONE && k->vendor && round == 0) {
        ctx->vendor_institution_id = id;
        snprintf(ctx->vendor_name, sizeof ctx->vendor_name, "%s", name);
        snprintf(ctx->vendor_uscc, sizeof ctx->vendor_uscc, "%s", uscc);
    }
    return rc;
}

int training_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, training_demo_course **courses,
                       size_t *ncourses, char *summary, size_t len)
{
    tr_demo d = {.c = c, .a = a, .ctx = ctx, .r = demo_stream(ctx, 0x7EA1u)};
    size_t rounds = ctx->nschools > 10 ? (ctx->nschools + 9) / 10 : 1;
    /* the district's staff black list (TR-6): a serving teacher caught tutoring for pay */
    char cert[18];
    cert_make(2u, 424242u, cert);
    training_blacklist_in bl = {.district_id = ctx->district_id,
                                .actor = ctx->inspector_id,
                                .name = "郑某",
                                .reason = "在职中小学教师违规有偿补课,经查属实",
                                .cert_no = cert,
                                .at = demo_unix(ctx->today, 10 * 60) - 90 * 86400};
    int64_t bl_id = 0;
    verdict v = training_blacklist_add_in_tx(c, &bl, &bl_id);
    int rc = verdict_is_ok(&v) ? DB_DONE : DB_ERROR;
    for (size_t r = 0; rc == DB_DONE && r < rounds; r++)
        for (size_t k = 0; rc == DB_DONE && k < NKINDS; k++)
            rc = institution_add(&d, r, k);
    if (rc != DB_DONE) {
        free(d.courses);
        return rc;
    }
    snprintf(summary, len, "training: %ld institutions, %zu courses, %ld staff, %ld inspections",
             d.institutions, d.ncourses, d.staff, d.inspections);
    *courses = d.courses;
    *ncourses = d.ncourses;
    return DB_DONE;
}
