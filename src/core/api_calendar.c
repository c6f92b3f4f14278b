/*
 * api_calendar.c: the district keeps its school calendar (docs/api/core.md, "Calendar"):
 *   POST   /api/v1/calendar/terms      a term's first and last day (district_admin)
 *   GET    /api/v1/calendar/terms      the terms entered
 *   POST   /api/v1/calendar/holidays   a holiday, or a make-up school day (调休) inside a term
 *   DELETE /api/v1/calendar/holidays?date=D
 *   GET    /api/v1/calendar?from&to    each day's kind (the calendar's precedence, calendar.h)
 * Handlers only; the store is calendar.c (core_term_put, core_day_put, core_day_delete).
 */
#include <string.h>

#include "calendar.h"
#include "core_int.h"

static const char *const day_kind_names[] = {"", "school", "weekend", "holiday", "vacation"};

static void h_term_put(req *r)
{
    const char *term, *first, *last;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "term", 11, true, &term) ||
        !body_date_or_reply(r, "first_day", true, &first) ||
        !body_date_or_reply(r, "last_day", true, &last))
        return;
    if (!term_valid(term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    if (strcmp(first, last) > 0 || date_days(last) - date_days(first) > 250) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "last_day");
        return;
    }
    verdict v = core_term_put(r->db, req_audit(r, 201), r->user->district_id, term, first, last);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 201,
               json_pack("{s:s,s:s,s:s}", "term", term, "first_day", first, "last_day", last));
}

static void h_terms(req *r)
{
    int64_t limit, offset;
    if (req_paging_or_reply(r, &limit, &offset))
        reply_page(r, core_terms_page(r->db, r->user->district_id, limit, offset));
}

static void h_day_put(req *r)
{
    static const char *const kinds[] = {"holiday", "workday", NULL};
    const char *date, *name;
    int kind;
    if (!body_require_object_or_reply(r) || !body_date_or_reply(r, "date", true, &date) ||
        !body_enum_or_reply(r, "kind", kinds, true, &kind) ||
        !body_str_or_reply(r, "name", 30, true, &name))
        return;
    verdict v =
        core_day_put(r->db, req_audit(r, 201), r->user->district_id, date, kinds[kind], name);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 201, json_pack("{s:s,s:s,s:s}", "date", date, "kind", kinds[kind], "name", name));
}

static void h_day_delete(req *r)
{
    const char *date = req_query(r, "date");
    if (!valid_date(date)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "date");
        return;
    }
    verdict v = core_day_delete(r->db, req_audit(r, 204), r->user->district_id, date);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_empty(r, 204);
}

static void h_days(req *r)
{
    const char *from = req_query(r, "from"), *to = req_query(r, "to");
    if (!valid_date(from) || !valid_date(to) || strcmp(from, to) > 0 ||
        date_days(to) - date_days(from) > 400) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, !valid_date(from) ? "from" : "to");
        return;
    }
    json_t *items = json_array();
    for (int64_t d = date_days(from); d <= date_days(to); d++) {
        char date[11], name[64];
        days_date(d, date);
        int k = calendar_day_kind(r->db, r->user->district_id, date, name, sizeof name);
        if (k < 0) {
            json_decref(items);
            reply_err(r, SJ_ERR_INTERNAL);
            return;
        }
        json_t *o = json_pack("{s:s,s:s,s:i}", "date", date, "kind", day_kind_names[k], "weekday",
                              date_weekday(date));
        if (name[0])
            json_object_set_new(o, "name", json_string(name));
        json_array_append_new(items, o);
    }
    reply_json(r, 200, list_json(items, (int64_t)json_array_size(items)));
}

static const route routes[] = {
    {"POST", "/api/v1/calendar/terms", h_term_put, "core:calendar:edit",
     ROLE_BIT(ROLE_DISTRICT_ADMIN), 0},
    {"GET", "/api/v1/calendar/terms", h_terms, PERM_USER, 0, 0},
    {"POST", "/api/v1/calendar/holidays", h_day_put, "core:calendar:edit",
     ROLE_BIT(ROLE_DISTRICT_ADMIN), 0},
    {"DELETE", "/api/v1/calendar/holidays", h_day_delete, "core:calendar:edit",
     ROLE_BIT(ROLE_DISTRICT_ADMIN), 0},
    {"GET", "/api/v1/calendar", h_days, PERM_USER, 0, 0},
};

const route *calendar_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
