/*
 * store.c: the funds module's shared SQL: a contract with its figures derived from the ledger,
 * refunding an open contract (used by the refund route and by closing an institution), and
 * refunding every open contract of an institution (a penalty's `refund`, cases).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funds.h"

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
                          " FROM contracts c JOIN courses co ON co.id = c.course_id WHERE c.id = $1", id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_col_int64(s, 0);
        out->district_id = db_col_int64(s, 1);
        out->institution_id = db_col_int64(s, 2);
        out->course_id = db_col_int64(s, 3);
        out->student_id = db_col_int64(s, 4);
        out->guardian_id = db_col_int64(s, 5);
        out->lessons = db_col_int64(s, 6);
        out->price_per_lesson_fen = db_col_int64(s, 7);
        out->amount_fen = db_col_int64(s, 8);
        snprintf(out->start_date, sizeof out->start_date, "%s", db_col_text(s, 9));
        snprintf(out->end_date, sizeof out->end_date, "%s", db_col_text(s, 10));
        out->open = strcmp(db_col_text(s, 11), "open") == 0;
        out->subject_based = strcmp(db_col_text(s, 12), "subject") == 0;
        out->lessons_delivered = db_col_int64(s, 13);
        /* the escrow account's entries are the only source of every figure */
        out->paid_fen = db_col_int64(s, 14);
        out->released_fen = -db_col_int64(s, 15);
        out->refunded_fen = -db_col_int64(s, 16);
        out->escrow_fen = out->paid_fen - out->released_fen - out->refunded_fen;
    }
    db_finalize(s);
    return rc;
}

int funds_refund_open_contract(db_conn *db, const policy *pol, const funds_contract *c,
                               int64_t actor, const char *reason, int64_t *refund_fen)
{
    int64_t now = now_unix(), txn = 0;
    int rc = DB_DONE;
    *refund_fen = c->escrow_fen > 0 ? c->escrow_fen : 0;
    if (*refund_fen > 0)
        rc = funds_ledger_post(db, c, FUNDS_REFUND, *refund_fen, actor, now, &txn);
    if (rc == DB_DONE && *refund_fen > 0) {
        char today[11], due[11];
        today_local(today);
        date_add_days(today, policy_v(pol)->fu6_refund_within_days, due);
        rc = db_run(db,
                    "INSERT INTO refunds (district_id, contract_id, institution_id, amount_fen, txn,"
                    " reason, requested_by, requested_at, due_date) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)", c->district_id, c->id, c->institution_id, *refund_fen, txn, reason,
                    actor, now, due);
    }
    if (rc == DB_DONE)
        rc = db_run(db,
                    "UPDATE contracts SET status = 'closed', close_reason = $2, closed_at = $3"
                    " WHERE id = $1", c->id, reason, now);
    return rc;
}

int funds_refund_institution(db_conn *db, const policy *pol, int64_t institution_id,
                             int64_t actor, const char *reason, int64_t *contracts,
                             int64_t *refund_fen)
{
    *contracts = *refund_fen = 0;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    db_stmt *s = db_query(db,
                          "SELECT id FROM contracts WHERE institution_id = $1 AND status = 'open'"
                          " ORDER BY id",
                          institution_id);
    int rc = s ? DB_ROW : DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            ids = realloc(ids, cap * sizeof *ids);
            if (!ids)
                abort();
        }
        ids[n++] = db_col_int64(s, 0);
    }
    db_finalize(s);
    rc = rc == DB_DONE ? DB_OK : DB_ERROR;
    for (size_t i = 0; rc == DB_OK && i < n; i++)
        rc = db_lock(db, DB_LOCK_CONTRACT, ids[i]);
    for (size_t i = 0; rc == DB_OK && i < n; i++) {
        funds_contract c;
        int64_t one = 0;
        rc = funds_contract_load(db, ids[i], &c) == DB_ROW ? DB_DONE : DB_ERROR;
        if (rc == DB_DONE && c.open)
            rc = funds_refund_open_contract(db, pol, &c, actor, reason, &one);
        *contracts += rc == DB_DONE && c.open;
        *refund_fen += one;
        rc = rc == DB_DONE ? DB_OK : rc;
    }
    free(ids);
    return rc == DB_OK ? DB_DONE : rc;
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
                " VALUES ($1, $2, $3, $4, $5, $6)", district_id, now_unix(), (int64_t)out->ok, out->entries, out->escrow_fen,
                detail);
    free(detail);
    return rc == DB_DONE ? DB_OK : rc;
}
