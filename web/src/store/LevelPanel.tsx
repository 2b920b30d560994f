import type { Level } from '../shared/api/types';
import { useT } from '../shared/i18n';

/** This store's numbers for one variant, big enough to read from arm's length. */
export function LevelPanel({ level, flashing }: { level: Level; flashing: boolean }) {
  const t = useT();
  const tiles = [
    { key: 'available', label: t('store.level.available'), value: level.available, main: true },
    { key: 'onHand', label: t('store.level.onHand'), value: level.onHand },
    { key: 'reserved', label: t('store.level.reserved'), value: level.reserved },
    { key: 'inTransit', label: t('store.level.inTransit'), value: level.inTransit },
  ];
  return (
    <dl className={`level-panel${flashing ? ' flash' : ''}`} aria-live="polite">
      {tiles.map((tile) => (
        <div key={tile.key} className={`level-tile${tile.main ? ' level-main' : ''}`} data-level={tile.key}>
          <dt>{tile.label}</dt>
          <dd>{tile.value}</dd>
        </div>
      ))}
    </dl>
  );
}
