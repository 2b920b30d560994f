/**
 * Japanese product search on a large catalog: the gram-indexed search (what GET /api/products runs)
 * against the naive baseline on the same database in the same run — a sequential ILIKE scan over
 * name and reading (which, besides being slow, misses kana variants and half-width input).
 *
 *   npx tsx search.ts            (100,000 products; SEARCH_PRODUCTS=… to change; BENCH_QUICK=1: 20,000)
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase, query, type Database } from '../server/src/platform/db/connection.ts';
import { migrate } from '../server/src/platform/db/migrate.ts';
import { searchProducts } from '../server/src/modules/catalog/service.ts';
import { searchFields } from '../server/src/modules/catalog/search-text.ts';
import { createTempDatabase } from '../server/src/test/harness.ts';
import { products, variants } from '../server/src/modules/catalog/schema.ts';
import { figures } from './lib.ts';

const quickMode = ['1', 'true', 'yes'].includes(process.env.BENCH_QUICK ?? '');
const PRODUCTS = Number(process.env.SEARCH_PRODUCTS ?? (quickMode ? 20_000 : 100_000));
const ROUNDS = quickMode ? 5 : 20;

// [written form, reading] pairs; names are combinations, so readings are always right.
const prefixes: Array<[string, string]> = [
  ['オーガニック', 'おーがにっく'],
  ['軽量', 'けいりょう'],
  ['撥水', 'はっすい'],
  ['麻混', 'あさまじり'],
  ['国産', 'こくさん'],
  ['北欧', 'ほくおう'],
  ['ストレッチ', 'すとれっち'],
  ['厚手', 'あつで'],
  ['やわらか', 'やわらか'],
  ['季節の', 'きせつの'],
];
const nouns: Array<[string, string]> = [
  ['コットンシャツ', 'こっとんしゃつ'],
  ['ワイドパンツ', 'わいどぱんつ'],
  ['ランニング靴', 'らんにんぐぐつ'],
  ['革鞄', 'かわかばん'],
  ['折りたたみ傘', 'おりたたみがさ'],
  ['カフェラテ', 'かふぇらて'],
  ['抹茶ラテ', 'まっちゃらて'],
  ['緑茶', 'りょくちゃ'],
  ['マグカップ', 'まぐかっぷ'],
  ['タオル', 'たおる'],
  ['ノート', 'のーと'],
  ['ボールペン', 'ぼーるぺん'],
  ['食パン', 'しょくぱん'],
  ['ジャケット', 'じゃけっと'],
  ['スニーカー', 'すにーかー'],
  ['まな板', 'まないた'],
];
const suffixes = ['', ' S', ' M', ' L', ' 限定', ' 2026', ' ギフト', ' 徳用'];

function productAt(i: number) {
  const [p, pr] = prefixes[i % prefixes.length]!;
  const [n, nr] = nouns[Math.floor(i / prefixes.length) % nouns.length]!;
  const s = suffixes[Math.floor(i / (prefixes.length * nouns.length)) % suffixes.length]!;
  const serial = ` No.${i}`;
  return { name: `${p}${n}${s}${serial}`, nameKana: `${pr}${nr}${s}${serial}` };
}

export async function load(database: Database) {
  await migrate(database);
  const db = database.db;
  const batch = 1000;
  for (let start = 0; start < PRODUCTS; start += batch) {
    const rows = [];
    const vrows = [];
    for (let i = start; i < Math.min(PRODUCTS, start + batch); i++) {
      const p = productAt(i);
      const sku = `BENCH-${i}`;
      const f = searchFields({ ...p, skus: [sku] });
      rows.push({ id: `prd_b${i}`, name: p.name, nameKana: p.nameKana, taxRate: 10 as const, ...f });
      vrows.push({ id: `var_b${i}`, productId: `prd_b${i}`, sku, jan: String(2000000000000 + i), price: 1990 });
    }
    await db.insert(products).values(rows);
    await db.insert(variants).values(vrows);
  }
  await db.execute(sql`ANALYZE`);
}

const queries = ['ラテ', 'らて', 'ﾗﾃ', '靴', '傘', 'ランニング', 'まっちゃ', 'コットン シャツ', '北欧 マグ', 'No.4242'];

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function measure(database: Database, label: string) {
  const db = database.db;
  const t0 = performance.now();
  await load(database);
  const loadMs = performance.now() - t0;
  const rows: string[][] = [];
  let sumGram = 0;
  let sumScan = 0;
  for (const q of queries) {
    const gram: number[] = [];
    const scan: number[] = [];
    let found = 0;
    let scanFound = 0;
    for (let r = 0; r < ROUNDS; r++) {
      let t = performance.now();
      found = (await searchProducts(db, { q, limit: 50 })).items.length;
      gram.push(performance.now() - t);
      t = performance.now();
      const like = `%${q}%`;
      scanFound = (
        await query<{ id: string }>(
          db,
          sql`SELECT id FROM products WHERE name ILIKE ${like} OR name_kana ILIKE ${like} ORDER BY name_kana LIMIT 50`,
        )
      ).length;
      scan.push(performance.now() - t);
    }
    const g50 = pct(gram, 50);
    const s50 = pct(scan, 50);
    sumGram += g50;
    sumScan += s50;
    rows.push([
      q,
      String(found),
      g50.toFixed(2),
      pct(gram, 99).toFixed(2),
      String(scanFound),
      s50.toFixed(2),
      `${(s50 / g50).toFixed(1)}×`,
    ]);
  }
  console.log(
    `\n## Search on ${PRODUCTS.toLocaleString()} products — ${label} (loaded in ${(loadMs / 1000).toFixed(1)} s)`,
  );
  console.log('| q | hits | gram p50 ms | gram p99 ms | ILIKE hits | ILIKE p50 ms | speed-up |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  figures.push({
    bench: 'search',
    what: `mean p50 of ${queries.length} queries, ${PRODUCTS.toLocaleString()} products (${label})`,
    value: `${(sumGram / queries.length).toFixed(2)} ms`,
    baseline: `${(sumScan / queries.length).toFixed(2)} ms ILIKE scan`,
    ratio: `${(sumScan / sumGram).toFixed(1)}× faster`,
  });
  console.log(
    `Mean p50: gram-indexed ${(sumGram / queries.length).toFixed(2)} ms vs ILIKE scan ${(sumScan / queries.length).toFixed(2)} ms (ratio ${(sumScan / sumGram).toFixed(1)}×)`,
  );
}

export async function runSearch(): Promise<void> {
  const lite = await openDatabase({ dataDir: 'memory' });
  try {
    await measure(lite, 'PGlite');
  } finally {
    await lite.close();
  }
  const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let temp: Awaited<ReturnType<typeof createTempDatabase>> | undefined;
  try {
    temp = await createTempDatabase(url);
  } catch {
    console.log('\n(Postgres server not reachable: search on the server skipped)');
    return;
  }
  const server = await openDatabase({ databaseUrl: temp.url });
  try {
    await measure(server, 'PostgreSQL server');
  } finally {
    await server.close();
    await temp.drop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runSearch();
  process.exit(0);
}
