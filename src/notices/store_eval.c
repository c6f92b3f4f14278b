/*
 * store_eval.c: the SQL of families' evaluations of after-school programs (NT-2): the write
 * (notices_evaluate, one per pupil per program per term, serialised on the pupil) and the
 * summaries the school and the district read, none of which names a family.
 *
 * Programs and enrolments belong to the after-school module; this file only reads them
 * (afterschool_programs, afterschool_enrolments), never writes them.
 */
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "notices/notices_int.h"

static verdict undo(db_conn *c, verdict v)
{
    db_rollback(c);
    return v;
}

verdict notices_evaluate_in_tx(db_conn *c, const policy *pol, const nt_eval_in *in, int64_t *id)
{
    verdict v = notices_check_score(pol, in->score);
    if (!verdict_is_ok(&v))
        return v;
    int64_t seen = 0;
    int rc = db_lock(c, DB_LOCK_STUDENT, in->student_id);
    if (rc == DB_OK)
        rc = db_query_int64(c, &seen,
                            "SELECT 1 FROM notice_evaluations WHERE program_id = $1 AND"
                            " student_id = $2 AND term = $3",
                            in->program_id, in->student_id, in->term);
    if (rc == DB_DONE)
        rc = db_insert_id(c, id,
                          "INSERT INTO notice_evaluations (district_id, school_id, program_id,"
                          " student_id, guardian_id, term, score, comment, policy_version,"
                          " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                          " RETURNING id",
                          in->district_id, in->school_id, in->program_id, in->student_id,
                          in->guardian_id, in->term, in->score, in->text, policy_version(pol),
                          in->at);
    else if (rc == DB_ROW)
        rc = DB_CONSTRAINT; /* evaluated already */
    if (rc == DB_CONSTRAINT) {
        v = verdict_refuse(SJ_ERR_CONFLICT, "already_evaluated", "NT-2", "NT-2.once");
        verdict_str(&v, "term", in->term);
        return v;
    }
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc == DB_ROW ? DB_ERROR : rc);
}

verdict notices_evaluate(db_conn *c, const policy *pol, const nt_eval_in *in, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return undo(c, verdict_db(rc));
    verdict v = notices_evaluate_in_tx(c, pol, in, id);
    if (!verdict_is_ok(&v))
        return undo(c, v);
    rc = db_commit(c);
    return rc == DB_OK ? v : verdict_db(rc);
}

/* ---------- reads ---------- */

int nt_store_program(db_conn *c, int64_t id, nt_program *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, school_id, term, name, status FROM"
                          " afterschool_programs WHERE id = $1",
                          id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        out->id = db_next_int64(&row);
        out->district_id = db_next_int64(&row);
        out->school_id = db_next_int64(&row);
        DB_NEXT_TEXT(&row, out->term);
        DB_NEXT_TEXT(&row, out->name);
        DB_NEXT_TEXT(&row, out->status);
    }
    db_finalize(s);
    return rc;
}

bool nt_store_enrolled(db_conn *c, int64_t program_id, int64_t student_id)
{
    int64_t one = 0;
    return db_query_int64(c, &one,
                          "SELECT 1 FROM afterschool_enrolments WHERE program_id = $1 AND"
                          " student_id = $2 AND status IN ('enrolled', 'left') LIMIT 1",
                          program_id, student_id) == DB_ROW;
}

bool nt_store_family_in_program(db_conn *c, int64_t program_id, int64_t guardian_id)
{
    int64_t one = 0;
    return db_query_int64(c, &one,
                          "SELECT 1 FROM guardianships g JOIN afterschool_enrolments en ON"
                          " en.student_id = g.student_id WHERE g.user_id = $1 AND"
                          " en.program_id = $2 AND en.status IN ('enrolled', 'left') LIMIT 1",
                          guardian_id, program_id) == DB_ROW;
}

/* The day of a Unix time in the district: evaluations show when, to the day only, so that a
 * time of day does not point at a family. */
static void day_of(int64_t t, char out[11])
{
    days_date((t + 8 * 3600) / 86400, out);
}

json_t *nt_store_program_evaluations(db_conn *c, int64_t program_id, const char *term,
                                     int64_t limit, int64_t offset, int64_t *count, int64_t *sum)
{
    db_stmt *s = db_query(c,
                          "SELECT COUNT(*), COALESCE(SUM(score), 0) FROM notice_evaluations"
                          " WHERE program_id = $1 AND term = $2",
                          program_id, term);
    if (!s)
        return NULL;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *count = db_col_int64(s, 0);
        *sum = db_col_int64(s, 1);
    }
    db_finalize(s);
    if (rc != DB_ROW)
        return NULL;
    json_t *page = db_list_page(
        c,
        "SELECT score, comment, created_at FROM notice_evaluations WHERE program_id = $1 AND"
        " term = $2 ORDER BY id DESC",
        "SELECT COUNT(*) FROM notice_evaluations WHERE program_id = $1 AND term = $2",
        "score:i,text:S,at:i", limit, offset, program_id, term);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(page, "items"), i, it)
    {
        char day[11];
        day_of(json_integer_value(json_object_get(it, "at")), day);
        json_object_set_new(it, "at", json_string(day));
    }
    return page;
}

/* A program's sums: $1 district, $2 school (0: all), $3 term, $4 flagged only, $5 the least
 * evaluations and $6 the average under which a program is flagged. */
#define PROGRAM_SUMS_WHERE                                                                         \
    " FROM notice_evaluations e WHERE e.district_id = $1 AND ($2 = 0 OR e.school_id = $2)"         \
    " AND e.term = $3"
#define PROGRAM_SUMS_HAVING " HAVING ($4 = 0 OR (COUNT(*) >= $5 AND SUM(e.score) < $6 * COUNT(*)))"

int nt_store_program_summaries(db_conn *c, int64_t district_id, int64_t school_id, const char *term,
                               bool flagged_only, int64_t min, int64_t below, int64_t limit,
                               int64_t offset, void (*fn)(void *, const nt_eval_row *), void *arg,
                               int64_t *total)
{
    int rc = db_query_int64(c, total,
                            "SELECT COUNT(*) FROM (SELECT e.program_id" PROGRAM_SUMS_WHERE
                            " GROUP BY e.program_id" PROGRAM_SUMS_HAVING ") x",
                            district_id, school_id, term, flagged_only, min, below);
    if (rc != DB_ROW)
        return rc;
    db_stmt *s = db_query(c,
                          "SELECT e.program_id, e.school_id, COUNT(*), SUM(e.score),"
                          " (SELECT name FROM afterschool_programs WHERE id = e.program_id),"
                          " (SELECT name FROM schools WHERE id = e.school_id)" PROGRAM_SUMS_WHERE
                          " GROUP BY e.program_id, e.school_id" PROGRAM_SUMS_HAVING
                          " ORDER BY e.school_id, e.program_id LIMIT $7 OFFSET $8",
                          district_id, school_id, term, flagged_only, min, below, limit, offset);
    if (!s)
        return DB_ERROR;
    while ((rc = db_step(s)) == DB_ROW) {
        nt_eval_row x;
        db_row row = db_row_at(s, 0);
        x.program_id = db_next_int64(&row);
        x.school_id = db_next_int64(&row);
        x.count = db_next_int64(&row);
        x.sum = db_next_int64(&row);
        DB_NEXT_TEXT(&row, x.name);
        DB_NEXT_TEXT(&row, x.school_name);
        fn(arg, &x);
    }
    db_finalize(s);
    return rc;
}

int nt_store_school_summaries(db_conn *c, int64_t district_id, const char *term, int64_t min,
                              int64_t below, void (*fn)(void *, const nt_school_row *), void *arg)
{
    /* every school of the district, those without an evaluation too: the district sees who
     * has not been evaluated at all */
    db_stmt *s = db_query(c,
                          "SELECT s.id, s.name, COUNT(x.program_id), COALESCE(SUM(x.n), 0),"
                          " COALESCE(SUM(x.total), 0),"
                          " COALESCE(SUM(CASE WHEN x.n >= $3 AND x.total < $4 * x.n THEN 1 ELSE 0"
                          " END), 0) FROM schools s LEFT JOIN (SELECT school_id, program_id,"
                          " COUNT(*) AS n, SUM(score) AS total FROM notice_evaluations"
                          " WHERE district_id = $1 AND term = $2 GROUP BY school_id, program_id) x"
                          " ON x.school_id = s.id WHERE s.district_id = $1 GROUP BY s.id, s.name"
                          " ORDER BY s.id",
                          district_id, term, min, below);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        nt_school_row x;
        db_row row = db_row_at(s, 0);
        x.school_id = db_next_int64(&row);
        DB_NEXT_TEXT(&row, x.name);
        x.programs = db_next_int64(&row);
        x.count = db_next_int64(&row);
        x.sum = db_next_int64(&row);
        x.flagged = db_next_int64(&row);
        fn(arg, &x);
    }
    db_finalize(s);
    return rc;
}

json_t *nt_store_family_programs(db_conn *c, int64_t guardian_id, const char *term)
{
    db_stmt *s = db_query(
        c,
        "SELECT DISTINCT pr.id, pr.name, p.id, p.name, pr.school_id, pr.term, e.score,"
        " e.comment, e.created_at FROM guardianships g JOIN students p ON p.id = g.student_id"
        " JOIN afterschool_enrolments en ON en.student_id = p.id AND en.status IN ('enrolled', "
        "'left')"
        " JOIN afterschool_programs pr ON pr.id = en.program_id"
        " LEFT JOIN notice_evaluations e ON e.program_id = pr.id AND e.student_id = p.id"
        " AND e.term = pr.term WHERE g.user_id = $1 AND ($2 = '' OR pr.term = $2)"
        " ORDER BY pr.term DESC, p.id, pr.id",
        guardian_id, term ? term : "");
    if (!s)
        return NULL;
    json_t *items = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        json_t *o = json_object();
        json_object_set_new(o, "program_id", json_integer(db_next_int64(&row)));
        json_object_set_new(o, "program_name", json_string(db_next_text_ref(&row)));
        json_object_set_new(o, "student_id", json_integer(db_next_int64(&row)));
        json_object_set_new(o, "student_name", json_string(db_next_text_ref(&row)));
        json_object_set_new(o, "school_id", json_integer(db_next_int64(&row)));
        json_object_set_new(o, "term", json_string(db_next_text_ref(&row)));
        json_t *ev = json_null();
        if (!db_next_isnull(&row)) {
            int64_t score = db_next_int64(&row);
            json_t *text = db_next_isnull(&row) ? json_null() : json_string(db_next_text_ref(&row));
            if (json_is_null(text))
                db_next_skip(&row);
            char day[11];
            day_of(db_next_int64(&row), day);
            ev = json_pack("{s:I,s:o,s:s}", "score", (json_int_t)score, "text", text, "at", day);
        }
        json_object_set_new(o, "evaluation", ev);
        json_array_append_new(items, o);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(items);
        return NULL;
    }
    return list_json(items, (int64_t)json_array_size(items));
}

int nt_store_demo_enrolments(db_conn *c, int64_t district_id, const char *term,
                             void (*fn)(void *, int64_t, int64_t, int64_t, int64_t), void *arg)
{
    db_stmt *s =
        db_query(c,
                 "SELECT e.program_id, e.student_id, MIN(g.user_id), e.school_id FROM"
                 " afterschool_enrolments e JOIN afterschool_programs pr ON"
                 " pr.id = e.program_id JOIN guardianships g ON g.student_id = e.student_id"
                 " WHERE e.district_id = $1 AND pr.term = $2 AND e.status = 'enrolled'"
                 " GROUP BY e.program_id, e.student_id, e.school_id, e.id"
                 " ORDER BY e.program_id, e.id",
                 district_id, term);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        int64_t program = db_next_int64(&row), pupil = db_next_int64(&row);
        int64_t guardian = db_next_int64(&row), school = db_next_int64(&row);
        fn(arg, program, pupil, guardian, school);
    }
    db_finalize(s);
    return rc;
}
