import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { paths } from '../shared/api/schema';
import { useCustomerSession } from '../shared/customer/session';
import { formatDateTime, tokyoToday } from '../shared/format';
import { todayIsOver } from './appointment-days';
import { useLang, useT } from '../shared/i18n';
import { Link, useLocationPath, withNext } from '../shared/router';
import { Button, ProblemBanner } from '../shared/ui';
import { TextAreaField } from '../shared/ui/Field';

type Menu = paths['/api/locations/{id}/appointment-services']['get']['responses'][200]['content']['application/json'];
type Booked = paths['/api/account/appointments']['post']['responses'][201]['content']['application/json'];

const DAYS_SHOWN = 14;
const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const WEEKDAY_JA = ['日', '月', '火', '水', '木', '金', '土'];
const WEEKDAY_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The next DAYS_SHOWN Japan dates from today. */
function nextDays(): string[] {
  const today = tokyoToday();
  return Array.from({ length: DAYS_SHOWN }, (_, i) =>
    new Date(Date.parse(`${today}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10),
  );
}

const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/**
 * /stores/:id/appointments — 来店予約: a member books a visit (試着・フィッティング, お直し …) at a store: service →
 * day → free time → note → confirm. A guest sees the menu and the times and is asked to sign in to book.
 * With ?rebook=<id> it moves her booking to the time she picks (the old place freed in the same step).
 */
export function AppointmentBookingScreen({ locationId }: { locationId: string }) {
  const t = useT();
  const lang = useLang();
  const session = useCustomerSession();
  const queryClient = useQueryClient();
  const { search } = useLocationPath();
  const rebook = search.get('rebook');
  const [serviceId, setServiceId] = useState<string | null>(search.get('service'));
  const [day, setDay] = useState<string | null>(null);
  const [startsAt, setStartsAt] = useState<string | null>(null);
  const [note, setNote] = useState('');

  const menu = useQuery({
    queryKey: ['appointment-menu', locationId],
    queryFn: () => call(api.GET('/api/locations/{id}/appointment-services', { params: { path: { id: locationId } } })),
  });
  const service = menu.data?.services.find((s) => s.id === serviceId) ?? null;
  const slots = useQuery({
    queryKey: ['appointment-slots', serviceId, day],
    enabled: !!serviceId && !!day,
    queryFn: () =>
      call(
        api.GET('/api/appointment-services/{id}/slots', {
          params: { path: { id: serviceId! }, query: { date: day! } },
        }),
      ),
  });
  const book = useMutation({
    mutationFn: (): Promise<Booked> => {
      const body = { serviceId: serviceId!, startsAt: startsAt!, note };
      return rebook
        ? call(api.POST('/api/account/appointments/{id}/rebook', { params: { path: { id: rebook } }, body }))
        : call(api.POST('/api/account/appointments', { body }));
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['account', 'appointments'] }),
    // A slot taken meanwhile: the times are read again.
    onError: () => void queryClient.invalidateQueries({ queryKey: ['appointment-slots', serviceId, day] }),
  });

  const storeName = menu.data?.store.name;
  const title = storeName ? t('appt.title', { store: storeName }) : t('appt.titlePlain');
  if (book.data) return <Booked title={title} booked={book.data} />;

  const pick = (next: { service?: string; day?: string }) => {
    if (next.service !== undefined) setServiceId(next.service);
    if (next.day !== undefined) setDay(next.day);
    setStartsAt(null);
    book.reset();
  };

  return (
    <main className="page narrow appointment-booking">
      <h1>{title}</h1>
      {rebook && <p className="card">{t('appt.rebooking')}</p>}
      {!session && (
        <p className="card" data-testid="appt-login">
          {t('appt.loginFirst')} <Link href={withNext('/account/login')}>{t('appt.login')}</Link>
        </p>
      )}
      <ProblemBanner error={menu.error} />
      {menu.data && menu.data.services.length === 0 && <p className="card">{t('appt.noServices')}</p>}
      {menu.data && menu.data.services.length > 0 && (
        <>
          <section aria-labelledby="appt-service">
            <h2 id="appt-service">{t('appt.step.service')}</h2>
            <div className="appt-services">
              {menu.data.services.map((s) => (
                <button
                  key={s.id}
                  type="button"
                  className="chip appt-service"
                  aria-pressed={s.id === serviceId}
                  onClick={() => pick({ service: s.id })}
                >
                  <strong>{lang === 'en' && s.nameEn ? s.nameEn : s.nameJa}</strong>
                  <span className="muted small">{t('appt.minutes', { n: s.durationMinutes })}</span>
                  {lang === 'ja' && s.descriptionJa && <span className="small">{s.descriptionJa}</span>}
                </button>
              ))}
            </div>
          </section>
          {service && (
            <DayPicker
              hours={menu.data.store.openingHours}
              minutes={service.durationMinutes}
              day={day}
              onPick={(d) => pick({ day: d })}
            />
          )}
          {service && day && (
            <section aria-labelledby="appt-time">
              <h2 id="appt-time">{t('appt.step.time')}</h2>
              <ProblemBanner error={slots.error} />
              {slots.isPending && <p className="muted">{t('common.loading')}</p>}
              {slots.data && slots.data.slots.length === 0 && <p className="muted">{t('appt.noSlots')}</p>}
              <div className="chips appt-times" data-testid="appt-times">
                {slots.data?.slots.map((s) => (
                  <button
                    key={s.startsAt}
                    type="button"
                    className="chip"
                    aria-pressed={s.startsAt === startsAt}
                    onClick={() => {
                      setStartsAt(s.startsAt);
                      book.reset();
                    }}
                  >
                    {s.time}
                    <span className="muted small"> {t('appt.left', { n: s.remaining })}</span>
                  </button>
                ))}
              </div>
            </section>
          )}
          {service && startsAt && (
            <section aria-labelledby="appt-note" className="appt-confirm">
              <h2 id="appt-note">{t('appt.step.note')}</h2>
              <TextAreaField
                label={t('appt.noteLabel')}
                value={note}
                maxLength={500}
                rows={3}
                placeholder={t('appt.notePlaceholder')}
                onChange={(e) => setNote(e.target.value)}
              />
              <p className="appt-summary">
                {t('appt.summary', {
                  service: lang === 'en' && service.nameEn ? service.nameEn : service.nameJa,
                  when: formatDateTime(startsAt, lang),
                })}
              </p>
              <ProblemBanner error={book.error} />
              {session ? (
                <Button variant="primary" size="lg" busy={book.isPending} onClick={() => book.mutate()}>
                  {rebook ? t('appt.rebookConfirm') : t('appt.confirm')}
                </Button>
              ) : (
                <Link className="btn btn-primary btn-lg" href={withNext('/account/login')}>
                  {t('appt.login')}
                </Link>
              )}
            </section>
          )}
        </>
      )}
    </main>
  );
}

function DayPicker({
  hours,
  minutes,
  day,
  onPick,
}: {
  hours: Menu['store']['openingHours'];
  /** The chosen service's length. */
  minutes: number;
  day: string | null;
  onPick: (day: string) => void;
}) {
  const t = useT();
  const lang = useLang();
  const today = tokyoToday();
  return (
    <section aria-labelledby="appt-day">
      <h2 id="appt-day">{t('appt.step.day')}</h2>
      <div className="appt-days">
        {nextDays().map((d) => {
          const w = weekdayOf(d);
          const open = hours[WEEKDAY_KEYS[w]!];
          const over = d === today && !!open && todayIsOver(open.close, minutes);
          const closed = !open || over;
          const [, m, dd] = d.split('-');
          return (
            <button
              key={d}
              type="button"
              className={`chip appt-day${closed ? ' chip-dim' : ''}`}
              aria-pressed={d === day}
              disabled={closed}
              onClick={() => onPick(d)}
            >
              <span>
                {Number(m)}/{Number(dd)}
              </span>
              <span className="small">{lang === 'ja' ? `（${WEEKDAY_JA[w]}）` : `(${WEEKDAY_EN[w]})`}</span>
              {closed && <span className="small">{t(over ? 'appt.todayOver' : 'appt.closed')}</span>}
            </button>
          );
        })}
      </div>
    </section>
  );
}

function Booked({ title, booked }: { title: string; booked: Booked }) {
  const t = useT();
  const lang = useLang();
  return (
    <main className="page narrow appointment-booking">
      <h1>{title}</h1>
      <section className="card" role="status" data-testid="appt-done">
        <h2>{t('appt.done.title')}</h2>
        <p className="appt-summary">
          {t('appt.summary', {
            service: lang === 'en' && booked.service.nameEn ? booked.service.nameEn : booked.service.nameJa,
            when: formatDateTime(booked.startsAt, lang),
          })}
        </p>
        <p>{t('appt.done.body')}</p>
        <Link href="/account/appointments">{t('appt.mine')}</Link>
      </section>
    </main>
  );
}
