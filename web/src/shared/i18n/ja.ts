import { auditJa } from './audit.ja';
import { storeSettingsJa } from './storeSettings.ja';
import { segmentsJa } from './segments.ja';
import { analyticsJa } from './analytics.ja';
import { rfmJa } from './rfm.ja';
import { pwaJa } from './pwa.ja';
import { businessJa } from './business.ja';
import { ordersJa } from './orders.ja';
import { orderAheadJa } from './orderAhead.ja';
import { customersJa } from './customers.ja';
import { tillJa } from './till.ja';
import { hqJa } from './hq.ja';
import { returnsJa } from './returns.ja';
import { tillSessionJa } from './tillSession.ja';
import { topUpJa } from './topUp.ja';
import { deliveryJa } from './delivery.ja';
import { sessionsJa } from './sessions.ja';
import { securityJa } from './security.ja';
import { staffJa } from './staff.ja';
import { valueJa } from './value.ja';
import { couponsJa } from './coupons.ja';
import { forecastJa } from './forecast.ja';
import { recommendationsJa } from './recommendations.ja';
import { stockoutsJa } from './stockouts.ja';
import { cohortsJa } from './cohorts.ja';
import { importsJa } from './imports.ja';
import { integrationsJa } from './integrations.ja';
import { holdsJa } from './holds.ja';
import { favouritesJa } from './favourites.ja';

/** Japanese: the default language and the source of every message key. */
export const ja = {
  ...customersJa,
  ...ordersJa,
  ...orderAheadJa,
  ...holdsJa,
  ...favouritesJa,
  ...tillJa,
  ...hqJa,
  ...returnsJa,
  ...tillSessionJa,
  ...topUpJa,
  ...deliveryJa,
  ...segmentsJa,
  ...analyticsJa,
  ...rfmJa,
  ...pwaJa,
  ...businessJa,
  ...auditJa,
  ...storeSettingsJa,
  ...sessionsJa,
  ...securityJa,
  ...staffJa,
  ...valueJa,
  ...couponsJa,
  ...forecastJa,
  ...recommendationsJa,
  ...stockoutsJa,
  ...cohortsJa,
  ...importsJa,
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

  'store.login.title': 'スタッフログイン',
  'store.login.email': 'メールアドレス',
  'store.login.password': 'パスワード',
  'store.login.submit': 'ログイン',
  'store.login.expired': 'ログインの有効期限が切れました。もう一度ログインしてください。',
  'store.login.code': '確認コード（6桁）',
  'store.login.codeHint': '認証アプリに表示されている6桁の数字を入力してください。',
  'store.totp.menu': '2段階認証',
  'store.totp.title': '2段階認証',
  'store.totp.intro':
    'ログインのたびに、パスワードに加えてスマートフォンの認証アプリに表示される確認コードを入力します。',
  'store.totp.on': '2段階認証は有効です。',
  'store.totp.off': '2段階認証は設定されていません。',
  'store.totp.requiredNow':
    'あなたの役割では2段階認証が必須です（オーナーの設定）。設定が済むまで他の画面は使えません。',
  'store.totp.requiredKeep': 'あなたの役割では2段階認証が必須のため、解除できません。',
  'store.totp.start': '設定を始める',
  'store.totp.scan': '認証アプリでこのQRコードを読み取ってください。',
  'store.totp.qr': '2段階認証の設定用QRコード',
  'store.totp.manual': '読み取れない場合は、次のキーを手入力してください',
  'store.totp.confirmHint': 'アプリに表示された6桁の確認コードを入力して、設定を完了します。',
  'store.totp.confirm': '設定を完了',
  'store.totp.enabled': '2段階認証を有効にしました。次回のログインから確認コードが必要です。',
  'store.totp.disableHint': '解除するには、現在の確認コードを入力してください。',
  'store.totp.disable': '2段階認証を解除',
  'store.totp.disabled': '2段階認証を解除しました。',
  'store.totp.back': '店舗の選択に戻る',

  'store.pick.title': '店舗を選択',
  'store.pick.hello': '{name} さん、今日の勤務店舗を選んでください。',
  'store.pick.none': '担当店舗が登録されていません。管理者に連絡してください。',
  'store.pick.warehouse': '倉庫',

  'store.bar.change': '店舗を変更',
  'store.bar.tasks': '業務',
  'store.bar.logout': 'ログアウト',
  'store.tab.stock': '在庫',
  'store.tab.transfers': '入荷予定',
  'store.tab.reservations': '取り置き・引当',

  'store.stock.title': '在庫の確認と登録',
  'store.stock.empty': '商品のバーコードをスキャンするか、JANコードを入力してください。',
  'store.stock.price': '売価',
  'store.stock.level': 'この店舗の在庫',
  'store.stock.nearby': '近くの店舗の在庫',
  'store.stock.nearbyNone': '他の店舗にも在庫がありません。',
  'store.scan.label': 'JANコード',
  'store.scan.placeholder': 'スキャンまたは入力して Enter',
  'store.scan.submit': '照会',
  'store.scan.hint': '全角数字・ハイフン入りでも読み取れます。',
  'store.level.available': '有効在庫',
  'store.level.onHand': '実在庫',
  'store.level.reserved': '引当中',
  'store.level.inTransit': '移動中',

  'store.move.title': '在庫を登録',
  'store.move.receipt': '入荷',
  'store.move.adjustment': '調整',
  'store.move.count': '棚卸',
  'store.move.transfer': '移動',
  'store.move.receipt.quantity': '入荷数',
  'store.move.adjustment.quantity': '増減数',
  'store.move.count.quantity': '数えた数',
  'store.move.transfer.quantity': '移動する数',
  'store.move.receipt.hint': '届いた数を入力します。',
  'store.move.adjustment.hint': '減らすときはマイナス (例: -2)。',
  'store.move.count.hint': '実在庫 {n} 点をこの数に置き換えます。',
  'store.move.transfer.hint': '今すぐ出庫し、移動先で入荷すると在庫になります。',
  'store.move.receipt.submit': '入荷を登録',
  'store.move.adjustment.submit': '調整を登録',
  'store.move.count.submit': '棚卸を登録',
  'store.move.transfer.submit': '移動を登録',
  'store.move.receipt.done': '{n} 点を入荷しました。',
  'store.move.adjustment.done': '在庫を {n} 調整しました。',
  'store.move.count.done': '棚卸を登録しました (差異 {n})。',
  'store.move.transfer.done': '{n} 点を出庫しました (移動中)。',
  'store.move.newLevel': '有効在庫 {available} / 実在庫 {onHand}',
  'store.move.reason': '理由',
  'store.move.reasonRequired': '理由 (必須)',
  'store.move.reasonPlaceholder': '例: 破損、サンプル使用',
  'store.move.destination': '移動先',
  'store.move.chooseDestination': '移動先を選択',
  'store.move.quantityInvalid': '数量を数字で入力してください。',

  'store.transfers.title': '入荷予定 (移動中の在庫)',
  'store.transfers.from': '移動元',
  'store.transfers.variant': '商品 (バリエーションID)',
  'store.transfers.quantity': '数量',
  'store.transfers.sent': '出庫日時',
  'store.transfers.receive': '入荷する',
  'store.transfers.received': '{n} 点を入荷しました。有効在庫 {available}。',
  'store.transfers.empty': 'この店舗への移動中の在庫はありません。',

  'store.reservations.title': '取り置き・引当',
  'store.reservations.reason': '種類',
  'store.reservations.reference': 'お客様',
  'store.reservations.lines': '商品 × 数量',
  'store.reservations.expires': '期限',
  'store.reservations.release': '解除',
  'store.reservations.confirm': '解除を確定',
  'store.reservations.released': '引当を解除しました。在庫が戻りました。',
  'store.reservations.empty': '有効な取り置き・引当はありません。',
  'reservation.hold': '取り置き',
  'reservation.cart': 'カート',
  'reservation.order': '注文',
  'reservation.transfer': '移動',
};

export type MessageKey = keyof typeof ja;
