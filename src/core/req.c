/*
 * req.c: what handlers use to read a request and write the answer: request memory, query
 * parameters, body fields with their bounds, the reply_* functions, and the validators for
 * dates and times shared by every module (UTF-8 is utf8.h's).
 *
 * Every body_*_or_reply helper has already answered 400 (naming the field) when it returns
 * false; the handler then only returns.
 */
#include <microhttpd.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "utf8.h"

void *req_alloc(req *r, size_t n)
{
    return arena_alloc(r->arena, n);
}

char *req_strdup(req *r, const char *s)
{
    return arena_strndup(r->arena, s, strlen(s));
}

char *req_printf(req *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *d = arena_alloc(r->arena, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

const char *req_header(req *r, const char *name)
{
    if (!r->conn)
        return NULL;
    return MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_HEADER_KIND, name);
}

const char *req_query(req *r, const char *key)
{
    if (!r->conn)
        return NULL;
    return MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND,
                                       key);
}

static bool parse_int64(const char *s, int64_t *out)
{
    if (!s || !*s)
        return false;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool req_query_int64_or_reply(req *r, const char *key, int64_t dflt, int64_t *out)
{
    const char *v = req_query(r, key);
    if (!v) {
        *out = dflt;
        return true;
    }
    if (!parse_int64(v, out)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, key);
        return false;
    }
    return true;
}

bool req_paging_or_reply(req *r, int64_t *limit, int64_t *offset)
{
    if (!req_query_int64_or_reply(r, "limit", 100, limit) ||
        !req_query_int64_or_reply(r, "offset", 0, offset))
        return false;
    if (*limit < 1 || *limit > 500) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "limit");
        return false;
    }
    if (*offset < 0 || *offset > 100000000) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "offset");
        return false;
    }
    return true;
}

static void set_body(req *r, int status, const char *type, char *data, size_t len)
{
    r->status = status;
    r->resp_type = type;
    r->resp_body = data;
    r->resp_len = len;
    r->replied = 1;
}

void reply_json(req *r, int status, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!s)
        abort();
    size_t n = strlen(s);
    char *d = arena_alloc(r->arena, n + 1);
    memcpy(d, s, n + 1);
    free(s);
    set_body(r, status, "application/json; charset=utf-8", d, n);
}

void reply_empty(req *r, int status)
{
    set_body(r, status, NULL, NULL, 0);
}

void reply_raw(req *r, int status, const char *type, const char *data, size_t len)
{
    char *d = arena_alloc(r->arena, len + 1);
    memcpy(d, data, len);
    set_body(r, status, type, d, len);
}

/* The one path every refusal takes: the status of v->err and
 * {"error":{"code","message","rule"?, the verdict's numbers..., extra's keys...}}. */
void reply_verdict(req *r, const verdict *v, json_t *extra)
{
    char message[512];
    verdict_message(v, r->english, message, sizeof message);
    json_t *err =
        json_pack("{s:s,s:s}", "code", v->code ? v->code : sj_err_code(v->err), "message", message);
    if (v->rule)
        json_object_set_new(err, "rule", json_string(v->rule));
    for (int i = 0; i < v->nargs; i++) {
        const verdict_arg *a = &v->args[i];
        json_object_set_new(err, a->key,
                            a->is_str    ? json_string(a->s)
                            : a->is_bool ? json_boolean(a->n)
                                         : json_integer(a->n));
    }
    if (extra) {
        json_object_update(err, extra);
        json_decref(extra);
    }
    sj_err e = v->err == SJ_ERR_OK ? SJ_ERR_INTERNAL : v->err; /* an OK verdict is no refusal */
    /* the one path to Retry-After: http.c writes the header from r->retry_after_s */
    json_t *retry = json_object_get(err, "retry_after_s");
    r->retry_after_s =
        json_is_integer(retry) && json_integer_value(retry) > 0 ? json_integer_value(retry) : 0;
    reply_json(r, sj_err_status(e), json_pack("{s:o}", "error", err));
}

void reply_err_detail(req *r, sj_err e, json_t *extra)
{
    verdict v = verdict_err(e, NULL);
    reply_verdict(r, &v, extra);
}

void reply_err(req *r, sj_err e)
{
    reply_err_detail(r, e, NULL);
}

void reply_err_field(req *r, sj_err e, const char *field)
{
    const char *msg = sj_err_message(e, r->english);
    json_t *extra = json_pack("{s:s,s:s}", "field", field, "message",
                              req_printf(r, r->english ? "%s: %s" : "%s:%s", msg, field));
    reply_err_detail(r, e, extra);
}

void reply_field(req *r, sj_err e, const char *field, const char *msg_key)
{
    verdict v = verdict_err(e, msg_key);
    verdict_str(&v, "field", field);
    reply_verdict(r, &v, NULL);
}

void reply_rule(req *r, const char *code, const char *rule, const char *zh, const char *en,
                json_t *extra)
{
    json_t *err =
        json_pack("{s:s,s:s,s:s}", "code", code, "rule", rule, "message", r->english ? en : zh);
    if (extra) {
        json_object_update(err, extra);
        json_decref(extra);
    }
    reply_json(r, 422, json_pack("{s:o}", "error", err));
}

void reply_db(req *r, int rc)
{
    reply_err(r, rc == DB_CONSTRAINT ? SJ_ERR_CONFLICT
                 : rc == DB_BUSY     ? SJ_ERR_UNAVAILABLE
                                     : SJ_ERR_INTERNAL);
}

bool body_require_object_or_reply(req *r)
{
    if (!json_is_object(r->body)) {
        reply_err(r, r->body ? SJ_ERR_BAD_REQUEST : SJ_ERR_BAD_JSON);
        return false;
    }
    return true;
}

static json_t *field(req *r, const char *key)
{
    json_t *v = json_is_object(r->body) ? json_object_get(r->body, key) : NULL;
    return json_is_null(v) ? NULL : v;
}

static bool missing(req *r, const char *key, bool required)
{
    if (required)
        reply_err_field(r, SJ_ERR_MISSING_FIELD, key);
    return !required;
}

bool body_str_or_reply(req *r, const char *key, size_t maxlen, bool required, const char **out)
{
    json_t *v = field(r, key);
    *out = NULL;
    if (!v)
        return missing(r, key, required);
    if (!json_is_string(v)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, key);
        return false;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    /* lengths count characters, not bytes: a Chinese name of 50 characters is 150 bytes */
    if (utf8_chars(s, n) > maxlen || memchr(s, 0, n)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, key);
        return false;
    }
    /* trim surrounding blanks; an all-blank required string is missing */
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0)
        return missing(r, key, required);
    char *d = req_alloc(r, len + 1);
    memcpy(d, s, len);
    *out = d;
    return true;
}

bool body_int_or_reply(req *r, const char *key, int64_t min, int64_t max, bool required,
                       int64_t *out)
{
    json_t *v = field(r, key);
    if (!v)
        return missing(r, key, required);
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        verdict e = verdict_err(SJ_ERR_BAD_FIELD, "core.field_range");
        verdict_str(&e, "field", key);
        verdict_num(&e, "min", min);
        verdict_num(&e, "max", max);
        reply_verdict(r, &e, NULL);
        return false;
    }
    *out = json_integer_value(v);
    return true;
}

bool body_bool_or_reply(req *r, const char *key, bool required, bool *out)
{
    json_t *v = field(r, key);
    if (!v)
        return missing(r, key, required);
    if (!json_is_boolean(v)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, key);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

bool body_enum_or_reply(req *r, const char *key, const char *const *options, bool required,
                        int *out)
{
    json_t *v = field(r, key);
    if (!v)
        return missing(r, key, required);
    if (json_is_string(v))
        for (int i = 0; options[i]; i++)
            if (strcmp(options[i], json_string_value(v)) == 0) {
                *out = i;
                return true;
            }
    json_t *allowed = json_array();
    for (int i = 0; options[i]; i++)
        json_array_append_new(allowed, json_string(options[i]));
    verdict e = verdict_err(SJ_ERR_BAD_FIELD, "core.field_not_allowed");
    verdict_str(&e, "field", key);
    reply_verdict(r, &e, json_pack("{s:o}", "allowed", allowed));
    return false;
}

bool body_date_or_reply(req *r, const char *key, bool required, const char **out)
{
    if (!body_str_or_reply(r, key, 10, required, out))
        return false;
    if (*out && !valid_date(*out)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, key);
        return false;
    }
    return true;
}

bool body_time_or_reply(req *r, const char *key, bool required, const char **out)
{
    if (!body_str_or_reply(r, key, 5, required, out))
        return false;
    if (*out && !valid_hhmm(*out)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, key);
        return false;
    }
    return true;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool valid_date(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
        return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

int hhmm_minutes(const char *s)
{
    if (!s || strlen(s) != 5 || s[2] != ':')
        return -1;
    int h = digits(s, 2), m = digits(s + 3, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59)
        return -1;
    return h * 60 + m;
}

bool valid_hhmm(const char *s)
{
    return hhmm_minutes(s) >= 0;
}
