/*
 * test_rules.c: unit tests for src/funds/rules.c: FU-2 (class-hours and months, counted over
 * the pupil's open contracts with the institution), FU-3, the payment and lesson checks, the
 * ledger entry hash (checked against an independent BLAKE2b), and risk warnings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "core/messages.h"
#include "funds/funds.h"

static policy *national(void)
{
    char err[200];
    policy *p = policy_new(NULL, err, sizeof err);
    assert_non_null(p);
    return p;
}

static int64_t num(const verdict *v, const char *key)
{
    const verdict_arg *a = verdict_get(v, key);
    if (!a || a->is_str)
        fail_msg("verdict has no number %s", key);
    return a ? a->n : -1;
}

static const char *str(const verdict *v, const char *key)
{
    const verdict_arg *a = verdict_get(v, key);
    if (!a || !a->is_str)
        fail_msg("verdict has no string %s", key);
    return a ? a->s : "";
}

/* A refusal's words: a row of messages.c in both languages, each placeholder one of the
 * verdict's numbers. */
static void assert_words(const verdict *v)
{
    for (int en = 0; en < 2; en++) {
        const char *t = msg_template(v->msg, en);
        if (!t)
            fail_msg("no message %s", v->msg ? v->msg : "(none)");
        for (const char *o = strchr(t, '{'); o; o = strchr(o + 1, '{')) {
            const char *c = strchr(o, '}');
            const char *colon = memchr(o, ':', (size_t)(c - o));
            char name[64];
            size_t n = (size_t)((colon ? colon : c) - o - 1);
            snprintf(name, sizeof name, "%.*s", (int)n, o + 1);
            if (!verdict_get(v, name))
                fail_msg("%s: the verdict has no %s", v->msg, name);
        }
    }
}

/* True for a refusal (whose words are then checked), false when allowed. */
static bool refused(const verdict *v)
{
    if (verdict_is_ok(v))
        return false;
    assert_words(v);
    return true;
}

/* FU-2 for a pupil with no open contract: true when allowed. OUT: *v. */
static bool prepay(const policy *p, const char *start, const char *end, int64_t lessons, verdict *v)
{
    funds_span want = {start, end, lessons};
    *v = funds_prepay_check(p, &want, NULL, 0);
    return !refused(v);
}

/* ---------- FU-2: class-hours ---------- */

static void test_funds_prepay_check__60_class_hours_pass(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_true(prepay(p, "2026-09-01", "2026-11-30", 60, &v));
    assert_null(v.code);
    policy_free(p);
}

static void test_funds_prepay_check__61_class_hours_fail(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_false(prepay(p, "2026-09-01", "2026-11-30", 61, &v));
    assert_string_equal(v.code, "prepay_over_limit");
    assert_string_equal(v.rule, "FU-2");
    assert_int_equal(num(&v, "limit_class_hours"), 60);
    assert_int_equal(num(&v, "used_class_hours"), 0);
    assert_int_equal(num(&v, "requested_class_hours"), 61);
    policy_free(p);
}

static void test_funds_prepay_check__open_contracts_count_together(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    funds_span open[2] = {{"2026-09-01", "2026-10-31", 25}, {"2026-09-15", "2026-11-15", 15}};
    funds_span twenty = {"2026-10-01", "2026-11-30", 20},
               twentyone = {"2026-10-01", "2026-11-30", 21};
    v = funds_prepay_check(p, &twenty, open, 2);
    assert_false(refused(&v));
    v = funds_prepay_check(p, &twentyone, open, 2);
    assert_true(refused(&v));
    assert_int_equal(num(&v, "used_class_hours"), 40);
    assert_int_equal(num(&v, "requested_class_hours"), 21);
    policy_free(p);
}

/* ---------- FU-2: months ---------- */

static void test_funds_prepay_check__exactly_three_months_pass(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_true(prepay(p, "2026-09-01", "2026-11-30", 10, &v));
    assert_true(prepay(p, "2026-09-01", "2026-09-01", 1, &v)); /* one day */
    policy_free(p);
}

static void test_funds_prepay_check__a_day_more_fails(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    assert_false(prepay(p, "2026-09-01", "2026-12-01", 10, &v));
    assert_string_equal(v.code, "prepay_over_limit");
    assert_string_equal(v.rule, "FU-2");
    assert_int_equal(num(&v, "limit_months"), 3);
    assert_string_equal(str(&v, "latest_end_date"), "2026-11-30");
    assert_string_equal(str(&v, "end_date"), "2026-12-01");
    policy_free(p);
}

static void test_funds_prepay_check__month_end_starts(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    /* a start on the 30th: three months later has no 30th, February's last day stands in */
    assert_true(prepay(p, "2026-11-30", "2027-02-27", 10, &v));
    assert_false(prepay(p, "2026-11-30", "2027-02-28", 10, &v));
    assert_string_equal(str(&v, "latest_end_date"), "2027-02-27");
    /* the 31st */
    assert_true(prepay(p, "2026-08-31", "2026-11-29", 10, &v));
    assert_false(prepay(p, "2026-08-31", "2026-11-30", 10, &v));
    /* the 29th into a leap February */
    assert_true(prepay(p, "2027-11-29", "2028-02-28", 10, &v));
    assert_false(prepay(p, "2027-11-29", "2028-02-29", 10, &v));
    /* across the new year */
    assert_true(prepay(p, "2026-12-15", "2027-03-14", 10, &v));
    assert_false(prepay(p, "2026-12-15", "2027-03-15", 10, &v));
    policy_free(p);
}

static void test_funds_prepay_check__span_covers_open_contracts(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    funds_span open[1] = {{"2026-09-01", "2026-10-31", 10}};
    funds_span ok = {"2026-11-01", "2026-11-30", 10}, late = {"2026-11-01", "2026-12-01", 10};
    v = funds_prepay_check(p, &ok, open, 1);
    assert_false(refused(&v));
    v = funds_prepay_check(p, &late, open, 1);
    assert_true(refused(&v));
    assert_string_equal(str(&v, "start_date"), "2026-09-01");
    policy_free(p);
}

/* ---------- FU-3 ---------- */

static void test_funds_charge_check__non_subject_cap(void **st)
{
    (void)st;
    policy *p = national();
    verdict v;
    v = funds_charge_check(p, false, 500000);
    assert_false(refused(&v));
    v = funds_charge_check(p, false, 500001);
    assert_true(refused(&v));
    assert_string_equal(v.code, "charge_over_cap");
    assert_string_equal(v.rule, "FU-3");
    assert_int_equal(num(&v, "limit_fen"), 500000);
    assert_int_equal(num(&v, "amount_fen"), 500001);
    v = funds_charge_check(p, true, 900000); /* FU-3 is for non-subject training */
    assert_false(refused(&v));
    policy_free(p);
}

/* ---------- payments and lessons ---------- */

static funds_contract contract(int64_t lessons, int64_t price, int64_t paid, int64_t delivered)
{
    funds_contract c = {0};
    c.id = 7;
    c.open = true;
    c.lessons = lessons;
    c.price_per_lesson_fen = price;
    c.amount_fen = lessons * price;
    c.paid_fen = paid;
    c.released_fen = delivered * price;
    c.lessons_delivered = delivered;
    c.escrow_fen = paid - c.released_fen;
    return c;
}

/* The refusal's status and code, its words checked; "ok" when allowed. */
static const char *code_of(verdict v)
{
    if (!refused(&v))
        return "ok";
    return sj_err_code(v.err);
}

static void test_funds_payment_check__up_to_the_amount(void **st)
{
    (void)st;
    funds_contract c = contract(10, 1000, 4000, 0);
    assert_string_equal(code_of(funds_payment_check(&c, 6000)), "ok");
    verdict v = funds_payment_check(&c, 6001);
    assert_string_equal(code_of(v), "overpayment");
    assert_int_equal(sj_err_status(v.err), 422);
    assert_int_equal(num(&v, "amount_fen"), 10000);
    assert_int_equal(num(&v, "paid_fen"), 4000);
    assert_int_equal(num(&v, "owed_fen"), 6000);
    assert_int_equal(num(&v, "requested_fen"), 6001);
    c.open = false;
    v = funds_payment_check(&c, 1);
    assert_string_equal(code_of(v), "contract_closed");
    assert_int_equal(sj_err_status(v.err), 409);
    assert_int_equal(num(&v, "contract_id"), 7);
}

static void test_funds_lesson_check__lessons_and_escrow(void **st)
{
    (void)st;
    funds_contract c = contract(10, 1000, 1000, 0);
    assert_string_equal(code_of(funds_lesson_check(&c)), "ok"); /* escrow exactly one lesson */
    c = contract(10, 1000, 999, 0);
    verdict v = funds_lesson_check(&c);
    assert_string_equal(code_of(v), "insufficient_escrow");
    assert_int_equal(num(&v, "escrow_fen"), 999);
    assert_int_equal(num(&v, "price_per_lesson_fen"), 1000);
    c = contract(10, 1000, 10000, 9);
    assert_string_equal(code_of(funds_lesson_check(&c)), "ok");
    c = contract(10, 1000, 10000, 10);
    v = funds_lesson_check(&c);
    assert_string_equal(code_of(v), "no_lessons_left");
    assert_int_equal(num(&v, "lessons"), 10);
    assert_int_equal(num(&v, "lessons_delivered"), 10);
    c = contract(10, 1000, 5000, 2);
    c.open = false; /* refunded */
    assert_string_equal(code_of(funds_lesson_check(&c)), "contract_closed");
    c = contract(10, 1000, 10000, 10);
    c.open = false; /* completed: closed by its last lesson */
    assert_string_equal(code_of(funds_lesson_check(&c)), "no_lessons_left");
}

static void test_funds_refund_check__open_only(void **st)
{
    (void)st;
    funds_contract c = contract(10, 1000, 5000, 2);
    assert_string_equal(code_of(funds_refund_check(&c)), "ok");
    c.open = false;
    assert_string_equal(code_of(funds_refund_check(&c)), "contract_closed");
}

/* ---------- the entry hash ---------- */

static void test_funds_entry_hash__known_vectors(void **st)
{
    (void)st;
    /* expected values from Python's hashlib.blake2b(digest_size=32) over the same text */
    char zero[65], h1[FUNDS_HASH_HEX], h2[FUNDS_HASH_HEX];
    memset(zero, '0', 64);
    zero[64] = 0;
    funds_entry e1 = {1, 1, 1, "payment", "escrow", 7, 7, 12000, 42, 1790000000};
    funds_entry e2 = {1, 2, 1, "payment", "guardian", 42, 7, -12000, 42, 1790000000};
    funds_entry_hash(zero, &e1, h1);
    assert_string_equal(h1, "56f6d14feaa4755e522ca44ef37f914a68ad6cc0a30fe7bfeb1ab7b701cdc259");
    funds_entry_hash(h1, &e2, h2);
    assert_string_equal(h2, "90a7c83df92d6e5bc1d52bf495b57c700db1d503f840a76d7ce288af82e5d950");
}

static void test_funds_entry_hash__every_field_counts(void **st)
{
    (void)st;
    char zero[65], base[FUNDS_HASH_HEX], h[FUNDS_HASH_HEX];
    memset(zero, '0', 64);
    zero[64] = 0;
    funds_entry e = {1, 1, 1, "payment", "escrow", 7, 7, 12000, 42, 1790000000};
    funds_entry_hash(zero, &e, base);
    funds_entry variants[] = {
        {2, 1, 1, "payment", "escrow", 7, 7, 12000, 42, 1790000000},
        {1, 2, 1, "payment", "escrow", 7, 7, 12000, 42, 1790000000},
        {1, 1, 2, "payment", "escrow", 7, 7, 12000, 42, 1790000000},
        {1, 1, 1, "refund", "escrow", 7, 7, 12000, 42, 1790000000},
        {1, 1, 1, "payment", "guardian", 7, 7, 12000, 42, 1790000000},
        {1, 1, 1, "payment", "escrow", 8, 7, 12000, 42, 1790000000},
        {1, 1, 1, "payment", "escrow", 7, 8, 12000, 42, 1790000000},
        {1, 1, 1, "payment", "escrow", 7, 7, 12001, 42, 1790000000},
        {1, 1, 1, "payment", "escrow", 7, 7, 12000, 43, 1790000000},
        {1, 1, 1, "payment", "escrow", 7, 7, 12000, 42, 1790000001},
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        funds_entry_hash(zero, &variants[i], h);
        assert_string_not_equal(h, base);
    }
    /* and the previous hash */
    char other[65];
    memset(other, '1', 64);
    other[64] = 0;
    funds_entry_hash(other, &e, h);
    assert_string_not_equal(h, base);
}

/* ---------- risk warnings ---------- */

static bool has(const funds_warning *w, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (strcmp(w[i].code, code) == 0)
            return true;
    return false;
}

static void test_funds_risk_assess__escrow_large(void **st)
{
    (void)st;
    policy *p = national();
    funds_warning w[FUNDS_MAX_WARNINGS];
    funds_inst_stats s = {.escrow_fen = 300000,
                          .released_recent_fen = 100000,
                          .open_contracts = 3,
                          .days_since_last_lesson = 1,
                          .days_since_open_start = 30};
    assert_false(has(w, funds_risk_assess(p, &s, w), "escrow_large")); /* 3 months: at the limit */
    s.escrow_fen = 300001;
    int n = funds_risk_assess(p, &s, w);
    assert_true(has(w, n, "escrow_large"));
    assert_string_equal(w[0].level, "medium");
    s.escrow_fen = 99999; /* small sums are not worth a warning */
    s.released_recent_fen = 0;
    assert_int_equal(funds_risk_assess(p, &s, w), 0);
    policy_free(p);
}

static void test_funds_risk_assess__lessons_stopped(void **st)
{
    (void)st;
    policy *p = national();
    funds_warning w[FUNDS_MAX_WARNINGS];
    funds_inst_stats s = {.escrow_fen = 5000,
                          .released_recent_fen = 5000,
                          .open_contracts = 1,
                          .days_since_last_lesson = 14,
                          .days_since_open_start = 60};
    assert_false(has(w, funds_risk_assess(p, &s, w), "lessons_stopped"));
    s.days_since_last_lesson = 15;
    assert_true(has(w, funds_risk_assess(p, &s, w), "lessons_stopped"));
    /* never a lesson: counted from the start of the earliest open contract */
    s.days_since_last_lesson = -1;
    s.days_since_open_start = 15;
    assert_true(has(w, funds_risk_assess(p, &s, w), "lessons_stopped"));
    s.days_since_open_start = -1; /* not started yet */
    assert_false(has(w, funds_risk_assess(p, &s, w), "lessons_stopped"));
    policy_free(p);
}

static void test_funds_risk_assess__refunds_late_and_registry(void **st)
{
    (void)st;
    policy *p = national();
    funds_warning w[FUNDS_MAX_WARNINGS];
    funds_inst_stats s = {.late_refunds = 2,
                          .late_refund_fen = 9000,
                          .days_since_last_lesson = -1,
                          .days_since_open_start = -1,
                          .inspection_overdue = true,
                          .license_expired = true,
                          .license_no_invalid = true};
    int n = funds_risk_assess(p, &s, w);
    assert_int_equal(n, 4);
    assert_true(has(w, n, "license_no_invalid"));
    assert_true(has(w, n, "refunds_late"));
    assert_true(has(w, n, "inspection_overdue"));
    assert_true(has(w, n, "license_expired"));
    policy_free(p);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_funds_prepay_check__60_class_hours_pass),
        cmocka_unit_test(test_funds_prepay_check__61_class_hours_fail),
        cmocka_unit_test(test_funds_prepay_check__open_contracts_count_together),
        cmocka_unit_test(test_funds_prepay_check__exactly_three_months_pass),
        cmocka_unit_test(test_funds_prepay_check__a_day_more_fails),
        cmocka_unit_test(test_funds_prepay_check__month_end_starts),
        cmocka_unit_test(test_funds_prepay_check__span_covers_open_contracts),
        cmocka_unit_test(test_funds_charge_check__non_subject_cap),
        cmocka_unit_test(test_funds_payment_check__up_to_the_amount),
        cmocka_unit_test(test_funds_lesson_check__lessons_and_escrow),
        cmocka_unit_test(test_funds_refund_check__open_only),
        cmocka_unit_test(test_funds_entry_hash__known_vectors),
        cmocka_unit_test(test_funds_entry_hash__every_field_counts),
        cmocka_unit_test(test_funds_risk_assess__escrow_large),
        cmocka_unit_test(test_funds_risk_assess__lessons_stopped),
        cmocka_unit_test(test_funds_risk_assess__refunds_late_and_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
