// Error paths of the notices by injection (as inject.test.mjs): the Nth store call of a running
// server fails (SJ_DB_FAIL_AT=N). Sending a notice with an attachment, reading it and reminding
// either succeed whole or answer a clean JSON error, and nothing is half-written: a notice that
// exists has all its recipients and its file, a refused one left no row behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, ADMIN_PASSWORD, expectStatus } from './lib.mjs';

const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

test('a failing store call anywhere in sending, reading or reminding leaves all or nothing', async () => {
  // the world, made once on a server without injection
  const s = new Server();
  await s.init();
  await s.start();
  const A = await s.admin();
  const school = expectStatus(await s.api('POST', '/api/v1/schools', { name: '注入小学', kind: 'primary', rural: false }, A), 201);
  const cls = expectStatus(await s.api('POST', '/api/v1/classes', { school_id: school.id, grade: 4, name: '1班' }, A), 201);
  const guardians = [];
  for (let i = 0; i < 3; i++) {
    const p = expectStatus(await s.api('POST', '/api/v1/students', { class_id: cls.id, name: `学生${i}`, student_no: `INJ${i}` }, A), 201);
    const g = expectStatus(await s.api('POST', '/api/v1/users', { username: `injg${i}`, password: 'password-123', name: `家长${i}`, roles: [{ role: 'guardian' }] }, A), 201);
    expectStatus(await s.api('POST', `/api/v1/students/${p.id}/guardians`, { user_id: g.id }, A), 201);
    guardians.push(g);
  }
  await s.stop({ keep: true });

  // a log-in may meet the failure too: it answers a clean error and is tried again
  const login = async (username, password) => {
    for (let i = 0; i < 3; i++) {
      const r = await s.api('POST', '/api/v1/session', { username, password });
      if (r.status === 200) return r.body.token;
      assert.ok(r.status >= 400 && r.body.error.code, JSON.stringify(r.body));
    }
    throw new Error('login never succeeded');
  };
  // a read after the write may meet the one-shot failure: asked again, it answers
  const get = async (path, token) => {
    const r = await s.api('GET', path, undefined, token);
    return r.status === 500 ? s.api('GET', path, undefined, token) : r;
  };
  let failures = 0, successes = 0;
  try {
    for (let n = 1; n <= 40; n++) {
      s.env.SJ_DB_FAIL_AT = String(n);
      s.adminToken = null;
      await s.start();
      try {
        const token = await login('admin', ADMIN_PASSWORD);
        const title = `注入通知${n}`;
        let file = null;
        for (let i = 0; i < 2 && !file; i++) {
          const u = await s.api('POST', '/api/v1/notices/attachments?name=a.pdf', PDF, token);
          if (u.status === 201) file = u.body;
          else assert.equal(u.status, 500, JSON.stringify(u.body));
        }
        const r = await s.api('POST', '/api/v1/notices', { title, body: 'x', audience: { class_id: cls.id, roles: ['guardian'] }, attachment_ids: [file.id] }, token);
        assert.ok([201, 500, 503].includes(r.status), `n=${n}: ${r.status} ${JSON.stringify(r.body)}`);
        if (r.status === 201) successes++;
        else { failures++; assert.ok(r.body.error.code); }
        // the truth, from the same server (the failure is one-shot)
        const sent = await get('/api/v1/notices/sent?limit=500', token);
        assert.equal(sent.status, 200);
        const mine = sent.body.items.filter((i) => i.title === title);
        if (r.status !== 201) { assert.deepEqual(mine, [], `n=${n}: half-written notice`); continue; }
        assert.equal(mine.length, 1);
        assert.equal(mine[0].recipients, 3);
        const got = expectStatus(await get(`/api/v1/notices/${r.body.id}`, token), 200);
        assert.deepEqual(got.attachments.map((a) => a.id), [file.id]);
        // reading and reminding: a 204/200 or a clean error, and the counter stays true
        const g = await login('injg0', 'password-123');
        const rd = await s.api('POST', `/api/v1/notices/${r.body.id}/read`, undefined, g);
        assert.ok([204, 500, 503].includes(rd.status), JSON.stringify(rd.body));
        const rm = await s.api('POST', `/api/v1/notices/${r.body.id}/remind`, undefined, token);
        assert.ok([200, 500, 503].includes(rm.status), JSON.stringify(rm.body));
        const rec = expectStatus(await get(`/api/v1/notices/${r.body.id}/receipts`, token), 200);
        assert.equal(rec.read + rec.unread.length, 3, JSON.stringify(rec));
        assert.equal(rec.reminders.length, rm.status === 200 ? 1 : 0);
      } finally {
        await s.stop({ keep: true });
      }
    }
  } finally {
    await s.stop();
  }
  assert.ok(failures > 0 && successes > 0, `failures ${failures}, successes ${successes}`);
});
