-- 0311_ledger_indexes: a contract's balance is a SUM over its escrow entries on every movement;
-- one covering index answers it from the index alone, and the per-account index that no query
-- needs is dropped (every index is one more page written per movement).
DROP INDEX ledger_contract;
DROP INDEX ledger_account;
CREATE INDEX ledger_contract_sum ON ledger_entries (contract_id, account, kind, amount_fen);
