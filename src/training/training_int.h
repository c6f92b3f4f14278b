/*
 * training_int.h: the reads store.c gives api.c inside the training module (other modules and
 * the demo include training.h; the writes are there). Each page is {"items","total"} as a
 * value, NULL on a store error; limit and offset come from req_paging_or_reply.
 */
#ifndef SJ_TRAINING_INT_H
#define SJ_TRAINING_INT_H

#include "training/training.h"

/* One institution as the registry shows it, with the derived fields (licence expired, licence
 * number of the standard form, inspection overdue under pol's TR-7); NULL when there is none
 * or on a store error. */
json_t *tr_store_institution_json(db_conn *c, const policy *pol, int64_t id);

/* Whose institutions a caller lists: the district's (district staff) or the ones the user
 * administers (institution_admin). */
typedef enum { TR_SEE_DISTRICT = 0, TR_SEE_ADMIN } tr_see;
/* key: the district (TR_SEE_DISTRICT) or the user (TR_SEE_ADMIN); state, list, q: "" for any
 * (q matches a part of the name or the whole licence number). */
json_t *tr_store_institutions(db_conn *c, const policy *pol, tr_see who, int64_t key,
                              const char *state, const char *list, const char *q, int64_t limit,
                              int64_t offset);
json_t *tr_store_inspections(db_conn *c, int64_t institution_id, int64_t limit, int64_t offset);
/* Staff with "blacklisted" against the district's black list. */
json_t *tr_store_staff(db_conn *c, int64_t institution_id, int64_t district_id, int64_t limit,
                       int64_t offset);
json_t *tr_store_blacklist(db_conn *c, int64_t district_id, int64_t limit, int64_t offset);

/* One course with its institution's name and its schedule as JSON; NULL when none or on a
 * store error. */
json_t *tr_store_course_json(db_conn *c, int64_t id);
json_t *tr_store_courses(db_conn *c, int64_t institution_id, int64_t limit, int64_t offset);

/* The public look-up: the public record of institutions (list, q, category: "" for any) and of
 * one with its courses that were not rejected. tr_store_public_get: DB_ROW with *out, DB_DONE
 * when none, or an error. */
json_t *tr_store_public_list(db_conn *c, const char *list, const char *q, const char *category,
                             int64_t limit, int64_t offset);
int tr_store_public_get(db_conn *c, int64_t id, json_t **out);

#endif
