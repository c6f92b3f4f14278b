-- homework_city_fill.sqlite.sql: a full autumn term of homework for every class of a demo
-- database (`shuangjian demo --scale city`), for bench/homework_reports.sh. SQLite dialect.
--
-- 90 school days from 2026-09-01 (Monday to Friday), and for each class-day the subjects the
-- class is taught less about one in five: 4 to 5 items a class-day, some 9 million items for the
-- 24,000 classes of the city demo. Estimates keep each day within its cap, as publishing would
-- (grades 1-2 get oral and reading work only); a third of the items carry family reports
-- (20 reports each) that run from 3 minutes short to 8 minutes long, so some class-days go over
-- the cap by the families' time. The roll-ups are then built from the items with the same
-- definitions src/homework/store.c keeps them by.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -1000000;
PRAGMA temp_store = MEMORY;

BEGIN;
CREATE TEMP TABLE bench_days (n INTEGER PRIMARY KEY, date TEXT NOT NULL);
WITH RECURSIVE d(n, date) AS (
    SELECT 0, '2026-09-01'
    UNION ALL SELECT n + 1, date(date, '+1 day') FROM d WHERE n < 200
)
INSERT INTO bench_days (date)
SELECT date FROM d WHERE strftime('%w', date) NOT IN ('0', '6') ORDER BY date LIMIT 90;

INSERT INTO homework (district_id, school_id, class_id, grade, date, day_kind, subject, title,
                      content, kind, tier, minutes, teacher_id, limit_minutes, rule,
                      policy_version, fb_count, fb_minutes, fb_unfinished, marked_at, created_at)
SELECT c.district_id, c.school_id, c.id, c.grade, d.date, 'school', t.subject,
       t.subject || '练习 第' || d.n || '课', NULL,
       CASE WHEN c.grade <= 2 THEN (CASE WHEN (t.id + d.n) % 2 = 0 THEN 'oral' ELSE 'reading' END)
            WHEN (t.id + d.n) % 7 = 0 THEN 'reading' ELSE 'written' END,
       CASE WHEN (t.id + d.n) % 5 = 0 THEN 'optional' ELSE 'required' END,
       CASE WHEN c.grade <= 6 THEN 6 + (t.id * 7 + d.n * 13) % 7 ELSE 8 + (t.id * 7 + d.n * 13) % 8 END,
       t.user_id,
       CASE WHEN c.grade <= 2 THEN 0 WHEN c.grade <= 6 THEN 60 ELSE 90 END,
       CASE WHEN c.grade <= 2 THEN 'HW-1' WHEN c.grade <= 6 THEN 'HW-2' ELSE 'HW-3' END,
       'national-2021',
       0, 0, 0,
       CASE WHEN (t.id + d.n) % 11 = 0 THEN NULL ELSE 1788000000 END,
       1788000000
FROM classes c
JOIN teaching t ON t.class_id = c.id
JOIN bench_days d
WHERE (t.id * 3 + d.n) % 5 <> 0;

-- family reports on a third of the items
UPDATE homework SET fb_count = 20,
       fb_minutes = 20 * (minutes - 3 + (id * 7) % 12),
       fb_unfinished = (id % 9 = 0)
WHERE id % 3 = 0;

INSERT INTO homework_days (class_id, date, district_id, school_id, grade, limit_minutes, items,
                           written_items, written_minutes, written_subjects, reported,
                           reported_minutes, over_cap, reported_over_cap)
SELECT class_id, date, district_id, school_id, grade, lim, items, witems, wmin, wsubj, rep, rmin,
       CASE WHEN wmin > lim THEN 1 ELSE 0 END,
       CASE WHEN rep = 1 AND rmin > lim THEN 1 ELSE 0 END
FROM (SELECT class_id, date, MAX(district_id) AS district_id, MAX(school_id) AS school_id,
             MAX(grade) AS grade, MAX(limit_minutes) AS lim, COUNT(*) AS items,
             SUM(CASE WHEN kind = 'written' THEN 1 ELSE 0 END) AS witems,
             SUM(CASE WHEN kind = 'written' THEN minutes ELSE 0 END) AS wmin,
             COUNT(DISTINCT CASE WHEN kind = 'written' THEN subject END) AS wsubj,
             MAX(CASE WHEN kind = 'written' AND fb_count > 0 THEN 1 ELSE 0 END) AS rep,
             SUM(CASE WHEN kind <> 'written' THEN 0
                      WHEN fb_count > 0 THEN (2 * fb_minutes + fb_count) / (2 * fb_count)
                      ELSE minutes END) AS rmin
      FROM homework GROUP BY class_id, date);

INSERT INTO homework_school_days (school_id, date, grade, district_id, class_days, written_sum,
                                  over_days, reported_days, reported_sum, reported_over_days)
SELECT school_id, date, grade, MAX(district_id), SUM(CASE WHEN items > 0 THEN 1 ELSE 0 END),
       SUM(written_minutes), SUM(over_cap), SUM(reported),
       SUM(CASE WHEN reported = 1 THEN reported_minutes ELSE 0 END), SUM(reported_over_cap)
FROM homework_days GROUP BY school_id, date, grade;

INSERT INTO homework_subject_totals (district_id, date, grade, subject, items, minutes,
                                     written_items, written_minutes, fb_count, fb_minutes,
                                     fb_estimate)
SELECT district_id, date, grade, subject, COUNT(*), SUM(minutes),
       SUM(CASE WHEN kind = 'written' THEN 1 ELSE 0 END),
       SUM(CASE WHEN kind = 'written' THEN minutes ELSE 0 END),
       SUM(fb_count), SUM(fb_minutes), SUM(fb_count * minutes)
FROM homework GROUP BY district_id, date, grade, subject;
COMMIT;
ANALYZE;
