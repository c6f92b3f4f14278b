/*
 * store.c: the training module's SQL that other files share: loading an institution and a
 * course, setting an institution's state or list (a penalty's measures, cases). List queries
 * live beside their handlers in api.c.
 */
#include <stdio.h>
#include <string.h>

#include "training.h"

int training_institution_get(db_conn *c, int64_t id, training_institution *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, name, category, online, state, list"
                          " FROM institutions WHERE id = $1", id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_col_int64(s, 0);
        out->district_id = db_col_int64(s, 1);
        snprintf(out->name, sizeof out->name, "%s", db_col_text(s, 2));
        out->subject_based = strcmp(db_col_text(s, 3), "subject") == 0;
        out->online = db_col_int64(s, 4) != 0;
        snprintf(out->state, sizeof out->state, "%s", db_col_text(s, 5));
        snprintf(out->list, sizeof out->list, "%s", db_col_text(s, 6));
    }
    db_finalize(s);
    return rc;
}

int training_course_get(db_conn *c, int64_t id, training_course_row *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, institution_id, district_id, category, online, lesson_minutes,"
                          " price_per_lesson_fen, review_state, subject FROM courses WHERE id = $1", id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_col_int64(s, 0);
        out->institution_id = db_col_int64(s, 1);
        out->district_id = db_col_int64(s, 2);
        out->subject_based = strcmp(db_col_text(s, 3), "subject") == 0;
        out->online = db_col_int64(s, 4) != 0;
        out->lesson_minutes = (int)db_col_int64(s, 5);
        out->price_per_lesson_fen = db_col_int64(s, 6);
        snprintf(out->review_state, sizeof out->review_state, "%s", db_col_text(s, 7));
        snprintf(out->subject, sizeof out->subject, "%s", db_col_text(s, 8));
    }
    db_finalize(s);
    return rc;
}

int training_institution_district(db_conn *c, int64_t institution_id, int64_t *district_id)
{
    return db_query_int64(c, district_id, "SELECT district_id FROM institutions WHERE id = $1",
                          institution_id);
}

int training_institution_set_state(db_conn *c, int64_t id, const char *state, const char *reason)
{
    return db_run(c,
                  "UPDATE institutions SET state = $2, state_reason = $3, state_changed_at = $4"
                  " WHERE id = $1",
                  id, state, reason, now_unix());
}

int training_institution_set_list(db_conn *c, int64_t id, const char *list, const char *reason)
{
    return db_run(c,
                  "UPDATE institutions SET list = $2, list_reason = $3, list_changed_at = $4"
                  " WHERE id = $1",
                  id, list, reason, now_unix());
}
