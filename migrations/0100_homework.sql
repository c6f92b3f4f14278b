-- 0100_homework: homework items, their family-reported time, grade-leader adjustments, and
-- the two roll-ups the board, the grade matrix and the reports read.
--
-- Invariants (kept by src/homework/store.c inside the write transaction that serialises on the
-- class-day, see homework.h):
--   * homework_days(class_id, date) = the sums over that class-day's active items;
--   * homework_school_days(school_id, date, grade) = the sums over that school-grade-day's
--     homework_days rows;
--   * homework_subject_days(school_id, date, grade, subject) = the sums over the active items
--     of that school-grade-day and subject, and over their feedback.
-- A withdrawn item keeps its row (withdrawn_at set) and leaves every sum.

CREATE TABLE homework (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    grade INTEGER NOT NULL,
    date TEXT NOT NULL,
    day_kind TEXT NOT NULL,          -- school | weekend | holiday | vacation, when published
    subject TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('written', 'oral', 'reading', 'practical')),
    tier TEXT NOT NULL CHECK (tier IN ('required', 'optional')),
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    teacher_id BIGINT NOT NULL REFERENCES users(id),
    limit_minutes INTEGER NOT NULL,  -- the cap the check used (-1: no daily cap, vacation total)
    rule TEXT NOT NULL,              -- the rule that set the cap (HW-1..HW-4)
    policy_version TEXT NOT NULL,
    fb_count INTEGER NOT NULL DEFAULT 0,     -- feedback rows
    fb_minutes INTEGER NOT NULL DEFAULT 0,   -- their minutes_spent, summed
    fb_unfinished INTEGER NOT NULL DEFAULT 0,
    marked_at BIGINT,                -- HW-8: the teacher marked it
    marked_by BIGINT,
    withdrawn_at BIGINT,
    withdrawn_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX homework_class_day ON homework (class_id, date);
CREATE INDEX homework_school_day ON homework (school_id, date);
CREATE INDEX homework_teacher_day ON homework (teacher_id, date);

CREATE TABLE homework_feedback (
    id ID_PK,
    homework_id BIGINT NOT NULL REFERENCES homework(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    minutes_spent INTEGER NOT NULL CHECK (minutes_spent >= 0),
    completed INTEGER NOT NULL,
    bedtime INTEGER NOT NULL DEFAULT 0,   -- HW-10: stopped at bedtime, unfinished
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (homework_id, student_id)
);
CREATE INDEX homework_feedback_student ON homework_feedback (student_id);

-- A grade leader's move or shortening of an item; the teacher reads the reason.
CREATE TABLE homework_changes (
    id ID_PK,
    homework_id BIGINT NOT NULL REFERENCES homework(id),
    teacher_id BIGINT NOT NULL REFERENCES users(id),
    by_user BIGINT NOT NULL REFERENCES users(id),
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    from_minutes INTEGER NOT NULL,
    to_minutes INTEGER NOT NULL,
    reason TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    read_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX homework_changes_teacher ON homework_changes (teacher_id, id);

CREATE TABLE homework_days (
    class_id BIGINT NOT NULL REFERENCES classes(id),
    date TEXT NOT NULL,
    district_id BIGINT NOT NULL,
    school_id BIGINT NOT NULL,
    grade INTEGER NOT NULL,
    limit_minutes INTEGER NOT NULL,      -- -1: no daily cap (vacation)
    items INTEGER NOT NULL,
    written_items INTEGER NOT NULL,
    written_minutes INTEGER NOT NULL,
    written_subjects INTEGER NOT NULL,
    reported INTEGER NOT NULL,           -- 1 when a written item has family feedback
    reported_minutes INTEGER NOT NULL,   -- per written item the mean reported time (estimate if none)
    over_cap INTEGER NOT NULL,           -- written_minutes > limit_minutes
    reported_over_cap INTEGER NOT NULL,  -- reported and reported_minutes > limit_minutes
    PRIMARY KEY (class_id, date)
);
CREATE INDEX homework_days_school ON homework_days (school_id, date);
CREATE INDEX homework_days_over ON homework_days (district_id, date) WHERE over_cap = 1;
CREATE INDEX homework_days_rover ON homework_days (district_id, date) WHERE reported_over_cap = 1;

CREATE TABLE homework_school_days (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    date TEXT NOT NULL,
    grade INTEGER NOT NULL,
    district_id BIGINT NOT NULL,
    class_days INTEGER NOT NULL,         -- class-days with at least one item
    written_sum INTEGER NOT NULL,
    over_days INTEGER NOT NULL,
    reported_days INTEGER NOT NULL,
    reported_sum INTEGER NOT NULL,
    reported_over_days INTEGER NOT NULL,
    PRIMARY KEY (school_id, date, grade)
);
CREATE INDEX homework_school_days_district ON homework_school_days (district_id, date);

CREATE TABLE homework_subject_days (
    school_id BIGINT NOT NULL REFERENCES schools(id),
    date TEXT NOT NULL,
    grade INTEGER NOT NULL,
    subject TEXT NOT NULL,
    district_id BIGINT NOT NULL,
    items INTEGER NOT NULL,
    minutes INTEGER NOT NULL,            -- all kinds
    written_items INTEGER NOT NULL,
    written_minutes INTEGER NOT NULL,
    fb_count INTEGER NOT NULL,
    fb_minutes INTEGER NOT NULL,         -- reported
    fb_estimate INTEGER NOT NULL,        -- the estimates of the items those reports are about
    PRIMARY KEY (school_id, date, grade, subject)
);
CREATE INDEX homework_subject_days_district ON homework_subject_days (district_id, date);
