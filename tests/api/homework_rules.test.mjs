// API tests of the homework rules of issue 14, each at its edge, on two servers: national
// defaults, and a district file that sets HW-5's all-kinds daily cap.
//   HW-5  all kinds: off nationally (a grade-2 class may take 180 + 180 minutes of reading and
//         practical work); with the district's number, exactly at it passes and a minute over
//         is refused (422 daily_total_over_limit, rule HW-5); a class-day whose families report
//         more than HW-5.relabel_excess_minutes beyond its written estimate is flagged.
//   HW-8  marking per pupil or a class-wide 面批; items unmarked HW-8.unmarked_after_days after
//         their date are flagged per teacher for the school (the day before: not yet).
//   HW-10 a family's "stopped at bedtime" reaches the teacher's list the next morning, with a
//         prompt to adjust; not the same day, not the day after.
// Concurrency: teachers publishing at once never pass the all-kinds cap together; every pupil
// marked at once completes the item. The server is restarted on later days of the test clock
// for HW-8 and HW-10.
// Runs on SQLite, or PostgreSQL with SJ_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, world, expectStatus, TODAY, addDays, weekday, clockEnv } from './lib.mjs';

let nat, dist, dir, file;
const today = TODAY; // a Wednesday
const schoolDay = (d) => { while (weekday(d) > 5) d = addDays(d, 1); return d; };
const hw = (w, date, over = {}) => ({ class_id: w.cls.id, date, subject: '语文', title: '阅读', kind: 'reading', minutes: 20, ...over });

async function terms(s) {
  const A = await s.admin();
  const y = Number(today.slice(0, 4));
  for (const Y of [y - 1, y, y + 1]) {
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-spring`, first_day: `${Y}-02-01`, last_day: `${Y}-07-31` }, A), 201);
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-autumn`, first_day: `${Y}-08-01`, last_day: `${Y + 1}-01-31` }, A), 201);
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sj-hw-rules-'));
  file = join(dir, 'district.json');
  writeFileSync(file, JSON.stringify({
    version: 'test-hw5-2026',
    effective_from: '2026-01-01',
    rules: { 'HW-5': { all_kinds_minutes_grades_1_2: 60, all_kinds_minutes_grades_3_6: 90 } },
  }));
  [nat, dist] = await Promise.all([startServer(), startServer(['--policy', file])]);
  await Promise.all([terms(nat), terms(dist)]);
});
after(async () => {
  await nat?.stop();
  await dist?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const publish = (s, token, body) => s.api('POST', '/api/v1/homework', body, token);

test('HW-5 all kinds: off by default, a grade-2 class takes 180 min of reading and 180 of practical work', async () => {
  const w = await world(nat, { grade: 2, subject: '语文' });
  const d = schoolDay(addDays(today, 1));
  expectStatus(await publish(nat, w.teacher.token, hw(w, d, { minutes: 180 })), 201);
  expectStatus(await publish(nat, w.teacher.token, hw(w, d, { kind: 'practical', title: '手工', minutes: 180 })), 201);
});

test('HW-5 all kinds: with the district cap, exactly at it passes; a minute over is refused citing HW-5, nothing stored', async () => {
  const w = await world(dist, { grade: 2, subject: '语文' });
  const d = schoolDay(addDays(today, 1));
  expectStatus(await publish(dist, w.teacher.token, hw(w, d, { minutes: 40 })), 201);
  const e = expectStatus(await publish(dist, w.teacher.token, hw(w, d, { kind: 'practical', title: '手工', minutes: 21 })), 422, 'daily_total_over_limit').error;
  assert.deepEqual([e.rule, e.limit_minutes, e.all_minutes, e.requested_minutes, e.remaining_minutes, e.kind], ['HW-5', 60, 40, 21, 20, 'practical']);
  assert.match(e.message, /各类作业合计 60 分钟上限\(HW-5\)/);
  const en = expectStatus(await dist.api('POST', '/api/v1/homework', hw(w, d, { kind: 'oral', minutes: 21 }), w.teacher.token, { 'Accept-Language': 'en' }), 422, 'daily_total_over_limit').error;
  assert.match(en.message, /daily total of homework of every kind/);
  let b = expectStatus(await dist.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${d}`, undefined, w.teacher.token), 200);
  assert.equal(b.items.length, 1, 'the refusal stored nothing');
  expectStatus(await publish(dist, w.teacher.token, hw(w, d, { kind: 'practical', title: '手工', minutes: 20 })), 201);
  expectStatus(await publish(dist, w.teacher.token, hw(w, d, { kind: 'oral', title: '背诵', minutes: 1 })), 422, 'daily_total_over_limit');
  // another day is another budget
  expectStatus(await publish(dist, w.teacher.token, hw(w, schoolDay(addDays(d, 1)), { minutes: 60 })), 201);
  // grades 3-6: written and reading together, 90
  const w4 = await world(dist, { grade: 4, subject: '语文' });
  expectStatus(await publish(dist, w4.teacher.token, hw(w4, d, { kind: 'written', title: '练习', minutes: 60 })), 201);
  expectStatus(await publish(dist, w4.teacher.token, hw(w4, d, { minutes: 31 })), 422, 'daily_total_over_limit');
  expectStatus(await publish(dist, w4.teacher.token, hw(w4, d, { minutes: 30 })), 201);
  // the written cap still speaks first for written work
  const e2 = expectStatus(await publish(dist, w4.teacher.token, hw(w4, d, { kind: 'written', minutes: 1 })), 422, 'homework_over_limit').error;
  assert.equal(e2.rule, 'HW-2');
  // a grade leader moving an item onto a full day is refused too
  const w5 = await world(dist, { grade: 2, subject: '语文' });
  const full = schoolDay(addDays(today, 7));
  expectStatus(await publish(dist, w5.teacher.token, hw(w5, full, { minutes: 60 })), 201);
  const one = expectStatus(await publish(dist, w5.teacher.token, hw(w5, d, { minutes: 1 })), 201);
  const A = await dist.admin();
  const u = expectStatus(await dist.api('POST', '/api/v1/users', { username: 'gl' + w5.n, password: 'password-123', name: '年级组长', roles: [{ role: 'grade_leader', school_id: w5.school.id, grade: 2 }] }, A), 201);
  const gl = await dist.login('gl' + w5.n, 'password-123');
  expectStatus(await dist.api('POST', `/api/v1/homework/${one.id}/adjust`, { date: full, reason: '统筹' }, gl), 422, 'daily_total_over_limit');
  assert.ok(u.id);
});

test('HW-5 relabelled: reported time exactly the threshold past the written estimate is not flagged; a minute more is', async () => {
  const s = nat;
  const w = await world(s, { grade: 2, subject: '语文' });
  const y = today; // feedback is taken on the day of the homework or later
  const a = expectStatus(await publish(s, w.teacher.token, hw(w, y, { minutes: 30 })), 201);
  const rel = async (token = w.schoolAdmin.token) => expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/relabelled?from=${y}&to=${y}`, undefined, token), 200);
  const fb = (id, minutes) => s.api('POST', `/api/v1/homework/${id}/feedback`, { student_id: w.student.id, minutes_spent: minutes, completed: true }, w.guardian.token);
  expectStatus(await fb(a.id, 60), 201); // written 0, reported 60: exactly 60 past
  let r = await rel();
  assert.deepEqual([r.total, r.rule, r.excess_minutes], [0, 'HW-5', 60]);
  expectStatus(await fb(a.id, 61), 201); // a correction: 61 past
  r = await rel();
  assert.equal(r.total, 1);
  assert.deepEqual([r.items[0].class_id, r.items[0].date, r.items[0].written_minutes, r.items[0].other_minutes, r.items[0].reported_minutes, r.items[0].reported_items], [w.cls.id, y, 0, 30, 61, 1]);
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/relabelled`, undefined, w.teacher.token), 403);
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/relabelled`, undefined, w.guardian.token), 403);
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/relabelled?from=${y}&to=${addDays(y, -1)}`, undefined, w.schoolAdmin.token), 400);
});

test('HW-8 per pupil and class-wide 面批; HW-10 bedtime reports reach the teacher the next morning; HW-8 flags per teacher after the policy days', async () => {
  const s = dist; // its own clock moves; the national server keeps TODAY
  const A = await s.admin();
  const w = await world(s, { grade: 4, subject: '数学' });
  const st2 = expectStatus(await s.api('POST', '/api/v1/students', { class_id: w.cls.id, name: '第二名学生', student_no: 'X' + w.n }, A), 201);
  const a = expectStatus(await publish(s, w.teacher.token, hw(w, today, { subject: '数学', kind: 'written', title: '口算', minutes: 20 })), 201);
  const b = expectStatus(await publish(s, w.teacher.token, hw(w, today, { subject: '数学', kind: 'written', title: '应用题', minutes: 20 })), 201);
  const c = expectStatus(await publish(s, w.teacher.token, hw(w, today, { subject: '数学', kind: 'written', title: '订正', minutes: 10 })), 201);
  const marks = (id, body, token = w.teacher.token) => s.api('POST', `/api/v1/homework/${id}/marks`, body, token);
  // per pupil: one of two is not yet the item
  let m = expectStatus(await marks(a.id, { student_ids: [w.student.id], face: true }), 200);
  assert.deepEqual([m.pupils, m.marked_pupils, m.complete, m.class_wide], [2, 1, false, false]);
  m = expectStatus(await marks(a.id, { student_ids: [w.student.id] }), 200); // again: kept once
  assert.equal(m.marked_pupils, 1);
  m = expectStatus(await marks(a.id, { student_ids: [st2.id] }), 200);
  assert.deepEqual([m.marked_pupils, m.complete], [2, true]);
  // class-wide 面批
  m = expectStatus(await marks(b.id, { class_wide: true }), 200);
  assert.deepEqual([m.class_wide, m.complete], [true, true]);
  // refusals: a pupil of another class, both or neither, someone else's item, bad ids
  const other = await world(s, { grade: 4 });
  expectStatus(await marks(c.id, { student_ids: [other.student.id] }), 400);
  expectStatus(await marks(c.id, { student_ids: [w.student.id], class_wide: true }), 400);
  expectStatus(await marks(c.id, {}), 400);
  expectStatus(await marks(c.id, { student_ids: [] }), 400);
  expectStatus(await marks(c.id, { student_ids: ['x'] }), 400);
  expectStatus(await marks(c.id, { class_wide: true }, other.teacher.token), 403);
  expectStatus(await marks(c.id, { class_wide: true }, w.guardian.token), 403);
  const m0 = expectStatus(await marks(c.id, { student_ids: [st2.id] }), 200);
  assert.equal(m0.marked_pupils, 1, 'the refused requests stored nothing');

  // HW-10: the family stops at bedtime on the evening of `today`
  expectStatus(await s.api('POST', `/api/v1/homework/${c.id}/feedback`, { student_id: w.student.id, minutes_spent: 50, completed: false, bedtime: true }, w.guardian.token), 201);
  const bed = async (token, q = '') => expectStatus(await s.api('GET', `/api/v1/homework/bedtime${q}`, undefined, token), 200);
  let bt = await bed(w.teacher.token);
  assert.deepEqual([bt.total, bt.date, bt.homework_date, bt.prompt], [0, today, addDays(today, -1), null], 'not the same day');
  bt = await bed(w.teacher.token, `?date=${addDays(today, 1)}`);
  assert.equal(bt.total, 1);

  const un = async (token) => expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/unmarked/teachers`, undefined, token), 200);
  const on = async (day) => {
    await s.stop({ keep: true });
    s.env = { ...s.env, ...clockEnv(day) };
    s.adminToken = undefined;
    await s.start(['--policy', file]);
    assert.equal((await s.api('GET', '/api/v1/clock')).body.today, day);
    return { teacher: await s.login('te' + w.n, 'password-123'), admin: await s.login('sa' + w.n, 'password-123') };
  };
  // the next morning: the teacher sees the report and the prompt; one day is not yet HW-8's two
  let t = await on(addDays(today, 1));
  bt = await bed(t.teacher);
  assert.deepEqual([bt.total, bt.rule, bt.homework_date], [1, 'HW-10', today]);
  const it = bt.items[0];
  assert.deepEqual([it.homework_id, it.student_id, it.minutes_spent, it.title, it.class_id], [c.id, w.student.id, 50, '订正', w.cls.id]);
  assert.match(bt.prompt, /1 名学生到就寝时间仍未完成.*HW-10.*调整今天的作业量/);
  assert.equal((await bed(await s.login('te' + other.n, 'password-123'))).total, 0, 'another teacher sees none');
  expectStatus(await s.api('GET', '/api/v1/homework/bedtime', undefined, await s.login('gu' + w.n, 'password-123')), 403);
  let u = await un(t.admin);
  assert.deepEqual([u.total, u.days, u.rule], [0, 2, 'HW-8'], 'one day after: not flagged yet');
  // two days after (the policy's days): flagged, per teacher; the marked items are not
  t = await on(addDays(today, 2));
  u = await un(t.admin);
  assert.equal(u.total, 1);
  assert.deepEqual([u.items[0].teacher_id, u.items[0].items, u.items[0].oldest_date, u.items[0].classes], [w.teacher.id, 1, today, 1]);
  expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/homework/unmarked/teachers`, undefined, t.teacher), 403);
  assert.equal((await bed(t.teacher)).total, 0, 'the day after next: gone from the morning list');
  // the last pupil marked: the flag goes
  expectStatus(await s.api('POST', `/api/v1/homework/${c.id}/marks`, { student_ids: [w.student.id] }, t.teacher), 200);
  assert.equal((await un(t.admin)).total, 0);
});

test('HW-5 all kinds under concurrency: teachers publishing at once never pass the cap together', async () => {
  const w = await world(dist, { grade: 1, subject: '语文' });
  const d = schoolDay(addDays(today, 14));
  const rs = await Promise.all(Array.from({ length: 9 }, (_, i) => publish(dist, w.teacher.token, hw(w, d, { title: '朗读' + i, kind: i % 2 ? 'oral' : 'reading', minutes: 10 }))));
  assert.equal(rs.filter((r) => r.status === 201).length, 6, JSON.stringify(rs.map((r) => r.status)));
  for (const r of rs) if (r.status !== 201) assert.equal(r.body.error.code, 'daily_total_over_limit');
  const b = expectStatus(await dist.api('GET', `/api/v1/classes/${w.cls.id}/homework?date=${d}`, undefined, w.teacher.token), 200);
  assert.equal(b.items.reduce((t, x) => t + x.minutes, 0), 60);
});

test('HW-8 under concurrency: every pupil marked at once completes the item once', async () => {
  const s = nat;
  const A = await s.admin();
  const w = await world(s, { grade: 4, subject: '数学' });
  const more = [];
  for (let i = 0; i < 5; i++) more.push(expectStatus(await s.api('POST', '/api/v1/students', { class_id: w.cls.id, name: '学生' + i, student_no: `C${i}_${w.n}` }, A), 201).id);
  const it = expectStatus(await publish(s, w.teacher.token, hw(w, today, { subject: '数学', kind: 'written', title: '练习', minutes: 10 })), 201);
  const all = [w.student.id, ...more];
  const rs = await Promise.all(all.map((id) => s.api('POST', `/api/v1/homework/${it.id}/marks`, { student_ids: [id] }, w.teacher.token)));
  for (const r of rs) expectStatus(r, 200);
  assert.equal(rs.filter((r) => r.body.complete).length >= 1, true);
  assert.deepEqual(rs.map((r) => r.body.marked_pupils).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6], 'each request saw the ones before it');
  const item = expectStatus(await s.api('GET', `/api/v1/homework/${it.id}`, undefined, w.teacher.token), 200);
  assert.equal(item.marked, true);
});
