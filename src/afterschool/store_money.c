/*
 * store_money.c: the after-school service's money: a pupil's bill (every line says how it was
 * computed), the term's bills run for a school or the district and stored, hardship waivers
 * (AS-5), teachers' subsidies (AS-8), and the coverage report (RP-3 两个全覆盖, with the rural
 * gap AS-10). AS-10's cost is the teachers' subsidies due (AS-8) for the school's service; the
 * gap the district fills is that cost less the fees billed to families, for rural schools.
 *
 * The bill rules are in rules.c (afterschool_bill_compute); this file gathers the data. The
 * bills run reads every seat of the term once, sorted by pupil, computes each pupil's bill in
 * memory and writes the rows in one transaction: a term of a district's 60,000 pupils is one
 * pass (see bench/afterschool.md). The demo stores its term's bills with as_bills_store, the
 * step of the same run inside its own transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afterschool_int.h"
#include "core/messages.h"
#include "core/policy_store.h"

static const char *const kind_names[] = {"care", "course"};

/* What a bill needs of a program; the columns bill_program_read reads. */
#define BILL_PROGRAM_FIELDS                                                                        \
    "p.id, p.kind, p.weekdays, p.start_min, p.end_min, p.fee_per_hour_fen, p.first_day,"           \
    " p.last_day, (SELECT s.rural FROM schools s WHERE s.id = p.school_id)"

static void bill_program_read(db_row *row, as_program *p)
{
    memset(p, 0, sizeof *p);
    p->id = db_next_int64(row);
    p->kind = strcmp(db_next_text_ref(row), "course") == 0 ? AS_COURSE : AS_CARE;
    p->weekdays = (unsigned)db_next_int64(row);
    p->start_min = (int)db_next_int64(row);
    p->end_min = (int)db_next_int64(row);
    p->fee_per_hour_fen = db_next_int64(row);
    DB_NEXT_TEXT(row, p->first_day);
    DB_NEXT_TEXT(row, p->last_day);
    p->rural = db_next_int64(row) != 0;
}

/* The district's policy versions over the term (ps NULL: pol alone). Returns the count, -1 on
 * a store error. */
static int bill_periods(db_conn *c, const policy *pol, policy_store *ps, int64_t district,
                        const char *first, const char *last, policy_period *out)
{
    if (ps)
        return policy_store_periods(ps, c, district, first, last, out, AS_MAX_PERIODS);
    snprintf(out[0].from, sizeof out[0].from, "%s", first);
    out[0].pol = pol;
    return 1;
}

/* ---------- a pupil's bill ---------- */

#define AS_MAX_BILL_ITEMS 32

static json_t *adjust_line(const char *kind, int64_t amount, const char *key, const verdict *v,
                           bool english)
{
    char text[512];
    msg_format(key, english, v->args, v->nargs, text, sizeof text);
    return json_pack("{s:s,s:I,s:s}", "kind", kind, "amount_fen", (json_int_t)amount, "explain",
                     text);
}

/* The bill's items: one per seat the pupil held in the term. */
typedef struct {
    as_bill_item items[AS_MAX_BILL_ITEMS];
    char names[AS_MAX_BILL_ITEMS][256];
    int64_t enrol_ids[AS_MAX_BILL_ITEMS];
    as_bill_line lines[AS_MAX_BILL_ITEMS];
    size_t n;
} bill_items;

static int bill_items_load(db_conn *c, int64_t student_id, const char *term, bill_items *b)
{
    db_stmt *s = db_query(c,
                          "SELECT " BILL_PROGRAM_FIELDS ", e.seat_from, e.left_on, p.name, e.id"
                          " FROM afterschool_enrolments e"
                          " JOIN afterschool_programs p ON p.id = e.program_id"
                          " WHERE e.student_id = $1 AND p.term = $2"
                          " AND e.status IN ('enrolled', 'left') AND e.seat_from IS NOT NULL"
                          " ORDER BY p.kind, p.id, e.id LIMIT 32",
                          student_id, term);
    if (!s)
        return DB_ERROR;
    int rc;
    b->n = 0;
    while ((rc = db_step(s)) == DB_ROW && b->n < AS_MAX_BILL_ITEMS) {
        as_bill_item *it = &b->items[b->n];
        db_row row = db_row_at(s, 0);
        memset(it, 0, sizeof *it);
        bill_program_read(&row, &it->prog);
        DB_NEXT_TEXT(&row, it->seat_from);
        DB_NEXT_TEXT(&row, it->left_on);
        DB_NEXT_TEXT(&row, b->names[b->n]);
        b->enrol_ids[b->n] = db_next_int64(&row);
        b->n++;
    }
    db_finalize(s);
    return rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
}

static json_t *bill_line_json(const bill_items *b, size_t i, bool english)
{
    const as_bill_line *l = &b->lines[i];
    char text[1024];
    afterschool_bill_line_explain(l, b->names[i], english, text, sizeof text);
    json_t *o =
        json_pack("{s:s,s:I,s:I,s:s,s:I,s:i,s:i,s:I,s:I,s:I,s:I,s:i,s:I,s:I,s:s,s:s}", "kind",
                  kind_names[l->kind], "enrolment_id", (json_int_t)b->enrol_ids[i], "program_id",
                  (json_int_t)l->program_id, "name", b->names[i], "rate_fen_per_hour",
                  (json_int_t)l->rate_fen, "session_minutes", l->session_minutes, "sessions",
                  l->sessions, "minutes", (json_int_t)l->minutes, "overlap_minutes",
                  (json_int_t)l->overlap, "billed_minutes", (json_int_t)(l->minutes - l->overlap),
                  "amount_fen", (json_int_t)l->amount, "sessions_full", l->sessions_full,
                  "amount_full_fen", (json_int_t)l->amount_full, "refund_fen",
                  (json_int_t)l->refund, "seat_from", b->items[i].seat_from, "explain", text);
    json_object_set_new(o, "left_on",
                        b->items[i].left_on[0] ? json_string(b->items[i].left_on) : json_null());
    /* AS-6: the days the refund was counted over, and those taken (null while enrolled) */
    json_object_set_new(o, "pro_rata_days",
                        l->pro_rata_days ? json_integer(l->pro_rata_days) : json_null());
    json_object_set_new(o, "pro_rata_used",
                        l->pro_rata_days ? json_integer(l->pro_rata_used) : json_null());
    json_t *per = json_array();
    for (int q = 0; q < l->nperiods; q++) {
        const as_bill_period *x = &l->periods[q];
        json_array_append_new(
            per, json_pack("{s:s,s:s,s:s,s:I,s:i,s:I,s:I,s:I}", "policy_version", x->version,
                           "from", x->first, "to", x->last, "rate_fen_per_hour",
                           (json_int_t)x->rate_fen, "sessions", x->sessions, "billed_minutes",
                           (json_int_t)(x->minutes - x->overlap), "amount_fen",
                           (json_int_t)x->amount, "amount_full_fen", (json_int_t)x->amount_full));
    }
    json_object_set_new(o, "periods", per);
    return o;
}

json_t *as_store_bill(db_conn *c, const policy *pol, policy_store *ps, int64_t district_id,
                      int64_t student_id, const char *term, bool english)
{
    char first[AS_DATE_LEN], last[AS_DATE_LEN];
    if (calendar_term_bounds(c, district_id, term, first, last) != DB_ROW)
        return NULL;
    as_day *days = malloc(sizeof *days * AS_MAX_DAYS);
    bill_items *b = malloc(sizeof *b);
    if (!days || !b)
        abort();
    size_t nd = 0;
    int64_t one = 0;
    policy_period periods[AS_MAX_PERIODS];
    int np = bill_periods(c, pol, ps, district_id, first, last, periods);
    int rc =
        np < 1 ? DB_ERROR : as_school_days(c, district_id, first, last, days, AS_MAX_DAYS, &nd);
    if (rc == DB_OK)
        rc = bill_items_load(c, student_id, term, b);
    if (rc == DB_OK)
        rc = db_query_int64(c, &one, "SELECT 1 FROM afterschool_waivers WHERE student_id = $1",
                            student_id);
    json_t *out = NULL;
    if (rc != DB_ROW && rc != DB_DONE)
        goto done;
    as_bill bill;
    afterschool_bill_compute(pol, periods, (size_t)np, days, nd, b->items, b->n, rc == DB_ROW,
                             &bill, b->lines);
    json_t *arr = json_array();
    for (size_t i = 0; i < b->n; i++)
        json_array_append_new(arr, bill_line_json(b, i, english));
    verdict v = verdict_ok(); /* the adjustments' numbers */
    verdict_num(&v, "term_cap_fen", bill.term_cap_fen);
    verdict_num(&v, "cap_reduction_fen", bill.cap_reduction_fen);
    verdict_num(&v, "waiver_fen", bill.waiver_fen);
    if (bill.cap_reduction_fen > 0)
        json_array_append_new(arr, adjust_line("term_cap", -bill.cap_reduction_fen,
                                               "afterschool.bill.term_cap", &v, english));
    if (bill.waived)
        json_array_append_new(
            arr, adjust_line("waiver", -bill.waiver_fen, "afterschool.bill.waiver", &v, english));
    out = json_pack(
        "{s:I,s:s,s:o,s:I,s:I,s:b,s:I,s:I,s:s,s:s,s:s}", "student_id", (json_int_t)student_id,
        "term", term, "items", arr, "gross_fen", (json_int_t)bill.gross_fen, "cap_reduction_fen",
        (json_int_t)bill.cap_reduction_fen, "waived", bill.waived, "waiver_fen",
        (json_int_t)bill.waiver_fen, "total_fen", (json_int_t)bill.total_fen, "policy_version",
        policy_version(pol), "term_first_day", first, "term_last_day", last);
    json_object_set_new(out, "term_cap_fen",
                        bill.term_cap_fen >= 0 ? json_integer(bill.term_cap_fen) : json_null());
done:
    free(days);
    free(b);
    return out;
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
#define BILL_BATCH     8
#define BILL_SHARED    4
#define BILL_COLS      7
#define BILL_LINES_MAX 4096

typedef struct {
    int64_t student_id, school_id;
    as_bill b;
    char lines[BILL_LINES_MAX];
} bill_row;

/* One pupil's bill into *row. lines: [{"program_id","sessions","minutes","overlap",
 * "amount_fen","refund_fen"}]. */
static void compute_bill(const policy *pol, const policy_period *periods, size_t np,
                         const seat_row *seats, size_t n, const as_program *progs, size_t nprogs,
                         const as_day *days, size_t nd, bool waived, bill_row *row)
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
    afterschool_bill_compute(pol, periods, np, days, nd, items, k, waived, &row->b, lines);
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
    size_t used = (size_t)snprintf(sql, cap,
                                   "INSERT INTO afterschool_bills (term, district_id,"
                                   " policy_version, computed_at, student_id,"
                                   " school_id, gross_fen, waiver_fen, total_fen,"
                                   " waived, lines) VALUES ");
    for (size_t i = 0; i < k && i < BILL_BATCH; i++) {
        size_t p = BILL_SHARED + i * BILL_COLS + 1;
        used += (size_t)snprintf(sql + used, cap - used,
                                 "%s($1,$2,$3,$4,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu,$%zu)", i ? "," : "",
                                 p, p + 1, p + 2, p + 3, p + 4, p + 5, p + 6);
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

int as_bills_store(db_conn *c, const policy *pol, policy_store *ps, int64_t district,
                   const char *term, int64_t school_id, as_bills_totals *out)
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
    policy_period periods[AS_MAX_PERIODS];
    int np = 0;
    int rc = calendar_term_bounds(c, district, term, first, last);
    if (rc == DB_ROW)
        rc = (np = bill_periods(c, pol, ps, district, first, last, periods)) < 1
                 ? DB_ERROR
                 : as_school_days(c, district, first, last, days, AS_MAX_DAYS, &nd);
    if (rc != DB_OK)
        goto out;
    out->school_days = nd;
    db_stmt *s = db_query(c,
                          "SELECT " BILL_PROGRAM_FIELDS " FROM afterschool_programs p"
                          " WHERE p.district_id = $1 AND p.term = $2"
                          " AND ($3 = 0 OR p.school_id = $3) ORDER BY p.id",
                          district, term, school_id);
    rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        bill_program_read(&row, vec_push(&progs));
    }
    db_finalize(s);
    if (rc != DB_DONE)
        goto out;
    s = db_query(c,
                 "SELECT student_id FROM afterschool_waivers WHERE district_id = $1"
                 " AND ($2 = 0 OR school_id = $2) ORDER BY student_id",
                 district, school_id);
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
                 " ORDER BY e.student_id, e.program_id",
                 district, term, school_id);
    rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        seat_row *e = vec_push(&seats);
        db_row row = db_row_at(s, 0);
        e->student_id = db_next_int64(&row);
        e->school_id = db_next_int64(&row);
        e->program_id = db_next_int64(&row);
        DB_NEXT_TEXT(&row, e->seat_from);
        DB_NEXT_TEXT(&row, e->left_on);
    }
    db_finalize(s);
    if (rc != DB_DONE)
        goto out;
    out->programs = (int64_t)progs.n;
    out->seats = (int64_t)seats.n;

    rc = db_run(c,
                "DELETE FROM afterschool_bills WHERE district_id = $1 AND term = $2"
                " AND ($3 = 0 OR school_id = $3)",
                district, term, school_id);
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
        compute_bill(pol, periods, (size_t)np, &all[i], j - i, progs.data, progs.n, days, nd,
                     waived, row);
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

verdict afterschool_bills_run(db_conn *c, const policy *pol, policy_store *ps, int64_t district_id,
                              const char *term, int64_t school_id, as_bills_totals *out)
{
    memset(out, 0, sizeof *out);
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = as_bills_store(c, pol, ps, district_id, term, school_id, out);
    return as_finish(c, rc == DB_DONE ? verdict_ok() : verdict_db(rc == DB_OK ? DB_ERROR : rc));
}

/* ---------- AS-5 waivers ---------- */

json_t *as_store_waivers(db_conn *c, int64_t school_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT w.student_id, s.name, c.name, c.grade, w.reason, w.set_at"
                        " FROM afterschool_waivers w JOIN students s ON s.id = w.student_id"
                        " JOIN classes c ON c.id = s.class_id"
                        " WHERE w.school_id = $1 ORDER BY c.grade, c.name, s.student_no",
                        "SELECT COUNT(*) FROM afterschool_waivers WHERE school_id = $1",
                        "student_id:i,name:s,class_name:s,grade:i,reason:s,set_at_unix:i", limit,
                        offset, school_id);
}

verdict as_waiver_set_tx(db_conn *c, const as_waiver_in *in)
{
    int rc = db_run(c,
                    "INSERT INTO afterschool_waivers (student_id, district_id, school_id, reason,"
                    " set_by, set_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (student_id)"
                    " DO UPDATE SET reason = $4, set_by = $5, set_at = $6",
                    in->student_id, in->district_id, in->school_id, in->reason, in->actor, in->at);
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

verdict afterschool_waiver_set(db_conn *c, const as_waiver_in *in)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return as_finish(c, verdict_db(rc));
    return as_finish(c, as_waiver_set_tx(c, in));
}

verdict afterschool_waiver_clear(db_conn *c, int64_t student_id)
{
    int64_t one = 0;
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_query_int64(c, &one, "SELECT 1 FROM afterschool_waivers WHERE student_id = $1",
                            student_id);
    if (rc == DB_DONE)
        return as_finish(c, verdict_err(SJ_ERR_NOT_FOUND, NULL));
    if (rc == DB_ROW)
        rc = db_run(c, "DELETE FROM afterschool_waivers WHERE student_id = $1", student_id);
    return as_finish(c, rc == DB_DONE ? verdict_ok() : verdict_db(rc == DB_ROW ? DB_ERROR : rc));
}

/* ---------- AS-10 top-ups ---------- */

verdict afterschool_topup(db_conn *c, const policy *pol, const as_topup_in *in, as_topup_out *out)
{
    memset(out, 0, sizeof *out);
    int64_t district = 0, rural = 0;
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_lock(c, DB_LOCK_AS_TOPUP, in->school_id);
    if (rc == DB_OK) {
        db_stmt *s =
            db_query(c, "SELECT district_id, rural FROM schools WHERE id = $1", in->school_id);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) {
            db_row row = db_row_at(s, 0);
            district = db_next_int64(&row);
            rural = db_next_int64(&row);
        }
        db_finalize(s);
    }
    if (rc == DB_DONE || (rc == DB_ROW && district != in->district_id))
        return as_finish(c, verdict_err(SJ_ERR_NOT_FOUND, NULL));
    if (rc != DB_ROW)
        return as_finish(c, verdict_db(rc));
    /* the gap as the report computes it, inside this transaction */
    json_t *rep = as_store_report(c, pol, in->district_id, in->term, in->school_id);
    json_t *item = rep ? json_array_get(json_object_get(rep, "items"), 0) : NULL;
    if (!item) {
        json_decref(rep);
        return as_finish(c, verdict_db(DB_ERROR));
    }
    int64_t gap = json_integer_value(json_object_get(item, "gap_fen"));
    int64_t done = json_integer_value(json_object_get(item, "topup_fen"));
    json_decref(rep);
    verdict v = afterschool_topup_check(pol, rural != 0, gap, done, in->amount_fen);
    if (!verdict_is_ok(&v))
        return as_finish(c, v);
    rc = db_insert_id(c, &out->id,
                      "INSERT INTO afterschool_topups (district_id, school_id, term, amount_fen,"
                      " gap_fen, note, policy_version, created_by, created_at)"
                      " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
                      in->district_id, in->school_id, in->term, in->amount_fen, gap, in->note,
                      policy_version(pol), db_id_or_null(in->actor), in->at);
    if (rc != DB_DONE)
        return as_finish(c, verdict_db(rc == DB_ROW || rc == DB_OK ? DB_ERROR : rc));
    out->gap_fen = gap;
    out->topped_up_fen = done + in->amount_fen;
    out->remaining_fen = gap - out->topped_up_fen;
    return as_finish(c, verdict_ok());
}

json_t *as_store_topups(db_conn *c, int64_t district_id, int64_t school_id, const char *term,
                        int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT t.id, t.school_id, s.name, t.term, t.amount_fen, t.gap_fen,"
                        " t.note, u.name, t.created_at FROM afterschool_topups t"
                        " JOIN schools s ON s.id = t.school_id"
                        " LEFT JOIN users u ON u.id = t.created_by"
                        " WHERE t.district_id = $1 AND ($2 = 0 OR t.school_id = $2)"
                        " AND ($3 = '' OR t.term = $3) ORDER BY t.id DESC",
                        "SELECT COUNT(*) FROM afterschool_topups t WHERE t.district_id = $1"
                        " AND ($2 = 0 OR t.school_id = $2) AND ($3 = '' OR t.term = $3)",
                        "id:i,school_id:i,school_name:s,term:s,amount_fen:i,gap_fen:i,note:S,"
                        "by_name:S,at_unix:i",
                        limit, offset, district_id, school_id, term ? term : "");
}

/* ---------- AS-8 subsidies ---------- */

json_t *as_store_subsidies(db_conn *c, const policy *pol, int64_t school_id, const char *term,
                           bool english)
{
    db_stmt *s = db_query(c,
                          "SELECT d.user_id, u.name, SUM(d.minutes), COUNT(*),"
                          " SUM(CASE WHEN d.covering_for IS NULL THEN 0 ELSE 1 END)"
                          " FROM afterschool_duties d JOIN afterschool_programs p"
                          " ON p.id = d.program_id JOIN users u ON u.id = d.user_id"
                          " WHERE p.school_id = $1 AND p.term = $2"
                          " GROUP BY d.user_id, u.name ORDER BY u.name, d.user_id",
                          school_id, term);
    json_t *items = json_array();
    int64_t total = 0, minutes = 0;
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        int64_t user_id = db_next_int64(&row);
        const char *name = db_next_text_ref(&row);
        int64_t m = db_next_int64(&row), duties = db_next_int64(&row);
        int64_t covering = db_next_int64(&row);
        as_subsidy sub;
        afterschool_subsidy(pol, m, &sub);
        verdict v = verdict_ok(); /* the explanation's numbers */
        verdict_num(&v, "duty_minutes", m);
        verdict_num(&v, "class_hour_minutes", sub.class_hour_minutes);
        verdict_num(&v, "rate_fen", sub.rate_fen);
        verdict_num(&v, "amount_fen", sub.amount_fen);
        char explain[256];
        msg_format("afterschool.subsidy", english, v.args, v.nargs, explain, sizeof explain);
        json_array_append_new(items,
                              json_pack("{s:I,s:s,s:I,s:I,s:I,s:I,s:i,s:I,s:s}", "user_id",
                                        (json_int_t)user_id, "name", name, "duty_minutes",
                                        (json_int_t)m, "duties", (json_int_t)duties, "covering",
                                        (json_int_t)covering, "rate_fen", (json_int_t)sub.rate_fen,
                                        "class_hour_minutes", sub.class_hour_minutes, "amount_fen",
                                        (json_int_t)sub.amount_fen, "explain", explain));
        total += sub.amount_fen;
        minutes += m;
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(items);
        return NULL;
    }
    size_t n = json_array_size(items);
    return json_pack("{s:o,s:I,s:I,s:I,s:s,s:s}", "items", items, "total", (json_int_t)n,
                     "total_fen", (json_int_t)total, "duty_minutes", (json_int_t)minutes, "rule",
                     "AS-8", "policy_version", policy_version(pol));
}

/* ---------- RP-3 coverage report, AS-10 rural gap ---------- */

enum {
    F_PUPILS,
    F_ENROLLED,
    F_ASKED,
    F_PLACED,
    F_TEACHERS,
    F_ON_DUTY,
    F_DAYS_RUN,
    F_PROGRAMS,
    F_BILLS,
    F_FEES,
    F_WAIVED,
    F_SUBSIDY,
    F_TOPUP,
    F_THIRD_PARTY,
    F_NFIELDS
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
static int fold(db_conn *c, const char *sql, int64_t district, const char *term, int64_t school_id,
                school_stat *st, size_t n, int first, int nvals)
{
    db_stmt *s = db_query(c, sql, district, term, school_id);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        school_stat *x = find_school(st, n, db_next_int64(&row));
        for (int k = 0; x && k < nvals; k++)
            x->f[first + k] += db_next_int64(&row);
    }
    db_finalize(s);
    return rc == DB_DONE ? DB_OK : rc;
}

#define TERM_PROGRAMS                                                                              \
    " afterschool_programs p WHERE p.district_id = $1 AND p.term = $2 AND ($3 = 0 OR p.school_id " \
    "= $3)"

static const char *const fold_sql[] = {
    /* F_ENROLLED */
    "SELECT p.school_id, COUNT(DISTINCT e.student_id) FROM afterschool_enrolments e ," TERM_PROGRAMS
    " AND p.id = e.program_id AND e.status = 'enrolled' GROUP BY p.school_id",
    /* F_ASKED: a seat, a place on a wait list, or ranked choices */
    "SELECT t.school_id, COUNT(DISTINCT t.student_id) FROM (SELECT p.school_id, e.student_id"
    " FROM afterschool_enrolments e," TERM_PROGRAMS " AND p.id = e.program_id"
    " AND e.status IN ('enrolled', 'waitlisted', 'left') UNION SELECT c.school_id, c.student_id"
    " FROM afterschool_choices c WHERE c.district_id = $1 AND c.term = $2"
    " AND ($3 = 0 OR c.school_id = $3)) t GROUP BY t.school_id",
    /* F_PLACED */
    "SELECT p.school_id, COUNT(DISTINCT e.student_id) FROM afterschool_enrolments e ," TERM_PROGRAMS
    " AND p.id = e.program_id AND e.status IN ('enrolled', 'left')"
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
    /* F_TOPUP (AS-10) */
    "SELECT school_id, SUM(amount_fen) FROM afterschool_topups"
    " WHERE district_id = $1 AND term = $2 AND ($3 = 0 OR school_id = $3) GROUP BY school_id",
};

static double share(int64_t part, int64_t whole)
{
    return whole > 0 ? (double)(part * 1000 / whole) / 10.0 : 0.0;
}

/* The schools of the report, in id order, with their pupils. */
static int report_schools(db_conn *c, int64_t district, int64_t school_id, vec *v)
{
    db_stmt *s = db_query(c,
                          "SELECT s.id, s.name, s.rural, (SELECT COUNT(*) FROM students p"
                          " WHERE p.school_id = s.id) FROM schools s WHERE s.district_id = $1"
                          " AND ($2 = 0 OR s.id = $2) ORDER BY s.id",
                          district, school_id);
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        school_stat *x = vec_push(v);
        db_row row = db_row_at(s, 0);
        x->id = db_next_int64(&row);
        DB_NEXT_TEXT(&row, x->name);
        x->rural = db_next_int64(&row) != 0;
        x->f[F_PUPILS] = db_next_int64(&row);
    }
    db_finalize(s);
    return rc;
}

/* AS-8 subsidies due, teacher by teacher (each rounds down on its own). */
static int report_subsidies(db_conn *c, const policy *pol, int64_t district, const char *term,
                            int64_t school_id, school_stat *st, size_t n)
{
    db_stmt *s = db_query(c,
                          "SELECT p.school_id, d.user_id, SUM(d.minutes) FROM"
                          " afterschool_duties d," TERM_PROGRAMS
                          " AND p.id = d.program_id GROUP BY p.school_id, d.user_id",
                          district, term, school_id);
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        school_stat *x = find_school(st, n, db_next_int64(&row));
        db_next_skip(&row);
        as_subsidy sub;
        afterschool_subsidy(pol, db_next_int64(&row), &sub);
        if (x)
            x->f[F_SUBSIDY] += sub.amount_fen;
    }
    db_finalize(s);
    return rc;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* AS-10: what the vetted third parties are owed, per school: the amounts of the stored bills'
 * lines (before a waiver or the term cap: the provider is paid for every pupil it served) for
 * the school's third-party programs of the term. */
static int report_third_party(db_conn *c, int64_t district, const char *term, int64_t school_id,
                              school_stat *st, size_t n)
{
    vec ids = {.size = sizeof(int64_t)};
    db_stmt *s = db_query(c, "SELECT p.id FROM" TERM_PROGRAMS " AND p.provider = 'third_party'",
                          district, term, school_id);
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW)
        *(int64_t *)vec_push(&ids) = db_col_int64(s, 0);
    db_finalize(s);
    if (rc != DB_DONE || ids.n == 0) {
        free(ids.data);
        return rc;
    }
    qsort(ids.data, ids.n, sizeof(int64_t), cmp_id);
    s = db_query(c,
                 "SELECT school_id, lines FROM afterschool_bills WHERE district_id = $1"
                 " AND term = $2 AND ($3 = 0 OR school_id = $3)",
                 district, term, school_id);
    rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        school_stat *x = find_school(st, n, db_next_int64(&row));
        json_t *lines = json_loads(db_next_text_ref(&row), 0, NULL);
        size_t i;
        json_t *l;
        json_array_foreach(lines, i, l)
        {
            int64_t pid = json_integer_value(json_object_get(l, "program_id"));
            if (x && bsearch(&pid, ids.data, ids.n, sizeof(int64_t), cmp_id))
                x->f[F_THIRD_PARTY] += json_integer_value(json_object_get(l, "amount_fen"));
        }
        json_decref(lines);
    }
    db_finalize(s);
    free(ids.data);
    return rc;
}

/* The report: per school and for the district. NULL on a store error. */
json_t *as_store_report(db_conn *c, const policy *pol, int64_t district, const char *term,
                        int64_t school_id)
{
    vec v = {.size = sizeof(school_stat)};
    int rc = report_schools(c, district, school_id, &v);
    school_stat *st = v.data;
    size_t n = v.n;
    static const int first_field[] = {F_ENROLLED, F_ASKED,    F_PLACED, F_TEACHERS, F_ON_DUTY,
                                      F_DAYS_RUN, F_PROGRAMS, F_BILLS,  F_TOPUP};
    for (size_t q = 0; rc == DB_DONE && q < sizeof fold_sql / sizeof fold_sql[0]; q++) {
        rc = fold(c, fold_sql[q], district, term, school_id, st, n, first_field[q], q == 7 ? 3 : 1);
        rc = rc == DB_OK ? DB_DONE : rc;
    }
    if (rc == DB_DONE)
        rc = report_subsidies(c, pol, district, term, school_id, st, n);
    if (rc == DB_DONE)
        rc = report_third_party(c, district, term, school_id, st, n);
    /* AS-1 per school from its open programs */
    if (rc == DB_DONE) {
        db_stmt *s = db_query(c,
                              "SELECT " AS_PROGRAM_FIELDS AS_PROGRAM_FROM
                              " WHERE p.district_id = $1 AND p.term = $2"
                              " AND ($3 = 0 OR p.school_id = $3) AND p.status = 'open'"
                              " ORDER BY p.school_id, p.id",
                              district, term, school_id);
        vec pv = {.size = sizeof(as_program_row)};
        rc = DB_ERROR;
        while (s && (rc = db_step(s)) == DB_ROW) {
            db_row row = db_row_at(s, 0);
            as_program_read(&row, vec_push(&pv));
        }
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
                afterschool_coverage(pol, one, k, &x->cov);
                x->offers = x->cov.ok;
            }
            i = j;
        }
        free(one);
        free(pv.data);
    }
    char first[AS_DATE_LEN], last[AS_DATE_LEN];
    as_day *days = malloc(sizeof *days * AS_MAX_DAYS);
    if (!days)
        abort();
    size_t nd = 0;
    if (rc == DB_DONE &&
        (calendar_term_bounds(c, district, term, first, last) != DB_ROW ||
         as_school_days(c, district, first, last, days, AS_MAX_DAYS, &nd) != DB_OK))
        rc = DB_ERROR;
    free(days);
    if (rc != DB_DONE) {
        free(v.data);
        return NULL;
    }
    json_t *items = json_array();
    int64_t t[F_NFIELDS] = {0}, offering = 0, gap_total = 0, topup_total = 0, left_total = 0;
    for (size_t i = 0; i < n; i++) {
        school_stat *x = &st[i];
        int64_t cost = x->f[F_SUBSIDY] + x->f[F_THIRD_PARTY];
        int64_t gap = afterschool_rural_gap(x->f[F_SUBSIDY], x->f[F_THIRD_PARTY], x->f[F_FEES]);
        int64_t left = gap > x->f[F_TOPUP] ? gap - x->f[F_TOPUP] : 0;
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
            "fees_billed_fen", (json_int_t)x->f[F_FEES], "waived_fen", (json_int_t)x->f[F_WAIVED],
            "subsidies_due_fen", (json_int_t)x->f[F_SUBSIDY]);
        json_object_set_new(o, "third_party_fees_fen", json_integer(x->f[F_THIRD_PARTY]));
        json_object_set_new(o, "cost_fen", json_integer(cost));
        json_object_set_new(o, "gap_fen", x->rural ? json_integer(gap) : json_null());
        json_object_set_new(o, "topup_fen", json_integer(x->f[F_TOPUP]));
        json_object_set_new(o, "gap_left_fen", x->rural ? json_integer(left) : json_null());
        json_array_append_new(items, o);
        for (int k = 0; k < F_NFIELDS; k++)
            t[k] += x->f[k];
        offering += x->offers;
        gap_total += x->rural ? gap : 0;
        topup_total += x->rural ? x->f[F_TOPUP] : 0;
        left_total += x->rural ? left : 0;
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
    json_object_set_new(tot, "third_party_fees_fen", json_integer(t[F_THIRD_PARTY]));
    json_object_set_new(tot, "rural_topup_fen", json_integer(topup_total));
    json_object_set_new(tot, "rural_gap_left_fen", json_integer(left_total));
    return json_pack("{s:s,s:o,s:I,s:o,s:s,s:[s,s,s]}", "term", term, "items", items, "total",
                     (json_int_t)n, "district", tot, "policy_version", policy_version(pol), "rules",
                     "RP-3", "AS-1", "AS-10");
}
