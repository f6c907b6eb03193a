import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await (await browser.newContext({ viewport: { width: 400, height: 300 } })).newPage();
await page.goto('file:///tmp/shot/p0.jpg');
await page.screenshot({ path: '/tmp/shot/p0-view.png' });
await browser.close();
