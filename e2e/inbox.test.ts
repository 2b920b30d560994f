import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { deliverOutbox } from '../server/src/platform/dispatcher.ts';
import { hasChromium, launchChromium, openPhone, screenshot } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

const SHOPPER = { name: '佐藤 結衣', email: 'yui.sato@e2e.example', password: 'sakura-password-2026' };

/**
 * お知らせ: a member whose hold order was received sees the unread badge in the top bar, opens her inbox from
 * マイページ, taps the notice, lands on the order, and the badge is gone.
 */
describe.skipIf(!hasChromium)('inbox: the unread badge and お知らせ', () => {
  let musubi: Musubi;
  let browser: Browser;
  let orderId: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    const store = await createStore(musubi, { name: '結び 吉祥寺店', lat: 35.703, lng: 139.5795, city: '武蔵野市' });
    const shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    await receive(musubi, shirt.variants[0]!.id, store, 2);

    // She signed up and put a shirt on hold from her phone earlier (her bearer session, as an API client).
    const signUp = await fetch(`${musubi.baseUrl}/api/customer-auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SHOPPER),
    });
    expect(signUp.status).toBe(201);
    const { token } = (await signUp.json()) as { token: string };
    const cart = await musubi.api<{ id: string }>('POST', '/api/carts', {}, token);
    await musubi.api('POST', `/api/carts/${cart.id}/lines`, { variantId: shirt.variants[0]!.id, quantity: 1 }, token);
    await musubi.api('PUT', `/api/carts/${cart.id}/fulfilment`, { type: 'hold', locationId: store }, token);
    orderId = (await musubi.api<{ id: string }>('POST', `/api/carts/${cart.id}/checkout`, {}, token)).id;
    // The order's event, handed to the notifier (background jobs are off in e2e): her ご注文を承りました notice.
    await deliverOutbox(musubi.server.database.db, { event: musubi.server.subscribers.channel() });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('she sees 未読 1件, opens お知らせ, taps the notice to its order, and the badge goes away', async () => {
    const page = await openPhone(browser);
    await page.goto(`${musubi.baseUrl}/account/login`);
    await page.getByLabel('メールアドレス').fill(SHOPPER.email);
    await page.getByLabel('パスワード').fill(SHOPPER.password);
    await page.getByRole('button', { name: 'ログイン', exact: true }).click();
    await page.waitForURL('**/account');

    // The badge, in the top bar and beside お知らせ in マイページ's menu.
    await page.getByTestId('account-link').getByRole('img', { name: '未読 1件' }).waitFor();
    await page.getByRole('link', { name: 'お知らせ 未読 1件' }).click();
    await page.waitForURL('**/account/inbox');

    const notice = page.getByTestId('inbox-item');
    await notice.waitFor();
    expect(await notice.count()).toBe(1);
    expect(await notice.getAttribute('data-unread')).toBe('true');
    expect(await notice.textContent()).toContain('ご注文を承りました');
    expect(await notice.textContent()).not.toContain(orderId); // no raw ids on screen
    await screenshot(page, 'inbox');

    await notice.click();
    await page.waitForURL(`**/account/orders/${orderId}`);
    await page.getByTestId('order').waitFor();
    await page.getByTestId('account-link').getByRole('img').waitFor({ state: 'detached' });

    await page.goBack();
    await page.waitForURL('**/account/inbox');
    await page.locator('[data-testid="inbox-item"]:not([data-unread])').waitFor();
    expect(await page.getByRole('button', { name: 'すべて既読にする' }).count()).toBe(0);
    await page.context().close();
  });
});
