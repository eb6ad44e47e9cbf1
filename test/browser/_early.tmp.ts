import { launchChromium, serve } from '/work/main/test/browser/harness';
const t0 = Date.now();
const server = await serve();
const browser = await launchChromium();
const t1 = Date.now();
for (const p of ['script-tag', 'module', 'worker']) {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/test/browser/pages/${p}.html`);
  await page.waitForFunction(() => (globalThis as any).result !== undefined);
  console.log(p, JSON.stringify(await page.evaluate(() => (globalThis as any).earlyCall)));
  await page.close();
}
await browser.close(); await server.close();
console.log('launch', t1 - t0, 'ms; total', Date.now() - t0, 'ms');
