import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium, openPhone, screenshot } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/checkout-no-card.test.ts: /usr/bin/chromium not found, so the test is skipped.');

const STORE = '結び 吉祥寺店';

/**
 * A shop without a card acquirer (CARD_PROVIDER unset, no demo): the checkout offers no card and says so,
 * and a guest's pickup order goes through with 店頭払い.
 */
describe.skipIf(!hasChromium)('checkout without online card payment', () => {
  let musubi: Musubi;
  let browser: Browser;
  let store: string;
  let shirt: Awaited<ReturnType<typeof createShirt>>;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi({ env: { MUSUBI_DEMO: '0' } });
    store = await createStore(musubi, { name: STORE, lat: 35.7033, lng: 139.5797, city: '武蔵野市' });
    shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    await receive(musubi, shirt.variants[0]!.id, store, 3);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('offers 店頭払い, no card, and places the order', async () => {
    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/shop/products/${shirt.id}`);
    await shop.getByRole('button', { name: 'カートに入れる' }).click();
    await shop.getByText('カートに入れました。').waitFor();
    await shop.goto(`${musubi.baseUrl}/shop/cart`);
    await shop.getByRole('radio', { name: '店舗で受け取る' }).click();
    await shop.getByRole('button', { name: `${STORE}: この店舗で受け取る` }).click();
    await shop.locator(`.pickup-store.chosen[data-location="${store}"]`).waitFor();
    await shop.getByRole('button', { name: 'ご注文手続きへ' }).click();
    await shop.waitForURL('**/shop/checkout');
    await shop.getByText('このお店はオンラインでのカード決済を受け付けていません。').waitFor();
    expect(await shop.getByRole('radio', { name: 'クレジットカード' }).count()).toBe(0);
    expect(await shop.getByLabel('カード番号').count()).toBe(0);
    expect(await shop.getByRole('radio', { name: '店頭払い' }).isChecked()).toBe(true);
    await shop.getByLabel('お名前').fill('小林 陽菜');
    await shop.getByLabel('メールアドレス').fill('hina.kobayashi@e2e.example');
    await screenshot(shop, 'checkout-no-card');
    await shop.getByRole('button', { name: '注文を確定する' }).click();
    await shop.getByRole('heading', { name: '注文を受け付けました' }).waitFor();
  });
});
