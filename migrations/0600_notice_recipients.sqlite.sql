-- 0600_notice_recipients (SQLite): one row per recipient of a notice (notices.h), written in
-- bulk by one INSERT ... SELECT per notice: a notice to every guardian of a city is a million
-- rows in one statement. For a guardian, the pupil and class that brought the notice (the
-- first one, for a family with two children in it); read_at is NULL until they open it.
-- No foreign keys: every row comes from a notice and from users that exist, written by that
-- one statement, and a key checked a million times would double the time of sending.
-- WITHOUT ROWID: the rows live in the primary key's b-tree, one b-tree fewer to write.
CREATE TABLE notice_recipients (
    notice_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    district_id BIGINT NOT NULL,
    school_id BIGINT,
    class_id BIGINT,
    student_id BIGINT,
    read_at BIGINT,
    PRIMARY KEY (notice_id, user_id)
) WITHOUT ROWID;
CREATE INDEX notice_recipients_user ON notice_recipients (user_id, notice_id);
