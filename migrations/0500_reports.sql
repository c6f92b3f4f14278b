-- 0500_reports: the reports module (RP-1..RP-3): the district's report settings, every submitted
-- revision of the half-monthly report, typical cases with their photos; and the read-only views
-- through which the module reads what the other modules recorded.
--
-- The views (rp_*) are the reports module's whole view of other modules' tables: its store
-- (src/reports/store*.c) reads these and nothing else of theirs, so a module that reshapes its
-- tables changes one view here, not the reports. They select columns only: no view computes a
-- figure (the pure rules of src/reports/rules.c do).

-- ---------- views of other modules ----------

-- core: the organisation tree and the people
CREATE VIEW rp_schools AS
    SELECT id, district_id, name, kind, rural, created_at FROM schools;
CREATE VIEW rp_classes AS
    SELECT id, district_id, school_id, grade, name FROM classes;
CREATE VIEW rp_pupils AS
    SELECT id, district_id, school_id, class_id FROM students;
CREATE VIEW rp_teachers AS
    SELECT r.user_id, r.school_id FROM user_roles r WHERE r.role = 'teacher' AND r.school_id IS NOT NULL;
CREATE VIEW rp_districts AS
    SELECT id, name, created_at FROM districts;

-- homework: each item as published, with the cap it was checked against (limit_minutes, the
-- rule that set it, the policy version), the families' reported times, and the class-day
-- roll-up the homework module keeps equal to the sums of its items (0100_homework.sql)
CREATE VIEW rp_hw_items AS
    SELECT id, district_id, school_id, class_id, grade, date, subject, title, kind, minutes,
           limit_minutes, rule, policy_version, withdrawn_at
    FROM homework;
CREATE VIEW rp_hw_feedback AS
    SELECT homework_id, student_id, minutes_spent FROM homework_feedback;
CREATE VIEW rp_hw_class_days AS
    SELECT class_id, date, district_id, school_id, grade, limit_minutes, items, written_items,
           written_minutes, reported
    FROM homework_days;

-- after-school service: programs, seats, duty
CREATE VIEW rp_as_programs AS
    SELECT id, district_id, school_id, term, name, kind, weekdays, start_time, end_time,
           start_min, end_min, first_day, last_day, staff_a, staff_b, status
    FROM afterschool_programs;
CREATE VIEW rp_as_enrolments AS
    SELECT id, district_id, school_id, program_id, student_id, status, seat_from, left_on
    FROM afterschool_enrolments;
CREATE VIEW rp_as_duties AS
    SELECT district_id, school_id, user_id, program_id, date, minutes FROM afterschool_duties;
CREATE VIEW rp_as_rolls AS
    SELECT r.id, r.district_id, r.school_id, r.program_id, r.date, r.taken_at,
           (SELECT COUNT(*) FROM afterschool_attendance a WHERE a.roll_id = r.id) AS marked,
           (SELECT COUNT(*) FROM afterschool_attendance a WHERE a.roll_id = r.id AND a.present = 1) AS present
    FROM afterschool_rolls r;

-- training: the registry
CREATE VIEW rp_institutions AS
    SELECT id, district_id, name, category, license_no, license_valid_until, state, created_at
    FROM institutions;

-- funds: the escrow ledger (entries of the escrow accounts) and the contract each belongs to
CREATE VIEW rp_escrow_entries AS
    SELECT e.district_id, e.contract_id, e.amount_fen, e.at
    FROM ledger_entries e WHERE e.account = 'escrow';
CREATE VIEW rp_contracts AS
    SELECT id, district_id, institution_id FROM contracts;

-- cases: the rectifications of inspections (with the inspection's day), and the complaints and
-- tip-offs assigned to a school (category, state and dates only: never the text or the tipster)
CREATE VIEW rp_rectifications AS
    SELECT r.id, r.district_id, r.school_id, r.inspection_id, i.date, r.rule, r.finding,
           r.due_date, r.status
    FROM rectifications r JOIN inspections i ON i.id = r.inspection_id;
CREATE VIEW rp_school_cases AS
    SELECT id, district_id, assigned_school_id AS school_id, category, source, status, arrived_on,
           due_date, closed_on, outcome
    FROM cases WHERE assigned_school_id IS NOT NULL;

-- ---------- the module's own tables ----------

-- The district's settings: the first day it reports for (NULL: the day the district was
-- created) and the baseline the reduction of subject institutions is measured against.
CREATE TABLE report_settings (
    district_id BIGINT PRIMARY KEY REFERENCES districts(id),
    since TEXT,
    baseline_date TEXT,
    baseline_subject_institutions BIGINT,   -- NULL: counted from the registry on baseline_date
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id)
);

-- Every submission of a half-monthly report: revision 1 is the first, each later one carries
-- its reason. figures is the canonical JSON (sorted keys, compact) of the report as submitted;
-- digest its SHA-256 in hex. Rows are never updated or deleted.
CREATE TABLE report_submissions (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    period TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    figures TEXT NOT NULL,
    digest TEXT NOT NULL,
    revision_reason TEXT,
    submitted_by BIGINT NOT NULL REFERENCES users(id),
    submitted_by_name TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    UNIQUE (district_id, period, revision)
);

-- 典型案例 (RP-2): a school submits; the district selects, edits and publishes.
CREATE TABLE typical_cases (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    term TEXT NOT NULL,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'selected', 'published')),
    submitted_by BIGINT NOT NULL REFERENCES users(id),
    submitted_at BIGINT NOT NULL,
    edited_by BIGINT REFERENCES users(id),
    edited_at BIGINT,
    selected_by BIGINT REFERENCES users(id),
    selected_at BIGINT,
    published_by BIGINT REFERENCES users(id),
    published_at BIGINT
);
CREATE INDEX typical_cases_district ON typical_cases (district_id, term, status);
CREATE INDEX typical_cases_school ON typical_cases (school_id, term);

-- Photos of a typical case: the bytes (base64) of a JPEG or PNG as checked on upload.
CREATE TABLE typical_case_photos (
    id ID_PK,
    case_id BIGINT NOT NULL REFERENCES typical_cases(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png')),
    bytes INTEGER NOT NULL,
    data TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX typical_case_photos_case ON typical_case_photos (case_id);
