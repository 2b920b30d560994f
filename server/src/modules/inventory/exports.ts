import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { assertCanActAt, isChainWide, requireStaff, type Principal } from '../../platform/auth.ts';
import { CSV_PAGE_ROWS, tokyoTime, type CsvColumn, type CsvPage } from '../../platform/csv-export.ts';

/**
 * Stock by location and the movement ledger as CSV exports (platform/csv-export.ts streams them), read
 * in keyset pages. Without a location, head office exports every store and a store role its own stores.
 */

const where = (conds: SQL[]) => (conds.length ? sql`WHERE ${sql.join(conds, sql` AND `)}` : sql``);
const optionText = (o: Record<string, string> | null) =>
  Object.entries(o ?? {})
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');

function storesOf(actor: Principal, locationId: string | undefined, column: SQL): SQL[] {
  if (locationId) {
    assertCanActAt(actor, locationId);
    return [sql`${column} = ${locationId}`];
  }
  const staff = requireStaff(actor);
  if (isChainWide(staff)) return [];
  return [sql`${column} IN ${staff.locationIds.length ? staff.locationIds : ['']}`];
}

interface LevelRow {
  location_id: string;
  location_name: string | null;
  variant_id: string;
  sku: string | null;
  jan: string | null;
  product_name: string | null;
  options: Record<string, string> | null;
  on_hand: number;
  reserved: number;
  in_transit: number;
  updated_at: string;
}

export const stockLevelCsvColumns: CsvColumn<LevelRow>[] = [
  { header: '店舗ID', value: (r) => r.location_id },
  { header: '店舗名', value: (r) => r.location_name },
  { header: 'SKU', value: (r) => r.sku },
  { header: 'JAN', value: (r) => r.jan },
  { header: '商品名', value: (r) => r.product_name },
  { header: 'オプション', value: (r) => optionText(r.options) },
  { header: '在庫数', value: (r) => r.on_hand },
  { header: '引当済', value: (r) => r.reserved },
  { header: '販売可能', value: (r) => Math.max(0, r.on_hand - r.reserved) },
  { header: '移動中', value: (r) => r.in_transit },
  { header: '更新日時(JST)', value: (r) => tokyoTime(r.updated_at) },
];

/** Stock levels per variant × location, keyset pages on (location, variant). */
export function stockLevelExportPages(
  db: Db,
  actor: Principal,
  q: { locationId?: string | undefined },
): CsvPage<LevelRow, [string, string]> {
  const base = storesOf(actor, q.locationId, sql`s.location_id`);
  return async (key) => {
    const keyset = key ? [sql`(s.location_id, s.variant_id) > (${key[0]}, ${key[1]})`] : [];
    const rows = await query<LevelRow>(
      db,
      sql`SELECT s.location_id, l.name AS location_name, s.variant_id, v.sku, v.jan, p.name AS product_name, v.options,
                 s.on_hand, s.reserved, s.in_transit, s.updated_at
            FROM stock_levels s
            LEFT JOIN locations l ON l.id = s.location_id
            LEFT JOIN variants v ON v.id = s.variant_id
            LEFT JOIN products p ON p.id = v.product_id
            ${where([...base, ...keyset])}
           ORDER BY s.location_id, s.variant_id
           LIMIT ${CSV_PAGE_ROWS}`,
    );
    const last = rows[rows.length - 1];
    return {
      rows,
      next: rows.length === CSV_PAGE_ROWS && last ? [last.location_id, last.variant_id] : undefined,
    };
  };
}

interface MovementRow {
  id: string;
  created_at: string;
  location_id: string;
  sku: string | null;
  jan: string | null;
  product_name: string | null;
  options: Record<string, string> | null;
  kind: string;
  quantity: number;
  on_hand_after: number;
  reason: string | null;
  reference: string | null;
  staff_id: string | null;
}

export const stockMovementCsvColumns: CsvColumn<MovementRow>[] = [
  { header: '日時(JST)', value: (r) => tokyoTime(r.created_at) },
  { header: '店舗ID', value: (r) => r.location_id },
  { header: 'SKU', value: (r) => r.sku },
  { header: 'JAN', value: (r) => r.jan },
  { header: '商品名', value: (r) => r.product_name },
  { header: 'オプション', value: (r) => optionText(r.options) },
  { header: '種別', value: (r) => r.kind },
  { header: '増減', value: (r) => r.quantity },
  { header: '変更後在庫', value: (r) => r.on_hand_after },
  { header: '理由', value: (r) => r.reason },
  { header: '参照', value: (r) => r.reference },
  { header: '担当者ID', value: (r) => r.staff_id },
  { header: '移動ID', value: (r) => r.id },
];

/** The movement ledger, oldest first, keyset pages on id (ids are time-ordered); `from`/`to` bound the time. */
export function stockMovementExportPages(
  db: Db,
  actor: Principal,
  q: { locationId?: string | undefined; from?: string | undefined; to?: string | undefined },
): CsvPage<MovementRow, string> {
  const base = storesOf(actor, q.locationId, sql`m.location_id`);
  if (q.from) base.push(sql`m.created_at >= ${q.from}::timestamptz`);
  if (q.to) base.push(sql`m.created_at < ${q.to}::timestamptz`);
  return async (after) => {
    const rows = await query<MovementRow>(
      db,
      sql`SELECT m.id, m.created_at, m.location_id, v.sku, v.jan, p.name AS product_name, v.options, m.kind,
                 m.quantity, m.on_hand_after, m.reason, m.reference, m.staff_id
            FROM stock_movements m
            LEFT JOIN variants v ON v.id = m.variant_id
            LEFT JOIN products p ON p.id = v.product_id
            ${where([...base, ...(after !== undefined ? [sql`m.id > ${after}`] : [])])}
           ORDER BY m.id
           LIMIT ${CSV_PAGE_ROWS}`,
    );
    const last = rows[rows.length - 1];
    return { rows, next: rows.length === CSV_PAGE_ROWS && last ? last.id : undefined };
  };
}
