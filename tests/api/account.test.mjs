// Accounts: own password change, admins setting passwords (imported guardians), revealing a
// phone number with an audit row, the health check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, world, expectStatus } from './lib.mjs';
import { makeXlsx, REGISTRY_HEADER, registryRow } from './xlsx.mjs';

let s, A;
before(async () => { s = await startServer(); A = await s.admin(); });
after(async () => { await s.stop(); });

test('health is public and names the store', async () => {
  const h = expectStatus(await s.api('GET', '/api/v1/health'), 200);
  assert.equal(h.ok, true);
  assert.ok(['sqlite', 'postgresql'].includes(h.store));
});

test('own password: the old one is required; afterwards only the new one works and old sessions end', async () => {
  const w = await world(s);
  expectStatus(await s.api('PUT', '/api/v1/me/password', { old_password: 'wrong-pass', new_password: 'new-password-1' }, w.teacher.token), 401, 'invalid_credentials');
  expectStatus(await s.api('PUT', '/api/v1/me/password', { old_password: 'password-123', new_password: 'short' }, w.teacher.token), 400);
  expectStatus(await s.api('PUT', '/api/v1/me/password', { old_password: 'password-123', new_password: 'new-password-1' }, w.teacher.token), 204);
  expectStatus(await s.api('GET', '/api/v1/me', undefined, w.teacher.token), 401);
  expectStatus(await s.api('POST', '/api/v1/session', { username: 'te' + w.n, password: 'password-123' }), 401);
  await s.login('te' + w.n, 'new-password-1');
});

test('an imported guardian cannot log in until the school sets a password; another school cannot', async () => {
  const w = await world(s), w2 = await world(s);
  const rows = [REGISTRY_HEADER, registryRow(7001)];
  expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, makeXlsx(rows), w.schoolAdmin.token), 200);
  const username = 'p' + rows[1][9];
  expectStatus(await s.api('POST', '/api/v1/session', { username, password: 'anything-at-all' }), 401);
  const users = expectStatus(await s.api('GET', '/api/v1/users?limit=500&role=guardian', undefined, A), 200);
  const g = users.items.find((u) => u.username === username);
  expectStatus(await s.api('POST', `/api/v1/users/${g.id}/password`, { password: 'family-pass-1' }, w2.schoolAdmin.token), 403);
  expectStatus(await s.api('POST', `/api/v1/users/${g.id}/password`, { password: 'family-pass-1' }, w.teacher.token), 403);
  expectStatus(await s.api('POST', `/api/v1/users/${g.id}/password`, { password: 'family-pass-1' }, w.schoolAdmin.token), 204);
  // the school can tell the family which login name the password goes with
  const list = expectStatus(await s.api('GET', `/api/v1/schools/${w.school.id}/classes`, undefined, w.schoolAdmin.token), 200);
  const pupils = expectStatus(await s.api('GET', `/api/v1/classes/${list.items.find((c) => c.name === '3班').id}/students`, undefined, w.schoolAdmin.token), 200);
  const st = expectStatus(await s.api('GET', `/api/v1/students/${pupils.items.find((p) => p.student_no === rows[1][9]).id}`, undefined, w.schoolAdmin.token), 200);
  assert.equal(st.guardians[0].username, username);
  const me = expectStatus(await s.api('GET', '/api/v1/me', undefined, w.schoolAdmin.token), 200);
  assert.ok(me.permissions.includes('core:user:password'));
  const t = await s.login(username, 'family-pass-1');
  const kids = expectStatus(await s.api('GET', '/api/v1/me/children', undefined, t), 200);
  assert.equal(kids.items[0].name, rows[1][2]);
  expectStatus(await s.api('POST', '/api/v1/users/999999/password', { password: 'family-pass-1' }, A), 404);
});

test('revealing a phone number: school admin of the pupil\'s school only, and always audited', async () => {
  const w = await world(s), w2 = await world(s);
  const g = expectStatus(await s.api('POST', '/api/v1/users', { username: 'ph' + w.n, password: 'password-123', name: '家长', phone: '13912345678', roles: [{ role: 'guardian' }] }, A), 201);
  expectStatus(await s.api('POST', `/api/v1/students/${w.student.id}/guardians`, { user_id: g.id }, A), 201);
  expectStatus(await s.api('GET', `/api/v1/users/${g.id}/phone`, undefined, w2.schoolAdmin.token), 403);
  expectStatus(await s.api('GET', `/api/v1/users/${g.id}/phone`, undefined, w.teacher.token), 403);
  const p = expectStatus(await s.api('GET', `/api/v1/users/${g.id}/phone`, undefined, w.schoolAdmin.token), 200);
  assert.equal(p.phone, '13912345678');
  const a = expectStatus(await s.api('GET', `/api/v1/audit?user_id=${w.schoolAdmin.id}&action=reveal`, undefined, A), 200);
  assert.equal(a.total, 1);
  assert.equal(a.items[0].target_id, g.id);
});
