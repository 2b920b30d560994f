import { useFavouriteIds, useToggleFavourite } from '../shared/favourites';
import { useT } from '../shared/i18n';

/**
 * ♡ / ♥ on a product card and the product page. Its label names the product and what a press does
 * (「折りたたみ傘をお気に入りに追加」 / 「…から外す」), so a screen reader hears neither a row of identical hearts
 * nor a symbol; the label says the state, so there is no aria-pressed to contradict it.
 */
export function FavouriteHeart({
  productId,
  name,
  large = false,
}: {
  productId: string;
  name: string;
  large?: boolean;
}) {
  const t = useT();
  const kept = useFavouriteIds().has(productId);
  const toggle = useToggleFavourite();
  return (
    <button
      type="button"
      className={`favourite-heart${large ? ' favourite-heart-lg' : ''}${kept ? ' is-kept' : ''}`}
      aria-label={t(kept ? 'favourites.removeNamed' : 'favourites.addNamed', { name })}
      title={t(kept ? 'favourites.remove' : 'favourites.add')}
      disabled={toggle.isPending}
      onClick={() => toggle.mutate({ productId, keep: !kept })}
    >
      <span aria-hidden="true">{kept ? '♥' : '♡'}</span>
    </button>
  );
}
