import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTempDatabase, testJan } from '../../test/harness.ts';
import { seedStoreRow, startServerProcess, type RunningServer } from '../../test/processes.ts';
import { openSse, type SseFrame, type SseStream } from '../../test/sse.ts';

const serverUrl = process.env.TEST_DATABASE_URL;
const TOKEN = 'live-restart-bootstrap-token-0001';
const LOC = 'loc_live';

async function call(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const receipt = (base: string, variantId: string, quantity: number) =>
  call(base, 'POST', '/api/stock-movements', { variantId, locationId: LOC, kind: 'receipt', quantity });

interface Level {
  variantId: string;
  onHand: number;
}
const levelsOf = (frames: SseFrame[], variantId: string) =>
  frames
    .filter((f) => f.event === 'stock' && (f.data as Level).variantId === variantId)
    .map((f) => (f.data as Level).onHand);
const resyncs = (s: SseStream) => s.frames.filter((f) => f.event === 'resync');

describe.skipIf(!serverUrl)('live events when the database drops the LISTEN connection (two app copies)', () => {
  it('after each of three drops every copy comes back with one connection, says resync, and sends each later change exactly once; a stopping copy ends its streams with a retry hint', async () => {
    const db = await createTempDatabase(serverUrl!);
    const datname = new URL(db.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    const env = { DATABASE_URL: db.url, MUSUBI_BOOTSTRAP_TOKEN: TOKEN, DATABASE_POOL_SIZE: '4' };
    let copies: RunningServer[] = [];
    const streams: SseStream[] = [];
    try {
      copies = await Promise.all([startServerProcess(env), startServerProcess(env)]);
      const [a, b] = copies as [RunningServer, RunningServer];
      // a location is seeded data: straight into the shared database
      await seedStoreRow(db.url, { id: LOC, code: 'LIVE', name: '再接続店' });
      const product = await call(a.url, 'POST', '/api/products', {
        name: '再接続の傘',
        taxRate: 10,
        variants: ['0', '1', '2', '3', 'C'].map((k, i) => ({ sku: `LIVE-${k}`, jan: testJan(), price: 990 })),
      });
      const [v0, v1, v2, v3, churn] = (product.variants as Array<{ id: string }>).map((v) => v.id) as [
        string,
        string,
        string,
        string,
        string,
      ];
      const markers = [v1, v2, v3];

      // A staff listener on each copy; the changes are all made through copy A.
      const url = (base: string) => `${base}/api/stream?topics=stock&locationIds=${LOC}&token=${TOKEN}`;
      const onB = await openSse(url(b.url));
      const onA = await openSse(url(a.url));
      streams.push(onB, onA);
      await receipt(a.url, v0, 1);
      await onB.waitFor((f) => levelsOf(f, v0).length === 1);

      // Stock keeps moving the whole time, one unit after another.
      let moving = true;
      let moved = 0;
      const mover = (async () => {
        while (moving) {
          await receipt(a.url, churn, 1);
          moved++;
        }
      })();

      for (let drop = 1; drop <= 3; drop++) {
        await new Promise((r) => setTimeout(r, 150)); // some changes before the drop
        const killed = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = $2',
          ['musubi-listen', datname],
        );
        expect(killed.rowCount).toBe(2); // one per copy
        await onB.waitFor(() => resyncs(onB).length === drop, 15_000);
        await onA.waitFor(() => resyncs(onA).length === drop, 15_000);
        await receipt(a.url, markers[drop - 1]!, drop);
        await onB.waitFor((f) => levelsOf(f, markers[drop - 1]!).length >= 1);
      }
      moving = false;
      await mover;
      // A last change: NOTIFYs arrive in commit order, so once it is here every earlier one has arrived too.
      await receipt(a.url, v0, 1);
      await onB.waitFor((f) => levelsOf(f, v0).length === 2);
      await onA.waitFor((f) => levelsOf(f, v0).length === 2);

      for (const stream of [onB, onA]) {
        expect(resyncs(stream).map((f) => f.data)).toEqual([1, 2, 3].map(() => ({ reason: 'database_reconnected' })));
        expect(levelsOf(stream.frames, v0)).toEqual([1, 2]);
        markers.forEach((v, i) => expect(levelsOf(stream.frames, v)).toEqual([i + 1]));
        // Stock kept moving through the drops: what each gap swallowed is announced by its resync; after
        // each resync every change arrives, in order, once.
        const seen = levelsOf(stream.frames, churn);
        expect(seen).toEqual([...seen].sort((x, y) => x - y));
        expect(new Set(seen).size).toBe(seen.length);
        const lastResync = stream.frames.lastIndexOf(resyncs(stream).at(-1)!);
        const afterLastGap = levelsOf(stream.frames.slice(lastResync), churn);
        expect(afterLastGap.length).toBeGreaterThan(0);
        expect(afterLastGap).toEqual(range(afterLastGap[0]!, moved));
        for (let g = 0; g < 3; g++) {
          const from = stream.frames.indexOf(resyncs(stream)[g]!);
          const to = g < 2 ? stream.frames.indexOf(resyncs(stream)[g + 1]!) : stream.frames.length;
          const segment = levelsOf(stream.frames.slice(from, to), churn);
          if (segment.length) expect(segment).toEqual(range(segment[0]!, segment.at(-1)!));
        }
      }

      // Both copies' streams are live, so each copy has at least one LISTEN connection: two in all means one each.
      const listening = await admin.query(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = $2',
        ['musubi-listen', datname],
      );
      expect(listening.rows[0].n).toBe(2);

      // A copy that stops ends its streams politely: a retry hint, then the end, before it exits.
      expect(await b.stop()).toBe(0);
      await onB.ended;
      expect(onB.frames.at(-1)!.retry).toBeGreaterThanOrEqual(2000);
    } finally {
      for (const s of streams) s.close();
      await Promise.all(copies.map((c) => c.stop()));
      await admin.end();
      await db.drop();
    }
  }, 90_000);
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
