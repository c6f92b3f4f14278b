/*
 * fuzz_request.c: libFuzzer target for what a client controls before any handler runs: the
 * path (router), the body bytes (UTF-8 check, JSON parse) and the body field validators every
 * handler uses. Input: the first line is "METHOD PATH", the rest is the body.
 * Run: build-fuzz/fuzz_request -max_total_time=20 CORPUS_DIR
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/arena.h"
#include "core/http.h"
#include "app/routes.h"
#include "core/utf8.h"

static router *rt;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!rt) {
        char err[256];
        rt = router_new(app_route_tables, err, sizeof err);
        if (!rt)
            abort();
    }
    const char *nl = memchr(data, '\n', size);
    size_t linelen = nl ? (size_t)(nl - (const char *)data) : size;
    char line[512];
    size_t head = linelen < sizeof line ? linelen : sizeof line - 1;
    memcpy(line, data, head);
    line[head] = 0;
    char *sp = strchr(line, ' ');
    const char *method = "GET", *path = line;
    if (sp) {
        *sp = 0;
        method = line;
        path = sp + 1;
    }
    int64_t params[REQ_MAX_PARAMS];
    int mismatch = 0;
    const route *ro = router_match(rt, method, path, params, &mismatch);
    (void)ro;

    const char *body = nl ? nl + 1 : "";
    size_t blen = nl ? size - linelen - 1 : 0;
    if (!utf8_valid(body, blen))
        return 0;
    req r;
    memset(&r, 0, sizeof r);
    r.arena = arena_new();
    json_error_t je;
    r.body = json_loadb(body, blen, JSON_REJECT_DUPLICATES, &je);
    const char *s;
    int64_t i;
    bool b;
    int e;
    static const char *const kinds[] = {"written", "oral", "reading", "practical", NULL};
    if (body_require_object_or_reply(&r)) {
        body_str_or_reply(&r, "name", 50, false, &s);
        body_int_or_reply(&r, "minutes", 1, 600, false, &i);
        body_bool_or_reply(&r, "rural", false, &b);
        body_enum_or_reply(&r, "kind", kinds, false, &e);
        body_date_or_reply(&r, "date", false, &s);
        body_time_or_reply(&r, "start", false, &s);
    }
    json_decref(r.body);
    arena_free(r.arena);
    return 0;
}
