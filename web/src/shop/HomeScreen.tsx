import { useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { ShopTile } from '../shared/api/types';
import { useCategories } from '../shared/categories';
import { useT } from '../shared/i18n';
import { useMyStore, useMyStoreId } from '../shared/my-store';
import { Link } from '../shared/router';
import { ProblemBanner } from '../shared/ui';
import { listingHref } from './listing-url';
import { MyStoreBar } from './MyStoreBar';
import { ForYou } from './Recommendations';
import { SearchBox } from './SearchBox';
import { ShopCard } from './ShopCard';

/** One row of the home: a heading, a line about it, its cards, and a link to the whole list. */
function Row({
  id,
  title,
  lead,
  items,
  more,
}: {
  id: string;
  title: string;
  lead?: string | undefined;
  items: ShopTile[];
  more: string;
}) {
  const t = useT();
  return (
    <section className="home-row" aria-labelledby={id}>
      <div className="home-row-head">
        <h2 id={id}>{title}</h2>
        <Link href={more} aria-label={t('browse.home.seeAllOf', { name: title })}>
          {t('browse.home.seeAll')}
        </Link>
      </div>
      {lead && <p className="muted small">{lead}</p>}
      <ul className="recs-row">
        {items.map((p) => (
          <ShopCard key={p.id} p={p} />
        ))}
      </ul>
    </section>
  );
}

/**
 * / — the shop's home: search, マイストア, categories, her recommendations (signed in), the featured
 * collections, new arrivals, and what her store has in stock.
 */
export function HomeScreen() {
  const t = useT();
  const storeId = useMyStoreId();
  const store = useMyStore();
  const categories = useCategories();
  const home = useQuery({
    queryKey: ['shop-home', storeId],
    queryFn: () => call(api.GET('/api/shop/home', { params: { query: { store: storeId ?? undefined } } })),
    staleTime: 60_000,
  });
  const top = (categories.data ?? []).filter((c) => !c.parentId);

  return (
    <main className="page shop home">
      <h1>{t('browse.home.title')}</h1>
      <SearchBox to={(q) => listingHref({ q })} />
      <nav aria-labelledby="home-categories">
        <h2 id="home-categories" className="visually-hidden">
          {t('browse.home.categories')}
        </h2>
        <ul className="category-chips">
          {top.map((c) => (
            <li key={c.id}>
              <Link className="chip" href={listingHref({ category: c.id })}>
                {c.name}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <MyStoreBar />
      <p className="home-scan-go">
        <Link className="btn btn-secondary" href="/shop/scan">
          {t('scanGo.homeLink')}
        </Link>
      </p>
      <ForYou />
      <ProblemBanner error={home.error} />
      {home.isPending && <p className="muted">{t('common.loading')}</p>}
      {home.data?.collections.map((c) => (
        <Row
          key={c.id}
          id={`collection-${c.id}`}
          title={c.name}
          lead={c.description || undefined}
          items={c.items}
          more={listingHref({ collection: c.id })}
        />
      ))}
      {home.data && (
        <Row
          id="new-arrivals"
          title={t('browse.home.new')}
          items={home.data.newArrivals}
          more={listingHref({ sort: 'new' })}
        />
      )}
      {home.data?.inStockAtStore && store ? (
        <Row
          id="in-stock-at-store"
          title={t('browse.home.inStockAt', { store: store.name })}
          items={home.data.inStockAtStore}
          more={listingHref({ stock: 'store', sort: 'popular' })}
        />
      ) : (
        home.data && <p className="muted home-store-hint">{t('browse.home.chooseStore')}</p>
      )}
    </main>
  );
}
