/*
 * demo.h: the homework module's part of `shuangjian demo` (demo.c), called by src/app/demo.c
 * inside its one write transaction. Only the demo orchestration includes this header; the
 * module's contract (homework.h) knows nothing of the demo.
 */
#ifndef SJ_HOMEWORK_DEMO_H
#define SJ_HOMEWORK_DEMO_H

#include "core/demo.h"
#include "homework/homework.h"

/* The demo district's homework (demo.c): items for every class of grades 1-9 on the school days
 * of the current week up to tomorrow, within the caps, some marked, family feedback on the past
 * days, the roll-ups kept by the store's own functions. Inside the caller's write transaction,
 * after the people are written. OUT: a one-line summary. Returns DB_DONE or an error. */
int homework_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, char *summary, size_t len);

#endif
