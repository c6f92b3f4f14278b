-- 0315: the trigger that keeps ledger_escrow_days (PostgreSQL; see 0315_ledger_escrow_days.sql):
-- each escrow entry adds its amount to its institution's day, in the inserting transaction.
CREATE OR REPLACE FUNCTION ledger_escrow_days_add() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    IF NEW.account = 'escrow' THEN
        INSERT INTO ledger_escrow_days (district_id, day, institution_id, amount_fen, entries)
        VALUES (NEW.district_id, (NEW.at + 28800) / 86400,
                COALESCE((SELECT institution_id FROM contracts WHERE id = NEW.contract_id), 0),
                NEW.amount_fen, 1)
        ON CONFLICT (district_id, day, institution_id) DO UPDATE SET
            amount_fen = ledger_escrow_days.amount_fen + EXCLUDED.amount_fen,
            entries = ledger_escrow_days.entries + 1;
    END IF;
    RETURN NULL;
END $f$;
CREATE OR REPLACE TRIGGER ledger_escrow_days_add AFTER INSERT ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION ledger_escrow_days_add();
