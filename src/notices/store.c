/*
 * store.c: the notices' SQL (tables of migrations/0600_notices.sql). The writes (notices.h)
 * each own their transaction: begin, lock, check, write, commit, and return the verdict; on any
 * refusal or failure they roll back and nothing is written. Each has an _in_tx twin that does
 * the same inside the caller's transaction (the demo's), so both paths share one body. The
 * reads (notices_int.h) run on the caller's connection.
 *
 * Recipients are written by one INSERT ... SELECT per notice from its target rows. The targets
 * of one notice all have one shape (rules.c): every row names a class, or every row a school
 * (and maybe a grade), or none does (the whole district, maybe a grade). Each shape has its own
 * whole statement (recipients_sql below, chosen, never assembled), so each finds the classes
 * through an index: a class by its id, a school's classes by classes_school, the district's
 * by one pass over its classes. The statement is one UNION ALL of a branch per role, each
 * gated by its bit of $3, so a role not asked for costs nothing.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "notices/notices_int.h"

/* ---------- the recipients of a notice: $1 notice, $2 sender (never their own recipient),
 * $3 the roles (NT_TO_* bits) ---------- */

#define R_COLS "t.notice_id AS nid, "
#define BRANCH_GUARDIAN(CLASS_JOIN)                                                                \
    "SELECT " R_COLS "g.user_id AS uid, c.district_id AS did, c.school_id AS sid, c.id AS cid,"    \
    " p.id AS pid FROM notice_targets t " CLASS_JOIN                                               \
    " JOIN students p ON p.class_id = c.id JOIN guardianships g ON g.student_id = p.id"            \
    " WHERE t.notice_id = $1 AND ($3 & 1) <> 0"
#define BRANCH_TEACHING(CLASS_JOIN)                                                                \
    " UNION ALL SELECT " R_COLS "x.user_id, c.district_id, c.school_id, c.id, NULL"                \
    " FROM notice_targets t " CLASS_JOIN " JOIN teaching x ON x.class_id = c.id"                   \
    " WHERE t.notice_id = $1 AND ($3 & 2) <> 0 AND x.user_id <> $2"
/* staff by role at the targets' schools: SCHOOLS joins `ur` (user_roles) to the target */
#define BRANCH_ROLE(SCHOOLS, ROLE, BIT, EXTRA)                                                     \
    " UNION ALL SELECT " R_COLS "ur.user_id, t.district_id, ur.school_id, NULL, NULL"              \
    " FROM notice_targets t " SCHOOLS " AND ur.role = '" ROLE "'"                                  \
    " WHERE t.notice_id = $1 AND ($3 & " BIT ") <> 0 AND ur.user_id <> $2" EXTRA

#define CLASS_BY_ID "JOIN classes c ON c.id = t.class_id"
#define CLASS_BY_SCHOOL                                                                            \
    "JOIN classes c ON c.school_id = t.school_id AND (t.grade IS NULL OR c.grade = t.grade)"
#define CLASS_BY_DISTRICT                                                                          \
    "JOIN classes c ON c.district_id = t.district_id AND (t.grade IS NULL OR c.grade = t.grade)"

#define UR_OF_CLASS                                                                                \
    "JOIN classes c ON c.id = t.class_id JOIN user_roles ur ON ur.school_id = c.school_id"
#define UR_OF_SCHOOL "JOIN user_roles ur ON ur.school_id = t.school_id"
#define UR_OF_DISTRICT                                                                             \
    "JOIN schools s ON s.district_id = t.district_id JOIN user_roles ur ON ur.school_id = s.id"

enum { SHAPE_CLASS = 0, SHAPE_SCHOOL, SHAPE_DISTRICT };

/* The candidates of each shape: every branch, one statement. */
#define CANDIDATES_CLASS                                                                           \
    BRANCH_GUARDIAN(CLASS_BY_ID)                                                                   \
    BRANCH_TEACHING(CLASS_BY_ID)                                                                   \
    BRANCH_ROLE(UR_OF_CLASS, "grade_leader", "4", " AND ur.grade = c.grade")                       \
    BRANCH_ROLE(UR_OF_CLASS, "school_admin", "8", "")
#define CANDIDATES_SCHOOL                                                                          \
    BRANCH_GUARDIAN(CLASS_BY_SCHOOL)                                                               \
    BRANCH_TEACHING(CLASS_BY_SCHOOL)                                                               \
    BRANCH_ROLE(UR_OF_SCHOOL, "teacher", "2", " AND t.grade IS NULL")                              \
    BRANCH_ROLE(UR_OF_SCHOOL, "grade_leader", "4", " AND (t.grade IS NULL OR ur.grade = t.grade)") \
    BRANCH_ROLE(UR_OF_SCHOOL, "school_admin", "8", "")
#define CANDIDATES_DISTRICT                                                                        \
    BRANCH_GUARDIAN(CLASS_BY_DISTRICT)                                                             \
    BRANCH_TEACHING(CLASS_BY_DISTRICT)                                                             \
    BRANCH_ROLE(UR_OF_DISTRICT, "teacher", "2", " AND t.grade IS NULL")                            \
    BRANCH_ROLE(UR_OF_DISTRICT, "grade_leader", "4",                                               \
                " AND (t.grade IS NULL OR ur.grade = t.grade)")                                    \
    BRANCH_ROLE(UR_OF_DISTRICT, "school_admin", "8", "")

#define INSERT_RECIPIENTS(SHAPE)                                                                   \
    "INSERT INTO notice_recipients (notice_id, user_id, district_id, school_id, class_id,"         \
    " student_id) SELECT nid, uid, did, sid, cid, pid FROM (" SHAPE ") u WHERE true"               \
    " ON CONFLICT (notice_id, user_id) DO NOTHING"
#define COUNT_RECIPIENTS(SHAPE) "SELECT COUNT(DISTINCT uid) FROM (" SHAPE ") u"

static const char *const insert_sql[3] = {
    [SHAPE_CLASS] = INSERT_RECIPIENTS(CANDIDATES_CLASS),
    [SHAPE_SCHOOL] = INSERT_RECIPIENTS(CANDIDATES_SCHOOL),
    [SHAPE_DISTRICT] = INSERT_RECIPIENTS(CANDIDATES_DISTRICT),
};

static const char *const count_sql[3] = {
    [SHAPE_CLASS] = COUNT_RECIPIENTS(CANDIDATES_CLASS),
    [SHAPE_SCHOOL] = COUNT_RECIPIENTS(CANDIDATES_SCHOOL),
    [SHAPE_DISTRICT] = COUNT_RECIPIENTS(CANDIDATES_DISTRICT),
};

static int shape_of(const nt_resolved *aud)
{
    if (aud->ntargets == 0 || aud->targets[0].class_id)
        return SHAPE_CLASS;
    return aud->targets[0].school_id ? SHAPE_SCHOOL : SHAPE_DISTRICT;
}

/* Rolls back and hands on the verdict: every refusal or failure of a write ends here. */
static verdict undo(db_conn *c, verdict v)
{
    db_rollback(c);
    return v;
}

/* A write's store failure: DB_DONE/DB_ROW where an error was expected is still an error. */
static verdict failed(int rc)
{
    return verdict_db(rc == DB_DONE || rc == DB_ROW || rc == DB_OK ? DB_ERROR : rc);
}

/* The notice row and its targets (no recipients yet). OUT: id. */
static int insert_notice(db_conn *c, const nt_send_in *in, int64_t *id)
{
    const nt_resolved *aud = in->aud;
    int rc = db_insert_id(
        c, id,
        "INSERT INTO notices (district_id, school_id, sender_id, from_label, title, body,"
        " audience, public, created_at) SELECT $1, $2, $3,"
        " COALESCE((SELECT name FROM schools WHERE id = $2),"
        " (SELECT name FROM districts WHERE id = $1), '') || ' ' || u.name, $4, $5, $6, $7, $8"
        " FROM users u WHERE u.id = $3 RETURNING id",
        in->district_id, db_id_or_null(aud->school_id), in->sender_id, in->title, in->body,
        in->audience_json ? in->audience_json : "{}", in->public_, in->at ? in->at : now_unix());
    if (rc != DB_DONE)
        return rc;
    db_stmt *s = db_prepare(c, "INSERT INTO notice_targets (notice_id, district_id, school_id,"
                               " grade, class_id) VALUES ($1, $2, $3, $4, $5)");
    if (!s)
        return DB_ERROR;
    for (size_t i = 0; rc == DB_DONE && i < aud->ntargets; i++) {
        const nt_target *t = &aud->targets[i];
        db_reset(s);
        rc = db_bind_args(s, 1,
                          DB_ARGS(*id, in->district_id, db_id_or_null(t->school_id),
                                  db_id_or_null(t->grade), db_id_or_null(t->class_id)));
        if (rc == DB_OK)
            rc = db_step(s);
    }
    db_finalize(s);
    return rc;
}

verdict notices_send_in_tx(db_conn *c, const nt_send_in *in, int64_t *id, int64_t *recipients)
{
    int rc = insert_notice(c, in, id);
    if (rc == DB_DONE)
        rc = db_run(c, insert_sql[shape_of(in->aud)], *id, in->sender_id, in->aud->roles);
    if (rc == DB_DONE)
        rc = db_query_int64(c, recipients,
                            "SELECT COUNT(*) FROM notice_recipients WHERE notice_id = $1", *id);
    if (rc == DB_ROW)
        rc = db_run(c, "UPDATE notices SET recipients = $1 WHERE id = $2", *recipients, *id);
    if (rc != DB_DONE)
        return failed(rc);
    if (*recipients == 0 && !in->public_) {
        verdict v = verdict_refuse(SJ_ERR_RULE, "no_recipients", NULL, "notices.no_recipients");
        verdict_str(&v, "field", "audience");
        return v;
    }
    /* the sender's own uploads that no notice holds yet */
    for (size_t i = 0; i < in->nattachments; i++) {
        int64_t got = 0;
        rc = db_query_int64(c, &got,
                            "UPDATE notice_attachments SET notice_id = $1 WHERE id = $2 AND"
                            " uploaded_by = $3 AND district_id = $4 AND notice_id IS NULL"
                            " RETURNING id",
                            *id, in->attachments[i], in->sender_id, in->district_id);
        if (rc == DB_DONE) {
            verdict v = verdict_err(SJ_ERR_BAD_FIELD, "notices.attachment_unknown");
            verdict_str(&v, "field", "attachment_ids");
            verdict_num(&v, "attachment_id", in->attachments[i]);
            return v;
        }
        if (rc != DB_ROW)
            return failed(rc);
    }
    return verdict_ok();
}

verdict notices_send(db_conn *c, const nt_send_in *in, int64_t *id, int64_t *recipients)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return undo(c, verdict_db(rc));
    verdict v = notices_send_in_tx(c, in, id, recipients);
    if (!verdict_is_ok(&v))
        return undo(c, v);
    rc = db_commit(c);
    return rc == DB_OK ? v : verdict_db(rc);
}

/* The count needs the targets as rows: they are written in a transaction that is rolled back,
 * with the notice row they hang on. */
verdict notices_count(db_conn *c, int64_t district_id, int64_t sender_id, const nt_resolved *aud,
                      int64_t *recipients)
{
    nt_send_in in = {
        .district_id = district_id, .sender_id = sender_id, .title = "", .body = "", .aud = aud};
    int64_t id = 0;
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = insert_notice(c, &in, &id) == DB_DONE ? DB_OK : DB_ERROR;
    if (rc == DB_OK)
        rc = db_query_int64(c, recipients, count_sql[shape_of(aud)], id, sender_id, aud->roles);
    db_rollback(c);
    return rc == DB_ROW ? verdict_ok() : failed(rc);
}

verdict notices_mark_read_in_tx(db_conn *c, int64_t notice_id, int64_t user_id, int64_t at)
{
    int64_t flipped = 0;
    /* only the first reading moves the counter: the UPDATE that finds read_at NULL */
    int rc = db_query_int64(c, &flipped,
                            "UPDATE notice_recipients SET read_at = $3 WHERE notice_id = $1 AND"
                            " user_id = $2 AND read_at IS NULL RETURNING user_id",
                            notice_id, user_id, at);
    if (rc == DB_ROW)
        rc = db_run(c, "UPDATE notices SET read_count = read_count + 1 WHERE id = $1", notice_id);
    return rc == DB_DONE ? verdict_ok() : failed(rc);
}

verdict notices_mark_read(db_conn *c, int64_t notice_id, int64_t user_id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return undo(c, verdict_db(rc));
    verdict v = notices_mark_read_in_tx(c, notice_id, user_id, now_unix());
    if (!verdict_is_ok(&v))
        return undo(c, v);
    rc = db_commit(c);
    return rc == DB_OK ? v : verdict_db(rc);
}

verdict notices_remind_in_tx(db_conn *c, const policy *pol, int64_t notice_id, int64_t by,
                             const char *today, int64_t at, int64_t *unread)
{
    int64_t done_today = 0, district = 0;
    int rc = db_lock(c, DB_LOCK_NOTICE, notice_id);
    if (rc == DB_OK)
        rc = db_query_int64(
            c, &done_today,
            "SELECT COUNT(*) FROM notice_reminders WHERE notice_id = $1 AND day = $2", notice_id,
            today);
    if (rc == DB_ROW)
        rc = db_query_int64(c, unread, "SELECT recipients - read_count FROM notices WHERE id = $1",
                            notice_id);
    if (rc == DB_ROW)
        rc = db_query_int64(c, &district, "SELECT district_id FROM notices WHERE id = $1",
                            notice_id);
    if (rc != DB_ROW)
        return failed(rc);
    verdict v = notices_check_remind(pol, done_today);
    if (!verdict_is_ok(&v))
        return v;
    if (*unread <= 0) {
        v = verdict_refuse(SJ_ERR_CONFLICT, "all_read", NULL, "notices.all_read");
        return v;
    }
    rc = db_run(c,
                "INSERT INTO notice_reminders (district_id, notice_id, day, unread, sent_by,"
                " created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                district, notice_id, today, *unread, by, at);
    if (rc == DB_DONE)
        rc = db_run(c,
                    "UPDATE notices SET reminders = reminders + 1, reminded_at = $1 WHERE id = $2",
                    at, notice_id);
    return rc == DB_DONE ? verdict_ok() : failed(rc);
}

verdict notices_remind(db_conn *c, const policy *pol, int64_t notice_id, int64_t by,
                       const char *today, int64_t *unread)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return undo(c, verdict_db(rc));
    verdict v = notices_remind_in_tx(c, pol, notice_id, by, today, now_unix(), unread);
    if (!verdict_is_ok(&v))
        return undo(c, v);
    rc = db_commit(c);
    return rc == DB_OK ? v : verdict_db(rc);
}

verdict notices_attachment_add(db_conn *c, const nt_upload_in *in, int64_t *id)
{
    size_t cap = sodium_base64_ENCODED_LEN(in->len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap);
    if (!b64)
        abort();
    sodium_bin2base64(b64, cap, (const unsigned char *)in->data, in->len,
                      sodium_base64_VARIANT_ORIGINAL);
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_insert_id(c, id,
                          "INSERT INTO notice_attachments (district_id, uploaded_by, name,"
                          " content_type, size, data, created_at) VALUES ($1, $2, $3, $4, $5, $6,"
                          " $7) RETURNING id",
                          in->district_id, in->uploaded_by, in->name, in->type, (int64_t)in->len,
                          b64, now_unix());
    free(b64);
    if (rc != DB_DONE)
        return undo(c, failed(rc));
    rc = db_commit(c);
    return rc == DB_OK ? verdict_ok() : verdict_db(rc);
}

/* ---------- reads ---------- */

int nt_store_notice(db_conn *c, int64_t id, nt_notice *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, district_id, school_id, sender_id, recipients, read_count,"
                          " reminders, reminded_at, created_at, public, title FROM notices"
                          " WHERE id = $1",
                          id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        out->id = db_next_int64(&row);
        out->district_id = db_next_int64(&row);
        out->school_id = db_next_int64(&row);
        out->sender_id = db_next_int64(&row);
        out->recipients = db_next_int64(&row);
        out->read_count = db_next_int64(&row);
        out->reminders = db_next_int64(&row);
        out->reminded_at = db_next_int64(&row);
        out->created_at = db_next_int64(&row);
        out->public_ = db_next_int64(&row) != 0;
        DB_NEXT_TEXT(&row, out->title);
    }
    db_finalize(s);
    return rc;
}

/* Replaces the integer Unix time at `key` of every item of a page (or of one object) with its
 * RFC 3339 text; NULL stays null. */
static void stamp(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return;
    char t[32];
    unix_rfc3339(json_integer_value(v), t);
    json_object_set_new(o, key, json_string(t));
}

static json_t *stamp_items(json_t *page, const char *key, const char *key2)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(page, "items"), i, it)
    {
        stamp(it, key);
        if (key2)
            stamp(it, key2);
    }
    return page;
}

json_t *nt_store_attachments(db_conn *c, int64_t notice_id)
{
    return db_rows_json(db_query(c,
                                 "SELECT id, name, content_type, size FROM notice_attachments"
                                 " WHERE notice_id = $1 ORDER BY id",
                                 notice_id),
                        "id:i,name:s,type:s,size:i");
}

json_t *nt_store_notice_json(db_conn *c, int64_t id)
{
    json_t *rows = db_rows_json(db_query(c,
                                         "SELECT id, title, body, from_label, created_at, public,"
                                         " school_id FROM notices WHERE id = $1",
                                         id),
                                "id:i,title:s,body:s,from:s,at:i,public:b,school_id:I");
    if (!rows || json_array_size(rows) != 1) {
        json_decref(rows);
        return NULL;
    }
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    stamp(o, "at");
    json_t *files = nt_store_attachments(c, id);
    if (!files) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "attachments", files);
    return o;
}

int nt_store_recipient(db_conn *c, int64_t notice_id, int64_t user_id, bool *read)
{
    int64_t r = 0;
    int rc = db_query_int64(c, &r,
                            "SELECT CASE WHEN read_at IS NULL THEN 0 ELSE 1 END FROM"
                            " notice_recipients WHERE notice_id = $1 AND user_id = $2",
                            notice_id, user_id);
    *read = r != 0;
    return rc;
}

int nt_store_class(db_conn *c, int64_t class_id, nt_class *out, int64_t *district_id)
{
    db_stmt *s = db_query(c, "SELECT id, school_id, grade, district_id FROM classes WHERE id = $1",
                          class_id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        out->class_id = db_next_int64(&row);
        out->school_id = db_next_int64(&row);
        out->grade = (int)db_next_int64(&row);
        *district_id = db_next_int64(&row);
    }
    db_finalize(s);
    return rc;
}

int nt_store_taught(db_conn *c, int64_t user_id, nt_class *out, size_t cap, size_t *n)
{
    *n = 0;
    db_stmt *s = db_query(c,
                          "SELECT DISTINCT c.id, c.school_id, c.grade FROM teaching x"
                          " JOIN classes c ON c.id = x.class_id WHERE x.user_id = $1 ORDER BY c.id",
                          user_id);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW && *n < cap) {
        db_row row = db_row_at(s, 0);
        out[*n].class_id = db_next_int64(&row);
        out[*n].school_id = db_next_int64(&row);
        out[*n].grade = (int)db_next_int64(&row);
        (*n)++;
    }
    db_finalize(s);
    return rc == DB_ROW ? DB_DONE : rc;
}

int nt_store_school_in(db_conn *c, int64_t school_id, int64_t district_id)
{
    int64_t one = 0;
    return db_query_int64(c, &one, "SELECT 1 FROM schools WHERE id = $1 AND district_id = $2",
                          school_id, district_id);
}

json_t *nt_store_inbox(db_conn *c, int64_t user_id, bool unread_only, int64_t limit, int64_t offset)
{
    json_t *page = db_list_page(
        c,
        "SELECT n.id, n.title, n.from_label, n.created_at,"
        " CASE WHEN r.read_at IS NULL THEN 0 ELSE 1 END, r.read_at,"
        " CASE WHEN r.read_at IS NULL AND n.reminded_at IS NOT NULL THEN 1 ELSE 0 END,"
        " n.public, (SELECT COUNT(*) FROM notice_attachments a WHERE a.notice_id = n.id)"
        " FROM notice_recipients r JOIN notices n ON n.id = r.notice_id"
        " WHERE r.user_id = $1 AND ($2 = 0 OR r.read_at IS NULL) ORDER BY r.notice_id DESC",
        "SELECT COUNT(*) FROM notice_recipients r WHERE r.user_id = $1"
        " AND ($2 = 0 OR r.read_at IS NULL)",
        "id:i,title:s,from:s,at:i,read:b,read_at:I,reminded:b,public:b,attachments:i", limit,
        offset, user_id, unread_only);
    return page ? stamp_items(page, "at", "read_at") : NULL;
}

int nt_store_unread(db_conn *c, int64_t user_id, int64_t *n)
{
    return db_query_int64(c, n,
                          "SELECT COUNT(*) FROM notice_recipients WHERE user_id = $1"
                          " AND read_at IS NULL",
                          user_id);
}

json_t *nt_store_sent(db_conn *c, int64_t district_id, int64_t sender_id, int64_t school_id,
                      int64_t limit, int64_t offset)
{
    json_t *page = db_list_page(
        c,
        "SELECT id, title, from_label, created_at, recipients, read_count, reminders,"
        " reminded_at, public, school_id, sender_id FROM notices WHERE district_id = $1"
        " AND ($2 = 0 OR sender_id = $2) AND ($3 = 0 OR school_id = $3) ORDER BY id DESC",
        "SELECT COUNT(*) FROM notices WHERE district_id = $1 AND ($2 = 0 OR sender_id = $2)"
        " AND ($3 = 0 OR school_id = $3)",
        "id:i,title:s,from:s,at:i,recipients:i,read:i,reminders:i,reminded_at:I,public:b,"
        "school_id:I,sender_id:i",
        limit, offset, district_id, sender_id, school_id);
    return page ? stamp_items(page, "at", "reminded_at") : NULL;
}

json_t *nt_store_unread_page(db_conn *c, int64_t notice_id, int64_t class_id, int64_t unread,
                             int64_t limit, int64_t offset)
{
    /* the primary key's order: a page of the first unread stops early, never sorts */
    json_t *items = db_rows_json(
        db_query(c,
                 "SELECT r.user_id, u.name, r.class_id, c.grade, c.name, p.name FROM"
                 " notice_recipients r JOIN users u ON u.id = r.user_id LEFT JOIN classes c ON"
                 " c.id = r.class_id LEFT JOIN students p ON p.id = r.student_id WHERE"
                 " r.notice_id = $1 AND r.read_at IS NULL AND ($2 = 0 OR r.class_id = $2)"
                 " ORDER BY r.user_id LIMIT $3 OFFSET $4",
                 notice_id, class_id, limit, offset),
        "user_id:i,name:s,class_id:I,grade:I,class_name:S,student_name:S");
    if (!items)
        return NULL;
    /* the whole notice's unread are counted by the notice's counters; one class's here */
    if (class_id && db_query_int64(c, &unread,
                                   "SELECT COUNT(*) FROM notice_recipients WHERE notice_id = $1"
                                   " AND read_at IS NULL AND class_id = $2",
                                   notice_id, class_id) != DB_ROW) {
        json_decref(items);
        return NULL;
    }
    return list_json(items, unread);
}

json_t *nt_store_by_class(db_conn *c, int64_t notice_id)
{
    return db_rows_json(
        db_query(c,
                 "SELECT r.class_id, c.grade, c.name, COUNT(*),"
                 " SUM(CASE WHEN r.read_at IS NULL THEN 0 ELSE 1 END) FROM notice_recipients r"
                 " JOIN classes c ON c.id = r.class_id WHERE r.notice_id = $1"
                 " GROUP BY r.class_id, c.grade, c.name ORDER BY c.grade, c.name, r.class_id",
                 notice_id),
        "class_id:i,grade:i,class_name:s,recipients:i,read:i");
}

json_t *nt_store_reminders(db_conn *c, int64_t notice_id)
{
    json_t *rows = db_rows_json(db_query(c,
                                         "SELECT day, unread, created_at FROM notice_reminders"
                                         " WHERE notice_id = $1 ORDER BY id",
                                         notice_id),
                                "day:s,unread:i,at:i");
    size_t i;
    json_t *it;
    json_array_foreach(rows, i, it) stamp(it, "at");
    return rows;
}

json_t *nt_store_audience(db_conn *c, int64_t notice_id)
{
    db_stmt *s = db_query(c, "SELECT audience FROM notices WHERE id = $1", notice_id);
    if (!s)
        return NULL;
    json_t *a = db_step(s) == DB_ROW ? json_loads(db_col_text(s, 0), 0, NULL) : NULL;
    db_finalize(s);
    return a;
}

int nt_store_attachment(db_conn *c, int64_t id, nt_file *out)
{
    db_stmt *s = db_query(c,
                          "SELECT id, notice_id, size, name, content_type, data FROM"
                          " notice_attachments WHERE id = $1",
                          id);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        out->id = db_next_int64(&row);
        out->notice_id = db_next_int64(&row);
        out->size = db_next_int64(&row);
        DB_NEXT_TEXT(&row, out->name);
        DB_NEXT_TEXT(&row, out->type);
        const char *b64 = db_next_text_ref(&row);
        size_t cap = (size_t)out->size + 1, len = 0;
        out->data = malloc(cap);
        if (!out->data)
            abort();
        if (sodium_base642bin((unsigned char *)out->data, cap, b64, strlen(b64), NULL, &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            len != (size_t)out->size) {
            free(out->data);
            out->data = NULL;
            rc = DB_ERROR;
        }
    }
    db_finalize(s);
    return rc;
}

/* ---------- the public page ---------- */

int nt_store_district(db_conn *c, int64_t *district_id, char *name, size_t n)
{
    db_stmt *s = db_query(c,
                          "SELECT id, name FROM districts WHERE ($1 = 0 OR id = $1) ORDER BY id"
                          " LIMIT 1",
                          *district_id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *district_id = db_col_int64(s, 0);
        db_col_copy(s, 1, name, n);
    }
    db_finalize(s);
    return rc;
}

json_t *nt_store_public_notices(db_conn *c, int64_t district_id, int64_t limit, int64_t offset)
{
    json_t *page = db_list_page(
        c,
        "SELECT n.id, n.title, n.body, n.from_label, n.created_at,"
        " (SELECT COUNT(*) FROM notice_attachments a WHERE a.notice_id = n.id) FROM notices n"
        " WHERE n.district_id = $1 AND n.public = 1 ORDER BY n.id DESC",
        "SELECT COUNT(*) FROM notices WHERE district_id = $1 AND public = 1",
        "id:i,title:s,excerpt:s,from:s,at:i,attachments:i", limit, offset, district_id);
    if (!page)
        return NULL;
    /* the list shows the start of each body; the whole one is GET /public/notices/{id} */
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(page, "items"), i, it)
    {
        const char *body = json_string_value(json_object_get(it, "excerpt"));
        size_t len = strlen(body), cut = utf8_prefix(body, len, 80);
        if (cut < len) {
            char *e = malloc(cut + 4);
            if (!e)
                abort();
            memcpy(e, body, cut);
            memcpy(e + cut, "…", 4);
            json_object_set_new(it, "excerpt", json_stringn(e, cut + 3));
            free(e);
        }
        stamp(it, "at");
    }
    return page;
}
