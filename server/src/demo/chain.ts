import { seededId } from '../platform/ids.ts';
import type { Amenity, LocationServices, OpeningHours, storeEvents } from '../modules/locations/schema.ts';

/**
 * むすびマーケット (Musubi Market): a fictional lifestyle chain — clothes, shoes, food, a café counter,
 * household goods and stationery — with twelve stores around real stations in Tokyo, Kanagawa and Osaka
 * and one e-commerce warehouse in Ichikawa. Coordinates are the real station areas so "nearest store"
 * and delivery radii behave as they would; street numbers and phone numbers are made up.
 */
export const CHAIN = { name: 'むすびマーケット', nameKana: 'むすびまーけっと', nameEn: 'Musubi Market' } as const;

/**
 * The company that runs it, as receipts name it (a 適格簡易請求書). The registration number is made up; only
 * its check digit is right, so it passes the form check as a real one would.
 */
export const BUSINESS = {
  id: 'business',
  name: 'むすびマーケット株式会社',
  registrationNumber: 'T9010401234567',
  address: '東京都渋谷区神南1-2-3',
  phone: '03-0000-1000',
} as const;

export interface ChainLocation {
  /** Fixes the id: loc_demo00000n. */
  n: number;
  /** Used in staff e-mails (shibuya@demo.musubi.jp). */
  slug: string;
  code: string;
  name: string;
  nameKana: string;
  nameEn: string;
  kind: 'store' | 'warehouse';
  prefecture: string;
  city: string;
  address: string;
  postalCode: string;
  phone: string;
  lat: number;
  lng: number;
  nearestStation: string;
  openingHours: OpeningHours;
  services: LocationServices;
  /** Share of the range this location carries (flagships carry more). */
  assortment: number;
}

type Hours = readonly [open: string, close: string];

/** Weekday and weekend hours; days listed in `closed` are null (定休日). */
function week(weekday: Hours, weekend: Hours = weekday, closed: Array<keyof OpeningHours> = []): OpeningHours {
  const day = (h: Hours) => ({ open: h[0], close: h[1] });
  const hours: OpeningHours = {
    mon: day(weekday),
    tue: day(weekday),
    wed: day(weekday),
    thu: day(weekday),
    fri: day(weekday),
    sat: day(weekend),
    sun: day(weekend),
  };
  for (const d of closed) hours[d] = null;
  return hours;
}

const services = (orderAhead: boolean, deliveryRadiusKm: number | null, shipping = true): LocationServices => ({
  pickup: true,
  orderAhead,
  deliveryRadiusKm,
  shipping,
});

type StoreInput = Omit<ChainLocation, 'kind' | 'name' | 'nameKana' | 'nameEn'> & {
  town: string;
  townKana: string;
  townEn: string;
};

function store(s: StoreInput): ChainLocation {
  const { town, townKana, townEn, ...rest } = s;
  return {
    ...rest,
    kind: 'store',
    name: `${CHAIN.name} ${town}店`,
    nameKana: `${CHAIN.nameKana} ${townKana}てん`,
    nameEn: `${CHAIN.nameEn} ${townEn}`,
  };
}

export const CHAIN_LOCATIONS: readonly ChainLocation[] = [
  store({
    n: 1,
    slug: 'shibuya',
    code: 'S101',
    town: '渋谷',
    townKana: 'しぶや',
    townEn: 'Shibuya',
    prefecture: '東京都',
    city: '渋谷区',
    address: '宇田川町31-2',
    postalCode: '150-0042',
    phone: '03-6416-0101',
    lat: 35.6612,
    lng: 139.6988,
    nearestStation: '渋谷駅',
    // The café counter opens at 8:00 for commuters' order-ahead lattes.
    openingHours: week(['08:00', '22:00'], ['09:00', '22:00']),
    services: services(true, 3),
    assortment: 0.5,
  }),
  store({
    n: 2,
    slug: 'harajuku',
    code: 'S102',
    town: '原宿',
    townKana: 'はらじゅく',
    townEn: 'Harajuku',
    prefecture: '東京都',
    city: '渋谷区',
    address: '神宮前4-29-8',
    postalCode: '150-0001',
    phone: '03-6434-0102',
    lat: 35.6693,
    lng: 139.7055,
    nearestStation: '明治神宮前〈原宿〉駅',
    openingHours: week(['11:00', '20:00'], ['10:00', '20:30']),
    services: services(false, null),
    assortment: 0.35,
  }),
  store({
    n: 3,
    slug: 'shinjuku',
    code: 'S103',
    town: '新宿',
    townKana: 'しんじゅく',
    townEn: 'Shinjuku',
    prefecture: '東京都',
    city: '新宿区',
    address: '新宿3-17-5',
    postalCode: '160-0022',
    phone: '03-5363-0103',
    lat: 35.6912,
    lng: 139.7045,
    nearestStation: '新宿三丁目駅',
    openingHours: week(['08:00', '22:00']),
    services: services(true, 3),
    assortment: 0.5,
  }),
  store({
    n: 4,
    slug: 'ikebukuro',
    code: 'S104',
    town: '池袋',
    townKana: 'いけぶくろ',
    townEn: 'Ikebukuro',
    prefecture: '東京都',
    city: '豊島区',
    address: '南池袋1-22-4',
    postalCode: '171-0022',
    phone: '03-5957-0104',
    lat: 35.7289,
    lng: 139.712,
    nearestStation: '池袋駅',
    openingHours: week(['10:00', '21:00']),
    services: services(false, null),
    assortment: 0.3,
  }),
  store({
    n: 5,
    slug: 'kichijoji',
    code: 'S105',
    town: '吉祥寺',
    townKana: 'きちじょうじ',
    townEn: 'Kichijoji',
    prefecture: '東京都',
    city: '武蔵野市',
    address: '吉祥寺本町1-11-3',
    postalCode: '180-0004',
    phone: '0422-27-0105',
    lat: 35.7043,
    lng: 139.5785,
    nearestStation: '吉祥寺駅',
    openingHours: week(['09:00', '21:00']),
    services: services(true, 2),
    assortment: 0.35,
  }),
  store({
    n: 6,
    slug: 'futakotamagawa',
    code: 'S106',
    town: '二子玉川',
    townKana: 'ふたこたまがわ',
    townEn: 'Futako-Tamagawa',
    prefecture: '東京都',
    city: '世田谷区',
    address: '玉川2-21-1',
    postalCode: '158-0094',
    phone: '03-5491-0106',
    lat: 35.6118,
    lng: 139.6275,
    nearestStation: '二子玉川駅',
    openingHours: week(['09:00', '21:00']),
    services: services(true, 5),
    assortment: 0.4,
  }),
  store({
    n: 7,
    slug: 'ginza',
    code: 'S107',
    town: '銀座',
    townKana: 'ぎんざ',
    townEn: 'Ginza',
    prefecture: '東京都',
    city: '中央区',
    address: '銀座3-6-1',
    postalCode: '104-0061',
    phone: '03-3562-0107',
    lat: 35.6721,
    lng: 139.7668,
    nearestStation: '銀座駅',
    openingHours: week(['11:00', '20:00']),
    services: services(true, null),
    assortment: 0.45,
  }),
  store({
    n: 8,
    slug: 'minatomirai',
    code: 'S201',
    town: '横浜みなとみらい',
    townKana: 'よこはまみなとみらい',
    townEn: 'Yokohama Minatomirai',
    prefecture: '神奈川県',
    city: '横浜市西区',
    address: 'みなとみらい3-5-1',
    postalCode: '220-0012',
    phone: '045-228-0108',
    lat: 35.4569,
    lng: 139.6318,
    nearestStation: 'みなとみらい駅',
    openingHours: week(['10:00', '21:00']),
    services: services(true, 3),
    assortment: 0.4,
  }),
  store({
    n: 9,
    slug: 'kawasaki',
    code: 'S202',
    town: '川崎',
    townKana: 'かわさき',
    townEn: 'Kawasaki',
    prefecture: '神奈川県',
    city: '川崎市川崎区',
    address: '駅前本町12-1',
    postalCode: '210-0007',
    phone: '044-211-0109',
    lat: 35.5321,
    lng: 139.6987,
    nearestStation: '川崎駅',
    openingHours: week(['10:00', '21:00']),
    services: services(false, 3),
    assortment: 0.3,
  }),
  store({
    n: 10,
    slug: 'umeda',
    code: 'S301',
    town: '梅田',
    townKana: 'うめだ',
    townEn: 'Umeda',
    prefecture: '大阪府',
    city: '大阪市北区',
    address: '角田町8-7',
    postalCode: '530-0017',
    phone: '06-6313-0110',
    lat: 34.7036,
    lng: 135.4993,
    nearestStation: '大阪梅田駅',
    openingHours: week(['08:00', '22:00'], ['09:00', '22:00']),
    services: services(true, 3),
    assortment: 0.5,
  }),
  store({
    n: 11,
    slug: 'shinsaibashi',
    code: 'S302',
    town: '心斎橋',
    townKana: 'しんさいばし',
    townEn: 'Shinsaibashi',
    prefecture: '大阪府',
    city: '大阪市中央区',
    address: '心斎橋筋1-4-22',
    postalCode: '542-0085',
    phone: '06-6251-0111',
    lat: 34.6745,
    lng: 135.5013,
    nearestStation: '心斎橋駅',
    openingHours: week(['11:00', '21:00']),
    services: services(false, null),
    assortment: 0.35,
  }),
  store({
    n: 12,
    slug: 'tennoji',
    code: 'S303',
    town: '天王寺',
    townKana: 'てんのうじ',
    townEn: 'Tennoji',
    prefecture: '大阪府',
    city: '大阪市阿倍野区',
    address: '阿倍野筋1-6-9',
    postalCode: '545-0052',
    phone: '06-6625-0112',
    lat: 34.6455,
    lng: 135.5133,
    nearestStation: '天王寺駅',
    openingHours: week(['10:00', '21:00']),
    services: services(true, 2),
    assortment: 0.3,
  }),
  {
    n: 13,
    slug: 'ichikawa',
    code: 'W901',
    kind: 'warehouse',
    name: `${CHAIN.name} 市川EC物流センター`,
    nameKana: `${CHAIN.nameKana} いちかわいーしーぶつりゅうせんたー`,
    nameEn: `${CHAIN.nameEn} Ichikawa EC Fulfilment Centre`,
    prefecture: '千葉県',
    city: '市川市',
    address: '塩浜2-13-1',
    postalCode: '272-0127',
    phone: '047-395-0901',
    lat: 35.662,
    lng: 139.931,
    nearestStation: '市川塩浜駅',
    openingHours: week(['09:00', '18:00'], ['09:00', '18:00'], ['sun']),
    services: { pickup: false, orderAhead: false, deliveryRadiusKm: null, shipping: true },
    assortment: 0.93,
  },
];

export const locationIdOf = (l: Pick<ChainLocation, 'n'>) => seededId('loc', l.n);

/**
 * 店舗のサービス on the store page: the flagships (渋谷, 新宿) offer everything a shopper may ask for; the
 * others a few, by turn; the warehouse none.
 */
const FLAGSHIP_AMENITIES: Amenity[] = [
  'fitting',
  'alterations',
  'repair',
  'pickup_locker',
  'tax_free',
  'gift_wrapping',
  'accessible',
];
const AMENITY_SETS: Amenity[][] = [
  ['fitting', 'alterations', 'gift_wrapping', 'accessible'],
  ['fitting', 'pickup_locker', 'tax_free'],
  ['fitting', 'gift_wrapping', 'parking', 'accessible'],
];
function amenitiesOf(l: ChainLocation): Amenity[] {
  if (l.kind !== 'store') return [];
  if (l.slug === 'shibuya' || l.slug === 'shinjuku') return FLAGSHIP_AMENITIES;
  return AMENITY_SETS[l.n % AMENITY_SETS.length]!;
}

/** The insertable rows of the locations table. */
export function locationRows() {
  return CHAIN_LOCATIONS.map((l) => {
    const { n, slug: _slug, assortment: _a, ...rest } = l;
    return { id: seededId('loc', n), ...rest, amenities: amenitiesOf(l), timezone: 'Asia/Tokyo' };
  });
}

const DAY = 86_400_000;
/** `hh:mm` Japan time on the day `days` after today (Japan's date of `now`). */
function tokyoAt(now: number, days: number, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number);
  const tokyo = new Date(now + 9 * 3600_000);
  const midnight = Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), tokyo.getUTCDate()) - 9 * 3600_000;
  return new Date(midnight + days * DAY + ((h ?? 0) * 60 + (m ?? 0)) * 60_000);
}

/** 店舗イベント on the store pages: one on today at 渋谷店, and a few to come there and at other stores. */
export function storeEventRows(now: number): Array<typeof storeEvents.$inferInsert> {
  const at = (slug: string) => locationIdOf(CHAIN_LOCATIONS.find((l) => l.slug === slug)!);
  const plan: Array<[slug: string, days: number, from: string, to: string, title: string, description: string]> = [
    [
      'shibuya',
      0,
      '10:00',
      '23:00',
      'お直し相談会',
      'パンツの裾上げ・袖丈のご相談を、スタッフが店頭で承ります。当日お渡しできるものもございます。',
    ],
    [
      'shibuya',
      3,
      '13:00',
      '18:00',
      '秋冬コレクション先行展示会',
      '新作のコートとニットを、店頭発売の前にご覧いただけます。',
    ],
    [
      'shibuya',
      10,
      '14:00',
      '16:00',
      'ニットのお手入れワークショップ',
      '毛玉の取り方と洗い方を実演します（定員12名・参加無料）。',
    ],
    [
      'shinjuku',
      1,
      '11:00',
      '19:00',
      '会員限定 ポイント2倍デー',
      'アプリの会員証をご提示のお客様は、店内全品ポイント2倍。',
    ],
    [
      'kichijoji',
      5,
      '10:00',
      '12:00',
      '親子でつくる ギフトラッピング教室',
      'ご購入品のラッピングを一緒に楽しみましょう。',
    ],
  ];
  return plan
    .filter(([slug]) => CHAIN_LOCATIONS.some((l) => l.slug === slug))
    .map(([slug, days, from, to, title, description], i) => ({
      id: seededId('sev', i + 1),
      locationId: at(slug),
      title,
      description,
      startsAt: tokyoAt(now, days, from),
      endsAt: tokyoAt(now, days, to),
    }));
}
