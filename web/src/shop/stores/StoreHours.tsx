import { useT } from '../../shared/i18n';
import type { Location } from '../../shared/api/types';
import { WEEK, tokyoWeekday } from '../../shared/store-hours';

/** 「本日 10:00〜21:00」 or 「本日定休日」. */
export function TodaysHours({ hours }: { hours: { open: string; close: string } | null }) {
  const t = useT();
  return (
    <span>{hours ? t('mystore.hoursToday', { open: hours.open, close: hours.close }) : t('mystore.closedToday')}</span>
  );
}

/** 営業中 / 営業時間外, in words (not colour alone). */
export function OpenNow({ open }: { open: boolean }) {
  const t = useT();
  return (
    <span className={`open-now ${open ? 'is-open' : 'is-closed'}`} data-open={open}>
      {open ? t('stores.openNow') : t('stores.closedNow')}
    </span>
  );
}

/** The week's hours, Monday first, today's row marked. */
export function WeekHours({ hours }: { hours: Location['openingHours'] }) {
  const t = useT();
  const today = tokyoWeekday();
  return (
    <table className="week-hours">
      <caption className="visually-hidden">{t('store.hours')}</caption>
      <tbody>
        {WEEK.map((d) => {
          const h = hours[d] ?? null;
          return (
            <tr key={d} className={d === today ? 'today' : undefined} aria-current={d === today ? 'date' : undefined}>
              <th scope="row">
                {t(`store.day.${d}`)}
                {d === today && <span className="today-mark">{t('store.today')}</span>}
              </th>
              <td>{h ? t('store.hoursRange', { open: h.open, close: h.close }) : t('store.closed')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
