// The foundation's journeys in a real browser against the real server (JOURNEYS.md 1 and 5):
// the district admin logs in and adds a school; a wrong password is refused; a guardian on a
// phone sees their child and nothing of the district; the language switch works.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, createClass, createSchool, createStudent, createUser, field, launchBrowser, linkGuardian,
  loginThroughForm, startServer, withPage,
} from './lib.mjs';

describe('foundation', () => {
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

  test('the district admin logs in, lands on the dashboard and adds a school', async (t) => {
    await withPage(browser, t.name, { viewport: { width: 1280, height: 800 } }, async (page) => {
      await loginThroughForm(page, server.url, ADMIN.username, ADMIN.password);
      await page.waitForURL('**/dashboard');
      await page.locator('[data-test=dashboard]').waitFor();

      const menu = page.locator('[data-test=side-menu]');
      await menu.locator('[data-test=menu-schools]').waitFor();
      assert.match(await menu.innerText(), /学校管理/);
      await menu.locator('[data-test=menu-schools]').click();
      await page.waitForURL('**/schools');

      const name = `第一实验小学${Date.now() % 100000}`;
      await page.locator('[data-test=school-create]').click();
      const dialog = page.locator('[data-test=school-dialog]');
      await field(dialog, 'school-name').fill(name);
      await dialog.locator('[data-test=school-kind-nine_year]').click();
      await dialog.locator('[data-test=school-rural]').click();
      await dialog.locator('[data-test=school-save]').click();
      await dialog.waitFor({ state: 'hidden' });

      const row = page.locator('[data-test=schools-table] .el-table__row', { hasText: name });
      await row.waitFor();
      assert.match(await row.innerText(), /九年一贯制/);
      assert.match(await row.innerText(), /农村/);

      // and the server has it
      const list = await server.must(200, 'GET', '/api/v1/schools?limit=500', undefined, await server.adminToken());
      const made = list.items.find((s) => s.name === name);
      assert.ok(made, 'school stored');
      assert.equal(made.kind, 'nine_year');
      assert.equal(made.rural, true);
    });
  });

  test('a wrong password shows the server message and stays on the login page', async (t) => {
    await withPage(browser, t.name, { viewport: { width: 1280, height: 800 } }, async (page) => {
      await page.goto(`${server.url}/login`);
      await field(page, 'login-username').fill(ADMIN.username);
      await field(page, 'login-password').fill('not-the-password');
      await page.locator('[data-test=login-submit]').click();
      const err = page.locator('[data-test=login-error]');
      await err.waitFor();
      assert.match(await err.innerText(), /用户名或密码错误/);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.evaluate(() => localStorage.getItem('sj.token')), null);
    });
  });

  test('a guardian on a phone sees their child and not the schools menu', async (t) => {
    const school = await createSchool(server, { name: '阳光小学' });
    const cls = await createClass(server, school.id, { grade: 4, name: '3班' });
    const child = await createStudent(server, cls.id, { name: '李小雨' });
    const guardian = await createUser(server, { name: '李爸爸', roles: [{ role: 'guardian' }], phone: '13812345678' });
    await linkGuardian(server, child.id, guardian.id);

    await withPage(
      browser,
      t.name,
      { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
      async (page) => {
        await loginThroughForm(page, server.url, guardian.username, guardian.password);
        await page.waitForURL('**/family');
        const card = page.locator('[data-test=child-card]');
        await card.first().waitFor();
        assert.equal(await card.count(), 1);
        const text = await card.innerText();
        assert.match(text, /李小雨/);
        assert.match(text, /阳光小学/);
        assert.match(text, /四年级/);

        // the page fits the phone: nothing scrolls sideways
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);

        // the menu is a drawer here; open it: only the family entry, no schools
        await page.locator('[data-test=menu-toggle]').click();
        const menu = page.locator('.el-drawer [data-test=side-menu]');
        await menu.waitFor();
        await menu.locator('[data-test=menu-family]').waitFor();
        assert.equal(await page.locator('[data-test=menu-schools]').count(), 0);
        assert.doesNotMatch(await menu.innerText(), /学校管理/);

        // and the district's pages are closed to them
        await page.goto(`${server.url}/schools`);
        await page.getByText('无权访问').waitFor();
      },
    );
  });

  test('switching the language to English changes the menu', async (t) => {
    await withPage(browser, t.name, { viewport: { width: 1280, height: 800 } }, async (page) => {
      await loginThroughForm(page, server.url, ADMIN.username, ADMIN.password);
      const schools = page.locator('[data-test=side-menu] [data-test=menu-schools]');
      await schools.waitFor();
      assert.match(await schools.innerText(), /学校管理/);

      await page.locator('[data-test=lang-button]').click();
      await page.locator('[data-test=lang-en-US]').click();
      await page.waitForFunction(
        () => document.querySelector('[data-test=menu-schools]')?.textContent?.includes('Schools'),
      );
      assert.match(await page.locator('[data-test=side-menu]').innerText(), /Audit log/);
      assert.doesNotMatch(await page.locator('[data-test=side-menu]').innerText(), /学校管理/);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-US');

      // the choice is kept across a reload, and the server answers errors in it
      await page.reload();
      await schools.waitFor();
      assert.match(await schools.innerText(), /Schools/);
    });
  });
});
