-- 0315: the trigger that keeps ledger_escrow_days (SQLite; see 0315_ledger_escrow_days.sql):
-- each escrow entry adds its amount to its institution's day, in the inserting transaction.
CREATE TRIGGER ledger_escrow_days_add AFTER INSERT ON ledger_entries
WHEN NEW.account = 'escrow' BEGIN
    INSERT INTO ledger_escrow_days (district_id, day, institution_id, amount_fen, entries)
    VALUES (NEW.district_id, (NEW.at + 28800) / 86400,
            COALESCE((SELECT institution_id FROM contracts WHERE id = NEW.contract_id), 0),
            NEW.amount_fen, 1)
    ON CONFLICT (district_id, day, institution_id) DO UPDATE SET
        amount_fen = amount_fen + excluded.amount_fen, entries = entries + 1;
END;
