// The demo district's cases (`shuangjian demo --scale small`) as JOURNEYS.md 1.1 and 7 see
// them: tip-offs and complaints in every state with some past their due date (the dashboard's
// card), parent1's "我的投诉" with a complaint reopened once, the inspector's joint enforcement
// ending in a PN-1 penalty and a reward, and inspections with rectifications open, submitted,
// passed and overdue, the school and the institution each seeing their own; the ledger still
// verifies. Runs on SQLite and, with SJ_PG_URL, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, run, expectStatus } from './lib.mjs';

let s;
const tok = {};
before(async () => {
  s = new Server();
  const r = await run(['demo', '--db', s.db.url, '--scale', 'small'], '', s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /cases: \d+ tip-offs and complaints \([1-9]\d* past their due date\)/, r.stderr);
  const v = await run(['verify', '--db', s.db.url], '', s.env);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  await s.start();
  for (const u of ['admin', 'inspector', 'school1', 'parent1', 'org1']) tok[u] = await s.login(u, 'shuangjian2026');
});
after(async () => { await s.stop(); });

const get = async (path, who) => expectStatus(await s.api('GET', path, undefined, tok[who]), 200);

test('every state, some overdue; the dashboard card counts them per school', async () => {
  const all = await get('/api/v1/cases?limit=500', 'inspector');
  const states = new Set(all.items.map((c) => c.status));
  assert.deepEqual([...states].sort(), ['answered', 'assigned', 'closed', 'open']);
  assert.deepEqual(new Set(all.items.map((c) => c.source)), new Set(['tip', 'complaint', 'inspector']));
  const overdue = all.items.filter((c) => c.overdue);
  assert.ok(overdue.length >= 2, JSON.stringify(overdue));
  const card = await get('/api/v1/cases/overdue-by-school', 'admin');
  assert.equal(card.overdue, overdue.length);
  assert.ok(card.items.length >= 1 && card.items.every((x) => x.overdue > 0 && x.school_name));
  // the school's admin sees what is assigned to it, some past due
  const mine = await get('/api/v1/cases?limit=500', 'school1');
  assert.ok(mine.total >= 2 && mine.items.some((c) => c.overdue));
});

test('parent1: "我的投诉" with an answered complaint and one reopened once, now closed', async () => {
  const list = await get('/api/v1/complaints', 'parent1');
  assert.ok(list.total >= 2);
  const byStatus = Object.groupBy ? Object.groupBy(list.items, (c) => c.status) : list.items.reduce((a, c) => ((a[c.status] ||= []).push(c), a), {});
  assert.ok(byStatus.answered && byStatus.closed, JSON.stringify(list.items));
  const closed = await get(`/api/v1/complaints/${byStatus.closed[0].id}`, 'parent1');
  assert.equal(closed.reopened, 1);
  assert.equal(closed.can_reopen, false);
  assert.ok(closed.replies.length >= 2);
  const answered = await get(`/api/v1/complaints/${byStatus.answered[0].id}`, 'parent1');
  assert.equal(answered.can_reopen, true);
});

test('the joint enforcement case: three departments, a PN-1 penalty within its bounds, related tips, a reward', async () => {
  const all = await get('/api/v1/cases?limit=500', 'inspector');
  const own = all.items.find((c) => c.source === 'inspector' && c.category === 'unlicensed_training');
  const c = await get(`/api/v1/cases/${own.id}`, 'inspector');
  assert.equal(c.enforcements.length, 1);
  assert.deepEqual(c.enforcements[0].departments.map((d) => d.department), ['教体', '公安', '市场监管']);
  assert.ok(c.enforcements[0].departments.every((d) => d.answer));
  assert.equal(c.penalties.length, 1);
  const p = c.penalties[0];
  assert.equal(p.rule, 'PN-1');
  assert.ok(p.fine_fen >= p.illegal_income_fen && p.fine_fen <= 5 * p.illegal_income_fen);
  assert.equal(c.status, 'closed');
  const rel = await get(`/api/v1/cases/${own.id}/related`, 'inspector');
  assert.equal(rel.total, 2);
  const rewarded = await Promise.all(rel.items.map((r) => get(`/api/v1/cases/${r.id}`, 'inspector')));
  assert.ok(rewarded.some((r) => r.reward && r.reward.amount_fen > 0));
});

test('inspections: the school\'s rectifications open, submitted, passed and overdue; the institution sees its own', async () => {
  const rs = await get('/api/v1/rectifications', 'school1');
  assert.deepEqual(new Set(rs.items.map((r) => r.status)), new Set(['open', 'submitted', 'passed']));
  assert.ok(rs.items.some((r) => r.overdue));
  const passed = await get(`/api/v1/rectifications/${rs.items.find((r) => r.status === 'passed').id}`, 'school1');
  assert.deepEqual(passed.events.map((e) => e.action), ['reported', 'returned', 'reported', 'passed']);
  const org = await get('/api/v1/rectifications', 'org1');
  assert.deepEqual(new Set(org.items.map((r) => r.status)), new Set(['open', 'submitted']));
  assert.ok(org.items.every((r) => r.institution_id && !r.school_id));
});
