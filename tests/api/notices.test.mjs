// Notices with read receipts (NT-1), the public page and families' evaluations of after-school
// programs (NT-2), against a real server (SQLite, or PostgreSQL with SJ_PG_URL).
//
// The world: school 一 with grade 4 (classes 4-1 with two pupils, 4-2 with one) and grade 5
// (one pupil), school 二 with one pupil; each pupil has a guardian. School 一 has an admin, a
// grade-4 leader, a teacher of 4-1 and a teacher of 4-2. Every audience is checked against
// who it reaches, every scope refusal against what it stores (nothing). Dates: nothing here
// depends on today, except NT-1's "once a day", which two calls a moment apart meet.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, expectStatus, BACKEND, psql } from './lib.mjs';
import { licenseNo } from './funds_world.mjs';

let s, A, W;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
const TERM = '2090-autumn'; // a term of its own: the program's dates never meet today

let seq = 0;
const uniq = () => `${++seq}${Math.random().toString(36).slice(2, 6)}`;

function sql(stmt) {
  if (BACKEND === 'pg') return psql(s.db.url, stmt);
  return execFileSync('sqlite3', ['-bail', s.db.url.slice(7), stmt], { encoding: 'utf8' });
}

async function mk(roles, name) {
  const username = 'n' + uniq();
  const u = expectStatus(await s.api('POST', '/api/v1/users', { username, password: 'password-123', name: name || username, roles }, A), 201);
  return { id: u.id, name: name || username, token: await s.login(username, 'password-123') };
}

async function pupil(cls, name) {
  const p = expectStatus(await s.api('POST', '/api/v1/students', { class_id: cls.id, name, student_no: 'N' + uniq() }, A), 201);
  const g = await mk([{ role: 'guardian' }], name + '家长');
  expectStatus(await s.api('POST', `/api/v1/students/${p.id}/guardians`, { user_id: g.id }, A), 201);
  return { ...p, guardian: g };
}

async function send(token, body, status = 201) {
  return expectStatus(await s.api('POST', '/api/v1/notices', { title: '通知', body: '内容', ...body }, token), status);
}

const inbox = async (u) => expectStatus(await s.api('GET', '/api/v1/notices', undefined, u.token), 200);
const sentTotal = async () => expectStatus(await s.api('GET', '/api/v1/notices/sent?all=true', undefined, A), 200).total;

before(async () => {
  s = await startServer();
  A = await s.admin();
  const school1 = expectStatus(await s.api('POST', '/api/v1/schools', { name: '通知一小' + uniq(), kind: 'primary', rural: false }, A), 201);
  const school2 = expectStatus(await s.api('POST', '/api/v1/schools', { name: '通知二小' + uniq(), kind: 'primary', rural: false }, A), 201);
  const c41 = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: school1.id, grade: 4, name: '1班' }, A), 201);
  const c42 = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: school1.id, grade: 4, name: '2班' }, A), 201);
  const c51 = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: school1.id, grade: 5, name: '1班' }, A), 201);
  const c2 = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: school2.id, grade: 4, name: '1班' }, A), 201);
  const admin1 = await mk([{ role: 'school_admin', school_id: school1.id }], '一小教务');
  const admin2 = await mk([{ role: 'school_admin', school_id: school2.id }], '二小教务');
  const leader4 = await mk([{ role: 'grade_leader', school_id: school1.id, grade: 4 }], '四年级组长');
  const t41 = await mk([{ role: 'teacher', school_id: school1.id }], '张老师');
  const t42 = await mk([{ role: 'teacher', school_id: school1.id }], '李老师');
  expectStatus(await s.api('POST', `/api/v1/classes/${c41.id}/teachers`, { user_id: t41.id, subject: '数学' }, A), 201);
  expectStatus(await s.api('POST', `/api/v1/classes/${c42.id}/teachers`, { user_id: t42.id, subject: '语文' }, A), 201);
  const inspector = await mk([{ role: 'inspector' }], '督查员');
  const p1 = await pupil(c41, '王小明');
  const p2 = await pupil(c41, '李小红');
  const p3 = await pupil(c42, '赵小刚');
  const p5 = await pupil(c51, '孙小美');
  const q = await pupil(c2, '周小强');
  W = { school1, school2, c41, c42, c51, c2, admin1, admin2, leader4, t41, t42, inspector, p1, p2, p3, p5, q };
});
after(async () => { await s?.stop(); });

describe('who may reach whom', () => {
  test('a school admin sends to grade 4: its three families, nobody else; the count is answered at once', async () => {
    const aud = { grade: 4, roles: ['guardian'] };
    const pre = expectStatus(await s.api('POST', '/api/v1/notices/preview', { audience: aud }, W.admin1.token), 200);
    assert.equal(pre.recipients, 3);
    const n = await send(W.admin1.token, { title: '四年级家长会', audience: aud });
    assert.equal(n.recipients, 3);
    for (const p of [W.p1, W.p2, W.p3]) assert.ok((await inbox(p.guardian)).items.some((i) => i.id === n.id));
    for (const p of [W.p5, W.q]) assert.ok(!(await inbox(p.guardian)).items.some((i) => i.id === n.id));
  });

  test('school, grade, class and roles: each audience reaches exactly its people', async () => {
    const cases = [
      [W.admin1, { roles: ['guardian'] }, 4],                               // the whole school
      [W.admin1, { class_id: W.c41.id, roles: ['guardian'] }, 2],
      [W.admin1, { roles: ['teacher'] }, 2],                                // both teachers
      [W.admin1, { grade: 4, roles: ['teacher', 'grade_leader'] }, 3],      // the grade's teachers and leader
      [W.admin1, { roles: ['guardian', 'teacher', 'grade_leader', 'school_admin'] }, 7], // not the sender
      [W.leader4, { roles: ['guardian', 'teacher'] }, 5],                   // their grade only
      [W.t41, { roles: ['guardian'] }, 2],                                  // the classes taught
      [W.t41, { class_id: W.c41.id, roles: ['guardian'] }, 2],
      [A, { roles: ['guardian'] }, 5],                                      // the district
      [A, { school_ids: [W.school1.id, W.school2.id], grades: [4], roles: ['guardian'] }, 4],
      [A, { school_id: W.school2.id, roles: ['guardian', 'school_admin'] }, 2],
    ];
    for (const [who, audience, want] of cases) {
      const token = who.token || who;
      const pre = expectStatus(await s.api('POST', '/api/v1/notices/preview', { audience }, token), 200);
      assert.equal(pre.recipients, want, JSON.stringify(audience));
      const n = await send(token, { audience });
      assert.equal(n.recipients, want, JSON.stringify(audience));
    }
  });

  test('beyond the sender\'s scope is 403 and stores nothing', async () => {
    const before = await sentTotal();
    const refused = [
      [W.admin1, { school_id: W.school2.id, roles: ['guardian'] }, /本校/],
      [W.admin1, { class_id: W.c2.id, roles: ['guardian'] }, /本校/],
      [W.leader4, { grade: 5, roles: ['guardian'] }, /本年级/],
      [W.leader4, { class_id: W.c51.id, roles: ['guardian'] }, /本年级/],
      [W.leader4, { roles: ['school_admin'] }, /本年级/],
      [W.t41, { class_id: W.c42.id, roles: ['guardian'] }, /任教班级/],
      [W.t41, { roles: ['teacher'] }, /任教班级/],
      [W.t41, { grade: 5, roles: ['guardian'] }, /任教班级/],
      [W.t41, { school_id: W.school2.id, roles: ['guardian'] }, /任教班级/],
    ];
    for (const [who, audience, words] of refused) {
      for (const path of ['/api/v1/notices', '/api/v1/notices/preview']) {
        const r = await s.api('POST', path, { title: '越权', body: 'x', audience }, who.token);
        const e = expectStatus(r, 403, 'forbidden');
        assert.match(e.error.message, words, JSON.stringify(audience));
        assert.equal(e.error.field, 'audience');
      }
    }
    // only the district and school admins publish to the public page
    const pub = expectStatus(await s.api('POST', '/api/v1/notices', { title: '公开', body: 'x', public: true, audience: { roles: ['guardian'] } }, W.t41.token), 403);
    assert.match(pub.error.message, /公开宣传/);
    // roles outside every sender's gate
    for (const u of [W.p1.guardian, W.inspector]) {
      expectStatus(await s.api('POST', '/api/v1/notices', { title: 'x', body: 'x', audience: { roles: ['guardian'] } }, u.token), 403);
    }
    assert.equal(await sentTotal(), before);
    assert.ok(!(await inbox(W.q.guardian)).items.some((i) => i.title === '越权'));
  });

  test('bad input: clear 400s in Chinese, nothing stored; the title at 60 characters passes, 61 does not', async () => {
    const before = await sentTotal();
    const aud = { grade: 4, roles: ['guardian'] };
    const bad = [
      [{ body: 'x', audience: aud }, 'missing_field', 'title'],
      [{ title: 'x', audience: aud }, 'missing_field', 'body'],
      [{ title: 'x', body: 'x' }, 'missing_field', 'audience'],
      [{ title: '题'.repeat(61), body: 'x', audience: aud }, 'invalid_field', 'title'],
      [{ title: 'x', body: 'x'.repeat(5001), audience: aud }, 'invalid_field', 'body'],
      [{ title: 'x', body: 'x', audience: { roles: ['parent'] } }, 'invalid_field', 'audience'],
      [{ title: 'x', body: 'x', audience: { roles: [] } }, 'invalid_field', 'audience'],
      [{ title: 'x', body: 'x', audience: { grade: 10, roles: ['guardian'] } }, 'invalid_field', 'audience'],
      [{ title: 'x', body: 'x', audience: { school_id: 'one', roles: ['guardian'] } }, 'invalid_field', 'audience'],
      [{ title: 'x', body: 'x', audience: { class_id: W.c41.id, grade: 5, roles: ['guardian'] } }, 'invalid_field', 'audience'],
      [{ title: 'x', body: 'x', audience: aud, attachment_ids: [1, 2, 3, 4, 5, 6] }, 'invalid_field', 'attachment_ids'],
    ];
    for (const [body, code, field] of bad) {
      const e = expectStatus(await s.api('POST', '/api/v1/notices', body, W.admin1.token), 400, code);
      assert.equal(e.error.field, field, JSON.stringify(body));
      assert.match(e.error.message, /[\u4e00-\u9fff]/);
    }
    const en = expectStatus(await s.api('POST', '/api/v1/notices', { title: 'x', body: 'x', audience: { roles: ['parent'] } }, W.admin1.token, { 'Accept-Language': 'en' }), 400);
    assert.match(en.error.message, /Choose who receives it/);
    assert.equal(await sentTotal(), before);
    expectStatus(await s.api('POST', '/api/v1/notices', { title: '题'.repeat(60), body: 'x\n第二行', audience: aud }, W.admin1.token), 201);
  });

  test('an audience holding nobody is refused (422 no_recipients), unless it is a public notice', async () => {
    const empty = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: W.school1.id, grade: 6, name: '空班' }, A), 201);
    const before = await sentTotal();
    const e = expectStatus(await s.api('POST', '/api/v1/notices', { title: 'x', body: 'x', audience: { class_id: empty.id, roles: ['guardian'] } }, W.admin1.token), 422, 'no_recipients');
    assert.match(e.error.message, /没有接收人/);
    assert.equal(await sentTotal(), before);
    const pub = await send(A, { title: '政策解读', public: true, audience: { roles: [] } });
    assert.equal(pub.recipients, 0);
  });
});

describe('reading and receipts', () => {
  let n;
  before(async () => {
    n = await send(W.t41.token, { title: '数学作业说明', audience: { class_id: W.c41.id, roles: ['guardian'] } });
  });

  test('the inbox: the caller\'s own, newest first, with the read flag; reading twice is 204 twice', async () => {
    const later = await send(W.admin1.token, { title: '更新的通知', audience: { class_id: W.c41.id, roles: ['guardian'] } });
    const box = await inbox(W.p1.guardian);
    const ids = box.items.map((i) => i.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    assert.ok(ids.indexOf(later.id) < ids.indexOf(n.id));
    const item = box.items.find((i) => i.id === n.id);
    assert.equal(item.read, false);
    assert.match(item.from, /张老师/);
    assert.match(item.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const unread0 = expectStatus(await s.api('GET', '/api/v1/notices/unread-count', undefined, W.p1.guardian.token), 200).unread;
    expectStatus(await s.api('POST', `/api/v1/notices/${n.id}/read`, undefined, W.p1.guardian.token), 204);
    expectStatus(await s.api('POST', `/api/v1/notices/${n.id}/read`, undefined, W.p1.guardian.token), 204);
    assert.equal((await inbox(W.p1.guardian)).items.find((i) => i.id === n.id).read, true);
    const unread1 = expectStatus(await s.api('GET', '/api/v1/notices/unread-count', undefined, W.p1.guardian.token), 200).unread;
    assert.equal(unread1, unread0 - 1);
    const only = expectStatus(await s.api('GET', '/api/v1/notices?unread=true', undefined, W.p1.guardian.token), 200);
    assert.ok(only.items.every((i) => !i.read));
  });

  test('a notice not addressed to the caller is 404 to read, open or download', async () => {
    for (const u of [W.p3.guardian, W.q.guardian, W.t42]) {
      expectStatus(await s.api('POST', `/api/v1/notices/${n.id}/read`, undefined, u.token), 404, 'not_found');
      expectStatus(await s.api('GET', `/api/v1/notices/${n.id}`, undefined, u.token), 404);
    }
    expectStatus(await s.api('POST', '/api/v1/notices/999999/read', undefined, W.p1.guardian.token), 404);
  });

  test('receipts: the sender and the sender\'s admins see read, unread and the unread names; nobody else', async () => {
    const r = expectStatus(await s.api('GET', `/api/v1/notices/${n.id}/receipts`, undefined, W.t41.token), 200);
    assert.equal(r.recipients, 2);
    assert.equal(r.read, 1);
    assert.deepEqual(r.unread.map((u) => [u.user_id, u.name, u.student_name]), [[W.p2.guardian.id, '李小红家长', '李小红']]);
    for (const token of [W.admin1.token, A]) expectStatus(await s.api('GET', `/api/v1/notices/${n.id}/receipts`, undefined, token), 200);
    // another teacher of the school: not its sender, not an admin
    expectStatus(await s.api('GET', `/api/v1/notices/${n.id}/receipts`, undefined, W.t42.token), 404);
    expectStatus(await s.api('GET', `/api/v1/notices/${n.id}/receipts`, undefined, W.admin2.token), 404);
    expectStatus(await s.api('GET', `/api/v1/notices/${n.id}/receipts`, undefined, W.p1.guardian.token), 403);
    // a recipient who is staff may read it, not follow it
    const staff = await send(W.admin1.token, { audience: { roles: ['teacher'] } });
    expectStatus(await s.api('GET', `/api/v1/notices/${staff.id}`, undefined, W.t42.token), 200);
    expectStatus(await s.api('GET', `/api/v1/notices/${staff.id}/receipts`, undefined, W.t42.token), 403);
    // per class, with a class filter for the unread
    const grade = await send(W.leader4.token, { audience: { roles: ['guardian'] } });
    const g = expectStatus(await s.api('GET', `/api/v1/notices/${grade.id}/receipts?class_id=${W.c42.id}`, undefined, W.leader4.token), 200);
    assert.deepEqual(g.unread.map((u) => u.user_id), [W.p3.guardian.id]);
    assert.equal(g.unread_total, 1);
    assert.deepEqual(g.by_class.map((c) => [c.class_id, c.recipients, c.read]), [[W.c41.id, 2, 0], [W.c42.id, 1, 0]]);
  });

  test('reminders: the unread once a day (NT-1, the second the same day 422 with the numbers); nothing to remind when all read', async () => {
    const first = expectStatus(await s.api('POST', `/api/v1/notices/${n.id}/remind`, undefined, W.t41.token), 200);
    assert.equal(first.reminded, 1);
    const again = expectStatus(await s.api('POST', `/api/v1/notices/${n.id}/remind`, undefined, W.admin1.token), 422, 'reminded_today');
    assert.equal(again.error.rule, 'NT-1');
    assert.equal(again.error.reminders_per_day, 1);
    assert.equal(again.error.reminders_today, 1);
    assert.match(again.error.message, /每天最多提醒 1 次/);
    const p2box = await inbox(W.p2.guardian);
    assert.equal(p2box.items.find((i) => i.id === n.id).reminded, true);
    const p1box = await inbox(W.p1.guardian);
    assert.equal(p1box.items.find((i) => i.id === n.id).reminded, false); // read already
    const r = expectStatus(await s.api('GET', `/api/v1/notices/${n.id}/receipts`, undefined, W.t41.token), 200);
    assert.equal(r.reminders.length, 1);
    assert.equal(r.reminders[0].unread, 1);
    // a teacher who did not send it may not remind
    expectStatus(await s.api('POST', `/api/v1/notices/${n.id}/remind`, undefined, W.t42.token), 404);
    const one = await send(W.t41.token, { audience: { class_id: W.c41.id, roles: ['guardian'] } });
    for (const p of [W.p1, W.p2]) expectStatus(await s.api('POST', `/api/v1/notices/${one.id}/read`, undefined, p.guardian.token), 204);
    expectStatus(await s.api('POST', `/api/v1/notices/${one.id}/remind`, undefined, W.t41.token), 409, 'all_read');
  });

  test('concurrent reads of one notice count each reader once', async () => {
    const x = await send(W.admin1.token, { audience: { roles: ['guardian'] } });
    const readers = [W.p1, W.p2, W.p3, W.p5].map((p) => p.guardian.token);
    await Promise.all(readers.flatMap((t) => [1, 2, 3].map(() => s.api('POST', `/api/v1/notices/${x.id}/read`, undefined, t))));
    const r = expectStatus(await s.api('GET', `/api/v1/notices/${x.id}/receipts`, undefined, W.admin1.token), 200);
    assert.equal(r.recipients, 4);
    assert.equal(r.read, 4);
    assert.deepEqual(r.unread, []);
  });

  test('sent lists: one\'s own; a school\'s for its admins; the district\'s for the district', async () => {
    const own = expectStatus(await s.api('GET', '/api/v1/notices/sent', undefined, W.t41.token), 200);
    assert.ok(own.items.length >= 2 && own.items.every((i) => i.sender_id === W.t41.id));
    assert.ok('recipients' in own.items[0] && 'read' in own.items[0]);
    const school = expectStatus(await s.api('GET', `/api/v1/notices/sent?school_id=${W.school1.id}`, undefined, W.admin1.token), 200);
    assert.ok(school.items.some((i) => i.sender_id === W.t41.id) && school.items.some((i) => i.sender_id === W.leader4.id));
    expectStatus(await s.api('GET', `/api/v1/notices/sent?school_id=${W.school2.id}`, undefined, W.admin1.token), 403);
    expectStatus(await s.api('GET', `/api/v1/notices/sent?school_id=${W.school1.id}`, undefined, W.t41.token), 403);
    expectStatus(await s.api('GET', '/api/v1/notices/sent?all=true', undefined, W.admin1.token), 403);
    const all = expectStatus(await s.api('GET', '/api/v1/notices/sent?all=true&limit=500', undefined, A), 200);
    assert.ok(all.total >= school.total);
  });
});

describe('attachments', () => {
  test('PDF and images by their content, size checked; only the notice\'s readers download', async () => {
    const up = expectStatus(await s.api('POST', '/api/v1/notices/attachments?name=' + encodeURIComponent('安全告家长书.pdf'), PDF, W.admin1.token), 201);
    assert.equal(up.type, 'application/pdf');
    assert.equal(up.size, PDF.length);
    const img = expectStatus(await s.api('POST', '/api/v1/notices/attachments?name=map.png', PNG, W.admin1.token), 201);
    assert.equal(img.type, 'image/png');
    // a text file named .pdf is still text
    const fake = expectStatus(await s.api('POST', '/api/v1/notices/attachments?name=x.pdf', 'not a pdf', W.admin1.token), 400);
    assert.match(fake.error.message, /PDF/);
    expectStatus(await s.api('POST', '/api/v1/notices/attachments', PDF, W.admin1.token), 400, 'missing_field');
    const big = Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024 - PDF.length + 1)]);
    const tooBig = expectStatus(await s.api('POST', '/api/v1/notices/attachments?name=big.pdf', big, W.admin1.token), 413);
    assert.equal(tooBig.error.max_mb, 5);
    expectStatus(await s.api('POST', '/api/v1/notices/attachments?name=edge.pdf', big.subarray(0, 5 * 1024 * 1024), W.admin1.token), 201);
    expectStatus(await s.api('POST', '/api/v1/notices/attachments?name=x.pdf', PDF, W.p1.guardian.token), 403);

    // someone else's upload cannot be attached
    const other = expectStatus(await s.api('POST', '/api/v1/notices/attachments?name=o.pdf', PDF, W.t41.token), 201);
    const before = await sentTotal();
    expectStatus(await s.api('POST', '/api/v1/notices', { title: 'x', body: 'x', audience: { roles: ['guardian'] }, attachment_ids: [up.id, other.id] }, W.admin1.token), 400);
    assert.equal(await sentTotal(), before);
    const n = await send(W.admin1.token, { title: '带附件', audience: { class_id: W.c41.id, roles: ['guardian'] }, attachment_ids: [up.id, img.id] });
    // an upload goes with one notice only
    expectStatus(await s.api('POST', '/api/v1/notices', { title: 'x', body: 'x', audience: { roles: ['guardian'] }, attachment_ids: [up.id] }, W.admin1.token), 400);
    const got = expectStatus(await s.api('GET', `/api/v1/notices/${n.id}`, undefined, W.p1.guardian.token), 200);
    assert.deepEqual(got.attachments.map((a) => a.name), ['安全告家长书.pdf', 'map.png']);
    const res = await fetch(`${s.url}/api/v1/notices/${n.id}/attachments/${up.id}`, { headers: { Authorization: 'Bearer ' + W.p1.guardian.token } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.match(res.headers.get('content-disposition'), /filename\*=UTF-8''%E5%AE%89/);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PDF);
    expectStatus(await s.api('GET', `/api/v1/notices/${n.id}/attachments/${up.id}`, undefined, W.p3.guardian.token), 404);
    expectStatus(await s.api('GET', `/api/v1/notices/${n.id}/attachments/${other.id}`, undefined, W.p1.guardian.token), 404);
  });
});

describe('the public page, no log-in', () => {
  test('public notices, the white and black lists, FU-2\'s numbers; other notices stay private', async () => {
    const up = expectStatus(await s.api('POST', '/api/v1/notices/attachments?name=policy.pdf', PDF, A), 201);
    const pub = await send(A, { title: '校外培训风险提示', body: '请家长选择白名单机构。\n'.repeat(20), public: true, audience: { roles: ['guardian'] }, attachment_ids: [up.id] });
    assert.equal(pub.recipients, 5);
    const priv = await send(W.admin1.token, { title: '内部通知', audience: { roles: ['teacher'] } });
    const good = expectStatus(await s.api('POST', '/api/v1/institutions', { name: '白名单培训学校', category: 'subject', license_no: licenseNo(), address: '城关镇 1 号', online: false }, A), 201);
    const bad = expectStatus(await s.api('POST', '/api/v1/institutions', { name: '黑名单培训中心', category: 'subject', license_no: licenseNo(), address: '城关镇 2 号', online: false }, A), 201);
    expectStatus(await s.api('POST', `/api/v1/institutions/${good.id}/list`, { list: 'white' }, A), 200);
    expectStatus(await s.api('POST', `/api/v1/institutions/${bad.id}/list`, { list: 'black', reason: '无证办学' }, A), 200);

    const page = expectStatus(await s.api('GET', '/api/v1/public/publicity'), 200);
    assert.ok(page.district.name);
    assert.equal(page.notices.items[0].id, pub.id);
    assert.ok(page.notices.items[0].excerpt.length < 100 && page.notices.items[0].excerpt.endsWith('…'));
    assert.ok(!page.notices.items.some((i) => i.id === priv.id));
    assert.deepEqual(page.institutions.white.items.map((i) => i.name), ['白名单培训学校']);
    assert.deepEqual(page.institutions.black.items.map((i) => i.name), ['黑名单培训中心']);
    assert.deepEqual([page.prepay.rule, page.prepay.max_months, page.prepay.max_class_hours], ['FU-2', 3, 60]);
    const same = expectStatus(await s.api('GET', `/api/v1/public/publicity?district_id=${page.district.id}`), 200);
    assert.equal(same.notices.total, page.notices.total);
    expectStatus(await s.api('GET', '/api/v1/public/publicity?district_id=999'), 404);

    const one = expectStatus(await s.api('GET', `/api/v1/public/notices/${pub.id}`), 200);
    assert.match(one.body, /白名单/);
    assert.equal(one.attachments.length, 1);
    const file = await fetch(`${s.url}/api/v1/public/notices/${pub.id}/attachments/${up.id}`);
    assert.equal(file.status, 200);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), PDF);
    expectStatus(await s.api('GET', `/api/v1/public/notices/${priv.id}`), 404);
    // a public notice is readable by everyone of the district too
    expectStatus(await s.api('GET', `/api/v1/notices/${pub.id}`, undefined, W.t42.token), 200);
  });

  test('a district changes FU-2: the page says the district\'s numbers', async () => {
    // a version in force since long ago (the API takes only today or later: see policy.test.mjs),
    // written as the policy route would store it; the policy cache holds a district's version
    // for one second
    const body = JSON.stringify({ effective_from: '2000-01-01', rules: { 'FU-2': { max_months: 2, max_class_hours: 40 } } });
    sql(`INSERT INTO policy_versions (district_id, effective_from, body, created_at) VALUES (1, '2000-01-01', '${body}', 0)`);
    await new Promise((r) => setTimeout(r, 1100));
    const page = expectStatus(await s.api('GET', '/api/v1/public/publicity'), 200);
    assert.deepEqual([page.prepay.max_months, page.prepay.max_class_hours], [2, 40]);
    sql('DELETE FROM policy_versions WHERE effective_from = \'2000-01-01\'');
    await new Promise((r) => setTimeout(r, 1100));
  });
});

describe('evaluations of after-school programs (NT-2)', () => {
  let prog, other;
  before(async () => {
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: TERM, first_day: '2090-09-01', last_day: '2091-01-20' }, A), 201);
    const mkProg = async (school, name) => expectStatus(await s.api('POST', '/api/v1/afterschool/programs', {
      school_id: school.id, term: TERM, name, kind: 'course', provider: 'school', capacity: 20,
      weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '18:00', fee_per_hour_fen: 300, first_day: '2090-09-01', last_day: '2091-01-20',
    }, A), 201);
    prog = await mkProg(W.school1, '书法');
    other = await mkProg(W.school2, '围棋');
    for (const p of [W.p1, W.p2, W.p3, W.p5]) {
      expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: prog.id, student_id: p.id }, p.guardian.token), 201);
    }
    expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: other.id, student_id: W.q.id }, W.q.guardian.token), 201);
  });

  test('a guardian of an enrolled pupil evaluates once a term: 201, then 409; scores 1..5 at their edges', async () => {
    const url = `/api/v1/afterschool/programs/${prog.id}/evaluations`;
    for (const score of [0, 6, 2.5, '4']) {
      const e = expectStatus(await s.api('POST', url, { student_id: W.p1.id, score }, W.p1.guardian.token), 400);
      assert.equal(e.error.field, 'score');
    }
    const e = expectStatus(await s.api('POST', url, { student_id: W.p1.id, score: 6 }, W.p1.guardian.token), 400);
    assert.deepEqual([e.error.rule, e.error.min, e.error.max], ['NT-2', 1, 5]);
    const ok = expectStatus(await s.api('POST', url, { student_id: W.p1.id, score: 5, text: '孩子很喜欢' }, W.p1.guardian.token), 201);
    assert.equal(ok.term, TERM);
    const twice = expectStatus(await s.api('POST', url, { student_id: W.p1.id, score: 1 }, W.p1.guardian.token), 409, 'already_evaluated');
    assert.equal(twice.error.rule, 'NT-2');
    assert.match(twice.error.message, /只能评价一次/);
    expectStatus(await s.api('POST', url, { student_id: W.p2.id, score: 1 }, W.p2.guardian.token), 201);
  });

  test('concurrent evaluations of one pupil: one 201, the rest 409', async () => {
    const url = `/api/v1/afterschool/programs/${prog.id}/evaluations`;
    const rs = await Promise.all([1, 2, 3, 4, 5].map((k) => s.api('POST', url, { student_id: W.p3.id, score: k }, W.p3.guardian.token)));
    assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409, 409, 409, 409]);
  });

  test('403 for anyone else: another family, a pupil not enrolled, staff', async () => {
    const url = `/api/v1/afterschool/programs/${prog.id}/evaluations`;
    // a family whose child is in the program, for a child not theirs
    expectStatus(await s.api('POST', url, { student_id: W.p5.id, score: 3 }, W.p1.guardian.token), 403);
    // a family with no child in it: refused before the body is read
    expectStatus(await s.api('POST', url, {}, W.q.guardian.token), 403);
    expectStatus(await s.api('POST', url, { student_id: W.q.id, score: 3 }, W.q.guardian.token), 403);
    expectStatus(await s.api('POST', url, { student_id: W.p1.id, score: 3 }, W.admin1.token), 403);
    expectStatus(await s.api('POST', '/api/v1/afterschool/programs/999999/evaluations', { student_id: W.p1.id, score: 3 }, W.p1.guardian.token), 404);
  });

  test('the school sees count, average and comments without names; the district too; others not', async () => {
    const url = `/api/v1/afterschool/programs/${prog.id}/evaluations`;
    const r = expectStatus(await s.api('GET', url, undefined, W.admin1.token), 200);
    assert.equal(r.count, 3);
    assert.equal(typeof r.average, 'number');
    const scores = r.items.map((i) => i.score);
    assert.equal(r.average, Math.round((scores.reduce((a, b) => a + b, 0) / 3) * 100) / 100);
    assert.ok(r.items.some((i) => i.text === '孩子很喜欢'));
    for (const it of r.items) assert.deepEqual(Object.keys(it).sort(), ['at', 'score', 'text']);
    assert.doesNotMatch(JSON.stringify(r), /王小明|家长|student|guardian/);
    for (const t of [W.t42.token, W.leader4.token, A, W.inspector.token]) expectStatus(await s.api('GET', url, undefined, t), 200);
    expectStatus(await s.api('GET', url, undefined, W.admin2.token), 403);
    expectStatus(await s.api('GET', url, undefined, W.p1.guardian.token), 403);
  });

  test('a family sees its children\'s programs and what it said', async () => {
    const mine = expectStatus(await s.api('GET', `/api/v1/afterschool/evaluations/mine?term=${TERM}`, undefined, W.p1.guardian.token), 200);
    assert.deepEqual(mine.items.map((i) => [i.program_name, i.student_name, i.evaluation?.score]), [['书法', '王小明', 5]]);
    const p5 = expectStatus(await s.api('GET', `/api/v1/afterschool/evaluations/mine?term=${TERM}`, undefined, W.p5.guardian.token), 200);
    assert.equal(p5.items[0].evaluation, null);
    assert.deepEqual([p5.score_min, p5.score_max], [1, 5]);
  });

  test('NT-2\'s flag at its edges: 5 evaluations averaging 2.8 flagged, averaging exactly 3 not, 4 at 1.0 not; per-school averages for the district', async () => {
    const kids = [];
    for (let i = 0; i < 5; i++) kids.push(await pupil(W.c51, `评价${i}号`));
    const mkProg = async (name, weekday) => expectStatus(await s.api('POST', '/api/v1/afterschool/programs', {
      school_id: W.school1.id, term: TERM, name, kind: 'course', provider: 'school', capacity: 20,
      weekdays: [weekday], start: '15:30', end: '18:00', fee_per_hour_fen: 300, first_day: '2090-09-01', last_day: '2091-01-20',
    }, A), 201);
    const low = await mkProg('合唱', 1), edge = await mkProg('美术', 2), few = await mkProg('篮球', 3);
    const rate = async (prog, scores) => {
      for (const [i, score] of scores.entries()) {
        const k = kids[i];
        expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: prog.id, student_id: k.id }, k.guardian.token), 201);
        expectStatus(await s.api('POST', `/api/v1/afterschool/programs/${prog.id}/evaluations`, { student_id: k.id, score }, k.guardian.token), 201);
      }
      return expectStatus(await s.api('GET', `/api/v1/afterschool/programs/${prog.id}/evaluations`, undefined, W.admin1.token), 200);
    };
    const l = await rate(low, [3, 3, 3, 3, 2]);
    assert.deepEqual([l.count, l.average, l.flagged], [5, 2.8, true]);
    const e = await rate(edge, [3, 3, 3, 3, 3]);
    assert.deepEqual([e.count, e.average, e.flagged], [5, 3, false]);
    const f = await rate(few, [1, 1, 1, 1]);
    assert.deepEqual([f.count, f.average, f.flagged], [4, 1, false]);
    assert.deepEqual([l.rule, l.flag_average_below, l.flag_min_evaluations], ['NT-2', 3, 5]);

    const list = expectStatus(await s.api('GET', `/api/v1/afterschool/evaluations/programs?school_id=${W.school1.id}&term=${TERM}`, undefined, W.admin1.token), 200);
    const by = Object.fromEntries(list.items.map((i) => [i.name, [i.count, i.average, i.flagged]]));
    assert.deepEqual(by['合唱'], [5, 2.8, true]);
    assert.deepEqual(by['美术'], [5, 3, false]);
    assert.deepEqual(by['篮球'], [4, 1, false]);
    const flagged = expectStatus(await s.api('GET', `/api/v1/afterschool/evaluations/programs?flagged=true&term=${TERM}`, undefined, A), 200);
    assert.deepEqual(flagged.items.map((i) => i.program_id), [low.id]);
    assert.equal(flagged.total, 1);
    expectStatus(await s.api('GET', `/api/v1/afterschool/evaluations/programs?school_id=${W.school2.id}&term=${TERM}`, undefined, W.admin1.token), 403);
    expectStatus(await s.api('GET', `/api/v1/afterschool/evaluations/programs?term=${TERM}`, undefined, W.admin1.token), 400);

    const schools = expectStatus(await s.api('GET', `/api/v1/afterschool/evaluations/schools?term=${TERM}`, undefined, A), 200);
    const s1 = schools.items.find((i) => i.school_id === W.school1.id);
    const all = list.items.reduce((a, i) => a + i.count, 0);
    const sum = list.items.reduce((a, i) => a + Math.round(i.average * i.count), 0);
    assert.deepEqual([s1.programs, s1.count, s1.flagged], [list.items.length, all, 1]);
    assert.equal(s1.average, Math.round((sum / all) * 100) / 100);
    const s2 = schools.items.find((i) => i.school_id === W.school2.id);
    assert.deepEqual([s2.count, s2.average, s2.flagged], [0, 0, 0]);
    expectStatus(await s.api('GET', `/api/v1/afterschool/evaluations/schools?term=${TERM}`, undefined, W.admin1.token), 403);
    expectStatus(await s.api('GET', '/api/v1/afterschool/evaluations/schools?term=2090-summer', undefined, A), 400);
  });
});
