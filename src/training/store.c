/*
 * store.c: all of the training module's SQL.
 *
 * Reads: an institution and a course as rows (training.h, for funds too), and as the JSON the
 * API shows, and the module's lists as pages (training_int.h).
 * Writes (training.h): each training_<action>() owns its transaction: begin, lock, check with
 * the pure rule (rules.c), write, commit; on a refusal or a failure it rolls back and returns
 * the verdict, nothing written. Its _in_tx twin is the same without begin, lock and commit,
 * for a caller inside its own transaction (the demo).
 */
#include <stdio.h>
#include <string.h>

#include "core/ident.h"
#include "training/training_int.h"

/* ---------- the transaction of a write ---------- */

/* Ends the transaction of a write: commits an allowed one, rolls back a refused or failed one;
 * returns the verdict (a store error when the commit fails). */
static verdict tx_end(db_conn *c, verdict v)
{
    if (!verdict_is_ok(&v)) {
        db_rollback(c);
        return v;
    }
    return db_commit(c) == DB_OK ? v : verdict_db(DB_ERROR);
}

/* A statement that should have run to the end: its verdict. */
static verdict done(int rc)
{
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

static int64_t at_or_now(int64_t at)
{
    return at ? at : now_unix();
}

/* ---------- rows ---------- */

int training_institution_get(db_conn *c, int64_t id, training_institution *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, name, category, online, state, list"
                          " FROM institutions WHERE id = $1",
                          id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        db_row row = db_row_at(s, 0);
        out->id = db_next_int64(&row);
        out->district_id = db_next_int64(&row);
        DB_NEXT_TEXT(&row, out->name);
        out->subject_based = strcmp(db_next_text_ref(&row), "subject") == 0;
        out->online = db_next_int64(&row) != 0;
        DB_NEXT_TEXT(&row, out->state);
        DB_NEXT_TEXT(&row, out->list);
    }
    db_finalize(s);
    return rc;
}

int training_course_get(db_conn *c, int64_t id, training_course_row *out)
{
    db_stmt *s =
        db_query(c,
                 "SELECT id, institution_id, district_id, category, online, lesson_minutes,"
                 " price_per_lesson_fen, review_state, subject FROM courses WHERE id = $1",
                 id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        db_row row = db_row_at(s, 0);
        out->id = db_next_int64(&row);
        out->institution_id = db_next_int64(&row);
        out->district_id = db_next_int64(&row);
        out->subject_based = strcmp(db_next_text_ref(&row), "subject") == 0;
        out->online = db_next_int64(&row) != 0;
        out->lesson_minutes = (int)db_next_int64(&row);
        out->price_per_lesson_fen = db_next_int64(&row);
        DB_NEXT_TEXT(&row, out->review_state);
        DB_NEXT_TEXT(&row, out->subject);
    }
    db_finalize(s);
    return rc;
}

int training_institution_district(db_conn *c, int64_t institution_id, int64_t *district_id)
{
    return db_query_int64(c, district_id, "SELECT district_id FROM institutions WHERE id = $1",
                          institution_id);
}

/* ---------- institutions as the API shows them ---------- */

#define INST_COLS                                                                                  \
    "id:i,name:s,category:s,license_no:s,license_valid_until:S,uscc:S,address:s,online:b,"         \
    "non_profit:b,contact:S,state:s,state_reason:S,list:s,list_reason:S,created_at:i,"             \
    "last_inspection_year:I,last_inspection_date:S,last_inspection_result:S"
#define INST_SELECT                                                                                \
    "SELECT i.id, i.name, i.category, i.license_no, i.license_valid_until, i.uscc, i.address,"     \
    " i.online, i.non_profit, i.contact, i.state, i.state_reason, i.list, i.list_reason,"          \
    " i.created_at, li.year, li.date, li.result FROM institutions i"                               \
    " LEFT JOIN institution_inspections li ON li.id = (SELECT MAX(x.id) FROM"                      \
    " institution_inspections x WHERE x.institution_id = i.id AND x.year ="                        \
    " (SELECT MAX(y.year) FROM institution_inspections y WHERE y.institution_id = i.id))"
#define INST_FILTERS                                                                               \
    " AND ($2 = '' OR i.state = $2) AND ($3 = '' OR i.list = $3)"                                  \
    " AND ($4 = '' OR i.name LIKE ('%' || $4 || '%') OR i.license_no = $4)"

/* Adds the derived fields: licence expired, licence number of the standard form, inspection
 * overdue (TR-7). */
static void institution_decorate(const policy *pol, json_t *o)
{
    char today[11], reg[11];
    today_local(today);
    const char *valid = json_string_value(json_object_get(o, "license_valid_until"));
    json_object_set_new(o, "license_expired", json_boolean(valid && strcmp(valid, today) < 0));
    const char *no = json_string_value(json_object_get(o, "license_no"));
    json_object_set_new(o, "license_no_valid", json_boolean(no && ident_license_no_valid(no)));
    int64_t created = json_integer_value(json_object_get(o, "created_at"));
    unix_date(created, reg);
    const char *last = json_string_value(json_object_get(o, "last_inspection_date"));
    json_object_set_new(o, "inspection_overdue",
                        json_boolean(training_inspection_overdue(pol, last, reg, today)));
}

/* The one row of a statement as an object, NULL when there is not exactly one. */
static json_t *one_row(db_stmt *s, const char *cols)
{
    json_t *rows = db_rows_json(s, cols);
    json_t *o = json_array_size(rows) == 1 ? json_incref(json_array_get(rows, 0)) : NULL;
    json_decref(rows);
    return o;
}

json_t *tr_store_institution_json(db_conn *c, const policy *pol, int64_t id)
{
    json_t *o = one_row(db_query(c, INST_SELECT " WHERE i.id = $1", id), INST_COLS);
    if (o)
        institution_decorate(pol, o);
    return o;
}

/* Each scope is a whole statement; no SQL is assembled from pieces at run time. */
static const char *const institutions_sql[2][2] = {
    [TR_SEE_DISTRICT] =
        {
            INST_SELECT " WHERE i.district_id = $1" INST_FILTERS " ORDER BY i.id",
            "SELECT COUNT(*) FROM institutions i WHERE i.district_id = $1" INST_FILTERS,
        },
    [TR_SEE_ADMIN] =
        {
            INST_SELECT " WHERE i.id IN (SELECT institution_id FROM user_roles WHERE user_id = $1"
                        " AND role = 'institution_admin')" INST_FILTERS " ORDER BY i.id",
            "SELECT COUNT(*) FROM institutions i WHERE i.id IN (SELECT institution_id FROM "
            "user_roles"
            " WHERE user_id = $1 AND role = 'institution_admin')" INST_FILTERS,
        },
};

json_t *tr_store_institutions(db_conn *c, const policy *pol, tr_see who, int64_t key,
                              const char *state, const char *list, const char *q, int64_t limit,
                              int64_t offset)
{
    json_t *page =
        db_list_page_a(c, institutions_sql[who][0], institutions_sql[who][1], INST_COLS, limit,
                       offset, DB_ARGS(key, state ? state : "", list ? list : "", q ? q : ""));
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(page, "items"), i, it) institution_decorate(pol, it);
    return page;
}

json_t *tr_store_inspections(db_conn *c, int64_t institution_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT id, year, date, result, note FROM institution_inspections"
                        " WHERE institution_id = $1 ORDER BY year DESC, id DESC",
                        "SELECT COUNT(*) FROM institution_inspections WHERE institution_id = $1",
                        "id:i,year:i,date:s,result:s,note:S", limit, offset, institution_id);
}

json_t *tr_store_staff(db_conn *c, int64_t institution_id, int64_t district_id, int64_t limit,
                       int64_t offset)
{
    return db_list_page(
        c,
        "SELECT s.id, s.name, s.teaches_subject, s.subjects, s.cert_no, s.id_masked, s.active,"
        " (SELECT COUNT(*) FROM staff_blacklist b WHERE b.district_id = $2 AND"
        " ((b.cert_no IS NOT NULL AND b.cert_no = s.cert_no) OR"
        " (b.id_hash IS NOT NULL AND b.id_hash = s.id_hash)))"
        " FROM institution_staff s WHERE s.institution_id = $1 ORDER BY s.id",
        "SELECT COUNT(*) FROM institution_staff WHERE institution_id = $1 AND $2 > 0",
        "id:i,name:s,teaches_subject:b,subjects:S,cert_no:S,id_masked:S,active:b,blacklisted:b",
        limit, offset, institution_id, district_id);
}

json_t *tr_store_blacklist(db_conn *c, int64_t district_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT id, name, cert_no, id_masked, reason, created_at"
                        " FROM staff_blacklist WHERE district_id = $1 ORDER BY id DESC",
                        "SELECT COUNT(*) FROM staff_blacklist WHERE district_id = $1",
                        "id:i,name:s,cert_no:S,id_masked:S,reason:s,created_at:i", limit, offset,
                        district_id);
}

/* ---------- courses as the API shows them ---------- */

/* The stored schedule text as a JSON array (an empty one if it does not parse). */
static void schedule_parse(json_t *o)
{
    json_t *sched = json_loads(json_string_value(json_object_get(o, "schedule")), 0, NULL);
    json_object_set_new(o, "schedule", json_is_array(sched) ? sched : json_array());
    if (sched && !json_is_array(sched))
        json_decref(sched);
}

json_t *tr_store_course_json(db_conn *c, int64_t id)
{
    json_t *o = one_row(
        db_query(c,
                 "SELECT c.id, c.institution_id, i.name, c.name, c.subject, c.category, c.online,"
                 " c.lesson_minutes, c.price_per_lesson_fen, c.price_cap_fen, c.schedule,"
                 " c.review_state, c.review_note, c.policy_version FROM courses c"
                 " JOIN institutions i ON i.id = c.institution_id WHERE c.id = $1",
                 id),
        "id:i,institution_id:i,institution_name:s,name:s,subject:s,category:s,online:b,"
        "lesson_minutes:i,price_per_lesson_fen:i,price_cap_fen:I,schedule:s,review_state:s,"
        "review_note:S,policy_version:s");
    if (o)
        schedule_parse(o);
    return o;
}

json_t *tr_store_courses(db_conn *c, int64_t institution_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT id, name, subject, category, online, lesson_minutes,"
                        " price_per_lesson_fen, review_state FROM courses WHERE institution_id = $1"
                        " ORDER BY id",
                        "SELECT COUNT(*) FROM courses WHERE institution_id = $1",
                        "id:i,name:s,subject:s,category:s,online:b,lesson_minutes:i,"
                        "price_per_lesson_fen:i,review_state:s",
                        limit, offset, institution_id);
}

/* ---------- the public look-up ---------- */

#define PUBLIC_COLS                                                                                \
    "id:i,name:s,category:s,license_no:s,license_valid_until:S,address:s,online:b,state:s,"        \
    "list:s,last_inspection_year:I,last_inspection_result:S,courses:i"
#define PUBLIC_SELECT                                                                              \
    "SELECT i.id, i.name, i.category, i.license_no, i.license_valid_until, i.address, i.online,"   \
    " i.state, i.list, (SELECT MAX(year) FROM institution_inspections x WHERE"                     \
    " x.institution_id = i.id), (SELECT x.result FROM institution_inspections x WHERE"             \
    " x.institution_id = i.id ORDER BY x.year DESC, x.id DESC LIMIT 1),"                           \
    " (SELECT COUNT(*) FROM courses c WHERE c.institution_id = i.id AND"                           \
    " c.review_state <> 'rejected') FROM institutions i"
#define PUBLIC_FILTERS                                                                             \
    " WHERE ($1 = '' OR i.list = $1) AND ($2 = '' OR i.name LIKE ('%' || $2 || '%'))"              \
    " AND ($3 = '' OR i.category = $3)"

json_t *tr_store_public_list(db_conn *c, const char *list, const char *q, const char *category,
                             int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        PUBLIC_SELECT PUBLIC_FILTERS " ORDER BY CASE i.list WHEN 'white' THEN 0"
                                                     " WHEN 'none' THEN 1 ELSE 2 END, i.id",
                        "SELECT COUNT(*) FROM institutions i" PUBLIC_FILTERS, PUBLIC_COLS, limit,
                        offset, list ? list : "", q ? q : "", category ? category : "");
}

int tr_store_public_get(db_conn *c, int64_t id, json_t **out)
{
    *out = NULL;
    json_t *rows = db_rows_json(db_query(c, PUBLIC_SELECT " WHERE i.id = $1", id), PUBLIC_COLS);
    if (!rows)
        return DB_ERROR;
    if (json_array_size(rows) != 1) {
        json_decref(rows);
        return DB_DONE;
    }
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    json_t *courses = db_rows_json(
        db_query(c,
                 "SELECT id, name, subject, category, online, lesson_minutes,"
                 " price_per_lesson_fen, schedule, review_state FROM courses"
                 " WHERE institution_id = $1 AND review_state <> 'rejected' ORDER BY id",
                 id),
        "id:i,name:s,subject:s,category:s,online:b,lesson_minutes:i,price_per_lesson_fen:i,"
        "schedule:s,review_state:s");
    if (!courses) {
        json_decref(o);
        return DB_ERROR;
    }
    size_t i;
    json_t *it;
    json_array_foreach(courses, i, it) schedule_parse(it);
    json_object_set_new(o, "courses", courses);
    *out = o;
    return DB_ROW;
}

/* ---------- writes: institutions ---------- */

verdict training_institution_register_in_tx(db_conn *c, const training_institution_in *in,
                                            int64_t *id)
{
    int rc = db_insert_id(c, id,
                          "INSERT INTO institutions (district_id, name, category, license_no,"
                          " license_valid_until, uscc, address, online, non_profit, contact,"
                          " created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id",
                          in->district_id, in->name, in->subject_based ? "subject" : "non_subject",
                          in->license_no, in->license_valid_until, in->uscc, in->address,
                          in->online, in->non_profit, in->contact, at_or_now(in->at));
    if (rc == DB_CONSTRAINT) {
        verdict v = verdict_err(SJ_ERR_LICENSE_TAKEN, NULL);
        verdict_str(&v, "field", "license_no");
        return v;
    }
    return done(rc);
}

verdict training_institution_register(db_conn *c, const training_institution_in *in, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    return tx_end(c, training_institution_register_in_tx(c, in, id));
}

verdict training_institution_update(db_conn *c, int64_t id, const char *name, const char *address,
                                    const char *license_valid_until, const char *contact)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = db_run(
        c,
        "UPDATE institutions SET name = COALESCE($2, name),"
        " address = COALESCE($3, address), license_valid_until = COALESCE($4, license_valid_until),"
        " contact = COALESCE($5, contact) WHERE id = $1",
        id, name, address, license_valid_until, contact);
    return tx_end(c, done(rc));
}

verdict training_institution_list_set_in_tx(db_conn *c, int64_t id, const char *list,
                                            const char *reason, int64_t at)
{
    return done(db_run(c,
                       "UPDATE institutions SET list = $2, list_reason = $3, list_changed_at = $4"
                       " WHERE id = $1",
                       id, list, reason, at_or_now(at)));
}

verdict training_institution_state_set_in_tx(db_conn *c, int64_t id, const char *state,
                                             const char *reason, int64_t at)
{
    return done(db_run(c,
                       "UPDATE institutions SET state = $2, state_reason = $3,"
                       " state_changed_at = $4 WHERE id = $1",
                       id, state, reason, at_or_now(at)));
}

verdict training_institution_list_set(db_conn *c, int64_t id, const char *list, const char *reason,
                                      int64_t at)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    return tx_end(c, training_institution_list_set_in_tx(c, id, list, reason, at));
}

verdict training_inspection_add_in_tx(db_conn *c, const training_inspection_in *in, int64_t *id)
{
    int rc = db_insert_id(c, id,
                          "INSERT INTO institution_inspections (institution_id, year, date, result,"
                          " note, inspector_id, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)"
                          " RETURNING id",
                          in->institution_id, in->year, in->date, in->result, in->note,
                          db_id_or_null(in->inspector_id), at_or_now(in->at));
    if (rc == DB_CONSTRAINT) { /* one inspection a year */
        verdict v = verdict_err(SJ_ERR_CONFLICT, "training.inspection_twice");
        verdict_str(&v, "field", "year");
        verdict_num(&v, "year", in->year);
        return v;
    }
    return done(rc);
}

verdict training_inspection_add(db_conn *c, const training_inspection_in *in, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    return tx_end(c, training_inspection_add_in_tx(c, in, id));
}

/* ---------- writes: staff (TR-6) ---------- */

/* The staff black list matches by certificate number or by identity number (hashed). */
static int blacklisted(db_conn *c, int64_t district_id, const char *cert_no, const char *id_hash,
                       bool *out)
{
    int64_t one = 0;
    int rc = db_query_int64(c, &one,
                            "SELECT 1 FROM staff_blacklist WHERE district_id = $1 AND"
                            " ((cert_no IS NOT NULL AND cert_no = $2) OR"
                            " (id_hash IS NOT NULL AND id_hash = $3))",
                            district_id, cert_no ? cert_no : "", id_hash ? id_hash : "");
    *out = rc == DB_ROW;
    return rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
}

verdict training_staff_add_in_tx(db_conn *c, const policy *pol, const training_staff_in *in,
                                 int64_t *id)
{
    training_staff st = {in->teaches_subject, in->cert_no, in->in_service_teacher, false};
    int rc = blacklisted(c, in->district_id, in->cert_no, in->id_hash, &st.blacklisted);
    if (rc != DB_OK)
        return verdict_db(rc);
    verdict v = training_staff_check(pol, &st);
    if (!verdict_is_ok(&v))
        return v;
    int type = in->cert_no ? ident_teacher_cert_type(in->cert_no) : 0;
    return done(db_insert_id(c, id,
                             "INSERT INTO institution_staff (institution_id, name, teaches_subject,"
                             " subjects, cert_no, cert_type, id_hash, id_masked, policy_version,"
                             " created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
                             in->institution_id, in->name, in->teaches_subject, in->subjects,
                             in->cert_no, db_id_or_null(type), in->id_hash, in->id_masked,
                             policy_version(pol), at_or_now(in->at)));
}

verdict training_staff_add(db_conn *c, const policy *pol, const training_staff_in *in, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    return tx_end(c, training_staff_add_in_tx(c, pol, in, id));
}

verdict training_staff_remove(db_conn *c, int64_t institution_id, int64_t staff_id)
{
    int64_t one = 0;
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = db_query_int64(c, &one,
                        "UPDATE institution_staff SET active = 0 WHERE id = $1 AND"
                        " institution_id = $2 RETURNING id",
                        staff_id, institution_id);
    return tx_end(c, rc == DB_ROW    ? verdict_ok()
                     : rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL)
                                     : verdict_db(rc));
}

verdict training_blacklist_add_in_tx(db_conn *c, const training_blacklist_in *in, int64_t *id)
{
    return done(db_insert_id(c, id,
                             "INSERT INTO staff_blacklist (district_id, name, cert_no, id_hash,"
                             " id_masked, reason, created_by, created_at)"
                             " VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id",
                             in->district_id, in->name, in->cert_no, in->id_hash, in->id_masked,
                             in->reason, db_id_or_null(in->actor), at_or_now(in->at)));
}

verdict training_blacklist_add(db_conn *c, const training_blacklist_in *in, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    return tx_end(c, training_blacklist_add_in_tx(c, in, id));
}

/* ---------- writes: courses ---------- */

verdict training_course_add_in_tx(db_conn *c, const policy *pol, const training_course_in *in,
                                  int64_t *id)
{
    training_institution inst;
    int rc = training_institution_get(c, in->institution_id, &inst);
    if (rc != DB_ROW)
        return rc == DB_DONE ? verdict_err(SJ_ERR_NOT_FOUND, NULL) : verdict_db(rc);
    verdict v = training_institution_open(&inst);
    bool subject_based = false;
    if (verdict_is_ok(&v))
        v = training_course_category(pol, in->subject, inst.subject_based, &subject_based);
    training_course co = {subject_based, in->online, in->lesson_minutes, in->price_per_lesson_fen,
                          in->slots,     in->nslots};
    if (verdict_is_ok(&v))
        v = training_course_check(pol, &co);
    if (!verdict_is_ok(&v))
        return v;
    int64_t cap = subject_based ? training_price_cap_fen(pol, in->online, in->lesson_minutes) : 0;
    return done(db_insert_id(c, id,
                             "INSERT INTO courses (district_id, institution_id, name, subject,"
                             " category, online, lesson_minutes, price_per_lesson_fen,"
                             " price_cap_fen, schedule, policy_version, created_at)"
                             " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id",
                             inst.district_id, inst.id, in->name, in->subject,
                             subject_based ? "subject" : "non_subject", in->online,
                             in->lesson_minutes, in->price_per_lesson_fen, db_id_or_null(cap),
                             in->schedule_json, policy_version(pol), at_or_now(in->at)));
}

verdict training_course_add(db_conn *c, const policy *pol, const training_course_in *in,
                            int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = db_lock(c, DB_LOCK_INSTITUTION, in->institution_id);
    return tx_end(c, rc == DB_OK ? training_course_add_in_tx(c, pol, in, id) : verdict_db(rc));
}

verdict training_course_review_in_tx(db_conn *c, int64_t course_id, const char *state,
                                     const char *note)
{
    return done(db_run(c, "UPDATE courses SET review_state = $2, review_note = $3 WHERE id = $1",
                       course_id, state, note));
}

verdict training_course_review(db_conn *c, int64_t course_id, const char *state, const char *note)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    return tx_end(c, training_course_review_in_tx(c, course_id, state, note));
}
