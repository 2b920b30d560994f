import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openPhone, openStoreAs, screenshot } from './support/browser.ts';
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
    'e2e/presence.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const CLERK = { email: 'aoi.till@e2e.example', password: 'correct-horse-battery', name: '高橋 葵' };
const MEMBER = { email: 'mio.tanaka@e2e.example', password: 'hydrangea-password-2026', name: '田中 美緒' };
const STORE = '結び 三鷹店';
const PIN = '4826';
const POINTS = 500;

interface Session {
  token: string;
  customer: { id: string; memberNumber: string };
}

/**
 * 本人確認 at the till in a real browser: a member called up by her member number (no proof she is here)
 * cannot pay with her points until she types her PIN; then the sale goes through with the points spent
 * and the rest in cash. And her PIN is set, changed and removed from マイページ on a phone.
 */
describe.skipIf(!hasChromium)('presence: her points are spent only once she proved she is here', () => {
  let musubi: Musubi;
  let browser: Browser;
  let store: string;
  let shirt: Product;
  let member: Session;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    store = await createStore(musubi, { name: STORE, lat: 35.7027, lng: 139.5606, city: '三鷹市' });
    shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    await receive(musubi, shirt.variants[0]!.id, store, 5);
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [store] });
    const res = await fetch(`${musubi.baseUrl}/api/customer-auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(MEMBER),
    });
    expect(res.status).toBe(201);
    member = (await res.json()) as Session;
    // A welcome bonus from head office, and her PIN, set from her account.
    await musubi.api('POST', '/api/loyalty/transactions', {
      customerId: member.customer.id,
      kind: 'earn',
      points: POINTS,
      reference: `e2e-welcome-${member.customer.id}`,
      reason: '入会特典',
    });
    await musubi.api('PUT', '/api/account/pin', { pin: PIN }, member.token);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('a member called up by her number pays with points only after typing her PIN', async () => {
    const ctx = await browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 1280, height: 1000 },
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await page.clock.install(); // time runs as usual until the test moves it on
    const v = shirt.variants[0]!;

    await openStoreAs(page, musubi.baseUrl, CLERK, store);
    await page.getByRole('link', { name: 'レジ', exact: true }).click();
    await page.waitForURL(`**/store/${store}/till`);
    const jan = page.locator('#till-jan');
    await jan.fill(v.jan);
    await jan.press('Enter');
    await page.locator(`[data-testid="till-total"][data-total="${v.price}"]`).waitFor();

    // Her member number, read off her receipt or typed from memory: she is called up, not confirmed.
    const memberField = page.locator('#till-member-input');
    await memberField.fill(member.customer.memberNumber);
    await memberField.press('Enter');
    await page.getByTestId('till-member').waitFor();
    expect(await page.getByTestId('till-presence-none').textContent()).toBe('本人確認前 (ポイントの付与のみ)');
    await page.locator(`[data-testid="till-points-to-earn"]`).waitFor();
    const earnAll = Number(await page.getByTestId('till-points-to-earn').getAttribute('data-points'));

    // ¥300 in points, the rest in cash: the 本人確認 panel asks for proof and 会計 waits for it.
    await page.getByRole('button', { name: '＋ポイント' }).click();
    // The cash row keeps the total it had; cut it to leave ¥300, which the points row (the rest) pays.
    await page.locator('#pay-1').fill(String(v.price - 300));
    await expect.poll(() => page.locator('.till-pay-row[data-method="points"] input').inputValue()).toBe('300');
    await page.locator('[data-testid="till-remaining"][data-remaining="0"]').waitFor();
    const panel = page.getByTestId('till-presence');
    await panel.waitFor();
    expect(await panel.locator('h2').textContent()).toBe('本人確認');
    const checkout = page.getByRole('button', { name: /^会計/ });
    expect(await checkout.isDisabled()).toBe(true);
    // The quote is told the points she pays with: they earn nothing.
    await expect
      .poll(async () => Number(await page.getByTestId('till-points-to-earn').getAttribute('data-points')))
      .toBeLessThan(earnAll);
    await screenshot(page, 'till-presence');

    // The sale itself refuses her points without proof, whatever the screen does.
    const clerk = await musubi.api<{ token: string }>('POST', '/api/auth/login', {
      email: CLERK.email,
      password: CLERK.password,
    });
    const refused = await fetch(`${musubi.baseUrl}/api/pos/sales`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clerk.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        locationId: store,
        lines: [{ variantId: v.id, quantity: 1 }],
        customerId: member.customer.id,
        payments: [
          { method: 'cash', amount: v.price - 300 },
          { method: 'points', amount: 300 },
        ],
        clientTransactionId: `e2e-refused-${Date.now()}`,
      }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('customer.presence_required');

    // A wrong PIN is refused in Japanese; her own PIN, typed on the number pad, confirms her.
    await panel.getByRole('button', { name: '暗証番号を入力' }).click();
    const pin = page.locator('#till-presence-pin');
    expect(await pin.getAttribute('type')).toBe('password');
    expect(await pin.getAttribute('inputmode')).toBe('numeric');
    await pin.fill('0000');
    await pin.press('Enter');
    await panel.locator('[data-problem="customer.pin_wrong"]').waitFor();
    expect(await panel.locator('[data-problem="customer.pin_wrong"] .banner-title').textContent()).toContain(
      '暗証番号が違います',
    );
    expect(await pin.inputValue()).toBe('');
    await pin.fill(PIN);
    await panel.getByRole('button', { name: '確認する' }).click();
    const ok = page.getByTestId('till-presence-ok');
    await ok.waitFor();
    expect(await ok.getAttribute('data-method')).toBe('pin');
    expect(await ok.textContent()).toContain('本人確認済み (暗証番号)');
    expect(await panel.count()).toBe(0);

    // The proof lasts one visit: 15 minutes later the till asks again, and her PIN confirms her again.
    await page.clock.fastForward('15:01');
    await panel.waitFor();
    expect(await page.getByTestId('till-presence-none').count()).toBe(1);
    expect(await checkout.isDisabled()).toBe(true);
    await panel.getByRole('button', { name: '暗証番号を入力' }).click();
    await pin.fill(PIN);
    await pin.press('Enter');
    await ok.waitFor();

    // 会計 now goes through: ¥300 of her points and the rest in cash.
    await page.locator('[data-testid="till-totals"][data-checked="true"]').waitFor();
    await expect.poll(() => checkout.isDisabled()).toBe(false);
    await checkout.click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    const orderId = await findOrderId(musubi, store, (await receipt.getAttribute('data-number'))!);
    const order = await musubi.api<{ pointsUsed: number; payments: Array<{ method: string; amount: number }> }>(
      'GET',
      `/api/orders/${orderId}`,
    );
    expect(order.pointsUsed).toBe(300);
    const loyalty = await musubi.api<{ balance: number }>('GET', `/api/customers/${member.customer.id}/loyalty`);
    const earned = Number((await page.getByTestId('receipt-points-earned').textContent())!.replace(/\D/g, ''));
    expect(loyalty.balance).toBe(POINTS - 300 + earned);

    await ctx.close();
  });

  it('she sets, changes and removes her PIN from マイページ on her phone', async () => {
    const page = await openPhone(browser);
    await signIn(page, musubi.baseUrl, MEMBER);
    await page.getByRole('link', { name: /暗証番号/ }).click();
    await page.waitForURL('**/account/pin');
    // The screen is a chunk of its own: wait for it before counting.
    await page.locator('[data-testid="pin-state"][data-pin-set="true"]').waitFor();
    expect(await page.getByText('レジでウォレットやポイントを使うときに、ご本人確認として入力します。').count()).toBe(
      1,
    );

    const first = page.getByLabel('新しい暗証番号 (4〜6 桁の数字)');
    const again = page.getByLabel('確認のため、もう一度入力');
    expect(await first.getAttribute('type')).toBe('password');
    expect(await first.getAttribute('inputmode')).toBe('numeric');
    // Typed twice: two different PINs are not saved.
    await first.fill('１３５７'); // full-width, from a Japanese keyboard
    await again.fill('1358');
    await page.getByRole('button', { name: '変更する' }).click();
    await page.getByText('1 回目と 2 回目の暗証番号が一致しません。').waitFor();
    await again.fill('1357');
    await page.getByRole('button', { name: '変更する' }).click();
    await page.getByText('暗証番号を保存しました。次のお会計から使えます。').waitFor();
    await screenshot(page, 'account-pin');

    // Removed after a second tap.
    await page.getByRole('button', { name: '削除する', exact: true }).click();
    await page.getByRole('button', { name: '本当に削除する' }).click();
    await page.locator('[data-testid="pin-state"][data-pin-set="false"]').waitFor();
    expect(await musubi.api<{ pinSet: boolean }>('GET', '/api/account/pin', undefined, member.token)).toEqual({
      pinSet: false,
    });
    await page.context().close();
  });
});

async function findOrderId(musubi: Musubi, store: string, number: string): Promise<string> {
  const page = await musubi.api<{ items: Array<{ id: string; number: string }> }>(
    'GET',
    `/api/orders?locationId=${store}`,
  );
  const id = page.items.find((o) => o.number === number)?.id;
  expect(id).toBeTruthy();
  return id!;
}

async function signIn(page: Page, baseUrl: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/account/login`);
  await page.getByLabel('メールアドレス').fill(who.email);
  await page.getByLabel('パスワード').fill(who.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL('**/account');
}
