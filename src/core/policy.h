/*
 * policy.h: the numbers of POLICY.md, by rule ID. The national defaults are compiled in
 * (policy/national.json); a district's overrides (a JSON file, or the newest version stored in
 * policy_versions whose effective date has come) replace numbers key by key. Every decision a
 * rule makes stores policy_version() with it.
 *
 * A policy is immutable once built; lookups are borrowed and safe from any thread.
 */
#ifndef SJ_POLICY_H
#define SJ_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct policy policy;

/* overrides: NULL, or a JSON object {"version", "effective_from", "rules": {"HW-2": {...}}}. */
policy *policy_new(const json_t *overrides, char *err, size_t errlen);
policy *policy_from_file(const char *path, char *err, size_t errlen); /* NULL path: national */
void policy_free(policy *p);

const char *policy_version(const policy *p);
const json_t *policy_json(const policy *p);            /* the merged document */
const json_t *policy_overrides(const policy *p);       /* what was laid over the defaults */
const json_t *policy_get(const policy *p, const char *rule, const char *key); /* NULL if absent */
int64_t policy_int(const policy *p, const char *rule, const char *key, int64_t dflt);
bool policy_bool(const policy *p, const char *rule, const char *key, bool dflt);
const char *policy_str(const policy *p, const char *rule, const char *key, const char *dflt);
bool policy_is_null(const policy *p, const char *rule, const char *key); /* explicitly unset */

#endif
