// Failure injection into the writes of issue 14's rules (SJ_DB_FAIL_SQL + SJ_DB_FAIL_AT: the Nth
// statement naming a table fails once): an AS-10 top-up and an HW-8 per-pupil marking answer a
// clean 500 and leave nothing half-written; asked again, they succeed once.
// Runs on SQLite, or PostgreSQL with SJ_PG_URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, world, expectStatus, TODAY } from './lib.mjs';

const Y = Number(TODAY.slice(0, 4)); // TODAY lies in Y's autumn term (December)
const TERM = `${Y}-autumn`;

async function server(table, n) {
  const s = new Server();
  s.env.SJ_DB_FAIL_SQL = table;
  s.env.SJ_DB_FAIL_AT = String(n);
  await s.init();
  await s.start();
  const A = await s.admin();
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: TERM, first_day: `${Y}-08-20`, last_day: `${Y + 1}-01-20` }, A), 201);
  return { s, A };
}

test('AS-10: a top-up whose statement fails is not recorded; the retry is, once', async () => {
  for (let n = 1; n <= 2; n++) {
    const { s, A } = await server('afterschool_topups', n);
    try {
      const school = expectStatus(await s.api('POST', '/api/v1/schools', { name: '乡村小学' + n, kind: 'primary', rural: true }, A), 201);
      const u = expectStatus(await s.api('POST', '/api/v1/users', { username: 't' + n, password: 'password-123', name: '教师', roles: [{ role: 'teacher', school_id: school.id }] }, A), 201);
      const p = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', { school_id: school.id, term: TERM, name: '托管', kind: 'care', provider: 'school', capacity: 30, weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '18:00', fee_per_hour_fen: 200, first_day: `${Y}-12-01`, last_day: `${Y + 1}-01-15`, staff_a: u.id }, A), 201);
      expectStatus(await s.api('POST', '/api/v1/staff/duties', { user_id: u.id, program_id: p.id, date: `${Y}-12-07`, minutes: 45 }, A), 201);
      const body = { school_id: school.id, term: TERM, amount_fen: 5000 };
      const r = await s.api('POST', '/api/v1/afterschool/topups', body, A);
      assert.equal(r.status, 500, `n=${n}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'internal');
      assert.equal(expectStatus(await s.api('GET', `/api/v1/afterschool/topups?school_id=${school.id}`, undefined, A), 200).total, 0, `n=${n}: half-written`);
      expectStatus(await s.api('POST', '/api/v1/afterschool/topups', body, A), 201);
      expectStatus(await s.api('POST', '/api/v1/afterschool/topups', { ...body, amount_fen: 1 }, A), 422, 'topup_over_gap');
    } finally {
      await s.stop();
    }
  }
});

test('HW-8: a marking whose statement fails records no pupil; the retry records them once', async () => {
  for (let n = 1; n <= 2; n++) {
    const { s, A } = await server('homework_marks', n);
    try {
      const w = await world(s, { grade: 4, subject: '数学' });
      const st2 = expectStatus(await s.api('POST', '/api/v1/students', { class_id: w.cls.id, name: '第二名', student_no: 'X' + w.n }, A), 201);
      const it = expectStatus(await s.api('POST', '/api/v1/homework', { class_id: w.cls.id, date: TODAY, subject: '数学', title: '练习', kind: 'written', minutes: 10 }, w.teacher.token), 201);
      const r = await s.api('POST', `/api/v1/homework/${it.id}/marks`, { student_ids: [w.student.id, st2.id] }, w.teacher.token);
      assert.equal(r.status, 500, `n=${n}: ${JSON.stringify(r.body)}`);
      assert.equal(expectStatus(await s.api('GET', `/api/v1/homework/${it.id}`, undefined, w.teacher.token), 200).marked, false);
      const again = expectStatus(await s.api('POST', `/api/v1/homework/${it.id}/marks`, { student_ids: [w.student.id] }, w.teacher.token), 200);
      assert.deepEqual([again.marked_pupils, again.complete], [1, false], `n=${n}: the failed request left a mark`);
    } finally {
      await s.stop();
    }
  }
});
