import { useT } from '../../shared/i18n';
import { Button, SuccessBanner } from '../../shared/ui';
import { TillReceipt } from '../TillReceipt';
import type { TillDone } from './useTillBasket';

/** After 会計: 印刷, 次のお客様 and the receipt (the server's, or offline the till's own: the only thing printed). */
export function SaleDone({ sale, onNext }: { sale: TillDone; onNext: () => void }) {
  const t = useT();
  return (
    <main className="page store till-screen till-done">
      <div className="section-head no-print">
        <h1>{t('till.title')}</h1>
        <div className="till-done-actions">
          <Button onClick={() => window.print()} size="lg">
            {t('till.print')}
          </Button>
          <Button variant="primary" onClick={onNext} size="lg" autoFocus>
            {t('till.next')}
          </Button>
        </div>
      </div>
      <div className="no-print">
        {sale.number ? (
          <SuccessBanner>{t('till.sold', { number: sale.number })}</SuccessBanner>
        ) : (
          <p className="banner banner-warn" data-testid="till-sold-offline">
            {t('till.offline.sold', { number: sale.receipt.offline?.number ?? '' })}
          </p>
        )}
        {sale.replayed && <p className="banner banner-info">{t('till.replayed')}</p>}
      </div>
      <TillReceipt receipt={sale.receipt} />
    </main>
  );
}
