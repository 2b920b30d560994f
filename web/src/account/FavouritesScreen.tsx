import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Favourite } from '../shared/api/types';
import { useFavouriteList, useToggleFavourite } from '../shared/favourites';
import { describeOptions, formatYenRange } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { nearParam, useShopperPosition } from '../shared/position';
import { Link } from '../shared/router';
import { Button, ProblemBanner, ProductTile } from '../shared/ui';
import { StockStatus } from '../shared/ui/NearbyStock';
import { PositionPicker } from '../shared/ui/PositionPicker';
import { AccountPage } from './AccountPage';

/**
 * /account/favourites — お気に入り: what she keeps, with price and stock at her store (the nearest to where the
 * shop measures from), 外す, and 入荷お知らせ for each variant that store has none of — engagement's restock
 * wish for that store, the same one the product page registers.
 */
export function FavouritesScreen() {
  const t = useT();
  const where = useShopperPosition();
  const list = useFavouriteList(nearParam(where.position));
  const toggle = useToggleFavourite();
  const items = list.data?.items ?? [];
  const store = list.data?.store ?? null;
  return (
    <AccountPage title={t('favourites.title')}>
      <PositionPicker {...where} />
      {store && <p className="muted small">{t('favourites.stockAt', { store: store.name })}</p>}
      <ProblemBanner error={list.error ?? toggle.error} />
      {list.isPending && <p className="muted">{t('common.loading')}</p>}
      {list.data && items.length === 0 && <p className="card">{t('favourites.empty')}</p>}
      {items.length > 0 && (
        <p className="muted small">{t('favourites.count', { n: items.length, max: list.data?.limit ?? 0 })}</p>
      )}
      <ul className="favourite-list" data-testid="favourites">
        {items.map((f) => (
          <FavouriteRow
            key={f.productId}
            favourite={f}
            store={store}
            removing={toggle.isPending && toggle.variables.productId === f.productId}
            onRemove={() => toggle.mutate({ productId: f.productId, keep: false })}
          />
        ))}
      </ul>
    </AccountPage>
  );
}

function FavouriteRow({
  favourite: f,
  store,
  removing,
  onRemove,
}: {
  favourite: Favourite;
  store: { id: string; name: string } | null;
  removing: boolean;
  onRemove: () => void;
}) {
  const t = useT();
  const lang = useLang();
  return (
    <li className="favourite-row">
      <ProductTile id={f.productId} name={f.name} image={f.image} />
      <div className="favourite-row-body">
        <Link href={`/shop/products/${encodeURIComponent(f.productId)}`}>{f.name}</Link>
        {f.priceMin !== null && f.priceMax !== null && (
          <span className="product-price">{formatYenRange(f.priceMin, f.priceMax, lang)}</span>
        )}
        {f.status === 'archived' ? (
          <span className="muted">{t('favourites.archived')}</span>
        ) : (
          f.available !== null && <StockStatus available={f.available} />
        )}
      </div>
      <div className="favourite-actions">
        {store && f.status === 'active' && <RestockSwitches favourite={f} store={store} />}
        <Button
          variant="ghost"
          busy={removing}
          onClick={onRemove}
          aria-label={t('favourites.removeNamed', { name: f.name })}
        >
          {t('favourites.removeShort')}
        </Button>
      </div>
    </li>
  );
}

/** 入荷お知らせ: one switch per variant her store has none of (or one she already waits for there). */
function RestockSwitches({ favourite: f, store }: { favourite: Favourite; store: { id: string; name: string } }) {
  const t = useT();
  const queryClient = useQueryClient();
  const wishes = useQuery({
    queryKey: ['account', 'restock-wishes'],
    queryFn: () => call(api.GET('/api/account/restock-wishes')),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['account', 'restock-wishes'] });
  type Wishes = NonNullable<typeof wishes.data>;
  // The switch follows her press at once: the answer goes straight into the list, then the list is read again.
  const ask = useMutation({
    mutationFn: (variantId: string) =>
      call(api.POST('/api/account/restock-wishes', { body: { variantId, locationId: store.id } })),
    onSuccess: (wish) =>
      queryClient.setQueryData<Wishes>(['account', 'restock-wishes'], (old) =>
        old ? { ...old, items: [...old.items.filter((w) => w.id !== wish.id), wish] } : old,
      ),
    onSettled: refresh,
  });
  const cancel = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/account/restock-wishes/{id}', { params: { path: { id } } })),
    onSuccess: (_, id) =>
      queryClient.setQueryData<Wishes>(['account', 'restock-wishes'], (old) =>
        old ? { ...old, items: old.items.filter((w) => w.id !== id) } : old,
      ),
    onSettled: refresh,
  });
  const waiting = new Map(
    (wishes.data?.items ?? []).filter((w) => w.locationId === store.id).map((w) => [w.variantId, w.id]),
  );
  const shown = f.variants.filter((v) => v.available === 0 || waiting.has(v.id));
  if (!shown.length) return null;
  const single = f.variants.length === 1;
  return (
    <div className="stack">
      {shown.map((v) => {
        const wish = waiting.get(v.id);
        const on = wish ? !(cancel.isPending && cancel.variables === wish) : ask.isPending && ask.variables === v.id;
        const label = single
          ? t('favourites.notify')
          : t('favourites.notifyVariant', { variant: describeOptions(v.options) });
        return (
          <div key={v.id} className="favourite-notify">
            <label>
              <input
                type="checkbox"
                role="switch"
                checked={on}
                disabled={wishes.isPending || ask.isPending || cancel.isPending}
                aria-describedby={`notify-hint-${v.id}`}
                onChange={() => (wish ? cancel.mutate(wish) : ask.mutate(v.id))}
              />
              {label}
            </label>
            <span id={`notify-hint-${v.id}`} className="muted small">
              {on ? t('favourites.notifyOn', { store: store.name }) : t('favourites.notifyOff', { store: store.name })}
            </span>
          </div>
        );
      })}
      <ProblemBanner error={ask.error ?? cancel.error ?? wishes.error} />
    </div>
  );
}
