import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, openStoreAs, screenshot } from './support/browser.ts';
import {
  createShirt,
  createStore,
  ensureWebBuilt,
  receive,
  startMusubi,
  type Musubi,
  type Product,
} from './support/musubi.ts';

if (!hasChromium)
  console.warn(
    'e2e/orders.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const CLERK = { email: 'aoi.pickup@e2e.example', password: 'correct-horse-battery', name: '高橋 葵' };
const SHOPPER = { name: '田中 美咲', email: 'misaki.tanaka@e2e.example', password: 'sakura-password-2026' };
const STORE = '結び 渋谷公園通り店';

/**
 * Click and collect (BOPIS) in a real browser against the real server: a shopper puts a shirt in her cart
 * without an account, signs up (the cart follows her), chooses pickup at the Shibuya store, pays with the
 * test card and sees the order placed; the clerk prepares it from the store's 受け取り queue; her order
 * page turns 準備完了 by itself and shows the pickup code as a QR; the clerk hands it over.
 */
describe.skipIf(!hasChromium)('store pickup: cart, checkout and the store queue', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya: string;
  let shinjuku: string;
  let shirt: Product;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    shibuya = await createStore(musubi, { name: STORE, lat: 35.6595, lng: 139.7005, city: '渋谷区' });
    shinjuku = await createStore(musubi, { name: '結び 新宿三丁目店', lat: 35.6905, lng: 139.7048, city: '新宿区' });
    shirt = await createShirt(musubi, 'ムスビ リネンシャツ');
    await receive(musubi, shirt.variants[0]!.id, shibuya, 5);
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [shibuya] });
    await musubi.api('PUT', '/api/business', {
      name: '結び商事株式会社',
      registrationNumber: 'T1180301018771',
      address: '東京都目黒区自由が丘1-2-3',
      phone: '03-0000-2000',
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  const phone = () => openPhone(browser);

  const desk = () => openDesk(browser);

  it('the shopper orders for pickup, the store marks it ready, and her order page shows 準備完了 with the pickup code', async () => {
    const shop = await phone();
    const variant = shirt.variants[0]!;

    // Anonymous: the cart lives under this device.
    await shop.goto(`${musubi.baseUrl}/shop/products/${shirt.id}`);
    await shop.getByRole('heading', { name: shirt.name }).waitFor();
    await shop.getByRole('button', { name: 'カートに入れる' }).click();
    await shop.getByText('カートに入れました。').waitFor();
    await shop.locator('[data-testid="cart-link"][data-count="1"]').waitFor();

    // Signing up takes the device's cart along.
    await shop.goto(`${musubi.baseUrl}/account/signup`);
    await shop.getByLabel('お名前').fill(SHOPPER.name);
    await shop.getByLabel('メールアドレス').fill(SHOPPER.email);
    await shop.getByLabel('パスワード').fill(SHOPPER.password);
    await shop.getByRole('button', { name: '登録する' }).click();
    // (sign-up opens the member card)
    await shop.getByTestId('member-card').waitFor();

    await shop.locator('[data-testid="cart-link"]').click();
    await shop.waitForURL('**/shop/cart');
    const line = shop.locator(`.cart-line[data-variant="${variant.id}"]`);
    await line.waitFor();
    expect(await line.textContent()).toContain(shirt.name);
    // 税込 total with the tax contained at 10 %
    // (the default size is whichever SKU sorts first: M ¥4,990 or L ¥5,490)
    const yen = (n: number) => `¥${n.toLocaleString('en-US')}`;
    expect(await shop.getByTestId('total').getAttribute('data-total')).toBe(String(variant.price));
    expect(await shop.getByTestId('totals').textContent()).toContain(
      `10%対象 ${yen(variant.price)} 内消費税 ${yen(Math.floor((variant.price * 10) / 110))}`,
    );

    // Pickup: the nearest stores, each saying whether it has the whole cart.
    await shop.getByRole('radio', { name: '店舗で受け取る' }).click();
    await shop.locator(`.pickup-store[data-location="${shibuya}"][data-ok="true"]`).waitFor();
    expect(await shop.locator(`.pickup-store[data-location="${shinjuku}"]`).getAttribute('data-ok')).toBe('false');
    await shop.getByRole('button', { name: `${STORE}: この店舗で受け取る` }).click();
    await shop.locator(`.pickup-store.chosen[data-location="${shibuya}"]`).waitFor();
    await screenshot(shop, 'cart');

    await shop.getByRole('button', { name: 'ご注文手続きへ' }).click();
    await shop.waitForURL('**/shop/checkout');
    expect(await shop.getByTestId('receive').textContent()).toContain(`${STORE} で受け取り`);
    await shop.getByLabel('カード番号').fill('4242 4242 4242 4242');
    await shop.getByRole('button', { name: '注文を確定する' }).click();

    await shop.getByRole('heading', { name: '注文を受け付けました' }).waitFor();
    const status = shop.getByTestId('order-status');
    expect(await status.getAttribute('data-status')).toBe('placed');
    expect(await status.textContent()).toBe('注文受付');
    const number = (await shop.getByTestId('order').getAttribute('data-number'))!;
    expect(number).toBeTruthy();
    await screenshot(shop, 'order-placed');

    // The store: 受け取り tab, the order in the queue, 準備完了.
    const store = await desk();
    await openStoreAs(store, musubi.baseUrl, CLERK, shibuya);
    await store.getByRole('link', { name: '受け取り', exact: true }).click();
    await store.waitForURL(`**/store/${shibuya}/pickups`);
    const row = store.locator(`tr[data-order="${number}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('placed');
    expect(await row.textContent()).toContain(shirt.name);
    expect(await row.textContent()).toContain('会員');
    expect(await row.getByTestId('customer-name').textContent()).toBe(`${SHOPPER.name} 様`); // who to hand it to
    await screenshot(store, 'store-pickups');
    await row.getByRole('button', { name: '準備完了' }).click();
    await store.locator(`tr[data-order="${number}"][data-status="ready"]`).waitFor();
    await store.getByText(`注文 ${number} を「準備完了」にしました。`).waitFor();

    // Her page polls: 準備完了 and the code, as text and as a QR.
    await shop.locator('[data-testid="order-status"][data-status="ready"]').waitFor();
    expect(await shop.getByTestId('order-status').textContent()).toBe('準備完了');
    const code = (await shop.getByTestId('pickup-code').textContent())!;
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(await shop.locator('svg.member-qr').getAttribute('data-code')).toBe(code);
    // The order page is her 適格簡易請求書: who issues it and the registration number under the tax per rate.
    expect(await shop.getByTestId('order-issuer').textContent()).toBe('発行: 結び商事株式会社 登録番号 T1180301018771');
    await screenshot(shop, 'order-ready');

    // The clerk checks the code and hands it over: it leaves the queue, and her page says so.
    await store.getByLabel('注文番号・受け取りコードで絞り込み').fill(code);
    await store.locator(`tr[data-order="${number}"]`).getByRole('button', { name: '受け渡し完了' }).click();
    await store.getByText(`注文 ${number} を「受け渡し完了」にしました。`).waitFor();
    await store.locator(`tr[data-order="${number}"]`).waitFor({ state: 'detached' });
    await shop.locator('[data-testid="order-status"][data-status="picked_up"]').waitFor();

    await shop.context().close();
    await store.context().close();
  });

  it('a guest finds her order later by number and e-mail, and the page follows it to 準備完了', async () => {
    // The order itself comes through the API: this test is about the guest's way back to it.
    const anon = async <T>(method: string, path: string, body?: unknown) => {
      const res = await fetch(musubi.baseUrl + path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    };
    const guestCart = await anon<{ id: string }>('POST', '/api/carts', {});
    await anon('POST', `/api/carts/${guestCart.id}/lines`, { variantId: shirt.variants[0]!.id, quantity: 1 });
    await anon('PUT', `/api/carts/${guestCart.id}/fulfilment`, { type: 'pickup', locationId: shibuya });
    const order = await anon<{ id: string; number: string; fulfilments: Array<{ id: string }> }>(
      'POST',
      `/api/carts/${guestCart.id}/checkout`,
      {
        guest: { name: '山本 陽菜', email: 'hina.yamamoto@e2e.example' },
        payment: { method: 'pay_at_store' },
      },
    );

    const shop = await phone();
    await shop.goto(`${musubi.baseUrl}/shop/orders/lookup`);
    await shop.getByLabel('注文番号').fill(order.number.toLowerCase());
    await shop.getByLabel('メールアドレス').fill('HINA.yamamoto@e2e.example');
    await shop.getByRole('button', { name: '注文を確認する' }).click();
    await shop.waitForURL(`**/shop/orders/${order.id}`);
    await shop.locator('[data-testid="order-status"][data-status="placed"]').waitFor();

    await musubi.api('POST', `/api/orders/${order.id}/fulfilments/${order.fulfilments[0]!.id}/status`, {
      status: 'ready',
    });
    await shop.locator('[data-testid="order-status"][data-status="ready"]').waitFor();
    expect(await shop.getByTestId('pickup-code').textContent()).toMatch(/^[A-Z0-9]{8}$/);
    await shop.context().close();
  });
});
