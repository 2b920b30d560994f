import { useState } from 'react';
import type { ProductAvailability } from '../api/types';
import { formatKm } from '../format';
import { useT, type Translate } from '../i18n';
import { Button, DataTable } from './index';

/** At or below this many, a store shows 残りわずか. */
export const LOW_STOCK = 3;
const FIRST_ROWS = 5;

export function StockStatus({ available }: { available: number }) {
  const t = useT();
  return <span className={`stock ${stockClass(available)}`}>{stockText(available, t)}</span>;
}

function stockClass(n: number) {
  return n <= 0 ? 'stock-none' : n <= LOW_STOCK ? 'stock-low' : 'stock-ok';
}

function stockText(n: number, t: Translate) {
  return n <= 0 ? t('stock.none') : n <= LOW_STOCK ? t('stock.low', { n }) : t('stock.ok', { n });
}

type Row = { id: string; name: string; distanceKm: number | null; available: number };

/** 近くの店舗の在庫: stores nearest first, for the chosen variant; a row flashes when its number changes. */
export function NearbyStock({
  availability,
  variantId,
  stamp,
}: {
  availability: ProductAvailability;
  variantId: string;
  stamp: (key: string) => number | undefined;
}) {
  const t = useT();
  const [showAll, setShowAll] = useState(false);
  const byLocation = new Map(
    availability.items.filter((i) => i.variantId === variantId).map((i) => [i.locationId, i.available]),
  );
  const stores: Row[] = availability.locations
    .filter((l) => l.kind === 'store')
    .map((l) => ({ id: l.id, name: l.name, distanceKm: l.distanceKm, available: byLocation.get(l.id) ?? 0 }));
  const rows = showAll ? stores : stores.slice(0, FIRST_ROWS);
  const key = (r: Row) => `${variantId}|${r.id}`;

  return (
    <>
      <DataTable
        columns={[
          { key: 'store', header: t('shop.stock.store'), cell: (r) => r.name },
          { key: 'distance', header: t('shop.stock.distance'), cell: (r) => formatKm(r.distanceKm), align: 'end' },
          {
            key: 'stock',
            header: t('shop.stock.available'),
            cell: (r) => <StockStatus available={r.available} />,
            align: 'end',
          },
        ]}
        rows={rows}
        rowKey={(r) => `${key(r)}#${stamp(key(r)) ?? ''}`}
        rowProps={(r) => ({
          className: stamp(key(r)) ? 'flash' : '',
          'data-location': r.id,
          'data-available': String(r.available),
        })}
        empty={t('shop.stock.noStores')}
      />
      {stores.length > FIRST_ROWS && (
        <div className="more">
          <Button variant="ghost" onClick={() => setShowAll(!showAll)}>
            {showAll ? t('shop.stock.fewer') : t('shop.stock.all', { n: stores.length })}
          </Button>
        </div>
      )}
    </>
  );
}
