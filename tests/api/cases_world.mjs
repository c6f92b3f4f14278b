// Helpers for the cases API tests: date arithmetic on the server's dates (never this machine's
// clock), CS-1's working days as the district calendar defines them, and a tip-off filer that
// sends each tip from an address of its own (the server trusts 127.0.0.1 as a proxy, so the
// X-Forwarded-For address counts for CS-2's rate limit).
import assert from 'node:assert/strict';

export const addDays = (d, n) => new Date(Date.parse(d + 'T00:00:00Z') + n * 86400e3).toISOString().slice(0, 10);
export const weekday = (d) => ((new Date(d + 'T00:00:00Z').getUTCDay() + 6) % 7) + 1;

// The date n working days after d (d itself not counted): weekdays, less the district's
// holidays, plus its make-up workdays. marks: { 'YYYY-MM-DD': 'holiday' | 'workday' }.
export function workingDaysAfter(d, n, marks = {}) {
  while (n > 0) {
    d = addDays(d, 1);
    const k = marks[d];
    if (k === 'holiday') continue;
    if (k === 'workday' || weekday(d) <= 5) n--;
  }
  return d;
}

let seq = 0;
// tip(body, { status = 201, addr }) files a tip-off and returns the body.
export function tipper(s) {
  return async (body, { status = 201, addr } = {}) => {
    seq += 1;
    const a = addr || `10.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}`;
    const r = await s.api('POST', '/api/v1/tips', body, undefined, { 'X-Forwarded-For': a });
    assert.equal(r.status, status, JSON.stringify(r.body));
    return r.body;
  };
}
