-- 0314: ledger_heads.guarded marked a district whose first movement had made the append-only
-- triggers; since 0313 the triggers are schema, so the column says nothing any more.
ALTER TABLE ledger_heads DROP COLUMN guarded;
