/** Points and wallet balances, what lapses soon, and their ledgers: for the shopper and for HQ alike. */
import type { Loyalty, Wallet } from '../api/types';
import { formatAmount, formatDate, formatDateTime, formatPoints, formatSigned } from '../format';
import { isMessageKey, useLang, useT, type MessageKey } from '../i18n';
import { DataTable, TierBadge } from '../ui';

/** ポイント: balance, tier and what it takes to reach the next, points about to lapse, and the ledger. */
export function LoyaltyPanel({ loyalty, expiring = true }: { loyalty: Loyalty; expiring?: boolean }) {
  const t = useT();
  const lang = useLang();
  return (
    <>
      <div className="balance-card">
        <div>
          <p className="balance-label">{t('account.points.balance')}</p>
          <p className="balance-value" data-testid="points-balance">
            {formatPoints(loyalty.balance, lang)}
          </p>
        </div>
        <dl className="facts">
          <dt>{t('account.points.tier')}</dt>
          <dd>
            <TierBadge tier={loyalty.tier} />
          </dd>
          <dt>{t('account.points.spend12m')}</dt>
          <dd>{formatAmount(loyalty.tierSpend12m)}</dd>
        </dl>
        <TierProgress loyalty={loyalty} />
      </div>
      {expiring && (
        <Expiring
          items={loyalty.expiringSoon.map((e) =>
            t('account.points.expiringItem', {
              points: formatPoints(e.points, lang),
              date: formatDate(e.expiresAt, lang),
            }),
          )}
          none={t('account.points.noneExpiring')}
        />
      )}
    </>
  );
}

/**
 * 「あと ¥12,000 で ゴールド」 over a bar from where her tier starts to the next one's threshold (the loyalty
 * rules' tiers and her rolling 12-month spend); at the top tier, just that.
 */
export function TierProgress({ loyalty }: { loyalty: Pick<Loyalty, 'nextTier' | 'tierSpend12m'> }) {
  const t = useT();
  const next = loyalty.nextTier;
  if (!next) return <p className="muted small tier-progress-text">{t('account.points.topTier')}</p>;
  const span = Math.max(1, next.threshold - next.from);
  const done = Math.min(span, Math.max(0, loyalty.tierSpend12m - next.from));
  const tier = t(`tier.${next.tier}`);
  return (
    <div className="tier-progress" data-testid="tier-progress">
      <p className="tier-progress-text">
        {t('account.points.nextTier', { amount: formatAmount(next.spendNeeded), tier })}
      </p>
      <progress className="tier-progress-bar" max={span} value={done} aria-label={t('tier.progressLabel', { tier })} />
    </div>
  );
}

/** Every live lot by the day it lapses, soonest first: 「2027年1月13日に129 pt失効」. */
export function PointLots({ lots, soon = [] }: { lots: Loyalty['lots']; soon?: Loyalty['expiringSoon'] }) {
  const t = useT();
  const lang = useLang();
  // Lots lapsing within the rules' warning window are shown in the まもなく失効 amber.
  const soonUntil = Math.max(0, ...soon.map((e) => Date.parse(e.expiresAt)));
  return (
    <section className="stack" aria-labelledby="point-lots-title" data-testid="point-lots">
      <h2 id="point-lots-title">{t('account.points.lots')}</h2>
      {lots.length ? (
        <>
          <p className="muted small">{t('account.points.lotsLead')}</p>
          <ul className="menu-list point-lots">
            {lots.map((l) => (
              <li
                key={l.expiresAt}
                className={`point-lot${Date.parse(l.expiresAt) <= soonUntil ? ' point-lot-soon' : ''}`}
              >
                {t('account.points.lotItem', {
                  date: formatDate(l.expiresAt, lang),
                  points: formatPoints(l.points, lang),
                })}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">{t('account.points.lotsNone')}</p>
      )}
    </section>
  );
}

/** まもなく失効: said plainly, in the low-stock amber, because lapsing points are a complaint waiting to happen. */
export function Expiring({ items, none }: { items: string[]; none: string }) {
  const t = useT();
  return (
    <section className="expiring" aria-labelledby="expiring-title">
      <h2 id="expiring-title">{t('account.points.expiring')}</h2>
      {items.length ? (
        <ul className="expiring-list">
          {items.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">{none}</p>
      )}
    </section>
  );
}

export function PointsHistory({ history }: { history: Loyalty['history'] }) {
  const t = useT();
  const lang = useLang();
  return (
    <DataTable
      columns={[
        { key: 'at', header: t('history.date'), cell: (e) => formatDateTime(e.createdAt, lang) },
        {
          key: 'kind',
          header: t('history.kind'),
          cell: (e) => [t(`points.kind.${e.kind}`), e.reason].filter(Boolean).join(' · '),
        },
        {
          key: 'points',
          header: t('history.points'),
          cell: (e) => <span className={e.points < 0 ? 'minus' : 'plus'}>{formatSigned(e.points)}</span>,
          align: 'end',
        },
      ]}
      rows={history}
      rowKey={(e) => e.id}
      empty={t('account.points.empty')}
    />
  );
}

export function WalletPanel({ wallet }: { wallet: Wallet }) {
  const t = useT();
  const lang = useLang();
  return (
    <>
      <div className="balance-card">
        <p className="balance-label">{t('account.wallet.balance')}</p>
        <p className="balance-value" data-testid="wallet-balance">
          {formatAmount(wallet.balance)}
        </p>
      </div>
      <Expiring
        items={wallet.expiringSoon.map((e) =>
          t('account.wallet.expiringItem', { amount: formatAmount(e.amount), date: formatDate(e.expiresAt, lang) }),
        )}
        none={t('account.wallet.noneExpiring')}
      />
    </>
  );
}

export function WalletHistory({ history }: { history: Wallet['history'] }) {
  const t = useT();
  // How a top-up was paid (現金, カード …); a method this screen does not know is left out rather than shown raw.
  const methodName = (m: string | null) =>
    m && isMessageKey(`wallet.method.${m}`) ? t(`wallet.method.${m}` as MessageKey) : null;
  const lang = useLang();
  return (
    <DataTable
      columns={[
        { key: 'at', header: t('history.date'), cell: (e) => formatDateTime(e.createdAt, lang) },
        {
          key: 'kind',
          header: t('history.kind'),
          cell: (e) =>
            [t(`wallet.kind.${e.kind}`), e.kind === 'top_up' ? methodName(e.method) : null, e.reason]
              .filter(Boolean)
              .join(' · '),
        },
        {
          key: 'amount',
          header: t('history.amount'),
          cell: (e) => <span className={e.amount < 0 ? 'minus' : 'plus'}>{formatAmount(e.amount)}</span>,
          align: 'end',
        },
      ]}
      rows={history}
      rowKey={(e) => e.id}
      empty={t('account.wallet.empty')}
    />
  );
}
