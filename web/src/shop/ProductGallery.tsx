import { useState } from 'react';
import type { Product, Variant } from '../shared/api/types';
import { useT } from '../shared/i18n';
import { ProductTile } from '../shared/ui';

type Image = Product['images'][number];

/** The pictures for the chosen variant: those of its colour first, then those for every colour. */
export function picturesFor(images: Image[], variant: Variant): Image[] {
  const values = new Set(Object.values(variant.options));
  const own = images.filter((i) => i.colour !== null && values.has(i.colour));
  const shared = images.filter((i) => i.colour === null);
  return own.length || shared.length ? [...own, ...shared] : images;
}

/**
 * The product's gallery: the main picture (loaded at once, the page's largest paint) and thumbnails that
 * swap it; it follows the chosen colour. Its box is reserved from the picture's width and height, so
 * nothing below it jumps when it arrives. No pictures: the tinted initial.
 */
export function ProductGallery({ product, variant }: { product: Product; variant: Variant }) {
  const t = useT();
  const pictures = picturesFor(product.images, variant);
  const [shownId, setShownId] = useState<string | null>(null);
  if (!pictures.length) return <ProductTile id={product.id} name={product.name} large />;
  const shown = pictures.find((p) => p.id === shownId) ?? pictures[0]!;
  return (
    <div className="gallery">
      <img
        className="gallery-main"
        src={shown.src}
        srcSet={shown.srcset}
        sizes="(max-width: 760px) calc(100vw - 32px), (max-width: 1000px) 45vw, 480px"
        width={shown.width}
        height={shown.height}
        alt={shown.alt || product.name}
        fetchPriority="high"
        decoding="async"
      />
      {pictures.length > 1 && (
        <ul className="gallery-thumbs" aria-label={t('shop.product.pictures')}>
          {pictures.map((p, i) => (
            <li key={p.id}>
              <button
                type="button"
                className="gallery-thumb"
                aria-pressed={p.id === shown.id}
                aria-label={t('shop.product.picture', { n: i + 1, alt: p.alt || product.name })}
                onClick={() => setShownId(p.id)}
              >
                <img
                  src={p.src}
                  srcSet={p.srcset}
                  sizes="64px"
                  width={p.width}
                  height={p.height}
                  alt=""
                  loading="lazy"
                  decoding="async"
                />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
