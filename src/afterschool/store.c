/*
 * store.c: the after-school module's shared reads: loading a program, the term's school days
 * from the district calendar, a pupil's place, who may read a school's programs, a teacher's
 * time bank, and the end of every write (as_finish).
 *
 * The rest of the module's SQL is in store_<topic>.c (programs, enrol, rolls, money, staff);
 * each write there is one afterschool_<action>() that owns its transaction (afterschool.h).
 * Tables: afterschool_* (migrations/0200_afterschool.sql).
 */
#include <stdio.h>
#include <string.h>

#include "afterschool_int.h"

static const char *const kind_names[] = {"care", "course"};

void as_date_max(const char *a, const char *b, char out[AS_DATE_LEN])
{
    snprintf(out, AS_DATE_LEN, "%s", strcmp(a, b) >= 0 ? a : b);
}

verdict as_finish(db_conn *c, verdict v)
{
    if (verdict_is_ok(&v)) {
        int rc = db_commit(c);
        if (rc == DB_OK)
            return v;
        v = verdict_db(rc);
    }
    db_rollback(c);
    return v;
}

void as_program_read(db_row *row, as_program_row *out)
{
    memset(out, 0, sizeof *out);
    out->p.id = db_next_int64(row);
    out->district_id = db_next_int64(row);
    out->school_id = db_next_int64(row);
    DB_NEXT_TEXT(row, out->term);
    DB_NEXT_TEXT(row, out->name);
    out->p.kind = strcmp(db_next_text_ref(row), "course") == 0 ? AS_COURSE : AS_CARE;
    DB_NEXT_TEXT(row, out->category);
    DB_NEXT_TEXT(row, out->provider);
    out->vendor_id = db_next_int64(row);
    out->institution_id = db_next_int64(row);
    out->capacity = db_next_int64(row);
    out->p.weekdays = (unsigned)db_next_int64(row);
    DB_NEXT_TEXT(row, out->start);
    DB_NEXT_TEXT(row, out->end);
    out->p.start_min = (int)db_next_int64(row);
    out->p.end_min = (int)db_next_int64(row);
    out->p.fee_per_hour_fen = db_next_int64(row);
    DB_NEXT_TEXT(row, out->p.first_day);
    DB_NEXT_TEXT(row, out->p.last_day);
    DB_NEXT_TEXT(row, out->place);
    out->staff_a = db_next_int64(row);
    out->staff_b = db_next_int64(row);
    out->open = strcmp(db_next_text_ref(row), "open") == 0;
    out->rural = db_next_int64(row) != 0;
}

int as_program_load(db_conn *c, int64_t id, as_program_row *out)
{
    db_stmt *s = db_query(c, "SELECT " AS_PROGRAM_FIELDS AS_PROGRAM_FROM " WHERE p.id = $1", id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        as_program_read(&row, out);
    }
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
    json_t *o =
        json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:o,s:s,s:s,s:I,s:s,s:s,s:s}", "id",
                  (json_int_t)p->p.id, "school_id", (json_int_t)p->school_id, "term", p->term,
                  "name", p->name, "kind", kind_names[p->p.kind], "provider", p->provider,
                  "capacity", (json_int_t)p->capacity, "weekdays", wd, "start", p->start, "end",
                  p->end, "fee_per_hour_fen", (json_int_t)p->p.fee_per_hour_fen, "first_day",
                  p->p.first_day, "last_day", p->p.last_day, "status", p->open ? "open" : "closed");
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
        memcpy(days[*n].date, date, AS_DATE_LEN);
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
        memcpy(out[k++], days[i].date, AS_DATE_LEN);
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

int as_student_place(db_conn *c, int64_t student_id, int64_t *school_id, int64_t *district_id)
{
    db_stmt *s =
        db_query(c, "SELECT school_id, district_id FROM students WHERE id = $1", student_id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        *school_id = db_next_int64(&row);
        *district_id = db_next_int64(&row);
    }
    db_finalize(s);
    return rc;
}

bool as_student_place_or_reply(req *r, int64_t student_id, int64_t *school_id)
{
    int64_t district = 0;
    int rc = as_student_place(r->db, student_id, school_id, &district);
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

bool as_school_reader_or_reply(req *r, int64_t school_id)
{
    if (!auth_school_exists_or_reply(r, school_id))
        return false;
    int64_t one = 0;
    if (auth_school_staff(r->user, school_id) ||
        db_query_int64(r->db, &one,
                       "SELECT 1 FROM guardianships g JOIN students s ON s.id = g.student_id"
                       " WHERE g.user_id = $1 AND s.school_id = $2",
                       r->user->id, school_id) == DB_ROW)
        return true;
    reply_err(r, SJ_ERR_FORBIDDEN);
    return false;
}

bool as_user_is_staff_of(db_conn *c, int64_t user_id, int64_t school_id)
{
    int64_t one = 0;
    return db_query_int64(c, &one,
                          "SELECT 1 FROM user_roles WHERE user_id = $1 AND school_id = $2"
                          " AND role IN ('teacher', 'grade_leader', 'school_admin')",
                          user_id, school_id) == DB_ROW;
}

int as_bank_read(db_conn *c, int64_t user_id, as_bank *out)
{
    int rc = db_query_int64(c, &out->earned,
                            "SELECT COALESCE(SUM(minutes), 0) FROM afterschool_duties"
                            " WHERE user_id = $1",
                            user_id);
    if (rc == DB_ROW)
        rc = db_query_int64(c, &out->held,
                            "SELECT COALESCE(SUM(minutes), 0) FROM afterschool_leave"
                            " WHERE user_id = $1 AND status = 'pending'",
                            user_id);
    if (rc == DB_ROW)
        rc = db_query_int64(c, &out->spent,
                            "SELECT COALESCE(SUM(minutes), 0) FROM afterschool_leave"
                            " WHERE user_id = $1 AND status = 'approved'",
                            user_id);
    return rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
}
