import { writePrices } from '../catalog/service.ts';
import { requireRole } from '../../platform/auth.ts';
import { duplicates, type BatchOutcome, type ImportKindSpec } from './kinds.ts';
import { readVariantKey, resolveVariants, variantKeyColumns, type VariantKey } from './variant-keys.ts';

type Row = VariantKey & { price: number };
const headers = { sku: 'SKU', jan: 'JANコード' };

/** 価格表: a new tax-included price per variant (by SKU or JAN code); unknown variants are row errors. */
export const priceImport: ImportKindSpec<Row> = {
  kind: 'prices',
  columns: [
    ...variantKeyColumns,
    { key: 'price', headers: ['価格(税込)', '税込価格', '売価(税込)', '価格', 'price'], required: true },
  ],
  batchSize: 5000,
  prepare: async () => null,
  read(r) {
    const key = readVariantKey(r);
    const price = r.int('price', 'price', { required: true });
    if (r.errors.length || !key || price === undefined) return undefined;
    return { line: r.line, ...key, price };
  },
  checkFile(rows, table) {
    return duplicates(rows, (r) => r.sku ?? r.jan, table.headerOf.get(rows[0]?.sku ? 'sku' : 'jan') ?? 'SKU');
  },
  async plan(db, rows): Promise<BatchOutcome> {
    const { ids, errors } = await resolveVariants(db, rows, headers);
    return { actions: ids.map((v, i) => (!v ? null : v.price === rows[i]!.price ? 'unchanged' : 'update')), errors };
  },
  async write(tx, actor, rows): Promise<BatchOutcome> {
    requireRole(actor, 'owner', 'hq');
    const { ids, errors } = await resolveVariants(tx, rows, headers);
    if (errors.length) return { actions: rows.map(() => null), errors };
    await writePrices(
      tx,
      rows.map((r, i) => ({ variantId: ids[i]!.id, price: r.price })),
    );
    return { actions: ids.map((v, i) => (v!.price === rows[i]!.price ? 'unchanged' : 'update')), errors };
  },
};
