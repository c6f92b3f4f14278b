// The district dashboard and the account pages in a real browser against the real server:
// - JOURNEYS.md 1.1-1.2: the district admin lands on the dashboard, sees the homework card
//   (nothing last week, this week the schools worst first), the after-school card with nothing
//   yet and the funds card with a risk warning, then goes from the worst school to its grades,
//   to the class-day over the cap, to the items: three clicks.
// - A school admin reveals a guardian's phone (audited) and sets the guardian's initial
//   password; the guardian logs in with it.
// - A teacher changes their own password: a wrong old one is shown on the field, the right one
//   logs them out to the login page, and the new one works.
// All data is made through the API. A class-day goes over its cap the way the reports say it
// can: the teacher publishes up to the cap, the district tightens HW-2 from today, and the next
// item of that day stores the tighter cap.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createClass, createSchool, createStudent, createUser, field, launchBrowser, linkGuardian,
  loginThroughForm, startServer, withPage, TODAY,
} from './lib.mjs';

const today = TODAY; // the server's, on the test clock (the browser keeps the machine's)
const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7));
const autumn = m >= 8 || m === 1;
const ty = m === 1 ? y - 1 : y;
const TERM = autumn ? `${ty}-autumn` : `${ty}-spring`;
const T_FIRST = autumn ? `${ty}-08-01` : `${ty}-02-01`;
const T_LAST = autumn ? `${ty + 1}-01-31` : `${ty}-07-31`;
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('district dashboard and accounts', () => {
  let server, browser, A, schoolA, schoolB, a1, teacherA;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    A = await server.adminToken();
    await server.must(201, 'POST', '/api/v1/calendar/terms', { term: TERM, first_day: T_FIRST, last_day: T_LAST }, A);
    schoolA = await createSchool(server, { name: '向阳小学', kind: 'primary' });
    schoolB = await createSchool(server, { name: '实验小学', kind: 'primary' });
    a1 = await createClass(server, schoolA.id, { grade: 4, name: '1班' });
    const a2 = await createClass(server, schoolA.id, { grade: 4, name: '2班' });
    const b1 = await createClass(server, schoolB.id, { grade: 4, name: '1班' });

    teacherA = await createUser(server, { name: '张老师', roles: [{ role: 'teacher', school_id: schoolA.id }] });
    const teacherB = await createUser(server, { name: '李老师', roles: [{ role: 'teacher', school_id: schoolB.id }] });
    for (const c of [a1, a2]) await server.must(201, 'POST', `/api/v1/classes/${c.id}/teachers`, { user_id: teacherA.id, subject: '数学' }, A);
    await server.must(201, 'POST', `/api/v1/classes/${b1.id}/teachers`, { user_id: teacherB.id, subject: '数学' }, A);
    const TA = await server.login(teacherA.username, teacherA.password);
    const TB = await server.login(teacherB.username, teacherB.password);
    const publish = (T, cls, title, minutes, kind = 'written') =>
      server.must(201, 'POST', '/api/v1/homework', { class_id: cls.id, date: today, subject: '数学', title, kind, minutes }, T);
    // up to the cap (60 minutes for grade 4), and well within it
    await publish(TA, a1, '口算练习第 12 页', 60);
    await publish(TA, a2, '应用题两道', 30);
    await publish(TB, b1, '计算题', 60);
    // the district tightens HW-2 from today; 4年级1班's next item of the day stores the new cap
    await server.must(201, 'PUT', '/api/v1/policy', { effective_from: today, rules: { 'HW-2': { written_minutes_per_day: 50 } } }, A);
    for (let i = 0; i < 40; i++) {
      const p = await server.must(200, 'GET', '/api/v1/policy', undefined, A);
      if (p.rules['HW-2'].written_minutes_per_day === 50) break;
      await sleep(100);
    }
    await publish(TA, a1, '朗读课文', 10, 'oral');
    // an institution whose licence number is not of the standard form: a TR-7 risk warning
    await server.must(201, 'POST', '/api/v1/institutions', {
      name: '启航培训中心', category: 'non_subject', license_no: 'X-2026-17', address: '城关镇文化路 8 号', online: false,
    }, A);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the district admin sees the dashboard and goes from the worst school to the items in three clicks', async (t) => {
    // the server's figures the page shows
    const rep = await server.must(200, 'GET', `/api/v1/reports/homework?from=${today}&to=${today}`, undefined, A);
    const byId = Object.fromEntries(rep.items.map((s) => [s.school_id, s]));
    assert.equal(byId[schoolA.id].share_within, 0.5);
    assert.equal(byId[schoolB.id].share_within, 1);

    await withPage(browser, t.name, DESKTOP, async (page) => {
      await loginThroughForm(page, server.url, 'admin', 'admin-e2e-2026');
      await page.waitForURL('**/dashboard');
      // last week (the default) had no homework: the card says so
      const hw = page.locator('[data-test=dash-homework]');
      await hw.locator('[data-test=dash-homework-empty]').waitFor();
      assert.match(await hw.innerText(), /本时段还没有布置作业的记录/);
      // no school runs after-school service yet
      const as = page.locator('[data-test=dash-afterschool]');
      await as.locator('[data-test=dash-afterschool-empty]').waitFor();
      assert.match(await as.innerText(), /本学期还没有学校开展课后服务/);
      // one institution under supervision, with its warning
      const funds = page.locator('[data-test=dash-funds]');
      await funds.locator('[data-test=dash-funds-warning]').first().waitFor();
      assert.equal(await funds.locator('[data-test=dash-funds-warnings]').innerText(), '1');
      assert.match(await funds.locator('[data-test=dash-funds-warning]').first().innerText(), /启航培训中心[\s\S]*许可证编号格式不符/);
      assert.match(await funds.locator('[data-test=dash-funds-escrow]').innerText(), /^0\.00$/);

      // this week: the schools, worst first
      await page.locator('[data-test=dash-period-this]').click();
      const worst = hw.locator('[data-test=dash-worst-school]');
      await worst.waitFor();
      assert.match(await worst.innerText(), /向阳小学.*50%.*超上限 1 个班级日/);
      assert.equal(await hw.locator('[data-test=dash-hw-share]').innerText(), '66.7%');
      // the schools to look at: only 向阳小学 has a class over the cap
      const rows = hw.locator('[data-test=dash-hw-school]');
      assert.equal(await rows.count(), 1);
      assert.match(await rows.nth(0).innerText(), /向阳小学\s*50%\s*1 \/ 2 个班未超上限/);
      await hw.locator('[data-test=chart] canvas').first().waitFor();

      // click 1: the worst school → its homework report, by grade
      await worst.click();
      await page.waitForURL((u) => u.pathname === '/homework/reports' && u.searchParams.get('school_id') === String(schoolA.id));
      const grade4 = page.locator('[data-test=hw-by-grade] .el-table__row', { hasText: '四年级' });
      await grade4.waitFor();
      assert.match(await page.locator('h2').innerText(), /向阳小学/);
      // click 2: the grade → its week, the class-day over the cap in red
      await grade4.click();
      await page.waitForURL((u) => u.pathname === '/homework/grade' && u.searchParams.get('grade') === '4');
      const over = page.locator('[data-test=hw-matrix-row]', { hasText: '1班' }).locator('td.cell-over');
      await over.waitFor();
      assert.match(await over.innerText(), /60 \/ 50/);
      // click 3: the class-day → the items that made it
      await over.click();
      await page.locator('[data-test=hw-grade-item]', { hasText: '口算练习第 12 页' }).waitFor();
      await page.locator('[data-test=hw-grade-item]', { hasText: '朗读课文' }).waitFor();

      // back to the district's report keeps the dates
      await page.goBack();
      await page.waitForURL('**/homework/reports?**');
      await page.locator('[data-test=hw-back-district]').click();
      await page.waitForURL((u) => u.pathname === '/homework/reports' && !u.searchParams.has('school_id'));
      await page.locator('[data-test=hw-report-table] .el-table__row', { hasText: '实验小学' }).waitFor();
    });
  });

  test('a school admin sees a guardian\'s full phone (audited) and sets the initial password the guardian logs in with', async (t) => {
    const admin = await createUser(server, { name: '教务王老师', roles: [{ role: 'school_admin', school_id: schoolA.id }] });
    const kid = await createStudent(server, a1.id, { name: '刘小雨' });
    const mum = await createUser(server, { name: '刘妈妈', roles: [{ role: 'guardian' }], phone: '13912345678' });
    await linkGuardian(server, kid.id, mum.id);
    let password = '';

    await withPage(browser, t.name, DESKTOP, async (page) => {
      await loginThroughForm(page, server.url, admin.username, admin.password);
      await page.goto(`${server.url}/students/${kid.id}`);
      const row = page.locator('[data-test=guardians-table] .el-table__row', { hasText: '刘妈妈' });
      await row.waitFor();
      assert.match(await row.locator('[data-test=phone-masked]').innerText(), /139\*{4}5678/);

      // 查看完整号码: a confirmation that the view is audited, then the number
      await row.locator('[data-test=phone-reveal]').click();
      const box = page.locator('.el-message-box');
      await box.waitFor();
      assert.match(await box.innerText(), /审计日志/);
      await box.locator('.el-message-box__btns .el-button--primary').click();
      await row.locator('[data-test=phone-full]').waitFor();
      assert.equal(await row.locator('[data-test=phone-full]').innerText(), '13912345678');

      // 设置初始密码: a suggestion, a confirmation, the password to hand over
      await row.locator('[data-test=guardian-set-password]').click();
      const dlg = page.locator('.el-dialog[data-test=setpw-dialog]');
      await dlg.waitFor();
      password = await field(dlg, 'setpw-input').inputValue();
      assert.match(password, /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{12}$/);
      await dlg.locator('[data-test=setpw-save]').click();
      const confirm = page.locator('.el-message-box', { hasText: '刘妈妈' });
      await confirm.waitFor();
      assert.match(await confirm.innerText(), /退出/);
      await confirm.locator('.el-message-box__btns .el-button--primary').click();
      await dlg.locator('[data-test=setpw-done]').waitFor();
      assert.equal(await dlg.locator('[data-test=setpw-result]').innerText(), password);
      await dlg.locator('[data-test=setpw-close]').click();
    });

    // the reveal is in the audit log; the guardian's old password no longer works
    const audit = await server.must(200, 'GET', `/api/v1/audit?action=${encodeURIComponent('reveal phone')}`, undefined, A);
    assert.ok(audit.items.some((r) => r.target_id === mum.id && r.user_id === admin.id), JSON.stringify(audit.items));
    assert.equal((await server.api('POST', '/api/v1/session', { username: mum.username, password: mum.password })).status, 401);

    await withPage(browser, `${t.name} (guardian)`, DESKTOP, async (page) => {
      await loginThroughForm(page, server.url, mum.username, password);
      await page.waitForURL('**/family');
    });
  });

  test('a teacher changes their own password from the user menu', async (t) => {
    const next = 'Xinmima-2026';
    await withPage(browser, t.name, DESKTOP, async (page) => {
      await loginThroughForm(page, server.url, teacherA.username, teacherA.password);
      await page.locator('[data-test=user-name]').click();
      await page.locator('[data-test=menu-change-password]').click();
      const dlg = page.locator('.el-dialog[data-test=chpw-dialog]');
      await dlg.waitFor();

      // a wrong old password: said on that field, still logged in
      await field(dlg, 'chpw-old').fill('not-my-password');
      await field(dlg, 'chpw-new').fill(next);
      await field(dlg, 'chpw-confirm').fill(next);
      await dlg.locator('[data-test=chpw-save]').click();
      const err = dlg.locator('.el-form-item__error', { hasText: '原密码不正确' });
      await err.waitFor();
      assert.ok(!new URL(page.url()).pathname.startsWith('/login'));

      // the right one: logged out, the login page says why, the new password works
      await field(dlg, 'chpw-old').fill(teacherA.password);
      await dlg.locator('[data-test=chpw-save]').click();
      await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('changed') === '1');
      assert.match(await page.locator('[data-test=login-changed]').innerText(), /密码已修改/);
      await field(page, 'login-username').fill(teacherA.username);
      await field(page, 'login-password').fill(next);
      await page.locator('[data-test=login-submit]').click();
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    });
    assert.equal((await server.api('POST', '/api/v1/session', { username: teacherA.username, password: teacherA.password })).status, 401);
    await server.login(teacherA.username, next);
  });
});
