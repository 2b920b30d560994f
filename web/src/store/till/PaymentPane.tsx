import type { ReactNode } from 'react';
import { useT } from '../../shared/i18n';
import { Button, ProblemBanner } from '../../shared/ui';
import { plainYen } from '../../shared/ui/Totals';
import {
  CARD_BRANDS,
  MEMBER_ONLY,
  METHODS,
  QR_SERVICES,
  WITH_REFERENCE,
  type PaymentRow,
  type PaymentState,
  type TillMethod,
} from '../till';

/** お支払い: one row per tender (cash with お預かり and quick amounts), 残り/超過, おつり and the 会計 button. */
export function PaymentPane({
  rows,
  pay,
  total,
  hasMember,
  offline = false,
  onAddRow,
  onUpdateRow,
  onRemoveRow,
  canPay,
  onCheckout,
  checkingOut,
  error,
  children,
}: {
  rows: readonly PaymentRow[];
  pay: PaymentState;
  /** The total on screen (the 会計 button shows it); null while the basket's first quote is on its way. */
  total: number | null;
  hasMember: boolean;
  /** Offline: wallet and points need the server, and the receipt is the till's own. */
  offline?: boolean;
  onAddRow: (method: TillMethod) => void;
  onUpdateRow: (id: number, patch: Partial<PaymentRow>) => void;
  onRemoveRow: (id: number) => void;
  canPay: boolean;
  onCheckout: () => void;
  checkingOut: boolean;
  error: unknown;
  /** Shown under the tenders, before the balance: the 本人確認 panel when her value is to be spent. */
  children?: ReactNode;
}) {
  const t = useT();
  return (
    <section className="till-pay" aria-labelledby="till-pay-title">
      <h2 id="till-pay-title">{t('till.pay.title')}</h2>
      {rows.map((r, i) => (
        <PaymentRowEditor
          key={r.id}
          row={r}
          amount={total === null ? null : pay.amounts[i]!}
          removable={rows.length > 1}
          onUpdate={(patch) => onUpdateRow(r.id, patch)}
          onRemove={() => onRemoveRow(r.id)}
        />
      ))}
      <div className="till-add-methods">
        {METHODS.map((m) => (
          <Button
            key={m}
            variant="ghost"
            disabled={MEMBER_ONLY.has(m) && (!hasMember || offline)}
            onClick={() => onAddRow(m)}
          >
            {t('till.pay.add', { method: t(`till.method.${m}`) })}
          </Button>
        ))}
      </div>
      {offline ? (
        <p className="field-hint">{t('till.offline.noWallet')}</p>
      ) : (
        !hasMember && <p className="field-hint">{t('till.pay.membersOnly')}</p>
      )}
      {children}
      <dl className="totals till-balance">
        <dt>{pay.remaining < 0 ? t('till.pay.over') : t('till.pay.remaining')}</dt>
        <dd data-testid="till-remaining" data-remaining={pay.remaining}>
          {total === null ? '—' : plainYen(Math.abs(pay.remaining))}
        </dd>
        {rows.some((r) => r.method === 'cash') && (
          <>
            <dt>{t('till.pay.change')}</dt>
            <dd className="totals-total" data-testid="till-change" data-change={pay.change}>
              {total === null ? '—' : plainYen(pay.change)}
            </dd>
          </>
        )}
      </dl>
      {pay.shortTender && <p className="field-error">{t('till.pay.shortTender')}</p>}
      {pay.missingReference && <p className="field-hint">{t('till.pay.needReference')}</p>}
      <ProblemBanner error={error} />
      <Button
        variant="primary"
        size="lg"
        className="till-checkout"
        disabled={!canPay}
        busy={checkingOut}
        onClick={onCheckout}
      >
        {t('till.checkout')} {total !== null && total > 0 && plainYen(total)}
      </Button>
      <p className="field-hint">{offline ? t('till.offline.previewNote') : t('till.previewNote')}</p>
    </section>
  );
}

/** One tender: its amount (empty follows the rest of the total) and, for cash, お預かり with quick amounts. */
function PaymentRowEditor({
  row: r,
  amount,
  removable,
  onUpdate,
  onRemove,
}: {
  row: PaymentRow;
  /** What the row pays; null while the total is not known yet (the field stays empty). */
  amount: number | null;
  removable: boolean;
  onUpdate: (patch: Partial<PaymentRow>) => void;
  onRemove: () => void;
}) {
  const t = useT();
  const name = t(`till.method.${r.method}`);
  const shown = amount === null ? '' : String(amount);
  return (
    <div className="till-pay-row" data-method={r.method}>
      <label htmlFor={`pay-${r.id}`}>{name}</label>
      <input
        id={`pay-${r.id}`}
        aria-label={t('till.pay.amount', { method: name })}
        inputMode="numeric"
        autoComplete="off"
        value={r.amount ?? shown}
        onChange={(e) => onUpdate({ amount: e.target.value })}
      />
      {removable && (
        <Button variant="ghost" aria-label={t('till.pay.removeRow', { method: name })} onClick={onRemove}>
          ×
        </Button>
      )}
      {WITH_REFERENCE.has(r.method) && (
        <div className="till-reference">
          <label htmlFor={`brand-${r.id}`}>{t(r.method === 'qr' ? 'till.pay.service' : 'till.pay.brand')}</label>
          <select id={`brand-${r.id}`} value={r.brand ?? ''} onChange={(e) => onUpdate({ brand: e.target.value })}>
            <option value="">{t('till.pay.choose')}</option>
            {(r.method === 'qr' ? QR_SERVICES : CARD_BRANDS).map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
          <label htmlFor={`reference-${r.id}`}>
            {t(r.method === 'qr' ? 'till.pay.transactionId' : 'till.pay.approvalNumber')}
          </label>
          <input
            id={`reference-${r.id}`}
            inputMode={r.method === 'qr' ? 'text' : 'numeric'}
            autoComplete="off"
            maxLength={64}
            value={r.reference ?? ''}
            onChange={(e) => onUpdate({ reference: e.target.value })}
          />
        </div>
      )}
      {r.method === 'cash' && (
        <div className="till-cash">
          <label htmlFor={`tendered-${r.id}`}>{t('till.pay.tendered')}</label>
          <input
            id={`tendered-${r.id}`}
            inputMode="numeric"
            autoComplete="off"
            value={r.tendered}
            placeholder={shown}
            onChange={(e) => onUpdate({ tendered: e.target.value })}
          />
          <div className="till-quick">
            <Button onClick={() => onUpdate({ tendered: '' })}>{t('till.pay.exact')}</Button>
            {[1000, 5000, 10000].map((n) => (
              <Button key={n} onClick={() => onUpdate({ tendered: String(n) })}>
                {plainYen(n)}
              </Button>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
