import { formatKm } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { locationName, useLocations } from '../../shared/locations';
import { useMyStoreId } from '../../shared/my-store';
import { kmBetween, stations, useShopperPosition } from '../../shared/position';
import { Link } from '../../shared/router';
import { hoursOn, isOpenNow, tokyoWeekday } from '../../shared/store-hours';
import { ProblemBanner } from '../../shared/ui';
import { PositionPicker } from '../../shared/ui/PositionPicker';
import { OpenNow, TodaysHours } from './StoreHours';

/**
 * /stores — 店舗を探す: every store, nearest first from where she is (her device's position when she shares
 * it, else a station she picks; 渋谷 until then), each with its distance, today's hours and whether it is
 * open now; her マイストア marked. A store opens its page.
 */
export function StoreListScreen() {
  const t = useT();
  const lang = useLang();
  const where = useShopperPosition();
  const locations = useLocations();
  const mine = useMyStoreId();
  const from = where.position;
  const day = tokyoWeekday();
  const stores = (locations.data ?? [])
    .filter((l) => l.kind === 'store')
    .map((l) => ({ l, km: kmBetween(from, l) }))
    .sort((a, b) => a.km - b.km);
  const station = from.kind === 'station' ? stations.find((s) => s.id === from.stationId) : undefined;

  return (
    <main className="page stores-page" aria-labelledby="stores-title">
      <h1 id="stores-title">{t('storeList.title')}</h1>
      <p className="muted">{t('stores.lead')}</p>
      <PositionPicker {...where} />
      <p className="muted small">
        {station ? t('mystore.fromStation', { place: t(station.label) }) : t('mystore.fromHere')}
      </p>
      <ProblemBanner error={locations.error} />
      {locations.isPending && !locations.data && <p className="muted">{t('common.loading')}</p>}
      {locations.data && !stores.length && <p className="muted">{t('storeList.none')}</p>}
      <ul className="store-list">
        {stores.map(({ l, km }) => (
          <li key={l.id} data-location={l.id} className={l.id === mine ? 'mine' : undefined}>
            <Link href={`/stores/${l.id}`} className="store-list-link">
              <span className="store-list-name">
                <strong>{locationName(l, lang)}</strong>
                {l.id === mine && <span className="my-store-mark">{t('stores.myStore')}</span>}
              </span>
              <span className="muted small">
                {formatKm(km)} ・ {l.nearestStation || `${l.city}${l.address}`}
              </span>
              <span className="store-list-hours small">
                <TodaysHours hours={hoursOn(l.openingHours, day)} />
                <OpenNow open={isOpenNow(l.openingHours)} />
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}
