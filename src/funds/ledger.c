/*
 * ledger.c: the escrow ledger: posting a movement and re-checking the whole ledger.
 *
 * API: funds_ledger_post, funds_verify (see funds.h for the invariants they keep and check).
 *
 * DESIGN: each district has one hash chain. Posting takes DB_LOCK_LEDGER(district) (SQLite's
 * BEGIN IMMEDIATE has already serialised every writer), reads the chain head from
 * ledger_heads, inserts the movement's two entries at seq+1 and seq+2 with their hashes, and
 * moves the head with a compare-and-set on the old seq, all in the caller's transaction. Two
 * movements can therefore never claim the same place in the chain: the lock orders them, the
 * UNIQUE (district_id, seq) index refuses a duplicate even without the lock, and the head's
 * compare-and-set refuses a head that moved. A crash before COMMIT leaves neither entries nor
 * head; a COMMIT that was answered is on disk (SQLite synchronous=FULL, PostgreSQL
 * synchronous_commit on).
 *
 * The append-only triggers are schema: the per-backend migrations 0313_ledger_guard.sqlite.sql
 * and 0313_ledger_guard.pg.sql make them (the two backends share no trigger syntax).
 * funds_verify reports whether they are still there.
 *
 * Verification streams the entries in seq order, a page at a time, so a ledger of millions of
 * rows needs memory only for one page and one small record per contract. Then, in the same
 * snapshot, the ledger is held against its signed checkpoints (checkpoint.c): each signature
 * under a trusted key, and the entry at each checkpoint's count still carrying the signed hash.
 * The chain alone cannot see a rewrite by someone who can write the database file (delete the
 * last movements and move the head back; change amounts and recompute every hash); a
 * checkpoint taken before it does.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

#include "funds.h"

static const char ZERO_HASH[FUNDS_HASH_HEX] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* ---------- the append-only guard ---------- */

/* The triggers are made by the migrations 0313_ledger_guard.{sqlite,pg}.sql; verify reports
 * whether they are still there and enabled. */
static int guard_present(db_conn *db, bool *out)
{
    int64_t n = 0;
    int rc =
        db_kind(db) == DB_PG
            ? db_query_int64(db, &n,
                             "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid ="
                             " 'ledger_entries'::regclass AND tgname ="
                             " 'ledger_entries_no_change' AND tgenabled <> 'D'")
            : db_query_int64(db, &n,
                             "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND"
                             " name IN ('ledger_entries_no_update', 'ledger_entries_no_delete')");
    *out = db_kind(db) == DB_PG ? n == 1 : n == 2;
    return rc == DB_ROW ? DB_OK : rc;
}

/* ---------- posting ---------- */

int funds_ledger_post(db_conn *db, const funds_contract *c, funds_kind kind, int64_t amount_fen,
                      int64_t actor, int64_t at, int64_t *txn)
{
    if (amount_fen <= 0 || kind < FUNDS_PAYMENT || kind > FUNDS_REFUND)
        return DB_ERROR;
    int rc = db_lock(db, DB_LOCK_LEDGER, c->district_id);
    if (rc != DB_OK)
        return rc;
    int64_t seq = 0, last_txn = 0;
    char prev[FUNDS_HASH_HEX];
    db_stmt *s = db_query(db, "SELECT seq, txn, hash FROM ledger_heads WHERE district_id = $1",
                          c->district_id);
    rc = s ? db_step(s) : DB_ERROR;
    if (rc == DB_ROW) {
        db_row row = db_row_at(s, 0);
        seq = db_next_int64(&row);
        last_txn = db_next_int64(&row);
        DB_NEXT_TEXT(&row, prev);
    }
    db_finalize(s);
    if (rc == DB_DONE) {
        /* the district's first movement starts its chain */
        memcpy(prev, ZERO_HASH, sizeof prev);
        rc = db_run(db,
                    "INSERT INTO ledger_heads (district_id, seq, txn, hash) VALUES ($1, 0, 0, $2)",
                    c->district_id, prev);
        if (rc != DB_DONE)
            return rc;
    } else if (rc != DB_ROW) {
        return rc;
    }

    /* the escrow entry first, then the counter-account's */
    static const char *const other_account[] = {"guardian", "institution", "guardian"};
    int64_t other_id = kind == FUNDS_RELEASE ? c->institution_id : c->guardian_id;
    int64_t escrow_amount = kind == FUNDS_PAYMENT ? amount_fen : -amount_fen;
    int64_t t = last_txn + 1;
    funds_entry e[2] = {
        {c->district_id, seq + 1, t, funds_kind_name(kind), "escrow", c->id, c->id, escrow_amount,
         actor, at},
        {c->district_id, seq + 2, t, funds_kind_name(kind), other_account[kind], other_id, c->id,
         -escrow_amount, actor, at},
    };
    char h1[FUNDS_HASH_HEX], h2[FUNDS_HASH_HEX];
    funds_entry_hash(prev, &e[0], h1);
    funds_entry_hash(h1, &e[1], h2);
    rc = db_run(db,
                "INSERT INTO ledger_entries (district_id, seq, txn, kind, account, account_id,"
                " contract_id, amount_fen, actor, at, prev_hash, hash) VALUES"
                " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12),"
                " ($1, $13, $3, $4, $14, $15, $7, $16, $9, $10, $12, $17)",
                c->district_id, e[0].seq, t, e[0].kind, e[0].account, e[0].account_id, c->id,
                e[0].amount_fen, actor, at, prev, h1, e[1].seq, e[1].account, e[1].account_id,
                e[1].amount_fen, h2);
    if (rc != DB_DONE)
        return rc;
    int64_t moved = 0;
    rc = db_query_int64(db, &moved,
                        "UPDATE ledger_heads SET seq = $2, txn = $3, hash = $4"
                        " WHERE district_id = $1 AND seq = $5 RETURNING seq",
                        c->district_id, seq + 2, t, h2, seq);
    if (rc != DB_ROW)
        return rc == DB_DONE ? DB_CONSTRAINT : rc; /* the head moved under us: refuse */
    if (txn)
        *txn = t;
    return DB_DONE;
}

/* ---------- verification ---------- */

typedef struct {
    int64_t contract_id; /* 0 = empty slot */
    int64_t escrow, paid, released, refunded;
    int64_t guardian_id, institution_id;
    bool went_negative, mixed_accounts;
} acct;

typedef struct {
    acct *slots;
    size_t cap, used;
} acct_map;

static acct *map_get(acct_map *m, int64_t contract_id)
{
    if (m->used * 2 >= m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 1024;
        acct *ns = calloc(ncap, sizeof *ns);
        if (!ns)
            abort();
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->slots[i].contract_id)
                continue;
            size_t j =
                (size_t)((uint64_t)m->slots[i].contract_id * 0x9E3779B97F4A7C15ull) & (ncap - 1);
            while (ns[j].contract_id)
                j = (j + 1) & (ncap - 1);
            ns[j] = m->slots[i];
        }
        free(m->slots);
        m->slots = ns;
        m->cap = ncap;
    }
    size_t j = (size_t)((uint64_t)contract_id * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
    while (m->slots[j].contract_id && m->slots[j].contract_id != contract_id)
        j = (j + 1) & (m->cap - 1);
    if (!m->slots[j].contract_id) {
        memset(&m->slots[j], 0, sizeof m->slots[j]);
        m->slots[j].contract_id = contract_id;
        m->used++;
    }
    return &m->slots[j];
}

static acct *map_find(const acct_map *m, int64_t contract_id)
{
    if (!m->cap)
        return NULL;
    size_t j = (size_t)((uint64_t)contract_id * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
    while (m->slots[j].contract_id) {
        if (m->slots[j].contract_id == contract_id)
            return &m->slots[j];
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}

static void problem(funds_verify_result *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void problem(funds_verify_result *out, const char *fmt, ...)
{
    out->ok = false;
    if (out->nproblems < FUNDS_VERIFY_PROBLEMS) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(out->problems[out->nproblems], sizeof out->problems[0], fmt, ap);
        va_end(ap);
    }
    out->nproblems++;
}

/* One movement's two entries, checked together. */
typedef struct {
    int64_t txn;
    int n;
    funds_entry e[2];
} movement;

static void movement_check(funds_verify_result *out, acct_map *m, const movement *mv)
{
    if (mv->n == 0)
        return;
    out->movements++;
    const funds_entry *a = &mv->e[0], *b = &mv->e[1];
    if (mv->n != 2) {
        problem(out, "txn %" PRId64 ": %d entries, expected 2", mv->txn, mv->n);
        return;
    }
    int kind = strcmp(a->kind, "payment") == 0   ? FUNDS_PAYMENT
               : strcmp(a->kind, "release") == 0 ? FUNDS_RELEASE
               : strcmp(a->kind, "refund") == 0  ? FUNDS_REFUND
                                                 : -1;
    const char *other = kind == FUNDS_RELEASE ? "institution" : "guardian";
    bool shape = kind >= 0 && strcmp(b->kind, a->kind) == 0 && strcmp(a->account, "escrow") == 0 &&
                 strcmp(b->account, other) == 0 && a->account_id == a->contract_id &&
                 b->contract_id == a->contract_id;
    if (!shape) {
        problem(out, "txn %" PRId64 " (seq %" PRId64 "): entries of the wrong shape", mv->txn,
                a->seq);
        return;
    }
    if (a->amount_fen + b->amount_fen != 0) {
        problem(out, "txn %" PRId64 " (seq %" PRId64 "): entries sum to %" PRId64 ", not 0",
                mv->txn, a->seq, a->amount_fen + b->amount_fen);
        return;
    }
    bool sign_ok = kind == FUNDS_PAYMENT ? a->amount_fen > 0 : a->amount_fen < 0;
    if (!sign_ok) {
        problem(out, "txn %" PRId64 " (seq %" PRId64 "): %s with the wrong sign", mv->txn, a->seq,
                a->kind);
        return;
    }
    acct *x = map_get(m, a->contract_id);
    x->escrow += a->amount_fen;
    if (kind == FUNDS_PAYMENT)
        x->paid += a->amount_fen;
    else if (kind == FUNDS_RELEASE)
        x->released -= a->amount_fen;
    else
        x->refunded -= a->amount_fen;
    int64_t *who = kind == FUNDS_RELEASE ? &x->institution_id : &x->guardian_id;
    if (*who && *who != b->account_id)
        x->mixed_accounts = true;
    *who = b->account_id;
    if (x->escrow < 0 && !x->went_negative) {
        x->went_negative = true;
        problem(out, "contract %" PRId64 ": escrow below zero at seq %" PRId64, a->contract_id,
                a->seq);
    }
}

#define VERIFY_PAGE 20000

/* Streams the chain: seq, links, hashes, movements. */
static int verify_chain(db_conn *db, int64_t district_id, int64_t head_seq, acct_map *m,
                        funds_verify_result *out, char last_hash[FUNDS_HASH_HEX])
{
    char prev[FUNDS_HASH_HEX];
    memcpy(prev, ZERO_HASH, sizeof prev);
    int64_t expect = 1;
    movement mv = {0};
    char kinds[2][16], accounts[2][16];
    bool chain_broken = false;
    while (expect <= head_seq) {
        db_stmt *s =
            db_query(db,
                     "SELECT seq, txn, kind, account, account_id, contract_id, amount_fen,"
                     " actor, at, prev_hash, hash FROM ledger_entries WHERE district_id = $1"
                     " AND seq >= $2 AND seq <= $3 ORDER BY seq LIMIT $4",
                     district_id, expect, head_seq, (int64_t)VERIFY_PAGE);
        if (!s)
            return DB_ERROR;
        int rc, rows = 0;
        while ((rc = db_step(s)) == DB_ROW) {
            rows++;
            char kind[16], account[16];
            funds_entry e = {.district_id = district_id, .kind = kind, .account = account};
            db_row row = db_row_at(s, 0);
            e.seq = db_next_int64(&row);
            e.txn = db_next_int64(&row);
            DB_NEXT_TEXT(&row, kind);
            DB_NEXT_TEXT(&row, account);
            e.account_id = db_next_int64(&row);
            e.contract_id = db_next_int64(&row);
            e.amount_fen = db_next_int64(&row);
            e.actor = db_next_int64(&row);
            e.at = db_next_int64(&row);
            /* the hashes compared whole, as stored (a longer text is an edit too) */
            const char *ph = db_next_text_ref(&row), *hh = db_next_text_ref(&row);
            out->entries++;
            if (e.seq != expect) {
                problem(out, "seq %" PRId64 " missing (next is %" PRId64 ")", expect, e.seq);
                expect = e.seq;
                chain_broken = true;
            }
            char h[FUNDS_HASH_HEX];
            funds_entry_hash(ph, &e, h);
            if (strcmp(ph, prev) != 0 && !chain_broken)
                problem(out, "seq %" PRId64 ": prev_hash does not match the entry before it",
                        e.seq);
            if (strcmp(h, hh) != 0)
                problem(out, "seq %" PRId64 ": content does not match its hash (edited)", e.seq);
            chain_broken = false;
            DB_COL_COPY(s, 10, prev);
            /* group the entries of one movement */
            if (e.txn != mv.txn) {
                movement_check(out, m, &mv);
                memset(&mv, 0, sizeof mv);
                mv.txn = e.txn;
            }
            if (mv.n < 2) {
                snprintf(kinds[mv.n], sizeof kinds[0], "%s", kind);
                snprintf(accounts[mv.n], sizeof accounts[0], "%s", account);
                mv.e[mv.n] = e;
                mv.e[mv.n].kind = kinds[mv.n];
                mv.e[mv.n].account = accounts[mv.n];
            }
            mv.n++;
            expect++;
        }
        db_finalize(s);
        if (rc != DB_DONE)
            return rc;
        if (rows == 0) {
            problem(out, "entries %" PRId64 "..%" PRId64 " missing", expect, head_seq);
            break;
        }
    }
    movement_check(out, m, &mv);
    memcpy(last_hash, prev, FUNDS_HASH_HEX);
    return DB_OK;
}

/* Compares every contract of the district with what its entries say. */
static int verify_contracts(db_conn *db, int64_t district_id, acct_map *m, funds_verify_result *out)
{
    db_stmt *s = db_query(db,
                          "SELECT c.id, c.guardian_id, c.institution_id, c.amount_fen,"
                          " c.price_per_lesson_fen, c.lessons, c.status,"
                          " (SELECT COUNT(*) FROM contract_lessons l WHERE l.contract_id = c.id)"
                          " FROM contracts c WHERE c.district_id = $1 ORDER BY c.id",
                          district_id);
    if (!s)
        return DB_ERROR;
    int rc;
    size_t seen = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        db_row row = db_row_at(s, 0);
        int64_t id = db_next_int64(&row), guardian = db_next_int64(&row);
        int64_t inst = db_next_int64(&row), amount = db_next_int64(&row);
        int64_t price = db_next_int64(&row), lessons = db_next_int64(&row);
        bool open = strcmp(db_next_text_ref(&row), "open") == 0;
        int64_t delivered = db_next_int64(&row);
        out->contracts++;
        acct zero = {0};
        acct *x = map_find(m, id);
        if (x)
            seen++;
        else
            x = &zero;
        if (x->paid > amount)
            problem(out, "contract %" PRId64 ": paid %" PRId64 " > amount %" PRId64, id, x->paid,
                    amount);
        if (x->released != delivered * price)
            problem(out,
                    "contract %" PRId64 ": released %" PRId64 " but %" PRId64 " lessons x %" PRId64,
                    id, x->released, delivered, price);
        if (delivered > lessons)
            problem(out, "contract %" PRId64 ": %" PRId64 " lessons delivered of %" PRId64, id,
                    delivered, lessons);
        if (!open && x->escrow != 0)
            problem(out, "contract %" PRId64 ": closed with %" PRId64 " in escrow", id, x->escrow);
        if (x->paid != x->released + x->refunded + x->escrow)
            problem(out, "contract %" PRId64 ": paid != released + refunded + escrow", id);
        if (x->mixed_accounts || (x->guardian_id && x->guardian_id != guardian) ||
            (x->institution_id && x->institution_id != inst))
            problem(out, "contract %" PRId64 ": money moved to an account not on the contract", id);
        out->escrow_fen += x->escrow;
        out->paid_fen += x->paid;
        out->released_fen += x->released;
        out->refunded_fen += x->refunded;
    }
    db_finalize(s);
    if (rc != DB_DONE)
        return rc;
    if (seen != m->used)
        problem(out, "%zu contracts in the ledger are not in the district's contracts",
                m->used - seen);
    return DB_OK;
}

/* ---------- the ledger against its checkpoints ---------- */

static bool ring_has(const funds_keyring *ring, const unsigned char pk[32])
{
    for (size_t i = 0; ring && i < ring->n; i++)
        if (sodium_memcmp(ring->keys[i], pk, 32) == 0)
            return true;
    return false;
}

/* One checkpoint (stored, or from a copy) against the trusted keys and the ledger as it is in
 * this snapshot. True when it is good. */
static bool checkpoint_check(db_conn *db, int64_t district_id, int64_t head_seq,
                             const funds_keyring *ring, const funds_checkpoint *c, bool copy,
                             funds_verify_result *out, int *rc)
{
    char when[32], label[96];
    unix_rfc3339(c->at, when);
    if (copy)
        snprintf(label, sizeof label, "checkpoint of the copy signed %s", when);
    else
        snprintf(label, sizeof label, "checkpoint #%" PRId64 " (signed %s)", c->id, when);
    if (c->district_id != district_id) {
        problem(out, "%s: for district %" PRId64 ", not this one (%" PRId64 ")", label,
                c->district_id, district_id);
        return false;
    }
    unsigned char pk[32], sig[64];
    size_t npk = 0, nsig = 0;
    bool parsed = sodium_hex2bin(pk, sizeof pk, c->public_key, strlen(c->public_key), NULL, &npk,
                                 NULL) == 0 &&
                  npk == sizeof pk &&
                  sodium_hex2bin(sig, sizeof sig, c->signature, strlen(c->signature), NULL, &nsig,
                                 NULL) == 0 &&
                  nsig == sizeof sig;
    bool keyed = ring && ring->n > 0;
    if (keyed) {
        if (!parsed || !ring_has(ring, pk)) {
            problem(out, "%s: signed by a key that is not the district's (%.16s...)", label,
                    c->public_key);
            return false;
        }
        char msg[256];
        funds_checkpoint_message(c, msg, sizeof msg);
        if (crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), pk) != 0) {
            problem(out, "%s: the signature does not match what it says (forged or altered)",
                    label);
            return false;
        }
    }
    /* the signature holds (or cannot be checked): does the ledger still say what was signed? */
    if (c->entries > head_seq) {
        problem(out,
                "%s: signed at %" PRId64 " entries, the ledger now has %" PRId64
                " (entries removed)",
                label, c->entries, head_seq);
        return false;
    }
    char at[FUNDS_HASH_HEX];
    if (c->entries == 0) {
        memcpy(at, ZERO_HASH, sizeof at);
    } else {
        db_stmt *s = db_query(db,
                              "SELECT hash FROM ledger_entries WHERE district_id = $1"
                              " AND seq = $2",
                              district_id, c->entries);
        int r = s ? db_step(s) : DB_ERROR;
        if (r == DB_ROW)
            DB_COL_COPY(s, 0, at);
        db_finalize(s);
        if (r == DB_DONE) {
            problem(out, "%s: entry %" PRId64 " is missing", label, c->entries);
            return false;
        }
        if (r != DB_ROW) {
            *rc = r;
            return false;
        }
    }
    if (strcmp(at, c->head_hash) != 0) {
        problem(out,
                "%s: entry %" PRId64 " no longer has the signed hash (the ledger up to it"
                " was rewritten)",
                label, c->entries);
        return false;
    }
    if (keyed && c->entries >= out->anchored_entries) {
        out->anchored_entries = c->entries;
        out->anchored_at = c->at > out->anchored_at ? c->at : out->anchored_at;
    }
    return keyed;
}

static void checkpoint_read(db_stmt *s, funds_checkpoint *c)
{
    memset(c, 0, sizeof *c);
    db_row row = db_row_at(s, 0);
    c->id = db_next_int64(&row);
    c->district_id = db_next_int64(&row);
    c->entries = db_next_int64(&row);
    DB_NEXT_TEXT(&row, c->head_hash);
    c->at = db_next_int64(&row);
    DB_NEXT_TEXT(&row, c->public_key);
    DB_NEXT_TEXT(&row, c->signature);
}

/* Every stored checkpoint of the district, then the copy's (each of which must also still be
 * stored: a checkpoint removed from the table is a problem of its own). */
static int verify_checkpoints(db_conn *db, int64_t district_id, int64_t head_seq,
                              const funds_anchor *anchor, funds_verify_result *out)
{
    const funds_keyring *ring = anchor ? anchor->ring : NULL;
    out->keys_configured = ring && ring->n > 0;
    int rc = DB_OK;
    int64_t last = 0;
    enum { PAGE = 256 };
    funds_checkpoint *page = malloc(PAGE * sizeof *page);
    if (!page)
        abort();
    for (;;) {
        db_stmt *s = db_query(db,
                              "SELECT id, district_id, entries, head_hash, at, public_key,"
                              " signature FROM ledger_checkpoints WHERE district_id = $1"
                              " AND id > $2 ORDER BY id LIMIT $3",
                              district_id, last, (int64_t)PAGE);
        int r = s ? DB_ROW : DB_ERROR;
        size_t rows = 0;
        while (s && rows < PAGE && (r = db_step(s)) == DB_ROW)
            checkpoint_read(s, &page[rows++]);
        db_finalize(s);
        if (r != DB_DONE && r != DB_ROW) {
            free(page);
            return r;
        }
        for (size_t i = 0; i < rows && rc == DB_OK; i++) {
            last = page[i].id;
            out->checkpoints++;
            if (checkpoint_check(db, district_id, head_seq, ring, &page[i], false, out, &rc))
                out->checkpoints_valid++;
        }
        if (rc != DB_OK || rows < PAGE)
            break;
    }
    free(page);
    if (rc != DB_OK)
        return rc;
    for (size_t i = 0; anchor && i < anchor->ncopy; i++) {
        const funds_checkpoint *c = &anchor->copy[i];
        out->copy_checkpoints++;
        if (checkpoint_check(db, district_id, head_seq, ring, c, true, out, &rc))
            out->copy_valid++;
        if (rc != DB_OK)
            return rc;
        int64_t one = 0;
        int r = db_query_int64(db, &one,
                               "SELECT 1 FROM ledger_checkpoints WHERE district_id = $1"
                               " AND signature = $2",
                               c->district_id, c->signature);
        if (r == DB_DONE) {
            char when[32];
            unix_rfc3339(c->at, when);
            problem(out,
                    "checkpoint of the copy signed %s (%" PRId64 " entries) is missing from"
                    " the database",
                    when, c->entries);
        } else if (r != DB_ROW) {
            return r;
        }
    }
    if (!out->keys_configured && out->checkpoints + out->copy_checkpoints > 0)
        problem(out,
                "%" PRId64 " checkpoints, but no public key to check their signatures"
                " (--public-key FILE)",
                out->checkpoints + out->copy_checkpoints);
    return DB_OK;
}

int funds_verify(db_conn *db, int64_t district_id, funds_verify_result *out)
{
    return funds_verify_anchored(db, district_id, NULL, out);
}

int funds_verify_anchored(db_conn *db, int64_t district_id, const funds_anchor *anchor,
                          funds_verify_result *out)
{
    memset(out, 0, sizeof *out);
    out->ok = true;
    int rc = db_begin(db);
    if (rc != DB_OK)
        return rc;
    /* one snapshot for the head, the entries and the contracts */
    if (db_kind(db) == DB_PG)
        rc = db_exec(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    acct_map m = {0};
    char head_hash[FUNDS_HASH_HEX] = "", last[FUNDS_HASH_HEX] = "";
    int64_t head_seq = 0, max_seq = 0, count = 0;
    if (rc == DB_OK) {
        db_stmt *s =
            db_query(db, "SELECT seq, hash FROM ledger_heads WHERE district_id = $1", district_id);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) {
            head_seq = db_col_int64(s, 0);
            DB_COL_COPY(s, 1, head_hash);
        } else if (rc == DB_DONE) {
            memcpy(head_hash, ZERO_HASH, sizeof head_hash);
        }
        db_finalize(s);
        rc = rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
    }
    if (rc == DB_OK) {
        db_stmt *s = db_query(db,
                              "SELECT COALESCE(MAX(seq), 0), COUNT(*) FROM ledger_entries"
                              " WHERE district_id = $1",
                              district_id);
        rc = s ? db_step(s) : DB_ERROR;
        if (rc == DB_ROW) {
            max_seq = db_col_int64(s, 0);
            count = db_col_int64(s, 1);
        }
        db_finalize(s);
        rc = rc == DB_ROW ? DB_OK : rc == DB_OK ? DB_ERROR : rc;
    }
    out->head_seq = head_seq;
    memcpy(out->head_hash, head_hash, FUNDS_HASH_HEX);
    if (rc == DB_OK && (max_seq != head_seq || count != head_seq))
        problem(out,
                "the chain head is at seq %" PRId64 " but the table holds %" PRId64
                " entries up to seq %" PRId64,
                head_seq, count, max_seq);
    if (rc == DB_OK)
        rc = verify_chain(db, district_id, head_seq, &m, out, last);
    if (rc == DB_OK && strcmp(last, head_hash) != 0)
        problem(out, "the chain head's hash does not match the last entry");
    if (rc == DB_OK)
        rc = verify_contracts(db, district_id, &m, out);
    if (rc == DB_OK)
        rc = guard_present(db, &out->guarded);
    if (rc == DB_OK && !out->guarded) /* schema since 0313: missing means removed */
        problem(out, "the append-only trigger on ledger_entries is missing");
    if (rc == DB_OK)
        rc = verify_checkpoints(db, district_id, head_seq, anchor, out);
    free(m.slots);
    db_rollback(db);
    return rc;
}
