// Error paths by injection: the Nth store call of a running server fails (SJ_DB_FAIL_AT=N).
// Whatever N, the answer is a clean 4xx/5xx JSON error or a success, the server keeps
// serving, nothing is half-written, and (under ASan) nothing leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, ADMIN_PASSWORD } from './lib.mjs';

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
