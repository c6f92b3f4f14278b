-- 0110_homework_family_days: what each family reported for a class-day, beside homework_days.
-- The half-monthly report (RP-1) takes, per class-day, the median over its families of the time
-- reported beyond the estimates; read from the reports themselves that is every feedback row of
-- the period and its item (0.7 million rows for a city half-month, half the report's time).
-- Invariant: homework_family_days(class_id, date, student_id) = over the class-day's active
-- written items the pupil's family reported on, the number of those reports (items) and the sum
-- of minutes_spent - the item's minutes (excess_minutes); no row when there is none. Triggers
-- (0110_homework_family_days_keep.{sqlite,pg}.sql) recompute the rows a write touches from the
-- raw rows, in the writing statement's transaction: a report added, changed or removed (its
-- family on its class-day), an item withdrawn, re-timed, re-kinded or moved (every family of
-- its old and new class-day). So every writer keeps it, the homework module's writes (under
-- the class-day lock), the demo's bulk reports and SQL alike; publishing adds no report.
CREATE TABLE homework_family_days (
    class_id BIGINT NOT NULL REFERENCES classes(id),
    date TEXT NOT NULL,
    student_id BIGINT NOT NULL,
    items INTEGER NOT NULL,
    excess_minutes INTEGER NOT NULL,
    PRIMARY KEY (class_id, date, student_id)
);

INSERT INTO homework_family_days (class_id, date, student_id, items, excess_minutes)
SELECT h.class_id, h.date, f.student_id, COUNT(*), SUM(f.minutes_spent - h.minutes)
FROM homework h JOIN homework_feedback f ON f.homework_id = h.id
WHERE h.kind = 'written' AND h.withdrawn_at IS NULL
GROUP BY h.class_id, h.date, f.student_id;
