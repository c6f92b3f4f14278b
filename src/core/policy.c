/*
 * policy.c: the typed policy: the national defaults, a district's overrides laid over them key
 * by key, every value checked against POLICY_FIELDS (policy.h) and read once into
 * policy_values. See policy.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "policy.h"

struct policy {
    json_t *doc;
    json_t *overrides; /* what was laid over the national defaults (an object, maybe empty) */
    char version[128];
    policy_values v;
};

typedef enum { K_INT, K_OPT, K_BOOL, K_HHMM, K_MMDD, K_GRADES, K_STRS, K_BANDS, K_JSON } kind;

typedef struct {
    const char *rule, *key;
    kind k;
    size_t offset;
} field;

static const field fields[] = {
#define POLICY_FIELD_ROW(f, rule, key, kd) {rule, key, K_##kd, offsetof(policy_values, f)},
    POLICY_FIELDS(POLICY_FIELD_ROW)
#undef POLICY_FIELD_ROW
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static const field *find_field(const char *rule, const char *key)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (strcmp(fields[i].rule, rule) == 0 && (!key || strcmp(fields[i].key, key) == 0))
            return &fields[i];
    return NULL;
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* "HH:MM" → minutes, -1 when not a time of day. */
static int parse_hhmm(const char *s)
{
    if (!s || strlen(s) != 5 || s[2] != ':' || !digits(s, 2) || !digits(s + 3, 2))
        return -1;
    int h = two_digits(s), m = two_digits(s + 3);
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* "MM-DD" → month * 100 + day, -1 when not a day of the year. */
static int parse_mmdd(const char *s)
{
    static const int mdays[] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != 5 || s[2] != '-' || !digits(s, 2) || !digits(s + 3, 2))
        return -1;
    int m = two_digits(s), d = two_digits(s + 3);
    return m >= 1 && m <= 12 && d >= 1 && d <= mdays[m] ? m * 100 + d : -1;
}

/* Reads v as kind k into out (NULL: only checks). Returns NULL when fine, else the reason. */
static const char *read_value(kind k, const json_t *v, void *out)
{
    switch (k) {
    case K_INT:
    case K_OPT:
        if (k == K_OPT && json_is_null(v)) {
            if (out)
                *(int64_t *)out = POLICY_UNSET;
            return NULL;
        }
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return k == K_OPT ? "a whole number of at least 0, or null"
                              : "a whole number of at least 0";
        if (out)
            *(int64_t *)out = json_integer_value(v);
        return NULL;
    case K_BOOL:
        if (!json_is_boolean(v))
            return "true or false";
        if (out)
            *(bool *)out = json_is_true(v);
        return NULL;
    case K_HHMM: {
        int m = parse_hhmm(json_string_value(v));
        if (m < 0)
            return "a time of day HH:MM";
        if (out)
            *(int *)out = m;
        return NULL;
    }
    case K_MMDD: {
        int d = parse_mmdd(json_string_value(v));
        if (d < 0)
            return "a day of the year MM-DD";
        if (out)
            *(int *)out = d;
        return NULL;
    }
    case K_GRADES: {
        if (!json_is_array(v))
            return "a list of grades 1 to 9";
        unsigned mask = 0;
        size_t i;
        json_t *g;
        json_array_foreach(v, i, g)
        {
            if (!json_is_integer(g) || json_integer_value(g) < 1 || json_integer_value(g) > 9)
                return "a list of grades 1 to 9";
            mask |= 1u << json_integer_value(g);
        }
        if (out)
            *(unsigned *)out = mask;
        return NULL;
    }
    case K_STRS: {
        if (!json_is_array(v) || json_array_size(v) > POLICY_MAX_STRS)
            return "a list of names";
        policy_strs l = {0};
        size_t i;
        json_t *s;
        json_array_foreach(v, i, s)
        {
            if (!json_is_string(s) || !*json_string_value(s))
                return "a list of names";
            l.v[l.n++] = json_string_value(s);
        }
        if (out)
            *(policy_strs *)out = l;
        return NULL;
    }
    case K_BANDS: {
        if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > POLICY_MAX_BANDS)
            return "a list of bands {\"band\",\"min\"}";
        policy_bands b = {0};
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            const char *name = json_string_value(json_object_get(x, "band"));
            json_t *min = json_object_get(x, "min");
            if (!json_is_object(x) || json_object_size(x) != 2 || !name || !*name ||
                strlen(name) > 32 || !json_is_integer(min) || json_integer_value(min) < 0 ||
                json_integer_value(min) > 100 ||
                (b.n && json_integer_value(min) >= b.v[b.n - 1].min))
                return "a list of bands {\"band\",\"min\"}, each min lower than the one before";
            b.v[b.n].band = name;
            b.v[b.n++].min = (int)json_integer_value(min);
        }
        if (b.v[b.n - 1].min != 0)
            return "a list of bands whose last min is 0";
        if (out)
            *(policy_bands *)out = b;
        return NULL;
    }
    case K_JSON:
        if (out)
            *(const json_t **)out = v;
        return NULL;
    }
    return "unknown";
}

bool policy_check_rules(const json_t *rules, const char **bad_rule, const char **bad_key, char *why,
                        size_t whylen)
{
    *bad_rule = *bad_key = NULL;
    if (!json_is_object(rules)) {
        snprintf(why, whylen, "rules must be an object by rule ID");
        return false;
    }
    const char *rule, *key;
    json_t *vals, *v;
    json_object_foreach((json_t *)rules, rule, vals)
    {
        *bad_rule = rule;
        if (!find_field(rule, NULL)) {
            snprintf(why, whylen, "unknown rule %s", rule);
            return false;
        }
        if (!json_is_object(vals)) {
            snprintf(why, whylen, "%s: an object of keys", rule);
            return false;
        }
        json_object_foreach(vals, key, v)
        {
            *bad_key = key;
            const field *f = find_field(rule, key);
            if (!f) {
                snprintf(why, whylen, "%s: unknown key %s", rule, key);
                return false;
            }
            const char *reason = read_value(f->k, v, NULL);
            if (reason) {
                snprintf(why, whylen, "%s.%s: must be %s", rule, key, reason);
                return false;
            }
        }
        *bad_key = NULL;
    }
    *bad_rule = NULL;
    return true;
}

policy *policy_new(const json_t *overrides, char *err, size_t errlen)
{
    const embedded_file *f = embed_find("policy/national.json");
    json_error_t je;
    json_t *doc = f ? json_loadb(f->data, f->len, 0, &je) : NULL;
    const char *br, *bk;
    char why[200];
    if (!doc) {
        snprintf(err, errlen, "national policy: %s", f ? je.text : "missing");
        return NULL;
    }
    json_t *rules = json_object_get(doc, "rules");
    if (!policy_check_rules(rules, &br, &bk, why, sizeof why)) {
        snprintf(err, errlen, "national policy: %s", why);
        json_decref(doc);
        return NULL;
    }
    if (overrides) {
        json_t *over = json_object_get(overrides, "rules");
        if (!json_is_object(overrides) ||
            (over && !policy_check_rules(over, &br, &bk, why, sizeof why))) {
            snprintf(err, errlen, "district policy: %s",
                     json_is_object(overrides) ? why : "not a JSON object");
            json_decref(doc);
            return NULL;
        }
        const char *rule;
        json_t *vals;
        json_object_foreach(over, rule, vals)
        {
            json_t *base = json_object_get(rules, rule);
            if (!base) {
                base = json_object();
                json_object_set_new(rules, rule, base);
            }
            json_object_update(base, vals);
        }
        json_t *v = json_object_get(overrides, "version");
        json_t *eff = json_object_get(overrides, "effective_from");
        if (json_is_string(v))
            json_object_set(doc, "version", v);
        if (json_is_string(eff))
            json_object_set(doc, "effective_from", eff);
    }
    policy *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->doc = doc;
    p->overrides = overrides ? json_deep_copy(overrides) : json_object();
    snprintf(p->version, sizeof p->version, "%s",
             json_string_value(json_object_get(doc, "version")) ?: "national");
    /* every key of the table must be present in the merged document */
    for (size_t i = 0; i < NFIELDS; i++) {
        const json_t *v = json_object_get(json_object_get(rules, fields[i].rule), fields[i].key);
        const char *reason =
            v ? read_value(fields[i].k, v, (char *)&p->v + fields[i].offset) : "present";
        if (reason) {
            snprintf(err, errlen, "policy: %s.%s must be %s", fields[i].rule, fields[i].key,
                     reason);
            policy_free(p);
            return NULL;
        }
    }
    return p;
}

policy *policy_from_file(const char *path, char *err, size_t errlen)
{
    if (!path)
        return policy_new(NULL, err, errlen);
    json_error_t je;
    json_t *over = json_load_file(path, 0, &je);
    if (!over) {
        snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        return NULL;
    }
    policy *p = policy_new(over, err, errlen);
    json_decref(over);
    return p;
}

void policy_free(policy *p)
{
    if (!p)
        return;
    json_decref(p->doc);
    json_decref(p->overrides);
    free(p);
}

const policy_values *policy_v(const policy *p)
{
    return &p->v;
}
const char *policy_version(const policy *p)
{
    return p->version;
}
const json_t *policy_overrides(const policy *p)
{
    return p->overrides;
}
const json_t *policy_json(const policy *p)
{
    return p->doc;
}

bool policy_strs_has(const policy_strs *list, const char *s)
{
    for (int i = 0; s && i < list->n; i++)
        if (strcmp(list->v[i], s) == 0)
            return true;
    return false;
}
