import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createStore, ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium)
  console.warn(
    'e2e/two-factor.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const MANAGER = { email: 'aoi.manager@e2e.example', password: 'correct-horse-battery', name: '高橋 葵' };
const CLERK = { email: 'yui.clerk@e2e.example', password: 'correct-horse-battery', name: '小林 結衣' };
const STORE = '結び 吉祥寺店';

/** What her authenticator app shows for this secret, `steps` periods from now. */
function codeFor(secret: string, steps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + steps * 30_000 });
}

/** Open 2段階認証 from the store list, start, and read the key the screen shows (as she would type it in). */
async function startEnrolment(page: Page): Promise<string> {
  await page.getByRole('link', { name: '2段階認証' }).click();
  await page.waitForURL('**/store/security');
  await page.getByRole('button', { name: '設定を始める' }).click();
  const shown = page.getByTestId('totp-secret');
  await expect.poll(() => shown.isVisible()).toBe(true);
  await expect.poll(() => page.getByRole('img', { name: '2段階認証の設定用QRコード' }).isVisible()).toBe(true);
  return ((await shown.innerText()) ?? '').replace(/\s/g, '');
}

/**
 * A store manager turns on two-factor sign-in from the store app in a real browser: QR and key, a code
 * from "her app" (computed here from the key on screen) to confirm; signing in again then asks for the
 * 確認コード, and the next code lets her in.
 */
describe.skipIf(!hasChromium)('staff two-factor sign-in in the browser', () => {
  let musubi: Musubi;
  let browser: Browser;
  let store: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    store = await createStore(musubi, { name: STORE, lat: 35.7031, lng: 139.5798, city: '武蔵野市' });
    await musubi.api('POST', '/api/staff', { ...MANAGER, role: 'store_manager', locationIds: [store] });
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [store] });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('a store manager enrols, and then signs in with the code', async () => {
    const page = await openPhone(browser);
    await page.goto(`${musubi.baseUrl}/store`);
    await page.waitForURL('**/store/login');
    await staffLogin(page, MANAGER);
    await page.waitForURL((url) => url.pathname === '/store');

    const secret = await startEnrolment(page);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await screenshot(page, 'store-two-factor-phone');
    await page.getByLabel('確認コード（6桁）').fill(codeFor(secret));
    await page.getByRole('button', { name: '設定を完了' }).click();
    await expect.poll(() => page.getByText('2段階認証を有効にしました').isVisible()).toBe(true);
    // The same screen lists where she is signed in: this phone, marked as such.
    await page.getByTestId('signed-in-devices').locator('li[data-current="true"]', { hasText: 'この端末' }).waitFor();

    // Sign out from a store screen, and sign in again: the password alone now asks for the code.
    await page.getByRole('link', { name: '店舗の選択に戻る' }).click();
    await page.locator(`a[href="/store/${store}/stock"]`).click();
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await page.waitForURL('**/store/login');
    await staffLogin(page, MANAGER);
    const codeField = page.getByLabel('確認コード（6桁）');
    await expect.poll(() => codeField.isVisible()).toBe(true);
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');
    await screenshot(page, 'store-login-code-phone');
    // The code that confirmed is used; her app's next one signs her in.
    await codeField.fill(codeFor(secret, 1));
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.waitForURL((url) => url.pathname === '/store');
    await page.context().close();

    // The same two screens on a desk, for the pictures: the login asking for the code, and a clerk's set-up.
    const desk = await openDesk(browser);
    await desk.goto(`${musubi.baseUrl}/store/login`);
    await staffLogin(desk, MANAGER);
    await expect.poll(() => desk.getByLabel('確認コード（6桁）').isVisible()).toBe(true);
    await screenshot(desk, 'store-login-code-desk');
    await desk.context().close();

    const clerk = await openDesk(browser);
    await clerk.goto(`${musubi.baseUrl}/store/login`);
    await staffLogin(clerk, CLERK);
    await clerk.waitForURL((url) => url.pathname === '/store');
    await startEnrolment(clerk);
    await screenshot(clerk, 'store-two-factor-desk');
    await clerk.context().close();
  }, 120_000);
});
