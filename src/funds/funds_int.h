/*
 * funds_int.h: the reads the funds module's store gives its handlers (api.c): a contract as
 * the API shows it, the lists as pages ({"items","total"} as a value, NULL on a store error;
 * limit and offset from req_paging_or_reply), and the district's figures per institution
 * (store_supervision.c). Other modules and the demo include funds.h.
 */
#ifndef SJ_FUNDS_INT_H
#define SJ_FUNDS_INT_H

#include "funds/funds.h"

/* A contract with its figures, names (course, institution, pupil), close reason and times. */
json_t *fu_store_contract_json(db_conn *c, const funds_contract *k);

/* Whose contracts a caller lists: the district's (district staff), the ones of the
 * institutions they administer, or the ones of the pupils they guard. */
typedef enum { FU_SEE_DISTRICT = 0, FU_SEE_INSTITUTION, FU_SEE_GUARDIAN } fu_see;
/* key: the district (FU_SEE_DISTRICT) or the user; student_id, institution_id: 0 for any;
 * status: "" for any. Newest first, each with escrow_fen. */
json_t *fu_store_contracts(db_conn *c, fu_see who, int64_t key, int64_t student_id,
                           int64_t institution_id, const char *status, int64_t limit,
                           int64_t offset);
json_t *fu_store_contract_ledger(db_conn *c, int64_t contract_id, int64_t limit, int64_t offset);
json_t *fu_store_contract_lessons(db_conn *c, int64_t contract_id, int64_t limit, int64_t offset);

/* Refunds owed to families in the district: institution_id 0 for any; late: only those not
 * paid out with a due date before today. */
json_t *fu_store_refunds(db_conn *c, int64_t district_id, int64_t institution_id, bool late,
                         const char *today, int64_t limit, int64_t offset);
/* FU-4: an institution's risk deposits, newest first (page of {"items","total"}, NULL on a
 * store error), and what those in force on `today` cover against its escrow now. */
json_t *fu_store_risk_deposits(db_conn *c, int64_t institution_id, int64_t limit, int64_t offset);
typedef struct {
    int64_t deposit_fen, covers_prepaid_fen, escrow_fen;
} funds_cover;
int fu_store_risk_cover(db_conn *c, int64_t institution_id, const char *today,
                        funds_cover *out); /* DB_ROW, or a DB_ error */
json_t *fu_store_verifications(db_conn *c, int64_t district_id, int64_t limit, int64_t offset);
/* Checkpoints (district_id 0: every district's), newest first, as funds_checkpoint_json. */
json_t *fu_store_checkpoints(db_conn *c, int64_t district_id, int64_t limit, int64_t offset);

/* One institution's money and risk, as the district's summary, warnings and export show it. */
typedef struct {
    int64_t id;
    char name[256], category[16], state[16], list[8];
    int64_t paid, released, refunded, escrow, released_recent, open_contracts, contracts;
    funds_inst_stats st;
    int nwarn;
    funds_warning warn[FUNDS_MAX_WARNINGS];
} fu_inst_row;

/* Every institution of the district (institution_id 0) or one, largest escrow first, with its
 * warnings under pol (funds_risk_assess). DB_OK with *rows (the caller frees) and *n, or an
 * error. */
int fu_store_stats(db_conn *c, const policy *pol, int64_t district_id, int64_t institution_id,
                   fu_inst_row **rows, size_t *n);

#endif
