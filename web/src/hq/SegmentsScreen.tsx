import { useMemo } from 'react';
import type { SegmentRules } from '../shared/api/types';
import { useT } from '../shared/i18n';
import { useLocationPath } from '../shared/router';
import { SegmentsPage } from '../shared/engagement/SegmentsPage';

/** A new segment's name and rules from the address (RFM分析's cells link here); null when absent or malformed. */
function draftFrom(raw: string | null, name: string | null): { name: string; rules: SegmentRules } | null {
  if (!raw) return null;
  try {
    const rules = JSON.parse(raw) as SegmentRules;
    if (!rules || !Array.isArray(rules.conditions)) return null;
    return {
      name: (name ?? '').slice(0, 100),
      rules: { match: rules.match ?? 'all', conditions: rules.conditions },
    };
  } catch {
    return null;
  }
}

/** /hq/segments — saved segments, and the editor with its live member count. */
export function SegmentsScreen() {
  const t = useT();
  const { search } = useLocationPath();
  const rules = search.get('rules');
  const name = search.get('name');
  const draft = useMemo(() => draftFrom(rules, name), [rules, name]);
  return (
    <main className="page store hq-segments">
      <h1>{t('hq.segments.title')}</h1>
      <p className="muted">{t('hq.segments.lead')}</p>
      <SegmentsPage scope="hq" draft={draft} />
    </main>
  );
}
