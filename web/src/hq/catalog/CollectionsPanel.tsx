import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import type { Collection } from '../../shared/api/types';
import { useCategories } from '../../shared/categories';
import { useT } from '../../shared/i18n';
import { Link } from '../../shared/router';
import { Button, ProblemBanner, SelectField, TextAreaField, TextField } from '../../shared/ui';
import { flatTree } from './CategoryTree';

type Draft = {
  name: string;
  description: string;
  kind: 'manual' | 'rule';
  categoryId: string;
  newWithinDays: string;
  featured: boolean;
  sort: string;
  products: Array<{ id: string; name: string }>;
};

/** Products by id with their names (a collection stores ids only). */
function useProductNames(ids: string[]) {
  return useQuery({
    queryKey: ['product-names', ids],
    queryFn: async () =>
      Promise.all(ids.map((id) => call(api.GET('/api/products/{id}', { params: { path: { id } } })))),
    enabled: ids.length > 0,
    staleTime: 5 * 60_000,
  });
}

function CollectionForm({ collection, onDone }: { collection?: Collection; onDone: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const categories = useCategories().data ?? [];
  const names = useProductNames(collection?.productIds ?? []);
  const [d, setD] = useState<Draft>(() => ({
    name: collection?.name ?? '',
    description: collection?.description ?? '',
    kind: collection?.kind ?? 'manual',
    categoryId: collection?.categoryId ?? '',
    newWithinDays: collection?.newWithinDays ? String(collection.newWithinDays) : '',
    featured: collection?.featured ?? true,
    sort: String(collection?.sort ?? 0),
    products: [],
  }));
  // The picked products' names arrive after the form opens: fill them in once.
  const [filled, setFilled] = useState(!collection?.productIds.length);
  if (!filled && names.data) {
    setFilled(true);
    setD({ ...d, products: names.data.map((p) => ({ id: p.id, name: p.name })) });
  }
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['products', 'pick', q],
    queryFn: () => call(api.GET('/api/products', { params: { query: { q, limit: 8 } } })),
    enabled: q.trim().length > 0,
  });
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: d.name,
        description: d.description,
        kind: d.kind,
        categoryId: d.kind === 'rule' ? d.categoryId || null : null,
        newWithinDays: d.kind === 'rule' && d.newWithinDays ? Number(d.newWithinDays) : null,
        featured: d.featured,
        sort: Number(d.sort) || 0,
        ...(d.kind === 'manual' ? { productIds: d.products.map((p) => p.id) } : {}),
      };
      return collection
        ? call(api.PATCH('/api/collections/{id}', { params: { path: { id: collection.id } }, body }))
        : call(api.POST('/api/collections', { body }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['collections'] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const move = (i: number) => {
    const next = [...d.products];
    [next[i - 1], next[i]] = [next[i]!, next[i - 1]!];
    setD({ ...d, products: next });
  };

  return (
    <form className="collection-form stack" onSubmit={submit}>
      <ProblemBanner error={save.error} />
      <TextField
        label={t('hq.catalog.name')}
        value={d.name}
        required
        maxLength={100}
        onChange={(e) => setD({ ...d, name: e.target.value })}
      />
      <TextAreaField
        label={t('hq.catalog.description')}
        value={d.description}
        maxLength={500}
        rows={2}
        onChange={(e) => setD({ ...d, description: e.target.value })}
      />
      <fieldset className="filter-group">
        <legend>{t('hq.catalog.kind')}</legend>
        {(['manual', 'rule'] as const).map((k) => (
          <label key={k} className="choice">
            <input type="radio" name="kind" checked={d.kind === k} onChange={() => setD({ ...d, kind: k })} />
            {t(`hq.catalog.kind.${k}`)}
          </label>
        ))}
      </fieldset>
      {d.kind === 'rule' ? (
        <div className="form-row">
          <SelectField
            label={t('hq.catalog.category')}
            value={d.categoryId}
            required
            onChange={(e) => setD({ ...d, categoryId: e.target.value })}
          >
            <option value="" />
            {flatTree(categories).map(({ c, depth }) => (
              <option key={c.id} value={c.id}>
                {'　'.repeat(depth)}
                {c.name}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t('hq.catalog.newWithinDays')}
            type="number"
            min={1}
            max={365}
            value={d.newWithinDays}
            onChange={(e) => setD({ ...d, newWithinDays: e.target.value })}
          />
        </div>
      ) : (
        <div className="stack">
          <h3>{t('hq.catalog.products', { n: d.products.length })}</h3>
          <ol className="picked-products">
            {d.products.map((p, i) => (
              <li key={p.id}>
                <span>{p.name}</span>
                <span className="actions">
                  {i > 0 && (
                    <Button
                      variant="ghost"
                      aria-label={t('hq.catalog.upNamed', { name: p.name })}
                      onClick={() => move(i)}
                    >
                      {t('hq.catalog.up')}
                    </Button>
                  )}
                  <Button
                    variant="ghost"
                    aria-label={t('hq.catalog.removeNamed', { name: p.name })}
                    onClick={() => setD({ ...d, products: d.products.filter((x) => x.id !== p.id) })}
                  >
                    {t('hq.catalog.remove')}
                  </Button>
                </span>
              </li>
            ))}
          </ol>
          <TextField label={t('hq.catalog.search')} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          <ul className="picked-products">
            {found.data?.items
              .filter((p) => !d.products.some((x) => x.id === p.id))
              .map((p) => (
                <li key={p.id}>
                  <span>{p.name}</span>
                  <Button
                    aria-label={t('hq.catalog.addNamed', { name: p.name })}
                    onClick={() => setD({ ...d, products: [...d.products, { id: p.id, name: p.name }] })}
                  >
                    {t('hq.catalog.add')}
                  </Button>
                </li>
              ))}
          </ul>
        </div>
      )}
      <div className="form-row">
        <label className="check">
          <input type="checkbox" checked={d.featured} onChange={(e) => setD({ ...d, featured: e.target.checked })} />{' '}
          {t('hq.catalog.featured')}
        </label>
        <TextField
          label={t('hq.catalog.sort')}
          type="number"
          value={d.sort}
          onChange={(e) => setD({ ...d, sort: e.target.value })}
        />
      </div>
      <div className="actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {collection ? t('hq.catalog.save') : t('hq.catalog.addCollection')}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          {t('hq.catalog.cancel')}
        </Button>
      </div>
    </form>
  );
}

/** 特集: the collections in the home's order, each editable, removable, and viewable in the shop. */
export function CollectionsPanel() {
  const t = useT();
  const queryClient = useQueryClient();
  const categories = useCategories().data ?? [];
  const collections = useQuery({ queryKey: ['collections'], queryFn: () => call(api.GET('/api/collections')) });
  const [editing, setEditing] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/collections/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['collections'] }),
  });
  const summary = (c: Collection) =>
    c.kind === 'rule'
      ? t('hq.catalog.ruleSummary', {
          category: categories.find((k) => k.id === c.categoryId)?.name ?? '',
          days: c.newWithinDays ? t('hq.catalog.ruleDays', { n: c.newWithinDays }) : '',
        })
      : t('hq.catalog.manualSummary', { n: c.productIds.length });

  return (
    <section className="card" aria-labelledby="hq-collections">
      <h2 id="hq-collections">{t('hq.catalog.collections')}</h2>
      <p className="muted small">{t('hq.catalog.collectionsHint')}</p>
      <ProblemBanner error={collections.error ?? remove.error} />
      <ul className="collection-list">
        {collections.data?.items.map((c) => (
          <li key={c.id} data-collection={c.id}>
            {editing === c.id ? (
              <CollectionForm collection={c} onDone={() => setEditing(null)} />
            ) : (
              <div className="category-row">
                <span className="stack-tight">
                  <strong>{c.name}</strong>
                  <span className="muted small">
                    {summary(c)} ・ {c.featured ? t('hq.catalog.onHome') : t('hq.catalog.hidden')}
                  </span>
                </span>
                <span className="actions">
                  <Link href={`/shop?collection=${encodeURIComponent(c.id)}`}>{t('hq.catalog.preview')}</Link>
                  <Button
                    variant="ghost"
                    aria-label={t('hq.catalog.editNamed', { name: c.name })}
                    onClick={() => setEditing(c.id)}
                  >
                    {t('hq.catalog.edit')}
                  </Button>
                  <Button
                    variant="ghost"
                    aria-label={t('hq.catalog.deleteNamed', { name: c.name })}
                    busy={remove.isPending && remove.variables === c.id}
                    onClick={() => remove.mutate(c.id)}
                  >
                    {t('hq.catalog.delete')}
                  </Button>
                </span>
              </div>
            )}
          </li>
        ))}
      </ul>
      {editing === 'new' ? (
        <CollectionForm onDone={() => setEditing(null)} />
      ) : (
        <Button variant="primary" onClick={() => setEditing('new')}>
          {t('hq.catalog.addCollection')}
        </Button>
      )}
    </section>
  );
}
