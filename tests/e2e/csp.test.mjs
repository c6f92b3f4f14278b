// The web app under the server's Content-Security-Policy (issue 8, part 3), in a real browser:
// - every page of every demo account's menu, on the desktop and the guardian's on a phone,
//   renders with no violation (withPage fails any test on one, in every browser test file);
//   the mouse passes over every chart so that ECharts draws its tooltips;
// - the watcher is not blind: an inline script, eval() and a <style> element are refused and
//   reported;
// - another site cannot frame the app.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { DEMO, launchBrowser, loginThroughForm, startServer, watchCsp, withPage } from './lib.mjs';

const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits until the page has stopped fetching and its charts had a moment to draw, then moves
// the mouse across every chart, so that ECharts writes its tooltips (HTML with style
// attributes) under the policy too.
async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await sleep(300);
  const charts = page.locator('canvas');
  for (let i = 0; i < await charts.count(); i++) {
    const box = await charts.nth(i).boundingBox().catch(() => null);
    if (!box) continue;
    for (const fx of [0.25, 0.5, 0.75]) {
      await page.mouse.move(box.x + box.width * fx, box.y + box.height / 2);
      await sleep(100);
    }
  }
}

// Opens every entry of the side menu (or of the drawer on a phone) in turn; returns the paths
// it landed on.
async function visitMenu(page) {
  const toggle = page.locator('[data-test=menu-toggle]');
  const phone = await toggle.isVisible();
  const menu = page.locator(phone ? '.menu-drawer' : '[data-test=side-menu]');
  if (phone) await toggle.click();
  await menu.locator('[data-test^=menu-]').first().waitFor();
  const names = await menu.locator('[data-test^=menu-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-test')));
  const seen = [new URL(page.url()).pathname];
  for (const name of names) {
    const path = '/' + name.slice('menu-'.length);
    if (new URL(page.url()).pathname === path) continue; // where the app landed: seen already
    if (phone && !(await menu.isVisible())) await toggle.click();
    await menu.locator(`[data-test="${name}"]`).click();
    if (phone) await menu.waitFor({ state: 'hidden' });
    await settle(page);
    seen.push(new URL(page.url()).pathname);
  }
  return seen;
}

describe('Content-Security-Policy', () => {
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

  test('the login page is served with the policy and shows no violation', async (t) => {
    await withPage(browser, t.name, DESKTOP, async (page) => {
      const res = await page.goto(`${server.url}/login`);
      const csp = res.headers()['content-security-policy'];
      assert.match(csp ?? '', /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers()['x-frame-options'], 'DENY');
      await page.locator('[data-test=login-submit]').waitFor();
      await settle(page);
    });
  });

  for (const username of DEMO.accounts) {
    test(`${username}: every page of the menu renders under the policy`, async (t) => {
      await withPage(browser, t.name, DESKTOP, async (page) => {
        await loginThroughForm(page, server.url, username, DEMO.password);
        await settle(page);
        const seen = await visitMenu(page);
        assert.ok(seen.length >= 1, `${username} has a menu`);
      });
    });
  }

  test('the guardian on a phone, in English: every page renders under the policy', async (t) => {
    await withPage(browser, t.name, { ...PHONE, locale: 'en-US' }, async (page) => {
      await page.addInitScript(() => localStorage.setItem('sj.locale', 'en-US'));
      await loginThroughForm(page, server.url, 'parent1', DEMO.password);
      await settle(page);
      const seen = await visitMenu(page);
      assert.ok(seen.length >= 1);
    });
  });

  test('the watcher is not blind: an inline script, eval() and a <style> element are refused and reported', async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const violations = await watchCsp(page);
      // a script of the app's own origin that calls eval() (served here, not by the server)
      await page.route(`${server.url}/csp-probe.js`, (route) => route.fulfill({
        contentType: 'text/javascript',
        body: "try { window.__sjEval = eval('1 + 1'); } catch (e) { window.__sjEval = e.name; }",
      }));
      await page.goto(`${server.url}/login`);
      await page.locator('[data-test=login-submit]').waitFor();
      await page.evaluate(() => {
        const inline = document.createElement('script');
        inline.textContent = 'window.__sjInline = true';
        document.head.append(inline);
        const probe = document.createElement('script');
        probe.src = '/csp-probe.js';
        document.head.append(probe);
        const style = document.createElement('style');
        style.textContent = 'body { outline: 7px solid rgb(255, 0, 0) }';
        document.head.append(style);
      });
      await page.waitForFunction(() => window.__sjEval !== undefined);
      const ran = await page.evaluate(() => ({
        inline: window.__sjInline === true,
        evaluated: window.__sjEval,
        styled: getComputedStyle(document.body).outlineWidth === '7px',
      }));
      assert.deepEqual(ran, { inline: false, evaluated: 'EvalError', styled: false });
      for (let i = 0; i < 40 && violations.length < 3; i++) await sleep(50);
      assert.ok(violations.some((v) => /script-src.*blocked inline/.test(v)), violations.join('\n'));
      assert.ok(violations.some((v) => /script-src.*blocked eval/.test(v)), violations.join('\n'));
      assert.ok(violations.some((v) => /style-src-elem.*blocked inline/.test(v)), violations.join('\n'));
    } finally {
      await ctx.close();
    }
  });

  test('another site cannot put the app in a frame', async () => {
    // another origin (another port) whose page frames the login page
    const framer = http.createServer((req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><iframe src="${server.url}/login" width="800" height="600"></iframe>`);
    });
    await new Promise((res) => framer.listen(0, '127.0.0.1', res));
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const refused = [];
      page.on('console', (m) => /frame-ancestors/.test(m.text()) && refused.push(m.text()));
      await page.goto(`http://127.0.0.1:${framer.address().port}/`);
      for (let i = 0; i < 60 && refused.length === 0; i++) await sleep(50);
      await sleep(500);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      assert.ok(frame, 'the frame exists');
      assert.equal(await frame.locator('[data-test=login-submit]').count(), 0,
        'the login form must not render inside another site\'s frame');
      assert.ok(refused.length > 0, 'the browser says frame-ancestors refused it');
    } finally {
      await ctx.close();
      framer.close();
    }
  });
});
