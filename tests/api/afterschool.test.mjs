// API tests for the after-school service (API.md "After-school service", POLICY.md AS-1..AS-7,
// AS-10, RP-3): programs checked against the off-work time (ending exactly at it passes, a
// minute earlier is refused), the fee caps (exactly at the cap passes, one fen over is refused),
// the district's vetted list; every bad input refused with nothing stored; enrolment by the
// pupil's guardian only, clashes, the wait list moving up; many guardians enrolling at once
// into too few seats; bills with care + course overlap, hardship waiver and mid-term leaving;
// ranked choices with the lottery allocation; the coverage report and its XLSX.
// Runs on SQLite, or PostgreSQL with SJ_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, world, expectStatus, TODAY, addDays, weekday, BACKEND, psql } from './lib.mjs';

let s, A;
const today = TODAY; // the server's, on the test clock
const Y = Number(today.slice(0, 4)) + 1; // next year's autumn term: wholly in the future
const TERM = `${Y}-autumn`;
const HOLIDAYS = [1, 2, 3, 4, 5, 6, 7].map((d) => `${Y}-10-0${d}`); // 国庆
// school days from first to last on the given weekdays, as the server's calendar sees them
function sessions(first, last, weekdays) {
  let n = 0;
  for (let d = first; d <= last; d = addDays(d, 1)) if (weekdays.includes(weekday(d)) && !HOLIDAYS.includes(d)) n++;
  return n;
}
function firstSession(first, weekdays) {
  let d = first;
  while (!weekdays.includes(weekday(d)) || HOLIDAYS.includes(d)) d = addDays(d, 1);
  return d;
}

let seq = 0;
async function user(roles, prefix = 'u') {
  const username = `${prefix}${++seq}_${Math.random().toString(36).slice(2, 6)}`;
  const u = expectStatus(await s.api('POST', '/api/v1/users', { username, password: 'password-123', name: username, roles }, A), 201);
  return { id: u.id, token: await s.login(username, 'password-123') };
}
// another pupil in the class, with a guardian of their own (or the given one)
async function pupil(w, guardian) {
  const n = ++seq;
  const st = expectStatus(await s.api('POST', '/api/v1/students', { class_id: w.cls.id, name: '学生' + n, student_no: `P${n}_${Math.random().toString(36).slice(2, 7)}` }, A), 201);
  const g = guardian || await user([{ role: 'guardian' }], 'gu');
  expectStatus(await s.api('POST', `/api/v1/students/${st.id}/guardians`, { user_id: g.id }, A), 201);
  return { id: st.id, guardian: g };
}
const CARE = { term: TERM, name: '课后托管', kind: 'care', provider: 'school', capacity: 50, weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '18:00', fee_per_hour_fen: 200, first_day: `${Y}-09-01`, last_day: `${Y}-12-31` };
const program = (w, over = {}, token) => s.api('POST', '/api/v1/afterschool/programs', { ...CARE, school_id: w.school.id, ...over }, token || w.schoolAdmin.token);
const listPrograms = async (w) => expectStatus(await s.api('GET', `/api/v1/afterschool/programs?school_id=${w.school.id}&term=${TERM}`, undefined, w.schoolAdmin.token), 200);
const enrol = (g, programId, studentId) => s.api('POST', '/api/v1/afterschool/enrolments', { program_id: programId, student_id: studentId }, g.token);
const enrolments = async (pid, token = A) => expectStatus(await s.api('GET', `/api/v1/afterschool/programs/${pid}/enrolments?limit=500`, undefined, token), 200);
const bill = async (studentId, token) => expectStatus(await s.api('GET', `/api/v1/afterschool/bills?student_id=${studentId}&term=${TERM}`, undefined, token), 200);

before(async () => {
  s = await startServer();
  A = await s.admin();
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: TERM, first_day: `${Y}-08-20`, last_day: `${Y + 1}-01-20` }, A), 201);
  for (const d of HOLIDAYS) expectStatus(await s.api('POST', '/api/v1/calendar/holidays', { date: d, kind: 'holiday', name: '国庆节' }, A), 201);
});
after(async () => { await s?.stop(); });

test('AS-2: ending exactly at the summer off-work time passes; a minute earlier is refused with the date and time', async () => {
  const w = await world(s);
  const e = expectStatus(await program(w, { end: '17:59' }), 422, 'ends_before_off_work').error;
  assert.equal(e.rule, 'AS-2');
  assert.equal(e.end, '17:59');
  assert.equal(e.off_work, '18:00');
  assert.equal(e.season, 'summer');
  assert.equal(e.date, firstSession(`${Y}-09-01`, [1, 2, 3, 4, 5]));
  assert.match(e.message, /下班时间 18:00/);
  assert.equal((await listPrograms(w)).total, 0, 'nothing stored by the refusal');
  const p = expectStatus(await program(w, { end: '18:00' }), 201);
  assert.equal(p.end, '18:00');
  assert.deepEqual(p.weekdays, [1, 2, 3, 4, 5]);
  assert.equal(p.sessions, sessions(`${Y}-09-01`, `${Y}-12-31`, [1, 2, 3, 4, 5]));
  assert.equal(p.policy_version, 'national-2021');
});

test('AS-2: in winter (from October 1) 17:30 passes and 17:29 is refused; a program reaching into September needs 18:00', async () => {
  const w = await world(s);
  const winter = { first_day: `${Y}-10-08`, last_day: `${Y}-12-31` };
  const e = expectStatus(await program(w, { ...winter, end: '17:29' }), 422, 'ends_before_off_work').error;
  assert.deepEqual([e.rule, e.off_work, e.season, e.date], ['AS-2', '17:30', 'winter', firstSession(`${Y}-10-08`, [1, 2, 3, 4, 5])]);
  expectStatus(await program(w, { ...winter, end: '17:30' }), 201);
  // one Wednesday in late September is enough to need the summer time
  const e2 = expectStatus(await program(w, { weekdays: [3], first_day: `${Y}-09-28`, last_day: `${Y}-12-31`, end: '17:30' }), 422, 'ends_before_off_work').error;
  assert.equal(e2.season, 'summer');
  assert.equal(weekday(e2.date), 3);
  assert.ok(e2.date >= `${Y}-09-28` && e2.date <= `${Y}-09-30`);
  const en = await s.api('POST', '/api/v1/afterschool/programs', { ...CARE, school_id: w.school.id, ...winter, end: '17:00' }, w.schoolAdmin.token, { 'Accept-Language': 'en' });
  assert.match(expectStatus(en, 422, 'ends_before_off_work').error.message, /off-work time 17:30/);
});

test('AS-6: a fee exactly at the cap passes, one fen over is refused with the cap; rural schools have the lower course cap', async () => {
  const w = await world(s);
  const e = expectStatus(await program(w, { fee_per_hour_fen: 201 }), 422, 'fee_over_cap').error;
  assert.deepEqual([e.rule, e.fee_per_hour_fen, e.cap_fen, e.kind], ['AS-6', 201, 200, 'care']);
  expectStatus(await program(w, { fee_per_hour_fen: 200 }), 201);
  const course = { kind: 'course', name: '篮球', weekdays: [2], start: '16:30', end: '18:00', capacity: 20 };
  assert.equal(expectStatus(await program(w, { ...course, fee_per_hour_fen: 351 }), 422, 'fee_over_cap').error.cap_fen, 350);
  expectStatus(await program(w, { ...course, fee_per_hour_fen: 350 }), 201);
  // a rural school: courses at most 300 fen per pupil-hour
  const rural = expectStatus(await s.api('POST', '/api/v1/schools', { name: '乡村小学' + Math.random().toString(36).slice(2, 6), kind: 'primary', rural: true }, A), 201);
  const rw = { school: rural, schoolAdmin: { token: A } };
  const er = expectStatus(await program(rw, { ...course, fee_per_hour_fen: 301 }), 422, 'fee_over_cap').error;
  assert.deepEqual([er.cap_fen, er.rural], [300, true]);
  expectStatus(await program(rw, { ...course, fee_per_hour_fen: 300 }), 201);
  assert.equal((await listPrograms(w)).total, 2);
});

test('bad input is refused with 400 naming the field, and nothing is stored', async () => {
  const w = await world(s);
  const cases = [
    [{ weekdays: [1, 6] }, 'weekdays'], [{ weekdays: [7] }, 'weekdays'], [{ weekdays: [] }, 'weekdays'],
    [{ weekdays: [2, 2] }, 'weekdays'], [{ weekdays: '1,2' }, 'weekdays'], [{ weekdays: undefined }, 'weekdays'],
    [{ start: '18:00', end: '18:00' }, 'end'], [{ start: '18:30', end: '18:00' }, 'end'], [{ end: '25:00' }, 'end'],
    [{ capacity: 0 }, 'capacity'], [{ capacity: -3 }, 'capacity'], [{ fee_per_hour_fen: -1 }, 'fee_per_hour_fen'],
    [{ fee_per_hour_fen: 1.5 }, 'fee_per_hour_fen'], [{ first_day: `${Y}-12-01`, last_day: `${Y}-11-01` }, 'last_day'],
    [{ first_day: `${Y}-02-30` }, 'first_day'], [{ first_day: `${Y}-08-01` }, 'first_day'], [{ last_day: `${Y + 1}-02-01` }, 'last_day'],
    [{ term: `${Y}-summer` }, 'term'], [{ kind: 'tutoring' }, 'kind'], [{ provider: 'parents' }, 'provider'],
    [{ name: '' }, 'name'], [{ name: 'x'.repeat(51) }, 'name'], [{ institution_id: 5 }, 'institution_id'],
    [{ provider: 'third_party' }, 'institution_id'], [{ first_day: `${Y}-10-01`, last_day: `${Y}-10-07` }, 'first_day'],
    [{ staff_a: 999999 }, 'staff_a'], [{ staff_a: w.teacher.id, staff_b: w.teacher.id }, 'staff_b'],
  ];
  for (const [over, field] of cases) {
    const r = await program(w, over);
    const e = expectStatus(r, 400).error;
    assert.equal(e.field, field, JSON.stringify(over) + ' → ' + JSON.stringify(e));
  }
  expectStatus(await s.api('POST', '/api/v1/afterschool/programs', '{"school_id":', w.schoolAdmin.token), 400, 'bad_json');
  assert.equal((await listPrograms(w)).total, 0);
});

test('only the school admin (or the district) sets up programs', async () => {
  const w = await world(s);
  const other = await world(s);
  expectStatus(await program(w, {}, w.teacher.token), 403);
  expectStatus(await program(w, {}, w.guardian.token), 403);
  expectStatus(await program(w, {}, other.schoolAdmin.token), 403);
  expectStatus(await program({ school: { id: 999999 } }, {}, A), 404);
  expectStatus(await program(w, {}, A), 201);
  // the fee table is public to the school's families, not to others
  const mine = expectStatus(await s.api('GET', `/api/v1/afterschool/programs?school_id=${w.school.id}&term=${TERM}`, undefined, w.guardian.token), 200);
  assert.equal(mine.items[0].fee_per_hour_fen, 200);
  expectStatus(await s.api('GET', `/api/v1/afterschool/programs?school_id=${w.school.id}`, undefined, other.guardian.token), 403);
  expectStatus(await s.api('GET', `/api/v1/afterschool/programs/${mine.items[0].id}`, undefined, other.teacher.token), 403);
  expectStatus(await s.api('GET', '/api/v1/afterschool/programs', undefined, w.guardian.token), 400);
});

test('AS-4: a third party must be on the district\'s vetted list, in its period, within its fee standard; exit removes it', async () => {
  const w = await world(s);
  const course = { kind: 'course', name: '围棋', provider: 'third_party', weekdays: [4], start: '16:30', end: '18:00', capacity: 20, fee_per_hour_fen: 300 };
  const e = expectStatus(await program(w, { ...course, institution_id: 4242 }), 422, 'provider_not_vetted').error;
  assert.deepEqual([e.rule, e.reason, e.institution_id], ['AS-4', 'not_listed', 4242]);
  // the district keeps the list
  const vendor = { name: '弈趣围棋培训中心', credit_code: '91512081MA62K0260E', institution_id: 4242, service_items: ['围棋', '国际象棋'], fee_per_hour_fen: 300, vetted_from: `${Y}-08-01`, vetted_to: `${Y}-12-31` };
  expectStatus(await s.api('POST', '/api/v1/afterschool/vendors', vendor, w.schoolAdmin.token), 403);
  expectStatus(await s.api('POST', '/api/v1/afterschool/vendors', { ...vendor, credit_code: '91350100M000100Y4Z' }, A), 400);
  const v = expectStatus(await s.api('POST', '/api/v1/afterschool/vendors', vendor, A), 201);
  assert.deepEqual(v.service_items, ['围棋', '国际象棋']);
  expectStatus(await s.api('POST', '/api/v1/afterschool/vendors', vendor, A), 409);
  const list = expectStatus(await s.api('GET', '/api/v1/afterschool/vendors?status=active', undefined, w.schoolAdmin.token), 200);
  assert.ok(list.items.some((x) => x.id === v.id && x.service_items.length === 2));
  // fee above its standard: refused by AS-4 although under the AS-6 cap of 350
  const ef = expectStatus(await program(w, { ...course, institution_id: 4242, fee_per_hour_fen: 301 }), 422, 'fee_over_vendor_standard').error;
  assert.deepEqual([ef.rule, ef.fee_per_hour_fen, ef.standard_fen], ['AS-4', 301, 300]);
  // outside the vetted period
  const ep = expectStatus(await program(w, { ...course, vendor_id: v.id, last_day: `${Y + 1}-01-15` }), 422, 'provider_not_vetted').error;
  assert.deepEqual([ep.reason, ep.vetted_to], ['out_of_period', `${Y}-12-31`]);
  const ok = expectStatus(await program(w, { ...course, institution_id: 4242 }), 201);
  assert.equal(ok.vendor_id, v.id);
  assert.equal(ok.provider, 'third_party');
  // the provider exits the list: no new programs with it
  const ex = expectStatus(await s.api('POST', `/api/v1/afterschool/vendors/${v.id}/exit`, { date: `${Y}-10-15`, reason: '年检不合格' }, A), 200);
  assert.equal(ex.open_programs_affected, 1);
  assert.equal(expectStatus(await program(w, { ...course, vendor_id: v.id }), 422, 'provider_not_vetted').error.reason, 'exited');
});

test('enrolment: only the pupil\'s guardian (AS-3); twice is already_enrolled; other schools and bad ids refused', async () => {
  const w = await world(s);
  const p = expectStatus(await program(w), 201);
  const e = expectStatus(await enrol(w.schoolAdmin, p.id, w.student.id), 403).error;
  assert.equal(e.rule, 'AS-3');
  expectStatus(await enrol(w.teacher, p.id, w.student.id), 403);
  const stranger = await user([{ role: 'guardian' }], 'gx');
  expectStatus(await enrol(stranger, p.id, w.student.id), 403);
  expectStatus(await enrol(w.guardian, 999999, w.student.id), 404);
  expectStatus(await enrol(w.guardian, p.id, 999999), 404);
  expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: p.id }, w.guardian.token), 400);
  const other = await world(s);
  const op = expectStatus(await program(other), 201);
  assert.equal(expectStatus(await enrol(w.guardian, op.id, w.student.id), 400).error.field, 'student_id');
  assert.equal((await enrolments(p.id)).total, 0, 'nothing stored by the refusals');
  const ok = expectStatus(await enrol(w.guardian, p.id, w.student.id), 201);
  assert.deepEqual([ok.status, ok.position, ok.seat_from], ['enrolled', null, `${Y}-09-01`]);
  const again = expectStatus(await enrol(w.guardian, p.id, w.student.id), 409, 'already_enrolled').error;
  assert.equal(again.enrolment_id, ok.id);
  // a closed program takes nobody
  const closed = expectStatus(await program(w, { name: '已关闭' }), 201);
  expectStatus(await s.api('POST', `/api/v1/afterschool/programs/${closed.id}/close`, {}, w.schoolAdmin.token), 200);
  expectStatus(await enrol(w.guardian, closed.id, w.student.id), 409, 'program_closed');
  const mine = expectStatus(await s.api('GET', `/api/v1/afterschool/students/${w.student.id}/enrolments?term=${TERM}`, undefined, w.guardian.token), 200);
  assert.deepEqual(mine.items.map((x) => [x.program_id, x.status]), [[p.id, 'enrolled']]);
  expectStatus(await s.api('GET', `/api/v1/afterschool/students/${w.student.id}/enrolments`, undefined, stranger.token), 403);
});

test('a pupil cannot be in two courses at the same time; care and a course may overlap (AS-7 bills it once)', async () => {
  const w = await world(s);
  const a = expectStatus(await program(w, { kind: 'course', name: '合唱', weekdays: [1, 3], start: '16:30', end: '18:00', fee_per_hour_fen: 300 }), 201);
  const b = expectStatus(await program(w, { kind: 'course', name: '书法', weekdays: [3, 5], start: '17:59', end: '18:30', fee_per_hour_fen: 300 }), 201);
  const c = expectStatus(await program(w, { kind: 'course', name: '科学', weekdays: [3], start: '18:00', end: '18:30', fee_per_hour_fen: 300 }), 201);
  const care = expectStatus(await program(w), 201);
  expectStatus(await enrol(w.guardian, a.id, w.student.id), 201);
  const e = expectStatus(await enrol(w.guardian, b.id, w.student.id), 409, 'time_clash').error;
  assert.deepEqual([e.program_id, e.program_name], [a.id, '合唱']);
  expectStatus(await enrol(w.guardian, c.id, w.student.id), 201); // starts when 合唱 ends
  expectStatus(await enrol(w.guardian, care.id, w.student.id), 201);
  assert.equal((await enrolments(b.id)).total, 0);
});

test('concurrency: 40 guardians enrol at once into 25 seats: exactly 25 enrolled, 15 waitlisted 1..15 in order, no duplicates', async () => {
  const w = await world(s);
  const p = expectStatus(await program(w, { kind: 'course', name: '足球', weekdays: [2, 4], start: '16:30', end: '18:00', capacity: 25, fee_per_hour_fen: 300 }), 201);
  const kids = await Promise.all(Array.from({ length: 40 }, () => pupil(w)));
  const res = await Promise.all(kids.map((k) => enrol(k.guardian, p.id, k.id)));
  for (const r of res) expectStatus(r, 201);
  const got = res.map((r) => r.body);
  assert.equal(got.filter((x) => x.status === 'enrolled').length, 25);
  const waiting = got.filter((x) => x.status === 'waitlisted');
  assert.equal(waiting.length, 15);
  assert.deepEqual(waiting.map((x) => x.position).sort((a, b) => a - b), Array.from({ length: 15 }, (_, i) => i + 1));
  // the wait list is in the order the requests got their turn (their ids), positions 1..15
  const list = await enrolments(p.id, w.teacher.token);
  assert.equal(list.total, 40);
  assert.deepEqual(list.items.slice(0, 25).map((x) => x.status), Array(25).fill('enrolled'));
  const wl = list.items.slice(25);
  assert.deepEqual(wl.map((x) => x.position), Array.from({ length: 15 }, (_, i) => i + 1));
  assert.deepEqual(wl.map((x) => x.id), [...wl.map((x) => x.id)].sort((a, b) => a - b));
  for (const x of waiting) assert.equal(wl[x.position - 1].id, x.id);
  assert.equal(new Set(list.items.map((x) => x.student_id)).size, 40, 'no pupil twice');
  // a seat frees: the first on the wait list moves up, the rest move one place
  const leaver = got.find((x) => x.status === 'enrolled');
  const leaverKid = kids.find((k) => k.id === leaver.student_id);
  expectStatus(await s.api('DELETE', `/api/v1/afterschool/enrolments/${leaver.id}`, undefined, kids[0].id === leaverKid.id ? kids[1].guardian.token : kids[0].guardian.token), 403);
  expectStatus(await s.api('DELETE', `/api/v1/afterschool/enrolments/${leaver.id}`, undefined, leaverKid.guardian.token), 204);
  expectStatus(await s.api('DELETE', `/api/v1/afterschool/enrolments/${leaver.id}`, undefined, leaverKid.guardian.token), 404);
  const after1 = await enrolments(p.id);
  assert.equal(after1.total, 39);
  const enrolledNow = after1.items.filter((x) => x.status === 'enrolled');
  assert.equal(enrolledNow.length, 25);
  assert.ok(enrolledNow.some((x) => x.id === wl[0].id), 'the first waitlisted pupil has the seat');
  assert.deepEqual(after1.items.filter((x) => x.status === 'waitlisted').map((x) => [x.id, x.position]),
    wl.slice(1).map((x, i) => [x.id, i + 1]));
  // leaving the wait list closes the gap behind
  const w3 = wl[3];
  expectStatus(await s.api('DELETE', `/api/v1/afterschool/enrolments/${w3.id}`, undefined, kids.find((k) => k.id === w3.student_id).guardian.token), 204);
  const after2 = (await enrolments(p.id)).items.filter((x) => x.status === 'waitlisted');
  assert.deepEqual(after2.map((x) => x.position), Array.from({ length: 13 }, (_, i) => i + 1));
  assert.equal((await enrolments(p.id)).items.filter((x) => x.status === 'enrolled').length, 25);
  // the stored bills of the school's term (written in batches) agree with each pupil's bill
  const run = expectStatus(await s.api('POST', '/api/v1/afterschool/bills/run', { term: TERM, school_id: w.school.id }, w.schoolAdmin.token), 201);
  const bills = await Promise.all(kids.map((k) => bill(k.id, k.guardian.token)));
  const seated = bills.filter((b) => b.items.length > 0);
  assert.equal(run.students, seated.length);
  assert.equal(run.students, 25);
  assert.equal(run.total_fen, bills.reduce((t, b) => t + b.total_fen, 0));
  const rep = expectStatus(await s.api('GET', `/api/v1/afterschool/reports/coverage?term=${TERM}&school_id=${w.school.id}`, undefined, A), 200);
  assert.deepEqual([rep.items[0].bills, rep.items[0].fees_billed_fen], [25, run.total_fen]);
});

test('concurrency: the last seat is given once when two cancellations and new enrolments race', async () => {
  const w = await world(s);
  const p = expectStatus(await program(w, { kind: 'course', name: '编程', weekdays: [5], start: '16:30', end: '18:00', capacity: 3, fee_per_hour_fen: 300 }), 201);
  const kids = await Promise.all(Array.from({ length: 12 }, () => pupil(w)));
  const first = [];
  for (const k of kids.slice(0, 6)) first.push(expectStatus(await enrol(k.guardian, p.id, k.id), 201));
  const seated = first.filter((x) => x.status === 'enrolled');
  const res = await Promise.all([
    s.api('DELETE', `/api/v1/afterschool/enrolments/${seated[0].id}`, undefined, kids[0].guardian.token),
    s.api('DELETE', `/api/v1/afterschool/enrolments/${seated[1].id}`, undefined, kids[1].guardian.token),
    ...kids.slice(6).map((k) => enrol(k.guardian, p.id, k.id)),
  ]);
  res.slice(0, 2).forEach((r) => expectStatus(r, 204));
  res.slice(2).forEach((r) => expectStatus(r, 201));
  const list = await enrolments(p.id);
  assert.equal(list.items.filter((x) => x.status === 'enrolled').length, 3);
  const wl = list.items.filter((x) => x.status === 'waitlisted');
  assert.equal(wl.length, 12 - 2 - 3);
  assert.deepEqual(wl.map((x) => x.position), wl.map((_, i) => i + 1));
  // the two oldest waitlisted pupils got the freed seats
  const enrolledIds = list.items.filter((x) => x.status === 'enrolled').map((x) => x.id);
  assert.ok(enrolledIds.includes(first[3].id) && enrolledIds.includes(first[4].id), JSON.stringify(list.items));
});

test('bills: care + course overlap charged once (AS-7), hardship waiver (AS-5), leaving mid-term refunds pro rata', async () => {
  const w = await world(s);
  const first = `${Y}-09-01`, last = `${Y}-12-31`;
  const care = expectStatus(await program(w, { capacity: 30 }), 201);
  const course = expectStatus(await program(w, { kind: 'course', name: '创意美术', weekdays: [3], start: '16:30', end: '18:00', fee_per_hour_fen: 350, capacity: 20 }), 201);
  const ec = expectStatus(await enrol(w.guardian, care.id, w.student.id), 201);
  const ek = expectStatus(await enrol(w.guardian, course.id, w.student.id), 201);
  assert.equal(ec.seat_from, first);
  const all = sessions(first, last, [1, 2, 3, 4, 5]), wed = sessions(first, last, [3]);
  const courseFen = Math.floor(350 * 90 * wed / 60);
  const careFen = Math.floor(200 * (150 * all - 90 * wed) / 60);
  let b = await bill(w.student.id, w.guardian.token);
  assert.equal(b.waived, false);
  assert.equal(b.total_fen, careFen + courseFen);
  assert.equal(b.items.reduce((t, x) => t + x.amount_fen, 0), b.total_fen, 'the lines add up to the total');
  const lc = b.items.find((x) => x.program_id === care.id), lk = b.items.find((x) => x.program_id === course.id);
  assert.deepEqual([lc.sessions, lc.minutes, lc.overlap_minutes, lc.billed_minutes, lc.amount_fen], [all, 150 * all, 90 * wed, 150 * all - 90 * wed, careFen]);
  assert.deepEqual([lk.sessions, lk.overlap_minutes, lk.rate_fen_per_hour, lk.amount_fen, lk.refund_fen], [wed, 0, 350, courseFen, 0]);
  assert.ok(lc.explain.includes(`${all} 次 × 150 分钟`) && lc.explain.includes('AS-7') && lc.explain.includes('2.00 元/小时'), lc.explain);
  assert.ok(lk.explain.includes(`${wed} 次 × 90 分钟`), lk.explain);
  // the school's staff may read it too; other families and other schools may not
  assert.equal((await bill(w.student.id, w.schoolAdmin.token)).total_fen, b.total_fen);
  const other = await world(s);
  expectStatus(await s.api('GET', `/api/v1/afterschool/bills?student_id=${w.student.id}&term=${TERM}`, undefined, other.guardian.token), 403);
  expectStatus(await s.api('GET', `/api/v1/afterschool/bills?student_id=${w.student.id}&term=${TERM}`, undefined, other.teacher.token), 403);
  expectStatus(await s.api('GET', `/api/v1/afterschool/bills?student_id=${w.student.id}`, undefined, w.guardian.token), 400);
  expectStatus(await s.api('GET', `/api/v1/afterschool/bills?student_id=999999&term=${TERM}`, undefined, A), 404);

  // hardship (AS-5): the school sets the flag; the family pays nothing and sees why
  expectStatus(await s.api('POST', '/api/v1/afterschool/waivers', { student_id: w.student.id, reason: '低保家庭' }, w.teacher.token), 403);
  expectStatus(await s.api('POST', '/api/v1/afterschool/waivers', { student_id: w.student.id, reason: '低保家庭' }, w.schoolAdmin.token), 201);
  b = await bill(w.student.id, w.guardian.token);
  assert.equal(b.waived, true);
  assert.equal(b.total_fen, 0);
  assert.equal(b.gross_fen, careFen + courseFen);
  const wv = b.items.find((x) => x.kind === 'waiver');
  assert.equal(wv.amount_fen, -(careFen + courseFen));
  assert.match(wv.explain, /AS-5/);
  assert.equal(b.items.reduce((t, x) => t + x.amount_fen, 0), 0);
  expectStatus(await s.api('DELETE', `/api/v1/afterschool/waivers/${w.student.id}`, undefined, w.schoolAdmin.token), 204);
  expectStatus(await s.api('DELETE', `/api/v1/afterschool/waivers/${w.student.id}`, undefined, w.schoolAdmin.token), 404);

  // leaving the course on November 2: billed up to November 1, the rest refunded pro rata
  const leave = `${Y}-11-02`;
  expectStatus(await s.api('DELETE', `/api/v1/afterschool/enrolments/${ek.id}?date=${leave}`, undefined, w.guardian.token), 403);
  expectStatus(await s.api('DELETE', `/api/v1/afterschool/enrolments/${ek.id}?date=${leave}`, undefined, w.schoolAdmin.token), 204);
  const wedBefore = sessions(first, addDays(leave, -1), [3]);
  const courseLeft = Math.floor(350 * 90 * wedBefore / 60);
  const careAfter = Math.floor(200 * (150 * all - 90 * wedBefore) / 60);
  b = await bill(w.student.id, w.guardian.token);
  const k2 = b.items.find((x) => x.program_id === course.id), c2 = b.items.find((x) => x.program_id === care.id);
  assert.deepEqual([k2.sessions, k2.sessions_full, k2.amount_fen, k2.amount_full_fen, k2.refund_fen, k2.left_on],
    [wedBefore, wed, courseLeft, courseFen, courseFen - courseLeft, leave]);
  assert.match(k2.explain, new RegExp(`未上的 ${wed - wedBefore} 次按比例退还`));
  assert.equal(c2.overlap_minutes, 90 * wedBefore, 'care is charged in full again once the course is left');
  assert.equal(b.total_fen, careAfter + courseLeft);
  const hist = expectStatus(await s.api('GET', `/api/v1/afterschool/students/${w.student.id}/enrolments?term=${TERM}`, undefined, w.guardian.token), 200);
  assert.equal(hist.items.find((x) => x.id === ek.id).status, 'left');

  // the term's bills are run and stored; the report sums them
  expectStatus(await s.api('POST', '/api/v1/afterschool/bills/run', { term: TERM }, w.schoolAdmin.token), 403);
  const run = expectStatus(await s.api('POST', '/api/v1/afterschool/bills/run', { term: TERM, school_id: w.school.id }, w.schoolAdmin.token), 201);
  assert.deepEqual([run.students, run.total_fen], [1, careAfter + courseLeft]);
  const rep = expectStatus(await s.api('GET', `/api/v1/afterschool/reports/coverage?term=${TERM}&school_id=${w.school.id}`, undefined, w.schoolAdmin.token), 200);
  assert.equal(rep.items[0].fees_billed_fen, careAfter + courseLeft);
});

test('cancelling before the program starts leaves nothing to pay', async () => {
  const w = await world(s);
  const p = expectStatus(await program(w), 201);
  const e = expectStatus(await enrol(w.guardian, p.id, w.student.id), 201);
  expectStatus(await s.api('DELETE', `/api/v1/afterschool/enrolments/${e.id}`, undefined, w.guardian.token), 204);
  const b = await bill(w.student.id, w.guardian.token);
  assert.deepEqual([b.total_fen, b.items.length], [0, 0]);
  const hist = expectStatus(await s.api('GET', `/api/v1/afterschool/students/${w.student.id}/enrolments`, undefined, w.guardian.token), 200);
  assert.equal(hist.items[0].status, 'cancelled');
});

test('ranked choices: a lottery fills courses from the choices; nobody gets two; the rest wait on their first choice', async () => {
  const w = await world(s);
  const g = await user([{ role: 'guardian' }], 'gf');
  const mk = (name, wd) => program(w, { kind: 'course', name, weekdays: [wd], start: '16:30', end: '18:00', capacity: 2, fee_per_hour_fen: 300 });
  const [p1, p2, p3] = [expectStatus(await mk('机器人', 1), 201), expectStatus(await mk('舞蹈', 2), 201), expectStatus(await mk('阅读', 3), 201)];
  const kids = [];
  for (let i = 0; i < 8; i++) kids.push(await pupil(w, g));
  // everyone wants 机器人 first; half want 舞蹈 second
  for (const [i, k] of kids.entries()) {
    const ranked = i % 2 ? [p1.id, p3.id] : [p1.id, p2.id];
    const r = expectStatus(await s.api('POST', '/api/v1/afterschool/choices', { student_id: k.id, term: TERM, program_ids: ranked }, g.token), 201);
    assert.deepEqual(r.items.map((x) => x.rank), [1, 2]);
  }
  expectStatus(await s.api('POST', '/api/v1/afterschool/choices', { student_id: kids[0].id, term: TERM, program_ids: [p1.id] }, w.guardian.token), 403);
  expectStatus(await s.api('POST', '/api/v1/afterschool/choices', { student_id: kids[0].id, term: TERM, program_ids: [p1.id, p1.id] }, g.token), 400);
  const otherP = expectStatus(await program(await world(s)), 201);
  expectStatus(await s.api('POST', '/api/v1/afterschool/choices', { student_id: kids[0].id, term: TERM, program_ids: [otherP.id] }, g.token), 400);
  expectStatus(await s.api('POST', '/api/v1/afterschool/allocations', { school_id: w.school.id, term: TERM }, w.teacher.token), 403);
  const run = expectStatus(await s.api('POST', '/api/v1/afterschool/allocations', { school_id: w.school.id, term: TERM }, w.schoolAdmin.token), 201);
  assert.deepEqual([run.pupils, run.placed, run.waitlisted], [8, 6, 2]);
  // the seed is a decimal string, exactly the stored one (19 digits would be rounded as a number)
  assert.match(run.seed, /^[0-9]{1,19}$/);
  assert.ok(BigInt(run.seed) < 2n ** 63n);
  const stored = BACKEND === 'pg'
    ? psql(s.db.url, `SELECT seed FROM afterschool_allocations WHERE id = ${run.id}`).trim()
    : execFileSync('sqlite3', ['-bail', s.db.url.slice(7), `SELECT seed FROM afterschool_allocations WHERE id = ${run.id}`], { encoding: 'utf8' }).trim();
  assert.equal(run.seed, stored);
  const byKid = new Map();
  for (const p of [p1, p2, p3]) {
    const l = await enrolments(p.id);
    assert.ok(l.items.filter((x) => x.status === 'enrolled').length <= 2);
    for (const x of l.items) byKid.set(x.student_id, [...(byKid.get(x.student_id) || []), [p.id, x.status]]);
  }
  for (const [i, k] of kids.entries()) {
    const got = byKid.get(k.id) || [];
    const seats = got.filter(([, st]) => st === 'enrolled');
    assert.ok(seats.length <= 1, 'nobody gets two');
    const allowed = i % 2 ? [p1.id, p3.id] : [p1.id, p2.id];
    for (const [pid] of seats) assert.ok(allowed.includes(pid), 'a seat from the pupil\'s own choices');
    if (!seats.length) assert.deepEqual(got, [[p1.id, 'waitlisted']], 'unplaced pupils wait on their first choice');
  }
  // running again places nobody twice
  const again = expectStatus(await s.api('POST', '/api/v1/afterschool/allocations', { school_id: w.school.id, term: TERM }, w.schoolAdmin.token), 201);
  assert.equal(again.placed, 0);
  const ch = expectStatus(await s.api('GET', `/api/v1/afterschool/choices?student_id=${kids[1].id}&term=${TERM}`, undefined, g.token), 200);
  assert.deepEqual(ch.items.map((x) => x.program_id), [p1.id, p3.id]);
});

test('AS-1 coverage: the school\'s offer must cover five days with two hours each', async () => {
  const w = await world(s);
  expectStatus(await program(w, { weekdays: [1, 2, 3, 4], start: '16:00', end: '18:00' }), 201);
  expectStatus(await program(w, { kind: 'course', name: '周五短课', weekdays: [5], start: '16:01', end: '18:00', fee_per_hour_fen: 300 }), 201);
  const url = `/api/v1/afterschool/coverage?school_id=${w.school.id}&term=${TERM}`;
  let c = expectStatus(await s.api('GET', url, undefined, w.teacher.token), 200);
  assert.deepEqual([c.rule, c.ok, c.days_ok, c.days[4].minutes, c.days[0].minutes], ['AS-1', false, 4, 119, 120]);
  expectStatus(await program(w, { kind: 'course', name: '周五阅读', weekdays: [5], start: '15:50', end: '18:00', fee_per_hour_fen: 300 }), 201);
  c = expectStatus(await s.api('GET', url, undefined, w.teacher.token), 200);
  assert.deepEqual([c.ok, c.days[4].minutes], [true, 130]);
  expectStatus(await s.api('GET', url, undefined, w.guardian.token), 403);
});

test('RP-3 report: participation, places for everyone who asked, fees; XLSX export; scope', async () => {
  const w = await world(s);
  const p = expectStatus(await program(w, { capacity: 1 }), 201);
  const k2 = await pupil(w);
  expectStatus(await enrol(w.guardian, p.id, w.student.id), 201);
  expectStatus(await enrol(k2.guardian, p.id, k2.id), 201); // waitlisted
  const url = `/api/v1/afterschool/reports/coverage?term=${TERM}&school_id=${w.school.id}`;
  const r = expectStatus(await s.api('GET', url, undefined, w.schoolAdmin.token), 200);
  const it = r.items[0];
  assert.deepEqual([it.pupils, it.pupils_enrolled, it.pupil_share, it.asked, it.placed, it.unmet, it.offers_service],
    [2, 1, 50, 2, 1, 1, true]);
  assert.equal(r.district.all_pupils_placed, false);
  assert.equal(it.gap_fen, null, 'the gap is reported for rural schools');
  const d = expectStatus(await s.api('GET', `/api/v1/afterschool/reports/coverage?term=${TERM}`, undefined, A), 200);
  assert.ok(d.total >= 1 && d.items.some((x) => x.school_id === w.school.id));
  expectStatus(await s.api('GET', `/api/v1/afterschool/reports/coverage?term=${TERM}`, undefined, w.schoolAdmin.token), 400);
  const other = await world(s);
  expectStatus(await s.api('GET', url, undefined, other.schoolAdmin.token), 403);
  expectStatus(await s.api('GET', url, undefined, w.teacher.token), 403);
  const x = await fetch(s.url + `/api/v1/afterschool/reports/coverage.xlsx?term=${TERM}`, { headers: { Authorization: 'Bearer ' + A } });
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.match(x.headers.get('content-disposition'), /attachment/);
  const buf = Buffer.from(await x.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK');
  const audit = expectStatus(await s.api('GET', '/api/v1/audit?action=export', undefined, A), 200);
  assert.ok(audit.items.some((a) => a.action.includes('export afterschool')), 'the export is logged');
});

// last: it changes the district's numbers for the rest of this server's life
test('the district sets the numbers: a new off-work time and fee cap apply from their date, and programs keep their version', async () => {
  const w = await world(s);
  const winter = { first_day: `${Y}-10-08`, last_day: `${Y}-12-31` };
  const before = expectStatus(await program(w, { ...winter, name: '旧版本', end: '17:30' }), 201);
  assert.equal(before.policy_version, 'national-2021');
  const v = expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today, rules: { 'AS-2': { winter_off_work: '18:00' }, 'AS-6': { care_fee_per_hour_fen: 150 } } }, A), 201);
  for (let i = 0; i < 40 && (await s.api('GET', '/api/v1/policy', undefined, A)).body.version !== v.version; i++) await new Promise((r) => setTimeout(r, 100));
  const e = expectStatus(await program(w, { ...winter, end: '17:59', fee_per_hour_fen: 150 }), 422, 'ends_before_off_work').error;
  assert.deepEqual([e.off_work, e.season], ['18:00', 'winter']);
  const f = expectStatus(await program(w, { ...winter, end: '18:00', fee_per_hour_fen: 151 }), 422, 'fee_over_cap').error;
  assert.equal(f.cap_fen, 150);
  const ok = expectStatus(await program(w, { ...winter, end: '18:00', fee_per_hour_fen: 150 }), 201);
  assert.equal(ok.policy_version, v.version);
  const list = await listPrograms(w);
  assert.equal(list.items.find((x) => x.id === before.id).end, '17:30', 'a program decided under the old version stays');
});
