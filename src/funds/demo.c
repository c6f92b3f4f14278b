/*
 * demo.c: the demo district's prepaid contracts and escrow ledger (`shuangjian demo`), for the
 * pages of JOURNEYS.md 5.4, 6 and 7: families who signed with the institutions of
 * training_demo_fill, paid, and took lessons week after week.
 *
 * API: funds_demo_fill (funds/demo.h), called by src/app/demo.c inside its transaction, after
 * training_demo_fill.
 *
 * What it writes, every row through the store's own writes (their _in_tx twins: funds.h), so
 * each contract, movement, refund and suspension passes the rules the routes apply:
 *   - contracts for about 4 in 100 pupils (funds_contract_sign_in_tx: FU-2, FU-3, the
 *     institution open), signed by the pupil's guardian at a price fixed at signing;
 *   - parent1's one contract: 20 lessons of the first course of org1's institution, paid in
 *     full, the lessons of the last four weeks or so delivered, the rest in escrow;
 *   - payments (in full, or in two halves a month apart) and lessons on the course's days
 *     (subject-based ones only on school days, TR-2), each lesson releasing its price
 *     (funds_payment_in_tx, funds_lesson_in_tx with the day kinds cached here);
 *   - at the risky institution: families keep signing and paying while the lessons stopped
 *     18 days ago, so FU-4 (escrow large against the last month's releases) and FU-5 (no
 *     lesson for more than 14 days) warn;
 *   - one family's refund (funds_contract_refund_in_tx), and the suspension of the
 *     institutions marked for it (funds_institution_state_set_in_tx: every open contract
 *     refunded, as the route does).
 * Every movement goes through funds_ledger_post, in time order across the district, so the
 * hash chain, the head and `shuangjian verify` are exactly what the routes would have left.
 * The contract locks the routes take around a movement are not taken here: the demo writes a
 * new database in one transaction that nobody else sees (and tens of thousands of advisory
 * locks held to the end would fill PostgreSQL's lock table); funds_ledger_post still takes
 * the ledger's, and a suspension its institution's and contracts' (a few dozen).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funds/demo.h"
#include "funds.h"

#define CONTRACTS_PERMILLE 40  /* contracts per thousand pupils */
#define HISTORY_DAYS       200 /* the day kinds cached: today and the days before */
#define RISKY_STOP_DAYS    18  /* the risky institution's last lesson, days ago */

typedef struct {
    funds_contract k; /* the contract as signed, its figures kept by the store's writes */
    const training_demo_course *co;
    int64_t signed_at;
} dcontract;

typedef struct {
    int64_t at;
    uint32_t contract; /* index into contracts */
    uint32_t seq;      /* the order it was made in: keeps a contract's events in order */
    int kind;          /* FUNDS_PAYMENT or FUNDS_RELEASE */
    int64_t amount;
    int64_t day; /* a lesson's date (days since 1970) */
} event;

typedef struct {
    db_conn *c;
    const app *a;
    demo_ctx *ctx;
    uint64_t r;
    int64_t today;                       /* days since 1970 */
    signed char kinds[HISTORY_DAYS + 1]; /* day kind of today - i, DAY_* */
    dcontract *contracts;
    size_t ncontracts, ccap;
    event *events;
    size_t nevents, ecap;
    uint64_t *taken; /* (pupil, institution) pairs with a contract: a hash set */
    size_t taken_cap;
    long movements, lessons, completed, refunds, suspended;
    int64_t refund_fen;
} fd_demo;

static int kind_of(const fd_demo *d, int64_t day)
{
    int64_t back = d->today - day;
    return back >= 0 && back <= HISTORY_DAYS ? d->kinds[back] : DAY_SCHOOL;
}

/* ---------- who already has a contract with an institution ---------- */

static bool taken_add(fd_demo *d, size_t pupil, int64_t institution)
{
    uint64_t key = ((uint64_t)pupil << 24 ^ (uint64_t)institution) + 1;
    size_t j = (size_t)(key * 0x9E3779B97F4A7C15ull) & (d->taken_cap - 1);
    while (d->taken[j]) {
        if (d->taken[j] == key)
            return false;
        j = (j + 1) & (d->taken_cap - 1);
    }
    d->taken[j] = key;
    return true;
}

static event *event_push(fd_demo *d)
{
    if (d->nevents == d->ecap) {
        d->ecap = d->ecap ? d->ecap * 2 : 4096;
        d->events = realloc(d->events, d->ecap * sizeof *d->events);
        if (!d->events)
            abort();
    }
    event *e = &d->events[d->nevents];
    memset(e, 0, sizeof *e);
    e->seq = (uint32_t)d->nevents++;
    return e;
}

static int event_cmp(const void *x, const void *y)
{
    const event *a = x, *b = y;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ---------- one contract ---------- */

typedef struct {
    size_t pupil;
    int64_t lessons;
    int64_t start;     /* days since 1970 */
    bool installments; /* two halves a month apart, else in full at signing */
    int64_t stop;      /* no lesson on or after this day */
    int skip_percent;  /* lessons missed (the pupil away) */
} plan;

/* Signs the contract and lays out its payments and lessons as events. */
static int contract_add(fd_demo *d, const training_demo_course *co, const plan *p)
{
    const policy *pol = d->a->base_pol;
    const demo_pupil *pu = &d->ctx->pupils[p->pupil];
    int64_t lessons = p->lessons;
    while (lessons > 4) { /* FU-3: a non-subject contract stays under the cap per charge */
        int64_t amount = lessons * co->price_per_lesson_fen;
        verdict fu3 = funds_charge_check(pol, co->subject_based, amount);
        if (verdict_is_ok(&fu3))
            break;
        lessons -= 4;
    }
    char start[11], end[11], sign[11];
    days_date(p->start, start);
    date_add_months(start, 3, end);
    date_add_days(end, -1, end);
    days_date(p->start - 2, sign);
    int64_t signed_at = demo_unix(sign, 19 * 60 + (int)demo_below(&d->r, 150));
    funds_contract_in in = {.district_id = d->ctx->district_id,
                            .course_id = co->id,
                            .student_id = pu->id,
                            .guardian_id = pu->guardian_id,
                            .lessons = lessons,
                            .start_date = start,
                            .end_date = end,
                            .at = signed_at};
    int64_t id = 0;
    verdict v = funds_contract_sign_in_tx(d->c, pol, &in, &id);
    if (!verdict_is_ok(&v)) {
        fprintf(stderr, "shuangjian: demo: a contract refused (%s)\n", v.rule ? v.rule : "store");
        return DB_ERROR;
    }
    if (d->ncontracts == d->ccap) {
        d->ccap = d->ccap ? d->ccap * 2 : 1024;
        d->contracts = realloc(d->contracts, d->ccap * sizeof *d->contracts);
        if (!d->contracts)
            abort();
    }
    uint32_t ci = (uint32_t)d->ncontracts++;
    dcontract *x = &d->contracts[ci];
    memset(x, 0, sizeof *x);
    x->co = co;
    x->signed_at = signed_at;
    funds_contract *k = &x->k;
    int rc = funds_contract_load(d->c, id, k);
    if (rc != DB_ROW)
        return rc == DB_DONE ? DB_ERROR : rc;

    /* payments: in full at signing, or half now and the rest a month later (if that came
     * before today: the demo depends on the day it is made, not on the hour) */
    int64_t now = demo_unix(d->ctx->today, 0);
    int64_t first = p->installments ? (lessons / 2) * co->price_per_lesson_fen : k->amount_fen;
    int64_t second_at = signed_at + 28 * 86400 + 3600;
    event *e = event_push(d);
    *e = (event){signed_at + 60, ci, e->seq, FUNDS_PAYMENT, first, 0};
    int64_t paid_first = first, paid_second = 0;
    if (first < k->amount_fen && second_at < now) {
        e = event_push(d);
        *e = (event){second_at, ci, e->seq, FUNDS_PAYMENT, k->amount_fen - first, 0};
        paid_second = k->amount_fen - first;
    }
    /* lessons on the course's days, each paid for out of what is in escrow by then */
    int64_t end_day = date_days(end), delivered = 0;
    for (int64_t day = p->start; day < p->stop && day <= end_day && delivered < lessons; day++) {
        char date[11];
        days_date(day, date);
        int slot = co->slot_start[date_weekday(date)];
        if (slot < 0 || (co->subject_based && kind_of(d, day) != DAY_SCHOOL))
            continue; /* TR-2: a subject lesson only on a school day */
        if (p->skip_percent && (int)demo_below(&d->r, 100) < p->skip_percent)
            continue;
        int64_t at = demo_unix(date, slot + co->lesson_minutes + 5);
        int64_t paid = paid_first + (at >= second_at ? paid_second : 0);
        if (paid - (delivered + 1) * co->price_per_lesson_fen < 0)
            continue; /* waits for the second half */
        e = event_push(d);
        *e = (event){at, ci, e->seq, FUNDS_RELEASE, co->price_per_lesson_fen, day};
        delivered++;
    }
    return DB_DONE;
}

/* A pupil of the course's grades without a contract at its institution (not parent1's child,
 * whose one contract is made on purpose); false when none is found in a few draws. */
static bool pupil_pick(fd_demo *d, const training_demo_course *co, size_t *out)
{
    const demo_ctx *ctx = d->ctx;
    for (int tries = 0; tries < 60; tries++) {
        size_t i = (size_t)demo_below(&d->r, ctx->npupils);
        const demo_pupil *pu = &ctx->pupils[i];
        if (i == ctx->parent1_pupil || pu->grade < co->grade_lo || pu->grade > co->grade_hi)
            continue;
        if (taken_add(d, i, co->institution_id)) {
            *out = i;
            return true;
        }
    }
    return false;
}

/* parent1's contract starts early enough for about seven lessons to lie behind today, four
 * weeks ago or, in a vacation, before it. */
static int64_t parent1_start(const fd_demo *d, const training_demo_course *co)
{
    int found = 0;
    int64_t day = d->today - 1;
    for (; day > d->today - HISTORY_DAYS + 100 && found < 7; day--) {
        char date[11];
        days_date(day, date);
        if (co->slot_start[date_weekday(date)] >= 0 &&
            (!co->subject_based || kind_of(d, day) == DAY_SCHOOL))
            found++;
    }
    return day < d->today - 28 ? day : d->today - 28;
}

static int contracts_make(fd_demo *d, const training_demo_course *courses, size_t n)
{
    demo_ctx *ctx = d->ctx;
    size_t active = 0;
    for (size_t i = 0; i < n; i++)
        active += courses[i].plan != TRAINING_DEMO_NONE;
    if (!active || !ctx->npupils)
        return DB_DONE;
    size_t per = ctx->npupils * CONTRACTS_PERMILLE / 1000 / active;
    if (per < 3)
        per = 3;
    int rc = DB_DONE;
    /* parent1: 20 lessons of the first course of org1's institution, paid in full */
    const training_demo_course *family = &courses[0];
    const demo_pupil *child = &ctx->pupils[ctx->parent1_pupil];
    if (ctx->parent1_id && child->grade >= family->grade_lo && child->grade <= family->grade_hi &&
        family->plan == TRAINING_DEMO_NORMAL) {
        taken_add(d, ctx->parent1_pupil, family->institution_id);
        plan p = {ctx->parent1_pupil, 20, parent1_start(d, family), false, d->today, 0};
        rc = contract_add(d, family, &p);
    }
    for (size_t i = 0; rc == DB_DONE && i < n; i++) {
        const training_demo_course *co = &courses[i];
        size_t want = co->plan == TRAINING_DEMO_NONE    ? 0
                      : co->plan == TRAINING_DEMO_FEW   ? (per + 1) / 2
                      : co->plan == TRAINING_DEMO_RISKY ? per * 3 / 2
                                                        : per;
        for (size_t j = 0; rc == DB_DONE && j < want; j++) {
            plan p = {0, 0, 0, false, d->today, 8};
            if (!pupil_pick(d, co, &p.pupil))
                break;
            if (co->plan == TRAINING_DEMO_RISKY) {
                /* large packages paid up front; the lessons stopped a while ago */
                static const int64_t sizes[] = {30, 40, 48};
                p.lessons = sizes[demo_below(&d->r, 3)];
                p.start = d->today - 5 - (int64_t)demo_below(&d->r, 50);
                p.stop = d->today - RISKY_STOP_DAYS;
            } else if (demo_below(&d->r, 100) < 15) {
                /* signed at the end of the last term: mostly delivered by now */
                p.lessons = 16;
                p.start = d->today - 80 - (int64_t)demo_below(&d->r, 30);
            } else {
                static const int64_t sizes[] = {16, 20, 24};
                p.lessons = sizes[demo_below(&d->r, 3)];
                p.start = d->today - 14 - (int64_t)demo_below(&d->r, 57);
                p.installments = demo_below(&d->r, 100) < 30;
            }
            rc = contract_add(d, co, &p);
        }
    }
    return rc;
}

/* ---------- the ledger, in time order ---------- */

static int events_post(fd_demo *d)
{
    qsort(d->events, d->nevents, sizeof *d->events, event_cmp);
    const policy *pol = d->a->base_pol;
    verdict v = verdict_ok();
    for (size_t i = 0; verdict_is_ok(&v) && i < d->nevents; i++) {
        const event *e = &d->events[i];
        dcontract *x = &d->contracts[e->contract];
        funds_moved m;
        if (e->kind == FUNDS_PAYMENT) {
            v = funds_payment_in_tx(d->c, &x->k, e->amount, x->k.guardian_id, e->at, &m);
        } else {
            char date[11];
            days_date(e->day, date);
            v = funds_lesson_in_tx(d->c, pol, &x->k, date, (day_kind)kind_of(d, e->day),
                                   x->co->admin_id, e->at, &m);
            d->lessons += verdict_is_ok(&v);
            /* the last lesson completed the contract, as the lesson route does */
            d->completed += verdict_is_ok(&v) && !x->k.open;
        }
        d->movements += verdict_is_ok(&v);
    }
    if (!verdict_is_ok(&v))
        fprintf(stderr, "shuangjian: demo: a movement refused (%s)\n",
                v.code  ? v.code
                : v.msg ? v.msg
                        : "store");
    return verdict_is_ok(&v) ? DB_DONE : DB_ERROR;
}

/* One family asks for its money back (FU-6): everything left in escrow is refunded. */
static int family_refund(fd_demo *d)
{
    for (size_t i = 0; i < d->ncontracts; i++) {
        dcontract *x = &d->contracts[i];
        if (x->co->plan != TRAINING_DEMO_NORMAL || !x->k.open ||
            x->k.guardian_id == d->ctx->parent1_id || x->k.lessons_delivered == 0 ||
            x->k.escrow_fen <= 0)
            continue;
        funds_moved m;
        verdict v = funds_contract_refund_in_tx(d->c, d->a->base_pol, &x->k, x->k.guardian_id,
                                                "家长申请退费:孩子课余时间调整", 0, &m);
        d->refunds += m.refund_fen > 0;
        d->refund_fen += m.refund_fen;
        return verdict_is_ok(&v) ? DB_DONE : DB_ERROR;
    }
    return DB_DONE;
}

/* The inspector suspends an institution: every open contract is refunded in the same step,
 * by the function the route calls. */
static int suspend(fd_demo *d, int64_t institution)
{
    funds_refunds done = {0};
    verdict v = funds_institution_state_set_in_tx(
        d->c, d->a->base_pol, institution, "suspended",
        "预收费未全部纳入监管且逾期未整改,暂停办学;在读学员预收费已全额退还", d->ctx->inspector_id,
        &done);
    d->refunds += done.refunds;
    d->refund_fen += done.refund_fen;
    d->suspended += verdict_is_ok(&v);
    return verdict_is_ok(&v) ? DB_DONE : DB_ERROR;
}

int funds_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, const training_demo_course *courses,
                    size_t ncourses, char *summary, size_t len)
{
    fd_demo d = {.c = c, .a = a, .ctx = ctx, .r = demo_stream(ctx, 0xF0DD5u)};
    d.today = date_days(ctx->today);
    int rc = DB_DONE;
    for (int i = 0; rc == DB_DONE && i <= HISTORY_DAYS; i++) {
        char date[11];
        days_date(d.today - i, date);
        int k = calendar_day_kind(c, ctx->district_id, date, NULL, 0);
        if (k < 0)
            rc = k;
        d.kinds[i] = (signed char)k;
    }
    size_t expect = ctx->npupils * CONTRACTS_PERMILLE / 1000 * 2 + 4 * ncourses + 64;
    d.taken_cap = 1024;
    while (d.taken_cap < expect * 2)
        d.taken_cap *= 2;
    d.taken = calloc(d.taken_cap, sizeof *d.taken);
    if (!d.taken)
        abort();
    if (rc == DB_DONE)
        rc = contracts_make(&d, courses, ncourses);
    if (rc == DB_DONE)
        rc = events_post(&d);
    if (rc == DB_DONE)
        rc = family_refund(&d);
    for (size_t i = 0; rc == DB_DONE && i < ncourses; i++) {
        bool first = true; /* an institution's first course stands for it */
        for (size_t j = 0; j < i; j++)
            first = first && courses[j].institution_id != courses[i].institution_id;
        if (first && courses[i].plan == TRAINING_DEMO_SUSPEND)
            rc = suspend(&d, courses[i].institution_id);
    }
    if (rc == DB_DONE)
        snprintf(summary, len,
                 "funds: %zu contracts (%ld completed), %ld movements, %ld lessons, %ld refunds"
                 " (%lld fen), suspended institutions: %ld",
                 d.ncontracts, d.completed, d.movements, d.lessons, d.refunds,
                 (long long)d.refund_fen, d.suspended);
    free(d.contracts);
    free(d.events);
    free(d.taken);
    return rc;
}
