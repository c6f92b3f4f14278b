/*
 * rules.c: the funds module's pure decisions: FU-2 and FU-3 on contracts, the checks a
 * payment and a lesson must pass, the ledger entry hash, and risk warnings.
 *
 * No I/O and no clock: dates and figures come in, a verdict goes out (its words: the training
 * and funds section of core/messages.c). Money is integer fen.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "funds.h"

/* ---------- FU-2, FU-3 ---------- */

verdict funds_prepay_check(const policy *pol, const funds_span *want, const funds_span *open,
                           size_t nopen)
{
    int64_t max_hours = policy_v(pol)->fu2_max_class_hours;
    int months = (int)policy_v(pol)->fu2_max_months;
    int64_t used = 0;
    const char *first = want->start_date, *last = want->end_date;
    for (size_t i = 0; i < nopen; i++) {
        used += open[i].lessons;
        if (strcmp(open[i].start_date, first) < 0)
            first = open[i].start_date;
        if (strcmp(open[i].end_date, last) > 0)
            last = open[i].end_date;
    }
    verdict v;
    if (used + want->lessons > max_hours) {
        v = verdict_rule("prepay_over_limit", "FU-2", "FU-2.class_hours");
        verdict_num(&v, "limit_class_hours", max_hours);
        verdict_num(&v, "used_class_hours", used);
        verdict_num(&v, "requested_class_hours", want->lessons);
        return v;
    }
    char before[11];
    date_add_months(first, months, before);
    if (strcmp(last, before) >= 0) {
        char latest[11];
        date_add_days(before, -1, latest);
        v = verdict_rule("prepay_over_limit", "FU-2", "FU-2.months");
        verdict_num(&v, "limit_months", months);
        verdict_str(&v, "start_date", first);
        verdict_str(&v, "end_date", last);
        verdict_str(&v, "latest_end_date", latest);
        verdict_num(&v, "used_class_hours", used);
        return v;
    }
    return verdict_ok();
}

verdict funds_charge_check(const policy *pol, bool subject_based, int64_t amount_fen)
{
    int64_t cap = policy_v(pol)->fu3_non_subject_max_charge_fen;
    if (subject_based || amount_fen <= cap)
        return verdict_ok();
    verdict v = verdict_rule("charge_over_cap", "FU-3", NULL);
    verdict_num(&v, "limit_fen", cap);
    verdict_num(&v, "amount_fen", amount_fen);
    return v;
}

/* ---------- movements ---------- */

static verdict closed(const funds_contract *c)
{
    verdict v = verdict_err(SJ_ERR_CONTRACT_CLOSED, "funds.contract_closed");
    verdict_num(&v, "contract_id", c->id);
    return v;
}

verdict funds_payment_check(const funds_contract *c, int64_t amount_fen)
{
    if (!c->open)
        return closed(c);
    if (amount_fen <= c->amount_fen - c->paid_fen)
        return verdict_ok();
    verdict v = verdict_err(SJ_ERR_OVERPAYMENT, "funds.overpayment");
    verdict_num(&v, "amount_fen", c->amount_fen);
    verdict_num(&v, "paid_fen", c->paid_fen);
    verdict_num(&v, "owed_fen", c->amount_fen - c->paid_fen);
    verdict_num(&v, "requested_fen", amount_fen);
    return v;
}

verdict funds_lesson_check(const funds_contract *c)
{
    verdict v;
    /* a contract whose last lesson was delivered closed itself: say why first */
    if (c->lessons_delivered >= c->lessons) {
        v = verdict_err(SJ_ERR_NO_LESSONS_LEFT, "funds.no_lessons_left");
        verdict_num(&v, "lessons", c->lessons);
        verdict_num(&v, "lessons_delivered", c->lessons_delivered);
        return v;
    }
    if (!c->open)
        return closed(c);
    if (c->escrow_fen >= c->price_per_lesson_fen)
        return verdict_ok();
    v = verdict_err(SJ_ERR_INSUFFICIENT_ESCROW, "funds.insufficient_escrow");
    verdict_num(&v, "escrow_fen", c->escrow_fen);
    verdict_num(&v, "price_per_lesson_fen", c->price_per_lesson_fen);
    return v;
}

verdict funds_refund_check(const funds_contract *c)
{
    return c->open ? verdict_ok() : closed(c);
}

/* ---------- the entry hash ---------- */

const char *funds_kind_name(funds_kind k)
{
    static const char *const names[] = {"payment", "release", "refund"};
    return k >= FUNDS_PAYMENT && k <= FUNDS_REFUND ? names[k] : "?";
}

void funds_entry_hash(const char *prev_hex, const funds_entry *e, char out[FUNDS_HASH_HEX])
{
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "sj-ledger-v1|%s|%" PRId64 "|%" PRId64 "|%" PRId64 "|%s|%s|%" PRId64
                     "|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64,
                     prev_hex, e->district_id, e->seq, e->txn, e->kind, e->account, e->account_id,
                     e->contract_id, e->amount_fen, e->actor, e->at);
    if (n < 0 || (size_t)n >= sizeof buf)
        n = (int)sizeof buf - 1; /* cannot happen: the fields are bounded */
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)buf, (size_t)n, NULL, 0);
    sodium_bin2hex(out, FUNDS_HASH_HEX, h, sizeof h);
}

/* ---------- risk warnings ---------- */

static void warn(funds_warning out[], int *n, const char *code, const char *rule, const char *level,
                 int64_t value, int64_t limit)
{
    if (*n >= FUNDS_MAX_WARNINGS)
        return;
    out[*n] = (funds_warning){code, rule, level, value, limit};
    (*n)++;
}

int funds_risk_assess(const policy *pol, const funds_inst_stats *s,
                      funds_warning out[FUNDS_MAX_WARNINGS])
{
    int n = 0;
    int64_t ratio = policy_v(pol)->fu4_warn_escrow_to_monthly_release;
    int64_t min_fen = policy_v(pol)->fu4_warn_escrow_min_fen;
    int64_t stop_days = policy_v(pol)->fu5_warn_no_lesson_days;
    if (s->license_expired)
        warn(out, &n, "license_expired", "TR-7", "high", 1, 0);
    if (s->license_no_invalid)
        warn(out, &n, "license_no_invalid", "TR-7", "high", 1, 0);
    if (s->late_refunds > 0)
        warn(out, &n, "refunds_late", "FU-6", "high", s->late_refunds, 0);
    /* escrow large against the lessons it pays for: more than `ratio` months of releases */
    if (s->escrow_fen >= min_fen && s->escrow_fen > ratio * s->released_recent_fen)
        warn(out, &n, "escrow_large", "FU-4", s->released_recent_fen == 0 ? "high" : "medium",
             s->escrow_fen, ratio * s->released_recent_fen);
    /* the lesson pace stops while families' money waits */
    int64_t idle =
        s->days_since_last_lesson >= 0 ? s->days_since_last_lesson : s->days_since_open_start;
    if (s->open_contracts > 0 && s->escrow_fen > 0 && idle > stop_days)
        warn(out, &n, "lessons_stopped", "FU-5", "high", idle, stop_days);
    if (s->inspection_overdue)
        warn(out, &n, "inspection_overdue", "TR-7", "medium", 1, 0);
    return n;
}
