/*
 * demo.h: the notices module's part of `shuangjian demo` (demo.c), called by src/app/demo.c
 * inside its one write transaction, after the after-school service and homework are written.
 */
#ifndef SJ_NOTICES_DEMO_H
#define SJ_NOTICES_DEMO_H

#include "core/demo.h"
#include "notices/notices.h"

/* The demo district's notices in each state (public ones, read by some, reminded, unread in
 * parent1's inbox) and a term's evaluations of the after-school programs with one program of
 * school1 flagged (NT-2). Inside the caller's write transaction. OUT: a one-line summary.
 * Returns DB_DONE or an error. */
int notices_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, char *summary, size_t len);

#endif
