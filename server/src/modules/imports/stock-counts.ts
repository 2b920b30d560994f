import { planCounts, recordCounts } from '../inventory/service.ts';
import { listLocations } from '../locations/service.ts';
import { duplicates, type BatchOutcome, type ImportKindSpec } from './kinds.ts';
import { readVariantKey, resolveVariants, variantKeyColumns, type VariantKey } from './variant-keys.ts';

type Row = VariantKey & { locationId: string; count: number };
const headers = { sku: 'SKU', jan: 'JANコード' };

/**
 * 棚卸: the counted units of a variant at a location (by its code). Each count that differs from the books
 * becomes a `count` movement of the difference (inventory's recordCounts); a count that matches writes nothing.
 */
export const stockCountImport: ImportKindSpec<Row> = {
  kind: 'stock_counts',
  columns: [
    ...variantKeyColumns,
    { key: 'location', headers: ['店舗コード', '拠点コード', 'location_code'], required: true },
    { key: 'count', headers: ['数量', '在庫数', '棚卸数', '実在庫', 'count'], required: true },
  ],
  batchSize: 5000,
  async prepare(db) {
    return new Map((await listLocations(db)).map((l) => [l.code.normalize('NFKC'), l.id]));
  },
  read(r, context) {
    const locations = context as Map<string, string>;
    const key = readVariantKey(r);
    const code = r.text('location', { required: true });
    const locationId =
      code === undefined ? undefined : (locations.get(code) ?? r.fail('location', 'location', { code }));
    const count = r.int('count', 'count', { required: true, max: 10_000_000 });
    if (r.errors.length || !key || !locationId || count === undefined) return undefined;
    return { line: r.line, ...key, locationId, count };
  },
  checkFile(rows, table) {
    return duplicates(rows, (r) => `${r.sku ?? r.jan}\u0000${r.locationId}`, table.headerOf.get('sku') ?? 'SKU');
  },
  async plan(db, rows): Promise<BatchOutcome> {
    const { ids, errors } = await resolveVariants(db, rows, headers);
    const known = rows.flatMap((r, i) =>
      ids[i] ? [{ variantId: ids[i]!.id, locationId: r.locationId, count: r.count }] : [],
    );
    const planned = await planCounts(db, known);
    let k = 0;
    return { actions: ids.map((v) => (v ? planned[k++]! : null)), errors };
  },
  async write(tx, actor, rows, jobId): Promise<BatchOutcome> {
    const { ids, errors } = await resolveVariants(tx, rows, headers);
    if (errors.length) return { actions: rows.map(() => null), errors };
    const counts = rows.map((r, i) => ({ variantId: ids[i]!.id, locationId: r.locationId, count: r.count }));
    const actions = await planCounts(tx, counts);
    await recordCounts(tx, actor, counts, jobId);
    return { actions, errors };
  },
};
