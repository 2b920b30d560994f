import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { e2eJan, ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium)
  console.warn(
    'e2e/imports.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const HQ = { email: 'aoi.hq@e2e.example', password: 'correct-horse-battery', name: '高橋 葵' };

/** 商品マスタ as Excel on Japanese Windows saves it: Shift_JIS, CRLF. Line 3's JAN has a wrong check digit. */
function productFile(broken: boolean) {
  const [a, b, c] = [e2eJan(), e2eJan(), e2eJan()];
  const bad = `${b.slice(0, 12)}${(Number(b[12]) + 1) % 10}`;
  const lines = [
    '品番,SKU,JANコード,商品名,商品名カナ,税率,価格(税込),属性:サイズ',
    `LN-01,LN-01-M-${a},${a},リネンシャツ,リネンシャツ,10%,"¥4,980",M`,
    `LN-01,LN-01-L-${b},${broken ? bad : b},リネンシャツ,リネンシャツ,10%,"¥4,980",L`,
    `CF-01,CF-01-${c},${c},ドリップコーヒー,ドリップコーヒー,${broken ? '5' : '8'},540,`,
  ];
  return iconv.encode(lines.join('\r\n') + '\r\n', 'cp932');
}

async function openImports(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/hq/imports`);
  await page.waitForURL('**/{store,hq}/login?next=*');
  await staffLogin(page, HQ);
  await page.waitForURL('**/hq/imports');
}

async function check(page: Page, name: string, file: Buffer) {
  await page.getByLabel('取込の種類').selectOption('products');
  await page.getByLabel('CSV ファイル').setInputFiles({ name, mimeType: 'text/csv', buffer: file });
  await page.getByRole('button', { name: '内容を確認（ドライラン）' }).click();
  await page.locator(`.import-job h2:has-text("${name}")`).waitFor();
}

/**
 * Head office imports a Shift_JIS 商品マスタ in a real browser: the dry run shows the counts and each broken cell
 * (line, column, reason in Japanese) and offers no run; the fixed file runs and the progress reaches 完了.
 * On a phone (390 px) the same screen fits without sideways scrolling.
 */
describe.skipIf(!hasChromium)('head office: CSV 取込 with a dry run', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('lists the broken rows of a Shift_JIS file, refuses to run it, then runs the fixed file to the end (1280 px)', async () => {
    const page = await openDesk(browser);
    await openImports(page, musubi.baseUrl);
    await check(page, '商品マスタ_エラーあり.csv', productFile(true));
    const job = page.locator('.import-job');
    await expect.poll(() => job.getAttribute('data-status')).toBe('refused');
    await expect.poll(() => job.innerText()).toContain('Shift_JIS');
    expect(await job.locator('[data-count="create"] dd').innerText()).toBe('1');
    expect(await job.locator('[data-count="error"] dd').innerText()).toBe('2');
    const errors = job.locator('[data-testid="row-error"]');
    expect(await errors.count()).toBe(2);
    expect(await errors.nth(0).innerText()).toMatch(/3[\s\S]*JANコード[\s\S]*チェックデジットが正しくありません/);
    expect(await errors.nth(1).innerText()).toMatch(/4[\s\S]*税率[\s\S]*税率は 10 または 8 です/);
    expect(await job.getByTestId('run').count()).toBe(0);
    await screenshot(page, 'hq-imports-dry-run');

    await check(page, '商品マスタ.csv', productFile(false));
    await expect.poll(() => job.getAttribute('data-status')).toBe('checked');
    expect(await job.locator('[data-count="create"] dd').innerText()).toBe('3');
    await job.getByTestId('run').click();
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 20_000 }).toBe('done');
    expect(await job.innerText()).toContain('新規 3・更新 0・変更なし 0');
    expect(await job.getByTestId('progress').innerText()).toContain('3 / 3 行');
    await page.close();
  }, 120_000);

  it('fits a phone (390 px): counts two by two, the error table as cards, no sideways scrolling', async () => {
    const phone = await openPhone(browser);
    await openImports(phone, musubi.baseUrl);
    await check(phone, '商品マスタ_スマホ.csv', productFile(true));
    const job = phone.locator('.import-job');
    await expect.poll(() => job.getAttribute('data-status')).toBe('refused');
    expect(await job.locator('[data-testid="row-error"]').count()).toBe(2);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, 'hq-imports-phone');
    await phone.close();
  }, 60_000);
});
