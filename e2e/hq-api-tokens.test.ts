import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, screenshot, staffLogin } from './support/browser.ts';
import { ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

const OWNER = { email: 'aoi.owner@e2e.example', password: 'correct-horse-battery', name: '山本 葵' };

/**
 * 設定 → API トークン in a real browser: the owner names a token and ticks its scopes, sees it once, the
 * token works within them, its last use shows, and revoking it (after a confirm) refuses it.
 */
describe.skipIf(!hasChromium)('API tokens in the browser', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    await musubi.api('POST', '/api/staff', { ...OWNER, role: 'owner', locationIds: [] });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('the owner creates a read-only token, sees it once, sees its last use, and revokes it', async () => {
    const page = await openDesk(browser);
    await page.goto(`${musubi.baseUrl}/hq/api-tokens`);
    await page.waitForURL('**/{store,hq}/login**');
    await staffLogin(page, OWNER);
    await page.waitForURL('**/hq/api-tokens');
    await page.getByRole('heading', { name: 'API トークン', level: 1 }).waitFor();
    await page.getByText('有効な API トークンはありません。').waitFor();
    await page.getByLabel('名前（連携先）').fill('基幹システム');
    await page.getByRole('checkbox', { name: /在庫の参照/ }).check();
    await page.getByRole('button', { name: '作成する' }).click();
    const token = (await page.getByTestId('token').textContent())!.trim();
    expect(token).toMatch(/^mat_/);
    await page.getByRole('cell', { name: '基幹システム' }).waitFor();
    expect(await page.getByTestId('last-used').textContent()).toBe('未使用');
    await screenshot(page, 'hq-api-tokens');

    const call = (url: string) => fetch(`${musubi.baseUrl}${url}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await call('/api/categories')).status).toBe(200);
    expect((await call('/api/orders')).status).toBe(403);
    // Never shown again: a reload lists it by its last four characters only, with its last use.
    await page.reload();
    await page.getByText(`mat_…${token.slice(-4)}`).waitFor();
    expect(await page.locator('body').textContent()).not.toContain(token);
    await expect.poll(() => page.getByTestId('last-used').textContent()).not.toBe('未使用');

    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('revoke').click();
    await page.getByText('「基幹システム」を無効化しました。').waitFor();
    expect((await call('/api/categories')).status).toBe(401);
  });
});
