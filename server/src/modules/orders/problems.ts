import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const orderProblems = defineProblems({
  'cart.not_found': {
    status: 404,
    ja: { title: 'カートが見つかりません', detail: (p) => `カート ${p.cartId} はありません。` },
    en: { title: 'Cart not found', detail: (p) => `There is no cart ${p.cartId}.` },
  },
  'cart.not_open': {
    status: 409,
    ja: {
      title: 'このカートは注文済みです',
      detail: (p) => `カート ${p.cartId} はすでに注文に変わっています（${p.orderId ?? ''}）。`,
    },
    en: {
      title: 'Cart already ordered',
      detail: (p) => `Cart ${p.cartId} has already become order ${p.orderId ?? ''}.`,
    },
  },
  'cart.empty': {
    status: 409,
    ja: { title: 'カートが空です', detail: '商品を追加してから注文してください。' },
    en: { title: 'The cart is empty', detail: 'Add something before checking out.' },
  },
  'cart.fulfilment_required': {
    status: 409,
    ja: { title: '受け取り方法を選んでください', detail: '配送か店舗受け取りかを選んでから注文してください。' },
    en: { title: 'Choose how to receive it', detail: 'Choose shipping or store pickup before checking out.' },
  },
  'cart.fulfilment_invalid': {
    status: 409,
    ja: { title: 'この受け取り方法は選べません', detail: (p) => String(p.reasonJa) },
    en: { title: 'This fulfilment is not possible', detail: (p) => String(p.reasonEn) },
  },
  'order.no_home_address': {
    status: 409,
    ja: {
      title: 'ご自宅の住所が登録されていません',
      detail: 'お客様のアプリ（マイページ → お届け先）で住所を登録していただくか、店舗受け取りにしてください。',
    },
    en: {
      title: 'No home address saved',
      detail: 'Ask her to save an address in the app (My page → Addresses), or have it picked up here.',
    },
  },
  'cart.unavailable': {
    status: 409,
    ja: {
      title: '在庫が足りない商品があります',
      detail: (p) =>
        `${p.name} は ${p.locationName} に ${p.available} 点しかありません。別の店舗・サイズ・カラーをお選びください。`,
    },
    en: {
      title: 'Not enough stock',
      detail: (p) => `${p.locationName} has only ${p.available} of ${p.name}. Choose another store, size or colour.`,
    },
  },
  'cart.hold_members_only': {
    status: 403,
    ja: { title: '取り置きは会員限定です', detail: '取り置きをご利用いただくには、ログインしてください。' },
    en: { title: 'Holds are for members', detail: 'Sign in to have items held for you at a store.' },
  },
  'payment.provider_unavailable': {
    status: 502,
    ja: {
      title: 'カード会社に接続できません',
      detail: () =>
        'カード決済の確定ができませんでした。状態は変わっていません。しばらくしてからもう一度お試しください。',
    },
    en: {
      title: 'The card company did not answer',
      detail: () => 'The card payment could not be captured. Nothing has changed; try again in a moment.',
    },
  },
  // The checkout stalled past its lease and was undone by the sweep (holds released, card voided): the cart
  // is still open; a retry runs again (a 5xx answer is not kept under its Idempotency-Key).
  'cart.checkout_interrupted': {
    status: 503,
    ja: {
      title: '注文処理が中断されました',
      detail: 'ご注文は確定していません。カードのお支払いも取り消しました。もう一度お試しください。',
    },
    en: {
      title: 'The checkout was interrupted',
      detail: 'No order was placed and the card payment was cancelled. Please try again.',
    },
  },
  'payment.declined': {
    status: 402,
    ja: {
      title: 'カードが承認されませんでした',
      detail: (p) =>
        p.declineCode === 'insufficient_funds'
          ? 'ご利用可能額が不足しています。別のカードをお使いください。'
          : p.declineCode === 'invalid_card'
            ? 'カード番号が正しくありません。'
            : p.declineCode === 'not_confirmed'
              ? 'カードのお支払いが確認できませんでした。もう一度カード情報を入力してお試しください。'
              : 'カード会社に承認されませんでした。別のカードをお使いください。',
    },
    en: {
      title: 'Card declined',
      detail: (p) =>
        p.declineCode === 'insufficient_funds'
          ? 'Insufficient funds: use another card.'
          : p.declineCode === 'invalid_card'
            ? 'The card number is not valid.'
            : p.declineCode === 'not_confirmed'
              ? 'The card payment was not confirmed. Enter your card again and retry.'
              : 'The card issuer declined it: use another card.',
    },
  },
  'payment.amount_mismatch': {
    status: 409,
    ja: {
      title: 'お支払い金額が合計と合いません',
      detail: (p) => `合計 ¥${p.total} に対してお支払いが ¥${p.paid} です。`,
    },
    en: {
      title: 'Payments do not add up',
      detail: (p) => `The total is ¥${p.total} but the payments add up to ¥${p.paid}.`,
    },
  },
  'order.not_found': {
    status: 404,
    ja: { title: '注文が見つかりません', detail: (p) => `注文 ${p.orderId} はありません。` },
    en: { title: 'Order not found', detail: (p) => `There is no order ${p.orderId}.` },
  },
  'order.lookup_failed': {
    status: 404,
    ja: { title: '注文が見つかりません', detail: '注文番号とメールアドレスをご確認ください。' },
    en: { title: 'Order not found', detail: 'Check the order number and the e-mail address.' },
  },
  'order.invalid_transition': {
    status: 409,
    ja: { title: 'この状態には変更できません', detail: (p) => `「${p.from}」から「${p.to}」には変更できません。` },
    en: { title: 'Invalid status change', detail: (p) => `A fulfilment cannot go from ${p.from} to ${p.to}.` },
  },
  'slot.invalid': {
    status: 409,
    ja: {
      title: 'この時間枠は選べません',
      detail: (p) =>
        `${p.slotStart} は ${p.locationId} の受け取り・お届けの時間枠ではありません（営業時間外・締切済み・過去の時間など）。別の時間をお選びください。`,
    },
    en: {
      title: 'This time slot is not available',
      detail: (p) =>
        `${p.slotStart} is not a pickup or delivery slot of ${p.locationId} (outside opening hours, too soon or past). Choose another time.`,
    },
  },
  'slot.full': {
    status: 409,
    ja: {
      title: 'この時間枠は満席です',
      detail: (p) => `${p.slotStart} の枠はいっぱいです。別の時間をお選びください。`,
    },
    en: {
      title: 'This time slot is full',
      detail: (p) => `The slot at ${p.slotStart} is fully booked. Choose another time.`,
    },
  },
  'slot.not_offered': {
    status: 409,
    ja: {
      title: 'モバイルオーダーは行っていません',
      detail: (p) => `${p.locationId} はモバイルオーダー（事前注文）を受け付けていません。`,
    },
    en: { title: 'No order-ahead here', detail: (p) => `${p.locationId} does not take order-ahead orders.` },
  },
  'payment.stripe_not_configured': {
    status: 404,
    ja: {
      title: 'Stripe は設定されていません',
      detail: 'このお店のカード決済は Stripe ではありません（CARD_PROVIDER）。',
    },
    en: { title: 'Stripe is not configured', detail: 'This shop does not take cards through Stripe (CARD_PROVIDER).' },
  },
  'payment.webhook_bad_signature': {
    status: 400,
    ja: {
      title: '署名が正しくありません',
      detail: 'Stripe-Signature が本文の署名と一致しないか、古すぎます（5 分以上前）。',
    },
    en: {
      title: 'Bad signature',
      detail: 'Stripe-Signature does not match the body, or is too old (over five minutes).',
    },
  },
  'payment.card_unavailable': {
    status: 409,
    ja: {
      title: 'オンラインのカード決済は利用できません',
      detail: 'このお店はオンラインでのカード決済を受け付けていません。ほかのお支払い方法をお選びください。',
    },
    en: {
      title: 'No online card payment',
      detail: 'This shop does not take card payments online. Choose another way to pay.',
    },
  },
  'delivery.not_offered': {
    status: 409,
    ja: {
      title: 'この店舗は配達を行っていません',
      detail: (p) => `${p.name ?? p.locationId} は近隣配達を行っていません。`,
    },
    en: { title: 'No local delivery from this store', detail: (p) => `${p.name ?? p.locationId} does not deliver.` },
  },
  'delivery.out_of_area': {
    status: 409,
    ja: {
      title: '配達エリア外です',
      detail: (p) =>
        p.name
          ? `お届け先は ${p.name} から ${p.distanceKm} km で、配達範囲（${p.radiusKm} km）の外です。`
          : 'お届け先の近くに配達できる店舗がありません。配送（宅配便）をお選びください。',
    },
    en: {
      title: 'Outside the delivery area',
      detail: (p) =>
        p.name
          ? `The address is ${p.distanceKm} km from ${p.name}, beyond its ${p.radiusKm} km delivery radius.`
          : 'No store delivers to this address. Choose shipping instead.',
    },
  },
  'order.partially_shipped': {
    status: 409,
    ja: {
      title: '一部が発送済みのためキャンセルできません',
      detail: (p) =>
        `ご注文 ${p.number} は一部の商品がすでに出荷されています。残りを出荷するか、届いた後に返品として受け付けてください。`,
    },
    en: {
      title: 'Part of this order has already left',
      detail: (p) =>
        `Part of order ${p.number} has already shipped. Ship the rest, or take it back as a return once it arrives.`,
    },
  },
  // The store's receipt printer (printed to from the server, raw TCP). Not 5xx: the till reads 502–504 as
  // "the server is down" and would go offline; the server answered, the printer did not.
  'printer.not_configured': {
    status: 409,
    ja: {
      title: 'レシートプリンターが設定されていません',
      detail: 'この店舗にはレシートプリンターが設定されていないか、停止中です。画面の「印刷」をお使いください。',
    },
    en: {
      title: 'No receipt printer',
      detail: 'This store has no receipt printer set up, or it is switched off. Use the browser print instead.',
    },
  },
  'printer.unreachable': {
    status: 409,
    ja: {
      title: 'レシートプリンターに接続できません',
      detail: (p) =>
        `プリンター（${p.address}）が応答しません。電源とネットワークを確認してください。画面の「印刷」でも印刷できます。`,
    },
    en: {
      title: 'The receipt printer does not answer',
      detail: (p) =>
        `The printer (${p.address}) did not answer. Check its power and network, or use the browser print.`,
    },
  },
  'printer.not_ready': {
    status: 409,
    ja: {
      title: 'レシートプリンターが印刷できない状態です',
      detail: 'カバーが開いているか、用紙がありません。確認してからもう一度印刷してください。',
    },
    en: {
      title: 'The receipt printer is not ready',
      detail: 'Its cover is open or it is out of paper. Check it and print again.',
    },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof orderProblems> {}
}
