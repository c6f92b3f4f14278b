/*
 * demo.h: the demo subcommands (demo.c): `shuangjian demo` fills a database with a synthetic
 * district, `demo-logins` prints its accounts.
 */
#ifndef SJ_APP_DEMO_H
#define SJ_APP_DEMO_H

#include "app/cli.h"

int cmd_demo(const cli_opts *o);
int cmd_demo_logins(const cli_opts *o);
/* Fills the database at the given scale ("small", "district", "city"). */
int demo_fill(app *a, const char *scale);

#endif
