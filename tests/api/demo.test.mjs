// The demo district (`shuangjian demo --scale small`, what `make run` serves) as the people of
// JOURNEYS.md see it: the family's after-school seats, bill and tutoring contract (5.3-5.4),
// the teacher's duty and time bank (4.4), the school's programs and wait lists (2.3-2.4), the
// institution's contracts and lessons (6), the district's ledger check and risk warnings and
// the inspector's suspension (7), and the week's homework: the family's board and reports, the
// teacher's items, the district's report (3, 5.1-5.2, 1.1). Runs on SQLite and, with SJ_PG_URL,
// on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, run, expectStatus, psql, BACKEND, TODAY, addDays } from './lib.mjs';

const PASSWORD = 'shuangjian2026';
let s;
const tok = {};

// The district's today and term, as the server reckons them: the demo is made and served on the
// test clock (lib.mjs), so "this week" is the week of TODAY (calendar.c term_of_date).
const today = TODAY;
const term = (() => {
  const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7));
  return m >= 8 ? `${y}-autumn` : m === 1 ? `${y - 1}-autumn` : `${y}-spring`;
})();

before(async () => {
  s = new Server();
  const r = await run(['demo', '--db', s.db.url, '--scale', 'small'], '', s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /TEST CLOCK ON/, 'the demo says it is made on the test clock');
  for (const u of ['admin', 'inspector', 'school1', 'leader1', 'teacher1', 'parent1', 'org1'])
    assert.match(r.stdout, new RegExp(`\\b${u}\\b`), 'demo logins list ' + u);
  assert.match(r.stderr, /after-school .*bills/, r.stderr);
  assert.match(r.stderr, /funds: \d+ contracts/, r.stderr);
  // the nightly check passes on the demo's ledger
  const v = await run(['verify', '--db', s.db.url], '', s.env);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /ledger: ok/);
  await s.start();
  for (const u of ['admin', 'inspector', 'school1', 'teacher1', 'parent1', 'org1'])
    tok[u] = await s.login(u, PASSWORD);
});
after(async () => { await s.stop(); });

const get = async (path, who) => expectStatus(await s.api('GET', path, undefined, tok[who]), 200);

async function child() {
  const kids = await get('/api/v1/me/children', 'parent1');
  assert.equal(kids.total, 1);
  return kids.items[0];
}

test('parent1: the child has care and a course this term, and a bill with every line explained', async () => {
  const c = await child();
  const enr = await get(`/api/v1/afterschool/students/${c.id}/enrolments?term=${term}`, 'parent1');
  const seated = enr.items.filter((e) => e.status === 'enrolled');
  assert.deepEqual(seated.map((e) => e.kind).sort(), ['care', 'course'], JSON.stringify(enr));

  const bill = await get(`/api/v1/afterschool/bills?student_id=${c.id}&term=${term}`, 'parent1');
  const lines = bill.items.filter((l) => l.kind === 'care' || l.kind === 'course');
  assert.equal(lines.length, 2, JSON.stringify(bill));
  for (const l of lines) {
    assert.ok(l.amount_fen > 0 && l.sessions > 0, JSON.stringify(l));
    assert.match(l.explain, /元/);
  }
  assert.ok(lines.find((l) => l.kind === 'care').overlap_minutes > 0, 'AS-7: care and the course overlap, billed once');
  assert.equal(bill.items.reduce((t, l) => t + l.amount_fen, 0), bill.total_fen);
  assert.ok(bill.total_fen > 0);

  // the school's fee table: care, courses, one full with a wait list, the vetted provider's
  const progs = await get(`/api/v1/afterschool/programs?school_id=${c.school_id}&term=${term}`, 'parent1');
  assert.equal(progs.items.filter((p) => p.kind === 'care').length, 1);
  const courses = progs.items.filter((p) => p.kind === 'course');
  assert.ok(courses.length >= 2 && courses.length <= 3, JSON.stringify(courses.map((p) => p.name)));
  assert.ok(courses.some((p) => p.waitlisted > 0 && p.seats_left === 0), 'a full course with a wait list');
  assert.ok(courses.some((p) => p.provider === 'third_party' && p.vendor_name), 'a vetted provider\'s course');
  for (const p of progs.items) assert.ok(p.end >= '17:30', `${p.name} ends at ${p.end}`);
});

test('parent1: one contract of 20 lessons, paid, some lessons delivered, the rest in escrow', async () => {
  const c = await child();
  const list = await get('/api/v1/contracts', 'parent1');
  assert.equal(list.total, 1);
  const k = await get(`/api/v1/contracts/${list.items[0].id}`, 'parent1');
  assert.equal(k.student_id, c.id);
  assert.equal(k.lessons, 20);
  assert.equal(k.status, 'open');
  assert.equal(k.paid_fen, k.amount_fen);
  assert.ok(k.lessons_delivered > 0 && k.lessons_delivered < 20, JSON.stringify(k));
  assert.equal(k.released_fen, k.lessons_delivered * k.price_per_lesson_fen);
  assert.equal(k.escrow_fen, k.paid_fen - k.released_fen - k.refunded_fen);
  assert.ok(k.escrow_fen > 0);
  const lessons = await get(`/api/v1/contracts/${k.id}/lessons`, 'parent1');
  assert.equal(lessons.total, k.lessons_delivered);
  assert.ok(lessons.items.every((l) => l.date < today));
  const led = await get(`/api/v1/contracts/${k.id}/ledger`, 'parent1');
  assert.equal(led.total, 2 * (1 + k.lessons_delivered));
  const byTxn = {};
  for (const e of led.items) byTxn[e.txn] = (byTxn[e.txn] || 0) + e.amount_fen;
  assert.ok(Object.values(byTxn).every((x) => x === 0));
});

test('teacher1: the A post of care, rolls taken, credits in the time bank', async () => {
  const me = await get('/api/v1/me', 'teacher1');
  const school = me.roles.find((r) => r.role === 'teacher').school_id;
  const mine = await get(`/api/v1/afterschool/programs?school_id=${school}&term=${term}&mine=1`, 'teacher1');
  const care = mine.items.find((p) => p.kind === 'care');
  assert.ok(care && care.staff_a === me.id, JSON.stringify(mine));
  const credits = await get(`/api/v1/staff/${me.id}/credits`, 'teacher1');
  const duties = await get(`/api/v1/staff/duties?user_id=${me.id}`, 'teacher1');
  assert.equal(credits.earned, duties.items.reduce((t, x) => t + x.minutes, 0));
  const bill = await get(`/api/v1/afterschool/bills?student_id=${(await child()).id}&term=${term}`, 'parent1');
  if (bill.term_first_day < today) { // the term has begun: its last school days have rolls
    assert.ok(credits.minutes > 0 && duties.total > 0, JSON.stringify(credits));
    const roll = await get(`/api/v1/afterschool/programs/${care.id}/attendance?date=${duties.items[0].date}`, 'teacher1');
    assert.equal(roll.taken, true);
    assert.equal(roll.items.length, care.enrolled);
    assert.ok(roll.items.filter((x) => x.present).length > care.enrolled / 2);
  }
});

test('the demo keeps AS-9: no teacher is credited two duties at the same hours', async () => {
  const q = 'SELECT COUNT(*) FROM afterschool_duties a JOIN afterschool_duties b ON b.user_id = a.user_id'
    + ' AND b.date = a.date AND b.id > a.id JOIN afterschool_programs pa ON pa.id = a.program_id'
    + ' JOIN afterschool_programs pb ON pb.id = b.program_id'
    + ' WHERE pa.start_min < pb.end_min AND pb.start_min < pa.end_min';
  const out = BACKEND === 'pg' ? psql(s.db.url, q) : execFileSync('sqlite3', [s.db.url.slice(7), q], { encoding: 'utf8' });
  assert.equal(Number(out.trim()), 0);
});

test('school1: AS-1 coverage, wait lists in order, the bills run', async () => {
  const me = await get('/api/v1/me', 'school1');
  const school = me.roles.find((r) => r.role === 'school_admin').school_id;
  const cov = await get(`/api/v1/afterschool/coverage?school_id=${school}&term=${term}`, 'school1');
  assert.equal(cov.ok, true, JSON.stringify(cov));
  const progs = await get(`/api/v1/afterschool/programs?school_id=${school}&term=${term}`, 'school1');
  const full = progs.items.find((p) => p.waitlisted > 0);
  const enr = await get(`/api/v1/afterschool/programs/${full.id}/enrolments`, 'school1');
  const wait = enr.items.filter((e) => e.status === 'waitlisted').map((e) => e.position);
  assert.deepEqual(wait, wait.map((_, i) => i + 1));
  assert.equal(enr.items.filter((e) => e.status === 'enrolled').length, full.capacity);
  const run1 = expectStatus(await s.api('POST', '/api/v1/afterschool/bills/run', { term, school_id: school }, tok.school1), 201);
  assert.ok(run1.students > 0 && run1.total_fen > 0, JSON.stringify(run1));
  const waivers = await get(`/api/v1/afterschool/waivers?school_id=${school}`, 'school1');
  assert.ok(waivers.total >= 1);
});

test('org1: its institution, courses and contracts; a lesson recorded on a school day', async () => {
  const inst = await get('/api/v1/institutions', 'org1');
  assert.equal(inst.total, 1);
  const me = inst.items[0];
  assert.equal(me.list, 'white');
  assert.equal(me.category, 'subject');
  const courses = await get(`/api/v1/institutions/${me.id}/courses`, 'org1');
  assert.ok(courses.total >= 1);
  const contracts = await get(`/api/v1/contracts?institution_id=${me.id}&status=open`, 'org1');
  assert.ok(contracts.total >= 2);
  const sum = await get(`/api/v1/funds/summary?institution_id=${me.id}`, 'org1');
  assert.ok(sum.escrow_fen > 0 && sum.released_fen > 0, JSON.stringify(sum));

  const from = addDays(today, -14);
  const cal = await get(`/api/v1/calendar?from=${from}&to=${today}`, 'org1');
  const day = cal.items.filter((d) => d.kind === 'school').map((d) => d.date).pop();
  const k = contracts.items.find((c) => c.lessons_delivered < c.lessons && c.paid_fen - c.released_fen >= c.price_per_lesson_fen);
  if (day && k) {
    const l = expectStatus(await s.api('POST', `/api/v1/contracts/${k.id}/lessons`, { date: day }, tok.org1), 201);
    assert.equal(l.released_fen, k.price_per_lesson_fen);
  }
});

test('admin: the ledger verifies; the warnings name the risky institution; the registry has its mix', async () => {
  const v = await get('/api/v1/funds/verify', 'admin');
  assert.equal(v.ok, true, JSON.stringify(v.problems));
  assert.equal(v.guarded, true);
  assert.ok(v.entries > 100 && v.escrow_fen > 0 && v.refunded_fen > 0, JSON.stringify(v));

  const warn = await get('/api/v1/funds/warnings', 'admin');
  const risky = warn.items.find((i) => i.name === '知行学科辅导中心');
  assert.ok(risky, JSON.stringify(warn.items.map((i) => i.name)));
  assert.ok(risky.warnings.some((w) => w.code === 'escrow_large'), JSON.stringify(risky.warnings));

  const all = await get('/api/v1/institutions?limit=100', 'admin');
  assert.ok(all.total >= 8 && all.total <= 12, String(all.total));
  const count = (f) => all.items.filter(f).length;
  assert.ok(count((i) => i.list === 'white') >= 5);
  assert.equal(count((i) => i.list === 'black'), 1);
  assert.equal(count((i) => i.state === 'suspended'), 1);
  assert.ok(count((i) => i.category === 'subject') >= 3 && count((i) => i.category === 'non_subject') >= 3);
  assert.equal(count((i) => i.inspection_overdue || i.license_expired || !i.license_no_valid), 0);

  const refunds = await get('/api/v1/refunds', 'admin');
  assert.ok(refunds.total >= 2);
  const vendors = await get('/api/v1/afterschool/vendors?status=active', 'admin');
  assert.equal(vendors.total, 1);
  assert.ok(vendors.items[0].institution_id);

  const rep = await get(`/api/v1/afterschool/reports/coverage?term=${term}`, 'admin');
  assert.equal(rep.district.all_schools_offer, true);
  assert.ok(rep.district.pupils_enrolled > rep.district.pupils / 2 && rep.district.fees_billed_fen > 0);
});

test('inspector: suspends the risky institution; every family is refunded and the ledger still verifies', async () => {
  const warn = await get('/api/v1/funds/warnings', 'inspector');
  const risky = warn.items.find((i) => i.name === '知行学科辅导中心');
  const r = expectStatus(await s.api('POST', `/api/v1/institutions/${risky.id}/state`,
    { state: 'suspended', reason: '预收费远超消课进度,停课未退费' }, tok.inspector), 200);
  assert.equal(r.refund_fen, risky.escrow_fen);
  assert.equal(r.contracts_closed, risky.open_contracts);
  const v = await get('/api/v1/funds/verify', 'inspector');
  assert.equal(v.ok, true, JSON.stringify(v.problems));
  const after = await get('/api/v1/funds/warnings', 'inspector');
  assert.ok(!after.items.some((i) => i.id === risky.id));
});

// Homework (JOURNEYS.md 3, 5.1-5.2, 1.1): every class has this week's items up to tomorrow, the
// family's board for today is within its cap, teacher1 sees their own items, the families'
// reports of past days reach the board and the reports read the roll-ups.
const written = (b) => b.items.filter((i) => i.kind === 'written').reduce((t, i) => t + i.minutes, 0);

test('parent1: the child\'s board for today and tomorrow has items, written minutes within the cap', async () => {
  const c = await child();
  for (const date of [today, addDays(today, 1)]) {
    const b = await get(`/api/v1/students/${c.id}/homework?date=${date}`, 'parent1');
    assert.equal(b.date, date);
    assert.ok(b.items.length >= 2, `${date}: ${JSON.stringify(b)}`);
    assert.equal(b.written_minutes, written(b), 'the day\'s written minutes are the sum of its written items');
    assert.ok(b.written_minutes <= b.limit_minutes, JSON.stringify(b));
    if (b.grade <= 2) assert.equal(b.written_minutes, 0, 'HW-1');
    for (const i of b.items) assert.ok(i.minutes > 0 && i.title && i.teacher_name, JSON.stringify(i));
  }
});

test('parent1: on past school days the family reported, once "未完成,已按时睡觉"', async () => {
  const c = await child();
  const cal = await get(`/api/v1/calendar?from=${addDays(today, -13)}&to=${addDays(today, -1)}`, 'parent1');
  const days = cal.items.filter((d) => d.kind === 'school').map((d) => d.date).slice(-2);
  if (!days.length) return; // a vacation: no past school day this week
  let reported = 0, bedtime = 0;
  for (const date of days) {
    const b = await get(`/api/v1/students/${c.id}/homework?date=${date}`, 'parent1');
    assert.ok(b.items.length >= 2, JSON.stringify(b));
    assert.equal(b.written_minutes, written(b));
    assert.ok(b.written_minutes <= b.limit_minutes);
    for (const i of b.items) {
      if (i.feedback) reported++;
      if (i.feedback && i.feedback.bedtime) {
        bedtime++;
        assert.equal(i.feedback.completed, false);
      }
    }
  }
  assert.ok(reported > 0, 'the family reported on past days');
  assert.equal(bedtime, 1);
});

test('teacher1: their own items of today and tomorrow, in the classes they teach', async () => {
  const me = await get('/api/v1/me', 'teacher1');
  const mine = await get(`/api/v1/homework?mine=1&from=${today}&to=${addDays(today, 1)}`, 'teacher1');
  assert.ok(mine.total >= 2, JSON.stringify(mine));
  const dates = new Set(mine.items.map((i) => i.date));
  assert.ok(dates.has(today) && dates.has(addDays(today, 1)), [...dates].join());
  for (const i of mine.items) {
    assert.equal(i.teacher_id, me.id);
    assert.equal(i.subject, '数学');
    assert.equal(i.policy_version, 'national-2021');
  }
  // the class board as the teacher sees it: the written minutes are its written items'
  const b = await get(`/api/v1/classes/${mine.items[0].class_id}/homework?date=${mine.items[0].date}`, 'teacher1');
  assert.ok(b.items.some((i) => i.id === mine.items[0].id));
  assert.equal(b.written_minutes, written(b));
});

test('admin: the homework reports show the week, school1 with a class at the cap and one reported over it', async () => {
  const me = await get('/api/v1/me', 'school1');
  const school = me.roles.find((r) => r.role === 'school_admin').school_id;
  const from = addDays(today, -6);
  const rep = await get(`/api/v1/reports/homework?school_id=${school}&from=${from}&to=${today}`, 'admin');
  assert.ok(rep.items.length > 0 && rep.items.some((i) => i.days_with_homework > 0), JSON.stringify(rep.items[0]));
  assert.ok(rep.by_subject.length > 0, JSON.stringify(rep.by_subject));
  const district = await get(`/api/v1/reports/homework?from=${from}&to=${today}`, 'admin');
  assert.ok(district.items.some((i) => i.days_with_homework > 0), JSON.stringify(district.items[0]));
  const cal = await get(`/api/v1/calendar?from=${from}&to=${addDays(today, -1)}`, 'admin');
  if (cal.items.some((d) => d.kind === 'school')) { // not a vacation: every school set homework
    assert.ok(district.items.length >= 3 && district.items.every((i) => i.days_with_homework > 0));
    assert.equal(rep.items.filter((i) => i.days_over_limit > 0).length, 0, 'no class passes the cap by estimate');
    const over = rep.items.filter((i) => i.days_reported_over_limit > 0);
    assert.deepEqual(over.map((i) => [i.grade, i.class_name]), [[4, '2班']], JSON.stringify(over));
    assert.ok(rep.items.filter((i) => i.grade === 5).every((i) => i.within_limit), 'at the cap is within it');
  }
});

test('admin: last week (the dashboard\'s default) has homework in every school, families reporting over the cap, one school visibly worse', async () => {
  const monday = addDays(today, -((new Date(today + 'T00:00:00Z').getUTCDay() + 6) % 7) - 7);
  const sunday = addDays(monday, 6);
  const rep = await get(`/api/v1/reports/homework?from=${monday}&to=${sunday}`, 'admin');
  assert.ok(rep.items.length >= 3 && rep.items.every((i) => i.days_with_homework > 0), JSON.stringify(rep.items));
  assert.equal(rep.totals.days_over_limit, 0, 'no estimate passes the cap');
  assert.ok(rep.items.every((i) => i.days_reported_over_limit > 0), 'every school has a class-day over by the families\' reports');
  const shares = rep.items.map((i) => i.share_within).sort((a, b) => a - b);
  assert.ok(shares[0] <= shares[1] - 0.2, `one school visibly worse: ${shares}`);
  assert.ok(shares.every((x) => x < 1));
  // the worst school's matrix marks the class-days the families reported over the cap, and the
  // class-day's items show the families' mean time against the estimate
  const worst = rep.items.find((i) => i.share_within === shares[0]);
  const cls = await get(`/api/v1/reports/homework?school_id=${worst.school_id}&from=${monday}&to=${sunday}`, 'admin');
  const over = cls.items.find((i) => i.days_reported_over_limit > 0);
  assert.equal(over.within_limit, false);
  const m = await get(`/api/v1/schools/${worst.school_id}/homework/matrix?grade=${over.grade}&week=${monday}`, 'admin');
  const row = m.classes.find((c) => c.class_id === over.class_id);
  const cell = row.cells.find((c) => c.reported_over);
  assert.ok(cell, JSON.stringify(row));
  assert.ok(cell.reported_minutes > cell.limit_minutes && cell.written_minutes <= cell.limit_minutes, JSON.stringify(cell));
  assert.ok(row.cells.some((c) => c.items > 0 && !c.reported_over), 'only some days are marked');
  const b = await get(`/api/v1/classes/${over.class_id}/homework?date=${cell.date}`, 'admin');
  const longer = b.items.filter((i) => i.reports > 0 && i.reported_minutes > i.minutes);
  assert.ok(longer.length > 0, JSON.stringify(b.items));
  assert.ok(b.items.every((i) => 'reports' in i && 'reported_minutes' in i));
});
