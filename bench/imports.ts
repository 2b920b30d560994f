/**
 * CSV import of 50,000 product rows (商品マスタ, Shift_JIS as Excel saves it): the dry run, the run, and a
 * re-import of the same file (all unchanged), through the imports service as POST /api/imports and
 * /run call it (the route adds only the base64 decode). Target: ≤ 60 s for the 50,000 rows on the server.
 *
 * Baseline, same database, same run: the same rows inserted by SQL (products and variants, multi-row
 * INSERTs of 2,000 from jsonb, search keys precomputed in the client), then deleted again for the import.
 *
 *   npx tsx bench/imports.ts          (IMPORT_ROWS=… to change; BENCH_QUICK=1: 5,000; BENCH_DB=postgres|pglite)
 */
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { sql } from 'drizzle-orm';
import { query, type Database } from '../server/src/platform/db/connection.ts';
import { migrate } from '../server/src/platform/db/migrate.ts';
import type { Principal } from '../server/src/platform/auth.ts';
import { makeJan } from '../server/src/modules/catalog/service.ts';
import { searchFields } from '../server/src/modules/catalog/search-text.ts';
import { checkImport, startImport } from '../server/src/modules/imports/service.ts';
import { check, figures, quick } from './lib.ts';
import { openTarget, TARGETS } from './setup.ts';

const ROWS = Number(process.env.IMPORT_ROWS ?? (quick ? 5_000 : 50_000));
const owner: Principal = { kind: 'staff', staffId: 'stf_bench', name: 'bench', role: 'owner', locationIds: [] };
const colours = ['生成り', '墨黒', '藍', '杢グレー'];
const sizes = ['S', 'M', 'L', 'XL'];

interface Row {
  code: string;
  sku: string;
  jan: string;
  name: string;
  kana: string;
  price: number;
  colour: string;
  size: string;
}

/** Four sizes per 品番, so 50,000 rows are 12,500 products. */
function rows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const p = Math.floor(i / 4);
    return {
      code: `BN-${String(p).padStart(6, '0')}`,
      sku: `BN-${String(p).padStart(6, '0')}-${sizes[i % 4]}`,
      jan: makeJan(`49${String(i).padStart(10, '0')}`),
      name: `オーガニックコットン${['Tシャツ', 'パーカー', 'スウェット', 'ソックス'][p % 4]} No.${p}`,
      kana: `オーガニックコットン ${p}`,
      price: 1000 + (p % 50) * 100,
      colour: colours[p % 4]!,
      size: sizes[i % 4]!,
    };
  });
}

function csv(rs: Row[]): Buffer {
  const lines = ['品番,SKU,JANコード,商品名,商品名カナ,カテゴリ,税率,価格(税込),属性:色,属性:サイズ'];
  for (const r of rs)
    lines.push(
      `${r.code},${r.sku},${r.jan},${r.name},${r.kana},衣料品,10%,"${r.price.toLocaleString('en')}",${r.colour},${r.size}`,
    );
  return iconv.encode(lines.join('\r\n') + '\r\n', 'cp932');
}

/** The baseline: the same products and variants by SQL, 2,000 rows a statement. */
async function insertBySql(db: Database['db'], rs: Row[], categoryId: string): Promise<void> {
  for (let i = 0; i < rs.length; i += 2000) {
    const batch = rs.slice(i, i + 2000);
    const products = new Map<string, Record<string, unknown>>();
    for (const r of batch) {
      if (products.has(r.code)) continue;
      const f = searchFields({
        name: r.name,
        nameKana: r.kana,
        categoryNames: ['衣料品'],
        skus: [r.sku],
        jans: [r.jan],
      });
      products.set(r.code, {
        id: `prd_sql_${r.code}`,
        code: r.code,
        name: r.name,
        name_kana: r.kana,
        category_id: categoryId,
        search_text: f.searchText,
        search_grams: f.searchGrams,
        sort_key: f.sortKey,
      });
    }
    await db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO products (id, code, name, name_kana, category_id, tax_rate, search_text, search_grams, sort_key)
        SELECT id, code, name, name_kana, category_id, 10, search_text, ARRAY(SELECT jsonb_array_elements_text(search_grams)), sort_key
          FROM jsonb_to_recordset(${JSON.stringify([...products.values()])}::jsonb)
            AS d(id text, code text, name text, name_kana text, category_id text, search_text text, search_grams jsonb, sort_key text)`);
      await tx.execute(sql`INSERT INTO variants (id, product_id, sku, jan, price, options)
        SELECT 'var_sql_' || sku, 'prd_sql_' || code, sku, jan, price, jsonb_build_object('色', colour, 'サイズ', size)
          FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
            AS d(code text, sku text, jan text, price int, colour text, size text)`);
    });
  }
}

async function timeImport(database: Database, file: Buffer) {
  const t0 = performance.now();
  const job = await checkImport(database.db, owner, { kind: 'products', fileName: 'bench.csv', content: file });
  const t1 = performance.now();
  const { run } = await startImport(database.db, owner, job.id);
  const done = await run!;
  const t2 = performance.now();
  return { job, done, dryMs: t1 - t0, runMs: t2 - t1 };
}

async function measure(name: 'pglite' | 'postgres') {
  const target = await openTarget(name);
  try {
    const { database } = target;
    await migrate(database);
    const db = database.db;
    await db.execute(sql`INSERT INTO categories (id, name, name_kana) VALUES ('cat_bench', '衣料品', 'いりょうひん')`);
    const rs = rows(ROWS);
    const file = csv(rs);
    const b0 = performance.now();
    await insertBySql(db, rs, 'cat_bench');
    const baselineMs = performance.now() - b0;
    await db.execute(sql`DELETE FROM variants`);
    await db.execute(sql`DELETE FROM products`);

    const first = await timeImport(database, file);
    const again = await timeImport(database, file);
    const [n] = await query<{ v: number; p: number }>(
      db,
      sql`SELECT (SELECT count(*)::int FROM variants) AS v, (SELECT count(*)::int FROM products) AS p`,
    );
    check(
      `imports [${name}]: ${ROWS} rows created, then all unchanged`,
      first.done.status === 'done' &&
        first.done.result.create === ROWS &&
        again.job.counts.unchanged === ROWS &&
        again.done.result.unchanged === ROWS &&
        n!.v === ROWS &&
        n!.p === ROWS / 4,
      `${n!.v} variants, ${n!.p} products; first ${JSON.stringify(first.done.result)}, again ${JSON.stringify(again.done.result)}`,
    );
    const total = first.dryMs + first.runMs;
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `\n## CSV import of ${ROWS.toLocaleString()} product rows (Shift_JIS, ${(file.length / 1e6).toFixed(1)} MB) — ${name}\n` +
        `| step | time |\n|---|---:|\n| dry run (decode, parse, check, plan) | ${s(first.dryMs)} |\n| run (batches of 2,000) | ${s(first.runMs)} |\n` +
        `| **upload to done** | **${s(total)}** |\n| re-import: dry run + run (all unchanged) | ${s(again.dryMs + again.runMs)} |\n` +
        `| baseline: the same rows INSERTed by SQL | ${s(baselineMs)} |`,
    );
    figures.push({
      bench: 'imports',
      what: `${ROWS.toLocaleString()} product rows, dry run + run (${name})`,
      value: s(total),
      baseline: `${s(baselineMs)} SQL INSERT`,
      ratio: `${(total / baselineMs).toFixed(1)}×`,
      target: name === 'postgres' && ROWS >= 50_000 ? `≤ 60 s: ${total <= 60_000 ? 'met' : 'MISSED'}` : '',
    });
  } finally {
    await target.dispose();
  }
}

export async function benchImports(): Promise<void> {
  for (const name of TARGETS) await measure(name);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await benchImports();
  process.exit(0);
}
