// Two districts in one database (issue 9.4): each request runs under its own caller's
// district's policy. District 1 keeps the national HW-2 cap of 60 minutes; district 2 lowers it
// to 50 from today. Each district's teacher is refused at their own district's cap, exactly at
// the cap passes and one minute more fails, and neither district sees the other's version.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, world, expectStatus, run, TODAY, addDays } from './lib.mjs';

let s, A2, today, schoolDay;

// The same small world as lib.mjs's world(), made by district 2's admin.
async function world2(s, A) {
  const n = 'd2_' + Math.random().toString(36).slice(2, 6);
  const school = expectStatus(await s.api('POST', '/api/v1/schools', { name: '二区学校' + n, kind: 'primary', rural: false }, A), 201);
  const cls = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: school.id, grade: 4, name: '4年级1班' }, A), 201);
  const mk = async (username, roles) => {
    const u = expectStatus(await s.api('POST', '/api/v1/users', { username, password: 'password-123', name: username, roles }, A), 201);
    return { id: u.id, token: await s.login(username, 'password-123') };
  };
  const teacher = await mk('te' + n, [{ role: 'teacher', school_id: school.id }]);
  expectStatus(await s.api('POST', `/api/v1/classes/${cls.id}/teachers`, { user_id: teacher.id, subject: '数学' }, A), 201);
  return { school, cls, teacher };
}

const hw = (w, minutes) => ({ class_id: w.cls.id, date: schoolDay, subject: '数学', title: '练习', kind: 'written', minutes });

before(async () => {
  s = await startServer();
  const r = await run(['init', '--db', s.db.url, '--admin', 'admin2', '--district', '第二区教育和体育局'],
    'admin2-pass-2026\n', s.env);
  assert.equal(r.code, 0, r.stderr);
  A2 = await s.login('admin2', 'admin2-pass-2026');
  // today on the test clock, and the next school day from the server's own calendar
  today = TODAY;
  const cal = expectStatus(await s.api('GET', `/api/v1/calendar?from=${today}&to=${addDays(today, 200)}`, undefined, A2), 200).items;
  schoolDay = cal.find((d) => d.kind === 'school' && d.date > today)?.date;
  assert.ok(schoolDay, 'a school day within 200 days');
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today, rules: { 'HW-2': { written_minutes_per_day: 50 } } }, A2), 201);
});
after(async () => { await s.stop(); });

test('each district publishes up to its own HW-2 cap and is refused one minute past it', async () => {
  const w1 = await world(s);
  const w2 = await world2(s, A2);
  // district 2: 50 passes exactly at its cap, one more minute is refused at 50
  const d2 = expectStatus(await s.api('POST', '/api/v1/homework', hw(w2, 50), w2.teacher.token), 201);
  assert.equal(d2.day.limit_minutes, 50);
  const r2 = expectStatus(await s.api('POST', '/api/v1/homework', hw(w2, 1), w2.teacher.token), 422, 'homework_over_limit');
  assert.equal(r2.error.rule, 'HW-2');
  assert.equal(r2.error.limit_minutes, 50);
  assert.equal(r2.error.written_minutes, 50);
  // district 1 on the same day keeps the national 60: 50 and then 10 more pass, 1 more fails
  expectStatus(await s.api('POST', '/api/v1/homework', hw(w1, 50), w1.teacher.token), 201);
  const d1 = expectStatus(await s.api('POST', '/api/v1/homework', hw(w1, 10), w1.teacher.token), 201);
  assert.equal(d1.day.limit_minutes, 60);
  const r1 = expectStatus(await s.api('POST', '/api/v1/homework', hw(w1, 1), w1.teacher.token), 422, 'homework_over_limit');
  assert.equal(r1.error.limit_minutes, 60);
  assert.equal(r1.error.written_minutes, 60);
});

test('each district reads its own policy and its own versions only', async () => {
  const p1 = expectStatus(await s.api('GET', '/api/v1/policy', undefined, await s.admin()), 200);
  const p2 = expectStatus(await s.api('GET', '/api/v1/policy', undefined, A2), 200);
  assert.equal(p1.rules['HW-2'].written_minutes_per_day, 60);
  assert.equal(p2.rules['HW-2'].written_minutes_per_day, 50);
  const v1 = expectStatus(await s.api('GET', '/api/v1/policy/versions', undefined, await s.admin()), 200);
  const v2 = expectStatus(await s.api('GET', '/api/v1/policy/versions', undefined, A2), 200);
  assert.equal(v1.total, 0);
  assert.equal(v2.total, 1);
});

test('a district policy change with an unknown key or a wrong type is refused and stores nothing', async () => {
  const bad = [
    { 'HW-2': { written_minutes: 40 } },
    { 'HW-2': { written_minutes_per_day: '40' } },
    { 'HW-10': { bedtime_primary: '25:00' } },
    { 'HW-99': { x: 1 } },
  ];
  for (const rules of bad) {
    const r = expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today, rules }, A2), 400, 'invalid_field');
    assert.equal(r.error.field, 'rules');
  }
  const v2 = expectStatus(await s.api('GET', '/api/v1/policy/versions', undefined, A2), 200);
  assert.equal(v2.total, 1);
});
