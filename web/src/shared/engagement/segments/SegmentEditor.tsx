import { useState } from 'react';
import type { Segment, SegmentCondition, SegmentField, SegmentRules, Tier } from '../../api/types';
import { useT, type MessageKey } from '../../i18n';
import { useLocations } from '../../locations';
import { Button, fieldError, ProblemBanner, SelectField, SuccessBanner, TextField, TierBadge } from '../../ui';
import { ConditionRow } from './ConditionRow';
import { FIELDS, newCondition } from './fields';
import { useDeleteSegment, useExportSegment, useSaveSegment, useSegmentPreview } from './useSegments';
import type { EngagementScope } from '../scope';

/**
 * Edit one segment (or a new one): its name, its conditions, and how many members they hold right now. A
 * store manager's holds her store's members only and shows the count alone (no member list, no CSV).
 */
export function SegmentEditor({
  scope = 'hq',
  segment,
  draft,
  onSaved,
  onClose,
}: {
  scope?: EngagementScope;
  segment: Segment | null;
  /** A new segment's name and rules to start from (e.g. an RFM分析 cell's link). */
  draft?: { name: string; rules: SegmentRules } | undefined;
  onSaved: (saved: Segment) => void;
  onClose: () => void;
}) {
  const t = useT();
  const locations = useLocations();
  const [name, setName] = useState(segment?.name ?? draft?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [rules, setRules] = useState<SegmentRules>(segment?.rules ?? draft?.rules ?? { match: 'all', conditions: [] });
  const [adding, setAdding] = useState<SegmentField | ''>('');
  const [saved, setSaved] = useState(false);
  const preview = useSegmentPreview(rules);
  const save = useSaveSegment((s) => {
    setSaved(true);
    onSaved(s);
  });
  const remove = useDeleteSegment(onClose);
  const exportCsv = useExportSegment();
  const firstStore = locations.data?.find((l) => l.kind === 'store')?.id;

  const setCondition = (i: number, c: SegmentCondition | null) =>
    setRules((r) => ({
      ...r,
      conditions: c ? r.conditions.map((x, j) => (j === i ? c : x)) : r.conditions.filter((_, j) => j !== i),
    }));
  const conditionError = (i: number) => (field: string) =>
    fieldError(preview.error, `rules.conditions.${i}.${field}`) ??
    fieldError(save.error, `rules.conditions.${i}.${field}`);

  return (
    <section className="card segment-editor" aria-label={t('hq.segments.editor')}>
      <h2>{segment ? segment.name : t('hq.segments.new')}</h2>
      <div className="segment-editor-grid">
        <form
          className="segment-form"
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            save.mutate({ ...(segment ? { id: segment.id } : {}), name, description, rules });
          }}
        >
          <TextField
            label={t('hq.segments.name')}
            value={name}
            required
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            error={fieldError(save.error, 'name')}
          />
          <TextField
            label={t('hq.segments.description')}
            value={description}
            maxLength={1000}
            onChange={(e) => setDescription(e.target.value)}
          />
          <fieldset className="check-group">
            <legend>{t('hq.segments.match')}</legend>
            {(['all', 'any'] as const).map((m) => (
              <label key={m} className="check">
                <input
                  type="radio"
                  name="segment-match"
                  checked={(rules.match ?? 'all') === m}
                  onChange={() => setRules((r) => ({ ...r, match: m }))}
                />{' '}
                {t(`hq.segments.match.${m}` as MessageKey)}
              </label>
            ))}
          </fieldset>
          {rules.conditions.length === 0 && <p className="muted">{t('hq.segments.noConditions')}</p>}
          {rules.conditions.map((c, i) => (
            <ConditionRow
              key={i}
              c={c}
              onChange={(next) => setCondition(i, next)}
              onRemove={() => setCondition(i, null)}
              error={conditionError(i)}
            />
          ))}
          {rules.conditions.length < 20 && (
            <div className="segment-add">
              <SelectField
                label={t('hq.segments.addCondition')}
                value={adding}
                onChange={(e) => setAdding(e.target.value as SegmentField)}
              >
                <option value="">{t('hq.segments.pickField')}</option>
                {FIELDS.map((f) => (
                  <option key={f} value={f}>
                    {t(`hq.segments.field.${f}` as MessageKey)}
                  </option>
                ))}
              </SelectField>
              <Button
                disabled={!adding}
                onClick={() => {
                  if (!adding) return;
                  setRules((r) => ({ ...r, conditions: [...r.conditions, newCondition(adding, firstStore)] }));
                  setAdding('');
                }}
              >
                {t('hq.segments.add')}
              </Button>
            </div>
          )}
          <ProblemBanner error={save.error ?? remove.error ?? exportCsv.error} />
          {saved && <SuccessBanner>{t('hq.segments.saved')}</SuccessBanner>}
          <div className="actions">
            <Button type="submit" variant="primary" busy={save.isPending}>
              {t('hq.segments.save')}
            </Button>
            {segment && (
              <>
                {scope === 'hq' && (
                  <Button onClick={() => exportCsv.mutate(segment)} busy={exportCsv.isPending}>
                    {t('hq.segments.csv')}
                  </Button>
                )}
                <Button
                  variant="ghost"
                  onClick={() => window.confirm(t('hq.segments.confirmDelete')) && remove.mutate(segment.id)}
                  busy={remove.isPending}
                >
                  {t('hq.segments.delete')}
                </Button>
              </>
            )}
            <Button variant="ghost" onClick={onClose}>
              {t('hq.segments.close')}
            </Button>
          </div>
        </form>
        <aside className="segment-preview" aria-live="polite" aria-busy={preview.isFetching}>
          <h3>{t('hq.segments.preview')}</h3>
          <ProblemBanner error={preview.error} />
          {preview.data && (
            <>
              <p className={preview.isFetching ? 'segment-count stale' : 'segment-count'}>
                {t('hq.segments.count', { n: preview.data.count.toLocaleString('ja-JP') })}
              </p>
              {scope === 'store' ? (
                <p className="muted small">{t('store.segments.countOnly')}</p>
              ) : (
                <p className="muted small">{t('hq.segments.sample')}</p>
              )}
              {scope === 'store' ? null : preview.data.sample.length === 0 ? (
                <p className="muted">{t('hq.segments.nobody')}</p>
              ) : (
                <ul className="segment-sample" aria-label={t('hq.segments.sample')}>
                  {preview.data.sample.map((m) => (
                    <li key={m.id}>
                      <span className="name">{m.name ?? '—'}</span>
                      {m.nameKana && <span className="kana">{m.nameKana}</span>}
                      <TierBadge tier={m.tier as Tier} />
                      <span className="number" aria-label={t('hq.segments.memberNumber')}>
                        {m.memberNumber}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </aside>
      </div>
    </section>
  );
}
