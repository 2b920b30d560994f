import { useLang, useT } from '../../shared/i18n';
import { locationName, useLocations } from '../../shared/locations';
import { SelectField, TextField } from '../../shared/ui';
import type { CohortFilters } from './shared';

/** First-purchase months from–to and a store (every store the caller may see by default). */
export function CohortFilterBar({ f, onChange }: { f: CohortFilters; onChange: (f: CohortFilters) => void }) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const set = (k: keyof CohortFilters) => (e: { target: { value: string } }) =>
    e.target.value || k === 'store' ? onChange({ ...f, [k]: e.target.value }) : undefined;
  return (
    <div className="hq-filters">
      <div className="hq-filter-row">
        <TextField type="month" label={t('cohorts.fromMonth')} value={f.from} max={f.to} onChange={set('from')} />
        <TextField type="month" label={t('cohorts.toMonth')} value={f.to} min={f.from} onChange={set('to')} />
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
