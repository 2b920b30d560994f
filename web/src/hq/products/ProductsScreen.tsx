import { useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { formatYenRange } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { Link } from '../../shared/router';
import { Button, ProblemBanner, ProductTile } from '../../shared/ui';

/** /hq/products — 商品: find a product (name, kana, SKU, JAN) and open its pictures. */
export function ProductsScreen() {
  const t = useT();
  const lang = useLang();
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const list = useQuery({
    queryKey: ['hq-products', q],
    queryFn: () =>
      call(
        api.GET('/api/products', { params: { query: { ...(q ? { q } : {}), includeArchived: 'true', limit: 50 } } }),
      ),
    placeholderData: keepPreviousData,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQ(typed.trim());
  };
  return (
    <main className="page stack">
      <h1>{t('images.hq.products')}</h1>
      <form className="search-box" role="search" onSubmit={submit}>
        <input
          type="search"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          aria-label={t('images.hq.search')}
          placeholder={t('images.hq.search')}
        />
        <Button type="submit" variant="primary">
          {t('shop.search.submit')}
        </Button>
      </form>
      <ProblemBanner error={list.error} />
      <ul className="product-list">
        {list.data?.items.map((p) => (
          <li key={p.id} className="product-item">
            <Link href={`/hq/products/${encodeURIComponent(p.id)}`} className="product-card">
              <ProductTile id={p.id} name={p.name} image={p.image} />
              <span className="product-card-body">
                <span className="product-name">{p.name}</span>
                <span className="product-price">{formatYenRange(p.priceMin, p.priceMax, lang)}</span>
                <span className="muted">{p.image ? t('images.hq.hasPictures') : t('images.hq.noPictures')}</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}
