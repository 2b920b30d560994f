import { useLang, useT } from '../../shared/i18n';
import { locationName, useLocations } from '../../shared/locations';
import { SelectField } from '../../shared/ui';
import { monthsBack, type CohortFilters } from './shared';

/** First-purchase months from–to and a store (every store the caller may see by default). */
export function CohortFilterBar({ f, onChange }: { f: CohortFilters; onChange: (f: CohortFilters) => void }) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  // A select of months rather than <input type="month">, whose text follows the browser's locale, not ours.
  const months = monthsBack(36);
  const option = (m: string) => (
    <option key={m} value={m}>
      {t('cohorts.monthLabel', { y: m.slice(0, 4), m: String(+m.slice(5, 7)) })}
    </option>
  );
  const set = (k: keyof CohortFilters) => (e: { target: { value: string } }) =>
    e.target.value || k === 'store' ? onChange({ ...f, [k]: e.target.value }) : undefined;
  return (
    <div className="hq-filters">
      <div className="hq-filter-row">
        <SelectField label={t('cohorts.fromMonth')} value={f.from} onChange={set('from')}>
          {months.filter((m) => m <= f.to).map(option)}
        </SelectField>
        <SelectField label={t('cohorts.toMonth')} value={f.to} onChange={set('to')}>
          {months.filter((m) => m >= f.from).map(option)}
        </SelectField>
        <SelectField label={t('analytics.store')} value={f.store} onChange={set('store')}>
          <option value="">{t('analytics.allStores')}</option>
          {(locations.data ?? [])
            .filter((l) => l.kind === 'store')
            .map((l) => (
              <option key={l.id} value={l.id}>
                {locationName(l, lang)}
              </option>
            ))}
        </SelectField>
      </div>
    </div>
  );
}
