// JOURNEYS.md 2.1 in a browser: a school office imports the registry roster. A file with an
// error is refused with its row, column and reason and nothing stored; the corrected file
// imports, with "已导入 N 名学生", and the classes appear.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSchool, createUser, launchBrowser, loginThroughForm, ROSTER_HEADER, rosterRow,
  startServer, toCsv, withPage,
} from './lib.mjs';

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

test('a school admin imports a roster: errors first, then the clean file', async (t) => {
  const school = await createSchool(server, { name: '育才小学' });
  const office = await createUser(server, {
    name: '教务王老师',
    roles: [{ role: 'school_admin', school_id: school.id }],
  });
  const rows = [ROSTER_HEADER, rosterRow(1), rosterRow(2), rosterRow(3, { cls: '3' })];
  const bad = rows.map((r) => [...r]);
  bad[2][3] = bad[2][3].slice(0, 17) + (bad[2][3][17] === '1' ? '2' : '1'); // row 3: check character

  await withPage(browser, t.name, { viewport: { width: 1280, height: 800 } }, async (page) => {
    await loginThroughForm(page, server.url, office.username, office.password);
    await page.waitForURL(`**/schools/${school.id}`);
    await page.locator('[data-test=side-menu] [data-test=menu-imports]').click();
    await page.waitForURL('**/imports');

    const input = page.locator('[data-test=import-page] input[type=file]');
    await input.setInputFiles({ name: '花名册.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv(bad)) });
    const rejected = page.locator('[data-test=import-rejected]');
    await rejected.waitFor();
    const text = await rejected.innerText();
    assert.match(text, /文件有错误,未导入任何数据/);
    assert.match(text, /第 3 行/);
    assert.match(text, /身份证件号/);
    assert.match(text, /校验/);
    const none = await server.must(200, 'GET', `/api/v1/schools/${school.id}/classes`, undefined, await server.adminToken());
    assert.equal(none.total, 0, 'nothing stored');

    await input.setInputFiles({ name: '花名册.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv(rows)) });
    const done = page.locator('[data-test=import-done]');
    await done.waitFor();
    assert.match(await done.innerText(), /已导入 3 名学生/);
    assert.match(await done.innerText(), /新建班级 2 个/);

    await page.locator('[data-test=side-menu] [data-test=menu-my-school]').click();
    await page.waitForURL(`**/schools/${school.id}`);
    const classes = page.locator('[data-test=classes-table] .el-table__row');
    await classes.first().waitFor();
    assert.equal(await classes.count(), 2);
    assert.match(await page.locator('[data-test=classes-table]').innerText(), /三年级/);
  });
});
