import { useT } from '../../shared/i18n';
import { Button, SuccessBanner } from '../../shared/ui';
import type { SaleResult } from '../till';
import { TillReceipt } from '../TillReceipt';

/** After 会計: 印刷, 次のお客様 and the server's receipt (the only thing printed). */
export function SaleDone({ sale, onNext }: { sale: SaleResult; onNext: () => void }) {
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
        <SuccessBanner>{t('till.sold', { number: sale.order.number })}</SuccessBanner>
        {sale.replayed && <p className="banner banner-info">{t('till.replayed')}</p>}
      </div>
      <TillReceipt receipt={sale.receipt} />
    </main>
  );
}
