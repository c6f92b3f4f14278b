/*
 * api.c: the notices' HTTP handlers and the module's route table (the evaluations' handlers
 * are in api_eval.c, the public page's in api_public.c).
 *
 *   POST /api/v1/notices                     send: {"title","body","audience","public"?,
 *                                            "attachment_ids"?} -> 201 {"id","recipients"}
 *   POST /api/v1/notices/preview             how many an audience reaches -> {"recipients"}
 *   POST /api/v1/notices/attachments?name=F  an upload (PDF, PNG, JPEG by content) for a notice
 *   GET  /api/v1/notices                     the caller's inbox, newest first (?unread=true)
 *   GET  /api/v1/notices/unread-count        {"unread"}: the header's badge
 *   GET  /api/v1/notices/sent                the caller's sent notices (?school_id=S: the
 *                                            school's, for its admins; ?all=true: the district's)
 *   GET  /api/v1/notices/{id}                one notice (its recipients, sender, sender's admins)
 *   POST /api/v1/notices/{id}/read           204 (once or many times); 404 when not addressed
 *   GET  /api/v1/notices/{id}/receipts       read/unread and the unread names (sender, admins)
 *   POST /api/v1/notices/{id}/remind         NT-1: remind the unread, once a day
 *   GET  /api/v1/notices/{id}/attachments/{id}   a file of a notice the caller may read
 *
 * Who follows a notice (receipts, reminders): its sender, and the sender's admins: the
 * district's admins, and for a notice of a school (notices.school_id) that school's admins.
 * Another district's notice does not exist for the caller (404), nor does a notice the caller
 * neither received nor follows, unless it is public.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/xlsx.h"
#include "notices/notices_int.h"

#define NT_TITLE_MAX    60
#define NT_BODY_MAX     5000
#define NT_NAME_MAX     100
#define NT_BY_CLASS_MAX 20000 /* a receipt lists read/unread per class up to this many */

#define SENDERS                                                                                    \
    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_SCHOOL_ADMIN) | ROLE_BIT(ROLE_GRADE_LEADER) |   \
     ROLE_BIT(ROLE_TEACHER))
#define READERS (SENDERS | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_GUARDIAN))
#define STAFF                                                                                      \
    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_SCHOOL_ADMIN) |      \
     ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_TEACHER))

/* ---------- the audience ---------- */

static bool audience_refused(req *r, const char *msg)
{
    verdict v = verdict_err(SJ_ERR_BAD_FIELD, msg);
    verdict_str(&v, "field", "audience");
    reply_verdict(r, &v, NULL);
    return false;
}

/* A list of ids or one id under `one`; false after replying. */
static bool ids_or_reply(req *r, json_t *a, const char *one, const char *many, int64_t *out,
                         size_t cap, size_t *n)
{
    json_t *x = json_object_get(a, one), *xs = json_object_get(a, many);
    *n = 0;
    if (x && !json_is_null(x)) {
        if (!json_is_integer(x) || json_integer_value(x) <= 0)
            return audience_refused(r, "notices.audience_bad");
        out[(*n)++] = json_integer_value(x);
    }
    if (xs && !json_is_null(xs)) {
        size_t i;
        json_t *e;
        if (!json_is_array(xs) || json_array_size(xs) + *n > cap)
            return audience_refused(r, "notices.audience_bad");
        json_array_foreach(xs, i, e)
        {
            if (!json_is_integer(e) || json_integer_value(e) <= 0)
                return audience_refused(r, "notices.audience_bad");
            out[(*n)++] = json_integer_value(e);
        }
    }
    return true;
}

/*
 * The audience of the body, checked against the caller's scope: {"school_id"?|"school_ids"?,
 * "grade"?|"grades"?, "class_id"?, "roles":[...]}. Schools and classes of another district,
 * or none at all, are outside the scope like any other (403). False after replying.
 */
static bool audience_or_reply(req *r, bool public_, nt_resolved *out)
{
    json_t *a = json_object_get(r->body, "audience");
    if (!a || json_is_null(a)) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "audience");
        return false;
    }
    if (!json_is_object(a))
        return audience_refused(r, "notices.audience_bad");
    nt_audience aud = {.public_ = public_};
    int64_t *schools = req_alloc(r, NT_MAX_SCHOOLS * sizeof *schools);
    int64_t grades[9], cls[1];
    size_t ng = 0, nc = 0;
    if (!ids_or_reply(r, a, "school_id", "school_ids", schools, NT_MAX_SCHOOLS, &aud.nschools) ||
        !ids_or_reply(r, a, "grade", "grades", grades, 9, &ng) ||
        !ids_or_reply(r, a, "class_id", "class_ids", cls, 1, &nc))
        return false;
    aud.schools = schools;
    for (size_t i = 0; i < ng; i++) {
        if (grades[i] > 9)
            return audience_refused(r, "notices.audience_bad");
        aud.grades |= 1u << grades[i];
    }
    json_t *roles = json_object_get(a, "roles"), *e;
    size_t i;
    if (!json_is_array(roles) || json_array_size(roles) > 8)
        return audience_refused(r, "notices.audience_roles");
    json_array_foreach(roles, i, e)
    {
        int bit = -1;
        for (int k = 0; json_is_string(e) && notices_roles[k]; k++)
            if (strcmp(notices_roles[k], json_string_value(e)) == 0)
                bit = k;
        if (bit < 0)
            return audience_refused(r, "notices.audience_roles");
        aud.roles |= 1u << bit;
    }
    if (!aud.roles && !public_)
        return audience_refused(r, "notices.audience_roles");
    /* what the caller names must be in their district: otherwise it is outside their scope */
    verdict outside = verdict_err(SJ_ERR_FORBIDDEN, "notices.scope.district");
    verdict_str(&outside, "field", "audience");
    for (size_t k = 0; k < aud.nschools; k++) {
        int rc = nt_store_school_in(r->db, schools[k], r->user->district_id);
        if (rc != DB_ROW) {
            if (rc == DB_DONE)
                reply_verdict(r, &outside, NULL);
            else
                reply_db(r, rc);
            return false;
        }
    }
    if (nc) {
        int64_t district = 0;
        int rc = nt_store_class(r->db, cls[0], &aud.cls, &district);
        if (rc != DB_ROW || district != r->user->district_id) {
            if (rc == DB_ROW || rc == DB_DONE)
                reply_verdict(r, &outside, NULL);
            else
                reply_db(r, rc);
            return false;
        }
    }
    nt_class *taught = NULL;
    size_t ntaught = 0;
    if (auth_has(r->user, ROLE_TEACHER)) {
        taught = req_alloc(r, NT_MAX_TAUGHT * sizeof *taught);
        int rc = nt_store_taught(r->db, r->user->id, taught, NT_MAX_TAUGHT, &ntaught);
        if (rc != DB_DONE) {
            reply_db(r, rc);
            return false;
        }
    }
    out->cap = notices_targets_cap(aud.nschools);
    out->targets = req_alloc(r, out->cap * sizeof *out->targets);
    verdict v = notices_audience_resolve(r->user, &aud, taught, ntaught, out);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return false;
    }
    return true;
}

static void h_send(req *r)
{
    const char *title, *body;
    bool public_ = false;
    if (!body_require_object_or_reply(r) ||
        !body_str_or_reply(r, "title", NT_TITLE_MAX, true, &title) ||
        !body_str_or_reply(r, "body", NT_BODY_MAX, true, &body) ||
        !body_bool_or_reply(r, "public", false, &public_))
        return;
    int64_t files[NT_MAX_ATTACHMENTS];
    size_t nfiles = 0;
    json_t *ids = json_object_get(r->body, "attachment_ids"), *e;
    size_t i;
    if (ids && !json_is_null(ids)) {
        if (!json_is_array(ids) || json_array_size(ids) > NT_MAX_ATTACHMENTS) {
            verdict v = verdict_err(SJ_ERR_BAD_FIELD, "notices.attachment_count");
            verdict_str(&v, "field", "attachment_ids");
            verdict_num(&v, "max", NT_MAX_ATTACHMENTS);
            reply_verdict(r, &v, NULL);
            return;
        }
        json_array_foreach(ids, i, e)
        {
            if (!json_is_integer(e) || json_integer_value(e) <= 0) {
                reply_err_field(r, SJ_ERR_BAD_FIELD, "attachment_ids");
                return;
            }
            files[nfiles++] = json_integer_value(e);
        }
    }
    nt_resolved aud;
    if (!audience_or_reply(r, public_, &aud))
        return;
    char *audience = json_dumps(json_object_get(r->body, "audience"), JSON_COMPACT);
    nt_send_in in = {.district_id = r->user->district_id,
                     .sender_id = r->user->id,
                     .title = title,
                     .body = body,
                     .audience_json = audience,
                     .aud = &aud,
                     .public_ = public_,
                     .attachments = files,
                     .nattachments = nfiles};
    int64_t id = 0, recipients = 0;
    verdict v = notices_send(r->db, &in, &id, &recipients);
    free(audience);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:b}", "id", (json_int_t)id, "recipients",
                         (json_int_t)recipients, "public", public_));
}

static void h_preview(req *r)
{
    bool public_ = false;
    if (!body_require_object_or_reply(r) || !body_bool_or_reply(r, "public", false, &public_))
        return;
    nt_resolved aud;
    if (!audience_or_reply(r, public_, &aud))
        return;
    int64_t n = 0;
    verdict v = notices_count(r->db, r->user->district_id, r->user->id, &aud, &n);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 200, json_pack("{s:I}", "recipients", (json_int_t)n));
}

/* ---------- attachments ---------- */

static void h_upload(req *r)
{
    const char *q = req_query(r, "name");
    if (!q || !*q || !utf8_valid(q, strlen(q)) || utf8_chars(q, strlen(q)) > NT_NAME_MAX) {
        reply_err_field(r, q ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "name");
        return;
    }
    if (r->raw_len > NT_ATTACHMENT_MAX_BYTES) {
        verdict v = verdict_err(SJ_ERR_TOO_LARGE, "notices.attachment_size");
        verdict_num(&v, "max_bytes", NT_ATTACHMENT_MAX_BYTES);
        verdict_num(&v, "max_mb", NT_ATTACHMENT_MAX_BYTES / (1024 * 1024));
        reply_verdict(r, &v, NULL);
        return;
    }
    const char *type = notices_attachment_type(r->raw_body, r->raw_len);
    if (!type) {
        verdict v = verdict_err(SJ_ERR_BAD_FIELD, "notices.attachment_type");
        verdict_str(&v, "field", "file");
        reply_verdict(r, &v, NULL);
        return;
    }
    /* the name as shown: the last path part, no control characters */
    const char *base = q;
    for (const char *p = q; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    char *name = req_strdup(r, base);
    for (char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '"')
            *p = '_';
    if (!*name) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "name");
        return;
    }
    nt_upload_in in = {.district_id = r->user->district_id,
                       .uploaded_by = r->user->id,
                       .name = name,
                       .type = type,
                       .data = r->raw_body,
                       .len = r->raw_len};
    int64_t id = 0;
    verdict v = notices_attachment_add(r->db, &in, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)id, "name", name, "type", type,
                         "size", (json_int_t)r->raw_len));
}

void nt_reply_file(req *r, const nt_file *f)
{
    r->resp_disposition = xlsx_disposition(r, f->name, f->name);
    reply_raw(r, 200, req_strdup(r, f->type), f->data, (size_t)f->size);
}

/* ---------- reading ---------- */

/* Loads a notice of the caller's district; false after replying 404/500. */
static bool notice_or_reply(req *r, int64_t id, nt_notice *n)
{
    int rc = nt_store_notice(r->db, id, n);
    if (rc != DB_ROW || n->district_id != r->user->district_id) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

/* The sender, and the sender's admins. */
static bool follows(const req *r, const nt_notice *n)
{
    if (n->sender_id == r->user->id || auth_district(r->user))
        return true;
    return n->school_id && auth_school_admin(r->user, n->school_id);
}

/* May read it: received it, follows it, or it is public. OUT: *received, *read. False after
 * replying 404 (a notice the caller may not see does not exist for them). */
static bool reader_or_reply(req *r, const nt_notice *n, bool *received, bool *read)
{
    int rc = nt_store_recipient(r->db, n->id, r->user->id, read);
    if (rc != DB_ROW && rc != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    *received = rc == DB_ROW;
    if (*received || follows(r, n) || n->public_)
        return true;
    reply_err(r, SJ_ERR_NOT_FOUND);
    return false;
}

static void h_inbox(req *r)
{
    int64_t limit, offset;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    const char *u = req_query(r, "unread");
    reply_page(r, nt_store_inbox(r->db, r->user->id, u && strcmp(u, "true") == 0, limit, offset));
}

static void h_unread(req *r)
{
    int64_t n = 0;
    int rc = nt_store_unread(r->db, r->user->id, &n);
    if (rc != DB_ROW) {
        reply_db(r, rc);
        return;
    }
    reply_json(r, 200, json_pack("{s:I}", "unread", (json_int_t)n));
}

static void h_sent(req *r)
{
    int64_t limit, offset, school_id = 0, sender = r->user->id;
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    const char *all = req_query(r, "all");
    if (all && strcmp(all, "true") == 0) {
        if (!auth_district(r->user)) {
            reply_err(r, SJ_ERR_FORBIDDEN);
            return;
        }
        sender = 0;
    } else if (school_id) {
        if (!auth_school_exists_or_reply(r, school_id))
            return;
        if (!auth_school_admin(r->user, school_id)) {
            reply_err(r, SJ_ERR_FORBIDDEN);
            return;
        }
        sender = 0;
    }
    reply_page(r, nt_store_sent(r->db, r->user->district_id, sender, school_id, limit, offset));
}

static void h_get(req *r)
{
    nt_notice n;
    bool received = false, read = false;
    if (!notice_or_reply(r, r->params[0], &n) || !reader_or_reply(r, &n, &received, &read))
        return;
    json_t *o = nt_store_notice_json(r->db, n.id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_object_set_new(o, "received", json_boolean(received));
    json_object_set_new(o, "read", json_boolean(read));
    if (follows(r, &n)) {
        json_t *aud = nt_store_audience(r->db, n.id);
        json_object_set_new(o, "audience", aud ? aud : json_object());
        json_object_set_new(o, "recipients", json_integer(n.recipients));
        json_object_set_new(o, "read_count", json_integer(n.read_count));
        json_object_set_new(o, "reminders", json_integer(n.reminders));
        json_object_set_new(o, "follows", json_true());
    }
    reply_json(r, 200, o);
}

static void h_read(req *r)
{
    nt_notice n;
    bool read = false;
    if (!notice_or_reply(r, r->params[0], &n))
        return;
    int rc = nt_store_recipient(r->db, n.id, r->user->id, &read);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    if (!read) {
        verdict v = notices_mark_read(r->db, n.id, r->user->id);
        if (!verdict_is_ok(&v)) {
            reply_verdict(r, &v, NULL);
            return;
        }
    }
    r->audit_target = n.id;
    reply_empty(r, 204);
}

/* Loads a notice the caller follows; false after replying 404 (not in the district, or not
 * even readable by the caller) or 403 (readable, not followed). */
static bool followed_or_reply(req *r, int64_t id, nt_notice *n)
{
    if (!notice_or_reply(r, id, n))
        return false;
    if (follows(r, n))
        return true;
    bool received = false, read = false;
    if (!reader_or_reply(r, n, &received, &read))
        return false;
    reply_err(r, SJ_ERR_FORBIDDEN);
    return false;
}

static void h_receipts(req *r)
{
    nt_notice n;
    int64_t limit, offset, class_id = 0;
    if (!followed_or_reply(r, r->params[0], &n) || !req_paging_or_reply(r, &limit, &offset) ||
        !req_query_int64_or_reply(r, "class_id", 0, &class_id))
        return;
    json_t *page =
        nt_store_unread_page(r->db, n.id, class_id, n.recipients - n.read_count, limit, offset);
    json_t *reminders = nt_store_reminders(r->db, n.id);
    json_t *by_class =
        n.recipients <= NT_BY_CLASS_MAX ? nt_store_by_class(r->db, n.id) : json_null();
    if (!page || !reminders || !by_class) {
        json_decref(page);
        json_decref(reminders);
        json_decref(by_class);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = json_pack(
        "{s:I,s:s,s:I,s:I,s:I,s:O,s:O,s:o,s:o,s:I,s:I}", "notice_id", (json_int_t)n.id, "title",
        n.title, "recipients", (json_int_t)n.recipients, "read", (json_int_t)n.read_count,
        "unread_count", (json_int_t)(n.recipients - n.read_count), "unread",
        json_object_get(page, "items"), "unread_total", json_object_get(page, "total"), "reminders",
        reminders, "by_class", by_class, "limit", (json_int_t)limit, "offset", (json_int_t)offset);
    json_decref(page);
    reply_json(r, 200, o);
}

static void h_remind(req *r)
{
    nt_notice n;
    if (!followed_or_reply(r, r->params[0], &n))
        return;
    char today[11];
    today_local(today);
    int64_t unread = 0;
    verdict v = notices_remind(r->db, r->pol, n.id, r->user->id, today, &unread);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = n.id;
    reply_json(r, 200, json_pack("{s:I,s:s}", "reminded", (json_int_t)unread, "day", today));
}

static void h_attachment(req *r)
{
    nt_notice n;
    bool received = false, read = false;
    if (!notice_or_reply(r, r->params[0], &n) || !reader_or_reply(r, &n, &received, &read))
        return;
    nt_file f = {0};
    int rc = nt_store_attachment(r->db, r->params[1], &f);
    if (rc != DB_ROW || f.notice_id != n.id) {
        free(f.data);
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    nt_reply_file(r, &f);
    free(f.data);
}

json_t *nt_average_json(int64_t count, int64_t sum)
{
    if (count <= 0)
        return json_integer(0);
    /* two decimals, rounded half up, in integers: 100 * sum / count */
    int64_t hundredths = (sum * 200 + count) / (2 * count);
    return json_real((double)hundredths / 100.0);
}

static const route routes[] = {
    {"POST", "/api/v1/notices", h_send, "notices:send", SENDERS, 0},
    {"POST", "/api/v1/notices/preview", h_preview, "notices:send", SENDERS, ROUTE_NO_AUDIT},
    {"POST", "/api/v1/notices/attachments", h_upload, "notices:send", SENDERS, ROUTE_RAW_BODY},
    {"GET", "/api/v1/notices", h_inbox, "notices:inbox", READERS, 0},
    {"GET", "/api/v1/notices/unread-count", h_unread, "notices:inbox", READERS, 0},
    {"GET", "/api/v1/notices/sent", h_sent, "notices:send", SENDERS, 0},
    {"GET", "/api/v1/notices/{id}", h_get, "notices:inbox", READERS, 0},
    /* a reading is recorded in the recipient's own row (read_at): an audit row for each of a
     * million families opening a notice would say nothing more */
    {"POST", "/api/v1/notices/{id}/read", h_read, "notices:inbox", READERS, ROUTE_NO_AUDIT},
    {"GET", "/api/v1/notices/{id}/receipts", h_receipts, "notices:send", SENDERS, 0},
    {"POST", "/api/v1/notices/{id}/remind", h_remind, "notices:send", SENDERS, 0},
    {"GET", "/api/v1/notices/{id}/attachments/{id}", h_attachment, "notices:inbox", READERS, 0},
    {"POST", "/api/v1/afterschool/programs/{id}/evaluations", notices_h_evaluate,
     "notices:evaluate", ROLE_BIT(ROLE_GUARDIAN), 0},
    {"GET", "/api/v1/afterschool/programs/{id}/evaluations", notices_h_program_evaluations,
     "notices:evaluations", STAFF, 0},
    {"GET", "/api/v1/afterschool/evaluations/mine", notices_h_family_evaluations,
     "notices:evaluate", ROLE_BIT(ROLE_GUARDIAN), 0},
    {"GET", "/api/v1/afterschool/evaluations/programs", notices_h_eval_programs,
     "notices:evaluations", STAFF, 0},
    {"GET", "/api/v1/afterschool/evaluations/schools", notices_h_eval_schools,
     "notices:evaluations:district", ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR), 0},
    {"GET", "/api/v1/public/publicity", notices_h_publicity, PERM_PUBLIC, 0, 0},
    {"GET", "/api/v1/public/notices/{id}", notices_h_public_notice, PERM_PUBLIC, 0, 0},
    {"GET", "/api/v1/public/notices/{id}/attachments/{id}", notices_h_public_attachment,
     PERM_PUBLIC, 0, 0},
};

const route *notices_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
