/*
 * cli.c: the subcommands. Each opens what it needs, does one thing, and closes everything
 * (valgrind sees no leak at exit).
 */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/routes.h"
#include "core/auth.h"
#include "core/cache_bus.h"
#include "core/core.h"
#include "core/http.h"
#include "core/pii.h"
#include "core/policy.h"
#include "core/policy_store.h"
#include "core/session_cache.h"
#include "funds/funds.h"
#include "homework/homework.h"
#include "training/training.h"

int64_t cli_district(db_conn *c)
{
    int64_t id = 0;
    if (db_query_int64(c, &id, "SELECT id FROM districts ORDER BY id LIMIT 1") == DB_ROW)
        return id;
    if (db_insert_id(c, &id,
                     "INSERT INTO districts (name, created_at) VALUES ($1, $2) RETURNING id",
                     "示范区教育和体育局", now_unix()) != DB_DONE)
        return 0;
    return id;
}

int64_t cli_district_named(db_conn *c, const char *name)
{
    if (!name)
        return cli_district(c);
    int64_t id = 0;
    if (db_query_int64(c, &id, "SELECT id FROM districts WHERE name = $1 ORDER BY id LIMIT 1",
                       name) == DB_ROW)
        return id;
    cli_district(c); /* the first district is always the default one */
    if (db_insert_id(c, &id,
                     "INSERT INTO districts (name, created_at) VALUES ($1, $2) RETURNING id", name,
                     now_unix()) != DB_DONE)
        return 0;
    return id;
}

int cli_open(const cli_opts *o, app *a, int pool_size)
{
    char err[512] = "";
    memset(a, 0, sizeof *a);
    if (sodium_init() < 0) {
        fprintf(stderr, "shuangjian: libsodium failed to start\n");
        return CLI_FAIL;
    }
    /* The data key: --key-file, else SJ_DATA_KEY, else a SQLite database's PATH.key (made on
     * first use). A PostgreSQL database is shared by every server that uses it, so it never
     * gets a key file of one machine's own: without a key given the command stops before it
     * opens the database. */
    bool sqlite = strncmp(o->db, "sqlite:", 7) == 0;
    bool pg = strncmp(o->db, "postgresql://", 13) == 0 || strncmp(o->db, "postgres://", 11) == 0;
    bool have_key = false;
    if (o->key_file) {
        if (!pii_key_read(o->key_file, a->data_key, err, sizeof err)) {
            fprintf(stderr, "shuangjian: %s\n", err);
            return CLI_FAIL;
        }
        have_key = true;
    } else if (getenv("SJ_DATA_KEY")) {
        if (!pii_key_load(NULL, a->data_key, err, sizeof err)) {
            fprintf(stderr, "shuangjian: %s\n", err);
            return CLI_FAIL;
        }
        have_key = true;
    } else if (pg) {
        fprintf(stderr, "shuangjian: a PostgreSQL database needs its data key: set SJ_DATA_KEY"
                        " (64 hex digits) or pass --key-file FILE, the same key on every server"
                        " (PostgreSQL 需要数据密钥：请设置 SJ_DATA_KEY 或使用 --key-file)\n");
        return CLI_USAGE;
    }
    a->pool = db_pool_open(o->db, pool_size, err, sizeof err);
    if (!a->pool) {
        fprintf(stderr, "shuangjian: %s\n", err);
        return CLI_FAIL;
    }
    if (db_migrate(a->pool, err, sizeof err) != DB_OK) {
        fprintf(stderr, "shuangjian: %s\n", err);
        cli_close(a);
        return CLI_FAIL;
    }
    if (!have_key && sqlite) {
        char keypath[4096];
        snprintf(keypath, sizeof keypath, "%s.key", o->db + 7);
        if (!pii_key_load(keypath, a->data_key, err, sizeof err)) {
            fprintf(stderr, "shuangjian: %s\n", err);
            cli_close(a);
            return CLI_FAIL;
        }
    }
    policy *p = policy_from_file(o->policy, err, sizeof err);
    if (!p) {
        fprintf(stderr, "shuangjian: %s\n", err);
        cli_close(a);
        return CLI_FAIL;
    }
    a->base_pol = p;
    a->route_tables = app_route_tables;
    a->institution_district = training_institution_district;
    core_permissions_prepare(a);
    a->policies = policy_store_new(p);
    a->sessions = session_cache_new();
    homework_board_cache_init();
    a->web_dir = o->web;
    a->quiet = o->quiet;
    if (!cli_ledger_keys(o, a)) {
        cli_close(a);
        return CLI_USAGE;
    }
    /* the log-in guard (api_session.c, docs/operations.md): 5 failures of one username from
     * one address, 30 from one address over all usernames, each within 15 minutes */
    a->login_max_failures = 5;
    a->login_window_s = 15 * 60;
    a->login_max_failures_addr = 30;
    a->session_ttl_s = 12 * 3600;
    return CLI_OK;
}

void cli_close(app *a)
{
    cache_bus_stop(); /* its thread calls the caches' handlers: before they go */
    core_permissions_free(a);
    policy_store_free(a->policies);
    a->policies = NULL;
    session_cache_free(a->sessions);
    a->sessions = NULL;
    policy_free((policy *)a->base_pol);
    db_pool_free(a->pool);
    a->base_pol = NULL;
    a->pool = NULL;
}

static int read_password(char *buf, size_t n)
{
    if (!fgets(buf, (int)n, stdin))
        return -1;
    buf[strcspn(buf, "\r\n")] = 0;
    return strlen(buf) >= 8 ? 0 : -2;
}

/* Creates NAME with the role, or sets the password and adds the role when NAME exists. */
static int ensure_user(app *a, const char *district_name, const char *username, const char *name,
                       const char *password, const role *ro)
{
    char hash[crypto_pwhash_STRBYTES];
    if (!auth_password_hash(password, hash))
        return CLI_FAIL;
    db_conn *c = db_acquire(a->pool);
    int rc = db_begin_write(c);
    int64_t district = rc == DB_OK ? cli_district_named(c, district_name) : 0, id = 0;
    if (!district)
        rc = DB_ERROR;
    if (rc == DB_OK &&
        db_query_int64(c, &id, "SELECT id FROM users WHERE username = $1", username) == DB_ROW) {
        rc = db_run(c, "UPDATE users SET password_hash = $1 WHERE id = $2", hash, id);
        char msg[32]; /* a running server's cached sessions of the account (cache_bus.h) */
        snprintf(msg, sizeof msg, "u %lld", (long long)id);
        if (rc == DB_DONE)
            rc = db_notify(c, msg);
        int64_t one;
        if (rc == DB_DONE &&
            db_query_int64(c, &one, "SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2", id,
                           role_name(ro->kind)) == DB_DONE)
            rc = db_run(c,
                        "INSERT INTO user_roles (user_id, role, school_id, grade, institution_id)"
                        " VALUES ($1, $2, $3, $4, $5)",
                        id, role_name(ro->kind), db_id_or_null(ro->school_id),
                        db_id_or_null((int64_t)ro->grade), db_id_or_null(ro->institution_id));
    } else if (rc == DB_OK) {
        core_user_in in = {.district_id = district,
                           .username = username,
                           .password_hash = hash,
                           .name = name,
                           .roles = ro,
                           .nroles = 1};
        verdict v = core_user_create(c, a, NULL, &in, &id, NULL);
        rc = verdict_is_ok(&v) ? DB_DONE : DB_ERROR;
    }
    if (rc == DB_DONE)
        rc = db_commit(c) == DB_OK ? DB_DONE : DB_ERROR;
    else
        db_rollback(c);
    if (rc != DB_DONE)
        fprintf(stderr, "shuangjian: cannot create %s: %s\n", username, db_errmsg(c));
    db_release(c);
    return rc == DB_DONE ? CLI_OK : CLI_FAIL;
}

int cmd_init(const cli_opts *o)
{
    if (!o->admin)
        return fprintf(stderr, "shuangjian: init needs --admin NAME\n"), CLI_USAGE;
    char pw[256];
    int prc = read_password(pw, sizeof pw);
    if (prc != 0) {
        fprintf(stderr, "shuangjian: %s\n",
                prc == -1 ? "no password on standard input"
                          : "the password needs at least 8 characters");
        return CLI_FAIL;
    }
    app a;
    int rc = cli_open(o, &a, 1);
    if (rc != CLI_OK)
        return rc;
    role ro = {.kind = ROLE_DISTRICT_ADMIN};
    rc = ensure_user(&a, o->district, o->admin, "区教体局管理员", pw, &ro);
    sodium_memzero(pw, sizeof pw);
    if (rc == CLI_OK)
        fprintf(stderr, "shuangjian: database ready; district admin %s\n", o->admin);
    cli_close(&a);
    return rc;
}

int cmd_useradd(const cli_opts *o)
{
    role ro = {.kind = role_parse(o->role), .school_id = o->school};
    if (!o->username || !o->name || !ro.kind)
        return fprintf(stderr, "shuangjian: useradd needs --username, --name and a valid --role\n"),
               CLI_USAGE;
    char pw[256];
    if (read_password(pw, sizeof pw) != 0)
        return fprintf(stderr,
                       "shuangjian: a password of at least 8 characters on standard input\n"),
               CLI_FAIL;
    app a;
    int rc = cli_open(o, &a, 1);
    if (rc != CLI_OK)
        return rc;
    rc = ensure_user(&a, o->district, o->username, o->name, pw, &ro);
    cli_close(&a);
    return rc;
}

int cmd_migrate(const cli_opts *o)
{
    app a;
    int rc = cli_open(o, &a, 1);
    if (rc == CLI_OK)
        cli_close(&a);
    return rc;
}

/* serve's half of the log-in guard: the proxies whose X-Forwarded-For is believed
 * (--trust-proxy, then SJ_TRUST_PROXY) and the dummy hash for unknown usernames. */
static int serve_login_setup(const cli_opts *o, app *a)
{
    char err[256] = "";
    const char *env = getenv("SJ_TRUST_PROXY");
    for (int i = 0; i < o->ntrust_proxy + 1; i++) {
        const char *list = i < o->ntrust_proxy ? o->trust_proxy[i] : env;
        if (list && !client_proxies_add(&a->proxies, list, err, sizeof err))
            return fprintf(stderr, "shuangjian: %s: %s\n",
                           i < o->ntrust_proxy ? "--trust-proxy" : "SJ_TRUST_PROXY", err),
                   CLI_USAGE;
    }
    if (a->proxies.n)
        fprintf(stderr, "shuangjian: X-Forwarded-For is believed from %d trusted prox%s\n",
                a->proxies.n, a->proxies.n == 1 ? "y" : "ies");
    return auth_password_dummy(a->login_dummy_hash) ? CLI_OK : CLI_FAIL;
}

/* The banner's policy: the version in force today in each district (up to three named; a
 * fresh database without a district has the base policy). */
static void serve_policy_banner(app *a, char *out, size_t n)
{
    snprintf(out, n, "policy %s", policy_version(a->base_pol));
    db_conn *c = db_acquire(a->pool);
    db_stmt *st = db_query(c, "SELECT id, name FROM districts ORDER BY id LIMIT 4");
    int64_t ids[4];
    char names[4][96];
    int nd = 0;
    while (st && nd < 4 && db_step(st) == DB_ROW) {
        ids[nd] = db_col_int64(st, 0);
        snprintf(names[nd], sizeof names[nd], "%s", db_col_text(st, 1));
        nd++;
    }
    if (st)
        db_finalize(st);
    size_t len = 0;
    for (int i = 0; i < nd && i < 3; i++) {
        const policy *p = policy_store_current(a->policies, c, ids[i]);
        if (!p)
            continue;
        if (nd == 1)
            len = (size_t)snprintf(out, n, "policy %s", policy_version(p));
        else if (len < n)
            len += (size_t)snprintf(out + len, n - len, "%s%s: policy %s", i ? "; " : "", names[i],
                                    policy_version(p));
    }
    if (nd > 3 && len < n)
        snprintf(out + len, n - len, "; ...");
    db_release(c);
}

int cmd_serve(const cli_opts *o)
{
    if (!o->listen)
        return fprintf(stderr, "shuangjian: serve needs --listen HOST:PORT\n"), CLI_USAGE;
    const char *colon = strrchr(o->listen, ':');
    char host[64];
    long port = colon ? strtol(colon + 1, NULL, 10) : 0;
    if (!colon || port < 0 || port > 65535 || (size_t)(colon - o->listen) >= sizeof host)
        return fprintf(stderr, "shuangjian: --listen must be HOST:PORT\n"), CLI_USAGE;
    memcpy(host, o->listen, (size_t)(colon - o->listen));
    host[colon - o->listen] = 0;

    /* Signals are taken by sigwait below, never by a handler on a pool thread. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Handlers mostly wait on the store or burn CPU briefly: two threads a core. */
    long threads = o->threads > 0 ? o->threads : 2 * sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 2)
        threads = 2;
    /* The port first: a second server on a port already served stops here, before it opens
     * (or migrates) any database. */
    char err[512] = "";
    int lfd = server_listen(host, (int)port, err, sizeof err);
    if (lfd < 0) {
        fprintf(stderr, "shuangjian: %s\n", err);
        return CLI_FAIL;
    }
    app a;
    int rc = cli_open(o, &a, (int)threads + 2);
    if (rc != CLI_OK) {
        close(lfd);
        return rc;
    }
    rc = serve_login_setup(o, &a);
    if (rc != CLI_OK) {
        close(lfd);
        cli_close(&a);
        return rc;
    }
    /* several servers may share a PostgreSQL database: the caches hear every server's writes
     * (core/cache_bus.h) before any request is answered */
    if (db_pool_kind(a.pool) == DB_PG && !cache_bus_listen(o->db, err, sizeof err)) {
        fprintf(stderr, "shuangjian: %s\n", err);
        close(lfd);
        cli_close(&a);
        return CLI_FAIL;
    }
    /* the banner's policy versions are read first: they are not the requests' store calls.
     * Failure injection (tests) counts from the first request on: armed before the server
     * answers anything, so no request slips in before it */
    char pol[512];
    serve_policy_banner(&a, pol, sizeof pol);
    db_pool_arm(a.pool);
    server *srv = server_start(&a, lfd, (int)threads, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "shuangjian: %s\n", err);
        cli_close(&a);
        return CLI_FAIL;
    }
    fprintf(stderr, "shuangjian %s: serving http://%s:%ld (%s, %s)\n", SJ_VERSION, host, port,
            db_pool_kind(a.pool) == DB_SQLITE ? "SQLite" : "PostgreSQL", pol);
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "shuangjian: %s received, finishing requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server_stop(srv);
    cli_close(&a);
    return CLI_OK;
}
