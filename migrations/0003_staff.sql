-- 0003_staff: what a school's teacher roster adds to a staff account.
CREATE TABLE staff_profiles (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    staff_no TEXT,                   -- 工号
    title TEXT,                      -- 职称
    cert_no TEXT                     -- 教师资格证书编号
);
CREATE INDEX staff_profiles_school ON staff_profiles (school_id);
