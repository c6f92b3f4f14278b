/*
 * store_staff.c: the teachers' side of the after-school service: duty recorded per teacher and
 * session into the time bank, half-day leave paid with credits (AS-9) and the school's
 * decision, the lists, and the A/B post roster.
 *
 * Duty: a duty takes its program's session, and a teacher is on one duty at a time (AS-9):
 * the teacher's lock (DB_LOCK_USER) is held while the day's duties are read and the new one
 * inserted, so two records at once can never overlap. The time bank: balance = duty minutes -
 * minutes of pending leave (held) - minutes of approved leave (spent). A leave request locks
 * its teacher too and checks balance and the week's count in the same transaction as the
 * insert, so concurrent requests can never spend the same credits twice or pass the weekly
 * limit together; a decision takes the same lock. A rejection returns the minutes.
 */
#include <stdio.h>
#include <string.h>

#include "afterschool_int.h"

/* ---------- reads ---------- */

int as_store_user_district(db_conn *c, int64_t user_id, int64_t *district)
{
    return db_query_int64(c, district, "SELECT district_id FROM users WHERE id = $1", user_id);
}

bool as_store_admin_of(db_conn *c, int64_t admin, int64_t teacher)
{
    int64_t one = 0;
    return db_query_int64(
               c, &one,
               "SELECT 1 FROM user_roles t JOIN user_roles a ON a.school_id = t.school_id"
               " WHERE t.user_id = $1 AND a.user_id = $2 AND a.role = 'school_admin'"
               " AND t.role IN ('teacher', 'grade_leader', 'school_admin')",
               teacher, admin) == DB_ROW;
}

json_t *as_store_duties(db_conn *c, int64_t user_id, int64_t limit, int64_t offset)
{
    return db_list_page(
        c,
        "SELECT d.id, d.program_id, p.name, d.date, d.minutes, d.covering_for"
        " FROM afterschool_duties d JOIN afterschool_programs p ON p.id = d.program_id"
        " WHERE d.user_id = $1 ORDER BY d.date DESC, d.id DESC",
        "SELECT COUNT(*) FROM afterschool_duties WHERE user_id = $1",
        "id:i,program_id:i,program_name:s,date:s,minutes:i,covering_for:I", limit, offset, user_id);
}

#define LEAVE_COLS                                                                                 \
    "id:i,user_id:i,name:s,date:s,half:s,minutes:i,status:s,decision_note:S,week_start:s"
#define LEAVE_SELECT                                                                               \
    "SELECT l.id, l.user_id, u.name, l.date, l.half, l.minutes, l.status, l.decision_note,"        \
    " l.week_start FROM afterschool_leave l JOIN users u ON u.id = l.user_id"

json_t *as_store_leave(db_conn *c, int64_t school_id, int64_t user_id, const char *status,
                       int64_t limit, int64_t offset)
{
    const char *st = status ? status : "";
    if (school_id)
        return db_list_page(c,
                            LEAVE_SELECT " WHERE l.school_id = $1 AND ($2 = '' OR l.status = $2)"
                                         " ORDER BY l.date DESC, l.id DESC",
                            "SELECT COUNT(*) FROM afterschool_leave WHERE school_id = $1"
                            " AND ($2 = '' OR status = $2)",
                            LEAVE_COLS, limit, offset, school_id, st);
    return db_list_page(c,
                        LEAVE_SELECT " WHERE l.user_id = $1 AND ($2 = '' OR l.status = $2)"
                                     " ORDER BY l.date DESC, l.id DESC",
                        "SELECT COUNT(*) FROM afterschool_leave WHERE user_id = $1"
                        " AND ($2 = '' OR status = $2)",
                        LEAVE_COLS, limit, offset, user_id, st);
}

int as_store_leave_owner(db_conn *c, int64_t leave_id, int64_t *school_id, int64_t *user_id)
{
    db_stmt *s =
        db_query(c, "SELECT school_id, user_id FROM afterschool_leave WHERE id = $1", leave_id);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        *school_id = db_next_int64(&row);
        *user_id = db_next_int64(&row);
    }
    db_finalize(s);
    return rc;
}

/* One session of the roster: who is on duty, the A post or the B post standing in. */
static json_t *roster_row(db_stmt *s)
{
    db_row row = db_row_at(s, 0);
    int64_t program_id = db_next_int64(&row);
    const char *name = db_next_text_ref(&row), *start = db_next_text_ref(&row),
               *end = db_next_text_ref(&row);
    bool no_place = db_next_isnull(&row);
    const char *place = db_next_text_ref(&row);
    int64_t a = db_next_int64(&row);
    const char *a_name = db_next_text_ref(&row);
    int64_t b = db_next_int64(&row);
    const char *b_name = db_next_text_ref(&row);
    bool a_away = db_next_int64(&row) > 0, b_away = db_next_int64(&row) > 0;
    int64_t on = a && !a_away ? a : b && !b_away ? b : 0;
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:b,s:b}", "program_id", (json_int_t)program_id, "name",
                          name, "start", start, "end", end, "a_away", a_away, "b_away", b_away);
    json_object_set_new(o, "place", no_place ? json_null() : json_string(place));
    json_object_set_new(o, "staff_a",
                        a ? json_pack("{s:I,s:s}", "id", (json_int_t)a, "name", a_name)
                          : json_null());
    json_object_set_new(o, "staff_b",
                        b ? json_pack("{s:I,s:s}", "id", (json_int_t)b, "name", b_name)
                          : json_null());
    json_object_set_new(o, "on_duty", on ? json_integer(on) : json_null());
    json_object_set_new(o, "post", json_string(on == 0 ? "uncovered" : on == a ? "A" : "B"));
    return o;
}

json_t *as_store_roster(db_conn *c, int64_t district_id, int64_t school_id, const char *date)
{
    int kind = calendar_day_kind(c, district_id, date, NULL, 0);
    if (kind < 0)
        return NULL;
    json_t *items = json_array();
    if (kind == DAY_SCHOOL) {
        /* after-school service is in the afternoon: a teacher away for the pm half is away */
        db_stmt *s =
            db_query(c,
                     "SELECT p.id, p.name, p.start_time, p.end_time, p.place, p.staff_a, ua.name,"
                     " p.staff_b, ub.name,"
                     " (SELECT COUNT(*) FROM afterschool_leave l WHERE l.user_id = p.staff_a"
                     "  AND l.date = $2 AND l.half = 'pm' AND l.status = 'approved'),"
                     " (SELECT COUNT(*) FROM afterschool_leave l WHERE l.user_id = p.staff_b"
                     "  AND l.date = $2 AND l.half = 'pm' AND l.status = 'approved')"
                     " FROM afterschool_programs p LEFT JOIN users ua ON ua.id = p.staff_a"
                     " LEFT JOIN users ub ON ub.id = p.staff_b"
                     " WHERE p.school_id = $1 AND p.status = 'open' AND p.first_day <= $2"
                     " AND p.last_day >= $2 AND (p.weekdays & $3) <> 0 ORDER BY p.start_min, p.id",
                     school_id, date, (int64_t)(1u << date_weekday(date)));
        int rc = DB_ERROR;
        while (s && (rc = db_step(s)) == DB_ROW)
            json_array_append_new(items, roster_row(s));
        db_finalize(s);
        if (rc != DB_DONE) {
            json_decref(items);
            return NULL;
        }
    }
    size_t n = json_array_size(items);
    return json_pack("{s:s,s:b,s:o,s:I}", "date", date, "school_day", kind == DAY_SCHOOL, "items",
                     items, "total", (json_int_t)n);
}

/* ---------- duty ---------- */

/* AS-9 against the teacher's duties of the day, in every school (a teacher working at two
 * schools is still one person), in the order of their start. Inside the teacher's lock. */
static verdict duty_checked(db_conn *c, const as_duty_in *in, const as_program_row *p,
                            as_duty_out *out)
{
    db_stmt *s = db_query(c,
                          "SELECT d.id, d.program_id, p.start_min, p.end_min, p.name"
                          " FROM afterschool_duties d"
                          " JOIN afterschool_programs p ON p.id = d.program_id"
                          " WHERE d.user_id = $1 AND d.date = $2 ORDER BY p.start_min, d.id",
                          in->user_id, in->date);
    if (!s)
        return verdict_db(DB_ERROR);
    verdict v = verdict_ok();
    int rc = DB_ERROR;
    while (verdict_is_ok(&v) && (rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        as_duty_span d = {.id = db_next_int64(&row), .program_id = db_next_int64(&row)};
        d.start_min = (int)db_next_int64(&row);
        d.end_min = (int)db_next_int64(&row);
        v = afterschool_check_duty(p->p.id, p->p.start_min, p->p.end_min, &d, 1);
        if (!verdict_is_ok(&v) && v.rule) {
            DB_NEXT_TEXT(&row, out->clash_name);
            verdict_str(&v, "date", in->date);
            verdict_str(&v, "program_name", out->clash_name);
        }
    }
    db_finalize(s);
    if (verdict_is_ok(&v) && rc != DB_DONE)
        v = verdict_db(rc);
    return v;
}

/* The duty's own checks: its day has come, it fits the session, the program runs that day. */
static verdict duty_day_checked(db_conn *c, const as_duty_in *in, const as_program_row *p)
{
    verdict v = verdict_ok();
    int session = p->p.end_min - p->p.start_min;
    if (strcmp(in->date, in->today) > 0) {
        v = verdict_err(SJ_ERR_BAD_FIELD, "afterschool.duty_future");
        verdict_str(&v, "field", "date");
    } else if (in->minutes > session) {
        v = verdict_err(SJ_ERR_BAD_FIELD, "afterschool.duty_minutes");
        verdict_str(&v, "field", "minutes");
        verdict_num(&v, "max", session);
    } else {
        int k = as_is_session_day(c, p, in->date);
        if (k < 0)
            return verdict_db(k);
        if (k == 0) {
            v = verdict_err(SJ_ERR_NO_SESSION, NULL);
            verdict_str(&v, "date", in->date);
        }
    }
    return v;
}

verdict as_duty_record_tx(db_conn *c, const as_duty_in *in, as_duty_out *out)
{
    memset(out, 0, sizeof *out);
    as_program_row p;
    int rc = as_program_load(c, in->program_id, &p);
    if (rc != DB_ROW)
        return rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL) : verdict_db(rc);
    verdict v = duty_day_checked(c, in, &p);
    if (!verdict_is_ok(&v))
        return v;
    /* The teacher's lock orders every duty and leave request of theirs: the look for an
     * overlapping duty and the insert are one step, so two requests at once cannot both pass. */
    rc = db_lock(c, DB_LOCK_USER, in->user_id);
    if (rc != DB_OK)
        return verdict_db(rc);
    v = duty_checked(c, in, &p, out);
    if (!verdict_is_ok(&v))
        return v;
    /* the B post standing in for the A post */
    out->covering_for = in->user_id == p.staff_b && p.staff_a ? p.staff_a : 0;
    rc = db_insert_id(c, &out->id,
                      "INSERT INTO afterschool_duties (district_id, school_id, user_id,"
                      " program_id, date, minutes, covering_for, created_by, created_at)"
                      " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
                      p.district_id, p.school_id, in->user_id, in->program_id, in->date,
                      in->minutes, db_id_or_null(out->covering_for), in->actor, in->at);
    if (rc == DB_CONSTRAINT) {
        v = verdict_err(SJ_ERR_CONFLICT, "afterschool.duty_twice");
        verdict_str(&v, "field", "date");
        return v;
    }
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

verdict afterschool_duty_record(db_conn *c, const as_duty_in *in, as_duty_out *out)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK) {
        memset(out, 0, sizeof *out);
        return as_finish(c, verdict_db(rc));
    }
    verdict v = as_duty_record_tx(c, in, out);
    if (verdict_is_ok(&v) && (rc = as_bank_read(c, in->user_id, &out->bank)) != DB_OK)
        v = verdict_db(rc);
    return as_finish(c, v);
}

/* ---------- leave ---------- */

/* The request's own checks, before the teacher's lock: a teacher's school, a working day to
 * come. OUT: *school_id. */
static verdict leave_day_checked(db_conn *c, const as_leave_in *in, int64_t *school_id)
{
    int rc = db_query_int64(c, school_id,
                            "SELECT school_id FROM user_roles WHERE user_id = $1"
                            " AND role IN ('teacher', 'grade_leader', 'school_admin')"
                            " ORDER BY id LIMIT 1",
                            in->user_id);
    if (rc != DB_ROW)
        return rc == DB_DONE ? verdict_err(SJ_ERR_FORBIDDEN, NULL) : verdict_db(rc);
    verdict v = verdict_ok();
    if (strcmp(in->date, in->today) < 0) {
        v = verdict_err(SJ_ERR_BAD_FIELD, "afterschool.leave_past");
        verdict_str(&v, "field", "date");
        return v;
    }
    int k = calendar_day_kind(c, in->district_id, in->date, NULL, 0);
    if (k < 0)
        return verdict_db(k);
    if (k != DAY_SCHOOL) {
        v = verdict_err(SJ_ERR_BAD_FIELD, "afterschool.leave_not_workday");
        verdict_str(&v, "field", "date");
    }
    return v;
}

static verdict leave_twice(void)
{
    verdict v = verdict_err(SJ_ERR_CONFLICT, "afterschool.leave_twice");
    verdict_str(&v, "field", "date");
    return v;
}

static verdict leave_ask_tx(db_conn *c, const policy *pol, const as_leave_in *in, as_leave_out *out)
{
    int64_t school_id = 0, used = 0, same = 0;
    verdict v = leave_day_checked(c, in, &school_id);
    if (!verdict_is_ok(&v))
        return v;
    afterschool_week_start(in->date, out->week_start);
    int rc = db_lock(c, DB_LOCK_USER, in->user_id);
    if (rc == DB_OK)
        rc = as_bank_read(c, in->user_id, &out->bank);
    if (rc == DB_OK)
        rc = db_query_int64(c, &used,
                            "SELECT COUNT(*) FROM afterschool_leave WHERE user_id = $1"
                            " AND week_start = $2 AND status <> 'rejected'",
                            in->user_id, out->week_start);
    if (rc == DB_ROW)
        rc = db_query_int64(c, &same,
                            "SELECT COUNT(*) FROM afterschool_leave WHERE user_id = $1"
                            " AND date = $2 AND half = $3 AND status <> 'rejected'",
                            in->user_id, in->date, in->half);
    if (rc != DB_ROW)
        return verdict_db(rc == DB_DONE || rc == DB_OK ? DB_ERROR : rc);
    if (same)
        return leave_twice();
    as_leave_terms t;
    v = afterschool_leave_check(pol, out->bank.earned - out->bank.held - out->bank.spent, used, &t);
    if (!verdict_is_ok(&v)) {
        if (strcmp(v.code, "leave_over_weekly_limit") == 0)
            verdict_str(&v, "week_start", out->week_start);
        return v;
    }
    out->minutes = t.minutes_required;
    rc = db_insert_id(c, &out->id,
                      "INSERT INTO afterschool_leave (district_id, school_id, user_id, date, half,"
                      " week_start, minutes, status, policy_version, created_at)"
                      " VALUES ($1,$2,$3,$4,$5,$6,$7,'pending',$8,$9) RETURNING id",
                      in->district_id, school_id, in->user_id, in->date, in->half, out->week_start,
                      t.minutes_required, policy_version(pol), in->at);
    if (rc == DB_CONSTRAINT)
        return leave_twice();
    out->bank.held += t.minutes_required;
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

verdict afterschool_leave_ask(db_conn *c, const policy *pol, const as_leave_in *in,
                              as_leave_out *out)
{
    memset(out, 0, sizeof *out);
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return as_finish(c, verdict_db(rc));
    return as_finish(c, leave_ask_tx(c, pol, in, out));
}

static verdict leave_decide_tx(db_conn *c, int64_t leave_id, int64_t user_id, bool approve,
                               const char *note, int64_t actor, int64_t at, as_bank *bank)
{
    /* the teacher's lock: a decision and a new request never see the bank half-changed */
    int rc = db_lock(c, DB_LOCK_USER, user_id);
    char status[16] = "";
    if (rc == DB_OK) {
        db_stmt *s = db_query(c, "SELECT status FROM afterschool_leave WHERE id = $1", leave_id);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW)
            DB_COL_COPY(s, 0, status);
        db_finalize(s);
    }
    if (rc != DB_ROW)
        return verdict_db(rc == DB_DONE ? DB_ERROR : rc);
    if (strcmp(status, "pending") != 0) {
        verdict v = verdict_err(SJ_ERR_CONFLICT, "afterschool.leave_decided");
        verdict_str(&v, "status", status);
        return v;
    }
    rc = db_run(c,
                "UPDATE afterschool_leave SET status = $2, decided_by = $3, decided_at = $4,"
                " decision_note = $5 WHERE id = $1",
                leave_id, approve ? "approved" : "rejected", actor, at, note);
    if (rc == DB_DONE)
        rc = as_bank_read(c, user_id, bank) == DB_OK ? DB_DONE : DB_ERROR;
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

verdict afterschool_leave_decide(db_conn *c, int64_t leave_id, int64_t user_id, bool approve,
                                 const char *note, int64_t actor, int64_t at, as_bank *bank)
{
    memset(bank, 0, sizeof *bank);
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return as_finish(c, verdict_db(rc));
    return as_finish(c, leave_decide_tx(c, leave_id, user_id, approve, note, actor, at, bank));
}
