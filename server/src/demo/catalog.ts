import { seededId } from '../platform/ids.ts';
import { makeJan } from '../modules/catalog/jan.ts';
import { searchFields } from '../modules/catalog/search-text.ts';
import type { categories, products, variants } from '../modules/catalog/schema.ts';
import { CAFE_SIZES, CAFE_TEMPERATURES, FOOD_LINES } from './lines-food.ts';
import { GOODS_LINES } from './lines-goods.ts';
import { WEAR_LINES } from './lines-wear.ts';
import type { Random } from './prng.ts';
import { SHOWCASE, type ShowcaseKey } from './showcase.ts';
import { SHOE_SIZES, SIZES, type Axis, type CategoryKey, type Line, type StockGroup, type Word } from './words.ts';

interface CategoryDef {
  n: number;
  name: string;
  nameKana: string;
  nameEn: string;
  parent?: CategoryKey;
  taxRate: 10 | 8;
  group: StockGroup;
  /** First letters of every SKU in the category. */
  sku: string;
  /** JAN prefix: 45/49 + a (fictional) 5-digit company code; 5 digits of item code follow. */
  company: string;
}

const OWN_BRAND = '4573412'; // むすびマーケット's own label (衣料・雑貨・文具)
const FOODS = '4971630'; // むすびフーズ (食品・飲料・カフェ)

const CATEGORIES: Record<CategoryKey, CategoryDef> = {
  apparel: {
    n: 1,
    name: '衣料品',
    nameKana: 'いりょうひん',
    nameEn: 'Apparel',
    taxRate: 10,
    group: 'apparel',
    sku: 'AP',
    company: OWN_BRAND,
  },
  tops: {
    n: 2,
    name: 'トップス',
    nameKana: 'とっぷす',
    nameEn: 'Tops',
    parent: 'apparel',
    taxRate: 10,
    group: 'apparel',
    sku: 'TP',
    company: OWN_BRAND,
  },
  bottoms: {
    n: 3,
    name: 'ボトムス',
    nameKana: 'ぼとむす',
    nameEn: 'Bottoms',
    parent: 'apparel',
    taxRate: 10,
    group: 'apparel',
    sku: 'BT',
    company: OWN_BRAND,
  },
  outer: {
    n: 4,
    name: 'アウター',
    nameKana: 'あうたー',
    nameEn: 'Outerwear',
    parent: 'apparel',
    taxRate: 10,
    group: 'apparel',
    sku: 'OT',
    company: OWN_BRAND,
  },
  shoes: {
    n: 5,
    name: '靴',
    nameKana: 'くつ',
    nameEn: 'Shoes',
    taxRate: 10,
    group: 'shoes',
    sku: 'SH',
    company: OWN_BRAND,
  },
  accessories: {
    n: 6,
    name: '鞄・傘・小物',
    nameKana: 'かばん・かさ・こもの',
    nameEn: 'Bags, umbrellas & accessories',
    taxRate: 10,
    group: 'goods',
    sku: 'AC',
    company: OWN_BRAND,
  },
  food: {
    n: 7,
    name: '食品',
    nameKana: 'しょくひん',
    nameEn: 'Food',
    taxRate: 8,
    group: 'food',
    sku: 'FD',
    company: FOODS,
  },
  drinks: {
    n: 8,
    name: '飲料',
    nameKana: 'いんりょう',
    nameEn: 'Drinks',
    taxRate: 8,
    group: 'food',
    sku: 'DR',
    company: FOODS,
  },
  cafe: {
    n: 9,
    name: 'カフェ',
    nameKana: 'かふぇ',
    nameEn: 'Café',
    taxRate: 8,
    group: 'cafe',
    sku: 'CF',
    company: FOODS,
  },
  household: {
    n: 10,
    name: '生活雑貨',
    nameKana: 'せいかつざっか',
    nameEn: 'Household goods',
    taxRate: 10,
    group: 'goods',
    sku: 'HG',
    company: OWN_BRAND,
  },
  stationery: {
    n: 11,
    name: '文房具',
    nameKana: 'ぶんぼうぐ',
    nameEn: 'Stationery',
    taxRate: 10,
    group: 'goods',
    sku: 'ST',
    company: OWN_BRAND,
  },
};

const fixed = (key: string, values: string[]): Axis => ({ key, values });

/** Products the scenarios tell stories about; they come first so their ids never move. */
const SHOWCASE_LINES: ReadonlyArray<Line & { showcase: ShowcaseKey }> = [
  {
    showcase: 'jacket',
    category: 'outer',
    items: [['撥水マウンテンジャケット', 'はっすいまうんてんじゃけっと']],
    prices: [7990],
    axes: [fixed('カラー', ['ネイビー', 'ブラック', 'カーキ', 'ベージュ']), SIZES],
    about: '小雨をはじく軽いシェル。フードは襟に収納でき、家で洗えます。',
  },
  {
    showcase: 'latte',
    category: 'cafe',
    items: [['カフェラテ', 'かふぇらて']],
    prices: [450],
    axes: [CAFE_TEMPERATURES, CAFE_SIZES],
    about: '店で焙煎したエスプレッソに、スチームミルクをたっぷり。モバイルオーダーで並ばずに受け取れます。',
  },
  {
    showcase: 'sneaker',
    category: 'shoes',
    items: [['軽量キャンバススニーカー', 'けいりょうきゃんばすすにーかー']],
    prices: [4990],
    axes: [fixed('カラー', ['ホワイト', 'ブラック']), SHOE_SIZES],
    about: '片足約230gの軽さ。洗えるキャンバス地で、0.5cm刻みのサイズ展開です。',
  },
  {
    showcase: 'umbrella',
    category: 'accessories',
    items: [['晴雨兼用折りたたみ傘', 'せいうけんようおりたたみがさ']],
    prices: [2990],
    axes: [fixed('カラー', ['ブラック', 'ネイビー', 'ベージュ'])],
    about: '雨の日も日差しの強い日も。約200gで鞄に入れっぱなしにできます。',
  },
];

export interface DemoProduct {
  id: string;
  group: StockGroup;
  showcase: ShowcaseKey | undefined;
  variants: Array<{ id: string; options: Record<string, string> }>;
}

export interface DemoCatalog {
  categories: Array<typeof categories.$inferInsert>;
  products: Array<typeof products.$inferInsert>;
  variants: Array<typeof variants.$inferInsert>;
  /** What stock.ts needs to know about each product. */
  items: DemoProduct[];
}

/** Every combination of the chosen values of each axis, first axis outermost. */
function combinations(
  axes: ReadonlyArray<readonly (readonly [string, string, number])[]>,
): Array<{ options: Record<string, string>; add: number }> {
  let out: Array<{ options: Record<string, string>; add: number }> = [{ options: {}, add: 0 }];
  for (const values of axes) {
    out = out.flatMap((c) =>
      values.map(([key, value, add]) => ({ options: { ...c.options, [key]: value }, add: c.add + add })),
    );
  }
  return out;
}

/** The whole catalog, the same on every run for the same random source. */
export function buildCatalog(rng: Random): DemoCatalog {
  const catalog: DemoCatalog = { categories: [], products: [], variants: [], items: [] };
  for (const c of Object.values(CATEGORIES)) {
    catalog.categories.push({
      id: seededId('cat', c.n),
      name: c.name,
      nameKana: c.nameKana,
      nameEn: c.nameEn,
      parentId: c.parent ? seededId('cat', CATEGORIES[c.parent].n) : null,
      sort: c.n * 10,
    });
  }

  const names = new Set<string>();
  const janSerial = new Map<string, number>();
  let productN = 0;
  let variantN = 0;
  const lines = [...SHOWCASE_LINES, ...WEAR_LINES, ...FOOD_LINES, ...GOODS_LINES];
  for (const line of lines) {
    const cat = CATEGORIES[line.category];
    const pairs = (line.mods ?? [['', ''] as Word]).flatMap((mod) => line.items.map((item) => [mod, item] as const));
    for (const [mod, item] of line.take ? rng.some(pairs, line.take) : pairs) {
      const name = mod[0] + item[0];
      if (names.has(name)) continue; // a showcase product already has this name
      names.add(name);
      const nameKana = mod[1] + item[1];
      const id = seededId('prd', ++productN);
      const price = rng.pick(line.prices);
      const chosen = line.axes.map((axis) => {
        const values = axis.values.map((v) =>
          typeof v === 'string' ? ([axis.key, v, 0] as const) : ([axis.key, v[0], v[1]] as const),
        );
        return axis.pick ? rng.some(values, rng.int(axis.pick[0], Math.min(axis.pick[1], values.length))) : values;
      });
      const rows = combinations(chosen).map((c, i) => {
        const serial = (janSerial.get(cat.company) ?? 0) + 1;
        janSerial.set(cat.company, serial);
        return {
          id: seededId('var', ++variantN),
          productId: id,
          sku: `${cat.sku}-${String(productN).padStart(4, '0')}-${String(i + 1).padStart(2, '0')}`,
          jan: makeJan(cat.company + String(serial).padStart(5, '0')),
          price: price + c.add,
          options: c.options,
        };
      });
      const showcase = 'showcase' in line ? (line.showcase as ShowcaseKey) : undefined;
      if (showcase) assertShowcase(showcase, id, rows);
      catalog.products.push({
        id,
        name,
        nameKana,
        description: line.about ?? '',
        categoryId: seededId('cat', cat.n),
        taxRate: cat.taxRate,
        // The same key reindex() in the catalog service computes, so demo products are found like any other.
        ...searchFields({
          name,
          nameKana,
          categoryNames: [cat.name, cat.nameKana, cat.nameEn],
          skus: rows.map((v) => v.sku),
          jans: rows.map((v) => v.jan),
          options: [...new Set(rows.flatMap((v) => Object.values(v.options)))],
        }),
      });
      catalog.variants.push(...rows);
      catalog.items.push({
        id,
        group: cat.group,
        showcase,
        variants: rows.map((v) => ({ id: v.id, options: v.options })),
      });
    }
  }
  return catalog;
}

/** The showcase ids are documented; fail at once if a change to the lists above would move them. */
function assertShowcase(
  key: ShowcaseKey,
  productId: string,
  rows: Array<{ id: string; options: Record<string, string> }>,
) {
  const expected = SHOWCASE[key];
  const row = rows.find((r) => Object.entries(expected.options).every(([k, v]) => r.options[k] === v));
  if (productId !== expected.productId || row?.id !== expected.variantId) {
    throw new Error(
      `demo showcase '${key}' moved: got ${productId}/${row?.id}, documented ${expected.productId}/${expected.variantId}`,
    );
  }
}
