/*
 * api_people.c: the organisation tree and its people: schools, classes, users and roles,
 * teaching assignments, pupils, guardians, the lists each role may read, and the audit log's
 * search. Handlers only: parse, authorise, call the store (store_people.c, audit.c; core.h and
 * core_int.h), reply. Every write is one core_<action>() that owns its transaction and writes
 * the request's audit row in it (req_audit); every refusal is a verdict (reply_verdict) whose
 * words are in messages.c ("core.*").
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
#include <string.h>

#include "auth.h"
#include "calendar.h"
#include "core_int.h"

#define STAFF_ROLES                                                                                \
    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_SCHOOL_ADMIN) |      \
     ROLE_BIT(ROLE_GRADE_LEADER) | ROLE_BIT(ROLE_TEACHER))
#define ADMIN_ROLES (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_SCHOOL_ADMIN))

static const char *const school_kinds[] = {"primary", "junior", "nine_year", NULL};

/* One object the store found: 200, 404 (DB_DONE) or 500. */
static void reply_found(req *r, int rc, json_t *o)
{
    if (rc == DB_ROW)
        reply_json(r, 200, o);
    else
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
}

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
    verdict v = core_school_create(r->db, req_audit(r, 201), r->user->district_id, name,
                                   school_kinds[kind], rural, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)id, "name", name, "kind",
                         school_kinds[kind], "rural", rural));
}

static void h_school_list(req *r)
{
    int64_t limit, offset;
    if (req_paging_or_reply(r, &limit, &offset))
        reply_page(r, core_schools_page(r->db, auth_district_staff(r->user), r->user->district_id,
                                        r->user->id, limit, offset));
}

static void h_school_get(req *r)
{
    int64_t id = r->params[0];
    if (!auth_school_staff_or_reply(r, id))
        return;
    json_t *o = NULL;
    int rc = core_school_json(r->db, id, &o);
    reply_found(r, rc, o);
}

/* ---------- classes ---------- */

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
    int64_t id = 0;
    verdict v = core_class_create(r->db, req_audit(r, 201), r->user->district_id, school_id,
                                  (int)grade, name, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:I,s:s}", "id", (json_int_t)id, "school_id",
                         (json_int_t)school_id, "grade", (json_int_t)grade, "name", name));
}

static void h_school_classes(req *r)
{
    int64_t school_id = r->params[0];
    if (!auth_school_staff_or_reply(r, school_id))
        return;
    int64_t limit, offset;
    if (req_paging_or_reply(r, &limit, &offset))
        reply_page(r, core_school_classes_page(r->db, school_id, limit, offset));
}

static void h_class_get(req *r)
{
    int64_t id = r->params[0];
    json_t *o = NULL;
    int rc = core_class_json(r->db, id, r->user->district_id, &o);
    if (rc != DB_ROW) {
        reply_found(r, rc, NULL);
        return;
    }
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
    json_array_foreach(arr, i, v)
    {
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
            rc = core_school_district(r->db, ro->school_id, &district);
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
    for (int k = 0; k<*nroles && * nroles> 1; k++)
        if (roles[k].kind == ROLE_GUARDIAN) {
            reply_err_detail(r, SJ_ERR_GUARDIAN_ROLE_ALONE, json_pack("{s:s}", "field", "roles"));
            return false;
        }
    return true;
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
    if (!body_require_object_or_reply(r) ||
        !body_str_or_reply(r, "username", 32, true, &username) ||
        !body_str_or_reply(r, "password", 128, true, &password) ||
        !body_str_or_reply(r, "name", 50, true, &name) ||
        !body_str_or_reply(r, "phone", 20, false, &phone))
        return;
    if (!username_ok(username)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "username");
        return;
    }
    if (strlen(password) < 8) {
        reply_field(r, SJ_ERR_BAD_FIELD, "password", "core.password_short");
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
    core_user_in in = {.district_id = r->user->district_id,
                       .username = username,
                       .password_hash = hash,
                       .name = name,
                       .phone = phone,
                       .roles = roles,
                       .nroles = nroles};
    int64_t id = 0;
    user u;
    verdict v = core_user_create(r->db, r->app, req_audit(r, 201), &in, &id, &u);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 201, auth_user_json(&u));
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
    int64_t limit, offset;
    if (req_paging_or_reply(r, &limit, &offset))
        reply_page(r, core_users_page(r->db, r->user->district_id, school_id,
                                      role_filter ? role_filter : "", limit, offset));
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
    int64_t id = 0;
    verdict v =
        core_teaching_add(r->db, req_audit(r, 201), class_id, school_id, user_id, subject, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:I,s:s}", "id", (json_int_t)id, "class_id",
                         (json_int_t)class_id, "user_id", (json_int_t)user_id, "subject", subject));
}

static void h_class_teachers(req *r)
{
    int64_t class_id = r->params[0];
    if (!auth_class_staff_or_reply(r, class_id, NULL, NULL))
        return;
    int64_t limit, offset;
    if (req_paging_or_reply(r, &limit, &offset))
        reply_page(r, core_class_teachers_page(r->db, class_id, limit, offset));
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
    core_student_in in = {.district_id = r->user->district_id,
                          .school_id = school_id,
                          .class_id = class_id,
                          .name = name,
                          .student_no = student_no,
                          .gender = gender};
    int64_t id = 0;
    verdict v = core_student_create(r->db, r->app, req_audit(r, 201), &in, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:s,s:s}", "id", (json_int_t)id, "class_id",
                         (json_int_t)class_id, "name", name, "student_no", student_no));
}

/* The pupil's class and school; false after replying 404 (none, or another district's) or
 * 500. */
static bool student_place_or_reply(req *r, int64_t student_id, int64_t *class_id,
                                   int64_t *school_id)
{
    int64_t district = 0;
    int rc = core_student_place(r->db, student_id, class_id, school_id, &district);
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
    json_t *o = NULL;
    int rc = core_student_json(r->db, id, &o);
    /* the pupil was found a moment ago: not finding it now is a store failure */
    reply_found(r, rc == DB_DONE ? DB_ERROR : rc, o);
}

static void h_class_students(req *r)
{
    int64_t class_id = r->params[0], school_id;
    if (!auth_class_staff_or_reply(r, class_id, &school_id, NULL))
        return;
    audit_if_outside(r, class_id, school_id, "read class students", class_id);
    int64_t limit, offset;
    if (req_paging_or_reply(r, &limit, &offset))
        reply_page(r, core_class_students_page(r->db, class_id, limit, offset));
}

/* Links a family account to a pupil (core_guardian_link: the guardian role and no other; an
 * account with no role at all is refused too, since the API and the roster import make family
 * accounts with the guardian role). */
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
    verdict v = core_guardian_link(r->db, req_audit(r, 201), r->user->district_id, student_id,
                                   user_id, relation);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    reply_json(r, 201,
               json_pack("{s:I,s:I}", "student_id", (json_int_t)student_id, "user_id",
                         (json_int_t)user_id));
}

static void h_my_children(req *r)
{
    int64_t limit, offset;
    if (req_paging_or_reply(r, &limit, &offset))
        reply_page(r, core_children_page(r->db, r->user->id, limit, offset));
}

static void h_my_classes(req *r)
{
    int64_t limit, offset;
    if (req_paging_or_reply(r, &limit, &offset))
        reply_page(r, core_my_classes_page(r->db, r->user->id, limit, offset));
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
    if (!req_query_int64_or_reply(r, "user_id", 0, &uid) ||
        !time_bound_or_reply(r, "from", false, 0, &from) ||
        !time_bound_or_reply(r, "to", true, INT64_MAX / 2, &to))
        return;
    int64_t limit, offset;
    if (req_paging_or_reply(r, &limit, &offset))
        reply_page(r, audit_page(r->db, r->user->district_id, uid, from, to, req_query(r, "action"),
                                 limit, offset));
}

static const route routes[] = {
    {"POST", "/api/v1/schools", h_school_create, "core:school:add", ROLE_BIT(ROLE_DISTRICT_ADMIN),
     0},
    {"GET", "/api/v1/schools", h_school_list, "core:school:list", STAFF_ROLES, 0},
    {"GET", "/api/v1/schools/{id}", h_school_get, "core:school:list", STAFF_ROLES, 0},
    {"GET", "/api/v1/schools/{id}/classes", h_school_classes, "core:class:list", STAFF_ROLES, 0},
    {"POST", "/api/v1/classes", h_class_create, "core:class:add", ADMIN_ROLES, 0},
    {"GET", "/api/v1/classes/{id}", h_class_get, PERM_USER, 0, 0},
    {"POST", "/api/v1/users", h_user_create, "core:user:add",
     ADMIN_ROLES | ROLE_BIT(ROLE_INSPECTOR), 0},
    {"GET", "/api/v1/users", h_user_list, "core:user:list", ADMIN_ROLES | ROLE_BIT(ROLE_INSPECTOR),
     0},
    {"POST", "/api/v1/classes/{id}/teachers", h_class_teacher_add, "core:teaching:add", ADMIN_ROLES,
     0},
    {"GET", "/api/v1/classes/{id}/teachers", h_class_teachers, "core:class:list", STAFF_ROLES, 0},
    {"POST", "/api/v1/students", h_student_create, "core:student:add", ADMIN_ROLES, 0},
    {"GET", "/api/v1/students/{id}", h_student_get, PERM_USER, 0, 0},
    {"POST", "/api/v1/students/{id}/guardians", h_guardian_link, "core:student:add", ADMIN_ROLES,
     0},
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
