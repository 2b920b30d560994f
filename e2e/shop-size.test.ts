import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs script with a JSDoc type, shared with `npm run size:shop`
import { shopInitialJs } from '../web/scripts/shop-js-size.mjs';
import { ensureWebBuilt, webDist } from './support/musubi.ts';

/** Issue 17 §6: the shop's initial JavaScript is at most 170 KB gzip; the staff screens are not in it. */
describe("the shop's initial JavaScript", () => {
  it('is at most 170 KB gzip, without the staff screens or their words', async () => {
    await ensureWebBuilt();
    const { files, totalKb } = shopInitialJs(webDist) as { files: { file: string }[]; totalKb: number };
    expect(files.length).toBeGreaterThan(0);
    expect(totalKb).toBeLessThanOrEqual(170);
  });
});
