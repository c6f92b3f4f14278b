/*
 * api.c: the after-school service's HTTP handlers for programs, the district's vetted
 * providers, enrolment with wait lists, ranked choices and their allocation, and the roll;
 * and the module's route table (afterschool_routes). Bills, waivers and reports are in
 * api_money.c; duty, time bank, leave and the A/B roster in api_staff.c.
 *
 * Each handler parses, authorises, calls the store (store*.c: every write one
 * afterschool_<action>() owning its transaction) and replies. Refusals: bad input is 400
 * naming the field; a rule is 422 with `rule` and its numbers (AS-2 end/off_work/date/season,
 * AS-4 provider, AS-6 fee_per_hour_fen/cap_fen); scope is 403. Every refusal goes through
 * reply_verdict, its words in core/messages.c. Nothing is stored when a request is refused.
 * The locks each write takes, and their order, are described in store_enrol.c.
 */
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
    json_array_foreach(arr, i, v)
    {
        json_int_t d = json_is_integer(v) ? json_integer_value(v) : 0;
        if (!ok || d < 1 || d > 5 || (*mask & (1u << d))) {
            ok = false;
            break;
        }
        *mask |= 1u << d;
    }
    if (!ok)
        reply_field(r, SJ_ERR_BAD_FIELD, "weekdays", "afterschool.weekdays");
    return ok;
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
    json_array_foreach(arr, i, v)
    {
        json_int_t id = json_is_integer(v) ? json_integer_value(v) : 0;
        bool dup = false;
        for (size_t k = 0; k < *n; k++)
            dup |= (*ids)[k] == id;
        if (id <= 0 || dup) {
            verdict e = verdict_err(SJ_ERR_BAD_FIELD, NULL);
            verdict_str(&e, "field", key);
            verdict_num(&e, "index", (int64_t)i);
            reply_verdict(r, &e, NULL);
            return false;
        }
        (*ids)[(*n)++] = id;
    }
    return true;
}

/* A list of ids as JSON, for the refusals that name pupils (not_enrolled). */
static json_t *ids_json(const int64_t *ids, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer(ids[i]));
    return a;
}

/* ---------- programs ---------- */

/* The body of a new program, with every check that needs no store. false after replying. */
static bool program_in_or_reply(req *r, as_program_in *in)
{
    int kind, provider;
    memset(in, 0, sizeof *in);
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, true, &in->school_id) ||
        !body_str_or_reply(r, "term", 11, true, &in->term) ||
        !body_str_or_reply(r, "name", 50, true, &in->name) ||
        !body_enum_or_reply(r, "kind", kinds, true, &kind) ||
        !body_enum_or_reply(r, "provider", providers, true, &provider) ||
        !body_int_or_reply(r, "institution_id", 1, INT64_MAX, false, &in->institution_id) ||
        !body_int_or_reply(r, "vendor_id", 1, INT64_MAX, false, &in->vendor_id) ||
        !body_int_or_reply(r, "capacity", 1, 5000, true, &in->capacity) ||
        !weekdays_or_reply(r, &in->weekdays) || !body_time_or_reply(r, "start", true, &in->start) ||
        !body_time_or_reply(r, "end", true, &in->end) ||
        !body_int_or_reply(r, "fee_per_hour_fen", 0, 100000, true, &in->fee_per_hour_fen) ||
        !body_date_or_reply(r, "first_day", true, &in->first_day) ||
        !body_date_or_reply(r, "last_day", true, &in->last_day) ||
        !body_str_or_reply(r, "category", 20, false, &in->category) ||
        !body_str_or_reply(r, "place", 50, false, &in->place) ||
        !body_int_or_reply(r, "staff_a", 1, INT64_MAX, false, &in->staff_a) ||
        !body_int_or_reply(r, "staff_b", 1, INT64_MAX, false, &in->staff_b))
        return false;
    in->kind = kind ? AS_COURSE : AS_CARE;
    in->third_party = provider == 1;
    const char *field = NULL, *msg = NULL;
    if (!term_valid(in->term))
        field = "term", msg = "afterschool.term_format";
    else if (hhmm_minutes(in->start) >= hhmm_minutes(in->end))
        field = "end", msg = "afterschool.end_before_start";
    else if (strcmp(in->first_day, in->last_day) > 0)
        field = "last_day", msg = "afterschool.last_before_first";
    else if (!in->third_party && (in->institution_id || in->vendor_id))
        field = "institution_id", msg = "afterschool.school_no_vendor";
    else if (in->staff_a && in->staff_a == in->staff_b)
        field = "staff_b", msg = "afterschool.b_post_other";
    if (field) {
        reply_field(r, SJ_ERR_BAD_FIELD, field, msg);
        return false;
    }
    if (in->third_party && !in->institution_id && !in->vendor_id) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "institution_id");
        return false;
    }
    in->district_id = r->user->district_id;
    in->actor = r->user->id;
    in->at = now_unix();
    return true;
}

void afterschool_h_create_program(req *r)
{
    as_program_in in;
    if (!program_in_or_reply(r, &in) || !auth_school_admin_or_reply(r, in.school_id))
        return;
    as_program_made made;
    as_program_row p;
    verdict v = afterschool_program_create(r->db, r->pol, &in, &made);
    if (verdict_is_ok(&v) && as_program_load(r->db, made.id, &p) != DB_ROW)
        v = verdict_err(SJ_ERR_INTERNAL, NULL);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = made.id;
    json_t *o = as_program_json(&p);
    json_object_set_new(o, "sessions", json_integer((json_int_t)made.sessions));
    json_object_set_new(o, "fee_cap_fen", json_integer(made.fee_cap_fen));
    json_object_set_new(o, "policy_version", json_string(policy_version(r->pol)));
    reply_json(r, 201, o);
}

void afterschool_h_list_programs(req *r)
{
    int64_t school_id, limit, offset, mine;
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
    if (!as_school_reader_or_reply(r, school_id))
        return;
    reply_page(r, as_store_programs(r->db, school_id, term, mine ? r->user->id : 0, limit, offset));
}

void afterschool_h_get_program(req *r)
{
    json_t *o = NULL;
    int rc = as_store_program_view(r->db, r->params[0], &o);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!as_school_reader_or_reply(r, json_integer_value(json_object_get(o, "school_id")))) {
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
    verdict v = afterschool_program_close(r->db, p.p.id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
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
    enum { MAXP = 500 };
    as_program_row *rows = req_alloc(r, sizeof *rows * MAXP);
    as_program *progs = req_alloc(r, sizeof *progs * MAXP);
    size_t n = 0;
    if (as_store_open_programs(r->db, school_id, term, rows, MAXP, &n) != DB_OK) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    for (size_t i = 0; i < n; i++)
        progs[i] = rows[i].p;
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

/* The body of a new provider. OUT: in (the code normalised into norm). false after replying. */
static bool vendor_in_or_reply(req *r, as_vendor_in *in, char norm[19])
{
    const char *code;
    memset(in, 0, sizeof *in);
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "name", 100, true, &in->name) ||
        !body_str_or_reply(r, "credit_code", 18, true, &code) ||
        !body_int_or_reply(r, "institution_id", 1, INT64_MAX, false, &in->institution_id) ||
        !body_int_or_reply(r, "fee_per_hour_fen", 0, 100000, true, &in->fee_per_hour_fen) ||
        !body_date_or_reply(r, "vetted_from", true, &in->vetted_from) ||
        !body_date_or_reply(r, "vetted_to", true, &in->vetted_to))
        return false;
    json_t *items = json_object_get(r->body, "service_items");
    bool ok = json_is_array(items) && json_array_size(items) >= 1 && json_array_size(items) <= 20;
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v)
    {
        ok = ok && json_is_string(v) && json_string_length(v) >= 1 && json_string_length(v) <= 90;
    }
    const char *field = NULL, *msg = NULL;
    if (!ident_uscc_valid(code, norm))
        field = "credit_code", msg = "afterschool.credit_code";
    else if (strcmp(in->vetted_from, in->vetted_to) > 0)
        field = "vetted_to", msg = "afterschool.period_reversed";
    else if (!ok)
        field = "service_items", msg = "afterschool.service_items";
    if (field) {
        reply_field(r, SJ_ERR_BAD_FIELD, field, msg);
        return false;
    }
    char *text = json_dumps(items, JSON_COMPACT);
    if (!text)
        abort();
    in->service_items = req_strdup(r, text);
    free(text);
    in->credit_code = norm;
    in->district_id = r->user->district_id;
    in->actor = r->user->id;
    in->at = now_unix();
    return true;
}

void afterschool_h_create_vendor(req *r)
{
    as_vendor_in in;
    char norm[19];
    int64_t id = 0;
    if (!vendor_in_or_reply(r, &in, norm))
        return;
    verdict v = afterschool_vendor_add(r->db, &in, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = id;
    json_t *o =
        json_pack("{s:I,s:s,s:s,s:O,s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "name", in.name,
                  "credit_code", norm, "service_items", json_object_get(r->body, "service_items"),
                  "fee_per_hour_fen", (json_int_t)in.fee_per_hour_fen, "vetted_from",
                  in.vetted_from, "vetted_to", in.vetted_to, "status", "active");
    json_object_set_new(o, "institution_id",
                        in.institution_id ? json_integer(in.institution_id) : json_null());
    reply_json(r, 201, o);
}

void afterschool_h_list_vendors(req *r)
{
    const char *status = req_query(r, "status");
    int64_t limit, offset;
    if (status && strcmp(status, "active") != 0 && strcmp(status, "exited") != 0) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "status");
        return;
    }
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, as_store_vendors(r->db, r->user->district_id, status, limit, offset));
}

void afterschool_h_exit_vendor(req *r)
{
    int64_t id = r->params[0], programs = 0;
    const char *date, *reason;
    int rc = as_store_vendor_find(r->db, id, r->user->district_id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &date) ||
        !body_str_or_reply(r, "reason", 200, true, &reason))
        return;
    verdict v = afterschool_vendor_exit(r->db, id, date, reason, &programs);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:I,s:s,s:s,s:s,s:I}", "id", (json_int_t)id, "status", "exited",
                         "exited_on", date, "exit_reason", reason, "open_programs_affected",
                         (json_int_t)programs));
}

/* ---------- enrolment ---------- */

void afterschool_h_create_enrolment(req *r)
{
    int64_t program_id, student_id, school_id = 0;
    as_program_row p;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "program_id", 1, INT64_MAX, true, &program_id) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &student_id) ||
        !as_program_load_or_reply(r, program_id, &p) ||
        !as_student_place_or_reply(r, student_id, &school_id))
        return;
    if (!auth_guardian_of(r, student_id)) { /* AS-3: voluntary; only the family applies */
        verdict v = verdict_refuse(SJ_ERR_FORBIDDEN, NULL, "AS-3", NULL);
        reply_verdict(r, &v, NULL);
        return;
    }
    if (school_id != p.school_id) {
        reply_field(r, SJ_ERR_BAD_FIELD, "student_id", "afterschool.not_at_school");
        return;
    }
    char today[AS_DATE_LEN];
    today_local(today);
    as_enrol_in in = {.district_id = r->user->district_id,
                      .program_id = program_id,
                      .student_id = student_id,
                      .actor = r->user->id,
                      .at = now_unix(),
                      .today = today};
    as_enrol_out out;
    verdict v = afterschool_enrol(r->db, &in, &out);
    if (!verdict_is_ok(&v)) {
        reply_verdict(
            r, &v,
            v.err == SJ_ERR_TIME_CLASH ? json_pack("{s:s}", "program_name", out.clash_name) : NULL);
        return;
    }
    r->audit_target = out.id;
    json_t *o = json_pack("{s:I,s:s,s:I,s:I}", "id", (json_int_t)out.id, "status",
                          out.seat ? "enrolled" : "waitlisted", "program_id",
                          (json_int_t)program_id, "student_id", (json_int_t)student_id);
    json_object_set_new(o, "position", out.seat ? json_null() : json_integer(out.position));
    json_object_set_new(o, "seat_from", out.seat ? json_string(out.seat_from) : json_null());
    reply_json(r, 201, o);
}

void afterschool_h_delete_enrolment(req *r)
{
    as_enrolment_ref e;
    int rc = as_store_enrolment(r->db, r->params[0], &e);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!auth_same_district_or_reply(r, e.district_id))
        return;
    bool admin = auth_school_admin(r->user, e.school_id);
    /* The pupil leaves today unless the school records another day (the family said so). */
    const char *date = req_query(r, "date");
    if ((!admin && !auth_guardian_of(r, e.student_id)) || (date && !admin)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (date && !valid_date(date)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "date");
        return;
    }
    char today[AS_DATE_LEN];
    today_local(today);
    verdict v = afterschool_withdraw(r->db, e.id, date ? date : today, today, now_unix());
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_empty(r, 204);
}

void afterschool_h_list_program_enrolments(req *r)
{
    as_program_row p;
    int64_t limit, offset;
    if (!as_program_load_or_reply(r, r->params[0], &p) ||
        !auth_school_staff_or_reply(r, p.school_id) || !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, as_store_program_enrolments(r->db, p.p.id, limit, offset));
}

void afterschool_h_list_student_enrolments(req *r)
{
    int64_t student_id = r->params[0], school_id = 0, limit, offset;
    const char *term = req_query(r, "term");
    if (!as_student_reader_or_reply(r, student_id, &school_id))
        return;
    if (term && !term_valid(term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, as_store_student_enrolments(r->db, student_id, term, limit, offset));
}

/* ---------- ranked choices and the fair allocation ---------- */

void afterschool_h_put_choices(req *r)
{
    as_choices_in in = {.district_id = r->user->district_id, .actor = r->user->id};
    int64_t *ids = NULL;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &in.student_id) ||
        !body_str_or_reply(r, "term", 11, true, &in.term) ||
        !ids_or_reply(r, "program_ids", AS_MAX_CHOICES, true, &ids, &in.n))
        return;
    if (!term_valid(in.term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    if (!as_student_place_or_reply(r, in.student_id, &in.school_id))
        return;
    if (!auth_guardian_of(r, in.student_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    in.program_ids = ids;
    in.at = now_unix();
    char(*names)[256] = req_alloc(r, sizeof *names * (in.n + 1));
    verdict v = afterschool_choices_put(r->db, &in, names);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    json_t *chosen = json_array();
    for (size_t i = 0; i < in.n; i++)
        json_array_append_new(chosen, json_pack("{s:i,s:I,s:s}", "rank", (int)i + 1, "program_id",
                                                (json_int_t)ids[i], "name", names[i]));
    r->audit_target = in.student_id;
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:o}", "student_id", (json_int_t)in.student_id, "term", in.term,
                         "items", chosen));
}

void afterschool_h_get_choices(req *r)
{
    int64_t student_id, school_id = 0, limit, offset;
    const char *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "student_id", 0, &student_id))
        return;
    if (!term || !term_valid(term)) {
        reply_err_field(r, term ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "term");
        return;
    }
    if (!as_student_reader_or_reply(r, student_id, &school_id) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, as_store_choices(r->db, student_id, term, limit, offset));
}

/* The lottery allocation of the school's ranked choices (store_enrol.c says how it works). */
void afterschool_h_run_allocation(req *r)
{
    char today[AS_DATE_LEN];
    today_local(today);
    as_alloc_in in = {.district_id = r->user->district_id,
                      .actor = r->user->id,
                      .at = now_unix(),
                      .today = today};
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, true, &in.school_id) ||
        !body_str_or_reply(r, "term", 11, true, &in.term))
        return;
    if (!term_valid(in.term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    if (!auth_school_admin_or_reply(r, in.school_id))
        return;
    as_alloc_out out;
    verdict v = afterschool_allocation_run(r->db, &in, &out);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = out.id;
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:s,s:I,s:I,s:I,s:I}", "id", (json_int_t)out.id, "school_id",
                         (json_int_t)in.school_id, "term", in.term, "seed", (json_int_t)out.seed,
                         "pupils", (json_int_t)out.pupils, "placed", (json_int_t)out.placed,
                         "waitlisted", (json_int_t)out.waitlisted));
}

/* ---------- the roll ---------- */

void afterschool_h_take_roll(req *r)
{
    as_roll_in in = {.actor = r->user->id};
    int64_t *present = NULL, roll = 0;
    as_program_row p;
    if (!as_program_load_or_reply(r, r->params[0], &p) ||
        !auth_school_staff_or_reply(r, p.school_id))
        return;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &in.date) ||
        !ids_or_reply(r, "present", AS_MAX_LIST, true, &present, &in.npresent) ||
        !body_str_or_reply(r, "reason", 200, false, &in.reason))
        return;
    char today[AS_DATE_LEN];
    today_local(today);
    in.program_id = p.p.id;
    in.present = present;
    in.today = today;
    in.at = now_unix();
    int64_t *strangers = req_alloc(r, sizeof *strangers * (in.npresent + 1));
    size_t nstrangers = 0;
    verdict v = afterschool_roll_take(r->db, &in, &roll, strangers, &nstrangers);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v,
                      v.err == SJ_ERR_NOT_ENROLLED
                          ? json_pack("{s:o}", "student_ids", ids_json(strangers, nstrangers))
                          : NULL);
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
    json_t *o = as_store_roll_view(r->db, &p, date, today);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, o);
}

void afterschool_h_correct_roll(req *r)
{
    as_correction_in in = {.actor = r->user->id};
    as_program_row p;
    if (!as_program_load_or_reply(r, r->params[0], &p) ||
        !auth_school_staff_or_reply(r, p.school_id))
        return;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &in.date) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &in.student_id) ||
        !body_bool_or_reply(r, "present", true, &in.present) ||
        !body_str_or_reply(r, "reason", 200, true, &in.reason))
        return;
    in.program_id = p.p.id;
    in.at = now_unix();
    int64_t id = 0;
    bool before = false;
    verdict v = afterschool_roll_correct(r->db, &in, &id, &before);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v,
                      v.err == SJ_ERR_NOT_ENROLLED
                          ? json_pack("{s:o}", "student_ids", ids_json(&in.student_id, 1))
                          : NULL);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:s,s:b,s:b,s:s}", "id", (json_int_t)id, "student_id",
                         (json_int_t)in.student_id, "date", in.date, "present_before", before,
                         "present_after", in.present, "reason", in.reason));
}

/* ---------- routes ---------- */

#define GUARDIAN ROLE_BIT(ROLE_GUARDIAN)
#define DISTRICT ROLE_BIT(ROLE_DISTRICT_ADMIN)

static const route routes[] = {
    {"POST", "/api/v1/afterschool/programs", afterschool_h_create_program,
     "afterschool:program:add", AS_ADMIN_ROLES, 0},
    {"GET", "/api/v1/afterschool/programs", afterschool_h_list_programs, "afterschool:program:list",
     AS_STAFF_ROLES | GUARDIAN, 0},
    {"GET", "/api/v1/afterschool/programs/{id}", afterschool_h_get_program,
     "afterschool:program:list", AS_STAFF_ROLES | GUARDIAN, 0},
    {"POST", "/api/v1/afterschool/programs/{id}/close", afterschool_h_close_program,
     "afterschool:program:add", AS_ADMIN_ROLES, 0},
    {"GET", "/api/v1/afterschool/coverage", afterschool_h_get_coverage, "afterschool:program:list",
     AS_STAFF_ROLES, 0},
    {"POST", "/api/v1/afterschool/vendors", afterschool_h_create_vendor, "afterschool:vendor:add",
     DISTRICT, 0},
    {"GET", "/api/v1/afterschool/vendors", afterschool_h_list_vendors, "afterschool:vendor:list",
     AS_STAFF_ROLES, 0},
    {"POST", "/api/v1/afterschool/vendors/{id}/exit", afterschool_h_exit_vendor,
     "afterschool:vendor:add", DISTRICT, 0},
    {"POST", "/api/v1/afterschool/enrolments", afterschool_h_create_enrolment, "afterschool:enrol",
     AS_STAFF_ROLES | GUARDIAN, 0},
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
    {"POST", "/api/v1/afterschool/programs/{id}/attendance/corrections", afterschool_h_correct_roll,
     "afterschool:roll", AS_STAFF_ROLES, 0},

    {"GET", "/api/v1/afterschool/bills", afterschool_h_get_bill, "afterschool:family",
     AS_STAFF_ROLES | GUARDIAN, 0},
    {"POST", "/api/v1/afterschool/bills/run", afterschool_h_run_bills, "afterschool:fees",
     AS_ADMIN_ROLES, 0},
    {"POST", "/api/v1/afterschool/waivers", afterschool_h_set_waiver, "afterschool:fees",
     AS_ADMIN_ROLES, 0},
    {"GET", "/api/v1/afterschool/waivers", afterschool_h_list_waivers, "afterschool:fees",
     AS_ADMIN_ROLES, 0},
    {"DELETE", "/api/v1/afterschool/waivers/{id}", afterschool_h_delete_waiver, "afterschool:fees",
     AS_ADMIN_ROLES, 0},
    {"GET", "/api/v1/afterschool/subsidies", afterschool_h_get_subsidies, "afterschool:fees",
     AS_ADMIN_ROLES | ROLE_BIT(ROLE_INSPECTOR), 0},
    {"GET", "/api/v1/afterschool/reports/coverage", afterschool_h_get_report, "afterschool:report",
     AS_ADMIN_ROLES | ROLE_BIT(ROLE_INSPECTOR), 0},
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
