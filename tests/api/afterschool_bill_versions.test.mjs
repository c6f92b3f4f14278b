// A bill over a change of policy (issue 13, point 11): the district lowers the care fee cap
// (AS-6) from a date inside the term; every day before it is charged at the old rate, every
// day from it at the new cap, and the bill says so, one period per policy version. The edge:
// the last school day before the date is at the old rate, the date itself at the new one. A
// version whose date comes after the last session changes nothing. The stored bills run agrees.
// Runs on SQLite, or PostgreSQL with SJ_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, world, expectStatus, TODAY, addDays, weekday } from './lib.mjs';

let s, A;
const Y = Number(TODAY.slice(0, 4)) + 1; // next year's autumn term: wholly in the future
const TERM = `${Y}-autumn`;
const WEEK = [1, 2, 3, 4, 5];
const schoolDays = (from, to) => {
  const out = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (WEEK.includes(weekday(d))) out.push(d);
  return out;
};

before(async () => {
  s = await startServer();
  A = await s.admin();
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: TERM, first_day: `${Y}-08-20`, last_day: `${Y + 1}-01-20` }, A), 201);
});
after(async () => { await s?.stop(); });

test('a bill charges each day by the policy version in force that day, and says so per version', async () => {
  const w = await world(s);
  const first = `${Y}-09-01`, last = `${Y}-12-31`;
  const care = expectStatus(await s.api('POST', '/api/v1/afterschool/programs', {
    school_id: w.school.id, term: TERM, name: '课后托管', kind: 'care', provider: 'school', capacity: 30, weekdays: WEEK,
    start: '15:30', end: '18:00', fee_per_hour_fen: 200, first_day: first, last_day: last,
  }, w.schoolAdmin.token), 201);
  expectStatus(await s.api('POST', '/api/v1/afterschool/enrolments', { program_id: care.id, student_id: w.student.id }, w.guardian.token), 201);
  const bill = async (lang) => expectStatus(await s.api('GET', `/api/v1/afterschool/bills?student_id=${w.student.id}&term=${TERM}`,
    undefined, w.guardian.token, lang ? { 'Accept-Language': lang } : {}), 200);
  const all = schoolDays(first, last);
  const before0 = await bill();
  assert.equal(before0.total_fen, Math.floor(200 * 150 * all.length / 60));
  assert.deepEqual(before0.items[0].periods.map((p) => [p.policy_version, p.from, p.to, p.rate_fen_per_hour]),
    [['national-2021', all[0], all.at(-1), 200]]);

  // from the first school day of November the care cap is 150 fen an hour
  const edge = schoolDays(`${Y}-11-01`, `${Y}-11-07`)[0];
  const v = expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: edge, rules: { 'AS-6': { care_fee_per_hour_fen: 150 } } }, A), 201);
  const old = all.filter((d) => d < edge), neu = all.filter((d) => d >= edge);
  const expected = Math.floor(200 * 150 * old.length / 60) + Math.floor(150 * 150 * neu.length / 60);
  const b = await bill();
  assert.equal(b.policy_version, 'national-2021', 'the version in force today is still named');
  assert.equal(b.total_fen, expected);
  const line = b.items.find((x) => x.program_id === care.id);
  assert.equal(line.amount_fen, expected);
  assert.equal(line.sessions, all.length);
  assert.deepEqual(line.periods.map((p) => [p.policy_version, p.from, p.to, p.rate_fen_per_hour, p.sessions, p.billed_minutes, p.amount_fen]), [
    ['national-2021', all[0], old.at(-1), 200, old.length, 150 * old.length, Math.floor(200 * 150 * old.length / 60)],
    [v.version, edge, all.at(-1), 150, neu.length, 150 * neu.length, Math.floor(150 * 150 * neu.length / 60)],
  ]);
  assert.equal(old.at(-1), schoolDays(addDays(edge, -7), addDays(edge, -1)).at(-1), 'the last school day before the edge is at the old rate');
  assert.ok(line.explain.includes(`按政策版本 national-2021`) && line.explain.includes(`按政策版本 ${v.version}`), line.explain);
  assert.ok(line.explain.includes(`${edge} 至 ${all.at(-1)}`) && line.explain.includes('1.50 元/小时') && line.explain.includes('2.00 元/小时'), line.explain);
  assert.match(line.explain, /合计/);
  const en = (await bill('en')).items[0].explain;
  assert.match(en, new RegExp(`under policy version ${v.version}`));

  // a version from after the last session changes nothing on this bill
  expectStatus(await s.api('PUT', '/api/v1/policy', { effective_from: `${Y + 1}-01-04`, rules: { 'AS-6': { care_fee_per_hour_fen: 100 } } }, A), 201);
  const again = await bill();
  assert.equal(again.total_fen, expected);
  assert.equal(again.items[0].periods.length, 2);

  // the stored bills run charges the same way
  const run = expectStatus(await s.api('POST', '/api/v1/afterschool/bills/run', { term: TERM, school_id: w.school.id }, w.schoolAdmin.token), 201);
  assert.equal(run.total_fen, expected);
});
