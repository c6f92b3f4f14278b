// API tests for the calendar side of homework caps (HW-4) and a district's tighter numbers:
// vacation dates refused under the national defaults and capped as a total when a district sets
// one; holidays and weekends with the district's own numbers; HW-11 subjects per day; the policy
// version stored with each item. Two servers: national defaults, and a district policy file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, world, expectStatus, TODAY, addDays, weekday } from './lib.mjs';

const today = TODAY; // the server's, on the test clock
// Dates come from the server's own calendar (the district enters no terms here, so the default
// term dates apply): the next vacation that starts after tomorrow, and the first days of the
// term after it. D0 is the vacation's third day; D0 .. D0+5 lie in the vacation.
let D0, termFirst, inTerm, saturday, holiday, schoolDay;
let nat, dist, dir;
async function findDates(s) {
  const A = await s.admin();
  const cal = expectStatus(await s.api('GET', `/api/v1/calendar?from=${addDays(today, 1)}&to=${addDays(today, 330)}`, undefined, A), 200).items;
  const start = cal.findIndex((d, k) => k > 0 && d.kind === 'vacation' && cal[k - 1].kind !== 'vacation');
  assert.ok(start > 0, 'a vacation within the coming year');
  const end = cal.findIndex((d, k) => k > start && d.kind !== 'vacation');
  assert.ok(end - start >= 8, 'a vacation of at least 8 days');
  D0 = addDays(cal[start].date, 2);
  termFirst = cal[end].date;
  inTerm = cal.slice(end, end + 7);
  assert.ok(inTerm.every((d) => d.kind === 'school' || d.kind === 'weekend'));
  saturday = inTerm.find((d) => weekday(d.date) === 6).date;
  [holiday, schoolDay] = inTerm.filter((d) => weekday(d.date) <= 5).map((d) => d.date);
}
async function calendar(s) {
  const A = await s.admin();
  expectStatus(await s.api('POST', '/api/v1/calendar/holidays', { date: holiday, kind: 'holiday', name: '测试假日' }, A), 201);
}
const hw = (w, date, over = {}) => ({ class_id: w.cls.id, date, subject: '数学', title: '练习', kind: 'written', minutes: 20, ...over });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sj-policy-'));
  const file = join(dir, 'district.json');
  writeFileSync(file, JSON.stringify({
    version: 'test-district-2026',
    effective_from: '2026-01-01',
    rules: {
      'HW-4': { weekend_day_same_as_weekday: false, weekend_minutes_grades_3_6: 30, holiday_minutes_grades_3_6: 0, vacation_total_minutes: 120 },
      'HW-11': { enabled: true },
    },
  }));
  [nat, dist] = await Promise.all([startServer(), startServer(['--policy', file])]);
  await findDates(nat);
  await Promise.all([calendar(nat), calendar(dist)]);
});
after(async () => {
  await nat?.stop();
  await dist?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('national defaults: a vacation date takes no written homework (HW-4 vacation total unset); reading is fine', async () => {
  const w = await world(nat, { grade: 4 });
  const e = expectStatus(await nat.api('POST', '/api/v1/homework', hw(w, D0), w.teacher.token), 422, 'date_outside_term').error;
  assert.equal(e.rule, 'HW-4');
  assert.equal(e.period_to, addDays(termFirst, -1));
  assert.ok(e.period_from < D0);
  assert.ok(e.message.includes('假期'), e.message);
  assert.equal(e.requested_minutes, 20);
  expectStatus(await nat.api('POST', '/api/v1/homework', hw(w, D0, { kind: 'reading', title: '假期阅读' }), w.teacher.token), 201);
  const ok = expectStatus(await nat.api('POST', '/api/v1/homework', hw(w, termFirst), w.teacher.token), 201);
  assert.equal(ok.day.limit_minutes, 60);
  const bd = expectStatus(await nat.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${D0}`, undefined, w.guardian.token), 200);
  assert.equal(bd.day_kind, 'vacation');
  assert.equal(bd.written_allowed, false);
  assert.equal(bd.items.length, 1);
});

test('national defaults: a holiday and a weekend day keep the weekday cap, cited as HW-4', async () => {
  const w = await world(nat, { grade: 4 });
  for (const d of [holiday, saturday]) {
    expectStatus(await nat.api('POST', '/api/v1/homework', hw(w, d, { minutes: 60 }), w.teacher.token), 201);
    const e = expectStatus(await nat.api('POST', '/api/v1/homework', hw(w, d, { minutes: 1 }), w.teacher.token), 422, 'homework_over_limit').error;
    assert.deepEqual([e.rule, e.limit_minutes, e.day_kind], ['HW-4', 60, d === holiday ? 'holiday' : 'weekend']);
  }
  const s = expectStatus(await nat.api('POST', '/api/v1/homework', hw(w, schoolDay, { minutes: 60 }), w.teacher.token), 201);
  assert.equal(s.day.rule, 'HW-2');
  assert.equal(s.policy_version, 'national-2021');
});

test('district numbers: weekend 30, holiday 0, vacation total 120 over the whole vacation', async () => {
  const w = await world(dist, { grade: 5 });
  const P = (body) => dist.api('POST', '/api/v1/homework', body, w.teacher.token);
  // weekend
  const a = expectStatus(await P(hw(w, saturday, { minutes: 30 })), 201);
  assert.deepEqual([a.day.limit_minutes, a.day.rule], [30, 'HW-4']);
  assert.equal(a.policy_version, 'test-district-2026');
  let e = expectStatus(await P(hw(w, saturday, { minutes: 1 })), 422, 'homework_over_limit').error;
  assert.deepEqual([e.rule, e.limit_minutes, e.written_minutes], ['HW-4', 30, 30]);
  // holiday: none
  e = expectStatus(await P(hw(w, holiday, { minutes: 1 })), 422, 'homework_over_limit').error;
  assert.deepEqual([e.rule, e.limit_minutes, e.day_kind], ['HW-4', 0, 'holiday']);
  // vacation: 120 in total, spread over days
  const v1 = expectStatus(await P(hw(w, D0, { minutes: 60 })), 201);
  assert.deepEqual([v1.day.limit_minutes, v1.day.written_minutes, v1.day.day_kind], [120, 60, 'vacation']);
  assert.equal(v1.day.period_to, addDays(termFirst, -1));
  const v2 = expectStatus(await P(hw(w, addDays(D0, 3), { minutes: 60 })), 201);
  assert.equal(v2.day.written_minutes, 120);
  e = expectStatus(await P(hw(w, addDays(D0, 5), { minutes: 1 })), 422, 'homework_over_limit').error;
  assert.deepEqual([e.rule, e.limit_minutes, e.written_minutes, e.requested_minutes], ['HW-4', 120, 120, 1]);
  assert.equal(e.items.length, 2);
  const bd = expectStatus(await dist.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${addDays(D0, 1)}`, undefined, w.guardian.token), 200);
  assert.deepEqual([bd.vacation.written_minutes, bd.vacation.limit_minutes, bd.remaining_minutes], [120, 120, 0]);
  // withdrawing one returns its minutes to the vacation total
  expectStatus(await dist.api('DELETE', `/api/v1/homework/${v1.id}`, undefined, w.teacher.token), 204);
  expectStatus(await P(hw(w, addDays(D0, 5), { minutes: 60 })), 201);
});

test('concurrent publishes on different days of one vacation never pass its total together', async () => {
  const w = await world(dist, { grade: 4 });
  const rs = await Promise.all(Array.from({ length: 24 }, (_, i) =>
    dist.api('POST', '/api/v1/homework', hw(w, addDays(D0, i % 6), { minutes: 10, title: `第${i}项` }), w.teacher.token)));
  assert.equal(rs.filter((r) => r.status === 201).length, 12, rs.map((r) => r.status).join(','));
  assert.ok(rs.every((r) => r.status === 201 || r.body.error.code === 'homework_over_limit'));
  const bd = expectStatus(await dist.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${D0}`, undefined, w.teacher.token), 200);
  assert.equal(bd.vacation.written_minutes, 120);
});

test('HW-11 switched on by the district: a fourth subject with written homework in grades 3-6 is refused', async () => {
  const w = await world(dist, { grade: 4 });
  const A = await dist.admin();
  const P = async (subject, minutes = 10) => {
    const u = `t${Math.random().toString(36).slice(2, 10)}`;
    const t = (await dist.api('POST', '/api/v1/users', { username: u, password: 'password-123', name: u, roles: [{ role: 'teacher', school_id: w.school.id }] }, A)).body;
    expectStatus(await dist.api('POST', `/api/v1/classes/${w.cls.id}/teachers`, { user_id: t.id, subject }, A), 201);
    return dist.api('POST', '/api/v1/homework', hw(w, schoolDay, { subject, minutes }), await dist.login(u, 'password-123'));
  };
  expectStatus(await P('语文'), 201);
  expectStatus(await P('英语'), 201);
  expectStatus(await P('科学'), 201);
  const e = expectStatus(await P('道德与法治'), 422, 'too_many_subjects').error;
  assert.deepEqual([e.rule, e.limit_subjects, e.subjects], ['HW-11', 3, 4]);
  // another item in a subject already there, and reading in a new one, are fine
  expectStatus(await dist.api('POST', '/api/v1/homework', hw(w, schoolDay, { subject: '数学', minutes: 5 }), w.teacher.token), 422, 'too_many_subjects');
  expectStatus(await P('语文', 5), 201);
  const bd = expectStatus(await dist.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${schoolDay}`, undefined, A), 200);
  assert.equal(bd.written_minutes, 35);
});
