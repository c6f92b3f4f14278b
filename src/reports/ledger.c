/*
 * ledger.c: RP-2's documents, assembled from what is recorded (no SQL here):
 *
 *   rp_ledger       a school's work ledger (工作台账) over a term: homework publicity by day
 *                   (the class boards: classes with homework, items, written minutes, class-days
 *                   over the cap by the same rule as the half-monthly report), after-school
 *                   service by school day (programs running, rolls taken, pupils marked and
 *                   present, teachers on duty), inspections and rectifications, complaints,
 *                   notices (null while their modules are not there).
 *   rp_compilation  the term compilation (成果汇编): the term's half-monthly reports as they
 *                   were submitted, period by period, and the typical cases the district
 *                   selected or published.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "reports/reports_int.h"

#define LEDGER_MAX_DAYS 200 /* a term and a little more */

typedef struct {
    char date[11];
    int64_t classes, items, written_items, written, over;
} hw_day_sum;

typedef struct {
    hw_day_sum *d;
    size_t n, cap;
    const rp_hw_median *med;
    size_t nmed;
    int tolerance;
} ledger_scan;

static const rp_hw_median *find_median(const ledger_scan *l, int64_t class_id, int64_t day)
{
    for (size_t lo = 0, hi = l->nmed; lo < hi;) {
        size_t mid = (lo + hi) / 2;
        const rp_hw_median *m = &l->med[mid];
        if (m->class_id == class_id && m->day == day)
            return m;
        if (m->class_id < class_id || (m->class_id == class_id && m->day < day))
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int ledger_day(void *ctx, const rp_hw_day_row *r)
{
    ledger_scan *l = ctx;
    hw_day_sum *d = NULL;
    for (size_t i = 0; i < l->n && !d; i++)
        if (strcmp(l->d[i].date, r->date) == 0)
            d = &l->d[i];
    if (!d) {
        if (l->n == l->cap) {
            l->cap = l->cap ? 2 * l->cap : 64;
            l->d = realloc(l->d, l->cap * sizeof *l->d);
            if (!l->d)
                abort();
        }
        d = &l->d[l->n++];
        memset(d, 0, sizeof *d);
        snprintf(d->date, sizeof d->date, "%s", r->date);
    }
    rp_hw_day f = {.limit = r->limit, .written = r->written};
    const rp_hw_median *m = r->reported ? find_median(l, r->class_id, date_days(r->date)) : NULL;
    if (m) {
        f.families = m->families;
        f.median2 = 2 * (int64_t)r->written + m->excess2;
    }
    d->classes += r->items > 0;
    d->items += r->items;
    d->written_items += r->written_items;
    d->written += r->written;
    d->over += reports_hw_day(&f, l->tolerance) != RP_HW_WITHIN;
    return DB_OK;
}

static int cmp_day(const void *a, const void *b)
{
    return strcmp(((const hw_day_sum *)a)->date, ((const hw_day_sum *)b)->date);
}

int rp_ledger(db_conn *c, const policy *pol, int64_t district_id, int64_t school_id,
              const char *from, const char *to, json_t **out)
{
    rp_school_row *school = NULL;
    size_t nschool = 0, nprogs = 0, ndays = 0;
    rp_as_row *progs = NULL;
    ledger_scan l = {.tolerance = (int)policy_v(pol)->rp1_median_tolerance_minutes};
    rp_hw_median *med = NULL;
    char(*days)[11] = malloc(LEDGER_MAX_DAYS * sizeof *days);
    json_t *as_days = NULL, *res = NULL;
    if (!days)
        abort();
    *out = NULL;
    int rc = db_begin(c);
    if (rc != DB_OK) {
        free(days);
        return rc;
    }
    rc = rp_store_schools(c, district_id, school_id, &school, &nschool);
    if (rc == DB_OK && nschool == 0)
        rc = DB_DONE;
    if (rc == DB_OK)
        rc = rp_store_hw_medians(c, district_id, school_id, from, to, &med, &l.nmed);
    l.med = med;
    if (rc == DB_OK)
        rc = rp_store_hw_days(c, district_id, school_id, from, to, ledger_day, &l);
    if (rc == DB_OK)
        rc = rp_store_school_days(c, district_id, from, to, days, LEDGER_MAX_DAYS, &ndays);
    if (rc == DB_OK)
        rc = rp_store_as_programs(c, district_id, school_id, from, to, &progs, &nprogs);
    if (rc == DB_OK && !(as_days = rp_store_as_days(c, school_id, from, to)))
        rc = DB_ERROR;
    json_t *insp = rc == DB_OK ? rp_store_inspections(c, district_id, school_id, from, to) : NULL;
    json_t *compl = rc == DB_OK ? rp_store_complaints(c, district_id, school_id, from, to) : NULL;
    json_t *notices = rc == DB_OK ? rp_store_notices(c, district_id, school_id, from, to) : NULL;
    if (rc == DB_OK && (!insp || !compl || !notices))
        rc = DB_ERROR;
    if (rc != DB_OK) {
        json_decref(insp);
        json_decref(compl );
        json_decref(notices);
        goto out;
    }
    /* a complaint is overdue when it is not closed and its due date passed before the
     * ledger's last day (CS-1) */
    json_t *it;
    size_t ci;
    json_array_foreach(compl, ci, it)
    {
        const char *st = json_string_value(json_object_get(it, "status"));
        bool open = !st || strcmp(st, "closed") != 0;
        const char *due = json_string_value(json_object_get(it, "due_date"));
        json_object_set_new(it, "overdue", json_boolean(open && due && strcmp(due, to) < 0));
    }
    qsort(l.d, l.n, sizeof *l.d, cmp_day);
    json_t *hw = json_array();
    for (size_t i = 0; i < l.n; i++) {
        const hw_day_sum *d = &l.d[i];
        int64_t tenths = d->classes ? (d->written * 20 + d->classes) / (2 * d->classes) : 0;
        json_array_append_new(
            hw, json_pack("{s:s,s:I,s:I,s:I,s:o,s:I}", "date", d->date, "classes",
                          (json_int_t)d->classes, "items", (json_int_t)d->items, "written_items",
                          (json_int_t)d->written_items, "avg_written_minutes",
                          d->classes ? json_real((double)tenths / 10.0) : json_null(),
                          "over_classes", (json_int_t)d->over));
    }
    json_t *as = json_array();
    for (size_t k = 0; k < ndays; k++) {
        int64_t running = 0;
        for (size_t i = 0; i < nprogs; i++)
            running += (progs[i].p.weekdays & (1u << date_weekday(days[k]))) &&
                       strcmp(days[k], progs[i].p.first_day) >= 0 &&
                       strcmp(days[k], progs[i].p.last_day) <= 0;
        const json_t *d = json_object_get(as_days, days[k]);
        json_array_append_new(
            as,
            json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "date", days[k], "programs", (json_int_t)running,
                      "rolls", (json_int_t)json_integer_value(json_object_get(d, "rolls")),
                      "marked", (json_int_t)json_integer_value(json_object_get(d, "marked")),
                      "present", (json_int_t)json_integer_value(json_object_get(d, "present")),
                      "teachers_on_duty",
                      (json_int_t)json_integer_value(json_object_get(d, "teachers_on_duty"))));
    }
    res = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "school_id", (json_int_t)school_id,
                    "name", school[0].name, "from", from, "to", to, "homework", hw, "afterschool",
                    as, "inspections", insp, "complaints", compl, "notices", notices);
    if (!res)
        rc = DB_ERROR;
out:
    db_commit(c);
    json_decref(as_days);
    free(days);
    free(school);
    free(med);
    free(l.d);
    free(progs);
    *out = res;
    return rc;
}

int rp_compilation(db_conn *c, const policy *pol, int64_t district_id, const char *term,
                   const char *from, const char *to, const char *today, json_t **out)
{
    *out = NULL;
    rp_period p, last;
    const char *end = strcmp(today, to) < 0 ? today : to;
    reports_period_of(from, &p);
    reports_period_of(end, &last);
    json_t *periods = json_array(), *latest = json_null();
    int rc = DB_OK;
    for (int guard = 0; guard < 40; guard++) {
        reports_period_due(pol, &p);
        rp_submission sub;
        rc = rp_store_submission(c, district_id, p.id, 0, &sub);
        if (rc != DB_ROW && rc != DB_DONE)
            break;
        json_t *row = json_pack("{s:s,s:s,s:s,s:s}", "period", p.id, "from", p.from, "to", p.to,
                                "due_date", p.due);
        if (rc == DB_ROW) {
            json_error_t err;
            json_t *fig = json_loads(sub.figures, 0, &err);
            char at[32];
            unix_rfc3339(sub.submitted_at, at);
            json_object_set_new(row, "status", json_string("submitted"));
            json_object_set_new(row, "revision", json_integer(sub.revision));
            json_object_set_new(row, "digest", json_string(sub.digest));
            json_object_set_new(row, "submitted_at", json_string(at));
            json_t *ind = json_object_get(fig, "indicators");
            json_object_set(row, "indicators", ind ? ind : json_null());
            if (ind) {
                json_decref(latest);
                latest = json_pack("{s:s,s:O}", "period", p.id, "indicators", ind);
            }
            json_decref(fig);
            rp_submission_cleanup(&sub);
        } else {
            json_object_set_new(row, "status", json_string("draft"));
            json_object_set_new(row, "indicators", json_null());
        }
        rc = DB_OK;
        json_array_append_new(periods, row);
        if (strcmp(p.id, last.id) == 0)
            break;
        reports_period_next(&p, &p);
    }
    json_t *cases = rc == DB_OK ? rp_store_term_cases(c, district_id, term) : NULL;
    if (rc != DB_OK || !cases) {
        json_decref(periods);
        json_decref(latest);
        return rc == DB_OK ? DB_ERROR : rc;
    }
    *out = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "term", term, "from", from, "to", to, "periods",
                     periods, "latest", latest, "cases", cases);
    return *out ? DB_OK : DB_ERROR;
}
