-- 0104_homework_marks: HW-8 marking per pupil (全批全改). A teacher records each pupil's work
-- as marked (in writing, or face to face: 面批), or the whole class at once face to face (a
-- class-wide 面批). An item counts as marked (homework.marked_at) once the class-wide marking is
-- recorded or every pupil of the class has a mark; homework.marked_mode says which:
--   'class'  the whole class at once (POST /homework/{id}/mark, or /marks with class_wide);
--   'pupils' every pupil of the class one by one;
--   NULL     not marked, or marked before this migration (then marked_at alone says it).
-- Items still not marked some days after their date (HW-8.unmarked_after_days) are flagged per
-- teacher for the school (GET /schools/{id}/homework/unmarked/teachers).
CREATE TABLE homework_marks (
    homework_id BIGINT NOT NULL REFERENCES homework(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    mode TEXT NOT NULL CHECK (mode IN ('written', 'face')),
    by_user BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL,
    PRIMARY KEY (homework_id, student_id)
);

ALTER TABLE homework ADD COLUMN marked_mode TEXT;
