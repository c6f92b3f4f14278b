// JOURNEYS.md 1.4 in a browser: the district admin changes a number of the district's policy
// (HW-2's written minutes, 60 → 50) effective today, is told that past decisions keep their
// version, and sees the new value in force and the version in the history. Then the school
// calendar: a school day is marked a holiday and the month shows it so; a weekend becomes a
// make-up school day (调休上班).
//
// The server's clock stands at 00:30 in Beijing on TODAY, which is 16:30 UTC on the day before;
// the browser of the first test is in the UTC zone at that same moment, so its own date is the
// day before the district's: the web app must offer the server's today (a browser's date would be
// refused as past). The calendar test keeps the machine's clock, whatever day that is.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, TODAY, addDays, field, launchBrowser, loginThroughForm, startServer, weekday as weekdayOf, withPage } from './lib.mjs';

const SERVER_TIME = '00:30';
const SERVER_MOMENT = Date.parse(`${TODAY}T${SERVER_TIME}:00+08:00`); // 16:30 UTC the day before

describe('policy and calendar', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ time: SERVER_TIME });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the district admin changes HW-2 to 50 minutes from today and sees it in force and in the history', async (t) => {
    const today = TODAY;
    assert.equal(new Date(SERVER_MOMENT).toISOString().slice(0, 10), addDays(TODAY, -1), 'UTC is on the day before');
    await withPage(browser, t.name, { viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' }, async (page) => {
      await page.clock.install({ time: SERVER_MOMENT });
      assert.equal(await page.evaluate(() => new Date().getDate()), Number(addDays(TODAY, -1).slice(8)), "the browser's own date");
      await loginThroughForm(page, server.url, ADMIN.username, ADMIN.password);
      await page.waitForURL('**/dashboard');
      await page.locator('[data-test=side-menu] [data-test=menu-policy]').click();
      await page.waitForURL('**/policy');

      const hw2 = page.locator('[data-test="policy-value-HW-2-written_minutes_per_day"]');
      await hw2.waitFor();
      assert.match(await hw2.innerText(), /60/);
      assert.match(await page.locator('[data-test="policy-rule-HW-2"]').innerText(), /三至六年级/);
      // amounts in fen are shown in 元
      assert.match(await page.locator('[data-test="policy-value-AS-6-care_fee_per_hour_fen"]').innerText(), /2\.00 元/);
      // no version yet
      assert.match(await page.locator('[data-test=policy-versions]').innerText(), /国家默认值/);

      await page.locator('[data-test="policy-edit-HW-2-written_minutes_per_day"]').click();
      const edit = page.locator('.el-dialog[data-test=policy-edit-dialog]');
      await edit.waitFor();
      const input = field(edit, 'policy-edit-value');
      await input.fill('50');
      await edit.locator('[data-test=policy-edit-ok]').click();
      await edit.waitFor({ state: 'hidden' });
      assert.match(await hw2.locator('[data-test=policy-new-value]').innerText(), /50/);
      assert.match(await page.locator('[data-test=policy-pending]').innerText(), /已修改 1 项/);

      await page.locator('[data-test=policy-submit]').click();
      const save = page.locator('.el-dialog[data-test=policy-save-dialog]');
      await save.waitFor();
      assert.equal(await field(save, 'policy-effective-date').inputValue(), today);
      assert.match(await save.innerText(), /保持作出时的政策版本/);
      // the picker opens on the server's month; days before the server's today are greyed out,
      // today is not (TODAY is not the 1st of its month, so the day before is in the panel)
      await field(save, 'policy-effective-date').click();
      const panel = page.locator('.el-picker-panel:visible');
      const cell = (date) => panel.locator('.el-date-table td:not(.prev-month):not(.next-month)').filter({ hasText: new RegExp(`^\\s*${Number(date.slice(8))}\\s*$`) });
      await cell(today).waitFor();
      const header = await panel.locator('.el-date-picker__header').innerText();
      assert.match(header, new RegExp(`${today.slice(0, 4)}[\\s\\S]*${Number(today.slice(5, 7))}`), header);
      assert.match(await cell(today).getAttribute('class'), /current/);
      assert.doesNotMatch(await cell(today).getAttribute('class'), /disabled/);
      assert.match(await cell(addDays(today, -1)).getAttribute('class'), /disabled/);
      await page.keyboard.press('Escape');
      await save.locator('[data-test=policy-save-ok]').click();

      const box = page.locator('.el-message-box');
      await box.waitFor();
      assert.match(await box.innerText(), new RegExp(`自 ${today} 起生效`));
      assert.match(await box.innerText(), /保持原版本/);
      await box.locator('.el-message-box__btns .el-button--primary').click();
      await save.waitFor({ state: 'hidden' });

      // the value in force is the new one, the version says when, and the history has it
      await page.locator('[data-test=policy-pending]').waitFor({ state: 'detached' });
      await page.waitForFunction(() =>
        document.querySelector('[data-test="policy-value-HW-2-written_minutes_per_day"] [data-test=policy-current-value]')?.textContent?.trim() === '50');
      assert.match(await page.locator('[data-test=policy-version]').innerText(), new RegExp(`^district-${today}\\.\\d+$`));
      const row = page.locator('[data-test=policy-versions] .el-table__row').first();
      await row.waitFor();
      const text = await row.innerText();
      assert.match(text, new RegExp(today));
      assert.match(text, /执行中/);
      assert.match(text, /HW-2/);
      assert.match(text, /50/);

      // and the server agrees
      const token = await server.adminToken();
      const pol = await server.must(200, 'GET', '/api/v1/policy', undefined, token);
      assert.equal(pol.rules['HW-2'].written_minutes_per_day, 50);
      const versions = await server.must(200, 'GET', '/api/v1/policy/versions', undefined, token);
      assert.equal(versions.total, 1);
      assert.deepEqual(JSON.parse(versions.items[0].overrides).rules, { 'HW-2': { written_minutes_per_day: 50 } });
    });
  });

  test('the district admin marks a holiday and a make-up school day on the calendar', async (t) => {
    // The calendar opens on the server's month: a weekday of it other than today (the 1st..28th
    // exist in every month), and its first Saturday.
    const month = TODAY.slice(0, 7);
    let weekday = null;
    let saturday = null;
    for (let d = 1; d <= 28; d++) {
      const day = `${month}-${String(d).padStart(2, '0')}`;
      const w = weekdayOf(day);
      if (!weekday && w <= 5 && day !== TODAY) weekday = day;
      if (!saturday && w === 6) saturday = day;
    }

    await withPage(browser, t.name, { viewport: { width: 1280, height: 900 } }, async (page) => {
      await loginThroughForm(page, server.url, ADMIN.username, ADMIN.password);
      await page.waitForURL('**/dashboard');
      await page.locator('[data-test=side-menu] [data-test=menu-calendar]').click();
      await page.waitForURL('**/calendar');

      // a term first, so that the server's month is inside it
      const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
      const term = m >= 8 || m === 1 ? `${m === 1 ? y - 1 : y}-autumn` : `${y}-spring`;
      const [ty, season] = term.split('-');
      const first = season === 'autumn' ? `${ty}-08-01` : `${ty}-02-01`;
      const last = season === 'autumn' ? `${Number(ty) + 1}-01-31` : `${ty}-07-31`;
      await page.locator('[data-test=calendar-add-term]').click();
      const termDialog = page.locator('.el-dialog[data-test=calendar-term-dialog]');
      await termDialog.waitFor();
      await field(termDialog, 'calendar-term-year').fill(ty);
      await field(termDialog, 'calendar-term-year').press('Tab');
      await termDialog.locator(`[data-test=calendar-term-season] .el-radio-button:has-text("${season === 'autumn' ? '秋季' : '春季'}")`).click();
      await field(termDialog, 'calendar-term-first').fill(first);
      await field(termDialog, 'calendar-term-first').press('Enter');
      await field(termDialog, 'calendar-term-last').fill(last);
      await field(termDialog, 'calendar-term-last').press('Enter');
      await termDialog.locator('[data-test=calendar-term-save]').click();
      await termDialog.waitFor({ state: 'hidden' });
      const terms = page.locator('[data-test=calendar-terms-table]');
      await terms.locator('.el-table__row').first().waitFor();
      assert.match(await terms.innerText(), new RegExp(first));
      assert.match(await terms.innerText(), new RegExp(last));

      const cell = page.locator(`[data-test=calendar-day-${weekday}]`);
      await page.waitForFunction((d) => document.querySelector(`[data-test=calendar-day-${d}]`)?.dataset.tone === 'school', weekday);

      await cell.click();
      const dialog = page.locator('.el-dialog[data-test=calendar-day-dialog]');
      await dialog.waitFor();
      await dialog.locator('[data-test=calendar-day-holiday]').click();
      await field(dialog, 'calendar-day-name').fill('区运动会放假');
      await dialog.locator('[data-test=calendar-day-save]').click();
      await dialog.waitFor({ state: 'hidden' });
      await page.waitForFunction((d) => document.querySelector(`[data-test=calendar-day-${d}]`)?.dataset.tone === 'holiday', weekday);
      assert.match(await cell.innerText(), /区运动会放假/);

      const sat = page.locator(`[data-test=calendar-day-${saturday}]`);
      assert.equal(await sat.getAttribute('data-tone'), 'weekend');
      await sat.click();
      await dialog.waitFor();
      await dialog.locator('[data-test=calendar-day-workday]').click();
      await field(dialog, 'calendar-day-name').fill('运动会调休');
      await dialog.locator('[data-test=calendar-day-save]').click();
      await dialog.waitFor({ state: 'hidden' });
      await page.waitForFunction((d) => document.querySelector(`[data-test=calendar-day-${d}]`)?.dataset.tone === 'workday', saturday);

      // the server has both
      const cal = await server.must(200, 'GET', `/api/v1/calendar?from=${weekday < saturday ? weekday : saturday}&to=${weekday < saturday ? saturday : weekday}`, undefined, await server.adminToken());
      const byDate = Object.fromEntries(cal.items.map((d) => [d.date, d]));
      assert.equal(byDate[weekday].kind, 'holiday');
      assert.equal(byDate[weekday].name, '区运动会放假');
      assert.equal(byDate[saturday].kind, 'school');
    });
  });
});
