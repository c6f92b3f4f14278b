-- 0501_reports_kept_totals: the report reads two roll-ups the owning modules keep, through views
-- like the rest of 0500: the families' time per class-day (homework, 0110) for the median of
-- schools_homework_within_limits, and the escrow per institution and day (funds, 0315) for
-- escrow_fen. Each equals what the raw rows give (the homework and funds API tests check it;
-- `shuangjian verify` recomputes the escrow's from the ledger).
CREATE VIEW rp_hw_family_days AS
    SELECT class_id, date, student_id, items, excess_minutes FROM homework_family_days;
CREATE VIEW rp_escrow_days AS
    SELECT district_id, day, institution_id, amount_fen FROM ledger_escrow_days;
