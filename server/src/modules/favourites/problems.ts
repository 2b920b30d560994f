import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const favouriteProblems = defineProblems({
  'favourites.too_many': {
    status: 409,
    ja: {
      title: 'お気に入りがいっぱいです',
      detail: (p) => `お気に入りは ${p.max} 件まで登録できます。不要なものを外してください。`,
    },
    en: { title: 'Too many favourites', detail: (p) => `At most ${p.max} favourites: remove some first.` },
  },
  'favourites.not_found': {
    status: 404,
    ja: { title: 'お気に入りにありません', detail: 'この商品はお気に入りに登録されていません。' },
    en: { title: 'Not a favourite', detail: 'This product is not among her favourites.' },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof favouriteProblems> {}
}
