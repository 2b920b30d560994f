import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const eventProblems = defineProblems({
  'customer.out_of_context': {
    status: 403,
    ja: {
      title: 'この会員の情報は表示できません',
      detail:
        '店舗スタッフが会員の詳しい情報を見られるのは、その会員が自店で会員証を提示したとき（12時間以内）や、自店での注文・購入（30日以内）があるときです。会員証を読み取ってください。',
    },
    en: {
      title: 'Not your store’s customer right now',
      detail:
        'Store staff see a member in full only when she is their customer: her member card scanned at their store (12 hours), or an order or purchase there (30 days). Scan her member card.',
    },
  },
  'events.customer_not_found': {
    status: 404,
    ja: { title: '会員が見つかりません', detail: (p) => `会員 ${p.customerId} は登録されていません。` },
    en: { title: 'Customer not found', detail: (p) => `There is no customer ${p.customerId}.` },
  },
  'events.device_required': {
    status: 400,
    ja: {
      title: '端末IDが必要です',
      detail: (p) => `ログインしていない端末からのイベントには deviceId が必要です（events[${p.index}]）。`,
    },
    en: {
      title: 'Device id required',
      detail: (p) => `Events sent without a sign-in need a deviceId (events[${p.index}]).`,
    },
  },
  'events.payload_too_large': {
    status: 400,
    ja: {
      title: 'イベントの内容が大きすぎます',
      detail: (p) => `events[${p.index}] の payload は JSON で ${p.limitBytes} バイトまでです（${p.bytes} バイト）。`,
    },
    en: {
      title: 'Event payload too large',
      detail: (p) => `The payload of events[${p.index}] is ${p.bytes} bytes of JSON; the limit is ${p.limitBytes}.`,
    },
  },
  'events.occurred_in_future': {
    status: 400,
    ja: {
      title: '発生日時が未来です',
      detail: (p) => `events[${p.index}] の occurredAt が未来すぎます。端末の時計を確認してください。`,
    },
    en: {
      title: 'Event time is in the future',
      detail: (p) => `events[${p.index}] has an occurredAt too far in the future. Check the device clock.`,
    },
  },
  'events.rate_limited': {
    status: 429,
    ja: {
      title: 'イベントの送信が多すぎます',
      detail: (p) =>
        `${p.retryAfterSeconds} 秒ほど待ってから再送してください（同じイベントIDで再送すれば重複しません）。`,
    },
    en: {
      title: 'Too many events',
      detail: (p) => `Retry in about ${p.retryAfterSeconds} s (resending the same event ids never duplicates them).`,
    },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof eventProblems> {}
}
