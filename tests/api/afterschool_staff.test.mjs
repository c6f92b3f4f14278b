// API tests for the after-school service's day-to-day side (API.md "After-school service"
// attendance and staff rows, POLICY.md AS-8, AS-9): the roll taken per session, locked after
// its day, entered late or corrected only with a reason that is kept, refused for pupils not
// enrolled; duty recorded into the time bank, only on a program the teacher staffs (the school's
// admin records for its own staff) and never at hours overlapping another duty of the day (AS-9:
// ending as the next starts passes, one minute over fails, parallel records never both pass); half-day leave spending credits within the weekly
// limit (exactly enough credits pass, fewer are refused), concurrent requests never spending
// the same credits twice; approval returning or spending the credits; the A/B post roster; the
// subsidies due. Runs on SQLite, or PostgreSQL with SJ_PG_URL.
//
// Dates are relative to today, the server's on the test clock (lib.mjs TODAY, a Wednesday in
// term): the roll and duty need session days in the past, the leave school days to come; every
// date from August of last year to July of next year lies in a term.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, world, expectStatus, psql, BACKEND, TODAY, addDays, weekday } from './lib.mjs';

let s, A;
const today = TODAY;
const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7));
// the term holding today, and its bounds as entered below
const autumn = m >= 8 || m === 1;
const ty = m === 1 ? y - 1 : y;
const TERM = autumn ? `${ty}-autumn` : `${ty}-spring`;
const T_FIRST = autumn ? `${ty}-08-01` : `${ty}-02-01`;
const T_LAST = autumn ? `${ty + 1}-01-31` : `${ty}-07-31`;
const pastDays = []; // weekdays before today in this term, latest first
for (let d = addDays(today, -1); d >= T_FIRST && pastDays.length < 6; d = addDays(d, -1)) if (weekday(d) <= 5) pastDays.push(d);
const weekStart = (d) => addDays(d, 1 - weekday(d));
const futureWeeks = []; // [monday..friday school days] of weeks after this one, in this term
for (let mon = addDays(weekStart(today), 7); addDays(mon, 4) <= T_LAST && futureWeeks.length < 4; mon = addDays(mon, 7)) futureWeeks.push([0, 1, 2, 3, 4].map((k) => addDays(mon, k)));
let pastSaturday = addDays(today, -1);
while (weekday(pastSaturday) !== 6) pastSaturday = addDays(pastSaturday, -1);

// setting up history the API cannot back-date: a seat held since the start of term
function sql(stmt) {
  if (BACKEND === 'pg') return psql(s.db.url, stmt);
  return execFileSync('sqlite3', ['-bail', s.db.url.slice(7), stmt], { encoding: 'utf8' });
}

let seq = 0;
async function user(roles, prefix = 'u') {
  const username = `${prefix}${++seq}_${Math.random().toString(36).slice(2, 6)}`;
  const u = expectStatus(await s.api('POST', '/api/v1/users', { username, password: 'password-123', name: username, roles }, A), 201);
  return { id: u.id, token: await s.login(username, 'password-123') };
}
async function pupil(w) {
  const n = ++seq;
  const st = expectStatus(await s.api('POST', '/api/v1/students', { class_id: w.cls.id, name: '学生' + n, student_no: `Q${n}_${Math.random().toString(36).slice(2, 7)}` }, A), 201);
  const g = await user([{ role: 'guardian' }], 'gu');
  expectStatus(await s.api('POST', `/api/v1/students/${st.id}/guardians`, { user_id: g.id }, A), 201);
  return { id: st.id, guardian: g };
}
const CARE = { term: TERM, name: '课后托管', kind: 'care', provider: 'school', capacity: 50, weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '18:00', fee_per_hour_fen: 200, first_day: T_FIRST, last_day: T_LAST };
const program = async (w, over = {}) => expectStatus(await s.api('POST', '/api/v1/afterschool/programs', { ...CARE, school_id: w.school.id, ...over }, w.schoolAdmin.token), 201);
const roll = (w, pid, body, token) => s.api('POST', `/api/v1/afterschool/programs/${pid}/attendance`, body, token || w.teacher.token);
const getRoll = async (pid, date, token) => expectStatus(await s.api('GET', `/api/v1/afterschool/programs/${pid}/attendance?date=${date}`, undefined, token), 200);
const duty = (token, body) => s.api('POST', '/api/v1/staff/duties', body, token);
const credits = async (uid, token) => expectStatus(await s.api('GET', `/api/v1/staff/${uid}/credits`, undefined, token), 200);
const leave = (token, date, half) => s.api('POST', '/api/v1/staff/leave', { date, half }, token);

before(async () => {
  // what the tests below need of the test clock's day
  assert.ok(weekday(today) <= 5 && pastDays.length >= 4 && futureWeeks.length >= 3, `${today} does not suit these tests`);
  s = await startServer();
  A = await s.admin();
  for (const Y of [y - 1, y, y + 1]) {
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-spring`, first_day: `${Y}-02-01`, last_day: `${Y}-07-31` }, A), 201);
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-autumn`, first_day: `${Y}-08-01`, last_day: `${Y + 1}-01-31` }, A), 201);
  }
});
after(async () => { await s?.stop(); });

test('the roll: locked after its day, entered late only with a reason, corrected with a reason that is kept', async () => {
  const w = await world(s);
  const p = await program(w, { staff_a: w.teacher.id });
  const k2 = await pupil(w), k3 = await pupil(w);
  const e1 = expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: p.id, student_id: w.student.id }, w.guardian.token), 201);
  const e2 = expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: p.id, student_id: k2.id }, k2.guardian.token), 201);
  sql(`UPDATE afterschool_enrolments SET seat_from = '${T_FIRST}' WHERE id IN (${e1.id}, ${e2.id})`);
  const d = pastDays[0];
  // not yet, not a session day, locked without a reason, pupils not enrolled: refused, nothing kept
  expectStatus(await roll(w, p.id, { date: addDays(today, 1), present: [] }), 409, 'roll_not_open');
  expectStatus(await roll(w, p.id, { date: pastSaturday, present: [], reason: '补录' }), 422, 'no_session');
  const locked = expectStatus(await roll(w, p.id, { date: d, present: [w.student.id] }), 409, 'roll_locked').error;
  assert.equal(locked.taken, false);
  const ne = expectStatus(await roll(w, p.id, { date: d, present: [w.student.id, k3.id], reason: '补录' }), 422, 'not_enrolled').error;
  assert.deepEqual(ne.student_ids, [k3.id]);
  expectStatus(await roll(w, p.id, { date: d, present: [0] }), 400);
  expectStatus(await roll(w, p.id, { date: d, present: 'all' }), 400);
  expectStatus(await roll(w, p.id, { date: d, present: [], reason: '补录' }, w.guardian.token), 403);
  const other = await world(s);
  expectStatus(await roll(w, p.id, { date: d, present: [], reason: '补录' }, other.teacher.token), 403);
  assert.equal((await getRoll(p.id, d, w.teacher.token)).taken, false, 'nothing stored by the refusals');
  // a late roll with its reason
  expectStatus(await roll(w, p.id, { date: d, present: [w.student.id], reason: '网络故障,纸质点名补录' }), 204);
  let r = await getRoll(p.id, d, w.teacher.token);
  assert.deepEqual([r.taken, r.locked, r.late_reason], [true, true, '网络故障,纸质点名补录']);
  assert.deepEqual(r.items.map((x) => [x.student_id, x.present]).sort(), [[w.student.id, true], [k2.id, false]].sort());
  // each pupil's class with its grade, so the roll can say 四年级1班
  assert.deepEqual([...new Set(r.items.map((x) => `${x.grade}|${x.class_name}`))], ['4|4年级1班']);
  const en = expectStatus(await s.api('GET', `/api/v1/afterschool/programs/${p.id}/enrolments`, undefined, w.schoolAdmin.token), 200);
  assert.ok(en.items.length >= 2 && en.items.every((x) => x.grade === 4), JSON.stringify(en.items));
  expectStatus(await roll(w, p.id, { date: d, present: [w.student.id, k2.id], reason: '再改一次' }), 409, 'roll_locked');
  // corrections: only with a reason, only for pupils on the roll, all kept
  expectStatus(await s.api('POST', `/api/v1/afterschool/programs/${p.id}/attendance/corrections`, { date: d, student_id: k2.id, present: true }, w.teacher.token), 400);
  expectStatus(await s.api('POST', `/api/v1/afterschool/programs/${p.id}/attendance/corrections`, { date: d, student_id: k3.id, present: true, reason: '家长来电' }, w.teacher.token), 422, 'not_enrolled');
  expectStatus(await s.api('POST', `/api/v1/afterschool/programs/${p.id}/attendance/corrections`, { date: pastSaturday, student_id: k2.id, present: true, reason: 'x' }, w.teacher.token), 404);
  const c = expectStatus(await s.api('POST', `/api/v1/afterschool/programs/${p.id}/attendance/corrections`, { date: d, student_id: k2.id, present: true, reason: '学生在操场活动,漏点' }, w.teacher.token), 201);
  assert.deepEqual([c.present_before, c.present_after], [false, true]);
  r = await getRoll(p.id, d, w.schoolAdmin.token);
  assert.equal(r.items.find((x) => x.student_id === k2.id).present, true);
  assert.deepEqual(r.corrections.map((x) => [x.student_id, x.reason]), [[k2.id, '学生在操场活动,漏点']]);
});

test('the roll on its own day can be taken and retaken', async () => {
  const w = await world(s);
  const p = await program(w);
  const e = expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: p.id, student_id: w.student.id }, w.guardian.token), 201);
  assert.equal(e.seat_from, today);
  expectStatus(await roll(w, p.id, { date: today, present: [] }), 204);
  expectStatus(await roll(w, p.id, { date: today, present: [w.student.id] }), 204);
  const r = await getRoll(p.id, today, w.teacher.token);
  assert.deepEqual([r.locked, r.items[0].present], [false, true]);
});

test('duty into the time bank: one entry per teacher, session and day; the A/B posts; who may record and read', async () => {
  const w = await world(s);
  const t2 = await user([{ role: 'teacher', school_id: w.school.id }], 'tb');
  const p = await program(w, { staff_a: w.teacher.id, staff_b: t2.id });
  const d = pastDays[0];
  const r = expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: d, minutes: 150 }), 201);
  assert.deepEqual([r.credits.minutes, r.credits.earned, r.covering_for], [150, 150, null]);
  expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: d, minutes: 30 }), 409);
  assert.equal(expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: pastDays[1], minutes: 151 }), 400).error.max, 150);
  expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: pastDays[1], minutes: 0 }), 400);
  expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: addDays(today, 1), minutes: 60 }), 400);
  expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: pastSaturday, minutes: 60 }), 422, 'no_session');
  expectStatus(await duty(w.teacher.token, { user_id: t2.id, program_id: p.id, date: d, minutes: 60 }), 403);
  expectStatus(await duty(w.guardian.token, { user_id: w.guardian.id, program_id: p.id, date: d, minutes: 60 }), 403);
  const other = await world(s);
  expectStatus(await duty(other.teacher.token, { user_id: other.teacher.id, program_id: p.id, date: d, minutes: 60 }), 403);
  expectStatus(await duty(w.schoolAdmin.token, { user_id: other.teacher.id, program_id: p.id, date: d, minutes: 60 }), 400);
  // the school records the B post standing in for the A post
  const b = expectStatus(await duty(w.schoolAdmin.token, { user_id: t2.id, program_id: p.id, date: pastDays[1], minutes: 150 }), 201);
  assert.equal(b.covering_for, w.teacher.id);
  assert.equal((await credits(w.teacher.id, w.teacher.token)).minutes, 150);
  assert.equal((await credits(w.teacher.id, w.schoolAdmin.token)).minutes, 150);
  expectStatus(await s.api('GET', `/api/v1/staff/${w.teacher.id}/credits`, undefined, t2.token), 403);
  expectStatus(await s.api('GET', `/api/v1/staff/${w.teacher.id}/credits`, undefined, other.schoolAdmin.token), 403);
  expectStatus(await s.api('GET', `/api/v1/staff/${w.teacher.id}/credits`, undefined, w.guardian.token), 403);
  const list = expectStatus(await s.api('GET', '/api/v1/staff/duties', undefined, t2.token), 200);
  assert.deepEqual(list.items.map((x) => [x.date, x.minutes, x.covering_for]), [[pastDays[1], 150, w.teacher.id]]);
  // AS-8: the subsidy due per class-hour of 45 minutes at 50 元
  const sub = expectStatus(await s.api('GET', `/api/v1/afterschool/subsidies?school_id=${w.school.id}&term=${TERM}`, undefined, w.schoolAdmin.token), 200);
  assert.equal(sub.total, 2);
  for (const it of sub.items) assert.deepEqual([it.duty_minutes, it.rate_fen, it.amount_fen], [150, 5000, Math.floor(150 * 5000 / 45)]);
  assert.match(sub.items[0].explain, /AS-8/);
  expectStatus(await s.api('GET', `/api/v1/afterschool/subsidies?school_id=${w.school.id}&term=${TERM}`, undefined, w.teacher.token), 403);
});

test('duty only on a program the teacher staffs: 403 otherwise, and for another school; the school admin records for its own staff', async () => {
  const w = await world(s);
  const t2 = await user([{ role: 'teacher', school_id: w.school.id }], 'tb');
  const mine = await program(w, { staff_a: w.teacher.id });
  const asB = await program(w, { name: '课后托管(二)', staff_a: t2.id, staff_b: w.teacher.id });
  // what teacher1 did: the same hours credited on three programs they hold no post in
  const notMine = [await program(w, { name: '托管甲', staff_a: t2.id }), await program(w, { name: '托管乙' }), await program(w, { name: '托管丙', staff_b: t2.id })];
  const d = pastDays[0];
  for (const p of notMine) {
    const e = expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: d, minutes: 150 }), 403, 'forbidden').error;
    assert.match(e.message, /A 岗或 B 岗/);
  }
  const en = await s.api('POST', '/api/v1/staff/duties', { user_id: w.teacher.id, program_id: notMine[0].id, date: d, minutes: 150 }, w.teacher.token, { 'Accept-Language': 'en' });
  assert.match(expectStatus(en, 403).error.message, /A or B post/);
  assert.equal((await credits(w.teacher.id, w.teacher.token)).earned, 0, 'nothing credited');
  // someone else's duty: only the school's admin
  assert.match(expectStatus(await duty(t2.token, { user_id: w.teacher.id, program_id: mine.id, date: d, minutes: 60 }), 403).error.message, /管理员/);
  // another school's admin and teacher: 403 on this school's program
  const other = await world(s);
  expectStatus(await duty(other.schoolAdmin.token, { user_id: w.teacher.id, program_id: mine.id, date: d, minutes: 60 }), 403);
  expectStatus(await duty(other.schoolAdmin.token, { user_id: other.teacher.id, program_id: mine.id, date: d, minutes: 60 }), 403);
  expectStatus(await duty(other.teacher.token, { user_id: other.teacher.id, program_id: mine.id, date: d, minutes: 60 }), 403);
  // the A post and the B post record their own
  expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: mine.id, date: d, minutes: 150 }), 201);
  const b = expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: asB.id, date: pastDays[1], minutes: 150 }), 201);
  assert.equal(b.covering_for, t2.id);
  // the school's admin records a stand-in who holds no post there
  const standIn = expectStatus(await duty(w.schoolAdmin.token, { user_id: t2.id, program_id: notMine[1].id, date: pastDays[1], minutes: 150 }), 201);
  assert.equal(standIn.credits.earned, 150);
  assert.equal((await credits(w.teacher.id, w.teacher.token)).earned, 300);
});

test('one duty at a time (AS-9): a duty ending exactly when another starts passes, one minute of overlap is refused', async () => {
  const w = await world(s);
  const mk = (name, start, end, kind = 'course') => program(w, { name, kind, start, end, fee_per_hour_fen: kind === 'care' ? 200 : 300, staff_a: w.teacher.id });
  const care = await mk('课后托管', '16:00', '18:00', 'care');
  const after = await mk('合唱', '18:00', '19:00');
  const early = await mk('篮球', '17:59', '19:30');
  const [d1, d2] = pastDays;
  expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: care.id, date: d1, minutes: 120 }), 201);
  const edge = expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: after.id, date: d1, minutes: 60 }), 201);
  assert.equal(edge.credits.earned, 180);
  // 17:59 is one minute inside care's 16:00-18:00
  expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: care.id, date: d2, minutes: 120 }), 201);
  const e = expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: early.id, date: d2, minutes: 30 }), 422, 'duty_overlap').error;
  assert.deepEqual([e.rule, e.overlap_minutes, e.program_id, e.start, e.end, e.other_start, e.other_end, e.date], ['AS-9', 1, care.id, '17:59', '19:30', '16:00', '18:00', d2]);
  assert.match(e.message, /重叠 1 分钟/);
  const en = await s.api('POST', '/api/v1/staff/duties', { user_id: w.teacher.id, program_id: early.id, date: d2, minutes: 30 }, w.teacher.token, { 'Accept-Language': 'en' });
  assert.match(expectStatus(en, 422).error.message, /overlaps this one \(17:59-19:30\) by 1 minutes/);
  // the school's admin is held to it too, and the same session twice is still 409
  expectStatus(await duty(w.schoolAdmin.token, { user_id: w.teacher.id, program_id: early.id, date: d1, minutes: 30 }), 422, 'duty_overlap');
  expectStatus(await duty(w.schoolAdmin.token, { user_id: w.teacher.id, program_id: care.id, date: d1, minutes: 30 }), 409, 'conflict');
  // refused requests stored nothing
  assert.equal((await credits(w.teacher.id, w.teacher.token)).earned, 300);
  const list = expectStatus(await s.api('GET', `/api/v1/staff/duties?user_id=${w.teacher.id}`, undefined, w.teacher.token), 200);
  assert.deepEqual(list.items.map((x) => x.program_id).sort(), [care.id, care.id, after.id].sort());
  // another teacher may be at the 17:59 program while this one is at care
  const t2 = await user([{ role: 'teacher', school_id: w.school.id }], 'tb');
  const early2 = await program(w, { name: '篮球(二)', kind: 'course', start: '17:59', end: '19:30', fee_per_hour_fen: 300, staff_a: t2.id });
  expectStatus(await duty(t2.token, { user_id: t2.id, program_id: early2.id, date: d2, minutes: 90 }), 201);
});

test('concurrency: duty records at once for one teacher and day never overlap', async () => {
  const w = await world(s);
  // six programs at the same hours, the teacher the A post of each
  const same = [];
  for (let i = 0; i < 6; i++) same.push(await program(w, { name: '托管' + i, staff_a: w.teacher.id }));
  const [d1, d2] = pastDays;
  const res = await Promise.all(same.flatMap((p, i) => [
    duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: d1, minutes: 150 }),
    duty(w.schoolAdmin.token, { user_id: w.teacher.id, program_id: same[(i + 1) % 6].id, date: d1, minutes: 150 }),
  ]));
  const ok = res.filter((r) => r.status === 201);
  for (const r of res) if (r.status !== 201) assert.ok(['duty_overlap', 'conflict'].includes(r.body.error.code), JSON.stringify(r.body));
  assert.equal(ok.length, 1, JSON.stringify(res.map((r) => r.status)));
  // back to back, at once: all pass
  const mk = (name, start, end) => program(w, { name, kind: 'course', start, end, fee_per_hour_fen: 300, staff_a: w.teacher.id });
  const chain = [await mk('甲', '18:00', '19:00'), await mk('乙', '19:00', '20:00'), await mk('丙', '16:30', '18:00')];
  const res2 = await Promise.all(chain.map((p) => duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: d2, minutes: 60 })));
  assert.deepEqual(res2.map((r) => r.status), [201, 201, 201], JSON.stringify(res2.map((r) => r.body)));
  const bank = await credits(w.teacher.id, w.teacher.token);
  assert.equal(bank.earned, 150 + 180);
});

test('leave (AS-9): exactly enough credits pass, fewer are refused; one half-day a week; approval spends, rejection returns', async () => {
  const w = await world(s);
  const p = await program(w, { staff_a: w.teacher.id });
  expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: pastDays[0], minutes: 150 }), 201);
  const [w1, w2] = futureWeeks;
  const e = expectStatus(await leave(w.teacher.token, w1[0], 'am'), 422, 'insufficient_credits').error;
  assert.deepEqual([e.rule, e.minutes, e.required], ['AS-9', 150, 240]);
  expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: pastDays[1], minutes: 89 }), 201);
  assert.equal(expectStatus(await leave(w.teacher.token, w1[0], 'am'), 422, 'insufficient_credits').error.minutes, 239);
  expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: pastDays[2], minutes: 1 }), 201);
  assert.equal((await credits(w.teacher.id, w.teacher.token)).minutes, 240);
  const l1 = expectStatus(await leave(w.teacher.token, w1[0], 'am'), 201);
  assert.deepEqual([l1.status, l1.minutes, l1.credits.minutes, l1.credits.held, l1.week_start], ['pending', 240, 0, 240, w1[0]]);
  // bad days and input
  expectStatus(await leave(w.teacher.token, pastDays[0], 'pm'), 400);
  expectStatus(await leave(w.teacher.token, addDays(w1[0], 5), 'pm'), 400); // a Saturday
  expectStatus(await leave(w.teacher.token, w1[1], 'evening'), 400);
  expectStatus(await leave(w.guardian.token, w1[1], 'pm'), 403);
  // more credits: the week's one half-day is still used
  expectStatus(await duty(w.teacher.token, { user_id: w.teacher.id, program_id: p.id, date: pastDays[3], minutes: 150 }), 201);
  // and a large credit from earlier in the term, entered directly
  sql(`INSERT INTO afterschool_duties (district_id, school_id, user_id, program_id, date, minutes, created_at) SELECT district_id, school_id, ${w.teacher.id}, id, '${T_FIRST}', 500, 0 FROM afterschool_programs WHERE id = ${p.id}`);
  const bank = await credits(w.teacher.id, w.teacher.token);
  assert.ok(bank.minutes >= 480, JSON.stringify(bank));
  const wk = expectStatus(await leave(w.teacher.token, w1[2], 'pm'), 422, 'leave_over_weekly_limit').error;
  assert.deepEqual([wk.rule, wk.limit, wk.used, wk.week_start], ['AS-9', 1, 1, w1[0]]);
  expectStatus(await leave(w.teacher.token, w1[0], 'am'), 409);
  // the school decides
  expectStatus(await s.api('POST', `/api/v1/staff/leave/${l1.id}/decision`, { approve: true }, w.teacher.token), 403);
  const ok = expectStatus(await s.api('POST', `/api/v1/staff/leave/${l1.id}/decision`, { approve: true, note: '同意' }, w.schoolAdmin.token), 200);
  assert.deepEqual([ok.status, ok.credits.spent, ok.credits.held], ['approved', 240, 0]);
  expectStatus(await s.api('POST', `/api/v1/staff/leave/${l1.id}/decision`, { approve: false }, w.schoolAdmin.token), 409);
  const l2 = expectStatus(await leave(w.teacher.token, w2[3], 'pm'), 201);
  const before = (await credits(w.teacher.id, w.teacher.token)).minutes;
  const no = expectStatus(await s.api('POST', `/api/v1/staff/leave/${l2.id}/decision`, { approve: false, note: '本周人手不足' }, w.schoolAdmin.token), 200);
  assert.equal(no.credits.minutes, before + 240, 'a rejection returns the credits');
  const mine = expectStatus(await s.api('GET', '/api/v1/staff/leave', undefined, w.teacher.token), 200);
  assert.deepEqual(mine.items.map((x) => x.status).sort(), ['approved', 'rejected']);
  const school = expectStatus(await s.api('GET', `/api/v1/staff/leave?school_id=${w.school.id}&status=approved`, undefined, w.schoolAdmin.token), 200);
  assert.deepEqual(school.items.map((x) => x.id), [l1.id]);
});

test('concurrency: leave requests at once never spend the same credits twice nor pass the weekly limit', async () => {
  const w = await world(s);
  const p = await program(w, { staff_a: w.teacher.id });
  // 500 minutes: enough for two half-days, not three
  sql(`INSERT INTO afterschool_duties (district_id, school_id, user_id, program_id, date, minutes, created_at) SELECT district_id, school_id, ${w.teacher.id}, id, '${T_FIRST}', 500, 0 FROM afterschool_programs WHERE id = ${p.id}`);
  const asks = futureWeeks.slice(0, 3).flatMap((wk) => [[wk[1], 'am'], [wk[1], 'pm'], [wk[2], 'pm']]);
  const res = await Promise.all(asks.map(([d, h]) => leave(w.teacher.token, d, h)));
  const ok = res.filter((r) => r.status === 201).map((r) => r.body);
  for (const r of res) if (r.status !== 201) assert.ok(['insufficient_credits', 'leave_over_weekly_limit'].includes(r.body.error.code), JSON.stringify(r.body));
  assert.equal(ok.length, 2);
  assert.notEqual(weekStart(ok[0].date), weekStart(ok[1].date), 'one half-day a week');
  const bank = await credits(w.teacher.id, w.teacher.token);
  assert.deepEqual([bank.minutes, bank.held], [20, 480]);
});

test('the A/B roster: the B post covers a session when the A post has approved leave that afternoon', async () => {
  const w = await world(s);
  const tb = await user([{ role: 'teacher', school_id: w.school.id }], 'tb');
  const p = await program(w, { staff_a: w.teacher.id, staff_b: tb.id, place: '二楼阅览室' });
  const d = futureWeeks[0][2];
  let r = expectStatus(await s.api('GET', `/api/v1/afterschool/roster?school_id=${w.school.id}&date=${d}`, undefined, tb.token), 200);
  let it = r.items.find((x) => x.program_id === p.id);
  assert.deepEqual([it.post, it.on_duty, it.staff_a.id, it.staff_b.id, it.place], ['A', w.teacher.id, w.teacher.id, tb.id, '二楼阅览室']);
  sql(`INSERT INTO afterschool_duties (district_id, school_id, user_id, program_id, date, minutes, created_at) SELECT district_id, school_id, ${w.teacher.id}, id, '${T_FIRST}', 240, 0 FROM afterschool_programs WHERE id = ${p.id}`);
  const l = expectStatus(await leave(w.teacher.token, d, 'pm'), 201);
  r = expectStatus(await s.api('GET', `/api/v1/afterschool/roster?school_id=${w.school.id}&date=${d}`, undefined, tb.token), 200);
  assert.equal(r.items.find((x) => x.program_id === p.id).post, 'A', 'a pending leave changes nothing yet');
  expectStatus(await s.api('POST', `/api/v1/staff/leave/${l.id}/decision`, { approve: true }, w.schoolAdmin.token), 200);
  r = expectStatus(await s.api('GET', `/api/v1/afterschool/roster?school_id=${w.school.id}&date=${d}`, undefined, tb.token), 200);
  it = r.items.find((x) => x.program_id === p.id);
  assert.deepEqual([it.post, it.on_duty, it.a_away], ['B', tb.id, true]);
  const sat = addDays(d, 3);
  r = expectStatus(await s.api('GET', `/api/v1/afterschool/roster?school_id=${w.school.id}&date=${sat}`, undefined, tb.token), 200);
  assert.deepEqual([r.school_day, r.total], [false, 0]);
  expectStatus(await s.api('GET', `/api/v1/afterschool/roster?school_id=${w.school.id}&date=${d}`, undefined, w.guardian.token), 403);
});
