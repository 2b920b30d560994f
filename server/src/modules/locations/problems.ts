import { defineProblems } from '../../platform/errors.ts';

export const locationProblems = defineProblems({
  'locations.not_found': {
    status: 404,
    ja: { title: '店舗が見つかりません', detail: (p) => `店舗・拠点 ${p.locationId} は存在しません。` },
    en: { title: 'Location not found', detail: (p) => `There is no location ${p.locationId}.` },
  },
});
