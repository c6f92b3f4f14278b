/*
 * demo.h: the cases module's part of `shuangjian demo` (demo.c), called by src/app/demo.c
 * inside its one write transaction, after the institutions and contracts exist. Only the demo
 * orchestration includes this header; the module's contract (cases.h) knows nothing of it.
 */
#ifndef SJ_CASES_DEMO_H
#define SJ_CASES_DEMO_H

#include "cases/cases.h"
#include "core/demo.h"
#include "training/demo.h"

/* The demo district's tip-offs and complaints in every state (some past their due date), a
 * guardian's complaint reopened once, a cluster of tips about one place ending in a joint
 * enforcement action and a PN-1 penalty with a reward for the tipster, and inspections of a
 * school and an institution with rectifications open, submitted, passed and overdue; at the
 * larger scales a tip-off for every school besides. Written through the module's own store
 * functions, dated in the past relative to ctx->today. OUT: a one-line summary. Returns
 * DB_DONE or an error. */
int cases_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, const training_demo_course *courses,
                    size_t ncourses, char *summary, size_t len);

#endif
