/*
 * api_inspect.c: inspections (CS-3) and their rectifications.
 *
 *   POST /api/v1/inspections                 {school_id | institution_id, date, note?,
 *                                            findings: [{rule, text, rectify_by}]}: 201 with its
 *                                            rectifications; 422 unknown_rule for a rule ID that
 *                                            POLICY.md does not have (district staff)
 *   GET  /api/v1/inspections[?school_id&institution_id]   and  GET /api/v1/inspections/{id}
 *   GET  /api/v1/inspections/rules           the rule IDs a finding may cite
 *   GET  /api/v1/rectifications?school_id&institution_id&status&overdue
 *   GET  /api/v1/rectifications/{id}         with its reports, reviews and photos
 *   POST /api/v1/rectifications/{id}/report  {text}: the school's or institution's admin
 *   POST /api/v1/rectifications/{id}/review  {passed, text}: district staff
 *   POST /api/v1/rectifications/{id}/photos  a photo of the report (at most 3)
 *   GET  /api/v1/rectifications/{id}/photos/{id}
 *
 * Scope: district staff see every inspection of the district; a school's admin only their
 * school's, an institution's admin only their institution's (a filter naming another is 403).
 */
#include <stdio.h>
#include <string.h>

#include "cases/cases_int.h"
#include "core/calendar.h"

#define MAX_FINDINGS    50
#define PHOTOS_PER_RECT 3

static bool sees(req *r, int64_t school_id, int64_t institution_id)
{
    if (auth_district_staff(r->user))
        return true;
    for (int i = 0; i < r->user->nroles; i++) {
        const role *ro = &r->user->roles[i];
        if (ro->kind == ROLE_SCHOOL_ADMIN && school_id && ro->school_id == school_id)
            return true;
        if (ro->kind == ROLE_INSTITUTION_ADMIN && institution_id &&
            ro->institution_id == institution_id)
            return true;
    }
    return false;
}

/* A list's filters for a caller who is not district staff: their own school or institution
 * only. False after replying 403. */
static bool own_filters_or_reply(req *r, int64_t *school_id, int64_t *institution_id)
{
    if (auth_district_staff(r->user))
        return true;
    int64_t own_school = 0, own_inst = 0;
    for (int i = 0; i < r->user->nroles; i++) {
        const role *ro = &r->user->roles[i];
        if (ro->kind == ROLE_SCHOOL_ADMIN && !own_school)
            own_school = ro->school_id;
        if (ro->kind == ROLE_INSTITUTION_ADMIN && !own_inst)
            own_inst = ro->institution_id;
    }
    if ((*school_id && !sees(r, *school_id, 0)) ||
        (*institution_id && !sees(r, 0, *institution_id)) || (!own_school && !own_inst)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    if (!*school_id && !*institution_id) {
        *school_id = own_school;
        *institution_id = own_school ? 0 : own_inst;
    }
    return true;
}

void cs_h_inspection_create(req *r)
{
    int64_t school_id = 0, institution_id = 0;
    const char *date, *note = NULL;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, false, &school_id) ||
        !body_int_or_reply(r, "institution_id", 1, INT64_MAX, false, &institution_id) ||
        !body_date_or_reply(r, "date", true, &date) ||
        !body_str_or_reply(r, "note", 2000, false, &note))
        return;
    if (!school_id == !institution_id) {
        reply_field(r, school_id ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "school_id",
                    "cases.inspect_one");
        return;
    }
    int64_t district = r->user->district_id, d = 0;
    if (school_id) {
        int rc = cs_store_school_district(r->db, school_id, &d);
        if (rc != DB_ROW || d != district) {
            if (rc == DB_ROW || rc == DB_DONE)
                reply_field(r, SJ_ERR_BAD_FIELD, "school_id", "cases.no_school");
            else
                reply_err(r, SJ_ERR_INTERNAL);
            return;
        }
    } else {
        cs_institution in;
        int rc = cs_ext_institution(r->db, institution_id, &in);
        if (rc != DB_ROW || in.district_id != district) {
            if (rc == DB_ROW || rc == DB_DONE)
                reply_field(r, SJ_ERR_BAD_FIELD, "institution_id", "cases.no_institution");
            else
                reply_err(r, SJ_ERR_INTERNAL);
            return;
        }
    }
    json_t *arr = json_object_get(r->body, "findings");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n == 0 || n > MAX_FINDINGS) {
        reply_err_field(r, arr ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "findings");
        return;
    }
    cases_finding_in f[MAX_FINDINGS];
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, i), *rule = json_object_get(o, "rule"),
               *text = json_object_get(o, "text"), *by = json_object_get(o, "rectify_by");
        const char *bad = !json_is_object(o) || !json_is_string(rule) ? "rule"
                          : !json_is_string(text) || json_string_length(text) == 0 ||
                                  json_string_length(text) > 3000
                              ? "text"
                          : !json_is_string(by) || !valid_date(json_string_value(by)) ||
                                  strcmp(json_string_value(by), date) < 0
                              ? "rectify_by"
                              : NULL;
        if (bad) {
            verdict v =
                verdict_err(SJ_ERR_BAD_FIELD, strcmp(bad, "rectify_by") == 0 ? "cases.rectify_by"
                                                                             : "cases.finding_bad");
            verdict_str(&v, "field", bad);
            verdict_num(&v, "index", (int64_t)i);
            reply_verdict(r, &v, NULL);
            return;
        }
        if (!cases_rule_known(json_string_value(rule))) {
            verdict v = verdict_rule("unknown_rule", "CS-3", "CS-3.unknown_rule");
            verdict_str(&v, "cited", json_string_value(rule));
            verdict_num(&v, "index", (int64_t)i);
            reply_verdict(r, &v, NULL);
            return;
        }
        f[i] = (cases_finding_in){json_string_value(rule), json_string_value(text),
                                  json_string_value(by)};
    }
    cases_actor by = cs_actor(r);
    int64_t id = 0;
    verdict v = cases_inspection_create(r->db, district, school_id, institution_id, date, note, f,
                                        n, &by, &id, NULL);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    char today[11];
    today_local(today);
    r->audit_target = id;
    json_t *o = cs_store_inspection_json(r->db, id, today);
    if (o)
        reply_json(r, 201, o);
    else
        reply_err(r, SJ_ERR_INTERNAL);
}

void cs_h_inspections(req *r)
{
    int64_t school_id, institution_id, limit, offset;
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id) ||
        !req_query_int64_or_reply(r, "institution_id", 0, &institution_id) ||
        !req_paging_or_reply(r, &limit, &offset) ||
        !own_filters_or_reply(r, &school_id, &institution_id))
        return;
    reply_page(r, cs_store_inspections(r->db, r->user->district_id, school_id, institution_id,
                                       limit, offset));
}

void cs_h_inspection_rules(req *r)
{
    json_t *items = json_array();
    for (int i = 0; cases_rule_ids[i]; i++)
        json_array_append_new(items, json_string(cases_rule_ids[i]));
    json_t *o = list_json(items, (int64_t)json_array_size(items));
    json_object_set_new(o, "rectify_days_default",
                        json_integer(policy_v(r->pol)->cs3_rectify_days_default));
    reply_json(r, 200, o);
}

void cs_h_inspection_get(req *r)
{
    cs_inspection x;
    int rc = cs_store_inspection(r->db, r->params[0], &x);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!auth_same_district_or_reply(r, x.district_id))
        return;
    if (!sees(r, x.school_id, x.institution_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    char today[11];
    today_local(today);
    reply_page(r, cs_store_inspection_json(r->db, x.id, today));
}

void cs_h_rects(req *r)
{
    char today[11];
    today_local(today);
    static const char *const statuses[] = {"open", "submitted", "passed", NULL};
    cs_rect_filter f = {.district_id = r->user->district_id, .today = today};
    const char *st = req_query(r, "status"), *od = req_query(r, "overdue");
    int64_t limit, offset;
    if (!req_query_int64_or_reply(r, "school_id", 0, &f.school_id) ||
        !req_query_int64_or_reply(r, "institution_id", 0, &f.institution_id) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    if (st && *st) {
        for (int i = 0; statuses[i]; i++)
            if (strcmp(statuses[i], st) == 0)
                f.status = statuses[i];
        if (!f.status) {
            reply_err_field(r, SJ_ERR_BAD_FIELD, "status");
            return;
        }
    }
    f.overdue = od && (strcmp(od, "true") == 0 || strcmp(od, "1") == 0);
    if (!own_filters_or_reply(r, &f.school_id, &f.institution_id))
        return;
    reply_page(r, cs_store_rects(r->db, &f, limit, offset));
}

/* The rectification of the path, if the caller sees it; false after 404/403/500. */
static bool rect_or_reply(req *r, int64_t id, cs_rect *x)
{
    int rc = cs_store_rect(r->db, id, x);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    if (!auth_same_district_or_reply(r, x->district_id))
        return false;
    if (!sees(r, x->school_id, x->institution_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}

static void reply_rect(req *r, int64_t id)
{
    char today[11];
    today_local(today);
    r->audit_target = id;
    reply_page(r, cs_store_rect_json(r->db, id, today));
}

void cs_h_rect_get(req *r)
{
    cs_rect x;
    if (rect_or_reply(r, r->params[0], &x))
        reply_rect(r, x.id);
}

void cs_h_rect_report(req *r)
{
    cs_rect x;
    const char *text;
    if (!rect_or_reply(r, r->params[0], &x))
        return;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "text", 2000, true, &text))
        return;
    cases_actor by = cs_actor(r);
    verdict v = cases_rectification_report(r->db, x.id, text, &by);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_rect(r, x.id);
}

void cs_h_rect_review(req *r)
{
    cs_rect x;
    const char *text;
    bool passed;
    if (!rect_or_reply(r, r->params[0], &x))
        return;
    if (!body_require_object_or_reply(r) || !body_bool_or_reply(r, "passed", true, &passed) ||
        !body_str_or_reply(r, "text", 2000, true, &text))
        return;
    cases_actor by = cs_actor(r);
    verdict v = cases_rectification_review(r->db, x.id, passed, text, &by);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_rect(r, x.id);
}

void cs_h_rect_photo_add(req *r)
{
    cs_rect x;
    if (!rect_or_reply(r, r->params[0], &x))
        return;
    if (strcmp(x.status, "passed") == 0) {
        verdict v = verdict_refuse(SJ_ERR_CONFLICT, "rectification_passed", "CS-3", "CS-3.passed");
        reply_verdict(r, &v, NULL);
        return;
    }
    const char *mime;
    unsigned char *clean;
    size_t len;
    if (!cs_photo_or_reply(r, &mime, &clean, &len))
        return;
    cases_actor by = cs_actor(r);
    int64_t id = 0;
    verdict v =
        cases_photo_add(r->db, x.district_id, 0, x.id, mime, clean, len, PHOTOS_PER_RECT, &by, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = x.id;
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:s,s:I}", "id", (json_int_t)id, "rectification_id",
                         (json_int_t)x.id, "mime", mime, "bytes", (json_int_t)len));
}

void cs_h_rect_photo_get(req *r)
{
    cs_rect x;
    if (!rect_or_reply(r, r->params[0], &x))
        return;
    cs_photo p;
    int rc = cs_store_photo(r->db, r->params[1], &p);
    if (rc == DB_ROW && p.rectification_id == x.id)
        cs_reply_photo(r, &p);
    else
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
    cs_photo_cleanup(&p);
}
