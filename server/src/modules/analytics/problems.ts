import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const analyticsProblems = defineProblems({
  'analytics.not_enough_history': {
    status: 409,
    ja: {
      title: '予測に必要な購入履歴がありません',
      detail: 'まだ2回目の購入がある会員がいないため、予測LTVを計算できません。',
    },
    en: {
      title: 'Not enough purchase history',
      detail: 'No member has bought twice yet, so there is nothing to predict lifetime value from.',
    },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof analyticsProblems> {}
}
