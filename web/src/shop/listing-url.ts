/** The listing's state as its URL says it (/shop?category=…&size=M,L&sort=new&page=2): shareable, back/forward work. */
export const SORTS = ['recommended', 'new', 'price_asc', 'price_desc', 'popular'] as const;
export type Sort = (typeof SORTS)[number];

/** 価格帯: `min-max` in yen, either end open. */
export const PRICE_BANDS = ['-1000', '1000-3000', '3000-5000', '5000-10000', '10000-'] as const;

export interface ListingState {
  q: string;
  category: string;
  collection: string;
  sizes: string[];
  colours: string[];
  price: string;
  stock: '' | 'store' | 'near';
  /** The store of 「在庫あり」 when it is not マイストア (the store page's 「この店舗の在庫を見る」). */
  at: string;
  sort: Sort;
  page: number;
}

const listOf = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);

export function readListing(search: URLSearchParams): ListingState {
  const stock = search.get('stock');
  const sort = search.get('sort') as Sort | null;
  const page = Number(search.get('page'));
  return {
    q: search.get('q')?.trim() ?? '',
    category: search.get('category') ?? '',
    collection: search.get('collection') ?? '',
    sizes: listOf(search.get('size')),
    colours: listOf(search.get('colour')),
    price: (PRICE_BANDS as readonly string[]).includes(search.get('price') ?? '') ? search.get('price')! : '',
    stock: stock === 'store' || stock === 'near' ? stock : '',
    at: search.get('at') ?? '',
    sort: sort && SORTS.includes(sort) ? sort : 'recommended',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The URL of a listing state; defaults are left out so links stay short. */
export function listingHref(s: Partial<ListingState>): string {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.category) p.set('category', s.category);
  if (s.collection) p.set('collection', s.collection);
  if (s.sizes?.length) p.set('size', s.sizes.join(','));
  if (s.colours?.length) p.set('colour', s.colours.join(','));
  if (s.price) p.set('price', s.price);
  if (s.stock) p.set('stock', s.stock);
  if (s.stock === 'store' && s.at) p.set('at', s.at);
  if (s.sort && s.sort !== 'recommended') p.set('sort', s.sort);
  if (s.page && s.page > 1) p.set('page', String(s.page));
  const qs = p.toString();
  return qs ? `/shop?${qs}` : '/shop';
}

export function priceRange(band: string): { priceMin?: number; priceMax?: number } {
  if (!band) return {};
  const [min, max] = band.split('-');
  return { ...(min ? { priceMin: Number(min) } : {}), ...(max ? { priceMax: Number(max) } : {}) };
}
