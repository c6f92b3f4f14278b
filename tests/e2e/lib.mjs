// Browser-test harness: a real `shuangjian serve` on a free port with a fresh SQLite database
// and the built web app (web/dist), API helpers to set up a scenario, and headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core; no browser is downloaded).
//
// The clock: the server runs on the test clock (src/core/clock.h) at TODAY 10:00 +08:00 unless a
// test asks otherwise, while the browser keeps the machine's own clock: the web app must take
// its dates from the server, and the tests run the same on any day at any hour.
//
// Environment: SJ_BIN (default build/shuangjian), SJ_WEB (default web/dist), SJ_CHROMIUM
// (default /usr/bin/chromium), SJ_E2E_KEEP=1 keeps the temporary directory for a look.
// A test that fails leaves a screenshot in tests/e2e/artifacts/ (see withPage).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { chromium } from 'playwright-core';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const BIN = resolve(ROOT, process.env.SJ_BIN || 'build/shuangjian');
export const WEB = resolve(ROOT, process.env.SJ_WEB || 'web/dist');
export const CHROMIUM = process.env.SJ_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = resolve(ROOT, 'tests/e2e/artifacts');
export const ADMIN = { username: 'admin', password: 'admin-e2e-2026' };

// The test clock's day: a Wednesday in the autumn term (as tests/api/lib.mjs).
export const TODAY = '2026-12-09';
export const CLOCK_TIME = '10:00';
export const addDays = (d, n) => new Date(Date.parse(d + 'T00:00:00Z') + n * 86400e3).toISOString().slice(0, 10);
export const weekday = (d) => ((new Date(d + 'T00:00:00Z').getUTCDay() + 6) % 7) + 1; // 1 Monday .. 7 Sunday

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

// Runs the binary to completion with `input` on stdin; resolves { code, stdout, stderr }.
export function run(args, input, env) {
  return new Promise((res, rej) => {
    const p = spawn(BIN, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', rej);
    p.on('close', (code) => res({ code, stdout, stderr }));
    p.stdin.end(input);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The demo district's accounts (`shuangjian demo`, src/core/demo.c), all with one password.
export const DEMO = {
  password: 'shuangjian2026',
  accounts: ['admin', 'inspector', 'school1', 'leader1', 'teacher1', 'parent1', 'org1'],
};

// Starts a server on a fresh database with a district admin (or, with demo: true, the small
// demo district, its admin's password being DEMO.password). Returns an object with
// url, api(), login(), stop(). Fails early, with the reason, when the binary or the built web
// app is missing. today/time: the test clock's start; realClock: the machine's clock.
// dir: the directory of a server stopped with stop({ keep: true }): its database is served again
// (no init), e.g. on a later day of the test clock.
export async function startServer({ demo = false, today = TODAY, time = CLOCK_TIME, realClock = false, dir: reuse } = {}) {
  if (!existsSync(BIN)) throw new Error(`no server binary at ${BIN}: run "make server" (or set SJ_BIN)`);
  if (!existsSync(join(WEB, 'index.html')))
    throw new Error(`no web build at ${WEB}: run "cd web && npm ci && npm run build"`);
  const dir = reuse || mkdtempSync(join(tmpdir(), 'sj-e2e-'));
  const db = `sqlite:${join(dir, 'sj.db')}`;
  const env = { ...process.env, SJ_DATA_KEY: process.env.SJ_DATA_KEY || 'cd'.repeat(32),
    ...(realClock ? {} : { SJ_TEST_CLOCK: '1', SJ_TODAY: today, SJ_TODAY_TIME: time }) };

  const init = reuse
    ? { code: 0 }
    : demo
      ? await run(['demo', '--db', db, '--scale', 'small'], '', env)
      : await run(['init', '--db', db, '--admin', ADMIN.username], `${ADMIN.password}\n`, env);
  if (init.code !== 0) throw new Error(`${demo ? 'demo' : 'init'} failed (${init.code}): ${init.stderr}`);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web', WEB, '--quiet'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const exited = new Promise((res) => proc.on('close', (code, signal) => res({ code, signal })));

  // Ready when /api/v1/me answers at all (401 without a token is the expected answer).
  let ready = false;
  for (let i = 0; i < 200 && proc.exitCode === null; i++) {
    try {
      await fetch(`${url}/api/v1/me`);
      ready = true;
      break;
    } catch {
      await sleep(50);
    }
  }
  if (!ready) {
    proc.kill('SIGKILL');
    throw new Error(`server did not start:\n${log}`);
  }

  const server = {
    url,
    dir,
    get log() {
      return log;
    },
    // fetch wrapper: resolves { status, body }; body is parsed JSON when it is JSON.
    async api(method, path, body, token) {
      const headers = { 'Accept-Language': 'zh-CN' };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const r = await fetch(url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: r.status, body: json };
    },
    // Like api() but throws unless the status is `want`; returns the body.
    async must(want, method, path, body, token) {
      const r = await this.api(method, path, body, token);
      if (r.status !== want)
        throw new Error(`${method} ${path}: want ${want}, got ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async login(username, password) {
      return (await this.must(200, 'POST', '/api/v1/session', { username, password })).token;
    },
    async adminToken() {
      if (!this._admin) this._admin = await this.login(ADMIN.username, demo ? DEMO.password : ADMIN.password);
      return this._admin;
    },
    async stop({ keep = false } = {}) {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        const { code } = await exited;
        clearTimeout(t);
        if (code !== 0) console.error(`server exited ${code}:\n${log}`);
      }
      if (!keep && !process.env.SJ_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

// ---- scenario builders (all through the public API, as the district admin unless told)

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${++seq}`;

export async function createSchool(s, { name = `测试小学${uniq()}`, kind = 'primary', rural = false } = {}) {
  return s.must(201, 'POST', '/api/v1/schools', { name, kind, rural }, await s.adminToken());
}

export async function createClass(s, schoolId, { grade = 4, name = '3班' } = {}) {
  return s.must(201, 'POST', '/api/v1/classes', { school_id: schoolId, grade, name }, await s.adminToken());
}

export async function createUser(s, { username = `u${uniq()}`, password = 'password-e2e-1', name = '测试用户', roles, phone } = {}) {
  const body = { username, password, name, roles };
  if (phone) body.phone = phone;
  const u = await s.must(201, 'POST', '/api/v1/users', body, await s.adminToken());
  return { ...u, username, password };
}

export async function createStudent(s, classId, { name = '王小明', student_no = `G${uniq()}` } = {}) {
  return s.must(201, 'POST', '/api/v1/students', { class_id: classId, name, student_no }, await s.adminToken());
}

export async function linkGuardian(s, studentId, userId) {
  return s.must(201, 'POST', `/api/v1/students/${studentId}/guardians`, { user_id: userId }, await s.adminToken());
}

// ---- roster files as the national student registry exports them (FORMATS.md), minimal columns

// A valid 18-character 居民身份证号 (GB 11643 check character) born 2016-03-15, sequence `seq`.
export function residentId(seq, area = '110105', birth = '20160315') {
  const body = area + birth + String(seq % 1000).padStart(3, '0');
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * weights[i];
  return body + '10X98765432'[sum % 11];
}

export const ROSTER_HEADER = ['姓名', '性别', '身份证件类型', '身份证件号', '年级', '班级号', '学籍辅号',
  '成员1姓名', '成员1关系', '成员1联系电话', '成员1是否监护人'];

// One pupil's row: grade name, class number, a unique 学籍辅号 and a guardian with a phone.
export function rosterRow(i, { name = `学生${i}`, grade = '三年级', cls = '2' } = {}) {
  return [name, i % 2 ? '男' : '女', '居民身份证', residentId(i), grade, cls, `L${String(20160000 + i)}`,
    `家长${i}`, '母亲', `139${String(10000000 + i).slice(-8)}`, '是'];
}

// CSV text (UTF-8 with a BOM, CRLF), the way Excel saves it.
export function toCsv(rows) {
  const cell = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return '\ufeff' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

// ---- the browser

// One headless Chromium for a test file; each test opens its own context (fresh storage).
// playwright gives the browser a fresh temporary profile (--user-data-dir) of its own.
export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// Content-Security-Policy violations of a page, as the page itself sees them: an init script
// reports every securitypolicyviolation event to the console with a mark (the browser's own
// "Refused to ..." lines are not console calls, so playwright does not pass them on; they are
// caught too, should a later version). Call before the first navigation; returns the list
// that fills as violations happen.
const CSP_MARK = '[sj-csp-violation]';
const CSP_LISTENER = `document.addEventListener('securitypolicyviolation', (e) => console.error(
  ${JSON.stringify(CSP_MARK)} + ' ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
  ' at ' + e.sourceFile + ':' + e.lineNumber));`;

export async function watchCsp(page) {
  const violations = [];
  await page.addInitScript({ content: CSP_LISTENER });
  page.on('console', (m) => {
    const text = m.text();
    if (text.startsWith(CSP_MARK) || /Refused to .*Content Security Policy/.test(text))
      violations.push(`${page.url()}: ${text}`);
  });
  return violations;
}

// Opens a page in a new context, runs fn(page); on failure saves a full-page screenshot to
// tests/e2e/artifacts/<name>.png before rethrowing. The context is always closed. Every page
// runs under the server's Content-Security-Policy: one violation fails the test.
export async function withPage(browser, name, opts, fn) {
  const ctx = await browser.newContext({ locale: 'zh-CN', ...opts });
  const page = await ctx.newPage();
  const consoleErrors = [];
  const cspViolations = await watchCsp(page);
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  try {
    await fn(page);
    if (cspViolations.length)
      throw new Error(`Content-Security-Policy violations:\n${cspViolations.join('\n')}`);
  } catch (err) {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    if (consoleErrors.length) err.message += `\npage errors:\n${consoleErrors.join('\n')}`;
    err.message += `\nscreenshot: ${file}`;
    throw err;
  } finally {
    await ctx.close();
  }
}

// The <input> of an Element Plus field marked data-test=NAME: el-input hands its attributes to
// the inner input, other components keep them on their wrapper.
export function field(scope, name) {
  return scope.locator(`input[data-test="${name}"], textarea[data-test="${name}"], [data-test="${name}"] input`).first();
}

// Logs in through the form and waits until the app has left /login.
export async function loginThroughForm(page, baseUrl, username, password) {
  await page.goto(`${baseUrl}/login`);
  await field(page, 'login-username').fill(username);
  await field(page, 'login-password').fill(password);
  await page.locator('[data-test=login-submit]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}
