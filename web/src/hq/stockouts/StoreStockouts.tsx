import { formatYen } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { Link } from '../../shared/router';
import { DataTable } from '../../shared/ui';

/** What this card shows of a store in the stockout report (GET /api/analytics/stockouts). */
interface StoreReport {
  locationId: string;
  totals: { stockouts: number; days: number; lostYen: number };
  worst: Array<{
    variantId: string;
    productName: string;
    options: Record<string, string>;
    outNow: boolean;
    days: number;
    views: number;
    refusedCheckouts: number;
    restockRequests: number;
    dailyRate: number;
    lostUnits: number;
    lostYen: number;
  }>;
}

/** One store's ten worst stockouts, folded under its name and summary; a link to its replenishment. */
export function StoreStockouts({ store: s, name, open }: { store: StoreReport; name: string; open: boolean }) {
  const t = useT();
  const lang = useLang();
  const yen = (n: number) => formatYen(n, lang);
  const count = (n: number) => n.toLocaleString('ja-JP');
  return (
    <section className="card stockout-store" aria-labelledby={`stockouts-${s.locationId}`} data-testid="stockout-store">
      <details open={open}>
        <summary>
          <h2 id={`stockouts-${s.locationId}`}>{name}</h2>
          <span className="muted">
            {t('stockouts.storeSummary', {
              items: count(s.totals.stockouts),
              days: count(s.totals.days),
              yen: yen(s.totals.lostYen),
            })}
          </span>
        </summary>
        <DataTable
          caption={t('stockouts.worstCaption')}
          rows={s.worst}
          rowKey={(w) => w.variantId}
          empty={null}
          stacked
          columns={[
            {
              key: 'product',
              header: t('stockouts.col.product'),
              cell: (w) => (
                <>
                  {[w.productName, ...Object.values(w.options)].join(' ')}
                  {w.outNow && <span className="badge badge-muted stockout-now">{t('stockouts.outNow')}</span>}
                </>
              ),
            },
            {
              key: 'days',
              header: t('stockouts.col.days'),
              cell: (w) => t('stockouts.daysValue', { n: w.days }),
              align: 'end',
            },
            { key: 'views', header: t('stockouts.col.views'), cell: (w) => count(w.views), align: 'end' },
            {
              key: 'refused',
              header: t('stockouts.col.refused'),
              cell: (w) => count(w.refusedCheckouts),
              align: 'end',
            },
            {
              key: 'requests',
              header: t('stockouts.col.requests'),
              cell: (w) => count(w.restockRequests),
              align: 'end',
            },
            { key: 'rate', header: t('stockouts.col.rate'), cell: (w) => w.dailyRate.toFixed(2), align: 'end' },
            {
              key: 'lostUnits',
              header: t('stockouts.col.lostUnits'),
              cell: (w) => w.lostUnits.toFixed(1),
              align: 'end',
            },
            { key: 'lostYen', header: t('stockouts.col.lostYen'), cell: (w) => yen(w.lostYen), align: 'end' },
          ]}
        />
        <p>
          <Link href={`/hq/forecast?location=${encodeURIComponent(s.locationId)}`}>{t('stockouts.replenish')}</Link>
        </p>
      </details>
    </section>
  );
}
