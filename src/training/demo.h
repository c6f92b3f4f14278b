/*
 * demo.h: the training module's part of `shuangjian demo` (demo.c), called by src/app/demo.c
 * inside its one write transaction. Only the demo orchestration includes this header; the
 * module's contract (training.h) knows nothing of the demo.
 */
#ifndef SJ_TRAINING_DEMO_H
#define SJ_TRAINING_DEMO_H

#include "core/demo.h"
#include "training/training.h"

/* What funds_demo_fill does with a course's institution. */
enum {
    TRAINING_DEMO_NORMAL = 0, /* families sign, pay and take lessons week after week */
    TRAINING_DEMO_FEW,        /* the same, fewer families */
    TRAINING_DEMO_RISKY,      /* families keep paying while the lessons stop (FU-4, FU-5) */
    TRAINING_DEMO_SUSPEND,    /* the inspector suspends it: every open contract refunded */
    TRAINING_DEMO_NONE,       /* takes no contracts (black-listed) */
};

typedef struct {
    int64_t id, institution_id;
    int64_t admin_id; /* the institution's admin account (records lessons) */
    int plan;         /* TRAINING_DEMO_* */
    bool subject_based, online;
    int lesson_minutes;
    int64_t price_per_lesson_fen;
    int grade_lo, grade_hi; /* the pupils it is for */
    int slot_start[8];      /* [weekday 1..7]: a lesson's start (minutes), -1 when none */
} training_demo_course;

/*
 * The demo district's institutions (subject and non-subject, white-listed, one black-listed,
 * one to be suspended, one risky, the vetted after-school provider named in ctx->vendor_*),
 * their admin accounts (org1 for the first), staff, inspections and courses, checked by the
 * rules above. Inside the caller's write transaction. OUT: *courses (heap, the caller frees),
 * *ncourses, a one-line summary. Returns DB_DONE or an error.
 */
int training_demo_fill(db_conn *c, const app *a, demo_ctx *ctx, training_demo_course **courses,
                       size_t *ncourses, char *summary, size_t len);

#endif
