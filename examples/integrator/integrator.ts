import { createServer, type IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { musubiClient, ok } from './client.ts';

/**
 * What an integrator's back office does with Musubi, end to end, with the typed client and no casts:
 * find a product by a Japanese word, read its stock at the stores near a point, create a customer, listen
 * for webhooks, place a guest pickup order with an Idempotency-Key (and safely send it twice), and verify
 * the `order.placed` webhook that follows with the Standard Webhooks library.
 *
 *     MUSUBI_URL=http://localhost:3000 MUSUBI_TOKEN=… npx tsx examples/integrator/integrator.ts トート
 */
export async function integrate(opts: {
  baseUrl: string;
  token: string;
  /** A word of the product's name, in kana or kanji. */
  search: string;
  /** Where the shopper is: the stores are read nearest first. */
  near: { lat: number; lng: number };
  /** The address the webhook receiver listens on (this process; Musubi must be allowed to reach it). */
  listenHost?: string;
  log?: (line: string) => void;
}) {
  const log = opts.log ?? (() => {});
  const api = musubiClient(opts.baseUrl, opts.token);

  // 1. A product by a Japanese word.
  const found = ok(await api.GET('/api/products', { params: { query: { q: opts.search, limit: 5 } } }));
  const product = found.items[0];
  if (!product) throw new Error(`no product matches ${opts.search}`);
  log(`商品: ${product.name} (${product.priceMin} 円〜)`);

  // 2. Its stock at the stores near the shopper, nearest first; the first store that has one and does pickups.
  const near = `${opts.near.lat},${opts.near.lng}`;
  const stock = ok(
    await api.GET('/api/products/{id}/availability', { params: { path: { id: product.id }, query: { near } } }),
  );
  const pick = stock.locations
    .filter((l) => l.kind === 'store' && l.services.pickup)
    .flatMap((l) => stock.items.filter((i) => i.locationId === l.id && i.available > 0).map((i) => ({ l, i })))[0];
  if (!pick) throw new Error('no store near here has it');
  log(`在庫: ${pick.l.name} ${pick.i.available} 点 (${pick.l.distanceKm?.toFixed(1)} km)`);

  // 3. A customer from the CRM.
  const email = `integrator-${randomUUID().slice(0, 8)}@example.jp`;
  const customer = ok(
    await api.POST('/api/customers', { body: { name: '結び 花子', nameKana: 'ムスビ ハナコ', email } }),
  );
  log(`会員: ${customer.memberNumber}`);

  // 4. A receiver for the order's webhook, and its endpoint (the secret is shown once, at creation).
  const deliveries: Array<{ headers: Record<string, string>; body: string }> = [];
  const receiver = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      deliveries.push({ headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, opts.listenHost ?? '127.0.0.1', r));
  const { address, port } = receiver.address() as AddressInfo;
  const endpoint = ok(
    await api.POST('/api/webhooks', { body: { url: `http://${address}:${port}/musubi`, events: ['order.placed'] } }),
  );
  try {
    // 5. A guest pickup order. The Idempotency-Key makes a retry after a timeout safe: same order, not two.
    const cart = ok(await api.POST('/api/carts', { body: { channel: 'web' } }));
    ok(
      await api.POST('/api/carts/{id}/lines', {
        params: { path: { id: cart.id } },
        body: { variantId: pick.i.variantId, quantity: 1 },
      }),
    );
    ok(
      await api.PUT('/api/carts/{id}/fulfilment', {
        params: { path: { id: cart.id } },
        body: { type: 'pickup', locationId: pick.l.id },
      }),
    );
    const key = randomUUID();
    const checkout = () =>
      api.POST('/api/carts/{id}/checkout', {
        params: { path: { id: cart.id }, header: { 'Idempotency-Key': key } },
        body: { payment: { method: 'pay_at_store' }, guest: { name: '結び 花子', email } },
      });
    const order = ok(await checkout());
    const again = await checkout();
    const replayed = again.response.headers.get('idempotent-replayed') === 'true';
    log(`注文: ${order.number} ${order.total} 円 (再送: ${replayed ? '同じ注文' : '別の注文'})`);

    // 6. Its webhook, verified with the endpoint's secret before anything trusts it.
    const until = Date.now() + 20_000;
    while (!deliveries.length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const delivery = deliveries[0];
    if (!delivery) throw new Error('no webhook arrived in 20 s');
    // The body's shape is in the OpenAPI document's `webhooks` section.
    const event = new Webhook(endpoint.secret).verify(delivery.body, delivery.headers) as {
      id: string;
      event: string;
      data: { orderId: string; number: string };
    };
    log(`Webhook: ${event.event} ${event.data.orderId === order.id ? '(この注文)' : '(別の注文)'}`);
    return { product, store: pick.l, customer, order, replayedId: ok(again).id, replayed, event };
  } finally {
    await api.DELETE('/api/webhooks/{id}', { params: { path: { id: endpoint.id } } });
    receiver.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const baseUrl = process.env.MUSUBI_URL ?? 'http://localhost:3000';
  const token = process.env.MUSUBI_TOKEN;
  if (!token) throw new Error('MUSUBI_TOKEN: a staff or API token of the shop');
  await integrate({
    baseUrl,
    token,
    search: process.argv[2] ?? 'トート',
    near: { lat: 35.658, lng: 139.7016 }, // 渋谷駅
    log: console.log,
  });
}
