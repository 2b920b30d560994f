import { formatDateTime } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { plainYen } from '../../shared/ui/Totals';
import { DENOMINATIONS, REFUND_METHODS, TILL_METHODS, type TillFigures, type TillSession } from './types';

function Row({ label, value, strong, testId }: { label: string; value: string; strong?: boolean; testId?: string }) {
  return (
    <div className={`receipt-row${strong ? ' receipt-strong' : ''}`} data-testid={testId}>
      <span>{label}</span>
      <span className="receipt-num">{value}</span>
    </div>
  );
}

const signed = (n: number) => (n < 0 ? `−${plainYen(-n)}` : n > 0 ? `+${plainYen(n)}` : plainYen(0));

/**
 * The X report (点検, figures now) or the Z report (精算, kept at the close) on the 80 mm slip of the
 * till's receipt (the .receipt styles: on screen a narrow slip, in print the only thing on the page).
 */
export function TillReport({ session, figures }: { session: TillSession; figures: TillFigures }) {
  const t = useT();
  const lang = useLang();
  const z = session.status === 'closed';
  const f = figures;
  return (
    <article
      className="receipt till-report"
      data-testid={z ? 'z-report' : 'x-report'}
      data-expected={f.expectedCash}
      data-over-short={session.overShort ?? undefined}
      aria-label={t(z ? 'tillSession.report.z' : 'tillSession.report.x')}
    >
      <header className="receipt-head">
        <p className="receipt-store">{session.locationName}</p>
        <p className="receipt-title">{t(z ? 'tillSession.report.z' : 'tillSession.report.x')}</p>
        {z && session.zNumber !== null && <p>{t('tillSession.report.zNumber', { n: session.zNumber })}</p>}
        <Row label={t('tillSession.history.register')} value={session.registerName} />
        <Row label={t('tillSession.report.opened')} value={formatDateTime(session.openedAt, lang)} />
        <Row
          label={t(z ? 'tillSession.report.closed' : 'tillSession.report.at')}
          value={formatDateTime(session.closedAt ?? f.until, lang)}
        />
        <Row label={t('tillSession.report.openedBy')} value={session.openedBy.name} />
        {session.closedBy && <Row label={t('tillSession.report.closedBy')} value={session.closedBy.name} />}
      </header>

      <div className="receipt-block">
        <Row
          label={t('tillSession.report.salesCount')}
          value={t('tillSession.report.count', { n: f.salesCount })}
          testId="report-sales-count"
        />
        <Row
          label={t('tillSession.report.offlineCount')}
          value={t('tillSession.report.count', { n: f.offlineSalesCount })}
          testId="report-offline-count"
        />
        <Row label={t('tillSession.report.gross')} value={plainYen(f.grossSales)} testId="report-gross" />
        {f.discountTotal > 0 && <Row label={t('tillSession.report.discounts')} value={plainYen(f.discountTotal)} />}
        <Row
          label={t('tillSession.report.refunds', { n: f.refunds.count })}
          value={f.refunds.total > 0 ? `−${plainYen(f.refunds.total)}` : plainYen(0)}
        />
        <Row label={t('tillSession.report.net')} value={plainYen(f.netSales)} strong testId="report-net" />
      </div>

      <div className="receipt-block">
        <p className="till-report-head">{t('tillSession.report.byMethod')}</p>
        {TILL_METHODS.map((m) => (
          <div key={m} data-testid="report-method" data-method={m} data-amount={f.byMethod[m].amount}>
            <Row
              label={`${t(`tillSession.method.${m}`)}（${t('tillSession.report.count', { n: f.byMethod[m].count })}）`}
              value={plainYen(f.byMethod[m].amount)}
            />
            {f.byService
              .filter((s) => s.method === m)
              .map((s) => (
                <div key={s.service} className="receipt-sub">
                  <span>
                    {s.service}（{t('tillSession.report.count', { n: s.count })}）
                  </span>
                  <span className="receipt-num">{plainYen(s.amount)}</span>
                </div>
              ))}
          </div>
        ))}
      </div>

      {f.byStaff && f.byStaff.length > 0 && (
        <div className="receipt-block">
          <p className="till-report-head">{t('tillSession.report.byStaff')}</p>
          {f.byStaff.map((c) => (
            <div key={c.staffId} data-testid="report-staff" data-amount={c.amount}>
              <Row
                label={`${c.name || t('tillSession.report.staffUnknown')}（${t('tillSession.report.count', { n: c.count })}）`}
                value={plainYen(c.amount)}
              />
            </div>
          ))}
        </div>
      )}

      <div className="receipt-block">
        <p className="till-report-head">{t('tillSession.report.byTax')}</p>
        {f.byTaxRate.map((x) => (
          <div key={x.rate} data-testid="report-tax" data-rate={x.rate}>
            <Row
              label={t(x.rate < 10 ? 'tillSession.report.taxReduced' : 'tillSession.report.taxBase', { rate: x.rate })}
              value={plainYen(x.sales)}
            />
            <Row label={t('tillSession.report.taxIncl')} value={plainYen(x.tax)} />
          </div>
        ))}
      </div>

      {f.refunds.total > 0 && (
        <div className="receipt-block">
          <p className="till-report-head">{t('tillSession.report.refundsBy')}</p>
          {REFUND_METHODS.filter((m) => f.refunds.byMethod[m] > 0).map((m) => (
            <Row key={m} label={t(`tillSession.refund.${m}`)} value={plainYen(f.refunds.byMethod[m])} />
          ))}
        </div>
      )}

      <div className="receipt-block">
        <p className="till-report-head">{t('tillSession.report.cash')}</p>
        <Row label={t('tillSession.report.float')} value={plainYen(f.float)} />
        <Row label={t('tillSession.report.cashSales')} value={signed(f.cashSales)} />
        <Row label={t('tillSession.report.cashRefunds')} value={signed(-f.cashRefunds)} />
        {/* チャージ（現金）: cash in the drawer, prepaid value — not a sale, so in no sales line above. */}
        <Row
          label={t('tillSession.report.cashTopUps', { n: f.cashTopUps.count })}
          value={signed(f.cashTopUps.amount)}
          testId="report-cash-top-ups"
        />
        <Row label={t('tillSession.report.cashIn')} value={signed(f.cashIn)} />
        <Row label={t('tillSession.report.cashOut')} value={signed(-f.cashOut)} />
        <Row
          label={t('tillSession.report.expected')}
          value={plainYen(f.expectedCash)}
          strong
          testId="report-expected"
        />
        {z && session.countedCash !== null && session.overShort !== null && (
          <>
            <Row
              label={t('tillSession.report.counted')}
              value={plainYen(session.countedCash)}
              testId="report-counted"
            />
            <Row
              label={`${t('tillSession.report.overShort')}（${t(
                session.overShort > 0
                  ? 'tillSession.report.over'
                  : session.overShort < 0
                    ? 'tillSession.report.short'
                    : 'tillSession.report.even',
              )}）`}
              value={signed(session.overShort)}
              strong
              testId="report-over-short"
            />
          </>
        )}
      </div>

      {z && session.counted && (
        <div className="receipt-block">
          <p className="till-report-head">{t('tillSession.report.denominations')}</p>
          {DENOMINATIONS.map((d) => {
            const n = session.counted?.[String(d)] ?? 0;
            return (
              <div key={d} className="receipt-sub">
                <span>
                  {t(`tillSession.denom.${d}`)} {t('tillSession.report.pieces', { n })}
                </span>
                <span className="receipt-num">{plainYen(d * n)}</span>
              </div>
            );
          })}
        </div>
      )}

      {session.cashMovements.length > 0 && (
        <div className="receipt-block">
          <p className="till-report-head">{t('tillSession.report.movements')}</p>
          {session.cashMovements.map((m) => (
            <div key={m.id} className="receipt-sub">
              <span>
                {t(m.kind === 'in' ? 'tillSession.cash.in' : 'tillSession.cash.out')} {m.reason}
              </span>
              <span className="receipt-num">{signed(m.kind === 'in' ? m.amount : -m.amount)}</span>
            </div>
          ))}
        </div>
      )}
      {session.note && (
        <p className="receipt-foot">
          {t('tillSession.report.note')}: {session.note}
        </p>
      )}
    </article>
  );
}
