// Helpers for the training and funds API tests: an institution with its admin and a course,
// a pupil with a guardian, a contract, and checks of a contract's money invariants.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { expectStatus, world, BACKEND, psql } from './lib.mjs';

let seq = 0;
// A licence number of the right form (13 digits, level 7 = 培训机构), unique per call.
export function licenseNo() {
  seq += 1;
  const n = (Math.floor(Math.random() * 9000) * 100 + seq) % 1000000;
  return '1101057' + String(n).padStart(6, '0');
}

// A user with the given roles, logged in: { id, token }.
export async function mkUser(s, token, roles, prefix = 'u') {
  const username = prefix + Math.random().toString(36).slice(2, 10);
  const u = expectStatus(await s.api('POST', '/api/v1/users', { username, password: 'password-123', name: username, roles }, token), 201);
  return { id: u.id, token: await s.login(username, 'password-123'), username };
}

export const MON = [{ weekday: 1, start: '18:00', end: '18:45' }];

// An institution, its admin and one course, approved by the district (TR-5). Options: category,
// online, subject, minutes, price, schedule, review (false: left pending review).
export async function institution(s, o = {}) {
  const A = await s.admin();
  const inst = expectStatus(await s.api('POST', '/api/v1/institutions', {
    name: o.name || '测试培训学校' + Math.random().toString(36).slice(2, 6),
    category: o.category || 'subject', license_no: licenseNo(), address: '城关镇文化路 1 号',
    online: !!o.online,
  }, A), 201);
  const admin = await mkUser(s, A, [{ role: 'institution_admin', institution_id: inst.id }], 'ia');
  const course = expectStatus(await s.api('POST', `/api/v1/institutions/${inst.id}/courses`, {
    name: o.courseName || '初中数学提高班', subject: o.subject || '数学', online: !!o.online,
    lesson_minutes: o.minutes || 45, price_per_lesson_fen: o.price || 4000, schedule: o.schedule || MON,
  }, admin.token), 201);
  // TR-5: a course sells nothing until approved; review: false leaves it pending
  if (o.review !== false) expectStatus(await s.api('POST', `/api/v1/courses/${course.id}/review`, { state: 'approved' }, A), 200);
  return { inst, admin, course };
}

// A contract signed by the world's guardian for its pupil.
export async function contract(s, w, course, lessons, start = '2026-09-01', end = '2026-11-30') {
  return expectStatus(await s.api('POST', '/api/v1/contracts', {
    course_id: course.id, student_id: w.student.id, lessons, start_date: start, end_date: end,
  }, w.guardian.token), 201);
}

// paid = released + refunded + escrow, escrow never negative, paid never past the amount,
// released = lessons delivered x price.
export function assertMoney(c) {
  assert.ok(c.escrow_fen >= 0, 'escrow below zero: ' + JSON.stringify(c));
  assert.equal(c.paid_fen, c.released_fen + c.refunded_fen + c.escrow_fen, JSON.stringify(c));
  assert.ok(c.paid_fen <= c.amount_fen, 'paid past the amount: ' + JSON.stringify(c));
  assert.equal(c.released_fen, c.lessons_delivered * c.price_per_lesson_fen, JSON.stringify(c));
  assert.ok(c.lessons_delivered <= c.lessons);
}

// Runs SQL directly against the server's database, as someone with access to the files would.
// Returns { ok, out }.
export function sqlDirect(s, sql) {
  try {
    const out = BACKEND === 'pg' ? psql(s.db.url, sql)
      : execFileSync('sqlite3', ['-bail', s.db.url.slice(7), sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, out };
  } catch (e) {
    return { ok: false, out: String(e.stderr || e.message) };
  }
}

export { world };
