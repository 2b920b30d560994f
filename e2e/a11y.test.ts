import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { hasChromium, launchChromium } from './support/browser.ts';
import { createShirt, createStore, ensureWebBuilt, receive, startMusubi, type Musubi } from './support/musubi.ts';

/** axe-core's browser build, injected into each page as it is (no network). */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const SHOPPER = {
  email: `a11y.${process.pid}@example.jp`,
  password: 'sakura-password-2026',
  name: '青木 菜々',
  nameKana: 'あおき なな',
};

interface Finding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** The serious and critical violations axe-core finds on the page as it is now (WCAG 2.1 A and AA rules). */
async function violations(page: Page): Promise<Finding[]> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<any> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return (result.violations as Array<any>)
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: (v.nodes as Array<any>).slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
      }));
  });
}

/**
 * Every shopper screen, as a phone (390 px) and a desk (1280 px) open it, has no serious or critical
 * accessibility violation by axe-core: contrast, names of buttons, links and fields, landmarks, language.
 */
describe.skipIf(!hasChromium)('the shopper screens are accessible (axe-core)', () => {
  let musubi: Musubi;
  let browser: Browser;
  let productId = '';
  /** The shirt's JAN on 吉祥寺店's shelf, typed into スキャン＆ゴー. */
  let shelfJan = '';
  /** A till sale rung up with her member number: her order history has it, and it opens as its e-receipt. */
  let tillOrderId = '';
  /**
   * The store of the store page (/stores/:id), with its services and an event on today, and of its 来店予約
   * booking screen (a service whose clerk works its opening hours).
   */
  let storeId = '';

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    const store = await createStore(musubi, { name: '結び 吉祥寺店', lat: 35.703, lng: 139.5795, city: '武蔵野市' });
    storeId = store;
    await musubi.api('PATCH', `/api/locations/${store}`, { amenities: ['fitting', 'alterations', 'tax_free'] });
    await musubi.api('POST', `/api/locations/${store}/events`, {
      title: 'お直し相談会',
      description: '裾上げのご相談を承ります。',
      startsAt: new Date(Date.now() - 3600_000).toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const shirt = await createShirt(musubi, 'ムスビ リネンシャツ');
    productId = shirt.id;
    shelfJan = shirt.variants[0]!.jan;
    await receive(musubi, shirt.variants[0]!.id, store, 5);
    await musubi.api('PUT', `/api/locations/${store}/scan-and-go`, { enabled: true });
    // Pictures for both colours: the gallery, its thumbnails and the search tile are checked with them (alt text).
    for (const [colour, background] of [
      ['ホワイト', '#f6f5f0'],
      ['ネイビー', '#2b3a55'],
    ] as const)
      for (const alt of [`${colour} 正面`, `${colour} 背面`])
        await musubi.api('POST', `/api/products/${productId}/images`, {
          content: (
            await sharp({ create: { width: 800, height: 1000, channels: 3, background } })
              .png()
              .toBuffer()
          ).toString('base64'),
          colour,
          alt,
        });
    const signUp = await fetch(`${musubi.baseUrl}/api/customer-auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SHOPPER),
    });
    expect(signUp.status).toBe(201);
    // レビュー on the product page: another member bought the shirt at the till and reviewed it, head office
    // replied; the shopper bought one too, so her product page offers the form.
    const shopper = ((await signUp.json()) as { customer: { id: string; memberNumber: string } }).customer;
    // Money in her wallet, so スキャン＆ゴー's exit pass can be reached and checked too.
    await musubi.api('POST', '/api/wallet/transactions', {
      customerId: shopper.id,
      kind: 'top_up',
      amount: 20000,
      method: 'cash',
      locationId: store,
      reference: `a11y-wallet-${process.pid}`,
    });
    const reviewer = await musubi.api<{ token: string; customer: { memberNumber: string } }>(
      'POST',
      '/api/customer-auth/register',
      { email: 'reviewer.a11y@e2e.example', password: 'sakura-password-2026', name: '田中 花' },
    );
    for (const [i, who] of [reviewer.customer, shopper].entries()) {
      const basket = {
        locationId: store,
        memberNumber: who.memberNumber,
        lines: [{ jan: shirt.variants[0]!.jan, quantity: 1 }],
      };
      const quote = await musubi.api<{ total: number }>('POST', '/api/pos/quote', basket);
      await musubi.api('POST', '/api/pos/sales', {
        ...basket,
        payments: [{ method: 'cash', amount: quote.total }],
        clientTransactionId: `a11y-review-${i}`,
      });
    }
    await receive(musubi, shirt.variants[0]!.id, store, 2);
    const review = await musubi.api<{ id: string }>(
      'POST',
      '/api/account/reviews',
      { productId: shirt.id, rating: 4, title: '涼しい', body: '夏に重宝しています。', fit: 'true' },
      reviewer.token,
    );
    await musubi.api('PUT', `/api/reviews/${review.id}/reply`, { body: 'ありがとうございます。' });
    await musubi.api('PUT', '/api/business', { name: '結び商店株式会社', registrationNumber: 'T9010401234567' });
    const sale = await musubi.api<{ order: { id: string } }>('POST', '/api/pos/sales', {
      locationId: store,
      lines: [{ jan: shirt.variants[0]!.jan, quantity: 1 }],
      memberNumber: shopper.memberNumber,
      payments: [{ method: 'cash', amount: shirt.variants[0]!.price, tendered: 10000 }],
      clientTransactionId: `a11y-${process.pid}`,
    });
    tillOrderId = sale.order.id;
    const clerk = await musubi.api<{ id: string }>('POST', '/api/staff', {
      email: 'clerk.a11y@e2e.example',
      name: '鈴木 健太',
      password: 'correct horse battery',
      role: 'staff',
      locationIds: [store],
    });
    await musubi.api('POST', '/api/appointment-services', {
      locationId: store,
      nameJa: '試着・フィッティング',
      durationMinutes: 60,
      capacityPerStaff: 2,
      staffIds: [clerk.id],
    });
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  // The home, the listing filtered and sorted, and a search that finds nothing (もしかして).
  const before = [
    '/',
    '/shop',
    '/shop?q=シャツ',
    '/shop?q=シャツ&size=M&colour=ネイビー&stock=near&sort=price_asc',
    '/shop?q=リネンシャト',
  ];
  const after = ['/shop/cart', '/shop/checkout', '/account/login', '/account/signup', '/shop/orders/lookup'];
  const member = [
    '/account',
    '/account/card',
    '/account/points',
    '/account/wallet',
    '/account/coupons',
    '/account/orders',
    '/account/favourites',
    '/account/addresses',
    '/account/reviews',
    '/account/appointments',
    '/account/inbox',
    '/account/consents',
    '/account/devices',
    '/account/privacy',
  ];

  for (const width of [390, 1280]) {
    it(`at ${width} px: the shop, the cart, sign-in and マイページ`, async () => {
      // bypassCSP: only so that axe-core can be injected; the app's own scripts are the same.
      const context = await browser.newContext({ locale: 'ja-JP', viewport: { width, height: 844 }, bypassCSP: true });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const found: Record<string, Finding[]> = {};
      const check = async (path: string) => {
        await page.goto(`${musubi.baseUrl}${path}`);
        await page.locator('main, [role="main"]').first().waitFor();
        await page.waitForLoadState('networkidle');
        const v = await violations(page);
        if (v.length) found[path] = v;
      };
      // The check itself: a button with no name on the page is found (so a clean page means something).
      await page.goto(`${musubi.baseUrl}/`);
      await page.locator('main').first().waitFor();
      await page.evaluate(() => document.querySelector('main')!.append(document.createElement('button')));
      expect((await violations(page)).map((v) => v.id)).toContain('button-name');
      for (const p of before) await check(p);
      // 店舗を探す and one store's page (hours, services, events).
      await check('/stores');
      await check(`/stores/${storeId}`);
      // 来店予約 as a guest: the menu and the sign-in prompt.
      await check(`/stores/${storeId}/appointments`);
      // マイストア: the store list open, then chosen (the home's 「在庫あり」 row and the badges appear).
      await page.goto(`${musubi.baseUrl}/`);
      await page.getByRole('button', { name: 'マイストアを選ぶ' }).click();
      await page.getByRole('button', { name: '結び 吉祥寺店: この店にする' }).waitFor();
      const picker = await violations(page);
      if (picker.length) found['/ (マイストアを選ぶ)'] = picker;
      await page.getByRole('button', { name: '結び 吉祥寺店: この店にする' }).click();
      await page.getByRole('heading', { name: 'マイストア: 結び 吉祥寺店' }).waitFor();
      await check('/');
      await check('/shop?stock=store');
      // The product page, and the shirt into her cart for the cart and checkout screens.
      await check(`/shop/products/${productId}`);
      // ♡ as a guest: the shirt joins her お気に入り at login (its 入荷お知らせ switches checked there too).
      await page.getByRole('button', { name: 'ムスビ リネンシャツをお気に入りに追加' }).click();
      await page.getByRole('button', { name: 'カートに入れる' }).first().click();
      await page.locator('[data-testid="cart-link"][data-count="1"]').waitFor();
      for (const p of after) await check(p);
      // Her cart with the shirt in it, then signed in.
      await page.goto(`${musubi.baseUrl}/account/login`);
      await page.getByLabel('メールアドレス').fill(SHOPPER.email);
      await page.getByLabel('パスワード').fill(SHOPPER.password);
      await page.getByRole('button', { name: 'ログイン', exact: true }).click();
      await page.waitForURL('**/account');
      for (const p of member) await check(p);
      // スキャン＆ゴー: the screen, then a shelf item typed in, shown and put in her basket.
      await check('/shop/scan');
      await page.getByLabel('JANコード（バーコードの数字）').fill(shelfJan);
      await page.getByRole('button', { name: '商品を表示' }).click();
      await page.getByTestId('scanned-item').getByRole('button', { name: 'かごに入れる' }).click();
      await page.getByTestId('scan-basket-line').first().waitFor();
      const scanGo = await violations(page);
      if (scanGo.length) found['/shop/scan (item, basket)'] = scanGo;
      await page.getByTestId('scan-go-pay').click();
      await page.getByTestId('exit-pass').waitFor();
      const exitPass = await violations(page);
      if (exitPass.length) found['/shop/scan (exit pass)'] = exitPass;
      await page.getByRole('button', { name: '続けて買い物する' }).click();
      // One of her orders: a till sale, shown as its e-receipt, with 「もう一度買う」.
      await check(`/account/orders/${tillOrderId}`);
      // 来店予約 signed in: a service and an open day chosen, the free times shown.
      await check(`/stores/${storeId}/appointments`);
      await page.getByRole('button', { name: /試着・フィッティング/ }).click();
      // The last open day shown, never today: this store opens on Mondays only, and after its last slot (in
      // the evening, Japan time) today reads 受付終了 and is not offered.
      const openDays = page.locator('.appt-day:not([disabled])');
      await openDays.first().waitFor();
      await openDays.last().click();
      await page.getByTestId('appt-times').waitFor();
      await page.waitForLoadState('networkidle');
      const booking = await violations(page);
      if (booking.length) found['/stores/…/appointments (times)'] = booking;
      // The product page signed in, her review form open (she bought the shirt at the till).
      await check(`/shop/products/${productId}?review=1`);
      await page.getByTestId('review-form').waitFor();
      const form = await violations(page);
      if (form.length) found['review-form'] = form;
      await context.close();
      expect(found).toEqual({});
    }, 300_000);
  }
});
