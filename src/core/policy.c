/*
 * policy.c: merging the national defaults with a district's overrides. See policy.h.
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
};

policy *policy_new(const json_t *overrides, char *err, size_t errlen)
{
    const embedded_file *f = embed_find("policy/national.json");
    json_error_t je;
    json_t *doc = f ? json_loadb(f->data, f->len, 0, &je) : NULL;
    if (!doc) {
        snprintf(err, errlen, "national policy: %s", f ? je.text : "missing");
        return NULL;
    }
    if (overrides) {
        if (!json_is_object(overrides)) {
            snprintf(err, errlen, "district policy: not a JSON object");
            json_decref(doc);
            return NULL;
        }
        json_t *rules = json_object_get(doc, "rules");
        json_t *over = json_object_get(overrides, "rules");
        const char *rule;
        json_t *vals;
        json_object_foreach(over, rule, vals) {
            json_t *base = json_object_get(rules, rule);
            if (!base || !json_is_object(vals)) {
                snprintf(err, errlen, "district policy: unknown rule %s", rule);
                json_decref(doc);
                return NULL;
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

const char *policy_version(const policy *p) { return p->version; }
const json_t *policy_overrides(const policy *p) { return p->overrides; }
const json_t *policy_json(const policy *p) { return p->doc; }

const json_t *policy_get(const policy *p, const char *rule, const char *key)
{
    json_t *r = json_object_get(json_object_get(p->doc, "rules"), rule);
    return key ? json_object_get(r, key) : r;
}

int64_t policy_int(const policy *p, const char *rule, const char *key, int64_t dflt)
{
    const json_t *v = policy_get(p, rule, key);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

bool policy_bool(const policy *p, const char *rule, const char *key, bool dflt)
{
    const json_t *v = policy_get(p, rule, key);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

const char *policy_str(const policy *p, const char *rule, const char *key, const char *dflt)
{
    const json_t *v = policy_get(p, rule, key);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

bool policy_is_null(const policy *p, const char *rule, const char *key)
{
    const json_t *v = policy_get(p, rule, key);
    return !v || json_is_null(v);
}
