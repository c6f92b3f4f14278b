/*
 * api.c: the after-school service's HTTP handlers for programs, the district's vetted
 * providers, enrolment with wait lists, ranked choices and their allocation, and the roll;
 * and the module's route table (afterschool_routes). Bills, waivers and reports are in
 * api_money.c; duty, time bank, leave and the A/B roster in api_staff.c.
 *
 * Refusals: bad input is 400 naming the field; a rule is 422 with `rule` and its numbers
 * (AS-2 end/off_work/date/season, AS-4 provider, AS-6 fee_per_hour_fen/cap_fen); scope is 403.
 * Nothing is stored when a request is refused.
 *
 * Concurrency (DESIGN.md "writes that check a limit"): an enrolment locks the pupil
 * (DB_LOCK_STUDENT: two enrolments of one pupil cannot both miss a clash) and then the program
 * (DB_LOCK_PROGRAM: the count of seats and the insert are one step); every writer that moves
 * seats of a program (enrol, cancel with promotion, allocation, roll) takes that program's
 * lock, pupils before programs, programs in id order, so no two writers wait on each other in
 * a circle. The wait list is the program's waitlisted rows in id order.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afterschool_int.h"
#include "core/ident.h"

static const char *const kinds[] = {"care", "course", NULL};
static const char *const providers[] = {"school", "third_party", NULL};

/* ---------- helpers ---------- */

/* body.weekdays: a non-empty array of distinct integers 1..5. */
static bool weekdays_or_reply(req *r, unsigned *mask)
{
    json_t *arr = json_object_get(r->body, "weekdays");
    *mask = 0;
    if (!arr || json_is_null(arr)) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "weekdays");
        return false;
    }
    bool ok = json_is_array(arr) && json_array_size(arr) >= 1 && json_array_size(arr) <= 5;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        json_int_t d = json_is_integer(v) ? json_integer_value(v) : 0;
        if (!ok || d < 1 || d > 5 || (*mask & (1u << d))) {
            ok = false;
            break;
        }
        *mask |= 1u << d;
    }
    if (!ok) {
        as_bad_field(r, "weekdays", "课后服务在周一至周五开展:weekdays 取 1-5,不能重复",
                     "After-school service runs Monday to Friday: weekdays are 1-5, each once");
        return false;
    }
    return true;
}

/* body[key]: an array of 1..max distinct positive ids. OUT: ids (request memory), *n. */
static bool ids_or_reply(req *r, const char *key, size_t max, bool allow_empty, int64_t **ids,
                         size_t *n)
{
    json_t *arr = json_object_get(r->body, key);
    *n = 0;
    *ids = NULL;
    if (!arr || json_is_null(arr)) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, key);
        return false;
    }
    if (!json_is_array(arr) || json_array_size(arr) > max ||
        (!allow_empty && json_array_size(arr) == 0)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, key);
        return false;
    }
    *ids = req_alloc(r, sizeof **ids * (json_array_size(arr) + 1));
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        json_int_t id = json_is_integer(v) ? json_integer_value(v) : 0;
        bool dup = false;
        for (size_t k = 0; k < *n; k++)
            dup |= (*ids)[k] == id;
        if (id <= 0 || dup) {
            json_t *extra = json_pack("{s:s,s:I}", "field", key, "index", (json_int_t)i);
            reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
            return false;
        }
        (*ids)[(*n)++] = id;
    }
    return true;
}

static bool guardian_at_school(req *r, int64_t school_id)
{
    int64_t one = 0;
    return db_query_int64(r->db, &one,
                          "SELECT 1 FROM guardianships g JOIN students s ON s.id = g.student_id"
                          " WHERE g.user_id = $1 AND s.school_id = $2", r->user->id, school_id) == DB_ROW;
}

/* The school's staff or a family with a pupil there (the fee table is public to them). */
static bool school_reader_or_reply(req *r, int64_t school_id)
{
    if (!auth_school_exists_or_reply(r, school_id))
        return false;
    if (!auth_school_staff(r->user, school_id) && !guardian_at_school(r, school_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}

static void fail_tx(req *r, int rc)
{
    db_rollback(r->db);
    reply_db(r, rc);
}

/* ---------- programs ---------- */

/* AS-4: the provider of a third-party program. false after replying. */
static bool vendor_ok_or_reply(req *r, int64_t vendor_id, int64_t institution_id,
                               const char *first, const char *last, int64_t fee,
                               int64_t *vendor_out)
{
    db_stmt *s = vendor_id
                     ? db_query(r->db,
                                "SELECT id, status, vetted_from, vetted_to, fee_per_hour_fen, name"
                                " FROM afterschool_vendors WHERE id = $1 AND district_id = $2", vendor_id, r->user->district_id)
                     : db_query(r->db,
                                "SELECT id, status, vetted_from, vetted_to, fee_per_hour_fen, name"
                                " FROM afterschool_vendors WHERE institution_id = $1"
                                " AND district_id = $2"
                                " ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, id DESC"
                                " LIMIT 1", institution_id, r->user->district_id);
    if (!s) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    as_vendor v = {0};
    char name[256] = "";
    int rc = db_step(s);
    if (rc == DB_ROW) {
        v.found = true;
        *vendor_out = db_col_int64(s, 0);
        v.active = strcmp(db_col_text(s, 1), "active") == 0;
        snprintf(v.vetted_from, sizeof v.vetted_from, "%s", db_col_text(s, 2));
        snprintf(v.vetted_to, sizeof v.vetted_to, "%s", db_col_text(s, 3));
        v.fee_per_hour_fen = db_col_int64(s, 4);
        snprintf(name, sizeof name, "%s", db_col_text(s, 5));
    }
    db_finalize(s);
    if (rc != DB_ROW && rc != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    as_vendor_verdict vv = afterschool_vendor_check(&v, first, last, fee);
    if (vv == AS_VENDOR_OK)
        return true;
    json_t *extra = json_object();
    if (vendor_id)
        json_object_set_new(extra, "vendor_id", json_integer(vendor_id));
    if (institution_id)
        json_object_set_new(extra, "institution_id", json_integer(institution_id));
    switch (vv) {
    case AS_VENDOR_FEE_OVER:
        json_object_set_new(extra, "fee_per_hour_fen", json_integer(fee));
        json_object_set_new(extra, "standard_fen", json_integer(v.fee_per_hour_fen));
        reply_rule(r, "fee_over_vendor_standard", "AS-4",
                   "收费超过区里核定的该机构收费标准", "The fee is above the provider's approved standard",
                   extra);
        return false;
    case AS_VENDOR_OUT_OF_PERIOD:
        json_object_set_new(extra, "vetted_from", json_string(v.vetted_from));
        json_object_set_new(extra, "vetted_to", json_string(v.vetted_to));
        json_object_set_new(extra, "reason", json_string("out_of_period"));
        reply_rule(r, "provider_not_vetted", "AS-4", "项目日期超出该机构的遴选有效期",
                   "The program's days are outside the provider's vetted period", extra);
        return false;
    case AS_VENDOR_EXITED:
        json_object_set_new(extra, "reason", json_string("exited"));
        reply_rule(r, "provider_not_vetted", "AS-4", "该机构已退出区遴选名单",
                   "The provider has left the district's vetted list", extra);
        return false;
    default:
        json_object_set_new(extra, "reason", json_string("not_listed"));
        reply_rule(r, "provider_not_vetted", "AS-4", "第三方机构不在区教育局遴选名单中",
                   "The third party is not on the district's vetted list", extra);
        return false;
    }
}

void afterschool_h_create_program(req *r)
{
    int64_t school_id, capacity, fee, institution_id = 0, vendor_id = 0, staff_a = 0,
                                      staff_b = 0;
    const char *term, *name, *start, *end, *first, *last, *category, *place;
    int kind, provider;
    unsigned mask;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, true, &school_id) ||
        !body_str_or_reply(r, "term", 11, true, &term) ||
        !body_str_or_reply(r, "name", 50, true, &name) ||
        !body_enum_or_reply(r, "kind", kinds, true, &kind) ||
        !body_enum_or_reply(r, "provider", providers, true, &provider) ||
        !body_int_or_reply(r, "institution_id", 1, INT64_MAX, false, &institution_id) ||
        !body_int_or_reply(r, "vendor_id", 1, INT64_MAX, false, &vendor_id) ||
        !body_int_or_reply(r, "capacity", 1, 5000, true, &capacity) ||
        !weekdays_or_reply(r, &mask) || !body_time_or_reply(r, "start", true, &start) ||
        !body_time_or_reply(r, "end", true, &end) ||
        !body_int_or_reply(r, "fee_per_hour_fen", 0, 100000, true, &fee) ||
        !body_date_or_reply(r, "first_day", true, &first) ||
        !body_date_or_reply(r, "last_day", true, &last) ||
        !body_str_or_reply(r, "category", 20, false, &category) ||
        !body_str_or_reply(r, "place", 50, false, &place) ||
        !body_int_or_reply(r, "staff_a", 1, INT64_MAX, false, &staff_a) ||
        !body_int_or_reply(r, "staff_b", 1, INT64_MAX, false, &staff_b))
        return;
    if (!term_valid(term)) {
        as_bad_field(r, "term", "学期格式为 YYYY-autumn 或 YYYY-spring",
                     "A term is YYYY-autumn or YYYY-spring");
        return;
    }
    int start_min = hhmm_minutes(start), end_min = hhmm_minutes(end);
    if (start_min >= end_min) {
        as_bad_field(r, "end", "结束时间必须晚于开始时间", "The end must come after the start");
        return;
    }
    if (strcmp(first, last) > 0) {
        as_bad_field(r, "last_day", "结束日期不能早于开始日期",
                     "The last day cannot come before the first day");
        return;
    }
    if (provider == 0 && (institution_id || vendor_id)) {
        as_bad_field(r, "institution_id", "学校自办项目不填第三方机构",
                     "A program the school runs itself has no third party");
        return;
    }
    if (provider == 1 && !institution_id && !vendor_id) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "institution_id");
        return;
    }
    if (staff_a && staff_a == staff_b) {
        as_bad_field(r, "staff_b", "B 岗须是另一位老师", "The B post needs another teacher");
        return;
    }
    if (!auth_school_admin_or_reply(r, school_id))
        return;
    char tfirst[AS_DATE_LEN], tlast[AS_DATE_LEN];
    if (calendar_term_bounds(r->db, r->user->district_id, term, tfirst, tlast) != DB_ROW) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    if (strcmp(first, tfirst) < 0 || strcmp(last, tlast) > 0) {
        json_t *extra = json_pack("{s:s,s:s,s:s,s:s}", "field",
                                  strcmp(first, tfirst) < 0 ? "first_day" : "last_day",
                                  "term_first_day", tfirst, "term_last_day", tlast, "message",
                                  r->english ? "The program's days must lie inside the term"
                                             : "项目日期必须在本学期之内");
        reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
        return;
    }
    for (int k = 0; k < 2; k++) {
        int64_t uid = k ? staff_b : staff_a;
        if (uid && !as_user_is_staff_of(r->db, uid, school_id)) {
            as_bad_field(r, k ? "staff_b" : "staff_a", "该用户不是本校教师",
                         "This user is not a teacher of this school");
            return;
        }
    }
    int64_t rural = 0;
    if (db_query_int64(r->db, &rural, "SELECT rural FROM schools WHERE id = $1",
                       school_id) != DB_ROW) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    /* AS-4: an outside provider must be on the district's vetted list */
    int64_t vendor = 0;
    if (provider == 1 &&
        !vendor_ok_or_reply(r, vendor_id, institution_id, first, last, fee, &vendor))
        return;
    /* AS-6: the fee cap per pupil-hour */
    int64_t cap = afterschool_fee_cap(r->pol, kind ? AS_COURSE : AS_CARE, rural != 0);
    if (fee > cap) {
        json_t *extra = json_pack("{s:I,s:I,s:s,s:b}", "fee_per_hour_fen", (json_int_t)fee,
                                  "cap_fen", (json_int_t)cap, "kind", kinds[kind], "rural",
                                  rural != 0);
        reply_rule(r, "fee_over_cap", "AS-6", "收费超过每生每小时收费上限",
                   "The fee is above the cap per pupil-hour", extra);
        return;
    }
    /* AS-2: every session ends no earlier than the off-work time of its season */
    as_day *days = req_alloc(r, sizeof *days * AS_MAX_DAYS);
    char(*sessions)[AS_DATE_LEN] = req_alloc(r, sizeof *sessions * AS_MAX_DAYS);
    size_t nd = 0;
    if (as_school_days(r->db, r->user->district_id, first, last, days, AS_MAX_DAYS, &nd) !=
        DB_OK) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    as_program probe = {.weekdays = mask, .start_min = start_min, .end_min = end_min};
    snprintf(probe.first_day, sizeof probe.first_day, "%s", first);
    snprintf(probe.last_day, sizeof probe.last_day, "%s", last);
    size_t ns = as_sessions(&probe, days, nd, sessions, AS_MAX_DAYS);
    if (ns == 0) {
        as_bad_field(r, "first_day", "这些日期中没有一天是上课日,项目不会开展",
                     "None of these days is a school day on the program's weekdays");
        return;
    }
    as_off_work_fail f;
    if (!afterschool_check_off_work(r->pol, sessions, ns, end_min, &f)) {
        char off[16];
        snprintf(off, sizeof off, "%02d:%02d", (f.off_work / 60) % 24, f.off_work % 60);
        json_t *extra = json_pack("{s:s,s:s,s:s,s:s}", "end", end, "off_work", off, "date",
                                  f.date, "season", f.summer ? "summer" : "winter");
        reply_rule(r, "ends_before_off_work", "AS-2",
                   req_printf(r, "%s 的课后服务 %s 结束,早于当地%s下班时间 %s", f.date, end,
                              f.summer ? "夏季" : "冬季", off),
                   req_printf(r, "On %s the service ends at %s, before the %s off-work time %s",
                              f.date, end, f.summer ? "summer" : "winter", off),
                   extra);
        return;
    }
    int64_t id = 0;
    int rc = db_insert_id(
        r->db, &id,
        "INSERT INTO afterschool_programs (district_id, school_id, term, name, kind, category,"
        " provider, vendor_id, institution_id, capacity, weekdays, start_time, end_time,"
        " start_min, end_min, fee_per_hour_fen, first_day, last_day, place, staff_a, staff_b,"
        " policy_version, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,"
        "$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24) RETURNING id", r->user->district_id, school_id, term, name, kinds[kind],
        category, providers[provider], db_id_or_null(vendor), db_id_or_null(institution_id), capacity, (int64_t)mask, start,
        end, (int64_t)start_min, (int64_t)end_min, fee, first, last, place, db_id_or_null(staff_a), db_id_or_null(staff_b),
        policy_version(r->pol), now_unix(), r->user->id);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    as_program_row p;
    if (as_program_load(r->db, id, &p) != DB_ROW) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = as_program_json(&p);
    json_object_set_new(o, "sessions", json_integer((json_int_t)ns));
    json_object_set_new(o, "fee_cap_fen", json_integer(cap));
    json_object_set_new(o, "policy_version", json_string(policy_version(r->pol)));
    reply_json(r, 201, o);
}

/* Counts and names a list shows beside each program. */
#define PROGRAM_LIST_EXTRA                                                                      \
    ", (SELECT COUNT(*) FROM afterschool_enrolments e WHERE e.program_id = p.id"             \
    " AND e.status = 'enrolled'), (SELECT COUNT(*) FROM afterschool_enrolments e"             \
    " WHERE e.program_id = p.id AND e.status = 'waitlisted'),"                               \
    " (SELECT v.name FROM afterschool_vendors v WHERE v.id = p.vendor_id),"                  \
    " (SELECT u.name FROM users u WHERE u.id = p.staff_a),"                                  \
    " (SELECT u.name FROM users u WHERE u.id = p.staff_b)"

static json_t *program_list_row(db_stmt *s)
{
    as_program_row p;
    as_program_read(s, &p);
    json_t *o = as_program_json(&p);
    int c = AS_PROGRAM_NCOLS;
    json_object_set_new(o, "enrolled", json_integer(db_col_int64(s, c)));
    json_object_set_new(o, "waitlisted", json_integer(db_col_int64(s, c + 1)));
    json_object_set_new(o, "seats_left",
                        json_integer(p.capacity > db_col_int64(s, c) ? p.capacity - db_col_int64(s, c) : 0));
    for (int k = 0; k < 3; k++) {
        static const char *const keys[] = {"vendor_name", "staff_a_name", "staff_b_name"};
        json_object_set_new(o, keys[k], db_col_isnull(s, c + 2 + k)
                                            ? json_null()
                                            : json_string(db_col_text(s, c + 2 + k)));
    }
    return o;
}

void afterschool_h_list_programs(req *r)
{
    int64_t school_id, limit, offset, total = 0, mine;
    const char *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id) ||
        !req_query_int64_or_reply(r, "mine", 0, &mine) || !req_paging_or_reply(r, &limit, &offset))
        return;
    if (school_id <= 0) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "school_id");
        return;
    }
    if (term && !term_valid(term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    if (!school_reader_or_reply(r, school_id))
        return;
    const char *where = " WHERE p.school_id = $1 AND ($2 = '' OR p.term = $2)"
                        " AND ($3 = 0 OR p.staff_a = $3 OR p.staff_b = $3)";
    int64_t me = mine ? r->user->id : 0;
    db_stmt *s = db_query(r->db,
                          req_printf(r, "SELECT " AS_PROGRAM_FIELDS PROGRAM_LIST_EXTRA
                                        AS_PROGRAM_FROM "%s ORDER BY p.kind, p.start_min, p.id"
                                        " LIMIT $4 OFFSET $5", where), school_id, term ? term : "", me, limit, offset);
    json_t *items = s ? json_array() : NULL;
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW)
        json_array_append_new(items, program_list_row(s));
    db_finalize(s);
    if (rc != DB_DONE ||
        db_query_int64(r->db, &total,
                       req_printf(r, "SELECT COUNT(*)" AS_PROGRAM_FROM "%s", where),
                       school_id, term ? term : "", me) != DB_ROW) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, list_json(items, total));
}

void afterschool_h_get_program(req *r)
{
    int64_t id = r->params[0];
    db_stmt *s = db_query(r->db,
                          "SELECT " AS_PROGRAM_FIELDS PROGRAM_LIST_EXTRA AS_PROGRAM_FROM
                          " WHERE p.id = $1", id);
    int rc = s ? db_step(s) : DB_ERROR;
    json_t *o = rc == DB_ROW ? program_list_row(s) : NULL;
    db_finalize(s);
    if (!o) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!school_reader_or_reply(r, json_integer_value(json_object_get(o, "school_id")))) {
        json_decref(o);
        return;
    }
    reply_json(r, 200, o);
}

void afterschool_h_close_program(req *r)
{
    as_program_row p;
    if (!as_program_load_or_reply(r, r->params[0], &p) ||
        !auth_school_admin_or_reply(r, p.school_id))
        return;
    int rc = db_run(r->db, "UPDATE afterschool_programs SET status = 'closed' WHERE id = $1",
                    p.p.id);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    p.open = false;
    reply_json(r, 200, as_program_json(&p));
}

/* AS-1: does the school's offer cover five days with two hours? */
void afterschool_h_get_coverage(req *r)
{
    int64_t school_id;
    const char *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id))
        return;
    if (!term || !term_valid(term)) {
        reply_err_field(r, term ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "term");
        return;
    }
    if (!auth_school_staff_or_reply(r, school_id))
        return;
    db_stmt *s = db_query(r->db,
                          "SELECT " AS_PROGRAM_FIELDS AS_PROGRAM_FROM
                          " WHERE p.school_id = $1 AND p.term = $2 AND p.status = 'open'"
                          " ORDER BY p.id LIMIT 500", school_id, term);
    as_program *progs = req_alloc(r, sizeof *progs * 500);
    size_t n = 0;
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        as_program_row row;
        as_program_read(s, &row);
        progs[n++] = row.p;
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    as_coverage c;
    afterschool_coverage(r->pol, progs, n, &c);
    json_t *days = json_array();
    for (int d = 1; d <= 5; d++)
        json_array_append_new(days, json_pack("{s:i,s:i,s:b}", "weekday", d, "minutes",
                                              c.minutes[d], "ok", c.day_ok[d]));
    reply_json(r, 200,
               json_pack("{s:s,s:I,s:s,s:b,s:i,s:i,s:i,s:I,s:o}", "rule", "AS-1", "school_id",
                         (json_int_t)school_id, "term", term, "ok", c.ok, "days_required",
                         c.days_required, "min_minutes", c.min_minutes, "days_ok", c.days_ok,
                         "programs", (json_int_t)n, "days", days));
}

/* ---------- the district's vetted providers (遴选名单) ---------- */

void afterschool_h_create_vendor(req *r)
{
    const char *name, *code, *from, *to;
    int64_t fee, institution_id = 0;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "name", 100, true, &name) ||
        !body_str_or_reply(r, "credit_code", 18, true, &code) ||
        !body_int_or_reply(r, "institution_id", 1, INT64_MAX, false, &institution_id) ||
        !body_int_or_reply(r, "fee_per_hour_fen", 0, 100000, true, &fee) ||
        !body_date_or_reply(r, "vetted_from", true, &from) ||
        !body_date_or_reply(r, "vetted_to", true, &to))
        return;
    char norm[19];
    if (!ident_uscc_valid(code, norm)) {
        as_bad_field(r, "credit_code", "统一社会信用代码无效(GB 32100 校验位不符)",
                     "The unified social credit code is invalid (GB 32100 check)");
        return;
    }
    if (strcmp(from, to) > 0) {
        as_bad_field(r, "vetted_to", "有效期结束不能早于开始", "The period ends before it starts");
        return;
    }
    json_t *items = json_object_get(r->body, "service_items");
    bool ok = json_is_array(items) && json_array_size(items) >= 1 && json_array_size(items) <= 20;
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v) {
        ok = ok && json_is_string(v) && json_string_length(v) >= 1 && json_string_length(v) <= 90;
    }
    if (!ok) {
        as_bad_field(r, "service_items", "服务项目为 1-20 个名称", "Service items: 1 to 20 names");
        return;
    }
    char *items_text = json_dumps(items, JSON_COMPACT);
    int64_t id = 0;
    int rc = db_insert_id(r->db, &id,
                          "INSERT INTO afterschool_vendors (district_id, name, credit_code,"
                          " institution_id, service_items, fee_per_hour_fen, vetted_from,"
                          " vetted_to, created_at, created_by)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id", r->user->district_id, name, norm, db_id_or_null(institution_id),
                          items_text, fee, from, to, now_unix(), r->user->id);
    free(items_text);
    if (rc == DB_CONSTRAINT) {
        reply_err_field(r, SJ_ERR_CONFLICT, "credit_code");
        return;
    }
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    json_t *o = json_pack("{s:I,s:s,s:s,s:O,s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "name",
                          name, "credit_code", norm, "service_items", items, "fee_per_hour_fen",
                          (json_int_t)fee, "vetted_from", from, "vetted_to", to, "status",
                          "active");
    json_object_set_new(o, "institution_id",
                        institution_id ? json_integer(institution_id) : json_null());
    reply_json(r, 201, o);
}

void afterschool_h_list_vendors(req *r)
{
    const char *status = req_query(r, "status");
    if (status && strcmp(status, "active") != 0 && strcmp(status, "exited") != 0) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "status");
        return;
    }
    int64_t limit, offset, total = 0;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    const char *st = status ? status : "";
    db_stmt *s = db_query(r->db,
                          "SELECT id, name, credit_code, institution_id, service_items,"
                          " fee_per_hour_fen, vetted_from, vetted_to, status, exited_on, exit_reason"
                          " FROM afterschool_vendors WHERE district_id = $1"
                          " AND ($2 = '' OR status = $2) ORDER BY status, name, id"
                          " LIMIT $3 OFFSET $4", r->user->district_id, st, limit, offset);
    json_t *rows = db_rows_json(s, "id:i,name:s,credit_code:s,institution_id:I,service_items:s,"
                                   "fee_per_hour_fen:i,vetted_from:s,vetted_to:s,status:s,"
                                   "exited_on:S,exit_reason:S");
    if (!rows || db_query_int64(r->db, &total,
                                "SELECT COUNT(*) FROM afterschool_vendors WHERE district_id = $1"
                                " AND ($2 = '' OR status = $2)", r->user->district_id, st) != DB_ROW) {
        json_decref(rows);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        json_t *items = json_loads(json_string_value(json_object_get(o, "service_items")), 0, NULL);
        json_object_set_new(o, "service_items", items ? items : json_array());
    }
    reply_json(r, 200, list_json(rows, total));
}

void afterschool_h_exit_vendor(req *r)
{
    int64_t id = r->params[0];
    const char *date, *reason;
    int64_t one = 0;
    int rc = db_query_int64(r->db, &one,
                            "SELECT 1 FROM afterschool_vendors WHERE id = $1 AND district_id = $2", id, r->user->district_id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &date) ||
        !body_str_or_reply(r, "reason", 200, true, &reason))
        return;
    rc = db_run(r->db,
                "UPDATE afterschool_vendors SET status = 'exited', exited_on = $2, exit_reason = $3"
                " WHERE id = $1", id, date, reason);
    int64_t programs = 0;
    if (rc == DB_DONE)
        rc = db_query_int64(r->db, &programs,
                            "SELECT COUNT(*) FROM afterschool_programs WHERE vendor_id = $1"
                            " AND status = 'open' AND last_day >= $2", id, date) == DB_ROW
                 ? DB_DONE
                 : DB_ERROR;
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:I,s:s,s:s,s:s,s:I}", "id", (json_int_t)id, "status",
                                 "exited", "exited_on", date, "exit_reason", reason,
                                 "open_programs_affected", (json_int_t)programs));
}

/* ---------- enrolment ---------- */

/* Another program of the pupil that clashes with p (AS-7 lets care and a course overlap).
 * OUT: *clash_id, name. DB_DONE when none, DB_ROW when one, or an error. */
static int find_clash(req *r, int64_t student_id, const as_program_row *p, int64_t *clash_id,
                      char *name, size_t namelen)
{
    db_stmt *s = db_query(r->db,
                          "SELECT " AS_PROGRAM_FIELDS AS_PROGRAM_FROM
                          " JOIN afterschool_enrolments e ON e.program_id = p.id"
                          " WHERE e.student_id = $1 AND e.status IN ('enrolled', 'waitlisted')"
                          " AND p.term = $2 AND p.id <> $3", student_id, p->term, p->p.id);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        as_program_row other;
        as_program_read(s, &other);
        if (afterschool_clash(&p->p, &other.p)) {
            *clash_id = other.p.id;
            snprintf(name, namelen, "%s", other.name);
            break;
        }
    }
    db_finalize(s);
    return rc;
}

void afterschool_h_create_enrolment(req *r)
{
    int64_t program_id, student_id, school_id = 0;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "program_id", 1, INT64_MAX, true, &program_id) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &student_id))
        return;
    as_program_row p;
    if (!as_program_load_or_reply(r, program_id, &p) ||
        !as_student_place_or_reply(r, student_id, &school_id))
        return;
    /* AS-3: voluntary; only the family applies */
    if (!auth_guardian_of(r, student_id)) {
        json_t *extra = json_pack("{s:s,s:s}", "rule", "AS-3", "message",
                                  r->english ? "Only the pupil's guardian may enrol the pupil"
                                             : "课后服务自愿参加,只有学生的监护人可以报名");
        reply_err_detail(r, SJ_ERR_FORBIDDEN, extra);
        return;
    }
    if (school_id != p.school_id) {
        as_bad_field(r, "student_id", "该学生不在这个项目所在的学校",
                     "The pupil is not at this program's school");
        return;
    }
    char today[AS_DATE_LEN];
    today_local(today);
    if (!p.open || strcmp(p.p.last_day, today) < 0) {
        reply_err(r, SJ_ERR_PROGRAM_CLOSED);
        return;
    }
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_STUDENT, student_id);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_PROGRAM, program_id);
    if (rc != DB_OK) {
        fail_tx(r, rc);
        return;
    }
    int64_t existing = 0;
    rc = db_query_int64(r->db, &existing,
                        "SELECT id FROM afterschool_enrolments WHERE program_id = $1"
                        " AND student_id = $2 AND status IN ('enrolled', 'waitlisted')", program_id, student_id);
    if (rc == DB_ROW) {
        db_rollback(r->db);
        reply_err_detail(r, SJ_ERR_ALREADY_ENROLLED,
                         json_pack("{s:I}", "enrolment_id", (json_int_t)existing));
        return;
    }
    if (rc != DB_DONE) {
        fail_tx(r, rc);
        return;
    }
    int64_t clash = 0;
    char clash_name[256] = "";
    rc = find_clash(r, student_id, &p, &clash, clash_name, sizeof clash_name);
    if (rc == DB_ROW) {
        db_rollback(r->db);
        reply_err_detail(r, SJ_ERR_TIME_CLASH,
                         json_pack("{s:I,s:s}", "program_id", (json_int_t)clash, "program_name",
                                   clash_name));
        return;
    }
    if (rc != DB_DONE) {
        fail_tx(r, rc);
        return;
    }
    int64_t enrolled = 0;
    rc = db_query_int64(r->db, &enrolled,
                        "SELECT COUNT(*) FROM afterschool_enrolments WHERE program_id = $1"
                        " AND status = 'enrolled'", program_id);
    if (rc != DB_ROW) {
        fail_tx(r, rc);
        return;
    }
    bool seat = enrolled < p.capacity;
    char seat_from[AS_DATE_LEN];
    as_date_max(p.p.first_day, today, seat_from);
    int64_t id = 0, position = 0, now = now_unix();
    rc = db_insert_id(r->db, &id,
                      "INSERT INTO afterschool_enrolments (district_id, school_id, program_id,"
                      " student_id, status, seat_from, created_at, created_by, updated_at)"
                      " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$7) RETURNING id", r->user->district_id, p.school_id, program_id, student_id,
                      seat ? "enrolled" : "waitlisted", seat ? seat_from : NULL, now,
                      r->user->id);
    if (rc == DB_DONE && !seat)
        rc = db_query_int64(r->db, &position,
                            "SELECT COUNT(*) FROM afterschool_enrolments WHERE program_id = $1"
                            " AND status = 'waitlisted' AND id <= $2", program_id, id) == DB_ROW
                 ? DB_DONE
                 : DB_ERROR;
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        if (rc == DB_CONSTRAINT)
            reply_err(r, SJ_ERR_ALREADY_ENROLLED);
        else
            reply_db(r, rc == DB_DONE ? DB_ERROR : rc);
        return;
    }
    r->audit_target = id;
    json_t *o = json_pack("{s:I,s:s,s:I,s:I}", "id", (json_int_t)id, "status",
                          seat ? "enrolled" : "waitlisted", "program_id", (json_int_t)program_id,
                          "student_id", (json_int_t)student_id);
    json_object_set_new(o, "position", seat ? json_null() : json_integer(position));
    json_object_set_new(o, "seat_from", seat ? json_string(seat_from) : json_null());
    reply_json(r, 201, o);
}

/* Gives free seats to the wait list in order. Inside the caller's transaction and lock. */
static int promote_waitlist(req *r, const as_program_row *p, const char *from)
{
    for (;;) {
        int64_t enrolled = 0, next = 0;
        int rc = db_query_int64(r->db, &enrolled,
                                "SELECT COUNT(*) FROM afterschool_enrolments WHERE program_id = $1"
                                " AND status = 'enrolled'", p->p.id);
        if (rc != DB_ROW)
            return rc;
        if (enrolled >= p->capacity)
            return DB_DONE;
        rc = db_query_int64(r->db, &next,
                            "SELECT id FROM afterschool_enrolments WHERE program_id = $1"
                            " AND status = 'waitlisted' ORDER BY id LIMIT 1", p->p.id);
        if (rc == DB_DONE)
            return DB_DONE;
        if (rc != DB_ROW)
            return rc;
        rc = db_run(r->db,
                    "UPDATE afterschool_enrolments SET status = 'enrolled', seat_from = $2,"
                    " updated_at = $3 WHERE id = $1", next, from, now_unix());
        if (rc != DB_DONE)
            return rc;
    }
}

void afterschool_h_delete_enrolment(req *r)
{
    int64_t id = r->params[0];
    db_stmt *s = db_query(r->db,
                          "SELECT program_id, student_id, school_id, district_id"
                          " FROM afterschool_enrolments"
                          " WHERE id = $1 AND status IN ('enrolled', 'waitlisted')", id);
    int rc = s ? db_step(s) : DB_ERROR;
    int64_t program_id = 0, student_id = 0, school_id = 0, district = 0;
    if (rc == DB_ROW) {
        program_id = db_col_int64(s, 0);
        student_id = db_col_int64(s, 1);
        school_id = db_col_int64(s, 2);
        district = db_col_int64(s, 3);
    }
    db_finalize(s);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!auth_same_district_or_reply(r, district))
        return;
    bool admin = auth_school_admin(r->user, school_id);
    if (!admin && !auth_guardian_of(r, student_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    /* The pupil leaves today unless the school records another day (the family said so). */
    char today[AS_DATE_LEN], left_on[AS_DATE_LEN];
    today_local(today);
    const char *date = req_query(r, "date");
    if (date && !admin) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (date && !valid_date(date)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "date");
        return;
    }
    snprintf(left_on, sizeof left_on, "%s", date ? date : today);
    as_program_row p;
    if (!as_program_load_or_reply(r, program_id, &p))
        return;
    rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_PROGRAM, program_id);
    if (rc != DB_OK) {
        fail_tx(r, rc);
        return;
    }
    s = db_query(r->db, "SELECT status, seat_from FROM afterschool_enrolments WHERE id = $1",
                 id);
    rc = s ? db_step(s) : DB_ERROR;
    char status[16] = "", seat_from[AS_DATE_LEN] = "";
    if (rc == DB_ROW) {
        snprintf(status, sizeof status, "%s", db_col_text(s, 0));
        snprintf(seat_from, sizeof seat_from, "%s", db_col_text(s, 1));
    }
    db_finalize(s);
    if (rc != DB_ROW) {
        fail_tx(r, rc == DB_DONE ? DB_ERROR : rc);
        return;
    }
    if (strcmp(status, "enrolled") != 0 && strcmp(status, "waitlisted") != 0) {
        db_rollback(r->db); /* someone else cancelled it a moment ago */
        reply_err(r, SJ_ERR_NOT_FOUND);
        return;
    }
    bool had_seat = strcmp(status, "enrolled") == 0;
    const char *new_status = had_seat && strcmp(seat_from, left_on) < 0 ? "left" : "cancelled";
    rc = db_run(r->db,
                "UPDATE afterschool_enrolments SET status = $2, left_on = $3, updated_at = $4"
                " WHERE id = $1", id, new_status, had_seat ? left_on : NULL, now_unix());
    if (rc == DB_DONE && had_seat) {
        char from[AS_DATE_LEN];
        as_date_max(p.p.first_day, today, from);
        as_date_max(from, left_on, from);
        rc = promote_waitlist(r, &p, from);
    }
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        fail_tx(r, rc == DB_DONE ? DB_ERROR : rc);
        return;
    }
    reply_empty(r, 204);
}

void afterschool_h_list_program_enrolments(req *r)
{
    as_program_row p;
    if (!as_program_load_or_reply(r, r->params[0], &p) ||
        !auth_school_staff_or_reply(r, p.school_id))
        return;
    reply_list(r,
               "SELECT e.id, e.student_id, e.status,"
               " CASE WHEN e.status = 'waitlisted' THEN"
               " ROW_NUMBER() OVER (PARTITION BY e.status ORDER BY e.id) END,"
               " s.name, c.name, e.seat_from, e.source"
               " FROM afterschool_enrolments e JOIN students s ON s.id = e.student_id"
               " JOIN classes c ON c.id = s.class_id"
               " WHERE e.program_id = $1 AND e.status IN ('enrolled', 'waitlisted')"
               " ORDER BY CASE WHEN e.status = 'enrolled' THEN 0 ELSE 1 END, e.id",
               "SELECT COUNT(*) FROM afterschool_enrolments WHERE program_id = $1"
               " AND status IN ('enrolled', 'waitlisted')",
               "id:i,student_id:i,status:s,position:I,student_name:s,class_name:s,seat_from:S,"
               "source:s", p.p.id);
}

void afterschool_h_list_student_enrolments(req *r)
{
    int64_t student_id = r->params[0], school_id = 0;
    const char *term = req_query(r, "term");
    if (!as_student_reader_or_reply(r, student_id, &school_id))
        return;
    if (term && !term_valid(term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    reply_list(r,
               "SELECT e.id, e.program_id, p.name, p.kind, p.term, e.status,"
               " CASE WHEN e.status = 'waitlisted' THEN (SELECT COUNT(*) FROM"
               " afterschool_enrolments w WHERE w.program_id = e.program_id"
               " AND w.status = 'waitlisted' AND w.id <= e.id) END,"
               " e.seat_from, e.left_on, p.start_time, p.end_time, p.weekdays,"
               " p.fee_per_hour_fen, p.place"
               " FROM afterschool_enrolments e JOIN afterschool_programs p ON p.id = e.program_id"
               " WHERE e.student_id = $1 AND ($2 = '' OR p.term = $2)"
               " ORDER BY p.term DESC, p.kind, p.start_min, e.id",
               "SELECT COUNT(*) FROM afterschool_enrolments e JOIN afterschool_programs p"
               " ON p.id = e.program_id WHERE e.student_id = $1 AND ($2 = '' OR p.term = $2)",
               "id:i,program_id:i,program_name:s,kind:s,term:s,status:s,position:I,"
               "seat_from:S,left_on:S,start:s,end:s,weekdays_mask:i,fee_per_hour_fen:i,place:S", student_id, term ? term : "");
}

/* ---------- ranked choices and the fair allocation ---------- */

void afterschool_h_put_choices(req *r)
{
    int64_t student_id, school_id = 0, *ids = NULL;
    size_t n = 0;
    const char *term;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &student_id) ||
        !body_str_or_reply(r, "term", 11, true, &term) ||
        !ids_or_reply(r, "program_ids", AS_MAX_CHOICES, true, &ids, &n))
        return;
    if (!term_valid(term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    if (!as_student_place_or_reply(r, student_id, &school_id))
        return;
    if (!auth_guardian_of(r, student_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    json_t *chosen = json_array();
    for (size_t i = 0; i < n; i++) {
        as_program_row p;
        int rc = as_program_load(r->db, ids[i], &p);
        if (rc != DB_ROW || p.school_id != school_id || strcmp(p.term, term) != 0 || !p.open) {
            json_decref(chosen);
            json_t *extra = json_pack("{s:s,s:I,s:s}", "field", "program_ids", "index",
                                      (json_int_t)i, "message",
                                      r->english ? "Not an open program of the pupil's school in this term"
                                                 : "不是该学生学校本学期开放的项目");
            reply_err_detail(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_BAD_FIELD : SJ_ERR_INTERNAL,
                             extra);
            return;
        }
        json_array_append_new(chosen, json_pack("{s:i,s:I,s:s}", "rank", (int)i + 1, "program_id",
                                                (json_int_t)ids[i], "name", p.name));
    }
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_run(r->db, "DELETE FROM afterschool_choices WHERE student_id = $1 AND term = $2", student_id, term);
    for (size_t i = 0; rc == DB_DONE && i < n; i++)
        rc = db_run(r->db,
                    "INSERT INTO afterschool_choices (district_id, school_id, term, student_id,"
                    " program_id, rank, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)", r->user->district_id, school_id, term, student_id, ids[i],
                    (int64_t)i + 1, now_unix(), r->user->id);
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        json_decref(chosen);
        fail_tx(r, rc == DB_DONE ? DB_ERROR : rc);
        return;
    }
    r->audit_target = student_id;
    reply_json(r, 201, json_pack("{s:I,s:s,s:o}", "student_id", (json_int_t)student_id, "term",
                                 term, "items", chosen));
}

void afterschool_h_get_choices(req *r)
{
    int64_t student_id, school_id = 0;
    const char *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "student_id", 0, &student_id))
        return;
    if (!term || !term_valid(term)) {
        reply_err_field(r, term ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "term");
        return;
    }
    if (!as_student_reader_or_reply(r, student_id, &school_id))
        return;
    reply_list(r,
               "SELECT c.rank, c.program_id, p.name, p.kind FROM afterschool_choices c"
               " JOIN afterschool_programs p ON p.id = c.program_id"
               " WHERE c.student_id = $1 AND c.term = $2 ORDER BY c.rank",
               "SELECT COUNT(*) FROM afterschool_choices WHERE student_id = $1 AND term = $2",
               "rank:i,program_id:i,name:s,kind:s", student_id, term);
}

typedef struct {
    int64_t student_id;
    int nchoices;
    int64_t program[AS_MAX_CHOICES];
} alloc_row;

/*
 * The allocation: every pupil of the school with choices for the term and no seat yet in any
 * of them takes part. Choices that would clash with what the pupil already has are dropped
 * first. A lottery (afterschool_allocate, seeded from libsodium's random bytes and stored)
 * orders the pupils; each gets the best choice with a seat left. A pupil left without a seat
 * goes on the wait list of their first choice, in lottery order.
 */
void afterschool_h_run_allocation(req *r)
{
    int64_t school_id;
    const char *term;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, true, &school_id) ||
        !body_str_or_reply(r, "term", 11, true, &term))
        return;
    if (!term_valid(term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    if (!auth_school_admin_or_reply(r, school_id))
        return;
    char today[AS_DATE_LEN];
    today_local(today);
    /* the programs, in id order (the lock order) */
    enum { MAXP = 500, MAXPUPILS = 20000 };
    as_program_row *progs = req_alloc(r, sizeof *progs * MAXP);
    size_t np = 0;
    db_stmt *s = db_query(r->db,
                          "SELECT " AS_PROGRAM_FIELDS AS_PROGRAM_FROM
                          " WHERE p.school_id = $1 AND p.term = $2 AND p.status = 'open'"
                          " ORDER BY p.id LIMIT 500", school_id, term);
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW)
        as_program_read(s, &progs[np++]);
    db_finalize(s);
    if (rc != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    rc = db_begin_write(r->db);
    for (size_t i = 0; rc == DB_OK && i < np; i++)
        rc = db_lock(r->db, DB_LOCK_PROGRAM, progs[i].p.id);
    if (rc != DB_OK) {
        fail_tx(r, rc);
        return;
    }
    int64_t *seats = req_alloc(r, sizeof *seats * (np + 1));
    for (size_t i = 0; i < np; i++) {
        int64_t enrolled = 0;
        rc = db_query_int64(r->db, &enrolled,
                            "SELECT COUNT(*) FROM afterschool_enrolments WHERE program_id = $1"
                            " AND status = 'enrolled'", progs[i].p.id);
        if (rc != DB_ROW) {
            fail_tx(r, rc);
            return;
        }
        seats[i] = progs[i].capacity > enrolled ? progs[i].capacity - enrolled : 0;
    }
    /* the choices, pupil by pupil; rows whose program is closed or gone are skipped */
    alloc_row *rows = req_alloc(r, sizeof *rows * MAXPUPILS);
    size_t nrows = 0;
    s = db_query(r->db,
                 "SELECT c.student_id, c.program_id FROM afterschool_choices c"
                 " WHERE c.school_id = $1 AND c.term = $2 AND NOT EXISTS (SELECT 1 FROM"
                 " afterschool_enrolments e JOIN afterschool_choices c2 ON c2.program_id ="
                 " e.program_id AND c2.student_id = e.student_id AND c2.term = c.term"
                 " WHERE e.student_id = c.student_id AND e.status = 'enrolled')"
                 " ORDER BY c.student_id, c.rank", school_id, term);
    rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        int64_t sid = db_col_int64(s, 0), pid = db_col_int64(s, 1);
        if (nrows == 0 || rows[nrows - 1].student_id != sid) {
            if (nrows == MAXPUPILS)
                break;
            memset(&rows[nrows], 0, sizeof rows[nrows]);
            rows[nrows++].student_id = sid;
        }
        alloc_row *ar = &rows[nrows - 1];
        if (ar->nchoices < AS_MAX_CHOICES)
            ar->program[ar->nchoices++] = pid;
    }
    db_finalize(s);
    if (rc != DB_DONE && rc != DB_ROW) {
        fail_tx(r, rc);
        return;
    }
    /* to program indexes, without programs the pupil is already in or that would clash */
    as_alloc_pupil *pupils = req_alloc(r, sizeof *pupils * (nrows + 1));
    for (size_t i = 0; i < nrows; i++) {
        pupils[i].nchoices = 0;
        for (int c = 0; c < rows[i].nchoices; c++) {
            int idx = -1;
            for (size_t k = 0; k < np; k++)
                if (progs[k].p.id == rows[i].program[c])
                    idx = (int)k;
            if (idx < 0)
                continue;
            int64_t clash = 0;
            char name[8];
            rc = find_clash(r, rows[i].student_id, &progs[idx], &clash, name, sizeof name);
            if (rc != DB_ROW && rc != DB_DONE) {
                fail_tx(r, rc);
                return;
            }
            if (!clash)
                pupils[i].choice[pupils[i].nchoices++] = idx;
        }
    }
    uint64_t seed = 0;
    randombytes_buf(&seed, sizeof seed);
    seed &= 0x7FFFFFFFFFFFFFFFULL; /* stored as a signed BIGINT */
    int *assign = req_alloc(r, sizeof *assign * (nrows + 1));
    size_t *order = req_alloc(r, sizeof *order * (nrows + 1));
    afterschool_allocate(pupils, nrows, seats, np, seed, assign, order);
    int64_t placed = 0, waitlisted = 0, now = now_unix();
    rc = DB_DONE;
    for (size_t k = 0; rc == DB_DONE && k < nrows; k++) {
        size_t i = order[k];
        if (pupils[i].nchoices == 0)
            continue;
        int idx = assign[i] >= 0 ? assign[i] : pupils[i].choice[0];
        const as_program_row *p = &progs[idx];
        char from[AS_DATE_LEN];
        as_date_max(p->p.first_day, today, from);
        int64_t existing = 0;
        rc = db_query_int64(r->db, &existing,
                            "SELECT id FROM afterschool_enrolments WHERE program_id = $1"
                            " AND student_id = $2 AND status = 'waitlisted'", p->p.id, rows[i].student_id);
        if (rc == DB_ROW && assign[i] >= 0) {
            rc = db_run(r->db,
                        "UPDATE afterschool_enrolments SET status = 'enrolled', seat_from = $2,"
                        " source = 'allocation', updated_at = $3 WHERE id = $1", existing, from, now);
            placed++;
        } else if (rc == DB_ROW) {
            rc = DB_DONE; /* already waiting there */
        } else if (rc == DB_DONE) {
            rc = db_run(r->db,
                        "INSERT INTO afterschool_enrolments (district_id, school_id, program_id,"
                        " student_id, status, seat_from, source, created_at, created_by,"
                        " updated_at) VALUES ($1,$2,$3,$4,$5,$6,'allocation',$7,$8,$7)", r->user->district_id, school_id, p->p.id, rows[i].student_id,
                        assign[i] >= 0 ? "enrolled" : "waitlisted",
                        assign[i] >= 0 ? from : NULL, now, r->user->id);
            if (assign[i] >= 0)
                placed++;
            else
                waitlisted++;
        }
    }
    int64_t id = 0;
    if (rc == DB_DONE)
        rc = db_insert_id(r->db, &id,
                          "INSERT INTO afterschool_allocations (district_id, school_id, term, seed,"
                          " pupils, placed, waitlisted, ran_at, ran_by)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id", r->user->district_id, school_id, term, (int64_t)seed,
                          (int64_t)nrows, placed, waitlisted, now, r->user->id);
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        fail_tx(r, rc == DB_DONE ? DB_ERROR : rc);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201, json_pack("{s:I,s:I,s:s,s:I,s:I,s:I,s:I}", "id", (json_int_t)id,
                                 "school_id", (json_int_t)school_id, "term", term, "seed",
                                 (json_int_t)seed, "pupils", (json_int_t)nrows, "placed",
                                 (json_int_t)placed, "waitlisted", (json_int_t)waitlisted));
}

/* ---------- the roll ---------- */

/* The pupils holding a seat on `date`. */
#define SEATED_ON                                                                             \
    "SELECT e.student_id FROM afterschool_enrolments e WHERE e.program_id = $1"              \
    " AND e.status IN ('enrolled', 'left') AND e.seat_from IS NOT NULL AND e.seat_from <= $2" \
    " AND (e.left_on IS NULL OR e.left_on > $2)"

void afterschool_h_take_roll(req *r)
{
    const char *date, *reason;
    int64_t *present = NULL;
    size_t npresent = 0;
    as_program_row p;
    if (!as_program_load_or_reply(r, r->params[0], &p) ||
        !auth_school_staff_or_reply(r, p.school_id))
        return;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &date) ||
        !ids_or_reply(r, "present", AS_MAX_LIST, true, &present, &npresent) ||
        !body_str_or_reply(r, "reason", 200, false, &reason))
        return;
    char today[AS_DATE_LEN];
    today_local(today);
    if (strcmp(date, today) > 0) {
        reply_err(r, SJ_ERR_ROLL_NOT_OPEN);
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
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_PROGRAM, p.p.id);
    if (rc != DB_OK) {
        fail_tx(r, rc);
        return;
    }
    /* who holds a seat that day; every id in `present` must be one of them */
    int64_t *seated = req_alloc(r, sizeof *seated * 5001);
    size_t nseated = 0;
    db_stmt *s = db_query(r->db, SEATED_ON " ORDER BY e.student_id LIMIT 5000", p.p.id, date);
    rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW)
        seated[nseated++] = db_col_int64(s, 0);
    db_finalize(s);
    if (rc != DB_DONE) {
        fail_tx(r, rc);
        return;
    }
    json_t *strangers = json_array();
    for (size_t i = 0; i < npresent; i++) {
        bool found = false;
        for (size_t j = 0; j < nseated && !found; j++)
            found = seated[j] == present[i];
        if (!found)
            json_array_append_new(strangers, json_integer(present[i]));
    }
    if (json_array_size(strangers)) {
        db_rollback(r->db);
        reply_err_detail(r, SJ_ERR_NOT_ENROLLED, json_pack("{s:o,s:s}", "student_ids", strangers,
                                                           "date", date));
        return;
    }
    json_decref(strangers);
    int64_t roll = 0;
    rc = db_query_int64(r->db, &roll,
                        "SELECT id FROM afterschool_rolls WHERE program_id = $1 AND date = $2", p.p.id, date);
    if (rc != DB_ROW && rc != DB_DONE) {
        fail_tx(r, rc);
        return;
    }
    bool past = strcmp(date, today) < 0;
    if (past && (roll || !reason)) {
        /* after its day a roll is locked; a roll never taken may be entered late, with why */
        db_rollback(r->db);
        reply_err_detail(r, SJ_ERR_ROLL_LOCKED,
                         json_pack("{s:s,s:b}", "date", date, "taken", roll != 0));
        return;
    }
    int64_t now = now_unix();
    if (roll) {
        rc = db_run(r->db, "UPDATE afterschool_rolls SET taken_by = $2, taken_at = $3 WHERE id = $1", roll, r->user->id, now);
        if (rc == DB_DONE)
            rc = db_run(r->db, "DELETE FROM afterschool_attendance WHERE roll_id = $1", roll);
    } else {
        rc = db_insert_id(r->db, &roll,
                          "INSERT INTO afterschool_rolls (district_id, school_id, program_id, date,"
                          " taken_by, taken_at, late_reason) VALUES ($1,$2,$3,$4,$5,$6,$7)"
                          " RETURNING id", p.district_id, p.school_id, p.p.id, date, r->user->id, now,
                          past ? reason : NULL);
    }
    for (size_t j = 0; rc == DB_DONE && j < nseated; j++) {
        bool here = false;
        for (size_t i = 0; i < npresent && !here; i++)
            here = present[i] == seated[j];
        rc = db_run(r->db,
                    "INSERT INTO afterschool_attendance (roll_id, student_id, present)"
                    " VALUES ($1,$2,$3)", roll, seated[j], (int64_t)here);
    }
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        fail_tx(r, rc == DB_DONE ? DB_ERROR : rc);
        return;
    }
    r->audit_target = roll;
    reply_empty(r, 204);
}

void afterschool_h_get_roll(req *r)
{
    const char *date = req_query(r, "date");
    as_program_row p;
    if (!as_program_load_or_reply(r, r->params[0], &p) ||
        !auth_school_staff_or_reply(r, p.school_id))
        return;
    if (!date || !valid_date(date)) {
        reply_err_field(r, date ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "date");
        return;
    }
    char today[AS_DATE_LEN];
    today_local(today);
    int k = as_is_session_day(r->db, &p, date);
    db_stmt *s = db_query(r->db,
                          "SELECT r.id, r.taken_at, r.late_reason, u.name FROM afterschool_rolls r"
                          " LEFT JOIN users u ON u.id = r.taken_by"
                          " WHERE r.program_id = $1 AND r.date = $2", p.p.id, date);
    int rc = s ? db_step(s) : DB_ERROR;
    int64_t roll = 0, taken_at = 0;
    char late[512] = "", by[256] = "";
    if (rc == DB_ROW) {
        roll = db_col_int64(s, 0);
        taken_at = db_col_int64(s, 1);
        snprintf(late, sizeof late, "%s", db_col_text(s, 2));
        snprintf(by, sizeof by, "%s", db_col_text(s, 3));
    }
    db_finalize(s);
    if (k < 0 || (rc != DB_ROW && rc != DB_DONE)) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    s = db_query(r->db,
                 "SELECT st.id, st.name, c.name, a.present FROM students st"
                 " JOIN classes c ON c.id = st.class_id"
                 " LEFT JOIN afterschool_attendance a ON a.student_id = st.id AND a.roll_id = $3"
                 " WHERE st.id IN (" SEATED_ON " UNION SELECT student_id FROM afterschool_attendance"
                 " WHERE roll_id = $3)"
                 " ORDER BY c.grade, c.name, st.student_no, st.id", p.p.id, date, roll);
    json_t *items = db_rows_json(s, "student_id:i,name:s,class_name:s,present:I");
    s = db_query(r->db,
                 "SELECT x.id, x.student_id, x.present_before, x.present_after, x.reason, u.name, x.at"
                 " FROM afterschool_corrections x LEFT JOIN users u ON u.id = x.by_user"
                 " WHERE x.roll_id = $1 ORDER BY x.id", roll);
    json_t *corr = db_rows_json(s, "id:i,student_id:i,present_before:b,present_after:b,reason:s,"
                                   "by_name:S,at_unix:i");
    if (!items || !corr) {
        json_decref(items);
        json_decref(corr);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        json_t *pr = json_object_get(it, "present");
        json_object_set_new(it, "present", json_is_integer(pr)
                                               ? json_boolean(json_integer_value(pr) != 0)
                                               : json_null());
    }
    json_t *o = json_pack("{s:I,s:s,s:b,s:b,s:b,s:o,s:o}", "program_id", (json_int_t)p.p.id,
                          "date", date, "session", k == 1, "taken", roll != 0, "locked",
                          strcmp(date, today) < 0, "items", items, "corrections", corr);
    if (roll) {
        char ts[32];
        unix_rfc3339(taken_at, ts);
        json_object_set_new(o, "taken_at", json_string(ts));
        json_object_set_new(o, "taken_by_name", json_string(by));
        json_object_set_new(o, "late_reason", late[0] ? json_string(late) : json_null());
    }
    reply_json(r, 200, o);
}

void afterschool_h_correct_roll(req *r)
{
    const char *date, *reason;
    int64_t student_id;
    bool present;
    as_program_row p;
    if (!as_program_load_or_reply(r, r->params[0], &p) ||
        !auth_school_staff_or_reply(r, p.school_id))
        return;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &date) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &student_id) ||
        !body_bool_or_reply(r, "present", true, &present) ||
        !body_str_or_reply(r, "reason", 200, true, &reason))
        return;
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_PROGRAM, p.p.id);
    if (rc != DB_OK) {
        fail_tx(r, rc);
        return;
    }
    int64_t roll = 0, before = 0;
    rc = db_query_int64(r->db, &roll,
                        "SELECT id FROM afterschool_rolls WHERE program_id = $1 AND date = $2", p.p.id, date);
    if (rc != DB_ROW) {
        db_rollback(r->db);
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    rc = db_query_int64(r->db, &before,
                        "SELECT present FROM afterschool_attendance WHERE roll_id = $1"
                        " AND student_id = $2", roll, student_id);
    if (rc != DB_ROW) {
        db_rollback(r->db);
        if (rc == DB_DONE)
            reply_err_detail(r, SJ_ERR_NOT_ENROLLED,
                             json_pack("{s:[I],s:s}", "student_ids", (json_int_t)student_id,
                                       "date", date));
        else
            reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    int64_t id = 0;
    rc = db_run(r->db,
                "UPDATE afterschool_attendance SET present = $3 WHERE roll_id = $1 AND student_id = $2", roll, student_id, (int64_t)present);
    if (rc == DB_DONE)
        rc = db_insert_id(r->db, &id,
                          "INSERT INTO afterschool_corrections (roll_id, student_id, present_before,"
                          " present_after, reason, by_user, at) VALUES ($1,$2,$3,$4,$5,$6,$7)"
                          " RETURNING id", roll, student_id, before, (int64_t)present, reason,
                          r->user->id, now_unix());
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        fail_tx(r, rc == DB_DONE ? DB_ERROR : rc);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201, json_pack("{s:I,s:I,s:s,s:b,s:b,s:s}", "id", (json_int_t)id, "student_id",
                                 (json_int_t)student_id, "date", date, "present_before",
                                 before != 0, "present_after", present, "reason", reason));
}

/* ---------- routes ---------- */

#define GUARDIAN ROLE_BIT(ROLE_GUARDIAN)
#define DISTRICT ROLE_BIT(ROLE_DISTRICT_ADMIN)

static const route routes[] = {
    {"POST", "/api/v1/afterschool/programs", afterschool_h_create_program,
     "afterschool:program:add", AS_ADMIN_ROLES, 0},
    {"GET", "/api/v1/afterschool/programs", afterschool_h_list_programs,
     "afterschool:program:list", AS_STAFF_ROLES | GUARDIAN, 0},
    {"GET", "/api/v1/afterschool/programs/{id}", afterschool_h_get_program,
     "afterschool:program:list", AS_STAFF_ROLES | GUARDIAN, 0},
    {"POST", "/api/v1/afterschool/programs/{id}/close", afterschool_h_close_program,
     "afterschool:program:add", AS_ADMIN_ROLES, 0},
    {"GET", "/api/v1/afterschool/coverage", afterschool_h_get_coverage,
     "afterschool:program:list", AS_STAFF_ROLES, 0},
    {"POST", "/api/v1/afterschool/vendors", afterschool_h_create_vendor,
     "afterschool:vendor:add", DISTRICT, 0},
    {"GET", "/api/v1/afterschool/vendors", afterschool_h_list_vendors,
     "afterschool:vendor:list", AS_STAFF_ROLES, 0},
    {"POST", "/api/v1/afterschool/vendors/{id}/exit", afterschool_h_exit_vendor,
     "afterschool:vendor:add", DISTRICT, 0},
    {"POST", "/api/v1/afterschool/enrolments", afterschool_h_create_enrolment,
     "afterschool:enrol", AS_STAFF_ROLES | GUARDIAN, 0},
    {"DELETE", "/api/v1/afterschool/enrolments/{id}", afterschool_h_delete_enrolment,
     "afterschool:enrol", AS_ADMIN_ROLES | GUARDIAN, 0},
    {"GET", "/api/v1/afterschool/programs/{id}/enrolments", afterschool_h_list_program_enrolments,
     "afterschool:enrolment:list", AS_STAFF_ROLES, 0},
    {"GET", "/api/v1/afterschool/students/{id}/enrolments", afterschool_h_list_student_enrolments,
     "afterschool:family", AS_STAFF_ROLES | GUARDIAN, 0},
    {"POST", "/api/v1/afterschool/choices", afterschool_h_put_choices, "afterschool:choose",
     GUARDIAN, 0},
    {"GET", "/api/v1/afterschool/choices", afterschool_h_get_choices, "afterschool:family",
     AS_STAFF_ROLES | GUARDIAN, 0},
    {"POST", "/api/v1/afterschool/allocations", afterschool_h_run_allocation,
     "afterschool:program:add", AS_ADMIN_ROLES, 0},
    {"POST", "/api/v1/afterschool/programs/{id}/attendance", afterschool_h_take_roll,
     "afterschool:roll", AS_STAFF_ROLES, 0},
    {"GET", "/api/v1/afterschool/programs/{id}/attendance", afterschool_h_get_roll,
     "afterschool:roll", AS_STAFF_ROLES, 0},
    {"POST", "/api/v1/afterschool/programs/{id}/attendance/corrections",
     afterschool_h_correct_roll, "afterschool:roll", AS_STAFF_ROLES, 0},

    {"GET", "/api/v1/afterschool/bills", afterschool_h_get_bill, "afterschool:family",
     AS_STAFF_ROLES | GUARDIAN, 0},
    {"POST", "/api/v1/afterschool/bills/run", afterschool_h_run_bills, "afterschool:fees",
     AS_ADMIN_ROLES, 0},
    {"POST", "/api/v1/afterschool/waivers", afterschool_h_set_waiver, "afterschool:fees",
     AS_ADMIN_ROLES, 0},
    {"GET", "/api/v1/afterschool/waivers", afterschool_h_list_waivers, "afterschool:fees",
     AS_ADMIN_ROLES, 0},
    {"DELETE", "/api/v1/afterschool/waivers/{id}", afterschool_h_delete_waiver,
     "afterschool:fees", AS_ADMIN_ROLES, 0},
    {"GET", "/api/v1/afterschool/subsidies", afterschool_h_get_subsidies, "afterschool:fees",
     AS_ADMIN_ROLES | ROLE_BIT(ROLE_INSPECTOR), 0},
    {"GET", "/api/v1/afterschool/reports/coverage", afterschool_h_get_report,
     "afterschool:report", AS_ADMIN_ROLES | ROLE_BIT(ROLE_INSPECTOR), 0},
    {"GET", "/api/v1/afterschool/reports/coverage.xlsx", afterschool_h_export_report,
     "afterschool:report", AS_ADMIN_ROLES | ROLE_BIT(ROLE_INSPECTOR), 0},

    {"POST", "/api/v1/staff/duties", afterschool_h_create_duty, "afterschool:duty",
     AS_TEACHING_ROLES | DISTRICT, 0},
    {"GET", "/api/v1/staff/duties", afterschool_h_list_duties, "afterschool:duty",
     AS_TEACHING_ROLES | DISTRICT, 0},
    {"GET", "/api/v1/staff/{id}/credits", afterschool_h_get_credits, "afterschool:duty",
     AS_TEACHING_ROLES | DISTRICT, 0},
    {"POST", "/api/v1/staff/leave", afterschool_h_create_leave, "afterschool:leave",
     AS_TEACHING_ROLES, 0},
    {"GET", "/api/v1/staff/leave", afterschool_h_list_leave, "afterschool:leave:list",
     AS_TEACHING_ROLES | DISTRICT, 0},
    {"POST", "/api/v1/staff/leave/{id}/decision", afterschool_h_decide_leave,
     "afterschool:leave:approve", AS_ADMIN_ROLES, 0},
    {"GET", "/api/v1/afterschool/roster", afterschool_h_get_roster, "afterschool:roll",
     AS_STAFF_ROLES, 0},
};

const route *afterschool_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
