// The demo district's reporting (`shuangjian demo --scale small`, on the test clock: TODAY
// 2026-12-09): every past half-monthly period of the term submitted on its due date, the latest
// revised once with its reason, the current period in draft and not late; typical cases in each
// state; the figures as submitted are the figures answered. Runs on SQLite and, with SJ_PG_URL,
// on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, run, expectStatus } from './lib.mjs';

let s, admin, school1;
before(async () => {
  s = new Server();
  const r = await run(['demo', '--db', s.db.url, '--scale', 'small'], '', s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /reports: since 2026-09-01, 6 half-monthly reports submitted \(2026-11-2 revised once\), 2026-12-1 in draft; 3 typical cases/, r.stderr);
  await s.start();
  admin = await s.login('admin', 'shuangjian2026');
  school1 = await s.login('school1', 'shuangjian2026');
});
after(async () => { await s.stop(); });

test('past periods submitted, the current one in draft, nothing late', async () => {
  const list = expectStatus(await s.api('GET', '/api/v1/reports/half-monthly', undefined, admin), 200);
  assert.equal(list.total, 7);
  assert.deepEqual(list.items.map((x) => x.status), ['draft', 'submitted', 'submitted', 'submitted', 'submitted', 'submitted', 'submitted']);
  assert.equal(list.items[1].revision, 2);
  const due = expectStatus(await s.api('GET', '/api/v1/reports/due', undefined, admin), 200);
  assert.equal(due.late_total, 0);
  assert.equal(due.next_due.period, '2026-12-1');
  const nov = expectStatus(await s.api('GET', '/api/v1/reports/half-monthly/2026-11-2', undefined, admin), 200);
  assert.equal(nov.status, 'submitted');
  assert.equal(nov.submitted_late, true, 'the revision came the morning after the due date');
  assert.match(nov.revision_reason, /补录/);
  const first = expectStatus(await s.api('GET', '/api/v1/reports/half-monthly/2026-11-2?revision=1', undefined, admin), 200);
  assert.equal(first.submitted_late, false);
  assert.equal(first.submitted_at, '2026-11-30T16:30:00+08:00');
  const cur = expectStatus(await s.api('GET', '/api/v1/reports/half-monthly/2026-12-1', undefined, admin), 200);
  assert.equal(cur.status, 'draft');
  assert.equal(cur.late, false);
  assert.equal(cur.indicators.schools_total, 3);
  assert.ok(cur.indicators.escrow_fen > 0);
  assert.ok(cur.indicators.institutions_subject > 0);
  assert.equal(cur.indicators.baseline_date, '2021-07-24');
  assert.ok(cur.indicators.institutions_subject_baseline > cur.indicators.institutions_subject);
  assert.ok(cur.indicators.institutions_subject_reduction > 0);
});

test('typical cases in each state; the school sees its own', async () => {
  for (const [st, n] of [['published', 1], ['selected', 1], ['submitted', 1]]) {
    const page = expectStatus(await s.api('GET', `/api/v1/typical-cases?status=${st}`, undefined, admin), 200);
    assert.equal(page.total, n, st);
  }
  const own = expectStatus(await s.api('GET', '/api/v1/typical-cases', undefined, school1), 200);
  assert.equal(own.total, 1);
  assert.equal(own.items[0].status, 'published');
});
