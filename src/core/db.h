/*
 * db.h: the one storage interface, with two backends (SQLite and PostgreSQL via libpq).
 *
 * API:
 *   db_pool_open(url, size)   a pool of connections; "sqlite:PATH" or "postgresql://..."
 *   db_acquire / db_release   borrow a connection for one request (blocks while all are busy)
 *   db_begin / db_begin_write / db_commit / db_rollback
 *                             db_begin_write inside an open transaction is a savepoint: its
 *                             commit joins the outer transaction, its rollback undoes its own
 *                             work only (so a store function that owns its transaction can also
 *                             run inside a caller's, as the demo's and the imports' do)
 *   db_lock(c, ns, key)       inside a write transaction, serialise on one thing (a class-day,
 *                             a program, a contract). SQLite already serialises every write
 *                             transaction (BEGIN IMMEDIATE); PostgreSQL takes a transaction-scoped
 *                             advisory lock on (ns, key).
 *   db_prepare / db_bind_* / db_step / db_col_* / db_finalize
 *
 * SQL is written once with $1..$N parameters; the SQLite backend rewrites $N to ?N. Values go
 * to PostgreSQL as text and come back as text, so db_col_int64 parses. Column indexes are
 * 0-based, bind indexes 1-based, as in both native APIs.
 *
 * Migrations use macros that each backend expands: ID_PK (a 64-bit auto id primary key, never
 * reused) and LOG_PK (the same for append-only tables); BIGINT/TEXT/INTEGER are common to
 * both. A migration named NNNN_x.sqlite.sql or NNNN_x.pg.sql runs on that backend only.
 */
#ifndef SJ_DB_H
#define SJ_DB_H

#include <stdint.h>
#include <stddef.h>

#include "pp.h"

typedef struct db_pool db_pool;
typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

enum { DB_OK = 0, DB_ROW = 1, DB_DONE = 2, DB_ERROR = -1, DB_CONSTRAINT = -2, DB_BUSY = -3 };
enum db_kind { DB_SQLITE = 1, DB_PG = 2 };

db_pool *db_pool_open(const char *url, int size, char *err, size_t errlen);
void db_pool_free(db_pool *p);
int db_pool_kind(const db_pool *p);
void db_pool_arm(db_pool *p); /* start counting for SJ_DB_FAIL_AT (tests) */

db_conn *db_acquire(db_pool *p);
void db_release(db_conn *c);
int db_kind(const db_conn *c);

int db_exec(db_conn *c, const char *sql); /* no parameters; several statements allowed */
int db_begin(db_conn *c);                 /* a read transaction (consistent snapshot) */
int db_begin_write(db_conn *c);           /* a transaction that will write */
int db_commit(db_conn *c);
int db_rollback(db_conn *c);
int db_in_tx(const db_conn *c);               /* inside a transaction */
int db_lock(db_conn *c, int ns, int64_t key); /* see above; ns is one of DB_LOCK_* */
/* Names a change for the caches (cache_bus.h: "b 12 2026-12-07"), applied in every server
 * process when the outermost transaction commits and before db_commit returns; forgotten on
 * rollback. Outside a transaction it is a transaction of its own. DB_DONE or an error. */
int db_notify(db_conn *c, const char *msg);
const char *db_errmsg(db_conn *c);

enum {
    DB_LOCK_CLASS_DAY = 1,
    DB_LOCK_PROGRAM = 2,
    DB_LOCK_CONTRACT = 3,
    DB_LOCK_STUDENT = 4,
    DB_LOCK_LEDGER = 5,
    DB_LOCK_USER = 6,
    DB_LOCK_INSTITUTION = 7,
    DB_LOCK_EXAM = 8,
    DB_LOCK_CASE = 9,
    DB_LOCK_TIP = 10
};
/* The notices module's (notices.h): one notice's reminders. */
enum { DB_LOCK_NOTICE = 20 };
enum { DB_LOCK_AS_TOPUP = 30 }; /* afterschool: a school's AS-10 top-ups */

db_stmt *db_prepare(db_conn *c, const char *sql);
int db_bind_int64(db_stmt *s, int idx, int64_t v);
int db_bind_text(db_stmt *s, int idx, const char *v); /* NULL binds SQL NULL; text is copied */
int db_bind_null(db_stmt *s, int idx);
int db_step(db_stmt *s);  /* DB_ROW, DB_DONE, DB_CONSTRAINT or DB_ERROR */
int db_reset(db_stmt *s); /* run again with new bindings */
int db_col_count(db_stmt *s);
int db_col_isnull(db_stmt *s, int col);
int64_t db_col_int64(db_stmt *s, int col);
const char *db_col_text(db_stmt *s, int col); /* borrowed until the next step; "" for NULL */
void db_finalize(db_stmt *s);

/* Reading a row's columns in order without counting positions by hand:
 *     db_row row = db_row_at(s, 0);
 *     it->id = db_next_int64(&row);
 *     DB_NEXT_TEXT(&row, it->title);          (copies, cut to the array, "" for NULL)
 *     it->marked = db_next_isnull(&row) ? 0 : db_next_int64(&row);  -- see db_next_isnull
 * db_next_isnull peeks without moving; every other db_next_* reads one column and moves on. */
typedef struct {
    db_stmt *s;
    int col;
} db_row;
static inline db_row db_row_at(db_stmt *s, int first)
{
    return (db_row){s, first};
}
/* The first row of a one-row look-up: DB_ROW with *row at its first column, DB_DONE when there
 * is none, or an error (DB_ERROR when s is NULL: the statement could not be made). The caller
 * reads the row and then finalizes s either way (db_finalize takes NULL):
 *     db_stmt *s = db_query(c, "SELECT ... WHERE id = $1", id);
 *     db_row row;
 *     int rc = db_first_row(s, &row);
 *     if (rc == DB_ROW) { out->id = db_next_int64(&row); ... }
 *     db_finalize(s);
 *     return rc;
 */
int db_first_row(db_stmt *s, db_row *row);
int64_t db_next_int64(db_row *r);
int db_next_isnull(db_row *r);           /* the next column is NULL; does not move */
const char *db_next_text_ref(db_row *r); /* borrowed until the next step */
void db_next_text(db_row *r, char *dst, size_t n);
void db_next_skip(db_row *r);
#define DB_NEXT_TEXT(row, array) db_next_text((row), (array), sizeof(array))
/* One column copied into a char array: cut to fit (never mid-character), "" for NULL. */
void db_col_copy(db_stmt *s, int col, char *dst, size_t n);
#define DB_COL_COPY(s, col, array) db_col_copy((s), (col), (array), sizeof(array))

/* Helpers for the common shapes. The parameters follow the SQL as plain C values, $1 first:
 * any integer type binds an integer, `char *` binds text (NULL binds SQL NULL), DB_NULL binds
 * NULL, db_id_or_null(x) binds NULL for 0 (an absent reference). _Generic turns each into a
 * db_arg, so the compiler refuses any other type (a double, a struct); scripts/sqlparams.py
 * checks that the count matches the highest $N. */
typedef struct {
    char t; /* 'i' integer, 's' text, 'n' NULL; 0 ends a list */
    int64_t i;
    const char *s;
} db_arg;

static inline db_arg db_arg_int_(int64_t v)
{
    return (db_arg){'i', v, NULL};
}
static inline db_arg db_arg_text_(const char *v)
{
    return (db_arg){v ? 's' : 'n', 0, v};
}
static inline db_arg db_arg_null_(const void *v)
{
    return (db_arg){v ? 's' : 'n', 0, (const char *)v};
}
static inline db_arg db_arg_same_(db_arg a)
{
    return a;
}
#define DB_NULL ((db_arg){'n', 0, NULL})
static inline db_arg db_id_or_null(int64_t v)
{
    return v ? db_arg_int_(v) : DB_NULL;
}

#define DB_ARG(x)                                                                                  \
    _Generic((x),                                                                              \
        db_arg: db_arg_same_,                                                                  \
        char *: db_arg_text_,                                                                  \
        const char *: db_arg_text_,                                                            \
        void *: db_arg_null_,                                                                  \
        _Bool: db_arg_int_,                                                                    \
        char: db_arg_int_,                                                                     \
        signed char: db_arg_int_,                                                              \
        unsigned char: db_arg_int_,                                                            \
        short: db_arg_int_,                                                                    \
        unsigned short: db_arg_int_,                                                           \
        int: db_arg_int_,                                                                      \
        unsigned int: db_arg_int_,                                                             \
        long: db_arg_int_,                                                                     \
        unsigned long: db_arg_int_,                                                            \
        long long: db_arg_int_,                                                                \
        unsigned long long: db_arg_int_)(x)
/* The parameters as a list ending in {0}: DB_ARGS() is the empty list. */
#define DB_ARGS(...) ((const db_arg[]){__VA_OPT__(SJ_MAP(DB_ARG, __VA_ARGS__), ){0, 0, NULL}})

int db_run_a(db_conn *c, const char *sql, const db_arg *args); /* DB_DONE / error */
int db_insert_id_a(db_conn *c, int64_t *id_out, const char *sql, const db_arg *args);
int db_query_int64_a(db_conn *c, int64_t *out, const char *sql, const db_arg *args);
db_stmt *db_query_a(db_conn *c, const char *sql, const db_arg *args);
int db_bind_args(db_stmt *s, int first, const db_arg *args); /* binds $first, $first+1, ... */

/* db_run(c, sql, ...): runs to the end; DB_DONE or an error. */
#define db_run(c, sql, ...) db_run_a((c), (sql), DB_ARGS(__VA_ARGS__))
/* db_insert_id(c, &id, sql, ...): sql ends in RETURNING id; OUT: id. */
#define db_insert_id(c, id_out, sql, ...) db_insert_id_a((c), (id_out), (sql), DB_ARGS(__VA_ARGS__))
/* db_query_int64(c, &out, sql, ...): DB_ROW with *out set (NULL reads 0), DB_DONE when no row. */
#define db_query_int64(c, out, sql, ...) db_query_int64_a((c), (out), (sql), DB_ARGS(__VA_ARGS__))
/* db_query(c, sql, ...): prepared and bound, to step; NULL on a store error. */
#define db_query(c, sql, ...) db_query_a((c), (sql), DB_ARGS(__VA_ARGS__))

/* Failover (PostgreSQL). A connection found lost is replaced at the next db_acquire (the
 * URL may name several hosts with target_session_attrs=read-write: libpq picks the primary);
 * nothing is ever re-sent. What the loss did to the borrower's request, for its answer:
 *   DB_FATE_OK       no loss;
 *   DB_FATE_LOST     lost before anything of this request was committed: nothing was
 *                    applied, the client may send it again (503 with Retry-After);
 *   DB_FATE_UNKNOWN  lost during a COMMIT or an autocommit write, or after a commit of this
 *                    request: it may or may not be applied, the client must look first.
 * db_usable is false when the connection is lost and no primary could be reached now. */
enum { DB_FATE_OK = 0, DB_FATE_LOST = 1, DB_FATE_UNKNOWN = 2 };
int db_fate(const db_conn *c);
int db_usable(const db_conn *c);

/* Migrations: applied in order, each in its own transaction, recorded in schema_migrations. */
int db_migrate(db_pool *p, char *err, size_t errlen);

#endif
