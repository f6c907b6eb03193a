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
  server = spawn(bin, ['--db', join(dir, 'demo.db'), 'serve', '--demo', '--addr', `127.0.0.1:${port}`, '--files-dir', join(dir, 'files')], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  for (const path of ['/', '/reports/due', '/calendar', '/projects', '/notices', '/tasks', '/account']) {
    await page.goto(base + path);
    const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= inner, `${path}: the page is ${scroll}px wide in a ${inner}px window`);
  }
  await page.close();
});


async function login(viewport, who) {
  const page = await browser.newPage({ viewport, locale: 'zh-CN' });
  await page.goto(base + '/login');
  await page.fill('#login', who);
  await page.fill('#password', 'Diaodu@2026');
  await page.click('button[type=submit]');
  // A leader's home is the cockpit.
  await page.waitForURL((u) => ['/', '/cockpit'].includes(new URL(u).pathname));
  return page;
}

async function noSidewaysScroll(page, what) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner, `${what}: the page is ${scroll}px wide in a ${inner}px window`);
}

test('a leader instructs on a red project; on a phone the district answers and adds site photos; the leader closes it', async () => {
  const admin = (await api('/api/v1/login', null, { login: 'admin', password: 'Diaodu@2026' })).json.token;
  const yundong = (await api('/api/v1/units', admin)).json.find((u) => u.name === '云东区');
  // A red project of 云东区's own (not of the park below it, whose instructions only the park
  // answers): which projects are red changes with the day the demo is filled.
  const reds = (await api(`/api/v1/projects?unit=${yundong.id}&light=red&per_page=100`, admin)).json.items;
  const red = reds.find((p) => p.unit_id === yundong.id);
  assert.ok(red, 'the demo has a red project of 云东区 itself');

  // The leader writes on the project's page.
  const leader = await login({ width: 1366, height: 900 }, 'lingdao');
  await leader.goto(`${base}/projects/${red.id}`);
  await leader.fill('#instructions-panel textarea[name=body]', '浏览器测试：请云东区一周内协调解决，尽快复工。');
  await leader.click('#instructions-panel button[type=submit]');
  await leader.waitForURL(/\/projects\/\d+\?saved=/);
  assert.match(await leader.textContent('.flash.ok'), /已作出批示/);
  assert.match(await leader.textContent('#instructions-panel'), /浏览器测试：请云东区/);
  await leader.locator('#instructions-panel').screenshot({ path: join(shots, '7-instruction-written.png') });

  // On a phone the district finds it on its home page, answers, and adds a photo to its report.
  const phone = await login({ width: 390, height: 844 }, 'yundong');
  assert.match(await phone.textContent('body'), /待办领导批示/);
  const row = phone.locator('#instructions tbody tr', { hasText: '浏览器测试：请云东区' });
  await row.locator('a', { hasText: '查看' }).click();
  await phone.waitForURL(/\/instructions\/\d+$/);
  await phone.fill('#reply textarea[name=text]', '浏览器测试：已召开专题会，下周一复工。');
  await phone.click('#reply button[type=submit]');
  await phone.waitForURL(/\/instructions\/\d+\?saved=/);
  assert.match(await phone.textContent('.flash.ok'), /已提交反馈/);
  await noSidewaysScroll(phone, 'the instruction');
  await phone.screenshot({ path: join(shots, '8-instruction-answered-phone.png'), fullPage: true });

  const photo = join(shots, 'site-photo.jpg');
  const maker = await browser.newPage({ viewport: { width: 640, height: 480 } });
  await maker.setContent('<body style="margin:0;background:#7a9"><h1 style="font:48px sans-serif;padding:40px">工地现场</h1></body>');
  await maker.screenshot({ path: photo, type: 'jpeg' });
  await maker.close();
  await phone.goto(`${base}/projects/${red.id}`);
  const reports = phone.locator('#history a[href^="/photos/report/"]');
  if (await reports.count() > 0) {
    await reports.first().click();
    await phone.waitForURL(/\/photos\/report\/\d+$/);
    await phone.setInputFiles('#photo-upload input[type=file]', photo);
    await phone.click('#photo-upload button[type=submit]');
    await phone.waitForURL(/\/photos\/report\/\d+\?saved=/);
    assert.match(await phone.textContent('.flash.ok'), /已上传 1 个照片/);
    const width = await phone.locator('.photos img').last().evaluate((img) => img.decode().then(() => img.naturalWidth));
    assert.equal(width, 640, 'the thumbnail shows the photo');
    await noSidewaysScroll(phone, 'the photos');
    await phone.screenshot({ path: join(shots, '9-photos-phone.png'), fullPage: true });
  }
  await phone.close();

  // The leader sees it answered and closes it.
  await leader.goto(`${base}/instructions`);
  const mine = leader.locator('#instructions tbody tr', { hasText: '浏览器测试：请云东区' });
  assert.match(await mine.textContent(), /已反馈/);
  await mine.locator('a', { hasText: '查看' }).click();
  await leader.click('#decide button[value=accept]');
  await leader.waitForURL(/\/instructions\/\d+\?saved=/);
  assert.match(await leader.textContent('.flash.ok'), /已办结/);
  await leader.close();
});

test('the supervision office reminds a district with one click; on a phone its reporter sees the bell and opens the reminder', async () => {
  const office = await login({ width: 1366, height: 900 }, 'duchashi');
  await office.goto(`${base}/reports/chase`);
  const row = office.locator('#chase tbody tr', { hasText: '云东区' });
  await row.locator('button', { hasText: '催报' }).click();
  await office.waitForURL(/\/reports\/chase\?saved=/);
  assert.match(await office.textContent('.flash.ok'), /已向 1 个单位的 \d+ 名填报员发出催报/);
  await office.close();

  const phone = await login({ width: 390, height: 844 }, 'yundong');
  const bell = phone.locator('header a.bell');
  assert.equal(await bell.isVisible(), true, 'the bell is in view on a phone');
  assert.ok(Number(await bell.locator('.count').textContent()) >= 1, 'it counts the reminder');
  await bell.click();
  await phone.waitForURL(base + '/inbox');
  const message = phone.locator('#messages a.message.unread').first();
  assert.match(await message.textContent(), /催报：请填报项目进度/);
  await noSidewaysScroll(phone, 'the inbox');
  await phone.screenshot({ path: join(shots, '10-inbox-phone.png'), fullPage: true });
  await message.click();
  await phone.waitForURL(base + '/reports/due');
  await phone.close();
});

test("a reporter opens the reporting calendar from the due list on a phone; the administrator reads the year's holidays", async () => {
  const phone = await login({ width: 390, height: 844 }, 'yundong');
  await phone.goto(`${base}/reports/due`);
  assert.match(await phone.textContent('h1'), /前提交为按时/, 'the due list names the deadline');
  await phone.locator('a', { hasText: '填报日历' }).first().click();
  await phone.waitForURL(`${base}/calendar`);
  assert.equal(await phone.locator('table.cal').isVisible(), true);
  const rows = await phone.locator('table.deadlines tbody tr').count();
  const none = await phone.locator('text=本月没有截止事项').count();
  assert.ok(rows > 0 || none > 0, 'the month lists its deadlines');
  await noSidewaysScroll(phone, 'the calendar');
  await phone.screenshot({ path: join(shots, '11-calendar-phone.png'), fullPage: true });
  await phone.goto(`${base}/calendar?month=2026-10`);
  assert.ok((await phone.content()).includes('国庆节·休'), 'National Day is marked off');
  await phone.close();

  const desk = await login({ width: 1280, height: 900 }, 'admin');
  await desk.goto(`${base}/admin/calendar?year=2026`);
  assert.match(await desk.textContent('ul.holidays'), /国庆节：10月1日至10月7日放假，共 7 天；9月20日、10月10日上班/);
  await desk.screenshot({ path: join(shots, '12-holidays.png'), fullPage: true });
  await desk.goto(`${base}/admin/notify`);
  assert.match(await desk.textContent('h1'), /消息推送/);
  await desk.close();
});

// The user guide's pictures (docs/guide.md): each role's weekly pages, at the width the role uses
// most. Written under target/browser-test/guide, or into docs/guide/ with DIAODU_GUIDE_SHOTS=1
// (how the guide's pictures are renewed).
test("the user guide's screenshots: each role's weekly pages open and show what the guide says", async () => {
  const dir = process.env.DIAODU_GUIDE_SHOTS ? join(root, 'docs/guide') : join(shots, 'guide');
  mkdirSync(dir, { recursive: true });
  const desk = { width: 1366, height: 800 };
  const phone = { width: 390, height: 844 };
  const admin = (await api('/api/v1/login', null, { login: 'admin', password: 'Diaodu@2026' })).json.token;
  const yundong = (await api('/api/v1/units', admin)).json.find((u) => u.name === '云东区');
  const project = (await api(`/api/v1/projects?unit=${yundong.id}&light=red&per_page=1`, admin)).json.items[0];
  const views = [
    // [who, viewport, path, text the page must show, file, part of the page to show if not its top]
    ['yundong', phone, '/', '本期待填报', 'reporter-home.jpg'],
    ['yundong', phone, `/projects/${project.id}/report`, '本期完成投资', 'reporter-form.jpg'],
    ['yundong', desk, '/notices', '督办单', 'reporter-notices.jpg'],
    ['yundong', phone, '/calendar', '填报日历', 'reporter-calendar.jpg'],
    ['duchashi', desk, '/reports/chase', '催报所选单位', 'supervision-chase.jpg'],
    ['duchashi', desk, `/notices/new?project=${project.id}`, '下发督办单', 'supervision-notice.jpg'],
    ['duchashi', desk, '/notices?show=all', '督办单', 'supervision-notices.jpg'],
    ['fagaiwei', desk, '/projects?light=red', '项目库', 'drc-projects.jpg'],
    ['fagaiwei', desk, '/data', '导入', 'drc-import.jpg'],
    ['tongjiju', desk, '/scorecard', '主要指标成绩单', 'statistics-scorecard.jpg'],
    ['lingdao', desk, '/', '领导驾驶舱', 'leader-home.jpg'],
    ['lingdao', desk, '/instructions?show=all', '领导批示', 'leader-instructions.jpg'],
    ['zhuanyuan', phone, `/projects/${project.id}`, '现场督导', 'commissioner-visit.jpg', 'form[action$="/visits"]'],
    ['admin', desk, '/admin/users', '用户管理', 'admin-users.jpg'],
    ['admin', desk, '/admin/settings', '系统设置', 'admin-settings.jpg'],
    ['admin', desk, '/admin/calendar', '节假日安排', 'admin-holidays.jpg'],
    ['admin', desk, '/admin/notify', '消息推送', 'admin-notify.jpg'],
  ];
  const pages = {};
  for (const [who, viewport, path, text, file, part] of views) {
    const key = `${who}-${viewport.width}`;
    pages[key] ??= await login(viewport, who);
    const page = pages[key];
    const resp = await page.goto(base + path);
    assert.equal(resp.status(), 200, `${who} ${path}`);
    assert.match(await page.textContent('main'), new RegExp(text), `${who} ${path}`);
    await noSidewaysScroll(page, `${who} ${path}`);
    if (part) await page.locator(part).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(dir, file), type: 'jpeg', quality: 70 });
  }
  for (const p of Object.values(pages)) await p.close();
});

test('a leader opens the cockpit, follows a district on the map to its red projects, and prints one A4 landscape page', async () => {
  const leader = await login({ width: 1440, height: 900 }, 'lingdao');
  await leader.click('nav a[href="/cockpit"]');
  await leader.waitForURL(`${base}/cockpit`);
  assert.match(await leader.textContent('h1'), /领导驾驶舱/);
  for (const part of ['#indicators', '#projects', '#supervision', '#map']) {
    assert.ok(await leader.locator(part).count() === 1, `the cockpit shows ${part}`);
  }
  // The map coloured by red projects; 云东区's area opens its red projects.
  await leader.click('#map a:has-text("红灯项目")');
  await leader.waitForURL(/map=red/);
  const area = leader.locator('#map svg a', { has: leader.locator('title', { hasText: '云东区' }) });
  assert.equal(await area.count(), 1, '云东区 is drawn on the map');
  await leader.screenshot({ path: join(shots, '12-cockpit.png'), fullPage: true });
  // A click on the district's shape opens its red projects.
  await area.locator('path').first().click();
  await leader.waitForURL(/light=red/);
  const rows = await leader.locator('table tbody tr').count();
  assert.ok(rows > 0, 'the district has red projects listed');
  const listed = await leader.locator('table tbody').textContent();
  assert.doesNotMatch(listed, /云西区/, 'only 云东区\'s projects are listed');
  // Printed, the cockpit is one A4 landscape page.
  await leader.goto(`${base}/cockpit`);
  const pdf = await leader.pdf({ preferCSSPageSize: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.equal(pages, 1, `the print is ${pages} pages`);
  await leader.close();
  // The meeting room's screen: one 16:9 stage that fits a 1080p projector without scrolling, and
  // a 4:3 one letterboxed, every part on it.
  for (const [width, height] of [[1920, 1080], [1024, 768]]) {
    const screen = await login({ width, height }, 'lingdao');
    await screen.goto(`${base}/cockpit?mode=screen`);
    const fit = await screen.evaluate(() => {
      const stage = document.querySelector('main.stage').getBoundingClientRect();
      return {
        scroll: document.documentElement.scrollHeight - window.innerHeight,
        ratio: stage.width / stage.height,
        inside: [...document.querySelectorAll('#indicators, #map, #invest, #lights, #trend, #supervision')]
          .every(e => { const r = e.getBoundingClientRect(); return r.height > 0 && r.bottom <= stage.bottom + 1 && r.right <= stage.right + 1; }),
      };
    });
    assert.ok(fit.scroll <= 0, `the screen at ${width}×${height} scrolls by ${fit.scroll}px`);
    assert.ok(Math.abs(fit.ratio - 16 / 9) < 0.01, `the stage is ${fit.ratio}, not 16:9`);
    assert.ok(fit.inside, `every part is on the stage at ${width}×${height}`);
    await screen.screenshot({ path: join(shots, `13-cockpit-screen-${width}.png`) });
    await screen.close();
  }
});
