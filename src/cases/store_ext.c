/*
 * store_ext.c: the one file of the cases module that calls other modules: training (an
 * institution, its state and list) and funds (a contract, the refund of every open contract),
 * through their contract headers only. When their contracts change, this file is what adapts.
 *
 *   cs_ext_institution      an institution of the registry (training_institution_get)
 *   cs_ext_contract         a prepaid contract (funds_contract_load)
 *   cases_apply_measures    a penalty's measures, inside the penalty's transaction:
 *                           stop      -> training_institution_state_set_in_tx(suspended)
 *                           refund    -> funds_institution_refund_all_in_tx (every open
 *                                        contract's escrow back to its guardian through the
 *                                        ledger)
 *                           blacklist -> training_institution_list_set_in_tx(black) (TR-7)
 *
 * Lock order (funds.h): the caller holds DB_LOCK_INSTITUTION; funds takes the contracts' locks
 * in ascending order and then the ledger's.
 */
#include <stdio.h>
#include <string.h>

#include "cases/cases_int.h"
#include "funds/funds.h"
#include "training/training.h"

int cs_ext_institution(db_conn *c, int64_t id, cs_institution *out)
{
    training_institution in;
    int rc = training_institution_get(c, id, &in);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = in.id;
        out->district_id = in.district_id;
        snprintf(out->name, sizeof out->name, "%s", in.name);
        snprintf(out->state, sizeof out->state, "%s", in.state);
        snprintf(out->list, sizeof out->list, "%s", in.list);
    }
    return rc;
}

int cs_ext_contract(db_conn *c, int64_t id, cs_contract *out)
{
    funds_contract fc;
    int rc = funds_contract_load(c, id, &fc);
    if (rc == DB_ROW)
        *out = (cs_contract){.id = fc.id,
                             .district_id = fc.district_id,
                             .institution_id = fc.institution_id,
                             .student_id = fc.student_id,
                             .guardian_id = fc.guardian_id};
    return rc;
}

verdict cases_apply_measures(db_conn *c, const policy *pol, int64_t institution_id,
                             unsigned measures, int64_t actor, const char *reason,
                             int64_t *contracts_refunded, int64_t *refund_fen)
{
    verdict v = verdict_ok();
    *contracts_refunded = *refund_fen = 0;
    if (measures & CASES_MEASURE(CASES_REFUND)) {
        funds_refunds fr;
        v = funds_institution_refund_all_in_tx(c, pol, institution_id, actor, reason, &fr);
        *contracts_refunded = fr.contracts;
        *refund_fen = fr.refund_fen;
    }
    if (verdict_is_ok(&v) && (measures & CASES_MEASURE(CASES_STOP)))
        v = training_institution_state_set_in_tx(c, institution_id, "suspended", reason, 0);
    if (verdict_is_ok(&v) && (measures & CASES_MEASURE(CASES_BLACKLIST)))
        v = training_institution_list_set_in_tx(c, institution_id, "black", reason, 0);
    return v;
}
