/**
 * A chain at scale (issue 18 §3): 500 stores across Japan and their warehouses, 50,000 products / 200,000
 * variants with Japanese names and the catalog's own search keys, each store's assortment in stock, and
 * 1 M members with 10 M orders and 50 M events (generate-customers.ts / generate-orders.ts, reused).
 * `--scale tenth` makes the same chain 10× smaller (50 stores, 5,000 products, 100 k members, 1 M orders,
 * 5 M events) so the benchmark (`bench/chain.ts`) can print how each read grows with the chain.
 *
 *   nice -n 10 npx tsx bench/generate-chain.ts --url postgres://postgres@127.0.0.1:5432/chain_tenth --scale tenth
 *   nice -n 10 npx tsx bench/generate-chain.ts --url postgres://postgres@127.0.0.1:5432/chain_full --scale full
 *
 * The database is created when missing (and must be empty of bench rows). Everything is set-based: the
 * catalog goes in batches of 5,000 products as one JSON parameter each (its search keys are computed by
 * the catalog's `searchFields`, exactly as a product written through the API gets them), the stock levels,
 * members, orders and events with generate_series on the server, on one connection without JIT or
 * statement timeout. The connection's backend is reniced like the script (`nice`), so the server's side of
 * a long generation yields to other work too.
 *
 * Stock: a real chain does not carry its whole catalogue in every store. Each store stocks an assortment
 * of ASSORTMENT variants (4,000, drawn with a skew so the basics are in nearly every store and the long
 * tail in a few), 0–8 units each (about one in eight at 0, sold out); each warehouse stocks every variant.
 * Full: 500 × 4,000 ≈ 2 M store rows + 5 × 200,000 warehouse rows (not the 100 M rows of variants ×
 * locations); tenth: 50 × 4,000 ≈ 0.2 M + 20,000. A variant is in ~10 stores on average at both scales.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Database } from '../server/src/platform/db/connection.ts';
import { openDatabase } from '../server/src/platform/db/connection.ts';
import { migrate } from '../server/src/platform/db/migrate.ts';
import { makeJan } from '../server/src/modules/catalog/jan.ts';
import { searchFields } from '../server/src/modules/catalog/search-text.ts';
import { generateCustomers, reniceBackend } from './generate-customers.ts';
import { ORDERS_PER_MEMBER } from './generate-orders.ts';

export interface ChainScale {
  name: 'full' | 'tenth';
  stores: number;
  warehouses: number;
  products: number;
  customers: number;
  orders: number;
  events: number;
}

export const CHAIN_SCALES: Record<ChainScale['name'], ChainScale> = {
  full: {
    name: 'full',
    stores: 500,
    warehouses: 5,
    products: 50_000,
    customers: 1_000_000,
    orders: 10_000_000,
    events: 50_000_000,
  },
  tenth: {
    name: 'tenth',
    stores: 50,
    warehouses: 1,
    products: 5_000,
    customers: 100_000,
    orders: 1_000_000,
    events: 5_000_000,
  },
};

export const VARIANTS_PER_PRODUCT = 4;
/** Variants a store carries (its assortment), at both scales. */
export const ASSORTMENT = 4_000;

export const chainLocationId = (n: number) => `loc_c${String(n).padStart(4, '0')}`;
export const chainProductId = (n: number) => `prd_c${String(n).padStart(6, '0')}`;
export const chainVariantId = (n: number) => `var_c${String(n).padStart(7, '0')}`;

// ---------------------------------------------------------------------------------------------------
// Stores across Japan: cities weighted by how many stores a chain puts there, each store jittered a few km.

const CITIES: Array<[prefecture: string, city: string, lat: number, lng: number, weight: number]> = [
  ['北海道', '札幌市', 43.0618, 141.3545, 5],
  ['北海道', '旭川市', 43.7706, 142.365, 1],
  ['青森県', '青森市', 40.8244, 140.74, 1],
  ['岩手県', '盛岡市', 39.7036, 141.1527, 1],
  ['宮城県', '仙台市', 38.2682, 140.8694, 4],
  ['秋田県', '秋田市', 39.7186, 140.1024, 1],
  ['山形県', '山形市', 38.2404, 140.3633, 1],
  ['福島県', '郡山市', 37.4005, 140.3597, 1],
  ['茨城県', '水戸市', 36.3418, 140.4468, 2],
  ['栃木県', '宇都宮市', 36.5551, 139.8828, 2],
  ['群馬県', '高崎市', 36.3219, 139.0032, 2],
  ['埼玉県', 'さいたま市', 35.8617, 139.6455, 8],
  ['千葉県', '千葉市', 35.6074, 140.1065, 6],
  ['千葉県', '船橋市', 35.6947, 139.9826, 3],
  ['東京都', '渋谷区', 35.6618, 139.7041, 8],
  ['東京都', '新宿区', 35.6938, 139.7034, 8],
  ['東京都', '豊島区', 35.7295, 139.7109, 5],
  ['東京都', '中央区', 35.6717, 139.765, 5],
  ['東京都', '武蔵野市', 35.7033, 139.5797, 3],
  ['東京都', '八王子市', 35.6664, 139.316, 3],
  ['神奈川県', '横浜市', 35.4658, 139.6223, 10],
  ['神奈川県', '川崎市', 35.5308, 139.7029, 5],
  ['神奈川県', '相模原市', 35.5714, 139.3733, 2],
  ['新潟県', '新潟市', 37.9161, 139.0364, 2],
  ['富山県', '富山市', 36.6953, 137.2113, 1],
  ['石川県', '金沢市', 36.5613, 136.6562, 2],
  ['長野県', '長野市', 36.6485, 138.1942, 1],
  ['岐阜県', '岐阜市', 35.4233, 136.7607, 1],
  ['静岡県', '静岡市', 34.9756, 138.3828, 2],
  ['静岡県', '浜松市', 34.7108, 137.7261, 2],
  ['愛知県', '名古屋市', 35.1709, 136.8815, 9],
  ['愛知県', '豊田市', 35.0824, 137.1563, 2],
  ['三重県', '津市', 34.7186, 136.5057, 1],
  ['滋賀県', '大津市', 35.0045, 135.8686, 1],
  ['京都府', '京都市', 35.0116, 135.7681, 5],
  ['大阪府', '大阪市', 34.7025, 135.4959, 10],
  ['大阪府', '堺市', 34.5733, 135.4831, 3],
  ['兵庫県', '神戸市', 34.6901, 135.1955, 5],
  ['兵庫県', '姫路市', 34.8151, 134.6853, 1],
  ['奈良県', '奈良市', 34.6851, 135.8048, 1],
  ['和歌山県', '和歌山市', 34.2305, 135.1708, 1],
  ['鳥取県', '鳥取市', 35.5011, 134.2351, 1],
  ['島根県', '松江市', 35.4723, 133.0505, 1],
  ['岡山県', '岡山市', 34.6551, 133.9195, 2],
  ['広島県', '広島市', 34.3853, 132.4553, 3],
  ['山口県', '山口市', 34.1785, 131.4737, 1],
  ['徳島県', '徳島市', 34.0703, 134.5548, 1],
  ['香川県', '高松市', 34.3401, 134.0434, 1],
  ['愛媛県', '松山市', 33.8392, 132.7657, 1],
  ['高知県', '高知市', 33.5597, 133.5311, 1],
  ['福岡県', '福岡市', 33.5902, 130.4017, 6],
  ['福岡県', '北九州市', 33.8835, 130.8752, 2],
  ['佐賀県', '佐賀市', 33.2494, 130.2988, 1],
  ['長崎県', '長崎市', 32.7503, 129.8779, 1],
  ['熊本県', '熊本市', 32.8031, 130.7079, 2],
  ['大分県', '大分市', 33.2382, 131.6126, 1],
  ['宮崎県', '宮崎市', 31.9077, 131.4202, 1],
  ['鹿児島県', '鹿児島市', 31.5966, 130.5571, 2],
  ['沖縄県', '那覇市', 26.2124, 127.6809, 2],
];

/** Warehouses (物流センター), the first ones first: the tenth has only the first. */
const WAREHOUSES: Array<[string, string, string, number, number]> = [
  ['神奈川県', '川崎市', '川崎物流センター', 35.5308, 139.7029],
  ['大阪府', '茨木市', '茨木物流センター', 34.8164, 135.5686],
  ['福岡県', '古賀市', '福岡物流センター', 33.7287, 130.47],
  ['宮城県', '岩沼市', '仙台物流センター', 38.1044, 140.8703],
  ['愛知県', '小牧市', '小牧物流センター', 35.2911, 136.9122],
];

/** A deterministic draw in [0, 1) (a run is reproducible). */
function draw(seed: number): number {
  let x = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

interface StoreRow {
  id: string;
  code: string;
  name: string;
  kind: 'store' | 'warehouse';
  prefecture: string;
  city: string;
  lat: number;
  lng: number;
}

export function chainLocations(scale: ChainScale): StoreRow[] {
  const total = CITIES.reduce((s, c) => s + c[4], 0);
  const rows: StoreRow[] = [];
  const perCity = new Map<string, number>();
  for (let i = 0; i < scale.stores; i++) {
    // Walk the cumulative weights with a draw: cities get stores in proportion to their weight.
    let u = draw(i * 7 + 1) * total;
    let c = CITIES[0]!;
    for (const city of CITIES) {
      u -= city[4];
      if (u < 0) {
        c = city;
        break;
      }
    }
    const [prefecture, city, lat, lng] = c;
    const n = (perCity.get(city) ?? 0) + 1;
    perCity.set(city, n);
    // Within ~8 km of the centre (0.07° of latitude is ~8 km).
    const r = 0.07 * Math.sqrt(draw(i * 7 + 2));
    const a = 2 * Math.PI * draw(i * 7 + 3);
    rows.push({
      id: chainLocationId(i),
      code: `S${String(i + 1).padStart(4, '0')}`,
      name: `${city.replace(/[市区]$/, '')}${n === 1 ? '' : `${n}号`}店`,
      kind: 'store',
      prefecture,
      city,
      lat: Math.round((lat + r * Math.sin(a)) * 1e5) / 1e5,
      lng: Math.round((lng + (r * Math.cos(a)) / Math.cos((lat * Math.PI) / 180)) * 1e5) / 1e5,
    });
  }
  for (let w = 0; w < scale.warehouses; w++) {
    const [prefecture, city, name, lat, lng] = WAREHOUSES[w % WAREHOUSES.length]!;
    rows.push({
      id: chainLocationId(scale.stores + w),
      code: `W${String(w + 1).padStart(3, '0')}`,
      name,
      kind: 'warehouse',
      prefecture,
      city,
      lat,
      lng,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// The catalogue: 8 departments × 4 subcategories; names are 「形容 素材 品目」 with their readings, so every
// name has a right reading (the kana search key) and searches hit realistic shares of the catalogue.

type Named = [name: string, kana: string];
const CATALOG: Array<{ dept: Named; en: string; subs: Array<{ sub: Named; en: string; items: Named[] }> }> = [
  {
    dept: ['トップス', 'とっぷす'],
    en: 'Tops',
    subs: [
      {
        sub: ['シャツ', 'しゃつ'],
        en: 'Shirts',
        items: [
          ['オックスフォードシャツ', 'おっくすふぉーどしゃつ'],
          ['バンドカラーシャツ', 'ばんどからーしゃつ'],
          ['ブラウス', 'ぶらうす'],
          ['開襟シャツ', 'かいきんしゃつ'],
        ],
      },
      {
        sub: ['ニット', 'にっと'],
        en: 'Knitwear',
        items: [
          ['クルーネックニット', 'くるーねっくにっと'],
          ['カーディガン', 'かーでぃがん'],
          ['タートルネック', 'たーとるねっく'],
          ['ベスト', 'べすと'],
        ],
      },
      {
        sub: ['カットソー', 'かっとそー'],
        en: 'Cut and sewn',
        items: [
          ['Tシャツ', 'てぃーしゃつ'],
          ['ロングスリーブT', 'ろんぐすりーぶてぃー'],
          ['ポロシャツ', 'ぽろしゃつ'],
          ['スウェット', 'すうぇっと'],
        ],
      },
      {
        sub: ['パーカー', 'ぱーかー'],
        en: 'Hoodies',
        items: [
          ['プルオーバーパーカー', 'ぷるおーばーぱーかー'],
          ['ジップパーカー', 'じっぷぱーかー'],
          ['フーディー', 'ふーでぃー'],
          ['トレーナー', 'とれーなー'],
        ],
      },
    ],
  },
  {
    dept: ['ボトムス', 'ぼとむす'],
    en: 'Bottoms',
    subs: [
      {
        sub: ['パンツ', 'ぱんつ'],
        en: 'Trousers',
        items: [
          ['ワイドパンツ', 'わいどぱんつ'],
          ['テーパードパンツ', 'てーぱーどぱんつ'],
          ['チノパン', 'ちのぱん'],
          ['イージーパンツ', 'いーじーぱんつ'],
        ],
      },
      {
        sub: ['スカート', 'すかーと'],
        en: 'Skirts',
        items: [
          ['フレアスカート', 'ふれあすかーと'],
          ['プリーツスカート', 'ぷりーつすかーと'],
          ['タイトスカート', 'たいとすかーと'],
          ['ジャンパースカート', 'じゃんぱーすかーと'],
        ],
      },
      {
        sub: ['デニム', 'でにむ'],
        en: 'Denim',
        items: [
          ['ストレートジーンズ', 'すとれーとじーんず'],
          ['スリムジーンズ', 'すりむじーんず'],
          ['デニムスカート', 'でにむすかーと'],
          ['デニムショーツ', 'でにむしょーつ'],
        ],
      },
      {
        sub: ['ショーツ', 'しょーつ'],
        en: 'Shorts',
        items: [
          ['ハーフパンツ', 'はーふぱんつ'],
          ['カーゴショーツ', 'かーごしょーつ'],
          ['スイムショーツ', 'すいむしょーつ'],
          ['ルームパンツ', 'るーむぱんつ'],
        ],
      },
    ],
  },
  {
    dept: ['アウター', 'あうたー'],
    en: 'Outerwear',
    subs: [
      {
        sub: ['コート', 'こーと'],
        en: 'Coats',
        items: [
          ['ステンカラーコート', 'すてんからーこーと'],
          ['チェスターコート', 'ちぇすたーこーと'],
          ['トレンチコート', 'とれんちこーと'],
          ['ダッフルコート', 'だっふるこーと'],
        ],
      },
      {
        sub: ['ジャケット', 'じゃけっと'],
        en: 'Jackets',
        items: [
          ['テーラードジャケット', 'てーらーどじゃけっと'],
          ['デニムジャケット', 'でにむじゃけっと'],
          ['ノーカラージャケット', 'のーからーじゃけっと'],
          ['シャツジャケット', 'しゃつじゃけっと'],
        ],
      },
      {
        sub: ['ブルゾン', 'ぶるぞん'],
        en: 'Blousons',
        items: [
          ['MA-1ブルゾン', 'えむえーわんぶるぞん'],
          ['コーチジャケット', 'こーちじゃけっと'],
          ['マウンテンパーカー', 'まうんてんぱーかー'],
          ['ボアブルゾン', 'ぼあぶるぞん'],
        ],
      },
      {
        sub: ['ダウン', 'だうん'],
        en: 'Down',
        items: [
          ['ダウンジャケット', 'だうんじゃけっと'],
          ['ダウンベスト', 'だうんべすと'],
          ['ダウンコート', 'だうんこーと'],
          ['中綿ジャケット', 'なかわたじゃけっと'],
        ],
      },
    ],
  },
  {
    dept: ['シューズ', 'しゅーず'],
    en: 'Shoes',
    subs: [
      {
        sub: ['スニーカー', 'すにーかー'],
        en: 'Sneakers',
        items: [
          ['ローカットスニーカー', 'ろーかっとすにーかー'],
          ['ハイカットスニーカー', 'はいかっとすにーかー'],
          ['スリッポン', 'すりっぽん'],
          ['ランニングシューズ', 'らんにんぐしゅーず'],
        ],
      },
      {
        sub: ['ブーツ', 'ぶーつ'],
        en: 'Boots',
        items: [
          ['サイドゴアブーツ', 'さいどごあぶーつ'],
          ['レースアップブーツ', 'れーすあっぷぶーつ'],
          ['レインブーツ', 'れいんぶーつ'],
          ['ショートブーツ', 'しょーとぶーつ'],
        ],
      },
      {
        sub: ['革靴', 'かわぐつ'],
        en: 'Leather shoes',
        items: [
          ['ローファー', 'ろーふぁー'],
          ['プレーントゥ', 'ぷれーんとぅ'],
          ['パンプス', 'ぱんぷす'],
          ['モカシン', 'もかしん'],
        ],
      },
      {
        sub: ['サンダル', 'さんだる'],
        en: 'Sandals',
        items: [
          ['スポーツサンダル', 'すぽーつさんだる'],
          ['下駄', 'げた'],
          ['雪駄', 'せった'],
          ['スライドサンダル', 'すらいどさんだる'],
        ],
      },
    ],
  },
  {
    dept: ['バッグ', 'ばっぐ'],
    en: 'Bags',
    subs: [
      {
        sub: ['トートバッグ', 'とーとばっぐ'],
        en: 'Totes',
        items: [
          ['キャンバストート', 'きゃんばすとーと'],
          ['レザートート', 'れざーとーと'],
          ['エコバッグ', 'えこばっぐ'],
          ['マルシェバッグ', 'まるしぇばっぐ'],
        ],
      },
      {
        sub: ['リュック', 'りゅっく'],
        en: 'Backpacks',
        items: [
          ['デイパック', 'でいぱっく'],
          ['ロールトップリュック', 'ろーるとっぷりゅっく'],
          ['通勤リュック', 'つうきんりゅっく'],
          ['ミニリュック', 'みにりゅっく'],
        ],
      },
      {
        sub: ['ショルダーバッグ', 'しょるだーばっぐ'],
        en: 'Shoulder bags',
        items: [
          ['サコッシュ', 'さこっしゅ'],
          ['ボディバッグ', 'ぼでぃばっぐ'],
          ['ポシェット', 'ぽしぇっと'],
          ['メッセンジャーバッグ', 'めっせんじゃーばっぐ'],
        ],
      },
      {
        sub: ['財布', 'さいふ'],
        en: 'Wallets',
        items: [
          ['長財布', 'ながざいふ'],
          ['二つ折り財布', 'ふたつおりさいふ'],
          ['小銭入れ', 'こぜにいれ'],
          ['カードケース', 'かーどけーす'],
        ],
      },
    ],
  },
  {
    dept: ['雑貨', 'ざっか'],
    en: 'Accessories',
    subs: [
      {
        sub: ['帽子', 'ぼうし'],
        en: 'Hats',
        items: [
          ['キャップ', 'きゃっぷ'],
          ['バケットハット', 'ばけっとはっと'],
          ['ニット帽', 'にっとぼう'],
          ['麦わら帽子', 'むぎわらぼうし'],
        ],
      },
      {
        sub: ['ストール', 'すとーる'],
        en: 'Scarves',
        items: [
          ['マフラー', 'まふらー'],
          ['大判ストール', 'おおばんすとーる'],
          ['手ぬぐい', 'てぬぐい'],
          ['バンダナ', 'ばんだな'],
        ],
      },
      {
        sub: ['傘', 'かさ'],
        en: 'Umbrellas',
        items: [
          ['折りたたみ傘', 'おりたたみがさ'],
          ['長傘', 'ながかさ'],
          ['日傘', 'ひがさ'],
          ['ビニール傘', 'びにーるがさ'],
        ],
      },
      {
        sub: ['靴下', 'くつした'],
        en: 'Socks',
        items: [
          ['スニーカーソックス', 'すにーかーそっくす'],
          ['リブソックス', 'りぶそっくす'],
          ['足袋ソックス', 'たびそっくす'],
          ['タイツ', 'たいつ'],
        ],
      },
    ],
  },
  {
    dept: ['インナー', 'いんなー'],
    en: 'Innerwear',
    subs: [
      {
        sub: ['肌着', 'はだぎ'],
        en: 'Undershirts',
        items: [
          ['タンクトップ', 'たんくとっぷ'],
          ['半袖インナー', 'はんそでいんなー'],
          ['長袖インナー', 'ながそでいんなー'],
          ['キャミソール', 'きゃみそーる'],
        ],
      },
      {
        sub: ['ルームウェア', 'るーむうぇあ'],
        en: 'Loungewear',
        items: [
          ['パジャマ', 'ぱじゃま'],
          ['ルームシューズ', 'るーむしゅーず'],
          ['ガウン', 'がうん'],
          ['甚平', 'じんべい'],
        ],
      },
      {
        sub: ['レッグウェア', 'れっぐうぇあ'],
        en: 'Legwear',
        items: [
          ['レギンス', 'れぎんす'],
          ['ストッキング', 'すとっきんぐ'],
          ['レッグウォーマー', 'れっぐうぉーまー'],
          ['ハイソックス', 'はいそっくす'],
        ],
      },
      {
        sub: ['ブラ', 'ぶら'],
        en: 'Bras',
        items: [
          ['ワイヤレスブラ', 'わいやれすぶら'],
          ['スポーツブラ', 'すぽーつぶら'],
          ['ブラトップ', 'ぶらとっぷ'],
          ['ナイトブラ', 'ないとぶら'],
        ],
      },
    ],
  },
  {
    dept: ['キッチン', 'きっちん'],
    en: 'Kitchen',
    subs: [
      {
        sub: ['食器', 'しょっき'],
        en: 'Tableware',
        items: [
          ['マグカップ', 'まぐかっぷ'],
          ['茶碗', 'ちゃわん'],
          ['豆皿', 'まめざら'],
          ['湯呑み', 'ゆのみ'],
        ],
      },
      {
        sub: ['調理器具', 'ちょうりきぐ'],
        en: 'Cookware',
        items: [
          ['まな板', 'まないた'],
          ['フライパン', 'ふらいぱん'],
          ['土鍋', 'どなべ'],
          ['包丁', 'ほうちょう'],
        ],
      },
      {
        sub: ['保存容器', 'ほぞんようき'],
        en: 'Storage',
        items: [
          ['弁当箱', 'べんとうばこ'],
          ['キャニスター', 'きゃにすたー'],
          ['タンブラー', 'たんぶらー'],
          ['水筒', 'すいとう'],
        ],
      },
      {
        sub: ['タオル', 'たおる'],
        en: 'Towels',
        items: [
          ['フェイスタオル', 'ふぇいすたおる'],
          ['バスタオル', 'ばすたおる'],
          ['ハンドタオル', 'はんどたおる'],
          ['今治タオル', 'いまばりたおる'],
        ],
      },
    ],
  },
];

const ADJECTIVES: Named[] = [
  ['軽量', 'けいりょう'],
  ['撥水', 'はっすい'],
  ['ストレッチ', 'すとれっち'],
  ['オーバーサイズ', 'おーばーさいず'],
  ['やわらか', 'やわらか'],
  ['厚手', 'あつで'],
  ['薄手', 'うすで'],
  ['速乾', 'そっかん'],
  ['防風', 'ぼうふう'],
  ['リラックス', 'りらっくす'],
  ['ヴィンテージ', 'う゛ぃんてーじ'],
  ['ベーシック', 'べーしっく'],
  ['国産', 'こくさん'],
  ['北欧', 'ほくおう'],
  ['洗える', 'あらえる'],
  ['暖か', 'あたたか'],
  ['接触冷感', 'せっしょくれいかん'],
  ['日本製', 'にほんせい'],
  ['ウォッシャブル', 'うぉっしゃぶる'],
  ['ミニマル', 'みにまる'],
];
const MATERIALS: Named[] = [
  ['コットン', 'こっとん'],
  ['リネン', 'りねん'],
  ['ウール', 'うーる'],
  ['カシミヤ', 'かしみや'],
  ['デニム', 'でにむ'],
  ['レザー', 'れざー'],
  ['ナイロン', 'ないろん'],
  ['フリース', 'ふりーす'],
  ['麻混', 'あさまじり'],
  ['シルク', 'しるく'],
  ['オーガニックコットン', 'おーがにっくこっとん'],
  ['ポリエステル', 'ぽりえすてる'],
  ['コーデュロイ', 'こーでゅろい'],
  ['ツイード', 'ついーど'],
  ['帆布', 'はんぷ'],
  ['和紙', 'わし'],
];
const LINES: Named[] = [
  ['', ''],
  ['定番', 'ていばん'],
  ['2026春夏', '2026はるなつ'],
  ['2026秋冬', '2026あきふゆ'],
  ['限定', 'げんてい'],
];
const COLOURS = [
  'ホワイト',
  'ブラック',
  'ネイビー',
  'グレー',
  'ベージュ',
  'カーキ',
  'ブラウン',
  'ブルー',
  'レッド',
  'グリーン',
];
const SIZES = ['S', 'M', 'L', 'XL'];

export interface ChainProduct {
  id: string;
  code: string;
  name: string;
  nameKana: string;
  categoryIndex: number;
  price: number;
}

/** Product n: its subcategory cycles (so every subcategory holds 1/32 of the catalogue), its words vary. */
export function chainProduct(n: number): ChainProduct {
  const subs = CATALOG.flatMap((d) => d.subs);
  const s = n % subs.length;
  const sub = subs[s]!;
  const k = Math.floor(n / subs.length);
  const item = sub.items[k % sub.items.length]!;
  const adj = ADJECTIVES[Math.floor(k / sub.items.length) % ADJECTIVES.length]!;
  const mat = MATERIALS[Math.floor(k / (sub.items.length * ADJECTIVES.length)) % MATERIALS.length]!;
  const line = LINES[Math.floor(k / (sub.items.length * ADJECTIVES.length * MATERIALS.length)) % LINES.length]!;
  const serial = String(n + 1).padStart(5, '0');
  return {
    id: chainProductId(n),
    code: `C${serial}`,
    name: [adj[0], mat[0], item[0], line[0]].filter(Boolean).join(' ') + ` No.${serial}`,
    nameKana: [adj[1], mat[1], item[1], line[1]].filter(Boolean).join(' ') + ` No.${serial}`,
    categoryIndex: s,
    price: 990 * (1 + Math.floor(draw(n * 3 + 11) * 12)),
  };
}

/** Variant i of product n: two colours × two sizes (4 in all). */
export function chainVariant(n: number, i: number) {
  const c0 = Math.floor(draw(n * 3 + 12) * COLOURS.length);
  const colour = COLOURS[(c0 + (i >> 1) * 3) % COLOURS.length]!;
  const size = SIZES[(n % 3) + (i & 1)]!;
  const number = n * VARIANTS_PER_PRODUCT + i;
  return {
    id: chainVariantId(number),
    sku: `C${String(n + 1).padStart(5, '0')}-${String(i + 1).padStart(2, '0')}`,
    // 45 (in-store code range 20–29 is for the shop's own; 45/49 are Japan's) + a 10-digit serial
    jan: makeJan(`45${String(number).padStart(10, '0')}`),
    options: { カラー: colour, サイズ: size },
  };
}

// ---------------------------------------------------------------------------------------------------

export type Run = (label: string, text: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * The chain's catalogue: its categories, `products` products and their variants (VARIANTS_PER_PRODUCT
 * each), with the search keys the catalogue computes. Also what bench/search-pages.ts measures search on.
 */
export async function insertChainCatalog(run: Run, products: number, log: (m: string) => void): Promise<void> {
  // Categories.
  const categoryIds: string[] = [];
  const categoryNames: string[][] = [];
  for (const [d, dept] of CATALOG.entries()) {
    const deptId = `cat_c${d}`;
    await run('', 'INSERT INTO categories (id, name, name_kana, name_en, sort) VALUES ($1, $2, $3, $4, $5)', [
      deptId,
      dept.dept[0],
      dept.dept[1],
      dept.en,
      d,
    ]);
    for (const [s, sub] of dept.subs.entries()) {
      const id = `cat_c${d}_${s}`;
      await run(
        '',
        'INSERT INTO categories (id, name, name_kana, name_en, parent_id, sort) VALUES ($1, $2, $3, $4, $5, $6)',
        [id, sub.sub[0], sub.sub[1], sub.en, deptId, s],
      );
      categoryIds.push(id);
      categoryNames.push([sub.sub[0], sub.sub[1], sub.en]);
    }
  }

  // Products and variants, 5,000 products a statement, search keys as the catalogue computes them.
  const t0 = performance.now();
  const batch = 5_000;
  for (let from = 0; from < products; from += batch) {
    const ps: unknown[] = [];
    const vs: unknown[] = [];
    for (let n = from; n < Math.min(products, from + batch); n++) {
      const p = chainProduct(n);
      const variants = Array.from({ length: VARIANTS_PER_PRODUCT }, (_, i) => chainVariant(n, i));
      const f = searchFields({
        name: p.name,
        nameKana: p.nameKana,
        categoryNames: categoryNames[p.categoryIndex],
        skus: variants.map((v) => v.sku),
        jans: variants.map((v) => v.jan),
        options: [...new Set(variants.flatMap((v) => Object.values(v.options)))],
      });
      ps.push({
        id: p.id,
        code: p.code,
        name: p.name,
        name_kana: p.nameKana,
        category_id: categoryIds[p.categoryIndex],
        search_text: f.searchText,
        search_grams: f.searchGrams,
        sort_key: f.sortKey,
        price: p.price,
        // new arrivals spread over two years, the newest products last
        created_days: Math.floor(730 * (1 - n / products)),
      });
      for (const v of variants) vs.push({ ...v, product_id: p.id, price: p.price });
    }
    // The figures the variants' trigger keeps (one price, every variant active) go in with the product,
    // so the trigger finds nothing to change and leaves no second version of each product row behind.
    await run(
      '',
      `INSERT INTO products (id, code, name, name_kana, description, category_id, tax_rate, search_text, search_grams, sort_key,
                             price_min, price_max, active_variants, created_at, updated_at)
       SELECT id, code, name, name_kana, name || 'です。', category_id, 10, search_text, search_grams, sort_key,
              price, price, $2, now() - make_interval(days => created_days), now() - make_interval(days => created_days)
         FROM jsonb_to_recordset($1::jsonb) AS t(id text, code text, name text, name_kana text, category_id text,
              search_text text, search_grams text[], sort_key text, price int, created_days int)`,
      [JSON.stringify(ps), VARIANTS_PER_PRODUCT],
    );
    await run(
      '',
      `INSERT INTO variants (id, product_id, sku, jan, price, options)
       SELECT id, product_id, sku, jan, price, options FROM jsonb_to_recordset($1::jsonb) AS t(id text, product_id text, sku text, jan text, price int, options jsonb)`,
      [JSON.stringify(vs)],
    );
  }
  log(
    `${products.toLocaleString('en-US')} products, ${(products * VARIANTS_PER_PRODUCT).toLocaleString('en-US')} variants (${Math.round(performance.now() - t0)} ms)`,
  );
}

export async function generateChain(database: Database, scale: ChainScale, log: (m: string) => void): Promise<void> {
  if (!database.pool) throw new Error('generateChain needs a Postgres server');
  const client = await database.pool.connect();
  const run: Run = async (label, text, params = []) => {
    const t0 = performance.now();
    const config: pg.QueryConfig & { query_timeout: number } = { text, values: params, query_timeout: 4 * 3_600_000 };
    const r = await client.query(config);
    if (label)
      log(
        `${label}${r.rowCount ? `: ${r.rowCount.toLocaleString('en-US')} rows` : ''} (${Math.round(performance.now() - t0)} ms)`,
      );
    return r.rows as Array<Record<string, unknown>>;
  };
  try {
    for (const set of ['statement_timeout = 0', 'jit = off', 'synchronous_commit = off', "work_mem = '256MB'"])
      await client.query(`SET ${set}`);
    await reniceBackend(client, log);
    const [done] = await run('', `SELECT EXISTS (SELECT 1 FROM locations WHERE id = $1) AS done`, [chainLocationId(0)]);
    if (done?.done) throw new Error('this database already has the chain: drop it first');

    // Locations.
    const locs = chainLocations(scale);
    const hours = Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, { open: '10:00', close: '21:00' }]),
    );
    await run(
      `${scale.stores} stores + ${scale.warehouses} warehouses`,
      `INSERT INTO locations (id, code, name, kind, prefecture, city, address, lat, lng, opening_hours, services)
       SELECT id, code, name, kind, prefecture, city, city || '1-1-1', lat, lng, $2::jsonb,
              jsonb_build_object('pickup', kind = 'store', 'orderAhead', false, 'deliveryRadiusKm', NULL, 'shipping', kind = 'warehouse')
         FROM jsonb_to_recordset($1::jsonb) AS t(id text, code text, name text, kind text, prefecture text, city text, lat float8, lng float8)`,
      [JSON.stringify(locs), JSON.stringify(hours)],
    );

    await insertChainCatalog(run, scale.products, log);

    // Stock: each store's assortment (skewed to the popular — low-numbered — variants), every variant in each warehouse.
    const variantCount = scale.products * VARIANTS_PER_PRODUCT;
    await run(
      `stock: ${ASSORTMENT.toLocaleString('en-US')}-variant assortment per store`,
      // Draws with a skew (power 2.2: the low-numbered variants are the chain's basics), duplicates dropped,
      // the first ASSORTMENT distinct ones kept: exactly ASSORTMENT rows a store at both scales.
      `INSERT INTO stock_levels (variant_id, location_id, on_hand, updated_at)
       SELECT 'var_c' || lpad(v::text, 7, '0'), 'loc_c' || lpad(s::text, 4, '0'),
              CASE WHEN (hashint8(s::bigint * 1000003 + v) & 7) = 0 THEN 0 ELSE 1 + (hashint8(s::bigint * 7 + v) & 7)::int END,
              now() - make_interval(mins => (hashint8(v::bigint * 13 + s) & 65535)::int)
         FROM (SELECT s, v, row_number() OVER (PARTITION BY s ORDER BY j) AS r
                 FROM (SELECT s, v, min(j) AS j
                         FROM generate_series(0, $1::int - 1) AS s
                        CROSS JOIN generate_series(1, $2::int) AS j
                        CROSS JOIN LATERAL (SELECT floor($3::int * power(((hashint8(s::bigint * 1048576 + j) & 2147483647)::float8 / 2147483648.0), 2.2))::int AS v) AS pick
                        GROUP BY s, v) d) k
        WHERE r <= $4::int`,
      [scale.stores, Math.round(ASSORTMENT * 1.6), variantCount, ASSORTMENT],
    );
    await run(
      'stock: every variant at each warehouse',
      `INSERT INTO stock_levels (variant_id, location_id, on_hand)
       SELECT 'var_c' || lpad(v::text, 7, '0'), 'loc_c' || lpad(w::text, 4, '0'), 20 + (hashint8(v::bigint * 31 + w) & 127)::int
         FROM generate_series($1::int, $1::int + $2::int - 1) AS w CROSS JOIN generate_series(0, $3::int - 1) AS v`,
      [scale.stores, scale.warehouses, variantCount],
    );
  } finally {
    client.release(true);
  }

  // Members, their orders and events: the existing generator, with this chain's stores and catalogue.
  const variantIds = Array.from({ length: scale.products * VARIANTS_PER_PRODUCT }, (_, i) => chainVariantId(i));
  const productOfVariant = variantIds.map((_, i) => chainProductId(Math.floor(i / VARIANTS_PER_PRODUCT)));
  const locs = chainLocations(scale);
  const storeIds = locs.filter((l) => l.kind === 'store').map((l) => l.id);
  await generateCustomers(
    database,
    {
      customers: scale.customers,
      events: scale.events,
      ordersFactor: scale.orders / (scale.customers * ORDERS_PER_MEMBER),
      stockEverywhere: false, // the assortments above instead of every variant everywhere
    },
    {
      locationIds: storeIds, // store visits, holds and notes are at stores
      storeIds,
      variantIds,
      productIds: Array.from({ length: scale.products }, (_, n) => chainProductId(n)),
      productOfVariant,
    },
    log,
    { renice: true },
  );
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const url = arg('url') ?? process.env.BENCH_DATABASE_URL;
  const scaleName = (arg('scale') ?? 'tenth') as ChainScale['name'];
  const scale = CHAIN_SCALES[scaleName];
  if (!url || !scale)
    throw new Error('usage: tsx bench/generate-chain.ts --url postgres://…/chain_tenth [--scale tenth|full]');
  // Create the database when it does not exist.
  const admin = new URL(url);
  const dbName = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
  if (!exists.rowCount) await c.query(`CREATE DATABASE "${dbName.replace(/"/g, '')}"`);
  await c.end();

  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  const started = performance.now();
  const log = (m: string) =>
    console.log(
      `  [${new Date().toISOString().slice(11, 19)} +${Math.round((performance.now() - started) / 1000)} s] ${m}`,
    );
  try {
    await migrate(database);
    console.log(
      `chain ${scale.name}: ${JSON.stringify(scale)}, load average ${os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
    await generateChain(database, scale, log);
    console.log(
      `chain ${scale.name} generated in ${Math.round((performance.now() - started) / 1000)} s; load average now ${os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await database.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
