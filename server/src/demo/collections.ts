import { seededId } from '../platform/ids.ts';
import type { collectionProducts, collections } from '../modules/storefront/schema.ts';
import type { products } from '../modules/catalog/schema.ts';

type ProductRow = typeof products.$inferInsert;

interface Pick {
  name: string;
  nameEn: string;
  description: string;
  /**
   * Hand-picked: products of these categories whose name holds one of the words, taken in turn word by
   * word (so a shelf is not sixteen mugs), the first category first within a word; at most `take`.
   */
  from?: { categories: number[]; words: string[]; take: number };
  /** A rule: a category (its subcategories too), only what arrived within `days`. */
  rule?: { category: number; days: number };
}

// The home's 特集, in order: three hand-picked, one kept by a rule (the newest clothes).
const PICKS: Pick[] = [
  {
    name: '冬のアウター',
    nameEn: 'Winter outerwear',
    description: '中綿やウール混の一着に、冷たい風を通さない防風素材。寒い朝の通勤も身軽に。',
    from: { categories: [4, 2, 6], words: ['中綿', '防風', 'ウール混', 'ヘビーウェイト'], take: 16 },
  },
  {
    name: '新生活',
    nameEn: 'A new start',
    description: '毎日使う器と台所道具、机まわりの定番。ひとり暮らしを始める方にも。',
    from: {
      categories: [10, 11],
      words: ['マグカップ', 'まな板', 'フライパン', '方眼ノート', '飯碗', '弁当箱', 'ボールペン', 'カトラリー'],
      take: 16,
    },
  },
  {
    name: 'カフェの定番',
    nameEn: 'Café favourites',
    description: '店で淹れるラテと焼き菓子、家で楽しむコーヒー豆とドリップバッグ。',
    from: {
      categories: [9, 8],
      words: ['ラテ', 'スコーン', 'コーヒー豆', 'シナモンロール', 'ドリップバッグ'],
      take: 12,
    },
  },
  {
    name: '入荷したての服',
    nameEn: 'Just in: clothing',
    description: 'この30日間に入荷したトップス・ボトムス・アウター。',
    rule: { category: 1, days: 30 },
  },
];

/** The demo's collections (特集) over its catalogue. */
export function collectionRows(catalog: readonly ProductRow[]): {
  collections: Array<typeof collections.$inferInsert>;
  collectionProducts: Array<typeof collectionProducts.$inferInsert>;
} {
  const out = {
    collections: [] as Array<typeof collections.$inferInsert>,
    collectionProducts: [] as Array<typeof collectionProducts.$inferInsert>,
  };
  PICKS.forEach((pick, i) => {
    const id = seededId('col', i + 1);
    out.collections.push({
      id,
      name: pick.name,
      nameEn: pick.nameEn,
      description: pick.description,
      kind: pick.rule ? 'rule' : 'manual',
      categoryId: pick.rule ? seededId('cat', pick.rule.category) : null,
      newWithinDays: pick.rule?.days ?? null,
      featured: true,
      sort: (i + 1) * 10,
    });
    if (!pick.from) return;
    const { categories, words, take } = pick.from;
    const rank = (p: ProductRow) => categories.indexOf(Number.parseInt(p.categoryId!.slice(-6), 36));
    const groups = words.map((w) =>
      catalog.filter((p) => rank(p) >= 0 && p.name.includes(w)).sort((a, b) => rank(a) - rank(b)),
    );
    const chosen: string[] = [];
    for (let round = 0; chosen.length < take && groups.some((g) => g.length > round); round++)
      for (const g of groups) {
        const p = g[round];
        if (p && !chosen.includes(p.id!) && chosen.length < take) chosen.push(p.id!);
      }
    chosen.forEach((productId, position) => out.collectionProducts.push({ collectionId: id, productId, position }));
  });
  return out;
}

/**
 * When each product arrived: spread over the last half year (deterministic), so 新着 and a rule such as
 * 「入荷したての服」 have something to sort and keep.
 */
export function arrivalDate(index: number, now: number): Date {
  const days = (index * 37) % 180;
  const hours = (index * 7) % 24;
  return new Date(now - (days * 24 + hours) * 3600_000);
}
