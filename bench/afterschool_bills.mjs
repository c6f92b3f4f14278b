// afterschool_bills.mjs: a term's bills for every pupil of the district, computed and stored
// by POST /api/v1/afterschool/bills/run, then the district's RP-3 report that sums them
// (bench/afterschool.md). The seats come from afterschool_bills_seed.sql.
//
// usage: node bench/afterschool_bills.mjs URL TERM [RUNS]
import assert from 'node:assert/strict';

const [url, term, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 3);
async function api(method, path, body, token) {
  const res = await fetch(url + path, {
    method, headers: { ...(token ? { Authorization: 'Bearer ' + token } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, bytes: text.length };
}
const login = await api('POST', '/api/v1/session', { username: 'admin', password: 'shuangjian2026' });
assert.equal(login.status, 200, JSON.stringify(login.body));
const A = login.body.token;
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = await api('POST', '/api/v1/afterschool/bills/run', { term }, A);
  const wall = performance.now() - t0;
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const b = r.body;
  console.log(`bills run ${i + 1}: ${b.students} pupils, ${b.seats} seats, ${b.programs} programs, ${b.school_days} school days;`
    + ` total ${(b.total_fen / 100).toFixed(2)} yuan (gross ${(b.gross_fen / 100).toFixed(2)}, waived ${(b.waiver_fen / 100).toFixed(2)});`
    + ` server ${(b.ms / 1000).toFixed(2)} s, wall ${(wall / 1000).toFixed(2)} s`);
}
const t0 = performance.now();
const rep = await api('GET', `/api/v1/afterschool/reports/coverage?term=${term}`, undefined, A);
const wall = performance.now() - t0;
assert.equal(rep.status, 200);
const d = rep.body.district;
console.log(`RP-3 report: ${d.schools} schools, ${d.pupils} pupils, ${d.pupils_enrolled} enrolled (${d.pupil_share}%),`
  + ` fees ${(d.fees_billed_fen / 100).toFixed(2)} yuan, ${(wall / 1000).toFixed(2)} s`);
const one = await api('GET', `/api/v1/afterschool/bills?student_id=2&term=${term}`, undefined, A);
assert.equal(one.status, 200);
console.log(`one bill (pupil 2): ${one.body.items.length} lines, total ${one.body.total_fen} fen: ${one.body.items.map((x) => x.explain).join(' | ')}`);
