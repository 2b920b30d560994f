import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { query } from '../../platform/db/connection.ts';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';
import { fakeLine, type FakeLine } from '../../test/partners.ts';
import { addIdentifiers } from '../customers/service.ts';

const SECRET = 'line-messaging-secret-0123';
let line: FakeLine;
beforeAll(async () => {
  line = await fakeLine({ channelId: '1650000000', channelSecret: 'line-login-secret-0123' });
  process.env.LINE_CHANNEL_SECRET = SECRET;
  process.env.LINE_CHANNEL_ACCESS_TOKEN = 'line-access-token-0123';
  process.env.LINE_API_URL = line.url;
});
afterAll(async () => {
  delete process.env.LINE_CHANNEL_SECRET;
  delete process.env.LINE_CHANNEL_ACCESS_TOKEN;
  delete process.env.LINE_API_URL;
  await line.close();
});

let seq = 0;
/** One webhook delivery as LINE sends it: the events, signed with the channel secret (or a wrong one). */
function delivery(events: Array<Record<string, unknown>>, opts: { secret?: string; signature?: string | null } = {}) {
  const body = JSON.stringify({ destination: 'Ubot', events });
  const signature = createHmac('sha256', opts.secret ?? SECRET)
    .update(body)
    .digest('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      ...(opts.signature === null ? {} : { 'x-line-signature': opts.signature ?? signature }),
    },
  };
}
function textEvent(userId: string, text: string) {
  seq++;
  return {
    type: 'message',
    mode: 'active',
    timestamp: Date.now(),
    webhookEventId: `01HWEBHOOK${String(seq).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`,
    deliveryContext: { isRedelivery: false },
    replyToken: `rt-${seq}`,
    source: { type: 'user', userId },
    message: { id: String(seq), type: 'text', text },
  };
}
async function post(app: TestApp, d: { body: string; headers: Record<string, string> }) {
  return app.server.app.inject({ method: 'POST', url: '/api/line/webhook', payload: d.body, headers: d.headers });
}
/** Send a text as a LINE user; the official account's reply text. */
async function say(app: TestApp, userId: string, text: string) {
  const e = textEvent(userId, text);
  const res = await post(app, delivery([e]));
  expect(res.statusCode, res.body).toBe(200);
  const r = line.replies.find((x) => x.replyToken === e.replyToken);
  expect(r, 'a reply was sent').toBeDefined();
  return r!.messages as Array<{ text: string; quickReply?: { items: Array<{ action: Record<string, string> }> } }>;
}

const lineUser = () => `U${Math.random().toString(16).slice(2).padEnd(32, '0')}`;

/** Two stores in Harajuku and Shinjuku, one far away, and a jacket in navy M stocked at two of them. */
let towns = 0;
async function shop(app: TestApp) {
  // Each test's shop in its own town (tests share the database): 100 km apart.
  const east = towns++ * 1.1;
  const harajuku = await createTestLocation(app, { name: '原宿店', lat: 35.6702, lng: 139.7027 - east });
  const shinjuku = await createTestLocation(app, { name: '新宿店', lat: 35.6909, lng: 139.7003 - east });
  const osaka = await createTestLocation(app, { name: '梅田店', lat: 34.7025, lng: 135.4959 - east });
  const tag = Math.random().toString(36).slice(2, 6);
  const {
    variantIds: [jacket],
  } = await createTestProduct(app, {
    name: `撥水マウンテンジャケット${tag}`,
    nameKana: 'はっすいまうんてんじゃけっと',
  });
  await app.server.database.db.execute(
    sql`UPDATE variants SET options = '{"color":"ネイビー","size":"M"}'::jsonb WHERE id = ${jacket!}`,
  );
  await receive(app, jacket!, harajuku, 3);
  await receive(app, jacket!, shinjuku, 1);
  await receive(app, jacket!, osaka, 9);
  return { harajuku, shinjuku, osaka, jacket: jacket!, tag };
}

/** A member whose home store is Harajuku, with her LINE user id linked. */
async function linkedMember(app: TestApp, home: string) {
  const { customer, token } = await registerCustomer(app);
  const db = app.server.database.db;
  await db.execute(sql`UPDATE customers SET home_location_id = ${home} WHERE id = ${customer.id}`);
  const userId = lineUser();
  await addIdentifiers(db, customer.id, [['line', userId]]);
  return { customerId: customer.id, token, userId };
}

describeEachDatabase('engagement: the LINE official account answers', (ctx) => {
  it('a bad, missing or foreign signature is 401 problem+json and nothing is done', async () => {
    const app = ctx();
    const e = textEvent(lineUser(), '在庫 ジャケット');
    for (const d of [
      delivery([e], { secret: 'another-channel-secret' }),
      delivery([e], { signature: null }),
      delivery([e], { signature: 'not base64 at all' }),
    ]) {
      const res = await post(app, d);
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('engagement.line_bad_signature');
    }
    // A body changed after signing is refused too.
    const good = delivery([e]);
    const res = await post(app, { ...good, body: good.body.replace('ジャケット', 'シャツ') });
    expect(res.statusCode).toBe(401);
    expect(line.replies.some((r) => r.replyToken === e.replyToken)).toBe(false);
  });

  it('a signed body that is not a webhook is 400', async () => {
    const app = ctx();
    const body = '{"events":"nope"}';
    const res = await post(app, {
      body,
      headers: {
        'content-type': 'application/json',
        'x-line-signature': createHmac('sha256', SECRET).update(body).digest('base64'),
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('engagement.line_bad_webhook');
  });

  it('「在庫 ジャケット」 is answered with the stock at her nearest stores, nearest first', async () => {
    const app = ctx();
    const s = await shop(app);
    const m = await linkedMember(app, s.harajuku);
    const [answer] = await say(app, m.userId, `在庫 撥水マウンテンジャケット${s.tag}`);
    expect(answer!.text).toContain(`撥水マウンテンジャケット${s.tag} ネイビー M: [1]原宿店 3点・[2]新宿店 1点`);
    expect(answer!.text).not.toContain('梅田店');
    expect(answer!.quickReply!.items.map((i) => i.action.label)).toEqual(['取り置き 1', '取り置き 2']);
    expect(line.replies.at(-1)!.authorization).toBe('Bearer line-access-token-0123');
    // 「ざいこ」 and full-width spaces work as well; nothing matching says so.
    const [kana] = await say(app, m.userId, `ざいこ　撥水マウンテンジャケット${s.tag}`);
    expect(kana!.text).toContain('原宿店 3点');
    const [none] = await say(app, m.userId, '在庫確認 存在しない商品ぜったいない');
    expect(none!.text).toContain('見つかりませんでした');
  });

  it('「取り置き 1」 places a hold at that store: stock reserved, the order in the store’s queue, the deadline told', async () => {
    const app = ctx();
    const s = await shop(app);
    const m = await linkedMember(app, s.harajuku);
    await say(app, m.userId, `在庫 撥水マウンテンジャケット${s.tag}`);
    const [held] = await say(app, m.userId, '取り置き 1');
    expect(held!.text).toContain('原宿店で「');
    expect(held!.text).toMatch(/\d+\/\d+ \d{2}:\d{2}までにお受け取りください/);
    const db = app.server.database.db;
    const [level] = await query<{ reserved: number }>(
      db,
      sql`SELECT reserved FROM stock_levels WHERE variant_id = ${s.jacket} AND location_id = ${s.harajuku}`,
    );
    expect(level!.reserved).toBe(1);
    const orders = await query<{ channel: string; customer_id: string; type: string; location_id: string }>(
      db,
      sql`SELECT o.channel, o.customer_id, f.type, f.location_id FROM orders o JOIN fulfilments f ON f.order_id = o.id
           WHERE o.customer_id = ${m.customerId}`,
    );
    expect(orders).toEqual([{ channel: 'line', customer_id: m.customerId, type: 'hold', location_id: s.harajuku }]);
    // The store's queue lists it (as staff see it).
    const queue = await app.api('GET', `/api/locations/${s.harajuku}/order-queue`);
    expect(queue.statusCode).toBe(200);
    expect(queue.json().items.some((o: { customerId: string }) => o.customerId === m.customerId)).toBe(true);

    // The button under the answer does the same, at the store it names.
    const [answer] = await say(app, m.userId, `在庫 撥水マウンテンジャケット${s.tag}`);
    const button = answer!.quickReply!.items.find((i) => i.action.label === '取り置き 2')!.action;
    seq++;
    const e = {
      type: 'postback',
      webhookEventId: `01HPOSTBACK${seq}${Math.random().toString(36).slice(2, 8)}`,
      replyToken: `rt-pb-${seq}`,
      source: { type: 'user', userId: m.userId },
      postback: { data: button.data },
    };
    expect((await post(app, delivery([e]))).statusCode).toBe(200);
    expect(line.replies.find((r) => r.replyToken === e.replyToken)!.messages[0]!.text).toContain('新宿店で「');
    const [shinjuku] = await query<{ reserved: number }>(
      db,
      sql`SELECT reserved FROM stock_levels WHERE variant_id = ${s.jacket} AND location_id = ${s.shinjuku}`,
    );
    expect(shinjuku!.reserved).toBe(1);
    // Now sold out in Shinjuku: another hold there is refused in words, nothing reserved.
    seq++;
    const again = {
      ...e,
      webhookEventId: `01HPOSTBACK${seq}x${Math.random().toString(36).slice(2, 8)}`,
      replyToken: `rt-pb-${seq}`,
    };
    await post(app, delivery([again]));
    expect(line.replies.find((r) => r.replyToken === again.replyToken)!.messages[0]!.text).toContain(
      '取り置きできませんでした',
    );
  });

  it('a redelivered or replayed event is acted on once', async () => {
    const app = ctx();
    const s = await shop(app);
    const m = await linkedMember(app, s.harajuku);
    await say(app, m.userId, `在庫 撥水マウンテンジャケット${s.tag}`);
    const e = textEvent(m.userId, '取り置き 1');
    const d = delivery([e]);
    const first = await post(app, d);
    expect(first.json()).toEqual({ handled: 1, duplicates: 0 });
    const replayed = await post(app, delivery([{ ...e, deliveryContext: { isRedelivery: true } }]));
    expect(replayed.json()).toEqual({ handled: 0, duplicates: 1 });
    expect((await post(app, d)).json()).toEqual({ handled: 0, duplicates: 1 });
    const [level] = await query<{ reserved: number }>(
      app.server.database.db,
      sql`SELECT reserved FROM stock_levels WHERE variant_id = ${s.jacket} AND location_id = ${s.harajuku}`,
    );
    expect(level!.reserved).toBe(1);
    expect(line.replies.filter((r) => r.replyToken === e.replyToken)).toHaveLength(1);
  });

  it('a LINE user who has not linked her account is told how to link before she can hold', async () => {
    const app = ctx();
    const s = await shop(app);
    const stranger = lineUser();
    const [stock] = await say(app, stranger, `在庫 撥水マウンテンジャケット${s.tag}`);
    expect(stock!.text).toContain('LINEと連携する');
    expect(stock!.quickReply).toBeUndefined();
    const [hold] = await say(app, stranger, '取り置き 1');
    expect(hold!.text).toContain('連携されていません');
    const [row] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM stock_levels WHERE variant_id = ${s.jacket} AND reserved > 0`,
    );
    expect(row!.n).toBe(0);
  });

  it('unfollowing the official account withdraws her LINE marketing consent', async () => {
    const app = ctx();
    const s = await shop(app);
    const m = await linkedMember(app, s.harajuku);
    const db = app.server.database.db;
    await db.execute(
      sql`INSERT INTO customer_consents (customer_id, channel, purpose, granted) VALUES (${m.customerId}, 'line', 'marketing', true)`,
    );
    seq++;
    const res = await post(
      app,
      delivery([
        {
          type: 'unfollow',
          webhookEventId: `01HUNFOLLOW${seq}${Math.random().toString(36).slice(2, 8)}`,
          source: { type: 'user', userId: m.userId },
        },
      ]),
    );
    expect(res.statusCode).toBe(200);
    const [row] = await query<{ granted: boolean }>(
      db,
      sql`SELECT granted FROM customer_consents WHERE customer_id = ${m.customerId} AND channel = 'line' AND purpose = 'marketing'`,
    );
    expect(row!.granted).toBe(false);
  });
});
