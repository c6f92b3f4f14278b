/*
 * rules.c: the exam rules as pure functions: EX-1 (no paper exams in grades 1-2), EX-2 (one
 * final a term; a midterm only in junior high), EX-3 (no monthly, regional or cross-school
 * exams for non-graduating grades), EX-4 (bands by thresholds, never scores or ranks).
 *
 * Entry points: exams_check_kind, exams_check_plan, exams_kind_refused, exams_band, exams_lock_key.
 * Numbers come from the typed policy (policy.h).
 */
#include <string.h>

#include "exams/exams.h"

const char *const exams_kinds[] = {"final", "midterm", "quiz", NULL};
const char *const exams_scopes[] = {"school", "regional", "cross_school", NULL};

bool exams_kind_refused(const policy *pol, const char *kind)
{
    return policy_strs_has(&policy_v(pol)->ex3_refused_kinds, kind);
}

verdict exams_check_kind(const policy *pol, const char *kind, int grade)
{
    if (!exams_kind_refused(pol, kind))
        return verdict_ok();
    verdict v = verdict_rule("exam_not_allowed", "EX-3", NULL);
    verdict_str(&v, "kind", kind);
    verdict_num(&v, "grade", grade);
    return v;
}

verdict exams_check_plan(const policy *pol, const ex_plan *p)
{
    verdict v = verdict_ok();
    const policy_values *pv = policy_v(pol);
    /* EX-3: exams beyond the school only for graduating grades */
    if (p->scope != 0) {
        bool graduating = policy_grade_in(pv->ex3_graduating_grades, p->grade);
        if (!graduating && exams_kind_refused(pol, exams_scopes[p->scope])) {
            v = verdict_rule("exam_not_allowed", "EX-3", "EX-3.scope");
            goto numbers;
        }
    }
    /* EX-1: no paper-and-pencil exams in grades 1-2, of any kind */
    if (p->paper && policy_grade_in(pv->ex1_grades, p->grade) && pv->ex1_paper_exams <= 0) {
        v = verdict_rule("exam_not_allowed", "EX-1", NULL);
        goto numbers;
    }
    /* EX-2: one final a term; a midterm only where the policy allows one (grades 7-9) */
    int limit, existing;
    const char *msg;
    if (p->kind == EX_FINAL) {
        limit = (int)pv->ex2_finals_per_term;
        existing = p->finals;
        msg = "EX-2.final";
    } else if (p->kind == EX_MIDTERM) {
        bool junior = p->grade >= 7;
        limit =
            (int)(junior ? pv->ex2_midterms_per_term_grades_7_9 : pv->ex2_midterms_per_term_other);
        existing = p->midterms;
        msg = limit == 0 ? "EX-2.no_midterm" : "EX-2.midterm";
    } else {
        return v; /* a class quiz is not a term exam */
    }
    if (existing < limit)
        return v;
    v = verdict_rule("exam_not_allowed", "EX-2", msg);
    verdict_num(&v, "limit", limit);
    verdict_num(&v, "existing", existing);
numbers:
    verdict_num(&v, "grade", p->grade);
    verdict_str(&v, "kind", exams_kinds[p->kind]);
    verdict_bool(&v, "paper", p->paper);
    verdict_str(&v, "scope", exams_scopes[p->scope]);
    return v;
}

const char *exams_band(const policy *pol, int64_t score_tenths, int64_t full_marks)
{
    const policy_bands *bands = &policy_v(pol)->ex4_bands;
    /* the first band whose minimum the score reaches, in the policy's order (highest first);
     * the last band's minimum is 0 (policy.c checks it), so every score has a band */
    for (int i = 0; i < bands->n; i++)
        if (score_tenths * 100 >= (int64_t)bands->v[i].min * full_marks * 10)
            return bands->v[i].band;
    return bands->v[bands->n - 1].band;
}

int64_t exams_lock_key(int64_t school_id, int grade, const char *term)
{
    int64_t year = 0;
    for (int i = 0; i < 4 && term[i] >= '0' && term[i] <= '9'; i++)
        year = year * 10 + (term[i] - '0');
    int64_t autumn = strstr(term, "autumn") != NULL;
    return -(((school_id * 10 + grade) * 4096) + (year % 2048) * 2 + autumn) - 1;
}
