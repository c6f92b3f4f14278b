/*
 * exams.h: the exams module's contract: exam plans checked against EX-1..EX-3, scores turned
 * into bands by EX-4's thresholds, and the HTTP routes.
 *
 * EX-4 holds everywhere: no answer of this module carries a score, a rank, a position or an
 * order by score. Results come in student_no order whatever the query string says; a guardian
 * sees only their own children.
 *
 * The module's parts: rules.c (pure: policy and numbers in, verdict out), store.c (all of its
 * SQL; each write is one exams_<action>() that owns its transaction and returns a verdict),
 * api.c (handlers: parse, authorise, call the store, reply). Creating a plan checks EX-2's
 * counts and inserts in one write transaction that serialises on (school, grade, term).
 */
#ifndef SJ_EXAMS_H
#define SJ_EXAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/app.h"
#include "core/policy.h"

typedef enum { EX_FINAL = 0, EX_MIDTERM, EX_QUIZ } ex_kind;
extern const char *const exams_kinds[];  /* "final", "midterm", "quiz", NULL */
extern const char *const exams_scopes[]; /* "school", "regional", "cross_school", NULL */

typedef struct {
    int grade;
    ex_kind kind;
    bool paper;
    int scope;  /* index in exams_scopes */
    int finals; /* plans of this kind already in the term that overlap (EX-2) */
    int midterms;
} ex_plan;

/* EX-1..EX-3 for one plan: exam_not_allowed with the rule that refused it and, for EX-2,
 * "limit" (how many the term may hold) and "existing" (how many it holds). */
verdict exams_check_plan(const policy *pol, const ex_plan *p);

/* EX-3: a kind the policy names as refused ("monthly", "regional", "cross_school"). */
bool exams_kind_refused(const policy *pol, const char *kind);
/* The same as a verdict: exam_not_allowed (EX-3) with the kind and grade. */
verdict exams_check_kind(const policy *pol, const char *kind, int grade);

/* EX-4: the band of a score (in tenths of a mark) out of full_marks; thresholds are percentages
 * of full marks. Borrowed string from the policy; "D" when nothing else fits. */
const char *exams_band(const policy *pol, int64_t score_tenths, int64_t full_marks);

/* A lock key for (school, grade, term): negative, so it never equals a class-day key of the
 * same lock namespace (homework.h). */
int64_t exams_lock_key(int64_t school_id, int grade, const char *term);

/* ---------- writes (store.c): each owns its transaction ---------- */

typedef struct {
    int64_t district_id, school_id, full_marks, actor;
    int grade, scope; /* scope: index in exams_scopes */
    ex_kind kind;
    bool paper;
    const char *term, *date, *subject, *name; /* subject "" = the whole grade */
} ex_plan_in;

/* A plan, after EX-1..EX-3 and EX-2's counts under the (school, grade, term) lock. OUT: id. */
verdict exams_plan_create(db_conn *c, const policy *pol, const ex_plan_in *in, int64_t *id);
/* Cancels a plan that has no scores yet (409 otherwise, "exams.cancel_scored"). */
verdict exams_plan_cancel(db_conn *c, int64_t exam_id, int64_t school_id, int grade,
                          const char *term);

typedef struct {
    int64_t student_id, class_id;
    int64_t tenths; /* the score in tenths of a mark */
} ex_score_in;

/* Every score of one exam stored with its band (EX-4), all or none. */
verdict exams_scores_put(db_conn *c, const policy *pol, int64_t exam_id, int64_t full_marks,
                         const ex_score_in *scores, size_t n, int64_t actor);

const route *exams_routes(size_t *n);

#endif
