/*
 * import_api.c: POST /api/v1/imports/students?school_id=S, the roster a school office
 * exports from the national student registry (CSV or XLSX, FORMATS.md).
 *
 * All or nothing: the file is read (sheet.c) and checked (roster.c) first; any problem gives
 * 422 `import_rejected` with every {row, column, message} and nothing stored. A clean file is
 * stored in one write transaction: classes found or made, pupils inserted (a 学籍辅号 already
 * in the district rejects the whole file, naming the row), guardians found by phone or ID
 * number (a sibling's parent is linked, not made twice) or made as accounts without a
 * password (they log in once the school gives them one). Phone and ID numbers are sealed.
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
    s->find_guardian_phone = db_prepare(c, "SELECT id FROM users WHERE phone_hash = $1 ORDER BY id LIMIT 1");
    s->find_guardian_id = db_prepare(c, "SELECT id FROM users WHERE id_hash = $1 ORDER BY id LIMIT 1");
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

static void h_import_students(req *r)
{
    int64_t school_id = 0;
    sheet *sh = NULL;
    roster *ro = NULL;
    import_stmts st = {0};
    int64_t *class_ids = NULL;
    json_t *errors = NULL;
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id))
        return;
    if (school_id <= 0) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "school_id");
        return;
    }
    if (!auth_school_admin_or_reply(r, school_id))
        return;
    char err[256] = "";
    sheet_status ss = sheet_read(r->raw_body, r->raw_len, NULL, &sh, err, sizeof err);
    if (ss != SHEET_OK) {
        json_t *rows = json_array();
        json_array_append_new(rows, row_error(r, 0, "", err[0] ? err : sheet_status_message(ss, 0),
                                              sheet_status_message(ss, 1)));
        reject(r, rows, 1);
        goto out;
    }
    if (roster_map_students(sh, &ro) != 0) {
        reply_err(r, SJ_ERR_INTERNAL);
        goto out;
    }
    errors = json_array();
    for (size_t i = 0; i < ro->nerrors; i++)
        json_array_append_new(errors, row_error(r, ro->errors[i].row, ro->errors[i].column,
                                                ro->errors[i].message, ro->errors[i].message_en));
    size_t nerr = ro->nerrors_total;
    /* grades the school does not have */
    char kind[16] = "";
    db_stmt *q = db_query(r->db, "SELECT kind FROM schools WHERE id = $1", "i", school_id);
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
            int64_t uid = run_id(st.find_guardian_phone, &rc);
            if (!uid && gu->id_no[0] && rc == DB_DONE) {
                db_bind_text(st.find_guardian_id, 1, gid.hash);
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
    if (rc == DB_DONE && nerr > 0) {
        db_rollback(r->db);
        reject(r, errors, nerr);
        errors = NULL;
        goto out;
    }
    if (rc != DB_DONE || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        reply_db(r, rc == DB_DONE ? DB_ERROR : rc);
        goto out;
    }
    r->audit_target = school_id;
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

static const route routes[] = {
    {"POST", "/api/v1/imports/students", h_import_students, "core:import",
     ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_SCHOOL_ADMIN), ROUTE_RAW_BODY},
};

const route *import_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}
