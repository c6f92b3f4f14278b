-- 0400: a case's history and a rectification's events are append-only (PostgreSQL). Runs after
-- 0400_cases.sql ('.' sorts before '_').
CREATE FUNCTION cases_append_only() RETURNS trigger LANGUAGE plpgsql AS
$f$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $f$;
CREATE TRIGGER case_history_no_change BEFORE UPDATE OR DELETE ON case_history
FOR EACH ROW EXECUTE FUNCTION cases_append_only();
CREATE TRIGGER case_history_no_truncate BEFORE TRUNCATE ON case_history
FOR EACH STATEMENT EXECUTE FUNCTION cases_append_only();
CREATE TRIGGER rectification_events_no_change BEFORE UPDATE OR DELETE ON rectification_events
FOR EACH ROW EXECUTE FUNCTION cases_append_only();
CREATE TRIGGER rectification_events_no_truncate BEFORE TRUNCATE ON rectification_events
FOR EACH STATEMENT EXECUTE FUNCTION cases_append_only();
