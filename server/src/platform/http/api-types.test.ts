import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/harness.ts';
import { apiTypesFile, apiTypesOf } from './api-types.ts';

describeEachDatabase('the web’s API types', (ctx) => {
  it('are generated from the route schemas as they are now (else: npm run gen:api)', async () => {
    const generated = await apiTypesOf(ctx().server.app.swagger());
    const committed = await readFile(apiTypesFile, 'utf8');
    if (generated !== committed)
      expect.fail(
        'web/src/shared/api/schema.d.ts is out of date with the route schemas: run `npm run gen:api` and commit it',
      );
  });
});
