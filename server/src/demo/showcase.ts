import { seededId } from '../platform/ids.ts';

/**
 * Well-known ids of the demo chain, for tests, docs and the web app's first screens. They are fixed by
 * the order of chain.ts and of the showcase products in catalog.ts; buildCatalog() fails loudly if
 * a change there would move them.
 */

/** Where Aiko stands in the scenarios: the Shibuya station crossing. */
export const SHIBUYA_STATION = { lat: 35.658, lng: 139.7016 } as const;

export const SHIBUYA_STORE_ID = seededId('loc', 1); // むすびマーケット 渋谷店 — café counter, delivers within 3 km
export const HARAJUKU_STORE_ID = seededId('loc', 2); // 原宿店, about 1.3 km from Shibuya station
export const SHINJUKU_STORE_ID = seededId('loc', 3); // 新宿店
export const WAREHOUSE_ID = seededId('loc', 13); // 市川EC物流センター (ships online orders)

export type ShowcaseKey = 'jacket' | 'latte' | 'sneaker' | 'umbrella';

export interface Showcase {
  productId: string;
  /** The variant the story is about. */
  variantId: string;
  name: string;
  options: Record<string, string>;
  story: string;
}

export const SHOWCASE: Readonly<Record<ShowcaseKey, Showcase>> = {
  jacket: {
    productId: seededId('prd', 1),
    variantId: seededId('var', 2),
    name: '撥水マウンテンジャケット',
    options: { カラー: 'ネイビー', サイズ: 'M' },
    story: 'Sold out at the Shibuya store; in stock only at the Harajuku store nearby (and in the warehouse).',
  },
  latte: {
    productId: seededId('prd', 2),
    variantId: seededId('var', 18),
    name: 'カフェラテ',
    options: { 温度: 'ホット', サイズ: 'Tall' },
    story: 'On the order-ahead menu of every store with a café counter, Shibuya included (8 %, takeout).',
  },
  sneaker: {
    productId: seededId('prd', 3),
    variantId: seededId('var', 26),
    name: '軽量キャンバススニーカー',
    options: { カラー: 'ホワイト', サイズ: '24.5cm' },
    story: 'Other sizes are on the Shibuya shelf; 24.5cm is in no store, only the warehouse (endless aisle).',
  },
  umbrella: {
    productId: seededId('prd', 4),
    variantId: seededId('var', 41),
    name: '晴雨兼用折りたたみ傘',
    options: { カラー: 'ブラック' },
    story: 'Stocked in every store: the rainy-day coupon item.',
  },
};
