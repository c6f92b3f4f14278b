/*
 * policy_store.h: the policy in force for a request, from the district's stored versions
 * (see policy_store.c).
 */
#ifndef SJ_POLICY_STORE_H
#define SJ_POLICY_STORE_H

#include "app.h"
#include "policy.h"

policy_store *policy_store_new(const policy *base);
void policy_store_free(policy_store *s);
const policy *policy_store_current(policy_store *s, db_conn *c, int64_t district_id);
void policy_store_invalidate(policy_store *s);
/* The versions in force in a district from `from` to `to` (dates, inclusive), in date order,
 * future ones included: out[0] is the one in force on `from` (its from is `from`), each next
 * one from its effective date (of two versions the same day, the newer). Returns how many
 * (at most max: beyond, the last one holds the latest version), -1 on a store error. */
int policy_store_periods(policy_store *s, db_conn *c, int64_t district_id, const char *from,
                         const char *to, policy_period *out, int max);
const route *policy_routes(size_t *n);

#endif
