/*
 * test_figures.c: cases_period_figures (the contract the reports module reads) on a SQLite
 * database with every migration: tips and complaints received in [from, to] (both ends
 * included; an inspector's own case not counted), cases closed substantiated in it, cases not
 * closed as of a day past their due date (a case closed after that day still counts, one due
 * that very day does not), PN-1 and PN-2 penalties decided in it, the whole district or one
 * school, and another district's cases never.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases/cases.h"

static char path[64];
static db_pool *pool;
static db_conn *conn;

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/sj-test-cases-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char url[80], err[256];
    snprintf(url, sizeof url, "sqlite:%s", path);
    pool = db_pool_open(url, 1, err, sizeof err);
    assert_non_null(pool);
    assert_int_equal(db_migrate(pool, err, sizeof err), DB_OK);
    conn = db_acquire(pool);
    assert_int_equal(
        db_exec(conn,
                "INSERT INTO districts (id, name, created_at) VALUES (1, 'a', 0), (2, 'b', 0);"
                "INSERT INTO schools (id, district_id, name, kind, created_at)"
                " VALUES (10, 1, 's10', 'primary', 0), (11, 1, 's11', 'primary', 0),"
                " (20, 2, 's20', 'primary', 0);"
                "INSERT INTO users (id, district_id, username, name, created_at)"
                " VALUES (1, 1, 'insp', 'insp', 0);"),
        DB_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_release(conn);
    db_pool_free(pool);
    unlink(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return 0;
}

static int64_t add_case(int64_t district, int64_t school, const char *source, const char *arrived,
                        const char *due, const char *closed_on, const char *outcome)
{
    int64_t id = 0;
    assert_int_equal(
        db_insert_id(conn, &id,
                     "INSERT INTO cases (district_id, school_id, assigned_school_id, category,"
                     " source, text, status, arrived_on, due_date, closed_on, outcome, created_at,"
                     " policy_version) VALUES ($1,$2,$2,'other',$3,'t',$4,$5,$6,$7,$8,0,'v')"
                     " RETURNING id",
                     district, db_id_or_null(school), source, closed_on ? "closed" : "assigned",
                     arrived, due, closed_on, outcome),
        DB_DONE);
    return id;
}

static void add_penalty(int64_t district, int64_t case_id, const char *rule, const char *on)
{
    assert_int_equal(db_run(conn,
                            "INSERT INTO case_penalties (district_id, case_id, rule,"
                            " illegal_income_fen, fine_fen, measures, decided_on, decided_by,"
                            " decided_at, policy_version) VALUES ($1,$2,$3,0,0,'',$4,1,0,'v')",
                            district, case_id, rule, on),
                     DB_DONE);
}

static cases_figures figures(int64_t school, const char *from, const char *to, const char *as_of)
{
    cases_figures f;
    assert_int_equal(cases_period_figures(conn, 1, school, from, to, as_of, &f), DB_OK);
    return f;
}

static void test_cases_period_figures__edges(void **state)
{
    (void)state;
    /* received: the period is 03-01..03-15, both ends included */
    add_case(1, 10, "tip", "2026-02-28", "2026-03-20", NULL, NULL); /* before */
    add_case(1, 10, "tip", "2026-03-01", "2026-03-20", NULL, NULL); /* first day */
    int64_t c3 = add_case(1, 11, "complaint", "2026-03-15", "2026-04-03", NULL, NULL); /* last */
    add_case(1, 11, "tip", "2026-03-16", "2026-04-06", NULL, NULL);                    /* after */
    add_case(1, 0, "inspector", "2026-03-05", "2026-03-26", NULL, NULL); /* not a tip */
    add_case(2, 20, "tip", "2026-03-05", "2026-03-26", NULL, NULL);      /* district 2 */
    /* substantiated: by the day it was closed */
    add_case(1, 10, "tip", "2026-02-01", "2026-02-20", "2026-03-15", "substantiated");
    add_case(1, 10, "tip", "2026-02-01", "2026-02-20", "2026-03-16", "substantiated");
    add_case(1, 11, "tip", "2026-02-01", "2026-02-20", "2026-03-10", "unsubstantiated");
    /* penalties */
    add_penalty(1, c3, "PN-1", "2026-03-01");
    add_penalty(1, c3, "PN-1", "2026-03-15");
    add_penalty(1, c3, "PN-2", "2026-03-02");
    add_penalty(1, c3, "PN-2", "2026-03-16");
    cases_figures f = figures(0, "2026-03-01", "2026-03-15", "2026-03-15");
    assert_int_equal(f.tips_received, 2);
    assert_int_equal(f.tips_substantiated, 1);
    assert_int_equal(f.penalties_pn1, 2);
    assert_int_equal(f.penalties_pn2, 1);
    /* overdue as of 03-15: due before 03-15 and not closed then. The two closed on 03-15 and
     * 03-16 were due 02-20: the one closed on 03-16 was still open on 03-15. The one closed
     * 03-10 was not. */
    assert_int_equal(f.cases_overdue, 1);
    /* as of 03-21: the first-day case (due 03-20) is overdue now, the one due 03-26 not yet */
    f = figures(0, "2026-03-01", "2026-03-15", "2026-03-21");
    assert_int_equal(f.cases_overdue, 2); /* 02-28's and 03-01's, both due 03-20 */
    /* a case due on as_of itself is not overdue */
    f = figures(0, "2026-03-01", "2026-03-15", "2026-03-20");
    assert_int_equal(f.cases_overdue, 0);
    /* one school */
    f = figures(11, "2026-03-01", "2026-03-15", "2026-03-15");
    assert_int_equal(f.tips_received, 1);
    assert_int_equal(f.tips_substantiated, 0);
    assert_int_equal(f.cases_overdue, 0);
    f = figures(10, "2026-03-01", "2026-03-15", "2026-03-15");
    assert_int_equal(f.tips_received, 1);
    assert_int_equal(f.tips_substantiated, 1);
    assert_int_equal(f.cases_overdue, 1);
    assert_int_equal(f.penalties_pn1, 0); /* the penalties' case is about school 11 */
    f = figures(11, "2026-03-01", "2026-03-15", "2026-03-15");
    assert_int_equal(f.penalties_pn1, 2);
    /* an empty period */
    f = figures(0, "2025-01-01", "2025-01-31", "2025-01-31");
    assert_int_equal(f.tips_received + f.tips_substantiated + f.cases_overdue + f.penalties_pn1 +
                         f.penalties_pn2,
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cases_period_figures__edges, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
