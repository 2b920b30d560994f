import { defineProblems, type CodesOf } from '../../platform/errors.ts';

/** The kinds of address refused (platform/egress.ts EgressReason), in HQ's words. */
const REASON_JA: Record<string, string> = {
  loopback: 'ループバック',
  private: 'プライベート',
  link_local: 'リンクローカル',
  metadata: 'クラウドのメタデータ',
  cgnat: 'キャリアグレードNAT',
  unspecified: '未指定',
  multicast: 'マルチキャスト',
  reserved: '予約済み',
};

export const notificationProblems = defineProblems({
  'notifications.delivery_not_found': {
    status: 404,
    ja: { title: '配信が見つかりません', detail: (p) => `配信 ${p.id} は存在しません。` },
    en: { title: 'Delivery not found', detail: (p) => `There is no delivery ${p.id}.` },
  },
  'notifications.unknown_cursor': {
    status: 400,
    ja: {
      title: 'ページの位置が不正です',
      detail: (p) => `お知らせ ${p.before} が見つからないため、続きを表示できません。最初から読み込み直してください。`,
    },
    en: {
      title: 'Invalid page cursor',
      detail: (p) => `There is no notice ${p.before} to continue after; load the list again from the start.`,
    },
  },
  'notifications.already_sent': {
    status: 409,
    ja: { title: '送信済みです', detail: (p) => `配信 ${p.id} は送信済みのため、再送できません。` },
    en: { title: 'Already sent', detail: (p) => `Delivery ${p.id} was sent already; there is nothing to retry.` },
  },
  'notifications.bad_push_endpoint': {
    status: 400,
    ja: {
      title: 'プッシュ通知の宛先が不正です',
      detail: () => 'このブラウザのプッシュ通知の宛先（https のアドレス）を確認できませんでした。',
    },
    en: {
      title: 'Invalid push endpoint',
      detail: () => 'The push endpoint must be an https address of a push service.',
    },
  },
  'notifications.bad_push_keys': {
    status: 400,
    ja: { title: 'プッシュ通知の鍵が不正です', detail: () => 'このブラウザのプッシュ通知の鍵を確認できませんでした。' },
    en: {
      title: 'Invalid push keys',
      detail: () => 'p256dh must be a P-256 public key (65 bytes) and auth 16 bytes, both base64url.',
    },
  },
  'notifications.push_subscription_not_found': {
    status: 404,
    ja: { title: '登録が見つかりません', detail: () => 'このブラウザはプッシュ通知に登録されていません。' },
    en: { title: 'Subscription not found', detail: () => 'This browser is not subscribed to push notifications.' },
  },
  'notifications.bad_unsubscribe_token': {
    status: 400,
    ja: {
      title: '配信停止のリンクが正しくありません',
      detail: () =>
        'リンクが途中で切れているか、書き換えられています。マイページの「お知らせの受け取り設定」から停止できます。',
    },
    en: {
      title: 'Invalid unsubscribe link',
      detail: () => 'The link is incomplete or was altered; change your settings in your account instead.',
    },
  },
  'notifications.webhook_address_refused': {
    status: 422,
    ja: {
      title: 'この宛先には送信できません',
      detail: (p) =>
        `${p.host} は ${p.address}（${REASON_JA[String(p.reason)] ?? p.reason}）を指しています。社内ネットワークやサーバー自身のアドレスには Webhook を送りません。公開されている https のアドレスを指定してください。`,
    },
    en: {
      title: 'Address not allowed',
      detail: (p) =>
        `${p.host} points at ${p.address}, a ${String(p.reason).replace('_', '-')} address; webhooks are not sent into the server's own network. Use a public address.`,
    },
  },
  'notifications.bad_webhook_secret': {
    status: 422,
    ja: {
      title: '署名用シークレットの形式が不正です',
      detail: () =>
        'シークレットは whsec_ に続けて 24〜64 バイトを base64 で書いたものにしてください（省略すると自動で作成します）。',
    },
    en: {
      title: 'Invalid signing secret',
      detail: () => 'A secret is whsec_ followed by the base64 of 24 to 64 bytes (leave it out to have one made).',
    },
  },
  'notifications.bad_link_token': {
    status: 400,
    ja: { title: 'リンクが正しくありません', detail: () => 'リンクが途中で切れているか、書き換えられています。' },
    en: { title: 'Invalid link', detail: () => 'The link is incomplete or was altered.' },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof notificationProblems> {}
}
