/**
 * The till's basket lines and its tender arithmetic: split payments, お預かり and おつり, and the payments
 * of POST /api/pos/sales. Prices, discounts and 内消費税 are never worked out here: they come from the
 * server's quote (POST /api/pos/quote), and the sale's typed answer is what the receipt shows.
 */
import type { Receipt as ApiReceipt, TillSale } from '../shared/api/types';

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

export type TillMethod = 'cash' | 'terminal' | 'qr' | 'wallet' | 'points';
export const METHODS: readonly TillMethod[] = ['cash', 'terminal', 'qr', 'wallet', 'points'];
/** Tenders reconciled by their number: the card terminal's 承認番号 and brand, the QR payment's 取引番号 and service. */
export const WITH_REFERENCE: ReadonlySet<TillMethod> = new Set(['terminal', 'qr']);
export const CARD_BRANDS = [
  'VISA',
  'Mastercard',
  'JCB',
  'American Express',
  'Diners Club',
  '銀聯',
  '交通系IC',
  'iD',
  'QUICPay',
];
export const QR_SERVICES = ['PayPay', '楽天ペイ', 'd払い', 'au PAY', 'メルペイ', 'Alipay+', 'WeChat Pay'];
export const MEMBER_ONLY: ReadonlySet<TillMethod> = new Set(['wallet', 'points']);

/** One payment row as the clerk edits it: amount null is "the rest" (it follows the total). */
export interface PaymentRow {
  id: number;
  method: TillMethod;
  amount: string | null;
  /** Cash only: お預かり; empty = exactly the amount. */
  tendered: string;
  /** Terminal and QR: the approval number or transaction id, and the card brand or QR service. */
  reference?: string;
  brand?: string;
}

export interface SalePayment {
  method: TillMethod;
  amount: number;
  tendered?: number;
  reference?: string;
  brand?: string;
}

/** What the till prints: the server's receipt (GET /api/orders/{id}/receipt, and in a sale's answer). */
export type Receipt = ApiReceipt;

/** A sale's answer (POST /api/pos/sales): the order, the change, the receipt. */
export type SaleResult = TillSale;

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
  /** A terminal or QR row without its approval number / transaction id or its brand / service. */
  missingReference: boolean;
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
  // A terminal or QR row without its number and brand cannot be reconciled: 会計 waits for them.
  const missingReference = rows.some((r) => WITH_REFERENCE.has(r.method) && !(r.reference?.trim() && r.brand));
  return {
    amounts,
    paid,
    remaining: total - paid,
    tendered,
    change,
    shortTender,
    ready: rows.length > 0 && total > 0 && paid === total && !shortTender && !badAmount && !missingReference,
    missingReference,
  };
}

export function salePayments(rows: readonly PaymentRow[], state: PaymentState): SalePayment[] {
  return rows.map((r, i) => {
    const amount = state.amounts[i]!;
    if (r.method === 'cash') return { method: r.method, amount, tendered: state.tendered[i] ?? amount };
    if (WITH_REFERENCE.has(r.method))
      return {
        method: r.method,
        amount,
        reference: (r.reference ?? '').normalize('NFKC').trim(),
        brand: r.brand ?? '',
      };
    return { method: r.method, amount };
  });
}
