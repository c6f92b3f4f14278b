/*
 * db_sqlite.c: the SQLite backend (the embedded default).
 *
 * Each connection opens the file in WAL mode with foreign keys on, synchronous=FULL (a commit
 * that was answered survives a power loss) and a long busy timeout. Write transactions start
 * with BEGIN IMMEDIATE, which takes the database's single write lock at once: every write
 * transaction is serialised, so a check-then-insert inside one can never race another, and
 * db_lock has nothing more to do. SQL arrives with $N parameters and is rewritten to ?N.
 *
 * Statement cache: each connection keeps up to SQ_CACHE prepared statements keyed by their SQL
 * text, in a hash map (map.h). db_prepare hands out a cached statement that is not in use;
 * db_finalize resets it and gives it back. Nothing is evicted: the first SQ_CACHE distinct
 * texts a connection runs stay prepared for its life, and any text after them, or a statement
 * wanted twice at once (nested use), gets a fresh, uncached one that db_finalize finalizes.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_int.h"
#include "map.h"

#define SQ_CACHE 1024 /* cached statements per connection */

typedef struct sq_stmt sq_stmt;

typedef struct {
    db_conn base;
    sqlite3 *db;
    sq_stmt *cache; /* the map, keyed by sql */
} sq_conn;

struct sq_stmt {
    db_stmt base;
    sqlite3_stmt *st;
    char *sql; /* the original SQL, when cached */
    int in_use;
    UT_hash_handle hh;
};

static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
        return DB_OK;
    case SQLITE_ROW:
        return DB_ROW;
    case SQLITE_DONE:
        return DB_DONE;
    case SQLITE_CONSTRAINT:
        return DB_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return DB_BUSY;
    default:
        return DB_ERROR;
    }
}

/* Waits for another process's (or an autocommit statement's) write lock in short steps:
 * SQLite's own handler sleeps up to 100 ms at a time, far longer than a write takes here. */
static int sq_busy(void *ctx, int count)
{
    (void)ctx;
    if (count > 200000)
        return 0; /* about a minute: give up with SQLITE_BUSY */
    struct timespec ts = {0, (count < 10 ? 20 : count < 100 ? 100 : 300) * 1000};
    nanosleep(&ts, NULL);
    return 1;
}

/* SQLite counts every allocation it makes in process-wide statistics under one global mutex,
 * which the pool's connections then contend for on every statement (perf: 6% of a class-board
 * request went to that mutex and its futex waits, bench/homework.md). Nothing here reads those
 * statistics or sets a heap limit, so they are turned off before SQLite starts. */
static void sq_configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static db_conn *sq_connect(const char *target, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sq_configure);
    sq_conn *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->base.ops = &db_sqlite_ops;
    int rc = sqlite3_open_v2(
        target, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s: %s", target, c->db ? sqlite3_errmsg(c->db) : "open");
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    sqlite3_busy_handler(c->db, sq_busy, NULL);
    char *msg = NULL;
    rc = sqlite3_exec(c->db,
                      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                      " PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
                      NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s: %s", target, msg ? msg : "pragma");
        sqlite3_free(msg);
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    return &c->base;
}

static void sq_disconnect(db_conn *base)
{
    sq_conn *c = (sq_conn *)base;
    sq_stmt *s, *next;
    HASH_ITER(hh, c->cache, s, next)
    {
        HASH_DEL(c->cache, s);
        sqlite3_finalize(s->st);
        free(s->sql);
        free(s);
    }
    sqlite3_close_v2(c->db);
    free(c);
}

static int sq_exec(db_conn *base, const char *sql)
{
    sq_conn *c = (sq_conn *)base;
    return map_rc(sqlite3_exec(c->db, sql, NULL, NULL, NULL));
}

static int sq_begin_write(db_conn *base)
{
    return sq_exec(base, "BEGIN IMMEDIATE");
}

static int sq_lock(db_conn *base, int ns, int64_t key)
{
    (void)base, (void)ns, (void)key; /* BEGIN IMMEDIATE already holds the write lock */
    return DB_OK;
}

static const char *sq_errmsg(db_conn *base)
{
    return sqlite3_errmsg(((sq_conn *)base)->db);
}

/* $N → ?N outside quoted text. The output is never longer than the input. */
static char *rewrite_params(const char *sql)
{
    size_t n = strlen(sql);
    char *out = malloc(n + 1);
    if (!out)
        abort();
    char quote = 0;
    for (size_t i = 0; i <= n; i++) {
        char ch = sql[i];
        if (quote) {
            if (ch == quote)
                quote = 0;
        } else if (ch == '\'' || ch == '"') {
            quote = ch;
        } else if (ch == '$' && i + 1 < n && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            ch = '?';
        }
        out[i] = ch;
    }
    return out;
}

static db_stmt *sq_prepare(db_conn *base, const char *sql)
{
    sq_conn *c = (sq_conn *)base;
    size_t len = strlen(sql);
    sq_stmt *hit = NULL;
    HASH_FIND(hh, c->cache, sql, len, hit);
    if (hit && !hit->in_use) {
        hit->in_use = 1;
        return &hit->base;
    }
    char *q = rewrite_params(sql);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(c->db, q, -1, &st, NULL);
    free(q);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "sqlite prepare: %s\n  in: %s\n", sqlite3_errmsg(c->db), sql);
        return NULL;
    }
    sq_stmt *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &db_sqlite_ops;
    s->base.conn = base;
    s->st = st;
    s->in_use = 1;
    if (!hit && HASH_COUNT(c->cache) < SQ_CACHE) {
        s->sql = strdup(sql);
        if (!s->sql)
            abort();
        HASH_ADD_KEYPTR(hh, c->cache, s->sql, len, s);
    }
    return &s->base;
}

static int sq_bind_int64(db_stmt *s, int idx, int64_t v)
{
    return map_rc(sqlite3_bind_int64(((sq_stmt *)s)->st, idx, v));
}

static int sq_bind_text(db_stmt *s, int idx, const char *v)
{
    return map_rc(sqlite3_bind_text(((sq_stmt *)s)->st, idx, v, -1, SQLITE_TRANSIENT));
}

static int sq_bind_null(db_stmt *s, int idx)
{
    return map_rc(sqlite3_bind_null(((sq_stmt *)s)->st, idx));
}

static int sq_step(db_stmt *s)
{
    int rc = map_rc(sqlite3_step(((sq_stmt *)s)->st));
    if (rc == DB_ERROR)
        fprintf(stderr, "sqlite step: %s\n", sqlite3_errmsg(((sq_conn *)s->conn)->db));
    return rc;
}

static int sq_reset(db_stmt *s)
{
    sqlite3_stmt *st = ((sq_stmt *)s)->st;
    sqlite3_reset(st);
    return map_rc(sqlite3_clear_bindings(st));
}

static int sq_col_count(db_stmt *s)
{
    return sqlite3_column_count(((sq_stmt *)s)->st);
}
static int sq_col_isnull(db_stmt *s, int col)
{
    return sqlite3_column_type(((sq_stmt *)s)->st, col) == SQLITE_NULL;
}
static int64_t sq_col_int64(db_stmt *s, int col)
{
    return sqlite3_column_int64(((sq_stmt *)s)->st, col);
}
static const char *sq_col_text(db_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(((sq_stmt *)s)->st, col);
    return t ? (const char *)t : "";
}

static void sq_finalize(db_stmt *base)
{
    sq_stmt *s = (sq_stmt *)base;
    if (s->sql) { /* cached: keep it prepared for the next use */
        sqlite3_reset(s->st);
        sqlite3_clear_bindings(s->st);
        s->in_use = 0;
        return;
    }
    sqlite3_finalize(s->st);
    free(s);
}

const db_ops db_sqlite_ops = {
    .kind = DB_SQLITE,
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .exec = sq_exec,
    .begin_write = sq_begin_write,
    .lock = sq_lock,
    .errmsg = sq_errmsg,
    .prepare = sq_prepare,
    .bind_int64 = sq_bind_int64,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .reset = sq_reset,
    .col_count = sq_col_count,
    .col_isnull = sq_col_isnull,
    .col_int64 = sq_col_int64,
    .col_text = sq_col_text,
    .finalize = sq_finalize,
    .log_pk = "INTEGER PRIMARY KEY",
    .id_pk = "INTEGER PRIMARY KEY AUTOINCREMENT",
};
