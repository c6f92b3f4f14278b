// Scores on the test clock (SJ_TEST_CLOCK, SJ_TODAY): an exam's scores are taken from its date on,
// never before. The server is started the day before the exam and restarted on the exam's day
// over the same database, so the edge is seen as a school would live it: the day before is 409
// exam_not_held with nothing stored, the day itself passes, a day later too.
// Runs on SQLite and, with SJ_PG_URL, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, TODAY, addDays, clockEnv, expectStatus, world } from './lib.mjs';

let s;
before(async () => {
  s = new Server({ today: TODAY });
  await s.init();
  await s.start();
  await s.admin();
});
after(async () => { await s.stop(); });

async function on(day) {
  await s.stop({ keep: true });
  s.env = { ...s.env, ...clockEnv(day) };
  s.adminToken = undefined;
  await s.start();
  assert.equal((await s.api('GET', '/api/v1/clock')).body.today, day);
}

// Sessions do not outlive a restart: the world's people log in again.
async function relogin(w) {
  w.teacher.token = await s.login('te' + w.n, 'password-123');
  w.schoolAdmin.token = await s.login('sa' + w.n, 'password-123');
}

test('scores only on or after the exam\'s date: the day before fails, the day itself passes', async () => {
  const A = await s.admin();
  const term = '2026-autumn';
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term, first_day: '2026-08-01', last_day: '2027-01-31' }, A), 201);
  const w = await world(s, { grade: 4 });
  const examDay = addDays(TODAY, 1);
  const later = expectStatus(await s.api('POST', '/api/v1/exams', { school_id: w.school.id, grade: 4, term, kind: 'final', paper: true, date: addDays(TODAY, 30), subject: '语文' }, w.schoolAdmin.token), 201);
  const ex = expectStatus(await s.api('POST', '/api/v1/exams', { school_id: w.school.id, grade: 4, term, kind: 'final', paper: true, date: examDay, subject: '数学' }, w.schoolAdmin.token), 201);
  const put = (id, token = w.teacher.token) => s.api('POST', `/api/v1/exams/${id}/scores`, { scores: [{ student_id: w.student.id, score: 90 }] }, token);
  const band = async (id) => expectStatus(await s.api('GET', `/api/v1/exams/${id}/results`, undefined, w.schoolAdmin.token), 200).items[0].band;
  // the day before: refused, nothing stored
  let e = expectStatus(await put(ex.id), 409, 'exam_not_held').error;
  assert.deepEqual([e.exam_date, e.today], [examDay, TODAY]);
  assert.match(e.message, new RegExp(examDay));
  e = expectStatus(await put(later.id), 409, 'exam_not_held').error;            // a month ahead: the case
  assert.equal(e.exam_date, addDays(TODAY, 30));
  assert.equal(await band(ex.id), null);
  // the exam's day itself: taken
  await on(examDay);
  await relogin(w);
  expectStatus(await put(ex.id), 204);
  assert.equal(await band(ex.id), 'A');
  expectStatus(await put(later.id), 409, 'exam_not_held');
  // and any day after (a correction)
  await on(addDays(examDay, 1));
  await relogin(w);
  expectStatus(await s.api('POST', `/api/v1/exams/${ex.id}/scores`, { scores: [{ student_id: w.student.id, score: 70 }] }, w.teacher.token), 204);
  assert.equal(await band(ex.id), 'B');
});
