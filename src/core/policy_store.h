/*
 * policy_store.h: the policy in force for a request, from the district's stored versions
 * (see policy_store.c).
 */
#ifndef SJ_POLICY_STORE_H
#define SJ_POLICY_STORE_H

#include "app.h"

policy_store *policy_store_new(const policy *base);
void policy_store_free(policy_store *s);
const policy *policy_store_current(policy_store *s, db_conn *c, int64_t district_id);
void policy_store_invalidate(policy_store *s);
const route *policy_routes(size_t *n);

#endif
