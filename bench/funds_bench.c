/*
 * funds_bench.c: the escrow ledger's two benchmarks (issue 5, "Performance").
 *
 *   funds_bench movements --db URL [--threads T] [--contracts C] [--seconds S] [--rounds R]
 *       Ledger movements per second with durable commits: T threads, each running the same
 *       transaction as POST /contracts/{id}/payments and /lessons (write transaction, contract
 *       lock, figures reloaded, check, funds_ledger_post, lesson row, COMMIT) on C contracts in
 *       flight at once, each of 60 lessons paid lesson by lesson (a payment of one lesson's
 *       price, then the lesson); a completed contract is replaced by a fresh one. For a sqlite: URL it first
 *       measures raw SQLite inserts (one row per transaction, WAL, synchronous=FULL) into a
 *       file beside the database, so both numbers come from the same run on the same disk;
 *       the two alternate for R rounds and the medians are reported.
 *
 *   funds_bench verify --db URL [--entries N] [--csv DIR]
 *       Builds a district ledger of N entries (N/2 movements over N/100 contracts, a valid
 *       hash chain, lessons rows for every release) and times funds_verify over it. With
 *       --csv, writes the rows as CSV files for psql \copy instead (PostgreSQL), and
 *       `funds_bench verify-only --db URL` times funds_verify on what was loaded.
 *
 * Not part of the server: built by bench/funds.sh against build/libsjcore.a.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/db.h"
#include "core/policy.h"
#include "funds/funds.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, db_conn *c)
{
    fprintf(stderr, "funds_bench: %s: %s\n", what, c ? db_errmsg(c) : "");
    exit(1);
}

static void must(int rc, int want, const char *what, db_conn *c)
{
    if (rc != want)
        die(what, c);
}

/* ---------- a world to move money in ---------- */

static int64_t world(db_conn *c, int ncontracts, int64_t lessons, int64_t price, int64_t **ids_out)
{
    int64_t now = (int64_t)time(NULL), district, school, cls, student, guardian, inst, course;
    must(db_begin_write(c), DB_OK, "begin", c);
    must(db_insert_id(c, &district, "INSERT INTO districts (name, created_at) VALUES ('基准区', $1) RETURNING id", now), DB_DONE, "district", c);
    must(db_insert_id(c, &school, "INSERT INTO schools (district_id, name, kind, created_at) VALUES ($1, '基准小学', 'primary', $2) RETURNING id", district, now), DB_DONE, "school", c);
    must(db_insert_id(c, &cls, "INSERT INTO classes (district_id, school_id, grade, name, created_at) VALUES ($1, $2, 4, '四年级1班', $3) RETURNING id", district, school, now), DB_DONE, "class", c);
    must(db_insert_id(c, &guardian, "INSERT INTO users (district_id, username, name, created_at) VALUES ($1, $2, '家长', $3) RETURNING id", district, "bench-guardian", now), DB_DONE, "guardian", c);
    must(db_insert_id(c, &inst, "INSERT INTO institutions (district_id, name, category, license_no, address, online, created_at)"
                                " VALUES ($1, '基准培训学校', 'subject', $2, '路 1 号', 0, $3) RETURNING id", district, "1101057999999", now), DB_DONE, "institution", c);
    must(db_insert_id(c, &course, "INSERT INTO courses (district_id, institution_id, name, subject, category, online,"
                                  " lesson_minutes, price_per_lesson_fen, schedule, policy_version, created_at)"
                                  " VALUES ($1, $2, '数学', '数学', 'subject', 0, 45, $3, '[]', 'bench', $4) RETURNING id", district, inst, price, now), DB_DONE, "course", c);
    int64_t *ids = calloc((size_t)ncontracts, sizeof *ids);
    for (int i = 0; i < ncontracts; i++) {
        char no[32];
        snprintf(no, sizeof no, "B%08d", i);
        must(db_insert_id(c, &student, "INSERT INTO students (district_id, school_id, class_id, name, student_no, created_at)"
                                       " VALUES ($1, $2, $3, '学生', $4, $5) RETURNING id", district, school, cls, no, now), DB_DONE, "student", c);
        must(db_insert_id(c, &ids[i], "INSERT INTO contracts (district_id, institution_id, course_id, student_id, guardian_id,"
                                      " lessons, price_per_lesson_fen, amount_fen, start_date, end_date, policy_version, created_at)"
                                      " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'2026-09-01','2026-11-30','bench',$9) RETURNING id", district, inst, course, student, guardian, lessons, price, lessons * price, now),
             DB_DONE, "contract", c);
    }
    must(db_commit(c), DB_OK, "commit", c);
    *ids_out = ids;
    return district;
}

/* ---------- movements per second ---------- */

typedef struct {
    db_pool *pool;
    const policy *pol;    /* the national policy: TR-2 for the lessons */
    const int64_t *ids;
    int ncontracts, thread, nthreads, nslots;
    atomic_int *next;     /* the next fresh contract to take */
    double until;
    atomic_long *done;
    long failed;
} worker;

#define BENCH_PRICE 100 /* fen a lesson: every contract of world() has this price */

/* POST /contracts/{id}/payments or /lessons without HTTP: the store function the route calls
 * (write transaction, contract lock, figures reloaded, check, funds_ledger_post, lesson row,
 * COMMIT). Returns DB_DONE, DB_CONSTRAINT when the contract has nothing more to do (a refusal:
 * all lessons delivered, or paid in full), or an error. */
static int movement(db_conn *c, const policy *pol, int64_t id, bool lesson)
{
    funds_moved m;
    verdict v = lesson ? funds_lesson(c, pol, id, "2026-09-07", 1, &m)
                       : funds_payment(c, id, BENCH_PRICE, 1, &m);
    if (verdict_is_ok(&v))
        return DB_DONE;
    return v.err == SJ_ERR_INTERNAL || v.err == SJ_ERR_UNAVAILABLE || v.err == SJ_ERR_CONFLICT
               ? DB_ERROR
               : DB_CONSTRAINT;
}

/*
 * Each worker keeps `nslots` contracts going at once, taking turns: a payment of one lesson's
 * price, then that lesson, as families pay lesson by lesson (the most entries a contract can
 * have). A contract whose lessons are all delivered is replaced by a fresh one.
 */
static void *work(void *arg)
{
    worker *w = arg;
    db_conn *c = db_acquire(w->pool);
    int64_t slot[64];
    int phase[64] = {0};
    for (int k = 0; k < w->nslots; k++)
        slot[k] = w->ids[atomic_fetch_add(w->next, 1) % w->ncontracts];
    for (long i = 0; now_s() < w->until; i++) {
        int k = (int)(i % w->nslots);
        int rc = movement(c, w->pol, slot[k], phase[k] == 1);
        if (rc == DB_DONE) {
            atomic_fetch_add(w->done, 1);
            phase[k] ^= 1;
        } else if (rc == DB_CONSTRAINT) {
            int n = atomic_fetch_add(w->next, 1);
            if (n >= w->ncontracts) {
                w->failed++; /* ran out of fresh contracts: make more (--contracts) */
                break;
            }
            slot[k] = w->ids[n];
            phase[k] = 0;
        } else {
            w->failed++;
        }
    }
    db_release(c);
    return NULL;
}

static double raw_sqlite_inserts(const char *path, double seconds)
{
    sqlite3 *db;
    remove(path);
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return 0;
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     " CREATE TABLE raw (id INTEGER PRIMARY KEY, contract_id INTEGER, amount_fen INTEGER,"
                     " hash TEXT)", NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO raw (contract_id, amount_fen, hash) VALUES (?1, ?2, ?3)", -1, &st, NULL);
    long n = 0;
    double t0 = now_s();
    while (now_s() - t0 < seconds) {
        sqlite3_bind_int64(st, 1, n % 1000);
        sqlite3_bind_int64(st, 2, 100);
        sqlite3_bind_text(st, 3, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            break;
        sqlite3_reset(st);
        n++;
    }
    double dt = now_s() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    remove(path);
    char wal[1100];
    snprintf(wal, sizeof wal, "%s-wal", path);
    remove(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    remove(wal);
    return (double)n / dt;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Alternates raw inserts and ledger movements `rounds` times (the disk's fsync latency drifts;
 * alternating lets both see the same drift) and prints every round and the medians. */
static int bench_movements(const char *url, int threads, int ncontracts, double seconds, int rounds)
{
    char err[512];
    bool sqlite = strncmp(url, "sqlite:", 7) == 0;
    db_pool *p = db_pool_open(url, threads, err, sizeof err);
    policy *pol = p ? policy_new(NULL, err, sizeof err) : NULL;
    if (!p || !pol || db_migrate(p, err, sizeof err) != DB_OK) {
        fprintf(stderr, "funds_bench: %s\n", err);
        return 1;
    }
    db_conn *c = db_acquire(p);
    int64_t *ids;
    /* contracts of 60 lessons (FU-2's most); enough for the whole run */
    int pool_n = 6000;
    world(c, pool_n, 60, BENCH_PRICE, &ids);
    if (sqlite) /* the set-up's pages go to the database file now, not in the first round */
        db_exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
    db_release(c);
    atomic_int next = 0;
    double raw[32], mv[32];
    long failed = 0, total = 0;
    if (rounds > 32)
        rounds = 32;
    for (int round = 0; round < rounds; round++) {
        raw[round] = 0;
        if (sqlite) {
            char path[1024];
            snprintf(path, sizeof path, "%s.raw", url + 7);
            raw[round] = raw_sqlite_inserts(path, seconds);
        }
        atomic_long done = 0;
        pthread_t th[64];
        worker w[64];
        double t0 = now_s();
        for (int i = 0; i < threads; i++) {
            w[i] = (worker){p, pol, ids, pool_n, i, threads, ncontracts / threads > 0 ? (ncontracts / threads > 64 ? 64 : ncontracts / threads) : 1,
                            &next, t0 + seconds, &done, 0};
            pthread_create(&th[i], NULL, work, &w[i]);
        }
        for (int i = 0; i < threads; i++) {
            pthread_join(th[i], NULL);
            failed += w[i].failed;
        }
        double dt = now_s() - t0;
        mv[round] = (double)done / dt;
        total += (long)done;
        if (sqlite)
            printf("round %d: raw SQLite inserts %.0f /s, ledger movements %.0f /s (ratio %.2f)\n", round + 1,
                   raw[round], mv[round], mv[round] / raw[round]);
        else
            printf("round %d: ledger movements %.0f /s\n", round + 1, mv[round]);
    }
    double ratio[32];
    for (int i = 0; i < rounds; i++)
        ratio[i] = raw[i] > 0 ? mv[i] / raw[i] : 0;
    qsort(ratio, (size_t)rounds, sizeof ratio[0], cmp_double);
    qsort(raw, (size_t)rounds, sizeof raw[0], cmp_double);
    qsort(mv, (size_t)rounds, sizeof mv[0], cmp_double);
    if (sqlite)
        printf("median of %d rounds of %.0f s: raw SQLite inserts (1 row per transaction, WAL,"
               " synchronous=FULL, 1 thread) %.0f /s; ledger movements (%d threads, %d contracts,"
               " durable commits) %.0f /s; ratio of the medians %.2f; median of the rounds' ratios"
               " %.2f\n",
               rounds, seconds, raw[rounds / 2], threads, ncontracts, mv[rounds / 2],
               mv[rounds / 2] / raw[rounds / 2], ratio[rounds / 2]);
    else
        printf("median of %d rounds of %.0f s: ledger movements (%d threads, %d contracts, durable"
               " commits) %.0f /s\n", rounds, seconds, threads, ncontracts, mv[rounds / 2]);
    c = db_acquire(p);
    funds_verify_result v;
    int64_t district = 0;
    db_query_int64(c, &district, "SELECT MAX(id) FROM districts");
    double v0 = now_s();
    if (funds_verify(c, district, &v) != DB_OK)
        die("verify", c);
    printf("verify afterwards: ok=%s entries=%" PRId64 " (%ld movements, %ld failed) in %.2f s\n",
           v.ok ? "true" : "false", v.entries, total, failed, now_s() - v0);
    db_release(c);
    free(ids);
    db_pool_free(p);
    policy_free(pol);
    return v.ok && failed == 0 ? 0 : 1;
}

/* ---------- verify of a large ledger ---------- */

typedef struct {
    FILE *entries, *lessons;
} csv_out;

static int bench_verify(const char *url, int64_t nentries, const char *csv_dir)
{
    char err[512];
    db_pool *p = db_pool_open(url, 1, err, sizeof err);
    if (!p || db_migrate(p, err, sizeof err) != DB_OK) {
        fprintf(stderr, "funds_bench: %s\n", err);
        return 1;
    }
    db_conn *c = db_acquire(p);
    /* 100 entries per contract: 30 payments and 20 lessons of 100 fen */
    int ncontracts = (int)(nentries / 100);
    int64_t *ids;
    double t0 = now_s();
    int64_t district = world(c, ncontracts, 60, BENCH_PRICE, &ids);
    csv_out out = {0};
    if (csv_dir) {
        char path[1024];
        snprintf(path, sizeof path, "%s/ledger_entries.csv", csv_dir);
        out.entries = fopen(path, "w");
        snprintf(path, sizeof path, "%s/contract_lessons.csv", csv_dir);
        out.lessons = fopen(path, "w");
        if (!out.entries || !out.lessons)
            die("csv", NULL);
    }
    must(db_begin_write(c), DB_OK, "begin", c);
    db_stmt *ins = csv_dir ? NULL
                           : db_prepare(c, "INSERT INTO ledger_entries (district_id, seq, txn, kind, account,"
                                           " account_id, contract_id, amount_fen, actor, at, prev_hash, hash)"
                                           " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)");
    db_stmt *les = csv_dir ? NULL
                           : db_prepare(c, "INSERT INTO contract_lessons (contract_id, date, txn, created_at)"
                                           " VALUES ($1, '2026-09-07', $2, $3)");
    char prev[FUNDS_HASH_HEX];
    memset(prev, '0', 64);
    prev[64] = 0;
    int64_t seq = 0, txn = 0, at = (int64_t)time(NULL);
    int64_t guardian = 0, inst = 0;
    db_query_int64(c, &guardian, "SELECT MAX(id) FROM users");
    db_query_int64(c, &inst, "SELECT MAX(id) FROM institutions");
    for (int round = 0; round < 50; round++) {
        bool release = round >= 30;
        for (int k = 0; k < ncontracts; k++) {
            txn++;
            funds_entry e[2] = {
                {district, seq + 1, txn, release ? "release" : "payment", "escrow", ids[k], ids[k],
                 release ? -100 : 100, 1, at},
                {district, seq + 2, txn, release ? "release" : "payment", release ? "institution" : "guardian",
                 release ? inst : guardian, ids[k], release ? 100 : -100, 1, at},
            };
            for (int j = 0; j < 2; j++) {
                char h[FUNDS_HASH_HEX];
                funds_entry_hash(prev, &e[j], h);
                if (csv_dir) {
                    fprintf(out.entries, "%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,%s,%" PRId64 ",%" PRId64
                                         ",%" PRId64 ",1,%" PRId64 ",%s,%s\n",
                            district, e[j].seq, txn, e[j].kind, e[j].account, e[j].account_id, ids[k],
                            e[j].amount_fen, at, prev, h);
                } else {
                    db_reset(ins);
                    db_bind_int64(ins, 1, district);
                    db_bind_int64(ins, 2, e[j].seq);
                    db_bind_int64(ins, 3, txn);
                    db_bind_text(ins, 4, e[j].kind);
                    db_bind_text(ins, 5, e[j].account);
                    db_bind_int64(ins, 6, e[j].account_id);
                    db_bind_int64(ins, 7, ids[k]);
                    db_bind_int64(ins, 8, e[j].amount_fen);
                    db_bind_int64(ins, 9, 1);
                    db_bind_int64(ins, 10, at);
                    db_bind_text(ins, 11, prev);
                    db_bind_text(ins, 12, h);
                    must(db_step(ins), DB_DONE, "insert entry", c);
                }
                memcpy(prev, h, sizeof prev);
            }
            seq += 2;
            if (release) {
                if (csv_dir) {
                    fprintf(out.lessons, "%" PRId64 ",2026-09-07,%" PRId64 ",%" PRId64 "\n", ids[k], txn, at);
                } else {
                    db_reset(les);
                    db_bind_int64(les, 1, ids[k]);
                    db_bind_int64(les, 2, txn);
                    db_bind_int64(les, 3, at);
                    must(db_step(les), DB_DONE, "insert lesson", c);
                }
            }
        }
    }
    db_finalize(ins);
    db_finalize(les);
    must(db_run(c, "INSERT INTO ledger_heads (district_id, seq, txn, hash) VALUES ($1, $2, $3, $4)", district, seq, txn, prev), DB_DONE, "head", c);
    must(db_commit(c), DB_OK, "commit", c);
    /* one real movement on top, as in production */
    if (movement(c, NULL, ids[0], false) != DB_DONE) /* a payment: no policy needed */
        die("first real movement", c);
    printf("built a ledger of %" PRId64 " entries over %d contracts in %.1f s\n", seq + 2, ncontracts,
           now_s() - t0);
    if (csv_dir) {
        fclose(out.entries);
        fclose(out.lessons);
        printf("district %" PRId64 ": CSV written to %s; load with \\copy, then run verify-only\n", district, csv_dir);
        db_release(c);
        db_pool_free(p);
        free(ids);
        return 0;
    }
    db_release(c);
    free(ids);
    db_pool_free(p);
    return -1; /* the caller times verify */
}

static int verify_only(const char *url)
{
    char err[512];
    db_pool *p = db_pool_open(url, 1, err, sizeof err);
    if (!p) {
        fprintf(stderr, "funds_bench: %s\n", err);
        return 1;
    }
    db_conn *c = db_acquire(p);
    int64_t district = 0;
    db_query_int64(c, &district, "SELECT MAX(district_id) FROM ledger_heads");
    funds_verify_result v;
    for (int run = 0; run < 3; run++) {
        double t0 = now_s();
        if (funds_verify(c, district, &v) != DB_OK)
            die("verify", c);
        printf("verify run %d: ok=%s entries=%" PRId64 " movements=%" PRId64 " contracts=%" PRId64
               " escrow_fen=%" PRId64 " problems=%d in %.2f s\n",
               run + 1, v.ok ? "true" : "false", v.entries, v.movements, v.contracts, v.escrow_fen,
               v.nproblems, now_s() - t0);
        for (int i = 0; i < v.nproblems && i < FUNDS_VERIFY_PROBLEMS; i++)
            printf("  %s\n", v.problems[i]);
    }
    db_release(c);
    db_pool_free(p);
    return 0;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0 || argc < 2)
        goto usage;
    const char *url = NULL, *csv = NULL;
    int threads = 8, contracts = 64, rounds = 5;
    double seconds = 10;
    int64_t entries = 1000000;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            url = argv[i + 1];
        else if (strcmp(argv[i], "--threads") == 0)
            threads = (int)strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--contracts") == 0)
            contracts = (int)strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = strtod(argv[i + 1], NULL);
        else if (strcmp(argv[i], "--entries") == 0)
            entries = strtoll(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--rounds") == 0)
            rounds = (int)strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--csv") == 0)
            csv = argv[i + 1];
        else
            goto usage;
    }
    if (!url || threads < 1 || threads > 64 || contracts < 1 || entries < 100)
        goto usage;
    if (strcmp(argv[1], "movements") == 0)
        return bench_movements(url, threads, contracts, seconds, rounds < 1 ? 1 : rounds);
    if (strcmp(argv[1], "verify") == 0) {
        int rc = bench_verify(url, entries, csv);
        return rc >= 0 ? rc : verify_only(url);
    }
    if (strcmp(argv[1], "verify-only") == 0)
        return verify_only(url);
usage:
    fprintf(stderr, "usage: funds_bench movements|verify|verify-only --db URL [--threads T] [--contracts C]"
                    " [--seconds S] [--rounds R] [--entries N] [--csv DIR]\n");
    return 2;
}
