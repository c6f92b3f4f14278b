// `make run` as a new user meets it: quiet (the whole output on one screen, no build output,
// no echoed command), ending with the address and the demo logins; the app answers there; a
// second run on the same database serves it again without a new demo; Ctrl+C stops it.
// LISTEN and DB choose the address and the database (README.md). Runs in `make check` after
// the builds (scripts/check.sh), so nothing is built again here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, freePort, clockEnv } from '../api/lib.mjs';

const LOGINS = ['admin', 'inspector', 'school1', 'leader1', 'teacher1', 'parent1', 'org1'];
// as a user's shell starts it: not as a sub-make of `make check` (whose jobserver and level
// would show in the output), on the test clock
const ENV = { ...process.env, ...clockEnv() };
for (const k of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES']) delete ENV[k];

// Starts `make run` in its own process group; resolves once the logins are printed.
async function makeRun(port, db) {
  const p = spawn('make', ['--no-print-directory', 'run', `LISTEN=127.0.0.1:${port}`, `DB=${db}`],
    { cwd: ROOT, detached: true, env: ENV });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
  const closed = new Promise((res) => p.on('close', (code, sig) => res({ code, sig })));
  const deadline = Date.now() + 600e3;
  while (!/^ {2}org1 /m.test(out)) {
    if (p.exitCode !== null || Date.now() > deadline) throw new Error('make run did not start:\n' + out);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { p, closed, output: () => out };
}

// Ctrl+C: SIGINT to the whole process group, as a terminal sends it.
async function ctrlC(run, port) {
  process.kill(-run.p.pid, 'SIGINT');
  await run.closed;
  await assert.rejects(fetch(`http://127.0.0.1:${port}/api/v1/health`), 'the server has stopped');
}

function checkOutput(out, port) {
  const lines = out.replace(/\n$/, '').split('\n');
  assert.ok(lines.length < 25, `${lines.length} lines:\n${out}`);
  assert.doesNotMatch(out, /^exec |serve --db|\[\d+\/\d+\]|vite|npm /m, 'no echoed command, no build output');
  const tail = lines.slice(-(LOGINS.length + 2));
  assert.equal(tail[0], `打开 http://127.0.0.1:${port}`);
  assert.match(tail[1], /^演示账号 \(密码均为 shuangjian2026\)/);
  assert.deepEqual(tail.slice(2).map((l) => l.trim().split(/\s+/)[0]), LOGINS);
  assert.match(out, new RegExp(`serving http://127\\.0\\.0\\.1:${port} \\(SQLite, policy national-2021\\)`));
}

test('make run: one screen, ending with the address and the logins; the app answers; Ctrl+C stops it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sj-run-'));
  const db = join(dir, 'demo.db');
  try {
    const port = await freePort();
    let run = await makeRun(port, db);
    try {
      checkOutput(run.output(), port);
      assert.match(run.output(), /创建演示数据库/);
      assert.ok(existsSync(db), 'the database is where DB says');
      const page = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="app">/);
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/session`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'school1', password: 'shuangjian2026' }),
      });
      assert.equal(login.status, 200, 'the demo login works');
    } finally { await ctrlC(run, port); }

    // the same database again: no new demo, the same ending
    run = await makeRun(port, db);
    try {
      checkOutput(run.output(), port);
      assert.doesNotMatch(run.output(), /创建演示数据库/);
    } finally { await ctrlC(run, port); }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('make run on an address already in use stops with the reason and exit status 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sj-run-'));
  const { createServer } = await import('node:net');
  const busy = createServer();
  await new Promise((res) => busy.listen(0, '127.0.0.1', res));
  const port = busy.address().port;
  try {
    const p = spawn('make', ['--no-print-directory', 'run', `LISTEN=127.0.0.1:${port}`, `DB=${join(dir, 'demo.db')}`],
      { cwd: ROOT, env: ENV });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const code = await new Promise((res) => p.on('close', res));
    assert.notEqual(code, 0, out);
    assert.match(out, new RegExp(`${port}`), 'the server says which address');
    assert.match(out, /服务器没有启动/);
    assert.doesNotMatch(out, /演示账号/, 'no logins for a server that is not there');
    assert.ok(out.split('\n').length < 25, out);
  } finally {
    busy.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
