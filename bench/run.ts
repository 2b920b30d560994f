/**
 * `npm run bench`: every benchmark measures its own baseline in the same run and prints the ratio.
 *   BENCH_QUICK=1                           ~1 minute smoke run (short durations, smaller data)
 *   BENCH_ONLY=hot-sku,availability,product-page,startup,search,loyalty,events,member-code,checkout,stall,segments,campaigns,recommendations,analytics,imports,shopper-path,chain,statements pick benchmarks (default: all)
 *   BENCH_SCALE=full                        member-code, segments and campaigns on 1 M members / 20 M events (default 100 k / 2 M)
 *   BENCH_ANALYTICS_URL=postgres://…/db      analytics on a kept database (generate-customers.ts + fill-rollups.ts)
 *   BENCH_CHAIN_TENTH_URL / BENCH_CHAIN_URL  chain on kept databases (generate-chain.ts --scale tenth / full)
 *   BENCH_DB=postgres                       one database only (pglite or postgres; default both)
 *   BENCH_DATABASE_URL=postgres://…         the Postgres server (default postgres://postgres@127.0.0.1:5432/postgres)
 */
import os from 'node:os';
import { benchAvailability } from './availability.ts';
import { benchProductPage } from './product-page.ts';
import { benchHotSku } from './hot-sku.ts';
import { benchStartup } from './startup.ts';
import { runSearch } from './search.ts';
import { benchLoyalty } from './loyalty.ts';
import { benchEvents } from './events.ts';
import { benchMemberCode } from './member-code.ts';
import { benchCheckout } from './checkout.ts';
import { benchStall } from './stall.ts';
import { benchSegments } from './segments.ts';
import { benchCampaigns } from './campaigns.ts';
import { benchRecommendations } from './recommendations.ts';
import { benchAnalytics } from './analytics.ts';
import { benchImports } from './imports.ts';
import { benchChain } from './chain.ts';
import { benchShopperPath } from './shopper-path.ts';
import { benchStatements } from './statements.ts';
import { failedChecks, figures, printTable, quick } from './lib.ts';
import { cleanups } from './setup.ts';
import { closeLoadWorker } from './load-worker.ts';

const benches: Record<string, () => Promise<void>> = {
  'hot-sku': benchHotSku,
  availability: benchAvailability,
  'product-page': benchProductPage,
  startup: benchStartup,
  search: runSearch,
  loyalty: benchLoyalty,
  events: benchEvents,
  'member-code': benchMemberCode,
  checkout: benchCheckout,
  stall: benchStall,
  segments: benchSegments,
  campaigns: benchCampaigns,
  recommendations: benchRecommendations,
  analytics: benchAnalytics,
  imports: benchImports,
  chain: benchChain,
  'shopper-path': benchShopperPath,
  statements: benchStatements,
};

async function main(): Promise<number> {
  const only = (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((name) => !(name in benches));
  if (unknown.length) {
    console.error(`BENCH_ONLY: unknown benchmark ${unknown.join(', ')} (known: ${Object.keys(benches).join(', ')})`);
    return 2;
  }
  const selected = only.length ? only : Object.keys(benches);
  const started = performance.now();
  const cpus = os.cpus();
  console.log(`# Musubi benchmarks — ${new Date().toISOString()}${quick ? ' (BENCH_QUICK)' : ''}`);
  console.log(
    `Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, load average ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  for (const name of selected) {
    try {
      await benches[name]!();
    } catch (err) {
      console.log(`\n${name}: ERROR ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      failedChecks.push(`${name}: crashed`);
    }
  }
  if (figures.length) {
    printTable(
      'Summary (value vs same-run baseline)',
      ['bench', 'what', 'value', 'baseline', 'ratio', 'target'],
      figures.map((f) => [f.bench, f.what, f.value, f.baseline, f.ratio, f.target ?? '']),
    );
  }
  console.log(
    `\nDone in ${Math.round((performance.now() - started) / 1000)} s; load average now ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}.`,
  );
  if (failedChecks.length) {
    console.log(`\nFAILED CHECKS (${failedChecks.length}):\n${failedChecks.map((f) => `  - ${f}`).join('\n')}`);
    return 1;
  }
  return 0;
}

let exiting = false;
async function cleanupAndExit(code: number) {
  if (exiting) return;
  exiting = true;
  await Promise.allSettled([...cleanups].map((drop) => drop()));
  await closeLoadWorker().catch(() => {});
  process.exit(code);
}

process.on('SIGINT', () => void cleanupAndExit(130));
process.on('SIGTERM', () => void cleanupAndExit(143));

main().then(
  (code) => cleanupAndExit(code),
  async (err) => {
    console.error(err);
    await cleanupAndExit(1);
  },
);
