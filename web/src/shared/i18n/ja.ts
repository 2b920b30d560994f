import type { StaffMessageKey } from './staff-screens';
import { pwaJa } from './pwa.ja';
import { ordersJa } from './orders.ja';
import { orderAheadJa } from './orderAhead.ja';
import { customersJa } from './customers.ja';
import { topUpJa } from './topUp.ja';
import { deliveryJa } from './delivery.ja';
import { sessionsJa } from './sessions.ja';
import { securityJa } from './security.ja';
import { recommendationsJa } from './recommendations.ja';
import { browseJa } from './browse.ja';
import { integrationsJa } from './integrations.ja';
import { holdsJa } from './holds.ja';
import { favouritesJa } from './favourites.ja';
import { appointmentsJa } from './appointments.ja';
import { imagesJa } from './images.ja';
import { myAccountJa } from './myAccount.ja';
import { reviewsJa } from './reviews.ja';
import { scanAndGoJa } from './scanAndGo.ja';
import { storePageJa } from './storePage.ja';

/** Japanese: the default language and the source of the shop's message keys (the staff screens' are in staff-screens.ts). */
export const ja = {
  ...customersJa,
  ...ordersJa,
  ...orderAheadJa,
  ...holdsJa,
  ...favouritesJa,
  ...appointmentsJa,
  ...imagesJa,
  ...myAccountJa,
  ...reviewsJa,
  ...scanAndGoJa,
  ...storePageJa,
  ...topUpJa,
  ...deliveryJa,
  ...pwaJa,
  ...sessionsJa,
  ...securityJa,
  ...recommendationsJa,
  ...browseJa,
  ...integrationsJa,

  'common.loading': '読み込み中…',
  'money.taxIncluded': '{amount} (税込)',

  'nav.label': 'アプリ',
  'nav.shop': 'ショップ',
  'nav.store': '店舗スタッフ',
  'nav.language': '表示言語',
  'notFound.title': 'ページが見つかりません',
  'notFound.home': 'トップに戻る',

  'error.network.title': 'サーバーに接続できません',
  'error.network.detail': '通信状態を確認して、もう一度お試しください。',
  'error.unknown.title': 'エラーが発生しました',

  'live.open': 'リアルタイム更新中',
  'live.connecting': '接続中…',
  'live.offline': 'オフライン',

  'station.shibuya': '渋谷',
  'station.shinjuku': '新宿',
  'station.yokohama': '横浜',
  'station.umeda': '梅田',
  'station.kichijoji': '吉祥寺',
  'position.from': '近くの駅',
  'position.here': '現在地',
  'position.locateMe': '現在地を使う',
  'position.locating': '現在地を取得中…',
  'position.denied': '位置情報の利用が許可されていません。駅を選んでください。',
  'position.failed': '現在地を取得できませんでした。駅を選んでください。',
  'position.unsupported': 'この端末では現在地を使えません。駅を選んでください。',

  'shop.search.title': '商品をさがす',
  'shop.search.label': '商品を検索',
  'shop.search.placeholder': '商品名・カナ・キーワード',
  'shop.search.submit': '検索',
  'shop.search.resultsFor': '「{q}」の検索結果',
  'shop.search.none': '「{q}」に一致する商品は見つかりませんでした。',
  'shop.search.variants': '{n} 種類',
  'shop.search.more': 'もっと見る',

  'shop.product.back': '検索に戻る',
  'shop.product.variant': '種類',
  'shop.product.tax': '消費税',
  'shop.product.taxRate': '{rate}% (税込価格)',
  'shop.product.noVariants': 'この商品は現在販売していません。',

  'shop.restock.ask': '入荷したら知らせる',
  'shop.restock.guest': '{store}に在庫がありません。ログインすると、入荷したときにお知らせします。',
  'shop.restock.waiting': '入荷したらお知らせします（{store}）',
  'shop.restock.anyStore': 'いずれかの店舗',
  'shop.restock.cancel': '取り消す',
  'shop.stock.title': '近くの店舗の在庫',
  'shop.stock.store': '店舗',
  'shop.stock.distance': '距離',
  'shop.stock.available': '在庫',
  'shop.stock.noStores': '在庫を確認できる店舗がありません。',
  'shop.stock.all': 'すべての店舗を表示 ({n})',
  'shop.stock.fewer': '近くの店舗だけ表示',
  'stock.ok': '在庫あり ({n})',
  'stock.low': '残りわずか ({n})',
  'stock.none': '在庫なし',

  'reservation.hold': '取り置き',
  'reservation.cart': 'カート',
  'reservation.order': '注文',
  'reservation.transfer': '移動',
};

/** A key of the shop's catalogue: the words every screen may need before the staff screens load. */
export type ShopMessageKey = keyof typeof ja;
/** Any key: the shop's, or the staff screens' (staff-screens.ts, loaded with them). */
export type MessageKey = ShopMessageKey | StaffMessageKey;
