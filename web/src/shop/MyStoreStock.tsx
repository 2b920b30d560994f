import { lazy, Suspense, useState } from 'react';
import type { ProductAvailability } from '../shared/api/types';
import { useLang, useT } from '../shared/i18n';
import { locationName } from '../shared/locations';
import { useMyStore } from '../shared/my-store';
import { Link } from '../shared/router';
import { Button } from '../shared/ui';
import { LOW_STOCK } from '../shared/ui/NearbyStock';

const MyStorePicker = lazy(() => import('./MyStorePicker').then((m) => ({ default: m.MyStorePicker })));

/**
 * マイストアの在庫 on the product page: the chosen size/colour at her store — 在庫あり, 残りわずか or 在庫なし
 * (in words, not colour alone) — with 「店舗を変更」 opening the store list here. Before she has a store, a
 * line saying what choosing one gives her.
 */
export function MyStoreStock({
  availability,
  variantId,
}: {
  availability: ProductAvailability | undefined;
  variantId: string;
}) {
  const t = useT();
  const lang = useLang();
  const store = useMyStore();
  const [open, setOpen] = useState(false);
  const available = store
    ? (availability?.items.find((i) => i.variantId === variantId && i.locationId === store.id)?.available ?? 0)
    : null;
  const level = available === null ? null : available <= 0 ? 'out' : available <= LOW_STOCK ? 'low' : 'inStock';
  return (
    <section className="my-store-stock" aria-labelledby="my-store-stock-title" data-testid="my-store-stock">
      <h2 id="my-store-stock-title" className="my-store-stock-title">
        {t('mystore.badge.title')}
      </h2>
      <div className="my-store-stock-line">
        {store && level ? (
          <p data-level={level} data-location={store.id}>
            <Link href={`/stores/${store.id}`}>{locationName(store, lang)}</Link>
            <span aria-hidden="true">：</span>
            <span className={`stock-badge stock-badge-${level}`}>{t(`mystore.badge.${level}`)}</span>
          </p>
        ) : (
          <p className="muted small">{t('mystore.badge.pick')}</p>
        )}
        <Button variant="ghost" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? t('mystore.close') : store ? t('mystore.badge.change') : t('mystore.pick')}
        </Button>
      </div>
      {open && (
        <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
          <MyStorePicker onChosen={() => setOpen(false)} />
        </Suspense>
      )}
    </section>
  );
}
