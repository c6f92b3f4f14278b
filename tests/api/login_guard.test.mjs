// The log-in guard (API.md "Sessions and people": 429 with Retry-After after 5 failed attempts
// for one account from one address within 15 minutes; src/core/api_session.c): the check and
// the count are one atomic step, counted per (account, address) and per address (30 in the
// window, all accounts together), unknown names cost what known ones cost and leave no rows
// behind, X-Forwarded-For is believed only from a trusted proxy, and every 429 says when to
// come back. Both backends (SJ_PG_URL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, expectStatus, run, psql, BACKEND, Server, freePort } from './lib.mjs';

const LIMIT = 5;          // app.login_max_failures
const ADDR_LIMIT = 30;    // app.login_max_failures_addr
const WINDOW = 15 * 60;   // app.login_window_s
const PW = 'password-123';

let s, plain, A;
before(async () => {
  // the trusted proxies: one from the environment, one network from the option
  s = new Server();
  s.env.SJ_TRUST_PROXY = '127.0.0.1';
  await s.init();
  await s.start(['--trust-proxy', '10.0.0.0/8']);
  A = await s.admin();
  plain = await startServer(); // no trusted proxy
});
after(async () => { await s.stop(); await plain.stop(); });

// A fresh client address for each use (TEST-NET and benchmarking ranges).
let addrSeq = 0;
const nextIp = () => { addrSeq++; return `198.18.${addrSeq >> 8}.${addrSeq & 255}`; };

const attempt = (srv, username, password, xff, lang) => {
  const headers = {};
  if (xff) headers['X-Forwarded-For'] = xff;
  if (lang) headers['Accept-Language'] = lang;
  return srv.api('POST', '/api/v1/session', { username, password }, undefined, headers);
};

let userSeq = 0;
async function user(prefix = 'lg') {
  const username = `${prefix}${++userSeq}_${Math.random().toString(36).slice(2, 6)}`;
  expectStatus(await s.api('POST', '/api/v1/users', { username, password: PW, name: '测试' + userSeq, roles: [{ role: 'inspector' }] }, A), 201);
  return username;
}

// A 429 as API.md says: too_many_attempts, Retry-After in whole seconds equal to the body's
// retry_after_s, within the window. Returns the seconds.
function expectLocked(r) {
  const e = expectStatus(r, 429, 'too_many_attempts').error;
  const h = r.headers.get('retry-after');
  assert.match(h ?? '', /^[1-9][0-9]*$/, 'Retry-After: ' + h);
  assert.equal(Number(h), e.retry_after_s);
  assert.ok(e.retry_after_s >= 1 && e.retry_after_s <= WINDOW, String(e.retry_after_s));
  return e.retry_after_s;
}

const tally = (rs) => {
  const t = {};
  for (const r of rs) t[r.status] = (t[r.status] || 0) + 1;
  return t;
};

// The database behind a server, for what the API does not show (rows left behind).
function sql(srv, q) {
  if (BACKEND === 'pg') return psql(srv.db.url, q).trim();
  return execFileSync('sqlite3', [srv.db.url.slice('sqlite:'.length), q], { encoding: 'utf8' }).trim();
}

test('40 parallel wrong guesses for one account from one address: exactly 5 are checked (401), 35 are 429 with Retry-After', async () => {
  const name = await user();
  const ip = nextIp();
  const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(s, name, 'wrong-' + i, ip)));
  assert.deepEqual(tally(rs), { 401: LIMIT, 429: 40 - LIMIT });
  for (const r of rs) {
    if (r.status === 401) assert.equal(r.body.error.code, 'invalid_credentials');
    else expectLocked(r);
  }
  // the 5 checked are the 5 failures counted; the refused ones counted nowhere
  assert.equal(sql(s, `SELECT attempts FROM login_guard_account WHERE username = '${name}'`), String(LIMIT));
  assert.equal(sql(s, `SELECT attempts FROM login_guard_addr WHERE addr = '${ip}'`), String(LIMIT));
  // locked for that address even with the right password; another address logs in
  expectLocked(await attempt(s, name, PW, ip));
  expectStatus(await attempt(s, name, PW, nextIp()), 200);
});

test('at the edge: the 5th failure is still checked, the 6th attempt is 429; a success before the limit starts the count again', async () => {
  const name = await user();
  const ip = nextIp();
  for (let i = 0; i < LIMIT - 1; i++) expectStatus(await attempt(s, name, 'bad-' + i, ip), 401, 'invalid_credentials');
  expectStatus(await attempt(s, name, PW, ip), 200); // 4 failures, then the right password
  for (let i = 0; i < LIMIT; i++) expectStatus(await attempt(s, name, 'again-' + i, ip), 401, 'invalid_credentials');
  expectLocked(await attempt(s, name, 'one-more', ip));
  expectLocked(await attempt(s, name, PW, ip));
});

test('a failure storm from address X does not lock the account for address Y', async () => {
  const name = await user();
  const x = nextIp(), y = nextIp();
  await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(s, name, 'storm-' + i, x)));
  expectLocked(await attempt(s, name, PW, x));
  const ok = expectStatus(await attempt(s, name, PW, y), 200);
  assert.equal(ok.user.username, name);
  // Y's own failures are its own: 5 before Y is locked too
  for (let i = 0; i < LIMIT; i++) expectStatus(await attempt(s, name, 'y-' + i, y), 401);
  expectLocked(await attempt(s, name, PW, y));
});

test('one address, all accounts together: 30 failures in the window, then 429 for every account from it (parallel, exact)', async () => {
  const ip = nextIp();
  const known = [await user(), await user(), await user()];
  // 29 failures over many names (known with a wrong password, and unknown names)
  const first = await Promise.all(Array.from({ length: ADDR_LIMIT - 1 }, (_, i) =>
    attempt(s, i < known.length ? known[i] : `nobody_${ip}_${i}`, 'spray', ip)));
  assert.deepEqual(tally(first), { 401: ADDR_LIMIT - 1 });
  // successes do not count against the address
  for (const k of known) expectStatus(await attempt(s, k, PW, ip), 200);
  // 6 more in parallel, each a different name: exactly one is the 30th failure, 5 are refused
  const rest = await Promise.all(Array.from({ length: 6 }, (_, i) => attempt(s, `late_${ip}_${i}`, 'spray', ip)));
  assert.deepEqual(tally(rest), { 401: 1, 429: 5 });
  rest.filter((r) => r.status === 429).forEach(expectLocked);
  // now even a known account with its right password is refused from that address, not from another
  expectLocked(await attempt(s, known[0], PW, ip));
  expectStatus(await attempt(s, known[0], PW, nextIp()), 200);
});

test('an unknown name is locked like a known one, and leaves no rows once the window has passed', async () => {
  const ip = nextIp(), ghost = 'ghost_' + ip;
  // the same lock-out: nothing tells an unknown name from a known one
  for (let i = 0; i < LIMIT; i++) expectStatus(await attempt(s, ghost, 'x' + i, ip), 401, 'invalid_credentials');
  expectLocked(await attempt(s, ghost, 'x', ip));
  // one address makes at most one row per name tried, and no more names than its limit
  const names = Array.from({ length: 12 }, (_, i) => `unknown_${ip}_${i}`);
  for (const n of names) expectStatus(await attempt(s, n, 'guess', ip), 401);
  assert.equal(sql(s, `SELECT COUNT(*) FROM login_guard_account WHERE addr = '${ip}'`), '13');
  assert.equal(sql(s, `SELECT attempts FROM login_guard_addr WHERE addr = '${ip}'`), String(LIMIT + 12));
  // the window passes (the rows are made 15 minutes and 1 second older): the next attempt by
  // anyone deletes them, and the ghost may be tried again
  sql(s, `UPDATE login_guard_account SET first_at = first_at - ${WINDOW + 1} WHERE addr = '${ip}'`);
  sql(s, `UPDATE login_guard_addr SET first_at = first_at - ${WINDOW + 1} WHERE addr = '${ip}'`);
  expectStatus(await attempt(s, 'someone_else', 'x', nextIp()), 401);
  assert.equal(sql(s, `SELECT COUNT(*) FROM login_guard_account WHERE addr = '${ip}'`), '0');
  assert.equal(sql(s, `SELECT COUNT(*) FROM login_guard_addr WHERE addr = '${ip}'`), '0');
  expectStatus(await attempt(s, ghost, 'x', ip), 401);
});

test('right and wrong passwords at once, from shared addresses, while old rows are deleted: no error, no count past its limit', async () => {
  const users = [await user(), await user(), await user()];
  const ips = [nextIp(), nextIp(), nextIp()];
  // rows for every pair, then all of them past the window: the next attempts delete and reuse them
  await Promise.all(users.flatMap((u) => ips.map((ip) => attempt(s, u, 'old', ip))));
  sql(s, `UPDATE login_guard_account SET first_at = first_at - ${WINDOW + 1} WHERE addr IN ('${ips.join("','")}')`);
  sql(s, `UPDATE login_guard_addr SET first_at = first_at - ${WINDOW + 1} WHERE addr IN ('${ips.join("','")}')`);
  const jobs = [];
  for (let round = 0; round < 4; round++)
    for (const u of users)
      for (const ip of ips) jobs.push(attempt(s, u, (round + ips.indexOf(ip)) % 3 === 0 ? PW : 'wrong', ip));
  const rs = await Promise.all(jobs);
  for (const r of rs) assert.ok([200, 401, 429].includes(r.status), JSON.stringify(r.body));
  for (const r of rs.filter((x) => x.status === 429)) expectLocked(r);
  const counts = sql(s, `SELECT attempts FROM login_guard_account WHERE addr IN ('${ips.join("','")}')`).split('\n').filter(Boolean).map(Number);
  assert.ok(counts.every((n) => n >= 1 && n <= LIMIT), counts.join(','));
  const perAddr = sql(s, `SELECT attempts FROM login_guard_addr WHERE addr IN ('${ips.join("','")}')`).split('\n').filter(Boolean).map(Number);
  assert.ok(perAddr.every((n) => n >= 0 && n <= ADDR_LIMIT), perAddr.join(','));
});

test('Retry-After is the time really left in the window, and the message says it in minutes', async () => {
  const name = await user();
  const ip = nextIp();
  for (let i = 0; i < LIMIT; i++) expectStatus(await attempt(s, name, 'w' + i, ip), 401);
  const full = expectLocked(await attempt(s, name, PW, ip));
  assert.ok(full >= WINDOW - 5, String(full));
  // ten minutes of the window pass
  sql(s, `UPDATE login_guard_account SET first_at = first_at - 600 WHERE username = '${name}'`);
  const r = await attempt(s, name, PW, ip);
  const left = expectLocked(r);
  assert.ok(left <= WINDOW - 600 && left >= WINDOW - 600 - 5, String(left));
  assert.match(r.body.error.message, /登录失败次数过多,请 5 分钟后再试/);
  const en = await attempt(s, name, PW, ip, 'en');
  expectLocked(en);
  assert.match(en.body.error.message, /try again in 5 minutes/);
  // the window over: the right password logs in
  sql(s, `UPDATE login_guard_account SET first_at = first_at - 300 WHERE username = '${name}'`);
  expectStatus(await attempt(s, name, PW, ip), 200);
});

test('behind a trusted proxy the last untrusted X-Forwarded-For hop is the client; what the client wrote to its left is not believed', async () => {
  const name = await user();
  // nginx appends the address it saw (198.51.100.2) to what the client sent (203.0.113.7)
  for (let i = 0; i < LIMIT; i++) expectStatus(await attempt(s, name, 'p' + i, '203.0.113.7, 198.51.100.2'), 401);
  expectLocked(await attempt(s, name, PW, '198.51.100.2'));
  // a second trusted proxy (10.0.0.0/8, from --trust-proxy) in the chain is walked past
  expectLocked(await attempt(s, name, PW, '198.51.100.2, 10.1.2.3'));
  // another client that writes the same thing to the left is another client
  expectStatus(await attempt(s, name, PW, '203.0.113.7, 198.51.100.9'), 200);
  // the proxy itself (no header) is a client of its own
  expectStatus(await attempt(s, name, PW), 200);
});

test('without --trust-proxy an X-Forwarded-For header changes nothing', async () => {
  const A2 = await plain.admin();
  const name = 'xff_' + Math.random().toString(36).slice(2, 8);
  expectStatus(await plain.api('POST', '/api/v1/users', { username: name, password: PW, name: '代理', roles: [{ role: 'inspector' }] }, A2), 201);
  for (let i = 0; i < LIMIT; i++) expectStatus(await attempt(plain, name, 'q' + i, `198.51.100.${i + 1}`), 401);
  expectLocked(await attempt(plain, name, PW, '198.51.100.77'));
  expectLocked(await attempt(plain, name, PW, '203.0.113.1, 198.51.100.78'));
  expectLocked(await attempt(plain, name, PW));
  assert.equal(sql(plain, `SELECT addr FROM login_guard_account WHERE username = '${name}'`), '127.0.0.1');
});

test('serve refuses a --trust-proxy or SJ_TRUST_PROXY that is not an address or network (exit 2, the reason)', async () => {
  const port = await freePort();
  const args = ['serve', '--db', plain.db.url, '--listen', `127.0.0.1:${port}`, '--quiet'];
  let r = await run([...args, '--trust-proxy', '127.0.0.1,nginx'], '', plain.env);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--trust-proxy: not an address or network: nginx/);
  r = await run([...args, '--trust-proxy', '10.0.0.0/33'], '', plain.env);
  assert.equal(r.code, 2, r.stderr);
  r = await run(args, '', { ...plain.env, SJ_TRUST_PROXY: '::1/200' });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /SJ_TRUST_PROXY: not an address or network/);
});

test('an unknown username costs the same time as a known one with a wrong password (medians within 2x)', async () => {
  const name = await user();
  const timed = async (username) => {
    const t0 = process.hrtime.bigint();
    const r = await attempt(s, username, 'not-the-password', nextIp());
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expectStatus(r, 401, 'invalid_credentials');
    return ms;
  };
  await timed(name); await timed('no_such_user_warmup');
  const known = [], unknown = [];
  for (let i = 0; i < 10; i++) { // interleaved, so load on the machine falls on both alike
    known.push(await timed(name));
    unknown.push(await timed(`no_such_user_${i}_${Math.random().toString(36).slice(2, 6)}`));
  }
  const median = (xs) => { const v = [...xs].sort((a, b) => a - b); return (v[4] + v[5]) / 2; };
  const ratio = median(unknown) / median(known);
  assert.ok(ratio > 0.5 && ratio < 2, `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`);
});
