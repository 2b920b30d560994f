import type { CSSProperties } from 'react';

/** What a tile needs of a product picture (the API's ProductImage). */
export interface TileImage {
  src: string;
  srcset: string;
  width: number;
  height: number;
}

/** A stable hue per product, so a page of placeholders is not one colour. */
function hueOf(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

/**
 * A product's small picture beside its name (decorative: the name is the link's text), loaded lazily at
 * the width the tile needs; without a picture, the name's first character on a tint.
 */
export function ProductTile({
  id,
  name,
  image,
  large = false,
  sizes,
}: {
  id: string;
  name: string;
  image?: TileImage | null | undefined;
  large?: boolean;
  /** How wide it shows, for the browser's pick from srcset (a list's small tile by default). */
  sizes?: string;
}) {
  if (image)
    return (
      <img
        className={large ? 'product-hero product-photo' : 'product-tile product-photo'}
        src={image.src}
        srcSet={image.srcset}
        sizes={sizes ?? (large ? '(max-width: 760px) 100vw, 480px' : '72px')}
        width={image.width}
        height={image.height}
        alt=""
        loading="lazy"
        decoding="async"
      />
    );
  const style: CSSProperties & { '--hue': number } = { '--hue': hueOf(id) };
  return (
    <span className={large ? 'product-hero' : 'product-tile'} style={style} aria-hidden="true">
      {name.slice(0, 1)}
    </span>
  );
}
