/*
 * auth.c: passwords, tokens, the caller's roles, and every scope check (deny by default).
 *
 * Scope model (API.md): district_admin and inspector see the whole district; school_admin,
 * grade_leader and teacher are tied to one school (grade_leader also to a grade); a teacher's
 * classes are their `teaching` rows; a guardian sees only the pupils linked to them;
 * institution_admin only their institution.
 */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "session_cache.h"

static const char *const role_names[] = {
    [ROLE_DISTRICT_ADMIN] = "district_admin", [ROLE_INSPECTOR] = "inspector",
    [ROLE_SCHOOL_ADMIN] = "school_admin",     [ROLE_GRADE_LEADER] = "grade_leader",
    [ROLE_TEACHER] = "teacher",               [ROLE_GUARDIAN] = "guardian",
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

_Static_assert(sizeof ((app *)0)->login_dummy_hash == crypto_pwhash_STRBYTES,
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
        u->id = db_col_int64(s, 0);
        u->district_id = db_col_int64(s, 1);
        snprintf(u->username, sizeof u->username, "%s", db_col_text(s, 2));
        snprintf(u->name, sizeof u->name, "%s", db_col_text(s, 3));
    }
    db_finalize(s);
    if (rc != DB_ROW)
        return rc;
    s = db_query(c,
                 "SELECT role, school_id, grade, institution_id FROM user_roles WHERE user_id = $1"
                 " ORDER BY id",
                 "i", u->id);
    if (!s)
        return DB_ERROR;
    while ((rc = db_step(s)) == DB_ROW && u->nroles < USER_MAX_ROLES) {
        role *ro = &u->roles[u->nroles];
        ro->kind = role_parse(db_col_text(s, 0));
        ro->school_id = db_col_int64(s, 1);
        ro->grade = (int)db_col_int64(s, 2);
        ro->institution_id = db_col_int64(s, 3);
        if (ro->kind)
            u->nroles++;
    }
    db_finalize(s);
    return rc == DB_ERROR ? DB_ERROR : DB_ROW;
}

int auth_load_user(db_conn *c, int64_t user_id, user *u)
{
    return load_user_from(
        c, db_query(c, "SELECT id, district_id, username, name FROM users WHERE id = $1", "i", user_id),
        u);
}

int auth_session_user(db_conn *c, session_cache *cache, const char *token, user *u)
{
    char h[AUTH_HASH_HEX];
    auth_token_hash(token, h);
    if (cache && session_cache_get(cache, h, u))
        return DB_ROW;
    int64_t expires = 0;
    int q = db_query_int64(c, &expires,
                           "SELECT expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
                           "si", h, now_unix());
    if (q != DB_ROW)
        return q; /* DB_DONE: no such session; else a store error (500, not 401) */
    int rc = load_user_from(c,
                            db_query(c,
                                     "SELECT u.id, u.district_id, u.username, u.name FROM sessions s"
                                     " JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
                                     "s", h),
                            u);
    if (rc == DB_ROW && cache)
        session_cache_put(cache, h, u, expires);
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
    return json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)u->id, "username", u->username,
                     "name", u->name, "roles", roles);
}

bool auth_has(const user *u, role_kind k)
{
    for (int i = 0; u && i < u->nroles; i++)
        if (u->roles[i].kind == k)
            return true;
    return false;
}

bool auth_district(const user *u) { return auth_has(u, ROLE_DISTRICT_ADMIN); }
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
                                      "iis", class_id, r->user->id, subject)
                     : db_query_int64(r->db, &one,
                                      "SELECT 1 FROM teaching WHERE class_id = $1 AND user_id = $2",
                                      "ii", class_id, r->user->id);
    return rc == DB_ROW;
}

bool auth_guardian_of(req *r, int64_t student_id)
{
    int64_t one = 0;
    return r->user &&
           db_query_int64(r->db, &one,
                          "SELECT 1 FROM guardianships WHERE student_id = $1 AND user_id = $2",
                          "ii", student_id, r->user->id) == DB_ROW;
}

bool auth_guardian_in_class(req *r, int64_t class_id)
{
    int64_t one = 0;
    return r->user &&
           db_query_int64(r->db, &one,
                          "SELECT 1 FROM guardianships g JOIN students s ON s.id = g.student_id"
                          " WHERE s.class_id = $1 AND g.user_id = $2",
                          "ii", class_id, r->user->id) == DB_ROW;
}

bool auth_class_staff_or_reply(req *r, int64_t class_id, int64_t *school_id_out, int *grade_out)
{
    db_stmt *s = db_query(r->db, "SELECT school_id, grade FROM classes WHERE id = $1", "i",
                          class_id);
    if (!s) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    int rc = db_step(s);
    int64_t school = rc == DB_ROW ? db_col_int64(s, 0) : 0;
    int grade = rc == DB_ROW ? (int)db_col_int64(s, 1) : 0;
    db_finalize(s);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
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

static bool school_exists_or_reply(req *r, int64_t school_id)
{
    int64_t one = 0;
    int rc = db_query_int64(r->db, &one, "SELECT 1 FROM schools WHERE id = $1", "i", school_id);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

bool auth_school_staff_or_reply(req *r, int64_t school_id)
{
    if (!school_exists_or_reply(r, school_id))
        return false;
    if (!auth_school_staff(r->user, school_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return false;
    }
    return true;
}

bool auth_school_admin_or_reply(req *r, int64_t school_id)
{
    if (!school_exists_or_reply(r, school_id))
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
