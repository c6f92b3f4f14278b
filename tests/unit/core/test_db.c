/* Unit tests for the backend-neutral helpers of src/core/db.c on SQLite: typed binds (integers,
 * text, NULL, db_id_or_null), the row cursor and the column copy that never splits a character. */
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

static void test_db_run__typed_binds_and_the_row_cursor(void **state)
{
    (void)state;
    char path[64];
    db_pool *p = open_tmp(path);
    db_conn *c = db_acquire(p);
    assert_int_equal(db_exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, n BIGINT, s TEXT, ref BIGINT)"),
                     DB_OK);
    int small = 7;
    long long big = 9007199254740993LL;
    char name[16] = "第一";
    const char *none = NULL;
    assert_int_equal(db_run(c, "INSERT INTO t (n, s, ref) VALUES ($1, $2, $3)", small, name,
                            db_id_or_null(0)),
                     DB_DONE);
    assert_int_equal(db_run(c, "INSERT INTO t (n, s, ref) VALUES ($1, $2, $3)", big, none,
                            db_id_or_null(5)),
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
    db_pool_free(p);
    unlink(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_db_run__typed_binds_and_the_row_cursor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
