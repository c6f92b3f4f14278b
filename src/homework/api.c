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
 *   POST   /api/v1/homework/{id}/marks            HW-8 per pupil, or the class-wide 面批
 *   GET    /api/v1/schools/{id}/homework/unmarked items not marked after N days
 *   GET    /api/v1/schools/{id}/homework/unmarked/teachers  the same, counted per teacher
 *   GET    /api/v1/schools/{id}/homework/relabelled  HW-5: reported time far past the
 *                                                 written estimate
 *   GET    /api/v1/homework/bedtime?date          HW-10: yesterday's "stopped at bedtime"
 *   GET    /api/v1/schools/{id}/homework/matrix   classes x days of a week for a grade
 *   POST   /api/v1/homework/{id}/adjust           a grade leader moves or shortens an item
 *   GET    /api/v1/homework/changes               the caller's items moved or shortened
 *   POST   /api/v1/homework/changes/{id}/read     the teacher read the reason
 *
 * The handlers parse, authorise, call the store and reply; no SQL is here. Every write is one
 * homework_<action>() of store.c (homework.h) that owns its transaction: the class-day lock(s)
 * first, the check, the item, its roll-ups and its audit row, then the commit; any refusal or
 * failure rolls back all of it and comes back as a verdict, answered by reply_verdict with its
 * words from messages.c. Publish, withdraw, feedback and adjust audit inside that transaction
 * through the hw_actor's hook (ROUTE_NO_AUDIT), so an answered write costs one durable commit.
 */
#include <stdio.h>
#include <string.h>

#include "core/messages.h"
#include "homework/homework_int.h"

#define HW_ITEM_MAX_MINUTES     240 /* one item longer than this is a typing error, not homework */
#define HW_FEEDBACK_MAX_MINUTES 600
#define HW_FUTURE_DAYS          366 /* publishing more than a year ahead is a typing error */

#define TEACHING_ROLES                                                                             \
    (ROLE_BIT(ROLE_TEACHER) | ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_SCHOOL_ADMIN))
/* who reads a school's figures: its admin and grade leaders, and the district; the web app's
 * menus follow these gates (GET /me lists the permission strings a user's roles pass) */
#define REPORT_ROLES                                                                               \
    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_SCHOOL_ADMIN) |      \
     ROLE_BIT(ROLE_GRADE_LEADER))

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

/* The audit row of a write, written by the store inside the write's transaction. */
static void audit_hook(void *ctx, const char *action, int64_t homework_id, const char *detail)
{
    req *r = ctx;
    r->audit_target = homework_id;
    audit_record(r, action, "homework", homework_id, detail);
}

static hw_actor actor(req *r)
{
    return (hw_actor){.user_id = r->user->id, .audit = audit_hook, .ctx = r};
}

/* A refusal of a write; a refusal by the minutes or the subjects also names the items that use
 * them ("items", [] for the other refusals of the caps). */
static void reply_refusal(req *r, const verdict *v, json_t *items)
{
    json_t *extra = NULL;
    if (v->rule && strncmp(v->rule, "HW-", 3) == 0 && verdict_get(v, "limit_minutes"))
        extra = json_pack("{s:o}", "items", items ? items : json_array());
    else
        json_decref(items);
    reply_verdict(r, v, extra);
}

/* The date may be set or changed: today or later, at most a year ahead; false after replying. */
static bool date_ahead_or_reply(req *r, const char *date)
{
    char today[11], far[11];
    today_local(today);
    date_add_days(today, HW_FUTURE_DAYS, far);
    if (strcmp(date, today) < 0) {
        reply_field(r, SJ_ERR_BAD_FIELD, "date", "homework.date_past");
        return false;
    }
    if (strcmp(date, far) > 0) {
        reply_field(r, SJ_ERR_BAD_FIELD, "date", "homework.date_far");
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
    /* kinds and targets the rules forbid are refused by the rule, visibly (HW-9, HW-6) */
    verdict v = homework_check_kind(r->pol, kind_s);
    if (verdict_is_ok(&v))
        v = homework_check_target(r->pol, target, parent_check);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
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
        reply_err_detail(r, SJ_ERR_BAD_FIELD,
                         json_pack("{s:s,s:o}", "field", "kind", "allowed", allowed));
        return;
    }
    hw_class cl;
    hw_period p;
    if (!hw_class_day_or_reply(r, class_id, date, &cl, &p))
        return;
    if (!auth_teaches(r, class_id, subject)) {
        v = verdict_err(SJ_ERR_FORBIDDEN, "homework.not_teaching");
        reply_verdict(r, &v, NULL);
        return;
    }
    if (!date_ahead_or_reply(r, date))
        return;
    hw_publish_in in = {.cl = &cl,
                        .p = &p,
                        .date = date,
                        .subject = subject,
                        .title = title,
                        .content = content,
                        .kind = (hw_kind)kind,
                        .tier = tier,
                        .minutes = (int)minutes};
    hw_actor by = actor(r);
    hw_published out;
    v = homework_publish(r->db, r->pol, &in, &by, &out);
    if (!verdict_is_ok(&v)) {
        reply_refusal(r, &v, out.items);
        return;
    }
    json_t *o =
        json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)out.id, "class_id",
                  (json_int_t)class_id, "date", date, "subject", subject, "title", title, "kind",
                  homework_kinds[kind], "tier", homework_tiers[tier], "minutes",
                  (json_int_t)minutes, "policy_version", policy_version(r->pol));
    json_object_set_new(o, "day", day_json(&p, out.written_after));
    reply_json(r, 201, o);
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
    hw_actor by = actor(r);
    verdict v = homework_withdraw(r->db, &it, &cl, &by);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_empty(r, 204);
}

/* ---------- reading items ---------- */

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
    json_t *o = hw_store_item_json(r->db, it.id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, o);
}

/* GET /api/v1/homework?class_id=C | mine=1 [&from&to&unmarked=1] */
static void h_item_list(req *r)
{
    int64_t class_id, mine, unmarked, limit, offset;
    char today[11], dfrom[11], dto[11], from[11], to[11];
    today_local(today);
    date_add_days(today, -7, dfrom);
    date_add_days(today, 7, dto);
    if (!req_query_int64_or_reply(r, "class_id", 0, &class_id) ||
        !req_query_int64_or_reply(r, "mine", 0, &mine) ||
        !req_query_int64_or_reply(r, "unmarked", 0, &unmarked) ||
        !hw_query_date_or_reply(r, "from", dfrom, from) ||
        !hw_query_date_or_reply(r, "to", dto, to) || !req_paging_or_reply(r, &limit, &offset))
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
    hw_items_q q = {.class_id = class_id,
                    .teacher_id = mine ? r->user->id : 0,
                    .unmarked = unmarked != 0,
                    .from = from,
                    .to = to};
    reply_page(r, hw_store_items(r->db, &q, limit, offset));
}

/* ---------- family feedback ---------- */

static void h_feedback(req *r)
{
    int64_t class_id = 0;
    hw_feedback_in in = {0};
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
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &in.student_id) ||
        !body_int_or_reply(r, "minutes_spent", 0, HW_FEEDBACK_MAX_MINUTES, true,
                           &in.minutes_spent) ||
        !body_bool_or_reply(r, "completed", true, &in.completed) ||
        !body_bool_or_reply(r, "bedtime", false, &in.bedtime))
        return;
    if (in.completed && in.bedtime) {
        reply_field(r, SJ_ERR_BAD_FIELD, "bedtime", "homework.bedtime_completed");
        return;
    }
    if (!auth_guardian_of(r, in.student_id)) {
        reply_field(r, SJ_ERR_FORBIDDEN, "student_id", "homework.not_guardian");
        return;
    }
    if (!hw_student_class_or_reply(r, in.student_id, &class_id))
        return;
    if (class_id != it.class_id) {
        reply_field(r, SJ_ERR_BAD_FIELD, "student_id", "homework.not_in_class");
        return;
    }
    char today[11];
    today_local(today);
    if (strcmp(it.date, today) > 0) {
        reply_field(r, SJ_ERR_BAD_FIELD, "homework_id", "homework.feedback_early");
        return;
    }
    if (!class_or_reply(r, it.class_id, &cl))
        return;
    hw_actor by = actor(r);
    bool updated = false;
    verdict v = homework_feedback(r->db, &it, &cl, &in, &by, &updated);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:I,s:b,s:b,s:i,s:b}", "homework_id", (json_int_t)it.id,
                         "student_id", (json_int_t)in.student_id, "minutes_spent",
                         (json_int_t)in.minutes_spent, "completed", in.completed, "bedtime",
                         in.bedtime, "estimated_minutes", it.minutes, "updated", updated));
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
        reply_field(r, SJ_ERR_BAD_FIELD, "date", "homework.mark_early");
        return;
    }
    verdict v = homework_mark(r->db, it.id, r->user->id, now_unix());
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = it.id;
    reply_empty(r, 204);
}

#define HW_MARKS_MAX 200 /* pupils in one request: a class is smaller */

/* POST /homework/{id}/marks {"student_ids":[...],"face":bool} | {"class_wide":true} */
static void h_marks(req *r)
{
    hw_item it;
    bool class_wide = false, face = false;
    if (!item_or_reply(r, r->params[0], &it))
        return;
    if (it.teacher_id != r->user->id && !auth_teaches(r, it.class_id, it.subject)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (!body_require_object_or_reply(r) ||
        !body_bool_or_reply(r, "class_wide", false, &class_wide) ||
        !body_bool_or_reply(r, "face", false, &face))
        return;
    char today[11];
    today_local(today);
    if (strcmp(it.date, today) > 0) {
        reply_field(r, SJ_ERR_BAD_FIELD, "date", "homework.mark_early");
        return;
    }
    json_t *arr = json_object_get(r->body, "student_ids");
    if (class_wide == (arr != NULL)) { /* one or the other */
        reply_err_field(r, class_wide ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "student_ids");
        return;
    }
    size_t n = 0;
    int64_t *ids = NULL;
    if (!class_wide) {
        if (!json_is_array(arr) || json_array_size(arr) == 0 ||
            json_array_size(arr) > HW_MARKS_MAX) {
            reply_err_field(r, SJ_ERR_BAD_FIELD, "student_ids");
            return;
        }
        ids = req_alloc(r, sizeof *ids * json_array_size(arr));
        size_t i;
        json_t *x;
        json_array_foreach(arr, i, x)
        {
            json_int_t id = json_is_integer(x) ? json_integer_value(x) : 0;
            if (id <= 0) {
                reply_err_field(r, SJ_ERR_BAD_FIELD, "student_ids");
                return;
            }
            ids[n++] = id;
        }
    }
    hw_marks m;
    hw_marks_in in = {.student_ids = ids, .n = n, .face = face, .class_wide = class_wide};
    verdict v = homework_mark_pupils(r->db, &it, &in, r->user->id, now_unix(), &m);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = it.id;
    reply_json(r, 200,
               json_pack("{s:I,s:I,s:I,s:b,s:b,s:s}", "homework_id", (json_int_t)it.id, "pupils",
                         (json_int_t)m.pupils, "marked_pupils", (json_int_t)m.marked_pupils,
                         "class_wide", m.class_wide, "complete", m.complete, "rule", "HW-8"));
}

/* The unmarked lists' window: items dated at least `days` (HW-8.unmarked_after_days unless
 * given) before today, looking back 400 days. false after replying. */
static bool unmarked_window_or_reply(req *r, int64_t school_id, int64_t *days, char until[11],
                                     char since[11])
{
    if (!auth_school_staff_or_reply(r, school_id))
        return false;
    if (!school_leader(r->user, school_id, 0) && !auth_district_staff(r->user)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    if (!req_query_int64_or_reply(r, "days", policy_v(r->pol)->hw8_unmarked_after_days, days))
        return false;
    if (*days < 0 || *days > 365) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "days");
        return false;
    }
    char today[11];
    today_local(today);
    date_add_days(today, -*days, until);
    date_add_days(today, -400, since);
    return true;
}

/* GET /schools/{id}/homework/unmarked/teachers?days=N: HW-8 flagged per teacher */
static void h_unmarked_teachers(req *r)
{
    int64_t school_id = r->params[0], days, limit, offset;
    char until[11], since[11];
    if (!unmarked_window_or_reply(r, school_id, &days, until, since) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    json_t *o = hw_store_unmarked_teachers(r->db, school_id, since, until, limit, offset);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_object_set_new(o, "days", json_integer(days));
    json_object_set_new(o, "dated_on_or_before", json_string(until));
    json_object_set_new(o, "rule", json_string("HW-8"));
    reply_json(r, 200, o);
}

/* GET /homework/bedtime?date=D: HW-10, the caller's items of the day before D (today by
 * default) that families stopped at bedtime, with a prompt to adjust D's homework */
static void h_bedtime(req *r)
{
    int64_t limit, offset;
    char today[11], date[11], before[11];
    today_local(today);
    if (!hw_query_date_or_reply(r, "date", today, date) || !req_paging_or_reply(r, &limit, &offset))
        return;
    date_add_days(date, -1, before);
    json_t *o = hw_store_bedtime(r->db, r->user->id, before, limit, offset);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    int64_t total = json_integer_value(json_object_get(o, "total"));
    json_object_set_new(o, "date", json_string(date));
    json_object_set_new(o, "homework_date", json_string(before));
    json_object_set_new(o, "rule", json_string("HW-10"));
    if (total > 0) {
        verdict v = verdict_ok(); /* only a holder of the prompt's numbers */
        verdict_num(&v, "count", total);
        verdict_str(&v, "date", before);
        char text[512];
        msg_format("HW-10.prompt", r->english, v.args, v.nargs, text, sizeof text);
        json_object_set_new(o, "prompt", json_string(text));
    } else {
        json_object_set_new(o, "prompt", json_null());
    }
    reply_json(r, 200, o);
}

/* GET /schools/{id}/homework/relabelled?from&to: HW-5, class-days whose reported time passes
 * the written estimate by more than HW-5.relabel_excess_minutes */
static void h_relabel(req *r)
{
    int64_t school_id = r->params[0], limit, offset;
    int64_t excess = policy_v(r->pol)->hw5_relabel_excess_minutes;
    char today[11], dfrom[11], from[11], to[11];
    today_local(today);
    date_add_days(today, -30, dfrom);
    if (!auth_school_staff_or_reply(r, school_id))
        return;
    if (!school_leader(r->user, school_id, 0) && !auth_district_staff(r->user)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (!hw_query_date_or_reply(r, "from", dfrom, from) ||
        !hw_query_date_or_reply(r, "to", today, to) || !req_paging_or_reply(r, &limit, &offset))
        return;
    if (strcmp(from, to) > 0 || date_days(to) - date_days(from) > 400) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "to");
        return;
    }
    json_t *o = hw_store_relabel(r->db, school_id, from, to, excess, limit, offset);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_object_set_new(o, "from", json_string(from));
    json_object_set_new(o, "to", json_string(to));
    json_object_set_new(o, "excess_minutes", json_integer(excess));
    json_object_set_new(o, "rule", json_string("HW-5"));
    reply_json(r, 200, o);
}

static void h_unmarked(req *r)
{
    int64_t school_id = r->params[0], days, limit, offset;
    int64_t dflt = policy_v(r->pol)->hw8_unmarked_after_days;
    if (!auth_school_staff_or_reply(r, school_id))
        return;
    if (!school_leader(r->user, school_id, 0) && !auth_district_staff(r->user)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (!req_query_int64_or_reply(r, "days", dflt, &days) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    if (days < 0 || days > 365) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "days");
        return;
    }
    char today[11], until[11], since[11];
    today_local(today);
    date_add_days(today, -days, until);
    date_add_days(today, -400, since);
    json_t *o = hw_store_unmarked(r->db, school_id, since, until, limit, offset);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
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
    json_t *days = json_array();
    int limits[7];
    char dates[7][11];
    for (int i = 0; i < 7; i++) {
        hw_period p;
        date_add_days(monday, i, dates[i]);
        int rc = hw_store_period(r->db, r->pol, r->user->district_id, (int)grade, dates[i], &p);
        if (rc != DB_ROW) {
            json_decref(days);
            reply_db(r, rc);
            return;
        }
        limits[i] = p.day == DAY_VACATION ? -1 : p.cap.limit_minutes;
        json_array_append_new(days,
                              json_pack("{s:s,s:i,s:s,s:i,s:s,s:b}", "date", dates[i], "weekday",
                                        i + 1, "day_kind", homework_day_kinds[p.day],
                                        "limit_minutes", p.cap.limit_minutes, "rule", p.cap.rule,
                                        "written_allowed", p.cap.allowed));
    }
    json_t *classes = hw_store_matrix(r->db, school_id, (int)grade, dates, limits);
    if (!classes) {
        json_decref(days);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:I,s:I,s:s,s:s,s:o,s:o}", "school_id", (json_int_t)school_id, "grade",
                         (json_int_t)grade, "from", monday, "to", dates[6], "days", days, "classes",
                         classes));
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
        reply_field(r, SJ_ERR_MISSING_FIELD, "date", "homework.adjust_nothing");
        return;
    }
    if (!not_past_or_reply(r, it.date))
        return;
    if (!new_date)
        new_date = req_strdup(r, it.date);
    if (!new_minutes)
        new_minutes = it.minutes;
    if (new_minutes > it.minutes) {
        reply_field(r, SJ_ERR_BAD_FIELD, "minutes", "homework.adjust_longer");
        return;
    }
    if (strcmp(new_date, it.date) != 0 && !date_ahead_or_reply(r, new_date))
        return;
    hw_period p;
    int rc = hw_store_period(r->db, r->pol, cl.district_id, cl.grade, new_date, &p);
    if (rc != DB_ROW) {
        reply_db(r, rc);
        return;
    }
    hw_actor by = actor(r);
    hw_adjusted out;
    verdict v =
        homework_adjust(r->db, r->pol, &it, &cl, &p, new_date, (int)new_minutes, reason, &by, &out);
    if (!verdict_is_ok(&v)) {
        reply_refusal(r, &v, out.items);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:I,s:I,s:s,s:s,s:I,s:I,s:s,s:o}", "id", (json_int_t)it.id, "change_id",
                         (json_int_t)out.change_id, "from_date", it.date, "date", new_date,
                         "from_minutes", (json_int_t)it.minutes, "minutes", (json_int_t)new_minutes,
                         "reason", reason, "day", day_json(&p, out.written_after)));
}

static void h_changes(req *r)
{
    int64_t unread, limit, offset;
    if (!req_query_int64_or_reply(r, "unread", 0, &unread) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, hw_store_changes(r->db, r->user->id, unread != 0, limit, offset));
}

static void h_change_read(req *r)
{
    verdict v = homework_change_read(r->db, r->params[0], r->user->id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_empty(r, 204);
}

/* ---------- routes ---------- */

static const route routes[] = {
    {"POST", "/api/v1/homework", h_publish, "homework:publish", TEACHING_ROLES, ROUTE_NO_AUDIT},
    {"GET", "/api/v1/homework", h_item_list, PERM_USER, 0, 0},
    {"GET", "/api/v1/homework/changes", h_changes, "homework:publish", TEACHING_ROLES, 0},
    {"GET", "/api/v1/homework/bedtime", h_bedtime, "homework:publish", TEACHING_ROLES, 0},
    {"POST", "/api/v1/homework/changes/{id}/read", h_change_read, "homework:publish",
     TEACHING_ROLES, 0},
    {"GET", "/api/v1/homework/{id}", h_item_get, PERM_USER, 0, 0},
    {"DELETE", "/api/v1/homework/{id}", h_withdraw, "homework:publish", TEACHING_ROLES,
     ROUTE_NO_AUDIT},
    {"POST", "/api/v1/homework/{id}/feedback", h_feedback, "homework:feedback",
     ROLE_BIT(ROLE_GUARDIAN), ROUTE_NO_AUDIT},
    {"POST", "/api/v1/homework/{id}/mark", h_mark, "homework:mark", TEACHING_ROLES, 0},
    {"POST", "/api/v1/homework/{id}/marks", h_marks, "homework:mark", TEACHING_ROLES, 0},
    {"POST", "/api/v1/homework/{id}/adjust", h_adjust, "homework:adjust",
     ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_SCHOOL_ADMIN) | ROLE_BIT(ROLE_DISTRICT_ADMIN),
     ROUTE_NO_AUDIT},
    {"GET", "/api/v1/classes/{id}/homework", homework_h_get_board, PERM_USER, 0, 0},
    {"GET", "/api/v1/classes/{id}/homework/print", homework_h_get_board_print, PERM_USER, 0, 0},
    {"GET", "/api/v1/students/{id}/homework", homework_h_get_student_board, PERM_USER, 0, 0},
    {"GET", "/api/v1/schools/{id}/homework/matrix", h_matrix, "homework:grade", REPORT_ROLES, 0},
    {"GET", "/api/v1/schools/{id}/homework/unmarked/teachers", h_unmarked_teachers,
     "homework:report", REPORT_ROLES, 0},
    {"GET", "/api/v1/schools/{id}/homework/relabelled", h_relabel, "homework:report", REPORT_ROLES,
     0},
    {"GET", "/api/v1/schools/{id}/homework/unmarked", h_unmarked, "homework:report", REPORT_ROLES,
     0},
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
