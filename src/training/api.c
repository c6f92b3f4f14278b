/*
 * api.c: the training module's HTTP handlers: the institution registry (licence, category,
 * state, annual inspections, white and black lists), staff with certificates and the staff
 * black list (TR-6), courses checked against TR-1..TR-4 and FU-1, material review (TR-5), and
 * the public look-up families use.
 *
 * Handlers parse, authorise, call the store (store.c: each write one training_<action>()
 * returning a verdict, each list a page) and reply; refusals go through reply_verdict with
 * their words in core/messages.c.
 *
 * Scope: district staff (district_admin, inspector) see and manage the institutions of their
 * district; an institution_admin sees its own institution and manages its courses and staff.
 * Suspending or closing an institution moves money, so that route lives in the funds module.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ident.h"
#include "core/pii.h"
#include "training/training_int.h"

#define DISTRICT_STAFF (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR))
#define INST_ROLES     (DISTRICT_STAFF | ROLE_BIT(ROLE_INSTITUTION_ADMIN))
#define MAX_SLOTS      50

static const char *const categories[] = {"subject", "non_subject", NULL};

/* Loads the institution and checks the caller may see it: district staff of its district or
 * its own institution_admin. False after replying 404/403/500. `manage`: district staff only. */
static bool institution_or_reply(req *r, int64_t id, bool manage, training_institution *in)
{
    int rc = training_institution_get(r->db, id, in);
    if (rc != DB_ROW || in->district_id != r->user->district_id) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    bool staff = auth_district_staff(r->user);
    if (!staff && (manage || !auth_institution_admin(r->user, id))) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}

/* Answers a write: its refusal, or `status` with the object (a store error when NULL). */
static void reply_written(req *r, const verdict *v, int status, json_t *o)
{
    if (!verdict_is_ok(v)) {
        json_decref(o);
        reply_verdict(r, v, NULL);
    } else if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
    } else {
        reply_json(r, status, o);
    }
}

/* Answers a write on an institution: its refusal, or `status` with the institution as it is. */
static void reply_institution(req *r, const verdict *v, int status, int64_t id)
{
    json_t *o = verdict_is_ok(v) ? tr_store_institution_json(r->db, r->pol, id) : NULL;
    reply_written(r, v, status, o);
}

/* ---------- institutions ---------- */

static void h_institution_create(req *r)
{
    const char *name, *license_no, *address, *valid_until, *uscc, *contact;
    int cat;
    bool online, non_profit = false;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "name", 100, true, &name) ||
        !body_enum_or_reply(r, "category", categories, true, &cat) ||
        !body_str_or_reply(r, "license_no", 40, true, &license_no) ||
        !body_str_or_reply(r, "address", 200, true, &address) ||
        !body_bool_or_reply(r, "online", true, &online) ||
        !body_date_or_reply(r, "license_valid_until", false, &valid_until) ||
        !body_str_or_reply(r, "uscc", 18, false, &uscc) ||
        !body_bool_or_reply(r, "non_profit", false, &non_profit) ||
        !body_str_or_reply(r, "contact", 50, false, &contact))
        return;
    /* A licence number not of the standard form (13 digits, or 教民 + 15) is registered as
     * written on the licence but flagged (license_no_valid false, a TR-7 warning): refusing it
     * would leave a real institution out of the registry and out of supervision. */
    char uscc_norm[IDENT_USCC_LEN + 1] = "";
    if (uscc && !ident_uscc_valid(uscc, uscc_norm)) {
        reply_field(r, SJ_ERR_BAD_FIELD, "uscc", "training.uscc_invalid");
        return;
    }
    training_institution_in in = {.district_id = r->user->district_id,
                                  .name = name,
                                  .license_no = license_no,
                                  .address = address,
                                  .subject_based = cat == 0,
                                  .online = online,
                                  /* a 民办非企业单位 code marks the institution non-profit */
                                  .non_profit = non_profit ||
                                                (uscc && ident_uscc_is_non_enterprise(uscc_norm)),
                                  .license_valid_until = valid_until,
                                  .uscc = uscc ? uscc_norm : NULL,
                                  .contact = contact};
    int64_t id = 0;
    verdict v = training_institution_register(r->db, &in, &id);
    if (verdict_is_ok(&v))
        r->audit_target = id;
    reply_institution(r, &v, 201, id);
}

static void h_institution_list(req *r)
{
    int64_t limit, offset;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    /* district staff see the district; an institution_admin sees its own institutions */
    bool staff = auth_district_staff(r->user);
    reply_page(r, tr_store_institutions(r->db, r->pol, staff ? TR_SEE_DISTRICT : TR_SEE_ADMIN,
                                        staff ? r->user->district_id : r->user->id,
                                        req_query(r, "state"), req_query(r, "list"),
                                        req_query(r, "q"), limit, offset));
}

static void h_institution_get(req *r)
{
    training_institution in;
    if (!institution_or_reply(r, r->params[0], false, &in))
        return;
    json_t *o = tr_store_institution_json(r->db, r->pol, in.id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, o);
}

/* PATCH-like update of the registry details a district keeps current. */
static void h_institution_update(req *r)
{
    training_institution in;
    const char *address = NULL, *valid_until = NULL, *contact = NULL, *name = NULL;
    if (!institution_or_reply(r, r->params[0], true, &in))
        return;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "name", 100, false, &name) ||
        !body_str_or_reply(r, "address", 200, false, &address) ||
        !body_date_or_reply(r, "license_valid_until", false, &valid_until) ||
        !body_str_or_reply(r, "contact", 50, false, &contact))
        return;
    verdict v = training_institution_update(r->db, in.id, name, address, valid_until, contact);
    reply_institution(r, &v, 200, in.id);
}

static void h_institution_list_set(req *r)
{
    static const char *const lists[] = {"none", "white", "black", NULL};
    training_institution in;
    const char *reason;
    int list;
    if (!institution_or_reply(r, r->params[0], true, &in))
        return;
    if (!body_require_object_or_reply(r) || !body_enum_or_reply(r, "list", lists, true, &list) ||
        !body_str_or_reply(r, "reason", 500, list == 2, &reason))
        return;
    verdict v = training_institution_list_set(r->db, in.id, lists[list], reason, 0);
    reply_institution(r, &v, 200, in.id);
}

/* ---------- annual inspections (TR-7) ---------- */

static void h_inspection_add(req *r)
{
    static const char *const results[] = {"pass", "rectify", "fail", NULL};
    training_institution in;
    int64_t year;
    const char *date, *note;
    int result;
    if (!institution_or_reply(r, r->params[0], true, &in))
        return;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "year", 2000, 2100, true, &year) ||
        !body_date_or_reply(r, "date", true, &date) ||
        !body_enum_or_reply(r, "result", results, true, &result) ||
        !body_str_or_reply(r, "note", 1000, false, &note))
        return;
    training_inspection_in x = {.institution_id = in.id,
                                .year = year,
                                .inspector_id = r->user->id,
                                .date = date,
                                .result = results[result],
                                .note = note};
    int64_t id = 0;
    verdict v = training_inspection_add(r->db, &x, &id);
    if (verdict_is_ok(&v))
        r->audit_target = id;
    reply_written(r, &v, 201,
                  json_pack("{s:I,s:I,s:I,s:s,s:s,s:s?}", "id", (json_int_t)id, "institution_id",
                            (json_int_t)in.id, "year", (json_int_t)year, "date", date, "result",
                            results[result], "note", note));
}

static void h_inspection_list(req *r)
{
    training_institution in;
    int64_t limit, offset;
    if (!institution_or_reply(r, r->params[0], false, &in) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, tr_store_inspections(r->db, in.id, limit, offset));
}

/* ---------- staff (TR-6) ---------- */

/* Reads the optional cert_no and id_no fields; false after replying 400. OUT: the identity
 * number hashed with the data key and masked ("" when not given). */
static bool person_ids_or_reply(req *r, const char **cert_no, char id_hash[PII_HASH_HEX],
                                char id_masked[32])
{
    const char *id_no;
    if (!body_str_or_reply(r, "cert_no", 20, false, cert_no) ||
        !body_str_or_reply(r, "id_no", 18, false, &id_no))
        return false;
    if (*cert_no && !(*cert_no)[0])
        *cert_no = NULL;
    if (*cert_no && !ident_teacher_cert_valid(*cert_no)) {
        reply_field(r, SJ_ERR_BAD_FIELD, "cert_no", "training.cert_no_invalid");
        return false;
    }
    id_hash[0] = 0;
    id_masked[0] = 0;
    if (id_no) {
        char norm[IDENT_CN_ID_LEN + 1];
        if (!ident_cn_id_valid(id_no, norm)) {
            reply_field(r, SJ_ERR_BAD_FIELD, "id_no", "training.id_no_invalid");
            return false;
        }
        pii_hash(r->app->data_key, norm, id_hash);
        ident_id_mask(norm, id_masked, 32);
    }
    return true;
}

static void h_staff_add(req *r)
{
    training_institution in;
    const char *name, *subjects, *cert_no;
    bool teaches_subject = false, in_service = false;
    char id_hash[PII_HASH_HEX], id_masked[32];
    if (!institution_or_reply(r, r->params[0], false, &in))
        return;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "name", 50, true, &name) ||
        !body_bool_or_reply(r, "teaches_subject", false, &teaches_subject) ||
        !body_str_or_reply(r, "subjects", 200, false, &subjects) ||
        !body_bool_or_reply(r, "in_service_teacher", false, &in_service) ||
        !person_ids_or_reply(r, &cert_no, id_hash, id_masked))
        return;
    training_staff_in x = {.district_id = r->user->district_id,
                           .institution_id = in.id,
                           .name = name,
                           .subjects = subjects,
                           .cert_no = cert_no,
                           .id_hash = id_hash[0] ? id_hash : NULL,
                           .id_masked = id_masked[0] ? id_masked : NULL,
                           .teaches_subject = teaches_subject,
                           .in_service_teacher = in_service};
    int64_t id = 0;
    verdict v = training_staff_add(r->db, r->pol, &x, &id);
    if (verdict_is_ok(&v))
        r->audit_target = id;
    reply_written(r, &v, 201,
                  json_pack("{s:I,s:I,s:s,s:b,s:s?,s:s?,s:s?}", "id", (json_int_t)id,
                            "institution_id", (json_int_t)in.id, "name", name, "teaches_subject",
                            teaches_subject, "subjects", subjects, "cert_no", cert_no, "id_masked",
                            x.id_masked));
}

static void h_staff_list(req *r)
{
    training_institution in;
    int64_t limit, offset;
    if (!institution_or_reply(r, r->params[0], false, &in) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, tr_store_staff(r->db, in.id, r->user->district_id, limit, offset));
}

static void h_staff_remove(req *r)
{
    training_institution in;
    if (!institution_or_reply(r, r->params[0], false, &in))
        return;
    verdict v = training_staff_remove(r->db, in.id, r->params[1]);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_empty(r, 204);
}

static void h_blacklist_add(req *r)
{
    const char *name, *reason, *cert_no;
    char id_hash[PII_HASH_HEX], id_masked[32];
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "name", 50, true, &name) ||
        !body_str_or_reply(r, "reason", 500, true, &reason) ||
        !person_ids_or_reply(r, &cert_no, id_hash, id_masked))
        return;
    if (!cert_no && !id_hash[0]) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "cert_no");
        return;
    }
    training_blacklist_in x = {.district_id = r->user->district_id,
                               .actor = r->user->id,
                               .name = name,
                               .reason = reason,
                               .cert_no = cert_no,
                               .id_hash = id_hash[0] ? id_hash : NULL,
                               .id_masked = id_masked[0] ? id_masked : NULL};
    int64_t id = 0;
    verdict v = training_blacklist_add(r->db, &x, &id);
    if (verdict_is_ok(&v))
        r->audit_target = id;
    reply_written(r, &v, 201,
                  json_pack("{s:I,s:s,s:s?,s:s?,s:s}", "id", (json_int_t)id, "name", name,
                            "cert_no", cert_no, "id_masked", x.id_masked, "reason", reason));
}

static void h_blacklist_list(req *r)
{
    int64_t limit, offset;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, tr_store_blacklist(r->db, r->user->district_id, limit, offset));
}

/* ---------- courses ---------- */

/* Reads body.schedule into slots; false after replying 400 with the slot's index. */
static bool schedule_or_reply(req *r, training_slot *slots, size_t *n)
{
    json_t *arr = json_object_get(r->body, "schedule");
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > MAX_SLOTS) {
        reply_err_field(r, arr ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "schedule");
        return false;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        json_t *wd = json_object_get(v, "weekday"), *ls = json_object_get(v, "lessons");
        const char *st = json_string_value(json_object_get(v, "start"));
        const char *en = json_string_value(json_object_get(v, "end"));
        training_slot *s = &slots[i];
        s->weekday = json_is_integer(wd) ? (int)json_integer_value(wd) : 0;
        s->start = st ? hhmm_minutes(st) : -1;
        s->end = en ? hhmm_minutes(en) : -1;
        s->lessons = json_is_integer(ls) ? (int)json_integer_value(ls) : 0;
        bool ok = json_is_object(v) && json_is_integer(wd) && s->weekday >= 1 && s->weekday <= 7 &&
                  st && en && strlen(st) == 5 && strlen(en) == 5 && s->start >= 0 &&
                  s->end > s->start &&
                  (!ls || (json_is_integer(ls) && s->lessons >= 1 && s->lessons <= 20));
        if (!ok) {
            verdict e = verdict_err(SJ_ERR_BAD_FIELD, "training.schedule_slot");
            verdict_str(&e, "field", "schedule");
            verdict_num(&e, "index", (int64_t)i);
            reply_verdict(r, &e, NULL);
            return false;
        }
    }
    *n = json_array_size(arr);
    return true;
}

static void h_course_create(req *r)
{
    training_institution in;
    const char *name, *subject;
    bool online;
    int64_t minutes, price;
    training_slot slots[MAX_SLOTS];
    size_t nslots = 0;
    if (!institution_or_reply(r, r->params[0], false, &in))
        return;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "name", 100, true, &name) ||
        !body_str_or_reply(r, "subject", 30, true, &subject) ||
        !body_bool_or_reply(r, "online", true, &online) ||
        !body_int_or_reply(r, "lesson_minutes", 1, 600, true, &minutes) ||
        !body_int_or_reply(r, "price_per_lesson_fen", 1, 100000000, true, &price) ||
        !schedule_or_reply(r, slots, &nslots))
        return;
    char *sched = json_dumps(json_object_get(r->body, "schedule"), JSON_COMPACT);
    training_course_in x = {.institution_id = in.id,
                            .name = name,
                            .subject = subject,
                            .online = online,
                            .lesson_minutes = (int)minutes,
                            .price_per_lesson_fen = price,
                            .slots = slots,
                            .nslots = nslots,
                            .schedule_json = req_strdup(r, sched ? sched : "[]")};
    free(sched);
    int64_t id = 0;
    verdict v = training_course_add(r->db, r->pol, &x, &id);
    if (verdict_is_ok(&v))
        r->audit_target = id;
    reply_written(r, &v, 201, verdict_is_ok(&v) ? tr_store_course_json(r->db, id) : NULL);
}

static void h_course_list(req *r)
{
    training_institution in;
    int64_t limit, offset;
    if (!institution_or_reply(r, r->params[0], false, &in) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, tr_store_courses(r->db, in.id, limit, offset));
}

/* Loads a course of the caller's district; false after replying 404/500. */
static bool course_or_reply(req *r, int64_t id, training_course_row *c)
{
    int rc = training_course_get(r->db, id, c);
    if (rc != DB_ROW || c->district_id != r->user->district_id) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

/* Any logged-in user of the district may read a course (families choose from them). */
static void h_course_get(req *r)
{
    training_course_row c;
    if (!course_or_reply(r, r->params[0], &c))
        return;
    json_t *o = tr_store_course_json(r->db, c.id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, o);
}

/* TR-5: the district reviews a course's materials. */
static void h_course_review(req *r)
{
    static const char *const states[] = {"pending", "approved", "rejected", NULL};
    training_course_row c;
    const char *note;
    int st;
    if (!course_or_reply(r, r->params[0], &c))
        return;
    if (!body_require_object_or_reply(r) || !body_enum_or_reply(r, "state", states, true, &st) ||
        !body_str_or_reply(r, "note", 1000, st == 2, &note))
        return;
    verdict v = training_course_review(r->db, c.id, states[st], note);
    reply_written(r, &v, 200, verdict_is_ok(&v) ? tr_store_course_json(r->db, c.id) : NULL);
}

/* ---------- public look-up ---------- */

static void h_public_list(req *r)
{
    int64_t limit, offset;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, tr_store_public_list(r->db, req_query(r, "list"), req_query(r, "q"),
                                       req_query(r, "category"), limit, offset));
}

static void h_public_get(req *r)
{
    json_t *o = NULL;
    int rc = tr_store_public_get(r->db, r->params[0], &o);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 200, o);
}

static const route routes[] = {
    {"POST", "/api/v1/institutions", h_institution_create, "training:institution:add",
     DISTRICT_STAFF, 0},
    {"GET", "/api/v1/institutions", h_institution_list, "training:institution:list", INST_ROLES, 0},
    {"GET", "/api/v1/institutions/{id}", h_institution_get, "training:institution:list", INST_ROLES,
     0},
    {"POST", "/api/v1/institutions/{id}/details", h_institution_update, "training:institution:edit",
     DISTRICT_STAFF, 0},
    {"POST", "/api/v1/institutions/{id}/list", h_institution_list_set, "training:institution:edit",
     DISTRICT_STAFF, 0},
    {"POST", "/api/v1/institutions/{id}/inspections", h_inspection_add, "training:inspection:add",
     DISTRICT_STAFF, 0},
    {"GET", "/api/v1/institutions/{id}/inspections", h_inspection_list, "training:institution:list",
     INST_ROLES, 0},
    {"POST", "/api/v1/institutions/{id}/staff", h_staff_add, "training:staff:add", INST_ROLES, 0},
    {"GET", "/api/v1/institutions/{id}/staff", h_staff_list, "training:staff:list", INST_ROLES, 0},
    {"DELETE", "/api/v1/institutions/{id}/staff/{id}", h_staff_remove, "training:staff:add",
     INST_ROLES, 0},
    {"POST", "/api/v1/staff-blacklist", h_blacklist_add, "training:blacklist:add", DISTRICT_STAFF,
     0},
    {"GET", "/api/v1/staff-blacklist", h_blacklist_list, "training:blacklist:list", DISTRICT_STAFF,
     0},
    {"POST", "/api/v1/institutions/{id}/courses", h_course_create, "training:course:add",
     INST_ROLES, 0},
    {"GET", "/api/v1/institutions/{id}/courses", h_course_list, "training:course:list", INST_ROLES,
     0},
    {"GET", "/api/v1/courses/{id}", h_course_get, PERM_USER, 0, 0},
    {"POST", "/api/v1/courses/{id}/review", h_course_review, "training:course:review",
     DISTRICT_STAFF, 0},
    {"GET", "/api/v1/public/institutions", h_public_list, PERM_PUBLIC, 0, 0},
    {"GET", "/api/v1/public/institutions/{id}", h_public_get, PERM_PUBLIC, 0, 0},
};

const route *training_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
