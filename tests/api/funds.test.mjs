// Prepaid funds through the API (API.md "Training institutions and prepaid funds"): contracts
// under FU-2 and FU-3, payments into escrow, lessons released one by one, refunds, suspension,
// reconciliation; every refusal; concurrent movements on one contract. Runs on SQLite and,
// with SJ_PG_URL, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, expectStatus, TODAY, weekday } from './lib.mjs';
import { institution, contract, assertMoney, mkUser, world } from './funds_world.mjs';

let s, A;
before(async () => {
  s = await startServer();
  A = await s.admin();
});
after(async () => { await s.stop(); });

async function verifyOk() {
  const v = expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200);
  assert.equal(v.ok, true, JSON.stringify(v));
  return v;
}

test('a guardian signs, pays, lessons are released one by one, the rest is refunded', async () => {
  const w = await world(s);
  const { admin, course } = await institution(s, { price: 4000 });
  const c = await contract(s, w, course, 20);
  assert.equal(c.amount_fen, 80000);
  assert.equal(c.status, 'open');
  assert.equal(c.escrow_fen, 0);

  const p = expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 80000 }, w.guardian.token), 201);
  assert.equal(p.contract.escrow_fen, 80000);
  assert.equal(p.contract.paid_fen, 80000);

  for (const date of ['2026-09-07', '2026-09-14', '2026-09-21']) {
    const l = expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date }, admin.token), 201);
    assert.equal(l.released_fen, 4000);
  }
  let got = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, w.guardian.token), 200);
  assert.deepEqual(
    [got.paid_fen, got.released_fen, got.refunded_fen, got.escrow_fen, got.lessons, got.lessons_delivered, got.status],
    [80000, 12000, 0, 68000, 20, 3, 'open']);
  assertMoney(got);

  const r = expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/refund`, undefined, w.guardian.token), 200);
  assert.equal(r.refund_fen, 68000);
  got = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, A), 200);
  assert.deepEqual([got.refunded_fen, got.escrow_fen, got.status], [68000, 0, 'closed']);
  assertMoney(got);

  // the contract's own ledger: 5 movements, each two entries summing to zero
  const led = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}/ledger`, undefined, w.guardian.token), 200);
  assert.equal(led.total, 10);
  const byTxn = {};
  for (const e of led.items) byTxn[e.txn] = (byTxn[e.txn] || 0) + e.amount_fen;
  assert.ok(Object.values(byTxn).every((x) => x === 0));

  // nothing more can move on a closed contract
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 100 }, w.guardian.token), 409, 'contract_closed');
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-28' }, admin.token), 409, 'contract_closed');
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/refund`, undefined, w.guardian.token), 409, 'contract_closed');
  await verifyOk();
});

test('a lesson on a day the course does not meet keeps the reason given; a bad reason writes nothing', async () => {
  const w = await world(s);
  const { admin, course } = await institution(s, { price: 1000 });
  const c = await contract(s, w, course, 10);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 10000 }, w.guardian.token), 201);
  const url = `/api/v1/contracts/${c.id}/lessons`;
  // refusals first: nothing is released, no lesson row
  expectStatus(await s.api('POST', url, { date: '2026-09-08', reason: 'x'.repeat(201) }, admin.token), 400, 'invalid_field');
  expectStatus(await s.api('POST', url, { date: '2026-09-08', reason: 7 }, admin.token), 400, 'invalid_field');
  let got = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, A), 200);
  assert.equal(got.lessons_delivered, 0);
  // exactly 200 characters pass (Chinese counts by character), a blank reason is none
  const why = '国庆调课,'.repeat(40);
  assert.equal([...why].length, 200);
  expectStatus(await s.api('POST', url, { date: '2026-09-08', reason: why }, admin.token), 201);
  expectStatus(await s.api('POST', url, { date: '2026-09-09', reason: '  ' }, admin.token), 201);
  expectStatus(await s.api('POST', url, { date: '2026-09-10' }, admin.token), 201);
  const ls = expectStatus(await s.api('GET', url, undefined, w.guardian.token), 200);
  assert.deepEqual(ls.items.map((l) => [l.date, l.reason]), [['2026-09-08', why], ['2026-09-09', null], ['2026-09-10', null]]);
  await verifyOk();
});

test('FU-2: 60 class-hours pass, 61 fail; open contracts of the pupil with the institution count together', async () => {
  const w = await world(s);
  const { course } = await institution(s, { price: 1000 });
  const r61 = expectStatus(await s.api('POST', '/api/v1/contracts', { course_id: course.id, student_id: w.student.id, lessons: 61, start_date: '2026-09-01', end_date: '2026-11-30' }, w.guardian.token), 422, 'prepay_over_limit');
  assert.equal(r61.error.rule, 'FU-2');
  assert.equal(r61.error.limit_class_hours, 60);
  assert.equal(r61.error.requested_class_hours, 61);
  const c60 = await contract(s, w, course, 60);
  // a top-up of one more lesson is refused while the 60 are open
  const top = expectStatus(await s.api('POST', '/api/v1/contracts', { course_id: course.id, student_id: w.student.id, lessons: 1, start_date: '2026-09-01', end_date: '2026-11-30' }, w.guardian.token), 422, 'prepay_over_limit');
  assert.equal(top.error.used_class_hours, 60);
  // another institution is counted apart
  const other = await institution(s, { price: 1000 });
  await contract(s, w, other.course, 60);
  // once the first contract is closed its lessons no longer count
  expectStatus(await s.api('POST', `/api/v1/contracts/${c60.id}/refund`, undefined, w.guardian.token), 200);
  const a = await contract(s, w, course, 40);
  const b21 = expectStatus(await s.api('POST', '/api/v1/contracts', { course_id: course.id, student_id: w.student.id, lessons: 21, start_date: '2026-10-01', end_date: '2026-11-30' }, w.guardian.token), 422, 'prepay_over_limit');
  assert.equal(b21.error.used_class_hours, 40);
  await contract(s, w, course, 20, '2026-10-01', '2026-11-30');
  assert.ok(a.id);
});

test('FU-2: exactly 3 months pass, a day more fails (and the 29th-31st rule)', async () => {
  const w = await world(s);
  const { course } = await institution(s, { price: 1000 });
  const c = await contract(s, w, course, 10, '2026-09-01', '2026-11-30');
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/refund`, undefined, w.guardian.token), 200);
  const e = expectStatus(await s.api('POST', '/api/v1/contracts', { course_id: course.id, student_id: w.student.id, lessons: 10, start_date: '2026-09-01', end_date: '2026-12-01' }, w.guardian.token), 422, 'prepay_over_limit');
  assert.equal(e.error.rule, 'FU-2');
  assert.equal(e.error.limit_months, 3);
  assert.equal(e.error.latest_end_date, '2026-11-30');
  const c2 = await contract(s, w, course, 10, '2026-11-30', '2027-02-27');
  expectStatus(await s.api('POST', `/api/v1/contracts/${c2.id}/refund`, undefined, w.guardian.token), 200);
  expectStatus(await s.api('POST', '/api/v1/contracts', { course_id: course.id, student_id: w.student.id, lessons: 10, start_date: '2026-11-30', end_date: '2027-02-28' }, w.guardian.token), 422, 'prepay_over_limit');
  // bad dates are a 400, not a rule
  expectStatus(await s.api('POST', '/api/v1/contracts', { course_id: course.id, student_id: w.student.id, lessons: 10, start_date: '2026-11-30', end_date: '2026-11-01' }, w.guardian.token), 400);
  expectStatus(await s.api('POST', '/api/v1/contracts', { course_id: course.id, student_id: w.student.id, lessons: 10, start_date: '2026-02-30', end_date: '2026-03-01' }, w.guardian.token), 400);
});

test('FU-3: a non-subject charge above 5,000 元 is refused; a subject course is not bound by it', async () => {
  const w = await world(s);
  const art = await institution(s, { category: 'non_subject', subject: '美术', courseName: '少儿美术', price: 10000, minutes: 60, schedule: [{ weekday: 6, start: '09:00', end: '10:00' }] });
  const e = expectStatus(await s.api('POST', '/api/v1/contracts', { course_id: art.course.id, student_id: w.student.id, lessons: 51, start_date: '2026-09-01', end_date: '2026-11-30' }, w.guardian.token), 422, 'charge_over_cap');
  assert.equal(e.error.rule, 'FU-3');
  assert.equal(e.error.limit_fen, 500000);
  assert.equal(e.error.amount_fen, 510000);
  const c = await contract(s, w, art.course, 50);
  assert.equal(c.amount_fen, 500000);
  assert.equal(c.category, 'non_subject');
});

test('refusals: bad amounts, overpayment, someone else\'s contract, lessons beyond escrow or lessons', async () => {
  const w = await world(s), other = await world(s);
  const { admin, course } = await institution(s, { price: 4900 });
  const otherInst = await institution(s, { price: 4900 });
  const c = await contract(s, w, course, 2);
  const pay = (amount, token = w.guardian.token) => s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: amount }, token);

  // someone else's pupil, someone else's contract
  expectStatus(await s.api('POST', '/api/v1/contracts', { course_id: course.id, student_id: w.student.id, lessons: 2, start_date: '2026-09-01', end_date: '2026-09-30' }, other.guardian.token), 403);
  expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, other.guardian.token), 403);
  expectStatus(await pay(100, other.guardian.token), 403);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/refund`, undefined, other.guardian.token), 403);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-07' }, otherInst.admin.token), 403);
  expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, otherInst.admin.token), 403);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-07' }, w.guardian.token), 403);
  expectStatus(await pay(100, admin.token), 403); // an institution cannot take payment itself
  expectStatus(await s.api('GET', '/api/v1/contracts/999999', undefined, A), 404);

  // amounts
  expectStatus(await pay(0), 400);
  expectStatus(await pay(-100), 400);
  expectStatus(await pay(12.5), 400);
  expectStatus(await pay('100'), 400);

  // a lesson with nothing in escrow
  const ie = expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-07' }, admin.token), 422, 'insufficient_escrow');
  assert.equal(ie.error.escrow_fen, 0);
  expectStatus(await pay(4899), 201);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-07' }, admin.token), 422, 'insufficient_escrow');

  // overpayment: 9800 owed, 4899 paid
  const op = expectStatus(await pay(4902), 422, 'overpayment');
  assert.deepEqual([op.error.amount_fen, op.error.paid_fen, op.error.requested_fen], [9800, 4899, 4902]);
  expectStatus(await pay(4901), 201);
  expectStatus(await pay(1), 422, 'overpayment');

  // two lessons, then none left
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-07' }, admin.token), 201);
  const last = expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-14' }, admin.token), 201);
  assert.equal(last.contract.status, 'closed'); // completed
  assert.equal(last.contract.escrow_fen, 0);
  const none = expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-21' }, admin.token), 422, 'no_lessons_left');
  assert.deepEqual([none.error.lessons, none.error.lessons_delivered], [2, 2]);

  // nothing a refusal touched reached the ledger
  const led = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}/ledger`, undefined, A), 200);
  assert.equal(led.total, 8); // 2 payments + 2 lessons
  await verifyOk();
});

test('TR-2: a subject lesson on a weekend, holiday or vacation day is refused; a non-subject one is not', async () => {
  const w = await world(s);
  const { admin, course } = await institution(s, { price: 3000 });
  const c = await contract(s, w, course, 5);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 15000 }, w.guardian.token), 201);
  const sat = expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-05' }, admin.token), 422, 'lesson_on_banned_day');
  assert.equal(sat.error.rule, 'TR-2');
  assert.equal(sat.error.day_kind, 'weekend');
  expectStatus(await s.api('POST', '/api/v1/calendar/holidays', { date: '2026-10-08', kind: 'holiday', name: '国庆节' }, A), 201);
  const hol = expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-10-08' }, admin.token), 422, 'lesson_on_banned_day');
  assert.equal(hol.error.day_kind, 'holiday');
  const vac = expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-08-10' }, admin.token), 422, 'lesson_on_banned_day');
  assert.equal(vac.error.day_kind, 'vacation');
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: 'not-a-day' }, admin.token), 400);
  const got = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, admin.token), 200);
  assert.equal(got.lessons_delivered, 0);
  assert.equal(got.escrow_fen, 15000);

  const art = await institution(s, { category: 'non_subject', subject: '体育', courseName: '篮球', price: 6000, minutes: 60, schedule: [{ weekday: 6, start: '09:00', end: '10:00' }] });
  const c2 = await contract(s, w, art.course, 5);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c2.id}/payments`, { amount_fen: 6000 }, w.guardian.token), 201);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c2.id}/lessons`, { date: '2026-09-05' }, art.admin.token), 201);
});

test('the district or an inspector may refund; a contract list shows each side only its own', async () => {
  const w = await world(s);
  const { admin, inst, course } = await institution(s, { price: 2000 });
  const insp = await mkUser(s, A, [{ role: 'inspector' }], 'in');
  const c = await contract(s, w, course, 10);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 7000 }, w.guardian.token), 201);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/refund`, undefined, admin.token), 403); // not the institution
  const r = expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/refund`, undefined, insp.token), 200);
  assert.equal(r.refund_fen, 7000);
  const mine = expectStatus(await s.api('GET', '/api/v1/contracts', undefined, w.guardian.token), 200);
  assert.ok(mine.items.every((x) => x.student_id === w.student.id));
  assert.ok(mine.items.some((x) => x.id === c.id && x.refunded_fen === 7000 && x.escrow_fen === 0));
  const theirs = expectStatus(await s.api('GET', '/api/v1/contracts', undefined, admin.token), 200);
  assert.ok(theirs.items.every((x) => x.institution_id === inst.id));
  const other = await world(s);
  const none = expectStatus(await s.api('GET', '/api/v1/contracts', undefined, other.guardian.token), 200);
  assert.equal(none.total, 0);
  // refunds owed to families, due within FU-6's days
  const owed = expectStatus(await s.api('GET', `/api/v1/refunds?institution_id=${inst.id}`, undefined, A), 200);
  assert.equal(owed.total, 1);
  assert.equal(owed.items[0].amount_fen, 7000);
  expectStatus(await s.api('POST', `/api/v1/refunds/${owed.items[0].id}/paid-out`, undefined, A), 204);
  expectStatus(await s.api('POST', `/api/v1/refunds/${owed.items[0].id}/paid-out`, undefined, A), 404);
});

test('concurrency: lessons, payments and refunds at once on one contract never overdraw it', async () => {
  const w = await world(s);
  const { admin, course } = await institution(s, { price: 4000 });
  const c = await contract(s, w, course, 50); // 200000 owed
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 40000 }, w.guardian.token), 201);
  let watching = true;
  const seen = [];
  const watcher = (async () => {
    while (watching) {
      const g = await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, A);
      assert.equal(g.status, 200);
      assertMoney(g.body); // at every moment
      seen.push(g.body.escrow_fen);
    }
  })();
  const reqs = [];
  for (let i = 0; i < 20; i++) reqs.push(['lesson', s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-07' }, admin.token)]);
  for (let i = 0; i < 15; i++) reqs.push(['pay', s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 3000 + i }, w.guardian.token)]);
  for (let i = 0; i < 3; i++) reqs.push(['refund', s.api('POST', `/api/v1/contracts/${c.id}/refund`, undefined, w.guardian.token)]);
  const results = await Promise.all(reqs.map(async ([k, p]) => [k, await p]));
  watching = false;
  await watcher;
  let lessons = 0, paid = 40000, refunds = 0, refunded = 0;
  for (const [k, r] of results) {
    if (k === 'lesson') {
      assert.ok([201, 409, 422].includes(r.status), JSON.stringify(r.body));
      if (r.status === 201) lessons++;
    } else if (k === 'pay') {
      assert.ok([201, 409].includes(r.status), JSON.stringify(r.body));
      if (r.status === 201) paid += r.body.amount_fen;
    } else {
      assert.ok([200, 409].includes(r.status), JSON.stringify(r.body));
      if (r.status === 200) { refunds++; refunded += r.body.refund_fen; }
    }
  }
  assert.equal(refunds, 1, 'exactly one refund closes the contract');
  const got = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, A), 200);
  assertMoney(got);
  assert.equal(got.status, 'closed');
  assert.equal(got.escrow_fen, 0);
  assert.equal(got.lessons_delivered, lessons);
  assert.equal(got.paid_fen, paid);
  assert.equal(got.refunded_fen, refunded);
  assert.ok(seen.length > 0);
  await verifyOk();
});

test('concurrency: 20 payments at once never pass the amount; 20 lessons at once never pass the lessons', async () => {
  const w = await world(s);
  const { admin, course } = await institution(s, { price: 4000 });
  const c = await contract(s, w, course, 10); // 40000
  const pays = await Promise.all(Array.from({ length: 20 }, () =>
    s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 4000 }, w.guardian.token)));
  assert.equal(pays.filter((r) => r.status === 201).length, 10);
  assert.ok(pays.filter((r) => r.status !== 201).every((r) => r.status === 422 && r.body.error.code === 'overpayment'));
  const lessons = await Promise.all(Array.from({ length: 20 }, () =>
    s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-08' }, admin.token)));
  assert.equal(lessons.filter((r) => r.status === 201).length, 10);
  assert.ok(lessons.filter((r) => r.status !== 201).every((r) => r.status === 422 && r.body.error.code === 'no_lessons_left'));
  const got = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, A), 200);
  assert.deepEqual([got.paid_fen, got.released_fen, got.escrow_fen, got.status], [40000, 40000, 0, 'closed']);
  // FU-2 under concurrency: six contracts of 10 at once, only the ones that fit the 60 pass
  const w2 = await world(s);
  const signs = await Promise.all(Array.from({ length: 8 }, () => s.api('POST', '/api/v1/contracts',
    { course_id: course.id, student_id: w2.student.id, lessons: 10, start_date: '2026-09-01', end_date: '2026-11-30' }, w2.guardian.token)));
  assert.equal(signs.filter((r) => r.status === 201).length, 6);
  assert.ok(signs.filter((r) => r.status !== 201).every((r) => r.body.error.code === 'prepay_over_limit'));
  await verifyOk();
});

test('concurrency: movements on many contracts at once share one unbroken chain', async () => {
  const { admin, course } = await institution(s, { price: 1000 });
  const w = await world(s);
  // six contracts of 10 lessons for one pupil (60 class-hours), each paid and taught at once
  const cs = [];
  for (let i = 0; i < 6; i++) cs.push(await contract(s, w, course, 10));
  const before = expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200);
  const reqs = [];
  for (const c of cs) {
    for (let i = 0; i < 4; i++) reqs.push(s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 2500 }, w.guardian.token));
    for (let i = 0; i < 3; i++) reqs.push(s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: '2026-09-09' }, admin.token));
  }
  const res = await Promise.all(reqs);
  const moved = res.filter((r) => r.status === 201).length;
  assert.ok(res.every((r) => [201, 422].includes(r.status)), JSON.stringify(res.find((r) => ![201, 422].includes(r.status))?.body));
  const v = await verifyOk();
  assert.equal(v.entries, before.entries + 2 * moved);
  for (const c of cs) assertMoney(expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, A), 200));
});

test('suspending an institution refunds every open contract in one step, and the ledger still verifies', async () => {
  const { admin, inst, course } = await institution(s, { price: 3000 });
  const fams = [];
  for (let i = 0; i < 3; i++) {
    const w = await world(s);
    const c = await contract(s, w, course, 10);
    expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 9000 * (i + 1) }, w.guardian.token), 201);
    fams.push({ w, c });
  }
  expectStatus(await s.api('POST', `/api/v1/contracts/${fams[0].c.id}/lessons`, { date: '2026-09-07' }, admin.token), 201);
  const insp = await mkUser(s, A, [{ role: 'inspector' }], 'in');
  expectStatus(await s.api('POST', `/api/v1/institutions/${inst.id}/state`, { state: 'suspended', reason: '卷款风险' }, admin.token), 403);
  const r = expectStatus(await s.api('POST', `/api/v1/institutions/${inst.id}/state`, { state: 'suspended', reason: '卷款风险' }, insp.token), 200);
  assert.equal(r.contracts_closed, 3);
  assert.equal(r.refund_fen, 6000 + 18000 + 27000);
  for (const { w, c } of fams) {
    const got = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, w.guardian.token), 200);
    assert.equal(got.status, 'closed');
    assert.equal(got.escrow_fen, 0);
    assertMoney(got);
  }
  // no new business while suspended
  const w = await world(s);
  expectStatus(await s.api('POST', '/api/v1/contracts', { course_id: course.id, student_id: w.student.id, lessons: 1, start_date: '2026-09-01', end_date: '2026-09-30' }, w.guardian.token), 409, 'institution_not_active');
  expectStatus(await s.api('POST', `/api/v1/institutions/${inst.id}/courses`, { name: 'x', subject: '数学', online: false, lesson_minutes: 45, price_per_lesson_fen: 100, schedule: [{ weekday: 1, start: '18:00', end: '18:45' }] }, admin.token), 409, 'institution_not_active');
  const v = await verifyOk();
  assert.ok(v.entries > 0 && v.guarded);
  const sum = expectStatus(await s.api('GET', `/api/v1/funds/summary?institution_id=${inst.id}`, undefined, A), 200);
  assert.equal(sum.items[0].escrow_fen, 0);
  assert.equal(sum.items[0].refunded_fen, 51000);
});

test('verify answers as API.md says and only for district staff', async () => {
  const w = await world(s);
  const v = await verifyOk();
  assert.equal(typeof v.entries, 'number');
  assert.equal(typeof v.escrow_fen, 'number');
  expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, w.guardian.token), 403);
  expectStatus(await s.api('GET', '/api/v1/funds/verify'), 401);
  // the district's totals agree with verify
  const sum = expectStatus(await s.api('GET', '/api/v1/funds/summary', undefined, A), 200);
  assert.equal(sum.escrow_fen, v.escrow_fen);
  const res = await fetch(s.url + '/api/v1/funds/export.xlsx', { headers: { Authorization: 'Bearer ' + A } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  assert.match(res.headers.get('content-disposition'), /attachment/);
  const file = join(s.dir, 'funds.xlsx');
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const book = execFileSync('unzip', ['-p', file, 'xl/workbook.xml'], { encoding: 'utf8' });
  assert.match(book, /资金监管汇总/);
  const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml'], { encoding: 'utf8' });
  for (const h of ['机构名称', '监管余额(元)', '风险提示', '合计']) assert.ok(strings.includes(h), h);
  assert.ok(strings.includes(sum.items[0].name));
  expectStatus(await s.api('GET', '/api/v1/funds/export.xlsx', undefined, w.guardian.token), 403);
});

test('risk warnings: escrow waiting while no lesson is delivered', async () => {
  const w = await world(s);
  const { inst, admin, course } = await institution(s, { price: 4000 });
  const c = await contract(s, w, course, 30, '2026-09-01', '2026-11-30'); // started weeks ago
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 120000 }, w.guardian.token), 201);
  let warn = expectStatus(await s.api('GET', `/api/v1/funds/warnings?institution_id=${inst.id}`, undefined, A), 200);
  const codes = warn.items[0].warnings.map((x) => x.code);
  assert.ok(codes.includes('lessons_stopped'), codes.join());
  assert.ok(codes.includes('escrow_large'), codes.join());
  // the institution sees its own warnings, not another's
  expectStatus(await s.api('GET', `/api/v1/funds/warnings?institution_id=${inst.id}`, undefined, admin.token), 200);
  const other = await institution(s);
  expectStatus(await s.api('GET', `/api/v1/funds/warnings?institution_id=${inst.id}`, undefined, other.admin.token), 403);
  // a lesson today (the test clock's, a school day) restarts the pace
  assert.ok(weekday(TODAY) <= 5);
  expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/lessons`, { date: TODAY }, admin.token), 201);
  warn = expectStatus(await s.api('GET', `/api/v1/funds/warnings?institution_id=${inst.id}`, undefined, A), 200);
  assert.ok(!(warn.items[0]?.warnings || []).some((x) => x.code === 'lessons_stopped'), JSON.stringify(warn));
});
