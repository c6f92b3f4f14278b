/* Unit tests for src/core/xlsx.c: a book built, read back and answered with nothing left in the
 * temporary directory; a discarded book leaves nothing either; the Content-Disposition with an
 * RFC 5987 filename* for Chinese names and an ASCII name that cannot break the header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/xlsx.h"

static char tmpdir[64];

/* Files in tmpdir, "." and ".." aside. */
static int files_left(void)
{
    DIR *d = opendir(tmpdir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sj-test-xlsx-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    setenv("TMPDIR", tmpdir, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unsetenv("TMPDIR");
    return rmdir(tmpdir);
}

static void test_xlsx_finish__reads_back_and_leaves_nothing(void **state)
{
    (void)state;
    req r = {.arena = arena_new()};
    xlsx_book b;
    assert_true(xlsx_open_or_reply(&r, &b, "test"));
    assert_int_equal(files_left(), 1); /* the private temporary file */
    lxw_worksheet *ws = workbook_add_worksheet(b.wb, "汇总");
    static const char *const heads[] = {"学校", "金额(元)", "日期", "人数"};
    xlsx_header_row(&b, ws, heads, 4);
    worksheet_write_string(ws, 1, 0, "第一小学", NULL);
    xlsx_money(&b, ws, 1, 1, 123456); /* 1,234.56 元 */
    xlsx_date(&b, ws, 1, 2, "2026-09-01");
    xlsx_date(&b, ws, 2, 2, "2026-02-30"); /* not a date: kept as text */
    xlsx_int(&b, ws, 1, 3, 42);
    assert_true(xlsx_finish_or_reply(&r, &b));
    assert_int_equal(r.replied, 0);
    assert_true(b.len > 100);
    assert_memory_equal(b.data, "PK", 2); /* a zip */
    assert_int_equal(files_left(), 0);
    xlsx_reply(&r, &b, "report-2026.xlsx", "课后服务.xlsx");
    assert_int_equal(r.status, 200);
    assert_int_equal(r.resp_len, b.len);
    assert_string_equal(r.resp_type,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_string_equal(r.resp_disposition,
                        "attachment; filename=\"report-2026.xlsx\"; "
                        "filename*=UTF-8''%E8%AF%BE%E5%90%8E%E6%9C%8D%E5%8A%A1.xlsx");
    arena_free(r.arena);
}

static void test_xlsx_discard__leaves_nothing(void **state)
{
    (void)state;
    req r = {.arena = arena_new()};
    xlsx_book b;
    assert_true(xlsx_open_or_reply(&r, &b, "test"));
    workbook_add_worksheet(b.wb, "半成品");
    xlsx_discard(&b);
    assert_int_equal(files_left(), 0);
    xlsx_discard(&b); /* twice does nothing */
    arena_free(r.arena);
}

static void test_xlsx_open__unwritable_tmpdir_is_a_500(void **state)
{
    (void)state;
    setenv("TMPDIR", "/nonexistent/sj-test", 1);
    req r = {.arena = arena_new()};
    xlsx_book b;
    assert_false(xlsx_open_or_reply(&r, &b, "test"));
    assert_int_equal(r.status, 500);
    setenv("TMPDIR", tmpdir, 1);
    arena_free(r.arena);
}

static void test_xlsx_disposition__names(void **state)
{
    (void)state;
    req r = {.arena = arena_new()};
    /* ASCII only: no filename* */
    assert_string_equal(xlsx_disposition(&r, "homework-2026-09-01-2026-09-30.xlsx", NULL),
                        "attachment; filename=\"homework-2026-09-01-2026-09-30.xlsx\"");
    /* the funds export's name, as it was written by hand before */
    assert_string_equal(xlsx_disposition(&r, "funds-2026-12-06.xlsx", "资金监管-2026-12-06.xlsx"),
                        "attachment; filename=\"funds-2026-12-06.xlsx\"; filename*=UTF-8''"
                        "%E8%B5%84%E9%87%91%E7%9B%91%E7%AE%A1-2026-12-06.xlsx");
    /* nothing can break out of the quoted name or the header */
    assert_string_equal(xlsx_disposition(&r, "a\"b\r\nc d;/.xlsx", "x y\"%'.xlsx"),
                        "attachment; filename=\"a_b__c_d__.xlsx\"; "
                        "filename*=UTF-8''x%20y%22%25%27.xlsx");
    arena_free(r.arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsx_finish__reads_back_and_leaves_nothing),
        cmocka_unit_test(test_xlsx_discard__leaves_nothing),
        cmocka_unit_test(test_xlsx_open__unwritable_tmpdir_is_a_500),
        cmocka_unit_test(test_xlsx_disposition__names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
