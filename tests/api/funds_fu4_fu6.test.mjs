// FU-4 and FU-6 through the API, at their edges, on SQLite and, with SJ_PG_URL, PostgreSQL.
// FU-4: a payment by training loan (培训贷) is refused whichever field names it, nothing moves;
// a risk deposit (风险储备金) may cover an institution's prepaid fees instead of escrow: recorded
// with its amount against the fees it covers, at least the policy's percent of them (exactly at
// it passes, one fen short is refused). FU-6 on the test clock: a refund asked for today is due
// in 5 days; unpaid on day 5 it raises nothing, on day 6 the late-refund warning; one paid out on
// day 5 is on time and never warned about.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, TODAY, addDays, clockEnv, expectStatus } from './lib.mjs';
import { institution, contract, mkUser, world } from './funds_world.mjs';

let s, A, insp;
before(async () => {
  s = new Server({ today: TODAY });
  await s.init();
  await s.start();
  A = await s.admin();
  insp = await mkUser(s, A, [{ role: 'inspector' }], 'insp');
});
after(async () => { await s.stop(); });

async function on(day) {
  await s.stop({ keep: true });
  s.env = { ...s.env, ...clockEnv(day) };
  s.adminToken = undefined;
  await s.start();
  assert.equal((await s.api('GET', '/api/v1/clock')).body.today, day);
  A = await s.admin();
}

test('FU-4: a payment by training loan is refused citing FU-4, whichever field names it; nothing moves', async () => {
  const w = await world(s);
  const { course } = await institution(s, { price: 4000 });
  const c = await contract(s, w, course, 10);
  const pay = (b) => s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 4000, ...b }, w.guardian.token);
  let e = expectStatus(await pay({ method: 'loan' }), 422, 'training_loan_refused').error;
  assert.deepEqual([e.rule, e.method, e.field], ['FU-4', 'loan', 'method']);
  assert.match(e.message, /培训贷/);
  e = expectStatus(await pay({ source: 'loan' }), 422, 'training_loan_refused').error;
  assert.equal(e.rule, 'FU-4');
  expectStatus(await pay({ method: 'wechat', source: 'loan' }), 422, 'training_loan_refused');
  expectStatus(await pay({ method: 'credit' }), 400);
  let k = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, w.guardian.token), 200);
  assert.equal(k.paid_fen, 0, 'nothing moved by the refusals');
  expectStatus(await pay({ method: 'bank_transfer' }), 201);
  expectStatus(await pay({ source: 'wechat' }), 201);
  expectStatus(await pay({}), 201);
  k = expectStatus(await s.api('GET', `/api/v1/contracts/${c.id}`, undefined, w.guardian.token), 200);
  assert.equal(k.paid_fen, 12000);
  const v = expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200);
  assert.equal(v.ok, true);
});

test('FU-4: a risk deposit instead of escrow, at least 100% of the prepaid fees it covers (one fen short refused)', async () => {
  const { inst, admin } = await institution(s);
  const other = await institution(s);
  const url = `/api/v1/institutions/${inst.id}/risk-deposits`;
  const body = { amount_fen: 5000000, covers_prepaid_fen: 5000000, bank: '中国银行城关支行', reference: 'BG2026-0017', valid_from: TODAY, valid_to: addDays(TODAY, 364) };
  let e = expectStatus(await s.api('POST', url, { ...body, amount_fen: 4999999 }, A), 422, 'risk_deposit_too_small').error;
  assert.deepEqual([e.rule, e.amount_fen, e.covers_prepaid_fen, e.min_percent, e.min_fen], ['FU-4', 4999999, 5000000, 100, 5000000]);
  assert.match(e.message, /风险储备金/);
  const d = expectStatus(await s.api('POST', url, body, insp.token), 201);
  assert.deepEqual([d.institution_id, d.amount_fen, d.covers_prepaid_fen, d.reference], [inst.id, 5000000, 5000000, 'BG2026-0017']);
  // bad input: 400, nothing stored; only district staff record one
  for (const b of [{ amount_fen: 0 }, { covers_prepaid_fen: -1 }, { bank: undefined }, { reference: '' }, { valid_from: '2026-02-30' }, { valid_to: addDays(TODAY, -1) }]) {
    expectStatus(await s.api('POST', url, { ...body, ...b }, A), 400);
  }
  expectStatus(await s.api('POST', url, body, admin.token), 403);
  expectStatus(await s.api('POST', '/api/v1/institutions/999999/risk-deposits', body, A), 404);
  // the institution sees its own; another institution does not
  const list = expectStatus(await s.api('GET', url, undefined, admin.token), 200);
  assert.equal(list.total, 1);
  assert.deepEqual([list.deposit_fen, list.covers_prepaid_fen, list.escrow_fen, list.rule], [5000000, 5000000, 0, 'FU-4']);
  assert.deepEqual(list.items.map((x) => [x.id, x.amount_fen, x.bank]), [[d.id, 5000000, '中国银行城关支行']]);
  expectStatus(await s.api('GET', url, undefined, other.admin.token), 403);
  // a deposit not yet in force counts in the list but not in today's cover
  expectStatus(await s.api('POST', url, { ...body, reference: 'BG2027-0001', valid_from: addDays(TODAY, 365), valid_to: addDays(TODAY, 729) }, A), 201);
  const again = expectStatus(await s.api('GET', url, undefined, A), 200);
  assert.deepEqual([again.total, again.deposit_fen], [2, 5000000]);
});

test('FU-6 on the clock: refund due in 5 days; unpaid on day 5 no warning, day 6 the late-refund warning; paid out on day 5 on time', async () => {
  const w = await world(s);
  const { inst, course } = await institution(s, { price: 4000 });
  const a = await contract(s, w, course, 10, TODAY, addDays(TODAY, 60));
  const b = await contract(s, w, course, 10, TODAY, addDays(TODAY, 60));
  for (const c of [a, b]) {
    expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 8000 }, w.guardian.token), 201);
    expectStatus(await s.api('POST', `/api/v1/contracts/${c.id}/refund`, undefined, w.guardian.token), 200);
  }
  const refunds = async () => expectStatus(await s.api('GET', `/api/v1/refunds?institution_id=${inst.id}`, undefined, A), 200).items;
  const late = async () => expectStatus(await s.api('GET', `/api/v1/refunds?institution_id=${inst.id}&late=1`, undefined, A), 200).items;
  const warnings = async () => {
    const r = expectStatus(await s.api('GET', `/api/v1/funds/warnings?institution_id=${inst.id}`, undefined, A), 200);
    return (r.items[0]?.warnings || []).filter((x) => x.code === 'refunds_late');
  };
  const owed = await refunds();
  assert.deepEqual(owed.map((x) => x.due_date), [addDays(TODAY, 5), addDays(TODAY, 5)]);
  const byContract = Object.fromEntries(owed.map((x) => [x.contract_id, x.id]));
  // day 5: both unpaid, neither late; A is paid out on its due date
  await on(addDays(TODAY, 5));
  assert.deepEqual(await late(), []);
  assert.deepEqual(await warnings(), []);
  expectStatus(await s.api('POST', `/api/v1/refunds/${byContract[a.id]}/paid-out`, undefined, A), 204);
  // day 6: B, still unpaid, is late and raises the FU-6 warning; A was on time
  await on(addDays(TODAY, 6));
  assert.deepEqual((await late()).map((x) => x.contract_id), [b.id]);
  const warn = await warnings();
  assert.equal(warn.length, 1);
  assert.equal(warn[0].rule, 'FU-6');
  assert.equal(warn[0].value, 1);
  // paid out on day 6: late no more outstanding, the warning goes
  expectStatus(await s.api('POST', `/api/v1/refunds/${byContract[b.id]}/paid-out`, undefined, A), 204);
  assert.deepEqual(await late(), []);
  assert.deepEqual(await warnings(), []);
});
