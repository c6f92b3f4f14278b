/*
 * cli.h: the subcommands of `shuangjian` and what they share: option parsing and opening the
 * database with its data key.
 */
#ifndef SJ_APP_CLI_H
#define SJ_APP_CLI_H

#include "core/app.h"

typedef struct {
    const char *db, *listen, *web, *admin, *scale, *policy, *key_file, *username, *name, *role,
        *district;
    const char *sign_key, *public_key, *checkpoints; /* the ledger's checkpoints (cli_ledger.c) */
    const char *report, *period, *xlsx;              /* report KIND (cli_report.c) */
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
int cmd_useradd(const cli_opts *o);
int cmd_verify(const cli_opts *o);
int cmd_checkpoint(const cli_opts *o);
int cmd_report(const cli_opts *o);
/* The checkpoint key files into a (cli_ledger.c): --sign-key, else PATH.sign beside a SQLite
 * database; --public-key, else the signing key's file with .pub. false after saying why. */
bool cli_ledger_keys(const cli_opts *o, app *a);

/* Ensures district 1 exists; returns its id. */
int64_t cli_district(db_conn *c);
/* The district called name, made when missing; district 1 when name is NULL. 0 on error. */
int64_t cli_district_named(db_conn *c, const char *name);

#endif
