import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:18777';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--no-first-run'] });
for (const [name, vp] of [['desktop', { width: 1366, height: 768 }], ['phone', { width: 390, height: 844 }]]) {
  const ctx = await browser.newContext({ viewport: vp, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=login]', 'admin');
  await page.fill('input[name=password]', 'Diaodu@2026');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.goto(base + '/admin/users');
  await page.screenshot({ path: `/tmp/shot/users-${name}.png`, fullPage: true });
  await page.click('#users tbody tr:nth-child(3) a');
  await page.waitForLoadState();
  await page.screenshot({ path: `/tmp/shot/user-${name}.png`, fullPage: true });
  const sw = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  console.log(name, sw);
  await ctx.close();
}
await browser.close();
