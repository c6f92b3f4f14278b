// The escrow ledger's append-only triggers are schema (migrations 0313_ledger_guard.sqlite.sql
// and .pg.sql): in place before the first movement, refusing UPDATE and DELETE on both
// backends. A database from before 0313 had them already, made at run time with a district's
// first movement; running 0313 over it leaves exactly one of each. Runs on SQLite and, with
// SJ_PG_URL, on PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectStatus, BACKEND } from './lib.mjs';
import { institution, contract, sqlDirect, world } from './funds_world.mjs';

const TRIGGERS = BACKEND === 'pg'
  ? "SELECT tgname FROM pg_trigger WHERE tgrelid = 'ledger_entries'::regclass AND NOT tgisinternal ORDER BY tgname"
  : "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger_entries' ORDER BY name";
// the guard's, and the one that keeps the per-institution escrow days (0315)
const EXPECTED = BACKEND === 'pg'
  ? ['ledger_entries_no_change', 'ledger_entries_no_truncate', 'ledger_escrow_days_add']
  : ['ledger_entries_no_delete', 'ledger_entries_no_update', 'ledger_escrow_days_add'];

function triggers(s) {
  const r = sqlDirect(s, TRIGGERS);
  assert.equal(r.ok, true, r.out);
  return r.out.split('\n').map((x) => x.trim()).filter(Boolean);
}

test('the append-only triggers are there before any movement; running 0313 again over them leaves exactly one of each', async () => {
  const s = await startServer();
  try {
    const A = await s.admin();
    // a new database: no movement yet, the guard in place all the same
    let v = expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200);
    assert.deepEqual([v.ok, v.entries, v.guarded], [true, 0, true]);
    assert.deepEqual(triggers(s), EXPECTED);

    const w = await world(s);
    const { course } = await institution(s, { price: 3000 });
    const c = await contract(s, w, course, 10);
    expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 9000 }, w.guardian.token), 201);
    const seq = Number(sqlDirect(s, `SELECT MIN(seq) FROM ledger_entries WHERE contract_id = ${c.id}`).out.trim());
    const upd = sqlDirect(s, `UPDATE ledger_entries SET amount_fen = 1 WHERE seq = ${seq}`);
    assert.equal(upd.ok, false);
    assert.match(upd.out, /append-only/);
    assert.equal(sqlDirect(s, 'DELETE FROM ledger_entries').ok, false);

    // a database whose triggers were made before 0313, the migration not yet recorded: the
    // server runs it at start and the triggers stay one of each
    await s.stop({ keep: true });
    assert.equal(sqlDirect(s, "DELETE FROM schema_migrations WHERE name LIKE '0313_ledger_guard.%'").ok, true);
    await s.start();
    assert.deepEqual(triggers(s), EXPECTED);
    const ran = sqlDirect(s, "SELECT COUNT(*) FROM schema_migrations WHERE name LIKE '0313_ledger_guard.%'");
    assert.equal(Number(ran.out.trim()), 1);
    assert.equal(sqlDirect(s, `UPDATE ledger_entries SET amount_fen = 1 WHERE seq = ${seq}`).ok, false);

    // the ledger goes on where it was and still verifies
    expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 3000 }, w.guardian.token), 201);
    v = expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200);
    assert.deepEqual([v.ok, v.entries, v.guarded], [true, 4, true], JSON.stringify(v));
  } finally {
    await s.stop();
  }
});
