-- 0001_core: districts, schools, classes, people, roles, sessions, audit, policy versions.
-- ID_PK is a 64-bit auto id primary key on both backends; LOG_PK the same for append-only
-- tables (on SQLite without AUTOINCREMENT's extra page per insert). Booleans are INTEGER 0/1.
-- Timestamps are BIGINT Unix seconds; dates are TEXT YYYY-MM-DD.

CREATE TABLE districts (
    id ID_PK,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE schools (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('primary', 'junior', 'nine_year')),
    rural INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (district_id, name)
);

CREATE TABLE classes (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 9),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (school_id, grade, name)
);
CREATE INDEX classes_school ON classes (school_id, grade);

CREATE TABLE users (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,              -- Argon2id string; NULL = cannot log in yet
    phone_enc TEXT,                  -- secretbox, hex
    phone_hash TEXT,                 -- keyed hash for look-up
    phone_masked TEXT,
    id_type TEXT,
    id_enc TEXT,
    id_hash TEXT,
    id_masked TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX users_phone ON users (phone_hash);
CREATE INDEX users_idno ON users (id_hash);

CREATE TABLE user_roles (
    id ID_PK,
    user_id BIGINT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    school_id BIGINT REFERENCES schools(id),
    grade INTEGER,
    institution_id BIGINT
);
CREATE INDEX user_roles_user ON user_roles (user_id);
CREATE INDEX user_roles_school ON user_roles (school_id, role);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,     -- BLAKE2b of the token; the token itself is never stored
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    username TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    first_at BIGINT NOT NULL
);

CREATE TABLE teaching (
    id ID_PK,
    class_id BIGINT NOT NULL REFERENCES classes(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    subject TEXT NOT NULL,
    UNIQUE (class_id, user_id, subject)
);
CREATE INDEX teaching_user ON teaching (user_id);

CREATE TABLE students (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    name TEXT NOT NULL,
    student_no TEXT NOT NULL,
    gender TEXT,
    id_type TEXT,
    id_enc TEXT,
    id_hash TEXT,
    id_masked TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (district_id, student_no)
);
CREATE INDEX students_class ON students (class_id, student_no);

CREATE TABLE guardianships (
    student_id BIGINT NOT NULL REFERENCES students(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    relation TEXT,
    PRIMARY KEY (student_id, user_id)
);
CREATE INDEX guardianships_user ON guardianships (user_id);

CREATE TABLE audit_log (
    id LOG_PK,
    district_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    user_id BIGINT,
    username TEXT,
    action TEXT NOT NULL,
    target_kind TEXT,
    target_id BIGINT,
    status INTEGER,
    detail TEXT,
    ip TEXT,
    request_id TEXT
);
CREATE INDEX audit_at ON audit_log (district_id, at);
CREATE INDEX audit_user ON audit_log (user_id, at);

CREATE TABLE policy_versions (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    effective_from TEXT NOT NULL,
    body TEXT NOT NULL,              -- the district's overrides, JSON
    created_at BIGINT NOT NULL,
    created_by BIGINT
);
