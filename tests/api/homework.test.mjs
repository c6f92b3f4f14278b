// API tests for homework (API.md "Homework and exams", POLICY.md HW-1..HW-10): publishing
// within the class-day cap (exactly at the cap passes, one minute over is refused with the
// numbers and the items that use them), the kinds and targets the rules forbid, every bad input
// refused with nothing stored, withdrawal returning minutes, the board and who may read it,
// family feedback, marking, the grade-leader matrix and adjustments, reports, and concurrent
// publishes that never pass the cap together. Runs on SQLite, or PostgreSQL with SJ_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, world, expectStatus, TODAY, addDays, weekday } from './lib.mjs';

let s, A;
const today = TODAY; // the server's, on the test clock
// the first Monday-to-Friday at or after d
const schoolDay = (d) => { while (weekday(d) > 5) d = addDays(d, 1); return d; };

let seq = 0;
async function user(roles, prefix = 'u') {
  const username = `${prefix}${++seq}_${Math.random().toString(36).slice(2, 6)}`;
  const u = expectStatus(await s.api('POST', '/api/v1/users', { username, password: 'password-123', name: username, roles }, A), 201);
  return { id: u.id, token: await s.login(username, 'password-123') };
}
async function teacherFor(w, subject) {
  const t = await user([{ role: 'teacher', school_id: w.school.id }], 'te');
  expectStatus(await s.api('POST', `/api/v1/classes/${w.cls.id}/teachers`, { user_id: t.id, subject }, A), 201);
  return t;
}
const publish = (token, body) => s.api('POST', '/api/v1/homework', body, token);
const board = async (w, date, token = A) => expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${date}`, undefined, token), 200);
const hw = (w, date, over = {}) => ({ class_id: w.cls.id, date, subject: '数学', title: '口算练习', kind: 'written', minutes: 20, ...over });

before(async () => {
  s = await startServer();
  A = await s.admin();
  // every date from August of last year to July of next year lies inside a term
  const y = Number(today.slice(0, 4));
  for (const Y of [y - 1, y, y + 1]) {
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-spring`, first_day: `${Y}-02-01`, last_day: `${Y}-07-31` }, A), 201);
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-autumn`, first_day: `${Y}-08-01`, last_day: `${Y + 1}-01-31` }, A), 201);
  }
});
after(async () => { await s?.stop(); });

test('grade 4: exactly at the 60-minute cap is accepted, one minute over is refused with the numbers and the items', async () => {
  const w = await world(s, { grade: 4 });
  const en = await teacherFor(w, '英语');
  const d = schoolDay(addDays(today, 1));
  const a = expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 40 })), 201);
  assert.deepEqual([a.day.limit_minutes, a.day.written_minutes], [60, 40]);
  assert.equal(a.policy_version, 'national-2021');
  const b = expectStatus(await publish(en.token, hw(w, d, { subject: '英语', title: '单词', minutes: 20 })), 201);
  assert.deepEqual([b.day.limit_minutes, b.day.written_minutes, b.day.remaining_minutes], [60, 60, 0]);
  const r = await publish(w.teacher.token, hw(w, d, { minutes: 1, title: '再加一题' }));
  const e = expectStatus(r, 422, 'homework_over_limit').error;
  assert.equal(e.rule, 'HW-2');
  assert.equal(e.limit_minutes, 60);
  assert.equal(e.written_minutes, 60);
  assert.equal(e.requested_minutes, 1);
  assert.deepEqual(e.items.map((i) => [i.subject, i.minutes]).sort(), [['数学', 40], ['英语', 20]]);
  assert.match(e.message, /60 分钟/);
  const bd = await board(w, d);
  assert.equal(bd.items.length, 2, 'nothing stored by the refusal');
  assert.equal(bd.written_minutes, 60);
  assert.equal(bd.limit_minutes, 60);
  assert.equal(bd.grade, 4);
});

test('the journey: 30 minutes into a class at 40 is refused, naming HW-2 and the items using the 40 minutes', async () => {
  const w = await world(s, { grade: 4 });
  const d = schoolDay(addDays(today, 2));
  expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 25, title: '应用题' })), 201);
  expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 15, title: '口算' })), 201);
  const e = expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 30 })), 422, 'homework_over_limit').error;
  assert.equal(e.rule, 'HW-2');
  assert.deepEqual([e.limit_minutes, e.written_minutes, e.requested_minutes, e.remaining_minutes], [60, 40, 30, 20]);
  assert.deepEqual(e.items.map((i) => i.title).sort(), ['口算', '应用题']);
  assert.ok(e.message.includes('超出四年级每日书面作业 60 分钟上限(HW-2)'), e.message);
  const en = await s.api('POST', '/api/v1/homework', hw(w, d, { minutes: 30 }), w.teacher.token, { 'Accept-Language': 'en' });
  assert.match(expectStatus(en, 422, 'homework_over_limit').error.message, /60-minute daily cap/);
  assert.equal((await board(w, d)).written_minutes, 40);
});

test('grade 2: written homework is refused by HW-1, oral and reading are accepted', async () => {
  const w = await world(s, { grade: 2 });
  const d = schoolDay(addDays(today, 1));
  const e = expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 10 })), 422, 'written_homework_not_allowed').error;
  assert.equal(e.rule, 'HW-1');
  assert.equal(e.limit_minutes, 0);
  assert.equal(e.requested_minutes, 10);
  const oral = expectStatus(await publish(w.teacher.token, hw(w, d, { kind: 'oral', title: '背诵古诗', minutes: 10 })), 201);
  assert.equal(oral.day.written_minutes, 0);
  expectStatus(await publish(w.teacher.token, hw(w, d, { kind: 'reading', title: '亲子共读', minutes: 20 })), 201);
  const bd = await board(w, d);
  assert.deepEqual(bd.items.map((i) => i.kind).sort(), ['oral', 'reading']);
  assert.equal(bd.limit_minutes, 0);
  assert.equal(bd.written_minutes, 0);
});

test('grade 8: 90 minutes pass, 91 are refused by HW-3', async () => {
  const w = await world(s, { grade: 8, kind: 'junior' });
  const d = schoolDay(addDays(today, 1));
  expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 50 })), 201);
  const r = expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 40 })), 201);
  assert.deepEqual([r.day.limit_minutes, r.day.written_minutes], [90, 90]);
  const e = expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 1 })), 422, 'homework_over_limit').error;
  assert.deepEqual([e.rule, e.limit_minutes, e.written_minutes, e.requested_minutes], ['HW-3', 90, 90, 1]);
  const w2 = await world(s, { grade: 8, kind: 'junior' });
  const e2 = expectStatus(await publish(w2.teacher.token, hw(w2, d, { minutes: 91 })), 422, 'homework_over_limit').error;
  assert.deepEqual([e2.limit_minutes, e2.written_minutes, e2.requested_minutes], [90, 0, 91]);
});

test('only written homework counts: reading and practical work go on a full day', async () => {
  const w = await world(s, { grade: 5 });
  const d = schoolDay(addDays(today, 3));
  expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 60 })), 201);
  const r = expectStatus(await publish(w.teacher.token, hw(w, d, { kind: 'reading', title: '阅读', minutes: 30 })), 201);
  assert.equal(r.day.written_minutes, 60);
  expectStatus(await publish(w.teacher.token, hw(w, d, { kind: 'practical', title: '种豆芽', minutes: 20, tier: 'optional' })), 201);
  const bd = await board(w, d);
  assert.equal(bd.items.length, 3);
  assert.equal(bd.written_minutes, 60);
  assert.equal(bd.items.find((i) => i.kind === 'practical').tier, 'optional');
});

test('optional written homework still counts against the cap (HW-7 tiers do not shorten the evening)', async () => {
  const w = await world(s, { grade: 4 });
  const d = schoolDay(addDays(today, 4));
  expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 50 })), 201);
  const e = expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 11, tier: 'optional' })), 422, 'homework_over_limit').error;
  assert.equal(e.written_minutes, 50);
});

test('kinds and targets the rules forbid: app (HW-9), for parents (HW-6), parent checking (HW-6)', async () => {
  const w = await world(s, { grade: 4 });
  const d = schoolDay(addDays(today, 1));
  let e = expectStatus(await publish(w.teacher.token, hw(w, d, { kind: 'app' })), 422, 'homework_kind_not_allowed').error;
  assert.equal(e.rule, 'HW-9');
  e = expectStatus(await publish(w.teacher.token, hw(w, d, { target: 'parent' })), 422, 'homework_target_not_allowed').error;
  assert.equal(e.rule, 'HW-6');
  e = expectStatus(await publish(w.teacher.token, hw(w, d, { parent_check: true })), 422, 'homework_target_not_allowed').error;
  assert.equal(e.rule, 'HW-6');
  expectStatus(await publish(w.teacher.token, hw(w, d, { kind: 'essay' })), 400, 'invalid_field');
  expectStatus(await publish(w.teacher.token, hw(w, d, { target: 'grandma' })), 400, 'invalid_field');
  expectStatus(await publish(w.teacher.token, hw(w, d, { tier: 'extra' })), 400, 'invalid_field');
  expectStatus(await publish(w.teacher.token, hw(w, d, { target: 'student', minutes: 5 })), 201);
  const bd = await board(w, d);
  assert.equal(bd.items.length, 1, 'only the allowed item is stored');
});

test('every refusal reads in the language asked for (zh-CN by default), with the same status, code, rule and numbers', async () => {
  const w2 = await world(s, { grade: 2 });
  const w = await world(s, { grade: 4 });
  const d = schoolDay(addDays(today, 1));
  const both = async (method, path, body, token, status, code, zh, en) => {
    const z = expectStatus(await s.api(method, path, body, token), status, code).error;
    const e = expectStatus(await s.api(method, path, body, token, { 'Accept-Language': 'en' }), status, code).error;
    assert.match(z.message, zh);
    assert.match(e.message, en);
    assert.doesNotMatch(e.message, /[\u4e00-\u9fff]/, e.message);
    const { message: _z, ...zr } = z;
    const { message: _e, ...er } = e;
    assert.deepEqual(zr, er, 'only the words differ');
    return z;
  };
  const pub = (token, body, ...rest) => both('POST', '/api/v1/homework', body, token, ...rest);
  let e = await pub(w2.teacher.token, hw(w2, d, { minutes: 10 }), 422, 'written_homework_not_allowed',
    /^二年级不布置书面家庭作业\(HW-1\)/, /^No written homework in grade 2 \(HW-1\)/);
  assert.deepEqual([e.rule, e.limit_minutes, e.requested_minutes, e.items], ['HW-1', 0, 10, []]);
  e = await pub(w.teacher.token, hw(w, d, { kind: 'app' }), 422, 'homework_kind_not_allowed', /手机或应用程序.*\(HW-9\)/, /phone or app \(HW-9\)/);
  assert.equal(e.kind, 'app');
  e = await pub(w.teacher.token, hw(w, d, { parent_check: true }), 422, 'homework_target_not_allowed', /不得要求家长检查.*\(HW-6\)/, /parents.*\(HW-6\)/);
  assert.equal(e.target, 'parent');
  e = await pub(w.teacher.token, hw(w, addDays(today, -1)), 400, 'invalid_field', /^不能为已经过去的日期布置作业$/, /day that has passed/);
  assert.equal(e.field, 'date');
  await pub(w.teacher.token, hw(w, addDays(today, 400)), 400, 'invalid_field', /日期太远/, /too far ahead/);
  await pub(w.teacher.token, hw(w, d, { subject: '英语' }), 403, 'forbidden', /没有在该班任教这个学科/, /do not teach this subject/);
  e = await pub(w.teacher.token, hw(w, d, { minutes: 61 }), 422, 'homework_over_limit',
    /^超出四年级每日书面作业 60 分钟上限\(HW-2\):当天已布置 0 分钟,本次 61 分钟$/, /^Over the 60-minute daily cap on written homework for grade 4 \(HW-2\): 0 set that day, 61 requested$/);
  assert.deepEqual([e.date, e.day_kind, e.grade, e.remaining_minutes], [d, 'school', 4, 60]);
  assert.equal((await board(w, d)).items.length, 0, 'no refusal stored anything');
  // the other writes' refusals come from the same table
  const it = expectStatus(await publish(w.teacher.token, hw(w, d)), 201);
  await both('POST', `/api/v1/homework/${it.id}/mark`, undefined, w.teacher.token, 400, 'invalid_field', /作业日期未到,还不能批改/, /has not come yet/);
  await both('POST', `/api/v1/homework/${it.id}/feedback`, { student_id: w.student.id, minutes_spent: 20, completed: true, bedtime: true },
    w.guardian.token, 400, 'invalid_field', /到就寝时间未完成/, /stopped at bedtime/);
  await both('POST', `/api/v1/homework/${it.id}/feedback`, { student_id: w.student.id, minutes_spent: 20, completed: true },
    w.guardian.token, 400, 'invalid_field', /作业日期未到,还不能反馈用时/, /has not come yet/);
  await both('POST', `/api/v1/homework/${it.id}/adjust`, { minutes: 25, reason: '太多' }, A, 400, 'invalid_field', /只能缩短用时/, /only be shortened/);
  await both('POST', `/api/v1/homework/${it.id}/adjust`, { reason: '太多' }, A, 400, 'missing_field', /请给出新的日期或新的用时/, /new date or new minutes/);
});

test('bad input is refused with a clear error and nothing is stored', async () => {
  const w = await world(s, { grade: 4 });
  const other = await world(s, { grade: 4 });
  const d = schoolDay(addDays(today, 1));
  const T = w.teacher.token;
  const cases = [
    [hw(w, d, { minutes: 0 }), 400, 'invalid_field'],
    [hw(w, d, { minutes: -5 }), 400, 'invalid_field'],
    [hw(w, d, { minutes: 241 }), 400, 'invalid_field'],
    [hw(w, d, { minutes: 100000 }), 400, 'invalid_field'],
    [hw(w, d, { minutes: '20' }), 400, 'invalid_field'],
    [hw(w, d, { minutes: 12.5 }), 400, 'invalid_field'],
    [hw(w, d, { date: '2026-02-30' }), 400, 'invalid_field'],
    [hw(w, d, { date: 'tomorrow' }), 400, 'invalid_field'],
    [hw(w, addDays(today, -1)), 400, 'invalid_field'],
    [hw(w, addDays(today, 400)), 400, 'invalid_field'],
    [hw(w, d, { title: '' }), 400, 'missing_field'],
    [hw(w, d, { title: '题'.repeat(101) }), 400, 'invalid_field'],
    [hw(w, d, { subject: undefined }), 400, 'missing_field'],
    [hw(w, d, { class_id: 'x' }), 400, 'invalid_field'],
    [hw(w, d, { class_id: 999999 }), 404, 'not_found'],
    [hw(other, d), 403, 'forbidden'],                 // a class they do not teach
    [hw(w, d, { subject: '语文' }), 403, 'forbidden'], // a subject they do not teach there
  ];
  for (const [body, status, code] of cases) {
    const r = await publish(T, body);
    expectStatus(r, status, code);
  }
  expectStatus(await s.api('POST', '/api/v1/homework', '{"class_id":', T), 400, 'bad_json');
  expectStatus(await s.api('POST', '/api/v1/homework', hw(w, d)), 401);
  expectStatus(await publish(w.guardian.token, hw(w, d)), 403);       // guardians do not publish
  expectStatus(await publish(w.schoolAdmin.token, hw(w, d)), 403);    // nor a principal who does not teach it
  assert.equal((await board(w, d)).items.length, 0);
  assert.equal((await board(other, d)).items.length, 0);
  const list = expectStatus(await s.api('GET', `/api/v1/homework?mine=1&from=${addDays(today, -2)}&to=${addDays(today, 390)}`, undefined, T), 200);
  assert.equal(list.total, 0);
});

test('withdrawing gives the minutes back; only the teacher or the school may withdraw, once', async () => {
  const w = await world(s, { grade: 4 });
  const stranger = await world(s, { grade: 4 });
  const d = schoolDay(addDays(today, 5));
  const a = expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 45 })), 201);
  expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 20 })), 422, 'homework_over_limit');
  expectStatus(await s.api('DELETE', `/api/v1/homework/${a.id}`, undefined, stranger.teacher.token), 403);
  expectStatus(await s.api('DELETE', `/api/v1/homework/${a.id}`, undefined, w.guardian.token), 403);
  assert.equal((await board(w, d)).written_minutes, 45);
  expectStatus(await s.api('DELETE', `/api/v1/homework/${a.id}`, undefined, w.teacher.token), 204);
  expectStatus(await s.api('DELETE', `/api/v1/homework/${a.id}`, undefined, w.teacher.token), 404);
  expectStatus(await s.api('DELETE', '/api/v1/homework/987654', undefined, w.teacher.token), 404);
  assert.equal((await board(w, d)).written_minutes, 0);
  const b = expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 60 })), 201);
  assert.equal(b.day.written_minutes, 60);
  // the school admin may withdraw too
  expectStatus(await s.api('DELETE', `/api/v1/homework/${b.id}`, undefined, w.schoolAdmin.token), 204);
  assert.equal((await board(w, d)).items.length, 0);
  expectStatus(await s.api('GET', `/api/v1/homework/${b.id}`, undefined, w.teacher.token), 404);
  // each publish and withdrawal wrote its audit row (inside its own transaction)
  const audit = expectStatus(await s.api('GET', '/api/v1/audit?action=homework&limit=500', undefined, A), 200);
  const rows = audit.items.filter((x) => x.target_id === a.id || x.target_id === b.id);
  assert.deepEqual(rows.map((x) => x.action).sort(),
    ['DELETE /api/v1/homework/{id}', 'DELETE /api/v1/homework/{id}', 'POST /api/v1/homework', 'POST /api/v1/homework']);
});

test('the board: API shape, school staff and the class guardians read it, others are refused', async () => {
  const w = await world(s, { grade: 4 });
  const other = await world(s, { grade: 4 });
  const d = schoolDay(addDays(today, 1));
  const a = expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 30, content: '第 12 页 1-5 题' })), 201);
  const colleague = await user([{ role: 'teacher', school_id: w.school.id }], 'co');
  const inspector = await user([{ role: 'inspector' }], 'in');
  for (const token of [w.guardian.token, w.teacher.token, colleague.token, w.schoolAdmin.token, A, inspector.token]) {
    const bd = await board(w, d, token);
    assert.equal(bd.class_id, w.cls.id);
    assert.equal(bd.date, d);
    assert.equal(bd.grade, 4);
    assert.equal(bd.limit_minutes, 60);
    assert.equal(bd.written_minutes, 30);
    assert.deepEqual(Object.keys(bd.items[0]).filter((k) => ['id', 'subject', 'title', 'kind', 'minutes'].includes(k)).sort(),
      ['id', 'kind', 'minutes', 'subject', 'title']);
    assert.equal(bd.items[0].id, a.id);
  }
  for (const token of [other.guardian.token, other.teacher.token, other.schoolAdmin.token]) {
    expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${d}`, undefined, token), 403);
  }
  expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${d}`), 401);
  expectStatus(await s.api('GET', `/api/v1/classes/999999/homework?date=${d}`, undefined, A), 404);
  expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=2026-13-01`, undefined, A), 400);
  // the item itself follows the same scope
  expectStatus(await s.api('GET', `/api/v1/homework/${a.id}`, undefined, other.guardian.token), 403);
  const item = expectStatus(await s.api('GET', `/api/v1/homework/${a.id}`, undefined, w.guardian.token), 200);
  assert.equal(item.content, '第 12 页 1-5 题');
  // the printable page escapes what teachers type
  expectStatus(await publish(w.teacher.token, hw(w, d, { minutes: 5, title: '<script>alert(1)</script>' })), 201);
  const page = await s.api('GET', `/api/v1/classes/${w.cls.id}/homework/print?date=${d}`, undefined, w.teacher.token);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.match(page.body, /&lt;script&gt;/);
  assert.doesNotMatch(page.body, /<script>/);
  assert.match(page.body, /书面作业合计 35 分钟 \/ 上限 60 分钟/);
});

test('the default board date is today, and a weekend day keeps the weekday cap under HW-4', async () => {
  const w = await world(s, { grade: 6 });
  let sat = addDays(today, 1);
  while (weekday(sat) !== 6) sat = addDays(sat, 1);
  const bd = await board(w, sat);
  assert.equal(bd.day_kind, 'weekend');
  assert.equal(bd.rule, 'HW-4');
  assert.equal(bd.limit_minutes, 60);
  expectStatus(await publish(w.teacher.token, hw(w, sat, { minutes: 60 })), 201);
  const e = expectStatus(await publish(w.teacher.token, hw(w, sat, { minutes: 1 })), 422, 'homework_over_limit').error;
  assert.equal(e.rule, 'HW-4');
  assert.equal(e.day_kind, 'weekend');
  const now = expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/homework`, undefined, w.guardian.token), 200);
  assert.equal(now.date, today);
});

test('family feedback: only that pupil\'s guardian, only for the pupil\'s class, only for a day that came', async () => {
  const w = await world(s, { grade: 4 });
  const other = await world(s, { grade: 4 });
  const a = expectStatus(await publish(w.teacher.token, hw(w, today, { minutes: 30 })), 201);
  const future = expectStatus(await publish(w.teacher.token, hw(w, schoolDay(addDays(today, 1)), { minutes: 30 })), 201);
  const fb = (token, id, body) => s.api('POST', `/api/v1/homework/${id}/feedback`, body, token);
  const ok = { student_id: w.student.id, minutes_spent: 45, completed: true };
  expectStatus(await fb(other.guardian.token, a.id, ok), 403);                               // not their child
  expectStatus(await fb(other.guardian.token, a.id, { ...ok, student_id: other.student.id }), 403); // their child, another class: not their item
  expectStatus(await fb(w.teacher.token, a.id, ok), 403);                                    // teachers do not report
  expectStatus(await fb(w.guardian.token, a.id, { ...ok, minutes_spent: -1 }), 400);
  expectStatus(await fb(w.guardian.token, a.id, { ...ok, minutes_spent: 601 }), 400);
  expectStatus(await fb(w.guardian.token, a.id, { student_id: w.student.id, minutes_spent: 20 }), 400, 'missing_field');
  expectStatus(await fb(w.guardian.token, a.id, { ...ok, completed: true, bedtime: true }), 400);
  expectStatus(await fb(w.guardian.token, future.id, ok), 400);
  expectStatus(await fb(w.guardian.token, 999999, ok), 404);
  let mine = expectStatus(await s.api('GET', `/api/v1/students/${w.student.id}/homework?date=${today}`, undefined, w.guardian.token), 200);
  assert.equal(mine.items[0].feedback, null, 'nothing stored by the refusals');
  // HW-10: unfinished at bedtime is a valid answer
  const r = expectStatus(await fb(w.guardian.token, a.id, { student_id: w.student.id, minutes_spent: 50, completed: false, bedtime: true }), 201);
  assert.equal(r.updated, false);
  mine = expectStatus(await s.api('GET', `/api/v1/students/${w.student.id}/homework?date=${today}`, undefined, w.guardian.token), 200);
  assert.deepEqual(mine.items[0].feedback, { minutes_spent: 50, completed: false, bedtime: true });
  assert.equal(mine.bedtime, '21:20');
  // a correction replaces the answer, it does not count twice
  assert.equal(expectStatus(await fb(w.guardian.token, a.id, ok), 201).updated, true);
  const item = expectStatus(await s.api('GET', `/api/v1/homework/${a.id}`, undefined, w.teacher.token), 200);
  assert.deepEqual([item.feedback.count, item.feedback.avg_minutes, item.feedback.unfinished], [1, 45, 0]);
  assert.equal(item.feedback.longer_than_estimate, true);
  expectStatus(await s.api('GET', `/api/v1/students/${w.student.id}/homework`, undefined, other.guardian.token), 403);
});

test('marking (HW-8): the teacher marks, the school sees what is left unmarked', async () => {
  const w = await world(s, { grade: 4 });
  const a = expectStatus(await publish(w.teacher.token, hw(w, today, { minutes: 20 })), 201);
  const later = expectStatus(await publish(w.teacher.token, hw(w, schoolDay(addDays(today, 1)), { minutes: 20 })), 201);
  const un = async (days) => expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/unmarked?days=${days}`, undefined, w.schoolAdmin.token), 200);
  assert.deepEqual((await un(0)).items.map((i) => i.id), [a.id]);
  assert.equal((await un(0)).rule, 'HW-8');
  assert.equal((await un(2)).total, 0, 'not yet N days old');
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/unmarked`, undefined, w.guardian.token), 403);
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/unmarked`, undefined, w.teacher.token), 403);
  expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/mark`, {}, w.guardian.token), 403);
  const stranger = await world(s, { grade: 4 });
  expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/mark`, {}, stranger.teacher.token), 403);
  expectStatus(await s.api('POST', `/api/v1/homework/${later.id}/mark`, {}, w.teacher.token), 400);
  expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/mark`, {}, w.teacher.token), 204);
  expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/mark`, {}, w.teacher.token), 204);
  assert.equal((await un(0)).total, 0);
  const mine = expectStatus(await s.api('GET', `/api/v1/homework?mine=1&from=${today}&to=${addDays(today, 7)}`, undefined, w.teacher.token), 200);
  assert.deepEqual(mine.items.map((i) => [i.id, i.marked]).sort(), [[a.id, true], [later.id, false]].sort());
});

test('grade leader: the matrix of classes x days, moving and shortening items with the teacher told why', async () => {
  const w = await world(s, { grade: 4 });
  const cls2 = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w.school.id, grade: 4, name: '4年级2班' }, A), 201);
  expectStatus(await s.api('POST', `/api/v1/classes/${cls2.id}/teachers`, { user_id: w.teacher.id, subject: '数学' }, A), 201);
  const leader = await user([{ role: 'grade_leader', school_id: w.school.id, grade: 4 }], 'gl');
  const leader5 = await user([{ role: 'grade_leader', school_id: w.school.id, grade: 5 }], 'gl');
  const mon = (() => { let d = addDays(today, 7); while (weekday(d) !== 1) d = addDays(d, 1); return d; })();
  const thu = addDays(mon, 3), fri = addDays(mon, 4);
  const en = await teacherFor(w, '英语');
  expectStatus(await publish(w.teacher.token, hw(w, thu, { minutes: 30 })), 201);
  expectStatus(await publish(w.teacher.token, hw(w, thu, { minutes: 10, title: '订正' })), 201);
  const eng = expectStatus(await publish(en.token, hw(w, thu, { subject: '英语', title: '抄写单词', minutes: 15 })), 201);
  expectStatus(await publish(w.teacher.token, hw(w, fri, { minutes: 50 })), 201);
  const m = expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/matrix?grade=4&week=${thu}`, undefined, leader.token), 200);
  assert.equal(m.from, mon);
  assert.equal(m.days.length, 7);
  assert.deepEqual(m.classes.map((c) => c.class_id).sort(), [w.cls.id, cls2.id].sort());
  const row = m.classes.find((c) => c.class_id === w.cls.id);
  assert.deepEqual([row.cells[3].written_minutes, row.cells[3].limit_minutes, row.cells[3].subjects, row.cells[3].status], [55, 60, 2, 'near']);
  assert.equal(row.cells[0].status, 'none');
  assert.equal(m.classes.find((c) => c.class_id === cls2.id).cells[3].items, 0);
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/matrix?week=${thu}`, undefined, leader.token), 400);
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/matrix?grade=4`, undefined, w.guardian.token), 403);
  const outsider = await world(s, { grade: 4 });
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/matrix?grade=4`, undefined, outsider.teacher.token), 403);

  const adj = (token, id, body) => s.api('POST', `/api/v1/homework/${id}/adjust`, body, token);
  // Friday holds 50: moving the 15-minute English item there would pass the cap
  let e = expectStatus(await adj(leader.token, eng.id, { date: fri, reason: '周四作业偏多' }), 422, 'homework_over_limit').error;
  assert.deepEqual([e.rule, e.limit_minutes, e.written_minutes, e.requested_minutes], ['HW-2', 60, 50, 15]);
  expectStatus(await adj(w.teacher.token, eng.id, { date: fri, minutes: 10, reason: 'x' }), 403);      // not a leader
  expectStatus(await adj(leader5.token, eng.id, { date: fri, minutes: 10, reason: 'x' }), 403);        // another grade
  expectStatus(await adj(leader.token, eng.id, { date: fri, minutes: 10 }), 400, 'missing_field');      // a reason is required
  expectStatus(await adj(leader.token, eng.id, { minutes: 20, reason: '加长' }), 400);                  // only shorter
  expectStatus(await adj(leader.token, eng.id, { reason: '无变化' }), 400, 'missing_field');
  expectStatus(await adj(leader.token, eng.id, { date: addDays(today, -1), reason: '过去' }), 400);
  const moved = expectStatus(await adj(leader.token, eng.id, { date: fri, minutes: 10, reason: '周四作业偏多,移到周五并缩短' }), 200);
  assert.deepEqual([moved.date, moved.minutes, moved.day.written_minutes], [fri, 10, 60]);
  assert.equal((await board(w, thu)).written_minutes, 40);
  assert.equal((await board(w, fri)).written_minutes, 60);
  const ch = expectStatus(await s.api('GET', '/api/v1/homework/changes?unread=1', undefined, en.token), 200);
  assert.equal(ch.total, 1);
  assert.deepEqual([ch.items[0].from_date, ch.items[0].to_date, ch.items[0].from_minutes, ch.items[0].to_minutes], [thu, fri, 15, 10]);
  assert.equal(ch.items[0].reason, '周四作业偏多,移到周五并缩短');
  expectStatus(await s.api('POST', `/api/v1/homework/changes/${ch.items[0].id}/read`, {}, w.teacher.token), 404);
  expectStatus(await s.api('POST', `/api/v1/homework/changes/${ch.items[0].id}/read`, {}, en.token), 204);
  assert.equal(expectStatus(await s.api('GET', '/api/v1/homework/changes?unread=1', undefined, en.token), 200).total, 0);
  // a shortening alone frees minutes on the same day
  const thuItem = (await board(w, thu)).items.find((i) => i.minutes === 30);
  expectStatus(await adj(w.schoolAdmin.token, thuItem.id, { minutes: 20, reason: '题量偏大' }), 200);
  assert.equal((await board(w, thu)).written_minutes, 30);
});

test('reports: per class of a school as API.md says, per school for the district, XLSX export; scope enforced', async () => {
  const w = await world(s, { grade: 4 });
  const a = expectStatus(await publish(w.teacher.token, hw(w, today, { minutes: 40 })), 201);
  expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/feedback`, { student_id: w.student.id, minutes_spent: 70, completed: true }, w.guardian.token), 201);
  const q = `school_id=${w.school.id}&from=${addDays(today, -6)}&to=${today}`;
  const rep = expectStatus(await s.api('GET', `/api/v1/reports/homework?${q}`, undefined, w.schoolAdmin.token), 200);
  assert.equal(rep.total, 1);
  const it = rep.items[0];
  assert.equal(it.class_id, w.cls.id);
  assert.equal(it.days_with_homework, 1);
  assert.equal(it.days_over_limit, 0);
  assert.equal(it.avg_written_minutes, 40);
  assert.equal(it.avg_reported_minutes, 70);
  assert.equal(it.days_reported_over_limit, 1, 'families report 70 against a cap of 60');
  assert.deepEqual(rep.by_subject.map((x) => [x.subject, x.items]), [['数学', 1]]);
  const an = expectStatus(await s.api('GET', `/api/v1/reports/homework/analysis?${q}&min_items=1`, undefined, w.schoolAdmin.token), 200);
  assert.equal(an.classes[0].flagged, true, 'reported time passes the cap while the estimates fit');
  assert.equal(an.teachers[0].estimates_short, true);
  const dist = expectStatus(await s.api('GET', `/api/v1/reports/homework?from=${addDays(today, -6)}&to=${today}`, undefined, A), 200);
  const row = dist.items.find((x) => x.school_id === w.school.id);
  // within the cap means by the families' reports too: the class is not within it
  assert.deepEqual([row.classes, row.classes_within, row.classes_reported_over, row.share_within, row.days_with_homework], [1, 0, 1, 0, 1]);
  assert.equal(it.within_limit, false);
  expectStatus(await s.api('GET', `/api/v1/reports/homework?${q}`, undefined, w.teacher.token), 403);
  expectStatus(await s.api('GET', `/api/v1/reports/homework?${q}`, undefined, w.guardian.token), 403);
  expectStatus(await s.api('GET', `/api/v1/reports/homework`, undefined, w.schoolAdmin.token), 403);
  expectStatus(await s.api('GET', `/api/v1/reports/homework?school_id=${w.school.id}&from=2026-01-10&to=2026-01-01`, undefined, A), 400);
  const res = await fetch(`${s.url}/api/v1/reports/homework.xlsx?${q}`, { headers: { Authorization: 'Bearer ' + w.schoolAdmin.token } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  const buf = Buffer.from(await res.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK');
  const audit = expectStatus(await s.api('GET', '/api/v1/audit?action=export', undefined, A), 200);
  assert.ok(audit.items.some((x) => x.action === 'export homework report'), 'exports are logged');
});

test('30 concurrent publishes of 10 minutes at one grade-4 class-day: at most 60 minutes, exactly 6 accepted', async () => {
  const w = await world(s, { grade: 4 });
  const subjects = ['数学', '语文', '英语', '科学', '道德与法治'];
  const teachers = [w.teacher];
  for (const subj of subjects.slice(1)) teachers.push(await teacherFor(w, subj));
  const d = schoolDay(addDays(today, 6));
  const rs = await Promise.all(Array.from({ length: 30 }, (_, i) =>
    publish(teachers[i % 5].token, hw(w, d, { subject: subjects[i % 5], title: `第${i}题`, minutes: 10 }))));
  const ok = rs.filter((r) => r.status === 201);
  const refused = rs.filter((r) => r.status === 422);
  assert.equal(ok.length, 6, rs.map((r) => r.status).join(','));
  assert.equal(refused.length, 24);
  for (const r of refused) {
    assert.equal(r.body.error.code, 'homework_over_limit');
    assert.ok(r.body.error.written_minutes + 10 > 60);
  }
  const bd = await board(w, d);
  assert.equal(bd.written_minutes, 60);
  assert.equal(bd.items.length, 6);
  // and the other way round: concurrent withdrawals and publishes keep the sum right
  const rs2 = await Promise.all(ok.slice(0, 3).map((r) => s.api('DELETE', `/api/v1/homework/${r.body.id}`, undefined, w.schoolAdmin.token)));
  assert.deepEqual(rs2.map((r) => r.status), [204, 204, 204]);
  const left = (await board(w, d)).written_minutes;
  assert.equal(left, 30);
  const rs3 = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    publish(teachers[i % 5].token, hw(w, d, { subject: subjects[i % 5], minutes: 5 }))));
  const after = await board(w, d);
  assert.ok(after.written_minutes <= 60);
  assert.equal(after.written_minutes, left + 5 * rs3.filter((r) => r.status === 201).length);
  assert.equal(after.written_minutes, 60);
});
