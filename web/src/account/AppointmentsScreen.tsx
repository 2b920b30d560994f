import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { paths } from '../shared/api/schema';
import { formatDateTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { locationName, useLocations } from '../shared/locations';
import { useMyStoreId } from '../shared/my-store';
import { Link } from '../shared/router';
import { Button, ProblemBanner, SuccessBanner } from '../shared/ui';
import { AccountPage } from './AccountPage';

type Mine = paths['/api/account/appointments']['get']['responses'][200]['content']['application/json'];
type Appointment = Mine['upcoming'][number];

const KEY = ['account', 'appointments'];

/**
 * /account/appointments — マイページの来店予約: what she booked (soonest first), cancel (two taps) and change the
 * time until the cut-off, what came before; and where to book a new visit (her store first).
 */
export function AppointmentsScreen() {
  const t = useT();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<string | null>(null);
  const mine = useQuery({ queryKey: KEY, queryFn: () => call(api.GET('/api/account/appointments')) });
  const cancel = useMutation({
    mutationFn: (id: string) => call(api.POST('/api/account/appointments/{id}/cancel', { params: { path: { id } } })),
    onSettled: () => {
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey: KEY });
    },
  });
  const ask = (id: string) => {
    if (confirming === id) cancel.mutate(id);
    else setConfirming(id);
  };
  return (
    <AccountPage title={t('account.menu.appointments')}>
      <ProblemBanner error={mine.error ?? cancel.error} />
      {cancel.isSuccess && <SuccessBanner>{t('appt.cancelled')}</SuccessBanner>}
      <h2>{t('appt.upcoming')}</h2>
      {mine.isPending && <p className="muted">{t('common.loading')}</p>}
      {mine.data && mine.data.upcoming.length === 0 && <p className="card">{t('appt.none')}</p>}
      <ul className="appt-list" data-testid="my-appointments">
        {mine.data?.upcoming.map((a) => (
          <AppointmentCard key={a.id} a={a}>
            {a.status === 'booked' && Date.now() < Date.parse(a.changeableUntil) ? (
              <div className="appt-actions">
                <Link
                  className="btn btn-secondary btn-md"
                  href={`/stores/${encodeURIComponent(a.store.id)}/appointments?rebook=${encodeURIComponent(a.id)}&service=${encodeURIComponent(a.service.id)}`}
                >
                  {t('appt.change')}
                </Link>
                <Button variant="danger" busy={cancel.isPending && cancel.variables === a.id} onClick={() => ask(a.id)}>
                  {confirming === a.id ? t('appt.cancelSure') : t('appt.cancel')}
                </Button>
              </div>
            ) : (
              a.status === 'booked' && <p className="muted small">{t('appt.tooLate')}</p>
            )}
          </AppointmentCard>
        ))}
      </ul>
      <BookAt />
      {mine.data && mine.data.past.length > 0 && (
        <>
          <h2>{t('appt.past')}</h2>
          <ul className="appt-list">
            {mine.data.past.map((a) => (
              <AppointmentCard key={a.id} a={a} />
            ))}
          </ul>
        </>
      )}
    </AccountPage>
  );
}

function AppointmentCard({ a, children }: { a: Appointment; children?: React.ReactNode }) {
  const t = useT();
  const lang = useLang();
  return (
    <li className="card appt-card">
      <div className="appt-card-head">
        <strong>{formatDateTime(a.startsAt, lang)}</strong>
        <span className={`appt-status appt-status-${a.status}`}>{t(`appt.status.${a.status}`)}</span>
      </div>
      <div>
        {a.store.name}・{lang === 'en' && a.service.nameEn ? a.service.nameEn : a.service.nameJa}（
        {t('appt.minutes', { n: a.service.durationMinutes })}）
      </div>
      {a.note && <div className="muted small appt-note">{a.note}</div>}
      {a.status === 'booked' && Date.now() < Date.parse(a.changeableUntil) && (
        <div className="muted small">{t('appt.changeUntil', { when: formatDateTime(a.changeableUntil, lang) })}</div>
      )}
      {children}
    </li>
  );
}

/** Where to book: her store first, then the others. */
function BookAt() {
  const t = useT();
  const lang = useLang();
  const myStore = useMyStoreId();
  const stores = (useLocations().data ?? []).filter((l) => l.kind === 'store');
  const ordered = [...stores].sort((a, b) => Number(b.id === myStore) - Number(a.id === myStore));
  if (!ordered.length) return null;
  return (
    <section aria-labelledby="appt-book-at">
      <h2 id="appt-book-at">{t('appt.pickStore')}</h2>
      <ul className="chips appt-stores">
        {ordered.map((l) => (
          <li key={l.id}>
            <Link className="chip" href={`/stores/${encodeURIComponent(l.id)}/appointments`}>
              {locationName(l, lang)}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
