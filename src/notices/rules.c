/*
 * rules.c: the notices module's pure decisions: who may reach whom (the sender's roles against
 * the audience asked), NT-1's reminders a day, NT-2's score range and low-score flag, and an
 * attachment's type by its first bytes.
 *
 * Entry points: notices_audience_resolve, notices_check_remind, notices_check_score,
 * notices_eval_flagged, notices_attachment_type. Numbers come from the typed policy (policy.h).
 */
#include <string.h>

#include "notices/notices.h"

const char *const notices_roles[] = {"guardian", "teacher", "grade_leader", "school_admin", NULL};

/* How narrow a refusal's scope is: the narrowest role the sender holds says why. */
enum { SCOPE_NONE = 0, SCOPE_TEACHER, SCOPE_GRADE, SCOPE_SCHOOL };

static bool schools_within(const nt_audience *a, int64_t school_id)
{
    for (size_t i = 0; i < a->nschools; i++)
        if (a->schools[i] != school_id)
            return false;
    return true;
}

static bool add_target(nt_resolved *out, int64_t school_id, int grade, int64_t class_id)
{
    if (out->ntargets >= out->cap)
        return false;
    out->targets[out->ntargets++] =
        (nt_target){.school_id = school_id, .class_id = class_id, .grade = grade};
    return true;
}

/* Targets for schools x grades (or one class): the district's and a school admin's shape. */
static bool add_cross(nt_resolved *out, const nt_audience *a, const int64_t *schools,
                      size_t nschools)
{
    if (a->cls.class_id)
        return add_target(out, a->cls.school_id, a->cls.grade, a->cls.class_id);
    static const int64_t any_school = 0;
    if (nschools == 0) {
        schools = &any_school;
        nschools = 1;
    }
    for (size_t i = 0; i < nschools; i++) {
        if (!a->grades) {
            if (!add_target(out, schools[i], 0, 0))
                return false;
            continue;
        }
        for (int g = 1; g <= 9; g++)
            if ((a->grades >> g) & 1u)
                if (!add_target(out, schools[i], g, 0))
                    return false;
    }
    return true;
}

/* One role of the sender against the audience: true with out filled when it covers it. */
static bool covers(const role *ro, const nt_audience *a, const nt_class *taught, size_t ntaught,
                   nt_resolved *out)
{
    out->ntargets = 0;
    out->roles = a->roles;
    out->as = ro->kind;
    switch (ro->kind) {
    case ROLE_DISTRICT_ADMIN:
        out->school_id = a->cls.class_id ? a->cls.school_id : a->nschools == 1 ? a->schools[0] : 0;
        return add_cross(out, a, a->schools, a->nschools);
    case ROLE_SCHOOL_ADMIN:
        if (!schools_within(a, ro->school_id) ||
            (a->cls.class_id && a->cls.school_id != ro->school_id))
            return false;
        out->school_id = ro->school_id;
        return add_cross(out, a, &ro->school_id, 1);
    case ROLE_GRADE_LEADER: {
        unsigned own = 1u << ro->grade;
        if (a->public_ || !schools_within(a, ro->school_id) || (a->grades & ~own) ||
            (a->roles & ~(unsigned)(NT_TO_GUARDIAN | NT_TO_TEACHER)) || !a->roles)
            return false;
        if (a->cls.class_id && (a->cls.school_id != ro->school_id || a->cls.grade != ro->grade))
            return false;
        out->school_id = ro->school_id;
        return add_target(out, ro->school_id, ro->grade, a->cls.class_id);
    }
    case ROLE_TEACHER:
        if (a->public_ || a->roles != NT_TO_GUARDIAN || !schools_within(a, ro->school_id))
            return false;
        out->school_id = ro->school_id;
        for (size_t i = 0; i < ntaught; i++) {
            const nt_class *k = &taught[i];
            if (k->school_id != ro->school_id)
                continue;
            if (a->cls.class_id ? k->class_id != a->cls.class_id
                                : a->grades && !((a->grades >> k->grade) & 1u))
                continue;
            if (!add_target(out, k->school_id, k->grade, k->class_id))
                return false;
        }
        return out->ntargets > 0;
    default:
        return false;
    }
}

verdict notices_audience_resolve(const user *sender, const nt_audience *a, const nt_class *taught,
                                 size_t ntaught, nt_resolved *out)
{
    /* the class must lie inside the schools and grades named with it */
    if (a->cls.class_id && ((a->grades && !((a->grades >> a->cls.grade) & 1u)) ||
                            (a->nschools && !schools_within(a, a->cls.school_id)))) {
        verdict v = verdict_err(SJ_ERR_BAD_FIELD, "notices.class_mismatch");
        verdict_str(&v, "field", "audience");
        return v;
    }
    /* the broadest role first: a user who is a school admin and a teacher sends as the admin */
    static const role_kind order[] = {ROLE_DISTRICT_ADMIN, ROLE_SCHOOL_ADMIN, ROLE_GRADE_LEADER,
                                      ROLE_TEACHER};
    int narrowest = SCOPE_NONE;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
        for (int i = 0; i < sender->nroles; i++) {
            const role *ro = &sender->roles[i];
            if (ro->kind != order[k])
                continue;
            if (covers(ro, a, taught, ntaught, out))
                return verdict_ok();
            int scope = ro->kind == ROLE_SCHOOL_ADMIN   ? SCOPE_SCHOOL
                        : ro->kind == ROLE_GRADE_LEADER ? SCOPE_GRADE
                        : ro->kind == ROLE_TEACHER      ? SCOPE_TEACHER
                                                        : SCOPE_NONE;
            if (narrowest == SCOPE_NONE || scope > narrowest)
                narrowest = scope;
        }
    out->ntargets = 0;
    verdict v;
    if (a->public_ && narrowest != SCOPE_NONE && narrowest != SCOPE_SCHOOL)
        v = verdict_err(SJ_ERR_FORBIDDEN, "notices.scope.public");
    else if (narrowest == SCOPE_SCHOOL)
        v = verdict_err(SJ_ERR_FORBIDDEN, "notices.scope.school");
    else if (narrowest == SCOPE_GRADE)
        v = verdict_err(SJ_ERR_FORBIDDEN, "notices.scope.grade");
    else if (narrowest == SCOPE_TEACHER)
        v = verdict_err(SJ_ERR_FORBIDDEN, "notices.scope.teacher");
    else
        v = verdict_err(SJ_ERR_FORBIDDEN, "notices.scope.none");
    verdict_str(&v, "field", "audience");
    return v;
}

verdict notices_check_remind(const policy *pol, int64_t today)
{
    int64_t max = policy_v(pol)->nt1_reminders_per_day;
    if (today < max)
        return verdict_ok();
    verdict v = verdict_rule("reminded_today", "NT-1", "NT-1.remind");
    verdict_num(&v, "reminders_per_day", max);
    verdict_num(&v, "reminders_today", today);
    return v;
}

verdict notices_check_score(const policy *pol, int64_t score)
{
    const policy_values *pv = policy_v(pol);
    if (score >= pv->nt2_score_min && score <= pv->nt2_score_max)
        return verdict_ok();
    verdict v = verdict_refuse(SJ_ERR_BAD_FIELD, NULL, "NT-2", "NT-2.score");
    verdict_str(&v, "field", "score");
    verdict_num(&v, "min", pv->nt2_score_min);
    verdict_num(&v, "max", pv->nt2_score_max);
    return v;
}

bool notices_eval_flagged(const policy *pol, int64_t count, int64_t sum)
{
    const policy_values *pv = policy_v(pol);
    return count > 0 && count >= pv->nt2_flag_min_evaluations &&
           sum < pv->nt2_flag_average_below * count;
}

const char *notices_attachment_type(const char *data, size_t len)
{
    const unsigned char *d = (const unsigned char *)data;
    if (len >= 5 && memcmp(d, "%PDF-", 5) == 0)
        return "application/pdf";
    if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return "image/jpeg";
    return NULL;
}
