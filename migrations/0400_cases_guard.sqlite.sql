-- 0400: a case's history and a rectification's events are append-only (SQLite). Runs after
-- 0400_cases.sql ('.' sorts before '_').
CREATE TRIGGER case_history_no_update BEFORE UPDATE ON case_history
BEGIN SELECT RAISE(ABORT, 'case_history is append-only'); END;
CREATE TRIGGER case_history_no_delete BEFORE DELETE ON case_history
BEGIN SELECT RAISE(ABORT, 'case_history is append-only'); END;
CREATE TRIGGER rectification_events_no_update BEFORE UPDATE ON rectification_events
BEGIN SELECT RAISE(ABORT, 'rectification_events is append-only'); END;
CREATE TRIGGER rectification_events_no_delete BEFORE DELETE ON rectification_events
BEGIN SELECT RAISE(ABORT, 'rectification_events is append-only'); END;
