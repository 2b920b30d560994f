import { defineProblems, type CodesOf } from '../../platform/errors.ts';

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
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof notificationProblems> {}
}
