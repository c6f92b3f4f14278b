-- 0600_notices: notices to staff and families with read receipts and reminders (NT-1), their
-- attachments, and families' evaluations of after-school programs (NT-2). See src/notices/notices.h.

-- A notice as sent. school_id is the school whose admins follow it (NULL: the district's own);
-- recipients and read_count are kept here as they change, so the receipt summary of a notice
-- to a million families never counts rows.
CREATE TABLE notices (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT REFERENCES schools(id),
    sender_id BIGINT NOT NULL REFERENCES users(id),
    from_label TEXT NOT NULL,                -- "城关小学 王建国", as the recipients see it
    title TEXT NOT NULL,
    body TEXT NOT NULL,                      -- plain text with line breaks
    audience TEXT NOT NULL,                  -- the audience as the sender asked for it, JSON
    public INTEGER NOT NULL DEFAULT 0,       -- shown on the district's public page (宣传)
    recipients INTEGER NOT NULL DEFAULT 0,
    read_count INTEGER NOT NULL DEFAULT 0,
    reminders INTEGER NOT NULL DEFAULT 0,
    reminded_at BIGINT,                      -- the last reminder
    created_at BIGINT NOT NULL
);
CREATE INDEX notices_sender ON notices (sender_id, id);
CREATE INDEX notices_school ON notices (district_id, school_id, id);
CREATE INDEX notices_public ON notices (district_id, public, id);

-- The audience resolved within the sender's scope: each row the pupils and staff of a school,
-- a grade or a class (NULL = any). The recipients are written from these rows.
CREATE TABLE notice_targets (
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT,
    grade INTEGER,
    class_id BIGINT
);
CREATE INDEX notice_targets_notice ON notice_targets (notice_id);

-- notice_recipients: one row per recipient, in 0600_notice_recipients.{sqlite,pg}.sql.

-- Reminders of the unread (NT-1: at most reminders_per_day on one day of the district).
CREATE TABLE notice_reminders (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    day TEXT NOT NULL,
    unread INTEGER NOT NULL,                 -- how many it reached
    sent_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX notice_reminders_notice ON notice_reminders (notice_id, day);

-- Attachments: PDF or images, type found from the content, base64 in `data`. An upload waits
-- with notice_id NULL until its uploader sends a notice with it.
CREATE TABLE notice_attachments (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    notice_id BIGINT REFERENCES notices(id),
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size BIGINT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX notice_attachments_notice ON notice_attachments (notice_id);
CREATE INDEX notice_attachments_upload ON notice_attachments (uploaded_by, notice_id);

-- NT-2: a family's evaluation of an after-school program, one per pupil per program per term.
-- Who wrote it (guardian_id, student_id) is kept for that rule only; no answer names them.
CREATE TABLE notice_evaluations (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    program_id BIGINT NOT NULL,              -- afterschool_programs (another module's: no key)
    student_id BIGINT NOT NULL REFERENCES students(id),
    guardian_id BIGINT NOT NULL REFERENCES users(id),
    term TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100), -- the range is NT-2's (policy)
    comment TEXT,
    policy_version TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (program_id, student_id, term)
);
CREATE INDEX notice_evaluations_school ON notice_evaluations (school_id, term);
CREATE INDEX notice_evaluations_district ON notice_evaluations (district_id, term);
