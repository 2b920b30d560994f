import type { Location } from '../shared/api/types';
import { formatKm } from '../shared/format';
import { useT, type MessageKey } from '../shared/i18n';
import { useLocations } from '../shared/locations';
import { useChooseMyStore, useMyStoreId } from '../shared/my-store';
import { kmBetween, stations, useShopperPosition } from '../shared/position';
import { Button, ProblemBanner } from '../shared/ui';
import { PositionPicker } from '../shared/ui/PositionPicker';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Today's opening hours in Tokyo: 「本日 10:00〜21:00」 or 「本日定休日」. */
function todaysHours(l: Location, t: (k: MessageKey, p?: Record<string, string>) => string): string {
  const weekday = new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'Asia/Tokyo' })
    .format(new Date())
    .toLowerCase()
    .slice(0, 3) as (typeof DAYS)[number];
  const hours = l.openingHours[weekday];
  return hours ? t('mystore.hoursToday', { open: hours.open, close: hours.close }) : t('mystore.closedToday');
}

/**
 * マイストアを選ぶ: the chain's stores, nearest first from where she is (the browser's position when she
 * allows it) or a station she picks, each with its distance and today's hours; one press makes it hers.
 */
export function MyStorePicker({ onChosen }: { onChosen?: (store: Location) => void }) {
  const t = useT();
  const where = useShopperPosition();
  const locations = useLocations();
  const mine = useMyStoreId();
  const choose = useChooseMyStore();
  const from = where.position;
  const stores = (locations.data ?? [])
    .filter((l) => l.kind === 'store')
    .map((l) => ({ l, km: kmBetween(from, l) }))
    .sort((a, b) => a.km - b.km);
  const station = from.kind === 'station' ? stations.find((s) => s.id === from.stationId) : undefined;

  return (
    <div className="my-store-picker">
      <p className="muted small">{t('mystore.lead')}</p>
      <PositionPicker {...where} />
      <p className="muted small">
        {station ? t('mystore.fromStation', { place: t(station.label) }) : t('mystore.fromHere')}
      </p>
      <ProblemBanner error={locations.error ?? choose.error} />
      <ul className="store-choices">
        {stores.map(({ l, km }) => (
          <li key={l.id} className={l.id === mine ? 'chosen' : undefined} data-location={l.id}>
            <div className="store-choice-text">
              <strong>{l.name}</strong>
              <span className="muted small">
                {formatKm(km)} ・ {todaysHours(l, t)}
              </span>
              <span className="muted small">{l.nearestStation || l.address}</span>
            </div>
            {l.id === mine ? (
              <span className="status">{t('mystore.selected')}</span>
            ) : (
              <Button
                aria-label={`${l.name}: ${t('mystore.select')}`}
                busy={choose.isPending && choose.variables === l.id}
                onClick={() => choose.mutate(l.id, { onSuccess: () => onChosen?.(l) })}
              >
                {t('mystore.select')}
              </Button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
