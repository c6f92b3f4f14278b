-- 0312_ledger_checkpoints: signed checkpoints of the escrow ledger (see src/funds/checkpoint.c).
--
-- The hash chain of ledger_entries shows an edit, but not to someone who can write the
-- database file: they can delete the last movements and move ledger_heads back, or change an
-- amount and recompute every hash after it. A checkpoint is the chain's entry count and head
-- hash, with the time and the district, signed with an Ed25519 key kept outside the database
-- (`shuangjian checkpoint`, daily from cron). The rows are public (GET /api/v1/funds/checkpoints)
-- so the level above and families keep copies; verify checks the ledger still holds, at each
-- checkpoint's count, the hash it signed. signature and public_key are hex; the signed text is
-- "sj-ledger-checkpoint-v1|district_id|entries|head_hash|at".
--
-- Append-only like the ledger: the triggers of the .sqlite.sql and .pg.sql files of this
-- number refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
CREATE TABLE ledger_checkpoints (
    id LOG_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    entries BIGINT NOT NULL CHECK (entries >= 0),
    head_hash TEXT NOT NULL,
    at BIGINT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE INDEX ledger_checkpoints_district ON ledger_checkpoints (district_id, id);
