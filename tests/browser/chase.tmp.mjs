import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:18777';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
async function login(who, width) {
  const page = await (await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 } })).newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=login]', who);
  await page.fill('input[name=password]', 'Diaodu@2026');
  await page.click('button[type=submit]');
  await page.waitForLoadState('networkidle');
  return page;
}
const sup = await login('duchashi', 1366);
await sup.goto(base + '/reports/chase');
await sup.screenshot({ path: '/tmp/shot/chase.png', fullPage: true });
const row = sup.locator('#chase tbody tr', { hasText: '云东区' });
await row.locator('button').click();
await sup.waitForLoadState('networkidle');
await sup.screenshot({ path: '/tmp/shot/chased.png' });
const rep = await login('yundong', 390);
await rep.screenshot({ path: '/tmp/shot/bell-phone.png' });
await rep.goto(base + '/inbox');
await rep.screenshot({ path: '/tmp/shot/inbox-phone.png', fullPage: true });
console.log(await rep.evaluate(() => [document.documentElement.scrollWidth, innerWidth]));
for (const w of [1280, 1366]) {
  const a = await login('admin', w);
  await a.screenshot({ path: `/tmp/shot/admin-${w}.png`, clip: { x: 0, y: 0, width: w, height: 120 } });
}
await browser.close();
