/*
 * funds.h: the funds module's contract: prepaid contracts (FU-2, FU-3), the escrow ledger
 * (FU-4..FU-6) and its supervision (reconciliation, risk warnings, the district's view).
 *
 * The module's parts: rules.c (pure), ledger.c (posting and verifying the ledger),
 * checkpoint.c (signed checkpoints), store.c (contracts and every write that moves money),
 * store_supervision.c (the lists and the district's figures), api.c (handlers: parse,
 * authorise, call, reply), demo.c.
 *
 * API:
 *   Pure rules (rules.c), each a verdict (core/verdict.h) whose words are rows of
 *   core/messages.c ("FU-2.class_hours", "funds.overpayment"...):
 *     funds_prepay_check      FU-2: class-hours and months over the pupil's open contracts
 *     funds_charge_check      FU-3: the non-subject cap per charge
 *     funds_payment_check     a payment against what the contract still owes
 *     funds_lesson_check      a lesson against lessons left and the escrow
 *     funds_refund_check      a refund of an open contract
 *     funds_entry_hash        the hash of one ledger entry (BLAKE2b over prev hash + content)
 *     funds_risk_assess       risk warnings for one institution
 *   Ledger (ledger.c):
 *     funds_ledger_post       one movement (payment, release, refund) as entries summing to 0
 *     funds_verify_anchored   the chain, every movement and every contract re-checked, and the
 *                             ledger against its signed checkpoints
 *   Checkpoints (checkpoint.c): funds_checkpoint_take (sign the head with a key kept outside
 *     the database), the key files, checkpoints to and from JSON.
 *   Writes (store.c), each a verdict, each owning its transaction (see TRANSACTIONS below):
 *     funds_contract_sign, funds_payment, funds_lesson, funds_contract_refund,
 *     funds_institution_refund_all, funds_institution_state_set, funds_refund_paid_out.
 *   Reads (store.c): funds_contract_load.
 *   Routes (api.c): funds_routes.
 *
 * THE LEDGER'S INVARIANTS (checked by funds_verify):
 *   1. Append-only: rows of ledger_entries are never updated or deleted (triggers refuse it on
 *      both backends, made by the migrations 0313_ledger_guard.{sqlite,pg}.sql); any edit made
 *      anyway breaks the hash chain.
 *   2. A district's entries are numbered seq = 1, 2, 3 ... without gaps; entry n carries
 *      prev_hash = hash of entry n-1 (64 zeros for entry 1) and hash = BLAKE2b-256 over
 *      prev_hash and its canonical content; ledger_heads holds the last seq and hash.
 *   3. Every movement (txn) is two entries that sum to zero: payment = escrow +a, guardian -a;
 *      release = escrow -a, institution +a; refund = escrow -a, guardian +a; a > 0.
 *   4. A contract's escrow (sum of its escrow entries) never goes below zero, in seq order.
 *      paid = released + refunded + escrow; paid <= amount_fen; released = lessons delivered
 *      x price per lesson; a closed contract holds no escrow.
 *   5. Every checkpoint (ledger_checkpoints, append-only) is signed by a trusted key, and the
 *      entry at its count still carries the head hash it signed.
 *   No balance is stored: every figure the API shows is a sum over ledger_entries.
 *
 * LOCKS: a movement holds DB_LOCK_CONTRACT(contract id) and then DB_LOCK_LEDGER(district id),
 * always in that order; a step that touches several contracts (closing an institution) takes
 * DB_LOCK_INSTITUTION first, then its contracts' locks in ascending id order, then the ledger's.
 * Signing a contract takes DB_LOCK_INSTITUTION, then DB_LOCK_STUDENT. SQLite serialises every
 * write transaction anyway; on PostgreSQL these advisory locks do.
 *
 * TRANSACTIONS: each write owns its transaction: begin, lock (in the order above), load the
 * figures that decide it under the locks, check them with the pure rule, write, commit; on a
 * refusal or a failure it rolls back and returns the verdict, nothing written. Its _in_tx twin
 * runs inside the caller's write transaction and neither commits nor rolls back (on a
 * refusal or a failure the caller rolls back). The twins of the movements on one contract
 * take the contract as loaded by the caller under its lock (or by a caller alone in the
 * database: the demo) and keep its figures current; funds_institution_refund_all_in_tx and
 * funds_institution_state_set_in_tx take their locks themselves (advisory locks a transaction
 * holds already are taken again at no cost), so another module's step (a penalty that stops
 * an institution) can refund every open contract inside its own transaction.
 */
#ifndef SJ_FUNDS_H
#define SJ_FUNDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "training/training.h"

#define FUNDS_HASH_HEX 65 /* 32-byte BLAKE2b, hex, NUL */

/* ---------- contracts ---------- */

typedef struct {
    int64_t id, district_id, institution_id, course_id, student_id, guardian_id;
    int64_t lessons, price_per_lesson_fen, amount_fen;
    char start_date[11], end_date[11];
    bool open;
    bool subject_based;
    /* derived from the ledger and the lessons delivered */
    int64_t paid_fen, released_fen, refunded_fen, escrow_fen;
    int64_t lessons_delivered;
} funds_contract;

/* A contract's dates and lessons, for FU-2. */
typedef struct {
    const char *start_date;
    const char *end_date;
    int64_t lessons;
} funds_span;

/*
 * FU-2: the lessons of every open contract of the pupil with the institution plus the new
 * one may not pass max_class_hours, and the period from the earliest start to the latest end
 * must fit in max_months: the end comes before the same day of the month max_months after the
 * start (the month's last day standing in for a missing day). Refusal: prepay_over_limit
 * with limit_class_hours, used_class_hours, requested_class_hours, or with limit_months,
 * start_date, end_date, latest_end_date (the last end date allowed) and used_class_hours.
 */
verdict funds_prepay_check(const policy *pol, const funds_span *want, const funds_span *open,
                           size_t nopen);
/* FU-3: a non-subject contract's amount may not pass non_subject_max_charge_fen:
 * charge_over_cap with limit_fen and amount_fen. */
verdict funds_charge_check(const policy *pol, bool subject_based, int64_t amount_fen);

/* A payment of amount_fen: contract_closed (409), or overpayment (422) past what is owed, with
 * amount_fen, paid_fen, owed_fen, requested_fen. */
verdict funds_payment_check(const funds_contract *c, int64_t amount_fen);
/* One lesson: no_lessons_left (422, with lessons and lessons_delivered) first, since the last
 * lesson closes a contract; then contract_closed (409); then insufficient_escrow (422, with
 * escrow_fen and price_per_lesson_fen) when the escrow holds less than one lesson's price. */
verdict funds_lesson_check(const funds_contract *c);
/* A refund of what is left: contract_closed (409) when the contract is closed already. */
verdict funds_refund_check(const funds_contract *c);

/* ---------- the ledger ---------- */

typedef enum { FUNDS_PAYMENT = 0, FUNDS_RELEASE, FUNDS_REFUND } funds_kind;

const char *funds_kind_name(funds_kind k);

typedef struct {
    int64_t district_id, seq, txn;
    const char *kind;    /* payment | release | refund */
    const char *account; /* guardian | escrow | institution */
    int64_t account_id, contract_id, amount_fen, actor, at;
} funds_entry;

/* hash = hex(BLAKE2b-256("sj-ledger-v1|" prev "|" district "|" seq "|" txn "|" kind "|"
 * account "|" account_id "|" contract_id "|" amount "|" actor "|" at)), integers in decimal. */
void funds_entry_hash(const char *prev_hex, const funds_entry *e, char out[FUNDS_HASH_HEX]);

/*
 * Posts one movement of amount_fen (> 0) for contract c inside the caller's write
 * transaction, after the caller took DB_LOCK_CONTRACT(c->id) and checked the movement is
 * allowed. Takes DB_LOCK_LEDGER itself. OUT: *txn (may be NULL). Returns DB_DONE or an error;
 * on an error the caller rolls back.
 */
int funds_ledger_post(db_conn *db, const funds_contract *c, funds_kind kind, int64_t amount_fen,
                      int64_t actor, int64_t at, int64_t *txn);

#define FUNDS_VERIFY_PROBLEMS 10

typedef struct {
    bool ok;
    bool guarded; /* the append-only trigger is in place */
    int64_t entries, movements, contracts;
    int64_t escrow_fen, paid_fen, released_fen, refunded_fen;
    int64_t head_seq;
    char head_hash[FUNDS_HASH_HEX]; /* publish it elsewhere to anchor the chain */
    int nproblems;                  /* problems found; the first FUNDS_VERIFY_PROBLEMS are kept */
    char problems[FUNDS_VERIFY_PROBLEMS][200];
    /* the checkpoints (checkpoint.c) */
    bool keys_configured;      /* a public key to check signatures against */
    int64_t checkpoints;       /* stored for the district */
    int64_t checkpoints_valid; /* of those: signed by a trusted key and matching the ledger */
    int64_t copy_checkpoints;  /* checked from a copy kept elsewhere */
    int64_t copy_valid;
    int64_t anchored_entries; /* the largest count a valid checkpoint vouches for (0: none) */
    int64_t anchored_at;      /* when that checkpoint was signed (0: none) */
} funds_verify_result;

/* ---------- signed checkpoints (checkpoint.c) ---------- */

/*
 * A checkpoint vouches for the ledger as it was: its entry count and head hash, with the time
 * and the district, signed with an Ed25519 key that never enters the database. It answers the
 * one who can write the database file: without it, deleting the last movements and moving the
 * head back, or changing amounts and recomputing every hash, leaves a chain that verifies.
 * With it, verify requires every checkpoint's signature to be good under a trusted public key,
 * the ledger to hold at least its count of entries, and the entry at that count to carry the
 * signed hash (which, through the chain, vouches for every entry before it). Movements after
 * the latest checkpoint are vouched for by nothing yet: take one daily.
 *
 * Files: the signing key holds the 32-byte Ed25519 seed as 64 hex digits (mode 0600); the
 * public key file holds one public key a line, 64 hex digits ('#' starts a comment), the first
 * the current one, older ones kept after a key change so their checkpoints still verify.
 */
#define FUNDS_KEY_HEX           65  /* 32-byte public key, hex, NUL */
#define FUNDS_SIG_HEX           129 /* 64-byte signature, hex, NUL */
#define FUNDS_MAX_KEYS          16
#define FUNDS_CHECKPOINT_PREFIX "sj-ledger-checkpoint-v1"

typedef struct {
    int64_t id, district_id, entries, at;
    char head_hash[FUNDS_HASH_HEX];
    char public_key[FUNDS_KEY_HEX];
    char signature[FUNDS_SIG_HEX];
} funds_checkpoint;

typedef struct {
    unsigned char keys[FUNDS_MAX_KEYS][32];
    size_t n;
} funds_keyring;

/* What verify checks the ledger against besides its own rows. */
typedef struct {
    const funds_keyring *ring;    /* trusted public keys; NULL or empty: none configured */
    const funds_checkpoint *copy; /* checkpoints kept elsewhere (verify --checkpoints) */
    size_t ncopy;
} funds_anchor;

/* The signed text: "sj-ledger-checkpoint-v1|district|entries|head_hash|at". */
void funds_checkpoint_message(const funds_checkpoint *c, char *out, size_t len);

/* Loads the signing key (the Ed25519 seed, 64 hex digits) from path. When the file does not
 * exist and `create` is set, makes a new one (mode 0600, never over an existing file) and sets
 * *created. Refuses a file that others may read. OUT: sk, pk. */
bool funds_sign_key_load(const char *path, bool create, unsigned char sk[64], unsigned char pk[32],
                         bool *created, char *err, size_t errlen);

/* The trusted public keys: the lines of pub_path; when that file does not exist, the public
 * half of the signing key at sign_path when that exists; else none (ring->n = 0). Either path
 * may be NULL or "". false (with err) on a malformed file. */
bool funds_keyring_load(const char *pub_path, const char *sign_path, funds_keyring *ring, char *err,
                        size_t errlen);

/* Makes sure pub_path lists pk: writes the file (mode 0644) when it does not exist; false
 * when it exists without pk (a different key: the operator decides, see docs/operations.md). */
bool funds_public_key_publish(const char *pub_path, const unsigned char pk[32], char *err,
                              size_t errlen);

/* Verifies the ledger (against the checkpoints already taken, with `ring`) and records the run;
 * when it verifies, signs its head with sk and stores the checkpoint. OUT: *cp (stored only
 * when v->ok), *v. Returns DB_OK (see v->ok) or a store error. */
int funds_checkpoint_take(db_conn *db, int64_t district_id, const unsigned char sk[64],
                          const unsigned char pk[32], const funds_keyring *ring,
                          funds_checkpoint *cp, funds_verify_result *v);

/* Reads checkpoints from JSON as GET /funds/checkpoints serves it ({"items":[...],
 * "public_keys"?} or a bare array of items). Keys the document lists go into *served (may be
 * NULL). Returns a malloc'd array (caller frees) and *n, or NULL with err. */
funds_checkpoint *funds_checkpoints_from_json(const json_t *doc, size_t *n, funds_keyring *served,
                                              char *err, size_t errlen);

/* One checkpoint as the API shows it, with the text that was signed. */
json_t *funds_checkpoint_json(const funds_checkpoint *c);

/* Re-checks invariants 2-4 over the district's whole ledger in one consistent snapshot, and
 * the ledger against its stored checkpoints (and a copy's, when anchor->copy is given); anchor
 * may be NULL (no trusted key: checkpoints that exist are then a problem, since their signatures
 * cannot be checked). Returns DB_OK (see out->ok) or a store error. Runs its own read
 * transaction. */
int funds_verify_anchored(db_conn *db, int64_t district_id, const funds_anchor *anchor,
                          funds_verify_result *out);
/* funds_verify_anchored without a key or a copy (the benchmarks). */
int funds_verify(db_conn *db, int64_t district_id, funds_verify_result *out);

/* Runs funds_verify_anchored and records the run in funds_verifications (what the district's
 * history of checks shows). For the nightly check: `shuangjian verify` or a cron job calling
 * GET /api/v1/funds/verify. Returns DB_OK (see out->ok) or a store error. */
int funds_verify_and_record(db_conn *db, int64_t district_id, const funds_anchor *anchor,
                            funds_verify_result *out);

/* ---------- contracts and their movements (store.c) ---------- */

/* DB_ROW with *out filled (contract, course category, ledger sums, lessons), DB_DONE, or an
 * error. Call after taking the contract's lock when the figures decide a write. */
int funds_contract_load(db_conn *db, int64_t id, funds_contract *out);

typedef struct {
    int64_t district_id; /* the guardian's: the course must be of this district */
    int64_t course_id, student_id, guardian_id, lessons;
    const char *start_date, *end_date; /* valid dates, end not before start */
    int64_t at;                        /* signed at (0: now) */
} funds_contract_in;

/*
 * A guardian signs a contract for lessons of a course: 404 (field course_id) when the course
 * is not of the district, course_not_open (409) when its materials were rejected (TR-5), then
 * FU-3, training_institution_open (TR-7's black list, a suspended or closed institution) and
 * FU-2 over the pupil's open contracts with the institution, under DB_LOCK_INSTITUTION and
 * DB_LOCK_STUDENT. The price per lesson is fixed at signing. OUT: *id.
 */
verdict funds_contract_sign(db_conn *db, const policy *pol, const funds_contract_in *in,
                            int64_t *id);
/* The same inside the caller's transaction, the caller holding both locks (or alone). */
verdict funds_contract_sign_in_tx(db_conn *db, const policy *pol, const funds_contract_in *in,
                                  int64_t *id);

/* What a movement did. */
typedef struct {
    int64_t txn;        /* the ledger movement (0: none, a refund of nothing) */
    int64_t lesson_id;  /* funds_lesson: the lesson's row */
    int64_t refund_fen; /* funds_contract_refund: what went back to the guardian */
} funds_moved;

/* A payment into escrow (funds_payment_check). OUT: out->txn. */
verdict funds_payment(db_conn *db, int64_t contract_id, int64_t amount_fen, int64_t actor,
                      funds_moved *out);
verdict funds_payment_in_tx(db_conn *db, funds_contract *k, int64_t amount_fen, int64_t actor,
                            int64_t at, funds_moved *out);

/* One lesson delivered on `date` (TR-2 against the district's calendar, then
 * funds_lesson_check): its price released from escrow to the institution; the last lesson
 * completes the contract. OUT: out->txn, out->lesson_id. */
verdict funds_lesson(db_conn *db, const policy *pol, int64_t contract_id, const char *date,
                     int64_t actor, funds_moved *out);
/* The same for a day whose kind the caller knows (calendar_day_kind). */
verdict funds_lesson_in_tx(db_conn *db, const policy *pol, funds_contract *k, const char *date,
                           day_kind kind, int64_t actor, int64_t at, funds_moved *out);

/*
 * FU-6: what is left in escrow goes back to the guardian and the contract closes
 * (contract_closed when it is closed already). The refund is recorded, due within
 * refund_within_days. OUT: out->refund_fen, out->txn.
 */
verdict funds_contract_refund(db_conn *db, const policy *pol, int64_t contract_id, int64_t actor,
                              const char *reason, funds_moved *out);
verdict funds_contract_refund_in_tx(db_conn *db, const policy *pol, funds_contract *k,
                                    int64_t actor, const char *reason, int64_t at,
                                    funds_moved *out);

/* What refunding every open contract of an institution did. */
typedef struct {
    int64_t contracts;  /* open contracts closed */
    int64_t refunds;    /* of them, with money refunded */
    int64_t refund_fen; /* in all */
} funds_refunds;

/*
 * Every open contract of an institution refunded (FU-6) and closed with `reason`, in one
 * step: DB_LOCK_INSTITUTION, then each open contract's DB_LOCK_CONTRACT in ascending id
 * order, then the ledger's. The entry for another module (a penalty that stops an
 * institution and refunds its families): funds_institution_refund_all owns its transaction;
 * the _in_tx twin runs in the caller's and takes the same locks itself, so its caller need
 * hold none (a caller that holds other locks takes them before, never a contract's or the
 * ledger's). OUT: *out.
 */
verdict funds_institution_refund_all(db_conn *db, const policy *pol, int64_t institution_id,
                                     int64_t actor, const char *reason, funds_refunds *out);
verdict funds_institution_refund_all_in_tx(db_conn *db, const policy *pol, int64_t institution_id,
                                           int64_t actor, const char *reason, funds_refunds *out);

/*
 * An institution's state (active | suspended | closed) with its reason, under
 * DB_LOCK_INSTITUTION. Suspending or closing it refunds every open contract in the same step
 * (funds_institution_refund_all_in_tx, the contracts' reason "institution suspended" or
 * "institution closed"); a closed institution stays closed (institution_not_active, 409).
 * 404 when there is no such institution. OUT: *out (zeros when none was refunded).
 */
verdict funds_institution_state_set(db_conn *db, const policy *pol, int64_t institution_id,
                                    const char *state, const char *reason, int64_t actor,
                                    funds_refunds *out);
verdict funds_institution_state_set_in_tx(db_conn *db, const policy *pol, int64_t institution_id,
                                          const char *state, const char *reason, int64_t actor,
                                          funds_refunds *out);

/* The custody bank's transfer of a refund back to the family, recorded once: 404 when the
 * district has no such refund still to pay out. */
verdict funds_refund_paid_out(db_conn *db, int64_t district_id, int64_t refund_id);

/* ---------- supervision ---------- */

typedef struct {
    int64_t escrow_fen;
    int64_t released_recent_fen; /* released in the last 30 days */
    int64_t open_contracts;
    int64_t days_since_last_lesson; /* -1: none delivered yet */
    int64_t days_since_open_start;  /* since the earliest open contract began; -1: none */
    int64_t late_refunds;           /* refunds past their due date, not paid out */
    int64_t late_refund_fen;
    bool inspection_overdue;
    bool license_expired;
    bool license_no_invalid; /* the licence number is not of the standard form */
} funds_inst_stats;

typedef struct {
    const char *code; /* escrow_large | lessons_stopped | refunds_late | inspection_overdue |
                         license_expired | license_no_invalid */
    const char *rule;
    const char *level; /* high | medium */
    int64_t value;
    int64_t limit;
} funds_warning;

#define FUNDS_MAX_WARNINGS 6

/* Fills out[] with the warnings that apply; returns how many. */
int funds_risk_assess(const policy *pol, const funds_inst_stats *s,
                      funds_warning out[FUNDS_MAX_WARNINGS]);

const route *funds_routes(size_t *n);

#endif
