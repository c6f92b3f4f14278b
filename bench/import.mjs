// Roster import at scale: a registry-style XLSX of N pupils (default 50,000) posted to
// POST /api/v1/imports/students on a fresh SQLite server. Usage: node bench/import.mjs [N]
import { startServer, expectStatus } from '../tests/api/lib.mjs';
import { makeXlsx, REGISTRY_HEADER, cnId } from '../tests/api/xlsx.mjs';

const N = Number(process.argv[2] || 50000);
const s = await startServer();
const A = await s.admin();
const school = expectStatus(await s.api('POST', '/api/v1/schools', { name: '压测九年一贯制学校', kind: 'nine_year' }, A), 201);
const grades = ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '七年级', '八年级', '九年级'];
const rows = [REGISTRY_HEADER];
for (let i = 0; i < N; i++) {
  const birth = new Date(Date.UTC(2012, 0, 1) + Math.floor(i / 900) * 86400000).toISOString().slice(0, 10).replace(/-/g, '');
  rows.push(['', '2133000001', '学生' + i, i % 2 ? '男' : '女', birth, '居民身份证', cnId('110105', birth, i % 900),
    grades[i % 9], String(1 + (Math.floor(i / 9) % 20)), 'B' + String(i).padStart(9, '0'), '家长' + i, '母亲',
    '13' + String(900000000 + i).slice(-9), '是', '', '', '', '']);
}
const file = makeXlsx(rows);
const t0 = performance.now();
const r = await s.api('POST', `/api/v1/imports/students?school_id=${school.id}`, file, A);
const ms = performance.now() - t0;
console.log(`import of ${N} pupils (${(file.length / 1048576).toFixed(1)} MiB XLSX): HTTP ${r.status} in ${(ms / 1000).toFixed(2)} s`, JSON.stringify(r.body).slice(0, 200));
await s.stop();
