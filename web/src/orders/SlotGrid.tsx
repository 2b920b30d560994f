import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { formatTime, tokyoToday } from '../shared/format';
import { useT, type MessageKey } from '../shared/i18n';
import { ProblemBanner, TextField } from '../shared/ui';
import type { SlotList } from '../shared/api/types';

/** How often the slot list is asked again while open: places fill up as others order. */
const SLOTS_POLL_MS = 30_000;

/**
 * A day picker and a store's slots of one kind on that day (order-ahead pickup or delivery windows),
 * each with the places left; a full one is disabled. `chosen` is the slot start already in the cart.
 */
export function SlotGrid({
  locationId,
  kind,
  chosen,
  busy,
  onPick,
  labels,
}: {
  locationId: string;
  kind: SlotList['kind'];
  chosen: string | null;
  busy: boolean;
  onPick: (slotStart: string) => void;
  labels: { date: MessageKey; slots: MessageKey; none: MessageKey };
}) {
  const t = useT();
  const [date, setDate] = useState(chosen ? tokyoToday(new Date(chosen)) : tokyoToday());
  const slots = useQuery({
    queryKey: ['slots', kind, locationId, date],
    queryFn: () =>
      call(api.GET('/api/locations/{id}/slots', { params: { path: { id: locationId }, query: { kind, date } } })),
    enabled: /^\d{4}-\d{2}-\d{2}$/.test(date),
    refetchInterval: SLOTS_POLL_MS,
  });
  return (
    <>
      <TextField
        label={t(labels.date)}
        type="date"
        value={date}
        min={tokyoToday()}
        onChange={(e) => setDate(e.target.value)}
      />
      <h3>{t(labels.slots)}</h3>
      <ProblemBanner error={slots.error} />
      {slots.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : slots.data && slots.data.slots.length === 0 ? (
        <p className="muted" data-testid="no-slots">
          {t(labels.none)}
        </p>
      ) : (
        <div className="slot-grid" role="radiogroup" aria-label={t(labels.slots)} data-kind={kind}>
          {slots.data?.slots.map((s) => {
            const isChosen = chosen === s.start;
            const full = s.remaining <= 0;
            return (
              <button
                key={s.start}
                type="button"
                role="radio"
                className={`slot${isChosen ? ' chosen' : ''}${full ? ' full' : ''}`}
                aria-checked={isChosen}
                disabled={full || busy}
                data-slot={s.start}
                data-remaining={s.remaining}
                onClick={() => onPick(s.start)}
              >
                <span className="slot-time">
                  {t('time.range', { start: formatTime(s.start), end: formatTime(s.end) })}
                </span>
                <span className="slot-left small">
                  {full ? t('cart.oa.full') : t('cart.oa.remaining', { n: s.remaining })}
                </span>
              </button>
            );
          })}
        </div>
      )}
    </>
  );
}
