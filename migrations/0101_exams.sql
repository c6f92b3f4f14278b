-- 0101_exams: exam plans (checked against EX-1..EX-3) and the scores behind the bands (EX-4).
-- A score never leaves the server: answers carry the band, computed when the score is entered
-- with the policy version it used. A cancelled plan keeps its row (cancelled_at set) and stops
-- counting against EX-2.

CREATE TABLE exams (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 9),
    term TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('final', 'midterm', 'quiz')),
    paper INTEGER NOT NULL,
    scope TEXT NOT NULL DEFAULT 'school',
    date TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',     -- '' : every subject of the grade
    name TEXT NOT NULL,
    full_marks INTEGER NOT NULL,
    policy_version TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    cancelled_at BIGINT
);
CREATE INDEX exams_school ON exams (school_id, grade, term);

CREATE TABLE exam_scores (
    exam_id BIGINT NOT NULL REFERENCES exams(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    score_tenths INTEGER NOT NULL,       -- kept for re-banding; never answered
    band TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    entered_by BIGINT NOT NULL REFERENCES users(id),
    entered_at BIGINT NOT NULL,
    PRIMARY KEY (exam_id, student_id)
);
CREATE INDEX exam_scores_student ON exam_scores (student_id);
