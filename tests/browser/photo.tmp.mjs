import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:18777';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
const page = await ctx.newPage();
// Two "photos": screenshots of coloured pages, as JPEG.
for (const [i, colour] of ['#7a9', '#c96'].entries()) {
  await page.setContent(`<body style="margin:0;background:${colour}"><h1 style="font:48px sans-serif;padding:40px">工地照片 ${i + 1}</h1></body>`);
  await page.screenshot({ path: `/tmp/shot/p${i}.jpg`, type: 'jpeg' });
}
await page.goto(base + '/login');
await page.fill('input[name=login]', 'yundong');
await page.fill('input[name=password]', 'Diaodu@2026');
await page.click('button[type=submit]');
await page.waitForLoadState('networkidle');
await page.goto(base + process.argv[2]);
await page.setInputFiles('input[type=file]', ['/tmp/shot/p0.jpg', '/tmp/shot/p1.jpg']);
await page.click('#photo-upload button[type=submit]');
await page.waitForLoadState('networkidle');
await page.waitForTimeout(1500); console.log(await page.evaluate(() => [...document.images].map(i => [i.src, i.naturalWidth, i.complete])));
await page.screenshot({ path: '/tmp/shot/photos-phone.png', fullPage: true });
console.log(await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]));
await browser.close();
