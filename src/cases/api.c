/*
 * api.c: the cases module's handlers for complaints and cases, and the module's route table
 * (the public tip-off routes are in api_tips.c, inspections in api_inspect.c, the ledger's
 * XLSX in api_export.c).
 *
 *   POST /api/v1/complaints                  a guardian's complaint (own pupils and contracts)
 *   GET  /api/v1/complaints                  "我的投诉": the guardian's own
 *   GET  /api/v1/complaints/{id}             one of them: status, due date, public replies
 *   POST /api/v1/cases                       a case an inspector opens
 *   GET  /api/v1/cases                       district staff all; a school admin those assigned
 *                                            to the school; status, overdue, school, institution
 *   GET  /api/v1/cases/overdue-by-school     the dashboard card (CS-1)
 *   GET  /api/v1/cases/{id}                  the case page (the tipster masked: district staff)
 *   GET  /api/v1/cases/{id}/related          same institution, same place
 *   GET  /api/v1/cases/{id}/tipster          the tipster in clear, audited (CS-2)
 *   POST /api/v1/cases/{id}/assign|replies|close|reopen|reward|penalties|enforcements
 *   POST /api/v1/enforcements/{id}/answers   a department's answer (CS-4)
 *   POST /api/v1/cases/{id}/photos           a photo (JPEG/PNG, checked, metadata removed)
 *   GET  /api/v1/cases/{id}/photos/{id}      the photo (whoever may read the case)
 *
 * Who reaches a case (case_or_reply): it must be of the caller's district (404 otherwise);
 * district staff reach every case; the admin of the school it is assigned to reaches it
 * without the tipster; the guardian who filed it reaches it through /complaints and may reopen
 * it and add photos; nobody else (403). An institution never reads a case about it.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases_int.h"
#include "core/calendar.h"

#define TEXT_MAX        2000
#define PHOTO_MAX_BYTES (5 * 1024 * 1024) /* a photo, after its metadata is gone */
#define PHOTOS_PER_CASE 3

#define DISTRICT_STAFF    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR))
#define CASE_READERS      (DISTRICT_STAFF | ROLE_BIT(ROLE_SCHOOL_ADMIN))
#define INSPECTED         (ROLE_BIT(ROLE_SCHOOL_ADMIN) | ROLE_BIT(ROLE_INSTITUTION_ADMIN))
#define INSPECTED_READERS (DISTRICT_STAFF | INSPECTED)

/* The role a user acts in, for the case's history: the broadest they hold. */
static const char *acting_role(const user *u)
{
    if (auth_has(u, ROLE_INSPECTOR))
        return "inspector";
    if (auth_has(u, ROLE_DISTRICT_ADMIN))
        return "district_admin";
    if (auth_has(u, ROLE_SCHOOL_ADMIN))
        return "school_admin";
    if (auth_has(u, ROLE_INSTITUTION_ADMIN))
        return "institution_admin";
    return "guardian";
}

cases_actor cs_actor(req *r)
{
    return (cases_actor){.id = r->user->id, .role = acting_role(r->user)};
}

static bool reply_v(req *r, verdict v)
{
    if (verdict_is_ok(&v))
        return true;
    reply_verdict(r, &v, NULL);
    return false;
}

static void today(char out[11])
{
    today_local(out);
}

/* ---------- who reaches a case ---------- */

enum { SEE_STAFF = 1, SEE_SCHOOL = 2, SEE_FILER = 4 };

/* Loads the case of the path and checks the caller is one of `who`; false after 404/403/500. */
static bool case_or_reply(req *r, int64_t id, unsigned who, cs_case *k)
{
    int rc = cs_store_case(r->db, id, k);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    if (!auth_same_district_or_reply(r, k->district_id))
        return false;
    bool ok =
        ((who & SEE_STAFF) && auth_district_staff(r->user)) ||
        ((who & SEE_SCHOOL) && k->assigned_school_id &&
         auth_school_admin(r->user, k->assigned_school_id)) ||
        ((who & SEE_FILER) && k->filed_by == r->user->id && strcmp(k->source, "complaint") == 0);
    if (!ok)
        reply_err(r, SJ_ERR_FORBIDDEN);
    return ok;
}

static void reply_case(req *r, int status, const cs_case *k0)
{
    cs_case k;
    char d[11];
    today(d);
    if (cs_store_case(r->db, k0->id, &k) != DB_ROW) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    bool staff = auth_district_staff(r->user);
    json_t *o = cs_store_case_json(r->db, &k, d, true, staff);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    if (k.institution_id) {
        cs_institution in;
        if (cs_ext_institution(r->db, k.institution_id, &in) == DB_ROW)
            json_object_set_new(o, "institution",
                                json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)in.id, "name",
                                          in.name, "state", in.state, "list", in.list));
    }
    r->audit_target = k.id;
    reply_json(r, status, o);
}

/* ---------- filing ---------- */

/* The body's category: one of API.md's ten. */
static bool category_or_reply(req *r, const char **out)
{
    int idx;
    if (!body_enum_or_reply(r, "category", cases_categories, true, &idx))
        return false;
    *out = cases_categories[idx];
    return true;
}

/* A school of the caller's district (404), or 0 when absent. */
static bool school_in_district_or_reply(req *r, int64_t district_id, int64_t school_id)
{
    int64_t d = 0;
    int rc = cs_store_school_district(r->db, school_id, &d);
    if (rc == DB_ROW && d == district_id)
        return true;
    if (rc == DB_ROW || rc == DB_DONE)
        reply_field(r, SJ_ERR_BAD_FIELD, "school_id", "cases.no_school");
    else
        reply_err(r, SJ_ERR_INTERNAL);
    return false;
}

static bool institution_in_district_or_reply(req *r, int64_t district_id, int64_t id)
{
    cs_institution in;
    int rc = cs_ext_institution(r->db, id, &in);
    if (rc == DB_ROW && in.district_id == district_id)
        return true;
    if (rc == DB_ROW || rc == DB_DONE)
        reply_field(r, SJ_ERR_BAD_FIELD, "institution_id", "cases.no_institution");
    else
        reply_err(r, SJ_ERR_INTERNAL);
    return false;
}

static void h_complaint(req *r)
{
    const char *category, *text;
    int64_t student_id = 0, school_id = 0, institution_id = 0, contract_id = 0;
    if (!body_require_object_or_reply(r) || !category_or_reply(r, &category) ||
        !body_str_or_reply(r, "text", TEXT_MAX, true, &text) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, false, &student_id) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, false, &school_id) ||
        !body_int_or_reply(r, "institution_id", 1, INT64_MAX, false, &institution_id) ||
        !body_int_or_reply(r, "contract_id", 1, INT64_MAX, false, &contract_id))
        return;
    int64_t district = r->user->district_id;
    /* a pupil or a contract named must be the caller's own family's */
    if (student_id) {
        int64_t s_school = 0, s_district = 0;
        int rc = cs_store_student(r->db, student_id, &s_school, &s_district);
        if (rc != DB_ROW && rc != DB_DONE) {
            reply_err(r, SJ_ERR_INTERNAL);
            return;
        }
        if (rc == DB_DONE || s_district != district || !auth_guardian_of(r, student_id)) {
            reply_err(r, SJ_ERR_FORBIDDEN);
            return;
        }
        if (!school_id)
            school_id = s_school;
    }
    if (contract_id) {
        cs_contract ct;
        int rc = cs_ext_contract(r->db, contract_id, &ct);
        if (rc != DB_ROW && rc != DB_DONE) {
            reply_err(r, SJ_ERR_INTERNAL);
            return;
        }
        if (rc == DB_DONE || ct.district_id != district || ct.guardian_id != r->user->id) {
            reply_err(r, SJ_ERR_FORBIDDEN);
            return;
        }
        if (institution_id && institution_id != ct.institution_id) {
            reply_field(r, SJ_ERR_BAD_FIELD, "institution_id", "cases.contract_institution");
            return;
        }
        institution_id = ct.institution_id;
    }
    if ((school_id && !school_in_district_or_reply(r, district, school_id)) ||
        (institution_id && !institution_in_district_or_reply(r, district, institution_id)))
        return;
    cases_new in = {.district_id = district,
                    .school_id = school_id,
                    .institution_id = institution_id,
                    .contract_id = contract_id,
                    .student_id = student_id,
                    .source = "complaint",
                    .category = category,
                    .text = text,
                    .by = cs_actor(r),
                    .data_key = r->app->data_key};
    cases_created out;
    if (!reply_v(r, cases_file(r->db, r->pol, &in, &out)))
        return;
    r->audit_target = out.id;
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s}", "id", (json_int_t)out.id, "due_date", out.due_date,
                         "status", out.status));
}

static void h_case_open(req *r)
{
    const char *category, *text, *place = NULL;
    int64_t school_id = 0, institution_id = 0;
    if (!body_require_object_or_reply(r) || !category_or_reply(r, &category) ||
        !body_str_or_reply(r, "text", TEXT_MAX, true, &text) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, false, &school_id) ||
        !body_int_or_reply(r, "institution_id", 1, INT64_MAX, false, &institution_id) ||
        !body_str_or_reply(r, "place", 200, false, &place))
        return;
    int64_t district = r->user->district_id;
    if ((school_id && !school_in_district_or_reply(r, district, school_id)) ||
        (institution_id && !institution_in_district_or_reply(r, district, institution_id)))
        return;
    cases_new in = {.district_id = district,
                    .school_id = school_id,
                    .institution_id = institution_id,
                    .source = "inspector",
                    .category = category,
                    .text = text,
                    .place = place,
                    .by = cs_actor(r),
                    .data_key = r->app->data_key};
    cases_created out;
    if (!reply_v(r, cases_file(r->db, r->pol, &in, &out)))
        return;
    reply_case(r, 201, &(cs_case){.id = out.id});
}

/* ---------- lists ---------- */

static bool status_query_or_reply(req *r, const char *key, const char *const *allowed,
                                  const char **out)
{
    const char *s = req_query(r, key);
    *out = NULL;
    if (!s || !*s)
        return true;
    for (int i = 0; allowed[i]; i++)
        if (strcmp(allowed[i], s) == 0) {
            *out = allowed[i];
            return true;
        }
    reply_err_field(r, SJ_ERR_BAD_FIELD, key);
    return false;
}

static bool bool_query(req *r, const char *key)
{
    const char *s = req_query(r, key);
    return s && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
}

static void h_cases(req *r)
{
    char d[11];
    today(d);
    cs_filter f = {
        .district_id = r->user->district_id, .today = d, .overdue = bool_query(r, "overdue")};
    int64_t limit, offset;
    if (!req_query_int64_or_reply(r, "school_id", 0, &f.school_id) ||
        !req_query_int64_or_reply(r, "institution_id", 0, &f.institution_id) ||
        !status_query_or_reply(r, "status", cases_statuses, &f.status) ||
        !status_query_or_reply(r, "category", cases_categories, &f.category) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    if (!auth_district_staff(r->user)) {
        /* a school admin: the cases assigned to their school, and only that school */
        int64_t own = 0;
        for (int i = 0; i < r->user->nroles; i++)
            if (r->user->roles[i].kind == ROLE_SCHOOL_ADMIN)
                own = r->user->roles[i].school_id;
        int64_t want = f.school_id ? f.school_id : own;
        if (!auth_school_admin(r->user, want) || f.institution_id) {
            reply_err(r, SJ_ERR_FORBIDDEN);
            return;
        }
        f.assigned_school_id = want;
        f.school_id = 0;
    }
    reply_page(r, cs_store_list(r->db, &f, limit, offset));
}

static void h_overdue_by_school(req *r)
{
    char d[11];
    today(d);
    reply_page(r, cs_store_overdue_by_school(r->db, r->user->district_id, d));
}

static void h_complaints(req *r)
{
    char d[11];
    today(d);
    int64_t limit, offset;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    cs_filter f = {.district_id = r->user->district_id, .filed_by = r->user->id, .today = d};
    reply_page(r, cs_store_list(r->db, &f, limit, offset));
}

static void h_complaint_get(req *r)
{
    cs_case k;
    char d[11];
    today(d);
    if (!case_or_reply(r, r->params[0], SEE_FILER, &k))
        return;
    json_t *o = cs_store_case_public(r->db, &k, d);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    /* may the guardian reopen it now (CS-1)? */
    cases_reopen_in x = {.by_filer = true,
                         .status = k.status,
                         .reopened = k.reopened,
                         .answered_on = k.closed_on[0] ? k.closed_on : k.answered_on,
                         .today = d};
    verdict v = cases_reopen_check(r->pol, &x);
    json_object_set_new(o, "id", json_integer(k.id));
    json_object_set_new(o, "can_reopen", json_boolean(verdict_is_ok(&v)));
    json_object_set_new(o, "reopened", json_integer(k.reopened));
    reply_json(r, 200, o);
}

/* ---------- one case ---------- */

static void h_case_get(req *r)
{
    cs_case k;
    if (!case_or_reply(r, r->params[0], SEE_STAFF | SEE_SCHOOL, &k))
        return;
    reply_case(r, 200, &k);
}

static void h_related(req *r)
{
    cs_case k;
    int64_t limit, offset;
    char d[11];
    today(d);
    if (!case_or_reply(r, r->params[0], SEE_STAFF, &k) || !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, cs_store_related(r->db, &k, d, limit, offset));
}

static void h_tipster(req *r)
{
    cs_case k;
    if (!case_or_reply(r, r->params[0], SEE_STAFF, &k))
        return;
    char *name = NULL, *phone = NULL;
    int rc = cs_store_tipster(r->db, r->app->data_key, k.id, &name, &phone);
    if (rc == DB_DONE) {
        verdict v = verdict_err(SJ_ERR_NOT_FOUND, "cases.anonymous");
        verdict_str(&v, "field", "tipster");
        reply_verdict(r, &v, NULL);
        return;
    }
    if (rc != DB_ROW) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    cases_actor by = cs_actor(r);
    verdict v = cases_tipster_revealed(r->db, k.id, &by);
    if (verdict_is_ok(&v)) {
        audit_record(r, "reveal tipster", "case", k.id, "CS-2");
        reply_json(r, 200,
                   json_pack("{s:I,s:s?,s:s?}", "case_id", (json_int_t)k.id, "name", name, "phone",
                             phone));
    } else {
        reply_verdict(r, &v, NULL);
    }
    if (name)
        sodium_memzero(name, strlen(name));
    if (phone)
        sodium_memzero(phone, strlen(phone));
    free(name);
    free(phone);
}

/* ---------- working a case ---------- */

static void h_assign(req *r)
{
    cs_case k;
    int64_t school_id = 0, user_id = 0;
    if (!case_or_reply(r, r->params[0], SEE_STAFF, &k))
        return;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, false, &school_id) ||
        !body_int_or_reply(r, "user_id", 1, INT64_MAX, false, &user_id))
        return;
    if (!school_id == !user_id) {
        reply_field(r, school_id ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "school_id",
                    "cases.assign_one");
        return;
    }
    if (school_id && !school_in_district_or_reply(r, k.district_id, school_id))
        return;
    if (user_id && !cs_store_district_staff_user(r->db, k.district_id, user_id)) {
        reply_field(r, SJ_ERR_BAD_FIELD, "user_id", "cases.assign_user");
        return;
    }
    cases_actor by = cs_actor(r);
    if (!reply_v(r, cases_assign(r->db, k.id, school_id, user_id, &by)))
        return;
    reply_case(r, 200, &k);
}

static void h_reply(req *r)
{
    cs_case k;
    const char *text;
    bool public = false;
    if (!case_or_reply(r, r->params[0], SEE_STAFF | SEE_SCHOOL, &k))
        return;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "text", TEXT_MAX, true, &text) ||
        !body_bool_or_reply(r, "public", true, &public))
        return;
    cases_actor by = cs_actor(r);
    if (!auth_district_staff(r->user))
        by.role = "school_admin";
    int64_t id = 0;
    if (!reply_v(r, cases_reply(r->db, k.id, text, public, &by, &id)))
        return;
    r->audit_target = k.id;
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:b,s:s}", "id", (json_int_t)id, "case_id", (json_int_t)k.id,
                         "public", public, "text", text));
}

static void h_close(req *r)
{
    cs_case k;
    const char *text;
    int outcome;
    if (!case_or_reply(r, r->params[0], SEE_STAFF, &k))
        return;
    if (!body_require_object_or_reply(r) ||
        !body_enum_or_reply(r, "outcome", cases_outcomes, true, &outcome) ||
        !body_str_or_reply(r, "text", TEXT_MAX, true, &text))
        return;
    cases_actor by = cs_actor(r);
    if (!reply_v(r, cases_close(r->db, k.id, cases_outcomes[outcome], text, &by)))
        return;
    reply_case(r, 200, &k);
}

static void h_reopen(req *r)
{
    cs_case k;
    const char *text;
    if (!case_or_reply(r, r->params[0], SEE_STAFF | SEE_FILER, &k))
        return;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "text", TEXT_MAX, true, &text))
        return;
    bool staff = auth_district_staff(r->user);
    cases_actor by = cs_actor(r);
    if (!reply_v(r, cases_reopen(r->db, r->pol, k.id, text, !staff, &by)))
        return;
    if (staff) {
        reply_case(r, 200, &k);
        return;
    }
    char d[11];
    today(d);
    cs_case now;
    json_t *o =
        cs_store_case(r->db, k.id, &now) == DB_ROW ? cs_store_case_public(r->db, &now, d) : NULL;
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_object_set_new(o, "id", json_integer(k.id));
    r->audit_target = k.id;
    reply_json(r, 200, o);
}

static void h_reward(req *r)
{
    cs_case k;
    int64_t amount;
    const char *text = NULL;
    if (!case_or_reply(r, r->params[0], SEE_STAFF, &k))
        return;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "amount_fen", 0, INT64_MAX, true, &amount) ||
        !body_str_or_reply(r, "text", TEXT_MAX, false, &text))
        return;
    cases_actor by = cs_actor(r);
    int64_t id = 0;
    if (!reply_v(r, cases_reward(r->db, r->pol, k.id, amount, text, &by, &id)))
        return;
    r->audit_target = k.id;
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:I}", "id", (json_int_t)id, "case_id", (json_int_t)k.id,
                         "amount_fen", (json_int_t)amount));
}

static void h_penalty(req *r)
{
    cs_case k;
    int64_t institution_id = 0, income = 0, fine = 0;
    const char *party = NULL, *text = NULL;
    bool serious = false;
    int rule;
    static const char *const rules[] = {"PN-1", "PN-2", NULL};
    if (!case_or_reply(r, r->params[0], SEE_STAFF, &k))
        return;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "institution_id", 1, INT64_MAX, false, &institution_id) ||
        !body_str_or_reply(r, "party", 100, false, &party) ||
        !body_enum_or_reply(r, "rule", rules, true, &rule) ||
        !body_int_or_reply(r, "illegal_income_fen", 0, INT64_MAX / 16, rule == 0, &income) ||
        !body_int_or_reply(r, "fine_fen", 0, INT64_MAX / 16, true, &fine) ||
        !body_bool_or_reply(r, "serious", false, &serious) ||
        !body_str_or_reply(r, "text", TEXT_MAX, false, &text))
        return;
    json_t *ms = json_object_get(r->body, "measures");
    unsigned measures = 0;
    if (ms && !json_is_array(ms)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "measures");
        return;
    }
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m)
    {
        int found = -1;
        for (int j = 0; cases_measures[j] && json_is_string(m); j++)
            if (strcmp(cases_measures[j], json_string_value(m)) == 0)
                found = j;
        if (found < 0 || (measures & CASES_MEASURE(found))) {
            reply_err_field(r, SJ_ERR_BAD_FIELD, "measures");
            return;
        }
        measures |= CASES_MEASURE(found);
    }
    if (!institution_id && !party) {
        reply_field(r, SJ_ERR_MISSING_FIELD, "institution_id", "cases.penalty_party");
        return;
    }
    /* an unregistered party may be ordered to stop (recorded); refunds and the black list
     * work on the registry */
    unsigned on_inst = CASES_MEASURE(CASES_REFUND) | CASES_MEASURE(CASES_BLACKLIST);
    if (!institution_id && (measures & on_inst)) {
        reply_field(r, SJ_ERR_MISSING_FIELD, "institution_id", "cases.measure_institution");
        return;
    }
    if (institution_id && !institution_in_district_or_reply(r, k.district_id, institution_id))
        return;
    cases_penalty_in in = {
        .case_id = k.id,
        .institution_id = institution_id,
        .party = party,
        .p = {.pn2 = rule == 1, .serious = serious, .illegal_income_fen = income, .fine_fen = fine},
        .measures = measures,
        .text = text,
        .by = cs_actor(r)};
    cases_penalty_out out;
    if (!reply_v(r, cases_penalty_decide(r->db, r->pol, &in, &out)))
        return;
    r->audit_target = k.id;
    json_t *list = json_array();
    for (int j = 0; cases_measures[j]; j++)
        if (measures & CASES_MEASURE(j))
            json_array_append_new(list, json_string(cases_measures[j]));
    json_t *o = json_pack(
        "{s:I,s:I,s:s,s:b,s:I,s:I,s:o,s:I,s:I}", "id", (json_int_t)out.id, "case_id",
        (json_int_t)k.id, "rule", rules[rule], "serious", serious, "illegal_income_fen",
        (json_int_t)income, "fine_fen", (json_int_t)fine, "measures", list, "contracts_refunded",
        (json_int_t)out.contracts_refunded, "refund_fen", (json_int_t)out.refund_fen);
    if (institution_id)
        json_object_set_new(o, "institution",
                            json_pack("{s:I,s:s,s:s}", "id", (json_int_t)institution_id, "state",
                                      out.institution_state, "list", out.institution_list));
    reply_json(r, 201, o);
}

#define MAX_DEPTS 16

static void h_enforcement(req *r)
{
    cs_case k;
    const char *date, *place, *findings;
    if (!case_or_reply(r, r->params[0], SEE_STAFF, &k))
        return;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &date) ||
        !body_str_or_reply(r, "place", 200, true, &place) ||
        !body_str_or_reply(r, "findings", TEXT_MAX, true, &findings))
        return;
    json_t *arr = json_object_get(r->body, "departments");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n == 0 || n > MAX_DEPTS) {
        reply_err_field(r, arr ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "departments");
        return;
    }
    cases_dept_in d[MAX_DEPTS];
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, i);
        json_t *dep = json_object_get(o, "department"), *task = json_object_get(o, "task"),
               *ans = json_object_get(o, "answer");
        size_t tl = json_string_length(task), al = json_string_length(ans);
        if (!json_is_object(o) || !json_is_string(dep) || !json_is_string(task) || tl == 0 ||
            tl > 3 * 500 ||
            (ans && !json_is_null(ans) && (!json_is_string(ans) || al > 3 * 1000))) {
            verdict v = verdict_err(SJ_ERR_BAD_FIELD, "cases.department_bad");
            verdict_str(&v, "field", "departments");
            verdict_num(&v, "index", (int64_t)i);
            reply_verdict(r, &v, NULL);
            return;
        }
        d[i] = (cases_dept_in){json_string_value(dep), json_string_value(task),
                               json_is_string(ans) && al ? json_string_value(ans) : NULL};
    }
    cases_actor by = cs_actor(r);
    int64_t id = 0;
    if (!reply_v(r,
                 cases_enforcement_add(r->db, r->pol, k.id, date, place, findings, d, n, &by, &id)))
        return;
    reply_case(r, 201, &k);
}

static void h_enforcement_answer(req *r)
{
    const char *dep, *answer;
    int64_t case_id = 0;
    /* the action's case decides who may answer for its departments */
    int rc = cs_store_enforcement_case(r->db, r->params[0], &case_id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    cs_case k;
    if (!case_or_reply(r, case_id, SEE_STAFF, &k))
        return;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "department", 20, true, &dep) ||
        !body_str_or_reply(r, "answer", 1000, true, &answer))
        return;
    cases_actor by = cs_actor(r);
    if (!reply_v(r, cases_enforcement_answer(r->db, r->params[0], dep, answer, &by)))
        return;
    reply_case(r, 200, &k);
}

/* ---------- photos ---------- */

bool cs_photo_or_reply(req *r, const char **mime, unsigned char **clean, size_t *len)
{
    const unsigned char *in = (const unsigned char *)r->raw_body;
    size_t n = r->raw_len;
    cases_photo_kind kind = cases_photo_sniff(in, n);
    if (kind == CASES_PHOTO_BAD) {
        reply_field(r, SJ_ERR_BAD_FIELD, "photo", "cases.photo_kind");
        return false;
    }
    *clean = req_alloc(r, n ? n : 1);
    *len = cases_photo_strip(in, n, *clean);
    if (*len == 0) {
        reply_field(r, SJ_ERR_BAD_FIELD, "photo", "cases.photo_broken");
        return false;
    }
    if (*len > PHOTO_MAX_BYTES) {
        verdict v = verdict_err(SJ_ERR_TOO_LARGE, "cases.photo_too_large");
        verdict_num(&v, "max_bytes", PHOTO_MAX_BYTES);
        verdict_num(&v, "bytes", (int64_t)*len);
        reply_verdict(r, &v, NULL);
        return false;
    }
    *mime = kind == CASES_PHOTO_JPEG ? "image/jpeg" : "image/png";
    return true;
}

void cs_reply_photo(req *r, const cs_photo *p)
{
    size_t blen = strlen(p->data), n = 0;
    unsigned char *bin = req_alloc(r, blen + 1);
    if (sodium_base642bin(bin, blen + 1, p->data, blen, NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_raw(r, 200, p->mime, (const char *)bin, n);
}

static void h_photo_add(req *r)
{
    cs_case k;
    if (!case_or_reply(r, r->params[0], SEE_STAFF | SEE_SCHOOL | SEE_FILER, &k))
        return;
    const char *mime;
    unsigned char *clean;
    size_t len;
    if (!cs_photo_or_reply(r, &mime, &clean, &len))
        return;
    cases_actor by = cs_actor(r);
    int64_t id = 0;
    if (!reply_v(r, cases_photo_add(r->db, k.district_id, k.id, 0, mime, clean, len,
                                    PHOTOS_PER_CASE, &by, &id)))
        return;
    r->audit_target = k.id;
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:s,s:I}", "id", (json_int_t)id, "case_id", (json_int_t)k.id,
                         "mime", mime, "bytes", (json_int_t)len));
}

static void h_photo_get(req *r)
{
    cs_case k;
    if (!case_or_reply(r, r->params[0], SEE_STAFF | SEE_SCHOOL | SEE_FILER, &k))
        return;
    cs_photo p;
    int rc = cs_store_photo(r->db, r->params[1], &p);
    if (rc == DB_ROW && p.case_id == k.id)
        cs_reply_photo(r, &p);
    else
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
    cs_photo_cleanup(&p);
}

/* ---------- the route table ---------- */

static const route routes[] = {
    /* tip-offs: anyone, no login (api_tips.c) */
    {"POST", "/api/v1/tips", cs_h_tip_file, PERM_PUBLIC, 0, 0},
    {"GET", "/api/v1/tips/{id}", cs_h_tip_status, PERM_PUBLIC, 0, 0},
    {"POST", "/api/v1/tips/{id}/photos", cs_h_tip_photo, PERM_PUBLIC, 0, ROUTE_RAW_BODY},
    {"GET", "/api/v1/public/schools", cs_h_public_schools, PERM_PUBLIC, 0, 0},
    {"GET", "/api/v1/public/institutions/{id}/penalties", cs_h_public_penalties, PERM_PUBLIC, 0, 0},
    /* complaints and cases (this file) */
    {"POST", "/api/v1/complaints", h_complaint, "cases:complaint:add", ROLE_BIT(ROLE_GUARDIAN), 0},
    {"GET", "/api/v1/complaints", h_complaints, "cases:complaint:list", ROLE_BIT(ROLE_GUARDIAN), 0},
    {"GET", "/api/v1/complaints/{id}", h_complaint_get, "cases:complaint:list",
     ROLE_BIT(ROLE_GUARDIAN), 0},
    {"POST", "/api/v1/cases", h_case_open, "cases:case:add", DISTRICT_STAFF, 0},
    {"GET", "/api/v1/cases", h_cases, "cases:case:list", CASE_READERS, 0},
    {"GET", "/api/v1/cases/overdue-by-school", h_overdue_by_school, "cases:case:overdue",
     DISTRICT_STAFF, 0},
    {"GET", "/api/v1/cases/ledger.xlsx", cs_h_ledger_xlsx, "cases:ledger:export", DISTRICT_STAFF,
     0},
    {"GET", "/api/v1/cases/{id}", h_case_get, "cases:case:list", CASE_READERS, 0},
    {"GET", "/api/v1/cases/{id}/related", h_related, "cases:case:handle", DISTRICT_STAFF, 0},
    {"GET", "/api/v1/cases/{id}/tipster", h_tipster, "cases:tipster:reveal", DISTRICT_STAFF, 0},
    {"POST", "/api/v1/cases/{id}/assign", h_assign, "cases:case:handle", DISTRICT_STAFF, 0},
    {"POST", "/api/v1/cases/{id}/replies", h_reply, "cases:case:reply", CASE_READERS, 0},
    {"POST", "/api/v1/cases/{id}/close", h_close, "cases:case:handle", DISTRICT_STAFF, 0},
    {"POST", "/api/v1/cases/{id}/reopen", h_reopen, "cases:case:reopen",
     DISTRICT_STAFF | ROLE_BIT(ROLE_GUARDIAN), 0},
    {"POST", "/api/v1/cases/{id}/reward", h_reward, "cases:case:handle", DISTRICT_STAFF, 0},
    {"POST", "/api/v1/cases/{id}/penalties", h_penalty, "cases:penalty:add",
     ROLE_BIT(ROLE_INSPECTOR), 0},
    {"POST", "/api/v1/cases/{id}/enforcements", h_enforcement, "cases:case:handle", DISTRICT_STAFF,
     0},
    {"POST", "/api/v1/enforcements/{id}/answers", h_enforcement_answer, "cases:case:handle",
     DISTRICT_STAFF, 0},
    {"POST", "/api/v1/cases/{id}/photos", h_photo_add, "cases:photo:add",
     CASE_READERS | ROLE_BIT(ROLE_GUARDIAN), ROUTE_RAW_BODY},
    {"GET", "/api/v1/cases/{id}/photos/{id}", h_photo_get, "cases:photo:view",
     CASE_READERS | ROLE_BIT(ROLE_GUARDIAN), 0},
    /* inspections and rectifications (api_inspect.c) */
    {"POST", "/api/v1/inspections", cs_h_inspection_create, "cases:inspection:add", DISTRICT_STAFF,
     0},
    {"GET", "/api/v1/inspections", cs_h_inspections, "cases:inspection:list", INSPECTED_READERS, 0},
    {"GET", "/api/v1/inspections/rules", cs_h_inspection_rules, "cases:inspection:add",
     DISTRICT_STAFF, 0},
    {"GET", "/api/v1/inspections/{id}", cs_h_inspection_get, "cases:inspection:list",
     INSPECTED_READERS, 0},
    {"GET", "/api/v1/rectifications", cs_h_rects, "cases:rectification:list", INSPECTED_READERS, 0},
    {"GET", "/api/v1/rectifications/{id}", cs_h_rect_get, "cases:rectification:list",
     INSPECTED_READERS, 0},
    {"POST", "/api/v1/rectifications/{id}/report", cs_h_rect_report, "cases:rectification:report",
     INSPECTED, 0},
    {"POST", "/api/v1/rectifications/{id}/review", cs_h_rect_review, "cases:rectification:review",
     DISTRICT_STAFF, 0},
    {"POST", "/api/v1/rectifications/{id}/photos", cs_h_rect_photo_add,
     "cases:rectification:report", INSPECTED, ROUTE_RAW_BODY},
    {"GET", "/api/v1/rectifications/{id}/photos/{id}", cs_h_rect_photo_get,
     "cases:rectification:list", INSPECTED_READERS, 0},
};

const route *cases_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
