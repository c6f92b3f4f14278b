/*
 * store_people.c: the SQL of the organisation tree and its people: schools, classes, accounts
 * and roles, teaching rows, pupils, guardianships, and the reads of api_people.c and
 * api_account.c.
 *
 * The writes (core.h) each own their transaction: begin (a savepoint inside a caller's
 * transaction: the demo's, an import's), check what needs the store, write, write the audit
 * row (audit_tx), read back what the caller answers, commit. Each row's INSERT is written once,
 * in a row writer (core_user_insert, core_student_insert, core_guardianship_insert) that the
 * write calls and the bulk paths call directly. Any refusal or failure rolls back
 * and is returned as a verdict; nothing is half-written, and an answer is never a 500 for a
 * write that was committed. Personal numbers (phones, ID numbers) are sealed (pii.h), hashed
 * for look-up and stored masked for display; the clear text is never stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "core_int.h"
#include "ident.h"
#include "pii.h"

/* ---------- transactions and verdicts ---------- */

verdict core_tx_end(db_conn *c, int rc)
{
    if (rc == DB_DONE || rc == DB_ROW) {
        rc = db_commit(c);
        return rc == DB_OK ? verdict_ok() : verdict_db(rc);
    }
    db_rollback(c);
    return verdict_db(rc);
}

verdict core_tx_refuse(db_conn *c, verdict v)
{
    db_rollback(c);
    return v;
}

verdict core_field_verdict(sj_err e, const char *field, const char *msg)
{
    verdict v = verdict_err(e, msg);
    verdict_str(&v, "field", field);
    return v;
}

/* ---------- personal numbers ---------- */

typedef struct {
    char *enc; /* heap: free() */
    char hash[PII_HASH_HEX];
    char masked[48];
    char type[2];
} sealed;

/* Seals plain (NULL or "": nothing, every field NULL when bound). The type of an ID number
 * is kept as given, even without a number (a registry row with the type column filled). */
static void seal(const app *a, const char *plain, bool phone, char type, sealed *out)
{
    memset(out, 0, sizeof *out);
    out->type[0] = type;
    if (!plain || !*plain)
        return;
    out->enc = pii_seal(a->data_key, plain);
    pii_hash(a->data_key, plain, out->hash);
    if (phone)
        ident_phone_mask(plain, out->masked, sizeof out->masked);
    else
        ident_id_mask(plain, out->masked, sizeof out->masked);
}

#define SEALED_HASH(s) ((s)->enc ? (s)->hash : NULL)
#define SEALED_MASK(s) ((s)->enc ? (s)->masked : NULL)
#define SEALED_TYPE(s) ((s)->type[0] ? (s)->type : NULL)

/* ---------- schools and classes ---------- */

verdict core_school_create(db_conn *c, audit_who *who, int64_t district_id, const char *name,
                           const char *kind, bool rural, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = db_insert_id(c, id,
                      "INSERT INTO schools (district_id, name, kind, rural, created_at)"
                      " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                      district_id, name, kind, rural, now_unix());
    if (rc == DB_DONE)
        rc = audit_tx(c, who, *id);
    return core_tx_end(c, rc);
}

static bool grade_fits(const char *kind, int grade)
{
    if (strcmp(kind, "primary") == 0)
        return grade >= 1 && grade <= 6;
    if (strcmp(kind, "junior") == 0)
        return grade >= 7 && grade <= 9;
    return grade >= 1 && grade <= 9;
}

verdict core_class_create(db_conn *c, audit_who *who, int64_t district_id, int64_t school_id,
                          int grade, const char *name, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    char kind[16] = "";
    db_stmt *s = db_query(c, "SELECT kind FROM schools WHERE id = $1", school_id);
    rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW)
        DB_COL_COPY(s, 0, kind);
    db_finalize(s);
    if (rc != DB_ROW && rc != DB_DONE)
        return core_tx_end(c, rc);
    if (!grade_fits(kind, grade))
        return core_tx_refuse(
            c, core_field_verdict(SJ_ERR_BAD_FIELD, "grade", "core.grade_not_in_school"));
    rc = db_insert_id(c, id,
                      "INSERT INTO classes (district_id, school_id, grade, name, created_at)"
                      " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                      district_id, school_id, grade, name, now_unix());
    if (rc == DB_DONE)
        rc = audit_tx(c, who, *id);
    return core_tx_end(c, rc);
}

/* ---------- accounts and roles ---------- */

int core_user_insert(db_conn *c, const app *a, const core_user_in *in, int64_t *id)
{
    sealed ph, idn;
    seal(a, in->phone, true, 0, &ph);
    seal(a, in->id_no, false, in->id_type, &idn);
    int rc = db_insert_id(c, id,
                          "INSERT INTO users (district_id, username, name, password_hash,"
                          " phone_enc, phone_hash, phone_masked, id_type, id_enc, id_hash,"
                          " id_masked, created_at)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id",
                          in->district_id, in->username, in->name, in->password_hash, ph.enc,
                          SEALED_HASH(&ph), SEALED_MASK(&ph), SEALED_TYPE(&idn), idn.enc,
                          SEALED_HASH(&idn), SEALED_MASK(&idn), now_unix());
    free(ph.enc);
    free(idn.enc);
    for (int i = 0; rc == DB_DONE && i < in->nroles; i++) {
        const role *ro = &in->roles[i];
        rc = db_run(c,
                    "INSERT INTO user_roles (user_id, role, school_id, grade, institution_id)"
                    " VALUES ($1, $2, $3, $4, $5)",
                    *id, role_name(ro->kind), db_id_or_null(ro->school_id),
                    db_id_or_null(ro->grade), db_id_or_null(ro->institution_id));
    }
    return rc;
}

verdict core_user_create(db_conn *c, const app *a, audit_who *who, const core_user_in *in,
                         int64_t *id, user *out)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = core_user_insert(c, a, in, id);
    if (rc == DB_CONSTRAINT) /* roles are checked by the caller: the username is taken */
        return core_tx_refuse(c, core_field_verdict(SJ_ERR_USERNAME_TAKEN, "username", NULL));
    if (rc == DB_DONE)
        rc = audit_tx(c, who, *id);
    /* the answer is read inside the transaction (tests/api/inject.test.mjs) */
    if (rc == DB_DONE && out)
        rc = auth_load_user(c, *id, out) == DB_ROW ? DB_DONE : DB_ERROR;
    return core_tx_end(c, rc);
}

/* The account's roles: *guardian when it holds the guardian role, *other when it holds any
 * other. DB_DONE or an error. */
static int account_roles(db_conn *c, int64_t user_id, bool *guardian, bool *other)
{
    *guardian = *other = false;
    db_stmt *s = db_query(c, "SELECT role FROM user_roles WHERE user_id = $1", user_id);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (role_parse(db_col_text(s, 0)) == ROLE_GUARDIAN)
            *guardian = true;
        else
            *other = true;
    }
    db_finalize(s);
    return rc;
}

verdict core_password_set(db_conn *c, audit_who *who, int64_t user_id, const char *hash)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = db_run(c, "UPDATE users SET password_hash = $1 WHERE id = $2", hash, user_id);
    if (rc == DB_DONE)
        rc = db_run(c, "DELETE FROM sessions WHERE user_id = $1", user_id);
    if (rc == DB_DONE)
        rc = core_notify_user(c, user_id); /* every server's cached sessions of the account */
    if (rc == DB_DONE)
        rc = audit_tx(c, who, user_id);
    return core_tx_end(c, rc);
}

/* ---------- teaching, pupils, guardians ---------- */

verdict core_teaching_add(db_conn *c, audit_who *who, int64_t class_id, int64_t school_id,
                          int64_t user_id, const char *subject, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    int64_t one = 0;
    rc = db_query_int64(c, &one,
                        "SELECT 1 FROM user_roles WHERE user_id = $1 AND school_id = $2"
                        " AND role IN ('teacher', 'grade_leader', 'school_admin')",
                        user_id, school_id);
    if (rc == DB_DONE)
        return core_tx_refuse(
            c, core_field_verdict(SJ_ERR_BAD_FIELD, "user_id", "core.not_school_teacher"));
    if (rc == DB_ROW)
        rc = db_insert_id(c, id,
                          "INSERT INTO teaching (class_id, user_id, subject) VALUES ($1, $2, $3)"
                          " RETURNING id",
                          class_id, user_id, subject);
    if (rc == DB_DONE)
        rc = audit_tx(c, who, *id);
    return core_tx_end(c, rc);
}

int core_student_insert(db_conn *c, const app *a, const core_student_in *in, int64_t *id)
{
    sealed idn;
    seal(a, in->id_no, false, in->id_type, &idn);
    int rc = db_insert_id(c, id,
                          "INSERT INTO students (district_id, school_id, class_id, name,"
                          " student_no, gender, id_type, id_enc, id_hash, id_masked, created_at)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id",
                          in->district_id, in->school_id, in->class_id, in->name, in->student_no,
                          in->gender, SEALED_TYPE(&idn), idn.enc, SEALED_HASH(&idn),
                          SEALED_MASK(&idn), now_unix());
    free(idn.enc);
    return rc;
}

verdict core_student_create(db_conn *c, const app *a, audit_who *who, const core_student_in *in,
                            int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = core_student_insert(c, a, in, id);
    if (rc == DB_CONSTRAINT)
        return core_tx_refuse(c, core_field_verdict(SJ_ERR_STUDENT_NO_TAKEN, "student_no", NULL));
    if (rc == DB_DONE)
        rc = audit_tx(c, who, *id);
    return core_tx_end(c, rc);
}

int core_guardianship_insert(db_conn *c, int64_t student_id, int64_t user_id, const char *relation)
{
    return db_run(c,
                  "INSERT INTO guardianships (student_id, user_id, relation) VALUES ($1, $2, $3)",
                  student_id, user_id, relation);
}

verdict core_guardian_link(db_conn *c, audit_who *who, int64_t district_id, int64_t student_id,
                           int64_t user_id, const char *relation)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    int64_t district = 0;
    rc = db_query_int64(c, &district, "SELECT district_id FROM users WHERE id = $1", user_id);
    if (rc == DB_DONE || (rc == DB_ROW && district != district_id))
        return core_tx_refuse(c, core_field_verdict(SJ_ERR_BAD_FIELD, "user_id", NULL));
    bool guardian = false, other = false;
    if (rc == DB_ROW)
        rc = account_roles(c, user_id, &guardian, &other);
    if (rc == DB_DONE && (!guardian || other))
        return core_tx_refuse(c, core_field_verdict(SJ_ERR_NOT_A_GUARDIAN, "user_id", NULL));
    if (rc == DB_DONE)
        rc = core_guardianship_insert(c, student_id, user_id, relation);
    if (rc == DB_CONSTRAINT)
        return core_tx_refuse(c, verdict_err(SJ_ERR_ALREADY_LINKED, NULL));
    if (rc == DB_DONE)
        rc = audit_tx(c, who, student_id);
    return core_tx_end(c, rc);
}

/* ---------- reads ---------- */

/* The one row of a query as an object: DB_ROW with *out, DB_DONE, or an error. */
static int one_object(db_stmt *s, const char *cols, json_t **out)
{
    *out = NULL;
    json_t *rows = db_rows_json(s, cols);
    if (!rows)
        return DB_ERROR;
    int rc = json_array_size(rows) == 1 ? DB_ROW : DB_DONE;
    if (rc == DB_ROW)
        *out = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return rc;
}

#define SCHOOL_COLS "id:i,name:s,kind:s,rural:b,classes:i,students:i"
#define SCHOOL_SELECT                                                                              \
    "SELECT s.id, s.name, s.kind, s.rural,"                                                        \
    " (SELECT COUNT(*) FROM classes c WHERE c.school_id = s.id),"                                  \
    " (SELECT COUNT(*) FROM students p WHERE p.school_id = s.id) FROM schools s"

json_t *core_schools_page(db_conn *c, bool district_wide, int64_t district_id, int64_t user_id,
                          int64_t limit, int64_t offset)
{
    if (district_wide)
        return db_list_page(c, SCHOOL_SELECT " WHERE s.district_id = $1 ORDER BY s.id",
                            "SELECT COUNT(*) FROM schools WHERE district_id = $1", SCHOOL_COLS,
                            limit, offset, district_id);
    return db_list_page(c,
                        SCHOOL_SELECT " WHERE s.id IN (SELECT school_id FROM user_roles"
                                      " WHERE user_id = $1) ORDER BY s.id",
                        "SELECT COUNT(*) FROM schools WHERE id IN"
                        " (SELECT school_id FROM user_roles WHERE user_id = $1)",
                        SCHOOL_COLS, limit, offset, user_id);
}

int core_school_json(db_conn *c, int64_t school_id, json_t **out)
{
    return one_object(
        db_query(c, "SELECT id, name, kind, rural FROM schools WHERE id = $1", school_id),
        "id:i,name:s,kind:s,rural:b", out);
}

int core_class_json(db_conn *c, int64_t class_id, int64_t district_id, json_t **out)
{
    return one_object(db_query(c,
                               "SELECT c.id, c.school_id, c.grade, c.name, s.name FROM classes c"
                               " JOIN schools s ON s.id = c.school_id WHERE c.id = $1"
                               " AND c.district_id = $2",
                               class_id, district_id),
                      "id:i,school_id:i,grade:i,name:s,school_name:s", out);
}

int core_school_district(db_conn *c, int64_t school_id, int64_t *district_id)
{
    return db_query_int64(c, district_id, "SELECT district_id FROM schools WHERE id = $1",
                          school_id);
}

json_t *core_school_classes_page(db_conn *c, int64_t school_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT c.id, c.grade, c.name,"
                        " (SELECT COUNT(*) FROM students s WHERE s.class_id = c.id)"
                        " FROM classes c WHERE c.school_id = $1 ORDER BY c.grade, c.name, c.id",
                        "SELECT COUNT(*) FROM classes WHERE school_id = $1",
                        "id:i,grade:i,name:s,students:i", limit, offset, school_id);
}

json_t *core_users_page(db_conn *c, int64_t district_id, int64_t school_id, const char *role,
                        int64_t limit, int64_t offset)
{
    json_t *page =
        school_id
            ? db_list_page(c,
                           "SELECT u.id, u.username, u.name, u.phone_masked FROM users u"
                           " WHERE u.id IN (SELECT user_id FROM user_roles WHERE school_id = $1"
                           " AND ($2 = '' OR role = $2)) ORDER BY u.id",
                           "SELECT COUNT(*) FROM users u WHERE u.id IN (SELECT user_id FROM"
                           " user_roles WHERE school_id = $1 AND ($2 = '' OR role = $2))",
                           "id:i,username:s,name:s,phone_masked:S", limit, offset, school_id, role)
            : db_list_page(c,
                           "SELECT u.id, u.username, u.name, u.phone_masked FROM users u"
                           " WHERE u.district_id = $1 AND ($2 = '' OR u.id IN"
                           " (SELECT user_id FROM user_roles WHERE role = $2)) ORDER BY u.id",
                           "SELECT COUNT(*) FROM users u WHERE u.district_id = $1 AND ($2 = ''"
                           " OR u.id IN (SELECT user_id FROM user_roles WHERE role = $2))",
                           "id:i,username:s,name:s,phone_masked:S", limit, offset, district_id,
                           role);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(page, "items"), i, it)
    {
        user u;
        json_t *roles = json_array();
        if (auth_load_user(c, json_integer_value(json_object_get(it, "id")), &u) == DB_ROW)
            for (int k = 0; k < u.nroles; k++)
                json_array_append_new(roles, auth_role_json(&u.roles[k]));
        json_object_set_new(it, "roles", roles);
    }
    return page;
}

json_t *core_class_teachers_page(db_conn *c, int64_t class_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT t.user_id, u.name, t.subject FROM teaching t"
                        " JOIN users u ON u.id = t.user_id WHERE t.class_id = $1"
                        " ORDER BY t.subject, u.name",
                        "SELECT COUNT(*) FROM teaching WHERE class_id = $1",
                        "user_id:i,name:s,subject:s", limit, offset, class_id);
}

int core_student_place(db_conn *c, int64_t student_id, int64_t *class_id, int64_t *school_id,
                       int64_t *district_id)
{
    db_stmt *s = db_query(c, "SELECT class_id, school_id, district_id FROM students WHERE id = $1",
                          student_id);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        *class_id = db_next_int64(&row);
        *school_id = db_next_int64(&row);
        *district_id = db_next_int64(&row);
    }
    db_finalize(s);
    return rc;
}

int core_student_json(db_conn *c, int64_t student_id, json_t **out)
{
    int rc = one_object(db_query(c,
                                 "SELECT p.id, p.name, p.student_no, p.gender, p.class_id, c.name,"
                                 " c.grade, p.school_id, sc.name, p.id_masked FROM students p"
                                 " JOIN classes c ON c.id = p.class_id"
                                 " JOIN schools sc ON sc.id = p.school_id WHERE p.id = $1",
                                 student_id),
                        "id:i,name:s,student_no:s,gender:S,class_id:i,class_name:s,grade:i,"
                        "school_id:i,school_name:s,id_masked:S",
                        out);
    if (rc != DB_ROW)
        return rc;
    json_t *gs = db_rows_json(db_query(c,
                                       "SELECT u.id, u.username, u.name, g.relation,"
                                       " u.phone_masked FROM guardianships g"
                                       " JOIN users u ON u.id = g.user_id"
                                       " WHERE g.student_id = $1 ORDER BY u.id",
                                       student_id),
                              "id:i,username:s,name:s,relation:S,phone_masked:S");
    if (!gs) {
        json_decref(*out);
        *out = NULL;
        return DB_ERROR;
    }
    json_object_set_new(*out, "guardians", gs);
    return DB_ROW;
}

json_t *core_class_students_page(db_conn *c, int64_t class_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT id, name, student_no, gender FROM students WHERE class_id = $1"
                        " ORDER BY student_no, id",
                        "SELECT COUNT(*) FROM students WHERE class_id = $1",
                        "id:i,name:s,student_no:s,gender:S", limit, offset, class_id);
}

json_t *core_children_page(db_conn *c, int64_t guardian_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT p.id, p.name, p.student_no, p.class_id, c.name, c.grade,"
                        " p.school_id, s.name FROM guardianships g"
                        " JOIN students p ON p.id = g.student_id"
                        " JOIN classes c ON c.id = p.class_id JOIN schools s ON s.id = p.school_id"
                        " WHERE g.user_id = $1 ORDER BY p.id",
                        "SELECT COUNT(*) FROM guardianships WHERE user_id = $1",
                        "id:i,name:s,student_no:s,class_id:i,class_name:s,grade:i,school_id:i,"
                        "school_name:s",
                        limit, offset, guardian_id);
}

json_t *core_my_classes_page(db_conn *c, int64_t teacher_id, int64_t limit, int64_t offset)
{
    return db_list_page(c,
                        "SELECT t.class_id, c.name, c.grade, c.school_id, s.name, t.subject"
                        " FROM teaching t JOIN classes c ON c.id = t.class_id"
                        " JOIN schools s ON s.id = c.school_id"
                        " WHERE t.user_id = $1 ORDER BY c.grade, c.name, t.subject",
                        "SELECT COUNT(*) FROM teaching WHERE user_id = $1",
                        "class_id:i,class_name:s,grade:i,school_id:i,school_name:s,subject:s",
                        limit, offset, teacher_id);
}

int core_user_phone(db_conn *c, const app *a, int64_t user_id, char **phone)
{
    *phone = NULL;
    db_stmt *s = db_query(c, "SELECT phone_enc FROM users WHERE id = $1", user_id);
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        if (!db_next_isnull(&row))
            *phone = pii_open(a->data_key, db_next_text_ref(&row));
        if (!*phone)
            rc = DB_DONE;
    }
    db_finalize(s);
    return rc;
}

int core_store_ping(db_conn *c)
{
    int64_t one = 0;
    return db_query_int64(c, &one, "SELECT 1");
}

int core_notify_user(db_conn *c, int64_t user_id)
{
    char msg[32];
    snprintf(msg, sizeof msg, "u %lld", (long long)user_id);
    return db_notify(c, msg);
}
