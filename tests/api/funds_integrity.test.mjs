// The ledger's integrity against the outside world: a server killed (SIGKILL) during a stream
// of payments loses none that were answered; a past ledger row edited directly in the database
// is refused by the append-only trigger, and when the trigger is removed first, verify reports
// the edit. Against someone who can write the database file: signed checkpoints (the command,
// the public route, verify against them and against a copy kept elsewhere) catch the last
// movement deleted with the head moved back, amounts changed with every hash recomputed, and
// forged checkpoint rows. SQLite (sqlite3 CLI) or PostgreSQL (psql) with SJ_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, expectStatus, ADMIN_PASSWORD, BACKEND, run, Server } from './lib.mjs';
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
  // kill once a stream is under way: after 20 answered payments (however loaded the machine)
  for (let waited = 0; answered.length < 20 && waited < 60000; waited += 50)
    await new Promise((r) => setTimeout(r, 50));
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

// ---------- signed checkpoints against whoever holds the database file ----------
// Two rewrites the hash chain alone cannot see: the last movement deleted with the chain head
// moved back, and amounts changed with every hash after them recomputed (each done with the
// append-only triggers disabled and put back). A checkpoint signed before either catches it;
// so does a copy of the checkpoints kept elsewhere when the checkpoint rows are removed too.

// SQLite: the default key beside the database (PATH.sign); PostgreSQL: named explicitly.
const keyArgs = (srv) => (BACKEND === 'pg' ? ['--sign-key', join(srv.dir, 'ledger.sign')] : []);
const signKeyPath = (srv) => (BACKEND === 'pg' ? join(srv.dir, 'ledger.sign') : srv.db.url.slice(7) + '.sign');

async function keyedServer() {
  const srv = new Server();
  await srv.init();
  await srv.start(keyArgs(srv));
  await srv.admin();
  return srv;
}
const checkpoint = (srv, extra = []) => run(['checkpoint', '--db', srv.db.url, ...keyArgs(srv), ...extra], '', srv.env);
const verifyCmd = (srv, extra = []) => run(['verify', '--db', srv.db.url, ...keyArgs(srv), ...extra], '', srv.env);

// The attacker's tools: the triggers off and back on, the chain's hash recomputed.
const SQLITE_TRIGGERS = {
  ledger_entries_no_update: 'CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, \'ledger_entries is append-only\'); END;',
  ledger_entries_no_delete: 'CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, \'ledger_entries is append-only\'); END;',
  ledger_checkpoints_no_update: 'CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints BEGIN SELECT RAISE(ABORT, \'ledger_checkpoints is append-only\'); END;',
  ledger_checkpoints_no_delete: 'CREATE TRIGGER ledger_checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints BEGIN SELECT RAISE(ABORT, \'ledger_checkpoints is append-only\'); END;',
};
function asOwner(srv, sql) {
  const off = BACKEND === 'pg'
    ? 'ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_change; ALTER TABLE ledger_checkpoints DISABLE TRIGGER ledger_checkpoints_no_change;'
    : Object.keys(SQLITE_TRIGGERS).map((t) => `DROP TRIGGER ${t};`).join(' ');
  const on = BACKEND === 'pg'
    ? 'ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_no_change; ALTER TABLE ledger_checkpoints ENABLE TRIGGER ledger_checkpoints_no_change;'
    : Object.values(SQLITE_TRIGGERS).join(' ');
  const r = sqlDirect(srv, `${off} ${sql} ${on}`);
  assert.equal(r.ok, true, r.out);
}
const entryHash = (prev, e) => execFileSync('b2sum', ['-l', '256'], {
  input: `sj-ledger-v1|${prev}|${e.district}|${e.seq}|${e.txn}|${e.kind}|${e.account}|${e.account_id}|${e.contract_id}|${e.amount}|${e.actor}|${e.at}`,
}).toString().split(' ')[0];
function entries(srv) {
  return sqlDirect(srv, 'SELECT district_id, seq, txn, kind, account, account_id, contract_id, amount_fen, actor, at, prev_hash, hash FROM ledger_entries ORDER BY seq')
    .out.trim().split('\n').map((l) => {
      const [district, seq, txn, kind, account, account_id, contract_id, amount, actor, at, prev, hash] = l.split('|');
      return { district, seq: Number(seq), txn: Number(txn), kind, account, account_id, contract_id, amount: Number(amount), actor, at, prev, hash };
    });
}
// Someone who rewrites the ledger and knows the schema puts the kept per-institution escrow
// days (0315, a cache of the ledger) in line with it too, so that only the checkpoints can tell.
const RECOMPUTE_ESCROW_DAYS = ' DELETE FROM ledger_escrow_days;'
  + ' INSERT INTO ledger_escrow_days (district_id, day, institution_id, amount_fen, entries)'
  + ' SELECT e.district_id, (e.at + 28800) / 86400, COALESCE(k.institution_id, 0), SUM(e.amount_fen), COUNT(*)'
  + ' FROM ledger_entries e LEFT JOIN contracts k ON k.id = e.contract_id WHERE e.account = \'escrow\''
  + ' GROUP BY e.district_id, (e.at + 28800) / 86400, COALESCE(k.institution_id, 0);';
// (a) the last movement deleted, the head moved back onto the entry before it
function deleteLastMovement(srv) {
  const all = entries(srv);
  const last = all[all.length - 1].txn;
  const keep = all.filter((e) => e.txn !== last);
  const top = keep[keep.length - 1];
  asOwner(srv, `DELETE FROM ledger_entries WHERE txn = ${last};`
    + ` UPDATE ledger_heads SET seq = ${top.seq}, txn = ${top.txn}, hash = '${top.hash}';` + RECOMPUTE_ESCROW_DAYS);
  return { removed: all.length - keep.length, left: keep.length };
}
// (b) one movement's amounts changed on both sides, every hash from there on recomputed
function rewriteAmounts(srv, txn, amount) {
  const all = entries(srv);
  let prev = '0'.repeat(64);
  const sql = [];
  for (const e of all) {
    if (e.txn === txn) e.amount = e.amount > 0 ? amount : -amount;
    const h = entryHash(prev, e);
    if (h !== e.hash || prev !== e.prev || e.txn === txn)
      sql.push(`UPDATE ledger_entries SET amount_fen = ${e.amount}, prev_hash = '${prev}', hash = '${h}' WHERE seq = ${e.seq};`);
    prev = h;
  }
  sql.push(`UPDATE ledger_heads SET hash = '${prev}';`);
  asOwner(srv, sql.join(' ') + RECOMPUTE_ESCROW_DAYS);
}

// A contract with movements: payments of 10000 and 10000, one lesson (3000), a payment of 5000.
async function movements(srv) {
  const w = await world(srv);
  const { admin, course } = await institution(srv, { price: 3000 });
  const c = await contract(srv, w, course, 10);
  const pay = async (fen) => expectStatus(await srv.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: fen }, w.guardian.token), 201);
  const first = await pay(10000);
  await pay(10000);
  expectStatus(await srv.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-07' }, admin.token), 201);
  return { c, first, pay };
}

test('checkpoint: the key made on first use (0600) beside a SQLite database or named on PostgreSQL; the head signed; the route is public, paged, and its signatures check with any Ed25519 tool', async () => {
  const srv = await keyedServer();
  try {
    const { pay } = await movements(srv);
    await pay(5000);
    if (BACKEND === 'pg') {
      const no = await run(['checkpoint', '--db', srv.db.url], '', srv.env);
      assert.equal(no.code, 2, no.stderr);
      assert.match(no.stderr, /--sign-key FILE/);
    }
    let r = await checkpoint(srv);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /checkpoint #\d+: district \d+, 8 entries/);
    assert.match(r.stderr, /made the signing key/);
    assert.equal(statSync(signKeyPath(srv)).mode & 0o777, 0o600);
    const pub = readFileSync(signKeyPath(srv) + '.pub', 'utf8').split('\n').find((l) => /^[0-9a-f]{64}$/.test(l));
    assert.ok(pub);
    await pay(1000);
    r = await checkpoint(srv);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /made the signing key/);

    // public: no login; newest first; paged as lists are
    const all = expectStatus(await srv.api('GET', '/api/v1/funds/checkpoints'), 200);
    assert.equal(all.total, 2);
    assert.deepEqual(all.items.map((x) => x.entries), [10, 8]);
    assert.equal(all.public_key, pub);
    assert.deepEqual(all.public_keys, [pub]);
    const spki = crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(pub, 'hex')]), format: 'der', type: 'spki' });
    for (const cp of all.items) {
      assert.equal(cp.message, `sj-ledger-checkpoint-v1|${cp.district_id}|${cp.entries}|${cp.head_hash}|${cp.at}`);
      assert.equal(cp.public_key, pub);
      assert.equal(crypto.verify(null, Buffer.from(cp.message), spki, Buffer.from(cp.signature, 'hex')), true);
      assert.match(cp.signed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    }
    const page = expectStatus(await srv.api('GET', '/api/v1/funds/checkpoints?limit=1&offset=1'), 200);
    assert.deepEqual([page.total, page.items.length, page.items[0].entries], [2, 1, 8]);
    expectStatus(await srv.api('GET', '/api/v1/funds/checkpoints?limit=0'), 400);

    // verify vouches for everything up to the latest checkpoint
    const v = expectStatus(await srv.api('GET', '/api/v1/funds/verify', undefined, srv.adminToken), 200);
    assert.equal(v.ok, true, JSON.stringify(v));
    assert.deepEqual([v.checkpoints.count, v.checkpoints.valid, v.checkpoints.anchored_entries, v.checkpoints.entries_after, v.checkpoints.keys_configured], [2, 2, 10, 0, true]);
    const cmd = await verifyCmd(srv);
    assert.equal(cmd.code, 0, cmd.stdout + cmd.stderr);
    assert.match(cmd.stdout, /checkpoints: 2 stored, 2 good; vouched for up to entry 10/);

    // the checkpoints are append-only too
    const upd = sqlDirect(srv, 'UPDATE ledger_checkpoints SET entries = 2');
    assert.equal(upd.ok, false);
    assert.match(upd.out, /append-only/);
    assert.equal(sqlDirect(srv, 'DELETE FROM ledger_checkpoints').ok, false);

    // a signing key others may read is refused
    chmodSync(signKeyPath(srv), 0o644);
    r = await checkpoint(srv);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /chmod 600/);
  } finally {
    await srv.stop();
  }
});

test('the last movement deleted with the chain head moved back: the checkpoint catches it (route and command); the checkpoint then refuses to sign', async () => {
  const srv = await keyedServer();
  try {
    const { pay } = await movements(srv);
    await pay(5000);
    assert.equal((await checkpoint(srv)).code, 0);
    const gone = deleteLastMovement(srv);
    assert.deepEqual(gone, { removed: 2, left: 6 });
    const v = expectStatus(await srv.api('GET', '/api/v1/funds/verify', undefined, srv.adminToken), 200);
    assert.equal(v.ok, false);
    assert.equal(v.guarded, true, 'the triggers are back in place');
    // only the checkpoint sees it: the chain itself is whole again
    assert.ok(v.problems.length > 0 && v.problems.every((p) => p.includes('checkpoint')), JSON.stringify(v.problems));
    assert.ok(v.problems.some((p) => p.includes('signed at 8 entries, the ledger now has 6')), JSON.stringify(v.problems));
    const cmd = await verifyCmd(srv);
    assert.equal(cmd.code, 1, cmd.stdout + cmd.stderr);
    assert.match(cmd.stdout, /NOT OK/);
    assert.match(cmd.stdout, /entries removed/);
    // a ledger that does not verify is never signed
    const before = Number(sqlDirect(srv, 'SELECT COUNT(*) FROM ledger_checkpoints').out.trim());
    const cp = await checkpoint(srv);
    assert.equal(cp.code, 1, cp.stdout + cp.stderr);
    assert.match(cp.stderr, /nothing signed/);
    assert.equal(Number(sqlDirect(srv, 'SELECT COUNT(*) FROM ledger_checkpoints').out.trim()), before);
  } finally {
    await srv.stop();
  }
});

test('amounts changed with every hash recomputed: the entry at the checkpoint no longer has the signed hash', async () => {
  const srv = await keyedServer();
  try {
    const { first, pay } = await movements(srv);
    assert.equal((await checkpoint(srv)).code, 0); // 6 entries
    await pay(5000); // after the checkpoint: vouched for by nothing yet
    let v = expectStatus(await srv.api('GET', '/api/v1/funds/verify', undefined, srv.adminToken), 200);
    assert.deepEqual([v.ok, v.checkpoints.anchored_entries, v.checkpoints.entries_after], [true, 6, 2]);
    rewriteAmounts(srv, first.txn, 9000);
    assert.equal(entries(srv).find((e) => e.txn === first.txn && e.account === 'escrow').amount, 9000);
    v = expectStatus(await srv.api('GET', '/api/v1/funds/verify', undefined, srv.adminToken), 200);
    assert.equal(v.ok, false);
    assert.equal(v.guarded, true);
    assert.ok(v.problems.length > 0 && v.problems.every((p) => p.includes('checkpoint')), JSON.stringify(v.problems));
    assert.ok(v.problems.some((p) => p.includes('entry 6 no longer has the signed hash')), JSON.stringify(v.problems));
    const cmd = await verifyCmd(srv);
    assert.equal(cmd.code, 1, cmd.stdout + cmd.stderr);
    assert.match(cmd.stdout, /entry 6 no longer has the signed hash/);
  } finally {
    await srv.stop();
  }
});

test('forged checkpoint rows: one signed by another key, one under the district\'s key with another key\'s signature; another public key configured', async () => {
  const srv = await keyedServer();
  try {
    await movements(srv);
    assert.equal((await checkpoint(srv)).code, 0);
    const real = expectStatus(await srv.api('GET', '/api/v1/funds/checkpoints'), 200);
    const cp = real.items[0];
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const theirs = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    const at = cp.at + 60;
    const msg = `sj-ledger-checkpoint-v1|${cp.district_id}|${cp.entries}|${cp.head_hash}|${at}`;
    const sig = crypto.sign(null, Buffer.from(msg), privateKey).toString('hex');
    const ins = (pk) => `INSERT INTO ledger_checkpoints (district_id, entries, head_hash, at, public_key, signature) VALUES (${cp.district_id}, ${cp.entries}, '${cp.head_hash}', ${at}, '${pk}', '${sig}')`;
    assert.equal(sqlDirect(srv, ins(theirs)).ok, true);
    let v = expectStatus(await srv.api('GET', '/api/v1/funds/verify', undefined, srv.adminToken), 200);
    assert.equal(v.ok, false);
    assert.deepEqual([v.checkpoints.count, v.checkpoints.valid], [2, 1]);
    assert.ok(v.problems.some((p) => p.includes('signed by a key that is not the district\'s')), JSON.stringify(v.problems));
    assert.equal(sqlDirect(srv, ins(real.public_key)).ok, true);
    v = expectStatus(await srv.api('GET', '/api/v1/funds/verify', undefined, srv.adminToken), 200);
    assert.deepEqual([v.ok, v.checkpoints.count, v.checkpoints.valid], [false, 3, 1]);
    assert.ok(v.problems.some((p) => p.includes('the signature does not match')), JSON.stringify(v.problems));
    // verify against a public key kept elsewhere that is not this one: nothing is vouched for
    const other = join(srv.dir, 'other.pub');
    writeFileSync(other, theirs + '\n');
    const cmd = await run(['verify', '--db', srv.db.url, '--public-key', other], '', srv.env);
    assert.equal(cmd.code, 1, cmd.stdout + cmd.stderr);
    assert.match(cmd.stdout, /checkpoints: 3 stored, 1 good/);
    assert.match(cmd.stdout, /signed by a key that is not the district's/);
  } finally {
    await srv.stop();
  }
});

test('verify --checkpoints: a copy kept elsewhere catches a rewrite that also removed the checkpoint rows', async () => {
  const srv = await keyedServer();
  try {
    const { pay } = await movements(srv);
    await pay(5000);
    assert.equal((await checkpoint(srv)).code, 0);
    // the level above keeps what the public route serves, with the public key
    const served = expectStatus(await srv.api('GET', '/api/v1/funds/checkpoints'), 200);
    const copy = join(srv.dir, 'copy.json');
    writeFileSync(copy, JSON.stringify(served));
    let cmd = await verifyCmd(srv, ['--checkpoints', copy]);
    assert.equal(cmd.code, 0, cmd.stdout + cmd.stderr);
    assert.match(cmd.stdout, /copy: 1 checked, 1 good/);

    deleteLastMovement(srv);
    asOwner(srv, 'DELETE FROM ledger_checkpoints;');
    // the database alone no longer knows
    const v = expectStatus(await srv.api('GET', '/api/v1/funds/verify', undefined, srv.adminToken), 200);
    assert.deepEqual([v.ok, v.checkpoints.count], [true, 0], JSON.stringify(v));
    // the copy does, with its own public key or the one configured
    cmd = await verifyCmd(srv, ['--checkpoints', copy]);
    assert.equal(cmd.code, 1, cmd.stdout + cmd.stderr);
    assert.match(cmd.stdout, /signed at 8 entries, the ledger now has 6 \(entries removed\)/);
    assert.match(cmd.stdout, /missing from the database/);
    const bare = await run(['verify', '--db', srv.db.url, '--public-key', join(srv.dir, 'none.pub'), '--checkpoints', copy], '', srv.env);
    assert.equal(bare.code, 1, bare.stdout + bare.stderr);
    assert.match(bare.stdout, /entries removed/);
    // a file that is not a copy of checkpoints: refused, exit 1
    writeFileSync(copy, '{"items":[{"entries":"x"}]}');
    cmd = await verifyCmd(srv, ['--checkpoints', copy]);
    assert.equal(cmd.code, 1);
    assert.match(cmd.stderr, /malformed/);
  } finally {
    await srv.stop();
  }
});
