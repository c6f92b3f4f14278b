/*
 * store.c: the reports module's own tables (migrations/0500_reports.sql) for the half-monthly
 * report: the district's settings and every submitted revision; and reports_half_monthly, the
 * report as GET answers it (a draft from compute.c, or a revision as it was stored).
 *
 * Submissions are append-only: revision N+1 is a new row, nothing is ever updated, so a
 * submitted report answers the same bytes for ever. reports_submit owns its transaction: it
 * reads the latest revision and inserts the next one; UNIQUE (district_id, period, revision)
 * settles two submissions racing for the same number (the loser's insert fails and it answers
 * 409, as if it had come second).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "reports/reports_int.h"

/* ---------- settings ---------- */

int rp_store_settings(db_conn *c, int64_t district_id, rp_settings *out, char since[11])
{
    memset(out, 0, sizeof *out);
    out->baseline_subject_institutions = -1;
    since[0] = 0;
    db_stmt *s = db_query(c,
                          "SELECT d.created_at, r.since, r.baseline_date,"
                          " r.baseline_subject_institutions FROM rp_districts d"
                          " LEFT JOIN report_settings r ON r.district_id = d.id WHERE d.id = $1",
                          district_id);
    if (!s)
        return DB_ERROR;
    int rc = db_step(s);
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        int64_t created = db_next_int64(&row);
        DB_NEXT_TEXT(&row, out->since);
        DB_NEXT_TEXT(&row, out->baseline_date);
        if (db_next_isnull(&row))
            db_next_skip(&row);
        else
            out->baseline_subject_institutions = db_next_int64(&row);
        if (out->since[0])
            snprintf(since, 11, "%s", out->since);
        else
            unix_date(created, since);
    }
    db_finalize(s);
    return rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_ERROR : rc;
}

/* Rolls back and hands on the verdict: every refusal or failure of a write ends here. */
static verdict undo(db_conn *c, verdict v)
{
    db_rollback(c);
    return v;
}

verdict reports_settings_put(db_conn *c, int64_t district_id, const rp_settings *in, int64_t actor)
{
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_run(c,
                    "INSERT INTO report_settings (district_id, since, baseline_date,"
                    " baseline_subject_institutions, updated_at, updated_by)"
                    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (district_id) DO UPDATE SET"
                    " since = $2, baseline_date = $3, baseline_subject_institutions = $4,"
                    " updated_at = $5, updated_by = $6",
                    district_id, in->since[0] ? in->since : NULL,
                    in->baseline_date[0] ? in->baseline_date : NULL,
                    in->baseline_subject_institutions >= 0
                        ? db_arg_int_(in->baseline_subject_institutions)
                        : DB_NULL,
                    now_unix(), actor);
    if (rc != DB_DONE || db_commit(c) != DB_OK)
        return undo(c, verdict_db(rc == DB_DONE ? DB_ERROR : rc));
    return verdict_ok();
}

/* ---------- submissions ---------- */

char *rp_canonical(const json_t *figures, char digest[65])
{
    char *text = json_dumps(figures, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    if (!text)
        abort();
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
    sodium_bin2hex(digest, 65, h, sizeof h);
    return text;
}

int rp_store_submission(db_conn *c, int64_t district_id, const char *period, int revision,
                        rp_submission *out)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_query(c,
                          "SELECT id, revision, figures, digest, revision_reason, submitted_by,"
                          " submitted_by_name, submitted_at FROM report_submissions"
                          " WHERE district_id = $1 AND period = $2 AND ($3 = 0 OR revision = $3)"
                          " ORDER BY revision DESC LIMIT 1",
                          district_id, period, revision);
    db_row row;
    int rc = db_first_row(s, &row);
    if (rc == DB_ROW) {
        out->id = db_next_int64(&row);
        out->revision = (int)db_next_int64(&row);
        out->figures = strdup(db_next_text_ref(&row));
        if (!out->figures)
            abort();
        DB_NEXT_TEXT(&row, out->digest);
        DB_NEXT_TEXT(&row, out->reason);
        out->submitted_by = db_next_int64(&row);
        DB_NEXT_TEXT(&row, out->submitted_by_name);
        out->submitted_at = db_next_int64(&row);
        snprintf(out->period, sizeof out->period, "%s", period);
    }
    db_finalize(s);
    return rc;
}

void rp_submission_cleanup(rp_submission *s)
{
    free(s->figures);
    s->figures = NULL;
}

verdict reports_submit(db_conn *c, const rp_submit_in *in, int *revision, int64_t *submitted_at)
{
    int64_t latest = 0;
    int rc = db_begin_write(c);
    if (rc == DB_OK)
        rc = db_query_int64(c, &latest,
                            "SELECT COALESCE(MAX(revision), 0) FROM report_submissions"
                            " WHERE district_id = $1 AND period = $2",
                            in->district_id, in->period);
    if (rc != DB_ROW)
        return undo(c, verdict_db(rc));
    if (latest > 0 && !in->reason) {
        verdict v = verdict_refuse(SJ_ERR_CONFLICT, "already_submitted", "RP-1",
                                   "reports.already_submitted");
        verdict_str(&v, "period", in->period);
        verdict_num(&v, "revision", latest);
        return undo(c, v);
    }
    *revision = (int)latest + 1;
    *submitted_at = in->submitted_at ? in->submitted_at : now_unix();
    rc = db_run(c,
                "INSERT INTO report_submissions (district_id, period, revision, figures, digest,"
                " revision_reason, submitted_by, submitted_by_name, submitted_at)"
                " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                in->district_id, in->period, *revision, in->figures, in->digest,
                latest > 0 ? in->reason : NULL, in->actor, in->actor_name, *submitted_at);
    if (rc == DB_CONSTRAINT) {
        /* another submission took this revision's number first */
        verdict v = in->reason ? verdict_err(SJ_ERR_CONFLICT, "reports.revision_race")
                               : verdict_refuse(SJ_ERR_CONFLICT, "already_submitted", "RP-1",
                                                "reports.already_submitted");
        verdict_str(&v, "period", in->period);
        return undo(c, v);
    }
    if (rc != DB_DONE || db_commit(c) != DB_OK)
        return undo(c, verdict_db(rc == DB_DONE ? DB_ERROR : rc));
    return verdict_ok();
}

json_t *rp_store_revisions(db_conn *c, int64_t district_id, const char *period, int64_t limit,
                           int64_t offset)
{
    json_t *page = db_list_page(
        c,
        "SELECT revision, submitted_at, submitted_by, submitted_by_name, digest, revision_reason"
        " FROM report_submissions WHERE district_id = $1 AND period = $2 ORDER BY revision DESC",
        "SELECT COUNT(*) FROM report_submissions WHERE district_id = $1 AND period = $2",
        "revision:i,submitted_at:i,submitted_by:i,submitted_by_name:s,digest:s,revision_reason:S",
        limit, offset, district_id, period);
    /* timestamps as RFC 3339, the submitter as an object */
    json_t *it;
    size_t i;
    json_array_foreach(json_object_get(page, "items"), i, it)
    {
        char at[32];
        unix_rfc3339(json_integer_value(json_object_get(it, "submitted_at")), at);
        json_object_set_new(it, "submitted_at", json_string(at));
        json_object_set_new(it, "submitted_by",
                            json_pack("{s:O,s:O}", "id", json_object_get(it, "submitted_by"),
                                      "name", json_object_get(it, "submitted_by_name")));
        json_object_del(it, "submitted_by_name");
    }
    return page;
}

json_t *rp_store_submitted(db_conn *c, int64_t district_id, const char *first, const char *last)
{
    db_stmt *s = db_query(c,
                          "SELECT period, revision, submitted_at, digest FROM report_submissions"
                          " WHERE district_id = $1 AND period >= $2 AND period <= $3"
                          " ORDER BY period, revision",
                          district_id, first, last);
    if (!s)
        return NULL;
    json_t *map = json_object();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        char at[32];
        unix_rfc3339(db_col_int64(s, 2), at);
        json_object_set_new(map, db_col_text(s, 0),
                            json_pack("{s:I,s:s,s:s}", "revision", (json_int_t)db_col_int64(s, 1),
                                      "submitted_at", at, "digest", db_col_text(s, 3)));
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(map);
        return NULL;
    }
    return map;
}

/* ---------- the report as GET answers it ---------- */

/* The submission's figures with what was recorded of it. */
static json_t *submitted_json(const rp_submission *sub, const rp_period *p, int revisions)
{
    json_error_t err;
    json_t *o = json_loads(sub->figures, 0, &err);
    if (!json_is_object(o)) {
        json_decref(o);
        return NULL;
    }
    char at[32], day[11];
    unix_rfc3339(sub->submitted_at, at);
    unix_date(sub->submitted_at, day);
    json_object_set_new(o, "status", json_string("submitted"));
    json_object_set_new(o, "late", json_false());
    json_object_set_new(o, "submitted_late", json_boolean(strcmp(day, p->due) > 0));
    json_object_set_new(o, "revision", json_integer(sub->revision));
    json_object_set_new(o, "revisions", json_integer(revisions));
    json_object_set_new(o, "submitted_at", json_string(at));
    json_object_set_new(o, "submitted_by",
                        json_pack("{s:I,s:s}", "id", (json_int_t)sub->submitted_by, "name",
                                  sub->submitted_by_name));
    json_object_set_new(o, "digest", json_string(sub->digest));
    json_object_set_new(o, "revision_reason",
                        sub->reason[0] ? json_string(sub->reason) : json_null());
    return o;
}

int rp_draft_figures(db_conn *c, const policy *pol, int64_t district_id, const rp_period *p,
                     const char *today, bool caller_tx, json_t **out)
{
    /* overdue cases count as of the period's last day, or today while it runs */
    const char *as_of = strcmp(today, p->to) < 0 ? today : p->to;
    int rc = rp_compute(c, pol, district_id, 0, p->from, p->to, as_of, caller_tx, out);
    if (rc != DB_OK)
        return rc;
    char now[32];
    now_rfc3339(now);
    json_object_set_new(*out, "period", json_string(p->id));
    json_object_set_new(*out, "due_date", json_string(p->due));
    json_object_set_new(*out, "computed_at", json_string(now));
    return DB_OK;
}

int reports_half_monthly(db_conn *c, const policy *pol, int64_t district_id, const rp_period *p,
                         const char *today, int revision, json_t **out)
{
    *out = NULL;
    rp_submission sub;
    int64_t revisions = 0;
    int rc = db_query_int64(c, &revisions,
                            "SELECT COALESCE(MAX(revision), 0) FROM report_submissions"
                            " WHERE district_id = $1 AND period = $2",
                            district_id, p->id);
    if (rc != DB_ROW)
        return rc;
    if (revision != RP_DRAFT && revisions > 0) {
        rc = rp_store_submission(c, district_id, p->id, revision, &sub);
        if (rc == DB_ROW) {
            *out = submitted_json(&sub, p, (int)revisions);
            rp_submission_cleanup(&sub);
            return *out ? DB_OK : DB_ERROR;
        }
        if (rc != DB_DONE)
            return rc;
    }
    if (revision > 0)
        return DB_DONE;
    rc = rp_draft_figures(c, pol, district_id, p, today, false, out);
    if (rc != DB_OK)
        return rc;
    json_object_set_new(*out, "status", json_string("draft"));
    json_object_set_new(*out, "late", json_boolean(reports_period_late(p, today, revisions > 0)));
    json_object_set_new(*out, "revisions", json_integer(revisions));
    return DB_OK;
}

int reports_settings_get(db_conn *c, int64_t district_id, rp_settings *out, char since[11])
{
    return rp_store_settings(c, district_id, out, since);
}
