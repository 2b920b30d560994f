import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { useT } from '../i18n';
import { Button, ProblemBanner, SuccessBanner, TextField, fieldError } from '../ui';
import type { SlotSettings } from '../api/types';
import type { Session } from '../staff-session';

type Kind = SlotSettings['kind'];

/**
 * 枠の設定: how many orders one pickup slot (order-ahead) or delivery window takes. Everyone at the store
 * sees it; the manager (and head office) change it — more hands today, more places per slot.
 */
export function SlotCapacityForm({ session, locationId, kind }: { session: Session; locationId: string; kind: Kind }) {
  const t = useT();
  const qc = useQueryClient();
  const queryKey = ['slot-settings', locationId, kind];
  const settings = useQuery({
    queryKey,
    queryFn: () =>
      call(api.GET('/api/locations/{id}/slot-settings', { params: { path: { id: locationId }, query: { kind } } })),
  });
  const [value, setValue] = useState('');
  useEffect(() => {
    if (settings.data) setValue(String(settings.data.capacity));
  }, [settings.data]);
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PUT('/api/locations/{id}/slot-settings', {
          params: { path: { id: locationId } },
          body: { kind, capacity: Number(value) },
        }),
      ),
    onSuccess: (s) => {
      qc.setQueryData(queryKey, s);
      void qc.invalidateQueries({ queryKey: ['slots'] });
    },
  });
  const canChange = ['owner', 'hq', 'store_manager'].includes(session.staff.role);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  if (!settings.data) return <ProblemBanner error={settings.error} />;
  const label = t(kind === 'delivery' ? 'store.slots.deliveryCapacity' : 'store.slots.orderAheadCapacity', {
    minutes: settings.data.slotMinutes,
  });
  return (
    <section className="card slot-capacity" data-kind={kind} data-capacity={settings.data.capacity}>
      {canChange ? (
        <form className="inline-form" onSubmit={submit}>
          <TextField
            label={label}
            type="number"
            inputMode="numeric"
            min={0}
            max={1000}
            required
            value={value}
            onChange={(e) => setValue(e.target.value)}
            error={fieldError(save.error, 'capacity')}
          />
          <Button type="submit" busy={save.isPending} disabled={value === String(settings.data.capacity)}>
            {t('store.slots.save')}
          </Button>
        </form>
      ) : (
        <p>
          {label}: <strong>{settings.data.capacity}</strong>
        </p>
      )}
      <ProblemBanner error={save.error} />
      {save.isSuccess && <SuccessBanner>{t('store.slots.saved', { n: save.data.capacity })}</SuccessBanner>}
    </section>
  );
}
