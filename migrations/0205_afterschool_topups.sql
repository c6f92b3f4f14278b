-- 0205_afterschool_topups: AS-10, the district budget's top-up of a rural school's after-school
-- gap for a term. The gap is the report's: cost (teacher subsidies at the district's AS-8 rate
-- plus the fees owed to vetted third parties for their programs' billed sessions) minus the fees
-- collected (the stored bills). Top-ups of a school and term never add up to more than that gap
-- as computed when each was recorded (src/afterschool/store_money.c, under a lock on the school).
CREATE TABLE afterschool_topups (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    school_id BIGINT NOT NULL REFERENCES schools(id),
    term TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    gap_fen BIGINT NOT NULL,              -- the gap when it was recorded
    note TEXT,
    policy_version TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX afterschool_topups_school ON afterschool_topups (school_id, term);
CREATE INDEX afterschool_topups_district ON afterschool_topups (district_id, term);
