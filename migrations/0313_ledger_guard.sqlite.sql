-- 0313: ledger_entries is append-only (SQLite): UPDATE and DELETE are refused. Until 0313 the
-- server made these triggers at run time, with a district's first movement (ledger.c); a
-- database that has them keeps them (IF NOT EXISTS), so every database ends with exactly one
-- of each. `verify` reports a missing one.
CREATE TRIGGER IF NOT EXISTS ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
