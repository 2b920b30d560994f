import { useState } from 'react';
import { formatDateTime } from '../../shared/format';
import { useLang, useT, type Translate } from '../../shared/i18n';
import { Button, DataTable, ProblemBanner } from '../../shared/ui';
import { locationName, useLocations } from '../../shared/locations';
import type { Promotion } from '../../shared/api/types';
import { labelOr } from '../OrdersScreen';
import { promotionValue } from './kinds';
import { useEndPromotion } from './usePromotions';

/** The promotions list: kind and value, window, conditions, state; opens a promotion's coupons and ends one (after a confirm). */
export function PromotionTable({
  rows,
  empty,
  open,
  onOpen,
}: {
  rows: Promotion[];
  empty: string;
  open: string | null;
  onOpen: (id: string) => void;
}) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const [confirm, setConfirm] = useState<string | null>(null);
  const end = useEndPromotion(() => setConfirm(null));
  const nameOf = (id: string) => {
    const l = locations.data?.find((x) => x.id === id);
    return l ? locationName(l, lang) : id;
  };
  return (
    <>
      <ProblemBanner error={end.error} />
      <DataTable<Promotion>
        stacked
        columns={[
          { key: 'name', header: t('hq.promo.name'), cell: (p) => <strong>{p.name}</strong> },
          {
            key: 'kind',
            header: t('hq.promo.kind'),
            cell: (p) => (
              <>
                {promotionValue(p, t)}
                {p.target.type !== 'all' && <span className="muted small"> ({t('hq.promo.target.categories')})</span>}
              </>
            ),
          },
          {
            key: 'window',
            header: t('hq.promo.col.window'),
            cell: (p) =>
              p.startsAt || p.endsAt
                ? `${p.startsAt ? formatDateTime(p.startsAt, lang) : ''} 〜 ${p.endsAt ? formatDateTime(p.endsAt, lang) : ''}`
                : t('hq.promo.always'),
          },
          {
            key: 'conditions',
            header: t('hq.promo.col.conditions'),
            cell: (p) => conditionsOf(p, t, nameOf),
          },
          {
            key: 'active',
            header: t('hq.promo.col.active'),
            cell: (p) => (
              <span className={`status status-${p.active ? 'active' : 'ended'}`}>
                {p.active ? t('hq.promo.active') : t('hq.promo.ended')}
              </span>
            ),
          },
          {
            key: 'actions',
            header: '',
            align: 'end',
            cell: (p) => (
              <span className="row-actions">
                <Button
                  variant={open === p.id ? 'primary' : 'secondary'}
                  onClick={() => onOpen(p.id)}
                  aria-expanded={open === p.id}
                >
                  {t('hq.promo.coupons')}
                </Button>
                {p.active &&
                  (confirm === p.id ? (
                    <Button variant="danger" onClick={() => end.mutate(p.id)} busy={end.isPending}>
                      {t('hq.promo.confirmEnd')}
                    </Button>
                  ) : (
                    <Button variant="ghost" onClick={() => setConfirm(p.id)}>
                      {t('hq.promo.end')}
                    </Button>
                  ))}
              </span>
            ),
          },
        ]}
        rows={rows}
        rowKey={(p) => p.id}
        rowProps={(p) => ({ 'data-promotion': p.id, 'data-name': p.name })}
        empty={empty}
      />
    </>
  );
}

/** A promotion's conditions in one line ("店舗 · ゴールド · ¥3,000 以上"), or a dash when there are none. */
function conditionsOf(p: Promotion, t: Translate, storeName: (id: string) => string): string {
  return (
    [
      ...p.conditions.channels.map((c) => labelOr(t, `channel.${c}`, c)),
      ...p.conditions.locationIds.map(storeName),
      ...p.conditions.tiers.map((x) => labelOr(t, `tier.${x}`, x)),
      p.conditions.minSpend > 0
        ? t('hq.promo.minSpendShort', { n: p.conditions.minSpend.toLocaleString('ja-JP') })
        : null,
      p.conditions.firstPurchaseOnly ? t('hq.promo.firstPurchaseShort') : null,
      p.requiresCoupon ? t('hq.promo.couponOnly') : null,
    ]
      .filter(Boolean)
      .join(' · ') || '—'
  );
}
