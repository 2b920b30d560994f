import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const engagementProblems = defineProblems({
  'engagement.segment_not_found': {
    status: 404,
    ja: { title: 'セグメントが見つかりません', detail: (p) => `セグメント ${p.id} は存在しません。` },
    en: { title: 'Segment not found', detail: (p) => `There is no segment ${p.id}.` },
  },
  'engagement.segment_in_use': {
    status: 409,
    ja: { title: 'キャンペーンで使われています', detail: 'このセグメントを使うキャンペーンがあるため削除できません。' },
    en: { title: 'Segment in use', detail: 'A campaign uses this segment, so it cannot be deleted.' },
  },
  'engagement.campaign_not_found': {
    status: 404,
    ja: { title: 'キャンペーンが見つかりません', detail: (p) => `キャンペーン ${p.id} は存在しません。` },
    en: { title: 'Campaign not found', detail: (p) => `There is no campaign ${p.id}.` },
  },
  'engagement.campaign_not_sent': {
    status: 409,
    ja: { title: 'まだ配信していません', detail: '配信したキャンペーンの結果だけを表示できます。' },
    en: { title: 'Not sent yet', detail: 'Results exist only for a campaign that was sent.' },
  },
  'engagement.campaign_sent': {
    status: 409,
    ja: {
      title: '配信済みのキャンペーンです',
      detail: '配信済みのキャンペーンは変更・削除・再配信できません。複製して新しく作成してください。',
    },
    en: {
      title: 'Campaign already sent',
      detail: 'A sent campaign cannot be changed, deleted or sent again. Make a new one.',
    },
  },
  'engagement.campaign_is_trigger': {
    status: 409,
    ja: {
      title: 'トリガー配信です',
      detail: 'トリガー配信は一度に送るのではなく、開始すると条件を満たした会員に届きます。',
    },
    en: { title: 'A trigger campaign', detail: 'A trigger campaign is not sent at once: activate it instead.' },
  },
  'engagement.campaign_not_trigger': {
    status: 409,
    ja: { title: 'トリガー配信ではありません', detail: 'セグメント配信は開始・停止できません。配信してください。' },
    en: { title: 'Not a trigger campaign', detail: 'Only a trigger campaign is activated or paused.' },
  },
  'engagement.trigger_active': {
    status: 409,
    ja: { title: '配信中のトリガーです', detail: '変更するには、先に停止してください。' },
    en: { title: 'Trigger is active', detail: 'Pause it before changing it.' },
  },
  'engagement.service_trigger': {
    status: 409,
    ja: {
      title: 'お知らせ（自動）です',
      detail: 'ご注文についてのお知らせ（自動）は停止・削除できません。文面と時間は変更できます。',
    },
    en: {
      title: 'A service reminder',
      detail: 'An order reminder cannot be paused or deleted; its words and hours can be changed.',
    },
  },
  'engagement.line_bad_signature': {
    status: 401,
    ja: { title: '署名が正しくありません', detail: 'x-line-signature がこのチャネルの署名と一致しません。' },
    en: { title: 'Bad signature', detail: 'x-line-signature does not match this channel’s signature of the body.' },
  },
  'engagement.line_not_configured': {
    status: 404,
    ja: { title: 'LINE 連携が設定されていません', detail: 'このサーバーには LINE のチャネル設定がありません。' },
    en: { title: 'LINE is not configured', detail: 'This server has no LINE channel settings.' },
  },
  'engagement.line_bad_webhook': {
    status: 400,
    ja: { title: 'Webhook の形式が正しくありません', detail: '本文が LINE の Webhook の JSON ではありません。' },
    en: { title: 'Bad webhook body', detail: 'The body is not a LINE webhook JSON document.' },
  },
  'engagement.restock_in_stock': {
    status: 409,
    ja: { title: '在庫があります', detail: 'この店舗には在庫があります。今すぐお買い求めいただけます。' },
    en: { title: 'In stock', detail: 'This store has it now: it can be bought today.' },
  },
  'engagement.restock_not_a_store': {
    status: 400,
    ja: { title: '店舗を指定してください', detail: '入荷のお知らせは店舗ごとに登録できます。' },
    en: { title: 'Not a store', detail: 'A restock notice is registered for a store.' },
  },
  'engagement.restock_too_many': {
    status: 409,
    ja: {
      title: '入荷のお知らせが多すぎます',
      detail: (p) => `入荷のお知らせは ${p.max} 件まで登録できます。不要なものを取り消してください。`,
    },
    en: { title: 'Too many restock notices', detail: (p) => `At most ${p.max} restock notices: cancel some first.` },
  },
  'engagement.restock_wish_not_found': {
    status: 404,
    ja: { title: '入荷のお知らせが見つかりません', detail: '取り消せるお知らせの登録がありません。' },
    en: { title: 'Restock notice not found', detail: 'There is no waiting restock notice with this id.' },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof engagementProblems> {}
}
