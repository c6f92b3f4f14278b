// The after-school journeys in a real browser against the real server (JOURNEYS.md 2.3 and 5.3):
// a guardian on a phone-sized window enrols a child and sees the term's bill with every line
// explained; when the course is full the next family is put on the wait list with its number;
// the school office sets up a program and is told at once, and by the server, when it ends
// before the off-work time; the district admin records a top-up of a rural school's gap
// (AS-10) and is refused a fen past it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createClass, createSchool, createStudent, createUser, field, launchBrowser, linkGuardian,
  loginThroughForm, startServer, withPage, ADMIN, TODAY,
} from './lib.mjs';

const today = TODAY; // the server's, on the test clock (the browser keeps the machine's)
const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7));
const autumn = m >= 8 || m === 1;
const ty = m === 1 ? y - 1 : y;
const TERM = autumn ? `${ty}-autumn` : `${ty}-spring`;
const T_FIRST = autumn ? `${ty}-08-01` : `${ty}-02-01`;
const T_LAST = autumn ? `${ty + 1}-01-31` : `${ty}-07-31`;
const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

describe('after-school service', () => {
  let server, browser, A, school, cls;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    A = await server.adminToken();
    // the term holding today covers its whole half of the year
    await server.must(201, 'POST', '/api/v1/calendar/terms', { term: TERM, first_day: T_FIRST, last_day: T_LAST }, A);
    school = await createSchool(server, { name: '阳光小学', kind: 'primary' });
    cls = await createClass(server, school.id, { grade: 3, name: '2班' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function program(body) {
    return server.must(201, 'POST', '/api/v1/afterschool/programs', {
      school_id: school.id, term: TERM, provider: 'school', weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '18:00',
      first_day: today, last_day: T_LAST, ...body,
    }, A);
  }

  test('a guardian on a phone enrols a child and sees the bill, every line explained', async (t) => {
    const care = await program({ name: '课后托管', kind: 'care', capacity: 30, fee_per_hour_fen: 200 });
    await program({ name: '足球', kind: 'course', weekdays: [2, 4], start: '16:30', capacity: 1, fee_per_hour_fen: 300 });
    const kid = await createStudent(server, cls.id, { name: '李小雨' });
    const mum = await createUser(server, { name: '李妈妈', roles: [{ role: 'guardian' }] });
    await linkGuardian(server, kid.id, mum.id);
    // another family took the only football place already
    const other = await createStudent(server, cls.id, { name: '王小明' });
    const dad = await createUser(server, { name: '王爸爸', roles: [{ role: 'guardian' }] });
    await linkGuardian(server, other.id, dad.id);
    const football = (await server.must(200, 'GET', `/api/v1/afterschool/programs?school_id=${school.id}&term=${TERM}`, undefined, A)).items.find((p) => p.name === '足球');
    await server.must(201, 'POST', '/api/v1/afterschool/enrolments', { program_id: football.id, student_id: other.id }, await server.login(dad.username, dad.password));

    await withPage(browser, t.name, PHONE, async (page) => {
      await loginThroughForm(page, server.url, mum.username, mum.password);
      await page.locator('[data-test=menu-toggle]').click();
      await page.locator('[data-test="menu-afterschool/family"]').click();
      await page.waitForURL('**/afterschool/family');
      const card = page.locator('[data-test=as-program]', { hasText: '课后托管' });
      await card.waitFor();
      assert.match(await card.innerText(), /2\.00 元\/小时/);
      assert.match(await card.innerText(), /周一 周二 周三 周四 周五 15:30-18:00/);
      // the button is big enough for a thumb and fits the screen
      const box = await card.locator('[data-test=as-enrol]').boundingBox();
      assert.ok(box.height >= 40 && box.x + box.width <= 375, JSON.stringify(box));
      await card.locator('[data-test=as-enrol]').click();
      const mine = page.locator('[data-test=as-my-enrolment]', { hasText: '课后托管' });
      await mine.waitFor();
      assert.match(await mine.locator('[data-test=as-my-status]').innerText(), /已报名/);

      // the full course puts the child on the wait list, with the number
      const fb = page.locator('[data-test=as-program]', { hasText: '足球' });
      assert.match(await fb.innerText(), /剩余 0 \/ 1 个名额/);
      await fb.locator('[data-test=as-enrol]').click();
      const waiting = page.locator('[data-test=as-my-enrolment]', { hasText: '足球' });
      await waiting.waitFor();
      assert.match(await waiting.innerText(), /候补第 1 位/);

      // the bill: what the server computes, with each line saying how
      const bill = await server.must(200, 'GET', `/api/v1/afterschool/bills?student_id=${kid.id}&term=${TERM}`, undefined, A);
      const total = page.locator('[data-test=as-bill-total]');
      await page.waitForFunction((want) => document.querySelector('[data-test=as-bill-total]')?.textContent?.includes(want),
        `${Math.floor(bill.total_fen / 100)}.${String(bill.total_fen % 100).padStart(2, '0')} 元`);
      assert.ok(bill.total_fen > 0 || bill.items[0].sessions === 0);
      const lines = page.locator('[data-test=as-bill-line]');
      assert.equal(await lines.count(), bill.items.length);
      const explain = await lines.first().locator('[data-test=as-bill-explain]').innerText();
      assert.equal(explain, bill.items[0].explain);
      assert.match(explain, /次 × 150 分钟/);
      assert.match(explain, /2\.00 元\/小时/);
      await total.scrollIntoViewIfNeeded();
      // nothing wider than the phone
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `page is ${width}px wide`);
    });
    // and the server has the seat
    const list = await server.must(200, 'GET', `/api/v1/afterschool/programs/${care.id}/enrolments`, undefined, A);
    assert.deepEqual(list.items.map((x) => [x.student_id, x.status]), [[kid.id, 'enrolled']]);
  });

  test('the school office sets up a program and is told at once when it ends before the off-work time', async (t) => {
    const admin = await createUser(server, { name: '赵教务', roles: [{ role: 'school_admin', school_id: school.id }] });
    await withPage(browser, t.name, { viewport: { width: 1280, height: 900 } }, async (page) => {
      await loginThroughForm(page, server.url, admin.username, admin.password);
      await page.locator('[data-test="menu-afterschool/school"]').click();
      await page.waitForURL('**/afterschool/school');
      await page.locator('[data-test=as-program-create]').click();
      const dialog = page.locator('[data-test=as-program-dialog]');
      await field(dialog, 'as-p-name').fill('科学探究');
      await field(dialog, 'as-p-end').fill('17:00');
      const warn = dialog.locator('[data-test=as-p-early]');
      await warn.waitFor();
      assert.match(await warn.innerText(), /AS-2/);
      await dialog.locator('[data-test=as-p-save]').click();
      const err = dialog.locator('[data-test=as-p-error]');
      await err.waitFor();
      assert.match(await err.innerText(), /早于当地(夏|冬)季下班时间/);
      await field(dialog, 'as-p-end').fill('18:00');
      await warn.waitFor({ state: 'detached' });
      await dialog.locator('[data-test=as-p-save]').click();
      await dialog.waitFor({ state: 'hidden' });
      await page.locator('[data-test=as-programs-table] .el-table__row', { hasText: '科学探究' }).waitFor();
    });
  });

  test('the district admin sees a rural school\'s gap and records a top-up, never past the gap (AS-10)', async (t) => {
    const rural = await createSchool(server, { name: '山村小学', kind: 'primary', rural: true });
    const teacher = await createUser(server, { name: '钱老师', roles: [{ role: 'teacher', school_id: rural.id }] });
    const care = await server.must(201, 'POST', '/api/v1/afterschool/programs', {
      school_id: rural.id, term: TERM, name: '山村托管', kind: 'care', provider: 'school', capacity: 30, weekdays: [1, 2, 3, 4, 5],
      start: '15:30', end: '18:00', fee_per_hour_fen: 200, first_day: `${y}-12-01`, last_day: T_LAST, staff_a: teacher.id,
    }, A);
    // one class-hour of duty on Monday: 50.00 元 of subsidy, nothing collected
    await server.must(201, 'POST', '/api/v1/staff/duties', { user_id: teacher.id, program_id: care.id, date: `${y}-12-07`, minutes: 45 }, A);
    await withPage(browser, t.name, { viewport: { width: 1400, height: 900 } }, async (page) => {
      await loginThroughForm(page, server.url, ADMIN.username, ADMIN.password);
      await page.goto(`${server.url}/afterschool/district`);
      const row = page.locator('[data-test=as-report-table] tr', { hasText: '山村小学' });
      await row.locator('[data-test=as-topup]').click();
      const dialog = page.locator('[data-test=as-topup-dialog]');
      assert.match(await dialog.innerText(), /缺口 50\.00 元,尚余 50\.00 元/);
      await field(dialog, 'as-topup-amount').fill('50.01');
      await dialog.locator('[data-test=as-topup-save]').click();
      assert.match(await dialog.locator('[data-test=as-topup-error]').innerText(), /最多还可补 50\.00 元\(AS-10\)/);
      await field(dialog, 'as-topup-amount').fill('50');
      await dialog.locator('[data-test=as-topup-save]').click();
      await page.waitForFunction(() => [...document.querySelectorAll('[data-test=as-report-table] tr')]
        .some((tr) => tr.textContent.includes('山村小学') && tr.querySelector('[data-test=as-topup-sum]')?.textContent.includes('50.00')));
      assert.equal(await row.locator('[data-test=as-topup]').count(), 0, 'nothing left to top up');
    });
  });
});
