// Penalties (PN-1, PN-2) with their measures, joint enforcement (CS-4), related cases, and the
// photos of cases (JPEG/PNG by content, metadata removed, at most 3 x 5 MB, read by scope).
// A PN-1 penalty with stop and refund suspends the institution, empties its escrow back to the
// families through the ledger in the same transaction, and the ledger still verifies.
// Runs on SQLite and, with SJ_PG_URL, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectStatus, world } from './lib.mjs';
import { institution, contract, mkUser, assertMoney } from './funds_world.mjs';
import { tipper } from './cases_world.mjs';
import { jpeg, png, GPS_TEXT } from './photos.mjs';

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
const verifyOk = async () => {
  const v = await get('/api/v1/funds/verify', A);
  assert.equal(v.ok, true, JSON.stringify(v));
  return v;
};

async function caseAbout(inst) {
  return post('/api/v1/cases', { category: 'unlicensed_training', text: '无证开展学科类培训', institution_id: inst.id, place: '城关镇文化路1号' }, I, 201);
}

test('PN-1: the fine is 1 to 5 times the illegal income, at its exact edges', async () => {
  const { inst } = await institution(s);
  const c = await caseAbout(inst);
  const pen = (fine, extra = {}) => s.api('POST', `/api/v1/cases/${c.id}/penalties`,
    { institution_id: inst.id, rule: 'PN-1', illegal_income_fen: 1234500, fine_fen: fine, measures: ['warning'], ...extra }, I);
  for (const fine of [1234499, 6172501]) {
    const r = await pen(fine);
    expectStatus(r, 422, 'fine_out_of_range');
    assert.deepEqual([r.body.error.rule, r.body.error.min_fen, r.body.error.max_fen, r.body.error.fine_fen, r.body.error.illegal_income_fen],
      ['PN-1', 1234500, 6172500, fine, 1234500]);
    assert.match(r.body.error.message, /12345\.00/);
  }
  for (const fine of [1234500, 6172500]) expectStatus(await pen(fine), 201);
  // PN-1 needs the illegal income
  expectStatus(await s.api('POST', `/api/v1/cases/${c.id}/penalties`, { institution_id: inst.id, rule: 'PN-1', fine_fen: 0 }, I), 400, 'missing_field');
  const got = await get(`/api/v1/cases/${c.id}`, I);
  assert.equal(got.penalties.length, 2);
  assert.deepEqual(got.penalties[0].measures, ['warning']);
  // nothing was written by the refusals
  assert.equal(got.history.filter((h) => h.action === 'penalty').length, 2);
});

test('PN-2: a fine at most 5万, or 5万 to 10万 for a serious case, at the exact edges', async () => {
  const { inst } = await institution(s);
  const c = await caseAbout(inst);
  const pen = (fine, serious) => s.api('POST', `/api/v1/cases/${c.id}/penalties`,
    { institution_id: inst.id, rule: 'PN-2', illegal_income_fen: 0, fine_fen: fine, serious, measures: ['warning', 'rectify'] }, I);
  expectStatus(await pen(0, false), 201);
  expectStatus(await pen(5000000, false), 201);
  let r = await pen(5000001, false);
  expectStatus(r, 422, 'fine_out_of_range');
  assert.deepEqual([r.body.error.rule, r.body.error.max_fen], ['PN-2', 5000000]);
  r = await pen(4999999, true);
  expectStatus(r, 422, 'fine_out_of_range');
  assert.deepEqual([r.body.error.min_fen, r.body.error.max_fen, r.body.error.serious], [5000000, 10000000, true]);
  expectStatus(await pen(5000000, true), 201);
  expectStatus(await pen(10000000, true), 201);
  expectStatus(await pen(10000001, true), 422, 'fine_out_of_range');
});

test('penalties: refusals of who, what and whom', async () => {
  const w = await world(s);
  const { inst, admin } = await institution(s);
  const c = await caseAbout(inst);
  const ok = { institution_id: inst.id, rule: 'PN-2', illegal_income_fen: 0, fine_fen: 100000, measures: ['warning'] };
  await post(`/api/v1/cases/${c.id}/penalties`, ok, A, 403);            // the inspector decides
  await post(`/api/v1/cases/${c.id}/penalties`, ok, admin.token, 403);  // not the institution
  await post(`/api/v1/cases/${c.id}/penalties`, ok, w.schoolAdmin.token, 403);
  await post(`/api/v1/cases/${c.id}/penalties`, { ...ok, measures: ['jail'] }, I, 400);
  await post(`/api/v1/cases/${c.id}/penalties`, { ...ok, measures: ['warning', 'warning'] }, I, 400);
  await post(`/api/v1/cases/${c.id}/penalties`, { ...ok, measures: 'stop' }, I, 400);
  await post(`/api/v1/cases/${c.id}/penalties`, { ...ok, rule: 'PN-3' }, I, 400);
  await post(`/api/v1/cases/${c.id}/penalties`, { ...ok, fine_fen: -1 }, I, 400);
  await post(`/api/v1/cases/${c.id}/penalties`, { ...ok, institution_id: 999999 }, I, 400);
  // an unregistered party: by name, without the measures that need the registry
  const { institution_id: _, ...anon } = ok;
  await post(`/api/v1/cases/${c.id}/penalties`, anon, I, 400);
  await post(`/api/v1/cases/${c.id}/penalties`, { ...anon, party: '某小区无证补习点', measures: ['refund'] }, I, 400);
  await post(`/api/v1/cases/${c.id}/penalties`, { ...anon, party: '某小区无证补习点', measures: ['blacklist'] }, I, 400);
  const p = await post(`/api/v1/cases/${c.id}/penalties`, { ...anon, party: '某小区无证补习点', measures: ['stop', 'warning'] }, I, 201);
  assert.equal(p.institution, undefined);
  await post('/api/v1/cases/999999/penalties', ok, I, 404);
});

test('PN-1 with stop, refund and blacklist: suspended, every open contract refunded in one step, verify ok, the families see it', async () => {
  const w1 = await world(s), w2 = await world(s);
  const { inst, admin, course } = await institution(s, { price: 4000 });
  const c1 = await contract(s, w1, course, 10), c2 = await contract(s, w2, course, 20);
  await post(`/api/v1/contracts/${c1.id}/payments`, { amount_fen: 40000 }, w1.guardian.token, 201);
  await post(`/api/v1/contracts/${c2.id}/payments`, { amount_fen: 80000 }, w2.guardian.token, 201);
  await post(`/api/v1/contracts/${c1.id}/lessons`, { date: '2026-09-07' }, admin.token, 201);
  const before = await verifyOk();
  const k = await caseAbout(inst);
  const p = await post(`/api/v1/cases/${k.id}/penalties`, {
    institution_id: inst.id, rule: 'PN-1', illegal_income_fen: 116000, fine_fen: 232000,
    measures: ['stop', 'refund', 'blacklist'], text: '责令停止办学,退还预收费,罚款两倍',
  }, I, 201);
  assert.deepEqual([p.contracts_refunded, p.refund_fen], [2, 36000 + 80000]);
  assert.deepEqual(p.institution, { id: inst.id, state: 'suspended', list: 'black' });
  for (const [c, w, left] of [[c1, w1, 36000], [c2, w2, 80000]]) {
    const got = await get(`/api/v1/contracts/${c.id}`, w.guardian.token);
    assert.deepEqual([got.status, got.escrow_fen, got.refunded_fen], ['closed', 0, left]);
    assertMoney(got);
  }
  const after = await verifyOk();
  assert.equal(after.escrow_fen, before.escrow_fen - 116000);
  // stop: no new contracts, no lessons
  const r = await s.api('POST', '/api/v1/contracts', { course_id: course.id, student_id: w1.student.id, lessons: 1, start_date: '2026-09-01', end_date: '2026-09-30' }, w1.guardian.token);
  assert.ok([409, 422].includes(r.status), JSON.stringify(r.body));
  // the families' public look-up and the institution's page show the black list and the penalty
  const pub = await get(`/api/v1/public/institutions/${inst.id}`);
  assert.deepEqual([pub.state, pub.list], ['suspended', 'black']);
  const pens = await get(`/api/v1/public/institutions/${inst.id}/penalties`);
  assert.equal(pens.total, 1);
  assert.deepEqual([pens.items[0].rule, pens.items[0].fine_fen, pens.items[0].measures], ['PN-1', 232000, ['stop', 'refund', 'blacklist']]);
  assert.equal(pens.list, 'black');
  assert.ok(!JSON.stringify(pens).includes('退还预收费'), 'the inspector\'s text is not public');
  await get('/api/v1/public/institutions/999999/penalties', undefined, 404);
  const page = await get(`/api/v1/institutions/${inst.id}`, admin.token);
  assert.deepEqual([page.state, page.list], ['suspended', 'black']);
  // the case page shows the penalty with its figures
  const got = await get(`/api/v1/cases/${k.id}`, I);
  assert.deepEqual([got.penalties[0].contracts_refunded, got.penalties[0].refund_fen], [2, 116000]);
  assert.equal(got.institution.list, 'black');
});

test('stop alone: the institution records no more lessons on its open contracts', async () => {
  const w = await world(s);
  const { inst, admin, course } = await institution(s, { price: 4000 });
  const c = await contract(s, w, course, 10);
  await post(`/api/v1/contracts/${c.id}/payments`, { amount_fen: 40000 }, w.guardian.token, 201);
  const k = await caseAbout(inst);
  await post(`/api/v1/cases/${k.id}/penalties`, { institution_id: inst.id, rule: 'PN-2', illegal_income_fen: 0, fine_fen: 10000, measures: ['stop'] }, I, 201);
  assert.equal((await get(`/api/v1/public/institutions/${inst.id}`)).state, 'suspended');
  // no lesson is recorded (the institution is not active, or its contracts were closed)
  const r = await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-07' }, admin.token);
  expectStatus(r, 409);
  assert.ok(['institution_not_active', 'contract_closed'].includes(r.body.error.code), JSON.stringify(r.body));
  // the family gets its money back, now or already
  const back = await s.api('POST', `/api/v1/contracts/${c.id}/refund`, undefined, w.guardian.token);
  assert.ok([200, 409].includes(back.status), JSON.stringify(back.body));
  const got = await get(`/api/v1/contracts/${c.id}`, w.guardian.token);
  assert.deepEqual([got.escrow_fen, got.refunded_fen, got.status], [0, 40000, 'closed']);
  await verifyOk();
});

test('concurrent penalties with refund on one institution: every contract refunded once, verify ok', async () => {
  const w = await world(s);
  const { inst, course } = await institution(s, { price: 4000 });
  const cs = [];
  for (let i = 0; i < 3; i++) {
    const c = await contract(s, w, course, 5);
    await post(`/api/v1/contracts/${c.id}/payments`, { amount_fen: 20000 }, w.guardian.token, 201);
    cs.push(c);
  }
  const k = await caseAbout(inst);
  const rs = await Promise.all(Array.from({ length: 4 }, () => s.api('POST', `/api/v1/cases/${k.id}/penalties`,
    { institution_id: inst.id, rule: 'PN-2', illegal_income_fen: 0, fine_fen: 1000, measures: ['refund'] }, I)));
  assert.ok(rs.every((r) => r.status === 201), rs.map((r) => r.status).join(','));
  assert.equal(rs.reduce((a, r) => a + r.body.refund_fen, 0), 60000);
  assert.equal(rs.reduce((a, r) => a + r.body.contracts_refunded, 0), 3);
  await verifyOk();
});

test('CS-4: joint enforcement with the district\'s departments, each with its task and answer', async () => {
  const { inst } = await institution(s);
  const k = await caseAbout(inst);
  const body = {
    date: '2026-10-12', place: '城关镇文化路1号3栋502室', findings: '现场有学生12名,教师2名,使用初中数学教材',
    departments: [
      { department: '教体', task: '认定培训性质', answer: '属学科类培训' },
      { department: '市场监管', task: '核查营业执照' },
      { department: '公安', task: '现场秩序维护' },
    ],
  };
  const got = await post(`/api/v1/cases/${k.id}/enforcements`, body, I, 201);
  const e = got.enforcements[0];
  assert.deepEqual([e.date, e.place], [body.date, body.place]);
  assert.deepEqual(e.departments.map((d) => [d.department, d.answer]), [['教体', '属学科类培训'], ['市场监管', null], ['公安', null]]);
  const ans = await post(`/api/v1/enforcements/${e.id}/answers`, { department: '市场监管', answer: '无营业执照,已立案' }, I);
  assert.equal(ans.enforcements[0].departments[1].answer, '无营业执照,已立案');
  await post(`/api/v1/enforcements/${e.id}/answers`, { department: '民政', answer: 'x' }, I, 400);
  await post('/api/v1/enforcements/999999/answers', { department: '公安', answer: 'x' }, I, 404);
  const bad = await post(`/api/v1/cases/${k.id}/enforcements`, { ...body, departments: [{ department: '气象局', task: 'x' }] }, I, 422, 'unknown_department');
  assert.deepEqual([bad.error.rule, bad.error.department], ['CS-4', '气象局']);
  await post(`/api/v1/cases/${k.id}/enforcements`, { ...body, departments: [{ department: '公安', task: 'a' }, { department: '公安', task: 'b' }] }, I, 400);
  await post(`/api/v1/cases/${k.id}/enforcements`, { ...body, departments: [] }, I, 400);
  await post(`/api/v1/cases/${k.id}/enforcements`, { ...body, date: '2026-13-01' }, I, 400);
  const w = await world(s);
  await post(`/api/v1/cases/${k.id}/enforcements`, body, w.schoolAdmin.token, 403);
  assert.ok((await get(`/api/v1/cases/${k.id}`, I)).history.some((h) => h.action === 'enforcement_answer'));
});

test('related cases: the same institution, the same place however it is typed', async () => {
  const { inst } = await institution(s);
  const a = await tip({ category: 'disguised_training', text: '以家政名义上课', institution_id: inst.id, anonymous: true });
  const b = await tip({ category: 'off_hours_training', text: '周末上课', institution_id: inst.id, anonymous: true });
  const p1 = await tip({ category: 'disguised_training', text: '民宿里一对一', place: '桃源镇 幸福路 18号', anonymous: true });
  const p2 = await tip({ category: 'unlicensed_training', text: '又看到补课', place: '桃源镇幸福路18号', anonymous: true });
  const other = await tip({ category: 'other', text: '别处', place: '桃源镇幸福路19号', anonymous: true });
  const ra = await get(`/api/v1/cases/${a.case_id}/related`, I);
  assert.deepEqual(ra.items.map((x) => [x.id, x.same]), [[b.case_id, 'institution']]);
  const rp = await get(`/api/v1/cases/${p1.case_id}/related`, I);
  assert.deepEqual(rp.items.map((x) => [x.id, x.same]), [[p2.case_id, 'place']]);
  assert.equal((await get(`/api/v1/cases/${other.case_id}/related`, I)).total, 0);
  const w = await world(s);
  await get(`/api/v1/cases/${a.case_id}/related`, w.schoolAdmin.token, 403);
});

test('photos: JPEG and PNG by content, location and text removed, at most 3, 5 MB, read by whoever reads the case', async () => {
  const w = await world(s), v = await world(s);
  const t = await tip({ category: 'homework_overload', text: '作业照片', school_id: w.school.id, anonymous: true });
  const up = (path, body, token) => s.api('POST', path, body, token, { 'Content-Type': 'application/octet-stream' });
  // the tipster, with the code and secret
  const j = jpeg();
  const p1 = expectStatus(await up(`/api/v1/tips/${t.tracking_code}/photos?secret=${t.secret}`, j), 201);
  assert.equal(p1.mime, 'image/jpeg');
  assert.ok(p1.bytes < j.length);
  expectStatus(await up(`/api/v1/tips/${t.tracking_code}/photos?secret=WRONG`, j), 404);
  // what is stored has no trace of where and who
  const res = await fetch(`${s.url}/api/v1/cases/${t.case_id}/photos/${p1.id}`, { headers: { Authorization: 'Bearer ' + I } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/jpeg');
  const back = Buffer.from(await res.arrayBuffer());
  assert.equal(back.length, p1.bytes);
  for (const gone of ['Exif', 'GPS', 'xmpmeta', 'Zhang', 'TRAILER', 'comment']) assert.ok(!back.includes(gone), gone);
  assert.deepEqual([...back.subarray(0, 2)], [0xff, 0xd8]);
  assert.deepEqual([...back.subarray(-2)], [0xff, 0xd9]);
  // the school it is assigned to adds a PNG; its text chunks go
  const p2 = expectStatus(await up(`/api/v1/cases/${t.case_id}/photos`, png(), w.schoolAdmin.token), 201);
  const pngBack = Buffer.from(await (await fetch(`${s.url}/api/v1/cases/${t.case_id}/photos/${p2.id}`, { headers: { Authorization: 'Bearer ' + w.schoolAdmin.token } })).arrayBuffer());
  for (const gone of ['tEXt', 'eXIf', 'tIME', 'GPS']) assert.ok(!pngBack.includes(gone), gone);
  assert.ok(pngBack.includes('IDAT'));
  // not a photo, a broken one
  for (const bad of [Buffer.from('GIF89a\x01\x00\x01\x00'), Buffer.from('<svg onload="x"/>'), jpeg().subarray(0, 60)]) {
    const r = await up(`/api/v1/cases/${t.case_id}/photos`, bad, I);
    expectStatus(r, 400);
    assert.equal(r.body.error.field, 'photo');
  }
  // a third, then the fourth is refused
  expectStatus(await up(`/api/v1/cases/${t.case_id}/photos`, jpeg({ exif: false }), I), 201);
  const fourth = await up(`/api/v1/tips/${t.tracking_code}/photos?secret=${t.secret}`, jpeg(), undefined);
  expectStatus(fourth, 422, 'too_many_photos');
  assert.equal(fourth.body.error.limit, 3);
  // 5 MB: the metadata does not count, the picture does
  const t2 = await tip({ category: 'homework_overload', text: '大照片', school_id: w.school.id, anonymous: true });
  const big = jpeg({ exif: false, pad: 5 * 1024 * 1024 });
  const rb = await up(`/api/v1/tips/${t2.tracking_code}/photos?secret=${t2.secret}`, big);
  expectStatus(rb, 201); // the padding was a comment: gone
  // a clean JPEG of exactly 5 MB passes, one byte more does not
  const MB5 = 5 * 1024 * 1024, base = jpeg({ exif: false }).length;
  const exact = jpeg({ exif: false, scan: MB5 - base });
  assert.equal(exact.length, MB5);
  const huge = await up(`/api/v1/tips/${t2.tracking_code}/photos?secret=${t2.secret}`, jpeg({ exif: false, scan: MB5 - base + 1 }));
  expectStatus(huge, 413);
  assert.deepEqual([huge.body.error.max_bytes, huge.body.error.bytes], [MB5, MB5 + 1]);
  assert.equal(expectStatus(await up(`/api/v1/tips/${t2.tracking_code}/photos?secret=${t2.secret}`, exact), 201).bytes, MB5);
  // scope: another school's admin, a teacher, a guardian who did not file it
  const path = `/api/v1/cases/${t.case_id}/photos/${p1.id}`;
  for (const who of [v.schoolAdmin.token, w.teacher.token, w.guardian.token]) expectStatus(await s.api('GET', path, undefined, who), 403);
  expectStatus(await s.api('GET', `/api/v1/cases/${t.case_id}/photos/${p1.id + 100000}`, undefined, I), 404);
  expectStatus(await up(`/api/v1/cases/${t.case_id}/photos`, jpeg(), v.schoolAdmin.token), 403);
  // the case page lists them
  assert.equal((await get(`/api/v1/cases/${t.case_id}`, I)).photos.length, 3);
  // a guardian adds photos to their own complaint only
  const mine = await post('/api/v1/complaints', { category: 'other', text: '其他' }, w.guardian.token, 201);
  expectStatus(await up(`/api/v1/cases/${mine.id}/photos`, png(), w.guardian.token), 201);
  expectStatus(await up(`/api/v1/cases/${mine.id}/photos`, png(), v.guardian.token), 403);
  assert.ok(!GPS_TEXT.includes('\0'));
});
