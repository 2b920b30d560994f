import { variantsByJan, variantsBySku } from '../catalog/service.ts';
import type { Executor } from '../../platform/db/connection.ts';
import type { RowError } from './schema.ts';
import type { RowReader } from './table.ts';
import { readJan } from './products.ts';

/** A row names its variant by SKU or by JAN code (either column may be present). */
export interface VariantKey {
  line: number;
  sku?: string | undefined;
  jan?: string | undefined;
}

export const variantKeyColumns = [
  { key: 'sku', headers: ['SKU', 'SKUコード', 'sku'] },
  { key: 'jan', headers: ['JANコード', 'JAN', 'バーコード', 'jan'] },
] as const;

export function readVariantKey(r: RowReader): { sku?: string; jan?: string } | undefined {
  const sku = r.text('sku', { max: 64 });
  const jan = readJan(r, 'jan', false);
  if (!sku && !jan && !r.errors.length) return r.fail(sku === undefined ? 'sku' : 'jan', 'sku_or_jan');
  return { ...(sku ? { sku } : {}), ...(jan ? { jan } : {}) };
}

/** The variant id of each row (SKU first), or an error naming the key that matched nothing. */
export async function resolveVariants<R extends VariantKey>(
  db: Executor,
  rows: R[],
  headers: { sku: string; jan: string },
): Promise<{ ids: Array<{ id: string; price: number } | undefined>; errors: RowError[] }> {
  const bySku = await variantsBySku(
    db,
    rows.flatMap((r) => (r.sku ? [r.sku] : [])),
  );
  const byJan = await variantsByJan(
    db,
    rows.flatMap((r) => (!r.sku && r.jan ? [r.jan] : [])),
  );
  const errors: RowError[] = [];
  const ids = rows.map((r) => {
    const v = r.sku ? bySku.get(r.sku) : byJan.get(r.jan!);
    if (!v)
      errors.push({
        line: r.line,
        column: r.sku ? headers.sku : headers.jan,
        code: 'variant',
        params: { key: r.sku ? `SKU ${r.sku}` : `JANコード ${r.jan}` },
      });
    return v ? { id: v.id, price: v.price } : undefined;
  });
  return { ids, errors };
}
