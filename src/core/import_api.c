/*
 * import_api.c: the roster uploads a school office makes, as CSV or XLSX (FORMATS.md):
 *   POST /api/v1/imports/students?school_id=S   the national student registry's export
 *   POST /api/v1/imports/teachers?school_id=S   a teacher roster
 *
 * All or nothing: the file is read (sheet.c) and checked (roster.c) here; any problem gives
 * 422 `import_rejected` with every {row, column, message} and nothing stored. The store
 * (store_import.c: core_roster_import, core_teacher_import) then writes the whole file in one
 * transaction, or finds more row errors (a 学籍辅号 already in the district, a class the school
 * does not have) and stores nothing. Handlers only: no SQL here.
 */
#include "core_int.h"
#include "sheet.h"

/* The school from the query (its admin only), the file read and mapped. false after replying
 * (422 import_rejected when the file cannot be read, or 4xx/5xx); on true the caller owns *sh
 * and *ro. */
static bool load_roster_or_reply(req *r, bool teachers, int64_t *school_id, sheet **sh, roster **ro)
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
        core_import_errors errs;
        core_import_errors_init(&errs);
        core_import_error_add(&errs, 0, "", err[0] ? err : sheet_status_message(ss, 0),
                              sheet_status_message(ss, 1));
        verdict v = verdict_err(SJ_ERR_IMPORT_REJECTED, NULL);
        verdict_num(&v, "errors_total", 1);
        reply_verdict(r, &v, core_import_errors_json(&errs, r->english));
        core_import_errors_free(&errs);
        return false;
    }
    if ((teachers ? roster_map_teachers(*sh, ro) : roster_map_students(*sh, ro)) != 0) {
        reply_err(r, SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

static void h_import(req *r, bool teachers)
{
    int64_t school_id = 0;
    sheet *sh = NULL;
    roster *ro = NULL;
    if (!load_roster_or_reply(r, teachers, &school_id, &sh, &ro)) {
        sheet_free(sh);
        return;
    }
    core_import_errors errs;
    core_import_errors_init(&errs);
    core_import_counts n;
    audit_who *who = req_audit(r, 200);
    verdict v = teachers ? core_teacher_import(r->db, r->app, who, r->user->district_id, school_id,
                                               ro, &errs, &n)
                         : core_roster_import(r->db, r->app, who, r->user->district_id, school_id,
                                              ro, &errs, &n);
    if (!verdict_is_ok(&v))
        reply_verdict(r, &v,
                      v.err == SJ_ERR_IMPORT_REJECTED ? core_import_errors_json(&errs, r->english)
                                                      : NULL);
    else if (teachers)
        reply_json(r, 200,
                   json_pack("{s:I,s:I,s:I}", "teachers_created", (json_int_t)n.teachers_created,
                             "teachers_linked", (json_int_t)n.teachers_linked,
                             "assignments_created", (json_int_t)n.assignments_created));
    else
        reply_json(r, 200,
                   json_pack("{s:I,s:I,s:I}", "classes_created", (json_int_t)n.classes_created,
                             "students_created", (json_int_t)n.students_created,
                             "guardians_created", (json_int_t)n.guardians_created));
    core_import_errors_free(&errs);
    roster_free(ro);
    sheet_free(sh);
}

static void h_import_students(req *r)
{
    h_import(r, false);
}

static void h_import_teachers(req *r)
{
    h_import(r, true);
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
