import { useState } from 'react';
import type { Segment, SegmentRules } from '../api/types';
import { useLocationPath } from '../router';
import { formatDateTime } from '../format';
import { useLang, useT } from '../i18n';
import { Button, DataTable, ProblemBanner } from '../ui';
import { SegmentEditor } from './segments/SegmentEditor';
import { useSegments } from './segments/useSegments';
import { useScopeText, type EngagementScope } from './scope';

/** Saved segments and the editor with its live member count — head office's, or a store manager's own. */
export function SegmentsPage({ scope }: { scope: EngagementScope }) {
  const t = useT();
  const lang = useLang();
  const segments = useSegments();
  const scopeText = useScopeText();
  // The editor stays the same (and keeps its 保存しました) when a new segment is saved and becomes a saved one.
  // `?rules=<JSON>&name=…` (an RFM分析 cell's or group's link) opens a new segment with those rules.
  const { search } = useLocationPath();
  const [draft] = useState(() => draftFrom(search));
  const [open, setOpenState] = useState<{ segment: Segment | null; key: number } | null>(
    draft ? { segment: null, key: 0 } : null,
  );
  const [opened, setOpened] = useState(0);
  const setOpen = (segment: Segment | 'new') => {
    setOpened((n) => n + 1);
    setOpenState({ segment: segment === 'new' ? null : segment, key: opened + 1 });
  };

  return (
    <>
      {open ? (
        <SegmentEditor
          key={open.key}
          scope={scope}
          segment={open.segment}
          draft={open.key === 0 ? draft : undefined}
          onSaved={(segment) => setOpenState({ ...open, segment })}
          onClose={() => setOpenState(null)}
        />
      ) : (
        <Button variant="primary" onClick={() => setOpen('new')}>
          {t('hq.segments.new')}
        </Button>
      )}
      <section className="card">
        <h2>{t('hq.segments.list')}</h2>
        <ProblemBanner error={segments.error} />
        <DataTable
          stacked
          rows={segments.data ?? []}
          rowKey={(s) => s.id}
          empty={segments.isPending ? t('common.loading') : t('hq.segments.none')}
          columns={[
            {
              key: 'name',
              header: t('hq.segments.name'),
              cell: (s) => (
                <Button variant="ghost" onClick={() => setOpen(s)}>
                  {s.name}
                </Button>
              ),
            },
            { key: 'description', header: t('hq.segments.description'), cell: (s) => s.description },
            { key: 'scope', header: t('hq.campaigns.scope'), cell: (s) => scopeText(s.storeScope) },
            {
              key: 'conditions',
              header: t('hq.segments.conditions'),
              align: 'end',
              cell: (s) => t('hq.segments.conditionCount', { n: s.rules.conditions.length }),
            },
            { key: 'updated', header: t('hq.segments.updated'), cell: (s) => formatDateTime(s.updatedAt, lang) },
          ]}
        />
      </section>
    </>
  );
}

/** The new segment a link asks for: `rules` a JSON rule set (the server checks it on preview and save). */
function draftFrom(search: URLSearchParams): { name: string; rules: SegmentRules } | undefined {
  const raw = search.get('rules');
  if (!raw) return undefined;
  try {
    const rules = JSON.parse(raw) as SegmentRules;
    if (!rules || typeof rules !== 'object' || !Array.isArray(rules.conditions)) return undefined;
    return { name: search.get('name') ?? '', rules: { match: rules.match === 'any' ? 'any' : 'all', ...rules } };
  } catch {
    return undefined;
  }
}
