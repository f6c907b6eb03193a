import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:18777';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const [login, width, path, sel, file] of JSON.parse(process.argv[2])) {
  const page = await (await browser.newContext({ viewport: { width, height: 844 } })).newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'Diaodu@2026');
  await page.click('button[type=submit]');
  await page.waitForLoadState('networkidle');
  await page.goto(base + path);
  await page.locator(sel).first().screenshot({ path: '/tmp/shot/' + file });
  console.log(file, await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]));
}
await browser.close();
