import { expect, it } from 'vitest';
import sharp from 'sharp';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  receive,
  registerCustomer,
  testJan,
  type TestApp,
} from '../../test/harness.ts';

/** A till sale of one unit to a member (cash): she has it in hand, so she may review it. */
async function buyAtTill(app: TestApp, store: string, variantId: string, customerId: string) {
  const body = { locationId: store, customerId, lines: [{ variantId, quantity: 1 }] };
  const quote = await app.api('POST', '/api/pos/quote', { body });
  expect(quote.statusCode, quote.body).toBe(200);
  const sale = await app.api('POST', '/api/pos/sales', {
    body: {
      ...body,
      payments: [{ method: 'cash', amount: quote.json().total }],
      clientTransactionId: `rev-${Math.random().toString(36).slice(2)}`,
    },
  });
  expect(sale.statusCode, sale.body).toBe(201);
  return sale.json().order as { id: string; lines: Array<{ id: string }> };
}

/** A product sold in sizes (S, M), so サイズ感 applies. */
async function createShirt(app: TestApp) {
  const res = await app.api('POST', '/api/products', {
    body: {
      name: 'オックスフォードシャツ',
      nameKana: 'おっくすふぉーどしゃつ',
      taxRate: 10,
      variants: ['S', 'M'].map((size) => ({
        sku: `SH-${size}-${testJan().slice(-6)}`,
        jan: testJan(),
        price: 3990,
        options: { サイズ: size },
      })),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const p = res.json() as { id: string; variants: Array<{ id: string }> };
  return { productId: p.id, variantIds: p.variants.map((v) => v.id) };
}

async function world(app: TestApp) {
  const store = await createTestLocation(app, { name: '渋谷店' });
  const shirt = await createShirt(app);
  const mug = await createTestProduct(app, { name: 'マグカップ' });
  await receive(app, shirt.variantIds[1]!, store, 50);
  await receive(app, mug.variantIds[0]!, store, 50);
  return { store, shirt, mug };
}

const write = (app: TestApp, token: string, body: Record<string, unknown>) =>
  app.api('POST', '/api/account/reviews', { token, body });
const page = async (app: TestApp, productId: string, q = '') => {
  const res = await app.api('GET', `/api/products/${productId}/reviews${q}`, { token: null });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describeEachDatabase('レビュー: members who bought an item review it', (ctx) => {
  it('a member who bought at the till reviews it once, with the 購入者 channel, and it shows on the product page', async () => {
    const app = ctx();
    const { store, shirt } = await world(app);
    const aiko = await registerCustomer(app);
    const stranger = await registerCustomer(app);

    // Not bought: refused, in her language.
    const refused = await write(app, aiko.token, {
      productId: shirt.productId,
      rating: 5,
      title: '良い',
      body: '良い',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().code).toBe('reviews.not_purchased');
    expect(refused.json().title).toBe('ご購入の方だけがレビューを書けます');

    await buyAtTill(app, store, shirt.variantIds[1]!, aiko.customer.id);
    const viewer = await app.api('GET', `/api/account/product-reviews/${shirt.productId}`, { token: aiko.token });
    expect(viewer.json()).toEqual({ purchased: true, canReview: true, reviewId: null, helpful: [] });

    const written = await write(app, aiko.token, {
      productId: shirt.productId,
      rating: 4,
      title: ' 肩まわりがちょうどいい ',
      body: '普段Mで、このシャツもMでちょうどでした。',
      fit: 'true',
      nickname: 'あいこ',
    });
    expect(written.statusCode, written.body).toBe(201);
    expect(written.json()).toMatchObject({
      title: '肩まわりがちょうどいい',
      purchaseChannel: 'store',
      status: 'published',
      productName: 'オックスフォードシャツ',
    });
    const again = await write(app, aiko.token, { productId: shirt.productId, rating: 1, title: 'x', body: 'x' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('reviews.already_reviewed');

    const shown = await page(app, shirt.productId);
    expect(shown.summary).toEqual({
      count: 1,
      average: 4,
      distribution: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 0 },
      fit: { small: 0, true: 1, large: 0 },
    });
    expect(shown.product.fitApplies).toBe(true);
    expect(shown.items).toHaveLength(1);
    expect(shown.items[0]).toMatchObject({ nickname: 'あいこ', fit: 'true', helpfulCount: 0, reply: null });

    // Another member cannot edit or delete it (it does not exist for her).
    const id = written.json().id;
    expect(
      (await app.api('PATCH', `/api/account/reviews/${id}`, { token: stranger.token, body: { rating: 1 } })).statusCode,
    ).toBe(404);
    expect((await app.api('DELETE', `/api/account/reviews/${id}`, { token: stranger.token })).statusCode).toBe(404);
    // She edits it, then deletes it.
    const edited = await app.api('PATCH', `/api/account/reviews/${id}`, { token: aiko.token, body: { rating: 5 } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await page(app, shirt.productId)).summary.average).toBe(5);
    expect((await app.api('DELETE', `/api/account/reviews/${id}`, { token: aiko.token })).statusCode).toBe(204);
    expect((await page(app, shirt.productId)).summary.count).toBe(0);
  });

  it('a returned purchase or an unfinished web order does not make her a buyer; サイズ感 only for what comes in sizes', async () => {
    const app = ctx();
    const { store, shirt, mug } = await world(app);
    const { token, customer } = await registerCustomer(app);
    const order = await buyAtTill(app, store, shirt.variantIds[1]!, customer.id);
    const returned = await app.api('POST', `/api/orders/${order.id}/returns`, {
      body: { lines: [{ orderLineId: order.lines[0]!.id, quantity: 1 }], locationId: store, reason: 'サイズ違い' },
    });
    expect(returned.statusCode, returned.body).toBe(201);
    expect(
      (await write(app, token, { productId: shirt.productId, rating: 2, title: '返品', body: '返品しました' })).json()
        .code,
    ).toBe('reviews.not_purchased');

    await buyAtTill(app, store, mug.variantIds[0]!, customer.id);
    const fit = await write(app, token, {
      productId: mug.productId,
      rating: 5,
      title: '良い',
      body: '良い',
      fit: 'small',
    });
    expect(fit.statusCode).toBe(422);
    expect(fit.json().code).toBe('reviews.fit_without_size');
    const bad = await write(app, token, { productId: mug.productId, rating: 6, title: '', body: '良い' });
    expect(bad.statusCode).toBe(400);
    expect(
      (await write(app, token, { productId: mug.productId, rating: 5, title: '良い', body: '毎朝使っています' }))
        .statusCode,
    ).toBe(201);
    const mine = (await app.api('GET', '/api/account/reviews', { token })).json();
    expect(mine.items.map((i: { productId: string }) => i.productId)).toEqual([mug.productId]);
    expect(mine.toReview).toEqual([]); // the shirt went back; the mug is reviewed
  });

  it('参考になった counts once per member, even sent twice at once, and she can take it back', async () => {
    const app = ctx();
    const { store, shirt } = await world(app);
    const author = await registerCustomer(app);
    await buyAtTill(app, store, shirt.variantIds[1]!, author.customer.id);
    const id = (
      await write(app, author.token, { productId: shirt.productId, rating: 5, title: '良い', body: '良い' })
    ).json().id;
    const voters = await Promise.all([1, 2, 3].map(() => registerCustomer(app)));

    const vote = (token: string) => app.api('PUT', `/api/account/review-votes/${id}`, { token });
    const results = await Promise.all(voters.flatMap((v) => Array.from({ length: 5 }, () => vote(v.token))));
    expect(results.map((r) => r.statusCode)).toEqual(Array(15).fill(200));
    expect((await page(app, shirt.productId)).items[0].helpfulCount).toBe(3);
    expect((await vote(author.token)).json().code).toBe('reviews.own_review');

    const back = await app.api('DELETE', `/api/account/review-votes/${id}`, { token: voters[0]!.token });
    expect(back.json()).toEqual({ count: 2, voted: false });
    const twice = await app.api('DELETE', `/api/account/review-votes/${id}`, { token: voters[0]!.token });
    expect(twice.json()).toEqual({ count: 2, voted: false });
    const viewer = await app.api('GET', `/api/account/product-reviews/${shirt.productId}`, { token: voters[1]!.token });
    expect(viewer.json()).toMatchObject({ purchased: false, canReview: false, helpful: [id] });
  });

  it('head office hides a reported review with a reason: it leaves the page and the average; she still sees it, with why', async () => {
    const app = ctx();
    const { store, shirt } = await world(app);
    const [a, b] = [await registerCustomer(app), await registerCustomer(app)];
    for (const m of [a, b]) await buyAtTill(app, store, shirt.variantIds[1]!, m.customer.id);
    const good = (
      await write(app, a.token, { productId: shirt.productId, rating: 5, title: '良い', body: '良い', fit: 'small' })
    ).json();
    const rude = (
      await write(app, b.token, { productId: shirt.productId, rating: 1, title: '最悪', body: '店員の名前…' })
    ).json();
    expect((await page(app, shirt.productId)).summary.average).toBe(3);

    expect(
      (
        await app.api('PUT', `/api/account/review-reports/${rude.id}`, {
          token: a.token,
          body: { reason: 'personal_info' },
        })
      ).json(),
    ).toEqual({ count: 1, voted: true });
    const reported = (await app.api('GET', '/api/reviews?sort=reported')).json();
    expect(reported.items.map((i: { id: string }) => i.id)).toEqual([rude.id]);
    expect(reported.items[0]).toMatchObject({ reportCount: 1, author: { customerId: b.customer.id } });

    expect(
      (await app.api('POST', `/api/reviews/${rude.id}/hide`, { body: { reason: '個人が特定される内容のため' } }))
        .statusCode,
    ).toBe(204);
    const after = await page(app, shirt.productId);
    expect(after.items.map((i: { id: string }) => i.id)).toEqual([good.id]);
    expect(after.summary).toMatchObject({ count: 1, average: 5, distribution: { '1': 0, '5': 1 } });
    const hers = (await app.api('GET', '/api/account/reviews', { token: b.token })).json();
    expect(hers.items[0]).toMatchObject({ status: 'hidden', hiddenReason: '個人が特定される内容のため' });
    // A hidden review takes no votes.
    expect((await app.api('PUT', `/api/account/review-votes/${rude.id}`, { token: a.token })).statusCode).toBe(404);

    expect(
      (await app.api('PUT', `/api/reviews/${good.id}/reply`, { body: { body: 'ご購入ありがとうございます。' } }))
        .statusCode,
    ).toBe(204);
    expect((await page(app, shirt.productId)).items[0].reply).toMatchObject({ body: 'ご購入ありがとうございます。' });

    expect((await app.api('POST', `/api/reviews/${rude.id}/unhide`)).statusCode).toBe(204);
    expect((await page(app, shirt.productId)).summary.count).toBe(2);
    expect((await app.api('POST', `/api/reviews/${rude.id}/unhide`)).json().code).toBe('reviews.not_hidden');
  });

  it('a member reports a review once, with a reason; head office sees the reported first with counts and notes; hiding is in the trail', async () => {
    const app = ctx();
    const { store, shirt } = await world(app);
    const members = [await registerCustomer(app), await registerCustomer(app), await registerCustomer(app)];
    for (const m of members) await buyAtTill(app, store, shirt.variantIds[1]!, m.customer.id);
    const [author, x, y] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]];
    const fine = (
      await write(app, x.token, { productId: shirt.productId, rating: 4, title: '普通', body: '普通です' })
    ).json();
    const off = (
      await write(app, author.token, { productId: shirt.productId, rating: 1, title: '別の話', body: '隣の店の話…' })
    ).json();
    const report = (token: string, body: object, lang = 'ja') =>
      app.api('PUT', `/api/account/review-reports/${off.id}`, { token, body, headers: { 'accept-language': lang } });

    // その他 needs her note; an unknown reason is refused — in her language.
    const noNote = await report(x.token, { reason: 'other' });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.headers['content-type']).toContain('application/problem+json');
    expect((await report(x.token, { reason: 'spam' }, 'en')).statusCode).toBe(400);

    expect((await report(x.token, { reason: 'unrelated', note: '商品と関係ない内容です' })).json()).toEqual({
      count: 1,
      voted: true,
    });
    // Once per member: a second report (another reason) counts nothing.
    expect((await report(x.token, { reason: 'inappropriate' })).json()).toEqual({ count: 1, voted: true });
    expect((await report(y.token, { reason: 'other', note: '店員さんの名前が出ています' })).json()).toEqual({
      count: 2,
      voted: true,
    });
    // Her own review: no.
    expect((await report(author.token, { reason: 'inappropriate' })).statusCode).toBe(409);

    // レビュー管理's default: the reported one first, with its counts by reason and the notes.
    const list = (await app.api('GET', '/api/reviews')).json();
    expect(list.items.map((i: { id: string }) => i.id).slice(0, 2)).toEqual([off.id, fine.id]);
    expect(list.items[0]).toMatchObject({
      reportCount: 2,
      reports: {
        reasons: { inappropriate: 0, personal_info: 0, unrelated: 1, other: 1 },
        notes: expect.arrayContaining([
          expect.objectContaining({ reason: 'unrelated', note: '商品と関係ない内容です' }),
          expect.objectContaining({ reason: 'other', note: '店員さんの名前が出ています' }),
        ]),
      },
    });
    expect(list.items[1].reports).toBeNull();

    // Hiding (and showing again) writes the audit trail, who and why.
    const hq = await newStaff(app, 'hq', []);
    const hid = await app.api('POST', `/api/reviews/${off.id}/hide`, {
      token: hq.token,
      body: { reason: '商品と関係のない内容のため' },
    });
    expect(hid.statusCode).toBe(204);
    expect((await app.api('POST', `/api/reviews/${off.id}/unhide`, { token: hq.token })).statusCode).toBe(204);
    const owner = await newStaff(app, 'owner', []);
    const trail = (await app.api('GET', `/api/audit?subjectId=${off.id}`, { token: owner.token })).json().items;
    expect(trail.map((r: { action: string }) => r.action).sort()).toEqual(['review.hidden', 'review.unhidden']);
    expect(trail.find((r: { action: string }) => r.action === 'review.hidden')).toMatchObject({
      actor: hq.id,
      subjectType: 'review',
      detail: { reason: '商品と関係のない内容のため', reportCount: 2, productId: shirt.productId },
    });
  });

  it('only head office moderates: a store clerk and a member are refused', async () => {
    const app = ctx();
    const { token } = await registerCustomer(app);
    expect((await app.api('GET', '/api/reviews', { token })).statusCode).toBe(403);
    expect((await app.api('GET', '/api/reviews', { token: null })).statusCode).toBe(401);
  });

  it('photos: a real image is re-encoded without its metadata, anything else is refused, at most three', async () => {
    const app = ctx();
    const { store, mug } = await world(app);
    const { token, customer } = await registerCustomer(app);
    await buyAtTill(app, store, mug.variantIds[0]!, customer.id);
    const id = (
      await write(app, token, { productId: mug.productId, rating: 4, title: '色が良い', body: '写真のとおり' })
    ).json().id;
    const png = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#88aacc' } })
      .withMetadata({ exif: { IFD0: { Copyright: 'GPS 35.66 139.70' } } })
      .jpeg()
      .toBuffer();
    const add = (data: string) => app.api('POST', `/api/account/reviews/${id}/photos`, { token, body: { data } });
    const added = await add(png.toString('base64'));
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ width: 1200, height: 800 });
    const served = await app.api('GET', added.json().url, { token: null });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect((await sharp(served.rawPayload).metadata()).exif).toBeUndefined();

    const html = await add(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64'),
    );
    expect(html.statusCode).toBe(422);
    expect(html.json().code).toBe('reviews.bad_photo');
    await add(png.toString('base64'));
    await add(png.toString('base64'));
    const fourth = await add(png.toString('base64'));
    expect(fourth.statusCode).toBe(409);
    expect((await page(app, mug.productId)).items[0].photos).toHaveLength(3);
    expect(served.headers['cache-control']).toBe('public, max-age=86400');

    // Hidden by head office: still hers to see, but never kept by a shared cache that would hand it to anyone.
    expect(
      (await app.api('POST', `/api/reviews/${id}/hide`, { body: { reason: '写真に他のお客様が写っているため' } }))
        .statusCode,
    ).toBe(204);
    expect((await app.api('GET', added.json().url, { token: null })).statusCode).toBe(404);
    const hers = await app.api('GET', added.json().url, { token });
    expect(hers.statusCode).toBe(200);
    expect(hers.headers['cache-control']).toBe('private, no-store');
  });

  it('a merge brings the other record’s reviews to the survivor (one per product), and its undo takes them back', async () => {
    const app = ctx();
    const { store, shirt, mug } = await world(app);
    const her = await registerCustomer(app);
    const twin = await registerCustomer(app);
    for (const [m, p] of [
      [her, shirt.variantIds[1]!],
      [twin, shirt.variantIds[1]!],
      [twin, mug.variantIds[0]!],
    ] as const)
      await buyAtTill(app, store, p, m.customer.id);
    await write(app, her.token, { productId: shirt.productId, rating: 5, title: '彼女の', body: '彼女の' });
    await write(app, twin.token, { productId: shirt.productId, rating: 3, title: '双子の', body: '双子の' });
    const mugReview = (
      await write(app, twin.token, { productId: mug.productId, rating: 4, title: 'マグ', body: 'マグ' })
    ).json();

    const merged = await app.api('POST', `/api/customers/${her.customer.id}/merge`, {
      body: { otherId: twin.customer.id, reason: '同一人物' },
    });
    expect(merged.statusCode, merged.body).toBe(201);
    const mine = (await app.api('GET', '/api/account/reviews', { token: her.token })).json();
    expect(mine.items.map((i: { title: string }) => i.title).sort()).toEqual(['マグ', '彼女の']);
    expect(mine.items.find((i: { id: string }) => i.id === mugReview.id)).toBeDefined();

    const undone = await app.api('POST', `/api/customer-merges/${merged.json().id}/undo`);
    expect(undone.statusCode, undone.body).toBe(200);
    const back = (await app.api('GET', '/api/account/reviews', { token: her.token })).json();
    expect(back.items.map((i: { title: string }) => i.title)).toEqual(['彼女の']);
  });

  it('the clienteling card shows how many reviews she wrote, her average and the latest, a hidden one marked', async () => {
    const app = ctx();
    const { store, shirt, mug } = await world(app);
    const { token, customer } = await registerCustomer(app);
    await buyAtTill(app, store, shirt.variantIds[1]!, customer.id);
    await buyAtTill(app, store, mug.variantIds[0]!, customer.id);
    await write(app, token, { productId: shirt.productId, rating: 5, title: 'シャツ', body: '良い', fit: 'large' });
    const mugReview = (
      await write(app, token, { productId: mug.productId, rating: 2, title: 'マグ', body: '欠けていた' })
    ).json();
    await app.api('POST', `/api/reviews/${mugReview.id}/hide`, { body: { reason: '配送の問題のため別途対応' } });
    const card = await app.api('POST', '/api/member-codes/resolve', {
      body: { locationId: store, memberNumber: customer.memberNumber },
    });
    expect(card.statusCode, card.body).toBe(200);
    expect(card.json().reviews).toMatchObject({
      count: 2,
      average: 3.5,
      latest: [
        { productId: mug.productId, productName: 'マグカップ', rating: 2, hidden: true },
        { productId: shirt.productId, productName: 'オックスフォードシャツ', rating: 5, fit: 'large', hidden: false },
      ],
    });
  });
});
