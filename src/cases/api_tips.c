/*
 * api_tips.c: the public side of the cases module: anyone, no login (CS-2).
 *
 *   POST /api/v1/tips                          a tip-off: 201 {case_id, tracking_code, secret,
 *                                              due_date}; 429 too_many_tips with Retry-After
 *   GET  /api/v1/tips/{code}?secret=S          its status, due date and public replies; 404
 *                                              alike for an unknown code and a wrong secret
 *   POST /api/v1/tips/{code}/photos?secret=S   a photo (JPEG/PNG, at most 3, metadata removed)
 *   GET  /api/v1/public/schools?q=             schools by name, for the tip page
 *   GET  /api/v1/public/institutions/{id}/penalties   the penalties decided on an institution
 *
 * A tip's district is its school's or institution's (they must agree), else the one the body
 * names, else the first; the rules are that district's. The address a tip comes from and the
 * phone it gives are counted for the rate limit only as keyed hashes (store.c drops them after
 * CS-2's keep days). The address itself is written nowhere: once the rate key is made, the
 * request forgets it, so neither the server's audit row of the write nor the access log holds
 * it (the same for the status and photo routes, which would tie an address to a code). A
 * tipster who chose to be anonymous leaves no name or phone even when the form sent them. The
 * tracking code is 12 digits, so it fits the router's {id}; the secret is shown once and kept only
 * as a keyed hash.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cases/cases_int.h"
#include "core/client_addr.h"
#include "core/ident.h"
#include "core/pii.h"
#include "core/policy_store.h"

#define TEXT_MAX        2000
#define PHOTOS_PER_CASE 3

static const char *key_hash(req *r, const char *kind, const char *value)
{
    char text[96], *out = req_alloc(r, PII_HASH_HEX);
    snprintf(text, sizeof text, "tip-%s:%s", kind, value);
    pii_hash(r->app->data_key, text, out);
    return out;
}

/* CS-2: a tipster's address stays out of the audit log and the access log. */
static void forget_address(req *r)
{
    memset(r->ip, 0, sizeof r->ip);
}

void cs_h_tip_file(req *r)
{
    char addr[CLIENT_ADDR_LEN];
    client_addr_key(r->ip, addr);
    const char *addr_key = key_hash(r, "addr", addr[0] ? addr : r->ip);
    forget_address(r);
    const char *category = NULL, *text, *place = NULL, *name = NULL, *phone_in = NULL;
    int64_t school_id = 0, institution_id = 0, district_id = 0;
    bool anonymous = true;
    int cat;
    if (!body_require_object_or_reply(r) ||
        !body_enum_or_reply(r, "category", cases_categories, true, &cat) ||
        !body_str_or_reply(r, "text", TEXT_MAX, true, &text) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, false, &school_id) ||
        !body_int_or_reply(r, "institution_id", 1, INT64_MAX, false, &institution_id) ||
        !body_int_or_reply(r, "district_id", 1, INT64_MAX, false, &district_id) ||
        !body_str_or_reply(r, "place", 200, false, &place) ||
        !body_bool_or_reply(r, "anonymous", true, &anonymous) ||
        !body_str_or_reply(r, "name", 50, !anonymous, &name) ||
        !body_str_or_reply(r, "phone", 20, !anonymous, &phone_in))
        return;
    category = cases_categories[cat];
    if (!school_id && !institution_id && !place) {
        reply_field(r, SJ_ERR_MISSING_FIELD, "place", "cases.tip_where");
        return;
    }
    char phone[12] = "";
    if (!anonymous && !ident_phone_normalise(phone_in, phone)) {
        reply_field(r, SJ_ERR_BAD_FIELD, "phone", "cases.phone");
        return;
    }
    /* the district: the school's and the institution's must agree with each other and with
     * the one the body names */
    int64_t from_school = 0, from_inst = 0;
    if (school_id) {
        int rc = cs_store_school_district(r->db, school_id, &from_school);
        if (rc != DB_ROW) {
            if (rc == DB_DONE)
                reply_field(r, SJ_ERR_BAD_FIELD, "school_id", "cases.no_school");
            else
                reply_err(r, SJ_ERR_INTERNAL);
            return;
        }
    }
    if (institution_id) {
        cs_institution in;
        int rc = cs_ext_institution(r->db, institution_id, &in);
        if (rc != DB_ROW) {
            if (rc == DB_DONE)
                reply_field(r, SJ_ERR_BAD_FIELD, "institution_id", "cases.no_institution");
            else
                reply_err(r, SJ_ERR_INTERNAL);
            return;
        }
        from_inst = in.district_id;
    }
    int64_t d = from_school ? from_school : from_inst ? from_inst : district_id;
    if ((from_school && from_inst && from_school != from_inst) ||
        (district_id && d != district_id)) {
        reply_field(r, SJ_ERR_BAD_FIELD, institution_id ? "institution_id" : "district_id",
                    "cases.tip_districts");
        return;
    }
    if (!d && !(d = cs_store_first_district(r->db))) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    const policy *pol = policy_store_current(r->app->policies, r->db, d);
    cases_new in = {.district_id = d,
                    .school_id = school_id,
                    .institution_id = institution_id,
                    .source = "tip",
                    .category = category,
                    .text = text,
                    .place = place,
                    .by = {.role = "public"},
                    .anonymous = anonymous,
                    .name = anonymous ? NULL : name,
                    .phone = anonymous ? NULL : phone,
                    .data_key = r->app->data_key,
                    .rate_keys = {addr_key, anonymous ? NULL : key_hash(r, "phone", phone)}};
    cases_created out;
    verdict v = cases_file(r->db, pol, &in, &out);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = out.id;
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s,s:s,s:s}", "case_id", (json_int_t)out.id, "tracking_code",
                         out.tracking_code, "secret", out.secret, "due_date", out.due_date,
                         "status", out.status));
    sodium_memzero(out.secret, sizeof out.secret);
}

/* The tip of the path when the secret is right; false after replying 404 (alike for an
 * unknown code and a wrong secret) or 500. */
static bool tip_or_reply(req *r, cs_case *k)
{
    forget_address(r);
    char code[24];
    snprintf(code, sizeof code, "%lld", (long long)r->params[0]);
    int rc = strlen(code) == 12 ? cs_store_case_by_code(r->db, code, k) : DB_DONE;
    if (rc != DB_ROW && rc != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    const char *secret = req_query(r, "secret");
    if (rc == DB_DONE) {
        /* the same work as a wrong secret, so the time does not tell the code exists */
        cs_case none = {.secret_hash = "0"};
        (void)cs_secret_matches(r->app->data_key, &none, secret);
    }
    if (rc == DB_DONE || !cs_secret_matches(r->app->data_key, k, secret)) {
        reply_err(r, SJ_ERR_NOT_FOUND);
        return false;
    }
    return true;
}

void cs_h_tip_status(req *r)
{
    cs_case k;
    if (!tip_or_reply(r, &k))
        return;
    char today[11];
    today_local(today);
    json_t *o = cs_store_case_public(r->db, &k, today);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_object_set_new(o, "tracking_code", json_string(k.tracking_code));
    reply_json(r, 200, o);
}

void cs_h_tip_photo(req *r)
{
    cs_case k;
    if (!tip_or_reply(r, &k))
        return;
    if (strcmp(k.status, "closed") == 0) {
        verdict v = verdict_refuse(SJ_ERR_CONFLICT, "case_closed", NULL, "cases.closed");
        reply_verdict(r, &v, NULL);
        return;
    }
    const char *mime;
    unsigned char *clean;
    size_t len;
    if (!cs_photo_or_reply(r, &mime, &clean, &len))
        return;
    int64_t id = 0;
    cases_actor by = {.role = "public"};
    verdict v =
        cases_photo_add(r->db, k.district_id, k.id, 0, mime, clean, len, PHOTOS_PER_CASE, &by, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = k.id;
    reply_json(
        r, 201,
        json_pack("{s:I,s:s,s:I}", "id", (json_int_t)id, "mime", mime, "bytes", (json_int_t)len));
}

void cs_h_public_schools(req *r)
{
    int64_t district_id, limit, offset;
    if (!req_query_int64_or_reply(r, "district_id", 0, &district_id) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    if (!district_id)
        district_id = cs_store_first_district(r->db);
    const char *q = req_query(r, "q");
    if (q && strlen(q) > 60) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "q");
        return;
    }
    reply_page(r, cs_store_school_search(r->db, district_id, q, limit));
}

void cs_h_public_penalties(req *r)
{
    int64_t limit, offset;
    cs_institution in;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    int rc = cs_ext_institution(r->db, r->params[0], &in);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    json_t *page = cs_store_institution_penalties(r->db, in.id, limit, offset);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(page, "items"), i, x)
    {
        json_t *list = json_array();
        char buf[128];
        snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(x, "measures")));
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
            json_array_append_new(list, json_string(t));
        json_object_set_new(x, "measures", list);
    }
    if (page) {
        json_object_set_new(page, "institution_id", json_integer(in.id));
        json_object_set_new(page, "state", json_string(in.state));
        json_object_set_new(page, "list", json_string(in.list));
    }
    reply_page(r, page);
}
