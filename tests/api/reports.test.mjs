// The half-monthly report upward (RP-1, RP-3; docs/api/reports.md) on SQLite, or PostgreSQL with
// SJ_PG_URL. The server runs on the test clock (TODAY 2026-12-09, a Wednesday): 2026-11-2 (16th
// to 30th November, winter: off-work 17:30) is the past period the fixtures fill, 2026-12-1 the
// current one, 2026-12-2 not begun.
//
// The fixtures are built at the rules' edges with SQL, as the other modules would have stored
// them (publishing refuses a day over its cap, and past days cannot be published):
//   A  written 60 of a 60-minute cap; care every school day to 17:30          within, compliant
//   B  written 61 of 60; no service on Wednesdays                             over,   not
//   C  written 60; three families report 75 each (cap + tolerance 15)        within, compliant
//   D  written 60; families report 76, 76, 70 (median 76); care ends 17:29   over,   not
//   E  no homework; care every day                                            within, compliant
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, expectStatus, run, TODAY } from './lib.mjs';
import { institution, mkUser, sqlDirect } from './funds_world.mjs';
import { readWorkbook as readXlsx } from './xlsx.mjs';

const PERIOD = '2026-11-2';
const DAY = '2026-11-17'; // a Tuesday of it
let s, A, insp, fx;

function sql(stmt) {
  const r = sqlDirect(s, stmt);
  assert.ok(r.ok, r.out + '\n' + stmt);
  return r.out.trim();
}

// One school with a grade-4 class, three pupils, two teachers.
async function school(tag) {
  const sc = expectStatus(await s.api('POST', '/api/v1/schools', { name: `报表学校${tag}`, kind: 'primary', rural: false }, A), 201);
  const cls = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: sc.id, grade: 4, name: '4年级1班' }, A), 201);
  const pupils = [];
  for (let i = 1; i <= 3; i++) {
    pupils.push(expectStatus(await s.api('POST', '/api/v1/students', { class_id: cls.id, name: `学生${tag}${i}`, student_no: `RP${tag}${i}` }, A), 201));
  }
  const teachers = [];
  for (let i = 1; i <= 2; i++) teachers.push(await mkUser(s, A, [{ role: 'teacher', school_id: sc.id }], `rt${tag}${i}`));
  const admin = await mkUser(s, A, [{ role: 'school_admin', school_id: sc.id }], `rs${tag}`);
  return { id: sc.id, cls, pupils, teachers, admin };
}

// A class-day: one written item of `minutes` under a cap of `limit` (HW-2), the families'
// reported minutes (one per pupil), and the homework module's class-day roll-up of it.
function homeworkDay(sc, date, minutes, limit, reports = []) {
  const teacher = sc.teachers[0].id;
  const id = sql(`INSERT INTO homework (district_id, school_id, class_id, grade, date, day_kind, subject, title, kind, tier, minutes, teacher_id, limit_minutes, rule, policy_version, fb_count, fb_minutes, created_at)
    VALUES (1, ${sc.id}, ${sc.cls.id}, 4, '${date}', 'school', '数学', '口算练习', 'written', 'required', ${minutes}, ${teacher}, ${limit}, 'HW-2', 'national-2021', ${reports.length}, ${reports.reduce((a, b) => a + b, 0)}, 1795000000) RETURNING id`);
  reports.forEach((m, i) => sql(`INSERT INTO homework_feedback (homework_id, student_id, user_id, minutes_spent, completed, created_at, updated_at)
    VALUES (${id}, ${sc.pupils[i].id}, 1, ${m}, 1, 1795000000, 1795000000)`));
  sql(`INSERT INTO homework_days (class_id, date, district_id, school_id, grade, limit_minutes, items, written_items, written_minutes, written_subjects, reported, reported_minutes, over_cap, reported_over_cap)
    VALUES (${sc.cls.id}, '${date}', 1, ${sc.id}, 4, ${limit}, 1, 1, ${minutes}, 1, ${reports.length ? 1 : 0}, ${minutes}, ${minutes > limit ? 1 : 0}, 0)`);
  return Number(id);
}

// An after-school care program of the school (weekdays: a bit mask, bit d = weekday d).
function program(sc, { weekdays = 62, start = '15:30', end = '17:30' } = {}) {
  const mins = (t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  return Number(sql(`INSERT INTO afterschool_programs (district_id, school_id, term, name, kind, provider, capacity, weekdays, start_time, end_time, start_min, end_min, fee_per_hour_fen, first_day, last_day, policy_version, created_at)
    VALUES (1, ${sc.id}, '2026-autumn', '课后托管', 'care', 'school', 50, ${weekdays}, '${start}', '${end}', ${mins(start)}, ${mins(end)}, 200, '2026-09-01', '2027-01-20', 'national-2021', 1788000000) RETURNING id`));
}

before(async () => {
  s = await startServer();
  A = await s.admin();
  insp = await mkUser(s, A, [{ role: 'inspector' }], 'rpinsp');
  expectStatus(await s.api('PUT', '/api/v1/reports/settings', { since: '2026-09-01', baseline_date: '2026-09-01', baseline_subject_institutions: 10 }, A), 200);
  fx = {};
  for (const tag of ['A', 'B', 'C', 'D', 'E']) fx[tag] = await school(tag);
  homeworkDay(fx.A, DAY, 60, 60);
  homeworkDay(fx.B, DAY, 61, 60);
  homeworkDay(fx.C, DAY, 60, 60, [75, 75, 75]);
  homeworkDay(fx.D, DAY, 60, 60, [76, 76, 70]);
  fx.A.program = program(fx.A);
  program(fx.B, { weekdays: 62 - 8 });
  program(fx.C);
  program(fx.D, { end: '17:29' });
  program(fx.E);
  // participation at A: two of three pupils have a seat, one of two teachers held duty
  for (const p of fx.A.pupils.slice(0, 2)) {
    sql(`INSERT INTO afterschool_enrolments (district_id, school_id, program_id, student_id, status, seat_from, created_at, updated_at)
      VALUES (1, ${fx.A.id}, ${fx.A.program}, ${p.id}, 'enrolled', '2026-09-01', 1788000000, 1788000000)`);
  }
  sql(`INSERT INTO afterschool_duties (district_id, school_id, user_id, program_id, date, minutes, created_at)
    VALUES (1, ${fx.A.id}, ${fx.A.teachers[0].id}, ${fx.A.program}, '${DAY}', 120, 1795000000)`);
  // the registry: two subject institutions on the register (one suspended), one closed, one
  // non-subject; all registered before the period
  fx.inst = [];
  for (const o of [{ category: 'subject' }, { category: 'subject' }, { category: 'subject' }, { category: 'non_subject', subject: '美术' }]) {
    fx.inst.push(await institution(s, o));
  }
  sql(`UPDATE institutions SET created_at = 1788000000`);
  sql(`UPDATE institutions SET state = 'suspended' WHERE id = ${fx.inst[1].inst.id}`);
  sql(`UPDATE institutions SET state = 'closed' WHERE id = ${fx.inst[2].inst.id}`);
});
after(async () => { await s?.stop(); });

const get = (path, token = A, headers = {}) => s.api('GET', path, undefined, token, headers);
const bySchool = (rep, sc) => rep.schools.find((x) => x.school_id === sc.id);

test('the indicators of a past period match the fixtures at their edges', async () => {
  const rep = expectStatus(await get(`/api/v1/reports/half-monthly/${PERIOD}`), 200);
  assert.equal(rep.period, PERIOD);
  assert.equal(rep.from, '2026-11-16');
  assert.equal(rep.to, '2026-11-30');
  assert.equal(rep.due_date, '2026-11-30');
  assert.equal(rep.status, 'draft');
  assert.equal(rep.late, true, 'due on the 30th, not submitted on 9 December');
  assert.equal(rep.school_days.length, 11);
  const ind = rep.indicators;
  assert.equal(ind.schools_total, 5);
  assert.equal(ind.schools_homework_within_limits, 3); // A, C, E
  assert.equal(ind.schools_afterschool_compliant, 3); // A, C, E
  // homework, school by school
  assert.equal(bySchool(rep, fx.A).homework.within, true, 'exactly at the cap is within');
  const b = bySchool(rep, fx.B).homework;
  assert.equal(b.within, false, 'one minute over is not');
  assert.equal(b.over_written, 1);
  assert.deepEqual(b.over.map((o) => [o.date, o.limit_minutes, o.written_minutes, o.reason, o.rule, o.policy_version]),
    [[DAY, 60, 61, 'written', 'HW-2', 'national-2021']]);
  assert.equal(bySchool(rep, fx.C).homework.within, true, 'median at cap + tolerance is within');
  const d = bySchool(rep, fx.D).homework;
  assert.equal(d.within, false, 'median one minute past the tolerance is not');
  assert.equal(d.over_reported, 1);
  assert.equal(d.over[0].median_minutes, 76);
  assert.equal(d.over[0].families, 3);
  assert.equal(d.over[0].reason, 'reported');
  assert.equal(bySchool(rep, fx.E).homework.class_days, 0);
  // after-school service
  const asB = bySchool(rep, fx.B).afterschool;
  assert.equal(asB.compliant, false);
  assert.deepEqual(asB.missing_days.map((x) => x.date), ['2026-11-18', '2026-11-25']);
  assert.equal(asB.served_days, 9);
  const asD = bySchool(rep, fx.D).afterschool;
  assert.equal(asD.compliant, false);
  assert.deepEqual(asD.early_programs.map((x) => [x.end, x.off_work]), [['17:29', '17:30']]);
  assert.equal(bySchool(rep, fx.A).afterschool.compliant, true);
  // participation (RP-3)
  const a = bySchool(rep, fx.A);
  assert.equal(a.pupils_total, 3);
  assert.equal(a.pupils_afterschool, 2);
  assert.equal(a.pupils_afterschool_share, 0.6667);
  assert.equal(a.teachers_total, 2);
  assert.equal(a.teachers_afterschool, 1);
  assert.equal(a.teachers_afterschool_share, 0.5);
  assert.equal(ind.pupils_total, 15);
  assert.equal(ind.pupils_afterschool, 2);
  assert.equal(ind.pupils_afterschool_share, 0.1333);
  // institutions: the suspended one is still on the register, the closed one is not
  assert.equal(ind.institutions_subject, 2);
  assert.equal(ind.institutions_suspended, 1);
  assert.equal(ind.institutions_subject_baseline, 10);
  assert.equal(ind.institutions_subject_reduction, 8);
  assert.equal(ind.institutions_subject_reduction_share, 0.8);
  assert.equal(ind.escrow_fen, 0);
  assert.deepEqual(ind.penalties, { 'PN-1': 0, 'PN-2': 0 });
  for (const k of ['tips_received', 'tips_substantiated', 'cases_overdue']) assert.equal(typeof ind[k], 'number');
  assert.equal(rep.rules.median_tolerance_minutes, 15);
});

test('the tolerance is the district\'s: at 0 minutes the median of 75 passes the cap', async () => {
  const put = await s.api('PUT', '/api/v1/policy', { effective_from: TODAY, rules: { 'RP-1': { median_tolerance_minutes: 0 } } }, A);
  assert.ok([200, 201].includes(put.status), JSON.stringify(put.body));
  try {
    let rep;
    for (let i = 0; i < 40; i++) { // the policy in force is cached for a second
      rep = expectStatus(await get(`/api/v1/reports/half-monthly/${PERIOD}`), 200);
      if (rep.rules.median_tolerance_minutes === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(rep.rules.median_tolerance_minutes, 0);
    assert.equal(bySchool(rep, fx.C).homework.within, false);
  } finally {
    const back = await s.api('PUT', '/api/v1/policy', { effective_from: TODAY, rules: { 'RP-1': { median_tolerance_minutes: 15 } } }, A);
    assert.ok([200, 201].includes(back.status), JSON.stringify(back.body));
    for (let i = 0; i < 40; i++) {
      const rep = expectStatus(await get(`/api/v1/reports/half-monthly/${PERIOD}`), 200);
      if (rep.rules.median_tolerance_minutes === 15) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

test('bad, future and too early periods are refused with clear words', async () => {
  for (const p of ['2026-11-3', '2026-13-1', '2026-11', 'november', '2026-11-01', '2026-1-2']) {
    const r = await get(`/api/v1/reports/half-monthly/${p}`);
    assert.equal(r.status, 400, p + ' ' + JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'invalid_field');
    assert.equal(r.body.error.field, 'period');
    assert.match(r.body.error.message, /报送期格式/);
  }
  const future = expectStatus(await get('/api/v1/reports/half-monthly/2026-12-2'), 422, 'period_not_started');
  assert.equal(future.error.rule, 'RP-1');
  assert.equal(future.error.first_day, '2026-12-16');
  assert.match(future.error.message, /尚未开始/);
  const en = expectStatus(await get('/api/v1/reports/half-monthly/2026-12-2', A, { 'Accept-Language': 'en' }), 422);
  assert.match(en.error.message, /has not begun/);
  const early = expectStatus(await get('/api/v1/reports/half-monthly/2026-08-2'), 422, 'period_before_district');
  assert.equal(early.error.since, '2026-09-01');
  assert.match(early.error.message, /早于本区开始报送/);
  expectStatus(await s.api('POST', '/api/v1/reports/half-monthly/2026-12-2/submit', {}, A), 422, 'period_not_started');
  expectStatus(await s.api('POST', '/api/v1/reports/half-monthly/2026-08-2/submit', {}, A), 422, 'period_before_district');
  // the current period may be read from its first day on
  const cur = expectStatus(await get('/api/v1/reports/half-monthly/2026-12-1'), 200);
  assert.equal(cur.as_of, TODAY);
  assert.ok(cur.school_days.every((d) => d <= TODAY), 'service is counted up to today');
});

test('who reads, who submits, who sees one school', async () => {
  expectStatus(await get(`/api/v1/reports/half-monthly/${PERIOD}`, insp.token), 200);
  expectStatus(await s.api('POST', `/api/v1/reports/half-monthly/${PERIOD}/submit`, {}, insp.token), 403);
  expectStatus(await get(`/api/v1/reports/half-monthly/${PERIOD}`, fx.A.admin.token), 403);
  expectStatus(await get(`/api/v1/reports/half-monthly/${PERIOD}.xlsx`, fx.A.teachers[0].token), 403);
  // a school sees its own breakdown, not another school's
  const own = expectStatus(await get(`/api/v1/reports/half-monthly/${PERIOD}/schools/${fx.B.id}`, fx.B.admin.token), 200);
  assert.equal(own.school.school_id, fx.B.id);
  assert.equal(own.school.homework.over_written, 1);
  assert.equal(own.status, 'draft');
  expectStatus(await get(`/api/v1/reports/half-monthly/${PERIOD}/schools/${fx.A.id}`, fx.B.admin.token), 403);
  expectStatus(await get(`/api/v1/reports/half-monthly/${PERIOD}/schools/999999`, A), 404);
  expectStatus(await get(`/api/v1/reports/half-monthly/${PERIOD}/schools/${fx.A.id}`, fx.A.teachers[0].token), 403);
  expectStatus(await s.api('PUT', '/api/v1/reports/settings', { since: '2026-09-01' }, insp.token), 403);
});

test('the workbook: a sheet per topic, Chinese headers, numbers as numbers, a chart sheet', async () => {
  const res = await fetch(`${s.url}/api/v1/reports/half-monthly/${PERIOD}.xlsx`, { headers: { Authorization: 'Bearer ' + A } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  assert.match(res.headers.get('content-disposition'), /filename\*=UTF-8''/);
  const wb = readXlsx(Buffer.from(await res.arrayBuffer()));
  assert.deepEqual(wb.sheets.map((x) => x.name), ['总表', '作业', '课后服务', '校外培训', '投诉举报与处罚', '图表']);
  assert.equal(wb.sheets[5].kind, 'chartsheet');
  assert.ok(wb.charts >= 1);
  const sheet = (name) => wb.sheets.find((x) => x.name === name);
  assert.deepEqual(sheet('总表').rows[0], ['指标', '数值', '单位', '说明']);
  const row = (name, label) => sheet(name).rows.find((r) => r && r[0] === label);
  assert.equal(row('总表', '学校总数')[1], 5);
  assert.equal(row('总表', '作业总量达标学校数')[1], 3);
  assert.equal(row('总表', '课后服务达标学校数')[1], 3);
  assert.equal(row('总表', '参加课后服务学生比例')[1], 0.1333);
  assert.equal(row('总表', '预收费监管资金余额')[1], 0);
  assert.equal(row('总表', '较基准日压减学科类机构数')[1], 8);
  assert.equal(sheet('作业').rows[0][0], '学校');
  const b = sheet('作业').rows.find((r) => r && r[0] === '报表学校B' && r[9] === 61);
  assert.ok(b, 'B\'s over-cap class-day with its 61 minutes as a number');
  assert.equal(b[8], 60);
  assert.equal(typeof b[7], 'number', 'the date is a date cell');
  assert.deepEqual(sheet('课后服务').rows[0].slice(0, 3), ['学校', '应提供服务的上课日', '达标天数']);
  const asB = sheet('课后服务').rows.find((r) => r && r[0] === '报表学校B');
  assert.equal(asB[1], 11);
  assert.equal(asB[2], 9);
  assert.equal(asB[5], '否');
  assert.equal(sheet('校外培训').rows[0][0], '机构名称');
  assert.equal(sheet('投诉举报与处罚').rows[0][0], '项目');
  for (const x of wb.sheets.filter((w) => w.kind === 'worksheet')) {
    assert.ok(x.widths.length > 0 && x.widths.every((w) => w.width >= 8), `${x.name}: column widths set`);
  }
  // the export is in the audit log
  const audit = expectStatus(await get('/api/v1/audit?limit=20'), 200);
  assert.ok(audit.items.some((e) => /export half-monthly report/.test(e.action)), JSON.stringify(audit.items.slice(0, 3)));
});

test('submitting freezes the figures; a revision needs a reason and keeps the history', async () => {
  const P = '2026-11-1';
  const draft = expectStatus(await get(`/api/v1/reports/half-monthly/${P}`), 200);
  const sub = expectStatus(await s.api('POST', `/api/v1/reports/half-monthly/${P}/submit`, undefined, A), 200);
  assert.equal(sub.status, 'submitted');
  assert.equal(sub.revision, 1);
  assert.match(sub.digest, /^[0-9a-f]{64}$/);
  assert.ok(sub.submitted_at.endsWith('+08:00'));
  assert.equal(sub.submitted_late, true, 'due on 15 November, submitted on 9 December');
  const got = expectStatus(await get(`/api/v1/reports/half-monthly/${P}`), 200);
  assert.equal(got.status, 'submitted');
  assert.equal(got.digest, sub.digest);
  assert.equal(got.submitted_by.name.length > 0, true);
  assert.deepEqual(got.indicators, draft.indicators);
  // the stored text is what the digest is of
  const raw = await fetch(`${s.url}/api/v1/reports/half-monthly/${P}/figures`, { headers: { Authorization: 'Bearer ' + A } });
  const text = await raw.text();
  assert.equal(createHash('sha256').update(text).digest('hex'), sub.digest);
  // live data moves: a class-day over its cap in the period; the submitted report does not
  homeworkDay(fx.E, '2026-11-10', 70, 60);
  const again = expectStatus(await get(`/api/v1/reports/half-monthly/${P}`), 200);
  assert.deepEqual(again.indicators, got.indicators);
  assert.equal(again.computed_at, got.computed_at);
  const live = expectStatus(await get(`/api/v1/reports/half-monthly/${P}?draft=true`), 200);
  assert.equal(live.status, 'draft');
  assert.equal(live.indicators.schools_homework_within_limits, got.indicators.schools_homework_within_limits - 1);
  // a second submission without a reason is refused; with one it is revision 2
  const dup = expectStatus(await s.api('POST', `/api/v1/reports/half-monthly/${P}/submit`, {}, A), 409, 'already_submitted');
  assert.equal(dup.error.revision, 1);
  assert.match(dup.error.message, /已报送/);
  expectStatus(await s.api('POST', `/api/v1/reports/half-monthly/${P}/submit`, { revision_reason: '   ' }, A), 409, 'already_submitted');
  expectStatus(await s.api('POST', `/api/v1/reports/half-monthly/${P}/submit`, { revision_reason: 'x'.repeat(501) }, A), 400);
  const rev = expectStatus(await s.api('POST', `/api/v1/reports/half-monthly/${P}/submit`, { revision_reason: '东湖小学补录 11 月 10 日作业' }, A), 200);
  assert.equal(rev.revision, 2);
  assert.notEqual(rev.digest, sub.digest);
  const latest = expectStatus(await get(`/api/v1/reports/half-monthly/${P}`), 200);
  assert.equal(latest.revision, 2);
  assert.equal(latest.revision_reason, '东湖小学补录 11 月 10 日作业');
  assert.equal(latest.indicators.schools_homework_within_limits, live.indicators.schools_homework_within_limits);
  const first = expectStatus(await get(`/api/v1/reports/half-monthly/${P}?revision=1`), 200);
  assert.equal(first.digest, sub.digest);
  assert.deepEqual(first.indicators, got.indicators);
  expectStatus(await get(`/api/v1/reports/half-monthly/${P}?revision=3`), 404);
  const list = expectStatus(await get(`/api/v1/reports/half-monthly/${P}/revisions`), 200);
  assert.equal(list.total, 2);
  assert.deepEqual(list.items.map((x) => x.revision), [2, 1]);
  assert.equal(list.items[0].revision_reason, '东湖小学补录 11 月 10 日作业');
  assert.equal(list.items[1].revision_reason, null);
  // the school's view of a submitted period is the submitted one
  const schoolView = expectStatus(await get(`/api/v1/reports/half-monthly/${P}/schools/${fx.E.id}?revision=1`, fx.E.admin.token), 200);
  assert.equal(schoolView.status, 'submitted');
  assert.equal(schoolView.school.homework.within, true);
});

test('two submissions at once: one is stored, the other is told it was already submitted', async () => {
  const P = '2026-10-2';
  const rs = await Promise.all([1, 2, 3].map(() => s.api('POST', `/api/v1/reports/half-monthly/${P}/submit`, {}, A)));
  assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409, 409], JSON.stringify(rs.map((r) => r.body)));
  const list = expectStatus(await get(`/api/v1/reports/half-monthly/${P}/revisions`), 200);
  assert.equal(list.total, 1);
});

test('the periods list and the dashboard\'s due card', async () => {
  const list = expectStatus(await get('/api/v1/reports/half-monthly?limit=3'), 200);
  assert.equal(list.since, '2026-09-01');
  // 2026-09-1 .. 2026-12-1: seven periods, newest first
  assert.equal(list.total, 7);
  assert.deepEqual(list.items.map((x) => x.period), ['2026-12-1', '2026-11-2', '2026-11-1']);
  assert.equal(list.items[1].late, true);
  assert.equal(list.items[2].status, 'submitted');
  const rest = expectStatus(await get('/api/v1/reports/half-monthly?limit=10&offset=3'), 200);
  assert.deepEqual(rest.items.map((x) => x.period), ['2026-10-2', '2026-10-1', '2026-09-2', '2026-09-1']);
  const due = expectStatus(await get('/api/v1/reports/due', insp.token), 200);
  assert.equal(due.today, TODAY);
  assert.equal(due.next_due.period, '2026-12-1');
  assert.equal(due.next_due.due_date, '2026-12-15');
  assert.equal(due.next_due.days_left, 6);
  assert.deepEqual(due.late.map((x) => x.period), ['2026-11-2', '2026-10-1', '2026-09-2', '2026-09-1']);
  assert.equal(due.late[0].days_late, 9);
  assert.equal(due.late_total, 4);
  expectStatus(await s.api('POST', `/api/v1/reports/half-monthly/${PERIOD}/submit`, {}, A), 200);
  const after = expectStatus(await get('/api/v1/reports/due'), 200);
  assert.ok(!after.late.some((x) => x.period === PERIOD));
  expectStatus(await get('/api/v1/reports/due', fx.A.admin.token), 403);
});

test('settings: validated, district admin only', async () => {
  expectStatus(await s.api('PUT', '/api/v1/reports/settings', { since: '2027-01-01' }, A), 400);
  expectStatus(await s.api('PUT', '/api/v1/reports/settings', { since: '2026-02-30' }, A), 400);
  expectStatus(await s.api('PUT', '/api/v1/reports/settings', { baseline_subject_institutions: 5 }, A), 400);
  expectStatus(await s.api('PUT', '/api/v1/reports/settings', { since: '2026-09-01', baseline_date: '2026-09-01', baseline_subject_institutions: -1 }, A), 400);
  const ok = expectStatus(await s.api('PUT', '/api/v1/reports/settings', { since: '2026-09-01', baseline_date: '2026-09-01', baseline_subject_institutions: 10 }, A), 200);
  assert.equal(ok.since_effective, '2026-09-01');
  const got = expectStatus(await get('/api/v1/reports/settings', insp.token), 200);
  assert.equal(got.baseline_subject_institutions, 10);
});

test('the command for cron prints the report and writes the same workbook', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sj-report-'));
  const file = join(dir, 'r.xlsx');
  const r = await run(['report', 'half-monthly', '--db', s.db.url, '--period', PERIOD, '--xlsx', file], '', s.env);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.period, PERIOD);
  assert.equal(rep.status, 'submitted');
  const wb = readXlsx(readFileSync(file));
  assert.equal(wb.sheets[0].name, '总表');
  const bad = await run(['report', 'half-monthly', '--db', s.db.url, '--period', '2026-11-3'], '', s.env);
  assert.equal(bad.code, 2);
  const future = await run(['report', 'half-monthly', '--db', s.db.url, '--period', '2026-12-2'], '', s.env);
  assert.equal(future.code, 1);
  assert.match(future.stderr, /尚未开始/);
  const nokind = await run(['report', '--db', s.db.url], '', s.env);
  assert.equal(nokind.code, 2);
});
