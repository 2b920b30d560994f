import { defineProblems, type CodesOf } from '../../platform/errors.ts';

const yen = (n: unknown) => `¥${Number(n).toLocaleString('ja-JP')}`;

/** スキャン＆ゴー's refusals: each says what she can do instead (the till, delivery, another store). */
export const scanAndGoProblems = defineProblems({
  'scan_and_go.off': {
    status: 409,
    ja: {
      title: 'この店舗ではスキャン＆ゴーをご利用いただけません',
      detail: (p) => `${p.storeName ?? 'この店舗'}ではスキャン＆ゴーを行っていません。レジでお会計ください。`,
    },
    en: {
      title: 'Scan & Go is not available at this store',
      detail: (p) => `${p.storeName ?? 'This store'} does not offer Scan & Go: please pay at the till.`,
    },
  },
  'scan_and_go.not_sold': {
    status: 409,
    ja: {
      title: 'この商品はスキャン＆ゴーで購入できません',
      detail: (p) => `「${p.name}」（${p.categoryName}）はレジでお会計ください（年齢確認などが必要な商品です）。`,
    },
    en: {
      title: 'Not sold by Scan & Go',
      detail: (p) => `“${p.name}” (${p.categoryName}) must be paid at the till (an age check or similar is needed).`,
    },
  },
  'scan_and_go.over_cap': {
    status: 409,
    ja: {
      title: 'スキャン＆ゴーの上限金額を超えます',
      detail: (p) =>
        `スキャン＆ゴーでのお買い物は1回${yen(p.cap)}（税込）までです（この商品を入れると${yen(p.total)}）。残りはレジでお会計ください。`,
    },
    en: {
      title: 'Over the Scan & Go limit',
      detail: (p) =>
        `Scan & Go baskets are limited to ${yen(p.cap)} (this item makes ${yen(p.total)}): pay the rest at the till.`,
    },
  },
  'scan_and_go.not_stocked': {
    status: 409,
    ja: {
      title: 'この店舗の在庫にない商品です',
      detail: (p) => `「${p.name}」は${p.storeName}の在庫にありません。お届けをご利用ください。`,
    },
    en: {
      title: 'Not in stock at this store',
      detail: (p) => `“${p.name}” is not in stock at ${p.storeName}: have it delivered instead.`,
    },
  },
  'scan_and_go.paying': {
    status: 409,
    ja: {
      title: 'お支払いの処理中です',
      detail: 'このかごのお支払いを処理しています。少し待ってから画面を開き直してください。',
    },
    en: { title: 'Payment in progress', detail: 'This basket is being paid: wait a moment and reopen the screen.' },
  },
  'scan_and_go.basket_empty': {
    status: 409,
    ja: { title: 'かごが空です', detail: '商品をスキャンしてからお支払いください。' },
    en: { title: 'The basket is empty', detail: 'Scan an item before paying.' },
  },
  'scan_and_go.basket_not_found': {
    status: 404,
    ja: { title: 'かごが見つかりません', detail: 'このかごはありません。もう一度スキャンから始めてください。' },
    en: { title: 'Basket not found', detail: 'This basket does not exist: start again by scanning.' },
  },
  'scan_and_go.pass_invalid': {
    status: 400,
    ja: {
      title: '出口パスが正しくありません',
      detail:
        'このQRコードは出口パスではないか、改ざんされています。お客様にアプリの画面をもう一度表示してもらってください。',
    },
    en: {
      title: 'Not a valid exit pass',
      detail: 'This code is not an exit pass or has been altered: ask to see the app again.',
    },
  },
  'scan_and_go.pass_expired': {
    status: 409,
    ja: {
      title: '出口パスの有効期限が切れています',
      detail: (p) => `このパスは${p.expiredAt}に期限が切れました。お客様のお会計内容をレシートで確認してください。`,
    },
    en: {
      title: 'The exit pass has expired',
      detail: (p) => `This pass expired at ${p.expiredAt}: check her purchase on the receipt.`,
    },
  },
  'scan_and_go.pass_used': {
    status: 409,
    ja: {
      title: 'この出口パスは確認済みです',
      detail: (p) => `このパスは${p.verifiedAt}に確認済みです。同じパスでの再入場・再退店はできません。`,
    },
    en: {
      title: 'This exit pass was already used',
      detail: (p) => `This pass was verified at ${p.verifiedAt}: it cannot be used again.`,
    },
  },
  'scan_and_go.pass_other_store': {
    status: 409,
    ja: { title: '他の店舗の出口パスです', detail: (p) => `このパスは${p.storeName}でのお会計のものです。` },
    en: { title: 'An exit pass of another store', detail: (p) => `This pass is for a purchase at ${p.storeName}.` },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof scanAndGoProblems> {}
}
