/*
 * api.c: the homework module's HTTP handlers and route table (reports are in report.c).
 *
 * Entry points: homework_routes(). Handlers:
 *   POST   /api/v1/homework                       publish, the budget checked atomically
 *   DELETE /api/v1/homework/{id}                  withdraw; its minutes return to the day
 *   GET    /api/v1/homework/{id}                  one item
 *   GET    /api/v1/homework?class_id|mine&from&to items of a class, or the caller's own
 *   GET    /api/v1/classes/{id}/homework?date     the class board (作业公示; board.c)
 *   GET    /api/v1/classes/{id}/homework/print    the board as a printable page (board.c)
 *   GET    /api/v1/students/{id}/homework?date    the board with that pupil's feedback (board.c)
 *   POST   /api/v1/homework/{id}/feedback         a guardian reports the time it took
 *   POST   /api/v1/homework/{id}/mark             the teacher marked it (HW-8)
 *   GET    /api/v1/schools/{id}/homework/unmarked items not marked after N days
 *   GET    /api/v1/schools/{id}/homework/matrix   classes x days of a week for a grade
 *   POST   /api/v1/homework/{id}/adjust           a grade leader moves or shortens an item
 *   GET    /api/v1/homework/changes               the caller's items moved or shortened
 *   POST   /api/v1/homework/changes/{id}/read     the teacher read the reason
 *
 * Invariant: every write that changes an item's minutes, date or feedback runs in one write
 * transaction that takes the class-day lock(s) first (homework.h), checks, writes the item,
 * refreshes the roll-ups and writes its audit row, then commits; any failure rolls back all of
 * it. Publish, withdraw, feedback and adjust audit inside that transaction (ROUTE_NO_AUDIT), so
 * an answered write costs one durable commit.
 */
#include <stdio.h>
#include <string.h>

#include "homework/homework_int.h"

#define HW_ITEM_MAX_MINUTES 240   /* one item longer than this is a typing error, not homework */
#define HW_FEEDBACK_MAX_MINUTES 600
#define HW_FUTURE_DAYS 366        /* publishing more than a year ahead is a typing error */

#define TEACHING_ROLES \
    (ROLE_BIT(ROLE_TEACHER) | ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_SCHOOL_ADMIN))
/* who reads a school's figures: its admin and grade leaders, and the district; the web app's
 * menus follow these gates (GET /me lists the permission strings a user's roles pass) */
#define REPORT_ROLES                                                                       \
    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_SCHOOL_ADMIN) | \
     ROLE_BIT(ROLE_GRADE_LEADER))

static const char *const grade_zh[] = {"", "一年级", "二年级", "三年级", "四年级", "五年级",
                                       "六年级", "七年级", "八年级", "九年级"};

static const char *grade_name(int g) { return g >= 1 && g <= 9 ? grade_zh[g] : ""; }

/* ---------- small helpers ---------- */


static bool school_leader(const user *u, int64_t school_id, int grade)
{
    if (auth_school_admin(u, school_id))
        return true;
    for (int i = 0; i < u->nroles; i++)
        if (u->roles[i].kind == ROLE_GRADE_LEADER && u->roles[i].school_id == school_id &&
            (grade == 0 || u->roles[i].grade == grade))
            return true;
    return false;
}

/* Loads the class; false after replying 404/500. */
static bool class_or_reply(req *r, int64_t class_id, hw_class *cl)
{
    int rc = hw_store_class(r->db, class_id, cl);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

/* Loads an active item; false after replying 404/500. */
static bool item_or_reply(req *r, int64_t id, hw_item *it)
{
    int rc = hw_store_item(r->db, id, it);
    if (rc != DB_ROW || it->withdrawn) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

static void reply_field_msg(req *r, sj_err e, const char *field, const char *zh, const char *en)
{
    json_t *extra = json_pack("{s:s,s:s}", "field", field, "message", r->english ? en : zh);
    reply_err_detail(r, e, extra);
}

/* The numbers and words of a refusal by homework_check; rolls nothing back (the caller does). */
static void reply_hw_verdict(req *r, const hw_verdict *v, const hw_class *cl, const hw_period *p,
                          const char *date, json_t *items)
{
    json_t *x = json_pack("{s:i,s:i,s:i,s:s,s:s,s:i}", "limit_minutes", v->cap.limit_minutes,
                          "written_minutes", v->written_minutes, "requested_minutes",
                          v->requested_minutes, "date", date, "day_kind",
                          homework_day_kinds[p->day], "grade", cl->grade);
    int remaining = v->cap.limit_minutes - v->written_minutes;
    json_object_set_new(x, "remaining_minutes", json_integer(remaining > 0 ? remaining : 0));
    if (p->day == DAY_VACATION) {
        json_object_set_new(x, "period_from", json_string(p->from));
        json_object_set_new(x, "period_to", json_string(p->to));
        json_object_set_new(x, "term_first_day", json_string(p->term_first));
        json_object_set_new(x, "term_last_day", json_string(p->term_last));
    }
    json_object_set_new(x, "items", items ? items : json_array());
    const char *g = grade_name(cl->grade);
    const char *zh = "", *en = "";
    switch (v->code) {
    case HW_NOT_ALLOWED:
        zh = req_printf(r, "%s不布置书面家庭作业(HW-1),可布置口头、阅读或实践作业", g);
        en = req_printf(r, "No written homework in grade %d (HW-1); oral, reading or practical "
                           "work is allowed", cl->grade);
        break;
    case HW_VACATION:
        zh = req_printf(r, "%s 在假期中(%s 至 %s),本区未设定假期书面作业总量,不能布置书面作业(HW-4)",
                        date, p->from, p->to);
        en = req_printf(r, "%s falls in the vacation (%s to %s) and the district has set no vacation "
                           "total for written homework (HW-4)", date, p->from, p->to);
        break;
    case HW_OVER_LIMIT:
        if (p->day == DAY_VACATION) {
            zh = req_printf(r, "超出%s假期书面作业总量 %d 分钟上限(HW-4):假期已布置 %d 分钟,本次 %d 分钟",
                            g, v->cap.limit_minutes, v->written_minutes, v->requested_minutes);
            en = req_printf(r, "Over the vacation total of %d minutes of written homework for grade "
                               "%d (HW-4): %d set, %d requested", v->cap.limit_minutes, cl->grade,
                            v->written_minutes, v->requested_minutes);
        } else {
            const char *when = p->day == DAY_WEEKEND ? "周末" : p->day == DAY_HOLIDAY ? "节假日" : "";
            zh = req_printf(r, "超出%s%s每日书面作业 %d 分钟上限(%s):当天已布置 %d 分钟,本次 %d 分钟",
                            g, when, v->cap.limit_minutes, v->rule, v->written_minutes,
                            v->requested_minutes);
            en = req_printf(r, "Over the %d-minute daily cap on written homework for grade %d (%s): "
                               "%d set that day, %d requested", v->cap.limit_minutes, cl->grade, v->rule,
                            v->written_minutes, v->requested_minutes);
        }
        break;
    case HW_TOO_MANY_SUBJECTS:
        json_object_set_new(x, "limit_subjects", json_integer(v->limit_subjects));
        json_object_set_new(x, "subjects", json_integer(v->subjects));
        zh = req_printf(r, "%s每天至多 %d 个学科布置书面作业(HW-11),今日已有 %d 个学科",
                        g, v->limit_subjects, v->subjects - 1);
        en = req_printf(r, "At most %d subjects with written homework a day in grade %d (HW-11); "
                           "%d already", v->limit_subjects, cl->grade, v->subjects - 1);
        break;
    case HW_OK:
        break;
    }
    reply_rule(r, v->error, v->rule, zh, en, x);
}

/* The date may be set or changed: today or later, at most a year ahead; false after replying. */
static bool date_ahead_or_reply(req *r, const char *date)
{
    char today[11], far[11];
    today_local(today);
    date_add_days(today, HW_FUTURE_DAYS, far);
    if (strcmp(date, today) < 0) {
        reply_field_msg(r, SJ_ERR_BAD_FIELD, "date", "不能为已经过去的日期布置作业",
                        "Homework cannot be set for a day that has passed");
        return false;
    }
    if (strcmp(date, far) > 0) {
        reply_field_msg(r, SJ_ERR_BAD_FIELD, "date", "日期太远(至多一年以后)",
                        "The date is too far ahead (at most a year)");
        return false;
    }
    return true;
}

static json_t *day_json(const hw_period *p, int written_after)
{
    int remaining = p->cap.limit_minutes - written_after;
    json_t *d = json_pack("{s:i,s:i,s:i,s:s,s:s,s:b}", "limit_minutes", p->cap.limit_minutes,
                          "written_minutes", written_after, "remaining_minutes",
                          remaining > 0 ? remaining : 0, "day_kind", homework_day_kinds[p->day],
                          "rule", p->cap.rule, "written_allowed", p->cap.allowed);
    if (p->day == DAY_VACATION) {
        json_object_set_new(d, "period_from", json_string(p->from));
        json_object_set_new(d, "period_to", json_string(p->to));
    }
    return d;
}

/* ---------- publish ---------- */

static void h_publish(req *r)
{
    const char *date, *subject, *title, *content, *kind_s, *target;
    int64_t class_id, minutes;
    int tier = 0;
    bool parent_check = false;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "class_id", 1, INT64_MAX, true, &class_id) ||
        !body_date_or_reply(r, "date", true, &date) ||
        !body_str_or_reply(r, "subject", 20, true, &subject) ||
        !body_str_or_reply(r, "title", 100, true, &title) ||
        !body_str_or_reply(r, "content", 2000, false, &content) ||
        !body_str_or_reply(r, "kind", 20, true, &kind_s) ||
        !body_str_or_reply(r, "target", 20, false, &target) ||
        !body_bool_or_reply(r, "parent_check", false, &parent_check) ||
        !body_enum_or_reply(r, "tier", homework_tiers, false, &tier) ||
        !body_int_or_reply(r, "minutes", 1, HW_ITEM_MAX_MINUTES, true, &minutes))
        return;
    const policy *pol = r->pol;
    /* kinds and targets the rules forbid are refused by the rule, visibly (HW-9, HW-6) */
    if (homework_kind_refused(pol, kind_s)) {
        reply_rule(r, "homework_kind_not_allowed", "HW-9",
                   "不得布置需要使用手机或应用程序完成的作业(HW-9)",
                   "Homework may not be set through, or require, a phone or app (HW-9)",
                   json_pack("{s:s}", "kind", kind_s));
        return;
    }
    if (homework_target_refused(pol, target) || parent_check) {
        reply_rule(r, "homework_target_not_allowed", "HW-6",
                   "不得给家长布置作业,不得要求家长检查、批改作业(HW-6)",
                   "Homework may not be assigned to parents, nor may parents be asked to check "
                   "or mark it (HW-6)",
                   json_pack("{s:s}", "target", target ? target : "parent"));
        return;
    }
    if (target && strcmp(target, "student") != 0) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "target");
        return;
    }
    int kind = -1;
    for (int i = 0; homework_kinds[i]; i++)
        if (strcmp(homework_kinds[i], kind_s) == 0)
            kind = i;
    if (kind < 0) {
        json_t *allowed = json_pack("[ssss]", "written", "oral", "reading", "practical");
        reply_err_detail(r, SJ_ERR_BAD_FIELD, json_pack("{s:s,s:o}", "field", "kind", "allowed", allowed));
        return;
    }
    hw_class cl;
    hw_period p;
    if (!hw_class_day_or_reply(r, class_id, date, &cl, &p))
        return;
    if (!auth_teaches(r, class_id, subject)) {
        json_t *x = json_pack("{s:s}", "message",
                              r->english ? "You do not teach this subject in this class"
                                         : "你没有在该班任教这个学科,不能布置作业");
        reply_err_detail(r, SJ_ERR_FORBIDDEN, x);
        return;
    }
    if (!date_ahead_or_reply(r, date))
        return;

    /* the check and the insert: one transaction that serialises on the class-day */
    hw_use use;
    int64_t id = 0;
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = hw_store_lock(r->db, class_id, &p, date, NULL);
    if (rc == DB_OK)
        rc = hw_store_use(r->db, class_id, p.from, p.to, date, subject, 0, &use);
    if (rc != DB_OK && rc != DB_ROW)
        goto fail;
    hw_request q = {.grade = cl.grade, .day = p.day, .kind = (hw_kind)kind, .minutes = (int)minutes,
                    .written_minutes = use.written_minutes, .written_subjects = use.written_subjects,
                    .subject_is_new = !use.subject_seen};
    hw_verdict v = homework_check(pol, &q);
    if (v.code != HW_OK) {
        json_t *items = v.code == HW_OVER_LIMIT || v.code == HW_TOO_MANY_SUBJECTS
                            ? hw_store_written_items(r->db, class_id, p.from, p.to)
                            : NULL;
        db_rollback(r->db);
        reply_hw_verdict(r, &v, &cl, &p, date, items);
        return;
    }
    int limit = p.day == DAY_VACATION ? -1 : p.cap.limit_minutes;
    rc = db_insert_id(r->db, &id,
                      "INSERT INTO homework (district_id, school_id, class_id, grade, date, day_kind,"
                      " subject, title, content, kind, tier, minutes, teacher_id, limit_minutes, rule,"
                      " policy_version, created_at)"
                      " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING id", cl.district_id, cl.school_id, class_id, (int64_t)cl.grade,
                      date, homework_day_kinds[p.day], subject, title, content, homework_kinds[kind],
                      homework_tiers[tier], minutes, r->user->id, (int64_t)limit, p.cap.rule,
                      policy_version(pol), now_unix());
    if (rc == DB_DONE)
        rc = hw_store_day_refresh(r->db, &cl, date, limit);
    if (rc == DB_DONE) {
        bool w = kind == HW_WRITTEN;
        hw_subject_delta d = {.items = 1, .minutes = minutes, .written_items = w,
                              .written_minutes = w ? minutes : 0};
        rc = hw_store_subject_add(r->db, &cl, date, subject, &d);
    }
    if (rc != DB_DONE)
        goto fail;
    r->audit_target = id;
    audit_record(r, "POST /api/v1/homework", "homework", id, req_printf(r, "class %lld %s %s %lld min",
                 (long long)class_id, date, homework_kinds[kind], (long long)minutes));
    rc = db_commit(r->db);
    if (rc != DB_OK)
        goto fail;
    int written_after = use.written_minutes + (kind == HW_WRITTEN ? (int)minutes : 0);
    json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)id, "class_id",
                          (json_int_t)class_id, "date", date, "subject", subject, "title", title,
                          "kind", homework_kinds[kind], "tier", homework_tiers[tier], "minutes",
                          (json_int_t)minutes, "policy_version", policy_version(pol));
    json_object_set_new(o, "day", day_json(&p, written_after));
    reply_json(r, 201, o);
    return;
fail:
    db_rollback(r->db);
    reply_db(r, rc);
}

/* ---------- withdraw ---------- */

static bool may_change_item(req *r, const hw_item *it)
{
    return it->teacher_id == r->user->id || auth_teaches(r, it->class_id, it->subject) ||
           auth_school_admin(r->user, it->school_id);
}

static bool not_past_or_reply(req *r, const char *date)
{
    char today[11];
    today_local(today);
    if (strcmp(date, today) < 0) {
        reply_err(r, SJ_ERR_HOMEWORK_PAST);
        return false;
    }
    return true;
}

static hw_subject_delta item_delta(const hw_item *it, int sign)
{
    bool w = it->kind == HW_WRITTEN;
    hw_subject_delta d = {.items = sign, .minutes = sign * it->minutes, .written_items = sign * w,
                          .written_minutes = w ? sign * it->minutes : 0,
                          .fb_count = sign * it->fb_count, .fb_minutes = sign * it->fb_minutes,
                          .fb_estimate = sign * it->fb_count * it->minutes};
    return d;
}

static void h_withdraw(req *r)
{
    hw_item it;
    hw_class cl;
    if (!item_or_reply(r, r->params[0], &it))
        return;
    if (!may_change_item(r, &it) || it.district_id != r->user->district_id) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (!not_past_or_reply(r, it.date) || !class_or_reply(r, it.class_id, &cl))
        return;
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = hw_store_lock(r->db, it.class_id, NULL, it.date, NULL);
    /* read again under the lock: another request may have withdrawn or changed it */
    if (rc == DB_OK)
        rc = hw_store_item(r->db, it.id, &it);
    if (rc == DB_ROW && it.withdrawn) {
        db_rollback(r->db);
        reply_err(r, SJ_ERR_NOT_FOUND);
        return;
    }
    if (rc == DB_ROW)
        rc = db_run(r->db, "UPDATE homework SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3", now_unix(), r->user->id, it.id);
    if (rc == DB_DONE)
        rc = hw_store_day_refresh(r->db, &cl, it.date, HW_KEEP_LIMIT);
    if (rc == DB_DONE) {
        hw_subject_delta d = item_delta(&it, -1);
        rc = hw_store_subject_add(r->db, &cl, it.date, it.subject, &d);
    }
    if (rc == DB_DONE) {
        r->audit_target = it.id;
        audit_record(r, "DELETE /api/v1/homework/{id}", "homework", it.id, "withdrawn");
        rc = db_commit(r->db);
    }
    if (rc != DB_OK) {
        db_rollback(r->db);
        reply_db(r, rc);
        return;
    }
    reply_empty(r, 204);
}

/* ---------- reading items ---------- */

static const char *ITEM_COLS =
    "SELECT h.id, h.class_id, c.name, h.date, h.subject, h.title, h.content, h.kind, h.tier,"
    " h.minutes, h.teacher_id, u.name, h.marked_at, h.fb_count, h.fb_minutes, h.fb_unfinished,"
    " h.policy_version FROM homework h JOIN classes c ON c.id = h.class_id"
    " JOIN users u ON u.id = h.teacher_id";

/* Rows of ITEM_COLS into JSON, with the reported mean and whether it runs long. */
static json_t *items_json(db_stmt *s)
{
    if (!s)
        return NULL;
    json_t *arr = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int minutes = (int)db_col_int64(s, 9);
        int64_t fbc = db_col_int64(s, 13), fbm = db_col_int64(s, 14);
        json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:s,s:b,s:s}",
                              "id", (json_int_t)db_col_int64(s, 0), "class_id",
                              (json_int_t)db_col_int64(s, 1), "class_name", db_col_text(s, 2),
                              "date", db_col_text(s, 3), "subject", db_col_text(s, 4), "title",
                              db_col_text(s, 5), "content", db_col_text(s, 6), "kind",
                              db_col_text(s, 7), "tier", db_col_text(s, 8), "minutes", minutes,
                              "teacher_id", (json_int_t)db_col_int64(s, 10), "teacher_name",
                              db_col_text(s, 11), "marked", !db_col_isnull(s, 12),
                              "policy_version", db_col_text(s, 16));
        json_t *fb = json_pack("{s:I,s:I}", "count", (json_int_t)fbc, "unfinished",
                               (json_int_t)db_col_int64(s, 15));
        if (fbc > 0) {
            int rep = homework_reported_minutes(minutes, fbc, fbm);
            json_object_set_new(fb, "avg_minutes", json_integer(rep));
            json_object_set_new(fb, "longer_than_estimate", json_boolean(rep * 4 >= minutes * 5));
        } else {
            json_object_set_new(fb, "avg_minutes", json_null());
            json_object_set_new(fb, "longer_than_estimate", json_false());
        }
        json_object_set_new(o, "feedback", fb);
        json_array_append_new(arr, o);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static void h_item_get(req *r)
{
    hw_item it;
    hw_class cl;
    if (!item_or_reply(r, r->params[0], &it) || !class_or_reply(r, it.class_id, &cl))
        return;
    if (!hw_staff_of(r, &cl) && !auth_guardian_in_class(r, cl.id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    json_t *items = items_json(db_query(r->db, req_printf(r, "%s WHERE h.id = $1", ITEM_COLS), it.id));
    if (!items || json_array_size(items) != 1) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = json_incref(json_array_get(items, 0));
    json_decref(items);
    reply_json(r, 200, o);
}

/* GET /api/v1/homework?class_id=C | mine=1 [&from&to&unmarked=1] */
static void h_item_list(req *r)
{
    int64_t class_id, mine, unmarked, limit, offset, total = 0;
    char today[11], dfrom[11], dto[11], from[11], to[11];
    today_local(today);
    date_add_days(today, -7, dfrom);
    date_add_days(today, 7, dto);
    if (!req_query_int64_or_reply(r, "class_id", 0, &class_id) ||
        !req_query_int64_or_reply(r, "mine", 0, &mine) ||
        !req_query_int64_or_reply(r, "unmarked", 0, &unmarked) ||
        !hw_query_date_or_reply(r, "from", dfrom, from) || !hw_query_date_or_reply(r, "to", dto, to) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    if (strcmp(from, to) > 0 || date_days(to) - date_days(from) > 400) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "to");
        return;
    }
    if (!class_id && !mine) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "class_id");
        return;
    }
    if (class_id) {
        hw_class cl;
        if (!class_or_reply(r, class_id, &cl))
            return;
        if (!hw_staff_of(r, &cl) && !auth_guardian_in_class(r, class_id)) {
            reply_err(r, SJ_ERR_FORBIDDEN);
            return;
        }
    }
    /* items reach the class-day index through a class: the one asked for, or the classes the
     * caller teaches (their own items are in those) */
    const char *where = mine ? " WHERE h.class_id IN (SELECT t.class_id FROM teaching t WHERE t.user_id = $4)"
                               " AND h.teacher_id = $4 AND ($3 = 0 OR h.class_id = $3)"
                               " AND h.withdrawn_at IS NULL AND h.date >= $1 AND h.date <= $2"
                               " AND ($5 = 0 OR (h.marked_at IS NULL AND h.kind = 'written'))"
                             : " WHERE h.class_id = $3 AND $4 = 0"
                               " AND h.withdrawn_at IS NULL AND h.date >= $1 AND h.date <= $2"
                               " AND ($5 = 0 OR (h.marked_at IS NULL AND h.kind = 'written'))";
    int64_t teacher = mine ? r->user->id : 0;
    json_t *items = items_json(db_query(r->db,
                                        req_printf(r, "%s%s ORDER BY h.date DESC, h.class_id, h.id"
                                                      " LIMIT $6 OFFSET $7", ITEM_COLS, where), from, to, class_id, teacher, unmarked, limit,
                                        offset));
    if (!items || db_query_int64(r->db, &total,
                                 req_printf(r, "SELECT COUNT(*) FROM homework h%s", where),
                                 from, to, class_id, teacher, unmarked) != DB_ROW) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, list_json(items, total));
}

/* ---------- family feedback ---------- */

static void h_feedback(req *r)
{
    int64_t student_id, spent, class_id = 0;
    bool completed = false, bedtime = false;
    hw_item it;
    hw_class cl;
    /* the item first: only a guardian of a pupil of its class learns anything more */
    if (!item_or_reply(r, r->params[0], &it))
        return;
    if (!auth_guardian_in_class(r, it.class_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &student_id) ||
        !body_int_or_reply(r, "minutes_spent", 0, HW_FEEDBACK_MAX_MINUTES, true, &spent) ||
        !body_bool_or_reply(r, "completed", true, &completed) ||
        !body_bool_or_reply(r, "bedtime", false, &bedtime))
        return;
    if (completed && bedtime) {
        reply_field_msg(r, SJ_ERR_BAD_FIELD, "bedtime", "已完成的作业不是“到就寝时间未完成”",
                        "A finished item was not stopped at bedtime");
        return;
    }
    if (!auth_guardian_of(r, student_id)) {
        reply_field_msg(r, SJ_ERR_FORBIDDEN, "student_id", "只有该学生的家长可以反馈",
                        "Only this pupil's guardian may report");
        return;
    }
    if (!hw_student_class_or_reply(r, student_id, &class_id))
        return;
    if (class_id != it.class_id) {
        reply_field_msg(r, SJ_ERR_BAD_FIELD, "student_id", "这份作业不是该学生所在班级的作业",
                        "This item is not homework of the pupil's class");
        return;
    }
    char today[11];
    today_local(today);
    if (strcmp(it.date, today) > 0) {
        reply_field_msg(r, SJ_ERR_BAD_FIELD, "homework_id", "作业日期未到,还不能反馈用时",
                        "The homework's day has not come yet");
        return;
    }
    if (!class_or_reply(r, it.class_id, &cl))
        return;
    int64_t old_spent = 0, had = 0, old_unfinished = 0;
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = hw_store_lock(r->db, it.class_id, NULL, it.date, NULL);
    if (rc == DB_OK)
        rc = hw_store_item(r->db, it.id, &it);
    if (rc == DB_ROW && it.withdrawn) {
        db_rollback(r->db);
        reply_err(r, SJ_ERR_NOT_FOUND);
        return;
    }
    if (rc == DB_ROW) {
        db_stmt *s = db_query(r->db,
                              "SELECT minutes_spent, completed FROM homework_feedback"
                              " WHERE homework_id = $1 AND student_id = $2", it.id, student_id);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) {
            had = 1;
            old_spent = db_col_int64(s, 0);
            old_unfinished = db_col_int64(s, 1) == 0;
        }
        db_finalize(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_DONE : rc;
    }
    int64_t now = now_unix();
    if (rc == DB_DONE)
        rc = db_run(r->db,
                    "INSERT INTO homework_feedback (homework_id, student_id, user_id, minutes_spent,"
                    " completed, bedtime, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$7)"
                    " ON CONFLICT (homework_id, student_id) DO UPDATE SET user_id = $3,"
                    " minutes_spent = $4, completed = $5, bedtime = $6, updated_at = $7", it.id, student_id, r->user->id, spent, (int64_t)completed,
                    (int64_t)bedtime, now);
    if (rc == DB_DONE)
        rc = db_run(r->db,
                    "UPDATE homework SET fb_count = fb_count + $1, fb_minutes = fb_minutes + $2,"
                    " fb_unfinished = fb_unfinished + $3 WHERE id = $4", 1 - had, spent - old_spent, (int64_t)!completed - old_unfinished, it.id);
    if (rc == DB_DONE)
        rc = hw_store_day_refresh(r->db, &cl, it.date, HW_KEEP_LIMIT);
    if (rc == DB_DONE) {
        hw_subject_delta d = {.fb_count = 1 - had, .fb_minutes = spent - old_spent,
                              .fb_estimate = had ? 0 : it.minutes};
        rc = hw_store_subject_add(r->db, &cl, it.date, it.subject, &d);
    }
    if (rc == DB_DONE) {
        r->audit_target = it.id;
        audit_record(r, "POST /api/v1/homework/{id}/feedback", "homework", it.id,
                     req_printf(r, "student %lld: %lld min%s", (long long)student_id,
                                (long long)spent, completed ? "" : ", unfinished"));
        rc = db_commit(r->db);
    }
    if (rc != DB_OK) {
        db_rollback(r->db);
        reply_db(r, rc);
        return;
    }
    reply_json(r, 201, json_pack("{s:I,s:I,s:I,s:b,s:b,s:i,s:b}", "homework_id", (json_int_t)it.id,
                                 "student_id", (json_int_t)student_id, "minutes_spent",
                                 (json_int_t)spent, "completed", completed, "bedtime", bedtime,
                                 "estimated_minutes", it.minutes, "updated", had != 0));
}

/* ---------- marking (HW-8) ---------- */

static void h_mark(req *r)
{
    hw_item it;
    if (!item_or_reply(r, r->params[0], &it))
        return;
    if (it.teacher_id != r->user->id && !auth_teaches(r, it.class_id, it.subject)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    char today[11];
    today_local(today);
    if (strcmp(it.date, today) > 0) {
        reply_field_msg(r, SJ_ERR_BAD_FIELD, "date", "作业日期未到,还不能批改",
                        "The homework's day has not come yet");
        return;
    }
    int rc = db_run(r->db,
                    "UPDATE homework SET marked_at = $1, marked_by = $2 WHERE id = $3 AND marked_at IS NULL", now_unix(), r->user->id, it.id);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = it.id;
    reply_empty(r, 204);
}

static void h_unmarked(req *r)
{
    int64_t school_id = r->params[0], days, limit, offset, total = 0;
    int64_t dflt = policy_v(r->pol)->hw8_unmarked_after_days;
    if (!auth_school_staff_or_reply(r, school_id))
        return;
    if (!school_leader(r->user, school_id, 0) && !auth_district_staff(r->user)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (!req_query_int64_or_reply(r, "days", dflt, &days) || !req_paging_or_reply(r, &limit, &offset))
        return;
    if (days < 0 || days > 365) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "days");
        return;
    }
    char today[11], until[11], since[11];
    today_local(today);
    date_add_days(today, -days, until);
    date_add_days(today, -400, since);
    const char *where = " WHERE h.class_id IN (SELECT id FROM classes WHERE school_id = $1)"
                        " AND h.date <= $2 AND h.date >= $3"
                        " AND h.kind = 'written' AND h.marked_at IS NULL AND h.withdrawn_at IS NULL";
    json_t *items = items_json(db_query(r->db,
                                        req_printf(r, "%s%s ORDER BY h.date, c.grade, c.name, h.id"
                                                      " LIMIT $4 OFFSET $5", ITEM_COLS, where), school_id, until, since, limit, offset));
    if (!items || db_query_int64(r->db, &total, req_printf(r, "SELECT COUNT(*) FROM homework h%s", where), school_id, until, since) != DB_ROW) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = list_json(items, total);
    json_object_set_new(o, "days", json_integer(days));
    json_object_set_new(o, "rule", json_string("HW-8"));
    reply_json(r, 200, o);
}

/* ---------- the grade matrix (年级组统筹, HW-5) ---------- */

static void h_matrix(req *r)
{
    int64_t school_id = r->params[0], grade;
    char today[11], week[11], monday[11];
    today_local(today);
    if (!auth_school_staff_or_reply(r, school_id))
        return;
    if (!req_query_int64_or_reply(r, "grade", 0, &grade) ||
        !hw_query_date_or_reply(r, "week", today, week))
        return;
    if (grade < 1 || grade > 9) {
        reply_err_field(r, grade ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "grade");
        return;
    }
    date_add_days(week, 1 - date_weekday(week), monday);
    const policy *pol = r->pol;
    json_t *days = json_array();
    int limits[7];
    char dates[7][11], sunday[11];
    for (int i = 0; i < 7; i++) {
        hw_period p;
        date_add_days(monday, i, dates[i]);
        int rc = hw_store_period(r->db, pol, r->user->district_id, (int)grade, dates[i], &p);
        if (rc != DB_ROW) {
            json_decref(days);
            reply_db(r, rc);
            return;
        }
        limits[i] = p.day == DAY_VACATION ? -1 : p.cap.limit_minutes;
        json_array_append_new(days, json_pack("{s:s,s:i,s:s,s:i,s:s,s:b}", "date", dates[i],
                                              "weekday", i + 1, "day_kind",
                                              homework_day_kinds[p.day], "limit_minutes",
                                              p.cap.limit_minutes, "rule", p.cap.rule,
                                              "written_allowed", p.cap.allowed));
    }
    snprintf(sunday, sizeof sunday, "%s", dates[6]);
    db_stmt *s = db_query(r->db,
                          "SELECT c.id, c.name, d.date, d.items, d.written_minutes, d.written_subjects,"
                          " d.reported, d.reported_minutes FROM classes c LEFT JOIN homework_days d"
                          " ON d.class_id = c.id AND d.date >= $3 AND d.date <= $4"
                          " WHERE c.school_id = $1 AND c.grade = $2 ORDER BY c.name, c.id, d.date", school_id, grade, monday, sunday);
    if (!s) {
        json_decref(days);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *classes = json_array(), *cls = NULL, *cells = NULL;
    int64_t cur = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t cid = db_col_int64(s, 0);
        if (cid != cur) {
            cur = cid;
            cells = json_array();
            for (int i = 0; i < 7; i++) {
                int lim = limits[i];
                json_array_append_new(cells, json_pack("{s:s,s:i,s:i,s:i,s:i,s:s,s:n}", "date", dates[i],
                                                       "items", 0, "written_minutes", 0, "subjects", 0,
                                                       "limit_minutes", lim, "status",
                                                       homework_cell_status(0, 0, lim),
                                                       "reported_minutes"));
            }
            cls = json_pack("{s:I,s:s,s:o}", "class_id", (json_int_t)cid, "name", db_col_text(s, 1),
                            "cells", cells);
            json_array_append_new(classes, cls);
        }
        if (db_col_isnull(s, 2))
            continue;
        int idx = (int)(date_days(db_col_text(s, 2)) - date_days(monday));
        if (idx < 0 || idx > 6)
            continue;
        int items = (int)db_col_int64(s, 3), wm = (int)db_col_int64(s, 4);
        json_t *cell = json_array_get(cells, (size_t)idx);
        json_object_set_new(cell, "items", json_integer(items));
        json_object_set_new(cell, "written_minutes", json_integer(wm));
        json_object_set_new(cell, "subjects", json_integer(db_col_int64(s, 5)));
        json_object_set_new(cell, "status", json_string(homework_cell_status(items, wm, limits[idx])));
        if (db_col_int64(s, 6))
            json_object_set_new(cell, "reported_minutes", json_integer(db_col_int64(s, 7)));
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(days);
        json_decref(classes);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, json_pack("{s:I,s:I,s:s,s:s,s:o,s:o}", "school_id", (json_int_t)school_id,
                                 "grade", (json_int_t)grade, "from", monday, "to", sunday, "days",
                                 days, "classes", classes));
}

/* ---------- adjustments by the grade leader ---------- */

static void h_adjust(req *r)
{
    const char *new_date = NULL, *reason;
    int64_t new_minutes = 0;
    hw_item it;
    hw_class cl;
    if (!item_or_reply(r, r->params[0], &it) || !class_or_reply(r, it.class_id, &cl) ||
        !auth_same_district_or_reply(r, cl.district_id))
        return;
    if (!school_leader(r->user, it.school_id, it.grade)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", false, &new_date) ||
        !body_int_or_reply(r, "minutes", 1, HW_ITEM_MAX_MINUTES, false, &new_minutes) ||
        !body_str_or_reply(r, "reason", 200, true, &reason))
        return;
    if (!new_date && !new_minutes) {
        reply_field_msg(r, SJ_ERR_MISSING_FIELD, "date", "请给出新的日期或新的用时",
                        "Give a new date or new minutes");
        return;
    }
    if (!not_past_or_reply(r, it.date))
        return;
    if (!new_date)
        new_date = req_strdup(r, it.date);
    if (!new_minutes)
        new_minutes = it.minutes;
    if (new_minutes > it.minutes) {
        reply_field_msg(r, SJ_ERR_BAD_FIELD, "minutes", "只能缩短用时,不能延长",
                        "Minutes can only be shortened");
        return;
    }
    if (strcmp(new_date, it.date) != 0 && !date_ahead_or_reply(r, new_date))
        return;
    const policy *pol = r->pol;
    hw_period p;
    int rc = hw_store_period(r->db, pol, cl.district_id, cl.grade, new_date, &p);
    if (rc != DB_ROW) {
        reply_db(r, rc);
        return;
    }
    bool moved = strcmp(new_date, it.date) != 0;
    int64_t change_id = 0;
    hw_item old;
    rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = hw_store_lock(r->db, it.class_id, moved ? &p : NULL, it.date, new_date);
    if (rc == DB_OK)
        rc = hw_store_item(r->db, it.id, &old);
    if (rc == DB_ROW && (old.withdrawn || strcmp(old.date, it.date) != 0 || old.minutes != it.minutes)) {
        /* changed meanwhile: the leader decided on what they saw */
        db_rollback(r->db);
        reply_err(r, old.withdrawn ? SJ_ERR_NOT_FOUND : SJ_ERR_CONFLICT);
        return;
    }
    if (rc == DB_ROW && moved) {
        hw_use use;
        rc = hw_store_use(r->db, it.class_id, p.from, p.to, new_date, it.subject, it.id, &use);
        if (rc == DB_ROW) {
            hw_request q = {.grade = cl.grade, .day = p.day, .kind = it.kind,
                            .minutes = (int)new_minutes, .written_minutes = use.written_minutes,
                            .written_subjects = use.written_subjects,
                            .subject_is_new = !use.subject_seen};
            hw_verdict v = homework_check(pol, &q);
            if (v.code != HW_OK) {
                json_t *items = hw_store_written_items(r->db, it.class_id, p.from, p.to);
                db_rollback(r->db);
                reply_hw_verdict(r, &v, &cl, &p, new_date, items);
                return;
            }
        }
    }
    int limit = p.day == DAY_VACATION ? -1 : p.cap.limit_minutes;
    if (rc == DB_ROW)
        rc = db_run(r->db,
                    "UPDATE homework SET date = $1, minutes = $2, day_kind = $3, limit_minutes = $4,"
                    " rule = $5, policy_version = $6 WHERE id = $7", new_date, new_minutes, homework_day_kinds[p.day], (int64_t)limit,
                    p.cap.rule, policy_version(pol), it.id);
    /* refresh the earlier day first: the same order as the locks */
    const char *d1 = strcmp(it.date, new_date) <= 0 ? it.date : new_date;
    const char *d2 = d1 == it.date ? new_date : it.date;
    if (rc == DB_DONE)
        rc = hw_store_day_refresh(r->db, &cl, d1, d1 == new_date ? limit : HW_KEEP_LIMIT);
    if (rc == DB_DONE && moved)
        rc = hw_store_day_refresh(r->db, &cl, d2, d2 == new_date ? limit : HW_KEEP_LIMIT);
    if (rc == DB_DONE) {
        hw_subject_delta minus = item_delta(&old, -1);
        rc = hw_store_subject_add(r->db, &cl, old.date, old.subject, &minus);
    }
    if (rc == DB_DONE) {
        hw_item now = old;
        now.minutes = (int)new_minutes;
        hw_subject_delta plus = item_delta(&now, 1);
        rc = hw_store_subject_add(r->db, &cl, new_date, old.subject, &plus);
    }
    if (rc == DB_DONE)
        rc = db_insert_id(r->db, &change_id,
                          "INSERT INTO homework_changes (homework_id, teacher_id, by_user, from_date,"
                          " to_date, from_minutes, to_minutes, reason, policy_version, created_at)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id", it.id, it.teacher_id, r->user->id, it.date, new_date,
                          (int64_t)it.minutes, new_minutes, reason, policy_version(pol), now_unix());
    if (rc == DB_DONE) {
        r->audit_target = it.id;
        audit_record(r, "POST /api/v1/homework/{id}/adjust", "homework", it.id,
                     req_printf(r, "%s %d min -> %s %lld min", it.date, it.minutes, new_date,
                                (long long)new_minutes));
        rc = db_commit(r->db);
    }
    if (rc != DB_OK) {
        db_rollback(r->db);
        reply_db(r, rc);
        return;
    }
    hw_use after;
    if (hw_store_use(r->db, it.class_id, p.from, p.to, new_date, NULL, 0, &after) != DB_ROW) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, json_pack("{s:I,s:I,s:s,s:s,s:I,s:I,s:s,s:o}", "id", (json_int_t)it.id,
                                 "change_id", (json_int_t)change_id, "from_date", it.date, "date",
                                 new_date, "from_minutes", (json_int_t)it.minutes, "minutes",
                                 (json_int_t)new_minutes, "reason", reason, "day",
                                 day_json(&p, after.written_minutes)));
}

static void h_changes(req *r)
{
    int64_t unread;
    if (!req_query_int64_or_reply(r, "unread", 0, &unread))
        return;
    reply_list(r,
               "SELECT x.id, x.homework_id, h.title, h.subject, h.class_id, c.name, x.from_date,"
               " x.to_date, x.from_minutes, x.to_minutes, x.reason, u.name, x.created_at,"
               " CASE WHEN x.read_at IS NULL THEN 0 ELSE 1 END"
               " FROM homework_changes x JOIN homework h ON h.id = x.homework_id"
               " JOIN classes c ON c.id = h.class_id JOIN users u ON u.id = x.by_user"
               " WHERE x.teacher_id = $1 AND ($2 = 0 OR x.read_at IS NULL) ORDER BY x.id DESC",
               "SELECT COUNT(*) FROM homework_changes x WHERE x.teacher_id = $1"
               " AND ($2 = 0 OR x.read_at IS NULL)",
               "id:i,homework_id:i,title:s,subject:s,class_id:i,class_name:s,from_date:s,to_date:s,"
               "from_minutes:i,to_minutes:i,reason:s,by_name:s,at_unix:i,read:b", r->user->id, unread);
}

static void h_change_read(req *r)
{
    int64_t teacher = 0;
    int rc = db_query_int64(r->db, &teacher, "SELECT teacher_id FROM homework_changes WHERE id = $1", r->params[0]);
    if (rc != DB_ROW || teacher != r->user->id) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    rc = db_run(r->db, "UPDATE homework_changes SET read_at = $1 WHERE id = $2 AND read_at IS NULL", now_unix(), r->params[0]);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    reply_empty(r, 204);
}

/* ---------- routes ---------- */

static const route routes[] = {
    {"POST", "/api/v1/homework", h_publish, "homework:publish", TEACHING_ROLES, ROUTE_NO_AUDIT},
    {"GET", "/api/v1/homework", h_item_list, PERM_USER, 0, 0},
    {"GET", "/api/v1/homework/changes", h_changes, "homework:publish", TEACHING_ROLES, 0},
    {"POST", "/api/v1/homework/changes/{id}/read", h_change_read, "homework:publish", TEACHING_ROLES, 0},
    {"GET", "/api/v1/homework/{id}", h_item_get, PERM_USER, 0, 0},
    {"DELETE", "/api/v1/homework/{id}", h_withdraw, "homework:publish", TEACHING_ROLES, ROUTE_NO_AUDIT},
    {"POST", "/api/v1/homework/{id}/feedback", h_feedback, "homework:feedback",
     ROLE_BIT(ROLE_GUARDIAN), ROUTE_NO_AUDIT},
    {"POST", "/api/v1/homework/{id}/mark", h_mark, "homework:mark", TEACHING_ROLES, 0},
    {"POST", "/api/v1/homework/{id}/adjust", h_adjust, "homework:adjust",
     ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_SCHOOL_ADMIN) | ROLE_BIT(ROLE_DISTRICT_ADMIN),
     ROUTE_NO_AUDIT},
    {"GET", "/api/v1/classes/{id}/homework", homework_h_get_board, PERM_USER, 0, 0},
    {"GET", "/api/v1/classes/{id}/homework/print", homework_h_get_board_print, PERM_USER, 0, 0},
    {"GET", "/api/v1/students/{id}/homework", homework_h_get_student_board, PERM_USER, 0, 0},
    {"GET", "/api/v1/schools/{id}/homework/matrix", h_matrix, "homework:grade", REPORT_ROLES, 0},
    {"GET", "/api/v1/schools/{id}/homework/unmarked", h_unmarked, "homework:report", REPORT_ROLES, 0},
    {"GET", "/api/v1/reports/homework", homework_h_get_report, "homework:report", REPORT_ROLES, 0},
    {"GET", "/api/v1/reports/homework/analysis", homework_h_get_analysis, "homework:report",
     REPORT_ROLES, 0},
    {"GET", "/api/v1/reports/homework.xlsx", homework_h_get_report_xlsx, "homework:report",
     REPORT_ROLES, 0},
};

const route *homework_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
