/*
 * store_inspect.c: inspections (CS-3) and their rectifications. An inspection of a school or an
 * institution records findings, each citing a rule of POLICY.md, and each finding becomes a
 * rectification with its own deadline:
 *
 *     open --report (the school or institution)--> submitted --review passed--> passed
 *       ^                                              |
 *       +------------- review not passed (returned) ---+
 *
 * Every report and review is a row of rectification_events (append-only). A rectification is
 * overdue while it is open (not reported, or sent back) after its due date. Writes take the
 * rectification's lock (DB_LOCK_CASE with the key CS_RECT_LOCK) and own their transaction.
 */
#include <stdio.h>
#include <string.h>

#include "cases/cases_int.h"

int cs_store_rect(db_conn *c, int64_t id, cs_rect *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, inspection_id, school_id, institution_id,"
                          " returned, rule, status, due_date FROM rectifications WHERE id = $1",
                          id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        out->id = db_next_int64(&row);
        out->district_id = db_next_int64(&row);
        out->inspection_id = db_next_int64(&row);
        out->school_id = db_next_int64(&row);
        out->institution_id = db_next_int64(&row);
        out->returned = db_next_int64(&row);
        DB_NEXT_TEXT(&row, out->rule);
        DB_NEXT_TEXT(&row, out->status);
        DB_NEXT_TEXT(&row, out->due_date);
    }
    db_finalize(s);
    return rc;
}

int cs_store_inspection(db_conn *c, int64_t id, cs_inspection *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, school_id, institution_id FROM inspections"
                          " WHERE id = $1",
                          id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        out->id = db_next_int64(&row);
        out->district_id = db_next_int64(&row);
        out->school_id = db_next_int64(&row);
        out->institution_id = db_next_int64(&row);
    }
    db_finalize(s);
    return rc;
}

#define RECT_COLS                                                                                  \
    "r.id, r.inspection_id, r.school_id, sc.name, r.institution_id, r.rule, r.finding,"            \
    " r.status, r.due_date, CASE WHEN r.status = 'open' AND r.due_date < $2 THEN 1 ELSE 0 END,"    \
    " r.report_text, r.reported_at, r.review_text, r.reviewed_at, r.returned, i.date"
#define RECT_JSON                                                                                  \
    "id:i,inspection_id:i,school_id:I,school_name:S,institution_id:I,rule:s,finding:s,"            \
    "status:s,due_date:s,overdue:b,report_text:S,reported_at:I,review_text:S,reviewed_at:I,"       \
    "returned:i,inspection_date:s"

json_t *cs_store_rect_json(db_conn *c, int64_t id, const char *today)
{
    json_t *one = db_rows_json(db_query(c,
                                        "SELECT " RECT_COLS " FROM rectifications r"
                                        " JOIN inspections i ON i.id = r.inspection_id"
                                        " LEFT JOIN schools sc ON sc.id = r.school_id"
                                        " WHERE r.id = $1",
                                        id, today),
                               RECT_JSON);
    json_t *events = db_rows_json(db_query(c,
                                           "SELECT e.id, e.at, e.actor_id, u.name, e.action, e.text"
                                           " FROM rectification_events e"
                                           " LEFT JOIN users u ON u.id = e.actor_id"
                                           " WHERE e.rectification_id = $1 ORDER BY e.id",
                                           id),
                                  "id:i,at:i,actor_id:i,actor_name:S,action:s,text:s");
    json_t *photos = db_rows_json(db_query(c,
                                           "SELECT id, mime, bytes, at FROM case_photos"
                                           " WHERE rectification_id = $1 ORDER BY id",
                                           id),
                                  "id:i,mime:s,bytes:i,at:i");
    if (!one || !events || !photos || json_array_size(one) != 1) {
        json_decref(one);
        json_decref(events);
        json_decref(photos);
        return NULL;
    }
    json_t *o = json_incref(json_array_get(one, 0));
    json_decref(one);
    json_object_set_new(o, "events", events);
    json_object_set_new(o, "photos", photos);
    return o;
}

json_t *cs_store_inspection_json(db_conn *c, int64_t id, const char *today)
{
    json_t *head =
        db_rows_json(db_query(c,
                              "SELECT i.id, i.school_id, sc.name, i.institution_id,"
                              " i.date, i.note, i.created_by, u.name, i.created_at"
                              " FROM inspections i LEFT JOIN schools sc ON sc.id = i.school_id"
                              " LEFT JOIN users u ON u.id = i.created_by WHERE i.id = $1",
                              id),
                     "id:i,school_id:I,school_name:S,institution_id:I,date:s,note:S,"
                     "created_by:i,created_by_name:S,created_at:i");
    json_t *rects = db_rows_json(db_query(c,
                                          "SELECT " RECT_COLS " FROM rectifications r"
                                          " JOIN inspections i ON i.id = r.inspection_id"
                                          " LEFT JOIN schools sc ON sc.id = r.school_id"
                                          " WHERE r.inspection_id = $1 ORDER BY r.id",
                                          id, today),
                                 RECT_JSON);
    if (!head || !rects || json_array_size(head) != 1) {
        json_decref(head);
        json_decref(rects);
        return NULL;
    }
    json_t *o = json_incref(json_array_get(head, 0));
    json_decref(head);
    json_object_set_new(o, "rectifications", rects);
    return o;
}

json_t *cs_store_inspections(db_conn *c, int64_t district_id, int64_t school_id,
                             int64_t institution_id, int64_t limit, int64_t offset)
{
    return db_list_page(
        c,
        "SELECT i.id, i.school_id, sc.name, i.institution_id, i.date, i.note,"
        " (SELECT COUNT(*) FROM rectifications r WHERE r.inspection_id = i.id),"
        " (SELECT COUNT(*) FROM rectifications r WHERE r.inspection_id = i.id"
        "  AND r.status = 'passed') FROM inspections i"
        " LEFT JOIN schools sc ON sc.id = i.school_id WHERE i.district_id = $1"
        " AND ($2 = 0 OR i.school_id = $2) AND ($3 = 0 OR i.institution_id = $3)"
        " ORDER BY i.date DESC, i.id DESC",
        "SELECT COUNT(*) FROM inspections i WHERE i.district_id = $1"
        " AND ($2 = 0 OR i.school_id = $2) AND ($3 = 0 OR i.institution_id = $3)",
        "id:i,school_id:I,school_name:S,institution_id:I,date:s,note:S,findings:i,passed:i", limit,
        offset, district_id, school_id, institution_id);
}

#define RECTS_WHERE                                                                                \
    " WHERE r.district_id = $1 AND ($3 = 0 OR r.school_id = $3)"                                   \
    " AND ($4 = 0 OR r.institution_id = $4) AND ($5 = '' OR r.status = $5)"                        \
    " AND ($6 = 0 OR (r.status = 'open' AND r.due_date < $2))"

json_t *cs_store_rects(db_conn *c, const cs_rect_filter *f, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT " RECT_COLS " FROM rectifications r"
                        " JOIN inspections i ON i.id = r.inspection_id"
                        " LEFT JOIN schools sc ON sc.id = r.school_id" RECTS_WHERE
                        " ORDER BY r.due_date, r.id",
                        "SELECT COUNT(*) FROM rectifications r" RECTS_WHERE, RECT_JSON, limit,
                        offset, f->district_id, f->today, f->school_id, f->institution_id,
                        f->status ? f->status : "", (int64_t)f->overdue);
}

/* ---------- writes ---------- */

#define CS_RECT_LOCK(id) (((int64_t)1 << 48) + (id))

verdict cases_inspection_create(db_conn *c, int64_t district_id, int64_t school_id,
                                int64_t institution_id, const char *date, const char *note,
                                const cases_finding_in *f, size_t nf, const cases_actor *by,
                                int64_t *id, int64_t *rect_ids)
{
    int64_t now = cs_at(by);
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_insert_id(
            c, id,
            "INSERT INTO inspections (district_id, school_id, institution_id, date,"
            " note, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
            district_id, db_id_or_null(school_id), db_id_or_null(institution_id), date, note,
            by->id, now);
    for (size_t i = 0; rc == DB_DONE && i < nf; i++) {
        int64_t rid = 0;
        rc = db_insert_id(c, &rid,
                          "INSERT INTO rectifications (district_id, inspection_id, school_id,"
                          " institution_id, rule, finding, due_date, created_at)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
                          district_id, *id, db_id_or_null(school_id), db_id_or_null(institution_id),
                          f[i].rule, f[i].text, f[i].rectify_by, now);
        if (rect_ids)
            rect_ids[i] = rid;
    }
    if (rc != DB_DONE && rc != DB_OK)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

static int begin_rect(db_conn *c, int64_t id, cs_rect *x)
{
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_lock(c, DB_LOCK_CASE, CS_RECT_LOCK(id));
    if (rc == DB_OK)
        rc = cs_store_rect(c, id, x);
    return rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
}

static int event(db_conn *c, const cs_rect *x, const cases_actor *by, const char *action,
                 const char *text)
{
    return db_run(c,
                  "INSERT INTO rectification_events (district_id, rectification_id, at, actor_id,"
                  " action, text) VALUES ($1,$2,$3,$4,$5,$6)",
                  x->district_id, x->id, cs_at(by), by->id, action, text);
}

static verdict wrong_state(const cs_rect *x, const char *code, const char *msg)
{
    verdict v = verdict_refuse(SJ_ERR_CONFLICT, code, "CS-3", msg);
    verdict_num(&v, "rectification_id", x->id);
    verdict_str(&v, "status", x->status);
    return v;
}

verdict cases_rectification_report(db_conn *c, int64_t rect_id, const char *text,
                                   const cases_actor *by)
{
    cs_rect x;
    int rc = begin_rect(c, rect_id, &x);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    if (strcmp(x.status, "open") != 0)
        return cs_undo(c, wrong_state(&x, "rectification_not_open", "CS-3.not_open"));
    rc = db_run(c,
                "UPDATE rectifications SET status = 'submitted', report_text = $2,"
                " reported_at = $3 WHERE id = $1",
                rect_id, text, cs_at(by));
    if (rc == DB_DONE)
        rc = event(c, &x, by, "reported", text);
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

verdict cases_rectification_review(db_conn *c, int64_t rect_id, bool passed, const char *text,
                                   const cases_actor *by)
{
    cs_rect x;
    int rc = begin_rect(c, rect_id, &x);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    if (strcmp(x.status, "submitted") != 0)
        return cs_undo(c, wrong_state(&x, "rectification_not_submitted", "CS-3.not_submitted"));
    int64_t now = cs_at(by);
    rc = db_run(c,
                "UPDATE rectifications SET status = $2, review_text = $3, reviewed_at = $4,"
                " returned = returned + $5, passed_at = $6 WHERE id = $1",
                rect_id, passed ? "passed" : "open", text, now, (int64_t)!passed,
                passed ? db_arg_int_(now) : DB_NULL);
    if (rc == DB_DONE)
        rc = event(c, &x, by, passed ? "passed" : "returned", text);
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

/* ---------- the ledger (台账) of a period ---------- */

static int each(db_stmt *s, cs_row_fn fn, void *ctx)
{
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        fn(ctx, s);
    db_finalize(s);
    return rc == DB_DONE ? DB_OK : rc;
}

int cs_store_ledger(db_conn *c, int64_t district_id, const char *from, const char *to,
                    const char *today, cs_row_fn cases, cs_row_fn inspections, cs_row_fn rects,
                    void *ctx)
{
    int rc = each(
        db_query(
            c,
            "SELECT k.id, k.arrived_on, k.source, k.category, sc.name, k.institution_id,"
            " k.place, k.status, k.due_date, k.closed_on, k.outcome,"
            " CASE WHEN k.status <> 'closed' AND k.due_date < $4 THEN 1 ELSE 0 END,"
            " (SELECT COUNT(*) FROM case_replies p WHERE p.case_id = k.id AND p.public = 1),"
            " (SELECT COALESCE(SUM(p.fine_fen), 0) FROM case_penalties p WHERE p.case_id = k.id),"
            " asc_.name"
            " FROM cases k LEFT JOIN schools sc ON sc.id = k.school_id"
            " LEFT JOIN schools asc_ ON asc_.id = k.assigned_school_id"
            " WHERE k.district_id = $1 AND k.arrived_on >= $2 AND k.arrived_on <= $3"
            " ORDER BY k.arrived_on, k.id",
            district_id, from, to, today),
        cases, ctx);
    if (rc == DB_OK)
        rc = each(db_query(c,
                           "SELECT i.id, i.date, sc.name, i.institution_id, i.note,"
                           " (SELECT COUNT(*) FROM rectifications r WHERE r.inspection_id = i.id),"
                           " (SELECT COUNT(*) FROM rectifications r WHERE r.inspection_id = i.id"
                           "  AND r.status = 'passed')"
                           " FROM inspections i LEFT JOIN schools sc ON sc.id = i.school_id"
                           " WHERE i.district_id = $1 AND i.date >= $2 AND i.date <= $3"
                           " ORDER BY i.date, i.id",
                           district_id, from, to),
                  inspections, ctx);
    if (rc == DB_OK)
        rc = each(db_query(c,
                           "SELECT r.id, r.inspection_id, sc.name, r.institution_id, r.rule,"
                           " r.finding, r.due_date, r.status, r.returned,"
                           " CASE WHEN r.status = 'open' AND r.due_date < $4 THEN 1 ELSE 0 END"
                           " FROM rectifications r JOIN inspections i ON i.id = r.inspection_id"
                           " LEFT JOIN schools sc ON sc.id = r.school_id"
                           " WHERE r.district_id = $1 AND i.date >= $2 AND i.date <= $3"
                           " ORDER BY i.date, r.id",
                           district_id, from, to, today),
                  rects, ctx);
    return rc;
}
