import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useCustomerSession } from '../shared/customer/session';
import { useT } from '../shared/i18n';
import { Link, withNext } from '../shared/router';
import { Button, ProblemBanner } from '../shared/ui';

/**
 * 入荷したら知らせる: shown while the nearest store has none of the chosen variant. A member registers a wish
 * for that store (POST /api/account/restock-wishes) and sees 「入荷したらお知らせします（渋谷店）」 with 取り消す;
 * a guest is asked to log in first.
 */
export function RestockNotice({ variantId, store }: { variantId: string; store: { id: string; name: string } }) {
  const t = useT();
  const session = useCustomerSession();
  const queryClient = useQueryClient();
  const key = ['account', 'restock-wishes', variantId];
  const wishes = useQuery({
    queryKey: key,
    queryFn: () => call(api.GET('/api/account/restock-wishes', { params: { query: { variantId } } })),
    enabled: Boolean(session),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['account', 'restock-wishes'] });
  const add = useMutation({
    mutationFn: () => call(api.POST('/api/account/restock-wishes', { body: { variantId, locationId: store.id } })),
    onSuccess: refresh,
  });
  const cancel = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/account/restock-wishes/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });

  if (!session)
    return (
      <div className="restock-notice stack">
        <p className="muted">{t('shop.restock.guest', { store: store.name })}</p>
        <Link href={withNext('/account/login')} className="btn btn-secondary">
          {t('shop.restock.ask')}
        </Link>
      </div>
    );
  const waiting = wishes.data?.items ?? [];
  return (
    <div className="restock-notice stack" data-testid="restock">
      {waiting.length ? (
        waiting.map((w) => (
          <p key={w.id} className="restock-waiting">
            {t('shop.restock.waiting', { store: w.locationName ?? t('shop.restock.anyStore') })}{' '}
            <Button variant="ghost" busy={cancel.isPending} onClick={() => cancel.mutate(w.id)}>
              {t('shop.restock.cancel')}
            </Button>
          </p>
        ))
      ) : (
        <Button variant="secondary" busy={add.isPending} disabled={wishes.isPending} onClick={() => add.mutate()}>
          {t('shop.restock.ask')}
        </Button>
      )}
      <ProblemBanner error={add.error ?? cancel.error ?? wishes.error} />
    </div>
  );
}
