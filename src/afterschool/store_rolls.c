/*
 * store_rolls.c: the roll of a session: taken on its day (and retaken that day), locked after
 * it, entered late only with a reason, corrected with a reason that is kept; and the roll as
 * the API shows it.
 *
 * Taking a roll locks the program (DB_LOCK_PROGRAM, as every writer of its seats does): who
 * holds a seat that day and the marks written for them are one step. The marks go 64 to an
 * INSERT, so a roll of a thousand pupils is a few round trips to PostgreSQL (the demo takes
 * its rolls with the same function).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afterschool_int.h"

#define MARK_BATCH      64
#define ROLL_MAX_SEATED 5000

/* The pupils holding a seat on `date`. */
#define SEATED_ON                                                                                  \
    "SELECT e.student_id FROM afterschool_enrolments e WHERE e.program_id = $1"                    \
    " AND e.status IN ('enrolled', 'left') AND e.seat_from IS NOT NULL AND e.seat_from <= $2"      \
    " AND (e.left_on IS NULL OR e.left_on > $2)"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

json_t *as_store_roll_view(db_conn *c, const as_program_row *p, const char *date, const char *today)
{
    int k = as_is_session_day(c, p, date);
    db_stmt *s = db_query(c,
                          "SELECT r.id, r.taken_at, r.late_reason, u.name FROM afterschool_rolls r"
                          " LEFT JOIN users u ON u.id = r.taken_by"
                          " WHERE r.program_id = $1 AND r.date = $2",
                          p->p.id, date);
    int rc = s ? db_step(s) : DB_ERROR;
    int64_t roll = 0, taken_at = 0;
    char late[512] = "", by[256] = "";
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        roll = db_next_int64(&row);
        taken_at = db_next_int64(&row);
        DB_NEXT_TEXT(&row, late);
        DB_NEXT_TEXT(&row, by);
    }
    db_finalize(s);
    if (k < 0 || (rc != DB_ROW && rc != DB_DONE))
        return NULL;
    s = db_query(c,
                 "SELECT st.id, st.name, c.name, a.present FROM students st"
                 " JOIN classes c ON c.id = st.class_id"
                 " LEFT JOIN afterschool_attendance a ON a.student_id = st.id AND a.roll_id = $3"
                 " WHERE st.id IN (" SEATED_ON
                 " UNION SELECT student_id FROM afterschool_attendance"
                 " WHERE roll_id = $3)"
                 " ORDER BY c.grade, c.name, st.student_no, st.id",
                 p->p.id, date, roll);
    json_t *items = db_rows_json(s, "student_id:i,name:s,class_name:s,present:I");
    s = db_query(c,
                 "SELECT x.id, x.student_id, x.present_before, x.present_after, x.reason, u.name,"
                 " x.at FROM afterschool_corrections x LEFT JOIN users u ON u.id = x.by_user"
                 " WHERE x.roll_id = $1 ORDER BY x.id",
                 roll);
    json_t *corr = db_rows_json(s, "id:i,student_id:i,present_before:b,present_after:b,reason:s,"
                                   "by_name:S,at_unix:i");
    if (!items || !corr) {
        json_decref(items);
        json_decref(corr);
        return NULL;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        json_t *pr = json_object_get(it, "present");
        json_object_set_new(it, "present",
                            json_is_integer(pr) ? json_boolean(json_integer_value(pr) != 0)
                                                : json_null());
    }
    json_t *o = json_pack("{s:I,s:s,s:b,s:b,s:b,s:o,s:o}", "program_id", (json_int_t)p->p.id,
                          "date", date, "session", k == 1, "taken", roll != 0, "locked",
                          strcmp(date, today) < 0, "items", items, "corrections", corr);
    if (roll) {
        char ts[32];
        unix_rfc3339(taken_at, ts);
        json_object_set_new(o, "taken_at", json_string(ts));
        json_object_set_new(o, "taken_by_name", json_string(by));
        json_object_set_new(o, "late_reason", late[0] ? json_string(late) : json_null());
    }
    return o;
}

/* Who holds a seat that day, in student_id order. OUT: seated (malloc'd), *n. */
static int seated_on(db_conn *c, int64_t program_id, const char *date, int64_t **seated, size_t *n)
{
    *n = 0;
    *seated = malloc(sizeof **seated * ROLL_MAX_SEATED);
    if (!*seated)
        abort();
    db_stmt *s = db_query(c, SEATED_ON " ORDER BY e.student_id LIMIT 5000", program_id, date);
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW)
        (*seated)[(*n)++] = db_col_int64(s, 0);
    db_finalize(s);
    return rc;
}

/* The marks of every seated pupil, MARK_BATCH to an INSERT with the roll's id shared as $1.
 * Only the placeholders' numbers are formatted into the text; every value is bound. */
static int write_marks(db_conn *c, int64_t roll, const int64_t *seated, size_t n,
                       const int64_t *present, size_t npresent)
{
    for (size_t i = 0; i < n;) {
        size_t k = n - i < MARK_BATCH ? n - i : MARK_BATCH;
        char sql[128 + MARK_BATCH * 24];
        size_t used = (size_t)snprintf(sql, sizeof sql,
                                       "INSERT INTO afterschool_attendance"
                                       " (roll_id, student_id, present) VALUES ");
        for (size_t j = 0; j < k && used < sizeof sql; j++)
            used += (size_t)snprintf(sql + used, sizeof sql - used, "%s($1,$%zu,$%zu)",
                                     j ? "," : "", 2 + 2 * j, 3 + 2 * j);
        db_stmt *s = db_prepare(c, sql);
        if (!s)
            return DB_ERROR;
        int rc = db_bind_int64(s, 1, roll);
        for (size_t j = 0; j < k; j++, i++) {
            bool here = npresent &&
                        bsearch(&seated[i], present, npresent, sizeof *present, cmp_i64) != NULL;
            rc |= db_bind_int64(s, (int)(2 + 2 * j), seated[i]);
            rc |= db_bind_int64(s, (int)(3 + 2 * j), here);
        }
        rc = rc == DB_OK ? db_step(s) : DB_ERROR;
        db_finalize(s);
        if (rc != DB_DONE)
            return rc;
    }
    return DB_DONE;
}

/* Every id of `present` holds a seat (seated sorted); else not_enrolled with the strangers, in
 * the order they were given. */
static verdict present_checked(const int64_t *present, size_t npresent, const int64_t *seated,
                               size_t nseated, const char *date, int64_t *strangers,
                               size_t *nstrangers)
{
    *nstrangers = 0;
    for (size_t i = 0; i < npresent; i++)
        if (!nseated || !bsearch(&present[i], seated, nseated, sizeof *seated, cmp_i64))
            strangers[(*nstrangers)++] = present[i];
    if (*nstrangers == 0)
        return verdict_ok();
    verdict v = verdict_err(SJ_ERR_NOT_ENROLLED, NULL);
    verdict_str(&v, "date", date);
    return v;
}

verdict as_roll_take_tx(db_conn *c, const as_roll_in *in, int64_t *roll_id, int64_t *strangers,
                        size_t *nstrangers)
{
    *nstrangers = 0;
    *roll_id = 0;
    as_program_row p;
    int rc = db_lock(c, DB_LOCK_PROGRAM, in->program_id);
    if (rc == DB_OK)
        rc = as_program_load(c, in->program_id, &p);
    if (rc != DB_ROW)
        return rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL) : verdict_db(rc);
    if (strcmp(in->date, in->today) > 0)
        return verdict_err(SJ_ERR_ROLL_NOT_OPEN, NULL);
    int k = as_is_session_day(c, &p, in->date);
    if (k <= 0) {
        verdict v = k < 0 ? verdict_db(k) : verdict_err(SJ_ERR_NO_SESSION, NULL);
        if (k == 0)
            verdict_str(&v, "date", in->date);
        return v;
    }
    int64_t *seated = NULL, *present = malloc(sizeof *present * (in->npresent + 1));
    size_t nseated = 0;
    if (!present)
        abort();
    memcpy(present, in->present, sizeof *present * in->npresent);
    qsort(present, in->npresent, sizeof *present, cmp_i64);
    verdict v = verdict_ok();
    rc = seated_on(c, p.p.id, in->date, &seated, &nseated);
    if (rc == DB_DONE) {
        v = present_checked(in->present, in->npresent, seated, nseated, in->date, strangers,
                            nstrangers);
        rc = verdict_is_ok(&v)
                 ? db_query_int64(c, roll_id,
                                  "SELECT id FROM afterschool_rolls WHERE program_id = $1"
                                  " AND date = $2",
                                  p.p.id, in->date)
                 : DB_DONE;
    }
    bool past = strcmp(in->date, in->today) < 0;
    if (verdict_is_ok(&v) && (rc == DB_ROW || rc == DB_DONE) && past && (*roll_id || !in->reason)) {
        /* after its day a roll is locked; a roll never taken may be entered late, with why */
        v = verdict_err(SJ_ERR_ROLL_LOCKED, NULL);
        verdict_str(&v, "date", in->date);
        verdict_bool(&v, "taken", *roll_id != 0);
    } else if (verdict_is_ok(&v) && rc == DB_ROW) { /* retaken on its day */
        rc = db_run(c, "UPDATE afterschool_rolls SET taken_by = $2, taken_at = $3 WHERE id = $1",
                    *roll_id, in->actor, in->at);
        if (rc == DB_DONE)
            rc = db_run(c, "DELETE FROM afterschool_attendance WHERE roll_id = $1", *roll_id);
    } else if (verdict_is_ok(&v) && rc == DB_DONE) {
        rc = db_insert_id(c, roll_id,
                          "INSERT INTO afterschool_rolls (district_id, school_id, program_id,"
                          " date, taken_by, taken_at, late_reason) VALUES ($1,$2,$3,$4,$5,$6,$7)"
                          " RETURNING id",
                          p.district_id, p.school_id, p.p.id, in->date, in->actor, in->at,
                          past ? in->reason : NULL);
    }
    if (verdict_is_ok(&v) && rc == DB_DONE)
        rc = write_marks(c, *roll_id, seated, nseated, present, in->npresent);
    if (verdict_is_ok(&v) && rc != DB_DONE)
        v = verdict_db(rc == DB_ROW ? DB_ERROR : rc);
    free(seated);
    free(present);
    return v;
}

verdict afterschool_roll_take(db_conn *c, const as_roll_in *in, int64_t *roll_id,
                              int64_t *strangers, size_t *nstrangers)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK) {
        *nstrangers = 0;
        return as_finish(c, verdict_db(rc));
    }
    return as_finish(c, as_roll_take_tx(c, in, roll_id, strangers, nstrangers));
}

static verdict correct_tx(db_conn *c, const as_correction_in *in, int64_t *id, bool *before)
{
    int64_t roll = 0, was = 0;
    int rc = db_lock(c, DB_LOCK_PROGRAM, in->program_id);
    if (rc == DB_OK)
        rc = db_query_int64(c, &roll,
                            "SELECT id FROM afterschool_rolls WHERE program_id = $1 AND date = $2",
                            in->program_id, in->date);
    if (rc != DB_ROW)
        return rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL) : verdict_db(rc);
    rc = db_query_int64(c, &was,
                        "SELECT present FROM afterschool_attendance WHERE roll_id = $1"
                        " AND student_id = $2",
                        roll, in->student_id);
    if (rc == DB_DONE) {
        verdict v = verdict_err(SJ_ERR_NOT_ENROLLED, NULL);
        verdict_str(&v, "date", in->date);
        return v;
    }
    *before = was != 0;
    if (rc == DB_ROW)
        rc = db_run(c,
                    "UPDATE afterschool_attendance SET present = $3 WHERE roll_id = $1"
                    " AND student_id = $2",
                    roll, in->student_id, in->present);
    if (rc == DB_DONE)
        rc = db_insert_id(c, id,
                          "INSERT INTO afterschool_corrections (roll_id, student_id,"
                          " present_before, present_after, reason, by_user, at)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
                          roll, in->student_id, was, in->present, in->reason, in->actor, in->at);
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc == DB_ROW ? DB_ERROR : rc);
}

verdict afterschool_roll_correct(db_conn *c, const as_correction_in *in, int64_t *id, bool *before)
{
    *id = 0;
    *before = false;
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return as_finish(c, verdict_db(rc));
    return as_finish(c, correct_tx(c, in, id, before));
}
