/*
 * auth.c: passwords, tokens, the caller's roles, and every scope check (deny by default).
 *
 * Scope model (API.md): district_admin and inspector see the whole district; school_admin,
 * grade_leader and teacher are tied to one school (grade_leader also to a grade); a teacher's
 * classes are their `teaching` rows; a guardian sees only the pupils linked to them;
 * institution_admin only their institution.
 *
 * Districts: the pure checks (auth_school_admin, auth_district_staff...) look at the caller's
 * roles only, so a district role passes them for any school id. Every object is therefore
 * first found together with its district and answered 404 when that is not the caller's
 * (auth_same_district_or_reply, and the *_or_reply helpers below do it themselves): another
 * district's objects do not exist for the caller.
 *
 * Accounts (auth_manages_user_or_reply): an admin may set the password of, or reveal the
 * phone of, an account only when the admin's scope holds every role and every pupil of it. A
 * guardianship is a way into an account, so only an account that holds the guardian role
 * and no other may be linked to a pupil (api_people.c).
 */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "session_cache.h"

static const char *const role_names[] = {
    [ROLE_DISTRICT_ADMIN] = "district_admin",
    [ROLE_INSPECTOR] = "inspector",
    [ROLE_SCHOOL_ADMIN] = "school_admin",
    [ROLE_GRADE_LEADER] = "grade_leader",
    [ROLE_TEACHER] = "teacher",
    [ROLE_GUARDIAN] = "guardian",
    [ROLE_INSTITUTION_ADMIN] = "institution_admin",
};

const char *role_name(role_kind k)
{
    return k >= ROLE_DISTRICT_ADMIN && k <= ROLE_INSTITUTION_ADMIN ? role_names[k] : "unknown";
}

role_kind role_parse(const char *s)
{
    for (int k = ROLE_DISTRICT_ADMIN; k <= ROLE_INSTITUTION_ADMIN; k++)
        if (s && strcmp(s, role_names[k]) == 0)
            return (role_kind)k;
    return 0;
}

bool auth_password_hash(const char *pw, char out[crypto_pwhash_STRBYTES])
{
    return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE / 2) == 0;
}

bool auth_password_verify(const char *hash, const char *pw)
{
    return hash && *hash && crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

_Static_assert(sizeof((app *)0)->login_dummy_hash == crypto_pwhash_STRBYTES,
               "app.login_dummy_hash holds one Argon2id string");

bool auth_password_dummy(char out[crypto_pwhash_STRBYTES])
{
    unsigned char raw[32];
    char pw[2 * sizeof raw + 1];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
    bool ok = auth_password_hash(pw, out);
    sodium_memzero(pw, sizeof pw);
    return ok;
}

void auth_token_hash(const char *token, char hash_hex[AUTH_HASH_HEX])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(hash_hex, AUTH_HASH_HEX, h, sizeof h);
}

void auth_token_new(char token[AUTH_TOKEN_LEN + 1], char hash_hex[AUTH_HASH_HEX])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token, AUTH_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    auth_token_hash(token, hash_hex);
}

/* Reads the user row of `s` (id, district_id, username, name) and then the roles. */
static int load_user_from(db_conn *c, db_stmt *s, user *u)
{
    memset(u, 0, sizeof *u);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        u->id = db_next_int64(&row);
        u->district_id = db_next_int64(&row);
        DB_NEXT_TEXT(&row, u->username);
        DB_NEXT_TEXT(&row, u->name);
    }
    db_finalize(s);
    if (rc != DB_ROW)
        return rc;
    s = db_query(c,
                 "SELECT role, school_id, grade, institution_id FROM user_roles WHERE user_id = $1"
                 " ORDER BY id",
                 u->id);
    if (!s)
        return DB_ERROR;
    while ((rc = db_step(s)) == DB_ROW && u->nroles < USER_MAX_ROLES) {
        role *ro = &u->roles[u->nroles];
        db_row row = db_row_at(s, 0);
        ro->kind = role_parse(db_next_text_ref(&row));
        ro->school_id = db_next_int64(&row);
        ro->grade = (int)db_next_int64(&row);
        ro->institution_id = db_next_int64(&row);
        if (ro->kind)
            u->nroles++;
    }
    db_finalize(s);
    return rc == DB_ERROR ? DB_ERROR : DB_ROW;
}

int auth_load_user(db_conn *c, int64_t user_id, user *u)
{
    return load_user_from(
        c, db_query(c, "SELECT id, district_id, username, name FROM users WHERE id = $1", user_id),
        u);
}

int auth_session_user(db_conn *c, session_cache *cache, const char *token, user *u)
{
    char h[AUTH_HASH_HEX];
    auth_token_hash(token, h);
    if (cache && session_cache_get(cache, h, u))
        return DB_ROW;
    /* taken before reading: a logout committed meanwhile makes the put below refuse */
    uint64_t ticket = cache ? session_cache_ticket(cache, h) : 0;
    int64_t expires = 0;
    int q = db_query_int64(
        c, &expires, "SELECT expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2", h,
        now_unix());
    if (q != DB_ROW)
        return q; /* DB_DONE: no such session; else a store error (500, not 401) */
    int rc =
        load_user_from(c,
                       db_query(c,
                                "SELECT u.id, u.district_id, u.username, u.name FROM sessions s"
                                " JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
                                h),
                       u);
    if (rc == DB_ROW && cache)
        session_cache_put(cache, h, u, expires, ticket);
    return rc;
}

json_t *auth_role_json(const role *ro)
{
    json_t *j = json_pack("{s:s}", "role", role_name(ro->kind));
    switch (ro->kind) {
    case ROLE_SCHOOL_ADMIN:
    case ROLE_TEACHER:
        json_object_set_new(j, "school_id", json_integer(ro->school_id));
        break;
    case ROLE_GRADE_LEADER:
        json_object_set_new(j, "school_id", json_integer(ro->school_id));
        json_object_set_new(j, "grade", json_integer(ro->grade));
        break;
    case ROLE_INSTITUTION_ADMIN:
        json_object_set_new(j, "institution_id", json_integer(ro->institution_id));
        break;
    default:
        break;
    }
    return j;
}

json_t *auth_user_json(const user *u)
{
    json_t *roles = json_array();
    for (int i = 0; i < u->nroles; i++)
        json_array_append_new(roles, auth_role_json(&u->roles[i]));
    return json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)u->id, "username", u->username, "name",
                     u->name, "roles", roles);
}

bool auth_has(const user *u, role_kind k)
{
    for (int i = 0; u && i < u->nroles; i++)
        if (u->roles[i].kind == k)
            return true;
    return false;
}

bool auth_district(const user *u)
{
    return auth_has(u, ROLE_DISTRICT_ADMIN);
}
bool auth_district_staff(const user *u)
{
    return auth_has(u, ROLE_DISTRICT_ADMIN) || auth_has(u, ROLE_INSPECTOR);
}

bool auth_school_admin(const user *u, int64_t school_id)
{
    if (auth_district(u))
        return true;
    for (int i = 0; u && i < u->nroles; i++)
        if (u->roles[i].kind == ROLE_SCHOOL_ADMIN && u->roles[i].school_id == school_id)
            return true;
    return false;
}

bool auth_school_staff(const user *u, int64_t school_id)
{
    if (auth_district_staff(u))
        return true;
    for (int i = 0; u && i < u->nroles; i++) {
        role_kind k = u->roles[i].kind;
        if ((k == ROLE_SCHOOL_ADMIN || k == ROLE_GRADE_LEADER || k == ROLE_TEACHER) &&
            u->roles[i].school_id == school_id)
            return true;
    }
    return false;
}

bool auth_institution_admin(const user *u, int64_t institution_id)
{
    for (int i = 0; u && i < u->nroles; i++)
        if (u->roles[i].kind == ROLE_INSTITUTION_ADMIN &&
            u->roles[i].institution_id == institution_id)
            return true;
    return false;
}

bool auth_teaches(req *r, int64_t class_id, const char *subject)
{
    int64_t one = 0;
    int rc = subject ? db_query_int64(r->db, &one,
                                      "SELECT 1 FROM teaching WHERE class_id = $1 AND user_id = $2"
                                      " AND subject = $3",
                                      class_id, r->user->id, subject)
                     : db_query_int64(r->db, &one,
                                      "SELECT 1 FROM teaching WHERE class_id = $1 AND user_id = $2",
                                      class_id, r->user->id);
    return rc == DB_ROW;
}

bool auth_guardian_of(req *r, int64_t student_id)
{
    int64_t one = 0;
    return r->user &&
           db_query_int64(r->db, &one,
                          "SELECT 1 FROM guardianships WHERE student_id = $1 AND user_id = $2",
                          student_id, r->user->id) == DB_ROW;
}

bool auth_guardian_in_class(req *r, int64_t class_id)
{
    int64_t one = 0;
    return r->user &&
           db_query_int64(r->db, &one,
                          "SELECT 1 FROM guardianships g JOIN students s ON s.id = g.student_id"
                          " WHERE s.class_id = $1 AND g.user_id = $2",
                          class_id, r->user->id) == DB_ROW;
}

bool auth_same_district_or_reply(req *r, int64_t district_id)
{
    if (r->user && district_id == r->user->district_id)
        return true;
    reply_err(r, SJ_ERR_NOT_FOUND);
    return false;
}

bool auth_class_staff_or_reply(req *r, int64_t class_id, int64_t *school_id_out, int *grade_out)
{
    db_stmt *s = db_query(r->db, "SELECT school_id, grade, district_id FROM classes WHERE id = $1",
                          class_id);
    if (!s) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    int rc = db_step(s);
    int64_t school = 0, district = 0;
    int grade = 0;
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        school = db_next_int64(&row);
        grade = (int)db_next_int64(&row);
        district = db_next_int64(&row);
    }
    db_finalize(s);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    if (!auth_same_district_or_reply(r, district))
        return false;
    if (!auth_school_staff(r->user, school)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    if (school_id_out)
        *school_id_out = school;
    if (grade_out)
        *grade_out = grade;
    return true;
}

bool auth_school_exists_or_reply(req *r, int64_t school_id)
{
    int64_t district = 0;
    int rc = db_query_int64(r->db, &district, "SELECT district_id FROM schools WHERE id = $1",
                            school_id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return auth_same_district_or_reply(r, district);
}

bool auth_school_staff_or_reply(req *r, int64_t school_id)
{
    if (!auth_school_exists_or_reply(r, school_id))
        return false;
    if (!auth_school_staff(r->user, school_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}

bool auth_school_admin_or_reply(req *r, int64_t school_id)
{
    if (!auth_school_exists_or_reply(r, school_id))
        return false;
    if (!auth_school_admin(r->user, school_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}

bool auth_class_admin_or_reply(req *r, int64_t class_id, int64_t *school_id_out)
{
    int64_t school = 0;
    if (!auth_class_staff_or_reply(r, class_id, &school, NULL))
        return false;
    if (!auth_school_admin(r->user, school)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    if (school_id_out)
        *school_id_out = school;
    return true;
}

/* One of the caller's own school_admin roles is at this school (district roles aside). */
static bool admins_school(const user *u, int64_t school_id)
{
    for (int i = 0; u && i < u->nroles; i++)
        if (u->roles[i].kind == ROLE_SCHOOL_ADMIN && u->roles[i].school_id == school_id)
            return true;
    return false;
}

/* Steps through the rows of `s` and counts the schools the caller administers (*inside) and
 * the rest (*outside). `roles`: rows are (role, school_id) of user_roles, where a guardian row
 * is skipped and a role without a school (district, institution) counts as outside; otherwise
 * rows are (school_id) of pupils. Finalizes s; DB_DONE or an error. */
static int count_schools(const user *u, db_stmt *s, int *inside, int *outside, bool roles)
{
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t school = db_col_int64(s, roles ? 1 : 0);
        if (roles) {
            role_kind k = role_parse(db_col_text(s, 0));
            if (k == ROLE_GUARDIAN)
                continue; /* a guardian's scope is their pupils, counted separately */
            bool school_role =
                k == ROLE_SCHOOL_ADMIN || k == ROLE_GRADE_LEADER || k == ROLE_TEACHER;
            if (!school_role) {
                (*outside)++; /* district, inspector, institution or unknown roles */
                continue;
            }
        }
        if (admins_school(u, school))
            (*inside)++;
        else
            (*outside)++;
    }
    db_finalize(s);
    return rc;
}

bool auth_manages_user_or_reply(req *r, int64_t uid, bool district_staff_may)
{
    int64_t district = 0;
    int rc = db_query_int64(r->db, &district, "SELECT district_id FROM users WHERE id = $1", uid);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    if (!auth_same_district_or_reply(r, district))
        return false;
    if (auth_district(r->user) || (district_staff_may && auth_district_staff(r->user)))
        return true;
    /* A school admin: every role of the account at one of the admin's schools, every pupil it
     * is a guardian of at one of them, and at least one of either (an account with neither is
     * nobody's at a school: the district's). */
    int inside = 0, outside = 0;
    rc = count_schools(
        r->user, db_query(r->db, "SELECT role, school_id FROM user_roles WHERE user_id = $1", uid),
        &inside, &outside, true);
    if (rc == DB_DONE)
        rc = count_schools(r->user,
                           db_query(r->db,
                                    "SELECT DISTINCT s.school_id FROM guardianships g"
                                    " JOIN students s ON s.id = g.student_id WHERE g.user_id = $1",
                                    uid),
                           &inside, &outside, false);
    if (rc != DB_DONE) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    if (outside > 0 || inside == 0) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}
