import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { expect, it } from 'vitest';
import { query } from '../../platform/db/connection.ts';
import { sql } from 'drizzle-orm';
import { makeJan } from '../catalog/service.ts';
import { createTestLocation, describeEachDatabase, type TestApp } from '../../test/harness.ts';
import { decodeCsv } from './decode.ts';
import { resumeImports } from './jobs.ts';
import { tableChanged } from '../../platform/db/table-cache.ts';

let serial = 0;
/** A batch of unique, valid JAN codes and SKUs for one test. */
function codes(n: number) {
  const base = `45${String(process.pid % 100).padStart(2, '0')}${String(++serial).padStart(2, '0')}`;
  return Array.from({ length: n }, (_, i) => ({
    sku: `IMP-${base}-${i}`,
    jan: makeJan(`${base}${String(i).padStart(6, '0')}`),
  }));
}

const header = 'SKU,JANコード,商品名,商品名カナ,カテゴリ,税率,価格(税込),属性:色';
function productCsv(rows: Array<{ sku: string; jan: string }>, name = 'オーガニックコットンTシャツ', price = 2980) {
  return (
    [
      header,
      ...rows.map(
        (r, i) =>
          `${r.sku},${r.jan},${name} ${i},オーガニックコットンティーシャツ,,10%,"¥${price.toLocaleString('en')}",生成り`,
      ),
    ].join('\r\n') + '\r\n'
  );
}

async function upload(app: TestApp, kind: string, bytes: Buffer, lang = 'ja') {
  return app.api('POST', '/api/imports', {
    body: { kind, fileName: `${kind}.csv`, content: bytes.toString('base64') },
    headers: { 'accept-language': lang },
  });
}

async function runToEnd(app: TestApp, id: string, seconds = 30) {
  const started = await app.api('POST', `/api/imports/${id}/run`);
  expect(started.statusCode, started.body).toBe(202);
  for (let i = 0; i < seconds * 20; i++) {
    const job = (await app.api('GET', `/api/imports/${id}`)).json();
    if (job.status === 'done' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

it('detects UTF-8 with and without BOM and Shift_JIS (CP932, with ① and 髙)', () => {
  const text = '商品名,価格\n①髙島屋コラボ,100\n';
  expect(decodeCsv(Buffer.from(text))).toEqual({ text, encoding: 'utf-8' });
  expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({
    text,
    encoding: 'utf-8-bom',
  });
  expect(decodeCsv(iconv.encode(text, 'cp932'))).toEqual({ text, encoding: 'cp932' });
  expect(decodeCsv(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toBeNull();
});

describeEachDatabase('CSV imports', (ctx) => {
  it('imports a Shift_JIS product file: the dry run counts, the run creates, a re-import changes nothing', async () => {
    const app = ctx();
    const rows = codes(3);
    const file = iconv.encode(productCsv(rows), 'cp932');
    const dry = await upload(app, 'products', file);
    expect(dry.statusCode, dry.body).toBe(201);
    expect(dry.json()).toMatchObject({
      encoding: 'cp932',
      status: 'checked',
      totalRows: 3,
      counts: { create: 3, update: 0, unchanged: 0, error: 0 },
      errors: [],
    });
    const before = await query<{ n: number }>(app.server.database.db, sql`SELECT count(*)::int AS n FROM variants`);
    const done = await runToEnd(app, dry.json().id);
    expect(done).toMatchObject({ status: 'done', processedRows: 3, result: { create: 3, update: 0, unchanged: 0 } });
    const found = await app.api('GET', `/api/barcodes/${rows[1]!.jan}`, { token: null });
    expect(found.json()).toMatchObject({
      product: { name: 'オーガニックコットンTシャツ 1', taxRate: 10 },
      variant: { sku: rows[1]!.sku, price: 2980, options: { 色: '生成り' } },
    });
    const search = await app.api('GET', `/api/products?q=${encodeURIComponent('こっとん')}`, { token: null });
    expect(search.body).toContain('オーガニックコットンTシャツ 1');
    const after = await query<{ n: number }>(app.server.database.db, sql`SELECT count(*)::int AS n FROM variants`);
    expect(after[0]!.n - before[0]!.n).toBe(3);

    // The same file again: nothing to do, and the run writes nothing.
    const again = await upload(app, 'products', file);
    expect(again.json().counts).toEqual({ create: 0, update: 0, unchanged: 3, error: 0 });
    const rerun = await runToEnd(app, again.json().id);
    expect(rerun.result).toEqual({ create: 0, update: 0, unchanged: 3, error: 0 });
    // A done import run again is left as it is.
    expect((await app.api('POST', `/api/imports/${again.json().id}/run`)).json().status).toBe('done');

    // A new price for one row: one update.
    const changed = await upload(app, 'products', Buffer.from(productCsv(rows, 'オーガニックコットンTシャツ', 3280)));
    expect(changed.json().counts).toEqual({ create: 0, update: 3, unchanged: 0, error: 0 });

    // A file without the kana, category and 属性 columns changes the price and leaves those alone.
    const short = `SKU,JANコード,商品名,税率,価格(税込)\n${rows[0]!.sku},${rows[0]!.jan},オーガニックコットンTシャツ 0,10,3500\n`;
    const priceOnly = await upload(app, 'products', Buffer.from(short));
    expect(priceOnly.json().counts).toEqual({ create: 0, update: 1, unchanged: 0, error: 0 });
    await runToEnd(app, priceOnly.json().id);
    const kept = (await app.api('GET', `/api/barcodes/${rows[0]!.jan}`, { token: null })).json();
    expect(kept).toMatchObject({
      product: { nameKana: 'オーガニックコットンティーシャツ' },
      variant: { price: 3500, options: { 色: '生成り' } },
    });
  });

  it('reads a UTF-8 file with a BOM (the first header is still 「SKU」) and groups variants by 品番', async () => {
    const app = ctx();
    const [a, b] = codes(2);
    const csv = `品番,SKU,JANコード,商品名,税率,価格（税込）,属性:サイズ\nTS-01,${a!.sku},${a!.jan},リネンシャツ,10,4980,M\nTS-01,${b!.sku},${b!.jan},リネンシャツ,10,4980,L\n`;
    const dry = await upload(app, 'products', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]));
    expect(dry.statusCode, dry.body).toBe(201);
    expect(dry.json()).toMatchObject({ encoding: 'utf-8-bom', counts: { create: 2 } });
    await runToEnd(app, dry.json().id);
    const found = (await app.api('GET', `/api/barcodes/${a!.jan}`, { token: null })).json();
    expect(found.product.variants.map((v: { options: Record<string, string> }) => v.options.サイズ)).toEqual([
      'M',
      'L',
    ]);
  });

  it('lists every broken cell with its line, column and reason (ja, en) and refuses the whole file', async () => {
    const app = ctx();
    const [a, b, c] = codes(3);
    const badJan = `${a!.jan.slice(0, 12)}${(Number(a!.jan[12]) + 1) % 10}`;
    const csv = [
      'SKU,JANコード,商品名,税率,価格(税込)',
      `${a!.sku},${badJan},壊れた行,10,1000`,
      `${b!.sku},${b!.jan},良い行,10,1000`,
      `${c!.sku},${c!.jan},,9,千円`,
      `${b!.sku},${b!.jan},重複行,10,1000`,
      `${c!.sku},短すぎる`,
    ].join('\n');
    const dry = await upload(app, 'products', Buffer.from(csv));
    expect(dry.statusCode).toBe(201);
    const job = dry.json();
    expect(job.status).toBe('refused');
    expect(job.counts).toMatchObject({ create: 1, error: 4 });
    expect(job.errors).toEqual([
      {
        line: 2,
        column: 'JANコード',
        code: 'jan_check_digit',
        message: 'JANコードのチェックデジットが正しくありません',
      },
      { line: 4, column: '商品名', code: 'required', message: '必須の項目が空です' },
      { line: 4, column: '税率', code: 'tax_rate', message: '税率は 10 または 8 です' },
      { line: 4, column: '価格(税込)', code: 'price', message: '価格は 0 以上の整数（円・税込）です' },
      { line: 5, column: 'SKU', code: 'duplicate', message: '3 行目と重複しています' },
      { line: 5, column: 'JANコード', code: 'duplicate', message: '3 行目と重複しています' },
      { line: 5, column: '商品名', code: 'product_mismatch', message: '同じ品番の 3 行目と内容が違います' },
      {
        line: 6,
        column: '',
        code: 'columns',
        message: '列の数が見出しと合いません（見出し 5 列、この行 2 列）',
      },
    ]);
    const en = (await app.api('GET', `/api/imports/${job.id}`, { headers: { 'accept-language': 'en' } })).json();
    expect(en.errors[0].message).toBe('The JAN code’s check digit is wrong');
    const run = await app.api('POST', `/api/imports/${job.id}/run`);
    expect(run.statusCode).toBe(422);
    expect(run.headers['content-type']).toContain('application/problem+json');
    expect(run.json().code).toBe('import.has_errors');
    expect((await app.api('GET', `/api/barcodes/${b!.jan}`, { token: null })).statusCode).toBe(404);
  });

  it('reads the sample files of docs/samples (the documented formats) without an error, in order', async () => {
    const app = ctx();
    const db = app.server.database.db;
    await db.execute(
      sql`INSERT INTO categories (id, name) VALUES ('cat_sample_tops', 'トップス'), ('cat_sample_food', '食品')`,
    );
    for (const code of ['S101', 'S102']) {
      const id = await createTestLocation(app);
      await db.execute(sql`UPDATE locations SET code = ${code} WHERE id = ${id}`);
      tableChanged(db, 'locations'); // kept in memory by the server: read again
    }
    const sample = (name: string) => readFileSync(new URL(`../../../../docs/samples/${name}`, import.meta.url));
    for (const [kind, name, encoding] of [
      ['products', 'products-shift_jis.csv', 'cp932'],
      ['products', 'products-utf8-bom.csv', 'utf-8-bom'],
      ['prices', 'prices.csv', 'utf-8'],
      ['stock_counts', 'stock-counts-shift_jis.csv', 'cp932'],
      ['customers', 'customers.csv', 'utf-8-bom'],
    ] as const) {
      const dry = await upload(app, kind, sample(name));
      expect(dry.json(), name).toMatchObject({ encoding, status: 'checked', errorCount: 0 });
      expect((await runToEnd(app, dry.json().id)).status, name).toBe('done');
    }
    const tee = (await app.api('GET', '/api/barcodes/4900000000016', { token: null })).json();
    expect(tee).toMatchObject({ product: { name: 'オーガニックコットンTシャツ' }, variant: { price: 3280 } });
  });

  it('answers a file that is not a table with a 422 problem, never a 500', async () => {
    const app = ctx();
    const noColumns = await upload(app, 'products', Buffer.from('名前,値段\nりんご,100\n'));
    expect(noColumns.statusCode).toBe(422);
    expect(noColumns.json()).toMatchObject({ code: 'import.missing_columns' });
    expect(noColumns.json().detail).toContain('SKU');
    const binary = await upload(app, 'products', Buffer.from([0x81, 0x20, 0xff, 0xfe, 0x00, 0x80]));
    expect(binary.statusCode).toBe(422);
    const quote = await upload(app, 'prices', Buffer.from('SKU,価格\n"abc,100\n'));
    expect(quote.statusCode).toBe(422);
    expect(quote.json().code).toBe('import.csv_malformed');
    const empty = await upload(app, 'prices', Buffer.from('SKU,価格\n'));
    expect(empty.json().code).toBe('import.empty');
    const staff = await app.api('GET', '/api/imports', { token: null });
    expect(staff.statusCode).toBe(401);
  });

  it('counts stock (棚卸) as count movements of the difference, and a second count of the same file changes nothing', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const rows = codes(2);
    await runToEnd(app, (await upload(app, 'products', Buffer.from(productCsv(rows)))).json().id);
    const [code] = await query<{ code: string }>(
      app.server.database.db,
      sql`SELECT code FROM locations WHERE id = ${store}`,
    );
    const variant = (jan: string) =>
      app.api('GET', `/api/barcodes/${jan}`, { token: null }).then((r) => r.json().variant.id);
    const v0 = await variant(rows[0]!.jan);
    await app.api('POST', '/api/stock-movements', {
      body: { variantId: v0, locationId: store, kind: 'receipt', quantity: 10 },
    });
    const csv = `JANコード,店舗コード,数量\n${rows[0]!.jan},${code!.code},7\n${rows[1]!.jan},${code!.code},5\n`;
    const dry = await upload(app, 'stock_counts', iconv.encode(csv, 'cp932'));
    expect(dry.json()).toMatchObject({ status: 'checked', counts: { update: 2, unchanged: 0 } });
    expect((await runToEnd(app, dry.json().id)).status).toBe('done');
    const moves = await query<{ kind: string; quantity: number; onHandAfter: number }>(
      app.server.database.db,
      sql`SELECT kind, quantity, on_hand_after AS "onHandAfter" FROM stock_movements WHERE location_id = ${store} AND kind = 'count' ORDER BY quantity`,
    );
    expect(moves).toEqual([
      { kind: 'count', quantity: -3, onHandAfter: 7 },
      { kind: 'count', quantity: 5, onHandAfter: 5 },
    ]);
    const again = await upload(app, 'stock_counts', Buffer.from(csv));
    expect(again.json().counts).toEqual({ create: 0, update: 0, unchanged: 2, error: 0 });
    await runToEnd(app, again.json().id);
    const after = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM stock_movements WHERE location_id = ${store} AND kind = 'count'`,
    );
    expect(after[0]!.n).toBe(2);
    const unknown = await upload(app, 'stock_counts', Buffer.from(`SKU,店舗コード,数量\nNO-SUCH,ZZZ,1\n`));
    expect(unknown.json().errors.map((e: { code: string }) => e.code)).toEqual(['location']);
  });

  it('updates prices by SKU and records customers with their consent flags', async () => {
    const app = ctx();
    const rows = codes(2);
    await runToEnd(app, (await upload(app, 'products', Buffer.from(productCsv(rows)))).json().id);
    const prices = await upload(
      app,
      'prices',
      Buffer.from(`SKU,価格(税込)\n${rows[0]!.sku},3300\n${rows[1]!.sku},2980\nNONE-1,100\n`),
    );
    expect(prices.json()).toMatchObject({ status: 'refused', counts: { update: 1, unchanged: 1, error: 1 } });
    const fixed = await upload(
      app,
      'prices',
      Buffer.from(`SKU,価格(税込)\n${rows[0]!.sku},3300\n${rows[1]!.sku},2980\n`),
    );
    await runToEnd(app, fixed.json().id);
    expect((await app.api('GET', `/api/barcodes/${rows[0]!.jan}`, { token: null })).json().variant.price).toBe(3300);
    // The product keeps its variants' price range for the shop's listing (catalog's variant summary).
    const kept = await query<{ lo: number; hi: number; n: number }>(
      app.server.database.db,
      sql`SELECT p.price_min AS lo, p.price_max AS hi, p.active_variants AS n FROM products p
           WHERE p.id IN (SELECT product_id FROM variants WHERE sku IN (${rows[0]!.sku}, ${rows[1]!.sku})) ORDER BY lo`,
    );
    expect(kept.map((k) => [k.lo, k.hi, k.n])).toEqual([
      [2980, 2980, 1],
      [3300, 3300, 1],
    ]);

    const email = `import-${serial}-${process.pid}@example.jp`;
    const csv = `氏名,氏名カナ,メールアドレス,電話番号,生年月日,メール配信同意,LINE配信同意\n山田 花子,ヤマダ ハナコ,${email},,1990/4/1,はい,いいえ\n`;
    const dry = await upload(app, 'customers', iconv.encode(csv, 'cp932'));
    expect(dry.json()).toMatchObject({ status: 'checked', counts: { create: 1 } });
    await runToEnd(app, dry.json().id);
    const again = await upload(app, 'customers', Buffer.from(csv));
    expect(again.json().counts).toEqual({ create: 0, update: 0, unchanged: 1, error: 0 });
    const withdrawn = await upload(app, 'customers', Buffer.from(csv.replace(',はい,', ',いいえ,')));
    expect(withdrawn.json().counts).toEqual({ create: 0, update: 1, unchanged: 0, error: 0 });
    await runToEnd(app, withdrawn.json().id);
    const [consent] = await query<{ granted: boolean; source: string }>(
      app.server.database.db,
      sql`SELECT h.granted, h.source FROM consent_history h JOIN customer_identifiers i ON i.customer_id = h.customer_id
           WHERE i.kind = 'email' AND i.value = ${email} AND h.channel = 'email' ORDER BY h.id DESC LIMIT 1`,
    );
    expect(consent).toEqual({ granted: false, source: 'csv_import' });
  });

  it('imports 5,000 product rows in batches and resumes a run that stopped after its first batch', async () => {
    const app = ctx();
    const rows = codes(5000);
    const dry = await upload(app, 'products', Buffer.from(productCsv(rows)));
    expect(dry.json().counts.create).toBe(5000);
    // A worker that died after the first batch: its progress committed, its lease lapsed.
    const id = dry.json().id;
    const first = productCsv(rows.slice(0, 2000));
    await runToEnd(app, (await upload(app, 'products', Buffer.from(first))).json().id);
    await app.server.database.db.execute(
      sql`UPDATE import_jobs SET status = 'running', processed_rows = 2000, lease_until = now() - interval '1 second' WHERE id = ${id}`,
    );
    const t = performance.now();
    // The server's job imports.resume takes it over (POST /run would as well).
    expect(await resumeImports(app.server.database.db)).toBe(1);
    const done = (await app.api('GET', `/api/imports/${id}`)).json();
    expect(done).toMatchObject({ status: 'done', processedRows: 5000, result: { create: 3000 } });
    console.log(`imports [${app.target}]: 3,000 rows resumed in ${Math.round(performance.now() - t)} ms`);
    const [n] = await query<{ n: number }>(
      app.server.database.db,
      sql`SELECT count(*)::int AS n FROM variants WHERE sku LIKE ${rows[0]!.sku.slice(0, 10) + '%'}`,
    );
    expect(n!.n).toBe(5000);
  }, 120_000);
});

describeEachDatabase(
  'a chain-sized catalogue on the Postgres server',
  (ctx) => {
    it('50,000 product rows: checked, imported, and the same file again changes nothing', async () => {
      const app = ctx();
      const rows = codes(50_000);
      const csv = Buffer.from(productCsv(rows));
      let t = performance.now();
      const dry = await upload(app, 'products', csv);
      expect(dry.json()).toMatchObject({ status: 'checked', counts: { create: 50_000, error: 0 } });
      const checked = performance.now() - t;
      t = performance.now();
      const done = await runToEnd(app, dry.json().id, 500);
      expect(done).toMatchObject({ status: 'done', processedRows: 50_000, result: { create: 50_000 } });
      console.log(
        `imports [${app.target}]: 50,000 rows checked in ${Math.round(checked)} ms, imported in ${Math.round(performance.now() - t)} ms`,
      );
      const [n] = await query<{ n: number }>(
        app.server.database.db,
        sql`SELECT count(*)::int AS n FROM variants WHERE sku LIKE ${rows[0]!.sku.slice(0, 10) + '%'}`,
      );
      expect(n!.n).toBe(50_000);
      const again = await upload(app, 'products', csv);
      expect(again.json().counts).toEqual({ create: 0, update: 0, unchanged: 50_000, error: 0 });
    }, 600_000);
  },
  { only: 'postgres' },
);
