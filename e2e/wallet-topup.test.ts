import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openStoreAs, screenshot } from './support/browser.ts';
import { createStore, ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium)
  console.warn(
    'e2e/wallet-topup.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const CLERK = { email: 'ren.charge@e2e.example', password: 'correct-horse-battery', name: '小林 蓮' };
const MEMBER = { email: 'saki.charge@e2e.example', password: 'camellia-password-2026', name: '佐々木 咲' };
const STORE = '結び 吉祥寺店';

interface Session {
  token: string;
  customer: { id: string; memberNumber: string };
}

async function noOverflow(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Japanese first: no stray English word or raw id on the screen. */
async function japaneseOnly(page: Page) {
  const text = (await page.locator('main').first().innerText()).replace(/VISA|TEL|No\./g, '');
  expect(text).not.toMatch(/\b(wtu|cus|loc)_[0-9a-z]/i);
  expect(text).not.toMatch(/\b(top_up|cash|card|wallet|balance)\b/i);
}

/**
 * チャージ in a real browser: a clerk tops up a member's wallet with ¥5,000 in cash at the till (¥10,000
 * handed over, ¥5,000 change), the チャージ控え is shown and prints alone, and the X report counts it as its
 * own cash line, not a sale. Then the member tops up ¥3,000 by test card in the app and sees the new balance
 * and the entry in her history, at 390 and 1280 px.
 */
describe.skipIf(!hasChromium)('wallet top-up at the till (cash) and in the app (card)', () => {
  let musubi: Musubi;
  let browser: Browser;
  let store: string;
  let member: Session;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi({ env: { CARD_PROVIDER: 'test' } });
    store = await createStore(musubi, { name: STORE, lat: 35.7033, lng: 139.5797, city: '武蔵野市' });
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [store] });
    const res = await fetch(`${musubi.baseUrl}/api/customer-auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(MEMBER),
    });
    expect(res.status).toBe(201);
    member = (await res.json()) as Session;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('a clerk tops up ¥5,000 in cash: the slip says チャージ and 不課税, and the X report counts the cash apart from sales', async () => {
    const ctx = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 1280, height: 1000 },
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await openStoreAs(page, musubi.baseUrl, CLERK, store);

    // The till is opened with a ¥30,000 float.
    await page.getByRole('link', { name: 'レジ締め' }).click();
    await page.waitForURL(`**/store/${store}/till-session`);
    await page.getByLabel('釣銭準備金（円）').fill('30000');
    await page.getByRole('button', { name: 'レジを開ける' }).click();
    await page.getByTestId('till-open').waitFor();

    await page.getByRole('link', { name: 'レジ', exact: true }).click();
    await page.waitForURL(`**/store/${store}/till`);
    const memberField = page.locator('#till-member-input');
    await memberField.fill(member.customer.memberNumber);
    await memberField.press('Enter');
    await page.getByTestId('till-member').waitFor();

    await page.getByTestId('till-topup-open').click();
    const panel = page.getByTestId('till-topup');
    await panel.waitFor();
    await panel.getByRole('button', { name: '¥5,000' }).click();
    await page.getByTestId('till-topup-received').fill('10000');
    expect(await page.getByTestId('till-topup-change').textContent()).toBe('おつり ¥5,000');
    await screenshot(page, 'till-topup-panel');
    await japaneseOnly(page);
    // A double-tap: one top-up.
    await page.getByTestId('till-topup-confirm').dblclick();

    const slip = page.getByTestId('topup-slip');
    await slip.waitFor();
    expect(await page.getByText('このチャージは受付済みです').count()).toBe(0); // the second tap was dropped
    expect(await page.getByTestId('topup-slip-title').textContent()).toBe('チャージ控え');
    expect(await page.getByTestId('topup-slip-amount').textContent()).toBe('チャージ金額¥5,000');
    expect(await page.getByTestId('topup-slip-change').textContent()).toBe('おつり¥5,000');
    expect(await page.getByTestId('topup-slip-balance').textContent()).toBe('チャージ後残高¥5,000');
    expect(await page.getByTestId('topup-slip-tax').textContent()).toContain('消費税は不課税');
    expect(await slip.textContent()).toContain(STORE);
    await screenshot(page, 'till-topup-slip');
    await page.emulateMedia({ media: 'print' });
    expect(await slip.isVisible()).toBe(true);
    expect(await page.locator('.till-layout').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    await page.getByTestId('till-topup-close').click();
    await page.getByTestId('till-member').waitFor();

    // Offline the till refuses a top-up, saying why (the wallet is the server's).
    await ctx.setOffline(true);
    await page.getByTestId('till-topup-open').click();
    expect(await page.getByTestId('till-topup-offline').textContent()).toBe(
      'オフライン中はチャージできません。通信が戻ってからお受けください。',
    );
    expect(await page.getByTestId('till-topup-confirm').count()).toBe(0);
    await screenshot(page, 'till-topup-offline');
    await page.getByTestId('till-topup').getByRole('button', { name: 'やめる' }).click();
    await ctx.setOffline(false);

    const wallet = await musubi.api<{ balance: number; history: unknown[] }>(
      'GET',
      `/api/customers/${member.customer.id}/wallet`,
    );
    expect(wallet).toMatchObject({ balance: 5000 });
    expect(wallet.history).toHaveLength(1);

    // The X report: ¥5,000 more cash expected, no sale.
    await page.getByRole('link', { name: 'レジ締め' }).click();
    await page.waitForURL(`**/store/${store}/till-session`);
    await page.getByRole('button', { name: '点検（Xレポート）' }).click();
    const x = page.getByTestId('x-report');
    await x.waitFor();
    expect(await x.getAttribute('data-expected')).toBe('35000');
    expect(await page.getByTestId('report-cash-top-ups').textContent()).toBe('チャージ（現金） 1件+¥5,000');
    expect(await page.getByTestId('report-sales-count').textContent()).toBe('売上件数0件');
    await screenshot(page, 'till-topup-x-report');
    await ctx.close();
  });

  for (const width of [390, 1280]) {
    it(`the member tops up ¥3,000 by card in the app and sees it (${width} px)`, async () => {
      const ctx = await browser.newContext({
        locale: 'ja-JP',
        timezoneId: 'Asia/Tokyo',
        viewport: { width, height: 900 },
        ...(width === 390 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
      });
      const page = await ctx.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${musubi.baseUrl}/account/login`);
      await page.getByLabel('メールアドレス').fill(MEMBER.email);
      await page.getByLabel('パスワード').fill(MEMBER.password);
      await page.getByRole('button', { name: 'ログイン' }).click();
      await page.waitForURL('**/account');
      await page.goto(`${musubi.baseUrl}/account/wallet`);
      const before = Number((await page.getByTestId('wallet-balance').textContent())!.replace(/[^\d]/g, ''));

      await page.getByTestId('wallet-topup-open').click();
      // A declined card first: nothing charged, said in Japanese.
      await page.getByTestId('wallet-topup').getByRole('button', { name: '¥3,000' }).click();
      await page.getByTestId('wallet-topup-card').fill('4000 0000 0000 0002');
      await page.getByTestId('wallet-topup-confirm').click();
      await page.getByText('カードが承認されませんでした').waitFor();
      await page.getByTestId('wallet-topup-card').fill('4242 4242 4242 4242');
      await screenshot(page, `wallet-topup-form-${width}`);
      await page.getByTestId('wallet-topup-confirm').click();
      await page.getByTestId('wallet-topup-done').waitFor();
      const after = before + 3000;
      expect(await page.getByTestId('wallet-topup-done').textContent()).toBe(
        `¥3,000 をチャージしました。残高は ¥${after.toLocaleString('en-US')} です。`,
      );
      await expect
        .poll(async () => (await page.getByTestId('wallet-balance').textContent())!.replace(/[^\d]/g, ''))
        .toBe(String(after));
      await page.getByText('チャージ · カード').first().waitFor();
      await noOverflow(page);
      await japaneseOnly(page);
      await screenshot(page, `wallet-topup-done-${width}`);
      await page.screenshot({ path: `/tmp/wallet-topup-${width}.png`, fullPage: true });
      await ctx.close();
    });
  }
});
