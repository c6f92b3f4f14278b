// The training registry through the API: institutions (who may register them, licence numbers,
// white and black lists, annual inspections), courses under TR-1..TR-4 (school hours too, at course
// registration and for a lesson's start) and FU-1 at their boundaries, material review (TR-5: a
// course sells nothing until approved), staff and certificates (TR-6), the public look-up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectStatus } from './lib.mjs';
import { institution, licenseNo, mkUser, contract, world } from './funds_world.mjs';

let s, A, insp;
before(async () => {
  s = await startServer();
  A = await s.admin();
  insp = await mkUser(s, A, [{ role: 'inspector' }], 'in');
});
after(async () => { await s.stop(); });

const body = (o = {}) => ({ name: '启航教育', category: 'subject', license_no: licenseNo(), address: '城关镇 1 号', online: false, ...o });

test('institutions: district_admin and inspector register them; 409 license_taken; odd licence numbers flagged', async () => {
  const a = expectStatus(await s.api('POST', '/api/v1/institutions', body(), A), 201);
  assert.equal(a.state, 'active');
  assert.equal(a.list, 'none');
  assert.equal(a.category, 'subject');
  const b = expectStatus(await s.api('POST', '/api/v1/institutions', body({ name: '乐学在线', online: true, category: 'non_subject' }), insp.token), 201);
  assert.equal(b.online, true);
  const dup = expectStatus(await s.api('POST', '/api/v1/institutions', body({ license_no: a.license_no }), A), 409, 'license_taken');
  assert.equal(dup.error.field, 'license_no');
  // a licence number not of the standard form is registered as written, but flagged (TR-7)
  const odd = expectStatus(await s.api('POST', '/api/v1/institutions', body({ license_no: 'LIC-2026-001' }), A), 201);
  assert.equal(odd.license_no_valid, false);
  assert.equal(a.license_no_valid, true);
  const oddWarn = expectStatus(await s.api('GET', `/api/v1/funds/warnings?institution_id=${odd.id}`, undefined, A), 200);
  assert.ok(oddWarn.items[0].warnings.some((x) => x.code === 'license_no_invalid' && x.rule === 'TR-7'));
  expectStatus(await s.api('POST', '/api/v1/institutions', body({ license_no: '' }), A), 400);
  expectStatus(await s.api('POST', '/api/v1/institutions', body({ license_no: '教民' + '1'.repeat(15) }), A), 201);
  expectStatus(await s.api('POST', '/api/v1/institutions', body({ category: 'tutoring' }), A), 400);
  expectStatus(await s.api('POST', '/api/v1/institutions', body({ uscc: '91350100M000100Y4Z' }), A), 400);
  // a 民办非企业单位 code (prefix 52) marks the institution non-profit
  const np = expectStatus(await s.api('POST', '/api/v1/institutions', body({ uscc: '52110105MJ0000001K' }), A), 201);
  assert.deepEqual([np.uscc, np.non_profit], ['52110105MJ0000001K', true]);
  const co = expectStatus(await s.api('POST', '/api/v1/institutions', body({ uscc: '91512081ma62k0260e' }), A), 201);
  assert.deepEqual([co.uscc, co.non_profit], ['91512081MA62K0260E', false]);
  const w = await world(s);
  expectStatus(await s.api('POST', '/api/v1/institutions', body(), w.guardian.token), 403);
  expectStatus(await s.api('POST', '/api/v1/institutions', body(), w.schoolAdmin.token), 403);
  // an institution_admin is made by the district or an inspector, and sees only its own
  const ia = await mkUser(s, insp.token, [{ role: 'institution_admin', institution_id: a.id }], 'ia');
  const mine = expectStatus(await s.api('GET', '/api/v1/institutions', undefined, ia.token), 200);
  assert.deepEqual(mine.items.map((x) => x.id), [a.id]);
  expectStatus(await s.api('GET', `/api/v1/institutions/${b.id}`, undefined, ia.token), 403);
  expectStatus(await s.api('POST', `/api/v1/institutions/${a.id}/list`, { list: 'white' }, ia.token), 403);
});

const course = (o = {}) => ({ name: '数学', subject: '数学', online: false, lesson_minutes: 45, price_per_lesson_fen: 4500, schedule: [{ weekday: 3, start: '18:00', end: '18:45' }], ...o });

test('courses: TR-2, TR-3, TR-4 and FU-1 at their boundaries', async () => {
  const off = expectStatus(await s.api('POST', '/api/v1/institutions', body(), A), 201);
  const on = expectStatus(await s.api('POST', '/api/v1/institutions', body({ online: true }), A), 201);
  const ia = await mkUser(s, A, [{ role: 'institution_admin', institution_id: off.id }, { role: 'institution_admin', institution_id: on.id }], 'ia');
  const post = (inst, c) => s.api('POST', `/api/v1/institutions/${inst.id}/courses`, course(c), ia.token);

  // TR-2: a Saturday maths course
  const sat = expectStatus(await post(off, { schedule: [{ weekday: 6, start: '09:00', end: '09:45' }] }), 422, 'subject_on_weekend');
  assert.equal(sat.error.rule, 'TR-2');
  assert.equal(sat.error.weekday, 6);
  expectStatus(await post(off, { schedule: [{ weekday: 7, start: '09:00', end: '09:45' }] }), 422, 'subject_on_weekend');

  // TR-3: online lessons of 30 minutes pass, 31 fail; end by 21:00; 10 minutes between
  const o = { online: true, lesson_minutes: 30, price_per_lesson_fen: 3000 };
  expectStatus(await post(on, { ...o, schedule: [{ weekday: 2, start: '20:30', end: '21:00' }] }), 201);
  const long = expectStatus(await post(on, { ...o, lesson_minutes: 31, schedule: [{ weekday: 2, start: '19:00', end: '19:31' }] }), 422, 'online_lesson_too_long');
  assert.deepEqual([long.error.rule, long.error.limit_minutes, long.error.lesson_minutes], ['TR-3', 30, 31]);
  const late = expectStatus(await post(on, { ...o, schedule: [{ weekday: 2, start: '20:31', end: '21:01' }] }), 422, 'online_ends_too_late');
  assert.deepEqual([late.error.rule, late.error.end_by, late.error.end], ['TR-3', '21:00', '21:01']);
  expectStatus(await post(on, { ...o, schedule: [{ weekday: 2, start: '19:00', end: '20:10' }] }), 201);
  const gap = expectStatus(await post(on, { ...o, schedule: [{ weekday: 2, start: '19:00', end: '20:09' }] }), 422, 'online_gap_too_short');
  assert.deepEqual([gap.error.gap_min_minutes, gap.error.gap_minutes], [10, 9]);

  // TR-4: offline ends by 20:30
  expectStatus(await post(off, { schedule: [{ weekday: 4, start: '19:45', end: '20:30' }] }), 201);
  const late4 = expectStatus(await post(off, { schedule: [{ weekday: 4, start: '19:46', end: '20:31' }] }), 422, 'offline_ends_too_late');
  assert.deepEqual([late4.error.rule, late4.error.end_by], ['TR-4', '20:30']);

  // FU-1: base + 10% passes, one fen more fails
  expectStatus(await post(on, { ...o, price_per_lesson_fen: 3300 }), 201);
  const p = expectStatus(await post(on, { ...o, price_per_lesson_fen: 3301 }), 422, 'price_over_cap');
  assert.deepEqual([p.error.rule, p.error.limit_fen, p.error.price_per_lesson_fen], ['FU-1', 3300, 3301]);
  expectStatus(await post(off, { price_per_lesson_fen: 4950 }), 201);
  expectStatus(await post(off, { price_per_lesson_fen: 4951 }), 422, 'price_over_cap');

  // malformed schedules are 400s, not rules
  expectStatus(await post(off, { schedule: [] }), 400);
  expectStatus(await post(off, { schedule: [{ weekday: 8, start: '18:00', end: '18:45' }] }), 400);
  expectStatus(await post(off, { schedule: [{ weekday: 1, start: '18:45', end: '18:00' }] }), 400);
  expectStatus(await post(off, { schedule: [{ weekday: 1, start: '25:00', end: '26:00' }] }), 400);
  expectStatus(await post(off, { lesson_minutes: 0 }), 400);
  expectStatus(await post(off, { price_per_lesson_fen: -1 }), 400);
  const list = expectStatus(await s.api('GET', `/api/v1/institutions/${off.id}/courses`, undefined, ia.token), 200);
  assert.equal(list.total, 2);
});

test('courses: TR-1 category, black list (TR-7), suspended institutions, someone else\'s institution', async () => {
  const art = expectStatus(await s.api('POST', '/api/v1/institutions', body({ category: 'non_subject' }), A), 201);
  const ia = await mkUser(s, A, [{ role: 'institution_admin', institution_id: art.id }], 'ia');
  const tr1 = expectStatus(await s.api('POST', `/api/v1/institutions/${art.id}/courses`, course(), ia.token), 422, 'subject_course_not_allowed');
  assert.equal(tr1.error.rule, 'TR-1');
  // non-subject courses may run at weekends and are not bound by the guided price
  const piano = expectStatus(await s.api('POST', `/api/v1/institutions/${art.id}/courses`, course({ name: '钢琴', subject: '钢琴', price_per_lesson_fen: 20000, lesson_minutes: 60, schedule: [{ weekday: 6, start: '09:00', end: '10:00' }] }), ia.token), 201);
  assert.equal(piano.category, 'non_subject');
  assert.equal(piano.review_state, 'pending');

  const other = expectStatus(await s.api('POST', '/api/v1/institutions', body(), A), 201);
  expectStatus(await s.api('POST', `/api/v1/institutions/${other.id}/courses`, course(), ia.token), 403);

  // black-listed: no new courses
  const bl = expectStatus(await s.api('POST', `/api/v1/institutions/${art.id}/list`, { list: 'black', reason: '虚假宣传' }, insp.token), 200);
  assert.equal(bl.list, 'black');
  const r = expectStatus(await s.api('POST', `/api/v1/institutions/${art.id}/courses`, course({ subject: '钢琴' }), ia.token), 422, 'institution_blacklisted');
  assert.equal(r.error.rule, 'TR-7');
  expectStatus(await s.api('POST', `/api/v1/institutions/${art.id}/list`, { list: 'black' }, insp.token), 400); // a reason is required
  expectStatus(await s.api('POST', `/api/v1/institutions/${art.id}/list`, { list: 'white' }, A), 200);
  expectStatus(await s.api('POST', `/api/v1/institutions/${art.id}/courses`, course({ subject: '钢琴' }), ia.token), 201);
});

test('TR-4 school hours: a subject slot on a school weekday touching 08:00 or 16:30 passes, one minute in is refused', async () => {
  const off = expectStatus(await s.api('POST', '/api/v1/institutions', body(), A), 201);
  const on = expectStatus(await s.api('POST', '/api/v1/institutions', body({ online: true }), A), 201);
  const art = expectStatus(await s.api('POST', '/api/v1/institutions', body({ category: 'non_subject' }), A), 201);
  const ia = await mkUser(s, A, [off, on, art].map((i) => ({ role: 'institution_admin', institution_id: i.id })), 'ia');
  const post = (inst, c) => s.api('POST', `/api/v1/institutions/${inst.id}/courses`, course(c), ia.token);
  // the case: Wednesday 10:00-10:45
  let e = expectStatus(await post(off, { schedule: [{ weekday: 3, start: '10:00', end: '10:45' }] }), 422, 'in_school_hours').error;
  assert.deepEqual([e.rule, e.school_hours_start, e.school_hours_end, e.weekday, e.start, e.end, e.slot], ['TR-4', '08:00', '16:30', 3, '10:00', '10:45', 0]);
  assert.match(e.message, /在校时间/);
  expectStatus(await post(off, { schedule: [{ weekday: 1, start: '07:15', end: '08:00' }] }), 201);
  expectStatus(await post(off, { schedule: [{ weekday: 1, start: '07:16', end: '08:01' }] }), 422, 'in_school_hours');
  expectStatus(await post(off, { schedule: [{ weekday: 5, start: '16:30', end: '17:15' }] }), 201);
  e = expectStatus(await post(off, { schedule: [{ weekday: 4, start: '18:00', end: '18:45' }, { weekday: 5, start: '16:29', end: '17:14' }] }), 422, 'in_school_hours').error;
  assert.equal(e.slot, 1);
  // online subject lessons too; non-subject training is not bound by it
  const o = { online: true, lesson_minutes: 30, price_per_lesson_fen: 3000 };
  expectStatus(await post(on, { ...o, schedule: [{ weekday: 2, start: '12:00', end: '12:30' }] }), 422, 'in_school_hours');
  expectStatus(await post(on, { ...o, schedule: [{ weekday: 2, start: '16:30', end: '17:00' }] }), 201);
  expectStatus(await post(art, { subject: '钢琴', price_per_lesson_fen: 20000, schedule: [{ weekday: 3, start: '10:00', end: '10:45' }] }), 201);
});

test('TR-4 school hours for a lesson recorded with its start: on school days of the calendar, make-up days included', async () => {
  const { course: c, admin } = await institution(s);
  const w = await world(s);
  const k = await contract(s, w, c, 10, '2026-12-01', '2027-02-28');
  expectStatus(await s.api('POST', `/api/v1/contracts/${k.id}/payments`, { amount_fen: 40000 }, w.guardian.token), 201);
  const lesson = (date, start) => s.api('POST', `/api/v1/contracts/${k.id}/lessons`, start ? { date, start } : { date }, admin.token);
  // 2026-12-09 is a Wednesday: a 45-minute lesson from 16:30 passes, from 16:29 is refused
  const ok = expectStatus(await lesson('2026-12-09', '16:30'), 201);
  let e = expectStatus(await lesson('2026-12-09', '16:29'), 422, 'in_school_hours').error;
  assert.deepEqual([e.rule, e.start, e.end, e.date], ['TR-4', '16:29', '17:14', '2026-12-09']);
  expectStatus(await lesson('2026-12-09', '07:15'), 201);
  expectStatus(await lesson('2026-12-09', '07:16'), 422, 'in_school_hours');
  expectStatus(await lesson('2026-12-09', '9:00'), 400);
  expectStatus(await lesson('2026-12-09', '25:00'), 400);
  // a Saturday made a school day (调休) has school hours; an ordinary Saturday is TR-2's
  expectStatus(await lesson('2026-12-12', '18:00'), 422, 'lesson_on_banned_day');
  expectStatus(await s.api('POST', '/api/v1/calendar/holidays', { date: '2026-12-12', kind: 'workday', name: '调休上课' }, A), 201);
  expectStatus(await lesson('2026-12-12', '10:00'), 422, 'in_school_hours');
  expectStatus(await lesson('2026-12-12', '18:00'), 201);
  // the lessons list carries the recorded start; a lesson without one is at its registered slot
  expectStatus(await lesson('2026-12-14'), 201);
  const list = expectStatus(await s.api('GET', `/api/v1/contracts/${k.id}/lessons`, undefined, admin.token), 200);
  assert.deepEqual(list.items.map((x) => [x.date, x.start]), [['2026-12-09', '16:30'], ['2026-12-09', '07:15'], ['2026-12-12', '18:00'], ['2026-12-14', null]]);
  assert.ok(ok.id);
  const got = expectStatus(await s.api('GET', `/api/v1/contracts/${k.id}`, undefined, w.guardian.token), 200);
  assert.equal(got.lessons_delivered, 4, 'nothing stored by the refusals');
});

test('TR-5 review: a course sells nothing until approved; pending and rejected refused citing TR-5', async () => {
  const { course: c } = await institution(s, { price: 3000, review: false });
  assert.equal(c.review_state, 'pending');
  const w = await world(s);
  const sign = () => s.api('POST', '/api/v1/contracts', { course_id: c.id, student_id: w.student.id, lessons: 5, start_date: '2026-09-01', end_date: '2026-09-30' }, w.guardian.token);
  // still under review: refused, citing TR-5, nothing stored
  let e = expectStatus(await sign(), 409, 'course_not_open').error;
  assert.deepEqual([e.rule, e.review_state, e.course_id, e.field], ['TR-5', 'pending', c.id, 'course_id']);
  assert.match(e.message, /审核/);
  const en = expectStatus(await s.api('POST', '/api/v1/contracts', { course_id: c.id, student_id: w.student.id, lessons: 5, start_date: '2026-09-01', end_date: '2026-09-30' }, w.guardian.token, { 'Accept-Language': 'en' }), 409);
  assert.match(en.error.message, /review/);
  expectStatus(await s.api('POST', `/api/v1/courses/${c.id}/review`, { state: 'rejected' }, A), 400); // a note is required
  const r = expectStatus(await s.api('POST', `/api/v1/courses/${c.id}/review`, { state: 'rejected', note: '教材超纲' }, insp.token), 200);
  assert.equal(r.review_state, 'rejected');
  e = expectStatus(await sign(), 409, 'course_not_open').error;
  assert.deepEqual([e.rule, e.review_state], ['TR-5', 'rejected']);
  // back to pending (a resubmission): still nothing sold
  expectStatus(await s.api('POST', `/api/v1/courses/${c.id}/review`, { state: 'pending' }, A), 200);
  assert.equal(expectStatus(await sign(), 409).error.review_state, 'pending');
  const mine = expectStatus(await s.api('GET', `/api/v1/contracts?student_id=${w.student.id}`, undefined, w.guardian.token), 200);
  assert.equal(mine.total, 0, 'nothing stored by the refusals');
  expectStatus(await s.api('POST', `/api/v1/courses/${c.id}/review`, { state: 'approved' }, A), 200);
  await contract(s, w, c, 5);
});

test('TR-6 staff: certificates of the right form, required for subject teachers; the staff black list', async () => {
  const { inst, admin } = await institution(s);
  const add = (b) => s.api('POST', `/api/v1/institutions/${inst.id}/staff`, b, admin.token);
  expectStatus(await add({ name: '王老师', teaches_subject: true, cert_no: '2021-1100-12' }), 400, 'invalid_field');
  const noCert = expectStatus(await add({ name: '王老师', teaches_subject: true }), 422, 'certificate_required');
  assert.equal(noCert.error.rule, 'TR-6');
  expectStatus(await add({ name: '王老师', teaches_subject: true, cert_no: '20211100111000001' }), 422, 'certificate_wrong_type');
  const ok = expectStatus(await add({ name: '王老师', teaches_subject: true, subjects: '数学', cert_no: '20211100131000001' }), 201);
  assert.equal(ok.cert_no, '20211100131000001');
  expectStatus(await add({ name: '李老师', teaches_subject: true, cert_no: '20211100131000002', in_service_teacher: true }), 422, 'in_service_teacher_barred');
  expectStatus(await add({ name: '前台', teaches_subject: false }), 201);
  expectStatus(await add({ name: '赵', id_no: '110105194912310021' }), 400); // bad check digit
  // the district black-lists a person; they cannot be added anywhere in the district
  expectStatus(await s.api('POST', '/api/v1/staff-blacklist', { name: '张某', cert_no: '20191100131000009', id_no: '11010519491231002X', reason: '体罚学生' }, insp.token), 201);
  const bl = expectStatus(await add({ name: '张某', teaches_subject: true, cert_no: '20191100131000009' }), 422, 'staff_blacklisted');
  assert.equal(bl.error.rule, 'TR-6');
  expectStatus(await add({ name: '张某某', id_no: '11010519491231002x' }), 422, 'staff_blacklisted');
  const list = expectStatus(await s.api('GET', `/api/v1/institutions/${inst.id}/staff`, undefined, admin.token), 200);
  assert.equal(list.total, 2);
  const bls = expectStatus(await s.api('GET', '/api/v1/staff-blacklist', undefined, A), 200);
  assert.equal(bls.items[0].id_masked, '110105********002X');
  expectStatus(await s.api('GET', '/api/v1/staff-blacklist', undefined, admin.token), 403);
});

test('annual inspections and the public look-up', async () => {
  const { inst, admin } = await institution(s, { name: '明德学堂' });
  let got = expectStatus(await s.api('GET', `/api/v1/institutions/${inst.id}`, undefined, A), 200);
  assert.equal(got.inspection_overdue, false); // registered today
  expectStatus(await s.api('POST', `/api/v1/institutions/${inst.id}/inspections`, { year: 2026, date: '2026-06-01', result: 'pass' }, admin.token), 403);
  expectStatus(await s.api('POST', `/api/v1/institutions/${inst.id}/inspections`, { year: 2026, date: '2026-06-01', result: 'excellent' }, insp.token), 400);
  expectStatus(await s.api('POST', `/api/v1/institutions/${inst.id}/inspections`, { year: 2026, date: '2026-06-01', result: 'rectify', note: '消防通道' }, insp.token), 201);
  expectStatus(await s.api('POST', `/api/v1/institutions/${inst.id}/inspections`, { year: 2026, date: '2026-06-02', result: 'pass' }, insp.token), 409);
  got = expectStatus(await s.api('GET', `/api/v1/institutions/${inst.id}`, undefined, admin.token), 200);
  assert.deepEqual([got.last_inspection_year, got.last_inspection_result], [2026, 'rectify']);
  expectStatus(await s.api('POST', `/api/v1/institutions/${inst.id}/details`, { license_valid_until: '2026-01-31' }, A), 200);
  got = expectStatus(await s.api('GET', `/api/v1/institutions/${inst.id}`, undefined, A), 200);
  assert.equal(got.license_expired, true);
  const warn = expectStatus(await s.api('GET', `/api/v1/funds/warnings?institution_id=${inst.id}`, undefined, A), 200);
  assert.ok(warn.items[0].warnings.some((x) => x.code === 'license_expired'));

  expectStatus(await s.api('POST', `/api/v1/institutions/${inst.id}/list`, { list: 'white' }, A), 200);
  const pub = expectStatus(await s.api('GET', '/api/v1/public/institutions?list=white&q=' + encodeURIComponent('明德')), 200);
  assert.equal(pub.total, 1);
  assert.equal(pub.items[0].id, inst.id);
  assert.equal(pub.items[0].license_no, inst.license_no);
  const one = expectStatus(await s.api('GET', `/api/v1/public/institutions/${inst.id}`), 200);
  assert.equal(one.courses.length, 1);
  assert.equal(one.courses[0].price_per_lesson_fen, 4000);
  assert.ok(Array.isArray(one.courses[0].schedule));
  assert.equal(one.contact, undefined); // nothing beyond the public record
  expectStatus(await s.api('GET', '/api/v1/public/institutions/999999'), 404);
});
