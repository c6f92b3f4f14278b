-- 0312: ledger_checkpoints is append-only (PostgreSQL). Runs after 0312_ledger_checkpoints.sql
-- ('.' sorts before '_').
CREATE FUNCTION ledger_checkpoints_refuse() RETURNS trigger LANGUAGE plpgsql AS
$f$ BEGIN RAISE EXCEPTION 'ledger_checkpoints is append-only'; END $f$;
CREATE TRIGGER ledger_checkpoints_no_change BEFORE UPDATE OR DELETE ON ledger_checkpoints
FOR EACH ROW EXECUTE FUNCTION ledger_checkpoints_refuse();
CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION ledger_checkpoints_refuse();
