/*
 * cli_report.c: `shuangjian report half-monthly --db URL --period P [--xlsx FILE]
 * [--district NAME]`, the half-monthly report upward (RP-1) for cron: the report as GET
 * /api/v1/reports/half-monthly/P answers it (the submitted figures when the period is
 * submitted, else a draft from live data) as JSON on standard output, and with --xlsx its
 * workbook, the same one the web app downloads (written to FILE.tmp, then renamed).
 *
 * Exit status: 0 done; 2 bad usage (no kind, no or a malformed period); 1 a period that cannot
 * be reported (not begun, before the district reports: the reason on standard error), a
 * district that does not exist, or a store or file failure.
 */
#include <stdio.h>
#include <string.h>

#include "app/cli.h"
#include "core/arena.h"
#include "core/policy_store.h"
#include "reports/reports.h"

/* The district called name (the first one when NULL); 0 when there is none. Never makes one. */
static int64_t district_of(db_conn *c, const char *name)
{
    int64_t id = 0;
    int rc =
        name ? db_query_int64(c, &id,
                              "SELECT id FROM districts WHERE name = $1 ORDER BY id LIMIT 1", name)
             : db_query_int64(c, &id, "SELECT id FROM districts ORDER BY id LIMIT 1");
    return rc == DB_ROW ? id : 0;
}

/* The workbook of rep into path (through FILE.tmp); false after saying why. */
static bool write_xlsx(app *a, db_conn *c, const json_t *rep, const char *path)
{
    req r = {.app = a, .db = c, .arena = arena_new()};
    xlsx_book b;
    bool ok = false;
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        fprintf(stderr, "shuangjian: --xlsx: the path is too long\n");
        goto out;
    }
    if (!xlsx_open_or_reply(&r, &b, "report"))
        goto fail;
    reports_half_monthly_sheets(&b, rep);
    if (!xlsx_finish_or_reply(&r, &b))
        goto fail;
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(b.data, 1, b.len, f) != b.len) {
        if (f)
            fclose(f);
        remove(tmp);
        goto fail;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        goto fail;
    }
    ok = true;
    goto out;
fail:
    fprintf(stderr, "shuangjian: cannot write the workbook %s\n", path);
out:
    arena_free(r.arena);
    return ok;
}

int cmd_report(const cli_opts *o)
{
    if (!o->report || strcmp(o->report, "half-monthly") != 0)
        return fprintf(stderr, "shuangjian: report knows one kind: half-monthly\n"), CLI_USAGE;
    rp_period p;
    if (!o->period || !reports_period_parse(o->period, &p))
        return fprintf(stderr, "shuangjian: report half-monthly needs --period YYYY-MM-1 (the 1st"
                               " to the 15th) or YYYY-MM-2 (the 16th to the month's end)\n"),
               CLI_USAGE;
    app a;
    int rc = cli_open(o, &a, 1);
    if (rc != CLI_OK)
        return rc;
    db_conn *c = db_acquire(a.pool);
    json_t *rep = NULL;
    rc = CLI_FAIL;
    int64_t district = district_of(c, o->district);
    if (!district) {
        fprintf(stderr, "shuangjian: no such district%s%s\n", o->district ? ": " : "",
                o->district ? o->district : "");
        goto out;
    }
    const policy *pol = policy_store_current(a.policies, c, district);
    reports_period_due(pol, &p);
    rp_settings set;
    char since[11], today[11];
    if (reports_settings_get(c, district, &set, since) != DB_OK) {
        fprintf(stderr, "shuangjian: report: %s\n", db_errmsg(c));
        goto out;
    }
    today_local(today);
    verdict v = reports_period_check(&p, today, since);
    if (!verdict_is_ok(&v)) {
        char msg[512];
        fprintf(stderr, "shuangjian: %s\n", verdict_message(&v, 0, msg, sizeof msg));
        goto out;
    }
    if (reports_half_monthly(c, pol, district, &p, today, 0, &rep) != DB_OK) {
        fprintf(stderr, "shuangjian: report: %s\n", db_errmsg(c));
        goto out;
    }
    if (o->xlsx && !write_xlsx(&a, c, rep, o->xlsx))
        goto out;
    if (json_dumpf(rep, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF)
        goto out;
    rc = CLI_OK;
out:
    json_decref(rep);
    db_release(c);
    cli_close(&a);
    return rc;
}
