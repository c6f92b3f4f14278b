/*
 * homework_raw_insert.c: the baseline for bench/homework_publish.sh: single-row insert
 * transactions into SQLite with the server's durability settings (WAL, synchronous=FULL),
 * one connection, a prepared statement, BEGIN IMMEDIATE ... COMMIT per row, as fast as it goes.
 *
 *   cc -O2 -o homework_raw_insert homework_raw_insert.c -lsqlite3
 *   ./homework_raw_insert DB_PATH SECONDS      prints "raw_tx_per_s N rows R seconds S"
 *
 * The row is as wide as a homework item (the same columns and similar text), so the insert
 * itself is comparable; everything the server adds (HTTP, session, scope checks, the cap check,
 * roll-ups, audit) is what the comparison measures.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void must(int rc, sqlite3 *db, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s DB_PATH SECONDS\n", argv[0]);
        return 2;
    }
    double secs = strtod(argv[2], NULL);
    sqlite3 *db;
    must(sqlite3_open(argv[1], &db), db, "open");
    must(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                          "CREATE TABLE IF NOT EXISTS homework (id INTEGER PRIMARY KEY, district_id INTEGER,"
                          " school_id INTEGER, class_id INTEGER, grade INTEGER, date TEXT, day_kind TEXT,"
                          " subject TEXT, title TEXT, content TEXT, kind TEXT, tier TEXT, minutes INTEGER,"
                          " teacher_id INTEGER, limit_minutes INTEGER, rule TEXT, policy_version TEXT,"
                          " created_at INTEGER)",
                          NULL, NULL, NULL),
         db, "schema");
    sqlite3_stmt *ins;
    must(sqlite3_prepare_v2(db,
                            "INSERT INTO homework (district_id, school_id, class_id, grade, date, day_kind,"
                            " subject, title, content, kind, tier, minutes, teacher_id, limit_minutes, rule,"
                            " policy_version, created_at) VALUES (1, 1, ?1, 4, '2026-12-01', 'school', '数学',"
                            " '口算练习第 3 页', NULL, 'written', 'required', 10, ?2, 60, 'HW-2',"
                            " 'national-2021', ?3)",
                            -1, &ins, NULL),
         db, "prepare");
    long n = 0;
    double t0 = now(), t = t0;
    while (t - t0 < secs) {
        must(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db, "begin");
        sqlite3_bind_int64(ins, 1, n % 500 + 1);
        sqlite3_bind_int64(ins, 2, n % 97 + 1);
        sqlite3_bind_int64(ins, 3, (long long)time(NULL));
        must(sqlite3_step(ins), db, "insert");
        sqlite3_reset(ins);
        must(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
        n++;
        if ((n & 63) == 0)
            t = now();
    }
    t = now();
    /* bytes this process sent to storage (WAL frames and checkpoints), per transaction */
    long long wb = 0;
    FILE *io = fopen("/proc/self/io", "r");
    char line[128];
    while (io && fgets(line, sizeof line, io))
        if (sscanf(line, "write_bytes: %lld", &wb) == 1)
            break;
    if (io)
        fclose(io);
    printf("raw_tx_per_s %.0f rows %ld seconds %.2f bytes_per_tx %lld\n", (double)n / (t - t0), n,
           t - t0, n ? wb / n : 0);
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return 0;
}
