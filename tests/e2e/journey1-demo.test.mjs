// JOURNEYS.md 1.1-1.2 on the demo district (`shuangjian demo`, what `make run` serves), on the
// test clock (issue 13, point 6): the district office opens the dashboard on last week, which has
// homework in every school, families reporting over the cap and one school visibly worse;
// three clicks lead from the dashboard to the homework that broke the rule: the worst school →
// a grade → the class-day the families reported over the cap, whose items show the families'
// time against the estimates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, launchBrowser, loginThroughForm, startServer, withPage, TODAY, addDays, weekday } from './lib.mjs';

const DESK = { viewport: { width: 1440, height: 900 } };
const monday = addDays(TODAY, -(weekday(TODAY) - 1) - 7); // last week's
const sunday = addDays(monday, 6);
let server, browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the demo\'s dashboard opens on last week; three clicks to the homework the families reported over the cap', async (t) => {
  const A = await server.adminToken();
  const rep = await server.must(200, 'GET', `/api/v1/reports/homework?from=${monday}&to=${sunday}`, undefined, A);
  const worst = [...rep.items].sort((a, b) => a.share_within - b.share_within)[0];
  assert.equal(worst.school_name, '西山学校');
  assert.ok(worst.share_within < 0.8, 'visibly worse');
  assert.ok(rep.items.filter((s) => s !== worst).every((s) => s.share_within - worst.share_within >= 0.2));

  await withPage(browser, t.name, DESK, async (page) => {
    await loginThroughForm(page, server.url, 'admin', DEMO.password);
    await page.waitForURL('**/dashboard');
    const hw = page.locator('[data-test=dash-homework]');
    // last week is the default and it is not empty: the worst school, with the families' reports
    const banner = hw.locator('[data-test=dash-worst-school]');
    await banner.waitFor();
    assert.match(await banner.innerText(), /西山学校.*家长反馈超上限 [1-9]\d* 个班级日/);
    assert.notEqual(await hw.locator('[data-test=dash-hw-share]').innerText(), '100%');
    assert.equal(await hw.locator('[data-test=dash-homework-empty]').count(), 0);

    // click 1: the worst school → its report of last week
    await banner.click();
    await page.waitForURL((u) => u.pathname === '/homework/reports' && u.searchParams.get('school_id') === String(worst.school_id) &&
      u.searchParams.get('from') === monday && u.searchParams.get('to') === sunday);
    const grade4 = page.locator('[data-test=hw-by-grade] .el-table__row', { hasText: '四年级' });
    await grade4.waitFor();
    // click 2: the grade → its week, the class-days the families reported over the cap marked
    await grade4.click();
    await page.waitForURL((u) => u.pathname === '/homework/grade' && u.searchParams.get('grade') === '4');
    const marked = page.locator('[data-test=hw-cell]', { has: page.locator('[data-test=hw-cell-reported-over]') });
    await marked.first().waitFor();
    assert.match(await marked.first().innerText(), /家长反馈 \d+ 分钟,超上限/);
    const plain = page.locator('[data-test=hw-cell]:not(:has([data-test=hw-cell-reported-over])) .mins');
    assert.ok(await plain.count() > 0, 'only some class-days are marked');
    // click 3: the class-day → the items, those the families took longer on marked
    await marked.first().click();
    const day = page.locator('[data-test=hw-day-reported-over]');
    await day.waitFor();
    assert.match(await day.innerText(), /家长反馈当天书面作业用时 \d+ 分钟,超过上限 \d+ 分钟/);
    const longer = page.locator('[data-test=hw-item-reported-over]');
    await longer.first().waitFor();
    assert.match(await longer.first().innerText(), /家长反馈平均 \d+ 分钟\(\d+ 人\),预估 \d+ 分钟/);
  });
});
