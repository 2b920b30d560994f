import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { formatYenRange } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Link, navigate, useLocationPath } from '../shared/router';
import { track } from '../shared/track';
import { Button, ProblemBanner, ProductTile } from '../shared/ui';
import { ForYou } from './Recommendations';
import { FavouriteHeart } from './FavouriteHeart';

const PAGE = 20;

/** / and /shop: search the catalogue (kanji, kana, half-width, partial) and page with もっと見る. */
export function SearchScreen() {
  const t = useT();
  const lang = useLang();
  const { search } = useLocationPath();
  const q = search.get('q')?.trim() ?? '';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const results = useInfiniteQuery({
    queryKey: ['products', q],
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/products', { params: { query: { q: q || undefined, cursor: pageParam, limit: PAGE } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = results.data?.pages.flatMap((p) => p.items) ?? [];

  // 検索: each term once its first page has come back, with how many it found on that page.
  const firstPage = results.data?.pages[0];
  const tracked = useRef('');
  useEffect(() => {
    if (!q || !firstPage || tracked.current === q) return;
    tracked.current = q;
    track('searched', { q, resultCount: firstPage.items.length });
  }, [q, firstPage]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const term = text.trim();
    navigate(term ? `/shop?q=${encodeURIComponent(term)}` : '/shop');
  };

  return (
    <main className="page shop">
      <h1>{t('shop.search.title')}</h1>
      <form className="search-box" role="search" onSubmit={submit}>
        <input
          type="search"
          name="q"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('shop.search.placeholder')}
          aria-label={t('shop.search.label')}
          enterKeyHint="search"
          autoComplete="off"
        />
        <Button type="submit" variant="primary">
          {t('shop.search.submit')}
        </Button>
      </form>

      {!q && <ForYou />}

      <ProblemBanner error={results.error} />
      {q && results.isSuccess && (
        <p className="result-note" aria-live="polite">
          {items.length ? t('shop.search.resultsFor', { q }) : t('shop.search.none', { q })}
        </p>
      )}
      {results.isPending && <p className="muted">{t('common.loading')}</p>}

      <ul className="product-list">
        {items.map((p) => (
          <li key={p.id} className="product-item">
            <Link href={`/shop/products/${encodeURIComponent(p.id)}`} className="product-card">
              <ProductTile id={p.id} name={p.name} image={p.image} />
              <span className="product-card-body">
                <span className="product-name">{p.name}</span>
                <span className="product-price">{formatYenRange(p.priceMin, p.priceMax, lang)}</span>
                {p.variantCount > 1 && (
                  <span className="muted">{t('shop.search.variants', { n: p.variantCount })}</span>
                )}
              </span>
            </Link>
            <FavouriteHeart productId={p.id} name={p.name} />
          </li>
        ))}
      </ul>

      {results.hasNextPage && (
        <div className="more">
          <Button onClick={() => void results.fetchNextPage()} busy={results.isFetchingNextPage}>
            {t('shop.search.more')}
          </Button>
        </div>
      )}
    </main>
  );
}
