// Inspections (CS-3) of schools and institutions: findings citing POLICY.md's rules (422 for
// one it does not have), each a rectification with its deadline; the school or institution
// reports (text, photos), the inspector passes it or sends it back; overdue flagged; each sees
// only its own. And the ledger (台账) of a period as a workbook read back: Chinese headers,
// numbers as numbers. Runs on SQLite and, with SJ_PG_URL, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectStatus, world } from './lib.mjs';
import { institution, mkUser, sqlDirect } from './funds_world.mjs';
import { addDays, tipper } from './cases_world.mjs';
import { readXlsx } from './xlsx.mjs';
import { jpeg } from './photos.mjs';

let s, A, I, tip, today;
before(async () => {
  s = await startServer(['--trust-proxy', '127.0.0.1']);
  A = await s.admin();
  I = (await mkUser(s, A, [{ role: 'inspector' }], 'insp')).token;
  tip = tipper(s);
  // the server's today: the day a case arrives
  const c = expectStatus(await s.api('POST', '/api/v1/cases', { category: 'other', text: '今天', place: '区教体局' }, I), 201);
  today = c.arrived_on;
});
after(async () => { await s.stop(); });

const get = async (path, token, status = 200) => expectStatus(await s.api('GET', path, undefined, token), status);
const post = async (path, body, token, status = 200, code) => expectStatus(await s.api('POST', path, body, token), status, code);

async function inspectSchool(w, findings) {
  return post('/api/v1/inspections', {
    school_id: w.school.id, date: today, note: '课后服务专项督查',
    findings: findings || [
      { rule: 'HW-2', text: '四年级部分班级书面作业超过60分钟', rectify_by: addDays(today, 14) },
      { rule: 'AS-2', text: '课后服务结束时间早于下班时间', rectify_by: addDays(today, 30) },
    ],
  }, I, 201);
}

test('an inspection with findings: each a rectification citing a rule, with its deadline; an unknown rule is 422', async () => {
  const w = await world(s);
  const x = await inspectSchool(w);
  assert.equal(x.rectifications.length, 2);
  assert.deepEqual(x.rectifications.map((r) => [r.rule, r.status, r.due_date]),
    [['HW-2', 'open', addDays(today, 14)], ['AS-2', 'open', addDays(today, 30)]]);
  assert.equal(typeof x.rectifications[0].id, 'number');
  const bad = await post('/api/v1/inspections', { school_id: w.school.id, date: today, findings: [
    { rule: 'HW-2', text: 'x', rectify_by: today }, { rule: 'HW-12', text: '不存在的条款', rectify_by: today }] }, I, 422, 'unknown_rule');
  assert.deepEqual([bad.error.rule, bad.error.cited, bad.error.index], ['CS-3', 'HW-12', 1]);
  for (const rule of ['hw-2', '', 'CS-5', 'XX-1']) await post('/api/v1/inspections', { school_id: w.school.id, date: today, findings: [{ rule, text: 'x', rectify_by: today }] }, I, 422, 'unknown_rule');
  // bad bodies
  await post('/api/v1/inspections', { school_id: w.school.id, date: today, findings: [] }, I, 400);
  await post('/api/v1/inspections', { school_id: w.school.id, date: today, findings: [{ rule: 'HW-2', text: 'x', rectify_by: addDays(today, -1) }] }, I, 400);
  await post('/api/v1/inspections', { date: today, findings: [{ rule: 'HW-2', text: 'x', rectify_by: today }] }, I, 400);
  await post('/api/v1/inspections', { school_id: w.school.id, institution_id: 1, date: today, findings: [{ rule: 'HW-2', text: 'x', rectify_by: today }] }, I, 400);
  await post('/api/v1/inspections', { school_id: 999999, date: today, findings: [{ rule: 'HW-2', text: 'x', rectify_by: today }] }, I, 400);
  await post('/api/v1/inspections', { school_id: w.school.id, date: today, findings: [{ rule: 'HW-2', text: 'x', rectify_by: today }] }, w.schoolAdmin.token, 403);
  // the district admin inspects too; nothing was stored by the refusals
  await post('/api/v1/inspections', { school_id: w.school.id, date: today, findings: [{ rule: 'EX-3', text: '组织了月考', rectify_by: today }] }, A, 201);
  assert.equal((await get(`/api/v1/inspections?school_id=${w.school.id}`, I)).total, 2);
  const rules = await get('/api/v1/inspections/rules', I);
  assert.ok(rules.items.includes('HW-2') && rules.items.includes('CS-4') && !rules.items.includes('HW-12'));
  assert.equal(rules.rectify_days_default, 30);
});

test('rectification: reported, sent back, reported again, passed; each step once, by the right people', async () => {
  const w = await world(s), v = await world(s);
  const x = await inspectSchool(w);
  const r = x.rectifications[0];
  // the school sees its own, another school does not
  const own = await get('/api/v1/rectifications', w.schoolAdmin.token);
  assert.deepEqual(own.items.map((y) => y.id).sort(), x.rectifications.map((y) => y.id).sort());
  assert.deepEqual(Object.keys(own.items[0]).filter((k) => ['id', 'inspection_id', 'rule', 'status', 'due_date', 'overdue'].includes(k)).length, 6);
  assert.equal((await get('/api/v1/rectifications', v.schoolAdmin.token)).total, 0);
  await get(`/api/v1/rectifications?school_id=${w.school.id}`, v.schoolAdmin.token, 403);
  await get(`/api/v1/rectifications/${r.id}`, v.schoolAdmin.token, 403);
  await get(`/api/v1/inspections/${x.id}`, v.schoolAdmin.token, 403);
  for (const who of [w.teacher.token, w.guardian.token]) await get('/api/v1/rectifications', who, 403);
  // report: the school's admin only, once until reviewed
  await post(`/api/v1/rectifications/${r.id}/report`, { text: 'x' }, v.schoolAdmin.token, 403);
  await post(`/api/v1/rectifications/${r.id}/report`, { text: 'x' }, I, 403);
  await post(`/api/v1/rectifications/${r.id}/report`, {}, w.schoolAdmin.token, 400);
  await post(`/api/v1/rectifications/${r.id}/review`, { passed: true, text: '还没报告' }, I, 409, 'rectification_not_submitted');
  let got = await post(`/api/v1/rectifications/${r.id}/report`, { text: '已统一各班作业量,年级组每日公示' }, w.schoolAdmin.token);
  assert.equal(got.status, 'submitted');
  await post(`/api/v1/rectifications/${r.id}/report`, { text: '再报一次' }, w.schoolAdmin.token, 409, 'rectification_not_open');
  // photos of the report: the school adds, the inspector reads
  const ph = expectStatus(await s.api('POST', `/api/v1/rectifications/${r.id}/photos`, jpeg(), w.schoolAdmin.token, { 'Content-Type': 'image/jpeg' }), 201);
  expectStatus(await s.api('POST', `/api/v1/rectifications/${r.id}/photos`, jpeg(), v.schoolAdmin.token), 403);
  const pic = await fetch(`${s.url}/api/v1/rectifications/${r.id}/photos/${ph.id}`, { headers: { Authorization: 'Bearer ' + I } }).catch((e) => { throw new Error(`photo GET: ${e.cause?.code} ${e.cause?.message}`); });
  assert.equal(pic.status, 200);
  assert.ok(!Buffer.from(await pic.arrayBuffer()).includes('GPS'));
  expectStatus(await s.api('GET', `/api/v1/rectifications/${r.id}/photos/${ph.id}`, undefined, v.schoolAdmin.token), 403);
  expectStatus(await s.api('GET', `/api/v1/rectifications/${x.rectifications[1].id}/photos/${ph.id}`, undefined, I), 404);
  // sent back
  await post(`/api/v1/rectifications/${r.id}/review`, { passed: false, text: 'x' }, w.schoolAdmin.token, 403);
  got = await post(`/api/v1/rectifications/${r.id}/review`, { passed: false, text: '未见公示记录,请补充' }, I);
  assert.deepEqual([got.status, got.returned], ['open', 1]);
  await post(`/api/v1/rectifications/${r.id}/review`, { passed: true, text: 'x' }, I, 409, 'rectification_not_submitted');
  await post(`/api/v1/rectifications/${r.id}/report`, { text: '补充了公示照片' }, w.schoolAdmin.token);
  got = await post(`/api/v1/rectifications/${r.id}/review`, { passed: true, text: '整改到位' }, A);
  assert.equal(got.status, 'passed');
  assert.deepEqual(got.events.map((e) => e.action), ['reported', 'returned', 'reported', 'passed']);
  assert.equal(got.photos.length, 1);
  await post(`/api/v1/rectifications/${r.id}/report`, { text: 'x' }, w.schoolAdmin.token, 409, 'rectification_not_open');
  expectStatus(await s.api('POST', `/api/v1/rectifications/${r.id}/photos`, jpeg(), w.schoolAdmin.token), 409);
  // filters
  assert.deepEqual((await get(`/api/v1/rectifications?school_id=${w.school.id}&status=passed`, I)).items.map((y) => y.id), [r.id]);
  await get('/api/v1/rectifications?status=done', I, 400);
  const insp = await get(`/api/v1/inspections/${x.id}`, w.schoolAdmin.token);
  assert.deepEqual(insp.rectifications.map((y) => y.status), ['passed', 'open']);
  assert.equal(sqlDirect(s, `DELETE FROM rectification_events WHERE rectification_id = ${r.id}`).ok, false);
});

test('an institution\'s inspection: its admin reports, another institution sees nothing', async () => {
  const a = await institution(s), b = await institution(s);
  const x = await post('/api/v1/inspections', { institution_id: a.inst.id, date: today, findings: [
    { rule: 'TR-6', text: '两名教师无教师资格证', rectify_by: addDays(today, 10) },
    { rule: 'FU-2', text: '收取超过60课时费用', rectify_by: addDays(today, 10) }] }, I, 201);
  const mine = await get('/api/v1/rectifications', a.admin.token);
  assert.equal(mine.total, 2);
  assert.equal((await get('/api/v1/rectifications', b.admin.token)).total, 0);
  await get(`/api/v1/rectifications?institution_id=${a.inst.id}`, b.admin.token, 403);
  await get(`/api/v1/rectifications/${x.rectifications[0].id}`, b.admin.token, 403);
  await get(`/api/v1/inspections?institution_id=${a.inst.id}`, b.admin.token, 403);
  assert.equal((await get('/api/v1/inspections', a.admin.token)).total, 1);
  await post(`/api/v1/rectifications/${x.rectifications[0].id}/report`, { text: 'x' }, b.admin.token, 403);
  const got = await post(`/api/v1/rectifications/${x.rectifications[0].id}/report`, { text: '两名教师已停止授课' }, a.admin.token);
  assert.equal(got.status, 'submitted');
});

test('overdue rectifications: open after the deadline; a submitted one waits for the inspector, not late', async () => {
  const w = await world(s);
  const x = await inspectSchool(w, [
    { rule: 'HW-8', text: '作业未全批全改', rectify_by: today },
    { rule: 'HW-9', text: '布置手机作业', rectify_by: today },
    { rule: 'HW-6', text: '要求家长批改作业', rectify_by: today }]);
  const [a, b, c] = x.rectifications.map((r) => r.id);
  await post(`/api/v1/rectifications/${b}/report`, { text: '已停止' }, w.schoolAdmin.token);
  sqlDirect(s, `UPDATE rectifications SET due_date = '${addDays(today, -1)}' WHERE id IN (${a}, ${b})`);
  const all = await get(`/api/v1/rectifications?school_id=${w.school.id}`, I);
  const flag = Object.fromEntries(all.items.map((r) => [r.id, r.overdue]));
  assert.deepEqual([flag[a], flag[b], flag[c]], [true, false, false]);
  assert.deepEqual((await get(`/api/v1/rectifications?overdue=true&school_id=${w.school.id}`, I)).items.map((r) => r.id), [a]);
  assert.deepEqual((await get('/api/v1/rectifications?overdue=true', w.schoolAdmin.token)).items.map((r) => r.id), [a]);
});

test('the ledger (台账) of a period: three sheets, Chinese headers, numbers as numbers; audited; district staff only', async () => {
  const w = await world(s);
  const { inst } = await institution(s, { name: '台账测试培训学校' });
  const t = await tip({ category: 'homework_overload', text: '作业多', school_id: w.school.id, anonymous: true });
  await post(`/api/v1/cases/${t.case_id}/replies`, { text: '已答复', public: true }, w.schoolAdmin.token, 201);
  const k = await post('/api/v1/cases', { category: 'unlicensed_training', text: '无证', institution_id: inst.id }, I, 201);
  await post(`/api/v1/cases/${k.id}/penalties`, { institution_id: inst.id, rule: 'PN-2', illegal_income_fen: 0, fine_fen: 1234567, measures: ['warning'] }, I, 201);
  const x = await inspectSchool(w);
  const res = await fetch(`${s.url}/api/v1/cases/ledger.xlsx?from=${addDays(today, -7)}&to=${today}`, { headers: { Authorization: 'Bearer ' + I } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  assert.match(res.headers.get('content-disposition'), /attachment; filename="cases-ledger-.*\.xlsx"; filename\*=UTF-8''/);
  const book = readXlsx(Buffer.from(await res.arrayBuffer()));
  assert.deepEqual(book.map((sh) => sh.name), ['投诉举报', '督查检查', '整改']);
  const [cases, inspections, rects] = book;
  assert.deepEqual(cases.rows[0].map((c) => c.v).slice(0, 4), ['编号', '受理日期', '来源', '类别']);
  assert.ok(cases.rows[0].every((c) => c.t === 's'));
  const row = cases.rows.find((r) => r && r[0].v === t.case_id);
  assert.equal(row[0].t, 'n');
  assert.equal(row[1].t, 'n', 'a date cell');
  assert.deepEqual([row[2].v, row[3].v, row[4].v, row[8].v], ['群众举报', '作业负担过重', w.school.name, '已答复']);
  assert.deepEqual([row[13].v, row[13].t], [1, 'n']);
  const krow = cases.rows.find((r) => r && r[0].v === k.id);
  assert.deepEqual([krow[5].v, krow[14].v, krow[14].t], ['台账测试培训学校', 12345.67, 'n']);
  assert.deepEqual(inspections.rows[0].map((c) => c.v), ['编号', '督查日期', '督查对象', '对象类型', '说明', '问题数', '已通过复核', '未完成整改']);
  const irow = inspections.rows.find((r) => r && r[0].v === x.id);
  assert.deepEqual([irow[2].v, irow[5].v, irow[5].t, irow[7].v], [w.school.name, 2, 'n', 2]);
  assert.equal(rects.rows[0][3].v, '依据条款');
  assert.ok(rects.rows.some((r) => r && r[0].v === x.rectifications[0].id && r[3].v === 'HW-2' && r[6].v === '待整改'));
  const audit = await get('/api/v1/audit?limit=20', A);
  assert.ok(audit.items.some((a) => a.action === 'export cases ledger'));
  await get(`/api/v1/cases/ledger.xlsx?from=${today}&to=${today}`, w.schoolAdmin.token, 403);
  await get(`/api/v1/cases/ledger.xlsx?from=${today}&to=${addDays(today, -1)}`, I, 400);
  await get('/api/v1/cases/ledger.xlsx?from=2026-01-01', I, 400);
});
