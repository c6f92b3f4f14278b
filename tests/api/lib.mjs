// Test harness for API tests: a real `shuangjian serve` on a free port, on a fresh database.
//
// The clock: every server and command a test starts runs on the test clock (src/core/clock.h)
// at TODAY 10:00 +08:00 unless the test asks for another day or time, so a date rule is tested
// the same on any day of the week at any hour, whatever the machine's clock and zone say.
//
// Backend: SQLite by default (a temporary file); PostgreSQL when SJ_PG_URL is set (a
// maintenance URL of a running cluster, e.g. postgresql://postgres@127.0.0.1:PORT/postgres):
// each server gets a database of its own, created here and dropped at stop().
// Binary: SJ_BIN (default build/shuangjian). Under AddressSanitizer or ThreadSanitizer the
// server's stderr is checked at stop(): any sanitizer report fails the test.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import assert from 'node:assert/strict';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const BIN = resolve(ROOT, process.env.SJ_BIN || 'build/shuangjian');
export const ADMIN_PASSWORD = 'admin-pass-2026';
export const BACKEND = process.env.SJ_PG_URL ? 'pg' : 'sqlite';

// The test clock's day: a Wednesday in the autumn term (by default 1 September to 20 January;
// no holidays unless a test enters them), with school weeks behind it and weeks to come.
export const TODAY = '2026-12-09';
export const CLOCK_TIME = '10:00';
// The environment that puts a server or command on the test clock; both settings are needed.
export function clockEnv(today = TODAY, time = CLOCK_TIME) {
  return { SJ_TEST_CLOCK: '1', SJ_TODAY: today, SJ_TODAY_TIME: time };
}
// Date arithmetic on YYYY-MM-DD days, as the server's calendar does it.
export const addDays = (d, n) => new Date(Date.parse(d + 'T00:00:00Z') + n * 86400e3).toISOString().slice(0, 10);
export const weekday = (d) => ((new Date(d + 'T00:00:00Z').getUTCDay() + 6) % 7) + 1; // 1 Monday .. 7 Sunday

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

function pgDbUrl(base, name) {
  const u = new URL(base);
  u.pathname = '/' + name;
  return u.toString();
}

export function psql(url, sql) {
  return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });
}

// Makes a database URL for a fresh database; returns { url, drop() }.
export function freshDb(dir) {
  if (BACKEND === 'pg') {
    const name = 'sjt_' + Math.random().toString(36).slice(2, 10);
    psql(process.env.SJ_PG_URL, `CREATE DATABASE ${name}`);
    return {
      url: pgDbUrl(process.env.SJ_PG_URL, name),
      drop() {
        try { psql(process.env.SJ_PG_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* gone */ }
      },
    };
  }
  return { url: 'sqlite:' + join(dir, 'sj.db'), drop() {} };
}

// Runs the binary to completion; returns { code, stdout, stderr }.
export function run(args, input = '', env = {}) {
  return new Promise((res) => {
    const p = spawn(BIN, args, { env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => res({ code, stdout, stderr }));
    // a command that exits before reading its input (bad usage, --version) closes the pipe
    // first: EPIPE on the write is expected then, not a test failure
    p.stdin.on('error', (e) => { if (e.code !== 'EPIPE') throw e; });
    p.stdin.end(input);
  });
}

export class Server {
  // today/time: the test clock's start (default TODAY 10:00); realClock: the machine's clock.
  constructor({ today = TODAY, time = CLOCK_TIME, realClock = false } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'sj-api-'));
    this.db = freshDb(this.dir);
    this.env = { SJ_DATA_KEY: 'ab'.repeat(32), ...(realClock ? {} : clockEnv(today, time)) };
    this.stderr = '';
  }

  async init() {
    const r = await run(['init', '--db', this.db.url, '--admin', 'admin'], ADMIN_PASSWORD + '\n', this.env);
    assert.equal(r.code, 0, 'init failed: ' + r.stderr);
  }

  // extra: more serve options; quiet: false keeps the access log (in this.stderr)
  async start(extra = [], { quiet = true } = {}) {
    this.port = this.port || await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    this.stderr = '';
    this.proc = spawn(BIN, ['serve', '--db', this.db.url, '--listen', `127.0.0.1:${this.port}`, ...(quiet ? ['--quiet'] : []), ...extra],
      { env: { ...process.env, ...this.env } });
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((res) => this.proc.on('close', (code, sig) => res({ code, sig })));
    for (let i = 0; i < 200; i++) {
      try {
        await fetch(this.url + '/api/v1/me');
        return this;
      } catch { await new Promise((r) => setTimeout(r, 25)); }
    }
    throw new Error('server did not start: ' + this.stderr);
  }

  // SIGTERM, wait, check the exit and the sanitizers.
  async stop({ keep = false } = {}) {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      const { code } = await this.exited;
      assert.equal(code, 0, 'server exit status ' + code + '\n' + this.stderr);
    }
    assert.doesNotMatch(this.stderr, /AddressSanitizer|runtime error|LeakSanitizer|ThreadSanitizer/, this.stderr);
    if (!keep) {
      this.db.drop();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  async kill9() {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  // fetch wrapper: returns { status, body, headers }
  async api(method, path, body, token, headers = {}) {
    const h = { ...headers };
    if (token) h.Authorization = 'Bearer ' + token;
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string' || body instanceof Uint8Array || Buffer.isBuffer(body)) payload = body;
      else { payload = JSON.stringify(body); h['Content-Type'] = 'application/json'; }
    }
    let res;
    try {
      res = await fetch(this.url + path, { method, headers: h, body: payload });
    } catch (e) { // undici says only "fetch failed": name the request and the socket's reason
      throw new Error(`${method} ${path}: ${e.message} (${e.cause?.code ?? ''} ${e.cause?.message ?? ''})`, { cause: e });
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: res.status, body: json, headers: res.headers };
  }

  async login(username, password) {
    const r = await this.api('POST', '/api/v1/session', { username, password });
    assert.equal(r.status, 200, `login ${username}: ${JSON.stringify(r.body)}`);
    return r.body.token;
  }

  async admin() {
    if (!this.adminToken) this.adminToken = await this.login('admin', ADMIN_PASSWORD);
    return this.adminToken;
  }
}

// A server with a database initialised and an admin token; the usual start of a test file.
export async function startServer(extra = [], clock = {}) {
  const s = new Server(clock);
  await s.init();
  await s.start(extra);
  await s.admin();
  return s;
}

// Expects status (and error code); returns the body. Shows the body on failure.
export function expectStatus(r, status, code) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  if (code) assert.equal(r.body?.error?.code, code, JSON.stringify(r.body));
  return r.body;
}

// Builds a small world through the API: a school, a class, a school admin, a teacher who
// teaches `subject` in the class, a pupil and their guardian. Returns ids and tokens.
let seq = 0;
export async function world(s, { grade = 4, kind = 'primary', subject = '数学' } = {}) {
  const n = ++seq + '_' + Math.random().toString(36).slice(2, 6);
  const A = await s.admin();
  const school = expectStatus(await s.api('POST', '/api/v1/schools', { name: '测试学校' + n, kind, rural: false }, A), 201);
  const cls = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: school.id, grade, name: grade + '年级1班' }, A), 201);
  const mk = async (username, roles) => {
    const u = expectStatus(await s.api('POST', '/api/v1/users', { username, password: 'password-123', name: username, roles }, A), 201);
    return { id: u.id, token: await s.login(username, 'password-123') };
  };
  const schoolAdmin = await mk('sa' + n, [{ role: 'school_admin', school_id: school.id }]);
  const teacher = await mk('te' + n, [{ role: 'teacher', school_id: school.id }]);
  expectStatus(await s.api('POST', `/api/v1/classes/${cls.id}/teachers`, { user_id: teacher.id, subject }, A), 201);
  const student = expectStatus(await s.api('POST', '/api/v1/students', { class_id: cls.id, name: '学生' + n, student_no: 'S' + n }, A), 201);
  const guardian = await mk('gu' + n, [{ role: 'guardian' }]);
  expectStatus(await s.api('POST', `/api/v1/students/${student.id}/guardians`, { user_id: guardian.id }, A), 201);
  return { school, cls, schoolAdmin, teacher, student, guardian, n };
}

export function readText(path) { return readFileSync(path, 'utf8'); }
