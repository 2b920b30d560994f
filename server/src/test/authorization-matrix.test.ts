import { expect, it } from 'vitest';
import { createTestProduct, describeEachDatabase, type TestApp } from './harness.ts';
import {
  MEMBER_PASSWORD,
  PASSWORD,
  READ_SCOPES,
  newMember,
  principals,
  seedFixture,
  seeding,
  type Fixture,
  type Who,
} from './authorization-fixture.ts';
import { scopeOf } from '../platform/api-scopes.ts';
import { MATRIX_LINE_SECRET, authorizationMatrix, type Row } from './authorization-matrix.ts';

process.env.LINE_CHANNEL_SECRET = MATRIX_LINE_SECRET;
process.env.LINE_LOGIN_CHANNEL_ID = '1650000000';
process.env.LINE_LOGIN_CHANNEL_SECRET = 'matrix-line-login-secret';

/**
 * The authorization matrix (authorization-matrix.ts) against the running app: every operation of the
 * OpenAPI document has a row, and every row, called as every principal, is let through or refused as
 * the row says. One seeded fixture per database; rows that would destroy it use throwaway objects.
 */
type Outcome = 'allowed' | 401 | 403 | 404;

/**
 * Operations that read no Authorization header (their own credentials: a signed link), so a token there is
 * anyone's call: those the document gives no 401 answer.
 */
let ownCredentials = new Set<string>();

function expected(row: Row, who: Who): Outcome {
  if (who === 'readToken') {
    if (ownCredentials.has(row.op)) return expected(row, 'anonymous');
    // A token is the owner narrowed to its scopes: refused where no read scope opens the operation.
    const [method, path] = row.op.split(' ') as [string, string];
    const scope = scopeOf(method, path);
    return scope && (READ_SCOPES as readonly string[]).includes(scope) ? expected(row, 'owner') : 403;
  }
  if (row.allow.includes(who)) return 'allowed';
  if (row.hidden?.includes(who)) return 404;
  return who === 'anonymous' ? 401 : 403;
}

function observed(status: number, want: Outcome): Outcome | number {
  if (status === 401 || status === 403) return status;
  if (want === 404 && status === 404) return 404;
  return status >= 500 ? status : 'allowed';
}

async function setUp(app: TestApp, f: Fixture, row: Row): Promise<Record<string, string>> {
  const call = seeding(app);
  switch (row.setup) {
    case 'customer':
      return { customerId: (await newMember(app)).id };
    case 'product':
      return { productId: (await createTestProduct(app)).productId };
    case 'storeDrafts': {
      // A draft of store A's for each principal, so one's deleting it does not turn the next one's 403 into a 404.
      const drafts: Record<string, string> = {};
      for (const who of principals) {
        const draft = await call(
          'POST',
          '/api/campaigns',
          { name: 'マトリクス (削除用)', segmentId: f.segmentId, title: 'お知らせ', body: '本文' },
          f.tokens.manager,
        );
        drafts[who] = draft.id;
      }
      return drafts;
    }
    case 'merge':
    case 'mergeDone': {
      const [survivor, other] = [await newMember(app), await newMember(app)];
      // In context at store A, as the fixture's member is: her app's QR scanned there.
      for (const m of [survivor, other]) {
        const { code } = await call('GET', '/api/account/member-code', undefined, m.token);
        await call('POST', '/api/member-codes/resolve', { locationId: f.storeA, code }, f.tokens.staff);
      }
      if (row.setup === 'merge') return { survivor: survivor.id, other: other.id };
      const merge = await call('POST', `/api/customers/${survivor.id}/merge`, {
        otherId: other.id,
        reason: '同一人物',
      });
      return { mergeId: merge.mergeId ?? merge.id ?? merge.merge?.id };
    }
    default:
      return {};
  }
}

/** The token a principal calls this row with: its own, a fresh session of it, or a fresh member's. */
async function tokenFor(app: TestApp, f: Fixture, row: Row, who: Who): Promise<string | null> {
  if (who === 'anonymous' || who === 'readToken' || !row.sessions) return f.tokens[who];
  const isMember = who === 'customer' || who === 'otherCustomer';
  if (isMember && row.sessions === 'freshMembers') return (await newMember(app)).token;
  const call = seeding(app);
  const login = await call(
    'POST',
    isMember ? '/api/customer-auth/login' : '/api/auth/login',
    { email: f.emails[who], password: isMember ? MEMBER_PASSWORD : PASSWORD },
    null,
  );
  return login.token;
}

describeEachDatabase('authorization matrix', (ctx) => {
  let fixture: Fixture;

  it('has a row for every operation of the OpenAPI document, and no row for one that is gone', async () => {
    const app = ctx();
    const doc = (await app.api('GET', '/api/openapi.json', { token: null })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const rows = authorizationMatrix.map((r) => r.op);
    expect(
      rows.filter((op, i) => rows.indexOf(op) !== i),
      'rows listed twice',
    ).toEqual([]);
    expect(
      operations.filter((op) => !rows.includes(op)),
      'operations without a row in authorization-matrix.ts',
    ).toEqual([]);
    expect(
      rows.filter((op) => !operations.includes(op)),
      'rows whose operation is not in the OpenAPI document',
    ).toEqual([]);
  });

  it('lets through and refuses every operation for every principal as the table says', async () => {
    const app = ctx();
    const doc = (await app.api('GET', '/api/openapi.json', { token: null })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    ownCredentials = new Set(
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, op]) => !('401' in op.responses))
          .map(([m]) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const started = Date.now();
    fixture = await seedFixture(app);
    const seeded = Date.now();
    const deviations: string[] = [];
    /** Allowed calls that answered a 4xx the row does not mention: a request that may not reach the service. */
    const otherAnswers: string[] = [];
    let checks = 0;
    let skipped = 0;
    let n = 0;
    for (const row of authorizationMatrix) {
      const [method, path] = row.op.split(' ') as [string, string];
      const x = await setUp(app, fixture, row);
      for (const who of principals) {
        const want = expected(row, who);
        if (row.endless && want === 'allowed') {
          skipped++;
          continue;
        }
        const req = row.request(fixture, { who, n: ++n, x });
        const token = await tokenFor(app, fixture, row, who);
        const res = await app.api(method, req.url, {
          token,
          ...(req.body !== undefined ? { body: req.body } : {}),
          ...(req.headers ? { headers: req.headers } : {}),
        });
        checks++;
        if (want === 'allowed' && res.statusCode >= 400 && !row.also)
          otherAnswers.push(`${row.op} as ${who}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        const got = observed(res.statusCode, want);
        if (got !== want)
          deviations.push(
            `${row.op} as ${who} (${path === req.url ? '' : req.url}): expected ${want}, got ${res.statusCode} ${res.body.slice(0, 400)}`,
          );
      }
    }
    const seconds = (t: number) => (t / 1000).toFixed(1);
    console.log(
      `authorization matrix [${app.target}]: ${authorizationMatrix.length} operations × ${principals.length} principals = ` +
        `${authorizationMatrix.length * principals.length} cells, ${checks} calls (${skipped} endless allowed cells not called), ` +
        `${deviations.length} deviations; seed ${seconds(seeded - started)} s, calls ${seconds(Date.now() - seeded)} s`,
    );
    for (const d of deviations) console.log(d);
    for (const a of otherAnswers) console.log(`allowed, but answered ${a}`);
    // A 400 is the route's schema: such a call never reached the service's checks, so the row proves nothing.
    expect(otherAnswers.filter((a) => a.includes(': 400 '))).toEqual([]);
    expect(deviations).toEqual([]);
  }, 420_000);
});
