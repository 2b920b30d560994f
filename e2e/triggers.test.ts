import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { query } from '../server/src/platform/db/connection.ts';
import { deliverOutbox } from '../server/src/platform/dispatcher.ts';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';
import { sweepHoldsExpiring } from '../server/src/modules/engagement/triggers/order-reminders.ts';

if (!hasChromium) console.warn('e2e/triggers.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const YUI = { email: 'yui.triggers@e2e.example', password: 'correct-horse-battery', name: '森 結衣' };
const AIKO = { email: 'aiko.nearby@e2e.example', password: 'sakura-password-2026', name: '山田 愛子' };
const SHIBUYA = { lat: 35.6618, lng: 139.7041 };

/**
 * Yui switches on 「店舗の近く」 on the campaign screen; 愛子 turns on 位置情報 in her settings, opens the shop
 * on her phone about 300 m from 渋谷店, and the greeting is in her お知らせ; Yui sees the firing.
 */
describe.skipIf(!hasChromium)('head office: an always-on campaign near a store', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    // Open every day, all day (the order-ahead stores' hours), so the test does not depend on the clock.
    shibuya = await createStore(musubi, { name: '結び 渋谷店', ...SHIBUYA, city: '渋谷区', orderAhead: true });
    await musubi.api('POST', '/api/staff', { ...YUI, role: 'hq', locationIds: [] });
    await musubi.api('POST', '/api/customer-auth/register', AIKO);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('Yui starts 店舗の近く; 愛子 with 位置情報 on gets 「結び 渋谷店まで 300 m」 as she opens the shop nearby', async () => {
    const page = await openDesk(browser);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${musubi.baseUrl}/hq/campaigns`);
    await page.waitForURL('**/login**');
    await staffLogin(page, YUI);
    await page.waitForURL('**/hq/campaigns');
    await page.getByLabel('キャンペーン名').fill('渋谷店の近くでクーポン');
    await page.getByLabel('配信の種類').selectOption({ label: '店舗の近く (位置情報・常時)' });
    // The usual words come filled in, with the variables they may use.
    expect(await page.getByLabel('タイトル').inputValue()).toBe('{{store}}まで {{distance}} — 本日のクーポン');
    await page.getByLabel('店舗からの距離 (m)').fill('500');
    await page.getByLabel('店舗', { exact: true }).selectOption({ label: '結び 渋谷店' });
    await page.getByLabel('ホールドアウト (%)').fill('0');
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await page.getByRole('button', { name: '配信を開始' }).click();
    await expect.poll(() => page.getByTestId('trigger-status').textContent()).toBe('配信中');
    await page.getByText('まだ配信はありません。').waitFor();

    // 愛子's phone, about 300 m north of the store, with the browser's location permission given.
    const ctx = await browser.newContext({
      locale: 'ja-JP',
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      geolocation: { latitude: SHIBUYA.lat + 0.0027, longitude: SHIBUYA.lng },
      permissions: ['geolocation'],
    });
    const shop = await ctx.newPage();
    shop.setDefaultTimeout(15_000);
    await shop.goto(`${musubi.baseUrl}/account/login`);
    await shop.getByLabel('メールアドレス').fill(AIKO.email);
    await shop.getByLabel('パスワード').fill(AIKO.password);
    await shop.getByRole('button', { name: 'ログイン' }).click();
    await shop.waitForURL((url) => !url.pathname.endsWith('/login'));
    await shop.goto(`${musubi.baseUrl}/account/consents`);
    await shop.getByRole('switch', { name: '位置情報' }).check({ force: true }); // the styled track covers the input
    await shop.getByRole('button', { name: '設定を保存' }).click();
    await shop.getByText('設定を保存しました。').waitFor();
    const overflow = await shop.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(shop, 'account-consents-location');
    await shop.goto(`${musubi.baseUrl}/shop`);

    // The shop reported where she is; the dispatcher (off in tests) hands the news to the trigger.
    const db = musubi.server.database.db;
    const positions = async () =>
      (await query<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM customer_positions`))[0]?.n;
    await expect.poll(positions).toBe(1);
    await deliverOutbox(db, { event: musubi.server.subscribers.channel() });
    await shop.goto(`${musubi.baseUrl}/account/inbox`);
    await shop.getByText('結び 渋谷店まで 300 m — 本日のクーポン').waitFor();
    await screenshot(shop, 'account-inbox-near-store');
    await ctx.close();

    await page.reload();
    await page.getByRole('button', { name: '渋谷店の近くでクーポン' }).click();
    await page.getByText('結び 渋谷店 · 300 m').waitFor();
    await screenshot(page, 'hq-trigger-firings');
    await page.getByRole('button', { name: '配信を停止' }).click();
    await expect.poll(() => page.getByTestId('trigger-status').textContent()).toBe('停止中');
    await page.context().close();
  });

  it('the カート放置 link /shop/cart?pickup=… switches her cart to pickup at the store it named', async () => {
    const shinjuku = await createStore(musubi, { name: '結び 新宿店', lat: 35.6896, lng: 139.7006, city: '新宿区' });
    const shirt = await createShirt(musubi, 'ムスビ リネンシャツ');
    const variant = shirt.variants[0]!;
    await receive(musubi, variant.id, shinjuku, 2);
    // Her cart, filled yesterday on another device (her account's cart follows her).
    const { token } = await musubi.api<{ token: string }>('POST', '/api/customer-auth/login', {
      email: AIKO.email,
      password: AIKO.password,
    });
    const cart = await musubi.api<{ id: string }>('GET', '/api/account/cart', undefined, token);
    await musubi.api('POST', `/api/carts/${cart.id}/lines`, { variantId: variant.id, quantity: 1 }, token);

    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/account/login`);
    await shop.getByLabel('メールアドレス').fill(AIKO.email);
    await shop.getByLabel('パスワード').fill(AIKO.password);
    await shop.getByRole('button', { name: 'ログイン' }).click();
    await shop.waitForURL((url) => !url.pathname.endsWith('/login'));
    await shop.goto(`${musubi.baseUrl}/shop/cart?pickup=${shinjuku}`);
    await shop.waitForURL((url) => url.pathname === '/shop/cart' && url.search === '');
    await expect
      .poll(
        async () =>
          (await musubi.api<{ fulfilment: unknown }>('GET', `/api/carts/${cart.id}`, undefined, token)).fulfilment,
      )
      .toEqual(expect.objectContaining({ type: 'pickup', locationId: shinjuku }));
    await shop.getByRole('radio', { name: '店舗で受け取る' }).waitFor();
    expect(await shop.getByRole('radio', { name: '店舗で受け取る' }).getAttribute('aria-checked')).toBe('true');
    await shop.context().close();

    // Yui sets up カート放置 on her phone: the form fits 390 px, with the words it suggests.
    const phone = await openPhone(browser);
    await phone.goto(`${musubi.baseUrl}/hq/campaigns`);
    await phone.waitForURL('**/login**');
    await staffLogin(phone, YUI);
    await phone.waitForURL('**/hq/campaigns');
    await phone.getByLabel('配信の種類').selectOption({ label: 'カート放置 (常時)' });
    expect(await phone.getByLabel('カートを放置した時間 (時間)').inputValue()).toBe('24');
    expect(await phone.getByLabel('店舗に在庫がない場合のタイトル').inputValue()).toBe('カートに商品が残っています');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.context().close();
  });

  it('Yui changes the words and hours of お知らせ（自動）: 取り置き期限; 愛子’s hold reminder says them', async () => {
    const page = await openPhone(browser);
    await page.goto(`${musubi.baseUrl}/hq/campaigns`);
    await page.waitForURL('**/login**');
    await staffLogin(page, YUI);
    await page.waitForURL('**/hq/campaigns');
    // On from the start, as an automatic notice: no pausing, no holdout, her order as the link.
    await page.getByRole('button', { name: '取り置き期限のお知らせ' }).click();
    await page.getByText('お知らせ（自動）', { exact: true }).waitFor();
    expect(await page.getByTestId('trigger-status').textContent()).toBe('配信中');
    await page.getByText('取り置き期限の 6 時間前 · 取り置きごとに1回').waitFor();
    expect(await page.getByRole('button', { name: '配信を停止' }).count()).toBe(0);
    await page.getByRole('button', { name: '文面と時間を変更' }).click();
    await page.getByLabel('取り置き期限の何時間前に送るか (時間)').fill('3');
    await page.getByLabel('タイトル').fill('{{store}}の取り置きは本日まで');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'hq-service-trigger-edit');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('取り置き期限の 3 時間前 · 取り置きごとに1回').waitFor();

    // 愛子 holds a shirt at 渋谷店; the sweep runs 2 hours before the hold lapses.
    const shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    await receive(musubi, shirt.variants[0]!.id, shibuya, 1);
    const { token } = await musubi.api<{ token: string }>('POST', '/api/customer-auth/login', {
      email: AIKO.email,
      password: AIKO.password,
    });
    const cart = await musubi.api<{ id: string }>('POST', '/api/carts', {}, token);
    await musubi.api('POST', `/api/carts/${cart.id}/lines`, { variantId: shirt.variants[0]!.id, quantity: 1 }, token);
    await musubi.api('PUT', `/api/carts/${cart.id}/fulfilment`, { type: 'hold', locationId: shibuya }, token);
    const order = await musubi.api<{ number: string; fulfilments: Array<{ deadline: string }> }>(
      'POST',
      `/api/carts/${cart.id}/checkout`,
      {},
      token,
    );
    const now = new Date(Date.parse(order.fulfilments[0]!.deadline) - 2 * 3600_000);
    expect(await sweepHoldsExpiring(musubi.server.database.db, { now })).toBe(1);

    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/account/login`);
    await shop.getByLabel('メールアドレス').fill(AIKO.email);
    await shop.getByLabel('パスワード').fill(AIKO.password);
    await shop.getByRole('button', { name: 'ログイン' }).click();
    await shop.waitForURL((url) => !url.pathname.endsWith('/login'));
    await shop.goto(`${musubi.baseUrl}/account/inbox`);
    await shop.getByText('結び 渋谷店の取り置きは本日まで').click();
    await shop.waitForURL('**/account/orders/**'); // the reminder opens her order
    await shop.context().close();

    await page.reload();
    await page.getByRole('button', { name: '取り置き期限のお知らせ' }).click();
    await page.getByText(`${order.number} · 取り置き期限 · 結び 渋谷店`).waitFor();
    await screenshot(page, 'hq-service-trigger-firings');
    await page.context().close();
  });
});
