/*
 * store.c: all of the exams module's SQL. The writes (exams.h) each own their transaction:
 * begin, lock, check, write, commit, and return the verdict; on any refusal or failure they
 * roll back and nothing is written. The reads (exams_int.h) run on the caller's connection.
 */
#include <stdio.h>
#include <string.h>

#include "exams/exams_int.h"

static int plans_of_kind(db_conn *c, int64_t school_id, int grade, const char *term,
                         const char *kind, const char *subject, int *out)
{
    int64_t n = 0;
    /* a whole-grade plan ('' subject) overlaps every subject, and every subject overlaps it */
    int rc = db_query_int64(
        c, &n,
        "SELECT COUNT(*) FROM exams WHERE school_id = $1 AND grade = $2 AND term = $3"
        " AND kind = $4 AND cancelled_at IS NULL"
        " AND (subject = $5 OR subject = '' OR $5 = '')",
        school_id, (int64_t)grade, term, kind, subject);
    *out = (int)n;
    return rc;
}

int ex_store_exam(db_conn *c, int64_t id, ex_exam *out)
{
    db_stmt *s =
        db_query(c,
                 "SELECT id, district_id, school_id, grade, term, kind, paper, date, subject,"
                 " name, full_marks, policy_version, cancelled_at, scope FROM exams WHERE id = $1",
                 id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->id = db_col_int64(s, 0);
        out->district_id = db_col_int64(s, 1);
        out->school_id = db_col_int64(s, 2);
        out->grade = (int)db_col_int64(s, 3);
        snprintf(out->term, sizeof out->term, "%s", db_col_text(s, 4));
        snprintf(out->kind, sizeof out->kind, "%s", db_col_text(s, 5));
        out->paper = db_col_int64(s, 6) != 0;
        snprintf(out->date, sizeof out->date, "%s", db_col_text(s, 7));
        snprintf(out->subject, sizeof out->subject, "%s", db_col_text(s, 8));
        snprintf(out->name, sizeof out->name, "%s", db_col_text(s, 9));
        out->full_marks = db_col_int64(s, 10);
        snprintf(out->policy_version, sizeof out->policy_version, "%s", db_col_text(s, 11));
        out->cancelled = !db_col_isnull(s, 12);
        snprintf(out->scope, sizeof out->scope, "%s", db_col_text(s, 13));
    }
    db_finalize(s);
    return rc;
}

json_t *ex_store_exam_json(const ex_exam *e)
{
    return json_pack("{s:I,s:I,s:i,s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)e->id,
                     "school_id", (json_int_t)e->school_id, "grade", e->grade, "term", e->term,
                     "kind", e->kind, "paper", e->paper, "scope", e->scope, "date", e->date,
                     "subject", e->subject, "name", e->name, "full_marks",
                     (json_int_t)e->full_marks, "policy_version", e->policy_version);
}

int ex_store_student(db_conn *c, int64_t student_id, ex_student *out)
{
    db_stmt *s = db_query(c,
                          "SELECT p.id, p.school_id, p.class_id, c.grade FROM students p"
                          " JOIN classes c ON c.id = p.class_id WHERE p.id = $1",
                          student_id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->id = db_col_int64(s, 0);
        out->school_id = db_col_int64(s, 1);
        out->class_id = db_col_int64(s, 2);
        out->grade = (int)db_col_int64(s, 3);
    }
    db_finalize(s);
    return rc;
}

int64_t ex_store_student_district(db_conn *c, int64_t student_id)
{
    int64_t district = 0;
    return db_query_int64(c, &district, "SELECT district_id FROM students WHERE id = $1",
                          student_id) == DB_ROW
               ? district
               : 0;
}

bool ex_store_guardian_in_grade(db_conn *c, int64_t user_id, const ex_exam *e)
{
    int64_t one = 0;
    return db_query_int64(c, &one,
                          "SELECT 1 FROM guardianships g JOIN students p ON p.id = g.student_id"
                          " JOIN classes c ON c.id = p.class_id WHERE g.user_id = $1"
                          " AND p.school_id = $2 AND c.grade = $3",
                          user_id, e->school_id, e->grade) == DB_ROW;
}

json_t *ex_store_plans(db_conn *c, int64_t school_id, int grade, const char *term, int64_t limit,
                       int64_t offset)
{
    return db_list_page(
        c,
        "SELECT id, school_id, grade, term, kind, paper, scope, date, subject, name, full_marks,"
        " policy_version, (SELECT COUNT(*) FROM exam_scores s WHERE s.exam_id = exams.id)"
        " FROM exams WHERE school_id = $1 AND ($2 = 0 OR grade = $2) AND ($3 = '' OR term = $3)"
        " AND cancelled_at IS NULL ORDER BY date, grade, id",
        "SELECT COUNT(*) FROM exams WHERE school_id = $1 AND ($2 = 0 OR grade = $2)"
        " AND ($3 = '' OR term = $3) AND cancelled_at IS NULL",
        "id:i,school_id:i,grade:i,term:s,kind:s,paper:b,scope:s,date:s,subject:s,name:s,"
        "full_marks:i,policy_version:s,scored:i",
        limit, offset, school_id, grade, term ? term : "");
}

json_t *ex_store_student_bands(db_conn *c, int64_t student_id, int64_t limit, int64_t offset)
{
    return db_list_page(
        c,
        "SELECT e.id, e.name, e.kind, e.term, e.date, e.subject, s.band FROM exam_scores s"
        " JOIN exams e ON e.id = s.exam_id WHERE s.student_id = $1 AND e.cancelled_at IS NULL"
        " ORDER BY e.date, e.id",
        "SELECT COUNT(*) FROM exam_scores s JOIN exams e ON e.id = s.exam_id"
        " WHERE s.student_id = $1 AND e.cancelled_at IS NULL",
        "exam_id:i,name:s,kind:s,term:s,date:s,subject:s,band:s", limit, offset, student_id);
}

/* The three views differ only in which pupils they hold; each is a whole statement, so no SQL
 * is ever assembled from pieces. */
static const char *const results_sql[3][2] = {
    [EX_SEE_GRADE] =
        {
            "SELECT p.id, p.name, p.student_no, p.class_id, c.name, s.band FROM students p"
            " JOIN classes c ON c.id = p.class_id"
            " LEFT JOIN exam_scores s ON s.exam_id = $1 AND s.student_id = p.id"
            " WHERE p.school_id = $2 AND c.grade = $3 AND $4 > 0 ORDER BY p.student_no, p.id",
            "SELECT COUNT(*) FROM students p JOIN classes c ON c.id = p.class_id"
            " WHERE p.school_id = $2 AND c.grade = $3 AND $4 > 0 AND $1 > 0",
        },
    [EX_SEE_TAUGHT] =
        {
            "SELECT p.id, p.name, p.student_no, p.class_id, c.name, s.band FROM students p"
            " JOIN classes c ON c.id = p.class_id"
            " LEFT JOIN exam_scores s ON s.exam_id = $1 AND s.student_id = p.id"
            " WHERE p.school_id = $2 AND c.grade = $3"
            " AND p.class_id IN (SELECT class_id FROM teaching WHERE user_id = $4)"
            " ORDER BY p.student_no, p.id",
            "SELECT COUNT(*) FROM students p JOIN classes c ON c.id = p.class_id"
            " WHERE p.school_id = $2 AND c.grade = $3 AND $1 > 0"
            " AND p.class_id IN (SELECT class_id FROM teaching WHERE user_id = $4)",
        },
    [EX_SEE_OWN] =
        {
            "SELECT p.id, p.name, p.student_no, p.class_id, c.name, s.band FROM students p"
            " JOIN classes c ON c.id = p.class_id"
            " LEFT JOIN exam_scores s ON s.exam_id = $1 AND s.student_id = p.id"
            " WHERE p.school_id = $2 AND c.grade = $3"
            " AND p.id IN (SELECT student_id FROM guardianships WHERE user_id = $4)"
            " ORDER BY p.student_no, p.id",
            "SELECT COUNT(*) FROM students p JOIN classes c ON c.id = p.class_id"
            " WHERE p.school_id = $2 AND c.grade = $3 AND $1 > 0"
            " AND p.id IN (SELECT student_id FROM guardianships WHERE user_id = $4)",
        },
};

json_t *ex_store_results(db_conn *c, const ex_exam *e, ex_see who, int64_t user_id, int64_t limit,
                         int64_t offset)
{
    return db_list_page_a(c, results_sql[who][0], results_sql[who][1],
                          "student_id:i,name:s,student_no:s,class_id:i,class_name:s,band:S", limit,
                          offset, DB_ARGS(e->id, e->school_id, e->grade, user_id));
}

/* ---------- writes ---------- */

/* Rolls back and hands on the verdict: every refusal or failure below ends here. */
static verdict undo(db_conn *c, verdict v)
{
    db_rollback(c);
    return v;
}

verdict exams_plan_create(db_conn *c, const policy *pol, const ex_plan_in *in, int64_t *id)
{
    ex_plan plan = {.grade = in->grade, .kind = in->kind, .paper = in->paper, .scope = in->scope};
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_lock(c, DB_LOCK_EXAM, exams_lock_key(in->school_id, in->grade, in->term));
    if (rc == DB_OK)
        rc = plans_of_kind(c, in->school_id, in->grade, in->term, "final", in->subject,
                           &plan.finals);
    if (rc == DB_ROW)
        rc = plans_of_kind(c, in->school_id, in->grade, in->term, "midterm", in->subject,
                           &plan.midterms);
    if (rc != DB_ROW)
        return undo(c, verdict_db(rc));
    verdict v = exams_check_plan(pol, &plan);
    if (!verdict_is_ok(&v))
        return undo(c, v);
    rc = db_insert_id(
        c, id,
        "INSERT INTO exams (district_id, school_id, grade, term, kind, paper, scope, date,"
        " subject, name, full_marks, policy_version, created_by, created_at)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id",
        in->district_id, in->school_id, in->grade, in->term, exams_kinds[in->kind], in->paper,
        exams_scopes[in->scope], in->date, in->subject, in->name, in->full_marks,
        policy_version(pol), in->actor, now_unix());
    if (rc != DB_DONE || db_commit(c) != DB_OK)
        return undo(c, verdict_db(rc == DB_DONE ? DB_ERROR : rc));
    return verdict_ok();
}

verdict exams_plan_cancel(db_conn *c, int64_t exam_id, int64_t school_id, int grade,
                          const char *term)
{
    int64_t n = 0;
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_lock(c, DB_LOCK_EXAM, exams_lock_key(school_id, grade, term));
    if (rc == DB_OK)
        rc = db_query_int64(c, &n, "SELECT COUNT(*) FROM exam_scores WHERE exam_id = $1", exam_id);
    if (rc != DB_ROW)
        return undo(c, verdict_db(rc));
    if (n > 0) {
        verdict v = verdict_err(SJ_ERR_CONFLICT, "exams.cancel_scored");
        verdict_str(&v, "field", "scores");
        return undo(c, v);
    }
    rc = db_run(c, "UPDATE exams SET cancelled_at = $1 WHERE id = $2", now_unix(), exam_id);
    if (rc != DB_DONE || db_commit(c) != DB_OK)
        return undo(c, verdict_db(rc == DB_DONE ? DB_ERROR : rc));
    return verdict_ok();
}

verdict exams_scores_put(db_conn *c, const policy *pol, int64_t exam_id, int64_t full_marks,
                         const ex_score_in *scores, size_t n, int64_t actor)
{
    int rc = db_begin_write(c);
    for (size_t i = 0; rc == DB_OK && i < n; i++) {
        const ex_score_in *x = &scores[i];
        rc = db_run(c,
                    "INSERT INTO exam_scores (exam_id, student_id, class_id, score_tenths, band,"
                    " policy_version, entered_by, entered_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
                    " ON CONFLICT (exam_id, student_id) DO UPDATE SET class_id = $3,"
                    " score_tenths = $4, band = $5, policy_version = $6, entered_by = $7,"
                    " entered_at = $8",
                    exam_id, x->student_id, x->class_id, x->tenths,
                    exams_band(pol, x->tenths, full_marks), policy_version(pol), actor, now_unix());
        rc = rc == DB_DONE ? DB_OK : rc;
    }
    if (rc != DB_OK || db_commit(c) != DB_OK)
        return undo(c, verdict_db(rc == DB_OK ? DB_ERROR : rc));
    return verdict_ok();
}
