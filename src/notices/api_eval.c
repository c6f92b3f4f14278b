/*
 * api_eval.c: families' evaluations of after-school programs (NT-2), the handlers the route
 * table of api.c names.
 *
 *   POST /api/v1/afterschool/programs/{id}/evaluations   {"student_id","score","text"?}: the
 *        guardian of a pupil enrolled in it, once a term (409 already_evaluated); 403 otherwise
 *   GET  /api/v1/afterschool/programs/{id}/evaluations   {"count","average","items":[{"score",
 *        "text","at"}],"total","flagged"}: no names (the school's staff, the district)
 *   GET  /api/v1/afterschool/evaluations/mine?term=T     a guardian's children's programs and
 *        what the family said of each (the form on their after-school page)
 *   GET  /api/v1/afterschool/evaluations/programs?school_id=S&term=T&flagged=true
 *        count and average per program of a school (its staff) or of the district (district
 *        staff, school_id optional), with NT-2's flag
 *   GET  /api/v1/afterschool/evaluations/schools?term=T  the district's averages per school
 *
 * The term defaults to the one holding today. An evaluation is the program's term's: one per
 * pupil per program per term.
 */
#include <string.h>

#include "core/calendar.h"
#include "notices/notices_int.h"

#define NT_TEXT_MAX 500

/* A program of the caller's district; false after replying 404/500. */
static bool program_or_reply(req *r, int64_t id, nt_program *p)
{
    int rc = nt_store_program(r->db, id, p);
    if (rc != DB_ROW || p->district_id != r->user->district_id) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

/* ?term=T, or the term holding today; false after replying 400. */
static bool term_or_reply(req *r, char term[16])
{
    const char *q = req_query(r, "term");
    if (q && !term_valid(q)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return false;
    }
    if (q) {
        memcpy(term, q, strlen(q) + 1);
    } else {
        char today[11];
        today_local(today);
        term_of_date(today, term);
    }
    return true;
}

static json_t *flag_rule_json(req *r)
{
    const policy_values *pv = policy_v(r->pol);
    return json_pack("{s:s,s:I,s:I}", "rule", "NT-2", "flag_average_below",
                     (json_int_t)pv->nt2_flag_average_below, "flag_min_evaluations",
                     (json_int_t)pv->nt2_flag_min_evaluations);
}

void notices_h_evaluate(req *r)
{
    nt_program p;
    if (!program_or_reply(r, r->params[0], &p))
        return;
    /* the path's program first: a family with no child in it is refused before the body */
    if (!nt_store_family_in_program(r->db, p.id, r->user->id)) {
        verdict v = verdict_err(SJ_ERR_FORBIDDEN, "notices.not_enrolled");
        reply_verdict(r, &v, NULL);
        return;
    }
    int64_t student_id, score;
    const char *text = NULL;
    if (!body_require_object_or_reply(r) ||
        !body_int_or_reply(r, "student_id", 1, INT64_MAX, true, &student_id) ||
        !body_int_or_reply(r, "score", INT64_MIN, INT64_MAX, true, &score) ||
        !body_str_or_reply(r, "text", NT_TEXT_MAX, false, &text))
        return;
    if (!auth_guardian_of(r, student_id) || !nt_store_enrolled(r->db, p.id, student_id)) {
        verdict v = verdict_err(SJ_ERR_FORBIDDEN, "notices.not_enrolled");
        verdict_str(&v, "field", "student_id");
        reply_verdict(r, &v, NULL);
        return;
    }
    nt_eval_in in = {.district_id = p.district_id,
                     .school_id = p.school_id,
                     .program_id = p.id,
                     .student_id = student_id,
                     .guardian_id = r->user->id,
                     .score = score,
                     .term = p.term,
                     .text = text,
                     .at = now_unix()};
    int64_t id = 0;
    verdict v = notices_evaluate(r->db, r->pol, &in, &id);
    if (!verdict_is_ok(&v)) {
        reply_verdict(r, &v, NULL);
        return;
    }
    r->audit_target = id;
    reply_json(r, 201,
               json_pack("{s:I,s:I,s:I,s:s,s:I}", "id", (json_int_t)id, "program_id",
                         (json_int_t)p.id, "student_id", (json_int_t)student_id, "term", p.term,
                         "score", (json_int_t)score));
}

void notices_h_program_evaluations(req *r)
{
    nt_program p;
    int64_t limit, offset, count = 0, sum = 0;
    if (!program_or_reply(r, r->params[0], &p))
        return;
    if (!auth_school_staff(r->user, p.school_id)) {
        reply_err(r, SJ_ERR_FORBIDDEN);
        return;
    }
    if (!req_paging_or_reply(r, &limit, &offset))
        return;
    json_t *page = nt_store_program_evaluations(r->db, p.id, p.term, limit, offset, &count, &sum);
    if (!page) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_object_set_new(page, "program_id", json_integer(p.id));
    json_object_set_new(page, "program_name", json_string(p.name));
    json_object_set_new(page, "term", json_string(p.term));
    json_object_set_new(page, "count", json_integer(count));
    json_object_set_new(page, "average", nt_average_json(count, sum));
    json_object_set_new(page, "flagged", json_boolean(notices_eval_flagged(r->pol, count, sum)));
    json_object_update_new(page, flag_rule_json(r));
    reply_json(r, 200, page);
}

void notices_h_family_evaluations(req *r)
{
    const char *q = req_query(r, "term");
    if (q && !term_valid(q)) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "term");
        return;
    }
    json_t *page = nt_store_family_programs(r->db, r->user->id, q);
    if (page) {
        const policy_values *pv = policy_v(r->pol);
        json_object_set_new(page, "score_min", json_integer(pv->nt2_score_min));
        json_object_set_new(page, "score_max", json_integer(pv->nt2_score_max));
    }
    reply_page(r, page);
}

typedef struct {
    req *r;
    json_t *items;
    int64_t seen, limit, offset; /* rows seen, and the page kept (school_row) */
} collect;

static void program_row(void *arg, const nt_eval_row *x)
{
    collect *k = arg;
    json_array_append_new(
        k->items,
        json_pack("{s:I,s:s,s:I,s:s,s:I,s:o,s:b}", "program_id", (json_int_t)x->program_id, "name",
                  x->name, "school_id", (json_int_t)x->school_id, "school_name", x->school_name,
                  "count", (json_int_t)x->count, "average", nt_average_json(x->count, x->sum),
                  "flagged", notices_eval_flagged(k->r->pol, x->count, x->sum)));
}

void notices_h_eval_programs(req *r)
{
    int64_t school_id = 0, limit, offset, total = 0;
    char term[16];
    if (!req_query_int64_or_reply(r, "school_id", 0, &school_id) || !term_or_reply(r, term) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    if (school_id) {
        if (!auth_school_staff_or_reply(r, school_id))
            return;
    } else if (!auth_district_staff(r->user)) {
        reply_err_field(r, SJ_ERR_MISSING_FIELD, "school_id");
        return;
    }
    const char *f = req_query(r, "flagged");
    const policy_values *pv = policy_v(r->pol);
    collect k = {r, json_array(), 0, 0, 0};
    int rc = nt_store_program_summaries(r->db, r->user->district_id, school_id, term,
                                        f && strcmp(f, "true") == 0, pv->nt2_flag_min_evaluations,
                                        pv->nt2_flag_average_below, limit, offset, program_row, &k,
                                        &total);
    if (rc != DB_DONE) {
        json_decref(k.items);
        reply_db(r, rc);
        return;
    }
    json_t *o = list_json(k.items, total);
    json_object_set_new(o, "term", json_string(term));
    json_object_update_new(o, flag_rule_json(r));
    reply_json(r, 200, o);
}

static void school_row(void *arg, const nt_school_row *x)
{
    collect *k = arg;
    if (k->seen++ < k->offset || (int64_t)json_array_size(k->items) >= k->limit)
        return;
    json_array_append_new(
        k->items,
        json_pack("{s:I,s:s,s:I,s:I,s:o,s:I}", "school_id", (json_int_t)x->school_id, "name",
                  x->name, "programs", (json_int_t)x->programs, "count", (json_int_t)x->count,
                  "average", nt_average_json(x->count, x->sum), "flagged", (json_int_t)x->flagged));
}

void notices_h_eval_schools(req *r)
{
    char term[16];
    int64_t limit, offset;
    if (!term_or_reply(r, term) || !req_paging_or_reply(r, &limit, &offset))
        return;
    const policy_values *pv = policy_v(r->pol);
    collect k = {r, json_array(), 0, limit, offset};
    int rc =
        nt_store_school_summaries(r->db, r->user->district_id, term, pv->nt2_flag_min_evaluations,
                                  pv->nt2_flag_average_below, school_row, &k);
    if (rc != DB_DONE) {
        json_decref(k.items);
        reply_db(r, rc);
        return;
    }
    json_t *o = list_json(k.items, k.seen);
    json_object_set_new(o, "term", json_string(term));
    json_object_update_new(o, flag_rule_json(r));
    reply_json(r, 200, o);
}
