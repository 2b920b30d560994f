import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call, newIdempotencyKey } from '../shared/api/client';
import type { ProductAvailability } from '../shared/api/types';
import { useCustomerSession } from '../shared/customer/session';
import { formatDateTime, formatKm } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Link, withNext } from '../shared/router';
import { Button, ProblemBanner, SelectField, SuccessBanner } from '../shared/ui';
import { useMyStoreId } from '../shared/my-store';

/**
 * 取り置き: set this variant aside at a nearby store that has it, until the store closes; she pays at the
 * till when she collects it. Stores come nearest first (the availability's order); a guest is asked to sign
 * in first (a hold is kept under her name).
 */
export function HoldPanel({ availability, variantId }: { availability: ProductAvailability; variantId: string }) {
  const t = useT();
  const lang = useLang();
  const member = useCustomerSession();
  const queryClient = useQueryClient();
  const stock = new Map(
    availability.items.filter((i) => i.variantId === variantId).map((i) => [i.locationId, i.available]),
  );
  const stores = availability.locations.filter((l) => l.kind === 'store' && (stock.get(l.id) ?? 0) > 0);
  const [picked, setPicked] = useState<string | null>(null);
  const myStore = useMyStoreId();
  // マイストア first when it has the item, else the nearest that does.
  const chosen = stores.find((s) => s.id === picked) ?? stores.find((s) => s.id === myStore) ?? stores[0];
  const hold = useMutation({
    mutationFn: (body: { variantId: string; locationId: string }) =>
      call(api.POST('/api/account/holds', { headers: { 'Idempotency-Key': newIdempotencyKey() }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['availability'] }),
  });
  const placed = hold.data;
  const placedAt = placed?.fulfilments.find((f) => f.type === 'hold');

  return (
    <section className="card hold-panel stack" aria-labelledby="hold-title" data-testid="hold-panel">
      <h2 id="hold-title">{t('shop.hold.title')}</h2>
      <p className="muted small">{t('shop.hold.hint')}</p>
      {!stores.length ? (
        <p className="muted">{t('shop.hold.none')}</p>
      ) : !member ? (
        <Link className="btn btn-secondary btn-lg" href={withNext('/account/login')}>
          {t('shop.hold.signIn')}
        </Link>
      ) : placed && placedAt ? (
        <SuccessBanner>
          <span data-testid="hold-placed" data-order={placed.number}>
            {t('shop.hold.placed', {
              store: availability.locations.find((l) => l.id === placedAt.locationId)?.name ?? '',
              time: placedAt.deadline ? formatDateTime(placedAt.deadline, lang) : '—',
            })}
          </span>{' '}
          <Link href={`/account/orders/${placed.id}`}>{t('shop.hold.view')}</Link>
        </SuccessBanner>
      ) : (
        <>
          <SelectField
            label={t('shop.hold.store')}
            value={chosen?.id ?? ''}
            onChange={(e) => {
              hold.reset();
              setPicked(e.target.value);
            }}
          >
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {t('shop.hold.option', {
                  store: s.name,
                  distance: formatKm(s.distanceKm),
                  n: stock.get(s.id) ?? 0,
                })}
              </option>
            ))}
          </SelectField>
          <Button
            variant="secondary"
            size="lg"
            busy={hold.isPending}
            onClick={() => chosen && hold.mutate({ variantId, locationId: chosen.id })}
          >
            {t('shop.hold.button', { store: chosen?.name ?? '' })}
          </Button>
        </>
      )}
      <ProblemBanner error={hold.error} />
    </section>
  );
}
