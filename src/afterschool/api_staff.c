/*
 * api_staff.c: teachers' side of the after-school service: duty recorded per teacher and
 * session (minutes into the time bank), the bank's balance, half-day leave paid with credits
 * (AS-9) and approved by the school, and the A/B post roster (who covers a session when the
 * A-post teacher is away).
 *
 * Duty: a teacher records their own on a program where they hold the A or B post; the school's
 * admin records anyone's of the school. A duty takes its program's session, and a teacher is on
 * one duty at a time (AS-9): the teacher's lock (DB_LOCK_USER) is held while the day's duties
 * are read and the new one inserted, so two records at once can never overlap.
 *
 * The time bank: balance = duty minutes - minutes of pending leave (held) - minutes of approved
 * leave (spent). A leave request locks its teacher (DB_LOCK_USER) and checks balance and the
 * week's count in the same transaction as the insert, so concurrent requests can never spend
 * the same credits twice or pass the weekly limit together. A rejection returns the minutes.
 */
#include <stdio.h>
#include <string.h>

#include "afterschool_int.h"

static void fail_tx(req *r, int rc)
{
    db_rollback(r->db);
    reply_db(r, rc);
}

/* May the caller see this teacher's duty and bank? Themself, the district, or an admin of a
 * school where the teacher works. false after replying 404 (no such user in the caller's
 * district) or 403. */
static bool staff_visible_or_reply(req *r, int64_t user_id)
{
    int64_t district = 0, one = 0;
    int rc = db_query_int64(r->db, &district, "SELECT district_id FROM users WHERE id = $1",
                            user_id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    if (!auth_same_district_or_reply(r, district))
        return false;
    if (user_id == r->user->id || auth_district_staff(r->user) ||
        db_query_int64(r->db, &one,
                       "SELECT 1 FROM user_roles t JOIN user_roles a ON a.school_id = t.school_id"
                       " WHERE t.user_id = $1 AND a.user_id = $2 AND a.role = 'school_admin'"
                       " AND t.role IN ('teacher', 'grade_leader', 'school_admin')", user_id, r->user->id) == DB_ROW)
        return true;
    reply_err(r, SJ_ERR_FORBIDDEN);
    return false;
}

static json_t *credits_json(req *r, int64_t user_id, int64_t earned, int64_t held, int64_t spent)
{
    as_leave_terms t;
    afterschool_leave_check(r->pol, 0, 0, &t);
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "user_id", (json_int_t)user_id, "minutes",
                     (json_int_t)(earned - held - spent), "earned", (json_int_t)earned, "held",
                     (json_int_t)held, "spent", (json_int_t)spent, "minutes_per_half_day",
                     (json_int_t)t.minutes_required, "half_days_per_week_max",
                     (json_int_t)t.week_max);
}

/* ---------- duty ---------- */

/* 409 for a second entry of one session; 422 (AS-9) for a duty overlapping another of the
 * teacher's that day, with both times and the minutes in common. */
static void duty_clash_reply(req *r, const as_program_row *p, const char *date,
                             const as_duty_clash *c)
{
    if (c->same_program) {
        json_t *extra = json_pack("{s:s,s:s,s:I}", "field", "date", "message",
                                  r->english ? "This duty is already recorded" : "这次值班已经登记过",
                                  "duty_id", (json_int_t)c->span.id);
        reply_err_detail(r, SJ_ERR_CONFLICT, extra);
        return;
    }
    reply_rule(r, "duty_overlap", "AS-9",
               req_printf(r,
                          "该教师 %s 已登记 %s-%s「%s」的值班,与本次 %s-%s 重叠 %d 分钟;"
                          "同一时间只能记一份值班",
                          date, c->start, c->end, c->name, p->start, p->end, c->shared),
               req_printf(r,
                          "This teacher already has duty on %s from %s to %s (%s), which overlaps"
                          " this one (%s-%s) by %d minutes; one duty at a time",
                          date, c->start, c->end, c->name, p->start, p->end, c->shared),
               json_pack("{s:s,s:s,s:s,s:i,s:I,s:I,s:s,s:s,s:s}", "date", date, "start",
                         p->start, "end", p->end, "overlap_minutes", c->shared, "duty_id",
                         (json_int_t)c->span.id, "program_id", (json_int_t)c->span.program_id,
                         "program_name", c->name, "other_start", c->start, "other_end", c->end));
}

void afterschool_h_create_duty(req *r)
{
    int64_t user_id, program_id, minutes;
    const char *date;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "user_id", 1, INT64_MAX, true, &user_id) ||
        !body_int_or_reply(r, "program_id", 1, INT64_MAX, true, &program_id) ||
        !body_date_or_reply(r, "date", true, &date) ||
        !body_int_or_reply(r, "minutes", 1, 600, true, &minutes))
        return;
    as_program_row p;
    if (!as_program_load_or_reply(r, program_id, &p))
        return;
    /* A teacher records their own duty, on a program where they hold the A or B post. The
     * school's admin (or the district's) records anyone's of the program's school: a colleague
     * standing in for both posts is recorded by the school, never by themself. */
    bool admin = auth_school_admin(r->user, p.school_id);
    bool own_post = user_id == r->user->id && (user_id == p.staff_a || user_id == p.staff_b) &&
                    as_user_is_staff_of(r->db, user_id, p.school_id);
    if (!admin && !own_post) {
        bool self = user_id == r->user->id;
        json_t *extra = json_pack(
            "{s:s}", "message",
            self ? (r->english ? "Duty is recorded only on a program where you hold the A or B"
                                 " post; the school's admin records a stand-in's duty"
                               : "只能为自己担任 A 岗或 B 岗的课后服务项目登记值班;代班由学校管理员登记")
                 : (r->english ? "Only the school's admin records duty for someone else"
                               : "只有本校管理员可以为其他教师登记值班"));
        reply_err_detail(r, SJ_ERR_FORBIDDEN, extra);
        return;
    }
    if (!own_post && !as_user_is_staff_of(r->db, user_id, p.school_id)) {
        as_bad_field(r, "user_id", "该用户不是本校教师", "This user is not a teacher of this school");
        return;
    }
    char today[AS_DATE_LEN];
    today_local(today);
    if (strcmp(date, today) > 0) {
        as_bad_field(r, "date", "不能登记还没到的值班", "A duty cannot be recorded before its day");
        return;
    }
    int session = p.p.end_min - p.p.start_min;
    if (minutes > session) {
        json_t *extra = json_pack("{s:s,s:i,s:s}", "field", "minutes", "max", session, "message",
                                  r->english ? "More minutes than the session lasts"
                                             : "值班分钟数超过该项目一次服务的时长");
        reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
        return;
    }
    int k = as_is_session_day(r->db, &p, date);
    if (k <= 0) {
        if (k < 0)
            reply_err(r, SJ_ERR_INTERNAL);
        else
            reply_err_detail(r, SJ_ERR_NO_SESSION, json_pack("{s:s}", "date", date));
        return;
    }
    /* the B post standing in for the A post */
    int64_t covering = user_id == p.staff_b && p.staff_a ? p.staff_a : 0;
    /* The teacher's lock orders every duty and leave request of theirs: the look for an
     * overlapping duty and the insert are one step, so two requests at once cannot both pass. */
    int64_t id = 0;
    as_duty_clash clash;
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_USER, user_id);
    if (rc == DB_OK) {
        rc = as_duty_clash_find(r->db, user_id, date, program_id, p.p.start_min, p.p.end_min,
                                &clash);
        if (rc == DB_ROW) {
            db_rollback(r->db);
            duty_clash_reply(r, &p, date, &clash);
            return;
        }
        rc = rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK)
        rc = db_insert_id(r->db, &id,
                          "INSERT INTO afterschool_duties (district_id, school_id, user_id,"
                          " program_id, date, minutes, covering_for, created_by, created_at)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id", p.district_id, p.school_id, user_id, program_id, date,
                          minutes, db_id_or_null(covering), r->user->id, now_unix());
    int64_t earned = 0, held = 0, spent = 0;
    if (rc == DB_DONE)
        rc = as_credits(r->db, user_id, &earned, &held, &spent) == DB_OK ? DB_DONE : DB_ERROR;
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_CONSTRAINT) {
            json_t *extra = json_pack("{s:s,s:s}", "field", "date", "message",
                                      r->english ? "This duty is already recorded"
                                                 : "这次值班已经登记过");
            reply_err_detail(r, SJ_ERR_CONFLICT, extra);
        } else {
            reply_db(r, rc == DB_DONE ? DB_ERROR : rc);
        }
        return;
    }
    r->audit_target = id;
    json_t *o = json_pack("{s:I,s:I,s:I,s:s,s:I,s:o}", "id", (json_int_t)id, "user_id",
                          (json_int_t)user_id, "program_id", (json_int_t)program_id, "date", date,
                          "minutes", (json_int_t)minutes, "credits",
                          credits_json(r, user_id, earned, held, spent));
    json_object_set_new(o, "covering_for", covering ? json_integer(covering) : json_null());
    reply_json(r, 201, o);
}

void afterschool_h_list_duties(req *r)
{
    int64_t user_id;
    if (!req_query_int64_or_reply(r, "user_id", r->user->id, &user_id) ||
        !staff_visible_or_reply(r, user_id))
        return;
    reply_list(r,
               "SELECT d.id, d.program_id, p.name, d.date, d.minutes, d.covering_for"
               " FROM afterschool_duties d JOIN afterschool_programs p ON p.id = d.program_id"
               " WHERE d.user_id = $1 ORDER BY d.date DESC, d.id DESC",
               "SELECT COUNT(*) FROM afterschool_duties WHERE user_id = $1",
               "id:i,program_id:i,program_name:s,date:s,minutes:i,covering_for:I", user_id);
}

void afterschool_h_get_credits(req *r)
{
    int64_t user_id = r->params[0];
    if (!staff_visible_or_reply(r, user_id))
        return;
    int64_t earned = 0, held = 0, spent = 0;
    if (as_credits(r->db, user_id, &earned, &held, &spent) != DB_OK) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, credits_json(r, user_id, earned, held, spent));
}

/* ---------- leave ---------- */

static const char *const halves[] = {"am", "pm", NULL};

void afterschool_h_create_leave(req *r)
{
    const char *date;
    int half;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &date) ||
        !body_enum_or_reply(r, "half", halves, true, &half))
        return;
    int64_t me = r->user->id, school_id = 0;
    int rc = db_query_int64(r->db, &school_id,
                            "SELECT school_id FROM user_roles WHERE user_id = $1"
                            " AND role IN ('teacher', 'grade_leader', 'school_admin')"
                            " ORDER BY id LIMIT 1", me);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_FORBIDDEN : SJ_ERR_INTERNAL);
        return;
    }
    char today[AS_DATE_LEN];
    today_local(today);
    if (strcmp(date, today) < 0) {
        as_bad_field(r, "date", "不能为已经过去的日期请假", "Leave cannot be asked for a past day");
        return;
    }
    int k = calendar_day_kind(r->db, r->user->district_id, date, NULL, 0);
    if (k != DAY_SCHOOL) {
        if (k < 0)
            reply_err(r, SJ_ERR_INTERNAL);
        else
            as_bad_field(r, "date", "这一天不是工作日,无需请假", "That day is not a working day");
        return;
    }
    char week[AS_DATE_LEN];
    afterschool_week_start(date, week);
    rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_USER, me);
    int64_t earned = 0, held = 0, spent = 0, used = 0;
    if (rc == DB_OK)
        rc = as_credits(r->db, me, &earned, &held, &spent);
    if (rc == DB_OK)
        rc = db_query_int64(r->db, &used,
                            "SELECT COUNT(*) FROM afterschool_leave WHERE user_id = $1"
                            " AND week_start = $2 AND status <> 'rejected'", me, week) == DB_ROW
                 ? DB_OK
                 : DB_ERROR;
    int64_t same = 0;
    if (rc == DB_OK)
        rc = db_query_int64(r->db, &same,
                            "SELECT COUNT(*) FROM afterschool_leave WHERE user_id = $1"
                            " AND date = $2 AND half = $3 AND status <> 'rejected'", me, date, halves[half]) == DB_ROW
                 ? DB_OK
                 : DB_ERROR;
    if (rc != DB_OK) {
        fail_tx(r, rc);
        return;
    }
    if (same) {
        db_rollback(r->db);
        json_t *extra = json_pack("{s:s,s:s}", "field", "date", "message",
                                  r->english ? "Leave for this half-day is already asked for"
                                             : "这个半天已经请过假");
        reply_err_detail(r, SJ_ERR_CONFLICT, extra);
        return;
    }
    int64_t balance = earned - held - spent;
    as_leave_terms t;
    as_leave_verdict v = afterschool_leave_check(r->pol, balance, used, &t);
    if (v != AS_LEAVE_OK) {
        db_rollback(r->db);
        if (v == AS_LEAVE_INSUFFICIENT)
            reply_rule(r, "insufficient_credits", "AS-9",
                       req_printf(r, "时间银行余额 %lld 分钟,半天假需要 %lld 分钟",
                                  (long long)balance, (long long)t.minutes_required),
                       req_printf(r, "The time bank holds %lld minutes; half a day needs %lld",
                                  (long long)balance, (long long)t.minutes_required),
                       json_pack("{s:I,s:I}", "minutes", (json_int_t)balance, "required",
                                 (json_int_t)t.minutes_required));
        else
            reply_rule(r, "leave_over_weekly_limit", "AS-9",
                       req_printf(r, "每周最多调休 %lld 个半天,本周已用 %lld 个",
                                  (long long)t.week_max, (long long)used),
                       req_printf(r, "At most %lld half-days a week; %lld used this week",
                                  (long long)t.week_max, (long long)used),
                       json_pack("{s:I,s:I,s:s}", "limit", (json_int_t)t.week_max, "used",
                                 (json_int_t)used, "week_start", week));
        return;
    }
    int64_t id = 0;
    rc = db_insert_id(r->db, &id,
                      "INSERT INTO afterschool_leave (district_id, school_id, user_id, date, half,"
                      " week_start, minutes, status, policy_version, created_at)"
                      " VALUES ($1,$2,$3,$4,$5,$6,$7,'pending',$8,$9) RETURNING id", r->user->district_id, school_id, me, date, halves[half], week,
                      t.minutes_required, policy_version(r->pol), now_unix());
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_CONSTRAINT) {
            json_t *extra = json_pack("{s:s,s:s}", "field", "date", "message",
                                      r->english ? "Leave for this half-day is already asked for"
                                                 : "这个半天已经请过假");
            reply_err_detail(r, SJ_ERR_CONFLICT, extra);
        } else {
            reply_db(r, rc == DB_DONE ? DB_ERROR : rc);
        }
        return;
    }
    r->audit_target = id;
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:o}", "id", (json_int_t)id, "date", date,
                         "half", halves[half], "status", "pending", "minutes",
                         (json_int_t)t.minutes_required, "week_start", week, "credits",
                         credits_json(r, me, earned, held + t.minutes_required, spent)));
}

void afterschool_h_list_leave(req *r)
{
    int64_t school_id;
    const char *status = req_query(r, "status");
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id))
        return;
    if (status && strcmp(status, "pending") != 0 && strcmp(status, "approved") != 0 &&
        strcmp(status, "rejected") != 0) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "status");
        return;
    }
    const char *st = status ? status : "";
    const char *cols = "id:i,user_id:i,name:s,date:s,half:s,minutes:i,status:s,decision_note:S,"
                       "week_start:s";
    const char *sel = "SELECT l.id, l.user_id, u.name, l.date, l.half, l.minutes, l.status,"
                      " l.decision_note, l.week_start FROM afterschool_leave l"
                      " JOIN users u ON u.id = l.user_id";
    if (school_id) {
        if (!auth_school_admin_or_reply(r, school_id))
            return;
        reply_list(r,
                   req_printf(r, "%s WHERE l.school_id = $1 AND ($2 = '' OR l.status = $2)"
                                 " ORDER BY l.date DESC, l.id DESC", sel),
                   "SELECT COUNT(*) FROM afterschool_leave WHERE school_id = $1"
                   " AND ($2 = '' OR status = $2)",
                   cols, school_id, st);
        return;
    }
    reply_list(r,
               req_printf(r, "%s WHERE l.user_id = $1 AND ($2 = '' OR l.status = $2)"
                             " ORDER BY l.date DESC, l.id DESC", sel),
               "SELECT COUNT(*) FROM afterschool_leave WHERE user_id = $1"
               " AND ($2 = '' OR status = $2)",
               cols, r->user->id, st);
}

void afterschool_h_decide_leave(req *r)
{
    int64_t id = r->params[0];
    bool approve;
    const char *note;
    db_stmt *s = db_query(r->db, "SELECT school_id, user_id FROM afterschool_leave WHERE id = $1", id);
    int rc = s ? db_step(s) : DB_ERROR;
    int64_t school_id = 0, user_id = 0;
    if (rc == DB_ROW) {
        school_id = db_col_int64(s, 0);
        user_id = db_col_int64(s, 1);
    }
    db_finalize(s);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!auth_school_admin_or_reply(r, school_id))
        return;
    if (!body_require_object_or_reply(r) || !body_bool_or_reply(r, "approve", true, &approve) ||
        !body_str_or_reply(r, "note", 200, false, &note))
        return;
    /* the teacher's lock: a decision and a new request never see the bank half-changed */
    rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_USER, user_id);
    char status[16] = "";
    if (rc == DB_OK) {
        s = db_query(r->db, "SELECT status FROM afterschool_leave WHERE id = $1", id);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW)
            snprintf(status, sizeof status, "%s", db_col_text(s, 0));
        db_finalize(s);
        rc = rc == DB_ROW ? DB_OK : DB_ERROR;
    }
    if (rc == DB_OK && strcmp(status, "pending") != 0) {
        db_rollback(r->db);
        json_t *extra = json_pack("{s:s,s:s}", "status", status, "message",
                                  r->english ? "This leave has already been decided"
                                             : "这条请假已经处理过");
        reply_err_detail(r, SJ_ERR_CONFLICT, extra);
        return;
    }
    if (rc == DB_OK)
        rc = db_run(r->db,
                    "UPDATE afterschool_leave SET status = $2, decided_by = $3, decided_at = $4,"
                    " decision_note = $5 WHERE id = $1", id, approve ? "approved" : "rejected", r->user->id, now_unix(), note);
    int64_t earned = 0, held = 0, spent = 0;
    if (rc == DB_DONE)
        rc = as_credits(r->db, user_id, &earned, &held, &spent) == DB_OK ? DB_DONE : DB_ERROR;
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        fail_tx(r, rc == DB_DONE ? DB_ERROR : rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:I,s:s,s:o}", "id", (json_int_t)id, "status",
                                 approve ? "approved" : "rejected", "credits",
                                 credits_json(r, user_id, earned, held, spent)));
}

/* ---------- the A/B post roster ---------- */

void afterschool_h_get_roster(req *r)
{
    int64_t school_id;
    char today[AS_DATE_LEN];
    today_local(today);
    const char *date = req_query(r, "date");
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id))
        return;
    if (date && !valid_date(date)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "date");
        return;
    }
    if (!date)
        date = req_strdup(r, today);
    if (!auth_school_staff_or_reply(r, school_id))
        return;
    int kind = calendar_day_kind(r->db, r->user->district_id, date, NULL, 0);
    if (kind < 0) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    int wd = date_weekday(date);
    /* after-school service is in the afternoon: a teacher away for the pm half is away */
    db_stmt *s = db_query(
        r->db,
        "SELECT p.id, p.name, p.start_time, p.end_time, p.place, p.staff_a, ua.name,"
        " p.staff_b, ub.name,"
        " (SELECT COUNT(*) FROM afterschool_leave l WHERE l.user_id = p.staff_a AND l.date = $2"
        "  AND l.half = 'pm' AND l.status = 'approved'),"
        " (SELECT COUNT(*) FROM afterschool_leave l WHERE l.user_id = p.staff_b AND l.date = $2"
        "  AND l.half = 'pm' AND l.status = 'approved')"
        " FROM afterschool_programs p LEFT JOIN users ua ON ua.id = p.staff_a"
        " LEFT JOIN users ub ON ub.id = p.staff_b"
        " WHERE p.school_id = $1 AND p.status = 'open' AND p.first_day <= $2"
        " AND p.last_day >= $2 AND (p.weekdays & $3) <> 0 ORDER BY p.start_min, p.id", school_id, date, (int64_t)(1u << wd));
    json_t *items = json_array();
    int rc = DB_ERROR;
    while (s && kind == DAY_SCHOOL && (rc = db_step(s)) == DB_ROW) {
        bool a_away = db_col_int64(s, 9) > 0, b_away = db_col_int64(s, 10) > 0;
        int64_t a = db_col_int64(s, 5), b = db_col_int64(s, 7);
        int64_t on = a && !a_away ? a : b && !b_away ? b : 0;
        json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:b,s:b}", "program_id",
                              (json_int_t)db_col_int64(s, 0), "name", db_col_text(s, 1), "start",
                              db_col_text(s, 2), "end", db_col_text(s, 3), "a_away", a_away,
                              "b_away", b_away);
        json_object_set_new(o, "place", db_col_isnull(s, 4) ? json_null() : json_string(db_col_text(s, 4)));
        json_object_set_new(o, "staff_a", a ? json_pack("{s:I,s:s}", "id", (json_int_t)a, "name", db_col_text(s, 6)) : json_null());
        json_object_set_new(o, "staff_b", b ? json_pack("{s:I,s:s}", "id", (json_int_t)b, "name", db_col_text(s, 8)) : json_null());
        json_object_set_new(o, "on_duty", on ? json_integer(on) : json_null());
        json_object_set_new(o, "post", json_string(on == 0 ? "uncovered" : on == a ? "A" : "B"));
        json_array_append_new(items, o);
    }
    if (kind != DAY_SCHOOL)
        rc = DB_DONE;
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    size_t n = json_array_size(items);
    reply_json(r, 200, json_pack("{s:s,s:b,s:o,s:I}", "date", date, "school_day",
                                 kind == DAY_SCHOOL, "items", items, "total", (json_int_t)n));
}
