/*
 * import_api.c: POST /api/v1/imports/students?school_id=S, the roster a school office
 * exports from the national student registry (CSV or XLSX, FORMATS.md).
 *
 * All or nothing: the file is read (sheet.c) and checked (roster.c) first; any problem gives
 * 422 `import_rejected` with every {row, column, message} and nothing stored. A clean file is
 * stored in one write transaction: classes found or made, pupils inserted (a 学籍辅号 already
 * in the district rejects the whole file, naming the row), guardians found by phone or ID
 * number among the district's family accounts (a sibling's parent is linked, not made twice;
 * a staff or admin account with that phone is never linked: the family gets an account of its
 * own) or made as accounts without a password (they log in once the school gives them one).
 * Phone and ID numbers are sealed.
 * Statements are prepared once and reused row after row: 50,000 rows take seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "ident.h"
#include "pii.h"
#include "roster.h"
#include "sheet.h"

static void reject(req *r, json_t *rows, size_t total)
{
    json_t *extra = json_pack("{s:o,s:I}", "rows", rows, "errors_total", (json_int_t)total);
    reply_err_detail(r, SJ_ERR_IMPORT_REJECTED, extra);
}

static json_t *row_error(req *r, size_t row, const char *column, const char *zh, const char *en)
{
    return json_pack("{s:I,s:s,s:s}", "row", (json_int_t)row, "column", column ? column : "",
                     "message", r->english && en ? en : zh);
}

typedef struct {
    db_stmt *find_class, *ins_class, *ins_student, *find_guardian_phone, *find_guardian_id,
        *ins_user, *ins_role, *link, *student_exists;
} import_stmts;

static void stmts_free(import_stmts *s)
{
    db_stmt **all = (db_stmt **)s;
    for (size_t i = 0; i < sizeof *s / sizeof(db_stmt *); i++)
        db_finalize(all[i]);
}

static bool stmts_prepare(db_conn *c, import_stmts *s)
{
    s->find_class = db_prepare(c, "SELECT id FROM classes WHERE school_id = $1 AND grade = $2 AND name = $3");
    s->ins_class = db_prepare(c, "INSERT INTO classes (district_id, school_id, grade, name, created_at)"
                                 " VALUES ($1,$2,$3,$4,$5) RETURNING id");
    s->student_exists = db_prepare(c, "SELECT 1 FROM students WHERE district_id = $1 AND student_no = $2");
    s->ins_student = db_prepare(c, "INSERT INTO students (district_id, school_id, class_id, name, student_no,"
                                   " gender, id_type, id_enc, id_hash, id_masked, created_at)"
                                   " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id");
    /* a family account of the district (the guardian role and no other): a staff or admin
     * account with the same phone is never linked to a pupil (it would fall to the school's
     * admin to manage; see api_account.c), the family gets an account of its own */
#define FAMILY_ACCOUNT                                                                      \
    " AND u.district_id = $2 AND EXISTS (SELECT 1 FROM user_roles ro WHERE ro.user_id = u.id" \
    " AND ro.role = 'guardian') AND NOT EXISTS (SELECT 1 FROM user_roles ro"                \
    " WHERE ro.user_id = u.id AND ro.role <> 'guardian') ORDER BY u.id LIMIT 1"
    s->find_guardian_phone =
        db_prepare(c, "SELECT u.id FROM users u WHERE u.phone_hash = $1" FAMILY_ACCOUNT);
    s->find_guardian_id = db_prepare(c, "SELECT u.id FROM users u WHERE u.id_hash = $1" FAMILY_ACCOUNT);
#undef FAMILY_ACCOUNT
    s->ins_user = db_prepare(c, "INSERT INTO users (district_id, username, name, phone_enc, phone_hash,"
                                " phone_masked, id_type, id_enc, id_hash, id_masked, created_at)"
                                " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id");
    s->ins_role = db_prepare(c, "INSERT INTO user_roles (user_id, role) VALUES ($1, 'guardian')");
    s->link = db_prepare(c, "INSERT INTO guardianships (student_id, user_id, relation) VALUES ($1,$2,$3)"
                            " ON CONFLICT (student_id, user_id) DO NOTHING");
    db_stmt **all = (db_stmt **)s;
    for (size_t i = 0; i < sizeof *s / sizeof(db_stmt *); i++)
        if (!all[i])
            return false;
    return true;
}

/* Runs a prepared statement bound by the caller; returns the first column of the first row
 * (0 when none) and leaves it ready for the next binding. */
static int64_t run_id(db_stmt *s, int *rc)
{
    int64_t id = 0;
    int st = db_step(s);
    if (st == DB_ROW) {
        id = db_col_int64(s, 0);
        st = db_step(s);
    }
    if (st != DB_DONE)
        *rc = st;
    db_reset(s);
    return id;
}

typedef struct {
    char hash[PII_HASH_HEX], masked[40];
    char *enc; /* heap; the caller frees */
} sealed;

static void seal(const app *a, const char *plain, bool phone, sealed *out)
{
    out->enc = pii_seal(a->data_key, plain);
    pii_hash(a->data_key, plain, out->hash);
    if (phone)
        ident_phone_mask(plain, out->masked, sizeof out->masked);
    else
        ident_id_mask(plain, out->masked, sizeof out->masked);
}

/* The common start of an import: the school from the query (its admin only), the file read
 * and mapped. false after replying (422 import_rejected with every error, or 4xx/5xx); on true
 * the caller owns *sh and *ro. */
static bool load_roster_or_reply(req *r, bool teachers, int64_t *school_id, sheet **sh,
                                 roster **ro, json_t **errors, size_t *nerr)
{
    if (!req_query_int64_or_reply(r, "school_id", 0, school_id))
        return false;
    if (*school_id <= 0) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "school_id");
        return false;
    }
    if (!auth_school_admin_or_reply(r, *school_id))
        return false;
    char err[256] = "";
    sheet_status ss = sheet_read(r->raw_body, r->raw_len, NULL, sh, err, sizeof err);
    if (ss != SHEET_OK) {
        json_t *rows = json_array();
        json_array_append_new(rows, row_error(r, 0, "", err[0] ? err : sheet_status_message(ss, 0),
                                              sheet_status_message(ss, 1)));
        reject(r, rows, 1);
        return false;
    }
    if ((teachers ? roster_map_teachers(*sh, ro) : roster_map_students(*sh, ro)) != 0) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    *errors = json_array();
    for (size_t i = 0; i < (*ro)->nerrors; i++)
        json_array_append_new(*errors, row_error(r, (*ro)->errors[i].row, (*ro)->errors[i].column,
                                                 (*ro)->errors[i].message, (*ro)->errors[i].message_en));
    *nerr = (*ro)->nerrors_total;
    return true;
}

/* The end of an import's write transaction: rolled back with 422 and every row error when
 * there is any, or with 5xx on a store error; committed otherwise. true when committed. Takes
 * *errors (NULL afterwards when it replied with them). */
static bool finish_or_reply(req *r, int rc, json_t **errors, size_t nerr, int64_t school_id)
{
    if (rc == DB_DONE && nerr > 0) {
        db_rollback(r->db);
        reject(r, *errors, nerr);
        *errors = NULL;
        return false;
    }
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        reply_db(r, rc == DB_DONE ? DB_ERROR : rc);
        return false;
    }
    r->audit_target = school_id;
    return true;
}

static void h_import_students(req *r)
{
    int64_t school_id = 0;
    sheet *sh = NULL;
    roster *ro = NULL;
    import_stmts st = {0};
    int64_t *class_ids = NULL;
    json_t *errors = NULL;
    size_t nerr = 0;
    if (!load_roster_or_reply(r, false, &school_id, &sh, &ro, &errors, &nerr))
        goto out;
    /* grades the school does not have */
    char kind[16] = "";
    db_stmt *q = db_query(r->db, "SELECT kind FROM schools WHERE id = $1", school_id);
    if (q && db_step(q) == DB_ROW)
        snprintf(kind, sizeof kind, "%s", db_col_text(q, 0));
    db_finalize(q);
    int g0 = strcmp(kind, "junior") == 0 ? 7 : 1, g1 = strcmp(kind, "primary") == 0 ? 6 : 9;
    for (size_t i = 0; i < ro->nstudents; i++)
        if (ro->students[i].grade < g0 || ro->students[i].grade > g1) {
            json_array_append_new(errors, row_error(r, ro->students[i].row, "年级", "本校没有这个年级",
                                                    "This school has no such grade"));
            nerr++;
        }
    if (nerr > 0 || ro->nstudents == 0) {
        if (ro->nstudents == 0 && nerr == 0) {
            json_array_append_new(errors, row_error(r, 1, "", "文件中没有学生", "The file has no pupils"));
            nerr = 1;
        }
        reject(r, errors, nerr);
        errors = NULL;
        goto out;
    }

    const app *a = r->app;
    int64_t district = r->user->district_id, now = now_unix();
    int rc = db_begin_write(r->db);
    if (rc != DB_OK || !stmts_prepare(r->db, &st)) {
        reply_err(r, SJ_ERR_INTERNAL);
        goto out;
    }
    rc = DB_DONE;
    int64_t classes_created = 0, students_created = 0, guardians_created = 0;
    class_ids = calloc(ro->nclasses, sizeof *class_ids);
    if (!class_ids)
        abort();
    for (size_t k = 0; k < ro->nclasses && rc == DB_DONE; k++) {
        const roster_class *rc_ = &ro->classes[k];
        db_bind_int64(st.find_class, 1, school_id);
        db_bind_int64(st.find_class, 2, rc_->grade);
        db_bind_text(st.find_class, 3, rc_->name);
        class_ids[k] = run_id(st.find_class, &rc);
        if (!class_ids[k] && rc == DB_DONE) {
            db_bind_int64(st.ins_class, 1, district);
            db_bind_int64(st.ins_class, 2, school_id);
            db_bind_int64(st.ins_class, 3, rc_->grade);
            db_bind_text(st.ins_class, 4, rc_->name);
            db_bind_int64(st.ins_class, 5, now);
            class_ids[k] = run_id(st.ins_class, &rc);
            classes_created++;
        }
    }
    for (size_t i = 0; i < ro->nstudents && rc == DB_DONE; i++) {
        const roster_student *p = &ro->students[i];
        db_bind_int64(st.student_exists, 1, district);
        db_bind_text(st.student_exists, 2, p->student_no);
        if (run_id(st.student_exists, &rc)) {
            json_array_append_new(errors, row_error(r, p->row, "学籍辅号", "学籍辅号已存在(该学生已导入)",
                                                    "This student number is already registered"));
            nerr++;
            continue;
        }
        sealed sid = {0};
        char idtype[2] = {p->id_type, 0};
        if (p->id_no[0])
            seal(a, p->id_no, false, &sid);
        db_bind_int64(st.ins_student, 1, district);
        db_bind_int64(st.ins_student, 2, school_id);
        db_bind_int64(st.ins_student, 3, class_ids[p->class_index]);
        db_bind_text(st.ins_student, 4, p->name);
        db_bind_text(st.ins_student, 5, p->student_no);
        db_bind_text(st.ins_student, 6, p->gender == 1 ? "男" : p->gender == 2 ? "女" : NULL);
        db_bind_text(st.ins_student, 7, p->id_type ? idtype : NULL);
        db_bind_text(st.ins_student, 8, sid.enc);
        db_bind_text(st.ins_student, 9, p->id_no[0] ? sid.hash : NULL);
        db_bind_text(st.ins_student, 10, p->id_no[0] ? sid.masked : NULL);
        db_bind_int64(st.ins_student, 11, now);
        int64_t student_id = run_id(st.ins_student, &rc);
        free(sid.enc);
        students_created++;
        for (size_t g = 0; g < p->nguardians && rc == DB_DONE; g++) {
            const roster_guardian *gu = &p->guardians[g];
            sealed ph = {0}, gid = {0};
            seal(a, gu->phone, true, &ph);
            if (gu->id_no[0])
                seal(a, gu->id_no, false, &gid);
            db_bind_text(st.find_guardian_phone, 1, ph.hash);
            db_bind_int64(st.find_guardian_phone, 2, district);
            int64_t uid = run_id(st.find_guardian_phone, &rc);
            if (!uid && gu->id_no[0] && rc == DB_DONE) {
                db_bind_text(st.find_guardian_id, 1, gid.hash);
                db_bind_int64(st.find_guardian_id, 2, district);
                uid = run_id(st.find_guardian_id, &rc);
            }
            if (!uid && rc == DB_DONE) {
                char username[96], gt[2] = {gu->id_type, 0};
                /* p<学籍辅号>, p<学籍辅号>-2 for a second guardian: never the phone */
                if (g)
                    snprintf(username, sizeof username, "p%s-%zu", p->student_no, g + 1);
                else
                    snprintf(username, sizeof username, "p%s", p->student_no);
                db_bind_int64(st.ins_user, 1, district);
                db_bind_text(st.ins_user, 2, username);
                db_bind_text(st.ins_user, 3, gu->name);
                db_bind_text(st.ins_user, 4, ph.enc);
                db_bind_text(st.ins_user, 5, ph.hash);
                db_bind_text(st.ins_user, 6, ph.masked);
                db_bind_text(st.ins_user, 7, gu->id_type ? gt : NULL);
                db_bind_text(st.ins_user, 8, gid.enc);
                db_bind_text(st.ins_user, 9, gu->id_no[0] ? gid.hash : NULL);
                db_bind_text(st.ins_user, 10, gu->id_no[0] ? gid.masked : NULL);
                db_bind_int64(st.ins_user, 11, now);
                uid = run_id(st.ins_user, &rc);
                if (rc == DB_DONE) {
                    db_bind_int64(st.ins_role, 1, uid);
                    run_id(st.ins_role, &rc);
                    guardians_created++;
                }
            }
            if (rc == DB_DONE) {
                db_bind_int64(st.link, 1, student_id);
                db_bind_int64(st.link, 2, uid);
                db_bind_text(st.link, 3, gu->relation[0] ? gu->relation : NULL);
                run_id(st.link, &rc);
            }
            free(ph.enc);
            free(gid.enc);
        }
    }
    if (!finish_or_reply(r, rc, &errors, nerr, school_id))
        goto out;
    reply_json(r, 200, json_pack("{s:I,s:I,s:I}", "classes_created", (json_int_t)classes_created,
                                 "students_created", (json_int_t)students_created,
                                 "guardians_created", (json_int_t)guardians_created));
out:
    stmts_free(&st);
    free(class_ids);
    json_decref(errors);
    roster_free(ro);
    sheet_free(sh);
}

/* ---------- teachers ---------- */

/* Splits `s` on the separators people type between items: , ; 、 ， ； / and blanks. Calls
 * fn for each non-empty item (at most 63 bytes). */
static void split_items(const char *s, void (*fn)(void *ctx, const char *item), void *ctx)
{
    static const char *const seps[] = {",", ";", "/", " ", "\t", "、", "，", "；", NULL};
    char item[64];
    size_t n = 0;
    for (const char *p = s;; ) {
        size_t sl = 0;
        for (int i = 0; seps[i] && !sl; i++)
            if (strncmp(p, seps[i], strlen(seps[i])) == 0)
                sl = strlen(seps[i]);
        if (!*p || sl) {
            item[n] = 0;
            if (n)
                fn(ctx, item);
            n = 0;
            if (!*p)
                break;
            p += sl;
            continue;
        }
        if (n < sizeof item - 1)
            item[n++] = *p;
        p++;
    }
}

/* "四年级3班", "4年级3班", "初一(2)班", "七年级2班", or "3班" with the 任教年级 column: the
 * grade and the display name "N班". false when it cannot be read. */
static bool parse_class_ref(const char *tok, int default_grade, int *grade, char name[16])
{
    const char *split = strstr(tok, "年级");
    char gpart[64] = "";
    const char *rest = tok;
    if (split) {
        size_t n = (size_t)(split - tok) + strlen("年级");
        if (n >= sizeof gpart)
            return false;
        memcpy(gpart, tok, n);
        gpart[n] = 0;
        rest = tok + n;
    } else if (strncmp(tok, "初", strlen("初")) == 0 || strncmp(tok, "高", strlen("高")) == 0) {
        size_t n = strlen("初一");
        if (strlen(tok) < n)
            return false;
        memcpy(gpart, tok, n);
        gpart[n] = 0;
        rest = tok + n;
    }
    *grade = gpart[0] ? ident_grade_parse(gpart) : default_grade;
    int num = 0, digits = 0;
    for (const char *p = rest; *p; p++)
        if (*p >= '0' && *p <= '9' && digits < 3) {
            num = num * 10 + (*p - '0');
            digits++;
        }
    if (*grade < 1 || *grade > 9 || digits == 0 || num == 0)
        return false;
    snprintf(name, 16, "%d班", num);
    return true;
}

typedef struct {
    req *r;
    int64_t school_id, user_id;
    int default_grade;
    const roster_teacher *t;
    const char *subject;
    int subject_index;  /* class errors are reported for the first subject only */
    json_t *errors;
    size_t *nerr;
    int64_t *assignments;
    int rc;
} teach_ctx;

static void assign_class(void *vctx, const char *tok)
{
    teach_ctx *c = vctx;
    int grade = 0;
    char name[16];
    if (c->rc != DB_DONE)
        return;
    bool report = c->subject_index == 0;
    if (!parse_class_ref(tok, c->default_grade, &grade, name)) {
        if (!report)
            return;
        json_array_append_new(c->errors, row_error(c->r, c->t->row, "任教班级",
                                                   req_printf(c->r, "无法识别班级“%s”", tok),
                                                   "Cannot read the class"));
        (*c->nerr)++;
        return;
    }
    int64_t class_id = 0;
    int q = db_query_int64(c->r->db, &class_id,
                           "SELECT id FROM classes WHERE school_id = $1 AND grade = $2 AND name = $3", c->school_id, (int64_t)grade, name);
    if (q != DB_ROW) {
        if (q != DB_DONE) {
            c->rc = q;
            return;
        }
        if (!report)
            return;
        json_array_append_new(c->errors, row_error(c->r, c->t->row, "任教班级",
                                                   req_printf(c->r, "本校没有班级“%s”(请先导入学生或建班)", tok),
                                                   "No such class in this school"));
        (*c->nerr)++;
        return;
    }
    int64_t one = 0;
    int rc = db_query_int64(c->r->db, &one,
                            "SELECT 1 FROM teaching WHERE class_id = $1 AND user_id = $2 AND subject = $3", class_id, c->user_id, c->subject);
    if (rc == DB_ROW)
        return; /* already assigned: nothing new */
    if (rc == DB_DONE)
        rc = db_run(c->r->db, "INSERT INTO teaching (class_id, user_id, subject) VALUES ($1, $2, $3)", class_id, c->user_id, c->subject);
    if (rc != DB_DONE)
        c->rc = rc;
    else
        (*c->assignments)++;
}

static void assign_subject(void *vctx, const char *subject)
{
    teach_ctx *c = vctx;
    c->subject = subject;
    split_items(c->t->classes, assign_class, c);
    c->subject_index++;
}

static void h_import_teachers(req *r)
{
    int64_t school_id = 0;
    sheet *sh = NULL;
    roster *ro = NULL;
    json_t *errors = NULL;
    size_t nerr = 0;
    if (!load_roster_or_reply(r, true, &school_id, &sh, &ro, &errors, &nerr))
        goto out;
    if (nerr > 0 || ro->nteachers == 0) {
        if (nerr == 0) {
            json_array_append_new(errors, row_error(r, 1, "", "文件中没有教师", "The file has no teachers"));
            nerr = 1;
        }
        reject(r, errors, nerr);
        errors = NULL;
        goto out;
    }
    int64_t created = 0, linked = 0, assignments = 0;
    int rc = db_begin_write(r->db) == DB_OK ? DB_DONE : DB_ERROR;
    for (size_t i = 0; i < ro->nteachers && rc == DB_DONE; i++) {
        const roster_teacher *t = &ro->teachers[i];
        char hash[PII_HASH_HEX];
        pii_hash(r->app->data_key, t->phone, hash);
        int64_t uid = 0;
        int q = db_query_int64(r->db, &uid,
                               "SELECT u.id FROM users u JOIN user_roles ro ON ro.user_id = u.id"
                               " WHERE u.phone_hash = $1 AND ro.school_id = $2 ORDER BY u.id LIMIT 1", hash, school_id);
        if (q == DB_ROW) {
            linked++;
        } else if (q == DB_DONE) {
            char username[96];
            if (t->staff_no[0])
                snprintf(username, sizeof username, "t%lld-%s", (long long)school_id, t->staff_no);
            else
                snprintf(username, sizeof username, "t%lld-r%zu", (long long)school_id, t->row);
            role ro_teacher = {.kind = ROLE_TEACHER, .school_id = school_id};
            rc = core_user_create(r->db, r->app, r->user->district_id, username, NULL, t->name,
                                  t->phone, &ro_teacher, 1, &uid);
            if (rc == DB_CONSTRAINT) {
                json_array_append_new(errors, row_error(r, t->row, "工号", "工号已被其他账号使用",
                                                        "The staff number is taken"));
                nerr++;
                rc = DB_DONE;
                continue;
            }
            if (rc == DB_DONE)
                rc = db_run(r->db,
                            "INSERT INTO staff_profiles (user_id, school_id, staff_no, title, cert_no)"
                            " VALUES ($1, $2, $3, $4, $5)", uid, school_id, t->staff_no[0] ? t->staff_no : NULL,
                            t->title[0] ? t->title : NULL, t->cert_no[0] ? t->cert_no : NULL);
            created++;
        } else {
            rc = q;
        }
        if (rc != DB_DONE || !t->subjects[0] || !t->classes[0])
            continue;
        teach_ctx c = {.r = r, .school_id = school_id, .user_id = uid, .default_grade = t->grade,
                       .t = t, .errors = errors, .nerr = &nerr, .assignments = &assignments,
                       .rc = DB_DONE};
        split_items(t->subjects, assign_subject, &c);
        rc = c.rc;
    }
    if (!finish_or_reply(r, rc, &errors, nerr, school_id))
        goto out;
    reply_json(r, 200, json_pack("{s:I,s:I,s:I}", "teachers_created", (json_int_t)created,
                                 "teachers_linked", (json_int_t)linked, "assignments_created",
                                 (json_int_t)assignments));
out:
    json_decref(errors);
    roster_free(ro);
    sheet_free(sh);
}

static const route routes[] = {
    {"POST", "/api/v1/imports/teachers", h_import_teachers, "core:import",
     ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_SCHOOL_ADMIN), ROUTE_RAW_BODY},
    {"POST", "/api/v1/imports/students", h_import_students, "core:import",
     ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_SCHOOL_ADMIN), ROUTE_RAW_BODY},
};

const route *import_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
