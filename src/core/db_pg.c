/*
 * db_pg.c: the PostgreSQL backend, through libpq.
 *
 * A statement keeps its SQL and text parameters; the first db_step sends them with
 * PQexecParams and later steps walk the result's rows. Write transactions are READ COMMITTED;
 * a check-then-insert serialises on the thing it limits with db_lock, which takes a
 * transaction-scoped advisory lock (released at COMMIT or ROLLBACK). synchronous_commit is on,
 * so an answered commit is on disk (and, on a Patroni cluster in synchronous mode, on the
 * synchronous standby's disk too).
 *
 * Prepared statements: each connection prepares a statement the first time its SQL is run
 * (PQprepare, named "sjN") and keeps it in a hash map (map.h) keyed by the SQL text, so later
 * runs skip parsing and planning. Nothing is evicted: the first PG_CACHE distinct texts stay
 * prepared for the connection's life. A statement that cannot be prepared (e.g. inside a
 * failed transaction) or that comes after those runs unprepared with PQexecParams.
 *
 * Failover. The URL may name several hosts with target_session_attrs=read-write (what
 * scripts/ha-up.sh prints): libpq tries them in turn and keeps the one that takes writes.
 * Unless the URL says otherwise, a connection gives up connecting after 3 s and a dead peer
 * is noticed within about 10 s (TCP keepalives, tcp_user_timeout): a primary that vanishes
 * without closing its sockets does not hang a request for long.
 *   - Noticing: a statement whose connection broke (libpq's CONNECTION_BAD, SQLSTATE class
 *     08), whose server is shutting down or starting (57P01, 57P02, 57P03), or whose server
 *     no longer takes writes (25006 read_only_sql_transaction: a former primary) marks the
 *     connection broken and tells the pool (db_conn_lost), which then replaces every one of
 *     its connections made before, at their next db_acquire. db_acquire also checks an idle
 *     connection's socket without a round trip (a killed server has closed it), so the first
 *     request after a failover does not fail for nothing.
 *   - Reconnecting: a new PGconn to the same URL in place of the old one (prepared statements
 *     are made again on the new server); while none of the hosts is a primary the request is
 *     answered 503 `unavailable` with Retry-After (http.c) and the pool waits 250 ms between
 *     attempts.
 *   - Never twice. Nothing is ever re-sent: not a statement, not a transaction, not a
 *     request. The first loss in a request decides what its client is told (db_fate):
 *       lost before anything of the request was committed (at BEGIN, at any statement of a
 *       transaction before its COMMIT, at a read outside a transaction, or at any statement
 *       the server refused as read-only): the server rolled the
 *       transaction back or never saw it, and PostgreSQL's synchronous standby never received a
 *       commit record for it, so nothing is applied: 503 with Retry-After, the client may send
 *       the same request again;
 *       lost during COMMIT, during an autocommit write, or after a commit of the same request:
 *       the outcome is unknown (the commit may be on the new primary): 500 `outcome_unknown`,
 *       and the client must look before sending it again. A write answered 2xx stands
 *       whatever is lost after its commit (an audit row, say).
 *     So a 201 means committed on two nodes, a 503 means not applied, and no answer or a 500
 *     means "look first". docs/maintainers.md has the same rule for handler writers.
 */
#include <libpq-fe.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

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
    char *target; /* the URL, for reconnecting */
    int broken;   /* lost (see above): replaced at the next db_acquire */
    int write_tx; /* inside a transaction begun by db_begin_write */
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
    int row; /* the current row, -1 before the first */
    int nrows;
    int done;
} pg_stmt;

/* Opens a connection: the failover defaults first, so that the URL's own settings win. */
static PGconn *pg_open(const char *target)
{
    const char *const keys[] = {"connect_timeout",
                                "keepalives_idle",
                                "keepalives_interval",
                                "keepalives_count",
                                "tcp_user_timeout",
                                "dbname",
                                NULL};
    const char *const vals[] = {"3", "5", "2", "3", "10000", target, NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (!pg)
        abort();
    if (PQstatus(pg) == CONNECTION_OK) {
        PGresult *r =
            PQexec(pg, "SET client_min_messages = warning; SET TIME ZONE 'Asia/Shanghai'");
        PQclear(r);
    }
    return pg;
}

static void clear_cache(pg_conn *c)
{
    pg_prepared *p, *next;
    HASH_ITER(hh, c->cache, p, next)
    {
        HASH_DEL(c->cache, p);
        free(p->sql);
        free(p);
    }
}

static db_conn *pg_connect(const char *target, char *err, size_t errlen)
{
    pg_conn *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->base.ops = &db_pg_ops;
    c->pg = pg_open(target);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        snprintf(err, errlen, "postgresql: %s", PQerrorMessage(c->pg));
        PQfinish(c->pg);
        free(c);
        return NULL;
    }
    c->target = strdup(target);
    if (!c->target)
        abort();
    return &c->base;
}

static void pg_disconnect(db_conn *base)
{
    pg_conn *c = (pg_conn *)base;
    clear_cache(c);
    PQfinish(c->pg);
    free(c->target);
    free(c);
}

/* Whether the connection can be used: not found lost, and its socket shows nothing but what
 * an idle connection may receive (a notification); no round trip. A server that ends a
 * session sends its FATAL message and closes: libpq reads the message as a notice on a first
 * read and sees the end on the next, hence the loop. */
static int pg_alive(db_conn *base)
{
    pg_conn *c = (pg_conn *)base;
    if (c->broken || PQstatus(c->pg) != CONNECTION_OK)
        return 0;
    struct pollfd pfd = {.fd = PQsocket(c->pg), .events = POLLIN};
    if (pfd.fd < 0)
        return 0;
    for (int i = 0; i < 4 && poll(&pfd, 1, 0) > 0; i++)
        if (!PQconsumeInput(c->pg) || PQstatus(c->pg) != CONNECTION_OK)
            return 0;
    return 1;
}

/* A new connection in place of this one; DB_ERROR (the old one stays, broken) when none of
 * the URL's hosts takes writes now. */
static int pg_reconnect(db_conn *base)
{
    pg_conn *c = (pg_conn *)base;
    PGconn *pg = pg_open(c->target);
    if (PQstatus(pg) != CONNECTION_OK) {
        snprintf(c->err, sizeof c->err, "%s", PQerrorMessage(pg));
        PQfinish(pg);
        return DB_ERROR;
    }
    clear_cache(c);
    PQfinish(c->pg);
    c->pg = pg;
    c->broken = 0;
    c->write_tx = 0;
    c->err[0] = 0;
    fprintf(stderr, "postgresql: connected to the primary at %s:%s\n", PQhost(pg), PQport(pg));
    return DB_OK;
}

/* The first word of sql is `word` (case-insensitive). */
static bool first_word(const char *sql, const char *word)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
        sql++;
    size_t n = strlen(word);
    return strncasecmp(sql, word, n) == 0 &&
           !((sql[n] >= 'A' && sql[n] <= 'Z') || (sql[n] >= 'a' && sql[n] <= 'z') || sql[n] == '_');
}

/* A statement that changes nothing when it runs alone (outside a transaction). */
static bool is_read(const char *sql)
{
    return first_word(sql, "SELECT") || first_word(sql, "BEGIN") || first_word(sql, "SET") ||
           first_word(sql, "SHOW") || first_word(sql, "ROLLBACK");
}

/* The connection is gone, shutting down, or on a server that no longer takes writes. */
static bool is_lost(pg_conn *c, const PGresult *r)
{
    if (PQstatus(c->pg) != CONNECTION_OK || !r)
        return true;
    const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    return st && (strncmp(st, "08", 2) == 0 || strcmp(st, "57P01") == 0 ||
                  strcmp(st, "57P02") == 0 || strcmp(st, "57P03") == 0 || strcmp(st, "25006") == 0);
}

/* The first loss in a borrower's request decides its fate (see the top of this file).
 * refused: the server answered 25006 (it takes no writes): that statement did nothing, and a
 * COMMIT can never meet it (a transaction that wrote nothing has nothing to refuse). */
static void note_loss(pg_conn *c, const char *sql, bool refused)
{
    if (c->broken)
        return;
    c->broken = 1;
    fprintf(stderr, "postgresql: connection to the primary lost: %s",
            c->err[0] ? c->err : PQerrorMessage(c->pg));
    db_conn_lost(&c->base);
    if (c->base.fate != DB_FATE_OK)
        return;
    bool unknown = c->base.wrote || (!refused && ((first_word(sql, "COMMIT") && c->write_tx) ||
                                                  (!c->base.in_tx && !is_read(sql))));
    c->base.fate = unknown ? DB_FATE_UNKNOWN : DB_FATE_LOST;
}

static int map_result(pg_conn *c, const PGresult *r)
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

/* The result of running sql: its DB_* code, noting a lost connection (DB_ERROR then) and a
 * committed write. */
static int pg_result(pg_conn *c, const PGresult *r, const char *sql)
{
    int rc = map_result(c, r);
    bool end = first_word(sql, "COMMIT") || first_word(sql, "ROLLBACK");
    if (rc != DB_OK && is_lost(c, r)) {
        const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
        note_loss(c, sql, st && strcmp(st, "25006") == 0 && PQstatus(c->pg) == CONNECTION_OK);
        rc = DB_ERROR;
    } else if (rc == DB_OK &&
               ((first_word(sql, "COMMIT") && c->write_tx) || (!c->base.in_tx && !is_read(sql)))) {
        c->base.wrote = 1;
    }
    if (end)
        c->write_tx = 0;
    return rc;
}

static int pg_exec(db_conn *base, const char *sql)
{
    pg_conn *c = (pg_conn *)base;
    PGresult *r = PQexec(c->pg, sql);
    int rc = pg_result(c, r, sql);
    PQclear(r);
    return rc;
}

static int pg_begin_write(db_conn *base)
{
    int rc = pg_exec(base, "BEGIN");
    ((pg_conn *)base)->write_tx = rc == DB_OK;
    return rc;
}

static int pg_lock(db_conn *base, int ns, int64_t key)
{
    pg_conn *c = (pg_conn *)base;
    char k[32];
    uint64_t mixed = ((uint64_t)(uint32_t)ns << 56) ^ (uint64_t)key;
    snprintf(k, sizeof k, "%" PRId64, (int64_t)mixed);
    const char *vals[1] = {k};
    const char *sql = "SELECT pg_advisory_xact_lock($1::bigint)";
    PGresult *r = PQexecParams(c->pg, sql, 1, NULL, vals, NULL, NULL, 0);
    int rc = pg_result(c, r, sql);
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
        int rc = pg_result(c, s->res, s->sql);
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
    .alive = pg_alive,
    .reconnect = pg_reconnect,
    .log_pk = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    .id_pk = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
};
