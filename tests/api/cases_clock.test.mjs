// CS-1's dates on the test clock (SJ_TEST_CLOCK, SJ_TODAY): the server is started on chosen days
// and restarted on later ones over the same database, so each date rule is seen at its edge as
// a district would live it: a Wednesday's and a Saturday's due dates, a holiday on the way, a
// case filed on a holiday, the overdue flag turning on the day after the due date, and a
// guardian reopening on the 30th day after the answer but not the 31st.
// Runs on SQLite and, with SJ_PG_URL, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, TODAY, addDays, clockEnv, expectStatus, world } from './lib.mjs';
import { mkUser } from './funds_world.mjs';

let s, insp;
before(async () => {
  s = new Server({ today: TODAY });
  await s.init();
  await s.start();
  insp = await mkUser(s, await s.admin(), [{ role: 'inspector' }], 'insp');
});
after(async () => { await s.stop(); });

// Restarts the server on `day` (10:00 CST), same database; sessions are logged in again.
async function on(day) {
  await s.stop({ keep: true });
  s.env = { ...s.env, ...clockEnv(day) };
  s.adminToken = undefined;
  await s.start();
  const clock = await s.api('GET', '/api/v1/clock');
  assert.equal(clock.body.today, day);
}
const I = () => s.login(insp.username, 'password-123');
const tip = async (w) => expectStatus(await s.api('POST', '/api/v1/tips', { category: 'homework_overload', text: '作业太多', school_id: w.school.id, anonymous: true }), 201);

test('CS-1 due dates on the calendar: a Wednesday, a Saturday, a holiday on the way, filed on a holiday', async () => {
  const w = await world(s);
  assert.equal((await tip(w)).due_date, '2026-12-30');          // Wed 12-09 + 15 working days
  await on('2026-12-12');                                         // a Saturday
  assert.equal((await tip(w)).due_date, '2027-01-01');
  expectStatus(await s.api('POST', '/api/v1/calendar/holidays', { date: '2027-01-01', kind: 'holiday', name: '元旦' }, await s.admin()), 201);
  assert.equal((await tip(w)).due_date, '2027-01-04');           // the holiday is skipped
  await on('2027-01-01');                                         // filed on the holiday itself
  const t = await tip(w);
  assert.equal(t.due_date, '2027-01-22');
  const c = expectStatus(await s.api('GET', `/api/v1/cases/${t.case_id}`, undefined, await I()), 200);
  assert.equal(c.arrived_on, '2027-01-01');
});

test('overdue: not on the due date, from the day after', async () => {
  await on(TODAY);
  const w = await world(s);
  const t = await tip(w);
  assert.equal(t.due_date, '2026-12-30');
  await on('2026-12-30');
  let c = expectStatus(await s.api('GET', `/api/v1/cases/${t.case_id}`, undefined, await I()), 200);
  assert.equal(c.overdue, false);
  await on('2026-12-31');
  const tok = await I();
  c = expectStatus(await s.api('GET', `/api/v1/cases/${t.case_id}`, undefined, tok), 200);
  assert.equal(c.overdue, true);
  const od = expectStatus(await s.api('GET', `/api/v1/cases?overdue=true&school_id=${w.school.id}`, undefined, tok), 200);
  assert.deepEqual(od.items.map((x) => x.id), [t.case_id]);
  const card = expectStatus(await s.api('GET', '/api/v1/cases/overdue-by-school', undefined, tok), 200);
  assert.equal(card.items.find((x) => x.school_id === w.school.id).overdue, 1);
  // the public status shows it too
  const st = expectStatus(await s.api('GET', `/api/v1/tips/${t.tracking_code}?secret=${t.secret}`), 200);
  assert.equal(st.overdue, true);
});

test('CS-1: the guardian reopens on the 30th day after the closing, not on the 31st', async () => {
  await on(TODAY);
  const w = await world(s);
  const username = 'gu' + w.n;
  const file = async () => expectStatus(await s.api('POST', '/api/v1/complaints', { category: 'exam_ranking', text: '公布了排名', student_id: w.student.id }, await s.login(username, 'password-123')), 201);
  const a = await file(), b = await file();
  for (const c of [a, b]) expectStatus(await s.api('POST', `/api/v1/cases/${c.id}/close`, { outcome: 'unsubstantiated', text: '经查不属实' }, await I()), 200);
  await on(addDays(TODAY, 30));
  let g = await s.login(username, 'password-123');
  assert.equal(expectStatus(await s.api('GET', `/api/v1/complaints/${b.id}`, undefined, g), 200).can_reopen, true);
  const re = expectStatus(await s.api('POST', `/api/v1/cases/${a.id}/reopen`, { text: '不满意' }, g), 200);
  assert.equal(re.status, 'assigned');
  assert.equal(re.due_date, '2027-01-29'); // a fresh deadline: Fri 01-08 + 15 working days
  await on(addDays(TODAY, 31));
  g = await s.login(username, 'password-123');
  assert.equal(expectStatus(await s.api('GET', `/api/v1/complaints/${b.id}`, undefined, g), 200).can_reopen, false);
  const late = expectStatus(await s.api('POST', `/api/v1/cases/${b.id}/reopen`, { text: '不满意' }, g), 422, 'reopen_not_allowed');
  assert.deepEqual([late.error.rule, late.error.days, late.error.reopen_within_days], ['CS-1', 31, 30]);
});
