import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const storefrontProblems = defineProblems({
  'storefront.collection_not_found': {
    status: 404,
    ja: { title: '特集が見つかりません', detail: (p) => `特集 ${p.collectionId} は存在しません。` },
    en: { title: 'Collection not found', detail: (p) => `There is no collection ${p.collectionId}.` },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof storefrontProblems> {}
}
