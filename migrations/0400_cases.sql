-- 0400_cases: complaints and tip-offs followed to the end (CS-1, CS-2), joint enforcement
-- (CS-4), penalties (PN-1, PN-2), inspections with rectification (CS-3). See src/cases/cases.h.
--
-- A case is one complaint (a guardian's, source 'complaint'), one tip-off (anyone's, source
-- 'tip') or one an inspector opens ('inspector'). Its state: open -> assigned -> answered ->
-- closed, and back to assigned (or open) on reopen. due_date is CS-1's deadline in working days
-- of the district's calendar from arrived_on (the day it arrived, not counted).
-- The tipster's name and phone are sealed with the data key (core/pii.h) like every phone
-- number; only their masks are kept in clear. A tip's secret is kept only as a keyed hash.
-- Timestamps are BIGINT Unix seconds; dates TEXT YYYY-MM-DD in +08:00; money integer fen.
CREATE TABLE cases (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT REFERENCES schools(id),         -- the school the case is about
    institution_id BIGINT,                           -- the institution it is about (training)
    contract_id BIGINT,                              -- a guardian's contract it is about (funds)
    student_id BIGINT REFERENCES students(id),       -- the guardian's pupil it is about
    category TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('tip', 'complaint', 'inspector')),
    text TEXT NOT NULL,
    place TEXT,                                      -- a free place ("XX小区3栋")
    place_key TEXT,                                  -- the place without spaces or punctuation
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'assigned', 'answered', 'closed')),
    assigned_school_id BIGINT REFERENCES schools(id),
    assigned_user_id BIGINT REFERENCES users(id),
    filed_by BIGINT REFERENCES users(id),            -- the guardian or inspector; NULL for a tip
    arrived_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    answered_at BIGINT,
    answered_on TEXT,                                -- the day of the last public answer
    closed_at BIGINT,
    closed_on TEXT,                                  -- the day it was closed (+08:00)
    outcome TEXT CHECK (outcome IN ('substantiated', 'unsubstantiated', 'referred')),
    outcome_text TEXT,
    reopened INTEGER NOT NULL DEFAULT 0,             -- reopened by the one who filed it
    tracking_code TEXT UNIQUE,                       -- a tip's code (12 digits)
    secret_hash TEXT,                                -- keyed BLAKE2b of the tip's secret
    anonymous INTEGER NOT NULL DEFAULT 1,
    tipster_name_enc TEXT,
    tipster_name_masked TEXT,
    tipster_phone_enc TEXT,
    tipster_phone_masked TEXT,
    policy_version TEXT NOT NULL
);
CREATE INDEX cases_district_due ON cases (district_id, status, due_date);
CREATE INDEX cases_district_created ON cases (district_id, created_at);
CREATE INDEX cases_assigned_school ON cases (assigned_school_id, status, due_date);
CREATE INDEX cases_school ON cases (school_id, status);
CREATE INDEX cases_institution ON cases (institution_id);
CREATE INDEX cases_place ON cases (district_id, place_key);
CREATE INDEX cases_filed_by ON cases (filed_by);

-- Every change of a case: who, when, what. Append-only (a trigger refuses updates and deletes:
-- 0400_cases_guard.*.sql).
CREATE TABLE case_history (
    id LOG_PK,
    district_id BIGINT NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    at BIGINT NOT NULL,
    actor_id BIGINT,                                 -- NULL: the public (a tipster)
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,                            -- the case's status after the change
    detail TEXT
);
CREATE INDEX case_history_case ON case_history (case_id, id);

-- Replies: a public one is what the tipster or the guardian reads; an internal note is not.
CREATE TABLE case_replies (
    id ID_PK,
    district_id BIGINT NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    author_id BIGINT REFERENCES users(id),
    author_role TEXT NOT NULL,
    public INTEGER NOT NULL,
    text TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX case_replies_case ON case_replies (case_id, id);

-- Photos of a case or of a rectification's report: JPEG or PNG checked by their content, their
-- metadata (EXIF, location, text chunks) removed before they are stored (src/cases/photo.c);
-- the bytes as base64 so that both backends keep them as text.
CREATE TABLE case_photos (
    id ID_PK,
    district_id BIGINT NOT NULL,
    case_id BIGINT REFERENCES cases(id),
    rectification_id BIGINT,
    mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png')),
    bytes BIGINT NOT NULL,
    data TEXT NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),         -- NULL: the tipster
    at BIGINT NOT NULL
);
CREATE INDEX case_photos_case ON case_photos (case_id);
CREATE INDEX case_photos_rect ON case_photos (rectification_id);

-- The tip-off rate limit (CS-2): one row per tip and per key (the address, the phone), the key
-- only as a keyed hash; rows older than CS-2's keep days are deleted by the next tip.
CREATE TABLE tip_rate (
    id LOG_PK,
    district_id BIGINT NOT NULL,
    key_hash TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX tip_rate_key ON tip_rate (key_hash, at);
CREATE INDEX tip_rate_at ON tip_rate (at);

-- Penalties (PN-1, PN-2) decided on a case, with the measures applied in the same transaction.
CREATE TABLE case_penalties (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    institution_id BIGINT,
    party TEXT,                                      -- the one penalised, when not registered
    rule TEXT NOT NULL CHECK (rule IN ('PN-1', 'PN-2')),
    serious INTEGER NOT NULL DEFAULT 0,
    illegal_income_fen BIGINT NOT NULL,
    fine_fen BIGINT NOT NULL,
    measures TEXT NOT NULL,                          -- comma-separated
    text TEXT,
    contracts_refunded BIGINT NOT NULL DEFAULT 0,
    refund_fen BIGINT NOT NULL DEFAULT 0,
    decided_on TEXT NOT NULL,
    decided_by BIGINT NOT NULL REFERENCES users(id),
    decided_at BIGINT NOT NULL,
    policy_version TEXT NOT NULL
);
CREATE INDEX case_penalties_case ON case_penalties (case_id);
CREATE INDEX case_penalties_district ON case_penalties (district_id, decided_on);
CREATE INDEX case_penalties_institution ON case_penalties (institution_id);

-- Joint enforcement (CS-4): an action on a case, and each department's task and answer.
CREATE TABLE case_enforcements (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    date TEXT NOT NULL,
    place TEXT NOT NULL,
    findings TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX case_enforcements_case ON case_enforcements (case_id);

CREATE TABLE case_enforcement_departments (
    id ID_PK,
    district_id BIGINT NOT NULL,
    enforcement_id BIGINT NOT NULL REFERENCES case_enforcements(id),
    department TEXT NOT NULL,
    task TEXT NOT NULL,
    answer TEXT,
    answered_at BIGINT,
    UNIQUE (enforcement_id, department)
);

-- A reward for a substantiated tip (CS-2); at most one a case.
CREATE TABLE case_rewards (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    case_id BIGINT NOT NULL UNIQUE REFERENCES cases(id),
    amount_fen BIGINT NOT NULL,
    text TEXT,
    decided_by BIGINT NOT NULL REFERENCES users(id),
    decided_at BIGINT NOT NULL,
    policy_version TEXT NOT NULL
);

-- Inspections (CS-3) of a school or an institution; each finding cites a rule and becomes a
-- rectification with its own deadline: open -> submitted -> passed, or back to open.
CREATE TABLE inspections (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT REFERENCES schools(id),
    institution_id BIGINT,
    date TEXT NOT NULL,
    note TEXT,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    CHECK ((school_id IS NULL) <> (institution_id IS NULL))
);
CREATE INDEX inspections_district ON inspections (district_id, date);
CREATE INDEX inspections_school ON inspections (school_id);
CREATE INDEX inspections_institution ON inspections (institution_id);

CREATE TABLE rectifications (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    school_id BIGINT REFERENCES schools(id),
    institution_id BIGINT,
    rule TEXT NOT NULL,
    finding TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'passed')),
    report_text TEXT,
    reported_at BIGINT,
    review_text TEXT,
    reviewed_at BIGINT,
    returned INTEGER NOT NULL DEFAULT 0,             -- times sent back
    passed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX rectifications_inspection ON rectifications (inspection_id);
CREATE INDEX rectifications_district ON rectifications (district_id, status, due_date);
CREATE INDEX rectifications_school ON rectifications (school_id, status);
CREATE INDEX rectifications_institution ON rectifications (institution_id, status);

-- What happened to a rectification: reported, passed, sent back (append-only).
CREATE TABLE rectification_events (
    id LOG_PK,
    district_id BIGINT NOT NULL,
    rectification_id BIGINT NOT NULL REFERENCES rectifications(id),
    at BIGINT NOT NULL,
    actor_id BIGINT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('reported', 'passed', 'returned')),
    text TEXT NOT NULL
);
CREATE INDEX rectification_events_rect ON rectification_events (rectification_id, id);
