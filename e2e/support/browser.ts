import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; no browser is downloaded. The browser tests skip without it. */
export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);

/** Headless, no sandbox, nothing fetched from the internet by the browser itself. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
}

const screenshotDir = fileURLToPath(new URL('../../docs/screenshots', import.meta.url));

/** With MUSUBI_SCREENSHOTS=1, save the page as docs/screenshots/<name>.png (the README's pictures). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.MUSUBI_SCREENSHOTS !== '1') return;
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: resolve(screenshotDir, `${name}.png`), fullPage: true });
}

/** A new Japanese-locale page on a phone (390 × 844, touch) in its own context (its own storage and session). */
export async function openPhone(browser: Browser): Promise<Page> {
  return openPage(browser, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
}

/** A new Japanese-locale page on a store or office screen (1280 × 900) in its own context. */
export async function openDesk(browser: Browser): Promise<Page> {
  return openPage(browser, { viewport: { width: 1280, height: 900 } });
}

async function openPage(browser: Browser, options: Parameters<Browser['newContext']>[0]): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'ja-JP', ...options });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Fill the staff login form the page is showing (the store app's, or head office's at /hq/login). */
export async function staffLogin(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.getByLabel('メールアドレス').fill(who.email);
  await page.getByLabel('パスワード').fill(who.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
}

/** A clerk opens the store app: /store sends her to log in, then she picks her store (its stock screen). */
export async function openStoreAs(
  page: Page,
  baseUrl: string,
  who: { email: string; password: string },
  locationId: string,
): Promise<void> {
  await page.goto(`${baseUrl}/store`);
  await page.waitForURL('**/store/login');
  await staffLogin(page, who);
  await page.locator(`a[href="/store/${locationId}/stock"]`).click();
  await page.waitForURL(`**/store/${locationId}/stock`);
}
