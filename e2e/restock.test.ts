import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { deliverOutbox } from '../server/src/platform/dispatcher.ts';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

const YUI = { email: 'yui.restock@e2e.example', password: 'correct-horse-battery', name: '森 結衣' };
const AIKO = { email: 'aiko.restock@e2e.example', password: 'sakura-password-2026', name: '山田 愛子' };

/**
 * 再入荷: Yui switches on 再入荷 on the campaign screen; 愛子 finds the shirt sold out at 渋谷店 (the nearest
 * store to 渋谷駅, the shop's default), presses 入荷したら知らせる, the store receives two, and the message is
 * in her お知らせ.
 */
describe.skipIf(!hasChromium)('再入荷: tell me when it is back', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    await musubi.api('POST', '/api/staff', { ...YUI, role: 'hq', locationIds: [] });
    await musubi.api('POST', '/api/customer-auth/register', AIKO);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('愛子 presses 入荷したら知らせる on a sold-out shirt; the store receives it; her inbox says it is back', async () => {
    const shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.6595, lng: 139.7005, city: '渋谷区' });
    const shirt = await createShirt(musubi, 'ムスビ リネンシャツ');

    const hq = await openDesk(browser);
    hq.on('dialog', (d) => void d.accept()); // 配信を開始 asks to confirm
    await hq.goto(`${musubi.baseUrl}/hq/campaigns`);
    await hq.waitForURL('**/login**');
    await staffLogin(hq, YUI);
    await hq.waitForURL('**/hq/campaigns');
    await hq.getByLabel('キャンペーン名').fill('再入荷のお知らせ');
    await hq.getByLabel('配信の種類').selectOption({ label: '再入荷 (入荷のお知らせ・常時)' });
    expect(await hq.getByLabel('1点あたりのお知らせ人数').inputValue()).toBe('2');
    expect(await hq.getByLabel('タイトル').inputValue()).toBe('{{product}}が{{store}}に入荷しました');
    await hq.getByLabel('ホールドアウト (%)').fill('0');
    await hq.getByRole('button', { name: '下書きを保存' }).click();
    await hq.getByRole('button', { name: '配信を開始' }).click();
    await expect.poll(() => hq.getByTestId('trigger-status').textContent()).toBe('配信中');

    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/account/login`);
    await shop.getByLabel('メールアドレス').fill(AIKO.email);
    await shop.getByLabel('パスワード').fill(AIKO.password);
    await shop.getByRole('button', { name: 'ログイン' }).click();
    await shop.waitForURL((url) => !url.pathname.endsWith('/login'));
    await shop.goto(`${musubi.baseUrl}/shop/products/${shirt.id}`);
    await shop.getByRole('button', { name: '入荷したら知らせる' }).click();
    await shop.getByText('入荷したらお知らせします（結び 渋谷店）').waitFor();
    expect(await shop.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await screenshot(shop, 'shop-restock-waiting');

    // The store receives two; the dispatcher (off in tests) hands inventory's news to the trigger.
    await receive(musubi, shirt.variants[0]!.id, shibuya, 2);
    await deliverOutbox(musubi.server.database.db, { event: musubi.server.subscribers.channel() });
    await shop.goto(`${musubi.baseUrl}/account/inbox`);
    await shop
      .getByText(/ムスビ リネンシャツ .+が結び 渋谷店に入荷しました/)
      .first()
      .waitFor();
    await screenshot(shop, 'account-inbox-restock');
    await shop.context().close();

    await hq.reload();
    await hq.getByRole('button', { name: '再入荷のお知らせ' }).click();
    await hq.getByText('結び 渋谷店 · 在庫 2点').waitFor();
    await hq.context().close();
  });
});
