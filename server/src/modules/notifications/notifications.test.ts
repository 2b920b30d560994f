import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { outbox } from '../../platform/db/platform-schema.ts';
import type { Channel, Channels, OutboxMessage } from '../../platform/outbox.ts';
import { deliverOutbox, retryDelayMs } from '../../platform/dispatcher.ts';
import {
  createTestLocation,
  createTestProduct,
  deliverEvents,
  describeEachDatabase,
  receive,
  registerCustomer,
  type TestApp,
  stockedStore,
} from '../../test/harness.ts';
import { endpointWants, enqueueMarketing } from './notifier.ts';
import { sweepHoldsExpiring } from '../engagement/triggers/order-reminders.ts';
import { renderMail } from './templates.ts';
import { deliveryId, webhookChannel } from './webhooks.ts';
import { lineChannel, lineText, retryKey } from './line.ts';
import { addIdentifiers } from '../customers/service.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  valid: boolean;
}

/** A local receiver that checks Musubi-Signature; `failFirst` answers 500 to the first n requests. */
async function receiver(secret: string, failFirst = 0) {
  const got: Received[] = [];
  let calls = 0;
  const server: HttpServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      calls++;
      const sig = String(req.headers['musubi-signature'] ?? '');
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig);
      const expected = m ? createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex') : '';
      const valid =
        !!m &&
        m[1] === req.headers['musubi-timestamp'] &&
        timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(m[2]!, 'hex'));
      got.push({ headers: req.headers, body, valid });
      res.statusCode = calls <= failFirst ? 500 : valid ? 204 : 401;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function holdOrder(app: TestApp, token: string, variantId: string, store: string) {
  const cart = (await app.api('POST', '/api/carts', { token, body: {} })).json();
  expect(
    (await app.api('POST', `/api/carts/${cart.id}/lines`, { token, body: { variantId, quantity: 1 } })).statusCode,
  ).toBe(200);
  expect(
    (await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, { token, body: { type: 'hold', locationId: store } }))
      .statusCode,
  ).toBe(200);
  const res = await app.api('POST', `/api/carts/${cart.id}/checkout`, { token, body: {} });
  expect(res.statusCode, res.body).toBe(201);
  const order = res.json();
  return { order, fid: order.fulfilments[0].id as string, deadline: order.fulfilments[0].deadline as string };
}

/** A channel that keeps what it is given (the e-mail of a test). */
function capture(into: OutboxMessage[]): Channel {
  return { send: async (m) => void into.push(m), lane: 'channel', concurrency: 1 };
}

/** Send what is due at `at` (the dispatcher's clock; the outbox's own timestamps come from the database). */
function sendDue(db: Db, channels: Channels, at: Date, maxAttempts?: number) {
  return deliverOutbox(db, channels, { now: () => at, ...(maxAttempts ? { maxAttempts } : {}) });
}

async function outboxRows(db: Db, channel: OutboxMessage['channel'], recipient: string) {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.channel, channel), eq(outbox.recipient, recipient)))
    .orderBy(outbox.id);
}

describe('notifications: pure parts', () => {
  it('backs off exponentially with jitter, capped', () => {
    for (let i = 0; i < 20; i++) {
      expect(retryDelayMs(1)).toBeGreaterThanOrEqual(24_000);
      expect(retryDelayMs(1)).toBeLessThanOrEqual(36_000);
      expect(retryDelayMs(3)).toBeGreaterThanOrEqual(96_000);
      expect(retryDelayMs(3)).toBeLessThanOrEqual(144_000);
      expect(retryDelayMs(30)).toBeLessThanOrEqual(6 * 3600_000 * 1.2);
    }
    expect(new Set(Array.from({ length: 20 }, () => retryDelayMs(2))).size).toBeGreaterThan(1); // jittered
  });
  it('renders the Japanese e-mails', () => {
    const ready = renderMail('order_ready', {
      number: 'W-1001',
      pickupCode: 'ABCD1234',
      deadline: '2026-04-15T11:00:00Z',
    })!;
    expect(ready.subject).toContain('W-1001');
    expect(ready.text).toContain('受け取りコード: ABCD1234');
    expect(ready.text).toContain('2026年4月15日 20:00');
    expect(renderMail('order_cancelled', { number: 'W-1001' })!.subject).toContain('キャンセル');
    expect(renderMail('password_reset', { code: '123456', validMinutes: 30 })!.text).toContain('確認コード: 123456');
    expect(renderMail('unknown', {})).toBeUndefined();
  });
  it('renders the sign-in code and the notice of failing sign-ins in Japanese, then English, in Japan time', () => {
    const code = renderMail('login_code', { code: '042917', validMinutes: 10, app: 'customer' })!;
    expect(code.text).toContain('確認コード: 042917');
    expect(code.text.indexOf('有効期限は10分')).toBeLessThan(code.text.indexOf('Code: 042917'));
    const notice = renderMail('login_attempts_notice', { failures: 10, at: '2026-04-15T11:00:00Z', app: 'staff' })!;
    expect(notice.subject).toContain('ログインの試行が続いています');
    expect(notice.text).toContain('失敗した回数: 10回以上');
    expect(notice.text).toContain('日時: 2026年4月15日 20:00');
    expect(notice.text).toContain('15 April 2026, 20:00 (JST)');
    expect(notice.text).toContain('2段階認証');
    expect(notice.text.indexOf('パスワードを長く')).toBeLessThan(notice.text.indexOf('[English]'));
  });
  it('renders the order confirmation in Japanese, then English', () => {
    const hold = renderMail('order_placed', {
      number: 'W-1002',
      type: 'hold',
      total: 2200,
      deadline: '2026-04-15T11:00:00Z',
    })!;
    expect(hold.subject).toBe('【Musubi】ご注文を承りました（W-1002）/ Order received');
    expect(hold.text).toContain('ご注文番号: W-1002\nお受け取り方法: 取り置き\nお支払い合計: ¥2,200（税込）');
    expect(hold.text).toContain('お取り置き期限: 2026年4月15日 20:00');
    expect(hold.text).toContain(
      'Order number: W-1002\nFulfilment: Hold at the store (取り置き)\nTotal: ¥2,200 (tax included)',
    );
    expect(hold.text).toContain('We hold it for you until 15 April 2026, 20:00 (JST).');
    expect(hold.text.indexOf('ご注文番号')).toBeLessThan(hold.text.indexOf('Order number'));
    expect(hold.text).not.toContain('ご注文明細'); // no 明細 without the invoice part
    const ship = renderMail('order_placed', { number: 'W-1003', type: 'ship', total: 5500 })!;
    expect(ship.text).toContain('お受け取り方法: 配送');
    expect(ship.text).toContain('We will let you know when it ships.');
    expect(ship.text).not.toContain('期限');
  });
  it('the confirmation with the 明細 is a 適格簡易請求書 under the business’s own name', () => {
    const mail = renderMail(
      'order_placed',
      {
        number: 'W-1004',
        type: 'ship',
        total: 8470,
        invoice: {
          business: { name: '結び商事株式会社', registrationNumber: 'T1180301018771' },
          lines: [
            { name: 'リネンシャツ', options: 'M / 白', quantity: 1, total: 6600, reducedRate: false },
            { name: '煎茶ティーバッグ', options: '', quantity: 1, total: 1080, reducedRate: true },
          ],
          subtotal: 7680,
          discountTotal: 0,
          shippingFee: 790,
          total: 8470,
          taxes: [
            { rate: 10, base: 7390, tax: 671 },
            { rate: 8, base: 1080, tax: 80 },
          ],
        },
      },
      '結び商事株式会社',
    )!;
    expect(mail.subject).toBe('【結び商事株式会社】ご注文を承りました（W-1004）/ Order received');
    expect(mail.text).toContain('いつも結び商事株式会社をご利用いただき');
    expect(mail.text).not.toContain('Musubi');
    expect(mail.text).toContain(
      [
        '【ご注文明細（適格簡易請求書）】',
        'リネンシャツ（M / 白）　1点　¥6,600',
        '煎茶ティーバッグ ※　1点　¥1,080',
        '小計: ¥7,680',
        '送料・配達料: ¥790',
        '合計: ¥8,470（税込）',
        '10%対象: ¥7,390（内消費税 ¥671）',
        '8%対象: ¥1,080（内消費税 ¥80）',
        '※印は軽減税率（8%）対象商品です。',
        '発行: 結び商事株式会社　登録番号 T1180301018771',
      ].join('\n'),
    );
    expect(mail.text.indexOf('【ご注文明細')).toBeLessThan(mail.text.indexOf('[English]'));
  });
});

describeEachDatabase('notifications: inbox, e-mail and webhooks for orders', (ctx) => {
  const SECRET_A = 'whsec_test_a_0123456789abcdef';
  const SECRET_B = 'whsec_test_b_0123456789abcdef';
  let a: Awaited<ReturnType<typeof receiver>>;
  let b: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    a = await receiver(SECRET_A);
    b = await receiver(SECRET_B, 1);
  });

  it('an endpoint wants an event by its exact name, its family (order.*) or everything (*)', async () => {
    const wants = async (patterns: string[], event: string) => {
      const [row] = await query<{ ok: boolean }>(
        ctx().server.database.db,
        sql`SELECT ${endpointWants(sql`${JSON.stringify(patterns)}::jsonb`, event)} AS ok`,
      );
      return row!.ok;
    };
    expect(await wants(['order.*'], 'order.ready')).toBe(true);
    expect(await wants(['*'], 'order.ready')).toBe(true);
    expect(await wants(['order.placed', 'order.ready'], 'order.ready')).toBe(true);
    expect(await wants(['order.shipped'], 'order.ready')).toBe(false);
    expect(await wants(['orders.*'], 'order.ready')).toBe(false);
    expect(await wants(['order_*'], 'order_ready')).toBe(false);
    expect(await wants([], 'order.ready')).toBe(false);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('an order moving through its states fills the inbox, queues e-mails and POSTs signed webhooks with retries', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 5);
    const { token, customer } = await registerCustomer(app);
    const other = await registerCustomer(app);

    // Webhook endpoints: owner/hq only.
    expect(
      (await app.api('POST', '/api/webhooks', { token, body: { url: a.url, events: ['order.*'] } })).statusCode,
    ).toBe(403);
    const ea = await app.api('POST', '/api/webhooks', {
      body: { url: a.url, events: ['order.*'], secret: SECRET_A, signature: 'legacy' },
    });
    expect(ea.statusCode, ea.body).toBe(201);
    expect(ea.json().secret).toBe(SECRET_A);
    const eb = await app.api('POST', '/api/webhooks', {
      body: { url: b.url, events: ['order.ready'], secret: SECRET_B, signature: 'legacy' },
    });
    expect(eb.statusCode).toBe(201);
    const gen = (
      await app.api('POST', '/api/webhooks', { body: { url: 'http://127.0.0.1:9/never', events: ['points.changed'] } })
    ).json();
    expect(gen.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/); // Standard Webhooks: base64 of 32 bytes
    expect(gen.signature).toBe('standard');
    const listed = (await app.api('GET', '/api/webhooks')).json().items;
    expect(listed).toHaveLength(3);
    expect(listed[0]).not.toHaveProperty('secret');

    const { order, fid } = await holdOrder(app, token, variantId!, store);

    // Placed: she hears it was received (inbox + e-mail); A (order.*) gets order.placed, B (order.ready only) does not.
    await deliverEvents(app);
    const received = (await app.api('GET', '/api/account/notifications', { token })).json();
    expect(received.items).toEqual([
      expect.objectContaining({
        kind: 'order_placed',
        title: 'ご注文を承りました',
        payload: expect.objectContaining({ orderId: order.id, type: 'hold' }),
      }),
    ]);
    expect(received.items[0].body).toContain(`ご注文 ${order.number}（取り置き）を承りました。`);
    const sent: OutboxMessage[] = [];
    const channels: Channels = { email: capture(sent), webhook: webhookChannel(db, { egress: app.server.egress }) };
    const soon = () => new Date(Date.now() + 1000);
    await deliverEvents(app); // the order's events write the notices after commit
    await sendDue(db, channels, soon());
    expect(sent).toEqual([
      expect.objectContaining({
        channel: 'email',
        recipient: customer.email,
        template: 'order_placed',
        payload: expect.objectContaining({ number: order.number, type: 'hold', total: order.total }),
      }),
    ]);
    // The confirmation carries the order's 明細 as it is now: items, totals, tax per rate, the business.
    expect(sent[0]!.payload.invoice).toMatchObject({
      lines: order.lines.map((l: { name: string; quantity: number; total: number }) => ({
        name: l.name,
        quantity: l.quantity,
        total: l.total,
        reducedRate: false,
      })),
      total: order.total,
      taxes: order.taxes,
      business: { name: expect.any(String) },
    });
    expect(a.got).toHaveLength(1);
    expect(b.got).toHaveLength(0);
    expect(JSON.parse(a.got[0]!.body)).toMatchObject({
      event: 'order.placed',
      data: {
        orderId: order.id,
        number: order.number,
        status: 'placed',
        type: 'hold',
        customerId: customer.id,
        total: order.total,
      },
    });
    expect(
      (await app.api('POST', `/api/account/notifications/${received.items[0].id}/read`, { token })).statusCode,
    ).toBe(200);
    sent.length = 0;

    const ready = await app.api('POST', `/api/orders/${order.id}/fulfilments/${fid}/status`, {
      body: { status: 'ready' },
    });
    expect(ready.statusCode, ready.body).toBe(200);

    // In-app inbox.
    await deliverEvents(app);
    const inbox = (await app.api('GET', '/api/account/notifications', { token })).json();
    expect(inbox.unread).toBe(1);
    expect(inbox.items[0]).toMatchObject({
      kind: 'order_ready',
      title: '商品のご用意ができました',
      payload: { orderId: order.id },
      readAt: null,
    });
    expect(inbox.items[0].body).toContain(order.number);
    expect((await app.api('GET', '/api/account/notifications', { token: other.token })).json()).toEqual({
      unread: 0,
      items: [],
      nextBefore: null,
    });

    // The e-mail goes to the mail channel; A accepts its webhook, B fails once (500) and is retried after the backoff.
    const t0 = soon();
    await deliverEvents(app); // the order's events write the notices after commit
    await sendDue(db, channels, t0);
    expect(sent).toEqual([
      expect.objectContaining({
        channel: 'email',
        recipient: customer.email,
        template: 'order_ready',
        payload: expect.objectContaining({ number: order.number }),
      }),
    ]);
    expect(a.got).toHaveLength(2);
    expect(a.got[1]!.valid).toBe(true);
    expect(a.got[1]!.headers['musubi-event']).toBe('order.ready');
    const bodyA = JSON.parse(a.got[1]!.body);
    expect(bodyA).toMatchObject({
      id: a.got[1]!.headers['musubi-delivery'],
      event: 'order.ready',
      data: { orderId: order.id, status: 'ready', number: order.number },
    });
    const [failedOnce] = await outboxRows(db, 'webhook', eb.json().id);
    expect(failedOnce).toMatchObject({
      attempts: 1,
      sentAt: null,
      deadAt: null,
      leaseUntil: null,
      lastStatus: 500,
      lastError: 'HTTP 500',
    });
    const wait = failedOnce!.nextAttemptAt.getTime() - t0.getTime();
    expect(wait).toBeGreaterThanOrEqual(24_000);
    expect(wait).toBeLessThanOrEqual(36_000);
    await deliverEvents(app); // the order's events write the notices after commit
    await sendDue(db, channels, new Date(t0.getTime() + 1000)); // not due yet
    expect(b.got).toHaveLength(1);
    expect(sent).toHaveLength(1); // and nothing is sent twice
    await deliverEvents(app); // the order's events write the notices after commit
    await sendDue(db, channels, new Date(t0.getTime() + 40_000));
    expect(b.got).toHaveLength(2);
    expect(b.got[1]!.valid).toBe(true);
    expect(b.got[1]!.headers['musubi-delivery']).toBe(b.got[0]!.headers['musubi-delivery']); // same delivery id on retry
    expect(b.got[1]!.headers['musubi-delivery']).toBe(deliveryId(failedOnce!.id));
    expect(Number(b.got[1]!.headers['musubi-timestamp'])).toBeGreaterThanOrEqual(
      Number(b.got[0]!.headers['musubi-timestamp']),
    ); // signed per attempt
    const [done] = await outboxRows(db, 'webhook', eb.json().id);
    expect(done).toMatchObject({ attempts: 2, lastStatus: 204, lastError: null });
    expect(done!.sentAt).not.toBeNull();
    const listedAfter = (await app.api('GET', '/api/webhooks'))
      .json()
      .items.find((e: { id: string }) => e.id === eb.json().id);
    expect(listedAfter.recentDeliveries).toEqual([
      expect.objectContaining({
        id: deliveryId(done!.id),
        event: 'order.ready',
        attempts: 2,
        lastStatus: 204,
        failedAt: null,
      }),
    ]);

    // Read: someone else's is a 404, mine is marked.
    const nid = inbox.items[0].id;
    expect((await app.api('POST', `/api/account/notifications/${nid}/read`, { token: other.token })).statusCode).toBe(
      404,
    );
    expect((await app.api('POST', `/api/account/notifications/${nid}/read`, { token })).statusCode).toBe(200);
    expect((await app.api('GET', '/api/account/notifications', { token })).json().unread).toBe(0);

    // Cancelled: inbox + e-mail + order.* webhook to A only (B wants order.ready).
    expect(
      (await app.api('POST', `/api/orders/${order.id}/fulfilments/${fid}/status`, { body: { status: 'cancelled' } }))
        .statusCode,
    ).toBe(200);
    await deliverEvents(app);
    const after = (await app.api('GET', '/api/account/notifications', { token })).json();
    expect(after.unread).toBe(1);
    expect(after.items.map((n: { kind: string }) => n.kind)).toEqual([
      'order_cancelled',
      'order_ready',
      'order_placed',
    ]);
    sent.length = 0;
    await deliverEvents(app); // the order's events write the notices after commit
    await sendDue(db, channels, new Date(t0.getTime() + 60_000));
    expect(sent.map((m) => m.template)).toEqual(['order_cancelled']);
    expect(a.got.at(-1)!.headers['musubi-event']).toBe('order.cancelled');
    expect(a.got).toHaveLength(3);

    // A deactivated endpoint gets nothing more.
    expect((await app.api('DELETE', `/api/webhooks/${ea.json().id}`)).statusCode).toBe(204);
    expect((await app.api('DELETE', `/api/webhooks/${ea.json().id}`)).statusCode).toBe(404);
  });

  it('gives up after the maximum attempts: a dead letter HQ sees and sends again', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const dead = await receiver('whsec_dead_0123456789abcdef', 1000);
    try {
      const ep = (
        await app.api('POST', '/api/webhooks', {
          body: { url: dead.url, events: ['order.*'], secret: 'whsec_dead_0123456789abcdef', signature: 'legacy' },
        })
      ).json();
      const [row] = await db
        .insert(outbox)
        .values({
          channel: 'webhook',
          recipient: ep.id,
          template: 'order.ready',
          payload: { data: { number: 'W-DEAD' } },
        })
        .returning();
      const channels: Channels = { webhook: webhookChannel(db, { egress: app.server.egress, maxAttempts: 3 }) };
      let now = new Date(Date.now() + 1000);
      for (let i = 0; i < 4; i++) {
        await deliverEvents(app); // the order's events write the notices after commit
        await sendDue(db, channels, now);
        now = new Date(now.getTime() + 8 * 3600_000);
      }
      const [after] = await db.select().from(outbox).where(eq(outbox.id, row!.id));
      expect(after).toMatchObject({ attempts: 3, sentAt: null, lastStatus: 500, lastError: 'HTTP 500' });
      expect(after!.deadAt).not.toBeNull();
      expect(dead.got).toHaveLength(3); // the fourth round found nothing due

      // HQ sees it with the endpoint's address, and only HQ.
      const list = await app.api('GET', '/api/deliveries?status=dead&channel=webhook');
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json().items).toContainEqual(
        expect.objectContaining({
          id: row!.id,
          channel: 'webhook',
          recipientLabel: dead.url,
          template: 'order.ready',
          status: 'dead',
          attempts: 3,
          lastError: 'HTTP 500',
        }),
      );
      expect(list.json().counts.dead).toBeGreaterThanOrEqual(1);
      const { token: customerToken } = await registerCustomer(app);
      expect((await app.api('GET', '/api/deliveries', { token: customerToken })).statusCode).toBe(403);
      expect((await app.api('GET', '/api/deliveries', { token: null })).statusCode).toBe(401);
      expect(
        (
          await app.api('POST', '/api/deliveries/retry', {
            body: { ids: [999_999_999] },
            headers: { 'accept-language': 'en' },
          })
        ).json(),
      ).toMatchObject({ status: 404, title: 'Delivery not found' });

      // Sent again: a fresh set of attempts, due now; the receiver is fixed and takes it.
      const retried = await app.api('POST', '/api/deliveries/retry', { body: { ids: [row!.id] } });
      expect(retried.statusCode, retried.body).toBe(200);
      expect(retried.json()).toEqual({ retried: [row!.id] });
      expect((await app.api('GET', '/api/deliveries?status=pending&channel=webhook')).json().items).toContainEqual(
        expect.objectContaining({ id: row!.id, status: 'pending', attempts: 0 }),
      );
      const ok = await receiver('whsec_dead_0123456789abcdef');
      await db.execute(sql`UPDATE webhook_endpoints SET url = ${ok.url} WHERE id = ${ep.id}`);
      await deliverEvents(app); // the order's events write the notices after commit
      await sendDue(db, channels, new Date(Date.now() + 1000));
      expect(ok.got).toHaveLength(1);
      expect(ok.got[0]!.valid).toBe(true);
      await ok.close();
      const again = await app.api('POST', '/api/deliveries/retry', { body: { ids: [row!.id] } });
      expect(again.statusCode).toBe(409); // sent: nothing to retry

      // Every dead letter of a channel at once — not only the rows a screen has loaded.
      const deadRows = await db
        .insert(outbox)
        .values([
          {
            channel: 'webhook',
            recipient: ep.id,
            template: 'order.ready',
            payload: {},
            attempts: 8,
            deadAt: new Date(),
          },
          {
            channel: 'webhook',
            recipient: ep.id,
            template: 'order.shipped',
            payload: {},
            attempts: 8,
            deadAt: new Date(),
          },
          {
            channel: 'email',
            recipient: 'x@example.jp',
            template: 'order_ready',
            payload: {},
            attempts: 8,
            deadAt: new Date(),
          },
        ])
        .returning({ id: outbox.id });
      expect((await app.api('POST', '/api/deliveries/retry', { body: { allDead: true, ids: [1] } })).statusCode).toBe(
        400,
      );
      const all = await app.api('POST', '/api/deliveries/retry', { body: { allDead: true, channel: 'webhook' } });
      expect(all.statusCode, all.body).toBe(200);
      expect(all.json().retried).toEqual(expect.arrayContaining([deadRows[0]!.id, deadRows[1]!.id]));
      expect(all.json().retried).not.toContain(deadRows[2]!.id); // the e-mail is another channel
      const [mail] = await db.select().from(outbox).where(eq(outbox.id, deadRows[2]!.id));
      expect(mail!.deadAt).not.toBeNull();
      await db
        .update(outbox)
        .set({ sentAt: new Date() })
        .where(sql`id IN (${deadRows[0]!.id}, ${deadRows[1]!.id}, ${deadRows[2]!.id})`);
      await app.api('DELETE', `/api/webhooks/${ep.id}`);
    } finally {
      await dead.close();
    }
  });

  it('two app copies sending at once POST each delivery once (SKIP LOCKED + lease)', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const rx = await receiver('whsec_race_0123456789abcdef');
    try {
      const ep = (
        await app.api('POST', '/api/webhooks', {
          body: { url: rx.url, events: ['*'], secret: 'whsec_race_0123456789abcdef', signature: 'legacy' },
        })
      ).json();
      await db.insert(outbox).values(
        Array.from({ length: 12 }, (_, i) => ({
          channel: 'webhook',
          recipient: ep.id,
          template: 'order.ready',
          payload: { n: i },
        })),
      );
      const channels: Channels = { webhook: webhookChannel(db, { egress: app.server.egress }) };
      const at = new Date(Date.now() + 1000);
      const [r1, r2] = await Promise.all([sendDue(db, channels, at), sendDue(db, channels, at)]);
      expect(r1.sent + r2.sent).toBe(12);
      expect(rx.got.map((g) => JSON.parse(g.body).n).sort((x: number, y: number) => x - y)).toEqual(
        Array.from({ length: 12 }, (_, i) => i),
      );
      expect(rx.got.every((g) => g.valid)).toBe(true);
      await app.api('DELETE', `/api/webhooks/${ep.id}`);
    } finally {
      await rx.close();
    }
  });

  it('an order event delivered again after a crash sends nothing twice: one notice, one e-mail, one webhook, one timeline entry', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 2);
    const { token, customer } = await registerCustomer(app);
    const ep = (
      await app.api('POST', '/api/webhooks', { body: { url: 'http://127.0.0.1:9/twice', events: ['order.*'] } })
    ).json();
    const { order } = await holdOrder(app, token, variantId!, store);
    const written = async () => {
      const [n] = await query<{ inbox: string; mail: string; hooks: string; facts: string }>(
        db,
        sql`SELECT (SELECT count(*) FROM notifications WHERE customer_id = ${customer.id} AND kind = 'order_placed') AS inbox,
                   (SELECT count(*) FROM outbox WHERE channel = 'email' AND recipient = ${customer.email} AND template = 'order_placed') AS mail,
                   (SELECT count(*) FROM outbox WHERE channel = 'webhook' AND recipient = ${ep.id}) AS hooks,
                   (SELECT count(*) FROM customer_events WHERE customer_id = ${customer.id} AND type = 'order_placed') AS facts`,
      );
      return { inbox: Number(n!.inbox), mail: Number(n!.mail), hooks: Number(n!.hooks), facts: Number(n!.facts) };
    };
    expect(await written()).toEqual({ inbox: 0, mail: 0, hooks: 0, facts: 0 }); // nothing before the event is delivered
    expect((await deliverEvents(app)).sent).toBeGreaterThanOrEqual(1);
    expect(await written()).toEqual({ inbox: 1, mail: 1, hooks: 1, facts: 1 });
    // The app stopped after the subscribers wrote but before the delivery was recorded: the event comes again.
    await db.execute(
      sql`UPDATE outbox SET sent_at = NULL, lease_until = NULL, claim_token = NULL WHERE channel = 'event' AND recipient = ${order.id}`,
    );
    await deliverEvents(app);
    const [again] = await query<{ attempts: number; sent: boolean }>(
      db,
      sql`SELECT attempts, sent_at IS NOT NULL AS sent FROM outbox WHERE channel = 'event' AND recipient = ${order.id}`,
    );
    expect(again).toEqual({ attempts: 2, sent: true }); // delivered a second time …
    expect(await written()).toEqual({ inbox: 1, mail: 1, hooks: 1, facts: 1 }); // … and nothing was written twice
    await app.api('DELETE', `/api/webhooks/${ep.id}`);
    // Leave no hold behind for the reminder test.
    const fid = order.fulfilments[0].id as string;
    await app.api('POST', `/api/orders/${order.id}/fulfilments/${fid}/status`, { body: { status: 'cancelled' } });
    await deliverEvents(app);
  });

  it('tells a member once when a hold is about to lapse; marketing needs consent, order messages do not', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 2);
    const { token, customer } = await registerCustomer(app);
    const { order, deadline } = await holdOrder(app, token, variantId!, store);
    const soon = new Date(Date.parse(deadline) - 3600_000);
    await deliverEvents(app); // her order's own notice (placed) first
    // The reminder is engagement's service trigger now (お知らせ（自動）, on from the migration).
    expect(await sweepHoldsExpiring(db, { now: new Date(Date.parse(deadline) - 24 * 3600_000) })).toBe(0); // not yet
    expect(await sweepHoldsExpiring(db, { now: soon })).toBe(1);
    expect(await sweepHoldsExpiring(db, { now: soon })).toBe(0); // once
    await deliverEvents(app);
    const inbox = (await app.api('GET', '/api/account/notifications', { token })).json();
    expect(inbox.items).toEqual([
      expect.objectContaining({ kind: 'hold_expiring', payload: expect.objectContaining({ orderId: order.id }) }),
      expect.objectContaining({ kind: 'order_placed' }),
    ]);

    const msg = { channel: 'email' as const, recipient: customer.email, template: 'newsletter', payload: {} };
    expect(await enqueueMarketing(db, customer.id, msg)).toBe(false);
    expect(
      (
        await app.api('PUT', '/api/account/consents', {
          token,
          body: { items: [{ channel: 'email', purpose: 'marketing', granted: true }] },
        })
      ).statusCode,
    ).toBeLessThan(300);
    expect(await enqueueMarketing(db, customer.id, msg)).toBe(true);
  });

  it('a guest’s online order is acknowledged at her checkout address; a till sale tells only integrations', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const store = await createTestLocation(app);
    const {
      variantIds: [variantId],
      jans: [jan],
    } = await createTestProduct(app);
    await receive(app, variantId!, store, 5);
    const ep = (
      await app.api('POST', '/api/webhooks', { body: { url: 'http://127.0.0.1:9/placed', events: ['order.placed'] } })
    ).json();

    const cart = (
      await app.api('POST', '/api/carts', { token: null, body: { deviceId: 'device-notify-guest' } })
    ).json();
    await app.api('POST', `/api/carts/${cart.id}/lines`, { token: null, body: { variantId, quantity: 2 } });
    await app.api('PUT', `/api/carts/${cart.id}/fulfilment`, {
      token: null,
      body: { type: 'pickup', locationId: store },
    });
    const placed = await app.api('POST', `/api/carts/${cart.id}/checkout`, {
      token: null,
      body: { guest: { name: '旅行 花子', email: 'hanako.guest@example.jp' }, payment: { method: 'pay_at_store' } },
    });
    expect(placed.statusCode, placed.body).toBe(201);
    const online = placed.json();

    const { customer, token } = await registerCustomer(app);
    const sale = await app.api('POST', '/api/pos/sales', {
      body: {
        locationId: store,
        lines: [{ jan, quantity: 1 }],
        customerId: customer.id,
        payments: [{ method: 'cash', amount: 1100 }],
        clientTransactionId: 'till-notify-0001',
      },
    });
    expect(sale.statusCode, sale.body).toBe(201);
    const till = sale.json().order;

    const sent: OutboxMessage[] = [];
    await deliverEvents(app); // the order's events write the notices after commit
    await sendDue(db, { email: capture(sent) }, new Date(Date.now() + 1000));
    const mails = sent.filter(
      (m) => m.payload.orderId === online.id || m.payload.orderId === till.id || m.recipient === customer.email,
    );
    expect(mails).toEqual([
      expect.objectContaining({
        channel: 'email',
        recipient: 'hanako.guest@example.jp',
        template: 'order_placed',
        payload: expect.objectContaining({ number: online.number, type: 'pickup', total: 2200 }),
      }),
    ]);
    expect(renderMail(mails[0]!.template, mails[0]!.payload)!.text).toContain('お受け取り方法: 店舗受け取り');
    // The member at the till has her receipt: no inbox entry, no e-mail.
    expect((await app.api('GET', '/api/account/notifications', { token })).json()).toEqual({
      unread: 0,
      items: [],
      nextBefore: null,
    });
    const hooks = await outboxRows(db, 'webhook', ep.id);
    const byNumber = (x: { number: string }, y: { number: string }) => x.number.localeCompare(y.number); // S- (till) before W- (web)
    expect(hooks.map((h) => h.payload.data as { number: string }).sort(byNumber)).toEqual([
      expect.objectContaining({
        orderId: till.id,
        type: 'instore',
        status: 'completed',
        customerId: customer.id,
        total: 1100,
      }),
      expect.objectContaining({ orderId: online.id, type: 'pickup', status: 'placed', customerId: null, total: 2200 }),
    ]);
    await app.api('DELETE', `/api/webhooks/${ep.id}`);
  });

  it('a member who linked LINE gets her order notices there too, pushed once per message even when LINE is retried', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const { store, variantId } = await stockedStore(app, 2);
    const { token, customer } = await registerCustomer(app);
    const lineId = `U${'0123456789abcdef'.repeat(2)}`;
    await addIdentifiers(db, customer.id, [['line', lineId]]);
    const { order, deadline } = await holdOrder(app, token, variantId!, store);
    expect(
      (
        await app.api('POST', `/api/orders/${order.id}/fulfilments/${order.fulfilments[0].id}/status`, {
          body: { status: 'ready' },
        })
      ).statusCode,
    ).toBe(200);

    const pushes: Array<{
      url: string;
      headers: Record<string, string>;
      body: { to: string; messages: Array<{ type: string; text: string }> };
    }> = [];
    let answer = 500;
    const fakeLine = (async (url: string, init: RequestInit) => {
      pushes.push({ url, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
      return new Response(null, { status: answer });
    }) as unknown as typeof fetch;
    const channels: Channels = {
      line: lineChannel({ token: 'line-channel-token', apiUrl: 'https://line.example/', fetch: fakeLine }),
    };
    const t0 = Date.now() + 1000;
    await deliverEvents(app); // the order's events write the notices after commit
    await sendDue(db, channels, new Date(t0)); // LINE is down: kept for a retry
    answer = 409; // LINE had in fact accepted it: the same retry key is a conflict, which counts as sent
    await deliverEvents(app); // the order's events write the notices after commit
    await sendDue(db, channels, new Date(t0 + 60_000));
    answer = 200;
    await deliverEvents(app); // the order's events write the notices after commit
    await sendDue(db, channels, new Date(t0 + 120_000));
    const toLine = pushes.filter((p) => p.body.to === lineId);
    // Two notices (placed, ready), each tried twice (500, then 409), nothing on the third run.
    expect(toLine.map((p) => p.body.messages[0]!.text.split('\n')[0])).toEqual([
      '【Musubi】ご注文を承りました',
      '【Musubi】商品のご用意ができました',
      '【Musubi】ご注文を承りました',
      '【Musubi】商品のご用意ができました',
    ]);
    expect(new Set(toLine.map((p) => p.headers['x-line-retry-key'])).size).toBe(2); // one key per message, the same on its retry
    expect(toLine[0]).toMatchObject({
      url: 'https://line.example/v2/bot/message/push',
      headers: { authorization: 'Bearer line-channel-token' },
    });
    expect(toLine.at(-1)!.body.messages[0]!.text).toContain(order.number);
    // The hold's reminder goes to LINE as well.
    expect(await sweepHoldsExpiring(db, { now: new Date(Date.parse(deadline) - 3600_000) })).toBe(1);
    await deliverEvents(app); // the order's events write the notices after commit
    await sendDue(db, channels, new Date(t0 + 180_000));
    expect(pushes.at(-1)!.body.messages[0]!.text).toContain('取り置きの期限が近づいています');
    // HQ reads who a LINE message went to as the member, not as a LINE user id.
    const sentLine = (await app.api('GET', '/api/deliveries?status=sent&channel=line'))
      .json()
      .items.filter((d: { recipient: string }) => d.recipient === lineId);
    expect(sentLine.length).toBeGreaterThanOrEqual(2);
    expect(sentLine[0].customer).toEqual({ id: customer.id, name: '山田 花子', memberNumber: customer.memberNumber });
    expect(retryKey(7)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lineText('password_reset', {})).toBeUndefined();
  });
});
