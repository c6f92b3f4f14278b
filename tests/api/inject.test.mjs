// Error paths by injection: the Nth store call of a running server fails (SJ_DB_FAIL_AT=N).
// Whatever N, the answer is a clean 4xx/5xx JSON error or a success, the server keeps
// serving, nothing is half-written, and (under ASan) nothing leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, ADMIN_PASSWORD, BACKEND, psql, world, expectStatus, TODAY } from './lib.mjs';

function sql(srv, q) {
  if (BACKEND === 'pg') return psql(srv.db.url, q).trim();
  return execFileSync('sqlite3', [srv.db.url.slice('sqlite:'.length), q], { encoding: 'utf8' }).trim();
}

// A GET of the truth after a one-shot failure: asked again when the failure hit it.
async function truth(s, path, token) {
  let r = await s.api('GET', path, undefined, token);
  if (r.status === 500) r = await s.api('GET', path, undefined, token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

test('a failing store call at any point of a user creation leaves all or nothing', async () => {
  let failures = 0, successes = 0;
  for (let n = 1; n <= 14; n++) {
    const s = new Server();
    s.env.SJ_DB_FAIL_AT = String(n);
    await s.init();
    await s.start();
    try {
    let token = null;
    for (let i = 0; i < 3 && !token; i++) {
      const r = await s.api('POST', '/api/v1/session', { username: 'admin', password: ADMIN_PASSWORD });
      if (r.status === 200) token = r.body.token;
      else assert.ok(r.status >= 400 && r.body.error.code, JSON.stringify(r.body));
    }
    assert.ok(token, 'login never succeeded');
    const body = { username: 'inj' + n, password: 'password-123', name: '注入', roles: [{ role: 'inspector' }, { role: 'district_admin' }] };
    const r = await s.api('POST', '/api/v1/users', body, token);
    assert.ok([201, 500].includes(r.status), `n=${n}: ${r.status} ${JSON.stringify(r.body)}`);
    if (r.status === 500) {
      failures++;
      assert.equal(r.body.error.code, 'internal');
    } else successes++;
    // the truth, from the same server: the user exists with both roles, or not at all
    let list = await s.api('GET', '/api/v1/users?limit=500', undefined, token);
    if (list.status === 500) list = await s.api('GET', '/api/v1/users?limit=500', undefined, token); // the failure is one-shot
    assert.equal(list.status, 200);
    const u = list.body.items.find((x) => x.username === 'inj' + n);
    if (r.status === 201) assert.equal(u.roles.length, 2);
    else assert.equal(u, undefined, `n=${n}: half-written user`);
    } finally {
      await s.stop(); // a failed assertion must not leave the server running
    }
  }
  assert.ok(failures > 0 && successes > 0, `failures ${failures}, successes ${successes}`);
});

test('a failing store call at any point of a log-in or a school creation: the write and its audit row are both there, or neither', async () => {
  let failures = 0, successes = 0;
  for (let n = 1; n <= 16; n++) {
    const s = new Server();
    s.env.SJ_DB_FAIL_AT = String(n);
    await s.init();
    await s.start();
    try {
      let token = null;
      for (let i = 0; i < 3 && !token; i++) {
        const r = await s.api('POST', '/api/v1/session', { username: 'admin', password: ADMIN_PASSWORD });
        if (r.status === 200) token = r.body.token;
        else assert.ok(r.status >= 400 && r.body.error.code, JSON.stringify(r.body));
      }
      assert.ok(token, 'login never succeeded');
      const name = '注入学校' + n;
      const r = await s.api('POST', '/api/v1/schools', { name, kind: 'primary' }, token);
      assert.ok([201, 500].includes(r.status), `n=${n}: ${r.status} ${JSON.stringify(r.body)}`);
      if (r.status === 500) failures++;
      else successes++;
      const school = (await truth(s, '/api/v1/schools?limit=500', token)).items.find((x) => x.name === name);
      const rows = (await truth(s, '/api/v1/audit?action=schools&limit=500', token)).items
        .filter((x) => x.action === 'POST /api/v1/schools');
      if (r.status === 201) {
        assert.equal(school?.id, r.body.id, `n=${n}: the school answered 201 is missing`);
        assert.deepEqual(rows.map((x) => [x.target_id, x.status]), [[r.body.id, 201]], `n=${n}`);
      } else {
        assert.equal(school, undefined, `n=${n}: a school was written for a 500`);
        assert.deepEqual(rows, [], `n=${n}: an audit row of a write that was not made`);
      }
      // every session in the store has its "login" row and every "login" row its session: a
      // log-in that answered 500 left neither
      const logins = (await truth(s, '/api/v1/audit?action=login&limit=500', token)).items
        .filter((x) => x.action === 'login').length;
      assert.equal(Number(sql(s, 'SELECT COUNT(*) FROM sessions')), logins, `n=${n}`);
    } finally {
      await s.stop();
    }
  }
  assert.ok(failures > 0 && successes > 0, `failures ${failures}, successes ${successes}`);
});

test('when the audit row of a write cannot be written: a write that audits in its transaction is rolled back (500); one the server audits afterwards stands and the lost row is logged; a phone is not revealed', async () => {
  const s = new Server();
  await s.init();
  await s.start();
  let A, w, term;
  try {
    A = await s.admin();
    w = await world(s, { grade: 4 });
    const today = TODAY; // the server's today: it runs on the test clock
    const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7));
    term = m >= 8 ? `${y}-autumn` : m === 1 ? `${y - 1}-autumn` : `${y}-spring`;
    const ty = Number(term.slice(0, 4));
    const [first, last] = term.endsWith('autumn') ? [`${ty}-08-01`, `${ty + 1}-01-31`] : [`${ty}-02-01`, `${ty}-07-31`];
    expectStatus(await s.api('POST', '/api/v1/calendar/terms', { term, first_day: first, last_day: last }, A), 201);
    w.today = today;
    w.phoned = expectStatus(await s.api('POST', '/api/v1/users', { username: 'phoned', password: 'password-123', name: '有电话',
      phone: '13800138000', roles: [{ role: 'inspector' }] }, A), 201);
  } finally {
    await s.stop({ keep: true });
  }
  // from here the first audit row each server writes fails (the sessions made above still hold)
  s.env.SJ_DB_FAIL_SQL = 'INSERT INTO audit_log';
  s.env.SJ_DB_FAIL_AT = '1';
  await s.start();
  try {
    expectStatus(await s.api('POST', '/api/v1/schools', { name: '审计失败学校', kind: 'primary' }, A), 500, 'internal');
    const all = expectStatus(await s.api('GET', '/api/v1/schools?limit=500', undefined, A), 200);
    assert.equal(all.items.find((x) => x.name === '审计失败学校'), undefined, 'the school was rolled back with its row');
  } finally {
    await s.stop({ keep: true });
  }
  await s.start();
  try {
    const r = await s.api('POST', '/api/v1/exams', { school_id: w.school.id, grade: 4, term, kind: 'final', paper: true, date: w.today }, w.schoolAdmin.token);
    if (r.status === 201) { // the exams module's rows are written by the server after the handler
      expectStatus(await s.api('GET', `/api/v1/exams/${r.body.id}`, undefined, w.schoolAdmin.token), 200);
      const rows = expectStatus(await s.api('GET', '/api/v1/audit?action=exams&limit=500', undefined, A), 200).items;
      assert.ok(rows.some((x) => x.target_id === r.body.id) || /the audit row "POST \/api\/v1\/exams" was not written/.test(s.stderr),
        'a lost audit row is logged: ' + s.stderr);
    } else { // audited in its own transaction: rolled back
      expectStatus(r, 500, 'internal');
      const list = expectStatus(await s.api('GET', `/api/v1/exams?school_id=${w.school.id}&grade=4&term=${term}`, undefined, w.schoolAdmin.token), 200);
      assert.equal(list.total, 0);
    }
  } finally {
    await s.stop({ keep: true });
  }
  // a phone is never revealed without its audit row
  await s.start();
  try {
    const r = expectStatus(await s.api('GET', `/api/v1/users/${w.phoned.id}/phone`, undefined, A), 500, 'internal');
    assert.doesNotMatch(JSON.stringify(r), /13800138000/);
    assert.equal(expectStatus(await s.api('GET', `/api/v1/users/${w.phoned.id}/phone`, undefined, A), 200).phone, '13800138000');
    const rows = expectStatus(await s.api('GET', '/api/v1/audit?action=reveal', undefined, A), 200);
    assert.equal(rows.total, 1, 'one reveal, one row');
  } finally {
    await s.stop();
  }
});
