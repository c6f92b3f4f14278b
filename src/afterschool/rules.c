/*
 * rules.c: the after-school service's pure decisions. Data and the policy in, a verdict out;
 * no I/O, no clock, no allocation (callers pass storage). See afterschool.h for each entry.
 * A refusal's words are rows of core/messages.c under its rule ID ("AS-2.summer"); the bill's
 * explanations are rows "afterschool.bill.*".
 *
 * Rules and their policy keys (policy/national.json):
 *   AS-1 coverage          AS-1.days, AS-1.min_minutes_per_day
 *   AS-2 off-work time     AS-2.summer_from, summer_to (MM-DD), summer_off_work, winter_off_work
 *   AS-4 vetted providers  the district's list (data, not policy)
 *   AS-5 hardship waiver   AS-5.hardship_waiver
 *   AS-6 fee caps          AS-6.care_fee_per_hour_fen, course_fee_per_hour_fen,
 *                          rural_fee_per_hour_fen, term_cap_fen (null = none);
 *                          refund_pro_rata_days (a pupil leaving mid-term: the term counts
 *                          as that many days, or its sessions when fewer)
 *   AS-7 no double charge  AS-7.no_double_charge
 *   AS-8 subsidy           AS-8.subsidy_per_hour_fen, subsidy_per_hour_fen_min/_max,
 *                          class_hour_minutes
 *   AS-9 time bank         AS-9.minutes_per_half_day, half_days_per_week_max
 *   AS-10 rural gap        AS-10.rural_gap_filled_by_district; cost = subsidies + third-party
 *                          fees, gap = cost - fees collected, top-ups at most the gap
 *
 * Invariants of a bill: every line's amount is floor(rate * billed minutes / 60) and never
 * negative; gross = sum of amounts; total = gross - cap reduction - waiver >= 0. A pupil who
 * leaves mid-term (AS-6 pro rata): the whole enrolled term's amount is spread over
 * base = min(AS-6.refund_pro_rata_days, the term's sessions) days; the family pays
 * floor(full * min(sessions taken, base) / base) and the rest is refunded: once `base`
 * sessions are taken nothing comes back, and a term shorter than the rule's days is refunded
 * by its sessions.
 */
#include <stdio.h>
#include <string.h>

#include "afterschool.h"
#include "core/calendar.h"
#include "core/messages.h"

/* minutes since midnight as HH:MM */
static void hhmm_text(int minutes, char out[6])
{
    unsigned m = (unsigned)minutes % 1440u;
    snprintf(out, 6, "%02u:%02u", m / 60, m % 60);
}

/* ---------- AS-2 ---------- */

int afterschool_off_work(const policy *pol, const char *date, bool *summer)
{
    const policy_values *pv = policy_v(pol);
    int from = pv->as2_summer_from, to = pv->as2_summer_to;
    int md =
        (date[5] - '0') * 1000 + (date[6] - '0') * 100 + (date[8] - '0') * 10 + (date[9] - '0');
    bool in;
    if (from <= to)
        in = md >= from && md <= to;
    else /* a season that wraps past the new year */
        in = md >= from || md <= to;
    if (summer)
        *summer = in;
    return in ? pv->as2_summer_off_work : pv->as2_winter_off_work;
}

verdict afterschool_check_off_work(const policy *pol, const char (*dates)[AS_DATE_LEN], size_t n,
                                   int end_min)
{
    for (size_t i = 0; i < n; i++) {
        bool summer = false;
        int off = afterschool_off_work(pol, dates[i], &summer);
        if (end_min >= off)
            continue;
        verdict v =
            verdict_rule("ends_before_off_work", "AS-2", summer ? "AS-2.summer" : "AS-2.winter");
        char end[6], off_work[6];
        hhmm_text(end_min, end);
        hhmm_text(off, off_work);
        verdict_str(&v, "end", end);
        verdict_str(&v, "off_work", off_work);
        verdict_str(&v, "date", dates[i]);
        verdict_str(&v, "season", summer ? "summer" : "winter");
        return v;
    }
    return verdict_ok();
}

/* ---------- AS-6 ---------- */

int64_t afterschool_fee_cap(const policy *pol, as_kind kind, bool rural)
{
    int64_t care = policy_v(pol)->as6_care_fee_per_hour_fen;
    int64_t course = policy_v(pol)->as6_course_fee_per_hour_fen;
    int64_t ruralcap = policy_v(pol)->as6_rural_fee_per_hour_fen;
    if (kind == AS_CARE)
        return rural && ruralcap < care ? ruralcap : care;
    return rural ? ruralcap : course;
}

verdict afterschool_check_fee(const policy *pol, as_kind kind, bool rural, int64_t fee_per_hour_fen)
{
    int64_t cap = afterschool_fee_cap(pol, kind, rural);
    if (fee_per_hour_fen <= cap)
        return verdict_ok();
    verdict v = verdict_rule("fee_over_cap", "AS-6", NULL);
    verdict_num(&v, "fee_per_hour_fen", fee_per_hour_fen);
    verdict_num(&v, "cap_fen", cap);
    verdict_str(&v, "kind", kind == AS_COURSE ? "course" : "care");
    verdict_bool(&v, "rural", rural);
    return v;
}

/* ---------- AS-4 ---------- */

static verdict not_vetted(const char *reason, const char *msg)
{
    verdict v = verdict_rule("provider_not_vetted", "AS-4", msg);
    verdict_str(&v, "reason", reason);
    return v;
}

verdict afterschool_vendor_check(const as_vendor *v, const char *first_day, const char *last_day,
                                 int64_t fee_per_hour_fen)
{
    if (!v || !v->found)
        return not_vetted("not_listed", "AS-4.not_listed");
    if (!v->active)
        return not_vetted("exited", "AS-4.exited");
    if (strcmp(first_day, v->vetted_from) < 0 || strcmp(last_day, v->vetted_to) > 0) {
        verdict x = not_vetted("out_of_period", "AS-4.out_of_period");
        verdict_str(&x, "vetted_from", v->vetted_from);
        verdict_str(&x, "vetted_to", v->vetted_to);
        return x;
    }
    if (fee_per_hour_fen > v->fee_per_hour_fen) {
        verdict x = verdict_rule("fee_over_vendor_standard", "AS-4", "AS-4.fee");
        verdict_num(&x, "fee_per_hour_fen", fee_per_hour_fen);
        verdict_num(&x, "standard_fen", v->fee_per_hour_fen);
        return x;
    }
    return verdict_ok();
}

/* ---------- times ---------- */

static int overlap_minutes(int a0, int a1, int b0, int b1)
{
    int lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

bool afterschool_clash(const as_program *a, const as_program *b)
{
    return a->kind == b->kind && (a->weekdays & b->weekdays) != 0 &&
           overlap_minutes(a->start_min, a->end_min, b->start_min, b->end_min) > 0 &&
           strcmp(a->first_day, b->last_day) <= 0 && strcmp(b->first_day, a->last_day) <= 0;
}

void afterschool_weekdays_text(unsigned mask, char out[16])
{
    size_t k = 0;
    out[0] = 0;
    for (int d = 1; d <= 7; d++) {
        if (!(mask & (1u << d)))
            continue;
        if (k)
            out[k++] = ',';
        out[k++] = (char)('0' + d);
        out[k] = 0;
    }
}

/* ---------- AS-1 ---------- */

void afterschool_coverage(const policy *pol, const as_program *progs, size_t n, as_coverage *out)
{
    memset(out, 0, sizeof *out);
    out->days_required = (int)policy_v(pol)->as1_days;
    out->min_minutes = (int)policy_v(pol)->as1_min_minutes_per_day;
    for (int d = 1; d <= 5; d++) {
        /* the union of the day's intervals, minute by minute (a day has 1,440) */
        unsigned char covered[1440] = {0};
        for (size_t i = 0; i < n; i++) {
            if (!(progs[i].weekdays & (1u << d)))
                continue;
            for (int m = progs[i].start_min; m < progs[i].end_min && m < 1440; m++)
                if (m >= 0)
                    covered[m] = 1;
        }
        int total = 0;
        for (int m = 0; m < 1440; m++)
            total += covered[m];
        out->minutes[d] = total;
        out->day_ok[d] = total >= out->min_minutes;
        out->days_ok += out->day_ok[d];
    }
    out->ok = out->days_ok >= out->days_required;
}

/* ---------- bills ---------- */

/* Is item i a session on day d, counting (billed) or ignoring (full) the day it left? */
static bool item_on(const as_bill_item *it, const as_day *d, bool billed)
{
    if (!(it->prog.weekdays & (1u << d->weekday)))
        return false;
    if (strcmp(d->date, it->prog.first_day) < 0 || strcmp(d->date, it->prog.last_day) > 0)
        return false;
    if (strcmp(d->date, it->seat_from) < 0)
        return false;
    if (billed && it->left_on[0] && strcmp(d->date, it->left_on) >= 0)
        return false;
    return true;
}

static int64_t fen_for(int64_t rate, int64_t minutes)
{
    return minutes > 0 ? rate * minutes / 60 : 0;
}

void afterschool_pro_rata(const policy *pol, as_bill_line *l)
{
    int64_t days = policy_v(pol)->as6_refund_pro_rata_days;
    int64_t base = l->sessions_full;
    if (days > 0 && days < base)
        base = days;
    int64_t used = l->sessions < base ? l->sessions : base;
    l->pro_rata_days = base;
    l->pro_rata_used = used;
    /* the family keeps the odd fen: what it pays is rounded down, the refund is the rest */
    l->amount = base > 0 ? l->amount_full * used / base : 0;
    l->refund = l->amount_full - l->amount;
}

/* The period of line l for a day under policy `dp`: the last one when it is the same version,
 * else a new one (days come in date order). NULL when the line has AS_MAX_PERIODS already
 * and the version differs: the day then stays in the last (cannot happen with
 * policy_store_periods' at most AS_MAX_PERIODS versions). */
static as_bill_period *line_period(as_bill_line *l, const policy *dp, const as_program *p)
{
    const char *ver = policy_version(dp);
    if (l->nperiods && strcmp(l->periods[l->nperiods - 1].version, ver) == 0)
        return &l->periods[l->nperiods - 1];
    if (l->nperiods == AS_MAX_PERIODS)
        return &l->periods[AS_MAX_PERIODS - 1];
    as_bill_period *x = &l->periods[l->nperiods++];
    memset(x, 0, sizeof *x);
    x->version = ver;
    int64_t cap = afterschool_fee_cap(dp, p->kind, p->rural);
    x->rate_fen = p->fee_per_hour_fen < cap ? p->fee_per_hour_fen : cap;
    return x;
}

void afterschool_bill_compute(const policy *pol, const policy_period *periods, size_t np,
                              const as_day *days, size_t ndays, const as_bill_item *items, size_t n,
                              bool waived, as_bill *out, as_bill_line *lines)
{
    bool once = policy_v(pol)->as7_no_double_charge;
    memset(out, 0, sizeof *out);
    out->lines = lines;
    out->n = n;
    for (size_t i = 0; i < n; i++) {
        as_bill_line *l = &lines[i];
        const as_program *p = &items[i].prog;
        memset(l, 0, sizeof *l);
        l->program_id = p->id;
        l->kind = p->kind;
        l->rate_fen = p->fee_per_hour_fen;
        l->session_minutes = p->end_min - p->start_min;
        size_t pi = 0;
        for (size_t k = 0; k < ndays; k++) {
            while (periods && pi + 1 < np && strcmp(days[k].date, periods[pi + 1].from) >= 0)
                pi++;
            const policy *dp = periods && np ? periods[pi].pol : pol;
            as_bill_period *x = NULL;
            for (int pass = 0; pass < 2; pass++) {
                bool billed = pass == 1;
                if (!item_on(&items[i], &days[k], billed))
                    continue;
                int64_t ov = 0;
                /* AS-7: care time the pupil spends in a course is charged once, by the course */
                for (size_t j = 0; once && p->kind == AS_CARE && j < n; j++)
                    if (j != i && items[j].prog.kind == AS_COURSE &&
                        item_on(&items[j], &days[k], billed))
                        ov += overlap_minutes(p->start_min, p->end_min, items[j].prog.start_min,
                                              items[j].prog.end_min);
                if (ov > l->session_minutes)
                    ov = l->session_minutes;
                if (!x) {
                    x = line_period(l, dp, p);
                    if (!x->first[0])
                        memcpy(x->first, days[k].date, AS_DATE_LEN);
                    memcpy(x->last, days[k].date, AS_DATE_LEN);
                }
                if (billed) {
                    l->sessions++;
                    l->minutes += l->session_minutes;
                    l->overlap += ov;
                    x->sessions++;
                    x->minutes += l->session_minutes;
                    x->overlap += ov;
                } else {
                    l->sessions_full++;
                    l->minutes_full += l->session_minutes;
                    l->overlap_full += ov;
                    x->sessions_full++;
                    x->minutes_full += l->session_minutes;
                    x->overlap_full += ov;
                }
            }
        }
        for (int q = 0; q < l->nperiods; q++) {
            as_bill_period *x = &l->periods[q];
            x->amount = fen_for(x->rate_fen, x->minutes - x->overlap);
            x->amount_full = fen_for(x->rate_fen, x->minutes_full - x->overlap_full);
            l->amount += x->amount;
            l->amount_full += x->amount_full;
        }
        if (l->nperiods)
            l->rate_fen = l->periods[0].rate_fen;
        /* AS-6: a pupil who left pays the days used of the rule's days, pro rata */
        if (items[i].left_on[0] && l->sessions < l->sessions_full)
            afterschool_pro_rata(pol, l);
        else
            l->refund =
                items[i].left_on[0] && l->amount_full > l->amount ? l->amount_full - l->amount : 0;
        out->gross_fen += l->amount;
    }
    int64_t total = out->gross_fen;
    out->term_cap_fen = -1;
    if (policy_v(pol)->as6_term_cap_fen != POLICY_UNSET) {
        out->term_cap_fen = policy_v(pol)->as6_term_cap_fen;
        if (out->term_cap_fen >= 0 && total > out->term_cap_fen) {
            out->cap_reduction_fen = total - out->term_cap_fen;
            total = out->term_cap_fen;
        }
    }
    if (waived && policy_v(pol)->as5_hardship_waiver) {
        out->waived = true;
        out->waiver_fen = total;
        total = 0;
    }
    out->total_fen = total;
}

void afterschool_fen_text(int64_t fen, char out[32])
{
    int64_t a = fen < 0 ? -fen : fen;
    snprintf(out, 32, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(a / 100),
             (long long)(a % 100));
}

/* Appends the sentence `key` filled from v's numbers to out (always terminated; a long text
 * is cut, never overrun). */
static void append_msg(char *out, size_t outlen, const char *key, const verdict *v, bool english)
{
    size_t k = strnlen(out, outlen);
    if (k + 1 >= outlen)
        return;
    msg_format(key, english, v->args, v->nargs, out + k, outlen - k);
}

void afterschool_bill_line_explain(const as_bill_line *l, const char *name, bool english, char *out,
                                   size_t outlen)
{
    if (!outlen)
        return;
    out[0] = 0;
    verdict v = verdict_ok(); /* only a holder of the line's numbers */
    verdict_str(&v, "name", name);
    verdict_num(&v, "sessions", l->sessions);
    verdict_num(&v, "session_minutes", l->session_minutes);
    verdict_num(&v, "minutes", l->minutes);
    verdict_num(&v, "overlap", l->overlap);
    verdict_num(&v, "billable", l->minutes - l->overlap);
    verdict_num(&v, "rate_fen", l->rate_fen);
    verdict_num(&v, "amount_fen", l->amount);
    verdict_num(&v, "full_fen", l->amount_full);
    verdict_num(&v, "missed", l->sessions_full - l->sessions);
    verdict_num(&v, "refund_fen", l->refund);
    append_msg(out, outlen, "afterschool.bill.sessions", &v, english);
    if (l->overlap > 0)
        append_msg(out, outlen, "afterschool.bill.overlap", &v, english);
    verdict_num(&v, "days", l->pro_rata_days);
    verdict_num(&v, "used", l->pro_rata_used);
    if (l->nperiods > 1) {
        /* each day at the rate of the policy version in force that day */
        for (int q = 0; q < l->nperiods; q++) {
            const as_bill_period *x = &l->periods[q];
            verdict pv = verdict_ok();
            verdict_str(&pv, "version", x->version);
            verdict_str(&pv, "from", x->first);
            verdict_str(&pv, "to", x->last);
            verdict_num(&pv, "sessions", x->sessions);
            verdict_num(&pv, "billable", x->minutes - x->overlap);
            verdict_num(&pv, "rate_fen", x->rate_fen);
            verdict_num(&pv, "amount_fen", x->amount);
            append_msg(out, outlen, "afterschool.bill.period", &pv, english);
        }
        append_msg(out, outlen, "afterschool.bill.periods_total", &v, english);
    } else
        append_msg(out, outlen, "afterschool.bill.amount", &v, english);
    /* the refund by the rule's days when the term is longer than they are, else session by
     * session */
    if (l->refund > 0)
        append_msg(out, outlen,
                   l->pro_rata_days < l->sessions_full ? "afterschool.bill.refund_days"
                                                       : "afterschool.bill.refund",
                   &v, english);
}

/* ---------- AS-8 ---------- */

void afterschool_subsidy(const policy *pol, int64_t duty_minutes, as_subsidy *out)
{
    int64_t min = policy_v(pol)->as8_subsidy_per_hour_fen_min;
    int64_t rate = policy_v(pol)->as8_subsidy_per_hour_fen;
    if (rate < min)
        rate = min;
    if (policy_v(pol)->as8_subsidy_per_hour_fen_max != POLICY_UNSET) {
        int64_t max = policy_v(pol)->as8_subsidy_per_hour_fen_max;
        if (rate > max)
            rate = max;
    }
    int chm = (int)policy_v(pol)->as8_class_hour_minutes;
    if (chm < 1)
        chm = 45;
    out->rate_fen = rate;
    out->class_hour_minutes = chm;
    out->amount_fen = duty_minutes > 0 ? duty_minutes * rate / chm : 0;
}

/* ---------- AS-10 ---------- */

int64_t afterschool_rural_gap(int64_t subsidies_fen, int64_t third_party_fen, int64_t fees_fen)
{
    int64_t cost = subsidies_fen + third_party_fen;
    return cost > fees_fen ? cost - fees_fen : 0;
}

verdict afterschool_topup_check(const policy *pol, bool rural, int64_t gap_fen,
                                int64_t topped_up_fen, int64_t amount_fen)
{
    if (!policy_v(pol)->as10_rural_gap_filled_by_district)
        return verdict_rule("topup_not_allowed", "AS-10", "AS-10.off");
    if (!rural)
        return verdict_rule("topup_not_rural", "AS-10", "AS-10.not_rural");
    int64_t remaining = gap_fen > topped_up_fen ? gap_fen - topped_up_fen : 0;
    if (amount_fen <= remaining)
        return verdict_ok();
    verdict v = verdict_rule("topup_over_gap", "AS-10", "AS-10.over_gap");
    verdict_num(&v, "gap_fen", gap_fen);
    verdict_num(&v, "topped_up_fen", topped_up_fen);
    verdict_num(&v, "remaining_fen", remaining);
    verdict_num(&v, "amount_fen", amount_fen);
    return v;
}

/* ---------- AS-9 ---------- */

void afterschool_leave_terms(const policy *pol, as_leave_terms *terms)
{
    terms->minutes_required = policy_v(pol)->as9_minutes_per_half_day;
    terms->week_max = policy_v(pol)->as9_half_days_per_week_max;
}

verdict afterschool_leave_check(const policy *pol, int64_t balance, int64_t used_this_week,
                                as_leave_terms *terms)
{
    as_leave_terms t;
    afterschool_leave_terms(pol, &t);
    if (terms)
        *terms = t;
    verdict v = verdict_ok();
    if (balance < t.minutes_required) {
        v = verdict_rule("insufficient_credits", "AS-9", "AS-9.insufficient");
        verdict_num(&v, "minutes", balance);
        verdict_num(&v, "required", t.minutes_required);
    } else if (used_this_week >= t.week_max) {
        v = verdict_rule("leave_over_weekly_limit", "AS-9", "AS-9.week_full");
        verdict_num(&v, "limit", t.week_max);
        verdict_num(&v, "used", used_this_week);
    }
    return v;
}

int afterschool_duty_overlap(int start_min, int end_min, const as_duty_span *held, size_t n,
                             int *shared)
{
    for (size_t i = 0; i < n; i++) {
        int m = overlap_minutes(start_min, end_min, held[i].start_min, held[i].end_min);
        if (m > 0) {
            if (shared)
                *shared = m;
            return (int)i;
        }
    }
    if (shared)
        *shared = 0;
    return -1;
}

verdict afterschool_check_duty(int64_t program_id, int start_min, int end_min,
                               const as_duty_span *held, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const as_duty_span *d = &held[i];
        int shared = 0;
        if (d->program_id == program_id) {
            verdict v = verdict_err(SJ_ERR_CONFLICT, "afterschool.duty_twice");
            verdict_str(&v, "field", "date");
            verdict_num(&v, "duty_id", d->id);
            return v;
        }
        if (afterschool_duty_overlap(start_min, end_min, d, 1, &shared) < 0)
            continue;
        verdict v = verdict_rule("duty_overlap", "AS-9", "AS-9.duty_overlap");
        char t[4][6];
        hhmm_text(start_min, t[0]);
        hhmm_text(end_min, t[1]);
        hhmm_text(d->start_min, t[2]);
        hhmm_text(d->end_min, t[3]);
        verdict_str(&v, "start", t[0]);
        verdict_str(&v, "end", t[1]);
        verdict_num(&v, "overlap_minutes", shared);
        verdict_num(&v, "duty_id", d->id);
        verdict_num(&v, "program_id", d->program_id);
        verdict_str(&v, "other_start", t[2]);
        verdict_str(&v, "other_end", t[3]);
        return v;
    }
    return verdict_ok();
}

void afterschool_week_start(const char *date, char out[AS_DATE_LEN])
{
    date_add_days(date, -(int64_t)(date_weekday(date) - 1), out);
}

/* ---------- allocation ---------- */

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

void afterschool_allocate(const as_alloc_pupil *pupils, size_t np, int64_t *seats, size_t nprog,
                          uint64_t seed, int *assign, size_t *order)
{
    uint64_t s = seed ? seed : 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < np; i++)
        order[i] = i;
    for (size_t i = np; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)(xorshift(&s) % i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    for (size_t k = 0; k < np; k++) {
        size_t i = order[k];
        assign[i] = -1;
        for (int c = 0; c < pupils[i].nchoices && c < AS_MAX_CHOICES; c++) {
            int p = pupils[i].choice[c];
            if (p >= 0 && (size_t)p < nprog && seats[p] > 0) {
                seats[p]--;
                assign[i] = p;
                break;
            }
        }
    }
}
