// afterschool_enrol.mjs: N guardians enrol their children at once into 40 programs of one
// school (bench/afterschool.md). The school, its pupils and the guardians' sessions come from
// afterschool_seed.py; this script creates the 40 programs through the API (so every program
// passes the AS-2/AS-6 checks), looks up each guardian's child, then sends every enrolment at
// the same moment and checks the outcome: each program's seats filled exactly once, the rest on
// its wait list with positions 1..k in arrival order, no pupil twice.
//
// usage: node bench/afterschool_enrol.mjs URL TOKENS.json [CAPACITY]
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const [url, tokensPath, capArg] = process.argv.slice(2);
const tokens = JSON.parse(readFileSync(tokensPath, 'utf8'));
const CAP = Number(capArg || 40), PROGRAMS = 40;
const Y = Number(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4)) + 1;
const TERM = `${Y}-autumn`;

async function api(method, path, body, token) {
  const res = await fetch(url + path, {
    method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
async function inBatches(items, size, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(...await Promise.all(items.slice(i, i + size).map(fn)));
  return out;
}

const me = await api('GET', '/api/v1/me', undefined, tokens.admin);
assert.equal(me.status, 200, JSON.stringify(me.body));
const schoolId = me.body.roles.find((r) => r.role === 'school_admin').school_id;
const courses = ['篮球', '足球', '合唱', '书法', '围棋', '机器人', '编程', '舞蹈', '绘画', '阅读'];
const programs = [];
for (let i = 0; i < PROGRAMS; i++) {
  const r = await api('POST', '/api/v1/afterschool/programs', {
    school_id: schoolId, term: TERM, name: `${courses[i % 10]}${Math.floor(i / 10) + 1}组`, kind: 'course',
    provider: 'school', capacity: CAP, weekdays: [i % 5 + 1], start: '16:30', end: '18:00',
    fee_per_hour_fen: 300, first_day: `${Y}-09-01`, last_day: `${Y}-12-31`,
  }, tokens.admin);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  programs.push(r.body.id);
}
const kids = await inBatches(tokens.guardians, 100, async (g) => {
  const r = await api('GET', '/api/v1/me/children', undefined, g.token);
  assert.equal(r.status, 200);
  return { token: g.token, student: r.body.items[0].id };
});
const n = kids.length;
console.log(`${n} guardians, ${PROGRAMS} programs of ${CAP} seats (${PROGRAMS * CAP} seats), term ${TERM}`);

// all at once
const lat = new Array(n);
const t0 = performance.now();
const res = await Promise.all(kids.map(async (k, i) => {
  const a = performance.now();
  const r = await api('POST', '/api/v1/afterschool/enrolments', { program_id: programs[i % PROGRAMS], student_id: k.student }, k.token);
  lat[i] = performance.now() - a;
  return r;
}));
const wall = performance.now() - t0;
const bad = res.filter((r) => r.status !== 201);
assert.equal(bad.length, 0, JSON.stringify(bad.slice(0, 3)));
lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(n - 1, Math.floor(p * n))].toFixed(0);
console.log(`wall ${(wall / 1000).toFixed(2)} s, ${(n / (wall / 1000)).toFixed(0)} enrolments/s; latency ms p50 ${pct(0.5)} p95 ${pct(0.95)} p99 ${pct(0.99)} max ${lat[n - 1].toFixed(0)}`);

// the outcome
let enrolled = 0, waitlisted = 0;
const seen = new Set();
for (const pid of programs) {
  const l = await api('GET', `/api/v1/afterschool/programs/${pid}/enrolments?limit=500`, undefined, tokens.admin);
  assert.equal(l.status, 200);
  const items = l.body.items;
  const e = items.filter((x) => x.status === 'enrolled'), w = items.filter((x) => x.status === 'waitlisted');
  const asked = kids.filter((_, i) => programs[i % PROGRAMS] === pid).length;
  assert.equal(e.length, Math.min(CAP, asked), `program ${pid}: seats filled exactly once`);
  assert.equal(w.length, Math.max(0, asked - CAP));
  assert.deepEqual(w.map((x) => x.position), w.map((_, i) => i + 1), 'positions 1..k');
  assert.deepEqual(w.map((x) => x.id), [...w.map((x) => x.id)].sort((a, b) => a - b), 'wait list in arrival order');
  for (const x of items) {
    assert.ok(!seen.has(x.student_id), 'no pupil twice');
    seen.add(x.student_id);
  }
  enrolled += e.length;
  waitlisted += w.length;
}
// each answer agrees with the list: the waitlisted were told their position
const told = res.map((r) => r.body).filter((b) => b.status === 'waitlisted').map((b) => b.position);
assert.equal(told.length, waitlisted);
console.log(`check: ${enrolled} enrolled (= ${PROGRAMS} x ${CAP}), ${waitlisted} waitlisted in order, ${seen.size} pupils, none twice: OK`);
