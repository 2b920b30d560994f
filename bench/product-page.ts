/**
 * The product page: GET /api/products/:id (the product, its variants by SKU, its pictures in order) of a
 * random product under 8 clients, against the same answer from one hand-written SQL statement on the same
 * database in the same run (issue 18 §1: the API at ≥ 70 % of its SQL). A third side sends the three
 * statements the endpoint sent before it was one (product, variants, pictures), to show what the round
 * trips cost the database side alone. On Postgres, the statements one request sends are counted.
 */
import pg from 'pg';
import { imageView } from '../server/src/modules/catalog/service.ts';
import {
  check,
  compare,
  figures,
  fmt,
  HttpClient,
  note,
  printTable,
  quick,
  seconds,
  sqlSide,
  summarize,
  type Comparison,
  type Outcome,
} from './lib.ts';
import { httpLoad } from './load-worker.ts';
import {
  createProduct,
  openTarget,
  rawQuery,
  startServer,
  timed,
  type RunningServer,
  type TargetName,
  onEachTarget,
} from './setup.ts';

const CONCURRENCY = 8;
const PRODUCTS = quick ? 60 : 300;
const VARIANTS = 4;
const PICTURES = 3;

/** The baseline: the whole answer in one statement (variants and pictures as JSON), pictures' URLs in JS. */
export const PRODUCT_PAGE_SQL = `
SELECT p.id, p.name, p.name_kana AS "nameKana", p.description, p.category_id AS "categoryId",
       p.tax_rate AS "taxRate", p.status,
       (SELECT coalesce(json_agg(json_build_object('id', v.id, 'sku', v.sku, 'jan', v.jan, 'price', v.price,
                                                   'options', v.options, 'status', v.status) ORDER BY v.sku), '[]')
          FROM variants v WHERE v.product_id = p.id) AS variants,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'colour', i.colour, 'position', i.position, 'alt', i.alt,
                                                   'base', i.base, 'widths', i.widths, 'width', i.width, 'height', i.height)
                                 ORDER BY i.position, i.id), '[]')
          FROM product_images i WHERE i.product_id = p.id) AS images,
       p.created_at AS "createdAt", p.updated_at AS "updatedAt"
  FROM products p WHERE p.id = $1`;

type PageRow = Record<string, unknown> & { images: Parameters<typeof imageView>[0][] };

/** The page's JSON as the baseline makes it: one statement, then the pictures' URLs. */
export async function productPageDirect(
  database: Parameters<typeof rawQuery>[0],
  productId: string,
): Promise<string | null> {
  const [row] = await rawQuery<PageRow>(database, PRODUCT_PAGE_SQL, [productId]);
  if (!row) return null;
  return JSON.stringify({ ...row, images: row.images.map(imageView) });
}

/** What the endpoint sent before (Drizzle's `select()` reads every column), one after the other. */
async function threeStatements(database: Parameters<typeof rawQuery>[0], productId: string): Promise<Outcome> {
  const [p] = await rawQuery(database, 'SELECT * FROM products WHERE id = $1', [productId]);
  if (!p) return 'not found';
  await rawQuery(database, 'SELECT * FROM variants WHERE product_id = $1 ORDER BY sku', [productId]);
  await rawQuery(database, 'SELECT * FROM product_images WHERE product_id = $1 ORDER BY position, id', [productId]);
  return true;
}

/** Statements one warm request sends, counted on pg.Client (Postgres only: PGlite has no client). */
async function statementsPerRequest(client: HttpClient, path: string): Promise<number> {
  await client.request('GET', path);
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let n = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  try {
    await client.request('GET', path);
  } finally {
    proto.query = original;
  }
  return n;
}

interface Result {
  target: TargetName;
  cmp: Comparison;
  statements: number | null;
}

async function runTarget(name: TargetName): Promise<Result> {
  const target = await timed(`${name}: open database + migrations`, () => openTarget(name));
  let running: RunningServer | undefined;
  try {
    running = await timed(`${name}: server listening`, () => startServer(target.database));
    const r = running;
    const database = target.database;
    const variantIds = await timed(`${name}: ${PRODUCTS} products × ${VARIANTS} variants`, async () => {
      const ids: string[] = [];
      for (let i = 0; i < PRODUCTS; i++)
        ids.push(...(await createProduct(r.client, `ベンチ 商品ページ ${i}`, VARIANTS)));
      return ids;
    });
    const productIds = (
      await rawQuery<{ id: string }>(database, 'SELECT DISTINCT product_id AS id FROM variants WHERE id = ANY($1)', [
        variantIds,
      ])
    ).map((p) => p.id);
    // Pictures as an upload leaves their rows (the files are not read by this endpoint): one for a colour.
    await rawQuery(
      database,
      `INSERT INTO product_images (id, product_id, colour, position, alt, base, widths, width, height)
       SELECT 'img_' || p || '_' || n, p, CASE WHEN n = 1 THEN '白' END, n, 'ベンチ ' || n, 'p-bench' || n,
              ARRAY[400, 800, 1200, 1600], 1600, 2000
         FROM unnest($1::text[]) p, generate_series(0, ${PICTURES - 1}) n`,
      [productIds],
    );
    const paths = productIds.map((id) => `/api/products/${id}`);

    // The answer is right before it is fast: the API's body is the baseline's, byte for byte.
    const anon = new HttpClient(r.port);
    let same = 0;
    const sample = productIds.slice(0, 20);
    for (const id of sample) {
      const res = await anon.request('GET', `/api/products/${id}`);
      if (res.status === 200 && res.body === (await productPageDirect(database, id))) same++;
    }
    const missing = await anon.request('GET', '/api/products/prd_none');
    check(
      `${name}: product page = the hand-written SQL's answer (${VARIANTS} variants by SKU, ${PICTURES} pictures in order)`,
      same === sample.length,
      `${same} of ${sample.length} equal`,
    );
    check(`${name}: an unknown product is 404 catalog.product_not_found`, missing.body.includes('product_not_found'));
    const statements = name === 'postgres' ? await statementsPerRequest(anon, paths[0]!) : null;
    anon.close();

    const pick = () => productIds[Math.floor(Math.random() * productIds.length)]!;
    note(`${name}: product page, ${PRODUCTS} products, ${CONCURRENCY} clients, ${seconds.read} s per side`);
    const cmp = await compare(
      [
        sqlSide('sql', CONCURRENCY, async () => ((await productPageDirect(database, pick())) ? true : 'not found')),
        {
          name: 'http',
          run: (durationMs, warmupMs) =>
            httpLoad({ kind: 'get', port: r.port, concurrency: CONCURRENCY, durationMs, warmupMs, paths }),
        },
        sqlSide('three', CONCURRENCY, () => threeStatements(database, pick())),
      ],
      seconds.read,
    );
    return { target: name, cmp, statements };
  } finally {
    await running?.close().catch((err) => note(`close failed: ${String(err)}`));
    await target.dispose().catch((err) => note(`dispose failed: ${String(err)}`));
  }
}

export async function benchProductPage(): Promise<void> {
  console.log('\n## Product page: GET /api/products/:id vs one hand-written SQL statement (same database, same run)');
  const results: Result[] = [];
  results.push(...(await onEachTarget(runTarget)));
  const rows = results.map((r) => {
    const h = summarize(r.cmp.get('http'));
    const s = summarize(r.cmp.get('sql'));
    const t = summarize(r.cmp.get('three'));
    figures.push({
      bench: 'product-page',
      what: `${r.target} random of ${PRODUCTS} products ×${CONCURRENCY}`,
      value: `${fmt.int(h.perSecond)} req/s`,
      baseline: `${fmt.int(s.perSecond)} q/s`,
      ratio: `${fmt.pct(h.perSecond / s.perSecond)} (rounds ${fmt.range(r.cmp.ratioRange('http', 'sql'))})`,
      target: '≥ 70 %',
    });
    return [
      r.target,
      String(CONCURRENCY),
      fmt.int(h.perSecond),
      fmt.int(s.perSecond),
      fmt.pct(h.perSecond / s.perSecond),
      fmt.range(r.cmp.ratioRange('http', 'sql')),
      fmt.ms(h.p50),
      fmt.ms(h.p99),
      fmt.ms(s.p50),
      fmt.ms(s.p99),
      fmt.int(t.perSecond),
      r.statements === null ? '–' : String(r.statements),
      fmt.failures(
        Object.fromEntries([
          ...Object.entries(h.failures).map(([k, v]) => [`http ${k}`, v]),
          ...Object.entries(s.failures).map(([k, v]) => [`sql ${k}`, v]),
          ...Object.entries(t.failures).map(([k, v]) => [`three ${k}`, v]),
        ]),
      ),
    ];
  });
  printTable(
    `Product page (${VARIANTS} variants, ${PICTURES} pictures each): HTTP vs one SQL statement`,
    [
      'db',
      'clients',
      'HTTP req/s',
      'SQL q/s',
      'HTTP/SQL',
      'per round',
      'HTTP p50',
      'HTTP p99',
      'SQL p50',
      'SQL p99',
      '3 statements /s',
      'statements / req',
      'failed',
    ],
    rows,
  );
}
