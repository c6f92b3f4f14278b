// Durability, shutdown and secrets: what the foundation promises beyond single requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, startServer, expectStatus, ADMIN_PASSWORD, BACKEND, psql } from './lib.mjs';

function dump(s) {
  if (BACKEND === 'pg') return psql(s.db.url, "SELECT string_agg(t::text, E'\\n') FROM (SELECT * FROM users) t") +
    psql(s.db.url, "SELECT string_agg(t::text, E'\\n') FROM (SELECT * FROM sessions) t") +
    psql(s.db.url, "SELECT string_agg(t::text, E'\\n') FROM (SELECT * FROM audit_log) t");
  return execFileSync('sqlite3', [s.db.url.slice(7), '.dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

test('SIGKILL during a stream of writes: every write answered 201 is there after restart', async () => {
  const s = await startServer();
  const A = await s.admin();
  const answered = [];
  let stop = false;
  const writers = Array.from({ length: 8 }, (_, w) => (async () => {
    for (let i = 0; !stop && i < 10000; i++) {
      try {
        const r = await s.api('POST', '/api/v1/schools', { name: `断电测试${w}-${i}`, kind: 'primary' }, A);
        if (r.status === 201) answered.push(r.body.id);
      } catch { return; } // the connection died with the server
    }
  })());
  // kill once a stream is under way: after 20 answered writes (however loaded the machine)
  for (let waited = 0; answered.length < 20 && waited < 60000; waited += 50)
    await new Promise((r) => setTimeout(r, 50));
  await s.kill9();
  stop = true;
  await Promise.all(writers);
  assert.ok(answered.length > 10, 'too few writes before the kill: ' + answered.length);
  await s.start();
  const list = expectStatus(await s.api('GET', '/api/v1/schools?limit=500', undefined, await s.login('admin', ADMIN_PASSWORD)), 200);
  let ids = new Set(list.items.map((x) => x.id));
  for (let off = 500; off < list.total; off += 500) {
    const more = expectStatus(await s.api('GET', `/api/v1/schools?limit=500&offset=${off}`, undefined, await s.admin()), 200);
    more.items.forEach((x) => ids.add(x.id));
  }
  const missing = answered.filter((id) => !ids.has(id));
  assert.deepEqual(missing, []);
  if (BACKEND === 'sqlite') {
    const ok = execFileSync('sqlite3', [s.db.url.slice(7), 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim();
    assert.equal(ok, 'ok');
  }
  await s.stop();
});

test('SIGTERM finishes the requests in flight and exits 0', async () => {
  const s = await startServer();
  const A = await s.admin();
  // logins are slow on purpose (Argon2id): start several, then SIGTERM while they run
  const inflight = Array.from({ length: 4 }, () => s.api('POST', '/api/v1/session', { username: 'admin', password: ADMIN_PASSWORD }));
  await new Promise((r) => setTimeout(r, 30));
  s.proc.kill('SIGTERM');
  const results = await Promise.allSettled(inflight);
  const { code } = await s.exited;
  assert.equal(code, 0);
  for (const r of results) if (r.status === 'fulfilled') assert.equal(r.value.status, 200);
  assert.ok(results.some((r) => r.status === 'fulfilled'), 'no request in flight completed');
  assert.ok(A);
  await s.stop();
});

test('no password, token or phone number in clear in the database or the logs', async () => {
  const s = new Server();
  await s.init();
  await s.start([], { quiet: false });
  const token = await s.login('admin', ADMIN_PASSWORD);
  const secretPw = 'Very-Secret-Pw-42';
  expectStatus(await s.api('POST', '/api/v1/users', { username: 'secretive', password: secretPw, name: '保密', phone: '13812345678', roles: [{ role: 'guardian' }] }, token), 201);
  const t2 = await s.login('secretive', secretPw);
  await s.api('POST', '/api/v1/session', { username: 'secretive', password: 'wrong-' + secretPw });
  const db = dump(s);
  for (const secret of [ADMIN_PASSWORD, secretPw, token, t2, '13812345678'])
    assert.ok(!db.includes(secret), 'in the database: ' + secret.slice(0, 6));
  for (const secret of [ADMIN_PASSWORD, secretPw, token, t2, '13812345678'])
    assert.ok(!s.stderr.includes(secret), 'in the log: ' + secret.slice(0, 6));
  assert.match(s.stderr, /POST \/api\/v1\/session 200/); // the log does have the lines
  assert.ok(db.includes('138****5678'));
  await s.stop();
});
