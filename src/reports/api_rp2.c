/*
 * api_rp2.c: RP-2's HTTP handlers (the routes are in api.c's table):
 *
 *   GET    /api/v1/schools/{id}/ledger?term=T            the school's work ledger (工作台账)
 *   GET    /api/v1/schools/{id}/ledger.xlsx?term=T       the same as a workbook
 *   POST   /api/v1/typical-cases                         a school submits a case (school_admin)
 *   GET    /api/v1/typical-cases?school_id&term&status   cases (a school its own; district all)
 *   GET    /api/v1/typical-cases/{id}                    one case with its photos' ids
 *   PUT    /api/v1/typical-cases/{id}                    edit (the school while submitted; the
 *                                                        district until published)
 *   POST   /api/v1/typical-cases/{id}/select             {"selected":bool} (district_admin)
 *   POST   /api/v1/typical-cases/{id}/publish            (district_admin)
 *   POST   /api/v1/typical-cases/{id}/photos             the photo's bytes (JPEG or PNG; its
 *                                                        metadata removed before it is stored)
 *   GET    /api/v1/typical-cases/{id}/photos/{id}        the photo
 *   DELETE /api/v1/typical-cases/{id}/photos/{id}
 *   GET    /api/v1/reports/compilation?term=T            the term compilation (成果汇编)
 *
 * A school's people see their own school's ledger and cases only; district staff see all of
 * the district; nobody sees another district's (404).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "core/calendar.h"
#include "reports/reports_int.h"

#define CASE_TITLE_MAX 100
#define CASE_BODY_MAX  10000

/* The term of ?term= (default: the one today is in) with its first and last day, the last no
 * later than today; false after replying. */
static bool term_or_reply(req *r, char term[16], char first[11], char last[11], char today[11])
{
    const char *t = req_query(r, "term");
    today_local(today);
    if (t && !term_valid(t)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return false;
    }
    if (t)
        snprintf(term, 16, "%s", t);
    else
        term_of_date(today, term);
    int rc = calendar_term_bounds(r->db, r->user->district_id, term, first, last);
    if (rc != DB_ROW) {
        reply_db(r, rc);
        return false;
    }
    return true;
}

/* The school of the path, which the caller may read (its admin, district staff); false after
 * replying 404/403. */
static bool school_reader_or_reply(req *r, int64_t school_id)
{
    if (!auth_school_exists_or_reply(r, school_id))
        return false;
    if (!auth_district_staff(r->user) && !auth_school_admin(r->user, school_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}

/* The ledger of the path's school over ?term= (up to today); NULL after replying. */
static json_t *ledger_or_reply(req *r, char term[16])
{
    int64_t school_id = r->params[0];
    char first[11], last[11], today[11];
    if (!school_reader_or_reply(r, school_id) || !term_or_reply(r, term, first, last, today))
        return NULL;
    if (strcmp(last, today) > 0)
        snprintf(last, 11, "%s", today);
    json_t *o = NULL;
    int rc = strcmp(first, last) > 0
                 ? DB_OK
                 : rp_ledger(r->db, r->pol, r->user->district_id, school_id, first, last, &o);
    if (rc == DB_OK && !o) /* the term has not begun: an empty ledger */
        o = json_pack("{s:I,s:s,s:s,s:[],s:[],s:n,s:n,s:n}", "school_id", (json_int_t)school_id,
                      "from", first, "to", first, "homework", "afterschool", "inspections",
                      "complaints", "notices");
    if (rc != DB_OK) {
        reply_db(r, rc == DB_DONE ? DB_ERROR : rc);
        return NULL;
    }
    json_object_set_new(o, "term", json_string(term));
    return o;
}

void rp_h_ledger(req *r)
{
    char term[16];
    json_t *o = ledger_or_reply(r, term);
    if (o)
        reply_json(r, 200, o);
}

void rp_h_ledger_xlsx(req *r)
{
    char term[16];
    json_t *o = ledger_or_reply(r, term);
    if (!o)
        return;
    xlsx_book b;
    if (!xlsx_open_or_reply(r, &b, "ledger")) {
        json_decref(o);
        return;
    }
    const char *name = req_strdup(r, json_string_value(json_object_get(o, "name"))
                                         ? json_string_value(json_object_get(o, "name"))
                                         : "");
    rp_ledger_sheets(&b, o, name);
    json_decref(o);
    if (!xlsx_finish_or_reply(r, &b))
        return;
    audit_record(r, "export school ledger", "school", r->params[0], term);
    xlsx_reply(r, &b, req_printf(r, "ledger-%lld-%s.xlsx", (long long)r->params[0], term),
               req_printf(r, "工作台账-%s-%s.xlsx", name, term));
}

/* ---------- typical cases ---------- */

/* The school a school admin acts for: body/query school_id, else the one school they admin. */
static int64_t own_school(const req *r)
{
    for (int i = 0; i < r->user->nroles; i++)
        if (r->user->roles[i].kind == ROLE_SCHOOL_ADMIN)
            return r->user->roles[i].school_id;
    return 0;
}

/* Loads the path's case in the caller's district and checks the caller may read it (its
 * school's admin, district staff); false after replying 404/403. */
static bool case_or_reply(req *r, rp_case_head *h)
{
    int rc = rp_store_case(r->db, r->params[0], h);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    if (!auth_same_district_or_reply(r, h->district_id))
        return false;
    if (!auth_district_staff(r->user) && !auth_school_admin(r->user, h->school_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}

/* The caller may change the case: the district's admin, or the school's admin. */
static bool case_editor_or_reply(req *r, const rp_case_head *h, bool *by_school)
{
    *by_school = !auth_district(r->user);
    if (*by_school && !auth_school_admin(r->user, h->school_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}

static void reply_case(req *r, int status, int64_t id)
{
    json_t *o = rp_store_case_json(r->db, id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, status, o);
}

void rp_h_case_create(req *r)
{
    int64_t school_id = 0;
    const char *term = NULL, *title, *body;
    int topic = 0;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, false, &school_id) ||
        !body_str_or_reply(r, "term", 11, false, &term) ||
        !body_enum_or_reply(r, "topic", reports_case_topics, true, &topic) ||
        !body_str_or_reply(r, "title", CASE_TITLE_MAX, true, &title) ||
        !body_str_or_reply(r, "body", CASE_BODY_MAX, true, &body))
        return;
    if (!school_id)
        school_id = own_school(r);
    if (!auth_school_exists_or_reply(r, school_id) || !auth_school_admin_or_reply(r, school_id))
        return;
    char cur[16], today[11];
    if (term && !term_valid(term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    today_local(today);
    term_of_date(today, cur);
    rp_case_in in = {.district_id = r->user->district_id,
                     .school_id = school_id,
                     .actor = r->user->id,
                     .term = term ? term : cur,
                     .topic = reports_case_topics[topic],
                     .title = title,
                     .body = body};
    int64_t id = 0;
    verdict v = reports_case_submit(r->db, &in, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = id;
    reply_case(r, 201, id);
}

void rp_h_case_list(req *r)
{
    int64_t school_id, limit, offset;
    const char *term = req_query(r, "term"), *status = req_query(r, "status");
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    if (term && !term_valid(term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    bool known = !status;
    for (int i = 0; status && reports_case_statuses[i]; i++)
        known |= strcmp(status, reports_case_statuses[i]) == 0;
    if (!known) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "status");
        return;
    }
    if (!auth_district_staff(r->user)) {
        /* a school sees its own cases only */
        if (!school_id)
            school_id = own_school(r);
        if (!auth_school_exists_or_reply(r, school_id) || !auth_school_admin_or_reply(r, school_id))
            return;
    } else if (school_id && !auth_school_exists_or_reply(r, school_id)) {
        return;
    }
    reply_page(r, rp_store_cases_page(r->db, r->user->district_id, school_id, term, status, limit,
                                      offset));
}

void rp_h_case_get(req *r)
{
    rp_case_head h;
    if (case_or_reply(r, &h))
        reply_case(r, 200, h.id);
}

void rp_h_case_edit(req *r)
{
    rp_case_head h;
    bool by_school;
    const char *title = NULL, *body = NULL;
    int topic = -1;
    if (!case_or_reply(r, &h) || !case_editor_or_reply(r, &h, &by_school))
        return;
    if (!body_require_object_or_reply(r) ||
        !body_str_or_reply(r, "title", CASE_TITLE_MAX, false, &title) ||
        !body_str_or_reply(r, "body", CASE_BODY_MAX, false, &body) ||
        !body_enum_or_reply(r, "topic", reports_case_topics, false, &topic))
        return;
    verdict v = reports_case_edit(
        r->db, h.id, title, body,
        topic >= 0 && json_object_get(r->body, "topic") ? reports_case_topics[topic] : NULL,
        by_school, r->user->id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = h.id;
    reply_case(r, 200, h.id);
}

void rp_h_case_select(req *r)
{
    rp_case_head h;
    bool selected = true;
    if (!case_or_reply(r, &h))
        return;
    if (r->body &&
        (!body_require_object_or_reply(r) || !body_bool_or_reply(r, "selected", false, &selected)))
        return;
    verdict v = reports_case_select(r->db, h.id, selected, r->user->id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = h.id;
    reply_case(r, 200, h.id);
}

void rp_h_case_publish(req *r)
{
    rp_case_head h;
    if (!case_or_reply(r, &h))
        return;
    verdict v = reports_case_publish(r->db, h.id, r->user->id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = h.id;
    reply_case(r, 200, h.id);
}

void rp_h_photo_add(req *r)
{
    rp_case_head h;
    bool by_school;
    if (!case_or_reply(r, &h) || !case_editor_or_reply(r, &h, &by_school))
        return;
    if (r->raw_len == 0 || r->raw_len > RP_PHOTO_BYTES_MAX) {
        verdict v =
            verdict_err(r->raw_len ? SJ_ERR_TOO_LARGE : SJ_ERR_MISSING_FIELD, "reports.photo_size");
        verdict_num(&v, "max_bytes", RP_PHOTO_BYTES_MAX);
        reply_verdict(r, &v, NULL);
        return;
    }
    /* a JPEG or PNG by its bytes, stored without its metadata (where and when it was taken,
     * the device): the cases module's photo checks (cases.h) */
    const unsigned char *in = (const unsigned char *)r->raw_body;
    cases_photo_kind kind = cases_photo_sniff(in, r->raw_len);
    unsigned char *clean = req_alloc(r, r->raw_len);
    size_t len = kind == CASES_PHOTO_BAD ? 0 : cases_photo_strip(in, r->raw_len, clean);
    if (len == 0) {
        reply_field(r, SJ_ERR_BAD_FIELD, "photo", "reports.photo_type");
        return;
    }
    const char *mime = kind == CASES_PHOTO_JPEG ? "image/jpeg" : "image/png";
    int64_t id = 0;
    verdict v =
        reports_case_photo_add(r->db, h.id, h.district_id, mime, clean, len, r->user->id, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = id;
    reply_json(
        r, 201,
        json_pack("{s:I,s:s,s:I}", "id", (json_int_t)id, "mime", mime, "bytes", (json_int_t)len));
}

void rp_h_photo_get(req *r)
{
    rp_case_head h;
    if (!case_or_reply(r, &h))
        return;
    char mime[16];
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = rp_store_photo(r->db, h.id, r->params[1], mime, &data, &len);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    reply_raw(r, 200, req_strdup(r, mime), (const char *)data, len);
    free(data);
}

void rp_h_photo_delete(req *r)
{
    rp_case_head h;
    bool by_school;
    if (!case_or_reply(r, &h) || !case_editor_or_reply(r, &h, &by_school))
        return;
    verdict v = reports_case_photo_delete(r->db, h.id, r->params[1]);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_empty(r, 204);
}

/* ---------- the term compilation ---------- */

void rp_h_compilation(req *r)
{
    char term[16], first[11], last[11], today[11];
    if (!term_or_reply(r, term, first, last, today))
        return;
    json_t *o = NULL;
    int rc = strcmp(first, today) > 0 ? DB_OK
                                      : rp_compilation(r->db, r->pol, r->user->district_id, term,
                                                       first, last, today, &o);
    if (rc == DB_OK && !o)
        o = json_pack("{s:s,s:s,s:s,s:[],s:n,s:[]}", "term", term, "from", first, "to", last,
                      "periods", "latest", "cases");
    if (rc != DB_OK) {
        reply_db(r, rc);
        return;
    }
    reply_json(r, 200, o);
}
