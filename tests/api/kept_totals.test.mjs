// The two totals kept for the half-monthly report (RP-1, bench/README.md): the families' time
// per class-day (homework_family_days, migrations/0110) and the escrow per institution and day
// (ledger_escrow_days, 0315). Each is a cache that must equal what the raw rows give after every
// kind of write: publishes, reports added and changed, items re-timed, moved and withdrawn, and
// rows written by SQL (as the demo's bulk path and the tests' fixtures do), eight families
// reporting at once while the items change under them; payments, lessons,
// refunds and an institution's suspension. verify recomputes the escrow's from the ledger and
// names a row that differs; the report's escrow at a period's end splits at CST midnight
// exactly as the ledger's `at` does. SQLite (sqlite3 CLI) or PostgreSQL (psql) with SJ_PG_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectStatus, TODAY, addDays, weekday, run } from './lib.mjs';
import { institution, contract, mkUser, sqlDirect, world } from './funds_world.mjs';

let s, A;

function sql(srv, stmt) {
  const r = sqlDirect(srv, stmt);
  assert.ok(r.ok, r.out + '\n' + stmt);
  return r.out.trim();
}

before(async () => {
  s = await startServer();
  A = await s.admin();
  const y = Number(TODAY.slice(0, 4));
  for (const Y of [y - 1, y, y + 1]) {
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-spring`, first_day: `${Y}-02-01`, last_day: `${Y}-07-31` }, A), 201);
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term: `${Y}-autumn`, first_day: `${Y}-08-01`, last_day: `${Y + 1}-01-31` }, A), 201);
  }
});
after(async () => { await s?.stop(); });

// ---------- homework_family_days ----------

// The class's kept rows, and the same figures from the items and the reports themselves:
// "date|student|items|excess" lines.
const kept = (cls) => sql(s, `SELECT date, student_id, items, excess_minutes FROM homework_family_days
  WHERE class_id = ${cls} ORDER BY date, student_id`);
const raw = (cls) => sql(s, `SELECT h.date, f.student_id, COUNT(*), SUM(f.minutes_spent - h.minutes)
  FROM homework h JOIN homework_feedback f ON f.homework_id = h.id
  WHERE h.class_id = ${cls} AND h.kind = 'written' AND h.withdrawn_at IS NULL
  GROUP BY h.date, f.student_id ORDER BY h.date, f.student_id`);
function same(cls, expected, what) {
  const k = kept(cls);
  assert.equal(k, raw(cls), `${what}: the kept rows differ from the raw rows`);
  assert.equal(k, expected.map((r) => r.join('|')).join('\n'), what);
}

test('the families\' time per class-day equals the raw reports after publishes, reports, changes, moves and withdrawals', async () => {
  const w = await world(s, { grade: 4 });
  const t = TODAY; // a day that came: families report on it
  let next = addDays(t, 1);
  while (weekday(next) > 5) next = addDays(next, 1);
  const st = w.student.id;
  const pub = async (body) => expectStatus(await s.api('POST', '/api/v1/homework',
    { class_id: w.cls.id, date: t, subject: '数学', title: '练习', kind: 'written', minutes: 20, ...body }, w.teacher.token), 201);
  const fb = async (id, minutes, status = 201) => expectStatus(await s.api('POST', `/api/v1/homework/${id}/feedback`,
    { student_id: st, minutes_spent: minutes, completed: true }, w.guardian.token), status);

  const a = await pub({ minutes: 40 });
  const b = await pub({ minutes: 15, title: '订正' });
  const oral = await pub({ kind: 'oral', minutes: 10, title: '朗读' });
  same(w.cls.id, [], 'published, nobody reported: no row');
  await fb(a.id, 70);
  same(w.cls.id, [[t, st, 1, 30]], 'one report, 30 minutes beyond the estimate');
  await fb(b.id, 10);
  await fb(oral.id, 60);
  same(w.cls.id, [[t, st, 2, 25]], 'two written items (30 and -5); the oral item does not count');
  await fb(a.id, 50); // a correction: 201 with updated
  same(w.cls.id, [[t, st, 2, 5]], 'a report changed: 10 and -5');

  // a second family whose report is written by SQL (the demo's bulk path, the fixtures)
  const p2 = expectStatus(await s.api('POST', '/api/v1/students', { class_id: w.cls.id, name: '第二名学生' + w.n, student_no: 'K2' + w.n }, A), 201);
  const rows = [[t, st, 2, 5], [t, p2.id, 1, 0]].sort((x, y) => x[1] - y[1]);
  sql(s, `INSERT INTO homework_feedback (homework_id, student_id, user_id, minutes_spent, completed, created_at, updated_at)
    VALUES (${b.id}, ${p2.id}, 1, 15, 1, 1795000000, 1795000000)`);
  same(w.cls.id, rows, 'a report written by SQL is kept too');

  // the grade leader shortens item a: every family's excess on a moves
  expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/adjust`, { minutes: 30, reason: '题量偏大' }, w.schoolAdmin.token), 200);
  same(w.cls.id, rows.map((r) => (r[1] === st ? [t, st, 2, 15] : r)), 'item a re-timed to 30: 20 and -5');

  // item b withdrawn: both families lose it, the second family's row goes
  expectStatus(await s.api('DELETE', `/api/v1/homework/${b.id}`, undefined, w.teacher.token), 204);
  same(w.cls.id, [[t, st, 1, 20]], 'item b withdrawn');

  // item a moved to the next school day: the family's row moves with it
  expectStatus(await s.api('POST', `/api/v1/homework/${a.id}/adjust`, { date: next, reason: '移到下一个上课日' }, w.schoolAdmin.token), 200);
  same(w.cls.id, [[next, st, 1, 20]], 'item a moved');

  // a report removed by SQL
  sql(s, `DELETE FROM homework_feedback WHERE homework_id = ${a.id}`);
  same(w.cls.id, [], 'the last written report removed');
  // the whole table against the raw rows, every class of the server
  assert.equal(sql(s, `SELECT COUNT(*) FROM (SELECT class_id, date, student_id, items, excess_minutes FROM homework_family_days
    EXCEPT SELECT h.class_id, h.date, f.student_id, COUNT(*), SUM(f.minutes_spent - h.minutes) FROM homework h
    JOIN homework_feedback f ON f.homework_id = h.id WHERE h.kind = 'written' AND h.withdrawn_at IS NULL
    GROUP BY h.class_id, h.date, f.student_id) x`), '0');
});

test('eight families reporting at once while the item is shortened and another withdrawn: the kept rows equal the raw ones', async () => {
  const w = await world(s, { grade: 4 });
  const t = TODAY;
  const fams = [];
  for (let i = 0; i < 8; i++) {
    const p = expectStatus(await s.api('POST', '/api/v1/students', { class_id: w.cls.id, name: `同时${i}` + w.n, student_no: `KC${i}` + w.n }, A), 201);
    const g = await mkUser(s, A, [{ role: 'guardian' }], 'kg');
    expectStatus(await s.api('POST', `/api/v1/students/${p.id}/guardians`, { user_id: g.id }, A), 201);
    fams.push({ p, g });
  }
  const pub = async (minutes, title) => expectStatus(await s.api('POST', '/api/v1/homework',
    { class_id: w.cls.id, date: t, subject: '数学', title, kind: 'written', minutes }, w.teacher.token), 201);
  const a = await pub(40, '练习');
  const b = await pub(20, '订正');
  const reports = fams.flatMap(({ p, g }, i) => [a, b].map((it) => s.api('POST', `/api/v1/homework/${it.id}/feedback`,
    { student_id: p.id, minutes_spent: 30 + i, completed: true }, g.token)));
  const writes = [
    ...reports,
    s.api('POST', `/api/v1/homework/${a.id}/adjust`, { minutes: 35, reason: '题量偏大' }, w.schoolAdmin.token),
    s.api('DELETE', `/api/v1/homework/${b.id}`, undefined, w.teacher.token),
  ];
  const res = await Promise.all(writes);
  assert.equal(res.at(-2).status, 200);
  assert.equal(res.at(-1).status, 204);
  // a report on b that came after its withdrawal is refused (404); every other is stored
  const okA = res.slice(0, reports.length).filter((r, i) => i % 2 === 0);
  assert.ok(okA.every((r) => r.status === 201), JSON.stringify(okA.map((r) => r.status)));
  assert.ok(res.slice(0, reports.length).every((r) => r.status === 201 || r.status === 404));
  assert.equal(kept(w.cls.id), raw(w.cls.id));
  // what is left: item a (35 minutes) for each family, b withdrawn
  assert.equal(kept(w.cls.id), fams.map(({ p }, i) => [t, p.id, 1, 30 + i - 35])
    .sort((x, y) => x[1] - y[1]).map((r) => r.join('|')).join('\n'));
});

// ---------- ledger_escrow_days ----------

// The institution's kept days against its escrow entries grouped by CST day: "day|amount|n".
const keptEscrow = (srv, inst) => sql(srv, `SELECT day, amount_fen, entries FROM ledger_escrow_days
  WHERE institution_id = ${inst} ORDER BY day`);
const rawEscrow = (srv, inst) => sql(srv, `SELECT (e.at + 28800) / 86400, SUM(e.amount_fen), COUNT(*)
  FROM ledger_entries e JOIN contracts k ON k.id = e.contract_id
  WHERE k.institution_id = ${inst} AND e.account = 'escrow' GROUP BY (e.at + 28800) / 86400 ORDER BY 1`);
const verifyNow = async () => expectStatus(await s.api('GET', '/api/v1/funds/verify', undefined, A), 200);

test('the escrow per institution and day equals the ledger after payments, lessons, refunds and a suspension; verify names a kept row that differs', async () => {
  const { admin, inst, course } = await institution(s, { price: 3000 });
  const fams = [];
  for (let i = 0; i < 2; i++) {
    const w = await world(s);
    fams.push({ w, c: await contract(s, w, course, 10) });
  }
  const today = String(Date.parse(TODAY + 'T00:00:00Z') / 86400000); // its CST day number
  assert.equal(keptEscrow(s, inst.id), '', 'no movement, no row');
  expectStatus(await s.api('POST', `/api/v1/contracts/${fams[0].c.id}/payments`, { amount_fen: 30000 }, fams[0].w.guardian.token), 201);
  expectStatus(await s.api('POST', `/api/v1/contracts/${fams[1].c.id}/payments`, { amount_fen: 12000 }, fams[1].w.guardian.token), 201);
  assert.equal(keptEscrow(s, inst.id), `${today}|42000|2`);
  expectStatus(await s.api('POST', `/api/v1/contracts/${fams[0].c.id}/lessons`, { date: '2026-09-07' }, admin.token), 201);
  expectStatus(await s.api('POST', `/api/v1/contracts/${fams[0].c.id}/lessons`, { date: '2026-09-14' }, admin.token), 201);
  assert.equal(keptEscrow(s, inst.id), `${today}|36000|4`, 'two lessons released 6000');
  expectStatus(await s.api('POST', `/api/v1/contracts/${fams[1].c.id}/refund`, undefined, fams[1].w.guardian.token), 200);
  assert.equal(keptEscrow(s, inst.id), `${today}|24000|5`, 'the second contract refunded 12000');
  const insp = await mkUser(s, A, [{ role: 'inspector' }], 'kt');
  expectStatus(await s.api('POST', `/api/v1/institutions/${inst.id}/state`, { state: 'suspended', reason: '卷款风险' }, insp.token), 200);
  assert.equal(keptEscrow(s, inst.id), `${today}|0|6`, 'the suspension refunded the rest');
  assert.equal(keptEscrow(s, inst.id), rawEscrow(s, inst.id));
  let v = await verifyNow();
  assert.equal(v.ok, true, JSON.stringify(v.problems));

  // a kept row changed in the database (one fen): verify names the institution, the day and
  // both figures; the route, the history and the nightly command
  const d = Number(today);
  sql(s, `UPDATE ledger_escrow_days SET amount_fen = amount_fen + 1 WHERE institution_id = ${inst.id} AND day = ${d}`);
  v = await verifyNow();
  assert.equal(v.ok, false);
  assert.ok(v.problems.some((p) => p.includes(`institution ${inst.id} on ${TODAY}`) && p.includes('holds 0 fen in 6 entries')
    && p.includes('says 1 fen in 6')), JSON.stringify(v.problems));
  const cmd = await run(['verify', '--db', s.db.url], '', s.env);
  assert.equal(cmd.code, 1, cmd.stdout + cmd.stderr);
  assert.match(cmd.stdout, new RegExp(`institution ${inst.id} on ${TODAY}`));
  // a kept row removed, and a row the ledger has not: each is named
  sql(s, `DELETE FROM ledger_escrow_days WHERE institution_id = ${inst.id}`);
  sql(s, `INSERT INTO ledger_escrow_days (district_id, day, institution_id, amount_fen, entries) VALUES (1, ${d - 3}, ${inst.id}, 500, 1)`);
  v = await verifyNow();
  assert.equal(v.ok, false);
  assert.ok(v.problems.some((p) => p.includes(`institution ${inst.id} on ${TODAY}`) && p.includes('says 0 fen in 0')), JSON.stringify(v.problems));
  assert.ok(v.problems.some((p) => p.includes(`institution ${inst.id} on ${addDays(TODAY, -3)}`) && p.includes('holds 0 fen in 0 entries')), JSON.stringify(v.problems));
  // put back as the ledger says: sound again
  sql(s, `DELETE FROM ledger_escrow_days WHERE institution_id = ${inst.id}`);
  sql(s, `INSERT INTO ledger_escrow_days (district_id, day, institution_id, amount_fen, entries) VALUES (1, ${d}, ${inst.id}, 0, 6)`);
  v = await verifyNow();
  assert.equal(v.ok, true, JSON.stringify(v.problems));
});

test('the report\'s escrow at a period\'s end: an entry one second before CST midnight is in, one at midnight is not', async () => {
  // its own server: the entries written here by SQL are outside the hash chain
  const s2 = await startServer();
  try {
    const A2 = await s2.admin();
    expectStatus(await s2.api('PUT', '/api/v1/reports/settings', { since: '2026-09-01' }, A2), 200);
    const { course } = await institution(s2, { price: 3000 });
    const w = await world(s2);
    const c = await contract(s2, w, course, 10);
    expectStatus(await s2.api('POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 3000 }, w.guardian.token), 201);
    const midnight = Date.parse('2026-12-01T00:00:00+08:00') / 1000; // the end of 2026-11-2
    const entry = (seq, at, fen) => sql(s2, `INSERT INTO ledger_entries (district_id, seq, txn, kind, account, account_id, contract_id, amount_fen, actor, at, prev_hash, hash)
      VALUES (1, ${seq}, ${seq}, 'payment', 'escrow', ${c.id}, ${c.id}, ${fen}, 1, ${at}, 'x', 'x')`);
    entry(900001, midnight - 1, 100);
    entry(900002, midnight, 10000);
    const esc = async (p) => expectStatus(await s2.api('GET', `/api/v1/reports/half-monthly/${p}`, undefined, A2), 200).indicators.escrow_fen;
    assert.equal(await esc('2026-11-2'), 100);
    assert.equal(await esc('2026-12-1'), 100 + 10000 + 3000);
    // the same figures from the ledger itself
    const sum = (until) => Number(sql(s2, `SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entries WHERE account = 'escrow' AND at < ${until}`));
    assert.equal(sum(midnight), 100);
    assert.equal(sum(Date.parse('2026-12-16T00:00:00+08:00') / 1000), 13100);
  } finally {
    await s2.stop();
  }
});
