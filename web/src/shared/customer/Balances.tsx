/** Points and wallet balances, what lapses soon, and their ledgers: for the shopper and for HQ alike. */
import type { Loyalty, Wallet } from '../api/types';
import { formatAmount, formatDate, formatDateTime, formatPoints, formatSigned } from '../format';
import { isMessageKey, useLang, useT, type MessageKey } from '../i18n';
import { DataTable, TierBadge } from '../ui';

/** ポイント: balance, tier and what it takes to reach the next, points about to lapse, and the ledger. */
export function LoyaltyPanel({ loyalty }: { loyalty: Loyalty }) {
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
        <p className="muted small">
          {loyalty.nextTier
            ? t('account.points.nextTier', {
                amount: formatAmount(loyalty.nextTier.spendNeeded),
                tier: t(`tier.${loyalty.nextTier.tier}`),
              })
            : t('account.points.topTier')}
        </p>
      </div>
      <Expiring
        items={loyalty.expiringSoon.map((e) =>
          t('account.points.expiringItem', {
            points: formatPoints(e.points, lang),
            date: formatDate(e.expiresAt, lang),
          }),
        )}
        none={t('account.points.noneExpiring')}
      />
    </>
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
