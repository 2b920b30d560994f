import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';
import { monochromePng } from '../server/src/test/png.ts';

if (!hasChromium) console.warn('e2e/business.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const OWNER = { email: 'kaito.owner@e2e.example', password: 'correct-horse-battery', name: '山口 海斗' };
const HQ = { email: 'mei.hq@e2e.example', password: 'correct-horse-battery', name: '森 芽衣' };

/**
 * 会社情報・インボイス in a real browser: the owner types the registration number as it is printed on the
 * tax office's notice (with hyphens); a wrong check digit is refused at the field in Japanese; saved, the API
 * has it; head office sees it but cannot change it; the phone layout fits.
 */
describe.skipIf(!hasChromium)('head office: 会社情報・インボイス', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    await musubi.api('POST', '/api/staff', { ...OWNER, role: 'owner', locationIds: [] });
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('the owner sets the business and its registration number; head office reads it', async () => {
    const page = await openDesk(browser);
    await page.goto(`${musubi.baseUrl}/hq/business`);
    await page.waitForURL('**/{store,hq}/login**');
    await staffLogin(page, OWNER);
    await page.waitForURL('**/hq/business');
    await page.getByRole('heading', { name: '会社情報・インボイス' }).waitFor();
    await page.getByText('登録番号が未設定です。').waitFor();
    const name = page.getByLabel('事業者名');
    await expect.poll(() => name.isEnabled()).toBe(true);
    await name.fill('結び商事株式会社');
    const number = page.getByLabel('登録番号');
    await number.fill('T2180-3010-1877-1'); // one digit wrong
    await page.getByLabel('住所').fill('東京都目黒区自由が丘1-2-3');
    await page.getByLabel('電話番号').fill('03-0000-2000');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByText('登録番号は T に続く13桁の数字です').first().waitFor();
    expect((await musubi.api<{ name: string }>('GET', '/api/business')).name).toBe(''); // nothing saved
    await number.fill('T1180-3010-1877-1');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByText('保存しました。').waitFor();
    expect(await number.inputValue()).toBe('T1180301018771'); // as the server keeps it
    await screenshot(page, 'hq-business-desk');
    expect(await musubi.api('GET', '/api/business')).toMatchObject({
      name: '結び商事株式会社',
      registrationNumber: 'T1180301018771',
      address: '東京都目黒区自由が丘1-2-3',
    });
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/\b(undefined|null|business|registration)\b/);

    // The receipt logo: one too wide for the 80 mm printer is refused in Japanese; a fitting one is shown.
    const logo = page.getByTestId('business-logo');
    await logo.getByText('ロゴは未設定です。').waitFor();
    const file = logo.locator('input[type=file]');
    await file.setInputFiles({ name: 'wide.png', mimeType: 'image/png', buffer: monochromePng(800, 60) });
    await logo.getByText('ロゴは幅576ドット').waitFor();
    await file.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: monochromePng(240, 60) });
    await logo.getByText('ロゴを保存しました。').waitFor();
    await expect.poll(() => logo.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(240);
    expect((await musubi.api<{ logo: string | null }>('GET', '/api/business')).logo).toMatch(/logo\.png/);
    await screenshot(page, 'hq-business-logo');

    const phone = await openPhone(browser);
    await phone.goto(`${musubi.baseUrl}/hq/business`);
    await phone.waitForURL('**/{store,hq}/login**');
    await staffLogin(phone, HQ);
    await phone.waitForURL('**/hq/business');
    await phone.getByText('変更できるのはオーナーだけです。').waitFor();
    // the note shows with the session; the number arrives with GET /api/business just after
    await expect.poll(() => phone.getByLabel('登録番号').inputValue()).toBe('T1180301018771');
    expect(await phone.getByLabel('登録番号').isEnabled()).toBe(false);
    expect(await phone.getByRole('button', { name: '保存する' }).count()).toBe(0);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone, 'hq-business-phone');
  });
});
