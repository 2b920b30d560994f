import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { tokyoToday } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { locationName } from '../../shared/locations';
import { useChooseMyStore, useMyStoreId } from '../../shared/my-store';
import { Link } from '../../shared/router';
import { hoursOn, isOpenNow, mapHref, tokyoWeekday } from '../../shared/store-hours';
import { Button, ProblemBanner, SuccessBanner } from '../../shared/ui';
import { listingHref } from '../listing-url';
import { OpenNow, TodaysHours, WeekHours } from './StoreHours';
import { StoreEvents } from './StoreEvents';

/**
 * /stores/:id — one store for a shopper: where it is (address, a plain map link, nearest station, phone),
 * today's and the week's hours, whether it is open now, the services it offers (お直し, 試着, 免税 …), today's
 * and coming events, its stock in the listing, and 「マイストアにする」.
 * 「来店予約」 leads to the store's booking screen when it has services a shopper can book a visit for.
 */
export function StoreScreen({ id }: { id: string }) {
  const t = useT();
  const lang = useLang();
  const mine = useMyStoreId();
  const choose = useChooseMyStore();
  const store = useQuery({
    queryKey: ['location', id],
    queryFn: () => call(api.GET('/api/locations/{id}', { params: { path: { id } } })),
  });
  const menu = useQuery({
    queryKey: ['appointment-menu', id],
    queryFn: () => call(api.GET('/api/locations/{id}/appointment-services', { params: { path: { id } } })),
  });
  const bookable = !!menu.data?.services.length;
  const events = useQuery({
    queryKey: ['store-events', id],
    queryFn: () => call(api.GET('/api/locations/{id}/events', { params: { path: { id } } })),
    enabled: store.isSuccess,
  });
  const l = store.data;
  if (!l || l.kind !== 'store')
    return (
      <main className="page narrow">
        <p>
          <Link href="/stores">{t('store.back')}</Link>
        </p>
        <ProblemBanner error={store.error} />
        {store.isPending ? (
          <p className="muted">{t('common.loading')}</p>
        ) : (
          !store.error && <p>{t('notFound.title')}</p>
        )}
      </main>
    );

  const name = locationName(l, lang);
  const isMine = mine === l.id;
  return (
    <main className="page store-page" aria-labelledby="store-title" data-location={l.id}>
      <p className="back">
        <Link href="/stores">{t('store.back')}</Link>
      </p>
      <div className="store-head">
        <h1 id="store-title">{name}</h1>
        {isMine && <span className="my-store-mark">{t('stores.myStore')}</span>}
      </div>
      <p className="store-today">
        <TodaysHours hours={hoursOn(l.openingHours, tokyoWeekday())} />
        <OpenNow open={isOpenNow(l.openingHours)} />
      </p>

      <div className="store-actions">
        <Link className="btn btn-primary" href={listingHref({ stock: 'store', at: l.id })}>
          {t('store.stock')}
        </Link>
        {isMine ? (
          <span className="status">{t('store.isMine')}</span>
        ) : (
          <Button busy={choose.isPending} onClick={() => choose.mutate(l.id)}>
            {t('store.makeMine')}
          </Button>
        )}
        {bookable && (
          <Link
            className="btn btn-secondary"
            href={`/stores/${encodeURIComponent(l.id)}/appointments`}
            data-testid="book-visit"
          >
            {t('store.book')}
          </Link>
        )}
      </div>
      <ProblemBanner error={choose.error} />
      {choose.isSuccess && isMine && <SuccessBanner>{t('store.madeMine', { store: name })}</SuccessBanner>}

      <div className="store-columns">
        <section aria-labelledby="store-where">
          <h2 id="store-where" className="visually-hidden">
            {t('store.address')}
          </h2>
          <dl className="facts store-facts">
            <dt>{t('store.address')}</dt>
            <dd>
              {l.postalCode && <>〒{l.postalCode} </>}
              {l.prefecture}
              {l.city}
              {l.address}
              <br />
              <a
                href={mapHref(l)}
                target="_blank"
                rel="noopener noreferrer"
                aria-label={t('store.mapLabel', { store: name })}
              >
                {t('store.map')}
              </a>
            </dd>
            {l.nearestStation && (
              <>
                <dt>{t('store.station')}</dt>
                <dd>{l.nearestStation}</dd>
              </>
            )}
            {l.phone && (
              <>
                <dt>{t('store.phone')}</dt>
                <dd>
                  <a href={`tel:${l.phone.replace(/[^\d+]/g, '')}`}>{l.phone}</a>
                </dd>
              </>
            )}
          </dl>
          <h2>{t('store.hours')}</h2>
          <WeekHours hours={l.openingHours} />
        </section>

        <section aria-labelledby="store-services">
          <h2 id="store-services">{t('store.services')}</h2>
          {l.amenities.length || l.services.pickup ? (
            <ul className="amenities" data-testid="amenities">
              {l.amenities.map((a) => (
                <li key={a} data-amenity={a}>
                  {t(`amenity.${a}`)}
                </li>
              ))}
              {l.services.pickup && <li data-amenity="pickup">{t('store.pickup')}</li>}
            </ul>
          ) : (
            <p className="muted">{t('store.noServices')}</p>
          )}
          <h2>{t('store.events')}</h2>
          <ProblemBanner error={events.error} />
          {events.data ? (
            <StoreEvents items={events.data.items} today={tokyoToday()} />
          ) : (
            events.isPending && <p className="muted">{t('common.loading')}</p>
          )}
        </section>
      </div>
    </main>
  );
}
