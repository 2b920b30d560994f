import { useState, type FormEvent } from 'react';
import { useLang, useT } from '../../shared/i18n';
import { Button, ProblemBanner, SelectField, SuccessBanner, TextField, fieldError } from '../../shared/ui';
import { oneOf } from '../../shared/one-of';
import { ConditionFields } from './ConditionFields';
import { EMPTY_DRAFT, toBody, type SetDraft } from './draft';
import { KindFields } from './KindFields';
import { KINDS, TARGETS } from './kinds';
import { useCategories, useCreatePromotion } from './usePromotions';

/** The new-promotion form: name, kind and its numbers, what it applies to, and the conditions. */
export function PromotionForm() {
  const t = useT();
  const lang = useLang();
  const categories = useCategories();
  const [f, setF] = useState(EMPTY_DRAFT);
  const set: SetDraft = (k, v) => setF((x) => ({ ...x, [k]: v }));
  const create = useCreatePromotion(() => setF(EMPTY_DRAFT));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(toBody(f));
  };

  return (
    <section className="card">
      <h2>{t('hq.promotions.new')}</h2>
      <form className="hq-form" onSubmit={submit} aria-label={t('hq.promotions.new')}>
        <TextField
          label={t('hq.promo.name')}
          value={f.name}
          onChange={(e) => set('name', e.target.value)}
          required
          maxLength={100}
          error={fieldError(create.error, 'name')}
        />
        <SelectField
          label={t('hq.promo.kind')}
          value={f.kind}
          onChange={(e) => set('kind', oneOf(KINDS, e.target.value) ?? f.kind)}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`hq.promo.kind.${k}`)}
            </option>
          ))}
        </SelectField>
        <KindFields f={f} set={set} error={create.error} />
        <SelectField
          label={t('hq.promo.target')}
          value={f.target}
          onChange={(e) => set('target', oneOf(TARGETS, e.target.value) ?? f.target)}
        >
          <option value="all">{t('hq.promo.target.all')}</option>
          <option value="categories">{t('hq.promo.target.categories')}</option>
        </SelectField>
        {f.target === 'categories' && (
          <SelectField
            label={t('hq.promo.category')}
            value={f.categoryId}
            onChange={(e) => set('categoryId', e.target.value)}
            required
          >
            <option value="" />
            {(categories.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {lang === 'en' && c.nameEn ? c.nameEn : c.name}
              </option>
            ))}
          </SelectField>
        )}
        <ConditionFields f={f} set={set} error={create.error} />
        <div>
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t('hq.promo.create')}
          </Button>
        </div>
      </form>
      <ProblemBanner error={create.error} />
      {create.data && <SuccessBanner>{t('hq.promo.created', { name: create.data.name })}</SuccessBanner>}
    </section>
  );
}
