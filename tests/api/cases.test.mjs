// Cases through the API (API.md "Complaints, tip-offs, inspections and enforcement"): public
// tip-offs with their tracking code and secret, CS-1's due dates over the district calendar,
// CS-2's rate limit (429 with Retry-After) and sealed tipster, routing, a guardian's complaints
// and reopening, assigning, replies, closing, rewards, scopes. Penalties, enforcement,
// inspections, photos and the ledger: cases_enforce.test.mjs and cases_inspect.test.mjs.
// Dates come from the server (a case's arrived_on), never from this machine's clock; a date
// in the past is made by writing the row as someone with the database files would.
// Runs on SQLite and, with SJ_PG_URL, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectStatus, world } from './lib.mjs';
import { institution, contract, mkUser, sqlDirect } from './funds_world.mjs';
import { addDays, workingDaysAfter, tipper } from './cases_world.mjs';

let s, A, I, tip;
before(async () => {
  s = await startServer(['--trust-proxy', '127.0.0.1']);
  A = await s.admin();
  I = (await mkUser(s, A, [{ role: 'inspector' }], 'insp')).token;
  tip = tipper(s);
});
after(async () => { await s.stop(); });

const get = async (path, token, status = 200) => expectStatus(await s.api('GET', path, undefined, token), status);
const post = async (path, body, token, status = 200, code) => expectStatus(await s.api('POST', path, body, token), status, code);

test('a tip-off: 201 with a code and a secret; its tipster reads status and public replies; 404 alike for a wrong secret and an unknown code', async () => {
  const w = await world(s);
  const t = await tip({ category: 'homework_overload', text: '四年级每天作业要写到晚上十点半', school_id: w.school.id, anonymous: true });
  assert.match(t.tracking_code, /^[1-9][0-9]{11}$/);
  assert.match(t.secret, /^[2-9A-HJ-NP-Z]{16}$/);
  assert.equal(typeof t.case_id, 'number');
  const c = await get(`/api/v1/cases/${t.case_id}`, I);
  // CS-1: 15 working days after the day it arrived; init's database marks no holidays
  assert.equal(t.due_date, workingDaysAfter(c.arrived_on, 15));
  assert.equal(c.due_date, t.due_date);
  const st = await get(`/api/v1/tips/${t.tracking_code}?secret=${t.secret}`);
  assert.equal(st.status, 'assigned');
  assert.equal(st.due_date, t.due_date);
  assert.deepEqual(st.replies, []);
  // the same 404 for a wrong secret, a missing one, an unknown code, a code of the wrong length
  // (the last character changed: a secret that ends in X gets a Y)
  const wrong = await s.api('GET', `/api/v1/tips/${t.tracking_code}?secret=${t.secret.slice(0, 15)}${t.secret.endsWith('X') ? 'Y' : 'X'}`);
  const none = await s.api('GET', `/api/v1/tips/${t.tracking_code}`);
  const unknown = await s.api('GET', `/api/v1/tips/${t.tracking_code === '100000000000' ? '100000000001' : '100000000000'}?secret=${t.secret}`);
  const short = await s.api('GET', `/api/v1/tips/12345?secret=${t.secret}`);
  for (const r of [wrong, none, unknown, short]) {
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, wrong.body);
  }
  // public replies only
  await post(`/api/v1/cases/${t.case_id}/replies`, { text: '内部:已电话联系班主任', public: false }, w.schoolAdmin.token, 201);
  await post(`/api/v1/cases/${t.case_id}/replies`, { text: '学校已调整作业量,每日书面作业不超过60分钟', public: true }, w.schoolAdmin.token, 201);
  const st2 = await get(`/api/v1/tips/${t.tracking_code}?secret=${t.secret}`);
  assert.equal(st2.status, 'answered');
  assert.equal(st2.replies.length, 1);
  assert.equal(st2.replies[0].text, '学校已调整作业量,每日书面作业不超过60分钟');
  assert.match(st2.replies[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  assert.ok(!JSON.stringify(st2).includes('内部'));
});

test('a tip-off: bad fields are 400 and store nothing', async () => {
  const w = await world(s);
  const before = (await get('/api/v1/cases?limit=1', A)).total;
  const ok = { category: 'disguised_training', text: '小区里有人一对一补课', place: '城关镇文化路1号', anonymous: true };
  const bad = [
    [{ ...ok, category: undefined }, 'category', 'missing_field'],
    [{ ...ok, category: 'noise' }, 'category', 'invalid_field'],
    [{ ...ok, text: '' }, 'text', 'missing_field'],
    [{ ...ok, text: '举'.repeat(2001) }, 'text', 'invalid_field'],
    [{ ...ok, place: undefined }, 'place', 'missing_field'],
    [{ ...ok, anonymous: undefined }, 'anonymous', 'missing_field'],
    [{ ...ok, anonymous: false }, 'name', 'missing_field'],
    [{ ...ok, anonymous: false, name: '张三' }, 'phone', 'missing_field'],
    [{ ...ok, anonymous: false, name: '张三', phone: '12345678901' }, 'phone', 'invalid_field'],
    [{ ...ok, school_id: 999999 }, 'school_id', 'invalid_field'],
    [{ ...ok, institution_id: 999999 }, 'institution_id', 'invalid_field'],
    [{ ...ok, school_id: 'x' }, 'school_id', 'invalid_field'],
  ];
  for (const [body, field, code] of bad) {
    const r = await tip(body, { status: 400 });
    assert.equal(r.error.code, code, JSON.stringify([body, r]));
    assert.equal(r.error.field, field, JSON.stringify(r));
    assert.match(r.error.message, /[\u4e00-\u9fff]/, 'a Chinese message');
  }
  assert.equal((await s.api('POST', '/api/v1/tips', '{"category":', undefined, { 'Content-Type': 'application/json' })).status, 400);
  assert.equal((await get('/api/v1/cases?limit=1', A)).total, before);
  // the exact limit of the text passes
  await tip({ ...ok, text: '举'.repeat(2000), school_id: w.school.id });
});

test('CS-1: due dates skip the district\'s holidays and count its make-up workdays', async () => {
  const w = await world(s);
  const first = await tip({ category: 'exam_ranking', text: '月考后公布了全年级排名', school_id: w.school.id, anonymous: true });
  const arrived = (await get(`/api/v1/cases/${first.case_id}`, I)).arrived_on;
  // the next three working days become holidays; the next Saturday a make-up workday (inside a
  // term the district enters)
  const marks = {};
  let d = arrived;
  for (let k = 0; k < 3;) { d = addDays(d, 1); if (new Date(d + 'T00:00:00Z').getUTCDay() % 6 !== 0) { marks[d] = 'holiday'; k++; } }
  let sat = addDays(arrived, 1);
  while (new Date(sat + 'T00:00:00Z').getUTCDay() !== 6) sat = addDays(sat, 1);
  sat = addDays(sat, 7); // clear of the holidays
  marks[sat] = 'workday';
  const y = Number(sat.slice(0, 4));
  for (const Y of [y - 1, y]) {
    await post('/api/v1/calendar/terms', { term: `${Y}-autumn`, first_day: `${Y}-08-01`, last_day: `${Y + 1}-01-31` }, A, 201);
    await post('/api/v1/calendar/terms', { term: `${Y + 1}-spring`, first_day: `${Y + 1}-02-01`, last_day: `${Y + 1}-07-31` }, A, 201);
  }
  await post('/api/v1/calendar/terms', { term: `${y}-spring`, first_day: `${y}-02-01`, last_day: `${y}-07-31` }, A, 201);
  for (const [date, kind] of Object.entries(marks)) await post('/api/v1/calendar/holidays', { date, kind, name: kind === 'holiday' ? '测试假日' : '调休上班' }, A, 201);
  try {
    const t = await tip({ category: 'exam_ranking', text: '又公布了排名', school_id: w.school.id, anonymous: true });
    const c = await get(`/api/v1/cases/${t.case_id}`, I);
    assert.equal(c.arrived_on, arrived, 'the test ran across midnight in Beijing; run it again');
    assert.equal(t.due_date, workingDaysAfter(arrived, 15, marks));
    assert.notEqual(t.due_date, first.due_date);
    // three days off and one Saturday worked: two working days later than before
    assert.equal(t.due_date, workingDaysAfter(first.due_date, 2));
  } finally {
    for (const date of Object.keys(marks)) await s.api('DELETE', `/api/v1/calendar/holidays?date=${date}`, undefined, A);
  }
});

test('CS-2: at most 20 tips an hour from one address, then 429 with Retry-After; from one phone too', async () => {
  const addr = '203.0.113.7';
  const body = { category: 'off_hours_training', text: '周末还在上数学课', place: '东湖小区', anonymous: true };
  for (let i = 0; i < 20; i++) await tip(body, { addr });
  const r = await s.api('POST', '/api/v1/tips', body, undefined, { 'X-Forwarded-For': addr });
  assert.equal(r.status, 429);
  assert.equal(r.body.error.code, 'too_many_tips');
  assert.equal(r.body.error.rule, 'CS-2');
  assert.equal(r.body.error.limit, 20);
  const after = Number(r.headers.get('retry-after'));
  assert.ok(after >= 1 && after <= 3600, String(after));
  assert.equal(r.body.error.retry_after_s, after);
  // another address is not slowed down
  await tip(body, { addr: '203.0.113.8' });
  // one phone over many addresses
  const named = { ...body, anonymous: false, name: '李四', phone: '139 0000 1111' };
  for (let i = 0; i < 20; i++) await tip(named, { addr: `198.51.100.${i + 1}` });
  const p = await s.api('POST', '/api/v1/tips', { ...named, phone: '13900001111' }, undefined, { 'X-Forwarded-For': '198.51.100.99' });
  assert.equal(p.status, 429, JSON.stringify(p.body));
  assert.ok(Number(p.headers.get('retry-after')) >= 1);
  // the addresses and phones are kept only as keyed hashes: not in the audit log either
  const rows = sqlDirect(s, "SELECT key_hash FROM tip_rate").out;
  assert.ok(!rows.includes('203.0.113') && !rows.includes('13900001111'));
  const audit = sqlDirect(s, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'POST /api/v1/tips%'").out.trim();
  assert.ok(Number(audit) >= 20, audit);
  assert.equal(sqlDirect(s, "SELECT COUNT(*) FROM audit_log WHERE ip LIKE '203.0.113%' OR ip LIKE '198.51.100%'").out.trim(), '0');
  assert.ok(!sqlDirect(s, 'SELECT * FROM cases').out.includes('13900001111'), 'the phone is sealed');
});

test('CS-2: 40 tips at once from one address: exactly 20 pass, none lost', async () => {
  const addr = '192.0.2.77';
  const body = { category: 'unlicensed_training', text: '无证培训点', place: '金沙路8号', anonymous: true };
  const rs = await Promise.all(Array.from({ length: 40 }, () => s.api('POST', '/api/v1/tips', body, undefined, { 'X-Forwarded-For': addr })));
  const ok = rs.filter((r) => r.status === 201);
  assert.equal(ok.length, 20, rs.map((r) => r.status).join(','));
  assert.ok(rs.filter((r) => r.status !== 201).every((r) => r.status === 429));
  for (const r of ok) expectStatus(await s.api('GET', `/api/v1/tips/${r.body.tracking_code}?secret=${r.body.secret}`), 200);
  assert.equal(new Set(ok.map((r) => r.body.case_id)).size, 20);
});

test('CS-2: the tipster is masked for district staff, hidden from the school, revealed only in an audited step', async () => {
  const w = await world(s);
  const t = await tip({ category: 'homework_overload', text: '周末作业太多', school_id: w.school.id, anonymous: false, name: '王小明', phone: '138-1234-5678' });
  const c = await get(`/api/v1/cases/${t.case_id}`, I);
  assert.deepEqual(c.tipster, { anonymous: false, name: '王**', phone: '138****5678' });
  assert.deepEqual((await get(`/api/v1/cases/${t.case_id}`, A)).tipster, c.tipster);
  const sc = await get(`/api/v1/cases/${t.case_id}`, w.schoolAdmin.token);
  assert.equal(sc.tipster, undefined);
  assert.ok(!JSON.stringify(sc).includes('5678') && !JSON.stringify(sc).includes('王'));
  await get(`/api/v1/cases/${t.case_id}/tipster`, w.schoolAdmin.token, 403);
  const clear = await get(`/api/v1/cases/${t.case_id}/tipster`, I);
  assert.deepEqual([clear.name, clear.phone], ['王小明', '13812345678']);
  const audit = await get('/api/v1/audit?limit=50', A);
  assert.ok(audit.items.some((x) => x.action === 'reveal tipster' && x.target_id === t.case_id), JSON.stringify(audit.items.slice(0, 3)));
  const after = await get(`/api/v1/cases/${t.case_id}`, I);
  assert.ok(after.history.some((h) => h.action === 'tipster_revealed'));
  // an anonymous tip has nobody to reveal; a name sent with anonymous: true is not kept
  const anon = await tip({ category: 'other', text: '其他问题', school_id: w.school.id, anonymous: true, name: '赵六', phone: '13700000000' });
  assert.deepEqual((await get(`/api/v1/cases/${anon.case_id}`, I)).tipster, { anonymous: true });
  await get(`/api/v1/cases/${anon.case_id}/tipster`, I, 404);
  assert.ok(!sqlDirect(s, `SELECT * FROM cases WHERE id = ${anon.case_id}`).out.includes('赵'));
});

test('routing: school categories go to the named school\'s admin, the rest to the inspectors; lists by scope and filter', async () => {
  const w = await world(s), v = await world(s);
  const { inst } = await institution(s);
  const hw = await tip({ category: 'afterschool_fee', text: '课后服务收费超标', school_id: w.school.id, anonymous: true });
  const tr = await tip({ category: 'refund_refused', text: '机构不退费', institution_id: inst.id, anonymous: true });
  const noSchool = await tip({ category: 'homework_overload', text: '不知道哪个学校', place: '西山', anonymous: true });
  assert.equal(hw.status, 'assigned');
  assert.equal(tr.status, 'open');
  assert.equal(noSchool.status, 'open');
  // the school admin sees what is assigned to the school, nothing else
  const mine = await get('/api/v1/cases', w.schoolAdmin.token);
  assert.deepEqual(mine.items.map((x) => x.id), [hw.case_id]);
  assert.equal(mine.items[0].overdue, false);
  await get(`/api/v1/cases/${tr.case_id}`, w.schoolAdmin.token, 403);
  await get(`/api/v1/cases/${hw.case_id}`, v.schoolAdmin.token, 403);
  await get(`/api/v1/cases?school_id=${w.school.id}`, v.schoolAdmin.token, 403);
  await get(`/api/v1/cases?institution_id=${inst.id}`, w.schoolAdmin.token, 403);
  for (const who of [w.teacher.token, w.guardian.token]) {
    await get('/api/v1/cases', who, 403);
    await get(`/api/v1/cases/${hw.case_id}`, who, 403);
  }
  // the inspectors' filters
  const byInst = await get(`/api/v1/cases?institution_id=${inst.id}`, I);
  assert.deepEqual(byInst.items.map((x) => x.id), [tr.case_id]);
  const bySchool = await get(`/api/v1/cases?school_id=${w.school.id}&status=assigned`, I);
  assert.deepEqual(bySchool.items.map((x) => x.id), [hw.case_id]);
  for (const x of (await get('/api/v1/cases?status=open&limit=500', I)).items) assert.equal(x.status, 'open');
  await get('/api/v1/cases?status=nonsense', I, 400);
  await get('/api/v1/cases?school_id=x', I, 400);
  // an inspector hands a case on: to a school, or to a colleague
  await post(`/api/v1/cases/${noSchool.case_id}/assign`, { school_id: v.school.id }, I);
  assert.deepEqual((await get('/api/v1/cases', v.schoolAdmin.token)).items.map((x) => x.id), [noSchool.case_id]);
  const colleague = await mkUser(s, A, [{ role: 'inspector' }], 'insp2');
  const moved = await post(`/api/v1/cases/${noSchool.case_id}/assign`, { user_id: colleague.id }, I);
  assert.equal(moved.assigned_user_id, colleague.id);
  await post(`/api/v1/cases/${noSchool.case_id}/assign`, { user_id: w.guardian.id }, I, 400);
  await post(`/api/v1/cases/${noSchool.case_id}/assign`, {}, I, 400);
  await post(`/api/v1/cases/${noSchool.case_id}/assign`, { school_id: 999999 }, I, 400);
  await post(`/api/v1/cases/${noSchool.case_id}/assign`, { school_id: v.school.id }, w.schoolAdmin.token, 403);
});

test('overdue: a case past its due date is flagged in the lists and counted per school; the due date itself is not late', async () => {
  const w = await world(s);
  const a = await tip({ category: 'homework_overload', text: '作业多', school_id: w.school.id, anonymous: true });
  const b = await tip({ category: 'homework_overload', text: '作业多二', school_id: w.school.id, anonymous: true });
  const arrived = (await get(`/api/v1/cases/${a.case_id}`, I)).arrived_on;
  sqlDirect(s, `UPDATE cases SET due_date = '${addDays(arrived, -1)}' WHERE id = ${a.case_id}`);
  sqlDirect(s, `UPDATE cases SET due_date = '${arrived}' WHERE id = ${b.case_id}`);
  const list = await get(`/api/v1/cases?school_id=${w.school.id}`, I);
  const flag = Object.fromEntries(list.items.map((x) => [x.id, x.overdue]));
  assert.deepEqual([flag[a.case_id], flag[b.case_id]], [true, false]);
  const od = await get(`/api/v1/cases?overdue=true&school_id=${w.school.id}`, I);
  assert.deepEqual(od.items.map((x) => x.id), [a.case_id]);
  assert.deepEqual((await get('/api/v1/cases?overdue=true', w.schoolAdmin.token)).items.map((x) => x.id), [a.case_id]);
  const card = await get('/api/v1/cases/overdue-by-school', A);
  const row = card.items.find((x) => x.school_id === w.school.id);
  assert.deepEqual([row.overdue, row.open], [1, 2]);
  assert.ok(card.overdue >= 1);
  await get('/api/v1/cases/overdue-by-school', w.schoolAdmin.token, 403);
  // closing it clears the flag
  await post(`/api/v1/cases/${a.case_id}/close`, { outcome: 'substantiated', text: '已整改' }, I);
  assert.equal((await get(`/api/v1/cases/${a.case_id}`, I)).overdue, false);
  assert.equal((await get('/api/v1/cases/overdue-by-school', A)).items.find((x) => x.school_id === w.school.id), undefined);
});

test('a guardian\'s complaint: own pupil and contract only; "我的投诉" shows their own; replies, close, reopen once within 30 days', async () => {
  const w = await world(s), v = await world(s);
  const { course, inst } = await institution(s);
  const ct = await contract(s, w, course, 10);
  const mine = await post('/api/v1/complaints', { category: 'homework_overload', text: '孩子每天写作业到十点', student_id: w.student.id }, w.guardian.token, 201);
  const c = await get(`/api/v1/cases/${mine.id}`, I);
  assert.deepEqual([c.source, c.school_id, c.status, c.assigned_school_id], ['complaint', w.school.id, 'assigned', w.school.id]);
  assert.equal(mine.due_date, workingDaysAfter(c.arrived_on, 15));
  const refund = await post('/api/v1/complaints', { category: 'refund_refused', text: '申请退费一个月没有退', contract_id: ct.id }, w.guardian.token, 201);
  assert.equal((await get(`/api/v1/cases/${refund.id}`, I)).institution_id, inst.id);
  // another family's pupil or contract: 403; bad fields 400
  await post('/api/v1/complaints', { category: 'homework_overload', text: 'x', student_id: v.student.id }, w.guardian.token, 403);
  await post('/api/v1/complaints', { category: 'refund_refused', text: 'x', contract_id: ct.id }, v.guardian.token, 403);
  await post('/api/v1/complaints', { category: 'bad', text: 'x' }, w.guardian.token, 400);
  await post('/api/v1/complaints', { category: 'other', text: 'x' }, w.teacher.token, 403);
  // 我的投诉
  const list = await get('/api/v1/complaints', w.guardian.token);
  assert.deepEqual(list.items.map((x) => x.id).sort(), [mine.id, refund.id].sort());
  assert.equal((await get('/api/v1/complaints', v.guardian.token)).total, 0);
  await get(`/api/v1/complaints/${mine.id}`, v.guardian.token, 403);
  await get(`/api/v1/cases/${mine.id}`, w.guardian.token, 403);
  // the school answers; the guardian reads it, not the internal note
  await post(`/api/v1/cases/${mine.id}/replies`, { text: '已约谈数学老师', public: false }, w.schoolAdmin.token, 201);
  await post(`/api/v1/cases/${mine.id}/replies`, { text: '已减少四年级数学作业', public: true }, w.schoolAdmin.token, 201);
  let g = await get(`/api/v1/complaints/${mine.id}`, w.guardian.token);
  assert.equal(g.status, 'answered');
  assert.deepEqual(g.replies.map((x) => x.text), ['已减少四年级数学作业']);
  assert.equal(g.can_reopen, true);
  await post(`/api/v1/cases/${mine.id}/replies`, { text: 'x', public: true }, v.schoolAdmin.token, 403);
  await post(`/api/v1/cases/${mine.id}/replies`, { text: 'x' }, w.schoolAdmin.token, 400);
  // close; a public reply after closing is refused, a note is not
  const closed = await post(`/api/v1/cases/${mine.id}/close`, { outcome: 'substantiated', text: '情况属实,已整改' }, I);
  assert.deepEqual([closed.status, closed.outcome], ['closed', 'substantiated']);
  await post(`/api/v1/cases/${mine.id}/close`, { outcome: 'substantiated', text: 'again' }, I, 409, 'case_closed');
  await post(`/api/v1/cases/${mine.id}/close`, { outcome: 'maybe', text: 'x' }, A, 400);
  await post(`/api/v1/cases/${mine.id}/close`, { outcome: 'substantiated', text: 'x' }, w.schoolAdmin.token, 403);
  await post(`/api/v1/cases/${mine.id}/replies`, { text: '补充', public: true }, I, 409, 'case_closed');
  await post(`/api/v1/cases/${mine.id}/replies`, { text: '内部备注', public: false }, I, 201);
  // the guardian reopens once; the second time is refused with CS-1's numbers
  await post(`/api/v1/cases/${mine.id}/reopen`, { text: '作业还是很多' }, v.guardian.token, 403);
  const re = await post(`/api/v1/cases/${mine.id}/reopen`, { text: '作业还是很多' }, w.guardian.token);
  assert.equal(re.status, 'assigned');
  const after = await get(`/api/v1/cases/${mine.id}`, I);
  assert.equal(after.reopened, 1);
  assert.equal(after.outcome, null);
  assert.equal(after.due_date, workingDaysAfter(c.arrived_on, 15)); // a fresh deadline from the reopening day
  await post(`/api/v1/cases/${mine.id}/replies`, { text: '再次调整', public: true }, w.schoolAdmin.token, 201);
  await post(`/api/v1/cases/${mine.id}/close`, { outcome: 'substantiated', text: '已再次整改' }, I);
  const twice = await post(`/api/v1/cases/${mine.id}/reopen`, { text: '还是不满意' }, w.guardian.token, 422, 'reopen_not_allowed');
  assert.deepEqual([twice.error.rule, twice.error.reopened, twice.error.reopen_times], ['CS-1', 1, 1]);
  g = await get(`/api/v1/complaints/${mine.id}`, w.guardian.token);
  assert.equal(g.can_reopen, false);
  // district staff may reopen whenever they need to
  await post(`/api/v1/cases/${mine.id}/reopen`, { text: '复查' }, I);
  // an open case is not reopened
  const open = await post('/api/v1/complaints', { category: 'other', text: '其他' }, w.guardian.token, 201);
  await post(`/api/v1/cases/${open.id}/reopen`, { text: 'x' }, w.guardian.token, 409, 'case_not_answered');
});

test('CS-1: the guardian reopens within 30 days of the answer, not on the 31st', async () => {
  const w = await world(s);
  const mk = async () => {
    const c = await post('/api/v1/complaints', { category: 'exam_ranking', text: '公布了排名', student_id: w.student.id }, w.guardian.token, 201);
    await post(`/api/v1/cases/${c.id}/close`, { outcome: 'unsubstantiated', text: '经查不属实' }, I);
    return c;
  };
  const a = await mk(), b = await mk();
  const closedOn = (await get(`/api/v1/cases/${a.id}`, I)).closed_on;
  sqlDirect(s, `UPDATE cases SET closed_on = '${addDays(closedOn, -30)}' WHERE id = ${a.id}`);
  sqlDirect(s, `UPDATE cases SET closed_on = '${addDays(closedOn, -31)}' WHERE id = ${b.id}`);
  assert.equal((await get(`/api/v1/complaints/${a.id}`, w.guardian.token)).can_reopen, true);
  assert.equal((await get(`/api/v1/complaints/${b.id}`, w.guardian.token)).can_reopen, false);
  await post(`/api/v1/cases/${a.id}/reopen`, { text: '不满意' }, w.guardian.token);
  const late = await post(`/api/v1/cases/${b.id}/reopen`, { text: '不满意' }, w.guardian.token, 422, 'reopen_not_allowed');
  assert.deepEqual([late.error.rule, late.error.days, late.error.reopen_within_days], ['CS-1', 31, 30]);
});

test('CS-2: a reward for a substantiated tip, within the district\'s bounds, once', async () => {
  const w = await world(s);
  const t = await tip({ category: 'disguised_training', text: '酒店房间里办补习班', place: '凤鸣大酒店', anonymous: true });
  await post(`/api/v1/cases/${t.case_id}/reward`, { amount_fen: 50000 }, I, 422, 'reward_not_allowed');
  await post(`/api/v1/cases/${t.case_id}/close`, { outcome: 'substantiated', text: '查实,已取缔' }, I);
  const low = await post(`/api/v1/cases/${t.case_id}/reward`, { amount_fen: 19999 }, I, 422, 'reward_out_of_range');
  assert.deepEqual([low.error.rule, low.error.min_fen, low.error.max_fen], ['CS-2', 20000, 1000000]);
  await post(`/api/v1/cases/${t.case_id}/reward`, { amount_fen: 1000001 }, I, 422, 'reward_out_of_range');
  await post(`/api/v1/cases/${t.case_id}/reward`, { amount_fen: 20000 }, w.schoolAdmin.token, 403);
  const r = await post(`/api/v1/cases/${t.case_id}/reward`, { amount_fen: 20000, text: '举报属实,按规定奖励' }, I, 201);
  assert.equal(r.amount_fen, 20000);
  await post(`/api/v1/cases/${t.case_id}/reward`, { amount_fen: 20000 }, A, 409, 'reward_exists');
  // the tipster sees it with their code
  assert.equal((await get(`/api/v1/tips/${t.tracking_code}?secret=${t.secret}`)).reward_fen, 20000);
  // a complaint is not a tip-off
  const c = await post('/api/v1/complaints', { category: 'other', text: '其他' }, w.guardian.token, 201);
  await post(`/api/v1/cases/${c.id}/close`, { outcome: 'substantiated', text: '属实' }, I);
  await post(`/api/v1/cases/${c.id}/reward`, { amount_fen: 20000 }, I, 422, 'reward_not_allowed');
});

test('the history records every change with who and when; it cannot be rewritten', async () => {
  const w = await world(s);
  const t = await tip({ category: 'homework_overload', text: '作业多', school_id: w.school.id, anonymous: true });
  await post(`/api/v1/cases/${t.case_id}/replies`, { text: '已核实', public: true }, w.schoolAdmin.token, 201);
  await post(`/api/v1/cases/${t.case_id}/close`, { outcome: 'referred', text: '转区教研室' }, I);
  const c = await get(`/api/v1/cases/${t.case_id}`, I);
  assert.deepEqual(c.history.map((h) => h.action), ['filed', 'assigned', 'replied', 'closed']);
  assert.deepEqual(c.history.map((h) => h.status), ['open', 'assigned', 'answered', 'closed']);
  assert.equal(c.history[0].actor_role, 'public');
  assert.equal(c.history[2].actor_id, w.schoolAdmin.id);
  assert.equal(c.history[3].detail.outcome, 'referred');
  for (const h of c.history) assert.equal(typeof h.at, 'number');
  assert.equal(sqlDirect(s, `UPDATE case_history SET action = 'x' WHERE case_id = ${t.case_id}`).ok, false);
  assert.equal(sqlDirect(s, `DELETE FROM case_history WHERE case_id = ${t.case_id}`).ok, false);
});

test('an inspector opens a case; English words when asked', async () => {
  const c = await post('/api/v1/cases', { category: 'wage_arrears', text: '某机构拖欠教师工资三个月', place: '河口镇' }, I, 201);
  assert.deepEqual([c.source, c.status], ['inspector', 'open']);
  const r = await s.api('POST', `/api/v1/cases/${c.id}/close`, { outcome: 'nope', text: 'x' }, I, { 'Accept-Language': 'en' });
  assert.equal(r.status, 400);
  assert.doesNotMatch(r.body.error.message, /[\u4e00-\u9fff]/);
  await post('/api/v1/cases', { category: 'wage_arrears', text: 'x' }, (await world(s)).schoolAdmin.token, 403);
});
