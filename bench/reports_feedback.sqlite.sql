-- reports_feedback.sqlite.sql: family reports as rows for one half-month of the city term that
-- homework_city_fill.sqlite.sql made, for bench/reports.sh's second round. The fill keeps the
-- families' time only as sums on the items (fb_count, fb_minutes), which is all the homework
-- reports read; the half-monthly report's median (RP-1) reads the rows themselves. Here every
-- written item of 2026-11-16 .. 2026-11-30 that carries reports gets three families' rows (the
-- class's pupils numbered 001 to 003), from 3 minutes short of the estimate to 8 minutes over,
-- so some class-days' medians pass the cap by more than the tolerance. The homework module's
-- triggers (0110) keep homework_family_days, which the median reads, as the rows go in.
-- SQLite dialect.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -1000000;
PRAGMA temp_store = MEMORY;

BEGIN;
DELETE FROM homework_feedback WHERE homework_id IN
    (SELECT id FROM homework WHERE date >= '2026-11-16' AND date <= '2026-11-30');
INSERT INTO homework_feedback (homework_id, student_id, user_id, minutes_spent, completed,
                               created_at, updated_at)
SELECT h.id, s.id, h.teacher_id, h.minutes - 3 + ((h.id * 7 + s.id * 13) % 12), 1, 1795000000,
       1795000000
FROM homework h
JOIN students s ON s.class_id = h.class_id
WHERE h.date >= '2026-11-16' AND h.date <= '2026-11-30' AND h.kind = 'written'
  AND h.withdrawn_at IS NULL AND h.fb_count > 0
  AND substr(s.student_no, -3) IN ('001', '002', '003');
COMMIT;
ANALYZE;
