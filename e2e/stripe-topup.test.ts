import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, screenshot } from './support/browser.ts';
import { ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';
import { stripeDouble, STRIPE_TEST_CARDS, type StripeDouble } from '../server/src/test/stripe-double.ts';

if (!hasChromium) console.warn('e2e/stripe-topup.test.ts: /usr/bin/chromium not found, so the test is skipped.');

const MEMBER = { email: 'mio.stripe@e2e.example', password: 'wisteria-password-2026', name: '高橋 美央' };

/**
 * チャージ in the app when the card acquirer is Stripe (here its local double and the double's Stripe.js):
 * Stripe's card field replaces ours, the card is confirmed by Stripe.js against Stripe — never sent to our
 * server — and the top-up is captured and credited. A declined card is said in Japanese and another card
 * then tops up the same top-up. Her connection dropping after Stripe.js confirmed the card: Stripe's webhook
 * credits the top-up, and pressing again says so without a second charge. Not one request leaves loopback,
 * and the CSP is never violated.
 */
describe.skipIf(!hasChromium)('wallet top-up by card with Stripe Elements', () => {
  let double: StripeDouble;
  let musubi: Musubi;
  let browser: Browser;
  const offLoopback: string[] = [];
  const cspViolations: string[] = [];
  const cardNumbersSentToUs: string[] = [];

  beforeAll(async () => {
    await ensureWebBuilt();
    double = await stripeDouble();
    musubi = await startMusubi({
      env: {
        MUSUBI_DEMO: '0',
        ...double.env(),
      },
    });
    double.webhookUrl = `${musubi.baseUrl}/api/payments/stripe/webhook`;
    const res = await fetch(`${musubi.baseUrl}/api/customer-auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(MEMBER),
    });
    expect(res.status).toBe(201);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
    await double?.close();
  });

  function watch(page: Page) {
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (!['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol !== 'data:' && url.protocol !== 'blob:')
        offLoopback.push(req.url());
      if (req.url().startsWith(musubi.baseUrl) && /4242424242424242|4000000000000002/.test(req.postData() ?? ''))
        cardNumbersSentToUs.push(req.url());
    });
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) cspViolations.push(msg.text());
    });
  }

  it('she tops up ¥3,000 on her phone: a declined card is said in Japanese, then Visa is charged once and credited', async () => {
    const ctx = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 390, height: 900 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    watch(page);
    await page.goto(`${musubi.baseUrl}/account/login`);
    await page.getByLabel('メールアドレス').fill(MEMBER.email);
    await page.getByLabel('パスワード').fill(MEMBER.password);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.waitForURL('**/account');
    await page.goto(`${musubi.baseUrl}/account/wallet`);
    expect((await page.getByTestId('wallet-balance').textContent())!.replace(/[^\d]/g, '')).toBe('0');

    await page.getByTestId('wallet-topup-open').click();
    const panel = page.getByTestId('wallet-topup');
    await panel.getByRole('button', { name: '¥3,000' }).click();
    // Stripe's card field, not ours.
    const field = page.getByTestId('stripe-card').getByLabel('カード番号');
    await field.fill(STRIPE_TEST_CARDS.declined);
    expect(await page.getByTestId('wallet-topup-card').count()).toBe(0);
    await page.getByTestId('wallet-topup-confirm').click();
    const banner = page.getByRole('alert').filter({ hasText: 'カードが承認されませんでした' });
    await banner.waitFor();
    expect(await banner.textContent()).toContain('カード会社に承認されませんでした。別のカードをお使いください。');
    await screenshot(page, 'wallet-topup-stripe-declined');

    await field.fill(STRIPE_TEST_CARDS.visa);
    await page.getByTestId('wallet-topup-confirm').click();
    await page.getByTestId('wallet-topup-done').waitFor();
    expect(await page.getByTestId('wallet-topup-done').textContent()).toBe(
      '¥3,000 をチャージしました。残高は ¥3,000 です。',
    );
    await expect
      .poll(async () => (await page.getByTestId('wallet-balance').textContent())!.replace(/[^\d]/g, ''))
      .toBe('3000');
    await page.getByText('チャージ · カード').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const text = await page.locator('main').first().innerText();
    expect(text).not.toMatch(/\b(wtu|pi|cus)_[0-9a-z]/i);
    await screenshot(page, 'wallet-topup-stripe-done');

    // One intent (the declined card and Visa confirmed the same top-up), captured once for ¥3,000.
    const intents = [...double.intents.values()];
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ status: 'succeeded', amount_received: 3000, capture_method: 'manual' });
    await ctx.close();
  });

  it('her connection drops once Stripe confirmed her card: the webhook credits the top-up; trying again says so, and nothing is charged twice', async () => {
    const ctx = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 390, height: 900 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    watch(page);
    await page.goto(`${musubi.baseUrl}/account/login`);
    await page.getByLabel('メールアドレス').fill(MEMBER.email);
    await page.getByLabel('パスワード').fill(MEMBER.password);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.waitForURL('**/account');
    await page.goto(`${musubi.baseUrl}/account/wallet`);
    const balance = async () => (await page.getByTestId('wallet-balance').textContent())!.replace(/[^\d]/g, '');
    await expect.poll(balance).toBe('3000');

    await page.getByTestId('wallet-topup-open').click();
    await page.getByTestId('wallet-topup').getByRole('button', { name: '¥1,000' }).click();
    await page.getByTestId('stripe-card').getByLabel('カード番号').fill(STRIPE_TEST_CARDS.jcb);
    // Stripe.js confirms the card, then the network is gone before our completion is called.
    await page.route('**/api/account/wallet/top-ups/*/complete', (route) => route.abort('internetdisconnected'));
    const before = new Set(double.intents.keys());
    await page.getByTestId('wallet-topup-confirm').click();
    await page.getByRole('alert').filter({ hasText: 'サーバーに接続できません' }).waitFor();
    await double.webhooksDone();
    const mine = [...double.intents.values()].filter((pi) => !before.has(pi.id));
    expect(mine).toHaveLength(1);
    // Stripe's webhook captured and credited it while her browser was away.
    expect(mine[0]).toMatchObject({ status: 'succeeded', amount_received: 1000 });

    // Back online, she presses the button again: the same top-up, credited once, no second intent or capture.
    await page.unroute('**/api/account/wallet/top-ups/*/complete');
    await page.getByTestId('wallet-topup-confirm').click();
    await page.getByTestId('wallet-topup-done').waitFor();
    expect(await page.getByTestId('wallet-topup-done').textContent()).toBe(
      '¥1,000 をチャージしました。残高は ¥4,000 です。',
    );
    await expect.poll(balance).toBe('4000');
    expect([...double.intents.values()].filter((pi) => !before.has(pi.id))).toHaveLength(1);
    const captures = double.requests.filter((r) => r.path === `/v1/payment_intents/${mine[0]!.id}/capture`);
    expect(new Set(captures.map((c) => c.idempotencyKey)).size).toBe(1);
    await ctx.close();

    // Or she had closed the tab: her next visit shows the balance and the top-up in her history.
    const later = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const again = await later.newPage();
    watch(again);
    await again.goto(`${musubi.baseUrl}/account/login`);
    await again.getByLabel('メールアドレス').fill(MEMBER.email);
    await again.getByLabel('パスワード').fill(MEMBER.password);
    await again.getByRole('button', { name: 'ログイン' }).click();
    await again.waitForURL('**/account');
    await again.goto(`${musubi.baseUrl}/account/wallet`);
    await expect
      .poll(async () => (await again.getByTestId('wallet-balance').textContent())!.replace(/[^\d]/g, ''))
      .toBe('4000');
    expect(await again.getByText('チャージ · カード').count()).toBe(2);
    await later.close();
  });

  it('nothing left loopback, no card number reached our server, and the CSP was never violated', async () => {
    await double.webhooksDone();
    expect(offLoopback).toEqual([]);
    expect(cardNumbersSentToUs).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
