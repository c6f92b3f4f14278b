/*
 * rules.c: the cases module's pure decisions: routing by category, CS-1's working days and the
 * filer's reopening, CS-2's rewards, PN-1/PN-2's bounds, the rule IDs an inspection cites (CS-3),
 * and the masks of a tipster's name and of a place. Policy and data in, verdict out; no I/O.
 *
 * Entry points: cases_route_of, cases_working_day, cases_due_date, cases_reopen_check,
 * cases_reward_check, cases_penalty_check, cases_rule_known, cases_name_mask, cases_place_key.
 */
#include <string.h>

#include "cases/cases.h"
#include "core/calendar.h"
#include "core/utf8.h"

const char *const cases_categories[] = {"homework_overload",
                                        "afterschool_fee",
                                        "exam_ranking",
                                        "unlicensed_training",
                                        "disguised_training",
                                        "off_hours_training",
                                        "prepaid_over_limit",
                                        "refund_refused",
                                        "wage_arrears",
                                        "other",
                                        NULL};
const char *const cases_statuses[] = {"open", "assigned", "answered", "closed", NULL};
const char *const cases_outcomes[] = {"substantiated", "unsubstantiated", "referred", NULL};
const char *const cases_measures[] = {"warning", "rectify", "stop", "refund", "blacklist", NULL};

/* Every rule ID of POLICY.md, in its order: what an inspection finding may cite. */
const char *const cases_rule_ids[] = {
    "HW-1",  "HW-2", "HW-3", "HW-4", "HW-5",  "HW-6", "HW-7", "HW-8", "HW-9", "HW-10",
    "HW-11", "EX-1", "EX-2", "EX-3", "EX-4",  "AS-1", "AS-2", "AS-3", "AS-4", "AS-5",
    "AS-6",  "AS-7", "AS-8", "AS-9", "AS-10", "TR-1", "TR-2", "TR-3", "TR-4", "TR-5",
    "TR-6",  "TR-7", "FU-1", "FU-2", "FU-3",  "FU-4", "FU-5", "FU-6", "PN-1", "PN-2",
    "CS-1",  "CS-2", "CS-3", "CS-4", "NT-1",  "NT-2", "RP-1", "RP-2", "RP-3", NULL};

cases_route cases_route_of(const char *category)
{
    static const char *const school[] = {"homework_overload", "afterschool_fee", "exam_ranking"};
    for (size_t i = 0; i < sizeof school / sizeof school[0]; i++)
        if (category && strcmp(category, school[i]) == 0)
            return CASES_TO_SCHOOL;
    return CASES_TO_INSPECTORS;
}

/* ---------- CS-1 ---------- */

bool cases_working_day(const char *date, const char *row_kind)
{
    /* the calendar's facts of the date; terms do not matter to a bureau's office, which works
     * through the pupils' vacations, so the term bounds given hold every date */
    cal_day d = calendar_classify(date, "0000-01-01", "9999-12-31", row_kind);
    if (d.holiday)
        return false;
    return d.makeup || !d.weekend;
}

void cases_due_date(const char *arrived, int64_t n, const cases_cal_day *days, size_t ndays,
                    char out[11])
{
    int64_t day = date_days(arrived);
    days_date(day, out);
    while (n > 0) {
        day++;
        days_date(day, out);
        const char *kind = "";
        for (size_t i = 0; i < ndays; i++)
            if (strcmp(days[i].date, out) == 0)
                kind = days[i].kind;
        if (cases_working_day(out, kind))
            n--;
    }
}

verdict cases_reopen_check(const policy *pol, const cases_reopen_in *x)
{
    const policy_values *pv = policy_v(pol);
    if (strcmp(x->status, "answered") != 0 && strcmp(x->status, "closed") != 0) {
        verdict v =
            verdict_refuse(SJ_ERR_CONFLICT, "case_not_answered", NULL, "cases.not_answered");
        verdict_str(&v, "status", x->status);
        return v;
    }
    if (!x->by_filer)
        return verdict_ok();
    int64_t days = x->answered_on && valid_date(x->answered_on) && valid_date(x->today)
                       ? date_days(x->today) - date_days(x->answered_on)
                       : 0;
    const char *msg = NULL;
    if (x->reopened >= pv->cs1_reopen_times)
        msg = "CS-1.reopen_times";
    else if (days > pv->cs1_reopen_within_days)
        msg = "CS-1.reopen_late";
    if (!msg)
        return verdict_ok();
    verdict v = verdict_rule("reopen_not_allowed", "CS-1", msg);
    verdict_num(&v, "reopened", x->reopened);
    verdict_num(&v, "reopen_times", pv->cs1_reopen_times);
    verdict_num(&v, "days", days);
    verdict_num(&v, "reopen_within_days", pv->cs1_reopen_within_days);
    return v;
}

/* ---------- CS-2 ---------- */

verdict cases_reward_check(const policy *pol, const char *source, const char *status,
                           const char *outcome, int64_t amount_fen)
{
    const policy_values *pv = policy_v(pol);
    if (strcmp(source, "tip") != 0 || strcmp(status, "closed") != 0 || !outcome ||
        strcmp(outcome, "substantiated") != 0) {
        verdict v = verdict_rule("reward_not_allowed", "CS-2", "CS-2.reward_not_allowed");
        verdict_str(&v, "source", source);
        verdict_str(&v, "status", status);
        verdict_str(&v, "outcome", outcome ? outcome : "");
        return v;
    }
    if (amount_fen >= pv->cs2_reward_min_fen && amount_fen <= pv->cs2_reward_max_fen)
        return verdict_ok();
    verdict v = verdict_rule("reward_out_of_range", "CS-2", "CS-2.reward_range");
    verdict_num(&v, "amount_fen", amount_fen);
    verdict_num(&v, "min_fen", pv->cs2_reward_min_fen);
    verdict_num(&v, "max_fen", pv->cs2_reward_max_fen);
    return v;
}

/* ---------- PN-1, PN-2 ---------- */

/* a x b, saturated at INT64_MAX: an income near the top cannot wrap the bound around */
static int64_t mul_sat(int64_t a, int64_t b)
{
    if (a <= 0 || b <= 0)
        return 0;
    return a > INT64_MAX / b ? INT64_MAX : a * b;
}

verdict cases_penalty_check(const policy *pol, const cases_penalty *p)
{
    const policy_values *pv = policy_v(pol);
    int64_t lo, hi;
    const char *rule, *msg;
    if (!p->pn2) {
        rule = "PN-1";
        msg = "PN-1";
        lo = mul_sat(p->illegal_income_fen, pv->pn1_fine_multiple_min);
        hi = mul_sat(p->illegal_income_fen, pv->pn1_fine_multiple_max);
    } else if (p->serious) {
        rule = "PN-2";
        msg = "PN-2.serious";
        lo = pv->pn2_serious_fine_min_fen;
        hi = pv->pn2_serious_fine_max_fen;
    } else {
        rule = "PN-2";
        msg = "PN-2";
        lo = 0;
        hi = pv->pn2_fine_max_fen;
    }
    if (p->illegal_income_fen >= 0 && p->fine_fen >= lo && p->fine_fen <= hi)
        return verdict_ok();
    verdict v = verdict_rule("fine_out_of_range", rule, msg);
    verdict_num(&v, "fine_fen", p->fine_fen);
    verdict_num(&v, "min_fen", lo);
    verdict_num(&v, "max_fen", hi);
    verdict_num(&v, "illegal_income_fen", p->illegal_income_fen);
    if (!p->pn2) {
        verdict_num(&v, "multiple_min", pv->pn1_fine_multiple_min);
        verdict_num(&v, "multiple_max", pv->pn1_fine_multiple_max);
    } else {
        verdict_bool(&v, "serious", p->serious);
    }
    return v;
}

/* ---------- CS-3 ---------- */

bool cases_rule_known(const char *rule)
{
    for (int i = 0; rule && cases_rule_ids[i]; i++)
        if (strcmp(cases_rule_ids[i], rule) == 0)
            return true;
    return false;
}

/* ---------- masks ---------- */

void cases_name_mask(const char *name, char *out, size_t n)
{
    if (n == 0)
        return;
    out[0] = 0;
    size_t len = name ? strlen(name) : 0;
    if (len == 0)
        return;
    size_t first = utf8_prefix(name, len, 1), rest = utf8_chars(name, len) - 1;
    if (rest == 0)
        rest = 1; /* a one-character name still shows that something is hidden */
    if (first + 1 > n)
        return;
    memcpy(out, name, first);
    size_t o = first;
    for (size_t i = 0; i < rest && o + 1 < n; i++)
        out[o++] = '*';
    out[o] = 0;
}

void cases_place_key(const char *place, char *out, size_t n)
{
    if (n == 0)
        return;
    size_t o = 0;
    /* the blanks and punctuation people type differently for the same place */
    static const char *const drop[] = {" ",
                                       "\t",
                                       "\r",
                                       "\n",
                                       "-",
                                       "_",
                                       ",",
                                       ".",
                                       "#",
                                       "(",
                                       ")",
                                       "\xe3\x80\x80" /* U+3000 */,
                                       "\xef\xbc\x8c" /* , */,
                                       "\xe3\x80\x82" /* 。 */,
                                       "\xef\xbc\x88" /* ( */,
                                       "\xef\xbc\x89" /* ) */,
                                       "\xe3\x80\x81" /* 、 */,
                                       "\xef\xbc\x8d" /* - */,
                                       "\xef\xbc\x83" /* # */,
                                       NULL};
    for (const char *p = place ? place : ""; *p;) {
        size_t skip = 0;
        for (int i = 0; drop[i] && !skip; i++)
            if (strncmp(p, drop[i], strlen(drop[i])) == 0)
                skip = strlen(drop[i]);
        if (skip) {
            p += skip;
            continue;
        }
        size_t clen = utf8_prefix(p, strlen(p), 1);
        if (o + clen + 1 > n)
            break;
        for (size_t i = 0; i < clen; i++)
            out[o + i] = clen == 1 && p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] - 'A' + 'a') : p[i];
        o += clen;
        p += clen;
    }
    out[o] = 0;
}
