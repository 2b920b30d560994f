import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startServerProcess } from '../../server/src/test/processes.ts';
import { musubiClient, ok } from './client.ts';
import { integrate } from './integrator.ts';

/** The integrator example runs as written against a real server: typed calls, a real order, a verified webhook. */
it('finds, reads stock, creates a customer, orders once with a key sent twice, and verifies the webhook', async () => {
  const token = 'integrator-example-bootstrap-token';
  const dir = mkdtempSync(join(tmpdir(), 'musubi-integrator-'));
  const server = await startServerProcess({ DATA_DIR: dir, MUSUBI_BOOTSTRAP_TOKEN: token });
  try {
    // The shop: two stores in Tokyo, a tote bag in stock only at the farther one.
    const api = musubiClient(server.url, token);
    const hours = { open: '10:00', close: '20:00' };
    const openingHours = { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: hours };
    const store = (code: string, name: string, lat: number, lng: number) =>
      api
        .POST('/api/locations', {
          body: {
            code,
            name,
            kind: 'store',
            prefecture: '東京都',
            city: '渋谷区',
            address: '神南1-1-1',
            lat,
            lng,
            openingHours,
            services: { pickup: true, orderAhead: false, deliveryRadiusKm: null, shipping: false },
          },
        })
        .then(ok);
    const shibuya = await store('SBY', '渋谷店', 35.6595, 139.7005);
    const shinjuku = await store('SJK', '新宿店', 35.6909, 139.7003);
    const tote = ok(
      await api.POST('/api/products', {
        body: {
          name: '帆布トートバッグ',
          taxRate: 10,
          variants: [{ sku: 'TOTE-1', jan: '4901234567894', price: 3300 }],
        },
      }),
    );
    const variantId = tote.variants[0]!.id;
    ok(
      await api.POST('/api/stock-movements', {
        body: { variantId, locationId: shinjuku.id, kind: 'receipt', quantity: 3 },
      }),
    );
    expect(shibuya.id).not.toBe(shinjuku.id);

    const lines: string[] = [];
    const r = await integrate({
      baseUrl: server.url,
      token,
      search: 'とーと', // hiragana finds the katakana name
      near: { lat: 35.658, lng: 139.7016 },
      log: (l) => lines.push(l),
    });
    expect(r.product.id).toBe(tote.id);
    expect(r.store.id).toBe(shinjuku.id); // the nearer store has none
    expect(r.customer.memberNumber).toMatch(/\d/);
    expect(r.replayed).toBe(true);
    expect(r.replayedId).toBe(r.order.id);
    expect(r.event).toMatchObject({ event: 'order.placed', data: { orderId: r.order.id, number: r.order.number } });
    expect(lines.join('\n')).toContain('新宿店');

    const after = ok(await api.GET('/api/products/{id}/availability', { params: { path: { id: tote.id } } }));
    expect(after.items.find((i) => i.locationId === shinjuku.id)?.available).toBe(2); // one order, not two
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
