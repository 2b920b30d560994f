import { useEffect, useRef } from 'react';
import { useT } from '../shared/i18n';
import type { Session } from '../shared/staff-session';
import { BasketLines } from './till/BasketLines';
import { CouponPane } from './till/CouponPane';
import { MemberPane } from './till/MemberPane';
import { OfflineMemberPane, OfflineStatus } from './till/OfflineStatus';
import { PaymentPane } from './till/PaymentPane';
import { PresencePane } from './till/PresencePane';
import { SaleDone } from './till/SaleDone';
import { ScanPane } from './till/ScanPane';
import { TopUpButton } from './till/TopUpPanel';
import { TotalsPane } from './till/TotalsPane';
import { useTillBasket } from './till/useTillBasket';
import { OperatorSwitch } from './till/OperatorSwitch';

/**
 * /store/:id/till — レジ: scan JANs into the basket, call the member, add coupons, take split payments
 * and print the 80 mm receipt. The figures are the server's quote; the state lives in useTillBasket.
 */
export function TillScreen({ session, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const scanRef = useRef<HTMLInputElement>(null);
  const memberRef = useRef<HTMLInputElement>(null);
  useEffect(() => scanRef.current?.focus(), []);
  const basket = useTillBasket(locationId, () => setTimeout(() => scanRef.current?.focus(), 0), t);

  if (basket.sale) return <SaleDone sale={basket.sale} locationId={locationId} onNext={basket.next} />;

  return (
    <main className="page store till-screen">
      <div className="section-head">
        <h1>{t('till.title')}</h1>
        <OperatorSwitch session={session} locationId={locationId} size="lg" />
      </div>
      <OfflineStatus sync={basket.sync} pack={basket.pack} />
      <div className="till-layout">
        <section className="till-basket" aria-labelledby="till-basket-title">
          <ScanPane onScan={(jan) => void basket.scan(jan)} inputRef={scanRef} error={basket.scanError} />
          <BasketLines lines={basket.lines} setQuantity={basket.setQuantity} />
        </section>

        <aside className="till-side">
          {basket.offline && !basket.member ? (
            <OfflineMemberPane
              number={basket.offlineMember}
              onNumber={basket.takeOfflineMember}
              onClear={basket.clearMember}
            />
          ) : (
            <MemberPane
              member={basket.member}
              presence={basket.presence.presence}
              resolve={basket.resolveMember}
              onClear={basket.clearMember}
              inputRef={memberRef}
              applied={basket.coupons}
              onApply={(code) => basket.submitCoupon(code, () => {})}
            />
          )}
          <TopUpButton member={basket.member} offline={basket.offline} pack={basket.pack} locationId={locationId} />
          {basket.offline ? (
            <p className="small muted" data-testid="till-offline-coupons">
              {t('till.offline.noCoupons')}
            </p>
          ) : (
            <CouponPane
              coupons={basket.coupons}
              onAdd={basket.submitCoupon}
              onRemove={basket.removeCoupon}
              busy={basket.addCoupon.isPending}
              error={basket.addCoupon.error}
            />
          )}
          <TotalsPane
            figures={basket.figures}
            isQuoted={basket.isQuoted}
            isStale={basket.isStale}
            isPricing={basket.isPricing}
            hasMember={basket.member !== null && !basket.offline}
            error={basket.offline ? null : basket.quote.error}
          />
          <PaymentPane
            rows={basket.rows}
            pay={basket.pay}
            total={basket.figures?.total ?? null}
            hasMember={basket.member !== null}
            offline={basket.offline}
            onAddRow={basket.addRow}
            onUpdateRow={basket.updateRow}
            onRemoveRow={basket.removeRow}
            canPay={basket.canPay}
            onCheckout={() => basket.checkout.mutate()}
            checkingOut={basket.checkout.isPending}
            error={basket.checkout.error}
          >
            {basket.member && basket.asksPresence && <PresencePane member={basket.member} presence={basket.presence} />}
          </PaymentPane>
        </aside>
      </div>
    </main>
  );
}
