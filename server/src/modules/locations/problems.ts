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
  'locations.event_not_found': {
    status: 404,
    ja: {
      title: 'イベントが見つかりません',
      detail: () => 'このイベントは削除されたか、この店舗のものではありません。',
    },
    en: { title: 'Event not found', detail: () => 'This event was removed or belongs to another store.' },
  },
  'business.bad_logo': {
    status: 400,
    ja: {
      title: 'ロゴ画像を使えません',
      detail: (p) =>
        p.reason === 'too_big'
          ? `ロゴは幅${p.maxWidth}ドット・高さ${p.maxHeight}ドット・${p.maxKb}KB以内のPNG画像にしてください（白黒推奨）。`
          : 'ロゴはPNG画像にしてください（白黒推奨）。',
    },
    en: {
      title: 'Unusable logo',
      detail: (p) =>
        p.reason === 'too_big'
          ? `The logo must be a PNG of at most ${p.maxWidth} × ${p.maxHeight} dots and ${p.maxKb} KB (black and white works best).`
          : 'The logo must be a PNG image (black and white works best).',
    },
  },
  'business.no_logo': {
    status: 404,
    ja: { title: 'ロゴが設定されていません', detail: () => 'レシートのロゴはまだ設定されていません。' },
    en: { title: 'No logo', detail: () => 'No receipt logo has been set.' },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof locationProblems> {}
}
