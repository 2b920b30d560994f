import { useEffect, useRef, useState, type FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, newIdempotencyKey } from '../shared/api/client';
import type { ClientelingCard } from '../shared/api/types';
import { describeOptions, formatPoints, formatYen } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, ProblemBanner, SuccessBanner, TierBadge, problemOf } from '../shared/ui';
import { plainYen } from '../shared/ui/Totals';
import { resolveBodyFor } from './MemberScanScreen';
import { ScanBox } from './ScanBox';
import type { Session } from '../shared/staff-session';
import {
  MEMBER_ONLY,
  METHODS,
  paymentState,
  previewOf,
  salePayments,
  type PaymentRow,
  type SaleResult,
  type TillLine,
  type TillMethod,
} from './till';
import { TillReceipt } from './TillReceipt';

/** A keyboard-wedge member field must not steal the digits of a JAN typed with nothing focused. */
const NEVER = /(?!)/;

type SaleLine = { variantId: string; quantity: number };
interface SaleScope {
  locationId: string;
  lines: SaleLine[];
  customerId?: string;
  coupons?: string[];
}

/**
 * What the server will charge for this basket, member and coupons (POST /api/pos/quote: the same pricing
 * as the sale — promotions, the member's tier, coupons — without selling). A coupon that does not apply
 * comes back as its own problem.
 */
async function priceCheck(scope: SaleScope): Promise<number> {
  const quote = (await call(api.POST('/api/pos/quote', { body: scope }))) as { total: number };
  return quote.total;
}

const normaliseCoupon = (raw: string) => raw.normalize('NFKC').trim().toUpperCase();
const firstRow = (): PaymentRow => ({ id: 1, method: 'cash', amount: null, tendered: '' });

/**
 * /store/:id/till — レジ: scan JANs into the basket, call the member, add coupons, take split payments
 * and print the 80 mm receipt. One clientTransactionId per basket makes a retried 会計 harmless.
 */
export function TillScreen({ locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const scanRef = useRef<HTMLInputElement>(null);
  const memberRef = useRef<HTMLInputElement>(null);
  const [lines, setLines] = useState<TillLine[]>([]);
  const [scanError, setScanError] = useState<unknown>(null);
  const [member, setMember] = useState<ClientelingCard | null>(null);
  const [coupons, setCoupons] = useState<string[]>([]);
  const [couponText, setCouponText] = useState('');
  const [rows, setRows] = useState<PaymentRow[]>([firstRow()]);
  const [txId, setTxId] = useState(newIdempotencyKey);
  const [sale, setSale] = useState<SaleResult | null>(null);

  useEffect(() => scanRef.current?.focus(), []);
  const focusScan = () => setTimeout(() => scanRef.current?.focus(), 0);

  const scope: SaleScope = {
    locationId,
    lines: lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    ...(member ? { customerId: member.customer.id } : {}),
    ...(coupons.length ? { coupons } : {}),
  };
  const checkKey = ['till-check', scope] as const;
  const check = useQuery({
    queryKey: checkKey,
    queryFn: () => priceCheck(scope),
    enabled: lines.length > 0 && !sale,
    retry: false,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
  const checkedTotal = check.data !== undefined && !check.isPlaceholderData && lines.length > 0 ? check.data : null;
  const preview = previewOf(lines, checkedTotal);
  const pay = paymentState(rows, preview.total);

  const scan = async (jan: string) => {
    try {
      const found = await queryClient.fetchQuery({
        queryKey: ['barcode', jan],
        queryFn: () => call(api.GET('/api/barcodes/{jan}', { params: { path: { jan } } })),
        staleTime: 60_000,
      });
      const { variant, product } = found;
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
    focusScan();
  };

  const setQuantity = (variantId: string, quantity: number) => {
    setLines((ls) =>
      quantity < 1
        ? ls.filter((l) => l.variantId !== variantId)
        : ls.map((l) => (l.variantId === variantId ? { ...l, quantity: Math.min(999, quantity) } : l)),
    );
    focusScan();
  };

  const resolve = useMutation({
    mutationFn: (raw: string) => call(api.POST('/api/member-codes/resolve', { body: resolveBodyFor(raw, locationId) })),
    onSuccess: (card) => {
      setMember(card);
      focusScan();
    },
  });
  const clearMember = () => {
    setMember(null);
    resolve.reset();
    setRows((rs) => {
      const kept = rs.filter((r) => !MEMBER_ONLY.has(r.method));
      return kept.length ? kept : [firstRow()];
    });
  };

  const addCoupon = useMutation({
    mutationFn: async (code: string) => {
      const next = [...coupons, code];
      const total = await priceCheck({ ...scope, coupons: next });
      return { next, total };
    },
    onSuccess: ({ next, total }) => {
      queryClient.setQueryData(['till-check', { ...scope, coupons: next }], total);
      setCoupons(next);
      setCouponText('');
    },
  });
  const submitCoupon = (e: FormEvent) => {
    e.preventDefault();
    const code = normaliseCoupon(couponText);
    if (!code || coupons.includes(code)) return setCouponText('');
    addCoupon.mutate(code);
  };

  const addRow = (method: TillMethod) =>
    setRows((rs) => {
      const state = paymentState(rs, preview.total);
      const fixed = rs.map((r, i) => (r.amount === null ? { ...r, amount: String(state.amounts[i]) } : r));
      return [...fixed, { id: Math.max(0, ...rs.map((r) => r.id)) + 1, method, amount: null, tendered: '' }];
    });
  const updateRow = (id: number, patch: Partial<PaymentRow>) =>
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const removeRow = (id: number) => setRows((rs) => (rs.length > 1 ? rs.filter((r) => r.id !== id) : rs));

  const checkout = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/pos/sales', {
          body: { ...scope, payments: salePayments(rows, pay), clientTransactionId: txId },
        }),
      ) as Promise<SaleResult>,
    onSuccess: (result) => setSale(result),
    onError: (err) => {
      // The basket's price moved (a promotion ended, a coupon ran out): check again.
      if (problemOf(err)?.code === 'payment.amount_mismatch')
        void queryClient.invalidateQueries({ queryKey: ['till-check'] });
    },
  });

  const next = () => {
    setLines([]);
    setScanError(null);
    setMember(null);
    resolve.reset();
    setCoupons([]);
    setCouponText('');
    addCoupon.reset();
    setRows([firstRow()]);
    checkout.reset();
    setSale(null);
    setTxId(newIdempotencyKey());
    queryClient.removeQueries({ queryKey: ['till-check'] });
    focusScan();
  };

  if (sale) {
    return (
      <main className="page store till-screen till-done">
        <div className="section-head no-print">
          <h1>{t('till.title')}</h1>
          <div className="till-done-actions">
            <Button onClick={() => window.print()} size="lg">
              {t('till.print')}
            </Button>
            <Button variant="primary" onClick={next} size="lg" autoFocus>
              {t('till.next')}
            </Button>
          </div>
        </div>
        <div className="no-print">
          <SuccessBanner>{t('till.sold', { number: sale.order.number })}</SuccessBanner>
          {sale.replayed && <p className="banner banner-info">{t('till.replayed')}</p>}
        </div>
        <TillReceipt receipt={sale.receipt} />
      </main>
    );
  }

  const count = lines.reduce((s, l) => s + l.quantity, 0);
  const busy = check.isFetching || addCoupon.isPending;
  const canPay = lines.length > 0 && pay.ready && !busy && !check.isError && checkedTotal !== null;

  return (
    <main className="page store till-screen">
      <div className="section-head">
        <h1>{t('till.title')}</h1>
      </div>
      <div className="till-layout">
        <section className="till-basket" aria-labelledby="till-basket-title">
          <ScanBox
            onScan={(jan) => void scan(jan)}
            inputRef={scanRef}
            id="till-jan"
            label={t('till.scanLabel')}
            placeholder={t('till.scanPlaceholder')}
            hint={t('till.scanHint')}
            submitLabel={t('till.scanSubmit')}
          />
          <ProblemBanner error={scanError} />
          <h2 id="till-basket-title">
            {t('till.basket')} <span className="muted small">{t('till.items', { n: count })}</span>
          </h2>
          {lines.length === 0 ? (
            <p className="empty-hint">{t('till.empty')}</p>
          ) : (
            <table className="till-lines">
              <thead>
                <tr>
                  <th>{t('till.col.item')}</th>
                  <th className="num">{t('till.col.unit')}</th>
                  <th>{t('till.col.qty')}</th>
                  <th className="num">{t('till.col.total')}</th>
                  <th>
                    <span className="visually-hidden">{t('till.remove')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l) => (
                  <tr
                    key={l.variantId}
                    className="till-line"
                    data-jan={l.jan}
                    data-quantity={l.quantity}
                    data-rate={l.taxRate}
                  >
                    <td>
                      <p className="product-name">{l.name}</p>
                      <p className="small muted">
                        {describeOptions(l.options)}
                        {l.taxRate === 8 && <span className="till-reduced"> {t('till.reduced')}</span>}
                      </p>
                    </td>
                    <td className="num">{formatYen(l.unitPrice, lang)}</td>
                    <td>
                      <div className="qty-stepper">
                        <Button
                          aria-label={t('till.decrease', { name: l.name })}
                          onClick={() => setQuantity(l.variantId, l.quantity - 1)}
                        >
                          −
                        </Button>
                        <span className="qty" data-testid="qty">
                          {l.quantity}
                        </span>
                        <Button
                          aria-label={t('till.increase', { name: l.name })}
                          onClick={() => setQuantity(l.variantId, l.quantity + 1)}
                        >
                          ＋
                        </Button>
                      </div>
                    </td>
                    <td className="num">{plainYen(l.unitPrice * l.quantity)}</td>
                    <td>
                      <Button
                        variant="ghost"
                        aria-label={t('till.removeLabel', { name: l.name })}
                        onClick={() => setQuantity(l.variantId, 0)}
                      >
                        {t('till.remove')}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <aside className="till-side">
          {member ? (
            <section
              className="card till-member"
              data-testid="till-member"
              data-customer={member.customer.id}
              aria-label={t('till.member.title')}
            >
              <p className="till-member-name">
                {t('till.member.name', { name: member.customer.name ?? member.customer.memberNumber })}
              </p>
              <p>
                <TierBadge tier={member.customer.tier} />{' '}
                <span className="small muted mono">{member.customer.memberNumber}</span>
              </p>
              <p>
                {t('till.member.points')}{' '}
                <strong data-testid="till-member-points">{formatPoints(member.points.balance, lang)}</strong>
              </p>
              <Button variant="ghost" onClick={clearMember}>
                {t('till.member.clear')}
              </Button>
            </section>
          ) : (
            <ScanBox
              onScan={(raw) => resolve.mutate(raw)}
              inputRef={memberRef}
              id="till-member-input"
              label={t('till.memberLabel')}
              placeholder={t('till.memberPlaceholder')}
              hint={t('till.memberHint')}
              submitLabel={t('till.memberSubmit')}
              inputMode="text"
              normalise={(raw) => raw.normalize('NFKC').trim()}
              catchKeys={NEVER}
            />
          )}
          <ProblemBanner error={resolve.error} />

          <form className="till-coupon" onSubmit={submitCoupon}>
            <label htmlFor="till-coupon">{t('till.coupon.label')}</label>
            <div className="scan-row">
              <input
                id="till-coupon"
                value={couponText}
                onChange={(e) => setCouponText(e.target.value)}
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
              />
              <Button type="submit" busy={addCoupon.isPending}>
                {t('till.coupon.add')}
              </Button>
            </div>
            {coupons.length > 0 && (
              <ul className="plain-list till-coupons" aria-label={t('till.coupon.applied')}>
                {coupons.map((c) => (
                  <li key={c} data-code={c}>
                    <span className="mono">{c}</span>{' '}
                    <Button
                      variant="ghost"
                      aria-label={t('till.coupon.remove', { code: c })}
                      onClick={() => setCoupons((cs) => cs.filter((x) => x !== c))}
                    >
                      {t('till.coupon.removeShort')}
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </form>
          <ProblemBanner error={addCoupon.error} />

          <dl className="totals till-totals" data-testid="till-totals" data-checked={String(preview.checked)}>
            <dt>{t('till.subtotal')}</dt>
            <dd data-testid="till-subtotal">{plainYen(preview.subtotal)}</dd>
            {preview.discount > 0 && (
              <>
                <dt>{t('till.discount')}</dt>
                <dd data-testid="till-discount">−{plainYen(preview.discount)}</dd>
              </>
            )}
            <dt className="totals-total">{t('till.total')}</dt>
            <dd className="totals-total" data-testid="till-total" data-total={preview.total}>
              {plainYen(preview.total)}
            </dd>
            {preview.taxes.map((x) => (
              <dd key={x.rate} className="totals-tax muted small" data-rate={x.rate}>
                {t('till.taxIncl', { rate: x.rate, base: plainYen(x.base), tax: plainYen(x.tax) })}
              </dd>
            ))}
          </dl>
          {busy && <p className="muted small">{t('till.checking')}</p>}
          <ProblemBanner error={check.error} />

          <section className="till-pay" aria-labelledby="till-pay-title">
            <h2 id="till-pay-title">{t('till.pay.title')}</h2>
            {rows.map((r, i) => {
              const name = t(`till.method.${r.method}`);
              return (
                <div key={r.id} className="till-pay-row" data-method={r.method}>
                  <label htmlFor={`pay-${r.id}`}>{name}</label>
                  <input
                    id={`pay-${r.id}`}
                    aria-label={t('till.pay.amount', { method: name })}
                    inputMode="numeric"
                    autoComplete="off"
                    value={r.amount ?? String(pay.amounts[i])}
                    onChange={(e) => updateRow(r.id, { amount: e.target.value })}
                  />
                  {rows.length > 1 && (
                    <Button
                      variant="ghost"
                      aria-label={t('till.pay.removeRow', { method: name })}
                      onClick={() => removeRow(r.id)}
                    >
                      ×
                    </Button>
                  )}
                  {r.method === 'cash' && (
                    <div className="till-cash">
                      <label htmlFor={`tendered-${r.id}`}>{t('till.pay.tendered')}</label>
                      <input
                        id={`tendered-${r.id}`}
                        inputMode="numeric"
                        autoComplete="off"
                        value={r.tendered}
                        placeholder={String(pay.amounts[i])}
                        onChange={(e) => updateRow(r.id, { tendered: e.target.value })}
                      />
                      <div className="till-quick">
                        <Button onClick={() => updateRow(r.id, { tendered: '' })}>{t('till.pay.exact')}</Button>
                        {[1000, 5000, 10000].map((n) => (
                          <Button key={n} onClick={() => updateRow(r.id, { tendered: String(n) })}>
                            {plainYen(n)}
                          </Button>
                        ))}
                      </div>
                    </div>
                  )}
                </div>
              );
            })}
            <div className="till-add-methods">
              {METHODS.map((m) => (
                <Button key={m} variant="ghost" disabled={MEMBER_ONLY.has(m) && !member} onClick={() => addRow(m)}>
                  {t('till.pay.add', { method: t(`till.method.${m}`) })}
                </Button>
              ))}
            </div>
            {!member && <p className="field-hint">{t('till.pay.membersOnly')}</p>}
            <dl className="totals till-balance">
              <dt>{pay.remaining < 0 ? t('till.pay.over') : t('till.pay.remaining')}</dt>
              <dd data-testid="till-remaining" data-remaining={pay.remaining}>
                {plainYen(Math.abs(pay.remaining))}
              </dd>
              {rows.some((r) => r.method === 'cash') && (
                <>
                  <dt>{t('till.pay.change')}</dt>
                  <dd className="totals-total" data-testid="till-change" data-change={pay.change}>
                    {plainYen(pay.change)}
                  </dd>
                </>
              )}
            </dl>
            {pay.shortTender && <p className="field-error">{t('till.pay.shortTender')}</p>}
            <ProblemBanner error={checkout.error} />
            <Button
              variant="primary"
              size="lg"
              className="till-checkout"
              disabled={!canPay}
              busy={checkout.isPending}
              onClick={() => checkout.mutate()}
            >
              {t('till.checkout')} {preview.total > 0 && plainYen(preview.total)}
            </Button>
            <p className="field-hint">{t('till.previewNote')}</p>
          </section>
        </aside>
      </div>
    </main>
  );
}
