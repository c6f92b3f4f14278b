/*
 * stmt_cache_bench.c: the SQLite statement cache alone (db_sqlite.c): how long db_prepare +
 * db_finalize take when the statement is already cached, which every store call pays. Uses only
 * the public db.h API, so the same file builds against any version of libsjcore.a.
 *
 * usage: stmt_cache_bench [ROUNDS] [TEXTS]   (defaults 20000 and 300)
 * TEXTS distinct statements of 150-400 bytes that share a long prefix, as real ones do, are
 * prepared once, then ROUNDS times each is looked up and given back. Prints ns per lookup.
 * bench/README.md ("Statement cache") records runs and the command that compares two builds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/db.h"

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
    int ntexts = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 300;
    if (rounds < 1 || ntexts < 1 || ntexts > 1000) {
        fprintf(stderr, "usage: stmt_cache_bench [ROUNDS] [TEXTS <= 1000]\n");
        return 2;
    }
    char path[] = "/tmp/sj-stmt-bench-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    close(fd);
    char url[64], err[256];
    snprintf(url, sizeof url, "sqlite:%s", path);
    db_pool *p = db_pool_open(url, 1, err, sizeof err);
    if (!p) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    db_conn *c = db_acquire(p);
    db_exec(c, "CREATE TABLE homework_items (id INTEGER PRIMARY KEY, class_id BIGINT, day TEXT,"
               " subject TEXT, title TEXT, kind TEXT, minutes BIGINT, teacher_id BIGINT)");
    char **texts = calloc((size_t)ntexts, sizeof *texts);
    for (int i = 0; i < ntexts; i++) {
        texts[i] = malloc(512);
        int pad = (i * 37) % 250; /* 150..400 bytes */
        snprintf(texts[i], 512,
                 "SELECT h.id, h.class_id, h.day, h.subject, h.title, h.kind, h.minutes"
                 " FROM homework_items h WHERE h.class_id = $1 AND h.day = $2%*s"
                 " AND h.teacher_id <> %d ORDER BY h.id",
                 pad, "", i);
    }
    for (int i = 0; i < ntexts; i++)
        db_finalize(db_prepare(c, texts[i])); /* into the cache */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long r = 0; r < rounds; r++)
        for (int i = 0; i < ntexts; i++) {
            db_stmt *s = db_prepare(c, texts[i]);
            if (!s)
                return 1;
            db_finalize(s);
        }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
                ((double)rounds * ntexts);
    printf("lookups %ld texts %d ns_per_lookup %.1f\n", rounds * ntexts, ntexts, ns);
    for (int i = 0; i < ntexts; i++)
        free(texts[i]);
    free(texts);
    db_release(c);
    db_pool_free(p);
    unlink(path);
    return 0;
}
