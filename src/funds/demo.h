/*
 * demo.h: the funds module's part of `shuangjian demo` (demo.c), called by src/app/demo.c
 * inside its one write transaction. Only the demo orchestration includes this header; the
 * module's contract (funds.h) knows nothing of the demo.
 */
#ifndef SJ_FUNDS_DEMO_H
#define SJ_FUNDS_DEMO_H

#include "core/demo.h"
#include "funds/funds.h"
#include "training/demo.h"

/* The demo district's contracts on the courses of training_demo_fill: signed by guardians
 * (parent1 one, 20 lessons, paid, some delivered), payments and lessons posted through
 * funds_ledger_post in time order, one family's refund, the suspension of the institutions
 * planned for it, and one institution whose escrow is large against its lessons. Inside the
 * caller's write transaction. OUT: a one-line summary. Returns DB_DONE or an error. */
int funds_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, const training_demo_course *courses,
                    size_t ncourses, char *summary, size_t len);

#endif
