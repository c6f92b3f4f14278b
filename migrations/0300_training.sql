-- 0300_training: the registry of off-campus tutoring institutions (TR-1, TR-7), their staff
-- (TR-6) and courses (TR-2..TR-5, FU-1). Money is integer fen; dates TEXT YYYY-MM-DD.
CREATE TABLE institutions (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('subject', 'non_subject')),
    license_no TEXT NOT NULL UNIQUE,          -- 办学许可证编号
    license_valid_until TEXT,                 -- the licence's validity, YYYY-MM-DD
    uscc TEXT,                                -- 统一社会信用代码
    address TEXT NOT NULL,
    online INTEGER NOT NULL,
    non_profit INTEGER NOT NULL DEFAULT 0,
    contact TEXT,
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'suspended', 'closed')),
    state_reason TEXT,
    state_changed_at BIGINT,
    list TEXT NOT NULL DEFAULT 'none' CHECK (list IN ('none', 'white', 'black')),
    list_reason TEXT,
    list_changed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX institutions_district ON institutions (district_id, state);

-- 年检: one result per institution per year.
CREATE TABLE institution_inspections (
    id ID_PK,
    institution_id BIGINT NOT NULL REFERENCES institutions(id),
    year INTEGER NOT NULL,
    date TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('pass', 'rectify', 'fail')),
    note TEXT,
    inspector_id BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (institution_id, year)
);

-- Teachers and other staff. Identity numbers are kept only as a keyed hash and a mask.
CREATE TABLE institution_staff (
    id ID_PK,
    institution_id BIGINT NOT NULL REFERENCES institutions(id),
    name TEXT NOT NULL,
    teaches_subject INTEGER NOT NULL DEFAULT 0,
    subjects TEXT,
    cert_no TEXT,                             -- 教师资格证书编号
    cert_type INTEGER,
    id_hash TEXT,
    id_masked TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    policy_version TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX institution_staff_inst ON institution_staff (institution_id);
CREATE INDEX institution_staff_cert ON institution_staff (cert_no);

-- The district's staff black list (TR-6).
CREATE TABLE staff_blacklist (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    name TEXT NOT NULL,
    cert_no TEXT,
    id_hash TEXT,
    id_masked TEXT,
    reason TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX staff_blacklist_cert ON staff_blacklist (cert_no);
CREATE INDEX staff_blacklist_id ON staff_blacklist (id_hash);

-- A course: its schedule is JSON [{weekday, start, end, lessons?}], checked at creation.
CREATE TABLE courses (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    institution_id BIGINT NOT NULL REFERENCES institutions(id),
    name TEXT NOT NULL,
    subject TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('subject', 'non_subject')),
    online INTEGER NOT NULL,
    lesson_minutes INTEGER NOT NULL,
    price_per_lesson_fen BIGINT NOT NULL,
    price_cap_fen BIGINT,                     -- FU-1 cap when it was checked (subject courses)
    schedule TEXT NOT NULL,
    review_state TEXT NOT NULL DEFAULT 'pending'
        CHECK (review_state IN ('pending', 'approved', 'rejected')),
    review_note TEXT,
    policy_version TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX courses_institution ON courses (institution_id);
