// Error paths of the half-monthly report's submission by injection: the Nth store call of a
// running server fails (SJ_DB_FAIL_AT=N, as tests/api/inject.test.mjs). Whatever N, a submission
// stores a whole revision or nothing: never a revision the server said failed, never a 200
// without its revision. The store calls of a log-in and a submission are counted first (the
// last N whose failure the server reports), then the failure is put on the last three (the
// write: the latest revision, the insert; the last read of the figures) and on points spread
// over the log-in and the figures. On SQLite, or PostgreSQL with SJ_PG_URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, ADMIN_PASSWORD, TODAY } from './lib.mjs';

const P = `${TODAY.slice(0, 7)}-${Number(TODAY.slice(8)) <= 15 ? 1 : 2}`; // the current period

// One server whose Nth store call fails: a log-in, a submission, and the truth read back.
async function attempt(n) {
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
    const sub = await s.api('POST', `/api/v1/reports/half-monthly/${P}/submit`, {}, token);
    const hit = s.stderr.includes('injected store failure');
    let list = await s.api('GET', `/api/v1/reports/half-monthly/${P}/revisions`, undefined, token);
    if (list.status === 500) list = await s.api('GET', `/api/v1/reports/half-monthly/${P}/revisions`, undefined, token);
    assert.equal(list.status, 200);
    return { hit, sub, stored: list.body.total, items: list.body.items };
  } finally {
    await s.stop();
  }
}

test('a failing store call at any point of a submission leaves all or nothing', async () => {
  // the last store call of the flow: the largest N that the server reports as injected
  let lo = 1, hi = 512;
  assert.ok((await attempt(lo)).hit);
  assert.ok(!(await attempt(hi)).hit, 'the flow makes fewer than 512 store calls');
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((await attempt(mid)).hit) lo = mid;
    else hi = mid;
  }
  const last = lo;
  const points = [...new Set([1, 3, 6, 10, Math.floor(last / 2), last - 8, last - 2, last - 1, last])].filter((n) => n >= 1);
  let failed = 0, stored = 0;
  const check = (n, { sub, stored: total, items }) => {
    assert.ok([200, 500].includes(sub.status), `n=${n}: ${sub.status} ${JSON.stringify(sub.body)}`);
    if (sub.status === 200) {
      stored++;
      assert.equal(total, 1, `n=${n}: 200 without its revision`);
      assert.equal(items[0].digest, sub.body.digest);
    } else {
      failed++;
      assert.equal(sub.body.error.code, 'internal');
      assert.equal(total, 0, `n=${n}: a revision stored by a failed submission`);
    }
  };
  // A flow's length can differ by a call or two from one server to the next (a log-in retried
  // after its own injected failure, a session kept or not): a point of the tail that this run
  // did not reach is tried again, then left; the write's own calls are then found below it.
  for (const n of points) {
    let got = await attempt(n);
    for (let i = 0; i < 2 && !got.hit; i++) got = await attempt(n);
    if (!got.hit && n >= last - 8) continue;
    assert.ok(got.hit, `n=${n} within the flow`);
    check(n, got);
  }
  for (let n = last - 3; failed < 3 && n > last - 24 && n >= 1; n--) {
    const got = await attempt(n);
    if (got.hit) check(n, got);
  }
  assert.ok(failed >= 3, `the write's own calls failed the submission: failed ${failed}, stored ${stored}`);
});
