import {
  isValidJan,
  listCategories,
  normalizeJan,
  planProductRows,
  writeProductRows,
  type ProductRow,
  type RowConflict,
} from '../catalog/service.ts';
import type { Executor } from '../../platform/db/connection.ts';
import { requireRole } from '../../platform/auth.ts';
import { duplicates, type BatchOutcome, type ImportKindSpec } from './kinds.ts';
import type { RowError } from './schema.ts';
import type { RowReader, Table } from './table.ts';

export const productColumns = [
  { key: 'code', headers: ['品番', '商品コード', 'product_code'] },
  { key: 'sku', headers: ['SKU', 'SKUコード', 'sku'], required: true },
  { key: 'jan', headers: ['JANコード', 'JAN', 'バーコード', 'jan'], required: true },
  { key: 'name', headers: ['商品名', 'name'], required: true },
  { key: 'nameKana', headers: ['商品名カナ', '商品名かな', 'カナ', 'name_kana'] },
  { key: 'category', headers: ['カテゴリ', 'カテゴリー', 'category'] },
  { key: 'taxRate', headers: ['税率', 'tax_rate'], required: true },
  { key: 'price', headers: ['価格(税込)', '税込価格', '売価(税込)', '価格', 'price'], required: true },
] as const;

type Row = ProductRow & { line: number };

/** 「10」「10%」「８％」「標準」 → 10; 「8」「軽減」 → 8. */
export function readTaxRate(v: string): 10 | 8 | undefined {
  const s = v.replace(/[%％]$/, '');
  if (s === '10' || s === '標準') return 10;
  if (s === '8' || s === '軽減') return 8;
  return undefined;
}

export function readJan(r: RowReader, key = 'jan', required = true): string | undefined {
  const raw = r.text(key, { required });
  if (raw === undefined) return undefined;
  const jan = normalizeJan(raw);
  if (!/^\d{13}$/.test(jan)) return r.fail(key, 'jan_format');
  if (!isValidJan(jan)) return r.fail(key, 'jan_check_digit');
  return jan;
}

function conflictErrors(rows: Row[], conflicts: RowConflict[], table?: Map<string, string>): RowError[] {
  return conflicts.map((c) => ({
    line: rows[c.index]!.line,
    column: table?.get(c.field) ?? (c.field === 'code' ? '品番' : c.field === 'jan' ? 'JANコード' : 'SKU'),
    code: c.reason,
    params: c.params,
  }));
}

/** 商品マスタ: one row per variant; rows with the same 品番 are one product (no 品番: the SKU is the product). */
export const productImport: ImportKindSpec<Row> = {
  kind: 'products',
  columns: productColumns,
  attributes: true,
  batchSize: 2000,
  async prepare(db: Executor) {
    const cats = await listCategories(db);
    // A category by its id or its name (an office writes the name; a name used twice is taken by its first).
    const byName = new Map<string, string>();
    for (const c of cats) {
      byName.set(c.id, c.id);
      if (!byName.has(c.name.normalize('NFKC'))) byName.set(c.name.normalize('NFKC'), c.id);
    }
    return byName;
  },
  read(r, context) {
    const categories = context as Map<string, string>;
    const sku = r.text('sku', { required: true, max: 64 });
    const code = r.text('code', { max: 64 }) ?? sku;
    const jan = readJan(r);
    const name = r.text('name', { required: true });
    // A column the file does not have leaves the product's own value alone (a file without カテゴリ wipes none).
    const nameKana = r.has('nameKana') ? (r.text('nameKana') ?? '') : undefined;
    const category = r.text('category');
    const categoryId = !r.has('category')
      ? undefined
      : category === undefined
        ? null
        : (categories.get(category) ?? r.fail('category', 'category', { category }));
    const rawTax = r.text('taxRate', { required: true });
    const taxRate = rawTax === undefined ? undefined : (readTaxRate(rawTax) ?? r.fail('taxRate', 'tax_rate'));
    const price = r.int('price', 'price', { required: true });
    const options = r.hasAttributes ? r.attributes : undefined;
    if (r.errors.length || !sku || !code || !jan || !name || !taxRate || price === undefined) return undefined;
    return { line: r.line, code, sku, jan, name, nameKana, categoryId, taxRate, price, options };
  },
  checkFile(rows, table: Table) {
    const h = (k: string) => table.headerOf.get(k) ?? k;
    const errors = [...duplicates(rows, (r) => r.sku, h('sku')), ...duplicates(rows, (r) => r.jan, h('jan'))];
    // Rows of one 品番 describe one product: its name, kana, category and tax rate must agree.
    const first = new Map<string, Row>();
    for (const r of rows) {
      const f = first.get(r.code);
      if (!f) first.set(r.code, r);
      else if (
        f.name !== r.name ||
        f.nameKana !== r.nameKana ||
        f.categoryId !== r.categoryId ||
        f.taxRate !== r.taxRate
      )
        errors.push({ line: r.line, column: h('name'), code: 'product_mismatch', params: { line: f.line } });
    }
    return errors;
  },
  async plan(db, rows): Promise<BatchOutcome> {
    const { actions, conflicts } = await planProductRows(db, rows);
    return { actions, errors: conflictErrors(rows, conflicts) };
  },
  async write(tx, actor, rows): Promise<BatchOutcome> {
    requireRole(actor, 'owner', 'hq');
    const { actions, conflicts } = await writeProductRows(tx, rows);
    return { actions, errors: conflictErrors(rows, conflicts) };
  },
};
