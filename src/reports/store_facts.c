/*
 * store_facts.c: the facts behind the half-monthly report, read from the other modules' data
 * through the rp_* views of migrations/0500_reports.sql (and the cases module's contract), one
 * function per kind of fact. No figure is decided here: compute.c hands the facts to the pure
 * rules of rules.c.
 *
 * Every query is shaped for the city-scale district (500 schools, 24,000 classes, a term of
 * homework: bench/README.md, "Reports"): the class-days come from the homework module's
 * class-day roll-up through its (class_id, date) key, one range per class; the families'
 * times are read only for class-days that have any, and only for items that have feedback.
 * Each function takes school_id 0 for the whole district or one school.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "cases/cases.h"
#include "reports/reports_int.h"

/* Grows a malloc'd array by doubling; aborts when memory runs out (STYLE.md 4). */
static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return p;
    *cap = *cap ? *cap * 2 : 64;
    p = realloc(p, *cap * size);
    if (!p)
        abort();
    return p;
}

int rp_store_schools(db_conn *c, int64_t district_id, int64_t school_id, rp_school_row **out,
                     size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    db_stmt *s = db_query(c,
                          "SELECT id, name FROM rp_schools WHERE district_id = $1"
                          " AND ($2 = 0 OR id = $2) ORDER BY id",
                          district_id, school_id);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        *out = grow(*out, &cap, *n, sizeof **out);
        rp_school_row *x = &(*out)[(*n)++];
        db_row row = db_row_at(s, 0);
        x->id = db_next_int64(&row);
        DB_NEXT_TEXT(&row, x->name);
    }
    db_finalize(s);
    return rc == DB_DONE ? DB_OK : rc;
}

/* ---------- homework ---------- */

int rp_store_hw_days(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                     const char *to, rp_hw_day_fn fn, void *ctx)
{
    /* one range of the class-day key per class of the district (or school) */
    db_stmt *s =
        db_query(c,
                 "SELECT d.school_id, d.class_id, d.date, d.limit_minutes, d.written_minutes,"
                 " d.reported, d.items, d.written_items FROM rp_classes k JOIN rp_hw_class_days d "
                 "ON d.class_id = k.id"
                 " AND d.date >= $2 AND d.date <= $3"
                 " WHERE k.district_id = $1 AND ($4 = 0 OR k.school_id = $4)",
                 district_id, from, to, school_id);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        rp_hw_day_row d;
        db_row row = db_row_at(s, 0);
        d.school_id = db_next_int64(&row);
        d.class_id = db_next_int64(&row);
        DB_NEXT_TEXT(&row, d.date);
        d.limit = (int)db_next_int64(&row);
        d.written = (int)db_next_int64(&row);
        d.reported = db_next_int64(&row) != 0;
        d.items = (int)db_next_int64(&row);
        d.written_items = (int)db_next_int64(&row);
        if ((rc = fn(ctx, &d)) != DB_OK)
            break;
    }
    db_finalize(s);
    return rc == DB_DONE ? DB_OK : rc;
}

/* One family's excess over the estimates, summed over the class-day's items it reported on. */
typedef struct {
    int64_t student_id, excess;
} family_sum;

/* Appends one class-day's median from its families' excesses. */
static void median_push(rp_hw_median **out, size_t *n, size_t *cap, int64_t class_id,
                        const char *date, family_sum *fam, size_t nfam, int64_t **v, size_t *vcap)
{
    if (nfam == 0)
        return;
    *v = grow(*v, vcap, nfam, sizeof **v);
    for (size_t i = 0; i < nfam; i++)
        (*v)[i] = fam[i].excess;
    *out = grow(*out, cap, *n, sizeof **out);
    (*out)[(*n)++] = (rp_hw_median){.class_id = class_id,
                                    .day = date_days(date),
                                    .families = (int)nfam,
                                    .excess2 = reports_median2(*v, nfam)};
}

/* The district's class-days come through the class-day key's date range; one school's through
 * its classes first (CROSS JOIN keeps that order on SQLite): a whole statement each, so no SQL
 * is assembled from pieces. */
static const char *const medians_sql[2] = {
    "SELECT d.class_id, d.date, f.student_id, f.minutes_spent - h.minutes"
    " FROM rp_classes k JOIN rp_hw_class_days d ON d.class_id = k.id"
    " AND d.date >= $2 AND d.date <= $3 AND d.reported = 1"
    " JOIN rp_hw_items h ON h.class_id = d.class_id AND h.date = d.date"
    " JOIN rp_hw_feedback f ON f.homework_id = h.id"
    " WHERE k.district_id = $1 AND $4 = 0"
    " AND CASE WHEN f.homework_id > 0 THEN h.kind = 'written' AND h.withdrawn_at IS NULL END"
    " ORDER BY d.class_id, d.date",
    "SELECT d.class_id, d.date, f.student_id, f.minutes_spent - h.minutes"
    " FROM rp_classes k CROSS JOIN rp_hw_class_days d"
    " JOIN rp_hw_items h ON h.class_id = d.class_id AND h.date = d.date"
    " JOIN rp_hw_feedback f ON f.homework_id = h.id"
    " WHERE k.district_id = $1 AND k.school_id = $4 AND d.class_id = k.id"
    " AND d.date >= $2 AND d.date <= $3 AND d.reported = 1"
    " AND CASE WHEN f.homework_id > 0 THEN h.kind = 'written' AND h.withdrawn_at IS NULL END"
    " ORDER BY d.class_id, d.date",
};

int rp_store_hw_medians(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                        const char *to, rp_hw_median **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0, vcap = 0, fcap = 0, nfam = 0;
    int64_t *v = NULL;
    family_sum *fam = NULL;
    /* Every report on the written items of the class-days that have any, in class-day order;
     * each family's reports are summed here (a class has a few dozen families), so the store
     * neither groups nor sorts the rows. The item's kind and withdrawal are tested inside a CASE
     * that names the feedback row, so the planner reads an item's row only when the item has
     * feedback (the class-day index gives the item's id alone): most items have none, and
     * reading them all would cost most of the report's time at city scale. */
    db_stmt *s =
        db_query_a(c, medians_sql[school_id != 0], DB_ARGS(district_id, from, to, school_id));
    if (!s)
        return DB_ERROR;
    int64_t cur_class = 0;
    char cur_date[11] = "";
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        int64_t class_id = db_next_int64(&row);
        const char *date = db_next_text_ref(&row);
        if (class_id != cur_class || strcmp(date, cur_date) != 0) {
            median_push(out, n, &cap, cur_class, cur_date, fam, nfam, &v, &vcap);
            nfam = 0;
            cur_class = class_id;
            snprintf(cur_date, sizeof cur_date, "%s", date);
        }
        int64_t student = db_next_int64(&row), excess = db_next_int64(&row);
        size_t k = 0;
        while (k < nfam && fam[k].student_id != student)
            k++;
        if (k == nfam) {
            fam = grow(fam, &fcap, nfam, sizeof *fam);
            fam[nfam++] = (family_sum){.student_id = student};
        }
        fam[k].excess += excess;
    }
    db_finalize(s);
    if (rc == DB_DONE)
        median_push(out, n, &cap, cur_class, cur_date, fam, nfam, &v, &vcap);
    free(v);
    free(fam);
    if (rc != DB_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return DB_OK;
}

int rp_store_hw_day_detail(db_conn *c, int64_t class_id, const char *date, rp_hw_day_detail *out)
{
    memset(out, 0, sizeof *out);
    /* the day's latest active written item: the cap it was checked against when published */
    db_stmt *s =
        db_query(c,
                 "SELECT k.name, k.grade,"
                 " (SELECT COUNT(*) FROM rp_hw_items i WHERE i.class_id = k.id AND i.date = $2"
                 "  AND i.kind = 'written' AND i.withdrawn_at IS NULL),"
                 " h.limit_minutes, h.rule, h.policy_version"
                 " FROM rp_classes k LEFT JOIN rp_hw_items h ON h.id ="
                 " (SELECT MAX(i.id) FROM rp_hw_items i WHERE i.class_id = k.id AND i.date = $2"
                 "  AND i.kind = 'written' AND i.withdrawn_at IS NULL)"
                 " WHERE k.id = $1",
                 class_id, date);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        DB_NEXT_TEXT(&row, out->class_name);
        out->grade = (int)db_next_int64(&row);
        out->items = (int)db_next_int64(&row);
        if (db_next_isnull(&row)) {
            out->limit = -1;
            db_next_skip(&row);
        } else {
            out->limit = (int)db_next_int64(&row);
        }
        DB_NEXT_TEXT(&row, out->rule);
        DB_NEXT_TEXT(&row, out->policy_version);
    }
    db_finalize(s);
    return rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_DONE : rc;
}

/* ---------- after-school ---------- */

int rp_store_school_days(db_conn *c, int64_t district_id, const char *from, const char *to,
                         char (*days)[11], size_t cap, size_t *n)
{
    *n = 0;
    char d[11];
    snprintf(d, sizeof d, "%s", from);
    while (strcmp(d, to) <= 0 && *n < cap) {
        if (date_weekday(d) <= 5) {
            int k = calendar_day_kind(c, district_id, d, NULL, 0);
            if (k < 0)
                return k;
            if (k == DAY_SCHOOL)
                snprintf(days[(*n)++], 11, "%s", d);
        }
        date_add_days(d, 1, d);
    }
    return DB_OK;
}

int rp_store_as_programs(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                         const char *to, rp_as_row **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    db_stmt *s = db_query(c,
                          "SELECT school_id, id, weekdays, start_min, end_min, first_day, last_day,"
                          " name, kind, end_time FROM rp_as_programs WHERE district_id = $1"
                          " AND ($2 = 0 OR school_id = $2) AND status = 'open'"
                          " AND first_day <= $4 AND last_day >= $3 ORDER BY school_id, id",
                          district_id, school_id, from, to);
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        *out = grow(*out, &cap, *n, sizeof **out);
        rp_as_row *x = &(*out)[(*n)++];
        memset(x, 0, sizeof *x);
        db_row row = db_row_at(s, 0);
        x->school_id = db_next_int64(&row);
        x->p.id = db_next_int64(&row);
        x->p.weekdays = (unsigned)db_next_int64(&row);
        x->p.start_min = (int)db_next_int64(&row);
        x->p.end_min = (int)db_next_int64(&row);
        DB_NEXT_TEXT(&row, x->p.first_day);
        DB_NEXT_TEXT(&row, x->p.last_day);
        DB_NEXT_TEXT(&row, x->name);
        DB_NEXT_TEXT(&row, x->kind);
        DB_NEXT_TEXT(&row, x->end);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return DB_OK;
}

/* ---------- counts per school ---------- */

static int counts(db_stmt *s, rp_count **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    if (!s)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        *out = grow(*out, &cap, *n, sizeof **out);
        (*out)[*n].school_id = db_col_int64(s, 0);
        (*out)[(*n)++].n = db_col_int64(s, 1);
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return DB_OK;
}

int rp_store_pupils(db_conn *c, int64_t district_id, int64_t school_id, rp_count **out, size_t *n)
{
    /* through the classes: the pupils' (class_id, ...) index counts them without their rows */
    return counts(db_query(c,
                           "SELECT k.school_id, COUNT(*) FROM rp_classes k"
                           " JOIN rp_pupils p ON p.class_id = k.id"
                           " WHERE k.district_id = $1 AND ($2 = 0 OR k.school_id = $2)"
                           " GROUP BY k.school_id",
                           district_id, school_id),
                  out, n);
}

int rp_store_pupils_served(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                           const char *to, rp_count **out, size_t *n)
{
    /* a seat held on some day of [from, to] in a program that runs then */
    return counts(db_query(c,
                           "SELECT g.school_id, COUNT(DISTINCT e.student_id) FROM rp_as_programs g"
                           " JOIN rp_as_enrolments e ON e.program_id = g.id"
                           " WHERE g.district_id = $1 AND ($2 = 0 OR g.school_id = $2)"
                           " AND g.status = 'open' AND g.first_day <= $4 AND g.last_day >= $3"
                           " AND e.status IN ('enrolled', 'left') AND e.seat_from <= $4"
                           " AND (e.left_on IS NULL OR e.left_on > $3)"
                           " GROUP BY g.school_id",
                           district_id, school_id, from, to),
                  out, n);
}

int rp_store_teachers(db_conn *c, int64_t district_id, int64_t school_id, rp_count **out, size_t *n)
{
    return counts(db_query(c,
                           "SELECT t.school_id, COUNT(DISTINCT t.user_id) FROM rp_schools k"
                           " JOIN rp_teachers t ON t.school_id = k.id"
                           " WHERE k.district_id = $1 AND ($2 = 0 OR k.id = $2)"
                           " GROUP BY t.school_id",
                           district_id, school_id),
                  out, n);
}

int rp_store_teachers_served(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                             const char *to, rp_count **out, size_t *n)
{
    /* teachers of the school who held duty in the period, or hold the A or B post of one of
     * its programs running then */
    return counts(
        db_query(c,
                 "SELECT x.school_id, COUNT(DISTINCT x.user_id) FROM ("
                 " SELECT t.school_id, t.user_id FROM rp_schools k"
                 "  JOIN rp_as_duties u ON u.school_id = k.id AND u.date >= $3 AND u.date <= $4"
                 "  JOIN rp_teachers t ON t.user_id = u.user_id AND t.school_id = k.id"
                 "  WHERE k.district_id = $1 AND ($2 = 0 OR k.id = $2)"
                 " UNION SELECT t.school_id, t.user_id FROM rp_as_programs g"
                 "  JOIN rp_teachers t ON t.user_id = g.staff_a AND t.school_id = g.school_id"
                 "  WHERE g.district_id = $1 AND ($2 = 0 OR g.school_id = $2)"
                 "  AND g.status = 'open' AND g.first_day <= $4 AND g.last_day >= $3"
                 " UNION SELECT t.school_id, t.user_id FROM rp_as_programs g"
                 "  JOIN rp_teachers t ON t.user_id = g.staff_b AND t.school_id = g.school_id"
                 "  WHERE g.district_id = $1 AND ($2 = 0 OR g.school_id = $2)"
                 "  AND g.status = 'open' AND g.first_day <= $4 AND g.last_day >= $3"
                 ") x GROUP BY x.school_id",
                 district_id, school_id, from, to),
        out, n);
}

/* ---------- institutions and escrow ---------- */

int rp_store_institutions(db_conn *c, int64_t district_id, int64_t until, rp_inst_row **out,
                          size_t *n, int64_t *escrow_fen)
{
    *out = NULL;
    *n = 0;
    *escrow_fen = 0;
    size_t cap = 0, ncnt = 0;
    /* One scan of the ledger's escrow entries, grouped by the institution of their contract.
     * The district's escrow is the sum of every group: from the ledger alone, since a contract
     * without a row would make a group of its own (0), never lose an entry. */
    rp_count *by_inst = NULL;
    int rc =
        counts(db_query(c,
                        "SELECT COALESCE(k.institution_id, 0), SUM(e.amount_fen)"
                        " FROM rp_escrow_entries e LEFT JOIN rp_contracts k ON k.id = e.contract_id"
                        " WHERE e.district_id = $1 AND e.at < $2 GROUP BY k.institution_id",
                        district_id, until),
               &by_inst, &ncnt);
    if (rc != DB_OK)
        return rc;
    for (size_t i = 0; i < ncnt; i++)
        *escrow_fen += by_inst[i].n;
    db_stmt *s = db_query(c,
                          "SELECT id, name, category, state, license_valid_until, created_at"
                          " FROM rp_institutions WHERE district_id = $1 ORDER BY id",
                          district_id);
    rc = s ? DB_ROW : DB_ERROR;
    while (s && (rc = db_step(s)) == DB_ROW) {
        *out = grow(*out, &cap, *n, sizeof **out);
        rp_inst_row *x = &(*out)[(*n)++];
        memset(x, 0, sizeof *x);
        db_row row = db_row_at(s, 0);
        x->id = db_next_int64(&row);
        DB_NEXT_TEXT(&row, x->name);
        DB_NEXT_TEXT(&row, x->category);
        DB_NEXT_TEXT(&row, x->state);
        DB_NEXT_TEXT(&row, x->license_valid_until);
        unix_date(db_next_int64(&row), x->created); /* the day it was registered */
        for (size_t i = 0; i < ncnt; i++)
            if (by_inst[i].school_id == x->id) /* rp_count's key holds the institution here */
                x->escrow_fen = by_inst[i].n;
    }
    db_finalize(s);
    free(by_inst);
    if (rc != DB_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return DB_OK;
}

/* ---------- cases ---------- */

int rp_store_cases(db_conn *c, int64_t district_id, int64_t school_id, const char *from,
                   const char *to, const char *as_of, rp_cases *out)
{
    memset(out, 0, sizeof *out);
    cases_figures f;
    int rc = cases_period_figures(c, district_id, school_id, from, to, as_of, &f);
    if (rc != DB_OK)
        return rc;
    out->available = true;
    out->tips_received = f.tips_received;
    out->tips_substantiated = f.tips_substantiated;
    out->cases_overdue = f.cases_overdue;
    out->pn1 = f.penalties_pn1;
    out->pn2 = f.penalties_pn2;
    return DB_OK;
}
