/*
 * store_cases.c: typical cases (典型案例, RP-2) and their photos.
 *
 * States: a school submits a case ("submitted"); the district selects it ("selected", or sends a
 * selected one back to "submitted") and publishes it ("published", final). The school edits
 * its case while it is submitted; the district edits it until it is published. Each write is
 * one reports_case_<action>() owning its transaction, checking the state under the row it
 * changes (UPDATE ... WHERE status = ...), so two people acting at once never both pass.
 *
 * Photos: at most RP_PHOTOS_MAX a case, each a JPEG or a PNG (by its bytes, without its
 * metadata: api_rp2.c) of at most RP_PHOTO_BYTES_MAX, stored base64 in typical_case_photos; the
 * count is checked under the case's row lock (an UPDATE of the case first), so a seventh photo
 * never slips in.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/reports_int.h"

const char *const reports_case_topics[] = {"homework", "afterschool", "exams", "training",
                                           "family",   "other",       NULL};
const char *const reports_case_statuses[] = {"submitted", "selected", "published", NULL};

static verdict undo(db_conn *c, verdict v)
{
    db_rollback(c);
    return v;
}

int rp_store_case(db_conn *c, int64_t id, rp_case_head *out)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, school_id, term, topic, status, title"
                          " FROM typical_cases WHERE id = $1",
                          id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        out->id = db_next_int64(&row);
        out->district_id = db_next_int64(&row);
        out->school_id = db_next_int64(&row);
        DB_NEXT_TEXT(&row, out->term);
        DB_NEXT_TEXT(&row, out->topic);
        DB_NEXT_TEXT(&row, out->status);
        DB_NEXT_TEXT(&row, out->title);
    }
    db_finalize(s);
    return rc;
}

static const char case_types[] =
    "id:i,school_id:i,school_name:s,term:s,topic:s,title:s,body:s,status:s,submitted_at:i,"
    "edited_at:I,selected_at:I,published_at:I,photos:i";

/* Timestamps as RFC 3339 (null stays null). */
static void stamps(json_t *o)
{
    static const char *const keys[] = {"submitted_at", "edited_at", "selected_at", "published_at"};
    for (size_t i = 0; i < 4; i++) {
        json_t *v = json_object_get(o, keys[i]);
        if (json_is_integer(v)) {
            char at[32];
            unix_rfc3339(json_integer_value(v), at);
            json_object_set_new(o, keys[i], json_string(at));
        }
    }
}

json_t *rp_store_case_json(db_conn *c, int64_t id)
{
    json_t *rows = db_rows_json(
        db_query(c,
                 "SELECT t.id, t.school_id, s.name, t.term, t.topic, t.title, t.body, t.status,"
                 " t.submitted_at, t.edited_at, t.selected_at, t.published_at,"
                 " (SELECT COUNT(*) FROM typical_case_photos p WHERE p.case_id = t.id)"
                 " FROM typical_cases t JOIN rp_schools s ON s.id = t.school_id WHERE t.id = $1",
                 id),
        case_types);
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (!o)
        return NULL;
    stamps(o);
    json_t *photos = db_rows_json(db_query(c,
                                           "SELECT id, mime, bytes FROM typical_case_photos"
                                           " WHERE case_id = $1 ORDER BY id",
                                           id),
                                  "id:i,mime:s,bytes:i");
    if (!photos) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "photo_list", photos);
    return o;
}

json_t *rp_store_cases_page(db_conn *c, int64_t district_id, int64_t school_id, const char *term,
                            const char *status, int64_t limit, int64_t offset)
{
    json_t *page = db_list_page(
        c,
        "SELECT t.id, t.school_id, s.name, t.term, t.topic, t.title, t.body, t.status,"
        " t.submitted_at, t.edited_at, t.selected_at, t.published_at,"
        " (SELECT COUNT(*) FROM typical_case_photos p WHERE p.case_id = t.id)"
        " FROM typical_cases t JOIN rp_schools s ON s.id = t.school_id"
        " WHERE t.district_id = $1 AND ($2 = 0 OR t.school_id = $2) AND ($3 = '' OR t.term = $3)"
        " AND ($4 = '' OR t.status = $4) ORDER BY t.id DESC",
        "SELECT COUNT(*) FROM typical_cases t WHERE t.district_id = $1"
        " AND ($2 = 0 OR t.school_id = $2) AND ($3 = '' OR t.term = $3) AND ($4 = '' OR t.status = "
        "$4)",
        case_types, limit, offset, district_id, school_id, term ? term : "", status ? status : "");
    json_t *it;
    size_t i;
    json_array_foreach(json_object_get(page, "items"), i, it) stamps(it);
    return page;
}

json_t *rp_store_term_cases(db_conn *c, int64_t district_id, const char *term)
{
    json_t *rows = db_rows_json(
        db_query(
            c,
            "SELECT t.id, t.school_id, s.name, t.term, t.topic, t.title, t.body, t.status,"
            " t.submitted_at, t.edited_at, t.selected_at, t.published_at,"
            " (SELECT COUNT(*) FROM typical_case_photos p WHERE p.case_id = t.id)"
            " FROM typical_cases t JOIN rp_schools s ON s.id = t.school_id"
            " WHERE t.district_id = $1 AND t.term = $2 AND t.status IN ('selected', 'published')"
            " ORDER BY t.status DESC, t.id",
            district_id, term),
        case_types);
    json_t *it;
    size_t i;
    json_array_foreach(rows, i, it)
    {
        stamps(it);
        json_t *photos =
            db_rows_json(db_query(c,
                                  "SELECT id FROM typical_case_photos WHERE case_id = $1"
                                  " ORDER BY id",
                                  json_integer_value(json_object_get(it, "id"))),
                         "id:i");
        if (!photos) {
            json_decref(rows);
            return NULL;
        }
        json_object_set_new(it, "photo_list", photos);
    }
    return rows;
}

verdict reports_case_submit(db_conn *c, const rp_case_in *in, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_insert_id(
            c, id,
            "INSERT INTO typical_cases (district_id, school_id, term, topic, title, body,"
            " status, submitted_by, submitted_at) VALUES ($1,$2,$3,$4,$5,$6,'submitted',$7,$8)"
            " RETURNING id",
            in->district_id, in->school_id, in->term, in->topic, in->title, in->body, in->actor,
            now_unix());
    if (rc != DB_DONE || db_commit(c) != DB_OK)
        return undo(c, verdict_db(rc == DB_DONE ? DB_ERROR : rc));
    return verdict_ok();
}

/* 409 with the case's state: the action does not apply to it now. */
static verdict wrong_state(db_conn *c, int64_t id, const char *msg)
{
    rp_case_head h;
    int rc = rp_store_case(c, id, &h);
    if (rc != DB_ROW)
        return verdict_db(rc == DB_DONE ? DB_ERROR : rc);
    verdict v = verdict_refuse(SJ_ERR_CONFLICT, "case_state", "RP-2", msg);
    verdict_str(&v, "status", h.status);
    return v;
}

/* Runs one UPDATE that applies only in the states it names; 409 when no row changed. */
static verdict update_in_state(db_conn *c, int64_t id, const char *msg, const char *sql,
                               const db_arg *args)
{
    int rc = db_begin_write(c);
    int64_t changed = 0;
    if (rc == DB_OK)
        rc = db_query_int64_a(c, &changed, sql, args);
    if (rc == DB_DONE) /* RETURNING gave no row: not in a state the action applies to */
        return undo(c, wrong_state(c, id, msg));
    if (rc != DB_ROW || db_commit(c) != DB_OK)
        return undo(c, verdict_db(rc == DB_ROW ? DB_ERROR : rc));
    return verdict_ok();
}

verdict reports_case_edit(db_conn *c, int64_t id, const char *title, const char *body,
                          const char *topic, bool by_school, int64_t actor)
{
    return update_in_state(
        c, id, by_school ? "reports.case_locked_school" : "reports.case_published",
        "UPDATE typical_cases SET title = COALESCE($2, title), body = COALESCE($3, body),"
        " topic = COALESCE($4, topic), edited_by = $5, edited_at = $6"
        " WHERE id = $1 AND (status = 'submitted' OR ($7 = 0 AND status = 'selected'))"
        " RETURNING id",
        DB_ARGS(id, title, body, topic, actor, now_unix(), by_school ? 1 : 0));
}

verdict reports_case_select(db_conn *c, int64_t id, bool select, int64_t actor)
{
    if (select)
        return update_in_state(
            c, id, "reports.case_not_submitted",
            "UPDATE typical_cases SET status = 'selected', selected_by = $2,"
            " selected_at = $3 WHERE id = $1 AND status = 'submitted' RETURNING id",
            DB_ARGS(id, actor, now_unix()));
    return update_in_state(c, id, "reports.case_not_selected",
                           "UPDATE typical_cases SET status = 'submitted', selected_by = NULL,"
                           " selected_at = NULL WHERE id = $1 AND status = 'selected' RETURNING id",
                           DB_ARGS(id));
}

verdict reports_case_publish(db_conn *c, int64_t id, int64_t actor)
{
    return update_in_state(c, id, "reports.case_not_selected",
                           "UPDATE typical_cases SET status = 'published', published_by = $2,"
                           " published_at = $3 WHERE id = $1 AND status = 'selected' RETURNING id",
                           DB_ARGS(id, actor, now_unix()));
}

verdict reports_case_photo_add(db_conn *c, int64_t case_id, int64_t district_id, const char *mime,
                               const unsigned char *data, size_t len, int64_t actor, int64_t *id)
{
    size_t b64len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    if (!b64)
        abort();
    sodium_bin2base64(b64, b64len, data, len, sodium_base64_VARIANT_ORIGINAL);
    int64_t n = 0, one = 0;
    /* the case's row first: photos of one case are added one at a time */
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_query_int64(c, &one,
                            "UPDATE typical_cases SET edited_at = edited_at WHERE id = $1"
                            " AND status <> 'published' RETURNING id",
                            case_id);
    if (rc == DB_DONE) {
        free(b64);
        return undo(c, wrong_state(c, case_id, "reports.case_published"));
    }
    if (rc == DB_ROW)
        rc = db_query_int64(c, &n, "SELECT COUNT(*) FROM typical_case_photos WHERE case_id = $1",
                            case_id);
    if (rc != DB_ROW) {
        free(b64);
        return undo(c, verdict_db(rc));
    }
    if (n >= RP_PHOTOS_MAX) {
        free(b64);
        verdict v =
            verdict_refuse(SJ_ERR_CONFLICT, "too_many_photos", "RP-2", "reports.too_many_photos");
        verdict_num(&v, "max", RP_PHOTOS_MAX);
        return undo(c, v);
    }
    rc = db_insert_id(c, id,
                      "INSERT INTO typical_case_photos (case_id, district_id, mime, bytes, data,"
                      " created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
                      case_id, district_id, mime, (int64_t)len, b64, actor, now_unix());
    free(b64);
    if (rc != DB_DONE || db_commit(c) != DB_OK)
        return undo(c, verdict_db(rc == DB_DONE ? DB_ERROR : rc));
    return verdict_ok();
}

verdict reports_case_photo_delete(db_conn *c, int64_t case_id, int64_t photo_id)
{
    int64_t one = 0;
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_query_int64(c, &one,
                            "UPDATE typical_cases SET edited_at = edited_at WHERE id = $1"
                            " AND status <> 'published' RETURNING id",
                            case_id);
    if (rc == DB_DONE)
        return undo(c, wrong_state(c, case_id, "reports.case_published"));
    if (rc == DB_ROW)
        rc = db_query_int64(
            c, &one, "DELETE FROM typical_case_photos WHERE id = $1 AND case_id = $2 RETURNING id",
            photo_id, case_id);
    if (rc == DB_DONE)
        return undo(c, verdict_err(SJ_ERR_NOT_FOUND, NULL));
    if (rc != DB_ROW || db_commit(c) != DB_OK)
        return undo(c, verdict_db(rc == DB_ROW ? DB_ERROR : rc));
    return verdict_ok();
}

int rp_store_photo(db_conn *c, int64_t case_id, int64_t photo_id, char mime[16],
                   unsigned char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    db_stmt *s = db_query(c,
                          "SELECT mime, bytes, data FROM typical_case_photos WHERE id = $1"
                          " AND case_id = $2",
                          photo_id, case_id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        snprintf(mime, 16, "%s", db_col_text(s, 0));
        size_t cap = (size_t)db_col_int64(s, 1) + 4;
        const char *b64 = db_col_text(s, 2);
        *data = malloc(cap);
        if (!*data)
            abort();
        if (sodium_base642bin(*data, cap, b64, strlen(b64), NULL, len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0)
            rc = DB_ERROR;
    }
    db_finalize(s);
    if (rc != DB_ROW) {
        free(*data);
        *data = NULL;
    }
    return rc;
}
