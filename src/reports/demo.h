/*
 * demo.h: the reports module's part of `shuangjian demo` (demo.c), called by src/app/demo.c
 * inside its one write transaction, last, when every other module's data is there. Only the
 * demo orchestration includes this header; the module's contract (reports.h) knows nothing of
 * the demo.
 */
#ifndef SJ_REPORTS_DEMO_H
#define SJ_REPORTS_DEMO_H

#include "core/demo.h"
#include "reports/reports.h"

/* The demo district's reporting: settings (reporting since the current term's first day, or
 * three periods back when the term is younger; the 2021 baseline of subject institutions),
 * every past half-monthly period submitted on its due date through the module's own store
 * functions (the latest of them revised once, with its reason), the current period left in
 * draft, and typical cases in each state. OUT: a one-line summary. Returns DB_DONE or an
 * error. */
int reports_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, char *summary, size_t len);

#endif
