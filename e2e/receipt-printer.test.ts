import { fakePrinter } from './support/printer.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium, openStoreAs, screenshot } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/receipt-printer.test.ts: /usr/bin/chromium not found, so it is skipped.');

const CLERK = { email: 'aoi.printer@e2e.example', password: 'correct-horse-battery', name: '高橋 葵' };
/** 再発行 in Shift_JIS, as the printer reads it. */
const REISSUE = Buffer.from([0x8d, 0xc4, 0x94, 0xad, 0x8d, 0x73]);

/**
 * レシート印刷 in a real browser: the store has a receipt printer; after 会計 the clerk prints the receipt
 * there (the drawer opens: a cash sale), prints it again as 再発行, and when the printer is gone she is told so
 * in Japanese, with the browser's 印刷 still there.
 */
describe.skipIf(!hasChromium)('the till prints on the store’s receipt printer', () => {
  let musubi: Musubi;
  let browser: Browser;
  let store: string;
  let jan: string;
  const printer = fakePrinter();

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi({ env: { RECEIPT_PRINTER_TIMEOUT_MS: '1000' } });
    store = await createStore(musubi, { name: '結び 下北沢店', lat: 35.6613, lng: 139.6681, city: '世田谷区' });
    const shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    jan = shirt.variants[0]!.jan;
    await receive(musubi, shirt.variants[0]!.id, store, 5);
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [store] });
    const port = await printer.listen();
    await musubi.api('PUT', `/api/locations/${store}/receipt-printer`, { host: '127.0.0.1', port });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await printer.close();
    await musubi?.close();
  });

  it('prints after 会計, re-issues, and says clearly when the printer does not answer', async () => {
    const ctx = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 1280, height: 900 },
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await openStoreAs(page, musubi.baseUrl, CLERK, store);
    await page.getByRole('link', { name: 'レジ', exact: true }).click();
    await page.waitForURL(`**/store/${store}/till`);
    const field = page.locator('#till-jan');
    await field.fill(jan);
    await field.press('Enter');
    await page.locator('[data-testid="till-totals"][data-checked="true"]').waitFor();
    await page.locator('[data-testid="till-remaining"][data-remaining="0"]').waitFor();
    await page.getByRole('button', { name: /^会計/ }).click();
    await page.getByTestId('receipt').waitFor();

    await page.getByRole('button', { name: 'レシート印刷' }).click();
    await page.getByText('レシートプリンターで印刷しました。').waitFor();
    await expect.poll(() => printer.jobs.length).toBe(1);
    expect(printer.jobs[0]!.includes(Buffer.from([0x1b, 0x70]))).toBe(true); // the drawer opened: cash
    expect(printer.jobs[0]!.includes(REISSUE)).toBe(false);
    await screenshot(page, 'till-printer');

    await page.getByRole('button', { name: 'レシート再発行' }).click();
    await page.getByText('「再発行」として印刷しました。').waitFor();
    await expect.poll(() => printer.jobs.length).toBe(2);
    expect(printer.jobs[1]!.includes(REISSUE)).toBe(true);
    expect(printer.jobs[1]!.includes(Buffer.from([0x1b, 0x70]))).toBe(false);

    await printer.close();
    await page.getByRole('button', { name: 'レシート再発行' }).click();
    await page.getByText('レシートプリンターに接続できません').waitFor();
    expect(await page.getByRole('button', { name: '印刷', exact: true }).isVisible()).toBe(true);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/printer\.|undefined/);
    await ctx.close();
  });
});
