import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const promotionProblems = defineProblems({
  'promotion.not_found': {
    status: 404,
    ja: { title: 'プロモーションが見つかりません', detail: (p) => `プロモーション ${p.promotionId} はありません。` },
    en: { title: 'Promotion not found', detail: (p) => `There is no promotion ${p.promotionId}.` },
  },
  'promotion.invalid': {
    status: 400,
    ja: { title: 'プロモーションの設定が正しくありません', detail: (p) => String(p.reasonJa) },
    en: { title: 'The promotion is not valid', detail: (p) => String(p.reasonEn) },
  },
  'promotion.not_eligible': {
    status: 409,
    // Raised at checkout for an automatic promotion (no code to name), e.g. when a first order was placed meanwhile.
    ja: {
      title: 'この割引の対象ではなくなりました',
      detail: (p) =>
        p.reason === 'first_purchase'
          ? `「${p.name}」は初回購入の会員様だけの割引です。すでに別のご注文があるため適用できません。カートの金額をご確認のうえ、もう一度お試しください。`
          : `「${p.name}」は適用できなくなりました。カートの金額をご確認のうえ、もう一度お試しください。`,
    },
    en: {
      title: 'No longer eligible for this discount',
      detail: (p) =>
        p.reason === 'first_purchase'
          ? `“${p.name}” is for a member’s first purchase only, and there is already another order. Check the cart’s total and try again.`
          : `“${p.name}” no longer applies. Check the cart’s total and try again.`,
    },
  },
  'coupon.not_found': {
    status: 404,
    ja: {
      title: 'クーポンが見つかりません',
      detail: (p) => `クーポンコード ${p.code ?? p.couponId} は存在しません。入力内容をご確認ください。`,
    },
    en: { title: 'Coupon not found', detail: (p) => `There is no coupon ${p.code ?? p.couponId}. Check the code.` },
  },
  'coupon.expired': {
    status: 409,
    ja: {
      title: 'このクーポンは現在ご利用いただけません',
      detail: (p) => `クーポン ${p.code} は有効期間外か、終了しています。`,
    },
    en: {
      title: 'This coupon is not valid now',
      detail: (p) => `Coupon ${p.code} has expired, has not started yet or has ended.`,
    },
  },
  'coupon.used': {
    status: 409,
    ja: { title: 'このクーポンは使用済みです', detail: (p) => `クーポン ${p.code} はすでに使われています。` },
    en: { title: 'Coupon already used', detail: (p) => `Coupon ${p.code} has already been used.` },
  },
  'coupon.not_for_channel': {
    status: 409,
    ja: {
      title: 'このクーポンはここではご利用いただけません',
      detail: (p) => `クーポン ${p.code} はこの${p.where === 'location' ? '店舗' : 'チャネル'}では使えません。`,
    },
    en: {
      title: 'Coupon not valid here',
      detail: (p) => `Coupon ${p.code} cannot be used in this ${p.where === 'location' ? 'store' : 'channel'}.`,
    },
  },
  'coupon.not_eligible': {
    status: 409,
    ja: {
      title: 'このクーポンの対象ではありません',
      detail: (p) =>
        p.reason === 'tier'
          ? `クーポン ${p.code} は対象の会員ランクの方だけご利用いただけます。`
          : `クーポン ${p.code} は初回購入の会員様だけご利用いただけます。`,
    },
    en: {
      title: 'Not eligible for this coupon',
      detail: (p) =>
        p.reason === 'tier'
          ? `Coupon ${p.code} is for members of certain tiers only.`
          : `Coupon ${p.code} is for a member’s first purchase only.`,
    },
  },
  'coupon.members_only': {
    status: 409,
    ja: {
      title: '会員ログインが必要なクーポンです',
      detail: (p) => `クーポン ${p.code} を使うにはログインしてください。`,
    },
    en: { title: 'Members only', detail: (p) => `Sign in to use coupon ${p.code}.` },
  },
  'coupon.limit_reached': {
    status: 409,
    ja: {
      title: 'ご利用回数の上限に達しています',
      detail: (p) => `クーポン ${p.code} はお一人様 ${p.limit} 回までです。`,
    },
    en: { title: 'Coupon limit reached', detail: (p) => `Coupon ${p.code} can be used ${p.limit} time(s) per member.` },
  },
  'coupon.too_many': {
    status: 409,
    ja: {
      title: 'これ以上クーポンを追加できません',
      detail: (p) => `1つのカートに使えるクーポンは ${p.max} 枚までです。`,
    },
    en: { title: 'Too many coupons', detail: (p) => `A cart takes at most ${p.max} coupons.` },
  },
  'coupon.code_taken': {
    status: 409,
    ja: {
      title: 'このコードはすでに使われています',
      detail: (p) => `コード ${p.code} は別のクーポンに割り当て済みです。`,
    },
    en: { title: 'Code already taken', detail: (p) => `The code ${p.code} belongs to another coupon.` },
  },
  'coupon.not_single_use': {
    status: 409,
    ja: {
      title: '一回限りのクーポンではありません',
      detail: (p) =>
        `クーポン ${p.couponId} は公開コードのクーポンです。コードを一括発行できるのは一回限りのクーポンだけです。`,
    },
    en: {
      title: 'Not a single-use coupon',
      detail: (p) => `Coupon ${p.couponId} has a public code; only single-use coupons get generated codes.`,
    },
  },
  'coupon.issued_to_another': {
    status: 409,
    ja: {
      title: 'ほかの会員様のクーポンです',
      detail: (p) =>
        `クーポン ${p.code} は会員様ご本人に発行されたものです。発行された会員様だけがご利用いただけます。`,
    },
    en: {
      title: 'Issued to another member',
      detail: (p) => `Coupon ${p.code} was issued to one member's account; only she can use it.`,
    },
  },
  'coupon.not_issuable': {
    status: 409,
    ja: {
      title: 'このクーポンは会員様に発行できません',
      detail: (p) =>
        p.reason === 'not_single_use'
          ? `クーポン ${p.couponId} は公開コードのクーポンです。会員様ごとに発行できるのは一回限りのクーポンだけです。`
          : p.reason === 'not_at_store'
            ? `クーポン ${p.couponId} は店舗のキャンペーンには付けられません。この店舗のレジでだけ使えるプロモーションのクーポンを選んでください。`
            : `クーポン ${p.couponId} は停止中か有効期間が終わっています。`,
    },
    en: {
      title: 'This coupon cannot be issued',
      detail: (p) =>
        p.reason === 'not_single_use'
          ? `Coupon ${p.couponId} has a public code; only single-use coupons are issued one code per member.`
          : p.reason === 'not_at_store'
            ? `Coupon ${p.couponId} cannot go with a store's campaign: choose one whose promotion is valid only at this store's tills.`
            : `Coupon ${p.couponId} is switched off or its validity has ended.`,
    },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof promotionProblems> {}
}
