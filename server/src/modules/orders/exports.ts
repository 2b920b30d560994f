import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { requireStaff, type Principal } from '../../platform/auth.ts';
import { CSV_PAGE_ROWS, tokyoTime, type CsvColumn, type CsvPage } from '../../platform/csv-export.ts';
import { orderFilters, type OrderQuery } from './search.ts';

/**
 * The orders and their lines as CSV exports (platform/csv-export.ts streams them): every order the
 * search would find — store roles their stores' — oldest first, read in keyset pages on
 * (created_at, id), the time carried as the database's text so no microsecond is lost between pages.
 */
export type OrderFilter = Omit<OrderQuery, 'cursor' | 'limit'>;
type Key = [at: string, id: string];

interface OrderRow {
  id: string;
  number: string;
  channel: string;
  status: string;
  location_id: string | null;
  member_number: string | null;
  customer_name: string | null;
  subtotal: number;
  discount_total: number;
  shipping_fee: number;
  total: number;
  tax: number;
  points_used: number;
  points_earned: number;
  fulfilment_types: string | null;
  fulfilment_locations: string | null;
  created_at: string;
  created_key: string;
}

export const orderCsvColumns: CsvColumn<OrderRow>[] = [
  { header: '注文番号', value: (r) => r.number },
  { header: '注文日時(JST)', value: (r) => tokyoTime(r.created_at) },
  { header: 'チャネル', value: (r) => r.channel },
  { header: '状態', value: (r) => r.status },
  { header: '販売店舗', value: (r) => r.location_id },
  { header: '受け取り方法', value: (r) => r.fulfilment_types },
  { header: '出荷・受取店舗', value: (r) => r.fulfilment_locations },
  { header: '会員番号', value: (r) => r.member_number },
  { header: 'お客様', value: (r) => r.customer_name },
  { header: '小計(税込)', value: (r) => r.subtotal },
  { header: '値引', value: (r) => r.discount_total },
  { header: '送料', value: (r) => r.shipping_fee },
  { header: '合計(税込)', value: (r) => r.total },
  { header: '内消費税', value: (r) => r.tax },
  { header: '利用ポイント', value: (r) => r.points_used },
  { header: '付与ポイント', value: (r) => r.points_earned },
];

function after(key: Key | undefined, columns: SQL): SQL[] {
  return key ? [sql`(${columns}) > (${key[0]}::timestamptz, ${key[1]})`] : [];
}

const where = (conds: SQL[]) => (conds.length ? sql`WHERE ${sql.join(conds, sql` AND `)}` : sql``);

/** Orders for the CSV export, a keyset page at a time (authorization: as the order search). */
export function orderExportPages(db: Db, actor: Principal, filter: OrderFilter): CsvPage<OrderRow, Key> {
  const staff = requireStaff(actor);
  const base = orderFilters(staff, filter);
  return async (key) => {
    const rows = await query<OrderRow>(
      db,
      sql`SELECT o.id, o.number, o.channel, o.status, o.location_id, c.member_number,
                 coalesce(c.name, o.guest->>'name') AS customer_name,
                 o.subtotal, o.discount_total, o.shipping_fee, o.total, o.points_used, o.points_earned,
                 (SELECT coalesce(sum((t->>'tax')::int), 0) FROM jsonb_array_elements(o.taxes) t)::int AS tax,
                 (SELECT string_agg(DISTINCT f.type, ' ') FROM fulfilments f WHERE f.order_id = o.id) AS fulfilment_types,
                 (SELECT string_agg(DISTINCT f.location_id, ' ') FROM fulfilments f WHERE f.order_id = o.id) AS fulfilment_locations,
                 o.created_at, o.created_at::text AS created_key
            FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
            ${where([...base, ...after(key, sql`o.created_at, o.id`)])}
           ORDER BY o.created_at, o.id
           LIMIT ${CSV_PAGE_ROWS}`,
    );
    const last = rows[rows.length - 1];
    return { rows, next: rows.length === CSV_PAGE_ROWS && last ? [last.created_key, last.id] : undefined };
  };
}

interface LineRow {
  id: string;
  number: string;
  channel: string;
  status: string;
  location_id: string | null;
  fulfilment_type: string | null;
  fulfilment_location: string | null;
  sku: string | null;
  jan: string;
  name: string;
  options: Record<string, string>;
  quantity: number;
  unit_price: number;
  tax_rate: number;
  discount: number;
  total: number;
  returned_quantity: number;
  created_at: string;
  created_key: string;
  order_id: string;
}

export const orderLineCsvColumns: CsvColumn<LineRow>[] = [
  { header: '注文番号', value: (r) => r.number },
  { header: '注文日時(JST)', value: (r) => tokyoTime(r.created_at) },
  { header: 'チャネル', value: (r) => r.channel },
  { header: '状態', value: (r) => r.status },
  { header: '販売店舗', value: (r) => r.location_id },
  { header: '受け取り方法', value: (r) => r.fulfilment_type },
  { header: '出荷・受取店舗', value: (r) => r.fulfilment_location },
  { header: 'SKU', value: (r) => r.sku },
  { header: 'JAN', value: (r) => r.jan },
  { header: '商品名', value: (r) => r.name },
  {
    header: 'オプション',
    value: (r) =>
      Object.entries(r.options ?? {})
        .map(([k, v]) => `${k}:${v}`)
        .join(' '),
  },
  { header: '数量', value: (r) => r.quantity },
  { header: '単価(税込)', value: (r) => r.unit_price },
  { header: '税率(%)', value: (r) => r.tax_rate },
  { header: '値引', value: (r) => r.discount },
  { header: '金額(税込)', value: (r) => r.total },
  { header: '返品数', value: (r) => r.returned_quantity },
];

/** Order lines for the CSV export, keyset pages on (order time, order id, line id); the same orders as the search. */
export function orderLineExportPages(
  db: Db,
  actor: Principal,
  filter: OrderFilter,
): CsvPage<LineRow, [string, string, string]> {
  const staff = requireStaff(actor);
  const base = orderFilters(staff, filter);
  return async (key) => {
    const keyset = key ? [sql`(o.created_at, o.id, l.id) > (${key[0]}::timestamptz, ${key[1]}, ${key[2]})`] : [];
    const rows = await query<LineRow>(
      db,
      sql`SELECT l.id, o.id AS order_id, o.number, o.channel, o.status, o.location_id,
                 f.type AS fulfilment_type, f.location_id AS fulfilment_location, v.sku, l.jan, l.name, l.options,
                 l.quantity, l.unit_price, l.tax_rate, l.discount, l.total, l.returned_quantity,
                 o.created_at, o.created_at::text AS created_key
            FROM orders o
            JOIN order_lines l ON l.order_id = o.id
            LEFT JOIN fulfilments f ON f.id = l.fulfilment_id
            LEFT JOIN variants v ON v.id = l.variant_id
            LEFT JOIN customers c ON c.id = o.customer_id
            ${where([...base, ...keyset])}
           ORDER BY o.created_at, o.id, l.id
           LIMIT ${CSV_PAGE_ROWS}`,
    );
    const last = rows[rows.length - 1];
    return {
      rows,
      next: rows.length === CSV_PAGE_ROWS && last ? [last.created_key, last.order_id, last.id] : undefined,
    };
  };
}
