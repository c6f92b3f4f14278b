/*
 * demo.h: the afterschool module's part of `shuangjian demo` (demo.c), called by src/app/demo.c
 * inside its one write transaction. Only the demo orchestration includes this header; the
 * module's contract (afterschool.h) knows nothing of the demo.
 */
#ifndef SJ_AFTERSCHOOL_DEMO_H
#define SJ_AFTERSCHOOL_DEMO_H

#include "core/demo.h"
#include "afterschool/afterschool.h"

/* The demo district's after-school service for the term holding ctx->today: programs at every
 * school (care, courses, one by the vetted provider ctx->vendor_*), enrolments with a wait
 * list, waivers, the rolls and duty of the last school days, the term's bills stored. Inside
 * the caller's write transaction. OUT: a one-line summary. Returns DB_DONE or an error. */
int afterschool_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, char *summary, size_t len);

#endif
