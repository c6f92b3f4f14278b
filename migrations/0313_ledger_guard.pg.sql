-- 0313: ledger_entries is append-only (PostgreSQL): UPDATE, DELETE and TRUNCATE are refused.
-- Until 0313 the server made these triggers at run time, with a district's first movement
-- (ledger.c); OR REPLACE puts the same function and triggers in place of the ones a database
-- has, so every database ends with exactly one of each. `verify` reports a missing or
-- disabled one.
CREATE OR REPLACE FUNCTION ledger_entries_refuse() RETURNS trigger LANGUAGE plpgsql AS
$f$ BEGIN RAISE EXCEPTION 'ledger_entries is append-only'; END $f$;
CREATE OR REPLACE TRIGGER ledger_entries_no_change BEFORE UPDATE OR DELETE ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION ledger_entries_refuse();
CREATE OR REPLACE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_refuse();
