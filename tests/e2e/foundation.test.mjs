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

  test('the admin sets up a class: adds it, a pupil, a teacher, and links a guardian', async (t) => {
    const school = await createSchool(server, { name: '实验二小', kind: 'primary' });
    const teacher = await createUser(server, { name: '刘老师', roles: [{ role: 'teacher', school_id: school.id }] });
    const parent = await createUser(server, { name: '陈妈妈', roles: [{ role: 'guardian' }], phone: '13987654321' });
    const option = (page, text) => page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();

    await withPage(browser, t.name, { viewport: { width: 1280, height: 800 } }, async (page) => {
      await loginThroughForm(page, server.url, ADMIN.username, ADMIN.password);
      await page.goto(`${server.url}/schools`);
      await page.locator('[data-test=school-link]', { hasText: '实验二小' }).click();
      await page.waitForURL(`**/schools/${school.id}*`);

      // a class through the dialog; a primary school offers grades 1-6 only
      await page.locator('[data-test=class-create]').click();
      const cd = page.locator('[data-test=class-dialog]');
      await cd.locator('[data-test=class-grade]').click();
      assert.equal(await option(page, '七年级').count(), 0);
      await option(page, '五年级').click();
      await field(cd, 'class-name').fill('2班');
      await cd.locator('[data-test=class-save]').click();
      await cd.waitFor({ state: 'hidden' });
      await page.locator('[data-test=class-link]', { hasText: '2班' }).click();
      await page.waitForURL('**/classes/*');
      await page.getByRole('heading', { name: '五年级2班' }).waitFor();

      // a pupil
      await page.locator('[data-test=student-create]').click();
      const sd = page.locator('[data-test=student-dialog]');
      await field(sd, 'student-name').fill('陈小乐');
      await field(sd, 'student-no').fill('L20150001');
      await sd.locator('[data-test=student-save]').click();
      await sd.waitFor({ state: 'hidden' });
      await page.locator('[data-test=students-table]', { hasText: '陈小乐' }).waitFor();

      // the same student number again is refused on the field
      await page.locator('[data-test=student-create]').click();
      await field(sd, 'student-name').fill('重复');
      await field(sd, 'student-no').fill('L20150001');
      await sd.locator('[data-test=student-save]').click();
      await sd.locator('.el-form-item__error', { hasText: '学籍号已存在' }).waitFor();
      await sd.getByRole('button', { name: '取消' }).click();

      // a teacher for mathematics
      await page.locator('[data-test=teacher-assign]').click();
      const td = page.locator('[data-test=teacher-dialog]');
      await td.locator('[data-test=teacher-select]').click();
      await option(page, '刘老师').click();
      await td.locator('[data-test=subject-select]').click();
      await option(page, '数学').click();
      await td.locator('[data-test=teacher-save]').click();
      await td.waitFor({ state: 'hidden' });
      await page.getByRole('tab', { name: /任课教师/ }).click();
      const teachers = page.locator('[data-test=teachers-table]');
      await teachers.locator('.el-table__row', { hasText: '刘老师' }).waitFor();
      assert.match(await teachers.innerText(), /数学/);

      // the pupil's record: link the guardian by account id; the phone shows masked
      await page.getByRole('tab', { name: /学生/ }).click();
      await page.locator('[data-test=student-link]', { hasText: '陈小乐' }).click();
      await page.waitForURL('**/students/*');
      await page.locator('[data-test=guardian-link]').click();
      await field(page, 'guardian-id').fill(String(parent.id));
      await page.locator('[data-test=guardian-link-save]').click();
      const guardians = page.locator('[data-test=guardians-table]');
      await guardians.locator('.el-table__row', { hasText: '陈妈妈' }).waitFor();
      assert.match(await guardians.innerText(), /139\*{4}4321/);
      assert.doesNotMatch(await guardians.innerText(), /13987654321/);
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

  test('after repeated failures the login is locked and the form says so (429)', async (t) => {
    const someone = await createUser(server, { name: '周女士', roles: [{ role: 'guardian' }] });
    for (let i = 0; i < 5; i++) {
      const r = await server.api('POST', '/api/v1/session', { username: someone.username, password: `wrong-${i}` });
      assert.equal(r.status, 401);
    }
    await withPage(browser, t.name, { viewport: { width: 1280, height: 800 } }, async (page) => {
      await page.goto(`${server.url}/login`);
      await field(page, 'login-username').fill(someone.username);
      await field(page, 'login-password').fill(someone.password); // right password, still locked
      await page.locator('[data-test=login-submit]').click();
      const err = page.locator('[data-test=login-error]');
      await err.waitFor();
      assert.match(await err.innerText(), /登录失败次数过多/);
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });

  test('logging out ends the session on the server and returns to the login page', async (t) => {
    await withPage(browser, t.name, { viewport: { width: 1280, height: 800 } }, async (page) => {
      await loginThroughForm(page, server.url, ADMIN.username, ADMIN.password);
      const token = await page.evaluate(() => localStorage.getItem('sj.token'));
      assert.ok(token);
      assert.equal((await server.api('GET', '/api/v1/me', undefined, token)).status, 200);
      await page.locator('[data-test=logout]').click();
      await page.waitForURL('**/login');
      assert.equal(await page.evaluate(() => localStorage.getItem('sj.token')), null);
      assert.equal((await server.api('GET', '/api/v1/me', undefined, token)).status, 401);
      // a page behind the login sends the visitor back to it, remembering where they were going
      await page.goto(`${server.url}/audit`);
      await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('redirect') === '/audit');
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
