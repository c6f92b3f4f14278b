/*
 * api.c: the funds module's HTTP handlers: contracts (FU-2, FU-3), payments into escrow,
 * lessons delivered (FU-5), refunds (FU-6), suspending or closing an institution (every open
 * contract refunded in one transaction), reconciliation (against the signed checkpoints too),
 * the public list of checkpoints, risk warnings and the district's view of the funds under
 * supervision with its XLSX export.
 *
 * Handlers parse, authorise, call the store and reply: every write is one funds_<action>()
 * (store.c) that owns its transaction and returns a verdict, every list a page
 * (store_supervision.c); refusals go through reply_verdict with their words in
 * core/messages.c.
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

#include "core/xlsx.h"
#include "funds/funds_int.h"

#define DISTRICT_STAFF (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR))
#define INST_ADMIN     ROLE_BIT(ROLE_INSTITUTION_ADMIN)
#define GUARDIAN       ROLE_BIT(ROLE_GUARDIAN)
#define ANY_FUNDS_ROLE (DISTRICT_STAFF | INST_ADMIN | GUARDIAN)

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

/* Answers a write on a contract: its refusal, or `status` with the contract as it is now
 * (inside `wrap` under "contract" when wrap is not NULL). */
static void reply_contract(req *r, const verdict *v, int status, int64_t id, json_t *wrap)
{
    funds_contract c;
    if (!verdict_is_ok(v)) {
        json_decref(wrap);
        reply_verdict(r, v, NULL);
        return;
    }
    r->audit_target = id;
    if (funds_contract_load(r->db, id, &c) != DB_ROW) {
        json_decref(wrap);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = fu_store_contract_json(r->db, &c);
    if (wrap) {
        json_object_set_new(wrap, "contract", o);
        o = wrap;
    }
    reply_json(r, status, o);
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
        reply_field(r, SJ_ERR_BAD_FIELD, "end_date", "funds.end_before_start");
        return;
    }
    if (!auth_guardian_of(r, student_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    funds_contract_in in = {.district_id = r->user->district_id,
                            .course_id = course_id,
                            .student_id = student_id,
                            .guardian_id = r->user->id,
                            .lessons = lessons,
                            .start_date = start,
                            .end_date = end};
    int64_t id = 0;
    verdict v = funds_contract_sign(r->db, r->pol, &in, &id);
    reply_contract(r, &v, 201, id, NULL);
}

static void h_contract_get(req *r)
{
    funds_contract c;
    if (!contract_or_reply(r, r->params[0], SEE_GUARDIAN | SEE_INSTITUTION | SEE_DISTRICT, &c))
        return;
    reply_json(r, 200, fu_store_contract_json(r->db, &c));
}

static void h_contract_list(req *r)
{
    int64_t student_id, institution_id, limit, offset;
    if (!req_query_int64_or_reply(r, "student_id", 0, &student_id) ||
        !req_query_int64_or_reply(r, "institution_id", 0, &institution_id) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    /* the caller's scope: district staff the district, an institution admin its institutions,
     * a guardian the contracts of the pupils they guard */
    fu_see who = auth_district_staff(r->user)                ? FU_SEE_DISTRICT
                 : auth_has(r->user, ROLE_INSTITUTION_ADMIN) ? FU_SEE_INSTITUTION
                                                             : FU_SEE_GUARDIAN;
    int64_t key = who == FU_SEE_DISTRICT ? r->user->district_id : r->user->id;
    reply_page(r, fu_store_contracts(r->db, who, key, student_id, institution_id,
                                     req_query(r, "status"), limit, offset));
}

static void h_contract_ledger(req *r)
{
    funds_contract c;
    int64_t limit, offset;
    if (!contract_or_reply(r, r->params[0], SEE_GUARDIAN | SEE_INSTITUTION | SEE_DISTRICT, &c) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, fu_store_contract_ledger(r->db, c.id, limit, offset));
}

static void h_contract_lessons(req *r)
{
    funds_contract c;
    int64_t limit, offset;
    if (!contract_or_reply(r, r->params[0], SEE_GUARDIAN | SEE_INSTITUTION | SEE_DISTRICT, &c) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, fu_store_contract_lessons(r->db, c.id, limit, offset));
}

/* ---------- movements ---------- */

static void h_payment(req *r)
{
    funds_contract c;
    int64_t amount;
    if (!contract_or_reply(r, r->params[0], SEE_GUARDIAN, &c))
        return;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "amount_fen", 1, 100000000000LL, true, &amount))
        return;
    funds_moved m = {0};
    verdict v = funds_payment(r->db, c.id, amount, r->user->id, &m);
    reply_contract(r, &v, 201, c.id,
                   json_pack("{s:I,s:I,s:I}", "txn", (json_int_t)m.txn, "contract_id",
                             (json_int_t)c.id, "amount_fen", (json_int_t)amount));
}

static void h_lesson(req *r)
{
    funds_contract c;
    const char *date;
    if (!contract_or_reply(r, r->params[0], SEE_INSTITUTION, &c))
        return;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &date))
        return;
    funds_moved m = {0};
    verdict v = funds_lesson(r->db, r->pol, c.id, date, r->user->id, &m);
    reply_contract(r, &v, 201, c.id,
                   json_pack("{s:I,s:I,s:s,s:I,s:I}", "id", (json_int_t)m.lesson_id, "contract_id",
                             (json_int_t)c.id, "date", date, "txn", (json_int_t)m.txn,
                             "released_fen", (json_int_t)c.price_per_lesson_fen));
}

static void h_refund(req *r)
{
    funds_contract c;
    const char *reason = NULL;
    if (!contract_or_reply(r, r->params[0], SEE_GUARDIAN | SEE_DISTRICT, &c))
        return;
    if (r->body &&
        (!body_require_object_or_reply(r) || !body_str_or_reply(r, "reason", 200, false, &reason)))
        return;
    funds_moved m = {0};
    verdict v = funds_contract_refund(r->db, r->pol, c.id, r->user->id,
                                      reason ? reason : "refund requested", &m);
    reply_contract(r, &v, 200, c.id, json_pack("{s:I}", "refund_fen", (json_int_t)m.refund_fen));
}

/* ---------- institutions: suspension and closure ---------- */

static void h_institution_state(req *r)
{
    static const char *const states[] = {"active", "suspended", "closed", NULL};
    const char *reason;
    int st;
    training_institution in;
    int rc = training_institution_get(r->db, r->params[0], &in);
    if (rc != DB_ROW || in.district_id != r->user->district_id) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!body_require_object_or_reply(r) || !body_enum_or_reply(r, "state", states, true, &st) ||
        !body_str_or_reply(r, "reason", 500, st != 0, &reason))
        return;
    funds_refunds done = {0};
    verdict v =
        funds_institution_state_set(r->db, r->pol, in.id, states[st], reason, r->user->id, &done);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = in.id;
    reply_json(r, 200,
               json_pack("{s:I,s:s,s:s?,s:I,s:I,s:I}", "id", (json_int_t)in.id, "state", states[st],
                         "reason", reason, "contracts_closed", (json_int_t)done.contracts,
                         "refunds", (json_int_t)done.refunds, "refund_fen",
                         (json_int_t)done.refund_fen));
}

/* ---------- refunds owed to families ---------- */

static void h_refund_list(req *r)
{
    int64_t institution_id, late, limit, offset;
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
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, fu_store_refunds(r->db, r->user->district_id, institution_id, late != 0, today,
                                   limit, offset));
}

/* The custody bank's transfer back to the family is recorded by the district. */
static void h_refund_paid_out(req *r)
{
    verdict v = funds_refund_paid_out(r->db, r->user->district_id, r->params[0]);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
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
    json_t *cps = json_pack("{s:b,s:I,s:I,s:I,s:I}", "keys_configured", v->keys_configured, "count",
                            (json_int_t)v->checkpoints, "valid", (json_int_t)v->checkpoints_valid,
                            "anchored_entries", (json_int_t)v->anchored_entries, "entries_after",
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
    json_t *o = fu_store_checkpoints(r->db, district, limit, offset);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *keys = json_array();
    for (size_t i = 0; i < ring.n; i++) {
        char hex[FUNDS_KEY_HEX];
        sodium_bin2hex(hex, sizeof hex, ring.keys[i], 32);
        json_array_append_new(keys, json_string(hex));
    }
    json_object_set(o, "public_key", ring.n ? json_array_get(keys, 0) : json_null());
    json_object_set_new(o, "public_keys", keys);
    json_object_set_new(o, "algorithm", json_string("Ed25519"));
    json_object_set_new(o, "message_format",
                        json_string(FUNDS_CHECKPOINT_PREFIX "|district_id|entries|head_hash|at"));
    reply_json(r, 200, o);
}

static void h_verifications(req *r)
{
    int64_t limit, offset;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, fu_store_verifications(r->db, r->user->district_id, limit, offset));
}

static json_t *warnings_json(req *r, const fu_inst_row *x)
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

static json_t *inst_row_json(req *r, const fu_inst_row *x)
{
    json_t *o = json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "id", (json_int_t)x->id,
        "name", x->name, "category", x->category, "state", x->state, "list", x->list, "paid_fen",
        (json_int_t)x->paid, "released_fen", (json_int_t)x->released, "refunded_fen",
        (json_int_t)x->refunded, "escrow_fen", (json_int_t)x->escrow, "released_30d_fen",
        (json_int_t)x->released_recent, "open_contracts", (json_int_t)x->open_contracts,
        "contracts", (json_int_t)x->contracts, "late_refunds", (json_int_t)x->st.late_refunds,
        "days_since_last_lesson", (json_int_t)x->st.days_since_last_lesson);
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
    fu_inst_row *rows;
    size_t n;
    if (!stats_scope_or_reply(r, &institution_id))
        return;
    int rc = fu_store_stats(r->db, r->pol, r->user->district_id, institution_id, &rows, &n);
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
    reply_json(r, 200,
               json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:I}", "paid_fen", (json_int_t)paid,
                         "released_fen", (json_int_t)released, "refunded_fen", (json_int_t)refunded,
                         "escrow_fen", (json_int_t)escrow, "open_contracts", (json_int_t)open,
                         "institutions_warned", (json_int_t)warned, "institutions", (json_int_t)n,
                         "items", items, "total", (json_int_t)n));
}

static void h_warnings(req *r)
{
    int64_t institution_id;
    fu_inst_row *rows;
    size_t n;
    if (!stats_scope_or_reply(r, &institution_id))
        return;
    int rc = fu_store_stats(r->db, r->pol, r->user->district_id, institution_id, &rows, &n);
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
        {"escrow_large", "监管余额偏高(相对消课进度)"},
        {"lessons_stopped", "消课停滞"},
        {"refunds_late", "退费逾期"},
        {"inspection_overdue", "年检逾期"},
        {"license_expired", "许可证过期"},
        {"license_no_invalid", "许可证编号格式不符"},
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
static void export_write(const xlsx_book *b, const fu_inst_row *rows, size_t n)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "资金监管汇总");
    static const char *const cols[] = {
        "机构编号", "机构名称",     "类别",     "状态",         "名单",
        "收款(元)", "消课划拨(元)", "退费(元)", "监管余额(元)", "近30天划拨(元)",
        "未结合同", "逾期退费笔数", "风险提示"};
    xlsx_header_row(b, ws, cols, (int)(sizeof cols / sizeof cols[0]));
    worksheet_set_column(ws, 1, 1, 28, NULL);
    worksheet_set_column(ws, 5, 9, 14, NULL);
    worksheet_set_column(ws, 12, 12, 40, NULL);
    int64_t tot[5] = {0};
    for (size_t i = 0; i < n; i++) {
        const fu_inst_row *x = &rows[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        xlsx_int(b, ws, row, 0, x->id);
        worksheet_write_string(ws, row, 1, x->name, NULL);
        worksheet_write_string(ws, row, 2,
                               strcmp(x->category, "subject") == 0 ? "学科类" : "非学科类", NULL);
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
    fu_inst_row *rows;
    size_t n;
    int rc = fu_store_stats(r->db, r->pol, r->user->district_id, 0, &rows, &n);
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
    xlsx_reply(r, &b, req_printf(r, "funds-%s.xlsx", today),
               req_printf(r, "资金监管-%s.xlsx", today));
}

static const route routes[] = {
    {"POST", "/api/v1/contracts", h_contract_create, "funds:contract:add", GUARDIAN, 0},
    {"GET", "/api/v1/contracts", h_contract_list, "funds:contract:list", ANY_FUNDS_ROLE, 0},
    {"GET", "/api/v1/contracts/{id}", h_contract_get, "funds:contract:list", ANY_FUNDS_ROLE, 0},
    {"GET", "/api/v1/contracts/{id}/ledger", h_contract_ledger, "funds:contract:list",
     ANY_FUNDS_ROLE, 0},
    {"GET", "/api/v1/contracts/{id}/lessons", h_contract_lessons, "funds:contract:list",
     ANY_FUNDS_ROLE, 0},
    {"POST", "/api/v1/contracts/{id}/payments", h_payment, "funds:payment:add", GUARDIAN, 0},
    {"POST", "/api/v1/contracts/{id}/lessons", h_lesson, "funds:lesson:add", INST_ADMIN, 0},
    {"POST", "/api/v1/contracts/{id}/refund", h_refund, "funds:refund:add",
     GUARDIAN | DISTRICT_STAFF, 0},
    {"POST", "/api/v1/institutions/{id}/state", h_institution_state, "funds:institution:state",
     DISTRICT_STAFF, 0},
    {"GET", "/api/v1/refunds", h_refund_list, "funds:refund:list", DISTRICT_STAFF | INST_ADMIN, 0},
    {"POST", "/api/v1/refunds/{id}/paid-out", h_refund_paid_out, "funds:refund:payout",
     DISTRICT_STAFF, 0},
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
