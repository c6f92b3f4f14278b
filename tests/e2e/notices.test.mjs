// The notices journeys in a real browser against the real server (issue 12): a school admin
// sends a notice to grade 4, seeing how many it reaches before confirming; a guardian reads it on
// a 375 px phone, the header's badge counting it until it is opened; the admin sees 1 of 2 read
// and the unread family's name, and reminds them after a confirmation; a guardian evaluates an
// after-school program on their after-school page; the public page works without logging in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createClass, createSchool, createStudent, createUser, field, launchBrowser, linkGuardian,
  loginThroughForm, startServer, TODAY, withPage,
} from './lib.mjs';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
// The guardian's after-school page opens on the term holding the server's today (the test
// clock's day, TODAY): the program is in that term, entered covering its half of the year.
const y = Number(TODAY.slice(0, 4)), m = Number(TODAY.slice(5, 7));
const autumn = m >= 8 || m === 1;
const ty = m === 1 ? y - 1 : y;
const TERM = autumn ? `${ty}-autumn` : `${ty}-spring`;
const T_FIRST = autumn ? `${ty}-08-01` : `${ty}-02-01`;
const T_LAST = autumn ? `${ty + 1}-01-31` : `${ty}-07-31`;

describe('notices', () => {
  let server, browser, A, school, c4, c5, admin, mum, dad, other, kid1, kid2;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    A = await server.adminToken();
    school = await createSchool(server, { name: '明德小学' });
    c4 = await createClass(server, school.id, { grade: 4, name: '1班' });
    c5 = await createClass(server, school.id, { grade: 5, name: '1班' });
    admin = await createUser(server, { name: '明德教务', roles: [{ role: 'school_admin', school_id: school.id }] });
    kid1 = await createStudent(server, c4.id, { name: '林小雨' });
    kid2 = await createStudent(server, c4.id, { name: '陈小东' });
    const kid5 = await createStudent(server, c5.id, { name: '吴小北' });
    mum = await createUser(server, { name: '林妈妈', roles: [{ role: 'guardian' }] });
    dad = await createUser(server, { name: '陈爸爸', roles: [{ role: 'guardian' }] });
    other = await createUser(server, { name: '吴妈妈', roles: [{ role: 'guardian' }] });
    await linkGuardian(server, kid1.id, mum.id);
    await linkGuardian(server, kid2.id, dad.id);
    await linkGuardian(server, kid5.id, other.id);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a school admin sends to grade 4; a guardian reads it on a phone; the admin sees 1 of 2 read and the unread name', async (t) => {
    let noticeUrl;
    await withPage(browser, `${t.name} (send)`, {}, async (page) => {
      await loginThroughForm(page, server.url, admin.username, admin.password);
      await page.locator('[data-test="menu-notices/sent"]').click();
      await page.waitForURL('**/notices/sent');
      await page.locator('[data-test=nt-compose]').click();
      await page.waitForURL('**/notices/compose');
      await field(page, 'nt-compose-title').fill('四年级家长会通知');
      await field(page, 'nt-compose-body').fill('各位家长:\n本周五下午四点召开家长会。');
      // grade 4 of the school: its two families, counted before sending
      await page.locator('[data-test=nt-compose-grades]').click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: '四年级' }).click();
      await page.keyboard.press('Escape');
      const count = page.locator('[data-test=nt-compose-count]');
      await count.filter({ hasText: '将发送给 2 人' }).waitFor();
      await page.locator('[data-test=nt-compose-send]').click();
      const box = page.locator('.el-message-box');
      await box.waitFor();
      assert.match(await box.innerText(), /发送给 2 人/);
      await box.locator('.el-button--primary').click();
      await page.waitForURL(/\/notices\/\d+\/receipts$/);
      noticeUrl = page.url().replace(/\/receipts$/, '');
      await page.locator('[data-test=nt-summary]', { hasText: '2 人中已读 0 人' }).waitFor();
    });

    await withPage(browser, `${t.name} (read)`, PHONE, async (page) => {
      await loginThroughForm(page, server.url, mum.username, mum.password);
      // the header's badge counts it on the phone
      const badge = page.locator('[data-test=header-unread]');
      await badge.waitFor();
      assert.equal(await badge.innerText(), '1');
      const bell = await page.locator('[data-test=header-bell]').boundingBox();
      assert.ok(bell.x + bell.width <= 375, JSON.stringify(bell));
      await page.locator('[data-test=header-bell]').click();
      await page.waitForURL('**/notices');
      const item = page.locator('[data-test=nt-item]', { hasText: '四年级家长会通知' });
      await item.waitFor();
      assert.match(await item.innerText(), /未读/);
      const box = await item.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 375, JSON.stringify(box));
      await item.click();
      await page.waitForURL(noticeUrl.replace(server.url, '**'));
      await page.locator('[data-test=nt-body]', { hasText: '本周五下午四点召开家长会' }).waitFor();
      assert.match(await page.locator('[data-test=nt-from]').innerText(), /明德小学 明德教务/);
      // opening it read it: the badge is gone
      await page.locator('[data-test=header-unread]').waitFor({ state: 'detached' });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `the page is ${width} px wide`);
    });

    await withPage(browser, `${t.name} (receipts)`, {}, async (page) => {
      await loginThroughForm(page, server.url, admin.username, admin.password);
      await page.goto(`${noticeUrl}/receipts`);
      await page.locator('[data-test=nt-summary]', { hasText: '2 人中已读 1 人' }).waitFor();
      assert.equal(await page.locator('[data-test=nt-read]').innerText(), '1');
      assert.equal(await page.locator('[data-test=nt-unread]').innerText(), '1');
      const names = await page.locator('[data-test=nt-unread-name]').allInnerTexts();
      assert.deepEqual(names, ['陈爸爸(陈小东家长)']);
      // remind the unread, after a confirmation; the second time the same day is refused
      await page.locator('[data-test=nt-remind]').click();
      const box = page.locator('.el-message-box');
      await box.waitFor();
      assert.match(await box.innerText(), /提醒 1 位未读/);
      await box.locator('.el-button--primary').click();
      await page.locator('[data-test=nt-reminders]', { hasText: '已提醒 1 次' }).waitFor();
      await page.locator('[data-test=nt-remind]').click();
      await page.locator('.el-message-box .el-button--primary').click();
      await page.locator('.el-message', { hasText: '每天最多提醒 1 次' }).waitFor();
    });
  });

  test('a guardian evaluates an after-school program on their after-school page', async (t) => {
    await server.must(201, 'POST', '/api/v1/calendar/terms', { term: TERM, first_day: T_FIRST, last_day: T_LAST }, A);
    const prog = await server.must(201, 'POST', '/api/v1/afterschool/programs', {
      school_id: school.id, term: TERM, name: '书法社', kind: 'course', provider: 'school', capacity: 20,
      weekdays: [1, 3], start: '16:00', end: '18:00', fee_per_hour_fen: 300, first_day: T_FIRST, last_day: T_LAST,
    }, A);
    const mumToken = await server.login(mum.username, mum.password);
    await server.must(201, 'POST', '/api/v1/afterschool/enrolments', { program_id: prog.id, student_id: kid1.id }, mumToken);

    await withPage(browser, t.name, PHONE, async (page) => {
      await loginThroughForm(page, server.url, mum.username, mum.password);
      await page.goto(`${server.url}/afterschool/family`);
      const item = page.locator('[data-test=nt-eval-item]', { hasText: '书法社' });
      await item.waitFor();
      await item.locator('[data-test=nt-eval-rate] .el-rate__item').nth(3).click(); // 4 stars
      await field(item, 'nt-eval-text').fill('老师耐心,孩子字写得更工整了');
      const submit = item.locator('[data-test=nt-eval-submit]');
      const box = await submit.boundingBox();
      assert.ok(box.height >= 40 && box.x + box.width <= 375, JSON.stringify(box));
      await submit.click();
      await item.locator('[data-test=nt-eval-done]').waitFor();
    });
    const r = await server.must(200, 'GET', `/api/v1/afterschool/programs/${prog.id}/evaluations`, undefined, await server.login(admin.username, admin.password));
    assert.equal(r.count, 1);
    assert.equal(r.items[0].score, 4);
    assert.equal(r.items[0].text, '老师耐心,孩子字写得更工整了');
  });

  test('the public page works without logging in', async (t) => {
    await server.must(201, 'POST', '/api/v1/notices', {
      title: '校外培训风险提示', body: '请家长选择白名单机构。\n预付费不超过三个月。', public: true, audience: { roles: [] },
    }, A);
    await withPage(browser, t.name, PHONE, async (page) => {
      await page.goto(`${server.url}/publicity`);
      assert.ok(!page.url().includes('/login'), page.url());
      const risk = page.locator('[data-test=nt-pub-prepay]');
      await risk.waitFor();
      assert.match(await risk.innerText(), /3 个月或 60 课时/);
      const n = page.locator('[data-test=nt-pub-notice]', { hasText: '校外培训风险提示' });
      await n.waitFor();
      await n.locator('.el-button').click();
      await n.locator('[data-test=nt-pub-body]', { hasText: '预付费不超过三个月' }).waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `the page is ${width} px wide`);
    });
  });
});
