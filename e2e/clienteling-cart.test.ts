import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { newId } from '../server/src/platform/ids.ts';
import { query } from '../server/src/platform/db/connection.ts';
import { locations } from '../server/src/modules/locations/schema.ts';
import { walletEntries } from '../server/src/modules/loyalty/schema.ts';
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
import { tableChanged } from '../server/src/platform/db/table-cache.ts';

const CLERK = { email: 'kenta.aisle@e2e.example', password: 'correct-horse-battery', name: '鈴木 健太' };
const SHOPPER = { name: '田中 愛子', email: 'aiko.aisle@e2e.example', password: 'sakura-password-2026' };

/**
 * §4 of issue 17 in a real browser: a member with things in her web cart is scanned at 渋谷; the card shows her
 * cart with sizes, prices and the stock here; the sneaker size this store lacks (only in the warehouse) is
 * ordered for her for pickup here, and the order is hers — reserved at the warehouse, in her account; then
 * once more, to her home (her saved address, paid from her wallet).
 */
describe.skipIf(!hasChromium)('the clerk sees her live cart and orders in what the store lacks', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya: string;
  let warehouse: string;
  let sneaker: Product;
  const small = () => sneaker.variants.find((v) => v.options['サイズ'] === '24.5cm')!;
  const onShelfSize = () => sneaker.variants.find((v) => v.options['サイズ'] === '25.0cm')!;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.658, lng: 139.7016, city: '渋谷区' });
    warehouse = newId('loc');
    await musubi.server.database.db.insert(locations).values({
      id: warehouse,
      code: warehouse.slice(-8),
      name: '市川倉庫',
      kind: 'warehouse',
      prefecture: '千葉県',
      city: '市川市',
      address: '1-1-1',
      lat: 35.72,
      lng: 139.93,
      openingHours: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null },
      services: { pickup: false, orderAhead: false, deliveryRadiusKm: null, shipping: true },
    });
    tableChanged(musubi.server.database.db, 'locations'); // kept in memory by the server: read again
    sneaker = await musubi.api<Product>('POST', '/api/products', {
      name: '軽量キャンバススニーカー',
      nameKana: 'けいりょうきゃんばすすにーかー',
      description: '軽くて歩きやすいキャンバス地。',
      taxRate: 10,
      variants: ['24.5cm', '25.0cm'].map((size) => ({
        sku: `E2E-${newId('s').slice(-8)}-${size}`,
        jan: e2eJan(),
        price: 6990,
        options: { サイズ: size, カラー: 'ホワイト' },
      })),
    });
    // 25.0cm on the Shibuya shelf; 24.5cm only in the warehouse (the endless aisle).
    await receive(musubi, onShelfSize().id, shibuya, 4);
    await receive(musubi, small().id, warehouse, 3);
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [shibuya] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('scanned at 渋谷, her cart is on the card; the warehouse-only size is ordered for pickup here and is hers', async () => {
    const registered = await fetch(`${musubi.baseUrl}/api/customer-auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SHOPPER),
    });
    expect(registered.status).toBe(201);
    const { token, customer } = (await registered.json()) as {
      token: string;
      customer: { id: string; memberNumber: string };
    };
    const cart = await musubi.api<{ id: string }>('GET', '/api/account/cart', undefined, token);
    await musubi.api('POST', `/api/carts/${cart.id}/lines`, { variantId: small().id, quantity: 1 }, token);
    await musubi.api('POST', `/api/carts/${cart.id}/lines`, { variantId: onShelfSize().id, quantity: 1 }, token);

    await musubi.api('PUT', `/api/account/favourites/${sneaker.id}`, undefined, token);

    const store = await openDesk(browser);
    await openStoreAs(store, musubi.baseUrl, CLERK, shibuya);
    await store.getByRole('link', { name: '会員', exact: true }).click();
    await store.locator('#member-input:focus').waitFor();
    await store.keyboard.type(customer.memberNumber);
    await store.keyboard.press('Enter');

    const live = store.getByTestId('live-cart');
    const short = live.locator(`[data-variant="${small().id}"]`);
    const onShelf = live.locator(`[data-variant="${onShelfSize().id}"]`);
    await short.waitFor();
    expect(await short.textContent()).toContain('24.5cm');
    expect(await short.textContent()).toContain('この店には在庫なし');
    expect(await onShelf.textContent()).toContain('この店に在庫あり (4)');
    expect(await live.textContent()).toContain('¥13,980');
    await screenshot(store, 'clienteling-live-cart');
    // She changes her cart on her phone at the counter: the card follows at once (the stream, not the
    // 20-second fallback poll, which is off while the stream is open).
    await live.getByTestId('live-cart-live').waitFor();
    await musubi.api('PUT', `/api/carts/${cart.id}/lines/${onShelfSize().id}`, { quantity: 2 }, token);
    await expect.poll(async () => onShelf.textContent(), { timeout: 10_000, interval: 200 }).toContain('× 2');
    await musubi.api('PUT', `/api/carts/${cart.id}/lines/${onShelfSize().id}`, { quantity: 1 }, token);
    await expect.poll(async () => onShelf.textContent(), { timeout: 10_000, interval: 200 }).toContain('× 1');
    // Her favourite's sizes are offered too, each with the stock here.
    const fromFavourites = store.getByTestId('endless-aisle').getByLabel('お気に入りから');
    expect(await fromFavourites.textContent()).toContain('24.5cm');

    await short.getByRole('button', { name: '取り寄せる' }).click();
    const aisle = store.getByTestId('endless-aisle');
    await aisle.getByRole('button', { name: '結び 渋谷店で受け取り・店頭払いで取り寄せる' }).dblclick();
    const done = aisle.getByTestId('aisle-done');
    await done.waitFor();
    const number = /注文番号 (\S+)/.exec((await done.textContent())!)![1]!;
    expect(await aisle.textContent()).toContain('市川倉庫から 結び 渋谷店 へ');
    await screenshot(store, 'clienteling-aisle-ordered');
    await store.setViewportSize({ width: 390, height: 844 });
    expect(await store.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(store, 'clienteling-aisle-phone');

    // One order for the double tap, hers, with the stock reserved at the warehouse.
    const orders = await query<{ id: string; customer_id: string; channel: string }>(
      musubi.server.database.db,
      sql`SELECT id, customer_id, channel FROM orders WHERE customer_id = ${customer.id}`,
    );
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ customer_id: customer.id, channel: 'store' });
    const reserved = await query<{ location_id: string; quantity: number }>(
      musubi.server.database.db,
      sql`SELECT rl.location_id, rl.quantity FROM reservations r JOIN reservation_lines rl ON rl.reservation_id = r.id
           WHERE r.status = 'active' AND rl.variant_id = ${small().id}`,
    );
    expect(reserved).toEqual([{ location_id: warehouse, quantity: 1 }]);

    // She sees it in her account.
    const phone = await openPhone(browser);
    await phone.goto(`${musubi.baseUrl}/account/login`);
    await phone.getByLabel('メールアドレス').fill(SHOPPER.email);
    await phone.getByLabel('パスワード').fill(SHOPPER.password);
    await phone.getByRole('button', { name: 'ログイン', exact: true }).click();
    await phone.waitForURL('**/account');
    await phone.goto(`${musubi.baseUrl}/account/orders`);
    await phone.getByText(number).first().waitFor();

    // The same size again, now to her home: her saved address, paid from her wallet (topped up before).
    await musubi.api(
      'POST',
      '/api/account/addresses',
      {
        label: '自宅',
        postalCode: '150-0041',
        prefecture: '東京都',
        city: '渋谷区',
        line1: '神南1-2-3',
        name: SHOPPER.name,
        phone: '090-1234-5678',
      },
      token,
    );
    await musubi.server.database.db.insert(walletEntries).values({
      id: newId('wle'),
      customerId: customer.id,
      kind: 'top_up',
      amount: 10000,
      method: 'card',
      reference: newId('ref'),
    });
    await short.getByRole('button', { name: '取り寄せる' }).click();
    await aisle.getByLabel('ご自宅へお届け（登録済みの住所・ウォレット払い）').check();
    expect(await store.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await aisle.getByRole('button', { name: 'ご自宅へのお届けで取り寄せる' }).click();
    await aisle.getByText(/ご自宅（東京都渋谷区神南1-2-3）へお届けします/).waitFor();
    const shipped = await query<{ type: string; location_id: string }>(
      musubi.server.database.db,
      sql`SELECT f.type, f.location_id FROM fulfilments f JOIN orders o ON o.id = f.order_id
           WHERE o.customer_id = ${customer.id} AND f.type = 'ship'`,
    );
    expect(shipped).toEqual([{ type: 'ship', location_id: warehouse }]);
    await screenshot(store, 'clienteling-aisle-home');

    await phone.context().close();
    await store.context().close();
  }, 180_000);
});
