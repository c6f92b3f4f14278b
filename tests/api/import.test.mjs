// Roster import (API.md row POST /api/v1/imports/students): CSV and XLSX as the registry
// exports them, all or nothing, row-by-row errors in Chinese.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, world, expectStatus } from './lib.mjs';
import { makeXlsx, REGISTRY_HEADER, registryRow, cnId } from './xlsx.mjs';

let s, A;
before(async () => { s = await startServer(); A = await s.admin(); });
after(async () => { await s.stop(); });

const csv = (rows) => rows.map((r) => r.map((v) => /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v).join(',')).join('\r\n') + '\r\n';
const count = async (w) => (await s.api('GET', `/api/v1/schools/${w.school.id}/classes`, undefined, A)).body;

test('a clean XLSX imports classes, pupils and guardians; a sibling\'s parent is linked, not made twice', async () => {
  const w = await world(s);
  const rows = [REGISTRY_HEADER];
  for (let i = 1; i <= 30; i++) rows.push(registryRow(1000 + i, { cls: i <= 15 ? '3' : '4' }));
  // pupil 31 is the sibling of pupil 1: same parent phone
  rows.push(registryRow(1031, { cls: '4', phone: rows[1][12] }));
  // pupil 32 has two guardians
  rows.push(registryRow(1032, { cls: '4', phone2: '16612345678' }));
  const r = expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, makeXlsx(rows), w.schoolAdmin.token), 200);
  assert.deepEqual(r, { classes_created: 2, students_created: 32, guardians_created: 32 });
  const classes = await count(w);
  const c3 = classes.items.find((c) => c.name === '3班' && c.grade === 4);
  assert.equal(c3.students, 15);
  const list = expectStatus(await s.api('GET', `/api/v1/classes/${c3.id}/students`, undefined, w.schoolAdmin.token), 200);
  const st = expectStatus(await s.api('GET', `/api/v1/students/${list.items[0].id}`, undefined, w.schoolAdmin.token), 200);
  assert.match(st.guardians[0].phone_masked, /^139\*\*\*\*\d{4}$/);
  assert.match(st.id_masked, /^110105\*{8}\d{3}[\dX]$/);
});

test('the same roster as CSV in GBK also imports', async () => {
  const w = await world(s);
  const rows = [REGISTRY_HEADER];
  for (let i = 1; i <= 5; i++) rows.push(registryRow(2000 + i));
  const text = csv(rows);
  // GBK bytes through iconv are not available in node; use UTF-8 with a BOM here (GBK is unit-tested in C)
  const r = expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, '\ufeff' + text, w.schoolAdmin.token), 200);
  assert.equal(r.students_created, 5);
});

test('a bad check digit, a missing name and a bad phone: 422 with every row, and nothing stored', async () => {
  const w = await world(s);
  const before = (await count(w)).total;
  const rows = [REGISTRY_HEADER];
  for (let i = 1; i <= 40; i++) rows.push(registryRow(3000 + i));
  rows[36][6] = rows[36][6].slice(0, 17) + (rows[36][6][17] === '1' ? '2' : '1'); // row 37: check digit
  rows[10][2] = '';                                                           // row 11: no name
  rows[20][12] = '12012345678';                                               // row 21: not a mobile
  const r = expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, makeXlsx(rows), w.schoolAdmin.token), 422, 'import_rejected');
  const find = (row, column) => r.error.rows.find((e) => e.row === row && e.column === column);
  assert.ok(find(37, '身份证件号'), JSON.stringify(r.error.rows));
  assert.match(find(37, '身份证件号').message, /校验/);
  assert.ok(find(11, '姓名'));
  assert.ok(r.error.rows.some((e) => e.row === 21));
  assert.equal((await count(w)).total, before, 'nothing stored');
  const kids = await s.api('GET', `/api/v1/schools/${w.school.id}`, undefined, A);
  assert.equal(kids.status, 200);
});

test('importing the same file twice: the second is refused row by row, nothing doubled', async () => {
  const w = await world(s);
  const rows = [REGISTRY_HEADER, registryRow(4001), registryRow(4002)];
  expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, makeXlsx(rows), w.schoolAdmin.token), 200);
  const again = expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, makeXlsx(rows), w.schoolAdmin.token), 422, 'import_rejected');
  assert.deepEqual(again.error.rows.map((e) => [e.row, e.column]), [[2, '学籍辅号'], [3, '学籍辅号']]);
  const cls = (await count(w)).items.find((c) => c.name === '3班');
  assert.equal(cls.students, 2);
});

test('refusals: another school\'s admin 403, a teacher 403, not a spreadsheet 422, grades the school lacks 422', async () => {
  const w = await world(s), w2 = await world(s);
  const rows = [REGISTRY_HEADER, registryRow(5001)];
  expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, makeXlsx(rows), w2.schoolAdmin.token), 403);
  expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, makeXlsx(rows), w.teacher.token), 403);
  expectStatus(await s.api('POST', `/api/v1/imports/students`, makeXlsx(rows), A), 400);
  const junk = expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 1, 2, 3]), A), 422, 'import_rejected');
  assert.ok(junk.error.rows[0].message.length > 0);
  const seventh = [REGISTRY_HEADER, registryRow(5002, { grade: '初一' })];
  const g = expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, makeXlsx(seventh), A), 422, 'import_rejected');
  assert.equal(g.error.rows[0].column, '年级');
});

test('header aliases and grade codes are accepted', async () => {
  const w = await world(s);
  const header = ['学生姓名', '性别', '证件类型', '身份证号', '年级名称', '班级', '全国学籍号', '家庭成员1姓名', '家庭成员1手机', '家庭成员1是否监护人'];
  const rows = [header, ['李明', '1', '1', cnId('320102', '20140305', 7), '14', '2', 'X0001', '李强', '+86 138-0013-8000', '是']];
  const r = expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, makeXlsx(rows), A), 200);
  assert.equal(r.students_created, 1);
  const cls = (await count(w)).items.find((c) => c.grade === 4 && c.name === '2班');
  assert.ok(cls);
});

test('teacher roster: accounts, phones sealed, assignments to classes; an unknown class rejects the file', async () => {
  const w = await world(s);
  // classes 4年级1班 exists (world); make 四年级2班 and 五年级1班 too
  expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w.school.id, grade: 4, name: '2班' }, A), 201);
  expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w.school.id, grade: 5, name: '1班' }, A), 201);
  const header = ['教职工编号', '教师姓名', '手机号码', '任教科目', '任教班级', '职称', '教师资格证书编号'];
  const bad = [header, ['T001', '王芳', '13800138001', '语文、英语', '四年级2班、五年级9班', '一级教师', '']];
  const rej = expectStatus(await s.api('POST', `/api/v1/imports/teachers?school_id=${w.school.id}`, makeXlsx(bad), w.schoolAdmin.token), 422, 'import_rejected');
  assert.deepEqual(rej.error.rows.map((e) => [e.row, e.column]), [[2, '任教班级']], 'one error per class, not per subject');
  assert.equal(rej.error.errors_total, 1);
  assert.match(rej.error.rows[0].message, /五年级9班/);
  const good = [header, ['T001', '王芳', '13800138001', '语文', '四年级2班、五年级1班', '一级教师', ''],
    ['T002', '李强', '139-0013-8002', '数学;科学', '四年级2班', '', '']];
  const r = expectStatus(await s.api('POST', `/api/v1/imports/teachers?school_id=${w.school.id}`, makeXlsx(good), w.schoolAdmin.token), 200);
  assert.deepEqual(r, { teachers_created: 2, teachers_linked: 0, assignments_created: 4 });
  const cls = (await count(w)).items.find((c) => c.grade === 4 && c.name === '2班');
  const t = expectStatus(await s.api('GET', `/api/v1/classes/${cls.id}/teachers`, undefined, w.schoolAdmin.token), 200);
  assert.deepEqual(t.items.map((x) => x.subject).sort(), ['数学', '科学', '语文'].sort());
  // the same file again links the same people, creates nobody
  const again = expectStatus(await s.api('POST', `/api/v1/imports/teachers?school_id=${w.school.id}`, makeXlsx(good), w.schoolAdmin.token), 200);
  assert.equal(again.teachers_created, 0);
  assert.equal(again.teachers_linked, 2);
  assert.equal(again.assignments_created, 0, 'nothing new was stored');
  const staff = expectStatus(await s.api('GET', `/api/v1/users?school_id=${w.school.id}&role=teacher`, undefined, w.schoolAdmin.token), 200);
  const wang = staff.items.find((u) => u.name === '王芳');
  assert.equal(wang.phone_masked, '138****8001');
  assert.equal(wang.username, `t${w.school.id}-T001`);
});

test('a staff number whose account name is taken is a row error, later rows are still checked, and nothing is stored', async () => {
  const w = await world(s);
  const header = ['教职工编号', '教师姓名', '手机号码', '任教科目', '任教班级'];
  expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w.school.id, grade: 4, name: '3班' }, A), 201);
  // another account already holds the name the importer would give T009
  expectStatus(await s.api('POST', '/api/v1/users', { username: `t${w.school.id}-T009`, password: 'password-123', name: '占用者',
    roles: [{ role: 'teacher', school_id: w.school.id }] }, A), 201);
  const file = [header, ['T009', '赵敏', '13800139009', '语文', '四年级3班'], ['T010', '钱进', '13800139010', '数学', '四年级9班'],
    ['T011', '孙立', '13800139011', '数学', '四年级3班']];
  const rej = expectStatus(await s.api('POST', `/api/v1/imports/teachers?school_id=${w.school.id}`, makeXlsx(file), w.schoolAdmin.token), 422, 'import_rejected');
  // the taken name did not end the transaction: the class of the next row is checked too (on PostgreSQL as well)
  assert.deepEqual(rej.error.rows.map((e) => [e.row, e.column]), [[2, '工号'], [3, '任教班级']]);
  assert.equal(rej.error.errors_total, 2);
  const staff = expectStatus(await s.api('GET', `/api/v1/users?school_id=${w.school.id}&role=teacher`, undefined, w.schoolAdmin.token), 200);
  assert.deepEqual(staff.items.filter((u) => ['赵敏', '钱进', '孙立'].includes(u.name)), [], 'nothing stored');
});
