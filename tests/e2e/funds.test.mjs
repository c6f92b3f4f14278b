// JOURNEYS.md 5.4 and 6.2 in a browser: a guardian on a phone finds a white-listed institution,
// signs up for 20 lessons, pays into escrow (an overpayment is refused on the page), the
// institution records a lesson on its own page, the guardian sees the lesson and what is left
// in escrow, asks for a refund and sees the amount at once; the ledger still verifies. Then the
// district suspends an institution from its page and every open contract is refunded; the
// verify result says how far the signed checkpoints vouch for the ledger.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createClass, createSchool, createStudent, createUser, field, launchBrowser, linkGuardian,
  loginThroughForm, run, startServer, withPage, ADMIN,
} from './lib.mjs';
import { join } from 'node:path';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESK = { viewport: { width: 1280, height: 900 } };

describe('prepaid tutoring funds', () => {
  let server;
  let browser;
  let A;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    A = await server.adminToken();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // An institution (non-subject: lessons may be recorded on any day the test runs), white-listed,
  // with its admin and one course of 80 元 a lesson.
  async function setUp(name) {
    const inst = await server.must(201, 'POST', '/api/v1/institutions', {
      name, category: 'non_subject', license_no: '1101057' + String(Date.now() % 1000000).padStart(6, '0'),
      address: '城关镇文化路 8 号', online: false,
    }, A);
    await server.must(200, 'POST', `/api/v1/institutions/${inst.id}/list`, { list: 'white' }, A);
    const boss = await createUser(server, { name: '机构管理员', roles: [{ role: 'institution_admin', institution_id: inst.id }] });
    const course = await server.must(201, 'POST', `/api/v1/institutions/${inst.id}/courses`, {
      name: '少儿美术', subject: '美术', online: false, lesson_minutes: 60, price_per_lesson_fen: 8000,
      schedule: [{ weekday: 6, start: '09:00', end: '10:00' }],
    }, await server.login(boss.username, boss.password));
    await server.must(200, 'POST', `/api/v1/courses/${course.id}/review`, { state: 'approved' }, A); // TR-5
    return { inst, boss, course };
  }

  test('a guardian on a phone signs, pays, sees a lesson and the escrow, and gets a refund', async (t) => {
    const school = await createSchool(server);
    const cls = await createClass(server, school.id);
    const pupil = await createStudent(server, cls.id, { name: '李小雨' });
    const mum = await createUser(server, { name: '李妈妈', roles: [{ role: 'guardian' }] });
    await linkGuardian(server, pupil.id, mum.id);
    const { boss } = await setUp('彩虹美术培训中心');
    let contractUrl;

    await withPage(browser, t.name, PHONE, async (page) => {
      await loginThroughForm(page, server.url, mum.username, mum.password);
      await page.locator('[data-test=menu-toggle]').click();
      await page.locator('[data-test=menu-training]').click();
      await page.waitForURL('**/training');

      await field(page, 'inst-search').fill('彩虹');
      await page.locator('[data-test=inst-search-go]').click();
      const card = page.locator('[data-test=inst-card]', { hasText: '彩虹美术培训中心' });
      await card.waitFor();
      await card.locator('[data-test=inst-white]').waitFor(); // licensed and white-listed
      await card.locator('[data-test=inst-open]').click();
      const course = card.locator('[data-test=course-row]', { hasText: '少儿美术' });
      await course.waitFor();
      assert.match(await course.innerText(), /80\.00 元 \/ 60 分钟/);
      const sign = course.locator('[data-test=course-sign]');
      const box = await sign.boundingBox();
      assert.ok(box.x + box.width <= 375, JSON.stringify(box));
      await sign.click();

      const dialog = page.locator('[data-test=sign-dialog]');
      await dialog.waitFor();
      await field(dialog, 'sign-lessons').fill('20');
      await field(dialog, 'sign-lessons').evaluate((el) => el.blur());
      await dialog.locator('[data-test=sign-amount]').filter({ hasText: '1,600.00' }).waitFor();
      await dialog.locator('[data-test=sign-ok]').click();
      await page.waitForURL('**/contracts/*');
      contractUrl = page.url();
      await page.locator('[data-test=contract-amount]').filter({ hasText: '1,600.00' }).waitFor();
      assert.equal((await page.locator('[data-test=contract-escrow]').innerText()).trim(), '0.00');

      // pay half, then try to pay more than is owed: refused on the page, nothing taken
      await page.locator('[data-test=contract-pay]').click();
      const pay = page.locator('[data-test=pay-dialog]');
      await pay.waitFor();
      assert.equal(await field(pay, 'pay-amount').inputValue(), '1600.00');
      await field(pay, 'pay-amount').fill('800');
      await pay.locator('[data-test=pay-ok]').click();
      await pay.waitFor({ state: 'hidden' });
      await page.locator('[data-test=contract-escrow]').filter({ hasText: '800.00' }).waitFor();
      await page.locator('[data-test=contract-pay]').click();
      await field(pay, 'pay-amount').fill('900');
      await pay.locator('[data-test=pay-ok]').click();
      await pay.locator('[data-test=pay-error]').filter({ hasText: '付款超过合同金额' }).waitFor();
      await field(pay, 'pay-amount').fill('800');
      await pay.locator('[data-test=pay-ok]').click();
      await pay.waitFor({ state: 'hidden' });
      await page.locator('[data-test=contract-escrow]').filter({ hasText: '1,600.00' }).waitFor();
      assert.equal((await page.locator('[data-test=contract-paid]').innerText()).trim(), '1,600.00');
    });

    // the institution records a lesson on its own page
    await withPage(browser, `${t.name} (institution)`, DESK, async (page) => {
      await loginThroughForm(page, server.url, boss.username, boss.password);
      await page.waitForURL('**/institution');
      await page.locator('[data-test=institution-name]').filter({ hasText: '彩虹美术培训中心' }).waitFor();
      await page.getByRole('tab', { name: '合同' }).click();
      await page.locator('[data-test=inst-contract-link]', { hasText: '李小雨' }).click();
      await page.waitForURL('**/contracts/*');
      assert.equal(await page.locator('[data-test=contract-pay]').count(), 0); // no payment outside the contract
      // today is not the course's Saturday: the page says so and asks for the reason
      await page.locator('[data-test=lesson-off-schedule]').waitFor();
      await page.locator('[data-test=lesson-record]').click();
      const ask = page.locator('.el-message-box', { hasText: '不是该课程的上课日' });
      await ask.waitFor();
      await ask.locator('input').fill('周六停电,调到今天上课');
      await ask.locator('.el-message-box__btns .el-button--primary').click();
      await page.locator('[data-test=contract-lessons]').filter({ hasText: '1 / 20' }).waitFor();
      await page.locator('[data-test=lesson-reason]').filter({ hasText: '周六停电,调到今天上课' }).waitFor();
      assert.equal((await page.locator('[data-test=contract-released]').innerText()).trim(), '80.00');
    });

    await withPage(browser, `${t.name} (refund)`, PHONE, async (page) => {
      await loginThroughForm(page, server.url, mum.username, mum.password);
      await page.goto(contractUrl);
      await page.locator('[data-test=lesson-item]').first().waitFor();
      assert.equal(await page.locator('[data-test=lesson-item]').count(), 1);
      assert.equal((await page.locator('[data-test=contract-escrow]').innerText()).trim(), '1,520.00');
      assert.match(await page.locator('[data-test=ledger-table]').innerText(), /消课划拨/);

      await page.locator('[data-test=contract-refund]').click();
      const box = page.locator('.el-message-box');
      await box.waitFor();
      assert.match(await box.innerText(), /1,520\.00 元/);
      await box.locator('.el-message-box__btns .el-button--primary').click();
      await page.locator('[data-test=refund-result]').filter({ hasText: '已退费 1,520.00 元' }).waitFor();
      await page.locator('[data-test=contract-status]').filter({ hasText: '已结束' }).waitFor();
      assert.equal((await page.locator('[data-test=contract-escrow]').innerText()).trim(), '0.00');
      assert.equal(await page.locator('[data-test=contract-pay]').count(), 0);

      // back on the list the contract shows closed with nothing in escrow
      await page.goto(`${server.url}/training`);
      const mine = page.locator('[data-test=my-contract]', { hasText: '少儿美术' });
      await mine.waitFor();
      assert.match(await mine.innerText(), /已结束/);
      // the whole page fits the phone
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `page is ${width}px wide`);
    });

    const id = Number(contractUrl.split('/').pop());
    const c = await server.must(200, 'GET', `/api/v1/contracts/${id}`, undefined, A);
    assert.deepEqual([c.paid_fen, c.released_fen, c.refunded_fen, c.escrow_fen, c.status], [160000, 8000, 152000, 0, 'closed']);
    const v = await server.must(200, 'GET', '/api/v1/funds/verify', undefined, A);
    assert.equal(v.ok, true, JSON.stringify(v));
  });

  test('the district suspends an institution from its page; every open contract is refunded', async (t) => {
    const { inst, course } = await setUp('星光舞蹈工作室');
    const school = await createSchool(server);
    const cls = await createClass(server, school.id);
    for (const n of ['甲', '乙']) {
      const pupil = await createStudent(server, cls.id, { name: `学生${n}` });
      const g = await createUser(server, { name: `家长${n}`, roles: [{ role: 'guardian' }] });
      await linkGuardian(server, pupil.id, g.id);
      const tok = await server.login(g.username, g.password);
      const c = await server.must(201, 'POST', '/api/v1/contracts', { course_id: course.id, student_id: pupil.id, lessons: 10, start_date: '2026-09-01', end_date: '2026-11-30' }, tok);
      await server.must(201, 'POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 40000 }, tok);
    }
    await withPage(browser, t.name, DESK, async (page) => {
      await loginThroughForm(page, server.url, ADMIN.username, ADMIN.password);
      await page.locator('[data-test=side-menu] [data-test=menu-funds]').click();
      await page.waitForURL('**/funds');
      const row = page.locator('[data-test=funds-table] .el-table__row', { hasText: '星光舞蹈工作室' });
      await row.waitFor();
      assert.match(await row.innerText(), /800\.00/);
      await row.locator('.link').click();
      await page.waitForURL('**/institutions/*');
      await page.locator('[data-test=state-suspend]').click();
      const prompt = page.locator('.el-message-box');
      await prompt.waitFor();
      await prompt.locator('input').fill('负责人失联,存在卷款风险');
      await prompt.locator('.el-message-box__btns .el-button--primary').click();
      const done = page.locator('.el-message-box', { hasText: '2 份合同退费' });
      await done.waitFor();
      assert.match(await done.innerText(), /800\.00 元/);
      await done.locator('.el-message-box__btns .el-button--primary').click();
      await page.locator('[data-test=institution-state]').filter({ hasText: '暂停' }).waitFor();

      await page.locator('[data-test=side-menu] [data-test=menu-funds]').click();
      await page.locator('[data-test=funds-verify]').click();
      await page.locator('[data-test=funds-verify-result]').filter({ hasText: '对账一致' }).waitFor();
      await page.locator('[data-test=funds-verify-checkpoints]').filter({ hasText: '尚无签名存证' }).waitFor();
      // the daily checkpoint signs the ledger; the page then says how far it vouches
      const cp = await run(['checkpoint', '--db', `sqlite:${join(server.dir, 'sj.db')}`], '',
        { ...process.env, SJ_DATA_KEY: process.env.SJ_DATA_KEY || 'cd'.repeat(32) });
      assert.equal(cp.code, 0, cp.stdout + cp.stderr);
      await page.locator('[data-test=funds-verify]').click();
      await page.locator('[data-test=funds-verify-checkpoints]').filter({ hasText: '签名存证 1 份' }).waitFor();
    });
    const s = await server.must(200, 'GET', `/api/v1/funds/summary?institution_id=${inst.id}`, undefined, A);
    assert.deepEqual([s.items[0].escrow_fen, s.items[0].refunded_fen, s.items[0].open_contracts], [0, 80000, 0]);
  });
});
