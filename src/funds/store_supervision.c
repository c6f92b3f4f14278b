/*
 * store_supervision.c: the funds module's reads for its handlers (funds_int.h): the lists of
 * contracts, of a contract's entries and lessons, of refunds owed, of verification runs and of
 * checkpoints as pages, and every institution's money and risk for the district's summary,
 * warnings and export. Every figure is a sum over ledger_entries (no balance is stored).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ident.h"
#include "funds/funds_int.h"

/* ---------- contracts ---------- */

#define CONTRACT_COLS                                                                              \
    "id:i,course_id:i,course_name:s,institution_id:i,institution_name:s,student_id:i,"             \
    "student_name:s,lessons:i,price_per_lesson_fen:i,amount_fen:i,start_date:s,end_date:s,"        \
    "status:s,paid_fen:i,released_fen:i,refunded_fen:i,lessons_delivered:i"
#define CONTRACT_SELECT                                                                            \
    "SELECT c.id, c.course_id, co.name, c.institution_id, i.name, c.student_id, p.name,"           \
    " c.lessons, c.price_per_lesson_fen, c.amount_fen, c.start_date, c.end_date, c.status,"        \
    " COALESCE((SELECT SUM(e.amount_fen) FROM ledger_entries e WHERE e.contract_id = c.id AND"     \
    " e.account = 'escrow' AND e.kind = 'payment'), 0),"                                           \
    " COALESCE((SELECT -SUM(e.amount_fen) FROM ledger_entries e WHERE e.contract_id = c.id AND"    \
    " e.account = 'escrow' AND e.kind = 'release'), 0),"                                           \
    " COALESCE((SELECT -SUM(e.amount_fen) FROM ledger_entries e WHERE e.contract_id = c.id AND"    \
    " e.account = 'escrow' AND e.kind = 'refund'), 0),"                                            \
    " (SELECT COUNT(*) FROM contract_lessons l WHERE l.contract_id = c.id)"                        \
    " FROM contracts c JOIN courses co ON co.id = c.course_id"                                     \
    " JOIN institutions i ON i.id = c.institution_id JOIN students p ON p.id = c.student_id"
#define CONTRACT_FILTERS                                                                           \
    " AND ($2 = 0 OR c.student_id = $2) AND ($3 = 0 OR c.institution_id = $3)"                     \
    " AND ($4 = '' OR c.status = $4)"
#define SCOPE_DISTRICT " WHERE c.district_id = $1"
#define SCOPE_INSTITUTION                                                                          \
    " WHERE c.institution_id IN (SELECT institution_id FROM user_roles WHERE user_id = $1"         \
    " AND role = 'institution_admin')"
#define SCOPE_GUARDIAN                                                                             \
    " WHERE c.student_id IN (SELECT student_id FROM guardianships WHERE user_id = $1)"

/* Each scope is a whole statement; no SQL is assembled from pieces at run time. */
static const char *const contracts_sql[3][2] = {
    [FU_SEE_DISTRICT] = {CONTRACT_SELECT SCOPE_DISTRICT CONTRACT_FILTERS " ORDER BY c.id DESC",
                         "SELECT COUNT(*) FROM contracts c" SCOPE_DISTRICT CONTRACT_FILTERS},
    [FU_SEE_INSTITUTION] = {CONTRACT_SELECT SCOPE_INSTITUTION CONTRACT_FILTERS
                            " ORDER BY c.id DESC",
                            "SELECT COUNT(*) FROM contracts c" SCOPE_INSTITUTION CONTRACT_FILTERS},
    [FU_SEE_GUARDIAN] = {CONTRACT_SELECT SCOPE_GUARDIAN CONTRACT_FILTERS " ORDER BY c.id DESC",
                         "SELECT COUNT(*) FROM contracts c" SCOPE_GUARDIAN CONTRACT_FILTERS},
};

json_t *fu_store_contracts(db_conn *c, fu_see who, int64_t key, int64_t student_id,
                           int64_t institution_id, const char *status, int64_t limit,
                           int64_t offset)
{
    json_t *page =
        db_list_page_a(c, contracts_sql[who][0], contracts_sql[who][1], CONTRACT_COLS, limit,
                       offset, DB_ARGS(key, student_id, institution_id, status ? status : ""));
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(page, "items"), i, it)
    {
        int64_t paid = json_integer_value(json_object_get(it, "paid_fen"));
        int64_t rel = json_integer_value(json_object_get(it, "released_fen"));
        int64_t ref = json_integer_value(json_object_get(it, "refunded_fen"));
        json_object_set_new(it, "escrow_fen", json_integer(paid - rel - ref));
    }
    return page;
}

json_t *fu_store_contract_ledger(db_conn *c, int64_t contract_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT seq, txn, kind, account, account_id, amount_fen, at, hash"
                        " FROM ledger_entries WHERE contract_id = $1 ORDER BY seq",
                        "SELECT COUNT(*) FROM ledger_entries WHERE contract_id = $1",
                        "seq:i,txn:i,kind:s,account:s,account_id:i,amount_fen:i,at:i,hash:s", limit,
                        offset, contract_id);
}

json_t *fu_store_contract_lessons(db_conn *c, int64_t contract_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT id, date, start_time, txn, created_at, reason FROM contract_lessons"
                        " WHERE contract_id = $1 ORDER BY date, id",
                        "SELECT COUNT(*) FROM contract_lessons WHERE contract_id = $1",
                        "id:i,date:s,start:S,txn:i,created_at:i,reason:S", limit, offset,
                        contract_id);
}

/* ---------- refunds, verification runs, checkpoints ---------- */

json_t *fu_store_refunds(db_conn *c, int64_t district_id, int64_t institution_id, bool late,
                         const char *today, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT f.id, f.contract_id, f.institution_id, i.name, f.amount_fen,"
                        " f.reason, f.requested_at, f.due_date, f.paid_out_at FROM refunds f"
                        " JOIN institutions i ON i.id = f.institution_id WHERE f.district_id = $1"
                        " AND ($2 = 0 OR f.institution_id = $2) AND ($3 = 0 OR"
                        " (f.paid_out_at IS NULL AND f.due_date < $4)) ORDER BY f.id DESC",
                        "SELECT COUNT(*) FROM refunds f WHERE f.district_id = $1 AND"
                        " ($2 = 0 OR f.institution_id = $2) AND ($3 = 0 OR"
                        " (f.paid_out_at IS NULL AND f.due_date < $4))",
                        "id:i,contract_id:i,institution_id:i,institution_name:s,amount_fen:i,"
                        "reason:s,requested_at:i,due_date:s,paid_out_at:I",
                        limit, offset, district_id, institution_id, late, today);
}

json_t *fu_store_verifications(db_conn *c, int64_t district_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT id, at, ok, entries, escrow_fen, detail FROM funds_verifications"
                        " WHERE district_id = $1 ORDER BY id DESC",
                        "SELECT COUNT(*) FROM funds_verifications WHERE district_id = $1",
                        "id:i,at:i,ok:b,entries:i,escrow_fen:i,detail:S", limit, offset,
                        district_id);
}

json_t *fu_store_checkpoints(db_conn *c, int64_t district_id, int64_t limit, int64_t offset)
{
    int64_t total = 0;
    int rc = db_query_int64(c, &total,
                            "SELECT COUNT(*) FROM ledger_checkpoints"
                            " WHERE $1 = 0 OR district_id = $1",
                            district_id);
    db_stmt *s = rc == DB_ROW ? db_query(c,
                                         "SELECT id, district_id, entries, head_hash, at,"
                                         " public_key, signature FROM ledger_checkpoints"
                                         " WHERE $1 = 0 OR district_id = $1"
                                         " ORDER BY id DESC LIMIT $2 OFFSET $3",
                                         district_id, limit, offset)
                              : NULL;
    if (!s)
        return NULL;
    json_t *items = json_array();
    while ((rc = db_step(s)) == DB_ROW) {
        funds_checkpoint cp = {0};
        db_row row = db_row_at(s, 0);
        cp.id = db_next_int64(&row);
        cp.district_id = db_next_int64(&row);
        cp.entries = db_next_int64(&row);
        DB_NEXT_TEXT(&row, cp.head_hash);
        cp.at = db_next_int64(&row);
        DB_NEXT_TEXT(&row, cp.public_key);
        DB_NEXT_TEXT(&row, cp.signature);
        json_array_append_new(items, funds_checkpoint_json(&cp));
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(items);
        return NULL;
    }
    return list_json(items, total);
}

/* ---------- FU-4: risk deposits ---------- */

json_t *fu_store_risk_deposits(db_conn *c, int64_t institution_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT id, amount_fen, covers_prepaid_fen, bank, reference, valid_from,"
                        " valid_to, note, policy_version, recorded_at FROM risk_deposits"
                        " WHERE institution_id = $1 ORDER BY id DESC",
                        "SELECT COUNT(*) FROM risk_deposits WHERE institution_id = $1",
                        "id:i,amount_fen:i,covers_prepaid_fen:i,bank:s,reference:s,valid_from:s,"
                        "valid_to:s,note:S,policy_version:s,recorded_at:i",
                        limit, offset, institution_id);
}

int fu_store_risk_cover(db_conn *c, int64_t institution_id, const char *today, funds_cover *out)
{
    db_stmt *s = db_query(c,
                          "SELECT (SELECT COALESCE(SUM(amount_fen), 0) FROM risk_deposits"
                          " WHERE institution_id = $1 AND valid_from <= $2 AND valid_to >= $2),"
                          " (SELECT COALESCE(SUM(covers_prepaid_fen), 0) FROM risk_deposits"
                          " WHERE institution_id = $1 AND valid_from <= $2 AND valid_to >= $2),"
                          " (SELECT COALESCE(SUM(e.amount_fen), 0) FROM ledger_entries e"
                          " JOIN contracts k ON k.id = e.contract_id"
                          " WHERE e.account = 'escrow' AND k.institution_id = $1)",
                          institution_id, today);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        out->deposit_fen = db_next_int64(&row);
        out->covers_prepaid_fen = db_next_int64(&row);
        out->escrow_fen = db_next_int64(&row);
    }
    db_finalize(s);
    return rc;
}

/* ---------- every institution's money and risk ---------- */

/* Per institution: ledger sums, contracts, lesson pace, late refunds, registry state. */
static const char STATS_SQL[] =
    "SELECT i.id, i.name, i.category, i.state, i.list, i.license_valid_until, i.created_at,"
    " COALESCE(f.paid, 0), COALESCE(f.released, 0), COALESCE(f.refunded, 0), COALESCE(f.escrow, 0),"
    " COALESCE(f.released_recent, 0),"
    " (SELECT COUNT(*) FROM contracts c WHERE c.institution_id = i.id AND c.status = 'open'),"
    " (SELECT MIN(c.start_date) FROM contracts c WHERE c.institution_id = i.id AND"
    " c.status = 'open'),"
    " (SELECT MAX(l.date) FROM contract_lessons l JOIN contracts c ON c.id = l.contract_id"
    " WHERE c.institution_id = i.id),"
    " (SELECT COUNT(*) FROM refunds x WHERE x.institution_id = i.id AND x.paid_out_at IS NULL"
    " AND x.due_date < $2),"
    " (SELECT COALESCE(SUM(x.amount_fen), 0) FROM refunds x WHERE x.institution_id = i.id AND"
    " x.paid_out_at IS NULL AND x.due_date < $2),"
    " (SELECT MAX(y.date) FROM institution_inspections y WHERE y.institution_id = i.id),"
    " (SELECT COUNT(*) FROM contracts c WHERE c.institution_id = i.id), i.license_no"
    " FROM institutions i LEFT JOIN (SELECT c.institution_id AS iid,"
    " SUM(CASE WHEN e.kind = 'payment' THEN e.amount_fen ELSE 0 END) AS paid,"
    " SUM(CASE WHEN e.kind = 'release' THEN -e.amount_fen ELSE 0 END) AS released,"
    " SUM(CASE WHEN e.kind = 'refund' THEN -e.amount_fen ELSE 0 END) AS refunded,"
    " SUM(e.amount_fen) AS escrow,"
    " SUM(CASE WHEN e.kind = 'release' AND e.at >= $3 THEN -e.amount_fen ELSE 0 END)"
    " AS released_recent"
    " FROM ledger_entries e JOIN contracts c ON c.id = e.contract_id"
    " WHERE e.account = 'escrow' AND e.district_id = $1 GROUP BY c.institution_id) f"
    " ON f.iid = i.id WHERE i.district_id = $1 AND ($4 = 0 OR i.id = $4)"
    " ORDER BY COALESCE(f.escrow, 0) DESC, i.id";

static int64_t days_between(const char *from, const char *to)
{
    return date_days(to) - date_days(from);
}

/* One row of STATS_SQL into x, with its warnings. */
static void stats_row(db_stmt *s, const policy *pol, const char *today, fu_inst_row *x)
{
    memset(x, 0, sizeof *x);
    db_row row = db_row_at(s, 0);
    x->id = db_next_int64(&row);
    DB_NEXT_TEXT(&row, x->name);
    DB_NEXT_TEXT(&row, x->category);
    DB_NEXT_TEXT(&row, x->state);
    DB_NEXT_TEXT(&row, x->list);
    char valid[11] = "", reg[11], first_open[11] = "", last_lesson[11] = "", last_insp[11] = "";
    bool has_valid = !db_next_isnull(&row);
    DB_NEXT_TEXT(&row, valid);
    unix_date(db_next_int64(&row), reg);
    x->paid = db_next_int64(&row);
    x->released = db_next_int64(&row);
    x->refunded = db_next_int64(&row);
    x->escrow = db_next_int64(&row);
    x->released_recent = db_next_int64(&row);
    x->open_contracts = db_next_int64(&row);
    DB_NEXT_TEXT(&row, first_open); /* "" for NULL */
    DB_NEXT_TEXT(&row, last_lesson);
    funds_inst_stats *st = &x->st;
    st->late_refunds = db_next_int64(&row);
    st->late_refund_fen = db_next_int64(&row);
    bool has_insp = !db_next_isnull(&row);
    DB_NEXT_TEXT(&row, last_insp);
    x->contracts = db_next_int64(&row);
    st->license_no_invalid = !ident_license_no_valid(db_next_text_ref(&row));
    st->escrow_fen = x->escrow;
    st->released_recent_fen = x->released_recent;
    st->open_contracts = x->open_contracts;
    st->days_since_last_lesson = valid_date(last_lesson) ? days_between(last_lesson, today) : -1;
    st->days_since_open_start = valid_date(first_open) && strcmp(first_open, today) <= 0
                                    ? days_between(first_open, today)
                                    : -1;
    st->inspection_overdue =
        training_inspection_overdue(pol, has_insp ? last_insp : NULL, reg, today);
    st->license_expired = has_valid && strcmp(valid, today) < 0;
    /* an active institution's risk, or money still waiting at a closed one */
    if (strcmp(x->state, "active") == 0 || x->escrow > 0 || st->late_refunds > 0)
        x->nwarn = funds_risk_assess(pol, st, x->warn);
}

int fu_store_stats(db_conn *c, const policy *pol, int64_t district_id, int64_t institution_id,
                   fu_inst_row **rows, size_t *n)
{
    char today[11];
    today_local(today);
    *rows = NULL;
    *n = 0;
    db_stmt *s =
        db_query(c, STATS_SQL, district_id, today, now_unix() - 30 * 86400, institution_id);
    if (!s)
        return DB_ERROR;
    size_t cap = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *rows = realloc(*rows, cap * sizeof **rows);
            if (!*rows)
                abort();
        }
        stats_row(s, pol, today, &(*rows)[(*n)++]);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc == DB_DONE ? DB_OK : rc;
}
