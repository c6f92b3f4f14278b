/*
 * api.c: the funds module's HTTP handlers: contracts (FU-2, FU-3), payments into escrow,
 * lessons delivered (FU-5), refunds (FU-6), suspending or closing an institution (every open
 * contract refunded in one transaction), reconciliation (against the signed checkpoints too),
 * the public list of checkpoints, risk warnings and the district's view of the funds under
 * supervision with its XLSX export.
 *
 * Scope: a contract is seen by the guardians of its pupil, the institution_admin of its
 * institution and the district's staff; anyone else gets 403. Every movement runs in one write
 * transaction holding the contract's lock (then the ledger's, in funds_ledger_post): the
 * figures that decide it are read after the lock, so concurrent payments, lessons and refunds
 * on one contract can never overdraw its escrow or pay past its amount.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ident.h"
#include "core/xlsx.h"
#include "funds.h"

#define DISTRICT_STAFF (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR))
#define INST_ADMIN ROLE_BIT(ROLE_INSTITUTION_ADMIN)
#define GUARDIAN ROLE_BIT(ROLE_GUARDIAN)
#define ANY_FUNDS_ROLE (DISTRICT_STAFF | INST_ADMIN | GUARDIAN)
#define MAX_OPEN_CONTRACTS 200

/* ---------- helpers ---------- */

typedef enum { SEE_NONE = 0, SEE_GUARDIAN = 1, SEE_INSTITUTION = 2, SEE_DISTRICT = 4 } seer;

static unsigned contract_seer(req *r, const funds_contract *c)
{
    unsigned who = SEE_NONE;
    if (c->district_id == r->user->district_id && auth_district_staff(r->user))
        who |= SEE_DISTRICT;
    if (auth_institution_admin(r->user, c->institution_id))
        who |= SEE_INSTITUTION;
    if (auth_has(r->user, ROLE_GUARDIAN) && auth_guardian_of(r, c->student_id))
        who |= SEE_GUARDIAN;
    return who;
}

/* Loads the contract (without a lock) and checks the caller is one of `allowed`; false after
 * replying 404, 403 or 500. */
static bool contract_or_reply(req *r, int64_t id, unsigned allowed, funds_contract *c)
{
    int rc = funds_contract_load(r->db, id, c);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    if (!auth_same_district_or_reply(r, c->district_id))
        return false;
    if (!(contract_seer(r, c) & allowed)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}

static json_t *contract_json(req *r, const funds_contract *c)
{
    json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:s,s:s}",
                          "id", (json_int_t)c->id, "amount_fen", (json_int_t)c->amount_fen,
                          "paid_fen", (json_int_t)c->paid_fen, "released_fen",
                          (json_int_t)c->released_fen, "refunded_fen", (json_int_t)c->refunded_fen,
                          "escrow_fen", (json_int_t)c->escrow_fen, "lessons", (json_int_t)c->lessons,
                          "lessons_delivered", (json_int_t)c->lessons_delivered,
                          "price_per_lesson_fen", (json_int_t)c->price_per_lesson_fen,
                          "owed_fen", (json_int_t)(c->amount_fen - c->paid_fen), "course_id",
                          (json_int_t)c->course_id, "institution_id", (json_int_t)c->institution_id,
                          "student_id", (json_int_t)c->student_id, "guardian_id",
                          (json_int_t)c->guardian_id, "lessons_left",
                          (json_int_t)(c->lessons - c->lessons_delivered), "status",
                          c->open ? "open" : "closed", "start_date", c->start_date, "end_date",
                          c->end_date, "category", c->subject_based ? "subject" : "non_subject");
    db_stmt *s = db_query(r->db,
                          "SELECT co.name, i.name, p.name, c.close_reason, c.created_at, c.closed_at"
                          " FROM contracts c JOIN courses co ON co.id = c.course_id"
                          " JOIN institutions i ON i.id = c.institution_id"
                          " JOIN students p ON p.id = c.student_id WHERE c.id = $1", c->id);
    if (s && db_step(s) == DB_ROW) {
        json_object_set_new(o, "course_name", json_string(db_col_text(s, 0)));
        json_object_set_new(o, "institution_name", json_string(db_col_text(s, 1)));
        json_object_set_new(o, "student_name", json_string(db_col_text(s, 2)));
        if (!db_col_isnull(s, 3))
            json_object_set_new(o, "close_reason", json_string(db_col_text(s, 3)));
        char ts[32];
        unix_rfc3339(db_col_int64(s, 4), ts);
        json_object_set_new(o, "created_at", json_string(ts));
        if (!db_col_isnull(s, 5)) {
            unix_rfc3339(db_col_int64(s, 5), ts);
            json_object_set_new(o, "closed_at", json_string(ts));
        }
    }
    db_finalize(s);
    return o;
}

/* Reloads the contract after a committed write and answers with it (inside `wrap` when not
 * NULL, under "contract"). */
static void reply_contract(req *r, int status, int64_t id, json_t *wrap)
{
    funds_contract c;
    if (funds_contract_load(r->db, id, &c) != DB_ROW) {
        json_decref(wrap);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = contract_json(r, &c);
    if (wrap) {
        json_object_set_new(wrap, "contract", o);
        o = wrap;
    }
    reply_json(r, status, o);
}

static void reply_check(req *r, funds_check k, const funds_contract *c, int64_t amount)
{
    json_t *extra = NULL;
    switch (k) {
    case FUNDS_CLOSED:
        reply_err_detail(r, SJ_ERR_CONTRACT_CLOSED, json_pack("{s:I}", "contract_id", (json_int_t)c->id));
        return;
    case FUNDS_OVERPAYMENT:
        extra = json_pack("{s:I,s:I,s:I,s:I}", "amount_fen", (json_int_t)c->amount_fen, "paid_fen",
                          (json_int_t)c->paid_fen, "owed_fen", (json_int_t)(c->amount_fen - c->paid_fen),
                          "requested_fen", (json_int_t)amount);
        reply_err_detail(r, SJ_ERR_OVERPAYMENT, extra);
        return;
    case FUNDS_NO_LESSONS_LEFT:
        extra = json_pack("{s:I,s:I}", "lessons", (json_int_t)c->lessons, "lessons_delivered",
                          (json_int_t)c->lessons_delivered);
        reply_err_detail(r, SJ_ERR_NO_LESSONS_LEFT, extra);
        return;
    case FUNDS_INSUFFICIENT_ESCROW:
        extra = json_pack("{s:I,s:I}", "escrow_fen", (json_int_t)c->escrow_fen,
                          "price_per_lesson_fen", (json_int_t)c->price_per_lesson_fen);
        reply_err_detail(r, SJ_ERR_INSUFFICIENT_ESCROW, extra);
        return;
    case FUNDS_OK:
        break;
    }
    reply_err(r, SJ_ERR_INTERNAL);
}

/* ---------- contracts ---------- */

static void h_contract_create(req *r)
{
    int64_t course_id, student_id, lessons;
    const char *start, *end;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "course_id", 1, INT64_MAX, true, &course_id) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &student_id) ||
        !body_int_or_reply(r, "lessons", 1, 10000, true, &lessons) ||
        !body_date_or_reply(r, "start_date", true, &start) ||
        !body_date_or_reply(r, "end_date", true, &end))
        return;
    if (strcmp(end, start) < 0) {
        json_t *extra = json_pack("{s:s,s:s}", "field", "end_date", "message",
                                  r->english ? "The end date comes before the start date"
                                             : "结束日期早于开始日期");
        reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
        return;
    }
    if (!auth_guardian_of(r, student_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    training_course_row co;
    training_institution in;
    int rc = training_course_get(r->db, course_id, &co);
    if (rc == DB_ROW && co.district_id != r->user->district_id)
        rc = DB_DONE;
    if (rc != DB_ROW) {
        reply_err_field(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL, "course_id");
        return;
    }
    if (strcmp(co.review_state, "rejected") == 0) {
        reply_err_field(r, SJ_ERR_COURSE_NOT_OPEN, "course_id");
        return;
    }
    const policy *pol = r->pol;
    int64_t amount = lessons * co.price_per_lesson_fen;
    training_verdict v;
    if (!funds_charge_check(pol, co.subject_based, amount, &v)) {
        training_reply_verdict(r, &v);
        return;
    }
    /* FU-2 counts every open contract of the pupil with the institution: serialise on the
     * institution (its state) and on the pupil, then count and insert */
    rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_INSTITUTION, co.institution_id);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_STUDENT, student_id);
    if (rc == DB_OK)
        rc = training_institution_get(r->db, co.institution_id, &in) == DB_ROW ? DB_OK : DB_ERROR;
    if (rc != DB_OK) {
        db_rollback(r->db);
        reply_db(r, rc);
        return;
    }
    if (!training_institution_open_or_reply(r, &in)) {
        db_rollback(r->db);
        return;
    }
    funds_span open[MAX_OPEN_CONTRACTS];
    char dates[MAX_OPEN_CONTRACTS][2][11];
    size_t nopen = 0;
    db_stmt *s = db_query(r->db,
                          "SELECT start_date, end_date, lessons FROM contracts WHERE student_id = $1"
                          " AND institution_id = $2 AND status = 'open' ORDER BY id", student_id, co.institution_id);
    rc = s ? DB_ROW : DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW && nopen < MAX_OPEN_CONTRACTS) {
        snprintf(dates[nopen][0], 11, "%s", db_col_text(s, 0));
        snprintf(dates[nopen][1], 11, "%s", db_col_text(s, 1));
        open[nopen] = (funds_span){dates[nopen][0], dates[nopen][1], db_col_int64(s, 2)};
        nopen++;
    }
    db_finalize(s);
    if (rc != DB_DONE && rc != DB_ROW) {
        db_rollback(r->db);
        reply_db(r, rc);
        return;
    }
    funds_span want = {start, end, lessons};
    if (!funds_prepay_check(pol, &want, open, nopen, &v)) {
        db_rollback(r->db);
        training_reply_verdict(r, &v);
        return;
    }
    int64_t id = 0;
    rc = db_insert_id(r->db, &id,
                      "INSERT INTO contracts (district_id, institution_id, course_id, student_id,"
                      " guardian_id, lessons, price_per_lesson_fen, amount_fen, start_date, end_date,"
                      " policy_version, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"
                      " RETURNING id", r->user->district_id, co.institution_id, co.id, student_id,
                      r->user->id, lessons, co.price_per_lesson_fen, amount, start, end,
                      policy_version(pol), now_unix());
    if (rc == DB_DONE)
        rc = db_commit(r->db) == DB_OK ? DB_DONE : DB_ERROR;
    else
        db_rollback(r->db);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    reply_contract(r, 201, id, NULL);
}

static void h_contract_get(req *r)
{
    funds_contract c;
    if (!contract_or_reply(r, r->params[0], SEE_GUARDIAN | SEE_INSTITUTION | SEE_DISTRICT, &c))
        return;
    reply_json(r, 200, contract_json(r, &c));
}

#define CONTRACT_LIST_COLS                                                                      \
    "id:i,course_id:i,course_name:s,institution_id:i,institution_name:s,student_id:i,"           \
    "student_name:s,lessons:i,price_per_lesson_fen:i,amount_fen:i,start_date:s,end_date:s,"      \
    "status:s,paid_fen:i,released_fen:i,refunded_fen:i,lessons_delivered:i"
#define CONTRACT_LIST_SELECT                                                                    \
    "SELECT c.id, c.course_id, co.name, c.institution_id, i.name, c.student_id, p.name,"         \
    " c.lessons, c.price_per_lesson_fen, c.amount_fen, c.start_date, c.end_date, c.status,"      \
    " COALESCE((SELECT SUM(e.amount_fen) FROM ledger_entries e WHERE e.contract_id = c.id AND"   \
    " e.account = 'escrow' AND e.kind = 'payment'), 0),"                                         \
    " COALESCE((SELECT -SUM(e.amount_fen) FROM ledger_entries e WHERE e.contract_id = c.id AND"  \
    " e.account = 'escrow' AND e.kind = 'release'), 0),"                                         \
    " COALESCE((SELECT -SUM(e.amount_fen) FROM ledger_entries e WHERE e.contract_id = c.id AND"  \
    " e.account = 'escrow' AND e.kind = 'refund'), 0),"                                          \
    " (SELECT COUNT(*) FROM contract_lessons l WHERE l.contract_id = c.id)"                     \
    " FROM contracts c JOIN courses co ON co.id = c.course_id"                                   \
    " JOIN institutions i ON i.id = c.institution_id JOIN students p ON p.id = c.student_id"

static void h_contract_list(req *r)
{
    int64_t student_id, institution_id, limit, offset, total = 0;
    const char *status = req_query(r, "status");
    if (!req_query_int64_or_reply(r, "student_id", 0, &student_id) ||
        !req_query_int64_or_reply(r, "institution_id", 0, &institution_id) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    /* the caller's scope: district staff the district, an institution admin its institutions,
     * a guardian the contracts of the pupils they guard */
    const char *scope;
    int64_t key;
    if (auth_district_staff(r->user)) {
        scope = "c.district_id = $1";
        key = r->user->district_id;
    } else if (auth_has(r->user, ROLE_INSTITUTION_ADMIN)) {
        scope = "c.institution_id IN (SELECT institution_id FROM user_roles WHERE user_id = $1"
                " AND role = 'institution_admin')";
        key = r->user->id;
    } else {
        scope = "c.student_id IN (SELECT student_id FROM guardianships WHERE user_id = $1)";
        key = r->user->id;
    }
    const char *where = req_printf(r, " WHERE %s AND ($2 = 0 OR c.student_id = $2) AND"
                                      " ($3 = 0 OR c.institution_id = $3) AND ($4 = '' OR c.status = $4)",
                                   scope);
    const char *st = status ? status : "";
    db_stmt *s = db_query(r->db,
                          req_printf(r, CONTRACT_LIST_SELECT "%s ORDER BY c.id DESC LIMIT $5 OFFSET $6",
                                     where), key, student_id, institution_id, st, limit, offset);
    json_t *items = db_rows_json(s, CONTRACT_LIST_COLS);
    if (!items ||
        db_query_int64(r->db, &total, req_printf(r, "SELECT COUNT(*) FROM contracts c%s", where), key, student_id, institution_id, st) != DB_ROW) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        int64_t paid = json_integer_value(json_object_get(it, "paid_fen"));
        int64_t rel = json_integer_value(json_object_get(it, "released_fen"));
        int64_t ref = json_integer_value(json_object_get(it, "refunded_fen"));
        json_object_set_new(it, "escrow_fen", json_integer(paid - rel - ref));
    }
    reply_json(r, 200, list_json(items, total));
}

static void h_contract_ledger(req *r)
{
    funds_contract c;
    if (!contract_or_reply(r, r->params[0], SEE_GUARDIAN | SEE_INSTITUTION | SEE_DISTRICT, &c))
        return;
    reply_list(r,
               "SELECT seq, txn, kind, account, account_id, amount_fen, at, hash FROM ledger_entries"
               " WHERE contract_id = $1 ORDER BY seq",
               "SELECT COUNT(*) FROM ledger_entries WHERE contract_id = $1",
               "seq:i,txn:i,kind:s,account:s,account_id:i,amount_fen:i,at:i,hash:s", c.id);
}

static void h_contract_lessons(req *r)
{
    funds_contract c;
    if (!contract_or_reply(r, r->params[0], SEE_GUARDIAN | SEE_INSTITUTION | SEE_DISTRICT, &c))
        return;
    reply_list(r,
               "SELECT id, date, txn, created_at FROM contract_lessons WHERE contract_id = $1"
               " ORDER BY date, id",
               "SELECT COUNT(*) FROM contract_lessons WHERE contract_id = $1",
               "id:i,date:s,txn:i,created_at:i", c.id);
}

/* ---------- movements ---------- */

/* Begins the write transaction and takes the contract's lock, then reloads its figures. */
static int movement_begin(req *r, int64_t id, funds_contract *c)
{
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_CONTRACT, id);
    if (rc == DB_OK)
        rc = funds_contract_load(r->db, id, c) == DB_ROW ? DB_OK : DB_ERROR;
    if (rc != DB_OK)
        db_rollback(r->db);
    return rc;
}

static int movement_commit(req *r, int rc)
{
    if (rc == DB_DONE)
        return db_commit(r->db) == DB_OK ? DB_DONE : DB_ERROR;
    db_rollback(r->db);
    return rc;
}

static void h_payment(req *r)
{
    funds_contract c;
    int64_t amount, txn = 0;
    if (!contract_or_reply(r, r->params[0], SEE_GUARDIAN, &c))
        return;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "amount_fen", 1, 100000000000LL, true, &amount))
        return;
    int rc = movement_begin(r, c.id, &c);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return;
    }
    funds_check k = funds_payment_check(&c, amount);
    if (k != FUNDS_OK) {
        db_rollback(r->db);
        reply_check(r, k, &c, amount);
        return;
    }
    rc = funds_ledger_post(r->db, &c, FUNDS_PAYMENT, amount, r->user->id, now_unix(), &txn);
    rc = movement_commit(r, rc);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = c.id;
    reply_contract(r, 201, c.id,
                   json_pack("{s:I,s:I,s:I}", "txn", (json_int_t)txn, "contract_id",
                             (json_int_t)c.id, "amount_fen", (json_int_t)amount));
}

static void h_lesson(req *r)
{
    funds_contract c;
    const char *date;
    int64_t txn = 0, lesson_id = 0;
    if (!contract_or_reply(r, r->params[0], SEE_INSTITUTION, &c))
        return;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &date))
        return;
    /* TR-2: a subject-based lesson may not fall on a weekend, holiday or vacation day */
    training_verdict v;
    int kind = calendar_day_kind(r->db, c.district_id, date, NULL, 0);
    if (kind < 0) {
        reply_db(r, kind);
        return;
    }
    if (!training_lesson_day_check(r->pol, c.subject_based, (day_kind)kind, date, &v)) {
        training_reply_verdict(r, &v);
        return;
    }
    int rc = movement_begin(r, c.id, &c);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return;
    }
    funds_check k = funds_lesson_check(&c);
    if (k != FUNDS_OK) {
        db_rollback(r->db);
        reply_check(r, k, &c, 0);
        return;
    }
    int64_t now = now_unix();
    rc = funds_ledger_post(r->db, &c, FUNDS_RELEASE, c.price_per_lesson_fen, r->user->id, now, &txn);
    if (rc == DB_DONE)
        rc = db_insert_id(r->db, &lesson_id,
                          "INSERT INTO contract_lessons (contract_id, date, txn, created_by, created_at)"
                          " VALUES ($1, $2, $3, $4, $5) RETURNING id", c.id, date, txn, r->user->id, now);
    /* the last lesson delivered completes the contract: nothing is left in escrow */
    if (rc == DB_DONE && c.lessons_delivered + 1 == c.lessons)
        rc = db_run(r->db,
                    "UPDATE contracts SET status = 'closed', close_reason = 'completed',"
                    " closed_at = $2 WHERE id = $1", c.id, now);
    rc = movement_commit(r, rc);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = c.id;
    reply_contract(r, 201, c.id,
                   json_pack("{s:I,s:I,s:s,s:I,s:I}", "id", (json_int_t)lesson_id, "contract_id",
                             (json_int_t)c.id, "date", date, "txn", (json_int_t)txn,
                             "released_fen", (json_int_t)c.price_per_lesson_fen));
}

static void h_refund(req *r)
{
    funds_contract c;
    const char *reason = NULL;
    int64_t refund = 0;
    if (!contract_or_reply(r, r->params[0], SEE_GUARDIAN | SEE_DISTRICT, &c))
        return;
    if (r->body && (!body_require_object_or_reply(r) ||
                    !body_str_or_reply(r, "reason", 200, false, &reason)))
        return;
    int rc = movement_begin(r, c.id, &c);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return;
    }
    if (!c.open) {
        db_rollback(r->db);
        reply_check(r, FUNDS_CLOSED, &c, 0);
        return;
    }
    rc = funds_refund_open_contract(r->db, r->pol, &c, r->user->id,
                                    reason ? reason : "refund requested", &refund);
    rc = movement_commit(r, rc);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = c.id;
    reply_contract(r, 200, c.id, json_pack("{s:I}", "refund_fen", (json_int_t)refund));
}

/* ---------- institutions: suspension and closure ---------- */

static void h_institution_state(req *r)
{
    static const char *const states[] = {"active", "suspended", "closed", NULL};
    const char *reason;
    int st;
    training_institution in;
    int64_t id = r->params[0];
    int rc = training_institution_get(r->db, id, &in);
    if (rc != DB_ROW || in.district_id != r->user->district_id) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!body_require_object_or_reply(r) || !body_enum_or_reply(r, "state", states, true, &st) ||
        !body_str_or_reply(r, "reason", 500, st != 0, &reason))
        return;
    rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_INSTITUTION, id);
    if (rc == DB_OK)
        rc = training_institution_get(r->db, id, &in) == DB_ROW ? DB_OK : DB_ERROR;
    if (rc != DB_OK) {
        db_rollback(r->db);
        reply_db(r, rc);
        return;
    }
    if (strcmp(in.state, "closed") == 0) {
        db_rollback(r->db);
        reply_err_detail(r, SJ_ERR_INSTITUTION_INACTIVE, json_pack("{s:s}", "state", in.state));
        return;
    }
    /* every open contract: locks in ascending id order (funds.h), then one refund each */
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    if (st != 0) {
        db_stmt *s = db_query(r->db,
                              "SELECT id FROM contracts WHERE institution_id = $1 AND status = 'open'"
                              " ORDER BY id", id);
        rc = s ? DB_ROW : DB_ERROR;
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
    }
    for (size_t i = 0; rc == DB_OK && i < n; i++)
        rc = db_lock(r->db, DB_LOCK_CONTRACT, ids[i]);
    int64_t total = 0, refunded = 0;
    const char *why = st == 1 ? "institution suspended" : "institution closed";
    for (size_t i = 0; rc == DB_OK && i < n; i++) {
        funds_contract c;
        int64_t one = 0;
        rc = funds_contract_load(r->db, ids[i], &c) == DB_ROW ? DB_DONE : DB_ERROR;
        if (rc == DB_DONE && c.open)
            rc = funds_refund_open_contract(r->db, r->pol, &c, r->user->id, why, &one);
        total += one;
        refunded += one > 0;
        rc = rc == DB_DONE ? DB_OK : rc;
    }
    free(ids);
    if (rc == DB_OK)
        rc = db_run(r->db,
                    "UPDATE institutions SET state = $2, state_reason = $3, state_changed_at = $4"
                    " WHERE id = $1", id, states[st], reason, now_unix());
    rc = movement_commit(r, rc);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    reply_json(r, 200, json_pack("{s:I,s:s,s:s?,s:I,s:I,s:I}", "id", (json_int_t)id, "state",
                                 states[st], "reason", reason, "contracts_closed", (json_int_t)n,
                                 "refunds", (json_int_t)refunded, "refund_fen", (json_int_t)total));
}

/* ---------- refunds owed to families ---------- */

static void h_refund_list(req *r)
{
    int64_t institution_id, late;
    char today[11];
    today_local(today);
    if (!req_query_int64_or_reply(r, "institution_id", 0, &institution_id) ||
        !req_query_int64_or_reply(r, "late", 0, &late))
        return;
    if (!auth_district_staff(r->user) &&
        (!institution_id || !auth_institution_admin(r->user, institution_id))) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    reply_list(r,
               "SELECT f.id, f.contract_id, f.institution_id, i.name, f.amount_fen, f.reason,"
               " f.requested_at, f.due_date, f.paid_out_at FROM refunds f"
               " JOIN institutions i ON i.id = f.institution_id WHERE f.district_id = $1 AND"
               " ($2 = 0 OR f.institution_id = $2) AND ($3 = 0 OR (f.paid_out_at IS NULL AND"
               " f.due_date < $4)) ORDER BY f.id DESC",
               "SELECT COUNT(*) FROM refunds f WHERE f.district_id = $1 AND"
               " ($2 = 0 OR f.institution_id = $2) AND ($3 = 0 OR (f.paid_out_at IS NULL AND"
               " f.due_date < $4))",
               "id:i,contract_id:i,institution_id:i,institution_name:s,amount_fen:i,reason:s,"
               "requested_at:i,due_date:s,paid_out_at:I", r->user->district_id, institution_id, late, today);
}

/* The custody bank's transfer back to the family is recorded by the district. */
static void h_refund_paid_out(req *r)
{
    int64_t one = 0;
    int rc = db_query_int64(r->db, &one,
                            "UPDATE refunds SET paid_out_at = $3 WHERE id = $1 AND district_id = $2"
                            " AND paid_out_at IS NULL RETURNING id", r->params[0], r->user->district_id, now_unix());
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    reply_empty(r, 204);
}

/* ---------- supervision ---------- */

static json_t *verify_json(const funds_verify_result *v)
{
    json_t *problems = json_array();
    for (int i = 0; i < v->nproblems && i < FUNDS_VERIFY_PROBLEMS; i++)
        json_array_append_new(problems, json_string(v->problems[i]));
    json_t *cps = json_pack("{s:b,s:I,s:I,s:I,s:I}", "keys_configured", v->keys_configured,
                            "count", (json_int_t)v->checkpoints, "valid",
                            (json_int_t)v->checkpoints_valid, "anchored_entries",
                            (json_int_t)v->anchored_entries, "entries_after",
                            (json_int_t)(v->head_seq - v->anchored_entries));
    char when[32];
    if (v->anchored_at)
        unix_rfc3339(v->anchored_at, when);
    json_object_set_new(cps, "anchored_at", v->anchored_at ? json_string(when) : json_null());
    return json_pack("{s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:b,s:I,s:o,s:o}", "ok", v->ok,
                     "entries", (json_int_t)v->entries, "escrow_fen", (json_int_t)v->escrow_fen,
                     "movements", (json_int_t)v->movements, "contracts", (json_int_t)v->contracts,
                     "paid_fen", (json_int_t)v->paid_fen, "released_fen",
                     (json_int_t)v->released_fen, "refunded_fen", (json_int_t)v->refunded_fen,
                     "head_seq", (json_int_t)v->head_seq, "head_hash", v->head_hash, "guarded",
                     v->guarded, "problem_count", (json_int_t)v->nproblems, "problems", problems,
                     "checkpoints", cps);
}

/* The trusted public keys, read from their file now (a key made after the server started
 * counts at once). false after replying 500: a malformed key file is the operator's to fix,
 * and verify must not answer "ok" without it. */
static bool keyring_or_reply(req *r, funds_keyring *ring)
{
    char err[512];
    if (funds_keyring_load(r->app->ledger_public_key, r->app->ledger_sign_key, ring, err,
                           sizeof err))
        return true;
    fprintf(stderr, "shuangjian: %s\n", err);
    reply_err(r, SJ_ERR_INTERNAL);
    return false;
}

static void h_verify(req *r)
{
    funds_verify_result v;
    funds_keyring ring;
    if (!keyring_or_reply(r, &ring))
        return;
    funds_anchor anchor = {.ring = &ring};
    int rc = funds_verify_and_record(r->db, r->user->district_id, &anchor, &v);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return;
    }
    json_t *o = verify_json(&v);
    char ts[32];
    now_rfc3339(ts);
    json_object_set_new(o, "checked_at", json_string(ts));
    reply_json(r, 200, o);
}

/* Public: every checkpoint with its signature and the public keys, newest first, so the level
 * above and families can keep copies and check them with any Ed25519 tool. */
static void h_checkpoints(req *r)
{
    int64_t limit, offset, district;
    funds_keyring ring;
    if (!req_paging_or_reply(r, &limit, &offset) ||
        !req_query_int64_or_reply(r, "district_id", 0, &district) || !keyring_or_reply(r, &ring))
        return;
    int64_t total = 0;
    int rc = db_query_int64(r->db, &total,
                            "SELECT COUNT(*) FROM ledger_checkpoints WHERE $1 = 0 OR district_id = $1", district);
    db_stmt *s = rc == DB_ROW ? db_query(r->db,
                                         "SELECT id, district_id, entries, head_hash, at,"
                                         " public_key, signature FROM ledger_checkpoints"
                                         " WHERE $1 = 0 OR district_id = $1"
                                         " ORDER BY id DESC LIMIT $2 OFFSET $3", district, limit, offset)
                              : NULL;
    json_t *items = json_array();
    rc = s ? DB_ROW : DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        funds_checkpoint c = {.id = db_col_int64(s, 0), .district_id = db_col_int64(s, 1),
                              .entries = db_col_int64(s, 2), .at = db_col_int64(s, 4)};
        snprintf(c.head_hash, sizeof c.head_hash, "%s", db_col_text(s, 3));
        snprintf(c.public_key, sizeof c.public_key, "%s", db_col_text(s, 5));
        snprintf(c.signature, sizeof c.signature, "%s", db_col_text(s, 6));
        json_array_append_new(items, funds_checkpoint_json(&c));
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *keys = json_array();
    for (size_t i = 0; i < ring.n; i++) {
        char hex[FUNDS_KEY_HEX];
        sodium_bin2hex(hex, sizeof hex, ring.keys[i], 32);
        json_array_append_new(keys, json_string(hex));
    }
    json_t *o = list_json(items, total);
    json_object_set(o, "public_key", ring.n ? json_array_get(keys, 0) : json_null());
    json_object_set_new(o, "public_keys", keys);
    json_object_set_new(o, "algorithm", json_string("Ed25519"));
    json_object_set_new(o, "message_format",
                        json_string(FUNDS_CHECKPOINT_PREFIX "|district_id|entries|head_hash|at"));
    reply_json(r, 200, o);
}

static void h_verifications(req *r)
{
    reply_list(r,
               "SELECT id, at, ok, entries, escrow_fen, detail FROM funds_verifications"
               " WHERE district_id = $1 ORDER BY id DESC",
               "SELECT COUNT(*) FROM funds_verifications WHERE district_id = $1",
               "id:i,at:i,ok:b,entries:i,escrow_fen:i,detail:S", r->user->district_id);
}

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

typedef struct {
    int64_t id;
    char name[256], category[16], state[16], list[8];
    int64_t paid, released, refunded, escrow, released_recent, open_contracts, contracts;
    funds_inst_stats st;
    int nwarn;
    funds_warning warn[FUNDS_MAX_WARNINGS];
} inst_row;

static int64_t days_between(const char *from, const char *to)
{
    return date_days(to) - date_days(from);
}

/* Runs STATS_SQL; OUT: rows (caller frees), n. */
static int stats_load(req *r, int64_t institution_id, inst_row **rows, size_t *n)
{
    char today[11];
    today_local(today);
    *rows = NULL;
    *n = 0;
    db_stmt *s = db_query(r->db, STATS_SQL, r->user->district_id, today,
                          now_unix() - 30 * 86400, institution_id);
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
        inst_row *x = &(*rows)[(*n)++];
        memset(x, 0, sizeof *x);
        x->id = db_col_int64(s, 0);
        snprintf(x->name, sizeof x->name, "%s", db_col_text(s, 1));
        snprintf(x->category, sizeof x->category, "%s", db_col_text(s, 2));
        snprintf(x->state, sizeof x->state, "%s", db_col_text(s, 3));
        snprintf(x->list, sizeof x->list, "%s", db_col_text(s, 4));
        const char *valid = db_col_isnull(s, 5) ? NULL : db_col_text(s, 5);
        char reg[11];
        unix_date(db_col_int64(s, 6), reg);
        x->paid = db_col_int64(s, 7);
        x->released = db_col_int64(s, 8);
        x->refunded = db_col_int64(s, 9);
        x->escrow = db_col_int64(s, 10);
        x->released_recent = db_col_int64(s, 11);
        x->open_contracts = db_col_int64(s, 12);
        const char *first_open = db_col_isnull(s, 13) ? NULL : db_col_text(s, 13);
        const char *last_lesson = db_col_isnull(s, 14) ? NULL : db_col_text(s, 14);
        x->contracts = db_col_int64(s, 18);
        funds_inst_stats *st = &x->st;
        st->escrow_fen = x->escrow;
        st->released_recent_fen = x->released_recent;
        st->open_contracts = x->open_contracts;
        st->days_since_last_lesson = last_lesson && valid_date(last_lesson)
                                         ? days_between(last_lesson, today) : -1;
        st->days_since_open_start = first_open && valid_date(first_open) &&
                                            strcmp(first_open, today) <= 0
                                        ? days_between(first_open, today) : -1;
        st->late_refunds = db_col_int64(s, 15);
        st->late_refund_fen = db_col_int64(s, 16);
        const char *last_insp = db_col_isnull(s, 17) ? NULL : db_col_text(s, 17);
        st->inspection_overdue = training_inspection_overdue(r->pol, last_insp, reg, today);
        st->license_expired = valid && strcmp(valid, today) < 0;
        st->license_no_invalid = !ident_license_no_valid(db_col_text(s, 19));
        if (strcmp(x->state, "active") == 0)
            x->nwarn = funds_risk_assess(r->pol, st, x->warn);
        else if (x->escrow > 0 || st->late_refunds > 0) /* money still waits at a closed one */
            x->nwarn = funds_risk_assess(r->pol, st, x->warn);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc == DB_DONE ? DB_OK : rc;
}

static json_t *warnings_json(req *r, const inst_row *x)
{
    json_t *arr = json_array();
    for (int k = 0; k < x->nwarn; k++) {
        const funds_warning *w = &x->warn[k];
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:I,s:I}", "code", w->code, "rule",
                                             w->rule, "level", w->level, "value",
                                             (json_int_t)w->value, "limit", (json_int_t)w->limit));
    }
    (void)r;
    return arr;
}

static json_t *inst_row_json(req *r, const inst_row *x)
{
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "id",
                          (json_int_t)x->id, "name", x->name, "category", x->category, "state",
                          x->state, "list", x->list, "paid_fen", (json_int_t)x->paid,
                          "released_fen", (json_int_t)x->released, "refunded_fen",
                          (json_int_t)x->refunded, "escrow_fen", (json_int_t)x->escrow,
                          "released_30d_fen", (json_int_t)x->released_recent, "open_contracts",
                          (json_int_t)x->open_contracts, "contracts", (json_int_t)x->contracts,
                          "late_refunds", (json_int_t)x->st.late_refunds, "days_since_last_lesson",
                          (json_int_t)x->st.days_since_last_lesson);
    json_object_set_new(o, "warnings", warnings_json(r, x));
    return o;
}

/* The institution a caller may look at: district staff any (0 = all), an institution admin
 * only its own (required). False after replying 403. */
static bool stats_scope_or_reply(req *r, int64_t *institution_id)
{
    if (!req_query_int64_or_reply(r, "institution_id", 0, institution_id))
        return false;
    if (auth_district_staff(r->user))
        return true;
    if (*institution_id && auth_institution_admin(r->user, *institution_id))
        return true;
    reply_err(r, SJ_ERR_FORBIDDEN);
    return false;
}

static void h_summary(req *r)
{
    int64_t institution_id;
    inst_row *rows;
    size_t n;
    if (!stats_scope_or_reply(r, &institution_id))
        return;
    int rc = stats_load(r, institution_id, &rows, &n);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return;
    }
    int64_t paid = 0, released = 0, refunded = 0, escrow = 0, open = 0, warned = 0;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        paid += rows[i].paid;
        released += rows[i].released;
        refunded += rows[i].refunded;
        escrow += rows[i].escrow;
        open += rows[i].open_contracts;
        warned += rows[i].nwarn > 0;
        json_array_append_new(items, inst_row_json(r, &rows[i]));
    }
    free(rows);
    reply_json(r, 200, json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:I}", "paid_fen", (json_int_t)paid,
                                 "released_fen", (json_int_t)released, "refunded_fen",
                                 (json_int_t)refunded, "escrow_fen", (json_int_t)escrow,
                                 "open_contracts", (json_int_t)open, "institutions_warned",
                                 (json_int_t)warned, "institutions", (json_int_t)n, "items", items,
                                 "total", (json_int_t)n));
}

static void h_warnings(req *r)
{
    int64_t institution_id;
    inst_row *rows;
    size_t n;
    if (!stats_scope_or_reply(r, &institution_id))
        return;
    int rc = stats_load(r, institution_id, &rows, &n);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        if (rows[i].nwarn > 0)
            json_array_append_new(items, inst_row_json(r, &rows[i]));
    free(rows);
    reply_json(r, 200, list_json(items, (int64_t)json_array_size(items)));
}

/* ---------- XLSX export ---------- */

static const char *warning_zh(const char *code)
{
    static const char *const names[][2] = {
        {"escrow_large", "监管余额偏高(相对消课进度)"}, {"lessons_stopped", "消课停滞"},
        {"refunds_late", "退费逾期"},               {"inspection_overdue", "年检逾期"},
        {"license_expired", "许可证过期"},           {"license_no_invalid", "许可证编号格式不符"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], code) == 0)
            return names[i][1];
    return code;
}

static const char *state_zh(const char *s)
{
    return strcmp(s, "active") == 0 ? "正常" : strcmp(s, "suspended") == 0 ? "暂停" : "停业";
}

static const char *list_zh(const char *s)
{
    return strcmp(s, "white") == 0 ? "白名单" : strcmp(s, "black") == 0 ? "黑名单" : "—";
}

/* Writes the summary sheet into the book. */
static void export_write(const xlsx_book *b, const inst_row *rows, size_t n)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "资金监管汇总");
    static const char *const cols[] = {"机构编号", "机构名称", "类别", "状态", "名单",
                                       "收款(元)", "消课划拨(元)", "退费(元)", "监管余额(元)",
                                       "近30天划拨(元)", "未结合同", "逾期退费笔数", "风险提示"};
    xlsx_header_row(b, ws, cols, (int)(sizeof cols / sizeof cols[0]));
    worksheet_set_column(ws, 1, 1, 28, NULL);
    worksheet_set_column(ws, 5, 9, 14, NULL);
    worksheet_set_column(ws, 12, 12, 40, NULL);
    int64_t tot[5] = {0};
    for (size_t i = 0; i < n; i++) {
        const inst_row *x = &rows[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        xlsx_int(b, ws, row, 0, x->id);
        worksheet_write_string(ws, row, 1, x->name, NULL);
        worksheet_write_string(ws, row, 2, strcmp(x->category, "subject") == 0 ? "学科类" : "非学科类", NULL);
        worksheet_write_string(ws, row, 3, state_zh(x->state), NULL);
        worksheet_write_string(ws, row, 4, list_zh(x->list), NULL);
        int64_t v[5] = {x->paid, x->released, x->refunded, x->escrow, x->released_recent};
        for (int k = 0; k < 5; k++) {
            xlsx_money(b, ws, row, (lxw_col_t)(5 + k), v[k]);
            tot[k] += v[k];
        }
        xlsx_int(b, ws, row, 10, x->open_contracts);
        xlsx_int(b, ws, row, 11, x->st.late_refunds);
        char warn[256] = "";
        size_t used = 0;
        for (int k = 0; k < x->nwarn && used < sizeof warn; k++) {
            int w = snprintf(warn + used, sizeof warn - used, "%s%s", k ? ";" : "",
                             warning_zh(x->warn[k].code));
            used += w > 0 ? (size_t)w : 0;
        }
        worksheet_write_string(ws, row, 12, warn, NULL);
    }
    lxw_row_t last = (lxw_row_t)(n + 1);
    worksheet_write_string(ws, last, 1, "合计", b->header);
    for (int k = 0; k < 5; k++)
        xlsx_money(b, ws, last, (lxw_col_t)(5 + k), tot[k]);
}

static void h_export(req *r)
{
    inst_row *rows;
    size_t n;
    int rc = stats_load(r, 0, &rows, &n);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return;
    }
    xlsx_book b;
    if (!xlsx_open_or_reply(r, &b, "funds")) {
        free(rows);
        return;
    }
    export_write(&b, rows, n);
    free(rows);
    if (!xlsx_finish_or_reply(r, &b))
        return;
    char today[11];
    today_local(today);
    audit_record(r, "export funds summary", "district", r->user->district_id, NULL);
    xlsx_reply(r, &b, req_printf(r, "funds-%s.xlsx", today), req_printf(r, "资金监管-%s.xlsx", today));
}

static const route routes[] = {
    {"POST", "/api/v1/contracts", h_contract_create, "funds:contract:add", GUARDIAN, 0},
    {"GET", "/api/v1/contracts", h_contract_list, "funds:contract:list", ANY_FUNDS_ROLE, 0},
    {"GET", "/api/v1/contracts/{id}", h_contract_get, "funds:contract:list", ANY_FUNDS_ROLE, 0},
    {"GET", "/api/v1/contracts/{id}/ledger", h_contract_ledger, "funds:contract:list", ANY_FUNDS_ROLE, 0},
    {"GET", "/api/v1/contracts/{id}/lessons", h_contract_lessons, "funds:contract:list", ANY_FUNDS_ROLE, 0},
    {"POST", "/api/v1/contracts/{id}/payments", h_payment, "funds:payment:add", GUARDIAN, 0},
    {"POST", "/api/v1/contracts/{id}/lessons", h_lesson, "funds:lesson:add", INST_ADMIN, 0},
    {"POST", "/api/v1/contracts/{id}/refund", h_refund, "funds:refund:add", GUARDIAN | DISTRICT_STAFF, 0},
    {"POST", "/api/v1/institutions/{id}/state", h_institution_state, "funds:institution:state",
     DISTRICT_STAFF, 0},
    {"GET", "/api/v1/refunds", h_refund_list, "funds:refund:list", DISTRICT_STAFF | INST_ADMIN, 0},
    {"POST", "/api/v1/refunds/{id}/paid-out", h_refund_paid_out, "funds:refund:payout", DISTRICT_STAFF, 0},
    {"GET", "/api/v1/funds/verify", h_verify, "funds:verify", DISTRICT_STAFF, 0},
    {"GET", "/api/v1/funds/verifications", h_verifications, "funds:verify", DISTRICT_STAFF, 0},
    {"GET", "/api/v1/funds/checkpoints", h_checkpoints, PERM_PUBLIC, 0, 0},
    {"GET", "/api/v1/funds/summary", h_summary, "funds:summary", DISTRICT_STAFF | INST_ADMIN, 0},
    {"GET", "/api/v1/funds/warnings", h_warnings, "funds:summary", DISTRICT_STAFF | INST_ADMIN, 0},
    {"GET", "/api/v1/funds/export.xlsx", h_export, "funds:export", DISTRICT_STAFF, 0},
};

const route *funds_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
