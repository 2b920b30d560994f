import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { paths } from '../shared/api/schema';
import { formatTime, tokyoToday } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { Button, ProblemBanner } from '../shared/ui';
import type { Session } from '../shared/staff-session';

type Day = paths['/api/locations/{id}/appointments']['get']['responses'][200]['content']['application/json'];
type Visit = Day['items'][number];
type Action = 'check_in' | 'complete' | 'no_show' | 'cancel';

/** Actions that cannot be taken back take two taps. */
const CONFIRM: readonly Action[] = ['no_show', 'cancel'];

/**
 * /store/:id/appointments — 来店予約: the board of the day (today by default: booked, arrived, no-shows, who is
 * next) and the day's list, where the clerk checks a member in (来店), completes the visit, records a no-show
 * once it has started (無断キャンセル — counted on her, shown beside her name) or cancels for her.
 */
export function AppointmentsScreen({ session, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [date, setDate] = useState(tokyoToday());
  const [confirming, setConfirming] = useState<string | null>(null);
  const queryKey = ['store-appointments', locationId, date];
  const day = useQuery({
    queryKey,
    queryFn: () =>
      call(api.GET('/api/locations/{id}/appointments', { params: { path: { id: locationId }, query: { date } } })),
    refetchInterval: 30_000,
  });
  const move = useMutation({
    mutationFn: (v: { id: string; action: Action }) =>
      call(api.POST('/api/appointments/{id}/status', { params: { path: { id: v.id } }, body: { action: v.action } })),
    onSettled: () => {
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey });
    },
  });
  const act = (id: string, action: Action) => {
    const key = `${id}:${action}`;
    if (CONFIRM.includes(action) && confirming !== key) return setConfirming(key);
    move.mutate({ id, action });
  };
  const items = day.data?.items ?? [];
  const isManager = session.staff.role !== 'staff';

  return (
    <main className="page store appointments-day">
      <div className="section-head">
        <h1>{date === tokyoToday() ? t('apptStaff.today') : t('apptStaff.title')}</h1>
        {isManager && (
          <Link href={`/store/${encodeURIComponent(locationId)}/appointment-settings`}>{t('apptStaff.settings')}</Link>
        )}
      </div>
      <label className="appt-date">
        {t('apptStaff.day')}{' '}
        <input type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />
      </label>
      <Board items={items} />
      <ProblemBanner error={day.error ?? move.error} />
      {day.data && items.length === 0 && <p className="card">{t('apptStaff.none')}</p>}
      <ul className="appt-day-list" data-testid="store-appointments">
        {items.map((v) => (
          <VisitRow
            key={v.id}
            v={v}
            busy={move.isPending && move.variables?.id === v.id}
            confirming={confirming}
            onAct={(action) => act(v.id, action)}
          />
        ))}
      </ul>
    </main>
  );
}

function Board({ items }: { items: Visit[] }) {
  const t = useT();
  const lang = useLang();
  const booked = items.filter((v) => v.status !== 'cancelled');
  const arrived = items.filter((v) => v.status === 'checked_in' || v.status === 'completed').length;
  const noShows = items.filter((v) => v.status === 'no_show').length;
  const next = items.find((v) => v.status === 'booked' && Date.parse(v.endsAt) > Date.now());
  return (
    <section className="appt-board" aria-label={t('apptStaff.today')} data-testid="appt-board">
      <div className="appt-board-figure">
        <span className="small muted">{t('apptStaff.board.booked')}</span>
        <strong>{booked.length}</strong>
      </div>
      <div className="appt-board-figure">
        <span className="small muted">{t('apptStaff.board.arrived')}</span>
        <strong>{arrived}</strong>
      </div>
      <div className="appt-board-figure">
        <span className="small muted">{t('apptStaff.board.noShow')}</span>
        <strong>{noShows}</strong>
      </div>
      {next && (
        <div className="appt-board-next">
          <span className="small muted">{t('apptStaff.board.next')}</span>
          <strong>
            {formatTime(next.startsAt)} {next.customer.name}・
            {lang === 'en' && next.service.nameEn ? next.service.nameEn : next.service.nameJa}
          </strong>
        </div>
      )}
    </section>
  );
}

function VisitRow({
  v,
  busy,
  confirming,
  onAct,
}: {
  v: Visit;
  busy: boolean;
  confirming: string | null;
  onAct: (action: Action) => void;
}) {
  const t = useT();
  const lang = useLang();
  const started = Date.parse(v.startsAt) <= Date.now();
  const label = (action: Action, key: Parameters<typeof t>[0]) =>
    confirming === `${v.id}:${action}` ? t('apptStaff.sure') : t(key);
  return (
    <li className={`card appt-visit appt-status-${v.status}`}>
      <div className="appt-visit-time">
        <strong>
          {formatTime(v.startsAt)}–{formatTime(v.endsAt)}
        </strong>
        <span className={`appt-status appt-status-${v.status}`}>{t(`apptStaff.status.${v.status}`)}</span>
      </div>
      <div className="appt-visit-who">
        <strong>{t('store.pickups.honorific', { name: v.customer.name })}</strong>
        <span className="small muted">{t('apptStaff.memberNumber', { number: v.customer.memberNumber })}</span>
        {v.customer.noShowCount > 0 && (
          <span className="appt-noshows">{t('apptStaff.noShows', { n: v.customer.noShowCount })}</span>
        )}
      </div>
      <div>
        {lang === 'en' && v.service.nameEn ? v.service.nameEn : v.service.nameJa}・{t('apptStaff.staff')}:{' '}
        {v.staff.name}
      </div>
      {v.note && <div className="small appt-note">{v.note}</div>}
      <div className="appt-actions">
        {v.status === 'booked' && (
          <Button variant="primary" busy={busy} onClick={() => onAct('check_in')}>
            {t('apptStaff.checkIn')}
          </Button>
        )}
        {(v.status === 'booked' || v.status === 'checked_in') && (
          <Button busy={busy} onClick={() => onAct('complete')}>
            {t('apptStaff.complete')}
          </Button>
        )}
        {v.status === 'booked' && started && (
          <Button variant="danger" busy={busy} onClick={() => onAct('no_show')}>
            {label('no_show', 'apptStaff.noShow')}
          </Button>
        )}
        {v.status === 'booked' && (
          <Button variant="ghost" busy={busy} onClick={() => onAct('cancel')}>
            {label('cancel', 'apptStaff.cancel')}
          </Button>
        )}
      </div>
    </li>
  );
}
