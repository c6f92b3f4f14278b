/*
 * api_clock.c: the server's clock for its clients.
 *
 *   GET /api/v1/clock (public)   {"today","now","unix","utc_offset","time_zone","test_clock"}
 *
 * The web app takes "today" from here, never from the browser: a browser's clock may be wrong
 * or in another zone, and between 16:00 and 24:00 UTC a browser in UTC is still on the day the
 * district has left. GET /api/v1/health carries the same fields, so a monitor sees a server
 * running on the test clock (clock.h).
 */
#include "core.h"

void clock_fields_add(json_t *o)
{
    char today[11], now[32];
    int64_t t = now_unix();
    unix_date(t, today);
    unix_rfc3339(t, now);
    json_object_set_new(o, "today", json_string(today));
    json_object_set_new(o, "now", json_string(now));
    json_object_set_new(o, "unix", json_integer(t));
    json_object_set_new(o, "utc_offset", json_string(CLOCK_UTC_OFFSET));
    json_object_set_new(o, "time_zone", json_string(CLOCK_TIME_ZONE));
    json_object_set_new(o, "test_clock", json_boolean(clock_is_test()));
}

static void h_clock(req *r)
{
    json_t *o = json_object();
    clock_fields_add(o);
    reply_json(r, 200, o);
}

static const route routes[] = {
    {"GET", "/api/v1/clock", h_clock, PERM_PUBLIC, 0, 0},
};

const route *clock_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
