/*
 * store_enforce.c: penalties (PN-1, PN-2) with their measures, and joint enforcement actions
 * (CS-4) with each department's task and answer. Each write owns its transaction.
 *
 * A penalty is decided and its measures applied in ONE transaction: the case's lock, then the
 * institution's (DB_LOCK_INSTITUTION), then what funds takes for the refunds (contracts in
 * ascending order, then the ledger). A refusal or a failure anywhere rolls everything back: no
 * penalty without its measures, no suspension without its refunds.
 */
#include <stdio.h>
#include <string.h>

#include "cases/cases_int.h"
#include "core/calendar.h"

verdict cases_penalty_decide(db_conn *c, const policy *pol, const cases_penalty_in *in,
                             cases_penalty_out *out)
{
    memset(out, 0, sizeof *out);
    verdict v = cases_penalty_check(pol, &in->p);
    if (!verdict_is_ok(&v))
        return v;
    cs_case k;
    int rc = cs_begin_case(c, in->case_id, &k);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    cs_institution inst = {0};
    if (in->institution_id) {
        rc = db_lock(c, DB_LOCK_INSTITUTION, in->institution_id);
        if (rc == DB_OK)
            rc = cs_ext_institution(c, in->institution_id, &inst);
        if (rc == DB_DONE || (rc == DB_ROW && inst.district_id != k.district_id))
            return cs_undo(c, verdict_err(SJ_ERR_NOT_FOUND, NULL));
        if (rc != DB_ROW)
            return cs_undo_rc(c, rc);
        if (strcmp(inst.state, "closed") == 0 &&
            (in->measures & (CASES_MEASURE(CASES_STOP) | CASES_MEASURE(CASES_REFUND)))) {
            v = verdict_err(SJ_ERR_INSTITUTION_INACTIVE, NULL);
            verdict_str(&v, "state", inst.state);
            return cs_undo(c, v);
        }
    }
    char today[11], measures[96] = "";
    cs_day(&in->by, today);
    for (int i = 0; cases_measures[i]; i++)
        if (in->measures & CASES_MEASURE(i)) {
            size_t l = strlen(measures);
            snprintf(measures + l, sizeof measures - l, "%s%s", l ? "," : "", cases_measures[i]);
        }
    const char *reason = in->p.pn2 ? "PN-2 处罚" : "PN-1 处罚";
    if (in->institution_id) {
        v = cases_apply_measures(c, pol, in->institution_id, in->measures, in->by.id, reason,
                                 &out->contracts_refunded, &out->refund_fen);
        if (!verdict_is_ok(&v))
            return cs_undo(c, v);
    }
    rc = db_insert_id(
        c, &out->id,
        "INSERT INTO case_penalties (district_id, case_id, institution_id, party, rule,"
        " serious, illegal_income_fen, fine_fen, measures, text, contracts_refunded,"
        " refund_fen, decided_on, decided_by, decided_at, policy_version)"
        " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING id",
        k.district_id, in->case_id, db_id_or_null(in->institution_id),
        in->party ? in->party : (in->institution_id ? inst.name : NULL),
        in->p.pn2 ? "PN-2" : "PN-1", (int64_t)in->p.serious, in->p.illegal_income_fen,
        in->p.fine_fen, measures, in->text, out->contracts_refunded, out->refund_fen, today,
        in->by.id, cs_at(&in->by), policy_version(pol));
    if (rc == DB_DONE)
        rc = cs_history(c, k.district_id, in->case_id, &in->by, "penalty", k.status,
                        json_pack("{s:I,s:s,s:I,s:s,s:I,s:I}", "penalty_id", (json_int_t)out->id,
                                  "rule", in->p.pn2 ? "PN-2" : "PN-1", "fine_fen",
                                  (json_int_t)in->p.fine_fen, "measures", measures,
                                  "contracts_refunded", (json_int_t)out->contracts_refunded,
                                  "refund_fen", (json_int_t)out->refund_fen));
    if (rc == DB_DONE && in->institution_id) {
        rc = cs_ext_institution(c, in->institution_id, &inst) == DB_ROW ? DB_DONE : DB_ERROR;
        snprintf(out->institution_state, sizeof out->institution_state, "%s", inst.state);
        snprintf(out->institution_list, sizeof out->institution_list, "%s", inst.list);
    }
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

verdict cases_enforcement_add(db_conn *c, const policy *pol, int64_t case_id, const char *date,
                              const char *place, const char *findings, const cases_dept_in *d,
                              size_t nd, const cases_actor *by, int64_t *id)
{
    /* CS-4: every department on the district's list, none twice */
    for (size_t i = 0; i < nd; i++) {
        if (!policy_strs_has(&policy_v(pol)->cs4_departments, d[i].department)) {
            verdict v = verdict_rule("unknown_department", "CS-4", "CS-4.unknown");
            verdict_str(&v, "department", d[i].department);
            verdict_num(&v, "index", (int64_t)i);
            return v;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(d[i].department, d[j].department) == 0) {
                verdict v = verdict_err(SJ_ERR_BAD_FIELD, "cases.department_twice");
                verdict_str(&v, "field", "departments");
                verdict_str(&v, "department", d[i].department);
                return v;
            }
    }
    cs_case k;
    int rc = cs_begin_case(c, case_id, &k);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    int64_t now = cs_at(by);
    rc = db_insert_id(c, id,
                      "INSERT INTO case_enforcements (district_id, case_id, date, place, findings,"
                      " created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
                      k.district_id, case_id, date, place, findings, by->id, now);
    json_t *names = json_array();
    for (size_t i = 0; rc == DB_DONE && i < nd; i++) {
        rc = db_run(c,
                    "INSERT INTO case_enforcement_departments (district_id, enforcement_id,"
                    " department, task, answer, answered_at) VALUES ($1,$2,$3,$4,$5,$6)",
                    k.district_id, *id, d[i].department, d[i].task, d[i].answer,
                    d[i].answer ? db_arg_int_(now) : DB_NULL);
        json_array_append_new(names, json_string(d[i].department));
    }
    if (rc == DB_DONE)
        rc = cs_history(c, k.district_id, case_id, by, "enforcement", k.status,
                        json_pack("{s:I,s:s,s:s,s:O}", "enforcement_id", (json_int_t)*id, "date",
                                  date, "place", place, "departments", names));
    json_decref(names);
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

verdict cases_enforcement_answer(db_conn *c, int64_t enforcement_id, const char *department,
                                 const char *answer, const cases_actor *by)
{
    int64_t case_id = 0;
    int rc = db_query_int64(c, &case_id, "SELECT case_id FROM case_enforcements WHERE id = $1",
                            enforcement_id);
    if (rc == DB_DONE)
        return verdict_err(SJ_ERR_NOT_FOUND, NULL);
    if (rc != DB_ROW)
        return verdict_db(rc);
    cs_case k;
    rc = cs_begin_case(c, case_id, &k);
    if (rc != DB_OK)
        return cs_undo_rc(c, rc);
    int64_t one = 0;
    rc = db_query_int64(c, &one,
                        "UPDATE case_enforcement_departments SET answer = $3, answered_at = $4"
                        " WHERE enforcement_id = $1 AND department = $2 RETURNING id",
                        enforcement_id, department, answer, cs_at(by));
    if (rc == DB_DONE) {
        verdict v = verdict_err(SJ_ERR_BAD_FIELD, "cases.department_not_in_action");
        verdict_str(&v, "field", "department");
        verdict_str(&v, "department", department);
        return cs_undo(c, v);
    }
    if (rc == DB_ROW)
        rc = cs_history(c, k.district_id, case_id, by, "enforcement_answer", k.status,
                        json_pack("{s:I,s:s}", "enforcement_id", (json_int_t)enforcement_id,
                                  "department", department));
    if (rc != DB_DONE)
        return cs_undo_rc(c, rc);
    return cs_commit(c);
}

int cs_store_enforcement_case(db_conn *c, int64_t enforcement_id, int64_t *case_id)
{
    return db_query_int64(c, case_id, "SELECT case_id FROM case_enforcements WHERE id = $1",
                          enforcement_id);
}

json_t *cs_store_institution_penalties(db_conn *c, int64_t institution_id, int64_t limit,
                                       int64_t offset)
{
    return db_list_page(
        c,
        "SELECT id, rule, serious, fine_fen, measures, decided_on FROM case_penalties"
        " WHERE institution_id = $1 ORDER BY decided_on DESC, id DESC",
        "SELECT COUNT(*) FROM case_penalties WHERE institution_id = $1",
        "id:i,rule:s,serious:b,fine_fen:i,measures:s,decided_on:s", limit, offset, institution_id);
}
