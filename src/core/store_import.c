/*
 * store_import.c: storing a checked roster (roster.h), all or nothing: core_roster_import
 * (pupils and their families) and core_teacher_import (teachers and what they teach), and the
 * row errors an import answers with.
 *
 * Each import is one write transaction. Classes and teachers go through the writes the API
 * uses (core_class_create, core_user_create, core_teaching_add: store_people.c), each a
 * savepoint inside it, so a username taken undoes only that row's part and becomes a row
 * error. Pupils and their families, tens of thousands of rows, go through the row writers of
 * those writes (core_student_insert, core_user_insert, core_guardianship_insert: the same
 * INSERTs) after the checks this file makes itself (a 学籍辅号 already in the district, a family
 * account found first), without a savepoint per row (bench/README.md). Any row error rolls the
 * whole import back at the end (422 import_rejected with every {row, column, message}), and
 * nothing is stored. The import's audit row is written once, in the same transaction.
 *
 * Pupils: classes found by (school, grade, name) or made; a 学籍辅号 already in the district
 * rejects the file, naming the row; guardians found by phone or ID number among the district's
 * family accounts (a sibling's parent is linked, not made twice; a staff or admin account with
 * that phone is never linked: the family gets an account of its own) or made as accounts
 * without a password (they log in once the school gives them one). Phone and ID numbers are
 * sealed (store_people.c).
 * Teachers: found by phone among the school's staff or made (username t<school>-<工号>, or
 * t<school>-r<row> without one) with a staff profile; 任教班级 read as "四年级3班", "初一(2)班"
 * or "3班" with 任教年级; a class the school does not have is a row error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "core_int.h"
#include "ident.h"
#include "messages.h"
#include "pii.h"

/* ---------- row errors ---------- */

void core_import_errors_init(core_import_errors *e)
{
    memset(e, 0, sizeof *e);
    e->mem = arena_new();
}

void core_import_errors_free(core_import_errors *e)
{
    free(e->rows);
    arena_free(e->mem);
    memset(e, 0, sizeof *e);
}

static const char *keep(core_import_errors *e, const char *s)
{
    return s ? arena_strndup(e->mem, s, strlen(s)) : NULL;
}

void core_import_error_add(core_import_errors *e, size_t row, const char *column, const char *zh,
                           const char *en)
{
    e->total++;
    if (e->n >= ROSTER_MAX_ERRORS)
        return;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->rows = realloc(e->rows, e->cap * sizeof *e->rows);
        if (!e->rows)
            abort();
    }
    e->rows[e->n++] = (roster_error){.row = row,
                                     .column = keep(e, column ? column : ""),
                                     .message = keep(e, zh),
                                     .message_en = keep(e, en ? en : zh)};
}

/* One error in the words of messages.c's `key`; `name` fills its {class}. */
static void error_msg(core_import_errors *e, size_t row, const char *column, const char *key,
                      const char *name)
{
    verdict v = verdict_err(SJ_ERR_IMPORT_REJECTED, key);
    if (name)
        verdict_str(&v, "class", name);
    char zh[256], en[256];
    verdict_message(&v, 0, zh, sizeof zh);
    verdict_message(&v, 1, en, sizeof en);
    core_import_error_add(e, row, column, zh, en);
}

json_t *core_import_errors_json(const core_import_errors *e, int english)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < e->n; i++)
        json_array_append_new(rows,
                              json_pack("{s:I,s:s,s:s}", "row", (json_int_t)e->rows[i].row,
                                        "column", e->rows[i].column, "message",
                                        english ? e->rows[i].message_en : e->rows[i].message));
    return json_pack("{s:o}", "rows", rows);
}

/* 422 import_rejected with the count (the rows go with it: core_import_errors_json). */
static verdict rejected(const core_import_errors *e)
{
    verdict v = verdict_err(SJ_ERR_IMPORT_REJECTED, NULL);
    verdict_num(&v, "errors_total", (int64_t)e->total);
    return v;
}

static void add_roster_errors(core_import_errors *e, const roster *ro)
{
    for (size_t i = 0; i < ro->nerrors; i++)
        core_import_error_add(e, ro->errors[i].row, ro->errors[i].column, ro->errors[i].message,
                              ro->errors[i].message_en);
    e->total += ro->nerrors_total - ro->nerrors; /* counted by roster.c, not kept */
}

/* ---------- pupils ---------- */

/* The first family account of the district (the guardian role and no other) with this keyed
 * hash of a phone or ID number: a staff or admin account is never linked to a pupil (it would
 * fall to the school's admin to manage; see api_account.c). DB_ROW with *id, DB_DONE, error. */
static int find_family(db_conn *c, int64_t district_id, bool by_phone, const char *hash,
                       int64_t *id)
{
#define FAMILY_ACCOUNT                                                                             \
    " AND u.district_id = $2 AND EXISTS (SELECT 1 FROM user_roles ro WHERE ro.user_id = u.id"      \
    " AND ro.role = 'guardian') AND NOT EXISTS (SELECT 1 FROM user_roles ro"                       \
    " WHERE ro.user_id = u.id AND ro.role <> 'guardian') ORDER BY u.id LIMIT 1"
    if (by_phone)
        return db_query_int64(c, id,
                              "SELECT u.id FROM users u WHERE u.phone_hash = $1" FAMILY_ACCOUNT,
                              hash, district_id);
    return db_query_int64(c, id, "SELECT u.id FROM users u WHERE u.id_hash = $1" FAMILY_ACCOUNT,
                          hash, district_id);
#undef FAMILY_ACCOUNT
}

/* A pupil's guardians: found or made, then linked (a guardian named twice for one pupil, both
 * parents giving one number, is linked once). DB_DONE or an error; *made counts new accounts. */
static int store_guardians(db_conn *c, const app *a, int64_t district_id, const roster_student *p,
                           int64_t student_id, int64_t *made)
{
    int64_t linked[ROSTER_MAX_MEMBERS + 1];
    size_t nlinked = 0;
    int rc = DB_DONE;
    for (size_t g = 0; g < p->nguardians && rc == DB_DONE; g++) {
        const roster_guardian *gu = &p->guardians[g];
        char hash[PII_HASH_HEX];
        int64_t uid = 0;
        pii_hash(a->data_key, gu->phone, hash);
        rc = find_family(c, district_id, true, hash, &uid);
        if (rc == DB_DONE && gu->id_no[0]) {
            pii_hash(a->data_key, gu->id_no, hash);
            rc = find_family(c, district_id, false, hash, &uid);
        }
        if (rc == DB_DONE) {
            /* p<学籍辅号>, p<学籍辅号>-2 for a second guardian: never the phone */
            char username[96];
            if (g)
                snprintf(username, sizeof username, "p%s-%zu", p->student_no, g + 1);
            else
                snprintf(username, sizeof username, "p%s", p->student_no);
            role guardian = {.kind = ROLE_GUARDIAN};
            core_user_in in = {.district_id = district_id,
                               .username = username,
                               .name = gu->name,
                               .phone = gu->phone,
                               .id_type = gu->id_type,
                               .id_no = gu->id_no,
                               .roles = &guardian,
                               .nroles = 1};
            rc = core_user_insert(c, a, &in, &uid);
            if (rc != DB_DONE)
                return rc; /* DB_CONSTRAINT: the username is taken (409, as it always was) */
            (*made)++;
            rc = DB_ROW;
        }
        if (rc != DB_ROW)
            break;
        rc = DB_DONE;
        bool twice = false;
        for (size_t k = 0; k < nlinked; k++)
            twice |= linked[k] == uid;
        if (twice)
            continue;
        linked[nlinked++] = uid;
        /* a family account of the district, found or made just now: core_guardian_link's
         * checks hold */
        rc = core_guardianship_insert(c, student_id, uid, gu->relation[0] ? gu->relation : NULL);
    }
    return rc;
}

static bool grade_in_school(const char *kind, int grade)
{
    int g0 = strcmp(kind, "junior") == 0 ? 7 : 1, g1 = strcmp(kind, "primary") == 0 ? 6 : 9;
    return grade >= g0 && grade <= g1;
}

verdict core_roster_import(db_conn *c, const app *a, audit_who *who, int64_t district_id,
                           int64_t school_id, const roster *ro, core_import_errors *errs,
                           core_import_counts *out)
{
    memset(out, 0, sizeof *out);
    add_roster_errors(errs, ro);
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    /* grades the school does not have */
    char kind[16] = "";
    db_stmt *q = db_query(c, "SELECT kind FROM schools WHERE id = $1", school_id);
    rc = q ? db_step(q) : DB_ERROR;
    if (rc == DB_ROW)
        DB_COL_COPY(q, 0, kind);
    db_finalize(q);
    if (rc != DB_ROW)
        return core_tx_end(c, rc == DB_DONE ? DB_ERROR : rc);
    rc = DB_DONE;
    for (size_t i = 0; i < ro->nstudents; i++)
        if (!grade_in_school(kind, ro->students[i].grade))
            error_msg(errs, ro->students[i].row, "年级", "core.import_no_grade", NULL);
    if (ro->nstudents == 0 && errs->total == 0)
        error_msg(errs, 1, "", "core.import_no_pupils", NULL);
    if (errs->total > 0)
        return core_tx_refuse(c, rejected(errs));

    int64_t *class_ids = calloc(ro->nclasses ? ro->nclasses : 1, sizeof *class_ids);
    if (!class_ids)
        abort();
    for (size_t k = 0; k < ro->nclasses && rc == DB_DONE; k++) {
        const roster_class *rcl = &ro->classes[k];
        rc = db_query_int64(c, &class_ids[k],
                            "SELECT id FROM classes WHERE school_id = $1 AND grade = $2"
                            " AND name = $3",
                            school_id, rcl->grade, rcl->name);
        if (rc == DB_DONE) {
            verdict v = core_class_create(c, NULL, district_id, school_id, rcl->grade, rcl->name,
                                          &class_ids[k]);
            rc = verdict_is_ok(&v) ? DB_ROW : DB_ERROR; /* the grade was checked above */
            out->classes_created++;
        }
        if (rc == DB_ROW)
            rc = DB_DONE;
    }
    for (size_t i = 0; i < ro->nstudents && rc == DB_DONE; i++) {
        const roster_student *p = &ro->students[i];
        core_student_in in = {.district_id = district_id,
                              .school_id = school_id,
                              .class_id = class_ids[p->class_index],
                              .name = p->name,
                              .student_no = p->student_no,
                              .gender = p->gender == 1   ? "男"
                                        : p->gender == 2 ? "女"
                                                         : NULL,
                              .id_type = p->id_type,
                              .id_no = p->id_no};
        int64_t one = 0, student_id = 0;
        rc = db_query_int64(c, &one,
                            "SELECT 1 FROM students WHERE district_id = $1 AND student_no = $2",
                            district_id, p->student_no);
        if (rc == DB_ROW) {
            error_msg(errs, p->row, "学籍辅号", "core.import_student_no_taken", NULL);
            rc = DB_DONE;
            continue;
        }
        if (rc == DB_DONE)
            rc = core_student_insert(c, a, &in, &student_id);
        if (rc != DB_DONE)
            break;
        out->students_created++;
        rc = store_guardians(c, a, district_id, p, student_id, &out->guardians_created);
    }
    free(class_ids);
    if (rc == DB_DONE && errs->total > 0)
        return core_tx_refuse(c, rejected(errs));
    if (rc == DB_DONE)
        rc = audit_tx(c, who, school_id);
    return core_tx_end(c, rc);
}

/* ---------- teachers ---------- */

/* Splits `s` on the separators people type between items: , ; 、 ， ； / and blanks. Calls
 * fn for each non-empty item (at most 63 bytes). */
static void split_items(const char *s, void (*fn)(void *ctx, const char *item), void *ctx)
{
    static const char *const seps[] = {",", ";", "/", " ", "\t", "、", "，", "；", NULL};
    char item[64];
    size_t n = 0;
    for (const char *p = s;;) {
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
    db_conn *c;
    int64_t school_id, user_id;
    const roster_teacher *t;
    const char *subject;
    int subject_index; /* class errors are reported for the first subject only */
    core_import_errors *errs;
    int64_t *assignments;
    int rc;
} teach_ctx;

static void assign_class(void *vctx, const char *tok)
{
    teach_ctx *x = vctx;
    int grade = 0;
    char name[16];
    if (x->rc != DB_DONE)
        return;
    bool report = x->subject_index == 0;
    if (!parse_class_ref(tok, x->t->grade, &grade, name)) {
        if (report)
            error_msg(x->errs, x->t->row, "任教班级", "core.import_class_unreadable", tok);
        return;
    }
    int64_t class_id = 0;
    int q = db_query_int64(x->c, &class_id,
                           "SELECT id FROM classes WHERE school_id = $1 AND grade = $2"
                           " AND name = $3",
                           x->school_id, grade, name);
    if (q != DB_ROW) {
        if (q != DB_DONE)
            x->rc = q;
        else if (report)
            error_msg(x->errs, x->t->row, "任教班级", "core.import_class_missing", tok);
        return;
    }
    int64_t one = 0, id = 0;
    int rc = db_query_int64(x->c, &one,
                            "SELECT 1 FROM teaching WHERE class_id = $1 AND user_id = $2"
                            " AND subject = $3",
                            class_id, x->user_id, x->subject);
    if (rc == DB_ROW)
        return; /* already assigned: nothing new */
    if (rc != DB_DONE) {
        x->rc = rc;
        return;
    }
    verdict v = core_teaching_add(x->c, NULL, class_id, x->school_id, x->user_id, x->subject, &id);
    if (!verdict_is_ok(&v))
        x->rc = DB_ERROR; /* a teacher of the school, found or made just now */
    else
        (*x->assignments)++;
}

static void assign_subject(void *vctx, const char *subject)
{
    teach_ctx *x = vctx;
    x->subject = subject;
    split_items(x->t->classes, assign_class, x);
    x->subject_index++;
}

/* The teacher of a row: found by phone among the school's staff (*linked) or made with a
 * staff profile. DB_DONE with *uid, DB_CONSTRAINT when the username (the 工号) is taken, or
 * an error. */
static int store_teacher(db_conn *c, const app *a, int64_t district_id, int64_t school_id,
                         const roster_teacher *t, int64_t *uid, bool *linked)
{
    char hash[PII_HASH_HEX];
    pii_hash(a->data_key, t->phone, hash);
    int rc = db_query_int64(c, uid,
                            "SELECT u.id FROM users u JOIN user_roles ro ON ro.user_id = u.id"
                            " WHERE u.phone_hash = $1 AND ro.school_id = $2 ORDER BY u.id LIMIT 1",
                            hash, school_id);
    *linked = rc == DB_ROW;
    if (rc != DB_DONE)
        return rc == DB_ROW ? DB_DONE : rc;
    char username[96];
    if (t->staff_no[0])
        snprintf(username, sizeof username, "t%lld-%s", (long long)school_id, t->staff_no);
    else
        snprintf(username, sizeof username, "t%lld-r%zu", (long long)school_id, t->row);
    role teacher = {.kind = ROLE_TEACHER, .school_id = school_id};
    core_user_in in = {.district_id = district_id,
                       .username = username,
                       .name = t->name,
                       .phone = t->phone,
                       .roles = &teacher,
                       .nroles = 1};
    verdict v = core_user_create(c, a, NULL, &in, uid, NULL);
    if (v.err == SJ_ERR_USERNAME_TAKEN)
        return DB_CONSTRAINT;
    if (!verdict_is_ok(&v))
        return DB_ERROR;
    return db_run(c,
                  "INSERT INTO staff_profiles (user_id, school_id, staff_no, title, cert_no)"
                  " VALUES ($1, $2, $3, $4, $5)",
                  *uid, school_id, t->staff_no[0] ? t->staff_no : NULL,
                  t->title[0] ? t->title : NULL, t->cert_no[0] ? t->cert_no : NULL);
}

verdict core_teacher_import(db_conn *c, const app *a, audit_who *who, int64_t district_id,
                            int64_t school_id, const roster *ro, core_import_errors *errs,
                            core_import_counts *out)
{
    memset(out, 0, sizeof *out);
    add_roster_errors(errs, ro);
    if (ro->nteachers == 0 && errs->total == 0)
        error_msg(errs, 1, "", "core.import_no_teachers", NULL);
    if (errs->total > 0)
        return rejected(errs);
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return verdict_db(rc);
    rc = DB_DONE;
    for (size_t i = 0; i < ro->nteachers && rc == DB_DONE; i++) {
        const roster_teacher *t = &ro->teachers[i];
        int64_t uid = 0;
        bool linked = false;
        rc = store_teacher(c, a, district_id, school_id, t, &uid, &linked);
        if (rc == DB_CONSTRAINT) {
            error_msg(errs, t->row, "工号", "core.import_staff_no_taken", NULL);
            rc = DB_DONE;
            continue;
        }
        if (rc != DB_DONE)
            break;
        if (linked)
            out->teachers_linked++;
        else
            out->teachers_created++;
        if (!t->subjects[0] || !t->classes[0])
            continue;
        teach_ctx x = {.c = c,
                       .school_id = school_id,
                       .user_id = uid,
                       .t = t,
                       .errs = errs,
                       .assignments = &out->assignments_created,
                       .rc = DB_DONE};
        split_items(t->subjects, assign_subject, &x);
        rc = x.rc;
    }
    if (rc == DB_DONE && errs->total > 0)
        return core_tx_refuse(c, rejected(errs));
    if (rc == DB_DONE)
        rc = audit_tx(c, who, school_id);
    return core_tx_end(c, rc);
}
