/*
 * demo.c: the after-school service of the demo district (`shuangjian demo`), for the term that
 * holds today (term_of_date), so the pages of JOURNEYS.md 2.3-2.4, 4.4 and 5.3 show a term
 * under way.
 *
 * API: afterschool_demo_fill (demo.h), called by src/app/demo.c inside its transaction.
 *
 * What each school gets:
 *   - basic care (课后托管) every weekday, two hours ending at the AS-2 off-work time (the
 *     latest over the term's sessions, so no session ends early), at the AS-6 care fee; its
 *     A post takes the roll (teacher1 at school1), and one teacher of each grade is on duty
 *     with the classes each day, in turn;
 *   - one or two courses run by the school (体育, 艺术, 科技 ...), the first one full with a
 *     wait list, and one course run by the district's vetted provider (AS-4);
 *   - enrolments made by the guardians before the term began: a little over half the pupils
 *     in care, a few dozen in each course; parent1's child in care and in the first course;
 *   - a few hardship waivers (AS-5);
 *   - the rolls of the last few school days before today, every seated pupil marked, and the
 *     duty they credit to the teachers' time bank (teacher1's as the A post of care);
 *   - the term's bills, computed and stored by the bills run (as_bills_store).
 * The demo writes with the module's own store functions, in the caller's transaction (their
 * *_tx steps): the provider (as_vendor_add_tx), every program (as_program_create_tx, so it
 * passes AS-2, AS-4 and AS-6, and AS-1 is checked for the school's offer: a demo that broke a
 * rule would teach the wrong thing), the waivers (as_waiver_set_tx), every roll
 * (as_roll_take_tx, as if taken on its day), every duty (as_duty_record_tx, so AS-9 holds) and
 * the bills (as_bills_store). Only the families' enrolments take a bulk path: the seats are
 * planned here, in memory, and each row goes through the same INSERT as the enrol route
 * (as_enrolment_insert) without afterschool_enrol's per-pupil look-ups (already enrolled, a
 * clash, the count of seats: four statements more a row for 618,000 rows at city scale, which
 * would double the after-school part of the demo there, and be worse on PostgreSQL, where each
 * is a round trip). By construction no pupil applies twice to a program and no course clashes
 * with another (each pupil is drawn for one course at most; care and a course may overlap).
 *
 * Numbers come from the module's own seeded stream (demo_stream), so two runs on the same day
 * write the same data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afterschool/demo.h"
#include "afterschool_int.h"
#include "core/demo.h"

#define ROLL_DAYS       5  /* the rolls of this many school days before today */
#define CARE_SHARE      58 /* % of pupils whose families ask for care */
#define WAIVER_ONE_IN   60 /* one care pupil in this many is exempt (AS-5) */
#define PRESENT_PERCENT 95
#define VENDOR_FEE      300 /* fen per pupil-hour: the provider's fee standard (AS-4) */

typedef struct {
    const char *name, *category, *place;
    unsigned weekdays;
    int capacity;
} course_tpl;

#define WD(d) (1u << (d))

static const course_tpl school_courses[] = {
    {"篮球", "体育", "篮球场", WD(2) | WD(4), 30},   {"书法", "艺术", "书法教室", WD(3), 24},
    {"合唱", "艺术", "音乐教室", WD(1) | WD(3), 40}, {"科学实验", "科技", "科学实验室", WD(4), 30},
    {"围棋", "益智", "图书室", WD(5), 24},           {"创意美术", "艺术", "美术教室", WD(2), 30},
    {"田径", "体育", "操场", WD(1) | WD(5), 36},
};
static const course_tpl vendor_course = {"足球训练营", "体育", "足球场", WD(3) | WD(5), 30};

#define MAX_PROGS 4

typedef struct {
    int64_t id, capacity, staff_a, staff_b, fee;
    const char *kind_name, *name, *category, *place, *provider;
    as_program p;
    int64_t *seated; /* student ids holding a seat, in enrolment order */
    size_t nseated, nwait;
} demo_prog;

typedef struct {
    db_conn *c;
    const app *a;
    demo_ctx *ctx;
    uint64_t r;       /* programs, enrolments, waivers */
    uint64_t r_marks; /* the rolls: a stream of their own, so the seats do not depend
                       * on how many school days lie before today */
    char term[16], first[AS_DATE_LEN], last[AS_DATE_LEN];
    as_day *days;
    size_t ndays;
    char roll_days[ROLL_DAYS][AS_DATE_LEN];
    size_t nroll_days;
    int64_t vendor_id;
    char vendor_from[AS_DATE_LEN], vendor_to[AS_DATE_LEN];
    int end_min;       /* every program ends here: the latest off-work time of the term */
    int64_t signup_at; /* when families applied */
    size_t *order;     /* scratch: a school's pupils shuffled */
    int64_t *present;  /* scratch: the pupils present at one roll */
    long programs, seats, waitlisted, rolls, marks, duties, waivers;
} as_demo;

/* The latest off-work time over the term's school days (AS-2): a program ending then ends on
 * time on every one of its days. */
static int term_end_min(const as_demo *d)
{
    int end = 0;
    for (size_t i = 0; i < d->ndays; i++) {
        int off = afterschool_off_work(d->a->base_pol, d->days[i].date, NULL);
        if (off > end)
            end = off;
    }
    return end ? end : 18 * 60;
}

static void hhmm(int minutes, char out[6])
{
    unsigned m = (unsigned)minutes % 1440u;
    snprintf(out, 6, "%02u:%02u", m / 60, m % 60);
}

/* A refusal of the module's own rules: the demo would teach the wrong thing. */
static int refused(const char *what, const verdict *v)
{
    char msg[512];
    fprintf(stderr, "shuangjian: demo: %s: %s\n", what, verdict_message(v, 1, msg, sizeof msg));
    return verdict_is_ok(v) ? DB_DONE : DB_ERROR;
}

static int vendor_add(as_demo *d)
{
    demo_ctx *ctx = d->ctx;
    if (!ctx->vendor_institution_id || !ctx->vendor_uscc[0])
        return DB_DONE; /* no provider to vet: the schools run their own courses only */
    char *from = d->vendor_from, *to = d->vendor_to;
    date_add_days(d->first, -20, from);
    date_add_days(from, 365 + 180, to);
    as_vendor_in in = {.district_id = ctx->district_id,
                       .institution_id = ctx->vendor_institution_id,
                       .fee_per_hour_fen = VENDOR_FEE,
                       .actor = ctx->admin_id,
                       .at = demo_unix(from, 10 * 60),
                       .name = ctx->vendor_name,
                       .credit_code = ctx->vendor_uscc,
                       .service_items = "[\"足球\",\"篮球\",\"田径\"]",
                       .vetted_from = from,
                       .vetted_to = to};
    verdict v = as_vendor_add_tx(d->c, &in, &d->vendor_id);
    return verdict_is_ok(&v) ? DB_DONE : refused(ctx->vendor_name, &v);
}

/* The school's admin sets the program up a week before families apply; the store checks it
 * against AS-4, AS-6 and AS-2 on the term's school days, as the create route does. */
static int program_add(as_demo *d, const demo_school *sc, demo_prog *g)
{
    char start[6], end[6];
    hhmm(g->p.start_min, start);
    hhmm(g->p.end_min, end);
    bool third = strcmp(g->provider, "third_party") == 0;
    as_program_in in = {.district_id = d->ctx->district_id,
                        .school_id = sc->id,
                        .vendor_id = third ? d->vendor_id : 0,
                        .institution_id = third ? d->ctx->vendor_institution_id : 0,
                        .capacity = g->capacity,
                        .fee_per_hour_fen = g->fee,
                        .staff_a = g->staff_a,
                        .staff_b = g->staff_b,
                        .actor = sc->admin_id,
                        .at = d->signup_at - 7 * 86400,
                        .kind = g->p.kind,
                        .third_party = third,
                        .weekdays = g->p.weekdays,
                        .term = d->term,
                        .name = g->name,
                        .category = g->category,
                        .place = g->place,
                        .start = start,
                        .end = end,
                        .first_day = d->first,
                        .last_day = d->last,
                        .days = d->days,
                        .ndays = d->ndays};
    as_program_made made;
    verdict v = as_program_create_tx(d->c, d->a->base_pol, &in, &made);
    if (!verdict_is_ok(&v))
        return refused(g->name, &v);
    g->id = g->p.id = made.id;
    d->programs++;
    return DB_DONE;
}

/* The guardian applies: a seat while the program has one, else a place on its wait list (the
 * wait list is the waitlisted rows in id order, as the enrol route keeps it). The bulk path
 * (see the top of this file): the enrol route's INSERT without its per-pupil look-ups. */
static int enrol(as_demo *d, const demo_school *sc, demo_prog *g, const demo_pupil *pu)
{
    bool seat = (int64_t)g->nseated < g->capacity;
    as_enrolment_row e = {.district_id = d->ctx->district_id,
                          .school_id = sc->id,
                          .program_id = g->id,
                          .student_id = pu->id,
                          .actor = pu->guardian_id,
                          .at = d->signup_at + (d->seats + d->waitlisted) % 86400,
                          .seat = seat,
                          .seat_from = g->p.first_day,
                          .source = "guardian"};
    int rc = as_enrolment_insert(d->c, &e, NULL);
    if (rc != DB_DONE)
        return rc;
    if (seat) {
        g->seated[g->nseated++] = pu->id;
        d->seats++;
    } else {
        g->nwait++;
        d->waitlisted++;
    }
    return DB_DONE;
}

/* AS-5: the school marks a family in hardship; the bill waives the fee. */
static int waiver_add(as_demo *d, const demo_school *sc, const demo_pupil *pu)
{
    as_waiver_in in = {.district_id = d->ctx->district_id,
                       .school_id = sc->id,
                       .student_id = pu->id,
                       .actor = sc->admin_id,
                       .at = d->signup_at + 3 * 86400,
                       .reason = "家庭经济困难(低保家庭),免收课后服务费"};
    verdict v = as_waiver_set_tx(d->c, &in);
    if (!verdict_is_ok(&v))
        return refused("waiver", &v);
    d->waivers++;
    return DB_DONE;
}

/* One teacher's duty on a session: credits the time bank, as POST /staff/duties does (and is
 * held to AS-9, one duty at a time). */
static int duty_add(as_demo *d, const demo_prog *g, const char *date, int64_t user, int64_t by,
                    int64_t at)
{
    as_duty_in in = {.user_id = user,
                     .program_id = g->id,
                     .minutes = g->p.end_min - g->p.start_min,
                     .actor = by,
                     .at = at,
                     .date = date,
                     .today = d->ctx->today};
    as_duty_out out;
    verdict v = as_duty_record_tx(d->c, &in, &out);
    if (!verdict_is_ok(&v))
        return refused("duty", &v);
    d->duties++;
    return DB_DONE;
}

/* The roll of one session, as the A post took it that day: every seated pupil marked; the
 * A post's duty is credited. */
static int roll_add(as_demo *d, const demo_prog *g, const char *date)
{
    int64_t taken_at = demo_unix(date, g->p.end_min - 5);
    int64_t child = d->ctx->pupils[d->ctx->parent1_pupil].id;
    size_t npresent = 0;
    for (size_t i = 0; i < g->nseated; i++)
        if (g->seated[i] == child || demo_below(&d->r_marks, 100) < PRESENT_PERCENT)
            d->present[npresent++] = g->seated[i];
    as_roll_in in = {.program_id = g->id,
                     .actor = g->staff_a,
                     .at = taken_at,
                     .date = date,
                     .today = date,
                     .present = d->present,
                     .npresent = npresent};
    int64_t roll = 0, *strangers = malloc(sizeof *strangers * (npresent + 1));
    size_t nstrangers = 0;
    if (!strangers)
        abort();
    verdict v = as_roll_take_tx(d->c, &in, &roll, strangers, &nstrangers);
    free(strangers);
    if (!verdict_is_ok(&v))
        return refused("roll", &v);
    d->rolls++;
    d->marks += (long)g->nseated;
    return duty_add(d, g, date, g->staff_a, g->staff_a, taken_at);
}

static void prog_init(as_demo *d, demo_prog *g, as_kind kind, const course_tpl *t, int minutes)
{
    memset(g, 0, sizeof *g);
    g->kind_name = kind == AS_CARE ? "care" : "course";
    g->name = t->name;
    g->category = t->category;
    g->place = t->place;
    g->provider = "school";
    g->capacity = t->capacity;
    g->p.kind = kind;
    g->p.weekdays = t->weekdays;
    g->p.end_min = d->end_min;
    g->p.start_min = d->end_min - minutes;
    snprintf(g->p.first_day, AS_DATE_LEN, "%s", d->first);
    snprintf(g->p.last_day, AS_DATE_LEN, "%s", d->last);
}

/* The school's next teacher that holds no post yet (from *from on); 0 when none is left. */
static int64_t free_teacher(const demo_school *sc, const demo_teacher *t, const int64_t *busy,
                            size_t nbusy, size_t *from)
{
    for (; *from < sc->nteachers; (*from)++) {
        bool taken = false;
        for (size_t i = 0; i < nbusy && !taken; i++)
            taken = busy[i] == t[*from].id;
        if (!taken)
            return t[(*from)++].id;
    }
    return 0;
}

/* Is the teacher the A post of one of the programs running on `date`? That post's duty is
 * credited with the roll, and a teacher is on one duty at a time (AS-9). */
static bool on_post(const demo_prog *progs, size_t np, const char *date, int64_t id)
{
    unsigned wd = 1u << date_weekday(date);
    for (size_t k = 0; k < np; k++)
        if (progs[k].staff_a == id && (progs[k].p.weekdays & wd))
            return true;
    return false;
}

/* Care is looked after class by class: besides the A post, one teacher of each grade is on
 * duty each day, in turn, and each is credited (recorded by the school's admin). A teacher
 * holding the A post of a program running that day is with that program instead. */
static int care_duties(as_demo *d, const demo_school *sc, const demo_prog *progs, size_t np,
                       const char *date, size_t day_no)
{
    const demo_teacher *t = &d->ctx->teachers[sc->teacher0];
    const demo_prog *care = &progs[0];
    int rc = DB_DONE;
    for (size_t i = 0; rc == DB_DONE && i < sc->nteachers;) {
        size_t j = i, n = 0;
        while (j < sc->nteachers && t[j].grade == t[i].grade)
            j++;
        n = j - i;
        for (size_t k = 0; k < n; k++) {
            int64_t id = t[i + (day_no + k) % n].id;
            if (on_post(progs, np, date, id))
                continue;
            rc = duty_add(d, care, date, id, sc->admin_id, demo_unix(date, care->p.end_min + 10));
            break;
        }
        i = j;
    }
    return rc;
}

/* The school's offer: care, one or two courses of its own and one by the vetted provider,
 * each written through the store's checks; then AS-1 for the whole offer. OUT: progs[0..*np),
 * care first. */
static int school_offer(as_demo *d, size_t si, demo_prog *progs, size_t *np)
{
    demo_ctx *ctx = d->ctx;
    const demo_school *sc = &ctx->schools[si];
    const demo_teacher *t = &ctx->teachers[sc->teacher0];
    const policy *pol = d->a->base_pol;
    int64_t busy[4];
    size_t nbusy = 0, from = 0;
    *np = 0;

    /* basic care: every weekday, two hours to the off-work time; the A post is teacher1 at
     * school1 (fourth-grade maths), elsewhere the school's first teacher */
    static const course_tpl care_tpl = {"课后托管", "托管", "各班教室", AS_WEEKDAYS_ALL, 0};
    demo_prog *care = &progs[(*np)++];
    prog_init(d, care, AS_CARE, &care_tpl, 120);
    care->capacity = (int64_t)(sc->npupils * 65 / 100 + 5);
    care->fee = afterschool_fee_cap(pol, AS_CARE, sc->rural);
    if (sc->id == ctx->school1_id && ctx->teacher1_id)
        care->staff_a = ctx->teacher1_id;
    else
        care->staff_a = free_teacher(sc, t, busy, nbusy, &from);
    busy[nbusy++] = care->staff_a;
    care->staff_b = free_teacher(sc, t, busy, nbusy, &from);
    busy[nbusy++] = care->staff_b;
    /* personalised courses: one or two of the school's own, one by the vetted provider */
    size_t own = sc->rural ? 1 : 2;
    for (size_t k = 0; k < own; k++) {
        const course_tpl *tpl =
            &school_courses[(si * 2 + k) % (sizeof school_courses / sizeof school_courses[0])];
        demo_prog *g = &progs[(*np)++];
        prog_init(d, g, AS_COURSE, tpl, 90);
        g->fee = sc->rural ? 250 : 300;
        g->staff_a = free_teacher(sc, t, busy, nbusy, &from);
        g->staff_b = free_teacher(sc, t, busy, nbusy, &from);
    }
    if (d->vendor_id) {
        demo_prog *g = &progs[(*np)++];
        prog_init(d, g, AS_COURSE, &vendor_course, 90);
        g->provider = "third_party";
        g->fee = VENDOR_FEE;
        /* the school's teacher who looks after the outside coach */
        g->staff_a = free_teacher(sc, t, busy, nbusy, &from);
    }
    int rc = DB_DONE;
    as_program offer[MAX_PROGS];
    for (size_t k = 0; rc == DB_DONE && k < *np; k++) {
        progs[k].p.fee_per_hour_fen = progs[k].fee;
        progs[k].seated = malloc(sizeof(int64_t) * (size_t)(progs[k].capacity + 1));
        if (!progs[k].seated)
            abort();
        rc = program_add(d, sc, &progs[k]);
    }
    /* AS-1: the school's offer covers every weekday for the minutes required */
    for (size_t k = 0; k < *np; k++)
        offer[k] = progs[k].p;
    as_coverage cov;
    afterschool_coverage(pol, offer, *np, &cov);
    if (rc == DB_DONE && !cov.ok) {
        fprintf(stderr, "shuangjian: demo: the after-school offer misses AS-1\n");
        rc = DB_ERROR;
    }
    return rc;
}

/* The families apply before the term: a little over half for care (parent1's child always),
 * then the courses in a random order of families, the first course with more applicants than
 * seats. A few families in care are in hardship (AS-5). */
static int school_families(as_demo *d, const demo_school *sc, demo_prog *progs, size_t np)
{
    demo_ctx *ctx = d->ctx;
    const demo_pupil *pupils = &ctx->pupils[sc->pupil0];
    size_t n = sc->npupils;
    int rc = DB_DONE;
    for (size_t i = 0; rc == DB_DONE && i < n; i++) {
        bool child = sc->pupil0 + i == ctx->parent1_pupil;
        if (!child && demo_below(&d->r, 100) >= CARE_SHARE)
            continue;
        rc = enrol(d, sc, &progs[0], &pupils[i]);
        if (rc == DB_DONE && !child && demo_below(&d->r, WAIVER_ONE_IN) == 0)
            rc = waiver_add(d, sc, &pupils[i]);
    }
    size_t *order = d->order;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    size_t fixed = 0;
    if (ctx->parent1_pupil >= sc->pupil0 && ctx->parent1_pupil < sc->pupil0 + n) {
        size_t ci = ctx->parent1_pupil - sc->pupil0;
        order[ci] = 0;
        order[0] = ci;
        fixed = 1;
    }
    size_t next = 0;
    for (size_t k = 1; rc == DB_DONE && k < np; k++) {
        demo_prog *g = &progs[k];
        size_t want = k == 1 ? (size_t)g->capacity + 3 + demo_below(&d->r, 6)
                             : (size_t)g->capacity * (50 + demo_below(&d->r, 40)) / 100;
        for (size_t j = 0; rc == DB_DONE && j < want && next < n; j++, next++) {
            if (next >= fixed) { /* Fisher-Yates, one draw at a time */
                size_t pick = next + demo_below(&d->r, n - next);
                size_t tmp = order[next];
                order[next] = order[pick];
                order[pick] = tmp;
            }
            rc = enrol(d, sc, g, &pupils[order[next]]);
        }
    }
    return rc;
}

static int school_fill(as_demo *d, size_t si)
{
    const demo_school *sc = &d->ctx->schools[si];
    if (sc->npupils == 0 || sc->nteachers < 2)
        return DB_DONE;
    demo_prog progs[MAX_PROGS];
    size_t np = 0;
    int rc = school_offer(d, si, progs, &np);
    if (rc == DB_DONE)
        rc = school_families(d, sc, progs, np);
    /* the rolls of the last school days, and the duty they credit */
    for (size_t r = 0; rc == DB_DONE && r < d->nroll_days; r++) {
        const char *date = d->roll_days[r];
        for (size_t k = 0; rc == DB_DONE && k < np; k++)
            if (progs[k].p.weekdays & (1u << date_weekday(date)) && progs[k].staff_a)
                rc = roll_add(d, &progs[k], date);
        if (rc == DB_DONE)
            rc = care_duties(d, sc, progs, np, date, r);
    }
    for (size_t k = 0; k < np; k++)
        free(progs[k].seated);
    return rc;
}

int afterschool_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, char *summary, size_t len)
{
    as_demo d = {.c = c,
                 .a = a,
                 .ctx = ctx,
                 .r = demo_stream(ctx, 0xAF7E5C00u),
                 .r_marks = demo_stream(ctx, 0xAF7E5C01u)};
    term_of_date(ctx->today, d.term);
    int rc = calendar_term_bounds(c, ctx->district_id, d.term, d.first, d.last);
    d.days = malloc(sizeof *d.days * AS_MAX_DAYS);
    size_t maxn = 1;
    for (size_t i = 0; i < ctx->nschools; i++)
        maxn = ctx->schools[i].npupils > maxn ? ctx->schools[i].npupils : maxn;
    d.order = malloc(sizeof *d.order * maxn);
    d.present = malloc(sizeof *d.present * (maxn + 1));
    if (!d.days || !d.order || !d.present)
        abort();
    if (rc == DB_ROW)
        rc = as_school_days(c, ctx->district_id, d.first, d.last, d.days, AS_MAX_DAYS, &d.ndays);
    if (rc != DB_OK)
        goto out;
    rc = DB_DONE;
    if (d.ndays == 0) {
        snprintf(summary, len, "after-school %s: the term has no school day", d.term);
        goto out;
    }
    /* the last ROLL_DAYS school days before today, oldest first */
    size_t past = 0;
    while (past < d.ndays && strcmp(d.days[past].date, ctx->today) < 0)
        past++;
    d.nroll_days = past < ROLL_DAYS ? past : ROLL_DAYS;
    for (size_t i = 0; i < d.nroll_days; i++)
        memcpy(d.roll_days[i], d.days[past - d.nroll_days + i].date, AS_DATE_LEN);
    d.end_min = term_end_min(&d);
    /* families applied in the week before the term (or a moment ago, for a term to come) */
    char signup[AS_DATE_LEN];
    date_add_days(d.first, -5, signup);
    d.signup_at = demo_unix(signup, 20 * 60);
    if (d.signup_at > demo_unix(ctx->today, 0) - 86400)
        d.signup_at = demo_unix(ctx->today, 0) - 86400;

    rc = vendor_add(&d);
    for (size_t i = 0; rc == DB_DONE && i < ctx->nschools; i++)
        rc = school_fill(&d, i);
    as_bills_totals bills = {0};
    if (rc == DB_DONE)
        rc = as_bills_store(c, a->base_pol, a->policies, ctx->district_id, d.term, 0, &bills);
    if (rc == DB_DONE) {
        char total[32];
        afterschool_fen_text(bills.total_fen, total);
        snprintf(summary, len,
                 "after-school %s: %ld programs, %ld seats, %ld on wait lists, %ld waivers,"
                 " %ld rolls (%ld marks), %ld duties, %lld bills (%s yuan)",
                 d.term, d.programs, d.seats, d.waitlisted, d.waivers, d.rolls, d.marks, d.duties,
                 (long long)bills.students, total);
    }
out:
    free(d.days);
    free(d.order);
    free(d.present);
    return rc == DB_OK ? DB_ERROR : rc;
}
