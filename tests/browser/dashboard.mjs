// Drives Debian's chromium against a running `rapport metrics serve`: unauthenticated access is
// refused, a wrong password is refused, the right one logs in with a strict cookie, the plots
// render with data, and logging out locks the page again. Prints one JSON line; exits 1 on any
// failure. Usage: node dashboard.mjs --url https://127.0.0.1:PORT/ --password PW --screenshot FILE
import { chromium } from 'playwright-core';

function option(name) {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0 || index + 1 >= process.argv.length) throw new Error(`missing --${name}`);
  return process.argv[index + 1];
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const base = new URL(option('url'));
const password = option('password');
const screenshot = option('screenshot');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 900, height: 900 } });
  const page = await context.newPage();

  // Without a login, the page, the export and the metrics are refused.
  for (const path of ['/', '/export.json']) {
    const response = await context.request.get(new URL(path, base).href, { maxRedirects: 0 });
    check(response.status() === 303, `GET ${path} without login gave ${response.status()}`);
    check(response.headers()['location'] === '/login', `GET ${path} went to ${response.headers()['location']}`);
  }
  const scrape = await context.request.get(new URL('/metrics', base).href, { maxRedirects: 0 });
  check(scrape.status() === 401, `GET /metrics without a token gave ${scrape.status()}`);
  await page.goto(base.href);
  check(new URL(page.url()).pathname === '/login', `unauthenticated visit landed on ${page.url()}`);
  check((await page.locator('svg.chart').count()) === 0, 'the login page shows charts');

  // A wrong password is refused.
  await page.fill('#password', password + 'x');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
  await page.waitForSelector('#login-error');
  check((await page.locator('svg.chart').count()) === 0, 'a wrong password shows charts');

  // The right one logs in with an HttpOnly, Secure, SameSite=Strict cookie.
  await page.fill('#password', password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/' && r.request().method() === 'GET'),
    page.click('button[type=submit]'),
  ]);
  check(response.status() === 200, `the dashboard answered ${response.status()}`);
  check(response.headers()['cache-control'] === 'no-store', 'the dashboard may be cached');
  await page.waitForSelector('svg.chart');
  const cookies = await context.cookies();
  check(cookies.length === 1, `expected one cookie, got ${cookies.length}`);
  const [cookie] = cookies;
  check(cookie.httpOnly && cookie.secure && cookie.sameSite === 'Strict', `weak cookie ${JSON.stringify({ ...cookie, value: '…' })}`);

  // The plots render, with data.
  const charts = await page.locator('svg.chart').count();
  const bars = await page.$$eval('rect.bar', (rects) =>
    rects.map((r) => ({ value: Number(r.dataset.value), height: r.getBoundingClientRect().height })));
  const points = await page.$$eval('circle.point', (circles) => circles.map((c) => Number(c.dataset.value)));
  const drawnBars = bars.filter((b) => b.value > 0 && b.height > 0).length;
  check(charts >= 5, `only ${charts} charts`);
  check(drawnBars > 0, 'no bar with data was drawn');
  check(points.some((v) => v > 0), 'no plotted point with data');
  const noise = await page.textContent('#rules');
  check(/fewer than \d+ sessions/.test(noise) && noise.includes('Laplace'), 'the page does not state its rules');
  await page.screenshot({ path: screenshot, fullPage: true });

  // Logging out locks the page again.
  await Promise.all([page.waitForURL('**/login'), page.click('header button[type=submit]')]);
  const after = await context.request.get(base.href, { maxRedirects: 0 });
  check(after.status() === 303, `after logout the dashboard answered ${after.status()}`);

  console.log(JSON.stringify({ ok: true, charts, bars: drawnBars, points: points.length, screenshot }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error && error.message || error) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
