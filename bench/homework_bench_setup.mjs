// homework_bench_setup.mjs: prepares a demo database served at URL for the homework benchmarks:
// puts every date of the coming year inside a term, logs in teachers of the demo district (their
// names follow src/core/demo.c: s{school}_g{grade}_t{subject index}, password shuangjian2026)
// and writes the wrk data file for bench/homework_publish.lua.
//   node bench/homework_bench_setup.mjs URL OUT_FILE TEACHERS
import { writeFileSync } from 'node:fs';

const [url, out, nTeachers = '100'] = process.argv.slice(2);
const PASSWORD = 'shuangjian2026';
const SUBJECTS = ['语文', '数学', '英语', '科学', '道德与法治'];
async function api(method, path, body, token) {
  const h = { 'Content-Type': 'application/json' };
  if (token) h.Authorization = 'Bearer ' + token;
  const r = await fetch(url + path, { method, headers: h, body: body ? JSON.stringify(body) : undefined });
  const j = await r.json().catch(() => null);
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}
const login = async (u) => (await api('POST', '/api/v1/session', { username: u, password: PASSWORD })).token;

const A = await login('admin');
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const y = Number(today.slice(0, 4));
for (const Y of [y - 1, y, y + 1]) {
  await api('POST', '/api/v1/calendar/terms', { term: `${Y}-spring`, first_day: `${Y}-02-01`, last_day: `${Y}-07-31` }, A);
  await api('POST', '/api/v1/calendar/terms', { term: `${Y}-autumn`, first_day: `${Y}-08-01`, last_day: `${Y + 1}-01-31` }, A);
}
const schools = (await api('GET', '/api/v1/schools?limit=500', undefined, A)).items.filter((s) => s.id !== 1 && s.kind !== 'junior');
const lines = [];
let teachers = 0, firstClass = null, firstToken = null;
for (const sc of schools) {
  if (teachers >= Number(nTeachers)) break;
  const classes = (await api('GET', `/api/v1/schools/${sc.id}/classes?limit=500`, undefined, A)).items.filter((c) => c.grade >= 3 && c.grade <= 6);
  const grades = [...new Set(classes.map((c) => c.grade))];
  for (const g of grades) {
    if (teachers >= Number(nTeachers)) break;
    for (let k = 0; k < SUBJECTS.length; k++) {
      const token = await login(`s${sc.id}_g${g}_t${k}`);
      teachers++;
      for (const c of classes.filter((x) => x.grade === g)) {
        lines.push(`${token} ${c.id} ${SUBJECTS[k]}`);
        if (!firstClass) { firstClass = c.id; firstToken = token; }
      }
    }
  }
}
for (let i = 1; i <= 300; i++) {
  const d = new Date(Date.parse(today + 'T00:00:00Z') + i * 86400e3).toISOString().slice(0, 10);
  lines.push(`date ${d} -`);
}
writeFileSync(out, lines.join('\n') + '\n');
const classes = new Set(lines.filter((l) => !l.startsWith('date')).map((l) => l.split(' ')[1]));
console.log(`teachers ${teachers} classes ${classes.size} board_class ${firstClass} board_token ${firstToken}`);
