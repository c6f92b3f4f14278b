/*
 * api.c: the training module's HTTP handlers: the institution registry (licence, category,
 * state, annual inspections, white and black lists), staff with certificates and the staff
 * black list (TR-6), courses checked against TR-1..TR-4 and FU-1, material review (TR-5), and
 * the public look-up families use.
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
#include "training.h"

#define DISTRICT_STAFF (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR))
#define INST_ROLES (DISTRICT_STAFF | ROLE_BIT(ROLE_INSTITUTION_ADMIN))
#define MAX_SLOTS 50

static const char *const categories[] = {"subject", "non_subject", NULL};

void training_reply_verdict(req *r, const training_verdict *v)
{
    json_t *extra = json_object();
    for (int i = 0; i < v->nnum; i++)
        json_object_set_new(extra, v->num[i].key, json_integer(v->num[i].v));
    for (int i = 0; i < v->nstr; i++)
        json_object_set_new(extra, v->str[i].key, json_string(v->str[i].v));
    reply_rule(r, v->code, v->rule, v->zh, v->en, extra);
}

bool training_institution_open_or_reply(req *r, const training_institution *in)
{
    if (strcmp(in->list, "black") == 0) {
        json_t *extra = json_pack("{s:I,s:s}", "institution_id", (json_int_t)in->id, "list", "black");
        reply_rule(r, "institution_blacklisted", "TR-7", "该机构已列入黑名单",
                   "The institution is on the black list", extra);
        return false;
    }
    if (strcmp(in->state, "active") != 0) {
        json_t *extra = json_pack("{s:I,s:s}", "institution_id", (json_int_t)in->id, "state", in->state);
        reply_err_detail(r, SJ_ERR_INSTITUTION_INACTIVE, extra);
        return false;
    }
    return true;
}

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

/* ---------- institutions ---------- */

#define INST_COLS                                                                               \
    "id:i,name:s,category:s,license_no:s,license_valid_until:S,uscc:S,address:s,online:b,"     \
    "non_profit:b,contact:S,state:s,state_reason:S,list:s,list_reason:S,created_at:i,"          \
    "last_inspection_year:I,last_inspection_date:S,last_inspection_result:S"
#define INST_SELECT                                                                             \
    "SELECT i.id, i.name, i.category, i.license_no, i.license_valid_until, i.uscc, i.address,"  \
    " i.online, i.non_profit, i.contact, i.state, i.state_reason, i.list, i.list_reason,"       \
    " i.created_at, li.year, li.date, li.result FROM institutions i"                             \
    " LEFT JOIN institution_inspections li ON li.id = (SELECT MAX(x.id) FROM"                    \
    " institution_inspections x WHERE x.institution_id = i.id AND x.year ="                      \
    " (SELECT MAX(y.year) FROM institution_inspections y WHERE y.institution_id = i.id))"

/* Adds the derived fields: licence expired, inspection overdue (TR-7). */
static void institution_decorate(req *r, json_t *o)
{
    char today[11], reg[11];
    today_local(today);
    const char *valid = json_string_value(json_object_get(o, "license_valid_until"));
    json_object_set_new(o, "license_expired", json_boolean(valid && strcmp(valid, today) < 0));
    const char *no = json_string_value(json_object_get(o, "license_no"));
    json_object_set_new(o, "license_no_valid", json_boolean(no && ident_license_no_valid(no)));
    int64_t created = json_integer_value(json_object_get(o, "created_at"));
    unix_date(created, reg);
    const char *last = json_string_value(json_object_get(o, "last_inspection_date"));
    json_object_set_new(o, "inspection_overdue",
                        json_boolean(training_inspection_overdue(r->pol, last, reg, today)));
}

static json_t *institution_json(req *r, int64_t id)
{
    db_stmt *s = db_query(r->db, INST_SELECT " WHERE i.id = $1", id);
    json_t *rows = db_rows_json(s, INST_COLS);
    if (!rows || json_array_size(rows) != 1) {
        json_decref(rows);
        return NULL;
    }
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    institution_decorate(r, o);
    return o;
}

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
        json_t *extra = json_pack("{s:s,s:s}", "field", "uscc", "message",
                                  r->english ? "The unified social credit code is not valid"
                                             : "统一社会信用代码校验不通过");
        reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
        return;
    }
    if (uscc)
        non_profit = non_profit || ident_uscc_is_non_enterprise(uscc_norm);
    int64_t id = 0;
    int rc = db_insert_id(r->db, &id,
                          "INSERT INTO institutions (district_id, name, category, license_no,"
                          " license_valid_until, uscc, address, online, non_profit, contact, created_at)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id", r->user->district_id, name,
                          categories[cat], license_no, valid_until, uscc ? uscc_norm : NULL, address,
                          (int64_t)online, (int64_t)non_profit, contact, now_unix());
    if (rc == DB_CONSTRAINT) {
        reply_err_field(r, SJ_ERR_LICENSE_TAKEN, "license_no");
        return;
    }
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    json_t *o = institution_json(r, id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 201, o);
}

static void h_institution_list(req *r)
{
    const char *state = req_query(r, "state"), *list = req_query(r, "list"), *q = req_query(r, "q");
    int64_t limit, offset, total = 0;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    /* district staff see the district; an institution_admin sees its own institutions */
    bool staff = auth_district_staff(r->user);
    const char *where = staff ? " WHERE i.district_id = $1"
                              : " WHERE i.id IN (SELECT institution_id FROM user_roles"
                                " WHERE user_id = $1 AND role = 'institution_admin')";
    const char *filters = " AND ($2 = '' OR i.state = $2) AND ($3 = '' OR i.list = $3)"
                          " AND ($4 = '' OR i.name LIKE $5 OR i.license_no = $4)";
    int64_t key = staff ? r->user->district_id : r->user->id;
    const char *qq = q ? q : "";
    char *like = req_printf(r, "%%%s%%", qq);
    db_stmt *s = db_query(r->db,
                          req_printf(r, INST_SELECT "%s%s ORDER BY i.id LIMIT $6 OFFSET $7", where,
                                     filters), key, state ? state : "", list ? list : "", qq, like, limit,
                          offset);
    json_t *items = db_rows_json(s, INST_COLS);
    if (!items ||
        db_query_int64(r->db, &total,
                       req_printf(r, "SELECT COUNT(*) FROM institutions i%s%s", where, filters), key, state ? state : "", list ? list : "", qq, like) != DB_ROW) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
        institution_decorate(r, it);
    reply_json(r, 200, list_json(items, total));
}

static void h_institution_get(req *r)
{
    training_institution in;
    if (!institution_or_reply(r, r->params[0], false, &in))
        return;
    json_t *o = institution_json(r, in.id);
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
    int rc = db_run(r->db,
                    "UPDATE institutions SET name = COALESCE($2, name), address = COALESCE($3, address),"
                    " license_valid_until = COALESCE($4, license_valid_until),"
                    " contact = COALESCE($5, contact) WHERE id = $1", in.id, name, address, valid_until, contact);
    json_t *o = rc == DB_DONE ? institution_json(r, in.id) : NULL;
    if (!o) {
        reply_db(r, rc == DB_DONE ? DB_ERROR : rc);
        return;
    }
    reply_json(r, 200, o);
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
    int rc = db_run(r->db,
                    "UPDATE institutions SET list = $2, list_reason = $3, list_changed_at = $4"
                    " WHERE id = $1", in.id, lists[list], reason, now_unix());
    json_t *o = rc == DB_DONE ? institution_json(r, in.id) : NULL;
    if (!o) {
        reply_db(r, rc == DB_DONE ? DB_ERROR : rc);
        return;
    }
    reply_json(r, 200, o);
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
    if (!body_require_object_or_reply(r) || !body_int_or_reply(r, "year", 2000, 2100, true, &year) ||
        !body_date_or_reply(r, "date", true, &date) ||
        !body_enum_or_reply(r, "result", results, true, &result) ||
        !body_str_or_reply(r, "note", 1000, false, &note))
        return;
    int64_t id = 0;
    int rc = db_insert_id(r->db, &id,
                          "INSERT INTO institution_inspections (institution_id, year, date, result,"
                          " note, inspector_id, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id", in.id, year, date, results[result], note, r->user->id,
                          now_unix());
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201, json_pack("{s:I,s:I,s:I,s:s,s:s,s:s?}", "id", (json_int_t)id,
                                 "institution_id", (json_int_t)in.id, "year", (json_int_t)year,
                                 "date", date, "result", results[result], "note", note));
}

static void h_inspection_list(req *r)
{
    training_institution in;
    if (!institution_or_reply(r, r->params[0], false, &in))
        return;
    reply_list(r,
               "SELECT id, year, date, result, note FROM institution_inspections"
               " WHERE institution_id = $1 ORDER BY year DESC, id DESC",
               "SELECT COUNT(*) FROM institution_inspections WHERE institution_id = $1",
               "id:i,year:i,date:s,result:s,note:S", in.id);
}

/* ---------- staff (TR-6) ---------- */

/* The staff black list matches by certificate number or by identity number (hashed). */
static int blacklisted(req *r, const char *cert_no, const char *id_hash, bool *out)
{
    int64_t one = 0;
    int rc = db_query_int64(r->db, &one,
                            "SELECT 1 FROM staff_blacklist WHERE district_id = $1 AND"
                            " ((cert_no IS NOT NULL AND cert_no = $2) OR"
                            " (id_hash IS NOT NULL AND id_hash = $3))", r->user->district_id, cert_no ? cert_no : "",
                            id_hash ? id_hash : "");
    *out = rc == DB_ROW;
    return rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
}

/* Reads the optional cert_no and id_no fields; false after replying 400. */
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
        json_t *extra = json_pack("{s:s,s:s}", "field", "cert_no", "message",
                                  r->english ? "A teacher certificate number is 17 digits (or the"
                                               " older 15)"
                                             : "教师资格证书编号应为 17 位数字(旧版 15 位)");
        reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
        return false;
    }
    id_hash[0] = 0;
    id_masked[0] = 0;
    if (id_no) {
        char norm[IDENT_CN_ID_LEN + 1];
        if (!ident_cn_id_valid(id_no, norm)) {
            json_t *extra = json_pack("{s:s,s:s}", "field", "id_no", "message",
                                      r->english ? "The identity card number is not valid"
                                                 : "居民身份证号校验不通过");
            reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
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
    bool teaches_subject = false, in_service = false, black = false;
    char id_hash[PII_HASH_HEX], id_masked[32];
    if (!institution_or_reply(r, r->params[0], false, &in))
        return;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "name", 50, true, &name) ||
        !body_bool_or_reply(r, "teaches_subject", false, &teaches_subject) ||
        !body_str_or_reply(r, "subjects", 200, false, &subjects) ||
        !body_bool_or_reply(r, "in_service_teacher", false, &in_service) ||
        !person_ids_or_reply(r, &cert_no, id_hash, id_masked))
        return;
    int rc = blacklisted(r, cert_no, id_hash[0] ? id_hash : NULL, &black);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return;
    }
    training_staff st = {teaches_subject, cert_no, in_service, black};
    training_verdict v;
    if (!training_staff_check(r->pol, &st, &v)) {
        training_reply_verdict(r, &v);
        return;
    }
    int64_t id = 0;
    rc = db_insert_id(r->db, &id,
                      "INSERT INTO institution_staff (institution_id, name, teaches_subject, subjects,"
                      " cert_no, cert_type, id_hash, id_masked, policy_version, created_at)"
                      " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id", in.id, name,
                      (int64_t)teaches_subject, subjects, cert_no,
                      db_id_or_null((int64_t)(cert_no ? ident_teacher_cert_type(cert_no) : 0)),
                      id_hash[0] ? id_hash : NULL, id_masked[0] ? id_masked : NULL,
                      policy_version(r->pol), now_unix());
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201, json_pack("{s:I,s:I,s:s,s:b,s:s?,s:s?,s:s?}", "id", (json_int_t)id,
                                 "institution_id", (json_int_t)in.id, "name", name,
                                 "teaches_subject", teaches_subject, "subjects", subjects,
                                 "cert_no", cert_no, "id_masked", id_masked[0] ? id_masked : NULL));
}

static void h_staff_list(req *r)
{
    training_institution in;
    if (!institution_or_reply(r, r->params[0], false, &in))
        return;
    reply_list(r,
               "SELECT s.id, s.name, s.teaches_subject, s.subjects, s.cert_no, s.id_masked, s.active,"
               " (SELECT COUNT(*) FROM staff_blacklist b WHERE b.district_id = $2 AND"
               " ((b.cert_no IS NOT NULL AND b.cert_no = s.cert_no) OR"
               " (b.id_hash IS NOT NULL AND b.id_hash = s.id_hash)))"
               " FROM institution_staff s WHERE s.institution_id = $1 ORDER BY s.id",
               "SELECT COUNT(*) FROM institution_staff WHERE institution_id = $1 AND $2 > 0",
               "id:i,name:s,teaches_subject:b,subjects:S,cert_no:S,id_masked:S,active:b,blacklisted:b", in.id, r->user->district_id);
}

static void h_staff_remove(req *r)
{
    training_institution in;
    if (!institution_or_reply(r, r->params[0], false, &in))
        return;
    int64_t one = 0;
    int rc = db_query_int64(r->db, &one,
                            "UPDATE institution_staff SET active = 0 WHERE id = $1 AND"
                            " institution_id = $2 RETURNING id", r->params[1], in.id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
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
    int64_t id = 0;
    int rc = db_insert_id(r->db, &id,
                          "INSERT INTO staff_blacklist (district_id, name, cert_no, id_hash, id_masked,"
                          " reason, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id", r->user->district_id, name, cert_no, id_hash[0] ? id_hash : NULL,
                          id_masked[0] ? id_masked : NULL, reason, r->user->id, now_unix());
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201, json_pack("{s:I,s:s,s:s?,s:s?,s:s}", "id", (json_int_t)id, "name", name,
                                 "cert_no", cert_no, "id_masked", id_masked[0] ? id_masked : NULL,
                                 "reason", reason));
}

static void h_blacklist_list(req *r)
{
    reply_list(r,
               "SELECT id, name, cert_no, id_masked, reason, created_at FROM staff_blacklist"
               " WHERE district_id = $1 ORDER BY id DESC",
               "SELECT COUNT(*) FROM staff_blacklist WHERE district_id = $1",
               "id:i,name:s,cert_no:S,id_masked:S,reason:s,created_at:i", r->user->district_id);
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
    json_array_foreach(arr, i, v) {
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
                  s->end > s->start && (!ls || (json_is_integer(ls) && s->lessons >= 1 &&
                                                s->lessons <= 20));
        if (!ok) {
            json_t *extra = json_pack("{s:s,s:I,s:s}", "field", "schedule", "index", (json_int_t)i,
                                      "message",
                                      r->english ? "Each slot needs weekday 1-7 and start before end (HH:MM)"
                                                 : "每个时段需要星期(1-7)和开始、结束时间(HH:MM,开始早于结束)");
            reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
            return false;
        }
    }
    *n = json_array_size(arr);
    return true;
}

static json_t *course_json(req *r, int64_t id)
{
    db_stmt *s = db_query(r->db,
                          "SELECT c.id, c.institution_id, i.name, c.name, c.subject, c.category, c.online,"
                          " c.lesson_minutes, c.price_per_lesson_fen, c.price_cap_fen, c.schedule,"
                          " c.review_state, c.review_note, c.policy_version FROM courses c"
                          " JOIN institutions i ON i.id = c.institution_id WHERE c.id = $1", id);
    json_t *rows = db_rows_json(s, "id:i,institution_id:i,institution_name:s,name:s,subject:s,"
                                   "category:s,online:b,lesson_minutes:i,price_per_lesson_fen:i,"
                                   "price_cap_fen:I,schedule:s,review_state:s,review_note:S,"
                                   "policy_version:s");
    if (!rows || json_array_size(rows) != 1) {
        json_decref(rows);
        return NULL;
    }
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    json_t *sched = json_loads(json_string_value(json_object_get(o, "schedule")), 0, NULL);
    json_object_set_new(o, "schedule", sched ? sched : json_array());
    return o;
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
    if (!training_institution_open_or_reply(r, &in))
        return;
    const policy *pol = r->pol;
    training_verdict v;
    bool subject_based = false;
    if (!training_course_category(pol, subject, in.subject_based, &subject_based, &v)) {
        training_reply_verdict(r, &v);
        return;
    }
    training_course c = {subject_based, online, (int)minutes, price, slots, nslots};
    if (!training_course_check(pol, &c, &v)) {
        training_reply_verdict(r, &v);
        return;
    }
    char *sched = json_dumps(json_object_get(r->body, "schedule"), JSON_COMPACT);
    int64_t id = 0;
    int rc = db_insert_id(r->db, &id,
                          "INSERT INTO courses (district_id, institution_id, name, subject, category,"
                          " online, lesson_minutes, price_per_lesson_fen, price_cap_fen, schedule,"
                          " policy_version, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"
                          " RETURNING id", in.district_id, in.id, name, subject,
                          subject_based ? "subject" : "non_subject", (int64_t)online, minutes, price,
                          db_id_or_null(subject_based ? training_price_cap_fen(pol, online, (int)minutes) : 0),
                          sched, policy_version(pol), now_unix());
    free(sched);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    json_t *o = course_json(r, id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    reply_json(r, 201, o);
}

static void h_course_list(req *r)
{
    training_institution in;
    if (!institution_or_reply(r, r->params[0], false, &in))
        return;
    reply_list(r,
               "SELECT id, name, subject, category, online, lesson_minutes, price_per_lesson_fen,"
               " review_state FROM courses WHERE institution_id = $1 ORDER BY id",
               "SELECT COUNT(*) FROM courses WHERE institution_id = $1",
               "id:i,name:s,subject:s,category:s,online:b,lesson_minutes:i,price_per_lesson_fen:i,"
               "review_state:s", in.id);
}

/* Any logged-in user of the district may read a course (families choose from them). */
static void h_course_get(req *r)
{
    training_course_row c;
    int rc = training_course_get(r->db, r->params[0], &c);
    if (rc != DB_ROW || c.district_id != r->user->district_id) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = course_json(r, c.id);
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
    int rc = training_course_get(r->db, r->params[0], &c);
    if (rc != DB_ROW || c.district_id != r->user->district_id) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!body_require_object_or_reply(r) || !body_enum_or_reply(r, "state", states, true, &st) ||
        !body_str_or_reply(r, "note", 1000, st == 2, &note))
        return;
    rc = db_run(r->db, "UPDATE courses SET review_state = $2, review_note = $3 WHERE id = $1",
                c.id, states[st], note);
    json_t *o = rc == DB_DONE ? course_json(r, c.id) : NULL;
    if (!o) {
        reply_db(r, rc == DB_DONE ? DB_ERROR : rc);
        return;
    }
    reply_json(r, 200, o);
}

/* ---------- public look-up ---------- */

#define PUBLIC_COLS                                                                             \
    "id:i,name:s,category:s,license_no:s,license_valid_until:S,address:s,online:b,state:s,"     \
    "list:s,last_inspection_year:I,last_inspection_result:S,courses:i"
#define PUBLIC_SELECT                                                                           \
    "SELECT i.id, i.name, i.category, i.license_no, i.license_valid_until, i.address, i.online," \
    " i.state, i.list, (SELECT MAX(year) FROM institution_inspections x WHERE"                   \
    " x.institution_id = i.id), (SELECT x.result FROM institution_inspections x WHERE"           \
    " x.institution_id = i.id ORDER BY x.year DESC, x.id DESC LIMIT 1),"                        \
    " (SELECT COUNT(*) FROM courses c WHERE c.institution_id = i.id AND"                         \
    " c.review_state <> 'rejected') FROM institutions i"

static void h_public_list(req *r)
{
    const char *list = req_query(r, "list"), *q = req_query(r, "q"), *cat = req_query(r, "category");
    const char *qq = q ? q : "";
    reply_list(r,
               PUBLIC_SELECT " WHERE ($1 = '' OR i.list = $1) AND ($2 = '' OR i.name LIKE $3)"
               " AND ($4 = '' OR i.category = $4)"
               " ORDER BY CASE i.list WHEN 'white' THEN 0 WHEN 'none' THEN 1 ELSE 2 END, i.id",
               "SELECT COUNT(*) FROM institutions i WHERE ($1 = '' OR i.list = $1) AND"
               " ($2 = '' OR i.name LIKE $3) AND ($4 = '' OR i.category = $4)",
               PUBLIC_COLS, list ? list : "", qq, req_printf(r, "%%%s%%", qq),
               cat ? cat : "");
}

static void h_public_get(req *r)
{
    db_stmt *s = db_query(r->db, PUBLIC_SELECT " WHERE i.id = $1", r->params[0]);
    json_t *rows = db_rows_json(s, PUBLIC_COLS);
    if (!rows || json_array_size(rows) != 1) {
        reply_err(r, rows ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        json_decref(rows);
        return;
    }
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    s = db_query(r->db,
                 "SELECT id, name, subject, category, online, lesson_minutes, price_per_lesson_fen,"
                 " schedule, review_state FROM courses WHERE institution_id = $1 AND"
                 " review_state <> 'rejected' ORDER BY id", r->params[0]);
    json_t *courses = db_rows_json(s, "id:i,name:s,subject:s,category:s,online:b,lesson_minutes:i,"
                                      "price_per_lesson_fen:i,schedule:s,review_state:s");
    if (!courses) {
        json_decref(o);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    size_t i;
    json_t *c;
    json_array_foreach(courses, i, c) {
        json_t *sched = json_loads(json_string_value(json_object_get(c, "schedule")), 0, NULL);
        json_object_set_new(c, "schedule", sched ? sched : json_array());
    }
    json_object_set_new(o, "courses", courses);
    reply_json(r, 200, o);
}

static const route routes[] = {
    {"POST", "/api/v1/institutions", h_institution_create, "training:institution:add", DISTRICT_STAFF, 0},
    {"GET", "/api/v1/institutions", h_institution_list, "training:institution:list", INST_ROLES, 0},
    {"GET", "/api/v1/institutions/{id}", h_institution_get, "training:institution:list", INST_ROLES, 0},
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
    {"POST", "/api/v1/staff-blacklist", h_blacklist_add, "training:blacklist:add", DISTRICT_STAFF, 0},
    {"GET", "/api/v1/staff-blacklist", h_blacklist_list, "training:blacklist:list", DISTRICT_STAFF, 0},
    {"POST", "/api/v1/institutions/{id}/courses", h_course_create, "training:course:add", INST_ROLES, 0},
    {"GET", "/api/v1/institutions/{id}/courses", h_course_list, "training:course:list", INST_ROLES, 0},
    {"GET", "/api/v1/courses/{id}", h_course_get, PERM_USER, 0, 0},
    {"POST", "/api/v1/courses/{id}/review", h_course_review, "training:course:review", DISTRICT_STAFF, 0},
    {"GET", "/api/v1/public/institutions", h_public_list, PERM_PUBLIC, 0, 0},
    {"GET", "/api/v1/public/institutions/{id}", h_public_get, PERM_PUBLIC, 0, 0},
};

const route *training_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
