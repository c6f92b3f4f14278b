// Who may take hold of an account (issue 8, part 1): linking as a guardian only a family
// account (the guardian role and no other), setting a password or revealing a phone only by an
// admin whose scope holds every role and every pupil of the account, granting roles only
// inside the granter's scope and district, teaching rows only for the school's own staff, and
// the roster import never linking a staff account as a family. The takeover that was possible
// (a school admin links the district admin as a parent, sets their password, logs in as them)
// is refused at every step. Runs on SQLite, or PostgreSQL with SJ_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, world, expectStatus, ADMIN_PASSWORD, BACKEND, psql } from './lib.mjs';
import { makeXlsx, REGISTRY_HEADER, registryRow } from './xlsx.mjs';
import { institution } from './funds_world.mjs';

let s, A;
before(async () => { s = await startServer(); A = await s.admin(); });
after(async () => { await s?.stop(); });

function sql(stmt) {
  if (BACKEND === 'pg') return psql(s.db.url, stmt).trim();
  return execFileSync('sqlite3', ['-bail', s.db.url.slice(7), stmt], { encoding: 'utf8' }).trim();
}

let seq = 0;
async function user(roles, extra = {}) {
  const username = `as${++seq}_${Math.random().toString(36).slice(2, 6)}`;
  const u = expectStatus(await s.api('POST', '/api/v1/users', { username, password: 'password-123', name: username, roles, ...extra }, A), 201);
  return { id: u.id, username, token: await s.login(username, 'password-123') };
}
const link = (w, userId, token = w.schoolAdmin.token) => s.api('POST', `/api/v1/students/${w.student.id}/guardians`, { user_id: userId }, token);
const setPw = (uid, token, password = 'taken-over-1') => s.api('POST', `/api/v1/users/${uid}/password`, { password }, token);
const phone = (uid, token) => s.api('GET', `/api/v1/users/${uid}/phone`, undefined, token);
const guardiansOf = async (w) => expectStatus(await s.api('GET', `/api/v1/students/${w.student.id}`, undefined, A), 200).guardians.map((g) => g.id);
const rolesOf = async (uid) => {
  const list = expectStatus(await s.api('GET', '/api/v1/users?limit=500', undefined, A), 200);
  return list.items.find((u) => u.id === uid).roles;
};

test('the takeover chain is refused at every step: link the district admin, set their password, log in as them', async () => {
  const w = await world(s);
  const me = expectStatus(await s.api('GET', '/api/v1/me', undefined, A), 200);
  const before = await guardiansOf(w);
  // 1. link the district admin as a parent of one of the school's pupils
  const e = expectStatus(await link(w, me.id), 409, 'not_a_guardian_account').error;
  assert.equal(e.field, 'user_id');
  assert.match(e.message, /家长账号/);
  assert.deepEqual(await guardiansOf(w), before, 'nothing linked');
  assert.deepEqual((await rolesOf(me.id)).map((r) => r.role), ['district_admin'], 'no guardian role gained');
  const en = await s.api('POST', `/api/v1/students/${w.student.id}/guardians`, { user_id: me.id }, w.schoolAdmin.token, { 'Accept-Language': 'en' });
  assert.match(expectStatus(en, 409, 'not_a_guardian_account').error.message, /family account/);
  // 2. set their password anyway
  expectStatus(await setPw(me.id, w.schoolAdmin.token), 403);
  expectStatus(await phone(me.id, w.schoolAdmin.token), 403);
  // 3. log in with it: refused; the admin's own password still works, their session too
  expectStatus(await s.api('POST', '/api/v1/session', { username: 'admin', password: 'taken-over-1' }), 401);
  await s.login('admin', ADMIN_PASSWORD);
  expectStatus(await s.api('GET', '/api/v1/me', undefined, A), 200);
});

test('linking: a family account of the district is linked (a sibling at another school too); staff, admin, mixed, roleless and other-district accounts are not', async () => {
  const w = await world(s), w2 = await world(s);
  const inspector = await user([{ role: 'inspector' }]);
  const before = await guardiansOf(w);
  for (const uid of [w.teacher.id, w2.teacher.id, w2.schoolAdmin.id, w.schoolAdmin.id, inspector.id]) {
    expectStatus(await link(w, uid), 409, 'not_a_guardian_account');
  }
  // an account that somehow holds the guardian role and another one (made before this rule)
  const mixed = await user([{ role: 'guardian' }]);
  sql(`INSERT INTO user_roles (user_id, role, school_id) VALUES (${mixed.id}, 'teacher', ${w2.school.id})`);
  expectStatus(await link(w, mixed.id), 409, 'not_a_guardian_account');
  // an account with no role at all is no family's: refused, and it gains no role
  const bare = await user([{ role: 'guardian' }]);
  sql(`DELETE FROM user_roles WHERE user_id = ${bare.id}`);
  expectStatus(await link(w, bare.id), 409, 'not_a_guardian_account');
  assert.deepEqual(await rolesOf(bare.id), []);
  // no such account, or one of another district: the field is wrong
  expectStatus(await link(w, 99999999), 400);
  sql(`INSERT INTO districts (name, created_at) VALUES ('邻区', 0)`);
  sql(`UPDATE users SET district_id = (SELECT MAX(id) FROM districts) WHERE id = ${bare.id}`);
  sql(`INSERT INTO user_roles (user_id, role) VALUES (${bare.id}, 'guardian')`);
  expectStatus(await link(w, bare.id), 400, 'invalid_field');
  assert.deepEqual(await guardiansOf(w), before, 'nothing linked by the refusals');
  // a family account is linked: the parent of a pupil at another school (a sibling), and a new one
  expectStatus(await link(w, w2.guardian.id), 201);
  const fresh = await user([{ role: 'guardian' }]);
  expectStatus(await link(w, fresh.id), 201);
  expectStatus(await link(w, fresh.id), 409, 'already_linked');
  assert.deepEqual((await guardiansOf(w)).sort((a, b) => a - b), [...before, w2.guardian.id, fresh.id].sort((a, b) => a - b));
  // another school's admin cannot link to this school's pupil at all
  expectStatus(await link(w, (await user([{ role: 'guardian' }])).id, w2.schoolAdmin.token), 403);
});

test('a guardian with a child at another school: only the district sets the password or reveals the phone', async () => {
  const w = await world(s), w2 = await world(s);
  const g = await user([{ role: 'guardian' }], { phone: '13712345678' });
  expectStatus(await link(w, g.id), 201);
  // every pupil of g at school A: school A's admin may (at the edge: all, and only, theirs)
  expectStatus(await setPw(g.id, w.schoolAdmin.token, 'family-pass-1'), 204);
  assert.equal(expectStatus(await phone(g.id, w.schoolAdmin.token), 200).phone, '13712345678');
  expectStatus(await setPw(g.id, w2.schoolAdmin.token), 403);
  // a sibling at school B: now neither school holds every pupil of g
  expectStatus(await link(w2, g.id, w2.schoolAdmin.token), 201);
  for (const sa of [w.schoolAdmin, w2.schoolAdmin]) {
    expectStatus(await setPw(g.id, sa.token), 403);
    expectStatus(await phone(g.id, sa.token), 403);
  }
  await s.login(g.username, 'family-pass-1'); // the refused calls changed nothing
  // an admin of both schools holds both pupils
  const both = await user([{ role: 'school_admin', school_id: w.school.id }, { role: 'school_admin', school_id: w2.school.id }]);
  expectStatus(await phone(g.id, both.token), 200);
  // the district may, and district staff may read the phone; each reveal is audited
  expectStatus(await setPw(g.id, A, 'family-pass-2'), 204);
  const insp = await user([{ role: 'inspector' }]);
  assert.equal(expectStatus(await phone(g.id, insp.token), 200).phone, '13712345678');
  expectStatus(await setPw(g.id, insp.token), 403);
  const audit = expectStatus(await s.api('GET', `/api/v1/audit?action=reveal&user_id=${insp.id}`, undefined, A), 200);
  assert.equal(audit.total, 1);
  await s.login(g.username, 'family-pass-2');
  // a guardian linked to no pupil belongs to no school: the district's to manage
  const lone = await user([{ role: 'guardian' }]);
  expectStatus(await setPw(lone.id, w.schoolAdmin.token), 403);
  expectStatus(await setPw(lone.id, A), 204);
});

test('staff: a school admin manages only those whose every role is at the admin\'s school', async () => {
  const w = await world(s), w2 = await world(s);
  // only at school A: allowed (a teacher, a grade leader, another admin of the school)
  const leader = await user([{ role: 'grade_leader', school_id: w.school.id, grade: 4 }], { phone: '13612345678' });
  const admin2 = await user([{ role: 'school_admin', school_id: w.school.id }]);
  for (const uid of [w.teacher.id, leader.id, admin2.id]) expectStatus(await setPw(uid, w.schoolAdmin.token, 'school-pass-1'), 204);
  assert.equal(expectStatus(await phone(leader.id, w.schoolAdmin.token), 200).phone, '13612345678');
  // also working at school B, or holding a district or institution role: refused
  const twoSchools = await user([{ role: 'teacher', school_id: w.school.id }, { role: 'teacher', school_id: w2.school.id }]);
  const withDistrict = await user([{ role: 'teacher', school_id: w.school.id }, { role: 'inspector' }]);
  const { inst } = await institution(s);
  const withInst = await user([{ role: 'teacher', school_id: w.school.id }, { role: 'institution_admin', institution_id: inst.id }]);
  for (const u of [twoSchools, withDistrict, withInst]) {
    expectStatus(await setPw(u.id, w.schoolAdmin.token), 403);
    expectStatus(await phone(u.id, w.schoolAdmin.token), 403);
    await s.login(u.username, 'password-123'); // unchanged
  }
  expectStatus(await setPw(twoSchools.id, w2.schoolAdmin.token), 403);
  expectStatus(await setPw(twoSchools.id, A, 'district-set-1'), 204);
  await s.login(twoSchools.username, 'district-set-1');
  // teachers and grade leaders set no one's password; an unknown account is 404
  const t2 = await user([{ role: 'teacher', school_id: w.school.id }]);
  expectStatus(await setPw(w.guardian.id, t2.token), 403);
  expectStatus(await setPw(99999999, w.schoolAdmin.token), 404);
  // the scope is decided before the body is read: another school's staff learn nothing
  expectStatus(await s.api('POST', `/api/v1/users/${w2.teacher.id}/password`, {}, w.schoolAdmin.token), 403);
  expectStatus(await s.api('POST', `/api/v1/users/${w.teacher.id}/password`, {}, w.schoolAdmin.token), 400);
});

test('granting roles: only inside the granter\'s scope and district; the guardian role alone', async () => {
  const w = await world(s), w2 = await world(s);
  const mk = (token, roles) => s.api('POST', '/api/v1/users', { username: `gr${++seq}_${Math.random().toString(36).slice(2, 6)}`, password: 'password-123', name: '授权', roles }, token);
  // a school admin: roles of their own school and guardians only
  expectStatus(await mk(w.schoolAdmin.token, [{ role: 'teacher', school_id: w.school.id }]), 201);
  expectStatus(await mk(w.schoolAdmin.token, [{ role: 'grade_leader', school_id: w.school.id, grade: 4 }]), 201);
  expectStatus(await mk(w.schoolAdmin.token, [{ role: 'guardian' }]), 201);
  for (const roles of [[{ role: 'teacher', school_id: w2.school.id }], [{ role: 'school_admin', school_id: w2.school.id }],
    [{ role: 'grade_leader', school_id: w2.school.id, grade: 4 }], [{ role: 'district_admin' }], [{ role: 'inspector' }],
    [{ role: 'teacher', school_id: w.school.id }, { role: 'teacher', school_id: w2.school.id }]]) {
    expectStatus(await mk(w.schoolAdmin.token, roles), 403);
  }
  // the guardian role is never mixed with another (a family account stays a family account)
  const e = expectStatus(await mk(A, [{ role: 'guardian' }, { role: 'teacher', school_id: w.school.id }]), 422, 'guardian_role_alone').error;
  assert.equal(e.field, 'roles');
  expectStatus(await mk(w.schoolAdmin.token, [{ role: 'teacher', school_id: w.school.id }, { role: 'guardian' }]), 422, 'guardian_role_alone');
  // an inspector grants institution admins, of an institution of the district that exists
  const insp = await user([{ role: 'inspector' }]);
  const { inst } = await institution(s);
  expectStatus(await mk(insp.token, [{ role: 'institution_admin', institution_id: inst.id }]), 201);
  expectStatus(await mk(insp.token, [{ role: 'institution_admin', institution_id: 99999999 }]), 400);
  expectStatus(await mk(insp.token, [{ role: 'teacher', school_id: w.school.id }]), 403);
  // another district's school or institution: not a role anyone here may grant
  sql(`INSERT INTO districts (name, created_at) VALUES ('外区', 0)`);
  const d2 = sql('SELECT MAX(id) FROM districts');
  sql(`INSERT INTO schools (district_id, name, kind, rural, created_at) VALUES (${d2}, '外区小学', 'primary', 0, 0)`);
  const foreignSchool = sql(`SELECT id FROM schools WHERE district_id = ${d2}`);
  sql(`UPDATE institutions SET district_id = ${d2} WHERE id = ${inst.id}`);
  expectStatus(await mk(A, [{ role: 'school_admin', school_id: Number(foreignSchool) }]), 400);
  expectStatus(await mk(A, [{ role: 'institution_admin', institution_id: inst.id }]), 400);
  expectStatus(await mk(insp.token, [{ role: 'institution_admin', institution_id: inst.id }]), 400);
});

test('teaching rows: only the school\'s own staff, only in the admin\'s classes', async () => {
  const w = await world(s), w2 = await world(s);
  const add = (cls, uid, token) => s.api('POST', `/api/v1/classes/${cls.id}/teachers`, { user_id: uid, subject: '语文' }, token);
  expectStatus(await add(w.cls, w2.teacher.id, w.schoolAdmin.token), 400);      // another school's teacher
  expectStatus(await add(w.cls, w.guardian.id, w.schoolAdmin.token), 400);      // a family account
  expectStatus(await add(w2.cls, w.teacher.id, w.schoolAdmin.token), 403);      // another school's class
  expectStatus(await add(w2.cls, w2.teacher.id, w.schoolAdmin.token), 403);
  expectStatus(await s.api('POST', `/api/v1/classes/${w2.cls.id}/teachers`, {}, w.schoolAdmin.token), 403); // before the body
  expectStatus(await add(w.cls, w.teacher.id, w.teacher.token), 403);           // teachers assign no one
  expectStatus(await add(w.cls, w.teacher.id, w.schoolAdmin.token), 201);
  const t = expectStatus(await s.api('GET', `/api/v1/classes/${w2.cls.id}/teachers`, undefined, A), 200);
  assert.deepEqual(t.items.map((x) => x.user_id), [w2.teacher.id], 'nothing added to the other class');
});

test('the roster import links a family account by phone, never a staff or admin account with that phone', async () => {
  const w = await world(s);
  const teacher = await user([{ role: 'teacher', school_id: w.school.id }], { phone: '13512340001' });
  const admin2 = await user([{ role: 'district_admin' }], { phone: '13512340002' });
  const family = await user([{ role: 'guardian' }], { phone: '13512340003' });
  const rows = [REGISTRY_HEADER, registryRow(8101, { phone: '13512340001' }), registryRow(8102, { phone: '13512340002' }), registryRow(8103, { phone: '13512340003' })];
  const r = expectStatus(await s.api('POST', `/api/v1/imports/students?school_id=${w.school.id}`, makeXlsx(rows), w.schoolAdmin.token), 200);
  assert.deepEqual(r, { classes_created: 1, students_created: 3, guardians_created: 2 });
  const ids = {};
  for (const row of rows.slice(1)) {
    const sid = sql(`SELECT id FROM students WHERE student_no = '${row[9]}'`);
    ids[row[9]] = expectStatus(await s.api('GET', `/api/v1/students/${sid}`, undefined, A), 200).guardians.map((g) => g.id);
  }
  // the staff accounts were not linked: each family got an account of its own
  for (const no of [rows[1][9], rows[2][9]]) {
    assert.equal(ids[no].length, 1);
    assert.ok(![teacher.id, admin2.id].includes(ids[no][0]), 'a staff account was linked as a parent');
  }
  assert.deepEqual(ids[rows[3][9]], [family.id], 'the family account is linked');
  assert.deepEqual((await rolesOf(teacher.id)).map((x) => x.role), ['teacher']);
  assert.deepEqual((await rolesOf(admin2.id)).map((x) => x.role), ['district_admin']);
  expectStatus(await setPw(admin2.id, w.schoolAdmin.token), 403);
});

test('linking one family account twenty times at once: one link, the rest already_linked', async () => {
  const w = await world(s);
  const g = await user([{ role: 'guardian' }]);
  const rs = await Promise.all(Array.from({ length: 20 }, () => link(w, g.id)));
  assert.deepEqual(rs.map((r) => r.status).sort(), [201, ...Array(19).fill(409)]);
  assert.ok(rs.filter((r) => r.status === 409).every((r) => r.body.error.code === 'already_linked'));
  assert.equal((await guardiansOf(w)).filter((id) => id === g.id).length, 1);
});
