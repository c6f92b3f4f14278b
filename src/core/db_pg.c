/*
 * db_pg.c: the PostgreSQL backend, through libpq.
 *
 * A statement keeps its SQL and text parameters; the first db_step sends them with
 * PQexecParams and later steps walk the result's rows. Write transactions are READ COMMITTED;
 * a check-then-insert serialises on the thing it limits with db_lock, which takes a
 * transaction-scoped advisory lock (released at COMMIT or ROLLBACK). synchronous_commit is on,
 * so an answered commit is on disk.
 *
 * Prepared statements: each connection prepares a statement the first time its SQL is run
 * (PQprepare, named "sjN") and keeps it in a hash map (map.h) keyed by the SQL text, so later
 * runs skip parsing and planning. Nothing is evicted: the first PG_CACHE distinct texts stay
 * prepared for the connection's life. A statement that cannot be prepared (e.g. inside a
 * failed transaction) or that comes after those runs unprepared with PQexecParams.
 */
#include <libpq-fe.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "db_int.h"
#include "map.h"

#define PG_MAX_PARAMS 1024 /* a statement binds at most this many parameters */

#define PG_CACHE 1024 /* prepared statements per connection */

typedef struct {
    char *sql;
    char name[16];
    UT_hash_handle hh;
} pg_prepared;

typedef struct {
    db_conn base;
    PGconn *pg;
    char err[512];
    unsigned next_name;
    pg_prepared *cache; /* the map, keyed by sql */
} pg_conn;

/* The name of the prepared statement for `sql`, preparing it first; NULL to run unprepared. */
static const char *prepared_name(pg_conn *c, const char *sql)
{
    size_t len = strlen(sql);
    pg_prepared *p = NULL;
    HASH_FIND(hh, c->cache, sql, len, p);
    if (p)
        return p->name;
    if (HASH_COUNT(c->cache) >= PG_CACHE)
        return NULL;
    char name[16];
    snprintf(name, sizeof name, "sj%u", c->next_name++ % 100000000u);
    PGresult *r = PQprepare(c->pg, name, sql, 0, NULL);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok)
        return NULL;
    p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->sql = strdup(sql);
    if (!p->sql)
        abort();
    memcpy(p->name, name, sizeof name);
    HASH_ADD_KEYPTR(hh, c->cache, p->sql, len, p);
    return p->name;
}

typedef struct {
    db_stmt base;
    char *sql;
    int nparams;
    char *params[PG_MAX_PARAMS];
    PGresult *res;
    int row;     /* the current row, -1 before the first */
    int nrows;
    int done;
} pg_stmt;

static db_conn *pg_connect(const char *target, char *err, size_t errlen)
{
    pg_conn *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->base.ops = &db_pg_ops;
    c->pg = PQconnectdb(target);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        snprintf(err, errlen, "postgresql: %s", PQerrorMessage(c->pg));
        PQfinish(c->pg);
        free(c);
        return NULL;
    }
    PGresult *r = PQexec(c->pg, "SET client_min_messages = warning; SET TIME ZONE 'Asia/Shanghai'");
    PQclear(r);
    return &c->base;
}

static void pg_disconnect(db_conn *base)
{
    pg_conn *c = (pg_conn *)base;
    pg_prepared *p, *next;
    HASH_ITER(hh, c->cache, p, next) {
        HASH_DEL(c->cache, p);
        free(p->sql);
        free(p);
    }
    PQfinish(c->pg);
    free(c);
}

static int map_result(pg_conn *c, PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return DB_OK;
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    snprintf(c->err, sizeof c->err, "%s", PQresultErrorMessage(r));
    if (state && strncmp(state, "23", 2) == 0)
        return DB_CONSTRAINT;
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
        return DB_BUSY;
    return DB_ERROR;
}

static int pg_exec(db_conn *base, const char *sql)
{
    pg_conn *c = (pg_conn *)base;
    PGresult *r = PQexec(c->pg, sql);
    int rc = map_result(c, r);
    PQclear(r);
    return rc;
}

static int pg_begin_write(db_conn *base) { return pg_exec(base, "BEGIN"); }

static int pg_lock(db_conn *base, int ns, int64_t key)
{
    pg_conn *c = (pg_conn *)base;
    char k[32];
    uint64_t mixed = ((uint64_t)(uint32_t)ns << 56) ^ (uint64_t)key;
    snprintf(k, sizeof k, "%" PRId64, (int64_t)mixed);
    const char *vals[1] = {k};
    PGresult *r = PQexecParams(c->pg, "SELECT pg_advisory_xact_lock($1::bigint)", 1, NULL, vals,
                               NULL, NULL, 0);
    int rc = map_result(c, r);
    PQclear(r);
    return rc;
}

static const char *pg_errmsg(db_conn *base)
{
    pg_conn *c = (pg_conn *)base;
    return c->err[0] ? c->err : PQerrorMessage(c->pg);
}

static db_stmt *pg_prepare(db_conn *base, const char *sql)
{
    pg_stmt *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &db_pg_ops;
    s->base.conn = base;
    s->sql = strdup(sql);
    if (!s->sql)
        abort();
    s->row = -1;
    return &s->base;
}

static int set_param(pg_stmt *s, int idx, char *v)
{
    if (idx < 1 || idx > PG_MAX_PARAMS) {
        free(v);
        return DB_ERROR;
    }
    free(s->params[idx - 1]);
    s->params[idx - 1] = v;
    if (idx > s->nparams)
        s->nparams = idx;
    return DB_OK;
}

static int pg_bind_int64(db_stmt *base, int idx, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    char *d = strdup(buf);
    if (!d)
        abort();
    return set_param((pg_stmt *)base, idx, d);
}

static int pg_bind_text(db_stmt *base, int idx, const char *v)
{
    char *d = strdup(v);
    if (!d)
        abort();
    return set_param((pg_stmt *)base, idx, d);
}

static int pg_bind_null(db_stmt *base, int idx)
{
    pg_stmt *s = (pg_stmt *)base;
    if (idx < 1 || idx > PG_MAX_PARAMS)
        return DB_ERROR;
    free(s->params[idx - 1]);
    s->params[idx - 1] = NULL;
    if (idx > s->nparams)
        s->nparams = idx;
    return DB_OK;
}

static int pg_step(db_stmt *base)
{
    pg_stmt *s = (pg_stmt *)base;
    pg_conn *c = (pg_conn *)base->conn;
    if (s->done)
        return DB_DONE;
    if (!s->res) {
        const char *name = prepared_name(c, s->sql);
        s->res = name ? PQexecPrepared(c->pg, name, s->nparams, (const char *const *)s->params,
                                       NULL, NULL, 0)
                      : PQexecParams(c->pg, s->sql, s->nparams, NULL,
                                     (const char *const *)s->params, NULL, NULL, 0);
        int rc = map_result(c, s->res);
        if (rc != DB_OK) {
            if (rc == DB_ERROR)
                fprintf(stderr, "postgresql: %s  in: %s\n", c->err, s->sql);
            PQclear(s->res);
            s->res = NULL;
            s->done = 1;
            return rc;
        }
        s->nrows = PQntuples(s->res);
        s->row = -1;
    }
    if (++s->row < s->nrows)
        return DB_ROW;
    s->done = 1;
    return DB_DONE;
}

static int pg_reset(db_stmt *base)
{
    pg_stmt *s = (pg_stmt *)base;
    PQclear(s->res);
    s->res = NULL;
    s->done = 0;
    s->row = -1;
    for (int i = 0; i < s->nparams; i++) {
        free(s->params[i]);
        s->params[i] = NULL;
    }
    s->nparams = 0;
    return DB_OK;
}

static int pg_col_count(db_stmt *base)
{
    pg_stmt *s = (pg_stmt *)base;
    return s->res ? PQnfields(s->res) : 0;
}

static int pg_col_isnull(db_stmt *base, int col)
{
    pg_stmt *s = (pg_stmt *)base;
    return !s->res || PQgetisnull(s->res, s->row, col);
}

static int64_t pg_col_int64(db_stmt *base, int col)
{
    pg_stmt *s = (pg_stmt *)base;
    if (!s->res || PQgetisnull(s->res, s->row, col))
        return 0;
    const char *v = PQgetvalue(s->res, s->row, col);
    if (v[0] == 't' && v[1] == 0)
        return 1;
    if (v[0] == 'f' && v[1] == 0)
        return 0;
    return strtoll(v, NULL, 10);
}

static const char *pg_col_text(db_stmt *base, int col)
{
    pg_stmt *s = (pg_stmt *)base;
    if (!s->res || PQgetisnull(s->res, s->row, col))
        return "";
    return PQgetvalue(s->res, s->row, col);
}

static void pg_finalize(db_stmt *base)
{
    pg_stmt *s = (pg_stmt *)base;
    pg_reset(base);
    free(s->sql);
    free(s);
}

const db_ops db_pg_ops = {
    .kind = DB_PG,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .exec = pg_exec,
    .begin_write = pg_begin_write,
    .lock = pg_lock,
    .errmsg = pg_errmsg,
    .prepare = pg_prepare,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .reset = pg_reset,
    .col_count = pg_col_count,
    .col_isnull = pg_col_isnull,
    .col_int64 = pg_col_int64,
    .col_text = pg_col_text,
    .finalize = pg_finalize,
    .log_pk = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    .id_pk = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
};
