/*
 * main.c: subcommand dispatch for `shuangjian`.
 *
 *   shuangjian init --db URL --admin NAME          (password on standard input)
 *   shuangjian serve --db URL --listen HOST:PORT [--web DIR] [--threads N] [--policy FILE]
 *                    [--trust-proxy ADDR[,ADDR...]]...
 *   shuangjian migrate --db URL
 *   shuangjian demo --db URL [--scale small|district|city]
 *   shuangjian demo-logins --db URL
 *   shuangjian useradd --db URL --username U --name N --role ROLE [--school ID]
 *   shuangjian verify --db URL [--public-key FILE] [--checkpoints FILE]
 *                                                  (the funds ledger, for a nightly job)
 *   shuangjian checkpoint --db URL [--sign-key FILE] [--public-key FILE]
 *                                                  (sign the ledger's head, for a daily job)
 *   shuangjian report half-monthly --db URL --period P [--xlsx FILE] [--district NAME]
 *                                                  (the half-monthly report, for cron)
 *   shuangjian --version
 *   shuangjian routes                              (hidden: the route table as JSON, for the
 *                                                  generated authorisation test)
 *
 * Every command that opens a database takes --key-file FILE (the data key, 64 hex digits);
 * without it SJ_DATA_KEY, else a SQLite database's PATH.key. PostgreSQL needs one of the first
 * two (see cli_open).
 *
 * Exit status: 0 success, 2 bad usage, 1 failure, with a one-line reason on standard error.
 *
 * The clock (core/clock.h) is set before any command runs, so every command has the same
 * "today": China Standard Time, or the test clock when SJ_TEST_CLOCK=1 and SJ_TODAY are both
 * set (one without the other is bad usage; when on, a banner says so on every start).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/demo.h"
#include "app/routes.h"
#include "core/clock.h"

static const char usage[] =
    "usage: shuangjian COMMAND [options]\n"
    "  init --db URL --admin NAME [--district NAME]\n"
    "                                    create or migrate the database and a district admin\n"
    "                                    (of the district NAME, made when missing; else the "
    "first)\n"
    "                                    (password read from standard input, one line)\n"
    "  serve --db URL --listen HOST:PORT [--web DIR] [--threads N] [--policy FILE] [--quiet]\n"
    "        [--trust-proxy ADDR[,ADDR...]]  believe X-Forwarded-For only from these proxies\n"
    "                                    (addresses or ADDR/BITS; repeatable; or SJ_TRUST_PROXY)\n"
    "        [--sign-key FILE | --public-key FILE]  the ledger checkpoints' keys\n"
    "  migrate --db URL                  apply database migrations\n"
    "  demo --db URL [--scale small|district|city]\n"
    "  demo-logins --db URL              print the demo accounts\n"
    "  useradd --db URL --username U --name N --role ROLE [--school ID]\n"
    "  verify --db URL [--public-key FILE] [--checkpoints FILE]\n"
    "                                    re-check the prepaid-funds ledger, against its signed\n"
    "                                    checkpoints and a copy of them kept elsewhere (exit 1\n"
    "                                    if broken)\n"
    "  checkpoint --db URL [--sign-key FILE] [--public-key FILE]\n"
    "                                    sign the ledger's entry count and head hash (daily)\n"
    "  report half-monthly --db URL --period YYYY-MM-1|YYYY-MM-2 [--xlsx FILE] [--district NAME]\n"
    "                                    the half-monthly report upward (RP-1) as JSON on\n"
    "                                    standard output, and its workbook (for cron)\n"
    "  --version\n"
    "URL is sqlite:PATH or postgresql://...\n"
    "Every command with --db also takes --key-file FILE: the data key (64 hex digits). Without "
    "it,\n"
    "SJ_DATA_KEY; else, for SQLite only, PATH.key beside the database (made on first use).\n";

static int bad_usage(const char *why)
{
    fprintf(stderr, "shuangjian: %s\n%s", why, usage);
    return CLI_USAGE;
}

static int parse_long(const char *s, long *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return bad_usage("no command");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("shuangjian %s\n", SJ_VERSION);
        return CLI_OK;
    }
    if (strcmp(cmd, "routes") == 0)
        return argc == 2 ? (app_routes_print() == 0 ? CLI_OK : CLI_FAIL)
                         : bad_usage("routes takes no options");
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    cli_opts o = {.threads = 0};
    int first = 2;
    if (strcmp(cmd, "report") == 0) { /* report KIND [options]: the kind comes first */
        if (argc < 3 || argv[2][0] == '-')
            return bad_usage("report needs a kind: report half-monthly ...");
        o.report = argv[2];
        first = 3;
    }
    for (int i = first; i < argc; i++) {
        const char *k = argv[i];
        if (strcmp(k, "--quiet") == 0) {
            o.quiet = 1;
            continue;
        }
        if (i + 1 >= argc)
            return bad_usage("an option is missing its value");
        const char *v = argv[++i];
        if (strcmp(k, "--db") == 0)
            o.db = v;
        else if (strcmp(k, "--listen") == 0)
            o.listen = v;
        else if (strcmp(k, "--web") == 0)
            o.web = v;
        else if (strcmp(k, "--admin") == 0)
            o.admin = v;
        else if (strcmp(k, "--district") == 0)
            o.district = v;
        else if (strcmp(k, "--scale") == 0)
            o.scale = v;
        else if (strcmp(k, "--policy") == 0)
            o.policy = v;
        else if (strcmp(k, "--key-file") == 0)
            o.key_file = v;
        else if (strcmp(k, "--sign-key") == 0)
            o.sign_key = v;
        else if (strcmp(k, "--public-key") == 0)
            o.public_key = v;
        else if (strcmp(k, "--checkpoints") == 0)
            o.checkpoints = v;
        else if (strcmp(k, "--username") == 0)
            o.username = v;
        else if (strcmp(k, "--name") == 0)
            o.name = v;
        else if (strcmp(k, "--role") == 0)
            o.role = v;
        else if (strcmp(k, "--period") == 0)
            o.period = v;
        else if (strcmp(k, "--xlsx") == 0)
            o.xlsx = v;
        else if (strcmp(k, "--trust-proxy") == 0) {
            if (o.ntrust_proxy >= CLIENT_MAX_PROXIES)
                return bad_usage("too many --trust-proxy options");
            o.trust_proxy[o.ntrust_proxy++] = v;
        } else if (strcmp(k, "--school") == 0) {
            if (parse_long(v, &o.school) != 0)
                return bad_usage("--school needs a number");
        } else if (strcmp(k, "--threads") == 0) {
            if (parse_long(v, &o.threads) != 0 || o.threads < 1 || o.threads > 256)
                return bad_usage("--threads needs a number from 1 to 256");
        } else {
            return bad_usage("unknown option");
        }
    }
    if (!o.db)
        return bad_usage("--db URL is required");
    char clock_err[256];
    if (clock_init(clock_err, sizeof clock_err) != 0) {
        fprintf(stderr, "shuangjian: %s\n", clock_err);
        return CLI_USAGE;
    }
    clock_banner();
    if (strcmp(cmd, "init") == 0)
        return cmd_init(&o);
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(&o);
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(&o);
    if (strcmp(cmd, "demo") == 0)
        return cmd_demo(&o);
    if (strcmp(cmd, "demo-logins") == 0)
        return cmd_demo_logins(&o);
    if (strcmp(cmd, "useradd") == 0)
        return cmd_useradd(&o);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(&o);
    if (strcmp(cmd, "checkpoint") == 0)
        return cmd_checkpoint(&o);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(&o);
    return bad_usage("unknown command");
}
