/*
 * db_sqlite.c: the SQLite backend (the embedded default).
 *
 * Each connection opens the file in WAL mode with foreign keys on and a long busy timeout.
 * Write transactions start with BEGIN IMMEDIATE, which takes the database's single write lock
 * at once: every write transaction is serialised, so a check-then-insert inside one can never
 * race another, and db_lock has nothing more to do. SQL arrives with $N parameters and is
 * rewritten to ?N.
 *
 * Group commit (durability): a commit that was answered survives a power loss, as with
 * synchronous=FULL, but concurrent writers share one fsync. The connections run with
 * synchronous=NORMAL, so COMMIT writes the transaction's WAL frames (write(2): safe from a
 * SIGKILL of the process) without syncing them, and the write lock is let go at once. Each
 * commit is numbered by the WAL hook (sq_wal_hook, which also runs the auto-checkpoint the
 * hook replaces: PASSIVE at 1,000 pages, as SQLite's own); before db_commit returns, after the
 * pool's write mutex is released, the committer waits until the WAL is synced up to its number
 * (sq_durable): the first waiter becomes the leader, fdatasyncs the WAL file (its own
 * descriptor, see gc_sync) for every commit numbered so far, and wakes the others; those that
 * committed meanwhile share the next fdatasync. The WAL is append-then-restart and a later
 * frame is never valid without the earlier ones, so one sync covers every commit before it.
 * What changes against FULL: another request may read a commit during the fsync that makes it
 * durable (its writer has not been answered yet); a power loss in that window loses both, as it
 * would have before. An autocommit write (a statement outside any transaction) waits for its
 * sync in sq_step/sq_exec. A failed fdatasync leaves the file's durability unknown: every
 * later commit of the process then fails (the request answers 500) until it is restarted.
 * SJ_SQLITE_GROUP_COMMIT=0 (read at connect) keeps synchronous=FULL and one fsync a commit,
 * for comparison in benchmarks (bench/README.md). A database without a file (":memory:") or
 * not in WAL mode keeps synchronous=FULL.
 *
 * Statement cache: each connection keeps up to SQ_CACHE prepared statements keyed by their SQL
 * text, in a hash map (map.h). db_prepare hands out a cached statement that is not in use;
 * db_finalize resets it and gives it back. Nothing is evicted: the first SQ_CACHE distinct
 * texts a connection runs stay prepared for its life, and any text after them, or a statement
 * wanted twice at once (nested use), gets a fresh, uncached one that db_finalize finalizes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db_int.h"
#include "map.h"

#define SQ_CACHE 1024 /* cached statements per connection */

#define SQ_CHECKPOINT_PAGES 1000 /* SQLite's default auto-checkpoint */

typedef struct sq_stmt sq_stmt;

/* One database file's group commit, shared by every connection of the process to it. */
typedef struct sq_file {
    struct sq_file *next;
    char *wal; /* the WAL file's path */
    int refs;  /* connections using it (under files_mu) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_ullong committed;   /* commits numbered so far (the WAL hook) */
    unsigned long long synced; /* every commit up to this number is on disk (under mu) */
    int syncing;               /* a leader is in fdatasync (under mu) */
    int broken;                /* an fdatasync failed: nothing more is acknowledged */
    int fd;                    /* the WAL, opened by the leader; -1 until then */
} sq_file;

static pthread_mutex_t files_mu = PTHREAD_MUTEX_INITIALIZER;
static sq_file *files;

typedef struct {
    db_conn base;
    sqlite3 *db;
    sq_stmt *cache;         /* the map, keyed by sql */
    sq_file *file;          /* group commit; NULL when the connection syncs each commit itself */
    unsigned long long due; /* this connection's last commit, to be synced before answering */
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

/* The WAL file of `dbfile`'s group commit, made on first use. */
static sq_file *file_get(const char *dbfile)
{
    size_t n = strlen(dbfile);
    pthread_mutex_lock(&files_mu);
    sq_file *f = files;
    while (f && (strncmp(f->wal, dbfile, n) != 0 || strcmp(f->wal + n, "-wal") != 0))
        f = f->next;
    if (!f) {
        f = calloc(1, sizeof *f);
        if (!f || !(f->wal = malloc(n + 5)))
            abort();
        memcpy(f->wal, dbfile, n);
        memcpy(f->wal + n, "-wal", 5);
        pthread_mutex_init(&f->mu, NULL);
        pthread_cond_init(&f->cv, NULL);
        f->fd = -1;
        f->next = files;
        files = f;
    }
    f->refs++;
    pthread_mutex_unlock(&files_mu);
    return f;
}

static void file_put(sq_file *f)
{
    pthread_mutex_lock(&files_mu);
    if (--f->refs == 0) {
        sq_file **pp = &files;
        while (*pp != f)
            pp = &(*pp)->next;
        *pp = f->next;
        if (f->fd >= 0)
            close(f->fd);
        pthread_mutex_destroy(&f->mu);
        pthread_cond_destroy(&f->cv);
        free(f->wal);
        free(f);
    }
    pthread_mutex_unlock(&files_mu);
}

/* Syncs the WAL file (the leader only, so f->fd is its own). The descriptor is ours, not
 * SQLite's: SQLite keeps no POSIX locks on the WAL (they are on the database and its -shm), so
 * opening and closing it here releases none of them. The WAL is deleted only when the last
 * connection to the database closes, after a checkpoint that synced everything; a descriptor
 * to a WAL deleted by another process's last close is reopened. No WAL file: nothing was
 * written since that checkpoint, nothing to sync. 0, or -1 with errno. */
static int gc_sync(sq_file *f)
{
    struct stat st;
    if (f->fd >= 0 && (fstat(f->fd, &st) != 0 || st.st_nlink == 0)) {
        close(f->fd);
        f->fd = -1;
    }
    if (f->fd < 0) {
        f->fd = open(f->wal, O_RDONLY | O_CLOEXEC);
        if (f->fd < 0)
            return errno == ENOENT ? 0 : -1;
    }
    return fdatasync(f->fd);
}

/* Waits until the WAL is on disk up to commit number `due` (see the file-top comment). */
static int gc_wait(sq_file *f, unsigned long long due)
{
    int rc = DB_OK;
    pthread_mutex_lock(&f->mu);
    while (!f->broken && f->synced < due) {
        if (f->syncing) {
            pthread_cond_wait(&f->cv, &f->mu);
            continue;
        }
        f->syncing = 1;
        /* every commit numbered by now has written its frames: one sync covers them all */
        unsigned long long upto = atomic_load(&f->committed);
        pthread_mutex_unlock(&f->mu);
        int e = gc_sync(f);
        int err = errno;
        pthread_mutex_lock(&f->mu);
        f->syncing = 0;
        if (e != 0) {
            f->broken = 1;
            fprintf(stderr,
                    "shuangjian: fdatasync %s: %s; no write is acknowledged any more, "
                    "restart the server\n",
                    f->wal, strerror(err));
        } else if (upto > f->synced) {
            f->synced = upto;
        }
        pthread_cond_broadcast(&f->cv);
    }
    if (f->broken && f->synced < due)
        rc = DB_ERROR;
    pthread_mutex_unlock(&f->mu);
    return rc;
}

/* After each commit of this connection (SQLite calls it with the WAL's size in pages): numbers
 * the commit for its sync, and checkpoints as the auto-checkpoint this hook replaces would. */
static int sq_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    sq_conn *c = arg;
    c->due = atomic_fetch_add(&c->file->committed, 1) + 1;
    if (pages >= SQ_CHECKPOINT_PAGES)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

/* This connection's commits are on disk. db_commit calls it once the pool's write mutex is
 * let go (so that the next writer commits while this one syncs); an autocommit statement
 * calls it through sq_settle. */
static int sq_durable(db_conn *base)
{
    sq_conn *c = (sq_conn *)base;
    if (!c->file || !c->due)
        return DB_OK;
    unsigned long long due = c->due;
    c->due = 0;
    return gc_wait(c->file, due);
}

/* After a statement: a commit made outside db_commit's write mutex (an autocommit write, or a
 * COMMIT of a transaction begun with db_begin) is synced before the caller sees it done. */
static int sq_settle(sq_conn *c, int rc)
{
    if (c->due && !c->base.write_locked && sqlite3_get_autocommit(c->db) &&
        sq_durable(&c->base) != DB_OK)
        return DB_ERROR;
    return rc;
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
    /* mmap_size: reads map the file instead of copying each page from the kernel into the page
     * cache (a fifth of the half-monthly report's CPU at city scale was that copy,
     * bench/README.md); SQLite clamps the size to its compile-time limit (2 GiB in Debian's build),
     * and writes still go through the WAL. */
    char *msg = NULL;
    rc = sqlite3_exec(
        c->db,
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        " PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=1099511627776;",
        NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s: %s", target, msg ? msg : "pragma");
        sqlite3_free(msg);
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    const char *file = sqlite3_db_filename(c->db, "main");
    const char *gcenv = getenv("SJ_SQLITE_GROUP_COMMIT");
    sqlite3_stmt *jm = NULL;
    int wal = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode", -1, &jm, NULL) == SQLITE_OK &&
              sqlite3_step(jm) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(jm, 0), "wal") == 0;
    sqlite3_finalize(jm);
    if (wal && file && *file && !(gcenv && strcmp(gcenv, "0") == 0)) {
        if (sqlite3_exec(c->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "sqlite: %s: %s", target, sqlite3_errmsg(c->db));
            sqlite3_close(c->db);
            free(c);
            return NULL;
        }
        c->file = file_get(file);
        sqlite3_wal_hook(c->db, sq_wal_hook, c);
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
    if (c->file)
        file_put(c->file);
    free(c);
}

static int sq_exec(db_conn *base, const char *sql)
{
    sq_conn *c = (sq_conn *)base;
    return sq_settle(c, map_rc(sqlite3_exec(c->db, sql, NULL, NULL, NULL)));
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
    sq_conn *c = (sq_conn *)s->conn;
    int rc = map_rc(sqlite3_step(((sq_stmt *)s)->st));
    if (rc == DB_ERROR)
        fprintf(stderr, "sqlite step: %s\n", sqlite3_errmsg(c->db));
    return c->due ? sq_settle(c, rc) : rc;
}

static int sq_reset(db_stmt *s)
{
    sqlite3_stmt *st = ((sq_stmt *)s)->st;
    sqlite3_reset(st);
    return sq_settle((sq_conn *)s->conn, map_rc(sqlite3_clear_bindings(st)));
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
    sq_conn *c = (sq_conn *)base->conn;
    if (s->sql) { /* cached: keep it prepared for the next use */
        sqlite3_reset(s->st);
        sqlite3_clear_bindings(s->st);
        s->in_use = 0;
    } else {
        sqlite3_finalize(s->st);
        free(s);
    }
    /* an autocommit write left unfinished (INSERT ... RETURNING read once) commits here; a
     * failed sync cannot be returned, but gc_wait has logged it and refuses every later one */
    if (c->due)
        sq_settle(c, DB_OK);
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
    .durable = sq_durable,
    .log_pk = "INTEGER PRIMARY KEY",
    .id_pk = "INTEGER PRIMARY KEY AUTOINCREMENT",
};
