import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availabilityDirect, availabilityLikeApi } from './availability.ts';
import { oversellCheck, reserveDirect, reserveLikeApi } from './hot-sku.ts';
import {
  createLocations,
  openTarget,
  startServer,
  stockInvariantViolations,
  type RunningServer,
  type Target,
} from './setup.ts';

/**
 * The benchmark's own code paths, kept honest by the test suite: the hot-SKU correctness check
 * (200 concurrent reservations on 50 units → exactly 50) on PGlite over real HTTP, and the direct-SQL
 * baselines still valid against the current schema.
 */
describe('bench (pglite)', () => {
  let target: Target;
  let running: RunningServer;
  let locationIds: string[];

  beforeAll(async () => {
    const template = process.env.MUSUBI_TEST_PGLITE_TEMPLATE;
    target = await openTarget('pglite', template ? { template: new Blob([readFileSync(template)]) } : { memory: true });
    running = await startServer(target.database);
    locationIds = await createLocations(target.database, 9);
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    await target?.dispose();
  });

  it('200 concurrent reservations on 50 units: exactly 50 succeed, and the baselines agree there is nothing left', async () => {
    const o = await oversellCheck(running, locationIds[0]!);
    expect(o).toMatchObject({ succeeded: 50, refused: 150, other: 0, onHand: 50, reserved: 50 });
    expect(await stockInvariantViolations(target.database)).toEqual([]);

    const [level] = (
      await target.database.pglite!.query<{ variant_id: string }>(
        'SELECT variant_id FROM stock_levels WHERE location_id = $1',
        [locationIds[0]],
      )
    ).rows;
    const row = { variantId: level!.variant_id, locationId: locationIds[0]! };
    expect(await reserveDirect(target.database, row)).toBe('insufficient');
    expect(await reserveLikeApi(target.database, row)).toBe('insufficient');
    expect(await availabilityDirect(target.database, row.variantId)).toBe(true);
    expect(await availabilityLikeApi(target.database, row.variantId)).toBe(true);
  }, 30_000);
});
