import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium)
  console.warn('e2e/loyalty-triggers.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const YUI = { email: 'yui.loyalty@e2e.example', password: 'correct-horse-battery', name: '森 結衣' };

/** Head office sets up the three triggers every Japanese points programme sends, on a desk and on a phone. */
describe.skipIf(!hasChromium)('head office: 誕生日, ランクアップ and ポイント失効間近 on the campaign form', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    await musubi.api('POST', '/api/staff', { ...YUI, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  async function signIn(page: Page) {
    await page.goto(`${musubi.baseUrl}/hq/campaigns`);
    await page.waitForURL('**/login**');
    await staffLogin(page, YUI);
    await page.waitForURL('**/hq/campaigns');
  }

  it('ポイント失効間近 comes with its usual words and settings, and the campaign reads its condition in Japanese (1280 px)', async () => {
    const page = await openDesk(browser);
    await signIn(page);
    await page.getByLabel('キャンペーン名').fill('ポイント失効のお知らせ');
    await page.getByLabel('配信の種類').selectOption({ label: 'ポイント失効間近 (常時)' });
    expect(await page.getByLabel('タイトル').inputValue()).toBe('まもなく失効するポイントがあります');
    expect(await page.getByLabel('失効までの日数').inputValue()).toBe('30');
    expect(await page.getByLabel('対象となるポイント数 (以上)').inputValue()).toBe('100');
    expect(await page.getByLabel('同じ会員に再び送るまでの日数').inputValue()).toBe('30');
    await screenshot(page, 'loyalty-triggers-form-1280');
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await page.getByText('30 日以内に 100 ポイント以上が失効').waitFor();
    await page.close();
  });

  it('誕生日 and ランクアップ on a phone (390 px): their settings, nothing wider than the screen', async () => {
    const page = await openPhone(browser);
    await signIn(page);
    await page.getByLabel('キャンペーン名').fill('お誕生日のお祝い');
    await page.getByLabel('配信の種類').selectOption({ label: '誕生日 (常時)' });
    expect(await page.getByLabel('タイトル').inputValue()).toBe('{{name}}様、お誕生日おめでとうございます');
    await page.getByLabel('誕生日の何日前に送るか').fill('3');
    await screenshot(page, 'loyalty-triggers-birthday-390');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await page.getByText('誕生日の 3 日前 · 年に1回').waitFor();

    await page.goto(`${musubi.baseUrl}/hq/campaigns`);
    await page.getByLabel('キャンペーン名').fill('ランクアップ');
    await page.getByLabel('配信の種類').selectOption({ label: 'ランクアップ (常時)' });
    expect(await page.getByLabel('タイトル').inputValue()).toBe('{{tier}}会員になりました');
    expect(await page.getByLabel('同じ会員に再び送るまでの日数').inputValue()).toBe('1');
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await page.getByText('会員ランクが上がったとき').waitFor();
    await screenshot(page, 'loyalty-triggers-tier-390');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });
});
