import { useT } from '../i18n';
import { Button } from './index';
import { stations, type useShopperPosition } from '../position';

/** "Nearest to: [渋谷 ▾] [現在地を使う]" above the stock table. */
export function PositionPicker({
  position,
  chooseStation,
  locateMe,
  locating,
  geoError,
  label,
}: ReturnType<typeof useShopperPosition> & { label?: string }) {
  const t = useT();
  return (
    <div className="position-picker">
      <label className="position-label">
        {label ?? t('position.from')}
        <select
          value={position.kind === 'station' ? position.stationId : 'here'}
          onChange={(e) => chooseStation(e.target.value)}
        >
          {position.kind === 'here' && <option value="here">{t('position.here')}</option>}
          {stations.map((s) => (
            <option key={s.id} value={s.id}>
              {t(s.label)}
            </option>
          ))}
        </select>
      </label>
      <Button variant="ghost" onClick={locateMe} busy={locating}>
        {locating ? t('position.locating') : t('position.locateMe')}
      </Button>
      {geoError && (
        <p className="field-error" role="alert">
          {t(geoError)}
        </p>
      )}
    </div>
  );
}
