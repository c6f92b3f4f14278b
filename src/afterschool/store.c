/*
 * store.c: the after-school module's shared SQL: loading a program, the term's school days
 * from the district calendar, a pupil's place, a teacher's time bank, and a pupil's bill
 * (gathered from the store, computed by rules.c).
 *
 * Tables: afterschool_* (migrations/0200_afterschool.sql). Nothing here writes; the writes
 * live in the handlers, each inside its own transaction.
 */
#include <stdio.h>
#include <string.h>

#include "afterschool_int.h"

static const char *const kind_names[] = {"care", "course"};

void as_date_max(const char *a, const char *b, char out[AS_DATE_LEN])
{
    snprintf(out, AS_DATE_LEN, "%s", strcmp(a, b) >= 0 ? a : b);
}

void as_bad_field(req *r, const char *field, const char *zh, const char *en)
{
    json_t *extra = json_pack("{s:s,s:s}", "field", field, "message", r->english ? en : zh);
    reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
}

void as_program_read(db_stmt *s, as_program_row *out)
{
    memset(out, 0, sizeof *out);
    out->p.id = db_col_int64(s, 0);
    out->district_id = db_col_int64(s, 1);
    out->school_id = db_col_int64(s, 2);
    snprintf(out->term, sizeof out->term, "%s", db_col_text(s, 3));
    snprintf(out->name, sizeof out->name, "%s", db_col_text(s, 4));
    out->p.kind = strcmp(db_col_text(s, 5), "course") == 0 ? AS_COURSE : AS_CARE;
    snprintf(out->category, sizeof out->category, "%s", db_col_text(s, 6));
    snprintf(out->provider, sizeof out->provider, "%s", db_col_text(s, 7));
    out->vendor_id = db_col_int64(s, 8);
    out->institution_id = db_col_int64(s, 9);
    out->capacity = db_col_int64(s, 10);
    out->p.weekdays = (unsigned)db_col_int64(s, 11);
    snprintf(out->start, sizeof out->start, "%s", db_col_text(s, 12));
    snprintf(out->end, sizeof out->end, "%s", db_col_text(s, 13));
    out->p.start_min = (int)db_col_int64(s, 14);
    out->p.end_min = (int)db_col_int64(s, 15);
    out->p.fee_per_hour_fen = db_col_int64(s, 16);
    snprintf(out->p.first_day, sizeof out->p.first_day, "%s", db_col_text(s, 17));
    snprintf(out->p.last_day, sizeof out->p.last_day, "%s", db_col_text(s, 18));
    snprintf(out->place, sizeof out->place, "%s", db_col_text(s, 19));
    out->staff_a = db_col_int64(s, 20);
    out->staff_b = db_col_int64(s, 21);
    out->open = strcmp(db_col_text(s, 22), "open") == 0;
    out->rural = db_col_int64(s, 23) != 0;
}

int as_program_load(db_conn *c, int64_t id, as_program_row *out)
{
    db_stmt *s = db_query(c, "SELECT " AS_PROGRAM_FIELDS AS_PROGRAM_FROM " WHERE p.id = $1", id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW)
        as_program_read(s, out);
    db_finalize(s);
    return rc;
}

bool as_program_load_or_reply(req *r, int64_t id, as_program_row *out)
{
    int rc = as_program_load(r->db, id, out);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return auth_same_district_or_reply(r, out->district_id);
}

json_t *as_program_json(const as_program_row *p)
{
    json_t *wd = json_array();
    for (int d = 1; d <= 7; d++)
        if (p->p.weekdays & (1u << d))
            json_array_append_new(wd, json_integer(d));
    json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:o,s:s,s:s,s:I,s:s,s:s,s:s}", "id",
                          (json_int_t)p->p.id, "school_id", (json_int_t)p->school_id, "term",
                          p->term, "name", p->name, "kind", kind_names[p->p.kind], "provider",
                          p->provider, "capacity", (json_int_t)p->capacity, "weekdays", wd,
                          "start", p->start, "end", p->end, "fee_per_hour_fen",
                          (json_int_t)p->p.fee_per_hour_fen, "first_day", p->p.first_day,
                          "last_day", p->p.last_day, "status", p->open ? "open" : "closed");
    json_object_set_new(o, "category", p->category[0] ? json_string(p->category) : json_null());
    json_object_set_new(o, "place", p->place[0] ? json_string(p->place) : json_null());
    json_object_set_new(o, "vendor_id", p->vendor_id ? json_integer(p->vendor_id) : json_null());
    json_object_set_new(o, "institution_id",
                        p->institution_id ? json_integer(p->institution_id) : json_null());
    json_object_set_new(o, "staff_a", p->staff_a ? json_integer(p->staff_a) : json_null());
    json_object_set_new(o, "staff_b", p->staff_b ? json_integer(p->staff_b) : json_null());
    return o;
}

int as_school_days(db_conn *c, int64_t district_id, const char *first, const char *last,
                   as_day *days, size_t max, size_t *n)
{
    *n = 0;
    for (int64_t d = date_days(first); d <= date_days(last) && *n < max; d++) {
        char date[AS_DATE_LEN];
        days_date(d, date);
        int k = calendar_day_kind(c, district_id, date, NULL, 0);
        if (k < 0)
            return k;
        if (k != DAY_SCHOOL)
            continue;
        snprintf(days[*n].date, sizeof days[*n].date, "%s", date);
        days[*n].weekday = date_weekday(date);
        (*n)++;
    }
    return DB_OK;
}

size_t as_sessions(const as_program *p, const as_day *days, size_t nd, char (*out)[AS_DATE_LEN],
                   size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < nd && k < max; i++) {
        if (!(p->weekdays & (1u << days[i].weekday)))
            continue;
        if (strcmp(days[i].date, p->first_day) < 0 || strcmp(days[i].date, p->last_day) > 0)
            continue;
        snprintf(out[k++], AS_DATE_LEN, "%s", days[i].date);
    }
    return k;
}

int as_is_session_day(db_conn *c, const as_program_row *p, const char *date)
{
    if (strcmp(date, p->p.first_day) < 0 || strcmp(date, p->p.last_day) > 0)
        return 0;
    if (!(p->p.weekdays & (1u << date_weekday(date))))
        return 0;
    int k = calendar_day_kind(c, p->district_id, date, NULL, 0);
    if (k < 0)
        return k;
    return k == DAY_SCHOOL;
}

int as_student_place(db_conn *c, int64_t student_id, int64_t *school_id, int64_t *class_id,
                     int64_t *district_id)
{
    db_stmt *s = db_query(c, "SELECT school_id, class_id, district_id FROM students WHERE id = $1", student_id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        if (school_id)
            *school_id = db_col_int64(s, 0);
        if (class_id)
            *class_id = db_col_int64(s, 1);
        if (district_id)
            *district_id = db_col_int64(s, 2);
    }
    db_finalize(s);
    return rc;
}

bool as_student_place_or_reply(req *r, int64_t student_id, int64_t *school_id)
{
    int64_t district = 0;
    int rc = as_student_place(r->db, student_id, school_id, NULL, &district);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return auth_same_district_or_reply(r, district);
}

bool as_student_reader_or_reply(req *r, int64_t student_id, int64_t *school_id)
{
    if (!as_student_place_or_reply(r, student_id, school_id))
        return false;
    if (!auth_school_staff(r->user, *school_id) && !auth_guardian_of(r, student_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}

int as_credits(db_conn *c, int64_t user_id, int64_t *earned, int64_t *held, int64_t *spent)
{
    int rc = db_query_int64(c, earned,
                            "SELECT COALESCE(SUM(minutes), 0) FROM afterschool_duties"
                            " WHERE user_id = $1", user_id);
    if (rc == DB_ROW)
        rc = db_query_int64(c, held,
                            "SELECT COALESCE(SUM(minutes), 0) FROM afterschool_leave"
                            " WHERE user_id = $1 AND status = 'pending'", user_id);
    if (rc == DB_ROW)
        rc = db_query_int64(c, spent,
                            "SELECT COALESCE(SUM(minutes), 0) FROM afterschool_leave"
                            " WHERE user_id = $1 AND status = 'approved'", user_id);
    return rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
}

int as_duty_clash_find(db_conn *c, int64_t user_id, const char *date, int64_t program_id,
                       int start_min, int end_min, as_duty_clash *out)
{
    /* every school's programs: a teacher working at two schools is still one person */
    db_stmt *s = db_query(c,
                          "SELECT d.id, d.program_id, p.start_min, p.end_min, p.name, p.start_time,"
                          " p.end_time FROM afterschool_duties d"
                          " JOIN afterschool_programs p ON p.id = d.program_id"
                          " WHERE d.user_id = $1 AND d.date = $2 ORDER BY p.start_min, d.id", user_id, date);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        as_duty_span d = {.id = db_col_int64(s, 0), .program_id = db_col_int64(s, 1),
                          .start_min = (int)db_col_int64(s, 2), .end_min = (int)db_col_int64(s, 3)};
        int shared = 0;
        bool same = d.program_id == program_id;
        if (!same && afterschool_duty_overlap(start_min, end_min, &d, 1, &shared) < 0)
            continue;
        memset(out, 0, sizeof *out);
        out->span = d;
        out->shared = same ? end_min - start_min : shared;
        out->same_program = same;
        snprintf(out->name, sizeof out->name, "%s", db_col_text(s, 4));
        snprintf(out->start, sizeof out->start, "%s", db_col_text(s, 5));
        snprintf(out->end, sizeof out->end, "%s", db_col_text(s, 6));
        break;
    }
    db_finalize(s);
    return rc;
}

bool as_user_is_staff_of(db_conn *c, int64_t user_id, int64_t school_id)
{
    int64_t one = 0;
    return db_query_int64(c, &one,
                          "SELECT 1 FROM user_roles WHERE user_id = $1 AND school_id = $2"
                          " AND role IN ('teacher', 'grade_leader', 'school_admin')", user_id, school_id) == DB_ROW;
}

/* ---------- a pupil's bill ---------- */

#define AS_MAX_BILL_ITEMS 32

static json_t *adjust_line(const char *kind, int64_t amount, const char *explain)
{
    return json_pack("{s:s,s:I,s:s}", "kind", kind, "amount_fen", (json_int_t)amount, "explain",
                     explain);
}

json_t *as_bill_json(req *r, int64_t student_id, const char *term)
{
    int64_t district = r->user->district_id;
    char first[AS_DATE_LEN], last[AS_DATE_LEN];
    if (calendar_term_bounds(r->db, district, term, first, last) != DB_ROW)
        return NULL;
    as_day *days = req_alloc(r, sizeof *days * AS_MAX_DAYS);
    size_t nd = 0;
    if (as_school_days(r->db, district, first, last, days, AS_MAX_DAYS, &nd) != DB_OK)
        return NULL;
    db_stmt *s = db_query(r->db,
                          "SELECT p.id, p.kind, p.weekdays, p.start_min, p.end_min,"
                          " p.fee_per_hour_fen, p.first_day, p.last_day, e.seat_from, e.left_on,"
                          " p.name, e.id, e.status FROM afterschool_enrolments e"
                          " JOIN afterschool_programs p ON p.id = e.program_id"
                          " WHERE e.student_id = $1 AND p.term = $2"
                          " AND e.status IN ('enrolled', 'left') AND e.seat_from IS NOT NULL"
                          " ORDER BY p.kind, p.id, e.id LIMIT 32", student_id, term);
    if (!s)
        return NULL;
    as_bill_item *items = req_alloc(r, sizeof *items * AS_MAX_BILL_ITEMS);
    const char **names = req_alloc(r, sizeof *names * AS_MAX_BILL_ITEMS);
    int64_t *enrol_ids = req_alloc(r, sizeof *enrol_ids * AS_MAX_BILL_ITEMS);
    size_t n = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW && n < AS_MAX_BILL_ITEMS) {
        as_bill_item *it = &items[n];
        memset(it, 0, sizeof *it);
        it->prog.id = db_col_int64(s, 0);
        it->prog.kind = strcmp(db_col_text(s, 1), "course") == 0 ? AS_COURSE : AS_CARE;
        it->prog.weekdays = (unsigned)db_col_int64(s, 2);
        it->prog.start_min = (int)db_col_int64(s, 3);
        it->prog.end_min = (int)db_col_int64(s, 4);
        it->prog.fee_per_hour_fen = db_col_int64(s, 5);
        snprintf(it->prog.first_day, AS_DATE_LEN, "%s", db_col_text(s, 6));
        snprintf(it->prog.last_day, AS_DATE_LEN, "%s", db_col_text(s, 7));
        snprintf(it->seat_from, AS_DATE_LEN, "%s", db_col_text(s, 8));
        snprintf(it->left_on, AS_DATE_LEN, "%s", db_col_text(s, 9));
        names[n] = req_strdup(r, db_col_text(s, 10));
        enrol_ids[n] = db_col_int64(s, 11);
        n++;
    }
    db_finalize(s);
    if (rc != DB_ROW && rc != DB_DONE)
        return NULL;
    int64_t one = 0;
    rc = db_query_int64(r->db, &one, "SELECT 1 FROM afterschool_waivers WHERE student_id = $1", student_id);
    if (rc != DB_ROW && rc != DB_DONE)
        return NULL;
    bool waived = rc == DB_ROW;

    as_bill_line *lines = req_alloc(r, sizeof *lines * (n ? n : 1));
    as_bill b;
    afterschool_bill_compute(r->pol, days, nd, items, n, waived, &b, lines);

    json_t *arr = json_array();
    char text[1024];
    for (size_t i = 0; i < n; i++) {
        const as_bill_line *l = &lines[i];
        afterschool_bill_line_explain(l, names[i], r->english, text, sizeof text);
        json_t *o = json_pack(
            "{s:s,s:I,s:I,s:s,s:I,s:i,s:i,s:I,s:I,s:I,s:I,s:i,s:I,s:I,s:s,s:s}", "kind",
            kind_names[l->kind], "enrolment_id", (json_int_t)enrol_ids[i], "program_id",
            (json_int_t)l->program_id, "name", names[i], "rate_fen_per_hour",
            (json_int_t)l->rate_fen, "session_minutes", l->session_minutes, "sessions",
            l->sessions, "minutes", (json_int_t)l->minutes, "overlap_minutes",
            (json_int_t)l->overlap, "billed_minutes", (json_int_t)(l->minutes - l->overlap),
            "amount_fen", (json_int_t)l->amount, "sessions_full", l->sessions_full,
            "amount_full_fen", (json_int_t)l->amount_full, "refund_fen", (json_int_t)l->refund,
            "seat_from", items[i].seat_from, "explain", text);
        json_object_set_new(o, "left_on",
                            items[i].left_on[0] ? json_string(items[i].left_on) : json_null());
        json_array_append_new(arr, o);
    }
    char a[32], c[32];
    if (b.cap_reduction_fen > 0) {
        afterschool_fen_text(b.term_cap_fen, a);
        afterschool_fen_text(b.cap_reduction_fen, c);
        snprintf(text, sizeof text,
                 r->english ? "Term cap %s yuan (AS-6): %s yuan above it is not charged"
                            : "每学期收费上限 %s 元(AS-6):超出的 %s 元不收取",
                 a, c);
        json_array_append_new(arr, adjust_line("term_cap", -b.cap_reduction_fen, text));
    }
    if (b.waived) {
        afterschool_fen_text(b.waiver_fen, a);
        snprintf(text, sizeof text,
                 r->english ? "Family in hardship: exempt (AS-5), %s yuan waived"
                            : "家庭经济困难学生免收(AS-5):减免 %s 元",
                 a);
        json_array_append_new(arr, adjust_line("waiver", -b.waiver_fen, text));
    }
    json_t *out = json_pack("{s:I,s:s,s:o,s:I,s:I,s:b,s:I,s:I,s:s,s:s,s:s}", "student_id",
                            (json_int_t)student_id, "term", term, "items", arr, "gross_fen",
                            (json_int_t)b.gross_fen, "cap_reduction_fen",
                            (json_int_t)b.cap_reduction_fen, "waived", b.waived, "waiver_fen",
                            (json_int_t)b.waiver_fen, "total_fen", (json_int_t)b.total_fen,
                            "policy_version", policy_version(r->pol), "term_first_day",
                            first, "term_last_day", last);
    json_object_set_new(out, "term_cap_fen",
                        b.term_cap_fen >= 0 ? json_integer(b.term_cap_fen) : json_null());
    return out;
}
