// API tests for exams (API.md "Homework and exams", POLICY.md EX-1..EX-4): plans refused by
// rule with its ID and numbers, bad input refused with nothing stored, one final a term even
// under concurrent requests, no other grade-wide paper test (月测, 周测...) whatever its name, scores
// only by the grade's teachers and only from the exam's date on, and results as bands only, in
// student_no order whatever the query string asks, each family seeing only its own child.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, world, expectStatus, TODAY } from './lib.mjs';

let s, A, w, clsB, teacherB, pupils, term, examDate;
const today = TODAY; // the server's, on the test clock
const termOf = (d) => {
  const y = Number(d.slice(0, 4)), m = Number(d.slice(5, 7));
  return m >= 8 ? `${y}-autumn` : m === 1 ? `${y - 1}-autumn` : `${y}-spring`;
};

let seq = 0;
async function user(roles) {
  const username = `ex${++seq}_${Math.random().toString(36).slice(2, 6)}`;
  const u = expectStatus(await s.api('POST', '/api/v1/users', { username, password: 'password-123', name: username, roles }, A), 201);
  return { id: u.id, token: await s.login(username, 'password-123') };
}
const plan = (body, token = w.schoolAdmin.token) => s.api('POST', '/api/v1/exams', { school_id: w.school.id, grade: 4, term, kind: 'final', paper: true, date: examDate, ...body }, token);
const results = (id, token, q = '') => s.api('GET', `/api/v1/exams/${id}/results${q}`, undefined, token);

before(async () => {
  s = await startServer();
  A = await s.admin();
  term = termOf(today);
  const y = Number(term.slice(0, 4));
  const [first, last] = term.endsWith('autumn') ? [`${y}-08-01`, `${y + 1}-01-31`] : [`${y}-02-01`, `${y}-07-31`];
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term, first_day: first, last_day: last }, A), 201);
  examDate = today;
  w = await world(s, { grade: 4 });
  clsB = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: w.school.id, grade: 4, name: '4年级2班' }, A), 201);
  teacherB = await user([{ role: 'teacher', school_id: w.school.id }]);
  expectStatus(await s.api('POST', `/api/v1/classes/${clsB.id}/teachers`, { user_id: teacherB.id, subject: '数学' }, A), 201);
  // pupils made so that id order, student_no order and score order all differ
  pupils = {};
  for (const [no, cls] of [['S0003', w.cls.id], ['S0001', w.cls.id], ['S0004', clsB.id], ['S0002', w.cls.id], ['S0005', clsB.id]]) {
    pupils[no] = expectStatus(await s.api('POST', '/api/v1/students', { class_id: cls, name: '学生' + no, student_no: no + w.n }, A), 201);
  }
});
after(async () => { await s?.stop(); });

test('EX-1: no paper exams in grades 1-2; a non-paper assessment is allowed', async () => {
  const g2 = await world(s, { grade: 2 });
  const body = { school_id: g2.school.id, grade: 2, term, kind: 'final', paper: true, date: examDate };
  const e = expectStatus(await s.api('POST', '/api/v1/exams', body, g2.schoolAdmin.token), 422, 'exam_not_allowed').error;
  assert.equal(e.rule, 'EX-1');
  assert.equal(e.grade, 2);
  expectStatus(await s.api('POST', '/api/v1/exams', { ...body, kind: 'quiz' }, g2.schoolAdmin.token), 422, 'exam_not_allowed');
  const ok = expectStatus(await s.api('POST', '/api/v1/exams', { ...body, paper: false }, g2.schoolAdmin.token), 201);
  assert.equal(ok.paper, false);
  assert.equal(ok.policy_version, 'national-2021');
  // the name families read says the term in words, never its code ("2026-autumn期末")
  const season = term.endsWith('autumn') ? '秋季' : '春季';
  assert.equal(ok.name, `${term.slice(0, 4)} 年${season}学期期末`);
});

test('EX-2: one final a term, a midterm only in junior high; a cancelled plan frees its place', async () => {
  const x = await world(s, { grade: 5 });
  const body = { school_id: x.school.id, grade: 5, term, kind: 'final', paper: true, date: examDate };
  const P = (b) => s.api('POST', '/api/v1/exams', { ...body, ...b }, x.schoolAdmin.token);
  const first = expectStatus(await P({}), 201);
  let e = expectStatus(await P({}), 422, 'exam_not_allowed').error;
  assert.deepEqual([e.rule, e.limit, e.existing], ['EX-2', 1, 1]);
  e = expectStatus(await P({ subject: '数学' }), 422, 'exam_not_allowed').error;  // a whole-grade final covers maths
  assert.equal(e.rule, 'EX-2');
  e = expectStatus(await P({ kind: 'midterm' }), 422, 'exam_not_allowed').error;
  assert.deepEqual([e.rule, e.limit, e.existing], ['EX-2', 0, 0]);
  // a cap of 0 says why (primary grades have no midterm), not "已有 0 次,至多 0 次"
  assert.match(e.message, /五年级不安排期中考试.*期中考试仅限初中年级.*EX-2/);
  assert.doesNotMatch(e.message, /至多 0 次/);
  const en = (await s.api('POST', '/api/v1/exams', { ...body, kind: 'midterm' }, x.schoolAdmin.token, { 'Accept-Language': 'en' })).body.error;
  assert.match(en.message, /No midterm exam in .*grades 7-9 \(EX-2\)/);
  expectStatus(await P({ kind: 'quiz', paper: false }), 201);                    // an oral or practical check is no paper exam
  expectStatus(await s.api('DELETE', `/api/v1/exams/${first.id}`, undefined, x.teacher.token), 403);
  expectStatus(await s.api('DELETE', `/api/v1/exams/${first.id}`, undefined, x.schoolAdmin.token), 204);
  expectStatus(await P({ subject: '数学' }), 201);
  expectStatus(await P({ subject: '语文' }), 201);
  expectStatus(await P({ subject: '数学' }), 422, 'exam_not_allowed');
  const j = await world(s, { grade: 8, kind: 'junior' });
  const jb = { school_id: j.school.id, grade: 8, term, kind: 'midterm', paper: true, date: examDate };
  expectStatus(await s.api('POST', '/api/v1/exams', jb, j.schoolAdmin.token), 201);
  e = expectStatus(await s.api('POST', '/api/v1/exams', jb, j.schoolAdmin.token), 422, 'exam_not_allowed').error;
  assert.deepEqual([e.rule, e.limit, e.existing], ['EX-2', 1, 1]);
});

test('EX-3: no monthly exams, no regional or cross-school exams outside graduating grades', async () => {
  const j = await world(s, { grade: 8, kind: 'junior' });
  const body = { school_id: j.school.id, grade: 8, term, kind: 'final', paper: true, date: examDate };
  let e = expectStatus(await s.api('POST', '/api/v1/exams', { ...body, kind: 'monthly' }, j.schoolAdmin.token), 422, 'exam_not_allowed').error;
  assert.equal(e.rule, 'EX-3');
  e = expectStatus(await s.api('POST', '/api/v1/exams', { ...body, scope: 'regional' }, j.schoolAdmin.token), 422, 'exam_not_allowed').error;
  assert.equal(e.rule, 'EX-3');
  expectStatus(await s.api('POST', '/api/v1/exams', { ...body, scope: 'cross_school' }, j.schoolAdmin.token), 422, 'exam_not_allowed');
  const g9 = await world(s, { grade: 9, kind: 'junior' });
  expectStatus(await s.api('POST', '/api/v1/exams', { ...body, school_id: g9.school.id, grade: 9, scope: 'regional' }, g9.schoolAdmin.token), 201);
  const list = expectStatus(await s.api('GET', `/api/v1/exams?school_id=${j.school.id}`, undefined, j.teacher.token), 200);
  assert.equal(list.total, 0, 'nothing stored by the refusals');
});

test('EX-2/EX-3: no grade-wide paper test beside the final (and the junior midterm), whatever it is called', async () => {
  const x = await world(s, { grade: 5 });
  const body = { school_id: x.school.id, grade: 5, term, kind: 'quiz', paper: true, date: examDate };
  const P = (b, w = x) => s.api('POST', '/api/v1/exams', { ...body, school_id: w.school.id, ...b }, w.schoolAdmin.token);
  // the case: four grade-wide paper "quizzes" named 月测 in one week; the first is refused
  for (const [name, subject] of [['十二月月测', undefined], ['数学周测', '数学'], ['第三单元统测', '语文']]) {
    const e = expectStatus(await P({ name, subject }), 422, 'exam_not_allowed').error;
    assert.deepEqual([e.rule, e.limit, e.existing, e.finals_per_term, e.midterms_per_term, e.kind, e.paper], ['EX-3', 0, 0, 1, 0, 'quiz', true]);
    assert.match(e.message, /月考|周测/);
  }
  for (const kind of ['monthly', 'weekly', 'unit']) {
    assert.equal(expectStatus(await P({ kind }), 422, 'exam_not_allowed').error.rule, 'EX-3');
  }
  // junior high: the refusal names its one midterm
  const j = await world(s, { grade: 8, kind: 'junior' });
  const je = expectStatus(await P({ grade: 8, name: '月测' }, j), 422, 'exam_not_allowed').error;
  assert.deepEqual([je.rule, je.finals_per_term, je.midterms_per_term], ['EX-3', 1, 1]);
  // a graduating grade too: EX-3's exception is for regional exams only
  const g9 = await world(s, { grade: 9, kind: 'junior' });
  expectStatus(await P({ grade: 9, name: '九年级月考' }, g9), 422, 'exam_not_allowed');
  // an oral or practical check is not a paper exam; the final and the junior midterm still pass
  expectStatus(await P({ paper: false, name: '英语口语测评' }), 201);
  expectStatus(await P({ kind: 'final' }), 201);
  expectStatus(await P({ grade: 8, kind: 'midterm' }, j), 201);
  const list = expectStatus(await s.api('GET', `/api/v1/exams?school_id=${x.school.id}`, undefined, x.schoolAdmin.token), 200);
  assert.deepEqual(list.items.map((i) => [i.kind, i.paper]).sort(), [['final', true], ['quiz', false]]);
  // in English
  const en = await s.api('POST', '/api/v1/exams', { ...body }, x.schoolAdmin.token, { 'Accept-Language': 'en' });
  assert.match(expectStatus(en, 422).error.message, /paper test/);
});

test('EX-2: a midterm where the grade has none says so', async () => {
  const x = await world(s, { grade: 4 });
  const e = expectStatus(await s.api('POST', '/api/v1/exams', { school_id: x.school.id, grade: 4, term, kind: 'midterm', paper: true, date: examDate }, x.schoolAdmin.token), 422, 'exam_not_allowed').error;
  assert.deepEqual([e.rule, e.limit, e.existing], ['EX-2', 0, 0]);
  assert.match(e.message, /不安排期中考试/);
});

test('bad plans are refused with a clear error; only the school or the grade leader plans', async () => {
  const x = await world(s, { grade: 6 });
  const other = await world(s, { grade: 6 });
  const body = { school_id: x.school.id, grade: 6, term, kind: 'final', paper: true, date: examDate };
  const cases = [
    [{ term: '2026-summer' }, 400], [{ term: undefined }, 400], [{ kind: 'essay' }, 400],
    [{ grade: 0 }, 400], [{ grade: 10 }, 400], [{ paper: undefined }, 400], [{ paper: 'yes' }, 400],
    [{ date: '2026-02-31' }, 400], [{ date: `${Number(term.slice(0, 4)) + 3}-03-01` }, 400],
    [{ full_marks: 0 }, 400], [{ scope: 'city' }, 400], [{ school_id: 999999 }, 404],
  ];
  for (const [b, status] of cases) expectStatus(await s.api('POST', '/api/v1/exams', { ...body, ...b }, x.schoolAdmin.token), status);
  expectStatus(await s.api('POST', '/api/v1/exams', body, x.teacher.token), 403);
  expectStatus(await s.api('POST', '/api/v1/exams', body, other.schoolAdmin.token), 403);
  expectStatus(await s.api('POST', '/api/v1/exams', body, x.guardian.token), 403);
  const leader5 = await user([{ role: 'grade_leader', school_id: x.school.id, grade: 5 }]);
  expectStatus(await s.api('POST', '/api/v1/exams', body, leader5.token), 403);
  assert.equal(expectStatus(await s.api('GET', `/api/v1/exams?school_id=${x.school.id}`, undefined, x.schoolAdmin.token), 200).total, 0);
  const leader6 = await user([{ role: 'grade_leader', school_id: x.school.id, grade: 6 }]);
  expectStatus(await s.api('POST', '/api/v1/exams', body, leader6.token), 201);
});

test('ten concurrent requests for a final: exactly one plan is stored', async () => {
  const x = await world(s, { grade: 3 });
  const body = { school_id: x.school.id, grade: 3, term, kind: 'final', paper: true, date: examDate };
  const rs = await Promise.all(Array.from({ length: 10 }, () => s.api('POST', '/api/v1/exams', body, x.schoolAdmin.token)));
  assert.equal(rs.filter((r) => r.status === 201).length, 1, rs.map((r) => r.status).join(','));
  assert.ok(rs.every((r) => r.status === 201 || r.body.error.rule === 'EX-2'));
  assert.equal(expectStatus(await s.api('GET', `/api/v1/exams?school_id=${x.school.id}`, undefined, x.schoolAdmin.token), 200).total, 1);
});

test('scores by the grade\'s teachers only, each checked before anything is stored; results are bands in student_no order', async () => {
  const ex = expectStatus(await plan({ subject: '数学', full_marks: 100 }), 201);
  const P = pupils;
  const sc = (token, scores) => s.api('POST', `/api/v1/exams/${ex.id}/scores`, { scores }, token);
  // teacher A teaches class A only
  expectStatus(await sc(w.teacher.token, [{ student_id: P.S0001.id, score: 90 }, { student_id: P.S0004.id, score: 80 }]), 403);
  expectStatus(await sc(w.teacher.token, [{ student_id: P.S0001.id, score: 101 }]), 400);
  expectStatus(await sc(w.teacher.token, [{ student_id: P.S0001.id, score: -1 }]), 400);
  expectStatus(await sc(w.teacher.token, [{ student_id: P.S0001.id, score: 85.55 }]), 400);
  expectStatus(await sc(w.teacher.token, [{ student_id: P.S0001.id, score: '90' }]), 400);
  expectStatus(await sc(w.teacher.token, [{ student_id: P.S0001.id, score: 90 }, { student_id: P.S0001.id, score: 80 }]), 400);
  expectStatus(await sc(w.teacher.token, [{ student_id: 999999, score: 90 }]), 400);
  expectStatus(await sc(w.teacher.token, []), 400);
  expectStatus(await s.api('POST', `/api/v1/exams/${ex.id}/scores`, {}, w.teacher.token), 400);
  expectStatus(await sc(w.guardian.token, [{ student_id: w.student.id, score: 100 }]), 403);
  const g5 = await world(s, { grade: 5 });
  expectStatus(await sc(g5.teacher.token, [{ student_id: P.S0001.id, score: 90 }]), 403);
  let res = expectStatus(await results(ex.id, w.schoolAdmin.token), 200);
  assert.ok(res.items.every((i) => i.band === null), 'nothing stored by the refusals');
  // now the real entries: class A by its teacher, class B by its teacher
  expectStatus(await sc(w.teacher.token, [
    { student_id: P.S0003.id, score: 85 }, { student_id: P.S0001.id, score: 84.9 },
    { student_id: P.S0002.id, score: 59.9 }, { student_id: w.student.id, score: 100 },
  ]), 204);
  expectStatus(await sc(teacherB.token, [{ student_id: P.S0004.id, score: 70 }, { student_id: P.S0005.id, score: 69.9 }]), 204);
  res = expectStatus(await results(ex.id, w.schoolAdmin.token), 200);
  const nos = res.items.map((i) => i.student_no);
  assert.deepEqual(nos, [...nos].sort(), 'student_no order');
  const band = Object.fromEntries(res.items.map((i) => [i.student_no.slice(0, 5), i.band]));
  assert.deepEqual([band.S0003, band.S0001, band.S0002, band.S0004, band.S0005], ['A', 'B', 'D', 'B', 'C']);
  const text = JSON.stringify(res);
  assert.doesNotMatch(text, /score|rank|position|percentile/i, 'no score, rank or position anywhere');
  for (const item of res.items) assert.deepEqual(Object.keys(item).sort(), ['band', 'class_id', 'class_name', 'name', 'student_id', 'student_no']);
  // no parameter changes the order
  for (const q of ['?sort=score', '?order=desc', '?sort=score&order=desc', '?order_by=band', '?sort=-score&rank=1', '?orderBy=score%20desc']) {
    const again = expectStatus(await results(ex.id, w.schoolAdmin.token, q), 200);
    assert.deepEqual(again.items, res.items, q);
  }
  // a teacher sees the classes they teach
  const a = expectStatus(await results(ex.id, w.teacher.token, '?sort=score&order=desc'), 200);
  assert.deepEqual(a.items.map((i) => i.class_id), Array(a.items.length).fill(w.cls.id));
  assert.equal(a.total, 4);
  const b = expectStatus(await results(ex.id, teacherB.token), 200);
  assert.deepEqual(b.items.map((i) => i.student_no.slice(0, 5)), ['S0004', 'S0005']);
  // a guardian sees their own child only
  const g = expectStatus(await results(ex.id, w.guardian.token, '?sort=score&order=desc'), 200);
  assert.deepEqual(g.items.map((i) => [i.student_id, i.band]), [[w.student.id, 'A']]);
  assert.equal(g.total, 1);
  expectStatus(await results(ex.id, g5.guardian.token), 403);
  expectStatus(await results(ex.id, g5.teacher.token), 403);
  expectStatus(await results(999999, w.schoolAdmin.token), 404);
  // paging keeps the order
  const p1 = expectStatus(await results(ex.id, w.schoolAdmin.token, '?limit=2&offset=0'), 200);
  const p2 = expectStatus(await results(ex.id, w.schoolAdmin.token, '?limit=2&offset=2'), 200);
  assert.deepEqual([...p1.items, ...p2.items], res.items.slice(0, 4));
  // the pupil's own page of bands
  const mine = expectStatus(await s.api('GET', `/api/v1/students/${w.student.id}/exams`, undefined, w.guardian.token), 200);
  assert.deepEqual(mine.items.map((i) => [i.exam_id, i.band]), [[ex.id, 'A']]);
  assert.doesNotMatch(JSON.stringify(mine), /score|rank/i);
  expectStatus(await s.api('GET', `/api/v1/students/${w.student.id}/exams`, undefined, g5.guardian.token), 403);
  // a correction replaces the band; a plan with scores cannot be cancelled
  expectStatus(await sc(w.teacher.token, [{ student_id: w.student.id, score: 60 }]), 204);
  const g2 = expectStatus(await results(ex.id, w.guardian.token), 200);
  assert.equal(g2.items[0].band, 'C');
  expectStatus(await s.api('DELETE', `/api/v1/exams/${ex.id}`, undefined, w.schoolAdmin.token), 409);
});
