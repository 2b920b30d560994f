/**
 * The till's arithmetic and the shapes of POST /api/pos/sales (the OpenAPI types its answer as unknown),
 * written from server/src/modules/orders/{pos,receipt,tax}.ts. The preview here only helps the clerk while
 * the basket is built: the server prices the sale and its answer is what the receipt shows.
 */
import type { Order, Receipt as ApiReceipt, TaxByRate, TillSale } from '../shared/api/types';

export interface TillLine {
  variantId: string;
  jan: string;
  name: string;
  options: Record<string, string>;
  /** Tax-included, yen. */
  unitPrice: number;
  taxRate: number;
  quantity: number;
}

export type TillMethod = 'cash' | 'terminal' | 'wallet' | 'points';
export const METHODS: readonly TillMethod[] = ['cash', 'terminal', 'wallet', 'points'];
export const MEMBER_ONLY: ReadonlySet<TillMethod> = new Set(['wallet', 'points']);

/** One payment row as the clerk edits it: amount null is "the rest" (it follows the total). */
export interface PaymentRow {
  id: number;
  method: TillMethod;
  amount: string | null;
  /** Cash only: お預かり; empty = exactly the amount. */
  tendered: string;
}

export interface SalePayment {
  method: TillMethod;
  amount: number;
  tendered?: number;
}

/** What the till prints: the server's receipt (GET /api/orders/{id}/receipt, and in a sale's answer). */
export type Receipt = ApiReceipt;

/** A sale's answer (POST /api/pos/sales): the order, the change, the receipt. */
export type SaleResult = TillSale;

/** 内消費税 = floor(税込 × rate / (100 + rate)), once per rate (10 % first), as the server does. */
export function taxesByRate(parts: ReadonlyArray<{ amount: number; rate: number }>): TaxByRate[] {
  const bases = new Map<number, number>();
  for (const p of parts) bases.set(p.rate, (bases.get(p.rate) ?? 0) + p.amount);
  return [...bases]
    .filter(([, base]) => base > 0)
    .sort((a, b) => b[0] - a[0])
    .map(([rate, base]) => ({ rate, base, tax: Math.floor((base * rate) / (100 + rate)) }));
}

/** Spread a discount over lines by their amounts in whole yen (largest remainder), like the server's allocate(). */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map(Math.floor);
  const rest = total - shares.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < rest; k++) shares[order[k % order.length]![1]]! += 1;
  return shares;
}

export interface Preview {
  subtotal: number;
  discount: number;
  total: number;
  taxes: TaxByRate[];
  /** The total came from the server's price check (coupons and promotions included). */
  checked: boolean;
}

/**
 * 小計・割引・合計・内消費税 from the lines. `checkedTotal` is the server's total for this basket (its price
 * check knows coupons and promotions); the difference is shown as 割引 and spread over the lines.
 */
export function previewOf(lines: readonly TillLine[], checkedTotal: number | null): Preview {
  const amounts = lines.map((l) => l.unitPrice * l.quantity);
  const subtotal = amounts.reduce((s, a) => s + a, 0);
  const discount = checkedTotal === null ? 0 : Math.max(0, subtotal - checkedTotal);
  const shares = allocate(discount, amounts);
  const taxes = taxesByRate(lines.map((l, i) => ({ amount: amounts[i]! - shares[i]!, rate: l.taxRate })));
  return { subtotal, discount, total: subtotal - discount, taxes, checked: checkedTotal !== null };
}

/** A whole number of yen typed by the clerk (full-width digits and commas allowed), or null. */
export function parseYen(raw: string): number | null {
  const s = raw.normalize('NFKC').replace(/[,¥\s]/g, '');
  if (!/^\d{1,8}$/.test(s)) return null;
  return Number(s);
}

/** Each row's amount: explicit ones as typed, the "rest" row whatever is left of the total. */
export function amountsOf(rows: readonly PaymentRow[], total: number): number[] {
  const explicit = rows.reduce((s, r) => s + (r.amount === null ? 0 : (parseYen(r.amount) ?? 0)), 0);
  return rows.map((r) => (r.amount === null ? Math.max(0, total - explicit) : (parseYen(r.amount) ?? 0)));
}

export interface PaymentState {
  amounts: number[];
  paid: number;
  remaining: number;
  /** お預かり per row (cash), the amount when left empty. */
  tendered: Array<number | null>;
  change: number;
  /** A cash row whose お預かり is less than its amount (or not a number). */
  shortTender: boolean;
  ready: boolean;
}

export function paymentState(rows: readonly PaymentRow[], total: number): PaymentState {
  const amounts = amountsOf(rows, total);
  const paid = amounts.reduce((s, a) => s + a, 0);
  let shortTender = false;
  const tendered = rows.map((r, i) => {
    if (r.method !== 'cash') return null;
    if (!r.tendered.trim()) return amounts[i]!;
    const n = parseYen(r.tendered);
    if (n === null || n < amounts[i]!) shortTender = true;
    return n;
  });
  const change = rows.reduce(
    (s, r, i) => s + (r.method === 'cash' && tendered[i] !== null ? Math.max(0, tendered[i]! - amounts[i]!) : 0),
    0,
  );
  const badAmount = rows.some((r, i) => amounts[i]! < 1 || (r.amount !== null && parseYen(r.amount) === null));
  return {
    amounts,
    paid,
    remaining: total - paid,
    tendered,
    change,
    shortTender,
    ready: rows.length > 0 && total > 0 && paid === total && !shortTender && !badAmount,
  };
}

export function salePayments(rows: readonly PaymentRow[], state: PaymentState): SalePayment[] {
  return rows.map((r, i) => {
    const amount = state.amounts[i]!;
    return r.method === 'cash'
      ? { method: r.method, amount, tendered: state.tendered[i] ?? amount }
      : { method: r.method, amount };
  });
}
