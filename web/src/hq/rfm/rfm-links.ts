import type { SegmentRules } from '../../shared/api/types';

export type RfmGroupName = 'champions' | 'new' | 'regular' | 'at_risk' | 'dormant';

/** The segments editor opened on a new segment with these rules and this name. */
export function segmentLink(name: string, rules: SegmentRules): string {
  return `/hq/segments?${new URLSearchParams({ name, rules: JSON.stringify(rules) }).toString()}`;
}

/** A cell's segment: members with this recency and this frequency score (the segments' own `rfm_score`). */
export const cellRules = (r: number, f: number): SegmentRules => ({
  match: 'all',
  conditions: [{ field: 'rfm_score', recency: [r], frequency: [f] }],
});

/** A named group's segment (`rfm_group`). */
export const groupRules = (group: RfmGroupName): SegmentRules => ({
  match: 'all',
  conditions: [{ field: 'rfm_group', in: [group] }],
});
