/*
 * api_money.c: the after-school service's money and figures: a pupil's bill (every line says
 * how it was computed), the term's bills run for a school or the district and stored, hardship
 * waivers (AS-5), teachers' subsidies (AS-8), and the coverage report (RP-3 两个全覆盖, with the
 * rural gap AS-10) as JSON and as an XLSX workbook.
 *
 * The bill rules are in rules.c (afterschool_bill_compute); this file gathers the data. The
 * bills run reads every seat of the term once, sorted by pupil, computes each pupil's bill in
 * memory and writes one row per pupil in one transaction: a term of a district's 60,000 pupils
 * is one pass (see bench/afterschool.md).
 *
 * AS-10's cost is the teachers' subsidies due (AS-8) for the school's service; the gap the
 * district fills is that cost less the fees billed to families, for rural schools.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "afterschool_int.h"
#include "core/xlsx.h"

/* ---------- a pupil's bill ---------- */

void afterschool_h_get_bill(req *r)
{
    int64_t student_id, school_id = 0;
    const char *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "student_id", 0, &student_id))
        return;
    if (student_id <= 0) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "student_id");
        return;
    }
    if (!term || !term_valid(term)) {
        reply_err_field(r, term ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "term");
        return;
    }
    if (!as_student_place_or_reply(r, student_id, &school_id))
        return;
    bool staff = auth_school_staff(r->user, school_id);
    if (!staff && !auth_guardian_of(r, student_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    json_t *bill = as_bill_json(r, student_id, term);
    if (!bill) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, bill);
}

/* ---------- the term's bills, stored ---------- */

typedef struct {
    int64_t student_id, school_id, program_id;
    char seat_from[AS_DATE_LEN], left_on[AS_DATE_LEN];
} seat_row;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_program_id(const void *key, const void *elem)
{
    int64_t k = *(const int64_t *)key, id = ((const as_program *)elem)->id;
    return (k > id) - (k < id);
}

/* progs sorted by id */
static const as_program *find_program(const as_program *progs, size_t n, int64_t id)
{
    return n ? bsearch(&id, progs, n, sizeof *progs, cmp_program_id) : NULL;
}

/* Growable arrays on the heap, freed at the end of the run. */
typedef struct {
    void *data;
    size_t n, cap, size;
} vec;

static void *vec_push(vec *v)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 1024;
        v->data = realloc(v->data, v->cap * v->size);
        if (!v->data)
            abort();
    }
    void *p = (char *)v->data + v->n * v->size;
    v->n++;
    memset(p, 0, v->size);
    return p;
}

/* Rows are written BILL_BATCH at a time, one INSERT with many VALUES: one round trip to
 * PostgreSQL per batch instead of per pupil. The term, district, policy version and time are
 * shared parameters $1..$4; each row has BILL_COLS more (the PostgreSQL backend binds at most
 * 64 parameters). */
#define BILL_BATCH 8
#define BILL_SHARED 4
#define BILL_COLS 7
#define BILL_LINES_MAX 4096

typedef struct {
    int64_t student_id, school_id;
    as_bill b;
    char lines[BILL_LINES_MAX];
} bill_row;

/* One pupil's bill into *row. lines: [{"program_id","sessions","minutes","overlap",
 * "amount_fen","refund_fen"}]. */
static void compute_bill(const policy *pol, const seat_row *seats, size_t n,
                         const as_program *progs, size_t nprogs, const as_day *days, size_t nd,
                         bool waived, bill_row *row)
{
    as_bill_item items[32] = {0};
    as_bill_line lines[32];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 32; i++) {
        const as_program *p = find_program(progs, nprogs, seats[i].program_id);
        if (!p)
            continue;
        items[k].prog = *p;
        memcpy(items[k].seat_from, seats[i].seat_from, AS_DATE_LEN);
        memcpy(items[k].left_on, seats[i].left_on, AS_DATE_LEN);
        k++;
    }
    afterschool_bill_compute(pol, days, nd, items, k, waived, &row->b, lines);
    row->student_id = seats[0].student_id;
    row->school_id = seats[0].school_id;
    char *buf = row->lines;
    size_t used = 0, buflen = sizeof row->lines;
    buf[used++] = '[';
    for (size_t i = 0; i < k && used + 160 < buflen; i++) {
        int w = snprintf(buf + used, buflen - used,
                         "%s{\"program_id\":%lld,\"sessions\":%d,\"minutes\":%lld,\"overlap\":%lld,"
                         "\"amount_fen\":%lld,\"refund_fen\":%lld}",
                         i ? "," : "", (long long)lines[i].program_id, lines[i].sessions,
                         (long long)lines[i].minutes, (long long)lines[i].overlap,
                         (long long)lines[i].amount, (long long)lines[i].refund);
        used += w > 0 ? (size_t)w : 0;
    }
    buf[used++] = ']';
    buf[used] = 0;
}

/* INSERT INTO afterschool_bills ... VALUES (...), (...) for k <= BILL_BATCH rows. Only the
 * placeholders' numbers ($5, $6, ...) are formatted into the text; every value is bound. */
static db_stmt *prepare_bill_insert(db_conn *c, size_t k)
{
    char sql[256 + BILL_BATCH * 64];
    size_t cap = sizeof sql;
    size_t used = (size_t)snprintf(sql, cap, "INSERT INTO afterschool_bills (term, district_id,"
                                             " policy_version, computed_at, student_id,"
                                             " school_id, gross_fen, waiver_fen, total_fen,"
                                             " waived, lines) VALUES ");
    for (size_t i = 0; i < k && i < BILL_BATCH; i++) {
        size_t p = BILL_SHARED + i * BILL_COLS + 1;
        used += (size_t)snprintf(sql + used, cap - used,
                                 "%s($1,$2,$3,$4,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu)",
                                 i ? "," : "", p, p + 1, p + 2, p + 3, p + 4, p + 5, p + 6);
    }
    return db_prepare(c, sql);
}

static int flush_bills(db_stmt *ins, const bill_row *rows, size_t k, const char *term,
                       int64_t district, const char *version, int64_t now)
{
    db_reset(ins);
    int rc = db_bind_text(ins, 1, term);
    rc |= db_bind_int64(ins, 2, district);
    rc |= db_bind_text(ins, 3, version);
    rc |= db_bind_int64(ins, 4, now);
    for (size_t i = 0; i < k; i++) {
        int b = (int)(BILL_SHARED + i * BILL_COLS);
        const bill_row *x = &rows[i];
        rc |= db_bind_int64(ins, b + 1, x->student_id);
        rc |= db_bind_int64(ins, b + 2, x->school_id);
        rc |= db_bind_int64(ins, b + 3, x->b.gross_fen);
        rc |= db_bind_int64(ins, b + 4, x->b.waiver_fen);
        rc |= db_bind_int64(ins, b + 5, x->b.total_fen);
        rc |= db_bind_int64(ins, b + 6, x->b.waived);
        rc |= db_bind_text(ins, b + 7, x->lines);
    }
    return rc == DB_OK ? db_step(ins) : DB_ERROR;
}

int as_bills_store(db_conn *c, const policy *pol, int64_t district, const char *term,
                   int64_t school_id, as_bills_totals *out)
{
    memset(out, 0, sizeof *out);
    char first[AS_DATE_LEN], last[AS_DATE_LEN];
    as_day *days = malloc(sizeof *days * AS_MAX_DAYS);
    if (!days)
        abort();
    size_t nd = 0;
    vec progs = {.size = sizeof(as_program)}, waivers = {.size = sizeof(int64_t)},
        seats = {.size = sizeof(seat_row)};
    db_stmt *ins = NULL;
    bill_row *batch = NULL;
    int rc = calendar_term_bounds(c, district, term, first, last);
    if (rc == DB_ROW)
        rc = as_school_days(c, district, first, last, days, AS_MAX_DAYS, &nd);
    if (rc != DB_OK)
        goto out;
    out->school_days = nd;
    db_stmt *s = db_query(c,
                          "SELECT id, kind, weekdays, start_min, end_min, fee_per_hour_fen,"
                          " first_day, last_day FROM afterschool_programs WHERE district_id = $1"
                          " AND term = $2 AND ($3 = 0 OR school_id = $3) ORDER BY id", district, term, school_id);
    rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        as_program *p = vec_push(&progs);
        p->id = db_col_int64(s, 0);
        p->kind = strcmp(db_col_text(s, 1), "course") == 0 ? AS_COURSE : AS_CARE;
        p->weekdays = (unsigned)db_col_int64(s, 2);
        p->start_min = (int)db_col_int64(s, 3);
        p->end_min = (int)db_col_int64(s, 4);
        p->fee_per_hour_fen = db_col_int64(s, 5);
        snprintf(p->first_day, AS_DATE_LEN, "%s", db_col_text(s, 6));
        snprintf(p->last_day, AS_DATE_LEN, "%s", db_col_text(s, 7));
    }
    db_finalize(s);
    if (rc != DB_DONE)
        goto out;
    s = db_query(c,
                 "SELECT student_id FROM afterschool_waivers WHERE district_id = $1"
                 " AND ($2 = 0 OR school_id = $2) ORDER BY student_id", district, school_id);
    rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW)
        *(int64_t *)vec_push(&waivers) = db_col_int64(s, 0);
    db_finalize(s);
    if (rc != DB_DONE)
        goto out;
    s = db_query(c,
                 "SELECT e.student_id, e.school_id, e.program_id, e.seat_from, e.left_on"
                 " FROM afterschool_enrolments e JOIN afterschool_programs p ON p.id = e.program_id"
                 " WHERE p.district_id = $1 AND p.term = $2 AND ($3 = 0 OR p.school_id = $3)"
                 " AND e.status IN ('enrolled', 'left') AND e.seat_from IS NOT NULL"
                 " ORDER BY e.student_id, e.program_id", district, term, school_id);
    rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        seat_row *e = vec_push(&seats);
        e->student_id = db_col_int64(s, 0);
        e->school_id = db_col_int64(s, 1);
        e->program_id = db_col_int64(s, 2);
        snprintf(e->seat_from, AS_DATE_LEN, "%s", db_col_text(s, 3));
        snprintf(e->left_on, AS_DATE_LEN, "%s", db_col_text(s, 4));
    }
    db_finalize(s);
    if (rc != DB_DONE)
        goto out;
    out->programs = (int64_t)progs.n;
    out->seats = (int64_t)seats.n;

    rc = db_run(c,
                "DELETE FROM afterschool_bills WHERE district_id = $1 AND term = $2"
                " AND ($3 = 0 OR school_id = $3)", district, term, school_id);
    if (rc != DB_DONE)
        goto out;
    ins = prepare_bill_insert(c, BILL_BATCH);
    if (!ins) {
        rc = DB_ERROR;
        goto out;
    }
    const seat_row *all = seats.data;
    int64_t now = now_unix();
    const char *version = policy_version(pol);
    batch = malloc(sizeof *batch * BILL_BATCH);
    if (!batch)
        abort();
    size_t nb = 0;
    for (size_t i = 0; i < seats.n;) {
        size_t j = i;
        while (j < seats.n && all[j].student_id == all[i].student_id)
            j++;
        bool waived = waivers.n && bsearch(&all[i].student_id, waivers.data, waivers.n,
                                           sizeof(int64_t), cmp_i64);
        bill_row *row = &batch[nb++];
        compute_bill(pol, &all[i], j - i, progs.data, progs.n, days, nd, waived, row);
        out->students++;
        out->gross_fen += row->b.gross_fen;
        out->waiver_fen += row->b.waiver_fen;
        out->cap_reduction_fen += row->b.cap_reduction_fen;
        out->total_fen += row->b.total_fen;
        i = j;
        if (nb == BILL_BATCH || (i == seats.n && nb > 0)) {
            if (nb < BILL_BATCH) { /* the last, shorter batch */
                db_finalize(ins);
                ins = prepare_bill_insert(c, nb);
                if (!ins) {
                    rc = DB_ERROR;
                    goto out;
                }
            }
            rc = flush_bills(ins, batch, nb, term, district, version, now);
            if (rc != DB_DONE)
                goto out;
            nb = 0;
        }
    }
    rc = DB_DONE;
out:
    db_finalize(ins);
    free(days);
    free(progs.data);
    free(waivers.data);
    free(seats.data);
    free(batch);
    return rc == DB_OK ? DB_ERROR : rc;
}

void afterschool_h_run_bills(req *r)
{
    int64_t school_id = 0;
    const char *term;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "term", 11, true, &term) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, false, &school_id))
        return;
    if (!term_valid(term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    if (school_id ? !auth_school_admin_or_reply(r, school_id) : !auth_district(r->user)) {
        if (!school_id)
            reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    as_bills_totals t;
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = as_bills_store(r->db, r->pol, r->user->district_id, term, school_id, &t);
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        reply_db(r, rc == DB_DONE || rc == DB_OK ? DB_ERROR : rc);
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i,s:f,s:s}", "term", term,
                          "students", (json_int_t)t.students, "seats", (json_int_t)t.seats,
                          "programs", (json_int_t)t.programs, "gross_fen", (json_int_t)t.gross_fen,
                          "cap_reduction_fen", (json_int_t)t.cap_reduction_fen, "waiver_fen",
                          (json_int_t)t.waiver_fen, "total_fen", (json_int_t)t.total_fen,
                          "school_days", (int)t.school_days, "ms", ms, "policy_version",
                          policy_version(r->pol));
    json_object_set_new(o, "school_id", school_id ? json_integer(school_id) : json_null());
    reply_json(r, 201, o);
}

/* ---------- AS-5 waivers ---------- */

void afterschool_h_set_waiver(req *r)
{
    int64_t student_id, school_id = 0;
    const char *reason;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &student_id) ||
        !body_str_or_reply(r, "reason", 200, true, &reason))
        return;
    if (!as_student_place_or_reply(r, student_id, &school_id) ||
        !auth_school_admin_or_reply(r, school_id))
        return;
    int rc = db_run(r->db,
                    "INSERT INTO afterschool_waivers (student_id, district_id, school_id, reason,"
                    " set_by, set_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (student_id)"
                    " DO UPDATE SET reason = $4, set_by = $5, set_at = $6", student_id, r->user->district_id, school_id, reason, r->user->id,
                    now_unix());
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = student_id;
    reply_json(r, 201, json_pack("{s:I,s:b,s:s}", "student_id", (json_int_t)student_id, "waived",
                                 1, "reason", reason));
}

void afterschool_h_delete_waiver(req *r)
{
    int64_t student_id = r->params[0], school_id = 0, one = 0;
    if (!as_student_place_or_reply(r, student_id, &school_id) ||
        !auth_school_admin_or_reply(r, school_id))
        return;
    int rc = db_query_int64(r->db, &one, "SELECT 1 FROM afterschool_waivers WHERE student_id = $1", student_id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    rc = db_run(r->db, "DELETE FROM afterschool_waivers WHERE student_id = $1", student_id);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    reply_empty(r, 204);
}

void afterschool_h_list_waivers(req *r)
{
    int64_t school_id;
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id))
        return;
    if (!auth_school_admin_or_reply(r, school_id))
        return;
    reply_list(r,
               "SELECT w.student_id, s.name, c.name, w.reason, w.set_at FROM afterschool_waivers w"
               " JOIN students s ON s.id = w.student_id JOIN classes c ON c.id = s.class_id"
               " WHERE w.school_id = $1 ORDER BY c.grade, c.name, s.student_no",
               "SELECT COUNT(*) FROM afterschool_waivers WHERE school_id = $1",
               "student_id:i,name:s,class_name:s,reason:s,set_at_unix:i", school_id);
}

/* ---------- AS-8 subsidies ---------- */

void afterschool_h_get_subsidies(req *r)
{
    int64_t school_id;
    const char *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id))
        return;
    if (!term || !term_valid(term)) {
        reply_err_field(r, term ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "term");
        return;
    }
    if (!auth_school_exists_or_reply(r, school_id))
        return;
    if (!auth_district_staff(r->user) && !auth_school_admin_or_reply(r, school_id))
        return;
    db_stmt *s = db_query(r->db,
                          "SELECT d.user_id, u.name, SUM(d.minutes), COUNT(*),"
                          " SUM(CASE WHEN d.covering_for IS NULL THEN 0 ELSE 1 END)"
                          " FROM afterschool_duties d JOIN afterschool_programs p"
                          " ON p.id = d.program_id JOIN users u ON u.id = d.user_id"
                          " WHERE p.school_id = $1 AND p.term = $2"
                          " GROUP BY d.user_id, u.name ORDER BY u.name, d.user_id", school_id, term);
    json_t *items = json_array();
    int64_t total = 0, minutes = 0;
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        as_subsidy sub;
        int64_t m = db_col_int64(s, 2);
        afterschool_subsidy(r->pol, m, &sub);
        char rate[32], amount[32];
        afterschool_fen_text(sub.rate_fen, rate);
        afterschool_fen_text(sub.amount_fen, amount);
        const char *explain =
            r->english
                ? req_printf(r, "%lld min / %d min per class-hour x %s yuan (AS-8) = %s yuan",
                             (long long)m, sub.class_hour_minutes, rate, amount)
                : req_printf(r, "%lld 分钟 ÷ 每课时 %d 分钟 × %s 元(AS-8)= %s 元",
                             (long long)m, sub.class_hour_minutes, rate, amount);
        json_array_append_new(
            items, json_pack("{s:I,s:s,s:I,s:I,s:I,s:I,s:i,s:I,s:s}", "user_id",
                             (json_int_t)db_col_int64(s, 0), "name", db_col_text(s, 1),
                             "duty_minutes", (json_int_t)m, "duties",
                             (json_int_t)db_col_int64(s, 3), "covering",
                             (json_int_t)db_col_int64(s, 4), "rate_fen", (json_int_t)sub.rate_fen,
                             "class_hour_minutes", sub.class_hour_minutes, "amount_fen",
                             (json_int_t)sub.amount_fen, "explain", explain));
        total += sub.amount_fen;
        minutes += m;
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    size_t n = json_array_size(items);
    reply_json(r, 200, json_pack("{s:o,s:I,s:I,s:I,s:s,s:s}", "items", items, "total",
                                 (json_int_t)n, "total_fen", (json_int_t)total, "duty_minutes",
                                 (json_int_t)minutes, "rule", "AS-8", "policy_version",
                                 policy_version(r->pol)));
}

/* ---------- RP-3 coverage report, AS-10 rural gap ---------- */

enum {
    F_PUPILS, F_ENROLLED, F_ASKED, F_PLACED, F_TEACHERS, F_ON_DUTY, F_DAYS_RUN, F_PROGRAMS,
    F_BILLS, F_FEES, F_WAIVED, F_SUBSIDY, F_NFIELDS
};

typedef struct {
    int64_t id;
    char name[256];
    bool rural, offers;
    as_coverage cov;
    int64_t f[F_NFIELDS];
} school_stat;

static int cmp_school_id(const void *key, const void *elem)
{
    int64_t k = *(const int64_t *)key, id = ((const school_stat *)elem)->id;
    return (k > id) - (k < id);
}

/* st sorted by id */
static school_stat *find_school(school_stat *st, size_t n, int64_t id)
{
    return n ? bsearch(&id, st, n, sizeof *st, cmp_school_id) : NULL;
}

/* Runs sql ($1 district, $2 term, $3 school or 0) whose rows are (school_id, v1, v2...) and
 * adds v1.. into fields first, first+1, ... */
static int fold(req *r, const char *sql, const char *term, int64_t school_id, school_stat *st,
                size_t n, int first, int nvals)
{
    db_stmt *s = db_query(r->db, sql, r->user->district_id, term, school_id);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        school_stat *x = find_school(st, n, db_col_int64(s, 0));
        for (int k = 0; x && k < nvals; k++)
            x->f[first + k] += db_col_int64(s, 1 + k);
    }
    db_finalize(s);
    return rc == DB_DONE ? DB_OK : rc;
}

#define TERM_PROGRAMS \
    " afterschool_programs p WHERE p.district_id = $1 AND p.term = $2 AND ($3 = 0 OR p.school_id = $3)"

static const char *const fold_sql[] = {
    /* F_ENROLLED */
    "SELECT p.school_id, COUNT(DISTINCT e.student_id) FROM afterschool_enrolments e ,"
    TERM_PROGRAMS " AND p.id = e.program_id AND e.status = 'enrolled' GROUP BY p.school_id",
    /* F_ASKED: a seat, a place on a wait list, or ranked choices */
    "SELECT t.school_id, COUNT(DISTINCT t.student_id) FROM (SELECT p.school_id, e.student_id"
    " FROM afterschool_enrolments e," TERM_PROGRAMS " AND p.id = e.program_id"
    " AND e.status IN ('enrolled', 'waitlisted', 'left') UNION SELECT c.school_id, c.student_id"
    " FROM afterschool_choices c WHERE c.district_id = $1 AND c.term = $2"
    " AND ($3 = 0 OR c.school_id = $3)) t GROUP BY t.school_id",
    /* F_PLACED */
    "SELECT p.school_id, COUNT(DISTINCT e.student_id) FROM afterschool_enrolments e ,"
    TERM_PROGRAMS " AND p.id = e.program_id AND e.status IN ('enrolled', 'left')"
    " GROUP BY p.school_id",
    /* F_TEACHERS ($2 unused but bound) */
    "SELECT ur.school_id, COUNT(DISTINCT ur.user_id) FROM user_roles ur JOIN schools s"
    " ON s.id = ur.school_id WHERE s.district_id = $1 AND $2 <> '' AND ($3 = 0 OR s.id = $3)"
    " AND ur.role = 'teacher' GROUP BY ur.school_id",
    /* F_ON_DUTY */
    "SELECT p.school_id, COUNT(DISTINCT d.user_id) FROM afterschool_duties d," TERM_PROGRAMS
    " AND p.id = d.program_id GROUP BY p.school_id",
    /* F_DAYS_RUN: a day with a roll or a duty */
    "SELECT t.school_id, COUNT(*) FROM (SELECT p.school_id, x.date FROM afterschool_rolls x"
    "," TERM_PROGRAMS " AND p.id = x.program_id UNION SELECT p.school_id, d.date"
    " FROM afterschool_duties d," TERM_PROGRAMS " AND p.id = d.program_id) t"
    " GROUP BY t.school_id",
    /* F_PROGRAMS */
    "SELECT p.school_id, COUNT(*) FROM" TERM_PROGRAMS " GROUP BY p.school_id",
    /* F_BILLS, F_FEES, F_WAIVED */
    "SELECT school_id, COUNT(*), SUM(total_fen), SUM(waiver_fen) FROM afterschool_bills"
    " WHERE district_id = $1 AND term = $2 AND ($3 = 0 OR school_id = $3) GROUP BY school_id",
};

static double share(int64_t part, int64_t whole)
{
    return whole > 0 ? (double)(part * 1000 / whole) / 10.0 : 0.0;
}

/* The report: per school and for the district. NULL on a store error. */
static json_t *report_json(req *r, const char *term, int64_t school_id)
{
    int64_t district = r->user->district_id;
    db_stmt *s = db_query(r->db,
                          "SELECT s.id, s.name, s.rural, (SELECT COUNT(*) FROM students p"
                          " WHERE p.school_id = s.id) FROM schools s WHERE s.district_id = $1"
                          " AND ($2 = 0 OR s.id = $2) ORDER BY s.id", district, school_id);
    vec v = {.size = sizeof(school_stat)};
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        school_stat *x = vec_push(&v);
        x->id = db_col_int64(s, 0);
        snprintf(x->name, sizeof x->name, "%s", db_col_text(s, 1));
        x->rural = db_col_int64(s, 2) != 0;
        x->f[F_PUPILS] = db_col_int64(s, 3);
    }
    db_finalize(s);
    school_stat *st = v.data;
    size_t n = v.n;
    static const int first_field[] = {F_ENROLLED, F_ASKED, F_PLACED, F_TEACHERS, F_ON_DUTY,
                                      F_DAYS_RUN, F_PROGRAMS, F_BILLS};
    for (size_t q = 0; rc == DB_DONE && q < sizeof fold_sql / sizeof fold_sql[0]; q++) {
        rc = fold(r, fold_sql[q], term, school_id, st, n, first_field[q], q == 7 ? 3 : 1);
        rc = rc == DB_OK ? DB_DONE : rc;
    }
    /* AS-8 subsidies due, teacher by teacher (each rounds down on its own) */
    s = rc == DB_DONE ? db_query(r->db,
                                 "SELECT p.school_id, d.user_id, SUM(d.minutes) FROM"
                                 " afterschool_duties d," TERM_PROGRAMS
                                 " AND p.id = d.program_id GROUP BY p.school_id, d.user_id", district, term, school_id)
                      : NULL;
    if (rc == DB_DONE) {
        rc = DB_ERROR;
        while (s && (rc = db_step(s)) == DB_ROW) {
            school_stat *x = find_school(st, n, db_col_int64(s, 0));
            as_subsidy sub;
            afterschool_subsidy(r->pol, db_col_int64(s, 2), &sub);
            if (x)
                x->f[F_SUBSIDY] += sub.amount_fen;
        }
        db_finalize(s);
    }
    /* AS-1 per school from its open programs */
    if (rc == DB_DONE) {
        s = db_query(r->db,
                     "SELECT " AS_PROGRAM_FIELDS AS_PROGRAM_FROM " WHERE p.district_id = $1"
                     " AND p.term = $2 AND ($3 = 0 OR p.school_id = $3) AND p.status = 'open'"
                     " ORDER BY p.school_id, p.id", district, term, school_id);
        vec pv = {.size = sizeof(as_program_row)};
        rc = DB_ERROR;
        while (s && (rc = db_step(s)) == DB_ROW)
            as_program_read(s, vec_push(&pv));
        db_finalize(s);
        const as_program_row *rows = pv.data;
        as_program *one = malloc(sizeof *one * (pv.n + 1));
        if (!one)
            abort();
        for (size_t i = 0; rc == DB_DONE && i < pv.n;) {
            size_t j = i, k = 0;
            while (j < pv.n && rows[j].school_id == rows[i].school_id)
                one[k++] = rows[j++].p;
            school_stat *x = find_school(st, n, rows[i].school_id);
            if (x) {
                afterschool_coverage(r->pol, one, k, &x->cov);
                x->offers = x->cov.ok;
            }
            i = j;
        }
        free(one);
        free(pv.data);
    }
    char first[AS_DATE_LEN], last[AS_DATE_LEN];
    as_day *days = req_alloc(r, sizeof *days * AS_MAX_DAYS);
    size_t nd = 0;
    if (rc == DB_DONE && (calendar_term_bounds(r->db, district, term, first, last) != DB_ROW ||
                          as_school_days(r->db, district, first, last, days, AS_MAX_DAYS, &nd) !=
                              DB_OK))
        rc = DB_ERROR;
    if (rc != DB_DONE) {
        free(v.data);
        return NULL;
    }
    json_t *items = json_array();
    int64_t t[F_NFIELDS] = {0}, offering = 0, gap_total = 0;
    for (size_t i = 0; i < n; i++) {
        school_stat *x = &st[i];
        int64_t cost = x->f[F_SUBSIDY];
        int64_t gap = cost > x->f[F_FEES] ? cost - x->f[F_FEES] : 0;
        json_t *o = json_pack(
            "{s:I,s:s,s:b,s:I,s:I,s:f,s:I,s:I,s:f,s:I,s:b,s:i,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
            "s:I}",
            "school_id", (json_int_t)x->id, "name", x->name, "rural", x->rural, "pupils",
            (json_int_t)x->f[F_PUPILS], "pupils_enrolled", (json_int_t)x->f[F_ENROLLED],
            "pupil_share", share(x->f[F_ENROLLED], x->f[F_PUPILS]), "teachers",
            (json_int_t)x->f[F_TEACHERS], "teachers_on_duty", (json_int_t)x->f[F_ON_DUTY],
            "teacher_share", share(x->f[F_ON_DUTY], x->f[F_TEACHERS]), "programs",
            (json_int_t)x->f[F_PROGRAMS], "offers_service", x->offers, "days_covered",
            x->cov.days_ok, "school_days", (int)nd, "days_run", (json_int_t)x->f[F_DAYS_RUN],
            "asked", (json_int_t)x->f[F_ASKED], "placed", (json_int_t)x->f[F_PLACED], "unmet",
            (json_int_t)(x->f[F_ASKED] - x->f[F_PLACED]), "bills", (json_int_t)x->f[F_BILLS],
            "fees_billed_fen", (json_int_t)x->f[F_FEES], "waived_fen",
            (json_int_t)x->f[F_WAIVED], "subsidies_due_fen", (json_int_t)x->f[F_SUBSIDY]);
        json_object_set_new(o, "cost_fen", json_integer(cost));
        json_object_set_new(o, "gap_fen", x->rural ? json_integer(gap) : json_null());
        json_array_append_new(items, o);
        for (int k = 0; k < F_NFIELDS; k++)
            t[k] += x->f[k];
        offering += x->offers;
        gap_total += x->rural ? gap : 0;
    }
    free(v.data);
    json_t *tot = json_pack(
        "{s:I,s:I,s:b,s:I,s:I,s:f,s:I,s:I,s:f,s:I,s:I,s:I,s:b,s:I,s:I,s:I,s:I}", "schools",
        (json_int_t)n, "schools_offering", (json_int_t)offering, "all_schools_offer",
        n > 0 && (size_t)offering == n, "pupils", (json_int_t)t[F_PUPILS], "pupils_enrolled",
        (json_int_t)t[F_ENROLLED], "pupil_share", share(t[F_ENROLLED], t[F_PUPILS]), "teachers",
        (json_int_t)t[F_TEACHERS], "teachers_on_duty", (json_int_t)t[F_ON_DUTY], "teacher_share",
        share(t[F_ON_DUTY], t[F_TEACHERS]), "asked", (json_int_t)t[F_ASKED], "placed",
        (json_int_t)t[F_PLACED], "unmet", (json_int_t)(t[F_ASKED] - t[F_PLACED]),
        "all_pupils_placed", t[F_ASKED] == t[F_PLACED], "fees_billed_fen", (json_int_t)t[F_FEES],
        "waived_fen", (json_int_t)t[F_WAIVED], "subsidies_due_fen", (json_int_t)t[F_SUBSIDY],
        "rural_gap_fen", (json_int_t)gap_total);
    return json_pack("{s:s,s:o,s:I,s:o,s:s,s:[s,s,s]}", "term", term, "items", items, "total",
                     (json_int_t)n, "district", tot, "policy_version",
                     policy_version(r->pol), "rules", "RP-3", "AS-1", "AS-10");
}

/* The caller's scope for the report; false after replying. */
static bool report_scope_or_reply(req *r, const char **term, int64_t *school_id)
{
    *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "school_id", 0, school_id))
        return false;
    if (!*term || !term_valid(*term)) {
        reply_err_field(r, *term ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "term");
        return false;
    }
    if (*school_id && !auth_school_exists_or_reply(r, *school_id))
        return false;
    if (auth_district_staff(r->user))
        return true;
    if (!*school_id) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "school_id");
        return false;
    }
    return auth_school_admin_or_reply(r, *school_id);
}

void afterschool_h_get_report(req *r)
{
    const char *term;
    int64_t school_id;
    if (!report_scope_or_reply(r, &term, &school_id))
        return;
    json_t *o = report_json(r, term, school_id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, o);
}

static void xlsx_row(const xlsx_book *b, lxw_worksheet *ws, int row, json_t *o,
                     const char *const *keys, int nkeys)
{
    for (int c = 0; c < nkeys; c++) {
        json_t *v = json_object_get(o, keys[c]);
        bool fen = strstr(keys[c], "_fen") != NULL;
        if (json_is_string(v))
            worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c, json_string_value(v), NULL);
        else if (json_is_boolean(v))
            worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c, json_is_true(v) ? "是" : "否",
                                   NULL);
        else if (fen && json_is_integer(v))
            xlsx_money(b, ws, (lxw_row_t)row, (lxw_col_t)c, json_integer_value(v));
        else if (json_is_number(v))
            worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)c, json_number_value(v), NULL);
    }
}

void afterschool_h_export_report(req *r)
{
    const char *term;
    int64_t school_id;
    if (!report_scope_or_reply(r, &term, &school_id))
        return;
    json_t *o = report_json(r, term, school_id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    xlsx_book b;
    if (!xlsx_open_or_reply(r, &b, "afterschool")) {
        json_decref(o);
        return;
    }
    static const char *const part_keys[] = {"name", "rural", "pupils", "pupils_enrolled",
                                            "pupil_share", "teachers", "teachers_on_duty",
                                            "teacher_share", "programs", "offers_service",
                                            "school_days", "days_run", "asked", "placed", "unmet"};
    static const char *const part_zh[] = {"学校", "农村学校", "学生数", "参加学生数",
                                          "学生参与率(%)", "教师数", "参与教师数",
                                          "教师参与率(%)", "项目数", "5+2 全覆盖(AS-1)",
                                          "上课日", "开展天数", "申请人数", "已安排人数",
                                          "未安排人数"};
    static const char *const part_en[] = {"School", "Rural", "Pupils", "Pupils enrolled",
                                          "Pupil share (%)", "Teachers", "Teachers on duty",
                                          "Teacher share (%)", "Programs", "5+2 covered (AS-1)",
                                          "School days", "Days run", "Asked", "Placed", "Unmet"};
    static const char *const money_keys[] = {"name", "rural", "bills", "fees_billed_fen",
                                             "waived_fen", "subsidies_due_fen", "cost_fen",
                                             "gap_fen"};
    static const char *const money_zh[] = {"学校", "农村学校", "账单数", "应收费用(元)",
                                           "困难减免(元)", "应发补助(元,AS-8)", "成本(元)",
                                           "财政补足缺口(元,AS-10)"};
    static const char *const money_en[] = {"School", "Rural", "Bills", "Fees billed (yuan)",
                                           "Waived (yuan)", "Subsidies due (yuan, AS-8)",
                                           "Cost (yuan)", "Gap the district fills (yuan, AS-10)"};
    struct {
        const char *name;
        const char *const *keys, *const *hdr;
        int n;
    } sheets[] = {
        {r->english ? "Participation" : "参与情况", part_keys, r->english ? part_en : part_zh, 15},
        {r->english ? "Fees and subsidies" : "费用与补助", money_keys,
         r->english ? money_en : money_zh, 8},
    };
    json_t *items = json_object_get(o, "items");
    for (size_t k = 0; k < 2; k++) {
        lxw_worksheet *ws = workbook_add_worksheet(b.wb, sheets[k].name);
        xlsx_header_row(&b, ws, sheets[k].hdr, sheets[k].n);
        worksheet_set_column(ws, 0, 0, 28, NULL);
        worksheet_set_column(ws, 1, (lxw_col_t)(sheets[k].n - 1), 14, NULL);
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
            xlsx_row(&b, ws, (int)i + 1, it, sheets[k].keys, sheets[k].n);
        json_t *tot = json_deep_copy(json_object_get(o, "district"));
        json_object_set_new(tot, "name", json_string(r->english ? "District" : "全区合计"));
        json_object_set_new(tot, "gap_fen", json_integer(json_integer_value(
                                                json_object_get(tot, "rural_gap_fen"))));
        json_object_set_new(tot, "programs", json_null());
        xlsx_row(&b, ws, (int)json_array_size(items) + 1, tot, sheets[k].keys, sheets[k].n);
        json_decref(tot);
    }
    json_decref(o);
    if (!xlsx_finish_or_reply(r, &b))
        return;
    audit_record(r, "export afterschool coverage", "term", school_id, term);
    xlsx_reply(r, &b, req_printf(r, "afterschool-%s.xlsx", term),
               r->english ? "afterschool.xlsx" : "课后服务.xlsx");
}
