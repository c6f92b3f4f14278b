/*
 * cli.h: the subcommands of `shuangjian` and what they share: option parsing and opening the
 * database with its data key.
 */
#ifndef SJ_CLI_H
#define SJ_CLI_H

#include "app.h"

typedef struct {
    const char *db, *listen, *web, *admin, *scale, *policy, *key_file, *username, *name,
        *role;
    long school, threads;
    int quiet;
    const char *trust_proxy[CLIENT_MAX_PROXIES]; /* serve --trust-proxy, each a comma list */
    int ntrust_proxy;
} cli_opts;

/* Exit codes: 0 ok, 1 failure, 2 bad usage. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Opens the pool, applies migrations, loads the data key into a. */
int cli_open(const cli_opts *o, app *a, int pool_size);
void cli_close(app *a);

int cmd_init(const cli_opts *o);
int cmd_serve(const cli_opts *o);
int cmd_migrate(const cli_opts *o);
int cmd_demo(const cli_opts *o);
int cmd_demo_logins(const cli_opts *o);
int cmd_useradd(const cli_opts *o);
int cmd_verify(const cli_opts *o);

/* Demo data (demo.c): fills the database at the given scale. */
int demo_fill(app *a, const char *scale);
/* Ensures district 1 exists; returns its id. */
int64_t cli_district(db_conn *c);

#endif
