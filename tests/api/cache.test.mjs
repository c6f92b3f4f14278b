// The in-process caches are exact (core/cache_bus.h, core/session_cache.c,
// homework/board_cache.c): a session is refused from the moment its logout or its account's
// password change is answered; a class board shows a publish, a withdrawal, an adjustment, a
// marking or a change of the calendar or the policy from the moment that write is answered,
// never a board older than its last change. Shown alone and under concurrent readers, where a
// reader's read that raced the write must not be kept. Runs on SQLite, or PostgreSQL with
// SJ_PG_URL (one server here; cache_two.test.mjs runs two on one database).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { startServer, world, expectStatus, TODAY, addDays, weekday } from './lib.mjs';

let s, A;
const schoolDay = (d) => { while (weekday(d) > 5) d = addDays(d, 1); return d; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  s = await startServer();
  A = await s.admin();
  const y = Number(TODAY.slice(0, 4));
  for (const Y of [y - 1, y, y + 1]) {
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-spring`, first_day: `${Y}-02-01`, last_day: `${Y}-07-31` }, A), 201);
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-autumn`, first_day: `${Y}-08-01`, last_day: `${Y + 1}-01-31` }, A), 201);
  }
});
after(async () => { await s?.stop(); });

const me = (token) => s.api('GET', '/api/v1/me', undefined, token);
const boardOf = async (w, date, token) => expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${date}`, undefined, token), 200);
const item = (w, date, over = {}) => ({ class_id: w.cls.id, date, subject: '数学', title: '口算练习', kind: 'written', minutes: 5, ...over });

// Runs `n` loops of `call` until stop(); each result is kept with the time its request began.
function readers(n, call) {
  const seen = [];
  let stopped = false;
  const loops = Array.from({ length: n }, async () => {
    while (!stopped) {
      const t0 = performance.now();
      const r = await call();
      seen.push({ t0, r });
    }
  });
  return { seen, stop: async () => { stopped = true; await Promise.all(loops); } };
}

test('a logout is honoured at once: the token is refused by the very next request, though it was just served', async () => {
  const w = await world(s);
  const t = await s.login(`te${w.n}`, 'password-123');
  for (let i = 0; i < 5; i++) expectStatus(await me(t), 200); // served, from the cache after the first
  expectStatus(await s.api('DELETE', '/api/v1/session', undefined, t), 204);
  expectStatus(await me(t), 401, 'unauthenticated');
  expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${TODAY}`, undefined, t), 401);
  // the teacher's other session is not touched
  expectStatus(await me(w.teacher.token), 200);
});

test('a password change ends every session of the account at once, its own and the others; other accounts keep theirs', async () => {
  const w = await world(s);
  const t2 = await s.login(`te${w.n}`, 'password-123');
  expectStatus(await me(w.teacher.token), 200);
  expectStatus(await me(t2), 200);
  expectStatus(await me(w.guardian.token), 200);
  expectStatus(await s.api('PUT', '/api/v1/me/password', { old_password: 'password-123', new_password: 'new-password-9' }, w.teacher.token), 204);
  expectStatus(await me(t2), 401, 'unauthenticated');
  expectStatus(await me(w.teacher.token), 401, 'unauthenticated');
  expectStatus(await me(w.guardian.token), 200);
  // an admin setting the password does the same
  const g2 = await s.login(`gu${w.n}`, 'password-123');
  expectStatus(await me(g2), 200);
  expectStatus(await s.api('POST', `/api/v1/users/${w.guardian.id}/password`, { password: 'family-pass-9' }, w.schoolAdmin.token), 204);
  expectStatus(await me(g2), 401);
  expectStatus(await me(w.guardian.token), 401);
  expectStatus(await me(await s.login(`gu${w.n}`, 'family-pass-9')), 200);
});

test('under 8 concurrent readers: no request that began after the logout was answered is let in', async () => {
  const w = await world(s);
  const t = await s.login(`te${w.n}`, 'password-123');
  const rd = readers(8, () => me(t));
  await sleep(150);
  const out = await s.api('DELETE', '/api/v1/session', undefined, t);
  const answered = performance.now();
  await sleep(150);
  await rd.stop();
  expectStatus(out, 204);
  const before = rd.seen.filter((x) => x.r.status === 200).length;
  const late = rd.seen.filter((x) => x.t0 > answered);
  assert.ok(before > 20, `the token was served before the logout (${before} times)`);
  assert.ok(late.length > 20, `requests after the logout (${late.length})`);
  assert.deepEqual([...new Set(late.map((x) => x.r.status))], [401], 'every request after the logout is refused');
});

test('the board shows a publish, a marking, a withdrawal and an adjustment from the moment each is answered', async () => {
  const w = await world(s, { grade: 4 });
  const d = TODAY; // a Wednesday: marking is for a day that has come
  const d2 = schoolDay(addDays(d, 1));
  const leader = expectStatus(await s.api('POST', '/api/v1/users', { username: `gl${w.n}`, password: 'password-123', name: '年级组长', roles: [{ role: 'grade_leader', school_id: w.school.id, grade: 4 }] }, A), 201);
  const L = await s.login(`gl${w.n}`, 'password-123');
  assert.ok(leader.id);
  const b0 = await boardOf(w, d, w.guardian.token);
  assert.deepEqual([b0.items.length, b0.written_minutes], [0, 0]);
  await boardOf(w, d, w.guardian.token); // kept now
  const a = expectStatus(await s.api('POST', '/api/v1/homework', item(w, d, { minutes: 20 }), w.teacher.token), 201);
  let b = await boardOf(w, d, w.guardian.token);
  assert.deepEqual([b.items.map((i) => i.id), b.written_minutes, b.remaining_minutes], [[a.id], 20, 40]);
  assert.equal(b.items[0].marked, false);
  expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/mark`, {}, w.teacher.token), 204);
  assert.equal((await boardOf(w, d, w.guardian.token)).items[0].marked, true);
  const e = expectStatus(await s.api('POST', '/api/v1/homework', item(w, d, { minutes: 30, title: '应用题' }), w.teacher.token), 201);
  await boardOf(w, d2, w.guardian.token); // the other day kept too
  const adj = expectStatus(await s.api('POST', `/api/v1/homework/${e.id}/adjust`, { date: d2, minutes: 25, reason: '周内均衡' }, L), 200);
  assert.equal(adj.date, d2);
  b = await boardOf(w, d, w.guardian.token);
  assert.deepEqual([b.items.map((i) => i.id), b.written_minutes], [[a.id], 20]);
  const b2 = await boardOf(w, d2, w.guardian.token);
  assert.deepEqual([b2.items.map((i) => [i.id, i.minutes]), b2.written_minutes], [[[e.id, 25]], 25]);
  expectStatus(await s.api('DELETE', `/api/v1/homework/${a.id}`, undefined, w.teacher.token), 204);
  b = await boardOf(w, d, w.guardian.token);
  assert.deepEqual([b.items.length, b.written_minutes, b.remaining_minutes], [0, 0, 60]);
});

test('the board shows a family\'s report and a pupil\'s marking from the moment each is answered', async () => {
  const w = await world(s, { grade: 4 });
  const d = TODAY;
  const a = expectStatus(await s.api('POST', '/api/v1/homework', item(w, d, { minutes: 20 }), w.teacher.token), 201);
  let b = await boardOf(w, d, w.teacher.token);
  assert.deepEqual([b.items[0].reports, b.items[0].reported_minutes, b.items[0].marked], [0, null, false]);
  await boardOf(w, d, w.teacher.token); // kept now
  expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/feedback`, { student_id: w.student.id, minutes_spent: 35, completed: true }, w.guardian.token), 201);
  b = await boardOf(w, d, w.teacher.token);
  assert.deepEqual([b.items[0].reports, b.items[0].reported_minutes], [1, 35]);
  // a second report replaces the first: the mean follows it
  expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/feedback`, { student_id: w.student.id, minutes_spent: 25, completed: true }, w.guardian.token), 201);
  assert.equal((await boardOf(w, d, w.teacher.token)).items[0].reported_minutes, 25);
  // every pupil of the class marked one by one: the item counts as marked on the board at once
  const m = expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/marks`, { student_ids: [w.student.id] }, w.teacher.token), 200);
  assert.equal((await boardOf(w, d, w.teacher.token)).items[0].marked, m.complete);
  if (!m.complete) {
    expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/marks`, { class_wide: true }, w.teacher.token), 200);
    assert.equal((await boardOf(w, d, w.teacher.token)).items[0].marked, true);
  }
});

test('the board follows the calendar and the policy at once: a holiday entered and removed, a new cap from today', async () => {
  const w = await world(s, { grade: 4 });
  const d = schoolDay(addDays(TODAY, 14));
  assert.equal((await boardOf(w, d, w.teacher.token)).day_kind, 'school');
  await boardOf(w, d, w.teacher.token);
  expectStatus(await s.api('POST', '/api/v1/calendar/holidays', { date: d, kind: 'holiday', name: '校庆' }, A), 201);
  let b = await boardOf(w, d, w.teacher.token);
  assert.deepEqual([b.day_kind, b.written_allowed], ['holiday', true]);
  expectStatus(await s.api('DELETE', `/api/v1/calendar/holidays?date=${d}`, undefined, A), 204);
  b = await boardOf(w, d, w.teacher.token);
  assert.equal(b.day_kind, 'school');
  assert.equal(b.limit_minutes, 60);
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: TODAY, rules: { 'HW-2': { written_minutes_per_day: 50 } } }, A), 201);
  b = await boardOf(w, d, w.teacher.token);
  assert.deepEqual([b.limit_minutes, b.remaining_minutes], [50, 50]);
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: TODAY, rules: { 'HW-2': { written_minutes_per_day: 60 } } }, A), 201);
  assert.equal((await boardOf(w, d, w.teacher.token)).limit_minutes, 60);
});

test('under 8 concurrent readers of one board: every read that began after a publish or a withdrawal was answered shows it', async () => {
  const w = await world(s, { grade: 6 }); // 90 minutes a day
  const d = schoolDay(addDays(TODAY, 7));
  const url = `/api/v1/classes/${w.cls.id}/homework?date=${d}`;
  const rd = readers(8, () => s.api('GET', url, undefined, w.guardian.token));
  const events = []; // { at, id, present }
  await sleep(50);
  const ids = [];
  for (let i = 0; i < 12; i++) {
    const r = expectStatus(await s.api('POST', '/api/v1/homework', item(w, d, { title: '练习' + i }), w.teacher.token), 201);
    events.push({ at: performance.now(), id: r.id, present: true });
    ids.push(r.id);
    await sleep(15);
  }
  for (const id of ids.slice(0, 6)) {
    expectStatus(await s.api('DELETE', `/api/v1/homework/${id}`, undefined, w.teacher.token), 204);
    events.push({ at: performance.now(), id, present: false });
    await sleep(15);
  }
  await sleep(50);
  await rd.stop();
  assert.ok(rd.seen.length > 100, `reads: ${rd.seen.length}`);
  let stale = 0;
  for (const { t0, r } of rd.seen) {
    assert.equal(r.status, 200);
    const shown = new Set(r.body.items.map((x) => x.id));
    // the last write answered before this read began decides what it must show of each item,
    // unless a later write of the item was in flight (then either is right)
    const last = new Map();
    for (const e of events) if (e.at < t0) last.set(e.id, e.present);
    for (const e of events) if (e.at >= t0) last.delete(e.id);
    for (const [id, present] of last) if (shown.has(id) !== present) stale++;
    assert.equal(r.body.written_minutes, r.body.items.length * 5, 'the day total matches the items');
  }
  assert.equal(stale, 0, 'no read showed a board older than a change answered before it began');
  const final = await boardOf(w, d, w.guardian.token);
  assert.deepEqual(final.items.map((x) => x.id), ids.slice(6));
});

test('a refused write changes nothing: the kept board stays what the store holds', async () => {
  const w = await world(s, { grade: 4 });
  const d = schoolDay(addDays(TODAY, 21));
  expectStatus(await s.api('POST', '/api/v1/homework', item(w, d, { minutes: 60 }), w.teacher.token), 201);
  const b1 = await boardOf(w, d, w.guardian.token);
  expectStatus(await s.api('POST', '/api/v1/homework', item(w, d, { minutes: 1 }), w.teacher.token), 422, 'homework_over_limit');
  const b2 = await boardOf(w, d, w.guardian.token);
  assert.deepEqual(b2, b1);
  // another family's access is still checked on a kept board
  const other = await world(s, { grade: 4 });
  expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${d}`, undefined, other.guardian.token), 403);
});
