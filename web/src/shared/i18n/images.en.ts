import type { imagesJa } from './images.ja';

/** English for product pictures in the shop. */
export const imagesEn: Record<keyof typeof imagesJa, string> = {
  'shop.product.pictures': 'Product pictures',
  'shop.product.picture': 'Picture {n}: {alt}',
};
