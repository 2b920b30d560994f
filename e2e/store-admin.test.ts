import { readFile } from 'node:fs/promises';
import { fakePrinter } from './support/printer.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createStore, ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/store-admin.test.ts: /usr/bin/chromium not found, so it is skipped.');

const OWNER = { email: 'kaito.owner@store-admin.example', password: 'correct-horse-battery', name: '山口 海斗' };
const HQ = { email: 'mei.hq@store-admin.example', password: 'correct-horse-battery', name: '森 芽衣' };
const MANAGER = { email: 'aoi.manager@store-admin.example', password: 'correct-horse-battery', name: '高橋 葵' };

/** 「テスト印刷」 in Shift_JIS, as the printer reads it. */
const TEST_PRINT = Buffer.from([0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0x88, 0xf3, 0x8d, 0xfc]);

async function noOverflow(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** No English word of the code (ids, field names, null) on a Japanese screen. */
async function japaneseOnly(page: Page) {
  const text = (await page.locator('main').innerText()) ?? '';
  expect(text).not.toMatch(/\b(undefined|null|NaN|loc_\w+|stf_\w+|location|printer|openingHours|pickupDays)\b/);
}

/**
 * 店舗設定 and 操作履歴 in a real browser (issue 11 §5): head office changes a store's hours and delivery
 * radius from 店舗; the store's manager reaches her own store's settings from beside its name, sets its
 * receipt printer and prints a test slip (to a receiver on 127.0.0.1), and cannot change another store; the
 * owner sees both changes in 操作履歴, in Japanese, and downloads them as CSV.
 */
describe.skipIf(!hasChromium)('store administration and the audit trail', () => {
  let musubi: Musubi;
  let browser: Browser;
  let jiyugaoka: string;
  let shimokita: string;
  const printer = fakePrinter();
  let printerPort = 0;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi({ env: { RECEIPT_PRINTER_TIMEOUT_MS: '2000' } });
    jiyugaoka = await createStore(musubi, { name: '結び 自由が丘店', lat: 35.6076, lng: 139.6688, city: '目黒区' });
    shimokita = await createStore(musubi, { name: '結び 下北沢店', lat: 35.6613, lng: 139.6681, city: '世田谷区' });
    await musubi.api('POST', '/api/staff', { ...OWNER, role: 'owner', locationIds: [] });
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    await musubi.api('POST', '/api/staff', { ...MANAGER, role: 'store_manager', locationIds: [jiyugaoka] });
    printerPort = await printer.listen();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await printer.close();
    await musubi?.close();
  });

  it('head office changes a store’s Monday hours and delivery radius from 店舗', async () => {
    const page = await openDesk(browser);
    await page.goto(`${musubi.baseUrl}/hq/stores`);
    await page.waitForURL('**/{store,hq}/login**');
    await staffLogin(page, HQ);
    await page.waitForURL('**/hq/stores');
    await page.getByRole('heading', { name: '店舗', exact: true }).waitFor();
    await page.getByRole('link', { name: '結び 下北沢店' }).first().waitFor();
    await noOverflow(page);
    await japaneseOnly(page);
    await screenshot(page, 'hq-stores-desk');

    await page.getByRole('link', { name: '結び 自由が丘店' }).first().click();
    await page.waitForURL(`**/hq/stores/${jiyugaoka}`);
    const close = page.getByLabel('月曜 閉店');
    await close.waitFor();
    await expect.poll(() => close.inputValue()).toBe('21:00');
    await close.fill('22:00');
    await page.getByLabel('近隣への配達').check();
    await page.getByLabel('配達範囲（km）').fill('3.5');
    await page.getByRole('button', { name: '店舗設定を保存する' }).click();
    await page.getByText('保存しました。').waitFor();
    const saved = await musubi.api<{
      openingHours: Record<string, { open: string; close: string } | null>;
      services: { deliveryRadiusKm: number | null };
    }>('GET', `/api/locations/${jiyugaoka}`);
    expect(saved.openingHours.mon).toEqual({ open: '10:00', close: '22:00' });
    expect(saved.services.deliveryRadiusKm).toBe(3.5);
    // Delivery now offered: its slot capacity is on the same screen.
    await page.locator('.slot-capacity[data-kind="delivery"]').waitFor();
    await noOverflow(page);
    await japaneseOnly(page);
    await screenshot(page, 'hq-store-settings-desk');
  });

  it('the manager sets her store’s printer and test-prints it from 店舗設定, and cannot change another store', async () => {
    const page = await openPhone(browser);
    await page.goto(`${musubi.baseUrl}/store`);
    await page.waitForURL('**/{store,hq}/login');
    await staffLogin(page, MANAGER);
    await page.locator(`a[href="/store/${jiyugaoka}/stock"]`).click();
    await page.waitForURL(`**/store/${jiyugaoka}/stock`);
    await page.getByRole('link', { name: '店舗設定' }).click();
    await page.waitForURL(`**/store/${jiyugaoka}/settings`);
    await page.getByRole('heading', { name: /店舗設定/ }).waitFor();
    // The name and address are head office's; the hours are hers.
    await expect.poll(() => page.getByLabel('店舗名').isDisabled()).toBe(true);
    expect(await page.getByLabel('月曜 閉店').isEnabled()).toBe(true);
    await page.getByText('店舗名と住所はレシートと地図に載るため、本部が変更します。').waitFor();

    const form = page.getByTestId('printer-form');
    await form.getByText('まだ設定されていません。').waitFor();
    await form.getByLabel('プリンターのアドレス（IP アドレスまたはホスト名）').fill('127.0.0.1');
    await form.getByLabel('ポート番号').fill(String(printerPort));
    await form.getByLabel('会計のたびに自動で印刷する').check();
    await form.getByRole('button', { name: 'プリンター設定を保存する' }).click();
    await form.getByText('プリンター設定を保存しました。').waitFor();
    await form.getByRole('button', { name: 'テスト印刷' }).click();
    await form.getByText('テスト印刷を送りました。').waitFor();
    await expect.poll(() => printer.jobs.length).toBe(1);
    expect(printer.jobs[0]!.includes(TEST_PRINT)).toBe(true);
    await noOverflow(page);
    await japaneseOnly(page);
    await screenshot(page, 'store-settings-phone');

    // Another store: read-only on screen, refused by the API.
    await page.goto(`${musubi.baseUrl}/store/${shimokita}/settings`);
    await page.getByText('設定を変更できるのは店長と本部です。').waitFor();
    expect(await page.getByLabel('月曜 閉店').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: '店舗設定を保存する' }).count()).toBe(0);
    const login = await musubi.api<{ token: string }>('POST', '/api/auth/login', {
      email: MANAGER.email,
      password: MANAGER.password,
    });
    await expect(musubi.api('PATCH', `/api/locations/${shimokita}`, { pickupDays: 2 }, login.token)).rejects.toThrow(
      /→ 403/,
    );
    await expect(
      musubi.api('PUT', `/api/locations/${shimokita}/receipt-printer`, { host: '127.0.0.1' }, login.token),
    ).rejects.toThrow(/→ 403/);
  });

  it('the owner sees both changes in 操作履歴, in Japanese, filters them and downloads the CSV', async () => {
    const page = await openDesk(browser);
    await page.goto(`${musubi.baseUrl}/hq/audit`);
    await page.waitForURL('**/{store,hq}/login**');
    await staffLogin(page, OWNER);
    await page.waitForURL('**/hq/audit');
    await page.getByRole('heading', { name: '操作履歴' }).waitFor();
    const hours = page.locator('tr[data-action="location.updated"]');
    await hours.waitFor();
    const hoursText = await hours.innerText();
    expect(hoursText).toContain('森 芽衣');
    expect(hoursText).toContain('店舗設定の変更');
    expect(hoursText).toContain('結び 自由が丘店');
    expect(hoursText).toContain('月曜の営業時間: 10:00〜21:00 → 10:00〜22:00');
    expect(hoursText).toContain('配達範囲: なし → 3.5 km');
    const print = page.locator('tr[data-action="printer.updated"]');
    const printText = await print.innerText();
    expect(printText).toContain('高橋 葵');
    expect(printText).toContain('レシートプリンター設定の変更');
    expect(printText).toContain('プリンターのアドレス: なし → 127.0.0.1');
    expect(printText).toContain('自動印刷: なし → あり');
    // The store links to its settings.
    expect(await hours.getByRole('link', { name: '結び 自由が丘店' }).getAttribute('href')).toBe(
      `/hq/stores/${jiyugaoka}`,
    );
    await noOverflow(page);
    await japaneseOnly(page);
    await screenshot(page, 'hq-audit-desk');

    // Filters: by staff, then by the other store (nothing there).
    await page.getByLabel('スタッフ', { exact: true }).selectOption({ label: MANAGER.name });
    await page.waitForURL('**/hq/audit?actor=*');
    await expect.poll(() => page.locator('tr[data-action]').count()).toBe(1);
    await page.getByLabel('店舗', { exact: true }).selectOption({ label: '結び 下北沢店' });
    await page.getByText('該当する操作はありません。').waitFor();
    await page.getByRole('button', { name: '条件をクリア' }).click();
    await page.getByLabel('操作', { exact: true }).selectOption({ label: 'レシートプリンター設定の変更' });
    await expect.poll(() => page.locator('tr[data-action]').count()).toBe(1);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSVダウンロード' }).click(),
    ]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF日時,スタッフ,操作,対象,店舗')).toBe(true);
    expect(csv).toContain('高橋 葵,レシートプリンター設定の変更,結び 自由が丘店');
    expect(csv).toContain('\r\n');

    const phone = await openPhone(browser);
    await phone.goto(`${musubi.baseUrl}/hq/audit`);
    await phone.waitForURL('**/{store,hq}/login**');
    await staffLogin(phone, OWNER);
    await phone.waitForURL('**/hq/audit');
    await phone.locator('tr[data-action="location.updated"]').waitFor();
    await noOverflow(phone);
    await japaneseOnly(phone);
    await screenshot(phone, 'hq-audit-phone');
  });
});
