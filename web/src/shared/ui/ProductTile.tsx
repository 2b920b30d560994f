import type { CSSProperties } from 'react';

/** A stable hue per product, so a page of placeholders is not one colour. */
function hueOf(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

/** Stands in for a product photo (the catalogue has no images yet): the name's first character on a tint. */
export function ProductTile({ id, name, large = false }: { id: string; name: string; large?: boolean }) {
  const style: CSSProperties & { '--hue': number } = { '--hue': hueOf(id) };
  return (
    <span className={large ? 'product-hero' : 'product-tile'} style={style} aria-hidden="true">
      {name.slice(0, 1)}
    </span>
  );
}
