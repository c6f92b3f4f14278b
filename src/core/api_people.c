/*
 * api_people.c: the organisation tree and its people: schools, classes, users and roles,
 * teaching assignments, pupils, guardians, and the lists each role may read.
 *
 * Scope (deny by default): the role gate in each route lets only plausible roles in; each
 * handler then finds the path object (404 when it is another district's), checks its school
 * against the caller's roles (auth.c), and only then reads the body. A teacher reading pupils
 * of a class they do not teach is allowed within their school but recorded in the audit log
 * (PIPL).
 *
 * Ways into an account are kept inside the granter's scope: roles are granted only at the
 * granter's own school(s) or district; the guardian role is granted alone; a pupil is linked
 * only to a family account (the guardian role and no other), because the school's admin then
 * manages that account (api_account.c); teaching rows only for the school's own staff.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "calendar.h"
#include "core.h"
#include "pii.h"

#define STAFF_ROLES                                                                        \
    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_SCHOOL_ADMIN) | \
     ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_TEACHER))
#define ADMIN_ROLES (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_SCHOOL_ADMIN))

static const char *const school_kinds[] = {"primary", "junior", "nine_year", NULL};

/* ---------- schools ---------- */

static void h_school_create(req *r)
{
    const char *name;
    int kind;
    bool rural = false;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "name", 100, true, &name) ||
        !body_enum_or_reply(r, "kind", school_kinds, true, &kind) ||
        !body_bool_or_reply(r, "rural", false, &rural))
        return;
    int64_t id = 0;
    int rc = db_insert_id(r->db, &id,
                          "INSERT INTO schools (district_id, name, kind, rural, created_at)"
                          " VALUES ($1, $2, $3, $4, $5) RETURNING id", r->user->district_id, name, school_kinds[kind], (int64_t)rural,
                          now_unix());
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201, json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)id, "name", name, "kind",
                                 school_kinds[kind], "rural", rural));
}

static void h_school_list(req *r)
{
    const char *cols = "id:i,name:s,kind:s,rural:b,classes:i,students:i";
    const char *sel = "SELECT s.id, s.name, s.kind, s.rural,"
                      " (SELECT COUNT(*) FROM classes c WHERE c.school_id = s.id),"
                      " (SELECT COUNT(*) FROM students p WHERE p.school_id = s.id)"
                      " FROM schools s";
    if (auth_district_staff(r->user)) {
        reply_list(r, req_printf(r, "%s WHERE s.district_id = $1 ORDER BY s.id", sel),
                   "SELECT COUNT(*) FROM schools WHERE district_id = $1", cols,
                   r->user->district_id);
        return;
    }
    reply_list(r,
               req_printf(r, "%s WHERE s.id IN (SELECT school_id FROM user_roles WHERE user_id = $1)"
                             " ORDER BY s.id", sel),
               "SELECT COUNT(*) FROM schools WHERE id IN"
               " (SELECT school_id FROM user_roles WHERE user_id = $1)",
               cols, r->user->id);
}

static void h_school_get(req *r)
{
    int64_t id = r->params[0];
    if (!auth_school_staff_or_reply(r, id))
        return;
    db_stmt *s = db_query(r->db, "SELECT id, name, kind, rural FROM schools WHERE id = $1", id);
    json_t *rows = db_rows_json(s, "id:i,name:s,kind:s,rural:b");
    if (!rows || json_array_size(rows) != 1) {
        json_decref(rows);
        reply_err(r, rows ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    reply_json(r, 200, o);
}

/* ---------- classes ---------- */

static bool grade_fits(const char *kind, int64_t grade)
{
    if (strcmp(kind, "primary") == 0)
        return grade >= 1 && grade <= 6;
    if (strcmp(kind, "junior") == 0)
        return grade >= 7 && grade <= 9;
    return grade >= 1 && grade <= 9;
}

static void h_class_create(req *r)
{
    int64_t school_id, grade;
    const char *name;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "school_id", 1, INT64_MAX, true, &school_id) ||
        !body_int_or_reply(r, "grade", 1, 9, true, &grade) ||
        !body_str_or_reply(r, "name", 50, true, &name))
        return;
    if (!auth_school_admin_or_reply(r, school_id))
        return;
    db_stmt *s = db_query(r->db, "SELECT kind FROM schools WHERE id = $1", school_id);
    char kind[16] = "";
    if (s && db_step(s) == DB_ROW)
        snprintf(kind, sizeof kind, "%s", db_col_text(s, 0));
    db_finalize(s);
    if (!grade_fits(kind, grade)) {
        json_t *extra = json_pack("{s:s,s:s}", "field", "grade", "message",
                                  r->english ? "This grade does not exist in a school of this kind"
                                             : "该学校没有这个年级(小学 1-6 年级,初中 7-9 年级)");
        reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
        return;
    }
    int64_t id = 0;
    int rc = db_insert_id(r->db, &id,
                          "INSERT INTO classes (district_id, school_id, grade, name, created_at)"
                          " VALUES ($1, $2, $3, $4, $5) RETURNING id", r->user->district_id, school_id, grade, name, now_unix());
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201, json_pack("{s:I,s:I,s:I,s:s}", "id", (json_int_t)id, "school_id",
                                 (json_int_t)school_id, "grade", (json_int_t)grade, "name", name));
}

static void h_school_classes(req *r)
{
    int64_t school_id = r->params[0];
    if (!auth_school_staff_or_reply(r, school_id))
        return;
    reply_list(r,
               "SELECT c.id, c.grade, c.name, (SELECT COUNT(*) FROM students s WHERE s.class_id = c.id)"
               " FROM classes c WHERE c.school_id = $1 ORDER BY c.grade, c.name, c.id",
               "SELECT COUNT(*) FROM classes WHERE school_id = $1", "id:i,grade:i,name:s,students:i", school_id);
}

static void h_class_get(req *r)
{
    int64_t id = r->params[0];
    db_stmt *s = db_query(r->db,
                          "SELECT c.id, c.school_id, c.grade, c.name, s.name FROM classes c"
                          " JOIN schools s ON s.id = c.school_id WHERE c.id = $1"
                          " AND c.district_id = $2", id, r->user->district_id);
    json_t *rows = db_rows_json(s, "id:i,school_id:i,grade:i,name:s,school_name:s");
    if (!rows || json_array_size(rows) != 1) {
        json_decref(rows);
        reply_err(r, rows ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    int64_t school = json_integer_value(json_object_get(o, "school_id"));
    if (!auth_school_staff(r->user, school) && !auth_guardian_in_class(r, id)) {
        json_decref(o);
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    reply_json(r, 200, o);
}

/* ---------- users and roles ---------- */

static bool username_ok(const char *u)
{
    size_t n = strlen(u);
    if (n < 2 || n > 32)
        return false;
    for (const char *p = u; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_.@-", *p))
            return false;
    return true;
}

/* May the caller grant this role? Only inside its own scope; the role's school or
 * institution has already been found in the caller's district (roles_or_reply). */
static bool may_grant(const user *u, const role *ro)
{
    if (auth_district(u))
        return true;
    switch (ro->kind) {
    case ROLE_SCHOOL_ADMIN:
    case ROLE_GRADE_LEADER:
    case ROLE_TEACHER:
        return auth_school_admin(u, ro->school_id);
    case ROLE_GUARDIAN:
        return auth_has(u, ROLE_SCHOOL_ADMIN);
    case ROLE_INSTITUTION_ADMIN:
        return auth_has(u, ROLE_INSPECTOR);
    default:
        return false;
    }
}

/* Parses body.roles; false after replying. */
static bool roles_or_reply(req *r, role *roles, int *nroles)
{
    json_t *arr = json_object_get(r->body, "roles");
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > 8) {
        reply_err_field(r, arr ? SJ_ERR_BAD_FIELD : SJ_ERR_MISSING_FIELD, "roles");
        return false;
    }
    *nroles = 0;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        role *ro = &roles[(*nroles)++];
        memset(ro, 0, sizeof *ro);
        ro->kind = role_parse(json_string_value(json_object_get(v, "role")));
        json_t *sid = json_object_get(v, "school_id"), *gr = json_object_get(v, "grade"),
               *iid = json_object_get(v, "institution_id");
        bool ok = ro->kind != 0;
        if (ro->kind == ROLE_SCHOOL_ADMIN || ro->kind == ROLE_TEACHER ||
            ro->kind == ROLE_GRADE_LEADER)
            ok = ok && json_is_integer(sid) && json_integer_value(sid) > 0;
        if (ro->kind == ROLE_GRADE_LEADER)
            ok = ok && json_is_integer(gr) && json_integer_value(gr) >= 1 &&
                 json_integer_value(gr) <= 9;
        if (ro->kind == ROLE_INSTITUTION_ADMIN)
            ok = ok && json_is_integer(iid) && json_integer_value(iid) > 0;
        if (!ok) {
            json_t *extra = json_pack("{s:s,s:I}", "field", "roles", "index", (json_int_t)i);
            reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
            return false;
        }
        ro->school_id = json_is_integer(sid) ? json_integer_value(sid) : 0;
        ro->grade = json_is_integer(gr) ? (int)json_integer_value(gr) : 0;
        ro->institution_id = json_is_integer(iid) ? json_integer_value(iid) : 0;
        /* the role's school or institution must be one of the caller's district */
        int64_t district = 0;
        int rc = DB_ROW;
        if (ro->school_id)
            rc = db_query_int64(r->db, &district, "SELECT district_id FROM schools WHERE id = $1", ro->school_id);
        else if (ro->kind == ROLE_INSTITUTION_ADMIN)
            rc = r->app->institution_district(r->db, ro->institution_id, &district);
        else
            district = r->user->district_id;
        if (rc != DB_ROW || district != r->user->district_id) {
            if (rc == DB_ROW || rc == DB_DONE)
                reply_err_detail(r, SJ_ERR_BAD_FIELD,
                                 json_pack("{s:s,s:I}", "field", "roles", "index", (json_int_t)i));
            else
                reply_err(r, SJ_ERR_INTERNAL);
            return false;
        }
        if (!may_grant(r->user, ro)) {
            reply_err(r, SJ_ERR_FORBIDDEN);
            return false;
        }
    }
    /* a family account is a family account only: a guardianship opens the account to the
     * pupil's school (api_account.c), so the guardian role is never mixed with another */
    for (int k = 0; k < *nroles && *nroles > 1; k++)
        if (roles[k].kind == ROLE_GUARDIAN) {
            reply_err_detail(r, SJ_ERR_GUARDIAN_ROLE_ALONE, json_pack("{s:s}", "field", "roles"));
            return false;
        }
    return true;
}

int core_user_create(db_conn *c, const app *a, int64_t district_id, const char *username,
                     const char *password_hash, const char *name, const char *phone,
                     const role *roles, int nroles, int64_t *id)
{
    char *enc = NULL, hash[PII_HASH_HEX] = "", masked[16] = "";
    if (phone) {
        enc = pii_seal(a->data_key, phone);
        pii_hash(a->data_key, phone, hash);
        snprintf(masked, sizeof masked, "%.3s****%s", phone, strlen(phone) >= 4 ? phone + strlen(phone) - 4 : "");
    }
    int rc = db_insert_id(c, id,
                          "INSERT INTO users (district_id, username, name, password_hash, phone_enc,"
                          " phone_hash, phone_masked, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
                          " RETURNING id", district_id, username, name, password_hash, enc,
                          phone ? hash : NULL, phone ? masked : NULL, now_unix());
    free(enc);
    for (int i = 0; rc == DB_DONE && i < nroles; i++) {
        const role *ro = &roles[i];
        rc = db_run(c,
                    "INSERT INTO user_roles (user_id, role, school_id, grade, institution_id)"
                    " VALUES ($1, $2, $3, $4, $5)", *id, role_name(ro->kind), db_id_or_null(ro->school_id), db_id_or_null((int64_t)ro->grade),
                    db_id_or_null(ro->institution_id));
    }
    return rc;
}

static bool phone_valid(const char *p)
{
    if (strlen(p) != 11 || p[0] != '1' || p[1] < '3' || p[1] > '9')
        return false;
    for (int i = 0; i < 11; i++)
        if (!isdigit((unsigned char)p[i]))
            return false;
    return true;
}

static void h_user_create(req *r)
{
    const char *username, *password, *name, *phone;
    role roles[8];
    int nroles = 0;
    if (!body_require_object_or_reply(r) || !body_str_or_reply(r, "username", 32, true, &username) ||
        !body_str_or_reply(r, "password", 128, true, &password) ||
        !body_str_or_reply(r, "name", 50, true, &name) ||
        !body_str_or_reply(r, "phone", 20, false, &phone))
        return;
    if (!username_ok(username)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "username");
        return;
    }
    if (strlen(password) < 8) {
        json_t *extra = json_pack("{s:s,s:s}", "field", "password", "message",
                                  r->english ? "The password needs at least 8 characters"
                                             : "密码至少 8 位");
        reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
        return;
    }
    if (phone && !phone_valid(phone)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "phone");
        return;
    }
    if (!roles_or_reply(r, roles, &nroles))
        return;
    char hash[crypto_pwhash_STRBYTES];
    if (!auth_password_hash(password, hash)) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    int64_t id = 0;
    user u;
    int rc = db_begin_write(r->db);
    if (rc == DB_OK)
        rc = core_user_create(r->db, r->app, r->user->district_id, username, hash, name, phone,
                              roles, nroles, &id);
    /* The answer is read inside the transaction: if reading it fails, the user is rolled back,
     * so a 500 never hides a user that was in fact created (tests/api/inject.test.mjs). */
    if (rc == DB_DONE && auth_load_user(r->db, id, &u) != DB_ROW)
        rc = DB_ERROR;
    if (rc == DB_DONE && db_commit(r->db) == DB_OK) {
        r->audit_target = id;
        reply_json(r, 201, auth_user_json(&u));
        return;
    }
    db_rollback(r->db);
    if (rc == DB_CONSTRAINT)
        reply_err_field(r, SJ_ERR_USERNAME_TAKEN, "username");
    else
        reply_db(r, rc);
}

static json_t *user_roles_json(req *r, int64_t uid)
{
    user u;
    if (auth_load_user(r->db, uid, &u) != DB_ROW)
        return json_array();
    json_t *j = auth_user_json(&u);
    json_t *roles = json_incref(json_object_get(j, "roles"));
    json_decref(j);
    return roles;
}

static void h_user_list(req *r)
{
    int64_t school_id;
    const char *role_filter = req_query(r, "role");
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id))
        return;
    if (role_filter && !role_parse(role_filter)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "role");
        return;
    }
    if (school_id && !auth_school_exists_or_reply(r, school_id))
        return;
    if (!auth_district_staff(r->user)) {
        /* a school admin sees the staff of their own school */
        if (!school_id || !auth_school_admin(r->user, school_id)) {
            reply_err(r, SJ_ERR_FORBIDDEN);
            return;
        }
    }
    const char *where =
        school_id ? "u.id IN (SELECT user_id FROM user_roles WHERE school_id = $1"
                    " AND ($2 = '' OR role = $2))"
                  : "u.district_id = $1 AND ($2 = '' OR u.id IN (SELECT user_id FROM user_roles"
                    " WHERE role = $2))";
    int64_t key = school_id ? school_id : r->user->district_id;
    const char *rf = role_filter ? role_filter : "";
    db_stmt *s = NULL;
    int64_t limit, offset, total = 0;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    s = db_query(r->db,
                 req_printf(r, "SELECT u.id, u.username, u.name, u.phone_masked FROM users u"
                               " WHERE %s ORDER BY u.id LIMIT $3 OFFSET $4", where), key, rf, limit, offset);
    json_t *items = db_rows_json(s, "id:i,username:s,name:s,phone_masked:S");
    if (!items ||
        db_query_int64(r->db, &total, req_printf(r, "SELECT COUNT(*) FROM users u WHERE %s", where), key, rf) != DB_ROW) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
        json_object_set_new(it, "roles",
                            user_roles_json(r, json_integer_value(json_object_get(it, "id"))));
    reply_json(r, 200, list_json(items, total));
}

/* ---------- teaching assignments ---------- */

static void h_class_teacher_add(req *r)
{
    int64_t class_id = r->params[0], user_id, school_id;
    const char *subject;
    if (!auth_class_admin_or_reply(r, class_id, &school_id))
        return;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "user_id", 1, INT64_MAX, true, &user_id) ||
        !body_str_or_reply(r, "subject", 20, true, &subject))
        return;
    /* only staff of this school teach here: a teaching row opens the class's pupils */
    int64_t one = 0;
    int rc = db_query_int64(r->db, &one,
                            "SELECT 1 FROM user_roles WHERE user_id = $1 AND school_id = $2"
                            " AND role IN ('teacher', 'grade_leader', 'school_admin')", user_id, school_id);
    if (rc != DB_ROW) {
        json_t *extra = json_pack("{s:s,s:s}", "field", "user_id", "message",
                                  r->english ? "This user is not a teacher of this school"
                                             : "该用户不是本校教师");
        reply_err_detail(r, SJ_ERR_BAD_FIELD, extra);
        return;
    }
    int64_t id = 0;
    rc = db_insert_id(r->db, &id,
                      "INSERT INTO teaching (class_id, user_id, subject) VALUES ($1, $2, $3)"
                      " RETURNING id", class_id, user_id, subject);
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201, json_pack("{s:I,s:I,s:I,s:s}", "id", (json_int_t)id, "class_id",
                                 (json_int_t)class_id, "user_id", (json_int_t)user_id, "subject",
                                 subject));
}

static void h_class_teachers(req *r)
{
    int64_t class_id = r->params[0];
    if (!auth_class_staff_or_reply(r, class_id, NULL, NULL))
        return;
    reply_list(r,
               "SELECT t.user_id, u.name, t.subject FROM teaching t JOIN users u ON u.id = t.user_id"
               " WHERE t.class_id = $1 ORDER BY t.subject, u.name",
               "SELECT COUNT(*) FROM teaching WHERE class_id = $1", "user_id:i,name:s,subject:s", class_id);
}

/* ---------- pupils and guardians ---------- */

static void h_student_create(req *r)
{
    int64_t class_id, school_id;
    const char *name, *student_no, *gender;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "class_id", 1, INT64_MAX, true, &class_id) ||
        !body_str_or_reply(r, "name", 50, true, &name) ||
        !body_str_or_reply(r, "student_no", 32, true, &student_no) ||
        !body_str_or_reply(r, "gender", 4, false, &gender))
        return;
    if (!auth_class_admin_or_reply(r, class_id, &school_id))
        return;
    int64_t id = 0;
    int rc = db_insert_id(r->db, &id,
                          "INSERT INTO students (district_id, school_id, class_id, name, student_no,"
                          " gender, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id", r->user->district_id, school_id, class_id, name, student_no,
                          gender, now_unix());
    if (rc == DB_CONSTRAINT) {
        reply_err_field(r, SJ_ERR_STUDENT_NO_TAKEN, "student_no");
        return;
    }
    if (rc != DB_DONE) {
        reply_db(r, rc);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201, json_pack("{s:I,s:I,s:s,s:s}", "id", (json_int_t)id, "class_id",
                                 (json_int_t)class_id, "name", name, "student_no", student_no));
}

/* The pupil's class and school; false after replying 404 (none, or another district's) or
 * 500. */
static bool student_place_or_reply(req *r, int64_t student_id, int64_t *class_id,
                                   int64_t *school_id)
{
    db_stmt *s = db_query(r->db, "SELECT class_id, school_id, district_id FROM students WHERE id = $1", student_id);
    int rc = s ? db_step(s) : DB_ERROR;
    int64_t district = 0;
    if (rc == DB_ROW) {
        *class_id = db_col_int64(s, 0);
        *school_id = db_col_int64(s, 1);
        district = db_col_int64(s, 2);
    }
    db_finalize(s);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return auth_same_district_or_reply(r, district);
}

/* A staff read of pupils outside the reader's own classes goes to the audit log. */
static void audit_if_outside(req *r, int64_t class_id, int64_t school_id, const char *what,
                             int64_t target)
{
    if (auth_school_admin(r->user, school_id) || auth_district_staff(r->user))
        return;
    for (int i = 0; i < r->user->nroles; i++)
        if (r->user->roles[i].kind == ROLE_GRADE_LEADER && r->user->roles[i].school_id == school_id)
            return;
    if (!auth_teaches(r, class_id, NULL))
        audit_record(r, what, "class", target, "outside own classes");
}

static void h_student_get(req *r)
{
    int64_t id = r->params[0], class_id, school_id;
    if (!student_place_or_reply(r, id, &class_id, &school_id))
        return;
    bool staff = auth_school_staff(r->user, school_id);
    if (!staff && !auth_guardian_of(r, id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (staff)
        audit_if_outside(r, class_id, school_id, "read student", id);
    db_stmt *s = db_query(r->db,
                          "SELECT p.id, p.name, p.student_no, p.gender, p.class_id, c.name, c.grade,"
                          " p.school_id, sc.name, p.id_masked FROM students p"
                          " JOIN classes c ON c.id = p.class_id JOIN schools sc ON sc.id = p.school_id"
                          " WHERE p.id = $1", id);
    json_t *rows = db_rows_json(s, "id:i,name:s,student_no:s,gender:S,class_id:i,class_name:s,"
                                   "grade:i,school_id:i,school_name:s,id_masked:S");
    s = db_query(r->db,
                 "SELECT u.id, u.username, u.name, g.relation, u.phone_masked FROM guardianships g"
                 " JOIN users u ON u.id = g.user_id WHERE g.student_id = $1 ORDER BY u.id", id);
    json_t *gs = db_rows_json(s, "id:i,username:s,name:s,relation:S,phone_masked:S");
    if (!rows || !gs || json_array_size(rows) != 1) {
        json_decref(rows);
        json_decref(gs);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_t *o = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    json_object_set_new(o, "guardians", gs);
    reply_json(r, 200, o);
}

static void h_class_students(req *r)
{
    int64_t class_id = r->params[0], school_id;
    if (!auth_class_staff_or_reply(r, class_id, &school_id, NULL))
        return;
    audit_if_outside(r, class_id, school_id, "read class students", class_id);
    reply_list(r,
               "SELECT id, name, student_no, gender FROM students WHERE class_id = $1"
               " ORDER BY student_no, id",
               "SELECT COUNT(*) FROM students WHERE class_id = $1",
               "id:i,name:s,student_no:s,gender:S", class_id);
}

/* The account's roles: *guardian when it holds the guardian role, *other when it holds any
 * other. false on a store error. */
static bool account_roles(req *r, int64_t uid, bool *guardian, bool *other)
{
    *guardian = *other = false;
    db_stmt *s = db_query(r->db, "SELECT role FROM user_roles WHERE user_id = $1", uid);
    if (!s)
        return false;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (role_parse(db_col_text(s, 0)) == ROLE_GUARDIAN)
            *guardian = true;
        else
            *other = true;
    }
    db_finalize(s);
    return rc == DB_DONE;
}

/* Links a family account to a pupil. Only an account that holds the guardian role and no
 * other may be linked: the school's admin manages the accounts of its pupils' guardians
 * (passwords, phones), so linking a staff or admin account would hand it to them. An account
 * with no role at all is refused too: the API and the roster import make family accounts
 * with the guardian role, so a roleless one is not a family's. */
static void h_guardian_link(req *r)
{
    int64_t student_id = r->params[0], user_id, class_id, school_id;
    const char *relation;
    if (!student_place_or_reply(r, student_id, &class_id, &school_id))
        return;
    if (!auth_school_admin(r->user, school_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "user_id", 1, INT64_MAX, true, &user_id) ||
        !body_str_or_reply(r, "relation", 20, false, &relation))
        return;
    int64_t district = 0;
    int rc = db_query_int64(r->db, &district, "SELECT district_id FROM users WHERE id = $1",
                            user_id);
    if (rc != DB_ROW || district != r->user->district_id) {
        reply_err_field(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_BAD_FIELD : SJ_ERR_INTERNAL,
                        "user_id");
        return;
    }
    /* the roles are read inside the write transaction that links, so the check and the link
     * see the same account */
    bool guardian = false, other = false;
    rc = db_begin_write(r->db) == DB_OK ? DB_DONE : DB_ERROR;
    if (rc == DB_DONE && !account_roles(r, user_id, &guardian, &other))
        rc = DB_ERROR;
    if (rc == DB_DONE && (!guardian || other)) {
        db_rollback(r->db);
        reply_err_detail(r, SJ_ERR_NOT_A_GUARDIAN, json_pack("{s:s}", "field", "user_id"));
        return;
    }
    if (rc == DB_DONE)
        rc = db_run(r->db,
                    "INSERT INTO guardianships (student_id, user_id, relation) VALUES ($1, $2, $3)", student_id, user_id, relation);
    if (rc == DB_DONE && db_commit(r->db) == DB_OK) {
        r->audit_target = student_id;
        reply_json(r, 201, json_pack("{s:I,s:I}", "student_id", (json_int_t)student_id, "user_id",
                                     (json_int_t)user_id));
        return;
    }
    db_rollback(r->db);
    if (rc == DB_CONSTRAINT)
        reply_err(r, SJ_ERR_ALREADY_LINKED);
    else
        reply_db(r, rc);
}

static void h_my_children(req *r)
{
    reply_list(r,
               "SELECT p.id, p.name, p.student_no, p.class_id, c.name, c.grade, p.school_id, s.name"
               " FROM guardianships g JOIN students p ON p.id = g.student_id"
               " JOIN classes c ON c.id = p.class_id JOIN schools s ON s.id = p.school_id"
               " WHERE g.user_id = $1 ORDER BY p.id",
               "SELECT COUNT(*) FROM guardianships WHERE user_id = $1",
               "id:i,name:s,student_no:s,class_id:i,class_name:s,grade:i,school_id:i,school_name:s", r->user->id);
}

static void h_my_classes(req *r)
{
    reply_list(r,
               "SELECT t.class_id, c.name, c.grade, c.school_id, s.name, t.subject FROM teaching t"
               " JOIN classes c ON c.id = t.class_id JOIN schools s ON s.id = c.school_id"
               " WHERE t.user_id = $1 ORDER BY c.grade, c.name, t.subject",
               "SELECT COUNT(*) FROM teaching WHERE user_id = $1",
               "class_id:i,class_name:s,grade:i,school_id:i,school_name:s,subject:s",
               r->user->id);
}

/* ---------- audit ---------- */

/* A time bound from the query: Unix seconds, or a date YYYY-MM-DD in +08:00 (its first second
 * for `from`, its last for `to`). false after replying 400. */
static bool time_bound_or_reply(req *r, const char *key, bool end, int64_t dflt, int64_t *out)
{
    const char *v = req_query(r, key);
    if (v && valid_date(v)) {
        *out = date_unix(v, end ? 24 * 60 : 0) - (end ? 1 : 0);
        return true;
    }
    return req_query_int64_or_reply(r, key, dflt, out);
}

static void h_audit_list(req *r)
{
    int64_t uid, from, to;
    const char *action = req_query(r, "action");
    if (!req_query_int64_or_reply(r, "user_id", 0, &uid) ||
        !time_bound_or_reply(r, "from", false, 0, &from) ||
        !time_bound_or_reply(r, "to", true, INT64_MAX / 2, &to))
        return;
    const char *where = " WHERE district_id = $1 AND ($2 = 0 OR user_id = $2) AND at >= $3"
                        " AND at <= $4 AND ($5 = '' OR action LIKE '%' || $5 || '%')";
    int64_t limit, offset, total = 0;
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    const char *act = action ? action : "";
    db_stmt *s = db_query(r->db,
                          req_printf(r, "SELECT id, at, user_id, username, action, target_kind,"
                                        " target_id, status, detail, ip, request_id FROM audit_log%s"
                                        " ORDER BY id DESC LIMIT $6 OFFSET $7", where), r->user->district_id, uid, from, to, act, limit, offset);
    json_t *items = db_rows_json(s, "id:i,at_unix:i,user_id:I,username:S,action:s,target_kind:S,"
                                    "target_id:I,status:I,detail:S,ip:S,request_id:S");
    if (!items || db_query_int64(r->db, &total, req_printf(r, "SELECT COUNT(*) FROM audit_log%s", where), r->user->district_id, uid, from, to, act) != DB_ROW) {
        json_decref(items);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        char ts[32];
        unix_rfc3339(json_integer_value(json_object_get(it, "at_unix")), ts);
        json_object_set_new(it, "at", json_string(ts));
    }
    reply_json(r, 200, list_json(items, total));
}

static const route routes[] = {
    {"POST", "/api/v1/schools", h_school_create, "core:school:add", ROLE_BIT(ROLE_DISTRICT_ADMIN), 0},
    {"GET", "/api/v1/schools", h_school_list, "core:school:list", STAFF_ROLES, 0},
    {"GET", "/api/v1/schools/{id}", h_school_get, "core:school:list", STAFF_ROLES, 0},
    {"GET", "/api/v1/schools/{id}/classes", h_school_classes, "core:class:list", STAFF_ROLES, 0},
    {"POST", "/api/v1/classes", h_class_create, "core:class:add", ADMIN_ROLES, 0},
    {"GET", "/api/v1/classes/{id}", h_class_get, PERM_USER, 0, 0},
    {"POST", "/api/v1/users", h_user_create, "core:user:add",
     ADMIN_ROLES | ROLE_BIT(ROLE_INSPECTOR), 0},
    {"GET", "/api/v1/users", h_user_list, "core:user:list", ADMIN_ROLES | ROLE_BIT(ROLE_INSPECTOR), 0},
    {"POST", "/api/v1/classes/{id}/teachers", h_class_teacher_add, "core:teaching:add", ADMIN_ROLES, 0},
    {"GET", "/api/v1/classes/{id}/teachers", h_class_teachers, "core:class:list", STAFF_ROLES, 0},
    {"POST", "/api/v1/students", h_student_create, "core:student:add", ADMIN_ROLES, 0},
    {"GET", "/api/v1/students/{id}", h_student_get, PERM_USER, 0, 0},
    {"POST", "/api/v1/students/{id}/guardians", h_guardian_link, "core:student:add", ADMIN_ROLES, 0},
    {"GET", "/api/v1/classes/{id}/students", h_class_students, "core:student:list", STAFF_ROLES, 0},
    {"GET", "/api/v1/me/children", h_my_children, "core:family", ROLE_BIT(ROLE_GUARDIAN), 0},
    {"GET", "/api/v1/me/classes", h_my_classes, "core:teaching",
     ROLE_BIT(ROLE_TEACHER) | ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_SCHOOL_ADMIN), 0},
    {"GET", "/api/v1/audit", h_audit_list, "core:audit:list", ROLE_BIT(ROLE_DISTRICT_ADMIN), 0},
};

const route *people_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
