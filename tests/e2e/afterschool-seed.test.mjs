// The allocation's lottery seed in the web app (issue 13, point 14): the school office runs the
// ranked-choice allocation and the message shows the seed exactly as the server stored it (19
// digits as a rule: more than a JavaScript number holds, so the API sends it as a string).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createSchool, createUser, launchBrowser, loginThroughForm, startServer, withPage } from './lib.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the allocation\'s message shows the lottery seed exactly as stored', async (t) => {
  const school = await createSchool(server, { name: '抽签小学', kind: 'primary' });
  const admin = await createUser(server, { name: '钱教务', roles: [{ role: 'school_admin', school_id: school.id }] });
  await withPage(browser, t.name, { viewport: { width: 1440, height: 900 } }, async (page) => {
    await loginThroughForm(page, server.url, admin.username, admin.password);
    await page.locator('[data-test="menu-afterschool/school"]').click();
    await page.waitForURL('**/afterschool/school');
    await page.locator('[data-test=as-allocate]').click();
    // a confirmation first, where the page asks one
    const done = page.locator('.el-message--success');
    const ask = page.locator('.el-message-box');
    await Promise.race([done.waitFor(), ask.waitFor()]);
    if (await ask.isVisible()) await ask.locator('.el-message-box__btns .el-button--primary').click();
    await done.waitFor();
    const text = await done.innerText();
    const shown = /抽签种子 (\d+)/.exec(text)?.[1];
    assert.ok(shown, text);
    const stored = execFileSync('sqlite3', ['-bail', join(server.dir, 'sj.db'), 'SELECT seed FROM afterschool_allocations ORDER BY id DESC LIMIT 1'],
      { encoding: 'utf8' }).trim();
    assert.equal(shown, stored);
  });
});
