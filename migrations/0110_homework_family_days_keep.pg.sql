-- 0110: the triggers that keep homework_family_days (PostgreSQL; see
-- 0110_homework_family_days.sql). Each recomputes from the raw rows the families' rows a write
-- touched: delete, then insert the sums again (no row when nothing is left). p_student NULL:
-- every family of the class-day.
CREATE OR REPLACE FUNCTION homework_family_refresh(p_class BIGINT, p_date TEXT, p_student BIGINT)
RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    DELETE FROM homework_family_days WHERE class_id = p_class AND date = p_date
        AND (p_student IS NULL OR student_id = p_student);
    INSERT INTO homework_family_days (class_id, date, student_id, items, excess_minutes)
    SELECT h.class_id, h.date, f.student_id, COUNT(*), SUM(f.minutes_spent - h.minutes)
    FROM homework h JOIN homework_feedback f ON f.homework_id = h.id
    WHERE h.class_id = p_class AND h.date = p_date AND h.kind = 'written'
      AND h.withdrawn_at IS NULL AND (p_student IS NULL OR f.student_id = p_student)
    GROUP BY h.class_id, h.date, f.student_id;
END $f$;

-- a report added, changed or removed: its family on its item's class-day (old, then new)
CREATE OR REPLACE FUNCTION homework_family_fb() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE k BIGINT; d TEXT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT class_id, date INTO k, d FROM homework WHERE id = OLD.homework_id;
        IF FOUND THEN PERFORM homework_family_refresh(k, d, OLD.student_id); END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT class_id, date INTO k, d FROM homework WHERE id = NEW.homework_id;
        IF FOUND THEN PERFORM homework_family_refresh(k, d, NEW.student_id); END IF;
    END IF;
    RETURN NULL;
END $f$;
CREATE OR REPLACE TRIGGER homework_family_fb
AFTER INSERT OR DELETE OR UPDATE OF homework_id, student_id, minutes_spent ON homework_feedback
FOR EACH ROW EXECUTE FUNCTION homework_family_fb();

-- an item withdrawn, re-timed, re-kinded or moved: every family of its old class-day, then of
-- its new one
CREATE OR REPLACE FUNCTION homework_family_item() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM homework_family_refresh(OLD.class_id, OLD.date, NULL);
    IF NEW.class_id <> OLD.class_id OR NEW.date <> OLD.date THEN
        PERFORM homework_family_refresh(NEW.class_id, NEW.date, NULL);
    END IF;
    RETURN NULL;
END $f$;
CREATE OR REPLACE TRIGGER homework_family_item
AFTER UPDATE OF class_id, date, kind, minutes, withdrawn_at ON homework
FOR EACH ROW EXECUTE FUNCTION homework_family_item();
