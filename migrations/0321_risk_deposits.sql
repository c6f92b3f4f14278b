-- 0321_risk_deposits: FU-4's alternative to escrow: a risk deposit (风险储备金) an institution
-- lodges with a bank, recorded by the district with its amount against the prepaid fees it
-- covers (checked against FU-4's risk_deposit_min_percent when recorded) and its validity.
CREATE TABLE risk_deposits (
    id ID_PK,
    district_id BIGINT NOT NULL REFERENCES districts(id),
    institution_id BIGINT NOT NULL REFERENCES institutions(id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    covers_prepaid_fen BIGINT NOT NULL CHECK (covers_prepaid_fen > 0),
    bank TEXT NOT NULL,
    reference TEXT NOT NULL,            -- the bank's certificate or guarantee number
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    note TEXT,
    policy_version TEXT NOT NULL,
    recorded_by BIGINT REFERENCES users(id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX risk_deposits_institution ON risk_deposits (institution_id, valid_to);
