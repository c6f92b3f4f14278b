// The cases module in a browser (JOURNEYS.md 1.1, 7; issue 10):
//   - anyone on a 375 px phone files an anonymous tip-off with a photo, no login, and keeps the
//     code and secret; the inspector assigns it to the school from the case page; the school's
//     admin answers publicly; the tipster, back on the phone, reads the answer;
//   - a guardian on a phone files a complaint in 我的投诉, reads the school's answer and asks,
//     after a confirmation, to reopen it;
//   - an inspection with a finding; the school reports; the inspector sends it back; the school
//     reports again; the inspector passes it;
//   - a PN-1 penalty with stop and refund decided on the case page (the fine's bounds shown,
//     a fine outside them refused on the page, a confirmation): the institution is suspended,
//     its families' escrow refunded, and the ledger still verifies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createClass, createSchool, createStudent, createUser, field, launchBrowser, linkGuardian,
  loginThroughForm, startServer, withPage,
} from './lib.mjs';
import { jpeg } from '../api/photos.mjs';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESK = { viewport: { width: 1280, height: 900 } };

// Picks an option of an Element Plus select (its list is a popper at the end of the page).
async function pick(page, selectTest, optionText, typed) {
  const sel = page.locator(`[data-test="${selectTest}"]`).first();
  await sel.click();
  if (typed !== undefined) await sel.locator('input').fill(typed);
  const opt = page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first();
  await opt.waitFor();
  await opt.click();
}
const confirmBox = async (page) => {
  const ok = page.locator('.el-message-box__btns .el-button--primary');
  await ok.waitFor();
  await ok.click();
};
async function noSideScroll(page) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 375, `the page is ${w} px wide on a 375 px phone`);
}

describe('complaints, tip-offs and inspections', () => {
  let server, browser, A, school, schoolAdmin, inspector;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    A = await server.adminToken();
    school = await createSchool(server, { name: '城关第一小学' });
    schoolAdmin = await createUser(server, { name: '王教务', roles: [{ role: 'school_admin', school_id: school.id }] });
    inspector = await createUser(server, { name: '李督查', roles: [{ role: 'inspector' }] });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('an anonymous tip on a phone; the inspector assigns it; the school answers; the tipster reads the answer', async (t) => {
    let code, secret;
    await withPage(browser, `${t.name}-phone`, PHONE, async (page) => {
      await page.goto(`${server.url}/login`);
      await page.locator('[data-test=login-tip]').click();
      await page.waitForURL('**/tip');
      await pick(page, 'tip-category', '其他');
      await field(page, 'tip-text').fill('学校要求家长每天在群里打卡批改作业,孩子压力很大');
      await pick(page, 'tip-school', '城关第一小学', '城关');
      await page.locator('[data-test=photo-input]').setInputFiles({ name: '作业.jpg', mimeType: 'image/jpeg', buffer: jpeg() });
      await page.locator('[data-test=photo-chosen]').waitFor();
      await noSideScroll(page);
      await page.locator('[data-test=tip-submit]').click();
      await page.locator('[data-test=tip-done]').waitFor();
      code = (await page.locator('[data-test=tip-code]').innerText()).trim();
      secret = (await page.locator('[data-test=tip-secret]').innerText()).trim();
      assert.match(code, /^\d{12}$/);
      assert.match(secret, /^[2-9A-Z]{16}$/);
      await noSideScroll(page);
      const copy = await page.locator('[data-test=tip-copy]').boundingBox();
      assert.ok(copy.x + copy.width <= 375);
    });

    // the inspector finds it waiting, with its photo, and gives it to the school
    const cases = await server.must(200, 'GET', '/api/v1/cases?status=open', undefined, await server.login(inspector.username, inspector.password));
    const id = cases.items.find((c) => c.category === 'other').id;
    await withPage(browser, `${t.name}-inspector`, DESK, async (page) => {
      await loginThroughForm(page, server.url, inspector.username, inspector.password);
      await page.locator('[data-test=menu-cases]').click();
      await page.locator('[data-test=cases-table]').getByText(`${id}`, { exact: true }).first().click();
      await page.waitForURL(`**/cases/${id}`);
      await page.locator('[data-test=tipster-anonymous]').waitFor();
      await page.locator('[data-test=photo-thumb] img').waitFor();
      await page.locator('[data-test=case-assign]').click();
      await pick(page, 'assign-school', '城关第一小学');
      await page.locator('[data-test=assign-go]').click();
      await page.locator('[data-test=case-state]', { hasText: '办理中' }).waitFor();
    });

    // the school answers, publicly, and adds an internal note
    await withPage(browser, `${t.name}-school`, DESK, async (page) => {
      await loginThroughForm(page, server.url, schoolAdmin.username, schoolAdmin.password);
      await page.goto(`${server.url}/cases`);
      await page.locator('[data-test=cases-table]').getByText(`${id}`, { exact: true }).first().click();
      await page.waitForURL(`**/cases/${id}`);
      assert.equal(await page.locator('[data-test=tipster-masked], [data-test=tipster-anonymous]').count(), 0, 'the school never sees the tipster');
      await field(page, 'reply-text').fill('内部:已约谈四年级班主任');
      await page.locator('[data-test=reply-internal]').click();
      await page.locator('[data-test=reply-send]').click();
      await page.locator('[data-test=case-reply]').first().waitFor();
      await field(page, 'reply-text').fill('经核查情况属实,已要求各班停止家长批改作业,作业由教师全批全改。');
      await page.locator('[data-test=reply-public]').click();
      await page.locator('[data-test=reply-send]').click();
      await page.locator('[data-test=case-state]', { hasText: '已答复' }).waitFor();
    });

    // the tipster, back on the phone
    await withPage(browser, `${t.name}-tipster`, PHONE, async (page) => {
      await page.goto(`${server.url}/tip/status?code=${code}`);
      await field(page, 'status-secret').fill('WRONGSECRET00000');
      await page.locator('[data-test=status-go]').click();
      await page.locator('[data-test=status-error]').waitFor();
      await field(page, 'status-secret').fill(secret);
      await page.locator('[data-test=status-go]').click();
      await page.locator('[data-test=status-result]').waitFor();
      assert.equal((await page.locator('[data-test=status-state]').innerText()).trim(), '已答复');
      const replies = await page.locator('[data-test=status-reply]').allInnerTexts();
      assert.equal(replies.length, 1);
      assert.match(replies[0], /全批全改/);
      assert.doesNotMatch(replies.join(), /约谈/);
      await noSideScroll(page);
    });
  });

  test('a guardian on a phone: 我的投诉, the school\'s answer, reopened after a confirmation', async (t) => {
    const cls = await createClass(server, school.id);
    const pupil = await createStudent(server, cls.id, { name: '张小雨' });
    const mum = await createUser(server, { name: '张妈妈', roles: [{ role: 'guardian' }] });
    await linkGuardian(server, pupil.id, mum.id);
    await withPage(browser, `${t.name}-file`, PHONE, async (page) => {
      await loginThroughForm(page, server.url, mum.username, mum.password);
      await page.goto(`${server.url}/complaints`);
      await page.locator('[data-test=complaint-new]').click();
      await pick(page, 'complaint-category', '作业负担过重');
      await field(page, 'complaint-text').fill('四年级数学作业每天要写一个半小时');
      await page.locator('[data-test=complaint-save]').click();
      await page.locator('[data-test=complaint-detail]').waitFor();
      await noSideScroll(page);
    });
    const mine = await server.must(200, 'GET', '/api/v1/complaints', undefined, await server.login(mum.username, mum.password));
    const id = mine.items[0].id;
    await server.must(201, 'POST', `/api/v1/cases/${id}/replies`, { text: '已减少数学作业量', public: true }, await server.login(schoolAdmin.username, schoolAdmin.password));
    await withPage(browser, `${t.name}-reopen`, PHONE, async (page) => {
      await loginThroughForm(page, server.url, mum.username, mum.password);
      await page.goto(`${server.url}/complaints`);
      await page.locator('[data-test=complaint-row]').first().click();
      await page.locator('[data-test=complaint-reply]', { hasText: '已减少数学作业量' }).waitFor();
      await page.locator('[data-test=complaint-reopen]').click();
      await page.locator('.el-message-box__input input').fill('还是要写到九点');
      await confirmBox(page);
      await page.locator('[data-test=complaint-detail-state]', { hasText: '办理中' }).waitFor();
      assert.equal(await page.locator('[data-test=complaint-reopen]').count(), 0, 'once only');
      await noSideScroll(page);
    });
  });

  test('an inspection: the school reports, the inspector sends it back, the school reports again, the inspector passes it', async (t) => {
    await withPage(browser, `${t.name}-inspect`, DESK, async (page) => {
      await loginThroughForm(page, server.url, inspector.username, inspector.password);
      await page.goto(`${server.url}/inspections`);
      await page.locator('[data-test=inspection-new]').click();
      await pick(page, 'inspect-school', '城关第一小学');
      await pick(page, 'finding-rule-0', 'HW-2');
      await field(page, 'finding-text-0').fill('四年级二班连续三天书面作业超过60分钟');
      await page.locator('[data-test=inspection-save]').click();
      await page.locator('[data-test=inspection-detail]').waitFor();
    });
    const rid = (await server.must(200, 'GET', '/api/v1/rectifications', undefined, await server.login(schoolAdmin.username, schoolAdmin.password))).items[0].id;
    const report = async (text, name) => withPage(browser, name, DESK, async (page) => {
      await loginThroughForm(page, server.url, schoolAdmin.username, schoolAdmin.password);
      await page.locator('[data-test=menu-rectifications]').click();
      await page.locator('[data-test=rects-table] [data-test=rect-state]').first().click();
      await page.waitForURL(`**/rectifications/${rid}`);
      await field(page, 'rect-report-text').fill(text);
      await page.locator('[data-test=rect-report]').click();
      await page.locator('[data-test=rect-detail-state]', { hasText: '已提交整改' }).waitFor();
    });
    const review = async (pass, text, name) => withPage(browser, name, DESK, async (page) => {
      await loginThroughForm(page, server.url, inspector.username, inspector.password);
      await page.goto(`${server.url}/rectifications/${rid}`);
      await field(page, 'rect-review-text').fill(text);
      await page.locator(pass ? '[data-test=rect-pass]' : '[data-test=rect-return]').click();
      await confirmBox(page);
      await page.locator('[data-test=rect-detail-state]', { hasText: pass ? '已通过复核' : '待整改' }).waitFor();
    });
    await report('已调整各班作业量', `${t.name}-report1`);
    await review(false, '请补充作业公示记录', `${t.name}-back`);
    await report('已补充一周作业公示照片和记录', `${t.name}-report2`);
    await review(true, '整改到位', `${t.name}-pass`);
    const r = await server.must(200, 'GET', `/api/v1/rectifications/${rid}`, undefined, A);
    assert.deepEqual(r.events.map((e) => e.action), ['reported', 'returned', 'reported', 'passed']);
  });

  test('a PN-1 penalty with stop and refund: bounds on the page, a confirmation, the institution suspended, escrow back to the family, verify ok', async (t) => {
    const inst = await server.must(201, 'POST', '/api/v1/institutions', {
      name: '华庭数学辅导点', category: 'non_subject', license_no: '1101057' + String(Date.now() % 1000000).padStart(6, '0'),
      address: '金沙路8号', online: false,
    }, A);
    const boss = await createUser(server, { name: '机构负责人', roles: [{ role: 'institution_admin', institution_id: inst.id }] });
    const course = await server.must(201, 'POST', `/api/v1/institutions/${inst.id}/courses`, {
      name: '思维训练', subject: '美术', online: false, lesson_minutes: 60, price_per_lesson_fen: 8000,
      schedule: [{ weekday: 6, start: '09:00', end: '10:00' }],
    }, await server.login(boss.username, boss.password));
    await server.must(200, 'POST', `/api/v1/courses/${course.id}/review`, { state: 'approved' }, A); // TR-5
    const cls = await createClass(server, school.id, { name: '5班' });
    const pupil = await createStudent(server, cls.id, { name: '赵小川' });
    const dad = await createUser(server, { name: '赵爸爸', roles: [{ role: 'guardian' }] });
    await linkGuardian(server, pupil.id, dad.id);
    const D = await server.login(dad.username, dad.password);
    const ct = await server.must(201, 'POST', '/api/v1/contracts', { course_id: course.id, student_id: pupil.id, lessons: 10, start_date: '2026-09-01', end_date: '2026-11-30' }, D);
    await server.must(201, 'POST', `/api/v1/contracts/${ct.id}/payments`, { amount_fen: 80000 }, D);
    const I = await server.login(inspector.username, inspector.password);
    const k = await server.must(201, 'POST', '/api/v1/cases', { category: 'unlicensed_training', text: '以美术名义开展数学培训', institution_id: inst.id }, I);

    await withPage(browser, t.name, DESK, async (page) => {
      await loginThroughForm(page, server.url, inspector.username, inspector.password);
      await page.goto(`${server.url}/cases/${k.id}`);
      await page.locator('[data-test=case-penalty]').click();
      const dlg = page.locator('[data-test=penalty-dialog]');
      await dlg.locator('[data-test=penalty-pn1]').click();
      await field(dlg, 'penalty-income').fill('1000');
      await field(dlg, 'penalty-fine').fill('999.99');
      assert.match(await dlg.locator('[data-test=penalty-bounds]').innerText(), /1,000\.00 至 5,000\.00 元/);
      assert.equal(await dlg.locator('[data-test=penalty-go]').isDisabled(), true, 'a fine under 1x is refused on the page');
      await field(dlg, 'penalty-fine').fill('5000.01');
      assert.equal(await dlg.locator('[data-test=penalty-go]').isDisabled(), true, 'a fine over 5x too');
      await field(dlg, 'penalty-fine').fill('2000');
      await dlg.locator('[data-test=measure-stop]').click();
      await dlg.locator('[data-test=measure-refund]').click();
      await dlg.locator('[data-test=penalty-go]').click();
      await confirmBox(page);
      await page.locator('[data-test=case-penalty-row]').waitFor();
      assert.match(await page.locator('[data-test=case-penalty-row]').innerText(), /罚款 2,000\.00 元/);
    });
    const after = await server.must(200, 'GET', `/api/v1/public/institutions/${inst.id}`);
    assert.equal(after.state, 'suspended');
    const got = await server.must(200, 'GET', `/api/v1/contracts/${ct.id}`, undefined, D);
    assert.deepEqual([got.status, got.escrow_fen, got.refunded_fen], ['closed', 0, 80000]);
    const v = await server.must(200, 'GET', '/api/v1/funds/verify', undefined, A);
    assert.equal(v.ok, true);
    const refused = await server.api('POST', '/api/v1/contracts', { course_id: course.id, student_id: pupil.id, lessons: 1, start_date: '2026-09-01', end_date: '2026-09-30' }, D);
    assert.ok(refused.status === 409 || refused.status === 422, JSON.stringify(refused.body));
  });
});

describe('the demo district\'s dashboard', () => {
  let server, browser;
  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the district office sees the complaints past their deadline, per school, and opens them', async (t) => {
    const A = await server.adminToken();
    const card = await server.must(200, 'GET', '/api/v1/cases/overdue-by-school', undefined, A);
    assert.ok(card.overdue > 0);
    await withPage(browser, t.name, DESK, async (page) => {
      await loginThroughForm(page, server.url, 'admin', 'shuangjian2026');
      await page.waitForURL('**/dashboard');
      const n = page.locator('[data-test=dash-cases-overdue]');
      await n.waitFor();
      assert.equal(Number((await n.innerText()).trim()), card.overdue);
      assert.equal(await page.locator('[data-test=dash-cases-school]').count(), card.items.length);
      await page.locator('[data-test=dash-cases] a', { hasText: '查看' }).first().click();
      await page.waitForURL('**/cases?overdue=1');
      await page.locator('[data-test=case-overdue]').first().waitFor();
      const rows = await page.locator('[data-test=cases-table] tbody tr').count();
      assert.equal(rows, card.overdue);
    });
  });
});
