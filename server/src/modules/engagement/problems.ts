import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const engagementProblems = defineProblems({
  'engagement.segment_not_found': {
    status: 404,
    ja: { title: 'セグメントが見つかりません', detail: (p) => `セグメント ${p.id} は存在しません。` },
    en: { title: 'Segment not found', detail: (p) => `There is no segment ${p.id}.` },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof engagementProblems> {}
}
