import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, hasChromium, launchChromium, openPhone, screenshot } from './support/browser.ts';
import { ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/pwa.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

/**
 * The installable app (issue 11 §1): the manifest with Japanese names and icons, Chromium's own
 * installability check passing, and the app shell served by the service worker when the network is gone —
 * the shop, the account and the store screens load offline, the API still answers live when it is back.
 */
describe.skipIf(!hasChromium)('the installable app (PWA)', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('has a Japanese manifest, passes Chromium’s installability check, and loads offline from its worker', async () => {
    const res = await fetch(`${musubi.baseUrl}/manifest.webmanifest`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/manifest+json');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const manifest = (await res.json()) as { name: string; short_name: string; lang: string; icons: unknown[] };
    expect(manifest).toMatchObject({ short_name: '結び', lang: 'ja', display: 'standalone', start_url: '/' });
    expect(manifest.name).toContain('結び');
    for (const icon of manifest.icons as Array<{ src: string }>) {
      const png = await fetch(`${musubi.baseUrl}${icon.src}`);
      expect(png.headers.get('content-type'), icon.src).toBe('image/png');
    }
    const worker = await fetch(`${musubi.baseUrl}/sw.js`);
    expect(worker.headers.get('cache-control')).toBe('no-cache');

    // A profile on disk: Chromium never offers to install from an incognito context (Playwright's contexts are).
    const profile = mkdtempSync(join(tmpdir(), 'musubi-pwa-'));
    const installed = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      args: CHROMIUM_ARGS,
      locale: 'ja-JP',
      viewport: { width: 1280, height: 900 },
    });
    const page = installed.pages()[0] ?? (await installed.newPage());
    page.setDefaultTimeout(15_000);
    await page.goto(`${musubi.baseUrl}/shop`);
    // The worker installed, precached the shell and took control of the page.
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${musubi.baseUrl}/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
    const cdp = await page.context().newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: Array<{ errorId: string }>;
    };
    expect(installabilityErrors.map((e) => e.errorId)).toEqual([]);

    // Staff have apps of their own: 店舗 at /store and 本部 at /hq, each its own manifest, start page and scope,
    // linked by the page for where it is (a navigation inside the app included), and each installable.
    for (const [door, login] of [
      ['store', '/store/login'],
      ['hq', '/hq/login'],
    ] as const) {
      const own = (await (await fetch(`${musubi.baseUrl}/${door}.webmanifest`)).json()) as Record<string, unknown>;
      expect(own).toMatchObject({ id: `/${door}`, start_url: `/${door}`, scope: `/${door}`, lang: 'ja' });
      await page.goto(`${musubi.baseUrl}${login}`);
      await page.getByLabel('メールアドレス').waitFor();
      await expect.poll(() => page.locator('link[rel="manifest"]').getAttribute('href')).toBe(`/${door}.webmanifest`);
      await expect
        .poll(async () => ((await cdp.send('Page.getAppManifest')) as { url: string }).url, { timeout: 30_000 })
        .toBe(`${musubi.baseUrl}/${door}.webmanifest`);
      const errors = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
      expect(errors.installabilityErrors).toEqual([]);
    }
    await page.goto(`${musubi.baseUrl}/shop`);
    await expect.poll(() => page.locator('link[rel="manifest"]').getAttribute('href')).toBe('/manifest.webmanifest');

    // The network gone: the shop reloads, and the store's login opens, from the worker's cache.
    await page.context().setOffline(true);
    await page.reload();
    await page.locator('header').first().waitFor();
    await page.goto(`${musubi.baseUrl}/store/login`);
    await page.getByLabel('メールアドレス').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    await page.context().setOffline(false);
    await page.goto(`${musubi.baseUrl}/shop`);
    await page.locator('header').first().waitFor();
    await installed.close();
    rmSync(profile, { recursive: true, force: true });

    // A phone gets the same worker, and a page that is not the app's is not answered with the shell.
    const phone = await openPhone(browser);
    await phone.goto(`${musubi.baseUrl}/account/login`);
    await phone.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    await screenshot(phone, 'account-pwa');
    const missing = await phone.evaluate(async () => (await fetch('/nothing.php')).status);
    expect(missing).toBe(404);
    await phone.context().close();
  });
});
