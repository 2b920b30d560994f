import { useT } from '../shared/i18n';
import { SegmentsPage } from '../shared/engagement/SegmentsPage';

/** /hq/segments — saved segments, and the editor with its live member count. */
export function SegmentsScreen() {
  const t = useT();
  return (
    <main className="page store hq-segments">
      <h1>{t('hq.segments.title')}</h1>
      <p className="muted">{t('hq.segments.lead')}</p>
      <SegmentsPage scope="hq" />
    </main>
  );
}
