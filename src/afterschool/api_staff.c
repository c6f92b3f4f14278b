/*
 * api_staff.c: teachers' side of the after-school service: duty recorded per teacher and
 * session (minutes into the time bank), the bank's balance, half-day leave paid with credits
 * (AS-9) and approved by the school, and the A/B post roster (who covers a session when the
 * A-post teacher is away).
 *
 * Duty: a teacher records their own on a program where they hold the A or B post; the school's
 * admin records anyone's of the school. The handlers decide who may act; the store
 * (store_staff.c) checks the day, the session and AS-9 under the teacher's lock and writes.
 */
#include <stdio.h>
#include <string.h>

#include "afterschool_int.h"

/* May the caller see this teacher's duty and bank? Themself, the district, or an admin of a
 * school where the teacher works. false after replying 404 (no such user in the caller's
 * district) or 403. */
static bool staff_visible_or_reply(req *r, int64_t user_id)
{
    int64_t district = 0;
    int rc = as_store_user_district(r->db, user_id, &district);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    if (!auth_same_district_or_reply(r, district))
        return false;
    if (user_id == r->user->id || auth_district_staff(r->user) ||
        as_store_admin_of(r->db, r->user->id, user_id))
        return true;
    reply_err(r, SJ_ERR_FORBIDDEN);
    return false;
}

static json_t *bank_json(req *r, int64_t user_id, const as_bank *b)
{
    as_leave_terms t;
    afterschool_leave_terms(r->pol, &t);
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "user_id", (json_int_t)user_id, "minutes",
                     (json_int_t)(b->earned - b->held - b->spent), "earned", (json_int_t)b->earned,
                     "held", (json_int_t)b->held, "spent", (json_int_t)b->spent,
                     "minutes_per_half_day", (json_int_t)t.minutes_required,
                     "half_days_per_week_max", (json_int_t)t.week_max);
}

/* ---------- duty ---------- */

/* A teacher records their own duty, on a program where they hold the A or B post. The
 * school's admin (or the district's) records anyone's of the program's school: a colleague
 * standing in for both posts is recorded by the school, never by themself. false after
 * replying 403, or 400 when the one recorded is not a teacher of the school. */
static bool duty_recorder_or_reply(req *r, const as_program_row *p, int64_t user_id)
{
    bool admin = auth_school_admin(r->user, p->school_id);
    bool own_post = user_id == r->user->id && (user_id == p->staff_a || user_id == p->staff_b) &&
                    as_user_is_staff_of(r->db, user_id, p->school_id);
    if (!admin && !own_post) {
        verdict v =
            verdict_err(SJ_ERR_FORBIDDEN, user_id == r->user->id ? "afterschool.duty_not_own_post"
                                                                 : "afterschool.duty_for_others");
        reply_verdict(r, &v, NULL);
        return false;
    }
    if (!own_post && !as_user_is_staff_of(r->db, user_id, p->school_id)) {
        reply_field(r, SJ_ERR_BAD_FIELD, "user_id", "afterschool.not_teacher");
        return false;
    }
    return true;
}

void afterschool_h_create_duty(req *r)
{
    char today[AS_DATE_LEN];
    today_local(today);
    as_duty_in in = {.actor = r->user->id, .today = today};
    as_program_row p;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "user_id", 1, INT64_MAX, true, &in.user_id) ||
        !body_int_or_reply(r, "program_id", 1, INT64_MAX, true, &in.program_id) ||
        !body_date_or_reply(r, "date", true, &in.date) ||
        !body_int_or_reply(r, "minutes", 1, 600, true, &in.minutes) ||
        !as_program_load_or_reply(r, in.program_id, &p) ||
        !duty_recorder_or_reply(r, &p, in.user_id))
        return;
    in.at = now_unix();
    as_duty_out out;
    verdict v = afterschool_duty_record(r->db, &in, &out);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, v.rule ? json_pack("{s:s}", "program_name", out.clash_name) : NULL);
        return;
    }
    r->audit_target = out.id;
    json_t *o = json_pack("{s:I,s:I,s:I,s:s,s:I,s:o}", "id", (json_int_t)out.id, "user_id",
                          (json_int_t)in.user_id, "program_id", (json_int_t)in.program_id, "date",
                          in.date, "minutes", (json_int_t)in.minutes, "credits",
                          bank_json(r, in.user_id, &out.bank));
    json_object_set_new(o, "covering_for",
                        out.covering_for ? json_integer(out.covering_for) : json_null());
    reply_json(r, 201, o);
}

void afterschool_h_list_duties(req *r)
{
    int64_t user_id, limit, offset;
    if (!req_query_int64_or_reply(r, "user_id", r->user->id, &user_id) ||
        !staff_visible_or_reply(r, user_id) || !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, as_store_duties(r->db, user_id, limit, offset));
}

void afterschool_h_get_credits(req *r)
{
    int64_t user_id = r->params[0];
    as_bank b;
    if (!staff_visible_or_reply(r, user_id))
        return;
    if (as_bank_read(r->db, user_id, &b) != DB_OK) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, bank_json(r, user_id, &b));
}

/* ---------- leave ---------- */

static const char *const halves[] = {"am", "pm", NULL};

void afterschool_h_create_leave(req *r)
{
    char today[AS_DATE_LEN];
    today_local(today);
    as_leave_in in = {.district_id = r->user->district_id, .user_id = r->user->id, .today = today};
    int half;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &in.date) ||
        !body_enum_or_reply(r, "half", halves, true, &half))
        return;
    in.half = halves[half];
    in.at = now_unix();
    as_leave_out out;
    verdict v = afterschool_leave_ask(r->db, r->pol, &in, &out);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = out.id;
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:o}", "id", (json_int_t)out.id, "date", in.date,
                         "half", in.half, "status", "pending", "minutes", (json_int_t)out.minutes,
                         "week_start", out.week_start, "credits",
                         bank_json(r, in.user_id, &out.bank)));
}

void afterschool_h_list_leave(req *r)
{
    int64_t school_id, limit, offset;
    const char *status = req_query(r, "status");
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id))
        return;
    if (status && strcmp(status, "pending") != 0 && strcmp(status, "approved") != 0 &&
        strcmp(status, "rejected") != 0) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "status");
        return;
    }
    if ((school_id && !auth_school_admin_or_reply(r, school_id)) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, as_store_leave(r->db, school_id, r->user->id, status, limit, offset));
}

void afterschool_h_decide_leave(req *r)
{
    int64_t id = r->params[0], school_id = 0, user_id = 0;
    bool approve;
    const char *note;
    int rc = as_store_leave_owner(r->db, id, &school_id, &user_id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!auth_school_admin_or_reply(r, school_id))
        return;
    if (!body_require_object_or_reply(r) || !body_bool_or_reply(r, "approve", true, &approve) ||
        !body_str_or_reply(r, "note", 200, false, &note))
        return;
    as_bank b;
    verdict v =
        afterschool_leave_decide(r->db, id, user_id, approve, note, r->user->id, now_unix(), &b);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:I,s:s,s:o}", "id", (json_int_t)id, "status",
                         approve ? "approved" : "rejected", "credits", bank_json(r, user_id, &b)));
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
    if (!auth_school_staff_or_reply(r, school_id))
        return;
    json_t *o = as_store_roster(r->db, r->user->district_id, school_id, date ? date : today);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, o);
}
