/*
 * store.c: the funds module's shared SQL: a contract with its figures derived from the ledger,
 * and refunding an open contract (used by the refund route and by closing an institution).
 */
#include <stdio.h>
#include <string.h>

#include "funds.h"

int funds_contract_load(db_conn *db, int64_t id, funds_contract *out)
{
    db_stmt *s = db_query(db,
                          "SELECT c.id, c.district_id, c.institution_id, c.course_id, c.student_id,"
                          " c.guardian_id, c.lessons, c.price_per_lesson_fen, c.amount_fen,"
                          " c.start_date, c.end_date, c.status, co.category,"
                          " (SELECT COUNT(*) FROM contract_lessons l WHERE l.contract_id = c.id)"
                          " FROM contracts c JOIN courses co ON co.id = c.course_id WHERE c.id = $1",
                          "i", id);
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
    }
    db_finalize(s);
    if (rc != DB_ROW)
        return rc;
    /* the escrow account's entries, by kind: the only source of every figure */
    s = db_query(db,
                 "SELECT kind, SUM(amount_fen) FROM ledger_entries WHERE contract_id = $1 AND"
                 " account = 'escrow' GROUP BY kind",
                 "i", id);
    if (!s)
        return DB_ERROR;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *kind = db_col_text(s, 0);
        int64_t sum = db_col_int64(s, 1);
        if (strcmp(kind, "payment") == 0)
            out->paid_fen = sum;
        else if (strcmp(kind, "release") == 0)
            out->released_fen = -sum;
        else if (strcmp(kind, "refund") == 0)
            out->refunded_fen = -sum;
    }
    db_finalize(s);
    if (rc != DB_DONE)
        return rc;
    out->escrow_fen = out->paid_fen - out->released_fen - out->refunded_fen;
    return DB_ROW;
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
        date_add_days(today, policy_int(pol, "FU-6", "refund_within_days", 5), due);
        rc = db_run(db,
                    "INSERT INTO refunds (district_id, contract_id, institution_id, amount_fen, txn,"
                    " reason, requested_by, requested_at, due_date) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                    "iiiiisiis", c->district_id, c->id, c->institution_id, *refund_fen, txn, reason,
                    actor, now, due);
    }
    if (rc == DB_DONE)
        rc = db_run(db,
                    "UPDATE contracts SET status = 'closed', close_reason = $2, closed_at = $3"
                    " WHERE id = $1",
                    "isi", c->id, reason, now);
    return rc;
}
