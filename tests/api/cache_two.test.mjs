// Two `serve` processes on one PostgreSQL database (core/cache_bus.h: LISTEN/NOTIFY with
// acknowledgements): a logout or a password change answered by one is honoured by the other
// from its very next request, though it had the session cached; a publish or a withdrawal
// answered by one shows on the other's kept board at once, also under concurrent readers on
// both; a server that stops does not hold up the other's writes.
// PostgreSQL only: a SQLite database is served by one process (docs/operations.md), so there is
// nothing to share a cache with.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Server, startServer, world, expectStatus, TODAY, addDays, weekday, BACKEND } from './lib.mjs';

const skip = BACKEND !== 'pg' && 'PostgreSQL only: a SQLite database is served by one process, there is no other cache to keep exact';
let A, B, tokA;
const schoolDay = (d) => { while (weekday(d) > 5) d = addDays(d, 1); return d; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// a second server on the first one's database
async function twin(first) {
  const t = new Server();
  t.db.drop();
  t.db = first.db;
  t.env = first.env;
  await t.start();
  return t;
}

before(async () => {
  if (skip) return;
  A = await startServer();
  B = await twin(A);
  tokA = await A.admin();
  const y = Number(TODAY.slice(0, 4));
  for (const Y of [y - 1, y, y + 1]) {
    expectStatus(await A.api('POST', '/api/v1/calendar/terms', { term: `${Y}-spring`, first_day: `${Y}-02-01`, last_day: `${Y}-07-31` }, tokA), 201);
    expectStatus(await A.api('POST', '/api/v1/calendar/terms', { term: `${Y}-autumn`, first_day: `${Y}-08-01`, last_day: `${Y + 1}-01-31` }, tokA), 201);
  }
});
after(async () => {
  if (skip) return;
  if (B) { await B.stop({ keep: true }); rmSync(B.dir, { recursive: true, force: true }); }
  await A?.stop();
});

const me = (srv, token) => srv.api('GET', '/api/v1/me', undefined, token);

test('a logout on one server is refused by the other at once, though the other had the session cached', { skip }, async () => {
  const w = await world(A);
  for (let round = 0; round < 5; round++) {
    const t = await A.login(`te${w.n}`, 'password-123');
    for (let i = 0; i < 3; i++) expectStatus(await me(B, t), 200);
    expectStatus(await A.api('DELETE', '/api/v1/session', undefined, t), 204);
    expectStatus(await me(B, t), 401, 'unauthenticated');
    expectStatus(await me(A, t), 401, 'unauthenticated');
  }
  // and the other way round
  const t = await B.login(`te${w.n}`, 'password-123');
  expectStatus(await me(A, t), 200);
  expectStatus(await B.api('DELETE', '/api/v1/session', undefined, t), 204);
  expectStatus(await me(A, t), 401);
  expectStatus(await me(B, w.teacher.token), 200); // the account's other session stays
});

test('a password change on one server ends the sessions cached by the other at once', { skip }, async () => {
  const w = await world(A);
  const t2 = await B.login(`te${w.n}`, 'password-123');
  expectStatus(await me(A, t2), 200);
  expectStatus(await me(B, w.teacher.token), 200);
  expectStatus(await B.api('PUT', '/api/v1/me/password', { old_password: 'password-123', new_password: 'new-password-9' }, w.teacher.token), 204);
  expectStatus(await me(A, t2), 401);
  expectStatus(await me(B, t2), 401);
  expectStatus(await me(A, w.teacher.token), 401);
  expectStatus(await me(A, w.guardian.token), 200);
});

test('under concurrent readers on both servers: nothing that began after the logout was answered is let in', { skip }, async () => {
  const w = await world(A);
  const t = await A.login(`te${w.n}`, 'password-123');
  const seen = [];
  let stopped = false;
  const loops = [A, B, B, B, A, B].map(async (srv) => {
    while (!stopped) {
      const t0 = performance.now();
      seen.push({ t0, status: (await me(srv, t)).status });
    }
  });
  await sleep(200);
  expectStatus(await A.api('DELETE', '/api/v1/session', undefined, t), 204);
  const answered = performance.now();
  await sleep(200);
  stopped = true;
  await Promise.all(loops);
  const late = seen.filter((x) => x.t0 > answered);
  assert.ok(seen.filter((x) => x.status === 200).length > 20);
  assert.ok(late.length > 20, `${late.length} requests after the logout`);
  assert.deepEqual([...new Set(late.map((x) => x.status))], [401]);
});

test('a publish and a withdrawal on one server show on the board the other keeps, at once and under concurrent readers', { skip }, async () => {
  const w = await world(A, { grade: 6 });
  const d = schoolDay(addDays(TODAY, 7));
  const url = `/api/v1/classes/${w.cls.id}/homework?date=${d}`;
  const item = (i) => ({ class_id: w.cls.id, date: d, subject: '数学', title: '练习' + i, kind: 'written', minutes: 5 });
  expectStatus(await B.api('GET', url, undefined, w.guardian.token), 200);
  const first = expectStatus(await A.api('POST', '/api/v1/homework', item(0), w.teacher.token), 201);
  assert.deepEqual(expectStatus(await B.api('GET', url, undefined, w.guardian.token), 200).items.map((x) => x.id), [first.id]);
  expectStatus(await B.api('DELETE', `/api/v1/homework/${first.id}`, undefined, w.teacher.token), 204);
  assert.deepEqual(expectStatus(await A.api('GET', url, undefined, w.guardian.token), 200).items, []);
  assert.deepEqual(expectStatus(await B.api('GET', url, undefined, w.guardian.token), 200).items, []);

  const seen = [];
  let stopped = false;
  const loops = [B, B, B, A, B, A].map(async (srv) => {
    while (!stopped) {
      const t0 = performance.now();
      seen.push({ t0, r: await srv.api('GET', url, undefined, w.guardian.token) });
    }
  });
  const events = [];
  const ids = [];
  for (let i = 1; i <= 10; i++) {
    const srv = i % 2 ? A : B;
    const r = expectStatus(await srv.api('POST', '/api/v1/homework', item(i), w.teacher.token), 201);
    events.push({ at: performance.now(), id: r.id, present: true });
    ids.push(r.id);
    await sleep(20);
  }
  for (const id of ids.slice(0, 4)) {
    expectStatus(await A.api('DELETE', `/api/v1/homework/${id}`, undefined, w.teacher.token), 204);
    events.push({ at: performance.now(), id, present: false });
    await sleep(20);
  }
  stopped = true;
  await Promise.all(loops);
  let stale = 0;
  for (const { t0, r } of seen) {
    assert.equal(r.status, 200);
    const shown = new Set(r.body.items.map((x) => x.id));
    const last = new Map();
    for (const e of events) if (e.at < t0) last.set(e.id, e.present);
    for (const e of events) if (e.at >= t0) last.delete(e.id);
    for (const [id, present] of last) if (shown.has(id) !== present) stale++;
  }
  assert.ok(seen.length > 100, `${seen.length} reads`);
  assert.equal(stale, 0, 'no read on either server showed a board older than a change answered before it began');
  for (const srv of [A, B])
    assert.deepEqual(expectStatus(await srv.api('GET', url, undefined, w.guardian.token), 200).items.map((x) => x.id), ids.slice(4));
});

test('a server that stops (or is killed) does not hold up the writes of the other beyond its goodbye or its connection', { skip }, async () => {
  const w = await world(A);
  const C = await twin(A);
  const t = await A.login(`te${w.n}`, 'password-123');
  expectStatus(await me(C, t), 200);
  await C.kill9();
  let t0 = performance.now();
  expectStatus(await A.api('DELETE', '/api/v1/session', undefined, t), 204);
  const killedMs = performance.now() - t0;
  assert.ok(killedMs < 3000, `a logout with a killed peer took ${killedMs} ms`);
  const D = await twin(A);
  const t2 = await A.login(`te${w.n}`, 'password-123');
  expectStatus(await me(D, t2), 200);
  await D.stop({ keep: true });
  rmSync(D.dir, { recursive: true, force: true });
  t0 = performance.now();
  expectStatus(await A.api('DELETE', '/api/v1/session', undefined, t2), 204);
  assert.ok(performance.now() - t0 < 1000, 'a peer that said goodbye is not waited for');
  rmSync(C.dir, { recursive: true, force: true });
  expectStatus(await me(B, t2), 401);
});
