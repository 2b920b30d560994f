import { useLang, useT } from '../../shared/i18n';
import { ProblemBanner } from '../../shared/ui';
import { plainYen } from '../../shared/ui/Totals';
import { locationName, useLocations } from '../../shared/locations';
import { labelOr } from '../OrdersScreen';
import { useRedemptions } from './useCoupons';

/** Issued vs used: how often, for how much, and on which channel and at which store it was used. */
export function Redemptions({ couponId }: { couponId: string }) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const r = useRedemptions(couponId);
  if (r.error) return <ProblemBanner error={r.error} />;
  if (!r.data) return <span className="muted">{t('common.loading')}</span>;
  const d = r.data;
  const nameOf = (id: string | null) => {
    if (!id) return t('hq.coupons.online');
    const l = locations.data?.find((x) => x.id === id);
    return l ? locationName(l, lang) : id;
  };
  return (
    <div className="attribution" data-redemptions={d.redemptions}>
      <dl className="facts">
        {d.codesIssued !== null && (
          <>
            <dt>{t('hq.coupons.col.issued')}</dt>
            <dd>{d.codesIssued.toLocaleString('ja-JP')}</dd>
          </>
        )}
        <dt>{t('hq.coupons.col.redemptions')}</dt>
        <dd data-testid="redemption-count">{d.redemptions}</dd>
        {d.released > 0 && (
          <>
            <dt>{t('hq.coupons.col.released')}</dt>
            <dd data-testid="released-count">{d.released}</dd>
          </>
        )}
        <dt>{t('hq.coupons.col.discount')}</dt>
        <dd>{plainYen(d.discountTotal)}</dd>
      </dl>
      {d.usedAt.length > 0 && (
        <ul className="plain-list small" aria-label={t('hq.coupons.col.usedAt')}>
          {d.usedAt.map((u) => (
            <li key={`${u.channel}|${u.locationId ?? ''}`} data-channel={u.channel} data-location={u.locationId ?? ''}>
              {d.issuedChannel ? `${labelOr(t, `channel.${d.issuedChannel}`, d.issuedChannel)} → ` : ''}
              {t('hq.coupons.used', {
                channel: labelOr(t, `channel.${u.channel}`, u.channel),
                where: nameOf(u.locationId),
                n: u.count,
              })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
