// RP-2 (docs/api/reports.md): typical cases (a school submits; the district selects, edits and
// publishes), their photos (JPEG/PNG by content, metadata removed, six at most even when sent at
// once), a school's work ledger over the term (homework boards by day, after-school rolls,
// inspections' rectifications, complaints; JSON and XLSX), the term compilation; scopes. On
// SQLite, or PostgreSQL with SJ_PG_URL; the server on the test clock (TODAY 2026-12-09).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectStatus, world, TODAY } from './lib.mjs';
import { mkUser, sqlDirect } from './funds_world.mjs';
import { jpeg, png, GPS_TEXT } from './photos.mjs';
import { readWorkbook } from './xlsx.mjs';

let s, A, insp, w, w2;

function sql(stmt) {
  const r = sqlDirect(s, stmt);
  assert.ok(r.ok, r.out + '\n' + stmt);
  return r.out.trim();
}

before(async () => {
  s = await startServer();
  A = await s.admin();
  insp = await mkUser(s, A, [{ role: 'inspector' }], 'rp2insp');
  w = await world(s);
  w2 = await world(s);
});
after(async () => { await s?.stop(); });

const newCase = async (token = w.schoolAdmin.token, extra = {}) => expectStatus(await s.api('POST', '/api/v1/typical-cases', {
  topic: 'homework', title: '作业公示“一日一表”', body: '每天下午四点前各班在公示栏公布当日作业及预计用时。', ...extra,
}, token), 201);

test('a school submits a case; the district selects, edits and publishes it', async () => {
  const c = await newCase();
  assert.equal(c.status, 'submitted');
  assert.equal(c.school_id, w.school.id);
  assert.equal(c.term, '2026-autumn');
  assert.ok(c.submitted_at.endsWith('+08:00'));
  // the school edits its own while it is submitted
  const ed = expectStatus(await s.api('PUT', `/api/v1/typical-cases/${c.id}`, { title: '作业公示“一日一表”制度' }, w.schoolAdmin.token), 200);
  assert.equal(ed.title, '作业公示“一日一表”制度');
  // the district selects it; the school can no longer change it
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${c.id}/select`, { selected: true }, A), 200);
  const locked = expectStatus(await s.api('PUT', `/api/v1/typical-cases/${c.id}`, { title: '改' }, w.schoolAdmin.token), 409, 'case_state');
  assert.equal(locked.error.status, 'selected');
  assert.match(locked.error.message, /学校不能再修改/);
  const dEd = expectStatus(await s.api('PUT', `/api/v1/typical-cases/${c.id}`, { body: '区教体局修订后的做法。', topic: 'afterschool' }, A), 200);
  assert.equal(dEd.body, '区教体局修订后的做法。');
  assert.equal(dEd.topic, 'afterschool');
  assert.equal(dEd.status, 'selected');
  const pub = expectStatus(await s.api('POST', `/api/v1/typical-cases/${c.id}/publish`, undefined, A), 200);
  assert.equal(pub.status, 'published');
  assert.ok(pub.published_at);
  // published is final
  expectStatus(await s.api('PUT', `/api/v1/typical-cases/${c.id}`, { title: 'x' }, A), 409, 'case_state');
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${c.id}/select`, { selected: false }, A), 409, 'case_state');
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${c.id}/publish`, undefined, A), 409, 'case_state');
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${c.id}/photos`, jpeg(), A), 409, 'case_state');
  // a submitted case cannot be published before it is selected; a selected one can be sent back
  const c2 = await newCase();
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${c2.id}/publish`, undefined, A), 409, 'case_state');
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${c2.id}/select`, undefined, A), 200);
  const back = expectStatus(await s.api('POST', `/api/v1/typical-cases/${c2.id}/select`, { selected: false }, A), 200);
  assert.equal(back.status, 'submitted');
  // the published list, for the level above
  const published = expectStatus(await s.api('GET', '/api/v1/typical-cases?status=published', undefined, insp.token), 200);
  assert.deepEqual(published.items.map((x) => x.id), [c.id]);
});

test('cases: bad input and scopes', async () => {
  expectStatus(await s.api('POST', '/api/v1/typical-cases', { topic: 'weather', title: 't', body: 'b' }, w.schoolAdmin.token), 400);
  expectStatus(await s.api('POST', '/api/v1/typical-cases', { topic: 'homework', title: 'x'.repeat(101), body: 'b' }, w.schoolAdmin.token), 400);
  expectStatus(await s.api('POST', '/api/v1/typical-cases', { topic: 'homework', title: 't' }, w.schoolAdmin.token), 400, 'missing_field');
  expectStatus(await s.api('POST', '/api/v1/typical-cases', { topic: 'homework', title: 't', body: 'b', term: '2026-winter' }, w.schoolAdmin.token), 400);
  // a school admin cannot submit for another school
  expectStatus(await s.api('POST', '/api/v1/typical-cases', { school_id: w2.school.id, topic: 'homework', title: 't', body: 'b' }, w.schoolAdmin.token), 403);
  expectStatus(await s.api('POST', '/api/v1/typical-cases', { topic: 'homework', title: 't', body: 'b' }, A), 403);
  const mine = await newCase(w.schoolAdmin.token, { title: '本校案例' });
  expectStatus(await s.api('GET', `/api/v1/typical-cases/${mine.id}`, undefined, w2.schoolAdmin.token), 403);
  expectStatus(await s.api('PUT', `/api/v1/typical-cases/${mine.id}`, { title: '他校改' }, w2.schoolAdmin.token), 403);
  expectStatus(await s.api('GET', `/api/v1/typical-cases?school_id=${w.school.id}`, undefined, w2.schoolAdmin.token), 403);
  const own = expectStatus(await s.api('GET', '/api/v1/typical-cases', undefined, w2.schoolAdmin.token), 200);
  assert.ok(own.items.every((x) => x.school_id === w2.school.id));
  expectStatus(await s.api('GET', '/api/v1/typical-cases', undefined, w.teacher.token), 403);
  expectStatus(await s.api('GET', '/api/v1/typical-cases/999999', undefined, A), 404);
  // inspectors read, only the district admin selects
  expectStatus(await s.api('GET', `/api/v1/typical-cases/${mine.id}`, undefined, insp.token), 200);
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${mine.id}/select`, undefined, insp.token), 403);
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${mine.id}/select`, undefined, w.schoolAdmin.token), 403);
  expectStatus(await s.api('GET', '/api/v1/typical-cases?status=lost', undefined, A), 400);
});

test('photos: by their bytes, metadata removed, six at most even when sent at once', async () => {
  const c = await newCase();
  const p = expectStatus(await s.api('POST', `/api/v1/typical-cases/${c.id}/photos`, jpeg(), w.schoolAdmin.token), 201);
  assert.equal(p.mime, 'image/jpeg');
  const res = await fetch(`${s.url}/api/v1/typical-cases/${c.id}/photos/${p.id}`, { headers: { Authorization: 'Bearer ' + insp.token } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/jpeg');
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.length, p.bytes);
  assert.ok(!bytes.toString('latin1').includes(GPS_TEXT), 'the EXIF position is gone');
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${c.id}/photos`, Buffer.from('GIF89a not a photo'), w.schoolAdmin.token), 400);
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${c.id}/photos`, jpeg({ pad: 2 * 1024 * 1024 }), w.schoolAdmin.token), 413);
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${c.id}/photos`, png(), w2.schoolAdmin.token), 403);
  expectStatus(await s.api('GET', `/api/v1/typical-cases/${c.id}/photos/${p.id}`, undefined, w2.schoolAdmin.token), 403);
  // nine at once onto a case that holds one: five more fit
  const rs = await Promise.all(Array.from({ length: 9 }, () => s.api('POST', `/api/v1/typical-cases/${c.id}/photos`, png(), w.schoolAdmin.token)));
  assert.equal(rs.filter((r) => r.status === 201).length, 5, JSON.stringify(rs.map((r) => r.status)));
  assert.ok(rs.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.error.code === 'too_many_photos'));
  const got = expectStatus(await s.api('GET', `/api/v1/typical-cases/${c.id}`, undefined, A), 200);
  assert.equal(got.photo_list.length, 6);
  expectStatus(await s.api('DELETE', `/api/v1/typical-cases/${c.id}/photos/${p.id}`, undefined, w.schoolAdmin.token), 204);
  expectStatus(await s.api('GET', `/api/v1/typical-cases/${c.id}/photos/${p.id}`, undefined, A), 404);
  expectStatus(await s.api('DELETE', `/api/v1/typical-cases/${c.id}/photos/${p.id}`, undefined, w.schoolAdmin.token), 404);
});

test('the work ledger gathers the term from what was recorded', async () => {
  // today's homework on the board
  expectStatus(await s.api('POST', '/api/v1/homework', { class_id: w.cls.id, date: TODAY, subject: '数学', title: '口算 20 题', kind: 'written', minutes: 30 }, w.teacher.token), 201);
  // an after-school program with a roll taken on Monday and a teacher on duty
  const prog = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', {
    school_id: w.school.id, term: '2026-autumn', name: '课后托管', kind: 'care', provider: 'school', capacity: 40,
    weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '17:30', fee_per_hour_fen: 200, first_day: '2026-10-08', last_day: '2027-01-20',
  }, w.schoolAdmin.token), 201);
  const roll = sql(`INSERT INTO afterschool_rolls (district_id, school_id, program_id, date, taken_by, taken_at) VALUES (1, ${w.school.id}, ${prog.id}, '2026-12-07', ${w.teacher.id}, 1796600000) RETURNING id`);
  sql(`INSERT INTO afterschool_attendance (roll_id, student_id, present) VALUES (${roll}, ${w.student.id}, 1)`);
  sql(`INSERT INTO afterschool_duties (district_id, school_id, user_id, program_id, date, minutes, created_at) VALUES (1, ${w.school.id}, ${w.teacher.id}, ${prog.id}, '2026-12-07', 120, 1796600000)`);
  // an inspection with a finding to rectify, and a guardian's complaint assigned to the school
  expectStatus(await s.api('POST', '/api/v1/inspections', { school_id: w.school.id, date: TODAY, findings: [{ rule: 'HW-5', text: '四年级作业公示不及时', rectify_by: '2026-12-20' }] }, insp.token), 201);
  expectStatus(await s.api('POST', '/api/v1/complaints', { category: 'homework_overload', text: '作业太多', student_id: w.student.id }, w.guardian.token), 201);

  const led = expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/ledger?term=2026-autumn`, undefined, w.schoolAdmin.token), 200);
  assert.equal(led.term, '2026-autumn');
  assert.equal(led.from, '2026-09-01');
  assert.equal(led.to, TODAY, 'the ledger runs up to today');
  const hw = led.homework.find((d) => d.date === TODAY);
  assert.deepEqual([hw.classes, hw.items, hw.written_items, hw.avg_written_minutes, hw.over_classes], [1, 1, 1, 30, 0]);
  const mon = led.afterschool.find((d) => d.date === '2026-12-07');
  assert.deepEqual([mon.programs, mon.rolls, mon.marked, mon.present, mon.teachers_on_duty], [1, 1, 1, 1, 1]);
  assert.ok(led.afterschool.every((d) => d.date <= TODAY && d.date >= '2026-09-01'));
  assert.equal(led.afterschool.find((d) => d.date === '2026-12-08').rolls, 0);
  assert.deepEqual(led.inspections.map((x) => [x.rule, x.text, x.due_date, x.status]), [['HW-5', '四年级作业公示不及时', '2026-12-20', 'open']]);
  assert.equal(led.complaints.length, 1);
  assert.equal(led.complaints[0].category, 'homework_overload');
  assert.equal(led.complaints[0].overdue, false);
  assert.ok(!('text' in led.complaints[0]), 'the ledger carries no complaint text');
  assert.equal(led.notices, null, 'notices join when their module lands');
  // scopes
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/ledger`, undefined, w2.schoolAdmin.token), 403);
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/ledger`, undefined, w.teacher.token), 403);
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/ledger`, undefined, insp.token), 200);
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/ledger?term=2026-fall`, undefined, A), 400);
  expectStatus(await s.api('GET', '/api/v1/schools/999999/ledger', undefined, A), 404);
  // the workbook
  const res = await fetch(`${s.url}/api/v1/schools/${w.school.id}/ledger.xlsx?term=2026-autumn`, { headers: { Authorization: 'Bearer ' + w.schoolAdmin.token } });
  assert.equal(res.status, 200);
  const wb = readWorkbook(Buffer.from(await res.arrayBuffer()));
  assert.deepEqual(wb.sheets.map((x) => x.name), ['作业公示', '课后服务', '督查整改', '投诉举报', '通知']);
  const hwRow = wb.sheets[0].rows.slice(1).find((r) => r && r[4] === 30);
  assert.ok(hwRow && typeof hwRow[0] === 'number' && hwRow[1] === 1, 'dates and counts as numbers');
  assert.equal(wb.sheets[2].rows[1][1], '四年级作业公示不及时');
  assert.equal(wb.sheets[2].rows[1][3], '待整改');
  assert.equal(wb.sheets[3].rows[1][1], '作业负担过重');
});

test('the term compilation gathers the submitted reports and the selected cases', async () => {
  const c = await newCase(w2.schoolAdmin.token, { title: '课后服务“菜单式”选课' });
  expectStatus(await s.api('POST', `/api/v1/typical-cases/${c.id}/select`, undefined, A), 200);
  expectStatus(await s.api('PUT', '/api/v1/reports/settings', { since: '2026-09-01' }, A), 200);
  const sub = expectStatus(await s.api('POST', '/api/v1/reports/half-monthly/2026-12-1/submit', {}, A), 200);
  const comp = expectStatus(await s.api('GET', '/api/v1/reports/compilation?term=2026-autumn', undefined, insp.token), 200);
  assert.equal(comp.term, '2026-autumn');
  assert.deepEqual(comp.periods.map((p) => p.period), ['2026-09-1', '2026-09-2', '2026-10-1', '2026-10-2', '2026-11-1', '2026-11-2', '2026-12-1']);
  const dec = comp.periods.at(-1);
  assert.equal(dec.status, 'submitted');
  assert.equal(dec.digest, sub.digest);
  assert.equal(typeof dec.indicators.schools_total, 'number');
  assert.equal(comp.periods[0].status, 'draft');
  assert.equal(comp.latest.period, '2026-12-1');
  assert.ok(comp.cases.some((x) => x.id === c.id && x.status === 'selected'));
  assert.ok(comp.cases.every((x) => ['selected', 'published'].includes(x.status)));
  expectStatus(await s.api('GET', '/api/v1/reports/compilation?term=2026-autumn', undefined, w.schoolAdmin.token), 403);
  expectStatus(await s.api('GET', '/api/v1/reports/compilation?term=autumn', undefined, A), 400);
  const future = expectStatus(await s.api('GET', '/api/v1/reports/compilation?term=2027-autumn', undefined, A), 200);
  assert.deepEqual(future.periods, []);
});

test('the report counts the cases module\'s complaints and a school sees its own', async () => {
  const rep = expectStatus(await s.api('GET', '/api/v1/reports/half-monthly/2026-12-1?draft=true', undefined, A), 200);
  assert.equal(rep.cases_available, true);
  assert.equal(rep.indicators.tips_received, 1, 'the complaint filed today');
  const own = expectStatus(await s.api('GET', `/api/v1/reports/half-monthly/2026-12-1/schools/${w.school.id}?draft=true`, undefined, w.schoolAdmin.token), 200);
  assert.equal(own.school.cases.tips_received, 1);
  const other = expectStatus(await s.api('GET', `/api/v1/reports/half-monthly/2026-12-1/schools/${w2.school.id}?draft=true`, undefined, w2.schoolAdmin.token), 200);
  assert.equal(other.school.cases.tips_received, 0);
});
