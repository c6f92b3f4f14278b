/*
 * db.c: the connection pool, the backend-neutral helpers and the migration runner.
 *
 * State: a pool owns `size` connections made at open; db_acquire blocks on a condition
 * variable until one is free. A connection is used by one request at a time.
 * Writers: on SQLite every write transaction takes the database's one write lock; within a
 * process they queue on the pool's write mutex instead of spinning in SQLite's busy handler,
 * which sleeps in steps of up to 100 ms. db_commit lets the mutex go once COMMIT has written
 * the transaction, then waits for it to be on disk (group commit: the writers committed
 * meanwhile share one fsync, db_sqlite.c), so db_commit still returns only once the
 * transaction is durable. On PostgreSQL the mutex is not used: writers serialise only on what
 * they lock (db_lock).
 *
 * Nesting: db_begin_write inside an open transaction makes a savepoint (SAVEPOINT sj_N); its
 * db_commit releases it into the outer transaction and its db_rollback undoes only its own
 * work. The outermost commit or rollback decides. On PostgreSQL this also keeps the outer
 * transaction usable after a refused statement (a unique key) inside the nested one.
 *
 * Failover (PostgreSQL; the rule is in db_pg.c's file-top comment): db_acquire hands out a
 * connection that answers. One that the backend found lost, or one made before another
 * connection of the pool was found lost (the pool's generation moved on: the primary is gone
 * for all of them, even those whose sockets still look open), is replaced first by a new
 * connection to the URL, which libpq points at the primary. When that fails no primary is
 * reachable: the connection is handed out `down` (db_usable false, the request answers 503),
 * and for the next 250 ms the other borrowers do not try again either.
 *
 * Failure injection: SJ_DB_FAIL_AT=N (read once at open) makes the Nth db_prepare after
 * db_pool_arm fail (serve arms it once it is ready), so tests can show that a failed store
 * call gives a clean 5xx and leaves nothing half-written. With SJ_DB_FAIL_SQL=TEXT only the
 * statements whose SQL contains TEXT are counted (the Nth audit row, say).
 */
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache_bus.h"
#include "clock.h"
#include "db_int.h"
#include "embed.h"
#include "utf8.h"

struct db_pool {
    const db_ops *ops;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    db_conn *free_list;
    db_conn **all;
    int size;
    long fail_at;
    const char *fail_sql; /* SJ_DB_FAIL_SQL: count only prepares of SQL containing it */
    atomic_int armed;
    pthread_mutex_t write_mu; /* SQLite: one writer at a time in this process */
    atomic_long prepares;
    atomic_uint gen;          /* moves on each time a current connection is found lost */
    atomic_llong retry_at_ms; /* no reconnection before this (CLOCK_MONOTONIC ms) */
};

#define RECONNECT_PAUSE_MS 250

static long long mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void db_conn_lost(db_conn *c)
{
    unsigned g = c->gen; /* only the first to see the loss of this generation moves it on */
    atomic_compare_exchange_strong(&c->pool->gen, &g, g + 1);
}

/* Replaces a lost or stale connection; false when no primary answers now. */
static bool reconnect(db_pool *p, db_conn *c)
{
    long long now = mono_ms();
    if (now < atomic_load(&p->retry_at_ms))
        return false;
    unsigned g = atomic_load(&p->gen);
    if (p->ops->reconnect(c) != DB_OK) {
        atomic_store(&p->retry_at_ms, now + RECONNECT_PAUSE_MS);
        return false;
    }
    c->gen = g;
    return true;
}

db_pool *db_pool_open(const char *url, int size, char *err, size_t errlen)
{
    const db_ops *ops;
    const char *target;
    if (strncmp(url, "sqlite:", 7) == 0) {
        ops = &db_sqlite_ops;
        target = url + 7;
    } else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        ops = &db_pg_ops;
        target = url;
    } else {
        snprintf(err, errlen, "unknown database URL (use sqlite:PATH or postgresql://...)");
        return NULL;
    }
    if (size < 1)
        size = 1;
    db_pool *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->ops = ops;
    p->size = size;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    pthread_mutex_init(&p->write_mu, NULL);
    p->all = calloc((size_t)size, sizeof *p->all);
    if (!p->all)
        abort();
    const char *fail = getenv("SJ_DB_FAIL_AT");
    p->fail_at = fail ? strtol(fail, NULL, 10) : 0;
    p->fail_sql = getenv("SJ_DB_FAIL_SQL");
    for (int i = 0; i < size; i++) {
        db_conn *c = ops->connect(target, err, errlen);
        if (!c) {
            db_pool_free(p);
            return NULL;
        }
        c->pool = p;
        c->next_free = p->free_list;
        p->free_list = c;
        p->all[i] = c;
    }
    /* SQLite: every connection keeps a page cache of its own; the pool's share one budget,
     * SJ_SQLITE_CACHE_MB (default 48): a command's one connection keeps 48 MiB, a server's
     * six 8 MiB each, so that a server at city scale stays within 100 MB under load
     * (bench/README.md, "Server memory") */
    if (ops->kind == DB_SQLITE) {
        const char *mb = getenv("SJ_SQLITE_CACHE_MB");
        long budget = mb ? strtol(mb, NULL, 10) : 48;
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA cache_size=-%ld",
                 (budget > 0 ? budget : 48) * 1024 / size);
        for (int i = 0; i < size; i++)
            ops->exec(p->all[i], sql);
    }
    return p;
}

void db_pool_free(db_pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->size; i++)
        if (p->all[i])
            p->ops->disconnect(p->all[i]);
    free(p->all);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->write_mu);
    free(p);
}

int db_pool_kind(const db_pool *p)
{
    return p->ops->kind;
}
void db_pool_arm(db_pool *p)
{
    atomic_store(&p->armed, 1);
}
int db_kind(const db_conn *c)
{
    return c->ops->kind;
}

db_conn *db_acquire(db_pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (!p->free_list)
        pthread_cond_wait(&p->cv, &p->mu);
    db_conn *c = p->free_list;
    p->free_list = c->next_free;
    pthread_mutex_unlock(&p->mu);
    c->fate = DB_FATE_OK;
    c->wrote = 0;
    c->down = 0;
    if (p->ops->reconnect && (c->gen != atomic_load(&p->gen) || !p->ops->alive(c)) &&
        !reconnect(p, c)) {
        c->down = 1;
        c->fate = DB_FATE_LOST; /* nothing was sent: nothing of the request is applied */
    }
    return c;
}

int db_fate(const db_conn *c)
{
    return c->fate;
}
int db_usable(const db_conn *c)
{
    return !c->down;
}

void db_release(db_conn *c)
{
    if (!c)
        return;
    if (c->in_tx) { /* a handler that forgot: nothing half-written survives */
        c->depth = 0;
        db_rollback(c);
    }
    if (c->ops->durable) /* nothing is left unsynced on a connection back in the pool */
        c->ops->durable(c);
    db_pool *p = c->pool;
    pthread_mutex_lock(&p->mu);
    c->next_free = p->free_list;
    p->free_list = c;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int db_exec(db_conn *c, const char *sql)
{
    return c->ops->exec(c, sql);
}

int db_begin(db_conn *c)
{
    int rc = c->ops->exec(c, "BEGIN");
    if (rc == DB_OK)
        c->in_tx = 1;
    return rc;
}

static void write_unlock(db_conn *c)
{
    if (c->write_locked) {
        c->write_locked = 0;
        pthread_mutex_unlock(&c->pool->write_mu);
    }
}

/* A write transaction opened inside another: a savepoint, so that a store function owns its
 * transaction whether it is called alone (a request) or inside a larger one (the demo writes a
 * whole district in one transaction, an import writes its users with core_user_create). */
static int savepoint(db_conn *c, const char *verb)
{
    char sql[48];
    snprintf(sql, sizeof sql, "%s SAVEPOINT sj_%d", verb, c->depth);
    return c->ops->exec(c, sql);
}

int db_begin_write(db_conn *c)
{
    if (c->ops->kind == DB_SQLITE && !c->write_locked) {
        pthread_mutex_lock(&c->pool->write_mu);
        c->write_locked = 1;
    }
    if (c->in_tx) {
        c->depth++;
        int rc = savepoint(c, "");
        if (rc != DB_OK)
            c->depth--;
        return rc;
    }
    int rc = c->ops->begin_write(c);
    if (rc == DB_OK)
        c->in_tx = 1;
    else
        write_unlock(c);
    return rc;
}

int db_commit(db_conn *c)
{
    if (c->depth > 0) { /* the savepoint's work joins the outer transaction */
        int rc = savepoint(c, "RELEASE");
        if (rc != DB_OK) {
            savepoint(c, "ROLLBACK TO");
            savepoint(c, "RELEASE");
        }
        c->depth--;
        return rc;
    }
    /* the caches' messages go with the commit (cache_bus.h): sent inside the transaction, so
     * that every other process receives them exactly when the change is visible */
    char msgs[sizeof c->notes];
    snprintf(msgs, sizeof msgs, "%.*s", (int)(c->notes_len ? c->notes_len - 1 : 0), c->notes);
    c->notes_len = 0;
    uint64_t id = 0;
    int rc = DB_OK;
    if (msgs[0] && c->ops->kind == DB_PG) {
        /* a command (no listener: init, import, demo) tells the servers too, without waiting:
         * it has nobody to hear their acknowledgements */
        char payload[sizeof msgs + 64], sql[sizeof payload + 64];
        if (cache_bus_listening())
            id = cache_bus_begin(payload, sizeof payload, msgs);
        else
            snprintf(payload, sizeof payload, "0.0\n%s", msgs);
        /* the messages are the store's own (ids, dates, hex): a literal needs no escaping */
        snprintf(sql, sizeof sql, "SELECT pg_notify('sj_cache', '%s')", payload);
        rc = c->ops->exec(c, sql);
    }
    if (rc == DB_OK)
        rc = c->ops->exec(c, "COMMIT");
    if (rc != DB_OK)
        c->ops->exec(c, "ROLLBACK");
    c->in_tx = 0;
    write_unlock(c);
    /* group commit (SQLite): the next writer goes on while this commit waits for its sync */
    if (rc == DB_OK && c->ops->durable)
        rc = c->ops->durable(c);
    if (rc == DB_OK && msgs[0])
        cache_bus_dispatch(msgs);
    if (id && rc == DB_OK)
        cache_bus_wait(id);
    else if (id)
        cache_bus_cancel(id);
    return rc;
}

/* Only letters, digits, spaces, '-', '.' and '*' (what the stores name), one message a line;
 * anything else, or more than fits, becomes "*" (drop everything: still exact). */
int db_notify(db_conn *c, const char *msg)
{
    if (!c->in_tx) {
        int rc = db_begin_write(c);
        if (rc == DB_OK)
            rc = db_notify(c, msg);
        if (rc == DB_DONE)
            rc = db_commit(c) == DB_OK ? DB_DONE : DB_ERROR;
        return rc;
    }
    size_t n = strlen(msg);
    bool safe = n > 0;
    for (size_t i = 0; i < n && safe; i++)
        safe = (msg[i] >= '0' && msg[i] <= '9') || (msg[i] >= 'a' && msg[i] <= 'z') ||
               (msg[i] >= 'A' && msg[i] <= 'Z') || msg[i] == ' ' || msg[i] == '-' ||
               msg[i] == '.' || msg[i] == '*';
    if (!safe || c->notes_len + n + 1 >= sizeof c->notes) {
        memcpy(c->notes, "*\n", 2);
        c->notes_len = 2;
        return DB_DONE;
    }
    if (c->notes_len == 2 && c->notes[0] == '*')
        return DB_DONE; /* everything is dropped already */
    memcpy(c->notes + c->notes_len, msg, n);
    c->notes[c->notes_len + n] = '\n';
    c->notes_len += n + 1;
    return DB_DONE;
}

int db_in_tx(const db_conn *c)
{
    return c->in_tx;
}

int db_rollback(db_conn *c)
{
    if (c->depth > 0) { /* undo the savepoint's work only; the outer transaction goes on */
        int rc = savepoint(c, "ROLLBACK TO");
        savepoint(c, "RELEASE");
        c->depth--;
        return rc;
    }
    c->in_tx = 0;
    c->notes_len = 0; /* nothing changed: nothing to tell */
    int rc = c->ops->exec(c, "ROLLBACK");
    write_unlock(c);
    return rc;
}

int db_lock(db_conn *c, int ns, int64_t key)
{
    return c->ops->lock(c, ns, key);
}
const char *db_errmsg(db_conn *c)
{
    return c->ops->errmsg(c);
}

db_stmt *db_prepare(db_conn *c, const char *sql)
{
    db_pool *p = c->pool;
    if (p->fail_at > 0 && atomic_load(&p->armed) && (!p->fail_sql || strstr(sql, p->fail_sql)) &&
        atomic_fetch_add(&p->prepares, 1) + 1 == p->fail_at) {
        fprintf(stderr, "shuangjian: injected store failure (SJ_DB_FAIL_AT=%ld)\n", p->fail_at);
        return NULL;
    }
    return c->ops->prepare(c, sql);
}

int db_bind_int64(db_stmt *s, int idx, int64_t v)
{
    return s->ops->bind_int64(s, idx, v);
}
int db_bind_text(db_stmt *s, int idx, const char *v)
{
    return v ? s->ops->bind_text(s, idx, v) : s->ops->bind_null(s, idx);
}
int db_bind_null(db_stmt *s, int idx)
{
    return s->ops->bind_null(s, idx);
}
int db_step(db_stmt *s)
{
    return s->ops->step(s);
}
int db_reset(db_stmt *s)
{
    return s->ops->reset(s);
}
int db_col_count(db_stmt *s)
{
    return s->ops->col_count(s);
}
int db_col_isnull(db_stmt *s, int col)
{
    return s->ops->col_isnull(s, col);
}
int64_t db_col_int64(db_stmt *s, int col)
{
    return s->ops->col_int64(s, col);
}
const char *db_col_text(db_stmt *s, int col)
{
    return s->ops->col_text(s, col);
}
int db_first_row(db_stmt *s, db_row *row)
{
    *row = db_row_at(s, 0);
    return s ? db_step(s) : DB_ERROR;
}

void db_finalize(db_stmt *s)
{
    if (s)
        s->ops->finalize(s);
}

void db_col_copy(db_stmt *s, int col, char *dst, size_t n)
{
    utf8_copy(dst, n, db_col_text(s, col)); /* a cut never splits a UTF-8 sequence */
}

int64_t db_next_int64(db_row *r)
{
    return db_col_int64(r->s, r->col++);
}
int db_next_isnull(db_row *r)
{
    return db_col_isnull(r->s, r->col);
}
const char *db_next_text_ref(db_row *r)
{
    return db_col_text(r->s, r->col++);
}
void db_next_text(db_row *r, char *dst, size_t n)
{
    db_col_copy(r->s, r->col++, dst, n);
}
void db_next_skip(db_row *r)
{
    r->col++;
}

int db_bind_args(db_stmt *s, int first, const db_arg *args)
{
    int idx = first;
    for (const db_arg *a = args; a && a->t; a++, idx++) {
        int rc = a->t == 'i'   ? db_bind_int64(s, idx, a->i)
                 : a->t == 's' ? db_bind_text(s, idx, a->s)
                               : db_bind_null(s, idx);
        if (rc != DB_OK)
            return rc;
    }
    return DB_OK;
}

db_stmt *db_query_a(db_conn *c, const char *sql, const db_arg *args)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return NULL;
    if (db_bind_args(s, 1, args) != DB_OK) {
        db_finalize(s);
        return NULL;
    }
    return s;
}

int db_run_a(db_conn *c, const char *sql, const db_arg *args)
{
    db_stmt *s = db_query_a(c, sql, args);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    while (rc == DB_ROW)
        rc = db_step(s);
    db_finalize(s);
    return rc;
}

int db_insert_id_a(db_conn *c, int64_t *id_out, const char *sql, const db_arg *args)
{
    db_stmt *s = db_query_a(c, sql, args);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *id_out = db_col_int64(s, 0);
        rc = db_step(s);
    } else if (rc == DB_DONE) {
        rc = DB_ERROR; /* RETURNING gave nothing */
    }
    db_finalize(s);
    return rc == DB_DONE ? DB_DONE : rc;
}

int db_query_int64_a(db_conn *c, int64_t *out, const char *sql, const db_arg *args)
{
    db_stmt *s = db_query_a(c, sql, args);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW)
        *out = db_col_isnull(s, 0) ? 0 : db_col_int64(s, 0);
    db_finalize(s);
    return rc;
}

/* Replaces every `macro` in `sql` by `with`; returns a new heap string. */
static char *replace_all(const char *sql, const char *macro, const char *with)
{
    size_t mlen = strlen(macro), rlen = strlen(with), n = 0;
    for (const char *p = strstr(sql, macro); p; p = strstr(p + mlen, macro))
        n++;
    char *out = malloc(strlen(sql) + n * rlen + 1), *w = out;
    if (!out)
        abort();
    const char *r = sql;
    for (const char *p = strstr(r, macro); p; p = strstr(r, macro)) {
        memcpy(w, r, (size_t)(p - r));
        w += p - r;
        memcpy(w, with, rlen);
        w += rlen;
        r = p + mlen;
    }
    memcpy(w, r, strlen(r) + 1);
    return out;
}

/* Expands the migration macros for this backend: ID_PK (an id never reused) and LOG_PK (an id
 * for append-only tables that are never deleted from, without SQLite's AUTOINCREMENT
 * bookkeeping: one page less per insert). */
static char *migration_expand(const db_ops *ops, const char *sql)
{
    char *a = replace_all(sql, "ID_PK", ops->id_pk);
    char *b = replace_all(a, "LOG_PK", ops->log_pk);
    free(a);
    return b;
}

/* A migration named NNNN_x.sqlite.sql runs only on SQLite, NNNN_x.pg.sql only on PostgreSQL
 * (triggers and other syntax the two do not share); any other .sql file runs on both. */
static bool migration_for(const db_ops *ops, const char *name)
{
    size_t n = strlen(name);
    if (n > 11 && strcmp(name + n - 11, ".sqlite.sql") == 0)
        return ops->kind == DB_SQLITE;
    if (n > 7 && strcmp(name + n - 7, ".pg.sql") == 0)
        return ops->kind == DB_PG;
    return true;
}

int db_migrate(db_pool *p, char *err, size_t errlen)
{
    db_conn *c = db_acquire(p);
    int rc = DB_OK;
    if (db_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, "
                   "applied_at BIGINT NOT NULL)") != DB_OK) {
        snprintf(err, errlen, "migrations table: %s", db_errmsg(c));
        rc = DB_ERROR;
        goto out;
    }
    for (const embedded_file *f = embedded_files; f->name; f++) {
        if (strncmp(f->name, "migrations/", 11) != 0)
            continue;
        const char *name = f->name + 11;
        if (!migration_for(p->ops, name))
            continue;
        if (db_begin_write(c) != DB_OK) {
            snprintf(err, errlen, "begin: %s", db_errmsg(c));
            rc = DB_ERROR;
            goto out;
        }
        int64_t seen = 0;
        int q = db_query_int64(c, &seen, "SELECT 1 FROM schema_migrations WHERE name = $1", name);
        if (q == DB_ROW) {
            db_rollback(c);
            continue;
        }
        char *sql = migration_expand(p->ops, f->data);
        int e = db_exec(c, sql);
        free(sql);
        if (e != DB_OK ||
            db_run(c, "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)", name,
                   now_unix()) != DB_DONE) {
            snprintf(err, errlen, "migration %s: %s", name, db_errmsg(c));
            db_rollback(c);
            rc = DB_ERROR;
            goto out;
        }
        if (db_commit(c) != DB_OK) {
            snprintf(err, errlen, "migration %s commit: %s", name, db_errmsg(c));
            rc = DB_ERROR;
            goto out;
        }
    }
out:
    db_release(c);
    return rc;
}

const embedded_file *embed_find(const char *name)
{
    for (const embedded_file *f = embedded_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}
