-- 0315_ledger_escrow_days: the escrow each institution's contracts took in or gave out on each
-- day (China Standard Time), kept beside the ledger so that the district's escrow at a date
-- (the half-monthly report, RP-1) reads some tens of thousands of rows instead of every entry.
--
-- It is a cache, never a source: the ledger stays append-only and every balance stays derivable
-- from ledger_entries alone. A trigger on ledger_entries (0315_ledger_escrow_days_keep.
-- {sqlite,pg}.sql) adds each escrow entry to its row in the inserting statement's transaction
-- (funds_ledger_post's, under the district's ledger lock); the ledger is never updated or
-- deleted from (0313), so nothing else moves a row. funds_verify (src/funds/ledger.c)
-- recomputes every row from the ledger and reports any row that differs.
-- Invariant: ledger_escrow_days(district, institution, day) = SUM and COUNT of the district's
-- escrow entries whose contract belongs to the institution (0: a contract without a row) and
-- whose `at` falls on that day, day = (at + 8 h) / 1 day, days since 1970-01-01.
CREATE TABLE ledger_escrow_days (
    district_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    institution_id BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    entries BIGINT NOT NULL,
    PRIMARY KEY (district_id, day, institution_id)
);

INSERT INTO ledger_escrow_days (district_id, day, institution_id, amount_fen, entries)
SELECT e.district_id, (e.at + 28800) / 86400, COALESCE(k.institution_id, 0), SUM(e.amount_fen),
       COUNT(*)
FROM ledger_entries e LEFT JOIN contracts k ON k.id = e.contract_id
WHERE e.account = 'escrow'
GROUP BY e.district_id, (e.at + 28800) / 86400, COALESCE(k.institution_id, 0);
