import { useState } from 'react';
import type { Segment } from '../shared/api/types';
import { formatDateTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, DataTable, ProblemBanner } from '../shared/ui';
import { SegmentEditor } from './segments/SegmentEditor';
import { useSegments } from './segments/useSegments';

/** /hq/segments — saved segments, and the editor with its live member count. */
export function SegmentsScreen() {
  const t = useT();
  const lang = useLang();
  const segments = useSegments();
  // The editor stays the same (and keeps its 保存しました) when a new segment is saved and becomes a saved one.
  const [open, setOpenState] = useState<{ segment: Segment | null; key: number } | null>(null);
  const [opened, setOpened] = useState(0);
  const setOpen = (segment: Segment | 'new') => {
    setOpened((n) => n + 1);
    setOpenState({ segment: segment === 'new' ? null : segment, key: opened + 1 });
  };

  return (
    <main className="page store hq-segments">
      <h1>{t('hq.segments.title')}</h1>
      <p className="muted">{t('hq.segments.lead')}</p>
      {open ? (
        <SegmentEditor
          key={open.key}
          segment={open.segment}
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
    </main>
  );
}
