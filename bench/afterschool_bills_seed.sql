-- afterschool_bills_seed.sql: a term of after-school service for every school of a database
-- filled by `shuangjian demo` (bench/afterschool.md). __TERM__, __FIRST__, __LAST__, __MID__
-- are replaced by bench/afterschool.sh. Runs unchanged on SQLite and PostgreSQL.
--
-- Per school: care Monday to Friday 15:30-18:00 (200 fen/hour, 150 at rural schools) and four
-- courses 16:30-18:00, one each Monday to Thursday (300 fen/hour, 250 rural). Four pupils in
-- five take care; every other pupil takes one course (overlapping care on that day, so AS-7
-- applies); one in fifty left a program mid-term; one in thirty-three is exempt (AS-5).
BEGIN;
INSERT INTO afterschool_programs (district_id, school_id, term, name, kind, provider, capacity,
    weekdays, start_time, end_time, start_min, end_min, fee_per_hour_fen, first_day, last_day,
    policy_version, created_at)
SELECT district_id, id, '__TERM__', '课后托管', 'care', 'school', 5000, 62, '15:30', '18:00', 930,
    1080, CASE WHEN rural = 1 THEN 150 ELSE 200 END, '__FIRST__', '__LAST__', 'national-2021', 0
FROM schools;
INSERT INTO afterschool_programs (district_id, school_id, term, name, kind, provider, capacity,
    weekdays, start_time, end_time, start_min, end_min, fee_per_hour_fen, first_day, last_day,
    policy_version, created_at)
SELECT s.district_id, s.id, '__TERM__', '兴趣课程' || c.k, 'course', 'school', 5000,
    CASE c.k WHEN 1 THEN 2 WHEN 2 THEN 4 WHEN 3 THEN 8 ELSE 16 END, '16:30', '18:00', 990, 1080,
    CASE WHEN s.rural = 1 THEN 250 ELSE 300 END, '__FIRST__', '__LAST__', 'national-2021', 0
FROM schools s, (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) c;
INSERT INTO afterschool_enrolments (district_id, school_id, program_id, student_id, status,
    seat_from, source, created_at, updated_at)
SELECT st.district_id, st.school_id, p.id, st.id, 'enrolled', '__FIRST__', 'guardian', 0, 0
FROM students st JOIN afterschool_programs p ON p.school_id = st.school_id
    AND p.term = '__TERM__' AND p.kind = 'care'
WHERE st.id % 5 <> 0;
INSERT INTO afterschool_enrolments (district_id, school_id, program_id, student_id, status,
    seat_from, source, created_at, updated_at)
SELECT st.district_id, st.school_id, p.id, st.id, 'enrolled', '__FIRST__', 'guardian', 0, 0
FROM students st JOIN afterschool_programs p ON p.school_id = st.school_id
    AND p.term = '__TERM__' AND p.name = '兴趣课程' || ((st.id / 2) % 4 + 1)
WHERE st.id % 2 = 0;
UPDATE afterschool_enrolments SET status = 'left', left_on = '__MID__'
WHERE student_id % 50 = 1 AND program_id IN
    (SELECT id FROM afterschool_programs WHERE term = '__TERM__');
INSERT INTO afterschool_waivers (student_id, district_id, school_id, reason, set_at)
SELECT id, district_id, school_id, '家庭经济困难', 0 FROM students WHERE id % 33 = 0;
COMMIT;
