/**
 * Statements per request on the hot paths of issue 18 §1 (Postgres): counted on pg.Client in this
 * process (the server runs here), one warm request each. Unlike rates these do not move with the load
 * of a shared machine; every statement is a round trip (a socket write, a wake-up of a backend).
 * BENCH_TRACE=1 also prints each statement's start.
 */
import pg from 'pg';
import { issueMemberCode, memberCodeKey } from '../server/src/modules/customers/service.ts';
import { printTable } from './lib.ts';
import {
  createLocations,
  createProduct,
  openTarget,
  rawQuery,
  receive,
  serverUnavailable,
  startServer,
  type RunningServer,
} from './setup.ts';

/** What each path's same-run baseline sends (the benches' direct SQL). */
const BASELINE: Record<string, string> = {
  availability: '1 (availability.ts)',
  redeem: '4: BEGIN, lock, one CTE, COMMIT (loyalty.ts)',
  'member code': '2 (member-code.ts: the scan, the card)',
  'till sale': '1 (checkout.ts)',
  'product page': '1 (product-page.ts)',
  'product availability': '–',
  search: '1 (search.ts)',
};

export async function benchStatements(): Promise<void> {
  console.log('\n## Statements per request on the hot paths (Postgres, one warm request each)');
  const why = await serverUnavailable();
  if (why) {
    console.log(`postgres: skipped (${why})`);
    return;
  }
  const target = await openTarget('postgres');
  let running: RunningServer | undefined;
  try {
    running = await startServer(target.database);
    const c = running.client;
    const [loc] = await createLocations(target.database, 12);
    const variants = await createProduct(c, 'ベンチ カウント', 3);
    for (const v of variants) await receive(c, v, loc!, 100);
    const jans = (
      await rawQuery<{ jan: string }>(target.database, 'SELECT jan FROM variants WHERE id = ANY($1)', [variants])
    ).map((r) => r.jan);
    const [{ product_id: productId }] = (await rawQuery<{ product_id: string }>(
      target.database,
      'SELECT product_id FROM variants WHERE id = $1',
      [variants[0]],
    )) as [{ product_id: string }];
    const { id: customerId } = await c.json<{ id: string }>('POST', '/api/customers', { name: 'ベンチ 会員' }, 201);
    await c.json(
      'POST',
      '/api/loyalty/transactions',
      { customerId, kind: 'earn', points: 1000, reason: 'ベンチ', reference: 'count_earn' },
      201,
    );
    const key = memberCodeKey(running.server.secret);
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    let n = 0;
    const texts: string[] = [];
    proto.query = function (this: unknown, ...args: unknown[]) {
      n++;
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
      texts.push(String(text).replace(/\s+/g, ' ').slice(0, 100));
      return original.apply(this, args);
    };
    const rows: string[][] = [];
    const count = async (label: string, send: (i: number) => Promise<unknown>) => {
      await send(0);
      n = 0;
      texts.length = 0;
      await send(1);
      rows.push([label, String(n), BASELINE[label] ?? '']);
      if (process.env.BENCH_TRACE) console.log(`${label}:\n${texts.map((t, i) => `  ${i + 1}. ${t}`).join('\n')}`);
    };
    let i = 0;
    try {
      await count('availability', () =>
        c.json('GET', `/api/availability?variantId=${variants[0]}&near=35.658,139.7016`, undefined, 200),
      );
      await count('redeem', () =>
        c.json(
          'POST',
          '/api/loyalty/transactions',
          { customerId, kind: 'redeem', points: 1, reference: `count_r${++i}` },
          201,
        ),
      );
      await count('member code', () =>
        c.json(
          'POST',
          '/api/member-codes/resolve',
          { locationId: loc, code: issueMemberCode(key, customerId, Date.now() + ++i * 1000).code },
          200,
        ),
      );
      await count('till sale', () =>
        c.json(
          'POST',
          '/api/pos/sales',
          {
            locationId: loc,
            lines: jans.map((jan) => ({ jan, quantity: 1 })),
            payments: [{ method: 'cash', amount: 1980 * jans.length, tendered: 10_000 }],
            clientTransactionId: `count_${++i}`,
          },
          201,
        ),
      );
      await count('product page', () => c.json('GET', `/api/products/${productId}`, undefined, 200));
      await count('product availability', () =>
        c.json('GET', `/api/products/${productId}/availability`, undefined, 200),
      );
      await count('search', () => c.json('GET', `/api/products?q=${encodeURIComponent('カウント')}`, undefined, 200));
    } finally {
      proto.query = original;
    }
    printTable('Statements per request (Postgres)', ['path', 'statements', 'baseline sends'], rows);
  } finally {
    await running?.close();
    await target.dispose();
  }
}
