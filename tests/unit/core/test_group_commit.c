/* Unit tests for SQLite's group commit (src/core/db_sqlite.c): a power loss simulated at every
 * moment loses no commit that db_commit has returned, refused and rolled-back writes leave
 * nothing, and concurrent writers share syncs.
 *
 * The power loss: this program defines fsync and fdatasync itself (the executable's symbols
 * come before libc's, for SQLite too), so every sync of a file in the test's directory first
 * copies the file as it is (what the sync is sure to make durable: every byte written before
 * it began), syncs, then installs the copy as the file's "disk" image. What a power loss would
 * leave is the disk images; each writer, as soon as db_commit returns, opens a copy of the
 * images as a database (SQLite recovers the WAL as after a crash) and looks for its row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/db.h"

static char g_dir[64]; /* the test's directory; only its files are imaged */
static pthread_mutex_t g_disk = PTHREAD_MUTEX_INITIALIZER; /* syncs and checks, one at a time */
static atomic_int g_wal_syncs;

/* Copies what `fd` holds now into `to` (a fresh file). */
static void copy_fd(int fd, const char *to)
{
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0)
        abort();
    char buf[65536];
    off_t at = 0;
    ssize_t n;
    while ((n = pread(fd, buf, sizeof buf, at)) > 0) {
        if (write(out, buf, (size_t)n) != n)
            abort();
        at += n;
    }
    close(out);
}

static int synced(int fd, long nr)
{
    char link[64], path[PATH_MAX];
    struct stat st;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    size_t dl = strlen(g_dir);
    if (!g_dir[0] || n <= 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return (int)syscall(nr, fd);
    path[n] = 0;
    const char *name = path + dl + 1;
    if (strncmp(path, g_dir, dl) != 0 || path[dl] != '/' || strchr(name, '/') ||
        strstr(name, "(deleted)"))
        return (int)syscall(nr, fd);
    char pending[PATH_MAX + 16], disk[PATH_MAX + 16];
    snprintf(pending, sizeof pending, "%s/pending/%s", g_dir, name);
    snprintf(disk, sizeof disk, "%s/disk/%s", g_dir, name);
    pthread_mutex_lock(&g_disk);
    copy_fd(fd, pending); /* before the sync: every byte of it is durable once the sync returns */
    int rc = (int)syscall(nr, fd);
    if (rc == 0) {
        rename(pending, disk);
        if (strstr(name, "-wal"))
            atomic_fetch_add(&g_wal_syncs, 1);
    }
    pthread_mutex_unlock(&g_disk);
    return rc;
}

int fsync(int fd)
{
    return synced(fd, SYS_fsync);
}
int fdatasync(int fd)
{
    return synced(fd, SYS_fdatasync);
}

/* Whether a power loss now would keep the row of table t with this `k` (under g_disk). */
static bool on_disk(const char *base, int64_t k)
{
    char from[128], to[128];
    const char *sides[] = {"", "-wal"};
    for (int i = 0; i < 2; i++) {
        snprintf(from, sizeof from, "%s/disk/%s%s", g_dir, base, sides[i]);
        snprintf(to, sizeof to, "%s/check/x.db%s", g_dir, sides[i]);
        int fd = open(from, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            copy_fd(fd, to);
            close(fd);
        } else {
            unlink(to);
            if (i == 0)
                close(open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        }
    }
    snprintf(to, sizeof to, "%s/check/x.db-shm", g_dir);
    unlink(to);
    snprintf(to, sizeof to, "%s/check/x.db", g_dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_open(to, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT 1 FROM t WHERE k = ?1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, k);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return found;
}

typedef struct {
    db_pool *p;
    int n;
    int worker;
    int lost; /* commits answered that a power loss right then would have lost */
    int kept; /* refused writes found anyway */
    int commits;
} job;

static void *writer(void *arg)
{
    job *j = arg;
    for (int i = 0; i < j->n; i++) {
        db_conn *c = db_acquire(j->p);
        int64_t id = 0, k = (int64_t)j->worker * 1000 + i;
        /* every fifth write is refused after its insert: it must leave nothing */
        bool refuse = i % 5 == 4;
        if (db_begin_write(c) != DB_OK ||
            db_insert_id(c, &id, "INSERT INTO t (k, pad) VALUES ($1, $2) RETURNING id", k,
                         "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十") !=
                DB_DONE) {
            j->lost++;
            db_release(c);
            continue;
        }
        if (refuse) {
            db_rollback(c);
            db_release(c);
            pthread_mutex_lock(&g_disk);
            if (on_disk("g.db", k))
                j->kept++;
            pthread_mutex_unlock(&g_disk);
            continue;
        }
        int rc = db_commit(c);
        db_release(c);
        if (rc != DB_OK) {
            j->lost++;
            continue;
        }
        j->commits++;
        pthread_mutex_lock(&g_disk); /* no sync in between: the disk as the answer goes out */
        if (!on_disk("g.db", k))
            j->lost++;
        pthread_mutex_unlock(&g_disk);
    }
    return NULL;
}

static void test_group_commit__an_answered_commit_survives_a_power_loss(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/var/tmp/sj-gc-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    char sub[128];
    const char *subs[] = {"pending", "disk", "check"};
    for (int i = 0; i < 3; i++) {
        snprintf(sub, sizeof sub, "%s/%s", g_dir, subs[i]);
        assert_int_equal(mkdir(sub, 0700), 0);
    }
    char url[128], err[256];
    snprintf(url, sizeof url, "sqlite:%s/g.db", g_dir);
    enum { WORKERS = 6, EACH = 40 };
    db_pool *p = db_pool_open(url, WORKERS, err, sizeof err);
    assert_non_null(p);
    db_conn *c = db_acquire(p);
    /* an autocommit write is synced before it returns too */
    assert_int_equal(
        db_exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER UNIQUE, pad TEXT)"), DB_OK);
    assert_int_equal(db_run(c, "INSERT INTO t (k, pad) VALUES (1000000, 'x')"), DB_DONE);
    pthread_mutex_lock(&g_disk);
    assert_true(on_disk("g.db", 1000000));
    pthread_mutex_unlock(&g_disk);
    db_release(c);

    job jobs[WORKERS];
    pthread_t th[WORKERS];
    int before = atomic_load(&g_wal_syncs);
    for (int i = 0; i < WORKERS; i++) {
        jobs[i] = (job){.p = p, .n = EACH, .worker = i};
        assert_int_equal(pthread_create(&th[i], NULL, writer, &jobs[i]), 0);
    }
    int lost = 0, kept = 0, commits = 0;
    for (int i = 0; i < WORKERS; i++) {
        pthread_join(th[i], NULL);
        lost += jobs[i].lost;
        kept += jobs[i].kept;
        commits += jobs[i].commits;
    }
    int syncs = atomic_load(&g_wal_syncs) - before;
    assert_int_equal(lost, 0);
    assert_int_equal(kept, 0);
    assert_int_equal(commits, WORKERS * EACH * 4 / 5);
    /* the writers shared syncs: fewer WAL syncs than commits */
    assert_true(syncs > 0);
    assert_true(syncs < commits);
    fprintf(stderr, "# %d commits, %d WAL syncs\n", commits, syncs);

    /* after the last commit the images hold every committed row and none refused */
    c = db_acquire(p);
    int64_t n = 0;
    assert_int_equal(db_query_int64(c, &n, "SELECT count(*) FROM t"), DB_ROW);
    assert_int_equal(n, commits + 1);
    db_release(c);
    db_pool_free(p);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    g_dir[0] = 0;
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_commit__an_answered_commit_survives_a_power_loss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
