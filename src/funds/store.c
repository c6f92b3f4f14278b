/*
 * store.c: the funds module's contracts and every write that moves money (funds.h): signing
 * a contract (FU-2, FU-3), a payment, a lesson (TR-2, its price released), a refund (FU-6),
 * every open contract of an institution refunded when it is suspended or closed, a refund
 * paid out; and the verification runs recorded. The lists and the district's figures are in
 * store_supervision.c, the ledger itself in ledger.c.
 *
 * DESIGN: each write owns its transaction: begin, take the locks in funds.h's order, load the
 * figures that decide it after the locks, check them with the pure rule (rules.c), post the
 * movement through funds_ledger_post and write the rows that go with it, commit; any refusal
 * or failure rolls back and returns the verdict, so a refused movement never reaches the
 * ledger and a failed one leaves nothing half-written. The _in_tx twins are the same steps in
 * the caller's transaction. Because the figures are read under the contract's lock, payments,
 * lessons and refunds on one contract are serialised: the escrow never goes below zero and a
 * contract is never paid past its amount, whatever arrives at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funds/funds_int.h"

#define MAX_OPEN_CONTRACTS 200 /* a pupil's open contracts with one institution FU-2 counts */

/* ---------- the transaction of a write ---------- */

/* Ends the transaction of a write: commits an allowed one, rolls back a refused or failed one;
 * returns the verdict (a store error when the commit fails). */
static verdict tx_end(db_conn *db, verdict v)
{
    if (!verdict_is_ok(&v)) {
        db_rollback(db);
        return v;
    }
    return db_commit(db) == DB_OK ? v : verdict_db(DB_ERROR);
}

static verdict done(int rc)
{
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

static int64_t at_or_now(int64_t at)
{
    return at ? at : now_unix();
}

/* ---------- contracts ---------- */

/* One statement: the contract, its course's category, its lessons and the sums of its escrow
 * entries by kind (each an index-only range of ledger_contract_sum). */
int funds_contract_load(db_conn *db, int64_t id, funds_contract *out)
{
    db_stmt *s = db_query(db,
                          "SELECT c.id, c.district_id, c.institution_id, c.course_id, c.student_id,"
                          " c.guardian_id, c.lessons, c.price_per_lesson_fen, c.amount_fen,"
                          " c.start_date, c.end_date, c.status, co.category,"
                          " (SELECT COUNT(*) FROM contract_lessons l WHERE l.contract_id = c.id),"
                          " (SELECT COALESCE(SUM(e.amount_fen), 0) FROM ledger_entries e WHERE"
                          " e.contract_id = c.id AND e.account = 'escrow' AND e.kind = 'payment'),"
                          " (SELECT COALESCE(SUM(e.amount_fen), 0) FROM ledger_entries e WHERE"
                          " e.contract_id = c.id AND e.account = 'escrow' AND e.kind = 'release'),"
                          " (SELECT COALESCE(SUM(e.amount_fen), 0) FROM ledger_entries e WHERE"
                          " e.contract_id = c.id AND e.account = 'escrow' AND e.kind = 'refund')"
                          " FROM contracts c JOIN courses co ON co.id = c.course_id"
                          " WHERE c.id = $1",
                          id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        db_row row = db_row_at(s, 0);
        out->id = db_next_int64(&row);
        out->district_id = db_next_int64(&row);
        out->institution_id = db_next_int64(&row);
        out->course_id = db_next_int64(&row);
        out->student_id = db_next_int64(&row);
        out->guardian_id = db_next_int64(&row);
        out->lessons = db_next_int64(&row);
        out->price_per_lesson_fen = db_next_int64(&row);
        out->amount_fen = db_next_int64(&row);
        DB_NEXT_TEXT(&row, out->start_date);
        DB_NEXT_TEXT(&row, out->end_date);
        out->open = strcmp(db_next_text_ref(&row), "open") == 0;
        out->subject_based = strcmp(db_next_text_ref(&row), "subject") == 0;
        out->lessons_delivered = db_next_int64(&row);
        /* the escrow account's entries are the only source of every figure */
        out->paid_fen = db_next_int64(&row);
        out->released_fen = -db_next_int64(&row);
        out->refunded_fen = -db_next_int64(&row);
        out->escrow_fen = out->paid_fen - out->released_fen - out->refunded_fen;
    }
    db_finalize(s);
    return rc;
}

json_t *fu_store_contract_json(db_conn *c, const funds_contract *k)
{
    json_t *o = json_pack(
        "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:s,s:s}", "id",
        (json_int_t)k->id, "amount_fen", (json_int_t)k->amount_fen, "paid_fen",
        (json_int_t)k->paid_fen, "released_fen", (json_int_t)k->released_fen, "refunded_fen",
        (json_int_t)k->refunded_fen, "escrow_fen", (json_int_t)k->escrow_fen, "lessons",
        (json_int_t)k->lessons, "lessons_delivered", (json_int_t)k->lessons_delivered,
        "price_per_lesson_fen", (json_int_t)k->price_per_lesson_fen, "owed_fen",
        (json_int_t)(k->amount_fen - k->paid_fen), "course_id", (json_int_t)k->course_id,
        "institution_id", (json_int_t)k->institution_id, "student_id", (json_int_t)k->student_id,
        "guardian_id", (json_int_t)k->guardian_id, "lessons_left",
        (json_int_t)(k->lessons - k->lessons_delivered), "status", k->open ? "open" : "closed",
        "start_date", k->start_date, "end_date", k->end_date, "category",
        k->subject_based ? "subject" : "non_subject");
    db_stmt *s = db_query(c,
                          "SELECT co.name, i.name, p.name, c.close_reason, c.created_at,"
                          " c.closed_at FROM contracts c JOIN courses co ON co.id = c.course_id"
                          " JOIN institutions i ON i.id = c.institution_id"
                          " JOIN students p ON p.id = c.student_id WHERE c.id = $1",
                          k->id);
    if (s && db_step(s) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        json_object_set_new(o, "course_name", json_string(db_next_text_ref(&row)));
        json_object_set_new(o, "institution_name", json_string(db_next_text_ref(&row)));
        json_object_set_new(o, "student_name", json_string(db_next_text_ref(&row)));
        if (!db_next_isnull(&row))
            json_object_set_new(o, "close_reason", json_string(db_next_text_ref(&row)));
        else
            db_next_skip(&row);
        char ts[32];
        unix_rfc3339(db_next_int64(&row), ts);
        json_object_set_new(o, "created_at", json_string(ts));
        if (!db_next_isnull(&row)) {
            unix_rfc3339(db_next_int64(&row), ts);
            json_object_set_new(o, "closed_at", json_string(ts));
        }
    }
    db_finalize(s);
    return o;
}

/* ---------- signing (FU-2, FU-3) ---------- */

/* The pupil's open contracts with the institution, for FU-2. OUT: spans (their dates in
 * dates[]), *n. */
static int open_spans(db_conn *db, int64_t student_id, int64_t institution_id, funds_span *spans,
                      char (*dates)[2][11], size_t *n)
{
    *n = 0;
    db_stmt *s =
        db_query(db,
                 "SELECT start_date, end_date, lessons FROM contracts"
                 " WHERE student_id = $1 AND institution_id = $2 AND status = 'open' ORDER BY id",
                 student_id, institution_id);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW && *n < MAX_OPEN_CONTRACTS) {
        db_row row = db_row_at(s, 0);
        DB_NEXT_TEXT(&row, dates[*n][0]);
        DB_NEXT_TEXT(&row, dates[*n][1]);
        spans[*n] = (funds_span){dates[*n][0], dates[*n][1], db_next_int64(&row)};
        (*n)++;
    }
    db_finalize(s);
    return rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
}

verdict funds_contract_sign_in_tx(db_conn *db, const policy *pol, const funds_contract_in *in,
                                  int64_t *id)
{
    training_course_row co;
    int rc = training_course_get(db, in->course_id, &co);
    if (rc == DB_ROW && co.district_id != in->district_id)
        rc = DB_DONE;
    verdict v;
    if (rc != DB_ROW) {
        v = rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL) : verdict_db(rc);
        verdict_str(&v, "field", "course_id");
        return v;
    }
    if (strcmp(co.review_state, "rejected") == 0) {
        v = verdict_err(SJ_ERR_COURSE_NOT_OPEN, NULL);
        verdict_str(&v, "field", "course_id");
        return v;
    }
    int64_t amount = in->lessons * co.price_per_lesson_fen;
    v = funds_charge_check(pol, co.subject_based, amount);
    if (!verdict_is_ok(&v))
        return v;
    training_institution inst;
    rc = training_institution_get(db, co.institution_id, &inst);
    if (rc != DB_ROW)
        return verdict_db(rc == DB_DONE ? DB_ERROR : rc);
    v = training_institution_open(&inst);
    if (!verdict_is_ok(&v))
        return v;
    funds_span open[MAX_OPEN_CONTRACTS];
    char dates[MAX_OPEN_CONTRACTS][2][11];
    size_t nopen = 0;
    rc = open_spans(db, in->student_id, co.institution_id, open, dates, &nopen);
    if (rc != DB_OK)
        return verdict_db(rc);
    funds_span want = {in->start_date, in->end_date, in->lessons};
    v = funds_prepay_check(pol, &want, open, nopen);
    if (!verdict_is_ok(&v))
        return v;
    return done(db_insert_id(db, id,
                             "INSERT INTO contracts (district_id, institution_id, course_id,"
                             " student_id, guardian_id, lessons, price_per_lesson_fen, amount_fen,"
                             " start_date, end_date, policy_version, created_at)"
                             " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id",
                             in->district_id, co.institution_id, co.id, in->student_id,
                             in->guardian_id, in->lessons, co.price_per_lesson_fen, amount,
                             in->start_date, in->end_date, policy_version(pol), at_or_now(in->at)));
}

verdict funds_contract_sign(db_conn *db, const policy *pol, const funds_contract_in *in,
                            int64_t *id)
{
    int rc = db_begin_write(db);
    if (rc != DB_OK)
        return verdict_db(rc);
    /* FU-2 counts every open contract of the pupil with the institution: serialise on the
     * institution (its state) and on the pupil, then count and insert. A course that is not
     * there takes no lock: the check says 404. */
    training_course_row co;
    rc = training_course_get(db, in->course_id, &co);
    if (rc == DB_ROW) {
        rc = db_lock(db, DB_LOCK_INSTITUTION, co.institution_id);
        if (rc == DB_OK)
            rc = db_lock(db, DB_LOCK_STUDENT, in->student_id);
    } else if (rc == DB_DONE) {
        rc = DB_OK;
    }
    return tx_end(db, rc == DB_OK ? funds_contract_sign_in_tx(db, pol, in, id) : verdict_db(rc));
}

/* ---------- movements on one contract ---------- */

/* Begins the write transaction, takes the contract's lock and loads its figures after it. */
static verdict movement_begin(db_conn *db, int64_t contract_id, funds_contract *k)
{
    int rc = db_begin_write(db);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = db_lock(db, DB_LOCK_CONTRACT, contract_id);
    if (rc == DB_OK)
        rc = funds_contract_load(db, contract_id, k);
    if (rc == DB_ROW)
        return verdict_ok();
    db_rollback(db);
    return rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL) : verdict_db(rc);
}

verdict funds_payment_in_tx(db_conn *db, funds_contract *k, int64_t amount_fen, int64_t actor,
                            int64_t at, funds_moved *out)
{
    funds_moved m = {0};
    verdict v = funds_payment_check(k, amount_fen);
    if (!verdict_is_ok(&v))
        return v;
    int rc = funds_ledger_post(db, k, FUNDS_PAYMENT, amount_fen, actor, at_or_now(at), &m.txn);
    if (rc != DB_DONE)
        return verdict_db(rc);
    k->paid_fen += amount_fen;
    k->escrow_fen += amount_fen;
    if (out)
        *out = m;
    return verdict_ok();
}

verdict funds_payment(db_conn *db, int64_t contract_id, int64_t amount_fen, int64_t actor,
                      funds_moved *out)
{
    funds_contract k;
    verdict v = movement_begin(db, contract_id, &k);
    if (!verdict_is_ok(&v))
        return v;
    return tx_end(db, funds_payment_in_tx(db, &k, amount_fen, actor, 0, out));
}

verdict funds_lesson_in_tx(db_conn *db, const policy *pol, funds_contract *k, const char *date,
                           day_kind kind, int64_t actor, int64_t at, funds_moved *out)
{
    funds_moved m = {0};
    /* a suspended or closed institution delivers no lessons (a penalty's `stop`, cases) */
    training_institution in;
    int irc = training_institution_get(db, k->institution_id, &in);
    if (irc != DB_ROW)
        return verdict_db(irc == DB_DONE ? DB_ERROR : irc);
    verdict v = training_institution_teaching(&in);
    /* TR-2 first: a subject lesson on a weekend, holiday or vacation day is never one */
    if (verdict_is_ok(&v))
        v = training_lesson_day_check(pol, k->subject_based, kind, date);
    if (verdict_is_ok(&v))
        v = funds_lesson_check(k);
    if (!verdict_is_ok(&v))
        return v;
    int64_t t = at_or_now(at);
    int rc = funds_ledger_post(db, k, FUNDS_RELEASE, k->price_per_lesson_fen, actor, t, &m.txn);
    if (rc == DB_DONE)
        rc = db_insert_id(db, &m.lesson_id,
                          "INSERT INTO contract_lessons (contract_id, date, txn, created_by,"
                          " created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                          k->id, date, m.txn, db_id_or_null(actor), t);
    /* the last lesson delivered completes the contract: nothing is left in escrow */
    bool last = k->lessons_delivered + 1 == k->lessons;
    if (rc == DB_DONE && last)
        rc = db_run(db,
                    "UPDATE contracts SET status = 'closed', close_reason = 'completed',"
                    " closed_at = $2 WHERE id = $1",
                    k->id, t);
    if (rc != DB_DONE)
        return verdict_db(rc);
    k->lessons_delivered++;
    k->released_fen += k->price_per_lesson_fen;
    k->escrow_fen -= k->price_per_lesson_fen;
    k->open = k->open && !last;
    if (out)
        *out = m;
    return verdict_ok();
}

verdict funds_lesson(db_conn *db, const policy *pol, int64_t contract_id, const char *date,
                     int64_t actor, funds_moved *out)
{
    funds_contract k;
    verdict v = movement_begin(db, contract_id, &k);
    if (!verdict_is_ok(&v))
        return v;
    int kind = calendar_day_kind(db, k.district_id, date, NULL, 0);
    if (kind < 0)
        return tx_end(db, verdict_db(kind));
    return tx_end(db, funds_lesson_in_tx(db, pol, &k, date, (day_kind)kind, actor, 0, out));
}

verdict funds_contract_refund_in_tx(db_conn *db, const policy *pol, funds_contract *k,
                                    int64_t actor, const char *reason, int64_t at, funds_moved *out)
{
    funds_moved m = {0};
    verdict v = funds_refund_check(k);
    if (!verdict_is_ok(&v))
        return v;
    int64_t t = at_or_now(at);
    int rc = DB_DONE;
    m.refund_fen = k->escrow_fen > 0 ? k->escrow_fen : 0;
    if (m.refund_fen > 0)
        rc = funds_ledger_post(db, k, FUNDS_REFUND, m.refund_fen, actor, t, &m.txn);
    if (rc == DB_DONE && m.refund_fen > 0) {
        /* FU-6: back to the family within refund_within_days of the day it was asked for */
        char day[11], due[11];
        unix_date(t, day);
        date_add_days(day, policy_v(pol)->fu6_refund_within_days, due);
        rc =
            db_run(db,
                   "INSERT INTO refunds (district_id, contract_id, institution_id, amount_fen, txn,"
                   " reason, requested_by, requested_at, due_date)"
                   " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                   k->district_id, k->id, k->institution_id, m.refund_fen, m.txn, reason,
                   db_id_or_null(actor), t, due);
    }
    if (rc == DB_DONE)
        rc = db_run(db,
                    "UPDATE contracts SET status = 'closed', close_reason = $2, closed_at = $3"
                    " WHERE id = $1",
                    k->id, reason, t);
    if (rc != DB_DONE)
        return verdict_db(rc);
    k->refunded_fen += m.refund_fen;
    k->escrow_fen -= m.refund_fen;
    k->open = false;
    if (out)
        *out = m;
    return verdict_ok();
}

verdict funds_contract_refund(db_conn *db, const policy *pol, int64_t contract_id, int64_t actor,
                              const char *reason, funds_moved *out)
{
    funds_contract k;
    verdict v = movement_begin(db, contract_id, &k);
    if (!verdict_is_ok(&v))
        return v;
    return tx_end(db, funds_contract_refund_in_tx(db, pol, &k, actor, reason, 0, out));
}

/* ---------- every open contract of an institution ---------- */

/* The institution's open contracts' ids, ascending. OUT: *ids (the caller frees), *n. */
static int open_contract_ids(db_conn *db, int64_t institution_id, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    db_stmt *s = db_query(db,
                          "SELECT id FROM contracts WHERE institution_id = $1 AND status = 'open'"
                          " ORDER BY id",
                          institution_id);
    if (!s)
        return DB_ERROR;
    size_t cap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *ids = realloc(*ids, cap * sizeof **ids);
            if (!*ids)
                abort();
        }
        (*ids)[(*n)++] = db_col_int64(s, 0);
    }
    db_finalize(s);
    return rc == DB_DONE ? DB_OK : rc;
}

verdict funds_institution_refund_all_in_tx(db_conn *db, const policy *pol, int64_t institution_id,
                                           int64_t actor, const char *reason, funds_refunds *out)
{
    memset(out, 0, sizeof *out);
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = db_lock(db, DB_LOCK_INSTITUTION, institution_id);
    if (rc == DB_OK)
        rc = open_contract_ids(db, institution_id, &ids, &n);
    /* every lock first, in ascending id order (funds.h), then one refund each */
    for (size_t i = 0; rc == DB_OK && i < n; i++)
        rc = db_lock(db, DB_LOCK_CONTRACT, ids[i]);
    verdict v = rc == DB_OK ? verdict_ok() : verdict_db(rc);
    for (size_t i = 0; verdict_is_ok(&v) && i < n; i++) {
        funds_contract k;
        funds_moved m = {0};
        rc = funds_contract_load(db, ids[i], &k);
        if (rc != DB_ROW) {
            v = verdict_db(rc == DB_DONE ? DB_ERROR : rc);
            break;
        }
        if (!k.open)
            continue; /* closed by a movement that held its lock before we took it */
        v = funds_contract_refund_in_tx(db, pol, &k, actor, reason, 0, &m);
        out->contracts++;
        out->refunds += m.refund_fen > 0;
        out->refund_fen += m.refund_fen;
    }
    free(ids);
    return v;
}

verdict funds_institution_refund_all(db_conn *db, const policy *pol, int64_t institution_id,
                                     int64_t actor, const char *reason, funds_refunds *out)
{
    int rc = db_begin_write(db);
    if (rc != DB_OK)
        return verdict_db(rc);
    return tx_end(db,
                  funds_institution_refund_all_in_tx(db, pol, institution_id, actor, reason, out));
}

verdict funds_institution_state_set_in_tx(db_conn *db, const policy *pol, int64_t institution_id,
                                          const char *state, const char *reason, int64_t actor,
                                          funds_refunds *out)
{
    memset(out, 0, sizeof *out);
    training_institution in;
    int rc = db_lock(db, DB_LOCK_INSTITUTION, institution_id);
    if (rc == DB_OK)
        rc = training_institution_get(db, institution_id, &in);
    if (rc != DB_ROW)
        return rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL) : verdict_db(rc);
    if (strcmp(in.state, "closed") == 0) {
        verdict v = verdict_err(SJ_ERR_INSTITUTION_INACTIVE, "funds.institution_closed");
        verdict_str(&v, "state", in.state);
        return v;
    }
    if (strcmp(state, "active") != 0) {
        const char *why =
            strcmp(state, "suspended") == 0 ? "institution suspended" : "institution closed";
        verdict v = funds_institution_refund_all_in_tx(db, pol, institution_id, actor, why, out);
        if (!verdict_is_ok(&v))
            return v;
    }
    return training_institution_state_set_in_tx(db, institution_id, state, reason, 0);
}

verdict funds_institution_state_set(db_conn *db, const policy *pol, int64_t institution_id,
                                    const char *state, const char *reason, int64_t actor,
                                    funds_refunds *out)
{
    int rc = db_begin_write(db);
    if (rc != DB_OK)
        return verdict_db(rc);
    return tx_end(
        db, funds_institution_state_set_in_tx(db, pol, institution_id, state, reason, actor, out));
}

/* ---------- refunds paid out, verification runs ---------- */

verdict funds_refund_paid_out(db_conn *db, int64_t district_id, int64_t refund_id)
{
    int64_t one = 0;
    int rc = db_begin_write(db);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = db_query_int64(db, &one,
                        "UPDATE refunds SET paid_out_at = $3 WHERE id = $1 AND district_id = $2"
                        " AND paid_out_at IS NULL RETURNING id",
                        refund_id, district_id, now_unix());
    return tx_end(db, rc == DB_ROW    ? verdict_ok()
                      : rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL)
                                      : verdict_db(rc));
}

int funds_verify_and_record(db_conn *db, int64_t district_id, const funds_anchor *anchor,
                            funds_verify_result *out)
{
    int rc = funds_verify_anchored(db, district_id, anchor, out);
    if (rc != DB_OK)
        return rc;
    json_t *problems = json_array();
    for (int i = 0; i < out->nproblems && i < FUNDS_VERIFY_PROBLEMS; i++)
        json_array_append_new(problems, json_string(out->problems[i]));
    char *detail = json_dumps(problems, JSON_COMPACT);
    json_decref(problems);
    rc = db_run(db,
                "INSERT INTO funds_verifications (district_id, at, ok, entries, escrow_fen, detail)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                district_id, now_unix(), out->ok, out->entries, out->escrow_fen, detail);
    free(detail);
    return rc == DB_DONE ? DB_OK : rc;
}
