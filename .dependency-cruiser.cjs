// The module ranks (docs/architecture.md), checked by `npm run lint:ranks`.
// A module may import a lower rank, never the same or a higher one, and only through the other module's
// service.ts (a schema.ts may also import a lower module's schema.ts: foreign keys point down).
// Test files, test helpers, server/src/test, server/src/demo and the composition root (server.ts, main.ts)
// are exempt: they sit outside or beside the modules and may reach into any of them.
const ranks = {
  catalog: 1,
  locations: 1,
  staff: 2,
  events: 2,
  customers: 3,
  inventory: 4,
  promotions: 4,
  payments: 4,
  loyalty: 4,
  orders: 5,
  favourites: 5,
  appointments: 5,
  reviews: 6,
  'scan-and-go': 6,
  notifications: 6,
  clienteling: 7,
  engagement: 8,
  analytics: 8,
  recommendations: 8,
  imports: 9,
  storefront: 9,
};

const modules = 'server/src/modules/';

// A module without a rank would escape the rank rules: refuse to run until it has one.
const unranked = require('node:fs')
  .readdirSync(require('node:path').join(__dirname, modules), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !(d.name in ranks))
  .map((d) => d.name);
if (unranked.length) throw new Error(`.dependency-cruiser.cjs: give these modules a rank: ${unranked.join(', ')}`);
const exempt = ['\\.test\\.ts$', '/test-helpers\\.ts$'];

// The web app's folders: each app is one audience's screens; what two of them share lives in web/src/shared.
const webApps = ['shop', 'account', 'orders', 'store', 'hq'];

const rankRules = Object.entries(ranks).map(([name, rank]) => {
  const notLower = Object.keys(ranks).filter((other) => other !== name && ranks[other] >= rank);
  return {
    name: `rank-${name}`,
    comment: `${name} (rank ${rank}) imports only modules of a lower rank`,
    severity: 'error',
    from: { path: `^${modules}${name}/`, pathNot: exempt },
    to: { path: `^${modules}(${notLower.join('|')})/` },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...[
      ...rankRules,
      {
        name: 'platform-imports-no-module',
        comment: 'platform is rank 0: it imports no module',
        severity: 'error',
        from: { path: '^server/src/platform/', pathNot: exempt },
        to: { path: `^${modules}` },
      },
      {
        name: 'only-through-service',
        comment: 'another module is reached only through its service.ts (a schema.ts may import a lower schema.ts)',
        severity: 'error',
        from: { path: `^${modules}([^/]+)/`, pathNot: [...exempt, '/schema\\.ts$'] },
        to: { path: `^${modules}`, pathNot: [`^${modules}$1/`, `^${modules}[^/]+/service\\.ts$`] },
      },
      {
        name: 'schema-only-through-service-or-schema',
        comment: "a schema.ts reaches another module's schema.ts or service.ts only",
        severity: 'error',
        from: { path: `^${modules}([^/]+)/schema\\.ts$`, pathNot: exempt },
        to: { path: `^${modules}`, pathNot: [`^${modules}$1/`, `^${modules}[^/]+/(service|schema)\\.ts$`] },
      },
      {
        name: 'no-cycle-between-modules',
        comment: 'no circular dependency that runs through more than one module',
        severity: 'error',
        from: { path: `^${modules}([^/]+)/`, pathNot: exempt },
        to: { circular: true, via: { pathNot: `^${modules}$1/` } },
      },
      {
        name: 'web-apps-apart',
        comment: 'a web app folder (shop, account, orders, store, hq) imports web/src/shared, never another app',
        severity: 'error',
        from: { path: `^web/src/(${webApps.join('|')})/` },
        to: { path: `^web/src/(${webApps.join('|')})/`, pathNot: '^web/src/$1/' },
      },
      {
        name: 'web-shared-imports-no-app',
        comment: 'web/src/shared is below every web app: it imports none of them',
        severity: 'error',
        from: { path: '^web/src/shared/' },
        to: { path: `^web/src/(${webApps.join('|')})/` },
      },
    ],
  ],
  options: {
    includeOnly: '^(server|web)/src/',
    tsPreCompilationDeps: true,
    exclude: { path: 'node_modules' },
  },
};
