import { useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { ProblemBanner } from '../shared/ui';
import { MergePair } from './MergePair';

/** /hq/customers/duplicates — pairs that look like one person registered twice; merge with a reason, undo if wrong. */
export function DuplicatesScreen() {
  const t = useT();
  const pairs = useQuery({
    queryKey: ['duplicates'],
    queryFn: () => call(api.GET('/api/customers/duplicates', { params: { query: { limit: 50 } } })),
    // A pair stays on screen after its merge (with the undo button) until the page is opened again.
    staleTime: Infinity,
  });
  return (
    <main className="page store">
      <h1>{t('hq.dup.title')}</h1>
      <p className="muted">{t('hq.dup.lead')}</p>
      <ProblemBanner error={pairs.error} />
      {pairs.isPending && <p className="muted">{t('common.loading')}</p>}
      {pairs.data && !pairs.data.items.length && <p className="empty-hint">{t('hq.dup.none')}</p>}
      <div className="stack">
        {pairs.data?.items.map((p) => (
          <MergePair key={`${p.a.id}|${p.b.id}`} pair={p} />
        ))}
      </div>
    </main>
  );
}
