// The homework journeys in a real browser against the real server (JOURNEYS.md 3, 4 and 5):
// a maths teacher publishes, sees the class-day's budget as they type, publishes up to the cap
// and is refused with the reason (HW-2) and the items that use the minutes, with nothing saved;
// a guardian on a phone-sized window opens today's board and reports the time each item took,
// including "not finished, went to bed on time" (HW-10); the grade leader sees the day near the
// cap in the matrix; the next morning the teacher sees the bedtime report with the prompt to
// adjust (HW-10) and marks the item pupil by pupil (HW-8).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createClass, createSchool, createStudent, createUser, field, launchBrowser, linkGuardian,
  loginThroughForm, startServer, withPage, TODAY, addDays,
} from './lib.mjs';

const today = TODAY; // the server's, on the test clock (the browser keeps the machine's)
const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7));
const autumn = m >= 8 || m === 1;
const ty = m === 1 ? y - 1 : y;
const TERM = autumn ? `${ty}-autumn` : `${ty}-spring`;
const T_FIRST = autumn ? `${ty}-08-01` : `${ty}-02-01`;
const T_LAST = autumn ? `${ty + 1}-01-31` : `${ty}-07-31`;
const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 900 } };

describe('homework', () => {
  let server, browser, A, school;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    A = await server.adminToken();
    // today lies in a term, so written homework may be set for it
    await server.must(201, 'POST', '/api/v1/calendar/terms', { term: TERM, first_day: T_FIRST, last_day: T_LAST }, A);
    school = await createSchool(server, { name: '实验小学', kind: 'primary' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function teacherOf(cls, subject, name) {
    const u = await createUser(server, { name, roles: [{ role: 'teacher', school_id: school.id }] });
    await server.must(201, 'POST', `/api/v1/classes/${cls.id}/teachers`, { user_id: u.id, subject }, A);
    return u;
  }

  test('a teacher publishes up to the cap and sees the refusal with its reason and the items', async (t) => {
    const cls = await createClass(server, school.id, { grade: 4, name: '3班' });
    const maths = await teacherOf(cls, '数学', '张老师');
    const english = await teacherOf(cls, '英语', '李老师');
    // the English teacher set 40 minutes already
    await server.must(201, 'POST', '/api/v1/homework', { class_id: cls.id, date: today, subject: '英语', title: '抄写单词', kind: 'written', minutes: 40 },
      await server.login(english.username, english.password));

    await withPage(browser, t.name, DESKTOP, async (page) => {
      await loginThroughForm(page, server.url, maths.username, maths.password);
      await page.locator('[data-test="menu-homework/teacher"]').click();
      await page.waitForURL('**/homework/teacher');
      const budget = page.locator('[data-test=hw-budget]');
      await page.waitForFunction(() => document.querySelector('[data-test=hw-budget]')?.textContent?.includes('40 / 60'));
      assert.match(await budget.innerText(), /当天已布置 40 \/ 60 分钟/);
      // the day's other items are listed
      await page.locator('[data-test=hw-day-item]', { hasText: '抄写单词' }).waitFor();

      // 20 minutes fit exactly
      await field(page, 'hw-title').fill('口算练习第 12 页');
      await field(page, 'hw-minutes').fill('20');
      await field(page, 'hw-minutes').press('Tab');
      await page.waitForFunction(() => document.querySelector('[data-test=hw-budget]')?.textContent?.includes('剩余 0 分钟'));
      await page.locator('[data-test=hw-publish]').click();
      await page.waitForFunction(() => document.querySelector('[data-test=hw-budget]')?.textContent?.includes('60 / 60'));
      assert.equal(await page.locator('[data-test=hw-day-item]').count(), 2);

      // 30 more would pass the cap: the page says so as they type, the server refuses
      await field(page, 'hw-title').fill('应用题');
      await field(page, 'hw-minutes').fill('30');
      await field(page, 'hw-minutes').press('Tab');
      await page.waitForFunction(() => document.querySelector('[data-test=hw-budget]')?.textContent?.includes('超出上限 30 分钟'));
      await page.locator('[data-test=hw-publish]').click();
      const refusal = page.locator('[data-test=hw-refusal]');
      await refusal.waitFor();
      const text = await refusal.innerText();
      // HW-2: the test clock's today is a school day
      assert.match(text, /超出四年级每日书面作业 60 分钟上限.HW-2./);
      assert.match(text, /当天已布置 60 分钟,本次 30 分钟/);
      assert.match(text, /抄写单词/);
      assert.match(text, /口算练习第 12 页/);
      assert.equal(await page.locator('[data-test=hw-day-item]').count(), 2);
      // the teacher's own list has the one item they published
      await page.locator('[data-test=hw-mine] .el-table__row', { hasText: '口算练习第 12 页' }).waitFor();
    });
    // nothing half-saved
    const b = await server.must(200, 'GET', `/api/v1/classes/${cls.id}/homework?date=${today}`, undefined, A);
    assert.equal(b.written_minutes, 60);
    assert.deepEqual(b.items.map((i) => i.title).sort(), ['口算练习第 12 页', '抄写单词']);
  });

  test('a guardian on a phone sees the board and reports the time each item took', async (t) => {
    const cls = await createClass(server, school.id, { grade: 5, name: '1班' });
    const maths = await teacherOf(cls, '数学', '王老师');
    const T = await server.login(maths.username, maths.password);
    const a = await server.must(201, 'POST', '/api/v1/homework', { class_id: cls.id, date: today, subject: '数学', title: '计算题', kind: 'written', minutes: 30 }, T);
    const b = await server.must(201, 'POST', '/api/v1/homework', { class_id: cls.id, date: today, subject: '数学', title: '数学阅读', kind: 'reading', tier: 'optional', minutes: 20 }, T);
    const kid = await createStudent(server, cls.id, { name: '陈小乐' });
    const mum = await createUser(server, { name: '陈妈妈', roles: [{ role: 'guardian' }] });
    await linkGuardian(server, kid.id, mum.id);

    await withPage(browser, t.name, PHONE, async (page) => {
      await loginThroughForm(page, server.url, mum.username, mum.password);
      await page.locator('[data-test=menu-toggle]').click();
      await page.locator('[data-test="menu-homework/family"]').click();
      await page.waitForURL('**/homework/family');
      await page.locator('[data-test=hw-item]').first().waitFor();
      assert.match(await page.locator('[data-test=hw-total]').innerText(), /书面作业合计 30 分钟 \/ 上限 60 分钟/);
      assert.equal(await page.locator('[data-test=hw-item]').count(), 2);
      const first = page.locator('[data-test=hw-item]', { hasText: '计算题' });
      const second = page.locator('[data-test=hw-item]', { hasText: '数学阅读' });
      assert.match(await second.innerText(), /选做/);
      // big buttons, inside the screen
      const box = await first.locator('[data-test=hw-done]').boundingBox();
      assert.ok(box.height >= 40 && box.x + box.width <= 375, JSON.stringify(box));

      await field(first, 'hw-spent').fill('45');
      await field(first, 'hw-spent').press('Tab');
      await first.locator('[data-test=hw-done]').click();
      await first.locator('[data-test=hw-item-reported]').waitFor();
      assert.match(await first.locator('[data-test=hw-item-reported]').innerText(), /45 分钟,完成/);

      await second.locator('[data-test=hw-bedtime]').click();
      await second.locator('[data-test=hw-item-reported]').waitFor();
      assert.match(await second.locator('[data-test=hw-item-reported]').innerText(), /未完成,已按时睡觉/);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `page is ${width}px wide`);
    });
    // the server has both reports
    const mine = await server.must(200, 'GET', `/api/v1/students/${kid.id}/homework?date=${today}`, undefined, A);
    const fb = Object.fromEntries(mine.items.map((i) => [i.id, i.feedback]));
    assert.deepEqual(fb[a.id], { minutes_spent: 45, completed: true, bedtime: false });
    assert.deepEqual(fb[b.id], { minutes_spent: 20, completed: false, bedtime: true });
  });

  test('the grade leader sees a class-day near its cap in the matrix and opens its items', async (t) => {
    const cls = await createClass(server, school.id, { grade: 6, name: '2班' });
    const maths = await teacherOf(cls, '数学', '赵老师');
    await server.must(201, 'POST', '/api/v1/homework', { class_id: cls.id, date: today, subject: '数学', title: '单元练习', kind: 'written', minutes: 55 },
      await server.login(maths.username, maths.password));
    const leader = await createUser(server, { name: '六年级组长', roles: [{ role: 'grade_leader', school_id: school.id, grade: 6 }] });
    await withPage(browser, t.name, DESKTOP, async (page) => {
      await loginThroughForm(page, server.url, leader.username, leader.password);
      await page.locator('[data-test="menu-homework/grade"]').click();
      await page.waitForURL('**/homework/grade');
      const cell = page.locator('[data-test=hw-matrix-row]', { hasText: '2班' }).locator('td.cell-near');
      await cell.waitFor();
      assert.match(await cell.innerText(), /55 \/ 60/);
      await cell.click();
      await page.locator('[data-test=hw-grade-item]', { hasText: '单元练习' }).waitFor();
    });
  });
});

// HW-10 and HW-8 across two days of the test clock: the family stops at bedtime on the evening
// of the day before; the next morning the teacher's page shows the report and the prompt to
// adjust, and the teacher marks the item pupil by pupil (the item is marked once every pupil is).
describe('homework, the next morning', () => {
  const yesterday = addDays(TODAY, -1); // a Tuesday
  let browser, server, first;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await first?.stop();
  });

  test('a bedtime report reaches the teacher the next morning; marking per pupil', async (t) => {
    first = await startServer({ today: yesterday });
    const A0 = await first.adminToken();
    await first.must(201, 'POST', '/api/v1/calendar/terms', { term: TERM, first_day: T_FIRST, last_day: T_LAST }, A0);
    const sch = await createSchool(first, { name: '二实小', kind: 'primary' });
    const cls = await createClass(first, sch.id, { grade: 4, name: '1班' });
    const maths = await createUser(first, { name: '孙老师', roles: [{ role: 'teacher', school_id: sch.id }] });
    await first.must(201, 'POST', `/api/v1/classes/${cls.id}/teachers`, { user_id: maths.id, subject: '数学' }, A0);
    const kid = await createStudent(first, cls.id, { name: '周小雨' });
    const kid2 = await createStudent(first, cls.id, { name: '吴小川' });
    const mum = await createUser(first, { name: '周妈妈', roles: [{ role: 'guardian' }] });
    await linkGuardian(first, kid.id, mum.id);
    const item = await first.must(201, 'POST', '/api/v1/homework', { class_id: cls.id, date: yesterday, subject: '数学', title: '应用题', kind: 'written', minutes: 30 },
      await first.login(maths.username, maths.password));
    await first.must(201, 'POST', `/api/v1/homework/${item.id}/feedback`, { student_id: kid.id, minutes_spent: 45, completed: false, bedtime: true },
      await first.login(mum.username, mum.password));
    await first.stop({ keep: true });

    server = await startServer({ dir: first.dir }); // the next morning, the same database
    await withPage(browser, t.name, DESKTOP, async (page) => {
      await loginThroughForm(page, server.url, maths.username, maths.password);
      await page.locator('[data-test="menu-homework/teacher"]').click();
      await page.waitForURL('**/homework/teacher');
      const bed = page.locator('[data-test=hw-bedtime]');
      await bed.waitFor();
      assert.match(await bed.innerText(), /1 名学生到就寝时间仍未完成/);
      assert.match(await bed.innerText(), /请据此调整今天的作业量/);
      assert.match(await page.locator('[data-test=hw-bedtime-row]').innerText(), /应用题.*周小雨 用了 45 分钟/);

      // marking: one pupil, then the other
      await page.locator('[data-test=hw-mine] tr', { hasText: '应用题' }).locator('[data-test=hw-mark]').click();
      const dialog = page.locator('[data-test=hw-marking]');
      await dialog.locator('[data-test=hw-mark-pupil]', { hasText: '周小雨' }).click();
      await dialog.locator('[data-test=hw-mark-face]').click();
      await dialog.locator('[data-test=hw-mark-save]').click();
      await page.waitForFunction(() => document.querySelector('[data-test=hw-mark-progress]')?.textContent?.includes('已批改 1 / 2'));
      await dialog.locator('[data-test=hw-mark-pupil]', { hasText: '吴小川' }).click();
      await dialog.locator('[data-test=hw-mark-save]').click();
      await page.locator('[data-test=hw-mine] tr', { hasText: '应用题' }).getByText('已批改').waitFor();
    });
    const marks = await server.must(200, 'POST', `/api/v1/homework/${item.id}/marks`, { student_ids: [kid2.id] }, await server.login(maths.username, maths.password));
    assert.deepEqual([marks.marked_pupils, marks.pupils, marks.complete], [2, 2, true]);
  });
});
