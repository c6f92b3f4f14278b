-- 0310_funds: prepaid contracts (FU-2, FU-3) and the escrow ledger (FU-4..FU-6).
--
-- The ledger is append-only double-entry: each movement (txn) is a run of ledger_entries
-- whose amount_fen sum to zero across the accounts guardian (a user), escrow (a contract) and
-- institution. Every entry carries the BLAKE2b hash of the entry before it (prev_hash) and of
-- its own canonical content (hash); entries of a district form one chain, numbered by seq
-- without gaps. ledger_heads holds each chain's last seq and hash, updated in the same
-- transaction as the entries it covers; UNIQUE (district_id, seq) makes a fork impossible.
-- No balance is stored anywhere: balances are sums over ledger_entries.
CREATE TABLE contracts (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    institution_id BIGINT NOT NULL REFERENCES institutions(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    guardian_id BIGINT NOT NULL REFERENCES users(id),
    lessons INTEGER NOT NULL CHECK (lessons > 0),
    price_per_lesson_fen BIGINT NOT NULL CHECK (price_per_lesson_fen > 0),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    close_reason TEXT,
    closed_at BIGINT,
    policy_version TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX contracts_pupil ON contracts (student_id, institution_id, status);
CREATE INDEX contracts_institution ON contracts (institution_id, status);
CREATE INDEX contracts_guardian ON contracts (guardian_id);

-- One row per lesson delivered (消课); txn is the ledger movement that released its price.
CREATE TABLE contract_lessons (
    id ID_PK,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    date TEXT NOT NULL,
    txn BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX contract_lessons_contract ON contract_lessons (contract_id, date);

-- A refund owed to a family (FU-6): moved in the ledger at once; paid_out_at records the
-- custody bank's transfer back through the original channel, due by due_date.
CREATE TABLE refunds (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    institution_id BIGINT NOT NULL REFERENCES institutions(id),
    amount_fen BIGINT NOT NULL,
    txn BIGINT,
    reason TEXT NOT NULL,
    requested_by BIGINT REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    due_date TEXT NOT NULL,
    paid_out_at BIGINT
);
CREATE INDEX refunds_institution ON refunds (institution_id, paid_out_at);

CREATE TABLE ledger_heads (
    district_id BIGINT PRIMARY KEY REFERENCES districts(id),
    seq BIGINT NOT NULL,
    txn BIGINT NOT NULL,
    hash TEXT NOT NULL,
    guarded INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE ledger_entries (
    id LOG_PK,
    district_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    txn BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('payment', 'release', 'refund')),
    account TEXT NOT NULL CHECK (account IN ('guardian', 'escrow', 'institution')),
    account_id BIGINT NOT NULL,
    contract_id BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    actor BIGINT NOT NULL,
    at BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (district_id, seq)
);
CREATE INDEX ledger_contract ON ledger_entries (contract_id, account);
CREATE INDEX ledger_account ON ledger_entries (account, account_id);

-- Each reconciliation run (on demand and nightly), for the district's view.
CREATE TABLE funds_verifications (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    at BIGINT NOT NULL,
    ok INTEGER NOT NULL,
    entries BIGINT NOT NULL,
    escrow_fen BIGINT NOT NULL,
    detail TEXT
);
CREATE INDEX funds_verifications_at ON funds_verifications (district_id, at);
