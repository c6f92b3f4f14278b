/*
 * api_public.c: the district's public page (宣传), no log-in: the notices the district or a
 * school marked public (policy explanations, 校外培训风险提示), the white and black lists of
 * institutions (read through the training module's contract, training.h), and FU-2's numbers
 * as the district's policy sets them ("never prepay more than 3 months or 60 class-hours").
 *
 *   GET /api/v1/public/publicity?district_id=D       the page's data (the first district
 *                                                    when D is not given)
 *   GET /api/v1/public/notices/{id}                  one public notice, whole
 *   GET /api/v1/public/notices/{id}/attachments/{id} a file of a public notice
 *
 * Nothing else of a notice is public: a notice that is not marked public is 404 here.
 */
#include <stdlib.h>

#include "core/policy_store.h"
#include "notices/notices_int.h"
#include "training/training.h"

#define NT_PUBLIC_LIST_MAX 200 /* institutions of each list on the page */

void notices_h_publicity(req *r)
{
    int64_t district_id = 0, limit, offset;
    if (!req_query_int64_or_reply(r, "district_id", 0, &district_id) ||
        !req_paging_or_reply(r, &limit, &offset))
        return;
    if (district_id < 0) {
        reply_err_field(r, SJ_ERR_BAD_FIELD, "district_id");
        return;
    }
    char name[160];
    int rc = nt_store_district(r->db, &district_id, name, sizeof name);
    if (rc != DB_ROW) {
        reply_err(r, rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    const policy *pol = policy_store_current(r->app->policies, r->db, district_id);
    json_t *notices = nt_store_public_notices(r->db, district_id, limit, offset);
    json_t *white =
        training_institutions_listed(r->db, district_id, "white", NT_PUBLIC_LIST_MAX, 0);
    json_t *black =
        training_institutions_listed(r->db, district_id, "black", NT_PUBLIC_LIST_MAX, 0);
    if (!notices || !white || !black || !pol) {
        json_decref(notices);
        json_decref(white);
        json_decref(black);
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    const policy_values *pv = policy_v(pol);
    reply_json(r, 200,
               json_pack("{s:{s:I,s:s},s:o,s:{s:o,s:o},s:{s:s,s:I,s:I,s:s,s:I}}", "district", "id",
                         (json_int_t)district_id, "name", name, "notices", notices, "institutions",
                         "white", white, "black", black, "prepay", "rule", "FU-2", "max_months",
                         (json_int_t)pv->fu2_max_months, "max_class_hours",
                         (json_int_t)pv->fu2_max_class_hours, "refund_rule", "FU-6",
                         "refund_within_days", (json_int_t)pv->fu6_refund_within_days));
}

/* A public notice; false after replying 404/500. */
static bool public_or_reply(req *r, int64_t id, nt_notice *n)
{
    int rc = nt_store_notice(r->db, id, n);
    if (rc != DB_ROW || !n->public_) {
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return false;
    }
    return true;
}

void notices_h_public_notice(req *r)
{
    nt_notice n;
    if (!public_or_reply(r, r->params[0], &n))
        return;
    json_t *o = nt_store_notice_json(r->db, n.id);
    if (!o) {
        reply_err(r, SJ_ERR_INTERNAL);
        return;
    }
    json_object_del(o, "school_id");
    json_object_set_new(o, "district_id", json_integer(n.district_id));
    reply_json(r, 200, o);
}

void notices_h_public_attachment(req *r)
{
    nt_notice n;
    if (!public_or_reply(r, r->params[0], &n))
        return;
    nt_file f = {0};
    int rc = nt_store_attachment(r->db, r->params[1], &f);
    if (rc != DB_ROW || f.notice_id != n.id) {
        free(f.data);
        reply_err(r, rc == DB_ROW || rc == DB_DONE ? SJ_ERR_NOT_FOUND : SJ_ERR_INTERNAL);
        return;
    }
    nt_reply_file(r, &f);
    free(f.data);
}
