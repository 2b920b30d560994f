import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { formatYen } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { ProblemBanner } from '../../shared/ui';

/** 予測LTV on the customer profile: her expected next 12 months under the model in use. */
export function CustomerValuePanel({ customerId }: { customerId: string }) {
  const t = useT();
  const lang = useLang();
  const value = useQuery({
    queryKey: ['customer-value', customerId],
    queryFn: () =>
      call(api.GET('/api/analytics/customer-value/customers/{id}', { params: { path: { id: customerId } } })),
  });
  const v = value.data?.value;
  return (
    <section className="card" aria-labelledby="value-title" data-testid="customer-value">
      <h2 id="value-title">{t('value.profile.title')}</h2>
      <ProblemBanner error={value.error} />
      {value.data && !v && <p className="muted">{t('value.profile.none')}</p>}
      {v && (
        <dl className="facts">
          {(
            [
              [t('value.profile.value12m'), <strong>{formatYen(v.value12m, lang)}</strong>],
              [t('value.profile.purchases12m'), t('value.days', { n: v.purchases12m.toFixed(1) })],
              [t('value.profile.alive'), `${Math.round(v.alive * 100)}%`],
              [t('value.profile.spendToDate'), formatYen(v.spendToDate, lang)],
              [t('value.profile.purchaseDays'), t('value.days', { n: v.purchaseDays })],
            ] as const
          ).map(([label, shown]) => (
            <div key={label} className="facts-row">
              <dt>{label}</dt>
              <dd>{shown}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
