/*
 * demo.h: what `shuangjian demo` (demo.c) hands the modules that add their own demo data:
 * training_demo_fill (institutions, courses), afterschool_demo_fill (programs, enrolments,
 * rolls, duty, bills) and funds_demo_fill (contracts and the escrow ledger). They run in this
 * order inside demo.c's one write transaction, after the district's people are written.
 *
 * demo.c keeps a compact roster in memory as it writes the people: every school with its slice
 * of pupils and teachers, every pupil with its one guardian and its grade. The modules read
 * that roster instead of querying a million pupils back at city scale. Each module draws its
 * numbers from its own stream (demo_stream with a salt of its own), so what one module makes
 * does not change when another changes. Dates are relative to `today`, so a demo made on any
 * day shows the current term under way.
 *
 * The roster is owned by demo.c and lives until demo_fill returns; modules only read it,
 * except for the few fields a module sets for the next one (the vetted provider).
 */
#ifndef SJ_DEMO_H
#define SJ_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "clock.h"

enum { DEMO_SMALL = 0, DEMO_DISTRICT = 1, DEMO_CITY = 2 };

typedef struct {
    int64_t id;
    int64_t guardian_id; /* the pupil's one demo guardian (a user) */
    int32_t school;      /* index into demo_ctx.schools */
    int32_t grade;       /* 1..9 */
} demo_pupil;

typedef struct {
    int64_t id;
    int32_t grade; /* the grade whose classes the teacher teaches */
} demo_teacher;

typedef struct {
    int64_t id;
    int64_t admin_id; /* the school's admin (school_admin) */
    bool rural;
    size_t pupil0, npupils;     /* its pupils: pupils[pupil0 .. pupil0 + npupils), by grade */
    size_t teacher0, nteachers; /* its teachers (role teacher), by grade: teachers[teacher0 ...] */
} demo_school;

typedef struct demo_ctx {
    int64_t district_id;
    int scale; /* DEMO_SMALL, DEMO_DISTRICT or DEMO_CITY */
    uint64_t seed;
    char today[11];            /* today_local(), YYYY-MM-DD */
    const char *password_hash; /* every demo account's password hash (one Argon2id) */
    int64_t admin_id, inspector_id, teacher1_id, parent1_id;
    size_t parent1_pupil; /* parent1's child: an index into pupils */
    int64_t school1_id;

    demo_school *schools;
    size_t nschools;
    demo_pupil *pupils;
    size_t npupils;
    demo_teacher *teachers;
    size_t nteachers;

    /* Set by training_demo_fill for afterschool_demo_fill: the institution the district vetted
     * as an after-school provider (AS-4); 0 when there is none. */
    int64_t vendor_institution_id;
    char vendor_name[160];
    char vendor_uscc[19];
} demo_ctx;

/* xorshift64: a small, fast, seeded stream (never 0 once seeded with a non-zero state). */
static inline uint64_t demo_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A module's own stream: the same for the same seed and salt. */
static inline uint64_t demo_stream(const demo_ctx *ctx, uint64_t salt)
{
    uint64_t s = (ctx->seed ^ (salt * 0x9E3779B97F4A7C15ull)) | 1u;
    for (int i = 0; i < 4; i++)
        demo_rand(&s);
    return s;
}

/* An integer in [0, n), n > 0. */
static inline uint64_t demo_below(uint64_t *s, uint64_t n)
{
    return demo_rand(s) % n;
}

/* The unix time of DATE at HH:MM in the district (+08:00). */
static inline int64_t demo_unix(const char *date, int minutes)
{
    return date_unix(date, minutes);
}

#endif
