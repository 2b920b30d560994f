import { useEffect, useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Category } from '../shared/api/types';
import { useCategories } from '../shared/categories';
import { formatYen } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { useMyStore, useMyStoreId } from '../shared/my-store';
import { useLocations } from '../shared/locations';
import { nearParam, useShopperPosition } from '../shared/position';
import { Link, navigate, useLocationPath } from '../shared/router';
import { track } from '../shared/track';
import { ProblemBanner } from '../shared/ui';
import { MyStoreBar } from './MyStoreBar';
import { SearchBox } from './SearchBox';
import { ShopCard } from './ShopCard';
import { listingHref, PRICE_BANDS, priceRange, readListing, SORTS, type ListingState } from './listing-url';
import { Pages } from './Pages';

const PAGE = 24;

/** A category and its ancestors, top first (the breadcrumb). */
function chainOf(id: string, all: Category[]): Category[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const chain: Category[] = [];
  for (let c = byId.get(id); c && chain.length < 10; c = c.parentId ? byId.get(c.parentId) : undefined)
    chain.unshift(c);
  return chain;
}

/**
 * /shop — the listing: search, the category tree as navigation and filter, size, colour, price band,
 * 在庫あり at her store or near her, sort, pages. Every choice is in the URL.
 */
export function ListingScreen() {
  const t = useT();
  const lang = useLang();
  const { search } = useLocationPath();
  const s = readListing(search);
  const myStore = useMyStore();
  const myStoreId = useMyStoreId();
  const locations = useLocations();
  // 「この店舗の在庫を見る」 from a store page names its store (at=); otherwise マイストア.
  const storeId = (s.stock === 'store' && s.at) || myStoreId;
  const store =
    s.stock === 'store' && s.at ? (locations.data?.find((l) => l.id === s.at && l.kind === 'store') ?? null) : myStore;
  const { position } = useShopperPosition();
  const categories = useCategories();
  const go = (change: Partial<ListingState>) => navigate(listingHref({ ...s, page: 1, ...change }));

  const query = {
    q: s.q || undefined,
    category: s.category || undefined,
    collection: s.collection || undefined,
    size: s.sizes.join(',') || undefined,
    colour: s.colours.join(',') || undefined,
    ...priceRange(s.price),
    stock: s.stock === 'store' && !storeId ? undefined : s.stock || undefined,
    store: storeId ?? undefined,
    near: s.stock === 'near' ? nearParam(position) : undefined,
    sort: s.sort,
    page: s.page,
    limit: PAGE,
  };
  const results = useQuery({
    queryKey: ['shop-products', query],
    queryFn: () => call(api.GET('/api/shop/products', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const collections = useQuery({
    queryKey: ['collections'],
    queryFn: () => call(api.GET('/api/collections')),
    enabled: !!s.collection,
    staleTime: 5 * 60_000,
  });
  const data = results.data;

  // 検索: each term once its first page has come back, with how many it found.
  const tracked = useRef('');
  useEffect(() => {
    if (!s.q || !data || results.isPlaceholderData || tracked.current === s.q) return;
    tracked.current = s.q;
    track('searched', { q: s.q, resultCount: data.total });
  }, [s.q, data, results.isPlaceholderData]);

  const all = categories.data ?? [];
  const chain = s.category ? chainOf(s.category, all) : [];
  const current = chain[chain.length - 1];
  const children = all.filter((c) => c.parentId === (s.category || null));
  const collection = collections.data?.items.find((c) => c.id === s.collection);
  const title =
    collection?.name ?? current?.name ?? (s.q ? t('shop.search.resultsFor', { q: s.q }) : t('shop.search.title'));
  const filtered = s.sizes.length + s.colours.length > 0 || !!s.price || !!s.stock;
  // Open beside the list on a wide screen; on a phone folded under one line until she opens it.
  const [filtersOpen, setFiltersOpen] = useState(() => filtered || window.matchMedia('(min-width: 901px)').matches);
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const band = (b: string) => {
    const { priceMin, priceMax } = priceRange(b);
    return `${priceMin !== undefined ? formatYen(priceMin, lang) : ''}〜${priceMax !== undefined ? formatYen(priceMax, lang) : ''}`;
  };

  const filters = (
    <div className="filters">
      <fieldset className="filter-group">
        <legend>{t('browse.stock')}</legend>
        {(['', 'store', 'near'] as const).map((v) => (
          <label key={v || 'any'} className="choice">
            <input
              type="radio"
              name="stock"
              checked={s.stock === v}
              disabled={v === 'store' && !storeId}
              onChange={() => go({ stock: v })}
            />
            {v === ''
              ? t('browse.stock.any')
              : v === 'store'
                ? store
                  ? t('browse.stock.store', { store: store.name })
                  : t('browse.stock.myStore')
                : t('browse.stock.near')}
          </label>
        ))}
        {!store && <p className="muted small">{t('browse.stock.needStore')}</p>}
      </fieldset>
      {!!data?.facets.sizes.length && (
        <fieldset className="filter-group">
          <legend>{t('browse.size')}</legend>
          <div className="chips">
            {data.facets.sizes.map((f) => (
              <button
                key={f.value}
                type="button"
                className="chip"
                aria-pressed={s.sizes.includes(f.value)}
                onClick={() => go({ sizes: toggle(s.sizes, f.value) })}
              >
                {f.value}
              </button>
            ))}
          </div>
        </fieldset>
      )}
      {!!data?.facets.colours.length && (
        <fieldset className="filter-group">
          <legend>{t('browse.colour')}</legend>
          <div className="chips">
            {data.facets.colours.map((f) => (
              <button
                key={f.value}
                type="button"
                className="chip"
                aria-pressed={s.colours.includes(f.value)}
                onClick={() => go({ colours: toggle(s.colours, f.value) })}
              >
                {f.value}
              </button>
            ))}
          </div>
        </fieldset>
      )}
      <label className="field filter-group">
        <span className="field-label">{t('browse.price')}</span>
        <select value={s.price} onChange={(e) => go({ price: e.target.value })}>
          <option value="">{t('browse.price.any')}</option>
          {PRICE_BANDS.map((b) => (
            <option key={b} value={b}>
              {band(b)}
            </option>
          ))}
        </select>
      </label>
      {filtered && (
        <Link
          className="btn btn-ghost btn-md"
          href={listingHref({ q: s.q, category: s.category, collection: s.collection, sort: s.sort })}
        >
          {t('browse.clear')}
        </Link>
      )}
    </div>
  );

  return (
    <main className="page shop listing">
      <SearchBox initial={s.q} to={(q) => listingHref({ q, category: s.category })} />
      <nav className="breadcrumb" aria-label={t('browse.categories')}>
        <ol>
          <li>
            <Link href={listingHref({ q: s.q })} aria-current={!s.category && !s.collection ? 'page' : undefined}>
              {t('browse.all')}
            </Link>
          </li>
          {chain.map((c, i) => (
            <li key={c.id}>
              <Link
                href={listingHref({ q: s.q, category: c.id })}
                aria-current={i === chain.length - 1 ? 'page' : undefined}
              >
                {c.name}
              </Link>
            </li>
          ))}
        </ol>
      </nav>
      <h1>{title}</h1>
      {collection?.description && <p className="muted">{collection.description}</p>}
      {children.length > 0 && !s.collection && (
        <ul className="category-chips" aria-label={t('browse.categories')}>
          {children.map((c) => (
            <li key={c.id}>
              <Link className="chip" href={listingHref({ ...s, category: c.id, page: 1 })}>
                {c.name}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <MyStoreBar />

      <div className="listing-layout">
        <aside className="listing-side" aria-label={t('browse.filters')}>
          <details
            className="filters-disclosure"
            open={filtersOpen}
            onToggle={(e) => setFiltersOpen(e.currentTarget.open)}
          >
            <summary>{t('browse.showFilters')}</summary>
            {filters}
          </details>
        </aside>
        <section className="listing-main" aria-labelledby="listing-count">
          <div className="listing-bar">
            <p id="listing-count" className="result-note" aria-live="polite">
              {data
                ? t(data.totalCapped ? 'browse.countAtLeast' : 'browse.count', {
                    n: data.total.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US'),
                  })
                : ''}
            </p>
            <label className="sort">
              <span>{t('browse.sort')}</span>
              <select value={s.sort} onChange={(e) => go({ sort: e.target.value as ListingState['sort'] })}>
                {SORTS.map((v) => (
                  <option key={v} value={v}>
                    {t(`browse.sort.${v}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <ProblemBanner error={results.error} />
          {results.isPending && <p className="muted">{t('common.loading')}</p>}
          {data && data.total === 0 && (
            <div className="no-results">
              <p>{s.q ? t('shop.search.none', { q: s.q }) : t('browse.none')}</p>
              {data.didYouMean && (
                <p className="did-you-mean">
                  {t('browse.didYouMean')}{' '}
                  <Link href={listingHref({ ...s, q: data.didYouMean, page: 1 })}>{data.didYouMean}</Link>
                </p>
              )}
            </div>
          )}
          <ul className="tile-grid" aria-busy={results.isFetching}>
            {data?.items.map((p) => (
              <ShopCard key={p.id} p={p} />
            ))}
          </ul>
          {data && data.pageCount > 1 && (
            <Pages page={data.page} count={data.pageCount} href={(page) => listingHref({ ...s, page })} />
          )}
        </section>
      </div>
    </main>
  );
}
