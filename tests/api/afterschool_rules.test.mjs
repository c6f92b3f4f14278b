// API tests of the after-school rules of issue 14, each at its edge: AS-6 pro rata (a pupil
// leaving mid-term pays for the days taken out of the policy's refund_pro_rata_days, the rest
// comes back: one day short of the days refunds a share, exactly the days refunds nothing) and
// AS-10 (the rural small-school gap: cost = teacher subsidies at the district rate plus the
// vetted third parties' fees, minus fees collected, per school, and the district's top-up).
// The server runs a district policy file (AS-6 refund_pro_rata_days 10) so a term holds more
// sessions than the rule's days. Runs on SQLite, or PostgreSQL with SJ_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, world, expectStatus, TODAY, addDays, weekday } from './lib.mjs';

let s, A, dir;
const Y = Number(TODAY.slice(0, 4)) + 1; // next year's autumn term: wholly in the future
const TERM = `${Y}-autumn`;
const DAYS = 10; // AS-6 refund_pro_rata_days of the district file
const NOW_TERM = `${Y - 1}-autumn`; // the term of TODAY (a Wednesday in December)
// the first `n` session days of a Monday-to-Friday program from `first` (no holidays entered)
function sessionDays(first, n) {
  const out = [];
  for (let d = first; out.length < n; d = addDays(d, 1)) if (weekday(d) <= 5) out.push(d);
  return out;
}
function sessionsBetween(first, last) {
  let n = 0;
  for (let d = first; d <= last; d = addDays(d, 1)) if (weekday(d) <= 5) n++;
  return n;
}
const CARE = { term: TERM, name: '课后托管', kind: 'care', provider: 'school', capacity: 50, weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '18:00', fee_per_hour_fen: 200, first_day: `${Y}-09-01`, last_day: `${Y}-12-31` };
const bill = async (w, token) => expectStatus(await s.api('GET', `/api/v1/afterschool/bills?student_id=${w.student.id}&term=${TERM}`, undefined, token || w.guardian.token), 200);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sj-as-rules-'));
  const file = join(dir, 'district.json');
  writeFileSync(file, JSON.stringify({ version: 'test-as-2027', effective_from: '2026-01-01', rules: { 'AS-6': { refund_pro_rata_days: DAYS } } }));
  s = await startServer(['--policy', file]);
  A = await s.admin();
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: TERM, first_day: `${Y}-08-20`, last_day: `${Y + 1}-01-20` }, A), 201);
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: NOW_TERM, first_day: `${Y - 1}-08-20`, last_day: `${Y}-01-20` }, A), 201);
});
after(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// one pupil in a care program who leaves on the day after `taken` sessions
async function leaveAfter(taken) {
  const w = await world(s);
  const p = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', { ...CARE, school_id: w.school.id }, w.schoolAdmin.token), 201);
  const e = expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: p.id, student_id: w.student.id }, w.guardian.token), 201);
  const leave = sessionDays(CARE.first_day, taken + 1)[taken];
  expectStatus(await s.api('DELETE', `/api/v1/afterschool/enrolments/${e.id}?date=${leave}`, undefined, w.schoolAdmin.token), 204);
  const b = await bill(w);
  return { w, line: b.items.find((x) => x.program_id === p.id), b, leave };
}

test('AS-6: leaving one day short of the policy days refunds that share; exactly at the days, or past them, nothing comes back', async () => {
  const all = sessionsBetween(CARE.first_day, CARE.last_day);
  assert.ok(all > DAYS + 1, 'the term holds more sessions than the rule counts');
  const full = 500 * all; // 150 minutes at 2.00 元/hour a session
  const short = await leaveAfter(DAYS - 1);
  assert.deepEqual([short.line.sessions, short.line.sessions_full, short.line.amount_full_fen], [DAYS - 1, all, full]);
  assert.deepEqual([short.line.pro_rata_days, short.line.pro_rata_used], [DAYS, DAYS - 1]);
  const paid = Math.floor(full * (DAYS - 1) / DAYS);
  assert.deepEqual([short.line.amount_fen, short.line.refund_fen, short.b.total_fen], [paid, full - paid, paid]);
  assert.equal(short.line.left_on, short.leave);
  assert.match(short.line.explain, new RegExp(`按 ${DAYS} 天折算\\(AS-6\\),已上 ${DAYS - 1} 天`));
  // the same bill in English on request
  const en = expectStatus(await s.api('GET', `/api/v1/afterschool/bills?student_id=${short.w.student.id}&term=${TERM}`, undefined, short.w.guardian.token, { 'Accept-Language': 'en' }), 200);
  assert.match(en.items[0].explain, new RegExp(`counted as ${DAYS} days \\(AS-6\\)`));

  const exact = await leaveAfter(DAYS);
  assert.deepEqual([exact.line.sessions, exact.line.pro_rata_used, exact.line.amount_fen, exact.line.refund_fen], [DAYS, DAYS, full, 0]);
  const over = await leaveAfter(DAYS + 1);
  assert.deepEqual([over.line.sessions, over.line.pro_rata_used, over.line.amount_fen, over.line.refund_fen], [DAYS + 1, DAYS, full, 0]);
  // a pupil still enrolled has no pro-rata figures
  const w = await world(s);
  const p = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', { ...CARE, school_id: w.school.id }, w.schoolAdmin.token), 201);
  expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: p.id, student_id: w.student.id }, w.guardian.token), 201);
  const stay = (await bill(w)).items[0];
  assert.deepEqual([stay.amount_fen, stay.refund_fen, stay.pro_rata_days, stay.left_on], [full, 0, null, null]);
});

test('AS-6: leaving before the first session leaves nothing on the bill', async () => {
  const r = await leaveAfter(0);
  assert.equal(r.line, undefined, 'a cancelled enrolment is not billed');
  assert.equal(r.b.total_fen, 0);
});

// A rural school with its admin, a teacher, a pupil and the pupil's guardian.
async function ruralWorld() {
  const n = Math.random().toString(36).slice(2, 7);
  const school = expectStatus(await s.api('POST', '/api/v1/schools', { name: '乡村小学' + n, kind: 'primary', rural: true }, A), 201);
  const cls = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: school.id, grade: 4, name: '四年级1班' }, A), 201);
  const mk = async (username, roles) => {
    const u = expectStatus(await s.api('POST', '/api/v1/users', { username, password: 'password-123', name: username, roles }, A), 201);
    return { id: u.id, token: await s.login(username, 'password-123') };
  };
  const schoolAdmin = await mk('rsa' + n, [{ role: 'school_admin', school_id: school.id }]);
  const teacher = await mk('rte' + n, [{ role: 'teacher', school_id: school.id }]);
  const student = expectStatus(await s.api('POST', '/api/v1/students', { class_id: cls.id, name: '乡村学生' + n, student_no: 'R' + n }, A), 201);
  const guardian = await mk('rgu' + n, [{ role: 'guardian' }]);
  expectStatus(await s.api('POST', `/api/v1/students/${student.id}/guardians`, { user_id: guardian.id }, A), 201);
  return { school, cls, schoolAdmin, teacher, student, guardian };
}

test('AS-10: the rural gap is subsidies plus third-party fees minus fees collected; the district tops it up to exactly the gap, a fen more is refused', async () => {
  const w = await ruralWorld();
  const first = `${Y - 1}-12-01`, last = `${Y}-01-15`;
  // the school's own care, with the teacher on the A post, and a vetted third party's course
  const care = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', { ...CARE, term: NOW_TERM, school_id: w.school.id, fee_per_hour_fen: 200, first_day: first, last_day: last, staff_a: w.teacher.id }, w.schoolAdmin.token), 201);
  const vendor = expectStatus(await s.api('POST', '/api/v1/afterschool/vendors', { name: '弈趣围棋培训中心', credit_code: '91512081MA62K0260E', service_items: ['围棋'], fee_per_hour_fen: 300, vetted_from: `${Y - 1}-08-01`, vetted_to: `${Y}-07-31` }, A), 201);
  const course = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', { term: NOW_TERM, school_id: w.school.id, name: '围棋', kind: 'course', provider: 'third_party', vendor_id: vendor.id, capacity: 20, weekdays: [4], start: '16:30', end: '18:00', fee_per_hour_fen: 300, first_day: first, last_day: last }, w.schoolAdmin.token), 201);
  // a duty on Monday 7 December: 150 minutes at 50.00 元 per 45-minute class-hour
  expectStatus(await s.api('POST', '/api/v1/staff/duties', { user_id: w.teacher.id, program_id: care.id, date: `${Y - 1}-12-07`, minutes: 150 }, w.teacher.token), 201);
  const subsidy = Math.floor(150 * 5000 / 45);
  // the pupil takes the third party's course; the family is in hardship (AS-5): nothing collected
  expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: course.id, student_id: w.student.id }, w.guardian.token), 201);
  expectStatus(await s.api('POST', '/api/v1/afterschool/waivers', { student_id: w.student.id, reason: '低保家庭' }, w.schoolAdmin.token), 201);
  const run = expectStatus(await s.api('POST', '/api/v1/afterschool/bills/run', { term: NOW_TERM, school_id: w.school.id }, w.schoolAdmin.token), 201);
  assert.equal(run.total_fen, 0);
  const b = await (async () => expectStatus(await s.api('GET', `/api/v1/afterschool/bills?student_id=${w.student.id}&term=${NOW_TERM}`, undefined, w.guardian.token), 200))();
  const vendorFee = b.items.find((x) => x.program_id === course.id).amount_fen;
  assert.ok(vendorFee > 0);
  const report = async () => expectStatus(await s.api('GET', `/api/v1/afterschool/reports/coverage?term=${NOW_TERM}&school_id=${w.school.id}`, undefined, w.schoolAdmin.token), 200).items[0];
  let r = await report();
  assert.deepEqual([r.subsidies_due_fen, r.third_party_fees_fen, r.fees_billed_fen, r.cost_fen, r.gap_fen, r.topup_fen, r.gap_left_fen],
    [subsidy, vendorFee, 0, subsidy + vendorFee, subsidy + vendorFee, 0, subsidy + vendorFee]);
  const gap = subsidy + vendorFee;

  const topup = (amount, token = A) => s.api('POST', '/api/v1/afterschool/topups', { school_id: w.school.id, term: NOW_TERM, amount_fen: amount, note: '区财政补助' }, token);
  expectStatus(await topup(100, w.schoolAdmin.token), 403);
  let e = expectStatus(await topup(gap + 1), 422, 'topup_over_gap').error;
  assert.deepEqual([e.rule, e.gap_fen, e.topped_up_fen, e.remaining_fen, e.amount_fen], ['AS-10', gap, 0, gap, gap + 1]);
  assert.match(e.message, /AS-10/);
  const part = expectStatus(await topup(gap - 100), 201);
  assert.deepEqual([part.gap_fen, part.topped_up_fen, part.remaining_fen, part.rule], [gap, gap - 100, 100, 'AS-10']);
  e = expectStatus(await topup(101), 422, 'topup_over_gap').error;
  assert.deepEqual([e.topped_up_fen, e.remaining_fen], [gap - 100, 100]);
  const rest = expectStatus(await topup(100), 201); // exactly the rest of the gap
  assert.equal(rest.remaining_fen, 0);
  expectStatus(await topup(1), 422, 'topup_over_gap');
  r = await report();
  assert.deepEqual([r.gap_fen, r.topup_fen, r.gap_left_fen], [gap, gap, 0]);
  const d = expectStatus(await s.api('GET', `/api/v1/afterschool/reports/coverage?term=${NOW_TERM}`, undefined, A), 200).district;
  assert.ok(d.rural_gap_fen >= gap && d.rural_topup_fen >= gap && d.third_party_fees_fen >= vendorFee);
  // the list: the district and the school's own admin
  const list = expectStatus(await s.api('GET', `/api/v1/afterschool/topups?school_id=${w.school.id}&term=${NOW_TERM}`, undefined, w.schoolAdmin.token), 200);
  assert.deepEqual(list.items.map((x) => x.amount_fen), [100, gap - 100]);
  assert.equal(list.items[0].note, '区财政补助');
  expectStatus(await s.api('GET', '/api/v1/afterschool/topups', undefined, w.schoolAdmin.token), 400);
  expectStatus(await s.api('GET', `/api/v1/afterschool/topups?school_id=${w.school.id}`, undefined, w.teacher.token), 403);

  // an urban school has no top-up; bad input stores nothing
  const urban = await world(s);
  expectStatus(await s.api('POST', '/api/v1/afterschool/topups', { school_id: urban.school.id, term: NOW_TERM, amount_fen: 1 }, A), 422, 'topup_not_rural');
  expectStatus(await s.api('POST', '/api/v1/afterschool/topups', { school_id: 999999, term: NOW_TERM, amount_fen: 1 }, A), 404);
  expectStatus(await topup(0), 400);
  expectStatus(await s.api('POST', '/api/v1/afterschool/topups', { school_id: w.school.id, term: 'autumn', amount_fen: 1 }, A), 400);
  assert.equal(expectStatus(await s.api('GET', `/api/v1/afterschool/topups?term=${NOW_TERM}`, undefined, A), 200).total, 2);
});

test('AS-10: concurrent top-ups never pass the gap together', async () => {
  const w = await ruralWorld();
  const care = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', { ...CARE, term: NOW_TERM, school_id: w.school.id, first_day: `${Y - 1}-12-01`, last_day: `${Y}-01-15`, staff_a: w.teacher.id }, w.schoolAdmin.token), 201);
  expectStatus(await s.api('POST', '/api/v1/staff/duties', { user_id: w.teacher.id, program_id: care.id, date: `${Y - 1}-12-07`, minutes: 45 }, w.teacher.token), 201);
  const gap = 5000; // one class-hour's subsidy, nothing collected
  const rs = await Promise.all(Array.from({ length: 8 }, () => s.api('POST', '/api/v1/afterschool/topups', { school_id: w.school.id, term: NOW_TERM, amount_fen: 2000 }, A)));
  const ok = rs.filter((x) => x.status === 201).length;
  assert.equal(ok, 2, JSON.stringify(rs.map((x) => x.status)));
  for (const x of rs) if (x.status !== 201) assert.equal(x.body.error.code, 'topup_over_gap');
  const r = expectStatus(await s.api('GET', `/api/v1/afterschool/reports/coverage?term=${NOW_TERM}&school_id=${w.school.id}`, undefined, A), 200).items[0];
  assert.deepEqual([r.gap_fen, r.topup_fen, r.gap_left_fen], [gap, 4000, 1000]);
});
