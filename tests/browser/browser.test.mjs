// Browser test: the real server with the demo data, Debian's chromium driven by playwright-core.
// A district reporter logs in, submits a report, finds it in the project's history, fails to open
// another district's project, and a screenshot of each step is saved under target/browser-test/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const bin = process.env.DIAODU_BIN || join(root, 'target/debug/diaodu');
const port = 18000 + Math.floor(Math.random() * 2000);
const base = `http://127.0.0.1:${port}`;
const shots = join(root, 'target/browser-test');
let server, browser;

async function waitForServer() {
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(base + '/login');
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'diaodu-browser-'));
  server = spawn(bin, ['--db', join(dir, 'demo.db'), 'serve', '--demo', '--addr', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  server.stdout.on('data', (d) => process.stdout.write(d));
  await waitForServer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

async function api(path, token, body) {
  const r = await fetch(base + path, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, json: await r.json() };
}

test('a district reporter reports, sees the history, and is kept out of another district', async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  await page.goto(base + '/login');
  await page.fill('#login', 'yundong');
  await page.fill('#password', 'Diaodu@2026');
  await page.click('button[type=submit]');
  await page.waitForURL(base + '/');
  assert.match(await page.textContent('body'), /本期待填报/);
  await page.screenshot({ path: join(shots, '1-home.png') });

  // Open the first due report from the home page.
  await page.click('a.btn:has-text("填报")');
  await page.waitForSelector('#report-form');
  const period = await page.$eval('select[name=period]', (s) => s.value);
  assert.match(period, /^\d{4}-(W\d{2}|\d{2})$/);
  await page.fill('input[name=investment]', '321.45');
  await page.fill('textarea[name=progress]', '浏览器测试：主体结构施工');
  await page.fill('textarea[name=problems]', '施工用电需协调');
  await page.screenshot({ path: join(shots, '2-report-form.png') });
  await page.click('#report-form button[type=submit]');
  await page.waitForURL(/\/projects\/\d+\?saved=/);
  assert.match(await page.textContent('.flash.ok'), new RegExp(`已保存 ${period}`));
  const row = page.locator('#history tbody tr', { hasText: period });
  assert.equal(await row.count(), 1);
  const text = await row.textContent();
  assert.match(text, /321\.45/);
  assert.match(text, /浏览器测试：主体结构施工/);
  await page.screenshot({ path: join(shots, '3-history.png'), fullPage: true });

  // Find a project of another district (as admin, through the API) and try to open it.
  const admin = (await api('/api/v1/login', null, { login: 'admin', password: 'Diaodu@2026' })).json.token;
  const units = (await api('/api/v1/units', admin)).json;
  const yunxi = units.find((u) => u.name === '云西区');
  const other = (await api(`/api/v1/projects?unit=${yunxi.id}&per_page=1`, admin)).json.items[0];
  const resp = await page.goto(`${base}/projects/${other.id}`);
  assert.equal(resp.status(), 403);
  assert.match(await page.textContent('body'), /无权访问/);
  await page.screenshot({ path: join(shots, '4-forbidden.png') });
  const direct = await page.goto(`${base}/projects/${other.id}/report`);
  assert.equal(direct.status(), 403);
  await page.close();
});

test('the administrator changes a setting; on a phone the menu folds away and nothing scrolls sideways', async () => {
  for (const [name, viewport] of [['desktop', { width: 1366, height: 768 }], ['phone', { width: 390, height: 844 }]]) {
    const page = await browser.newPage({ viewport, locale: 'zh-CN' });
    await page.goto(base + '/login');
    await page.fill('#login', 'admin');
    await page.fill('#password', 'Diaodu@2026');
    await page.click('button[type=submit]');
    await page.waitForURL(base + '/');
    if (name === 'phone') {
      // Folded: the page starts right under the header; the toggle opens the whole menu.
      assert.equal(await page.isVisible('header.top nav'), false);
      await page.click('label.menu-toggle');
      assert.equal(await page.isVisible('header.top nav a[href="/projects"]'), true);
    }
    await page.click('details.group summary');
    await page.click('a[href="/admin/settings"]');
    await page.waitForURL(base + '/admin/settings');
    const row = page.locator('tr', { hasText: 'ladder.notice' });
    await row.locator('input[name=value]').fill(name === 'phone' ? '9' : '8');
    await row.locator('button').click();
    await page.waitForURL(/\/admin\/settings\?saved=/);
    assert.match(await page.textContent('.flash.ok'), /已保存：通报 = [89]/);
    const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= inner, `${name}: the page is ${scroll}px wide in a ${inner}px window`);
    await page.screenshot({ path: join(shots, `5-settings-${name}.png`), fullPage: true });
    await page.close();
  }
});

test('on a phone a reporter sees each due project as a card with its 填报 buttons, and no page scrolls sideways', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  await page.goto(base + '/login');
  await page.fill('#login', 'yundong');
  await page.fill('#password', 'Diaodu@2026');
  await page.click('button[type=submit]');
  await page.waitForURL(base + '/');
  const first = page.locator('table.due tbody tr').first();
  const button = first.locator('a.btn').first();
  assert.equal(await button.isVisible(), true);
  const box = await button.boundingBox();
  assert.ok(box.x + box.width <= 390, `the first 填报 button ends at ${box.x + box.width}px`);
  await page.screenshot({ path: join(shots, '6-home-phone.png'), fullPage: false });
  for (const path of ['/', '/reports/due', '/projects', '/notices', '/tasks', '/account']) {
    await page.goto(base + path);
    const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= inner, `${path}: the page is ${scroll}px wide in a ${inner}px window`);
  }
  await page.close();
});

