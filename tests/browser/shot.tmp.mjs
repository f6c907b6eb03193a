import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:18777';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
async function session(login, width, height) {
  const ctx = await browser.newContext({ viewport: { width, height } });
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'Diaodu@2026');
  await page.click('button[type=submit]');
  await page.waitForLoadState('networkidle');
  return page;
}
const shots = JSON.parse(process.argv[2]);
for (const [login, width, path, file, full] of shots) {
  const page = await session(login, width, width < 600 ? 844 : 900);
  await page.goto(base + path);
  await page.screenshot({ path: '/tmp/shot/' + file, fullPage: !!full });
  const sw = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  console.log(file, sw);
  await page.context().close();
}
await browser.close();
