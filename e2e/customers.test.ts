import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { seedDemoIfEmpty } from '../server/src/demo/seed.ts';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import {
  createShirt,
  createStore,
  ensureWebBuilt,
  receive,
  startMusubi,
  type Musubi,
  type Product,
} from './support/musubi.ts';

if (!hasChromium)
  console.warn(
    'e2e/customers.test.ts: /usr/bin/chromium not found, so the browser tests are skipped (apt-get install chromium).',
  );

const CLERK = { email: 'kenta.members@e2e.example', password: 'correct-horse-battery', name: '鈴木 健太' };
const HQ = { email: 'yui.hq@e2e.example', password: 'correct-horse-battery', name: '佐藤 結衣' };
const SHOPPER = {
  name: '山田 花子',
  kana: 'ヤマダ ハナコ',
  email: 'hanako.yamada@e2e.example',
  password: 'sakura-password-2026',
};

/**
 * One customer across every channel, in a real browser against the real server: a shopper looks at a
 * shirt without an account, signs up on her phone and shows the member card; the clerk scans it and
 * the card greets her by name with the shirt she looked at and this store's stock of it. Head office
 * sees both on one timeline, and merges (then un-merges) a customer registered twice.
 */
describe.skipIf(!hasChromium)('one customer across the web shop, the store and head office', () => {
  let musubi: Musubi;
  let browser: Browser;
  let shibuya: string;
  let shirt: Product;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    if (process.env.MUSUBI_SCREENSHOTS === '1') await seedDemoIfEmpty(musubi.server.database, musubi.server.app.log);
    shibuya = await createStore(musubi, { name: '結び 渋谷神南店', lat: 35.658, lng: 139.7016, city: '渋谷区' });
    shirt = await createShirt(musubi, 'ムスビ オックスフォードシャツ');
    await receive(musubi, shirt.variants[0]!.id, shibuya, 6);
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'staff', locationIds: [shibuya] });
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  const phone = () => openPhone(browser);

  const desk = () => openDesk(browser);

  /** The shopper's phone: browse without an account, sign up, open the member card; returns the QR's code. */
  async function shopperSignsUpAndShowsCard(shop: Page): Promise<string> {
    await shop.goto(`${musubi.baseUrl}/shop?q=${encodeURIComponent('オックスフォード')}`);
    await shop.locator(`a[href="/shop/products/${shirt.id}"]`).click();
    await shop.getByRole('heading', { name: shirt.name }).waitFor();

    await shop.getByRole('link', { name: 'マイページ' }).click();
    await shop.waitForURL('**/account/login?next=*');
    await shop.getByRole('link', { name: '会員登録 (無料)' }).click();
    await shop.getByLabel('お名前').fill(SHOPPER.name);
    await shop.getByLabel('フリガナ (任意)').fill(SHOPPER.kana);
    await shop.getByLabel('メールアドレス').fill(SHOPPER.email);
    await shop.getByLabel('パスワード').fill(SHOPPER.password);
    await shop.getByRole('button', { name: '登録する' }).click();
    await shop.getByRole('heading', { name: `${SHOPPER.name} 様` }).waitFor();

    await shop.getByRole('link', { name: '会員証' }).first().click();
    const card = shop.locator('[data-testid="member-card"][data-code]');
    await card.waitFor();
    const code = (await card.getAttribute('data-code'))!;
    // The QR itself carries the same code, with a label for screen readers.
    expect(await shop.locator('svg.member-qr').getAttribute('data-code')).toBe(code);
    expect(await shop.getByRole('img', { name: /会員証の QR コード/ }).count()).toBe(1);
    // a countdown to the next code (the moment a code is swapped it says so instead, hence the wait)
    await shop
      .getByRole('timer')
      .filter({ hasText: /あと \d+ 秒で新しいコードに更新/ })
      .waitFor();
    return code;
  }

  it('the clerk scans the member card and is greeted with her name and the shirt she looked at online, in stock here', async () => {
    const shop = await phone();
    const code = await shopperSignsUpAndShowsCard(shop);
    expect(code).toMatch(/^M1\./);
    await screenshot(shop, 'member-card');

    const store = await desk();
    await store.goto(`${musubi.baseUrl}/store`);
    await store.waitForURL('**/{store,hq}/login');
    await staffLogin(store, CLERK);
    await store.locator(`a[href="/store/${shibuya}/stock"]`).click();
    await store.getByRole('link', { name: '会員', exact: true }).click();
    // A keyboard-wedge scanner types the code and presses Enter into the focused field.
    await store.locator('#member-input:focus').waitFor();
    await store.keyboard.type(code);
    await store.keyboard.press('Enter');

    const card = store.locator('article.clienteling');
    await card.waitFor();
    expect(await store.locator('#greeting').textContent()).toBe('いつもありがとうございます、山田様');
    expect(await card.getAttribute('data-customer')).toMatch(/^cus_/);
    const interest = card.locator(`.interest[data-product="${shirt.id}"]`);
    expect(await interest.textContent()).toContain(shirt.name);
    expect(await interest.getAttribute('data-in-stock')).toBe('true');
    expect(await interest.textContent()).toContain('この店に在庫あり (6)');
    expect(await interest.textContent()).toContain('閲覧');

    await store.getByLabel('メモを追加').fill('オックスフォードシャツの M を試着希望');
    await store.getByRole('button', { name: 'メモを保存' }).click();
    await card.locator('.note', { hasText: 'オックスフォードシャツの M を試着希望' }).waitFor();
    await screenshot(store, 'clienteling-card');

    // The same QR works once: a second scan says so rather than showing the card again.
    await store.getByRole('button', { name: '次のお客様' }).click();
    await store.locator('#member-input:focus').waitFor();
    await store.keyboard.type(code);
    await store.keyboard.press('Enter');
    await store.locator('.banner-error').waitFor();
    expect(await store.locator('article.clienteling').count()).toBe(0);

    await shop.context().close();
    await store.context().close();
  });

  it('head office sees the web view and the store scan on one timeline, and merges a customer registered twice, then undoes it', async () => {
    const hq = await desk();
    await hq.goto(`${musubi.baseUrl}/hq/customers`);
    await hq.waitForURL('**/{store,hq}/login?next=*');
    await staffLogin(hq, HQ);
    await hq.waitForURL('**/hq/customers');
    await hq.getByRole('searchbox').fill('やまだ');
    await hq.keyboard.press('Enter');
    await hq.getByRole('link', { name: /山田 花子/ }).click();
    await hq.getByRole('heading', { name: SHOPPER.name, level: 1 }).waitFor();

    const timeline = hq.locator('ol.timeline');
    await timeline.locator('[data-type="member_scanned"][data-channel="store"]').waitFor();
    await timeline.locator('[data-type="product_viewed"][data-channel="web"]').first().waitFor();
    // newest first: the scan in store comes before the view on the web
    const types = await timeline.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-type')));
    expect(types.indexOf('member_scanned')).toBeLessThan(types.indexOf('product_viewed'));
    await hq.locator('[data-consent="email:marketing"][data-granted="false"]').waitFor();
    await screenshot(hq, 'hq-customer');

    // Registered once at the till and once online: same name and birthday.
    const twin = { name: '田中 一郎', nameKana: 'タナカ イチロウ', birthday: '1985-04-12' };
    const first = await musubi.api<{ id: string }>('POST', '/api/customers', { ...twin, phone: '090-2222-3333' });
    const second = await musubi.api<{ id: string }>('POST', '/api/customers', {
      ...twin,
      email: 'ichiro.tanaka@e2e.example',
    });
    await hq.getByRole('link', { name: '重複候補' }).click();
    const pair = hq.locator(`.dup-pair[data-pair~="${first.id}"][data-pair~="${second.id}"]`);
    await pair.waitFor();
    expect(await pair.textContent()).toContain('同じ生年月日');
    // A merge needs a reason for the audit.
    await pair.getByRole('button', { name: '統合する' }).click();
    await pair.getByText('統合の理由を入力してください。').waitFor();
    await pair.locator(`[data-customer="${first.id}"]`).getByLabel('この会員を残す').check();
    await pair.getByLabel('統合の理由 (必須)').fill('店頭登録とオンライン登録の重複。ご本人に確認済み。');
    await pair.getByRole('button', { name: '統合する' }).click();
    await pair.getByText(/に統合しました。/).waitFor();
    expect((await musubi.api<{ status: string }>('GET', `/api/customers/${second.id}`)).status).toBe('merged');

    await pair.getByRole('button', { name: '統合を取り消す' }).click();
    await pair.getByText('統合を取り消しました。').waitFor();
    expect((await musubi.api<{ status: string }>('GET', `/api/customers/${second.id}`)).status).toBe('active');

    await hq.context().close();
  });

  it('a member sees this phone among her signed-in devices and signs every other device out', async () => {
    const who = { email: 'mio.ito@e2e.example', password: 'camellia-2026', name: '伊藤 美緒' };
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${musubi.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const signedUp = await post('/api/customer-auth/register', who, {
      'user-agent':
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    });
    expect(signedUp.status).toBe(201);
    const pc = ((await signedUp.json()) as { token: string }).token;
    const shop = await phone();
    await shop.goto(`${musubi.baseUrl}/account/devices`);
    await shop.waitForURL('**/account/login?next=*');
    await shop.getByLabel('メールアドレス').fill(who.email);
    await shop.getByLabel('パスワード').fill(who.password);
    await shop.getByRole('button', { name: 'ログイン' }).click();

    await shop.getByRole('heading', { name: 'ログイン中の端末', level: 1 }).waitFor();
    const devices = shop.getByTestId('signed-in-devices');
    await devices.locator('li[data-current="true"]', { hasText: 'この端末' }).waitFor();
    await devices.locator('li[data-current="false"]', { hasText: 'Chrome · Windows' }).waitFor();
    await screenshot(shop, 'account-devices-phone');
    await shop.getByRole('button', { name: '他のすべての端末からログアウト' }).click();
    await shop.getByRole('button', { name: '他の端末をすべてログアウトする' }).click();
    await shop.getByText('他の端末からログアウトしました（1台）。').waitFor();
    expect(await devices.locator('li').count()).toBe(1);
    const account = await fetch(`${musubi.baseUrl}/api/account`, { headers: { authorization: `Bearer ${pc}` } });
    expect(account.status).toBe(401);
    await shop.context().close();
  });

  it('a member turns on LINE offers, downloads her data as JSON and as a ZIP of CSVs, and closes her account', async () => {
    const who = { email: 'aoi.kato@e2e.example', password: 'hydrangea-2026', name: '加藤 葵' };
    const post = (path: string, body: unknown) =>
      fetch(`${musubi.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/api/customer-auth/register', who)).status).toBe(201);
    const shop = await phone();
    await shop.goto(`${musubi.baseUrl}/account/consents`);
    await shop.waitForURL('**/account/login?next=*');
    await shop.getByLabel('メールアドレス').fill(who.email);
    await shop.getByLabel('パスワード').fill(who.password);
    await shop.getByRole('button', { name: 'ログイン' }).click();

    // back on the page she asked for; nothing is on until she turns it on
    const line = shop.getByRole('switch', { name: 'LINE · セール・キャンペーンのお知らせ' });
    expect(await line.isChecked()).toBe(false);
    await line.check({ force: true });
    await shop.getByRole('button', { name: '設定を保存' }).click();
    await shop.getByText('設定を保存しました。').waitFor();
    await shop
      .locator('.consent-history li', { hasText: 'LINE「セール・キャンペーンのお知らせ」を受け取るに変更' })
      .waitFor();

    await shop.getByRole('link', { name: 'マイページに戻る' }).click();
    await shop.getByRole('link', { name: /個人データ・退会/ }).click();
    const [download] = await Promise.all([
      shop.waitForEvent('download'),
      shop.getByRole('button', { name: 'JSON をダウンロード' }).click(),
    ]);
    const data = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
      profile: { name: string };
      consents: { items: { channel: string; purpose: string; granted: boolean }[] };
    };
    expect(data.profile.name).toBe(who.name);
    expect(data.consents.items).toContainEqual(
      expect.objectContaining({ channel: 'line', purpose: 'marketing', granted: true }),
    );

    // …and as a ZIP of CSV files for Excel
    const [zip] = await Promise.all([
      shop.waitForEvent('download'),
      shop.getByRole('button', { name: 'ZIP (CSV) をダウンロード' }).click(),
    ]);
    const bytes = await readFile((await zip.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.includes(Buffer.from('consents.items.csv'))).toBe(true);

    // Closing takes a second step and the password.
    await shop.getByRole('button', { name: '退会の手続きへ' }).click();
    await shop.getByLabel('パスワード').fill(who.password);
    await shop.getByRole('button', { name: '退会する' }).click();
    await shop.getByText('退会の手続きが完了しました。').waitFor();
    expect((await post('/api/customer-auth/login', { email: who.email, password: who.password })).status).toBe(401);
    await shop.context().close();
  });
});
