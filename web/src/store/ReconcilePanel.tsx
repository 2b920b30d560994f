import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { describeOptions, formatDateTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, ProblemBanner } from '../shared/ui';
import type { Session } from '../shared/staff-session';

/**
 * 要確認: till sales that sold more than was free on record here (a sale rung up offline while the web
 * took the last unit, a count that was off). The store manager counts the shelf, deals with the order that
 * expected the unit, and marks it 確認済み; clerks see the list. Nothing shows while there is none.
 */
export function ReconcilePanel({ session, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const key = ['stock-reconciliations', locationId] as const;
  const list = useQuery({
    queryKey: key,
    queryFn: () => call(api.GET('/api/stock-reconciliations', { params: { query: { locationId, open: 'true' } } })),
    refetchInterval: 60_000,
  });
  const resolve = useMutation({
    mutationFn: (id: string) => call(api.POST('/api/stock-reconciliations/{id}/resolve', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  const canResolve = session.staff.role !== 'staff';
  const items = list.data?.items ?? [];
  if (!items.length) return null;
  return (
    <section className="card reconcile" data-testid="reconcile" aria-labelledby="reconcile-title">
      <h2 id="reconcile-title">{t('store.reconcile.title', { n: items.length })}</h2>
      <p className="small muted">{t('store.reconcile.lead')}</p>
      <ul className="plain-list">
        {items.map((r) => (
          <li key={r.id} data-variant={r.variantId} data-quantity={r.quantity}>
            <strong>{r.productName}</strong>
            {Object.keys(r.options).length > 0 && <span className="small"> {describeOptions(r.options)}</span>}{' '}
            <span>{t('store.reconcile.short', { n: r.quantity })}</span>{' '}
            <span className="small muted">{formatDateTime(new Date(r.createdAt).toISOString(), lang)}</span>{' '}
            {canResolve && (
              <Button
                variant="ghost"
                busy={resolve.isPending && resolve.variables === r.id}
                onClick={() => resolve.mutate(r.id)}
              >
                {t('store.reconcile.resolve')}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {!canResolve && <p className="small muted">{t('store.reconcile.managerOnly')}</p>}
      <ProblemBanner error={resolve.error} />
    </section>
  );
}
