// The ledger's integrity against the outside world: a server killed (SIGKILL) during a stream
// of payments loses none that were answered; a past ledger row edited directly in the database
// is refused by the append-only trigger, and when the trigger is removed first, verify reports
// the edit. SQLite (sqlite3 CLI) or PostgreSQL (psql) with SJ_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectStatus, ADMIN_PASSWORD, BACKEND, run } from './lib.mjs';
import { institution, contract, assertMoney, sqlDirect, world } from './funds_world.mjs';

let s, A;
before(async () => {
  s = await startServer();
  A = await s.admin();
});
after(async () => { await s.stop(); });

test('SIGKILL during a stream of payments: every payment answered 201 is in the ledger after restart', async () => {
  const w = await world(s);
  const { course } = await institution(s, { price: 4900 });
  const c = await contract(s, w, course, 60); // 294000 owed: room for many small payments
  const answered = [];
  let stop = false;
  const writers = Array.from({ length: 8 }, () => (async () => {
    while (!stop) {
      try {
        const r = await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 7 }, w.guardian.token);
        if (r.status === 201) answered.push(r.body.txn);
        else if (r.status !== 503) throw new Error('unexpected ' + r.status + JSON.stringify(r.body));
      } catch (e) {
        if (String(e).includes('unexpected')) throw e;
        return; // the connection died with the server
      }
    }
  })());
  await new Promise((r) => setTimeout(r, 800));
  await s.kill9();
  stop = true;
  await Promise.all(writers);
  assert.ok(answered.length > 10, 'too few payments before the kill: ' + answered.length);

  await s.start();
  A = await s.login('admin', ADMIN_PASSWORD);
  const got = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, A), 200);
  assertMoney(got);
  // at least every answered payment; at most one more per writer (committed, answer lost)
  assert.ok(got.paid_fen >= answered.length * 7, `paid ${got.paid_fen} < answered ${answered.length * 7}`);
  assert.ok(got.paid_fen <= (answered.length + 8) * 7);
  const txns = new Set();
  for (let off = 0; ; off += 500) {
    const led = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}/ledger?limit=500&offset=${off}`, undefined, A), 200);
    led.items.forEach((e) => txns.add(e.txn));
    if (off + 500 >= led.total) break;
  }
  assert.deepEqual(answered.filter((t) => !txns.has(t)), []);
  const v = expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200);
  assert.equal(v.ok, true, JSON.stringify(v));
  // and the ledger keeps going from where it was
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 1 }, w.guardian.token), 201);
});

test('a past ledger row edited in the database: the trigger refuses it; forced through, verify reports it', async () => {
  const w = await world(s);
  const { admin, course } = await institution(s, { price: 3000 });
  const c = await contract(s, w, course, 10);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 30000 }, w.guardian.token), 201);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-07' }, admin.token), 201);
  let v = expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200);
  assert.equal(v.ok, true);
  assert.equal(v.guarded, true);
  const seq = Number(sqlDirect(s, `SELECT MIN(seq) FROM ledger_entries WHERE contract_id = ${c.id}`).out.trim());
  assert.ok(seq > 0);

  // the append-only trigger refuses an UPDATE and a DELETE
  const upd = `UPDATE ledger_entries SET amount_fen = amount_fen + 100 WHERE seq = ${seq}`;
  const r1 = sqlDirect(s, upd);
  assert.equal(r1.ok, false);
  assert.match(r1.out, /append-only/);
  const r2 = sqlDirect(s, `DELETE FROM ledger_entries WHERE seq = ${seq}`);
  assert.equal(r2.ok, false);
  v = expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200);
  assert.equal(v.ok, true);

  // someone with the database files removes the trigger and edits the amount of a past entry
  const drop = BACKEND === 'pg'
    ? 'ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_change'
    : 'DROP TRIGGER ledger_entries_no_update';
  assert.equal(sqlDirect(s, drop).ok, true);
  const forced = sqlDirect(s, upd);
  assert.equal(forced.ok, true, forced.out);
  v = expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200);
  assert.equal(v.ok, false);
  assert.equal(v.guarded, false);
  assert.ok(v.problems.some((p) => p.includes(`seq ${seq}`) && p.includes('hash')), JSON.stringify(v.problems));
  // the district sees it in the history of checks
  const hist = expectStatus(await s.api('GET', '/api/v1/funds/verifications', undefined, A), 200);
  assert.equal(hist.items[0].ok, false);
  // and the nightly command fails with the problem named
  const cmd = await run(['verify', '--db', s.db.url], '', s.env);
  assert.equal(cmd.code, 1, cmd.stdout + cmd.stderr);
  assert.match(cmd.stdout, /NOT OK/);
  assert.match(cmd.stdout, new RegExp(`seq ${seq}`));
});

test('shuangjian verify: exit 0 on a sound ledger', async () => {
  const s2 = await startServer();
  const w = await world(s2);
  const { course } = await institution(s2, { price: 3000 });
  const c = await contract(s2, w, course, 2);
  expectStatus(await s2.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 6000 }, w.guardian.token), 201);
  const cmd = await run(['verify', '--db', s2.db.url], '', s2.env);
  assert.equal(cmd.code, 0, cmd.stdout + cmd.stderr);
  assert.match(cmd.stdout, /ledger: ok; 2 entries/);
  await s2.stop();
});

test('rewriting an entry\'s hash does not hide an edit: the next entry no longer links', async () => {
  // carries on from the edit above: rewrite the hash of the edited row as an attacker would
  const rows = sqlDirect(s, 'SELECT seq FROM ledger_entries WHERE seq > 1 ORDER BY seq LIMIT 1').out.trim();
  const seq = Number(rows);
  // replacing a row's hash with any other value breaks the link to the entry after it
  const fake = 'f'.repeat(64);
  assert.equal(sqlDirect(s, `UPDATE ledger_entries SET hash = '${fake}' WHERE seq = ${seq}`).ok, true);
  const v = expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200);
  assert.equal(v.ok, false);
  assert.ok(v.problems.some((p) => p.includes(`seq ${seq + 1}: prev_hash`)), JSON.stringify(v.problems));
});
