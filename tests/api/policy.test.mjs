// Policy (GET/PUT /api/v1/policy): national defaults, district versions with an effective date.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, world, expectStatus, TODAY, addDays } from './lib.mjs';

let s, A;
before(async () => { s = await startServer(); A = await s.admin(); });
after(async () => { await s.stop(); });

const today = () => TODAY; // the server's, on the test clock
const shift = addDays;

test('the national policy holds every rule ID of POLICY.md with its numbers', async () => {
  const p = expectStatus(await s.api('GET', '/api/v1/policy', undefined, A), 200);
  assert.equal(p.rules['HW-2'].written_minutes_per_day, 60);
  assert.equal(p.rules['HW-3'].written_minutes_per_day, 90);
  assert.equal(p.rules['FU-2'].max_class_hours, 60);
  assert.equal(p.rules['FU-3'].non_subject_max_charge_fen, 500000);
  assert.equal(p.rules['AS-1'].min_minutes_per_day, 120);
  for (const id of ['HW-1', 'HW-4', 'HW-11', 'EX-1', 'EX-4', 'AS-2', 'AS-6', 'AS-10', 'TR-1', 'TR-3', 'TR-7', 'FU-1', 'FU-6', 'PN-1', 'PN-2', 'RP-1', 'RP-3'])
    assert.ok(p.rules[id], id);
});

test('a district version takes effect on its date; a future one does not yet apply', async () => {
  const future = expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: shift(today(), 30), rules: { 'AS-6': { care_fee_per_hour_fen: 150 } } }, A), 201);
  assert.match(future.version, /^district-/);
  await new Promise((r) => setTimeout(r, 1100)); // the in-force version is cached for a second
  let p = expectStatus(await s.api('GET', '/api/v1/policy', undefined, A), 200);
  assert.equal(p.rules['AS-6'].care_fee_per_hour_fen, 200);
  const now = expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today(), rules: { 'HW-2': { written_minutes_per_day: 50 } } }, A), 201);
  p = expectStatus(await s.api('GET', '/api/v1/policy', undefined, A), 200);
  assert.equal(p.rules['HW-2'].written_minutes_per_day, 50);
  assert.equal(p.rules['HW-3'].written_minutes_per_day, 90, 'other numbers keep the national value');
  assert.equal(p.version, now.version);
  // a second version the same day builds on the first and has its own name
  const again = expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today(), rules: { 'AS-6': { care_fee_per_hour_fen: 180 } } }, A), 201);
  assert.notEqual(again.version, now.version);
  p = expectStatus(await s.api('GET', '/api/v1/policy', undefined, A), 200);
  assert.equal(p.rules['AS-6'].care_fee_per_hour_fen, 180);
  assert.equal(p.rules['HW-2'].written_minutes_per_day, 50, 'the earlier change is kept');
  assert.equal(p.version, again.version);
  const v = expectStatus(await s.api('GET', '/api/v1/policy/versions', undefined, A), 200);
  assert.equal(v.total, 3);
});

// The banner is printed just after the port answers: wait for it.
async function banner(t) {
  for (let i = 0; i < 200 && !/serving http/.test(t.stderr); i++) await new Promise((r) => setTimeout(r, 10));
  return t.stderr.split('\n').find((l) => /serving http/.test(l)) || t.stderr;
}

test('the start banner names the version in force in the district, not the national one', async () => {
  const t = await startServer();
  try {
    assert.match(await banner(t), /serving http:\/\/127\.0\.0\.1:\d+ \(\w+, policy national-2021\)$/);
    const T = await t.admin();
    // a version from tomorrow is not yet in force: the banner still names the national one
    expectStatus(await t.api('PUT', '/api/v1/policy', { effective_from: shift(today(), 1), rules: { 'HW-2': { written_minutes_per_day: 45 } } }, T), 201);
    await t.stop({ keep: true });
    await t.start();
    assert.match(await banner(t), /\(\w+, policy national-2021\)$/);
    const v = expectStatus(await t.api('PUT', '/api/v1/policy', { effective_from: today(), rules: { 'HW-2': { written_minutes_per_day: 50 } } }, T), 201);
    await t.stop({ keep: true });
    await t.start();
    const b = await banner(t);
    assert.ok(b.endsWith(`policy ${v.version})`), b);
    assert.doesNotMatch(b, /national-2021/);
  } finally { await t.stop(); }
});

test('refusals: a past date, an unknown rule, a wrong type, a negative number, a non-admin', async () => {
  const w = await world(s);
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: shift(today(), -1), rules: { 'HW-2': { written_minutes_per_day: 40 } } }, A), 400, 'invalid_field');
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today(), rules: { 'HW-99': { x: 1 } } }, A), 400, 'invalid_field');
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today(), rules: { 'HW-2': { written_minutes_per_day: 'sixty' } } }, A), 400, 'invalid_field');
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today(), rules: { 'HW-2': { written_minutes_per_day: -5 } } }, A), 400, 'invalid_field');
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today(), rules: { 'HW-2': { no_such_key: 5 } } }, A), 400, 'invalid_field');
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today(), rules: {} }, A), 400, 'missing_field');
  // null only where the national policy sets no number
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today(), rules: { 'HW-2': { written_minutes_per_day: null } } }, A), 400, 'invalid_field');
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: shift(today(), 400), rules: { 'AS-6': { term_cap_fen: 36000 } } }, A), 201);
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: today(), rules: { 'HW-2': { written_minutes_per_day: 40 } } }, w.schoolAdmin.token), 403);
  // everyone logged in may read the numbers in force
  expectStatus(await s.api('GET', '/api/v1/policy', undefined, w.guardian.token), 200);
});
