/* Unit tests for the backend-neutral helpers of src/core/db.c on SQLite: typed binds (integers,
 * text, NULL, db_id_or_null), the row cursor and the column copy that never splits a character;
 * and the SQLite backend's statement cache (db_sqlite.c): reuse, nested use of one text, and
 * more distinct texts than it keeps; nested write transactions as savepoints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/db.h"

static db_pool *open_tmp(char path[64])
{
    snprintf(path, 64, "/tmp/sj-test-db-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char url[80], err[256];
    snprintf(url, sizeof url, "sqlite:%s", path);
    db_pool *p = db_pool_open(url, 1, err, sizeof err);
    assert_non_null(p);
    return p;
}

static void close_tmp(db_pool *p, const char *path)
{
    db_pool_free(p);
    unlink(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static void test_db_run__typed_binds_and_the_row_cursor(void **state)
{
    (void)state;
    char path[64];
    db_pool *p = open_tmp(path);
    db_conn *c = db_acquire(p);
    assert_int_equal(
        db_exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, n BIGINT, s TEXT, ref BIGINT)"), DB_OK);
    int small = 7;
    long long big = 9007199254740993LL;
    char name[16] = "第一";
    const char *none = NULL;
    assert_int_equal(
        db_run(c, "INSERT INTO t (n, s, ref) VALUES ($1, $2, $3)", small, name, db_id_or_null(0)),
        DB_DONE);
    assert_int_equal(
        db_run(c, "INSERT INTO t (n, s, ref) VALUES ($1, $2, $3)", big, none, db_id_or_null(5)),
        DB_DONE);
    assert_int_equal(db_run(c, "INSERT INTO t (n, s, ref) VALUES ($1, $2, $3)", true, "x", DB_NULL),
                     DB_DONE);
    int64_t count = 0;
    assert_int_equal(db_query_int64(c, &count, "SELECT COUNT(*) FROM t WHERE ref IS NULL"), DB_ROW);
    assert_int_equal(count, 2);

    db_stmt *s = db_query(c, "SELECT n, s, ref FROM t WHERE id = $1", (int64_t)2);
    assert_int_equal(db_step(s), DB_ROW);
    db_row row = db_row_at(s, 0);
    assert_true(db_next_int64(&row) == big);
    assert_true(db_next_isnull(&row));
    char out[8];
    DB_NEXT_TEXT(&row, out);
    assert_string_equal(out, "");
    assert_int_equal(db_next_int64(&row), 5);
    db_finalize(s);

    /* a copy into a small array is cut at a character boundary: "第一" is 6 bytes */
    s = db_query(c, "SELECT s FROM t WHERE id = 1");
    assert_int_equal(db_step(s), DB_ROW);
    char five[5];
    DB_COL_COPY(s, 0, five);
    assert_string_equal(five, "第");
    db_finalize(s);
    db_release(c);
    close_tmp(p, path);
}

static void test_db_prepare__statement_cache(void **state)
{
    (void)state;
    char path[64];
    db_pool *p = open_tmp(path);
    db_conn *c = db_acquire(p);
    assert_int_equal(db_exec(c, "CREATE TABLE t (n BIGINT)"), DB_OK);
    for (int i = 1; i <= 3; i++)
        assert_int_equal(db_run(c, "INSERT INTO t (n) VALUES ($1)", i), DB_DONE);

    /* the same text again: the cached statement comes back reset, with fresh bindings */
    const char *sql = "SELECT n FROM t WHERE n >= $1 ORDER BY n";
    db_stmt *a = db_query(c, sql, 2);
    assert_int_equal(db_step(a), DB_ROW);
    assert_int_equal(db_col_int64(a, 0), 2);
    db_finalize(a); /* given back mid-result */
    db_stmt *b = db_query(c, sql, 1);
    assert_ptr_equal(a, b);
    assert_int_equal(db_step(b), DB_ROW);
    assert_int_equal(db_col_int64(b, 0), 1);

    /* nested: the text is in use, so the inner one is a fresh statement; both walk their rows */
    db_stmt *inner = db_query(c, sql, 3);
    assert_ptr_not_equal(inner, b);
    assert_int_equal(db_step(inner), DB_ROW);
    assert_int_equal(db_col_int64(inner, 0), 3);
    assert_int_equal(db_step(inner), DB_DONE);
    db_finalize(inner);
    assert_int_equal(db_step(b), DB_ROW);
    assert_int_equal(db_col_int64(b, 0), 2);
    db_finalize(b);

    /* far more distinct texts than the cache keeps (1024): each is still prepared and runs */
    for (int i = 0; i < 1500; i++) {
        char q[64];
        snprintf(q, sizeof q, "SELECT COUNT(*) + %d FROM t", i);
        int64_t v = -1;
        assert_int_equal(db_query_int64(c, &v, q), DB_ROW);
        assert_int_equal(v, 3 + i);
    }
    /* and the first text is still served from the cache */
    db_stmt *again = db_query(c, sql, 1);
    assert_ptr_equal(again, a);
    db_finalize(again);
    db_release(c);
    close_tmp(p, path);
}

/* The rows of t, in order, as "1,3" (at most 15 rows). */
static void rows_of(db_conn *c, char *out, size_t n)
{
    out[0] = 0;
    db_stmt *s = db_query(c, "SELECT n FROM t ORDER BY n");
    assert_non_null(s);
    while (db_step(s) == DB_ROW) {
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s%lld", len ? "," : "", (long long)db_col_int64(s, 0));
    }
    db_finalize(s);
}

static void test_db_begin_write__nested_is_a_savepoint(void **state)
{
    (void)state;
    char path[64], got[64];
    db_pool *p = open_tmp(path);
    db_conn *c = db_acquire(p);
    assert_int_equal(db_exec(c, "CREATE TABLE t (n BIGINT PRIMARY KEY)"), DB_OK);

    assert_int_equal(db_begin_write(c), DB_OK);
    assert_int_equal(db_run(c, "INSERT INTO t (n) VALUES ($1)", 1), DB_DONE);
    /* a nested write that gives up: only its own rows go */
    assert_int_equal(db_begin_write(c), DB_OK);
    assert_int_equal(db_run(c, "INSERT INTO t (n) VALUES ($1)", 2), DB_DONE);
    assert_int_equal(db_rollback(c), DB_OK);
    /* a nested write that commits joins the outer one, two levels deep */
    assert_int_equal(db_begin_write(c), DB_OK);
    assert_int_equal(db_run(c, "INSERT INTO t (n) VALUES ($1)", 3), DB_DONE);
    assert_int_equal(db_begin_write(c), DB_OK);
    assert_int_equal(db_run(c, "INSERT INTO t (n) VALUES ($1)", 4), DB_DONE);
    assert_int_equal(db_commit(c), DB_OK);
    assert_int_equal(db_commit(c), DB_OK);
    /* a key taken inside a nested write: refused there, the outer transaction goes on */
    assert_int_equal(db_begin_write(c), DB_OK);
    assert_int_equal(db_run(c, "INSERT INTO t (n) VALUES ($1)", 5), DB_DONE);
    assert_int_equal(db_run(c, "INSERT INTO t (n) VALUES ($1)", 1), DB_CONSTRAINT);
    assert_int_equal(db_rollback(c), DB_OK);
    rows_of(c, got, sizeof got);
    assert_string_equal(got, "1,3,4");
    assert_int_equal(db_commit(c), DB_OK);
    rows_of(c, got, sizeof got);
    assert_string_equal(got, "1,3,4");

    /* the outer rollback takes the committed nested work with it */
    assert_int_equal(db_begin_write(c), DB_OK);
    assert_int_equal(db_begin_write(c), DB_OK);
    assert_int_equal(db_run(c, "INSERT INTO t (n) VALUES ($1)", 6), DB_DONE);
    assert_int_equal(db_commit(c), DB_OK);
    assert_int_equal(db_rollback(c), DB_OK);
    /* a connection given back inside a nested write: nothing of it survives */
    assert_int_equal(db_begin_write(c), DB_OK);
    assert_int_equal(db_begin_write(c), DB_OK);
    assert_int_equal(db_run(c, "INSERT INTO t (n) VALUES ($1)", 7), DB_DONE);
    db_release(c);
    c = db_acquire(p);
    rows_of(c, got, sizeof got);
    assert_string_equal(got, "1,3,4");
    /* and the connection starts a fresh transaction afterwards */
    assert_int_equal(db_begin_write(c), DB_OK);
    assert_int_equal(db_run(c, "INSERT INTO t (n) VALUES ($1)", 8), DB_DONE);
    assert_int_equal(db_commit(c), DB_OK);
    rows_of(c, got, sizeof got);
    assert_string_equal(got, "1,3,4,8");
    db_release(c);
    close_tmp(p, path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_db_run__typed_binds_and_the_row_cursor),
        cmocka_unit_test(test_db_prepare__statement_cache),
        cmocka_unit_test(test_db_begin_write__nested_is_a_savepoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
