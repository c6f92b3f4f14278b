// Losing the database connection, on one PostgreSQL (the three-node Patroni failover is
// tests/ha/failover.test.mjs): the server's connections are terminated under it, its database
// refuses connections for a while, and a connection dies in the middle of a COMMIT.
//   - every connection of the pool is replaced before its next use: no request fails for it;
//   - while no connection can be made: 503 `unavailable` with Retry-After, for reads and
//     writes, and nothing of a refused write is applied; it comes back by itself;
//   - a connection lost during COMMIT: 500 `outcome_unknown`, and the write is not re-sent;
//   - a server that takes no writes (25006, a former primary): 503, nothing applied.
// PostgreSQL only: SQLite has no connection to lose.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectStatus, world, psql, BACKEND } from './lib.mjs';
import { institution, contract } from './funds_world.mjs';

const pgOnly = { skip: BACKEND !== 'pg' && 'PostgreSQL only' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const dbName = (s) => new URL(s.db.url).pathname.slice(1);

// Terminates every session on the server's database and waits until those sessions are gone
// (the caches' listener, core/cache_bus.c, connects again at once: a new session is not one of
// them).
async function terminateAll(s) {
  const db = dbName(s);
  const pids = psql(process.env.SJ_PG_URL, `SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE datname = '${db}'`).trim();
  if (!pids) return;
  psql(process.env.SJ_PG_URL, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN (${pids})`);
  for (let i = 0; i < 100; i++) {
    if (psql(process.env.SJ_PG_URL, `SELECT COUNT(*) FROM pg_stat_activity WHERE pid IN (${pids})`).trim() === '0') return;
    await sleep(50);
  }
  assert.fail('sessions still there');
}

test('the server\'s connections terminated under it: each is replaced before its next use, no request fails', pgOnly, async () => {
  const s = await startServer(['--threads', '4']);
  try {
    const A = await s.admin();
    const w = await world(s);
    const path = `/api/v1/schools/${w.school.id}/classes`;
    expectStatus(await s.api('GET', path, undefined, A), 200);
    for (let round = 0; round < 2; round++) {
      await terminateAll(s);
      const rs = await Promise.all(Array.from({ length: 24 }, () => s.api('GET', path, undefined, A)));
      assert.deepEqual(rs.map((r) => r.status), Array(24).fill(200), JSON.stringify(rs.find((r) => r.status !== 200)?.body));
      expectStatus(await s.api('POST', '/api/v1/schools', { name: '重连后新建学校' + round, kind: 'primary' }, A), 201);
    }
  } finally { await s.stop(); }
});

test('no connection can be made: 503 unavailable with Retry-After for reads and writes, nothing applied, and back by itself', pgOnly, async () => {
  const s = await startServer(['--threads', '2']);
  const db = dbName(s);
  try {
    const A = await s.admin();
    const w = await world(s);
    const count = () => Number(psql(s.db.url, `SELECT COUNT(*) FROM schools`).trim());
    const schoolsBefore = count();
    psql(process.env.SJ_PG_URL, `ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS false`);
    await terminateAll(s);
    for (let i = 0; i < 3; i++) {
      const read = await s.api('GET', `/api/v1/schools/${w.school.id}/classes`, undefined, A);
      expectStatus(read, 503, 'unavailable');
      assert.equal(read.headers.get('retry-after'), '3');
      assert.equal(read.body.error.retry_after_s, 3);
      assert.match(read.body.error.message, /数据库/);
      const write = await s.api('POST', '/api/v1/schools', { name: '不该建成的学校' + i, kind: 'primary' }, A);
      expectStatus(write, 503, 'unavailable');
      assert.equal(write.headers.get('retry-after'), '3');
      const en = await s.api('GET', '/api/v1/me?lang=en', undefined, A);
      expectStatus(en, 503, 'unavailable');
      assert.match(en.body.error.message, /database/);
      await sleep(300); // past the pool's pause between attempts: each round tries again
    }
    psql(process.env.SJ_PG_URL, `ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS true`);
    await sleep(300);
    expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/classes`, undefined, A), 200);
    assert.equal(count(), schoolsBefore, 'a write answered 503 was applied');
    expectStatus(await s.api('POST', '/api/v1/schools', { name: '恢复后新建学校', kind: 'primary' }, A), 201);
    assert.equal(count(), schoolsBefore + 1);
  } finally {
    psql(process.env.SJ_PG_URL, `ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS true`);
    await s.stop();
  }
});

test('the connection dies during COMMIT: 500 outcome_unknown, the payment is not sent again, the next one goes through', pgOnly, async () => {
  const s = await startServer(['--threads', '2']);
  try {
    const A = await s.admin();
    const w = await world(s);
    const { course } = await institution(s);
    const c = await contract(s, w, course, 10);
    const pay = () => s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 100 }, w.guardian.token);
    expectStatus(await pay(), 201);
    // a deferred trigger runs inside COMMIT: it counts the attempt in a sequence (which no
    // rollback undoes) and ends its own session there
    psql(s.db.url, `CREATE SEQUENCE commit_attempts;
      CREATE FUNCTION die_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM nextval('commit_attempts'); PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(1); RETURN NULL; END $$;
      CREATE CONSTRAINT TRIGGER die_at_commit AFTER INSERT ON ledger_entries DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW WHEN (NEW.account = 'escrow') EXECUTE FUNCTION die_at_commit();`);
    const r = await pay();
    expectStatus(r, 500, 'outcome_unknown');
    assert.equal(r.headers.get('retry-after'), null, 'outcome_unknown invites no retry');
    assert.match(r.body.error.message, /无法确认/);
    assert.equal(psql(s.db.url, 'SELECT last_value FROM commit_attempts').trim(), '1', 'the COMMIT was sent again');
    psql(s.db.url, 'DROP TRIGGER die_at_commit ON ledger_entries');
    // here the session died before its commit record: nothing applied
    assert.equal(expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, A), 200).paid_fen, 100);
    expectStatus(await pay(), 201);
    const after = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, A), 200);
    assert.equal(after.paid_fen, 200);
    assert.equal(expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200).ok, true);
  } finally { await s.stop(); }
});

test('a server that no longer takes writes (a former primary, 25006): writes 503 and nothing applied, reads answered, writes back once it takes them', pgOnly, async () => {
  const s = await startServer(['--threads', '2']);
  const db = dbName(s);
  try {
    const A = await s.admin();
    const w = await world(s);
    const { course } = await institution(s);
    const c = await contract(s, w, course, 10);
    const count = () => Number(psql(s.db.url, 'SELECT COUNT(*) FROM schools').trim());
    const before = count();
    psql(process.env.SJ_PG_URL, `ALTER DATABASE ${db} SET default_transaction_read_only = on`);
    await terminateAll(s);
    // an autocommit INSERT and a payment's transaction, both refused by the server
    for (let i = 0; i < 2; i++) {
      const r = await s.api('POST', '/api/v1/schools', { name: '只读时新建学校' + i, kind: 'primary' }, A);
      expectStatus(r, 503, 'unavailable');
      assert.equal(r.headers.get('retry-after'), '3');
      expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 100 }, w.guardian.token), 503, 'unavailable');
      expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/classes`, undefined, A), 200);
    }
    psql(process.env.SJ_PG_URL, `ALTER DATABASE ${db} RESET default_transaction_read_only`);
    await terminateAll(s);
    assert.equal(count(), before, 'a refused write was applied');
    expectStatus(await s.api('POST', '/api/v1/schools', { name: '恢复写入后新建学校', kind: 'primary' }, A), 201);
    expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 100 }, w.guardian.token), 201);
    assert.equal(expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, A), 200).paid_fen, 100);
  } finally {
    psql(process.env.SJ_PG_URL, `ALTER DATABASE ${db} RESET default_transaction_read_only`);
    await s.stop();
  }
});
