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
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof engagementProblems> {}
}
