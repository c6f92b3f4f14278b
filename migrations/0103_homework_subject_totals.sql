-- 0103_homework_subject_totals: the per-subject roll-up moves from school level to district
-- level. A district report by subject read a row per school, grade, day and subject (1.1
-- million rows for a city term, 0.9 s in SQLite); a school's report by subject reads its own
-- items quickly through the class-day index. So each published, withdrawn, moved or reported
-- item now adds its deltas to one row per district, day, grade and subject, and the school-level
-- table goes. Invariant (src/homework/store.c): homework_subject_totals(district, date, grade,
-- subject) = the sums over the active items of that day, grade and subject, and their feedback.
CREATE TABLE homework_subject_totals (
    district_id BIGINT NOT NULL REFERENCES districts(id),
    date TEXT NOT NULL,
    grade INTEGER NOT NULL,
    subject TEXT NOT NULL,
    items BIGINT NOT NULL,
    minutes BIGINT NOT NULL,             -- all kinds
    written_items BIGINT NOT NULL,
    written_minutes BIGINT NOT NULL,
    fb_count BIGINT NOT NULL,
    fb_minutes BIGINT NOT NULL,          -- reported
    fb_estimate BIGINT NOT NULL,         -- the estimates of the items those reports are about
    PRIMARY KEY (district_id, date, grade, subject)
);

INSERT INTO homework_subject_totals (district_id, date, grade, subject, items, minutes,
                                     written_items, written_minutes, fb_count, fb_minutes,
                                     fb_estimate)
SELECT district_id, date, grade, subject, SUM(items), SUM(minutes), SUM(written_items),
       SUM(written_minutes), SUM(fb_count), SUM(fb_minutes), SUM(fb_estimate)
FROM homework_subject_days GROUP BY district_id, date, grade, subject;

DROP TABLE homework_subject_days;
