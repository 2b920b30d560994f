import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { query } from '../server/src/platform/db/connection.ts';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

const AIKO = { email: 'aiko.favourites@e2e.example', password: 'sakura-password-2026', name: '山田 愛子' };

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/**
 * お気に入り: 愛子, not signed in, hearts a shirt on the search results; she signs in and it is in her
 * お気に入り with its price and stock at 渋谷店; she turns on 入荷お知らせ for the size 渋谷店 has none of (a
 * restock wish, as the product page makes), then lets the shirt go.
 */
describe.skipIf(!hasChromium)('お気に入り: kept as a guest, joined at login', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    await musubi.api('POST', '/api/customer-auth/register', AIKO);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('♡ as a guest → login → in お気に入り with stock at her store → 入荷お知らせ on → removed', async () => {
    const shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.6595, lng: 139.7005, city: '渋谷区' });
    const shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    // By their options, not their place: the product's variants come in SKU order, and createShirt's SKUs are
    // random, so variants[0] is any of the four (M / ネイビー itself one time in four).
    const variant = (size: string, colour: string) =>
      shirt.variants.find((v) => v.options['サイズ'] === size && v.options['カラー'] === colour)!;
    const [mWhite, navy] = [variant('M', 'ホワイト'), variant('M', 'ネイビー')];
    await receive(musubi, mWhite.id, shibuya, 5);

    // At a desk, the product page's heart turns on and off (kept in this browser only).
    const desk = await openDesk(browser);
    await desk.goto(`${musubi.baseUrl}/shop/products/${shirt.id}`);
    await desk.getByRole('button', { name: 'ムスビ オックスフォードシャツをお気に入りに追加' }).click();
    await screenshot(desk, 'shop-product-favourite');
    await desk.getByRole('button', { name: 'ムスビ オックスフォードシャツをお気に入りから外す' }).click();
    await desk.getByRole('button', { name: 'ムスビ オックスフォードシャツをお気に入りに追加' }).waitFor();
    expect(await overflow(desk)).toBeLessThanOrEqual(0);
    await desk.context().close();

    // On her phone, not signed in: ♡ on the search results.
    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/shop?q=${encodeURIComponent('オックスフォード')}`);
    await shop.getByRole('button', { name: 'ムスビ オックスフォードシャツをお気に入りに追加' }).click();
    await shop.getByRole('button', { name: 'ムスビ オックスフォードシャツをお気に入りから外す' }).waitFor();
    expect(await shop.evaluate(() => localStorage.getItem('musubi.favourites'))).toContain(shirt.id);
    expect(await overflow(shop)).toBeLessThanOrEqual(0);
    await screenshot(shop, 'shop-favourite-heart');

    await shop.goto(`${musubi.baseUrl}/account/login`);
    await shop.getByLabel('メールアドレス').fill(AIKO.email);
    await shop.getByLabel('パスワード').fill(AIKO.password);
    await shop.getByRole('button', { name: 'ログイン' }).click();
    await shop.waitForURL((url) => !url.pathname.endsWith('/login'));

    await shop.goto(`${musubi.baseUrl}/account`);
    await shop.getByRole('link', { name: /お気に入り/ }).click();
    await shop.waitForURL('**/account/favourites');
    const list = shop.getByTestId('favourites');
    await list.getByRole('link', { name: 'ムスビ オックスフォードシャツ' }).waitFor();
    await list.getByText('在庫あり (5)').waitFor();
    await list.getByText('¥4,990〜¥5,490 (税込)').waitFor();
    await shop.getByText('在庫は結び 渋谷店のものです。').waitFor();
    // Joined: kept on the server, forgotten by the browser.
    expect(await shop.evaluate(() => localStorage.getItem('musubi.favourites'))).toBeNull();
    const db = musubi.server.database.db;
    const kept = await query<{ product_id: string }>(db, sql`SELECT product_id FROM favourites`);
    expect(kept.map((k) => k.product_id)).toEqual([shirt.id]);

    // 入荷お知らせ for M / ネイビー, which 渋谷店 has none of: engagement's restock wish at 渋谷店.
    // (the options in the database's order: jsonb keeps shorter keys first, then by bytes)
    const notify = list.getByRole('switch', { name: /入荷お知らせ（(M \/ ネイビー|ネイビー \/ M)）/ });
    expect(await notify.isChecked()).toBe(false);
    await notify.click();
    await list.getByText('結び 渋谷店に入荷したらお知らせします').waitFor();
    await expect.poll(() => query(db, sql`SELECT 1 FROM restock_wishes`).then((r) => r.length)).toBe(1);
    expect(await notify.isChecked()).toBe(true);
    const wishes = await query<{ variant_id: string; location_id: string }>(
      db,
      sql`SELECT variant_id, location_id FROM restock_wishes WHERE notified_at IS NULL`,
    );
    expect(wishes).toEqual([{ variant_id: navy.id, location_id: shibuya }]);
    expect(await overflow(shop)).toBeLessThanOrEqual(0);
    await screenshot(shop, 'account-favourites');

    await list.getByRole('button', { name: 'ムスビ オックスフォードシャツをお気に入りから外す' }).click();
    await shop.getByText('お気に入りはまだありません。').waitFor();
    expect(await query(db, sql`SELECT 1 FROM favourites`)).toEqual([]);
    await shop.context().close();
  });
});
