/*
 * api.c: the half-monthly report's HTTP handlers (RP-1, RP-3) and the reports module's route
 * table (RP-2's handlers are in api_rp2.c).
 *
 *   GET  /api/v1/reports/half-monthly                    the periods, newest first, with status
 *   GET  /api/v1/reports/due                             the next report due and the late ones
 *   GET  /api/v1/reports/settings                        reporting since, the baseline
 *   PUT  /api/v1/reports/settings                        (district_admin)
 *   GET  /api/v1/reports/half-monthly/{PERIOD}           the report: a draft, or as submitted
 *   GET  /api/v1/reports/half-monthly/{PERIOD}.xlsx      its workbook
 *   POST /api/v1/reports/half-monthly/{PERIOD}/submit    (district_admin)
 *   GET  /api/v1/reports/half-monthly/{PERIOD}/revisions every submission of the period
 *   GET  /api/v1/reports/half-monthly/{PERIOD}/figures   a revision's stored text (its digest's)
 *   GET  /api/v1/reports/half-monthly/{PERIOD}/schools/{id}  one school's breakdown (that
 *                                                        school's admin, district staff)
 *
 * District staff (district_admin, inspector) read; only district_admin submits. A period that
 * is not YYYY-MM-1/2 is 400; one that has not begun or ended before the district reports is
 * 422 with rule RP-1 (reports_period_check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "reports/reports_int.h"

#define DISTRICT_STAFF (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR))
#define DISTRICT_ADMIN ROLE_BIT(ROLE_DISTRICT_ADMIN)
#define SCHOOL_READERS (DISTRICT_STAFF | ROLE_BIT(ROLE_SCHOOL_ADMIN))

#define HM_PREFIX "/api/v1/reports/half-monthly/"

/* The {PERIOD} segment of the path, parsed, with its due date; false after replying 400. */
static bool period_parse_or_reply(req *r, rp_period *p)
{
    const char *s = r->path + strlen(HM_PREFIX);
    char id[40];
    size_t n = strcspn(s, "/.");
    if (strncmp(r->path, HM_PREFIX, strlen(HM_PREFIX)) != 0 || n >= sizeof id) {
        reply_field(r, SJ_ERR_BAD_FIELD, "period", "reports.bad_period");
        return false;
    }
    memcpy(id, s, n);
    id[n] = 0;
    if (!reports_period_parse(id, p)) {
        verdict v = verdict_err(SJ_ERR_BAD_FIELD, "reports.bad_period");
        verdict_str(&v, "field", "period");
        verdict_str(&v, "period", id);
        reply_verdict(r, &v, NULL);
        return false;
    }
    reports_period_due(r->pol, p);
    return true;
}

/* The same, and the period may be reported on today (RP-1); false after replying. */
static bool period_or_reply(req *r, rp_period *p, char today[11])
{
    if (!period_parse_or_reply(r, p))
        return false;
    rp_settings set;
    char since[11];
    int rc = rp_store_settings(r->db, r->user->district_id, &set, since);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return false;
    }
    today_local(today);
    verdict v = reports_period_check(p, today, since);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return false;
    }
    return true;
}

/* ?revision=N (a stored revision) or ?draft=true (the live figures); 0 = the latest. */
static bool revision_or_reply(req *r, int *revision)
{
    int64_t rev = 0;
    const char *draft = req_query(r, "draft");
    if (!req_query_int64_or_reply(r, "revision", 0, &rev))
        return false;
    if (rev < 0 || rev > 100000) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "revision");
        return false;
    }
    *revision =
        draft && (strcmp(draft, "true") == 0 || strcmp(draft, "1") == 0) ? RP_DRAFT : (int)rev;
    return true;
}

/* The report of the path's period; NULL after replying. */
static json_t *report_or_reply(req *r, rp_period *p, char today[11])
{
    int revision;
    if (!period_or_reply(r, p, today) || !revision_or_reply(r, &revision))
        return NULL;
    json_t *o = NULL;
    int rc = reports_half_monthly(r->db, r->pol, r->user->district_id, p, today, revision, &o);
    if (rc == DB_DONE) {
        reply_field(r, SJ_ERR_NOT_FOUND, "revision", "reports.no_revision");
        return NULL;
    }
    if (rc != DB_OK) {
        reply_db(r, rc);
        return NULL;
    }
    return o;
}

static void h_get(req *r)
{
    rp_period p;
    char today[11];
    json_t *o = report_or_reply(r, &p, today);
    if (o)
        reply_json(r, 200, o);
}

static void h_xlsx(req *r)
{
    rp_period p;
    char today[11];
    json_t *o = report_or_reply(r, &p, today);
    if (!o)
        return;
    xlsx_book b;
    if (!xlsx_open_or_reply(r, &b, "report")) {
        json_decref(o);
        return;
    }
    reports_half_monthly_sheets(&b, o);
    const char *status = json_string_value(json_object_get(o, "status"));
    char *detail = req_printf(r, "%s %s", p.id, status ? status : "");
    json_decref(o);
    if (!xlsx_finish_or_reply(r, &b))
        return;
    audit_record(r, "export half-monthly report", "district", r->user->district_id, detail);
    xlsx_reply(r, &b, req_printf(r, "half-monthly-%s.xlsx", p.id),
               req_printf(r, "双减工作半月报-%s年%d月%s.xlsx", req_printf(r, "%04d", p.year),
                          p.month, p.half == 1 ? "上半月" : "下半月"));
}

static void h_submit(req *r)
{
    rp_period p;
    char today[11];
    const char *reason = NULL;
    if (!period_or_reply(r, &p, today))
        return;
    if (r->body && !body_require_object_or_reply(r))
        return;
    if (!body_str_or_reply(r, "revision_reason", RP_REASON_MAX, false, &reason))
        return;
    json_t *fig = NULL;
    int rc = rp_draft_figures(r->db, r->pol, r->user->district_id, &p, today, false, &fig);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return;
    }
    char digest[65];
    char *text = rp_canonical(fig, digest);
    json_decref(fig);
    rp_submit_in in = {.district_id = r->user->district_id,
                       .actor = r->user->id,
                       .period = p.id,
                       .figures = text,
                       .digest = digest,
                       .actor_name = r->user->name,
                       .reason = reason};
    int revision = 0;
    int64_t at = 0;
    verdict v = reports_submit(r->db, &in, &revision, &at);
    free(text);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    char at_s[32];
    unix_rfc3339(at, at_s);
    r->audit_target = revision;
    reply_json(r, 200,
               json_pack("{s:s,s:s,s:i,s:s,s:s,s:s,s:b}", "status", "submitted", "period", p.id,
                         "revision", revision, "submitted_at", at_s, "digest", digest, "due_date",
                         p.due, "submitted_late", strcmp(today, p.due) > 0));
}

static void h_revisions(req *r)
{
    rp_period p;
    int64_t limit, offset;
    if (!period_parse_or_reply(r, &p) || !req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, rp_store_revisions(r->db, r->user->district_id, p.id, limit, offset));
}

/* The stored text of a revision, byte for byte: its SHA-256 is the digest. */
static void h_figures(req *r)
{
    rp_period p;
    int revision;
    if (!period_parse_or_reply(r, &p) || !revision_or_reply(r, &revision))
        return;
    rp_submission sub;
    int rc = rp_store_submission(r->db, r->user->district_id, p.id,
                                 revision == RP_DRAFT ? 0 : revision, &sub);
    if (rc != DB_ROW) {
        if (rc == DB_DONE)
            reply_field(r, SJ_ERR_NOT_FOUND, "revision", "reports.no_revision");
        else
            reply_db(r, rc);
        return;
    }
    reply_raw(r, 200, "application/json; charset=utf-8", sub.figures, strlen(sub.figures));
    rp_submission_cleanup(&sub);
}

/* One school's breakdown: from the submitted figures when the period is submitted, else
 * computed for that school alone. */
static void h_school(req *r)
{
    int64_t school_id = r->params[0];
    if (!auth_school_exists_or_reply(r, school_id))
        return;
    if (!auth_district_staff(r->user) && !auth_school_admin(r->user, school_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    rp_period p;
    char today[11];
    int revision;
    if (!period_or_reply(r, &p, today) || !revision_or_reply(r, &revision))
        return;
    rp_submission sub;
    int rc = revision == RP_DRAFT
                 ? DB_DONE
                 : rp_store_submission(r->db, r->user->district_id, p.id, revision, &sub);
    json_t *fig = NULL, *school = NULL;
    const char *status = "draft";
    if (rc == DB_ROW) {
        json_error_t err;
        fig = json_loads(sub.figures, 0, &err);
        rp_submission_cleanup(&sub);
        status = "submitted";
    } else if (rc == DB_DONE && revision > 0) {
        reply_field(r, SJ_ERR_NOT_FOUND, "revision", "reports.no_revision");
        return;
    } else if (rc == DB_DONE) {
        const char *as_of = strcmp(today, p.to) < 0 ? today : p.to;
        rc = rp_compute(r->db, r->pol, r->user->district_id, school_id, p.from, p.to, as_of, false,
                        &fig);
        if (rc != DB_OK) {
            reply_db(r, rc);
            return;
        }
    } else {
        reply_db(r, rc);
        return;
    }
    json_t *it;
    size_t i;
    json_array_foreach(json_object_get(fig, "schools"), i,
                       it) if (json_integer_value(json_object_get(it, "school_id")) == school_id)
        school = json_incref(it);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O?,s:O?,s:o?}", "period", p.id, "from", p.from,
                          "to", p.to, "due_date", p.due, "status", status, "school_days",
                          json_object_get(fig, "school_days"), "rules",
                          json_object_get(fig, "rules"), "school", school);
    json_decref(fig);
    reply_json(r, 200, o);
}

/* ---------- periods, due dates, settings ---------- */

/* The district's first reported period and the current one; false after replying. */
static bool span_or_reply(req *r, rp_period *first, rp_period *cur, char today[11], char since[11])
{
    rp_settings set;
    int rc = rp_store_settings(r->db, r->user->district_id, &set, since);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return false;
    }
    today_local(today);
    reports_period_of(since, first);
    reports_period_of(today, cur);
    if (strcmp(first->from, cur->from) > 0) /* reporting starts in the future */
        *first = *cur;
    return true;
}

static json_t *period_item(const req *r, const rp_period *p, const char *today, json_t *submitted)
{
    json_t *sub = json_object_get(submitted, p->id);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "period", p->id, "from", p->from, "to",
                          p->to, "due_date", p->due, "status", sub ? "submitted" : "draft", "late",
                          reports_period_late(p, today, sub != NULL));
    if (sub)
        json_object_update(o, sub);
    (void)r;
    return o;
}

static void h_list(req *r)
{
    int64_t limit, offset;
    rp_period first, cur;
    char today[11], since[11];
    if (!req_paging_or_reply(r, &limit, &offset) || !span_or_reply(r, &first, &cur, today, since))
        return;
    /* newest first: index 0 is the current period */
    int64_t total = 0;
    for (rp_period p = cur;; reports_period_prev(&p, &p)) {
        total++;
        if (strcmp(p.id, first.id) == 0 || total > 100000)
            break;
    }
    json_t *items = json_array();
    rp_period p = cur;
    for (int64_t i = 0; i < offset && i < total; i++)
        reports_period_prev(&p, &p);
    rp_period newest = p, oldest = p;
    rp_period slice[500];
    int64_t n = 0;
    for (int64_t i = offset; i < total && n < limit; i++, n++) {
        reports_period_due(r->pol, &p);
        slice[n] = p;
        oldest = p;
        reports_period_prev(&p, &p);
    }
    json_t *submitted =
        n ? rp_store_submitted(r->db, r->user->district_id, oldest.id, newest.id) : json_object();
    if (!submitted) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    for (int64_t i = 0; i < n; i++)
        json_array_append_new(items, period_item(r, &slice[i], today, submitted));
    json_decref(submitted);
    json_t *page = list_json(items, total);
    json_object_set_new(page, "since", json_string(since));
    json_object_set_new(page, "today", json_string(today));
    reply_json(r, 200, page);
}

#define DUE_LATE_MAX 24

static void h_due(req *r)
{
    rp_period first, cur;
    char today[11], since[11];
    if (!span_or_reply(r, &first, &cur, today, since))
        return;
    reports_period_due(r->pol, &cur);
    json_t *submitted = rp_store_submitted(r->db, r->user->district_id, first.id, cur.id);
    if (!submitted) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    /* the next due: the current period when not yet submitted, else the one after it */
    rp_period next = cur;
    if (json_object_get(submitted, cur.id)) {
        reports_period_next(&cur, &next);
        reports_period_due(r->pol, &next);
    }
    json_t *late = json_array();
    int64_t nlate = 0;
    rp_period p = cur;
    for (int guard = 0; guard < 100000; guard++) {
        reports_period_due(r->pol, &p);
        if (reports_period_late(&p, today, json_object_get(submitted, p.id) != NULL)) {
            if (nlate++ < DUE_LATE_MAX)
                json_array_append_new(late,
                                      json_pack("{s:s,s:s,s:s,s:s,s:I}", "period", p.id, "from",
                                                p.from, "to", p.to, "due_date", p.due, "days_late",
                                                (json_int_t)(date_days(today) - date_days(p.due))));
        }
        if (strcmp(p.id, first.id) == 0)
            break;
        reports_period_prev(&p, &p);
    }
    json_t *o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:I}", "today", today, "since", since, "current",
                          period_item(r, &cur, today, submitted), "next_due",
                          period_item(r, &next, today, submitted), "late", late, "late_total",
                          (json_int_t)nlate);
    json_object_set_new(json_object_get(o, "next_due"), "days_left",
                        json_integer(date_days(next.due) - date_days(today)));
    json_decref(submitted);
    reply_json(r, 200, o);
}

static json_t *settings_json(const rp_settings *s, const char *since)
{
    return json_pack("{s:s?,s:s,s:s?,s:o}", "since", s->since[0] ? s->since : NULL,
                     "since_effective", since, "baseline_date",
                     s->baseline_date[0] ? s->baseline_date : NULL, "baseline_subject_institutions",
                     s->baseline_subject_institutions >= 0
                         ? json_integer(s->baseline_subject_institutions)
                         : json_null());
}

static void h_settings_get(req *r)
{
    rp_settings s;
    char since[11];
    int rc = rp_store_settings(r->db, r->user->district_id, &s, since);
    if (rc != DB_OK) {
        reply_db(r, rc);
        return;
    }
    reply_json(r, 200, settings_json(&s, since));
}

static void h_settings_put(req *r)
{
    const char *since = NULL, *baseline = NULL;
    int64_t count = -1;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "since", false, &since) ||
        !body_date_or_reply(r, "baseline_date", false, &baseline) ||
        !body_int_or_reply(r, "baseline_subject_institutions", 0, 1000000, false, &count))
        return;
    char today[11];
    today_local(today);
    if (since && strcmp(since, today) > 0) {
        reply_field(r, SJ_ERR_BAD_FIELD, "since", "reports.since_future");
        return;
    }
    if (count >= 0 && !baseline) {
        reply_field(r, SJ_ERR_MISSING_FIELD, "baseline_date", "reports.baseline_needs_date");
        return;
    }
    rp_settings in = {.baseline_subject_institutions = count};
    snprintf(in.since, sizeof in.since, "%s", since ? since : "");
    snprintf(in.baseline_date, sizeof in.baseline_date, "%s", baseline ? baseline : "");
    verdict v = reports_settings_put(r->db, r->user->district_id, &in, r->user->id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    h_settings_get(r);
}

/* RP-2 (api_rp2.c) */
void rp_h_ledger(req *r);
void rp_h_ledger_xlsx(req *r);
void rp_h_case_create(req *r);
void rp_h_case_list(req *r);
void rp_h_case_get(req *r);
void rp_h_case_edit(req *r);
void rp_h_case_select(req *r);
void rp_h_case_publish(req *r);
void rp_h_photo_add(req *r);
void rp_h_photo_get(req *r);
void rp_h_photo_delete(req *r);
void rp_h_compilation(req *r);

static const route routes[] = {
    {"GET", "/api/v1/reports/half-monthly", h_list, "reports:half_monthly:read", DISTRICT_STAFF, 0},
    {"GET", "/api/v1/reports/due", h_due, "reports:half_monthly:read", DISTRICT_STAFF, 0},
    {"GET", "/api/v1/reports/settings", h_settings_get, "reports:half_monthly:read", DISTRICT_STAFF,
     0},
    {"PUT", "/api/v1/reports/settings", h_settings_put, "reports:settings:edit", DISTRICT_ADMIN, 0},
    {"GET", "/api/v1/reports/half-monthly/{period}", h_get, "reports:half_monthly:read",
     DISTRICT_STAFF, 0},
    {"GET", "/api/v1/reports/half-monthly/{period}.xlsx", h_xlsx, "reports:half_monthly:export",
     DISTRICT_STAFF, 0},
    {"POST", "/api/v1/reports/half-monthly/{period}/submit", h_submit,
     "reports:half_monthly:submit", DISTRICT_ADMIN, 0},
    {"GET", "/api/v1/reports/half-monthly/{period}/revisions", h_revisions,
     "reports:half_monthly:read", DISTRICT_STAFF, 0},
    {"GET", "/api/v1/reports/half-monthly/{period}/figures", h_figures, "reports:half_monthly:read",
     DISTRICT_STAFF, 0},
    {"GET", "/api/v1/reports/half-monthly/{period}/schools/{id}", h_school, "reports:school:read",
     SCHOOL_READERS, 0},
    {"GET", "/api/v1/schools/{id}/ledger", rp_h_ledger, "reports:ledger:read", SCHOOL_READERS, 0},
    {"GET", "/api/v1/schools/{id}/ledger.xlsx", rp_h_ledger_xlsx, "reports:ledger:read",
     SCHOOL_READERS, 0},
    {"POST", "/api/v1/typical-cases", rp_h_case_create, "reports:case:add",
     ROLE_BIT(ROLE_SCHOOL_ADMIN), 0},
    {"GET", "/api/v1/typical-cases", rp_h_case_list, "reports:case:list", SCHOOL_READERS, 0},
    {"GET", "/api/v1/typical-cases/{id}", rp_h_case_get, "reports:case:list", SCHOOL_READERS, 0},
    {"PUT", "/api/v1/typical-cases/{id}", rp_h_case_edit, "reports:case:edit",
     DISTRICT_ADMIN | ROLE_BIT(ROLE_SCHOOL_ADMIN), 0},
    {"POST", "/api/v1/typical-cases/{id}/select", rp_h_case_select, "reports:case:select",
     DISTRICT_ADMIN, 0},
    {"POST", "/api/v1/typical-cases/{id}/publish", rp_h_case_publish, "reports:case:select",
     DISTRICT_ADMIN, 0},
    {"POST", "/api/v1/typical-cases/{id}/photos", rp_h_photo_add, "reports:case:edit",
     DISTRICT_ADMIN | ROLE_BIT(ROLE_SCHOOL_ADMIN), ROUTE_RAW_BODY},
    {"GET", "/api/v1/typical-cases/{id}/photos/{id}", rp_h_photo_get, "reports:case:list",
     SCHOOL_READERS, 0},
    {"DELETE", "/api/v1/typical-cases/{id}/photos/{id}", rp_h_photo_delete, "reports:case:edit",
     DISTRICT_ADMIN | ROLE_BIT(ROLE_SCHOOL_ADMIN), 0},
    {"GET", "/api/v1/reports/compilation", rp_h_compilation, "reports:compilation:read",
     DISTRICT_STAFF, 0},
};

const route *reports_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
