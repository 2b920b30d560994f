import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, screenshot, staffLogin } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

const MISAKI = { email: 'misaki.reviews@e2e.example', password: 'sakura-password-2026', name: '佐藤 美咲' };
const HQ = { email: 'ren.hq@e2e.example', password: 'correct-horse-battery', name: '中村 蓮' };
const AOI = { email: 'aoi.reports@e2e.example', password: 'aoi-password-2026', name: '高橋 葵' };

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/**
 * レビュー after a till purchase (issue 17's "Done when"): 美咲 buys a shirt at 渋谷店's till with her member
 * number; in her app's マイページ → レビュー it waits under レビューを書く; she writes one (★4, ちょうど) and sees it on
 * the product page with the 購入者 badge, the figures and the page's schema.org AggregateRating; head office
 * hides it with a reason, and it leaves the page.
 */
describe.skipIf(!hasChromium)('レビュー: written after a till purchase, hidden by head office', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    await musubi.api('POST', '/api/staff', { ...HQ, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('bought at the till → レビューを書く in マイページ → on the product page → hidden by HQ', async () => {
    const shibuya = await createStore(musubi, { name: '結び 渋谷店', lat: 35.6595, lng: 139.7005, city: '渋谷区' });
    const shirt = await createShirt(musubi, 'ムスビ リネンシャツ');
    const m = shirt.variants.find((v) => v.options['サイズ'] === 'M' && v.options['カラー'] === 'ホワイト')!;
    await receive(musubi, m.id, shibuya, 5);
    const member = await musubi.api<{ customer: { memberNumber: string } }>(
      'POST',
      '/api/customer-auth/register',
      MISAKI,
    );
    // At the till: the clerk scans her member card and takes cash.
    const basket = {
      locationId: shibuya,
      memberNumber: member.customer.memberNumber,
      lines: [{ jan: m.jan, quantity: 1 }],
    };
    const quote = await musubi.api<{ total: number }>('POST', '/api/pos/quote', basket);
    await musubi.api('POST', '/api/pos/sales', {
      ...basket,
      payments: [{ method: 'cash', amount: quote.total, tendered: 5000 }],
      clientTransactionId: 'e2e-review-till-1',
    });

    const phone = await openPhone(browser);
    await phone.goto(`${musubi.baseUrl}/account/login`);
    await phone.getByLabel('メールアドレス').fill(MISAKI.email);
    await phone.getByLabel('パスワード').fill(MISAKI.password);
    await phone.getByRole('button', { name: 'ログイン' }).click();
    await phone.waitForURL((url) => !url.pathname.endsWith('/login'));
    await phone.goto(`${musubi.baseUrl}/account`);
    await phone.getByRole('link', { name: /レビュー/ }).click();
    await phone.waitForURL('**/account/reviews');
    const toReview = phone.getByTestId('to-review');
    await toReview.getByText('ムスビ リネンシャツ').waitFor();
    await toReview.getByText(/店舗で購入/).waitFor();
    expect(await overflow(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'account-reviews');
    await toReview.getByRole('link', { name: 'レビューを書く' }).click();

    const form = phone.getByTestId('review-form');
    await form.waitFor();
    await form.getByLabel('星4つ').check();
    await form.getByLabel('タイトル').fill('麻なのに肌ざわりがやさしい');
    await form.getByLabel('本文').fill('いつものMでちょうどでした。洗うたびにやわらかくなります。');
    await form.getByLabel('ちょうど').check();
    await form.getByLabel('表示名（任意）').fill('みさき');
    expect(await overflow(phone)).toBeLessThanOrEqual(0);
    await screenshot(phone, 'shop-review-form');
    await form.getByRole('button', { name: '投稿する' }).click();
    await phone.getByText('レビューを投稿しました。ありがとうございます。').waitFor();

    const review = phone.getByTestId('review').filter({ hasText: '麻なのに肌ざわりがやさしい' });
    await review.getByText('購入者').waitFor();
    await review.getByText(/店舗で購入/).waitFor();
    await review.getByText('サイズ感: ちょうど').waitFor();
    await phone.getByTestId('review-count').filter({ hasText: '1 件のレビュー' }).waitFor();
    const ld = JSON.parse((await phone.getByTestId('product-jsonld').textContent()) ?? '{}');
    expect(ld).toMatchObject({
      '@type': 'Product',
      name: 'ムスビ リネンシャツ',
      aggregateRating: { '@type': 'AggregateRating', ratingValue: 4, reviewCount: 1 },
    });
    expect(await overflow(phone)).toBeLessThanOrEqual(0);

    // Another member reports it (商品と関係がない, with a note): once, and head office sees it first, with why.
    await musubi.api('POST', '/api/customer-auth/register', AOI);
    const other = await openPhone(browser);
    await other.goto(`${musubi.baseUrl}/account/login`);
    await other.getByLabel('メールアドレス').fill(AOI.email);
    await other.getByLabel('パスワード').fill(AOI.password);
    await other.getByRole('button', { name: 'ログイン' }).click();
    await other.waitForURL((url) => !url.pathname.endsWith('/login'));
    await other.goto(`${musubi.baseUrl}/shop/products/${shirt.id}`);
    const theirs = other.getByTestId('review').filter({ hasText: '麻なのに肌ざわりがやさしい' });
    await theirs.getByRole('button', { name: '報告する' }).click();
    const reportForm = theirs.getByTestId('report-review');
    await reportForm.getByLabel('商品と関係がない').check();
    await reportForm.getByLabel(/詳しい内容/).fill('別のお店の話のようです');
    expect(await overflow(other)).toBeLessThanOrEqual(0);
    await reportForm.getByRole('button', { name: '報告を送る' }).click();
    await theirs.getByText('ご報告ありがとうございます。本部で確認します。').waitFor();
    await other.context().close();

    // Head office hides it; her product page no longer shows it, and マイページ says why.
    const desk = await openDesk(browser);
    await desk.goto(`${musubi.baseUrl}/hq/reviews`);
    await desk.waitForURL('**/{store,hq}/login?next=*');
    await staffLogin(desk, HQ);
    await desk.waitForURL('**/hq/reviews');
    const row = desk.getByTestId('hq-review').filter({ hasText: '麻なのに肌ざわりがやさしい' });
    await row.getByText('公開中').waitFor();
    await row.getByText('報告 1 件').waitFor();
    await row.getByTestId('review-reports').getByText('商品と関係がない 1件').waitFor();
    await row.getByTestId('review-reports').getByText('「別のお店の話のようです」').waitFor();
    expect(await desk.getByTestId('hq-review').first().textContent()).toContain('麻なのに肌ざわりがやさしい');
    await screenshot(desk, 'hq-reviews');
    await row.getByRole('button', { name: '非表示にする' }).click();
    await row.getByLabel('非表示の理由（投稿者に表示されます）').fill('確認のため一時的に非表示にしています');
    await row.getByRole('button', { name: '非表示にする' }).click();
    await row.getByText('非表示', { exact: true }).waitFor();
    expect(await overflow(desk)).toBeLessThanOrEqual(0);

    await phone.goto(`${musubi.baseUrl}/shop/products/${shirt.id}`);
    await phone.getByText('まだレビューはありません。').waitFor();
    await phone.goto(`${musubi.baseUrl}/account/reviews`);
    await phone.getByText('非公開の理由: 確認のため一時的に非表示にしています').waitFor();
  });
});
