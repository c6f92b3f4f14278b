// JOURNEYS.md 1.3 in a browser, on the demo district (the server on the test clock, TODAY
// 2026-12-09): the district admin sees the next report due on the dashboard, opens the
// half-monthly report, exports it to Excel (the downloaded file is read back: a sheet per topic,
// Chinese headers, numbers as numbers), submits the current period after confirming, sees it
// submitted with its digest, submits a revision with a reason; the print view fits A4 (the PDF
// the browser makes is A4, the first page holds the figures and the signature block); a school
// admin submits a typical case that the district selects and publishes; the school's ledger and
// the term compilation show in the browser.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launchBrowser, loginThroughForm, startServer, withPage, field, DEMO } from './lib.mjs';
import { readWorkbook } from '../api/xlsx.mjs';

const DESK = { viewport: { width: 1366, height: 900 }, acceptDownloads: true };

describe('reports upward', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('Journey 1.3: the dashboard card, the report, its workbook, submit and revise', async (t) => {
    await withPage(browser, t.name, DESK, async (page) => {
      await loginThroughForm(page, server.url, 'admin', DEMO.password);
      await page.goto(`${server.url}/dashboard`);
      const card = page.locator('[data-test=dash-reports]');
      await card.locator('[data-test=dash-reports-next]').waitFor();
      assert.match(await card.innerText(), /2026年12月上半月/);
      assert.match(await card.innerText(), /截止 2026-12-15,还有 6 天/);
      await card.locator('[data-test=dash-reports-none-late]').waitFor();
      await card.locator('[data-test=dash-reports-next]').click();
      await page.waitForURL(/\/reports\/half-monthly\?period=2026-12-1/);

      // the current period: a draft with its figures and the schools behind them
      await page.locator('[data-test=rp-status]').waitFor();
      assert.equal((await page.locator('[data-test=rp-status]').innerText()).trim(), '草稿');
      assert.equal((await page.locator('[data-test=rp-kpi-schools] .kpi').innerText()).trim(), '3');
      const kpis = await page.locator('.kpis').innerText();
      assert.match(kpis, /作业总量达标学校/);
      assert.match(kpis, /课后服务达标学校/);
      assert.match(kpis, /学生参与率/);
      await page.locator('[data-test=rp-filter] label', { hasText: '全部学校' }).click();
      assert.equal(await page.locator('[data-test=rp-schools] .el-table__body tr.el-table__row').count(), 3);

      // the workbook, as the browser downloads it
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=rp-export]').click()]);
      assert.match(download.suggestedFilename(), /^双减工作半月报-2026年12月上半月\.xlsx$/);
      const wb = readWorkbook(readFileSync(await download.path()));
      assert.deepEqual(wb.sheets.map((s) => s.name), ['总表', '作业', '课后服务', '校外培训', '投诉举报与处罚', '图表']);
      assert.deepEqual(wb.sheets[0].rows[0], ['指标', '数值', '单位', '说明']);
      const total = wb.sheets[0].rows.find((r) => r && r[0] === '学校总数');
      assert.equal(total[1], 3, 'a number, not text');
      assert.equal(typeof wb.sheets[0].rows.find((r) => r && r[0] === '预收费监管资金余额')[1], 'number');

      // submit after confirming
      await page.locator('[data-test=rp-submit]').click();
      const box = page.locator('.el-message-box');
      await box.waitFor();
      assert.match(await box.innerText(), /报送后数据锁定/);
      await box.locator('button', { hasText: '确认报送' }).click();
      await page.locator('[data-test=rp-status]', { hasText: '已报送 · 第 1 版' }).waitFor();
      assert.match(await page.locator('[data-test=rp-digest]').innerText(), /[0-9a-f]{64}/);
      assert.equal(await page.locator('[data-test=rp-submit]').count(), 0);

      // a revision needs its reason
      await page.locator('[data-test=rp-revise]').click();
      const dialog = page.locator('[data-test=rp-revise-dialog]');
      await dialog.waitFor();
      assert.ok(await page.locator('[data-test=rp-revise-confirm]').isDisabled());
      await field(page, 'rp-reason').fill('城关小学补录 12 月 7 日课后服务点名记录');
      await page.locator('[data-test=rp-revise-confirm]').click();
      await page.locator('[data-test=rp-status]', { hasText: '第 2 版' }).waitFor();
      assert.match(await page.locator('[data-test=rp-submitted-line]').innerText(), /城关小学补录/);
      await page.locator('[data-test=rp-history]').click();
      const drawer = page.locator('[data-test=rp-history-drawer]');
      await drawer.locator('text=第 1 版').waitFor();
      await drawer.locator('[data-test=rp-show-revision-1]').click();
      await page.locator('[data-test=rp-status]', { hasText: '第 1 版' }).waitFor();
    });
    // the server kept both
    const token = await server.login('admin', DEMO.password);
    const revs = await server.must(200, 'GET', '/api/v1/reports/half-monthly/2026-12-1/revisions', undefined, token);
    assert.equal(revs.total, 2);
  });

  test('the print view fits A4 with the figures and the signature block on the first page', async (t) => {
    await withPage(browser, t.name, DESK, async (page) => {
      await loginThroughForm(page, server.url, 'admin', DEMO.password);
      await page.goto(`${server.url}/reports/half-monthly?period=2026-11-2`);
      await page.locator('[data-test=rp-status]').waitFor();
      await page.locator('[data-test=rp-print]').click();
      await page.waitForURL(/\/reports\/half-monthly\/2026-11-2\/print/);
      await page.locator('[data-test=rp-sign]').waitFor();
      assert.match(await page.locator('[data-test=rp-paper] h1').innerText(), /半月报表/);
      assert.match(await page.locator('[data-test=rp-print-state]').innerText(), /已报送 · 第 2 版/);
      assert.match(await page.locator('[data-test=rp-print-indicators]').innerText(), /作业总量达标学校/);

      // on paper: an A4 page's printable area at 96 px an inch, 15 mm margins
      await page.emulateMedia({ media: 'print' });
      const mm = 96 / 25.4;
      await page.setViewportSize({ width: Math.floor((210 - 30) * mm), height: Math.floor((297 - 30) * mm) });
      const fit = await page.evaluate(() => {
        const first = document.querySelector('[data-test=rp-first-page]').getBoundingClientRect();
        const sign = document.querySelector('[data-test=rp-sign]').getBoundingClientRect();
        return { width: document.documentElement.scrollWidth, viewport: window.innerWidth, firstBottom: first.bottom, signBottom: sign.bottom, noPrint: getComputedStyle(document.querySelector('.no-print')).display };
      });
      assert.equal(fit.noPrint, 'none', 'the buttons are not printed');
      assert.ok(fit.width <= fit.viewport + 1, `no wider than the paper: ${JSON.stringify(fit)}`);
      assert.ok(fit.signBottom <= (297 - 30) * mm, `the signature block is on the first page: ${JSON.stringify(fit)}`);

      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
      const text = pdf.toString('latin1');
      assert.ok(text.startsWith('%PDF-'));
      const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
      assert.ok(boxes.length >= 1, 'pages in the PDF');
      for (const [w, h] of boxes) {
        assert.ok(Math.abs(w - 595.28) < 1.5 && Math.abs(h - 841.89) < 1.5, `an A4 page: ${w} x ${h}`);
      }
      const pages = (text.match(/\/Type\s*\/Page[^s]/g) || []).length;
      assert.ok(pages >= 1 && pages <= 3, `pages: ${pages}`);
    });
  });

  test('a school submits a typical case; the district selects and publishes it', async (t) => {
    await withPage(browser, `${t.name} (school)`, DESK, async (page) => {
      await loginThroughForm(page, server.url, 'school1', DEMO.password);
      await page.goto(`${server.url}/reports/cases`);
      await page.locator('[data-test=cases-new]').click();
      await page.locator('[data-test=case-form]').waitFor();
      await field(page, 'case-title').fill('“作业熔断”:超时即停,第二天调整');
      await field(page, 'case-text').fill('学生做作业到九点二十仍未完成的,家长在系统中点“已按时睡觉”,老师第二天调整作业量。');
      await page.locator('[data-test=case-save]').click();
      await page.locator('[data-test=cases-table]', { hasText: '作业熔断' }).waitFor();
    });
    await withPage(browser, `${t.name} (district)`, DESK, async (page) => {
      await loginThroughForm(page, server.url, 'admin', DEMO.password);
      await page.goto(`${server.url}/reports/cases`);
      await page.locator('[data-test=cases-table] tr', { hasText: '作业熔断' }).click();
      const drawer = page.locator('[data-test=case-drawer]');
      await drawer.locator('[data-test=case-select]').click();
      await drawer.locator('[data-test=case-status]', { hasText: '已选用' }).waitFor();
      await drawer.locator('[data-test=case-publish]').click();
      await page.locator('.el-message-box button', { hasText: '确定' }).click();
      await drawer.locator('[data-test=case-status]', { hasText: '已发布' }).waitFor();
      assert.equal(await drawer.locator('[data-test=case-edit]').count(), 0, 'a published case cannot change');
    });
  });

  test('the school ledger and the term compilation', async (t) => {
    await withPage(browser, `${t.name} (ledger)`, DESK, async (page) => {
      await loginThroughForm(page, server.url, 'school1', DEMO.password);
      await page.goto(`${server.url}/reports/ledger`);
      await page.locator('[data-test=ledger-homework] .el-table__row').first().waitFor();
      assert.match(await page.locator('[data-test=ledger-page]').innerText(), /作业公示/);
      await page.locator('.el-tabs__item', { hasText: '课后服务' }).click();
      await page.locator('[data-test=ledger-afterschool] .el-table__row').first().waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=ledger-export]').click()]);
      const wb = readWorkbook(readFileSync(await download.path()));
      assert.deepEqual(wb.sheets.map((s) => s.name), ['作业公示', '课后服务', '督查整改', '投诉举报', '通知']);
    });
    await withPage(browser, `${t.name} (compilation)`, DESK, async (page) => {
      await loginThroughForm(page, server.url, 'admin', DEMO.password);
      await page.goto(`${server.url}/reports/compilation`);
      await page.locator('[data-test=comp-doc]').waitFor();
      assert.match(await page.locator('[data-test=comp-doc] h1').innerText(), /2026年秋季学期双减工作成果汇编/);
      assert.ok(await page.locator('[data-test=comp-figures] tbody tr').count() >= 6);
      assert.ok(await page.locator('[data-test=comp-case]').count() >= 2, 'the selected and the published demo cases');
    });
  });
});
