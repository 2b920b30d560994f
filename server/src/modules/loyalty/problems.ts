import { defineProblems, type CodesOf } from '../../platform/errors.ts';

const kindJa: Record<string, string> = {
  earn: '付与',
  redeem: '利用',
  reverse: '取消',
  adjust: '調整',
  expire: '失効',
};
const walletKindJa: Record<string, string> = {
  top_up: 'チャージ',
  pay: '支払い',
  refund: '返金',
  adjust: '調整',
  expire: '失効',
};
const yen = (n: unknown) => `${Number(n).toLocaleString('ja-JP')} 円`;

export const loyaltyProblems = defineProblems({
  'loyalty.insufficient_points': {
    status: 409,
    ja: {
      title: 'ポイントが足りません',
      detail: (p) => `${p.requested} ポイント必要ですが、利用可能なポイントは ${p.balance} ポイントです。`,
    },
    en: {
      title: 'Not enough points',
      detail: (p) => `${p.requested} points requested, but the balance is ${p.balance}.`,
    },
  },
  'loyalty.duplicate_reference': {
    status: 409,
    ja: {
      title: 'すでに記録されています',
      detail: (p) =>
        `参照 ${p.reference} のポイント${kindJa[String(p.kind)] ?? p.kind}は記録済みです（${p.entryId}）。`,
    },
    en: {
      title: 'Already recorded',
      detail: (p) => `A points ${p.kind} for reference ${p.reference} already exists (${p.entryId}).`,
    },
  },
  'loyalty.entry_not_found': {
    status: 404,
    ja: {
      title: '取消対象が見つかりません',
      detail: (p) => `参照 ${p.reference} のポイント${kindJa[String(p.kind)] ?? p.kind}は見つかりません。`,
    },
    en: {
      title: 'Nothing to reverse',
      detail: (p) => `There is no points ${p.kind} with reference ${p.reference} for this customer.`,
    },
  },
  'loyalty.already_reversed': {
    status: 409,
    ja: {
      title: 'すでに取り消されています',
      detail: (p) => `参照 ${p.reference} のポイント${kindJa[String(p.kind)] ?? p.kind}は取消済みです。`,
    },
    en: {
      title: 'Already reversed',
      detail: (p) => `The points ${p.kind} with reference ${p.reference} has already been reversed.`,
    },
  },
  'loyalty.return_exceeds_spend': {
    status: 409,
    ja: {
      title: '返品金額が購入金額を超えています',
      detail: (p) =>
        `取消できる金額は残り ${yen(p.remainingSpend)} ですが、${yen(p.requestedSpend)} が指定されました。`,
    },
    en: {
      title: 'Return exceeds the purchase',
      detail: (p) => `Only ¥${p.remainingSpend} of the purchase is left to reverse; ¥${p.requestedSpend} was given.`,
    },
  },
  'wallet.insufficient_balance': {
    status: 409,
    ja: { title: '残高が足りません', detail: (p) => `${yen(p.requested)} 必要ですが、残高は ${yen(p.balance)} です。` },
    en: {
      title: 'Not enough balance',
      detail: (p) => `¥${p.requested} requested, but the wallet balance is ¥${p.balance}.`,
    },
  },
  'wallet.balance_limit': {
    status: 409,
    ja: {
      title: 'チャージ上限を超えます',
      detail: (p) => `残高の上限は ${yen(p.limit)} です（現在 ${yen(p.balance)}、チャージ ${yen(p.requested)}）。`,
    },
    en: {
      title: 'Over the balance limit',
      detail: (p) => `The wallet may hold at most ¥${p.limit} (balance ¥${p.balance}, top-up ¥${p.requested}).`,
    },
  },
  'wallet.top_up_limit': {
    status: 409,
    ja: {
      title: '1回のチャージ上限を超えています',
      detail: (p) => `1回にチャージできるのは ${yen(p.limit)} までです（${yen(p.requested)} が指定されました）。`,
    },
    en: {
      title: 'Over the top-up limit',
      detail: (p) => `One top-up may be at most ¥${p.limit} (¥${p.requested} was given).`,
    },
  },
  'wallet.top_up_in_progress': {
    status: 409,
    ja: {
      title: 'チャージを処理中です',
      detail: 'このチャージはまだ処理中です。しばらくしてから残高をご確認ください。',
    },
    en: {
      title: 'Top-up in progress',
      detail: 'This top-up is still being processed. Check the balance again in a moment.',
    },
  },
  'wallet.top_up_key_reused': {
    status: 422,
    ja: {
      title: '別のチャージと同じ取引IDです',
      detail: 'この取引IDは別の会員または金額のチャージに使われています。画面を読み込み直してください。',
    },
    en: {
      title: 'Transaction id already used',
      detail: 'This transaction id belongs to a top-up for another member or amount. Reload the screen.',
    },
  },
  'wallet.top_up_failed': {
    status: 409,
    ja: { title: 'チャージできませんでした', detail: 'このチャージは取り消されました。もう一度お試しください。' },
    en: { title: 'Top-up failed', detail: 'This top-up was cancelled. Please try again.' },
  },
  'wallet.top_up_not_found': {
    status: 404,
    ja: { title: 'チャージが見つかりません', detail: 'このチャージの記録はありません。' },
    en: { title: 'Top-up not found', detail: 'There is no such top-up.' },
  },
  'wallet.duplicate_reference': {
    status: 409,
    ja: {
      title: 'すでに記録されています',
      detail: (p) => `参照 ${p.reference} の${walletKindJa[String(p.kind)] ?? p.kind}は記録済みです（${p.entryId}）。`,
    },
    en: {
      title: 'Already recorded',
      detail: (p) => `A wallet ${p.kind} for reference ${p.reference} already exists (${p.entryId}).`,
    },
  },
  'wallet.payment_not_found': {
    status: 404,
    ja: { title: '返金対象の支払いが見つかりません', detail: (p) => `参照 ${p.reference} の支払いは見つかりません。` },
    en: {
      title: 'Payment not found',
      detail: (p) => `There is no wallet payment with reference ${p.reference} for this customer.`,
    },
  },
  'wallet.refund_exceeds_payment': {
    status: 409,
    ja: {
      title: '返金額が支払額を超えています',
      detail: (p) =>
        `支払額 ${yen(p.paid)} のうち ${yen(p.refunded)} は返金済みです。返金できるのは残り ${yen(Number(p.paid) - Number(p.refunded))} です。`,
    },
    en: {
      title: 'Refund exceeds the payment',
      detail: (p) =>
        `¥${p.refunded} of the ¥${p.paid} payment is already refunded; at most ¥${Number(p.paid) - Number(p.refunded)} can be refunded.`,
    },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof loyaltyProblems> {}
}
