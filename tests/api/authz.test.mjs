// The authorisation test generated from the route table (`shuangjian routes`): every route x
// every role x an object outside the caller's scope must be refused, so a new route is tested
// the day it is added, without anyone writing its test.
//
// Three worlds, each with objects of every kind (school, class, pupil, guardian, staff,
// homework item and its change, exam, after-school program, enrolment, waiver, leave, vendor,
// institution, its staff, course, contract, refund, complaint and case with a photo, joint
// enforcement action, inspections and rectifications with a photo, notice and its attachment):
//   A  district 1: the callers, one user of every role (the district's own admin and an
//      inspector, school A's admin, grade leader, teacher, a guardian of a pupil at A, the
//      admin of institution A);
//   B  district 1: another school and institution, the target of the school and institution
//      roles;
//   C  district 2 (a second district; no command makes one, so this file inserts it and its
//      district admin with SQL, and that admin builds C through the API): the target of every
//      role, the district roles included.
// For each route with a path id the object is chosen by the path segment before `{id}`
// (KINDS below; a segment without an entry fails the test and says to add one). Writes are
// sent the body `{}`: a handler must find and authorise the path object before it reads the
// body. Expected: 401 without a token, 403 for a role the route's gate does not admit, 403 or
// 404 otherwise. Routes without a path id: 401 without a token, 403 outside the gate; GET
// routes are also asked with another school's school_id/class_id/student_id/institution_id/
// program_id/user_id filter, which must be refused or answer no row of that school (the
// worlds' names carry a marker the answer must not contain).
// Runs on SQLite, or PostgreSQL with SJ_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { inflateRawSync } from 'node:zlib';
import { startServer, expectStatus, BIN, BACKEND, psql, ADMIN_PASSWORD, TODAY, addDays, weekday } from './lib.mjs';
import { licenseNo } from './funds_world.mjs';
import { jpeg } from './photos.mjs';

let s;
const ROUTES = JSON.parse(execFileSync(BIN, ['routes'], { encoding: 'utf8' }));
const today = TODAY; // the server's day on the test clock (lib.mjs)
const schoolDay = (d) => { while (weekday(d) > 5) d = addDays(d, 1); return d; };
const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7));
const autumn = m >= 8 || m === 1;
const ty = m === 1 ? y - 1 : y;
const TERM = autumn ? `${ty}-autumn` : `${ty}-spring`;
const T_FIRST = autumn ? `${ty}-08-01` : `${ty}-02-01`;
const T_LAST = autumn ? `${ty + 1}-01-31` : `${ty}-07-31`;

function sql(stmt) {
  if (BACKEND === 'pg') return psql(s.db.url, stmt);
  return execFileSync('sqlite3', ['-bail', s.db.url.slice(7), stmt], { encoding: 'utf8' });
}

// The path segment before each {id} names the kind of object it takes; `institutions.staff`
// is the second id of /institutions/{id}/staff/{id}. Each entry gives the ids of that kind in
// a world (several where one kind has members that differ in who may reach them).
const KINDS = {
  schools: (w) => [w.school.id],
  classes: (w) => [w.cls.id],
  students: (w) => [w.student.id],
  users: (w) => [w.guardian.id, w.teacher.id, w.schoolAdmin.id, w.leader.id],
  homework: (w) => [w.homework.id],
  changes: (w) => [w.change.id],
  exams: (w) => [w.exam.id],
  programs: (w) => [w.program.id],
  vendors: (w) => [w.vendor.id],
  enrolments: (w) => [w.enrolment.id],
  waivers: (w) => [w.student.id],      // a waiver is kept per pupil
  staff: (w) => [w.teacher.id],        // /staff/{id}/credits: a teacher's time bank
  leave: (w) => [w.leave.id],
  institutions: (w) => [w.inst.id],
  'institutions.staff': (w) => [w.instStaff.id],
  courses: (w) => [w.course.id],
  contracts: (w) => [w.contract.id, w.refunded.id],
  refunds: (w) => [w.refund.id],
  'typical-cases': (w) => [w.typicalCase.id],
  'typical-cases.photos': (w) => [w.photo.id],
  complaints: (w) => [w.complaint.id],
  cases: (w) => [w.complaint.id, w.instCase.id],
  'cases.photos': (w) => [w.casePhoto.id],
  enforcements: (w) => [w.enforcement.id],
  inspections: (w) => [w.inspection.id, w.instInspection.id],
  rectifications: (w) => [w.rect.id, w.instRect.id],
  'rectifications.photos': (w) => [w.rectPhoto.id],
  notices: (w) => [w.notice.id],
  'notices.attachments': (w) => [w.attachment.id],
};

// Named text segments of a pattern ({period}: a half-monthly report's period) and the value each
// takes: the current period, which every district may report on.
const TEXT_SEGMENTS = { '{period}': `${today.slice(0, 7)}-${Number(today.slice(8)) <= 15 ? 1 : 2}` };
const fillText = (p) => Object.entries(TEXT_SEGMENTS).reduce((x, [k, v]) => x.replaceAll(k, v), p);

// The routes anyone may call without logging in. A route that becomes public must be added
// here on purpose (the first test fails until it is); every other route is tested below.
const PUBLIC = [
  'POST /api/v1/session',
  'GET /api/v1/health',
  'GET /api/v1/public/institutions',
  'GET /api/v1/public/institutions/{id}',
  'GET /api/v1/funds/checkpoints',         // signed ledger checkpoints: copies kept by anyone
  'GET /api/v1/clock',                     // the district's today (China Standard Time)
  'POST /api/v1/tips',                      // a tip-off: anyone, anonymous if they wish (CS-2)
  'GET /api/v1/tips/{id}',                  // its status, with the tracking code and secret
  'POST /api/v1/tips/{id}/photos',          // its photos, with the tracking code and secret
  'GET /api/v1/public/schools',             // schools by name, for the tip page
  'GET /api/v1/public/institutions/{id}/penalties', // penalties decided (行政处罚公示)
  'GET /api/v1/public/publicity',          // the district's public page (宣传): public notices, lists
  'GET /api/v1/public/notices/{id}',       // a notice its sender marked public
  'GET /api/v1/public/notices/{id}/attachments/{id}',
];

// Objects every user of the district may read: tested against the other district only.
const DISTRICT_READABLE = {
  'GET /api/v1/courses/{id}': 'a family reads any course of the district before signing a contract',
};

function idKeys(pattern) {
  const segs = pattern.split('/');
  const keys = [];
  segs.forEach((seg, i) => {
    if (seg !== '{id}') return;
    const k = segs[i - 1];
    keys.push(keys.length ? `${keys[keys.length - 1]}.${k}` : k);
  });
  return keys;
}

let seq = 0;
const uniq = () => `${++seq}${Math.random().toString(36).slice(2, 6)}`;

async function mkUser(D, roles, prefix, extra = {}) {
  const username = prefix + uniq();
  const u = expectStatus(await s.api('POST', '/api/v1/users', { username, password: 'password-123', name: username, roles, ...extra }, D), 201);
  return { id: u.id, username, token: await s.login(username, 'password-123') };
}

// A world of objects of every kind, built by the district admin D. `marker` goes into every
// name, so an answer that shows this world's rows can be told; `dmarker` into the names of
// what the whole district shares (the vetted vendors every school of it reads).
async function buildWorld(D, marker, { vendor = true, dmarker = marker } = {}) {
  const w = { marker, dmarker };
  w.school = expectStatus(await s.api('POST', '/api/v1/schools', { name: `${marker}学校${uniq()}`, kind: 'primary', rural: false }, D), 201);
  w.cls = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w.school.id, grade: 4, name: `${marker}4年级1班` }, D), 201);
  w.schoolAdmin = await mkUser(D, [{ role: 'school_admin', school_id: w.school.id }], `${marker}sa`);
  w.leader = await mkUser(D, [{ role: 'grade_leader', school_id: w.school.id, grade: 4 }], `${marker}gl`);
  w.teacher = await mkUser(D, [{ role: 'teacher', school_id: w.school.id }], `${marker}te`);
  expectStatus(await s.api('POST', `/api/v1/classes/${w.cls.id}/teachers`, { user_id: w.teacher.id, subject: '数学' }, D), 201);
  w.student = expectStatus(await s.api('POST', '/api/v1/students', { class_id: w.cls.id, name: `${marker}学生`, student_no: `${marker}${uniq()}` }, D), 201);
  w.guardian = await mkUser(D, [{ role: 'guardian' }], `${marker}gu`, { phone: '139' + String(10000000 + seq).slice(-8) });
  expectStatus(await s.api('POST', `/api/v1/students/${w.student.id}/guardians`, { user_id: w.guardian.id }, D), 201);
  // homework, and a grade leader's change to it
  const hwDay = schoolDay(addDays(today, 1));
  w.homework = expectStatus(await s.api('POST', '/api/v1/homework', { class_id: w.cls.id, date: hwDay, subject: '数学', title: `${marker}口算`, kind: 'written', minutes: 20 }, w.teacher.token), 201);
  expectStatus(await s.api('POST', `/api/v1/homework/${w.homework.id}/adjust`, { minutes: 15, reason: `${marker}缩短` }, w.leader.token), 200);
  const ch = expectStatus(await s.api('GET', '/api/v1/homework/changes', undefined, w.teacher.token), 200);
  w.change = ch.items[0];
  w.exam = expectStatus(await s.api('POST', '/api/v1/exams', { school_id: w.school.id, grade: 4, term: TERM, kind: 'final', paper: true, date: today }, w.schoolAdmin.token), 201);
  // after school
  w.program = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', {
    school_id: w.school.id, term: TERM, name: `${marker}课后托管`, kind: 'care', provider: 'school', capacity: 50,
    weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '18:00', fee_per_hour_fen: 200, first_day: T_FIRST, last_day: T_LAST,
  }, w.schoolAdmin.token), 201);
  w.enrolment = expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: w.program.id, student_id: w.student.id }, w.guardian.token), 201);
  expectStatus(await s.api('POST', '/api/v1/afterschool/waivers', { student_id: w.student.id, reason: `${marker}低保家庭` }, w.schoolAdmin.token), 201);
  // leave cannot be back-dated through the API: the row as the school would have it
  sql(`INSERT INTO afterschool_leave (district_id, school_id, user_id, date, half, week_start, minutes, status, policy_version, created_at)
       SELECT district_id, ${w.school.id}, ${w.teacher.id}, '${schoolDay(addDays(today, 14))}', 'am', '${today}', 240, 'pending', 'national-2021', 0
       FROM schools WHERE id = ${w.school.id}`);
  w.leave = { id: Number(sql(`SELECT MAX(id) FROM afterschool_leave WHERE user_id = ${w.teacher.id}`).trim()) };
  // training and funds
  w.inst = expectStatus(await s.api('POST', '/api/v1/institutions', { name: `${marker}培训学校${uniq()}`, category: 'subject', license_no: licenseNo(), address: '城关镇文化路 1 号', online: false }, D), 201);
  w.instAdmin = await mkUser(D, [{ role: 'institution_admin', institution_id: w.inst.id }], `${marker}ia`);
  w.instStaff = expectStatus(await s.api('POST', `/api/v1/institutions/${w.inst.id}/staff`, { name: `${marker}前台`, teaches_subject: false }, w.instAdmin.token), 201);
  w.course = expectStatus(await s.api('POST', `/api/v1/institutions/${w.inst.id}/courses`, {
    name: `${marker}数学提高班`, subject: '数学', online: false, lesson_minutes: 45, price_per_lesson_fen: 4000,
    schedule: [{ weekday: 1, start: '18:00', end: '18:45' }],
  }, w.instAdmin.token), 201);
  expectStatus(await s.api('POST', `/api/v1/courses/${w.course.id}/review`, { state: 'approved' }, D), 200); // TR-5
  const contract = async () => expectStatus(await s.api('POST', '/api/v1/contracts', {
    course_id: w.course.id, student_id: w.student.id, lessons: 10, start_date: today, end_date: addDays(today, 60),
  }, w.guardian.token), 201);
  w.contract = await contract();
  expectStatus(await s.api('POST', `/api/v1/contracts/${w.contract.id}/payments`, { amount_fen: 8000 }, w.guardian.token), 201);
  w.refunded = await contract();
  expectStatus(await s.api('POST', `/api/v1/contracts/${w.refunded.id}/payments`, { amount_fen: 4000 }, w.guardian.token), 201);
  expectStatus(await s.api('POST', `/api/v1/contracts/${w.refunded.id}/refund`, undefined, D), 200);
  const refunds = expectStatus(await s.api('GET', `/api/v1/refunds?institution_id=${w.inst.id}`, undefined, D), 200);
  w.refund = refunds.items[0];
  // a typical case the school submitted, with a photo
  w.typicalCase = expectStatus(await s.api('POST', '/api/v1/typical-cases', { topic: 'homework', title: `${marker}作业公示案例`, body: `${marker}做法` }, w.schoolAdmin.token), 201);
  w.photo = expectStatus(await s.api('POST', `/api/v1/typical-cases/${w.typicalCase.id}/photos`, jpeg(), w.schoolAdmin.token), 201);
  // cases: a guardian's complaint about the school (assigned to it) with a photo, a case
  // about the institution with a joint enforcement action, inspections of both with a
  // rectification each, the school's with a photo
  w.complaint = expectStatus(await s.api('POST', '/api/v1/complaints', { category: 'homework_overload', text: `${marker}作业过多`, student_id: w.student.id }, w.guardian.token), 201);
  w.casePhoto = expectStatus(await s.api('POST', `/api/v1/cases/${w.complaint.id}/photos`, jpeg(), w.guardian.token), 201);
  w.instCase = expectStatus(await s.api('POST', '/api/v1/cases', { category: 'disguised_training', text: `${marker}隐形变异`, institution_id: w.inst.id }, D), 201);
  const enf = expectStatus(await s.api('POST', `/api/v1/cases/${w.instCase.id}/enforcements`, { date: today, place: `${marker}文化路1号`, findings: `${marker}现场`, departments: [{ department: '公安', task: '维持秩序' }] }, D), 201);
  w.enforcement = enf.enforcements[0];
  w.inspection = expectStatus(await s.api('POST', '/api/v1/inspections', { school_id: w.school.id, date: today, findings: [{ rule: 'HW-2', text: `${marker}作业超时`, rectify_by: today }] }, D), 201);
  w.rect = w.inspection.rectifications[0];
  w.rectPhoto = expectStatus(await s.api('POST', `/api/v1/rectifications/${w.rect.id}/photos`, jpeg(), w.schoolAdmin.token), 201);
  w.instInspection = expectStatus(await s.api('POST', '/api/v1/inspections', { institution_id: w.inst.id, date: today, findings: [{ rule: 'TR-6', text: `${marker}无证教师`, rectify_by: today }] }, D), 201);
  w.instRect = w.instInspection.rectifications[0];
  // a notice of the school to its grade 4 families, with an attachment
  w.attachment = expectStatus(await s.api('POST', '/api/v1/notices/attachments?name=a.pdf', '%PDF-1.4 test', w.schoolAdmin.token), 201);
  w.notice = expectStatus(await s.api('POST', '/api/v1/notices', {
    title: `${marker}家长会通知`, body: `${marker}本周五下午召开家长会`, audience: { grade: 4, roles: ['guardian'] }, attachment_ids: [w.attachment.id],
  }, w.schoolAdmin.token), 201);
  if (vendor) {
    w.vendor = expectStatus(await s.api('POST', '/api/v1/afterschool/vendors', {
      name: `${dmarker}围棋培训中心`, credit_code: '91512081MA62K0260E', institution_id: w.inst.id, service_items: ['围棋'],
      fee_per_hour_fen: 300, vetted_from: T_FIRST, vetted_to: T_LAST,
    }, D), 201);
  }
  return w;
}

async function terms(D) {
  for (const Y of [y - 1, y, y + 1]) {
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-spring`, first_day: `${Y}-02-01`, last_day: `${Y}-07-31` }, D), 201);
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-autumn`, first_day: `${Y}-08-01`, last_day: `${Y + 1}-01-31` }, D), 201);
  }
}

let A, B, C, callers;
before(async () => {
  s = await startServer();
  const D1 = await s.admin();
  // the second district and its admin (same password as the first one's)
  sql(`INSERT INTO districts (name, created_at) VALUES ('第二区教育局', 0)`);
  sql(`INSERT INTO users (district_id, username, name, password_hash, created_at)
       SELECT (SELECT MAX(id) FROM districts), 'admin2', '二区管理员', password_hash, 0 FROM users WHERE username = 'admin'`);
  sql(`INSERT INTO user_roles (user_id, role) SELECT id, 'district_admin' FROM users WHERE username = 'admin2'`);
  const D2 = await s.login('admin2', ADMIN_PASSWORD);
  await terms(D1);
  await terms(D2);
  A = await buildWorld(D1, 'AAQ', { vendor: false });
  B = await buildWorld(D1, 'BBQ', { dmarker: 'D1Q' });
  C = await buildWorld(D2, 'CCQ', { dmarker: 'D2Q' });
  const inspector = await mkUser(D1, [{ role: 'inspector' }], 'insp');
  callers = {
    district_admin: { token: D1, targets: [C] },
    inspector: { token: inspector.token, targets: [C] },
    school_admin: { token: A.schoolAdmin.token, targets: [B, C] },
    grade_leader: { token: A.leader.token, targets: [B, C] },
    teacher: { token: A.teacher.token, targets: [B, C] },
    guardian: { token: A.guardian.token, targets: [B, C] },
    institution_admin: { token: A.instAdmin.token, targets: [B, C] },
  };
});
after(async () => { await s?.stop(); });

// Runs fns with at most n at once.
async function pool(fns, n = 4) {
  const out = [];
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < fns.length) { const k = i++; out[k] = await fns[k](); }
  }));
  return out;
}

// The text of every file in a zip (an XLSX answer), from its central directory.
function zipText(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'not a zip');
  const n = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16), out = '';
  for (let i = 0; i < n; i++) {
    const method = buf.readUInt16LE(p + 10), size = buf.readUInt32LE(p + 20);
    const local = buf.readUInt32LE(p + 42);
    const data = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(data, data + size);
    out += (method === 8 ? inflateRawSync(raw) : raw).toString();
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}

const isPublic = (rt) => rt.perm === 'public';
const admits = (rt, role) => rt.roles.length === 0 || rt.roles.includes(role);
const bodyFor = (rt) => (rt.method === 'GET' ? undefined : rt.raw_body ? 'x' : {});

test('the public routes are exactly the listed ones', () => {
  const pub = ROUTES.filter(isPublic).map((rt) => `${rt.method} ${rt.pattern}`).sort();
  assert.deepEqual(pub, [...PUBLIC].sort(), 'a route is public that PUBLIC in tests/api/authz.test.mjs does not list (or the reverse): check that it should be, then list it');
});

test('every path segment before {id} has an object kind', () => {
  const missing = [];
  for (const rt of ROUTES) {
    if (isPublic(rt)) continue;
    for (const k of idKeys(rt.pattern)) if (!KINDS[k]) missing.push(`${rt.method} ${rt.pattern}: "${k}"`);
  }
  assert.deepEqual(missing, [], 'add these path segments to KINDS in tests/api/authz.test.mjs (which object of another school or district each takes):\n' + missing.join('\n'));
});

test('the targets exist: their own district admin reads them', async () => {
  for (const [w, D] of [[B, await s.admin()], [C, await s.login('admin2', ADMIN_PASSWORD)]]) {
    for (const p of [`/api/v1/schools/${w.school.id}`, `/api/v1/classes/${w.cls.id}`, `/api/v1/students/${w.student.id}`,
      `/api/v1/homework/${w.homework.id}`, `/api/v1/exams/${w.exam.id}`, `/api/v1/afterschool/programs/${w.program.id}`,
      `/api/v1/institutions/${w.inst.id}`, `/api/v1/courses/${w.course.id}`, `/api/v1/contracts/${w.contract.id}`,
      `/api/v1/cases/${w.complaint.id}`, `/api/v1/cases/${w.instCase.id}`, `/api/v1/cases/${w.complaint.id}/photos/${w.casePhoto.id}`,
      `/api/v1/inspections/${w.inspection.id}`, `/api/v1/rectifications/${w.instRect.id}`,
      `/api/v1/rectifications/${w.rect.id}/photos/${w.rectPhoto.id}`]) {
      expectStatus(await s.api('GET', p, undefined, D), 200);
    }
  }
});

test('without a token every route but the public ones answers 401', async () => {
  const bad = [];
  await pool(ROUTES.filter((rt) => !isPublic(rt)).map((rt) => async () => {
    const path = fillText(rt.pattern).replaceAll('{id}', '1');
    const r = await s.api(rt.method, path, bodyFor(rt));
    if (r.status !== 401) bad.push(`${rt.method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }));
  assert.deepEqual(bad, []);
});

test('every route x every role x an object outside the caller\'s scope is refused (403/404)', async () => {
  const bad = [];
  const calls = [];
  for (const rt of ROUTES) {
    if (isPublic(rt)) continue;
    const keys = idKeys(rt.pattern);
    for (const [role, c] of Object.entries(callers)) {
      const inGate = admits(rt, role);
      if (keys.length === 0) {
        // no object in the path: only the gate can be checked here (filters: the next test)
        if (!inGate) calls.push({ rt, role, c, path: fillText(rt.pattern), expect: [403] });
        continue;
      }
      let targets = c.targets;
      if (DISTRICT_READABLE[`${rt.method} ${rt.pattern}`]) targets = targets.filter((w) => w === C);
      for (const w of targets) {
        // every combination of the kinds' ids (routes have one or two ids)
        let paths = [fillText(rt.pattern)];
        for (const k of keys) {
          paths = paths.flatMap((p) => KINDS[k](w).map((id) => p.replace('{id}', String(id))));
        }
        for (const path of paths) calls.push({ rt, role, c, path, expect: inGate ? [403, 404] : [403] });
      }
    }
  }
  await pool(calls.map(({ rt, role, c, path, expect }) => async () => {
    const r = await s.api(rt.method, path, bodyFor(rt), c.token);
    if (!expect.includes(r.status)) bad.push(`${role} ${rt.method} ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  }));
  assert.ok(calls.length > 500, 'too few calls: ' + calls.length);
  assert.deepEqual(bad, [], `${bad.length} of ${calls.length} calls were not refused`);
});

test('the marker check sees a school\'s own rows, in JSON and in a workbook', async () => {
  const own = async (path) => {
    const res = await fetch(s.url + path, { headers: { Authorization: 'Bearer ' + A.schoolAdmin.token } });
    assert.equal(res.status, 200, path);
    const buf = Buffer.from(await res.arrayBuffer());
    return buf.subarray(0, 2).toString('latin1') === 'PK' ? zipText(buf) : buf.toString();
  };
  assert.match(await own(`/api/v1/users?school_id=${A.school.id}`), /AAQ/);
  assert.match(await own(`/api/v1/afterschool/reports/coverage.xlsx?school_id=${A.school.id}&term=${TERM}`), /AAQ/);
});

test('list filters naming another school, class, pupil, program, institution or teacher are refused or show none of its rows', async () => {
  const bad = [];
  const calls = [];
  const filters = (w) => ({
    school_id: w.school.id, class_id: w.cls.id, student_id: w.student.id, institution_id: w.inst.id, program_id: w.program.id,
    user_id: w.teacher.id,
  });
  for (const rt of ROUTES) {
    if (isPublic(rt) || rt.method !== 'GET' || idKeys(rt.pattern).length) continue;
    if (rt.pattern === '/api/v1/audit') continue; // the district's own log: names only ids
    for (const [role, c] of Object.entries(callers)) {
      if (!admits(rt, role)) continue;
      for (const w of c.targets) {
        for (const [k, id] of Object.entries(filters(w))) {
          const path = `${fillText(rt.pattern)}?${k}=${id}&term=${TERM}&from=${T_FIRST}&to=${T_LAST}&date=${today}&grade=4`;
          calls.push({ role, c, w, path });
        }
      }
    }
  }
  await pool(calls.map(({ role, c, w, path }) => async () => {
    const res = await fetch(s.url + path, { headers: { Authorization: 'Bearer ' + c.token } });
    const buf = Buffer.from(await res.arrayBuffer());
    if ([400, 403, 404].includes(res.status)) return;
    if (res.status !== 200) { bad.push(`${role} GET ${path}: ${res.status} ${buf.toString().slice(0, 200)}`); return; }
    // an answer (JSON, or a workbook: the text of every part of the zip) must not show the
    // other world's names, nor, from another district, what that district shares
    const text = buf.subarray(0, 2).toString('latin1') === 'PK' ? zipText(buf) : buf.toString();
    for (const mk of w === C ? [w.marker, w.dmarker] : [w.marker]) {
      if (text.includes(mk)) bad.push(`${role} GET ${path}: 200 shows ${mk}'s rows`);
    }
  }));
  assert.deepEqual(bad, [], `${bad.length} of ${calls.length} filtered lists were not refused`);
});
