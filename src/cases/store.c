/*
 * store.c: the cases module's SQL for cases: filing (with CS-1's due date and CS-2's rate
 * limit), assigning, replies, closing, reopening, rewards, and the reads of the case pages and
 * lists; the figures the reports module reads (cases_period_figures). Penalties and joint
 * enforcement are in store_enforce.c, inspections in store_inspect.c, the calls into training
 * and funds in store_ext.c.
 *
 * Every write owns its transaction: begin, lock the case (DB_LOCK_CASE; a tip's keys with
 * DB_LOCK_TIP, in ascending order), read it again under the lock, check with the pure rule,
 * write the change and its row of case_history (append-only), commit; on a refusal or a failure
 * it rolls back and nothing is written.
 *
 * Overdue: a case not closed whose due date is before today (the due date itself is not late).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases_int.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/ident.h"
#include "core/pii.h"

#define CASE_COLS                                                                                  \
    "id, district_id, school_id, institution_id, contract_id, student_id, assigned_school_id,"     \
    " assigned_user_id, filed_by, created_at, reopened, anonymous, category, source, status,"      \
    " outcome, arrived_on, due_date, answered_on, closed_on, tracking_code, secret_hash"

static int case_row(db_stmt *s, cs_case *k)
{
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        k->id = db_next_int64(&row);
        k->district_id = db_next_int64(&row);
        k->school_id = db_next_int64(&row);
        k->institution_id = db_next_int64(&row);
        k->contract_id = db_next_int64(&row);
        k->student_id = db_next_int64(&row);
        k->assigned_school_id = db_next_int64(&row);
        k->assigned_user_id = db_next_int64(&row);
        k->filed_by = db_next_int64(&row);
        k->created_at = db_next_int64(&row);
        k->reopened = db_next_int64(&row);
        k->anonymous = db_next_int64(&row) != 0;
        DB_NEXT_TEXT(&row, k->category);
        DB_NEXT_TEXT(&row, k->source);
        DB_NEXT_TEXT(&row, k->status);
        DB_NEXT_TEXT(&row, k->outcome);
        DB_NEXT_TEXT(&row, k->arrived_on);
        DB_NEXT_TEXT(&row, k->due_date);
        DB_NEXT_TEXT(&row, k->answered_on);
        DB_NEXT_TEXT(&row, k->closed_on);
        DB_NEXT_TEXT(&row, k->tracking_code);
        DB_NEXT_TEXT(&row, k->secret_hash);
    }
    db_finalize(s);
    return rc;
}

int cs_store_case(db_conn *c, int64_t id, cs_case *out)
{
    return case_row(db_query(c, "SELECT " CASE_COLS " FROM cases WHERE id = $1", id), out);
}

int cs_store_case_by_code(db_conn *c, const char *code, cs_case *out)
{
    return case_row(db_query(c, "SELECT " CASE_COLS " FROM cases WHERE tracking_code = $1", code),
                    out);
}

/* ---------- small reads ---------- */

bool cs_store_district_staff_user(db_conn *c, int64_t district_id, int64_t user_id)
{
    int64_t one = 0;
    return db_query_int64(c, &one,
                          "SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id"
                          " WHERE u.id = $1 AND u.district_id = $2"
                          " AND r.role IN ('district_admin', 'inspector')",
                          user_id, district_id) == DB_ROW;
}

int64_t cs_store_first_district(db_conn *c)
{
    int64_t id = 0;
    return db_query_int64(c, &id, "SELECT MIN(id) FROM districts") == DB_ROW ? id : 0;
}

int cs_store_school_district(db_conn *c, int64_t school_id, int64_t *district_id)
{
    return db_query_int64(c, district_id, "SELECT district_id FROM schools WHERE id = $1",
                          school_id);
}

int cs_store_student(db_conn *c, int64_t student_id, int64_t *school_id, int64_t *district_id)
{
    db_stmt *s =
        db_query(c, "SELECT school_id, district_id FROM students WHERE id = $1", student_id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *school_id = db_col_int64(s, 0);
        *district_id = db_col_int64(s, 1);
    }
    db_finalize(s);
    return rc;
}

json_t *cs_store_school_search(db_conn *c, int64_t district_id, const char *q, int64_t limit)
{
    /* a contains-pattern, the wildcards people might type taken out */
    size_t n = q ? strlen(q) : 0, o = 0;
    char *pat = malloc(n + 3);
    if (!pat)
        abort();
    pat[o++] = '%';
    for (size_t i = 0; i < n; i++)
        if (q[i] != '%' && q[i] != '_' && q[i] != '\\')
            pat[o++] = q[i];
    pat[o++] = '%';
    pat[o] = 0;
    json_t *page =
        db_list_page(c,
                     "SELECT id, name FROM schools WHERE district_id = $1"
                     " AND name LIKE $2 ORDER BY name, id",
                     "SELECT COUNT(*) FROM schools WHERE district_id = $1 AND name LIKE $2",
                     "id:i,name:s", limit, (int64_t)0, district_id, pat);
    free(pat);
    return page;
}

/* ---------- CS-1's due date from the district's calendar ---------- */

/* The district's marks after `from`, far enough ahead for any due date the policy can ask for
 * (n working days never take more than n weeks plus the longest holidays of a year). */
static int due_date_for(db_conn *c, const policy *pol, int64_t district_id, const char *from,
                        char out[11])
{
    int64_t n = policy_v(pol)->cs1_working_days;
    char last[11];
    date_add_days(from, n * 7 / 5 + 400, last);
    cases_cal_day *days = NULL;
    size_t nd = 0, cap = 0;
    db_stmt *s = db_query(c,
                          "SELECT date, kind FROM calendar_days WHERE district_id = $1"
                          " AND date > $2 AND date <= $3 ORDER BY date",
                          district_id, from, last);
    int rc = s ? DB_ROW : DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        if (nd == cap) {
            cap = cap ? cap * 2 : 32;
            days = realloc(days, cap * sizeof *days);
            if (!days)
                abort();
        }
        DB_COL_COPY(s, 0, days[nd].date);
        DB_COL_COPY(s, 1, days[nd].kind);
        nd++;
    }
    db_finalize(s);
    if (rc == DB_DONE)
        cases_due_date(from, n, days, nd, out);
    free(days);
    return rc == DB_DONE ? DB_OK : DB_ERROR;
}

/* ---------- writes ---------- */

int64_t cs_at(const cases_actor *by)
{
    return by && by->at ? by->at : now_unix();
}

void cs_day(const cases_actor *by, char out[11])
{
    if (by && by->at)
        unix_date(by->at, out);
    else
        today_local(out);
}

verdict cs_undo(db_conn *c, verdict v)
{
    db_rollback(c);
    return v;
}

verdict cs_undo_rc(db_conn *c, int rc)
{
    return cs_undo(c, verdict_db(rc == DB_DONE || rc == DB_ROW || rc == DB_OK ? DB_ERROR : rc));
}

verdict cs_commit(db_conn *c)
{
    int rc = db_commit(c);
    return rc == DB_OK ? verdict_ok() : cs_undo_rc(c, rc);
}

int cs_history(db_conn *c, int64_t district_id, int64_t case_id, const cases_actor *by,
               const char *action, const char *status, json_t *detail /* stolen */)
{
    char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    json_decref(detail);
    int rc = db_run(c,
                    "INSERT INTO case_history (district_id, case_id, at, actor_id, actor_role,"
                    " action, status, detail) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                    district_id, case_id, cs_at(by), db_id_or_null(by->id),
                    by->role ? by->role : "public", action, status, d);
    free(d);
    return rc;
}

int cs_begin_case(db_conn *c, int64_t case_id, cs_case *k)
{
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_lock(c, DB_LOCK_CASE, case_id);
    if (rc == DB_OK)
        rc = cs_store_case(c, case_id, k);
    return rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
}

static verdict closed_refusal(const cs_case *k)
{
    verdict v = verdict_refuse(SJ_ERR_CONFLICT, "case_closed", NULL, "cases.closed");
    verdict_num(&v, "case_id", k->id);
    verdict_str(&v, "status", k->status);
    return v;
}

/* A lock key from a keyed hash's first 13 hex digits (52 bits: pg_lock keeps the namespace in
 * the top byte). */
static int64_t key_lock(const char *hex)
{
    int64_t v = 0;
    for (int i = 0; i < 13 && hex[i]; i++) {
        char ch = hex[i];
        v = v * 16 + (ch >= 'a' ? ch - 'a' + 10 : ch >= 'A' ? ch - 'A' + 10 : ch - '0');
    }
    return v;
}

/* CS-2: at most tips_per_hour tips an hour for each key; serialised per key. */
static verdict tip_rate_check(db_conn *c, const policy *pol, const cases_new *in, int64_t now)
{
    const char *keys[2] = {in->rate_keys[0], in->rate_keys[1]};
    if (keys[0] && keys[1] && strcmp(keys[0], keys[1]) > 0) { /* one lock order for all */
        const char *t = keys[0];
        keys[0] = keys[1];
        keys[1] = t;
    }
    int64_t limit = policy_v(pol)->cs2_tips_per_hour;
    for (int i = 0; i < 2; i++) {
        if (!keys[i])
            continue;
        int rc = db_lock(c, DB_LOCK_TIP, key_lock(keys[i]));
        int64_t n = 0, at = 0;
        if (rc == DB_OK)
            rc = db_query_int64(c, &n,
                                "SELECT COUNT(*) FROM tip_rate WHERE key_hash = $1 AND at > $2",
                                keys[i], now - 3600);
        if (rc != DB_ROW)
            return verdict_db(rc);
        if (n < limit)
            continue;
        /* when the limit-th newest tip leaves the hour, one more may come */
        rc = limit > 0 ? db_query_int64(c, &at,
                                        "SELECT at FROM tip_rate WHERE key_hash = $1 AND at > $2"
                                        " ORDER BY at DESC LIMIT 1 OFFSET $3",
                                        keys[i], now - 3600, limit - 1)
                       : DB_DONE;
        if (rc != DB_ROW && rc != DB_DONE)
            return verdict_db(rc);
        int64_t wait = rc == DB_ROW ? at + 3600 - now : 3600;
        verdict v = verdict_refuse(SJ_ERR_LOCKED_OUT, "too_many_tips", "CS-2", "CS-2.too_many");
        verdict_num(&v, "limit", limit);
        verdict_num(&v, "retry_after_s", wait > 0 ? wait : 1);
        return v;
    }
    return verdict_ok();
}

static void random_digits(char *out, size_t n)
{
    out[0] = (char)('1' + randombytes_uniform(9));
    for (size_t i = 1; i < n; i++)
        out[i] = (char)('0' + randombytes_uniform(10));
    out[n] = 0;
}

static void random_secret(char out[17])
{
    static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* no 0/O, 1/I */
    for (int i = 0; i < 16; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[16] = 0;
}

/* The keyed hash a tip's secret is kept as. */
static void secret_hash(const unsigned char key[32], const char *secret, char out[PII_HASH_HEX])
{
    char text[64];
    snprintf(text, sizeof text, "tip-secret:%s", secret);
    pii_hash(key, text, out);
}

bool cs_secret_matches(const unsigned char key[32], const cs_case *k, const char *secret)
{
    char h[PII_HASH_HEX];
    secret_hash(key, secret ? secret : "", h);
    return strlen(k->secret_hash) == strlen(h) && sodium_memcmp(h, k->secret_hash, strlen(h)) == 0;
}

verdict cases_file(db_conn *c, const policy *pol, const cases_new *in, cases_created *out)
{
    memset(out, 0, sizeof *out);
    int64_t now = cs_at(&in->by);
    char today[11], place_key[256] = "";
    cs_day(&in->by, today);
    if (in->place)
        cases_place_key(in->place, place_key, sizeof place_key);
    bool tip = strcmp(in->source, "tip") == 0;
    /* routing: a school category with its school goes to that school's admin at once */
    int64_t assigned =
        in->school_id && cases_route_of(in->category) == CASES_TO_SCHOOL ? in->school_id : 0;
    snprintf(out->status, sizeof out->status, "%s", assigned ? "assigned" : "open");
    out->assigned_school_id = assigned;
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    if (tip) {
        verdict v = tip_rate_check(c, pol, in, now);
        if (!verdict_is_ok(&v))
            return cs_undo(c, v);
        random_secret(out->secret);
        for (int tries = 0; tries < 8; tries++) { /* 9 x 10^11 codes: a clash is rare */
            int64_t one = 0;
            random_digits(out->tracking_code, 12);
            rc = db_query_int64(c, &one, "SELECT 1 FROM cases WHERE tracking_code = $1",
                                out->tracking_code);
            if (rc != DB_DONE)
                break;
        }
        if (rc != DB_DONE)
            return cs_undo_rc(c, rc);
    }
    rc = due_date_for(c, pol, in->district_id, today, out->due_date);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    char hash[PII_HASH_HEX] = "", name_masked[64] = "", phone_masked[16] = "";
    char *name_enc = NULL, *phone_enc = NULL;
    bool named = tip && !in->anonymous;
    if (tip)
        secret_hash(in->data_key, out->secret, hash);
    if (named && in->name && in->name[0]) {
        name_enc = pii_seal(in->data_key, in->name);
        cases_name_mask(in->name, name_masked, sizeof name_masked);
    }
    if (named && in->phone && in->phone[0]) {
        phone_enc = pii_seal(in->data_key, in->phone);
        ident_phone_mask(in->phone, phone_masked, sizeof phone_masked);
    }
    rc = db_insert_id(
        c, &out->id,
        "INSERT INTO cases (district_id, school_id, institution_id, contract_id, student_id,"
        " category, source, text, place, place_key, status, assigned_school_id, filed_by,"
        " arrived_on, due_date, created_at, tracking_code, secret_hash, anonymous,"
        " tipster_name_enc, tipster_name_masked, tipster_phone_enc, tipster_phone_masked,"
        " policy_version) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,"
        "$18,$19,$20,$21,$22,$23,$24) RETURNING id",
        in->district_id, db_id_or_null(in->school_id), db_id_or_null(in->institution_id),
        db_id_or_null(in->contract_id), db_id_or_null(in->student_id), in->category, in->source,
        in->text, in->place, place_key[0] ? place_key : NULL, out->status, db_id_or_null(assigned),
        db_id_or_null(in->by.id), today, out->due_date, now, tip ? out->tracking_code : NULL,
        tip ? hash : NULL, (int64_t)!named, name_enc, name_masked[0] ? name_masked : NULL,
        phone_enc, phone_masked[0] ? phone_masked : NULL, policy_version(pol));
    free(name_enc);
    free(phone_enc);
    if (rc == DB_DONE)
        rc = cs_history(c, in->district_id, out->id, &in->by, "filed", "open",
                        json_pack("{s:s,s:s}", "source", in->source, "category", in->category));
    if (rc == DB_DONE && assigned)
        rc = cs_history(c, in->district_id, out->id, &(cases_actor){.role = "system", .at = now},
                        "assigned", "assigned",
                        json_pack("{s:I,s:b}", "school_id", (json_int_t)assigned, "auto", 1));
    for (int i = 0; tip && rc == DB_DONE && i < 2; i++)
        if (in->rate_keys[i])
            rc = db_run(c, "INSERT INTO tip_rate (district_id, key_hash, at) VALUES ($1,$2,$3)",
                        in->district_id, in->rate_keys[i], now);
    /* CS-2: the addresses are kept only as long as the policy says */
    if (tip && rc == DB_DONE)
        rc = db_run(c, "DELETE FROM tip_rate WHERE at < $1",
                    now - policy_v(pol)->cs2_address_keep_days * 86400);
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

verdict cases_assign(db_conn *c, int64_t case_id, int64_t school_id, int64_t user_id,
                     const cases_actor *by)
{
    cs_case k;
    int rc = cs_begin_case(c, case_id, &k);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    if (strcmp(k.status, "closed") == 0)
        return cs_undo(c, closed_refusal(&k));
    /* an answered case given to someone else is theirs to answer again */
    rc = db_run(c,
                "UPDATE cases SET status = 'assigned', assigned_school_id = $2,"
                " assigned_user_id = $3 WHERE id = $1",
                case_id, db_id_or_null(school_id), db_id_or_null(user_id));
    if (rc == DB_DONE)
        rc = cs_history(c, k.district_id, case_id, by, "assigned", "assigned",
                        school_id ? json_pack("{s:I}", "school_id", (json_int_t)school_id)
                                  : json_pack("{s:I}", "user_id", (json_int_t)user_id));
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

verdict cases_reply(db_conn *c, int64_t case_id, const char *text, bool public,
                    const cases_actor *by, int64_t *reply_id)
{
    cs_case k;
    int rc = cs_begin_case(c, case_id, &k);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    bool closed = strcmp(k.status, "closed") == 0;
    if (closed && public)
        return cs_undo(c, closed_refusal(&k));
    int64_t now = cs_at(by);
    char today[11];
    cs_day(by, today);
    const char *status = public && !closed ? "answered" : k.status;
    rc = db_insert_id(c, reply_id,
                      "INSERT INTO case_replies (district_id, case_id, author_id, author_role,"
                      " public, text, at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
                      k.district_id, case_id, by->id, by->role, (int64_t) public, text, now);
    if (rc == DB_DONE && public)
        rc = db_run(c,
                    "UPDATE cases SET status = $2, answered_at = $3, answered_on = $4"
                    " WHERE id = $1",
                    case_id, status, now, today);
    if (rc == DB_DONE)
        rc =
            cs_history(c, k.district_id, case_id, by, public ? "replied" : "noted", status,
                       json_pack("{s:I,s:b}", "reply_id", (json_int_t)*reply_id, "public", public));
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

verdict cases_close(db_conn *c, int64_t case_id, const char *outcome, const char *text,
                    const cases_actor *by)
{
    cs_case k;
    int rc = cs_begin_case(c, case_id, &k);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    if (strcmp(k.status, "closed") == 0)
        return cs_undo(c, closed_refusal(&k));
    char today[11];
    cs_day(by, today);
    rc = db_run(c,
                "UPDATE cases SET status = 'closed', outcome = $2, outcome_text = $3,"
                " closed_at = $4, closed_on = $5 WHERE id = $1",
                case_id, outcome, text, cs_at(by), today);
    if (rc == DB_DONE)
        rc = cs_history(c, k.district_id, case_id, by, "closed", "closed",
                        json_pack("{s:s,s:s}", "outcome", outcome, "text", text));
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

verdict cases_reopen(db_conn *c, const policy *pol, int64_t case_id, const char *text,
                     bool by_filer, const cases_actor *by)
{
    cs_case k;
    int rc = cs_begin_case(c, case_id, &k);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    char today[11], due[11];
    cs_day(by, today);
    cases_reopen_in x = {.by_filer = by_filer,
                         .status = k.status,
                         .reopened = k.reopened,
                         .answered_on = k.closed_on[0] ? k.closed_on : k.answered_on,
                         .today = today};
    verdict v = cases_reopen_check(pol, &x);
    if (!verdict_is_ok(&v))
        return cs_undo(c, v);
    rc = due_date_for(c, pol, k.district_id, today, due);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    const char *status = k.assigned_school_id || k.assigned_user_id ? "assigned" : "open";
    rc = db_run(c,
                "UPDATE cases SET status = $2, reopened = reopened + $3, due_date = $4,"
                " outcome = NULL, outcome_text = NULL, closed_at = NULL, closed_on = NULL"
                " WHERE id = $1",
                case_id, status, (int64_t)by_filer, due);
    if (rc == DB_DONE)
        rc = cs_history(c, k.district_id, case_id, by, "reopened", status,
                        json_pack("{s:s,s:s}", "text", text, "due_date", due));
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

verdict cases_reward(db_conn *c, const policy *pol, int64_t case_id, int64_t amount_fen,
                     const char *text, const cases_actor *by, int64_t *reward_id)
{
    cs_case k;
    int rc = cs_begin_case(c, case_id, &k);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    verdict v =
        cases_reward_check(pol, k.source, k.status, k.outcome[0] ? k.outcome : NULL, amount_fen);
    if (!verdict_is_ok(&v))
        return cs_undo(c, v);
    int64_t one = 0;
    rc = db_query_int64(c, &one, "SELECT 1 FROM case_rewards WHERE case_id = $1", case_id);
    if (rc == DB_ROW) {
        v = verdict_refuse(SJ_ERR_CONFLICT, "reward_exists", "CS-2", "cases.reward_exists");
        return cs_undo(c, v);
    }
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    rc = db_insert_id(c, reward_id,
                      "INSERT INTO case_rewards (district_id, case_id, amount_fen, text,"
                      " decided_by, decided_at, policy_version) VALUES ($1,$2,$3,$4,$5,$6,$7)"
                      " RETURNING id",
                      k.district_id, case_id, amount_fen, text, by->id, cs_at(by),
                      policy_version(pol));
    if (rc == DB_DONE)
        rc = cs_history(c, k.district_id, case_id, by, "rewarded", k.status,
                        json_pack("{s:I}", "amount_fen", (json_int_t)amount_fen));
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

verdict cases_tipster_revealed(db_conn *c, int64_t case_id, const cases_actor *by)
{
    cs_case k;
    int rc = cs_begin_case(c, case_id, &k);
    if (rc == DB_OK)
        rc = cs_history(c, k.district_id, case_id, by, "tipster_revealed", k.status, NULL);
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

/* ---------- reads of one case ---------- */

static json_t *rows(db_conn *c, const char *sql, const char *cols, const db_arg *args)
{
    return db_rows_json(db_query_a(c, sql, args), cols);
}

json_t *cs_store_case_json(db_conn *c, const cs_case *k, const char *today, bool internal,
                           bool tipster)
{
    db_stmt *s = db_query(
        c,
        "SELECT k.text, k.place, k.outcome_text, k.policy_version, sc.name, asc_.name,"
        " au.name, k.tipster_name_masked, k.tipster_phone_masked, k.answered_at, k.closed_at"
        " FROM cases k LEFT JOIN schools sc ON sc.id = k.school_id"
        " LEFT JOIN schools asc_ ON asc_.id = k.assigned_school_id"
        " LEFT JOIN users au ON au.id = k.assigned_user_id WHERE k.id = $1",
        k->id);
    if (!s || db_step(s) != DB_ROW) {
        db_finalize(s);
        return NULL;
    }
    bool overdue = strcmp(k->status, "closed") != 0 && strcmp(k->due_date, today) < 0;
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:I,s:s,s:I}", "id", (json_int_t)k->id,
                          "category", k->category, "source", k->source, "status", k->status, "text",
                          db_col_text(s, 0), "arrived_on", k->arrived_on, "due_date", k->due_date,
                          "overdue", overdue, "created_at", (json_int_t)k->created_at,
                          "policy_version", db_col_text(s, 3), "reopened", (json_int_t)k->reopened);
    json_object_set_new(o, "school_name",
                        db_col_isnull(s, 4) ? json_null() : json_string(db_col_text(s, 4)));
    json_object_set_new(o, "school_id", k->school_id ? json_integer(k->school_id) : json_null());
    json_object_set_new(o, "institution_id",
                        k->institution_id ? json_integer(k->institution_id) : json_null());
    json_object_set_new(o, "contract_id",
                        k->contract_id ? json_integer(k->contract_id) : json_null());
    json_object_set_new(o, "place",
                        db_col_isnull(s, 1) ? json_null() : json_string(db_col_text(s, 1)));
    json_object_set_new(o, "assigned_school_id",
                        k->assigned_school_id ? json_integer(k->assigned_school_id) : json_null());
    json_object_set_new(o, "assigned_school_name",
                        db_col_isnull(s, 5) ? json_null() : json_string(db_col_text(s, 5)));
    json_object_set_new(o, "assigned_user_id",
                        k->assigned_user_id ? json_integer(k->assigned_user_id) : json_null());
    json_object_set_new(o, "assigned_user_name",
                        db_col_isnull(s, 6) ? json_null() : json_string(db_col_text(s, 6)));
    json_object_set_new(o, "outcome", k->outcome[0] ? json_string(k->outcome) : json_null());
    json_object_set_new(o, "outcome_text",
                        db_col_isnull(s, 2) ? json_null() : json_string(db_col_text(s, 2)));
    json_object_set_new(o, "closed_on", k->closed_on[0] ? json_string(k->closed_on) : json_null());
    if (tipster) {
        json_t *t = json_pack("{s:b}", "anonymous", k->anonymous);
        if (!k->anonymous) {
            json_object_set_new(t, "name",
                                db_col_isnull(s, 7) ? json_null() : json_string(db_col_text(s, 7)));
            json_object_set_new(t, "phone",
                                db_col_isnull(s, 8) ? json_null() : json_string(db_col_text(s, 8)));
        }
        json_object_set_new(o, "tipster", t);
    }
    db_finalize(s);
    const db_arg *id = DB_ARGS(k->id);
    json_t *parts[7] = {
        rows(c,
             "SELECT h.id, h.at, h.actor_id, h.actor_role, u.name, h.action, h.status, h.detail"
             " FROM case_history h LEFT JOIN users u ON u.id = h.actor_id WHERE h.case_id = $1"
             " ORDER BY h.id",
             "id:i,at:i,actor_id:I,actor_role:s,actor_name:S,action:s,status:s,detail:S", id),
        internal
            ? rows(c,
                   "SELECT r.id, r.at, r.author_role, u.name, r.public, r.text FROM case_replies r"
                   " LEFT JOIN users u ON u.id = r.author_id WHERE r.case_id = $1 ORDER BY r.id",
                   "id:i,at:i,author_role:s,author_name:S,public:b,text:s", id)
            : rows(c,
                   "SELECT r.id, r.at, r.author_role, u.name, r.public, r.text FROM case_replies r"
                   " LEFT JOIN users u ON u.id = r.author_id WHERE r.case_id = $1 AND r.public = 1"
                   " ORDER BY r.id",
                   "id:i,at:i,author_role:s,author_name:S,public:b,text:s", id),
        rows(c, "SELECT id, mime, bytes, at FROM case_photos WHERE case_id = $1 ORDER BY id",
             "id:i,mime:s,bytes:i,at:i", id),
        rows(c,
             "SELECT id, institution_id, party, rule, serious, illegal_income_fen, fine_fen,"
             " measures, text, contracts_refunded, refund_fen, decided_on FROM case_penalties"
             " WHERE case_id = $1 ORDER BY id",
             "id:i,institution_id:I,party:S,rule:s,serious:b,illegal_income_fen:i,fine_fen:i,"
             "measures:s,text:S,contracts_refunded:i,refund_fen:i,decided_on:s",
             id),
        rows(c,
             "SELECT id, date, place, findings, created_at FROM case_enforcements"
             " WHERE case_id = $1 ORDER BY id",
             "id:i,date:s,place:s,findings:s,created_at:i", id),
        rows(c,
             "SELECT d.enforcement_id, d.department, d.task, d.answer, d.answered_at"
             " FROM case_enforcement_departments d JOIN case_enforcements e ON e.id = "
             "d.enforcement_id"
             " WHERE e.case_id = $1 ORDER BY d.id",
             "enforcement_id:i,department:s,task:s,answer:S,answered_at:I", id),
        rows(c, "SELECT id, amount_fen, text, decided_at FROM case_rewards WHERE case_id = $1",
             "id:i,amount_fen:i,text:S,decided_at:i", id),
    };
    for (int i = 0; i < 7; i++)
        if (!parts[i]) {
            for (int j = 0; j < 7; j++)
                json_decref(parts[j]);
            json_decref(o);
            return NULL;
        }
    /* each penalty's measures as a list; each history row's detail as an object */
    size_t i;
    json_t *x;
    json_array_foreach(parts[3], i, x)
    {
        json_t *list = json_array();
        char buf[128];
        snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(x, "measures")));
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
            json_array_append_new(list, json_string(t));
        json_object_set_new(x, "measures", list);
    }
    json_array_foreach(parts[0], i, x)
    {
        const char *d = json_string_value(json_object_get(x, "detail"));
        json_t *dj = d ? json_loads(d, 0, NULL) : NULL;
        json_object_set_new(x, "detail", dj ? dj : json_null());
    }
    /* each enforcement with its departments */
    json_array_foreach(parts[4], i, x)
    {
        json_t *depts = json_array(), *d;
        size_t j;
        json_array_foreach(parts[5], j, d)
        {
            if (json_integer_value(json_object_get(d, "enforcement_id")) ==
                json_integer_value(json_object_get(x, "id")))
                json_array_append(depts, d);
        }
        json_object_set_new(x, "departments", depts);
    }
    json_decref(parts[5]);
    json_object_set_new(o, "history", parts[0]);
    json_object_set_new(o, "replies", parts[1]);
    json_object_set_new(o, "photos", parts[2]);
    json_object_set_new(o, "penalties", parts[3]);
    json_object_set_new(o, "enforcements", parts[4]);
    json_object_set_new(o, "reward",
                        json_array_size(parts[6]) ? json_incref(json_array_get(parts[6], 0))
                                                  : json_null());
    json_decref(parts[6]);
    return o;
}

json_t *cs_store_case_public(db_conn *c, const cs_case *k, const char *today)
{
    json_t *replies = rows(c,
                           "SELECT at, text FROM case_replies WHERE case_id = $1 AND public = 1"
                           " ORDER BY id",
                           "at:i,text:s", DB_ARGS(k->id));
    json_t *reward = rows(c, "SELECT amount_fen FROM case_rewards WHERE case_id = $1",
                          "amount_fen:i", DB_ARGS(k->id));
    if (!replies || !reward) {
        json_decref(replies);
        json_decref(reward);
        return NULL;
    }
    /* replies' times as RFC 3339 for the public; the timestamps stay for the web app */
    size_t i;
    json_t *x;
    json_array_foreach(replies, i, x)
    {
        char at[32];
        json_int_t t = json_integer_value(json_object_get(x, "at"));
        unix_rfc3339(t, at);
        json_object_set_new(x, "at", json_string(at));
    }
    bool overdue = strcmp(k->status, "closed") != 0 && strcmp(k->due_date, today) < 0;
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:b,s:o}", "status", k->status, "category", k->category,
                          "arrived_on", k->arrived_on, "due_date", k->due_date, "overdue", overdue,
                          "replies", replies);
    json_object_set_new(o, "outcome", k->outcome[0] ? json_string(k->outcome) : json_null());
    json_object_set_new(o, "reward_fen",
                        json_array_size(reward)
                            ? json_incref(json_object_get(json_array_get(reward, 0), "amount_fen"))
                            : json_null());
    json_decref(reward);
    return o;
}

int cs_store_tipster(db_conn *c, const unsigned char key[32], int64_t case_id, char **name,
                     char **phone)
{
    *name = *phone = NULL;
    db_stmt *s = db_query(c,
                          "SELECT anonymous, tipster_name_enc, tipster_phone_enc FROM cases"
                          " WHERE id = $1",
                          case_id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW && db_col_int64(s, 0))
        rc = DB_DONE;
    if (rc == DB_ROW) {
        if (!db_col_isnull(s, 1))
            *name = pii_open(key, db_col_text(s, 1));
        if (!db_col_isnull(s, 2))
            *phone = pii_open(key, db_col_text(s, 2));
    }
    db_finalize(s);
    return rc;
}

/* ---------- lists ---------- */

/* The list statements: every filter is a parameter that is "any" when 0 or ''. Three whole
 * statements (no SQL assembled from pieces) that differ in what leads, so that each common
 * list walks an index in due-date order and stops at its page: a school's cases
 * (cases_assigned_school), the district's overdue ones (the partial index cases_open_due), a
 * guardian's own (cases_filed_by), and the rest (cases_district_due). */
#define LIST_FILTERS                                                                               \
    " AND ($2 = 0 OR k.assigned_school_id = $2)"                                                   \
    " AND ($3 = 0 OR k.school_id = $3) AND ($4 = 0 OR k.institution_id = $4)"                      \
    " AND ($5 = 0 OR k.filed_by = $5) AND ($6 = '' OR k.status = $6)"                              \
    " AND ($7 = '' OR k.category = $7)"                                                            \
    " AND ($8 = 0 OR (k.status <> 'closed' AND k.due_date < $9))"
#define LIST_SELECT                                                                                \
    "SELECT k.id, k.category, k.source, k.status, k.school_id, sc.name, k.institution_id,"         \
    " k.assigned_school_id, k.due_date,"                                                           \
    " CASE WHEN k.status <> 'closed' AND k.due_date < $9 THEN 1 ELSE 0 END,"                       \
    " k.created_at, k.arrived_on, k.place, k.outcome, k.reopened FROM cases k"                     \
    " LEFT JOIN schools sc ON sc.id = k.school_id"

static const char *const list_sql[4][2] = {
    {
        /* a school's */
        LIST_SELECT " WHERE k.assigned_school_id = $2 AND k.district_id = $1" LIST_FILTERS
                    " ORDER BY k.due_date, k.id",
        "SELECT COUNT(*) FROM cases k WHERE k.assigned_school_id = $2 AND k.district_id = "
        "$1" LIST_FILTERS,
    },
    {
        /* the district's overdue */
        LIST_SELECT
        " WHERE k.district_id = $1 AND k.status <> 'closed' AND k.due_date < $9" LIST_FILTERS
        " ORDER BY k.due_date, k.id",
        "SELECT COUNT(*) FROM cases k WHERE k.district_id = $1 AND k.status <> 'closed'"
        " AND k.due_date < $9" LIST_FILTERS,
    },
    {
        /* the district's */
        LIST_SELECT " WHERE k.district_id = $1" LIST_FILTERS " ORDER BY k.due_date, k.id",
        "SELECT COUNT(*) FROM cases k WHERE k.district_id = $1" LIST_FILTERS,
    },
    {
        /* a guardian's own (cases_filed_by) */
        LIST_SELECT " WHERE k.filed_by = $5 AND k.district_id = $1" LIST_FILTERS
                    " ORDER BY k.due_date, k.id",
        "SELECT COUNT(*) FROM cases k WHERE k.filed_by = $5 AND k.district_id = $1" LIST_FILTERS,
    },
};

json_t *cs_store_list(db_conn *c, const cs_filter *f, int64_t limit, int64_t offset)
{
    int which = f->assigned_school_id ? 0 : f->filed_by ? 3 : f->overdue ? 1 : 2;
    return db_list_page_a(
        c, list_sql[which][0], list_sql[which][1],
        "id:i,category:s,source:s,status:s,school_id:I,school_name:S,institution_id:I,"
        "assigned_school_id:I,due_date:s,overdue:b,created_at:i,arrived_on:s,place:S,outcome:S,"
        "reopened:i",
        limit, offset,
        DB_ARGS(f->district_id, f->assigned_school_id, f->school_id, f->institution_id, f->filed_by,
                f->status ? f->status : "", f->category ? f->category : "", (int64_t)f->overdue,
                f->today));
}

json_t *cs_store_related(db_conn *c, const cs_case *k, const char *today, int64_t limit,
                         int64_t offset)
{
    return db_list_page(
        c,
        "SELECT r.id, r.category, r.source, r.status, r.institution_id, r.place, r.arrived_on,"
        " r.due_date, CASE WHEN r.status <> 'closed' AND r.due_date < $3 THEN 1 ELSE 0 END,"
        " CASE WHEN $2 <> 0 AND r.institution_id = $2 THEN 'institution' ELSE 'place' END"
        " FROM cases r, cases k WHERE k.id = $1 AND r.district_id = k.district_id"
        " AND r.id <> k.id AND (($2 <> 0 AND r.institution_id = $2)"
        " OR (k.place_key IS NOT NULL AND r.place_key = k.place_key))"
        " ORDER BY r.arrived_on DESC, r.id DESC",
        "SELECT COUNT(*) FROM cases r, cases k WHERE k.id = $1 AND r.district_id = k.district_id"
        " AND r.id <> k.id AND (($2 <> 0 AND r.institution_id = $2)"
        " OR (k.place_key IS NOT NULL AND r.place_key = k.place_key)) AND $3 <> ''",
        "id:i,category:s,source:s,status:s,institution_id:I,place:S,arrived_on:s,due_date:s,"
        "overdue:b,same:s",
        limit, offset, k->id, k->institution_id, today);
}

json_t *cs_store_overdue_by_school(db_conn *c, int64_t district_id, const char *today)
{
    json_t *items = rows(c,
                         "SELECT s.id, s.name, COUNT(*),"
                         " SUM(CASE WHEN k.due_date < $2 THEN 1 ELSE 0 END) FROM cases k"
                         " JOIN schools s ON s.id = COALESCE(k.assigned_school_id, k.school_id)"
                         " WHERE k.district_id = $1 AND k.status <> 'closed'"
                         " GROUP BY s.id, s.name"
                         " HAVING SUM(CASE WHEN k.due_date < $2 THEN 1 ELSE 0 END) > 0"
                         " ORDER BY 4 DESC, s.name",
                         "school_id:i,school_name:s,open:i,overdue:i", DB_ARGS(district_id, today));
    int64_t all = 0, open = 0, none = 0;
    db_stmt *s = db_query(c,
                          "SELECT SUM(CASE WHEN due_date < $2 THEN 1 ELSE 0 END), COUNT(*),"
                          " SUM(CASE WHEN due_date < $2 AND school_id IS NULL"
                          " AND assigned_school_id IS NULL THEN 1 ELSE 0 END)"
                          " FROM cases WHERE district_id = $1 AND status <> 'closed'",
                          district_id, today);
    if (!items || !s || db_step(s) != DB_ROW) {
        db_finalize(s);
        json_decref(items);
        return NULL;
    }
    all = db_col_int64(s, 0);
    open = db_col_int64(s, 1);
    none = db_col_int64(s, 2);
    db_finalize(s);
    return json_pack("{s:o,s:I,s:I,s:I,s:I,s:s}", "items", items, "total",
                     (json_int_t)json_array_size(items), "overdue", (json_int_t)all, "open",
                     (json_int_t)open, "overdue_without_school", (json_int_t)none, "as_of", today);
}

/* ---------- photos ---------- */

int cs_store_photo(db_conn *c, int64_t id, cs_photo *out)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, case_id, rectification_id, mime, data"
                          " FROM case_photos WHERE id = $1",
                          id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        out->id = db_next_int64(&row);
        out->district_id = db_next_int64(&row);
        out->case_id = db_next_int64(&row);
        out->rectification_id = db_next_int64(&row);
        DB_NEXT_TEXT(&row, out->mime);
        out->data = strdup(db_next_text_ref(&row));
        if (!out->data)
            abort();
    }
    db_finalize(s);
    return rc;
}

void cs_photo_cleanup(cs_photo *p)
{
    free(p->data);
    p->data = NULL;
}

verdict cases_photo_add(db_conn *c, int64_t district_id, int64_t case_id, int64_t rect_id,
                        const char *mime, const unsigned char *data, size_t len, int max,
                        const cases_actor *by, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_lock(c, DB_LOCK_CASE, case_id ? case_id : ((int64_t)1 << 48) + rect_id);
    int64_t n = 0;
    if (rc == DB_OK)
        rc = case_id
                 ? db_query_int64(c, &n, "SELECT COUNT(*) FROM case_photos WHERE case_id = $1",
                                  case_id)
                 : db_query_int64(c, &n,
                                  "SELECT COUNT(*) FROM case_photos WHERE rectification_id = $1",
                                  rect_id);
    if (rc != DB_ROW)
        return cs_undo_rc(c, rc);
    if (n >= max) {
        verdict v = verdict_refuse(SJ_ERR_RULE, "too_many_photos", NULL, "cases.too_many_photos");
        verdict_num(&v, "limit", max);
        verdict_num(&v, "photos", n);
        return cs_undo(c, v);
    }
    size_t b64len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    if (!b64)
        abort();
    sodium_bin2base64(b64, b64len, data, len, sodium_base64_VARIANT_ORIGINAL);
    rc =
        db_insert_id(c, id,
                     "INSERT INTO case_photos (district_id, case_id, rectification_id, mime,"
                     " bytes, data, uploaded_by, at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
                     district_id, db_id_or_null(case_id), db_id_or_null(rect_id), mime,
                     (int64_t)len, b64, db_id_or_null(by->id), cs_at(by));
    free(b64);
    if (rc == DB_DONE && case_id) {
        cs_case k;
        rc = cs_store_case(c, case_id, &k) == DB_ROW ? DB_DONE : DB_ERROR;
        if (rc == DB_DONE)
            rc = cs_history(c, district_id, case_id, by, "photo", k.status,
                            json_pack("{s:I}", "photo_id", (json_int_t)*id));
    }
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

/* ---------- the figures of a period (reports, RP-1) ---------- */

int cases_period_figures(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                         const char *to, const char *as_of, cases_figures *out)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_query(
        c,
        "SELECT"
        " (SELECT COUNT(*) FROM cases WHERE district_id = $1 AND source IN ('tip', 'complaint')"
        "  AND arrived_on >= $3 AND arrived_on <= $4"
        "  AND ($2 = 0 OR school_id = $2 OR assigned_school_id = $2)),"
        " (SELECT COUNT(*) FROM cases WHERE district_id = $1 AND outcome = 'substantiated'"
        "  AND closed_on >= $3 AND closed_on <= $4"
        "  AND ($2 = 0 OR school_id = $2 OR assigned_school_id = $2)),"
        " (SELECT COUNT(*) FROM cases WHERE district_id = $1 AND arrived_on <= $5"
        "  AND (closed_on IS NULL OR closed_on > $5) AND due_date < $5"
        "  AND ($2 = 0 OR school_id = $2 OR assigned_school_id = $2)),"
        " (SELECT COUNT(*) FROM case_penalties p JOIN cases k ON k.id = p.case_id"
        "  WHERE p.district_id = $1 AND p.rule = 'PN-1' AND p.decided_on >= $3"
        "  AND p.decided_on <= $4 AND ($2 = 0 OR k.school_id = $2)),"
        " (SELECT COUNT(*) FROM case_penalties p JOIN cases k ON k.id = p.case_id"
        "  WHERE p.district_id = $1 AND p.rule = 'PN-2' AND p.decided_on >= $3"
        "  AND p.decided_on <= $4 AND ($2 = 0 OR k.school_id = $2))",
        district_id, school_id, from, to, as_of);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        out->tips_received = db_next_int64(&row);
        out->tips_substantiated = db_next_int64(&row);
        out->cases_overdue = db_next_int64(&row);
        out->penalties_pn1 = db_next_int64(&row);
        out->penalties_pn2 = db_next_int64(&row);
    }
    db_finalize(s);
    return rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
}
