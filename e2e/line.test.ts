import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { query } from '../server/src/platform/db/connection.ts';
import { fakeLine, type FakeLine } from '../server/src/test/partners.ts';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot } from './support/browser.ts';
import { ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/line.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const CHANNEL = { channelId: '1657000099', channelSecret: 'e2e-line-login-secret' };
const AIKO = { email: 'aiko.line@e2e.example', password: 'sakura-password-2026', name: '山田 愛子' };
const LINE_USER = 'U0123456789abcdef0123456789abcdef';

describe.skipIf(!hasChromium)('a member links her LINE account from お知らせの設定', () => {
  let musubi: Musubi;
  let browser: Browser;
  let line: FakeLine;

  beforeAll(async () => {
    await ensureWebBuilt();
    line = await fakeLine(CHANNEL);
    // LINE's authorize page and token endpoint are the loopback double.
    process.env.LINE_LOGIN_CHANNEL_ID = CHANNEL.channelId;
    process.env.LINE_LOGIN_CHANNEL_SECRET = CHANNEL.channelSecret;
    process.env.LINE_LOGIN_URL = line.url;
    process.env.LINE_API_URL = line.url;
    musubi = await startMusubi();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
    await line?.close();
  });

  for (const [size, open] of [
    ['phone', openPhone],
    ['desk', openDesk],
  ] as const)
    it(`「LINEと連携する」 goes to LINE and back, and she is linked with LINE offers on (${size})`, async () => {
      const email = `${size}.${AIKO.email}`;
      const aiko = await musubi.api<{ customer: { id: string } }>('POST', '/api/customer-auth/register', {
        ...AIKO,
        email,
      });
      line.signedInAs = size === 'phone' ? LINE_USER : LINE_USER.replace('U0', 'U1');
      const page = await open(browser);
      await page.goto(`${musubi.baseUrl}/account/consents`);
      await page.waitForURL('**/account/login?next=*');
      await page.getByLabel('メールアドレス').fill(email);
      await page.getByLabel('パスワード').fill(AIKO.password);
      await page.getByRole('button', { name: 'ログイン' }).click();
      await page.getByRole('button', { name: 'LINEと連携する' }).waitFor();
      await screenshot(page, `account-line-${size}`);
      await page.getByLabel('LINEでクーポンやお得なお知らせを受け取る').check();
      await page.getByRole('button', { name: 'LINEと連携する' }).click();
      await page.getByText('LINEと連携しました。LINEでお得なお知らせをお届けします。').waitFor();
      expect(new URL(page.url()).pathname).toBe('/account/line');
      const rows = await query<{ value: string }>(
        musubi.server.database.db,
        sql`SELECT value FROM customer_identifiers WHERE customer_id = ${aiko.customer.id} AND kind = 'line'`,
      );
      expect(rows.map((r) => r.value)).toEqual([line.signedInAs]);
      await page.getByRole('link', { name: 'お知らせの設定に戻る' }).click();
      await page.getByRole('button', { name: 'LINEとの連携を解除する' }).waitFor();
      await page.close();
    });

  it('coming back without a code (she cancelled at LINE) says so in Japanese', async () => {
    line.signedInAs = null;
    const email = `cancel.${AIKO.email}`;
    await musubi.api('POST', '/api/customer-auth/register', { ...AIKO, email });
    const page = await openPhone(browser);
    await page.goto(`${musubi.baseUrl}/account/consents`);
    await page.waitForURL('**/account/login?next=*');
    await page.getByLabel('メールアドレス').fill(email);
    await page.getByLabel('パスワード').fill(AIKO.password);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('button', { name: 'LINEと連携する' }).click();
    await page.getByText('LINEでの連携が完了しませんでした').waitFor();
    await page.close();
  });
});
