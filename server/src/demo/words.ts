/**
 * The vocabulary the demo catalog is built from. Every word carries its reading, so a product's
 * nameKana is the readings joined — always right, never guessed from kanji (麻混 + ワイドパンツ →
 * あさまじり + わいどぱんつ). Compounds whose reading changes when joined (折りたたみ傘 → …がさ) are
 * written as one word.
 */
export type Word = readonly [text: string, reading: string];

export type CategoryKey =
  | 'apparel'
  | 'tops'
  | 'bottoms'
  | 'outer'
  | 'shoes'
  | 'accessories'
  | 'food'
  | 'drinks'
  | 'cafe'
  | 'household'
  | 'stationery';

/** How stock is spread for a product (see stock.ts). */
export type StockGroup = 'apparel' | 'shoes' | 'goods' | 'food' | 'cafe';

/** One option axis; a value may carry a tax-included surcharge in yen (Grande +100). */
export interface Axis {
  key: string;
  values: ReadonlyArray<string | readonly [value: string, add: number]>;
  /** Take between min and max of the values (in list order) per product; all when absent. */
  pick?: readonly [min: number, max: number];
}

/**
 * A product line: every modifier × item pair is a plausible product (撥水 × マウンテンジャケット).
 * `take` keeps a deterministic subset when not every pair should be made.
 */
export interface Line {
  category: Exclude<CategoryKey, 'apparel'>;
  /** Omitted: the items are names on their own. */
  mods?: readonly Word[];
  items: readonly Word[];
  /** Tax-included base prices in yen; one is picked per product. */
  prices: readonly number[];
  axes: readonly Axis[];
  about?: string;
  take?: number;
}

export const SIZES = { key: 'サイズ', values: ['S', 'M', 'L', 'XL'] } as const satisfies Axis;
export const SHOE_SIZES = {
  key: 'サイズ',
  values: ['23.0cm', '23.5cm', '24.0cm', '24.5cm', '25.0cm', '25.5cm', '26.0cm', '26.5cm', '27.0cm'],
} as const satisfies Axis;
export const SOCK_SIZES = { key: 'サイズ', values: ['23-25cm', '25-27cm'] } as const satisfies Axis;

export const WEAR_COLOURS = [
  'ホワイト',
  'オフホワイト',
  'ブラック',
  'ネイビー',
  'グレー',
  'チャコール',
  'ベージュ',
  'カーキ',
  'ブラウン',
  'ライトブルー',
  'オリーブ',
  'ボルドー',
] as const;
export const LEATHER_COLOURS = ['ブラック', 'ダークブラウン', 'キャメル', 'ネイビー'] as const;
export const SHOE_COLOURS = ['ホワイト', 'ブラック', 'ネイビー', 'ベージュ', 'グレー'] as const;
export const GOODS_COLOURS = ['ブラック', 'ネイビー', 'ナチュラル', 'カーキ', 'グレー', 'ベージュ'] as const;
export const GLAZES = ['白磁', '藍', '灰釉', '飴釉', '織部'] as const;

export const colours = (values: readonly string[], pick: readonly [number, number]): Axis => ({
  key: 'カラー',
  values,
  pick,
});
