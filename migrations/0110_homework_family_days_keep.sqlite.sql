-- 0110: the triggers that keep homework_family_days (SQLite; see 0110_homework_family_days.sql).
-- Each recomputes from the raw rows the families' rows a write touched: delete, then insert the
-- sums again (no row when nothing is left).
CREATE TRIGGER homework_family_fb_insert AFTER INSERT ON homework_feedback BEGIN
    DELETE FROM homework_family_days WHERE student_id = NEW.student_id
        AND class_id = (SELECT class_id FROM homework WHERE id = NEW.homework_id)
        AND date = (SELECT date FROM homework WHERE id = NEW.homework_id);
    INSERT INTO homework_family_days (class_id, date, student_id, items, excess_minutes)
    SELECT h.class_id, h.date, f.student_id, COUNT(*), SUM(f.minutes_spent - h.minutes)
    FROM homework i JOIN homework h ON h.class_id = i.class_id AND h.date = i.date
    JOIN homework_feedback f ON f.homework_id = h.id AND f.student_id = NEW.student_id
    WHERE i.id = NEW.homework_id AND h.kind = 'written' AND h.withdrawn_at IS NULL
    GROUP BY h.class_id, h.date, f.student_id;
END;

CREATE TRIGGER homework_family_fb_delete AFTER DELETE ON homework_feedback BEGIN
    DELETE FROM homework_family_days WHERE student_id = OLD.student_id
        AND class_id = (SELECT class_id FROM homework WHERE id = OLD.homework_id)
        AND date = (SELECT date FROM homework WHERE id = OLD.homework_id);
    INSERT INTO homework_family_days (class_id, date, student_id, items, excess_minutes)
    SELECT h.class_id, h.date, f.student_id, COUNT(*), SUM(f.minutes_spent - h.minutes)
    FROM homework i JOIN homework h ON h.class_id = i.class_id AND h.date = i.date
    JOIN homework_feedback f ON f.homework_id = h.id AND f.student_id = OLD.student_id
    WHERE i.id = OLD.homework_id AND h.kind = 'written' AND h.withdrawn_at IS NULL
    GROUP BY h.class_id, h.date, f.student_id;
END;

-- a changed report: its old family and class-day, then its new ones (the same, as the API
-- changes only the minutes)
CREATE TRIGGER homework_family_fb_update
AFTER UPDATE OF homework_id, student_id, minutes_spent ON homework_feedback BEGIN
    DELETE FROM homework_family_days WHERE student_id = OLD.student_id
        AND class_id = (SELECT class_id FROM homework WHERE id = OLD.homework_id)
        AND date = (SELECT date FROM homework WHERE id = OLD.homework_id);
    INSERT INTO homework_family_days (class_id, date, student_id, items, excess_minutes)
    SELECT h.class_id, h.date, f.student_id, COUNT(*), SUM(f.minutes_spent - h.minutes)
    FROM homework i JOIN homework h ON h.class_id = i.class_id AND h.date = i.date
    JOIN homework_feedback f ON f.homework_id = h.id AND f.student_id = OLD.student_id
    WHERE i.id = OLD.homework_id AND h.kind = 'written' AND h.withdrawn_at IS NULL
    GROUP BY h.class_id, h.date, f.student_id;
    DELETE FROM homework_family_days WHERE student_id = NEW.student_id
        AND class_id = (SELECT class_id FROM homework WHERE id = NEW.homework_id)
        AND date = (SELECT date FROM homework WHERE id = NEW.homework_id);
    INSERT INTO homework_family_days (class_id, date, student_id, items, excess_minutes)
    SELECT h.class_id, h.date, f.student_id, COUNT(*), SUM(f.minutes_spent - h.minutes)
    FROM homework i JOIN homework h ON h.class_id = i.class_id AND h.date = i.date
    JOIN homework_feedback f ON f.homework_id = h.id AND f.student_id = NEW.student_id
    WHERE i.id = NEW.homework_id AND h.kind = 'written' AND h.withdrawn_at IS NULL
    GROUP BY h.class_id, h.date, f.student_id;
END;

-- an item withdrawn, re-timed, re-kinded or moved: every family of its old class-day, then of
-- its new one
CREATE TRIGGER homework_family_item_update
AFTER UPDATE OF class_id, date, kind, minutes, withdrawn_at ON homework BEGIN
    DELETE FROM homework_family_days WHERE class_id = OLD.class_id AND date = OLD.date;
    INSERT INTO homework_family_days (class_id, date, student_id, items, excess_minutes)
    SELECT h.class_id, h.date, f.student_id, COUNT(*), SUM(f.minutes_spent - h.minutes)
    FROM homework h JOIN homework_feedback f ON f.homework_id = h.id
    WHERE h.class_id = OLD.class_id AND h.date = OLD.date AND h.kind = 'written'
      AND h.withdrawn_at IS NULL
    GROUP BY h.class_id, h.date, f.student_id;
    DELETE FROM homework_family_days WHERE class_id = NEW.class_id AND date = NEW.date;
    INSERT INTO homework_family_days (class_id, date, student_id, items, excess_minutes)
    SELECT h.class_id, h.date, f.student_id, COUNT(*), SUM(f.minutes_spent - h.minutes)
    FROM homework h JOIN homework_feedback f ON f.homework_id = h.id
    WHERE h.class_id = NEW.class_id AND h.date = NEW.date AND h.kind = 'written'
      AND h.withdrawn_at IS NULL
    GROUP BY h.class_id, h.date, f.student_id;
END;
