// Issue 13's rough edges in a browser, where a person notices them: destructive actions ask
// first (cancel does nothing; removing a waiver or taking an institution off its list can be
// undone), the sign-up dialog's defaults pass FU-2 and a refusal says that open contracts count
// and what the latest end date is (the rule ID in the dialog), the guardian's home links what
// exists, zh-CN words instead of codes (refund reasons, EX-4's bands, the audit log, exam terms),
// a grade leader lands on the grade's matrix and the roll says the class with its grade.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createClass, createSchool, createStudent, createUser, field, launchBrowser, linkGuardian,
  loginThroughForm, startServer, withPage, ADMIN, TODAY,
} from './lib.mjs';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESK = { viewport: { width: 1440, height: 900 } };
const today = TODAY; // the server's, on the test clock
const y = Number(today.slice(0, 4)), m = Number(today.slice(5, 7));
const autumn = m >= 8 || m === 1;
const ty = m === 1 ? y - 1 : y;
const TERM = autumn ? `${ty}-autumn` : `${ty}-spring`;
const T_FIRST = autumn ? `${ty}-08-01` : `${ty}-02-01`;
const T_LAST = autumn ? `${ty + 1}-01-31` : `${ty}-07-31`;
const TERM_WORDS = `${ty} 年${autumn ? '秋季' : '春季'}学期`;

// The message box on screen, and its two buttons.
const box = (page, text) => page.locator('.el-message-box', { hasText: text });
const confirmIn = (b) => b.locator('.el-message-box__btns .el-button--primary');
const cancelIn = (b) => b.locator('.el-message-box__btns .el-button').first();

describe('the first hour (issue 13)', () => {
  let server, browser, A;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    A = await server.adminToken();
    await server.must(201, 'POST', '/api/v1/calendar/terms', { term: TERM, first_day: T_FIRST, last_day: T_LAST }, A);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // A white-listed non-subject institution (lessons on any day), its admin, one Saturday course.
  async function institution(name) {
    const inst = await server.must(201, 'POST', '/api/v1/institutions', {
      name, category: 'non_subject', license_no: '1101058' + String(Date.now() % 1000000).padStart(6, '0'),
      address: '城关镇文化路 9 号', online: false,
    }, A);
    await server.must(200, 'POST', `/api/v1/institutions/${inst.id}/list`, { list: 'white' }, A);
    const boss = await createUser(server, { name: '机构管理员', roles: [{ role: 'institution_admin', institution_id: inst.id }] });
    const course = await server.must(201, 'POST', `/api/v1/institutions/${inst.id}/courses`, {
      name: '少儿书法', subject: '书法', online: false, lesson_minutes: 60, price_per_lesson_fen: 5000,
      schedule: [{ weekday: 6, start: '09:00', end: '10:00' }],
    }, await server.login(boss.username, boss.password));
    await server.must(200, 'POST', `/api/v1/courses/${course.id}/review`, { state: 'approved' }, A); // TR-5: sold once approved
    return { inst, boss, course };
  }

  test('a guardian: home links what exists; sign-up defaults pass FU-2, a refusal explains and offers the latest end date', async (t) => {
    const school = await createSchool(server);
    const cls = await createClass(server, school.id);
    const kid = await createStudent(server, cls.id, { name: '周小童' });
    const mum = await createUser(server, { name: '周妈妈', roles: [{ role: 'guardian' }] });
    await linkGuardian(server, kid.id, mum.id);
    const { course } = await institution('墨香书法培训中心');
    // an open contract with the institution, started a month before the test's today
    const start = `${ty}-${String(m).padStart(2, '0')}-01`;
    const tok = await server.login(mum.username, mum.password);
    await server.must(201, 'POST', '/api/v1/contracts', { course_id: course.id, student_id: kid.id, lessons: 10, start_date: start, end_date: start }, tok);
    // FU-2 counts from the earliest start: three months on, less a day
    const d = new Date(Date.UTC(Number(start.slice(0, 4)), Number(start.slice(5, 7)) - 1 + 3, 1));
    d.setUTCDate(0);
    const latest = d.toISOString().slice(0, 10);

    await withPage(browser, t.name, PHONE, async (page) => {
      await loginThroughForm(page, server.url, mum.username, mum.password);
      await page.waitForURL('**/family');
      const links = page.locator('[data-test=family-links]');
      await links.waitFor();
      assert.doesNotMatch(await page.locator('[data-test=family-page]').innerText(), /即将上线/);
      for (const [k, words] of [['homework', '作业与考试'], ['afterschool', '课后服务'], ['training', '校外培训'], ['notices', '通知']])
        assert.match(await links.locator(`[data-test=family-link-${k}]`).innerText(), new RegExp(words));
      await links.locator('[data-test=family-link-training]').click();
      await page.waitForURL('**/training');

      await field(page, 'inst-search').fill('墨香');
      await page.locator('[data-test=inst-search-go]').click();
      const card = page.locator('[data-test=inst-card]', { hasText: '墨香书法培训中心' });
      await card.locator('[data-test=inst-open]').click();
      await card.locator('[data-test=course-row]', { hasText: '少儿书法' }).locator('[data-test=course-sign]').click();
      const dialog = page.locator('[data-test=sign-dialog]');
      await dialog.waitFor();
      // the open contract is listed as counted, and the default end date is the latest allowed
      await dialog.locator('[data-test=sign-counted]').filter({ hasText: '1 份未结合同' }).waitFor();
      assert.match(await dialog.locator('[data-test=sign-latest]').innerText(), new RegExp(latest));
      assert.equal(await field(dialog, 'sign-end').inputValue(), latest);

      // one day later is refused: the dialog names the rule, says open contracts count, offers the date
      const later = new Date(Date.parse(latest + 'T00:00:00Z') + 86400e3).toISOString().slice(0, 10);
      await field(dialog, 'sign-end').fill(later);
      await field(dialog, 'sign-end').press('Enter');
      await dialog.locator('.el-dialog__title').click();
      assert.equal(await field(dialog, 'sign-end').inputValue(), later);
      await dialog.locator('[data-test=sign-ok]').click();
      const err = dialog.locator('[data-test=sign-error]');
      await err.waitFor();
      assert.match(await err.innerText(), /FU-2/);
      assert.match(await err.innerText(), new RegExp(`未结束的合同也计入.*${latest}`));
      await dialog.locator('[data-test=sign-fu2-fix]').click();
      assert.equal(await field(dialog, 'sign-end').inputValue(), latest);
      await dialog.locator('[data-test=sign-ok]').click();
      await page.waitForURL('**/contracts/*');
    });
  });

  test('the institution records a lesson only after confirming; off the schedule it gives a reason', async (t) => {
    const school = await createSchool(server);
    const cls = await createClass(server, school.id);
    const kid = await createStudent(server, cls.id, { name: '吴小宇' });
    const dad = await createUser(server, { name: '吴爸爸', roles: [{ role: 'guardian' }] });
    await linkGuardian(server, kid.id, dad.id);
    const { boss, course } = await institution('翰墨书法学校');
    const tok = await server.login(dad.username, dad.password);
    const c = await server.must(201, 'POST', '/api/v1/contracts', { course_id: course.id, student_id: kid.id, lessons: 4, start_date: today, end_date: today }, tok);
    await server.must(201, 'POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 20000 }, tok);
    const lessons = async () => (await server.must(200, 'GET', `/api/v1/contracts/${c.id}/lessons`, undefined, A)).items;
    // the Saturday before today: a day the course meets
    const sat = new Date(Date.parse(today + 'T00:00:00Z'));
    sat.setUTCDate(sat.getUTCDate() - ((sat.getUTCDay() + 1) % 7));
    const saturday = sat.toISOString().slice(0, 10);

    await withPage(browser, t.name, DESK, async (page) => {
      await loginThroughForm(page, server.url, boss.username, boss.password);
      await page.goto(`${server.url}/contracts/${c.id}`);
      await page.locator('[data-test=lesson-record]').waitFor();
      // on a scheduled day: a plain confirmation; cancel records nothing
      await field(page, 'lesson-date').fill(saturday);
      await field(page, 'lesson-date').press('Enter');
      await page.locator('h2').first().click();
      assert.equal(await page.locator('[data-test=lesson-off-schedule]').count(), 0);
      await page.locator('[data-test=lesson-record]').click();
      let b = box(page, '不能撤销');
      await b.waitFor();
      assert.match(await b.innerText(), /50\.00 元/);
      await cancelIn(b).click();
      await b.waitFor({ state: 'hidden' });
      assert.equal((await lessons()).length, 0);
      await page.locator('[data-test=lesson-record]').click();
      await confirmIn(box(page, '不能撤销')).click();
      await page.locator('[data-test=contract-lessons]').filter({ hasText: '1 / 4' }).waitFor();

      // today is no Saturday: the page says so, and the reason is asked for and kept
      await field(page, 'lesson-date').fill(today);
      await field(page, 'lesson-date').press('Enter');
      await page.locator('h2').first().click();
      await page.locator('[data-test=lesson-off-schedule]').waitFor();
      await page.locator('[data-test=lesson-record]').click();
      b = box(page, '不是该课程的上课日');
      await b.waitFor();
      await confirmIn(b).click(); // no reason: refused on the spot
      await b.locator('.el-message-box__errormsg').filter({ hasText: '请填写原因' }).waitFor();
      await b.locator('input').fill('周六下雪停课,改到今天补上');
      await confirmIn(b).click();
      await page.locator('[data-test=contract-lessons]').filter({ hasText: '2 / 4' }).waitFor();
      await page.locator('[data-test=lesson-reason]').filter({ hasText: '周六下雪停课,改到今天补上' }).waitFor();
    });
    assert.deepEqual((await lessons()).map((l) => [l.date, l.reason]), [[saturday, null], [today, '周六下雪停课,改到今天补上']]);
  });

  test('the school office: closing a program, the allocation and removing a waiver ask first; a waiver comes back with 撤销', async (t) => {
    const school = await createSchool(server, { name: '晨光小学' });
    const cls = await createClass(server, school.id, { grade: 4, name: '1班' });
    const kid = await createStudent(server, cls.id, { name: '郑小雅' });
    const office = await createUser(server, { name: '教务处', roles: [{ role: 'school_admin', school_id: school.id }] });
    const p = await server.must(201, 'POST', '/api/v1/afterschool/programs', {
      school_id: school.id, term: TERM, provider: 'school', weekdays: [1, 2, 3, 4, 5], start: '15:30', end: '18:00',
      first_day: today, last_day: T_LAST, name: '课后托管', kind: 'care', capacity: 30, fee_per_hour_fen: 200,
    }, A);
    const otok = await server.login(office.username, office.password);
    await server.must(201, 'POST', '/api/v1/afterschool/waivers', { student_id: kid.id, reason: '低保家庭' }, otok);
    const status = async () => (await server.must(200, 'GET', `/api/v1/afterschool/programs?school_id=${school.id}&term=${TERM}`, undefined, A)).items.find((x) => x.id === p.id).status;
    const waivers = async () => (await server.must(200, 'GET', `/api/v1/afterschool/waivers?school_id=${school.id}`, undefined, otok)).items;

    await withPage(browser, t.name, DESK, async (page) => {
      await loginThroughForm(page, server.url, office.username, office.password);
      await page.goto(`${server.url}/afterschool/school`);
      const row = page.locator('.el-table__row', { hasText: '课后托管' });
      await row.waitFor();
      // close: says it cannot be reopened; cancel leaves it open
      await row.locator('[data-test=as-program-close]').click();
      let b = box(page, '不能重新开放');
      await b.waitFor();
      await cancelIn(b).click();
      await b.waitFor({ state: 'hidden' });
      assert.equal(await status(), 'open');
      // the allocation: says it cannot be undone as a whole; cancel runs nothing
      await page.locator('[data-test=as-allocate]').click();
      b = box(page, '不能整体撤销');
      await b.waitFor();
      await cancelIn(b).click();
      await b.waitFor({ state: 'hidden' });
      assert.equal(await page.locator('.el-message--success').count(), 0);
      // closing for real
      await row.locator('[data-test=as-program-close]').click();
      await confirmIn(box(page, '不能重新开放')).click();
      await row.filter({ hasText: '已关闭' }).waitFor();
      assert.equal(await status(), 'closed');

      // a waiver: the class with its grade; remove asks, cancel keeps it, 撤销 brings it back
      await page.getByRole('tab', { name: '减免' }).click();
      const w = page.locator('.el-table__row', { hasText: '郑小雅' });
      await w.waitFor();
      assert.match(await w.innerText(), /四年级1班/);
      await w.locator('[data-test=as-waiver-remove]').click();
      b = box(page, '不再减免');
      await b.waitFor();
      await cancelIn(b).click();
      await b.waitFor({ state: 'hidden' });
      assert.equal((await waivers()).length, 1);
      await w.locator('[data-test=as-waiver-remove]').click();
      await confirmIn(box(page, '不再减免')).click();
      await w.waitFor({ state: 'detached' });
      assert.equal((await waivers()).length, 0);
      await page.locator('.sj-undo [data-test=undo]').click();
      await page.locator('.el-table__row', { hasText: '郑小雅' }).waitFor();
      assert.deepEqual((await waivers()).map((x) => x.reason), ['低保家庭']);
    });
  });

  test('the district: refund reasons in words, paid-out and taking off the list ask first; zh-CN policy bands and audit words', async (t) => {
    const school = await createSchool(server);
    const cls = await createClass(server, school.id);
    const kid = await createStudent(server, cls.id, { name: '冯小乐' });
    const g = await createUser(server, { name: '冯妈妈', roles: [{ role: 'guardian' }] });
    await linkGuardian(server, kid.id, g.id);
    const { inst, course } = await institution('雅韵书法工作室');
    const tok = await server.login(g.username, g.password);
    const c = await server.must(201, 'POST', '/api/v1/contracts', { course_id: course.id, student_id: kid.id, lessons: 2, start_date: today, end_date: today }, tok);
    await server.must(201, 'POST', `/api/v1/contracts/${c.id}/payments`, { amount_fen: 10000 }, tok);
    await server.must(200, 'POST', `/api/v1/contracts/${c.id}/refund`, undefined, tok);
    const refund = async () => (await server.must(200, 'GET', `/api/v1/refunds?institution_id=${inst.id}`, undefined, A)).items[0];
    const listOf = async () => (await server.must(200, 'GET', `/api/v1/institutions/${inst.id}`, undefined, A)).list;
    const leader = await createUser(server, { name: '四年级组长', roles: [{ role: 'grade_leader', school_id: school.id, grade: 4 }] });

    await withPage(browser, t.name, DESK, async (page) => {
      await loginThroughForm(page, server.url, ADMIN.username, ADMIN.password);
      await page.goto(`${server.url}/funds`);
      const row = page.locator('.el-table__row', { hasText: '雅韵书法工作室' }).filter({ has: page.locator('[data-test=refund-reason]') });
      await row.waitFor();
      assert.equal((await row.locator('[data-test=refund-reason]').innerText()).trim(), '家长申请退费');
      await row.locator('[data-test=refund-paid-out]').click();
      let b = box(page, '不能撤销');
      await b.waitFor();
      assert.match(await b.innerText(), /100\.00 元/);
      await cancelIn(b).click();
      await b.waitFor({ state: 'hidden' });
      assert.equal((await refund()).paid_out_at, null);
      await row.locator('[data-test=refund-paid-out]').click();
      await confirmIn(box(page, '不能撤销')).click();
      await row.locator('[data-test=refund-paid-out]').waitFor({ state: 'detached' });
      assert.match(await row.innerText(), /已退回/);
      assert.ok((await refund()).paid_out_at);

      // off the white list: asks; cancel keeps it; 撤销 puts it back
      await page.goto(`${server.url}/institutions/${inst.id}`);
      await page.locator('[data-test=list-none]').click();
      b = box(page, '移出白名单');
      await b.waitFor();
      await cancelIn(b).click();
      await b.waitFor({ state: 'hidden' });
      assert.equal(await listOf(), 'white');
      await page.locator('[data-test=list-none]').click();
      await confirmIn(box(page, '移出白名单')).click();
      await page.locator('.sj-undo [data-test=undo]').waitFor();
      assert.equal(await listOf(), 'none');
      await page.locator('.sj-undo [data-test=undo]').click();
      await page.locator('[data-test=list-none]').waitFor();
      assert.equal(await listOf(), 'white');

      // EX-4's bands as a table, not JSON
      await page.goto(`${server.url}/policy`);
      const bands = page.locator('[data-test=policy-table-EX-4-bands]');
      await bands.waitFor();
      assert.match(await bands.innerText(), /等级/);
      assert.doesNotMatch(await page.locator('[data-test=policy-value-EX-4-bands]').innerText(), /[{}"]/);

      // the audit log says what happened
      await page.goto(`${server.url}/audit`);
      const actions = page.locator('[data-test=audit-action]');
      await actions.first().waitFor();
      const all = (await actions.allInnerTexts()).join(' ');
      assert.match(all, /调整黑白名单/);
      assert.match(all, /标记退费已退回/);
      assert.doesNotMatch(all, /POST \/api/);
    });

    // a grade leader lands on the grade's matrix; an exam's term is picked and said in words
    await withPage(browser, `${t.name} (grade leader)`, DESK, async (page) => {
      await loginThroughForm(page, server.url, leader.username, leader.password);
      await page.waitForURL('**/homework/grade');
      await page.locator('[data-test=hw-matrix-row]').first().waitFor();
      await page.goto(`${server.url}/exams`);
      const term = page.locator('[data-test=exam-term]');
      await term.waitFor();
      assert.match(await term.innerText(), new RegExp(TERM_WORDS));
      await page.locator('[data-test=exam-new]').click();
      await page.locator('[data-test=exam-save]').click();
      const name = page.locator('[data-test=exam-list] .el-table__row').first();
      await name.waitFor();
      assert.match(await name.innerText(), new RegExp(`${TERM_WORDS}期末`));
      assert.doesNotMatch(await name.innerText(), /autumn|spring/);
    });
  });
});
