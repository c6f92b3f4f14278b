/*
 * store_programs.c: the after-school programs and the district's vetted providers (遴选名单):
 * creating a program after its rules (AS-4, AS-6, AS-2; the term; its posts), closing it, the
 * lists; adding a provider to the list and its exit.
 *
 * Each write is one afterschool_<action>() owning its transaction (afterschool.h); the demo
 * calls the *_tx step inside its own transaction, so its programs pass the same rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afterschool_int.h"

/* ---------- programs ---------- */

/* Counts and names a list shows beside each program. */
#define PROGRAM_LIST_EXTRA                                                                         \
    ", (SELECT COUNT(*) FROM afterschool_enrolments e WHERE e.program_id = p.id"                   \
    " AND e.status = 'enrolled'), (SELECT COUNT(*) FROM afterschool_enrolments e"                  \
    " WHERE e.program_id = p.id AND e.status = 'waitlisted'),"                                     \
    " (SELECT v.name FROM afterschool_vendors v WHERE v.id = p.vendor_id),"                        \
    " (SELECT u.name FROM users u WHERE u.id = p.staff_a),"                                        \
    " (SELECT u.name FROM users u WHERE u.id = p.staff_b)"

static json_t *program_list_row(db_stmt *s)
{
    as_program_row p;
    db_row row = db_row_at(s, 0);
    as_program_read(&row, &p);
    json_t *o = as_program_json(&p);
    int64_t enrolled = db_next_int64(&row), waitlisted = db_next_int64(&row);
    json_object_set_new(o, "enrolled", json_integer(enrolled));
    json_object_set_new(o, "waitlisted", json_integer(waitlisted));
    json_object_set_new(o, "seats_left",
                        json_integer(p.capacity > enrolled ? p.capacity - enrolled : 0));
    static const char *const keys[] = {"vendor_name", "staff_a_name", "staff_b_name"};
    for (int k = 0; k < 3; k++) {
        bool null = db_next_isnull(&row);
        const char *name = db_next_text_ref(&row);
        json_object_set_new(o, keys[k], null ? json_null() : json_string(name));
    }
    return o;
}

json_t *as_store_programs(db_conn *c, int64_t school_id, const char *term, int64_t mine,
                          int64_t limit, int64_t offset)
{
    const char *t = term ? term : "";
    db_stmt *s = db_query(c,
                          "SELECT " AS_PROGRAM_FIELDS PROGRAM_LIST_EXTRA AS_PROGRAM_FROM
                          " WHERE p.school_id = $1 AND ($2 = '' OR p.term = $2)"
                          " AND ($3 = 0 OR p.staff_a = $3 OR p.staff_b = $3)"
                          " ORDER BY p.kind, p.start_min, p.id LIMIT $4 OFFSET $5",
                          school_id, t, mine, limit, offset);
    json_t *items = s ? json_array() : NULL;
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW)
        json_array_append_new(items, program_list_row(s));
    db_finalize(s);
    int64_t total = 0;
    if (rc != DB_DONE || db_query_int64(c, &total,
                                        "SELECT COUNT(*)" AS_PROGRAM_FROM
                                        " WHERE p.school_id = $1 AND ($2 = '' OR p.term = $2)"
                                        " AND ($3 = 0 OR p.staff_a = $3 OR p.staff_b = $3)",
                                        school_id, t, mine) != DB_ROW) {
        json_decref(items);
        return NULL;
    }
    return list_json(items, total);
}

int as_store_program_view(db_conn *c, int64_t id, json_t **out)
{
    db_stmt *s = db_query(
        c, "SELECT " AS_PROGRAM_FIELDS PROGRAM_LIST_EXTRA AS_PROGRAM_FROM " WHERE p.id = $1", id);
    int rc = s ? db_step(s) : DB_ERROR;
    *out = rc == DB_ROW ? program_list_row(s) : NULL;
    db_finalize(s);
    return rc;
}

int as_store_open_programs(db_conn *c, int64_t school_id, const char *term, as_program_row *out,
                           size_t max, size_t *n)
{
    *n = 0;
    db_stmt *s = db_query(c,
                          "SELECT " AS_PROGRAM_FIELDS AS_PROGRAM_FROM
                          " WHERE p.school_id = $1 AND p.term = $2 AND p.status = 'open'"
                          " ORDER BY p.id LIMIT $3",
                          school_id, term, (int64_t)max);
    int rc = DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        as_program_read(&row, &out[(*n)++]);
    }
    db_finalize(s);
    return rc == DB_DONE ? DB_OK : rc;
}

/* AS-4: the provider of a third-party program, by id or by its institution. */
static verdict vendor_checked(db_conn *c, const as_program_in *in, int64_t *vendor_out)
{
    db_stmt *s = in->vendor_id
                     ? db_query(c,
                                "SELECT id, status, vetted_from, vetted_to, fee_per_hour_fen"
                                " FROM afterschool_vendors WHERE id = $1 AND district_id = $2",
                                in->vendor_id, in->district_id)
                     : db_query(c,
                                "SELECT id, status, vetted_from, vetted_to, fee_per_hour_fen"
                                " FROM afterschool_vendors WHERE institution_id = $1"
                                " AND district_id = $2"
                                " ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, id DESC"
                                " LIMIT 1",
                                in->institution_id, in->district_id);
    as_vendor v = {0};
    int rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        v.found = true;
        *vendor_out = db_next_int64(&row);
        v.active = strcmp(db_next_text_ref(&row), "active") == 0;
        DB_NEXT_TEXT(&row, v.vetted_from);
        DB_NEXT_TEXT(&row, v.vetted_to);
        v.fee_per_hour_fen = db_next_int64(&row);
    }
    db_finalize(s);
    if (rc != DB_ROW && rc != DB_DONE)
        return verdict_db(rc);
    verdict x = afterschool_vendor_check(&v, in->first_day, in->last_day, in->fee_per_hour_fen);
    if (!verdict_is_ok(&x)) {
        if (in->vendor_id)
            verdict_num(&x, "vendor_id", in->vendor_id);
        if (in->institution_id)
            verdict_num(&x, "institution_id", in->institution_id);
    }
    return x;
}

/* The term and the posts: 400 naming the field. */
static verdict program_place_checked(db_conn *c, const as_program_in *in)
{
    char tfirst[AS_DATE_LEN], tlast[AS_DATE_LEN];
    int rc = calendar_term_bounds(c, in->district_id, in->term, tfirst, tlast);
    if (rc != DB_ROW)
        return verdict_db(rc == DB_DONE ? DB_ERROR : rc);
    if (strcmp(in->first_day, tfirst) < 0 || strcmp(in->last_day, tlast) > 0) {
        verdict v = verdict_err(SJ_ERR_BAD_FIELD, "afterschool.outside_term");
        verdict_str(&v, "field", strcmp(in->first_day, tfirst) < 0 ? "first_day" : "last_day");
        verdict_str(&v, "term_first_day", tfirst);
        verdict_str(&v, "term_last_day", tlast);
        return v;
    }
    for (int k = 0; k < 2; k++) {
        int64_t uid = k ? in->staff_b : in->staff_a;
        if (uid && !as_user_is_staff_of(c, uid, in->school_id)) {
            verdict v = verdict_err(SJ_ERR_BAD_FIELD, "afterschool.not_teacher");
            verdict_str(&v, "field", k ? "staff_b" : "staff_a");
            return v;
        }
    }
    return verdict_ok();
}

/* AS-2 on every session day. OUT: *sessions. */
static verdict sessions_checked(db_conn *c, const policy *pol, const as_program_in *in,
                                size_t *sessions)
{
    as_day *days = in->days ? NULL : malloc(sizeof *days * AS_MAX_DAYS);
    char(*dates)[AS_DATE_LEN] = malloc(sizeof *dates * AS_MAX_DAYS);
    if (!dates || (!in->days && !days))
        abort();
    size_t nd = in->ndays;
    int rc = in->days ? DB_OK
                      : as_school_days(c, in->district_id, in->first_day, in->last_day, days,
                                       AS_MAX_DAYS, &nd);
    verdict v = verdict_ok();
    if (rc != DB_OK) {
        v = verdict_db(rc);
        goto out;
    }
    as_program probe = {.weekdays = in->weekdays,
                        .start_min = hhmm_minutes(in->start),
                        .end_min = hhmm_minutes(in->end)};
    snprintf(probe.first_day, sizeof probe.first_day, "%s", in->first_day);
    snprintf(probe.last_day, sizeof probe.last_day, "%s", in->last_day);
    *sessions = as_sessions(&probe, in->days ? in->days : days, nd, dates, AS_MAX_DAYS);
    if (*sessions == 0) {
        v = verdict_err(SJ_ERR_BAD_FIELD, "afterschool.no_session_days");
        verdict_str(&v, "field", "first_day");
    } else {
        v = afterschool_check_off_work(pol, dates, *sessions, probe.end_min);
    }
out:
    free(days);
    free(dates);
    return v;
}

verdict as_program_create_tx(db_conn *c, const policy *pol, const as_program_in *in,
                             as_program_made *out)
{
    memset(out, 0, sizeof *out);
    verdict v = program_place_checked(c, in);
    if (!verdict_is_ok(&v))
        return v;
    int64_t rural = 0, vendor = 0;
    int rc = db_query_int64(c, &rural, "SELECT rural FROM schools WHERE id = $1", in->school_id);
    if (rc != DB_ROW)
        return verdict_db(rc == DB_DONE ? DB_ERROR : rc);
    if (in->third_party) { /* AS-4: an outside provider must be on the district's list */
        v = vendor_checked(c, in, &vendor);
        if (!verdict_is_ok(&v))
            return v;
    }
    v = afterschool_check_fee(pol, in->kind, rural != 0, in->fee_per_hour_fen); /* AS-6 */
    out->fee_cap_fen = afterschool_fee_cap(pol, in->kind, rural != 0);
    if (verdict_is_ok(&v))
        v = sessions_checked(c, pol, in, &out->sessions); /* AS-2 */
    if (!verdict_is_ok(&v))
        return v;
    rc = db_insert_id(
        c, &out->id,
        "INSERT INTO afterschool_programs (district_id, school_id, term, name, kind, category,"
        " provider, vendor_id, institution_id, capacity, weekdays, start_time, end_time,"
        " start_min, end_min, fee_per_hour_fen, first_day, last_day, place, staff_a, staff_b,"
        " policy_version, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,"
        "$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24) RETURNING id",
        in->district_id, in->school_id, in->term, in->name,
        in->kind == AS_COURSE ? "course" : "care", in->category,
        in->third_party ? "third_party" : "school", db_id_or_null(vendor),
        db_id_or_null(in->third_party ? in->institution_id : 0), in->capacity,
        (int64_t)in->weekdays, in->start, in->end, (int64_t)hhmm_minutes(in->start),
        (int64_t)hhmm_minutes(in->end), in->fee_per_hour_fen, in->first_day, in->last_day,
        in->place, db_id_or_null(in->staff_a), db_id_or_null(in->staff_b), policy_version(pol),
        in->at, in->actor);
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

verdict afterschool_program_create(db_conn *c, const policy *pol, const as_program_in *in,
                                   as_program_made *out)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return as_finish(c, verdict_db(rc));
    return as_finish(c, as_program_create_tx(c, pol, in, out));
}

verdict afterschool_program_close(db_conn *c, int64_t program_id)
{
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_run(c, "UPDATE afterschool_programs SET status = 'closed' WHERE id = $1",
                    program_id);
    return as_finish(c, rc == DB_DONE ? verdict_ok() : verdict_db(rc));
}

/* ---------- the district's vetted providers ---------- */

json_t *as_store_vendors(db_conn *c, int64_t district_id, const char *status, int64_t limit,
                         int64_t offset)
{
    const char *st = status ? status : "";
    json_t *page = db_list_page(
        c,
        "SELECT id, name, credit_code, institution_id, service_items, fee_per_hour_fen,"
        " vetted_from, vetted_to, status, exited_on, exit_reason FROM afterschool_vendors"
        " WHERE district_id = $1 AND ($2 = '' OR status = $2) ORDER BY status, name, id",
        "SELECT COUNT(*) FROM afterschool_vendors WHERE district_id = $1"
        " AND ($2 = '' OR status = $2)",
        "id:i,name:s,credit_code:s,institution_id:I,service_items:s,fee_per_hour_fen:i,"
        "vetted_from:s,vetted_to:s,status:s,exited_on:S,exit_reason:S",
        limit, offset, district_id, st);
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(page, "items"), i, o)
    {
        json_t *items = json_loads(json_string_value(json_object_get(o, "service_items")), 0, NULL);
        json_object_set_new(o, "service_items", items ? items : json_array());
    }
    return page;
}

int as_store_vendor_find(db_conn *c, int64_t vendor_id, int64_t district_id)
{
    int64_t one = 0;
    return db_query_int64(c, &one,
                          "SELECT 1 FROM afterschool_vendors WHERE id = $1 AND district_id = $2",
                          vendor_id, district_id);
}

verdict as_vendor_add_tx(db_conn *c, const as_vendor_in *in, int64_t *id)
{
    int rc = db_insert_id(c, id,
                          "INSERT INTO afterschool_vendors (district_id, name, credit_code,"
                          " institution_id, service_items, fee_per_hour_fen, vetted_from,"
                          " vetted_to, created_at, created_by)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
                          in->district_id, in->name, in->credit_code,
                          db_id_or_null(in->institution_id), in->service_items,
                          in->fee_per_hour_fen, in->vetted_from, in->vetted_to, in->at, in->actor);
    if (rc == DB_CONSTRAINT) {
        verdict v = verdict_err(SJ_ERR_CONFLICT, "afterschool.credit_code_taken");
        verdict_str(&v, "field", "credit_code");
        return v;
    }
    return rc == DB_DONE ? verdict_ok() : verdict_db(rc);
}

verdict afterschool_vendor_add(db_conn *c, const as_vendor_in *in, int64_t *id)
{
    int rc = db_begin_write(c);
    if (rc != DB_OK)
        return as_finish(c, verdict_db(rc));
    return as_finish(c, as_vendor_add_tx(c, in, id));
}

verdict afterschool_vendor_exit(db_conn *c, int64_t vendor_id, const char *date, const char *reason,
                                int64_t *open_programs)
{
    *open_programs = 0;
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_run(c,
                    "UPDATE afterschool_vendors SET status = 'exited', exited_on = $2,"
                    " exit_reason = $3 WHERE id = $1",
                    vendor_id, date, reason);
    if (rc == DB_DONE)
        rc = db_query_int64(c, open_programs,
                            "SELECT COUNT(*) FROM afterschool_programs WHERE vendor_id = $1"
                            " AND status = 'open' AND last_day >= $2",
                            vendor_id, date);
    return as_finish(c, rc == DB_ROW ? verdict_ok() : verdict_db(rc == DB_DONE ? DB_ERROR : rc));
}
