// The server's start (issue 8, part 3): a port that another process serves is refused, never
// shared; the data key comes from --key-file, SJ_DATA_KEY or (SQLite only) PATH.key beside the
// database, and a PostgreSQL database without a key given stops before anything is opened.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import {
  ADMIN_PASSWORD, BACKEND, BIN, Server, expectStatus, freshDb, psql, world,
} from './lib.mjs';

const KEY = '5a'.repeat(32);
const dirs = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'sj-start-')); dirs.push(d); return d; };
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

// Runs the binary in `cwd` with SJ_DATA_KEY unset unless env gives it; kills it after
// `timeoutMs` (then code is null). Resolves { code, stdout, stderr }.
function runIn(cwd, args, { input = '', env = {}, timeoutMs = 20000 } = {}) {
  return new Promise((res) => {
    const p = spawn(BIN, args, { cwd, env: { ...process.env, SJ_DATA_KEY: undefined, ...env } });
    let stdout = '', stderr = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => { clearTimeout(timer); res({ code, stdout, stderr }); });
    p.stdin.end(input);
  });
}

// Every file under dir, relative, directories marked with a trailing slash.
function tree(dir, pre = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory()
    ? [pre + e.name + '/', ...tree(join(dir, e.name), pre + e.name + '/')]
    : [pre + e.name]).sort();
}

// ---------- the port

async function assertStillServes(s) {
  // fresh connections, so that a second listener on the port would be handed some of them
  const A = await s.login('admin', ADMIN_PASSWORD);
  for (let i = 0; i < 20; i++) {
    const r = await fetch(s.url + '/api/v1/me', { headers: { Authorization: 'Bearer ' + A, Connection: 'close' } });
    assert.equal(r.status, 200, 'the first server answers every connection');
    assert.equal((await r.json()).username, 'admin');
  }
}

test('a second serve on a port another shuangjian serves exits 1, says the address is in use, and the first still answers', async () => {
  const first = new Server();
  await first.init();
  await first.start();
  const other = freshDb(tmp());
  try {
    const d = tmp();
    const init = await runIn(d, ['init', '--db', other.url, '--admin', 'admin'], { input: ADMIN_PASSWORD + '\n', env: { SJ_DATA_KEY: KEY } });
    assert.equal(init.code, 0, init.stderr);
    const second = await runIn(d, ['serve', '--db', other.url, '--listen', `127.0.0.1:${first.port}`, '--quiet'], { env: { SJ_DATA_KEY: KEY } });
    assert.equal(second.code, 1, 'exit status 1, not a second server sharing the port: ' + second.stderr);
    const lines = second.stderr.trim().split('\n');
    assert.equal(lines.length, 1, 'one line: ' + second.stderr);
    assert.match(lines[0], /already in use|地址已被占用/);
    assert.match(lines[0], new RegExp(`127\\.0\\.0\\.1:${first.port}`));
    await assertStillServes(first);
  } finally {
    other.drop();
    await first.stop();
  }
});

test('serve on a port another program listens on exits 1 with the reason, before touching the database', async () => {
  const holder = net.createServer((c) => c.end());
  await new Promise((res) => holder.listen(0, '127.0.0.1', res));
  const { port } = holder.address();
  const d = tmp();
  const db = BACKEND === 'pg' ? freshDb(d) : { url: 'sqlite:' + join(d, 'never.db'), drop() {} };
  try {
    const r = await runIn(d, ['serve', '--db', db.url, '--listen', `127.0.0.1:${port}`, '--quiet'], { env: { SJ_DATA_KEY: KEY } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /already in use|地址已被占用/);
    if (BACKEND === 'sqlite') assert.equal(existsSync(join(d, 'never.db')), false, 'no database was made');
    else assert.equal(psql(db.url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").trim(), '0');
  } finally {
    db.drop();
    holder.close();
  }
});

test('a server that stopped frees its port: the next one starts on it at once', async () => {
  const s = new Server();
  await s.init();
  await s.start();
  await s.login('admin', ADMIN_PASSWORD);
  await s.stop({ keep: true });
  await s.start();
  await assertStillServes(s);
  await s.stop();
});

// ---------- the data key

test('PostgreSQL without SJ_DATA_KEY or --key-file: init, serve and migrate stop with what to set, create no key file and open nothing', { skip: BACKEND !== 'pg' && 'PostgreSQL only' }, async () => {
  const d = tmp();
  mkdirSync(join(d, 'data')); // where the old code made a key of its own
  const db = freshDb(d);
  try {
    const runs = [
      await runIn(d, ['init', '--db', db.url, '--admin', 'admin'], { input: ADMIN_PASSWORD + '\n' }),
      await runIn(d, ['serve', '--db', db.url, '--listen', '127.0.0.1:0', '--quiet'], { timeoutMs: 5000 }),
      await runIn(d, ['migrate', '--db', db.url]),
      await runIn(d, ['demo', '--db', db.url]),
    ];
    for (const r of runs) {
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /SJ_DATA_KEY/);
      assert.match(lines[0], /--key-file/);
    }
    assert.deepEqual(tree(d), ['data/'], 'no key file anywhere');
    assert.equal(psql(db.url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").trim(), '0',
      'the database was not even migrated');
  } finally {
    db.drop();
  }
});

test('--key-file: init and serve read the key from the file (no SJ_DATA_KEY, no PATH.key), and it is the key the data is sealed with', async () => {
  const d = tmp();
  const keyFile = join(d, 'district.key');
  writeFileSync(keyFile, KEY + '\n', { mode: 0o600 });
  const s = new Server();
  s.env = { SJ_DATA_KEY: undefined };
  try {
    const init = await runIn(d, ['init', '--db', s.db.url, '--admin', 'admin', '--key-file', keyFile], { input: ADMIN_PASSWORD + '\n' });
    assert.equal(init.code, 0, init.stderr);
    await s.start(['--key-file', keyFile]);
    const A = await s.admin();
    const w = await world(s);
    const g = expectStatus(await s.api('POST', '/api/v1/users',
      { username: 'kf' + w.n, password: 'password-123', name: '家长', phone: '13912345678', roles: [{ role: 'guardian' }] }, A), 201);
    expectStatus(await s.api('POST', `/api/v1/students/${w.student.id}/guardians`, { user_id: g.id }, A), 201);
    assert.equal(expectStatus(await s.api('GET', `/api/v1/users/${g.id}/phone`, undefined, A), 200).phone, '13912345678');
    await s.stop({ keep: true });
    if (BACKEND === 'sqlite') assert.equal(existsSync(s.db.url.slice(7) + '.key'), false, 'no PATH.key when --key-file is given');
    // the same key through SJ_DATA_KEY opens what was sealed with the file's key
    s.env = { SJ_DATA_KEY: KEY };
    s.adminToken = null;
    await s.start();
    const A2 = await s.admin();
    assert.equal(expectStatus(await s.api('GET', `/api/v1/users/${g.id}/phone`, undefined, A2), 200).phone, '13912345678');
  } finally {
    await s.stop();
  }
});

test('--key-file takes 64 hex digits and one line end, in either case; anything else is refused with a clear message before the database is opened', async () => {
  const good = [KEY, KEY + '\n', KEY + '\r\n', KEY.toUpperCase()];
  const bad = [
    ['empty', ''],
    ['63 digits', KEY.slice(1)],
    ['63 digits and a line end', KEY.slice(1) + '\n'],
    ['65 digits', KEY + 'a'],
    ['a letter past f', 'g' + KEY.slice(1)],
    ['text after the key', KEY + '\nsecond line\n'],
    ['two line ends', KEY + '\n\n'],
    ['spaces around', ' ' + KEY],
    ['base64, not hex', Buffer.alloc(32, 0x5a).toString('base64') + '\n'],
  ];
  for (const [i, text] of good.entries()) {
    const d = tmp();
    const kf = join(d, 'k');
    writeFileSync(kf, text, { mode: 0o600 });
    const db = BACKEND === 'pg' ? freshDb(d) : { url: 'sqlite:' + join(d, 'sj.db'), drop() {} };
    try {
      const r = await runIn(d, ['migrate', '--db', db.url, '--key-file', kf]);
      assert.equal(r.code, 0, `good key #${i}: ${r.stderr}`);
    } finally { db.drop(); }
  }
  for (const [what, text] of bad) {
    const d = tmp();
    const kf = join(d, 'k');
    writeFileSync(kf, text, { mode: 0o600 });
    const db = BACKEND === 'pg' ? freshDb(d) : { url: 'sqlite:' + join(d, 'sj.db'), drop() {} };
    try {
      const r = await runIn(d, ['init', '--db', db.url, '--admin', 'admin', '--key-file', kf], { input: ADMIN_PASSWORD + '\n' });
      assert.equal(r.code, 1, `${what}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`${kf}: not a data key: .*64 hex digits`), what);
      assert.doesNotMatch(r.stderr, /5a5a/i, 'the key is never echoed');
      if (BACKEND === 'sqlite') assert.deepEqual(tree(d), ['k'], `${what}: nothing made`);
      else assert.equal(psql(db.url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").trim(), '0');
    } finally { db.drop(); }
  }
});

test('--key-file naming a missing file is refused (a key is never made for it), and a bad SJ_DATA_KEY too', async () => {
  const d = tmp();
  const db = BACKEND === 'pg' ? freshDb(d) : { url: 'sqlite:' + join(d, 'sj.db'), drop() {} };
  try {
    const missing = await runIn(d, ['serve', '--db', db.url, '--listen', '127.0.0.1:0', '--key-file', join(d, 'nope.key')], { timeoutMs: 5000 });
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /nope\.key: cannot read the data key: No such file/);
    const badEnv = await runIn(d, ['migrate', '--db', db.url], { env: { SJ_DATA_KEY: KEY.slice(2) } });
    assert.equal(badEnv.code, 1, badEnv.stderr);
    assert.match(badEnv.stderr, /SJ_DATA_KEY must be 64 hex digits/);
    assert.deepEqual(tree(d), [], 'nothing made');
  } finally { db.drop(); }
});

test('SQLite without a key given keeps PATH.key beside the database: made on first use (mode 0600), used again after', { skip: BACKEND !== 'sqlite' && 'SQLite only' }, async () => {
  const d = tmp();
  const path = join(d, 'sj.db');
  const first = await runIn(d, ['init', '--db', 'sqlite:' + path, '--admin', 'admin'], { input: ADMIN_PASSWORD + '\n' });
  assert.equal(first.code, 0, first.stderr);
  assert.ok(existsSync(path + '.key'));
  assert.equal(statSync(path + '.key').mode & 0o777, 0o600);
  assert.equal(statSync(path + '.key').size, 64);
  const again = await runIn(d, ['migrate', '--db', 'sqlite:' + path]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(tree(d).filter((f) => !/-(wal|shm)$/.test(f)), ['sj.db', 'sj.db.key']);
});
