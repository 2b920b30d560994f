import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import type { Category } from '../../shared/api/types';
import { useCategories } from '../../shared/categories';
import { useT } from '../../shared/i18n';
import { Button, ProblemBanner, SelectField, SuccessBanner, TextField } from '../../shared/ui';

/** The tree flattened in display order, each with its depth. */
export function flatTree(all: Category[]): Array<{ c: Category; depth: number }> {
  const out: Array<{ c: Category; depth: number }> = [];
  const walk = (parent: string | null, depth: number) => {
    for (const c of all.filter((x) => x.parentId === parent)) {
      out.push({ c, depth });
      if (depth < 10) walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

type Draft = { name: string; nameKana: string; nameEn: string; parentId: string; sort: string; notScanAndGo: boolean };
const draftOf = (c?: Category): Draft => ({
  name: c?.name ?? '',
  nameKana: c?.nameKana ?? '',
  nameEn: c?.nameEn ?? '',
  parentId: c?.parentId ?? '',
  sort: String(c?.sort ?? 0),
  notScanAndGo: c?.notScanAndGo ?? false,
});

/** A category's fields: a new one (no `category`) or an existing one. */
function CategoryForm({ category, onDone }: { category?: Category; onDone: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const all = useCategories().data ?? [];
  const [d, setD] = useState<Draft>(draftOf(category));
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: d.name,
        nameKana: d.nameKana,
        nameEn: d.nameEn,
        parentId: d.parentId || null,
        sort: Number(d.sort) || 0,
        notScanAndGo: d.notScanAndGo,
      };
      return category
        ? call(api.PATCH('/api/categories/{id}', { params: { path: { id: category.id } }, body }))
        : call(api.POST('/api/categories', { body }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['categories'] });
      if (!category) setD(draftOf());
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="category-form" onSubmit={submit}>
      <ProblemBanner error={save.error} />
      <div className="form-row">
        <TextField
          label={t('hq.catalog.name')}
          value={d.name}
          required
          maxLength={100}
          onChange={(e) => setD({ ...d, name: e.target.value })}
        />
        <TextField
          label={t('hq.catalog.nameKana')}
          value={d.nameKana}
          maxLength={100}
          onChange={(e) => setD({ ...d, nameKana: e.target.value })}
        />
        <TextField
          label={t('hq.catalog.nameEn')}
          value={d.nameEn}
          maxLength={100}
          onChange={(e) => setD({ ...d, nameEn: e.target.value })}
        />
        <SelectField
          label={t('hq.catalog.parent')}
          value={d.parentId}
          onChange={(e) => setD({ ...d, parentId: e.target.value })}
        >
          <option value="">{t('hq.catalog.topLevel')}</option>
          {flatTree(all)
            .filter(({ c }) => c.id !== category?.id)
            .map(({ c, depth }) => (
              <option key={c.id} value={c.id}>
                {'　'.repeat(depth)}
                {c.name}
              </option>
            ))}
        </SelectField>
        <TextField
          label={t('hq.catalog.sort')}
          type="number"
          inputMode="numeric"
          value={d.sort}
          onChange={(e) => setD({ ...d, sort: e.target.value })}
        />
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={d.notScanAndGo}
          onChange={(e) => setD({ ...d, notScanAndGo: e.target.checked })}
        />{' '}
        {t('hq.catalog.notScanAndGo')}
      </label>
      <div className="actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {category ? t('hq.catalog.save') : t('hq.catalog.addCategory')}
        </Button>
        {category && (
          <Button variant="ghost" onClick={onDone}>
            {t('hq.catalog.cancel')}
          </Button>
        )}
      </div>
    </form>
  );
}

/** カテゴリ: the tree, each editable in place, and a form to add one. */
export function CategoryTree() {
  const t = useT();
  const categories = useCategories();
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  return (
    <section className="card" aria-labelledby="hq-categories">
      <h2 id="hq-categories">{t('hq.catalog.categories')}</h2>
      <p className="muted small">{t('hq.catalog.categoriesHint')}</p>
      <ProblemBanner error={categories.error} />
      {saved && <SuccessBanner>{t('hq.catalog.saved')}</SuccessBanner>}
      <ul className="category-tree">
        {flatTree(categories.data ?? []).map(({ c, depth }) => (
          <li key={c.id} style={{ paddingInlineStart: `${depth * 1.5}rem` }} data-category={c.id}>
            {editing === c.id ? (
              <CategoryForm
                category={c}
                onDone={() => {
                  setEditing(null);
                  setSaved(true);
                }}
              />
            ) : (
              <div className="category-row">
                <span>
                  <strong>{c.name}</strong>
                  {c.nameEn && <span className="muted small"> {c.nameEn}</span>}
                  {c.notScanAndGo && (
                    <span className="badge badge-warn" data-testid="not-scan-and-go">
                      {t('hq.catalog.notScanAndGoTag')}
                    </span>
                  )}
                </span>
                <Button
                  variant="ghost"
                  aria-label={t('hq.catalog.editNamed', { name: c.name })}
                  onClick={() => setEditing(c.id)}
                >
                  {t('hq.catalog.edit')}
                </Button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <h3>{t('hq.catalog.addCategory')}</h3>
      <CategoryForm onDone={() => setSaved(true)} />
    </section>
  );
}
