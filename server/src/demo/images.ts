import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { productImages } from '../modules/catalog/schema.ts';
import { imageKey } from '../modules/catalog/service.ts';
import { seededId } from '../platform/ids.ts';
import { putAll, type ObjectStore } from '../platform/storage/storage.ts';

/**
 * The demo's product pictures, drawn here rather than downloaded: a flat illustration per kind of item
 * (a jacket, a shirt, a cup, a shoe …) in the variant's colour, on a soft ground, rendered by sharp from
 * SVG. One picture set per kind × colour is rendered and shared by every product of that kind and colour
 * (234 sets for the 604 products), at 200/400/800 wide — a few seconds at first start.
 */

type Shape = keyof typeof SHAPES;

/** The colour names of the demo's カラー option, as paint. */
const COLOURS: Record<string, string> = {
  ネイビー: '#2b3a55',
  ブラック: '#2a2a2c',
  カーキ: '#7d7450',
  ベージュ: '#d5c1a1',
  ホワイト: '#fbfbf8',
  オフホワイト: '#f1ebdd',
  ボルドー: '#6e2434',
  オリーブ: '#5f6b3a',
  グレー: '#a4a7ab',
  チャコール: '#4a4c50',
  ブラウン: '#7a5338',
  ライトブルー: '#a9c6e0',
  ワンウォッシュ: '#34507a',
  インディゴ: '#27345c',
  キャメル: '#b98a52',
  ダークブラウン: '#4e3424',
  ナチュラル: '#e3d6bb',
  藍: '#2c4a7a',
  飴釉: '#9a5a24',
  灰釉: '#b9b7a8',
  織部: '#3f6f4f',
  白磁: '#f6f5f0',
  ピンク: '#e8b4bc',
  ミント: '#a8d8c4',
  アイボリー: '#f3ecd8',
  グリーン: '#4f7d4f',
  レッド: '#b8383a',
  クラフト: '#c49a6c',
  シルバー: '#c5c8cc',
};

const dark = (hex: string, f = 0.78) =>
  `#${[1, 3, 5]
    .map((i) =>
      Math.round(Number.parseInt(hex.slice(i, i + 2), 16) * f)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;

/** Each kind's drawing on an 800 × 1000 canvas: `c` the paint, `d` a darker line of it. */
const SHAPES = {
  tee: (c: string, d: string) =>
    `<path d="M290 230 L350 200 Q400 250 450 200 L510 230 L620 330 L560 400 L520 370 L520 780 L280 780 L280 370 L240 400 L180 330 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M350 200 Q400 250 450 200" fill="none" stroke="${d}" stroke-width="8"/>`,
  shirt: (c: string, d: string) =>
    `<path d="M300 220 L360 195 L400 240 L440 195 L500 220 L600 320 L600 760 L520 760 L520 380 L520 800 L280 800 L280 380 L280 760 L200 760 L200 320 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M360 195 L400 290 L440 195 M400 290 L400 800" fill="none" stroke="${d}" stroke-width="6"/><g fill="${d}"><circle cx="412" cy="360" r="7"/><circle cx="412" cy="460" r="7"/><circle cx="412" cy="560" r="7"/><circle cx="412" cy="660" r="7"/></g>`,
  knit: (c: string, d: string) =>
    `<path d="M300 220 Q400 270 500 220 L600 300 L640 760 L570 770 L530 400 L530 800 L270 800 L270 400 L230 770 L160 760 L200 300 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M300 220 Q400 290 500 220" fill="none" stroke="${d}" stroke-width="14"/><path d="M270 770 L530 770 M165 735 L232 742 M568 742 L635 735" stroke="${d}" stroke-width="10"/>`,
  hoodie: (c: string, d: string) =>
    `<path d="M320 250 Q320 140 400 140 Q480 140 480 250 L600 310 L640 760 L570 770 L530 420 L530 800 L270 800 L270 420 L230 770 L160 760 L200 310 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M340 250 Q400 320 460 250" fill="none" stroke="${d}" stroke-width="8"/><path d="M320 600 L480 600 L460 700 L340 700 Z" fill="none" stroke="${d}" stroke-width="6"/>`,
  jacket: (c: string, d: string) =>
    `<path d="M310 200 L370 180 L400 230 L430 180 L490 200 L610 300 L650 780 L575 790 L540 420 L540 820 L260 820 L260 420 L225 790 L150 780 L190 300 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M370 180 L400 520 L430 180 M400 230 L400 820" fill="none" stroke="${d}" stroke-width="6"/><path d="M300 600 L360 600 M440 600 L500 600" stroke="${d}" stroke-width="8"/>`,
  coat: (c: string, d: string) =>
    `<path d="M320 170 L375 150 L400 200 L425 150 L480 170 L600 270 L640 760 L570 770 L540 400 L560 880 L240 880 L260 400 L230 770 L160 760 L200 270 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M375 150 L330 300 L400 420 L470 300 L425 150 M400 420 L400 880" fill="none" stroke="${d}" stroke-width="6"/><g fill="${d}"><circle cx="430" cy="500" r="9"/><circle cx="430" cy="610" r="9"/><circle cx="430" cy="720" r="9"/></g>`,
  vest: (c: string, d: string) =>
    `<path d="M320 200 L370 190 L400 250 L430 190 L480 200 Q500 330 560 360 L560 800 L240 800 L240 360 Q300 330 320 200 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M400 250 L400 800" stroke="${d}" stroke-width="6"/>`,
  pants: (c: string, d: string) =>
    `<path d="M280 180 L520 180 L560 860 L440 860 L400 360 L360 860 L240 860 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M280 230 L520 230 M400 180 L400 360" stroke="${d}" stroke-width="6"/>`,
  skirt: (c: string, d: string) =>
    `<path d="M310 220 L490 220 L600 820 L200 820 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M310 270 L490 270 M360 270 L320 820 M440 270 L480 820 M400 270 L400 820" stroke="${d}" stroke-width="5"/>`,
  sneaker: (c: string, d: string) =>
    `<path d="M150 640 Q150 520 260 500 L360 470 Q420 560 520 560 L620 590 Q680 610 680 680 L680 700 L150 700 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M140 700 L690 700 L690 740 Q690 760 660 760 L170 760 Q140 760 140 730 Z" fill="#f4f2ee" stroke="#b8b2a8" stroke-width="6"/><path d="M330 500 L380 570 M370 490 L420 560" stroke="${d}" stroke-width="8"/>`,
  boot: (c: string, d: string) =>
    `<path d="M280 260 L450 260 L460 560 Q560 580 640 630 Q680 660 680 700 L680 730 L260 730 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M250 730 L690 730 L690 770 L250 770 Z" fill="${d}"/>`,
  bag: (c: string, d: string) =>
    `<path d="M300 380 Q300 200 400 200 Q500 200 500 380" fill="none" stroke="${d}" stroke-width="22"/><path d="M200 380 L600 380 L640 820 L160 820 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/>`,
  backpack: (c: string, d: string) =>
    `<path d="M340 260 Q340 190 400 190 Q460 190 460 260" fill="none" stroke="${d}" stroke-width="18"/><rect x="230" y="250" width="340" height="570" rx="90" fill="${c}" stroke="${d}" stroke-width="6"/><rect x="290" y="560" width="220" height="190" rx="30" fill="none" stroke="${d}" stroke-width="6"/>`,
  umbrella: (c: string, d: string) =>
    `<path d="M150 470 Q170 210 400 200 Q630 210 650 470 Q600 430 525 470 Q470 430 400 470 Q330 430 275 470 Q200 430 150 470 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M400 200 L400 160 M400 470 L400 780 Q400 840 350 840 Q305 840 305 795" fill="none" stroke="${d}" stroke-width="14" stroke-linecap="round"/>`,
  socks: (c: string, d: string) =>
    `<path d="M330 200 L470 200 L470 600 Q470 640 500 660 L600 720 Q650 760 610 810 Q580 840 530 820 L360 720 Q330 700 330 650 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M330 240 L470 240 M330 270 L470 270" stroke="${d}" stroke-width="6"/>`,
  cap: (c: string, d: string) =>
    `<path d="M230 560 Q230 330 400 330 Q570 330 570 560 Z" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M230 560 L690 560 Q690 620 600 620 L230 600 Z" fill="${d}"/><circle cx="400" cy="330" r="14" fill="${d}"/>`,
  hat: (c: string, d: string) =>
    `<path d="M290 560 L320 340 Q400 310 480 340 L510 560 Z" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M180 600 Q400 500 620 600 Q400 660 180 600 Z" fill="${c}" stroke="${d}" stroke-width="6"/>`,
  stole: (c: string, d: string) =>
    `<path d="M300 180 L500 180 L500 820 L300 820 Z" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M300 820 L300 860 M330 820 L330 860 M360 820 L360 860 M390 820 L390 860 M420 820 L420 860 M450 820 L450 860 M480 820 L480 860" stroke="${d}" stroke-width="6"/><path d="M300 300 L500 300 M300 700 L500 700" stroke="${d}" stroke-width="6" opacity=".6"/>`,
  cup: (c: string, d: string) =>
    `<path d="M270 330 L530 330 L500 780 L300 780 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><rect x="250" y="290" width="300" height="50" rx="14" fill="${d}"/><rect x="282" y="470" width="236" height="130" fill="#f4efe6"/><path d="M360 250 Q380 210 360 170 M440 250 Q460 210 440 170" fill="none" stroke="#c8beb0" stroke-width="8" stroke-linecap="round"/>`,
  pastry: (c: string, d: string) =>
    `<ellipse cx="400" cy="700" rx="280" ry="60" fill="#f7f4ee" stroke="#d6cfc3" stroke-width="6"/><path d="M230 680 Q220 470 400 460 Q580 470 570 680 Z" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M300 560 Q400 520 500 560" fill="none" stroke="${d}" stroke-width="8"/>`,
  onigiri: (c: string, d: string) =>
    `<path d="M400 300 Q470 300 600 620 Q620 720 520 720 L280 720 Q180 720 200 620 Q330 300 400 300 Z" fill="#fbfaf6" stroke="#d8d2c6" stroke-width="6"/><rect x="320" y="560" width="160" height="160" fill="${c}"/>`,
  sandwich: (c: string, d: string) =>
    `<path d="M200 700 L400 330 L600 700 Z" fill="#f0d9a8" stroke="#c9a96a" stroke-width="6" stroke-linejoin="round"/><path d="M250 610 L550 610 L570 650 L230 650 Z" fill="${c}"/>`,
  canister: (c: string, d: string) =>
    `<rect x="270" y="320" width="260" height="470" rx="20" fill="${c}" stroke="${d}" stroke-width="6"/><rect x="260" y="280" width="280" height="70" rx="16" fill="${d}"/><rect x="300" y="470" width="200" height="170" fill="#f6f1e6"/>`,
  pouch: (c: string, d: string) =>
    `<path d="M260 260 L540 260 L560 800 L240 800 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><path d="M260 320 L540 320" stroke="${d}" stroke-width="8"/><rect x="300" y="450" width="200" height="200" rx="100" fill="#f6f1e6"/>`,
  bottle: (c: string, d: string) =>
    `<path d="M360 180 L440 180 L440 300 Q520 340 520 420 L520 800 L280 800 L280 420 Q280 340 360 300 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><rect x="350" y="150" width="100" height="50" rx="8" fill="${d}"/><rect x="280" y="500" width="240" height="180" fill="#f6f1e6"/>`,
  jar: (c: string, d: string) =>
    `<rect x="250" y="400" width="300" height="380" rx="40" fill="${c}" stroke="${d}" stroke-width="6"/><rect x="270" y="330" width="260" height="80" rx="10" fill="#d9c7a4" stroke="#b59f74" stroke-width="6"/><rect x="290" y="520" width="220" height="140" fill="#f6f1e6"/>`,
  box: (c: string, d: string) =>
    `<path d="M220 380 L580 380 L580 780 L220 780 Z" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M220 380 L300 300 L660 300 L580 380 M580 780 L660 700 L660 300" fill="${d}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><rect x="260" y="480" width="280" height="160" fill="#f6f1e6"/>`,
  mug: (c: string, d: string) =>
    `<path d="M540 440 Q650 440 650 560 Q650 680 540 680" fill="none" stroke="${d}" stroke-width="30"/><path d="M250 360 L550 360 L540 760 Q540 790 510 790 L290 790 Q260 790 260 760 Z" fill="${c}" stroke="${d}" stroke-width="6"/>`,
  bowl: (c: string, d: string) =>
    `<path d="M180 470 L620 470 Q610 720 400 740 Q190 720 180 470 Z" fill="${c}" stroke="${d}" stroke-width="6"/><ellipse cx="400" cy="470" rx="220" ry="34" fill="${d}"/><rect x="330" y="735" width="140" height="30" rx="8" fill="${d}"/>`,
  plate: (c: string, d: string) =>
    `<ellipse cx="400" cy="600" rx="300" ry="120" fill="${c}" stroke="${d}" stroke-width="6"/><ellipse cx="400" cy="590" rx="190" ry="70" fill="none" stroke="${d}" stroke-width="6" opacity=".6"/>`,
  teapot: (c: string, d: string) =>
    `<ellipse cx="400" cy="600" rx="190" ry="170" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M580 560 L700 470" stroke="${d}" stroke-width="34" stroke-linecap="round"/><path d="M210 560 L150 520" stroke="${d}" stroke-width="40" stroke-linecap="round"/><rect x="330" y="410" width="140" height="40" rx="12" fill="${d}"/><circle cx="400" cy="400" r="18" fill="${d}"/>`,
  board: (c: string, d: string) =>
    `<rect x="200" y="330" width="400" height="480" rx="30" fill="${c}" stroke="${d}" stroke-width="6"/><circle cx="400" cy="390" r="22" fill="#f4f1ec"/><path d="M250 480 L550 480 M250 620 L550 620 M250 760 L550 760" stroke="${d}" stroke-width="4" opacity=".5"/>`,
  pan: (c: string, d: string) =>
    `<ellipse cx="340" cy="580" rx="210" ry="80" fill="${d}"/><ellipse cx="340" cy="560" rx="210" ry="80" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M540 540 L720 470" stroke="#6b4a30" stroke-width="34" stroke-linecap="round"/>`,
  towel: (c: string, d: string) =>
    `<rect x="220" y="300" width="360" height="500" rx="16" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M220 720 L580 720 M220 740 L580 740" stroke="${d}" stroke-width="6"/><path d="M220 380 L580 380" stroke="${d}" stroke-width="6" opacity=".5"/>`,
  cushion: (c: string, d: string) =>
    `<path d="M200 300 Q400 340 600 300 Q560 550 600 800 Q400 760 200 800 Q240 550 200 300 Z" fill="${c}" stroke="${d}" stroke-width="6" stroke-linejoin="round"/><circle cx="400" cy="550" r="18" fill="${d}"/>`,
  slipper: (c: string, d: string) =>
    `<path d="M200 640 Q200 560 300 560 L560 560 Q660 560 660 640 Q660 700 560 700 L300 700 Q200 700 200 640 Z" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M380 560 Q380 470 500 470 Q620 470 620 580" fill="${d}"/>`,
  notebook: (c: string, d: string) =>
    `<rect x="230" y="230" width="340" height="560" rx="10" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M270 230 L270 790" stroke="${d}" stroke-width="10"/><rect x="330" y="320" width="180" height="70" fill="#f6f1e6"/>`,
  pen: (c: string, d: string) =>
    `<g transform="rotate(-35 400 500)"><rect x="375" y="180" width="50" height="560" rx="20" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M375 740 L425 740 L400 820 Z" fill="${d}"/><rect x="410" y="210" width="14" height="180" rx="6" fill="${d}"/></g>`,
  envelope: (c: string, d: string) =>
    `<rect x="170" y="360" width="460" height="320" rx="8" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M170 360 L400 540 L630 360" fill="none" stroke="${d}" stroke-width="6" stroke-linejoin="round"/>`,
  case: (c: string, d: string) =>
    `<rect x="170" y="430" width="460" height="200" rx="60" fill="${c}" stroke="${d}" stroke-width="6"/><path d="M230 440 L570 440" stroke="${d}" stroke-width="8" stroke-dasharray="16 12"/>`,
  tape: (c: string, d: string) =>
    `<circle cx="400" cy="560" r="200" fill="${c}" stroke="${d}" stroke-width="6"/><circle cx="400" cy="560" r="110" fill="#f4f1ec" stroke="${d}" stroke-width="6"/>`,
  fragrance: (c: string, d: string) =>
    `<rect x="290" y="400" width="220" height="380" rx="30" fill="${c}" stroke="${d}" stroke-width="6" opacity=".9"/><rect x="360" y="330" width="80" height="80" fill="${d}"/><path d="M385 330 L360 160 M415 330 L440 170 M400 330 L400 150" stroke="#7a6a55" stroke-width="6"/>`,
  tool: (c: string, d: string) =>
    `<rect x="370" y="200" width="60" height="500" rx="28" fill="${c}" stroke="${d}" stroke-width="6"/><ellipse cx="400" cy="760" rx="90" ry="60" fill="${c}" stroke="${d}" stroke-width="6"/>`,
};

/** The kind of item a product's name says, first match wins (the order matters: ポロシャツ is a tee). */
const KINDS: ReadonlyArray<readonly [RegExp, Shape, string]> = [
  [/Tシャツ|ポロシャツ|タンクトップ/, 'tee', '#d5c1a1'],
  [/シャツ|ブラウス/, 'shirt', '#f1ebdd'],
  [/パーカー/, 'hoodie', '#a4a7ab'],
  [/ニット|セーター|カーディガン|スウェット/, 'knit', '#a4a7ab'],
  [/ベスト/, 'vest', '#2b3a55'],
  [/コート/, 'coat', '#d5c1a1'],
  [/ジャケット|ブルゾン/, 'jacket', '#2b3a55'],
  [/スカート/, 'skirt', '#2b3a55'],
  [/パンツ|スラックス|ジーンズ/, 'pants', '#34507a'],
  [/ブーツ|長靴/, 'boot', '#2a2a2c'],
  [/ルームシューズ|スリッパ/, 'slipper', '#d5c1a1'],
  [/靴下|ソックス/, 'socks', '#a4a7ab'],
  [/スニーカー|スリッポン|シューズ|ローファー|革靴|サンダル/, 'sneaker', '#fbfbf8'],
  [/リュック/, 'backpack', '#2a2a2c'],
  [/バッグ|鞄|サコッシュ/, 'bag', '#e3d6bb'],
  [/傘/, 'umbrella', '#2b3a55'],
  [/キャップ/, 'cap', '#2b3a55'],
  [/ハット/, 'hat', '#e3d6bb'],
  [/ストール/, 'stole', '#d5c1a1'],
  [/ラテの素|チャイの素/, 'pouch', '#9bb07a'],
  [/ラテ|コーヒー$|アメリカーノ|カプチーノ|ココア|レモネード|モカ|ジンジャー|ブリュー/, 'cup', '#8a5a3c'],
  [/スコーン|ブレッド|ロール|ケーキ/, 'pastry', '#c98f4e'],
  [/おむすび/, 'onigiri', '#2f3b2f'],
  [/サンド/, 'sandwich', '#e7b24a'],
  [/コーヒー豆|ドリップバッグ/, 'pouch', '#6b4a30'],
  [/ほうじ茶|麦茶/, 'canister', '#8a5a3c'],
  [/紅茶/, 'canister', '#7a2f2f'],
  [/玄米茶/, 'canister', '#b59a5a'],
  [/茶$/, 'canister', '#5f7f4a'],
  [/水$|サイダー|ジュース|甘酒|醤油|ポン酢|ドレッシング|オイル/, 'bottle', '#b8845a'],
  [/ジャム|ママレード|味噌|レモン/, 'jar', '#b8383a'],
  [/カレー|出汁パック/, 'box', '#c0763a'],
  [/コシヒカリ|ゆめぴりか|つや姫|あきたこまち|素麺|うどん|冷麦|蕎麦/, 'pouch', '#e9e1cf'],
  [/水筒|タンブラー|ボトル|フードジャー/, 'bottle', '#c5c8cc'],
  [/マグカップ|湯呑み/, 'mug', '#f6f5f0'],
  [/飯碗|深鉢/, 'bowl', '#f6f5f0'],
  [/皿/, 'plate', '#f6f5f0'],
  [/急須/, 'teapot', '#3f6f4f'],
  [/まな板|鍋敷き|弁当箱/, 'board', '#d8b98a'],
  [/フライパン|鍋|玉子焼き器/, 'pan', '#3a3a3c'],
  [/容器|キャニスター|ピッチャー/, 'jar', '#e9eef0'],
  [/タオル|手ぬぐい/, 'towel', '#f3ecd8'],
  [/クッション|ブランケット/, 'cushion', '#d5c1a1'],
  [/フレグランス|お香/, 'fragrance', '#c9b6d8'],
  [/ノート|手帳|スケッチブック|御朱印帳/, 'notebook', '#2b3a55'],
  [/ペンケース|カバー|名刺入れ/, 'case', '#c49a6c'],
  [/ペン|ペンシル|鉛筆/, 'pen', '#7a5338'],
  [/便箋|封筒|一筆箋|ポチ袋|ポストカード/, 'envelope', '#f3ecd8'],
  [/マスキングテープ|付箋/, 'tape', '#e8b4bc'],
];

/** Grounds by kind of goods: a warm paper for clothes, a cooler one for the kitchen and the desk. */
const GROUND: Partial<Record<Shape, string>> = { cup: '#efe6da', pastry: '#efe6da', onigiri: '#e9efe6' };

function kindOf(name: string): { shape: Shape; paint: string } {
  const hit = KINDS.find(([re]) => re.test(name));
  return hit ? { shape: hit[1], paint: hit[2] } : { shape: 'box', paint: '#c49a6c' };
}

function svgOf(shape: Shape, paint: string): string {
  const ground = GROUND[shape] ?? '#f2efe9';
  const pale = ['#fbfbf8', '#f6f5f0', '#f1ebdd', '#f3ecd8'].includes(paint);
  const line = pale ? '#cfc8bb' : dark(paint);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 1000" width="800" height="1000"><rect width="800" height="1000" fill="${ground}"/><ellipse cx="400" cy="880" rx="250" ry="26" fill="#000" opacity=".07"/>${SHAPES[shape](paint, line)}</svg>`;
}

const DEMO_WIDTHS = [200, 400, 800] as const;

interface PictureSet {
  base: string;
  svg: string;
}

export interface DemoImagePlan {
  rows: Array<typeof productImages.$inferInsert>;
  sets: PictureSet[];
}

/**
 * Which pictures each demo product gets: one per colour in the order of its variants (the first is its
 * main picture), or one in its kind's own paint when it has no カラー. Pure: no rendering here.
 */
export function planDemoImages(
  products: ReadonlyArray<{ id?: string; name: string }>,
  variants: ReadonlyArray<{ productId: string; options?: Record<string, string> }>,
): DemoImagePlan {
  const colours = new Map<string, string[]>();
  for (const v of variants) {
    const c = v.options?.['カラー'];
    if (!c) continue;
    const list = colours.get(v.productId) ?? [];
    if (!list.includes(c)) list.push(c);
    colours.set(v.productId, list);
  }
  const sets = new Map<string, PictureSet>();
  const rows: DemoImagePlan['rows'] = [];
  let n = 0;
  for (const p of products) {
    const { shape, paint } = kindOf(p.name);
    const own = colours.get(p.id!) ?? [];
    const pictures = own.length
      ? own.map((c) => ({ colour: c as string | null, paint: COLOURS[c] ?? paint }))
      : [{ colour: null, paint }];
    for (const [position, pic] of pictures.entries()) {
      const svg = svgOf(shape, pic.paint);
      const base = `demo-${shape}-${createHash('sha256').update(svg).digest('hex').slice(0, 16)}`;
      if (!sets.has(base)) sets.set(base, { base, svg });
      rows.push({
        id: seededId('img', ++n),
        productId: p.id!,
        colour: pic.colour,
        position,
        alt: pic.colour ? `${p.name}（${pic.colour}）` : p.name,
        base,
        widths: [...DEMO_WIDTHS],
        width: 800,
        height: 1000,
      });
    }
  }
  return { rows, sets: [...sets.values()] };
}

/**
 * Render every shared picture set and write it to the store, two sets (six pictures) at a time, with
 * libvips's operation cache off meanwhile: the first start's memory peak is what a small machine minds,
 * and four sets at a time with the cache on added ~100 MB to it for a second or two saved.
 */
export async function renderDemoImages(store: ObjectStore, sets: readonly PictureSet[]): Promise<number> {
  sharp.cache(false);
  try {
    return await renderSets(store, sets);
  } finally {
    sharp.cache(true); // libvips's defaults again, for the server's own resizing
  }
}

async function renderSets(store: ObjectStore, sets: readonly PictureSet[]): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < sets.length) {
      const set = sets[next++]!;
      const svg = Buffer.from(set.svg);
      const objects = await Promise.all(
        DEMO_WIDTHS.map(async (w) => ({
          key: imageKey(set.base, w),
          body: await sharp(svg, { density: (72 * w) / 800 })
            .webp({ quality: 82, effort: 0 })
            .toBuffer(),
          contentType: 'image/webp',
        })),
      );
      await putAll(store, objects);
    }
  };
  await Promise.all(Array.from({ length: 2 }, worker));
  return sets.length;
}
