import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const locationProblems = defineProblems({
  'locations.not_found': {
    status: 404,
    ja: { title: '店舗が見つかりません', detail: (p) => `店舗・拠点 ${p.locationId} は存在しません。` },
    en: { title: 'Location not found', detail: (p) => `There is no location ${p.locationId}.` },
  },
  'locations.code_taken': {
    status: 409,
    ja: { title: '店舗コードが重複しています', detail: (p) => `店舗コード ${p.code} は別の店舗で使われています。` },
    en: { title: 'Location code taken', detail: (p) => `The code ${p.code} belongs to another location.` },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof locationProblems> {}
}
