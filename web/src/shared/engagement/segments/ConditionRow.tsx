import type { ReactNode } from 'react';
import type { SegmentCondition } from '../../api/types';
import { useLang, useT, type MessageKey } from '../../i18n';
import { locationName, useLocations } from '../../locations';
import { Button, SelectField, TextField } from '../../ui';
import { useCategories } from '../../categories';
import { CHANNEL_MIXES, CONSENT_CHANNELS, RFM_GROUPS, TIERS, WINDOWS } from './fields';

type Range = { min?: number; max?: number };

/** One condition of a segment: what it asks, with its values; `onChange` gets the whole new condition. */
export function ConditionRow({
  c,
  onChange,
  onRemove,
  error,
}: {
  c: SegmentCondition;
  onChange: (next: SegmentCondition) => void;
  onRemove: () => void;
  error: (field: string) => string | undefined;
}) {
  const t = useT();
  return (
    <fieldset className="segment-condition">
      <legend>{t(`hq.segments.field.${c.field}` as MessageKey)}</legend>
      <div className="segment-condition-body">
        <Values c={c} onChange={onChange} error={error} />
      </div>
      <Button variant="ghost" onClick={onRemove} aria-label={t('hq.segments.removeCondition')}>
        {t('hq.segments.remove')}
      </Button>
    </fieldset>
  );
}

function Values({
  c,
  onChange,
  error,
}: {
  c: SegmentCondition;
  onChange: (next: SegmentCondition) => void;
  error: (field: string) => string | undefined;
}): ReactNode {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const categories = useCategories();
  switch (c.field) {
    case 'near_store':
      return (
        <>
          <SelectField
            label={t('hq.segments.store')}
            value={c.locationId}
            onChange={(e) => onChange({ ...c, locationId: e.target.value })}
            error={error('locationId')}
          >
            {(locations.data ?? [])
              .filter((l) => l.kind === 'store')
              .map((l) => (
                <option key={l.id} value={l.id}>
                  {locationName(l, lang)}
                </option>
              ))}
          </SelectField>
          <TextField
            label={t('hq.segments.km')}
            type="number"
            min={0.1}
            max={100}
            step={0.1}
            value={c.km}
            onChange={(e) => onChange({ ...c, km: Number(e.target.value) })}
            error={error('km')}
          />
        </>
      );
    case 'rfm_group':
      return (
        <Checks
          legend={t('hq.segments.groups')}
          options={RFM_GROUPS.map((g) => [g, t(`hq.segments.rfm.${g}` as MessageKey)])}
          chosen={c.in}
          onChange={(v) => onChange({ ...c, in: v as typeof c.in })}
        />
      );
    case 'channel_mix':
      return (
        <Checks
          legend={t('hq.segments.mixes')}
          options={CHANNEL_MIXES.map((m) => [m, t(`hq.segments.mix.${m}` as MessageKey)])}
          chosen={c.in}
          onChange={(v) => onChange({ ...c, in: v as typeof c.in })}
        />
      );
    case 'tier':
      return (
        <Checks
          legend={t('hq.segments.tiers')}
          options={TIERS.map((x) => [x, t(`tier.${x}` as MessageKey)])}
          chosen={c.in}
          onChange={(v) => onChange({ ...c, in: v as typeof c.in })}
        />
      );
    case 'days_since_purchase':
    case 'days_since_visit':
      return <RangeFields unit={t('hq.segments.days')} r={c.range} onChange={(range) => onChange({ ...c, range })} />;
    case 'points':
      return <RangeFields unit={t('hq.segments.pt')} r={c.range} onChange={(range) => onChange({ ...c, range })} />;
    case 'spend':
      return (
        <>
          <Window days={c.days} onChange={(days) => onChange({ ...c, days })} />
          <RangeFields unit={t('hq.segments.yen')} r={c.range} onChange={(range) => onChange({ ...c, range })} />
        </>
      );
    case 'bought':
    case 'viewed':
    case 'viewed_not_bought':
      return (
        <>
          <SelectField
            label={t('hq.segments.category')}
            value={c.products.categoryIds?.[0] ?? ''}
            onChange={(e) =>
              onChange({ ...c, products: { ...c.products, categoryIds: e.target.value ? [e.target.value] : [] } })
            }
            error={error('products')}
          >
            <option value="">{t('hq.segments.pickCategory')}</option>
            {(categories.data ?? []).map((cat) => (
              <option key={cat.id} value={cat.id}>
                {lang === 'en' && cat.nameEn ? cat.nameEn : cat.name}
              </option>
            ))}
          </SelectField>
          <Window days={c.products.days} onChange={(days) => onChange({ ...c, products: { ...c.products, days } })} />
        </>
      );
    case 'consent':
      return (
        <SelectField
          label={t('hq.segments.channel')}
          value={c.channel}
          onChange={(e) => onChange({ ...c, channel: e.target.value as typeof c.channel })}
        >
          {CONSENT_CHANNELS.map((ch) => (
            <option key={ch} value={ch}>
              {t(`hq.segments.consent.${ch}` as MessageKey)}
            </option>
          ))}
        </SelectField>
      );
    case 'birthday_month':
      return (
        <Checks
          legend={t('hq.segments.months')}
          options={Array.from({ length: 12 }, (_, i) => [String(i + 1), t('hq.segments.month', { n: i + 1 })])}
          chosen={c.months.map(String)}
          onChange={(v) => onChange({ ...c, months: v.map(Number) })}
        />
      );
    case 'rfm_score':
      return (
        <>
          {(['recency', 'frequency', 'monetary'] as const).map((axis) => (
            <SelectField
              key={axis}
              label={t(`hq.segments.score.${axis}` as MessageKey)}
              value={String(c[axis]?.[0] ?? '')}
              onChange={(e) => {
                const from = Number(e.target.value);
                const { [axis]: _drop, ...rest } = c;
                onChange(from ? { ...rest, [axis]: [1, 2, 3, 4, 5].filter((s) => s >= from) } : rest);
              }}
            >
              <option value="">{t('hq.segments.anyScore')}</option>
              {[5, 4, 3, 2, 1].map((s) => (
                <option key={s} value={s}>
                  {t('hq.segments.scoreAtLeast', { n: s })}
                </option>
              ))}
            </SelectField>
          ))}
        </>
      );
  }
}

function Checks({
  legend,
  options,
  chosen,
  onChange,
}: {
  legend: string;
  options: Array<[string, string]>;
  chosen: readonly string[];
  onChange: (next: string[]) => void;
}) {
  return (
    <fieldset className="check-group">
      <legend className="visually-hidden">{legend}</legend>
      {options.map(([value, label]) => (
        <label key={value} className="check">
          <input
            type="checkbox"
            checked={chosen.includes(value)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, value] : chosen.filter((x) => x !== value))}
          />{' '}
          {label}
        </label>
      ))}
    </fieldset>
  );
}

/** 「以上」「以下」: an empty box is no bound. */
function RangeFields({ unit, r, onChange }: { unit: string; r: Range; onChange: (next: Range) => void }) {
  const t = useT();
  const bound = (key: 'min' | 'max', text: string): Range => {
    const { [key]: _drop, ...rest } = r;
    return text === '' ? rest : { ...rest, [key]: Math.max(0, Math.round(Number(text))) };
  };
  return (
    <>
      <TextField
        label={t('hq.segments.atLeast', { unit })}
        type="number"
        min={0}
        inputMode="numeric"
        value={r.min ?? ''}
        onChange={(e) => onChange(bound('min', e.target.value))}
      />
      <TextField
        label={t('hq.segments.atMost', { unit })}
        type="number"
        min={0}
        inputMode="numeric"
        value={r.max ?? ''}
        onChange={(e) => onChange(bound('max', e.target.value))}
      />
    </>
  );
}

function Window({ days, onChange }: { days: number; onChange: (days: number) => void }) {
  const t = useT();
  return (
    <SelectField label={t('hq.segments.window')} value={days} onChange={(e) => onChange(Number(e.target.value))}>
      {WINDOWS.map((d) => (
        <option key={d} value={d}>
          {t('hq.segments.lastDays', { n: d })}
        </option>
      ))}
    </SelectField>
  );
}
