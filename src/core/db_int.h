/*
 * db_int.h: what the two storage backends implement (private to src/core/db*.c).
 */
#ifndef SJ_DB_INT_H
#define SJ_DB_INT_H

#include <pthread.h>
#include "db.h"

typedef struct db_ops {
    int kind;
    db_conn *(*connect)(const char *target, char *err, size_t errlen);
    void (*disconnect)(db_conn *c);
    int (*exec)(db_conn *c, const char *sql);
    int (*begin_write)(db_conn *c);
    int (*lock)(db_conn *c, int ns, int64_t key);
    const char *(*errmsg)(db_conn *c);
    db_stmt *(*prepare)(db_conn *c, const char *sql);
    int (*bind_int64)(db_stmt *s, int idx, int64_t v);
    int (*bind_text)(db_stmt *s, int idx, const char *v);
    int (*bind_null)(db_stmt *s, int idx);
    int (*step)(db_stmt *s);
    int (*reset)(db_stmt *s);
    int (*col_count)(db_stmt *s);
    int (*col_isnull)(db_stmt *s, int col);
    int64_t (*col_int64)(db_stmt *s, int col);
    const char *(*col_text)(db_stmt *s, int col);
    void (*finalize)(db_stmt *s);
    /* PostgreSQL only (NULL on SQLite, whose connection cannot be lost): whether the
     * connection still answers (cheap: no round trip), and a new one in its place. */
    int (*alive)(db_conn *c);
    int (*reconnect)(db_conn *c);
    /* SQLite only (NULL on PostgreSQL, whose COMMIT returns once durable): waits until this
     * connection's commits are on disk (group commit, db_sqlite.c); called by db_commit after
     * the pool's write mutex is released. */
    int (*durable)(db_conn *c);
    const char *id_pk;  /* what ID_PK in a migration becomes */
    const char *log_pk; /* what LOG_PK becomes (append-only tables) */
} db_ops;

/* Every backend's connection starts with this header. */
struct db_conn {
    const db_ops *ops;
    db_pool *pool;
    db_conn *next_free;
    int in_tx;
    int depth;        /* savepoints inside the transaction (db_begin_write nested) */
    int write_locked; /* holds the pool's write mutex (SQLite) */
    /* Failover (PostgreSQL): reset by db_acquire for every borrower, set by the backend. */
    int fate;     /* DB_FATE_*: what a lost connection did to the borrower's writes */
    int wrote;    /* a write was committed since db_acquire */
    unsigned gen; /* the pool's generation when this connection was made */
    int down;     /* lost, and no primary could be reached at db_acquire */
    /* cache invalidations named in the open transaction (db_notify, cache_bus.h) */
    char notes[1024];
    size_t notes_len;
};

/* Every backend's statement starts with this header. */
struct db_stmt {
    const db_ops *ops;
    db_conn *conn;
};

extern const db_ops db_sqlite_ops;
extern const db_ops db_pg_ops;

/* The backend saw this connection lost (server gone, connection broken, or a server that no
 * longer takes writes): every connection of the pool is checked anew before its next use. */
void db_conn_lost(db_conn *c);

/* Failure injection for tests (SJ_DB_FAIL_AT=N makes the Nth prepared statement fail). */
int db_fail_injected(void);

#endif
