import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, openStoreAs, screenshot } from './support/browser.ts';
import {
  createStore,
  e2eJan,
  ensureWebBuilt,
  receive,
  startMusubi,
  type Musubi,
  type Product,
} from './support/musubi.ts';
import { newId } from '../server/src/platform/ids.ts';

if (!hasChromium)
  console.warn(
    'e2e/delivery.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const CLERK = { email: 'kaito.delivery@e2e.example', password: 'correct-horse-battery', name: '高橋 海斗' };
const SHOPPER = { name: '伊藤 みなみ', email: 'minami.ito@e2e.example', password: 'minami-password-2026' };
const STORE = '結び 神南マーケット店';

/** The Japan date (YYYY-MM-DD) of an instant. */
const tokyoDate = (at: Date) => new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 10);

/**
 * 近隣配達 in a real browser against the real server: a member fills her cart with groceries, chooses
 * local delivery, gives her address with 渋谷駅 as its pin, sees which store delivers and for what fee,
 * picks a 30-minute window and pays; the store bags it, sends the rider (her page says 配達中) and
 * marks it delivered.
 */
describe.skipIf(!hasChromium)('local delivery: address, window, checkout and the store queue', () => {
  let musubi: Musubi;
  let browser: Browser;
  let store: string;
  let milk: Product;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    // About 0.6 km from 渋谷駅 (the default pin), delivering within 3 km.
    store = await createStore(musubi, {
      name: STORE,
      lat: 35.6625,
      lng: 139.6995,
      city: '渋谷区',
      deliveryRadiusKm: 3,
    });
    milk = await musubi.api<Product>('POST', '/api/products', {
      name: '成分無調整牛乳 1L',
      nameKana: 'せいぶんむちょうせいぎゅうにゅう',
      taxRate: 8,
      variants: [{ sku: `E2E-MILK-${newId('s').slice(-8)}`, jan: e2eJan(), price: 268 }],
    });
    await receive(musubi, milk.variants[0]!.id, store, 30);
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [store] });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('a member has milk delivered from the store nearby in a window she chose; the store sends it out and delivers', async () => {
    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/account/signup`);
    await shop.getByLabel('お名前').fill(SHOPPER.name);
    await shop.getByLabel('メールアドレス').fill(SHOPPER.email);
    await shop.getByLabel('パスワード').fill(SHOPPER.password);
    await shop.getByRole('button', { name: '登録する' }).click();
    await shop.getByTestId('member-card').waitFor();
    await shop.goto(`${musubi.baseUrl}/shop/products/${milk.id}`);
    await shop.getByRole('button', { name: 'カートに入れる' }).click();
    await shop.getByText('カートに入れました。').waitFor();
    await shop.goto(`${musubi.baseUrl}/shop/cart`);
    await shop.getByRole('button', { name: `${milk.name} を 1 点増やす` }).click();
    await shop.locator('[data-testid="quantity"]', { hasText: '2' }).waitFor();

    // 近隣配達: the address; the pin is 渋谷駅 (the default position).
    await shop.getByRole('radio', { name: '近隣配達' }).click();
    await shop.getByLabel('郵便番号').fill('150-0041');
    await shop.getByLabel('都道府県').fill('東京都');
    await shop.getByLabel('市区町村').fill('渋谷区');
    await shop.getByLabel('番地').fill('神南1-2-3');
    await shop.getByLabel('お届け先のお名前').fill(SHOPPER.name);
    await shop.getByLabel('電話番号').fill('090-1234-5678');
    expect(await shop.getByLabel('お届け先の位置').inputValue()).toBe('shibuya');
    await shop.getByRole('button', { name: 'この住所に届ける' }).click();
    const from = shop.locator(`[data-testid="delivery-from"][data-location="${store}"]`);
    await from.waitFor();
    expect(await from.textContent()).toContain(STORE);
    expect(await from.textContent()).toContain('¥330');
    expect(await shop.getByTestId('shipping-fee').textContent()).toBe('¥330');

    // A window: today's first with room, or tomorrow's late at night.
    await shop.locator('.slot-grid[data-kind="delivery"], [data-testid="no-slots"]').first().waitFor();
    if (await shop.getByTestId('no-slots').count())
      await shop.getByLabel('お届け日').fill(tokyoDate(new Date(Date.now() + 86400_000)));
    const first = shop.locator('.slot-grid[data-kind="delivery"] button.slot:not([disabled])').first();
    await first.waitFor();
    const slotStart = (await first.getAttribute('data-slot'))!;
    expect(await first.textContent()).toContain('残り 4');
    await first.click();
    await shop.locator(`.slot.chosen[data-slot="${slotStart}"]`).waitFor();
    await screenshot(shop, 'cart-delivery');

    await shop.getByRole('button', { name: 'ご注文手続きへ' }).click();
    await shop.waitForURL('**/shop/checkout');
    expect(await shop.getByTestId('receive').textContent()).toContain(`${STORE} から配達`);
    expect(await shop.getByLabel('店頭払い').count()).toBe(0);
    await shop.getByLabel('カード番号').fill('4242 4242 4242 4242');
    await shop.getByRole('button', { name: '注文を確定する' }).click();
    await shop.getByRole('heading', { name: '注文を受け付けました' }).waitFor();
    const number = (await shop.getByTestId('order').getAttribute('data-number'))!;
    expect(await shop.getByTestId('order-slot').getAttribute('data-slot')).toBe(slotStart);
    expect(await shop.getByTestId('order-delivery').textContent()).toContain('神南1-2-3');
    expect(await shop.getByTestId('total').getAttribute('data-total')).toBe(String(268 * 2 + 330));

    // The store: the delivery in its queue with the address and window; bag it, send the rider.
    const desk = await openDesk(browser);
    await openStoreAs(desk, musubi.baseUrl, CLERK, store);
    await desk.getByRole('link', { name: '受け取り', exact: true }).click();
    const row = desk.locator(`tr[data-order="${number}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('近隣配達');
    expect(await row.textContent()).toContain('神南1-2-3');
    expect(await row.getByRole('button', { name: '受け渡し完了' }).count()).toBe(0);
    await row.getByRole('button', { name: '準備完了' }).click();
    await desk
      .locator(`tr[data-order="${number}"][data-status="ready"]`)
      .getByRole('button', { name: '配達に出発' })
      .click();
    await desk.getByText(`注文 ${number} を「配達中」にしました。`).waitFor();
    await screenshot(desk, 'store-delivery-queue');
    // A clerk sees how many deliveries a window takes; only the manager may change it.
    expect(await desk.locator('.slot-capacity[data-kind="delivery"]').textContent()).toContain(
      '1枠（30分）あたりの配達数: 4',
    );

    // Her page follows: 配達中, then delivered when the rider is back.
    await shop.locator('[data-testid="order-status"][data-status="shipped"]').waitFor();
    expect(await shop.getByTestId('order-status').textContent()).toBe('配達中');
    await desk
      .locator(`tr[data-order="${number}"][data-status="shipped"]`)
      .getByRole('button', { name: 'お届け完了' })
      .click();
    await desk.locator(`tr[data-order="${number}"]`).waitFor({ state: 'detached' });
    await shop.locator('[data-testid="order-status"][data-status="delivered"]').waitFor();

    await shop.context().close();
    await desk.context().close();
  });
});
