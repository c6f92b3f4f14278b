// The district's school calendar: terms in their season, holidays, make-up workdays.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, world, expectStatus } from './lib.mjs';

let s, A;
before(async () => { s = await startServer(); A = await s.admin(); });
after(async () => { await s.stop(); });

const day = async (d) => expectStatus(await s.api('GET', `/api/v1/calendar?from=${d}&to=${d}`, undefined, A), 200).items[0];

test('defaults: weekdays are school days, weekends weekends, outside the terms vacation', async () => {
  assert.equal((await day('2026-11-23')).kind, 'school');
  assert.equal((await day('2026-11-22')).kind, 'weekend');
  assert.equal((await day('2026-08-10')).kind, 'vacation');
  assert.equal((await day('2027-02-01')).kind, 'vacation');
  assert.equal((await day('2026-11-23')).weekday, 1);
});

test('terms: entered dates replace the defaults; an end before the start is refused', async () => {
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: '2026-autumn', first_day: '2026-08-31', last_day: '2027-01-22' }, A), 201);
  assert.equal((await day('2026-08-31')).kind, 'school');
  assert.equal((await day('2027-01-22')).kind, 'school');
  assert.equal((await day('2027-01-25')).kind, 'vacation');
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: '2027-spring', first_day: '2027-03-01', last_day: '2027-02-28' }, A), 400, 'invalid_field');
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: '2027-summer', first_day: '2027-07-01', last_day: '2027-08-01' }, A), 400, 'invalid_field');
  const w = await world(s);
  expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: '2027-spring', first_day: '2027-02-20', last_day: '2027-07-09' }, w.schoolAdmin.token), 403);
});

test('holidays and make-up workdays, and removing a mark', async () => {
  expectStatus(await s.api('POST', '/api/v1/calendar/holidays', { date: '2026-10-01', kind: 'holiday', name: '国庆节' }, A), 201);
  const h = await day('2026-10-01');
  assert.equal(h.kind, 'holiday');
  assert.equal(h.name, '国庆节');
  expectStatus(await s.api('POST', '/api/v1/calendar/holidays', { date: '2026-10-10', kind: 'workday', name: '国庆调休' }, A), 201);
  assert.equal((await day('2026-10-10')).kind, 'school'); // a Saturday
  // a make-up workday in the summer vacation is refused
  expectStatus(await s.api('POST', '/api/v1/calendar/holidays', { date: '2026-08-08', kind: 'workday', name: '无效' }, A), 400, 'invalid_field');
  expectStatus(await s.api('DELETE', '/api/v1/calendar/holidays?date=2026-10-10', undefined, A), 204);
  assert.equal((await day('2026-10-10')).kind, 'weekend');
  expectStatus(await s.api('DELETE', '/api/v1/calendar/holidays?date=2026-10-10', undefined, A), 404);
  expectStatus(await s.api('GET', '/api/v1/calendar?from=2026-01-01&to=2027-12-31', undefined, A), 400);
});
