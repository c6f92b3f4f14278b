// What a guardian's phone downloads (issue 13, point 5): from opening the login page to their
// home page with their child's card, at 375 px, on an empty cache, every response's body as it
// came over the wire (compressed) is summed: under 300 KB, about 0.6 s on a 4 Mbps link. The
// staff pages (tables, date pickers, charts) are not among them, and the scripts and styles
// came compressed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createClass, createSchool, createStudent, createUser, launchBrowser, linkGuardian, loginThroughForm,
  startServer, withPage,
} from './lib.mjs';

const BUDGET = 300_000;

describe('weight', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a guardian on a phone reaches their home page with under 300 KB transferred', async (t) => {
    const school = await createSchool(server, { name: '青禾小学' });
    const cls = await createClass(server, school.id, { grade: 2, name: '1班' });
    const child = await createStudent(server, cls.id, { name: '赵小禾' });
    const guardian = await createUser(server, { name: '赵妈妈', roles: [{ role: 'guardian' }] });
    await linkGuardian(server, child.id, guardian.id);

    await withPage(
      browser,
      t.name,
      { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
      async (page) => {
        const responses = [];
        page.on('requestfinished', (req) => responses.push(req));
        await loginThroughForm(page, server.url, guardian.username, guardian.password);
        await page.waitForURL('**/family');
        await page.locator('[data-test=child-card]', { hasText: '赵小禾' }).waitFor();
        await page.waitForLoadState('networkidle');

        const rows = [];
        for (const req of responses) {
          const res = await req.response();
          const { responseBodySize } = await req.sizes();
          const path = new URL(req.url()).pathname;
          rows.push({ path, bytes: responseBodySize, encoding: res?.headers()['content-encoding'] ?? '' });
        }
        const total = rows.reduce((n, r) => n + r.bytes, 0);
        const table = rows.map((r) => `${String(r.bytes).padStart(8)} ${r.encoding.padEnd(4)} ${r.path}`).join('\n');
        t.diagnostic(`guardian's first page: ${total} bytes in ${rows.length} responses\n${table}`);

        assert.ok(total < BUDGET, `${total} bytes transferred, budget ${BUDGET}:\n${table}`);
        // the scripts and styles came compressed
        const code = rows.filter((r) => /\.(js|css)$/.test(r.path) && r.bytes > 1024);
        assert.ok(code.length > 0);
        for (const r of code) assert.match(r.encoding, /^(br|gzip)$/, `${r.path} came uncompressed`);
        // nothing of the staff pages: no charts, tables or date pickers
        for (const r of rows) assert.doesNotMatch(r.path, /element-more|Chart|Dashboard|SchoolList|DatePicker|Table/, r.path);
      },
    );
  });
});
