import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { query } from '../server/src/platform/db/connection.ts';
import { sendCampaign } from '../server/src/modules/engagement/campaigns.ts';
import { fakePushService, testBrowser, type FakePushService } from '../server/src/test/partners.ts';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/push.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

// No internet here, so no real push service: the browser's PushManager.subscribe is answered with an
// endpoint on a local receiver (http on loopback, allowed for tests) and keys this test holds, so it can
// read what the server sends exactly as her browser would.
process.env.PUSH_ALLOW_LOOPBACK_HTTP = '1';

const AIKO = { email: 'aiko.push@e2e.example', password: 'sakura-password-2026', name: '山田 愛子' };

describe.skipIf(!hasChromium)('a member turns on push notifications and a campaign reaches her phone', () => {
  let musubi: Musubi;
  let browser: Browser;
  let service: FakePushService;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    service = await fakePushService();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await musubi?.close();
  });

  it('「プッシュ通知を受け取る」 asks the browser, registers the worker, records her consent; the campaign arrives readable only to her and its link opens the shop', async () => {
    const aiko = await musubi.api<{ customer: { id: string } }>('POST', '/api/customer-auth/register', AIKO);
    const phone = testBrowser();
    const endpoint = `${service.url}/send/aiko-phone`;
    const page = await openPhone(browser);
    await page.context().grantPermissions(['notifications'], { origin: musubi.baseUrl });
    await page.addInitScript(
      ({ endpoint, keys }) => {
        // Kept across page loads, as a browser keeps its subscription.
        const flag = 'e2e-push-subscribed';
        const subscription = {
          endpoint,
          expirationTime: null,
          toJSON: () => ({ endpoint, expirationTime: null, keys }),
          unsubscribe: async () => (localStorage.removeItem(flag), true),
        };
        PushManager.prototype.subscribe = async function () {
          localStorage.setItem(flag, '1');
          return subscription as unknown as PushSubscription;
        };
        PushManager.prototype.getSubscription = async function () {
          return (localStorage.getItem(flag) ? subscription : null) as unknown as PushSubscription | null;
        };
      },
      { endpoint, keys: phone.keys },
    );

    await page.goto(`${musubi.baseUrl}/account/consents`);
    await page.waitForURL('**/account/login?next=*');
    await page.getByLabel('メールアドレス').fill(AIKO.email);
    await page.getByLabel('パスワード').fill(AIKO.password);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('button', { name: 'プッシュ通知を受け取る' }).click();
    await page.getByText('この端末でプッシュ通知を受け取っています。').waitFor();
    // The switch shows her yes at once, and the history has it from the server.
    expect(await page.getByRole('switch', { name: 'プッシュ通知 · セール・キャンペーンのお知らせ' }).isChecked()).toBe(
      true,
    );
    const worker = await page.evaluate(
      async () => (await navigator.serviceWorker.getRegistration('/'))?.active?.scriptURL,
    );
    expect(worker).toBe(`${musubi.baseUrl}/sw.js`); // the app's worker (installable app and push in one)
    await screenshot(page, 'account-push');

    // Yui sends 「雨の日は渋谷店へ」 to members who take push offers (at noon in Tokyo: not quiet hours).
    const segment = await musubi.api<{ id: string }>('POST', '/api/segments', {
      name: 'プッシュ通知を受け取る会員',
      rules: { conditions: [{ field: 'consent', channel: 'push' }] },
    });
    const campaign = await musubi.api<{ id: string }>('POST', '/api/campaigns', {
      name: '雨の日クーポン',
      segmentId: segment.id,
      title: '雨の日は渋谷店へ',
      body: '本日ご来店の方に、レジで使えるクーポンをお届けします。',
      link: '/shop',
      holdoutPercent: 0,
    });
    const owner = await musubi.api<{ id: string }>('POST', '/api/staff', {
      email: 'yui.push@e2e.example',
      name: '森 結衣',
      password: 'correct-horse-battery',
      role: 'owner',
      locationIds: [],
    });
    const noon = new Date(new Date().toISOString().slice(0, 10) + 'T03:00:00Z');
    await sendCampaign(
      musubi.server.database.db,
      { kind: 'staff', staffId: owner.id, name: '森 結衣', role: 'owner', locationIds: [] },
      campaign.id,
      { now: noon },
    );
    await musubi.server.dispatcher.drain();

    const received = service.received.filter((r) => r.path === '/send/aiko-phone');
    expect(received).toHaveLength(1);
    const message = JSON.parse(phone.decrypt(received[0]!.body)) as { title: string; body: string; url: string };
    expect(message).toMatchObject({
      title: '雨の日は渋谷店へ',
      body: '本日ご来店の方に、レジで使えるクーポンをお届けします。',
    });

    // Her tap opens the link (the worker opens it on this site): counted, and she is in the shop.
    await page.goto(new URL(message.url, musubi.baseUrl).href);
    await page.waitForURL(`${musubi.baseUrl}/shop`);
    const detail = await musubi.api<{
      progress: { channels: Array<{ channel: string; sent: number; clicked: number }> };
    }>('GET', `/api/campaigns/${campaign.id}`);
    expect(detail.progress.channels.find((c) => c.channel === 'push')).toMatchObject({ sent: 1, clicked: 1 });
    // Yui sees it on the campaign page: プッシュ通知, 送信 1, クリック 1.
    const hq = await openDesk(browser);
    await hq.goto(`${musubi.baseUrl}/hq/campaigns`);
    await hq.waitForURL('**/login**');
    await staffLogin(hq, { email: 'yui.push@e2e.example', password: 'correct-horse-battery' });
    await hq.waitForURL('**/hq/campaigns');
    await hq.getByRole('button', { name: '雨の日クーポン' }).click();
    const row = hq.locator('.campaign-panel tr', { hasText: 'プッシュ通知' });
    await row.waitFor();
    const headers = await hq.locator('.campaign-panel thead th').allTextContents();
    const cells = await row.locator('td').allTextContents();
    expect(cells[headers.indexOf('送信済み')]).toBe('1');
    expect(cells[headers.indexOf('クリック')]).toBe('1');
    await screenshot(hq, 'hq-campaign-push');
    await hq.context().close();

    // 「この端末では受け取らない」: the server forgets this browser.
    await page.goto(`${musubi.baseUrl}/account/consents`);
    await page.getByRole('button', { name: 'この端末では受け取らない' }).click();
    await page.getByRole('button', { name: 'プッシュ通知を受け取る' }).waitFor();
    const [left] = await query<{ n: number }>(
      musubi.server.database.db,
      sql`SELECT count(*)::int AS n FROM push_subscriptions WHERE customer_id = ${aiko.customer.id}`,
    );
    expect(left?.n).toBe(0);
  });
});
