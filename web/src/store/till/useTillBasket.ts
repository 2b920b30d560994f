import { useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, call } from '../../shared/api/client';
import type { ClientelingCard, TillBasketBody, TillQuote } from '../../shared/api/types';
import type { Translate } from '../../shared/i18n';
import { problemOf } from '../../shared/ui';
import { resolveBodyFor } from '../MemberScanScreen';
import {
  MEMBER_ONLY,
  paymentState,
  salePayments,
  type PaymentRow,
  type SaleResult,
  type TillLine,
  type TillMethod,
} from '../till';
import { useSession } from '../../shared/staff-session';
import { usePresence } from './usePresence';
import { enqueue, queued } from './offline-db';
import { offlineSale, priceOffline, tillTransactionId, variantByJan } from './offline-price';
import { isUnreachable, queueChanged, reportUnreachable, useOfflinePack, useTillSync } from './offline-sync';

/** What 会計 ended with: the server's sale, or a sale rung up offline (queued, its receipt printed here). */
export interface TillDone {
  receipt: SaleResult['receipt'];
  /** The order number (null offline: the server gives it at sync). */
  number: string | null;
  /** The order's id, to print its receipt on the store's printer (null offline). */
  orderId: string | null;
  replayed: boolean;
  offline: boolean;
}

/** A problem of the till itself (offline), shown like the server's. */
const localProblem = (title: string, detail = '') =>
  new ApiError({ type: 'about:blank', title, status: 400, detail, code: 'till.offline' });

/** 小計・割引・合計・内消費税 and the points the sale will earn, as the server's quote states them. */
export type TillFigures = Pick<TillQuote, 'subtotal' | 'discountTotal' | 'total' | 'taxes' | 'pointsToEarn'>;

const NOTHING: TillFigures = { subtotal: 0, discountTotal: 0, total: 0, taxes: [], pointsToEarn: 0 };
const QUOTE = 'till-quote';

/**
 * What the server will charge for this basket, member and coupons (POST /api/pos/quote: the same pricing
 * as the sale — promotions, the member's tier, coupons — without selling). A coupon that does not apply
 * comes back as its own problem.
 */
const quoteOf = (scope: TillBasketBody) => call(api.POST('/api/pos/quote', { body: scope }));

const firstRow = (): PaymentRow => ({ id: 1, method: 'cash', amount: null, tendered: '' });
const normaliseCoupon = (raw: string) => raw.normalize('NFKC').trim().toUpperCase();

/**
 * The till's state for one customer: the scanned lines, the member, the coupons, the payment rows, the
 * server's quote for all of it and the sale. `refocus` is called whenever the JAN field should take the
 * next scan. One clientTransactionId per basket makes a retried 会計 harmless.
 */
export function useTillBasket(locationId: string, refocus: () => void, t: Translate) {
  const queryClient = useQueryClient();
  const sync = useTillSync();
  /** 担当 on an offline receipt: whoever is at the till (担当切替 changes the session). */
  const signedIn = useSession()?.staff;
  const clerkName = signedIn?.name ?? null;
  const packQuery = useOfflinePack(locationId);
  const pack = packQuery.data ?? null;
  /** No server: the till prices from its offline pack and queues the sale. */
  const offline = !sync.online;
  /** Offline, a member number typed at the till (not checked: the server finds her at sync). */
  const [offlineMember, setOfflineMember] = useState<string | null>(null);
  const [lines, setLines] = useState<TillLine[]>([]);
  const [scanError, setScanError] = useState<unknown>(null);
  const [member, setMember] = useState<ClientelingCard | null>(null);
  const [coupons, setCoupons] = useState<string[]>([]);
  const [rows, setRows] = useState<PaymentRow[]>([firstRow()]);
  // One id per basket, readable on an offline receipt (取引番号); a retry — online or offline — reuses it.
  const [txId, setTxId] = useState(tillTransactionId);
  const [sale, setSale] = useState<TillDone | null>(null);

  /** Her issued coupons the clerk took off (外す): not applied again for this customer. */
  const [dismissed, setDismissed] = useState<string[]>([]);
  /** Her coupons tried on this very basket that gave nothing (or were refused): tried again when it changes. */
  const tried = useRef<{ basket: string; codes: Set<string> }>({ basket: '', codes: new Set() });

  /** The total of the last quote: what a "rest" points row pays, before this basket's quote is back. */
  const [lastTotal, setLastTotal] = useState(0);
  const presence = usePresence(locationId, member, {
    resolved: (card) => onMember(card),
    proved: () => checkout.reset(),
  });

  const scope: TillBasketBody = {
    locationId,
    lines: lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    ...(member ? { customerId: member.customer.id } : {}),
    ...(coupons.length ? { coupons } : {}),
  };
  // Points paid with earn nothing: the quote (not the sale, which has its payments) is told them, so its
  // pointsToEarn is the sale's.
  const pointsUsed = member
    ? paymentState(rows, lastTotal).amounts.reduce((s, a, i) => s + (rows[i]!.method === 'points' ? a : 0), 0)
    : 0;
  const quoteScope: TillBasketBody = { ...scope, ...(pointsUsed > 0 ? { pointsUsed } : {}) };
  const quote = useQuery({
    queryKey: [QUOTE, quoteScope] as const,
    queryFn: () => quoteOf(quoteScope),
    enabled: lines.length > 0 && !sale && !offline,
    retry: false,
    staleTime: 30_000,
    // While the new basket is priced the last figures stay (dimmed), unless the basket was empty before.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1].lines.length ? previous : undefined),
  });
  useEffect(() => {
    if (quote.error && isUnreachable(quote.error)) reportUnreachable();
  }, [quote.error]);
  /** Offline: the basket priced from the pack, by the server's own engine. */
  const offlineFigures = useMemo(
    () => (offline && pack && lines.length ? priceOffline(pack, lines) : null),
    [offline, pack, lines],
  );
  /** The figures on screen: none yet while the first quote of a basket is on its way. */
  const figures: TillFigures | null = lines.length === 0 ? NOTHING : offline ? offlineFigures : (quote.data ?? null);
  /** The figures are the server's answer for this very basket (not the previous one's, still dimmed). */
  const isQuoted = offline
    ? offlineFigures !== null
    : lines.length > 0 && quote.data !== undefined && !quote.isPlaceholderData;
  /** Not this basket's figures yet: an earlier basket's (dimmed) or none (計算中). */
  const isStale = lines.length > 0 && !isQuoted;
  const total = figures?.total ?? 0;
  const pay = paymentState(rows, total);
  useEffect(() => {
    if (quote.data) setLastTotal(quote.data.total);
  }, [quote.data]);

  /** The scanned item from the offline pack: as the barcode lookup answers it. */
  const fromPack = (jan: string) => {
    if (!pack) throw localProblem(t('till.offline.noPack'));
    const v = variantByJan(pack, jan);
    if (!v) throw localProblem(t('till.offline.unknownJan', { jan }));
    return {
      variant: { id: v.id, jan: v.jan, options: v.options, price: v.price },
      product: { name: v.name, taxRate: v.taxRate },
    };
  };
  const lookUp = async (jan: string) => {
    if (offline) return fromPack(jan);
    try {
      return await queryClient.fetchQuery({
        queryKey: ['barcode', jan],
        queryFn: () => call(api.GET('/api/barcodes/{jan}', { params: { path: { jan } } })),
        staleTime: 60_000,
      });
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      reportUnreachable();
      return fromPack(jan);
    }
  };

  const scan = async (jan: string) => {
    try {
      const { variant, product } = await lookUp(jan);
      setScanError(null);
      setLines((ls) =>
        ls.some((l) => l.variantId === variant.id)
          ? ls.map((l) => (l.variantId === variant.id ? { ...l, quantity: l.quantity + 1 } : l))
          : [
              ...ls,
              {
                variantId: variant.id,
                jan: variant.jan,
                name: product.name,
                options: variant.options,
                unitPrice: variant.price,
                taxRate: product.taxRate,
                quantity: 1,
              },
            ],
      );
    } catch (err) {
      setScanError(err);
    }
    refocus();
  };

  const setQuantity = (variantId: string, quantity: number) => {
    setLines((ls) =>
      quantity < 1
        ? ls.filter((l) => l.variantId !== variantId)
        : ls.map((l) => (l.variantId === variantId ? { ...l, quantity: Math.min(999, quantity) } : l)),
    );
    refocus();
  };

  /** She is called up: her card, and the presence token when her app's QR was scanned. */
  const onMember = (card: ClientelingCard) => {
    setMember(card);
    presence.hold(card.presence, card.customer.id);
    refocus();
  };
  const resolveMember = useMutation({
    mutationFn: (raw: string) => call(api.POST('/api/member-codes/resolve', { body: resolveBodyFor(raw, locationId) })),
    onSuccess: onMember,
  });
  /** Offline: a member number typed or scanned (her app's QR needs the server). */
  const takeOfflineMember = (raw: string) => {
    const n = raw.normalize('NFKC').replace(/[\s-]/g, '');
    if (!/^\d{4,20}$/.test(n)) return false;
    setOfflineMember(n);
    refocus();
    return true;
  };
  const clearMember = () => {
    setOfflineMember(null);
    setMember(null);
    // Her coupons leave with her: they are hers only.
    setCoupons((cs) => cs.filter((c) => !memberCoupons.some((k) => k.code === c)));
    setDismissed([]);
    resolveMember.reset();
    presence.reset();
    setRows((rs) => {
      const kept = rs.filter((r) => !MEMBER_ONLY.has(r.method));
      return kept.length ? kept : [firstRow()];
    });
  };

  // A coupon is priced before it joins the basket, so a refused one never shows as applied.
  const addCoupon = useMutation({
    mutationFn: async (code: string) => {
      const next = [...coupons, code];
      return { next, quoted: await quoteOf({ ...quoteScope, coupons: next }) };
    },
    onSuccess: ({ next, quoted }) => {
      queryClient.setQueryData([QUOTE, { ...quoteScope, coupons: next }], quoted);
      setCoupons(next);
    },
  });
  /** A typed coupon code (full-width and lower case allowed); empty or already applied is simply done. */
  const submitCoupon = (raw: string, onApplied: () => void) => {
    const code = normaliseCoupon(raw);
    if (!code || coupons.includes(code)) return onApplied();
    addCoupon.mutate(code, { onSuccess: onApplied });
  };
  const removeCoupon = (code: string) => {
    setCoupons((cs) => cs.filter((c) => c !== code));
    if (memberCoupons.some((c) => c.code === code)) setDismissed((d) => [...d, code]);
  };

  /** Her issued coupons (from her card), soonest to expire first. */
  const memberCoupons = member?.coupons ?? [];
  /**
   * When she is called up with items in the basket, the till applies the first of her coupons that lowers
   * this basket's price (one: the clerk may add another by hand, or take it off with 外す). A coupon that
   * gives nothing here, or is refused, is not tried again until the basket changes.
   */
  const basketKey = JSON.stringify(scope.lines);
  const appliedMine = memberCoupons.some((c) => coupons.includes(c.code));
  useEffect(() => {
    if (!member || !lines.length || appliedMine || addCoupon.isPending || !quote.data || quote.isPlaceholderData)
      return;
    if (tried.current.basket !== basketKey) tried.current = { basket: basketKey, codes: new Set() };
    const next = memberCoupons.find((c) => !dismissed.includes(c.code) && !tried.current.codes.has(c.code));
    if (!next) return;
    tried.current.codes.add(next.code);
    const before = quote.data.discountTotal;
    void quoteOf({ ...quoteScope, coupons: [...coupons, next.code] }).then(
      (quoted) => {
        if (quoted.discountTotal <= before) return;
        queryClient.setQueryData([QUOTE, { ...quoteScope, coupons: [...coupons, next.code] }], quoted);
        setCoupons((cs) => (cs.includes(next.code) ? cs : [...cs, next.code]));
      },
      () => {},
    );
    // quoteScope is derived from the listed state; the basket's key stands for its lines.
  }, [member, basketKey, appliedMine, addCoupon.isPending, quote.data, quote.isPlaceholderData, dismissed, coupons]);

  const addRow = (method: TillMethod) =>
    setRows((rs) => {
      const state = paymentState(rs, total);
      const fixed = rs.map((r, i) => (r.amount === null ? { ...r, amount: String(state.amounts[i]) } : r));
      return [...fixed, { id: Math.max(0, ...rs.map((r) => r.id)) + 1, method, amount: null, tendered: '' }];
    });
  const updateRow = (id: number, patch: Partial<PaymentRow>) =>
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const removeRow = (id: number) => setRows((rs) => (rs.length > 1 ? rs.filter((r) => r.id !== id) : rs));

  /** Offline 会計: the sale queued in IndexedDB with its receipt, within the till's offline limit. */
  const sellOffline = async (): Promise<TillDone> => {
    if (!pack || !offlineFigures) throw localProblem(t('till.offline.noPack'));
    const waiting = (await queued(locationId)).filter((q) => q.id !== txId && !q.refused);
    const taken = waiting.reduce((s, q) => s + q.total, 0);
    if (taken + offlineFigures.total > pack.limit)
      throw localProblem(
        t('till.offline.limit', { limit: pack.limit.toLocaleString('ja-JP') }),
        t('till.offline.limitDetail'),
      );
    const at = new Date();
    const { body, receipt } = offlineSale(pack, {
      id: txId,
      lines,
      figures: offlineFigures,
      payments: salePayments(rows, pay),
      memberNumber: offlineMember ?? member?.customer.memberNumber ?? null,
      at,
      clerk: clerkName,
      clerkId: signedIn?.id ?? null,
    });
    await enqueue({ id: txId, locationId, at: at.getTime(), total: offlineFigures.total, body, receipt });
    void queueChanged();
    return { receipt, number: null, orderId: null, replayed: false, offline: true };
  };

  const checkout = useMutation({
    mutationFn: async (): Promise<TillDone> => {
      if (offline) return sellOffline();
      try {
        const r = await call(
          api.POST('/api/pos/sales', {
            body: {
              ...scope,
              payments: salePayments(rows, pay),
              ...(presence.presence ? { presenceToken: presence.presence.token } : {}),
              clientTransactionId: txId,
            },
          }),
        );
        return {
          receipt: r.receipt,
          number: r.order.number,
          orderId: r.order.id,
          replayed: r.replayed,
          offline: false,
        };
      } catch (err) {
        // The server did not answer: the till goes offline; 会計 again records it offline under the same
        // transaction id (had the server taken it after all, the sync finds that sale, not a second one).
        if (isUnreachable(err)) {
          reportUnreachable();
          throw localProblem(t('till.offline.lostDuringSale'));
        }
        throw err;
      }
    },
    onSuccess: (result) => setSale(result),
    onError: (err) => {
      const code = problemOf(err)?.code;
      // The basket's price moved (a promotion ended, a coupon ran out): quote it again.
      if (code === 'payment.amount_mismatch') void queryClient.invalidateQueries({ queryKey: [QUOTE] });
      // The server no longer takes the token (expired, another clerk): ask her again.
      if (code === 'customer.presence_required') presence.drop();
    },
  });

  /** 次のお客様: an empty basket with a new transaction id. */
  const next = () => {
    setLines([]);
    setScanError(null);
    setMember(null);
    setOfflineMember(null);
    resolveMember.reset();
    presence.reset();
    setCoupons([]);
    setDismissed([]);
    addCoupon.reset();
    setRows([firstRow()]);
    checkout.reset();
    setSale(null);
    setTxId(tillTransactionId());
    queryClient.removeQueries({ queryKey: [QUOTE] });
    refocus();
  };

  /** Her wallet, points or one of her issued coupons are in the sale: it needs her presence token. */
  const spendsHerValue = member !== null && (rows.some((r) => MEMBER_ONLY.has(r.method)) || appliedMine);
  /**
   * The 本人確認 panel is shown: she was called up without proof (card, member number) and the clerk is
   * about to spend her value, or the server asked for proof (a member coupon, an expired token).
   */
  const asksPresence =
    member !== null &&
    !presence.presence &&
    (spendsHerValue || problemOf(checkout.error)?.code === 'customer.presence_required');

  const isPricing = !offline && (quote.isFetching || addCoupon.isPending);
  const canPay = offline
    ? lines.length > 0 && pay.ready && isQuoted && !coupons.length && !rows.some((r) => MEMBER_ONLY.has(r.method))
    : lines.length > 0 &&
      pay.ready &&
      isQuoted &&
      !isPricing &&
      !quote.isError &&
      !(spendsHerValue && !presence.presence);

  return {
    offline,
    sync,
    pack,
    offlineMember,
    takeOfflineMember,
    lines,
    scan,
    scanError,
    setQuantity,
    member,
    resolveMember,
    clearMember,
    presence,
    asksPresence,
    coupons,
    memberCoupons,
    addCoupon,
    submitCoupon,
    removeCoupon,
    quote,
    figures,
    isQuoted,
    isStale,
    isPricing,
    rows,
    pay,
    addRow,
    updateRow,
    removeRow,
    checkout,
    canPay,
    sale,
    next,
  };
}

export type TillBasket = ReturnType<typeof useTillBasket>;
