// JOURNEYS.md 2.1 in a browser: a school office imports the registry roster. A file with an
// error is refused with its row, column and reason and nothing stored; the corrected file
// imports, with "已导入 N 名学生", and the classes appear.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

test('the school office imports its teachers with their subjects and classes (JOURNEYS.md 2.2)', async (t) => {
  const school = await createSchool(server, { name: '启明小学' });
  const office = await createUser(server, {
    name: '教务李老师',
    roles: [{ role: 'school_admin', school_id: school.id }],
  });
  const admin = await server.adminToken();
  await server.must(201, 'POST', '/api/v1/classes', { school_id: school.id, grade: 4, name: '2班' }, admin);
  await server.must(201, 'POST', '/api/v1/classes', { school_id: school.id, grade: 5, name: '1班' }, admin);
  const header = ['教职工编号', '教师姓名', '手机号码', '任教科目', '任教班级', '职称'];
  const good = [
    header,
    ['T001', '张老师', '13900001111', '数学', '四年级2班、五年级1班', '一级教师'],
    ['T002', '刘老师', '13900002222', '语文', '四年级2班', ''],
  ];
  const bad = good.map((r) => [...r]);
  bad[2][4] = '六年级3班'; // row 3: no such class

  await withPage(browser, t.name, { viewport: { width: 1280, height: 800 } }, async (page) => {
    await loginThroughForm(page, server.url, office.username, office.password);
    await page.locator('[data-test=side-menu] [data-test=menu-imports]').click();
    await page.waitForURL('**/imports');
    await page.locator('[data-test=import-kind-teachers]').click();
    const hint = page.locator('[data-test=import-teacher-hint]');
    await hint.waitFor();
    assert.match(await hint.innerText(), /教职工编号/);
    assert.match(await hint.innerText(), /任教班级/);

    const input = page.locator('[data-test=import-page] input[type=file]');
    await input.setInputFiles({ name: '教师名册.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv(bad)) });
    const rejected = page.locator('[data-test=import-rejected]');
    await rejected.waitFor();
    assert.match(await rejected.innerText(), /第 3 行/);
    assert.match(await rejected.innerText(), /六年级3班/);
    const none = await server.must(200, 'GET', `/api/v1/users?school_id=${school.id}&role=teacher`, undefined, admin);
    assert.equal(none.total, 0, 'nothing stored');

    await input.setInputFiles({ name: '教师名册.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv(good)) });
    const done = page.locator('[data-test=import-done]');
    await done.waitFor();
    assert.match(await done.innerText(), /已导入 2 名教师/);
    assert.match(await done.innerText(), /新增任教安排 3 条/);
  });
  const teachers = await server.must(200, 'GET', `/api/v1/users?school_id=${school.id}&role=teacher`, undefined, admin);
  assert.equal(teachers.total, 2);
});

test('the sample files next to the import download and import as they are (issue 13, point 16)', async (t) => {
  const school = await createSchool(server, { name: '样例小学' });
  const office = await createUser(server, {
    name: '教务周老师',
    roles: [{ role: 'school_admin', school_id: school.id }],
  });
  const admin = await server.adminToken();
  await withPage(browser, t.name, { viewport: { width: 1280, height: 800 }, acceptDownloads: true }, async (page) => {
    await loginThroughForm(page, server.url, office.username, office.password);
    await page.locator('[data-test=side-menu] [data-test=menu-imports]').click();
    await page.waitForURL('**/imports');
    const input = page.locator('[data-test=import-page] input[type=file]');
    const link = page.locator('[data-test=import-sample-link]');
    assert.match(await page.locator('[data-test=import-sample]').innerText(), /下载样例文件 学生花名册样例\.csv/);

    // the pupils' sample: the file as the browser saves it goes back up unchanged
    let [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), '学生花名册样例.csv');
    let file = readFileSync(await download.path());
    assert.match(file.toString('utf8'), /^\ufeff姓名,性别,出生日期,身份证件类型,身份证件号,年级,班级号/, 'the registry columns, with a BOM for Excel');
    await input.setInputFiles({ name: '学生花名册样例.csv', mimeType: 'text/csv', buffer: file });
    let done = page.locator('[data-test=import-done]');
    await done.waitFor();
    assert.match(await done.innerText(), /已导入 6 名学生/);
    assert.match(await done.innerText(), /新建班级 3 个/);

    // the teachers' sample names the classes the pupils' sample made
    await page.locator('[data-test=import-kind-teachers]').click();
    assert.match(await page.locator('[data-test=import-sample]').innerText(), /教师名册样例\.csv/);
    [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), '教师名册样例.csv');
    file = readFileSync(await download.path());
    await input.setInputFiles({ name: '教师名册样例.csv', mimeType: 'text/csv', buffer: file });
    done = page.locator('[data-test=import-done]');
    await done.waitFor();
    assert.match(await done.innerText(), /已导入 3 名教师/);
  });
  const pupils = await server.must(200, 'GET', `/api/v1/schools/${school.id}/classes`, undefined, admin);
  assert.equal(pupils.total, 3);
  const res = await fetch(`${server.url}/samples/roster-students.csv`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
});
