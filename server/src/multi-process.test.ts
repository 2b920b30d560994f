import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempDatabase } from './test/harness.ts';
import { collectEvents, runServerToExit, seedStoreRow, startServerProcess } from './test/processes.ts';

const serverUrl = process.env.TEST_DATABASE_URL;
const TOKEN = 'multi-process-bootstrap-token-0001';

async function call(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('embedded database data dir', () => {
  it('a second Musubi on the same DATA_DIR refuses to start instead of losing data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-lock-'));
    try {
      const first = await startServerProcess({ DATA_DIR: dir });
      try {
        const second = await runServerToExit({ DATA_DIR: dir, PORT: '0' });
        expect(second.code).not.toBe(0);
        expect(second.output).toContain('is in use by another Musubi process');
        expect((await fetch(`${first.url}/health`)).status).toBe(200);
      } finally {
        expect(await first.stop()).toBe(0); // graceful shutdown on SIGTERM
      }
      // the lock is released on shutdown: the data dir opens again
      const again = await startServerProcess({ DATA_DIR: dir });
      await again.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.skipIf(!serverUrl)('several app processes on one Postgres server', () => {
  it('never oversell, and a change made in one copy streams to listeners of the other', async () => {
    const db = await createTempDatabase(serverUrl!);
    const env = { DATABASE_URL: db.url, MUSUBI_BOOTSTRAP_TOKEN: TOKEN, DATABASE_POOL_SIZE: '8' };
    const [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    try {
      const { body: loc } = await call(a.url, 'GET', '/api/locations');
      expect(loc.items).toEqual([]);
      // a location is seeded data; create it directly through SQL on the shared database
      await seedStoreRow(db.url, { id: 'loc_mp', code: 'MP', name: '多プロセス店' });
      const product = await call(a.url, 'POST', '/api/products', {
        name: '多プロセス傘',
        taxRate: 10,
        variants: [{ sku: 'MP-1', jan: '4901234567894', price: 990 }],
      });
      const variantId = (product.body.variants as Array<{ id: string }>)[0]!.id;
      expect(
        (
          await call(b.url, 'POST', '/api/stock-movements', {
            variantId,
            locationId: 'loc_mp',
            kind: 'receipt',
            quantity: 50,
          })
        ).status,
      ).toBe(201);

      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          call(i % 2 ? a.url : b.url, 'POST', '/api/reservations', {
            lines: [{ variantId, locationId: 'loc_mp', quantity: 1 }],
            ttlSeconds: 600,
            reason: 'cart',
          }),
        ),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(50);
      expect(results.filter((r) => r.status === 409)).toHaveLength(150);

      const events = await collectEvents(
        `${a.url}/api/stream?topics=stock&variantIds=${variantId}`,
        1,
        15_000,
        async () => {
          await call(b.url, 'POST', '/api/stock-movements', {
            variantId,
            locationId: 'loc_mp',
            kind: 'receipt',
            quantity: 5,
          });
        },
      );
      expect(events).toEqual([{ event: 'stock', data: { variantId, locationId: 'loc_mp', available: 5 } }]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await db.drop();
    }
  }, 180_000);
});
