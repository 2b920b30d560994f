import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import type { Browser, Locator, Page } from 'playwright-core';
import { query } from '../server/src/platform/db/connection.ts';
import { seedDemoIfEmpty } from '../server/src/demo/seed.ts';
import { AIKO_EMAIL, AIKO_ID } from '../server/src/demo/customers.ts';
import { DEMO_PASSWORD } from '../server/src/demo/staff.ts';
import { NEAR_SHIBUYA_SEGMENT_ID, RAIN_COUPON_ID } from '../server/src/demo/engagement.ts';
import { SHIBUYA_STORE_ID, SHOWCASE } from '../server/src/demo/showcase.ts';
import { addIdentifiers } from '../server/src/modules/customers/service.ts';
import { quietUntil } from '../server/src/modules/engagement/campaigns.ts';
import {
  fakeLineMessaging,
  fakePushService,
  testBrowser,
  type FakeLineMessaging,
  type FakePushService,
  type TestBrowser,
} from '../server/src/test/partners.ts';
import {
  hasChromium,
  launchChromium,
  openDesk,
  openPhone,
  openStoreAs,
  screenshot,
  staffLogin,
} from './support/browser.ts';
import { ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium)
  console.warn('e2e/scenario-o2o.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const YUI = { email: 'hq@demo.musubi.jp', password: DEMO_PASSWORD }; // 佐藤 由衣, head office's marketer
const CLERK = { email: 'shibuya@demo.musubi.jp', password: DEMO_PASSWORD }; // 鈴木 健太 at 渋谷店
const AIKO = { email: AIKO_EMAIL, password: DEMO_PASSWORD }; // 田中 愛子, lives by 渋谷店
const CAMPAIGN = '雨の日 渋谷店';
const KEY = (id: string) => `campaign:${id}`;
/** Her LINE user id, as LINE Login would link it (that screen is built elsewhere; here it is written directly). */
const AIKO_LINE = `U${'a1c0'.repeat(8)}`;

/**
 * The scenario of issue 9 §4, in real Chromium over the demo chain: Yui (head office) previews
 * 「渋谷店から2km以内の会員」 and sends the draft 「雨の日 渋谷店」 with the 雨の日 coupon; Aiko gets it in her
 * inbox, by Web Push and on LINE (loopback doubles); at the 渋谷店 till the clerk scans her member code, the
 * coupon takes 20 % off the umbrella and she pays cash; the campaign page counts one store sale the message
 * earned and one coupon used, and the members held out got nothing.
 *
 * The campaign is the demo's own draft because its holdout draw is fixed (a stable md5 of the campaign and
 * the member): with it, Aiko is messaged and some neighbours are held out, every run. Its sending time is
 * the real one, so at night (21:00–08:00 in Japan) LINE and push wait for the morning; the test checks they
 * waited, then lets the morning come.
 */
describe.skipIf(!hasChromium)('scenario: a rainy-day coupon brings Aiko to the Shibuya store', () => {
  let musubi: Musubi;
  let browser: Browser;
  let pushService: FakePushService;
  let line: FakeLineMessaging;
  let phoneKeys: TestBrowser;
  let aikoPhone: Page;
  /** Yui's office screen, open from sending to reading the results. */
  let yui: Page;
  /** Where her push notification opens when she taps it. */
  let pushUrl: string;
  let campaignId: string;
  const db = () => musubi.server.database.db;

  beforeAll(async () => {
    await ensureWebBuilt();
    pushService = await fakePushService();
    line = await fakeLineMessaging();
    musubi = await startMusubi({
      env: {
        LINE_CHANNEL_ACCESS_TOKEN: line.token,
        LINE_API_URL: line.url,
        // No internet: her browser's push service is the loopback double (http on loopback, for tests only).
        PUSH_ALLOW_LOOPBACK_HTTP: '1',
      },
    });
    await seedDemoIfEmpty(musubi.server.database, pino({ level: 'silent' }));
    // She linked LINE (LINE Login) and agreed to hear about offers there (the demo gave her that consent).
    await addIdentifiers(db(), AIKO_ID, [['line', AIKO_LINE]]);
    const [consent] = await query<{ granted: boolean }>(
      db(),
      sql`SELECT granted FROM customer_consents WHERE customer_id = ${AIKO_ID} AND channel = 'line' AND purpose = 'marketing'`,
    );
    expect(consent?.granted).toBe(true);
    const [draft] = await query<{ id: string }>(db(), sql`SELECT id FROM campaigns WHERE name = ${CAMPAIGN}`);
    campaignId = draft!.id;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
    await line?.close();
    await pushService?.close();
  });

  it('Aiko turns on push notifications on her phone', async () => {
    phoneKeys = testBrowser();
    const endpoint = `${pushService.url}/send/aiko-phone`;
    aikoPhone = await openPhone(browser);
    await aikoPhone.context().grantPermissions(['notifications'], { origin: musubi.baseUrl });
    // Her browser's PushManager answers with the loopback push service and keys this test holds (push.test.ts).
    await aikoPhone.addInitScript(
      ({ endpoint, keys }) => {
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
      { endpoint, keys: phoneKeys.keys },
    );
    await aikoPhone.goto(`${musubi.baseUrl}/account/consents`);
    await aikoPhone.waitForURL('**/account/login?next=*');
    await aikoPhone.getByLabel('メールアドレス').fill(AIKO.email);
    await aikoPhone.getByLabel('パスワード').fill(AIKO.password);
    await aikoPhone.getByRole('button', { name: 'ログイン', exact: true }).click();
    await aikoPhone.getByRole('button', { name: 'プッシュ通知を受け取る' }).click();
    await aikoPhone.getByText('この端末でプッシュ通知を受け取っています。').waitFor();
    // Nothing unread yet: the badge the campaign will bring is its own.
    const [unread] = await query<{ n: number }>(
      db(),
      sql`SELECT count(*)::int AS n FROM notifications WHERE customer_id = ${AIKO_ID} AND read_at IS NULL`,
    );
    expect(unread?.n).toBe(0);
  });

  it('Yui previews 「渋谷店から2km以内の会員」 and sends 「雨の日 渋谷店」 with the 雨の日 coupon', async () => {
    const page = (yui = await openDesk(browser));
    await page.goto(`${musubi.baseUrl}/hq`);
    await page.waitForURL('**/login**');
    await staffLogin(page, YUI);
    await page.waitForURL((url) => url.pathname.startsWith('/hq') && !url.pathname.endsWith('/login'));
    await page.getByRole('navigation').getByRole('link', { name: 'セグメント' }).click();
    await page.waitForURL('**/hq/segments');
    const segment = await musubi.api<{ rules: unknown }>('GET', `/api/segments/${NEAR_SHIBUYA_SEGMENT_ID}`);
    const { count: near } = await musubi.api<{ count: number }>('POST', '/api/segments/preview', {
      rules: segment.rules,
    });
    expect(near).toBeGreaterThan(10);
    await page.getByRole('button', { name: '渋谷店から2km以内の会員' }).click();
    await poll(() => page.locator('.segment-count').textContent()).toBe(`${near.toLocaleString('ja-JP')} 人`);
    await page.locator('.segment-preview li, .segment-preview tr').first().waitFor();
    await screenshot(page, 'scenario-1-segment');

    await page.getByRole('navigation').getByRole('link', { name: 'キャンペーン' }).click();
    await page.waitForURL('**/hq/campaigns');
    page.on('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: CAMPAIGN }).click();
    const panel = page.locator('.campaign-panel');
    await panel.getByText('渋谷店から2km以内の会員').waitFor();
    await poll(() => panel.getByTestId('campaign-offer').textContent()).toContain('20%オフ');
    // No link of its own: the message opens her coupon list, and the panel says so.
    expect(await panel.getByTestId('campaign-link').textContent()).toContain('マイページの「クーポン」');
    await panel.getByText(`現在の対象: ${near.toLocaleString('ja-JP')} 人`).waitFor();
    await screenshot(page, 'scenario-2-campaign-draft');
    await page.getByRole('button', { name: '今すぐ配信' }).click();
    await page.getByText('配信を開始しました。', { exact: false }).waitFor();

    const counts = (label: string) => countOf(panel, label);
    await poll(() => counts('対象')).toBe(near);
    const holdout = await counts('ホールドアウト');
    const queued = await counts('配信数');
    // The draw is stable: Aiko is messaged, and some of her neighbours are held out to measure against.
    expect(holdout, 'the holdout draw of this campaign holds nobody out').toBeGreaterThan(0);
    expect(queued).toBe(near - holdout);
    const [her] = await query<{ status: string }>(
      db(),
      sql`SELECT status FROM campaign_recipients WHERE campaign_id = ${campaignId} AND customer_id = ${AIKO_ID}`,
    );
    expect(her?.status, 'Aiko fell in the holdout draw of this campaign').toBe('queued');
    expect(await counts('アプリのお知らせ')).toBe(queued);
    expect(await counts('LINE')).toBe(1); // only she has linked LINE
    expect(await counts('プッシュ通知')).toBe(1); // only her phone is subscribed
    expect(await panel.getByTestId('offer-issued').textContent()).toBe(queued.toLocaleString('ja-JP'));
    await screenshot(page, 'scenario-3-campaign-sent');
  });

  it('the outbox delivers: LINE and push (after quiet hours) reach her, readable only to her phone', async () => {
    await musubi.server.dispatcher.drain();
    const campaign = await musubi.api<{ sentAt: string }>('GET', `/api/campaigns/${campaignId}`);
    const heldUntil = quietUntil(new Date(campaign.sentAt));
    if (heldUntil) {
      // Sent at night in Japan: her LINE and push wait until 08:00; the night passes, and they are due.
      expect(line.pushed).toEqual([]);
      expect(pushService.received).toEqual([]);
      const held = await query<{ channel: string; at: number }>(
        db(),
        sql`SELECT channel, (extract(epoch FROM next_attempt_at) * 1000)::float8 AS at FROM outbox
             WHERE dedupe_key LIKE ${`${KEY(campaignId)}:%`} AND channel IN ('line', 'push') AND sent_at IS NULL`,
      );
      expect(held.map((h) => h.channel).sort()).toEqual(['line', 'push']);
      for (const h of held) expect(h.at).toBe(heldUntil.getTime());
      await db().execute(
        sql`UPDATE outbox SET next_attempt_at = now()
             WHERE dedupe_key LIKE ${`${KEY(campaignId)}:%`} AND channel IN ('line', 'push') AND sent_at IS NULL`,
      );
      await musubi.server.dispatcher.drain();
    }

    expect(line.pushed).toHaveLength(1);
    expect(line.pushed[0]!.to).toBe(AIKO_LINE);
    const text = line.pushed[0]!.messages[0]!.text;
    expect(text).toContain('雨の日は傘が20%オフ');
    expect(text).toContain('クーポンはアプリの「クーポン」にあります。');

    const received = pushService.received.filter((r) => r.path === '/send/aiko-phone');
    expect(received).toHaveLength(1);
    const message = JSON.parse(phoneKeys.decrypt(received[0]!.body)) as { title: string; body: string; url: string };
    expect(message).toMatchObject({
      title: '雨の日は傘が20%オフ',
      body: '渋谷店・原宿店で晴雨兼用折りたたみ傘が20%オフ。クーポンはアプリの「クーポン」にあります。',
    });
    // Her tap opens the site through the counted click-through (followed in the next step).
    expect(message.url).toMatch(/^\/api\/r\?/);
    pushUrl = message.url;
  });

  it('Aiko sees the unread badge, opens the message and finds the coupon under her member code', async () => {
    const page = aikoPhone;
    await page.goto(`${musubi.baseUrl}/account`);
    await page.getByTestId('account-link').getByRole('img', { name: '未読 1件' }).waitFor();
    await page.getByRole('link', { name: 'お知らせ 未読 1件' }).click();
    await page.waitForURL('**/account/inbox');
    const notice = page.getByTestId('inbox-item');
    await notice.waitFor();
    expect(await notice.count()).toBe(1);
    expect(await notice.getAttribute('data-unread')).toBe('true');
    expect(await notice.textContent()).toContain('雨の日は傘が20%オフ');
    await screenshot(page, 'scenario-4-inbox');
    // The message has no link of its own: it opens her coupon list.
    await notice.click();
    await page.waitForURL('**/account/coupons');
    const ticket = page.locator('.coupon-ticket');
    await ticket.waitFor();
    expect(await ticket.locator('.coupon-give').textContent()).toBe('20%オフ');
    await page.getByTestId('account-link').getByRole('img').waitFor({ state: 'detached' });
    // Her push notification, tapped (the worker opens its link on this site): the same coupon list.
    await page.goto(new URL(pushUrl, musubi.baseUrl).href);
    await page.waitForURL(`${musubi.baseUrl}/account/coupons`);
    await page.locator('.coupon-ticket').waitFor();

    await page.goto(`${musubi.baseUrl}/account/card`);
    await page.getByTestId('member-card-coupons').getByText('20%オフ', { exact: true }).waitFor();
    await page.locator('[data-testid="member-card"][data-code]').waitFor();
    await screenshot(page, 'scenario-5-member-card');
  });

  it('at the 渋谷店 till the clerk scans her code: the coupon takes 20 % off the umbrella and she pays cash', async () => {
    const [umbrella] = await query<{ jan: string; price: number }>(
      db(),
      sql`SELECT jan, price FROM variants WHERE id = ${SHOWCASE.umbrella.variantId}`,
    );
    const { jan, price } = umbrella!;
    const discount = Math.floor((price * 20) / 100);
    const till = await openDesk(browser);
    await openStoreAs(till, musubi.baseUrl, CLERK, SHIBUYA_STORE_ID);
    await till.getByRole('link', { name: 'レジ', exact: true }).click();
    await till.waitForURL(`**/store/${SHIBUYA_STORE_ID}/till`);
    const janField = till.locator('#till-jan');
    await janField.fill(jan);
    await janField.press('Enter');
    await till.locator(`[data-testid="till-total"][data-total="${price}"]`).waitFor();

    // The scanner types what her phone's QR holds, as it shows it now (codes turn every 30 s).
    const code = await aikoPhone.locator('[data-testid="member-card"][data-code]').getAttribute('data-code');
    expect(code).toBeTruthy();
    const memberField = till.locator('#till-member-input');
    await memberField.fill(code!);
    await memberField.press('Enter');
    await till.getByTestId('till-presence-ok').waitFor();
    const coupons = till.getByTestId('till-member-coupons');
    await coupons.getByText('20%オフ', { exact: true }).waitFor();
    await coupons.getByText('適用中').waitFor();
    await till.locator(`[data-testid="till-total"][data-total="${price - discount}"]`).waitFor();
    await till.locator('#tendered-1').fill('5000');
    await till.locator('[data-testid="till-remaining"][data-remaining="0"]').waitFor();
    await screenshot(till, 'scenario-6-till');
    await till.getByRole('button', { name: /^会計/ }).click();
    const receipt = till.getByTestId('receipt');
    await receipt.waitFor();
    expect(await receipt.getAttribute('data-total')).toBe(String(price - discount));
    await screenshot(till, 'scenario-7-receipt');
    await till.context().close();

    // Single use: her coupon list is empty now.
    await aikoPhone.goto(`${musubi.baseUrl}/account/coupons`);
    await aikoPhone.getByText('現在お使いいただけるクーポンはありません。').waitFor();
    expect(await aikoPhone.locator('.coupon-ticket').count()).toBe(0);
    await aikoPhone.context().close();
  });

  it('Yui reloads the campaign: one store sale earned by the message, one coupon used; the holdout got nothing', async () => {
    const page = yui;
    await page.reload();
    await page.getByRole('button', { name: CAMPAIGN }).click();
    const panel = page.locator('.campaign-panel');
    // Her push tap is counted; the inbox notice she opened is read.
    const pushRow = panel.locator('tr', { hasText: 'プッシュ通知' });
    const headers = await panel.locator('thead th').allTextContents();
    await expect
      .poll(async () => (await pushRow.locator('td').allTextContents())[headers.indexOf('クリック')])
      .toBe('1');
    expect(await countOf(panel, '既読')).toBe(1);
    const results = page.locator('.campaign-results');
    const inStore = results.locator('.campaign-counts > div', { hasText: '店舗での購入' }).locator('dd');
    await poll(() => inStore.textContent()).toMatch(/^1 · /);
    await poll(() => page.getByTestId('offer-redeemed').textContent()).toBe('1');
    await page
      .getByTestId('campaign-redeemed')
      .getByText(/クーポン利用 1件/)
      .waitFor();
    await results.locator('table', { hasText: '店舗別の売上' }).getByText('渋谷店').first().waitFor();
    // Scanning her member code at the till was a visit to the store.
    expect(await results.locator('.campaign-counts > div', { hasText: '来店' }).locator('dd').textContent()).toBe(
      '1回 · 1人',
    );
    await results.locator('.daily-chart svg').waitFor();
    await results.scrollIntoViewIfNeeded();
    await screenshot(page, 'scenario-8-campaign-results');
    await page.context().close();

    // The members held out were not messaged on any channel and were issued no code.
    const holdout = sql`SELECT customer_id FROM campaign_recipients WHERE campaign_id = ${campaignId} AND status = 'holdout'`;
    const [got] = await query<{ held: number; notices: number; messages: number; codes: number; treatedCodes: number }>(
      db(),
      sql`SELECT (SELECT count(*) FROM (${holdout}) h)::int AS held,
                 (SELECT count(*) FROM notifications WHERE dedupe_key LIKE ${`${KEY(campaignId)}:%`}
                     AND customer_id IN (${holdout}))::int AS notices,
                 (SELECT count(*) FROM outbox WHERE dedupe_key LIKE ${`${KEY(campaignId)}:%`}
                     AND payload->>'customerId' IN (${holdout}))::int AS messages,
                 (SELECT count(*) FROM coupon_codes WHERE coupon_id = ${RAIN_COUPON_ID}
                     AND customer_id IN (${holdout}))::int AS codes,
                 (SELECT count(*) FROM coupon_codes WHERE issued_for = ${KEY(campaignId)})::int AS "treatedCodes"`,
    );
    expect(got!.held).toBeGreaterThan(0);
    expect(got).toMatchObject({ notices: 0, messages: 0, codes: 0 });
    expect(got!.treatedCodes).toBeGreaterThan(0);
  });
});

/** expect.poll with the pages' own patience (15 s) rather than vitest's 1 s: a loaded machine still passes. */
function poll<T>(fn: () => Promise<T>) {
  return expect.poll(fn, { timeout: 15_000 });
}

/** A figure of the campaign panel's counts by its label (ja-JP digits). */
async function countOf(panel: Locator, label: string): Promise<number> {
  const dd = panel
    .locator('.campaign-counts > div')
    .filter({ has: panel.page().getByText(label, { exact: true }) })
    .first()
    .locator('dd');
  return Number(((await dd.textContent()) ?? '').replace(/[^\d]/g, ''));
}
