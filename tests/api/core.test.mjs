// API.md "Commands" and "Sessions and people": every row, with its refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, world, expectStatus, ADMIN_PASSWORD, run, Server, TODAY, addDays } from './lib.mjs';

let s, A;
before(async () => { s = await startServer(); A = await s.admin(); });
after(async () => { await s.stop(); });

test('login: right password gives a token and the user with roles; wrong gives 401', async () => {
  const ok = expectStatus(await s.api('POST', '/api/v1/session', { username: 'admin', password: ADMIN_PASSWORD }), 200);
  assert.match(ok.token, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(ok.user.roles, [{ role: 'district_admin' }]);
  assert.equal(ok.user.username, 'admin');
  assert.ok(ok.user.permissions.includes('core:school:add'), 'the menus need no second call');
  expectStatus(await s.api('POST', '/api/v1/session', { username: 'admin', password: 'wrong-password' }), 401, 'invalid_credentials');
  expectStatus(await s.api('POST', '/api/v1/session', { username: 'nobody', password: 'wrong-password' }), 401, 'invalid_credentials');
});

test('lock-out: the 6th attempt after 5 failures is 429, even with the right password', async () => {
  const { id } = expectStatus(await s.api('POST', '/api/v1/users', { username: 'locky', password: 'password-123', name: '锁定', roles: [{ role: 'inspector' }] }, A), 201);
  assert.ok(id);
  for (let i = 0; i < 5; i++)
    expectStatus(await s.api('POST', '/api/v1/session', { username: 'locky', password: 'bad-' + i }), 401, 'invalid_credentials');
  const res = await s.api('POST', '/api/v1/session', { username: 'locky', password: 'password-123' });
  const r = expectStatus(res, 429, 'too_many_attempts');
  assert.ok(r.error.message.length > 0);
  // API.md: the 429 says when to come back, in seconds (the rest of the 15 minutes)
  assert.ok(Number(res.headers.get('retry-after')) > 15 * 60 - 10 && Number(res.headers.get('retry-after')) <= 15 * 60, res.headers.get('retry-after'));
  // another user is not affected
  expectStatus(await s.api('POST', '/api/v1/session', { username: 'admin', password: ADMIN_PASSWORD }), 200);
});

test('logout: 204 and the token no longer works', async () => {
  const t = await s.login('admin', ADMIN_PASSWORD);
  expectStatus(await s.api('GET', '/api/v1/me', undefined, t), 200);
  expectStatus(await s.api('DELETE', '/api/v1/session', undefined, t), 204);
  expectStatus(await s.api('GET', '/api/v1/me', undefined, t), 401, 'unauthenticated');
});

test('no token or a forged token: 401 on every non-public route', async () => {
  expectStatus(await s.api('GET', '/api/v1/me'), 401, 'unauthenticated');
  expectStatus(await s.api('GET', '/api/v1/me', undefined, 'x'.repeat(43)), 401, 'unauthenticated');
  expectStatus(await s.api('POST', '/api/v1/schools', { name: '无权', kind: 'primary' }), 401);
});

test('me answers the user with roles and permissions', async () => {
  const me = expectStatus(await s.api('GET', '/api/v1/me', undefined, A), 200);
  assert.equal(me.username, 'admin');
  assert.ok(me.permissions.includes('core:school:add'));
});

test('schools: district_admin creates (201); a teacher cannot (403); bad kind (400)', async () => {
  const w = await world(s);
  const sc = expectStatus(await s.api('POST', '/api/v1/schools', { name: '北辰小学', kind: 'nine_year', rural: true }, A), 201);
  assert.ok(sc.id > 0);
  assert.equal(sc.rural, true);
  expectStatus(await s.api('POST', '/api/v1/schools', { name: '越权小学', kind: 'primary' }, w.teacher.token), 403, 'forbidden');
  expectStatus(await s.api('POST', '/api/v1/schools', { name: '越权小学', kind: 'primary' }, w.schoolAdmin.token), 403);
  const bad = expectStatus(await s.api('POST', '/api/v1/schools', { name: '错类型', kind: 'college' }, A), 400, 'invalid_field');
  assert.equal(bad.error.field, 'kind');
  expectStatus(await s.api('POST', '/api/v1/schools', { name: '北辰小学', kind: 'primary' }, A), 409, 'conflict');
});

test('classes: school admin of that school (201), of another school (403), grade out of range (400)', async () => {
  const w1 = await world(s), w2 = await world(s);
  const c = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w1.school.id, grade: 3, name: '3年级2班' }, w1.schoolAdmin.token), 201);
  assert.equal(c.grade, 3);
  expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w2.school.id, grade: 3, name: '3年级2班' }, w1.schoolAdmin.token), 403);
  expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w1.school.id, grade: 10, name: 'x' }, A), 400, 'invalid_field');
  expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w1.school.id, grade: 0, name: 'x' }, A), 400, 'invalid_field');
  // a primary school has no grade 7
  expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w1.school.id, grade: 7, name: '7年级1班' }, A), 400, 'invalid_field');
  expectStatus(await s.api('POST', '/api/v1/classes', { school_id: 999999, grade: 3, name: 'x' }, A), 404);
  const list = expectStatus(await s.api('GET', `/api/v1/schools/${w1.school.id}/classes`, undefined, w1.teacher.token), 200);
  assert.deepEqual(list.items.map((x) => x.name), ['3年级2班', '4年级1班']);
  assert.equal(list.total, 2);
  expectStatus(await s.api('GET', `/api/v1/schools/${w2.school.id}/classes`, undefined, w1.teacher.token), 403);
});

test('users: 409 username_taken; roles only inside the granter\'s scope', async () => {
  const w1 = await world(s), w2 = await world(s);
  const body = (username, roles) => ({ username, password: 'password-123', name: '新用户', roles });
  expectStatus(await s.api('POST', '/api/v1/users', body('dup1', [{ role: 'guardian' }]), A), 201);
  expectStatus(await s.api('POST', '/api/v1/users', body('dup1', [{ role: 'guardian' }]), A), 409, 'username_taken');
  // a school admin may create teachers of their school ...
  expectStatus(await s.api('POST', '/api/v1/users', body('t-own' + w1.n, [{ role: 'teacher', school_id: w1.school.id }]), w1.schoolAdmin.token), 201);
  // ... not of another school, and never a district admin
  expectStatus(await s.api('POST', '/api/v1/users', body('t-other' + w1.n, [{ role: 'teacher', school_id: w2.school.id }]), w1.schoolAdmin.token), 403);
  expectStatus(await s.api('POST', '/api/v1/users', body('boss' + w1.n, [{ role: 'district_admin' }]), w1.schoolAdmin.token), 403);
  // a teacher may create nobody
  expectStatus(await s.api('POST', '/api/v1/users', body('x' + w1.n, [{ role: 'guardian' }]), w1.teacher.token), 403);
  expectStatus(await s.api('POST', '/api/v1/users', body('bad role', [{ role: 'guardian' }]), A), 400);
  expectStatus(await s.api('POST', '/api/v1/users', body('norole' + w1.n, [{ role: 'king' }]), A), 400);
  expectStatus(await s.api('POST', '/api/v1/users', { ...body('short' + w1.n, [{ role: 'guardian' }]), password: 'short' }, A), 400);
});

test('teaching assignment: the teacher teaches that subject in that class', async () => {
  const w = await world(s);
  const mine = expectStatus(await s.api('GET', '/api/v1/me/classes', undefined, w.teacher.token), 200);
  assert.deepEqual(mine.items.map((x) => [x.class_id, x.subject]), [[w.cls.id, '数学']]);
  const t = expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/teachers`, undefined, w.schoolAdmin.token), 200);
  assert.equal(t.items[0].user_id, w.teacher.id);
  expectStatus(await s.api('POST', `/api/v1/classes/${w.cls.id}/teachers`, { user_id: w.teacher.id, subject: '数学' }, A), 409);
  // a guardian cannot be assigned to teach
  expectStatus(await s.api('POST', `/api/v1/classes/${w.cls.id}/teachers`, { user_id: w.guardian.id, subject: '语文' }, A), 400);
});

test('students: list in student_no order; other school 403; duplicate student_no 409', async () => {
  const w = await world(s), w2 = await world(s);
  for (const no of ['Z9' + w.n, 'A1' + w.n, 'M5' + w.n])
    expectStatus(await s.api('POST', '/api/v1/students', { class_id: w.cls.id, name: '学生' + no, student_no: no }, w.schoolAdmin.token), 201);
  const list = expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/students`, undefined, w.teacher.token), 200);
  const nos = list.items.map((x) => x.student_no);
  assert.deepEqual(nos, [...nos].sort());
  assert.equal(list.total, 4);
  assert.deepEqual(Object.keys(list.items[0]).sort(), ['gender', 'id', 'name', 'student_no']);
  expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/students`, undefined, w2.schoolAdmin.token), 403);
  expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/students`, undefined, w2.teacher.token), 403);
  expectStatus(await s.api('POST', '/api/v1/students', { class_id: w.cls.id, name: '重复', student_no: 'A1' + w.n }, A), 409, 'student_no_taken');
  expectStatus(await s.api('POST', '/api/v1/students', { class_id: w2.cls.id, name: '越权', student_no: 'X' + w.n }, w.schoolAdmin.token), 403);
  // the guardian sees their own child, not a classmate, and not the class list
  expectStatus(await s.api('GET', `/api/v1/students/${w.student.id}`, undefined, w.guardian.token), 200);
  expectStatus(await s.api('GET', `/api/v1/students/${list.items.find((x) => x.id !== w.student.id).id}`, undefined, w.guardian.token), 403);
  expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/students`, undefined, w.guardian.token), 403);
  const kids = expectStatus(await s.api('GET', '/api/v1/me/children', undefined, w.guardian.token), 200);
  assert.deepEqual(kids.items.map((k) => k.id), [w.student.id]);
});

test('guardians: link (201), twice (409), by another school (403)', async () => {
  const w = await world(s), w2 = await world(s);
  const g = expectStatus(await s.api('POST', '/api/v1/users', { username: 'gx' + w.n, password: 'password-123', name: '家长', roles: [{ role: 'guardian' }] }, A), 201);
  expectStatus(await s.api('POST', `/api/v1/students/${w.student.id}/guardians`, { user_id: g.id }, w.schoolAdmin.token), 201);
  expectStatus(await s.api('POST', `/api/v1/students/${w.student.id}/guardians`, { user_id: g.id }, w.schoolAdmin.token), 409);
  expectStatus(await s.api('POST', `/api/v1/students/${w.student.id}/guardians`, { user_id: g.id }, w2.schoolAdmin.token), 403);
  const st = expectStatus(await s.api('GET', `/api/v1/students/${w.student.id}`, undefined, w.schoolAdmin.token), 200);
  assert.equal(st.guardians.length, 2);
});

test('bad input: malformed JSON, wrong types, missing fields, bad UTF-8, huge body, absurd numbers', async () => {
  expectStatus(await s.api('POST', '/api/v1/schools', '{"name":', A), 400, 'bad_json');
  expectStatus(await s.api('POST', '/api/v1/schools', '[1,2]', A), 400, 'bad_request');
  expectStatus(await s.api('POST', '/api/v1/schools', { name: 12, kind: 'primary' }, A), 400, 'invalid_field');
  const miss = expectStatus(await s.api('POST', '/api/v1/schools', { kind: 'primary' }, A), 400, 'missing_field');
  assert.equal(miss.error.field, 'name');
  expectStatus(await s.api('POST', '/api/v1/schools', { name: '   ', kind: 'primary' }, A), 400, 'missing_field');
  expectStatus(await s.api('POST', '/api/v1/schools', { name: 'x'.repeat(101), kind: 'primary' }, A), 400, 'invalid_field');
  expectStatus(await s.api('POST', '/api/v1/schools', Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), A), 400, 'bad_utf8');
  expectStatus(await s.api('POST', '/api/v1/schools', '{"name":"' + 'x'.repeat(2 << 20) + '"}', A), 413, 'body_too_large');
  expectStatus(await s.api('POST', '/api/v1/classes', { school_id: 1, grade: 1e300, name: 'x' }, A), 400);
  expectStatus(await s.api('POST', '/api/v1/classes', { school_id: -5, grade: 3, name: 'x' }, A), 400);
  expectStatus(await s.api('POST', '/api/v1/schools', '{"name":"a","name":"b","kind":"primary"}', A), 400, 'bad_json');
  expectStatus(await s.api('GET', '/api/v1/schools?limit=100000', undefined, A), 400);
  expectStatus(await s.api('GET', '/api/v1/schools?limit=abc', undefined, A), 400);
  expectStatus(await s.api('GET', '/api/v1/nothing-here', undefined, A), 404, 'no_route');
  expectStatus(await s.api('PATCH', '/api/v1/schools', {}, A), 405);
  expectStatus(await s.api('GET', '/api/v1/schools/99999999999999999999/classes', undefined, A), 404);
  // still serving
  expectStatus(await s.api('GET', '/api/v1/me', undefined, A), 200);
});

test('English on request', async () => {
  const r = await s.api('GET', '/api/v1/me', undefined, undefined, { 'Accept-Language': 'en-US' });
  assert.equal(r.body.error.message, 'Please log in');
  const zh = await s.api('GET', '/api/v1/me');
  assert.equal(zh.body.error.message, '请先登录');
});

test('lists take limit and offset and answer items + total', async () => {
  for (let i = 0; i < 3; i++) await world(s);
  const all = expectStatus(await s.api('GET', '/api/v1/schools?limit=500', undefined, A), 200);
  const page = expectStatus(await s.api('GET', '/api/v1/schools?limit=2&offset=1', undefined, A), 200);
  assert.equal(page.total, all.total);
  assert.deepEqual(page.items.map((x) => x.id), all.items.slice(1, 3).map((x) => x.id));
});

test('writes are audited with who, what, when and where; the audit is searchable', async () => {
  const w = await world(s);
  const a = expectStatus(await s.api('GET', `/api/v1/audit?user_id=${1}&action=schools&limit=500`, undefined, A), 200);
  assert.ok(a.items.some((x) => x.action === 'POST /api/v1/schools' && x.target_id === w.school.id && x.ip === '127.0.0.1' && x.at.endsWith('+08:00')));
  expectStatus(await s.api('GET', '/api/v1/audit', undefined, w.schoolAdmin.token), 403);
  // dates are days in +08:00: today (the test clock's) holds the row, yesterday does not
  const today = TODAY, yesterday = addDays(TODAY, -1);
  const d = expectStatus(await s.api('GET', `/api/v1/audit?from=${today}&to=${today}&action=schools`, undefined, A), 200);
  assert.ok(d.items.some((x) => x.target_id === w.school.id));
  const y = expectStatus(await s.api('GET', `/api/v1/audit?from=${yesterday}&to=${yesterday}&action=schools`, undefined, A), 200);
  assert.equal(y.total, 0);
  expectStatus(await s.api('GET', '/api/v1/audit?from=2026-13-01', undefined, A), 400);
});

test('a teacher reading pupils of a class they do not teach is audited', async () => {
  const w = await world(s);
  const other = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w.school.id, grade: 5, name: '5年级9班' }, A), 201);
  expectStatus(await s.api('GET', `/api/v1/classes/${other.id}/students`, undefined, w.teacher.token), 200);
  const a = expectStatus(await s.api('GET', `/api/v1/audit?user_id=${w.teacher.id}&action=read`, undefined, A), 200);
  assert.ok(a.items.some((x) => x.action === 'read class students' && x.target_id === other.id), JSON.stringify(a.items));
  // reading their own class is not
  expectStatus(await s.api('GET', `/api/v1/classes/${w.cls.id}/students`, undefined, w.teacher.token), 200);
  const b = expectStatus(await s.api('GET', `/api/v1/audit?user_id=${w.teacher.id}&action=read`, undefined, A), 200);
  assert.equal(b.total, 1);
});

test('keep-alive: many requests reuse one connection', async () => {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set();
  for (let i = 0; i < 5; i++) {
    await new Promise((res, rej) => {
      const rq = http.request(s.url + '/api/v1/me', { agent, headers: { Authorization: 'Bearer ' + A } }, (rs) => {
        sockets.add(rq.socket);
        assert.notEqual(rs.headers.connection, 'close');
        rs.resume();
        rs.on('end', res);
      });
      rq.on('error', rej);
      rq.end();
    });
  }
  agent.destroy();
  assert.equal(sockets.size, 1);
});

test('commands: --version, bad usage exits 2, a failing init exits 1', async () => {
  const v = await run(['--version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^shuangjian \d+\.\d+\.\d+/);
  assert.equal((await run(['serve'])).code, 2);
  assert.equal((await run(['frobnicate', '--db', 'sqlite:/tmp/x'])).code, 2);
  const bad = await run(['init', '--db', 'mysql://x', '--admin', 'a'], 'password-123\n');
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const nopw = await run(['init', '--db', 'sqlite:/tmp/never.db', '--admin', 'a'], '');
  assert.equal(nopw.code, 1);
});
