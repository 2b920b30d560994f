import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createStore, ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium)
  console.warn('e2e/store-campaigns.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const MANAGER = { email: 'shibuya.manager@e2e.example', password: 'correct-horse-battery', name: '中村 さくら' };
const CLERK = { email: 'shibuya.clerk@e2e.example', password: 'correct-horse-battery', name: '小林 翔' };
const PASSWORD = 'sakura-password-2026';

interface Member {
  id: string;
  email: string;
}

/**
 * Issue 9 §5 on the store screens: 中村 さくら, manager of 渋谷店, opens the キャンペーン tab, saves a segment (with
 * no condition: every member — the server holds it to her store's), writes a campaign and sends it. The two
 * members whose home store is 渋谷 find it in お知らせ; the member of 新宿店 next door gets nothing. A clerk of the
 * same store has no キャンペーン tab.
 */
describe.skipIf(!hasChromium)('a store manager sends a campaign to her store’s members', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya: string;
  const members: Record<'shibuya1' | 'shibuya2' | 'shinjuku', Member> = {} as never;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.6618, lng: 139.7041, city: '渋谷区' });
    const shinjuku = await createStore(musubi, { name: '結び 新宿店', lat: 35.6896, lng: 139.7006, city: '新宿区' });
    await musubi.api('POST', '/api/staff', { ...MANAGER, role: 'store_manager', locationIds: [shibuya] });
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [shibuya] });
    for (const [key, home, name] of [
      ['shibuya1', shibuya, '佐藤 愛子'],
      ['shibuya2', shibuya, '鈴木 花'],
      ['shinjuku', shinjuku, '高橋 美咲'],
    ] as const) {
      const email = `${key}@e2e.example`;
      const r = await musubi.api<{ customer: { id: string } }>('POST', '/api/customer-auth/register', {
        email,
        password: PASSWORD,
        name,
      });
      await musubi.server.database.db.execute(
        sql`UPDATE customers SET home_location_id = ${home} WHERE id = ${r.customer.id}`,
      );
      members[key] = { id: r.customer.id, email };
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  async function openCampaigns(page: Page, who: { email: string; password: string }) {
    await page.goto(`${musubi.baseUrl}/store`);
    await page.waitForURL('**/store/login');
    await staffLogin(page, who);
    await page.locator(`a[href="/store/${shibuya}/stock"]`).click();
    await page.waitForURL(`**/store/${shibuya}/stock`);
  }

  async function campaignNotices(email: string): Promise<string[]> {
    const login = await musubi.api<{ token: string }>('POST', '/api/customer-auth/login', {
      email,
      password: PASSWORD,
    });
    const inbox = await musubi.api<{ items: Array<{ kind: string; title: string }> }>(
      'GET',
      '/api/account/notifications',
      undefined,
      login.token,
    );
    return inbox.items.filter((n) => n.kind === 'campaign').map((n) => n.title);
  }

  it('the 渋谷 manager saves a segment and sends a campaign from the キャンペーン tab: only 渋谷’s members get it', async () => {
    const page = await openDesk(browser);
    page.on('dialog', (d) => void d.accept());
    await openCampaigns(page, MANAGER);
    await page.getByRole('link', { name: 'キャンペーン' }).click();
    await page.waitForURL(`**/store/${shibuya}/campaigns`);
    await page.getByRole('heading', { name: '店舗のキャンペーン' }).waitFor();

    // Her segment: no condition, so every member — of her store: 2, not 3.
    await page.getByRole('button', { name: '新しいセグメント' }).click();
    await page.getByLabel('名前').fill('渋谷店の全会員');
    await expect.poll(() => page.locator('.segment-count').textContent()).toBe('2 人');
    await page.getByText('店舗では人数だけを表示します。').waitFor();
    expect(await page.getByText('佐藤 愛子').count()).toBe(0); // browsing members is head office's
    expect(await page.getByRole('button', { name: '会員を CSV でダウンロード' }).count()).toBe(0);
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByText('セグメントを保存しました。').waitFor();
    await page.getByRole('button', { name: '閉じる' }).click();
    await page.locator('table').getByText('結び 渋谷店の会員').first().waitFor();

    // Her campaign: no trigger kinds to choose (head office's), and its scope shown.
    expect(await page.getByLabel('配信の種類').count()).toBe(0);
    await page.getByLabel('キャンペーン名').fill('週末セール');
    await page.getByLabel('配信先セグメント').selectOption({ label: '渋谷店の全会員' });
    await page.getByLabel('タイトル').fill('週末は渋谷店へ');
    await page.getByLabel('本文').fill('土日は店内全品ポイント2倍です。');
    await page.getByLabel('ホールドアウト (%)').fill('0');
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await expect.poll(() => page.getByTestId('campaign-scope').textContent()).toBe('結び 渋谷店の会員');
    await page.getByText('現在の対象: 2 人').waitFor();
    await screenshot(page, 'store-campaigns-desk');
    await page.getByRole('button', { name: '今すぐ配信' }).click();
    await page.getByText('配信を開始しました。').waitFor();
    expect(await page.locator('.campaign-counts div', { hasText: '配信数' }).locator('dd').textContent()).toBe('2');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.context().close();

    expect(await campaignNotices(members.shibuya1.email)).toEqual(['週末は渋谷店へ']);
    expect(await campaignNotices(members.shibuya2.email)).toEqual(['週末は渋谷店へ']);
    expect(await campaignNotices(members.shinjuku.email)).toEqual([]);
  });

  it('on her phone (390 px) the tab fits the screen, in Japanese; a clerk has no キャンペーン tab', async () => {
    const phone = await openPhone(browser);
    await openCampaigns(phone, MANAGER);
    await phone.goto(`${musubi.baseUrl}/store/${shibuya}/campaigns`);
    await phone.getByRole('button', { name: '週末セール' }).waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const text = await phone.locator('main').innerText();
    expect(text).not.toMatch(/\b(loc|cmp|seg)_[0-9a-z]+/); // no raw ids on a Japanese screen
    await screenshot(phone, 'store-campaigns-phone');
    await phone.context().close();

    const clerk = await openDesk(browser);
    await openCampaigns(clerk, CLERK);
    await clerk.getByRole('link', { name: '在庫' }).waitFor();
    expect(await clerk.getByRole('link', { name: 'キャンペーン' }).count()).toBe(0);
    await clerk.context().close();
  });
});
