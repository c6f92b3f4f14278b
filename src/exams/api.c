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

#define STAFF_ROLES                                                                        \
    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_SCHOOL_ADMIN) | \
     ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_TEACHER))
#define TEACHING_ROLES \
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

static void reply_field_msg(req *r, sj_err e, const char *field, const char *zh, const char *en)
{
    reply_err_detail(r, e, json_pack("{s:s,s:s}", "field", field, "message", r->english ? en : zh));
}

/* ---------- plans ---------- */

static void refuse(req *r, const char *rule, const char *zh, const char *en, json_t *extra)
{
    reply_rule(r, "exam_not_allowed", rule, zh, en, extra);
}

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
    const policy *pol = r->pol;
    if (exams_kind_refused(pol, kind_s)) {
        refuse(r, "EX-3", "不得组织月考等考试,不得组织非毕业年级的区域性或跨校考试(EX-3)",
               "No monthly exams, and no regional or cross-school exams for non-graduating grades (EX-3)",
               json_pack("{s:s,s:I}", "kind", kind_s, "grade", (json_int_t)grade));
        return;
    }
    int kind = -1;
    for (int i = 0; exams_kinds[i]; i++)
        if (strcmp(exams_kinds[i], kind_s) == 0)
            kind = i;
    if (kind < 0) {
        reply_err_detail(r, SJ_ERR_BAD_FIELD,
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
        reply_err_detail(r, SJ_ERR_BAD_FIELD,
                         json_pack("{s:s,s:s,s:s,s:s}", "field", "date", "term_first_day", first,
                                   "term_last_day", last, "message",
                                   r->english ? "The date is not inside the term" : "考试日期不在该学期内"));
        return;
    }
    const char *subj = subject ? subject : "";
    if (!name)
        name = req_printf(r, "%s%s%s", term, subj, kind == EX_FINAL ? "期末" : kind == EX_MIDTERM ? "期中" : "测验");
    ex_plan plan = {.grade = (int)grade, .kind = (ex_kind)kind, .paper = paper, .scope = scope};
    int64_t id = 0;
    rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_EXAM, exams_lock_key(school_id, (int)grade, term));
    if (rc == DB_OK)
        rc = ex_store_count(r->db, school_id, (int)grade, term, "final", subj, &plan.finals);
    if (rc == DB_ROW)
        rc = ex_store_count(r->db, school_id, (int)grade, term, "midterm", subj, &plan.midterms);
    if (rc != DB_ROW) {
        db_rollback(r->db);
        reply_db(r, rc);
        return;
    }
    ex_verdict v = exams_check_plan(pol, &plan);
    if (!v.ok) {
        db_rollback(r->db);
        json_t *x = json_pack("{s:I,s:s,s:b,s:s}", "grade", (json_int_t)grade, "kind", kind_s,
                              "paper", paper, "scope", exams_scopes[scope]);
        if (strcmp(v.rule, "EX-1") == 0) {
            refuse(r, "EX-1", "一、二年级不进行纸笔考试(EX-1)",
                   "No paper-and-pencil exams in grades 1-2 (EX-1)", x);
        } else if (strcmp(v.rule, "EX-3") == 0) {
            refuse(r, "EX-3", "非毕业年级不得组织区域性或跨校考试(EX-3)",
                   "No regional or cross-school exams for non-graduating grades (EX-3)", x);
        } else {
            json_object_set_new(x, "limit", json_integer(v.limit));
            json_object_set_new(x, "existing", json_integer(v.existing));
            refuse(r, "EX-2",
                   req_printf(r, "本学期该年级已有 %d 次%s考试,至多 %d 次(EX-2)", v.existing,
                              kind == EX_FINAL ? "期末" : "期中", v.limit),
                   req_printf(r, "This grade already has %d %s exam(s) this term; at most %d (EX-2)",
                              v.existing, kind_s, v.limit),
                   x);
        }
        return;
    }
    rc = db_insert_id(r->db, &id,
                      "INSERT INTO exams (district_id, school_id, grade, term, kind, paper, scope, date,"
                      " subject, name, full_marks, policy_version, created_by, created_at)"
                      " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id", r->user->district_id, school_id, grade, term, kind_s,
                      (int64_t)paper, exams_scopes[scope], date, subj, name, full_marks,
                      policy_version(pol), r->user->id, now_unix());
    if (rc == DB_DONE)
        rc = db_commit(r->db);
    if (rc != DB_OK && rc != DB_DONE) {
        db_rollback(r->db);
        reply_db(r, rc);
        return;
    }
    ex_exam e;
    if (ex_store_exam(r->db, id, &e) != DB_ROW) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201, ex_store_exam_json(&e));
}

static void h_list(req *r)
{
    int64_t school_id, grade;
    const char *term = req_query(r, "term");
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id) ||
        !req_query_int64_or_reply(r, "grade", 0, &grade))
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
    reply_list(r,
               "SELECT id, school_id, grade, term, kind, paper, scope, date, subject, name, full_marks,"
               " policy_version, (SELECT COUNT(*) FROM exam_scores s WHERE s.exam_id = exams.id)"
               " FROM exams WHERE school_id = $1 AND ($2 = 0 OR grade = $2) AND ($3 = '' OR term = $3)"
               " AND cancelled_at IS NULL ORDER BY date, grade, id",
               "SELECT COUNT(*) FROM exams WHERE school_id = $1 AND ($2 = 0 OR grade = $2)"
               " AND ($3 = '' OR term = $3) AND cancelled_at IS NULL",
               "id:i,school_id:i,grade:i,term:s,kind:s,paper:b,scope:s,date:s,subject:s,name:s,"
               "full_marks:i,policy_version:s,scored:i", school_id, grade, term ? term : "");
}

/* A guardian with a child in the plan's school and grade. */
static bool guardian_in_grade(req *r, const ex_exam *e)
{
    int64_t one = 0;
    return db_query_int64(r->db, &one,
                          "SELECT 1 FROM guardianships g JOIN students p ON p.id = g.student_id"
                          " JOIN classes c ON c.id = p.class_id WHERE g.user_id = $1"
                          " AND p.school_id = $2 AND c.grade = $3", r->user->id, e->school_id, (int64_t)e->grade) == DB_ROW;
}

static void h_get(req *r)
{
    ex_exam e;
    if (!exam_or_reply(r, r->params[0], &e))
        return;
    if (!staff_of(r, &e) && !guardian_in_grade(r, &e)) {
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
    int64_t n = 0;
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = db_lock(r->db, DB_LOCK_EXAM, exams_lock_key(e.school_id, e.grade, e.term));
    if (rc == DB_OK)
        rc = db_query_int64(r->db, &n, "SELECT COUNT(*) FROM exam_scores WHERE exam_id = $1", e.id);
    if (rc == DB_ROW && n > 0) {
        db_rollback(r->db);
        reply_field_msg(r, SJ_ERR_CONFLICT, "scores", "已录入成绩的考试不能取消",
                        "A plan with scores cannot be cancelled");
        return;
    }
    if (rc == DB_ROW)
        rc = db_run(r->db, "UPDATE exams SET cancelled_at = $1 WHERE id = $2", now_unix(), e.id);
    if (rc == DB_DONE)
        rc = db_commit(r->db);
    if (rc != DB_OK) {
        db_rollback(r->db);
        reply_db(r, rc);
        return;
    }
    reply_empty(r, 204);
}

/* ---------- scores ---------- */

static void reply_score_err(req *r, sj_err e, size_t index, const char *field, const char *zh,
                            const char *en)
{
    reply_err_detail(r, e, json_pack("{s:s,s:I,s:s}", "field", field, "index", (json_int_t)index,
                                     "message", r->english ? en : zh));
}

static void h_scores(req *r)
{
    ex_exam e;
    if (!body_require_object_or_reply(r) || !exam_or_reply(r, r->params[0], &e))
        return;
    if (!staff_of(r, &e)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    json_t *arr = json_object_get(r->body, "scores");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n == 0 || n > EX_MAX_SCORES) {
        reply_err_field(r, arr ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "scores");
        return;
    }
    bool leader = leads_grade(r->user, e.school_id, e.grade);
    const char *subject = e.subject[0] ? e.subject : NULL;
    ex_student *ps = req_alloc(r, n * sizeof *ps);
    int64_t *tenths = req_alloc(r, n * sizeof *tenths);
    /* everything is checked before anything is written */
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, i), *sid = json_object_get(o, "student_id"),
               *sc = json_object_get(o, "score");
        if (!json_is_object(o) || !json_is_integer(sid) || json_integer_value(sid) <= 0) {
            reply_score_err(r, SJ_ERR_BAD_FIELD, i, "student_id", "缺少学生编号", "student_id is missing");
            return;
        }
        double v = json_is_number(sc) ? json_number_value(sc) : -1;
        double t = round(v * 10);
        if (!json_is_number(sc) || v < 0 || v > (double)e.full_marks || fabs(v * 10 - t) > 1e-6) {
            reply_score_err(r, SJ_ERR_BAD_FIELD, i, "score",
                            req_printf(r, "成绩须是 0 到 %lld 之间的数,至多一位小数", (long long)e.full_marks),
                            req_printf(r, "A score is a number from 0 to %lld with at most one decimal",
                                       (long long)e.full_marks));
            return;
        }
        tenths[i] = (int64_t)t;
        int rc = ex_store_student(r->db, json_integer_value(sid), &ps[i]);
        if (rc != DB_ROW && rc != DB_DONE) {
            reply_err(r, SJ_ERR_INTERNAL);
            return;
        }
        if (rc == DB_DONE || ps[i].school_id != e.school_id || ps[i].grade != e.grade) {
            reply_score_err(r, SJ_ERR_BAD_FIELD, i, "student_id", "该学生不是本次考试年级的学生",
                            "This pupil is not in the exam's grade");
            return;
        }
        for (size_t j = 0; j < i; j++)
            if (ps[j].id == ps[i].id) {
                reply_score_err(r, SJ_ERR_BAD_FIELD, i, "student_id", "同一学生出现了两次",
                                "The same pupil appears twice");
                return;
            }
        if (!leader && !auth_teaches(r, ps[i].class_id, subject)) {
            reply_score_err(r, SJ_ERR_FORBIDDEN, i, "student_id", "你没有在该学生的班级任教",
                            "You do not teach this pupil's class");
            return;
        }
    }
    const policy *pol = r->pol;
    int rc = db_begin_write(r->db);
    for (size_t i = 0; rc == DB_OK && i < n; i++) {
        rc = ex_store_score_put(r->db, &e, &ps[i], tenths[i], exams_band(pol, tenths[i], e.full_marks),
                                policy_version(pol), r->user->id);
        rc = rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK)
        rc = db_commit(r->db);
    if (rc != DB_OK) {
        db_rollback(r->db);
        reply_db(r, rc);
        return;
    }
    r->audit_target = e.id;
    reply_empty(r, 204);
}

/* ---------- results: bands only ---------- */

static void h_results(req *r)
{
    ex_exam e;
    int64_t limit, offset, total = 0;
    if (!exam_or_reply(r, r->params[0], &e) || !req_paging_or_reply(r, &limit, &offset))
        return;
    /* who sees whom: the school's leaders every pupil of the grade, a teacher the classes they
     * teach, a guardian their own children; the order is student_no, always */
    int who;
    if (staff_of(r, &e))
        who = leads_grade(r->user, e.school_id, e.grade) || auth_district_staff(r->user) ? 0 : 1;
    else
        who = 2;
    static const char *const filters[] = {
        " AND $4 > 0", /* every parameter is referenced, as PostgreSQL wants */
        " AND p.class_id IN (SELECT class_id FROM teaching WHERE user_id = $4)",
        " AND p.id IN (SELECT student_id FROM guardianships WHERE user_id = $4)",
    };
    const char *from = req_printf(r, " FROM students p JOIN classes c ON c.id = p.class_id"
                                     " LEFT JOIN exam_scores s ON s.exam_id = $1 AND s.student_id = p.id"
                                     " WHERE p.school_id = $2 AND c.grade = $3%s", filters[who]);
    int rc = db_query_int64(r->db, &total, req_printf(r, "SELECT COUNT(*)%s", from), e.id,
                            e.school_id, (int64_t)e.grade, r->user->id);
    if (rc != DB_ROW) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    if (who == 2 && total == 0) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (who == 0 && !leads_grade(r->user, e.school_id, e.grade))
        audit_record(r, "read exam results", "exam", e.id, "district staff, outside own classes");
    db_stmt *s = db_query(r->db,
                          req_printf(r, "SELECT p.id, p.name, p.student_no, p.class_id, c.name, s.band%s"
                                        " ORDER BY p.student_no, p.id LIMIT $5 OFFSET $6", from), e.id, e.school_id, (int64_t)e.grade, r->user->id, limit, offset);
    json_t *items = db_rows_json(s, "student_id:i,name:s,student_no:s,class_id:i,class_name:s,band:S");
    if (!items) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = list_json(items, total);
    json_object_set_new(o, "exam_id", json_integer(e.id));
    json_object_set_new(o, "rule", json_string("EX-4"));
    reply_json(r, 200, o);
}

static void h_student_exams(req *r)
{
    int64_t student_id = r->params[0];
    ex_student p;
    int rc = ex_store_student(r->db, student_id, &p);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    int64_t district = 0;
    rc = db_query_int64(r->db, &district, "SELECT district_id FROM students WHERE id = $1", student_id);
    bool staff = rc == DB_ROW && district == r->user->district_id &&
                 auth_school_staff(r->user, p.school_id);
    if (!staff && !auth_guardian_of(r, student_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    reply_list(r,
               "SELECT e.id, e.name, e.kind, e.term, e.date, e.subject, s.band FROM exam_scores s"
               " JOIN exams e ON e.id = s.exam_id WHERE s.student_id = $1 AND e.cancelled_at IS NULL"
               " ORDER BY e.date, e.id",
               "SELECT COUNT(*) FROM exam_scores s JOIN exams e ON e.id = s.exam_id"
               " WHERE s.student_id = $1 AND e.cancelled_at IS NULL",
               "exam_id:i,name:s,kind:s,term:s,date:s,subject:s,band:s", student_id);
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
