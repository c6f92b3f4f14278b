/*
 * exams.h: the exams module's contract: exam plans checked against EX-1..EX-3, scores turned
 * into bands by EX-4's thresholds, and the HTTP routes.
 *
 * EX-4 holds everywhere: no answer of this module carries a score, a rank, a position or an
 * order by score. Results come in student_no order whatever the query string says; a guardian
 * sees only their own children.
 *
 * Rules (rules.c) are pure; store.c holds the SQL; api.c the handlers. Creating a plan checks
 * EX-2's counts and inserts in one write transaction that serialises on (school, grade, term).
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
    int scope;          /* index in exams_scopes */
    int finals;         /* plans of this kind already in the term that overlap (EX-2) */
    int midterms;
} ex_plan;

typedef struct {
    bool ok;
    const char *rule;   /* EX-1 | EX-2 | EX-3 when refused */
    int limit;          /* EX-2: how many the term may hold */
    int existing;       /* EX-2: how many it holds */
} ex_verdict;

ex_verdict exams_check_plan(const policy *pol, const ex_plan *p);

/* EX-3: a kind the policy names as refused ("monthly", "regional", "cross_school"). */
bool exams_kind_refused(const policy *pol, const char *kind);

/* EX-4: the band of a score (in tenths of a mark) out of full_marks; thresholds are percentages
 * of full marks. Borrowed string from the policy; "D" when nothing else fits. */
const char *exams_band(const policy *pol, int64_t score_tenths, int64_t full_marks);

/* A lock key for (school, grade, term): negative, so it never equals a class-day key of the
 * same lock namespace (homework.h). */
int64_t exams_lock_key(int64_t school_id, int grade, const char *term);

const route *exams_routes(size_t *n);

#endif
