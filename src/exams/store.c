/*
 * store.c: the exams module's SQL (see exams_int.h). No function here commits: writes run in
 * the caller's transaction.
 */
#include <stdio.h>
#include <string.h>

#include "exams/exams_int.h"

int ex_store_exam(db_conn *c, int64_t id, ex_exam *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, school_id, grade, term, kind, paper, date, subject,"
                          " name, full_marks, policy_version, cancelled_at, scope FROM exams WHERE id = $1", id);
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

int ex_store_count(db_conn *c, int64_t school_id, int grade, const char *term, const char *kind,
                   const char *subject, int *out)
{
    int64_t n = 0;
    /* a whole-grade plan ('' subject) overlaps every subject, and every subject overlaps it */
    int rc = db_query_int64(c, &n,
                            "SELECT COUNT(*) FROM exams WHERE school_id = $1 AND grade = $2 AND term = $3"
                            " AND kind = $4 AND cancelled_at IS NULL"
                            " AND (subject = $5 OR subject = '' OR $5 = '')", school_id, (int64_t)grade, term, kind, subject);
    *out = (int)n;
    return rc;
}

int ex_store_student(db_conn *c, int64_t student_id, ex_student *out)
{
    db_stmt *s = db_query(c,
                          "SELECT p.id, p.school_id, p.class_id, c.grade FROM students p"
                          " JOIN classes c ON c.id = p.class_id WHERE p.id = $1", student_id);
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

int ex_store_score_put(db_conn *c, const ex_exam *e, const ex_student *p, int64_t tenths,
                       const char *band, const char *policy_version, int64_t user_id)
{
    return db_run(c,
                  "INSERT INTO exam_scores (exam_id, student_id, class_id, score_tenths, band,"
                  " policy_version, entered_by, entered_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
                  " ON CONFLICT (exam_id, student_id) DO UPDATE SET class_id = $3, score_tenths = $4,"
                  " band = $5, policy_version = $6, entered_by = $7, entered_at = $8", e->id, p->id, p->class_id, tenths, band, policy_version, user_id,
                  now_unix());
}
