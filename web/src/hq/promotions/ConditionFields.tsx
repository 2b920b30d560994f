import { useLang, useT } from '../../shared/i18n';
import { SelectField, TextField, fieldError } from '../../shared/ui';
import { locationName, useLocations } from '../../shared/locations';
import { oneOf } from '../../shared/one-of';
import type { Draft, SetDraft } from './draft';
import { CHANNELS, TIERS } from './kinds';

/** When and for whom a promotion applies: channel, store, window, member tiers, minimum spend, priority and flags. */
export function ConditionFields({ f, set, error }: { f: Draft; set: SetDraft; error: unknown }) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  return (
    <>
      <SelectField
        label={t('hq.promo.channel')}
        value={f.channel}
        onChange={(e) => set('channel', oneOf(CHANNELS, e.target.value) ?? '')}
      >
        <option value="">{t('hq.promo.anyChannel')}</option>
        {CHANNELS.map((c) => (
          <option key={c} value={c}>
            {t(`channel.${c}`)}
          </option>
        ))}
      </SelectField>
      <SelectField label={t('hq.promo.store')} value={f.locationId} onChange={(e) => set('locationId', e.target.value)}>
        <option value="">{t('hq.promo.anyStore')}</option>
        {(locations.data ?? []).map((l) => (
          <option key={l.id} value={l.id}>
            {locationName(l, lang)}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t('hq.promo.startsAt')}
        type="datetime-local"
        value={f.startsAt}
        onChange={(e) => set('startsAt', e.target.value)}
      />
      <TextField
        label={t('hq.promo.endsAt')}
        type="datetime-local"
        value={f.endsAt}
        onChange={(e) => set('endsAt', e.target.value)}
      />
      <fieldset className="check-group">
        <legend>{t('hq.promo.tiers')}</legend>
        {TIERS.map((tier) => (
          <label key={tier} className="check">
            <input
              type="checkbox"
              checked={f.tiers.includes(tier)}
              onChange={(e) => set('tiers', e.target.checked ? [...f.tiers, tier] : f.tiers.filter((x) => x !== tier))}
            />{' '}
            {t(`tier.${tier}`)}
          </label>
        ))}
      </fieldset>
      <TextField
        label={t('hq.promo.minSpend')}
        type="number"
        inputMode="numeric"
        min={0}
        value={f.minSpend}
        onChange={(e) => set('minSpend', e.target.value)}
        error={fieldError(error, 'conditions.minSpend')}
      />
      <TextField
        label={t('hq.promo.priority')}
        type="number"
        inputMode="numeric"
        min={-1000}
        max={1000}
        value={f.priority}
        onChange={(e) => set('priority', e.target.value)}
        hint={t('hq.promo.priorityHint')}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={f.firstPurchaseOnly}
          onChange={(e) => set('firstPurchaseOnly', e.target.checked)}
        />{' '}
        {t('hq.promo.firstPurchaseOnly')}
      </label>
      <label className="check">
        <input type="checkbox" checked={f.stackable} onChange={(e) => set('stackable', e.target.checked)} />{' '}
        {t('hq.promo.stackable')}
      </label>
      <label className="check">
        <input type="checkbox" checked={f.requiresCoupon} onChange={(e) => set('requiresCoupon', e.target.checked)} />{' '}
        {t('hq.promo.requiresCoupon')}
      </label>
    </>
  );
}
