import { formatDate, formatTime, tokyoToday } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';

export interface StoreEvent {
  id: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
}

/** Today's events (on now or later today) first, then those to come, each with its day and times in Japan. */
export function StoreEvents({ items, today }: { items: StoreEvent[]; today: string }) {
  const t = useT();
  const lang = useLang();
  if (!items.length) return <p className="muted">{t('store.noEvents')}</p>;
  const isToday = (e: StoreEvent) => tokyoToday(new Date(e.startsAt)) <= today;
  const list = (events: StoreEvent[], withDate: boolean) => (
    <ul className="store-events">
      {events.map((e) => (
        <li key={e.id} data-event={e.id}>
          <p className="store-event-when small">
            {withDate && <>{formatDate(e.startsAt, lang)} </>}
            <time dateTime={e.startsAt}>{formatTime(e.startsAt)}</time>〜
            <time dateTime={e.endsAt}>
              {tokyoToday(new Date(e.endsAt)) !== tokyoToday(new Date(e.startsAt)) && (
                <>{formatDate(e.endsAt, lang)} </>
              )}
              {formatTime(e.endsAt)}
            </time>
          </p>
          <h4 className="store-event-title">{e.title}</h4>
          {e.description && <p className="small">{e.description}</p>}
        </li>
      ))}
    </ul>
  );
  const todays = items.filter(isToday);
  const coming = items.filter((e) => !isToday(e));
  return (
    <div className="stack" data-testid="store-events">
      {todays.length > 0 && (
        <section aria-labelledby="events-today">
          <h3 id="events-today">{t('store.eventsToday')}</h3>
          {list(todays, false)}
        </section>
      )}
      {coming.length > 0 && (
        <section aria-labelledby="events-coming">
          <h3 id="events-coming">{t('store.eventsUpcoming')}</h3>
          {list(coming, true)}
        </section>
      )}
    </div>
  );
}
