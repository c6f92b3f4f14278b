// The browser's protection on every answer (issue 8, part 3): Content-Security-Policy,
// X-Frame-Options, Referrer-Policy and X-Content-Type-Options on JSON, errors of every kind,
// the web app's files, its history-mode fallback, 404s, downloads and 429s alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, expectStatus } from './lib.mjs';

let s, A, web;
before(async () => {
  s = new Server();
  web = join(s.dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>t</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(web, 'assets', 'app.js'), 'document.title = "ok";\n');
  await s.init();
  await s.start(['--web', web]);
  A = await s.admin();
});
after(async () => { await s.stop(); });

// Asserts the four headers and the policy's essential directives; `what` names the answer.
function assertProtected(headers, what) {
  const csp = headers.get('content-security-policy');
  assert.ok(csp, `${what}: no Content-Security-Policy`);
  const dir = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean)
    .map((d) => { const [k, ...v] = d.split(/\s+/); return [k, v]; }));
  assert.deepEqual(dir['script-src'], ["'self'"], `${what}: scripts only from self: ${csp}`);
  assert.deepEqual(dir['frame-ancestors'], ["'none'"], `${what}: ${csp}`);
  assert.deepEqual(dir['object-src'], ["'none'"], `${what}: ${csp}`);
  assert.deepEqual(dir['base-uri'], ["'self'"], `${what}: ${csp}`);
  assert.deepEqual(dir['connect-src'], ["'self'"], `${what}: ${csp}`);
  assert.deepEqual(dir['default-src'], ["'self'"], `${what}: ${csp}`);
  assert.deepEqual(dir['style-src'], ["'self'"], `${what}: no injected <style>: ${csp}`);
  assert.deepEqual(dir['style-src-attr'], ["'unsafe-inline'"], `${what}: ECharts' tooltips: ${csp}`);
  assert.doesNotMatch(csp, /unsafe-eval/, `${what}: ${csp}`);
  assert.equal(headers.get('x-frame-options'), 'DENY', what);
  assert.match(headers.get('referrer-policy') ?? '', /^(no-referrer|same-origin)$/, what);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
}

async function raw(method, path, { body, headers = {} } = {}) {
  const r = await fetch(s.url + path, { method, headers, body });
  const buf = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, body: buf };
}

test('a JSON answer carries the four headers', async () => {
  const r = await s.api('GET', '/api/v1/me', undefined, A);
  expectStatus(r, 200);
  assertProtected(r.headers, 'GET /api/v1/me');
  const list = await s.api('GET', '/api/v1/schools', undefined, A);
  expectStatus(list, 200);
  assertProtected(list.headers, 'GET /api/v1/schools');
});

test('errors carry them: 401, 400 bad JSON, 403, 404 route, 405, 413, 422', async () => {
  const r401 = await s.api('GET', '/api/v1/me');
  expectStatus(r401, 401, 'unauthenticated');
  assertProtected(r401.headers, '401');
  const r400 = await s.api('POST', '/api/v1/schools', '{bad', A, { 'Content-Type': 'application/json' });
  assert.equal(r400.status, 400);
  assertProtected(r400.headers, '400');
  const guardian = expectStatus(await s.api('POST', '/api/v1/users',
    { username: 'hdr_guardian', password: 'password-123', name: '家长', roles: [{ role: 'guardian' }] }, A), 201);
  assert.ok(guardian.id);
  const G = await s.login('hdr_guardian', 'password-123');
  const r403 = await s.api('POST', '/api/v1/schools', { name: '不该建的学校', kind: 'primary', rural: false }, G);
  assert.equal(r403.status, 403);
  assertProtected(r403.headers, '403');
  const r404 = await s.api('GET', '/api/v1/no-such-thing', undefined, A);
  assert.equal(r404.status, 404);
  assertProtected(r404.headers, '404 /api');
  const r405 = await s.api('PATCH', '/api/v1/me', undefined, A);
  assert.equal(r405.status, 405);
  assertProtected(r405.headers, '405');
  const r413 = await raw('POST', '/api/v1/schools', { body: 'x'.repeat((1 << 20) + 1), headers: { Authorization: 'Bearer ' + A, 'Content-Type': 'application/json' } });
  assert.equal(r413.status, 413);
  assertProtected(r413.headers, '413');
  const r422 = await s.api('POST', '/api/v1/schools', { name: '', kind: 'castle', rural: false }, A);
  assert.ok(r422.status === 422 || r422.status === 400, JSON.stringify(r422.body));
  assertProtected(r422.headers, String(r422.status));
});

test('a static file, the history-mode fallback and HEAD carry them', async () => {
  const js = await raw('GET', '/assets/app.js');
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /javascript/);
  assertProtected(js.headers, 'GET /assets/app.js');
  const page = await raw('GET', '/');
  assert.equal(page.status, 200);
  assert.match(page.body.toString(), /<!doctype html>/);
  assertProtected(page.headers, 'GET /');
  const fallback = await raw('GET', '/homework/board');
  assert.equal(fallback.status, 200);
  assert.match(fallback.headers.get('content-type'), /text\/html/);
  assertProtected(fallback.headers, 'GET /homework/board (index.html)');
  const head = await raw('HEAD', '/assets/app.js');
  assert.equal(head.status, 200);
  assertProtected(head.headers, 'HEAD /assets/app.js');
});

test('a 404 outside /api carries them (no web app, and a method other than GET)', async () => {
  const post = await raw('POST', '/assets/app.js');
  assert.equal(post.status, 404);
  assertProtected(post.headers, 'POST /assets/app.js');
  // a server without --web answers 404 for every page
  const bare = new Server();
  try {
    await bare.init();
    await bare.start();
    const r = await fetch(bare.url + '/index.html');
    assert.equal(r.status, 404);
    await r.arrayBuffer();
    assertProtected(r.headers, 'GET /index.html without --web');
  } finally {
    await bare.stop();
  }
});

test('a download (XLSX) carries them', async () => {
  const r = await raw('GET', '/api/v1/reports/homework.xlsx?from=2026-03-02&to=2026-03-06', { headers: { Authorization: 'Bearer ' + A } });
  assert.equal(r.status, 200, r.body.toString());
  assert.match(r.headers.get('content-disposition') ?? '', /attachment/);
  assertProtected(r.headers, 'GET /api/v1/reports/homework.xlsx');
});

test('a 429 carries them', async () => {
  expectStatus(await s.api('POST', '/api/v1/users',
    { username: 'hdr_locked', password: 'password-123', name: '锁定', roles: [{ role: 'inspector' }] }, A), 201);
  let last;
  for (let i = 0; i < 12; i++) {
    last = await s.api('POST', '/api/v1/session', { username: 'hdr_locked', password: 'wrong-' + i });
    if (last.status === 429) break;
  }
  assert.equal(last.status, 429, JSON.stringify(last.body));
  assertProtected(last.headers, '429');
});
