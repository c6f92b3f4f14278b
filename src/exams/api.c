/*
 * api.c: the exams module's HTTP handlers and route table.
 *
 *   POST   /api/v1/exams                  a plan, checked against EX-1..EX-3 (school admin,
 *                                         or the grade's leader)
 *   GET    /api/v1/exams?school_id&grade&term   plans of a school (its staff)
 *   GET    /api/v1/exams/{id}             one plan
 *   DELETE /api/v1/exams/{id}             cancel a plan that has no scores yet
 *   POST   /api/v1/exams/{id}/scores      scores by the grade's teachers, stored with their band
 *   GET    /api/v1/exams/{id}/results     bands: staff see their classes, guardians their
 *                                         own children; student_no order, always
 *   GET    /api/v1/students/{id}/exams    one pupil's bands (their guardian, school staff)
 *
 * EX-4: no answer carries a score, rank or position, and no query parameter changes the order:
 * the handlers read none but paging.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "exams/exams_int.h"

#define EX_MAX_SCORES 2000

#define STAFF_ROLES                                                                                \
    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_SCHOOL_ADMIN) |      \
     ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_TEACHER))
#define TEACHING_ROLES                                                                             \
    (ROLE_BIT(ROLE_TEACHER) | ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_SCHOOL_ADMIN))

static bool leads_grade(const user *u, int64_t school_id, int grade)
{
    if (auth_school_admin(u, school_id))
        return true;
    for (int i = 0; i < u->nroles; i++)
        if (u->roles[i].kind == ROLE_GRADE_LEADER && u->roles[i].school_id == school_id &&
            u->roles[i].grade == grade)
            return true;
    return false;
}

static bool staff_of(req *r, const ex_exam *e)
{
    return e->district_id == r->user->district_id && auth_school_staff(r->user, e->school_id);
}

/* Loads a live plan; false after replying 404/500. */
static bool exam_or_reply(req *r, int64_t id, ex_exam *e)
{
    int rc = ex_store_exam(r->db, id, e);
    if (rc != DB_ROW || e->cancelled) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

/* ---------- plans ---------- */

static void h_create(req *r)
{
    int64_t school_id, grade, full_marks = 100;
    const char *term, *kind_s, *date, *subject = NULL, *name = NULL;
    bool paper = false;
    int scope = 0;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, true, &school_id) ||
        !body_int_or_reply(r, "grade", 1, 9, true, &grade) ||
        !body_str_or_reply(r, "term", 11, true, &term) ||
        !body_str_or_reply(r, "kind", 20, true, &kind_s) ||
        !body_bool_or_reply(r, "paper", true, &paper) ||
        !body_date_or_reply(r, "date", true, &date) ||
        !body_str_or_reply(r, "subject", 20, false, &subject) ||
        !body_str_or_reply(r, "name", 50, false, &name) ||
        !body_int_or_reply(r, "full_marks", 1, 1000, false, &full_marks) ||
        !body_enum_or_reply(r, "scope", exams_scopes, false, &scope))
        return;
    if (!term_valid(term)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    verdict v = exams_check_kind(r->pol, kind_s, (int)grade);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    int kind = -1;
    for (int i = 0; exams_kinds[i]; i++)
        if (strcmp(exams_kinds[i], kind_s) == 0)
            kind = i;
    if (kind < 0) {
        reply_err_detail(
            r, SJ_ERR_BAD_FIELD,
            json_pack("{s:s,s:[sss]}", "field", "kind", "allowed", "final", "midterm", "quiz"));
        return;
    }
    if (!auth_school_staff_or_reply(r, school_id))
        return;
    if (!leads_grade(r->user, school_id, (int)grade)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    char first[11], last[11];
    int rc = calendar_term_bounds(r->db, r->user->district_id, term, first, last);
    if (rc != DB_ROW) {
        reply_db(r, rc);
        return;
    }
    if (strcmp(date, first) < 0 || strcmp(date, last) > 0) {
        v = verdict_err(SJ_ERR_BAD_FIELD, "exams.date_outside_term");
        verdict_str(&v, "field", "date");
        verdict_str(&v, "term_first_day", first);
        verdict_str(&v, "term_last_day", last);
        reply_verdict(r, &v, NULL);
        return;
    }
    const char *subj = subject ? subject : "";
    if (!name)
        name = req_printf(r, "%s%s%s", term, subj,
                          kind == EX_FINAL     ? "期末"
                          : kind == EX_MIDTERM ? "期中"
                                               : "测验");
    ex_plan_in in = {.district_id = r->user->district_id,
                     .school_id = school_id,
                     .full_marks = full_marks,
                     .actor = r->user->id,
                     .grade = (int)grade,
                     .scope = scope,
                     .kind = (ex_kind)kind,
                     .paper = paper,
                     .term = term,
                     .date = date,
                     .subject = subj,
                     .name = name};
    int64_t id = 0;
    v = exams_plan_create(r->db, r->pol, &in, &id);
    ex_exam e;
    if (verdict_is_ok(&v) && ex_store_exam(r->db, id, &e) != DB_ROW)
        v = verdict_err(SJ_ERR_INTERNAL, NULL);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201, ex_store_exam_json(&e));
}

static void h_list(req *r)
{
    int64_t school_id, grade, limit, offset;
    const char *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id) ||
        !req_query_int64_or_reply(r, "grade", 0, &grade) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    if (!school_id) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "school_id");
        return;
    }
    if ((term && !term_valid(term)) || grade < 0 || grade > 9) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, term && !term_valid(term) ? "term" : "grade");
        return;
    }
    if (!auth_school_staff_or_reply(r, school_id))
        return;
    reply_page(r, ex_store_plans(r->db, school_id, (int)grade, term, limit, offset));
}

static void h_get(req *r)
{
    ex_exam e;
    if (!exam_or_reply(r, r->params[0], &e))
        return;
    if (!staff_of(r, &e) && !ex_store_guardian_in_grade(r->db, r->user->id, &e)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    reply_json(r, 200, ex_store_exam_json(&e));
}

static void h_cancel(req *r)
{
    ex_exam e;
    if (!exam_or_reply(r, r->params[0], &e))
        return;
    if (e.district_id != r->user->district_id || !leads_grade(r->user, e.school_id, e.grade)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    verdict v = exams_plan_cancel(r->db, e.id, e.school_id, e.grade, e.term);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_empty(r, 204);
}

/* ---------- scores ---------- */

/* One score's refusal: the field, the position in the list, and the words of msg. */
static void reply_score_err(req *r, sj_err e, size_t index, const char *field, const char *msg,
                            int64_t full_marks)
{
    verdict v = verdict_err(e, msg);
    verdict_str(&v, "field", field);
    verdict_num(&v, "index", (int64_t)index);
    if (full_marks)
        verdict_num(&v, "full_marks", full_marks);
    reply_verdict(r, &v, NULL);
}

static void h_scores(req *r)
{
    ex_exam e;
    if (!exam_or_reply(r, r->params[0], &e))
        return;
    if (!staff_of(r, &e)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (!body_require_object_or_reply(r))
        return;
    json_t *arr = json_object_get(r->body, "scores");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n == 0 || n > EX_MAX_SCORES) {
        reply_err_field(r, arr ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "scores");
        return;
    }
    bool leader = leads_grade(r->user, e.school_id, e.grade);
    const char *subject = e.subject[0] ? e.subject : NULL;
    ex_score_in *in = req_alloc(r, n * sizeof *in);
    /* everything is checked before anything is written */
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, i), *sid = json_object_get(o, "student_id"),
               *sc = json_object_get(o, "score");
        if (!json_is_object(o) || !json_is_integer(sid) || json_integer_value(sid) <= 0) {
            reply_score_err(r, SJ_ERR_BAD_FIELD, i, "student_id", "exams.no_student", 0);
            return;
        }
        double v = json_is_number(sc) ? json_number_value(sc) : -1;
        double t = round(v * 10);
        if (!json_is_number(sc) || v < 0 || v > (double)e.full_marks || fabs(v * 10 - t) > 1e-6) {
            reply_score_err(r, SJ_ERR_BAD_FIELD, i, "score", "exams.score_range", e.full_marks);
            return;
        }
        ex_student p;
        int rc = ex_store_student(r->db, json_integer_value(sid), &p);
        if (rc != DB_ROW && rc != DB_DONE) {
            reply_err(r, SJ_ERR_INTERNAL);
            return;
        }
        if (rc == DB_DONE || p.school_id != e.school_id || p.grade != e.grade) {
            reply_score_err(r, SJ_ERR_BAD_FIELD, i, "student_id", "exams.not_in_grade", 0);
            return;
        }
        for (size_t j = 0; j < i; j++)
            if (in[j].student_id == p.id) {
                reply_score_err(r, SJ_ERR_BAD_FIELD, i, "student_id", "exams.twice", 0);
                return;
            }
        if (!leader && !auth_teaches(r, p.class_id, subject)) {
            reply_score_err(r, SJ_ERR_FORBIDDEN, i, "student_id", "exams.not_teaching", 0);
            return;
        }
        in[i] = (ex_score_in){.student_id = p.id, .class_id = p.class_id, .tenths = (int64_t)t};
    }
    verdict v = exams_scores_put(r->db, r->pol, e.id, e.full_marks, in, n, r->user->id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = e.id;
    reply_empty(r, 204);
}

/* ---------- results: bands only ---------- */

static void h_results(req *r)
{
    ex_exam e;
    int64_t limit, offset;
    if (!exam_or_reply(r, r->params[0], &e) || !req_paging_or_reply(r, &limit, &offset))
        return;
    /* who sees whom: the school's leaders every pupil of the grade, a teacher the classes they
     * teach, a guardian their own children; the order is student_no, always */
    bool leader = leads_grade(r->user, e.school_id, e.grade);
    ex_see who = !staff_of(r, &e)                         ? EX_SEE_OWN
                 : leader || auth_district_staff(r->user) ? EX_SEE_GRADE
                                                          : EX_SEE_TAUGHT;
    json_t *page = ex_store_results(r->db, &e, who, r->user->id, limit, offset);
    if (!page) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    if (who == EX_SEE_OWN && json_integer_value(json_object_get(page, "total")) == 0) {
        json_decref(page);
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (who == EX_SEE_GRADE && !leader)
        audit_record(r, "read exam results", "exam", e.id, "district staff, outside own classes");
    json_object_set_new(page, "exam_id", json_integer(e.id));
    json_object_set_new(page, "rule", json_string("EX-4"));
    reply_json(r, 200, page);
}

static void h_student_exams(req *r)
{
    int64_t student_id = r->params[0], limit, offset;
    ex_student p;
    int rc = ex_store_student(r->db, student_id, &p);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    bool staff = ex_store_student_district(r->db, student_id) == r->user->district_id &&
                 auth_school_staff(r->user, p.school_id);
    if (!staff && !auth_guardian_of(r, student_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    reply_page(r, ex_store_student_bands(r->db, student_id, limit, offset));
}

static const route routes[] = {
    {"POST", "/api/v1/exams", h_create, "exams:plan",
     ROLE_BIT(ROLE_SCHOOL_ADMIN) | ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_DISTRICT_ADMIN), 0},
    {"GET", "/api/v1/exams", h_list, "exams:list", STAFF_ROLES, 0},
    {"GET", "/api/v1/exams/{id}", h_get, PERM_USER, 0, 0},
    {"DELETE", "/api/v1/exams/{id}", h_cancel, "exams:plan",
     ROLE_BIT(ROLE_SCHOOL_ADMIN) | ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_DISTRICT_ADMIN), 0},
    {"POST", "/api/v1/exams/{id}/scores", h_scores, "exams:score", TEACHING_ROLES, 0},
    {"GET", "/api/v1/exams/{id}/results", h_results, PERM_USER, 0, 0},
    {"GET", "/api/v1/students/{id}/exams", h_student_exams, PERM_USER, 0, 0},
};

const route *exams_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
