/*
 * rules.c: the exam rules as pure functions: EX-1 (no paper exams in grades 1-2), EX-2 (one
 * final a term; a midterm only in junior high), EX-3 (no monthly, regional or cross-school
 * exams for non-graduating grades), EX-4 (bands by thresholds, never scores or ranks).
 *
 * Entry points: exams_check_plan, exams_kind_refused, exams_band, exams_lock_key. Numbers come
 * from the policy; the fallbacks here are the national defaults.
 */
#include <string.h>

#include "exams/exams.h"

const char *const exams_kinds[] = {"final", "midterm", "quiz", NULL};
const char *const exams_scopes[] = {"school", "regional", "cross_school", NULL};

static bool int_in(const json_t *arr, int v)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        if (json_is_integer(x) && json_integer_value(x) == v)
            return true;
    }
    return false;
}

static bool str_in(const json_t *arr, const char *s)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        if (json_is_string(x) && strcmp(json_string_value(x), s) == 0)
            return true;
    }
    return false;
}

bool exams_kind_refused(const policy *pol, const char *kind)
{
    const json_t *list = policy_get(pol, "EX-3", "refused_kinds");
    if (!kind)
        return false;
    if (json_is_array(list))
        return str_in(list, kind);
    return strcmp(kind, "monthly") == 0 || strcmp(kind, "regional") == 0 ||
           strcmp(kind, "cross_school") == 0;
}

ex_verdict exams_check_plan(const policy *pol, const ex_plan *p)
{
    ex_verdict v = {.ok = true, .rule = NULL, .limit = 0, .existing = 0};
    /* EX-3: exams beyond the school only for graduating grades */
    if (p->scope != 0) {
        const json_t *grad = policy_get(pol, "EX-3", "graduating_grades");
        bool graduating = json_is_array(grad) ? int_in(grad, p->grade) : (p->grade == 6 || p->grade == 9);
        if (!graduating && exams_kind_refused(pol, exams_scopes[p->scope])) {
            v.ok = false;
            v.rule = "EX-3";
            return v;
        }
    }
    /* EX-1: no paper-and-pencil exams in grades 1-2, of any kind */
    const json_t *g12 = policy_get(pol, "EX-1", "grades");
    bool early = json_is_array(g12) ? int_in(g12, p->grade) : p->grade <= 2;
    if (p->paper && early && policy_int(pol, "EX-1", "paper_exams", 0) <= 0) {
        v.ok = false;
        v.rule = "EX-1";
        return v;
    }
    /* EX-2: one final a term; a midterm only where the policy allows one (grades 7-9) */
    if (p->kind == EX_FINAL) {
        v.limit = (int)policy_int(pol, "EX-2", "finals_per_term", 1);
        v.existing = p->finals;
    } else if (p->kind == EX_MIDTERM) {
        bool junior = p->grade >= 7;
        v.limit = (int)policy_int(pol, "EX-2", junior ? "midterms_per_term_grades_7_9" : "midterms_per_term_other",
                                  junior ? 1 : 0);
        v.existing = p->midterms;
    } else {
        return v; /* a class quiz is not a term exam */
    }
    if (v.existing >= v.limit) {
        v.ok = false;
        v.rule = "EX-2";
    }
    return v;
}

const char *exams_band(const policy *pol, int64_t score_tenths, int64_t full_marks)
{
    const json_t *bands = policy_get(pol, "EX-4", "bands");
    const char *lowest = "D";
    size_t i;
    json_t *b;
    /* the first band whose minimum the score reaches, in the policy's order (highest first) */
    json_array_foreach(bands, i, b) {
        const json_t *name = json_object_get(b, "band"), *min = json_object_get(b, "min");
        if (!json_is_string(name) || !json_is_integer(min))
            continue;
        lowest = json_string_value(name);
        if (score_tenths * 100 >= json_integer_value(min) * full_marks * 10)
            return json_string_value(name);
    }
    return lowest;
}

int64_t exams_lock_key(int64_t school_id, int grade, const char *term)
{
    int64_t year = 0;
    for (int i = 0; i < 4 && term[i] >= '0' && term[i] <= '9'; i++)
        year = year * 10 + (term[i] - '0');
    int64_t autumn = strstr(term, "autumn") != NULL;
    return -(((school_id * 10 + grade) * 4096) + (year % 2048) * 2 + autumn) - 1;
}
