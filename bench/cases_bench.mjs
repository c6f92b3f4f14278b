// bench/cases_bench.mjs: the cases lists on a city's year of cases, and 200 tip-offs at once.
// Run by bench/cases.sh against a running server: URL, the demo's accounts.
//   lists: the inspector's overdue list (GET /cases?overdue=true) and school1's list
//   (GET /cases), a page of 100 each, ROUNDS times one after the other; median and p95;
//   the same for GET /me as the reference of the same run.
//   tips: CLIENTS clients each filing one tip-off at the same moment from addresses of their
//   own; every one answered 201 and readable with its code and secret, none lost; then CLIENTS
//   at once from one address: exactly the policy's limit pass, the rest 429.
const URL_ = process.env.URL;
const ROUNDS = Number(process.env.ROUNDS || 50);
const CLIENTS = Number(process.env.CLIENTS || 200);

async function login(u) {
  const r = await fetch(`${URL_}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: u, password: 'shuangjian2026' }) });
  return (await r.json()).token;
}
async function timed(path, token) {
  const t0 = performance.now();
  const r = await fetch(URL_ + path, { headers: { Authorization: 'Bearer ' + token } });
  const body = await r.json();
  const ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(body)}`);
  return { ms, body };
}
const q = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const insp = await login('inspector'), school = await login('school1');
const rows = [];
for (const [name, path, tok] of [
  ['GET /me (reference)', '/api/v1/me', insp],
  ['inspector: overdue list, 100 a page', '/api/v1/cases?overdue=true&limit=100', insp],
  ['inspector: overdue list, page 50', '/api/v1/cases?overdue=true&limit=100&offset=4900', insp],
  ['school1: its list, 100 a page', '/api/v1/cases?limit=100', school],
  ['school1: its overdue', '/api/v1/cases?overdue=true&limit=100', school],
  ['dashboard: overdue per school', '/api/v1/cases/overdue-by-school', insp],
]) {
  const ms = [];
  let total = 0;
  await timed(path, tok); // warm the statement caches
  for (let i = 0; i < ROUNDS; i++) {
    const r = await timed(path, tok);
    ms.push(r.ms);
    total = r.body.total ?? r.body.overdue;
  }
  rows.push({ name, total, median: q(ms, 0.5).toFixed(1), p95: q(ms, 0.95).toFixed(1) });
}
console.table(rows);

// 200 clients at once, each from an address of its own
const body = JSON.stringify({ category: 'disguised_training', text: '基准测试:小区内疑似补课', place: '基准测试小区', anonymous: true });
const post = (addr) => fetch(`${URL_}/api/v1/tips`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': addr }, body })
  .then(async (r) => ({ status: r.status, body: await r.json() }));
let t0 = performance.now();
const rs = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => post(`10.77.${i >> 8}.${i & 255}`)));
const wall = performance.now() - t0;
const ok = rs.filter((r) => r.status === 201);
let readable = 0;
for (const r of ok) {
  const s = await fetch(`${URL_}/api/v1/tips/${r.body.tracking_code}?secret=${r.body.secret}`);
  readable += s.status === 200;
}
const ids = new Set(ok.map((r) => r.body.case_id));
console.log(`tips: ${CLIENTS} clients at once from ${CLIENTS} addresses: ${ok.length} answered 201 in ${wall.toFixed(0)} ms, ${readable} readable with their code and secret, ${ids.size} distinct cases; other answers: ${rs.filter((r) => r.status !== 201).map((r) => r.status).join(',') || 'none'}`);
t0 = performance.now();
const one = await Promise.all(Array.from({ length: CLIENTS }, () => post('10.78.0.1')));
const pass = one.filter((r) => r.status === 201).length, slowed = one.filter((r) => r.status === 429).length;
console.log(`tips: ${CLIENTS} clients at once from one address: ${pass} passed, ${slowed} answered 429 (the limit is the policy's tips_per_hour) in ${(performance.now() - t0).toFixed(0)} ms`);
if (ok.length !== CLIENTS || readable !== CLIENTS || ids.size !== CLIENTS) process.exit(1);
