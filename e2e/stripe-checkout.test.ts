import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';
import { stripeDouble, STRIPE_TEST_CARDS, type StripeDouble } from '../server/src/test/stripe-double.ts';
import { query } from '../server/src/platform/db/connection.ts';
import { sql } from 'drizzle-orm';

if (!hasChromium) console.warn('e2e/stripe-checkout.test.ts: /usr/bin/chromium not found, so the test is skipped.');

const STORE = '結び 吉祥寺店';

/**
 * A shop whose card acquirer is Stripe (here its local double, and the double's Stripe.js): the checkout
 * mounts Stripe's card field instead of ours, the card is confirmed by Stripe.js against Stripe — never sent
 * to our server — and the order is placed. Visa and JCB go through; a declined card is said in Japanese.
 * Not one request leaves loopback, and the page runs under the CSP without a violation.
 */
describe.skipIf(!hasChromium)('checkout with Stripe Elements', () => {
  let double: StripeDouble;
  let musubi: Musubi;
  let browser: Browser;
  let store: string;
  let shirt: Awaited<ReturnType<typeof createShirt>>;
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
    store = await createStore(musubi, { name: STORE, lat: 35.7033, lng: 139.5797, city: '武蔵野市' });
    shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    await receive(musubi, shirt.variants[0]!.id, store, 5);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
    await double?.close();
  });

  /** Every request the page makes stays on 127.0.0.1; none to our server carries a card number. */
  function watch(page: Page) {
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (!['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol !== 'data:' && url.protocol !== 'blob:')
        offLoopback.push(req.url());
      if (
        req.url().startsWith(musubi.baseUrl) &&
        /4242424242424242|3566002020360505|4000000000000002/.test(req.postData() ?? '')
      )
        cardNumbersSentToUs.push(req.url());
    });
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) cspViolations.push(msg.text());
    });
  }

  async function toCheckout(page: Page) {
    watch(page);
    await page.goto(`${musubi.baseUrl}/shop/products/${shirt.id}`);
    await page.getByRole('button', { name: 'カートに入れる' }).click();
    await page.getByText('カートに入れました。').waitFor();
    await page.goto(`${musubi.baseUrl}/shop/cart`);
    await page.getByRole('radio', { name: '店舗で受け取る' }).click();
    await page.getByRole('button', { name: `${STORE}: この店舗で受け取る` }).click();
    await page.locator(`.pickup-store.chosen[data-location="${store}"]`).waitFor();
    await page.getByRole('button', { name: 'ご注文手続きへ' }).click();
    await page.waitForURL('**/shop/checkout');
    await page.getByLabel('お名前').fill('小林 陽菜');
    await page.getByLabel('メールアドレス').fill('hina.kobayashi@e2e.example');
    // Stripe's card field, not ours.
    await page.getByTestId('stripe-card').getByLabel('カード番号').waitFor();
    expect(await page.locator('#root').getByRole('textbox', { name: 'カード番号', exact: true }).count()).toBe(1);
  }

  async function noOverflow(page: Page) {
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(wide).toBe(false);
  }

  it('pays with a Visa card on the phone: Stripe confirms it, the order is placed', async () => {
    const shop = await openPhone(browser);
    await toCheckout(shop);
    await shop.getByTestId('stripe-card').getByLabel('カード番号').fill(STRIPE_TEST_CARDS.visa);
    await screenshot(shop, 'checkout-stripe');
    await noOverflow(shop);
    await shop.getByRole('button', { name: '注文を確定する' }).click();
    await shop.getByRole('heading', { name: '注文を受け付けました' }).waitFor();
    const authorised = [...double.intents.values()].filter((pi) => pi.status === 'requires_capture');
    expect(authorised).toHaveLength(1);
    expect(authorised[0]).toMatchObject({ currency: 'jpy', capture_method: 'manual' });
  });

  it('pays with JCB on a desktop screen', async () => {
    const shop = await openDesk(browser);
    await toCheckout(shop);
    await shop.getByTestId('stripe-card').getByLabel('カード番号').fill(STRIPE_TEST_CARDS.jcb);
    await noOverflow(shop);
    await shop.getByRole('button', { name: '注文を確定する' }).click();
    await shop.getByRole('heading', { name: '注文を受け付けました' }).waitFor();
    const charges = [...double.charges.values()].map((c) => c.payment_method_details.card.brand);
    expect(charges).toContain('jcb');
  });

  it('a declined card is said in Japanese; another card then goes through', async () => {
    const shop = await openPhone(browser);
    await toCheckout(shop);
    const field = shop.getByTestId('stripe-card').getByLabel('カード番号');
    await field.fill(STRIPE_TEST_CARDS.declined);
    await shop.getByRole('button', { name: '注文を確定する' }).click();
    const banner = shop.getByRole('alert').filter({ hasText: 'カードが承認されませんでした' });
    await banner.waitFor();
    expect(await banner.textContent()).toContain('カード会社に承認されませんでした。別のカードをお使いください。');
    await screenshot(shop, 'checkout-stripe-declined');
    await noOverflow(shop);
    await field.fill(STRIPE_TEST_CARDS.threeDSecure);
    await shop.getByRole('button', { name: '注文を確定する' }).click();
    await shop.getByRole('heading', { name: '注文を受け付けました' }).waitFor();
  });

  it('her connection drops once Stripe confirmed her card: the webhook places the order; trying again shows it, and she finds it with the number from her e-mail', async () => {
    const shop = await openPhone(browser);
    await toCheckout(shop);
    await shop.getByTestId('stripe-card').getByLabel('カード番号').fill(STRIPE_TEST_CARDS.visa);
    // Stripe.js confirms the card, then the network is gone before our checkout is called.
    await shop.route('**/api/carts/*/checkout', (route) => route.abort('internetdisconnected'));
    const before = new Set([...double.intents.values()].filter((pi) => pi.status === 'requires_capture'));
    await shop.getByRole('button', { name: '注文を確定する' }).click();
    await shop.getByRole('alert').first().waitFor();
    const intent = [...double.intents.values()].find((pi) => pi.status === 'requires_capture' && !before.has(pi))!;
    const cartId = intent.metadata.musubi_key!.split(':')[1]!;
    await double.webhooksDone();
    const orders = await query<{ id: string; number: string }>(
      musubi.server.database.db,
      sql`SELECT id, number FROM orders WHERE cart_id = ${cartId}`,
    );
    expect(orders).toHaveLength(1);
    const order = orders[0]!;

    // Back online, she presses the button again: the same order, confirmed, and no second payment.
    await shop.unroute('**/api/carts/*/checkout');
    await shop.getByRole('button', { name: '注文を確定する' }).click();
    await shop.getByRole('heading', { name: '注文を受け付けました' }).waitFor();
    expect(shop.url()).toContain(`/shop/orders/${order.id}`);
    expect(intent.status).toBe('requires_capture');
    await shop.context().close();

    // Or she had closed the tab: her order confirmation e-mail's number finds it.
    const later = await openPhone(browser);
    await later.goto(`${musubi.baseUrl}/shop/orders/lookup`);
    await later.getByLabel('注文番号').fill(order.number);
    await later.getByLabel('メールアドレス').fill('hina.kobayashi@e2e.example');
    await later.getByRole('button', { name: '注文を確認する' }).click();
    await later.waitForURL(`**/shop/orders/${order.id}`);
    await later.locator('[data-testid="order-status"][data-status="placed"]').waitFor();
    await later.context().close();
  });

  it('nothing left loopback, no card number reached our server, and the CSP was never violated', async () => {
    await double.webhooksDone();
    expect(offLoopback).toEqual([]);
    expect(cardNumbersSentToUs).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
