/*
 * compute.c: the report's figures, assembled: the facts of store_facts.c in, each indicator
 * decided by its pure rule (rules.c), the per-school breakdown beside every count so the
 * district sees which schools fail which. No SQL here.
 *
 * rp_compute runs its reads inside one read transaction, so every figure of one report is of
 * one moment. The answer (all keys, docs/api/reports.md):
 *   {"from","to","as_of","policy_version","school_days":[...],
 *    "rules":{"median_tolerance_minutes","min_minutes_per_day","summer_off_work","winter_off_work"},
 *    "indicators":{...}, "schools":[{school's breakdown}], "institutions":[...],
 *    "cases_available":bool}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "reports/reports_int.h"

typedef struct {
    int64_t id;
    const char *name;
    int64_t class_days, over_written, over_reported;
    json_t *over; /* the first RP_MAX_OVER over-cap class-days */
    int64_t pupils, pupils_served, teachers, teachers_served;
} school_acc;

typedef struct {
    school_acc *s;
    size_t n;
    const rp_hw_median *med;
    size_t nmed;
    int tolerance;
    /* over-cap class-days whose detail is read after the scan */
    struct over_day {
        size_t school;
        int64_t class_id;
        char date[11];
        rp_hw_day facts;
        rp_hw_verdict why;
    } * over;
    size_t nover, over_cap;
} hw_scan;

static school_acc *school_find(school_acc *s, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s[mid].id == id)
            return &s[mid];
        if (s[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const rp_hw_median *median_find(const hw_scan *h, int64_t class_id, int64_t day)
{
    size_t lo = 0, hi = h->nmed;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const rp_hw_median *m = &h->med[mid];
        if (m->class_id == class_id && m->day == day)
            return m;
        if (m->class_id < class_id || (m->class_id == class_id && m->day < day))
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int hw_day(void *ctx, const rp_hw_day_row *d)
{
    hw_scan *h = ctx;
    school_acc *s = school_find(h->s, h->n, d->school_id);
    if (!s)
        return DB_OK;
    rp_hw_day f = {.limit = d->limit, .written = d->written};
    const rp_hw_median *m = d->reported ? median_find(h, d->class_id, date_days(d->date)) : NULL;
    if (m) {
        f.families = m->families;
        f.median2 = 2 * (int64_t)d->written + m->excess2;
    }
    s->class_days++;
    rp_hw_verdict v = reports_hw_day(&f, h->tolerance);
    if (v == RP_HW_WITHIN)
        return DB_OK;
    if (v == RP_HW_OVER_WRITTEN)
        s->over_written++;
    else
        s->over_reported++;
    if (s->over_written + s->over_reported <= RP_MAX_OVER) {
        if (h->nover == h->over_cap) {
            h->over_cap = h->over_cap ? 2 * h->over_cap : 64;
            h->over = realloc(h->over, h->over_cap * sizeof *h->over);
            if (!h->over)
                abort();
        }
        struct over_day *o = &h->over[h->nover++];
        o->school = (size_t)(s - h->s);
        o->class_id = d->class_id;
        snprintf(o->date, sizeof o->date, "%s", d->date);
        o->facts = f;
        o->why = v;
    }
    return DB_OK;
}

/* A share in basis points as a JSON number (0.6123), or null without a whole. */
static json_t *share_json(int64_t part, int64_t whole)
{
    int64_t bp = reports_share_bp(part, whole);
    return bp < 0 ? json_null() : json_real((double)bp / 10000.0);
}

/* Twice a value as a JSON number: an integer when even, else a .5 real. */
static json_t *half_json(int64_t twice)
{
    return twice % 2 == 0 ? json_integer(twice / 2) : json_real((double)twice / 2.0);
}

static void hhmm(int minutes, char out[6])
{
    unsigned m = (unsigned)minutes % 1440u;
    snprintf(out, 6, "%02u:%02u", (m / 60) % 24u, m % 60u);
}

static void add_counts(school_acc *s, size_t n, const rp_count *c, size_t nc, size_t field)
{
    for (size_t i = 0; i < nc; i++) {
        school_acc *a = school_find(s, n, c[i].school_id);
        if (a)
            *(int64_t *)((char *)a + field) = c[i].n;
    }
}

/* The end of the day `to` in the district: the next midnight, as Unix seconds. */
static int64_t end_unix(const char *to)
{
    return date_unix(to, 24 * 60);
}

int rp_compute(db_conn *c, const policy *pol, int64_t district_id, int64_t school_id,
               const char *from, const char *to, const char *as_of, bool caller_tx, json_t **out)
{
    const policy_values *pv = policy_v(pol);
    rp_school_row *schools = NULL;
    rp_hw_median *med = NULL;
    rp_as_row *progs = NULL;
    rp_count *cnt = NULL;
    rp_inst_row *inst = NULL;
    school_acc *acc = NULL;
    hw_scan h = {0};
    json_t *res = NULL, *jschools = NULL, *jinst = NULL;
    size_t nschools = 0, nmed = 0, nprogs = 0, ncnt = 0, ninst = 0;
    char days[RP_MAX_DAYS][11];
    size_t ndays = 0;
    rp_settings set;
    char since[11];
    rp_cases cases;
    int64_t escrow = 0;
    *out = NULL;

    int rc = caller_tx ? DB_OK : db_begin(c);
    if (rc != DB_OK)
        return rc;
    rc = rp_store_settings(c, district_id, &set, since);
    if (rc == DB_OK)
        rc = rp_store_schools(c, district_id, school_id, &schools, &nschools);
    if (rc != DB_OK)
        goto out;
    acc = calloc(nschools ? nschools : 1, sizeof *acc);
    if (!acc)
        abort();
    for (size_t i = 0; i < nschools; i++)
        acc[i] = (school_acc){.id = schools[i].id, .name = schools[i].name, .over = json_array()};

    /* homework: the families' medians first, then every class-day against its cap */
    rc = rp_store_hw_medians(c, district_id, school_id, from, to, &med, &nmed);
    if (rc != DB_OK)
        goto out;
    h = (hw_scan){.s = acc,
                  .n = nschools,
                  .med = med,
                  .nmed = nmed,
                  .tolerance = (int)pv->rp1_median_tolerance_minutes};
    rc = rp_store_hw_days(c, district_id, school_id, from, to, hw_day, &h);
    for (size_t i = 0; rc == DB_OK && i < h.nover; i++) {
        struct over_day *o = &h.over[i];
        rp_hw_day_detail det;
        rc = rp_store_hw_day_detail(c, o->class_id, o->date, &det);
        if (rc == DB_DONE)
            rc = DB_OK;
        json_t *j = json_pack("{s:I,s:s,s:i,s:s,s:i,s:i,s:i,s:s,s:s,s:s}", "class_id",
                              (json_int_t)o->class_id, "class_name", det.class_name, "grade",
                              det.grade, "date", o->date, "limit_minutes", o->facts.limit,
                              "written_minutes", o->facts.written, "families", o->facts.families,
                              "reason", o->why == RP_HW_OVER_WRITTEN ? "written" : "reported",
                              "rule", det.rule, "policy_version", det.policy_version);
        json_object_set_new(j, "median_minutes",
                            o->facts.families ? half_json(o->facts.median2) : json_null());
        json_array_append_new(acc[o->school].over, j);
    }
    if (rc != DB_OK)
        goto out;

    /* after-school: the period's school days, each school's programs, participation */
    /* the school days that have come: a draft of the running period counts up to as_of */
    rc = rp_store_school_days(c, district_id, from, strcmp(as_of, to) < 0 ? as_of : to, days,
                              RP_MAX_DAYS, &ndays);
    if (rc == DB_OK)
        rc = rp_store_as_programs(c, district_id, school_id, from, to, &progs, &nprogs);
    static const struct {
        int (*fn)(db_conn *, int64_t, int64_t, rp_count **, size_t *);
        size_t field;
    } totals[] = {{rp_store_pupils, offsetof(school_acc, pupils)},
                  {rp_store_teachers, offsetof(school_acc, teachers)}};
    static const struct {
        int (*fn)(db_conn *, int64_t, int64_t, const char *, const char *, rp_count **, size_t *);
        size_t field;
    } served[] = {{rp_store_pupils_served, offsetof(school_acc, pupils_served)},
                  {rp_store_teachers_served, offsetof(school_acc, teachers_served)}};
    for (size_t k = 0; rc == DB_OK && k < 2; k++) {
        rc = totals[k].fn(c, district_id, school_id, &cnt, &ncnt);
        if (rc == DB_OK)
            add_counts(acc, nschools, cnt, ncnt, totals[k].field);
        free(cnt);
        cnt = NULL;
        if (rc == DB_OK)
            rc = served[k].fn(c, district_id, school_id, from, to, &cnt, &ncnt);
        if (rc == DB_OK)
            add_counts(acc, nschools, cnt, ncnt, served[k].field);
        free(cnt);
        cnt = NULL;
    }
    /* institutions and the escrow at the end of the period (district reports only) */
    if (rc == DB_OK && school_id == 0) {
        rc = rp_store_institutions(c, district_id, end_unix(to), &inst, &ninst, &escrow);
    }
    if (rc == DB_OK)
        rc = rp_store_cases(c, district_id, school_id, from, to, as_of, &cases);
    if (rc != DB_OK)
        goto out;

    /* ---------- the breakdown, school by school ---------- */
    int64_t hw_within = 0, as_ok = 0, pupils = 0, pupils_served = 0, teachers = 0,
            teachers_served = 0;
    jschools = json_array();
    size_t p0 = 0;
    for (size_t i = 0; i < nschools; i++) {
        school_acc *s = &acc[i];
        while (p0 < nprogs && progs[p0].school_id < s->id)
            p0++;
        size_t p1 = p0;
        while (p1 < nprogs && progs[p1].school_id == s->id)
            p1++;
        size_t np = p1 - p0;
        rp_as_program *pp = calloc(np ? np : 1, sizeof *pp);
        bool *early = calloc(np ? np : 1, sizeof *early);
        if (!pp || !early)
            abort();
        for (size_t k = 0; k < np; k++)
            pp[k] = progs[p0 + k].p;
        rp_as_school as;
        reports_as_school(pol, (const char(*)[11])days, ndays, pp, np, &as, early);
        json_t *missing = json_array(), *jearly = json_array();
        for (int k = 0; k < as.nmissing; k++)
            json_array_append_new(missing, json_pack("{s:s,s:i}", "date", as.missing[k], "minutes",
                                                     as.missing_minutes[k]));
        for (size_t k = 0; k < np; k++) {
            if (!early[k])
                continue;
            char off[6] = "";
            for (size_t d = 0; d < ndays; d++)
                if ((pp[k].weekdays & (1u << date_weekday(days[d]))) &&
                    strcmp(days[d], pp[k].first_day) >= 0 && strcmp(days[d], pp[k].last_day) <= 0 &&
                    pp[k].end_min < reports_off_work(pol, days[d])) {
                    hhmm(reports_off_work(pol, days[d]), off);
                    break;
                }
            json_array_append_new(jearly, json_pack("{s:I,s:s,s:s,s:s,s:s}", "program_id",
                                                    (json_int_t)pp[k].id, "name",
                                                    progs[p0 + k].name, "kind", progs[p0 + k].kind,
                                                    "end", progs[p0 + k].end, "off_work", off));
        }
        free(pp);
        free(early);
        p0 = p1;

        bool within = s->over_written + s->over_reported == 0;
        hw_within += within;
        as_ok += as.compliant;
        pupils += s->pupils;
        pupils_served += s->pupils_served;
        teachers += s->teachers;
        teachers_served += s->teachers_served;
        json_t *js = json_pack(
            "{s:I,s:s,s:{s:I,s:I,s:I,s:I,s:b,s:o},s:{s:i,s:i,s:o,s:I,s:o,s:b},"
            "s:I,s:I,s:o,s:I,s:I,s:o}",
            "school_id", (json_int_t)s->id, "name", s->name, "homework", "class_days",
            (json_int_t)s->class_days, "over_days",
            (json_int_t)(s->over_written + s->over_reported), "over_written",
            (json_int_t)s->over_written, "over_reported", (json_int_t)s->over_reported, "within",
            within, "over", s->over, "afterschool", "school_days", as.school_days, "served_days",
            as.served_days, "missing_days", missing, "programs", (json_int_t)np, "early_programs",
            jearly, "compliant", as.compliant, "pupils_total", (json_int_t)s->pupils,
            "pupils_afterschool", (json_int_t)s->pupils_served, "pupils_afterschool_share",
            share_json(s->pupils_served, s->pupils), "teachers_total", (json_int_t)s->teachers,
            "teachers_afterschool", (json_int_t)s->teachers_served, "teachers_afterschool_share",
            share_json(s->teachers_served, s->teachers));
        s->over = NULL; /* stolen by js */
        if (school_id)
            /* one school's own figures: the complaints and tip-offs about it (cases.h) */
            json_object_set_new(js, "cases",
                                json_pack("{s:I,s:I,s:I}", "tips_received",
                                          (json_int_t)cases.tips_received, "tips_substantiated",
                                          (json_int_t)cases.tips_substantiated, "cases_overdue",
                                          (json_int_t)cases.cases_overdue));
        json_array_append_new(jschools, js);
    }

    /* ---------- institutions ---------- */
    int64_t subject = 0, suspended = 0, registered = 0, baseline = -1;
    jinst = json_array();
    for (size_t i = 0; i < ninst; i++) {
        rp_institution in = {.subject = strcmp(inst[i].category, "subject") == 0,
                             .state = inst[i].state,
                             .license_valid_until = inst[i].license_valid_until,
                             .created = inst[i].created};
        rp_inst_verdict v = reports_institution(&in, to);
        if (!v.counted && inst[i].escrow_fen == 0)
            continue;
        registered += v.counted;
        subject += v.subject_active;
        suspended += v.suspended;
        json_array_append_new(jinst,
                              json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:b,s:I}", "institution_id",
                                        (json_int_t)inst[i].id, "name", inst[i].name, "category",
                                        inst[i].category, "state", inst[i].state,
                                        "license_valid_until", inst[i].license_valid_until,
                                        "subject_active", v.subject_active, "suspended",
                                        v.suspended, "escrow_fen", (json_int_t)inst[i].escrow_fen));
    }
    if (set.baseline_date[0]) {
        baseline = set.baseline_subject_institutions;
        if (baseline < 0) {
            baseline = 0;
            for (size_t i = 0; i < ninst; i++)
                baseline += strcmp(inst[i].category, "subject") == 0 &&
                            strcmp(inst[i].created, set.baseline_date) <= 0;
        }
    }
    int64_t red_bp = baseline >= 0 ? reports_reduction_bp(baseline, subject) : -1;

    char off_s[6], off_w[6];
    hhmm(pv->as2_summer_off_work, off_s);
    hhmm(pv->as2_winter_off_work, off_w);
    json_t *jdays = json_array();
    for (size_t d = 0; d < ndays; d++)
        json_array_append_new(jdays, json_string(days[d]));
    json_t *ind = json_pack(
        "{s:I,s:I,s:I,s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:{s:I,s:I}}", "schools_total",
        (json_int_t)nschools, "schools_homework_within_limits", (json_int_t)hw_within,
        "schools_afterschool_compliant", (json_int_t)as_ok, "pupils_afterschool_share",
        share_json(pupils_served, pupils), "teachers_afterschool_share",
        share_json(teachers_served, teachers), "pupils_total", (json_int_t)pupils,
        "pupils_afterschool", (json_int_t)pupils_served, "teachers_total", (json_int_t)teachers,
        "teachers_afterschool", (json_int_t)teachers_served, "institutions_subject",
        (json_int_t)subject, "institutions_suspended", (json_int_t)suspended, "escrow_fen",
        (json_int_t)escrow, "tips_received", (json_int_t)cases.tips_received, "tips_substantiated",
        (json_int_t)cases.tips_substantiated, "penalties", "PN-1", (json_int_t)cases.pn1, "PN-2",
        (json_int_t)cases.pn2);
    json_object_set_new(ind, "cases_overdue", json_integer(cases.cases_overdue));
    json_object_set_new(ind, "institutions_registered", json_integer(registered));
    json_object_set_new(ind, "institutions_subject_baseline",
                        baseline >= 0 ? json_integer(baseline) : json_null());
    json_object_set_new(ind, "institutions_subject_reduction",
                        baseline >= 0 ? json_integer(baseline - subject) : json_null());
    json_object_set_new(ind, "institutions_subject_reduction_share",
                        baseline > 0 ? json_real((double)red_bp / 10000.0) : json_null());
    json_object_set_new(ind, "baseline_date",
                        set.baseline_date[0] ? json_string(set.baseline_date) : json_null());
    if (school_id) {
        /* a school's own figures carry no district-wide institutions or escrow */
        json_object_del(ind, "institutions_subject");
        json_object_del(ind, "institutions_suspended");
        json_object_del(ind, "institutions_registered");
        json_object_del(ind, "escrow_fen");
        json_object_del(ind, "institutions_subject_baseline");
        json_object_del(ind, "institutions_subject_reduction");
        json_object_del(ind, "institutions_subject_reduction_share");
        json_object_del(ind, "baseline_date");
    }
    res =
        json_pack("{s:s,s:s,s:s,s:s,s:o,s:{s:I,s:I,s:s,s:s},s:o,s:o,s:o,s:b}", "from", from, "to",
                  to, "as_of", as_of, "policy_version", policy_version(pol), "school_days", jdays,
                  "rules", "median_tolerance_minutes", (json_int_t)pv->rp1_median_tolerance_minutes,
                  "min_minutes_per_day", (json_int_t)pv->as1_min_minutes_per_day, "summer_off_work",
                  off_s, "winter_off_work", off_w, "indicators", ind, "schools", jschools,
                  "institutions", jinst, "cases_available", cases.available);
    jschools = jinst = NULL;
    if (!res)
        rc = DB_ERROR;

out:
    if (!caller_tx)
        db_commit(c); /* a read transaction: nothing to keep, only the snapshot to end */
    for (size_t i = 0; acc && i < nschools; i++)
        json_decref(acc[i].over);
    json_decref(jschools);
    json_decref(jinst);
    free(acc);
    free(schools);
    free(med);
    free(h.over);
    free(progs);
    free(cnt);
    free(inst);
    if (rc == DB_OK)
        *out = res;
    else
        json_decref(res);
    return rc;
}
