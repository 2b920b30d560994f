import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  hasChromium,
  launchChromium,
  openDesk,
  openPhone,
  openStoreAs,
  screenshot,
  staffLogin,
} from './support/browser.ts';
import {
  createShirt,
  createStore,
  ensureWebBuilt,
  receive,
  startMusubi,
  type Musubi,
  type Product,
} from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/staff-pin.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const STORE = '結び 三鷹店';
const MANAGER = { email: 'mika.manager@e2e.example', password: 'manager-password-2026', name: '店長 美香' };
const CLERK = { email: 'aoi.clerk@e2e.example', password: 'clerk-password-2026', name: '高橋 葵' };
const PIN = '4826';

/** No sideways scrolling: the page is no wider than the window. */
async function fitsWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * 担当切替 and スタッフ管理 in a real browser: a manager resets a clerk's PIN, the clerk sets a new one on
 * her account page, switches the shared till to herself with the keypad, rings a sale, and the receipt says
 * 担当 her; the manager invites a new clerk (temporary password shown once), changes a role and
 * deactivates someone — at 390 and 1280 px.
 */
describe.skipIf(!hasChromium)('till PIN switch and staff administration', () => {
  let musubi: Musubi;
  let browser: Browser;
  let store: string;
  let shirt: Product;
  let clerkId: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    store = await createStore(musubi, { name: STORE, lat: 35.7027, lng: 139.5605, city: '三鷹市' });
    shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    await receive(musubi, shirt.variants[0]!.id, store, 5);
    await musubi.api('POST', '/api/staff', { ...MANAGER, role: 'store_manager', locationIds: [store] });
    clerkId = (
      await musubi.api<{ id: string }>('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [store] })
    ).id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('a manager resets, the clerk sets her PIN, switches at the till and rings a sale: the receipt says 担当 her', async () => {
    // The clerk's old PIN (set over the API), which her manager resets from スタッフ管理.
    const clerkLogin = await musubi.api<{ token: string }>('POST', '/api/auth/login', {
      email: CLERK.email,
      password: CLERK.password,
    });
    await musubi.api('PUT', '/api/me/pin', { pin: '1357', password: CLERK.password }, clerkLogin.token);

    const desk = await openDesk(browser);
    desk.on('dialog', (d) => void d.accept());
    await openStoreAs(desk, musubi.baseUrl, MANAGER, store);
    await desk.getByRole('link', { name: 'アカウント' }).click();
    await desk.waitForURL('**/store/security');
    await desk.getByTestId('staff-admin-link').click();
    await desk.waitForURL('**/store/staff');
    const clerkCard = desk.locator(`[data-testid="staff-card"][data-email="${CLERK.email}"]`);
    expect(await clerkCard.getByTestId('staff-pin').textContent()).toBe('暗証番号：設定済み');
    await clerkCard.getByRole('button', { name: '暗証番号をリセット' }).click();
    await desk.getByText(`${CLERK.name}さんの暗証番号をリセットしました。`).waitFor();
    await expect.poll(() => clerkCard.getByTestId('staff-pin').textContent()).toBe('暗証番号：未設定');

    // The clerk, on her own phone, sets a new PIN on her account page (a weak one is refused first).
    const phone = await openPhone(browser);
    await phone.goto(`${musubi.baseUrl}/store`);
    await phone.waitForURL('**/store/login');
    await staffLogin(phone, CLERK);
    await phone.getByRole('link', { name: '2段階認証' }).click();
    await phone.waitForURL('**/store/security');
    const pinCard = phone.getByTestId('my-pin');
    await pinCard.getByLabel('新しい暗証番号（4〜6桁の数字）').fill('1234');
    await pinCard.getByLabel('確認のため、ログインのパスワード').fill(CLERK.password);
    await pinCard.getByRole('button', { name: '暗証番号を設定する' }).click();
    await pinCard.getByText('推測されやすい暗証番号です', { exact: false }).waitFor();
    await pinCard.getByLabel('新しい暗証番号（4〜6桁の数字）').fill(PIN);
    await pinCard.getByRole('button', { name: '暗証番号を設定する' }).click();
    await pinCard.getByText('暗証番号を設定しました。', { exact: false }).waitFor();
    await expect.poll(() => phone.getByTestId('my-pin-state').textContent()).toBe('暗証番号は設定済みです。');
    expect(await fitsWidth(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'staff-pin-account-390');

    // The shared till, signed in by the manager: 担当：店長 美香 → 担当切替 → 高橋 葵 → PIN on the keypad.
    await desk.goto(`${musubi.baseUrl}/store/${store}/till`);
    const operator = desk.getByTestId('operator-name');
    await expect.poll(() => operator.textContent()).toBe(`担当：${MANAGER.name}`);
    await desk.getByTestId('operator-switch').click();
    const dialog = desk.getByTestId('operator-dialog');
    await dialog.getByRole('button', { name: CLERK.name }).click();
    // A wrong PIN first: the server's answer, and the dots empty again.
    for (const d of '9999') await dialog.getByRole('button', { name: d, exact: true }).click();
    await dialog.getByRole('button', { name: '切り替える' }).click();
    await dialog.locator('[data-problem="staff.pin_wrong"]').waitFor();
    for (const d of PIN) await dialog.getByRole('button', { name: d, exact: true }).click();
    await screenshot(desk, 'staff-pin-switch-1280');
    await dialog.getByRole('button', { name: '切り替える' }).click();
    await expect.poll(() => operator.textContent()).toBe(`担当：${CLERK.name}`);
    expect(await dialog.count()).toBe(0);

    // She rings the shirt: the order is hers, and the receipt says 担当 高橋 葵.
    const jan = desk.locator('#till-jan');
    await jan.fill(shirt.variants[0]!.jan);
    await jan.press('Enter');
    await desk.locator('[data-testid="till-totals"][data-checked="true"]').waitFor();
    await desk.locator('#tendered-1').fill('10000');
    await desk.locator('[data-testid="till-remaining"][data-remaining="0"]').waitFor();
    await desk.getByRole('button', { name: /^会計/ }).click();
    const receipt = desk.getByTestId('receipt');
    await receipt.waitFor();
    expect(await desk.getByTestId('receipt-clerk').textContent()).toBe(`担当 ${CLERK.name}`);
    const number = (await receipt.getAttribute('data-number'))!;
    const orders = await musubi.api<{ items: Array<{ id: string; number: string }> }>(
      'GET',
      `/api/orders?locationId=${store}`,
    );
    const orderId = orders.items.find((o) => o.number === number)!.id;
    const server = await musubi.api<{ clerk: string | null }>('GET', `/api/orders/${orderId}/receipt`);
    expect(server.clerk).toBe(CLERK.name);
    await screenshot(desk, 'staff-pin-receipt-1280');

    // The same switch on a phone-sized till (390 px): the dialog fits, nothing scrolls sideways.
    await phone.goto(`${musubi.baseUrl}/store/${store}/till`);
    await phone.getByTestId('operator-switch').click();
    await phone.getByTestId('operator-dialog').getByRole('button', { name: CLERK.name }).click();
    expect(await fitsWidth(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'staff-pin-switch-390');
    await desk.context().close();
    await phone.context().close();
  });

  it('スタッフ管理: invite with a temporary password shown once, change a role, deactivate — at 1280 and 390 px', async () => {
    const desk = await openDesk(browser);
    desk.on('dialog', (d) => void d.accept());
    await desk.goto(`${musubi.baseUrl}/store`);
    await desk.waitForURL('**/store/login');
    await staffLogin(desk, MANAGER);
    await desk.getByRole('link', { name: 'スタッフ管理' }).click();
    await desk.waitForURL('**/store/staff');

    await desk.getByRole('button', { name: 'スタッフを招待' }).click();
    const form = desk.getByTestId('staff-invite');
    await form.getByLabel('メールアドレス').fill('kenta.new@e2e.example');
    await form.getByLabel('名前').fill('新人 健太');
    // A manager can give only the store roles.
    const roles = await form.getByLabel('役割').locator('option').allTextContents();
    expect(roles).toEqual(['店長', 'スタッフ']);
    await form.getByRole('button', { name: '招待する' }).click();
    const temp = (await desk.getByTestId('staff-temp-password').textContent())!;
    expect(temp.length).toBeGreaterThanOrEqual(12);
    await screenshot(desk, 'staff-admin-invited-1280');
    expect(await fitsWidth(desk)).toBeLessThanOrEqual(0);

    // The new clerk signs in with it.
    const login = await fetch(`${musubi.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'kenta.new@e2e.example', password: temp }),
    });
    expect(login.status).toBe(200);

    // Role: the clerk 高橋 葵 becomes a store manager.
    const aoi = desk.locator(`[data-testid="staff-card"][data-email="${CLERK.email}"]`);
    await aoi.getByRole('button', { name: '変更' }).click();
    await aoi.getByLabel('役割').selectOption('store_manager');
    await aoi.getByRole('button', { name: '保存する' }).click();
    await expect.poll(() => aoi.getByTestId('staff-role').textContent()).toBe('店長');

    // Deactivate the new clerk: her session ends at once.
    const kenta = desk.locator('[data-testid="staff-card"][data-email="kenta.new@e2e.example"]');
    await kenta.getByRole('button', { name: '無効にする' }).click();
    await desk.getByText('新人 健太さんを無効にしました。', { exact: false }).waitFor();
    await expect.poll(() => kenta.getAttribute('data-active')).toBe('false');
    const token = ((await login.json()) as { token: string }).token;
    const me = await fetch(`${musubi.baseUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
    await screenshot(desk, 'staff-admin-1280');

    // Everything went to the audit trail.
    const audit = await musubi.api<{ items: Array<{ action: string; subjectId: string }> }>(
      'GET',
      '/api/audit?limit=50',
    );
    const actions = audit.items.map((a) => a.action);
    for (const a of ['staff.created', 'staff.updated', 'staff.deactivated', 'staff.pin_reset'])
      expect(actions).toContain(a);
    expect(audit.items.some((a) => a.action === 'staff.updated' && a.subjectId === clerkId)).toBe(true);

    // The same screen on a phone.
    const phone = await openPhone(browser);
    await phone.goto(`${musubi.baseUrl}/store`);
    await phone.waitForURL('**/store/login');
    await staffLogin(phone, MANAGER);
    await phone.getByRole('link', { name: 'スタッフ管理' }).click();
    await phone.waitForURL('**/store/staff');
    await phone.getByTestId('staff-card').first().waitFor();
    expect(await fitsWidth(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'staff-admin-390');

    await desk.context().close();
    await phone.context().close();
  });
});
